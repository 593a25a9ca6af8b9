"""DuckDB over the published Parquet register: named SQL files, bound parameters, a fresh cursor per call.

The connection is in-memory and holds only views over the served generation's files; once they are
registered the configuration is locked, so no query can change settings or reach files outside the register.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.compute as pc

from portal.config import REPO_DIR, Settings, get_settings
from portal.periods import is_period
from portal.snapshot import MANIFEST, Manifest, SnapshotError, partition_path, read_manifest

QUERY_DIR = REPO_DIR / "queries"
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
# DuckDB binds no parameters in CREATE VIEW, so what goes into view DDL is checked against these instead.
_TABLE_NAME = re.compile(r"[a-z][a-z0-9_]*")


def _hive_options(sample: Path, table_dir: Path) -> str:
    """Partition keys read as text ('31', not 31), declared for the keys this table actually has."""
    keys = [part.split("=", 1)[0] for part in sample.relative_to(table_dir).parts[:-1] if "=" in part]
    types = ", ".join(f"'{key}': VARCHAR" for key in keys)
    return f"hive_partitioning = true, hive_types = {{{types}}}"


@dataclass(frozen=True)
class DesaFileQuery:
    """A desa-scoped query read from the desa's own partition files: `sql` (a query file) binds each of `tables`'
    partition file of the period and the desa's province as `$<table>`, and its rows are ordered by `order`."""

    sql: str
    tables: tuple[str, ...]
    order: tuple[str, ...]


# Desa-scoped page queries and their partition-file forms (docs/NATIONAL_SCALE.md: a desa's rows are in one file
# per table, so reading it directly skips binding and pruning the glob over every partition).
DESA_FILE_QUERIES = {
    "desa_people": DesaFileQuery("desa_people_file", ("individu", "keluarga"), ("rt", "rw", "nama", "id_dtks")),
}
_DESA_CODE = re.compile(r"[0-9]{10}")


class QueryError(RuntimeError):
    """A named query is unknown, lacks parameters or failed."""


class NoRegisterError(RuntimeError):
    """Nothing has been published in the configured data directory yet."""


@lru_cache(maxsize=1)
def available_queries() -> frozenset[str]:
    """Names of the SQL files under queries/ (`build/rollup` for queries/build/rollup.sql)."""
    return frozenset(p.relative_to(QUERY_DIR).with_suffix("").as_posix() for p in QUERY_DIR.rglob("*.sql"))


@cache
def load_sql(name: str) -> str:
    """The text of `queries/<name>.sql`; only names of files that exist are accepted."""
    if name not in available_queries():
        raise QueryError(f"unknown query {name!r}")
    return (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")


def query_params(name: str) -> frozenset[str]:
    """The `$name` parameters a query binds."""
    return frozenset(_PARAM.findall(_strip_comments(load_sql(name))))


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def register_views(con: duckdb.DuckDBPyConnection, root: Path, latest: str | None) -> list[str]:
    """Create `<table>_all` (every period) and `<table>` (newest period) views for the tables under `root`."""
    if latest is not None and not is_period(latest):
        raise QueryError(f"invalid period {latest!r} in the manifest")
    created = []
    for table_dir in sorted(p for p in root.iterdir() if p.is_dir() and _TABLE_NAME.fullmatch(p.name)):
        files = sorted(table_dir.rglob("*.parquet"))
        if not files:
            continue
        table = table_dir.name
        # An explicit-depth pattern (periode=*/kode_prov=*/part-0.parquet) lists files in 2 ms where a
        # recursive ** took 7 ms on every scan of a 10 M register.
        depth = len(files[0].relative_to(table_dir).parts) - 1
        pattern = table_dir.joinpath(*(["*"] * depth), "*.parquet")
        glob = pattern.as_posix().replace("'", "''")
        options = _hive_options(files[0], table_dir)
        con.execute(f"create or replace view {table}_all as select * from read_parquet('{glob}', {options})")
        if latest is not None:
            con.execute(f"create or replace view {table} as select * from {table}_all where periode = '{latest}'")
        created.append(table)
    for path in sorted(p for p in root.glob("*.parquet") if _TABLE_NAME.fullmatch(p.stem)):
        name = path.stem
        source = path.as_posix().replace("'", "''")
        con.execute(f"create or replace view {name} as select * from read_parquet('{source}')")
        created.append(name)
    con.execute(load_sql("macros"))
    return created


def new_connection(settings: Settings) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the thread and memory limits and the spill directory from settings."""
    settings.tmp_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(
        ":memory:",
        config={
            "threads": settings.duckdb_threads,
            "memory_limit": settings.duckdb_memory_limit,
            "temp_directory": str(settings.tmp_dir),
        },
    )
    # Keep Parquet footers between queries: a generation's files never change (a new one has new paths), and
    # re-reading them on every query was a third of a desa's Cek Status query at 4 M (bench/README.md).
    con.execute("set parquet_metadata_cache = true")
    return con


class Register:
    """The served register: its manifest and a locked DuckDB connection with views over its files."""

    def __init__(self, settings: Settings) -> None:
        manifest = read_manifest(settings.register_dir)
        if manifest is None:
            raise NoRegisterError(
                f"no register in {settings.register_dir}: run `python -m portal demo` (or ingest) first"
            )
        self.manifest: Manifest = manifest
        self.root = settings.register_dir / manifest.generation
        self._con = new_connection(settings)
        self.views = register_views(self._con, self.root, manifest.latest)
        allowed = [str(settings.register_dir), str(settings.tmp_dir)]
        self._con.execute("set allowed_directories = $dirs", {"dirs": allowed})
        self._con.execute("set enable_external_access = false")
        self._con.execute("set lock_configuration = true")

    def run(self, name: str, **params: object) -> pd.DataFrame:
        """Run `queries/<name>.sql` with `params` bound by name, on a fresh cursor."""
        sql = load_sql(name)
        wanted = query_params(name)
        missing = sorted(wanted - params.keys())
        if missing:
            raise QueryError(f"query {name!r} needs parameter(s): {', '.join(missing)}")
        bound = {key: params[key] for key in wanted}
        scoped = DESA_FILE_QUERIES.get(name)
        files = self.desa_files(scoped.tables, bound) if scoped is not None else None
        cursor = self._con.cursor()
        try:
            if scoped is not None and files is not None:
                found = self._run_desa_file(cursor, scoped, files, bound)
                if found is not None:
                    return found
            return cursor.execute(sql, bound).df()
        except duckdb.Error as exc:
            raise QueryError(f"query {name!r} failed: {exc}") from exc
        finally:
            cursor.close()

    def desa_files(self, tables: tuple[str, ...], params: dict[str, object]) -> dict[str, str] | None:
        """The partition file of each table for the period and the desa's province, or None (then the query
        reads the views): a malformed period or desa code, a missing partition, or a partition of several files."""
        periode, kode_desa = params.get("periode"), params.get("kode_desa")
        if not (isinstance(periode, str) and is_period(periode)):
            return None
        if not (isinstance(kode_desa, str) and _DESA_CODE.fullmatch(kode_desa)):
            return None
        files = {}
        for table in tables:
            path = partition_path(self.root, table, periode, kode_desa[:2])
            try:
                if os.listdir(path.parent) != [path.name]:
                    return None
            except OSError:
                return None
            files[table] = str(path)
        return files

    @staticmethod
    def _run_desa_file(
        cursor: duckdb.DuckDBPyConnection, scoped: DesaFileQuery, files: dict[str, str], bound: dict[str, object]
    ) -> pd.DataFrame | None:
        """The query on the partition files, ordered; None when it found no row (DuckDB gives an empty frame
        other dtypes than Arrow does, so the views answer that case)."""
        sql = load_sql(scoped.sql)
        values = {**bound, **files}
        table = cursor.sql(sql, params={key: values[key] for key in query_params(scoped.sql)}).to_arrow_table()
        if table.num_rows == 0:
            return None
        order = pc.sort_indices(table, sort_keys=[(c, "ascending", "at_end") for c in scoped.order])
        return table.take(order).to_pandas()

    def close(self) -> None:
        """Close the connection."""
        self._con.close()


_lock = threading.Lock()
_current: Register | None = None
_seen: tuple[tuple[Path, int, int, int], Manifest | None] | None = None


def _served_manifest(register_dir: Path) -> Manifest | None:
    """`read_manifest`, parsed again only when the file changed (a publication replaces it atomically, so its
    inode, time stamp or size changes); every page rerun asks several times."""
    global _seen
    path = register_dir / MANIFEST
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    signature = (path, stat.st_ino, stat.st_mtime_ns, stat.st_size)
    seen = _seen
    if seen is not None and seen[0] == signature:
        return seen[1]
    manifest = read_manifest(register_dir)
    _seen = (signature, manifest)
    return manifest


def current_register(settings: Settings | None = None) -> Register:
    """The process-wide Register, reopened when a new generation has been published."""
    global _current
    settings = settings or get_settings()
    manifest = _served_manifest(settings.register_dir)
    with _lock:
        stale = _current is None or manifest is None or _current.manifest.generation != manifest.generation
        if stale:
            if _current is not None:
                _current.close()
                _current = None
            _current = Register(settings)
        return _current


def run_query(name: str, **params: object) -> pd.DataFrame:
    """Run a named query on the served register."""
    return current_register().run(name, **params)


__all__ = [
    "NoRegisterError",
    "QueryError",
    "Register",
    "SnapshotError",
    "available_queries",
    "current_register",
    "load_sql",
    "new_connection",
    "register_views",
    "run_query",
]
