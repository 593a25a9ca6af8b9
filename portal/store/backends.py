"""Connections: SQLite and PostgreSQL with their dialects, a small pool, and what the store's parts run on.

SQLite (WAL, `synchronous=FULL`, a busy timeout, `BEGIN IMMEDIATE` for writes) for `sqlite:///path` URLs and
PostgreSQL (psycopg 3, READ COMMITTED, `synchronous_commit=on`) for `postgresql://` URLs, through the same
statements (`:name` parameters) and the same migrations. Never DuckDB.

Connections come from a small pool, one connection per call at a time, so the store may be shared by threads
(Streamlit runs every rerun in a fresh thread; a connection per thread would leak one per rerun).
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from portal.store.common import StoreError, utc_now

BUSY_TIMEOUT_S = 30.0
_MIGRATION_LOCK = 7_316_401  # any constant: PostgreSQL advisory lock that serialises migrations
_NAMED_PARAM = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")


class SQLite:
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


class Postgres:
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


class Pool:
    """A few idle connections kept for reuse; each connection serves one caller at a time."""

    def __init__(self, backend: Backend, size: int) -> None:
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


Backend = SQLite | Postgres


def backend_for(url: str) -> Backend:
    """The backend a store URL names: `sqlite:///path` or `postgresql://...`."""
    if not isinstance(url, str):
        raise StoreError("the store URL must be text")
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :].split("?", 1)[0]
        if not path or path == ":memory:":
            raise StoreError("the SQLite store needs a file path (sqlite:///relative.db or sqlite:////absolute.db)")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SQLite(Path(path))
    if url.startswith(("postgresql://", "postgres://")):
        return Postgres(url)
    scheme = url.split(":", 1)[0] if ":" in url else "(none)"
    raise StoreError(f"unsupported store URL scheme {scheme!r}: use sqlite:/// or postgresql://")


class Connected:
    """A pool of connections to one backend and a clock: what the store's tickets, audit and migrations run on."""

    def __init__(self, backend: Backend, *, clock: Callable[[], datetime] | None = None, pool_size: int = 8):
        self._backend = backend
        self._pool = Pool(backend, pool_size)
        # Tests replace the clock to make tickets old; everything the store dates goes through it.
        self.clock: Callable[[], datetime] = clock or utc_now

    @property
    def backend(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self._backend.name

    def close(self) -> None:
        """Close the pooled connections; the store cannot be used afterwards."""
        self._pool.close()

    def _run(self, conn: Any, sql: str, params: dict[str, Any] | None = None) -> Any:
        return conn.execute(self._backend.sql(sql), params) if params else conn.execute(sql)

    @contextmanager
    def _write(self) -> Iterator[Any]:
        with self._pool.connection() as conn, self._backend.transaction(conn):
            yield conn

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Callable[..., Any]]:
        """A pooled connection as `run(sql, params=None)` (`:name` parameters; returns the cursor, read it inside the
        block) for modules keeping their own tables here, such as accounts; `write` makes the block one transaction."""
        with self._write() if write else self._pool.connection() as conn:
            yield lambda sql, params=None: self._run(conn, sql, params)
