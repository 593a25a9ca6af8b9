"""The deployment of deploy/README.md on loopback (`scripts/cluster`): two replicas behind HAProxy, one PostgreSQL
store, one register. Citizens submit objections through the balancer while the replica serving them is killed
with SIGKILL; every acknowledged ticket is in the store afterwards. An official's sign-in survives the failover."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from portal.accounts import Accounts
from portal.store import open_store
from tests.browser.conftest import REPO, free_port
from tests.test_store import fresh_url

pytestmark = pytest.mark.browser
PASSWORD = "kata-sandi-klaster-yang-panjang"
CLUSTER = REPO / "scripts" / "cluster"


def _cluster(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        ["bash", str(CLUSTER), *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout.strip()


@pytest.fixture(scope="module")
def cluster(fixture_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    if not shutil.which("haproxy"):
        if os.environ.get("CI") == "true":
            pytest.fail("haproxy is not installed (scripts/test installs it)")
        pytest.skip("haproxy is not installed")
    work = tmp_path_factory.mktemp("cluster")
    with fresh_url("postgresql", work) as store_url:
        data_dir = work / "data"
        shutil.copytree(fixture_dir / "register", data_dir / "register")
        store = open_store(store_url)
        Accounts(store).create_user("jogja3", PASSWORD, "kabupaten", "3471")
        store.close()
        port = free_port()
        while any(_busy(port + k) for k in (1, 2)):
            port = free_port()
        env = {
            **os.environ,
            "PORTAL_DATA_DIR": str(data_dir),
            "PORTAL_GEO_DIR": str(work / "no-geo"),
            "PORTAL_DB_URL": store_url,
            "PORTAL_SECRET_KEY": "9a" * 32,
            "PORTAL_REPLICAS": "2",
            "PORTAL_CLUSTER_PORT": str(port),
            "PORTAL_CLUSTER_DIR": str(work / "state"),
            "PORTAL_CLUSTER_SETUP": "0",
        }
        url = _cluster(env, "start")
        try:
            yield {"url": url, "env": env, "store": store_url}
        finally:
            _cluster(env, "stop")


def _busy(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _choose(page: object, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()


def _open_form(page: object, url: str) -> None:
    page.goto(f"{url}/ajukan")
    page.get_by_role("heading", name="Ajukan Sanggahan / Usul").wait_for()
    _choose(page, "Provinsi", "Daerah Istimewa Yogyakarta")
    _choose(page, "Kabupaten/kota", "Kota Yogyakarta")
    _choose(page, "Kecamatan", "Tegalrejo")
    _choose(page, "Desa/kelurahan", "Kricak")
    page.get_by_label("Uraian (wajib, paling banyak 2.000 karakter)").wait_for()


def _fill(page: object, n: int) -> None:
    page.get_by_label("Uraian (wajib, paling banyak 2.000 karakter)").fill(
        f"Usulan uji klaster nomor {n}: layak dibantu."
    )
    page.get_by_text("Saya menyatakan keterangan ini benar").click()


def _ticket(page: object, timeout: float = 60_000) -> str | None:
    code = page.locator('[data-testid="stCode"]').first
    try:
        code.wait_for(timeout=timeout)
    except Exception:
        return None
    text = code.inner_text().strip()
    return text if re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", text) else None


def _replica(context: object) -> str:
    return {c["name"]: c["value"] for c in context.cookies()}["PORTAL_REPLIKA"]


def test_no_acknowledged_objection_is_lost_when_a_replica_is_killed(browser: object, cluster: dict) -> None:
    url, env = cluster["url"], cluster["env"]
    acknowledged: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        for n in range(2):
            _open_form(page, url)
            _fill(page, n)
            page.get_by_role("button", name="Kirim").click()
            ticket = _ticket(page)
            assert ticket is not None
            acknowledged.append(ticket)
        serving = _replica(context)
        # A third objection: the replica serving it is killed the moment it is sent. If the page still showed a
        # ticket, that ticket counts as acknowledged like any other.
        _open_form(page, url)
        _fill(page, 2)
        page.get_by_role("button", name="Kirim").click()
        _cluster(env, "kill", serving.removeprefix("r"))
        killed_at = time.monotonic()
        if (ticket := _ticket(page, timeout=3_000)) is not None:
            acknowledged.append(ticket)
        # The citizen reloads: the balancer sends them to the surviving replica, and they carry on.
        for n in range(3, 5):
            try:
                _open_form(page, url)
            except PlaywrightError:  # the page met the dying replica's last moments: reload, as a citizen would
                _open_form(page, url)
            if n == 3:
                failover = time.monotonic() - killed_at
            _fill(page, n)
            page.get_by_role("button", name="Kirim").click()
            ticket = _ticket(page)
            assert ticket is not None
            acknowledged.append(ticket)
        assert _replica(context) != serving
        print(f"failover: the form was usable again {failover:.1f} s after SIGKILL")
    finally:
        context.close()
        _cluster(env, "revive", serving.removeprefix("r"))
    store = open_store(cluster["store"])
    try:
        missing = [code for code in acknowledged if store.get_ticket(code.replace("-", "")) is None]
    finally:
        store.close()
    assert len(acknowledged) >= 4 and missing == []


def test_a_sign_in_survives_the_failover_of_its_replica(browser: object, cluster: dict) -> None:
    url, env = cluster["url"], cluster["env"]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    serving = None
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{url}/masuk")
        page.get_by_label("Nama pengguna").fill("jogja3")
        page.get_by_label("Kata sandi").fill(PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.get_by_role("link", name="Keluar (jogja3)").wait_for()
        serving = _replica(context)
        _cluster(env, "kill", serving.removeprefix("r"))
        for attempt in range(2):
            page.goto(f"{url}/kualitas_data")
            try:  # the other replica knows the session
                page.get_by_role("link", name="Keluar (jogja3)").wait_for(timeout=30_000)
                break
            except PlaywrightError:  # the page met the dying replica's last moments: reload, as an official would
                if attempt:
                    raise
        assert _replica(context) != serving
    finally:
        context.close()
        if serving is not None:
            _cluster(env, "revive", serving.removeprefix("r"))
