-- Macros registered on every connection: the structure checks that rollups and quality pages share.
-- _nik_day(n), _nik_month(n): the birth day (women's day less 40) and month fields of a NIK, as integers
-- (quality_person_rows.sql names what is wrong with a NIK with them).
create or replace macro _nik_day(n) as
    case when try_cast(substr(n, 7, 2) as integer) > 40
        then try_cast(substr(n, 7, 2) as integer) - 40
        else try_cast(substr(n, 7, 2) as integer) end;

create or replace macro _nik_month(n) as try_cast(substr(n, 9, 2) as integer);

-- nik_valid(n): 16 digits, a known province, a real day/month (day + 40 for women; 29 February allowed),
-- a non-zero serial; the same rule as portal.nik.nik_is_valid. One regular expression (RE2 matches it in one
-- pass: 0.18 s of CPU for 2.1 M NIK, where substrings and casts per check took 1.1 s), because this runs on
-- every row of the nation when a period is built. Its parts, in order: the province; kab/kota and kecamatan;
-- day and month (days 01-29 or 41-69 in any month, 30/70 in any but February, 31/71 in the 31-day months);
-- the year; a serial other than 0000.
create or replace macro nik_valid(n) as coalesce(
    regexp_full_match(
        n,
        '(?:1[1-9]|21|3[1-6]|5[1-3]|6[1-5]|7[1-6]|8[12]|9[1-6])[0-9]{4}'
        '(?:(?:0[1-9]|[12][0-9]|4[1-9]|[56][0-9])(?:0[1-9]|1[0-2])|[37]0(?:0[13-9]|1[0-2])|[37]1(?:0[13578]|1[02]))'
        '[0-9]{2}(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])'
    ),
    false
);

-- Eksplorasi (queries/explore_*.sql).
-- explore_program_match(programs, pkh, bpnt, pbi_jk, blt_dd): a family matches the programme filter (a list of
-- pkh, bpnt, pbi_jk, blt_dd, tanpa; null = no filter).
create or replace macro explore_program_match(programs, pkh, bpnt, pbi_jk, blt_dd) as
    programs is null
    or (list_contains(programs, 'pkh') and pkh)
    or (list_contains(programs, 'bpnt') and bpnt)
    or (list_contains(programs, 'pbi_jk') and pbi_jk)
    or (list_contains(programs, 'blt_dd') and blt_dd)
    or (list_contains(programs, 'tanpa') and not (pkh or bpnt or pbi_jk or blt_dd));

-- explore_group(dim, ...): a row's value on a whitelisted dimension ('semua' for any other); the programme
-- dimension is a bit mask (pkh 1, bpnt 2, pbi_jk 4, blt_dd 8) that explore_programs spreads later.
create or replace macro explore_group(
    dim, kode_kec, kode_desa, desil, jenis_kelamin, kelompok_umur, program_mask, disabilitas, status
) as
    case dim
        when 'kecamatan' then kode_kec
        when 'desa' then kode_desa
        when 'desil' then desil
        when 'jenis_kelamin' then jenis_kelamin
        when 'kelompok_umur' then kelompok_umur
        when 'program' then program_mask::varchar
        when 'disabilitas' then disabilitas
        when 'status' then status
        else 'semua'
    end;

-- explore_programs(dim, value): for the programme dimension, the programmes a bit mask holds ('tanpa' for 0);
-- for any other dimension, the value itself (a list, to unnest).
create or replace macro explore_programs(dim, value) as
    case when dim = 'program' then list_filter(
        [
            case when try_cast(value as integer) & 1 <> 0 then 'pkh' end,
            case when try_cast(value as integer) & 2 <> 0 then 'bpnt' end,
            case when try_cast(value as integer) & 4 <> 0 then 'pbi_jk' end,
            case when try_cast(value as integer) & 8 <> 0 then 'blt_dd' end,
            case when try_cast(value as integer) = 0 then 'tanpa' end
        ],
        lambda x: x is not null
    ) else [value] end;

-- explore_in_region(wilayah, kode_prov, kode_kab, kode_kec, kode_desa): a row is in the region filter (codes of
-- any level; null = no filter).
create or replace macro explore_in_region(wilayah, kode_prov, kode_kab, kode_kec, kode_desa) as
    wilayah is null
    or list_contains(wilayah, kode_prov)
    or list_contains(wilayah, kode_kab)
    or list_contains(wilayah, kode_kec)
    or list_contains(wilayah, kode_desa);

-- explore_age_band(usia): the Eksplorasi age band of an age in years ('kosong' when unknown).
create or replace macro explore_age_band(usia) as
    case
        when usia is null then 'kosong'
        when usia < 6 then '0-5'
        when usia < 18 then '6-17'
        when usia < 60 then '18-59'
        else '60+'
    end;

-- explore_program_label(pkh, bpnt, pbi_jk, blt_dd): 'PKH, PBI-JK', or 'tanpa program'.
create or replace macro explore_program_label(pkh, bpnt, pbi_jk, blt_dd) as
    coalesce(nullif(concat_ws(', ',
        case when pkh then 'PKH' end,
        case when bpnt then 'BPNT' end,
        case when pbi_jk then 'PBI-JK' end,
        case when blt_dd then 'BLT-DD' end
    ), ''), 'tanpa program');

-- explore_tally(source, programs, desils, kelamin, umur, disabilitas, status, dim_baris, dim_kolom): the tail
-- both explore_*_counts queries share. `source` names the caller's CTE of described rows (one per person or
-- family: kode_kec, kode_desa, desil, jenis_kelamin, kelompok_umur, pkh, bpnt, pbi_jk, blt_dd, disabilitas,
-- status, 'kosong' where unknown); the filter lists (null = no filter) keep the matching rows, which are counted
-- by the two dimensions, the programme dimension spread over the programmes it holds, kecamatan and desa named.
-- Returns baris, baris_nama, kolom, kolom_nama, jumlah and total (every matching row once). The parameters are
-- prefixed (f_, d_) so they never shadow the columns of the same name.
create or replace macro explore_tally(
    source, f_programs, f_desils, f_kelamin, f_umur, f_disabilitas, f_status, d_baris, d_kolom
) as table
with filtered as (
    select
        *,
        pkh::integer + 2 * bpnt::integer + 4 * pbi_jk::integer + 8 * blt_dd::integer as program_mask
    from query_table(source)
    where (f_desils is null or list_contains(f_desils, desil))
        and (f_kelamin is null or list_contains(f_kelamin, jenis_kelamin))
        and (f_umur is null or list_contains(f_umur, kelompok_umur))
        and (f_disabilitas is null or list_contains(f_disabilitas, disabilitas))
        and (f_status is null or list_contains(f_status, status))
        and explore_program_match(f_programs, pkh, bpnt, pbi_jk, blt_dd)
),

grouped as (
    select
        explore_group(d_baris, kode_kec, kode_desa, desil, jenis_kelamin, kelompok_umur, program_mask, disabilitas, status) as baris,
        explore_group(d_kolom, kode_kec, kode_desa, desil, jenis_kelamin, kelompok_umur, program_mask, disabilitas, status) as kolom,
        count(*) as jumlah
    from filtered
    group by all
),

-- A programme "dimension value" is a bit mask until here; each group is spread over the programmes it holds.
spread_rows as (
    select
        unnest(explore_programs(d_baris, baris)) as baris,
        kolom, jumlah, sum(jumlah) over () as total
    from grouped
),

spread as (
    select
        baris,
        unnest(explore_programs(d_kolom, kolom)) as kolom,
        jumlah, total
    from spread_rows
),

names as (
    select kode_kec as kode, nama_kec as nama from wilayah_kecamatan
    union all
    select kode_desa, nama_desa from wilayah_desa
)

select s.baris, nb.nama as baris_nama, s.kolom, nk.nama as kolom_nama,
    sum(s.jumlah)::bigint as jumlah, any_value(s.total)::bigint as total
from spread as s
left join names as nb on nb.kode = s.baris and d_baris in ('kecamatan', 'desa')
left join names as nk on nk.kode = s.kolom and d_kolom in ('kecamatan', 'desa')
group by all;

-- explore_tally_cells(source, programs, desils, kelamin, umur, disabilitas, status, dim_baris, dim_kolom):
-- explore_tally over cells of the Eksplorasi cube (queries/build/explore_cube_*.sql) instead of one row per person
-- or family: `source`'s rows carry jumlah, the people or families of the cell, which the groups and the total sum.
-- The cube's grain is the kecamatan: there is no desa dimension (explore_*_counts_cube refuse to be asked for one).
create or replace macro explore_tally_cells(
    source, f_programs, f_desils, f_kelamin, f_umur, f_disabilitas, f_status, d_baris, d_kolom
) as table
with filtered as (
    select
        *,
        pkh::integer + 2 * bpnt::integer + 4 * pbi_jk::integer + 8 * blt_dd::integer as program_mask
    from query_table(source)
    where (f_desils is null or list_contains(f_desils, desil))
        and (f_kelamin is null or list_contains(f_kelamin, jenis_kelamin))
        and (f_umur is null or list_contains(f_umur, kelompok_umur))
        and (f_disabilitas is null or list_contains(f_disabilitas, disabilitas))
        and (f_status is null or list_contains(f_status, status))
        and explore_program_match(f_programs, pkh, bpnt, pbi_jk, blt_dd)
),

grouped as (
    select
        explore_group(d_baris, kode_kec, null, desil, jenis_kelamin, kelompok_umur, program_mask, disabilitas, status) as baris,
        explore_group(d_kolom, kode_kec, null, desil, jenis_kelamin, kelompok_umur, program_mask, disabilitas, status) as kolom,
        sum(jumlah) as jumlah
    from filtered
    group by all
),

spread_rows as (
    select
        unnest(explore_programs(d_baris, baris)) as baris,
        kolom, jumlah, sum(jumlah) over () as total
    from grouped
),

spread as (
    select
        baris,
        unnest(explore_programs(d_kolom, kolom)) as kolom,
        jumlah, total
    from spread_rows
)

select s.baris, nb.nama_kec as baris_nama, s.kolom, nk.nama_kec as kolom_nama,
    sum(s.jumlah)::bigint as jumlah, any_value(s.total)::bigint as total
from spread as s
left join wilayah_kecamatan as nb on nb.kode_kec = s.baris and d_baris = 'kecamatan'
left join wilayah_kecamatan as nk on nk.kode_kec = s.kolom and d_kolom = 'kecamatan'
group by all;
