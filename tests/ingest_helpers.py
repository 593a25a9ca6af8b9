"""Building blocks for the ingest tests: NIK / No KK made from their parts (DOMAIN.md), rows of an export file,
and writers for CSV / XLSX. Nothing here calls the ingest code, so expected answers stay independent of it."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from tests.fixture_register import fixture_settings

REPO = Path(__file__).resolve().parents[1]
SIXTEEN_DIGITS = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")
BASE_HEADER = [
    "KODE_DESA",
    "NO_KK",
    "NIK",
    "NAMA",
    "TANGGAL_LAHIR",
    "JENIS_KELAMIN",
    "HUBUNGAN_KELUARGA",
    "DESIL",
    "PROG_PKH",
]


def make_nik(kec: str, born: date, sex: str, serial: int) -> str:
    """A structurally valid NIK: 6-digit kecamatan, DDMMYY (day + 40 for women), 4-digit serial."""
    day = born.day + (40 if sex == "P" else 0)
    return f"{kec}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def make_kk(kec: str, issued: date, serial: int) -> str:
    """A structurally valid No KK: 6-digit kecamatan, DDMMYY of issue, 4-digit serial."""
    return f"{kec}{issued.day:02d}{issued.month:02d}{issued.year % 100:02d}{serial:04d}"


def person(
    desa: str,
    kk_serial: int,
    serial: int,
    nama: str,
    born: date,
    sex: str,
    role: str = "anak",
    desil: str = "3",
    **extra: str,
) -> dict[str, str]:
    """One valid row of the individual export (family attributes repeated), as text."""
    kec = desa[:6]
    row = {
        "KODE_DESA": desa,
        "NO_KK": make_kk(kec, date(2015, 3, 2), kk_serial),
        "NIK": make_nik(kec, born, sex, serial),
        "NAMA": nama,
        "TANGGAL_LAHIR": born.strftime("%d/%m/%Y"),
        "JENIS_KELAMIN": sex,
        "HUBUNGAN_KELUARGA": role,
        "DESIL": desil,
        "PROG_PKH": "1",
    }
    row.update(extra)
    return row


def write_csv(
    path: Path, header: list[str], rows: list[dict[str, str]], *, delimiter: str = ",", encoding: str = "utf-8"
) -> Path:
    """Rows under `header` (keys of each row named by header cell)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def copy_register(fixture_dir: Path, target: Path):
    """A private copy of the published fixture register (the session fixture must never be written)."""
    shutil.copytree(fixture_dir / "register", target / "register", symlinks=True)
    return fixture_settings(target)


def run_portal(*args: str | bytes) -> subprocess.CompletedProcess[str]:
    """`python -m portal ARGS` in a real process from the repository (output decoded, odd bytes escaped)."""
    return subprocess.run(
        [sys.executable, "-m", "portal", *args],
        cwd=REPO,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        capture_output=True,
        text=True,
        errors="backslashreplace",
        timeout=300,
    )
