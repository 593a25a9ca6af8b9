-- One line per flagged row for peringatan.csv: SUMBER, ID_DTKS, KODE_DESA, PERINGATAN (no NIK).
-- Reads table semua_peringatan.
with final as (
    select
        any_value(_sumber) as "SUMBER",
        any_value(id_dtks) as "ID_DTKS",
        any_value(kode_desa) as "KODE_DESA",
        string_agg(kode, ';' order by kode) as "PERINGATAN",
        _row
    from semua_peringatan
    group by _row
)

select * exclude (_row) from final
order by _row
