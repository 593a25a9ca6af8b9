"""Who is asking: the client's address, taken from `X-Forwarded-For` only when the direct peer is a trusted proxy.

uvicorn would otherwise believe the header from any loopback peer, so one script on the same host could pose as
any number of citizens, and behind a proxy every citizen would share the proxy's address. The portal turns
uvicorn's own handling off (`FORWARDED_ALLOW_IPS` set to trust nobody, by `python -m portal run`) and resolves the
address here, against `PORTAL_TRUSTED_PROXIES`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# uvicorn reads this when it starts; "0.0.0.0/32" can never be a peer, so it trusts no proxy header at all.
UVICORN_TRUSTS_NOBODY = "0.0.0.0/32"


class TrustedProxyError(ValueError):
    """A PORTAL_TRUSTED_PROXIES entry that is not an address or a network."""


def parse_trusted(text: str) -> tuple[Network, ...]:
    """'10.0.0.0/8, 127.0.0.1' → networks; empty text trusts no proxy."""
    networks = []
    for item in str(text or "").replace(";", ",").split(","):
        item = item.strip()
        if not item:
            continue
        try:
            # strict: '10.0.0.1/8' is refused rather than silently widened to 10.0.0.0/8
            networks.append(ipaddress.ip_network(item, strict=True))
        except ValueError as exc:
            raise TrustedProxyError(
                f"PORTAL_TRUSTED_PROXIES: {item!r} is not an IP address or network ({exc}); write e.g. 127.0.0.1 "
                "or 10.0.0.0/8"
            ) from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.9:5000
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, trusted: Iterable[Network]) -> bool:
    return any(address.version == net.version and address in net for net in trusted)


def client_address(peer: str | None, forwarded_for: Iterable[str], trusted: tuple[Network, ...]) -> str:
    """The address to hold a request to account for.

    The direct peer, unless it is a trusted proxy: then the right-most `X-Forwarded-For` entry that is not itself a
    trusted proxy (entries to its left were written by the client and prove nothing). A garbled entry stops the
    walk at the last trustworthy hop, so garbage can never choose the address."""
    peer_address = _address(peer or "")
    if peer_address is None:
        return peer or "tanpa-alamat"
    if not trusted or not _trusted(peer_address, trusted):
        return str(peer_address)
    hops = [hop for header in forwarded_for for hop in header.split(",")]
    current = peer_address
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break
        current = address
        if not _trusted(address, trusted):
            break
    return str(current)
