"""Tables derived from a period's rows when it is built or ingested, so pages never scan the nation:
the duplicate-NIK table, the NIK-sorted side table, the rollups at every level and the nation's changes since the
period before (pairing every family and person of two periods takes seconds at 10 M, too long for a click)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa

from portal.config import Settings
from portal.db import load_sql, new_connection, register_views
from portal.periods import period_end  # also imported from here by portal/ingest/pipeline.py
from portal.snapshot import (
    DERIVED_TABLES,
    ROW_GROUP_SIZE,
    Manifest,
    PartitionWriter,
    SnapshotError,
    link_file,
    partition_path,
    read_manifest,
    staging,
)

# Order matters: the rollup and the temuan table read the duplicate-NIK table of their own period.
DERIVED = (
    ("nik_ganda", "build/nik_ganda"),
    ("temuan", "build/temuan"),
    ("nik_index", "build/nik_index"),
    ("rollup", "build/rollup"),
)
NATIONAL_CHANGES = "perubahan_nasional"
# Raised whenever what the derived tables hold changes (a rollup column, a new table), so registers built by an
# older portal are brought up to date by `python -m portal setup` / `rebuild-derived` without rebuilding the rows.
DERIVED_VERSION = 3  # 3: the temuan table (people caught by a data-quality check)
VERSION_FILE = "derived.json"


def previous_period(root: Path, periode: str) -> str | None:
    """The newest period before `periode` among the family partitions under `root`, or None."""
    found = sorted(p.name.removeprefix("periode=") for p in (root / "keluarga").glob("periode=*"))
    earlier = [p for p in found if p < periode]
    return earlier[-1] if earlier else None


def write_query(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: dict,
    path: Path,
    extra: dict[str, tuple[object, pa.DataType]] | None = None,
) -> int:
    """Run `sql` and stream its rows, in the query's order, into one Parquet file (plus constant `extra`
    columns). DuckDB sorts and aggregates within its memory limit, spilling to its temp directory; Python holds
    one batch and one row group, so memory does not grow with the result. Returns the rows written."""
    reader = con.sql(sql, params=params).to_arrow_reader(ROW_GROUP_SIZE)
    schema = reader.schema
    for name, (_, kind) in (extra or {}).items():
        schema = schema.append(pa.field(name, kind))
    writer = PartitionWriter(path, schema)
    try:
        for batch in reader:
            for name, (value, kind) in (extra or {}).items():
                batch = batch.append_column(name, pa.array([value] * batch.num_rows, kind))
            writer.write(batch)
    finally:
        writer.close()
    return writer.rows


def build_derived(root: Path, periods: list[str], settings: Settings, progress: Callable[[str], None] = print) -> None:
    """Write the derived tables of every period under `root` (a staging generation), each streamed from DuckDB
    (PORTAL_BUILD_MEMORY and the spill directory from settings) into its file."""
    con = new_connection(settings.for_builds())
    try:
        for periode in periods:
            for table, query in DERIVED:
                register_views(con, root, None)
                sql = load_sql(query)
                params = {"periode": periode}
                if "$akhir" in sql:
                    params["akhir"] = period_end(periode)
                write_query(con, sql, params, partition_path(root, table, periode))
            before = previous_period(root, periode)
            if before is not None:
                register_views(con, root, None)
                params = {"dari": before, "ke": periode, "kode": "", "panjang": 2}
                path = partition_path(root, NATIONAL_CHANGES, periode)
                write_query(con, load_sql("period_changes"), params, path, extra={"dari": (before, pa.string())})
            since = f", changes since {before}" if before else ""
            progress(f"  derived tables for {periode}: rollups, NIK index, duplicate NIK, temuan{since}")
    finally:
        con.close()
    (root / VERSION_FILE).write_text(json.dumps({"version": DERIVED_VERSION}) + "\n", encoding="utf-8")


def derived_version(root: Path) -> int:
    """The version of the derived tables of a generation (0 when built before versions were recorded)."""
    try:
        return int(json.loads((root / VERSION_FILE).read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def rebuild_derived(settings: Settings, progress: Callable[[str], None] = print) -> Manifest:
    """Publish a new generation of the served register whose rows are the same files (hard-linked) and whose
    derived tables are built by the current code. Atomic like any publication; raises SnapshotError."""
    manifest = read_manifest(settings.register_dir)
    if manifest is None:
        raise SnapshotError(f"no register in {settings.register_dir}")
    source = settings.register_dir / manifest.generation
    with staging(settings.register_dir) as stage:
        for path in sorted(source.rglob("*")):
            rel = path.relative_to(source)
            if not path.is_file() or rel.parts[0] in DERIVED_TABLES or rel.name == VERSION_FILE:
                continue
            link_file(path, stage.root / rel)
        build_derived(stage.root, list(manifest.periods), settings, progress)
        details = {**manifest.details, "derived_dibangun_ulang_dari": manifest.generation}
        return stage.publish(list(manifest.periods), manifest.source, details)
