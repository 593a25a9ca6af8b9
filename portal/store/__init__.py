"""The transactional store for what the public writes: objections and proposals, their history, an audit log.

SQLite or PostgreSQL (`backends`), never DuckDB; the schema in `portal/migrations/*.sql` (`migrations`); tickets
(`tickets`) and the audit log (`audit`) as the Store's methods (`core`); errors, time stamps and field checks shared
by all of them and by modules keeping their own tables here, such as accounts (`common`).
"""

from portal.store.audit import MAX_AUDIT_DETAIL, AuditEntry
from portal.store.common import (
    MAX_ACTOR,
    MAX_QUEUE,
    StoreError,
    StoreValidationError,
    parse_stamp,
    stamp,
    utc_now,
)
from portal.store.core import Store, open_store
from portal.store.lifecycle import LifecycleRefused, SweepResult
from portal.store.migrations import Migration, load_migrations, migration_statements
from portal.store.outbox import OUTBOX_STATUSES, OutboxMessage, OutboxRow, contact_address
from portal.store.tickets import (
    DEADLINE,
    FOTO_MIME,
    INITIAL_STATUS,
    JENIS,
    KATEGORI,
    MAX_DESKRIPSI,
    MAX_FOTO,
    MAX_KONTAK,
    MAX_REASON,
    NEEDS_REASON,
    OPEN_STATUSES,
    PROGRESS_STATUSES,
    PUBLIC_ACTOR,
    STATUSES,
    USUL_ONLY,
    AppealView,
    QueueItem,
    StatusChange,
    Submission,
    Ticket,
    TicketNotFound,
    TicketView,
    format_ticket_code,
    new_ticket_code,
    normalise_ticket_code,
    validate_submission,
)

__all__ = [
    "DEADLINE",
    "FOTO_MIME",
    "INITIAL_STATUS",
    "JENIS",
    "KATEGORI",
    "MAX_ACTOR",
    "MAX_AUDIT_DETAIL",
    "MAX_DESKRIPSI",
    "MAX_FOTO",
    "MAX_KONTAK",
    "MAX_QUEUE",
    "MAX_REASON",
    "NEEDS_REASON",
    "OPEN_STATUSES",
    "OUTBOX_STATUSES",
    "PROGRESS_STATUSES",
    "PUBLIC_ACTOR",
    "STATUSES",
    "USUL_ONLY",
    "AppealView",
    "AuditEntry",
    "LifecycleRefused",
    "Migration",
    "OutboxMessage",
    "OutboxRow",
    "QueueItem",
    "StatusChange",
    "Store",
    "StoreError",
    "StoreValidationError",
    "Submission",
    "SweepResult",
    "Ticket",
    "TicketNotFound",
    "TicketView",
    "contact_address",
    "format_ticket_code",
    "load_migrations",
    "migration_statements",
    "new_ticket_code",
    "normalise_ticket_code",
    "open_store",
    "parse_stamp",
    "stamp",
    "utc_now",
    "validate_submission",
]
