-- Accepted rows and warnings per kab/kota: kode_kab, kode ('' counts accepted rows), jumlah.
-- $spill: the spilled rows. Reads tables tolak_duplikat and semua_peringatan.
with accepted as (
    select kode_kab
    from read_parquet($spill)
    anti join tolak_duplikat using (_row)
),

final as (
    select kode_kab, '' as kode, count(*) as jumlah from accepted group by kode_kab
    union all
    select kode_kab, kode, count(*) as jumlah from semua_peringatan group by kode_kab, kode
)

select * from final
order by kode, kode_kab
