"""Tables derived from a period's rows when it is built or ingested, so pages never scan the nation:
the duplicate-NIK table, the NIK-sorted side table, the rollups at every level and the nation's changes since the
period before (pairing every family and person of two periods takes seconds at 10 M, too long for a click)."""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

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

NIK_INDEX = ("nik_index", "build/nik_index")
NIK_GANDA = ("nik_ganda", "build/nik_ganda_berulang")
TEMUAN = ("temuan", "build/temuan")
ROLLUP = ("rollup", "build/rollup")
VERIVALI = ("verivali_bulan", "build/verivali_bulan")
# Eksplorasi's cubes: people and families per kecamatan and combination of what its counts filter and group by,
# written one province at a time (a partition each), so the join of people and families holds one province.
EXPLORE_CUBES = (
    ("explore_cube_individu", "build/explore_cube_individu"),
    ("explore_cube_keluarga", "build/explore_cube_keluarga"),
)
NATIONAL_CHANGES = "perubahan_nasional"
# People of one period paired at a time, per GiB of build memory, when the nation's changes are counted in parts
# by id hash: a part's pairing is meant to fit in memory (10 M people paired in 1.5 GB without spilling; pairing
# 33 M people in 2 GB, spilling, cost 107 s a part at 100 M against ~25 s in memory). Parts are cheap since the
# two periods' rows are spread into a file per part in one pass. A part that still runs out is split in two and
# counted again (write_changes), so the setting costs time, never the build.
CHANGES_ROWS_PER_GIB = 5_000_000
CHANGES_MAX_PARTS = 1024
CHANGES_SPREAD = ("build/perubahan_sebar_keluarga", "build/perubahan_sebar_individu")  # the part files' views:
CHANGES_VIEWS = ("perubahan_keluarga", "perubahan_individu")  # what build/perubahan_nasional reads
CHANGES_PROPOSED = ("perubahan_usulan", "build/perubahan_usulan")
CHANGES_QUERY = "build/perubahan_nasional"  # queries/period_changes.sql for the nation, without its region look-ups
# The period's rows whose NIK is held by more than one row, read off the NIK-sorted stream of build/nik_index
# into a temporary file and seen by the duplicate-NIK table, the temuan table and the rollup as this view.
REPEATED_NIK = "nik_berulang"
REPEATED_COLUMNS = ("nik", "kode_kab", "kode_desa", "id_keluarga")
# Queries that read views made only inside build_derived (REPEATED_NIK; the changes' part views and proposals).
BUILD_TIME_QUERIES = frozenset({NIK_GANDA[1], TEMUAN[1], ROLLUP[1], CHANGES_QUERY})
# Raised whenever what the derived tables hold changes (a rollup column, a new table), so registers built by an
# older portal are brought up to date by `python -m portal setup` / `rebuild-derived` without rebuilding the rows.
# 3: the temuan and verivali_bulan tables (Kualitas Data without raw rows);
# 4: the explore_cube_* tables (Eksplorasi's national and provinsi counts without raw rows).
DERIVED_VERSION = 4
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
        reader.close()  # DuckDB's result and whatever it pins go now, not when Python collects the reader
    return writer.rows


class RepeatedKeys:
    """Collects, from batches sorted by `key`, the rows whose key is held by more than one row (equal keys are
    adjacent), writing them to a Parquet file as they are found. Holds back one row: whether the last row of a
    batch repeats is known only from the next batch's first. Null keys are never repeats."""

    def __init__(self, path: Path, schema: pa.Schema, key: str) -> None:
        self.key = key
        self.rows = 0
        self._writer = pq.ParquetWriter(path, schema, compression="zstd")
        self._held: pa.Table | None = None
        self._held_repeats = False  # the held row's key equals the row before it

    def add(self, rows: pa.Table) -> None:
        """Take the next rows of the sorted stream (columns of the file's schema)."""
        if rows.num_rows == 0:
            return
        if self._held is not None:
            rows = pa.concat_tables([self._held, rows])
        keys = rows.column(self.key).combine_chunks()
        same = pc.fill_null(pc.equal(keys.slice(1), keys.slice(0, len(keys) - 1)), False)
        like_previous = pa.concat_arrays([pa.array([self._held_repeats]), same])
        like_next = pa.concat_arrays([same, pa.array([False])])
        repeats = pc.or_(like_previous, like_next)
        last = rows.num_rows - 1
        self._write(rows.slice(0, last).filter(repeats.slice(0, last)))
        self._held = rows.slice(last)
        self._held_repeats = like_previous[last].as_py()

    def close(self) -> None:
        """Write the held row if it repeats the one before it, and close the file."""
        if self._held is not None and self._held_repeats:
            self._write(self._held)
        self._writer.close()

    def _write(self, rows: pa.Table) -> None:
        if rows.num_rows:
            self._writer.write_table(rows)
            self.rows += rows.num_rows


def write_nik_index(con: duckdb.DuckDBPyConnection, periode: str, path: Path, repeated: Path) -> int:
    """Stream the period's people sorted by NIK (build/nik_index) into the NIK side table at `path`, and the rows
    whose NIK repeats (REPEATED_COLUMNS) into `repeated`: one sort of the period serves both. Returns the rows
    written to the side table."""
    reader = con.sql(load_sql(NIK_INDEX[1]), params={"periode": periode}).to_arrow_reader(ROW_GROUP_SIZE)
    written = [name for name in reader.schema.names if name != "id_keluarga"]
    schema = pa.schema([reader.schema.field(name) for name in written], metadata=reader.schema.metadata)
    writer = PartitionWriter(path, schema)
    repeats = RepeatedKeys(repeated, pa.schema([reader.schema.field(name) for name in REPEATED_COLUMNS]), "nik")
    try:
        for batch in reader:
            writer.write(batch.select(written))
            repeats.add(pa.Table.from_batches([batch.select(list(REPEATED_COLUMNS))]))
    finally:
        writer.close()
        repeats.close()
    return writer.rows


def build_derived(root: Path, periods: list[str], settings: Settings, progress: Callable[[str], None] = print) -> None:
    """Write the derived tables of every period under `root` (a staging generation), each streamed from DuckDB
    (PORTAL_BUILD_MEMORY and the spill directory from settings) into its file. Each period gets a DuckDB of its
    own: at 100 M people the second period's temuan ran out of the 2 GB the first period's had fitted in, with
    what the first period's statements left behind in the same database."""
    for periode in periods:
        con = new_connection(settings.for_builds())
        timings: dict[str, float] = {}
        try:
            register_views(con, root, None)
            _build_period(con, root, periode, settings.tmp_dir, timings)
        except duckdb.OutOfMemoryException as exc:
            step = _STEPS[len(timings)] if len(timings) < len(_STEPS) else "the nation's changes"
            first = str(exc).strip().splitlines()[0]
            raise duckdb.OutOfMemoryException(
                f"building {step} of {periode} under PORTAL_BUILD_MEMORY={settings.build_memory_limit} "
                f"({settings.duckdb_threads} threads): {first}"
            ) from exc
        finally:
            con.close()
        progress(
            f"  derived tables for {periode} in {sum(timings.values()):.1f} s: "
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
        )
    (root / VERSION_FILE).write_text(json.dumps({"version": DERIVED_VERSION}) + "\n", encoding="utf-8")


# The steps of _build_period in order, as its timings name them (the changes' name carries the period before).
_STEPS = ("the NIK index", "duplicate NIK", "temuan", "rollups", "verivali months", "Eksplorasi cubes")


def _build_period(
    con: duckdb.DuckDBPyConnection, root: Path, periode: str, tmp_dir: Path, timings: dict[str, float]
) -> None:
    """The derived tables of one period, recording in `timings` the seconds each took (for the progress line;
    its length also says which step a failure stopped at)."""
    started = time.monotonic()

    def lap(name: str) -> None:
        nonlocal started
        now = time.monotonic()
        timings[name] = now - started
        started = now

    handle, name = tempfile.mkstemp(prefix="nik-berulang-", suffix=".parquet", dir=tmp_dir)
    os.close(handle)
    repeated = Path(name)
    try:
        write_nik_index(con, periode, partition_path(root, NIK_INDEX[0], periode), repeated)
        source = _quoted(repeated)
        con.execute(f"create or replace view {REPEATED_NIK} as select * from read_parquet('{source}')")
        lap("NIK index")
        write_query(con, load_sql(NIK_GANDA[1]), {}, partition_path(root, NIK_GANDA[0], periode))
        lap("duplicate NIK")
        write_query(con, load_sql(TEMUAN[1]), {"periode": periode}, partition_path(root, TEMUAN[0], periode))
        lap("temuan")
        params = {"periode": periode, "akhir": period_end(periode)}
        write_query(con, load_sql(ROLLUP[1]), params, partition_path(root, ROLLUP[0], periode))
        lap("rollups")
        write_query(con, load_sql(VERIVALI[1]), params, partition_path(root, VERIVALI[0], periode))
        lap("verivali months")
        provinces = sorted(
            {
                p.name.removeprefix("kode_prov=")
                for t in ("individu", "keluarga")
                for p in (root / t).glob(f"periode={periode}/kode_prov=*")
            }
        )
        for table, query in EXPLORE_CUBES:
            for kode_prov in provinces:
                cube = {**params, "provinsi": [kode_prov]}
                write_query(con, load_sql(query), cube, partition_path(root, table, periode, kode_prov))
        lap("Eksplorasi cubes")
    finally:
        con.execute(f"drop view if exists {REPEATED_NIK}")
        repeated.unlink(missing_ok=True)
    before = previous_period(root, periode)
    if before is not None:
        _, parts = write_changes(con, before, periode, partition_path(root, NATIONAL_CHANGES, periode), tmp_dir)
        lap(f"changes since {before} ({parts} part{'s' if parts > 1 else ''})")


def memory_limit_bytes(con: duckdb.DuckDBPyConnection) -> int:
    """DuckDB's memory limit on `con` in bytes, read from the setting as DuckDB prints it ('1.8 GiB')."""
    text = con.sql("select current_setting('memory_limit')").fetchall()[0][0]
    number, _, unit = text.strip().partition(" ")
    scale = {"bytes": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40, "PiB": 2**50}
    return int(float(number) * scale.get(unit, 2**30))


def changes_parts(con: duckdb.DuckDBPyConnection, periode: str) -> int:
    """How many parts the nation's changes into `periode` are first paired in: the period's people over what
    CHANGES_ROWS_PER_GIB says the connection's memory limit pairs at once."""
    people = con.sql("select count(*) from individu_all where periode = $p", params={"p": periode}).fetchall()[0][0]
    per_part = max(1, int(CHANGES_ROWS_PER_GIB * memory_limit_bytes(con) / 2**30))
    return max(1, -(-int(people) // per_part))


def write_changes(
    con: duckdb.DuckDBPyConnection, before: str, periode: str, path: Path, tmp_dir: Path
) -> tuple[int, int]:
    """The nation's changes from `before` to `periode` into `path`: the two periods' families and people spread in
    one pass into a file per part (by id hash, under `tmp_dir`), build/perubahan_nasional counted on each part's
    files, each part's few hundred rows kept, then summed and sorted as one pairing of the whole would return them;
    memory holds one part's pairing. Parts that run out of memory are spread and counted again in twice as many.
    Returns the rows written and the parts counted in."""
    params = {"dari": before, "ke": periode}
    table, query = CHANGES_PROPOSED
    con.execute(f"create or replace temp table {table} as {load_sql(query)}", params)
    parts = changes_parts(con, periode)
    try:
        while True:
            try:
                counted = _count_changes(con, params, parts, tmp_dir)
                break
            except duckdb.OutOfMemoryException:
                if parts * 2 > CHANGES_MAX_PARTS:
                    raise
                parts *= 2
        con.register("perubahan_bagian", pa.concat_tables(counted))
        total = (
            "select objek, kode, perubahan, alasan, sum(jumlah)::bigint as jumlah from perubahan_bagian "
            "group by objek, kode, perubahan, alasan order by objek, kode, perubahan, alasan"
        )
        return write_query(con, total, {}, path, extra={"dari": (before, pa.string())}), parts
    finally:
        con.unregister("perubahan_bagian")
        con.execute(f"drop table if exists {table}")
        for view in CHANGES_VIEWS:
            con.execute(f"drop view if exists {view}")


def _count_changes(con: duckdb.DuckDBPyConnection, params: dict[str, str], parts: int, tmp_dir: Path) -> list[pa.Table]:
    """Spread the two periods' rows into `parts` parts and count build/perubahan_nasional on each."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="perubahan-", dir=tmp_dir) as name:
        spread = Path(name)
        sources: list[tuple[str, list[Path], Path]] = []
        for view, query in zip(CHANGES_VIEWS, CHANGES_SPREAD, strict=True):
            sql = load_sql(query)
            out = spread / view
            # A file of the columns with no rows, so a part no row hashes to (a small register) is read as empty.
            empty = spread / f"{view}-kosong.parquet"
            con.execute(
                f"copy (select * exclude (bagian) from ({sql}) limit 0) to '{_quoted(empty)}' (format parquet)",
                {**params, "bagian_dari": parts},
            )
            con.execute(
                f"copy ({sql}) to '{_quoted(out)}' (format parquet, partition_by (bagian), compression zstd)",
                {**params, "bagian_dari": parts},
            )
            sources.append((view, sorted(out.glob("bagian=*/*.parquet")), empty))
        counted = []
        sql = load_sql(CHANGES_QUERY)
        for part in range(parts):
            for view, files, empty in sources:
                mine = [f for f in files if f.parent.name == f"bagian={part}"] or [empty]
                listed = ", ".join(f"'{_quoted(f)}'" for f in mine)
                con.execute(f"create or replace temp view {view} as select * from read_parquet([{listed}])")
            counted.append(con.sql(sql, params={"dari": params["dari"]}).to_arrow_table())
        for view in CHANGES_VIEWS:
            con.execute(f"drop view if exists {view}")
        return counted


def _quoted(path: Path) -> str:
    """A path as the inside of a SQL string literal."""
    return path.as_posix().replace("'", "''")


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
