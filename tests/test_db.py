"""The query layer: every SQL file runs, parameters are bound, hostile input is harmless."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from portal import db, public
from portal.db import QueryError, Register
from portal.privacy.search_input import search_key
from portal.rollups import BUILD_TIME_QUERIES
from tests.fixture_register import A, C

# A value for every parameter name any query uses; a new parameter must be added here to be tested.
PARAMS: dict[str, object] = {
    "periode": "2026-09",
    "akhir": date(2026, 9, 30),
    "tingkat": "desa",
    "induk": "347101",
    "kode_desa": A,
    "dari": "2026-06",
    "ke": "2026-09",
    "id_musdes": 200,
    "provinsi": ("34",),
    "wilayah": ("3471",),
    "desa_dari": "3471000000",
    "desa_sampai": "3471999999",
    "programs": None,
    "desils": None,
    "kelamin": None,
    "umur": None,
    "disabilitas": None,
    "status": None,
    "dim_baris": "desil",
    "dim_kolom": "",
    "batas": 50,
    "mulai": 0,
    "bagian": 0,
    "bagian_dari": 1,
    "kode": "3471",
    "panjang": 6,
    "bulan": 12,
    "cek": "nik_ganda",
    "urut": "kode_desa",
    "turun": False,
}
HOSTILE = [
    "'; drop view individu_all; --",
    "%",
    "_",
    "\\",
    "x" * 10_000,
    "a\x00b",
    "🙂👍🏽",
    "\u202eNAMA\u202c",
    "<script>alert(1)</script>",
    "' or 1=1 --",
]
# The partition-file forms of desa-scoped queries bind file paths Register.run computes: tests/test_db_desa.py.
FILE_FORMS = {query.sql for query in db.DESA_FILE_QUERIES.values()}
# Build queries that read the rows with a repeated NIK, which only build_derived provides: tests/test_rollups.py.
SERVING = sorted(
    name
    for name in db.available_queries()
    if name != "macros" and name not in FILE_FORMS and name not in BUILD_TIME_QUERIES
)


@pytest.mark.parametrize("name", SERVING)
def test_every_query_runs(register: Register, name: str) -> None:
    missing = db.query_params(name) - PARAMS.keys()
    assert not missing, f"add test values for {sorted(missing)}"
    params = {key: PARAMS[key] for key in db.query_params(name)}
    if name.startswith("build/"):
        build = {"periode": "2026-09", "akhir": date(2026, 9, 30), "dari": "2026-06", "ke": "2026-09"}
        build.update(bagian_dari=1)  # the nation's changes spread into one part
        build.update(provinsi=("34",))  # the Eksplorasi cubes, one province at a time
        params = {key: build[key] for key in params}
    frame = register.run(name, **params)
    assert frame is not None
    assert len(frame.columns) > 0


def test_sql_files_open_with_a_comment() -> None:
    for name in db.available_queries():
        assert db.load_sql(name).lstrip().startswith("--"), name


def _cek_status(register: Register, kode_desa: str, text: str) -> pd.DataFrame:
    """What Cek Status finds for a typed name: the desa's people and name keys, filtered in Python."""
    people = register.run("desa_people", periode="2026-09", akhir=date(2026, 9, 30), kode_desa=kode_desa)
    key = search_key(text)
    return public.find_people(public.with_search_keys(people), key) if key else people.iloc[0:0]


def test_name_search_finds_substring(register: Register) -> None:
    rows = _cek_status(register, A, "siti")
    assert list(rows["nama"]) == ["SITI AMINAH"]
    assert int(rows["usia"].iloc[0]) == 41  # born 1985-07-15, period ends 2026-09-30
    assert bool(rows["prog_pkh"].iloc[0]) is True


def test_name_search_is_scoped_to_the_desa(register: Register) -> None:
    assert _cek_status(register, C, "SITI").empty


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_search_text_is_data(register: Register, text: str) -> None:
    assert _cek_status(register, A, text).empty  # no name contains these; wildcards are not wildcards
    assert register.run("desa_people", periode="2026-09", akhir=date(2026, 9, 30), kode_desa=text).empty
    still = register.run("national_headline", periode="2026-09")
    assert len(still) == 1  # nothing was dropped


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_codes_return_nothing(register: Register, text: str) -> None:
    rows = register.run("rollup_children", periode=text, tingkat=text, induk=text)
    assert rows.empty


def test_programme_parameter_is_an_allow_list(register: Register) -> None:
    params = {key: PARAMS[key] for key in db.query_params("explore_keluarga_counts")}
    counts = register.run("explore_keluarga_counts", **{**params, "dim_baris": "kecamatan", "programs": ("bpnt",)})
    assert len(counts) > 0
    none = register.run("explore_keluarga_counts", **{**params, "programs": ("prog_pkh or 1=1",)})
    assert none.empty


def test_unknown_query_and_missing_parameter(register: Register) -> None:
    with pytest.raises(QueryError, match="unknown query"):
        register.run("../etc/passwd")
    with pytest.raises(QueryError, match="needs parameter"):
        register.run("national_headline")


def test_connection_is_locked(register: Register) -> None:
    cursor = register._con.cursor()
    with pytest.raises(Exception, match=r"(?i)permission|configuration"):
        cursor.execute("select * from read_csv('/etc/passwd')").fetchall()
    with pytest.raises(Exception, match=r"(?i)configuration"):
        cursor.execute("set threads = 1")


def test_views_for_latest_and_all_periods(register: Register) -> None:
    latest = register.run("national_trend")
    assert register.manifest.latest == latest["periode"].iloc[-1]
    for table in ("keluarga", "individu", "musdes", "usulan", "rollup", "nik_index", "nik_ganda"):
        assert table in register.views


def test_desa_people_shows_only_public_fields(register: Register) -> None:
    rows = register.run("desa_people", periode="2026-09", akhir=date(2026, 9, 30), kode_desa=A)
    assert set(rows.columns).isdisjoint({"nik", "no_kk", "tanggal_lahir", "nama_ibu_kandung", "alamat"})
    assert len(rows) == 6
    siti = rows.set_index("nama").loc["SITI AMINAH"]
    assert bool(siti["prog_pkh"]) and int(siti["usia"]) == 41


def test_wilayah_children_cascade(register: Register) -> None:
    kab = register.run("wilayah_children", tingkat="kabupaten", induk="34")
    assert len(kab) == 5 and "3471" in set(kab["kode"])
    desa = register.run("wilayah_children", tingkat="desa", induk="347101")
    assert A in set(desa["kode"])


def test_desa_musdes_and_usulan(register: Register) -> None:
    meetings = register.run("desa_musdes", periode="2026-09", kode_desa=C)
    assert list(meetings["id_musdes"]) == [100]  # C held none in the 2026-09 quarter
    usulan = register.run("musdes_usulan", periode="2026-06", kode_desa=C, id_musdes=100)
    assert list(usulan["id_usulan"]) == [9001, 9002, 9003]


def test_region_population(register: Register) -> None:
    prov = register.run("region_population", tingkat="provinsi", induk="")
    assert len(prov) == 38
    assert int(prov.set_index("kode").at["34", "penduduk"]) == 5 * 1_000_000  # five kab/kota of a million
    kab = register.run("region_population", tingkat="kabupaten", induk="34")
    assert sorted(kab["kode"]) == ["3401", "3402", "3403", "3404", "3471"]
    assert register.run("region_population", tingkat="kecamatan", induk="3471").empty


def test_served_manifest_is_reread_when_a_new_one_is_published(fixture_dir: Path, tmp_path: Path) -> None:
    """`current_register` asks for the manifest on every call and parses it only when the file changed; a
    publication (an atomic replace) must still be seen at once."""
    import json
    import os

    from portal.snapshot import MANIFEST

    source = json.loads((fixture_dir / "register" / MANIFEST).read_text())
    register_dir = tmp_path / "register"
    for generation in (source["generation"], "g-0000000000000001"):
        (register_dir / generation).mkdir(parents=True)  # read_manifest checks that the generation exists
    path = register_dir / MANIFEST
    path.write_text(json.dumps(source))
    first = db._served_manifest(register_dir)
    assert first is not None and first.generation == source["generation"]
    assert db._served_manifest(register_dir) is first  # unchanged file: not parsed again

    staged = register_dir / "manifest.tmp"
    staged.write_text(json.dumps({**source, "generation": "g-0000000000000001"}))
    os.replace(staged, path)  # how snapshot publishes: a new inode under the same name
    assert db._served_manifest(register_dir).generation == "g-0000000000000001"

    path.unlink()
    assert db._served_manifest(register_dir) is None
