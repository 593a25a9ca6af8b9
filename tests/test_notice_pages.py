"""AppTest of Daftar Uji Publik's RT choice, its link parameters and the printed notice's button, and of Statistik
Publik's tables as a reader sees them."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP, reset_portal_caches
from tests.fixture_register import A, C


@pytest.fixture
def env(portal_env: str) -> str:
    reset_portal_caches()
    return portal_env


def _daftar(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/daftar_uji_publik.py")
    at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception
    return at


def _headings(at: AppTest) -> list[list[str]]:
    """The column headings each table shows (from its column configuration)."""
    out = []
    for frame in at.dataframe:
        config = json.loads(frame.proto.columns)
        out.append([config[c]["label"] for c in frame.value.columns if c in config])
    return out


def test_a_link_opens_the_desa_and_offers_every_rt_and_the_pdf(env: str) -> None:
    at = _daftar(desa=C)
    assert at.selectbox(key="daftar_desa").value == C
    rt = at.selectbox(key=f"daftar_rt_{C}")
    assert rt.options == ["Semua RT", "RT 001/RW 002"] and rt.value is None
    buttons = [b.proto.label for b in at.get("download_button")]
    assert buttons == ["Unduh pengumuman semua RT (PDF)"]
    print(_headings(at))
    assert ["Kepala keluarga", "Jumlah anggota keluarga", "RT/RW", "Keputusan musdes"] in _headings(at)
    assert ["Nama", "Usia (tahun)", "RT/RW", "Program", "Status"] in _headings(at)


def test_a_link_to_an_rt_opens_that_rt_and_the_link_follows_the_choice(env: str) -> None:
    at = _daftar(desa=A, rt="1", rw="2")
    assert at.selectbox(key=f"daftar_rt_{A}").value == "001/002"
    assert [b.proto.label for b in at.get("download_button")] == ["Unduh pengumuman RT 001/RW 002 (PDF)"]
    assert dict(at.query_params) == {"desa": A, "rt": "001", "rw": "002"}  # the link is written back, padded
    at.selectbox(key=f"daftar_rt_{A}").set_value(None).run()
    assert not at.exception, at.exception
    assert dict(at.query_params) == {"desa": A}
    assert [b.proto.label for b in at.get("download_button")] == ["Unduh pengumuman semua RT (PDF)"]


def test_the_picker_writes_the_desa_into_the_link_and_a_later_choice_is_not_undone(env: str) -> None:
    at = _daftar(desa=C)
    for level, code in (("provinsi", A[:2]), ("kabupaten", A[:4]), ("kecamatan", A[:6]), ("desa", A)):
        at.selectbox(key=f"daftar_{level}").set_value(code).run()
        assert not at.exception, at.exception
    assert at.selectbox(key="daftar_desa").value == A
    assert at.query_params["desa"] == A
    at.run()
    assert at.selectbox(key="daftar_desa").value == A


@pytest.mark.parametrize("kode", ["9999999999", "34", "'; drop view x; --", "3471011001" * 3])
def test_a_link_to_no_known_desa_opens_the_empty_picker(env: str, kode: str) -> None:
    at = _daftar(desa=kode)
    assert at.selectbox(key="daftar_provinsi").value is None
    assert any("Pilih desa/kelurahan" in i.value for i in at.info)
    (warning,) = [w.value for w in at.warning if "Tautan ini" in w.value]
    assert ("(9999999999)" in warning) == (kode == "9999999999")  # only a plain code is shown back
    assert "drop" not in warning


def test_a_known_desa_link_warns_of_nothing(env: str) -> None:
    at = _daftar(desa=C)
    assert not [w.value for w in at.warning if "Tautan ini" in w.value]


def test_proposals_show_their_rt_and_those_without_one_are_on_every_rt(env: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/daftar_uji_publik.py")
    at.query_params.update({"desa": C, "rt": "001", "rw": "002"})
    at.sidebar.selectbox(key="periode").set_value("2026-06").run()
    assert not at.exception, at.exception
    tambah, henti = at.dataframe[0].value, at.dataframe[1].value
    assert list(tambah["kepala_keluarga"]) == ["A***D F***I", "D**I L*****I"]  # not in the register: no RT
    assert set(tambah["rt_rw"]) == {"–"}
    assert list(henti["kepala_keluarga"]) == ["J**O S****O"] and list(henti["rt_rw"]) == ["001/002"]
    assert any("RT/RW –" in c.value for c in at.caption)


def test_statistik_publik_tables_read_as_indonesian(env: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/statistik_publik.py").run()
    assert not at.exception, at.exception
    headings = _headings(at)
    assert headings[0] == ["PKH", "BPNT", "PBI-JK", "BLT-DD", "Jumlah"]
    assert headings[2][:2] == ["Tiket diterima", "Diputus ≤ 14 hari"]
    for frame in at.dataframe:
        assert frame.value.index.name == "Wilayah"
        cells = frame.value.to_numpy().ravel().tolist()
        assert all(isinstance(c, str) and c not in ("None", "nan", "<NA>") for c in cells)
        assert all(c == "•" or c.replace(".", "").isdigit() for c in cells)
    for heading in (h for row in headings for h in row):
        assert "_" not in heading
