"""Cell text → typed values, one column kind at a time. Each parser returns the value and a status:
OK, BLANK, BAD (unreadable), WARN (read, but worth a flag) or LOST (a NIK / No KK whose digits Excel lost)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

OK, BLANK, BAD, WARN, LOST = 0, 1, 2, 3, 4
Parsed = tuple[object, int]

MAX_ID_CHARS = 32
MAX_NAME_CHARS = 200
MAX_TEXT_CHARS = 1_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?")
_SEPARATORS = re.compile(r"[\s.\-/_]")
_KEY = re.compile(r"[^A-Z0-9]")
EXACT_DOUBLE_LIMIT = 2**53  # every whole number up to here is exact in a double; above, only some are
_FLOAT_INT = re.compile(r"([0-9]+)\.0*")
_DMY = re.compile(r"([0-9]{1,2})[/\-.]([0-9]{1,2})[/\-.]([0-9]{4}|[0-9]{2})")
_YMD = re.compile(r"([0-9]{4})[/\-.]([0-9]{1,2})[/\-.]([0-9]{1,2})")
_YMD8 = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_TIME = re.compile(
    r"(?:T|\s+)[0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2}(?:\.[0-9]+)?)?(?:\s*(?:AM|PM|WIB|WITA|WIT|Z|[+-][0-9]{2}:?[0-9]{2}))?$"
)
_DATE_WORD_SPLIT = re.compile(r"[\s,/.\-]+")
_THOUSANDS = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+")
EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_LAST_SERIAL = 2_958_466  # 10000-01-01
MIN_DATE, MAX_DATE = date(1900, 1, 1), date(2199, 12, 31)

# Month and day names in Bahasa Indonesia and English, whole and abbreviated, as clerks write them.
_MONTHS = {
    1: ("JANUARI", "JANUARY", "JAN"),
    2: ("FEBRUARI", "PEBRUARI", "FEBRUARY", "FEB", "PEB"),
    3: ("MARET", "MARCH", "MAR"),
    4: ("APRIL", "APR"),
    5: ("MEI", "MAY"),
    6: ("JUNI", "JUNE", "JUN"),
    7: ("JULI", "JULY", "JUL"),
    8: ("AGUSTUS", "AUGUST", "AGU", "AGT", "AGS", "AGUS", "AUG"),
    9: ("SEPTEMBER", "SEP", "SEPT"),
    10: ("OKTOBER", "OCTOBER", "OKT", "OCT"),
    11: ("NOVEMBER", "NOPEMBER", "NOV", "NOP"),
    12: ("DESEMBER", "DECEMBER", "DES", "DEC"),
}
MONTH_NAMES = {spelling: month for month, spellings in _MONTHS.items() for spelling in spellings}
# Monday = 0, as date.weekday() counts.
_DAYS = (
    ("SENIN", "MONDAY", "MON"),
    ("SELASA", "TUESDAY", "TUE", "TUES"),
    ("RABU", "WEDNESDAY", "WED"),
    ("KAMIS", "THURSDAY", "THU", "THUR", "THURS"),
    ("JUMAT", "FRIDAY", "FRI"),
    ("SABTU", "SATURDAY", "SAT"),
    ("MINGGU", "AHAD", "SUNDAY", "SUN"),
)
DAY_NAMES = {spelling: weekday for weekday, spellings in enumerate(_DAYS) for spelling in spellings}


def clean_text(value: str) -> str:
    """Trimmed text with runs of white space collapsed and control characters removed."""
    if value.isprintable() and "  " not in value and value.strip() == value:
        return value
    if not value.isprintable():
        value = _CONTROL.sub(" ", value)
    return " ".join(value.split())


def key(value: str) -> str:
    """Upper-case letters and digits only: the form vocabularies are matched in."""
    return _KEY.sub("", value.upper())


def _integer_from_number(text: str) -> Parsed | None:
    """The whole number a number-shaped text holds ('3471011507850001.0', '3.471011507850001E+15'), or None when
    the text is not number-shaped. Such a value went through a spreadsheet's number type, a double: LOST when it
    cannot be its exact digits (Excel keeps 15 significant digits and writes zeros for the rest, and above 2**53 a
    double cannot hold every whole number, so the last digit may have changed), else WARN."""
    if not (_NUMBER.fullmatch(text) and ("." in text or "e" in text or "E" in text)):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if number.is_finite() and number.adjusted() >= MAX_ID_CHARS:
        return None, BAD  # more digits than any id ('1e99999999' must not be written out)
    if not (number.is_finite() and number > 0 and number == number.to_integral_value()):
        return None
    integer = format(number.to_integral_value(), "f")
    if len(number.normalize().as_tuple().digits) < len(integer) or int(integer) > EXACT_DOUBLE_LIMIT:
        return None, LOST
    return integer, WARN


def parse_id16(value: str) -> Parsed:
    """A NIK or No KK: text, a leading apostrophe, spaces or dots, or a number (docs/INGEST.md)."""
    text = value.strip().lstrip("'`\u2018\u2019").strip().strip('"').strip()
    if not text:
        return None, BLANK
    if text.isascii() and text.isdigit():
        return (text, OK) if len(text) <= MAX_ID_CHARS else (None, BAD)
    from_number = _integer_from_number(text)
    if from_number is not None:
        integer, status = from_number
        return (integer, status) if integer is None or len(str(integer)) <= MAX_ID_CHARS else (None, BAD)
    compact = _SEPARATORS.sub("", clean_text(text))
    if not compact:
        return None, BLANK
    return (compact, OK) if len(compact) <= MAX_ID_CHARS else (None, BAD)


def parse_id(value: str) -> Parsed:
    """A positive 64-bit identifier (ID_DTKS, ID_KELUARGA, ID_USULAN_ASAL); one that went through a number must be
    exact (LOST otherwise, as for a NIK)."""
    text = value.strip().lstrip("'")
    if not text:
        return None, BLANK
    from_number = _integer_from_number(text)
    if from_number is not None:
        if from_number[0] is None:
            return from_number
        text = str(from_number[0])
    if text.isascii() and text.isdigit() and len(text) <= 19:
        number = int(text)
        if 0 < number < 2**63:
            return number, OK
    return None, BAD


def parse_date(value: str, pivot_year: int | None = None) -> Parsed:
    """A date written as an Indonesian clerk or a spreadsheet writes it (docs/INGEST.md, "Dates"): dd/mm/yyyy,
    dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd, yyyymmdd, or with the month's name in Bahasa Indonesia or English, whole
    or abbreviated ('30 Maret 1992', '17-AGT-45', 'Senin, 30 Maret 1992', 'March 30, 1992'). A time is ignored.

    A two-digit year is the latest year ending in those digits that is not after `pivot_year` (the period's year),
    and is flagged WARN; without a pivot it is unreadable. A day name that does not fit the date makes it
    unreadable. A bare number is never a date here: an Excel serial is read only from a numeric XLSX cell, by the
    reader (`excel_serial_text`), where the cell's type is known."""
    text = value.strip()
    if not text or text in ("-", "0"):
        return None, BLANK
    text = _TIME.sub("", text.upper()).strip()
    weekday = None
    if m := _DMY.fullmatch(text):
        day, month, year = int(m.group(1)), int(m.group(2)), m.group(3)
    elif (m := _YMD.fullmatch(text)) or (m := _YMD8.fullmatch(text)):
        day, month, year = int(m.group(3)), int(m.group(2)), m.group(1)
    else:
        words = [w for w in _DATE_WORD_SPLIT.split(text.replace("'", "").replace("\u2019", "")) if w]
        if words and words[0] in DAY_NAMES:
            weekday = DAY_NAMES[words.pop(0)]
        if len(words) != 3:
            return None, BAD
        if words[1] in MONTH_NAMES:
            day_text, month, year = words[0], MONTH_NAMES[words[1]], words[2]
        elif words[0] in MONTH_NAMES:
            day_text, month, year = words[1], MONTH_NAMES[words[0]], words[2]
        else:
            return None, BAD
        if not (day_text.isascii() and day_text.isdigit() and len(day_text) <= 2):
            return None, BAD
        if not (year.isascii() and year.isdigit() and len(year) in (2, 4)):
            return None, BAD
        day = int(day_text)
    status = OK
    if len(year) == 2:
        if pivot_year is None:
            return None, BAD
        full = pivot_year - (pivot_year - int(year)) % 100
        status = WARN
    else:
        full = int(year)
    try:
        parsed = date(full, month, day)
    except ValueError:
        return None, BAD
    if weekday is not None and parsed.weekday() != weekday:
        return None, BAD
    return (parsed, status) if MIN_DATE <= parsed <= MAX_DATE else (None, BAD)


def excel_serial_text(number: float) -> str:
    """A numeric XLSX cell in a date column as an ISO date (days since 1899-12-30; a time of day is ignored).
    Serials before 61 are left as numbers, so they are unreadable as dates: Excel counts a 29 February 1900 that
    never was, so its first 60 days cannot be told apart from one another's neighbours."""
    if number != number or not 61 <= number < EXCEL_LAST_SERIAL:
        return format(number, "g") if isinstance(number, float) else str(number)
    return (EXCEL_EPOCH + timedelta(days=int(number))).isoformat()


_SEX = {
    **dict.fromkeys(("L", "LK", "LAKI", "LAKILAKI", "PRIA", "M", "MALE", "1"), "L"),
    **dict.fromkeys(("P", "PR", "PEREMPUAN", "WANITA", "W", "F", "FEMALE", "2"), "P"),
}


def parse_sex(value: str) -> Parsed:
    """'L' or 'P' from the usual spellings (L/P, LAKI-LAKI/PEREMPUAN, 1/2, M/F)."""
    k = key(value)
    if not k:
        return None, BLANK
    return (_SEX[k], OK) if k in _SEX else (None, BAD)


_TRUE = frozenset(("1", "Y", "YA", "YES", "TRUE", "BENAR", "ADA", "V", "AKTIF", "PENERIMA", "MENERIMA"))
_FALSE = frozenset(
    ("0", "N", "NO", "T", "TDK", "TIDAK", "FALSE", "SALAH", "TIDAKADA", "BUKAN", "NONAKTIF", "TIDAKAKTIF")
)


def parse_bool(value: str) -> Parsed:
    """Yes/no from 1/0, Y/T (ya/tidak), YA/TIDAK, TRUE/FALSE, ADA/TIDAK ADA, AKTIF/NONAKTIF."""
    text = value.strip()
    if not text or text == "-":
        return None, BLANK
    if match := _FLOAT_INT.fullmatch(text):  # '1.0' from a number cell
        text = match.group(1)
    k = key(text)
    if k in _TRUE:
        return True, OK
    if k in _FALSE:
        return False, OK
    return None, BAD


def parse_int(value: str) -> Parsed:
    """A whole number: '5', '5.0', '1.300' (thousands), '900 VA', 'Desil 3'."""
    text = value.strip().upper().replace("VA", "").replace("DESIL", "").replace(" ", "")
    if not text or text == "-":
        return None, BLANK
    if _THOUSANDS.fullmatch(text):
        text = text.replace(".", "")
    match = _FLOAT_INT.fullmatch(text)
    if match:
        text = match.group(1)
    if text.isascii() and text.isdigit() and len(text) <= 9:
        return int(text), OK
    return None, BAD


def parse_rtrw(value: str) -> Parsed:
    """RT/RW as three digits ('1' → '001', 'RT 01' → '001'); other text is kept as written."""
    text = clean_text(value)
    if not text or text == "-":
        return None, BLANK
    match = _FLOAT_INT.fullmatch(text)
    if match:
        text = match.group(1)
    digits = text.upper().removeprefix("RT").removeprefix("RW").strip(" .:")
    if digits.isascii() and digits.isdigit() and len(digits) <= 3:
        return digits.zfill(3), OK
    return (text, OK) if len(text) <= 20 else (None, BAD)


def parse_region_code(value: str) -> Parsed:
    """Digits of a region code with dots, spaces or dashes removed ('34.71.01.1001' → '3471011001')."""
    text = value.strip()
    if not text:
        return None, BLANK
    match = _FLOAT_INT.fullmatch(text)
    if match:
        text = match.group(1)
    digits = _SEPARATORS.sub("", text)
    if digits.isascii() and digits.isdigit() and len(digits) <= 10:
        return digits, OK
    return None, BAD


def _vocabulary(words: dict[str, tuple[str, ...]], blank: tuple[str, ...] = ()) -> Callable[[str], Parsed]:
    table = {key(spelling): canonical for canonical, spellings in words.items() for spelling in spellings}
    table.update({key(canonical): canonical for canonical in words})
    empty = frozenset(key(word) for word in blank)

    def parse(value: str) -> Parsed:
        text = clean_text(value)
        if not text or text == "-" or key(text) in empty:
            return None, BLANK
        found = table.get(key(text))
        if found is not None:
            return found, OK
        return (text, WARN) if len(text) <= MAX_NAME_CHARS else (None, BAD)

    return parse


parse_hubungan = _vocabulary(
    {
        "kepala keluarga": ("KEPALA RUMAH TANGGA", "KRT", "KK", "KEPALA", "1"),
        "istri": ("ISTERI",),
        "suami": (),
        # Regsosek and P3KE write one category for both; which of the two cannot be known from the file.
        "istri/suami": ("ISTRI SUAMI", "SUAMI ISTRI", "SUAMI/ISTRI"),
        "anak": ("ANAK KANDUNG", "ANAK TIRI", "ANAK ANGKAT"),
        "menantu": (),
        "cucu": (),
        "orang tua/mertua": ("ORANG TUA", "ORANGTUA", "MERTUA", "ORANG TUA MERTUA"),
        "famili lain": ("FAMILI", "FAMILI LAINNYA", "LAINNYA"),
        "pembantu": ("PEMBANTU RUMAH TANGGA", "PEMBANTU/SOPIR", "PEMBANTU SOPIR"),
    }
)
parse_keberadaan = _vocabulary(
    {
        "ada": ("DITEMUKAN", "MASIH ADA", "TINGGAL BERSAMA KELUARGA", "ANGGOTA KELUARGA BARU"),
        "meninggal": ("MENINGGAL DUNIA", "WAFAT", "MATI"),
        "pindah": (
            "PINDAH DOMISILI",
            "PINDAH ALAMAT",
            "TIDAK TINGGAL BERSAMA KELUARGA/PINDAH KE WILAYAH LAIN",
            "TIDAK TINGGAL BERSAMA KELUARGA/PINDAH KE WILAYAH (DAERAH) LAIN DI INDONESIA",
            "TIDAK TINGGAL BERSAMA KELUARGA/PINDAH KE LUAR NEGERI",
        ),
        "tidak ditemukan": ("TIDAK DIKENAL",),
    }
)
parse_padan = _vocabulary(
    {
        "padan": ("SUDAH PADAN", "PADAN DUKCAPIL", "PADAN DENGAN DUKCAPIL", "1", "Y", "YA", "SESUAI"),
        "belum padan": (
            "TIDAK PADAN",
            "TDK PADAN",
            "TIDAK PADAN DENGAN DUKCAPIL",
            "BELUM PADAN DENGAN DUKCAPIL",
            "BELUM",
            "0",
            "T",
            "TIDAK",
            "TIDAK SESUAI",
        ),
    },
    blank=("KOSONG",),
)
# A desil not yet decided is no desil: DTSEN writes 0, N/A or BELUM DITENTUKAN (and TIDAK PADAN for an unmatched
# family); those are empty, any other text must be a whole number 1-10.
_NO_DESIL = frozenset(("0", "NA", "BELUMDITENTUKAN", "TIDAKPADAN", "KOSONG"))


def parse_desil(value: str) -> Parsed:
    """DESIL: 1-10 ('3', 'Desil 3', '3.0'); 0, N/A and BELUM DITENTUKAN are empty (range checked by the caller)."""
    return (None, BLANK) if key(value) in _NO_DESIL else parse_int(value)


def parse_name(value: str) -> Parsed:
    """A person's name, trimmed and with white space collapsed (spelling and case kept)."""
    text = clean_text(value)
    if not text or text == "-":
        return None, BLANK
    return (text, OK) if len(text) <= MAX_NAME_CHARS else (None, BAD)


def parse_text(value: str) -> Parsed:
    """Free text, trimmed and with white space collapsed."""
    text = clean_text(value)
    if not text:
        return None, BLANK
    return (text, OK) if len(text) <= MAX_TEXT_CHARS else (None, BAD)


PARSERS: dict[str, Callable[[str], Parsed]] = {
    "nik": parse_id16,
    "kk": parse_id16,
    "id": parse_id,
    "date": parse_date,
    "sex": parse_sex,
    "bool": parse_bool,
    "int": parse_int,
    "desil": parse_desil,
    "rtrw": parse_rtrw,
    "region": parse_region_code,
    "region_name": parse_text,
    "hubungan": parse_hubungan,
    "keberadaan": parse_keberadaan,
    "padan": parse_padan,
    "name": parse_name,
    "text": parse_text,
}
# Kinds parsed once per distinct text (remembered across batches), and their Arrow types.
_MEMO_KINDS = frozenset(("date", "sex", "bool", "int", "desil", "rtrw", "region", "hubungan", "keberadaan", "padan"))
_ARROW_TYPES = {"date": pa.date32(), "bool": pa.bool_(), "int": pa.int64(), "desil": pa.int64(), "id": pa.int64()}
# Kinds cleaned with Arrow compute, whole column at once: (longest value, '-' means empty).
_VECTOR_KINDS = {"name": (MAX_NAME_CHARS, True), "text": (MAX_TEXT_CHARS, False), "region_name": (MAX_NAME_CHARS, True)}
_MESSY = r"[\x{00}-\x{1f}\x{7f}-\x{a0}]|\s\s|^\s|\s$"
_MEMO_LIMIT = 200_000
_memo: dict[str, dict[str, Parsed]] = {}


def _clean_column(values: pa.StringArray, limit: int, dash_is_blank: bool) -> tuple[pa.Array, np.ndarray]:
    """Arrow's version of `clean_text` over a whole column, with BLANK and BAD (too long) statuses."""
    cleaned = values
    if pc.any(pc.match_substring_regex(values, _MESSY)).as_py():
        cleaned = pc.replace_substring_regex(values, r"[\x{00}-\x{1f}\x{7f}-\x{a0}]", " ")
        cleaned = pc.utf8_trim_whitespace(pc.replace_substring_regex(cleaned, r"\s+", " "))
    length = pc.utf8_length(cleaned).to_numpy(zero_copy_only=False)
    status = np.zeros(len(values), dtype=np.int8)
    blank = length == 0
    if dash_is_blank:
        blank |= pc.equal(cleaned, "-").to_numpy(zero_copy_only=False)
    status[length > limit] = BAD
    status[blank] = BLANK
    return _null_where(cleaned, status != OK), status


def _null_where(values: pa.StringArray, mask: np.ndarray) -> pa.Array:
    """`values` with nulls where `mask` is set (sharing the text buffers when the array allows it)."""
    if not mask.any():
        return values
    if values.type != pa.string() or values.null_count or values.offset:
        return pc.if_else(pa.array(mask), pa.nulls(len(values), values.type), values)
    validity = pa.array(~mask).buffers()[1]
    return pa.Array.from_buffers(pa.string(), len(values), [validity, *values.buffers()[1:]])


# Kinds whose common form (plain digits) is taken whole-column; only other texts go through the parser.
_FAST = {"nik": rf"^[0-9]{{1,{MAX_ID_CHARS}}}$", "kk": rf"^[0-9]{{1,{MAX_ID_CHARS}}}$", "id": r"^[0-9]{1,18}$"}


def _fast_column(
    kind: str, values: pa.StringArray, parser: Callable[[str], Parsed], arrow_type: pa.DataType
) -> tuple[pa.Array, np.ndarray]:
    plain = pc.match_substring_regex(values, _FAST[kind])
    plain_np = plain.to_numpy(zero_copy_only=False)
    status = np.zeros(len(values), dtype=np.int8)
    out = values.cast(arrow_type) if plain_np.all() else pc.if_else(plain, values, None).cast(arrow_type)
    if kind == "id":
        zero = pc.fill_null(pc.equal(out, 0), False).to_numpy(zero_copy_only=False)
        status[zero] = BAD
        out = pc.if_else(pa.array(zero), pa.scalar(None, arrow_type), out)
    slow = np.flatnonzero(~plain_np)
    if slow.size:
        typed, slow_status = _parse_distinct(values.take(pa.array(slow, type=pa.int64())), parser, arrow_type)
        status[slow] = slow_status
        out = pc.replace_with_mask(out, pa.array(~plain_np), typed)
    return out, status


def _parse_distinct(
    values: pa.StringArray, parser: Callable[[str], Parsed], arrow_type: pa.DataType, memo: dict | None = None
) -> tuple[pa.Array, np.ndarray]:
    """`parser` over a column, called once per distinct text (and remembered in `memo` across batches)."""
    encoded = values.dictionary_encode()
    parsed = []
    for value in encoded.dictionary.to_pylist():
        hit = memo.get(value) if memo is not None else None
        if hit is None:
            hit = parser(value)
            if memo is not None:
                memo[value] = hit
        parsed.append(hit)
    typed = pa.array([p[0] for p in parsed], type=arrow_type)
    status = np.array([p[1] for p in parsed], dtype=np.int8)
    return typed.take(encoded.indices), status[encoded.indices.to_numpy(zero_copy_only=False)]


# Dates in the two commonest exact forms, yyyy-mm-dd and dd/mm/yyyy, are read whole-column (`parse_date`'s rules:
# a real day, years 1900-2199); every other text goes through `parse_date`.
_PLAIN_DATE = r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}/[0-9]{2}/[0-9]{4})$"
_ISO_AT = ((0, 4), (5, 7), (8, 10))  # where year, month and day are
_DMY_AT = ((6, 10), (3, 5), (0, 2))


def _plain_dates(values: pa.StringArray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(which cells are in a plain form, days since 1970 of those, whether each is a real date in range)."""
    plain = pc.match_substring_regex(values, _PLAIN_DATE).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(plain)
    days = np.zeros(rows.size, dtype=np.int64)
    real = np.zeros(rows.size, dtype=bool)
    if rows.size:
        # Every plain cell is 10 ASCII characters: the taken cells' bytes are a (rows, 10) block of digits.
        text = values.take(pa.array(rows, type=pa.int64()))
        offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)[text.offset : text.offset + rows.size + 1]
        data = np.frombuffer(text.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
        cells = data.reshape(rows.size, 10)
        is_iso = cells[:, 4] == ord("-")
        digits = cells.astype(np.int64) - ord("0")

        def number(iso_at: tuple[int, int], dmy_at: tuple[int, int]) -> np.ndarray:
            out = np.zeros(rows.size, dtype=np.int64)
            for (begin, end), form in ((iso_at, is_iso), (dmy_at, ~is_iso)):
                value = np.zeros(rows.size, dtype=np.int64)
                for i in range(begin, end):
                    value = value * 10 + digits[:, i]
                out = np.where(form, value, out)
            return out

        year = number(_ISO_AT[0], _DMY_AT[0])
        month = number(_ISO_AT[1], _DMY_AT[1])
        day = number(_ISO_AT[2], _DMY_AT[2])
        month_ok = (month >= 1) & (month <= 12)
        start = ((year - 1970) * 12 + np.where(month_ok, month, 1) - 1).astype("datetime64[M]")
        first_day = start.astype("datetime64[D]")
        length = ((start + 1).astype("datetime64[D]") - first_day).astype(np.int64)
        real = month_ok & (day >= 1) & (day <= length) & (year >= MIN_DATE.year) & (year <= MAX_DATE.year)
        days = first_day.astype(np.int64) + day - 1
    return plain, days, real


def _date_column(values: pa.StringArray, parser: Callable[[str], Parsed], memo: dict) -> tuple[pa.Array, np.ndarray]:
    plain, days, real = _plain_dates(values)
    n = len(values)
    status = np.zeros(n, dtype=np.int8)
    out_days = np.zeros(n, dtype=np.int32)
    valid = np.zeros(n, dtype=bool)
    rows = np.flatnonzero(plain)
    out_days[rows] = np.where(real, days, 0)
    valid[rows] = real
    status[rows] = np.where(real, OK, BAD)
    slow = np.flatnonzero(~plain)
    if slow.size:
        typed, slow_status = _parse_distinct(values.take(pa.array(slow, type=pa.int64())), parser, pa.date32(), memo)
        status[slow] = slow_status
        out_days[slow] = pc.fill_null(typed.cast(pa.int32()), 0).to_numpy(zero_copy_only=False)
        valid[slow] = ~typed.is_null().to_numpy(zero_copy_only=False)
    return pa.array(out_days, type=pa.int32(), mask=~valid).view(pa.date32()), status


def parse_column(kind: str, values: pa.StringArray, pivot_year: int | None = None) -> tuple[pa.Array, np.ndarray]:
    """Parse a column of cell texts: the typed values (null where empty or unreadable) and a status per cell.
    `pivot_year` decides two-digit years in dates (see `parse_date`)."""
    if kind in _VECTOR_KINDS:
        return _clean_column(values, *_VECTOR_KINDS[kind])
    parser = PARSERS[kind]
    memo_key = kind
    if kind == "date" and pivot_year is not None:
        parser = functools.partial(parse_date, pivot_year=pivot_year)
        memo_key = f"date:{pivot_year}"
    arrow_type = _ARROW_TYPES.get(kind, pa.string())
    if kind in _FAST:
        return _fast_column(kind, values, parser, arrow_type)
    if kind not in _MEMO_KINDS:
        parsed = [parser(value) for value in values.to_pylist()]
        status = np.array([p[1] for p in parsed], dtype=np.int8)
        return pa.array([p[0] for p in parsed], type=arrow_type), status
    memo = _memo.setdefault(memo_key, {})
    if len(memo) > _MEMO_LIMIT:
        memo.clear()
    if kind == "date":
        return _date_column(values, parser, memo)
    return _parse_distinct(values, parser, arrow_type, memo)
