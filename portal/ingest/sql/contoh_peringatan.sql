-- The first rows (in file order) flagged with each warning: kode, sumber, nik (masked by the caller).
-- $limit: examples per warning. Reads table semua_peringatan.
with ranked as (
    select kode, _sumber, nik, row_number() over (partition by kode order by _row) as urutan
    from semua_peringatan
),

final as (
    select kode, _sumber as sumber, nik, urutan
    from ranked
    where urutan <= $limit
)

select kode, sumber, nik from final
order by kode, urutan
