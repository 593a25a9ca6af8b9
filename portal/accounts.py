"""Staff accounts in the store's database: local users (built-in login) and OpenID Connect identities (`st.login`).

Each maps to a Scope (portal.access). Passwords are hashed with scrypt from the standard library and stored only as
a self-describing string, `scrypt$n$r$p$salt$hash` (base64), so the cost can be raised later: a hash made with
other parameters is replaced at the user's next successful login. A login always costs one run of the KDF, for
unknown, disabled and locked users too, so timing does not tell which usernames exist. Five failures in a row lock
an account for 15 minutes. Logins and account changes are written to the store's audit log; a password never is.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from portal.access import Scope, ScopeError
from portal.store import Store, parse_stamp, stamp

MIN_PASSWORD = 12
MAX_PASSWORD = 1_024
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MAX_IDENTITY = 200
SUBJECT_PREFIX = "sub:"
UNKNOWN_ACTOR = "(unknown user)"  # what a failed login by an unknown name is logged as: never the typed text

_USERNAME = re.compile(r"[A-Za-z0-9._-]{3,64}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DECIMAL = re.compile(r"[1-9][0-9]{0,9}")
_USER_COLUMNS = "username, role, region, disabled, failed_logins, locked_until, created_at, last_login_at"


class AccountError(ValueError):
    """An account change or lookup was refused; the message is one English line saying why."""


class UnknownUser(AccountError, LookupError):
    """No local user (or OIDC identity) has this name."""


# --- password hashing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScryptParams:
    """scrypt's cost (n, r, p) and the salt and key sizes in bytes."""

    n: int = 2**15
    r: int = 8
    p: int = 1
    salt_bytes: int = 16
    key_bytes: int = 32

    def __post_init__(self) -> None:
        # Upper bounds keep a tampered hash in the database from making a login take minutes or gigabytes.
        if not (2**10 <= self.n <= 2**20 and self.n & (self.n - 1) == 0):
            raise ValueError("scrypt n must be a power of two between 2**10 and 2**20")
        if not (1 <= self.r <= 32 and 1 <= self.p <= 16):
            raise ValueError("scrypt r must be 1-32 and p 1-16")
        if not (16 <= self.salt_bytes <= 64 and 16 <= self.key_bytes <= 64):
            raise ValueError("scrypt salt and key must be 16-64 bytes")

    @property
    def maxmem(self) -> int:
        """The memory limit handed to OpenSSL: its V array and blocks, 128·r·(n + p + 2) bytes, plus 1 MiB."""
        return 128 * self.r * (self.n + self.p + 2) + 2**20


DEFAULT_PARAMS = ScryptParams()


def _password_bytes(password: str) -> bytes:
    # NFKC, as NIST SP 800-63B advises: the same password typed on another keyboard or OS gives the same bytes.
    return unicodedata.normalize("NFKC", password).encode("utf-8", "surrogatepass")


def _derive(password: str, salt: bytes, params: ScryptParams) -> bytes:
    return hashlib.scrypt(
        _password_bytes(password),
        salt=salt,
        n=params.n,
        r=params.r,
        p=params.p,
        maxmem=params.maxmem,
        dklen=params.key_bytes,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _format_hash(params: ScryptParams, salt: bytes, key: bytes) -> str:
    return f"scrypt${params.n}${params.r}${params.p}${_b64(salt)}${_b64(key)}"


def hash_password(password: str, params: ScryptParams = DEFAULT_PARAMS) -> str:
    """The stored form of a password: 'scrypt$n$r$p$salt$hash' with a fresh random salt (base64)."""
    if not isinstance(password, str):
        raise AccountError("password must be text")
    salt = secrets.token_bytes(params.salt_bytes)
    return _format_hash(params, salt, _derive(password, salt, params))


def parse_hash(encoded: object) -> tuple[ScryptParams, bytes, bytes] | None:
    """(parameters, salt, key) of a stored hash, or None when it is not a well-formed scrypt hash."""
    parts = encoded.split("$") if isinstance(encoded, str) else []
    if len(parts) != 6 or parts[0] != "scrypt" or not all(_DECIMAL.fullmatch(part) for part in parts[1:4]):
        return None
    try:
        salt = base64.b64decode(parts[4], validate=True)
        key = base64.b64decode(parts[5], validate=True)
        params = ScryptParams(int(parts[1]), int(parts[2]), int(parts[3]), len(salt), len(key))
    except (binascii.Error, ValueError):
        return None
    return params, salt, key


def check_password(password: str, encoded: str, params: ScryptParams = DEFAULT_PARAMS) -> bool:
    """True when the password matches the stored hash; runs the KDF exactly once whatever the input."""
    parsed = parse_hash(encoded)
    # Anything no policy would have accepted is checked as '' (which matches nothing): same cost, bounded work.
    text = password if isinstance(password, str) and len(password) <= MAX_PASSWORD else ""
    if parsed is None:
        _derive(text, bytes(params.salt_bytes), params)  # the same cost as a real check
        return False
    stored_params, salt, key = parsed
    return hmac.compare_digest(_derive(text, salt, stored_params), key)


def needs_rehash(encoded: str, params: ScryptParams = DEFAULT_PARAMS) -> bool:
    """True when a stored hash was made with other parameters than `params` (or cannot be read)."""
    parsed = parse_hash(encoded)
    return parsed is None or parsed[0] != params


# --- validation ---------------------------------------------------------------------------------------------


def normalise_username(text: object) -> str:
    """The stored form of a username (lower-case), or AccountError when it is not 3-64 of [a-z0-9._-]."""
    if not isinstance(text, str) or not _USERNAME.fullmatch(text):
        raise AccountError("username must be 3-64 characters of a-z, 0-9, '.', '_' or '-'")
    return text.lower()


def check_password_policy(password: object) -> str:
    """The password if it may be set, else AccountError: at least 12 characters, no control characters."""
    if not isinstance(password, str):
        raise AccountError("password must be text")
    length = len(unicodedata.normalize("NFKC", password))
    if length < MIN_PASSWORD:
        raise AccountError(f"password must be at least {MIN_PASSWORD} characters long")
    if max(length, len(password)) > MAX_PASSWORD:
        raise AccountError(f"password must be at most {MAX_PASSWORD} characters long")
    if _CONTROL.search(password):
        raise AccountError("password contains a control character (a stray newline or carriage return?)")
    return password


def make_scope(role: object, region: object, user: str) -> Scope:
    """Scope(role, region, user), with ScopeError turned into AccountError."""
    try:
        return Scope(role, region, user)  # type: ignore[arg-type]
    except ScopeError as exc:
        raise AccountError(str(exc)) from None


def parse_identity(text: object) -> tuple[str, str]:
    """('email', address lower-cased) or ('subject', sub) from 'name@example.org' or 'sub:SUBJECT'."""
    if not isinstance(text, str) or _CONTROL.search(text):
        raise AccountError("identity must be an e-mail address or sub:SUBJECT without control characters")
    text = text.strip()
    if len(text) > MAX_IDENTITY:
        raise AccountError(f"identity must be at most {MAX_IDENTITY} characters")
    if text.startswith(SUBJECT_PREFIX):
        subject = text[len(SUBJECT_PREFIX) :]
        if not subject or subject != subject.strip():
            raise AccountError("sub: must be followed by the provider's subject, without spaces around it")
        return "subject", subject
    if not _EMAIL.fullmatch(text):
        raise AccountError("identity must be an e-mail address (name@example.org) or sub:SUBJECT")
    return "email", text.lower()


def _identity_user(kind: str, identity: str) -> str:
    return f"{SUBJECT_PREFIX}{identity}" if kind == "subject" else identity


def _lookup_key(value: object, max_chars: int) -> bool:
    """True when `value` could be a mapped identity at all (and is safe to bind on either backend)."""
    return isinstance(value, str) and 0 < len(value.strip()) <= max_chars and not _CONTROL.search(value)


def oidc_claims(info: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(email, subject) to look up for an `st.user`-like mapping; the email only when the provider verified it."""
    verified = info.get("email_verified")
    email = info.get("email") if verified is True or str(verified).lower() == "true" else None
    subject = info.get("sub")
    return (email if isinstance(email, str) and email else None, subject if isinstance(subject, str) else None)


# --- the accounts -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserInfo:
    """A local account as administrators see it (never the password hash)."""

    username: str
    role: str
    region: str
    disabled: bool
    failed_logins: int
    locked_until: datetime | None
    created_at: datetime
    last_login_at: datetime | None

    def locked(self, now: datetime) -> bool:
        """True while the account is locked after too many failed logins."""
        return self.locked_until is not None and self.locked_until > now


@dataclass(frozen=True)
class IdentityInfo:
    """An OpenID Connect identity mapped to a role and region."""

    kind: str
    identity: str
    role: str
    region: str
    created_at: datetime
    updated_at: datetime

    @property
    def user(self) -> str:
        """The identity as typed to `users map-oidc` and as recorded in the audit log."""
        return _identity_user(self.kind, self.identity)


def _user_info(row: tuple[Any, ...]) -> UserInfo:
    return UserInfo(
        username=row[0],
        role=row[1],
        region=row[2],
        disabled=bool(row[3]),
        failed_logins=int(row[4]),
        locked_until=parse_stamp(row[5]) if row[5] else None,
        created_at=parse_stamp(row[6]),
        last_login_at=parse_stamp(row[7]) if row[7] else None,
    )


class Accounts:
    """Local users and OIDC identities over a Store's database; safe to share between threads like the store."""

    def __init__(self, store: Store, *, params: ScryptParams = DEFAULT_PARAMS) -> None:
        self._store = store
        self.params = params
        # What unknown users are checked against: a key nobody knows, so they cost one KDF run like everyone.
        self._decoy = _format_hash(
            params, secrets.token_bytes(params.salt_bytes), secrets.token_bytes(params.key_bytes)
        )

    # --- local users ---

    def create_user(self, username: str, password: str, role: str, region: str, *, actor: str = "system") -> Scope:
        """Add a local user; AccountError for a bad name, password, role or region, or a name already taken."""
        name = normalise_username(username)
        scope = make_scope(role, region, name)
        encoded = hash_password(check_password_policy(password), self.params)  # before the write lock is taken
        now = stamp(self._store.clock())
        with self._store.session(write=True) as run:
            inserted = run(
                "insert into staff_user (username, password_hash, role, region, created_at, updated_at) "
                "values (:username, :hash, :role, :region, :now, :now) on conflict (username) do nothing",
                {"username": name, "hash": encoded, "role": scope.role, "region": scope.region, "now": now},
            ).rowcount
        if inserted != 1:
            raise AccountError(f"user {name!r} already exists")
        self._audit(actor, "user_add", scope.region, {"username": name, "role": scope.role})
        return scope

    def set_password(self, username: str, password: str, *, actor: str = "system") -> None:
        """Replace a user's password (and lift any lock)."""
        name = normalise_username(username)
        encoded = hash_password(check_password_policy(password), self.params)
        region = self._update(
            name,
            "password_hash = :hash, failed_logins = 0, locked_until = null",
            {"hash": encoded},
        )
        self._audit(actor, "user_password", region, {"username": name})

    def set_scope(self, username: str, role: str, region: str, *, actor: str = "system") -> Scope:
        """Give a user another role and region."""
        name = normalise_username(username)
        scope = make_scope(role, region, name)
        old_region = self._update(name, "role = :role, region = :region", {"role": scope.role, "region": scope.region})
        detail = {"username": name, "role": scope.role, "region": scope.region, "old_region": old_region}
        self._audit(actor, "user_scope", scope.region, detail)
        return scope

    def disable_user(self, username: str, *, actor: str = "system") -> None:
        """Refuse every future login of this user (an open session ends when its page next calls active_scope)."""
        name = normalise_username(username)
        region = self._update(name, "disabled = 1", {})
        self._audit(actor, "user_disable", region, {"username": name})

    def enable_user(self, username: str, *, actor: str = "system") -> None:
        """Allow a disabled user to log in again (and lift any lock)."""
        name = normalise_username(username)
        region = self._update(name, "disabled = 0, failed_logins = 0, locked_until = null", {})
        self._audit(actor, "user_enable", region, {"username": name})

    def _update(self, name: str, assignments: str, params: dict[str, Any]) -> str:
        """Apply `assignments` (fixed SQL, values bound) to one user; their region before the change."""
        with self._store.session(write=True) as run:
            row = run("select region from staff_user where username = :username", {"username": name}).fetchone()
            if row is None:
                raise UnknownUser(f"no user named {name!r}")
            run(
                f"update staff_user set {assignments}, updated_at = :now where username = :username",
                {**params, "username": name, "now": stamp(self._store.clock())},
            )
        return str(row[0])

    def get_user(self, username: str) -> UserInfo | None:
        """One local user, or None."""
        try:
            name = normalise_username(username)
        except AccountError:
            return None
        with self._store.session() as run:
            row = run(f"select {_USER_COLUMNS} from staff_user where username = :u", {"u": name}).fetchone()
        return None if row is None else _user_info(row)

    def active_scope(self, username: str) -> Scope | None:
        """The user's current Scope, or None once disabled or removed: pages re-check an open session with it."""
        info = self.get_user(username)
        return None if info is None or info.disabled else make_scope(info.role, info.region, info.username)

    def list_users(self) -> list[UserInfo]:
        """Every local user by name (never the password hash)."""
        with self._store.session() as run:
            rows = run(f"select {_USER_COLUMNS} from staff_user order by username").fetchall()
        return [_user_info(row) for row in rows]

    # --- login ---

    def verify_login(self, username: str, password: str, now: datetime | None = None) -> Scope | None:
        """The user's Scope when the password is right and the account is enabled and unlocked, else None.

        Always runs the KDF once (twice on a success that upgrades an old hash), and records the attempt in the
        audit log. `now` (aware) defaults to the store's clock.
        """
        if now is None:
            now = self._store.clock()
        try:
            name: str | None = normalise_username(username)
        except AccountError:
            name = None
        row = None
        if name is not None:
            with self._store.session() as run:
                row = run(
                    "select password_hash, role, region, disabled, failed_logins, locked_until "
                    "from staff_user where username = :u",
                    {"u": name},
                ).fetchone()
        if row is None or name is None:
            check_password(password, self._decoy, self.params)
            self._audit(UNKNOWN_ACTOR, "login_failed", "", {"method": "password", "reason": "unknown user"})
            return None
        encoded, role, region, disabled, failed, locked_until = row
        matches = check_password(password, encoded, self.params)
        if disabled:
            reason = "disabled"
        elif locked_until and parse_stamp(locked_until) > now:
            reason = "locked"
        elif not matches:
            reason = "wrong password" if failed + 1 < MAX_FAILURES else "wrong password; locked"
            self._record_failure(name, now)
        elif self._record_success(name, password, encoded, now):
            self._audit(name, "login", region, {"method": "password"})
            return make_scope(role, region, name)
        else:
            reason = "changed during login"  # disabled, locked or given a new password meanwhile
        self._audit(name, "login_failed", region, {"method": "password", "reason": reason})
        return None

    def _record_failure(self, name: str, now: datetime) -> None:
        # One statement, so concurrent failures all count; the fifth in a row locks and restarts the count.
        with self._store.session(write=True) as run:
            run(
                "update staff_user set "
                "failed_logins = case when failed_logins + 1 >= :max then 0 else failed_logins + 1 end, "
                "locked_until = case when failed_logins + 1 >= :max then :until else locked_until end "
                "where username = :u and disabled = 0 and (locked_until is null or locked_until <= :now)",
                {"u": name, "max": MAX_FAILURES, "until": stamp(now + LOCKOUT), "now": stamp(now)},
            )

    def _record_success(self, name: str, password: str, encoded: str, now: datetime) -> bool:
        new_hash = hash_password(password, self.params) if needs_rehash(encoded, self.params) else encoded
        # Succeeds only if nothing changed since the hash was read: not disabled, locked or re-passworded.
        with self._store.session(write=True) as run:
            updated = run(
                "update staff_user set failed_logins = 0, locked_until = null, last_login_at = :now, "
                "password_hash = :new_hash "
                "where username = :u and password_hash = :old_hash and disabled = 0 "
                "and (locked_until is null or locked_until <= :now)",
                {"u": name, "now": stamp(now), "new_hash": new_hash, "old_hash": encoded},
            ).rowcount
        return updated == 1

    # --- OpenID Connect identities ---

    def map_identity(self, email_or_subject: str, role: str, region: str, *, actor: str = "system") -> Scope:
        """Map a verified e-mail address or 'sub:SUBJECT' to a role and region (replacing an earlier mapping)."""
        kind, identity = parse_identity(email_or_subject)
        scope = make_scope(role, region, _identity_user(kind, identity))
        now = stamp(self._store.clock())
        with self._store.session(write=True) as run:
            run(
                "insert into oidc_identity (kind, identity, role, region, created_at, updated_at) "
                "values (:kind, :identity, :role, :region, :now, :now) "
                "on conflict (kind, identity) do update set "
                "role = excluded.role, region = excluded.region, updated_at = excluded.updated_at",
                {"kind": kind, "identity": identity, "role": scope.role, "region": scope.region, "now": now},
            )
        self._audit(actor, "oidc_map", scope.region, {"identity": scope.user, "role": scope.role})
        return scope

    def unmap_identity(self, email_or_subject: str, *, actor: str = "system") -> None:
        """Remove an identity's mapping, so that signing in with it reaches no internal page."""
        kind, identity = parse_identity(email_or_subject)
        with self._store.session(write=True) as run:
            row = run(
                "select region from oidc_identity where kind = :kind and identity = :identity",
                {"kind": kind, "identity": identity},
            ).fetchone()
            if row is None:
                raise UnknownUser(f"no identity {_identity_user(kind, identity)!r} is mapped")
            run(
                "delete from oidc_identity where kind = :kind and identity = :identity",
                {"kind": kind, "identity": identity},
            )
        self._audit(actor, "oidc_unmap", str(row[0]), {"identity": _identity_user(kind, identity)})

    def list_identities(self) -> list[IdentityInfo]:
        """Every mapped identity, e-mail addresses first."""
        with self._store.session() as run:
            rows = run(
                "select kind, identity, role, region, created_at, updated_at from oidc_identity order by kind, identity"
            ).fetchall()
        return [IdentityInfo(r[0], r[1], r[2], r[3], parse_stamp(r[4]), parse_stamp(r[5])) for r in rows]

    def scope_for_identity(self, email: str | None, subject: str | None) -> Scope | None:
        """The Scope of a signed-in OIDC user, matched by subject, else by e-mail; pass only a verified e-mail."""
        keys = []
        if _lookup_key(subject, MAX_IDENTITY - len(SUBJECT_PREFIX)):
            keys.append(("subject", subject))
        if _lookup_key(email, MAX_IDENTITY):
            keys.append(("email", email.strip().lower()))
        if not keys:
            return None
        with self._store.session() as run:
            for kind, identity in keys:
                row = run(
                    "select role, region from oidc_identity where kind = :kind and identity = :identity",
                    {"kind": kind, "identity": identity},
                ).fetchone()
                if row is not None:
                    return make_scope(row[0], row[1], _identity_user(kind, identity))
        return None

    # --- audit ---

    def _audit(self, actor: str, action: str, region: str, detail: dict[str, Any]) -> None:
        self._store.audit(actor, action, region, detail)
