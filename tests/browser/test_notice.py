"""A village secretary prints the uji publik notice and a neighbour scans its QR code — in Debian's chromium, on a
360 px phone and on a desktop: Daftar Uji Publik offers the RT choice and the PDF, the PDF has the pages and text
expected, and its QR code opens the same desa and RT on the portal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import REPO, portal_env, serve
from tests.fixture_register import A
from tests.test_notice import expected_qr, page_text, pages, qr_codes, texts

pytestmark = pytest.mark.browser

PUBLIC = "https://dtks.example.go.id/portal"


@pytest.fixture(scope="module")
def public_portal(fixture_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A portal of its own whose public address (PORTAL_PUBLIC_URL) is not the one the browser uses."""
    tmp_path = tmp_path_factory.mktemp("notice")
    env = portal_env(fixture_dir, tmp_path, {}, PORTAL_PUBLIC_URL=PUBLIC)
    with serve(REPO / "asgi.py", env, tmp_path / "streamlit.log") as url:
        yield url


def _download(page: object, label: str) -> tuple[str, bytes]:
    button = page.get_by_role("button", name=label)
    button.wait_for()
    with page.expect_download() as info:
        button.click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def _read(pdf: bytes) -> list[str]:
    """The pages' content, checked to be a PDF whose every page says 'Halaman i dari N' with N its page count."""
    assert pdf.startswith(b"%PDF-")
    shown = pages(pdf)
    for number, content in enumerate(shown, start=1):
        assert any(t.endswith(f"Halaman {number} dari {len(shown)}") for t in texts(content))
    return shown


def _choose(page: object, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()


def test_a_phone_opens_the_qr_link_of_an_rt_and_downloads_its_notice(phone: object, portal_url: str) -> None:
    page = phone
    link = f"{portal_url}/daftar_uji_publik?desa={A}&rt=001&rw=002"
    page.goto(link)  # what scanning the printed QR code does: a fresh session at that address
    page.get_by_role("heading", name="Daftar Uji Publik").wait_for()
    expect(page.get_by_role("combobox", name="RT/RW", exact=True)).to_have_value(
        "RT 001/RW 002"
    )  # the RT the link names, already chosen
    expect(page.get_by_role("combobox", name="Desa/kelurahan", exact=True)).to_have_value("Kricak")

    name, pdf = _download(page, "Unduh pengumuman RT 001/RW 002 (PDF)")
    assert name == f"pengumuman-uji-publik-{A}-2026-09-rt001-rw002.pdf"
    shown = _read(pdf)
    assert len(shown) == 1  # the fixture's RT: three recipients and one proposal fit on one A4 page
    text = page_text(shown[0])
    assert "KELURAHAN KRICAK" in text and "RT 001/RW 002" in text and "September 2026" in text
    assert "B**I S*****O" in text and "BUDI SANTOSO" not in text  # masked exactly as the page masks it
    assert "R**A M*****A" in text  # the August musdes's proposal to add
    assert "10 Agustus 2026 s.d. 24 Agustus 2026" in text and "Lurah Kricak," in text
    daftar, formulir = qr_codes(shown[0])
    assert daftar == expected_qr(link)  # the code opens exactly the address the phone came from
    assert formulir == expected_qr(f"{portal_url}/ajukan?desa={A}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_desktop_chooses_the_rt_and_every_rt_and_the_notice_uses_the_public_address(
    desktop: object, public_portal: str
) -> None:
    page = desktop
    page.goto(public_portal)
    page.get_by_text("Keluarga aktif").first.wait_for()  # the app is up and its session connected
    page.goto(f"{public_portal}/daftar_uji_publik")
    _choose(page, "Provinsi", "Daerah Istimewa Yogyakarta")
    _choose(page, "Kabupaten/kota", "Kota Yogyakarta")
    _choose(page, "Kecamatan", "Tegalrejo")
    _choose(page, "Desa/kelurahan", "Kricak")
    expect(page.get_by_role("combobox", name="RT/RW", exact=True)).to_have_value("Semua RT")
    page.wait_for_url(f"**/daftar_uji_publik?desa={A}")  # the picked desa is in the address bar, to share

    name, pdf = _download(page, "Unduh pengumuman semua RT (PDF)")
    assert name.endswith("-semua-rt.pdf")
    every = _read(pdf)
    assert "RT 001/RW 002" in page_text(every[0])

    _choose(page, "RT/RW", "RT 001/RW 002")
    name, pdf = _download(page, "Unduh pengumuman RT 001/RW 002 (PDF)")
    assert parse_qs(urlsplit(page.url).query) == {"desa": [A], "rt": ["001"], "rw": ["002"]}
    shown = _read(pdf)
    daftar, formulir = qr_codes(shown[-1])
    assert daftar == expected_qr(f"{PUBLIC}/daftar_uji_publik?desa={A}&rt=001&rw=002")
    assert formulir == expected_qr(f"{PUBLIC}/ajukan?desa={A}")
    assert f"{PUBLIC}/ajukan?desa={A}" in texts(shown[-1])
    assert "Traceback" not in page.locator("body").inner_text()
