-- Active families not verified (verivali) for more than $bulan months at the end of the period, per child
-- region inside a region: kode, keluarga_aktif, verivali_lewat. Reads the verivali_bulan table written when the
-- period was built (active families per desa by months since verivali, counted at the period's last day), so
-- the nation is a sum over a small table; the same count from the family rows, kept for comparison, is
-- bench/queries/quality_verivali_children_live.sql.
-- $periode: 'YYYY-MM'; $akhir: the period's last day (the table was counted at it; kept for the callers);
-- $bulan: months (integer); $kode: the region's code ('' for the nation); $panjang: the length of a child's
-- code (2, 4, 6 or 10).
with months as (
    select left(kode_desa, $panjang) as kode, bulan_verivali, keluarga_aktif
    from verivali_bulan_all
    where periode = $periode
        and kode_desa >= $kode and kode_desa < $kode || ':'
),

final as (
    select
        kode,
        sum(keluarga_aktif)::bigint as keluarga_aktif,
        coalesce(sum(keluarga_aktif) filter (bulan_verivali > $bulan), 0)::bigint as verivali_lewat
    from months
    group by kode
)

select * from final
order by kode
