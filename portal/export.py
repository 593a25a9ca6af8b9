"""CSV and XLSX exports of exactly what a page shows, with a header block (title, period, filters, time in WIB,
user), and with no cell a spreadsheet would run as a formula. Pure: no Streamlit, no database.

Layout (what open-data services such as CKAN/data.go.id and Frictionless data packages do): the data file holds the
table and nothing else, and the provenance travels beside it.
- CSV: a ZIP holding `data.csv` (UTF-8 with BOM, `;` between fields, decimal comma: what Excel set to Indonesian
  opens straight into columns, and what `pandas.read_csv(f, sep=";", decimal=",")` reads with the right columns)
  and `keterangan.txt` (the header block: title, period, filters, time, official, provenance). A comment block
  inside the CSV was not chosen: Excel shows `#` lines as data rows and breaks the columns.
- XLSX: the table on the sheet "Data" (row 1 = headings, so filters and pivots work at once) and the header block
  on the sheet "Keterangan".
`to_csv` (header block above a comma-separated table) remains for callers not yet moved to `to_zip`.

Formula injection: a text cell that begins (after spaces) with =, +, -, @, a tab or a carriage return is
prefixed with a single quote in CSV, and in XLSX written as a text cell with Excel's quote prefix (the text
itself unchanged). Numbers are written as numbers, negative ones included, so they stay numbers.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

ROW_CAP = 100_000  # the most rows a rows export carries; the header says when more matched
WIB = timezone(timedelta(hours=7), "WIB")  # Western Indonesia Time has no daylight saving
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_MIME = "text/csv"
ZIP_MIME = "application/zip"
SEP = ";"  # the list separator of Excel in Indonesian (and most locales with a decimal comma)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters the XLSX format cannot hold

Header = list[tuple[str, str]]


def header_block(
    title: str, periode: str, filters: Sequence[tuple[str, str]], user: str, when: datetime, note: str | None = None
) -> Header:
    """The lines above the table: what it is, the period, each filter, when (WIB) and by whom."""
    moment = when.astimezone(WIB) if when.tzinfo else when.replace(tzinfo=WIB)
    lines: Header = [("Judul", title), ("Periode", periode), *filters]
    lines.append(("Dibuat", moment.strftime("%d-%m-%Y %H:%M WIB")))
    lines.append(("Oleh", user))
    if note:
        lines.append(("Catatan", note))
    return lines


def now_wib() -> datetime:
    """The current time in WIB."""
    return datetime.now(WIB)


def needs_escape(text: str) -> bool:
    """True when a spreadsheet could read this text as a formula."""
    return text.startswith(TRIGGERS) or text.lstrip(" ").startswith(TRIGGERS)


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def _plain(value: object) -> object:
    """A cell value as a number, a date, text or None (missing)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return "ya" if value else "tidak"
    if _is_number(value):
        number = value.item() if hasattr(value, "item") else value
        return None if isinstance(number, float) and math.isnan(number) else number
    if isinstance(value, pd.Timestamp):
        return value.date() if value == value.normalize() else value.to_pydatetime()
    if isinstance(value, date):
        return value
    try:
        if pd.isna(value):  # pd.NA and friends
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def csv_cell(value: object) -> str:
    """A value as CSV text: numbers as they are, dates as YYYY-MM-DD, text escaped against formulas."""
    plain = _plain(value)
    if plain is None:
        return ""
    if _is_number(plain):
        return repr(plain) if isinstance(plain, float) else str(plain)
    if isinstance(plain, datetime):
        return plain.strftime("%Y-%m-%d %H:%M")
    if isinstance(plain, date):
        return plain.isoformat()
    text = str(plain)
    return "'" + text if needs_escape(text) else text


def _records(table: pd.DataFrame) -> list[list[object]]:
    return [list(row) for row in table.itertuples(index=False, name=None)]


def to_csv(table: pd.DataFrame, header: Header) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads it as UTF-8): header lines, a blank line, the table."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for key, value in header:
        writer.writerow([csv_cell(key), csv_cell(value)])
    writer.writerow([])
    writer.writerow([csv_cell(c) for c in table.columns])
    for row in _records(table):
        writer.writerow([csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _write_cell(ws: object, row: int, col: int, value: object, bold: bool = False) -> None:
    plain = _plain(value)
    cell = ws.cell(row=row, column=col)  # type: ignore[attr-defined]
    if isinstance(plain, str):
        text = _ILLEGAL_XLSX.sub("", plain)
        cell.value = text
        cell.data_type = "s"  # openpyxl would store text starting with '=' as a formula
        if needs_escape(text):
            cell.quotePrefix = True  # Excel shows it as text and keeps it text when edited
    elif isinstance(plain, datetime):
        cell.value = plain
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(plain, date):
        cell.value = plain
        cell.number_format = "yyyy-mm-dd"
    else:
        cell.value = plain
    if bold:
        cell.font = Font(bold=True)


def to_xlsx(table: pd.DataFrame, header: Header, sheet: str = "Data") -> bytes:
    """An XLSX workbook with one sheet: header lines, a blank row, the table (text cells never formulas)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    row = 1
    for key, value in header:
        _write_cell(ws, row, 1, key, bold=True)
        _write_cell(ws, row, 2, value)
        row += 1
    row += 1
    for col, name in enumerate(table.columns, start=1):
        _write_cell(ws, row, col, name, bold=True)
    for values in _records(table):
        row += 1
        for col, value in enumerate(values, start=1):
            _write_cell(ws, row, col, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def file_name(kind: str, periode: str, when: datetime, extension: str) -> str:
    """e.g. 'eksplorasi-agregat-2026-09-20261123-1015.csv' (only safe characters)."""
    safe = re.sub(r"[^0-9A-Za-z-]", "-", f"{kind}-{periode}")
    return f"eksplorasi-{safe}-{when.astimezone(WIB).strftime('%Y%m%d-%H%M')}.{extension}"


def cap_note(total: int, cap: int = ROW_CAP) -> str | None:
    """The header's note when a rows export is cut at the cap, else None."""
    if total <= cap:
        return None
    return f"Ekspor dibatasi {cap:,} baris pertama dari {total:,} baris yang cocok.".replace(",", ".")


def data_cell(value: object) -> str:
    """A value as text of the data CSV: like `csv_cell`, but a decimal comma in fractional numbers (integers have
    no thousands separator, so they read back as numbers everywhere)."""
    plain = _plain(value)
    if isinstance(plain, float) and _is_number(plain):
        if math.isinf(plain):
            return ""
        return repr(plain).replace(".", ",")
    return csv_cell(value)


def data_csv(table: pd.DataFrame) -> bytes:
    """The table alone as CSV: UTF-8 with BOM, `;` separated, decimal comma, CRLF line ends, one heading row.
    Reads back with `pandas.read_csv(f, sep=";", decimal=",")`."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=SEP, lineterminator="\r\n")
    writer.writerow([csv_cell(c) for c in table.columns])
    for row in _records(table):
        writer.writerow([data_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def metadata_text(header: Header, columns: Sequence[object] = ()) -> str:
    """The header block as a small text file to read beside the data: one 'Label: value' line each, then how to
    open the data file and which columns it holds."""
    lines = [f"{key}: {value}" for key, value in header]
    lines += [
        "",
        "Berkas data: data.csv (UTF-8, pemisah titik koma ';', desimal koma ',').",
        'Membaca dengan pandas: pd.read_csv("data.csv", sep=";", decimal=",")',
    ]
    if len(columns):
        lines += ["", "Kolom:", *(f"- {c}" for c in columns)]
    return "\r\n".join(lines) + "\r\n"


def to_zip(table: pd.DataFrame, header: Header) -> bytes:
    """A ZIP of `data.csv` (the table only, see `data_csv`) and `keterangan.txt` (the header block)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.csv", data_csv(table))
        archive.writestr("keterangan.txt", ("\ufeff" + metadata_text(header, list(table.columns))).encode("utf-8"))
    return out.getvalue()


def to_xlsx_sheets(table: pd.DataFrame, header: Header) -> bytes:
    """An XLSX workbook: the table on "Data" (headings in row 1, bold and frozen), the header block on
    "Keterangan". Text cells are never formulas."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    for col, name in enumerate(table.columns, start=1):
        _write_cell(ws, 1, col, name, bold=True)
    for row, values in enumerate(_records(table), start=2):
        for col, value in enumerate(values, start=1):
            _write_cell(ws, row, col, value)
    ws.freeze_panes = "A2"
    info = wb.create_sheet("Keterangan")
    for row, (key, value) in enumerate(header, start=1):
        _write_cell(info, row, 1, key, bold=True)
        _write_cell(info, row, 2, value)
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 80
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
