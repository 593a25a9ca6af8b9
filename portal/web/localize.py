"""The page shell in Bahasa Indonesia: ASGI middleware that rewrites Streamlit's index.html (served at `/` and at
every page's address) to declare `lang="id"` and to load the portal's own script and style sheet first, and that
serves those two files.

The script (assets/bahasa.js) pins the browser's languages to id-ID, so Streamlit's `format="localized"` numbers
read 6.510 and 10,69 for every visitor, and replaces Streamlit's built-in English with the words of
`portal.words.STREAMLIT` (filled in here, so the dictionary lives only in portal/words.py). The style sheet
(assets/tampilan.css) gives phones 44 px tap targets and a "Menu" button.

Streamlit gzips the shell when the browser accepts it: the body is unpacked, rewritten and packed again, and its
Content-Length and validators set for the new body. A HEAD request is asked of Streamlit without compression and
answered without a length (it has no body to rewrite). A page request (Accept: text/html) goes to Streamlit
without conditional headers, so a copy of the shell a browser kept from before is never confirmed by a 304."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from functools import cache
from pathlib import Path

from portal import words
from portal.web.middleware import ASGIApp, Message, Receive, Scope, Send

ASSETS = Path(__file__).with_name("assets")
PREFIX = "/_portal/"
SCRIPT = "bahasa.js"
STYLE = "tampilan.css"
# Relative, like Streamlit's own assets in the same page, so they resolve at every page's address.
TAGS = f'<script src=".{PREFIX}{SCRIPT}"></script><link rel="stylesheet" href=".{PREFIX}{STYLE}" />'
TITLE = "Portal DTKS"  # until app.py's page config names the page
MARKER = f"{PREFIX}{SCRIPT}".encode()
_HTML_OPEN = re.compile(rb"<html(\s[^>]*)?>", re.IGNORECASE)
_LANG = re.compile(rb"""\slang\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)
_HEAD_OPEN = re.compile(rb"<head(\s[^>]*)?>", re.IGNORECASE)
# Headers that describe the body Streamlit sent and no longer fit the rewritten one.
_STALE = {b"content-length", b"etag", b"last-modified", b"accept-ranges"}


@cache
def asset(name: str) -> bytes:
    """The bytes of asset `name`: bahasa.js with portal.words' dictionary filled in, tampilan.css as it is."""
    text = (ASSETS / name).read_text(encoding="utf-8")
    if name == SCRIPT:
        text = text.replace("__WORDS__", json.dumps(words.STREAMLIT, ensure_ascii=False, sort_keys=True))
        text = text.replace("__PATTERNS__", json.dumps([list(p) for p in words.STREAMLIT_PATTERNS], ensure_ascii=False))
    return text.encode("utf-8")


def rewrite(html: bytes) -> bytes | None:
    """`html` declaring lang="id", with the portal's script and style first in <head>; None when it is not a page
    shell (no <html> and <head>) or already carries them."""
    if MARKER in html:
        return None
    opening = _HTML_OPEN.search(html)
    if opening is None or _HEAD_OPEN.search(html, opening.end()) is None:
        return None
    attrs = opening.group(1) or b""
    attrs = _LANG.sub(b"", attrs)
    html = html[: opening.start()] + b'<html lang="id"' + attrs + b">" + html[opening.end() :]
    head = _HEAD_OPEN.search(html, opening.start())
    html = html[: head.end()] + TAGS.encode() + html[head.end() :]
    return html.replace(b"<title>Streamlit</title>", f"<title>{TITLE}</title>".encode(), 1)


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes:
    return next((v for k, v in headers if k.lower() == name), b"")


class Localize:
    """Serve the portal's script and style sheet under /_portal/ and rewrite every HTML page shell to use them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope.get("method", "GET")
        path = scope.get("path", "")
        name = path.rsplit("/", 1)[-1]
        if path.endswith(PREFIX + name) and name in (SCRIPT, STYLE) and method in ("GET", "HEAD"):
            await self._serve_asset(name, method, send)
            return
        headers = scope.get("headers", [])
        drop = set()
        if method == "HEAD":
            drop.add(b"accept-encoding")
        if b"text/html" in _header(headers, b"accept"):
            # A page request: Streamlit must answer with the shell itself (rewritten here), never "304 Not
            # Modified" against a copy the browser kept from before the portal rewrote it.
            drop |= {b"if-none-match", b"if-modified-since"}
        if drop:
            scope = {**scope, "headers": [(k, v) for k, v in headers if k.lower() not in drop]}
        await self.app(scope, receive, _Rewriter(send, head=method == "HEAD"))

    async def _serve_asset(self, name: str, method: str, send: Send) -> None:
        body = asset(name)
        kind = b"text/javascript; charset=utf-8" if name == SCRIPT else b"text/css; charset=utf-8"
        etag = b'"' + hashlib.sha256(body).hexdigest()[:32].encode() + b'"'
        headers = [
            (b"content-type", kind),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-cache"),
            (b"etag", etag),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})


class _Rewriter:
    """The `send` of one response: HTML bodies are held until complete, rewritten and sent in one piece; anything
    else passes through untouched."""

    def __init__(self, send: Send, *, head: bool) -> None:
        self.send = send
        self.head = head
        self.start: Message | None = None
        self.chunks: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            html = _header(headers, b"content-type").split(b";")[0].strip().lower() == b"text/html"
            encoding = _header(headers, b"content-encoding").strip().lower()
            if message.get("status") == 200 and html and encoding in (b"", b"gzip", b"identity"):
                if self.head:
                    headers = [(k, v) for k, v in headers if k.lower() not in _STALE]
                    await self.send({**message, "headers": headers})
                    return
                self.start = message
                return
            await self.send(message)
            return
        if message["type"] != "http.response.body" or self.start is None:
            await self.send(message)
            return
        self.chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        await self._flush()

    async def _flush(self) -> None:
        start, self.start = self.start, None
        body = b"".join(self.chunks)
        headers = list(start.get("headers", []))
        packed = _header(headers, b"content-encoding").strip().lower() == b"gzip"
        try:
            html = gzip.decompress(body) if packed else body
        except (OSError, EOFError):
            html = None
        changed = rewrite(html) if html is not None else None
        if changed is not None:
            body = gzip.compress(changed, mtime=0) if packed else changed
            headers = [(k, v) for k, v in headers if k.lower() not in _STALE]
            headers.append((b"content-length", str(len(body)).encode()))
        await self.send({**start, "headers": headers})
        await self.send({"type": "http.response.body", "body": body})
