"""The Eksplorasi page's logic, pure (no Streamlit, no database): the filter spec and its URL form, validation of
hand-edited parameters, the official's region scope, query parameters, and pivot shaping of grouped counts.

URL form (every key optional; lists are comma-separated; unknown keys and values are dropped with a note):
`periode=2026-09&tingkat=individu|keluarga&prov=34&kab=3471&kec=347101&desa=3471011001&program=pkh,tanpa`
`&desil=1,kosong&jk=L,P&umur=0-5,6-17,18-59,60%2B&disabilitas=ya|tidak&status=aktif|nonaktif`
`&baris=<dimension>&kolom=<dimension>&lihat=agregat|baris&hal=<page>`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from portal.periods import is_period
from portal.regions import AREA_LEVELS, CODE_LENGTHS, LEVEL_NAMES

# Region keys of the URL, in the order they are written: the level of each, then (key, code length, label).
REGION_LEVELS: dict[str, str] = dict(zip(("prov", "kab", "kec", "desa"), AREA_LEVELS, strict=True))
REGION_KEYS: tuple[tuple[str, int, str], ...] = tuple(
    (key, CODE_LENGTHS[level], LEVEL_NAMES[level]) for key, level in REGION_LEVELS.items()
)
PROGRAMS = {"pkh": "PKH", "bpnt": "BPNT", "pbi_jk": "PBI-JK", "blt_dd": "BLT-DD", "tanpa": "Tanpa program"}
DESILS = {**{str(d): f"Desil {d}" for d in range(1, 11)}, "kosong": "Desil kosong"}
SEXES = {"L": "Laki-laki", "P": "Perempuan"}
AGE_BANDS = {"0-5": "0–5 tahun", "6-17": "6–17 tahun", "18-59": "18–59 tahun", "60+": "60 tahun ke atas"}
DISABILITY = {"ya": "Penyandang disabilitas", "tidak": "Bukan penyandang disabilitas"}
STATUSES = {"aktif": "Aktif", "nonaktif": "Nonaktif"}
LEVELS = {"individu": "Individu", "keluarga": "Keluarga"}
VIEWS = {"agregat": "Agregat", "baris": "Baris data"}
# Filter keys: URL key → (allowed values with labels, the spec field).
CHOICES: dict[str, tuple[dict[str, str], str, str]] = {
    "program": (PROGRAMS, "program", "Program"),
    "desil": (DESILS, "desil", "Desil"),
    "jk": (SEXES, "kelamin", "Jenis kelamin"),
    "umur": (AGE_BANDS, "umur", "Kelompok umur"),
    "disabilitas": (DISABILITY, "disabilitas", "Disabilitas"),
    "status": (STATUSES, "status", "Status"),
}
# Values people type by hand for the same thing ('60+' arrives as '60 ' when the plus is not URL-encoded).
ALIASES = {"60": "60+", "pbi-jk": "pbi_jk", "blt-dd": "blt_dd", "l": "L", "p": "P"}
DIMENSIONS = {
    "kecamatan": LEVEL_NAMES["kecamatan"],
    "desa": LEVEL_NAMES["desa"],
    "desil": "Desil",
    "jenis_kelamin": "Jenis kelamin",
    "kelompok_umur": "Kelompok umur",
    "program": "Program",
    "disabilitas": "Disabilitas",
    "status": "Status",
}
DIMENSION_VALUES: dict[str, dict[str, str]] = {
    "": {"semua": "Semua"},
    "desil": DESILS,
    "jenis_kelamin": {**SEXES, "kosong": "Tidak diketahui"},
    "kelompok_umur": {**AGE_BANDS, "kosong": "Tidak diketahui"},
    "program": PROGRAMS,
    "disabilitas": {**DISABILITY, "kosong": "Tidak diketahui"},
    "status": STATUSES,
}
KNOWN_KEYS = frozenset(
    {"periode", "tingkat", "baris", "kolom", "lihat", "hal", *CHOICES, *(key for key, _, _ in REGION_KEYS)}
)
PAGE_SIZE = 50
MAX_PAGE = 1_000_000
MAX_CODES = 500  # per region level: keeps a URL, a query and an audit line small
MAX_PARAM_CHARS = 8_000
_SHOWN = re.compile(r"[^0-9A-Za-z+.-]")


@dataclass(frozen=True)
class FilterSpec:
    """One view of the Eksplorasi page: region choices, filters, level, grouping, and rows page."""

    periode: str | None = None
    prov: tuple[str, ...] = ()
    kab: tuple[str, ...] = ()
    kec: tuple[str, ...] = ()
    desa: tuple[str, ...] = ()
    program: tuple[str, ...] = ()
    desil: tuple[str, ...] = ()
    kelamin: tuple[str, ...] = ()
    umur: tuple[str, ...] = ()
    disabilitas: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    tingkat: str = "individu"
    baris: str = ""
    kolom: str = ""
    lihat: str = "agregat"
    hal: int = 1

    def to_params(self) -> dict[str, str]:
        """The canonical URL parameters: defaults and empty filters left out, lists in a fixed order."""
        out: dict[str, str] = {}
        if self.periode:
            out["periode"] = self.periode
        if self.tingkat != "individu":
            out["tingkat"] = self.tingkat
        for key, _, _ in REGION_KEYS:
            if codes := getattr(self, key):
                out[key] = ",".join(codes)
        for key, (allowed, attr, _) in CHOICES.items():
            if values := getattr(self, attr):
                out[key] = ",".join(v for v in allowed if v in values)
        if self.baris:
            out["baris"] = self.baris
        if self.kolom:
            out["kolom"] = self.kolom
        if self.lihat != "agregat":
            out["lihat"] = self.lihat
        if self.hal != 1:
            out["hal"] = str(self.hal)
        return out

    def without_page(self) -> FilterSpec:
        """The same view on its first rows page (what decides whether the filters changed)."""
        return replace(self, hal=1)


@dataclass(frozen=True)
class ParsedView:
    """A spec read from URL parameters, and a note for everything that was dropped."""

    spec: FilterSpec
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScopedView:
    """A spec limited to an official's region: codes outside it are refused, codes containing it narrowed."""

    spec: FilterSpec
    refused: tuple[str, ...] = ()
    narrowed: bool = False


def shown(text: object, limit: int = 24) -> str:
    """A value from a URL made safe to print in a note (no Markdown, no HTML, short)."""
    value = _SHOWN.sub("?", str(text))
    return value[:limit] + ("…" if len(value) > limit else "")


def _tokens(value: object) -> list[str] | None:
    if isinstance(value, str):
        values = [value]
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        values = list(value)
    else:
        return None
    text = ",".join(values)
    if len(text) > MAX_PARAM_CHARS:
        return None
    return [token.strip() for token in text.split(",") if token.strip()]


def _parse_codes(length: int, label: str, tokens: list[str], notes: list[str]) -> tuple[str, ...]:
    good = sorted({t for t in tokens if t.isascii() and t.isdigit() and len(t) == length})
    bad = [t for t in tokens if not (t.isascii() and t.isdigit() and len(t) == length)]
    if bad:
        notes.append(
            f"Kode {label.lower()} tidak sah diabaikan ({length} digit): {', '.join(shown(b) for b in bad[:3])}"
        )
    if len(good) > MAX_CODES:
        notes.append(f"Paling banyak {MAX_CODES} kode {label.lower()}; sisanya diabaikan.")
        good = good[:MAX_CODES]
    return tuple(good)


def _parse_choice(key: str, tokens: list[str], notes: list[str]) -> tuple[str, ...]:
    allowed, _, label = CHOICES[key]
    picked, bad = set(), []
    for token in tokens:
        value = ALIASES.get(token.lower(), token.lower()) if key != "jk" else ALIASES.get(token, token.upper())
        if value in allowed:
            picked.add(value)
        else:
            bad.append(token)
    if bad:
        notes.append(f"Nilai {label.lower()} tidak dikenal diabaikan: {', '.join(shown(b) for b in bad[:3])}")
    return tuple(v for v in allowed if v in picked)


def _parse_single(key: str, token: str, periods: Sequence[str], notes: list[str]) -> object:
    """The value of a single-valued key, or None (with a note) when it is not allowed."""
    if key == "periode":
        ok = is_period(token) and token in periods
        value: object = token
    elif key == "tingkat":
        ok, value = token.lower() in LEVELS, token.lower()
    elif key in ("baris", "kolom"):
        ok, value = token.lower() in DIMENSIONS, token.lower()
    elif key == "lihat":
        ok, value = token.lower() in VIEWS, token.lower()
    else:  # hal
        ok = token.isascii() and token.isdigit() and len(token) <= 7 and 1 <= int(token) <= MAX_PAGE
        value = int(token) if ok else None
    if not ok:
        names = {"periode": "Periode", "tingkat": "Tingkat", "baris": "Kelompok", "kolom": "Kolom pivot"}
        what = names.get(key, "Tampilan" if key == "lihat" else "Halaman")
        notes.append(f"{what} tidak dikenal diabaikan: {shown(token)}")
        return None
    return value


def parse_params(raw: Mapping[str, object], periods: Sequence[str]) -> ParsedView:
    """Read URL parameters (values: a string, or a list of strings for a repeated key) into a spec; anything
    malformed, unknown or too long is dropped with a note in Bahasa Indonesia. Scope is checked separately."""
    notes: list[str] = []
    values: dict[str, object] = {}
    unknown = sorted(shown(k, 20) for k in raw if k not in KNOWN_KEYS)
    if unknown:
        notes.append(f"Parameter tidak dikenal diabaikan: {', '.join(unknown[:5])}")
    for key, value in raw.items():
        if key not in KNOWN_KEYS:
            continue
        tokens = _tokens(value)
        if tokens is None:
            notes.append(f"Parameter {key} terlalu panjang atau tidak sah, diabaikan.")
            continue
        if not tokens:
            continue
        region = next((r for r in REGION_KEYS if r[0] == key), None)
        if region is not None:
            values[key] = _parse_codes(region[1], region[2], tokens, notes)
        elif key in CHOICES:
            values[CHOICES[key][1]] = _parse_choice(key, tokens, notes)
        else:
            if len(tokens) > 1:
                notes.append(f"Parameter {key} hanya menerima satu nilai; yang pertama dipakai.")
            parsed = _parse_single(key, tokens[0], periods, notes)
            if parsed is not None:
                values[key] = parsed
    spec = FilterSpec(**values)  # type: ignore[arg-type]
    spec, more = tidy(spec)
    return ParsedView(spec, tuple(notes + more))


def tidy(spec: FilterSpec) -> tuple[FilterSpec, list[str]]:
    """Make a spec consistent: a pivot column needs a row dimension different from it."""
    notes = []
    if spec.kolom and not spec.baris:
        spec = replace(spec, baris=spec.kolom, kolom="")
    if spec.kolom and spec.kolom == spec.baris:
        notes.append("Kolom pivot sama dengan kelompok baris; kolom pivot diabaikan.")
        spec = replace(spec, kolom="")
    return spec, notes


def apply_scope(spec: FilterSpec, region: str) -> ScopedView:
    """Limit the region choices to an official's region: codes at or above its level that contain it are dropped
    (the scope is implied), codes outside it are refused; then parents implied by chosen children are added."""
    kept: dict[str, tuple[str, ...]] = {}
    refused: list[str] = []
    narrowed = False
    for key, length, _ in REGION_KEYS:
        keep = []
        for code in getattr(spec, key):
            if length <= len(region):
                if region.startswith(code):
                    narrowed = narrowed or length < len(region)
                else:
                    refused.append(code)
            elif code.startswith(region):
                keep.append(code)
            else:
                refused.append(code)
        kept[key] = tuple(keep)
    # A chosen kecamatan implies its kab/kota and provinsi (below the scope's own level only).
    for i, (key, length, _) in enumerate(REGION_KEYS):
        if length <= len(region):
            continue
        implied = {c[:length] for lower, _, _ in REGION_KEYS[i + 1 :] for c in kept[lower]}
        kept[key] = tuple(sorted(set(kept[key]) | implied))
    return ScopedView(replace(spec, **kept), tuple(refused), narrowed)


def fixed_levels(region: str) -> tuple[str, ...]:
    """The region keys an official cannot choose because the scope fixes them (e.g. prov and kab for '3471')."""
    return tuple(key for key, length, _ in REGION_KEYS if length <= len(region))


def chosen_regions(spec: FilterSpec, region: str) -> tuple[str, ...]:
    """The regions the view covers: the finest choice in each branch (a choice without chosen children counts
    whole), or the scope's region when nothing is chosen; () means the whole nation."""
    chosen = [c for key, _, _ in REGION_KEYS for c in getattr(spec, key)]
    if not chosen:
        return (region,) if region else ()
    leaves = {c for c in chosen if not any(o != c and o.startswith(c) for o in chosen)}
    return tuple(sorted(leaves))


def query_params(spec: FilterSpec, region: str, akhir: object) -> dict[str, object]:
    """Bound parameters shared by the explore_* queries (lists as tuples, None for no filter)."""
    regions = chosen_regions(spec, region)
    return {
        "periode": spec.periode,
        "akhir": akhir,
        "provinsi": tuple(sorted({c[:2] for c in regions})) or None,
        "wilayah": regions or None,
        "desa_dari": min(c.ljust(10, "0") for c in regions) if regions else "0000000000",
        "desa_sampai": max(c.ljust(10, "9") for c in regions) if regions else "9999999999",
        "programs": spec.program or None,
        "desils": spec.desil or None,
        "kelamin": spec.kelamin or None,
        "umur": spec.umur or None,
        "disabilitas": spec.disabilitas or None,
        "status": spec.status or None,
    }


def counts_query(spec: FilterSpec) -> str:
    """The grouped-count query for the spec's level."""
    return f"explore_{spec.tingkat}_counts"


def rows_query(spec: FilterSpec) -> str:
    """The rows query for the spec's level."""
    return f"explore_{spec.tingkat}_rows"


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    """Pages of `size` rows needed for `total` rows (at least 1)."""
    return max(1, math.ceil(total / size))


def label(dim: str, key: object, nama: object = None) -> str:
    """What a group is called on the page: 'Tegalrejo (347101)', 'Desil 1', 'Perempuan'."""
    text = "" if key is None else str(key)
    if dim in ("kecamatan", "desa"):
        return f"{nama} ({text})" if isinstance(nama, str) and nama else text
    return DIMENSION_VALUES.get(dim, {}).get(text, text)


def _order(dim: str, key: str) -> tuple[int, str]:
    values = list(DIMENSION_VALUES.get(dim, {}))
    return (values.index(key), key) if key in values else (len(values), key)


def grouped_table(counts: pd.DataFrame, baris: str, kolom: str) -> pd.DataFrame:
    """Grouped counts (baris, baris_nama, kolom, kolom_nama, jumlah) shaped for the page and exports: one row
    per group of `baris` and one count column (`kolom` empty) or one column per group of `kolom` (zero where
    nothing falls), in the dimension's natural order; a Total column unless a programme dimension overlaps."""
    dim_label = DIMENSIONS.get(baris, "Kelompok")  # no dimension: the single group 'Semua'
    if counts.empty:
        return pd.DataFrame({dim_label: pd.Series(dtype=str), "Jumlah": pd.Series(dtype="int64")})
    rows = sorted(
        {(str(k), n) for k, n in zip(counts["baris"], counts["baris_nama"], strict=True)},
        key=lambda r: _order(baris, r[0]),
    )
    row_labels = {k: label(baris, k, n) for k, n in rows}
    if not kolom:
        sums = counts.groupby("baris")["jumlah"].sum()
        return pd.DataFrame({dim_label: [row_labels[k] for k, _ in rows], "Jumlah": [int(sums[k]) for k, _ in rows]})
    cols = sorted(
        {(str(k), n) for k, n in zip(counts["kolom"], counts["kolom_nama"], strict=True)},
        key=lambda c: _order(kolom, c[0]),
    )
    grid = counts.pivot_table(index="baris", columns="kolom", values="jumlah", aggfunc="sum", fill_value=0)
    table = pd.DataFrame({dim_label: [row_labels[k] for k, _ in rows]})
    for key, nama in cols:
        table[label(kolom, key, nama)] = [int(grid.at[k, key]) for k, _ in rows]
    if "program" not in (baris, kolom):
        table["Total"] = table.iloc[:, 1:].sum(axis=1).astype("int64")
    return table


def chart_table(table: pd.DataFrame, limit: int = 40) -> pd.DataFrame:
    """The first `limit` groups by size (all when fewer), for a readable bar chart; the Total column dropped."""
    shown_table = table.drop(columns=["Total"], errors="ignore")
    if len(shown_table) <= limit:
        return shown_table
    size = shown_table.iloc[:, 1:].sum(axis=1)
    return shown_table.loc[size.sort_values(ascending=False, kind="stable").index[:limit]]


def describe(spec: FilterSpec, region: str, names: Mapping[str, str]) -> list[tuple[str, str]]:
    """The view in words, for an export's header: one (label, value) pair per chosen filter."""

    def region_text(code: str) -> str:
        return f"{names[code]} ({code})" if code in names else code

    lines = [("Tingkat", LEVELS.get(spec.tingkat, spec.tingkat))]
    regions = chosen_regions(spec, region)
    lines.append(("Wilayah", "; ".join(region_text(c) for c in regions) if regions else "Seluruh Indonesia"))
    for _key, (allowed, attr, title) in CHOICES.items():
        values = getattr(spec, attr)
        lines.append((title, ", ".join(allowed[v] for v in values) if values else "Semua"))
    if spec.baris:
        grouping = DIMENSIONS[spec.baris] + (f" × {DIMENSIONS[spec.kolom]}" if spec.kolom else "")
        lines.append(("Dikelompokkan menurut", grouping))
    return lines


def audit_detail(spec: FilterSpec) -> dict[str, object]:
    """The view as it goes into an audit line: its URL parameters (lists kept short by MAX_CODES)."""
    return dict(spec.to_params())


__all__ = [
    "DIMENSIONS",
    "LEVELS",
    "PAGE_SIZE",
    "FilterSpec",
    "ParsedView",
    "ScopedView",
    "apply_scope",
    "audit_detail",
    "chart_table",
    "chosen_regions",
    "counts_query",
    "describe",
    "fixed_levels",
    "grouped_table",
    "label",
    "page_count",
    "parse_params",
    "query_params",
    "rows_query",
    "shown",
    "tidy",
]
