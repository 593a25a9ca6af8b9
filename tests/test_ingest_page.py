"""The Unggah Data page with a signed-in kabupaten official (local account through Masuk): rows outside the
region are rejected, the rest of the period is carried over, the upload is audited; other roles are refused."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from portal.config import Settings
from portal.snapshot import partition_path, read_manifest
from portal.store import open_store
from tests.conftest import create_staff, reset_portal_caches, signed_in
from tests.fixture_register import A, B
from tests.ingest_helpers import BASE_HEADER, copy_register, person, write_csv

REPO = Path(__file__).resolve().parents[1]
PAGE = str(REPO / "pages" / "unggah_data.py")


@pytest.fixture
def env(portal_env: str, fixture_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    settings = copy_register(fixture_dir, tmp_path / "data")
    monkeypatch.setenv("PORTAL_DATA_DIR", str(settings.data_dir))
    reset_portal_caches()
    create_staff(portal_env, {"jogja": ("kabupaten", "3471"), "analis1": ("analis", "")})
    yield settings


def _page_as(user: str) -> AppTest:
    at = signed_in(user)
    page = AppTest.from_file(PAGE, default_timeout=60)
    page.session_state["staf"] = at.session_state["staf"]
    return page.run()


def _upload(page: AppTest, content: bytes, periode: str) -> AppTest:
    page.file_uploader(key="unggah_berkas").set_value(("ekspor jogja.csv", content, "text/csv"))
    page.text_input(key="unggah_periode").set_value(periode)
    return page.button[-1].click().run()


def test_kabupaten_official_replaces_only_their_region(env: Settings, tmp_path: Path, portal_env: str) -> None:
    before = read_manifest(env.register_dir)
    old_root = env.register_dir / before.generation
    jakarta = partition_path(old_root, "individu", "2026-09", "31")
    rows = [
        person(A, 51, 1, "PENDATANG BARU", date(1990, 3, 4), "L", "kepala keluarga"),
        person(A, 51, 2, "ISTRI BARU", date(1992, 5, 6), "P", "istri"),
        person(B, 52, 3, "DI BANTUL", date(1980, 1, 2), "L", "kepala keluarga"),  # outside 3471
    ]
    content = write_csv(tmp_path / "up.csv", BASE_HEADER, rows).read_bytes()
    page = _upload(_page_as("jogja"), content, "2026-09")
    assert not page.exception, page.exception
    assert [m.value for m in page.metric] == ["3", "2", "1", "1"]
    assert any("diterbitkan" in s.value for s in page.success)
    assert any("DI_LUAR_WILAYAH" in str(df.value) for df in page.dataframe)

    after = read_manifest(env.register_dir)
    assert after.generation != before.generation and after.periods == before.periods
    root = env.register_dir / after.generation
    glob = (root / "individu" / "periode=2026-09" / "*" / "*.parquet").as_posix()
    people = duckdb.sql(f"select kode_desa, nama from read_parquet('{glob}') order by all").fetchall()
    assert people == [
        ("3171011002", "AHMAD FAUZI"),  # Jakarta: untouched
        ("3171011002", "JOKO SUSILO"),
        ("3171011002", "NUR HALIMAH"),
        (B, "SUPARMAN"),  # Bantul: outside the official's region, carried over from the existing period
        (B, "SUPARMI"),
        (A, "ISTRI BARU"),  # Kota Yogyakarta: replaced by the upload
        (A, "PENDATANG BARU"),
    ]
    assert os.stat(partition_path(root, "individu", "2026-09", "31")).st_ino == os.stat(jakarta).st_ino

    store = open_store(portal_env)
    try:
        entry = next(e for e in store.audit_log() if e.action == "unggah_data")
        assert (entry.actor, entry.region, entry.detail["diterima"], entry.detail["ditolak"]) == ("jogja", "3471", 2, 1)
    finally:
        store.close()


def test_bad_period_gets_an_indonesian_message(env: Settings, tmp_path: Path) -> None:
    before = read_manifest(env.register_dir).generation
    content = write_csv(tmp_path / "up.csv", BASE_HEADER, [person(A, 51, 1, "X", date(1990, 3, 4), "L")]).read_bytes()
    page = _upload(_page_as("jogja"), content, "2026-13")
    assert not page.exception
    assert any("Periode harus berbentuk" in e.value for e in page.error)
    assert read_manifest(env.register_dir).generation == before


def test_analyst_may_not_upload(env: Settings) -> None:
    page = _page_as("analis1")
    assert any("tidak memiliki akses" in e.value for e in page.error)
    assert not page.file_uploader
