"""The map: a folium choropleth of one level that loads Leaflet from the portal only, and the code of the region
clicked on it (see portal.maps for how a page drills down)."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template
from folium.utilities import JsCode

from portal.maps.assets import DEFAULT_ASSETS_URL
from portal.maps.classes import (
    NO_DATA_COLOUR,
    bound_entries,
    class_colours,
    classify,
    legend_entries,
    nice_classes,
    number,
    quantile_classes,
    ramp_colours,
)
from portal.regions import code_level


class _Legend(MacroElement):
    """A Leaflet control holding pre-escaped HTML; also sets the map's background (no tiles → no grey)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            {{ this._parent.get_name() }}.getContainer().style.background = {{ this.background|tojson }};
            if (!{{ this.content|tojson }}) { return; }
            var legend = L.control({position: "bottomleft"});
            legend.onAdd = function() {
                var div = L.DomUtil.create("div", "peta-legenda");
                div.style.maxWidth = "260px";
                div.innerHTML = {{ this.content|tojson }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, content: str, background: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.content = content
        self.background = background


class _TouchFriendly(MacroElement):
    """On a touch screen one finger scrolls the page past the map instead of panning it (two fingers still pinch
    to zoom); a mouse wheel never zooms the map while the reader scrolls the page."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(map) {
            map.scrollWheelZoom.disable();
            var coarse = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
            if (L.Browser.mobile || coarse) {
                map.dragging.disable();
                if (map.tap) { map.tap.disable(); }
            }
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "TouchFriendly"


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
    min_step: float | None = None,
    domain: tuple[float, float] | None = None,
    legend_in_map: bool = True,
) -> folium.Map:
    """A choropleth of one level: `boundaries` (kode, nama, geometry) coloured by `value` (indexed by kode).

    `rows` are the rollup rows of the same regions (kode, nama; keluarga_aktif is shown when present).
    Regions without a row or a value are grey ('Tidak ada data'). Every feature carries its `kode` in its
    properties (read it back with clicked_code). The map loads Leaflet from `assets_url` only; base tiles are
    drawn only when `tiles` is given (a folium/xyzservices name or a URL template, with `tiles_attr`).
    `hint` is a last tooltip line (e.g. 'Klik untuk melihat kecamatan').

    Classes: with `min_step` (the smallest difference worth its own colour, e.g. 5 for a percentage) the classes
    are round equal-width ones (classes.nice_classes, within `domain`), so a narrow spread gets few classes in
    neighbouring colours; without it, k quantile classes. The legend (title, entries and the honest range of the
    values) is kept as `fmap.legend` = (title, entries, range text); `legend_in_map=False` leaves it off the map
    so the page can show it below (legend_html), where it never covers land.
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
    if min_step is not None:
        lower, breaks = nice_classes(shown, k, min_step, domain)
        colours = ramp_colours(len(breaks), k, higher_is_better, _position(shown, domain))
        entries = bound_entries(shown, lower, breaks, colours, decimals)
    else:
        breaks = quantile_classes(shown, k)
        colours = class_colours(len(breaks), higher_is_better)
        entries = legend_entries(shown, breaks, higher_is_better, decimals)
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
        scroll_wheel_zoom=False,
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
    title = label + (f" ({unit})" if unit else "")
    finite = shown[np.isfinite(shown.to_numpy())]
    spread = (
        f"Nilai wilayah: {number(finite.min(), decimals)} – {number(finite.max(), decimals)}{unit_text}"
        if len(finite)
        else ""
    )
    fmap.legend = (title, entries, spread)
    _Legend(legend_html(title, entries, spread) if legend_in_map else "", background="#f8f9fa").add_to(fmap)
    _TouchFriendly().add_to(fmap)

    if len(frame):
        minx, miny, maxx, maxy = (float(b) for b in frame.total_bounds)
    else:
        minx, miny, maxx, maxy = 95.0, -11.0, 141.0, 6.0
    fmap.fit_bounds([[miny, minx], [maxy, maxx]], padding=(8, 8))
    return fmap


def _position(values: pd.Series, domain: tuple[float, float] | None) -> float | None:
    """Where the middle of the values sits in the domain (0–1), for ramp_colours; None without a finite domain."""
    finite = values[np.isfinite(values.to_numpy())]
    if domain is None or not len(finite) or not all(np.isfinite(domain)) or domain[1] <= domain[0]:
        return None
    return float(((finite.min() + finite.max()) / 2 - domain[0]) / (domain[1] - domain[0]))


def legend_html(title: str, entries: list[tuple[str, str, int]], spread: str = "") -> str:
    """The legend as escaped HTML: a title, one swatch per class with its regions, and the values' range.
    Empty entries give an empty string (the map then has no legend control)."""
    if not entries:
        return ""
    items = "".join(
        f'<span style="display:inline-block;margin:2px 10px 0 0;white-space:nowrap">'
        f'<i style="display:inline-block;width:14px;height:14px;margin-right:5px;vertical-align:-2px;'
        f'border:1px solid #868e96;background:{colour}"></i>{html.escape(text)}'
        f' <span style="color:#6c757d">({count})</span></span>'
        for colour, text, count in entries
    )
    note = f'<div style="color:#495057;margin-top:2px">{html.escape(spread)}</div>' if spread else ""
    return (
        '<div style="background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;'
        'font:13px/1.4 sans-serif;color:#212529;max-width:100%">'
        f'<div style="font-weight:600;margin-bottom:2px">{html.escape(title)}</div><div>{items}</div>{note}</div>'
    )


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
