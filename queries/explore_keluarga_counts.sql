-- Families of one period matching the Eksplorasi filters, counted by up to two dimensions (rows × columns).
-- Sex, age band and disability are those of the family's kepala keluarga (the member with the lowest id_dtks
-- when a family lists more than one; read only when asked for); a family without one is 'kosong' for those three.
-- Returns baris, baris_nama, kolom, kolom_nama, jumlah and total (every matching family once; with the programme
-- dimension a family receiving two programmes is counted under both).
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
with families as (
    select
        id_keluarga, kode_kec, kode_desa, desil, status_aktif,
        coalesce(prog_pkh, false) as pkh,
        coalesce(prog_bpnt, false) as bpnt,
        coalesce(prog_pbi_jk, false) as pbi_jk,
        coalesce(prog_blt_dd, false) as blt_dd
    from keluarga_all
    where periode = $periode
        and ($provinsi is null or list_contains($provinsi, kode_prov))
        and kode_desa between $desa_dari and $desa_sampai
        and explore_in_region($wilayah, kode_prov, kode_kab, kode_kec, kode_desa)
),

heads as (
    select
        id_keluarga,
        arg_min(jenis_kelamin, id_dtks) as jenis_kelamin,
        arg_min(date_sub('year', tanggal_lahir, $akhir::date), id_dtks) as usia,
        arg_min(
            coalesce(
                kd_sulit_melihat or kd_sulit_mendengar or kd_sulit_berjalan or kd_sulit_menggunakan_tangan
                or kd_sulit_mengingat or kd_sulit_mengurus_diri or kd_sulit_berkomunikasi,
                false
            ),
            id_dtks
        ) as sulit
    from individu_all
    where periode = $periode
        and ($provinsi is null or list_contains($provinsi, kode_prov))
        and kode_desa between $desa_dari and $desa_sampai
        and hubungan_keluarga = 'kepala keluarga'
        -- only read when a filter or a dimension asks about the head
        and (
            $kelamin is not null or $umur is not null or $disabilitas is not null
            or $dim_baris in ('jenis_kelamin', 'kelompok_umur', 'disabilitas')
            or $dim_kolom in ('jenis_kelamin', 'kelompok_umur', 'disabilitas')
        )
    group by id_keluarga
),

described as (
    select
        f.kode_kec,
        f.kode_desa,
        coalesce(f.desil::varchar, 'kosong') as desil,
        coalesce(h.jenis_kelamin, 'kosong') as jenis_kelamin,
        explore_age_band(h.usia) as kelompok_umur,
        f.pkh, f.bpnt, f.pbi_jk, f.blt_dd,
        case when h.sulit is null then 'kosong' when h.sulit then 'ya' else 'tidak' end as disabilitas,
        case when coalesce(f.status_aktif, false) then 'aktif' else 'nonaktif' end as status
    from families as f
    left join heads as h using (id_keluarga)
),

final as (
    select *
    from explore_tally('described', $programs, $desils, $kelamin, $umur, $disabilitas, $status, $dim_baris, $dim_kolom)
)

select * from final
order by baris, kolom
