"""Throttling of public look-ups: limits written "N/seconds", counted per key in a sliding window in the store
(`StoreThrottle`), so every replica of the portal shares the counts."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Callable
from typing import Protocol

_LIMIT_RE = re.compile(r"\s*(\d+)\s*/\s*(\d+(?:\.\d*)?|\.\d+)\s*")


def parse_limit(text: str) -> tuple[int, float]:
    """Parse a rate limit "COUNT/SECONDS" ("20/600": 20 requests per 10 minutes)."""
    m = _LIMIT_RE.fullmatch(str(text))
    if not m:
        raise ValueError(f"invalid rate limit {text!r}: expected COUNT/SECONDS, e.g. '20/600'")
    limit, window = int(m.group(1)), float(m.group(2))
    if limit < 1 or window <= 0:
        raise ValueError(f"invalid rate limit {text!r}: count must be ≥ 1 and seconds > 0")
    return limit, window


class HitCounter(Protocol):
    def hit_throttle(self, key_hash: str, limit: int, window: float, now: float) -> float: ...


class StoreThrottle:
    """A sliding-window limit counted in the store, so every replica sees the same counts. Keys (session ids,
    client addresses) are hashed with the portal's secret first, so the store never holds an address in clear."""

    def __init__(
        self,
        counter: HitCounter,
        secret: bytes,
        limit: int,
        window_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if limit < 1 or window_seconds <= 0:
            raise ValueError("limit and window_seconds must be positive")
        self.limit, self.window = int(limit), float(window_seconds)
        self._counter, self._secret, self._clock = counter, secret, clock

    def key_hash(self, key: str) -> str:
        scoped = f"{self.limit}/{self.window}:{key}".encode("utf-8", "replace")
        return hmac.new(self._secret, scoped, hashlib.sha256).hexdigest()

    def wait(self, key: str) -> float:
        """Count one hit for `key`: 0.0 when allowed, else the seconds to wait (the hit is then not counted)."""
        return self._counter.hit_throttle(self.key_hash(key), self.limit, self.window, self._clock())
