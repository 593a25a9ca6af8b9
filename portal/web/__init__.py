"""The portal as an ASGI app (`st.App`): Streamlit's pages plus the health check, the session cookie's routes and
the open data API, behind middleware that resolves the client's address, adds security headers and serves the page
shell in Bahasa Indonesia.

`asgi.py` at the repository root builds it as `st.App(..., routes=portal_routes(), middleware=middleware())` (written
out there, so that `streamlit run asgi.py` recognises it); `python -m portal run` serves it with uvicorn's own
proxy-header handling off (the address is resolved here, against PORTAL_TRUSTED_PROXIES)."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.routing import Route

from portal.config import get_settings
from portal.web.client import UVICORN_TRUSTS_NOBODY, parse_trusted
from portal.web.localize import Localize
from portal.web.middleware import ClientAddress, SecurityHeaders

__all__ = ["UVICORN_TRUSTS_NOBODY", "middleware", "navigation_only", "portal_routes"]


def navigation_only() -> None:
    """Make app.py's `st.navigation` the only way into a page, from the first request of the process on.

    Streamlit treats a `pages/` folder beside the main script as old-style pages until some session has called
    `st.navigation`: the first visitor to a fresh replica who opens a deep link (a shared Eksplorasi view) would
    run pages/<name>.py alone, without app.py's navigation, sign-in and refusals. This settles it up front."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def portal_routes() -> list[Route]:
    """The portal's HTTP routes beside Streamlit's (imported here, not with the package: `python -m portal run`
    reads `portal.web.client` without loading the pages' data layer)."""
    from portal.web import api
    from portal.web import routes as web_routes

    return [
        Route("/healthz", web_routes.healthz, methods=["GET", "HEAD"]),
        Route("/akun/sesi", web_routes.session_handoff, methods=["GET"]),
        Route("/akun/keluar", web_routes.sign_out, methods=["GET", "POST"]),
        Route("/api/v1/periode", api.periods, methods=["GET", "HEAD"]),
        *(Route(f"/api/v1/{kind}", api.table_endpoint(kind), methods=["GET", "HEAD"]) for kind in api.KINDS),
    ]


def middleware() -> list[Middleware]:
    """Security headers on every response; every page shell in Bahasa Indonesia (portal.web.localize); the
    client's address resolved against PORTAL_TRUSTED_PROXIES."""
    trusted = parse_trusted(get_settings().trusted_proxies)
    return [Middleware(SecurityHeaders), Middleware(Localize), Middleware(ClientAddress, trusted=trusted)]
