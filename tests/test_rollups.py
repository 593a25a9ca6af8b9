"""Rollups on the hand-made register equal the answers worked out by hand."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from portal.db import Register, load_sql
from portal.nik import nik_is_valid
from portal.rollups import RepeatedKeys
from tests.fixture_register import DUP_NIK, EXPECTED, A, B, C

# The duplicate-NIK query over every row, kept with the benchmarks (no page or build runs it).
RAW_NIK_GANDA = (Path(__file__).resolve().parents[1] / "bench" / "queries" / "nik_ganda.sql").read_text("utf-8")


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


def _repeats_of(keys: list[str | None], pieces: list[int], tmp_path: Path) -> list[tuple[str | None, int]]:
    """RepeatedKeys over `keys` (sorted) fed in pieces of the given sizes; the (key, row number) pairs kept."""
    rows = pa.table({"nik": pa.array(keys, pa.string()), "n": pa.array(range(len(keys)), pa.int64())})
    out = tmp_path / f"repeats-{len(list(tmp_path.iterdir()))}.parquet"
    repeats = RepeatedKeys(out, rows.schema, "nik")
    start = 0
    for size in pieces:
        repeats.add(rows.slice(start, size))
        start += size
    repeats.add(rows.slice(start))
    repeats.close()
    kept = pq.read_table(out)
    assert repeats.rows == kept.num_rows
    return list(zip(kept.column("nik").to_pylist(), kept.column("n").to_pylist(), strict=True))


def test_repeated_keys_whatever_the_pieces(tmp_path: Path) -> None:
    rng = random.Random(7)
    for _ in range(40):
        keys = sorted(rng.choice("abcdefgh") for _ in range(rng.randint(0, 30)))
        keys = keys + [None] * rng.randint(0, 3)  # nulls sort last and are never repeats
        counts = Counter(keys)
        expected = [(k, i) for i, k in enumerate(keys) if k is not None and counts[k] > 1]
        cuts = sorted(rng.sample(range(len(keys) + 1), min(len(keys) + 1, rng.randint(0, 6))))
        pieces = [b - a for a, b in zip([0, *cuts], cuts, strict=False)]
        assert _repeats_of(keys, pieces, tmp_path) == expected, (keys, pieces)
    assert _repeats_of(["a", "a"], [1, 0, 1], tmp_path) == [("a", 0), ("a", 1)]
    assert _repeats_of(["a", "b"], [1], tmp_path) == []
    assert _repeats_of([], [], tmp_path) == []


def test_duplicate_nik_from_repeated_rows_equals_raw_rows(register: Register) -> None:
    """The build's duplicate-NIK table (from the rows whose NIK repeats) is bench/queries/nik_ganda.sql on all rows."""
    for periode in ("2026-06", "2026-09"):
        raw = register._con.execute(RAW_NIK_GANDA, {"periode": periode}).df()
        stored = register._con.execute(
            "select nik, jumlah_kab, jumlah_baris from nik_ganda_all where periode = ? order by nik", [periode]
        ).df()
        pd.testing.assert_frame_equal(stored, raw, check_dtype=False)
    assert list(raw["nik"]) == [DUP_NIK]


def _nik_valid(con: duckdb.DuckDBPyConnection, niks: list[str | None]) -> list[bool]:
    con.register("niks", pa.table({"nik": pa.array(niks, pa.string()), "i": range(len(niks))}))
    return [row[0] for row in con.execute("select nik_valid(nik) from niks order by i").fetchall()]


def test_nik_valid_macro_is_the_python_rule() -> None:
    """queries/macros.sql's nik_valid (one regular expression) against portal.nik.nik_is_valid: every day and
    month field, every province prefix, serials, lengths, other characters."""
    con = duckdb.connect()
    con.execute(load_sql("macros"))
    niks: list[str | None] = [f"320101{dd:02d}{mm:02d}850001" for dd in range(100) for mm in range(100)]
    niks += [f"{pp:02d}0101150885{s}" for pp in range(100) for s in ("0001", "0000", "1000", "0010", "9999")]
    niks += ["", "3201011508850001 ", " 3201011508850001", "320101150885001", "32010115088500011", "320101150885000a"]
    niks += ["٣٢٠١٠١١٥٠٨٨٥٠٠٠١", "3201011508850001\n", "3.20101150885E15", "32010115088500O1", None]
    rng = random.Random(3)
    niks += ["".join(rng.choice("0123456789") for _ in range(16)) for _ in range(5000)]
    got = _nik_valid(con, niks)
    assert got == [nik_is_valid(n) for n in niks]
    assert sum(got) > 1000 and not all(got)  # both answers occur
