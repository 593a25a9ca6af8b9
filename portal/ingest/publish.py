"""Building the new generation in the staging directory: the previous generation's files hard-linked, the new
period's keluarga/individu partitions written by the demo's code path (schema.to_arrow → snapshot.write_table),
derived tables for the new period only, then one atomic publish."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from portal import access
from portal.config import Settings
from portal.ingest.sql import load_ingest_sql
from portal.schema import INDIVIDU, KELUARGA, MUSDES, USULAN, to_arrow
from portal.snapshot import CODE_TABLES, REGISTER_TABLES, content_hash, link_file, partition_path, write_table
from portal.wilayah import load_code_tables, load_kab_stats

# Tables of the replaced period that are kept (not part of an ingest file) and that are dropped (they describe
# the rows being replaced: the demo's ground truth, and the derived tables, which are rebuilt).
CARRIED_TABLES = ("musdes", "usulan")
PERSON_TABLES = ("keluarga", "individu")


@dataclass
class LinkStats:
    """What was hard-linked from the previous generation."""

    files: int = 0
    copied: int = 0
    carried_partitions: int = 0


def _province_of(parts: tuple[str, ...]) -> str | None:
    for part in parts:
        if part.startswith("kode_prov="):
            return part.split("=", 1)[1]
    return None


def overlaps(scope: access.Scope | None, kode_prov: str) -> bool:
    """Whether an upload in `scope` replaces rows of province `kode_prov` (pusat replaces every province)."""
    region = "" if scope is None else scope.region
    return kode_prov.startswith(region[:2]) if region else True


def link_previous(prev_root: Path, stage_root: Path, periode: str, scope: access.Scope | None) -> LinkStats:
    """Hard-link every file the new generation keeps: all other periods, code tables, other periods' reports,
    and of the replaced period its musdes/usulan and the keluarga/individu of provinces outside the scope."""
    stats = LinkStats()
    marker = f"periode={periode}"
    for path in sorted(prev_root.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(prev_root)
        parts = rel.parts
        if parts[0] == "ingest" and len(parts) > 1 and parts[1] == periode:
            continue
        if marker in parts:
            table = parts[0]
            province = _province_of(parts)
            if table in PERSON_TABLES and province is not None and not overlaps(scope, province):
                stats.carried_partitions += 1
            elif table not in CARRIED_TABLES:
                continue
        stats.copied += link_file(path, stage_root / rel)
        stats.files += 1
    return stats


def period_files(root: Path, table: str, periode: str) -> list[str]:
    """The partition files of one table in one period under a generation root."""
    return sorted(str(p) for p in (root / table / f"periode={periode}").glob("kode_prov=*/*.parquet"))


def _carry(prev_root: Path | None, table: str, periode: str, province: str, scope: access.Scope | None) -> pa.Table:
    """Rows of the existing period's partition that lie outside the uploader's region (kept as they were)."""
    schema = KELUARGA if table == "keluarga" else INDIVIDU
    if prev_root is None or scope is None or len(scope.region) <= 2:
        return schema.empty_table()
    path = partition_path(prev_root, table, periode, province)
    if not path.is_file():
        return schema.empty_table()
    old = pq.read_table(path, schema=schema)
    return old.filter(pc.invert(pc.starts_with(old["kode_desa"], scope.region)))


def _write(root: Path, table: str, periode: str, province: str, rows: pa.Table) -> int:
    frame = rows.to_pandas(types_mapper=pd.ArrowDtype)
    write_table(partition_path(root, table, periode, province), to_arrow(table, frame))
    return rows.num_rows


def write_period(
    con: duckdb.DuckDBPyConnection,
    root: Path,
    work: Path,
    periode: str,
    scope: access.Scope | None,
    prev_root: Path | None,
    provinces: list[str],
    progress: Callable[[int, int], None],
) -> dict[str, int]:
    """Write the period's keluarga and individu partitions, province by province (memory: one province)."""
    carried = {"keluarga": 0, "individu": 0}
    individu_sql = load_ingest_sql("individu", individu_columns=[f.name for f in INDIVIDU])
    family_sql = load_ingest_sql("keluarga_provinsi")
    for done, province in enumerate(provinces, start=1):
        spill = [str(work / "spill" / f"{province}.parquet")]
        families = sorted(str(p) for p in (work / "keluarga" / f"kode_prov={province}").glob("*.parquet"))
        for table, schema in (("keluarga", KELUARGA), ("individu", INDIVIDU)):
            old = _carry(prev_root, table, periode, province, scope)
            if table == "keluarga":
                new = con.sql(family_sql, params={"files": families}).to_arrow_table() if families else None
            else:
                new = con.sql(individu_sql, params={"spill": spill, "prov": province}).to_arrow_table()
            parts = [old] + ([new.select(schema.names).cast(schema)] if new is not None else [])
            rows = pa.concat_tables(parts)
            carried[table] += old.num_rows
            if rows.num_rows:
                _write(root, table, periode, province, rows)
        progress(done, len(provinces))
    return carried


def write_fresh_tables(root: Path, periode: str, provinces: list[str], settings: Settings) -> None:
    """A first register: the code tables, and empty musdes/usulan for the period so the rollup can read them."""
    if not all(partition_path(root, name).exists() for name in CODE_TABLES):
        codes = load_code_tables()
        stats = load_kab_stats(settings.ref_dir)[["kode_kab", "penduduk", "p0", "sumber_statistik"]]
        kab = codes["kabupaten"].merge(stats, on="kode_kab", how="left").assign(faktor_skala=1.0)
        for name, frame in (
            ("wilayah_provinsi", codes["provinsi"]),
            ("wilayah_kabupaten", kab),
            ("wilayah_kecamatan", codes["kecamatan"]),
            ("wilayah_desa", codes["desa"]),
        ):
            path = partition_path(root, name)
            if not path.exists():
                write_table(path, pa.Table.from_pandas(frame, preserve_index=False))
    for table, schema in (("musdes", MUSDES), ("usulan", USULAN)):
        if any((root / table).glob("periode=*/kode_prov=*/*.parquet")):
            continue
        empty = schema.empty_table().to_pandas(types_mapper=pd.ArrowDtype)
        for province in provinces:
            write_table(partition_path(root, table, periode, province), to_arrow(table, empty))


def period_hash(root: Path, periode: str) -> str:
    """SHA-256 over the relative paths and bytes of one period's partition files (register and derived)."""
    marker = f"periode={periode}"
    return content_hash(root, lambda path: path.suffix == ".parquet" and marker in path.parts)


__all__ = ["REGISTER_TABLES", "link_previous", "period_files", "period_hash", "write_fresh_tables", "write_period"]
