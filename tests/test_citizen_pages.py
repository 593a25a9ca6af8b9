"""The citizen's journey in AppTest and in pure functions: Cek Status says how many matched and how to narrow, and
explains what it shows; Lacak Tiket finds a ticket however its code is typed and explains every status."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from portal import lifecycle, public
from portal.store import Submission, open_store
from tests.conftest import reset_portal_caches
from tests.fixture_register import A, C
from tests.test_public_pages import _app, _choose_desa, _search, _texts


@pytest.fixture
def env(portal_env: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PORTAL_SEARCH_LIMIT", "50/600")
    reset_portal_caches()
    return portal_env


def _village(n: int) -> pd.DataFrame:
    """`n` women called SITI spread over 5 RT of RW 002, and one BUDI, with search keys."""
    rows = [
        {
            "id_dtks": i,
            "nama": f"SITI NUR {chr(65 + i % 26)}",
            "rt": f"{i % 5 + 1:03d}",
            "rw": "002",
            "usia": 20 + i % 40,
        }
        for i in range(n)
    ]
    rows.append({"id_dtks": n, "nama": "BUDI", "rt": "001", "rw": "002", "usia": 30})
    return public.with_search_keys(pd.DataFrame(rows))


def test_a_common_name_says_how_many_matched_not_only_the_cut() -> None:
    people = _village(645)
    shown, total = public.match_people(people, "SITI")
    assert total == 645 and len(shown) == public.MAX_RESULTS
    in_rt, total_rt = public.match_people(people, "SITI", "003/002")
    assert total_rt == 129 and set(in_rt["rt"]) == {"003"}
    assert public.match_people(people, "SITI", "009/009")[1] == 0
    in_band, total_band = public.match_people(people, "SITI", umur="25–34")
    expected = sum(1 for i in range(645) if 25 <= 20 + i % 40 <= 34)
    assert total_band == expected and in_band["usia"].between(25, 34).all()
    both = public.match_people(people, "SITI", "003/002", "25–34")[1]
    assert both == sum(1 for i in range(645) if i % 5 == 2 and 25 <= 20 + i % 40 <= 34)
    assert public.rt_rw_choices(people) == [f"00{i}/002" for i in range(1, 6)]


def test_cek_status_tells_the_cut_and_how_to_narrow(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(public, "MAX_RESULTS", 1)  # the fixture's desa is small: cut at one to see the cut
    at = _app("pages/cek_status.py")
    _choose_desa(at, "cek", A)
    _search(at, "ina")  # SITI AMINAH and WARSINAH
    assert not at.exception
    assert [h.value for h in at.subheader] == ["2 orang ditemukan"]
    cut = " ".join(w.value for w in at.warning)
    assert "**2 orang**" in cut and "hanya **1 pertama**" in cut and "pilih RT/RW" in cut
    assert len([b for b in at.button if b.label == "Sanggah data ini"]) == 1


def test_cek_status_explains_programmes_and_status(env: str) -> None:
    at = _app("pages/cek_status.py")
    _choose_desa(at, "cek", C)
    _search(at, "joko")  # JOKO SUSILO: listed, no programme
    texts = _texts(at)
    assert "1 orang ditemukan" in [h.value for h in at.subheader]
    assert "Program: tidak menerima PKH\\, BPNT\\, PBI\\-JK maupun BLT\\-DD" in texts
    assert "Program: –" not in texts
    assert "Apa arti Program dan Status?" in [e.label for e in at.expander]
    assert "Aktif tidak berarti pasti menerima bantuan" in texts
    assert "ajukan **usul**" in texts


def test_cek_status_nothing_found_offers_an_usul(env: str) -> None:
    at = _app("pages/cek_status.py")
    _choose_desa(at, "cek", A)
    _search(at, "zulkarnain")
    assert "Tidak ditemukan" in [h.value for h in at.subheader]
    assert any(b.label == "Ajukan usul (layak tetapi belum terdaftar)" for b in at.button)


def _decided_ticket(env: str) -> str:
    store = open_store(env)
    try:
        ticket = store.submit(
            Submission(
                jenis="usul",
                kategori="layak tetapi belum terdaftar",
                kode_desa=C,
                periode="2026-09",
                deskripsi="Keluarga Pak Rudi belum terdaftar.",
                persetujuan=True,
                idempotency_key="citizen-pages-00000001",
            )
        )
        store.decide(ticket.code, "ditolak", "TIDAK-TERBUKTI", "Keluarga sudah pindah ke desa lain.", "op", "kabupaten")
    finally:
        store.close()
    return ticket.code


@pytest.mark.parametrize("form", ["grouped", "plain", "lower", "spaced"])
def test_lacak_tiket_accepts_any_form_and_shows_the_grouped_code(env: str, form: str) -> None:
    code = _decided_ticket(env)
    shown = "-".join(code[i : i + 4] for i in range(0, 16, 4))
    typed = {"grouped": shown, "plain": code, "lower": shown.lower(), "spaced": " ".join(shown.split("-"))}[form]
    at = _app("pages/lacak_tiket.py")
    at.text_input[0].set_value(typed)
    at.button[0].click().run()
    assert not at.exception
    assert next(h.value for h in at.subheader) == f"Tiket {shown}"


def test_lacak_tiket_explains_the_decision_and_the_next_step(env: str) -> None:
    code = _decided_ticket(env)
    at = _app("pages/lacak_tiket.py")
    at.text_input[0].set_value(code)
    at.button[0].click().run()
    texts = _texts(at)
    assert "**Status: ditolak**" in texts and lifecycle.status_meaning("ditolak") in texts
    assert "**Alasan:** Keluarga sudah pindah ke desa lain\\." in texts
    assert "DITOLAK — Tidak terbukti dari verifikasi lapangan" in texts
    assert "mengajukan banding satu kali sampai" in texts
    assert "WIB" in texts and not at.dataframe  # readable text, no table cell to cut
    for status in ("terdaftar", "diproses", "perlu verifikasi lapangan", "diterima", "ditolak"):
        assert lifecycle.status_meaning(status)


def test_every_status_has_a_next_step() -> None:
    from datetime import UTC, date, datetime

    batas = datetime(2026, 10, 16, 17, tzinfo=UTC)
    assert "16 Oktober 2026" in lifecycle.next_step("diajukan", "terdaftar", batas, None, False)
    assert "banding satu kali sampai 30 Oktober 2026" in lifecycle.next_step(
        "diputus", "ditolak", batas, date(2026, 10, 30), False
    )
    assert "Daftar Uji Publik" in lifecycle.next_step("selesai", "diterima", batas, None, False)
    assert "kantor desa/kelurahan" in lifecycle.next_step("selesai", "ditolak", batas, None, True)
    assert "ditinjau" in lifecycle.next_step("banding", "ditolak", batas, None, True)


def test_app_test_import_is_used() -> None:
    assert AppTest  # the page helpers above build AppTests
