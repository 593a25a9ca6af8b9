"""The Store: tickets, audit and migrations over one pooled backend, and open_store(url) that opens and migrates it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from portal.store import audit, sessions, tickets
from portal.store.audit import Auditing
from portal.store.backends import backend_for
from portal.store.lifecycle import Lifecycle
from portal.store.migrations import Migrating, load_migrations
from portal.store.outbox import Outbox
from portal.store.sessions import Sessions
from portal.store.throttles import Throttles
from portal.store.tickets import Tickets

# Each must count zero on a healthy database; any missing table makes the check fail with an error.
_LOGICAL_CHECKS = tickets.INTEGRITY_CHECKS + audit.INTEGRITY_CHECKS + sessions.INTEGRITY_CHECKS


class Store(Tickets, Lifecycle, Outbox, Auditing, Sessions, Throttles, Migrating):
    """Objections, proposals, their lifecycle and status history, the notification outbox, the audit log, staff
    sessions and throttle counters; safe to share between threads."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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


def open_store(url: str, *, clock: Callable[[], datetime] | None = None, pool_size: int = 8) -> Store:
    """Open (creating and migrating as needed) the store at `sqlite:///path` or `postgresql://...`."""
    store = Store(backend_for(url), clock=clock, pool_size=pool_size)
    try:
        store.migrate()
    except BaseException:
        store.close()
        raise
    return store
