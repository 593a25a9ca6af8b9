"""Staff accounts on SQLite (always) and PostgreSQL (when PORTAL_TEST_PG_URL is set): password hashing, login with
lockout, OIDC identities, and `python -m portal users` end to end. No test times anything: that an unknown user
costs as much as a known one is shown by counting runs of the KDF and their parameters."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from portal import accounts as accounts_mod
from portal.access import Scope
from portal.accounts import (
    DEFAULT_PARAMS,
    LOCKOUT,
    MAX_FAILURES,
    UNKNOWN_ACTOR,
    AccountError,
    Accounts,
    ScryptParams,
    UnknownUser,
    check_password,
    hash_password,
    needs_rehash,
    oidc_claims,
    parse_hash,
)
from portal.store import Store, load_migrations, open_store
from tests.test_store import fresh_url, raw_sql

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "kuda-laut 7 Merapi!"
OTHER = "correct horse battery staple"
NOW = datetime(2026, 9, 30, 8, 0, tzinfo=UTC)
HASH_SHAPE = re.compile(r"scrypt\$32768\$8\$1\$([A-Za-z0-9+/]{22}==)\$([A-Za-z0-9+/]{43}=)")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend."""
    with fresh_url(request.param, tmp_path) as db_url:
        yield db_url


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    opened = open_store(url)
    yield opened
    opened.close()


@pytest.fixture
def accounts(store: Store) -> Accounts:
    return Accounts(store)


@pytest.fixture
def kdf_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """A spy on hashlib.scrypt: the keyword arguments (n, r, p, maxmem, dklen) of every run."""
    calls: list[dict[str, Any]] = []
    real = hashlib.scrypt

    def spy(password: bytes, **kwargs: Any) -> bytes:
        calls.append(kwargs)
        return real(password, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", spy)
    return calls


def dump(url: str) -> str:
    """Every row of the account tables and the audit log, as text."""
    rows = []
    for table in ("staff_user", "oidc_identity", "audit_log"):
        rows += raw_sql(url, f"select * from {table}")
    return repr(rows)


def audit_rows(url: str) -> list[tuple[Any, ...]]:
    return raw_sql(url, "select actor, action, region, detail from audit_log order by id")


# --- the KDF ------------------------------------------------------------------------------------------------


def test_hash_format_and_salting() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert HASH_SHAPE.fullmatch(first) and HASH_SHAPE.fullmatch(second)
    assert first != second  # a fresh 16-byte salt each time
    params, salt, key = parse_hash(first)  # type: ignore[misc]
    assert params == DEFAULT_PARAMS == ScryptParams(n=2**15, r=8, p=1, salt_bytes=16, key_bytes=32)
    assert len(salt) == 16 and len(key) == 32
    assert key == hashlib.scrypt(PASSWORD.encode(), salt=salt, n=2**15, r=8, p=1, maxmem=2**26, dklen=32)
    assert PASSWORD not in first
    assert check_password(PASSWORD, first) and check_password(PASSWORD, second)
    assert not check_password(PASSWORD + " ", first)
    assert not check_password(PASSWORD.upper(), first)


def test_kdf_runs_with_a_memory_limit(kdf_calls: list[dict[str, Any]]) -> None:
    hash_password(PASSWORD)
    assert kdf_calls == [
        {"salt": kdf_calls[0]["salt"], "n": 2**15, "r": 8, "p": 1, "maxmem": kdf_calls[0]["maxmem"], "dklen": 32}
    ]
    assert 128 * 8 * 2**15 < kdf_calls[0]["maxmem"] <= 64 * 2**20


def test_parameters_can_be_raised_later() -> None:
    old = hash_password(PASSWORD, ScryptParams(n=2**14))
    assert old.startswith("scrypt$16384$8$1$")
    assert check_password(PASSWORD, old)  # verified with the parameters stored in the hash
    assert needs_rehash(old) and not needs_rehash(hash_password(PASSWORD))


def test_unicode_passwords_are_normalised() -> None:
    stored = hash_password("ﬁlsafat Ⅻ café ok")  # ligature, roman numeral, composed é
    assert check_password("filsafat XII cafe\u0301 ok", stored)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "plain text password",
        "scrypt$32768$8$1$AAAA$AAAA",  # salt and key too short
        "scrypt$1048577$8$1$" + "A" * 22 + "==$" + "A" * 43 + "=",  # n not a power of two
        "scrypt$4194304$8$1$" + "A" * 22 + "==$" + "A" * 43 + "=",  # n far too costly
        "scrypt$32768$8$99$" + "A" * 22 + "==$" + "A" * 43 + "=",
        "scrypt$032768$8$1$" + "A" * 22 + "==$" + "A" * 43 + "=",
        "scrypt$32768$8$1$" + "!" * 24 + "$" + "A" * 43 + "=",
        "bcrypt$32768$8$1$" + "A" * 22 + "==$" + "A" * 43 + "=",
        None,
    ],
)
def test_malformed_hashes_never_match_but_cost_the_same(bad: object, kdf_calls: list[dict[str, Any]]) -> None:
    assert parse_hash(bad) is None
    assert check_password(PASSWORD, bad) is False  # type: ignore[arg-type]
    assert [(c["n"], c["r"], c["p"]) for c in kdf_calls] == [(2**15, 8, 1)]


# --- managing users -----------------------------------------------------------------------------------------


def test_create_and_login(accounts: Accounts, url: str) -> None:
    created = accounts.create_user("Budi.Santoso", PASSWORD, "kabupaten", "3471")
    assert created == Scope("kabupaten", "3471", "budi.santoso")
    assert accounts.verify_login("budi.santoso", PASSWORD, now=NOW) == created
    assert accounts.verify_login("BUDI.SANTOSO", PASSWORD, now=NOW) == created
    stored = raw_sql(url, "select password_hash from staff_user")[0][0]
    assert HASH_SHAPE.fullmatch(stored)
    assert PASSWORD not in dump(url)
    info = accounts.get_user("budi.santoso")
    assert info is not None and info.last_login_at == NOW and info.failed_logins == 0


def test_list_users_never_shows_the_hash(accounts: Accounts) -> None:
    accounts.create_user("siti", PASSWORD, "pusat", "")
    accounts.create_user("agus", OTHER, "desa", "3471011001")
    users = accounts.list_users()
    assert [(u.username, u.role, u.region, u.disabled) for u in users] == [
        ("agus", "desa", "3471011001", False),
        ("siti", "pusat", "", False),
    ]
    assert "scrypt" not in repr(users) and not any(hasattr(u, "password_hash") for u in users)


@pytest.mark.parametrize(
    ("username", "password", "role", "region", "message"),
    [
        ("ab", PASSWORD, "pusat", "", "username must be 3-64 characters"),
        ("a" * 65, PASSWORD, "pusat", "", "username must be 3-64 characters"),
        ("budi santoso", PASSWORD, "pusat", "", "username must be 3-64 characters"),
        ("budi@x", PASSWORD, "pusat", "", "username must be 3-64 characters"),
        ("\u212aaren", PASSWORD, "pusat", "", "username must be 3-64 characters"),  # Kelvin sign lower()s to k
        ("budi", "short pass", "pusat", "", "at least 12 characters"),
        ("budi", "x" * 1025, "pusat", "", "at most 1024 characters"),
        ("budi", PASSWORD + "\n", "pusat", "", "control character"),
        ("budi", None, "pusat", "", "password must be text"),
        ("budi", PASSWORD, "admin", "", "role must be one of"),
        ("budi", PASSWORD, "provinsi", "3471", "role provinsi needs a region code of 2 digits"),
        ("budi", PASSWORD, "pusat", "34", "role pusat needs an empty region"),
    ],
)
def test_create_refuses_bad_input(
    accounts: Accounts, url: str, username: str, password: str, role: str, region: str, message: str
) -> None:
    with pytest.raises(AccountError, match=message):
        accounts.create_user(username, password, role, region)
    assert raw_sql(url, "select count(*) from staff_user")[0][0] == 0


def test_duplicate_names_are_refused(accounts: Accounts) -> None:
    accounts.create_user("budi", PASSWORD, "pusat", "")
    with pytest.raises(AccountError, match="user 'budi' already exists"):
        accounts.create_user("BUDI", OTHER, "desa", "3471011001")
    assert accounts.verify_login("budi", PASSWORD, now=NOW) == Scope("pusat", "", "budi")


def test_unknown_users_are_reported(accounts: Accounts) -> None:
    for change in (
        lambda: accounts.set_password("nobody", PASSWORD),
        lambda: accounts.set_scope("nobody", "pusat", ""),
        lambda: accounts.disable_user("nobody"),
        lambda: accounts.enable_user("nobody"),
    ):
        with pytest.raises(UnknownUser, match="no user named 'nobody'"):
            change()
    assert accounts.get_user("nobody") is None


def test_set_password_and_scope(accounts: Accounts, url: str) -> None:
    accounts.create_user("budi", PASSWORD, "kabupaten", "3471")
    accounts.set_password("budi", OTHER)
    assert accounts.verify_login("budi", PASSWORD, now=NOW) is None
    assert accounts.verify_login("budi", OTHER, now=NOW) == Scope("kabupaten", "3471", "budi")
    assert accounts.set_scope("budi", "kecamatan", "347101") == Scope("kecamatan", "347101", "budi")
    assert accounts.verify_login("budi", OTHER, now=NOW) == Scope("kecamatan", "347101", "budi")
    with pytest.raises(AccountError, match="role kecamatan needs a region code of 6 digits"):
        accounts.set_scope("budi", "kecamatan", "3471")
    with pytest.raises(AccountError, match="at least 12"):
        accounts.set_password("budi", "short")
    assert PASSWORD not in dump(url) and OTHER not in dump(url)


def test_open_sessions_follow_changes(accounts: Accounts) -> None:
    accounts.create_user("budi", PASSWORD, "kabupaten", "3471")
    assert accounts.active_scope("budi") == Scope("kabupaten", "3471", "budi")
    accounts.set_scope("budi", "kecamatan", "347101")
    assert accounts.active_scope("BUDI") == Scope("kecamatan", "347101", "budi")
    for i in range(MAX_FAILURES):
        accounts.verify_login("budi", f"wrong guess {i:04}", now=NOW)
    assert accounts.active_scope("budi") is not None  # someone else's guessing does not end the owner's session
    accounts.disable_user("budi")
    assert accounts.active_scope("budi") is None
    assert accounts.active_scope("nobody") is None and accounts.active_scope("not a name") is None


def test_disabled_users_cannot_log_in(accounts: Accounts, kdf_calls: list[dict[str, Any]]) -> None:
    accounts.create_user("budi", PASSWORD, "desa", "3471011001")
    accounts.disable_user("budi")
    kdf_calls.clear()
    assert accounts.verify_login("budi", PASSWORD, now=NOW) is None
    assert len(kdf_calls) == 1  # still costs one KDF run
    assert accounts.get_user("budi").disabled  # type: ignore[union-attr]
    accounts.enable_user("budi")
    assert accounts.verify_login("budi", PASSWORD, now=NOW) == Scope("desa", "3471011001", "budi")


# --- login, lockout and timing ------------------------------------------------------------------------------


def test_lockout_after_five_failures_in_a_row(accounts: Accounts) -> None:
    accounts.create_user("budi", PASSWORD, "provinsi", "34")
    for i in range(MAX_FAILURES - 1):
        assert accounts.verify_login("budi", f"wrong guess {i:04}", now=NOW) is None
    assert accounts.get_user("budi").failed_logins == MAX_FAILURES - 1  # type: ignore[union-attr]
    assert accounts.verify_login("budi", "wrong guess 0005", now=NOW) is None  # the fifth locks
    info = accounts.get_user("budi")
    assert info is not None and info.locked(NOW) and info.locked_until == NOW + LOCKOUT
    # Locked: even the right password fails, and guesses meanwhile neither count nor extend the lock.
    assert accounts.verify_login("budi", PASSWORD, now=NOW + timedelta(minutes=1)) is None
    assert accounts.verify_login("budi", "wrong guess 0006", now=NOW + timedelta(minutes=14)) is None
    assert accounts.verify_login("budi", PASSWORD, now=NOW + LOCKOUT - timedelta(seconds=1)) is None
    assert accounts.get_user("budi").locked_until == NOW + LOCKOUT  # type: ignore[union-attr]
    # Fifteen minutes on, the right password works and the count starts again.
    assert accounts.verify_login("budi", PASSWORD, now=NOW + LOCKOUT) == Scope("provinsi", "34", "budi")
    info = accounts.get_user("budi")
    assert info is not None and info.failed_logins == 0 and info.locked_until is None


def test_lock_lifts_by_itself_and_gives_five_more_tries(accounts: Accounts) -> None:
    accounts.create_user("budi", PASSWORD, "provinsi", "34")
    for i in range(MAX_FAILURES):
        accounts.verify_login("budi", f"wrong guess {i:04}", now=NOW)
    later = NOW + LOCKOUT + timedelta(seconds=1)
    for i in range(MAX_FAILURES - 1):
        assert accounts.verify_login("budi", f"again wrong {i:04}", now=later) is None
    assert not accounts.get_user("budi").locked(later)  # type: ignore[union-attr]
    accounts.verify_login("budi", "again wrong 0005", now=later)
    assert accounts.get_user("budi").locked(later)  # type: ignore[union-attr]


def test_failures_must_be_in_a_row(accounts: Accounts) -> None:
    accounts.create_user("budi", PASSWORD, "provinsi", "34")
    for _round in range(3):
        for i in range(MAX_FAILURES - 1):
            assert accounts.verify_login("budi", f"wrong guess {i:04}", now=NOW) is None
        assert accounts.verify_login("budi", PASSWORD, now=NOW) is not None


def test_a_new_password_lifts_the_lock(accounts: Accounts) -> None:
    accounts.create_user("budi", PASSWORD, "provinsi", "34")
    for i in range(MAX_FAILURES):
        accounts.verify_login("budi", f"wrong guess {i:04}", now=NOW)
    accounts.set_password("budi", OTHER)
    assert accounts.verify_login("budi", OTHER, now=NOW + timedelta(minutes=1)) is not None


def test_every_login_runs_the_kdf_once(accounts: Accounts, kdf_calls: list[dict[str, Any]]) -> None:
    accounts.create_user("budi", PASSWORD, "provinsi", "34")
    attempts = {
        "known, right password": ("budi", PASSWORD),
        "known, wrong password": ("budi", OTHER),
        "unknown user": ("nobody", PASSWORD),
        "malformed username": ("not a name!", PASSWORD),
        "empty": ("", ""),
        "not text": (None, None),
        "10 kB password": ("budi", "x" * 10_000),
    }
    for label, (username, password) in attempts.items():
        kdf_calls.clear()
        accounts.verify_login(username, password, now=NOW)  # type: ignore[arg-type]
        # The same number of runs with the same cost parameters: unknown names take as long as known ones.
        assert [(c["n"], c["r"], c["p"], c["dklen"]) for c in kdf_calls] == [(2**15, 8, 1, 32)], label


def test_locked_accounts_still_run_the_kdf(accounts: Accounts, kdf_calls: list[dict[str, Any]]) -> None:
    accounts.create_user("budi", PASSWORD, "provinsi", "34")
    for i in range(MAX_FAILURES):
        accounts.verify_login("budi", f"wrong guess {i:04}", now=NOW)
    kdf_calls.clear()
    assert accounts.verify_login("budi", PASSWORD, now=NOW) is None
    assert len(kdf_calls) == 1


def test_old_hashes_are_upgraded_at_login(store: Store, url: str) -> None:
    Accounts(store, params=ScryptParams(n=2**14)).create_user("budi", PASSWORD, "pusat", "")
    assert raw_sql(url, "select password_hash from staff_user")[0][0].startswith("scrypt$16384$")
    current = Accounts(store)
    assert current.verify_login("budi", OTHER, now=NOW) is None
    assert raw_sql(url, "select password_hash from staff_user")[0][0].startswith("scrypt$16384$")
    assert current.verify_login("budi", PASSWORD, now=NOW) is not None
    assert HASH_SHAPE.fullmatch(raw_sql(url, "select password_hash from staff_user")[0][0])
    assert current.verify_login("budi", PASSWORD, now=NOW) is not None


def test_a_change_during_login_wins(accounts: Accounts, monkeypatch: pytest.MonkeyPatch) -> None:
    accounts.create_user("budi", PASSWORD, "pusat", "")
    real = accounts_mod.check_password

    def disable_meanwhile(password: str, encoded: str, params: ScryptParams = DEFAULT_PARAMS) -> bool:
        accounts.disable_user("budi")  # an administrator acts while the KDF runs
        return real(password, encoded, params)

    monkeypatch.setattr(accounts_mod, "check_password", disable_meanwhile)
    assert accounts.verify_login("budi", PASSWORD, now=NOW) is None


def test_logins_are_audited_without_secrets(accounts: Accounts, url: str) -> None:
    accounts.create_user("budi", PASSWORD, "kabupaten", "3471", actor="cli:admin")
    accounts.verify_login("budi", PASSWORD, now=NOW)
    accounts.verify_login("budi", OTHER, now=NOW)
    accounts.verify_login("Typed-My-Password-Here", PASSWORD, now=NOW)
    rows = audit_rows(url)
    assert [(actor, action, region) for actor, action, region, _ in rows] == [
        ("cli:admin", "user_add", "3471"),
        ("budi", "login", "3471"),
        ("budi", "login_failed", "3471"),
        (UNKNOWN_ACTOR, "login_failed", ""),
    ]
    text = dump(url)
    assert PASSWORD not in text and OTHER not in text
    assert "typed-my-password-here" not in text.lower()  # a failed name may be a password typed in the wrong box


# --- OpenID Connect -----------------------------------------------------------------------------------------


def test_identities_map_to_scopes(accounts: Accounts) -> None:
    assert accounts.map_identity("Ani@Dinsos.Example.go.id", "provinsi", "34") == Scope(
        "provinsi", "34", "ani@dinsos.example.go.id"
    )
    accounts.map_identity("sub:248289761001", "kecamatan", "347101")
    expected = Scope("provinsi", "34", "ani@dinsos.example.go.id")
    assert accounts.scope_for_identity("ani@dinsos.example.go.id", None) == expected
    assert accounts.scope_for_identity("ANI@dinsos.example.go.id", "unmapped-subject") == expected
    assert accounts.scope_for_identity(None, "248289761001") == Scope("kecamatan", "347101", "sub:248289761001")
    # The subject is the provider's stable key for the account: it wins over an address.
    assert accounts.scope_for_identity("ani@dinsos.example.go.id", "248289761001").region == "347101"  # type: ignore[union-attr]
    assert accounts.scope_for_identity("someone@else.example", "999") is None
    assert accounts.scope_for_identity(None, None) is None
    assert accounts.scope_for_identity("", "") is None
    assert accounts.scope_for_identity("ani@dinsos.example.go.id\x00", "2482\x00") is None
    assert accounts.scope_for_identity("x" * 500, "y" * 500) is None
    # An address is not a subject, nor the other way round.
    assert accounts.scope_for_identity(None, "ani@dinsos.example.go.id") is None
    assert accounts.scope_for_identity("248289761001", None) is None


def test_remapping_replaces_and_unmapping_removes(accounts: Accounts) -> None:
    accounts.map_identity("ani@example.org", "provinsi", "34")
    accounts.map_identity("ANI@example.org", "analis", "")
    assert accounts.scope_for_identity("ani@example.org", None) == Scope("analis", "", "ani@example.org")
    assert [(i.user, i.role, i.region) for i in accounts.list_identities()] == [("ani@example.org", "analis", "")]
    accounts.unmap_identity("ani@example.org")
    assert accounts.scope_for_identity("ani@example.org", None) is None
    with pytest.raises(UnknownUser, match=re.escape("no identity 'ani@example.org' is mapped")):
        accounts.unmap_identity("ani@example.org")


@pytest.mark.parametrize(
    ("identity", "role", "region", "message"),
    [
        ("ani", "pusat", "", "e-mail address"),
        ("ani@localhost", "pusat", "", "e-mail address"),
        ("sub:", "pusat", "", "sub: must be followed"),
        ("sub: 123", "pusat", "", "sub: must be followed"),
        ("a\x00@example.org", "pusat", "", "control characters"),
        ("a" * 200 + "@example.org", "pusat", "", "at most 200"),
        ("ani@example.org", "desa", "34", "role desa needs a region code of 10 digits"),
        ("ani@example.org", "root", "", "role must be one of"),
    ],
)
def test_bad_identities_are_refused(accounts: Accounts, identity: str, role: str, region: str, message: str) -> None:
    with pytest.raises(AccountError, match=message):
        accounts.map_identity(identity, role, region)
    assert accounts.list_identities() == []


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"email": "ani@example.org", "email_verified": True, "sub": "1"}, ("ani@example.org", "1")),
        ({"email": "ani@example.org", "email_verified": "true", "sub": "1"}, ("ani@example.org", "1")),
        ({"email": "ani@example.org", "email_verified": False, "sub": "1"}, (None, "1")),
        ({"email": "ani@example.org", "sub": "1"}, (None, "1")),  # unverified unless the provider says so
        ({"email": "ani@example.org", "email_verified": "yes"}, (None, None)),
        ({}, (None, None)),
    ],
)
def test_only_verified_addresses_are_used(claims: dict[str, Any], expected: tuple[Any, Any]) -> None:
    assert oidc_claims(claims) == expected


# --- the store ----------------------------------------------------------------------------------------------


def test_accounts_migration_keeps_the_store_sound(store: Store, accounts: Accounts) -> None:
    accounts.create_user("budi", PASSWORD, "pusat", "")
    accounts.map_identity("ani@example.org", "analis", "")
    assert store.schema_version() == max(m.version for m in load_migrations())  # 0002 and whatever came after
    assert store.integrity_check()


# --- the command line ---------------------------------------------------------------------------------------


def portal_users(url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m portal users ...` against the database at url."""
    return subprocess.run(
        [sys.executable, "-m", "portal", "users", *args],
        cwd=REPO,
        env={**os.environ, "PORTAL_DB_URL": url},
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_refused(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.stderr


def test_cli_add_reads_the_password_from_stdin_never_argv(url: str) -> None:
    command = [sys.executable, "-m", "portal", "users", "add", "budi", "--role", "kabupaten", "--region", "3471"]
    process = subprocess.Popen(
        [*command, "--password-stdin"],
        cwd=REPO,
        env={**os.environ, "PORTAL_DB_URL": url},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # The process is running and waiting for its password: what `ps` would show of it now.
    argv = Path(f"/proc/{process.pid}/cmdline").read_bytes().decode() if Path("/proc").is_dir() else ""
    shown = ""
    if shutil.which("ps"):
        shown = subprocess.run(
            ["ps", "-ww", "-o", "args=", "-p", str(process.pid)], capture_output=True, text=True
        ).stdout
    out, err = process.communicate(PASSWORD + "\n", timeout=120)
    assert process.returncode == 0, err
    assert "added budi (kabupaten, region 3471)" in out
    assert "users\x00add\x00budi" in argv or not argv
    assert PASSWORD not in argv and PASSWORD not in shown
    assert PASSWORD not in out + err
    # Not in the database in plain text: not in any row, nor anywhere in SQLite's files.
    assert PASSWORD not in dump(url)
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])
        for part in path.parent.glob(path.name + "*"):
            assert PASSWORD.encode() not in part.read_bytes()
    assert HASH_SHAPE.fullmatch(raw_sql(url, "select password_hash from staff_user")[0][0])
    with open_store(url) as opened:
        assert Accounts(opened).verify_login("budi", PASSWORD) == Scope("kabupaten", "3471", "budi")


def test_cli_manages_users_end_to_end(url: str) -> None:
    assert portal_users(url, "add", "siti", "--role", "pusat", "--password-stdin", stdin=PASSWORD).returncode == 0
    result = portal_users(url, "passwd", "siti", "--password-stdin", stdin=OTHER + "\r\n")
    assert result.returncode == 0 and "password of siti changed" in result.stdout
    result = portal_users(url, "scope", "siti", "--role", "provinsi", "--region", "34")
    assert result.returncode == 0 and "siti is now provinsi, region 34" in result.stdout
    result = portal_users(url, "map-oidc", "Ani@Example.org", "--role", "analis")
    assert result.returncode == 0 and "ani@example.org mapped to analis, all regions" in result.stdout
    with open_store(url) as opened:
        accounts = Accounts(opened)
        assert accounts.verify_login("siti", OTHER) == Scope("provinsi", "34", "siti")
        assert accounts.scope_for_identity("ani@example.org", None) == Scope("analis", "", "ani@example.org")
    listing = portal_users(url, "list")
    assert listing.returncode == 0
    assert re.search(r"siti\s+provinsi\s+34\s+active", listing.stdout)
    assert re.search(r"ani@example.org\s+analis\s+-", listing.stdout)
    assert "scrypt" not in listing.stdout and OTHER not in listing.stdout
    assert portal_users(url, "disable", "siti").returncode == 0
    assert re.search(r"siti\s+provinsi\s+34\s+disabled", portal_users(url, "list").stdout)
    with open_store(url) as opened:
        assert Accounts(opened).verify_login("siti", OTHER) is None
    assert portal_users(url, "unmap-oidc", "ani@example.org").returncode == 0
    rows = audit_rows(url)
    assert [row[1] for row in rows] == [
        "user_add",
        "user_password",
        "user_scope",
        "oidc_map",
        "login",
        "user_disable",
        "login_failed",
        "oidc_unmap",
    ]
    assert all(actor.startswith("cli:") for actor, action, _, _ in rows if not action.startswith("login"))
    assert PASSWORD not in dump(url) and OTHER not in dump(url)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["add", "budi", "--role", "boss", "--password-stdin"], PASSWORD, "role must be one of pusat, provinsi"),
        (["add", "budi", "--role", "provinsi", "--region", "3471", "--password-stdin"], PASSWORD, "needs a region"),
        (["add", "budi", "--role", "desa", "--region", "34710110", "--password-stdin"], PASSWORD, "of 10 digits"),
        (["add", "budi", "--role", "pusat", "--region", "34", "--password-stdin"], PASSWORD, "needs an empty region"),
        (["add", "budi", "--role", "kabupaten", "--region", "34.71", "--password-stdin"], PASSWORD, "digits only"),
        (["add", "budi", "--role", "pusat", "--password-stdin"], "pendek\n", "at least 12 characters"),
        (["add", "budi", "--role", "pusat", "--password-stdin"], "", "no password on standard input"),
        (["add", "budi", "--role", "pusat", "--password-stdin"], PASSWORD + "\n\n", "control character"),
        (["add", "budi", "--role", "pusat"], None, "pipe the password in with --password-stdin"),
        (["add", "Budi Santoso", "--role", "pusat", "--password-stdin"], PASSWORD, "username must be 3-64"),
        (["passwd", "nobody", "--password-stdin"], PASSWORD, "no user named 'nobody'"),
        (["scope", "nobody", "--role", "pusat"], None, "no user named 'nobody'"),
        (["disable", "nobody"], None, "no user named 'nobody'"),
        (["map-oidc", "not-an-address", "--role", "pusat"], None, "e-mail address"),
        (["map-oidc", "ani@example.org", "--role", "desa", "--region", "34"], None, "of 10 digits"),
        (["unmap-oidc", "ani@example.org"], None, "no identity 'ani@example.org' is mapped"),
    ],
)
def test_cli_refuses_bad_input(url: str, args: list[str], stdin: str | None, message: str) -> None:
    open_store(url).close()
    assert_refused(portal_users(url, *args, stdin=stdin), message)
    assert raw_sql(url, "select count(*) from staff_user")[0][0] == 0


def test_cli_refuses_a_taken_name(url: str) -> None:
    portal_users(url, "add", "budi", "--role", "pusat", "--password-stdin", stdin=PASSWORD)
    assert_refused(
        portal_users(url, "add", "budi", "--role", "pusat", "--password-stdin", stdin=OTHER),
        "user 'budi' already exists",
    )


def test_cli_unreachable_database_is_one_line() -> None:
    result = portal_users("postgresql://staff:s3cret@127.0.0.1:1/nowhere?connect_timeout=2", "list")
    assert_refused(result, "cannot open the account database")
    assert "s3cret" not in result.stderr
    assert_refused(portal_users("mysql://u:s3cret@h/db", "list"), "unsupported store URL scheme")


def test_cli_needs_a_subcommand_and_role() -> None:
    result = portal_users("sqlite:////nonexistent/x.db", "add", "budi")
    assert result.returncode == 2 and "--role" in result.stderr and "Traceback" not in result.stderr
