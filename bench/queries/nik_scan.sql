-- Where a NIK appears, by scanning the newest period's individu: what the NIK-sorted side table (nik_lookup.sql)
-- is compared against. $nik: the NIK.
select periode, nik, id_dtks, kode_prov, kode_kab, kode_desa
from individu
where nik = $nik
order by kode_kab, id_dtks
