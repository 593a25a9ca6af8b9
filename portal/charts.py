"""Plotly figures as pure functions of data frames: no Streamlit here, so they are testable anywhere."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from portal.fmt import nama_periode

PALETTE = ("#0b6e4f", "#f2a541", "#c8553d", "#3a6ea5", "#6c757d")


def trend_figure(trend: pd.DataFrame) -> go.Figure:
    """Active families and desil 1–4 families per period."""
    labels = [nama_periode(p) for p in trend["periode"]]
    d1_4 = trend[["desil_1", "desil_2", "desil_3", "desil_4"]].sum(axis=1)
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
