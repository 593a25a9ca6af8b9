"""The page shell in Bahasa Indonesia (portal.web.localize): Streamlit's index.html rewritten to lang="id" with the
portal's script and style sheet first, gzip and HEAD kept right, everything else untouched; and the script's
dictionary is portal.words.STREAMLIT."""

from __future__ import annotations

import gzip
import json
import re
import warnings
from pathlib import Path

import pytest
import streamlit
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

with warnings.catch_warnings():  # starlette suggests httpx2; httpx is what streamlit's dependencies bring
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from portal import words
from portal.web import localize
from portal.web.middleware import SecurityHeaders

SHELL = (Path(streamlit.__file__).parent / "static" / "index.html").read_bytes()


def shell(request: Request) -> Response:
    """Streamlit's own index.html, gzipped when the client accepts it, as Streamlit serves it (304 when the
    client's copy has its etag)."""
    headers = {"etag": '"streamlit-etag"', "last-modified": "Thu, 03 Dec 2026 20:46:26 GMT"}
    if request.headers.get("if-none-match") == '"streamlit-etag"':
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(gzip.compress(SHELL), media_type="text/html", headers={**headers, "content-encoding": "gzip"})
    return Response(SHELL, media_type="text/html", headers=headers)


def other_html(request: Request) -> Response:
    return Response(b"<p>fragment without a page</p>", media_type="text/html")


def json_route(request: Request) -> Response:
    return JSONResponse({"lang": "en", "html": '<html lang="en"><head></head></html>'})


def text_route(request: Request) -> Response:
    return Response('<html lang="en"><head></head></html>', media_type="text/plain")


@pytest.fixture
def client() -> TestClient:
    inner = Starlette(
        routes=[
            Route("/", shell, methods=["GET", "HEAD"]),
            Route("/cek_status", shell, methods=["GET", "HEAD"]),
            Route("/fragment", other_html),
            Route("/api/v1/periode", json_route),
            Route("/teks", text_route),
        ]
    )
    return TestClient(SecurityHeaders(localize.Localize(inner)))


def _lang(html: str) -> str:
    return re.search(r"<html[^>]*\blang=\"([^\"]*)\"", html).group(1)


@pytest.mark.parametrize("path", ["/", "/cek_status"])
@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_the_shell_declares_indonesian_and_loads_the_portal_script_once(
    client: TestClient, path: str, encoding: str
) -> None:
    response = client.get(path, headers={"accept-encoding": encoding})
    assert response.status_code == 200
    assert response.headers.get("content-encoding", "identity") == encoding
    raw = response.read() if encoding == "identity" else gzip.compress(response.content)  # httpx unpacks gzip
    html = response.text
    assert _lang(html) == "id"
    assert html.count('lang="en"') == 0
    assert html.count("/_portal/bahasa.js") == 1
    assert html.count("/_portal/tampilan.css") == 1
    # The script comes before Streamlit's bundle, so the languages are pinned before Streamlit reads them.
    assert html.index("/_portal/bahasa.js") < html.index('type="module"')
    assert "<title>Portal DTKS</title>" in html
    assert SHELL.decode().split("<body>")[1] == html.split("<body>")[1]  # the body is Streamlit's, untouched
    if encoding == "identity":
        assert int(response.headers["content-length"]) == len(raw)
    # Validators of Streamlit's body do not describe the rewritten one.
    assert "etag" not in response.headers
    assert "content-security-policy" in response.headers


def test_gzip_length_is_the_packed_length(client: TestClient) -> None:
    with client.stream("GET", "/", headers={"accept-encoding": "gzip"}) as response:
        packed = b"".join(response.iter_raw())
    assert response.headers["content-encoding"] == "gzip"
    assert int(response.headers["content-length"]) == len(packed)
    html = gzip.decompress(packed).decode()
    assert _lang(html) == "id" and html.count("/_portal/bahasa.js") == 1


def test_head_is_asked_uncompressed_and_claims_no_stale_length(client: TestClient) -> None:
    response = client.head("/cek_status", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.content == b""
    assert "content-encoding" not in response.headers
    assert "content-length" not in response.headers or int(response.headers["content-length"]) == len(
        client.get("/cek_status", headers={"accept-encoding": "identity"}).content
    )


def test_a_page_kept_from_before_is_not_revalidated(client: TestClient) -> None:
    """A browser holding the shell from before the portal rewrote it (with Streamlit's etag) gets the rewritten
    shell, not a 304 that would keep the English one."""
    page = client.get("/", headers={"if-none-match": '"streamlit-etag"', "accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 200
    assert _lang(page.text) == "id"
    other = client.get("/", headers={"if-none-match": '"streamlit-etag"', "accept": "*/*"})
    assert other.status_code == 304  # (only page requests are changed)


def test_rewriting_twice_injects_once() -> None:
    once = localize.rewrite(SHELL)
    assert once is not None
    assert localize.rewrite(once) is None


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/fragment", b"<p>fragment without a page</p>"),
        ("/teks", b'<html lang="en"><head></head></html>'),
    ],
)
def test_anything_but_a_page_shell_is_untouched(client: TestClient, path: str, body: bytes) -> None:
    response = client.get(path)
    assert response.content == body
    assert int(response.headers["content-length"]) == len(body)


def test_the_api_is_untouched(client: TestClient) -> None:
    response = client.get("/api/v1/periode")
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"lang": "en", "html": '<html lang="en"><head></head></html>'}


def test_assets_are_served_with_their_types(client: TestClient) -> None:
    script = client.get("/_portal/bahasa.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert int(script.headers["content-length"]) == len(script.content)
    style = client.get("/_portal/tampilan.css")
    assert style.headers["content-type"].startswith("text/css")
    assert "min-height: 44px" in style.text
    assert client.head("/_portal/bahasa.js").content == b""
    # Under a page's address too (the tags are relative, like Streamlit's own assets).
    assert client.get("/dtks/_portal/bahasa.js").content == script.content


def test_the_script_carries_portal_words_dictionary(client: TestClient) -> None:
    script = client.get("/_portal/bahasa.js").text
    assert "__WORDS__" not in script and "__PATTERNS__" not in script
    dictionary = json.loads(re.search(r"var WORDS = (\{.*?\});\n", script).group(1))
    assert dictionary == words.STREAMLIT
    patterns = json.loads(re.search(r"var PATTERNS = (\[.*?\])\.map", script, re.DOTALL).group(1))
    assert [tuple(p) for p in patterns] == list(words.STREAMLIT_PATTERNS)


def test_streamlit_words_are_indonesian() -> None:
    assert words.STREAMLIT["Upload"] == "Pilih berkas"
    assert words.STREAMLIT["Page not found"] == "Halaman tidak ditemukan"
    for english, indonesian in words.STREAMLIT.items():
        assert indonesian.strip(), english
    # The uploader's limit ("5MB per file") as built by Streamlit, turned by the first pattern.
    pattern, replacement = words.STREAMLIT_PATTERNS[0]
    assert re.sub(pattern, replacement.replace("$1", r"\1"), "5MB per file") == "5MB per berkas"
    assert re.sub(pattern, replacement.replace("$1", r"\1"), "1.0GB per file") == "1.0GB per berkas"


def test_the_portal_mounts_it() -> None:
    from portal import web

    kinds = [m.cls for m in web.middleware()]
    assert localize.Localize in kinds
    assert kinds.index(SecurityHeaders) < kinds.index(localize.Localize)  # assets get the headers too


def test_the_strings_still_exist_in_this_streamlit() -> None:
    """The English the portal replaces is what this Streamlit's frontend says; after an upgrade that rewords it,
    this fails instead of the English silently coming back."""
    bundle = "".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in (Path(streamlit.__file__).parent / "static" / "static" / "js").glob("*.js")
    )
    for english in (
        "Upload",
        " per file",
        "Page not found",
        "You have requested page /",
        "Running the app's main page",
        "Connection error",
        "Streamlit server is not responding. Are you connected to the internet?",
        "Expand sidebar",
        "Collapse sidebar",
        "Main menu",
        "Download as CSV",
        "Search",
        "Fullscreen",
        "Choose an option",
        "No results",
        "Show password",
        "Running...",
    ):
        assert english in bundle, english
        assert english.strip() in words.STREAMLIT or any(english.strip() in p for p, _ in words.STREAMLIT_PATTERNS)
