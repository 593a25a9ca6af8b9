"""A streaming XLSX reader for big exports: the sheet XML parsed with ElementTree.iterparse straight from the zip,
shared strings kept in a list, date cells recognised from their style's number format. Cells come out as Python
values (str, int, float, bool, datetime, None), like openpyxl's read-only mode, several times faster."""

from __future__ import annotations

import queue
import re
import threading
import zipfile
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import IO
from xml.etree import ElementTree as ET

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from portal.ingest.normalise import excel_serial_text

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
        read_row = _RowReader(self.shared, self.date_styles, namespaces)
        number = 0
        for text in _whole_rows(fh, buffer):
            for attrs, content in _split_rows(text):
                number, row = read_row(attrs, content, number)
                if max_row is not None and number > max_row:
                    return
                if number >= min_row:
                    yield number, row

    def text_chunks(
        self, sheet: str, min_row: int, width: int, date_columns: frozenset[int] = frozenset(), workers: int = 1
    ) -> Iterator[TextChunk]:
        """The sheet's rows from `min_row` on as `width` text columns (`row_texts` of each row of `rows`), blank
        rows counted and left out, about one 1 MB piece of sheet XML at a time.

        Rows in the forms `rows` cuts with regular expressions are cut into cells by Arrow (RE2) and turned into
        text a column of cells at a time (shared strings taken by index, integers of up to 15 digits and
        date-styled day numbers converted without a Python step per cell); every other cell goes through the
        per-cell rules of `rows` (`_item`), and every other row through `rows`' own path for that row. With
        `workers` > 1, that many threads cut pieces at once (Arrow's kernels release the GIL); same chunks, same
        order."""
        with self.zip.open(self.sheets[sheet]) as fh:
            head = fh.read(_CHUNK)
            root = _ROOT.search(head)
            if root is None or not _plain(head, root):
                rows = self.rows_parsed(sheet, min_row)
                while block := list(islice(rows, 2_000)):
                    yield _rows_chunk(block, width, date_columns)
                return
            namespaces = b" ".join(_XMLNS.findall(root.group(1)))
            columns = _ColumnReader(_RowReader(self.shared, self.date_styles, namespaces), width, date_columns)
            yield from columns.read(_whole_rows(fh, head), min_row, workers)

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


def read_ahead(items: Iterator[TextChunk], depth: int = 2) -> Iterator[TextChunk]:
    """`items`, made by a thread at most `depth` items ahead of the consumer: zlib and Arrow's kernels release the
    GIL, so reading the next rows overlaps what the consumer does with the last ones. Same items, same order; an
    exception in the thread is raised here, where the item would have come."""
    handoff: queue.Queue[tuple[TextChunk | None, BaseException | None]] = queue.Queue(depth)
    stop = threading.Event()

    def put(entry: tuple[TextChunk | None, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                handoff.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
            put((None, None))
        except BaseException as exc:  # handed to the consumer, which raises it
            put((None, exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name="xlsx-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item, error = handoff.get()
            if error is not None:
                raise error
            if item is None:
                return
            yield item
    finally:
        stop.set()
        thread.join()


def _whole_rows(fh: IO[bytes], buffer: bytes) -> Iterator[bytes]:
    """The sheet XML from `fh` (after `buffer`, already read) in pieces of about `_CHUNK` bytes that hold whole
    rows: each cut where the last row that starts in it starts. A sheet that ends before `</worksheet>` raises
    ValueError when its end is reached (ElementTree would stop there too)."""
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
            if not text.rstrip().endswith(b"</worksheet>"):
                raise ValueError("the sheet XML ends before </worksheet>")
        yield text
        if not chunk:
            return


class _RowReader:
    """The values of one row element, as `Workbook.rows` gives them: cut with `_CELL` when every cell of the row
    is in that form, else the row parsed with ElementTree."""

    def __init__(self, shared: list[str], dates: frozenset[int], namespaces: bytes) -> None:
        self.shared = shared
        self.dates = dates
        self.namespaces = namespaces
        self.date_style: dict[bytes, bool] = {}

    def __call__(self, attrs: bytes, content: bytes | None, number: int) -> tuple[int, list[object]]:
        """(row number, values) of the row with these attributes and content (None: self-closing); `number` is
        the previous row's, for a row without one."""
        shared, dates, date_style, columns = self.shared, self.dates, self.date_style, _COLUMNS_BYTES
        found = _ROW_NUMBER.match(attrs)
        if found is not None and content is not None:
            cells = _CELL.findall(content)
            fast = (
                len(cells) == content.count(b"<c")
                and b"&" not in content
                and b"\r" not in content
                and b"<!" not in content
            )
        else:
            cells, fast = [], content is None and found is not None and b"&" not in attrs
        if not fast:
            element = ET.fromstring(b"<row " + self.namespaces + b" " + attrs + b">" + (content or b"") + b"</row>")
            return int(element.get("r", number + 1)), _row_parsed(element, shared, dates)
        row: list[object] = []
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
        return int(found.group(1)), row  # type: ignore[union-attr]

    def item(self, kind: bytes, style: bytes, value: bytes, inline: bytes) -> object:
        """One cell's value from the parts `_CELL` cuts out, by the rules of `__call__`."""
        if kind == b"inlineStr":
            return inline.decode()
        if not value:
            return None
        if kind == b"s":
            return self.shared[int(value)]
        if kind in _TEXT_KINDS:
            return value.decode()
        if kind == b"b":
            return value.strip() == b"1"
        number: float = float(value) if (b"." in value or b"E" in value or b"e" in value) else int(value)
        if (int(style) if style else 0) in self.dates and 0 < number < 2_958_466:
            return EPOCH + timedelta(days=float(number))
        return number


@dataclass
class TextChunk:
    """Rows of a sheet as text columns (what `reading` makes a batch of): their row numbers, one string array per
    column, and how many blank rows were left out."""

    lines: list[int]
    columns: list[pa.Array]
    blank: int


def row_texts(row: list[object], width: int, date_columns: frozenset[int]) -> list[str]:
    """A row's values as `width` texts (`reading.cell_text`); a number in a date column is an Excel serial."""
    from portal.ingest.reading import cell_text

    cells = [v if type(v) is str else "" if v is None else cell_text(v) for v in row[:width]]
    for i in date_columns:
        if i < len(row) and isinstance(row[i], int | float) and not isinstance(row[i], bool):
            cells[i] = excel_serial_text(row[i])  # type: ignore[arg-type]
    cells.extend([""] * (width - len(cells)))
    return cells


def _rows_chunk(rows: list[tuple[int, list[object]]], width: int, date_columns: frozenset[int]) -> TextChunk:
    """`rows` as a TextChunk, blank rows counted and left out."""
    lines, texts, blank = [], [], 0
    for line, row in rows:
        cells = row_texts(row, width, date_columns)
        if "".join(cells).strip():
            lines.append(line)
            texts.append(cells)
        else:
            blank += 1
    columns = list(zip(*texts, strict=True)) if texts else [()] * width
    return TextChunk(lines, [pa.array(c, type=pa.string()) for c in columns], blank)


class _ColumnReader:
    """Pieces of sheet XML holding whole rows → TextChunks. The rows in `_CELL`'s forms are cut into cells by
    Arrow and converted a column of cells at a time; any other row goes through `_RowReader`."""

    def __init__(self, rows: _RowReader, width: int, date_columns: frozenset[int]) -> None:
        self.rows = rows
        self.width = width
        self.date_columns = date_columns
        self.date_indexes = np.array(sorted(date_columns), dtype=np.int64)
        self.shared = pa.array(rows.shared, pa.string())

    def read(self, texts: Iterator[bytes], min_row: int, workers: int) -> Iterator[TextChunk]:
        """The TextChunks of pieces of sheet XML, in order; with `workers` threads cutting pieces ahead (a piece
        that needs the row number before it, for a row without one, waits for the pieces before)."""
        number = 0
        if workers <= 1:
            for text in texts:
                chunk, number = self.chunk(text, min_row, number)  # type: ignore[misc]
                yield chunk
            return
        pending: deque[tuple[bytes, Future]] = deque()
        with ThreadPoolExecutor(workers, thread_name_prefix="xlsx-cells") as pool:
            try:
                try:
                    for text in texts:
                        pending.append((text, pool.submit(self.chunk, text, min_row, None)))
                        if len(pending) > workers:
                            number = yield from self._settle(*pending.popleft(), min_row, number)
                except Exception:  # a damaged sheet: the pieces before the damage first, as one by one
                    while pending:
                        number = yield from self._settle(*pending.popleft(), min_row, number)
                    raise
                while pending:
                    number = yield from self._settle(*pending.popleft(), min_row, number)
            finally:
                for _text, future in pending:
                    future.cancel()

    def _settle(self, text: bytes, future: Future, min_row: int, number: int) -> Generator[TextChunk, None, int]:
        done = future.result()
        chunk, number = done if done is not None else self.chunk(text, min_row, number)
        yield chunk
        return number

    def chunk(self, text: bytes, min_row: int, number: int | None) -> tuple[TextChunk, int] | None:
        """(the rows of `text` from `min_row` on in the order of the file, the last row's number), `number` being
        the one before; None when `number` is None (not known yet) and a row of `text` might need it."""
        start, end = text.find(b"<row"), text.rfind(b"</row>")
        cut = None
        if 0 <= start < end and b"&" not in text and b"\r" not in text and (b"!" not in text or b"<!" not in text):
            cut = self._cut_rows(text[start : end + 6], min_row)
        if cut is None and number is None:
            return None
        slow: list[tuple[int, int, list[object]]] = []  # (place among the rows kept, row number, values)
        if cut is not None:
            contents, lines, number = cut
            at = np.arange(len(lines))
            opening = _ROW_TAG
            for _attrs, content in _split_rows(text[end + 6 :]):  # self-closing rows after the last whole one
                number, row = self.rows(_attrs, content, number)
                if number >= min_row:
                    slow.append((len(lines) + len(slow), number, row))

            def parts(k: int) -> tuple[bytes, bytes]:
                element = contents[k].as_py().lstrip()
                close = element.index(">")
                return element[4:close].encode(), element[close + 1 :].encode()

        else:
            contents, lines, at, parts, number = self._split_rows(text, min_row, number, slow)  # type: ignore[assignment,arg-type]
            opening = _SPACE_ONLY
        irregular, kept, columns = self._columns(contents, opening)
        for k in np.flatnonzero(irregular):
            slow.append((at[k], *self.rows(*parts(k), 0)))
        blank = len(contents) - int(irregular.sum()) - int(kept.sum())
        places = np.asarray(at, dtype=np.int64)[kept]
        lines = np.asarray(lines, dtype=np.int64)[kept].tolist()
        if not slow:
            return TextChunk(lines, columns, blank), number
        texts, slow_places = [], []
        for place, line, row in slow:
            cells = row_texts(row, self.width, self.date_columns)
            if "".join(cells).strip():
                texts.append(cells)
                slow_places.append(place)
                lines.append(line)
            else:
                blank += 1
        if texts:
            order = pa.array(np.argsort(np.concatenate([places, slow_places]), kind="stable"))
            extra = [pa.array(c, pa.string()) for c in zip(*texts, strict=True)]
            columns = [pa.concat_arrays([a, b]).take(order) for a, b in zip(columns, extra, strict=True)]
            lines = [lines[k] for k in order.to_numpy()]
        return TextChunk(lines, columns, blank), number

    def _cut_rows(self, rows: bytes, min_row: int) -> tuple[pa.Array, list[int], int] | None:
        """(row elements less their '</row>', row numbers, the last one's) of the rows from `min_row` on in
        `rows` (whole row
        elements, from the first '<row' to the last '</row>'), cut by Arrow; None unless every one starts
        `<row r="N" ...>` (a row inside another one's content makes that row irregular in `_columns`)."""
        pieces = pc.list_flatten(pc.split_pattern(pa.array([rows], pa.string()), "</row>"))
        pieces = pieces.slice(0, len(pieces) - 1)  # after the last '</row>': nothing
        found = pc.extract_regex(pieces, _ROW_START)
        if found.null_count or len(found) == 0:
            return None
        lines = pc.cast(found.field("n"), pa.int64()).to_numpy()
        last = int(lines[-1])
        if lines.min() < min_row:
            pieces, lines = pieces.filter(pa.array(lines >= min_row)), lines[lines >= min_row]
        return pieces, lines.tolist(), last

    def _split_rows(
        self, text: bytes, min_row: int, number: int, slow: list[tuple[int, int, list[object]]]
    ) -> tuple[pa.Array, list[int], list[int], Callable[[int], tuple[bytes, bytes]], int]:
        """`_cut_rows` for any text, in Python: the rows in `_CELL`'s forms (contents, row numbers, places among
        the rows kept, each one's attributes and content); the others read by `_RowReader` into `slow`."""
        clean = b"&" not in text and b"\r" not in text and b"<!" not in text
        contents: list[bytes] = []
        attributes: list[bytes] = []
        lines: list[int] = []
        at: list[int] = []
        for attrs, content in _split_rows(text):
            found = _ROW_NUMBER.match(attrs)
            if (
                found is not None
                and content is not None
                and (clean or (b"&" not in content and b"\r" not in content and b"<!" not in content))
            ):
                number = int(found.group(1))
                if number >= min_row:
                    at.append(len(at) + len(slow))
                    contents.append(content)
                    attributes.append(attrs)
                    lines.append(number)
            else:
                number, row = self.rows(attrs, content, number)
                if number >= min_row:
                    slow.append((len(at) + len(slow), number, row))
        return pa.array(contents, pa.string()), lines, at, lambda k: (attributes[k], contents[k]), number

    def _columns(self, contents: pa.Array, opening: str) -> tuple[np.ndarray, np.ndarray, list[pa.Array]]:
        """(rows not in `_CELL_FORM`'s forms, rows kept (the others less the blank ones), a string array per
        column of the kept rows) for row elements (or their contents) whose text before the first cell matches
        `opening` whole."""
        n, width = len(contents), self.width
        if n == 0:
            return np.zeros(0, bool), np.zeros(0, bool), [pa.array([], pa.string())] * width
        pieces = pc.split_pattern(contents, "<c ")
        counts = pc.list_value_length(pieces).to_numpy()
        flat = pc.list_flatten(pieces)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        first = np.zeros(len(flat), bool)
        first[starts] = True
        irregular = ~_matches(flat, opening, first)[starts]
        row_of = np.repeat(np.arange(n), counts - 1)
        cells = flat.filter(pa.array(~first))
        valid = pc.match_substring_regex(cells, _CELL_FORM).to_numpy(zero_copy_only=False)
        irregular[row_of[~valid]] = True
        if irregular.any():
            keep = ~irregular[row_of]
            cells, row_of = cells.filter(pa.array(keep)), row_of[keep]
        # r="A2" s="1" t="n"><v>21180</v></c>: the reference, the other attributes, the content
        parts = pc.list_flatten(pc.split_pattern(cells, ">", max_splits=1))  # two parts each: the form has a '>'
        head = parts.take(pa.array(np.arange(0, len(parts), 2)))
        body = parts.take(pa.array(np.arange(1, len(parts), 2)))
        attributes = pc.utf8_ltrim(head, characters=_REFERENCE_CHARACTERS)
        after = pc.binary_slice(head.cast(pa.binary()), 3, 6).cast(pa.string())  # ASCII: the form says so
        letters = pc.dictionary_encode(pc.ascii_rtrim(after, characters='0123456789"'))
        column = _lookup([_column_index(x) for x in letters.dictionary.to_pylist()], letters.indices, np.int64)
        later = row_of[1:] == row_of[:-1]
        disorder = later & (column[1:] <= column[:-1])  # out of order or repeated
        if disorder.any():
            irregular[row_of[1:][disorder]] = True
            keep = ~irregular[row_of]
            row_of, column = row_of[keep], column[keep]
            attributes, body = attributes.filter(pa.array(keep)), body.filter(pa.array(keep))
        texts = self._texts(attributes, body, column)
        inside = column < width
        # A text is blank when all its characters are whitespace: only one that starts with a whitespace byte (or
        # the first byte of one) is looked at whole.
        maybe = pc.is_in(pc.binary_slice(texts.cast(pa.binary()), 0, 1), value_set=_SPACE_STARTS)
        maybe = maybe.to_numpy(zero_copy_only=False)
        filled = (~maybe | _matches(texts, _FILLED, maybe & inside)) & inside
        kept = (np.bincount(row_of[filled], minlength=n) > 0) & ~irregular
        rows = int(kept.sum())
        place = np.cumsum(kept) - 1
        use = inside & kept[row_of]
        where = np.full(rows * width, -1, np.int64)
        where[column[use] * rows + place[row_of[use]]] = np.flatnonzero(use)
        dense = texts.take(pa.array(where, mask=where < 0)).fill_null("")
        return irregular, kept, [dense.slice(c * rows, rows) for c in range(width)]

    def _texts(self, attributes: pa.Array, body: pa.Array, column: np.ndarray) -> pa.Array:
        """Each cell's text, as `row_texts` gives it, from its attributes after the reference and its content."""
        heads = pc.dictionary_encode(attributes)
        forms = [_HEAD.fullmatch(h) for h in heads.dictionary.to_pylist()]
        styles = [(f.group(1) or "") if f else "" for f in forms]
        kinds = [(f.group(2) or "") if f else "" for f in forms]
        code = _lookup([_KIND_CODES.get(k, 4) for k in kinds], heads.indices, np.int8)
        dated = _lookup([(int(s) if s else 0) in self.rows.dates for s in styles], heads.indices, bool)
        raw = body.cast(pa.binary())
        value = pc.if_else(pc.starts_with(raw, b"<v>"), pc.binary_slice(raw, 3, -8), b"")
        inline = pc.if_else(
            pc.starts_with(raw, b"<is><t>"),
            pc.binary_slice(raw, 7, -13),
            pc.if_else(pc.starts_with(raw, b"<is><t "), pc.binary_slice(raw, 28, -13), b""),
        )
        value, inline = value.cast(pa.string()), inline.cast(pa.string())
        empty = pc.equal(pc.binary_length(value), 0).to_numpy(zero_copy_only=False)
        inline_cell = code == 0
        texts = pc.if_else(pa.array(inline_cell), inline, value)
        number = (code == 4) & ~empty
        in_date_column = np.isin(column, self.date_indexes)
        plain_int = _matches(value, _PLAIN_INT, number & ~dated & ~in_date_column)
        day = _matches(value, _DAY, number & dated)
        shared_at = _matches(value, _INDEX, (code == 1) & ~empty)
        boolean = _matches(value, _BIT, (code == 3) & ~empty)
        done = inline_cell | empty | (code == 2) | boolean | plain_int
        replaced: list[pa.Array] = []
        places: list[np.ndarray] = []
        if shared_at.any():
            at = np.flatnonzero(shared_at)
            index = pc.cast(value.take(pa.array(at)), pa.int64()).to_numpy()
            ok = index < len(self.shared)
            replaced.append(self.shared.take(pa.array(index[ok])))
            places.append(at[ok])
            done[at[ok]] = True
        if day.any():
            at = np.flatnonzero(day)
            serial = pc.cast(value.take(pa.array(at)), pa.int64()).to_numpy()
            ok = serial < 2_958_466
            days = pa.array((serial[ok] - _UNIX_DAY).astype(np.int32)).cast(pa.date32())
            replaced.append(days.cast(pa.string()))
            places.append(at[ok])
            done[at[ok]] = True
        rest = np.flatnonzero(~done)
        if len(rest):
            replaced.append(self._slow_texts(rest, heads.indices, styles, kinds, value, inline, column))
            places.append(rest)
        if not replaced:
            return texts
        at = np.concatenate(places)
        mask = np.zeros(len(code), bool)
        mask[at] = True
        ordered = pa.concat_arrays(replaced).take(pa.array(np.argsort(at, kind="stable")))
        return pc.replace_with_mask(texts, pa.array(mask), ordered)

    def _slow_texts(
        self,
        at: np.ndarray,
        heads: pa.Array,
        styles: list[str],
        kinds: list[str],
        value: pa.Array,
        inline: pa.Array,
        column: np.ndarray,
    ) -> pa.Array:
        """The texts of the cells at `at` by the per-cell rules of `Workbook.rows` (`_RowReader.item`)."""
        picked = pa.array(at)
        head = heads.take(picked).to_pylist()
        values, inlines = value.take(picked).to_pylist(), inline.take(picked).to_pylist()
        item, dates, out = self.rows.item, self.date_columns, []
        for h, v, i, c in zip(head, values, inlines, column[at].tolist(), strict=True):
            cell = item(kinds[h].encode(), styles[h].encode(), v.encode(), i.encode())
            out.append(row_texts([cell], 1, _FIRST if c in dates else _NONE)[0])
        return pa.array(out, pa.string())


def _lookup(per_unique: list, indices: pa.Array, dtype: type) -> np.ndarray:
    """A dictionary-encoded column's per-value figures, per row."""
    table = np.array(per_unique, dtype)
    return table[indices.to_numpy()] if len(table) else np.zeros(len(indices), dtype)


def _matches(values: pa.Array, pattern: str, among: np.ndarray) -> np.ndarray:
    """Which of `values` (only those `among`, the others False) hold a match of the RE2 `pattern`."""
    out = np.zeros(len(values), bool)
    at = np.flatnonzero(among)
    if len(at):
        found = pc.match_substring_regex(values.take(pa.array(at)), pattern).to_numpy(zero_copy_only=False)
        out[at[found]] = True
    return out


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
# The cells cut by Arrow (the text after '<c '), whole: `_CELL`'s forms less formulas and spaces between cells.
_CELL_FORM = (
    r'^r="[A-Z]{1,3}[0-9]+"(?: s="[0-9]+")?(?: t="[A-Za-z]+")?(?:/>|></c>|><v>[^<]*</v></c>|><v/></c>'
    r'|><is><t>[^<]*</t></is></c>|><is><t xml:space="preserve">[^<]*</t></is></c>)$'
)
_REFERENCE_CHARACTERS = 'r="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'  # r="A2" before ' s="1" t="n"'
_ROW_START = r'^[ \t\n]*<row r="(?P<n>[0-9]{1,9})"[^<>/]*>'
_ROW_TAG = r'^[ \t\n]*<row r="[0-9]{1,9}"[^<>/]*>[ \t\n]*$'
_HEAD = re.compile(r'(?: s="([0-9]+)")?(?: t="([A-Za-z]+)")?/?')
_FIRST, _NONE = frozenset([0]), frozenset[int]()
_SPACE_ONLY = r"^[ \t\n]*$"
# Python's whitespace (str.isspace), for the blank-row rule `not "".join(cells).strip()`.
_SPACES = [chr(c) for c in range(0x3001) if chr(c).isspace()]
_FILLED = "[^" + "".join(f"\\x{{{ord(c):x}}}" for c in _SPACES) + "]"
_SPACE_STARTS = pa.array(sorted({b"", *(c.encode()[:1] for c in _SPACES)}), pa.binary())
_PLAIN_INT = r"^(?:0|-?[1-9][0-9]{0,14})$"  # an int whose text is itself (under 10^15, no leading zero, not -0)
_DAY = r"^[1-9][0-9]{0,6}$"  # a whole day number: a date-styled one is a date at midnight when under 2,958,466
_INDEX = r"^[0-9]{1,9}$"
_BIT = r"^[01]$"
_KIND_CODES = {"inlineStr": 0, "s": 1, "str": 2, "e": 2, "d": 2, "b": 3}
_UNIX_DAY = 25_569  # 1970-01-01 as a day number since 1899-12-30
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
