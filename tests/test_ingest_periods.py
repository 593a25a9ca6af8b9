"""Ingest against an existing register (a copy of the fixture): changes against the previous period, warnings
that need it, hard links instead of copies, the same input giving the same snapshot, check-only runs and runs
that accept nothing."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from portal.config import Settings
from portal.db import Register
from portal.ingest import ingest
from portal.snapshot import partition_path, read_manifest
from tests.fixture_register import A, C
from tests.ingest_helpers import BASE_HEADER, copy_register, make_kk, make_nik, person, write_csv

# Family 1 of the fixture's 2026-09 (desa A), written as an export would: same No KK and NIK.
FAMILY_1 = [
    ("BUDI SANTOSO", "3471011507850001", "kepala keluarga", "L", date(1985, 7, 15)),
    ("SITI AMINAH", "3471015508870001", "istri", "P", date(1987, 8, 15)),
    ("ANDI PRATAMA", "3471010102100001", "anak", "L", date(2010, 2, 1)),
]
KK_1 = "3471010101100001"
WARSINAH_NIK = "3471014101600002"  # in 2026-09 as WARSINAH, born 1985-07-15


def _rows() -> list[dict[str, str]]:
    rows = [person(A, 0, 0, nama, born, sex, role, NIK=nik, NO_KK=KK_1) for nama, nik, role, sex, born in FAMILY_1]
    rows.append(person(A, 77, 1, "KELUARGA BARU", date(1970, 1, 2), "L", "kepala keluarga"))
    rows.append(person(A, 77, 2, "ANAK BARU", date(2001, 3, 4), "P"))
    # Another name and another birth date under a NIK that the previous period knows.
    rows.append(person(A, 77, 3, "ORANG LAIN", date(1999, 9, 9), "P", NIK=WARSINAH_NIK))
    return rows


@pytest.fixture
def register(fixture_dir: Path, tmp_path: Path) -> Settings:
    return copy_register(fixture_dir, tmp_path / "data")


def test_changes_against_previous_period(register: Settings, tmp_path: Path) -> None:
    before = read_manifest(register.register_dir)
    path = write_csv(tmp_path / "2026-12.csv", BASE_HEADER, _rows())
    result = ingest([path], "2026-12", register)
    report = result.report
    assert report["periode_lalu"] == "2026-09"
    assert report["diterima"] == 6 and report["ditolak"] == 0
    assert report["peringatan"]["NIK_BEDA_IDENTITAS_PERIODE_LALU"] == 1
    # 2026-09 has 6 families (No KK) and 10 distinct NIK; the file keeps family 1 (3 people) and WARSINAH's NIK.
    assert report["perubahan"] == {
        "keluarga_ditambah": 1,
        "keluarga_dihapus": 5,
        "individu_ditambah": 2,
        "individu_dihapus": 6,
    }
    manifest = result.manifest
    assert manifest.periods == ("2026-06", "2026-09", "2026-12")
    old, new = register.register_dir / before.generation, register.register_dir / manifest.generation
    kept = [
        partition_path(old, "individu", "2026-06", "34"),
        partition_path(old, "musdes", "2026-06", "31"),
        partition_path(old, "rollup", "2026-06"),
        partition_path(old, "nik_index", "2026-09"),
        partition_path(old, "wilayah_desa"),
    ]
    for source in kept:  # other periods and the code tables: hard links, not copies
        assert os.stat(new / source.relative_to(old)).st_ino == os.stat(source).st_ino
    register_view = Register(register)
    try:
        headline = register_view.run("national_headline", periode="2026-12")
        assert (int(headline["individu"].iloc[0]), int(headline["keluarga"].iloc[0])) == (6, 2)
        assert int(headline["musdes"].iloc[0]) == 0  # an ingest file has no musdes: the new period has none
        older = register_view.run("national_headline", periode="2026-09")
        assert int(older["individu"].iloc[0]) == 11  # untouched
    finally:
        register_view.close()


def test_same_input_same_snapshot(register: Settings, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "2026-12.csv", BASE_HEADER, _rows())
    first = ingest([path], "2026-12", register).manifest
    again = ingest([path], "2026-12", register).manifest
    assert (again.generation, again.content_sha256) == (first.generation, first.content_sha256)
    sha = first.details["ingest"]["2026-12"]["sha256_periode"]
    assert again.details["ingest"]["2026-12"]["sha256_periode"] == sha and len(sha) == 64


def test_ids_are_stable_across_runs(register: Settings, tmp_path: Path) -> None:
    """Derived ids depend on No KK and NIK only: the same people in another order and another period get the
    same ids."""
    rows = _rows()
    first = write_csv(tmp_path / "a.csv", BASE_HEADER, rows)
    second = write_csv(tmp_path / "b.csv", BASE_HEADER, list(reversed(rows)))
    ingest([first], "2026-12", register)
    manifest = ingest([second], "2027-03", register).manifest
    register_view = Register(register)
    try:
        con = register_view._con.cursor()
        ids = con.execute(
            "select periode, nik, id_dtks, id_keluarga from individu_all where periode in ('2026-12', '2027-03') "
            "order by nik, periode"
        ).fetchall()
    finally:
        register_view.close()
    by_nik: dict[str, set[tuple[int, int]]] = {}
    for _periode, nik, id_dtks, id_keluarga in ids:
        by_nik.setdefault(nik, set()).add((id_dtks, id_keluarga))
    assert len(by_nik) == 6 and all(len(v) == 1 for v in by_nik.values())
    assert manifest.periods[-1] == "2027-03"


def test_check_only_publishes_nothing(register: Settings, tmp_path: Path) -> None:
    before = read_manifest(register.register_dir)
    path = write_csv(tmp_path / "x.csv", BASE_HEADER, _rows())
    result = ingest([path], "2026-12", register, dry_run=True)
    assert not result.published and result.report["diterima"] == 6
    assert read_manifest(register.register_dir) == before
    assert result.rejects_path.is_file()
    assert not list(register.register_dir.glob(".staging-*"))


def test_nothing_accepted_publishes_nothing(register: Settings, tmp_path: Path) -> None:
    before = read_manifest(register.register_dir)
    rows = [person(C, 1, i, "", date(1980, 1, 1), "L") for i in range(3)]  # no name: every row is rejected
    rows[0]["NIK"] = make_nik("317101", date(1980, 1, 1), "L", 99)
    rows[1]["NO_KK"] = make_kk("317101", date(2020, 1, 1), 98)
    result = ingest([write_csv(tmp_path / "x.csv", BASE_HEADER, rows)], "2026-12", register)
    assert not result.published
    assert (result.report["baris_dibaca"], result.report["ditolak"], result.report["tolak"]) == (
        3,
        3,
        {"NAMA_KOSONG": 3},
    )
    assert read_manifest(register.register_dir) == before
    assert len(result.rejects_path.read_text(encoding="utf-8-sig").strip().splitlines()) == 4


def test_replacing_an_earlier_period_refreshes_the_changes_of_the_next(register: Settings, tmp_path: Path) -> None:
    """2026-09's precomputed changes are since 2026-06: replacing 2026-06 must rebuild them, not keep stale ones."""
    path = write_csv(tmp_path / "2026-06.csv", BASE_HEADER, _rows())
    ingest([path], "2026-06", register)
    served = Register(register)
    try:
        live = served.run("period_changes", dari="2026-06", ke="2026-09", kode="", panjang=2)
        stored = served.run("period_changes_nasional", dari="2026-06", ke="2026-09")
    finally:
        served.close()
    assert len(live) > 0
    assert stored.reset_index(drop=True).equals(live.reset_index(drop=True))
