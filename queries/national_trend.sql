-- The nation's headline figures in every period, oldest first: the trend on Beranda.
-- No parameters.
with final as (
    select periode, keluarga_aktif, individu_aktif, desil_1, desil_2, desil_3, desil_4, pkh, bpnt, pbi_jk
    from rollup_all
    where tingkat = 'nasional'
)

select * from final
order by periode
