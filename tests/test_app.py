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
