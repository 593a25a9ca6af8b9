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
