-- Desa/kelurahan per region of one level under a parent, and how many held a musdes in the 3 months up to the
-- period's end (Kepmensos 73/HUK/2024: at least every 3 months), from the rollup. Returns kode, nama, jumlah_desa,
-- desa_musdes_3_bulan. $periode: 'YYYY-MM'; $tingkat: provinsi | kabupaten; $induk: parent code ('' for provinsi).
with final as (
    select kode, nama, jumlah_desa, desa_musdes_3_bulan
    from rollup_all
    where periode = $periode and tingkat = $tingkat and kode_induk = $induk
)

select * from final
order by kode
