-- Active families receiving each programme, per region of one level under a parent, from the rollup: the
-- public statistics table before suppression. Returns kode, nama, pkh, bpnt, pbi_jk, blt_dd.
-- $periode: 'YYYY-MM'; $tingkat: provinsi | kabupaten | kecamatan; $induk: parent code ('' for provinsi).
with final as (
    select kode, nama, pkh, bpnt, pbi_jk, blt_dd
    from rollup_all
    where periode = $periode and tingkat = $tingkat and kode_induk = $induk
)

select * from final
order by kode
