-- Counts for one period at every level (desa, kecamatan, kabupaten, provinsi, nasional): what maps,
-- headlines and scorecards read instead of scanning the nation.
-- $periode: the period 'YYYY-MM'; $akhir: the last day of that period (date).
with families as (
    select
        kode_prov, kode_kab, kode_kec, kode_desa, status_aktif, desil,
        prog_pkh, prog_bpnt, prog_pbi_jk, prog_blt_dd,
        (prog_pkh or prog_bpnt or prog_pbi_jk or prog_blt_dd) as program,
        date_diff('month', tanggal_verivali, $akhir::date) as bulan_verivali
    from keluarga_all
    where periode = $periode
),

families_per_desa as (
    select
        kode_prov, kode_kab, kode_kec, kode_desa,
        count(*) as keluarga,
        count(*) filter (status_aktif) as keluarga_aktif,
        count(*) filter (status_aktif and desil = 1) as desil_1,
        count(*) filter (status_aktif and desil = 2) as desil_2,
        count(*) filter (status_aktif and desil = 3) as desil_3,
        count(*) filter (status_aktif and desil = 4) as desil_4,
        count(*) filter (status_aktif and desil = 5) as desil_5,
        count(*) filter (status_aktif and desil = 6) as desil_6,
        count(*) filter (status_aktif and desil = 7) as desil_7,
        count(*) filter (status_aktif and desil = 8) as desil_8,
        count(*) filter (status_aktif and desil = 9) as desil_9,
        count(*) filter (status_aktif and desil = 10) as desil_10,
        count(*) filter (status_aktif and desil is null) as desil_kosong,
        count(*) filter (status_aktif and prog_pkh) as pkh,
        count(*) filter (status_aktif and prog_bpnt) as bpnt,
        count(*) filter (status_aktif and prog_pbi_jk) as pbi_jk,
        count(*) filter (status_aktif and prog_blt_dd) as blt_dd,
        count(*) filter (status_aktif and program) as program_apapun,
        count(*) filter (status_aktif and desil <= 2) as keluarga_d1_2,
        count(*) filter (status_aktif and desil <= 2 and not program) as eksklusi,
        count(*) filter (status_aktif and desil >= 6) as keluarga_d6_10,
        count(*) filter (status_aktif and desil >= 6 and program) as inklusi,
        count(*) filter (status_aktif and bulan_verivali > 12) as verivali_lewat_12_bulan,
        coalesce(sum(bulan_verivali) filter (status_aktif), 0)::bigint as bulan_verivali_total,
        -- extreme poverty: desil 1 alone receiving no programme; inclusion error per programme
        count(*) filter (status_aktif and desil = 1 and not program) as eksklusi_d1,
        count(*) filter (status_aktif and desil >= 6 and prog_pkh) as inklusi_pkh,
        count(*) filter (status_aktif and desil >= 6 and prog_bpnt) as inklusi_bpnt,
        count(*) filter (status_aktif and desil >= 6 and prog_pbi_jk) as inklusi_pbi_jk,
        count(*) filter (status_aktif and desil >= 6 and prog_blt_dd) as inklusi_blt_dd
    from families
    group by all
),

-- NIK held by more than one row, from `nik_berulang` (the period's rows whose NIK repeats, read by the build off
-- the NIK-sorted stream of build/nik_index): a NIK of nik_ganda (structurally valid, in several kab/kota) and a
-- NIK shared by people of more than one family (structurally valid; a family lives in one kab/kota, so this
-- includes every NIK of nik_ganda and adds those shared by families of the same region) are both held by
-- several rows, so these rows are all that is grouped by NIK. nik_valid runs on these few NIK only.
repeated_per_kab as (
    select nik, kode_kab, min(id_keluarga) as keluarga_min, max(id_keluarga) as keluarga_maks
    from nik_berulang
    group by nik, kode_kab
),

repeated as (
    select
        nik,
        count(*) > 1 as ganda,
        min(keluarga_min) <> max(keluarga_maks) as ganda_keluarga
    from repeated_per_kab
    group by nik
),

flagged as (
    select nik, ganda, ganda_keluarga
    from repeated
    where (ganda or ganda_keluarga) and nik_valid(nik)
),

flagged_per_desa as (
    select
        b.kode_desa,
        count(*) filter (f.ganda) as nik_ganda,
        count(*) filter (f.ganda_keluarga) as nik_ganda_keluarga
    from nik_berulang as b
    inner join flagged as f using (nik)
    group by b.kode_desa
),

-- nik_valid once per person (the macro is one regular expression).
people as (
    select kode_desa, kode_kab, nik, status_aktif, status_padan, keberadaan, nik_valid(nik) as valid
    from individu_all
    where periode = $periode
),

people_per_desa as (
    select
        kode_desa,
        count(*) as individu,
        count(*) filter (status_aktif) as individu_aktif,
        count(*) filter (status_aktif and status_padan = 'padan') as individu_padan,
        count(*) filter (not valid) as nik_tidak_valid,
        count(*) filter (valid and substr(nik, 1, 4) <> kode_kab) as nik_beda_domisili,
        count(*) filter (keberadaan = 'meninggal' and status_aktif) as meninggal_aktif
    from people
    group by kode_desa
),

meetings as (
    select
        kode_desa,
        count(*) filter (periode = $periode) as musdes,
        max(tanggal) as musdes_terakhir
    from musdes_all
    where periode <= $periode
    group by kode_desa
),

proposals as (
    select
        kode_desa,
        count(*) filter (jenis = 'tambah') as usulan_tambah,
        count(*) filter (jenis = 'penghentian') as usulan_penghentian,
        count(*) filter (keputusan_musdes = 'disetujui') as usulan_disetujui
    from usulan_all
    where periode = $periode
    group by kode_desa
),

desa as (
    select
        f.*,
        1 as jumlah_desa,
        round(f.keluarga_aktif * coalesce(k.faktor_skala, 1.0))::bigint as keluarga_tertimbang,
        coalesce(p.individu, 0) as individu,
        coalesce(p.individu_aktif, 0) as individu_aktif,
        coalesce(p.individu_padan, 0) as individu_padan,
        coalesce(p.nik_tidak_valid, 0) as nik_tidak_valid,
        coalesce(p.nik_beda_domisili, 0) as nik_beda_domisili,
        coalesce(g.nik_ganda, 0) as nik_ganda,
        coalesce(p.meninggal_aktif, 0) as meninggal_aktif,
        coalesce(g.nik_ganda_keluarga, 0) as nik_ganda_keluarga,
        coalesce(m.musdes, 0) as musdes,
        coalesce(m.musdes_terakhir >= $akhir::date - interval 3 month, false)::integer as desa_musdes_3_bulan,
        m.musdes_terakhir,
        coalesce(u.usulan_tambah, 0) as usulan_tambah,
        coalesce(u.usulan_penghentian, 0) as usulan_penghentian,
        coalesce(u.usulan_disetujui, 0) as usulan_disetujui
    from families_per_desa as f
    left join people_per_desa as p using (kode_desa)
    left join flagged_per_desa as g using (kode_desa)
    left join meetings as m using (kode_desa)
    left join proposals as u using (kode_desa)
    left join wilayah_kabupaten as k using (kode_kab)
),

desa_rows as (
    select
        'desa' as tingkat,
        kode_desa as kode,
        kode_kec as kode_induk,
        * exclude (kode_prov, kode_kab, kode_kec, kode_desa)
    from desa
),

upper_rows as (
    select
        case
            when grouping(kode_kec) = 0 then 'kecamatan'
            when grouping(kode_kab) = 0 then 'kabupaten'
            when grouping(kode_prov) = 0 then 'provinsi'
            else 'nasional'
        end as tingkat,
        coalesce(kode_kec, kode_kab, kode_prov, '') as kode,
        case
            when grouping(kode_kec) = 0 then kode_kab
            when grouping(kode_kab) = 0 then kode_prov
            else ''
        end as kode_induk,
        sum(columns(* exclude (kode_prov, kode_kab, kode_kec, kode_desa, musdes_terakhir)))::bigint,
        max(musdes_terakhir) as musdes_terakhir
    from desa
    group by grouping sets ((kode_prov, kode_kab, kode_kec), (kode_prov, kode_kab), (kode_prov), ())
),

named as (
    select r.*, coalesce(d.nama_desa, c.nama_kec, k.nama_kab, p.nama_prov, 'Indonesia') as nama
    from (select * from desa_rows union all by name select * from upper_rows) as r
    left join wilayah_desa as d on r.tingkat = 'desa' and d.kode_desa = r.kode
    left join wilayah_kecamatan as c on r.tingkat = 'kecamatan' and c.kode_kec = r.kode
    left join wilayah_kabupaten as k on r.tingkat = 'kabupaten' and k.kode_kab = r.kode
    left join wilayah_provinsi as p on r.tingkat = 'provinsi' and p.kode_prov = r.kode
),

final as (
    select
        tingkat, kode, kode_induk, nama,
        * exclude (tingkat, kode, kode_induk, nama)
    from named
)

select * from final
order by
    case tingkat when 'nasional' then 0 when 'provinsi' then 1 when 'kabupaten' then 2
        when 'kecamatan' then 3 else 4 end,
    kode
