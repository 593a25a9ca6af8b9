-- Where a NIK appears, through the NIK-sorted side table built with each period (queries/build/nik_index.sql);
-- the benchmark times it against nik_scan.sql. $nik: the NIK.
-- Returns periode, nik, id_dtks, kode_prov, kode_kab, kode_desa, in the newest period (view nik_index).
with final as (
    select periode, nik, id_dtks, kode_prov, kode_kab, kode_desa
    from nik_index
    where nik = $nik
)

select * from final
order by kode_kab, id_dtks
