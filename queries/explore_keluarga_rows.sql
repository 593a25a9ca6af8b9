-- One page of the families matching the Eksplorasi filters, ordered by $urut, then desa, head's name and id: kode_desa,
-- nama_desa, id_keluarga, no_kk, nama_kepala_keluarga, alamat, rt, rw, jumlah_art, desil, program (e.g.
-- 'PKH, PBI-JK'), jenis_kelamin, usia and disabilitas of the kepala keluarga, status, alasan_nonaktif,
-- tanggal_verivali. For signed-in officials who may see persons only; the page audits every view.
-- $periode, $akhir, $provinsi, $desa_dari, $desa_sampai, $wilayah and the filter lists $programs, $desils,
-- $kelamin, $umur, $disabilitas, $status: as in explore_keluarga_counts;
-- $batas: rows per page (integer); $mulai: rows to skip (integer);
-- $urut: the sort column, one of nama_kepala_keluarga | jumlah_art | desil | tanggal_verivali | rt | kode_desa
--   (anything else: the default order); $turun: true for descending. Chosen by a bound value, never spliced in
--   (portal.explore.SORT_KEYS).
with families as (
    select
        id_keluarga, kode_desa, no_kk, nama_kepala_keluarga, alamat, rt, rw, jumlah_art, desil,
        coalesce(status_aktif, false) as status_aktif, alasan_nonaktif, tanggal_verivali,
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

-- The heads of every family in the region, read only when a filter asks about the head.
heads_all as (
    select
        id_keluarga,
        arg_min(jenis_kelamin, id_dtks) as jenis_kelamin,
        arg_min(tanggal_lahir, id_dtks) as tanggal_lahir,
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
        and ($kelamin is not null or $umur is not null or $disabilitas is not null)
    group by id_keluarga
),

filtered as (
    select f.*, h.jenis_kelamin, h.tanggal_lahir, h.sulit
    from families as f
    left join heads_all as h using (id_keluarga)
    where ($desils is null or list_contains($desils, coalesce(f.desil::varchar, 'kosong')))
        and ($status is null or list_contains($status, case when f.status_aktif then 'aktif' else 'nonaktif' end))
        and explore_program_match($programs, f.pkh, f.bpnt, f.pbi_jk, f.blt_dd)
        and ($kelamin is null or list_contains($kelamin, coalesce(h.jenis_kelamin, 'kosong')))
        and ($umur is null or list_contains($umur, explore_age_band(date_sub('year', h.tanggal_lahir, $akhir::date))))
        and ($disabilitas is null or list_contains($disabilitas, case
            when h.sulit is null then 'kosong' when h.sulit then 'ya' else 'tidak'
        end))
),

-- The sort key $urut asks for, in one column per type (null for the others).
keyed as (
    select
        *,
        case $urut when 'nama_kepala_keluarga' then nama_kepala_keluarga when 'kode_desa' then kode_desa
            when 'rt' then lpad(coalesce(rw, ''), 5, '0') || lpad(coalesce(rt, ''), 5, '0') end as k_teks,
        case $urut when 'jumlah_art' then jumlah_art when 'desil' then desil end as k_angka,
        case when $urut = 'tanggal_verivali' then tanggal_verivali end as k_tanggal
    from filtered
),

page as (
    select *
    from keyed
    order by
        case when not $turun then k_teks end asc nulls last, case when $turun then k_teks end desc nulls last,
        case when not $turun then k_angka end asc nulls last, case when $turun then k_angka end desc nulls last,
        case when not $turun then k_tanggal end asc nulls last, case when $turun then k_tanggal end desc nulls last,
        kode_desa, nama_kepala_keluarga, id_keluarga
    limit $batas offset $mulai
),

-- The heads of the page's families only, for display (cheap even for a page of the whole nation).
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
        and id_keluarga in (select id_keluarga from page)
    group by id_keluarga
),

final as (
    select
        p.kode_desa, d.nama_desa, p.id_keluarga, p.no_kk, p.nama_kepala_keluarga, p.alamat, p.rt, p.rw,
        p.jumlah_art, p.desil,
        explore_program_label(p.pkh, p.bpnt, p.pbi_jk, p.blt_dd) as program,
        coalesce(h.jenis_kelamin, 'kosong') as jenis_kelamin,
        h.usia,
        case when h.sulit is null then 'kosong' when h.sulit then 'ya' else 'tidak' end as disabilitas,
        case when p.status_aktif then 'aktif' else 'nonaktif' end as status,
        p.alasan_nonaktif, p.tanggal_verivali, p.k_teks, p.k_angka, p.k_tanggal
    from page as p
    left join heads as h using (id_keluarga)
    left join wilayah_desa as d using (kode_desa)
)

select * exclude (k_teks, k_angka, k_tanggal)
from final
order by
    case when not $turun then k_teks end asc nulls last, case when $turun then k_teks end desc nulls last,
    case when not $turun then k_angka end asc nulls last, case when $turun then k_angka end desc nulls last,
    case when not $turun then k_tanggal end asc nulls last, case when $turun then k_tanggal end desc nulls last,
    kode_desa, nama_kepala_keluarga, id_keluarga
