"""The analysis pages' queries and pure functions: known answers worked out by hand from the fixture rows (and
from a variant of the fixture with a few more rows), and the quality checks against the synthetic register's
ground truth (truth_cacat, truth_usulan) on a small demo register."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from portal import analytics, charts, rollups
from portal.config import Settings
from portal.db import Register, new_connection, register_views
from portal.demo import DemoOptions, build_demo
from portal.demo.defects import RATES
from portal.maps import choropleth
from portal.periods import period_end
from portal.snapshot import partition_path, read_manifest
from tests import fixture_register as fx
from tests.fixture_register import A, B, C, build_fixture, fixture_settings

END = date(2026, 9, 30)
PERSON_CHECKS = ("nik_tidak_valid", "nik_beda_domisili", "nik_ganda", "meninggal_aktif")
A2 = "3471021001"  # Bumijo, kecamatan 347102 Jetis, Kota Yogyakarta: where the variant moves family 3
Rows = Callable[[], tuple[list[dict], list[dict]]]  # the fixture's row builders
REF_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "ref"


# --- pure functions ---------------------------------------------------------------------------------------


def _rollup_rows(**columns: list) -> pd.DataFrame:
    base = {
        "kode": ["01", "02", "03"],
        "nama": ["X", "Y", "Z"],
        "keluarga_aktif": [100, 50, 0],
        "desil_1": [10, 4, 0],
        "keluarga_d1_2": [20, 8, 0],
        "eksklusi_d1": [2, 4, 0],
        "eksklusi": [5, 4, 0],
        "keluarga_d6_10": [40, 10, 0],
        "inklusi": [8, 1, 0],
        "inklusi_pkh": [1, 0, 0],
        "inklusi_bpnt": [2, 1, 0],
        "inklusi_pbi_jk": [6, 0, 0],
        "inklusi_blt_dd": [0, 0, 0],
    }
    base.update(columns)
    return pd.DataFrame(base)


def test_poverty_table_desil_1_and_desil_1_2() -> None:
    d1 = analytics.poverty_table(_rollup_rows(), desil_1_only=True).set_index("kode")
    assert d1.loc["01", "sasaran"] == 10 and d1.loc["01", "tanpa_program"] == 2
    assert d1.loc["01", "eksklusi_persen"] == 20.0  # 2 of 10
    assert d1.loc["02", "eksklusi_persen"] == 100.0  # 4 of 4
    assert np.isnan(d1.loc["03", "eksklusi_persen"])  # no sasaran: no rate, not 0
    assert d1.loc["01", "sasaran_persen"] == 10.0
    assert d1.loc["01", "inklusi_persen"] == 20.0  # 8 of 40
    assert d1.loc["01", "inklusi_pbi_jk_persen"] == 15.0  # 6 of 40
    d12 = analytics.poverty_table(_rollup_rows(), desil_1_only=False).set_index("kode")
    assert d12.loc["01", "sasaran"] == 20 and d12.loc["01", "tanpa_program"] == 5
    assert d12.loc["01", "eksklusi_persen"] == 25.0
    assert d12.loc["02", "eksklusi_persen"] == 50.0


def test_poverty_table_refuses_rollups_without_the_new_columns() -> None:
    with pytest.raises(ValueError, match="eksklusi_d1"):
        analytics.poverty_table(_rollup_rows().drop(columns="eksklusi_d1"))


def test_poverty_map_draws_each_region_with_its_value() -> None:
    boxes = gpd.GeoDataFrame(
        {"kode": ["01", "02", "03"], "nama": ["X", "Y", "Z"]},
        geometry=[shapely.box(110, -8, 111, -7), shapely.box(111, -8, 112, -7), shapely.box(112, -8, 113, -7)],
        crs="EPSG:4326",
    )
    table = analytics.poverty_table(_rollup_rows())
    indicator = next(i for i in analytics.POVERTY_INDICATORS if i.column == "eksklusi_persen")
    values = pd.Series(table[indicator.column].to_numpy(dtype=float), index=table["kode"])
    fmap = choropleth.build_choropleth(boxes, table, values, indicator.label, unit=indicator.unit)
    html = fmap.get_root().render()
    assert "Sasaran tanpa program apa pun (eksklusi): 20,0%" in html  # X: 2 of 10
    assert "Sasaran tanpa program apa pun (eksklusi): 100,0%" in html  # Y: 4 of 4
    assert "tidak ada data" in html  # Z: no sasaran, grey rather than 0


def test_rank_by_gap_orders_by_count_then_rate_then_code() -> None:
    table = pd.DataFrame(
        {
            "kode": ["a", "b", "c", "d"],
            "nama": ["A", "B", "C", "D"],
            "tanpa_program": [3, 5, 3, 0],
            "eksklusi_persen": [10.0, 1.0, 30.0, np.nan],
        }
    )
    assert list(analytics.rank_by_gap(table)["kode"]) == ["b", "c", "a", "d"]
    assert list(analytics.rank_by_gap(table, top=2)["kode"]) == ["b", "c"]


def test_p0_by_region_weights_by_population() -> None:
    kab = pd.DataFrame(
        {
            "kode_kab": ["3401", "3402", "3171"],
            "kode_prov": ["34", "34", "31"],
            "penduduk": [100, 300, 600],
            "p0": [10.0, 20.0, 4.0],
        }
    )
    assert analytics.p0_by_region(kab, "kabupaten").to_dict() == {"3401": 10.0, "3402": 20.0, "3171": 4.0}
    prov = analytics.p0_by_region(kab, "provinsi")
    assert prov["34"] == pytest.approx(17.5)  # (10×100 + 20×300) / 400
    assert prov["31"] == pytest.approx(4.0)
    assert analytics.p0_by_region(kab, "nasional")[""] == pytest.approx(9.4)  # (1000 + 6000 + 2400) / 1000
    assert analytics.p0_by_region(kab, "kecamatan").empty
    assert analytics.region_p0(kab, "340201") == 20.0  # a kecamatan takes its kab/kota's P0
    assert analytics.region_p0(kab, "34") == pytest.approx(17.5)
    assert np.isnan(analytics.region_p0(kab, "3501"))


def test_poverty_trend_is_oldest_first() -> None:
    rows = _rollup_rows().iloc[:2].assign(periode=["2026-09", "2026-06"])
    trend = analytics.poverty_trend(rows)
    assert list(trend["periode"]) == ["2026-06", "2026-09"]
    assert list(trend["tanpa_program"]) == [4, 2]
    assert analytics.poverty_trend(rows.iloc[:0]).empty


def test_quality_scorecard_rates_and_verivali_join() -> None:
    rows = pd.DataFrame(
        {
            "kode": ["01", "02"],
            "nama": ["X", "Y"],
            "individu": [200, 0],
            "individu_aktif": [100, 0],
            "keluarga_aktif": [50, 0],
            "nik_tidak_valid": [4, 0],
            "nik_beda_domisili": [2, 0],
            "nik_ganda_keluarga": [1, 0],
            "nik_ganda": [1, 0],
            "meninggal_aktif": [5, 0],
            "desil_kosong": [10, 0],
        }
    )
    card = analytics.quality_scorecard(rows, pd.DataFrame({"kode": ["01"], "verivali_lewat": [25]})).set_index("kode")
    assert card.loc["01", "nik_tidak_valid_persen"] == 2.0  # 4 of 200 people
    assert card.loc["01", "meninggal_aktif_persen"] == 5.0  # 5 of 100 active people
    assert card.loc["01", "desil_kosong_persen"] == 20.0  # 10 of 50 active families
    assert card.loc["01", "verivali_lewat"] == 25 and card.loc["01", "verivali_lewat_persen"] == 50.0
    assert card.loc["02", "verivali_lewat"] == 0  # absent from the verivali rows: no active family
    assert np.isnan(card.loc["02", "nik_ganda_persen"])
    assert analytics.check_label("verivali_lewat", 18) == "Keluarga aktif belum diverivali lebih dari 18 bulan"
    assert analytics.check_label("verivali_lewat", 6, short=True) == "Verivali > 6 bulan"


def test_change_table_and_reasons() -> None:
    changes = pd.DataFrame(
        [
            ("keluarga", "01", "ditambahkan", "baru", 2),
            ("keluarga", "01", "ditambahkan", "usulan musdes", 3),
            ("keluarga", "02", "dikeluarkan", "mampu", 1),
            ("keluarga", "02", "pkh berhenti", "", 1),
            ("individu", "01", "ditambahkan", "kelahiran", 4),
        ],
        columns=["objek", "kode", "perubahan", "alasan", "jumlah"],
    )
    regions = pd.DataFrame({"kode": ["01", "02", "03"], "nama": ["X", "Y", "Z"]})
    fam = analytics.change_table(changes, "keluarga", regions).set_index("kode")
    assert list(fam.index) == ["01", "02", "03"]  # a region without changes is listed with zeros
    assert fam.loc["01", "ditambahkan"] == 5 and fam.loc["02", "dikeluarkan"] == 1
    assert fam.loc["02", "pkh berhenti"] == 1 and fam.loc["03"].drop("nama").sum() == 0
    assert fam.loc["02", "nama"] == "Y"
    people = analytics.change_table(changes, "individu")
    assert list(people.columns) == ["kode", *analytics.PERSON_CHANGES]
    reasons = analytics.change_reasons(changes, "keluarga")
    assert list(map(tuple, reasons.to_numpy())) == [
        ("ditambahkan", "usulan musdes", 3),
        ("ditambahkan", "baru", 2),
        ("dikeluarkan", "mampu", 1),
    ]


def test_funnel_by_region_and_stages() -> None:
    funnel = pd.DataFrame(
        {
            "kode_desa": ["3471011001", "3471011002", "3471021001"],
            "nama_desa": ["a", "b", "c"],
            "diusulkan": [4, 1, 2],
            "masuk": [3, 1, 0],
            "hilang": [1, 0, 2],
        }
    )
    per_kec = analytics.funnel_by_region(funnel, 6)
    assert list(map(tuple, per_kec[["kode", "diusulkan", "masuk", "hilang"]].to_numpy())) == [
        ("347102", 2, 0, 2),
        ("347101", 5, 4, 1),
    ]
    assert per_kec.set_index("kode").loc["347101", "masuk_persen"] == 80.0
    stages = analytics.funnel_stages(funnel)
    assert list(stages["jumlah"]) == [7, 4, 3]
    assert list(analytics.funnel_stages(funnel.iloc[:0])["jumlah"]) == [0, 0, 0]
    fig = charts.funnel_figure(stages)
    assert list(fig.data[0].x) == [7, 4, 3]


def test_default_periods_and_trend_chart() -> None:
    assert analytics.previous_and_latest(("2026-09", "2026-03", "2026-06")) == ("2026-06", "2026-09")
    assert analytics.previous_and_latest(("2026-09",)) is None
    trend = pd.DataFrame({"periode": ["2026-06", "2026-09"], "a": [1.0, 2.0]})
    fig = charts.period_lines_figure(trend, {"a": "Eksklusi"}, "%")
    assert list(fig.data[0].x) == ["Juni 2026", "September 2026"] and fig.data[0].name == "Eksklusi"


# --- queries on the fixture register ----------------------------------------------------------------------


def test_rollup_within_region_and_trend(register: Register) -> None:
    kec = register.run("rollup_within_region", periode="2026-09", tingkat="kecamatan", kode="34")
    assert list(kec["kode"]) == ["340201", "347101"]  # DIY's kecamatan that hold families (B, A)
    assert register.run("rollup_within_region", periode="2026-09", tingkat="desa", kode=A)["kode"].tolist() == [A]
    trend = register.run("rollup_region_trend", tingkat="kabupaten", kode="3471")
    assert list(trend["periode"]) == ["2026-06", "2026-09"]
    assert list(trend["desil_6"]) == [1, 0] and list(trend["desil_7"]) == [0, 1]  # HENDRA WIJAYA moved up
    nation = register.run("rollup_region_trend", tingkat="nasional", kode="")
    assert list(nation["keluarga_aktif"]) == [6, 5]


def test_poverty_figures_on_the_fixture(register: Register) -> None:
    rows = register.run("rollup_within_region", periode="2026-09", tingkat="desa", kode="")
    d12 = analytics.poverty_table(rows, desil_1_only=False).set_index("kode")
    # A: desil 1-2 = BUDI SANTOSO (3 programmes) and WARSINAH (none); desil 6-10 = HENDRA WIJAYA (PBI-JK).
    assert d12.loc[A, "sasaran"] == 2 and d12.loc[A, "tanpa_program"] == 1 and d12.loc[A, "eksklusi_persen"] == 50.0
    assert d12.loc[A, "inklusi"] == 1 and d12.loc[A, "inklusi_pbi_jk"] == 1 and d12.loc[A, "inklusi_pkh"] == 0
    # C: the desil 8 family is inactive, so no inclusion error; B has no desil at all.
    assert d12.loc[C, "keluarga_d6_10"] == 0 and np.isnan(d12.loc[C, "inklusi_persen"])
    assert d12.loc[B, "sasaran"] == 0
    d1 = analytics.poverty_table(rows, desil_1_only=True).set_index("kode")
    assert d1.loc[A, "sasaran"] == 1 and d1.loc[A, "tanpa_program"] == 0 and d1.loc[A, "eksklusi_persen"] == 0.0
    ranked = analytics.rank_by_gap(analytics.poverty_table(rows, desil_1_only=False))
    assert ranked["kode"].iloc[0] == A


def test_kab_poverty_rate_in_a_region(register: Register) -> None:
    assert register.run("kab_poverty_rate", kode=A)["kode_kab"].tolist() == ["3471"]
    diy = register.run("kab_poverty_rate", kode="34")
    assert diy["kode_kab"].tolist() == ["3401", "3402", "3403", "3404", "3471"]
    assert set(diy["p0"]) == {10.0}  # the fixture's code table
    assert len(register.run("kab_poverty_rate", kode="")) == 514


@pytest.mark.parametrize(
    ("cek", "kode", "names"),
    [
        ("nik_tidak_valid", "", ["SURYANI"]),  # 15 digits
        ("nik_beda_domisili", "", ["NUR HALIMAH", "SUPARMI"]),  # NIK of kab 3471 in 3171; of 3201 in 3402
        ("nik_beda_domisili", "3171", ["NUR HALIMAH"]),
        ("nik_ganda", "", ["NUR HALIMAH", "HENDRA WIJAYA"]),  # ordered by desa: C (3171…) before A (3471…)
        ("nik_ganda", "34", ["HENDRA WIJAYA"]),
        ("meninggal_aktif", "", ["ANDI PRATAMA"]),
        ("meninggal_aktif", "3171", []),
    ],
)
def test_quality_person_rows(register: Register, cek: str, kode: str, names: list[str]) -> None:
    rows = register.run("quality_person_rows", periode="2026-09", kode=kode, cek=cek, batas=100)
    assert list(rows["nama"]) == names
    assert "nama_ibu_kandung" not in rows.columns
    if names:
        assert set(rows["jumlah_total"]) == {len(names)}


def test_quality_rows_explain_themselves(register: Register) -> None:
    ganda = register.run("quality_person_rows", periode="2026-09", kode="", cek="nik_ganda", batas=100)
    assert set(ganda["keterangan"]) == {"NIK dipakai di 2 kab/kota"}
    domisili = register.run("quality_person_rows", periode="2026-09", kode=B, cek="nik_beda_domisili", batas=100)
    assert list(domisili["keterangan"]) == ["NIK terbit di kab/kota 3201"]
    invalid = register.run("quality_person_rows", periode="2026-09", kode="", cek="nik_tidak_valid", batas=100)
    assert list(invalid["keterangan"]) == ["bukan 16 digit angka"]


def test_quality_rows_are_capped(register: Register) -> None:
    rows = register.run("quality_person_rows", periode="2026-09", kode="", cek="nik_beda_domisili", batas=1)
    assert len(rows) == 1 and int(rows["jumlah_total"].iloc[0]) == 2


@pytest.mark.parametrize(
    ("cek", "bulan", "kode", "families"),
    [
        ("desil_kosong", 12, "", [4]),  # SUPARMAN, B
        ("verivali_lewat", 12, "", [5]),  # AHMAD FAUZI: January 2025 → September 2026 = 20 months
        ("verivali_lewat", 20, "", []),  # exactly 20 is not more than 20
        # May 2026 is 4 months back; by desa (C 3171…, B 3402…, A 3471…), then head's name (BUDI, HENDRA, WARSINAH)
        ("verivali_lewat", 3, "", [5, 4, 1, 3, 2]),
        ("verivali_lewat", 3, "34", [4, 1, 3, 2]),
    ],
)
def test_quality_family_rows(register: Register, cek: str, bulan: int, kode: str, families: list[int]) -> None:
    rows = register.run("quality_family_rows", periode="2026-09", akhir=END, kode=kode, cek=cek, bulan=bulan, batas=100)
    assert list(rows["id_keluarga"]) == families  # family 6 (inactive) is never listed


def test_quality_verivali_children(register: Register) -> None:
    def late(bulan: int, kode: str, panjang: int) -> dict[str, tuple[int, int]]:
        rows = register.run(
            "quality_verivali_children", periode="2026-09", akhir=END, bulan=bulan, kode=kode, panjang=panjang
        )
        return {r.kode: (r.keluarga_aktif, r.verivali_lewat) for r in rows.itertuples()}

    assert late(12, "", 2) == {"31": (1, 1), "34": (4, 0)}
    assert late(3, "", 2) == {"31": (1, 1), "34": (4, 4)}
    assert late(3, "3471", 6) == {"347101": (3, 3)}
    assert late(3, A, 10) == {A: (3, 3)}


def test_quality_counts_equal_the_rollup(register: Register) -> None:
    rollup = register.run("rollup_within_region", periode="2026-09", tingkat="desa", kode="").set_index("kode")
    for cek in PERSON_CHECKS:
        for kode in (A, B, C):
            rows = register.run("quality_person_rows", periode="2026-09", kode=kode, cek=cek, batas=100)
            assert len(rows) == rollup.loc[kode, analytics.CHECKS[cek].column], (cek, kode)


FIXTURE_CHANGES = {
    # 2026-06 → 2026-09 over the nation, by provinsi, worked out from the rows:
    ("keluarga", "31", "ditambahkan", "usulan musdes"): 1,  # AHMAD FAUZI, from usulan 9001
    ("keluarga", "31", "dikeluarkan", "mampu"): 1,  # JOKO SUSILO, inactive 'mampu' (usulan 9003)
    ("keluarga", "31", "dikeluarkan", "hilang dari register"): 1,  # RUDI HARTONO, absent in 2026-09
    ("keluarga", "31", "bpnt mulai", ""): 1,  # AHMAD FAUZI's BPNT
    ("keluarga", "31", "pbi_jk berhenti", ""): 1,  # JOKO SUSILO's PBI-JK
    ("keluarga", "31", "pkh berhenti", ""): 1,  # RUDI HARTONO's PKH
    ("keluarga", "34", "desil naik", ""): 1,  # HENDRA WIJAYA, desil 6 → 7
    ("individu", "31", "ditambahkan", "usulan musdes"): 2,  # AHMAD FAUZI and NUR HALIMAH, family 5 (usulan 9001)
    ("individu", "31", "dikeluarkan", "dinonaktifkan"): 1,  # JOKO SUSILO: listed, inactive, keberadaan 'ada'
    ("individu", "31", "dikeluarkan", "hilang dari register"): 1,  # RUDI HARTONO
}


def _changes(register: Register, kode: str, panjang: int) -> dict[tuple[str, str, str, str], int]:
    rows = register.run("period_changes", dari="2026-06", ke="2026-09", kode=kode, panjang=panjang)
    return {(r.objek, r.kode, r.perubahan, r.alasan): r.jumlah for r in rows.itertuples()}


def test_period_changes_on_the_fixture(register: Register) -> None:
    assert _changes(register, "", 2) == FIXTURE_CHANGES
    in_3171 = {(o, "317101", p, a): n for (o, k, p, a), n in FIXTURE_CHANGES.items() if k == "31"}
    assert _changes(register, "3171", 6) == in_3171
    assert _changes(register, B, 10) == {}  # nothing changed in Poncosari


def test_usulan_funnel_and_missing_on_the_fixture(register: Register) -> None:
    funnel = register.run("usulan_funnel", dari="2026-06", ke="2026-09", kode="")
    # usulan 9001 (AHMAD FAUZI) appears as family 5; 9002 (DEWI LESTARI) never does; 9003 is a penghentian.
    assert list(map(tuple, funnel[["kode_desa", "nama_desa", "diusulkan", "masuk", "hilang"]].to_numpy())) == [
        (C, "Cideng", 2, 1, 1)
    ]
    assert register.run("usulan_funnel", dari="2026-06", ke="2026-09", kode="34").empty
    missing = register.run("usulan_missing", dari="2026-06", ke="2026-09", kode=C, batas=10)
    assert list(zip(missing["id_usulan"], missing["nama_kepala_keluarga"], strict=True)) == [(9002, "DEWI LESTARI")]
    # 2026-09's usulan 9101 (RINA MARLINA) has no later snapshot to appear in: still missing against itself
    later = register.run("usulan_funnel", dari="2026-09", ke="2026-09", kode="3471")
    assert list(later["hilang"]) == [1]


HOSTILE = ["'; drop view individu_all; --", "%", "_", "x" * 5000, "a\x00b", "🙂", "' or 1=1 --"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_codes_and_checks_return_nothing(register: Register, text: str) -> None:
    assert register.run("quality_person_rows", periode="2026-09", kode=text, cek="nik_ganda", batas=10).empty
    assert register.run("quality_person_rows", periode="2026-09", kode="", cek=text, batas=10).empty
    assert register.run(
        "quality_family_rows", periode="2026-09", akhir=END, kode="", cek=text, bulan=12, batas=10
    ).empty
    assert register.run("period_changes", dari="2026-06", ke="2026-09", kode=text, panjang=2).empty
    assert register.run("usulan_missing", dari="2026-06", ke="2026-09", kode=text, batas=10).empty
    assert register.run("rollup_within_region", periode="2026-09", tingkat="desa", kode=text).empty
    assert len(register.run("national_headline", periode="2026-09")) == 1  # nothing was dropped


# --- a variant of the fixture: a desil 1 family with nothing, a NIK shared inside a kab, a move --------------


def _variant_2026_09(original: Rows) -> Rows:
    def rows() -> tuple[list[dict], list[dict]]:
        families, people = original()
        for family in families:
            if family["id_keluarga"] == 2:  # WARSINAH starts BLT-DD
                family["prog_blt_dd"], family["prog_blt_dd_sejak"] = True, date(2026, 8, 1)
            if family["id_keluarga"] == 3:  # HENDRA WIJAYA moves to Bumijo, kecamatan Jetis
                family.update(kode_desa=A2, kode_kec=A2[:6])
        for person in people:
            if person["id_dtks"] == 30:
                person.update(kode_desa=A2, kode_kec=A2[:6])
        families.append(fx._family(7, A, "SRI MULYANI", 1, ()))  # desil 1, no programme
        people.append(fx._person(70, 7, A, "SRI MULYANI", "3471015508870001", "P", "kepala keluarga"))  # SITI's NIK
        return families, people

    return rows


def _variant_2026_06(original: Rows) -> Rows:
    def rows() -> tuple[list[dict], list[dict]]:
        families, people = original()
        for person in people:
            if person["id_dtks"] == 30:  # copied from the 2026-09 rows: HENDRA still lived in A then
                person.update(kode_desa=A, kode_kec=A[:6])
        return families, people

    return rows


@pytest.fixture(scope="module")
def variant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Register]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(fx, "_rows_2026_09", _variant_2026_09(fx._rows_2026_09))
        mp.setattr(fx, "_rows_2026_06", _variant_2026_06(fx._rows_2026_06))
        settings = fixture_settings(tmp_path_factory.mktemp("variant"))
        build_fixture(settings)
    reg = Register(settings)
    yield reg
    reg.close()


def test_variant_rollup_columns(variant: Register) -> None:
    desa = variant.run("rollup_within_region", periode="2026-09", tingkat="desa", kode="3471").set_index("kode")
    assert desa.loc[A, "eksklusi_d1"] == 1  # SRI MULYANI
    assert desa.loc[A, "inklusi_pbi_jk"] == 0 and desa.loc[A2, "inklusi_pbi_jk"] == 1  # HENDRA moved
    # SITI AMINAH (family 1) and SRI MULYANI (family 7) share a NIK inside Kota Yogyakarta; HENDRA's NIK is
    # shared with Jakarta Pusat.
    assert desa.loc[A, "nik_ganda_keluarga"] == 2 and desa.loc[A, "nik_ganda"] == 0
    assert desa.loc[A2, "nik_ganda_keluarga"] == 1 and desa.loc[A2, "nik_ganda"] == 1


def test_variant_shared_nik_rows(variant: Register) -> None:
    rows = variant.run("quality_person_rows", periode="2026-09", kode="3471", cek="nik_ganda", batas=100)
    assert list(zip(rows["nama"], rows["keterangan"], strict=True)) == [
        ("SITI AMINAH", "NIK dipakai lebih dari satu keluarga di kab/kota ini"),
        ("SRI MULYANI", "NIK dipakai lebih dari satu keluarga di kab/kota ini"),
        ("HENDRA WIJAYA", "NIK dipakai di 2 kab/kota"),
    ]
    # viewed from one desa, the other holder of the NIK is still found (the whole kab/kota is searched)
    one = variant.run("quality_person_rows", periode="2026-09", kode=A, cek="nik_ganda", batas=100)
    assert list(one["nama"]) == ["SITI AMINAH", "SRI MULYANI"]


def test_variant_changes_inside_a_kab(variant: Register) -> None:
    # Kota Yogyakarta by kecamatan: HENDRA's family moves 347101 → 347102 (and moves up a desil), SRI MULYANI's
    # family is new, WARSINAH starts BLT-DD.
    assert _changes(variant, "3471", 6) == {
        ("keluarga", "347101", "ditambahkan", "baru"): 1,
        ("keluarga", "347101", "pindah keluar", ""): 1,
        ("keluarga", "347102", "pindah masuk", ""): 1,
        ("keluarga", "347102", "desil naik", ""): 1,
        ("keluarga", "347101", "blt_dd mulai", ""): 1,
        ("individu", "347101", "ditambahkan", "baru"): 1,
        ("individu", "347101", "pindah keluar", ""): 1,
        ("individu", "347102", "pindah masuk", ""): 1,
    }
    # Seen from kecamatan 347101 alone, the move leaves the region; from 347102, it arrives.
    left = _changes(variant, "347101", 10)
    assert left[("keluarga", A, "dikeluarkan", "pindah ke luar wilayah")] == 1
    assert left[("individu", A, "dikeluarkan", "pindah ke luar wilayah")] == 1
    arrived = _changes(variant, "347102", 10)
    assert arrived == {
        ("keluarga", A2, "ditambahkan", "pindah dari luar wilayah"): 1,  # a desil move needs both periods here
        ("keluarga", A2, "pbi_jk mulai", ""): 1,  # the region gains a PBI-JK family
        ("individu", A2, "ditambahkan", "pindah dari luar wilayah"): 1,
    }


# --- the synthetic register: every injected defect found, nothing else -----------------------------------

SMALL = DemoOptions(individuals=20_000, provinces=("31", "34"), periods=2, seed=5)


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings: Settings = dataclasses.replace(
        fixture_settings(tmp_path_factory.mktemp("demo-analytics")), ref_dir=REF_DIR if REF_DIR.is_dir() else None
    )
    build_demo(SMALL, settings, progress=lambda _line: None)
    return settings


@pytest.fixture(scope="module")
def demo(demo_settings: Settings) -> Iterator[Register]:
    reg = Register(demo_settings)
    yield reg
    reg.close()


@pytest.fixture(scope="module")
def truth_con(demo_settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """A plain connection over the demo's files, for the ground-truth tables no named query reads."""
    manifest = read_manifest(demo_settings.register_dir)
    con = duckdb.connect()
    register_views(con, demo_settings.register_dir / manifest.generation, manifest.latest)
    yield con
    con.close()


def _truth(con: duckdb.DuckDBPyConnection, periode: str) -> pd.DataFrame:
    return con.execute("select * from truth_cacat_all where periode = $p", {"p": periode}).df()


@pytest.mark.parametrize("periode", ["2026-06", "2026-09"])
def test_demo_defects_are_found_exactly(demo: Register, truth_con: duckdb.DuckDBPyConnection, periode: str) -> None:
    truth = _truth(truth_con, periode)
    for cek in PERSON_CHECKS:
        rows = demo.run("quality_person_rows", periode=periode, kode="", cek=cek, batas=10**7)
        expected = set(truth.loc[truth["jenis"] == cek, "id_dtks"].astype(int))
        assert expected, cek
        assert set(rows["id_dtks"].astype(int)) == expected, cek
        assert len(rows) == len(expected), cek  # nobody twice
    rows = demo.run(
        "quality_family_rows",
        periode=periode,
        akhir=date(2026, 9, 30),
        kode="",
        cek="desil_kosong",
        bulan=12,
        batas=10**7,
    )
    assert set(rows["id_keluarga"].astype(int)) == set(truth.loc[truth["jenis"] == "desil_kosong", "id_keluarga"])


def test_demo_scorecard_finds_the_documented_rates(demo: Register, truth_con: duckdb.DuckDBPyConnection) -> None:
    first = "2026-06"  # the base period of this two-period demo, where the rates were injected
    rows = demo.run("rollup_within_region", periode=first, tingkat="provinsi", kode="")
    card = analytics.quality_scorecard(rows, pd.DataFrame({"kode": [], "verivali_lewat": []}))
    people, families = card["individu"].sum(), card["keluarga_aktif"].sum()
    assert card["nik_tidak_valid"].sum() / people == pytest.approx(RATES["nik_tidak_valid"], rel=0.1)
    assert card["meninggal_aktif"].sum() / people == pytest.approx(RATES["meninggal_aktif"], rel=0.1)
    assert card["desil_kosong"].sum() / families == pytest.approx(RATES["desil_kosong"], rel=0.1)
    assert card["nik_ganda"].sum() / people == pytest.approx(2 * RATES["nik_ganda"], rel=0.2)  # copy and donor
    expected_domisili = RATES["nik_beda_domisili"] + RATES["nik_ganda"]  # a copy lives away from its NIK's kab
    assert card["nik_beda_domisili"].sum() / people == pytest.approx(expected_domisili, rel=0.15)
    truth = _truth(truth_con, first)["jenis"].value_counts()
    for cek in (*PERSON_CHECKS, "desil_kosong"):
        assert card[cek].sum() == truth[cek], cek


def test_demo_scorecard_counts_equal_the_rows_per_kab(demo: Register) -> None:
    card = demo.run("rollup_within_region", periode="2026-09", tingkat="kabupaten", kode="34").set_index("kode")
    for kode in card.index:
        for cek in PERSON_CHECKS:
            rows = demo.run("quality_person_rows", periode="2026-09", kode=kode, cek=cek, batas=10**7)
            assert len(rows) == card.loc[kode, analytics.CHECKS[cek].column], (kode, cek)
        late = demo.run(
            "quality_verivali_children", periode="2026-09", akhir=END, bulan=12, kode=kode, panjang=4
        ).set_index("kode")
        assert late.loc[kode, "verivali_lewat"] == card.loc[kode, "verivali_lewat_12_bulan"]


def test_demo_changes_reconcile_with_the_rollups(demo: Register) -> None:
    before = demo.run("rollup_within_region", periode="2026-06", tingkat="kabupaten", kode="").set_index("kode")
    after = demo.run("rollup_within_region", periode="2026-09", tingkat="kabupaten", kode="").set_index("kode")
    changes = demo.run("period_changes", dari="2026-06", ke="2026-09", kode="", panjang=4)
    fam = analytics.change_table(changes, "keluarga").set_index("kode").reindex(after.index, fill_value=0)
    people = analytics.change_table(changes, "individu").set_index("kode").reindex(after.index, fill_value=0)
    assert fam["pindah masuk"].sum() > 0 and fam["dikeluarkan"].sum() > 0 and fam["ditambahkan"].sum() > 0
    for kode in after.index:
        net = (
            fam.loc[kode, ["ditambahkan", "pindah masuk"]].sum() - fam.loc[kode, ["dikeluarkan", "pindah keluar"]].sum()
        )
        assert after.loc[kode, "keluarga_aktif"] - before.loc[kode, "keluarga_aktif"] == net, kode
        moved = (
            people.loc[kode, ["ditambahkan", "pindah masuk"]].sum()
            - people.loc[kode, ["dikeluarkan", "pindah keluar"]].sum()
        )
        assert after.loc[kode, "individu_aktif"] - before.loc[kode, "individu_aktif"] == moved, kode
    for program in analytics.PROGRAMMES:  # programmes reconcile over the whole register
        started, stopped = fam[f"{program} mulai"].sum(), fam[f"{program} berhenti"].sum()
        assert after[program].sum() - before[program].sum() == started - stopped, program


def test_demo_funnel_matches_the_truth(demo: Register, truth_con: duckdb.DuckDBPyConnection) -> None:
    truth = truth_con.execute(
        """select u.id_usulan, t.akan_masuk_periode_berikut as masuk
           from usulan_all as u join truth_usulan_all as t using (periode, id_usulan)
           where u.periode = '2026-06' and u.jenis = 'tambah' and u.keputusan_musdes = 'disetujui'"""
    ).df()
    funnel = demo.run("usulan_funnel", dari="2026-06", ke="2026-09", kode="")
    assert funnel["diusulkan"].sum() == len(truth)
    assert funnel["masuk"].sum() == int(truth["masuk"].sum())
    missing = demo.run("usulan_missing", dari="2026-06", ke="2026-09", kode="", batas=10**7)
    assert set(missing["id_usulan"]) == set(truth.loc[~truth["masuk"], "id_usulan"])


LIVE_PERSON_ROWS = (Path(__file__).resolve().parents[1] / "bench/queries/quality_person_rows_live.sql").read_text()


def _live_person_rows(con: duckdb.DuckDBPyConnection, **params: object) -> pd.DataFrame:
    """The drill computed from the raw rows (what the page ran before the temuan table)."""
    return con.execute(LIVE_PERSON_ROWS, params).df()


@pytest.mark.parametrize("periode", ["2026-06", "2026-09"])
def test_stored_temuan_equal_the_live_checks(
    demo: Register, truth_con: duckdb.DuckDBPyConnection, periode: str
) -> None:
    """The drill reads the temuan table written at build time: for every check and region level it returns the
    same rows, order, explanations and totals as the checks computed from the raw rows."""
    desa = truth_con.execute(
        "select distinct kode_desa from individu_all where periode = $p order by kode_desa", {"p": periode}
    ).df()["kode_desa"]
    regions = ["", "31", "34", "3471", desa.iloc[0][:6], desa.iloc[0], desa.iloc[len(desa) // 2], "9999"]
    compared = 0
    for cek in PERSON_CHECKS:
        for kode in regions:
            params = {"periode": periode, "kode": kode, "cek": cek, "batas": 10**6}
            stored = demo.run("quality_person_rows", **params)
            live = _live_person_rows(truth_con, **params)
            pd.testing.assert_frame_equal(stored, live, check_dtype=False, obj=f"{cek} in {kode or 'nasional'}")
            compared += len(stored)
    assert compared > 0


@pytest.mark.parametrize(("cek", "kode"), [(cek, kode) for cek in PERSON_CHECKS for kode in ("", "34", A, C)])
def test_fixture_temuan_equal_the_live_checks(register: Register, settings: Settings, cek: str, kode: str) -> None:
    manifest = read_manifest(settings.register_dir)
    con = duckdb.connect()
    try:
        register_views(con, settings.register_dir / manifest.generation, manifest.latest)
        params = {"periode": "2026-09", "kode": kode, "cek": cek, "batas": 100}
        stored = register.run("quality_person_rows", **params)
        pd.testing.assert_frame_equal(stored, _live_person_rows(con, **params), check_dtype=False)
    finally:
        con.close()


LIVE_VERIVALI = (Path(__file__).resolve().parents[1] / "bench/queries/quality_verivali_children_live.sql").read_text()


@pytest.mark.parametrize("periode", ["2026-06", "2026-09"])
def test_stored_verivali_months_equal_the_family_rows(
    demo: Register, truth_con: duckdb.DuckDBPyConnection, periode: str
) -> None:
    """Kualitas Data's verivali count reads the verivali_bulan table: for every level, region and threshold it
    equals the count over the family rows."""
    akhir = period_end(periode)
    checked = 0
    for kode, panjang in (("", 2), ("", 4), ("31", 4), ("34", 6), ("3471", 6), ("3471", 10), ("9999", 10)):
        for bulan in (1, 3, 6, 12, 18, 24, 36, 120):
            params = {"periode": periode, "akhir": akhir, "bulan": bulan, "kode": kode, "panjang": panjang}
            stored = demo.run("quality_verivali_children", **params)
            live = truth_con.execute(LIVE_VERIVALI, params).df()
            pd.testing.assert_frame_equal(stored, live, check_dtype=False, obj=f"{kode or 'nasional'} {bulan}")
            checked += int(stored["verivali_lewat"].sum())
    assert checked > 0


def test_national_changes_counted_in_parts_are_the_whole(
    demo_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The nation's changes are paired in parts by id hash (a national register does not fit the build memory
    at once): any number of parts writes the same bytes as one, and as the build stored."""
    manifest = read_manifest(demo_settings.register_dir)
    root = demo_settings.register_dir / manifest.generation
    before, periode = manifest.periods[-2], manifest.periods[-1]
    con = new_connection(demo_settings.for_builds())
    try:
        register_views(con, root, None)
        monkeypatch.setattr(rollups, "CHANGES_ROWS_PER_GIB", 10**12)
        assert rollups.changes_parts(con, periode) == 1
        _, parts = rollups.write_changes(con, before, periode, tmp_path / "one.parquet", tmp_path / "tmp")
        assert parts == 1
        monkeypatch.setattr(rollups, "CHANGES_ROWS_PER_GIB", 3_000 * 2**30 // rollups.memory_limit_bytes(con))
        assert rollups.changes_parts(con, periode) >= 5
        rows, parts = rollups.write_changes(con, before, periode, tmp_path / "parts.parquet", tmp_path / "tmp")
        assert parts >= 5
    finally:
        con.close()
    assert rows > 0
    assert (tmp_path / "parts.parquet").read_bytes() == (tmp_path / "one.parquet").read_bytes()
    stored = partition_path(root, rollups.NATIONAL_CHANGES, periode)
    assert stored.read_bytes() == (tmp_path / "one.parquet").read_bytes()


def test_national_changes_that_run_out_of_memory_are_counted_in_more_parts(
    demo_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A part that runs out of the build memory is not the build's end: the changes are counted again in twice as
    many parts, until they fit, and the file is the same as counted in one. The memory limit is set so low here
    that the first, whole pairing fails for real."""
    manifest = read_manifest(demo_settings.register_dir)
    root = demo_settings.register_dir / manifest.generation
    before, periode = manifest.periods[-2], manifest.periods[-1]
    con = new_connection(demo_settings.for_builds())
    try:
        register_views(con, root, None)
        monkeypatch.setattr(rollups, "CHANGES_ROWS_PER_GIB", 10**12)
        rollups.write_changes(con, before, periode, tmp_path / "one.parquet", tmp_path / "tmp")

        class Tight:
            """The build's connection, whose memory limit is 3 MB while the changes are spread into fewer than 4
            parts."""

            def __init__(self) -> None:
                self.tried: list[int] = []

            def __getattr__(self, name: str):
                return getattr(con, name)

            def execute(self, sql: str, params: dict | None = None) -> duckdb.DuckDBPyConnection:
                if "partition_by" in sql:
                    self.tried.append(params["bagian_dari"])
                    con.execute(f"set memory_limit = '{'3MB' if params['bagian_dari'] < 4 else '2GB'}'")
                return con.execute(sql, params)

        tight = Tight()
        rows, parts = rollups.write_changes(tight, before, periode, tmp_path / "retried.parquet", tmp_path / "tmp")
    finally:
        con.close()
    assert parts == 4 and rows > 0
    assert sorted(set(tight.tried)) == [1, 2, 4] and tight.tried[0] == 1
    assert (tmp_path / "retried.parquet").read_bytes() == (tmp_path / "one.parquet").read_bytes()
    assert not list((tmp_path / "tmp").iterdir())  # the parts' files are gone
