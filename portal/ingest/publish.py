"""Building the new generation in the staging directory: the previous generation's files hard-linked, the new
period's keluarga/individu partitions streamed from DuckDB's sorted result into the register's Parquet files
(snapshot.PartitionWriter, the demo's writer), derived tables for the new period only, then one atomic publish."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from portal import access
from portal.config import Settings
from portal.ingest.sql import load_ingest_sql
from portal.schema import INDIVIDU, KELUARGA, MUSDES, SORT_KEYS, USULAN, to_arrow
from portal.snapshot import (
    CODE_TABLES,
    REGISTER_TABLES,
    ROW_GROUP_SIZE,
    PartitionWriter,
    content_hash,
    link_file,
    partition_path,
    write_table,
)
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


def _carry_source(
    prev_root: Path | None, table: str, periode: str, province: str, scope: access.Scope | None
) -> Path | None:
    """The existing period's partition whose rows outside the uploader's region are kept as they were (None when
    the upload covers whole provinces or there is no such partition)."""
    if prev_root is None or scope is None or len(scope.region) <= 2:
        return None
    path = partition_path(prev_root, table, periode, province)
    return path if path.is_file() else None


def _stream_partition(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict, root: Path, table: str, periode: str, province: str
) -> int:
    """Stream `sql`'s rows (already in the register's order) into the table's partition file, cast to its schema;
    DuckDB sorts within its memory limit and spills, Python holds one batch. No file when there are no rows."""
    schema = KELUARGA if table == "keluarga" else INDIVIDU
    writer: PartitionWriter | None = None
    try:
        for batch in con.sql(sql, params=params).to_arrow_reader(ROW_GROUP_SIZE):
            if batch.num_rows == 0:
                continue
            if writer is None:
                writer = PartitionWriter(partition_path(root, table, periode, province), schema)
            writer.write(pa.Table.from_batches([batch]).select(schema.names).cast(schema))
    finally:
        if writer is not None:
            writer.close()
    return writer.rows if writer is not None else 0


def _with_carry(sql: str, schema: pa.Schema, table: str) -> str:
    """`sql`'s rows merged with the kept rows of $carry (outside $region), kept rows first among equal keys."""
    columns = ", ".join(schema.names)
    keys = ", ".join(SORT_KEYS[table])
    return (
        f"select {columns} from (select {columns}, 0 as _src from read_parquet($carry)"
        f" where not starts_with(kode_desa, $region)"
        f" union all by name select {columns}, 1 as _src from ({sql})) order by {keys}, _src"
    )


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
    """Write the period's keluarga and individu partitions, province by province, streamed (memory: DuckDB's
    limit plus one row group, whatever the province's size)."""
    carried = {"keluarga": 0, "individu": 0}
    individu_sql = load_ingest_sql("individu", individu_columns=[f.name for f in INDIVIDU])
    family_sql = load_ingest_sql("keluarga_provinsi")
    for done, province in enumerate(provinces, start=1):
        spill = [str(work / "spill" / f"{province}.parquet")]
        families = sorted(str(p) for p in (work / "keluarga" / f"kode_prov={province}").glob("*.parquet"))
        for table, schema in (("keluarga", KELUARGA), ("individu", INDIVIDU)):
            if table == "keluarga":
                sql, params = (family_sql, {"files": families}) if families else (None, {})
            else:
                sql, params = individu_sql, {"spill": spill, "prov": province}
            carry = _carry_source(prev_root, table, periode, province, scope)
            if carry is not None:
                assert scope is not None
                keep = {"carry": str(carry), "region": scope.region}
                kept = "select count(*) from read_parquet($carry) where not starts_with(kode_desa, $region)"
                carried[table] += con.sql(kept, params=keep).fetchall()[0][0]
                if sql is None:  # nothing new in this province: the kept rows alone
                    sql, params = "select * from read_parquet($carry) where false", {}
                sql, params = _with_carry(sql, schema, table), {**params, **keep}
            if sql is not None:
                _stream_partition(con, sql, params, root, table, periode, province)
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
