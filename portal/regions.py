"""The Kemendagri region hierarchy: levels, code lengths, level names, parent and child, the drill path and its
breadcrumb (pure; the only place the hierarchy is defined).

A region code is '' (all of Indonesia) or 2 digits (provinsi), 4 (kab/kota), 6 (kecamatan) or 10 (desa), each
the prefix of the codes below it. Only ASCII digits count: anything else is not a region code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# The rollup levels ('tingkat') from the nation down, and the length of a code at each.
LEVELS: tuple[str, ...] = ("nasional", "provinsi", "kabupaten", "kecamatan", "desa")
# The levels that are areas (code tables, boundaries): every level but the nation.
AREA_LEVELS: tuple[str, ...] = LEVELS[1:]
CODE_LENGTHS: dict[str, int] = {"nasional": 0, "provinsi": 2, "kabupaten": 4, "kecamatan": 6, "desa": 10}
LEVEL_NAMES: dict[str, str] = {
    "nasional": "Nasional",
    "provinsi": "Provinsi",
    "kabupaten": "Kabupaten/kota",
    "kecamatan": "Kecamatan",
    "desa": "Desa/kelurahan",
}
NATION_NAME = "Indonesia"

_LEVEL_BY_LENGTH = {length: level for level, length in CODE_LENGTHS.items()}
_DIGITS = re.compile(r"[0-9]*")


def code_level(kode: object) -> str | None:
    """The level of a region code ('' is nasional), or None when it is not a well-formed code."""
    if not isinstance(kode, str) or not _DIGITS.fullmatch(kode):
        return None
    return _LEVEL_BY_LENGTH.get(len(kode))


def level_of_length(length: int) -> str | None:
    """The level whose codes have `length` digits (0 is nasional), or None."""
    return _LEVEL_BY_LENGTH.get(length)


def level_of(code: str) -> str:
    """'' → 'nasional', '32' → 'provinsi', '3201' → 'kabupaten', … by the length of the code; ValueError for
    anything that is not a region code."""
    level = code_level(code)
    if level is None:
        raise ValueError(f"{code!r} is not a Kemendagri code (2, 4, 6 or 10 digits)")
    return level


def child_of(level: str) -> str | None:
    """The level below `level` ('nasional' → 'provinsi', …; desa has none)."""
    index = LEVELS.index(level) + 1
    return LEVELS[index] if index < len(LEVELS) else None


def parent_of(level: str) -> str | None:
    """The level above `level` ('provinsi' → 'nasional', …; the nation has none)."""
    index = LEVELS.index(level)
    return LEVELS[index - 1] if index > 0 else None


def child_level(code: str) -> str | None:
    """The level drawn under a region ('' → provinsi, '32' → kabupaten, …; a desa has none)."""
    return child_of(level_of(code))


def parent_code(code: str) -> str:
    """The region a region lies in: '3201' → '32', '32' → '' (ValueError for the nation and non-codes)."""
    parent = parent_of(level_of(code))
    if parent is None:
        raise ValueError("the nation has no parent region")
    return code[: CODE_LENGTHS[parent]]


def drill_path(code: str) -> list[str]:
    """The codes from the nation down to `code`: '3201' → ['', '32', '3201']."""
    level_of(code)
    return [code[: CODE_LENGTHS[level]] for level in LEVELS if CODE_LENGTHS[level] <= len(code)]


def breadcrumb(path_codes: list[str], names: Mapping[str, str]) -> list[tuple[str, str]]:
    """(code, name) from the nation down the drill path, for buttons that go back up.

    The nation ('') comes first whether or not the path starts with it; names default to the code
    ('Indonesia' for the nation). The path stops at the first code that is not a child of the one before,
    so stale session state never yields a breadcrumb that jumps between regions.
    """
    crumbs: list[tuple[str, str]] = [("", names.get("", NATION_NAME) or NATION_NAME)]
    previous = ""
    for raw in path_codes:
        code = str(raw).strip()
        if code == "":
            continue
        level = code_level(code)
        if level is None or parent_of(level) != level_of(previous) or not code.startswith(previous):
            break
        crumbs.append((code, names.get(code) or code))
        previous = code
    return crumbs


@dataclass(frozen=True)
class View:
    """A region being looked at: its code and level, and the level and code length of the rows shown under it
    (a desa has no level below, so it shows its own row)."""

    kode: str
    tingkat: str
    anak: str
    panjang: int


def view_of(kode: str) -> View:
    """The View of a region code ('' = the nation); ValueError for anything that is not a region code."""
    tingkat = code_level(kode)
    if tingkat is None:
        raise ValueError(f"{kode!r} is not a Kemendagri region code")
    anak = child_of(tingkat) or tingkat
    return View(kode, tingkat, anak, CODE_LENGTHS[anak])


def picker_levels(home: str) -> list[str]:
    """Levels an official can narrow down to from their own region, down to kecamatan (which shows its desa)."""
    start = LEVELS.index(view_of(home).tingkat) + 1
    return [level for level in LEVELS[start:] if level != "desa"]
