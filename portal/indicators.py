"""Indicators over rollup rows: every ratio the pages show of a region's counts is computed here, once (pure; no
Streamlit). `share` is the percentage behind all of them; `INDICATORS` are the ones Peta Cakupan draws (and
Beranda shows nationally), each with its numerator, denominator and scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portal.regions import LEVEL_NAMES, LEVELS

DESIL_1_4: tuple[str, ...] = ("desil_1", "desil_2", "desil_3", "desil_4")


def share(
    part: pd.Series | np.ndarray | float, whole: pd.Series | np.ndarray | float, scale: float = 100.0
) -> pd.Series | np.ndarray | float:
    """part / whole × scale (a percentage by default); NaN where the whole is 0, missing or infinite. A Series in
    gives a Series out (same index), an array an array, numbers a float."""
    num, den = _floats(part), _floats(whole)
    ok = (den > 0) & np.isfinite(den)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(ok, num / np.where(ok, den, 1.0) * scale, np.nan)
    for given in (part, whole):
        if isinstance(given, pd.Series):
            return pd.Series(out, index=given.index, dtype=float)
    return out if out.ndim else float(out)


def _floats(values: pd.Series | np.ndarray | float) -> np.ndarray:
    if isinstance(values, pd.Series):
        return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return np.asarray(np.nan if values is None else values, dtype=float)


PEOPLE_PER_FAMILY = 3.6  # population in families = penduduk / 3.6


@dataclass(frozen=True)
class Indicator:
    """What a map indicator means and how to read it."""

    label: str
    unit: str
    higher_is_better: bool
    levels: tuple[str, ...] = LEVELS
    decimals: int = 1
    # Map classes: the smallest difference worth its own colour, and the values' possible range. None: the unit's
    # default (class_scale).
    class_step: float | None = None
    domain: tuple[float, float] | None = None


INDICATORS: dict[str, Indicator] = {
    "keluarga_per_100": Indicator(
        "Keluarga terdaftar per 100 keluarga penduduk",
        "per 100 keluarga",
        True,
        ("nasional", "provinsi", "kabupaten"),
        class_step=5.0,
        domain=(0.0, math.inf),
    ),
    "padan_dukcapil": Indicator("Individu padan Dukcapil", "%", True),
    "desil_1_4": Indicator("Keluarga desil 1–4", "%", True),
    "cakupan_pkh": Indicator("Keluarga penerima PKH", "%", True),
    "cakupan_bpnt": Indicator("Keluarga penerima BPNT", "%", True),
    "cakupan_pbi_jk": Indicator("Keluarga penerima PBI-JK", "%", True),
    "bulan_verivali": Indicator(
        "Rata-rata bulan sejak verivali terakhir", "bulan", False, class_step=3.0, domain=(0.0, math.inf)
    ),
    "desa_musdes_3_bulan": Indicator("Desa dengan musdes dalam 3 bulan terakhir", "%", True),
    "sanggahan_per_1000": Indicator(
        "Sanggahan per 1.000 keluarga", "per 1.000 keluarga", False, class_step=1.0, domain=(0.0, 1000.0)
    ),
}

PERCENT_CLASS_STEP = 5.0  # percentage points: a smaller difference between two regions gets no colour of its own


def class_scale(meta: object) -> tuple[float | None, tuple[float, float] | None]:
    """(smallest difference worth its own colour, domain) for a map of `meta` (an Indicator or anything with
    `unit`, optionally `class_step` and `domain`): a percentage defaults to 5 points within 0–100; any other
    unit without a step of its own (a count) gets quantile classes (None)."""
    step = getattr(meta, "class_step", None)
    domain = getattr(meta, "domain", None)
    if step is None and getattr(meta, "unit", "") == "%":
        step = PERCENT_CLASS_STEP
    if domain is None and getattr(meta, "unit", "") == "%":
        domain = (0.0, 100.0)
    return step, domain


# indicator → (numerator column or columns to add, denominator column, scale); keluarga_per_100 and sanggahan are
# special.
_RATIOS: dict[str, tuple[str | tuple[str, ...], str, float]] = {
    "padan_dukcapil": ("individu_padan", "individu_aktif", 100.0),
    "desil_1_4": (DESIL_1_4, "keluarga_aktif", 100.0),
    "cakupan_pkh": ("pkh", "keluarga_aktif", 100.0),
    "cakupan_bpnt": ("bpnt", "keluarga_aktif", 100.0),
    "cakupan_pbi_jk": ("pbi_jk", "keluarga_aktif", 100.0),
    "bulan_verivali": ("bulan_verivali_total", "keluarga_aktif", 1.0),
    "desa_musdes_3_bulan": ("desa_musdes_3_bulan", "jumlah_desa", 100.0),
}


class IndicatorUnavailable(ValueError):
    """The indicator cannot be computed for these rows (e.g. no population below the kab/kota)."""


def available_indicators(level: str) -> list[str]:
    """Indicator keys that can be drawn at `level`, in display order."""
    return [key for key, ind in INDICATORS.items() if level in ind.levels]


def indicator_parts(rows: pd.DataFrame, indicator: str, objections: pd.Series | None = None) -> pd.DataFrame:
    """Numerator, denominator and value per region (index `kode`); value is NaN where the denominator is 0.

    `rows` are rollup rows of one level. `keluarga_per_100` needs a `penduduk` column (Dukcapil population,
    from wilayah_kabupaten, summed per provinsi by the caller) and exists only at national, provinsi and
    kab/kota level.
    `objections` counts objections per code of the same level (default: none).
    """
    if indicator not in INDICATORS:
        raise ValueError(f"Unknown indicator {indicator!r}; expected one of {', '.join(INDICATORS)}")
    meta = INDICATORS[indicator]
    codes = rows["kode"].astype(str)
    levels = set(rows["tingkat"]) if "tingkat" in rows else set()
    missing_levels = sorted(levels - set(meta.levels), key=lambda lv: (LEVELS.index(lv) if lv in LEVELS else 9, lv))
    if missing_levels:
        where = ", ".join(LEVEL_NAMES[lv].lower() if lv in LEVEL_NAMES else lv for lv in missing_levels)
        raise IndicatorUnavailable(
            f"Indikator “{meta.label}” tidak tersedia di tingkat {where}: "
            + (
                "jumlah penduduk hanya tersedia per kabupaten/kota dan provinsi."
                if indicator == "keluarga_per_100"
                else "data tingkat ini tidak mendukungnya."
            )
        )

    if indicator == "keluarga_per_100":
        if "penduduk" not in rows:
            raise ValueError("keluarga_per_100 needs a 'penduduk' column (join wilayah_kabupaten.penduduk)")
        numerator = _column(rows, "keluarga_tertimbang")
        denominator = pd.to_numeric(rows["penduduk"], errors="coerce").astype(float) / PEOPLE_PER_FAMILY
        scale = 100.0
    elif indicator == "sanggahan_per_1000":
        if objections is None:
            numerator = pd.Series(0.0, index=rows.index)
        else:
            counts = pd.to_numeric(objections, errors="coerce")
            counts = counts.groupby(counts.index.astype(str)).sum()  # codes given as int or str, once each
            numerator = pd.Series(counts.reindex(codes).fillna(0).to_numpy(dtype=float), index=rows.index)
        denominator = _column(rows, "keluarga_aktif")
        scale = 1000.0
    else:
        num_cols, den_col, scale = _RATIOS[indicator]
        numerator = _total(rows, num_cols) if isinstance(num_cols, tuple) else _column(rows, num_cols)
        denominator = _column(rows, den_col)

    den = denominator.to_numpy(dtype=float)
    num = numerator.to_numpy(dtype=float)
    value = share(num, den, scale)
    return pd.DataFrame(
        {"pembilang": num, "penyebut": den, "nilai": value}, index=pd.Index(codes.to_numpy(), name="kode")
    )


def indicator_values(rows: pd.DataFrame, indicator: str, objections: pd.Series | None = None) -> pd.Series:
    """The indicator per region as a Series indexed by `kode` (NaN where it cannot be computed).

    Raises IndicatorUnavailable (a ValueError with an Indonesian message to show as is) when the indicator
    does not exist at the rows' level.
    """
    return indicator_parts(rows, indicator, objections)["nilai"].rename(indicator)


def _column(rows: pd.DataFrame, name: str) -> pd.Series:
    if name not in rows:
        raise ValueError(f"rollup rows lack the column {name!r}")
    return pd.to_numeric(rows[name], errors="coerce").astype(float)


def desil_1_4(rows: pd.DataFrame) -> pd.Series:
    """Active families in desil 1–4 per rollup row (the sum of the four desil columns)."""
    return _total(rows, DESIL_1_4)


def _total(rows: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    return sum((_column(rows, c) for c in columns), start=pd.Series(0.0, index=rows.index))
