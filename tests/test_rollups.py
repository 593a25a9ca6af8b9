"""Rollups on the hand-made register equal the answers worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from portal.db import Register
from tests.fixture_register import DUP_NIK, EXPECTED, A, B, C


@pytest.mark.parametrize("kode", [A, B, C, "nasional"])
def test_rollup_matches_hand_counts(register: Register, kode: str) -> None:
    if kode == "nasional":
        row = register.run("national_headline", periode="2026-09").iloc[0]
    else:
        rows = register.run("rollup_children", periode="2026-09", tingkat="desa", induk=kode[:6])
        row = rows.set_index("kode").loc[kode]
    for column, expected in EXPECTED[kode].items():
        assert int(row[column]) == expected, column


def test_upper_levels_sum_the_desa(register: Register) -> None:
    desa = register.run("rollup_children", periode="2026-09", tingkat="desa", induk="347101")
    kec = register.run("rollup_children", periode="2026-09", tingkat="kecamatan", induk="3471").set_index("kode")
    assert kec.loc["347101", "individu"] == desa["individu"].sum()
    prov = register.run("rollup_children", periode="2026-09", tingkat="provinsi", induk="").set_index("kode")
    assert set(prov.index) == {"31", "34"}
    assert prov.loc["34", "keluarga"] == 4  # families 1-4 live in DIY
    assert prov.loc["34", "nama"] == "Daerah Istimewa Yogyakarta"


def test_previous_period_has_its_own_rollup(register: Register) -> None:
    row = register.run("national_headline", periode="2026-06").iloc[0]
    assert int(row["keluarga"]) == 6
    assert int(row["inklusi"]) == 2  # families 3 (desil 6, PBI-JK) and 6 (desil 8, PBI-JK)
    assert int(row["pkh"]) == 2
    # per programme: both inclusion errors are PBI-JK; the desil 3 PKH family (RUDI HARTONO) is not desil 6-10
    assert [int(row[f"inklusi_{p}"]) for p in ("pkh", "bpnt", "pbi_jk", "blt_dd")] == [0, 0, 2, 0]
    assert int(row["eksklusi_d1"]) == 0  # the only desil 1 family receives three programmes


def test_duplicate_nik_table(register: Register) -> None:
    cursor = register._con.cursor()  # the side table is read by no page query, only by the benchmark
    ganda = cursor.execute("select kode_kab from nik_index where nik = ?", [DUP_NIK]).df()
    assert sorted(ganda["kode_kab"]) == ["3171", "3471"]


def test_trend_lists_every_period(register: Register) -> None:
    trend = register.run("national_trend")
    assert list(trend["periode"]) == ["2026-06", "2026-09"]
    assert list(trend["keluarga_aktif"]) == [6, 5]


def test_national_changes_are_precomputed_against_the_period_before(register: Register) -> None:
    live = register.run("period_changes", dari="2026-06", ke="2026-09", kode="", panjang=2)
    stored = register.run("period_changes_nasional", dari="2026-06", ke="2026-09")
    assert len(live) > 0
    pd.testing.assert_frame_equal(
        stored.reset_index(drop=True), live.reset_index(drop=True), check_dtype=False, check_like=False
    )
    # Only consecutive pairs are stored: the first period has none before it.
    assert register.run("period_changes_nasional", dari="2026-03", ke="2026-06").empty


def test_previous_period_and_consecutive_pairs(register: Register) -> None:
    from portal.analytics import consecutive
    from portal.rollups import previous_period

    assert previous_period(register.root, "2026-09") == "2026-06"
    assert previous_period(register.root, "2026-06") is None
    assert consecutive(["2026-06", "2026-09"], "2026-06", "2026-09")
    assert not consecutive(["2026-03", "2026-06", "2026-09"], "2026-03", "2026-09")
    assert not consecutive(["2026-06", "2026-09"], "2026-09", "2026-06")
