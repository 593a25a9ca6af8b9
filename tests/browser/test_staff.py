"""Officials in a real browser: sign in with a local account and through a real OpenID Connect provider on
loopback (oidc-provider-mock), drill the coverage map from the nation to a kecamatan by clicking regions, open
an objection whose text carries script payloads (none of them runs) and decide it, then sign out."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from portal.accounts import Accounts
from portal.geo import import_boundaries, load_boundaries
from portal.maps.assets import ensure_map_assets
from portal.store import Submission, format_ticket_code, open_store
from tests.browser.conftest import ARTIFACTS, REPO, click_map_until, free_port, serve
from tests.fixture_register import A

pytestmark = pytest.mark.browser

REFERENCE_GEO = REPO.parent / "shared" / "data" / "geo"
PASSWORD = "kata-sandi-petugas-yang-panjang"
KADIS_EMAIL = "kadis@jogjakota.go.id"
# Each payload would set a flag on the top window (or open a dialog) if it ever ran as HTML or script.
PAYLOADS = (
    "<script>window.top.__xss = 'script'</script>",
    "<img src=x onerror=\"window.top.__xss = 'img'\">",
    "<svg onload=\"alert('svg')\"></svg>",
    "[tautan](javascript:alert('md'))",
)


@pytest.fixture(scope="module")
def staff_portal(fixture_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The portal on the fixture register with real boundaries, a fresh store holding two officials, an OIDC
    identity mapping and one hostile objection, and an OIDC provider on loopback that it trusts."""
    from oidc_provider_mock import User, run_server_in_thread

    work = tmp_path_factory.mktemp("staff")
    data_dir = work / "data"
    shutil.copytree(fixture_dir, data_dir)  # imported boundaries live in the data directory, beside the register
    geo_dir = data_dir / "geo"
    if (REFERENCE_GEO / "provinsi.geojson").is_file():
        import_boundaries(REFERENCE_GEO, geo_dir, progress=lambda _: None)
    store_url = f"sqlite:///{work / 'portal.db'}"
    store = open_store(store_url)
    accounts = Accounts(store)
    accounts.create_user("pusat1", PASSWORD, "pusat", "")
    accounts.map_identity(KADIS_EMAIL, "kabupaten", "3471", actor="admin")
    ticket = store.submit(
        Submission(
            jenis="sanggahan",
            kategori="tidak layak / sudah mampu",
            kode_desa=A,
            periode="2026-09",
            row_token=None,
            deskripsi="Keluarga ini sudah mampu. " + " ".join(PAYLOADS),
            kontak="<b onmouseover=alert(1)>0812</b>",
            foto=None,
            foto_mime=None,
            persetujuan=True,
            idempotency_key="browser-staff-ticket-0001",
        )
    )
    store.close()
    ensure_map_assets(REPO)

    port = free_port()
    kadis = User(sub="kadis-jogja", claims={"email": KADIS_EMAIL, "email_verified": True, "name": "Kadis Jogja"})
    with run_server_in_thread(user_claims=[kadis]) as provider:
        secrets = work / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            'cookie_secret = "uji-browser-rahasia-cookie-0123456789abcdef"\n'
            'client_id = "portal-dtks"\n'
            'client_secret = "rahasia-klien-uji"\n'
            f'server_metadata_url = "http://localhost:{provider.server_port}/.well-known/openid-configuration"\n',
            encoding="utf-8",
        )
        env = {
            **os.environ,
            "PORTAL_DATA_DIR": str(data_dir),
            "PORTAL_GEO_DIR": str(work / "no-source"),  # nothing to import at start: it is done above
            "PORTAL_DB_URL": store_url,
            "PORTAL_BASE_TILES": "none",
        }
        log = work / "streamlit.log"
        with serve(REPO / "asgi.py", env, log, "--secrets.files", str(secrets), port=port) as url:
            yield {"url": url, "store": store_url, "ticket": ticket.code, "geo": geo_dir, "log": log}


def _open(page: object, url: str, title: str) -> None:
    page.get_by_role("link", name=title).first.click()
    page.get_by_role("heading", name=title).first.wait_for()


SETTLED = """() => new Promise(done => {
    let last = "";
    const tick = () => {
        const now = JSON.stringify([map.getZoom(), map.getCenter(), map.getSize()]);
        if (now === last) done(now); else { last = now; setTimeout(tick, 250); }
    };
    tick();
})"""


def _map_showing(page: object, regions: int) -> object:
    """The map iframe that draws exactly `regions` polygons (the previous level's map can linger while the
    page reruns), once Leaflet has stopped fitting and resizing it."""
    maps = page.locator('iframe[title="streamlit_folium.st_folium"]')
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for i in range(maps.count()):
            candidate = maps.nth(i)
            with contextlib.suppress(PlaywrightError):
                if candidate.content_frame.locator("path.leaflet-interactive").count() == regions:
                    candidate.element_handle().content_frame().evaluate(SETTLED)
                    return candidate
        page.wait_for_timeout(200)  # polling for the rerun to finish, not a blind wait
    raise AssertionError(f"no map with {regions} regions appeared")


def _click_region(page: object, boundaries: gpd.GeoDataFrame, kode: str, name: str) -> None:
    """Click inside region `kode` on the map that draws every region of `boundaries`, until the breadcrumb names
    the region (`name`)."""
    shape = boundaries.set_index("kode").geometry[kode]
    largest = max(getattr(shape, "geoms", [shape]), key=lambda part: part.area)
    # The centre of the largest inscribed circle: as far from the edges as possible, so a small region (DIY at
    # the scale of the nation is some 20 px wide) is hit even where its simplified outline differs a little.
    point = shapely.Point(shapely.maximum_inscribed_circle(largest).coords[0])
    crumb = page.get_by_role("button", name=re.compile(f"^{re.escape(name)}$", re.IGNORECASE))
    click_map_until(page, lambda: _map_showing(page, len(boundaries)), point.y, point.x, lambda: crumb.count() > 0)


def _crumb(page: object, name: str) -> object:
    button = page.get_by_role("button", name=re.compile(f"^{re.escape(name)}$", re.IGNORECASE))
    button.wait_for()
    return button


def test_local_official_drills_the_map_from_the_nation_to_a_kecamatan(desktop: object, staff_portal: dict) -> None:
    if not (staff_portal["geo"] / "manifest.json").is_file():
        pytest.skip("reference boundaries (../shared/data/geo) are not available")
    page = desktop
    page.goto(staff_portal["url"])
    _open(page, staff_portal["url"], "Masuk petugas")
    page.get_by_label("Nama pengguna").fill("pusat1")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_test_id("stBaseButton-secondaryFormSubmit").click()  # the local-account form
    page.get_by_role("link", name="Keluar (pusat1)").wait_for()

    _open(page, staff_portal["url"], "Peta Cakupan")
    geo = staff_portal["geo"]
    provinsi = load_boundaries(geo, "provinsi")
    _click_region(page, provinsi, "34", "Daerah Istimewa Yogyakarta")
    _crumb(page, "Daerah Istimewa Yogyakarta")
    kabupaten = load_boundaries(geo, "kabupaten", "34")
    _click_region(page, kabupaten, "3471", "Kota Yogyakarta")
    _crumb(page, "Kota Yogyakarta")
    kecamatan = load_boundaries(geo, "kecamatan", "3471")
    _click_region(page, kecamatan, "347101", "Tegalrejo")
    expect(_crumb(page, "Tegalrejo")).to_be_disabled()  # the breadcrumb's last step is where the map is now
    desa = load_boundaries(geo, "desa", "347101")
    _map_showing(page, len(desa))

    _crumb(page, "Indonesia").click()  # and back up to the nation in one step
    expect(_crumb(page, "Indonesia")).to_be_disabled()
    _map_showing(page, len(provinsi))
    assert "Traceback" not in page.locator("body").inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "peta_cakupan_drill.png"))


def test_oidc_official_decides_a_hostile_objection_and_no_payload_runs(desktop: object, staff_portal: dict) -> None:
    page = desktop
    page.goto(staff_portal["url"])
    _open(page, staff_portal["url"], "Masuk petugas")
    page.get_by_role("button", name="Masuk dengan akun instansi (SSO)").click()
    # The provider's own authorisation page (a different origin), then back to the portal's callback.
    page.get_by_role("button", name="kadis-jogja").click()
    page.get_by_role("link", name=f"Keluar ({KADIS_EMAIL})").wait_for()

    _open(page, staff_portal["url"], "Antrean Sanggahan")
    code = staff_portal["ticket"]
    picker = page.get_by_role("combobox", name="Buka tiket")
    picker.click()
    picker.fill(format_ticket_code(code))  # the queue shows codes grouped, as the citizen holds them
    page.get_by_role("option", name=format_ticket_code(code)).click()
    page.get_by_text("Keluarga ini sudah mampu.").wait_for()
    shown = page.locator("body").inner_text()
    for payload in ("<script>", "onerror=", "<svg onload=", "javascript:alert"):
        assert payload in shown, payload  # visible as text...
    flags = [frame.evaluate("() => window.__xss ?? null") for frame in page.frames]
    assert flags == [None] * len(flags)  # ...and never run, in any frame
    assert page.dialogs == []
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("svg[onload]").count() == 0

    decision = page.get_by_role("combobox", name="Keputusan")
    assert decision.input_value() == "DITERIMA — Terbukti dari verifikasi lapangan"  # the first code, chosen as is
    page.get_by_label("Alasan (wajib)").first.fill("Verifikasi lapangan: keluarga sudah mampu.")
    page.get_by_role("button", name="Simpan keputusan").click()
    page.get_by_text("Tersimpan; halaman Lacak Tiket").wait_for()
    assert page.dialogs == []

    store = open_store(staff_portal["store"])
    try:
        assert store.get_ticket(code).status == "diterima"
        events = [(e.actor, e.action) for e in store.audit_log()]
    finally:
        store.close()
    assert (KADIS_EMAIL, "masuk") in events
    assert (KADIS_EMAIL, "putusan") in events  # a decision (code and reason) is its own audited action

    # The citizen's view of the ticket shows the decision.
    page.get_by_role("link", name="Lacak Tiket").click()
    page.get_by_role("heading", name="Lacak Tiket").first.wait_for()
    page.get_by_label("Kode tiket").fill(code)
    page.get_by_role("button", name="Lacak").click()
    page.get_by_text("Status: diterima").wait_for()  # Lacak Tiket states the status as text

    page.get_by_role("link", name=f"Keluar ({KADIS_EMAIL})").click()
    # Signing out ends the provider's session too (RP-initiated logout): its page asks, then sends us back.
    page.get_by_role("button", name="End session").click()
    page.get_by_role("link", name="Masuk petugas").wait_for()
    assert page.get_by_role("link", name="Antrean Sanggahan").count() == 0
    store = open_store(staff_portal["store"])
    try:
        assert (KADIS_EMAIL, "keluar") in [(e.actor, e.action) for e in store.audit_log()]
    finally:
        store.close()
