-- Individuals of one period matching the Eksplorasi filters, counted by up to two dimensions (rows × columns).
-- Programmes and desil are those of the person's family (read only when asked for). Returns baris, baris_nama, kolom, kolom_nama, jumlah
-- and total (everyone matching, each person once; with the programme dimension a person whose family receives
-- two programmes is counted under both).
-- $periode: 'YYYY-MM'; $akhir: the period's last day (ages are taken then);
-- $provinsi: 2-digit codes of the provinces to read (prunes the kode_prov partitions), null = every province;
-- $desa_dari, $desa_sampai: the lowest and highest desa code the region filter can match (10 digits; lets
--   the reader skip row groups, as files are sorted by kode_desa);
-- $wilayah: region codes of any level (2, 4, 6 or 10 digits); a row matches when its provinsi, kab/kota,
--   kecamatan or desa is listed; null = no region filter;
-- filters (lists, null = no filter): $programs (pkh, bpnt, pbi_jk, blt_dd, tanpa), $desils ('1'..'10', kosong),
--   $kelamin (L, P), $umur (0-5, 6-17, 18-59, 60+), $disabilitas (ya, tidak), $status (aktif, nonaktif);
-- $dim_baris, $dim_kolom: kecamatan | desa | desil | jenis_kelamin | kelompok_umur | program | disabilitas |
--   status; anything else (e.g. '') gives the single group 'semua'.
with people as (
    select
        id_keluarga, kode_prov, kode_kab, kode_kec, kode_desa, jenis_kelamin, status_aktif,
        date_sub('year', tanggal_lahir, $akhir::date) as usia,
        coalesce(
            kd_sulit_melihat or kd_sulit_mendengar or kd_sulit_berjalan or kd_sulit_menggunakan_tangan
            or kd_sulit_mengingat or kd_sulit_mengurus_diri or kd_sulit_berkomunikasi,
            false
        ) as sulit
    from individu_all
    where periode = $periode
        and ($provinsi is null or list_contains($provinsi, kode_prov))
        and kode_desa between $desa_dari and $desa_sampai
        and explore_in_region($wilayah, kode_prov, kode_kab, kode_kec, kode_desa)
),

families as (
    select
        id_keluarga, desil,
        coalesce(prog_pkh, false) as pkh,
        coalesce(prog_bpnt, false) as bpnt,
        coalesce(prog_pbi_jk, false) as pbi_jk,
        coalesce(prog_blt_dd, false) as blt_dd
    from keluarga_all
    where periode = $periode
        and ($provinsi is null or list_contains($provinsi, kode_prov))
        and kode_desa between $desa_dari and $desa_sampai
        -- only read when a filter or a dimension asks about the family
        and (
            $programs is not null or $desils is not null
            or $dim_baris in ('desil', 'program') or $dim_kolom in ('desil', 'program')
        )
),

described as (
    select
        p.kode_kec,
        p.kode_desa,
        coalesce(f.desil::varchar, 'kosong') as desil,
        coalesce(p.jenis_kelamin, 'kosong') as jenis_kelamin,
        explore_age_band(p.usia) as kelompok_umur,
        coalesce(f.pkh, false) as pkh,
        coalesce(f.bpnt, false) as bpnt,
        coalesce(f.pbi_jk, false) as pbi_jk,
        coalesce(f.blt_dd, false) as blt_dd,
        case when p.sulit then 'ya' else 'tidak' end as disabilitas,
        case when coalesce(p.status_aktif, false) then 'aktif' else 'nonaktif' end as status
    from people as p
    left join families as f using (id_keluarga)
),

final as (
    select *
    from explore_tally('described', $programs, $desils, $kelamin, $umur, $disabilitas, $status, $dim_baris, $dim_kolom)
)

select * from final
order by baris, kolom
