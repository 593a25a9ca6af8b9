"""Peta Cakupan as pure functions (portal.maps): indicators, quantile classes, the folium map (joins, no CDN,
legend, escaping), drill-down helpers and Leaflet's files copied from the pinned package."""

from __future__ import annotations

import html
import importlib.resources
import json
import math
import re
import shutil
import time
from pathlib import Path
from types import SimpleNamespace

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from portal import indicators
from portal.geo import import_boundaries, load_boundaries
from portal.maps import assets, choropleth, classes
from portal.wilayah import load_code_tables

REFERENCE_GEO = Path(__file__).resolve().parents[2] / "shared" / "data" / "geo"
_CODE = {"provinsi": "kode_prov", "kabupaten": "kode_kab", "kecamatan": "kode_kec", "desa": "kode_desa"}
_NAME = {"provinsi": "nama_prov", "kabupaten": "nama_kab", "kecamatan": "nama_kec", "desa": "nama_desa"}
_PARENT = {"provinsi": None, "kabupaten": "kode_prov", "kecamatan": "kode_kab", "desa": "kode_kec"}
_CDN_HOSTS = ("jsdelivr", "cdnjs", "jquery", "bootstrap", "fontawesome", "unpkg", "d3js", "cloudflare")


def _quiet(_: str) -> None:
    pass


def _rollup_rows(level: str, parent: str | None = None) -> pd.DataFrame:
    """Rollup-like rows for the regions of one level under parent, from the code list, with values that
    depend only on each row's position (deterministic, all denominators positive)."""
    table = load_code_tables()[level]
    if parent is not None:
        table = table[table[_PARENT[level]] == parent]
    n = len(table)
    i = np.arange(n)
    families = 1_000 + 37 * i
    return pd.DataFrame(
        {
            "tingkat": level,
            "kode": table[_CODE[level]].to_numpy(),
            "kode_induk": table[_PARENT[level]].to_numpy() if _PARENT[level] else "",
            "nama": table[_NAME[level]].to_numpy(),
            "keluarga_aktif": families,
            "keluarga_tertimbang": families * 20,
            "individu_aktif": families * 4,
            "individu_padan": families * 4 - (i % 7) * 50,
            "desil_1": 100 + i,
            "desil_2": 90 + i,
            "desil_3": 80,
            "desil_4": 70,
            "pkh": 200 + 3 * i,
            "bpnt": 300 + 2 * i,
            "pbi_jk": 400 + i,
            "bulan_verivali_total": families * (6 + i % 10),
            "desa_musdes_3_bulan": i % 5,
            "jumlah_desa": 5,
            "penduduk": families * 100 + 7 * i,
        }
    )


@pytest.fixture(scope="module")
def reference_geo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference boundaries imported the way the portal imports them."""
    if not REFERENCE_GEO.is_dir():
        pytest.skip(f"reference boundaries not found at {REFERENCE_GEO}")
    dest = tmp_path_factory.mktemp("geo")
    import_boundaries(REFERENCE_GEO, dest, progress=_quiet)
    return dest


def _geojson(fmap: folium.Map) -> dict:
    layers = [child for child in fmap._children.values() if isinstance(child, folium.GeoJson)]
    assert len(layers) == 1
    return layers[0].data


def _squares() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"kode": ["11", "12", "13", "14"], "nama": ["Satu", "Dua", "Tiga", "Empat"], "kode_induk": ""},
        geometry=[box(95 + 2 * i, -2, 96 + 2 * i, -1) for i in range(4)],
        crs="EPSG:4326",
    )


def _square_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {"tingkat": "provinsi", "kode": ["11", "12", "13", "14"], "nama": ["Satu", "Dua", "Tiga", "Empat"]}
    ).assign(keluarga_aktif=[10, 20, 30, 40])


# ---------------------------------------------------------------------------------------------------------------
# GeoJSON of the map joins the rollup codes


@pytest.mark.parametrize(
    ("level", "parent", "expected"),
    [("provinsi", None, 38), ("kabupaten", "32", 27), ("kecamatan", "3201", 40), ("desa", "340101", None)],
)
def test_map_joins_rollup_codes(reference_geo: Path, level: str, parent: str | None, expected: int | None) -> None:
    boundaries = load_boundaries(reference_geo, level, parent)
    rows = _rollup_rows(level, parent)
    values = indicators.indicator_values(rows, "padan_dukcapil")
    fmap = choropleth.build_choropleth(boundaries, rows, values, "Padan", unit="%")
    features = _geojson(fmap)["features"]
    codes = [f["properties"]["kode"] for f in features]

    assert len(codes) == len(set(codes))
    assert set(codes) == set(rows["kode"]), "every feature has a rollup row and every row a feature"
    if expected is not None:
        assert len(codes) == expected
    # Every region got a class colour, none the no-data grey, and the tooltip names the region.
    names = dict(zip(rows["kode"], rows["nama"], strict=True))
    for feature in features:
        props = feature["properties"]
        assert props["style"]["fillColor"] != classes.NO_DATA_COLOUR
        assert html.escape(names[props["kode"]]) in props["tooltip"]
        assert feature["id"] == props["kode"]


def test_regions_without_rows_are_grey() -> None:
    rows = _square_rows().iloc[:3]
    values = pd.Series([1.0, 2.0, np.nan], index=["11", "12", "13"])
    features = _geojson(choropleth.build_choropleth(_squares(), rows, values, "Nilai"))["features"]
    colours = {f["properties"]["kode"]: f["properties"]["style"]["fillColor"] for f in features}
    assert colours["13"] == colours["14"] == classes.NO_DATA_COLOUR
    assert colours["11"] != classes.NO_DATA_COLOUR and colours["12"] != classes.NO_DATA_COLOUR
    tooltips = {f["properties"]["kode"]: f["properties"]["tooltip"] for f in features}
    assert "tidak ada data" in tooltips["14"] and "Empat" in tooltips["14"]


# ---------------------------------------------------------------------------------------------------------------
# No CDN


def test_rendered_html_has_no_remote_url() -> None:
    fmap = choropleth.build_choropleth(
        _squares(), _square_rows(), pd.Series([1.0, 2, 3, 4], index=["11", "12", "13", "14"]), "X"
    )
    page = fmap.get_root().render()
    assert "http://" not in page and "https://" not in page and "//cdn" not in page
    for host in _CDN_HOSTS:
        assert host not in page.lower(), host
    scripts = re.findall(r'<script[^>]*\ssrc="([^"]+)"', page)
    styles = re.findall(r'<link[^>]*\shref="([^"]+)"', page)
    assert scripts == ["/app/static/leaflet/leaflet.js"]
    assert styles == ["/app/static/leaflet/leaflet.css"]


def test_links_st_folium_collects_are_local_only() -> None:
    """st_folium loads every element's default_js/default_css itself (not the rendered header): only ours."""
    fmap = choropleth.build_choropleth(
        _squares(), _square_rows(), pd.Series(dtype=float), "X", assets_url="/dtks/app/static/leaflet/"
    )
    fmap.get_root().render()

    def walk(element: object):
        yield element
        for child in getattr(element, "_children", {}).values():
            yield from walk(child)

    js = [url for el in walk(fmap) for _, url in getattr(el, "default_js", [])]
    css = [url for el in walk(fmap) for _, url in getattr(el, "default_css", [])]
    assert js == ["/dtks/app/static/leaflet/leaflet.js"]
    assert css == ["/dtks/app/static/leaflet/leaflet.css"]
    # folium's own class-level lists are untouched, so other folium maps in the process are unaffected.
    assert any("leaflet" in url and url.startswith("https://") for _, url in folium.Map.default_js)
    assert assets.assets_url_for("") == "/app/static/leaflet"
    assert assets.assets_url_for("/dtks/") == "/dtks/app/static/leaflet"


def test_same_map_keeps_its_st_folium_key() -> None:
    """st_folium keys the component on the map's script: a rerun drawing the same map must give the same key,
    or the component remounts and the click that caused the rerun is lost."""
    from streamlit_folium import _get_map_string, generate_js_hash

    def key() -> str:
        values = pd.Series([1.0, 2, 3, 4], index=["11", "12", "13", "14"])
        fmap = choropleth.build_choropleth(_squares(), _square_rows(), values, "X")
        fmap.get_root().render()
        return generate_js_hash(_get_map_string(fmap), "peta", False)

    assert key() == key()


def test_tiles_only_when_asked() -> None:
    rows, values = _square_rows(), pd.Series([1.0, 2, 3, 4], index=["11", "12", "13", "14"])
    off = choropleth.build_choropleth(_squares(), rows, values, "X", tiles="none").get_root().render()
    assert "tileLayer" not in off
    on = choropleth.build_choropleth(_squares(), rows, values, "X", tiles="OpenStreetMap").get_root().render()
    assert "tile.openstreetmap.org" in on
    assert re.findall(r'<script[^>]*\ssrc="([^"]+)"', on) == ["/app/static/leaflet/leaflet.js"]


def test_map_fits_the_regions() -> None:
    page = choropleth.build_choropleth(_squares(), _square_rows(), pd.Series(dtype=float), "X").get_root().render()
    assert re.search(r"fitBounds\(\s*\[\[-2\.0, 95\.0\], \[-1\.0, 102\.0\]\]", page)


def test_names_and_labels_are_escaped() -> None:
    rows = _square_rows()
    rows.loc[0, "nama"] = '<img src=x onerror="alert(1)">'
    values = pd.Series([1.0, 2, 3, 4], index=["11", "12", "13", "14"])
    fmap = choropleth.build_choropleth(_squares(), rows, values, "<script>x</script>", hint="<b>klik</b>")
    tooltip = _geojson(fmap)["features"][0]["properties"]["tooltip"]
    assert "<img" not in tooltip and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in tooltip
    assert "<script>" not in tooltip and "&lt;b&gt;klik&lt;/b&gt;" in tooltip
    page = fmap.get_root().render()
    assert "<script>x</script>" not in page and "<img src=x" not in page


# ---------------------------------------------------------------------------------------------------------------
# Quantile classes and the legend


def test_quantile_classes_plain() -> None:
    assert classes.quantile_classes(range(1, 101)) == [20, 40, 60, 80, 100]
    assert classes.quantile_classes(range(1, 101), k=4) == [25, 50, 75, 100]
    assert classes.quantile_classes([5.0, 1.0, 3.0, 2.0, 4.0, 6.0], k=3) == [2, 4, 6]


def test_quantile_classes_ties_nan_and_few_values() -> None:
    # 80 zeros fill one class; the 20 other values are split into the remaining four.
    assert classes.quantile_classes([0] * 80 + list(range(1, 21))) == [0, 5, 10, 15, 20]
    assert classes.quantile_classes([1, 1, 2, 2, 3, 3], k=5) == [1, 2, 3]
    assert classes.quantile_classes([7.5, 7.5, 7.5]) == [7.5]
    assert classes.quantile_classes([np.nan, 2.0, None, math.inf, 1.0, -math.inf]) == [1.0, 2.0]
    assert classes.quantile_classes([]) == []
    assert classes.quantile_classes([np.nan, np.nan]) == []
    assert classes.quantile_classes(range(10), k=1) == [9]
    with pytest.raises(ValueError):
        classes.quantile_classes([1, 2], k=0)


def test_every_class_is_used_and_ordered() -> None:
    rng = np.random.default_rng(7)
    for _ in range(50):
        values = pd.Series(rng.integers(0, 12, size=int(rng.integers(1, 60))).astype(float))
        breaks = classes.quantile_classes(values, 5)
        assert breaks == sorted(set(breaks)) and 1 <= len(breaks) <= 5
        assigned = classes.classify(values, breaks)
        assert set(assigned) == set(range(len(breaks)))
        for i, upper in enumerate(breaks):
            members = values[assigned == i]
            assert (members <= upper).all()
            if i:
                assert (members > breaks[i - 1]).all()


def test_legend_entries() -> None:
    values = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, np.nan])
    breaks = classes.quantile_classes(values, 5)
    assert breaks == [2, 4, 6, 8, 10]
    entries = classes.legend_entries(values, breaks, decimals=1)
    assert [(label, n) for _, label, n in entries] == [
        ("1,0 – 2,0", 2),
        ("3,0 – 4,0", 2),
        ("5,0 – 6,0", 2),
        ("7,0 – 8,0", 2),
        ("9,0 – 10,0", 2),
        ("Tidak ada data", 1),
    ]
    colours = [c for c, _, _ in entries]
    assert colours[:5] == classes.class_colours(5, True) and colours[5] == classes.NO_DATA_COLOUR
    assert len(set(colours)) == 6
    # Lower is better: another ramp (red for high values).
    assert classes.class_colours(5, False) != classes.class_colours(5, True)
    single = classes.legend_entries(pd.Series([3.0, 3.0]), [3.0], decimals=0)
    assert [(label, n) for _, label, n in single] == [("3", 2)]


def test_map_legend_and_colours_match_classes() -> None:
    squares = _squares()
    rows = _square_rows()
    values = pd.Series([10.0, 20.0, 30.0, 40.0], index=["11", "12", "13", "14"])
    fmap = choropleth.build_choropleth(squares, rows, values, "Keluarga PKH", unit="%", k=2, higher_is_better=False)
    colours = classes.class_colours(2, False)
    fill = {f["properties"]["kode"]: f["properties"]["style"]["fillColor"] for f in _geojson(fmap)["features"]}
    assert fill == {"11": colours[0], "12": colours[0], "13": colours[1], "14": colours[1]}
    page = fmap.get_root().render()
    legend = json.loads(re.search(r"div\.innerHTML = (\".*?\");", page).group(1))
    assert "Keluarga PKH (%)" in legend
    assert legend.index("10,0 – 20,0") < legend.index("30,0 – 40,0")
    assert colours[0] in legend and colours[1] in legend and "Tidak ada data" not in legend
    tooltip = _geojson(fmap)["features"][2]["properties"]["tooltip"]
    assert tooltip == "<b>Tiga</b><br>Keluarga PKH: 30,0%<br>Keluarga aktif: 30"


def test_number_format() -> None:
    assert classes.number(12345.67) == "12.345,7"
    assert classes.number(0.05, 2) == "0,05"
    assert classes.number(1234567, 0) == "1.234.567"
    assert classes.number(float("nan")) == "–" and classes.number(None) == "–"


# ---------------------------------------------------------------------------------------------------------------
# Drill-down helpers


def test_clicked_code() -> None:
    # The shape streamlit-folium 0.27.4 returns with returned_objects=["last_active_drawing"] after a click.
    clicked = {
        "last_active_drawing": {
            "type": "Feature",
            "properties": {"kode": "3201", "tooltip": "<b>Bogor</b>", "style": {"fillColor": "#78c679"}},
            "geometry": {"type": "Polygon", "coordinates": [[[106.0, -6.0], [107.0, -6.0], [106.5, -7.0]]]},
        }
    }
    assert choropleth.clicked_code(clicked) == "3201"
    assert choropleth.clicked_code({"last_active_drawing": {"properties": {"kode": " 32 "}}}) == "32"
    assert choropleth.clicked_code({"last_active_drawing": {"properties": {"kode": 32}}}) == "32"
    assert choropleth.clicked_code(None) is None
    assert choropleth.clicked_code({}) is None
    assert choropleth.clicked_code({"last_active_drawing": None}) is None  # the default before any click
    assert choropleth.clicked_code({"last_active_drawing": {"properties": None}}) is None
    assert choropleth.clicked_code({"last_active_drawing": {"properties": {"kode": "32.01"}}}) is None
    assert choropleth.clicked_code({"last_active_drawing": {"properties": {"kode": "123"}}}) is None
    assert choropleth.clicked_code({"last_active_drawing": {"properties": {"kode": True}}}) is None
    # last_object_clicked holds only a lat/lng, never the region.
    assert choropleth.clicked_code({"last_object_clicked": {"lat": -6.5, "lng": 106.8}}) is None


# ---------------------------------------------------------------------------------------------------------------
# Leaflet's files


def test_ensure_map_assets(tmp_path: Path) -> None:
    dest = assets.ensure_map_assets(tmp_path)
    assert dest == tmp_path / "static" / "leaflet"
    source = importlib.resources.files("js_lib_leaflet").joinpath("static", "js_lib_leaflet")
    for name in assets.ASSET_FILES:
        assert (dest / name).read_bytes() == source.joinpath(name).read_bytes(), name
    assert b"Leaflet 1.9.4" in (dest / "leaflet.js").read_bytes()[:200]
    assert "Agafonkin" in (dest / "LICENSE.txt").read_text()
    assert assets.asset_version() == "1.9.4.1"

    # Idempotent: nothing is rewritten; a damaged or missing file is repaired.
    stamps = {p: p.stat().st_mtime_ns for p in dest.rglob("*") if p.is_file()}
    time.sleep(0.01)
    assert assets.ensure_map_assets(tmp_path) == dest
    assert {p: p.stat().st_mtime_ns for p in dest.rglob("*") if p.is_file()} == stamps
    (dest / "leaflet.css").write_text("broken")
    shutil.rmtree(dest / "images")
    assets.ensure_map_assets(tmp_path)
    assert (dest / "leaflet.css").read_bytes() == source.joinpath("leaflet.css").read_bytes()
    assert (dest / "images" / "layers.png").is_file()
    assert not [p for p in dest.rglob(".*")], "no temporary files left behind"


# ---------------------------------------------------------------------------------------------------------------
# Classes that do not exaggerate: round, equal-width, fewer when the values are close together


def test_a_narrow_spread_is_not_stretched_over_five_classes() -> None:
    values = pd.Series([80.1, 80.4, 80.9, 81.2, 81.5])  # 1.4 points between the lowest and the highest
    assert len(classes.quantile_classes(values, 5)) == 5  # what the map did: five classes, light to dark
    step, domain = indicators.class_scale(indicators.INDICATORS["padan_dukcapil"])
    lower, breaks = classes.nice_classes(values, 5, step, domain)
    assert (lower, breaks) == (80.0, [85.0])  # one class, 80–85 %
    colours = classes.ramp_colours(len(breaks), 5, True, 0.81)
    ramp = classes.class_colours(5)
    assert len(colours) == 1 and colours[0] not in (ramp[0], ramp[-1])  # neither end of the ramp


def test_close_values_get_neighbouring_colours() -> None:
    values = pd.Series([78.0, 80.0, 81.0, 83.0, 86.0])
    lower, breaks = classes.nice_classes(values, 5, 5.0, (0.0, 100.0))
    assert (lower, breaks) == (75.0, [80.0, 85.0, 90.0])
    colours = classes.ramp_colours(len(breaks), 5, True, 0.82)
    ramp = classes.class_colours(5)
    at = ramp.index(colours[0])
    assert colours == ramp[at : at + 3]  # consecutive colours, not the ramp's ends stretched over 8 points
    assert classes.classify(values, breaks).tolist() == [0, 0, 1, 1, 2]


def test_nice_classes_on_a_wide_spread_use_round_bounds() -> None:
    values = [2.0, 17.5, 33.0, 64.0, 99.0]
    lower, breaks = classes.nice_classes(values, 5, 5.0, (0.0, 100.0))
    assert (lower, breaks) == (0.0, [20.0, 40.0, 60.0, 80.0, 100.0])
    lower, breaks = classes.nice_classes([0.3, 0.9, 1.2], 5, 0.0)
    assert (lower, breaks) == (0.2, [0.4, 0.6, 0.8, 1.0, 1.2])
    assert classes.nice_classes([float("nan")], 5, 5.0) == (pytest.approx(float("nan"), nan_ok=True), [])
    lower, breaks = classes.nice_classes([100.0, 100.0], 5, 5.0, (0.0, 100.0))
    assert (lower, breaks) == (95.0, [100.0])  # clipped to the domain, never a class beyond 100 %


def test_bound_entries_label_classes_by_their_bounds() -> None:
    values = pd.Series([80.1, 81.5, 83.0, float("nan")])
    entries = classes.bound_entries(values, 80.0, [85.0], ["#abcdef"], 1)
    assert entries == [("#abcdef", "80 – 85", 3), (classes.NO_DATA_COLOUR, "Tidak ada data", 1)]
    entries = classes.bound_entries(pd.Series([0.3, 0.5]), 0.2, [0.4, 0.6], ["#a", "#b"], 1)
    assert [text for _, text, _ in entries] == ["0,2 – 0,4", "0,4 – 0,6"]


def test_map_with_indicator_classes_says_the_range_honestly() -> None:
    rows = _square_rows()
    values = pd.Series([80.1, 80.6, 81.0, 81.5], index=rows["kode"])
    step, domain = indicators.class_scale(indicators.INDICATORS["cakupan_pkh"])
    fmap = choropleth.build_choropleth(
        _squares(), rows, values, "Cakupan PKH", unit="%", min_step=step, domain=domain, legend_in_map=False
    )
    title, entries, spread = fmap.legend
    assert title == "Cakupan PKH (%)"
    assert [(text, count) for _, text, count in entries] == [("80 – 85", 4)]
    assert spread == "Nilai wilayah: 80,1 – 81,5%"
    fills = {f["properties"]["style"]["fillColor"] for f in _geojson(fmap)["features"]}
    assert fills == {entries[0][0]}  # every region the same colour: they differ by 1.4 points
    rendered = fmap.get_root().render()
    assert "80 – 85" not in rendered  # the legend is left off the map, for the page to show below it
    legend = choropleth.legend_html(title, entries, spread)
    assert "Cakupan PKH (%)" in legend and "80 – 85" in legend and "Nilai wilayah: 80,1 – 81,5%" in legend


def test_counts_keep_quantile_classes() -> None:
    step, _ = indicators.class_scale(SimpleNamespace(unit="keluarga"))
    assert step is None
    assert indicators.class_scale(SimpleNamespace(unit="%")) == (5.0, (0.0, 100.0))


def test_map_lets_the_page_scroll_past_it() -> None:
    rendered = choropleth.build_choropleth(_squares(), _square_rows(), pd.Series(dtype=float), "X").get_root().render()
    assert "scrollWheelZoom.disable()" in rendered
    assert "dragging.disable()" in rendered  # on touch screens: one finger scrolls the page, two zoom the map
