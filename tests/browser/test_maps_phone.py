"""The maps as a villager on a phone and an official at a desk see them: the national legend sits below the map
(it used to cover Banten and Jakarta), the map leaves a phone's page scrollable past it to the table below, and
the chosen indicator survives a drill-down click and is in the URL."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import shapely
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from portal.geo import import_boundaries, load_boundaries
from portal.maps.assets import ensure_map_assets
from tests.browser.conftest import ARTIFACTS, REPO, USER_PASSWORD, _page, click_map_until, portal_env, serve

pytestmark = pytest.mark.browser

REFERENCE_GEO = REPO.parent / "shared" / "data" / "geo"
SOURCES = ("provinsi.geojson", "kabupaten_kota.geojson", "kecamatan/kecamatan_34.geojson")
JAKARTA = (-6.18, 106.83)  # Monas
BANTEN = (-6.40, 106.06)  # Serang–Rangkasbitung
PHONE_HEIGHT = 780  # the phone fixture's viewport


@pytest.fixture(scope="module")
def map_portal(fixture_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The portal on the fixture register with the reference provinsi, kab/kota and DIY kecamatan boundaries."""
    if not all((REFERENCE_GEO / name).is_file() for name in SOURCES):
        pytest.skip(f"reference boundaries not found at {REFERENCE_GEO}")
    work = tmp_path_factory.mktemp("maps")
    source = work / "src"
    for name in SOURCES:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).symlink_to(REFERENCE_GEO / name)
    env = portal_env(fixture_dir, work, {"pusat1": ("pusat", "")})
    geo = work / "data" / "geo"  # the portal reads imported boundaries beside its register
    import_boundaries(source, geo, progress=lambda _: None)
    ensure_map_assets(REPO)
    with serve(REPO / "asgi.py", env, work / "streamlit.log") as url:
        yield {"url": url, "geo": geo}


def _inside(point: tuple[float, float], box: dict) -> bool:
    x, y = point
    return box["x"] <= x <= box["x"] + box["width"] and box["y"] <= y <= box["y"] + box["height"]


def _plotly_point(page: object, lat: float, lng: float) -> tuple[float, float]:
    """Where (lat, lng) is drawn on the page by the first plotly map."""
    return tuple(
        page.evaluate(
            """([lat, lng]) => {
                const gd = [...document.querySelectorAll('.js-plotly-plot')].find(g => g._fullLayout.map);
                const p = gd._fullLayout.map._subplot.map.project([lng, lat]);
                const r = gd.querySelector('.maplibregl-canvas, canvas').getBoundingClientRect();
                return [p.x + r.left, p.y + r.top];
            }""",
            [lat, lng],
        )
    )


def _leaflet_point(page: object, frame_element: object, lat: float, lng: float) -> tuple[float, float]:
    handle = frame_element.element_handle().content_frame()
    x, y = handle.evaluate(
        "([lat, lng]) => { const p = window.map.latLngToContainerPoint([lat, lng]);"
        " const r = window.map.getContainer().getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; }",
        [lat, lng],
    )
    origin = frame_element.bounding_box()
    return origin["x"] + x, origin["y"] + y


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_national_legend_leaves_jakarta_and_banten_visible(
    device: str, request: pytest.FixtureRequest, map_portal: dict
) -> None:
    page = request.getfixturevalue(device)
    page.goto(map_portal["url"])
    legend = page.locator(".peta-legenda-bawah").first
    legend.wait_for()
    expect(legend).to_contain_text("Nilai provinsi:")  # the honest range of the values, under the classes
    page.locator(".js-plotly-plot .maplibregl-canvas, .js-plotly-plot canvas").first.wait_for()
    legend_box = legend.bounding_box()
    map_box = page.locator(".js-plotly-plot").first.bounding_box()
    for lat, lng in (JAKARTA, BANTEN):
        point = _plotly_point(page, lat, lng)
        assert _inside(point, map_box), (device, point, map_box)  # the place is on the map...
        assert not _inside(point, legend_box), (device, point, legend_box)  # ...and no legend covers it
    if device == "phone":
        assert map_box["height"] <= 0.6 * PHONE_HEIGHT
        assert legend_box["width"] <= 360 and page.evaluate("document.documentElement.scrollWidth") <= 360
    # Value axes in Indonesian numbers: no English SI abbreviations such as "16.832k" or "1.2M".
    ticks = page.locator(".js-plotly-plot .xtick text, .js-plotly-plot .ytick text").evaluate_all(
        "els => els.map(e => e.textContent)"
    )
    assert ticks and not [t for t in ticks if re.search(r"\d\s*[kMGB]$", t)], ticks
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    legend.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"beranda_legend_{device}.png"))


def _sign_in(page: object, url: str) -> None:
    page.goto(url)
    page.get_by_text("Keluarga aktif").first.wait_for()  # the app is up and its session connected
    page.goto(f"{url}/masuk")
    page.get_by_label("Nama pengguna").fill("pusat1")
    page.get_by_label("Kata sandi").fill(USER_PASSWORD)
    page.get_by_test_id("stBaseButton-secondaryFormSubmit").click()
    page.get_by_text("pusat1").first.wait_for()


def _open_map(page: object, url: str) -> object:
    _sign_in(page, url)
    expand = page.get_by_test_id("stExpandSidebarButton")
    if expand.is_visible():  # on a phone the navigation is in the collapsed sidebar
        expand.click()
    page.get_by_role("link", name="Peta Cakupan").first.click()
    page.get_by_role("heading", name="Peta Cakupan").first.wait_for()
    frame_element = page.locator('iframe[title="streamlit_folium.st_folium"]').first
    frame_element.wait_for()
    frame_element.content_frame.locator("path.leaflet-interactive").first.wait_for()
    return frame_element


@pytest.fixture
def touch_phone(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    """The phone fixture's 360 × 780 page with a touch screen (a coarse pointer), as a real phone has."""
    options = {"viewport": {"width": 360, "height": PHONE_HEIGHT}, "device_scale_factor": 2, "is_mobile": True}
    with _page(browser, request, has_touch=True, **options) as page:
        yield page


def test_phone_map_leaves_room_to_scroll_to_the_table(touch_phone: object, map_portal: dict) -> None:
    phone = touch_phone
    frame_element = _open_map(phone, map_portal["url"])
    frame_box = frame_element.bounding_box()
    assert frame_box["height"] <= 0.6 * PHONE_HEIGHT
    legend = phone.locator(".peta-legenda-bawah").first
    legend_box = legend.bounding_box()
    assert legend_box["y"] >= frame_box["y"] + frame_box["height"] - 1  # below the map, never on it
    for lat, lng in (JAKARTA, BANTEN):
        assert not _inside(_leaflet_point(phone, frame_element, lat, lng), legend_box)
    table = phone.get_by_test_id("stDataFrame").first
    table.wait_for()
    assert table.bounding_box()["y"] > frame_box["y"] + frame_box["height"]
    handle = frame_element.element_handle().content_frame()
    # One finger scrolls the page on a touch screen (Leaflet's dragging is off there); the wheel never zooms.
    assert handle.evaluate("() => window.map.scrollWheelZoom.enabled()") is False
    assert handle.evaluate("() => window.map.dragging.enabled()") is False
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "peta_cakupan_phone.png"), full_page=True)


def test_wheel_over_the_map_scrolls_the_page(desktop: object, map_portal: dict) -> None:
    frame_element = _open_map(desktop, map_portal["url"])
    handle = frame_element.element_handle().content_frame()
    zoom = handle.evaluate("() => window.map.getZoom()")
    box = frame_element.bounding_box()
    top = box["y"]
    desktop.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    desktop.mouse.wheel(0, 400)
    desktop.wait_for_function(
        "([top]) => document.querySelector('iframe[title=\"streamlit_folium.st_folium\"]')"
        ".getBoundingClientRect().top < top",
        arg=[top],
    )
    assert handle.evaluate("() => window.map.getZoom()") == zoom


SETTLED = """() => new Promise(done => {
    let last = "";
    const tick = () => {
        const now = JSON.stringify([map.getZoom(), map.getCenter(), map.getSize()]);
        if (now === last) done(now); else { last = now; setTimeout(tick, 250); }
    };
    tick();
})"""


SHOWS = """(text) => Object.values(window.map._layers).some(
    l => l.feature && l.feature.properties.tooltip.includes(text))"""


def _settled_map(page: object, regions: int, showing: str) -> object:
    """The map iframe drawing `regions` polygons whose tooltips name `showing` (a rerun replaces the iframe, and
    the previous map can linger meanwhile), once Leaflet stopped fitting it."""
    maps = page.locator('iframe[title="streamlit_folium.st_folium"]')
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for i in range(maps.count()):
            candidate = maps.nth(i)
            with contextlib.suppress(PlaywrightError):
                handle = candidate.element_handle().content_frame()
                count = candidate.content_frame.locator("path.leaflet-interactive").count()
                if count == regions and handle.evaluate(SHOWS, showing):
                    handle.evaluate(SETTLED)
                    return candidate
        page.wait_for_timeout(200)  # polling for the rerun to finish, not a blind wait
    raise AssertionError(f"no map with {regions} regions appeared")


def test_indicator_stays_selected_after_a_drill_down_click(desktop: object, map_portal: dict) -> None:
    page = desktop
    _open_map(page, map_portal["url"])
    box = page.get_by_role("combobox", name="Indikator", exact=True)
    box.click()
    page.get_by_role("option", name="Keluarga penerima PKH").click()
    expect(box).to_have_value("Keluarga penerima PKH")
    page.wait_for_url(re.compile(r"indikator=cakupan_pkh"))

    provinsi = load_boundaries(map_portal["geo"], "provinsi")
    shape = provinsi.set_index("kode").geometry["34"]
    largest = max(getattr(shape, "geoms", [shape]), key=lambda part: part.area)
    point = shapely.Point(shapely.maximum_inscribed_circle(largest).coords[0])
    click_map_until(
        page,
        lambda: _settled_map(page, len(provinsi), "Keluarga penerima PKH:"),
        point.y,
        point.x,
        reached=lambda: "wilayah=34" in page.url,
    )
    page.get_by_role("button", name="Daerah Istimewa Yogyakarta").wait_for()  # the kab/kota level is drawn
    expect(page.get_by_role("combobox", name="Indikator", exact=True)).to_have_value("Keluarga penerima PKH")
    assert "indikator=cakupan_pkh" in page.url
    expect(page.get_by_text("Peringkat: Keluarga penerima PKH")).to_be_visible()
    assert "Traceback" not in page.locator("body").inner_text()
