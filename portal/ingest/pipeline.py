"""One ingest run: read and check the files in batches, spill accepted rows to Parquet per province, let DuckDB
find duplicates and build families, then write and publish the new period atomically (docs/INGEST.md)."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import shutil
import stat
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from portal import access
from portal.config import Settings
from portal.db import new_connection
from portal.fmt import angka
from portal.ingest import publish, report
from portal.ingest.columns import ORDER, REGION_HEADERS, REGION_NAME_HEADERS, REQUIRED, keluarga_fields
from portal.ingest.headers import HeaderMapError, closest_column, load_header_map
from portal.ingest.reading import ReadError, Table, open_tables
from portal.ingest.sql import load_ingest_sql
from portal.ingest.validate import REJECT_HEADER, SPILL_SCHEMA, BatchChecker, Prepared, mask_nik
from portal.periods import is_period, period_end
from portal.rollups import DERIVED_VERSION, build_derived, derived_version
from portal.snapshot import Manifest, SnapshotError, read_manifest, staging

SPILL_FLUSH_ROWS = 200_000
CHECK_THREADS = 2  # threads checking batches while the main thread reads and writes
CHECK_AHEAD = 4  # batches read ahead of the oldest one not yet written
PERIODE_ID = "Periode harus berbentuk TTTT-BB, misalnya 2026-12."
BUSY_ID = "Proses unggah lain sedang menulis register; coba lagi beberapa saat lagi."
REPORT_DIR = "ingest-laporan"  # under the data directory, for runs that publish nothing
READ_SHARE, WRITE_SHARE, DERIVE_SHARE = 0.75, 0.15, 0.07


# A new period that loses more than this share of the previous period's families is held back (allow_shrink).
SHRINK_LIMIT = 0.5
SHRINK_MIN_FAMILIES = 100


class IngestError(Exception):
    """The ingest cannot run or cannot finish, and nothing was published: one English sentence, and `pesan`, the
    same for a page in Bahasa Indonesia."""

    def __init__(self, message: str, pesan: str = "Data tidak dapat diproses; tidak ada yang diterbitkan.") -> None:
        super().__init__(message)
        self.pesan = pesan


@dataclass(frozen=True)
class Progress:
    """Where a run is: phase ('read', 'write', 'derive', 'publish'), overall fraction, rows read, rows/s, ETA."""

    phase: str
    fraction: float | None
    rows: int
    rate: float
    eta_seconds: float | None


@dataclass
class IngestResult:
    """The outcome: the report, where its files are, and the new manifest when a period was published."""

    report: dict[str, object]
    report_dir: Path
    manifest: Manifest | None

    @property
    def published(self) -> bool:
        """Whether a new generation is being served."""
        return self.manifest is not None

    @property
    def rejects_path(self) -> Path:
        """The rejects CSV (canonical headers, SUMBER and ALASAN first)."""
        return self.report_dir / report.REJECTS_NAME


def check_periode(periode: object) -> str:
    """A 'YYYY-MM' period, or an IngestError."""
    text = periode.strip() if isinstance(periode, str) else ""
    if not is_period(text):
        raise IngestError(
            f"--periode must be a month from 2000-01 to 2099-12 written like 2026-09, got {str(periode)[:20]!r}",
            PERIODE_ID,
        )
    return text


def _check_readable(path: Path) -> None:
    """An IngestError unless `path` is a regular file that can be read: checked before anything is written."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise IngestError(f"{path} does not exist") from None
    except OSError as exc:
        raise IngestError(f"cannot read {path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise IngestError(f"{path} is a directory, not an export file")
    if not stat.S_ISREG(mode):  # a FIFO would block, a device never ends
        raise IngestError(f"{path} is not a regular file (a pipe, socket or device): save the export to a file first")
    try:
        with path.open("rb") as fh:
            fh.read(1)
    except OSError as exc:
        raise IngestError(f"cannot read {path}: {exc.strerror or exc}") from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# Spill columns worth a dictionary: all but the nearly unique ones (trying a dictionary on those and giving it up
# costs a quarter of the spill's writing time, and the files come out no smaller).
_SPILL_UNIQUE = ("nik", "no_kk", "id_dtks", "id_keluarga", "nama", "alamat", "nama_ibu_kandung", "_row", "_sumber")
_SPILL_DICTIONARY = [name for name in SPILL_SCHEMA.names if name not in _SPILL_UNIQUE]


class _Spill:
    """Accepted rows, buffered and appended to one Parquet file per province (bounded memory)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True)
        self.buffers: dict[str, list[pa.Table]] = {}
        self.buffered = 0
        self.writers: dict[str, pq.ParquetWriter] = {}

    def add(self, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        provinces = table["kode_prov"].unique().to_pylist()
        for province in provinces:
            part = table.filter(pc.equal(table["kode_prov"], province)) if len(provinces) > 1 else table
            self.buffers.setdefault(province, []).append(part)
        self.buffered += table.num_rows
        if self.buffered >= SPILL_FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        for province, parts in sorted(self.buffers.items()):
            writer = self.writers.get(province)
            if writer is None:
                path = self.directory / f"{province}.parquet"
                writer = self.writers[province] = pq.ParquetWriter(
                    path, SPILL_SCHEMA, compression="zstd", use_dictionary=_SPILL_DICTIONARY
                )
            writer.write_table(pa.concat_tables(parts))
        self.buffers.clear()
        self.buffered = 0

    def close(self) -> list[str]:
        self.flush()
        for writer in self.writers.values():
            writer.close()
        return sorted(self.writers)

    def files(self) -> list[str]:
        return [str(self.directory / f"{p}.parquet") for p in sorted(self.writers)]


class _Clock:
    """Turns batch positions into Progress events (rows/s and ETA from the bytes read)."""

    def __init__(self, callback: Callable[[Progress], None] | None, total_bytes: int) -> None:
        self.callback = callback
        self.total = max(total_bytes, 1)
        self.started = time.monotonic()
        self.done_bytes = 0

    def read(self, rows: int, file_size: int, fraction: float | None) -> None:
        if self.callback is None:
            return
        elapsed = max(time.monotonic() - self.started, 1e-6)
        share = None if fraction is None else min((self.done_bytes + fraction * file_size) / self.total, 1.0)
        eta = elapsed * (1 - share) / share if share else None
        self.callback(Progress("read", None if share is None else share * READ_SHARE, rows, rows / elapsed, eta))

    def phase(self, phase: str, fraction: float, rows: int) -> None:
        if self.callback is not None:
            elapsed = max(time.monotonic() - self.started, 1e-6)
            self.callback(Progress(phase, fraction, rows, rows / elapsed, None))


def _missing_required(columns: set[str]) -> list[str]:
    missing = [c for c in REQUIRED if c not in columns]
    if not columns & {"KODE_DESA", "NAMA_DESA"}:
        missing.append("KODE_DESA")
    return missing


def ingest(
    files: Sequence[Path],
    periode: str,
    settings: Settings,
    *,
    names: Sequence[str] | None = None,
    scope: access.Scope | None = None,
    kolom: Path | None = None,
    progress: Callable[[Progress], None] | None = None,
    dry_run: bool = False,
    allow_shrink: bool = False,
) -> IngestResult:
    """Ingest export files as period `periode` (see docs/INGEST.md). `scope` limits an official's upload to
    their region (None: the whole nation, as from the CLI). `dry_run` checks and reports but publishes nothing.
    A file that would drop more than half the previous period's families in the region is not published unless
    `allow_shrink` (a partial export uploaded as a whole period is the likeliest way to damage the register)."""
    periode = check_periode(periode)
    paths = [Path(f) for f in files]
    labels = list(names) if names is not None else [p.name for p in paths]
    if not paths:
        raise IngestError("no file given")
    for path in paths:
        _check_readable(path)
    if scope is not None and scope.role not in ("pusat", "provinsi", "kabupaten"):
        raise IngestError(f"role {scope.role} may not upload register data", "Peran Anda tidak boleh mengunggah data.")
    try:
        header_map = load_header_map(kolom)
        previous = read_manifest(settings.register_dir)
    except (HeaderMapError, SnapshotError) as exc:
        raise IngestError(str(exc)) from None
    run = _Run(settings, periode, scope, previous, progress)
    try:
        if dry_run:
            settings.tmp_dir.mkdir(parents=True, exist_ok=True)
            work = settings.tmp_dir / f"ingest-check-{uuid.uuid4().hex}"
            try:
                run.read(paths, labels, header_map, work)
                run.analyse(work)
                return run.finish_unpublished(settings.data_dir / REPORT_DIR / periode, work)
            finally:
                run.close()
                shutil.rmtree(work, ignore_errors=True)
        with staging(settings.register_dir) as stage:
            work = stage.root.with_name(stage.root.name + "-work")  # same prefix: removed if a run is killed
            try:
                run.read(paths, labels, header_map, work)
                run.analyse(work)
                if run.accepted == 0:
                    return run.finish_unpublished(settings.data_dir / REPORT_DIR / periode, work)
                if not allow_shrink and (shrink := run.shrink()) is not None:
                    unpublished = run.finish_unpublished(settings.data_dir / REPORT_DIR / periode, work)
                    removed, before = shrink
                    raise IngestError(
                        f"not published: the files would remove {removed:,} of the {before:,} families of period "
                        f"{run.report['periode_lalu']} in this region ({removed / before:.0%}); if the files really "
                        f"are the whole period, run again with --allow-shrink (report in {unpublished.report_dir})",
                        f"Tidak diterbitkan: berkas ini akan menghapus {angka(removed)} dari {angka(before)} keluarga "
                        f"periode {run.report['periode_lalu']} di wilayah ini. Bila berkas memang berisi seluruh "
                        "periode, centang 'Izinkan penyusutan besar' lalu jalankan lagi.",
                    )
                return run.publish(stage, work)
            finally:
                run.close()
                shutil.rmtree(work, ignore_errors=True)
    except ReadError as exc:
        raise IngestError(str(exc), exc.pesan) from None
    except SnapshotError as exc:
        busy = "another process" in str(exc)
        raise IngestError(str(exc), BUSY_ID if busy else "Register tidak dapat ditulis.") from None
    except duckdb.OutOfMemoryException as exc:
        raise IngestError(
            f"out of memory while sorting (PORTAL_BUILD_MEMORY): {exc}", "Memori tidak cukup untuk mengurutkan data."
        ) from None
    except OSError as exc:
        raise IngestError(
            f"cannot write under {settings.data_dir}: {exc.strerror or exc}", "Register tidak dapat ditulis."
        ) from None


class _Run:
    """The state of one ingest run."""

    def __init__(
        self,
        settings: Settings,
        periode: str,
        scope: access.Scope | None,
        previous: Manifest | None,
        progress: Callable[[Progress], None] | None,
    ) -> None:
        self.settings = settings
        self.periode = periode
        self.scope = scope
        self.previous = previous
        self.prev_root = settings.register_dir / previous.generation if previous else None
        earlier = [p for p in previous.periods if p < periode] if previous else []
        self.periode_lalu = earlier[-1] if earlier else None
        self.progress = progress
        self.checker = BatchChecker(period_end(periode), scope, self.prev_root)
        self.files: list[dict[str, object]] = []
        self.provinces: list[str] = []
        self.accepted = 0
        self.report: dict[str, object] = {}
        self.spill_files: list[str] = []
        self.clock: _Clock | None = None
        self.con: duckdb.DuckDBPyConnection | None = None

    def close(self) -> None:
        """Close the DuckDB connection (before the work directory goes)."""
        if self.con is not None:
            self.con.close()
            self.con = None

    # --- reading ---

    def read(self, paths: list[Path], labels: list[str], header_map: object, work: Path) -> None:
        """Read every table of every file, check each batch, spill accepted rows, write rejected rows."""
        work.mkdir(parents=True)
        spill = _Spill(work / "spill")
        self.clock = _Clock(self.progress, sum(p.stat().st_size for p in paths))
        with (work / report.REJECTS_NAME).open("w", encoding="utf-8-sig", newline="") as fh:
            rejects = csv.writer(fh)
            rejects.writerow(REJECT_HEADER)
            for path, label in zip(paths, labels, strict=True):
                self._read_file(path, label, header_map, spill, rejects)
                self.clock.done_bytes += path.stat().st_size
        self.provinces = spill.close()
        self.spill_files = spill.files()
        if self.checker.tally.read == 0:
            raise IngestError(
                "the file(s) have a header row but no data rows",
                "Berkas memiliki judul kolom tetapi tidak ada baris data.",
            )

    def _read_file(self, path: Path, label: str, header_map: object, spill: _Spill, rejects: object) -> None:
        size = path.stat().st_size
        with ThreadPoolExecutor(1, thread_name_prefix="ingest-sha256") as hashing:
            sha = hashing.submit(_sha256, path)  # beside the reading (hashlib works without the GIL)
            self._read_tables(path, label, header_map, spill, rejects, size, sha)

    def _read_tables(
        self, path: Path, label: str, header_map: object, spill: _Spill, rejects: object, size: int, sha: Future[str]
    ) -> None:
        for table in open_tables(path, header_map, label):  # type: ignore[arg-type]
            before, summary_before = self.checker.tally.read, self.checker.tally.summary
            present = set(table.match.columns.values())
            info: dict[str, object] = {
                "nama": table.source,
                "sha256": "",  # filled in below, once the hash is known
                **table.details,
                "baris_header": table.header_line,
                "kolom_dikenali": sorted(present),
                "kolom_tidak_dikenal": table.match.unknown,
                "kolom_tidak_dikenal_mirip": {h: closest_column(h, header_map) for h in table.match.unknown},  # type: ignore[arg-type]
                "kolom_diabaikan": table.match.ignored,
                "kolom_ganda": table.match.repeated,
                "kolom_wajib_hilang": _missing_required(present),
            }
            self._check_batches(table, size, spill, rejects)
            info["sha256"] = sha.result()
            info["baris_dibaca"] = self.checker.tally.read - before
            info["baris_kosong_dilewati"] = table.stats.get("blank", 0)
            self.checker.tally.summary += table.stats.get("summary", 0)  # short footer records, seen by the reader
            info["baris_ringkasan_dilewati"] = self.checker.tally.summary - summary_before
            if table.stats.get("replaced_bytes"):
                info["byte_dibaca_sebagai_latin1"] = table.stats["replaced_bytes"]
            self.files.append(info)

    def _check_batches(self, table: Table, size: int, spill: _Spill, rejects: object) -> None:
        """Check the table's batches in CHECK_THREADS threads while this one reads the next batches and writes the
        checked ones, in file order (the checks are Arrow and numpy work that runs without the GIL; at most
        CHECK_AHEAD batches are in flight, so memory stays bounded)."""
        checker = self.checker
        pending: deque[tuple[Future[Prepared], float | None]] = deque()

        def commit(future: Future[Prepared], fraction: float | None) -> None:
            checked = checker.commit(future.result())
            spill.add(checked.accepted)
            rejects.writerows(checked.rejected)  # type: ignore[attr-defined]
            assert self.clock is not None
            self.clock.read(checker.tally.read, size, fraction)

        with ThreadPoolExecutor(CHECK_THREADS, thread_name_prefix="ingest-check") as pool:
            try:
                for batch in table.batches():
                    work = pool.submit(checker.prepare, table.source, table.match.columns, batch, table.match.codes)
                    pending.append((work, batch.fraction))
                    while len(pending) > CHECK_AHEAD or (pending and pending[0][0].done()):
                        commit(*pending.popleft())
                while pending:
                    commit(*pending.popleft())
            finally:
                for work, _fraction in pending:
                    work.cancel()

    # --- whole-file checks and the report ---

    def analyse(self, work: Path) -> None:
        """Duplicates, families, whole-file warnings, the changes against the previous period, the report."""
        tally = self.checker.tally
        region_warnings: Counter = Counter()
        accepted_by_kab: Counter = Counter()
        warning_counts: Counter = Counter()
        examples = dict(tally.examples)
        changes: dict[tuple[str, str], int] = {}
        totals = None
        families = 0
        if self.spill_files:
            con = self.con = new_connection(dataclasses.replace(self.settings.for_builds(), data_dir=work))
            self._duplicates(con, work)
            families = self._families(con, work)
            self._warnings(con, work)
            for kode_kab, kode, jumlah in con.sql(
                load_ingest_sql("ringkasan"), params={"spill": self.spill_files}
            ).fetchall():
                if kode == "":
                    accepted_by_kab[kode_kab] += jumlah
                else:
                    region_warnings[kode_kab] += jumlah
                    warning_counts[kode] += jumlah
            for kode, sumber, nik in con.sql(load_ingest_sql("contoh_peringatan"), params={"limit": 5}).fetchall():
                examples.setdefault(kode, []).append({"sumber": sumber, "nik": mask_nik(nik)})
            con.sql(load_ingest_sql("berkas_peringatan")).write_csv(str(work / report.WARNINGS_NAME))
            if self.prev_root is not None and self.periode_lalu is not None:
                changes, totals = self._changes(con, work)
        else:
            (work / report.WARNINGS_NAME).write_text("SUMBER,ID_DTKS,KODE_DESA,PERINGATAN\n", encoding="utf-8")
        self.accepted = sum(accepted_by_kab.values())
        rejected_by_kab: Counter = Counter()
        reject_counts: Counter = Counter()
        for (code, _kab), count in tally.reasons.items():
            reject_counts[code] += count
        for kab, count in tally.rejected_by_kab.items():
            rejected_by_kab[kab] += count
        scope = {
            "peran": self.scope.role if self.scope else "pusat",
            "wilayah": self.scope.region if self.scope else "",
        }
        self.report = report.build_report(
            periode=self.periode,
            periode_lalu=self.periode_lalu,
            files=self.files,
            read=tally.read,
            accepted=self.accepted,
            rejected=tally.rejected,
            reject_counts=reject_counts,
            warning_counts=warning_counts,
            regions=report.per_region(
                accepted_by_kab, rejected_by_kab, region_warnings, changes, self.checker.resolver.index.kab_name
            ),
            examples=examples,
            changes=totals,
            families=families,
            derived_ids=tally.derived_ids,
            summary_rows=tally.summary,
            scope=scope,
            carried={},
        )

    def _duplicates(self, con: duckdb.DuckDBPyConnection, work: Path) -> None:
        """Reject later copies of a person; append them to the rejects file and the tally."""
        params = {"spill": self.spill_files}
        con.execute("create table tolak_duplikat as " + load_ingest_sql("duplikat"), params)
        tally = self.checker.tally
        rows = con.execute(load_ingest_sql("tolak_duplikat_baris"), params)
        names = [d[0] for d in rows.description]
        with (work / report.REJECTS_NAME).open("a", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            while batch := rows.fetchmany(10_000):
                for values in batch:
                    row = dict(zip(names, values, strict=True))
                    code, kab = row["alasan"], row["kode_kab"] or ""
                    tally.reasons[(code, kab)] += 1
                    tally.rejected_by_kab[kab] += 1
                    tally.rejected += 1
                    tally.example(code, row["_sumber"], row["nik"])
                    writer.writerow([row["_sumber"], code, *(_cell(row, header) for header in ORDER), ""])

    def _families(self, con: duckdb.DuckDBPyConnection, work: Path) -> int:
        columns = [f"a.{spill}" for name, spill in keluarga_fields() if name not in _FAMILY_COMPUTED]
        sql = load_ingest_sql("keluarga", keluarga_columns=columns)
        target = work / "keluarga"
        con.execute(
            f"copy ({sql}) to $target (format parquet, compression zstd, partition_by (kode_prov))",
            {"spill": self.spill_files, "target": str(target)},
        )
        return sum(pq.ParquetFile(p).metadata.num_rows for p in target.rglob("*.parquet"))

    def _warnings(self, con: duckdb.DuckDBPyConnection, work: Path) -> None:
        attributes = [spill for name, spill in keluarga_fields() if name != "id_keluarga"]
        params = {"spill": self.spill_files}
        con.execute(
            "create table peringatan_data as " + load_ingest_sql("peringatan", keluarga_attributes=attributes), params
        )
        if self.prev_root is not None and self.periode_lalu is not None:
            previous = publish.period_files(self.prev_root, "individu", self.periode_lalu)
            if previous:
                con.execute(
                    "insert into peringatan_data " + load_ingest_sql("peringatan_lalu"),
                    {"spill": self.spill_files, "lalu": previous},
                )
        con.execute("create table semua_peringatan as " + load_ingest_sql("semua_peringatan"), params)

    def _changes(self, con: duckdb.DuckDBPyConnection, work: Path) -> tuple[dict[tuple[str, str], int], dict | None]:
        assert self.prev_root is not None and self.periode_lalu is not None
        old_people = publish.period_files(self.prev_root, "individu", self.periode_lalu)
        old_families = publish.period_files(self.prev_root, "keluarga", self.periode_lalu)
        new_families = sorted(str(p) for p in (work / "keluarga").rglob("*.parquet"))
        if not (old_people and old_families and new_families):
            return {}, None
        params = {
            "spill": self.spill_files,
            "keluarga": new_families,
            "lalu_individu": old_people,
            "lalu_keluarga": old_families,
            "wilayah": self.scope.region if self.scope else "",
        }
        per_kab: dict[tuple[str, str], int] = {}
        totals = dict.fromkeys(report.CHANGES, 0)
        for kode_kab, ukuran, jumlah in con.sql(load_ingest_sql("perubahan"), params=params).fetchall():
            per_kab[(kode_kab, ukuran)] = jumlah
            totals[ukuran] += jumlah
        return per_kab, totals

    def shrink(self) -> tuple[int, int] | None:
        """(families removed, families before) when the new period would drop more than SHRINK_LIMIT of the
        previous period's families in the region (regions with fewer than SHRINK_MIN_FAMILIES are not judged)."""
        changes = self.report.get("perubahan")
        if not changes:
            return None
        removed = int(changes["keluarga_dihapus"])
        before = int(self.report["keluarga"]) - int(changes["keluarga_ditambah"]) + removed
        if before < SHRINK_MIN_FAMILIES or removed <= SHRINK_LIMIT * before:
            return None
        return removed, before

    # --- endings ---

    def finish_unpublished(self, directory: Path, work: Path) -> IngestResult:
        """A check-only run, or nothing accepted: the report and rejects go to the data directory."""
        if directory.exists():
            shutil.rmtree(directory)
        report.write_report(self.report, directory)
        for name in (report.REJECTS_NAME, report.WARNINGS_NAME):
            shutil.copyfile(work / name, directory / name)
        return IngestResult(self.report, directory, None)

    def publish(self, stage: object, work: Path) -> IngestResult:
        """Build the new generation in the staging directory and publish it."""
        root: Path = stage.root  # type: ignore[attr-defined]
        assert self.clock is not None
        rows = self.checker.tally.read
        linked = publish.LinkStats()
        if self.prev_root is not None:
            linked = publish.link_previous(self.prev_root, root, self.periode, self.scope)
        existing = self.previous is not None and self.periode in self.previous.periods
        assert self.con is not None
        provinces = sorted(set(self.provinces) | self._partial_provinces(existing))
        carried = publish.write_period(
            self.con,
            root,
            work,
            self.periode,
            self.scope,
            self.prev_root if existing else None,
            provinces,
            lambda done, total: self.clock.phase(  # type: ignore[union-attr]
                "write", READ_SHARE + WRITE_SHARE * done / total, rows
            ),
        )
        self.close()
        publish.write_fresh_tables(root, self.periode, provinces, self.settings)
        self.clock.phase("derive", READ_SHARE + WRITE_SHARE, rows)
        # Other periods keep their (hard-linked) derived tables, except the period after this one (its changes
        # since this one are derived) and all of them when an older portal built them.
        known = sorted({*(self.previous.periods if self.previous else ()), self.periode})
        later = [p for p in known if p > self.periode][:1]
        current = self.prev_root is None or derived_version(self.prev_root) == DERIVED_VERSION
        build_derived(root, [self.periode, *later] if current else known, self.settings, progress=lambda _line: None)
        self.clock.phase("publish", READ_SHARE + WRITE_SHARE + DERIVE_SHARE, rows)
        self.report["dibawa_dari_periode_ada"] = {
            "partisi": linked.carried_partitions,
            "keluarga": carried["keluarga"],
            "individu": carried["individu"],
        }
        self.report["sha256_periode"] = publish.period_hash(root, self.periode)
        directory = root / "ingest" / self.periode
        report.write_report(self.report, directory)
        for name in (report.REJECTS_NAME, report.WARNINGS_NAME):
            shutil.copyfile(work / name, directory / name)
        shutil.rmtree(work, ignore_errors=True)
        periods = sorted(set(self.previous.periods if self.previous else ()) | {self.periode})
        details = dict(self.previous.details) if self.previous else {}
        runs = dict(details.get("ingest", {}))
        runs[self.periode] = {
            "berkas": [{"nama": f["nama"], "sha256": f["sha256"], "baris": f["baris_dibaca"]} for f in self.files],
            "diterima": self.accepted,
            "ditolak": self.report["ditolak"],
            "lingkup": self.report["lingkup"],
            "sha256_periode": self.report["sha256_periode"],
            "hard_link": linked.files,
            "disalin": linked.copied,
        }
        details["ingest"] = runs
        sources = dict(details.get("sumber_periode", {}))
        sources[self.periode] = "ingest"
        details["sumber_periode"] = sources
        manifest = stage.publish(periods, source="ingest", details=details)  # type: ignore[attr-defined]
        self.clock.phase("publish", 1.0, rows)
        return IngestResult(
            self.report, self.settings.register_dir / manifest.generation / "ingest" / self.periode, manifest
        )

    def _partial_provinces(self, existing: bool) -> set[str]:
        """Provinces whose existing rows outside a kab/kota official's region are carried into the new partition."""
        if not existing or self.scope is None or len(self.scope.region) <= 2 or self.prev_root is None:
            return set()
        province = self.scope.region[:2]
        has_rows = any(
            publish.partition_path(self.prev_root, table, self.periode, province).is_file()
            for table in ("keluarga", "individu")
        )
        return {province} if has_rows else set()


_FAMILY_COMPUTED = ("nama_kepala_keluarga", "jumlah_art", "status_aktif")


def _cell(row: dict[str, object], header: str) -> str:
    """A spilled value as text for the rejects file."""
    if header in REGION_NAME_HEADERS:
        return ""
    field = "status_aktif_keluarga" if header == "STATUS_AKTIF_KELUARGA" else header.lower()
    value = row.get(field)
    return value_text(value)


def value_text(value: object) -> str:
    """A register value as ingest-file text: ISO dates, 1/0 for yes/no, '' for null."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


__all__ = ["REGION_HEADERS", "IngestError", "IngestResult", "Progress", "check_periode", "ingest", "value_text"]
