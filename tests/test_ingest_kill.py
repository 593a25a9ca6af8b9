"""SIGKILL during an ingest (the CLI in a child process), at several points of the run: the previous register keeps
being served, no part of the new period is visible, and the next run starts clean and publishes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from portal.db import Register
from portal.snapshot import MANIFEST, read_manifest
from tests.fixture_register import A, C
from tests.ingest_helpers import BASE_HEADER, copy_register, person, write_csv

REPO = Path(__file__).resolve().parents[1]
PERIODE = "2026-12"
ROWS = 12_000


def _big_file(path: Path) -> Path:
    """12,000 people in 3,000 families in two provinces: every phase lasts long enough to be caught."""
    rows = []
    for k in range(ROWS):
        family, member = divmod(k, 4)
        desa = A if family % 2 else C
        born = date(1950 + family % 50, 1 + member, 1 + family % 28)
        role = "kepala keluarga" if member == 0 else "anak"
        rows.append(person(desa, family + 1, k % 9000 + 1, f"WARGA {k}", born, "L" if member % 2 else "P", role))
    return write_csv(path, BASE_HEADER, rows)


# Markers seen in the register directory while a run is under way, in the order they appear.
POINTS: dict[str, Callable[[Path], bool]] = {
    "staging created": lambda reg: any(reg.glob(".staging-*")),
    "rows spilled": lambda reg: any(reg.glob(".staging-*-work/spill/*.parquet")),
    "period partition written": lambda reg: any(reg.glob(f".staging-*/keluarga/periode={PERIODE}/*/*.parquet")),
    "derived tables started": lambda reg: any(reg.glob(f".staging-*/nik_ganda/periode={PERIODE}/*.parquet")),
}


def _start(path: Path, data_dir: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "portal", "ingest", str(path), "--periode", PERIODE, "--data-dir", str(data_dir)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill_at(proc: subprocess.Popen[bytes], register_dir: Path, seen: Callable[[Path], bool]) -> bool:
    """SIGKILL the child as soon as `seen` holds; False if it finished first."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if seen(register_dir):
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(30)
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.001)
    proc.kill()
    proc.wait(30)
    return False


def _served(settings: object) -> tuple[str, tuple[str, ...], int]:
    register = Register(settings)  # type: ignore[arg-type]
    try:
        people = int(register.run("national_headline", periode=register.manifest.latest)["individu"].iloc[0])
        return register.manifest.generation, register.manifest.periods, people
    finally:
        register.close()


def test_killed_ingest_leaves_the_previous_register(fixture_dir: Path, tmp_path: Path) -> None:
    settings = copy_register(fixture_dir, tmp_path / "data")
    source = _big_file(tmp_path / "besar.csv")
    manifest_bytes = (settings.register_dir / MANIFEST).read_bytes()
    before = _served(settings)
    assert before[1] == ("2026-06", "2026-09")
    for name, seen in POINTS.items():
        proc = _start(source, settings.data_dir)
        if not _kill_at(proc, settings.register_dir, seen):
            pytest.fail(f"the ingest finished before the point '{name}' could be caught")
        assert proc.returncode == -signal.SIGKILL, name
        assert (settings.register_dir / MANIFEST).read_bytes() == manifest_bytes, name
        assert _served(settings) == before, name
        served = settings.register_dir / before[0]
        assert not list(served.rglob(f"periode={PERIODE}")), name  # nothing of the new period is served

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "portal",
            "ingest",
            str(source),
            "--periode",
            PERIODE,
            "--data-dir",
            str(settings.data_dir),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert not list(settings.register_dir.glob(".staging-*"))  # the corpses are gone
    generation, periods, people = _served(settings)
    assert generation != before[0]
    assert periods == ("2026-06", "2026-09", PERIODE) and people == ROWS
    assert read_manifest(settings.register_dir).details["ingest"][PERIODE]["diterima"] == ROWS
