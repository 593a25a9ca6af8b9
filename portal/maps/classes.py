"""Classes and colours of a choropleth: quantile classes, ColorBrewer ramps and legend entries (pure)."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

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
