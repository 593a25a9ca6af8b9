-- Eksplorasi's cube of individuals: one row per kecamatan and distinct combination of everything
-- explore_individu_counts filters and groups by except the desa, with the number of people in it, so the counts of a
-- national, provinsi, kab/kota or kecamatan view are sums over this table (explore_individu_counts_cube) instead of
-- a scan of the region's people and a join of their families. The values are those the live query gives each
-- person: desil and programmes of the family ('kosong' and no programme without one), the age band on the period's
-- last day. The programmes stay four flags (not spread), so a person whose family receives two is one row and
-- counted once in the total. Returns kode_kab, kode_kec, desil, jenis_kelamin, kelompok_umur, pkh, bpnt, pbi_jk,
-- blt_dd, disabilitas, status, jumlah, sorted by all of them.
-- $periode: 'YYYY-MM'; $akhir: the period's last day (date);
-- $provinsi: 2-digit codes of the provinces to read (the build writes one province at a time, so the join holds
--   one province's families).
with people as (
    select
        id_keluarga, kode_kab, kode_kec, jenis_kelamin, status_aktif,
        date_sub('year', tanggal_lahir, $akhir::date) as usia,
        coalesce(
            kd_sulit_melihat or kd_sulit_mendengar or kd_sulit_berjalan or kd_sulit_menggunakan_tangan
            or kd_sulit_mengingat or kd_sulit_mengurus_diri or kd_sulit_berkomunikasi,
            false
        ) as sulit
    from individu_all
    where periode = $periode
        and list_contains($provinsi, kode_prov)
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
        and list_contains($provinsi, kode_prov)
),

described as (
    select
        p.kode_kab,
        p.kode_kec,
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
    select
        kode_kab, kode_kec, desil, jenis_kelamin, kelompok_umur, pkh, bpnt, pbi_jk, blt_dd, disabilitas, status,
        count(*) as jumlah
    from described
    group by all
)

select * from final
order by all
