"""Row checks of one batch: parse every mapped column, place the row in a desa, check the required fields, the
NIK / No KK structure, the birth date against the NIK and the official's scope. Rows that fail are rejected
with every reason that applies; rows that pass carry their warnings into the spill."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from portal import access
from portal.ingest import normalise as nz
from portal.ingest import regions
from portal.ingest.columns import COLUMNS, FAMILY_STATUS, FIELDS, INT_RANGES, ORDER
from portal.ingest.reading import MAX_RAW, SUMMARY_LABEL, Batch
from portal.ingest.reasons import UNREADABLE
from portal.nik import id_fields, kk_is_valid, nik_is_valid

SPILL_EXTRA = [
    ("kode_prov", pa.string()),
    ("_row", pa.int64()),
    ("_sumber", pa.string()),
    ("_peringatan", pa.string()),
    ("_kepala", pa.bool_()),
]
SPILL_SCHEMA = pa.schema([(c.field, c.type) for c in FIELDS if c.field != "kode_prov"] + SPILL_EXTRA)
REJECT_HEADER = ["SUMBER", "ALASAN", *ORDER, "BARIS_ASLI"]
# Columns assumed true when a file does not carry them at all: an export lists the register's active records.
DEFAULT_TRUE = ("status_aktif", FAMILY_STATUS)
_REQUIRED = {
    "nik": ("NIK_KOSONG", "NIK_DIGIT_HILANG", "NIK_TIDAK_TERBACA"),
    "no_kk": ("KK_KOSONG", "KK_DIGIT_HILANG", "KK_TIDAK_TERBACA"),
    "nama": ("NAMA_KOSONG", None, "NAMA_TIDAK_TERBACA"),
    "tanggal_lahir": ("TGL_LAHIR_KOSONG", None, "TGL_LAHIR_TIDAK_VALID"),
    "jenis_kelamin": ("JK_KOSONG", None, "JK_TIDAK_VALID"),
}
_ID_WARN = {
    "nik": ("NIK_DARI_ANGKA", "NIK_TIDAK_VALID", nik_is_valid),
    "no_kk": ("KK_DARI_ANGKA", "KK_TIDAK_VALID", kk_is_valid),
}
MAX_EXAMPLES = 5


def derived_id(kind: str, *parts: object) -> int:
    """A stable id from text: the first 15 hex digits of MD5('kind|part|part'), a positive 60-bit integer."""
    text = "|".join([kind, *(str(p) for p in parts)])
    return int(hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:15], 16)


def mask_nik(value: object) -> str:
    """The first 6 characters of a NIK / No KK and asterisks: never a whole number in a report or log."""
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    return text[:6] + "**********" if len(text) > 6 else "******"


@dataclass
class Tally:
    """What the batches have produced so far: rows read, rejects by reason and kab/kota, examples."""

    read: int = 0
    accepted_before_dedup: int = 0
    rejected: int = 0
    reasons: Counter = field(default_factory=Counter)  # (code, kode_kab) → rows
    rejected_by_kab: Counter = field(default_factory=Counter)  # kode_kab → rejected rows
    examples: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    derived_ids: int = 0
    summary: int = 0  # summary and footer rows skipped (not people, not read)

    def example(self, code: str, source: str, nik: object) -> None:
        """Keep the first few examples of a reason (masked NIK)."""
        bucket = self.examples.setdefault(code, [])
        if len(bucket) < MAX_EXAMPLES:
            bucket.append({"sumber": source, "nik": mask_nik(nik)})


@dataclass
class Checked:
    """One checked batch: the accepted rows as a spill table, the rejected rows as CSV rows."""

    accepted: pa.Table
    rejected: list[list[str]]


@dataclass
class Prepared:
    """A batch checked without touching the run's state (`BatchChecker.prepare`, safe in a worker thread): what
    `BatchChecker.commit` adds to the tally, in file order."""

    source: str
    broken: list[tuple[int, str, str]]
    summary: int  # summary and footer rows dropped
    rows: int  # rows checked (after the summary rows)
    accepted: pa.Table  # the accepted rows; `_row` still counts from 0 within the batch
    rejected: list[list[str]]  # rejected rows as CSV rows
    rejected_codes: list[list[str]]
    rejected_kab: list[str]
    rejected_nik: list[object]
    derived_ids: int = 0


class BatchChecker:
    """Checks batches of one ingest run (one period, one scope). `prepare` reads only what never changes during
    a run (and memo tables whose answers never change), so batches can be prepared in several threads; `commit`
    must then be called in file order."""

    def __init__(self, periode_end: date, scope: access.Scope | None, register_root: Path | None = None) -> None:
        self.periode_end = periode_end
        self.scope = scope
        self.resolver = regions.RegionResolver(register_root)
        self.tally = Tally()
        self._allowed: dict[str, bool] = {}

    def check(
        self, source: str, columns: dict[int, str], batch: Batch, codes: dict[int, dict[str, str]] | None = None
    ) -> Checked:
        """Check one batch of a table whose header maps column index → canonical column (`codes`: the code → word
        tables of coded columns, see kolom.toml [kode])."""
        return self.commit(self.prepare(source, columns, batch, codes))

    def prepare(
        self, source: str, columns: dict[int, str], batch: Batch, codes: dict[int, dict[str, str]] | None = None
    ) -> Prepared:
        """The checks of one batch, without the tally (see `check`)."""
        batch, summary = self._drop_summary_rows(columns, batch)
        n = len(batch.lines)
        if n == 0:
            return Prepared(source, batch.broken, summary, 0, SPILL_SCHEMA.empty_table(), [], [], [], [])
        raw = {name: batch.columns[index] for index, name in columns.items()}
        bad_codes: dict[str, np.ndarray] = {}
        for index, table in (codes or {}).items():
            raw[columns[index]], bad_codes[columns[index]] = decode(batch.columns[index], table)
        lines = pa.array(np.asarray(batch.lines, dtype=np.int64))
        sources = pc.binary_join_element_wise(pa.scalar(f"{source}:"), lines.cast(pa.string()), "")
        reasons: list[tuple[str, np.ndarray]] = []
        warnings: list[tuple[str, np.ndarray]] = []
        values = self._parse(raw, n, reasons, warnings, bad_codes)
        kode_desa = self._place(values, n, reasons, warnings)
        self._check_nik(values, n, reasons, warnings)
        self._check_scope(kode_desa, reasons)
        derived = self._ids(values, n)

        reject = np.zeros(n, dtype=bool)
        for _code, mask in reasons:
            reject |= mask
        rows = np.flatnonzero(reject)
        keep = np.flatnonzero(~reject)
        table = self._spill_table(values, kode_desa, warnings, sources, n)
        accepted = table.take(pa.array(keep, type=pa.int64()))
        prepared = Prepared(source, batch.broken, summary, n, accepted, [], [], [], [], derived)
        self._rejected_rows(prepared, rows, reasons, raw, kode_desa, sources)
        return prepared

    def commit(self, prepared: Prepared) -> Checked:
        """Add a prepared batch to the tally (batches in file order): rows read, rejects by reason and kab/kota,
        examples, and the accepted rows numbered in reading order."""
        rejected = [self._broken(prepared.source, line, raw, detail) for line, raw, detail in prepared.broken]
        self.tally.summary += prepared.summary
        n = prepared.rows
        first_row = self.tally.read + len(prepared.broken) + 1
        self.tally.read += n + len(prepared.broken)
        self.tally.rejected += len(rejected)
        if n == 0:
            return Checked(prepared.accepted, rejected)
        self.tally.derived_ids += prepared.derived_ids
        for codes, kab, nik, row in zip(
            prepared.rejected_codes, prepared.rejected_kab, prepared.rejected_nik, prepared.rejected, strict=True
        ):
            self.tally.rejected_by_kab[kab] += 1
            for code in codes:
                self.tally.reasons[(code, kab)] += 1
                self.tally.example(code, row[0], nik)
        self.tally.rejected += len(prepared.rejected)
        rejected.extend(prepared.rejected)
        table = prepared.accepted
        self.tally.accepted_before_dedup += table.num_rows
        # Rows are numbered in reading order, broken records included (they come first in a batch).
        index = SPILL_SCHEMA.get_field_index("_row")
        numbers = pc.add(table.column(index), pa.scalar(first_row, pa.int64()))
        return Checked(table.set_column(index, SPILL_SCHEMA.field(index), numbers), rejected)

    def _drop_summary_rows(self, columns: dict[int, str], batch: Batch) -> tuple[Batch, int]:
        """The batch without its summary and footer rows, and how many there were (counted in `Tally.summary`,
        not read as people): rows with no digit in NIK or No KK that carry a summary word (JUMLAH, TOTAL, REKAP,
        DICETAK..., `reading.SUMMARY_LABEL`) at the start of any cell, or that have no value in any recognised
        column (notes under the table, a numbered empty row)."""
        if not len(batch.lines):
            return batch, 0
        summary = summary_rows(columns, batch.columns)
        if not summary.any():
            return batch, 0
        keep = pa.array(np.flatnonzero(~summary), type=pa.int64())
        lines = np.asarray(batch.lines, dtype=np.int64)[~summary].tolist()
        return Batch([c.take(keep) for c in batch.columns], lines, batch.broken, batch.fraction), int(summary.sum())

    def _parse(
        self, raw: dict[str, pa.Array], n: int, reasons: list, warnings: list, bad_codes: dict[str, np.ndarray]
    ) -> dict[str, Column]:
        """Every mapped column parsed. A value that cannot be carried exactly rejects its row: required fields with
        their own reasons, any other column with NILAI_TIDAK_TERBACA:<COLUMN> (never a null in its place)."""
        values: dict[str, Column] = {}
        unknown = np.zeros(n, dtype=bool)
        two_digit_year = np.zeros(n, dtype=bool)
        pivot = self.periode_end.year
        for col in COLUMNS.values():
            if col.header not in raw:
                continue
            parsed, status = nz.parse_column(col.kind, raw[col.header], pivot_year=pivot)
            if col.header in bad_codes:
                status[bad_codes[col.header]] = nz.BAD
            if col.kind == "date":
                two_digit_year |= status == nz.WARN
            if col.field in _REQUIRED:
                blank, lost, bad = _REQUIRED[col.field]
                reasons.append((blank, status == nz.BLANK))
                if lost:
                    reasons.append((lost, status == nz.LOST))
                reasons.append((bad, status == nz.BAD))
                if col.field in _ID_WARN:
                    warnings.append((_ID_WARN[col.field][0], status == nz.WARN))
            elif col.kind == "region":
                # An unreadable code is never a code: the row is then placed nowhere (WILAYAH_TIDAK_DIKENAL).
                parsed = pc.if_else(pa.array(status == nz.BAD), "X", parsed)
            else:
                if col.kind in ("int", "desil"):
                    low, high = INT_RANGES.get(col.field, (0, 2**31 - 1))
                    number = pc.fill_null(parsed, low).to_numpy(zero_copy_only=False)
                    status[(status == nz.OK) & ((number < low) | (number > high))] = nz.BAD
                if col.kind in ("hubungan", "keberadaan", "padan"):  # unknown words are kept as written
                    unknown |= status == nz.WARN
                unreadable = (status == nz.BAD) | (status == nz.LOST)
                if unreadable.any():
                    reasons.append((f"{UNREADABLE}:{col.header}", unreadable))
            values[col.field] = parsed
        for name, (blank, _lost, _bad) in _REQUIRED.items():
            if name not in values:
                values[name] = pa.nulls(n, pa.date32() if name == "tanggal_lahir" else pa.string())
                reasons.append((blank, np.ones(n, dtype=bool)))
        warnings.append(("NILAI_TIDAK_DIKENAL", unknown))
        warnings.append(("TAHUN_DUA_DIGIT", two_digit_year))
        return values

    def _rejected_rows(
        self,
        prepared: Prepared,
        rows: np.ndarray,
        reasons: list[tuple[str, np.ndarray]],
        raw: dict[str, pa.Array],
        kode_desa: pa.Array,
        sources: pa.Array,
    ) -> None:
        """Rejected rows as they were read (canonical headers), with their reasons and kab/kota."""
        if rows.size == 0:
            return
        taken = pa.array(rows, type=pa.int64())
        texts = {h: raw[h].take(taken).to_pylist() for h in raw}
        blank = [""] * rows.size
        where = [(code, mask[rows]) for code, mask in reasons]
        where = [(code, hit) for code, hit in where if hit.any()]
        kabs = pc.utf8_slice_codeunits(pc.fill_null(kode_desa.take(taken), ""), 0, 4).to_pylist()
        names = sources.take(taken).to_pylist()
        niks = texts.get("NIK", blank)
        for k in range(rows.size):
            codes = [code for code, hit in where if hit[k]]
            prepared.rejected_codes.append(codes)
            prepared.rejected_kab.append(kabs[k])
            prepared.rejected_nik.append(niks[k])
            prepared.rejected.append([names[k], ";".join(codes), *(texts.get(h, blank)[k] for h in ORDER), ""])

    def _broken(self, source: str, line: int, raw: str, detail: str) -> list[str]:
        self.tally.reasons[("BARIS_RUSAK", "")] += 1
        self.tally.rejected_by_kab[""] += 1
        self.tally.example("BARIS_RUSAK", f"{source}:{line}", None)
        return [f"{source}:{line}", "BARIS_RUSAK", *([""] * len(ORDER)), f"{detail}: {raw}"[:MAX_RAW]]

    def _place(self, values: dict[str, Column], n: int, reasons: list, warnings: list) -> pa.Array:
        """Resolve every row's desa (once per distinct combination of codes and names in the batch); region
        failures become reasons, a mapped Papua code a warning."""
        fields = ("kode_desa", "kode_kec", "kode_kab", "kode_prov")
        names = ("nama_provinsi", "nama_kabupaten", "nama_kecamatan", "nama_desa")
        present = [f for f in (*fields, *names) if values.get(f) is not None]
        if present:
            # Nulls become NUL and cells are joined with a unit separator: cleaned values hold neither.
            parts = [pc.fill_null(_array(values, f, n, pa.string()), "\x00") for f in present]
            encoded = pc.binary_join_element_wise(*parts, "\x1f").dictionary_encode()
            indices = encoded.indices.to_numpy(zero_copy_only=False)
            _, first = np.unique(indices, return_index=True)
            chosen = pa.array(first, type=pa.int64())
            columns = [
                _array(values, f, n, pa.string()).take(chosen).to_pylist() if f in present else [None] * first.size
                for f in (*fields, *names)
            ]
        else:
            indices = np.zeros(n, dtype=np.int64)
            columns = [[None]] * 8
        resolve = self.resolver.resolve
        resolved = [resolve(*row) for row in zip(*columns, strict=True)]
        codes = [regions.KOSONG, regions.TIDAK_DIKENAL, regions.AMBIGU, regions.PAPUA_GAGAL, regions.PAPUA_LAMA]
        kinds = np.array([codes.index(r.status) if r.status in codes else -1 for r in resolved], dtype=np.int8)
        status = kinds[indices]
        for k, code in enumerate(codes[:4]):
            reasons.append((code, status == k))
        warnings.append((regions.PAPUA_LAMA, status == 4))
        return pa.array([r.kode_desa for r in resolved], type=pa.string()).take(pa.array(indices))

    def _check_nik(self, values: dict[str, Column], n: int, reasons: list, warnings: list) -> None:
        """Structure of NIK and No KK (warnings), birth date against the period and against the NIK."""
        # Vectorised over the batch (portal.nik.id_fields: the same rules as nik_is_valid / kk_is_valid).
        valid = {}
        fields = {}
        for name, (_from_number, invalid, _is_valid) in _ID_WARN.items():
            column = _array(values, name, n, pa.string())
            fields[name] = id_fields(column, women=name == "nik")
            valid[name] = fields[name]["valid"]
            present = ~column.is_null().to_numpy(zero_copy_only=False)
            warnings.append((invalid, present & ~valid[name]))
        born = _array(values, "tanggal_lahir", n, pa.date32())
        days = born.cast(pa.int32()).to_numpy(zero_copy_only=False)  # days since 1970, NaN where missing
        has_date = ~born.is_null().to_numpy(zero_copy_only=False)
        late = has_date & (np.nan_to_num(days, nan=0) > (self.periode_end - date(1970, 1, 1)).days)
        reasons.append(("TGL_LAHIR_TIDAK_VALID", late))
        sexes = _array(values, "jenis_kelamin", n, pa.string())
        nik = fields["nik"]
        expected = np.where(nik["day"] > 40, "P", "L")
        sex = pc.fill_null(sexes, "").to_numpy(zero_copy_only=False).astype(str)
        wrong_sex = valid["nik"] & ~sexes.is_null().to_numpy(zero_copy_only=False) & (sex != expected)
        when = np.where(has_date, np.nan_to_num(days, nan=0), 0).astype("int64").astype("datetime64[D]")
        year = when.astype("datetime64[Y]").astype(np.int64) + 1970
        month = when.astype("datetime64[M]").astype(np.int64) % 12 + 1
        day = (when - when.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
        nik_day = np.where(nik["day"] > 40, nik["day"] - 40, nik["day"])
        differs = (day != nik_day) | (month != nik["month"]) | (year % 100 != nik["yy"])
        wrong_date = valid["nik"] & has_date & differs
        warnings.append(("TGL_LAHIR_BEDA_NIK", wrong_date))
        warnings.append(("JK_BEDA_NIK", wrong_sex))

    def _check_scope(self, kode_desa: pa.Array, reasons: list) -> None:
        if self.scope is None or self.scope.region == "":
            return
        encoded = kode_desa.dictionary_encode()
        allowed = []
        for code in encoded.dictionary.to_pylist():
            known = self._allowed.get(code)
            if known is None:
                known = self._allowed[code] = access.allows(self.scope, code)
            allowed.append(known)
        outside = pc.fill_null(pa.array([not a for a in allowed], pa.bool_()).take(encoded.indices), False)
        reasons.append(("DI_LUAR_WILAYAH", outside.to_numpy(zero_copy_only=False)))

    def _ids(self, values: dict[str, Column], n: int) -> int:
        """ID_KELUARGA and ID_DTKS as given, else (an empty cell, or no such column) derived from No KK and
        (family, NIK) (docs/INGEST.md); returns how many ID_DTKS were derived. An unreadable id has already
        rejected its row in `_parse`."""
        kk = _array(values, "no_kk", n, pa.string())
        nik = _array(values, "nik", n, pa.string())
        family = _array(values, "id_keluarga", n, pa.int64())
        missing = np.flatnonzero(_nulls(family) & ~_nulls(kk))
        if missing.size:
            kks = kk.take(pa.array(missing, type=pa.int64())).to_pylist()
            made = pa.array([derived_id("keluarga", k) for k in kks], pa.int64())
            family = _scatter(family, missing, made)
        person = _array(values, "id_dtks", n, pa.int64())
        missing = np.flatnonzero(_nulls(person) & ~_nulls(family) & ~_nulls(nik))
        if missing.size:
            taken = pa.array(missing, type=pa.int64())
            pairs = zip(family.take(taken).to_pylist(), nik.take(taken).to_pylist(), strict=True)
            made = pa.array([derived_id("individu", f, k) for f, k in pairs], pa.int64())
            person = _scatter(person, missing, made)
        values["id_keluarga"] = family
        values["id_dtks"] = person
        return int(missing.size)

    def _spill_table(
        self,
        values: dict[str, Column],
        kode_desa: pa.Array,
        warnings: list[tuple[str, np.ndarray]],
        sources: pa.Array,
        n: int,
    ) -> pa.Table:
        """The batch's rows in the spill's columns; `_row` counts from 0 (`commit` adds the batch's first row)."""
        values["kode_desa"] = kode_desa
        values["kode_kec"] = pc.utf8_slice_codeunits(kode_desa, 0, 6)
        values["kode_kab"] = pc.utf8_slice_codeunits(kode_desa, 0, 4)
        values["kode_prov"] = pc.utf8_slice_codeunits(kode_desa, 0, 2)
        warned = np.zeros(n, dtype=bool)
        for _code, mask in warnings:
            warned |= mask
        flagged = np.flatnonzero(warned)
        peringatan = pa.nulls(n, pa.string())
        if flagged.size:
            text = np.full(flagged.size, "", dtype=object)
            for code, mask in warnings:
                hit = mask[flagged]
                if hit.any():
                    text[hit] = text[hit] + code + ";"
            words = pa.array([t.rstrip(";") for t in text], type=pa.string())
            peringatan = _scatter(peringatan, flagged, words)
        kepala = values.get("hubungan_keluarga")
        arrays = []
        for spill in SPILL_SCHEMA:
            name = spill.name
            value = values.get(name)
            if isinstance(value, pa.Array):
                arrays.append(value.cast(spill.type))
            elif value is not None:
                arrays.append(pa.array(value, type=spill.type))
            elif name in DEFAULT_TRUE:
                arrays.append(pa.array(np.ones(n, dtype=bool)))
            elif name == "_row":
                arrays.append(pa.array(np.arange(n, dtype=np.int64)))
            elif name == "_sumber":
                arrays.append(sources)
            elif name == "_peringatan":
                arrays.append(peringatan)
            elif name == "_kepala" and isinstance(kepala, pa.Array):
                arrays.append(pc.fill_null(pc.equal(kepala, "kepala keluarga"), False))
            elif name == "_kepala":
                arrays.append(pa.array(np.zeros(n, dtype=bool)))
            else:
                arrays.append(pa.nulls(n, type=spill.type))
        return pa.Table.from_arrays(arrays, schema=SPILL_SCHEMA)


def _nulls(values: pa.Array) -> np.ndarray:
    return values.is_null().to_numpy(zero_copy_only=False)


def _scatter(values: pa.Array, rows: np.ndarray, new: pa.Array) -> pa.Array:
    """`values` with `new` in place at `rows` (ascending)."""
    mask = np.zeros(len(values), dtype=bool)
    mask[rows] = True
    return pc.replace_with_mask(values, pa.array(mask), new)


Column = pa.Array | list
_IDENTITY = ("NIK", "NO_KK")


def decode(values: pa.Array, table: dict[str, str]) -> tuple[pa.Array, np.ndarray]:
    """A coded column as words, and which cells hold a code the table does not have (never guessed)."""
    codes = pc.utf8_trim_whitespace(values)
    codes = pc.replace_substring_regex(codes, r"^([0-9]+)\.0+$", r"\1")  # a code from a number cell: '2.0'
    known = pa.array(list(table), pa.string())
    found = pc.index_in(codes, value_set=known)
    words = pc.take(pa.array(list(table.values()), pa.string()), found)
    blank = pc.equal(codes, "").to_numpy(zero_copy_only=False)
    bad = pc.is_null(found).to_numpy(zero_copy_only=False) & ~blank
    return pc.fill_null(words, ""), bad


def summary_rows(columns: dict[int, str], cells: list[pa.Array]) -> np.ndarray:
    """Which rows of a batch are summary or footer rows (see `BatchChecker._drop_summary_rows`)."""
    n = len(cells[0]) if cells else 0
    no_identity = np.ones(n, dtype=bool)
    for index, column in enumerate(cells):
        if columns.get(index) in _IDENTITY:
            no_identity &= ~pc.match_substring_regex(column, "[0-9]").to_numpy(zero_copy_only=False)
    # Only rows without a digit in NIK and No KK can be summary rows: in an export of people that is next to none,
    # so the other checks (every cell of the row) run on those rows alone.
    rows = np.flatnonzero(no_identity)
    if rows.size == 0:
        return no_identity
    chosen = pa.array(rows, type=pa.int64())
    known_blank = np.ones(rows.size, dtype=bool)
    labelled = np.zeros(rows.size, dtype=bool)
    for index, column in enumerate(cells):
        part = column.take(chosen)
        if index in columns:
            known_blank &= pc.equal(pc.utf8_trim_whitespace(part), "").to_numpy(zero_copy_only=False)
        labelled |= pc.match_substring_regex(pc.utf8_upper(part), SUMMARY_LABEL).to_numpy(zero_copy_only=False)
    out = np.zeros(n, dtype=bool)
    out[rows] = labelled | known_blank
    return out


def _array(values: dict[str, Column], name: str, n: int, kind: pa.DataType) -> pa.Array:
    """A column as an Arrow array of `kind` (all null when the file lacks it)."""
    value = values.get(name)
    if value is None:
        return pa.nulls(n, kind)
    array = value if isinstance(value, pa.Array) else pa.array(value, type=kind)
    return array.cast(kind)


def _pylist(values: dict[str, Column], name: str, n: int) -> list:
    """A column as a Python list (all None when the file lacks it)."""
    value = values.get(name)
    if value is None:
        return [None] * n
    return value.to_pylist() if isinstance(value, pa.Array) else value
