"""Eksplorasi's charts as pure functions of data frames (no Streamlit): grouped, stacked and 100 % stacked bars of
grouped counts, and lines over periods. Labels in Bahasa Indonesia, numbers with a decimal comma and a dot for
thousands (`separators=",."`). Every bar carries its group keys in `customdata` ([baris, kolom]) so a click on
it can be read back (`clicked_group`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from portal.fmt import nama_periode

PALETTE = (
    "#0b6e4f",
    "#f2a541",
    "#c8553d",
    "#3a6ea5",
    "#6c757d",
    "#8e5ea2",
    "#3cba9f",
    "#e8c3b9",
    "#c45850",
    "#1f3a5f",
    "#b3b3b3",
)
BAR_MODES = {"group": "Batang berdampingan", "stack": "Batang bertumpuk", "percent": "Batang bertumpuk 100 %"}
CHART_KINDS = {**BAR_MODES, "line": "Garis antarperiode"}


def bars_figure(long: pd.DataFrame, mode: str, value_label: str) -> go.Figure:
    """Horizontal bars of grouped counts in long form (baris, baris_label, kolom, kolom_label, jumlah; see
    `portal.explore.long_counts`): one series per `kolom` group, groups top to bottom in their order. `mode` is
    'group' (side by side), 'stack' or 'percent' (stacked to 100 % of each group). ValueError for another mode."""
    if mode not in BAR_MODES:
        raise ValueError(f"unknown bar mode {mode!r}")
    groups = list(dict.fromkeys(long["baris_label"]))
    ordered = long.sort_values("kolom_urut", kind="stable") if "kolom_urut" in long.columns else long
    series = list(dict.fromkeys(zip(ordered["kolom"], ordered["kolom_label"], strict=True)))
    fig = go.Figure()
    for i, (key, name) in enumerate(series):
        part = long[long["kolom"] == key].set_index("baris_label").reindex(groups)
        keys = long.drop_duplicates("baris_label").set_index("baris_label")["baris"].reindex(groups)
        values = part["jumlah"].fillna(0).astype("float64")
        if mode == "percent":
            sizes = long.groupby("baris_label")["jumlah"].sum().reindex(groups).astype("float64")
            shown = (100.0 * values / sizes.where(sizes > 0)).fillna(0.0)
            template = "%{y}<br>" + str(name) + ": %{x:.1f} % (%{customdata[2]:,.0f})<extra></extra>"
        else:
            shown = values
            template = "%{y}<br>" + str(name) + ": %{x:,.0f}<extra></extra>"
        fig.add_bar(
            y=groups,
            x=shown.to_numpy(),
            name=str(name),
            orientation="h",
            marker_color=PALETTE[i % len(PALETTE)],
            customdata=[[str(b), str(key), float(v)] for b, v in zip(keys, values, strict=True)],
            hovertemplate=template,
        )
    fig.update_layout(
        barmode="group" if mode == "group" else "stack",
        height=max(260, (24 * len(groups) * (max(1, len(series)) if mode == "group" else 2)) // 2 + 110),
        margin=dict(l=8, r=8, t=40, b=8),
        xaxis_title=f"Persentase {value_label.lower()} (%)" if mode == "percent" else value_label,
        legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0),
        showlegend=len(series) > 1,
        separators=",.",
        yaxis=dict(autorange="reversed", type="category"),
        clickmode="event+select",
    )
    if mode == "percent":
        fig.update_xaxes(range=[0, 100], ticksuffix=" %")
    else:
        largest = long.groupby("baris")["jumlah"].sum().max() if mode == "stack" else long["jumlah"].max()
        if len(long) and largest <= 10:  # counts are whole: no 0,5 ticks on a small axis
            fig.update_xaxes(tick0=0, dtick=1)
    return fig


def lines_figure(over_periods: pd.DataFrame, value_label: str) -> go.Figure:
    """One line per group over periods (periode, baris, baris_label, jumlah; see `portal.explore.period_table`),
    periods named in Bahasa Indonesia ('September 2026')."""
    periods = sorted(set(over_periods["periode"]))
    names = [nama_periode(p) for p in periods]
    fig = go.Figure()
    series = dict.fromkeys(zip(over_periods["baris"], over_periods["baris_label"], strict=True))
    for i, (key, name) in enumerate(series):
        part = over_periods[over_periods["baris"] == key].set_index("periode").reindex(periods)
        fig.add_scatter(
            x=names,
            y=part["jumlah"].astype("float64").to_numpy(),
            name=str(name),
            mode="lines+markers",
            line=dict(color=PALETTE[i % len(PALETTE)]),
            hovertemplate="%{x}<br>" + str(name) + ": %{y:,.0f}<extra></extra>",
        )
    fig.update_layout(
        height=340,
        margin=dict(l=8, r=8, t=40, b=8),
        yaxis_title=value_label,
        legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0),
        separators=",.",
    )
    return fig


def clicked_group(event: Mapping[str, Any] | Any) -> tuple[str, str] | None:
    """The (baris, kolom) keys of the first bar selected in `st.plotly_chart(on_select=...)`'s event, or None."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError, AttributeError):
        points = getattr(getattr(event, "selection", None), "points", None)
    if not points:
        return None
    data = points[0].get("customdata") if isinstance(points[0], Mapping) else None
    if not isinstance(data, list | tuple) or len(data) < 2:
        return None
    return str(data[0]), str(data[1])
