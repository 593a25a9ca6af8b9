-- Macros registered on every connection: the structure checks that rollups and quality pages share.
-- nik_valid(n): 16 digits, a known province, a real day/month (day + 40 for women), a non-zero serial;
-- the same rule as portal.nik.nik_is_valid.
create or replace macro nik_valid(n) as coalesce(
    regexp_full_match(n, '[0-9]{16}')
    and substr(n, 1, 2) in (
        '11', '12', '13', '14', '15', '16', '17', '18', '19', '21', '31', '32', '33', '34', '35', '36', '51',
        '52', '53', '61', '62', '63', '64', '65', '71', '72', '73', '74', '75', '76', '81', '82', '91', '92',
        '93', '94', '95', '96'
    )
    and substr(n, 13, 4) <> '0000'
    and try(make_date(
        2000,
        try_cast(substr(n, 9, 2) as integer),
        case when try_cast(substr(n, 7, 2) as integer) > 40
            then try_cast(substr(n, 7, 2) as integer) - 40
            else try_cast(substr(n, 7, 2) as integer) end
    )) is not null,
    false
);
