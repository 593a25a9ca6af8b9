-- Per-kab/kota figures of the kind the rollup holds (families, desil 1-4, programme coverage, exclusion,
-- inclusion, Dukcapil match), computed from the raw rows of the nation: what reading rollup_within_region
-- spares every page. The benchmark times it beside that query. $periode: 'YYYY-MM'.
with families as (
    select
        kode_kab, desil,
        (prog_pkh or prog_bpnt or prog_pbi_jk or prog_blt_dd) as program,
        prog_pkh, prog_bpnt, prog_pbi_jk
    from keluarga_all
    where periode = $periode and status_aktif
),

people as (
    select kode_kab, count(*) as individu_aktif, count(*) filter (status_padan = 'padan') as individu_padan
    from individu_all
    where periode = $periode and status_aktif
    group by kode_kab
),

per_kab as (
    select
        kode_kab,
        count(*) as keluarga_aktif,
        count(*) filter (desil <= 4) as desil_1_4,
        count(*) filter (prog_pkh) as pkh,
        count(*) filter (prog_bpnt) as bpnt,
        count(*) filter (prog_pbi_jk) as pbi_jk,
        count(*) filter (desil <= 2) as keluarga_d1_2,
        count(*) filter (desil <= 2 and not program) as eksklusi,
        count(*) filter (desil >= 6) as keluarga_d6_10,
        count(*) filter (desil >= 6 and program) as inklusi
    from families
    group by kode_kab
),

final as (
    select
        f.kode_kab as kode, f.keluarga_aktif, p.individu_aktif,
        f.desil_1_4 / nullif(f.keluarga_aktif, 0) as pangsa_desil_1_4,
        f.pkh / nullif(f.keluarga_aktif, 0) as cakupan_pkh,
        f.bpnt / nullif(f.keluarga_aktif, 0) as cakupan_bpnt,
        f.pbi_jk / nullif(f.keluarga_aktif, 0) as cakupan_pbi_jk,
        f.eksklusi / nullif(f.keluarga_d1_2, 0) as laju_eksklusi,
        f.inklusi / nullif(f.keluarga_d6_10, 0) as laju_inklusi,
        p.individu_padan / nullif(p.individu_aktif, 0) as pangsa_padan
    from per_kab as f
    left join people as p using (kode_kab)
)

select * from final
order by kode
