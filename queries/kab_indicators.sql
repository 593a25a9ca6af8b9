-- Indicators per kab/kota for one period, from the rollup: families, desil 1–4 share, programme coverage,
-- exclusion and inclusion, Dukcapil match, and coverage of the population (scaled back for synthetic data).
-- $periode: 'YYYY-MM'.
with kab as (
    select *
    from rollup_all
    where periode = $periode and tingkat = 'kabupaten'
),

final as (
    select
        r.kode, r.nama, r.keluarga_aktif, r.individu_aktif,
        (r.desil_1 + r.desil_2 + r.desil_3 + r.desil_4) / nullif(r.keluarga_aktif, 0) as pangsa_desil_1_4,
        r.pkh / nullif(r.keluarga_aktif, 0) as cakupan_pkh,
        r.bpnt / nullif(r.keluarga_aktif, 0) as cakupan_bpnt,
        r.pbi_jk / nullif(r.keluarga_aktif, 0) as cakupan_pbi_jk,
        r.eksklusi / nullif(r.keluarga_d1_2, 0) as laju_eksklusi,
        r.inklusi / nullif(r.keluarga_d6_10, 0) as laju_inklusi,
        r.individu_padan / nullif(r.individu_aktif, 0) as pangsa_padan,
        r.keluarga_tertimbang * 100.0 / nullif(w.penduduk / 3.6, 0) as keluarga_per_100_keluarga
    from kab as r
    left join wilayah_kabupaten as w on w.kode_kab = r.kode
)

select * from final
order by kode
