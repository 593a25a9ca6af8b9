"""Throttling of public look-ups: limits written "N/seconds", counted per key in a sliding window."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

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


class Throttle:
    """Thread-safe sliding-window rate limiter: at most ``limit`` hits per key in any ``window_seconds``."""

    def __init__(
        self,
        limit: int,
        window_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        if limit < 1 or window_seconds <= 0 or max_keys < 1:
            raise ValueError("limit, window_seconds and max_keys must be positive")
        self.limit = int(limit)
        self.window = float(window_seconds)
        self.max_keys = int(max_keys)
        self._clock = clock
        self._lock = threading.Lock()
        # key -> times of accepted hits; ordered by last hit, so the front holds the longest-idle keys.
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    @staticmethod
    def _key(key: str) -> str:
        key = str(key)
        return key if len(key) <= 128 else hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()

    def _expire(self, now: float) -> None:
        horizon = now - self.window
        while self._hits:
            first = next(iter(self._hits.values()))
            if first and first[-1] > horizon:
                break
            self._hits.popitem(last=False)

    def _recent(self, key: str, now: float) -> deque[float] | None:
        hits = self._hits.get(key)
        if hits is not None:
            horizon = now - self.window
            while hits and hits[0] <= horizon:
                hits.popleft()
        return hits

    def hit(self, key: str) -> bool:
        """Count one request for ``key``; False (and not counted) when the key is over its limit."""
        key = self._key(key)
        with self._lock:
            now = self._clock()
            self._expire(now)
            hits = self._recent(key, now)
            if hits is not None and len(hits) >= self.limit:
                return False
            if hits is None:
                hits = self._hits[key] = deque(maxlen=self.limit)
            hits.append(now)
            self._hits.move_to_end(key)
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
            return True

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` may hit again (0.0 when it may now)."""
        key = self._key(key)
        with self._lock:
            now = self._clock()
            hits = self._recent(key, now)
            if hits is None or len(hits) < self.limit:
                return 0.0
            return max(0.0, hits[0] + self.window - now)

    def __len__(self) -> int:
        with self._lock:
            return len(self._hits)
