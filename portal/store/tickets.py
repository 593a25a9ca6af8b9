"""Tickets: what a citizen submits (an objection to a register row or a proposal), its code, its status history,
and the officials' queue over them."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from portal.periods import PERIOD
from portal.regions import level_of_length
from portal.store.backends import Connected
from portal.store.common import (
    MAX_ACTOR,
    REGION,
    StoreError,
    StoreValidationError,
    check_choice,
    check_limit,
    check_pattern,
    check_text,
    has_nik,
    optional_text,
    parse_stamp,
    stamp,
)

JENIS = ("sanggahan", "usul")
KATEGORI = (
    "tidak layak / sudah mampu",
    "meninggal dunia",
    "pindah domisili",
    "data ganda",
    "tidak dikenal di lingkungan",
    "layak tetapi belum terdaftar",
)
# A proposal to add someone is never an objection to an existing row.
USUL_ONLY = frozenset({"layak tetapi belum terdaftar"})
INITIAL_STATUS = "terdaftar"
STATUSES = ("terdaftar", "diproses", "perlu verifikasi lapangan", "diterima", "ditolak")
OPEN_STATUSES = frozenset({"terdaftar", "diproses", "perlu verifikasi lapangan"})
NEEDS_REASON = frozenset({"diterima", "ditolak"})
DEADLINE = timedelta(days=14)  # the local government must verify within 14 days (DOMAIN.md)

MAX_DESKRIPSI = 2_000
MAX_KONTAK = 200
MAX_REASON = 2_000
MAX_FOTO = 3 * 1024 * 1024
FOTO_MIME = frozenset({"image/jpeg", "image/png", "image/webp"})
PUBLIC_ACTOR = "publik"

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_CHARS = 16  # 16 x 5 = 80 random bits
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_CODE_SEPARATORS = re.compile(r"[\s\-‐‑‒–—]+")
_KODE_DESA = re.compile(r"[0-9]{10}")
_ROW_TOKEN = re.compile(r"[A-Za-z0-9_.:~=-]{1,200}")
_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


class TicketNotFound(LookupError):
    """No ticket has this code."""


@dataclass(frozen=True, kw_only=True)
class Submission:
    """What a citizen sends: an objection (sanggahan) to a register row or a proposal (usul)."""

    jenis: str
    kategori: str
    kode_desa: str
    periode: str
    row_token: str | None = None
    deskripsi: str = ""
    kontak: str | None = None
    foto: bytes | None = None
    foto_mime: str | None = None
    persetujuan: bool = False
    idempotency_key: str


@dataclass(frozen=True)
class Ticket:
    """The acknowledgement of a durably stored submission; `replayed` when the idempotency key was seen before."""

    code: str
    created_at: datetime
    batas_waktu: datetime
    replayed: bool = False

    @property
    def display(self) -> str:
        """The code as shown to people: XXXX-XXXX-XXXX-XXXX."""
        return format_ticket_code(self.code)


@dataclass(frozen=True)
class StatusChange:
    """One step of a ticket's public history (who made it is internal and not shown)."""

    status: str
    reason: str | None
    time: datetime


@dataclass(frozen=True)
class TicketView:
    """What anyone holding the code may see: no contact, no photo, no description, nothing about anyone else."""

    code: str
    jenis: str
    kategori: str
    kode_desa: str
    periode: str
    created_at: datetime
    status: str
    batas_waktu: datetime
    history: list[StatusChange] = field(default_factory=list)

    @property
    def display(self) -> str:
        """The code as shown to people: XXXX-XXXX-XXXX-XXXX."""
        return format_ticket_code(self.code)


@dataclass(frozen=True)
class QueueItem:
    """A ticket as officials see it in their queue."""

    code: str
    jenis: str
    kategori: str
    kode_desa: str
    periode: str
    row_token: str | None
    deskripsi: str
    kontak: str | None
    has_foto: bool
    status: str
    created_at: datetime
    batas_waktu: datetime
    overdue: bool


# --- ticket codes -------------------------------------------------------------------------------------------


def new_ticket_code() -> str:
    """A fresh ticket code: 80 bits from `secrets`, 16 Crockford base32 characters, normalised form."""
    bits = secrets.randbits(5 * _CODE_CHARS)
    return "".join(_CROCKFORD[(bits >> (5 * i)) & 31] for i in reversed(range(_CODE_CHARS)))


def normalise_ticket_code(text: object) -> str | None:
    """The stored form of a typed code (case, spaces, dashes, O/I/L forgiven), or None if it cannot be one."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    code = _CODE_SEPARATORS.sub("", text).upper().translate(_CONFUSABLE)
    if len(code) != _CODE_CHARS or any(ch not in _CROCKFORD for ch in code):
        return None
    return code


def format_ticket_code(code: str) -> str:
    """XXXX-XXXX-XXXX-XXXX for a normalised code."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def validate_submission(sub: Submission) -> dict[str, Any]:
    """The submission's values ready to bind, or a StoreValidationError naming the first bad field."""
    if not isinstance(sub, Submission):
        raise StoreValidationError("expected a Submission")
    jenis = check_choice(sub.jenis, "jenis", JENIS)
    kategori = check_choice(sub.kategori, "kategori", KATEGORI)
    if kategori in USUL_ONLY and jenis != "usul":
        raise StoreValidationError(f"kategori {kategori!r} is a proposal: jenis must be 'usul'")
    row_token = None
    if sub.row_token is not None:
        row_token = check_pattern(
            sub.row_token, "row_token", _ROW_TOKEN, "an opaque token of 1-200 URL-safe characters"
        )
        if has_nik(row_token):
            raise StoreValidationError("row_token contains a 16-digit number: rows are referenced by token, never NIK")
    foto, foto_mime = _validate_photo(sub.foto, sub.foto_mime)
    if sub.persetujuan is not True:
        raise StoreValidationError("persetujuan (consent) must be given")
    return {
        "jenis": jenis,
        "kategori": kategori,
        "kode_desa": check_pattern(sub.kode_desa, "kode_desa", _KODE_DESA, "a 10-digit desa code"),
        "periode": check_pattern(sub.periode, "periode", PERIOD, "a period 'YYYY-MM'"),
        "row_token": row_token,
        "deskripsi": check_text(sub.deskripsi, "deskripsi", MAX_DESKRIPSI),
        "kontak": optional_text(sub.kontak, "kontak", MAX_KONTAK),
        "foto": foto,
        "foto_mime": foto_mime,
        "idempotency_key": check_pattern(
            sub.idempotency_key, "idempotency_key", _IDEMPOTENCY_KEY, "16-64 characters [A-Za-z0-9_-]"
        ),
    }


def _validate_photo(foto: object, mime: object) -> tuple[bytes | None, str | None]:
    if foto is None:
        if mime is not None:
            raise StoreValidationError("foto_mime given without foto")
        return None, None
    if not isinstance(foto, bytes | bytearray | memoryview):
        raise StoreValidationError("foto must be bytes")
    data = bytes(foto)
    if not data:
        raise StoreValidationError("foto is empty")
    if len(data) > MAX_FOTO:
        raise StoreValidationError(f"foto is larger than {MAX_FOTO} bytes")
    return data, check_choice(mime, "foto_mime", FOTO_MIME)


_TICKET_COLUMNS = "code, jenis, kategori, kode_desa, periode, created_at, status, batas_waktu"
_QUEUE_COLUMNS = (
    "t.code, t.jenis, t.kategori, t.kode_desa, t.periode, t.row_token, t.deskripsi, t.kontak, "
    "exists (select 1 from ticket_photo p where p.code = t.code) as has_foto, "
    "t.status, t.created_at, t.batas_waktu"
)
_INSERT_TICKET = """
insert into ticket (code, idempotency_key, jenis, kategori, kode_desa, periode, row_token, deskripsi, kontak,
                    status, created_at, batas_waktu, updated_at)
values (:code, :idempotency_key, :jenis, :kategori, :kode_desa, :periode, :row_token, :deskripsi, :kontak,
        :status, :created_at, :batas_waktu, :created_at)
on conflict (idempotency_key) do nothing
"""
_INSERT_CHANGE = """
insert into status_change (code, status, reason, actor, changed_at) values (:code, :status, :reason, :actor, :at)
"""
# Each must count zero on a healthy database; any missing table makes the check fail with an error.
# Each must count zero on a healthy database; any missing table makes the check fail with an error.
INTEGRITY_CHECKS = (
    "select count(*) from (select idempotency_key from ticket group by idempotency_key having count(*) > 1) d",
    "select count(*) from (select code from ticket group by code having count(*) > 1) d",
    "select count(*) from status_change h where not exists (select 1 from ticket t where t.code = h.code)",
    "select count(*) from ticket_photo p where not exists (select 1 from ticket t where t.code = p.code)",
    "select count(*) from ticket t where not exists (select 1 from status_change h where h.code = t.code)",
    """select count(*) from ticket t
       where t.status <> (select h.status from status_change h where h.code = t.code order by h.id desc limit 1)""",
    "select count(*) from audit_log where id is null",
)


class Tickets(Connected):
    """The store's ticket methods: the public's submissions and look-ups, officials' status changes and queue."""

    # --- public writes ---

    def submit(self, sub: Submission) -> Ticket:
        """Store a submission durably and return its ticket; the same idempotency key always gets the same ticket.

        A repeated key returns the existing ticket even when the payload differs: the key stands for one press of
        the button on one form, so a differing repeat is the citizen editing after a submission whose
        acknowledgement they never saw. A second ticket would defeat idempotency, and an error would leave them
        without the code of the objection we did store.
        """
        values = validate_submission(sub)
        existing = self._ticket_for_key(values["idempotency_key"])
        if existing is not None:
            return existing
        now = self.clock()
        last_error: Exception | None = None
        for _attempt in range(4):
            try:
                return self._insert(values, now)
            except self._backend.integrity_error as exc:
                # The key conflict is absorbed by ON CONFLICT, so only the random code can collide here.
                last_error = exc
        raise StoreError("could not store the submission") from last_error

    def _insert(self, values: dict[str, Any], now: datetime) -> Ticket:
        params = {
            **values,
            "code": new_ticket_code(),
            "status": INITIAL_STATUS,
            "created_at": stamp(now),
            "batas_waktu": stamp(now + DEADLINE),
        }
        with self._write() as conn:
            if self._run(conn, _INSERT_TICKET, params).rowcount != 1:
                # Another submitter committed this key first (PostgreSQL waited for it); read theirs back.
                ticket = self._read_ticket_for_key(conn, values["idempotency_key"])
                if ticket is None:
                    raise StoreError("idempotency conflict without a stored ticket")
                return ticket
            if values["foto"] is not None:
                self._run(
                    conn,
                    "insert into ticket_photo (code, mime, data) values (:code, :mime, :data)",
                    {"code": params["code"], "mime": values["foto_mime"], "data": values["foto"]},
                )
            change = {"code": params["code"], "status": INITIAL_STATUS, "reason": None, "actor": PUBLIC_ACTOR}
            self._run(conn, _INSERT_CHANGE, {**change, "at": params["created_at"]})
        # Only here, after the commit returned, is the submission acknowledged.
        return Ticket(params["code"], parse_stamp(params["created_at"]), parse_stamp(params["batas_waktu"]))

    def _ticket_for_key(self, key: str) -> Ticket | None:
        with self._pool.connection() as conn:
            return self._read_ticket_for_key(conn, key)

    def _read_ticket_for_key(self, conn: Any, key: str) -> Ticket | None:
        row = self._run(
            conn, "select code, created_at, batas_waktu from ticket where idempotency_key = :key", {"key": key}
        ).fetchone()
        return None if row is None else Ticket(row[0], parse_stamp(row[1]), parse_stamp(row[2]), replayed=True)

    # --- officials' writes ---

    def change_status(self, code: str, status: str, reason: str | None, actor: str) -> None:
        """Move a ticket to a new status, appending the history row in the same transaction."""
        normalised = normalise_ticket_code(code)
        if normalised is None:
            raise TicketNotFound("no ticket has this code")
        check_choice(status, "status", STATUSES[1:])
        reason = optional_text(reason, "reason", MAX_REASON)
        if status in NEEDS_REASON and reason is None:
            raise StoreValidationError(f"a reason is required for status {status!r}")
        actor = check_text(actor, "actor", MAX_ACTOR)
        if not actor.strip():
            raise StoreValidationError("actor is required")
        at = stamp(self.clock())
        with self._write() as conn:
            updated = self._run(
                conn,
                "update ticket set status = :status, updated_at = :at where code = :code",
                {"status": status, "at": at, "code": normalised},
            )
            if updated.rowcount != 1:
                raise TicketNotFound("no ticket has this code")
            # The UPDATE holds the ticket's row lock, so concurrent changes to one ticket append in order.
            self._run(
                conn, _INSERT_CHANGE, {"code": normalised, "status": status, "reason": reason, "actor": actor, "at": at}
            )

    # --- reads ---

    def get_ticket(self, code: str) -> TicketView | None:
        """The public view of a ticket, or None for an unknown or malformed code (the same answer for both)."""
        normalised = normalise_ticket_code(code)
        if normalised is None:
            return None
        with self._pool.connection() as conn:
            row = self._run(
                conn, f"select {_TICKET_COLUMNS} from ticket where code = :code", {"code": normalised}
            ).fetchone()
            if row is None:
                return None
            changes = self._run(
                conn,
                "select status, reason, changed_at from status_change where code = :code order by id",
                {"code": normalised},
            ).fetchall()
        history = [StatusChange(status, reason, parse_stamp(at)) for status, reason, at in changes]
        return TicketView(
            code=row[0],
            jenis=row[1],
            kategori=row[2],
            kode_desa=row[3],
            periode=row[4],
            created_at=parse_stamp(row[5]),
            status=row[6],
            batas_waktu=parse_stamp(row[7]),
            history=history,
        )

    def get_photo(self, code: str) -> tuple[bytes, str] | None:
        """The ticket's photo and its MIME type (internal: officials only)."""
        normalised = normalise_ticket_code(code)
        if normalised is None:
            return None
        with self._pool.connection() as conn:
            row = self._run(
                conn, "select data, mime from ticket_photo where code = :code", {"code": normalised}
            ).fetchone()
        return None if row is None else (bytes(row[0]), row[1])

    def queue(
        self,
        region_prefix: str,
        status: str | None = None,
        kategori: str | None = None,
        kode_desa: str | None = None,
        older_than_days: int | None = None,
        limit: int = 200,
    ) -> list[QueueItem]:
        """Tickets under a region code prefix ('' = all), oldest first, with optional filters and an overdue flag."""
        prefix = check_pattern(region_prefix, "region_prefix", REGION, "a region code prefix of 0-10 digits")
        params: dict[str, Any] = {"lo": prefix.ljust(10, "0"), "hi": prefix.ljust(10, "9")}
        clauses = ["t.kode_desa between :lo and :hi"]  # a range, so the kode_desa index serves every level
        if status is not None:
            params["status"] = check_choice(status, "status", STATUSES)
            clauses.append("t.status = :status")
        if kategori is not None:
            params["kategori"] = check_choice(kategori, "kategori", KATEGORI)
            clauses.append("t.kategori = :kategori")
        if kode_desa is not None:
            params["kode_desa"] = check_pattern(kode_desa, "kode_desa", _KODE_DESA, "a 10-digit desa code")
            clauses.append("t.kode_desa = :kode_desa")
        now = self.clock()
        if older_than_days is not None:
            if not isinstance(older_than_days, int) or isinstance(older_than_days, bool) or older_than_days < 0:
                raise StoreValidationError("older_than_days must be a whole number of days, 0 or more")
            params["cutoff"] = stamp(now - timedelta(days=older_than_days))
            clauses.append("t.created_at < :cutoff")
        params["limit"] = check_limit(limit)
        sql = (
            f"select {_QUEUE_COLUMNS} from ticket t where {' and '.join(clauses)} "
            "order by t.created_at, t.code limit :limit"
        )
        with self._pool.connection() as conn:
            rows = self._run(conn, sql, params).fetchall()
        return [_queue_item(row, now) for row in rows]

    def count_by_region(self, region_prefix: str, code_length: int) -> dict[str, int]:
        """Tickets per region of one level under a prefix: {first `code_length` digits of kode_desa: count}."""
        prefix = check_pattern(region_prefix, "region_prefix", REGION, "a region code prefix of 0-10 digits")
        if level_of_length(code_length) in (None, "nasional") or code_length < len(prefix):
            raise StoreValidationError("code_length must be 2, 4, 6 or 10 and not shorter than the prefix")
        params = {"lo": prefix.ljust(10, "0"), "hi": prefix.ljust(10, "9"), "n": code_length}
        sql = (
            "select substr(kode_desa, 1, :n) as kode, count(*) from ticket "
            "where kode_desa between :lo and :hi group by substr(kode_desa, 1, :n)"
        )
        with self._pool.connection() as conn:
            rows = self._run(conn, sql, params).fetchall()
        return {str(kode): int(count) for kode, count in rows}


def _queue_item(row: tuple[Any, ...], now: datetime) -> QueueItem:
    batas_waktu = parse_stamp(row[11])
    return QueueItem(
        code=row[0],
        jenis=row[1],
        kategori=row[2],
        kode_desa=row[3],
        periode=row[4],
        row_token=row[5],
        deskripsi=row[6],
        kontak=row[7],
        has_foto=bool(row[8]),
        status=row[9],
        created_at=parse_stamp(row[10]),
        batas_waktu=batas_waktu,
        overdue=row[9] in OPEN_STATUSES and batas_waktu < now,
    )
