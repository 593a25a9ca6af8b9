"""Real-browser fixtures: a `streamlit run asgi.py` of the portal on a free loopback port, and Debian's chromium
driven by Playwright (never `playwright install`)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "tests" / "browser" / "artifacts"
USER_PASSWORD = "kata-sandi-yang-panjang-1"  # every local account of portal_env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)  # polling the health endpoint, not a blind wait
    raise TimeoutError(f"streamlit not healthy at {url} after {timeout} s")


@contextlib.contextmanager
def serve(app: Path, env: dict[str, str], log: Path, *extra: str, port: int | None = None) -> Iterator[str]:
    """`streamlit run app` on a loopback port (a free one unless given); yields its URL once /_stcore/health
    answers, stops it after. The portal's asgi.py runs as `python -m portal run` runs it: uvicorn believes no
    X-Forwarded-For (the portal resolves client addresses itself)."""
    port = port or free_port()
    env = {**env, "FORWARDED_ALLOW_IPS": "0.0.0.0/32"}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(app),
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",  # an app without our config file would otherwise call home
                *extra,
            ],
            cwd=app.parent,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def portal_env(fixture_dir: Path, work: Path, users: dict[str, tuple[str, str]], **settings: str) -> dict[str, str]:
    """The environment of a portal of its own: a copy of the fixture register under `work`, a fresh SQLite store
    with local accounts `users` (name → (role, region), password USER_PASSWORD), no boundaries, a fixed secret and
    any further PORTAL_* `settings`. The store's URL is env["PORTAL_DB_URL"]."""
    from portal.accounts import Accounts
    from portal.store import open_store

    data_dir = work / "data"
    shutil.copytree(fixture_dir / "register", data_dir / "register")
    store_url = f"sqlite:///{work / 'store.db'}"
    store = open_store(store_url)
    try:
        for name, (role, region) in users.items():
            Accounts(store).create_user(name, USER_PASSWORD, role, region)
    finally:
        store.close()
    return {
        **os.environ,
        "PORTAL_DATA_DIR": str(data_dir),
        "PORTAL_GEO_DIR": str(work / "no-geo"),
        "PORTAL_DB_URL": store_url,
        "PORTAL_SECRET_KEY": "cd" * 32,
        **settings,
    }


@pytest.fixture(scope="session")
def portal_url(fixture_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a running portal serving the fixture register."""
    from portal.maps.assets import ensure_map_assets

    ensure_map_assets(REPO)  # what `python -m portal setup` does before serving: Leaflet for offline maps
    store = tmp_path_factory.mktemp("store") / "portal.db"
    env = {
        **os.environ,
        "PORTAL_DATA_DIR": str(fixture_dir),
        "PORTAL_GEO_DIR": str(fixture_dir / "none"),
        "PORTAL_DB_URL": f"sqlite:///{store}",
    }
    with serve(REPO / "asgi.py", env, tmp_path_factory.mktemp("streamlit") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium under Playwright; the tests are skipped when it is not installed."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (scripts/test installs it with apt-get)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@contextlib.contextmanager
def _page(browser: object, request: pytest.FixtureRequest, **options: object) -> Iterator[object]:
    """A page in a new browser context; its dialogs are dismissed and recorded in `page.dialogs`, and a
    screenshot is kept when the test fails."""
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    try:
        yield page
    finally:
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        context.close()


@pytest.fixture
def phone(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    """A 360 px wide page."""
    with _page(browser, request, viewport={"width": 360, "height": 780}, device_scale_factor=2, is_mobile=True) as page:
        yield page


@pytest.fixture
def desktop(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    """A desktop-sized page that accepts downloads."""
    with _page(browser, request, viewport={"width": 1280, "height": 900}, accept_downloads=True) as page:
        yield page


def click_map(page: object, frame_element: object, lat: float, lng: float) -> None:
    """A real mouse click at (lat, lng) on the folium map drawn in `frame_element` (an st_folium iframe)."""
    handle = frame_element.element_handle().content_frame()
    if handle is None:  # a rerun replaced the iframe between finding it and clicking it
        raise MapReplaced("the map's iframe was replaced before the click")
    x, y = handle.evaluate(
        "([lat, lng]) => { const p = window.map.latLngToContainerPoint([lat, lng]);"
        " const r = window.map.getContainer().getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; }",
        [lat, lng],
    )
    origin = frame_element.bounding_box()
    page.mouse.click(origin["x"] + x, origin["y"] + y)


class MapReplaced(Exception):
    """The map iframe a test held was replaced by a Streamlit rerun."""


def click_map_until(
    page: object,
    find_map: Callable[[], object],
    lat: float,
    lng: float,
    reached: Callable[[], bool],
    attempts: int = 4,
) -> None:
    """Click (lat, lng) on the map `find_map` returns until `reached()` says the page answered the click.

    A rerun can replace the map's iframe between finding it and clicking it (seen under load in full runs), and a
    click on a map still being fitted can miss; both are retried on a freshly found map. A click that did land is
    never repeated: `reached()` is asked before each attempt and polled for 10 s after it."""
    from playwright.sync_api import Error as PlaywrightError

    for _ in range(attempts):
        if reached():
            return
        with contextlib.suppress(MapReplaced, PlaywrightError):
            click_map(page, find_map(), lat, lng)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if reached():
                return
            page.wait_for_timeout(200)  # polling for the rerun the click started, not a blind wait
    raise AssertionError(f"the map did not answer a click at ({lat:.4f}, {lng:.4f}) in {attempts} attempts")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
