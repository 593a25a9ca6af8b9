"""Public accountability figures (pure): counts per region, the two partitions suppressed top-down like
Statistik Publik, display and JSON records."""

from __future__ import annotations

import pandas as pd
import pytest

from portal import accountability
from portal.suppression import MARK, TOTAL

PROVINSI = ["31 · DKI JAKARTA", "34 · DI YOGYAKARTA", "35 · JAWA TIMUR"]
KAB_34 = ["3401 · KULON PROGO", "3402 · BANTUL", "3471 · KOTA YOGYAKARTA"]
# (on time, breached, open, upheld, overturned, appeal pending)
OUTCOMES_PROV = {"31": (120, 40, 15, 20, 11, 12), "34": (95, 3, 30, 14, 10, 12), "35": (300, 60, 25, 30, 25, 15)}
OUTCOMES_KAB = {"3401": (30, 1, 10, 4, 5, 4), "3402": (35, 2, 10, 5, 3, 4), "3471": (30, 0, 10, 5, 2, 4)}


def test_region_counts_fill_every_region() -> None:
    counts = accountability.region_counts({"31": (1, 2, 3, 4, 5, 6), "99": (9,) * 6}, PROVINSI)
    assert list(counts.index) == PROVINSI
    assert counts.loc["31 · DKI JAKARTA"].tolist() == [1, 2, 3, 4, 5, 6]
    assert counts.loc["35 · JAWA TIMUR"].tolist() == [0] * 6  # no tickets: zeros, which are published
    with pytest.raises(ValueError):
        accountability.region_counts({"31": (1, 2)}, PROVINSI)


def test_published_figures_hide_small_cells_and_keep_totals() -> None:
    top = accountability.region_counts(OUTCOMES_PROV, PROVINSI)
    table = accountability.published([top], [])
    assert list(table.columns) == accountability.COLUMNS
    assert list(table.index) == [*PROVINSI, TOTAL]
    jatim = table.loc["35 · JAWA TIMUR"]
    assert jatim["diterima"] == 385 and jatim["tepat_waktu"] == 300 and jatim["banding"] == 70
    assert table.loc["34 · DI YOGYAKARTA", "melewati_batas"] is pd.NA  # 3 breached tickets
    # the complement: no row or column of the handling partition has exactly one hidden cell
    handling = table[["tepat_waktu", "melewati_batas", "dalam_proses", "diterima"]].isna()
    assert handling.to_numpy().sum() >= 4
    assert all(n != 1 for n in handling.sum(axis=0)) and all(n != 1 for n in handling.sum(axis=1))
    assert table.loc[TOTAL, "diterima"] is pd.NA or table.loc[TOTAL, "diterima"] == sum(
        sum(v[:3]) for v in OUTCOMES_PROV.values()
    )


def test_the_kab_level_agrees_with_the_provinsi_row() -> None:
    top = accountability.region_counts(OUTCOMES_PROV, PROVINSI)
    kab = accountability.region_counts(OUTCOMES_KAB, KAB_34)
    parent = accountability.published([top], [])
    child = accountability.published([top, kab], ["34 · DI YOGYAKARTA"])
    assert list(child.index) == [*KAB_34, TOTAL]
    mine, theirs = child.loc[TOTAL], parent.loc["34 · DI YOGYAKARTA"]
    assert mine.isna().tolist() == theirs.isna().tolist()
    assert mine.dropna().tolist() == theirs.dropna().tolist()
    assert child.loc["3401 · KULON PROGO", "melewati_batas"] is pd.NA
    with pytest.raises(ValueError):
        accountability.published([top, kab], [])


def test_display_and_records() -> None:
    table = accountability.published([accountability.region_counts(OUTCOMES_PROV, PROVINSI)], [])
    shown = accountability.to_display(table)
    assert shown.loc["34 · DI YOGYAKARTA", "Melewati batas"] == MARK
    assert shown.loc["35 · JAWA TIMUR", "Tiket diterima"] == "385"
    records = accountability.as_records(table)
    assert records[1]["kode"] == "34" and records[1]["nama"] == "DI YOGYAKARTA"
    assert records[1]["melewati_batas"] is None and records[2]["diterima"] == 385
    assert records[-1]["kode"] is None and records[-1]["nama"] == TOTAL


def test_musdes_on_time_is_a_third_partition() -> None:
    rollup = pd.DataFrame(
        {"kode": ["31", "34", "35"], "jumlah_desa": [267, 438, 8494], "desa_musdes_3_bulan": [260, 433, 8000]}
    )
    musdes = accountability.musdes_counts(rollup, PROVINSI)
    assert musdes.loc["34 · DI YOGYAKARTA"].tolist() == [433, 5]
    top = accountability.region_counts(OUTCOMES_PROV, PROVINSI)
    table = accountability.published([top], [], musdes=[musdes])
    assert list(table.columns) == accountability.COLUMNS + accountability.MUSDES_COLUMNS
    assert table.loc["35 · JAWA TIMUR", "desa"] == 8494 and table.loc["35 · JAWA TIMUR", "desa_tanpa_musdes"] == 494
    assert table.loc["34 · DI YOGYAKARTA", "desa_tanpa_musdes"] is pd.NA  # 5 desa
    hidden = table[accountability.MUSDES_COLUMNS].isna()
    assert all(n != 1 for n in hidden.sum(axis=0)) and all(n != 1 for n in hidden.sum(axis=1))
    assert "Desa musdes ≤ 3 bulan" in accountability.to_display(table).columns
    with pytest.raises(ValueError):
        accountability.published([top], [], musdes=[musdes, musdes])
