"""The synthetic register: deterministic, structurally real, defects at their documented rates and found
exactly, churn between periods, every code from the real code list."""

from __future__ import annotations

import dataclasses
import sys
import types
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from portal import demo
from portal.config import Settings
from portal.db import register_views
from portal.demo import DemoOptions, build_demo, period_list
from portal.demo.defects import RATES
from portal.nik import kk_is_valid, nik_birth_date, nik_is_valid
from portal.schema import SORT_KEYS
from portal.snapshot import read_manifest
from portal.wilayah import load_code_tables
from tests.fixture_register import fixture_settings

SMALL = DemoOptions(individuals=40_000, provinces=("31", "34"), periods=4, seed=7)


def _build(data_dir: Path, options: DemoOptions) -> Settings:
    settings = dataclasses.replace(fixture_settings(data_dir), ref_dir=Settings.__dataclass_fields__ and _ref_dir())
    build_demo(options, settings, progress=lambda _line: None)
    return settings


def _ref_dir() -> Path | None:
    path = Path(__file__).resolve().parents[2] / "shared" / "data" / "ref"
    return path if path.is_dir() else None


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return _build(tmp_path_factory.mktemp("demo-small"), SMALL)


@pytest.fixture(scope="module")
def con(small: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    manifest = read_manifest(small.register_dir)
    connection = duckdb.connect()
    register_views(connection, small.register_dir / manifest.generation, manifest.latest)
    yield connection
    connection.close()


def _df(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return con.sql(sql).df()


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    return con.sql(sql).fetchall()[0]


def test_periods_are_quarterly() -> None:
    assert period_list(4) == ["2025-12", "2026-03", "2026-06", "2026-09"]
    assert period_list(1, "2026-03") == ["2026-03"]


def test_same_seed_same_bytes_other_seed_other_bytes(small: Settings, tmp_path: Path) -> None:
    again = _build(tmp_path / "again", SMALL)
    first, second = read_manifest(small.register_dir), read_manifest(again.register_dir)
    assert first.content_sha256 == second.content_sha256
    other = _build(tmp_path / "other", dataclasses.replace(SMALL, seed=8))
    assert read_manifest(other.register_dir).content_sha256 != first.content_sha256


def test_every_code_is_in_the_code_list(con: duckdb.DuckDBPyConnection) -> None:
    desa = load_code_tables()["desa"].set_index("kode_desa")
    used = _df(con, "select distinct kode_prov, kode_kab, kode_kec, kode_desa from individu_all")
    assert used["kode_desa"].isin(desa.index).all()
    ref = desa.loc[used["kode_desa"]]
    assert (ref["kode_kec"].to_numpy() == used["kode_kec"].to_numpy()).all()
    assert (ref["kode_kab"].to_numpy() == used["kode_kab"].to_numpy()).all()
    assert (ref["kode_prov"].to_numpy() == used["kode_prov"].to_numpy()).all()
    assert set(used["kode_prov"]) == {"31", "34"}


def test_nik_and_kk_have_the_real_structure(con: duckdb.DuckDBPyConnection) -> None:
    people = _df(
        con,
        """select i.nik, i.no_kk, i.tanggal_lahir, i.jenis_kelamin, i.kode_kec
           from individu as i
           anti join (
                 select id_dtks from truth_cacat where jenis in ('nik_tidak_valid', 'nik_ganda')
               ) using (id_dtks)""",  # a copied NIK carries its donor's birth date and sex
    )
    kecamatan = set(load_code_tables()["kecamatan"]["kode_kec"])
    assert people["nik"].map(nik_is_valid).all()
    assert people["no_kk"].map(kk_is_valid).all()
    assert people["nik"].str[:6].isin(kecamatan).all()
    decoded = people["nik"].map(lambda n: nik_birth_date(n, date(2026, 9, 30)))
    assert (decoded.map(lambda d: d[1]) == people["jenis_kelamin"]).all()  # day + 40 for women
    born = pd.to_datetime(people["tanggal_lahir"]).dt.date
    assert (decoded.map(lambda d: d[0]) == born).mean() > 0.999  # 29 Feb of a century-ambiguous year aside


def test_families_are_composed_plausibly(con: duckdb.DuckDBPyConnection) -> None:
    heads = _df(
        con,
        """select id_keluarga, count(*) filter (hubungan_keluarga = 'kepala keluarga') as heads
           from individu group by id_keluarga""",
    )
    assert (heads["heads"] == 1).mean() > 0.99  # a head who died this quarter leaves a family without one
    gap = _df(
        con,
        """select date_diff('year', m.tanggal_lahir, c.tanggal_lahir) as years
           from individu as c join individu as m
             on m.id_keluarga = c.id_keluarga and m.hubungan_keluarga = 'istri'
           where c.hubungan_keluarga = 'anak'""",
    )
    assert gap["years"].min() >= 14
    assert 20 <= gap["years"].median() <= 35


def test_desil_drives_housing_and_programmes(con: duckdb.DuckDBPyConnection) -> None:
    by_desil = _df(
        con,
        """select desil, avg(prog_pkh::int) as pkh, avg(aset_motor::int) as motor
           from keluarga where status_aktif and desil is not null group by desil order by desil""",
    )
    assert by_desil["pkh"].iloc[0] > 0.3 > by_desil["pkh"].iloc[-1]
    assert by_desil["motor"].iloc[0] < by_desil["motor"].iloc[-1]
    errors = _df(
        con,
        """select
             avg((not (prog_pkh or prog_bpnt or prog_pbi_jk or prog_blt_dd))::int) filter (desil <= 2) as exclusion,
             avg((prog_pkh or prog_bpnt or prog_pbi_jk or prog_blt_dd)::int) filter (desil >= 6) as inclusion
           from keluarga where status_aktif""",
    ).iloc[0]
    assert 0.05 < errors["exclusion"] < 0.4
    assert 0.05 < errors["inclusion"] < 0.5


def test_defect_rates_match_the_documented_rates(con: duckdb.DuckDBPyConnection) -> None:
    first = "2025-12"
    people = _one(con, f"select count(*) from individu_all where periode = '{first}'")[0]
    families = _one(con, f"select count(*) from keluarga_all where periode = '{first}'")[0]
    truth = _df(con, f"select jenis, count(*) as n from truth_cacat_all where periode = '{first}' group by jenis")
    got = dict(zip(truth["jenis"], truth["n"], strict=True))
    assert got["nik_tidak_valid"] / people == pytest.approx(RATES["nik_tidak_valid"], rel=0.1)
    assert got["meninggal_aktif"] / people == pytest.approx(RATES["meninggal_aktif"], rel=0.1)
    assert got["desil_kosong"] / families == pytest.approx(RATES["desil_kosong"], rel=0.1)
    assert got["nik_ganda"] / people == pytest.approx(2 * RATES["nik_ganda"], rel=0.15)  # copy and donor
    assert got["nik_beda_domisili"] / people == pytest.approx(RATES["nik_beda_domisili"] + RATES["nik_ganda"], rel=0.15)


@pytest.mark.parametrize("jenis", ["nik_tidak_valid", "nik_beda_domisili", "nik_ganda", "meninggal_aktif"])
def test_quality_checks_find_exactly_the_injected_rows(con: duckdb.DuckDBPyConnection, jenis: str) -> None:
    check = {
        "nik_tidak_valid": "not nik_valid(nik)",
        "nik_beda_domisili": "nik_valid(nik) and substr(nik, 1, 4) <> kode_kab",
        "nik_ganda": "nik in (select nik from nik_ganda_all g where g.periode = i.periode)",
        "meninggal_aktif": "keberadaan = 'meninggal' and status_aktif",
    }[jenis]
    found = _df(con, f"select periode, id_dtks from individu_all as i where {check}")
    truth = _df(con, f"select periode, id_dtks from truth_cacat_all where jenis = '{jenis}'")
    assert len(truth) > 0
    assert set(map(tuple, found.to_numpy())) == set(map(tuple, truth.to_numpy()))


def test_rollup_quality_counts_equal_the_truth(con: duckdb.DuckDBPyConnection) -> None:
    rollup = _df(con, "select * from rollup_all where tingkat = 'nasional'").set_index("periode")
    truth = _df(con, "select periode, jenis, count(*) as n from truth_cacat_all group by all")
    for row in truth.itertuples():
        assert rollup.loc[row.periode, row.jenis] == row.n, (row.periode, row.jenis)


def test_churn_between_periods(con: duckdb.DuckDBPyConnection) -> None:
    reasons = _df(con, "select alasan_nonaktif, count(*) as n from keluarga_all where not status_aktif group by 1")
    assert {"mampu", "meninggal", "pindah"} <= set(reasons["alasan_nonaktif"])
    deaths = _one(con, "select count(*) from individu_all where keberadaan = 'meninggal' and not status_aktif")[0]
    assert deaths > 0
    moved = _df(
        con,
        """select (a.kode_kab <> b.kode_kab) as other_kab, count(*) as n
           from keluarga_all as a join keluarga_all as b using (id_keluarga)
           where a.periode = '2026-06' and b.periode = '2026-09' and a.kode_desa <> b.kode_desa
           group by 1""",
    ).set_index("other_kab")["n"]
    assert moved.get(True, 0) > 0 and moved.get(False, 0) > 0
    desil_moves = _one(
        con,
        """select count(*) from keluarga_all as a join keluarga_all as b using (id_keluarga)
           where a.periode = '2026-06' and b.periode = '2026-09' and a.desil <> b.desil""",
    )[0]
    assert desil_moves > 0
    births = _one(con, "select count(*) from individu where tanggal_lahir > date '2026-06-30'")[0]
    assert births > 0


def test_usulan_funnel_has_arrivals_and_losses(con: duckdb.DuckDBPyConnection) -> None:
    funnel = _df(
        con,
        """select u.periode, count(*) as approved, count(k.id_keluarga) as arrived
           from usulan_all as u
           left join keluarga_all as k
             on k.id_keluarga = u.id_keluarga and k.id_usulan_asal = u.id_usulan
           where u.jenis = 'tambah' and u.keputusan_musdes = 'disetujui' and u.periode < '2026-09'
           group by 1""",
    )
    assert (funnel["arrived"] > 0).all()
    assert (funnel["arrived"] < funnel["approved"]).all()  # some usulan never reach the next snapshot
    truth = _df(
        con,
        """select t.akan_masuk_periode_berikut as expected, (k.id_keluarga is not null) as arrived, count(*) as n
           from truth_usulan_all as t join usulan_all as u using (periode, id_usulan)
           left join keluarga_all as k
             on k.id_usulan_asal = u.id_usulan and k.periode > u.periode
           where u.jenis = 'tambah' and u.periode < '2026-09'
           group by all""",
    )
    assert set(map(tuple, truth[["expected", "arrived"]].to_numpy())) == {(True, True), (False, False)}


def test_some_desa_without_recent_musdes(con: duckdb.DuckDBPyConnection) -> None:
    row = _one(con, "select jumlah_desa, desa_musdes_3_bulan from rollup where tingkat = 'nasional'")
    assert 0 < row[1] < row[0]


def test_dense_kab_has_hundreds_per_desa(tmp_path: Path) -> None:
    settings = _build(tmp_path, DemoOptions(individuals=150_000, provinces=("34",), periods=1, dense=("3471",)))
    manifest = read_manifest(settings.register_dir)
    connection = duckdb.connect()
    register_views(connection, settings.register_dir / manifest.generation, manifest.latest)
    per_desa = connection.sql("select count(*) as n from individu where kode_kab = '3471' group by kode_desa").df()["n"]
    assert per_desa.median() >= 300


def test_plan_covers_every_kab_and_kecamatan() -> None:
    from portal.demo.plan import make_plan
    from portal.wilayah import load_kab_stats

    plan = make_plan(load_kab_stats(_ref_dir()), 1_200_000, None, ("3101", "3171", "3471"))
    assert len(plan.kab) == 514
    assert (plan.kab["keluarga"] >= plan.kab["jumlah_kecamatan"]).all()
    dense = plan.kab.set_index("kode_kab").loc[["3171", "3471"]]
    assert (dense["faktor_skala"] - 1.0).abs().max() < 0.01  # full density
    tiny = make_plan(load_kab_stats(_ref_dir()), 5_000, None, ())
    assert tiny.total_families * 3.7 == pytest.approx(5_000, rel=0.2)  # no minimum the budget cannot pay


def _build_in_blocks(data_dir: Path, options: DemoOptions, block_families: int) -> Settings:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo, "BLOCK_FAMILIES", block_families)
        return _build(data_dir, options)


def test_blocks_of_whole_kecamatan_up_to_the_limit() -> None:
    kec = np.array(["a", "a", "b", "c", "c", "c", "d"], dtype=object)
    per_desa = np.array([1, 2, 5, 0, 1, 1, 0])
    assert demo.blocks_of(kec, per_desa, limit=4) == [(0, 2), (2, 3), (3, 7)]
    assert demo.blocks_of(kec, per_desa, limit=100) == [(0, 7)]
    assert demo.blocks_of(kec, np.zeros(7, dtype=int), limit=4) == []


def test_small_blocks_still_sorted_deterministic_and_defects_exact(tmp_path: Path) -> None:
    """A register built in many blocks (a few hundred families each, most inside one kab/kota) writes every
    province file sorted, the same bytes twice, and the quality checks still find exactly the injected rows
    (NIK copies across blocks included)."""
    options = dataclasses.replace(SMALL, individuals=20_000, periods=2)
    settings = _build_in_blocks(tmp_path / "a", options, 300)
    manifest = read_manifest(settings.register_dir)
    root = settings.register_dir / manifest.generation
    assert _build_in_blocks(tmp_path / "b", options, 300).register_dir.joinpath("manifest.json").exists()
    assert read_manifest(tmp_path / "b" / "register").content_sha256 == manifest.content_sha256
    for table in ("keluarga", "individu", "musdes", "usulan"):
        for path in sorted((root / table).rglob("*.parquet")):
            rows = pq.read_table(path)
            assert rows.equals(rows.sort_by([(k, "ascending") for k in SORT_KEYS[table]])), path
    connection = duckdb.connect()
    register_views(connection, root, manifest.latest)
    ids = _df(connection, "select distinct id_keluarga // 10000000 % 1000 as block from keluarga_all")
    assert len(ids) > 10  # many blocks
    copied = _one(
        connection,
        """select count(*) from truth_cacat_all as t join individu_all as i using (periode, id_dtks)
           where t.jenis = 'nik_ganda' and substr(i.nik, 1, 4) <> i.kode_kab""",
    )[0]
    assert copied > 0
    for jenis in ("nik_tidak_valid", "nik_beda_domisili", "nik_ganda", "meninggal_aktif"):
        test_quality_checks_find_exactly_the_injected_rows(connection, jenis)
    connection.close()


def test_provinces_built_in_parallel_give_the_same_bytes(
    small: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two worker processes (PORTAL_BUILD_WORKERS=2) publish exactly what one process does, also when the
    caller's __main__ is a script (as under Streamlit's AppTest), which spawned workers must not run again."""
    script = tmp_path / "page.py"
    script.write_text("raise SystemExit('a spawned worker ran the caller script')\n")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", main)
    settings = dataclasses.replace(fixture_settings(tmp_path / "data"), ref_dir=_ref_dir(), build_workers=2)
    build_demo(SMALL, settings, progress=lambda _line: None)
    parallel = read_manifest(settings.register_dir)
    assert parallel.content_sha256 == read_manifest(small.register_dir).content_sha256


def test_civil_date_is_numpy_calendar() -> None:
    """The generator's integer calendar (NIK and No KK dates, birth years, programme months) gives numpy's
    datetime64 year, month and day for every day from 1422 to 2517."""
    from portal.demo.households import civil_date

    days = np.arange(-200_000, 200_000)
    year, month, day = civil_date(days)
    as_dates = days.astype("datetime64[D]")
    assert (year == as_dates.astype("datetime64[Y]").astype(np.int64) + 1970).all()
    assert (month == as_dates.astype("datetime64[M]").astype(np.int64) % 12 + 1).all()
    assert (day == (as_dates - as_dates.astype("datetime64[M]")).astype(np.int64) + 1).all()


def test_columns_write_coded_and_arrow_strings_like_a_frame() -> None:
    """A block's columns (codes into a vocabulary, Arrow names, object strings, 0 as a null id) are written as
    the same table as the pandas frame of their values through `schema.to_arrow`, after selections and appends."""
    import pyarrow as pa

    from portal.demo.columns import Columns, vocabulary_arrays
    from portal.demo.columns import to_arrow as columns_to_arrow
    from portal.schema import to_arrow

    desa = np.array(["3401", "3402", "3403"], dtype=object)
    jenis = np.array(["nik_ganda", "desil_kosong"], dtype=object)
    cols = Columns(
        {
            "_desa": np.array([2, 0, 1, 0, 2]),
            "jenis": np.array([0, 1, 0, 0, 1], dtype=np.int8),
            "id_keluarga": np.array([5, 4, 3, 2, 1]),
            "id_dtks": np.array([50, 0, 30, 20, 0]),
            "kode_kab": pa.array(["34a", "34b", "34c", "34d", "34e"]),
        }
    )
    cols = Columns.concat([cols.take(np.array([4, 0, 1])), cols.take(np.array([True, False, True, True, False]))])
    coded = vocabulary_arrays({"kode_desa": (desa, "_desa"), "jenis": (jenis, "jenis")})
    frame = pd.DataFrame(
        {
            "kode_desa": desa[cols["_desa"]],
            "jenis": jenis[cols["jenis"]],
            "id_keluarga": cols["id_keluarga"],
            "id_dtks": pd.array([v or None for v in cols["id_dtks"].tolist()], dtype="Int64"),
            "kode_kab": cols["kode_kab"].to_pylist(),
        }
    )
    assert columns_to_arrow("truth_cacat", cols, coded).equals(to_arrow("truth_cacat", frame))
