"""The citizen's journeys on a 360 px phone, in Debian's chromium, asserting what a person sees: Cek Status brings
its answer into view and says how many matched; masked names read exactly as masked; Lacak Tiket's decision wraps
and is explained; an objection to a closed list says when it closed and what to do instead."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import REPO, portal_env, serve
from tests.browser.test_uji_publik import _choose, _choose_desa
from tests.fixture_register import C

pytestmark = pytest.mark.browser

REASON = (
    "Hasil kunjungan lapangan tanggal 3 Oktober: keluarga ini sudah pindah ke Kabupaten Sleman sejak Juli dan rumahnya "
    "kini ditempati keluarga lain, sehingga usul tidak dapat diterima untuk desa/kelurahan ini."
)


@pytest.fixture(scope="module")
def citizen_portal(fixture_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A portal of its own with one decided ticket (a long reason) in its store."""
    from portal.store import Submission, open_store

    work = tmp_path_factory.mktemp("citizen")
    env = portal_env(fixture_dir, work, {}, PORTAL_SEARCH_LIMIT="100/600")
    store = open_store(env["PORTAL_DB_URL"])
    try:
        ticket = store.submit(
            Submission(
                jenis="usul",
                kategori="layak tetapi belum terdaftar",
                kode_desa=C,
                periode="2026-09",
                deskripsi="Keluarga Pak Rudi belum terdaftar.",
                persetujuan=True,
                idempotency_key="browser-citizen-000001",
            )
        )
        store.decide(ticket.code, "ditolak", "TIDAK-TERBUKTI", REASON, "op", "kabupaten")
    finally:
        store.close()
    with serve(REPO / "asgi.py", env, work / "streamlit.log") as url:
        yield {"url": url, "ticket": ticket.display, "code": ticket.code}


def _in_view(page: object, locator: object) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and 0 <= box["y"] < height and box["y"] + box["height"] > 0


def _alert_text(alert: object) -> str:
    """An alert's words as a person reads them (without its icon's ligature)."""
    return alert.locator('[data-testid="stMarkdownContainer"]').first.inner_text().strip()


def _no_sideways_scroll(page: object) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_cek_status_answer_is_in_view_and_counted(phone: object, citizen_portal: dict) -> None:
    page = phone
    page.goto(f"{citizen_portal['url']}/cek_status")
    _choose_desa(page)
    page.get_by_label("Nama (paling sedikit 3 huruf)").fill("siti")
    page.get_by_role("button", name="Cari").click()
    heading = page.get_by_role("heading", name="1 orang ditemukan")
    heading.wait_for()
    page.wait_for_function(
        "() => { const r = document.getElementById('hasil-pencarian').getBoundingClientRect();"
        " return r.top >= 0 && r.top < window.innerHeight / 3; }"  # brought up, not merely on screen
    )
    assert _in_view(page, heading)
    name = page.locator('[data-testid="stMarkdownContainer"] strong').filter(has_text="A****H").first
    assert name.inner_text() == "S**I A****H"  # the mask as it is, not Markdown emphasis
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "tahun · RT/RW 001/002" in text and "Status: aktif (tercantum di register)" in text
    page.get_by_text("Apa arti Program dan Status?").click()
    page.get_by_text("Aktif tidak berarti pasti menerima bantuan", exact=False).wait_for()
    _no_sideways_scroll(page)


def test_masked_name_on_the_objection_form_reads_as_masked(phone: object, citizen_portal: dict) -> None:
    page = phone
    page.goto(f"{citizen_portal['url']}/cek_status")
    _choose_desa(page)
    page.get_by_label("Nama (paling sedikit 3 huruf)").fill("siti")
    page.get_by_role("button", name="Cari").click()
    page.get_by_role("button", name="Sanggah data ini").first.click()
    note = page.locator('[data-testid="stAlertContentInfo"]').filter(has_text="Sanggahan atas data").first
    note.wait_for()
    assert _alert_text(note) == "Sanggahan atas data S**I A****H, RT/RW 001/002 di Kricak."
    assert note.locator("em").count() == 0  # no italics made of the mask's stars
    # the photo uploader explains itself in Indonesian
    uploader = page.locator('[data-testid="stFileUploader"]')
    uploader.locator('[data-testid="stTooltipHoverTarget"]').first.hover()
    page.get_by_text("JPG, PNG atau WEBP, paling besar 5 MB per berkas").wait_for()
    _no_sideways_scroll(page)


def test_a_closed_list_says_when_and_what_instead(phone: object, citizen_portal: dict) -> None:
    """Kricak's August list closed for objections on 24 August 2026; today is later."""
    page = phone
    page.goto(f"{citizen_portal['url']}/daftar_uji_publik")
    _choose(page, "Provinsi", "Daerah Istimewa Yogyakarta", then="Kabupaten/kota")
    _choose(page, "Kabupaten/kota", "Kota Yogyakarta", then="Kecamatan")
    _choose(page, "Kecamatan", "Tegalrejo", then="Desa/kelurahan")
    _choose(page, "Desa/kelurahan", "Kricak", then="Usulan tambah (1)")
    page.get_by_text("Sanggah salah satu usulan").click()
    page.get_by_role("button", name="Sanggah", exact=True).click()
    note = page.locator('[data-testid="stAlertContentInfo"]').filter(has_text="Sanggahan atas data").first
    note.wait_for()
    assert _alert_text(note) == "Sanggahan atas data usulan tambah untuk R**A M*****A di Kricak."
    refusal = page.locator('[data-testid="stAlertContentError"]').first
    refusal.wait_for()
    text = refusal.inner_text()
    assert "ditutup pada 24 Agustus 2026" in text and "kantor desa/kelurahan" in text
    assert page.get_by_label("Uraian (wajib, paling banyak 2.000 karakter)").count() == 0
    assert page.get_by_role("link", name="Cari nama di Cek Status").is_visible()
    _no_sideways_scroll(page)


def test_lacak_tiket_decision_wraps_and_is_explained(phone: object, citizen_portal: dict) -> None:
    page = phone
    page.goto(f"{citizen_portal['url']}/lacak_tiket")
    page.get_by_label("Kode tiket").fill(citizen_portal["code"].lower())  # typed plain and lower case
    page.get_by_role("button", name="Lacak").click()
    page.get_by_role("heading", name=f"Tiket {citizen_portal['ticket']}").wait_for()
    # The page streams its elements: under load the heading and the reason were there before the decision's date.
    page.get_by_text(re.compile(r"^Diputus \d")).first.wait_for()
    page.locator("[data-testid=stApp][data-test-script-state=notRunning]").wait_for()
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Status: ditolak" in body
    assert REASON in body.replace("\n", " ")  # the whole reason, not a cut cell
    reason = page.get_by_text(re.compile("Hasil kunjungan lapangan")).first
    box = reason.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert re.search(
        r"Diputus \d{1,2} (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober"
        r"|November|Desember) \d{4}, pukul \d\d\.\d\d WIB",
        body,
    )
    assert "mengajukan banding satu kali sampai" in body and "Tidak terbukti dari verifikasi lapangan" in body
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    _no_sideways_scroll(page)
