-- The answer of explore_individu_counts (same columns, rows, order and numbers) read from the Eksplorasi cube
-- (explore_cube_individu, written at build time: people per kecamatan and combination of the filtered and
-- grouped values) instead of the region's raw rows: for views no finer than a kecamatan, i.e. no desa code in
-- $wilayah and no desa dimension. portal.explore.counts_query picks it only then; asked for a desa it raises an
-- error rather than answer from the wrong grain.
-- $periode: 'YYYY-MM' (ages were taken on the period's last day when the cube was built);
-- $provinsi: 2-digit codes of the provinces to read (prunes the kode_prov partitions), null = every province;
-- $desa_dari, $desa_sampai: the lowest and highest desa code the region filter can match (10 digits; their first
--   six bound the kecamatan codes read, as the cube is sorted by kode_kec);
-- $wilayah: region codes of level provinsi, kab/kota or kecamatan (2, 4 or 6 digits); null = no region filter;
-- filters and $dim_baris, $dim_kolom: as explore_individu_counts, without desa.
-- Asked for a desa, the query fails whatever the other filters (a check on the rows could be skipped by them).
with refused as (
    select case
        when 'desa' in ($dim_baris, $dim_kolom) or len(list_filter($wilayah, lambda c: length(c) > 6)) > 0
            then error('explore_individu_counts_cube: the cube has no desa; use explore_individu_counts')
        else true
    end as answerable
),

cells as (
    select kode_kec, desil, jenis_kelamin, kelompok_umur, pkh, bpnt, pbi_jk, blt_dd, disabilitas, status, jumlah
    from explore_cube_individu_all, refused
    where refused.answerable
        and periode = $periode
        and ($provinsi is null or list_contains($provinsi, kode_prov))
        and kode_kec between left($desa_dari, 6) and left($desa_sampai, 6)
        and explore_in_region($wilayah, kode_prov, kode_kab, kode_kec, kode_kec)
),

final as (
    select *
    from explore_tally_cells('cells', $programs, $desils, $kelamin, $umur, $disabilitas, $status, $dim_baris, $dim_kolom)
)

select * from final
order by baris, kolom
