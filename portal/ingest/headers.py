"""Header rows: the spellings of `kolom.toml` (plus an operator's file) mapped to canonical columns, and how a
header row is recognised among a sheet's first rows."""

from __future__ import annotations

import difflib
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from portal.ingest.columns import COLUMNS

BUILTIN = Path(__file__).with_name("kolom.toml")
ENV_VAR = "PORTAL_INGEST_KOLOM"
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")
# A header row names at least this many known columns, one of them identifying people or families.
MIN_RECOGNISED = 3
_IDENTIFYING = frozenset({"NIK", "NO_KK", "NAMA", "ID_DTKS"})
# A header mapping is a few KB of spellings; anything this large is some other file.
MAX_MAP_BYTES = 1024 * 1024


class HeaderMapError(ValueError):
    """A header mapping file cannot be used; the message says why."""


def header_key(text: object) -> str:
    """The matching key of a header cell: upper case, letters and digits only ('No. KK' → 'NOKK')."""
    if text is None:
        return ""
    return _NOT_ALNUM.sub("", str(text).replace("\ufeff", "").upper())


@dataclass(frozen=True)
class HeaderMap:
    """Matching key → canonical column; for coded columns, their code → word tables; real columns to ignore."""

    keys: dict[str, str]
    sources: tuple[str, ...]
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    ignored: frozenset[str] = frozenset()

    def canonical(self, cell: object) -> str | None:
        """The canonical column a header cell names, or None."""
        return self.keys.get(header_key(cell))


@dataclass
class HeaderMatch:
    """How one header row maps: column index → canonical column, and what was left out."""

    columns: dict[int, str]
    unknown: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)
    codes: dict[int, dict[str, str]] = field(default_factory=dict)  # column index → code → word
    ignored: list[str] = field(default_factory=list)  # real columns the register does not keep

    @property
    def score(self) -> int:
        """How many distinct known columns the row names (0 when none identifies a person or a family)."""
        names = set(self.columns.values())
        return len(names) if names & _IDENTIFYING else 0


def _read_codes(path: Path, raw: dict) -> dict[str, tuple[str, dict[str, str]]]:
    """[kode.<SPELLING>] tables: spelling → (canonical column, code → word)."""
    out = {}
    for spelling, spec in raw.get("kode", {}).items():
        column, values = spec.get("kolom") if isinstance(spec, dict) else None, spec.get("nilai", {})
        if column not in COLUMNS or not isinstance(values, dict):
            raise HeaderMapError(f"header mapping {path}: [kode.{spelling}] needs kolom = a canonical column and nilai")
        out[spelling] = (column, {str(code): str(word) for code, word in values.items()})
    return out


def _read_toml(path: Path) -> dict[str, list[str]]:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a directory, or a FIFO or device that would block or never end
            raise HeaderMapError(f"header mapping {path} is not a regular file")
        if info.st_size > MAX_MAP_BYTES:
            raise HeaderMapError(
                f"header mapping {path} is larger than {MAX_MAP_BYTES // 1024} KB: it is probably not a TOML file"
            )
        with path.open("rb") as fh:
            data = fh.read(MAX_MAP_BYTES + 1)
    except FileNotFoundError:
        raise HeaderMapError(f"header mapping {path} does not exist") from None
    except OSError as exc:
        raise HeaderMapError(f"cannot read header mapping {path}: {exc.strerror or exc}") from None
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise HeaderMapError(
            f"header mapping {path} is not UTF-8 text (byte {exc.start + 1}): it is probably not a TOML file"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise HeaderMapError(f"header mapping {path} is not valid TOML: {exc}") from None
    table = raw.get("kolom")
    if not isinstance(table, dict):
        raise HeaderMapError(f"header mapping {path} needs a [kolom] table")
    out: dict[str, list[str]] = {}
    for name, spellings in table.items():
        if name not in COLUMNS:
            raise HeaderMapError(f"header mapping {path}: {name} is not a canonical column (see docs/INGEST.md)")
        if not isinstance(spellings, list) or not all(isinstance(s, str) for s in spellings):
            raise HeaderMapError(f"header mapping {path}: {name} must be a list of strings")
        out[name] = spellings
    return out


def load_header_map(extra: Path | None = None) -> HeaderMap:
    """The built-in spellings, extended by `extra` or else the file named by PORTAL_INGEST_KOLOM."""
    paths = [BUILTIN]
    if extra is None and os.environ.get(ENV_VAR, "").strip():
        extra = Path(os.environ[ENV_VAR].strip()).expanduser()
    if extra is not None:
        paths.append(extra)
    keys = {header_key(name): name for name in COLUMNS}
    with BUILTIN.open("rb") as fh:
        builtin = tomllib.load(fh)
    codes = {}
    for spelling, (name, table) in _read_codes(BUILTIN, builtin).items():
        keys[header_key(spelling)] = name
        codes[header_key(spelling)] = table
    ignored = frozenset(header_key(h) for h in builtin.get("abaikan", {}).get("kolom", []))
    for path in paths:
        for name, spellings in _read_toml(path).items():
            for spelling in spellings:
                key = header_key(spelling)
                if not key:
                    continue
                if keys.get(key, name) != name:
                    raise HeaderMapError(f"header spelling {spelling!r} in {path} maps to both {keys[key]} and {name}")
                keys[key] = name
    return HeaderMap(keys=keys, sources=tuple(p.name for p in paths), codes=codes, ignored=ignored - set(keys))


def match_header(cells: list[object], header_map: HeaderMap) -> HeaderMatch:
    """Map one candidate header row; a column named twice is read from its first occurrence."""
    match = HeaderMatch(columns={})
    seen: set[str] = set()
    for index, cell in enumerate(cells):
        text = "" if cell is None else str(cell).strip()
        if not text:
            continue
        name = header_map.canonical(text)
        if name is None and header_key(text) in header_map.ignored:
            match.ignored.append(text[:80])
        elif name is None:
            match.unknown.append(text[:80])
        elif name in seen:
            match.repeated.append(text[:80])
        else:
            seen.add(name)
            match.columns[index] = name
            if header_key(text) in header_map.codes:
                match.codes[index] = header_map.codes[header_key(text)]
    return match


def is_header(match: HeaderMatch) -> bool:
    """Whether a row reads as a header row."""
    return match.score >= MIN_RECOGNISED


def closest_column(header: str, header_map: HeaderMap) -> str | None:
    """The canonical column an unknown header most looks like (a misspelling), or None."""
    close = difflib.get_close_matches(header_key(header), list(header_map.keys), n=1, cutoff=0.8)
    return header_map.keys[close[0]] if close else None
