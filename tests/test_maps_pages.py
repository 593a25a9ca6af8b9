"""Peta Cakupan and Beranda in AppTest: the reader's indicator survives drilling down and back up, and the URL
(?wilayah=…&indikator=…) opens the same region and indicator, within the official's scope."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import create_staff, shown_table, signed_in

USERS = {"pusat1": ("pusat", ""), "jogja": ("kabupaten", "3471")}
PAGE = "pages/peta_cakupan.py"


@pytest.fixture
def env(portal_env: str) -> Iterator[str]:
    create_staff(portal_env, USERS)
    yield portal_env


def _param(at: AppTest, name: str) -> str | None:
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def _drill(at: AppTest, kode: str) -> None:
    """What a click on region `kode` does (the click itself is tested in a real browser)."""
    at.session_state["peta_kode"] = kode
    at.run()
    assert not at.exception, at.exception


def test_indicator_stays_chosen_when_drilling_down(env: str) -> None:
    at = signed_in("pusat1")
    at.switch_page(PAGE).run()
    at.selectbox(key="peta_indikator_provinsi").set_value("cakupan_pkh").run()
    assert _param(at, "indikator") == "cakupan_pkh"
    _drill(at, "34")
    assert at.selectbox(key="peta_indikator_kabupaten").value == "cakupan_pkh"
    _drill(at, "3471")
    assert at.selectbox(key="peta_indikator_kecamatan").value == "cakupan_pkh"
    assert (_param(at, "wilayah"), _param(at, "indikator")) == ("3471", "cakupan_pkh")
    assert any(s.startswith("Peringkat: Keluarga penerima PKH") for s in (h.value for h in at.subheader))


def test_an_indicator_missing_below_returns_a_level_up(env: str) -> None:
    at = signed_in("pusat1")
    at.switch_page(PAGE).run()
    at.selectbox(key="peta_indikator_provinsi").set_value("keluarga_per_100").run()
    _drill(at, "3471")  # no population below kab/kota: the kecamatan map shows the first indicator it has
    assert at.selectbox(key="peta_indikator_kecamatan").value == "padan_dukcapil"
    _drill(at, "34")
    assert at.selectbox(key="peta_indikator_kabupaten").value == "keluarga_per_100"


def test_a_shared_link_opens_its_region_and_indicator(env: str) -> None:
    at = signed_in("pusat1")
    at.query_params["wilayah"] = "34"
    at.query_params["indikator"] = "cakupan_bpnt"
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="peta_indikator_kabupaten").value == "cakupan_bpnt"


def test_a_shared_link_cannot_leave_the_scope(env: str) -> None:
    at = signed_in("jogja")
    at.query_params["wilayah"] = "31"
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    # Jakarta is outside jogja's scope: the map opens at the official's own kab/kota.
    assert _param(at, "wilayah") == "3471"
    assert set(shown_table(at.dataframe[-1])["Kode wilayah"]) == {"347101"}


def test_beranda_keeps_its_indicator_in_the_url(env: str) -> None:
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60)
    at.query_params["indikator"] = "cakupan_pkh"
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="beranda_indikator").value == "cakupan_pkh"
    at.selectbox(key="beranda_indikator").set_value("keluarga_aktif").run()
    assert _param(at, "indikator") == "keluarga_aktif"
