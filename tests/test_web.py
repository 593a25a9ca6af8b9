"""The portal's HTTP side beside Streamlit: client addresses behind (trusted) proxies, security headers, the health
check, the session cookie's routes and the open data API, in process over the routes and middleware asgi.py
mounts."""

from __future__ import annotations

import csv
import io
import ipaddress
import os
import warnings
from collections.abc import Iterator

import pandas as pd
import pytest
from starlette.applications import Starlette

with warnings.catch_warnings():  # starlette suggests httpx2; httpx is what streamlit's dependencies bring
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from portal import data, db, public, web
from portal.store.sessions import SESSION_COOKIE
from portal.suppression import TOTAL
from portal.web.client import TrustedProxyError, client_address, parse_trusted
from portal.web.middleware import CLIENT_HEADER, resolve
from portal.web.routes import safe_next

PROXY = parse_trusted("127.0.0.1, 10.0.0.0/8")


# --- the client's address -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.9", [], (), "203.0.113.9"),
        # A header sent straight to the portal proves nothing, from loopback or anywhere.
        ("127.0.0.1", ["198.51.100.1"], (), "127.0.0.1"),
        ("203.0.113.9", ["198.51.100.1"], PROXY, "203.0.113.9"),
        # Behind the trusted proxy: the address the proxy saw, not what the client wrote to its left.
        ("127.0.0.1", ["6.6.6.6, 198.51.100.1"], PROXY, "198.51.100.1"),
        ("127.0.0.1", ["6.6.6.6", "198.51.100.1, 10.1.2.3"], PROXY, "198.51.100.1"),
        ("127.0.0.1", ["garbage, 198.51.100.1"], PROXY, "198.51.100.1"),
        ("127.0.0.1", ["198.51.100.1, garbage"], PROXY, "127.0.0.1"),
        ("127.0.0.1", [], PROXY, "127.0.0.1"),
        ("127.0.0.1", ["[2001:db8::7]:4711"], PROXY, "2001:db8::7"),
        ("::ffff:127.0.0.1", ["198.51.100.1:5000"], PROXY, "198.51.100.1"),
        (None, ["198.51.100.1"], PROXY, "tanpa-alamat"),
    ],
)
def test_client_address(peer: str | None, forwarded: list[str], trusted: tuple, expected: str) -> None:
    assert client_address(peer, forwarded, trusted) == expected


def test_trusted_proxies_are_checked() -> None:
    assert parse_trusted("") == ()
    assert parse_trusted(" 10.0.0.0/8 ;127.0.0.1 ") == (
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("127.0.0.1/32"),
    )
    with pytest.raises(TrustedProxyError, match="PORTAL_TRUSTED_PROXIES"):
        parse_trusted("localhost")
    with pytest.raises(TrustedProxyError, match="host bits set"):
        parse_trusted("10.0.0.1/8")  # a typo for 10.0.0.0/8 or 10.0.0.1/32: said, not guessed


def test_a_forged_portal_client_header_is_replaced() -> None:
    scope = {
        "type": "websocket",
        "client": ("203.0.113.9", 1234),
        "headers": [(CLIENT_HEADER, b"1.2.3.4"), (b"x-forwarded-for", b"5.6.7.8")],
    }
    resolved = resolve(scope, ())
    assert resolved["client"] == ("203.0.113.9", 1234)
    assert [v for k, v in resolved["headers"] if k == CLIENT_HEADER] == [b"203.0.113.9"]
    behind = resolve(
        {
            **scope,
            "client": ("127.0.0.1", 1),
            "headers": [(b"x-forwarded-for", b"5.6.7.8"), (b"x-forwarded-proto", b"https")],
        },
        PROXY,
    )
    assert behind["client"][0] == "5.6.7.8" and behind["scheme"] == "wss"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/eksplorasi?tingkat=kab&x=1", "/eksplorasi?tingkat=kab&x=1"),
        ("/", "/"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("eksplorasi", "/"),
        ("/a\nb", "/"),
        (None, "/"),
        ("/" + "a" * 3000, "/"),
    ],
)
def test_only_paths_on_this_site_are_followed(text: object, expected: str) -> None:
    assert safe_next(text) == expected


# --- the routes, in process ---------------------------------------------------------------------------------


@pytest.fixture
def client(portal_env: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("PORTAL_API_LIMIT", "1000/60")
    from tests.conftest import reset_portal_caches

    reset_portal_caches()
    app = Starlette(routes=web.portal_routes(), middleware=web.middleware())
    with TestClient(app, client=("203.0.113.9", 40000), follow_redirects=False) as test_client:
        yield test_client


def test_health_check_and_security_headers(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["generasi"] == data.served_manifest().generation
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in csp and "object-src 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_health_check_fails_without_a_register(client: TestClient, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import reset_portal_caches

    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path / "empty"))
    reset_portal_caches()
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "gagal"
    assert client.get("/api/v1/statistik").status_code == 503


def _expected(codes: list[str]):
    manifest = data.served_manifest()

    def fetch(tingkat: str, induk: str):
        return db.run_query("recipients_by_region", periode=manifest.latest, tingkat=tingkat, induk=induk)

    table, _ = public.statistics_path(fetch, codes)
    return table


@pytest.mark.parametrize("codes", [[], ["34"], ["34", "3471"]])
def test_statistics_are_the_published_table(client: TestClient, codes: list[str]) -> None:
    params = dict(zip(("provinsi", "kabupaten"), codes, strict=False))
    response = client.get("/api/v1/statistik", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    expected = _expected(codes)
    assert body["periode"] == data.served_manifest().latest and body["generasi"] == data.served_manifest().generation
    assert body["penekanan"]["ambang"] == expected.threshold and body["sumber"]
    assert [c["kode"] for c in body["induk"]] == codes
    assert len(body["baris"]) == len(expected.values)
    for row, (label, values) in zip(body["baris"], expected.values.iterrows(), strict=True):
        assert row["nama"] == (TOTAL if label == TOTAL else label.split(" · ", 1)[1])
        for column, value in values.items():
            assert row[column] == (None if pd.isna(value) else int(value))
    # Nothing personal can be in it: only region codes, names and counts.
    assert set(body["baris"][0]) == {"kode", "nama", *expected.values.columns}
    assert response.headers["cache-control"].startswith("public") and response.headers["etag"]


def test_statistics_hide_what_the_page_hides(client: TestClient) -> None:
    hidden = 0
    for codes in ([], ["34"], ["34", "3471"]):
        expected = _expected(codes)
        body = client.get("/api/v1/statistik", params=dict(zip(("provinsi", "kabupaten"), codes, strict=False))).json()
        nulls = sum(v is None for row in body["baris"] for k, v in row.items() if k not in ("kode", "nama"))
        assert nulls == int(expected.suppressed.to_numpy().sum())
        hidden += nulls
    assert hidden > 0  # the fixture has small cells, so the check above compared something


def test_statistics_as_csv_and_not_modified(client: TestClient) -> None:
    response = client.get("/api/v1/statistik", params={"provinsi": "34", "format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.headers["x-portal-periode"] == data.served_manifest().latest
    rows = list(csv.DictReader(io.StringIO(response.text)))
    json_rows = client.get("/api/v1/statistik", params={"provinsi": "34"}).json()["baris"]
    assert [r["nama"] for r in rows] == [r["nama"] for r in json_rows]
    assert all(
        (r[k] == "" and json_rows[i][k] is None) or r[k] == str(json_rows[i][k])
        for i, r in enumerate(rows)
        for k in ("PKH",)
    )
    again = client.get(
        "/api/v1/statistik",
        params={"provinsi": "34", "format": "csv"},
        headers={"if-none-match": response.headers["etag"]},
    )
    assert again.status_code == 304 and not again.content


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"provinsi": "3"}, 400),
        ({"provinsi": "34.71"}, 400),
        ({"kabupaten": "3471"}, 400),
        ({"provinsi": "34", "kabupaten": "3571"}, 400),
        ({"provinsi": "99"}, 404),
        ({"periode": "1999-01"}, 404),
        ({"periode": "'; drop table x"}, 404),
        ({"format": "xml"}, 400),
        ({"nik": "3471010101010001"}, 400),
    ],
)
def test_bad_questions_get_a_clear_answer(client: TestClient, params: dict, status: int) -> None:
    response = client.get("/api/v1/statistik", params=params)
    assert response.status_code == status
    assert response.json()["galat"] and response.headers["cache-control"] == "no-store"


def test_periods(client: TestClient) -> None:
    body = client.get("/api/v1/periode").json()
    manifest = data.served_manifest()
    assert body["periode_tersedia"] == list(manifest.periods) and body["generasi"] == manifest.generation


def test_the_api_limit_is_per_client_and_ignores_a_forged_header(portal_env: str, monkeypatch) -> None:
    from tests.conftest import reset_portal_caches

    monkeypatch.setenv("PORTAL_API_LIMIT", "3/600")
    reset_portal_caches()
    app = Starlette(routes=web.portal_routes(), middleware=web.middleware())
    with TestClient(app, client=("203.0.113.9", 1), follow_redirects=False) as one:
        answers = [
            one.get("/api/v1/periode", headers={"x-forwarded-for": f"198.51.100.{i}"}).status_code for i in range(5)
        ]
        assert answers == [200, 200, 200, 429, 429]
        refused = one.get("/api/v1/periode")
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    with TestClient(app, client=("203.0.113.10", 1)) as other:
        assert other.get("/api/v1/periode").status_code == 200  # another citizen has a budget of their own


def test_behind_a_trusted_proxy_two_citizens_are_two_addresses(portal_env: str, monkeypatch) -> None:
    from tests.conftest import reset_portal_caches

    monkeypatch.setenv("PORTAL_API_LIMIT", "2/600")
    monkeypatch.setenv("PORTAL_TRUSTED_PROXIES", "127.0.0.1")
    reset_portal_caches()
    app = Starlette(routes=web.portal_routes(), middleware=web.middleware())
    with TestClient(app, client=("127.0.0.1", 1)) as proxy:

        def ask(citizen: str) -> int:
            return proxy.get("/api/v1/periode", headers={"x-forwarded-for": citizen}).status_code

        assert [ask("198.51.100.1") for _ in range(3)] == [200, 200, 429]
        assert [ask("198.51.100.2") for _ in range(2)] == [200, 200]
        # What a citizen writes to the left of the proxy's entry does not buy a new budget.
        assert ask("1.1.1.1, 198.51.100.1") == 429


def test_the_hand_off_sets_an_httponly_cookie_once(client: TestClient) -> None:
    store = data.store()
    session_id, code = store.start_session("budi", "kabupaten", "3471", "lokal")
    response = client.get("/akun/sesi", params={"kode": code, "lanjut": "/eksplorasi?tingkat=kecamatan"})
    assert response.status_code == 303 and response.headers["location"] == "/eksplorasi?tingkat=kecamatan"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    value = cookie.split(";", 1)[0].split("=", 1)[1]
    assert store.session_by_cookie(value).id == session_id
    assert client.get("/akun/sesi", params={"kode": code}).status_code == 400  # used up
    _, code2 = store.start_session("budi", "kabupaten", "3471", "lokal")
    offsite = client.get("/akun/sesi", params={"kode": code2, "lanjut": "//evil.example/x"})
    assert offsite.headers["location"] == "/"


def test_sign_out_route_ends_the_session_and_drops_the_cookie(client: TestClient) -> None:
    store = data.store()
    session_id, code = store.start_session("budi", "kabupaten", "3471", "lokal")
    client.get("/akun/sesi", params={"kode": code})
    response = client.get("/akun/keluar")
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert "Max-Age=0" in response.headers["set-cookie"] or "expires=" in response.headers["set-cookie"].lower()
    assert not store.session_by_id(session_id).open
    assert any(e.action == "keluar" and e.actor == "budi" for e in store.audit_log())


# --- the real server --------------------------------------------------------------------------------------------


def test_the_served_portal_ignores_x_forwarded_for_from_loopback(fixture_dir, tmp_path) -> None:
    """`python -m portal run` as a new user starts it: uvicorn must not believe the header either (it would,
    from loopback, by default)."""
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    from tests.browser.conftest import REPO, free_port

    port = free_port()
    env = {
        **os.environ,
        "PORTAL_DATA_DIR": str(fixture_dir),
        "PORTAL_GEO_DIR": str(tmp_path / "no-geo"),
        "PORTAL_DB_URL": f"sqlite:///{tmp_path / 'store.db'}",
        "PORTAL_SECRET_KEY": "cd" * 32,
        "PORTAL_API_LIMIT": "3/600",
    }
    env.pop("FORWARDED_ALLOW_IPS", None)
    command = [sys.executable, "-m", "portal", "run", "--no-setup", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def status(path: str, forwarded: str | None = None) -> tuple[int, dict]:
        request = urllib.request.Request(url + path, headers={"X-Forwarded-For": forwarded} if forwarded else {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers)

    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            try:
                if status("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(0.3)  # polling the health check, not a blind wait
        answers = [status("/api/v1/periode", f"198.51.100.{i}")[0] for i in range(5)]
        assert answers == [200, 200, 200, 429, 429]
        page_status, headers = status("/")
        assert page_status == 200 and "frame-ancestors 'self'" in headers["content-security-policy"]
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.mark.parametrize("codes", [[], ["34"], ["34", "3471"]])
def test_desil_statistics_are_the_published_table(client: TestClient, codes: list[str]) -> None:
    manifest = data.served_manifest()

    def fetch(tingkat: str, induk: str):
        return db.run_query("desil_by_region", periode=manifest.latest, tingkat=tingkat, induk=induk)

    expected, _ = public.statistics_path(fetch, codes, public.desil_table)
    body = client.get("/api/v1/desil", params=dict(zip(("provinsi", "kabupaten"), codes, strict=False))).json()
    got = [[row[c] for c in expected.values.columns] for row in body["baris"]]
    want = [[None if pd.isna(v) else int(v) for v in row] for row in expected.values.to_numpy()]
    assert got == want and body["satuan"].startswith("keluarga aktif per desil")


def test_accountability_figures_are_served_without_any_ticket(client: TestClient) -> None:
    from portal import accountability
    from portal.store import Submission

    store = data.store()
    manifest = data.served_manifest()
    codes = []
    for n in range(3):
        ticket = store.submit(
            Submission(
                jenis="usul",
                kategori="layak tetapi belum terdaftar",
                kode_desa="3471011001",
                periode=manifest.latest,
                row_token=None,
                deskripsi=f"Keluarga rahasia nomor {n} layak dibantu.",
                kontak="0812-0000-0000",
                foto=None,
                foto_mime=None,
                persetujuan=True,
                idempotency_key=f"api-akuntabilitas-{n:04d}",
            )
        )
        codes.append(ticket.code)
    for params in ({}, {"provinsi": "34"}):
        response = client.get("/api/v1/akuntabilitas", params=params)
        assert response.status_code == 200, response.text
        text = response.text
        assert not any(code in text for code in codes) and "rahasia" not in text and "0812" not in text

        def rollup(tingkat: str, induk: str):
            return db.run_query("recipients_by_region", periode=manifest.latest, tingkat=tingkat, induk=induk)

        labels = [public.statistics_table(rollup("provinsi", "")).index]
        path = []
        if params:
            labels.append(public.statistics_table(rollup("kabupaten", "34")).index)
            path = [next(label for label in labels[0] if label.startswith("34 · "))]
        expected = accountability.figures(
            lambda prefix, length: store.outcome_counts(prefix, length, periode=manifest.latest),
            lambda tingkat, induk: db.run_query(
                "musdes_compliance_by_region", periode=manifest.latest, tingkat=tingkat, induk=induk
            ),
            labels,
            path,
        )
        rows = response.json()["baris"]
        assert [r["diterima"] for r in rows] == [None if pd.isna(v) else int(v) for v in expected["diterima"]]
    assert client.get("/api/v1/akuntabilitas", params={"provinsi": "34", "kabupaten": "3471"}).status_code == 400
