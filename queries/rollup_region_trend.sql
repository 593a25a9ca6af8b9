-- The rollup row of one region in every period, oldest first: trends of a nation, provinsi, kab/kota,
-- kecamatan or desa. Returns periode and every rollup column.
-- $tingkat: nasional | provinsi | kabupaten | kecamatan | desa; $kode: the region's code ('' for the nation).
with final as (
    select *
    from rollup_all
    where tingkat = $tingkat and kode = $kode
)

select * from final
order by periode
