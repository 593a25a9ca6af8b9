-- Dukcapil population (semester II 2024) of the regions of one level under a parent, for coverage maps:
-- kode, penduduk. Only kab/kota and provinsi have a population. $tingkat: provinsi | kabupaten; $induk: parent.
with kab as (
    select kode_kab, kode_prov, coalesce(penduduk, 0) as penduduk
    from wilayah_kabupaten
),

final as (
    select kode_kab as kode, penduduk from kab where $tingkat = 'kabupaten' and kode_prov = $induk
    union all
    select kode_prov as kode, sum(penduduk) as penduduk from kab where $tingkat = 'provinsi' group by kode_prov
)

select * from final
order by kode
