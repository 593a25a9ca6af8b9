-- Rows rejected as duplicates inside the ingested files: _row, alasan. Returns one row per rejected row.
-- A later row with the ID_DTKS of an earlier row is DUPLIKAT_BARIS when it has the same NIK, else ID_DTKS_GANDA;
-- a later row with the NIK of an earlier row of the same family (under another ID_DTKS) is DUPLIKAT_BARIS.
-- $spill: the spilled rows (Parquet files).
with keyed as (
    select _row, id_dtks, id_keluarga, nik
    from read_parquet($spill)
),

by_id as (
    select
        _row, id_keluarga, nik,
        row_number() over (partition by id_dtks order by _row) as urutan,
        first_value(nik) over (partition by id_dtks order by _row) as nik_pertama
    from keyed
),

first_pass as (
    select
        _row, id_keluarga, nik,
        case when urutan = 1 then null when nik = nik_pertama then 'DUPLIKAT_BARIS' else 'ID_DTKS_GANDA' end as alasan
    from by_id
),

by_person as (
    select _row, row_number() over (partition by id_keluarga, nik order by _row) as urutan
    from first_pass
    where alasan is null
),

final as (
    select _row, alasan from first_pass where alasan is not null
    union all
    select _row, 'DUPLIKAT_BARIS' as alasan from by_person where urutan > 1
)

select * from final
order by _row
