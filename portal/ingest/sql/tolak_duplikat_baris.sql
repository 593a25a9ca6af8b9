-- The rows rejected as duplicates, with every spilled column, for the rejects file: alasan, then the row.
-- $spill: the spilled rows. Reads table tolak_duplikat.
with final as (
    select d.alasan, s.*
    from read_parquet($spill) as s
    inner join tolak_duplikat as d using (_row)
)

select * from final
order by _row
