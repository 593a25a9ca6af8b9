-- One page of the individuals matching the Eksplorasi filters, ordered by $urut then desa, name and id: kode_desa,
-- nama_desa, id_dtks, nik, no_kk, nama, jenis_kelamin, tanggal_lahir, usia, kelompok_umur, hubungan_keluarga,
-- rt, rw, desil, program (e.g. 'PKH, PBI-JK'), disabilitas, status, keberadaan. Never the mother's name.
-- For signed-in officials who may see persons only; the page audits every view.
-- $periode, $akhir, $provinsi, $desa_dari, $desa_sampai, $wilayah and the filter lists $programs, $desils,
-- $kelamin, $umur, $disabilitas, $status: as in explore_individu_counts;
-- $batas: rows per page (integer); $mulai: rows to skip (integer);
-- $urut: the sort column, one of nama | usia | tanggal_lahir | desil | rt | kode_desa (anything else: the default
--   order); $turun: true for descending. Chosen by a bound value, never spliced in (portal.explore.SORT_KEYS).
with people as (
    select
        id_dtks, id_keluarga, kode_desa, nik, no_kk, nama, jenis_kelamin, tanggal_lahir, hubungan_keluarga,
        rt, rw, status_aktif, keberadaan,
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
),

described as (
    select
        p.kode_desa, p.id_dtks, p.nik, p.no_kk, p.nama, p.jenis_kelamin, p.tanggal_lahir, p.usia,
        explore_age_band(p.usia) as kelompok_umur,
        p.hubungan_keluarga, p.rt, p.rw,
        f.desil,
        coalesce(f.desil::varchar, 'kosong') as desil_kunci,
        coalesce(f.pkh, false) as pkh,
        coalesce(f.bpnt, false) as bpnt,
        coalesce(f.pbi_jk, false) as pbi_jk,
        coalesce(f.blt_dd, false) as blt_dd,
        case when p.sulit then 'ya' else 'tidak' end as disabilitas,
        case when coalesce(p.status_aktif, false) then 'aktif' else 'nonaktif' end as status,
        p.keberadaan
    from people as p
    left join families as f using (id_keluarga)
),

filtered as (
    select *
    from described
    where ($desils is null or list_contains($desils, desil_kunci))
        and ($kelamin is null or list_contains($kelamin, coalesce(jenis_kelamin, 'kosong')))
        and ($umur is null or list_contains($umur, kelompok_umur))
        and ($disabilitas is null or list_contains($disabilitas, disabilitas))
        and ($status is null or list_contains($status, status))
        and explore_program_match($programs, pkh, bpnt, pbi_jk, blt_dd)
),

-- The sort key $urut asks for, in one column per type (null for the others).
keyed as (
    select
        *,
        case $urut when 'nama' then nama when 'kode_desa' then kode_desa
            when 'rt' then lpad(coalesce(rw, ''), 5, '0') || lpad(coalesce(rt, ''), 5, '0') end as k_teks,
        case $urut when 'usia' then usia when 'desil' then desil end as k_angka,
        case when $urut = 'tanggal_lahir' then tanggal_lahir end as k_tanggal
    from filtered
),

page as (
    select *
    from keyed
    order by
        case when not $turun then k_teks end asc nulls last, case when $turun then k_teks end desc nulls last,
        case when not $turun then k_angka end asc nulls last, case when $turun then k_angka end desc nulls last,
        case when not $turun then k_tanggal end asc nulls last, case when $turun then k_tanggal end desc nulls last,
        kode_desa, nama, id_dtks
    limit $batas offset $mulai
),

final as (
    select
        p.kode_desa, d.nama_desa, p.id_dtks, p.nik, p.no_kk, p.nama, p.jenis_kelamin, p.tanggal_lahir, p.usia,
        p.kelompok_umur, p.hubungan_keluarga, p.rt, p.rw, p.desil,
        explore_program_label(p.pkh, p.bpnt, p.pbi_jk, p.blt_dd) as program,
        p.disabilitas, p.status, p.keberadaan, p.k_teks, p.k_angka, p.k_tanggal
    from page as p
    left join wilayah_desa as d using (kode_desa)
)

select * exclude (k_teks, k_angka, k_tanggal)
from final
order by
    case when not $turun then k_teks end asc nulls last, case when $turun then k_teks end desc nulls last,
    case when not $turun then k_angka end asc nulls last, case when $turun then k_angka end desc nulls last,
    case when not $turun then k_tanggal end asc nulls last, case when $turun then k_tanggal end desc nulls last,
    kode_desa, nama, id_dtks
