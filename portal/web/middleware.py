"""ASGI middleware in front of Streamlit: who the client is (behind a trusted proxy or not) and the security
headers on every HTTP response."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from portal.web.client import Network, client_address

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# The header the portal sets for its own pages (`portal.ui.client_address` reads it); one sent by a client is
# dropped first, so it can never be forged.
CLIENT_HEADER = b"x-portal-client"

# Streamlit's page needs its one inline script and eval (Plotly, Vega); components and maps render in same-origin
# frames, so only the portal itself may frame a page (clickjacking); nothing loads from another origin but map tiles.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self' blob: data:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    )
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"permissions-policy", b"camera=(self), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class ClientAddress:
    """Resolve the client's address once per connection (HTTP and websocket): `scope["client"]` and the
    `X-Portal-Client` header carry it; with a trusted proxy in front, also the scheme it was reached by."""

    def __init__(self, app: ASGIApp, trusted: tuple[Network, ...] = ()) -> None:
        self.app = app
        self.trusted = trusted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = resolve(scope, self.trusted)
        await self.app(scope, receive, send)


def resolve(scope: Scope, trusted: tuple[Network, ...]) -> Scope:
    """A copy of an ASGI scope with the client address (and, from a trusted proxy, the scheme) resolved."""
    headers = [(k, v) for k, v in scope.get("headers", []) if k != CLIENT_HEADER]
    peer = scope.get("client")
    forwarded = [v.decode("latin-1") for k, v in headers if k == b"x-forwarded-for"]
    address = client_address(peer[0] if peer else None, forwarded, trusted)
    resolved = dict(scope)
    resolved["headers"] = [*headers, (CLIENT_HEADER, address.encode("latin-1"))]
    resolved["client"] = (address, peer[1] if peer else 0)
    if address != (peer[0] if peer else None) and trusted:
        proto = next((v.decode("latin-1").strip().lower() for k, v in headers if k == b"x-forwarded-proto"), "")
        if proto in ("http", "https"):
            ws = scope["type"] == "websocket"
            resolved["scheme"] = {"http": "ws", "https": "wss"}[proto] if ws else proto
    return resolved


class SecurityHeaders:
    """Add the security headers to every HTTP response that does not set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)
