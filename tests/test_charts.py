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
    dest = tmp_path_factory.mktemp("geo")
    geo.import_boundaries(SHARED_GEO, dest, progress=lambda _line: None)
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
    assert sorted(fig.data[0].z) == [25.0, 50.0]
    assert fig.data[0].colorbar.ticksuffix == "%"
    assert fig.layout.map.zoom > 4  # zoomed to Java, not the whole nation


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
