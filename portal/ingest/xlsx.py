"""A streaming XLSX reader for big exports: the sheet XML parsed with ElementTree.iterparse straight from the zip,
shared strings kept in a list, date cells recognised from their style's number format. Cells come out as Python
values (str, int, float, bool, datetime, None), like openpyxl's read-only mode, several times faster."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import IO
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
        """(row number, values) of the sheet's non-empty rows from `min_row` on, each row as long as its last cell.

        The sheet XML is cut into rows and cells with regular expressions (the forms Excel, LibreOffice and openpyxl
        write); a row in any other form (entities, rich or pretty-printed text, other attribute orders, carriage
        returns) is parsed with ElementTree, and so is a whole sheet whose XML is not plain UTF-8 in the default
        namespace. Both give the values of `rows_parsed` (tests/test_ingest_xlsx_fast.py compares them)."""
        with self.zip.open(self.sheets[sheet]) as fh:
            head = fh.read(_CHUNK)
            root = _ROOT.search(head)
            if root is None or not _plain(head, root):
                yield from self.rows_parsed(sheet, min_row, max_row)
                return
            namespaces = b" ".join(_XMLNS.findall(root.group(1)))
            yield from self._rows_fast(fh, head, namespaces, min_row, max_row)

    def _rows_fast(
        self, fh: IO[bytes], buffer: bytes, namespaces: bytes, min_row: int, max_row: int | None
    ) -> Iterator[tuple[int, list[object]]]:
        shared, dates = self.shared, self.date_styles
        columns = _COLUMNS_BYTES
        cell_form = _CELL.findall
        date_style: dict[bytes, bool] = {}
        number = 0
        while True:
            chunk = fh.read(_CHUNK)
            if chunk:
                buffer += chunk
                cut = buffer.rfind(b"<row")  # every row before the last one that starts is whole
                if cut <= 0:
                    continue
                text, buffer = buffer[:cut], buffer[cut:]
            else:
                text, buffer = buffer, b""
                if not text.rstrip().endswith(b"</worksheet>"):  # ElementTree would stop here: so does this path
                    raise ValueError("the sheet XML ends before </worksheet>")
            for attrs, content in _split_rows(text):
                found = _ROW_NUMBER.match(attrs)
                if found is not None and content is not None:
                    cells = cell_form(content)
                    fast = (
                        len(cells) == content.count(b"<c")
                        and b"&" not in content
                        and b"\r" not in content
                        and b"<!" not in content
                    )
                else:
                    cells, fast = [], content is None and found is not None and b"&" not in attrs
                if not fast:
                    element = ET.fromstring(b"<row " + namespaces + b" " + attrs + b">" + (content or b"") + b"</row>")
                    number = int(element.get("r", number + 1))
                    row = _row_parsed(element, shared, dates)
                else:
                    number = int(found.group(1))  # type: ignore[union-attr]
                    row = []
                    for letters, style, kind, value, inline in cells:
                        column = columns.get(letters)
                        if column is None:
                            column = _column_index(letters.decode("ascii"))
                            columns[letters] = column
                        if kind == b"inlineStr":
                            item: object = inline.decode()
                        elif not value:
                            item = None
                        elif kind == b"s":
                            item = shared[int(value)]
                        elif kind in _TEXT_KINDS:
                            item = value.decode()
                        elif kind == b"b":
                            item = value.strip() == b"1"
                        else:  # 'n', no type or an unknown one: a number
                            item = float(value) if (b"." in value or b"E" in value or b"e" in value) else int(value)
                            is_date = date_style.get(style)
                            if is_date is None:
                                is_date = date_style[style] = (int(style) if style else 0) in dates
                            if is_date and 0 < item < 2_958_466:
                                item = EPOCH + timedelta(days=float(item))
                        if column == len(row):
                            row.append(item)
                        else:
                            if column >= len(row):
                                row.extend([None] * (column + 1 - len(row)))
                            row[column] = item
                if max_row is not None and number > max_row:
                    return
                if number >= min_row:
                    yield number, row
            if not chunk:
                return

    def rows_parsed(
        self, sheet: str, min_row: int = 1, max_row: int | None = None
    ) -> Iterator[tuple[int, list[object]]]:
        """`rows`, every element parsed by ElementTree.iterparse (any well-formed sheet XML)."""
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
                    _put(row, elem, shared, dates)
                elif tag == f"{MAIN}row":
                    if max_row is not None and number > max_row:
                        return
                    if number >= min_row:
                        yield number, row
                    if parent is not None:
                        parent.clear()


def _split_rows(text: bytes) -> Iterator[tuple[bytes, bytes | None]]:
    """(attributes, content or None when self-closing) of each row element in `text`, which holds whole rows. Cut
    at each '</row>' with bytes methods; a piece holding more than one row start (self-closing rows before it)
    and the last piece (after the last '</row>') go through the regular expression."""
    pieces = text.split(b"</row>")
    last = len(pieces) - 1
    for k, piece in enumerate(pieces):
        if k < last and piece.count(b"<row") == 1:
            start = piece.find(b"<row")
            close = piece.find(b">", start)
            if close > 0 and piece[start + 4 : start + 5] in (b" ", b">") and piece[close - 1 : close] != b"/":
                yield piece[start + 4 : close], piece[close + 1 :]
                continue
        for match in _ROW.finditer(piece if k == last else piece + b"</row>"):
            yield match.group(1), match.group(2)


def _put(row: list[object], cell: ET.Element, shared: list[str], dates: frozenset[int]) -> None:
    column = _column_index(cell.get("r", ""))
    if column < 0:
        column = len(row)
    if column >= len(row):
        row.extend([None] * (column + 1 - len(row)))
    row[column] = _value(cell, shared, dates)


def _row_parsed(element: ET.Element, shared: list[str], dates: frozenset[int]) -> list[object]:
    """The values of one parsed row element, as `rows_parsed` gives them."""
    row: list[object] = []
    for cell in element.iter(f"{MAIN}c"):
        _put(row, cell, shared, dates)
    return row


def _plain(head: bytes, root: re.Match[bytes]) -> bool:
    """Whether the sheet XML can be cut with the regular expressions: UTF-8 (with or without BOM), no DOCTYPE
    (entity definitions), the worksheet element unprefixed in the main namespace."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"<!DOCTYPE" in head[: root.start()]:
        return False
    declaration = _DECLARATION.match(head.removeprefix(b"\xef\xbb\xbf"))
    if declaration is not None and declaration.group(1).lower() not in (b"utf-8", b"utf8"):
        return False
    return _DEFAULT_NS.search(root.group(1)) is not None


_CHUNK = 1 << 20
_DECLARATION = re.compile(rb'\s*<\?xml[^>]*?encoding=["\']([^"\']+)["\']')
_ROOT = re.compile(rb"<worksheet\b([^>]*)>")
_XMLNS = re.compile(rb'xmlns(?::[\w.-]+)?="[^"]*"')
_DEFAULT_NS = re.compile(rb'(?:^|\s)xmlns="' + re.escape(MAIN[1:-1].encode()) + rb'"')
_ROW = re.compile(rb"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
_ROW_NUMBER = re.compile(rb'^\s+r="(\d+)"')
# A cell as Excel and openpyxl write it: attributes r, s, t in that order, a value, or an inline string, and an
# optional formula without text that needs unescaping (rows with '&' or a carriage return are parsed instead).
_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})[0-9]+"(?: s="([0-9]+)")?(?: t="([A-Za-z]+)")?'
    rb"(?:/>|>(?:<f>[^<]*</f>|<f\b[^<>]*/>|<f\b[^<>]*>[^<]*</f>)?(?:<v>([^<]*)</v>|<v/>)?</c>"
    rb'|><is><t(?: xml:space="preserve")?>([^<]*)</t></is></c>)'
)
_COLUMNS_BYTES: dict[bytes, int] = {}
_TEXT_KINDS = frozenset([b"str", b"e", b"d"])


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
