"""Delivering the outbox: e-mail through a configured SMTP server, other channels through adapters.

The store writes a message into its outbox in the same transaction as the change it reports (portal.store.outbox);
`deliver` claims due messages, hands each to the adapter of its channel and marks it sent, or failed for a retry
with backoff. An adapter returns only when its server accepted the message and raises DeliveryError otherwise;
that is the whole contract, so SMS or WhatsApp is one class away (see Adapter). A channel without an adapter keeps
its messages waiting in the outbox: nothing is lost while a sender is down or a channel is not configured yet.

SMTP settings come from the environment (docs/NOTIFICATIONS.md): PORTAL_SMTP_HOST (no host: e-mail is not sent),
PORTAL_SMTP_PORT (25), PORTAL_SMTP_FROM, PORTAL_SMTP_USER and PORTAL_SMTP_PASSWORD (both or neither),
PORTAL_SMTP_SECURITY (none, starttls or tls) and PORTAL_SMTP_TIMEOUT (seconds, 30).
"""

from __future__ import annotations

import os
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol

from portal.store import OutboxMessage, Store

LEASE = timedelta(minutes=5)  # a claim longer than this without a mark means the sender died mid-send
SECURITY = ("none", "starttls", "tls")


class DeliveryError(Exception):
    """The server did not accept the message; `permanent` when trying again cannot help (a refused address)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Adapter(Protocol):
    """One channel's delivery. `send` returns only after the provider accepted the message, and raises
    DeliveryError otherwise (permanent=True when a retry cannot help). It must send `message.message_id` along
    (a header, or the provider's idempotency key) so that a duplicate can be recognised downstream.

    An SMS or WhatsApp adapter is a class with `channel = "sms"` and such a `send` that calls the provider's API;
    register it in `adapters()`. Until then "sms" messages wait in the outbox."""

    channel: str

    def send(self, message: OutboxMessage) -> None: ...


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    sender: str = "Portal DTKS <noreply@localhost>"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    security: str = "none"
    timeout: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpSettings | None:
        """The settings in the environment, None when PORTAL_SMTP_HOST is not set; ValueError naming a bad one."""
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        host = get("PORTAL_SMTP_HOST")
        if host is None:
            return None
        port = _number("PORTAL_SMTP_PORT", get("PORTAL_SMTP_PORT") or "25", 1, 65_535)
        timeout = _number("PORTAL_SMTP_TIMEOUT", get("PORTAL_SMTP_TIMEOUT") or "30", 1, 600)
        security = (get("PORTAL_SMTP_SECURITY") or "none").lower()
        if security not in SECURITY:
            raise ValueError(f"PORTAL_SMTP_SECURITY must be one of {', '.join(SECURITY)}")
        user, password = get("PORTAL_SMTP_USER"), env.get("PORTAL_SMTP_PASSWORD") or None
        if (user is None) != (password is None):
            raise ValueError("PORTAL_SMTP_USER and PORTAL_SMTP_PASSWORD must be set together")
        sender = get("PORTAL_SMTP_FROM") or f"Portal DTKS <noreply@{host}>"
        return cls(host, port, sender, user, password, security, float(timeout))


def _number(name: str, text: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {text[:40]!r}") from None
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}")
    return value


class EmailAdapter:
    """E-mail through one SMTP server (a connection per batch would be an optimisation; one per message is simple
    and keeps a failure to one message)."""

    channel = "email"

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def build(self, message: OutboxMessage) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.settings.sender
        mail["To"] = message.recipient
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(localtime=False, usegmt=True)
        mail["Message-ID"] = message.message_id
        mail.set_content(message.body)
        return mail

    def send(self, message: OutboxMessage) -> None:
        s = self.settings
        try:
            if s.security == "tls":
                conn: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout)
            else:
                conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"cannot connect to {s.host}:{s.port}: {exc}") from None
        try:
            if s.security == "starttls":
                conn.starttls()
            if s.user is not None:
                conn.login(s.user, s.password or "")
            refused = conn.send_message(self.build(message))
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _text in exc.recipients.values()]
            raise DeliveryError(f"recipient refused: {codes}", permanent=all(c >= 500 for c in codes)) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            raise DeliveryError(
                f"refused: {exc.smtp_code} {exc.smtp_error!r}", permanent=exc.smtp_code >= 500
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP failure: {exc}") from None
        finally:
            try:
                conn.quit()
            except (OSError, smtplib.SMTPException):
                conn.close()  # the message, if accepted, stays accepted
        if refused:
            raise DeliveryError(f"recipient refused: {refused}", permanent=True)


def adapters(env: Mapping[str, str] | None = None) -> dict[str, Adapter]:
    """The configured adapters by channel: e-mail when PORTAL_SMTP_HOST is set. (SMS: see Adapter.)"""
    smtp = SmtpSettings.from_env(env)
    return {} if smtp is None else {"email": EmailAdapter(smtp)}


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    lost_claims: int = 0

    def line(self) -> str:
        return f"sent {self.sent}, to retry {self.retrying}, failed {self.failed}, claims lost {self.lost_claims}"


def deliver(store: Store, channel_adapters: Mapping[str, Adapter], limit: int = 100) -> DeliveryReport:
    """Claim the due messages of the configured channels and deliver them, each marked right after its attempt."""
    report = DeliveryReport()
    if not channel_adapters:
        return report
    for message in store.claim_due(tuple(channel_adapters), limit, LEASE):
        try:
            channel_adapters[message.channel].send(message)
        except DeliveryError as exc:
            status = store.mark_failed(message, str(exc), permanent=exc.permanent)
            if status == "gagal":
                report.failed += 1
            else:
                report.retrying += 1
            continue
        if store.mark_sent(message):
            report.sent += 1
        else:
            report.lost_claims += 1  # sent, but the lease ran out first: the row is 'tidak_pasti' for the operator
    return report
