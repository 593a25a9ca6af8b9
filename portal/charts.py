"""Plotly figures as pure functions of data frames: no Streamlit here, so they are testable anywhere."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go

from portal.fmt import nama_periode
from portal.indicators import desil_1_4

PALETTE = ("#0b6e4f", "#f2a541", "#c8553d", "#3a6ea5", "#6c757d")


def trend_figure(trend: pd.DataFrame) -> go.Figure:
    """Active families and desil 1–4 families per period."""
    labels = [nama_periode(p) for p in trend["periode"]]
    d1_4 = desil_1_4(trend)
    fig = go.Figure()
    fig.add_bar(x=labels, y=trend["keluarga_aktif"], name="Keluarga aktif", marker_color=PALETTE[0])
    fig.add_bar(x=labels, y=d1_4, name="Desil 1–4", marker_color=PALETTE[1])
    fig.update_layout(
        barmode="group",
        height=320,
        margin=dict(l=8, r=8, t=24, b=8),
        legend=dict(orientation="h", y=-0.2),
        separators=",.",
    )
    return fig


def ranking_figure(rows: pd.DataFrame, value: str, label: str, top: int = 15) -> go.Figure:
    """Horizontal bars of the `top` regions by `value`, largest on top."""
    ranked = rows.nlargest(top, value).iloc[::-1]
    fig = go.Figure(go.Bar(x=ranked[value], y=ranked["nama"], orientation="h", marker_color=PALETTE[0]))
    fig.update_layout(
        height=max(260, 22 * len(ranked) + 60),
        margin=dict(l=8, r=8, t=24, b=8),
        xaxis_title=label,
        separators=",.",
    )
    return fig


def choropleth_figure(
    boundaries: gpd.GeoDataFrame, rows: pd.DataFrame, value: str, label: str, percent: bool = False
) -> go.Figure:
    """A choropleth of `value` per region (rows keyed by `kode`), drawn without any base-map tiles so that
    it renders with no internet at all; `percent` when the values are percentages (portal.indicators)."""
    joined = boundaries[["kode", "geometry"]].merge(rows[["kode", "nama", value]], on="kode", how="inner")
    minx, miny, maxx, maxy = joined.total_bounds if len(joined) else (95.0, -11.0, 141.0, 6.0)
    shown = joined[value]
    fig = go.Figure(
        go.Choroplethmap(
            geojson=json.loads(joined[["kode", "geometry"]].to_json()),
            featureidkey="properties.kode",
            locations=joined["kode"],
            z=shown,
            text=joined["nama"],
            colorscale="YlGn",
            marker_line_width=0.4,
            marker_line_color="#666",
            colorbar=dict(
                title=dict(text=label, side="top"),
                orientation="h",
                thickness=10,
                y=-0.02,
                yanchor="top",
                ticksuffix="%" if percent else "",
            ),
            hovertemplate="<b>%{text}</b><br>" + label + ": %{z:,.1f}" + ("%" if percent else "") + "<extra></extra>",
        )
    )
    fig.update_layout(
        map=dict(
            style="white-bg",
            center=dict(lon=(minx + maxx) / 2, lat=(miny + maxy) / 2),
            zoom=_zoom_for(maxx - minx, maxy - miny),
        ),
        height=380,
        margin=dict(l=0, r=0, t=0, b=70),
        separators=",.",
    )
    return fig


def _zoom_for(width_deg: float, height_deg: float) -> float:
    """A zoom that fits a box of that many degrees into a map about 340 px wide (a phone), so the whole
    region is visible on every screen."""
    span = max(width_deg, height_deg * 2.0, 0.01)
    return float(max(0.0, min(12.0, math.log2(360.0 / span) - 0.45)))


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
        xaxis_title=value_label,
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
            textinfo="value+percent initial",
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
        yaxis_title=y_title,
        legend=dict(orientation="h", y=-0.2),
        separators=",.",
    )
    return fig
