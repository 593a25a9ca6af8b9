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
        and (
            $wilayah is null
            or list_contains($wilayah, kode_prov)
            or list_contains($wilayah, kode_kab)
            or list_contains($wilayah, kode_kec)
            or list_contains($wilayah, kode_desa)
        )
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
        case
            when p.usia is null then 'kosong'
            when p.usia < 6 then '0-5'
            when p.usia < 18 then '6-17'
            when p.usia < 60 then '18-59'
            else '60+'
        end as kelompok_umur,
        coalesce(f.pkh, false) as pkh,
        coalesce(f.bpnt, false) as bpnt,
        coalesce(f.pbi_jk, false) as pbi_jk,
        coalesce(f.blt_dd, false) as blt_dd,
        case when p.sulit then 'ya' else 'tidak' end as disabilitas,
        case when coalesce(p.status_aktif, false) then 'aktif' else 'nonaktif' end as status
    from people as p
    left join families as f using (id_keluarga)
),

filtered as (
    select
        *,
        pkh::integer + 2 * bpnt::integer + 4 * pbi_jk::integer + 8 * blt_dd::integer as program_mask
    from described
    where ($desils is null or list_contains($desils, desil))
        and ($kelamin is null or list_contains($kelamin, jenis_kelamin))
        and ($umur is null or list_contains($umur, kelompok_umur))
        and ($disabilitas is null or list_contains($disabilitas, disabilitas))
        and ($status is null or list_contains($status, status))
        and explore_program_match($programs, pkh, bpnt, pbi_jk, blt_dd)
),

grouped as (
    select
        explore_group($dim_baris, kode_kec, kode_desa, desil, jenis_kelamin, kelompok_umur, program_mask, disabilitas, status) as baris,
        explore_group($dim_kolom, kode_kec, kode_desa, desil, jenis_kelamin, kelompok_umur, program_mask, disabilitas, status) as kolom,
        count(*) as jumlah
    from filtered
    group by all
),

-- A programme "dimension value" is a bit mask until here; each group is spread over the programmes it holds.
spread_rows as (
    select
        unnest(explore_programs($dim_baris, baris)) as baris,
        kolom, jumlah, sum(jumlah) over () as total
    from grouped
),

spread as (
    select
        baris,
        unnest(explore_programs($dim_kolom, kolom)) as kolom,
        jumlah, total
    from spread_rows
),

names as (
    select kode_kec as kode, nama_kec as nama from wilayah_kecamatan
    union all
    select kode_desa, nama_desa from wilayah_desa
),

final as (
    select s.baris, nb.nama as baris_nama, s.kolom, nk.nama as kolom_nama,
        sum(s.jumlah)::bigint as jumlah, any_value(s.total)::bigint as total
    from spread as s
    left join names as nb on nb.kode = s.baris and $dim_baris in ('kecamatan', 'desa')
    left join names as nk on nk.kode = s.kolom and $dim_kolom in ('kecamatan', 'desa')
    group by all
)

select * from final
order by baris, kolom
