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


def counts_query(spec: FilterSpec, region: str, cube: bool = True) -> str:
    """The grouped-count query for the spec's level within an official's `region` (the scope, '' for the nation):
    the one reading the Eksplorasi cube (kecamatan grain, written at build time) when the view is no finer than a
    kecamatan, else the live one over the region's rows (a desa is small). Both give the same answer where both
    can (tests/test_explore_cube.py). `cube` False (a register built before the cube) always gives the live one."""
    finer = any(len(code) > CODE_LENGTHS["kecamatan"] for code in chosen_regions(spec, region))
    if not cube or finer or "desa" in (spec.baris, spec.kolom):
        return f"explore_{spec.tingkat}_counts"
    return f"explore_{spec.tingkat}_counts_cube"


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
        # a drilled group can be 'kosong' (unknown), which the URL's filters do not offer
        lines.append((title, ", ".join(allowed.get(v, "Tidak diketahui") for v in values) if values else "Semua"))
    if spec.baris:
        grouping = DIMENSIONS[spec.baris] + (f" × {DIMENSIONS[spec.kolom]}" if spec.kolom else "")
        lines.append(("Dikelompokkan menurut", grouping))
    return lines


def audit_detail(spec: FilterSpec) -> dict[str, object]:
    """The view as it goes into an audit line: its URL parameters (lists kept short by MAX_CODES)."""
    return dict(spec.to_params())


# --- rows: which columns a role may see, which it sees by default, and the server-side sort ------------------------

# Every column the rows queries return, per level, in their order (queries/explore_*_rows.sql).
ROW_COLUMNS: dict[str, tuple[str, ...]] = {
    "individu": (
        "kode_desa", "nama_desa", "id_dtks", "nik", "no_kk", "nama", "jenis_kelamin", "tanggal_lahir", "usia",
        "kelompok_umur", "hubungan_keluarga", "rt", "rw", "desil", "program", "disabilitas", "status", "keberadaan",
    ),
    "keluarga": (
        "kode_desa", "nama_desa", "id_keluarga", "no_kk", "nama_kepala_keluarga", "alamat", "rt", "rw", "jumlah_art",
        "desil", "program", "jenis_kelamin", "usia", "disabilitas", "status", "alasan_nonaktif", "tanggal_verivali",
    ),
}  # fmt: skip
# What each masking tier may show of those columns. 'agregat' (the analyst) sees no row at all; 'baris' (officials
# who may see persons) sees every column the rows queries return, as before this choice existed. A column choice
# is always cut to the role's tier, so choosing can narrow what a role sees and never widen it.
TIER_COLUMNS: dict[str, dict[str, frozenset[str]]] = {
    "agregat": {level: frozenset() for level in ROW_COLUMNS},
    "baris": {level: frozenset(columns) for level, columns in ROW_COLUMNS.items()},
}
# Shown until the official chooses: enough to recognise a person or family, identifiers (NIK, KK) on request.
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "individu": ("nama_desa", "nama", "jenis_kelamin", "usia", "rt", "rw", "desil", "program", "status"),
    "keluarga": ("nama_desa", "nama_kepala_keluarga", "rt", "rw", "jumlah_art", "desil", "program", "status"),
}
# The server-side sort: key → the column the query sorts on (queries/explore_*_rows.sql reads $urut; a value not
# listed there sorts in the default order, but SORT_KEYS refuses it before any query runs).
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "individu": ("kode_desa", "nama", "usia", "tanggal_lahir", "desil", "rt"),
    "keluarga": ("kode_desa", "nama_kepala_keluarga", "jumlah_art", "desil", "tanggal_verivali", "rt"),
}
SORT_LABELS = {
    "kode_desa": "Desa",
    "nama": "Nama",
    "nama_kepala_keluarga": "Nama kepala keluarga",
    "usia": "Usia",
    "tanggal_lahir": "Tanggal lahir",
    "desil": "Desil",
    "rt": "RW/RT",
    "jumlah_art": "Jumlah anggota keluarga",
    "tanggal_verivali": "Tanggal verivali",
}


def tier(role: str) -> str:
    """The masking tier of a role: 'agregat' for roles that see aggregates only, else 'baris'."""
    from portal.access import AGGREGATES_ONLY, ROLES

    if role not in ROLES or role in AGGREGATES_ONLY:
        return "agregat"
    return "baris"


def allowed_columns(role: str, tingkat: str) -> tuple[str, ...]:
    """The row columns `role` may see at `tingkat`, in the query's order (empty for an unknown level)."""
    allowed = TIER_COLUMNS[tier(role)].get(tingkat, frozenset())
    return tuple(c for c in ROW_COLUMNS.get(tingkat, ()) if c in allowed)


def choose_columns(role: str, tingkat: str, wanted: Sequence[str] | None) -> tuple[str, ...]:
    """The columns to show: `wanted` (None = the defaults) cut to what the role's tier allows, in the query's
    order. Never more than `allowed_columns`."""
    allowed = allowed_columns(role, tingkat)
    picked = set(DEFAULT_COLUMNS.get(tingkat, ()) if wanted is None else wanted)
    return tuple(c for c in allowed if c in picked)


def sort_params(tingkat: str, urut: str, turun: bool = False) -> dict[str, object]:
    """The bound parameters of the rows query's sort; ValueError for a key not in SORT_KEYS of that level (the
    column name never reaches SQL as text: the query compares the bound value with its own fixed names)."""
    if urut not in SORT_KEYS.get(tingkat, ()):
        raise ValueError(f"unknown sort key for {tingkat!r}: {shown(urut)!r}")
    return {"urut": urut, "turun": bool(turun)}


def rows_for_display(rows: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The chosen columns of a rows page with codes as words (Laki-laki, 18–59 tahun, Ya, Aktif)."""
    words = {
        "jenis_kelamin": {**SEXES, "kosong": None},
        "kelompok_umur": {**AGE_BANDS, "kosong": None},
        "disabilitas": {"ya": "Ya", "tidak": "Tidak", "kosong": None},
        "status": STATUSES,
        "program": {"tanpa program": "Tanpa program"},
    }
    shown_rows = rows[[c for c in columns if c in rows.columns]].copy()
    for column, mapping in words.items():
        if column in shown_rows.columns:
            shown_rows[column] = shown_rows[column].map(lambda v, m=mapping: m.get(v, v) if isinstance(v, str) else v)
    return shown_rows


# --- drilling from a chart's bar to its rows -------------------------------------------------------------------

_DRILL_FIELDS = {
    "desil": "desil",
    "jenis_kelamin": "kelamin",
    "kelompok_umur": "umur",
    "program": "program",
    "disabilitas": "disabilitas",
    "status": "status",
}


def drill_spec(spec: FilterSpec, dim: str, key: str) -> FilterSpec:
    """The spec narrowed to one group of dimension `dim` (a bar of the chart): a kecamatan or desa replaces the
    region choice by itself (keeping only its parents and children), any other dimension sets its filter to the
    one value. ValueError for an unknown dimension or a malformed key."""
    if dim in ("kecamatan", "desa"):
        length = CODE_LENGTHS[dim]
        if not (isinstance(key, str) and key.isascii() and key.isdigit() and len(key) == length):
            raise ValueError(f"not a {dim} code: {shown(key)!r}")
        related = {
            k: tuple(c for c in getattr(spec, k) if key.startswith(c) or c.startswith(key)) for k, _, _ in REGION_KEYS
        }
        related["kec" if dim == "kecamatan" else "desa"] = (key,)
        for k, n, _ in REGION_KEYS:  # the parents of the group, so the spec stays consistent
            if n < length:
                related[k] = tuple(sorted(set(related[k]) | {key[:n]}))
        return replace(spec, **related, hal=1)
    field = _DRILL_FIELDS.get(dim)
    if field is None or not isinstance(key, str) or key not in DIMENSION_VALUES[dim]:
        raise ValueError(f"unknown group {shown(dim)}={shown(key)}")
    return replace(spec, **{field: (key,)}, hal=1)


# --- totals, rates, long form for charts, periods ---------------------------------------------------------------

TOTAL_LABEL = "Total"


def with_totals(table: pd.DataFrame, column_totals: Mapping[str, int] | None = None) -> pd.DataFrame:
    """The grouped table with a last 'Total' row: each count column summed, or taken from `column_totals` (label →
    count) where a group can hold a person twice (the programme dimension), so the total counts everyone once."""
    if table.empty:
        return table
    total: dict[str, object] = {table.columns[0]: TOTAL_LABEL}
    for column in table.columns[1:]:
        if column_totals is not None and column in column_totals:
            total[column] = int(column_totals[column])
        else:
            total[column] = int(table[column].sum())
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)


RATE_COLUMNS = {
    "persen_desil_1_4": "Desil 1–4",
    "persen_pkh": "PKH",
    "persen_bpnt": "BPNT",
    "persen_pbi_jk": "PBI-JK",
    "persen_blt_dd": "BLT-DD",
    "persen_tanpa": "Tanpa program",
}


def _share(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 2) if whole else float("nan")


def rates_table(
    by_desil: pd.DataFrame,
    by_program: pd.DataFrame,
    baris: str,
    all_desil: pd.DataFrame | None = None,
    all_program: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rates per group of `baris` (and for everyone, last row 'Total'): the group's size, the share in desil 1–4
    and the share receiving each programme (coverage), in percent (0–100, two decimals).

    `by_desil` and `by_program` are grouped counts (baris, baris_nama, kolom, kolom_nama, jumlah, total) of the
    same view by (`baris`, desil) and (`baris`, program). A group's size is its desil counts summed (each person
    has one desil); the total row uses `total` (everyone once) and, when `baris` is the programme dimension (where
    a family sits in every programme it receives), `all_desil` and `all_program`: the view grouped by desil alone
    and by programme alone."""
    dim_label = DIMENSIONS.get(baris, "Kelompok")
    columns = [dim_label, "jumlah", *RATE_COLUMNS]
    if by_desil.empty:
        return pd.DataFrame({c: pd.Series(dtype=str if c == dim_label else "float64") for c in columns})
    desil = by_desil.assign(baris=by_desil["baris"].astype(str), kolom=by_desil["kolom"].astype(str))
    program = by_program.assign(baris=by_program["baris"].astype(str), kolom=by_program["kolom"].astype(str))
    low = {str(d) for d in range(1, 5)}
    groups = sorted(
        {(k, n) for k, n in zip(desil["baris"], desil["baris_nama"], strict=True)}, key=lambda r: _order(baris, r[0])
    )
    records = []
    for key, nama in groups:
        mine = desil[desil["baris"] == key]
        size = int(mine["jumlah"].sum())
        theirs = program[program["baris"] == key].groupby("kolom")["jumlah"].sum()
        record: dict[str, object] = {dim_label: label(baris, key, nama), "jumlah": size}
        record["persen_desil_1_4"] = _share(mine.loc[mine["kolom"].isin(low), "jumlah"].sum(), size)
        for prog in ("pkh", "bpnt", "pbi_jk", "blt_dd", "tanpa"):
            record[f"persen_{prog}"] = _share(theirs.get(prog, 0), size)
        records.append(record)
    if baris:  # the row for everyone (without a grouping the one group is everyone already)
        everyone = int(by_desil["total"].iloc[0])
        if baris == "program":  # a family in two programmes sits in two groups: sums would count it twice
            if all_desil is None or all_program is None:
                raise ValueError("with the programme dimension the total row needs all_desil and all_program")
            desil_sums = all_desil.groupby(all_desil["baris"].astype(str))["jumlah"].sum()
            program_sums = all_program.groupby(all_program["baris"].astype(str))["jumlah"].sum()
        else:
            desil_sums = desil.groupby("kolom")["jumlah"].sum()
            program_sums = program.groupby("kolom")["jumlah"].sum()
        record = {dim_label: TOTAL_LABEL, "jumlah": everyone}
        record["persen_desil_1_4"] = _share(sum(int(v) for k, v in desil_sums.items() if str(k) in low), everyone)
        for prog in ("pkh", "bpnt", "pbi_jk", "blt_dd", "tanpa"):
            record[f"persen_{prog}"] = _share(program_sums.get(prog, 0), everyone)
        records.append(record)
    return pd.DataFrame(records, columns=columns)


def long_counts(counts: pd.DataFrame, baris: str, kolom: str, limit: int = 40) -> pd.DataFrame:
    """Grouped counts in long form for a chart: baris, baris_label, kolom, kolom_label, jumlah and kolom_urut (the
    series' place), groups in the dimension's natural order; with more than `limit` groups of `baris`, the
    `limit` largest (in natural order)."""
    out_columns = ["baris", "baris_label", "kolom", "kolom_label", "jumlah"]
    if counts.empty:
        return pd.DataFrame(columns=[*out_columns, "kolom_urut"])
    frame = counts.assign(baris=counts["baris"].astype(str), kolom=counts["kolom"].astype(str))
    frame["baris_label"] = [label(baris, k, n) for k, n in zip(frame["baris"], frame["baris_nama"], strict=True)]
    frame["kolom_label"] = [label(kolom, k, n) for k, n in zip(frame["kolom"], frame["kolom_nama"], strict=True)]
    sizes = frame.groupby("baris")["jumlah"].sum()
    if len(sizes) > limit:
        keep = set(sizes.sort_values(ascending=False, kind="stable").index[:limit])
        frame = frame[frame["baris"].isin(keep)]
    frame = frame.assign(
        _b=[_order(baris, k) for k in frame["baris"]], _k=[_order(kolom, k) for k in frame["kolom"]]
    ).sort_values(["_b", "_k"], kind="stable")
    columns_in_order = sorted(set(frame["kolom"]), key=lambda k: _order(kolom, k))
    frame = frame.assign(kolom_urut=[columns_in_order.index(k) for k in frame["kolom"]])
    return (
        frame[[*out_columns, "kolom_urut"]].reset_index(drop=True).assign(jumlah=lambda f: f["jumlah"].astype("int64"))
    )


def period_table(per_period: Mapping[str, pd.DataFrame], baris: str, limit: int = 8) -> pd.DataFrame:
    """Counts over periods (periode → grouped counts by `baris` alone) in long form: periode, baris, baris_label,
    jumlah; without a grouping, one series 'Semua'. With more than `limit` groups, the `limit` largest in the
    newest period."""
    frames = []
    for periode, counts in sorted(per_period.items()):
        if counts.empty:
            continue
        frame = counts.assign(baris=counts["baris"].astype(str))
        frame = frame.groupby(["baris", "baris_nama"], dropna=False, as_index=False)["jumlah"].sum()
        frame["periode"] = periode
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["periode", "baris", "baris_label", "jumlah"])
    joined = pd.concat(frames, ignore_index=True)
    joined["baris_label"] = [label(baris, k, n) for k, n in zip(joined["baris"], joined["baris_nama"], strict=True)]
    newest = joined[joined["periode"] == joined["periode"].max()].set_index("baris")["jumlah"]
    if joined["baris"].nunique() > limit:
        keep = set(newest.sort_values(ascending=False, kind="stable").index[:limit])
        joined = joined[joined["baris"].isin(keep)]
    joined = joined.assign(_b=[_order(baris, k) for k in joined["baris"]]).sort_values(["_b", "periode"])
    return joined[["periode", "baris", "baris_label", "jumlah"]].reset_index(drop=True)


@dataclass(frozen=True)
class MapMeta:
    """How the map of the view reads its value (what `portal.ui.region_map` asks of an indicator)."""

    label: str
    unit: str
    decimals: int = 0
    higher_is_better: bool = True


def map_level(spec: FilterSpec, region: str) -> tuple[str, str] | None:
    """Where a map of the view is drawn: (level of the regions coloured, their parent code); kecamatan under one
    chosen provinsi or kab/kota, desa under one kecamatan or desa's kecamatan; None when the view covers several
    regions or the whole nation (a map of every kecamatan in Indonesia is not readable)."""
    regions = chosen_regions(spec, region)
    if len(regions) != 1:
        return None
    code = regions[0]
    if len(code) in (2, 4):
        return "kecamatan", code
    if len(code) == 6:
        return "desa", code
    return "desa", code[:6]


def row_labels(tingkat: str) -> dict[str, str]:
    """Headings of the rows table that differ from the shared vocabulary: a person's `nama` is not a region's name,
    and on the family level sex, age and disability are the head's."""
    from portal.words import COLUMNS

    labels = {"nama": COLUMNS["nama_individu"]}
    if tingkat == "keluarga":
        labels.update(
            jenis_kelamin=COLUMNS["jenis_kelamin_kepala"],
            usia=COLUMNS["usia_kepala"],
            disabilitas=COLUMNS["disabilitas_kepala"],
        )
    return labels


def export_rows(rows: pd.DataFrame, columns: Sequence[str], tingkat: str) -> pd.DataFrame:
    """A rows export: the chosen columns, codes as words, headings in Bahasa Indonesia (as on the page)."""
    from portal.words import headings

    shown_rows = rows_for_display(rows, columns)
    return shown_rows.rename(columns=headings(shown_rows.columns, row_labels(tingkat)))


def export_rates(rates: pd.DataFrame) -> pd.DataFrame:
    """The rates table with its headings in Bahasa Indonesia, for an export."""
    from portal.words import headings

    return rates.rename(columns=headings(rates.columns))


__all__ = [
    "DEFAULT_COLUMNS",
    "DIMENSIONS",
    "LEVELS",
    "PAGE_SIZE",
    "RATE_COLUMNS",
    "ROW_COLUMNS",
    "SORT_KEYS",
    "TIER_COLUMNS",
    "FilterSpec",
    "MapMeta",
    "ParsedView",
    "ScopedView",
    "allowed_columns",
    "apply_scope",
    "audit_detail",
    "chart_table",
    "choose_columns",
    "chosen_regions",
    "counts_query",
    "describe",
    "drill_spec",
    "export_rates",
    "export_rows",
    "fixed_levels",
    "grouped_table",
    "label",
    "long_counts",
    "map_level",
    "page_count",
    "parse_params",
    "period_table",
    "query_params",
    "rates_table",
    "row_labels",
    "rows_for_display",
    "rows_query",
    "shown",
    "sort_params",
    "tidy",
    "tier",
    "with_totals",
]
