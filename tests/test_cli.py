"""`python -m portal`: bad input gets one clear English line and a non-zero exit, never a traceback, and
never a half-written register."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from portal.snapshot import read_manifest

REPO = Path(__file__).resolve().parents[1]
SHARED_GEO = REPO.parent / "shared" / "data" / "geo"


def _portal(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "portal", *args],
        cwd=REPO,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--provinces", "99"], "unknown province code(s): 99"),
        (["--provinces", "3x"], "--provinces must be 2-digit codes"),
        (["--individuals", "-5"], "must be positive"),
        (["--individuals", "lots"], "expected a whole number"),
        (["--periods", "0"], "must be positive"),
        (["--periods", "99"], "argument --periods: must be between 1 and 40"),
        (["--dense", "9999"], "unknown kab/kota code(s) for --dense: 9999"),
    ],
)
def test_bad_demo_options(tmp_path: Path, args: list[str], message: str) -> None:
    result = _portal("demo", "--out", str(tmp_path), *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert read_manifest(tmp_path / "register") is None


def test_unwritable_output(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = _portal("demo", "--out", str(blocker / "data"), "--individuals", "500", "--provinces", "34")
    assert result.returncode == 2
    assert f"{blocker} is a file, not a directory" in result.stderr
    assert "Traceback" not in result.stderr


def test_failed_build_keeps_the_served_register(tmp_path: Path) -> None:
    ok = _portal("demo", "--out", str(tmp_path), "--individuals", "2000", "--provinces", "34", "--periods", "1")
    assert ok.returncode == 0, ok.stderr
    before = read_manifest(tmp_path / "register")
    bad = _portal("demo", "--out", str(tmp_path), "--provinces", "00")
    assert bad.returncode == 2
    assert read_manifest(tmp_path / "register") == before


def test_missing_reference_files_use_the_documented_fallback(tmp_path: Path) -> None:
    empty = tmp_path / "no-ref"
    empty.mkdir()
    result = _portal(
        "demo",
        "--out",
        str(tmp_path),
        "--individuals",
        "3000",
        "--provinces",
        "34",
        "--periods",
        "1",
        env={"PORTAL_REF_DIR": str(empty)},
    )
    assert result.returncode == 0, result.stderr
    assert "built-in fallback" in result.stdout
    manifest = read_manifest(tmp_path / "register")
    assert manifest.details["statistics_source"] == "built-in fallback"
    kab = duckdb.sql(
        f"select distinct sumber_statistik, p0 from "
        f"'{tmp_path / 'register' / manifest.generation / 'wilayah_kabupaten.parquet'}' where kode_prov = '34'"
    ).fetchall()
    assert kab == [("perkiraan", 9.03)]


def test_progress_is_visible(tmp_path: Path) -> None:
    result = _portal("demo", "--out", str(tmp_path), "--individuals", "2000", "--provinces", "31,34", "--periods", "2")
    assert result.returncode == 0, result.stderr
    assert "[ 1/2] province 31" in result.stdout
    assert "rows/s" in result.stdout and "ETA" in result.stdout
    assert "Published g-" in result.stdout


def test_geo_import_errors_are_one_line(tmp_path: Path) -> None:
    result = _portal("geo", "import", str(tmp_path / "nowhere"), env={"PORTAL_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(not SHARED_GEO.is_dir(), reason="reference boundaries not present beside the repository")
def test_setup_imports_boundaries_and_keeps_an_existing_register(tmp_path: Path) -> None:
    built = _portal("demo", "--out", str(tmp_path), "--individuals", "2000", "--provinces", "34", "--periods", "1")
    assert built.returncode == 0, built.stderr
    result = _portal("setup", env={"PORTAL_DATA_DIR": str(tmp_path), "PORTAL_GEO_DIR": str(SHARED_GEO)})
    assert result.returncode == 0, result.stderr
    assert "is in place" in result.stdout
    geo = json.loads((tmp_path / "geo" / "manifest.json").read_text())
    assert geo["counts"]["kecamatan"] == 7285
    again = _portal("setup", env={"PORTAL_DATA_DIR": str(tmp_path), "PORTAL_GEO_DIR": str(SHARED_GEO)})
    assert "Boundaries are in place" in again.stdout


def test_run_passes_streamlit_options_through(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from portal import cli

    calls: list[list[str]] = []
    monkeypatch.setattr(cli, "setup", lambda settings: None)
    monkeypatch.setattr(cli, "_run", lambda extra: calls.append(extra) or 0)
    assert cli.main(["run", "--server.port", "8123", "--server.address=127.0.0.1"]) == 0
    assert calls == [["--server.port", "8123", "--server.address=127.0.0.1"]]


def test_run_checks_trusted_proxies_and_can_skip_setup(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from portal import cli

    setups: list[object] = []
    monkeypatch.setattr(cli, "setup", setups.append)
    monkeypatch.setattr(cli, "_run", lambda extra: 0)
    assert cli.main(["run", "--no-setup"]) == 0 and setups == []
    monkeypatch.setenv("PORTAL_TRUSTED_PROXIES", "127.0.0.1, proxy.example")
    cli.get_settings.cache_clear()
    try:
        assert cli.main(["run"]) == 2
    finally:
        cli.get_settings.cache_clear()
    err = capsys.readouterr().err
    assert "PORTAL_TRUSTED_PROXIES" in err and "proxy.example" in err and "Traceback" not in err
    assert setups == []  # refused before anything was set up


def test_unknown_options_elsewhere_are_refused() -> None:
    result = _portal("setup", "--bogus")
    assert result.returncode == 2
    assert "unrecognized arguments: --bogus" in result.stderr


def test_a_disk_that_fills_during_a_build_leaves_the_served_register(tmp_path: Path) -> None:
    """The kernel refuses a write half-way through a build (a file-size limit stands in for a full disk):
    one line, exit 2, the served register exactly as before and no staging left behind."""
    import resource

    ok = _portal("demo", "--out", str(tmp_path), "--individuals", "2000", "--provinces", "34", "--periods", "1")
    assert ok.returncode == 0, ok.stderr
    register = tmp_path / "register"
    before = (register / "manifest.json").read_bytes()
    served = read_manifest(register)

    def small_disk() -> None:  # the code tables fit, the first province's people do not
        resource.setrlimit(resource.RLIMIT_FSIZE, (1_500_000, 1_500_000))

    args = ["demo", "--out", str(tmp_path), "--individuals", "100000", "--provinces", "34", "--periods", "2"]
    result = subprocess.run(
        [sys.executable, "-m", "portal", *args, "--seed", "5"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=small_disk,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "the build stopped and published nothing (the served register is unchanged)" in result.stderr
    assert "File too large" in result.stderr
    assert (register / "manifest.json").read_bytes() == before
    assert sorted(p.name for p in register.iterdir() if p.name.startswith(("g-", ".staging"))) == [served.generation]
    con = duckdb.connect()
    files = (register / served.generation / "individu").rglob("*.parquet")
    assert sum(con.sql(f"select count(*) from read_parquet('{f}')").fetchall()[0][0] for f in files) > 0


def test_a_build_out_of_memory_names_the_step_and_the_setting(tmp_path: Path) -> None:
    """DuckDB running out of PORTAL_BUILD_MEMORY in the derived tables (as a national build did at 2GB) is one
    line naming the table being built and the settings to change, exit 2, nothing published."""
    env = {**os.environ, "PORTAL_BUILD_MEMORY": "8MB"}
    args = ["demo", "--out", str(tmp_path), "--individuals", "2000", "--provinces", "34", "--periods", "2"]
    result = subprocess.run(
        [sys.executable, "-m", "portal", *args], cwd=REPO, capture_output=True, text=True, timeout=600, env=env
    )
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "the build stopped and published nothing (no register was served before)" in line
    steps = "the NIK index|duplicate NIK|temuan|rollups|verivali months|the nation's changes"
    assert re.search(rf"DuckDB ran out of memory building ({steps}) of 2026-0[69] under PORTAL_BUILD_MEMORY=8MB", line)
    assert "raise PORTAL_BUILD_MEMORY" in line and "Traceback" not in result.stderr
    assert read_manifest(tmp_path / "register") is None
