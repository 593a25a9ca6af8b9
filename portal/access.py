"""Who may see what: roles, region scopes and session lifetimes (pure; no Streamlit, no database).

A scope is a role and a Kemendagri code prefix: '' (all of Indonesia), 2 digits (provinsi), 4 (kab/kota),
6 (kecamatan) or 10 (desa). A region code lies inside a scope when the scope's region is a prefix of it and the
code is a whole region code of that level or below. Anything that is not a well-formed code is outside every
scope: access is denied by default.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from portal.regions import LEVELS, code_level, level_of

ROLES: tuple[str, ...] = ("pusat", "provinsi", "kabupaten", "kecamatan", "desa", "analis")
# Region code lengths each role may hold; the analyst works on aggregates at any level, the nation included.
ROLE_REGION_LENGTHS: dict[str, frozenset[int]] = {
    "pusat": frozenset({0}),
    "provinsi": frozenset({2}),
    "kabupaten": frozenset({4}),
    "kecamatan": frozenset({6}),
    "desa": frozenset({10}),
    "analis": frozenset({0, 2, 4, 6, 10}),
}
AGGREGATES_ONLY: frozenset[str] = frozenset({"analis"})
MAX_USER = 200

_DIGITS = re.compile(r"[0-9]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

SessionState = Literal["ok", "idle", "expired"]


class ScopeError(ValueError):
    """A role, region or user that cannot make a scope; the message says which."""


class AccessDenied(PermissionError):
    """The scope does not reach this region (or these rows)."""


def _region_text(role: str) -> str:
    lengths = sorted(ROLE_REGION_LENGTHS[role])
    if lengths == [0]:
        return "an empty region (all of Indonesia)"
    words = ["empty" if n == 0 else f"{n} digits" for n in lengths]
    return "a region code of " + (words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1])


@dataclass(frozen=True)
class Scope:
    """A signed-in official: role, region code prefix ('' = national) and the name recorded in the audit log."""

    role: str
    region: str
    user: str

    def __post_init__(self) -> None:
        if not isinstance(self.role, str) or self.role not in ROLES:
            raise ScopeError(f"role must be one of {', '.join(ROLES)}")
        if not isinstance(self.region, str) or not _DIGITS.fullmatch(self.region):
            raise ScopeError("region must be a Kemendagri code of digits only (no dots), or empty for pusat")
        if len(self.region) not in ROLE_REGION_LENGTHS[self.role]:
            raise ScopeError(f"role {self.role} needs {_region_text(self.role)}, got {len(self.region)} digits")
        if not isinstance(self.user, str) or not self.user.strip():
            raise ScopeError("user is required")
        if len(self.user) > MAX_USER or _CONTROL.search(self.user):
            raise ScopeError(f"user must be at most {MAX_USER} characters without control characters")

    @property
    def level(self) -> str:
        """The level of the scope's own region: nasional, provinsi, kabupaten, kecamatan or desa."""
        return level_of(self.region)


def allows(scope: Scope, kode: str) -> bool:
    """True when the region `kode` lies inside the scope's region (a larger region never does)."""
    if not isinstance(scope, Scope) or code_level(kode) is None:
        return False
    return len(kode) >= len(scope.region) and kode.startswith(scope.region)


def require(scope: Scope, kode: str) -> None:
    """Raise AccessDenied unless the region `kode` lies inside the scope."""
    if not allows(scope, kode):
        shown = kode if isinstance(kode, str) and len(kode) <= 20 else "(malformed)"
        who = scope.user if isinstance(scope, Scope) else "(no scope)"
        raise AccessDenied(f"{who} may not see region {shown!r}")


def can_see_persons(scope: Scope) -> bool:
    """True when the scope may see rows about persons (every role but the analyst, who sees aggregates only)."""
    return isinstance(scope, Scope) and scope.role not in AGGREGATES_ONLY


def require_persons(scope: Scope, kode: str) -> None:
    """Raise AccessDenied unless the scope may see rows about persons in the region `kode`."""
    require(scope, kode)
    if not can_see_persons(scope):
        raise AccessDenied(f"{scope.user} ({scope.role}) sees aggregates only, never rows about persons")


def home(scope: Scope) -> tuple[str, str]:
    """Where a map opens for this scope: (tingkat, kode), e.g. ('nasional', '') or ('kabupaten', '3471')."""
    return scope.level, scope.region


def visible_levels(scope: Scope) -> tuple[str, ...]:
    """The levels of the regions this scope may see, from its own level down to desa."""
    return LEVELS[LEVELS.index(scope.level) :]


@dataclass(frozen=True)
class SessionPolicy:
    """How long a signed-in session lasts: ends after `idle_seconds` without activity or `absolute_seconds` in all."""

    idle_seconds: float = 1800
    absolute_seconds: float = 8 * 3600

    def __post_init__(self) -> None:
        for name in ("idle_seconds", "absolute_seconds"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
                raise ValueError(f"{name} must be a positive number of seconds")

    def state(self, started: float, last_seen: float, now: float) -> SessionState:
        """'ok', 'idle' (no activity for too long) or 'expired' (too long since sign-in, or a clock gone backwards)."""
        try:
            times = [float(started), float(last_seen), float(now)]
        except (TypeError, ValueError):
            return "expired"
        if not all(math.isfinite(t) for t in times) or not times[0] <= times[1] <= times[2]:
            return "expired"  # fail closed: a clock that went backwards cannot vouch for the session
        if now - started >= self.absolute_seconds:
            return "expired"
        if now - last_seen >= self.idle_seconds:
            return "idle"
        return "ok"
