-- The regions of one level under a parent, for cascading choices: kode, nama.
-- $tingkat: provinsi | kabupaten | kecamatan | desa; $induk: the parent's code ('' for provinsi).
with regions as (
    select 'provinsi' as tingkat, kode_prov as kode, nama_prov as nama, '' as induk from wilayah_provinsi
    union all
    select 'kabupaten', kode_kab, nama_kab, kode_prov from wilayah_kabupaten
    union all
    select 'kecamatan', kode_kec, nama_kec, kode_kab from wilayah_kecamatan
    union all
    select 'desa', kode_desa, nama_desa, kode_kec from wilayah_desa
),

final as (
    select kode, nama
    from regions
    where tingkat = $tingkat and induk = $induk
)

select * from final
order by nama, kode
