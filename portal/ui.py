"""Small Streamlit pieces every page shares: the register guard, the period picker, the data note."""

from __future__ import annotations

import time
from typing import Any

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from portal import access, data, provenance, regions
from portal.config import get_settings
from portal.db import NoRegisterError, QueryError
from portal.fmt import nama_periode, tanggal_teks
from portal.maps import choropleth
from portal.privacy.user_text import escape_markdown
from portal.snapshot import Manifest, SnapshotError

ACTIVE = "_aktif"  # when this browser session last did something (portal.staff's idle watch reads it)

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


def register_period(*, note: bool = True) -> str:
    """What a page showing one period of the register starts with: the register guard, the period picker in the
    sidebar and (unless `note` is False) where the data comes from; the chosen period."""
    manifest = require_register()
    periode = period_picker(manifest)
    if note:
        source_note(manifest)
    provenance_footer()
    return periode


def source_note(manifest: Manifest) -> None:
    """Where the register comes from, in the sidebar."""
    if manifest.source == "demo":
        st.sidebar.caption(
            "Data **sintetis** untuk demonstrasi: bukan data pribadi warga. Wilayah dan kode mengikuti "
            "Kepmendagri 2025."
        )
    else:
        st.sidebar.caption(f"Sumber data: {manifest.source}, diterbitkan {tanggal_teks(manifest.published_at)}.")


def provenance_footer() -> None:
    """Where the data comes from, in the sidebar of every page (`register_period` calls it; every other page calls it
    first): the chosen period (or the newest), the register generation, the source, the masking tier and the
    suppression rule. Never fails a page: without a readable register it says so."""
    try:
        manifest = data.served_manifest()
    except (NoRegisterError, SnapshotError, QueryError, OSError):
        manifest = None
    lines = provenance.provenance_lines(manifest, st.session_state.get(PERIOD_KEY), get_settings().name_display)
    st.sidebar.caption("  \n".join(["**Asal data**", *(escape_markdown(line) for line in lines)]))


def provenance_header(periode: str) -> list[tuple[str, str]]:
    """The provenance rows for an export's header block (generation, source, masking, suppression rule)."""
    return provenance.provenance_pairs(data.served_manifest(), periode, get_settings().name_display)


def boundaries_missing_note() -> None:
    """How to import boundaries, for map sections when none are imported."""
    st.info(
        "Peta belum dapat ditampilkan karena batas wilayah belum diimpor. Administrator dapat mengimpornya "
        "dengan `python -m portal geo import <folder-batas-wilayah>` (GeoJSON, Shapefile, GeoPackage atau "
        "GeoParquet dengan kolom kode wilayah), atau mengisi `PORTAL_GEO_DIR` lalu menjalankan "
        "`python -m portal setup`.",
        icon=":material/map:",
    )


CHOICE_KEY = "pilihan_wilayah"


def region_picker(key: str) -> tuple[str, str] | None:
    """Cascading choice provinsi → kab/kota → kecamatan → desa (each searchable by typing); returns the desa's
    code and name, or None until a desa is chosen. The choice follows the person from page to page.

    The picker is a fragment: choosing a provinsi, kab/kota or kecamatan reruns only the picker (nothing else on
    the page depends on them); choosing a desa, or changing a level above a chosen desa, reruns the page. A page
    that draws everything depending on the desa inside one fragment of its own calls `region_boxes` there
    instead, so that no choice reruns the whole page."""
    return _region_fragment(key)


def _region_changed(level: str) -> None:
    """A picker box changed (a callback, before the rerun): when that changes the desa the page shows, rerun the
    whole page instead of only the picker's fragment."""
    if level == "desa" or "desa" in st.session_state.get(CHOICE_KEY, {}):
        st.rerun()


@st.fragment
def _region_fragment(key: str) -> tuple[str, str] | None:
    return region_boxes(key, rerun_page=True)


def region_boxes(key: str, *, rerun_page: bool = False) -> tuple[str, str] | None:
    """The select boxes of `region_picker`, drawn where they are called (inside the caller's fragment, if any);
    with `rerun_page`, a change of desa reruns the whole page."""
    remembered: dict[str, str] = st.session_state.setdefault(CHOICE_KEY, {})
    parent, chosen_name = "", ""
    for level in regions.AREA_LEVELS:
        label = regions.LEVEL_NAMES[level]
        names = data.region_names(level, parent)
        codes = list(names)
        previous = remembered.get(level)
        index = codes.index(previous) if previous in names else None
        picked = st.selectbox(
            label,
            codes,
            index=index,
            format_func=names.get,
            key=f"{key}_{level}",
            placeholder=f"Pilih {label.lower()}…",
            on_change=_region_changed if rerun_page else None,
            args=(level,) if rerun_page else None,
        )
        if picked is None:
            for lower in regions.AREA_LEVELS[regions.AREA_LEVELS.index(level) :]:
                remembered.pop(lower, None)
            return None
        if remembered.get(level) != picked:
            remembered[level] = picked
            for lower in regions.AREA_LEVELS[regions.AREA_LEVELS.index(level) + 1 :]:
                remembered.pop(lower, None)
        parent, chosen_name = picked, names[picked]
    return parent, chosen_name


def scope_region_picker(scope: access.Scope, key: str) -> str:
    """A region inside the official's scope, narrowed with one select box per level below it (down to
    kecamatan, whose desa the pages list); the scope's own region until something is chosen."""
    kode = scope.region
    for tempat, tingkat in zip(st.columns(3), regions.picker_levels(scope.region), strict=False):
        pilihan = data.query("wilayah_children", tingkat=tingkat, induk=kode)
        nama = dict(zip(pilihan["kode"], pilihan["nama"], strict=True))
        pilih = tempat.selectbox(
            regions.LEVEL_NAMES[tingkat],
            [None, *nama],
            format_func=lambda k, n=nama: "Semua" if k is None else n.get(k, k),
            key=f"{key}_{tingkat}_{kode}",
        )
        if pilih is None:
            break
        kode = pilih
    return kode


def client_address() -> str:
    """The client's address: the direct peer, or the address a configured trusted proxy forwarded, as
    `portal.web.middleware` resolved it for this connection (never a header the client chose)."""
    try:
        return st.context.headers.get("X-Portal-Client") or st.context.ip_address or "tanpa-alamat"
    except Exception:  # outside a browser session (AppTest)
        return "tanpa-alamat"


def session_key() -> str:
    """A random identifier for this browser session, kept in session state."""
    import uuid

    return st.session_state.setdefault("_sesi", uuid.uuid4().hex)


def allow(kind: str, limits: tuple[str, ...]) -> bool:
    """Count one `kind` action (search, ticket lookup) against this session's and this address's limits;
    when a limit is reached, say so in Bahasa Indonesia and return False. An action is activity: the idle watch
    counts from it, also when it ran in a fragment (which does not run app.py)."""
    st.session_state[ACTIVE] = time.time()
    keys = (f"{kind}:sesi:{session_key()}", f"{kind}:alamat:{client_address()}")
    for limit, key in zip(limits, keys, strict=True):
        wait = data.throttle(limit).wait(key)
        if wait > 0:
            minutes = max(1, round(wait / 60))
            st.warning(
                f"Terlalu banyak permintaan dalam waktu singkat. Silakan coba lagi dalam sekitar {minutes} menit.",
                icon=":material/hourglass_top:",
            )
            return False
    return True


def refer_to_form(reference: dict[str, str]) -> None:
    """Carry a list row (by its opaque token) to the objection form."""
    st.session_state["rujukan"] = reference
    st.switch_page("pages/ajukan.py")


WIB = "Asia/Jakarta"


def table(
    rows: pd.DataFrame,
    *,
    labels: dict[str, str] | None = None,
    percent: tuple[str, ...] = (),
    decimals: dict[str, int] | None = None,
    hide_index: bool = True,
    **kwargs: Any,
) -> Any:
    """`st.dataframe` the way every table of the portal is shown (see `table_view`); returns what it returns
    (the selection, with `on_select`)."""
    shown, config = table_view(rows, labels=labels, percent=percent, decimals=decimals)
    kwargs.setdefault("width", "stretch")
    return st.dataframe(shown, hide_index=hide_index, column_config=config, **kwargs)


def table_view(
    rows: pd.DataFrame,
    *,
    labels: dict[str, str] | None = None,
    percent: tuple[str, ...] = (),
    decimals: dict[str, int] | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """A table ready for a reader, and its column_config: headings from `portal.words`, numbers in the reader's
    format ("localized": the page pins the browser's number locale to id-ID, so 6.510 and 10,69), `percent`
    columns (0–100) as percentages, times in WIB, and empty text cells as "–" instead of "None". The data stays
    numeric, so sorting a column still sorts numbers."""
    from portal import words

    shown = rows.copy()
    config: dict[str, Any] = {}
    digits = decimals or {}
    for name in shown.columns:
        label = words.heading(str(name), labels)
        column = shown[name]
        if name in percent:
            shown[name] = pd.to_numeric(column, errors="coerce") / 100.0
            step = 10 ** -(digits.get(name, 1) + 2)
            config[name] = st.column_config.NumberColumn(label, format="percent", step=step)
        elif pd.api.types.is_bool_dtype(column):
            config[name] = st.column_config.CheckboxColumn(label)
        elif pd.api.types.is_numeric_dtype(column):
            step = 10 ** -digits[name] if name in digits else None
            config[name] = st.column_config.NumberColumn(label, format="localized", step=step)
        elif pd.api.types.is_datetime64_any_dtype(column):
            if column.dt.tz is None:
                column = column.dt.tz_localize("UTC")
            shown[name] = column.dt.tz_convert(WIB).dt.tz_localize(None)
            config[name] = st.column_config.DatetimeColumn(label, format="DD/MM/YYYY HH:mm [WIB]")
        else:
            shown[name] = column.astype(object).where(column.notna(), "–")
            config[name] = st.column_config.TextColumn(label)
    return shown, config


def region_from_url(key: str) -> None:
    """Open the region picker `key` at the desa a link names (`?desa=3471031003`, e.g. from the QR code of a
    printed notice): once per distinct link value, so that choosing another desa afterwards is not undone. A code
    that is not a known desa leaves the picker empty and says so (a mistyped or outdated link should not look like
    a desa without lists). Call it before `region_picker(key)` / `region_boxes(key)`."""
    kode = st.query_params.get("desa")
    seen = f"_tautan_desa_{key}"
    if not kode or st.session_state.get(seen) == kode:
        return
    st.session_state[seen] = kode
    path = regions.drill_path(kode)[1:] if regions.code_level(kode) == "desa" else []
    parent = ""
    for level, code in zip(regions.AREA_LEVELS, path, strict=False):  # none when the code is no desa code
        if code not in data.region_names(level, parent):
            path = []
            break
        parent = code
    if not path:
        # The code is echoed only when it is 1-20 digits: anything else in a link is never shown back.
        shown = f" ({kode})" if kode.isascii() and kode.isdigit() and len(kode) <= 20 else ""
        st.warning(
            f"Tautan ini menunjuk kode desa yang tidak dikenal{shown}. Periksa tautannya, atau pilih desa di bawah.",
            icon=":material/link_off:",
        )
        return
    st.session_state[CHOICE_KEY] = dict(zip(regions.AREA_LEVELS, path, strict=True))
    for level in regions.AREA_LEVELS:
        st.session_state.pop(f"{key}_{level}", None)  # the boxes take the new choice, not their last value


def link_seen(key: str, kode_desa: str) -> None:
    """Record that the page now shows `kode_desa` in its link, so `region_from_url` leaves the choice alone."""
    st.session_state[f"_tautan_desa_{key}"] = kode_desa


MAP_HEIGHT = 420  # px: under 60% of a phone's screen (360 × 780), so the page scrolls on past the map


def region_map(
    level: str,
    parent: str,
    rows: pd.DataFrame,
    values: pd.Series,
    meta: Any,
    key: str,
    *,
    height: int = MAP_HEIGHT,
    hint: str | None = None,
    clickable: bool = False,
) -> dict | None:
    """A choropleth of the `level` regions under `parent` ('' = the nation), or the note on importing boundaries;
    its legend below the map (on it, it covered Banten and Jakarta at the national view), classes fitted to the
    indicator (`indicators.class_scale`: round classes, fewer when the values are close together), and a height
    that leaves a phone's page scrollable past the map. Returns the clicked region when `clickable`."""
    from portal import indicators

    batas = data.boundaries(level, parent or None)
    if batas is None:
        boundaries_missing_note()
        return None
    step, domain = indicators.class_scale(meta)
    tiles = get_settings().base_tiles
    peta = choropleth.build_choropleth(
        batas,
        rows,
        values,
        meta.label,
        unit=meta.unit,
        decimals=meta.decimals,
        higher_is_better=meta.higher_is_better,
        tiles=None if tiles == "none" else tiles,
        hint=hint,
        min_step=step,
        domain=domain,
        legend_in_map=False,
    )
    returned = ["last_active_drawing"] if clickable else []
    result = st_folium(peta, key=key, height=height, use_container_width=True, returned_objects=returned)
    st.html(f'<div class="peta-legenda-bawah">{choropleth.legend_html(*peta.legend)}</div>')
    return result
