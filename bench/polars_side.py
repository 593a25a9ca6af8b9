"""The shared page queries written for polars' lazy engine on the same Parquet files, so bench/run.py can time
each beside DuckDB in the same run. Each returns what the page gets from DuckDB: a pandas DataFrame with the
same rows (checked by bench/run.py before timing). Reading follows the same hive layout (periode=/kode_prov=),
with the partition columns typed as strings, so both engines prune the same files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import polars as pl

HIVE = {"periode": pl.String, "kode_prov": pl.String}
PROVINCES = [
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36", "51",
    "52", "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76", "81", "82", "91", "92",
    "93", "94", "95", "96",
]  # fmt: skip


def _scan(root: Path, table: str) -> pl.LazyFrame:
    first = next((root / table).rglob("*.parquet"))
    depth = len(first.relative_to(root / table).parts) - 1
    pattern = (root / table).joinpath(*(["*"] * depth), "*.parquet")
    schema = {k: v for k, v in HIVE.items() if any(p.startswith(f"{k}=") for p in first.parts)}
    return pl.scan_parquet(pattern, hive_partitioning=True, hive_schema=schema)


def nik_valid(column: str) -> pl.Expr:
    """The rule of queries/macros.sql nik_valid (and portal.nik.nik_is_valid) as a polars expression."""
    nik = pl.col(column)
    day = nik.str.slice(6, 2).cast(pl.Int32, strict=False)
    day = pl.when(day > 40).then(day - 40).otherwise(day)
    month = nik.str.slice(8, 2).cast(pl.Int32, strict=False)
    last = pl.when(month == 2).then(29).when(month.is_in([4, 6, 9, 11])).then(30).otherwise(31)
    valid = (
        nik.str.contains(r"^[0-9]{16}$")
        & nik.str.slice(0, 2).is_in(PROVINCES)
        & (nik.str.slice(12, 4) != "0000")
        & month.is_between(1, 12)
        & day.is_between(1, last)
    )
    return valid.fill_null(False)


def desa_people(root: Path, periode: str, akhir: date, kode_desa: str) -> pd.DataFrame:
    """queries/desa_people.sql: a desa's people with their family's programmes, as the page reads them."""
    where = (pl.col("periode") == periode) & (pl.col("kode_prov") == kode_desa[:2]) & (pl.col("kode_desa") == kode_desa)
    people = (
        _scan(root, "individu")
        .filter(where)
        .select("id_dtks", "id_keluarga", "nama", "tanggal_lahir", "rt", "rw", "status_aktif", "keberadaan")
    )
    families = (
        _scan(root, "keluarga")
        .filter(where)
        .select(
            "id_keluarga",
            "prog_pkh",
            "prog_bpnt",
            "prog_pbi_jk",
            "prog_blt_dd",
            pl.col("status_aktif").alias("keluarga_aktif"),
        )
    )
    born = pl.col("tanggal_lahir")
    birthday = born.dt.month().cast(pl.Int32) * 100 + born.dt.day().cast(pl.Int32)
    before_birthday = (pl.lit(akhir.month * 100 + akhir.day) < birthday).cast(pl.Int64)
    out = (
        people.join(families, on="id_keluarga", how="left")
        .select(
            "id_dtks",
            "id_keluarga",
            "nama",
            (pl.lit(akhir.year) - born.dt.year().cast(pl.Int64) - before_birthday).alias("usia"),
            "rt",
            "rw",
            (pl.col("status_aktif") & pl.col("keluarga_aktif").fill_null(False)).alias("status_aktif"),
            "keberadaan",
            *[pl.col(c).fill_null(False) for c in ("prog_pkh", "prog_bpnt", "prog_pbi_jk", "prog_blt_dd")],
        )
        .sort("rt", "rw", "nama", "id_dtks")
        .collect()
    )
    return out.to_pandas()


def kec_counts(root: Path, periode: str, kode_kab: str, program: str) -> pd.DataFrame:
    """Eksplorasi's families per kecamatan of a kab/kota with one programme (the counts of
    explore_keluarga_counts, without its name columns): kode_kec, jumlah."""
    out = (
        _scan(root, "keluarga")
        .filter(
            (pl.col("periode") == periode)
            & (pl.col("kode_prov") == kode_kab[:2])
            & pl.col("kode_desa").str.starts_with(kode_kab)
            & pl.col(f"prog_{program}").fill_null(False)
        )
        .group_by("kode_kec")
        .agg(pl.len().alias("jumlah"))
        .sort("kode_kec")
        .collect()
    )
    return out.to_pandas()


def rollup_within_region(root: Path, periode: str, tingkat: str, kode: str) -> pd.DataFrame:
    """queries/rollup_within_region.sql."""
    out = (
        _scan(root, "rollup")
        .filter((pl.col("periode") == periode) & (pl.col("tingkat") == tingkat) & pl.col("kode").str.starts_with(kode))
        .sort("kode")
        .collect()
    )
    return out.to_pandas()


def nik_lookup(root: Path, periode: str, nik: str) -> pd.DataFrame:
    """bench/queries/nik_lookup.sql: the NIK-sorted side table."""
    out = (
        _scan(root, "nik_index")
        .filter((pl.col("periode") == periode) & (pl.col("nik") == nik))
        .select("periode", "nik", "id_dtks", "kode_prov", "kode_kab", "kode_desa")
        .sort("kode_kab", "id_dtks")
        .collect()
    )
    return out.to_pandas()


def nik_ganda(root: Path, periode: str) -> pd.DataFrame:
    """bench/queries/nik_ganda.sql: valid NIK held in more than one kab/kota, from raw rows."""
    out = (
        _scan(root, "individu")
        .filter(pl.col("periode") == periode)
        .group_by("nik", "kode_kab")
        .agg(pl.len().alias("baris"))
        .group_by("nik")
        .agg(pl.len().cast(pl.Int32).alias("jumlah_kab"), pl.col("baris").sum().cast(pl.Int32).alias("jumlah_baris"))
        .filter((pl.col("jumlah_kab") > 1) & nik_valid("nik"))
        .sort("nik")
        .collect()
    )
    return out.to_pandas()


def changes_stored(root: Path, dari: str, ke: str) -> pd.DataFrame:
    """queries/period_changes_nasional.sql: the nation's changes precomputed at build time."""
    out = (
        _scan(root, "perubahan_nasional")
        .filter((pl.col("periode") == ke) & (pl.col("dari") == dari))
        .select("objek", "kode", "perubahan", "alasan", "jumlah")
        .sort("objek", "kode", "perubahan", "alasan")
        .collect()
    )
    return out.to_pandas()
