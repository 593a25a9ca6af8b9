"""The citizen's whole journey with the keyboard only (Tab, Shift+Tab, Enter, Space, arrow keys and typing; no
mouse), on a 360 px phone in Debian's chromium: choose a desa, search a name, open the objection form, send it, get
the ticket, and look it up in Lacak Tiket."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import REPO, portal_env, serve

pytestmark = pytest.mark.browser

# What the focused element is, as one string: tag, role, accessible label, text, type.
ACTIVE = (
    "() => { const e = document.activeElement; if (!e) return '';"
    " return [e.tagName, e.getAttribute('role') || '', e.getAttribute('aria-label') || '',"
    " (e.innerText || e.value || '').trim().slice(0, 80), e.getAttribute('type') || ''].join(' | '); }"
)


@pytest.fixture(scope="module")
def portal(fixture_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("keyboard")
    env = portal_env(fixture_dir, work, {}, PORTAL_SEARCH_LIMIT="100/600")
    with serve(REPO / "asgi.py", env, work / "streamlit.log") as url:
        yield url


def tab_to(page: object, pattern: str, *, back: bool = False, limit: int = 60) -> str:
    """Press Tab (Shift+Tab with `back`) until the focused element's description matches `pattern`."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        now = page.evaluate(ACTIVE)
        seen.append(now)
        if re.search(pattern, now):
            return now
    raise AssertionError(f"no focusable element matching {pattern!r}; focus went through: {seen}")


def choose(page: object, label: str, option: str, then: str) -> None:
    """Tab to the select box `label`, type to filter, take the option with the arrow keys and Enter."""
    tab_to(page, rf"combobox \| {re.escape(label)} ")
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.get_by_text(then, exact=True).first.wait_for()


def test_keyboard_only_journey(phone: object, portal: str) -> None:
    page = phone
    page.goto(f"{portal}/cek_status")
    page.get_by_role("heading", name="Cek Status").wait_for()
    tab_to(page, r"^MAIN ")  # past the navigation and the sidebar, into the page
    choose(page, "Provinsi", "Daerah Istimewa Yogyakarta", then="Kabupaten/kota")
    choose(page, "Kabupaten/kota", "Kota Yogyakarta", then="Kecamatan")
    choose(page, "Kecamatan", "Tegalrejo", then="Desa/kelurahan")
    choose(page, "Desa/kelurahan", "Kricak", then="Nama (paling sedikit 3 huruf)")

    tab_to(page, r"Nama \(paling sedikit 3 huruf\)|^INPUT \|  \|  \|  \| text")
    page.keyboard.type("siti")
    page.keyboard.press("Enter")  # Enter in a form's text box sends the form
    page.get_by_role("heading", name="1 orang ditemukan").wait_for()

    tab_to(page, r"Sanggah data ini")
    page.keyboard.press("Enter")
    page.get_by_text("Sanggahan atas data").wait_for()

    tab_to(page, r"^TEXTAREA")
    page.keyboard.type("Keluarga ini sudah mampu: memiliki toko dan mobil sejak awal 2026.")
    tab_to(page, r"checkbox")
    page.keyboard.press("Space")
    tab_to(page, r"^BUTTON \|[\s\S]*\bKirim \|")
    page.keyboard.press("Enter")
    code = page.locator('[data-testid="stCode"]').first
    code.wait_for()
    ticket = code.inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", ticket)

    tab_to(page, r"Lacak tiket ini")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Lacak Tiket").wait_for()
    tab_to(page, r"^BUTTON \|[\s\S]*\bLacak \|")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=f"Tiket {ticket}").wait_for()
    page.get_by_text("Status: terdaftar").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
