-- Active families per DTSEN welfare desil (and without one), per region of one level under a parent, from the
-- rollup: the public desil table before suppression. Returns kode, nama, desil_1 … desil_10, desil_kosong.
-- $periode: 'YYYY-MM'; $tingkat: provinsi | kabupaten | kecamatan; $induk: parent code ('' for provinsi).
with final as (
    select kode, nama, desil_1, desil_2, desil_3, desil_4, desil_5, desil_6, desil_7, desil_8, desil_9, desil_10,
        desil_kosong
    from rollup_all
    where periode = $periode and tingkat = $tingkat and kode_induk = $induk
)

select * from final
order by kode
