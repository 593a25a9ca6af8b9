"""The only module with Streamlit caching. Cached results are keyed by the served generation, so a newly
published register is picked up at once, and by every parameter (region scopes included)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from portal import geo
from portal.config import get_settings
from portal.db import current_register
from portal.snapshot import Manifest


def served_manifest() -> Manifest:
    """The manifest of the register being served (raises NoRegisterError when there is none)."""
    return current_register().manifest


@st.cache_data(show_spinner=False, max_entries=512, ttl=3600)
def _cached_query(generation: str, name: str, params: tuple[tuple[str, object], ...]) -> pd.DataFrame:
    return current_register().run(name, **dict(params))


def query(name: str, **params: object) -> pd.DataFrame:
    """A named query's result, cached per generation and parameters."""
    generation = current_register().manifest.generation
    return _cached_query(generation, name, tuple(sorted(params.items())))


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_boundaries(geo_dir: str, stamp: float, level: str, parent: str | None) -> gpd.GeoDataFrame:
    return geo.load_boundaries(Path(geo_dir), level, parent)


def boundaries(level: str, parent: str | None = None) -> gpd.GeoDataFrame | None:
    """Imported boundaries of a level (under `parent`), or None when they have not been imported."""
    geo_dir = get_settings().geo_dir
    manifest = geo_dir / "manifest.json"
    if not manifest.is_file() or level not in geo.available_levels(geo_dir):
        return None
    return _cached_boundaries(str(geo_dir), manifest.stat().st_mtime, level, parent)
