-- Rows whose NIK had another name and another birth date in the previous period: _row, kode.
-- $spill: the spilled rows; $lalu: the previous period's individu files. Reads table tolak_duplikat.
with accepted as (
    select _row, nik, nama, tanggal_lahir
    from read_parquet($spill)
    anti join tolak_duplikat using (_row)
),

previous as (
    select nik, nama, tanggal_lahir
    from read_parquet($lalu)
),

compared as (
    select
        a._row,
        bool_or(coalesce(p.nama = a.nama, false) or coalesce(p.tanggal_lahir = a.tanggal_lahir, false)) as sama
    from accepted as a
    inner join previous as p using (nik)
    group by a._row
),

final as (
    select _row, 'NIK_BEDA_IDENTITAS_PERIODE_LALU' as kode
    from compared
    where not sama
)

select * from final
