"""Shared fixtures: the hand-made register (known answers) published into a temporary data directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

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
