"""Plotly figures as pure functions of data frames: no Streamlit here, so they are testable anywhere."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace
from typing import NamedTuple

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go

from portal.fmt import nama_periode
from portal.indicators import class_scale, desil_1_4
from portal.maps import classes
from portal.maps.choropleth import legend_html

PALETTE = ("#0b6e4f", "#f2a541", "#c8553d", "#3a6ea5", "#6c757d")
# Whole numbers with Indonesian grouping on value axes (layout separators ",." → 16.832.000), never plotly's
# SI abbreviations ("16.832k", "1.2M"), which are English.
NUMBERS = dict(exponentformat="none", separatethousands=True, tickformat=",~r")


def trend_figure(trend: pd.DataFrame) -> go.Figure:
    """Active families and desil 1–4 families per period."""
    labels = [nama_periode(p) for p in trend["periode"]]
    d1_4 = desil_1_4(trend)
    fig = go.Figure()
    hover = "%{x}<br>%{fullData.name}: %{y:,.0f} keluarga<extra></extra>"
    fig.add_bar(
        x=labels, y=trend["keluarga_aktif"], name="Keluarga aktif", marker_color=PALETTE[0], hovertemplate=hover
    )
    fig.add_bar(x=labels, y=d1_4, name="Desil 1–4", marker_color=PALETTE[1], hovertemplate=hover)
    fig.update_layout(
        barmode="group",
        height=320,
        margin=dict(l=8, r=8, t=24, b=8),
        legend=dict(orientation="h", y=-0.3),
        separators=",.",
        xaxis=dict(title="Periode"),
        yaxis=dict(title="Jumlah keluarga", **NUMBERS),
    )
    return fig


def ranking_figure(rows: pd.DataFrame, value: str, label: str, top: int = 15) -> go.Figure:
    """Horizontal bars of the `top` regions by `value`, largest on top."""
    ranked = rows.nlargest(top, value).iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=ranked[value],
            y=ranked["nama"],
            orientation="h",
            marker_color=PALETTE[0],
            hovertemplate="<b>%{y}</b><br>" + label + ": %{x:,.2~f}<extra></extra>",
        )
    )
    fig.update_layout(
        height=max(260, 22 * len(ranked) + 60),
        margin=dict(l=8, r=8, t=24, b=8),
        xaxis=dict(title=label, **NUMBERS),
        separators=",.",
    )
    return fig


class MapClasses(NamedTuple):
    """Classes of a choropleth: class index per row (-1 without a value), colours, and the legend."""

    klass: pd.Series
    colours: list[str]
    title: str
    entries: list[tuple[str, str, int]]
    spread: str


def choropleth_classes(rows: pd.DataFrame, value: str, label: str, percent: bool = False) -> MapClasses:
    """Classes of a national choropleth. Percentages get round 5-point classes within 0–100, fewer when the
    provinces are close together (portal.indicators.class_scale), in neighbouring colours; counts get quantile
    classes."""
    values = pd.to_numeric(rows[value], errors="coerce").astype(float).reset_index(drop=True)
    step, domain = class_scale(SimpleNamespace(unit="%" if percent else ""))
    finite = values.dropna()
    if step is not None:
        lower, breaks = classes.nice_classes(values, 5, step, domain)
        position = (finite.min() + finite.max()) / 2 / 100.0 if len(finite) else None
        colours = classes.ramp_colours(len(breaks), 5, True, position)
        entries = classes.bound_entries(values, lower, breaks, colours, 1)
    else:
        breaks = classes.quantile_classes(values, 5)
        colours = classes.class_colours(len(breaks))
        entries = classes.legend_entries(values, breaks, True, 0)
    suffix, decimals = ("%", 1) if percent else ("", 0)
    spread = (
        f"Nilai provinsi: {classes.number(finite.min(), decimals)}{suffix} – "
        f"{classes.number(finite.max(), decimals)}{suffix}"
        if len(finite)
        else ""
    )
    title = label + (" (%)" if percent else "")
    return MapClasses(classes.classify(values, breaks), colours, title, entries, spread)


def choropleth_figure(
    boundaries: gpd.GeoDataFrame, rows: pd.DataFrame, value: str, label: str, percent: bool = False
) -> go.Figure:
    """A choropleth of `value` per region (rows keyed by `kode`), drawn without any base-map tiles so that
    it renders with no internet at all; `percent` when the values are percentages (portal.indicators).

    Regions are coloured by class (choropleth_classes) and the figure has no colour bar: the page shows the
    legend below the map (choropleth_legend), where it cannot cover Banten and Jakarta. The map does not pan on
    a drag, so a reader scrolling the page on a phone is not caught by it (pages also turn off wheel zoom)."""
    joined = _every_region(boundaries, rows, value)
    minx, miny, maxx, maxy = joined.total_bounds if len(joined) else (95.0, -11.0, 141.0, 6.0)
    found = choropleth_classes(joined, value, label, percent)
    colours = list(found.colours) + ([classes.NO_DATA_COLOUR] if (found.klass < 0).any() else [])
    n = max(len(colours), 1)
    scale = []
    for i, colour in enumerate(colours or [classes.NO_DATA_COLOUR]):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    suffix = "%" if percent else ""
    shown = ["tidak ada data" if pd.isna(v) else classes.number(v, 1 if percent else 0) + suffix for v in joined[value]]
    klass = found.klass.where(found.klass >= 0, len(found.colours))  # no value: the grey after the classes
    fig = go.Figure(
        go.Choroplethmap(
            geojson=json.loads(joined[["kode", "geometry"]].to_json()),
            featureidkey="properties.kode",
            locations=joined["kode"],
            z=(klass + 0.5).astype(float),  # class i fills [i, i+1] of [0, n]
            zmin=0,
            zmax=n,
            customdata=[[text] for text in shown],
            text=joined["nama"],
            colorscale=scale,
            showscale=False,
            marker_line_width=0.4,
            marker_line_color="#666",
            hovertemplate="<b>%{text}</b><br>" + label + ": %{customdata[0]}<extra></extra>",
        )
    )
    fig.update_layout(
        map=dict(
            style="white-bg",
            center=dict(lon=(minx + maxx) / 2, lat=(miny + maxy) / 2),
            zoom=_zoom_for(maxx - minx, maxy - miny),
        ),
        height=340,
        margin=dict(l=0, r=0, t=0, b=0),
        separators=",.",
        dragmode=False,
    )
    return fig


def choropleth_legend(
    boundaries: gpd.GeoDataFrame, rows: pd.DataFrame, value: str, label: str, percent: bool = False
) -> str:
    """The legend of choropleth_figure as HTML for below the map: its classes, regions per class and the range."""
    found = choropleth_classes(_every_region(boundaries, rows, value), value, label, percent)
    return legend_html(found.title, found.entries, found.spread)


def _every_region(boundaries: gpd.GeoDataFrame, rows: pd.DataFrame, value: str) -> gpd.GeoDataFrame:
    """Every region of the boundaries with its row's name and value (NaN without one): a national map shows the
    whole nation, grey where there is no value."""
    joined = boundaries[["kode", "nama", "geometry"]].merge(
        rows[["kode", "nama", value]], on="kode", how="left", suffixes=("_batas", "")
    )
    joined["nama"] = joined["nama"].fillna(joined["nama_batas"])
    return joined


def _zoom_for(width_deg: float, height_deg: float) -> float:
    """A zoom that fits a box of that many degrees into a map about 300 px wide (a 360 px phone less the page's
    margins), so the whole region is visible on every screen: at zoom z the world is 512 × 2^z px wide."""
    span = max(width_deg, height_deg * 2.0, 0.01)
    return float(max(0.0, min(12.0, math.log2(360.0 / span * 300.0 / 512.0))))


def published_bars(values: pd.DataFrame, total_label: str) -> go.Figure:
    """Grouped bars of the published figures per region and programme; hidden cells are simply absent
    (never drawn as zero), so the chart reveals nothing the table does not."""
    rows = values.drop(index=total_label, errors="ignore").drop(columns=total_label, errors="ignore")
    fig = go.Figure()
    for i, column in enumerate(rows.columns):
        shown = rows[column].astype("Float64").to_numpy(dtype=float, na_value=float("nan"))
        fig.add_bar(
            y=[str(r).split(" · ", 1)[-1] for r in rows.index],
            x=shown,
            name=str(column),
            orientation="h",
            marker_color=PALETTE[i % len(PALETTE)],
        )
    fig.update_layout(
        barmode="group",
        height=max(280, 18 * len(rows) * max(1, len(rows.columns)) // 2 + 80),
        margin=dict(l=8, r=8, t=24, b=8),
        legend=dict(orientation="h", y=-0.1),
        separators=",.",
        xaxis=NUMBERS,
        yaxis=dict(autorange="reversed"),
    )
    return fig


def grouped_counts_figure(table: pd.DataFrame, value_label: str) -> go.Figure:
    """Horizontal bars of grouped counts: the first column names the groups, every other column is one series
    (a single 'Jumlah' column for a group-by, one per pivot column), groups top to bottom in table order."""
    groups = [str(g) for g in table.iloc[:, 0]]
    series = list(table.columns[1:])
    fig = go.Figure()
    for i, column in enumerate(series):
        fig.add_bar(
            y=groups,
            x=table[column].astype("float64").to_numpy(),
            name=str(column),
            orientation="h",
            marker_color=PALETTE[i % len(PALETTE)],
        )
    fig.update_layout(
        barmode="group",
        height=max(260, 24 * len(groups) * max(1, len(series)) // 2 + 110),
        margin=dict(l=8, r=8, t=40, b=8),
        xaxis=dict(title=value_label, **NUMBERS),
        legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0),
        showlegend=len(series) > 1,
        separators=",.",
        yaxis=dict(autorange="reversed", type="category"),
    )
    return fig


def funnel_figure(stages: pd.DataFrame) -> go.Figure:
    """The musdes-to-register funnel: one bar per stage (tahap, jumlah), first stage on top."""
    colours = [PALETTE[0], PALETTE[3], PALETTE[2]]
    fig = go.Figure(
        go.Funnel(
            y=list(stages["tahap"]),
            x=list(stages["jumlah"]),
            texttemplate="%{value:,d} (%{percentInitial:.0%})",
            marker=dict(color=[colours[i % len(colours)] for i in range(len(stages))]),
        )
    )
    fig.update_layout(height=260, margin=dict(l=8, r=8, t=24, b=8), separators=",.")
    return fig


def period_lines_figure(trend: pd.DataFrame, columns: dict[str, str], y_title: str) -> go.Figure:
    """One line per column over periods (trend has a `periode` column; columns maps column → legend label)."""
    labels = [nama_periode(p) for p in trend["periode"]]
    fig = go.Figure()
    for i, (column, label) in enumerate(columns.items()):
        fig.add_scatter(
            x=labels, y=trend[column], name=label, mode="lines+markers", line=dict(color=PALETTE[i % len(PALETTE)])
        )
    fig.update_layout(
        height=300,
        margin=dict(l=8, r=8, t=24, b=8),
        xaxis=dict(title="Periode"),
        yaxis=dict(title=y_title, **NUMBERS),
        legend=dict(orientation="h", y=-0.3),
        separators=",.",
    )
    return fig
