"""A published period written back in the ingest shape (one row per individual, canonical headers), as CSV,
gzip-compressed CSV or XLSX: for round trips, and for officials who correct a period in a spreadsheet."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from portal.config import Settings
from portal.db import load_sql, new_connection, register_views
from portal.ingest.columns import COLUMNS, ORDER
from portal.snapshot import SnapshotError, read_manifest

XLSX_MAX_ROWS = 1_048_575  # a sheet holds 1,048,576 rows, the header included
BATCH_ROWS = 50_000


class ExportError(Exception):
    """The period cannot be exported; one English sentence."""


@dataclass(frozen=True)
class ExportResult:
    """What was written."""

    path: Path
    rows: int
    sheets: int


def _headers(names: list[str]) -> list[tuple[str, str]]:
    """(query column, canonical header) in the canonical order, for the columns the register has."""
    by_field = {c.field: c.header for c in COLUMNS.values()}
    present = {by_field[n]: n for n in names if n in by_field}
    return [(present[h], h) for h in ORDER if h in present]


def export_period(
    settings: Settings, periode: str, out: Path, progress: Callable[[int], None] | None = None
) -> ExportResult:
    """Write period `periode` of the served register to `out` (.csv, .csv.gz or .xlsx, by the name)."""
    name = out.name.lower()
    if not name.endswith((".csv", ".csv.gz", ".xlsx")):
        raise ExportError(f"{out.name}: the output must end in .csv, .csv.gz or .xlsx")
    try:
        manifest = read_manifest(settings.register_dir)
    except SnapshotError as exc:
        raise ExportError(str(exc)) from None
    if manifest is None:
        raise ExportError(f"no register in {settings.register_dir}")
    if periode not in manifest.periods:
        raise ExportError(f"period {periode} is not published (periods: {', '.join(manifest.periods)})")
    con = new_connection(settings)
    try:
        register_views(con, settings.register_dir / manifest.generation, manifest.latest)
        reader = con.sql(load_sql("export_period"), params={"periode": periode}).to_arrow_reader(BATCH_ROWS)
        columns = _headers(reader.schema.names)
        out.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".xlsx"):
            return _write_xlsx(reader, columns, out, progress)
        return _write_csv(reader, columns, out, name.endswith(".gz"), progress)
    finally:
        con.close()


def _select(batch: pa.RecordBatch, columns: list[tuple[str, str]]) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays([batch.column(src) for src, _ in columns], names=[h for _, h in columns])


def _write_csv(
    reader: pa.RecordBatchReader,
    columns: list[tuple[str, str]],
    out: Path,
    compressed: bool,
    progress: Callable[[int], None] | None,
) -> ExportResult:
    rows = 0
    sink = pa.CompressedOutputStream(str(out), "gzip") if compressed else pa.OSFile(str(out), "wb")
    writer = None
    try:
        for batch in reader:
            selected = _select(batch, columns)
            if writer is None:
                writer = pacsv.CSVWriter(sink, selected.schema)
            writer.write_batch(selected)
            rows += batch.num_rows
            if progress:
                progress(rows)
        if writer is None:  # an empty period: the header alone
            empty = pa.schema([(h, reader.schema.field(src).type) for src, h in columns])
            writer = pacsv.CSVWriter(sink, empty)
    finally:
        if writer is not None:
            writer.close()
        sink.close()
    return ExportResult(out, rows, 1)


def _write_xlsx(
    reader: pa.RecordBatchReader, columns: list[tuple[str, str]], out: Path, progress: Callable[[int], None] | None
) -> ExportResult:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    headers = [h for _, h in columns]
    sheet = None
    in_sheet = 0
    sheets = 0
    rows = 0
    for batch in reader:
        values = [batch.column(src).to_pylist() for src, _ in columns]
        for row in zip(*values, strict=True):
            if sheet is None or in_sheet >= XLSX_MAX_ROWS:
                sheets += 1
                sheet = workbook.create_sheet(f"data_{sheets}")
                sheet.append(headers)
                in_sheet = 0
            sheet.append(list(row))
            in_sheet += 1
        rows += batch.num_rows
        if progress:
            progress(rows)
    if sheet is None:
        workbook.create_sheet("data_1").append(headers)
        sheets = 1
    workbook.save(out)
    return ExportResult(out, rows, sheets)
