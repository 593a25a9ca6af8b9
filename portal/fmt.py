"""Numbers and dates the way Indonesian readers write them."""

from __future__ import annotations

import math
from datetime import date

BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def angka(value: float | int | None) -> str:
    """12345 → '12.345' (the dot groups thousands in Indonesian)."""
    if value is None:
        return "–"
    return f"{round(value):,}".replace(",", ".")


def persen(value: float | None, digits: int = 1) -> str:
    """A percentage (see portal.indicators) as '12,3%' with a decimal comma; '–' when unknown."""
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:.{digits}f}%".replace(".", ",")


def nama_periode(periode: str) -> str:
    """'2026-09' → 'September 2026'."""
    year, month = periode.split("-")
    return f"{BULAN[int(month) - 1]} {year}"


def tanggal(value: date | None) -> str:
    """date(2026, 9, 30) → '30 September 2026'."""
    if value is None:
        return "–"
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def tanggal_teks(iso: str) -> str:
    """'2026-09-30T…' → '30 September 2026'; text that is not an ISO date is returned as it is."""
    try:
        return tanggal(date.fromisoformat(iso[:10]))
    except ValueError:
        return iso
