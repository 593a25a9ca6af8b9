"""Throttle counters in the store, shared by every replica: hits per key in window-long buckets.

The window slides by weighing the previous bucket by the part of it still inside the window (the estimate is exact
for evenly spread hits and never lets more than twice the limit through in any window). A refused hit is not
counted, so a client that keeps trying is let in again as soon as its estimate drops below the limit. Keys arrive
already hashed with a secret (`portal.privacy.throttle.StoreThrottle`), so no address is stored in clear.
"""

from __future__ import annotations

import math
import random
import re

from portal.store.backends import Connected
from portal.store.common import StoreValidationError

_KEY_HASH = re.compile(r"[0-9a-f]{64}")
SWEEP_CHANCE = 0.01  # a hit sweeps expired counters with this probability, so the table stays small

_UPSERT = (
    "insert into throttle_count (key_hash, bucket, hits, expires_at) values (:k, :b, 1, :exp) "
    "on conflict (key_hash, bucket) do update set hits = throttle_count.hits + 1 returning hits"
)


class Throttles(Connected):
    """The store's hit_throttle()."""

    def hit_throttle(self, key_hash: str, limit: int, window: float, now: float) -> float:
        """Count one hit of `key_hash` against `limit` per `window` seconds at time `now` (seconds since the
        epoch): 0.0 when allowed (and counted), else the seconds to wait (and not counted)."""
        if not isinstance(key_hash, str) or not _KEY_HASH.fullmatch(key_hash):
            raise StoreValidationError("key_hash must be 64 lower-case hex digits")
        if limit < 1 or not window > 0 or not math.isfinite(now):
            raise StoreValidationError("limit must be ≥ 1, window > 0 and now finite")
        bucket = math.floor(now / window)
        elapsed = now - bucket * window
        with self._write() as conn:
            current = int(
                self._run(conn, _UPSERT, {"k": key_hash, "b": bucket, "exp": (bucket + 2) * window}).fetchone()[0]
            )
            row = self._run(
                conn,
                "select hits from throttle_count where key_hash = :k and bucket = :b",
                {"k": key_hash, "b": bucket - 1},
            ).fetchone()
            previous = int(row[0]) if row else 0
            weight = max(0.0, 1.0 - elapsed / window)
            if previous * weight + current <= limit:
                if random.random() < SWEEP_CHANCE:
                    self._run(conn, "delete from throttle_count where expires_at < :now", {"now": now})
                return 0.0
            self._run(
                conn,
                "update throttle_count set hits = hits - 1 where key_hash = :k and bucket = :b",
                {"k": key_hash, "b": bucket},
            )
        current -= 1
        if current >= limit or previous == 0:
            # Once the next bucket starts, this one weighs in fully and decays: one hit fits after window / limit.
            return window - elapsed + window / limit
        # previous * (1 - (elapsed + t) / window) + current + 1 <= limit
        wait = window * (1.0 - (limit - current - 1) / previous) - elapsed
        return max(0.001, min(wait, window - elapsed))
