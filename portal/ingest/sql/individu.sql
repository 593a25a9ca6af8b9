-- The accepted rows of one province in INDIVIDU's columns, in the register's sort order (ties in file order).
-- $spill: the spilled rows (Parquet files); $prov: the province code. Reads table tolak_duplikat.
-- {individu_columns} is filled from portal.schema.INDIVIDU (identifiers only).
with final as (
    select {individu_columns}, _row
    from read_parquet($spill)
    anti join tolak_duplikat using (_row)
    where kode_prov = $prov
)

select * exclude (_row) from final
order by kode_desa, nama, id_dtks, _row
