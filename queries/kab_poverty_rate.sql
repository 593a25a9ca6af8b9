-- BPS poverty rate (P0, percent of the population, Susenas March 2024) and Dukcapil population of the
-- kab/kota inside a region, as published with the register's code tables (portal.wilayah.load_kab_stats):
-- kode_kab, kode_prov, nama_kab, penduduk, p0.
-- $kode: the region's code ('' for the nation; a kecamatan or desa gives its own kab/kota).
with final as (
    select kode_kab, kode_prov, nama_kab, penduduk, p0
    from wilayah_kabupaten
    where starts_with(kode_kab, left($kode, 4))
)

select * from final
order by kode_kab
