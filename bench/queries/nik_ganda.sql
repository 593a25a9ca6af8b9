-- NIK (structurally valid) held by people in more than one kab/kota in one period, from every row: what the
-- build's nik_ganda table (queries/build/nik_ganda_berulang.sql, from the rows whose NIK repeats) holds, kept to
-- time the raw query (bench/run.py) and to test the table against it (tests/test_rollups.py).
-- Returns nik, jumlah_kab, jumlah_baris. $periode: the period, 'YYYY-MM'.
-- Grouping by (nik, kab) first and checking nik_valid only on the few NIK seen in several kab is 2.5x
-- faster at 10 M people than count(distinct) over validated rows (bench/README.md).
with per_kab as (
    select nik, kode_kab, count(*) as baris
    from individu_all
    where periode = $periode
    group by nik, kode_kab
),

per_nik as (
    select nik, count(*)::integer as jumlah_kab, sum(baris)::integer as jumlah_baris
    from per_kab
    group by nik
    having count(*) > 1
),

final as (
    select nik, jumlah_kab, jumlah_baris
    from per_nik
    where nik_valid(nik)
)

select * from final
order by nik
