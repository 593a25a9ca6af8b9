-- Warnings that need the whole file: _row, kode. NIK_GANDA: the NIK is held in more than one family;
-- KELUARGA_TIDAK_KONSISTEN: the row's family attributes differ from its family's representative row.
-- $spill: the spilled rows (Parquet files). Reads table tolak_duplikat.
-- {keluarga_attributes} is filled from portal.schema.KELUARGA (identifiers only).
with accepted as (
    select _row, id_keluarga, nik, _kepala, hash({keluarga_attributes}) as versi
    from read_parquet($spill)
    anti join tolak_duplikat using (_row)
),

shared_nik as (
    select nik
    from accepted
    group by nik
    having count(distinct id_keluarga) > 1
),

ganda as (
    select _row, 'NIK_GANDA' as kode
    from accepted
    semi join shared_nik using (nik)
),

representative as (
    select id_keluarga, arg_min(versi, (case when _kepala then 0 else 1 end) * 1000000000000 + _row) as versi_wakil
    from accepted
    group by id_keluarga
),

beda as (
    select a._row, 'KELUARGA_TIDAK_KONSISTEN' as kode
    from accepted as a
    inner join representative as r using (id_keluarga)
    where a.versi <> r.versi_wakil
),

final as (
    select * from ganda
    union all
    select * from beda
)

select * from final
