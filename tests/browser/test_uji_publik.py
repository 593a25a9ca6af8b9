"""A citizen on a 360 px phone: chooses a desa, finds a name, opens the desa's list, objects, gets a ticket
and tracks it — in Debian's chromium."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def _choose(page: object, label: str, option: str, then: str) -> None:
    """Pick `option` in the selectbox labelled `label` by typing, then wait until `then` is on the page."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()
    page.get_by_text(then, exact=True).first.wait_for()


def _choose_desa(page: object) -> None:
    _choose(page, "Provinsi", "Daerah Istimewa Yogyakarta", then="Kabupaten/kota")
    _choose(page, "Kabupaten/kota", "Kota Yogyakarta", then="Kecamatan")
    _choose(page, "Kecamatan", "Tegalrejo", then="Desa/kelurahan")
    _choose(page, "Desa/kelurahan", "Kricak", then="Nama (paling sedikit 3 huruf)")


def test_find_list_object_track(phone: object, portal_url: str) -> None:
    page = phone
    page.goto(portal_url)
    page.get_by_text("Keluarga aktif").first.wait_for()
    page.goto(f"{portal_url}/cek_status")
    _choose_desa(page)

    page.get_by_label("Nama (paling sedikit 3 huruf)").fill("siti")
    page.get_by_role("button", name="Cari").click()
    page.get_by_text("S**I A****H").first.wait_for()
    body = page.locator("body").inner_text()
    assert "SITI AMINAH" not in body and not re.search(r"\d{16}", body)

    page.get_by_role("link", name="Lihat daftar uji publik Kricak").click()
    page.get_by_role("heading", name="Daftar Uji Publik").wait_for()
    page.get_by_text("Usulan tambah (1)").wait_for()  # RINA MARLINA, proposed at the August musdes
    assert "001/BA-MUSKEL" in page.locator("body").inner_text()
    assert not re.search(r"\d{16}", page.locator("body").inner_text())

    page.get_by_role("link", name="Cari nama untuk mengajukan sanggahan").click()
    page.get_by_label("Nama (paling sedikit 3 huruf)").fill("siti")
    page.get_by_role("button", name="Cari").click()
    page.get_by_role("button", name="Sanggah data ini").first.click()
    page.get_by_text("Sanggahan atas data").wait_for()
    page.get_by_label("Uraian (wajib, paling banyak 2.000 karakter)").fill(
        "Keluarga ini sudah mampu: memiliki toko dan mobil sejak awal 2026."
    )
    page.get_by_text("Saya menyatakan keterangan ini benar").click()
    page.get_by_role("button", name="Kirim").click()
    code = page.locator('[data-testid="stCode"]').first
    code.wait_for()
    ticket = code.inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", ticket)

    page.get_by_role("link", name="Lacak tiket ini").click()
    page.get_by_role("button", name="Lacak").click()
    page.get_by_text(f"Tiket {ticket}").wait_for()
    page.get_by_text("Status: terdaftar").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
