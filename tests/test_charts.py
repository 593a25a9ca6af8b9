"""Figures are pure functions: built and inspected without a server."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from portal import charts, geo
from portal.wilayah import load_code_tables

SHARED_GEO = Path(__file__).resolve().parents[2] / "shared" / "data" / "geo"


@pytest.fixture(scope="module")
def provinsi(tmp_path_factory: pytest.TempPathFactory) -> object:
    if not SHARED_GEO.is_dir():
        pytest.skip("reference boundaries not present beside the repository")
    source = tmp_path_factory.mktemp("src")
    (source / "provinsi.geojson").symlink_to(SHARED_GEO / "provinsi.geojson")  # the only level drawn here
    dest = tmp_path_factory.mktemp("geo")
    geo.import_boundaries(source, dest, progress=lambda _line: None)
    return geo.load_boundaries(dest, "provinsi")


def test_choropleth_joins_every_province(provinsi: object) -> None:
    codes = load_code_tables()["provinsi"]
    rows = pd.DataFrame({"kode": codes["kode_prov"], "nama": codes["nama_prov"], "nilai": range(len(codes))})
    fig = charts.choropleth_figure(provinsi, rows, "nilai", "Nilai")
    trace = fig.data[0]
    assert len(trace.locations) == 38
    feature_codes = {f["properties"]["kode"] for f in trace.geojson["features"]}
    assert feature_codes == set(rows["kode"])
    assert fig.layout.map.style == "white-bg"  # no tiles: renders offline


def test_choropleth_percent_marks_percentages(provinsi: object) -> None:
    rows = pd.DataFrame({"kode": ["31", "34"], "nama": ["DKI", "DIY"], "pangsa": [25.0, 50.0]})
    fig = charts.choropleth_figure(provinsi, rows, "pangsa", "Pangsa", percent=True)
    shown = dict(zip(fig.data[0].locations, (c[0] for c in fig.data[0].customdata), strict=True))
    assert (shown["31"], shown["34"]) == ("25,0%", "50,0%")
    assert len(shown) == 38 and shown["11"] == "tidak ada data"  # the whole nation, grey without a value
    assert fig.data[0].showscale is False  # no colour bar on the map: the legend is below it
    legend = charts.choropleth_legend(provinsi, rows, "pangsa", "Pangsa", percent=True)
    assert "Pangsa (%)" in legend and "Nilai provinsi: 25,0% – 50,0%" in legend
    assert "Tidak ada data" in legend
    assert fig.layout.map.zoom < 4 and 110 < fig.layout.map.center.lon < 125  # the whole nation
    assert fig.layout.dragmode is False  # a finger on the map scrolls the page, it does not pan the map


def test_national_classes_do_not_exaggerate_a_narrow_spread() -> None:
    rows = pd.DataFrame({"kode": ["11", "12", "13", "14"], "pangsa": [80.1, 80.6, 81.0, 81.5]})
    found = charts.choropleth_classes(rows, "pangsa", "Pangsa", percent=True)
    assert len(found.colours) == 1 and set(found.klass) == {0}
    assert [text for _, text, _ in found.entries] == ["80 – 85"]
    counts = pd.DataFrame({"kode": ["11", "12", "13", "14"], "n": [10, 2_000, 30_000, 16_832_000]})
    assert len(charts.choropleth_classes(counts, "n", "Keluarga").colours) == 4  # counts: quantile classes


def test_value_axes_use_indonesian_numbers() -> None:
    rows = pd.DataFrame({"nama": ["a", "b"], "v": [16_832_000, 1_200_000]})
    fig = charts.ranking_figure(rows, "v", "Keluarga aktif")
    assert fig.layout.separators == ",."
    axis = fig.layout.xaxis
    # No SI suffixes ("16,832k", "1.2M"): whole numbers grouped the Indonesian way (16.832.000).
    assert axis.exponentformat == "none" and axis.separatethousands is True
    assert "~s" not in (axis.tickformat or "") and axis.title.text == "Keluarga aktif"
    assert ":,.2~f" in fig.data[0].hovertemplate


def test_ranking_puts_the_largest_on_top() -> None:
    rows = pd.DataFrame({"nama": list("abcde"), "v": [5, 1, 4, 2, 3]})
    fig = charts.ranking_figure(rows, "v", "V", top=3)
    assert list(fig.data[0].y) == ["e", "c", "a"]  # plotly draws the last bar on top


def test_trend_has_a_bar_per_period() -> None:
    trend = pd.DataFrame(
        {
            "periode": ["2026-06", "2026-09"],
            "keluarga_aktif": [6, 5],
            "desil_1": [1, 1],
            "desil_2": [1, 1],
            "desil_3": [0, 0],
            "desil_4": [0, 1],
            "pkh": [2, 1],
            "bpnt": [1, 2],
            "pbi_jk": [3, 3],
        }
    )
    fig = charts.trend_figure(trend)
    assert list(fig.data[0].x) == ["Juni 2026", "September 2026"]
    assert fig.layout.yaxis.title.text == "Jumlah keluarga" and fig.layout.xaxis.title.text == "Periode"
    assert fig.layout.yaxis.exponentformat == "none" and fig.layout.separators == ",."
    assert list(fig.data[1].y) == [2, 3]


def test_published_bars_leave_hidden_cells_out() -> None:
    values = pd.DataFrame(
        {"PKH": [12, None, 30], "BPNT": [40, 15, 55], "Jumlah": [52, None, 85]},
        index=["31 · DKI", "34 · DIY", "Jumlah"],
    ).astype("Int64")
    fig = charts.published_bars(values, "Jumlah")
    assert [trace.name for trace in fig.data] == ["PKH", "BPNT"]
    pkh = list(fig.data[0].x)
    assert pkh[0] == 12 and pkh[1] != pkh[1]  # NaN: not drawn, not zero
    assert list(fig.data[0].y) == ["DKI", "DIY"]
