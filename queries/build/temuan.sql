-- The people of one period caught by a person-level data-quality check, one row per person and check, so the
-- Kualitas Data drill reads the few rows it shows instead of validating every NIK of a provinsi on a click
-- (1.2 s for Jawa Barat at 10 M people, growing with the register). The checks are those the rollup counts:
--   nik_tidak_valid   NIK without the structure of a NIK (nik_valid), every row;
--   nik_beda_domisili a valid NIK issued in another kab/kota than the domicile;
--   nik_ganda         a valid NIK held by people of more than one family (in several kab/kota, or families of
--                     one kab/kota: a family lives in one kab/kota, so this includes every NIK of nik_ganda);
--   meninggal_aktif   deceased (keberadaan 'meninggal') and still active.
-- Returns cek, kode_prov, kode_desa, id_dtks, id_keluarga, nama, nik, no_kk, jenis_kelamin, tanggal_lahir,
-- hubungan_keluarga, keberadaan, tanggal_keberadaan, status_aktif, keterangan. Never the mother's name.
-- Sorted by cek, kode_desa, nama, id_dtks: one check in one region is one run of rows, and a region's drill
-- skips the other row groups by their statistics. $periode: the period, 'YYYY-MM'.
with people as (
    select
        kode_prov, kode_kab, kode_desa, id_dtks, id_keluarga, nama, nik, no_kk, jenis_kelamin, tanggal_lahir,
        hubungan_keluarga, keberadaan, tanggal_keberadaan, status_aktif,
        nik_valid(nik) as valid
    from individu_all
    where periode = $periode
),

-- NIK held by more than one row, from `nik_berulang` (the period's rows whose NIK repeats, read by the build off
-- the NIK-sorted stream of build/nik_index; see portal/rollups.py): whether several families hold it, and in how
-- many kab/kota. A NIK held once is in neither check, so these few rows are all that is grouped by NIK.
repeated as (
    select nik, count(distinct kode_kab) as jumlah_kab, min(id_keluarga) <> max(id_keluarga) as ganda_keluarga
    from nik_berulang
    group by nik
),

-- The few people any check can catch, found by filters on the scan and a semi-join on the small set of NIK held
-- by several families, so no join is built over the period's people (at 100 M one ran out of 2 GB).
candidates as (
    select *
    from people as p
    where not p.valid
        or substr(p.nik, 1, 4) <> p.kode_kab
        or (p.keberadaan = 'meninggal' and p.status_aktif)
        or p.nik in (select nik from repeated where ganda_keluarga)
),

checked as (
    select
        p.* exclude (valid),
        list_filter(
            [
                case when not p.valid then 'nik_tidak_valid' end,
                case when p.valid and substr(p.nik, 1, 4) <> p.kode_kab then 'nik_beda_domisili' end,
                case when p.valid and r.ganda_keluarga then 'nik_ganda' end,
                case when p.keberadaan = 'meninggal' and p.status_aktif then 'meninggal_aktif' end
            ],
            lambda c: c is not null
        ) as ceks,
        r.jumlah_kab
    from candidates as p
    left join repeated as r on r.nik = p.nik
),

caught as (
    select * exclude (ceks), unnest(ceks) as cek
    from checked
    where len(ceks) > 0
),

final as (
    select
        k.cek, k.kode_prov, k.kode_desa, k.id_dtks, k.id_keluarga, k.nama, k.nik, k.no_kk, k.jenis_kelamin,
        k.tanggal_lahir, k.hubungan_keluarga, k.keberadaan, k.tanggal_keberadaan, k.status_aktif,
        case k.cek
            when 'nik_tidak_valid' then
                case
                    when k.nik is null then 'NIK kosong'
                    when not regexp_full_match(k.nik, '[0-9]{16}') then 'bukan 16 digit angka'
                    when substr(k.nik, 13, 4) = '0000' then 'nomor urut 0000'
                    when _nik_month(k.nik) not between 1 and 12 then 'bulan lahir tidak mungkin'
                    when _nik_day(k.nik) not between 1 and 31 then 'tanggal lahir tidak mungkin'
                    else 'kode provinsi atau tanggal tidak dikenal'
                end
            when 'nik_beda_domisili' then 'NIK terbit di kab/kota ' || substr(k.nik, 1, 4)
            when 'nik_ganda' then
                case
                    when k.jumlah_kab > 1 then 'NIK dipakai di ' || k.jumlah_kab || ' kab/kota'
                    else 'NIK dipakai lebih dari satu keluarga di kab/kota ini'
                end
            when 'meninggal_aktif' then 'meninggal, masih aktif'
        end as keterangan
    from caught as k
)

select * from final
order by cek, kode_desa, nama, id_dtks
