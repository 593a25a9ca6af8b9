"""A streaming XLSX reader for big exports: the sheet XML parsed with ElementTree.iterparse straight from the zip,
shared strings kept in a list, date cells recognised from their style's number format. Cells come out as Python
values (str, int, float, bool, datetime, None), like openpyxl's read-only mode, several times faster."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from xml.etree import ElementTree as ET

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
EPOCH = datetime(1899, 12, 30)
# Built-in number formats that show a date or time (ECMA-376 18.8.30, plus the East Asian ones).
BUILTIN_DATES = frozenset([*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)])
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_COLUMN = re.compile(r"[A-Z]+")


def _is_date_format(code: str) -> bool:
    """Whether a custom number format shows a date or time (d, m, y, h or s outside quotes and brackets)."""
    bare = _QUOTED.sub("", code.split(";")[0]).lower()
    return any(ch in bare for ch in "dmyhs") and "general" not in bare


_COLUMNS: dict[str, int] = {}


def _column_index(reference: str) -> int:
    """0-based column of a cell reference ('B7' → 1), or -1."""
    letters = reference.rstrip("0123456789")
    index = _COLUMNS.get(letters)
    if index is None:
        index = -1
        if _COLUMN.fullmatch(letters):
            index = 0
            for ch in letters:
                index = index * 26 + (ord(ch) - 64)
            index -= 1
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = index
    return index


class Workbook:
    """An open XLSX file: its sheets in order, shared strings and date styles."""

    def __init__(self, path: object) -> None:
        self.zip = zipfile.ZipFile(path)  # type: ignore[arg-type]
        self.sheets = self._sheets()
        self.shared = self._shared_strings()
        self.date_styles = self._date_styles()

    def close(self) -> None:
        """Close the zip file."""
        self.zip.close()

    def _xml(self, name: str) -> ET.Element | None:
        try:
            with self.zip.open(name) as fh:
                return ET.parse(fh).getroot()
        except KeyError:
            return None

    def _sheets(self) -> dict[str, str]:
        """Sheet name → its part in the zip, in workbook order."""
        book = self._xml("xl/workbook.xml")
        rels = self._xml("xl/_rels/workbook.xml.rels")
        if book is None or rels is None:
            raise ValueError("not an XLSX workbook (xl/workbook.xml is missing)")
        targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{PKG_REL}Relationship")}
        out = {}
        for sheet in book.iter(f"{MAIN}sheet"):
            target = targets.get(sheet.get(f"{REL}id"), "")
            target = target.lstrip("/")
            out[sheet.get("name", "")] = target if target.startswith("xl/") else f"xl/{target}"
        return out

    def _shared_strings(self) -> list[str]:
        out: list[str] = []
        try:
            fh = self.zip.open("xl/sharedStrings.xml")
        except KeyError:
            return out
        with fh:
            for _event, elem in ET.iterparse(fh, events=("end",)):
                if elem.tag == f"{MAIN}si":
                    out.append("".join(t.text or "" for t in elem.iter(f"{MAIN}t")))
                    elem.clear()
        return out

    def _date_styles(self) -> frozenset[int]:
        styles = self._xml("xl/styles.xml")
        if styles is None:
            return frozenset()
        custom = {
            int(f.get("numFmtId", "-1")): _is_date_format(f.get("formatCode", "")) for f in styles.iter(f"{MAIN}numFmt")
        }
        cell_xfs = styles.find(f"{MAIN}cellXfs")
        if cell_xfs is None:
            return frozenset()
        dates = set()
        for index, xf in enumerate(cell_xfs.findall(f"{MAIN}xf")):
            fmt = int(xf.get("numFmtId", "0"))
            if fmt in BUILTIN_DATES or custom.get(fmt, False):
                dates.add(index)
        return frozenset(dates)

    def declared_rows(self, sheet: str) -> int:
        """The last row the sheet's dimension declares (0 when it has none), read without parsing the rows."""
        with self.zip.open(self.sheets[sheet]) as fh:
            for _event, elem in ET.iterparse(fh, events=("start",)):
                if elem.tag == f"{MAIN}dimension":
                    digits = "".join(ch for ch in elem.get("ref", "").split(":")[-1] if ch.isdigit())
                    return int(digits) if digits else 0
                if elem.tag == f"{MAIN}sheetData":
                    return 0
        return 0

    def rows(self, sheet: str, min_row: int = 1, max_row: int | None = None) -> Iterator[tuple[int, list[object]]]:
        """(row number, values) of the sheet's non-empty rows from `min_row` on, each row as long as its last cell."""
        shared, dates = self.shared, self.date_styles
        with self.zip.open(self.sheets[sheet]) as fh:
            events = ET.iterparse(fh, events=("start", "end"))
            parent = None
            number = 0
            row: list[object] = []
            for event, elem in events:
                tag = elem.tag
                if event == "start":
                    if tag == f"{MAIN}sheetData":
                        parent = elem
                    elif tag == f"{MAIN}row":
                        number = int(elem.get("r", number + 1))
                        row = []
                    continue
                if tag == f"{MAIN}c":
                    column = _column_index(elem.get("r", ""))
                    if column < 0:
                        column = len(row)
                    if column >= len(row):
                        row.extend([None] * (column + 1 - len(row)))
                    row[column] = _value(elem, shared, dates)
                elif tag == f"{MAIN}row":
                    if max_row is not None and number > max_row:
                        return
                    if number >= min_row:
                        yield number, row
                    if parent is not None:
                        parent.clear()


def _value(cell: ET.Element, shared: list[str], dates: frozenset[int]) -> object:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{MAIN}t"))
    found = cell.find(f"{MAIN}v")
    text = None if found is None else found.text
    if text is None:
        return None
    if kind == "s":
        return shared[int(text)]
    if kind in ("str", "e", "d"):
        return text
    if kind == "b":
        return text.strip() == "1"
    number: float = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
    if int(cell.get("s", "0")) in dates and 0 < number < 2_958_466:
        return EPOCH + timedelta(days=float(number))
    return number
