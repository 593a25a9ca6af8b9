-- What changed in one kab/kota between two periods: families added, removed (by reason when still listed
-- as inactive), desil moved up or down. Returns perubahan, alasan, keluarga.
-- $kode_kab: 4 digits; $dari: the earlier period; $ke: the later period.
with before as (
    select id_keluarga, desil, status_aktif
    from keluarga_all
    where periode = $dari and kode_prov = left($kode_kab, 2) and kode_kab = $kode_kab
),

after as (
    select id_keluarga, desil, status_aktif, alasan_nonaktif
    from keluarga_all
    where periode = $ke and kode_prov = left($kode_kab, 2) and kode_kab = $kode_kab
),

paired as (
    select
        case
            when b.id_keluarga is null and a.status_aktif then 'ditambahkan'
            when b.status_aktif and (a.id_keluarga is null or not a.status_aktif) then 'dikeluarkan'
            when b.status_aktif and a.status_aktif and a.desil < b.desil then 'desil turun'
            when b.status_aktif and a.status_aktif and a.desil > b.desil then 'desil naik'
        end as perubahan,
        case when a.id_keluarga is null then 'tidak ada lagi di wilayah ini' else a.alasan_nonaktif end as alasan
    from before as b
    full outer join after as a using (id_keluarga)
),

final as (
    select perubahan, coalesce(alasan, '') as alasan, count(*) as keluarga
    from paired
    where perubahan is not null
    group by all
)

select * from final
order by perubahan, alasan
