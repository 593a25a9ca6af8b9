"""Numbers and dates the way Indonesian readers write them."""

from __future__ import annotations

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


def persen(part: float | int | None, whole: float | int | None, digits: int = 1) -> str:
    """Share as '12,3%' with a decimal comma; '–' when the whole is zero or unknown."""
    if not whole or part is None:
        return "–"
    return f"{100.0 * part / whole:.{digits}f}%".replace(".", ",")


def nama_periode(periode: str) -> str:
    """'2026-09' → 'September 2026'."""
    year, month = periode.split("-")
    return f"{BULAN[int(month) - 1]} {year}"


def tanggal(value: date | None) -> str:
    """date(2026, 9, 30) → '30 September 2026'."""
    if value is None:
        return "–"
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"
