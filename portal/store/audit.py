"""The audit log: who did what, where, with a JSON detail; appended by pages and accounts, read by Log Audit."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from portal.store.backends import Connected
from portal.store.common import (
    MAX_ACTOR,
    REGION,
    StoreValidationError,
    check_limit,
    check_pattern,
    check_text,
    parse_stamp,
    stamp,
)

MAX_AUDIT_DETAIL = 100_000
# Each must count zero on a healthy database; a missing table makes the check fail with an error.
INTEGRITY_CHECKS = ("select count(*) from audit_log where id is null",)
INSERT_AUDIT = (
    "insert into audit_log (logged_at, actor, action, region, detail) values (:at, :actor, :action, :region, :detail)"
)


def audit_params(at: str, actor: str, action: str, region: str, detail: dict[str, Any]) -> dict[str, Any]:
    """INSERT_AUDIT's parameters for a line written inside another change's transaction (store-made detail)."""
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True, allow_nan=False)
    return {"at": at, "actor": actor, "action": action, "region": region, "detail": text}


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    id: int
    time: datetime
    actor: str
    action: str
    region: str
    detail: dict[str, Any]


class Auditing(Connected):
    """The store's audit() and audit_log()."""

    def audit(self, actor: str, action: str, region: str, detail: dict[str, Any]) -> None:
        """Append a line to the audit log (detail is stored as JSON text)."""
        actor = check_text(actor, "actor", MAX_ACTOR, no_nik=False)
        action = check_text(action, "action", MAX_ACTOR, no_nik=False)
        if not actor.strip() or not action.strip():
            raise StoreValidationError("actor and action are required")
        region = check_pattern(region, "region", REGION, "a region code of 0-10 digits")
        if not isinstance(detail, dict):
            raise StoreValidationError("detail must be a dict")
        try:
            text = json.dumps(detail, ensure_ascii=False, sort_keys=True, allow_nan=False)
            text.encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise StoreValidationError(f"detail cannot be stored as JSON: {exc}") from None
        if len(text) > MAX_AUDIT_DETAIL:
            raise StoreValidationError(f"detail is longer than {MAX_AUDIT_DETAIL} characters as JSON")
        params = {"at": stamp(self.clock()), "actor": actor, "action": action, "region": region, "detail": text}
        with self._write() as conn:
            self._run(conn, INSERT_AUDIT, params)

    def audit_log(self, limit: int = 200) -> list[AuditEntry]:
        """The newest audit lines first."""
        check_limit(limit)
        with self._pool.connection() as conn:
            rows = self._run(
                conn,
                "select id, logged_at, actor, action, region, detail from audit_log order by id desc limit :limit",
                {"limit": limit},
            ).fetchall()
        return [AuditEntry(int(r[0]), parse_stamp(r[1]), r[2], r[3], r[4], json.loads(r[5])) for r in rows]
