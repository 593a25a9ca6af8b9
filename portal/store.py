"""The transactional store for what the public writes: objections and proposals, their history, an audit log.

SQLite (WAL, `synchronous=FULL`, a busy timeout, `BEGIN IMMEDIATE` for writes) for `sqlite:///path` URLs and
PostgreSQL (psycopg 3, READ COMMITTED, `synchronous_commit=on`) for `postgresql://` URLs, through the same
statements and the same migrations (`portal/migrations/*.sql`, recorded in `schema_version`). Never DuckDB.

Connections come from a small pool, one connection per call at a time, so the store may be shared by threads
(Streamlit runs every rerun in a fresh thread; a connection per thread would leak one per rerun).
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

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
MAX_ACTOR = 200
MAX_AUDIT_DETAIL = 100_000
MAX_FOTO = 3 * 1024 * 1024
FOTO_MIME = frozenset({"image/jpeg", "image/png", "image/webp"})
MAX_QUEUE = 1_000
PUBLIC_ACTOR = "publik"

MIGRATION_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_S = 30.0
_MIGRATION_LOCK = 7_316_401  # any constant: PostgreSQL advisory lock that serialises migrations
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_CHARS = 16  # 16 x 5 = 80 random bits
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_CODE_SEPARATORS = re.compile(r"[\s\-‐‑‒–—]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NIK_LIKE = re.compile(r"[0-9]{16}")
_KODE_DESA = re.compile(r"[0-9]{10}")
_REGION = re.compile(r"[0-9]{0,10}")
_PERIODE = re.compile(r"20[0-9]{2}-(0[1-9]|1[0-2])")
_ROW_TOKEN = re.compile(r"[A-Za-z0-9_.:~=-]{1,200}")
_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
_NAMED_PARAM = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")
_TOKEN = re.compile(r"\{\{([a-z_]+)\}\}")


class StoreError(RuntimeError):
    """The store cannot be opened or used (bad URL, newer schema, closed store)."""


class StoreValidationError(ValueError):
    """A submission or change was refused before anything was written; the message says which field."""


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


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    id: int
    time: datetime
    actor: str
    action: str
    region: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class Migration:
    """One schema step: `portal/migrations/<version>_<name>.sql`."""

    version: int
    name: str
    sql: str


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


# --- times --------------------------------------------------------------------------------------------------


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    """Fixed-width UTC text, so that text order is time order on both backends."""
    if moment.tzinfo is None:
        raise ValueError("the store's clock must return aware datetimes")
    return moment.astimezone(UTC).strftime(_TIME_FORMAT)


def _parse(text: str) -> datetime:
    return datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=UTC)


# --- validation ---------------------------------------------------------------------------------------------


def _text(value: object, name: str, max_chars: int, *, no_nik: bool = True) -> str:
    """Text as given, or a StoreValidationError: too long, control characters (NUL included), a NIK-like number."""
    if not isinstance(value, str):
        raise StoreValidationError(f"{name} must be text")
    if len(value) > max_chars:
        raise StoreValidationError(f"{name} is longer than {max_chars} characters")
    if _CONTROL.search(value):
        raise StoreValidationError(f"{name} contains a NUL or another control character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise StoreValidationError(f"{name} is not valid Unicode text") from None
    if no_nik and _NIK_LIKE.search(value):
        raise StoreValidationError(f"{name} contains a 16-digit number (a NIK or No KK is never accepted)")
    return value


def _optional_text(value: object, name: str, max_chars: int) -> str | None:
    if value is None:
        return None
    text = _text(value, name, max_chars)
    return text if text.strip() else None


def _choice(value: object, name: str, allowed: tuple[str, ...] | frozenset[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise StoreValidationError(f"{name} must be one of {sorted(allowed)}")
    return value


def _pattern(value: object, name: str, pattern: re.Pattern[str], what: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise StoreValidationError(f"{name} must be {what}")
    return value


def validate_submission(sub: Submission) -> dict[str, Any]:
    """The submission's values ready to bind, or a StoreValidationError naming the first bad field."""
    if not isinstance(sub, Submission):
        raise StoreValidationError("expected a Submission")
    jenis = _choice(sub.jenis, "jenis", JENIS)
    kategori = _choice(sub.kategori, "kategori", KATEGORI)
    if kategori in USUL_ONLY and jenis != "usul":
        raise StoreValidationError(f"kategori {kategori!r} is a proposal: jenis must be 'usul'")
    row_token = None
    if sub.row_token is not None:
        row_token = _pattern(sub.row_token, "row_token", _ROW_TOKEN, "an opaque token of 1-200 URL-safe characters")
        if _NIK_LIKE.search(row_token):
            raise StoreValidationError("row_token contains a 16-digit number: rows are referenced by token, never NIK")
    foto, foto_mime = _validate_photo(sub.foto, sub.foto_mime)
    if sub.persetujuan is not True:
        raise StoreValidationError("persetujuan (consent) must be given")
    return {
        "jenis": jenis,
        "kategori": kategori,
        "kode_desa": _pattern(sub.kode_desa, "kode_desa", _KODE_DESA, "a 10-digit desa code"),
        "periode": _pattern(sub.periode, "periode", _PERIODE, "a period 'YYYY-MM'"),
        "row_token": row_token,
        "deskripsi": _text(sub.deskripsi, "deskripsi", MAX_DESKRIPSI),
        "kontak": _optional_text(sub.kontak, "kontak", MAX_KONTAK),
        "foto": foto,
        "foto_mime": foto_mime,
        "idempotency_key": _pattern(
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
    return data, _choice(mime, "foto_mime", FOTO_MIME)


# --- migrations ---------------------------------------------------------------------------------------------


def load_migrations() -> list[Migration]:
    """The schema steps under portal/migrations, in version order."""
    steps = []
    for path in sorted(MIGRATION_DIR.glob("*.sql")):
        number, _, name = path.stem.partition("_")
        steps.append(Migration(int(number), name, path.read_text(encoding="utf-8")))
    versions = [step.version for step in steps]
    if len(set(versions)) != len(versions):
        raise StoreError(f"two migrations share a version: {versions}")
    return steps


def migration_statements(sql: str, tokens: dict[str, str]) -> list[str]:
    """A migration file as statements, with the dialect tokens ({{serial_pk}}, {{bytes}}) replaced."""
    text = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())

    def replace(match: re.Match[str]) -> str:
        if match.group(1) not in tokens:
            raise StoreError(f"unknown migration token {match.group(0)}")
        return tokens[match.group(1)]

    return [stmt.strip() for stmt in _TOKEN.sub(replace, text).split(";") if stmt.strip()]


# --- backends -----------------------------------------------------------------------------------------------


class _SQLite:
    """SQLite in WAL mode; a write is BEGIN IMMEDIATE ... COMMIT, waiting up to the busy timeout for the lock."""

    name = "sqlite"
    tokens: ClassVar[dict[str, str]] = {"serial_pk": "integer primary key autoincrement", "bytes": "blob"}
    error: type[Exception] = sqlite3.Error
    integrity_error: type[Exception] = sqlite3.IntegrityError

    def __init__(self, path: Path) -> None:
        self.path = path

    def connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        try:
            mode = conn.execute("pragma journal_mode = wal").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"SQLite refused WAL mode (journal_mode={mode})")
            conn.execute("pragma synchronous = full")  # the WAL is fsynced at every commit
            conn.execute(f"pragma busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("pragma foreign_keys = on")
        except BaseException:
            conn.close()
            raise
        return conn

    def sql(self, text: str) -> str:
        return text

    @contextmanager
    def transaction(self, conn: sqlite3.Connection) -> Iterator[None]:
        conn.execute("begin immediate")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute("rollback")
            raise
        conn.execute("commit")

    def lock_migrations(self, conn: sqlite3.Connection) -> None:
        pass  # BEGIN IMMEDIATE already excludes every other writer

    def reusable(self, conn: sqlite3.Connection) -> bool:
        return not conn.in_transaction

    def engine_check(self, conn: sqlite3.Connection) -> bool:
        rows = conn.execute("pragma integrity_check").fetchall()
        if [tuple(row) for row in rows] != [("ok",)]:
            return False
        return not conn.execute("pragma foreign_key_check").fetchall()


class _Postgres:
    """PostgreSQL through psycopg 3 in autocommit mode, with explicit transactions for writes."""

    name = "postgresql"
    tokens: ClassVar[dict[str, str]] = {
        "serial_pk": "bigint generated always as identity primary key",
        "bytes": "bytea",
    }

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise StoreError("PORTAL_DB_URL is PostgreSQL but psycopg is not installed") from exc
        self.url = url
        self.psycopg = psycopg
        self.error: type[Exception] = psycopg.Error
        self.integrity_error: type[Exception] = psycopg.IntegrityError
        self._sql: dict[str, str] = {}

    def connect(self) -> Any:
        conn = self.psycopg.connect(self.url, autocommit=True, connect_timeout=10, application_name="portal-store")
        # An acknowledgement means the commit is on the server's disk, whatever the server's default says.
        conn.execute("set synchronous_commit = on")
        return conn

    def sql(self, text: str) -> str:
        converted = self._sql.get(text)
        if converted is None:
            converted = self._sql[text] = _NAMED_PARAM.sub(r"%(\1)s", text)
        return converted

    @contextmanager
    def transaction(self, conn: Any) -> Iterator[None]:
        with conn.transaction():
            yield

    def lock_migrations(self, conn: Any) -> None:
        conn.execute("select pg_advisory_xact_lock(%(key)s)", {"key": _MIGRATION_LOCK})

    def reusable(self, conn: Any) -> bool:
        idle = self.psycopg.pq.TransactionStatus.IDLE
        return not conn.closed and not conn.broken and conn.info.transaction_status == idle

    def engine_check(self, conn: Any) -> bool:
        return True  # PostgreSQL checks its own pages; the logical checks below are what we can add


class _Pool:
    """A few idle connections kept for reuse; each connection serves one caller at a time."""

    def __init__(self, backend: _SQLite | _Postgres, size: int) -> None:
        self._backend = backend
        self._size = size
        self._idle: list[Any] = []
        self._lock = threading.Lock()
        self._closed = False

    @contextmanager
    def connection(self) -> Iterator[Any]:
        with self._lock:
            if self._closed:
                raise StoreError("the store is closed")
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = self._backend.connect()
        try:
            yield conn
        finally:
            self._release(conn)

    def _release(self, conn: Any) -> None:
        try:
            keep = self._backend.reusable(conn)
        except Exception:
            keep = False
        with self._lock:
            if keep and not self._closed and len(self._idle) < self._size:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


# --- the store ----------------------------------------------------------------------------------------------

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
_LOGICAL_CHECKS = (
    "select count(*) from (select idempotency_key from ticket group by idempotency_key having count(*) > 1) d",
    "select count(*) from (select code from ticket group by code having count(*) > 1) d",
    "select count(*) from status_change h where not exists (select 1 from ticket t where t.code = h.code)",
    "select count(*) from ticket_photo p where not exists (select 1 from ticket t where t.code = p.code)",
    "select count(*) from ticket t where not exists (select 1 from status_change h where h.code = t.code)",
    """select count(*) from ticket t
       where t.status <> (select h.status from status_change h where h.code = t.code order by h.id desc limit 1)""",
    "select count(*) from audit_log where id is null",
)


class Store:
    """Objections, proposals, their status history and the audit log; safe to share between threads."""

    def __init__(
        self, backend: _SQLite | _Postgres, *, clock: Callable[[], datetime] | None = None, pool_size: int = 8
    ):
        self._backend = backend
        self._pool = _Pool(backend, pool_size)
        # Tests replace the clock to make tickets old; everything the store dates goes through it.
        self.clock: Callable[[], datetime] = clock or _utc_now

    @property
    def backend(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self._backend.name

    def close(self) -> None:
        """Close the pooled connections; the store cannot be used afterwards."""
        self._pool.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self, conn: Any, sql: str, params: dict[str, Any] | None = None) -> Any:
        return conn.execute(self._backend.sql(sql), params) if params else conn.execute(sql)

    @contextmanager
    def _write(self) -> Iterator[Any]:
        with self._pool.connection() as conn, self._backend.transaction(conn):
            yield conn

    def migrate(self) -> list[int]:
        """Apply the migrations this database lacks (idempotent; serialised between processes); the new versions."""
        steps = load_migrations()
        with self._write() as conn:
            self._backend.lock_migrations(conn)
            self._run(
                conn,
                "create table if not exists schema_version "
                "(version integer primary key, name text not null, applied_at text not null)",
            )
            applied = {int(row[0]) for row in self._run(conn, "select version from schema_version").fetchall()}
            newest = max((step.version for step in steps), default=0)
            if applied and max(applied) > newest:
                raise StoreError(f"the database schema (version {max(applied)}) is newer than this code ({newest})")
            done = []
            for step in steps:
                if step.version in applied:
                    continue
                for statement in migration_statements(step.sql, self._backend.tokens):
                    self._run(conn, statement)
                self._run(
                    conn,
                    "insert into schema_version (version, name, applied_at) values (:version, :name, :at)",
                    {"version": step.version, "name": step.name, "at": _stamp(self.clock())},
                )
                done.append(step.version)
        return done

    def schema_version(self) -> int:
        """The newest migration applied to this database."""
        with self._pool.connection() as conn:
            return int(self._run(conn, "select coalesce(max(version), 0) from schema_version").fetchone()[0])

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
            "created_at": _stamp(now),
            "batas_waktu": _stamp(now + DEADLINE),
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
        return Ticket(params["code"], _parse(params["created_at"]), _parse(params["batas_waktu"]))

    def _ticket_for_key(self, key: str) -> Ticket | None:
        with self._pool.connection() as conn:
            return self._read_ticket_for_key(conn, key)

    def _read_ticket_for_key(self, conn: Any, key: str) -> Ticket | None:
        row = self._run(
            conn, "select code, created_at, batas_waktu from ticket where idempotency_key = :key", {"key": key}
        ).fetchone()
        return None if row is None else Ticket(row[0], _parse(row[1]), _parse(row[2]), replayed=True)

    # --- officials' writes ---

    def change_status(self, code: str, status: str, reason: str | None, actor: str) -> None:
        """Move a ticket to a new status, appending the history row in the same transaction."""
        normalised = normalise_ticket_code(code)
        if normalised is None:
            raise TicketNotFound("no ticket has this code")
        _choice(status, "status", STATUSES[1:])
        reason = _optional_text(reason, "reason", MAX_REASON)
        if status in NEEDS_REASON and reason is None:
            raise StoreValidationError(f"a reason is required for status {status!r}")
        actor = _text(actor, "actor", MAX_ACTOR)
        if not actor.strip():
            raise StoreValidationError("actor is required")
        at = _stamp(self.clock())
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
        history = [StatusChange(status, reason, _parse(at)) for status, reason, at in changes]
        return TicketView(
            code=row[0],
            jenis=row[1],
            kategori=row[2],
            kode_desa=row[3],
            periode=row[4],
            created_at=_parse(row[5]),
            status=row[6],
            batas_waktu=_parse(row[7]),
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
        prefix = _pattern(region_prefix, "region_prefix", _REGION, "a region code prefix of 0-10 digits")
        params: dict[str, Any] = {"lo": prefix.ljust(10, "0"), "hi": prefix.ljust(10, "9")}
        clauses = ["t.kode_desa between :lo and :hi"]  # a range, so the kode_desa index serves every level
        if status is not None:
            params["status"] = _choice(status, "status", STATUSES)
            clauses.append("t.status = :status")
        if kategori is not None:
            params["kategori"] = _choice(kategori, "kategori", KATEGORI)
            clauses.append("t.kategori = :kategori")
        if kode_desa is not None:
            params["kode_desa"] = _pattern(kode_desa, "kode_desa", _KODE_DESA, "a 10-digit desa code")
            clauses.append("t.kode_desa = :kode_desa")
        now = self.clock()
        if older_than_days is not None:
            if not isinstance(older_than_days, int) or isinstance(older_than_days, bool) or older_than_days < 0:
                raise StoreValidationError("older_than_days must be a whole number of days, 0 or more")
            params["cutoff"] = _stamp(now - timedelta(days=older_than_days))
            clauses.append("t.created_at < :cutoff")
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_QUEUE:
            raise StoreValidationError(f"limit must be between 1 and {MAX_QUEUE}")
        params["limit"] = limit
        sql = (
            f"select {_QUEUE_COLUMNS} from ticket t where {' and '.join(clauses)} "
            "order by t.created_at, t.code limit :limit"
        )
        with self._pool.connection() as conn:
            rows = self._run(conn, sql, params).fetchall()
        return [_queue_item(row, now) for row in rows]

    def count_by_region(self, region_prefix: str, code_length: int) -> dict[str, int]:
        """Tickets per region of one level under a prefix: {first `code_length` digits of kode_desa: count}."""
        prefix = _pattern(region_prefix, "region_prefix", _REGION, "a region code prefix of 0-10 digits")
        if code_length not in (2, 4, 6, 10) or code_length < len(prefix):
            raise StoreValidationError("code_length must be 2, 4, 6 or 10 and not shorter than the prefix")
        params = {"lo": prefix.ljust(10, "0"), "hi": prefix.ljust(10, "9"), "n": code_length}
        sql = (
            "select substr(kode_desa, 1, :n) as kode, count(*) from ticket "
            "where kode_desa between :lo and :hi group by substr(kode_desa, 1, :n)"
        )
        with self._pool.connection() as conn:
            rows = self._run(conn, sql, params).fetchall()
        return {str(kode): int(count) for kode, count in rows}

    # --- audit ---

    def audit(self, actor: str, action: str, region: str, detail: dict[str, Any]) -> None:
        """Append a line to the audit log (detail is stored as JSON text)."""
        actor = _text(actor, "actor", MAX_ACTOR, no_nik=False)
        action = _text(action, "action", MAX_ACTOR, no_nik=False)
        if not actor.strip() or not action.strip():
            raise StoreValidationError("actor and action are required")
        region = _pattern(region, "region", _REGION, "a region code of 0-10 digits")
        if not isinstance(detail, dict):
            raise StoreValidationError("detail must be a dict")
        try:
            text = json.dumps(detail, ensure_ascii=False, sort_keys=True, allow_nan=False)
            text.encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise StoreValidationError(f"detail cannot be stored as JSON: {exc}") from None
        if len(text) > MAX_AUDIT_DETAIL:
            raise StoreValidationError(f"detail is longer than {MAX_AUDIT_DETAIL} characters as JSON")
        params = {"at": _stamp(self.clock()), "actor": actor, "action": action, "region": region, "detail": text}
        with self._write() as conn:
            self._run(
                conn,
                "insert into audit_log (logged_at, actor, action, region, detail) "
                "values (:at, :actor, :action, :region, :detail)",
                params,
            )

    def audit_log(self, limit: int = 200) -> list[AuditEntry]:
        """The newest audit lines first."""
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_QUEUE:
            raise StoreValidationError(f"limit must be between 1 and {MAX_QUEUE}")
        with self._pool.connection() as conn:
            rows = self._run(
                conn,
                "select id, logged_at, actor, action, region, detail from audit_log order by id desc limit :limit",
                {"limit": limit},
            ).fetchall()
        return [AuditEntry(int(r[0]), _parse(r[1]), r[2], r[3], r[4], json.loads(r[5])) for r in rows]

    # --- other modules' tables ---

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Callable[..., Any]]:
        """A pooled connection as `run(sql, params=None)` (`:name` parameters; returns the cursor, read it inside the
        block) for modules keeping their own tables here, such as accounts; `write` makes the block one transaction."""
        with self._write() if write else self._pool.connection() as conn:
            yield lambda sql, params=None: self._run(conn, sql, params)

    # --- health ---

    def integrity_check(self) -> bool:
        """True when the database is sound: the engine's own check (SQLite) and the store's invariants."""
        newest = max((step.version for step in load_migrations()), default=0)
        try:
            with self._pool.connection() as conn:
                if not self._backend.engine_check(conn):
                    return False
                version = self._run(conn, "select max(version) from schema_version").fetchone()[0]
                if version is None or int(version) != newest:
                    return False
                return all(int(self._run(conn, sql).fetchone()[0]) == 0 for sql in _LOGICAL_CHECKS)
        except self._backend.error:
            return False


def _queue_item(row: tuple[Any, ...], now: datetime) -> QueueItem:
    batas_waktu = _parse(row[11])
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
        created_at=_parse(row[10]),
        batas_waktu=batas_waktu,
        overdue=row[9] in OPEN_STATUSES and batas_waktu < now,
    )


def open_store(url: str, *, clock: Callable[[], datetime] | None = None, pool_size: int = 8) -> Store:
    """Open (creating and migrating as needed) the store at `sqlite:///path` or `postgresql://...`."""
    if not isinstance(url, str):
        raise StoreError("the store URL must be text")
    backend: _SQLite | _Postgres
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :].split("?", 1)[0]
        if not path or path == ":memory:":
            raise StoreError("the SQLite store needs a file path (sqlite:///relative.db or sqlite:////absolute.db)")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        backend = _SQLite(Path(path))
    elif url.startswith(("postgresql://", "postgres://")):
        backend = _Postgres(url)
    else:
        scheme = url.split(":", 1)[0] if ":" in url else "(none)"
        raise StoreError(f"unsupported store URL scheme {scheme!r}: use sqlite:/// or postgresql://")
    store = Store(backend, clock=clock, pool_size=pool_size)
    try:
        store.migrate()
    except BaseException:
        store.close()
        raise
    return store
