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


# Nice class widths: 1, 2, 2.5 and 5 times a power of ten.
_NICE = (1.0, 2.0, 2.5, 5.0)


def nice_classes(
    values: Iterable[float] | pd.Series,
    k: int = 5,
    min_step: float = 0.0,
    domain: tuple[float, float] | None = None,
) -> tuple[float, list[float]]:
    """Equal-width classes on round numbers: (lower bound, upper bounds) for classify, at most k classes.

    The width is the smallest nice number (1, 2, 2.5 or 5 × 10^n) that is at least the spread / k and at least
    `min_step`, the smallest difference worth a colour of its own (e.g. 5 percentage points), so a narrow spread
    gets fewer, wider classes instead of five classes stretched over it. Bounds are multiples of the width,
    clipped to `domain` (e.g. 0–100 for a percentage). Class i holds breaks[i-1] < v <= breaks[i] (class 0 also
    holds the lower bound). NaN and infinities are ignored; no values: (nan, []).
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    arr = np.asarray(pd.to_numeric(pd.Series(list(values), dtype="object"), errors="coerce"), dtype=float)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return math.nan, []
    lo, hi = float(arr.min()), float(arr.max())
    target = max((hi - lo) / k, float(min_step), 1e-9)
    exponent = math.floor(math.log10(target))
    candidates = sorted(m * 10.0**e for e in (exponent - 1, exponent, exponent + 1) for m in _NICE)
    for step in [c for c in candidates if c >= target * (1 - 1e-9)] + [10.0 ** (exponent + 2)]:
        start = math.floor(lo / step + 1e-9) * step
        stop = math.ceil(hi / step - 1e-9) * step
        if stop <= start:  # all values equal and on a bound: one class on the side the domain allows
            if domain is not None and start >= domain[1]:
                start -= step
            else:
                stop = start + step
        count = round((stop - start) / step)
        if count <= k:
            break
    bounds = [start + i * step for i in range(count + 1)]
    if domain is not None:
        bounds = [min(max(b, domain[0]), domain[1]) for b in bounds]
        bounds = [b for i, b in enumerate(bounds) if i == 0 or b > bounds[i - 1]]
        if len(bounds) == 1:  # all values at the domain's edge
            bounds.append(bounds[0])
    bounds = [round(b, 10) for b in bounds]
    return bounds[0], bounds[1:]


def ramp_colours(n: int, k: int = 5, higher_is_better: bool = True, position: float | None = None) -> list[str]:
    """n consecutive colours out of a k-colour ramp: fewer classes than k keep the ramp's spacing instead of being
    stretched light to dark, and sit where `position` (0 = bottom of the domain, 1 = top) puts them (centre when
    None). So two regions one point apart are never drawn as opposite ends of the ramp."""
    full = class_colours(max(k, n), higher_is_better)
    if n >= len(full):
        return full
    if position is None or not math.isfinite(position):
        first = (len(full) - n) // 2
    else:
        first = round(min(max(position, 0.0), 1.0) * (len(full) - 1) - (n - 1) / 2)
        first = min(max(first, 0), len(full) - n)
    return full[first : first + n]


def bound_entries(
    values: pd.Series, lower: float, breaks: list[float], colours: list[str], decimals: int = 1
) -> list[tuple[str, str, int]]:
    """(colour, label, regions) per class of nice_classes, labelled by its bounds ('80 – 85'), then one for
    'Tidak ada data' when any value is missing. Bounds print with as few decimals as they need (at most
    `decimals`)."""
    classes = classify(values, breaks).to_numpy()
    edges = [lower, *breaks]
    places = min(decimals, max((_places(b) for b in edges), default=0))
    entries = []
    for i, colour in enumerate(colours):
        low, high = number(edges[i], places), number(edges[i + 1], places)
        entries.append((colour, low if low == high else f"{low} – {high}", int((classes == i).sum())))
    missing = int((classes == -1).sum())
    if missing:
        entries.append((NO_DATA_COLOUR, "Tidak ada data", missing))
    return entries


def _places(value: float) -> int:
    for places in range(4):
        if abs(value - round(value, places)) < 1e-9:
            return places
    return 4
