-- NIK (structurally valid) held by people in more than one kab/kota in one period, from `nik_berulang`: the
-- period's rows whose NIK is held by more than one row (nik, kode_kab, kode_desa, id_keluarga), which the build
-- reads off the NIK-sorted stream of build/nik_index. A NIK held in several kab/kota is held by several rows, so
-- these few rows give the same answer as build/nik_ganda does from every row (the tests compare the two).
-- Returns nik, jumlah_kab, jumlah_baris.
with per_kab as (
    select nik, kode_kab, count(*) as baris
    from nik_berulang
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
