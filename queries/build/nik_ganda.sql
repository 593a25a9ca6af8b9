-- NIK (structurally valid) held by people in more than one kab/kota in one period.
-- Returns nik, jumlah_kab, jumlah_baris. $periode: the period, 'YYYY-MM'.
with valid as (
    select nik, kode_kab
    from individu_all
    where periode = $periode and nik_valid(nik)
),

final as (
    select
        nik,
        count(distinct kode_kab)::integer as jumlah_kab,
        count(*)::integer as jumlah_baris
    from valid
    group by nik
    having count(distinct kode_kab) > 1
)

select * from final
order by nik
