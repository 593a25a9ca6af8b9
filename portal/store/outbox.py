"""The notification outbox: messages written in the same transaction as the change they report, and the
claim/mark protocol a sender (portal.notify) uses so that a message goes out at most once and is never lost.

A row is 'menunggu' (waiting) until a sender claims it ('mengirim', with a claim token and a lease). After the
server accepted it the sender marks it 'terkirim'; after a temporary failure it is 'menunggu' again with a later
next_attempt_at (exponential backoff), after a permanent one or MAX_ATTEMPTS it is 'gagal'. A claim whose lease ran
out without a mark means the sender died between claiming and marking — perhaps after the server accepted the
message — so the row becomes 'tidak_pasti' and is not sent again on its own: an operator looks its Message-ID up in
the mail server's log and re-queues it (`requeue`) only if it never left. The officials to tell are in
official_contact, by region code prefix.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from portal.store.backends import Connected
from portal.store.common import StoreValidationError, check_limit, parse_stamp, stamp

OUTBOX_STATUSES = ("menunggu", "mengirim", "terkirim", "gagal", "tidak_pasti")
CHANNELS = ("email", "sms")
MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
MESSAGE_DOMAIN = "portal-dtks.invalid"

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(r"\+?[0-9][0-9 .()-]{7,20}[0-9]")
_CONTACT_REGION = re.compile(r"[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10}")

Run = Callable[..., Any]


@dataclass(frozen=True)
class OutboxMessage:
    """A claimed message, as the sender needs it."""

    id: int
    message_id: str
    channel: str
    recipient: str
    subject: str
    body: str
    attempts: int
    claim: str


@dataclass(frozen=True)
class OutboxRow:
    """An outbox row as the operator's listing shows it."""

    id: int
    message_id: str
    channel: str
    recipient: str
    kind: str
    code: str | None
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None


def contact_address(kontak: str | None) -> tuple[str, str] | None:
    """('email', address) or ('sms', '62…' digits) read from what a citizen typed as contact, or None."""
    if not kontak:
        return None
    email = _EMAIL.search(kontak)
    if email:
        return "email", email.group(0).lower()
    phone = _PHONE.search(kontak)
    if phone:
        digits = re.sub(r"[^0-9]", "", phone.group(0))
        if digits.startswith("0"):
            digits = "62" + digits[1:]
        if 9 <= len(digits) <= 15:
            return "sms", digits
    return None


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 1, 2, 4, … minutes, at most 6 hours."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def enqueue(
    run: Run, at: str, channel: str, recipient: str, subject: str, body: str, kind: str, code: str | None
) -> None:
    """Add a message inside the caller's transaction (it commits, or vanishes, with the change it reports)."""
    run(
        "insert into outbox (message_id, channel, recipient, subject, body, kind, code, status, attempts, "
        "next_attempt_at, created_at) values (:mid, :channel, :recipient, :subject, :body, :kind, :code, "
        "'menunggu', 0, :at, :at)",
        {
            "mid": f"<{secrets.token_hex(16)}@{MESSAGE_DOMAIN}>",
            "channel": channel,
            "recipient": recipient,
            "subject": subject,
            "body": body,
            "kind": kind,
            "code": code,
            "at": at,
        },
    )


def officials_for(run: Run, kode_desa: str, lengths: tuple[int, ...]) -> list[str]:
    """The e-mail addresses of officials whose region (of one of `lengths` digits) contains the desa."""
    rows = run(
        "select email, length(region) from official_contact where substr(:kode, 1, length(region)) = region",
        {"kode": kode_desa},
    ).fetchall()
    return sorted({email for email, n in rows if int(n) in lengths})


class Outbox(Connected):
    """The sender's side of the outbox, the operator's listing and the officials' notification addresses."""

    def claim_due(self, channels: tuple[str, ...], limit: int, lease: timedelta) -> list[OutboxMessage]:
        """Claim up to `limit` due messages of the given channels for `lease`; expired claims become 'tidak_pasti'."""
        check_limit(limit)
        for channel in channels:
            if channel not in CHANNELS:
                raise StoreValidationError(f"channel must be one of {list(CHANNELS)}")
        if not channels:
            return []
        now = self.clock()
        token = secrets.token_hex(16)
        at, until = stamp(now), stamp(now + lease)
        names = {f"c{i}": channel for i, channel in enumerate(channels)}
        wanted = ", ".join(f":{name}" for name in names)
        with self._write() as conn:
            self._run(
                conn,
                "update outbox set status = 'tidak_pasti', claim = null, "
                "last_error = 'claim expired without a mark: the sender stopped mid-send' "
                "where status = 'mengirim' and claimed_until < :at",
                {"at": at},
            )
            ids = self._run(
                conn,
                f"select id from outbox where status = 'menunggu' and next_attempt_at <= :at and channel in ({wanted}) "
                "order by next_attempt_at, id limit :limit",
                {"at": at, "limit": limit, **names},
            ).fetchall()
            for (row_id,) in ids:
                # The status test makes a claim exclusive even when two senders picked the same row.
                self._run(
                    conn,
                    "update outbox set status = 'mengirim', claim = :token, claimed_until = :until, "
                    "attempts = attempts + 1 where id = :id and status = 'menunggu'",
                    {"token": token, "until": until, "id": int(row_id)},
                )
            rows = self._run(
                conn,
                "select id, message_id, channel, recipient, subject, body, attempts from outbox "
                "where claim = :token order by id",
                {"token": token},
            ).fetchall()
        return [OutboxMessage(int(r[0]), r[1], r[2], r[3], r[4], r[5], int(r[6]), token) for r in rows]

    def mark_sent(self, message: OutboxMessage) -> bool:
        """Record that the server accepted the message; False if the claim was lost (it expired meanwhile)."""
        with self._write() as conn:
            done = self._run(
                conn,
                "update outbox set status = 'terkirim', sent_at = :at, claim = null, claimed_until = null, "
                "last_error = null where id = :id and claim = :claim",
                {"at": stamp(self.clock()), "id": message.id, "claim": message.claim},
            )
            return done.rowcount == 1

    def mark_failed(self, message: OutboxMessage, error: str, *, permanent: bool) -> str:
        """Record a failure before the server accepted the message: retried later, or 'gagal'. The new status."""
        status = "gagal" if permanent or message.attempts >= MAX_ATTEMPTS else "menunggu"
        now = self.clock()
        with self._write() as conn:
            self._run(
                conn,
                "update outbox set status = :status, next_attempt_at = :next, claim = null, claimed_until = null, "
                "last_error = :error where id = :id and claim = :claim",
                {
                    "status": status,
                    "next": stamp(now + backoff(message.attempts)),
                    "error": error[:500],
                    "id": message.id,
                    "claim": message.claim,
                },
            )
        return status

    def requeue(self, row_id: int) -> bool:
        """Send an uncertain or failed message again (the operator checked that it never left); False if none."""
        with self._write() as conn:
            done = self._run(
                conn,
                "update outbox set status = 'menunggu', next_attempt_at = :at, attempts = 0 "
                "where id = :id and status in ('tidak_pasti', 'gagal')",
                {"at": stamp(self.clock()), "id": int(row_id)},
            )
            return done.rowcount == 1

    def outbox_rows(self, status: str | None = None, limit: int = 200) -> list[OutboxRow]:
        """Outbox rows, newest first, optionally of one status."""
        check_limit(limit)
        params: dict[str, Any] = {"limit": limit}
        where = ""
        if status is not None:
            if status not in OUTBOX_STATUSES:
                raise StoreValidationError(f"status must be one of {list(OUTBOX_STATUSES)}")
            where, params["status"] = "where status = :status", status
        with self._pool.connection() as conn:
            rows = self._run(
                conn,
                "select id, message_id, channel, recipient, kind, code, status, attempts, next_attempt_at, "
                f"last_error from outbox {where} order by id desc limit :limit",
                params,
            ).fetchall()
        return [
            OutboxRow(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], int(r[7]), parse_stamp(r[8]), r[9]) for r in rows
        ]

    def outbox_counts(self) -> dict[str, int]:
        """Rows per status."""
        with self._pool.connection() as conn:
            rows = self._run(conn, "select status, count(*) from outbox group by status").fetchall()
        return {status: int(count) for status, count in rows}

    # --- officials' addresses ---

    def add_official_contact(self, region: str, email: str) -> bool:
        """Tell `email` of new and breached tickets under `region` (2, 4, 6 or 10 digits); False if already there."""
        if not isinstance(region, str) or not _CONTACT_REGION.fullmatch(region):
            raise StoreValidationError("region must be a code of 2, 4, 6 or 10 digits")
        if not isinstance(email, str) or len(email) > 200 or not _EMAIL.fullmatch(email.strip()):
            raise StoreValidationError("email must be an e-mail address")
        with self._write() as conn:
            done = self._run(
                conn,
                "insert into official_contact (region, email, created_at) values (:region, :email, :at) "
                "on conflict (region, email) do nothing",
                {"region": region, "email": email.strip().lower(), "at": stamp(self.clock())},
            )
            return done.rowcount == 1

    def remove_official_contact(self, region: str, email: str) -> bool:
        with self._write() as conn:
            done = self._run(
                conn,
                "delete from official_contact where region = :region and email = :email",
                {"region": region, "email": str(email).strip().lower()},
            )
            return done.rowcount == 1

    def official_contacts(self) -> list[tuple[str, str]]:
        with self._pool.connection() as conn:
            return [
                (r[0], r[1])
                for r in self._run(conn, "select region, email from official_contact order by region, email")
            ]
