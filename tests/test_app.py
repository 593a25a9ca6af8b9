"""AppTest of the shell: every registered page renders on the fixture register without an exception."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from portal import config, db

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app_env(fixture_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the portal at the fixture register for the duration of one test."""
    monkeypatch.setenv("PORTAL_DATA_DIR", str(fixture_dir))
    monkeypatch.setenv("PORTAL_GEO_DIR", str(fixture_dir / "no-boundaries"))
    config.get_settings.cache_clear()
    db._current = None
    yield
    config.get_settings.cache_clear()
    db._current = None


def _metric(at: AppTest, label: str) -> str:
    for metric in at.metric:
        if metric.label == label:
            return metric.value
    raise AssertionError(f"no metric {label!r}: {[m.label for m in at.metric]}")


def test_beranda_shows_headline_figures(app_env: None) -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert _metric(at, "Keluarga aktif") == "5"
    assert _metric(at, "Individu aktif") == "10"
    assert _metric(at, "Desa/kelurahan dengan data") == "3"
    assert len(at.dataframe) == 1


def test_period_picker_changes_the_figures(app_env: None) -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.sidebar.selectbox(key="periode").set_value("2026-06").run()
    assert not at.exception
    assert _metric(at, "Keluarga aktif") == "6"


def test_no_register_gives_instructions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path))
    config.get_settings.cache_clear()
    db._current = None
    try:
        at = AppTest.from_file(APP, default_timeout=30).run()
    finally:
        config.get_settings.cache_clear()
        db._current = None
    assert not at.exception
    assert any("python -m portal demo" in e.value for e in at.error)


def test_internal_section_hidden_without_login(app_env: None) -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "Internal" not in str(at.sidebar)


SHARED_GEO = Path(__file__).resolve().parents[2] / "shared" / "data" / "geo"


def test_map_explains_how_to_import_boundaries(app_env: None) -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert any("python -m portal geo import" in info.value for info in at.info)


@pytest.mark.skipif(not SHARED_GEO.is_dir(), reason="reference boundaries not present beside the repository")
def test_map_drawn_when_boundaries_exist(fixture_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from portal import geo

    data_dir = fixture_dir.parent / "with-geo"
    if not data_dir.exists():
        import shutil

        shutil.copytree(fixture_dir, data_dir)
        geo.import_boundaries(SHARED_GEO, data_dir / "geo", progress=lambda _line: None)
    monkeypatch.setenv("PORTAL_DATA_DIR", str(data_dir))
    config.get_settings.cache_clear()
    db._current = None
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert not at.exception
        assert not any("geo import" in info.value for info in at.info)
        assert len(at.get("plotly_chart")) == 3  # map, ranking, trend
    finally:
        config.get_settings.cache_clear()
        db._current = None
