"""Same answers whatever the chunking and the number of checking threads: a CSV of a few thousand rows with
defects spread through it, ingested in one thread with large blocks and in several threads with blocks of a few
KB (hundreds of batches, checked out of order), publishes and reports the same bytes."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from portal.ingest import ingest, pipeline, reading
from tests.fixture_register import fixture_settings
from tests.ingest_helpers import BASE_HEADER, person, write_csv

DESA = ("3471011001", "3471021001", "3402012001", "3171011002")


def _rows(count: int) -> list[dict[str, str]]:
    """Families of four, with one row in five spoiled in a way the checks must notice (or a footer)."""
    rng = random.Random(11)
    rows = []
    for k in range(count):
        family, member = divmod(k, 4)
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(25_000))
        sex = "P" if member % 2 else "L"
        role = "kepala keluarga" if member == 0 else "anak"
        row = person(DESA[family % len(DESA)], family % 9000 + 1, k % 9000 + 1, f"WARGA {k}", born, sex, role)
        spoil = rng.randrange(25)
        if spoil == 0:
            row["NIK"] = ""
        elif spoil == 1:
            row["NIK"] = row["NIK"][0] + "." + row["NIK"][1:6] + "E+15"
        elif spoil == 2:
            row["TANGGAL_LAHIR"] = rng.choice(["31/02/1990", "", "1985-07-15", "15/07/85", "30 Maret 1992"])
        elif spoil == 3:
            row["KODE_DESA"] = rng.choice(["", "3471019999", "34.71.01.1001"])
        elif spoil == 4 and rows:
            row = dict(rows[-1])  # a repeated row
        elif spoil == 5:
            row["DESIL"] = rng.choice(["11", "Desil 3", "tiga"])
        elif spoil == 6:
            row = {"KODE_DESA": "JUMLAH", "NAMA": str(k)}  # a footer line among the rows
        rows.append(row)
    return rows


def _run(tmp: Path, source: Path, threads: int, block: int, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    monkeypatch.setattr(pipeline, "CHECK_THREADS", threads)
    monkeypatch.setattr(reading, "READ_BLOCK", block)
    result = ingest([source], "2026-12", fixture_settings(tmp / "data"))
    assert result.published
    out = {name: (result.report_dir / name).read_bytes() for name in ("laporan.json", "tolak.csv", "peringatan.csv")}
    out["laporan.csv"] = (result.report_dir / "laporan.csv").read_bytes()
    return out


def test_same_bytes_whatever_the_blocks_and_threads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write_csv(tmp_path / "export.csv", BASE_HEADER, _rows(4_000))
    one = _run(tmp_path / "one", source, threads=1, block=1 << 22, monkeypatch=monkeypatch)
    many = _run(tmp_path / "many", source, threads=3, block=4_096, monkeypatch=monkeypatch)
    assert b'"ditolak": 0' not in one["laporan.json"]  # the defects were met
    assert b"TGL_LAHIR_TIDAK_VALID" in one["tolak.csv"] and b"DUPLIKAT_BARIS" in one["tolak.csv"]
    for name in one:
        assert many[name] == one[name], name  # sha256_periode in laporan.json covers the published files
