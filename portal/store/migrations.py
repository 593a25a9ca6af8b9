"""The store's schema: the steps in `portal/migrations/<version>_<name>.sql`, applied once each and recorded in
`schema_version`, with dialect tokens ({{serial_pk}}, {{bytes}}) replaced per backend."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from portal.store.backends import Connected
from portal.store.common import StoreError, stamp

MIGRATION_DIR = Path(__file__).resolve().parents[1] / "migrations"
_TOKEN = re.compile(r"\{\{([a-z_]+)\}\}")


@dataclass(frozen=True)
class Migration:
    """One schema step: `portal/migrations/<version>_<name>.sql`."""

    version: int
    name: str
    sql: str


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


class Migrating(Connected):
    """The store's migrate() and schema_version()."""

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
                    {"version": step.version, "name": step.name, "at": stamp(self.clock())},
                )
                done.append(step.version)
        return done

    def schema_version(self) -> int:
        """The newest migration applied to this database."""
        with self._pool.connection() as conn:
            return int(self._run(conn, "select coalesce(max(version), 0) from schema_version").fetchone()[0])
