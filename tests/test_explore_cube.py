"""Eksplorasi's counts from the cube written at build time (explore_cube_*) equal the live counts over the raw rows,
for every dimension pair, each filter, and national, provinsi, kab/kota and kecamatan views; and
`explore.counts_query` picks the cube only where its kecamatan grain can answer."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from itertools import combinations, permutations
from pathlib import Path

import pandas as pd
import pytest

from portal import explore
from portal.config import Settings
from portal.db import QueryError, Register
from portal.demo import DemoOptions, build_demo
from portal.explore import FilterSpec
from portal.periods import period_end
from tests.fixture_register import A, fixture_settings

REF_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "ref"
LEVELS = ("individu", "keluarga")
GROUPS = ("kecamatan", "desil", "jenis_kelamin", "kelompok_umur", "program", "disabilitas", "status")
# Every grouping the page can ask of the cube: none, one dimension, or an ordered pair of different dimensions
# (for the older period, each pair in one order only).
DIMENSION_PAIRS = [("", ""), *((d, "") for d in GROUPS), *permutations(GROUPS, 2)]
UNORDERED_PAIRS = [("", ""), *((d, "") for d in GROUPS), *combinations(GROUPS, 2)]
# Each filter alone (with values that keep some rows and drop others), 'kosong' where a drill can set it, and all.
FILTERS: list[dict[str, tuple[str, ...]]] = [
    {"program": ("pkh", "tanpa")},
    {"program": ("pbi_jk",)},
    {"desil": ("1", "2", "kosong")},
    {"kelamin": ("P",)},
    {"umur": ("0-5", "60+")},
    {"umur": ("kosong",)},
    {"disabilitas": ("ya",)},
    {"disabilitas": ("kosong",)},
    {"status": ("nonaktif",)},
    {"program": ("bpnt", "blt_dd"), "desil": ("3", "4"), "kelamin": ("L",), "umur": ("18-59",), "status": ("aktif",)},
]
FILTERED_PAIRS = [("", ""), ("program", "desil"), ("kecamatan", "kelompok_umur"), ("disabilitas", "program")]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Register]:
    """A small synthetic register of two provinces and two periods (dense kab/kota 3171 and 3471)."""
    settings: Settings = dataclasses.replace(
        fixture_settings(tmp_path_factory.mktemp("demo-cube")), ref_dir=REF_DIR if REF_DIR.is_dir() else None
    )
    build_demo(DemoOptions(individuals=12_000, provinces=("31", "34"), periods=2, seed=7), settings, lambda _: None)
    reg = Register(settings)
    yield reg
    reg.close()


def _regions(register: Register, periode: str) -> list[str]:
    """The nation, both provinces, a kab/kota and two kecamatan of the register (the largest of each level)."""
    sizes = register.run(
        "explore_individu_counts",
        **explore.query_params(FilterSpec(periode=periode), "", period_end(periode)),
        dim_baris="kecamatan",
        dim_kolom="",
    ).sort_values(["jumlah", "baris"], ascending=False)
    kecamatan = list(sizes["baris"].astype(str))
    return ["", "31", "34", kecamatan[0][:4], kecamatan[0], kecamatan[len(kecamatan) // 2]]


def _both(register: Register, spec: FilterSpec, region: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cube's answer (the query counts_query picks) and the live query's, for the same view."""
    name = explore.counts_query(spec, region)
    assert name == f"explore_{spec.tingkat}_counts_cube", (spec, region)
    params = {
        **explore.query_params(spec, region, period_end(spec.periode or "")),
        "dim_baris": spec.baris,
        "dim_kolom": spec.kolom,
    }
    return register.run(name, **params), register.run(f"explore_{spec.tingkat}_counts", **params)


def _same(register: Register, spec: FilterSpec, region: str) -> int:
    cube, live = _both(register, spec, region)
    pd.testing.assert_frame_equal(cube, live, obj=f"{spec.to_params()} in {region or 'nasional'}")
    return int(live["jumlah"].sum())


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("periode", ["2026-06", "2026-09"])
def test_cube_counts_every_dimension_pair(demo: Register, level: str, periode: str) -> None:
    counted = 0
    for region in _regions(demo, periode):
        for baris, kolom in DIMENSION_PAIRS if periode == "2026-09" else UNORDERED_PAIRS:
            counted += _same(demo, FilterSpec(periode=periode, tingkat=level, baris=baris, kolom=kolom), region)
    assert counted > 0


@pytest.mark.parametrize("level", LEVELS)
def test_cube_counts_with_each_filter(demo: Register, level: str) -> None:
    periode = "2026-09"
    counted = empty = 0
    for region in _regions(demo, periode):
        for filters in FILTERS:
            for baris, kolom in FILTERED_PAIRS:
                spec = FilterSpec(periode=periode, tingkat=level, baris=baris, kolom=kolom, **filters)
                found = _same(demo, spec, region)
                counted += found
                empty += found == 0
    assert counted > 0
    assert empty < len(_regions(demo, periode)) * len(FILTERS) * len(FILTERED_PAIRS)


@pytest.mark.parametrize("level", LEVELS)
def test_cube_counts_of_chosen_regions(demo: Register, level: str) -> None:
    """Regions chosen on the page (several, of different levels, inside a provinsi official's scope)."""
    regions = _regions(demo, "2026-09")
    kab, kec = regions[3], regions[5]
    choices = [
        {"prov": ("31", "34")},
        {"kab": (kab,), "kec": (kec,)},
        {"kec": (regions[4], kec)},
        {"prov": ("31",), "kab": (kab,)},
    ]
    for choice in choices:
        for baris, kolom in (("kecamatan", "program"), ("", ""), ("status", "desil")):
            for region in ("", kab[:2]):
                spec = explore.apply_scope(
                    FilterSpec(periode="2026-09", tingkat=level, baris=baris, kolom=kolom, **choice), region
                ).spec
                _same(demo, spec, region)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("region", ["", "34", "3471", "347101"])
def test_fixture_cube_counts_equal_the_live_counts(register: Register, level: str, region: str) -> None:
    """The hand-made register: families without a head, heads without a birth date, people without a family."""
    for baris, kolom in DIMENSION_PAIRS:
        _same(register, FilterSpec(periode="2026-09", tingkat=level, baris=baris, kolom=kolom), region)
    for filters in FILTERS:
        _same(register, FilterSpec(periode="2026-09", tingkat=level, baris="program", kolom="desil", **filters), region)


def test_cube_is_wrong_would_be_seen(demo: Register) -> None:
    """The comparison can fail: a cube answer with one cell moved differs from the live answer."""
    spec = FilterSpec(periode="2026-09", baris="desil", kolom="status")
    cube, live = _both(demo, spec, "34")
    moved = cube.copy()
    moved.loc[0, "jumlah"] += 1
    with pytest.raises(AssertionError):
        pd.testing.assert_frame_equal(moved, live)


@pytest.mark.parametrize("level", LEVELS)
def test_cube_refuses_a_desa(register: Register, level: str) -> None:
    """Asked for what its kecamatan grain cannot answer, the cube query raises instead of answering wrongly."""
    base = explore.query_params(FilterSpec(periode="2026-09"), A, period_end("2026-09"))
    with pytest.raises(QueryError, match="no desa"):
        register.run(f"explore_{level}_counts_cube", **base, dim_baris="", dim_kolom="")
    national = explore.query_params(FilterSpec(periode="2026-09"), "", period_end("2026-09"))
    with pytest.raises(QueryError, match="no desa"):
        register.run(f"explore_{level}_counts_cube", **national, dim_baris="desa", dim_kolom="")


def test_counts_query_picks_the_cube_down_to_a_kecamatan() -> None:
    for level in LEVELS:
        live, cube = f"explore_{level}_counts", f"explore_{level}_counts_cube"
        spec = FilterSpec(tingkat=level, baris="kecamatan", kolom="program", program=("pkh",))
        assert explore.counts_query(spec, "") == cube
        assert explore.counts_query(spec, "34") == cube
        assert explore.counts_query(spec, "3471") == cube
        assert explore.counts_query(spec, "347101") == cube
        assert explore.counts_query(dataclasses.replace(spec, prov=("31", "34"), kec=("347101",)), "") == cube
        # a desa anywhere: the scope, a chosen desa, or a desa dimension
        assert explore.counts_query(spec, A) == live
        assert explore.counts_query(dataclasses.replace(spec, desa=(A,)), "") == live
        assert explore.counts_query(dataclasses.replace(spec, kab=("3471",), desa=(A,)), "34") == live
        assert explore.counts_query(dataclasses.replace(spec, baris="desa", kolom=""), "") == live
        assert explore.counts_query(dataclasses.replace(spec, kolom="desa"), "3471") == live
        # a register built before the cube
        assert explore.counts_query(spec, "", cube=False) == live
