-- The families listed at $ke that came from a musdes proposal (id_usulan_asal) and were not listed at $dari: their
-- members added at $ke are 'usulan musdes' in build/perubahan_nasional, whichever part the person and the family
-- hash to, so this small set is found once for every part. $dari, $ke: the periods, 'YYYY-MM'. Returns id_keluarga.
with proposed_after as (
    select id_keluarga
    from keluarga_all
    where periode = $ke and kode_desa >= '' and kode_desa < ':' and id_usulan_asal is not null
),

final as (
    select id_keluarga from proposed_after
    except
    select id_keluarga
    from keluarga_all
    where periode = $dari and kode_desa >= '' and kode_desa < ':'
        and id_keluarga in (select id_keluarga from proposed_after)
)

select * from final
