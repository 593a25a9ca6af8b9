"""`python -m portal users ...`: manage staff accounts and OpenID Connect identities in the store's database.

A password is read from the terminal (asked twice, not echoed) or, with --password-stdin, from standard input;
never from the command line, where every user of the machine could read it in `ps`.
"""

from __future__ import annotations

import argparse
import getpass
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from portal.access import ROLES
from portal.accounts import (
    AccountError,
    Accounts,
    check_password_policy,
    make_scope,
    normalise_username,
    parse_identity,
)
from portal.config import Settings
from portal.store import Store, StoreError, open_store

_ROLE_HELP = f"one of {', '.join(ROLES)}"
_REGION_HELP = "Kemendagri code: none for pusat, 2 digits provinsi, 4 kabupaten, 6 kecamatan, 10 desa"


class UsersError(Exception):
    """A user-facing failure: printed as one line, exit status 2."""


def add_users_parser(subparsers: Any) -> None:
    """Register `users` and its subcommands on the main parser's subparsers."""
    users = subparsers.add_parser("users", help="staff accounts (local logins and OpenID Connect identities)")
    sub = users.add_subparsers(dest="users_command", required=True)

    add = sub.add_parser("add", help="add a local user (password asked twice, or --password-stdin)")
    add.add_argument("name", help="3-64 characters of a-z, 0-9, '.', '_' or '-'")
    _scope_options(add)
    _password_option(add)

    passwd = sub.add_parser("passwd", help="set a user's password (and lift a lock)")
    passwd.add_argument("name")
    _password_option(passwd)

    scope = sub.add_parser("scope", help="give a user another role and region")
    scope.add_argument("name")
    _scope_options(scope)

    for command, text in (("disable", "refuse every future login of a user"), ("enable", "allow it again")):
        sub.add_parser(command, help=text).add_argument("name")

    sub.add_parser("list", help="list users and mapped identities (never passwords)")

    oidc = sub.add_parser("map-oidc", help="map an OpenID Connect identity (st.login) to a role and region")
    oidc.add_argument("identity", metavar="EMAIL", help="a verified e-mail address, or sub:SUBJECT")
    _scope_options(oidc)

    unmap = sub.add_parser("unmap-oidc", help="remove an identity's mapping")
    unmap.add_argument("identity", metavar="EMAIL", help="a mapped e-mail address, or sub:SUBJECT")


def _scope_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--role", required=True, help=_ROLE_HELP)
    parser.add_argument("--region", default="", help=_REGION_HELP)


def _password_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input (one line)"
    )


def run_users(args: argparse.Namespace, settings: Settings) -> int:
    """Run one `users` subcommand; any expected failure is raised as a UsersError (the caller prints it as one
    English line and exits with status 2)."""
    try:
        return _dispatch(args, settings)
    except AccountError as exc:
        raise UsersError(str(exc)) from None
    except KeyboardInterrupt:
        print("interrupted; nothing was changed", file=sys.stderr)
        return 130


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    command = args.users_command
    password = None
    # Everything that can be checked without the database is checked before a password is asked for.
    if command in ("add", "passwd", "scope", "disable", "enable"):
        name = normalise_username(args.name)
        if command in ("add", "scope"):
            make_scope(args.role, args.region, name)
        if command in ("add", "passwd"):
            password = check_password_policy(_read_password(args.password_stdin))
    elif command in ("map-oidc", "unmap-oidc"):
        parse_identity(args.identity)
        if command == "map-oidc":
            make_scope(args.role, args.region, "check")

    with _opened_store(settings) as store:
        try:
            return _apply(Accounts(store), args, password, _actor())
        except _database_errors() as exc:
            raise UsersError(f"the account database failed: {_first_line(exc)}") from None


def _apply(accounts: Accounts, args: argparse.Namespace, password: str | None, actor: str) -> int:
    command = args.users_command
    if command == "add":
        scope = accounts.create_user(args.name, password, args.role, args.region, actor=actor)
        print(f"added {scope.user} ({_scope_text(scope.role, scope.region)})")
    elif command == "passwd":
        accounts.set_password(args.name, password, actor=actor)
        print(f"password of {args.name.lower()} changed")
    elif command == "scope":
        scope = accounts.set_scope(args.name, args.role, args.region, actor=actor)
        print(f"{scope.user} is now {_scope_text(scope.role, scope.region)}")
    elif command == "disable":
        accounts.disable_user(args.name, actor=actor)
        print(f"{args.name.lower()} disabled")
    elif command == "enable":
        accounts.enable_user(args.name, actor=actor)
        print(f"{args.name.lower()} enabled")
    elif command == "list":
        _print_list(accounts)
    elif command == "map-oidc":
        scope = accounts.map_identity(args.identity, args.role, args.region, actor=actor)
        print(f"{scope.user} mapped to {_scope_text(scope.role, scope.region)}")
    elif command == "unmap-oidc":
        accounts.unmap_identity(args.identity, actor=actor)
        print(f"{args.identity.strip()} unmapped")
    return 0


def _print_list(accounts: Accounts) -> None:
    now = datetime.now(UTC)
    users = accounts.list_users()
    identities = accounts.list_identities()
    rows = [("USER", "ROLE", "REGION", "STATUS", "LAST LOGIN")]
    for user in users:
        status = "disabled" if user.disabled else "active"
        if not user.disabled and user.locked(now):
            status = f"locked until {_when(user.locked_until)}"
        rows.append((user.username, user.role, user.region or "-", status, _when(user.last_login_at)))
    _print_table(rows if users else [("(no local users)",)])
    print()
    rows = [("OIDC IDENTITY", "ROLE", "REGION")]
    rows += [(item.user, item.role, item.region or "-") for item in identities]
    _print_table(rows if identities else [("(no OpenID Connect identities mapped)",)])


def _print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(max(len(r) for r in rows))]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def _scope_text(role: str, region: str) -> str:
    return f"{role}, all regions" if not region else f"{role}, region {region}"


def _read_password(from_stdin: bool) -> str:
    """The new password: one line of standard input, or typed twice at the terminal without echo."""
    if from_stdin:
        data = sys.stdin.buffer.read(64 * 1024)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise UsersError("the password on standard input is not UTF-8 text") from None
        text = text.removesuffix("\n").removesuffix("\r")  # the newline `echo` or a file adds
        if not text:
            raise UsersError("no password on standard input")
        return text
    if not sys.stdin.isatty():
        raise UsersError("standard input is not a terminal: pipe the password in with --password-stdin")
    try:
        first = getpass.getpass("New password: ")
        second = getpass.getpass("Repeat the password: ")
    except EOFError:
        raise UsersError("no password given") from None
    if first != second:
        raise UsersError("the two passwords differ; nothing was changed")
    return first


def _actor() -> str:
    """Who ran the command, for the audit log."""
    try:
        name = getpass.getuser()
    except Exception:  # no USER/LOGNAME and no passwd entry, as in some containers
        name = "unknown"
    return f"cli:{name}"[:200]


def _database_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [StoreError, sqlite3.Error, OSError]
    try:
        import psycopg
    except ImportError:  # pragma: no cover - depends on the installation
        pass
    else:
        errors.append(psycopg.Error)
    return tuple(errors)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


@contextmanager
def _opened_store(settings: Settings) -> Iterator[Store]:
    """The store at settings.db_url; a failure to open it becomes one line that never echoes the URL."""
    try:
        store = open_store(settings.db_url)
    except _database_errors() as exc:
        raise UsersError(f"cannot open the account database (PORTAL_DB_URL): {_first_line(exc)}") from None
    try:
        yield store
    finally:
        store.close()
