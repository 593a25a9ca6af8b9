-- A name search over the whole nation, first 20 (no page offers one: Cek Status searches one desa).
-- $periode: 'YYYY-MM'; $q: text matched as a substring of the upper-cased name.
select id_dtks, nama, kode_desa
from individu_all
where periode = $periode and contains(nama, upper($q))
order by nama, id_dtks
limit 20
