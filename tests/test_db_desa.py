"""The desa-scoped read path (portal.db.DESA_FILE_QUERIES): `Register.run('desa_people', ...)` reads the desa's own
partition files, and gives row for row, column for column (dtypes included) what the glob query over the views
gives; when the files cannot be used it reads the views."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from portal.db import DESA_FILE_QUERIES, Register, load_sql
from portal.periods import period_end
from portal.snapshot import partition_path
from tests.fixture_register import PERIODS, build_fixture, fixture_settings


def _glob_path(register: Register, **params: object) -> pd.DataFrame:
    """desa_people.sql over the hive views: the path the page took before the partition files."""
    cursor = register._con.cursor()
    try:
        return cursor.execute(load_sql("desa_people"), params).df()
    finally:
        cursor.close()


def _desa_codes(register: Register, periode: str) -> list[str]:
    cursor = register._con.cursor()
    try:
        rows = cursor.execute(
            "select distinct kode_desa from individu_all where periode = $p order by 1", {"p": periode}
        ).fetchall()
    finally:
        cursor.close()
    return [r[0] for r in rows]


def test_every_desa_of_every_period_gives_the_glob_answer(register: Register) -> None:
    compared = 0
    for periode in PERIODS:
        for kode_desa in _desa_codes(register, periode):
            params = {"periode": periode, "akhir": period_end(periode), "kode_desa": kode_desa}
            assert register.desa_files(DESA_FILE_QUERIES["desa_people"].tables, params) is not None
            new = register.run("desa_people", **params)
            assert len(new) > 0
            pd.testing.assert_frame_equal(new, _glob_path(register, **params))
            compared += 1
    assert compared >= 4


@pytest.mark.parametrize(
    "kode_desa",
    ["3471019999", "9901011001", "34710110", "3471O11001", "٣٤٧١٠١١٠٠١", "../../x/1001", "'; select 1; --"],
)
def test_desa_without_people_or_malformed_gives_the_glob_answer(register: Register, kode_desa: str) -> None:
    """A desa with no one in its province's file, a province without a partition, malformed codes (letters,
    Arabic-Indic digits, a path): the same empty frame, with the same columns and dtypes."""
    params = {"periode": "2026-09", "akhir": date(2026, 9, 30), "kode_desa": kode_desa}
    new = register.run("desa_people", **params)
    assert new.empty
    pd.testing.assert_frame_equal(new, _glob_path(register, **params))


def test_a_partition_of_several_files_reads_the_views(tmp_path: Path) -> None:
    settings = fixture_settings(tmp_path)
    build_fixture(settings)
    register = Register(settings)
    try:
        kode_desa = _desa_codes(register, "2026-09")[0]
        params = {"periode": "2026-09", "akhir": date(2026, 9, 30), "kode_desa": kode_desa}
        before = register.run("desa_people", **params)
        path = partition_path(register.root, "individu", "2026-09", kode_desa[:2])
        shutil.copy(path, path.with_name("part-1.parquet"))  # every person twice in the views
        assert register.desa_files(DESA_FILE_QUERIES["desa_people"].tables, params) is None
    finally:
        register.close()
    register = Register(settings)  # new views over the new file
    try:
        after = register.run("desa_people", **params)
        assert len(after) == 2 * len(before)
        pd.testing.assert_frame_equal(after, _glob_path(register, **params))
    finally:
        register.close()


def test_age_arithmetic_is_date_diff_with_strftime() -> None:
    """desa_people_file.sql's age equals desa_people.sql's on birthdays, leap days, year ends and nulls."""
    con = duckdb.connect()
    born = [
        date(y, m, d)
        for y in (1900, 1960, 1984, 2000, 2024)
        for m, d in ((1, 1), (2, 28), (2, 29) if y % 4 == 0 and y != 1900 else (3, 1), (9, 30), (10, 1), (12, 31))
    ]
    ends = [date(2026, 9, 30), date(2026, 12, 31), date(2028, 2, 29), date(2027, 2, 28), date(2026, 3, 31)]
    con.execute("create table t (b date, a date)")
    con.executemany("insert into t values (?, ?)", [(b, a) for b in [*born, None] for a in ends])
    rows = con.execute(
        """select b, a,
            date_diff('year', b, a) - (strftime(a, '%m%d') < strftime(b, '%m%d'))::integer as old,
            year(a) - year(b) - (month(a) * 100 + day(a) < month(b) * 100 + day(b))::integer as new
        from t"""
    ).fetchall()
    assert len(rows) == (len(born) + 1) * len(ends)
    assert [r[:3] for r in rows if r[2] != r[3]] == []
    assert any(r[2] is None for r in rows)


def test_arrow_sort_orders_like_duckdb_order_by() -> None:
    """Nulls last, bytewise strings (accents, lower case after upper case), ties broken by the later keys."""
    table = pa.table(
        {
            "rt": ["001", None, "001", "002", "001", None, "010", "001"],
            "rw": ["002", "001", None, "001", "002", "001", "001", "002"],
            "nama": ["SITI", "ANDI", "BUDI", "ÉDI", "Siti", "ANDI", "ZED", "SITI"],
            "id_dtks": [5, 4, 3, 2, 1, 0, 7, 6],
        }
    )
    order = DESA_FILE_QUERIES["desa_people"].order
    arrow = table.take(pc.sort_indices(table, sort_keys=[(c, "ascending", "at_end") for c in order]))
    con = duckdb.connect()
    con.register("t", table)
    duck = con.sql(f"select * from t order by {', '.join(order)}").to_arrow_table()
    assert arrow.to_pylist() == duck.to_pylist()
