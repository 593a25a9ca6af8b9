"""Officials' sessions in a real browser: a shared Eksplorasi link opened cold asks for sign-in and then opens that
exact view; the sign-in survives a reload, a new tab and a second replica (another portal process on the same
store); signing out ends it in every tab; a page outside the official's navigation is refused and audited."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from portal.store import open_store
from portal.store.sessions import SESSION_COOKIE
from tests.browser.conftest import REPO, USER_PASSWORD, portal_env, serve

pytestmark = pytest.mark.browser
PASSWORD = USER_PASSWORD
VIEW = "/eksplorasi?prov=34&kab=3471&kec=347101&baris=desil"


@pytest.fixture(scope="module")
def replicas(fixture_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Two portal processes (replicas) on one register and one store, with accounts 'analis2' (analis) and
    'jogja2' (kabupaten 3471)."""
    work = tmp_path_factory.mktemp("sesi")
    env = portal_env(fixture_dir, work, {"analis2": ("analis", ""), "jogja2": ("kabupaten", "3471")})
    store_url = env["PORTAL_DB_URL"]
    with serve(REPO / "asgi.py", env, work / "one.log") as one, serve(REPO / "asgi.py", env, work / "two.log") as two:
        yield {"one": one, "two": two, "store": store_url}


def _audit(store_url: str) -> list:
    store = open_store(store_url)
    try:
        return store.audit_log()
    finally:
        store.close()


def _sign_in_here(page: object, user: str) -> None:
    page.get_by_label("Nama pengguna").fill(user)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_a_shared_link_opened_cold_comes_back_to_its_view_and_the_sign_in_survives(
    browser: object, replicas: dict
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(replicas["one"] + VIEW)
        page.get_by_text("Halaman ini khusus petugas").wait_for()
        page.get_by_text("Asal data").wait_for()  # the provenance footer, as on every page
        _sign_in_here(page, "analis2")
        page.get_by_role("link", name="Keluar (analis2)").wait_for()
        page.get_by_role("heading", name="Eksplorasi Data").wait_for()
        page.get_by_text("Desil 7").first.wait_for()  # the shared view: kecamatan 347101 grouped by desil
        assert "kec=347101" in page.url and "baris=desil" in page.url
        cookies = {c["name"]: c for c in context.cookies()}
        assert cookies[SESSION_COOKIE]["httpOnly"] and cookies[SESSION_COOKIE]["sameSite"] == "Lax"

        page.reload()
        page.get_by_role("link", name="Keluar (analis2)").wait_for()  # a reload keeps the sign-in
        second = context.new_page()
        second.set_default_timeout(30_000)
        second.goto(replicas["one"] + "/kualitas_data")
        second.get_by_role("link", name="Keluar (analis2)").wait_for()  # so does a new tab
        # Another replica knows the session too (its cookie is for the same host; only the port differs).
        third = context.new_page()
        third.set_default_timeout(30_000)
        third.goto(replicas["two"] + VIEW)
        third.get_by_role("link", name="Keluar (analis2)").wait_for()
        third.get_by_text("Desil 7").first.wait_for()

        page.get_by_role("link", name="Keluar (analis2)").click()
        page.get_by_role("link", name="Masuk petugas").wait_for()
        assert SESSION_COOKIE not in {c["name"] for c in context.cookies()}
        second.reload()
        second.get_by_text("Halaman ini khusus petugas").wait_for()  # ended in every tab
        assert second.get_by_role("link", name="Keluar (analis2)").count() == 0
    finally:
        context.close()
    actions = [(e.actor, e.action) for e in _audit(replicas["store"])]
    assert actions.count(("analis2", "masuk")) == 1  # one sign-in for the reloads, tabs and replicas
    assert ("analis2", "keluar") in actions


def test_a_page_outside_the_navigation_is_refused_and_audited(browser: object, replicas: dict) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(replicas["one"] + "/masuk")
        _sign_in_here(page, "analis2")
        page.get_by_role("link", name="Keluar (analis2)").wait_for()
        assert page.get_by_role("link", name="Antrean Sanggahan").count() == 0  # not in an analyst's menu
        page.goto(replicas["one"] + "/antrean_sanggahan")
        page.get_by_text("Anda tidak memiliki akses ke halaman ini.").wait_for()
        assert "Halaman tidak ditemukan" not in page.locator("body").inner_text()
    finally:
        context.close()
    refusals = [e for e in _audit(replicas["store"]) if e.action == "ditolak" and e.actor == "analis2"]
    assert [e.detail["halaman"] for e in refusals] == ["antrean_sanggahan"]


@pytest.fixture(scope="module")
def impatient(fixture_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A portal whose sessions go idle after 15 seconds (the check runs every 5)."""
    work = tmp_path_factory.mktemp("idle")
    env = portal_env(
        fixture_dir,
        work,
        {"jogja4": ("kabupaten", "3471")},
        PORTAL_STAFF_IDLE_SECONDS="15",
        PORTAL_PUBLIC_IDLE_SECONDS="15",
    )
    store_url = env["PORTAL_DB_URL"]
    with serve(REPO / "asgi.py", env, work / "idle.log") as url:
        yield {"url": url, "store": store_url}


def test_an_idle_screen_clears_personal_rows_without_a_click(browser: object, impatient: dict) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(impatient["url"] + "/cek_status")
        for label, option, then in (
            ("Provinsi", "Daerah Istimewa Yogyakarta", "Kabupaten/kota"),
            ("Kabupaten/kota", "Kota Yogyakarta", "Kecamatan"),
            ("Kecamatan", "Tegalrejo", "Desa/kelurahan"),
            ("Desa/kelurahan", "Kricak", "Nama (paling sedikit 3 huruf)"),
        ):
            box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
            box.click()
            page.keyboard.type(option)
            page.get_by_role("option", name=option, exact=True).click()
            page.get_by_text(then, exact=True).first.wait_for()
        page.get_by_label("Nama (paling sedikit 3 huruf)").fill("siti")
        page.get_by_role("button", name="Cari").click()
        result = page.get_by_text("S**I A****H").first
        result.wait_for()
        result.wait_for(state="detached")  # nobody touched the page: the masked rows went by themselves

        page.goto(impatient["url"] + "/masuk")
        _sign_in_here(page, "jogja4")
        page.get_by_role("link", name="Keluar (jogja4)").wait_for()
        page.get_by_role("link", name="Kualitas Data").click()
        page.get_by_role("heading", name="Kualitas Data").first.wait_for()
        page.get_by_role("link", name="Masuk petugas").wait_for()  # the idle session ended by itself
        assert page.get_by_role("link", name="Keluar (jogja4)").count() == 0
    finally:
        context.close()
    ended = [e for e in _audit(impatient["store"]) if e.action == "keluar" and e.actor == "jogja4"]
    assert [e.detail["alasan"] for e in ended] == ["idle"]
