"""HTTP routes beside Streamlit: the health check and the two steps of a staff session's cookie.

`/akun/sesi?kode=…&lanjut=/path` swaps the single-use hand-off code of a fresh sign-in for an HttpOnly cookie and
sends the browser on to `lanjut` (a path on this site only), so a shared link opened cold comes back to its exact
view. `/akun/keluar` ends the session the cookie names (if any) and deletes the cookie.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from portal import access, data
from portal.db import current_register
from portal.store.sessions import SESSION_COOKIE

MAX_NEXT = 2000
_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")


def safe_next(text: object, default: str = "/") -> str:
    """A path on this site to go on to after sign-in: '/…' only, never another site ('//host', 'https:…')."""
    if not isinstance(text, str) or not text.startswith("/") or text.startswith("//") or len(text) > MAX_NEXT:
        return default
    if _CONTROL.search(text):
        return default
    parts = urlsplit(text)
    if parts.scheme or parts.netloc:
        return default
    return text


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _page(title: str, body: str, status: int) -> HTMLResponse:
    text = (
        '<!doctype html><html lang="id"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)} · Portal DTKS</title></head>"
        '<body style="font-family: sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">'
        f"<h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return HTMLResponse(text, status_code=status, headers={"cache-control": "no-store"})


async def healthz(request: Request) -> Response:
    """200 when the register and the store answer, else 503 (the load balancer takes the replica out)."""

    def check() -> dict[str, object]:
        generation = current_register().manifest.generation
        version = data.store().schema_version()
        return {"status": "ok", "generasi": generation, "skema_store": version}

    try:
        body = await run_in_threadpool(check)
    except Exception as exc:  # any failure means: do not send citizens here
        return JSONResponse(
            {"status": "gagal", "sebab": type(exc).__name__}, status_code=503, headers={"cache-control": "no-store"}
        )
    return JSONResponse(body, headers={"cache-control": "no-store"})


async def session_handoff(request: Request) -> Response:
    """Set the session cookie for a fresh sign-in and go on to where the official was heading."""
    code = request.query_params.get("kode", "")
    target = safe_next(request.query_params.get("lanjut"))
    claimed = await run_in_threadpool(data.store().claim_handoff, code)
    if claimed is None:
        body = (
            "<p>Tautan masuk ini sudah dipakai atau kedaluwarsa. Silakan masuk kembali.</p>"
            f'<p><a href="/masuk?lanjut={html.escape(target, quote=True)}">Masuk petugas</a></p>'
        )
        return _page("Tautan masuk tidak berlaku", body, 400)
    _, cookie = claimed
    response = RedirectResponse(target, status_code=303, headers={"cache-control": "no-store"})
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=int(access.SessionPolicy().absolute_seconds),
        path="/",
        secure=_secure(request),
        httponly=True,
        samesite="lax",
    )
    return response


async def sign_out(request: Request) -> Response:
    """End the session the cookie names (everywhere), delete the cookie, and go to the home page."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:

        def end() -> None:
            store = data.store()
            session = store.session_by_cookie(cookie)
            if session is not None and session.open and store.end_session(session.id, "keluar"):
                store.audit(session.username, "keluar", session.region, {"alasan": "keluar", "jalur": "/akun/keluar"})

        await run_in_threadpool(end)
    response = RedirectResponse("/", status_code=303, headers={"cache-control": "no-store"})
    response.delete_cookie(SESSION_COOKIE, path="/", secure=_secure(request), httponly=True, samesite="lax")
    return response
