"""Registers built by an older portal get their derived tables rebuilt without touching their rows: a new
generation hard-links the rows and is published atomically, and no file of the served generation is written."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from portal.cli import main
from portal.db import QueryError, Register
from portal.rollups import DERIVED_VERSION, NATIONAL_CHANGES, VERSION_FILE, derived_version
from portal.snapshot import link_file, read_manifest, staging, write_table
from tests.ingest_helpers import copy_register


def _as_built_by_an_older_portal(settings) -> str:
    """Publish the register again without the nation's changes table and without a version file."""
    manifest = read_manifest(settings.register_dir)
    source = settings.register_dir / manifest.generation
    with staging(settings.register_dir) as stage:
        for path in source.rglob("*"):
            rel = path.relative_to(source)
            if path.is_file() and rel.parts[0] != NATIONAL_CHANGES and rel.name != VERSION_FILE:
                link_file(path, stage.root / rel)
        return stage.publish(list(manifest.periods), manifest.source, manifest.details).generation


def test_rebuild_brings_an_old_register_up_to_date(fixture_dir: Path, tmp_path: Path) -> None:
    settings = copy_register(fixture_dir, tmp_path / "data")
    old = _as_built_by_an_older_portal(settings)
    old_root = settings.register_dir / old
    assert derived_version(old_root) == 0
    register = Register(settings)
    with pytest.raises(QueryError):
        register.run("period_changes_nasional", dari="2026-06", ke="2026-09")
    register.close()

    assert main(["rebuild-derived", "--data-dir", str(settings.data_dir)]) == 0
    manifest = read_manifest(settings.register_dir)
    assert manifest.generation != old
    new_root = settings.register_dir / manifest.generation
    assert derived_version(new_root) == DERIVED_VERSION
    register = Register(settings)
    assert len(register.run("period_changes_nasional", dari="2026-06", ke="2026-09")) > 0
    register.close()
    rows = "keluarga/periode=2026-09/kode_prov=34/part-0.parquet"
    assert os.stat(new_root / rows).st_ino == os.stat(old_root / rows).st_ino  # the rows are the same file
    assert manifest.details["derived_dibangun_ulang_dari"] == old


def test_rebuild_without_a_register_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rebuild-derived", "--data-dir", str(tmp_path / "kosong")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: no register in")


def test_write_table_never_writes_through_a_hard_link(tmp_path: Path) -> None:
    served = tmp_path / "served.parquet"
    write_table(served, pa.table({"x": [1, 2, 3]}))
    staged = tmp_path / "staged.parquet"
    os.link(served, staged)
    write_table(staged, pa.table({"x": [9]}))
    assert pq.read_table(served).column("x").to_pylist() == [1, 2, 3]
    assert pq.read_table(staged).column("x").to_pylist() == [9]
