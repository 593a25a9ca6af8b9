"""Small Streamlit pieces every page shares: the register guard, the period picker, the data note."""

from __future__ import annotations

import streamlit as st

from portal import data
from portal.db import NoRegisterError, QueryError
from portal.fmt import nama_periode
from portal.snapshot import Manifest, SnapshotError

PERIOD_KEY = "periode"


def require_register() -> Manifest:
    """The served manifest; when there is none, explain what to do in Bahasa Indonesia and stop the page."""
    try:
        return data.served_manifest()
    except NoRegisterError:
        st.error(
            "Data register belum tersedia. Jalankan `python -m portal demo` untuk membuat data demo, "
            "atau impor data dengan `python -m portal ingest`, lalu muat ulang halaman ini."
        )
    except (SnapshotError, QueryError, OSError):
        st.error("Data register tidak dapat dibaca saat ini. Silakan hubungi administrator portal.")
    st.stop()
    raise AssertionError("st.stop() returned")  # for type checkers


def period_picker(manifest: Manifest) -> str:
    """A period chosen in the sidebar, kept across pages in session state; defaults to the newest."""
    periods = list(reversed(manifest.periods))
    if st.session_state.get(PERIOD_KEY) not in periods:
        st.session_state[PERIOD_KEY] = periods[0]
    return st.sidebar.selectbox(
        "Periode data",
        periods,
        key=PERIOD_KEY,
        format_func=nama_periode,
        help="Setiap periode adalah potret (snapshot) register yang ditetapkan.",
    )


def source_note(manifest: Manifest) -> None:
    """Where the register comes from, in the sidebar."""
    if manifest.source == "demo":
        st.sidebar.caption(
            "Data **sintetis** untuk demonstrasi: bukan data pribadi warga. Wilayah dan kode mengikuti "
            "Kepmendagri 2025."
        )
    else:
        st.sidebar.caption(f"Sumber data: {manifest.source}, diterbitkan {manifest.published_at[:10]}.")


def boundaries_missing_note() -> None:
    """How to import boundaries, for map sections when none are imported."""
    st.info(
        "Peta belum dapat ditampilkan karena batas wilayah belum diimpor. Administrator dapat mengimpornya "
        "dengan `python -m portal geo import <folder-batas-wilayah>` (GeoJSON, Shapefile, GeoPackage atau "
        "GeoParquet dengan kolom kode wilayah), atau mengisi `PORTAL_GEO_DIR` lalu menjalankan "
        "`python -m portal setup`.",
        icon=":material/map:",
    )
