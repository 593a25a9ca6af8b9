-- Macros registered on every connection: the structure checks that rollups and quality pages share.
-- nik_valid(n): 16 digits, a known province, a real day/month (day + 40 for women; 29 February allowed),
-- a non-zero serial; the same rule as portal.nik.nik_is_valid. Plain arithmetic rather than try(make_date())
-- because this runs on every row of the nation when a period is built.
create or replace macro _nik_day(n) as
    case when try_cast(substr(n, 7, 2) as integer) > 40
        then try_cast(substr(n, 7, 2) as integer) - 40
        else try_cast(substr(n, 7, 2) as integer) end;

create or replace macro _nik_month(n) as try_cast(substr(n, 9, 2) as integer);

create or replace macro nik_valid(n) as coalesce(
    regexp_full_match(n, '[0-9]{16}')
    and substr(n, 1, 2) in (
        '11', '12', '13', '14', '15', '16', '17', '18', '19', '21', '31', '32', '33', '34', '35', '36', '51',
        '52', '53', '61', '62', '63', '64', '65', '71', '72', '73', '74', '75', '76', '81', '82', '91', '92',
        '93', '94', '95', '96'
    )
    and substr(n, 13, 4) <> '0000'
    and _nik_month(n) between 1 and 12
    and _nik_day(n) between 1 and (
        case _nik_month(n) when 2 then 29 when 4 then 30 when 6 then 30 when 9 then 30 when 11 then 30 else 31 end
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
