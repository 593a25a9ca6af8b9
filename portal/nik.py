"""Structure of NIK and No KK: region of issue + date + serial (DOMAIN.md), checked without any oracle."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_SIXTEEN_DIGITS = re.compile(r"[0-9]{16}")
# Province codes in use since 2022 (38 provinces); NIK issued before the Papua split carry 91/92.
PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "18",
        "19",
        "21",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "51",
        "52",
        "53",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "72",
        "73",
        "74",
        "75",
        "76",
        "81",
        "82",
        "91",
        "92",
        "93",
        "94",
        "95",
        "96",
    ]
)


def nik_is_valid(nik: str | None) -> bool:
    """True when a NIK has 16 digits, a known province, a real date (day + 40 for women) and a non-zero serial."""
    if nik is None or not _SIXTEEN_DIGITS.fullmatch(nik):
        return False
    if nik[:2] not in PROVINCE_CODES or nik[12:] == "0000":
        return False
    day, month = int(nik[6:8]), int(nik[8:10])
    if day > 40:
        day -= 40
    return _real_day_month(day, month)


def _real_day_month(day: int, month: int) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    try:
        date(2000, month, day)  # a leap year, so 29 February is accepted
    except ValueError:
        return False
    return True


def nik_birth_date(nik: str, today: date) -> tuple[date, str] | None:
    """The birth date and sex ('L'/'P') encoded in a valid NIK; the century is the one that is not in the future."""
    if not nik_is_valid(nik):
        return None
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "P" if day > 40 else "L"
    day = day - 40 if day > 40 else day
    year = 2000 + yy if 2000 + yy <= today.year else 1900 + yy
    try:
        return date(year, month, day), sex
    except ValueError:  # 29 February in a non-leap year
        return None


def kk_is_valid(no_kk: str | None) -> bool:
    """True when a No KK has 16 digits, a known province, a real issue date and a non-zero serial."""
    if no_kk is None or not _SIXTEEN_DIGITS.fullmatch(no_kk):
        return False
    if no_kk[:2] not in PROVINCE_CODES or no_kk[12:] == "0000":
        return False
    return _real_day_month(int(no_kk[6:8]), int(no_kk[8:10]))


_PROVINCE_INTS = np.array(sorted(int(code) for code in PROVINCE_CODES))
_MONTH_DAYS = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])  # 29 February accepted, as above


def id_fields(values: pa.Array, women: bool) -> dict[str, np.ndarray]:
    """`nik_is_valid` (women=True: day + 40 for women) or `kk_is_valid` over an Arrow string array at once, with
    the day (as written, + 40 included), month and two-digit year of every 16-digit value (0 elsewhere)."""
    n = len(values)
    text = values.cast(pa.string())
    digits16 = pc.fill_null(pc.match_substring_regex(text, "^[0-9]{16}$"), False).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(digits16)
    number = np.zeros(n, dtype=np.int64)
    if rows.size:
        number[rows] = pc.cast(text.take(pa.array(rows, type=pa.int64())), pa.int64()).to_numpy()
    day = (number // 10**8) % 100
    month = (number // 10**6) % 100
    real_day = np.where(day > 40, day - 40, day) if women else day
    valid = (
        digits16
        & np.isin(number // 10**14, _PROVINCE_INTS)
        & (number % 10**4 != 0)
        & (month >= 1)
        & (month <= 12)
        & (real_day >= 1)
        & (real_day <= _MONTH_DAYS[np.clip(month, 0, 12)])
    )
    return {"valid": valid, "day": day, "month": month, "yy": (number // 10**4) % 100}
