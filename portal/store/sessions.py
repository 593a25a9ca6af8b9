"""Staff sessions in the store, so a sign-in survives a reload, a new tab and a failover to another replica.

A sign-in makes one row. The Streamlit session that signed in holds the row's id (server memory only). The browser
gets a cookie through a single-use hand-off: the page redirects to `/akun/sesi?kode=<hand-off code>`, whose route
swaps the code for a fresh cookie secret (`claim_handoff`). Only SHA-256 hashes of the code and the cookie are
stored. Sign-out, an idle or absolute timeout, or a changed account end the row, and with it every tab and replica.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.store.backends import Connected
from portal.store.common import StoreValidationError, parse_stamp, stamp

SESSION_COOKIE = "portal_sesi"  # HttpOnly, SameSite=Lax; set by /akun/sesi (portal.web.routes)
HANDOFF_SECONDS = 120  # how long the hand-off code in the redirect may be claimed
TOUCH_SECONDS = 30  # last_seen is written at most this often per session (a read per rerun, not a write)
METHODS = ("lokal", "oidc")
INTEGRITY_CHECKS = (
    "select count(*) from staff_session where ended_at is null and end_reason is not null",
    "select count(*) from staff_session where last_seen < created_at",
)


def secret_hash(value: str) -> str:
    """The stored form of a cookie or hand-off secret."""
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class StaffSession:
    """One sign-in as the store keeps it."""

    id: str
    username: str
    role: str
    region: str
    method: str
    created_at: datetime
    last_seen: datetime
    ended_at: datetime | None
    end_reason: str | None

    @property
    def open(self) -> bool:
        return self.ended_at is None


_COLUMNS = "id, username, role, region, method, created_at, last_seen, ended_at, end_reason"


def _session(row: tuple) -> StaffSession:
    return StaffSession(
        id=row[0],
        username=row[1],
        role=row[2],
        region=row[3],
        method=row[4],
        created_at=parse_stamp(row[5]),
        last_seen=parse_stamp(row[6]),
        ended_at=parse_stamp(row[7]) if row[7] else None,
        end_reason=row[8],
    )


class Sessions(Connected):
    """The store's staff sessions."""

    def start_session(self, username: str, role: str, region: str, method: str) -> tuple[str, str]:
        """A new open session: (its id, a single-use hand-off code that `claim_handoff` swaps for a cookie)."""
        if method not in METHODS:
            raise StoreValidationError(f"method must be one of {', '.join(METHODS)}")
        session_id, code = secrets.token_hex(16), secrets.token_urlsafe(32)
        now = self.clock()
        params = {
            "id": session_id,
            "username": username,
            "role": role,
            "region": region,
            "method": method,
            "handoff": secret_hash(code),
            "until": stamp(now + timedelta(seconds=HANDOFF_SECONDS)),
            "now": stamp(now),
        }
        with self._write() as conn:
            self._run(
                conn,
                "insert into staff_session (id, username, role, region, method, handoff_hash, handoff_until, "
                "created_at, last_seen) values (:id, :username, :role, :region, :method, :handoff, :until, :now, :now)",
                params,
            )
        return session_id, code

    def claim_handoff(self, code: str) -> tuple[StaffSession, str] | None:
        """Swap a hand-off code (once, before it expires, for an open session) for (the session, a cookie secret)."""
        if not isinstance(code, str) or not 16 <= len(code) <= 100:
            return None
        cookie = secrets.token_urlsafe(32)
        now = stamp(self.clock())
        with self._write() as conn:
            row = self._run(
                conn,
                f"select {_COLUMNS} from staff_session where handoff_hash = :h and handoff_until > :now "
                "and ended_at is null",
                {"h": secret_hash(code), "now": now},
            ).fetchone()
            if row is None:
                return None
            self._run(
                conn,
                "update staff_session set handoff_hash = null, handoff_until = null, cookie_hash = :c, "
                "last_seen = :now where id = :id and handoff_hash is not null",
                {"c": secret_hash(cookie), "now": now, "id": row[0]},
            )
        return _session(row), cookie

    def session_by_id(self, session_id: str) -> StaffSession | None:
        with self._pool.connection() as conn:
            row = self._run(conn, f"select {_COLUMNS} from staff_session where id = :id", {"id": session_id}).fetchone()
        return _session(row) if row else None

    def session_by_cookie(self, cookie: str) -> StaffSession | None:
        if not isinstance(cookie, str) or not 16 <= len(cookie) <= 100:
            return None
        with self._pool.connection() as conn:
            row = self._run(
                conn, f"select {_COLUMNS} from staff_session where cookie_hash = :h", {"h": secret_hash(cookie)}
            ).fetchone()
        return _session(row) if row else None

    def touch_session(self, session: StaffSession, every: float = TOUCH_SECONDS) -> None:
        """Record activity (at most every `every` seconds, so a rerun is a read, not a write)."""
        now = self.clock()
        if (now - session.last_seen).total_seconds() < every:
            return
        with self._write() as conn:
            self._run(
                conn,
                "update staff_session set last_seen = :now where id = :id and ended_at is null and last_seen < :now",
                {"now": stamp(now), "id": session.id},
            )

    def end_session(self, session_id: str, reason: str) -> bool:
        """End an open session (sign-out, timeout, changed account); False when it had already ended."""
        with self._write() as conn:
            cursor = self._run(
                conn,
                "update staff_session set ended_at = :now, end_reason = :reason, cookie_hash = null, "
                "handoff_hash = null, handoff_until = null where id = :id and ended_at is null",
                {"now": stamp(self.clock()), "reason": str(reason)[:100], "id": session_id},
            )
            return cursor.rowcount == 1

    def end_user_sessions(self, username: str, reason: str) -> int:
        """End every open session of a user (account disabled or changed by an administrator)."""
        with self._write() as conn:
            cursor = self._run(
                conn,
                "update staff_session set ended_at = :now, end_reason = :reason, cookie_hash = null, "
                "handoff_hash = null, handoff_until = null where username = :u and ended_at is null",
                {"now": stamp(self.clock()), "reason": str(reason)[:100], "u": username},
            )
            return int(cursor.rowcount)

    def purge_sessions(self, older_than_days: int = 90) -> int:
        """Delete sessions that ended more than `older_than_days` ago (the audit log keeps the sign-ins)."""
        horizon = stamp(self.clock() - timedelta(days=older_than_days))
        with self._write() as conn:
            return int(self._run(conn, "delete from staff_session where ended_at < :h", {"h": horizon}).rowcount)
