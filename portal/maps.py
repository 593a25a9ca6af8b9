"""Peta Cakupan: folium choropleths of rollup indicators, one level at a time, that render with no internet.

Pure functions (no Streamlit here). Leaflet's own files are served by the portal itself, never from a CDN:

- `ensure_map_assets(app_dir)` copies leaflet.js, leaflet.css and Leaflet's images from the pinned PyPI
  package `django-js-lib-leaflet` (plain files, no dependencies; the Django app wrapper is never imported) into
  `<app_dir>/static/leaflet/`, which Streamlit serves at `/app/static/leaflet/` when `.streamlit/config.toml`
  has `[server] enableStaticServing = true`. `python -m portal setup` calls it; the folder is gitignored.
- `build_choropleth` points the map at those files only (`assets_url`) and drops what folium adds by default
  (jQuery, Bootstrap, Font Awesome, awesome-markers, glyphicons): a choropleth needs none of them. The legend is
  plain HTML in a Leaflet control (no branca colormap, which would pull d3 from a CDN); base tiles are off unless
  `tiles` is given.

How a page drills down (streamlit-folium 0.27.4): when a region is clicked, the component sets
`last_active_drawing` to that feature as GeoJSON (`layer.toGeoJSON()`, so its `properties` include `kode`);
`last_object_clicked` only holds the clicked lat/lng and `last_object_clicked_tooltip` the tooltip's text.
So a page asks for that one object, which also keeps panning and zooming from rerunning the script::

    result = st_folium(m, key="peta", height=520, use_container_width=True,
                       returned_objects=["last_active_drawing"])
    code = clicked_code(result)
    if code and code != current and code.startswith(current):
        st.session_state["peta_kode"] = code   # then st.rerun(); the next run draws the level below
    for code, name in regions.breadcrumb(regions.drill_path(current), names): ...   # buttons back up

st_folium keys the component on the map's script, so every level is a fresh component and a click on one
map never leaks into the next.
"""

from __future__ import annotations

import hashlib
import html
import importlib.metadata
import importlib.resources
import json
import math
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template
from folium.utilities import JsCode

from portal.regions import code_level

# ---------------------------------------------------------------------------------------------------------------
# Leaflet's files, from a pinned registry package

ASSET_PACKAGE = "django-js-lib-leaflet"  # pinned in requirements.txt; ships Leaflet 1.9.4 (BSD-2-Clause)
_ASSET_MODULE = "js_lib_leaflet"
_ASSET_SUBDIR = ("static", "js_lib_leaflet")
ASSET_FILES: tuple[str, ...] = (
    "leaflet.js",
    "leaflet.css",
    "images/layers.png",
    "images/layers-2x.png",
    "images/marker-icon.png",
    "images/marker-icon-2x.png",
    "images/marker-shadow.png",
)
STATIC_SUBDIR = "leaflet"
DEFAULT_ASSETS_URL = "/app/static/leaflet"


class MapAssetsError(RuntimeError):
    """Leaflet's files could not be found or copied; the message says what to install or fix."""


def ensure_map_assets(app_dir: Path) -> Path:
    """Copy Leaflet's files into `<app_dir>/static/leaflet/` (served at /app/static/leaflet/); idempotent.

    Files already identical are left alone; changed or missing ones are replaced atomically, so a running
    portal never serves half a file. Returns the assets directory.
    """
    source = _asset_source()
    dest = Path(app_dir) / "static" / STATIC_SUBDIR
    try:
        for name in ASSET_FILES:
            data = (source / name).read_bytes()
            _write_if_changed(dest / name, data)
        license_text = _asset_license()
        if license_text:
            _write_if_changed(dest / "LICENSE.txt", license_text.encode("utf-8"))
    except FileNotFoundError as exc:
        raise MapAssetsError(f"{ASSET_PACKAGE} is installed but lacks {exc.filename}: reinstall it") from None
    except OSError as exc:
        raise MapAssetsError(f"cannot write Leaflet's files to {dest}: {exc.strerror or exc}") from None
    return dest


def asset_version() -> str | None:
    """Installed version of the asset package (None when it is missing)."""
    try:
        return importlib.metadata.version(ASSET_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return None


def assets_url_for(base_url_path: str = "") -> str:
    """The assets URL for a portal served under `server.baseUrlPath` (e.g. 'dtks' → '/dtks/app/static/leaflet')."""
    base = base_url_path.strip("/")
    return f"/{base}{DEFAULT_ASSETS_URL}" if base else DEFAULT_ASSETS_URL


def _asset_source() -> Any:
    try:
        root = importlib.resources.files(_ASSET_MODULE)
    except ModuleNotFoundError:
        raise MapAssetsError(
            f"Leaflet's files come from the PyPI package {ASSET_PACKAGE}, which is not installed: "
            "run `pip install -r requirements.txt`"
        ) from None
    return root.joinpath(*_ASSET_SUBDIR)


def _asset_license() -> str | None:
    try:
        files = importlib.metadata.files(ASSET_PACKAGE) or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in files:
        if entry.name.upper().startswith("LICENSE"):
            try:
                return entry.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return None
    return None


def _write_if_changed(path: Path, data: bytes) -> None:
    if (
        path.is_file()
        and path.stat().st_size == len(data)
        and hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(data).digest()
    ):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------------------------------------------------
# Classes and colours

# ColorBrewer YlGn and YlOrRd, 9 classes: high values dark green when higher is better, dark red otherwise.
_RAMP_GOOD = ("#ffffe5", "#f7fcb9", "#d9f0a3", "#addd8e", "#78c679", "#41ab5d", "#238443", "#006837", "#004529")
_RAMP_BAD = ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026")
NO_DATA_COLOUR = "#d9d9d9"


def quantile_classes(values: Iterable[float] | pd.Series, k: int = 5) -> list[float]:
    """Upper bounds of at most k quantile classes, ascending: class i holds the values v with
    breaks[i-1] < v <= breaks[i] (class 0: v <= breaks[0]).

    Every break is an observed value, so no class is empty. NaN and infinities are ignored. A value shared
    by many regions (ties, e.g. many zeros) fills one class and the rest are split again by quantiles of the
    values above it; with k or fewer distinct values each value is its own class. No values: [].
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    arr = np.asarray(pd.to_numeric(pd.Series(list(values), dtype="object"), errors="coerce"), dtype=float)
    arr = np.sort(arr[np.isfinite(arr)])
    if arr.size == 0:
        return []
    distinct = np.unique(arr)
    if distinct.size <= k:
        return [float(v) for v in distinct]
    breaks: list[float] = []
    remaining = arr
    while remaining.size and len(breaks) < k:
        left = k - len(breaks)
        # inverted_cdf: the smallest observed value with at least 1/left of the remaining values at or below it
        cut = float(np.quantile(remaining, 1.0 / left, method="inverted_cdf"))
        breaks.append(cut)
        remaining = remaining[remaining > cut]
    if remaining.size:  # cannot happen (the last cut is the maximum), kept for safety
        breaks[-1] = float(remaining[-1])
    return breaks


def classify(values: pd.Series, breaks: list[float]) -> pd.Series:
    """Class index per value for quantile_classes' breaks; -1 for NaN (no data)."""
    arr = values.to_numpy(dtype=float)
    out = np.full(arr.shape, -1, dtype=int)
    finite = np.isfinite(arr)
    if breaks:
        idx = np.searchsorted(np.asarray(breaks, dtype=float), arr[finite], side="left")
        out[finite] = np.minimum(idx, len(breaks) - 1)
    return pd.Series(out, index=values.index)


def class_colours(n: int, higher_is_better: bool = True) -> list[str]:
    """n colours from light to dark (dark = high values)."""
    ramp = _RAMP_GOOD if higher_is_better else _RAMP_BAD
    if n <= 0:
        return []
    if n == 1:
        return [ramp[5]]
    picks = np.rint(np.linspace(1, len(ramp) - 1, n)).astype(int)
    return [ramp[i] for i in picks]


def legend_entries(
    values: pd.Series, breaks: list[float], higher_is_better: bool = True, decimals: int = 1
) -> list[tuple[str, str, int]]:
    """(colour, label, regions) per class, then one for 'Tidak ada data' when any value is missing.

    A class's label is the range of the values actually in it ('12,3 – 15,0'), so labels never overlap.
    """
    classes = classify(values, breaks)
    colours = class_colours(len(breaks), higher_is_better)
    arr = values.to_numpy(dtype=float)
    entries = []
    for i, colour in enumerate(colours):
        members = arr[classes.to_numpy() == i]
        lo, hi = float(members.min()), float(members.max())
        low, high = number(lo, decimals), number(hi, decimals)
        text = low if low == high else f"{low} – {high}"
        entries.append((colour, text, int(members.size)))
    missing = int((classes == -1).sum())
    if missing:
        entries.append((NO_DATA_COLOUR, "Tidak ada data", missing))
    return entries


def number(value: float | None, decimals: int = 1) -> str:
    """12345.67 → '12.345,7' (Indonesian grouping and decimal comma); '–' for None/NaN."""
    if value is None or not math.isfinite(value):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


# ---------------------------------------------------------------------------------------------------------------
# The map


class _Legend(MacroElement):
    """A Leaflet control holding pre-escaped HTML; also sets the map's background (no tiles → no grey)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: "bottomleft"});
            legend.onAdd = function() {
                var div = L.DomUtil.create("div", "peta-legenda");
                div.innerHTML = {{ this.content|tojson }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
            {{ this._parent.get_name() }}.getContainer().style.background = {{ this.background|tojson }};
        })();
        {% endmacro %}
        """
    )

    def __init__(self, content: str, background: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.content = content
        self.background = background


_ON_EACH_FEATURE = JsCode(
    """
    function(feature, layer) {
        layer.on({
            mouseover: function(e) {
                e.target.setStyle({weight: 2.5, color: "#212529"});
                e.target.bringToFront();
            },
            mouseout: function(e) { e.target.setStyle(e.target.feature.properties.style); }
        });
    }
    """
)


def build_choropleth(
    boundaries: gpd.GeoDataFrame,
    rows: pd.DataFrame,
    value: pd.Series,
    label: str,
    *,
    tiles: str | None = None,
    assets_url: str = DEFAULT_ASSETS_URL,
    unit: str = "",
    decimals: int = 1,
    higher_is_better: bool = True,
    k: int = 5,
    hint: str | None = None,
    tiles_attr: str | None = None,
) -> folium.Map:
    """A choropleth of one level: `boundaries` (kode, nama, geometry) coloured by `value` (indexed by kode).

    `rows` are the rollup rows of the same regions (kode, nama; keluarga_aktif is shown when present).
    Regions without a row or a value are grey ('Tidak ada data'). Every feature carries its `kode` in its
    properties (read it back with clicked_code). The map loads Leaflet from `assets_url` only; base tiles are
    drawn only when `tiles` is given (a folium/xyzservices name or a URL template, with `tiles_attr`).
    `hint` is a last tooltip line (e.g. 'Klik untuk melihat kecamatan').
    """
    frame = boundaries[["kode", "nama", "geometry"]].copy()
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    frame["kode"] = frame["kode"].astype(str)
    info = rows.assign(kode=rows["kode"].astype(str)).drop_duplicates("kode").set_index("kode")
    values = value.copy()
    values.index = values.index.astype(str)
    values = pd.to_numeric(values[~values.index.duplicated()], errors="coerce").astype(float)

    shown = pd.Series(values.reindex(frame["kode"]).to_numpy(dtype=float), index=frame["kode"].to_numpy())
    shown[~np.isfinite(shown.to_numpy())] = np.nan
    breaks = quantile_classes(shown, k)
    colours = class_colours(len(breaks), higher_is_better)
    classes = classify(shown, breaks).to_numpy()

    names = info["nama"].reindex(frame["kode"]).astype("object").to_numpy() if "nama" in info else None
    families = (
        pd.to_numeric(info["keluarga_aktif"], errors="coerce").reindex(frame["kode"]).to_numpy(dtype=float)
        if "keluarga_aktif" in info
        else None
    )
    geometries = shapely.to_geojson(frame.geometry.to_numpy())
    unit_text = f" {unit}" if unit and unit != "%" else unit
    features = []
    for i, kode in enumerate(frame["kode"].to_numpy()):
        name = names[i] if names is not None and isinstance(names[i], str) and names[i] else frame["nama"].iat[i]
        v = shown.iat[i]
        colour = colours[classes[i]] if classes[i] >= 0 else NO_DATA_COLOUR
        lines = [f"<b>{html.escape(str(name))}</b>"]
        shown_value = number(v, decimals) + unit_text if np.isfinite(v) else "tidak ada data"
        lines.append(f"{html.escape(label)}: {html.escape(shown_value)}")
        if families is not None and np.isfinite(families[i]):
            lines.append(f"Keluarga aktif: {number(families[i], 0)}")
        if hint:
            lines.append(f"<i>{html.escape(hint)}</i>")
        features.append(
            {
                "type": "Feature",
                "id": kode,
                "properties": {
                    "kode": kode,
                    "tooltip": "<br>".join(lines),
                    "style": {
                        "fillColor": colour,
                        "fillOpacity": 0.85,
                        "color": "#6c757d",
                        "weight": 0.7,
                    },
                },
                "geometry": json.loads(geometries[i]),
            }
        )

    if tiles is not None and tiles.strip().lower() in ("", "none", "off"):
        tiles = None  # the PORTAL_BASE_TILES setting says 'none' by default
    fmap = folium.Map(
        tiles=tiles,
        attr=tiles_attr,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    # Only Leaflet itself, from the portal (instance attributes: never touch folium's class-level lists).
    fmap.default_js = [("leaflet", f"{assets_url.rstrip('/')}/leaflet.js")]
    fmap.default_css = [("leaflet_css", f"{assets_url.rstrip('/')}/leaflet.css")]

    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=label,
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
        on_each_feature=_ON_EACH_FEATURE,
        style=JsCode("function(feature) { return feature.properties.style; }"),
    ).add_to(fmap)
    entries = legend_entries(shown, breaks, higher_is_better, decimals)
    _Legend(_legend_html(label, unit, entries), background="#f8f9fa").add_to(fmap)

    if len(frame):
        minx, miny, maxx, maxy = (float(b) for b in frame.total_bounds)
    else:
        minx, miny, maxx, maxy = 95.0, -11.0, 141.0, 6.0
    fmap.fit_bounds([[miny, minx], [maxy, maxx]], padding=(8, 8))
    return fmap


def _legend_html(label: str, unit: str, entries: list[tuple[str, str, int]]) -> str:
    title = html.escape(label) + (f" ({html.escape(unit)})" if unit else "")
    items = "".join(
        f'<div style="margin-top:2px;white-space:nowrap">'
        f'<i style="display:inline-block;width:14px;height:14px;margin-right:6px;vertical-align:-2px;'
        f'border:1px solid #868e96;background:{colour}"></i>{html.escape(text)}'
        f' <span style="color:#6c757d">({count})</span></div>'
        for colour, text, count in entries
    )
    return (
        '<div style="background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;'
        'box-shadow:0 1px 4px rgba(0,0,0,.3);font:12px/1.35 sans-serif;color:#212529;max-width:240px">'
        f'<div style="font-weight:600;margin-bottom:2px;white-space:normal">{title}</div>{items}</div>'
    )


# ---------------------------------------------------------------------------------------------------------------
# Drill-down helpers


def clicked_code(st_folium_result: Mapping[str, Any] | None) -> str | None:
    """The Kemendagri code of the region last clicked, from what st_folium returned (None when nothing was).

    streamlit-folium puts the clicked feature, as GeoJSON, in `last_active_drawing`; its properties carry
    `kode`. Anything that is not a 2/4/6/10-digit code is ignored.
    """
    if not isinstance(st_folium_result, Mapping):
        return None
    feature = st_folium_result.get("last_active_drawing")
    if not isinstance(feature, Mapping):
        return None
    properties = feature.get("properties")
    if not isinstance(properties, Mapping):
        return None
    code = properties.get("kode")
    if isinstance(code, int) and not isinstance(code, bool):
        code = str(code)
    if not isinstance(code, str):
        return None
    code = code.strip()
    return code if code_level(code) not in (None, "nasional") else None
