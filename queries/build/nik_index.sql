-- One period's people sorted by NIK, for the NIK-sorted side table: nik, id_dtks, kode_prov, kode_kab, kode_desa
-- (the columns written), and id_keluarga, which is not written: the build reads the rows whose NIK repeats off
-- this sorted stream (equal NIK are adjacent), so no other statement has to group the nation by NIK.
-- $periode: the period, 'YYYY-MM'.
with final as (
    select nik, id_dtks, kode_prov, kode_kab, kode_desa, id_keluarga
    from individu_all
    where periode = $periode
)

select * from final
order by nik, id_dtks
