"""Roles, region scopes and session lifetimes: every role against codes inside and outside its region."""

from __future__ import annotations

import math

import pytest

from portal.access import (
    ROLES,
    AccessDenied,
    Scope,
    ScopeError,
    SessionPolicy,
    allows,
    can_see_persons,
    home,
    require,
    require_persons,
    visible_levels,
)
from portal.regions import LEVELS, code_level

# Around DI Yogyakarta (34), Kota Yogyakarta (3471), Kec. Mantrijeron (347101) and one of its kelurahan
# (3471011001), with neighbours at every level: another province, kab/kota, kecamatan and desa beside each.
MALFORMED = [
    "3",
    "347",
    "34710",
    "3471011",
    "347101100",
    "34710110011",
    "34.71",
    "34.71.01.1001",
    " 34",
    "3471\n",
    "３４",  # full-width digits
    "34a1",
    None,
    34,
]

# role, region, codes inside, codes outside (besides MALFORMED, which is outside every scope)
MATRIX = [
    (
        "pusat",
        "",
        ["", "34", "35", "3471", "3571", "347101", "347201", "3471011001", "3571011001"],
        [],
    ),
    (
        "provinsi",
        "34",
        ["34", "3471", "3472", "347101", "347201", "3471011001", "3472011001"],
        ["", "35", "3571", "357101", "3571011001", "33"],
    ),
    (
        "kabupaten",
        "3471",
        ["3471", "347101", "347102", "3471011001", "3471021001"],
        ["", "34", "3472", "3571", "347201", "3472011001", "3571011001"],
    ),
    (
        "kecamatan",
        "347101",
        ["347101", "3471011001", "3471011002"],
        ["", "34", "3471", "347102", "347201", "3471021001", "3472011001"],
    ),
    (
        "desa",
        "3471011001",
        ["3471011001"],
        ["", "34", "3471", "347101", "3471011002", "3471021001", "3571011001"],
    ),
    ("analis", "", ["", "34", "3571", "347201", "3571011001"], []),
    ("analis", "3471", ["3471", "347101", "3471011001"], ["", "34", "3472", "347201", "3472011001"]),
]


def _cases() -> list[tuple[str, str, object, bool]]:
    cases: list[tuple[str, str, object, bool]] = []
    for role, region, inside, outside in MATRIX:
        cases += [(role, region, kode, True) for kode in inside]
        cases += [(role, region, kode, False) for kode in [*outside, *MALFORMED]]
    return cases


def test_matrix_covers_every_role() -> None:
    assert {row[0] for row in MATRIX} == set(ROLES)


@pytest.mark.parametrize(("role", "region", "kode", "inside"), _cases())
def test_allows_and_require(role: str, region: str, kode: object, inside: bool) -> None:
    scope = Scope(role, region, "budi")
    assert allows(scope, kode) is inside  # type: ignore[arg-type]
    if inside:
        require(scope, kode)  # type: ignore[arg-type]
    else:
        with pytest.raises(AccessDenied) as info:
            require(scope, kode)  # type: ignore[arg-type]
        assert isinstance(info.value, PermissionError)
        assert "budi" in str(info.value)


def test_allows_without_a_scope_denies() -> None:
    assert not allows(None, "34")  # type: ignore[arg-type]
    with pytest.raises(AccessDenied):
        require(None, "34")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("role", "region"),
    [
        ("pusat", ""),
        ("provinsi", "34"),
        ("kabupaten", "3471"),
        ("kecamatan", "347101"),
        ("desa", "3471011001"),
        ("analis", ""),
        ("analis", "34"),
        ("analis", "3471"),
        ("analis", "347101"),
        ("analis", "3471011001"),
    ],
)
def test_valid_scopes(role: str, region: str) -> None:
    scope = Scope(role, region, "budi")
    assert home(scope) == (code_level(region), region)
    assert visible_levels(scope)[0] == home(scope)[0] and visible_levels(scope)[-1] == "desa"
    assert can_see_persons(scope) is (role != "analis")
    assert hash(scope) == hash(Scope(role, region, "budi"))  # usable in cache keys


@pytest.mark.parametrize(
    ("role", "region", "message"),
    [
        ("pusat", "34", "role pusat needs an empty region"),
        ("provinsi", "", "role provinsi needs a region code of 2 digits, got 0"),
        ("provinsi", "3471", "got 4 digits"),
        ("kabupaten", "34", "role kabupaten needs a region code of 4 digits"),
        ("kecamatan", "3471", "role kecamatan needs a region code of 6 digits"),
        ("desa", "347101", "role desa needs a region code of 10 digits"),
        ("analis", "347", "role analis needs a region code of empty, 2 digits, 4 digits, 6 digits or 10 digits"),
        ("kabupaten", "34.71", "digits only"),
        ("kabupaten", "34ab", "digits only"),
        ("kabupaten", "３４７１", "digits only"),
        ("kabupaten", None, "digits only"),
        ("admin", "", "role must be one of pusat, provinsi, kabupaten, kecamatan, desa, analis"),
        ("PUSAT", "", "role must be one of"),
        (None, "", "role must be one of"),
    ],
)
def test_invalid_scopes(role: object, region: object, message: str) -> None:
    with pytest.raises(ScopeError, match=message.replace(".", r"\.")):
        Scope(role, region, "budi")  # type: ignore[arg-type]


@pytest.mark.parametrize("user", ["", "   ", "a\nb", "x" * 201, None])
def test_invalid_users(user: object) -> None:
    with pytest.raises(ScopeError, match="user"):
        Scope("pusat", "", user)  # type: ignore[arg-type]


def test_scope_is_frozen() -> None:
    scope = Scope("desa", "3471011001", "budi")
    with pytest.raises(AttributeError):
        scope.region = ""  # type: ignore[misc]


def test_home_and_levels() -> None:
    assert home(Scope("pusat", "", "a")) == ("nasional", "")
    assert home(Scope("kabupaten", "3471", "a")) == ("kabupaten", "3471")
    assert visible_levels(Scope("pusat", "", "a")) == LEVELS
    assert visible_levels(Scope("provinsi", "34", "a")) == ("provinsi", "kabupaten", "kecamatan", "desa")
    assert visible_levels(Scope("kecamatan", "347101", "a")) == ("kecamatan", "desa")
    assert visible_levels(Scope("desa", "3471011001", "a")) == ("desa",)
    assert visible_levels(Scope("analis", "34", "a")) == ("provinsi", "kabupaten", "kecamatan", "desa")


def test_levels_agree_with_allows() -> None:
    for role, region, inside, _outside in MATRIX:
        scope = Scope(role, region, "a")
        assert {code_level(kode) for kode in inside} <= set(visible_levels(scope))


def test_analyst_never_sees_persons() -> None:
    analyst = Scope("analis", "", "ana")
    assert not can_see_persons(analyst)
    assert allows(analyst, "3471011001")  # aggregates of any region...
    with pytest.raises(AccessDenied, match="aggregates only"):
        require_persons(analyst, "3471011001")  # ...but never rows about persons
    require_persons(Scope("desa", "3471011001", "op"), "3471011001")
    with pytest.raises(AccessDenied):
        require_persons(Scope("desa", "3471011001", "op"), "3471011002")
    assert not can_see_persons(None)  # type: ignore[arg-type]


# --- sessions -----------------------------------------------------------------------------------------------

T0 = 1_800_000_000.0


@pytest.mark.parametrize(
    ("started", "last_seen", "now", "expected"),
    [
        (T0, T0, T0, "ok"),
        (T0, T0, T0 + 1799, "ok"),
        (T0, T0, T0 + 1800, "idle"),
        (T0, T0 + 3600, T0 + 3600 + 1799.9, "ok"),
        (T0, T0 + 3600, T0 + 3600 + 1800, "idle"),
        (T0, T0 + 8 * 3600 - 60, T0 + 8 * 3600 - 1, "ok"),
        (T0, T0 + 8 * 3600 - 60, T0 + 8 * 3600, "expired"),  # active all day: still ends at 8 hours
        (T0, T0, T0 + 9 * 3600, "expired"),  # idle and past the absolute limit: expired wins
        (T0, T0 + 10, T0 + 5, "expired"),  # the clock went backwards
        (T0 + 10, T0, T0 + 20, "expired"),
        (T0, T0, math.nan, "expired"),
        (T0, T0, math.inf, "expired"),
        (None, T0, T0, "expired"),
        ("soon", T0, T0, "expired"),
    ],
)
def test_session_policy(started: float, last_seen: float, now: float, expected: str) -> None:
    assert SessionPolicy().state(started, last_seen, now) == expected


def test_session_policy_custom_limits() -> None:
    policy = SessionPolicy(idle_seconds=60, absolute_seconds=120)
    assert policy.state(0, 0, 59) == "ok"
    assert policy.state(0, 0, 60) == "idle"
    assert policy.state(0, 100, 119) == "ok"
    assert policy.state(0, 100, 120) == "expired"


@pytest.mark.parametrize("bad", [0, -1, math.inf, math.nan, True, "1800"])
def test_session_policy_refuses_bad_limits(bad: object) -> None:
    with pytest.raises(ValueError, match="positive number of seconds"):
        SessionPolicy(idle_seconds=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="positive number of seconds"):
        SessionPolicy(absolute_seconds=bad)  # type: ignore[arg-type]
