"""Reading export files in batches: CSV (comma, semicolon, tab or pipe; UTF-8 with or without BOM, UTF-16 with a
BOM, Windows-1252/Latin-1), gzip-compressed CSV and XLSX (every sheet with a recognisable header row).

Nothing here interprets values beyond turning cells into text. A record that cannot be read as a row (wrong
number of fields, an unterminated quote) is passed on as broken, so it is counted and rejected, never dropped.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import io
import re
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from portal.ingest.columns import COLUMNS
from portal.ingest.headers import HeaderMap, HeaderMatch, is_header, match_header
from portal.ingest.normalise import excel_serial_text

BATCH_ROWS = 20_000
XLSX_COLUMNS = True  # XLSX rows read a column of cells at a time (Workbook.text_chunks); False: row by row
XLSX_AHEAD = True  # ...by a thread, while the batch before is checked (xlsx.read_ahead)
XLSX_WORKERS = 2  # ...with this many threads cutting pieces of sheet XML into cells (both cores)
READ_BLOCK = 4 << 20  # bytes per CSV block: also the longest line accepted
HEADER_SCAN_ROWS = 30
SAMPLE_BYTES = 1 << 20
DELIMITERS = (",", ";", "\t", "|")
MAX_RAW = 2_000
_FALLBACK_ERRORS = "portal-ingest-latin1"
# A summary or footer row starts with one of these words (a total, or a note under the table).
SUMMARY_LABEL = (
    r"^\s*(SUB\s*-?\s*TOTAL|GRAND\s*TOTAL|TOTAL|JUMLAH|REKAP(ITULASI)?|DICETAK|TANGGAL\s+CETAK|DIUNDUH|DIEKSPOR"
    r"|SUMBER\s*(DATA)?\s*:|CATATAN|KETERANGAN\s*:|HALAMAN|PAGE)\b"
)
_SUMMARY_LABEL = re.compile(SUMMARY_LABEL, re.IGNORECASE)
_LONG_NUMBER = re.compile(r"[0-9]{12}")
_counter = threading.local()


class ReadError(Exception):
    """A file cannot be read at all (or stops being readable): one English sentence, and `pesan`, the same for a
    page in Bahasa Indonesia."""

    def __init__(self, message: str, pesan: str = "Berkas tidak dapat dibaca sebagai CSV atau XLSX.") -> None:
        super().__init__(message)
        self.pesan = pesan


NO_HEADER_ID = (
    f"Baris judul kolom tidak ditemukan dalam {30} baris pertama (contoh judul kolom: NIK, NO_KK, NAMA, TANGGAL_LAHIR)."
)
DAMAGED_ID = "Berkas rusak atau terpotong, sehingga tidak dapat dibaca sampai selesai."


def _latin1_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Decode bytes that are not valid in the detected encoding as Latin-1, and count them."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _counter.bytes = getattr(_counter, "bytes", 0) + (exc.end - exc.start)
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


codecs.register_error(_FALLBACK_ERRORS, _latin1_fallback)


@dataclass
class Batch:
    """Rows of one table: one text column per header cell, the row number of each row in its file, and the
    records that could not be read as rows."""

    columns: list[pa.Array]
    lines: list[int]
    broken: list[tuple[int, str, str]]  # (row number, raw text, what was wrong)
    fraction: float | None  # of the file read so far, when it can be known


@dataclass
class Table:
    """One header row and the rows below it: a CSV file or one XLSX sheet."""

    source: str
    header: list[str]
    header_line: int
    match: HeaderMatch
    details: dict[str, object]
    batches: Callable[[], Iterator[Batch]]
    stats: dict[str, int] = field(default_factory=lambda: {"blank": 0})
    done: Callable[[], None] = lambda: None  # called when the last batch has been read


def sniff_kind(path: Path) -> str:
    """'csv', 'gzip' or 'xlsx' from the file's first bytes (never from its name)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise ReadError(f"cannot open {path.name}: {exc.strerror or exc}") from None
    if not head:
        raise ReadError(f"{path.name} is empty", "Berkas kosong.")
    if head[:2] == b"\x1f\x8b":
        return "gzip"
    if head[:4] == b"PK\x03\x04":
        return "xlsx"
    if head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ReadError(
            f"{path.name} is an old Excel 97-2003 (.xls) workbook: save it as .xlsx or CSV",
            "Format .xls (Excel 97-2003) tidak didukung; simpan sebagai .xlsx atau CSV.",
        )
    return "csv"


def open_tables(path: Path, header_map: HeaderMap, name: str | None = None) -> list[Table]:
    """The tables of a file, each with its header row found; raises ReadError when there is none."""
    name = name or path.name
    kind = sniff_kind(path)
    if kind == "xlsx":
        return _xlsx_tables(path, name, header_map)
    return [_csv_table(path, name, kind == "gzip", header_map)]


# --- CSV -------------------------------------------------------------------------------------------------


def _open_binary(path: Path, compressed: bool) -> IO[bytes]:
    return gzip.open(path, "rb") if compressed else path.open("rb")  # type: ignore[return-value]


_DAMAGED = (OSError, EOFError, zlib.error, gzip.BadGzipFile)


def detect_encoding(sample: bytes) -> str:
    """The encoding of a text sample: a BOM decides, else UTF-8 if it decodes, else Windows-1252."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(sample) - 3:
            return "utf-8"  # the sample cut a character in two
        return "cp1252"
    return "utf-8"


def _text(binary: IO[bytes], encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(binary, encoding=encoding, errors=_FALLBACK_ERRORS, newline="")


def _csv_table(path: Path, name: str, compressed: bool, header_map: HeaderMap) -> Table:
    try:
        with _open_binary(path, compressed) as fh:
            sample = fh.read(SAMPLE_BYTES)
    except _DAMAGED as exc:
        raise ReadError(f"cannot read {name}: the compressed data is damaged ({exc})", DAMAGED_ID) from None
    if not sample.strip():
        raise ReadError(f"{name} holds no data", "Berkas tidak berisi data.")
    encoding = detect_encoding(sample)
    text = sample.decode(encoding, errors=_FALLBACK_ERRORS)
    if len(sample) == SAMPLE_BYTES and "\n" in text:
        text = text[: text.rfind("\n") + 1]  # the last line of a sample may be cut
    best: tuple[int, int, str, HeaderMatch, list[str]] | None = None  # (score, -row index, delimiter, ...)
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for index in range(HEADER_SCAN_ROWS):
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error:
                continue
            match = match_header(record, header_map)
            if is_header(match) and (best is None or (match.score, -index) > (best[0], best[1])):
                best = (match.score, -index, delimiter, match, record)
    if best is None:
        raise ReadError(
            f"no header row found in the first {HEADER_SCAN_ROWS} rows of {name} "
            "(expected column names such as NIK, NO_KK, NAMA, TANGGAL_LAHIR; see docs/INGEST.md)",
            NO_HEADER_ID,
        )
    _score, neg_index, delimiter, match, header = best
    table = Table(
        source=name,
        header=header,
        header_line=1 - neg_index,
        match=match,
        details={"format": "csv.gz" if compressed else "csv", "encoding": encoding, "delimiter": delimiter},
        batches=lambda: iter(()),
    )

    def batches() -> Iterator[Batch]:
        yield from _csv_batches(path, compressed, encoding, delimiter, table)

    table.batches = batches
    return table


class _Utf8Stream(io.RawIOBase):
    """Text decoded with the detected encoding (bad bytes read as Latin-1), handed on as UTF-8 bytes."""

    def __init__(self, text: io.TextIOWrapper) -> None:
        self.text = text
        self.pending = bytearray()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while len(self.pending) < len(buffer):
            chunk = self.text.read(1 << 20)
            if not chunk:
                break
            self.pending += chunk.encode("utf-8", errors="surrogatepass")
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        del self.pending[:n]
        return n


def _csv_batches(path: Path, compressed: bool, encoding: str, delimiter: str, table: Table) -> Iterator[Batch]:
    """Rows below the header, in batches (Arrow's streaming CSV reader); a row with the wrong number of fields
    becomes a broken row, unless its surplus fields are all empty (a trailing delimiter)."""
    _counter.bytes = 0
    width = len(table.header)
    names = [f"c{i}" for i in range(width)]
    invalid: list[tuple[int, str, int]] = []  # (row number, text, fields)

    def on_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append((row.number or 0, row.text or "", row.actual_columns))
        return "skip"

    raw = path.open("rb")
    binary: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb") if compressed else raw  # type: ignore[assignment]
    stream = _Utf8Stream(_text(binary, encoding))
    size = path.stat().st_size
    next_number = table.header_line + 1
    try:
        reader = pacsv.open_csv(
            stream,
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=table.header_line, use_threads=False, block_size=READ_BLOCK
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, invalid_row_handler=on_invalid, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        while True:
            try:
                record_batch = reader.read_next_batch()
            except StopIteration:
                break
            batch, next_number = _number_rows(record_batch, invalid, next_number, delimiter, width, table)
            batch.fraction = min(raw.tell() / size, 1.0) if size else None
            yield batch
        if invalid:  # broken rows after the last batch
            batch, next_number = _number_rows(None, invalid, next_number, delimiter, width, table)
            yield batch
        table.stats["replaced_bytes"] = getattr(_counter, "bytes", 0)
    except pa.ArrowInvalid as exc:
        if "straddl" in str(exc):  # Arrow found no line end within one block: a row longer than READ_BLOCK
            raise ReadError(
                f"{table.source}: line {next_number} is longer than {READ_BLOCK >> 20} MB, the most a row may hold: "
                "the file is probably not a CSV export (or a quote mark is never closed)"
            ) from None
        raise ReadError(f"{table.source} cannot be read as CSV after row {next_number - 1}: {exc}"[:300]) from None
    except _DAMAGED as exc:
        raise ReadError(f"{table.source} is damaged after row {next_number - 1}: {exc}", DAMAGED_ID) from None
    finally:
        raw.close()


def _number_rows(
    record_batch: pa.RecordBatch | None,
    invalid: list[tuple[int, str, int]],
    next_number: int,
    delimiter: str,
    width: int,
    table: Table,
) -> tuple[Batch, int]:
    """Give each row of a batch its row number in the file (skipping the invalid rows seen so far), turn invalid
    rows into broken rows or rescued rows, and drop blank rows."""
    count = 0 if record_batch is None else record_batch.num_rows
    skipped = sorted(invalid)
    invalid.clear()
    # The batch's rows take the numbers from next_number on, stepping over the invalid rows met on the way.
    k = produced = 0
    start = next_number
    while k < len(skipped):
        gap = skipped[k][0] - next_number  # numbers left before the next invalid row
        if gap < 0 or produced + gap >= count:
            break
        produced += gap
        next_number = skipped[k][0] + 1
        k += 1
    next_number += count - produced
    numbers_np = np.arange(start, next_number, dtype=np.int64)
    if k:
        numbers_np = np.setdiff1d(numbers_np, [number for number, _text, _fields in skipped[:k]], assume_unique=True)
    numbers = numbers_np.tolist()
    leftover = skipped[k:]
    if record_batch is None:
        leftover, skipped = [], skipped
    else:
        skipped = skipped[:k]
        invalid.extend(leftover)  # rows of a later batch
    columns = [] if record_batch is None else list(record_batch.columns)
    broken: list[tuple[int, str, str]] = []
    rescued: list[tuple[int, list[str]]] = []
    for number, text, fields in skipped:
        try:
            cells = next(csv.reader([text], delimiter=delimiter), [])
        except csv.Error:  # a field over the csv module's limit (128 KB): no export row holds one
            cells = [text]
        if fields > width and not "".join(cells[width:]).strip():
            rescued.append((number, cells[:width]))
        elif not text.strip(delimiter + " \t\r"):
            table.stats["blank"] += 1
        elif _is_footer(cells):
            table.stats["summary"] = table.stats.get("summary", 0) + 1
        else:
            broken.append((number, text[:MAX_RAW], f"{fields} fields where the header has {width}"))
        next_number = max(next_number, number + 1)
    if rescued:
        extra = [pa.array([r[1][i] if i < len(r[1]) else "" for r in rescued], pa.string()) for i in range(width)]
        merged = sorted(range(count + len(rescued)), key=lambda j: numbers[j] if j < count else rescued[j - count][0])
        order = pa.array(merged, type=pa.int64())
        columns = [
            pa.concat_arrays([c.combine_chunks() if hasattr(c, "combine_chunks") else c, e]).take(order)
            for c, e in zip(columns or [pa.array([], pa.string())] * width, extra, strict=True)
        ]
        numbers = [numbers[j] if j < count else rescued[j - count][0] for j in merged]
    if numbers:
        blank = _blank_rows(columns, len(numbers))
        if blank.any():
            table.stats["blank"] += int(blank.sum())
            keep = pa.array(np.flatnonzero(~blank), type=pa.int64())
            columns = [c.take(keep) for c in columns]
            numbers = np.asarray(numbers, dtype=np.int64)[~blank].tolist()
    return Batch(columns, numbers, sorted(broken), None), next_number


def _blank_rows(columns: list[pa.Array], n: int) -> np.ndarray:
    """Rows whose every cell is empty or white space. A column settles the rows where it holds text, so each
    next column is looked at only in the rows still open (in an export: none after the first column or two)."""
    open_rows = np.arange(n)
    for column in columns:
        if open_rows.size == 0:
            break
        part = column if open_rows.size == n else column.take(pa.array(open_rows, type=pa.int64()))
        filled = pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(part)), 0).to_numpy(zero_copy_only=False)
        open_rows = open_rows[~filled]
    blank = np.zeros(n, dtype=bool)
    blank[open_rows] = True
    return blank


def _is_footer(cells: list[str]) -> bool:
    """A short record that is a total or a note under the table ('JUMLAH;87', 'Dicetak oleh: ...'), not a person:
    its first non-empty cell starts with a summary word and no cell holds a NIK-like run of digits."""
    filled = [c for c in cells if c.strip()]
    return bool(filled) and bool(_SUMMARY_LABEL.match(filled[0])) and not any(_LONG_NUMBER.search(c) for c in filled)


# --- XLSX ------------------------------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A cell as text. Numbers of 15 digits or more are written in scientific notation with exactly the
    significant digits the cell holds, so the digits a NIK lost to Excel stay visible (docs/INGEST.md)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return _number_text(value)
    return str(value)


def _number_text(value: float) -> str:
    if isinstance(value, float) and value != value:  # NaN
        return ""
    if abs(value) < 1e15:
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return repr(value) if isinstance(value, float) else str(value)
    try:
        number = Decimal(repr(value) if isinstance(value, float) else str(value)).normalize()
    except (InvalidOperation, ValueError):
        return str(value)
    sign, digits, exponent = number.as_tuple()
    if not isinstance(exponent, int):
        return str(value)
    text = "".join(map(str, digits))
    mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
    return f"{'-' if sign else ''}{mantissa}E+{len(text) - 1 + exponent}"


def _xlsx_tables(path: Path, name: str, header_map: HeaderMap) -> list[Table]:
    from portal.ingest.xlsx import Workbook

    try:
        workbook = Workbook(path)
    except Exception as exc:  # a damaged zip or XML raises many kinds of errors
        raise ReadError(f"cannot read {name} as an XLSX workbook: {type(exc).__name__}: {exc}"[:300]) from None
    tables = []
    skipped = []
    try:
        for sheet in workbook.sheets:
            found = _find_sheet_header(workbook, sheet, header_map)
            if found is None:
                skipped.append(sheet)
                continue
            number, header, match = found
            tables.append(_sheet_table(workbook, name, sheet, number, header, match))
    except Exception as exc:
        workbook.close()
        raise ReadError(f"cannot read {name}: {type(exc).__name__}: {exc}"[:300]) from None
    if not tables:
        workbook.close()
        raise ReadError(
            f"no sheet of {name} has a header row in its first {HEADER_SCAN_ROWS} rows "
            "(expected column names such as NIK, NO_KK, NAMA, TANGGAL_LAHIR; see docs/INGEST.md)",
            NO_HEADER_ID,
        )
    for table in tables:
        table.details["sheets_skipped"] = skipped
    tables[-1].done = workbook.close  # the workbook is read once, sheet after sheet
    return tables


def _find_sheet_header(
    workbook: object, sheet: str, header_map: HeaderMap
) -> tuple[int, list[str], HeaderMatch] | None:
    best = None
    for number, row in workbook.rows(sheet, max_row=HEADER_SCAN_ROWS):  # type: ignore[attr-defined]
        cells = [cell_text(v) for v in row]
        match = match_header(cells, header_map)
        if is_header(match) and (best is None or match.score > best[2].score):
            best = (number, cells, match)
    return best


def _sheet_table(workbook: object, name: str, sheet: str, number: int, header: list[str], match: HeaderMatch) -> Table:
    width = len(header)
    table = Table(
        source=f"{name} [{sheet}]",
        header=header,
        header_line=number,
        match=match,
        details={"format": "xlsx", "sheet": sheet},
        batches=lambda: iter(()),
    )

    date_columns = frozenset(i for i, name in match.columns.items() if COLUMNS[name].kind == "date")

    def batches() -> Iterator[Batch]:
        try:
            total = workbook.declared_rows(sheet)  # type: ignore[attr-defined]
            if XLSX_COLUMNS:
                yield from _column_batches(workbook, sheet, number + 1, width, date_columns, total, table)
                return
            rows: list[list[str]] = []
            lines: list[int] = []
            for line, row in workbook.rows(sheet, min_row=number + 1):  # type: ignore[attr-defined]
                cells = [v if type(v) is str else "" if v is None else cell_text(v) for v in row[:width]]
                for i in date_columns:  # a numeric cell in a date column is an Excel serial; nowhere else
                    if i < len(row) and isinstance(row[i], int | float) and not isinstance(row[i], bool):
                        cells[i] = excel_serial_text(row[i])
                if not "".join(cells).strip():
                    table.stats["blank"] += 1
                    continue
                cells.extend([""] * (width - len(cells)))
                rows.append(cells)
                lines.append(line)
                if len(rows) >= BATCH_ROWS:
                    yield _rows_batch(rows, lines, width, min(line / total, 1.0) if total else None)
                    rows, lines = [], []
            yield _rows_batch(rows, lines, width, 1.0)
        except ReadError:
            raise
        except Exception as exc:
            raise ReadError(f"{table.source} is damaged: {type(exc).__name__}: {exc}"[:300], DAMAGED_ID) from None
        finally:
            table.done()

    table.batches = batches
    return table


def _column_batches(
    workbook: object, sheet: str, first: int, width: int, date_columns: frozenset[int], total: int, table: Table
) -> Iterator[Batch]:
    """The rows of a sheet from row `first` on, in batches of BATCH_ROWS rows (the last one shorter), from the
    workbook's text columns (`Workbook.text_chunks`: the same texts as `cell_text` and `excel_serial_text` give
    row by row)."""
    pending: list[list[pa.Array]] = []
    lines: list[int] = []
    from portal.ingest.xlsx import read_ahead

    chunks = workbook.text_chunks(sheet, first, width, date_columns, XLSX_WORKERS)  # type: ignore[attr-defined]
    for chunk in read_ahead(chunks) if XLSX_AHEAD else chunks:
        table.stats["blank"] += chunk.blank
        pending.append(chunk.columns)
        lines.extend(chunk.lines)
        while len(lines) >= BATCH_ROWS:
            columns = [pa.concat_arrays(parts) for parts in zip(*pending, strict=True)]
            batch_lines = lines[:BATCH_ROWS]
            yield Batch(
                [c.slice(0, BATCH_ROWS) for c in columns],
                batch_lines,
                [],
                min(batch_lines[-1] / total, 1.0) if total else None,
            )
            pending, lines = [[c.slice(BATCH_ROWS) for c in columns]], lines[BATCH_ROWS:]
    columns = (
        [pa.concat_arrays(parts) for parts in zip(*pending, strict=True)]
        if pending
        else [pa.array([], pa.string())] * width
    )
    yield Batch(columns, lines, [], 1.0)


def _rows_batch(rows: list[list[str]], lines: list[int], width: int, fraction: float | None) -> Batch:
    columns = list(zip(*rows, strict=True)) if rows else [()] * width
    return Batch([pa.array(c, type=pa.string()) for c in columns], lines, [], fraction)
