-- Every warning of every accepted row (one line per row and code): _row, _sumber, id_dtks, kode_desa, kode_kab, nik, kode.
-- $spill: the spilled rows. Reads tables tolak_duplikat and peringatan_data.
with accepted as (
    select _row, _sumber, id_dtks, kode_desa, kode_kab, nik, _peringatan
    from read_parquet($spill)
    anti join tolak_duplikat using (_row)
),

per_row as (
    select _row, _sumber, id_dtks, kode_desa, kode_kab, nik, unnest(string_split(_peringatan, ';')) as kode
    from accepted
    where _peringatan is not null
),

per_file as (
    select a._row, a._sumber, a.id_dtks, a.kode_desa, a.kode_kab, a.nik, w.kode
    from peringatan_data as w
    inner join accepted as a using (_row)
),

final as (
    select * from per_row
    union all
    select * from per_file
)

select * from final
