"""The three analysis pages (Kemiskinan Ekstrem, Kualitas Data, Perubahan Antar Periode) in AppTest with an
official signed in through the Masuk page: figures from the fixture register, the region picker inside the
official's scope, the analyst refused rows about persons (and the refusal audited), every row view audited."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from portal.demo import DemoOptions, build_demo
from portal.store import open_store
from portal.wilayah import load_code_tables
from tests.conftest import create_staff, shown_table, signed_in
from tests.fixture_register import A, C, fixture_settings

REPO = Path(__file__).resolve().parents[1]
USERS = {"pusat1": ("pusat", ""), "jogja": ("kabupaten", "3471"), "analis1": ("analis", ""), "kricak": ("desa", A)}
PAGES = ("pages/kemiskinan_ekstrem.py", "pages/kualitas_data.py", "pages/perubahan_periode.py")


@pytest.fixture
def env(portal_env: str) -> Iterator[str]:
    create_staff(portal_env, USERS)
    yield portal_env


def _page(user: str, page: str) -> AppTest:
    at = signed_in(user)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _audit(url: str, action: str) -> list:
    store = open_store(url)
    try:
        return [e for e in store.audit_log(limit=500) if e.action == action]
    finally:
        store.close()


def _table(at: AppTest, first_column: str, value: str):
    for frame in at.dataframe:
        table = shown_table(frame)
        if first_column in table.columns and value in set(table[first_column].astype(str)):
            return table
    raise AssertionError(f"no table with {first_column}={value!r}")


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitor_sees_nothing(env: str, page: str) -> None:
    at = AppTest.from_file(str(REPO / page), default_timeout=60).run()
    assert any("khusus petugas" in w.value for w in at.warning)
    assert not at.dataframe


def test_pages_are_in_the_navigation_for_every_role(env: str) -> None:
    for user in USERS:
        at = signed_in(user)
        for page in PAGES:
            at.switch_page(page).run()
            assert not at.exception, (user, page, at.exception)


def test_a_desa_official_sees_only_the_desa(env: str) -> None:
    at = _page("kricak", "pages/kualitas_data.py")
    card = _table(at, "Kode", A)
    assert list(card["Kode"]) == [A]
    assert not [s for s in at.selectbox if s.label in ("Provinsi", "Kabupaten/kota", "Kecamatan")]
    at.switch_page("pages/kemiskinan_ekstrem.py").run()
    assert not at.exception, at.exception
    assert list(_table(at, "Kode", A)["Kode"]) == [A]


def test_poverty_page_for_kota_yogyakarta(env: str) -> None:
    at = _page("jogja", "pages/kemiskinan_ekstrem.py")
    # jogja sees kab 3471, one kecamatan with data (347101 = desa A): families 1 (desil 1, PKH/BPNT/PBI-JK),
    # 2 (desil 2, nothing) and 3 (desil 7, PBI-JK).
    table = _table(at, "Kode", "347101").set_index("Kode")
    assert list(table.index) == ["347101"]
    assert table.loc["347101", "Keluarga desil 1"] == 1
    assert table.loc["347101", "Tanpa program"] == 0  # the desil 1 family receives all three
    assert table.loc["347101", "Desil 6–10 menerima"] == 1
    assert table.loc["347101", "Inklusi"] == 100.0
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["P0 BPS (2024)"] == "10,00%"  # the fixture's code table gives every kab/kota P0 = 10.0

    at.toggle(key="miskin_desil_1").set_value(False).run()
    assert not at.exception, at.exception
    table = _table(at, "Kode", "347101").set_index("Kode")
    assert table.loc["347101", "Keluarga desil 1–2"] == 2
    assert table.loc["347101", "Tanpa program"] == 1  # WARSINAH, desil 2, no programme
    assert table.loc["347101", "Eksklusi"] == 50.0


def test_region_picker_stays_inside_the_scope(env: str) -> None:
    at = _page("jogja", "pages/kemiskinan_ekstrem.py")
    kec = load_code_tables()["kecamatan"]
    inside = sorted(kec.loc[kec["kode_kab"] == "3471", "nama_kec"])
    assert sorted(at.selectbox(key="miskin_kecamatan_3471").options) == sorted(["Semua", *inside])
    assert not [s for s in at.selectbox if s.label in ("Provinsi", "Kabupaten/kota")]  # nothing above the kab
    at.selectbox(key="miskin_kecamatan_3471").set_value("347101").run()
    assert not at.exception, at.exception
    table = _table(at, "Kode", A)
    assert list(table["Kode"]) == [A]  # the desa of kecamatan 347101 that hold families


def test_pusat_sees_provinces(env: str) -> None:
    at = _page("pusat1", "pages/kemiskinan_ekstrem.py")
    table = _table(at, "Kode", "34").set_index("Kode")
    assert set(table.index) == {"31", "34"}
    # DIY: families 1-4 active; desil 1 = family 1 only; DKI: family 5 (desil 4) active, 6 inactive.
    assert table.loc["34", "Keluarga desil 1"] == 1
    assert table.loc["31", "Keluarga desil 1"] == 0
    assert table.loc["34", "P0 BPS"] == 10.0  # weighted mean of equal P0s


def test_quality_scorecard_and_rows(env: str) -> None:
    at = _page("jogja", "pages/kualitas_data.py")
    card = _table(at, "Kode", "347101").set_index("Kode")
    row = card.loc["347101"]
    # desa A in 2026-09: 6 people; SURYANI's NIK has 15 digits; HENDRA shares his NIK with NUR HALIMAH in
    # Jakarta Pusat; ANDI died and is still active; every family has a desil and was verified in May 2026.
    assert row["Individu"] == 6
    assert row["NIK tidak valid"] == 1
    assert row["NIK beda domisili"] == 0
    assert row["NIK ganda"] == 1
    assert row["Meninggal aktif"] == 1
    assert row["Tanpa desil"] == 0
    assert row["Verivali > 12 bulan"] == 0
    # shown as a percentage (shown_table reads it on the 0–100 scale the reader sees): 1 of 6 people is 16,67%
    assert round(row["NIK tidak valid (%)"], 4) == round(100 / 6, 4)

    at.selectbox(key="kualitas_baris_wilayah_3471").set_value("347101")
    at.selectbox(key="kualitas_baris_cek").set_value("nik_ganda").run()
    assert not at.exception, at.exception
    rows = at.dataframe[-1].value
    assert list(rows["nama"]) == ["HENDRA WIJAYA"]
    assert "nama_ibu_kandung" not in rows.columns
    views = _audit(env, "lihat_baris_kualitas")
    assert [(e.actor, e.region, e.detail["cek"], e.detail["baris"]) for e in views] == [
        ("jogja", "347101", "nik_ganda", 1)
    ]


def test_verivali_months_are_chosen_on_the_page(env: str) -> None:
    at = _page("pusat1", "pages/kualitas_data.py")
    card = _table(at, "Kode", "31").set_index("Kode")
    assert card.loc["31", "Verivali > 12 bulan"] == 1  # AHMAD FAUZI, verified January 2025: 20 months
    at.number_input(key="kualitas_bulan").set_value(20).run()
    card = _table(at, "Kode", "31").set_index("Kode")
    assert card.loc["31", "Verivali > 20 bulan"] == 0  # exactly 20 months is not more than 20
    at.number_input(key="kualitas_bulan").set_value(3).run()
    card = _table(at, "Kode", "34").set_index("Kode")
    assert card.loc["34", "Verivali > 3 bulan"] == 4  # May 2026 → September 2026: 4 months, all of DIY


def test_analyst_sees_the_scorecard_but_is_refused_rows(env: str) -> None:
    at = _page("analis1", "pages/kualitas_data.py")
    assert _table(at, "Kode", "34") is not None  # aggregates are fine
    at.selectbox(key="kualitas_baris_wilayah_").set_value("34")
    at.selectbox(key="kualitas_baris_cek").set_value("nik_tidak_valid").run()
    assert not at.exception, at.exception
    assert any("tidak memiliki akses" in e.value for e in at.error)
    assert all("nik" not in frame.value.columns for frame in at.dataframe)
    refusals = _audit(env, "ditolak")
    assert any(e.actor == "analis1" and e.region == "34" for e in refusals)
    assert not _audit(env, "lihat_baris_kualitas")


def test_changes_between_periods_for_the_nation(env: str) -> None:
    at = _page("pusat1", "pages/perubahan_periode.py")
    assert at.selectbox[0].value == "2026-06" and at.selectbox[1].value == "2026-09"
    families = _table(at, "Kode", "31").set_index("Kode")
    # DKI: family 5 added (usulan 9001), 6 made inactive ('mampu'), 9 gone; DIY: family 3 desil 6 → 7.
    assert families.loc["31", "Ditambahkan"] == 1
    assert families.loc["31", "Dikeluarkan"] == 2
    assert families.loc["34", "Desil naik"] == 1
    assert families.loc["31", "BPNT mulai"] == 1
    assert families.loc["31", "PBI-JK berhenti"] == 1
    assert families.loc["34", "Wilayah"] == "Daerah Istimewa Yogyakarta"
    reasons = _table(at, "Alasan", "hilang dari register")
    assert set(zip(reasons["Perubahan"], reasons["Alasan"], reasons["Jumlah"], strict=True)) == {
        ("ditambahkan", "usulan musdes", 1),
        ("dikeluarkan", "mampu", 1),
        ("dikeluarkan", "hilang dari register", 1),
    }
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Disetujui musdes"], metrics["Masuk register"], metrics["Usulan hilang"]) == ("2", "1", "1")

    at.selectbox(key="ubah_hilang_").set_value(C).run()
    assert not at.exception, at.exception
    missing = at.dataframe[-1].value
    assert list(missing["nama_kepala_keluarga"]) == ["DEWI LESTARI"]
    views = _audit(env, "lihat_usulan_hilang")
    assert [(e.actor, e.region) for e in views] == [("pusat1", C)]


def test_analyst_is_refused_the_missing_proposals_list(env: str) -> None:
    at = _page("analis1", "pages/perubahan_periode.py")
    at.selectbox(key="ubah_hilang_").set_value(C).run()
    assert any("tidak memiliki akses" in e.value for e in at.error)
    assert not _audit(env, "lihat_usulan_hilang")
    assert any(e.actor == "analis1" and e.region == C for e in _audit(env, "ditolak"))


@pytest.fixture(scope="module")
def three_periods(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic register (DIY) with three periods, so a pair of periods can be not consecutive."""
    settings = fixture_settings(tmp_path_factory.mktemp("three-periods"))
    build_demo(DemoOptions(individuals=5_000, provinces=("34",), periods=3, seed=3), settings, progress=lambda _: None)
    return settings.data_dir


def test_nation_between_periods_not_consecutive_is_explained_not_scanned(
    env: str, three_periods: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only consecutive periods are paired for the nation (at build time); another pair at national level is
    explained rather than computed over the nation's rows on the click; a consecutive pair shows the table."""
    monkeypatch.setenv("PORTAL_DATA_DIR", str(three_periods))
    at = _page("pusat1", "pages/perubahan_periode.py")
    assert at.selectbox[0].value == "2026-06" and at.selectbox[1].value == "2026-09"
    assert _table(at, "Kode", "34") is not None
    at.selectbox[0].set_value("2026-03").run()
    assert not at.exception, at.exception
    assert any("periode berurutan" in i.value for i in at.info)
    assert not any("Kode" in shown_table(frame).columns for frame in at.dataframe)
    at.selectbox[1].set_value("2026-06").run()
    assert not any("periode berurutan" in i.value for i in at.info)
    assert _table(at, "Kode", "34") is not None


def test_same_period_twice_is_explained(env: str) -> None:
    at = _page("pusat1", "pages/perubahan_periode.py")
    at.selectbox[0].set_value("2026-09").run()
    assert not at.exception, at.exception
    assert any("lebih dulu" in w.value for w in at.warning)
