-- Eksplorasi's cube of families: one row per kecamatan and distinct combination of everything
-- explore_keluarga_counts filters and groups by except the desa, with the number of families in it, so the counts
-- of a national, provinsi, kab/kota or kecamatan view are sums over this table (explore_keluarga_counts_cube)
-- instead of a scan of the region's families and a join of their heads. Sex, age band (on the period's last day)
-- and disability are the kepala keluarga's as the live query takes them (the member with the lowest id_dtks when a
-- family lists more than one; 'kosong' for a family without one). The programmes stay four flags (not spread), so
-- a family receiving two is one row and counted once in the total. Returns kode_kab, kode_kec, desil,
-- jenis_kelamin, kelompok_umur, pkh, bpnt, pbi_jk, blt_dd, disabilitas, status, jumlah, sorted by all of them.
-- $periode: 'YYYY-MM'; $akhir: the period's last day (date);
-- $provinsi: 2-digit codes of the provinces to read (the build writes one province at a time, so the join holds
--   one province's heads).
with families as (
    select
        id_keluarga, kode_kab, kode_kec, desil, status_aktif,
        coalesce(prog_pkh, false) as pkh,
        coalesce(prog_bpnt, false) as bpnt,
        coalesce(prog_pbi_jk, false) as pbi_jk,
        coalesce(prog_blt_dd, false) as blt_dd
    from keluarga_all
    where periode = $periode
        and list_contains($provinsi, kode_prov)
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
        and list_contains($provinsi, kode_prov)
        and hubungan_keluarga = 'kepala keluarga'
    group by id_keluarga
),

described as (
    select
        f.kode_kab,
        f.kode_kec,
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
    select
        kode_kab, kode_kec, desil, jenis_kelamin, kelompok_umur, pkh, bpnt, pbi_jk, blt_dd, disabilitas, status,
        count(*) as jumlah
    from described
    group by all
)

select * from final
order by all
