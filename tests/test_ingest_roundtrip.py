"""Round trip: a published period of the fixture register, exported to CSV and to XLSX and ingested back as a new
period, gives the same keluarga and individu rows, every column compared."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from portal.config import Settings
from portal.ingest import export_period, ingest
from portal.schema import INDIVIDU, KELUARGA
from portal.snapshot import read_manifest
from tests.ingest_helpers import copy_register


def _rows(settings: Settings, table: str, periode: str) -> list[tuple]:
    root = settings.register_dir / read_manifest(settings.register_dir).generation
    glob = (root / table / f"periode={periode}" / "*" / "*.parquet").as_posix()
    columns = ", ".join(f.name for f in (KELUARGA if table == "keluarga" else INDIVIDU))
    key = "id_keluarga" if table == "keluarga" else "id_dtks"
    return duckdb.connect().execute(f"select {columns} from read_parquet('{glob}') order by {key}").fetchall()


@pytest.mark.parametrize(("suffix", "target"), [(".csv", "2026-12"), (".xlsx", "2027-03"), (".csv.gz", "2027-06")])
def test_export_then_ingest_gives_the_same_rows(fixture_dir: Path, tmp_path: Path, suffix: str, target: str) -> None:
    settings = copy_register(fixture_dir, tmp_path / "data")
    exported = export_period(settings, "2026-09", tmp_path / f"2026-09{suffix}")
    assert exported.rows == 11
    result = ingest([exported.path], target, settings)
    assert result.report["ditolak"] == 0 and result.report["diterima"] == 11
    for table in ("keluarga", "individu"):
        original = _rows(settings, table, "2026-09")
        again = _rows(settings, table, target)
        assert len(original) == (6 if table == "keluarga" else 11)
        assert again == original


def test_export_refuses_unknown_period_and_format(settings: Settings, tmp_path: Path) -> None:
    from portal.ingest import ExportError

    with pytest.raises(ExportError, match="not published"):
        export_period(settings, "2031-01", tmp_path / "x.csv")
    with pytest.raises(ExportError, match="must end in"):
        export_period(settings, "2026-09", tmp_path / "x.json")
