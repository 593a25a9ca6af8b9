-- Rollup rows of one level under one parent for a period (e.g. the kab/kota of a provinsi).
-- $periode: 'YYYY-MM'; $tingkat: provinsi | kabupaten | kecamatan | desa; $induk: parent code ('' for provinsi).
with final as (
    select *
    from rollup_all
    where periode = $periode and tingkat = $tingkat and kode_induk = $induk
)

select * from final
order by kode
