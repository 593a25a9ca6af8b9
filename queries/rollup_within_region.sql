-- Rollup rows of one level inside a region for a period: e.g. every kecamatan of a provinsi, or the kab/kota
-- of the nation. Returns every rollup column (tingkat, kode, kode_induk, nama, counts…).
-- $periode: 'YYYY-MM'; $tingkat: provinsi | kabupaten | kecamatan | desa; $kode: the region's code prefix
-- ('' for the nation).
with final as (
    select *
    from rollup_all
    where periode = $periode and tingkat = $tingkat and starts_with(kode, $kode)
)

select * from final
order by kode
