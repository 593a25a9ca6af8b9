"""Public search and lists reveal nothing they must not: 1,000 generated searches over a demo register, each
checked against every NIK, No KK, birth date, mother's name and street address of the desa searched."""

from __future__ import annotations

import dataclasses
import random
import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from portal import public
from portal.config import Settings
from portal.db import Register, register_views
from portal.demo import DemoOptions, build_demo
from portal.privacy.search_input import search_key
from portal.snapshot import read_manifest
from tests.fixture_register import A, fixture_settings

SECRET = b"k" * 32
SIXTEEN_DIGITS = re.compile(r"\d{16}")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = fixture_settings(tmp_path_factory.mktemp("public-demo"))
    ref = Path(__file__).resolve().parents[2] / "shared" / "data" / "ref"
    settings = dataclasses.replace(settings, ref_dir=ref if ref.is_dir() else None)
    options = DemoOptions(individuals=30_000, provinces=("34",), periods=1, seed=5, dense=("3471",))
    build_demo(options, settings, progress=lambda _line: None)
    return settings


def _secrets_of(con: duckdb.DuckDBPyConnection, kode_desa: str) -> set[str]:
    """Every value of the desa that must never appear on a public page."""
    people = con.sql(
        f"select nik, no_kk, nama_ibu_kandung, tanggal_lahir from individu where kode_desa = '{kode_desa}'"
    ).df()
    families = con.sql(f"select alamat from keluarga where kode_desa = '{kode_desa}'").df()
    born = pd.to_datetime(people["tanggal_lahir"])
    values = set(people["nik"]) | set(people["no_kk"]) | set(people["nama_ibu_kandung"]) | set(families["alamat"])
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        values |= set(born.dt.strftime(fmt))
    return {v for v in values if isinstance(v, str) and len(v) >= 6}


def test_thousand_searches_reveal_nothing(demo: Settings) -> None:
    manifest = read_manifest(demo.register_dir)
    con = duckdb.connect()
    register_views(con, demo.register_dir / manifest.generation, manifest.latest)
    register = Register(demo)
    periode = manifest.latest
    desa_codes = [r[0] for r in con.sql("select distinct kode_desa from individu order by 1").fetchall()]
    rng = random.Random(2026)
    cache: dict[str, tuple[pd.DataFrame, set[str]]] = {}
    searches = found_any = 0
    while searches < 1000:
        kode_desa = rng.choice(desa_codes)
        if kode_desa not in cache:
            people = register.run("desa_people", periode=periode, akhir=date(2026, 9, 30), kode_desa=kode_desa)
            cache[kode_desa] = (public.with_search_keys(people), _secrets_of(con, kode_desa))
        people, secrets = cache[kode_desa]
        word = rng.choice(rng.choice(people["nama"].tolist()).split())
        start = rng.randrange(0, max(1, len(word) - 3))
        key = search_key(word[start : start + rng.randint(3, 8)])
        if key is None:
            continue
        searches += 1
        rows = public.public_rows(public.find_people(people, key), "masked", SECRET, periode)
        assert len(rows) <= public.MAX_RESULTS
        found_any += not rows.empty
        shown = rows.drop(columns="token").to_csv(index=False)
        assert not SIXTEEN_DIGITS.search(shown)
        leaked = [value for value in secrets if value in shown]
        assert not leaked, (kode_desa, key, leaked[:3])
    assert found_any > 900  # the searches were real: words taken from names in that desa
    register.close()


def test_search_tolerates_case_spacing_and_spelling(register: Register) -> None:
    people = public.with_search_keys(
        register.run("desa_people", periode="2026-09", akhir=date(2026, 9, 30), kode_desa=A)
    )
    for typed in ("siti", "  Siti   Aminah ", "SITTI", "aminah"):
        hits = public.find_people(people, search_key(typed))
        assert list(hits["nama"]) == ["SITI AMINAH"], typed


def test_search_in_a_desa_nobody_lives_in_finds_nobody(register: Register) -> None:
    """A desa listed in the wilayah tables but with nobody in the register that period (most desa of a sparse
    demo): an empty answer, not a KeyError (an empty boolean mask used to select no columns)."""
    people = public.with_search_keys(
        register.run("desa_people", periode="2026-09", akhir=date(2026, 9, 30), kode_desa="9999999999")
    )
    assert people.empty
    hits = public.find_people(people, search_key("siti"))
    assert hits.empty and "nama" in hits.columns
    assert public.public_rows(hits, "masked", SECRET, "2026-09").empty


def test_search_matches_every_word_anywhere_in_the_name(register: Register) -> None:
    people = public.with_search_keys(
        register.run("desa_people", periode="2026-09", akhir=date(2026, 9, 30), kode_desa=A)
    )
    assert list(public.find_people(people, search_key("aminah siti"))["nama"]) == ["SITI AMINAH"]
    assert public.find_people(people, search_key("siti zzz")).empty


def test_public_rows_are_masked_and_tokenised(register: Register) -> None:
    people = register.run("desa_people", periode="2026-09", akhir=date(2026, 9, 30), kode_desa=A)
    rows = public.public_rows(people, "masked", SECRET, "2026-09")
    assert list(rows.columns) == public.PUBLIC_COLUMNS
    assert "S**I A****H" in set(rows["nama"])
    assert "dilaporkan meninggal" in set(rows["status"])  # ANDI PRATAMA, deceased still listed
    assert rows["token"].str.fullmatch(r"[A-Za-z0-9_-]{22}").all()
    assert rows["token"].is_unique
    other = public.public_rows(people, "masked", SECRET, "2026-06")
    assert set(other["token"]).isdisjoint(rows["token"])  # a token is bound to its period


def test_recipients_by_programme(register: Register) -> None:
    people = register.run("desa_people", periode="2026-09", akhir=date(2026, 9, 30), kode_desa=A)
    lists = public.recipients_by_programme(people)
    assert sorted(lists["PKH"]["nama"]) == ["ANDI PRATAMA", "BUDI SANTOSO", "SITI AMINAH"]
    assert sorted(lists["PBI-JK"]["nama"]) == ["ANDI PRATAMA", "BUDI SANTOSO", "HENDRA WIJAYA", "SITI AMINAH"]
