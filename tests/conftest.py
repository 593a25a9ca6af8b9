"""Shared fixtures: the hand-made register (known answers) published into a temporary data directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from portal import db
from portal.config import Settings
from tests.fixture_register import build_fixture, fixture_settings


@pytest.fixture(scope="session")
def fixture_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the published fixture register."""
    data_dir = tmp_path_factory.mktemp("fixture-data")
    build_fixture(fixture_settings(data_dir))
    return data_dir


@pytest.fixture(scope="session")
def settings(fixture_dir: Path) -> Settings:
    """Settings for the fixture register."""
    return fixture_settings(fixture_dir)


@pytest.fixture(scope="session")
def register(settings: Settings) -> Iterator[db.Register]:
    """A Register (locked DuckDB connection) over the fixture."""
    reg = db.Register(settings)
    yield reg
    reg.close()


STAFF_PASSWORD = "kata-sandi-yang-panjang-1"
APP = str(Path(__file__).resolve().parents[1] / "app.py")


def create_staff(store_url: str, users: dict[str, tuple[str, str]]) -> None:
    """Local accounts name → (role, region), all with STAFF_PASSWORD, in the store at `store_url`."""
    from portal.accounts import Accounts
    from portal.store import open_store

    store = open_store(store_url)
    try:
        accounts = Accounts(store)
        for name, (role, region) in users.items():
            accounts.create_user(name, STAFF_PASSWORD, role, region)
    finally:
        store.close()


def signed_in(user: str) -> AppTest:
    """The app in AppTest after `user` signed in on the Masuk page with STAFF_PASSWORD."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/masuk.py").run()
    at.text_input[0].set_value(user)
    at.text_input[1].set_value(STAFF_PASSWORD)
    at.button[-1].click().run()
    assert not at.exception, at.exception
    assert at.session_state["staf"]["scope"].user == user
    return at


def reset_portal_caches() -> None:
    """Forget settings, the open register and every cached resource, after the environment changed."""
    from portal import config, data

    config.get_settings.cache_clear()
    db._current = None
    for cached in (data.store, data.throttle, data.token_secret, data.accounts):
        cached.clear()


@pytest.fixture
def portal_env(fixture_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The portal pointed at the fixture register, a fresh SQLite store (its URL is yielded), no boundaries and
    a fixed token secret; caches cleared before and after."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("PORTAL_DATA_DIR", str(fixture_dir))
    monkeypatch.setenv("PORTAL_GEO_DIR", str(tmp_path / "no-geo"))
    monkeypatch.setenv("PORTAL_DB_URL", url)
    monkeypatch.setenv("PORTAL_SECRET_KEY", "ab" * 32)
    reset_portal_caches()
    yield url
    reset_portal_caches()


def shown_table(element: object) -> object:
    """An AppTest dataframe as its reader sees it: columns under their headings (the column_config labels that
    `ui.table` sets) and percentage columns back on the 0–100 scale they are shown in ('72,3%' → 72.3)."""
    import json

    frame = element.value.copy()
    config = json.loads(element.proto.columns or "{}")
    for name, column in config.items():
        if name in frame.columns and column.get("type_config", {}).get("format") == "percent":
            frame[name] = frame[name] * 100.0
    return frame.rename(columns={name: c["label"] for name, c in config.items() if c.get("label")})
