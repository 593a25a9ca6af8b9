"""`python -m portal ingest` / `export-period`: bad input gets exit status 2 and one English line on stderr,
never a traceback; a good file is published and its report printed with masked NIK."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from portal.cli import main
from portal.snapshot import read_manifest
from tests.fixture_register import A
from tests.ingest_helpers import BASE_HEADER, copy_register, person, run_portal, write_csv


def _one_error_line(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and message in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def _inputs(tmp: Path) -> Path:
    folder = tmp / "in"
    folder.mkdir()
    (folder / "kosong.csv").write_bytes(b"")
    (folder / "acak.csv").write_bytes(bytes(range(256)) * 8)
    (folder / "lama.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    (folder / "rusak.xlsx").write_bytes(b"PK\x03\x04" + b"not really a zip" * 10)
    (folder / "rusak.csv.gz").write_bytes(b"\x1f\x8b\x08\x00" + b"broken gzip")
    write_csv(folder / "good.csv", BASE_HEADER, [person(A, 1, 1, "X", date(1990, 1, 1), "L")])
    return folder


@pytest.mark.parametrize(
    ("name", "periode", "message"),
    [
        ("missing.csv", "2026-12", "does not exist"),
        ("good.csv", "2026-13", "--periode must be a month from 2000-01 to 2099-12"),
        ("acak.csv", "2026-12", "no header row found"),
    ],
)
def test_bad_input_is_one_line(fixture_dir: Path, tmp_path: Path, name: str, periode: str, message: str) -> None:
    settings = copy_register(fixture_dir, tmp_path / "data")
    folder = _inputs(tmp_path)
    before = read_manifest(settings.register_dir)
    result = run_portal("ingest", str(folder / name), "--periode", periode, "--data-dir", str(settings.data_dir))
    _one_error_line(result, message)
    assert read_manifest(settings.register_dir) == before


@pytest.mark.parametrize(
    ("name", "periode", "message"),
    [
        ("good.csv", "12-2026", "--periode must be a month from 2000-01 to 2099-12"),
        ("kosong.csv", "2026-12", "is empty"),
        ("lama.xls", "2026-12", "Excel 97-2003"),
        ("rusak.xlsx", "2026-12", "cannot read rusak.xlsx"),
        ("rusak.csv.gz", "2026-12", "damaged"),
        ("good.csv", "1999-01", "--periode must be a month from 2000-01 to 2099-12"),
    ],
)
def test_more_bad_input_in_process(
    fixture_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, periode: str, message: str
) -> None:
    """The same path as above without starting a process for each case."""
    settings = copy_register(fixture_dir, tmp_path / "data")
    folder = _inputs(tmp_path)
    before = read_manifest(settings.register_dir)
    status = main(["ingest", str(folder / name), "--periode", periode, "--data-dir", str(settings.data_dir)])
    captured = capsys.readouterr()
    _one_error_line(subprocess.CompletedProcess([], status, captured.out, captured.err), message)
    assert read_manifest(settings.register_dir) == before


def test_good_file_prints_a_masked_report(
    fixture_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = copy_register(fixture_dir, tmp_path / "data")
    folder = _inputs(tmp_path)
    nik = person(A, 1, 1, "X", date(1990, 1, 1), "L")["NIK"]
    status = main(["ingest", str(folder / "good.csv"), "--periode", "2026-12", "--data-dir", str(settings.data_dir)])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "Rows read 1 = accepted 1 + rejected 0 (balanced: yes)" in captured.out
    assert "Published g-" in captured.out
    assert nik not in captured.out + captured.err
    assert read_manifest(settings.register_dir).latest == "2026-12"


def test_export_period_bad_input(fixture_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = copy_register(fixture_dir, tmp_path / "data")
    args = ["--data-dir", str(settings.data_dir)]
    for periode, out, message in (
        ("2031-01", "x.csv", "2031"),
        ("2026-09", "x.pdf", ".csv"),
        ("2026", "x.csv", "2026"),
    ):
        status = main(["export-period", "--periode", periode, "--out", str(tmp_path / out), *args])
        captured = capsys.readouterr()
        _one_error_line(subprocess.CompletedProcess([], status, captured.out, captured.err), message)


def test_a_file_that_would_drop_most_families_is_held_back(
    fixture_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A partial export uploaded as a whole period would silently empty the register: it is not published unless
    the operator says so. The fixture's 2026-09 has 6 families; this file keeps none of them and adds 1."""
    from portal.ingest import pipeline

    monkeypatch.setattr(pipeline, "SHRINK_MIN_FAMILIES", 5)  # the fixture is tiny; the default judges 100 or more
    settings = copy_register(fixture_dir, tmp_path / "data")
    folder = _inputs(tmp_path)
    before = read_manifest(settings.register_dir)
    command = ["ingest", str(folder / "good.csv"), "--periode", "2026-12", "--data-dir", str(settings.data_dir)]
    status = main(command)
    captured = capsys.readouterr()
    assert status == 2 and "Traceback" not in captured.err
    last = captured.err.strip().splitlines()[-1]  # after the progress lines
    assert last.startswith("error: not published: the files would remove 6 of the 6 families"), last
    assert "--allow-shrink" in last
    assert read_manifest(settings.register_dir) == before  # nothing published
    assert (settings.data_dir / "ingest-laporan" / "2026-12" / "laporan.json").is_file()  # but the report is there

    assert main([*command, "--allow-shrink"]) == 0
    assert read_manifest(settings.register_dir).latest == "2026-12"
