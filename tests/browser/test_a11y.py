"""Accessibility in a real browser: axe-core over every public page and every internal page (signed in as a pusat
official), on a 360 px phone and on a desktop, once each page has rendered: no serious or critical violation, and
the document declares Bahasa Indonesia. Also what a villager on a phone meets first: the menu is a button that
says "Menu", closes after a choice, the uploader speaks Indonesian and table numbers read the Indonesian way."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from portal.geo import import_boundaries
from portal.maps.assets import ensure_map_assets
from tests.browser.conftest import ARTIFACTS, REPO, USER_PASSWORD, _page, portal_env, serve

pytestmark = pytest.mark.browser

REFERENCE_PROVINSI = REPO.parent / "shared" / "data" / "geo" / "provinsi.geojson"
PUBLIC = {
    "": "Portal DTKS",  # Beranda
    "cek_status": "Cek Status",
    "daftar_uji_publik": "Daftar Uji Publik",
    "ajukan": "Ajukan Sanggahan / Usul",
    "lacak_tiket": "Lacak Tiket",
    "statistik_publik": "Statistik Publik",
    "masuk": "Masuk petugas",
}
INTERNAL = {
    "peta_cakupan": "Peta Cakupan",
    "kemiskinan_ekstrem": "Kemiskinan Ekstrem",
    "kualitas_data": "Kualitas Data",
    "perubahan_periode": "Perubahan Antar Periode",
    "eksplorasi": "Eksplorasi Data",
    "antrean_sanggahan": "Antrean Sanggahan",
    "unggah_data": "Unggah Data",
    "audit": "Log Audit",
}
# Pages that draw a map of the provinsi boundaries, and what the map is.
MAPPED = {"": "[data-testid=stPlotlyChart]", "peta_cakupan": "iframe[title]"}
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}
SERIOUS = ("serious", "critical")
# Nodes inside Streamlit's own widgets that the portal cannot reach, each the narrowest selector with its reason.
# (Empty: every violation found so far was fixable from the portal.)
EXCLUDE: list[list[str]] = []

# Whether the sidebar's page links are on screen (the sidebar is open).
ON_SCREEN = "document.querySelector('[data-testid=stSidebarNavLink]').getBoundingClientRect().left >= 0"
RENDERED = "[data-testid=stApp][data-test-script-state=notRunning][data-test-connection-state=CONNECTED]"


@pytest.fixture(scope="module")
def portal(fixture_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The portal on the fixture register with one pusat official, who may open every internal page, and the real
    provinsi boundaries when the reference set is there (so the map pages draw their maps)."""
    work = tmp_path_factory.mktemp("a11y")
    env = portal_env(fixture_dir, work, {"pusat1": ("pusat", "")}, PORTAL_BASE_TILES="none")
    if REFERENCE_PROVINSI.is_file():
        source = work / "geo-source"
        source.mkdir()
        (source / REFERENCE_PROVINSI.name).symlink_to(REFERENCE_PROVINSI)
        import_boundaries(source, Path(env["PORTAL_DATA_DIR"]) / "geo", progress=lambda _: None)
        ensure_map_assets(REPO)
    with serve(REPO / "asgi.py", env, work / "streamlit.log") as url:
        yield url


def _rendered(page: object, heading: str) -> None:
    """Wait until the page's script run has finished and its heading is shown."""
    page.locator(RENDERED).wait_for()
    page.locator("h1", has_text=heading).first.wait_for()
    page.locator(RENDERED).wait_for()


def _sign_in(page: object, url: str) -> None:
    page.goto(f"{url}/masuk")
    _rendered(page, "Masuk petugas")
    page.get_by_label("Nama pengguna").fill("pusat1")
    page.get_by_label("Kata sandi").fill(USER_PASSWORD)
    page.get_by_test_id("stBaseButton-secondaryFormSubmit").click()
    page.locator("[data-testid=stSidebarNavLink]", has_text="Keluar (pusat1)").wait_for(state="attached")


def _audit(page: object, url: str, pages: dict[str, str]) -> list[str]:
    """Open each page, check its language and run axe; the serious and critical violations, one line each."""
    axe = Axe()
    found = []
    for path, heading in pages.items():
        page.goto(f"{url}/{path}")
        _rendered(page, heading)
        if path in MAPPED and REFERENCE_PROVINSI.is_file():  # the audit covers the page with its map drawn
            page.locator(MAPPED[path]).first.wait_for()
            _rendered(page, heading)
        lang = page.evaluate("() => document.documentElement.lang")
        if lang != "id":
            found.append(f"/{path}: <html lang={lang!r}>, not 'id'")
        context = {"exclude": EXCLUDE} if EXCLUDE else None
        results = axe.run(page, context=context)
        for violation in results.response["violations"]:
            if violation["impact"] not in SERIOUS:
                continue
            for node in violation["nodes"]:
                target = " ".join(str(t) for t in node["target"])
                found.append(
                    f"/{path}: {violation['impact']} {violation['id']} ({violation['help']}) at {target}: "
                    f"{node['html'][:160]}"
                )
    return found


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_page_passes_axe(browser: object, request: pytest.FixtureRequest, portal: str, viewport: str) -> None:
    with _page(browser, request, viewport=VIEWPORTS[viewport], is_mobile=viewport == "phone") as page:
        found = _audit(page, portal, PUBLIC)
        _sign_in(page, portal)
        found += _audit(page, portal, INTERNAL)
    if found:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / f"axe-{viewport}.txt").write_text("\n".join(found) + "\n", encoding="utf-8")
    assert not found, f"{len(found)} serious or critical accessibility violations ({viewport}):\n" + "\n".join(found)


def test_a_phone_visitor_meets_the_portal_in_indonesian(phone: object, portal: str) -> None:
    page = phone
    page.goto(portal)
    _rendered(page, "Portal DTKS")
    assert page.evaluate("() => document.documentElement.lang") == "id"

    # The menu: a button that says so, big enough for a thumb, which closes once a page is chosen.
    menu = page.get_by_role("button", name="Menu", exact=True)
    box = menu.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    shown = page.evaluate(
        "() => getComputedStyle(document.querySelector('[data-testid=stExpandSidebarButton]'), '::after').content"
    )
    assert shown == '"Menu"'  # the word is drawn beside the icon, not only announced
    link = page.get_by_role("link", name="Statistik Publik")
    assert link.bounding_box()["x"] < 0  # the menu starts closed: its links are off screen
    menu.click()
    page.wait_for_function(f"() => {ON_SCREEN}")
    assert link.bounding_box()["height"] >= 44
    link.click()
    _rendered(page, "Statistik Publik")
    page.wait_for_function(f"() => !({ON_SCREEN})")  # closed again once the page is chosen
    assert page.get_by_role("button", name="Menu", exact=True).is_visible()


@pytest.fixture(scope="module")
def pieces(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """tests/browser/bahasa/app.py (a portal table, the uploader, a select box) behind the portal's middleware."""
    work = tmp_path_factory.mktemp("bahasa")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with serve(Path(__file__).parent / "bahasa" / "asgi.py", env, work / "streamlit.log") as url:
        yield url


# Every text a canvas draws (the dataframe grid draws its cells on one), recorded on the page.
DRAWN = """
window.__drawn = [];
const fillText = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
    window.__drawn.push(String(text));
    return fillText.call(this, text, ...rest);
};
"""


def test_tables_and_widgets_read_indonesian_on_a_phone(phone: object, pieces: str) -> None:
    page = phone
    page.add_init_script(DRAWN)
    page.goto(pieces)
    _rendered(page, "Uji bahasa")
    assert page.evaluate("() => document.documentElement.lang") == "id"

    # ui.table's localized numbers as the grid draws them on its canvas.
    page.wait_for_function("() => window.__drawn.includes('Kota Yogyakarta')")
    drawn = page.evaluate("() => window.__drawn")
    assert "6.510" in drawn, drawn
    assert "6,510" not in drawn and "6510" not in drawn
    assert any(t.replace("\u00a0", " ") in ("10,69%", "10,69 %") for t in drawn), drawn

    # The uploader: its button and limit in Indonesian, no English left.
    dropzone = page.get_by_test_id("stFileUploaderDropzone")
    text = dropzone.inner_text()
    assert "Pilih berkas" in text, text
    assert "5MB per berkas" in text, text
    for english in ("Upload", "per file", "Drag and drop", "Browse files"):
        assert english not in text.replace("upload\n", ""), text  # (the lower-case "upload" is the icon's name)
    assert dropzone.get_by_role("button", name="Pilih berkas").bounding_box()["height"] >= 44

    # A select box's empty choice and "no results".
    box = page.get_by_role("combobox", name="Kecamatan")
    assert (
        box.get_attribute("placeholder") == "Pilih salah satu"
        or "Pilih salah satu" in page.get_by_test_id("stSelectbox").inner_text()
    )
    box.click()
    box.fill("tidak ada")
    page.get_by_text("Tidak ada hasil").wait_for()
    body = page.locator("body").inner_text()
    assert "No results" not in body and "Choose an option" not in body
    # A page's own text is left as the page wrote it, even where it equals one of Streamlit's strings.
    assert page.get_by_test_id("stMain").get_by_text("Search", exact=True).count() == 1


def test_an_unknown_address_says_so_in_indonesian(desktop: object, portal: str) -> None:
    page = desktop
    page.goto(f"{portal}/halaman_yang_tidak_ada")
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Halaman tidak ditemukan").wait_for()
    text = dialog.inner_text()
    assert "tidak ada di portal ini. Halaman utama dibuka." in text, text
    assert "Page not found" not in text and "Running the app" not in text


def test_a_lost_connection_is_explained_in_indonesian(desktop: object, tmp_path: Path) -> None:
    page = desktop
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with serve(Path(__file__).parent / "bahasa" / "asgi.py", env, tmp_path / "streamlit.log") as url:
        page.goto(url)
        _rendered(page, "Uji bahasa")
    # The server is gone: Streamlit retries, then says so in its connection dialog.
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Koneksi terputus").wait_for(timeout=120_000)
    text = dialog.inner_text()
    assert "Connection error" not in text and "Streamlit" not in text, text
    assert "koneksi" in text.lower()
