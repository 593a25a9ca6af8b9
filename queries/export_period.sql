-- Every individual of one period with their family's attributes repeated: the shape of an ingest file
-- (docs/INGEST.md), one row per person, the kepala keluarga first in each family.
-- $periode: the period 'YYYY-MM'. A family without members has no row to be repeated on, so it is left out.
with people as (
    select * exclude (periode)
    from individu_all
    where periode = $periode
),

families as (
    select
        * exclude (periode, kode_prov, kode_desa, kode_kab, kode_kec, no_kk, dusun, rt, rw, status_aktif),
        status_aktif as status_aktif_keluarga
    from keluarga_all
    where periode = $periode
),

final as (
    select p.*, f.* exclude (id_keluarga)
    from people as p
    left join families as f using (id_keluarga)
)

select * from final
order by kode_desa, id_keluarga, coalesce(hubungan_keluarga = 'kepala keluarga', false) desc, id_dtks
