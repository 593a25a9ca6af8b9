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
MAX_OFFSET = 10_000_000
MAX_FACETS = 1_000  # the most distinct officials or actions a filter offers
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


@dataclass(frozen=True)
class AuditFilter:
    """What Log Audit narrows the log to; None means no condition. `since` and `until` are aware datetimes (a
    half-open range, until excluded); `region` keeps lines logged for that region or any region under it."""

    since: datetime | None = None
    until: datetime | None = None
    actor: str | None = None
    action: str | None = None
    region: str | None = None

    def where(self) -> tuple[str, dict[str, Any]]:
        """The WHERE clause (always bound parameters) and its parameters."""
        clauses, params = ["1 = 1"], {}
        if self.since is not None:
            clauses.append("logged_at >= :since")
            params["since"] = _moment(self.since, "since")
        if self.until is not None:
            clauses.append("logged_at < :until")
            params["until"] = _moment(self.until, "until")
        if self.actor is not None:
            clauses.append("actor = :actor")
            params["actor"] = check_text(self.actor, "actor", MAX_ACTOR, no_nik=False)
        if self.action is not None:
            clauses.append("action = :action")
            params["action"] = check_text(self.action, "action", MAX_ACTOR, no_nik=False)
        if self.region is not None:
            region = check_pattern(self.region, "region", REGION, "a region code of 0-10 digits")
            if region:  # digits only, so the pattern has no wildcard but its own trailing one
                clauses.append("region like :region_like")
                params["region_like"] = region + "%"
        return " and ".join(clauses), params


@dataclass(frozen=True)
class AuditPage:
    """One page of a filtered audit log, newest first, and how many lines the filter matches in all."""

    entries: list[AuditEntry]
    total: int


def _moment(value: object, name: str) -> str:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise StoreValidationError(f"{name} must be an aware datetime")
    return stamp(value)


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(int(row[0]), parse_stamp(row[1]), row[2], row[3], row[4], json.loads(row[5]))


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
        return [_entry(r) for r in rows]

    def audit_search(self, where: AuditFilter | None = None, *, limit: int = 100, offset: int = 0) -> AuditPage:
        """The lines `where` keeps, newest first, `limit` of them from `offset`, and their total count."""
        where = where or AuditFilter()
        if not isinstance(where, AuditFilter):
            raise StoreValidationError("where must be an AuditFilter")
        clause, params = where.where()
        check_limit(limit)
        if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= MAX_OFFSET:
            raise StoreValidationError(f"offset must be between 0 and {MAX_OFFSET}")
        select = "select id, logged_at, actor, action, region, detail from audit_log"
        with self._pool.connection() as conn:
            total = self._run(conn, f"select count(*) from audit_log where {clause}", params).fetchone()[0]
            rows = self._run(
                conn,
                f"{select} where {clause} order by id desc limit :limit offset :offset",
                {**params, "limit": limit, "offset": offset},
            ).fetchall()
        return AuditPage([_entry(r) for r in rows], int(total))

    def audit_facets(self) -> tuple[list[str], list[str]]:
        """The officials (actors) and the actions that occur in the log, each sorted, for filter choices."""
        with self._pool.connection() as conn:
            actors = self._run(
                conn, "select distinct actor from audit_log order by actor limit :n", {"n": MAX_FACETS}
            ).fetchall()
            actions = self._run(
                conn, "select distinct action from audit_log order by action limit :n", {"n": MAX_FACETS}
            ).fetchall()
        return [r[0] for r in actors], [r[0] for r in actions]
