-- The nation's row of the rollup for one period: headline figures for Beranda.
-- $periode: the period, 'YYYY-MM'.
with final as (
    select *
    from rollup_all
    where periode = $periode and tingkat = 'nasional'
)

select * from final
