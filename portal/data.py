"""The only module with Streamlit caching. Cached results are keyed by the served generation, so a newly
published register is picked up at once, and by every parameter (region scopes included)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

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
