"""Notifications end to end against a real SMTP server on loopback (aiosmtpd): the outbox row written with a
decision is delivered once with its Message-ID; a server that is down, refuses for now or refuses for good; a sender
that dies after sending (never sent twice on its own); concurrent claims; the settings and the command line."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from portal import cli
from portal.notify import LEASE, EmailAdapter, SmtpSettings, adapters, deliver
from portal.store import Store, open_store
from tests.test_store import make_sub, raw_sql, store, url  # noqa: F401  (fixtures)

START = datetime(2026, 10, 1, 2, tzinfo=UTC)


class Mailbox:
    """aiosmtpd handler: keeps what it accepted; refuses recipients by the local part ('tolak' 550, 'nanti' 451)."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.startswith("tolak"):
            return "550 5.1.1 no such user"
        if address.startswith("nanti"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """An SMTP server on loopback that can be stopped and started again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def settings(self) -> SmtpSettings:
        return SmtpSettings("127.0.0.1", self.port, "Portal DTKS <noreply@dtks.test>", timeout=10)


@pytest.fixture
def smtp() -> Iterator[Server]:
    server = Server()
    server.start()
    yield server
    server.stop()


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(store: Store) -> Clock:  # noqa: F811
    moving = Clock()
    store.clock = moving
    return moving


def decided(store: Store, kontak: str) -> str:  # noqa: F811
    code = store.submit(make_sub(kontak=kontak)).code
    store.decide(code, "ditolak", "TIDAK-TERBUKTI", "Masih tinggal di alamat.", "op", "kabupaten")
    return code


def rows(url: str) -> list[tuple[Any, ...]]:  # noqa: F811
    return [tuple(r) for r in raw_sql(url, "select recipient, status, attempts, message_id from outbox order by id")]


def test_a_decision_reaches_the_citizen_once(store: Store, clock: Clock, smtp: Server, url: str) -> None:  # noqa: F811
    code = decided(store, "surel: warga@contoh.id")
    email = {"email": EmailAdapter(smtp.settings)}
    assert deliver(store, email).sent == 1
    assert deliver(store, email).sent == 0  # nothing is sent twice
    [(recipient, status, attempts, message_id)] = rows(url)
    assert (recipient, status, attempts) == ("warga@contoh.id", "terkirim", 1)
    [mail] = smtp.mailbox.messages
    assert mail["Message-ID"] == message_id and mail["To"] == "warga@contoh.id"
    assert mail["From"] == "Portal DTKS <noreply@dtks.test>"
    assert code[:4] in mail["Subject"] and "ditolak" in mail["Subject"]
    body = mail.get_payload(decode=True).decode("utf-8")
    assert "DITOLAK" in body and "Tidak terbukti dari verifikasi lapangan" in body and "banding" in body


def test_nothing_is_lost_while_the_server_is_down(store: Store, clock: Clock, smtp: Server, url: str) -> None:  # noqa: F811
    decided(store, "warga@contoh.id")
    smtp.stop()
    email = {"email": EmailAdapter(smtp.settings)}
    report = deliver(store, email)
    assert (report.sent, report.retrying) == (0, 1)
    assert rows(url)[0][1:3] == ("menunggu", 1)
    assert deliver(store, email).retrying == 0  # not due again before its backoff (1 minute)
    clock.now += timedelta(minutes=1)
    assert deliver(store, email).retrying == 1  # still down: the next wait is 2 minutes
    smtp.start()
    clock.now += timedelta(minutes=1, seconds=59)
    assert deliver(store, email).sent == 0
    clock.now += timedelta(seconds=1)
    assert deliver(store, email).sent == 1
    assert rows(url)[0][1:3] == ("terkirim", 3) and len(smtp.mailbox.messages) == 1


def test_refusals_temporary_and_permanent(store: Store, clock: Clock, smtp: Server, url: str) -> None:  # noqa: F811
    decided(store, "tolak@contoh.id")
    decided(store, "nanti@contoh.id")
    report = deliver(store, {"email": EmailAdapter(smtp.settings)})
    assert (report.sent, report.retrying, report.failed) == (0, 1, 1)
    assert [r[:3] for r in rows(url)] == [("tolak@contoh.id", "gagal", 1), ("nanti@contoh.id", "menunggu", 1)]
    for _ in range(10):  # a temporary refusal is retried up to MAX_ATTEMPTS, then it fails for good
        clock.now += timedelta(hours=7)
        deliver(store, {"email": EmailAdapter(smtp.settings)})
    assert rows(url)[1][1:3] == ("gagal", 8)
    assert smtp.mailbox.messages == []


def test_a_sender_that_dies_after_sending_never_sends_twice(store: Store, clock: Clock, smtp: Server, url: str) -> None:  # noqa: F811
    decided(store, "warga@contoh.id")
    adapter = EmailAdapter(smtp.settings)
    [message] = store.claim_due(("email",), 10, LEASE)
    adapter.send(message)  # ... and the sender is killed here, before it marks the row
    assert store.claim_due(("email",), 10, LEASE) == []  # claimed: another sender does not take it
    clock.now += LEASE + timedelta(seconds=1)
    assert deliver(store, {"email": adapter}).sent == 0
    assert rows(url)[0][1] == "tidak_pasti"
    assert not store.mark_sent(message)  # the dead sender's claim is gone
    assert len(smtp.mailbox.messages) == 1 and smtp.mailbox.messages[0]["Message-ID"] == message.message_id
    [row] = store.outbox_rows("tidak_pasti")
    assert "mid-send" in row.last_error
    # the operator found no such Message-ID in the mail log (pretend) and re-queues it: the same Message-ID again
    assert store.requeue(row.id) and not store.requeue(row.id)
    assert deliver(store, {"email": adapter}).sent == 1
    assert [m["Message-ID"] for m in smtp.mailbox.messages] == [message.message_id] * 2


def test_claims_are_exclusive(store: Store, clock: Clock, url: str) -> None:  # noqa: F811
    for n in range(5):
        decided(store, f"warga{n}@contoh.id")
    decided(store, "0812 3456 7891")  # an SMS: no adapter here, it waits
    first = store.claim_due(("email",), 3, LEASE)
    second = store.claim_due(("email",), 10, LEASE)
    assert len(first) == 3 and len(second) == 2
    assert not {m.id for m in first} & {m.id for m in second}
    assert store.claim_due(("email",), 10, LEASE) == []
    assert store.outbox_counts() == {"mengirim": 5, "menunggu": 1}
    assert deliver(store, {}).sent == 0


def test_smtp_settings_from_the_environment() -> None:
    assert SmtpSettings.from_env({}) is None and adapters({}) == {}
    smtp = SmtpSettings.from_env({"PORTAL_SMTP_HOST": "mail.go.id", "PORTAL_SMTP_SECURITY": "STARTTLS"})
    assert smtp is not None and (smtp.port, smtp.security, smtp.sender) == (
        25,
        "starttls",
        "Portal DTKS <noreply@mail.go.id>",
    )
    assert "rahasia" not in repr(SmtpSettings("h", user="u", password="rahasia"))
    for bad, message in [
        ({"PORTAL_SMTP_PORT": "dua lima"}, "PORTAL_SMTP_PORT must be a whole number"),
        ({"PORTAL_SMTP_PORT": "70000"}, "PORTAL_SMTP_PORT must be between"),
        ({"PORTAL_SMTP_SECURITY": "ssl3"}, "PORTAL_SMTP_SECURITY must be one of"),
        ({"PORTAL_SMTP_USER": "u"}, "must be set together"),
        ({"PORTAL_SMTP_TIMEOUT": "0"}, "PORTAL_SMTP_TIMEOUT must be between"),
    ]:
        with pytest.raises(ValueError, match=message):
            SmtpSettings.from_env({"PORTAL_SMTP_HOST": "mail.go.id", **bad})


def test_the_command_line(tmp_path: Any, smtp: Server, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("PORTAL_DB_URL", db)
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PORTAL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PORTAL_SMTP_PORT", str(smtp.port))
    from portal.config import get_settings

    get_settings.cache_clear()
    try:
        assert cli.main(["notify", "contact-add", "3471", "Dinsos@Jogja.go.id"]) == 0
        assert cli.main(["notify", "contact-add", "347", "x@y.id"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err and "2, 4, 6 or 10 digits" in err
        with open_store(db) as opened:
            opened.submit(make_sub())  # tells the kab/kota's address
        assert cli.main(["notify", "run"]) == 0
        assert "sent 1" in capsys.readouterr().out
        assert smtp.mailbox.messages[0]["To"] == "dinsos@jogja.go.id"
        assert cli.main(["notify", "status", "--show", "terkirim"]) == 0
        out = capsys.readouterr().out
        assert out.startswith("menunggu 0, mengirim 0, terkirim 1") and "tiket_baru" in out
        assert cli.main(["notify", "requeue", "99"]) == 2
        monkeypatch.setenv("PORTAL_SMTP_PORT", "nol")
        assert cli.main(["notify", "run"]) == 2
        assert "PORTAL_SMTP_PORT must be a whole number" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()
