"""Benchmark the portal's queries on a synthetic register of a given size.

    python bench/run.py [--individuals 10000000] [--data-dir bench/out/register-10m] [--repeat 5] [--rebuild]

Builds the demo register (4 periods, seed 1) into the data directory unless one built with the same options is
already published there, then times every page query (median, min and max of --repeat runs after one warm-up)
and the comparisons docs/PERFORMANCE.md asks to keep measuring. The table is printed and written to
bench/out/results.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
for _path in (REPO_DIR, REPO_DIR / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402

from portal import explore, public  # noqa: E402
from portal.config import Settings, load_settings  # noqa: E402
from portal.db import NoRegisterError, QueryError, Register, load_sql, new_connection, register_views  # noqa: E402
from portal.demo import DemoOptions  # noqa: E402
from portal.periods import period_end  # noqa: E402
from portal.privacy.search_input import search_key  # noqa: E402
from portal.snapshot import SnapshotError, read_manifest  # noqa: E402

try:  # requirements-dev.txt; without it the polars column is left out
    import polars_side
except ImportError:  # pragma: no cover
    polars_side = None

OUT_DIR = REPO_DIR / "bench" / "out"
RESULTS = OUT_DIR / "results.md"
BUILD_RECORD = "bench-build.json"

# docs/PERFORMANCE.md, 10 M people, sorted by desa, hive by provinsi (medians of 5 runs after a warm-up).
BASELINE = {
    "desa_people": "0.02 s (a SQL substring search in the desa)",
    "desa_contains": "—",
    "desa_prefix": "—",
    "kec_counts": "0.016 s",
    "kab_rollup": "—",
    "kab_raw": "2.0 s",
    "nation_search": "0.6 s",
    "nik_side": "0.015 s",
    "nik_scan": "0.35 s",
    "nik_ganda": "1.7 s, 1.2 GB",
    "diff_kab": "0.10 s",
    "diff_nation": "2.8 s",
    "layout_sorted": "0.02 s",
    "layout_unsorted": "(100 M: 5.5–10 s)",
}
BASELINE_BUILD = "10 M: under 2 min all told; 100 M: ~3 min of writing, 7.3 GB peak"

BENCH_QUERIES = Path(__file__).resolve().parent / "queries"


def bench_sql(name: str) -> str:
    """bench/queries/<name>.sql: the comparisons no page runs (raw rows against rollups and the NIK side table)."""
    return (BENCH_QUERIES / f"{name}.sql").read_text(encoding="utf-8")


class BenchError(Exception):
    """An expected failure: printed as one line, exit status 2."""


@dataclass
class Result:
    key: str
    label: str
    params: str
    rows: int
    times: list[float]
    rss_start_kb: int
    rss_peak_kb: int

    @property
    def median(self) -> float:
        return statistics.median(self.times)


@dataclass
class Pair:
    """A shared query timed on DuckDB (as the page runs it) and on polars lazy, same files, same run."""

    label: str
    duckdb: Result
    polars: Result
    same_rows: bool
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.duckdb.median / self.polars.median


def _frames_match(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Same shape and the same values column by column (nulls equal), ignoring dtypes and the index."""
    if a.shape != b.shape or list(a.columns) != list(b.columns):
        return False
    for column in a.columns:
        left = a[column].astype(object).where(a[column].notna(), None).astype(str).to_numpy()
        right = b[column].astype(object).where(b[column].notna(), None).astype(str).to_numpy()
        if not (left == right).all():
            return False
    return True


def compare(
    key: str,
    label: str,
    params: str,
    duck: Callable[[], pd.DataFrame],
    polars: Callable[[], pd.DataFrame],
    repeat: int,
    note: str = "",
    columns: list[str] | None = None,
) -> Pair | None:
    """Time the same query on both engines, interleaved (one warm-up each, then DuckDB and polars in turn, so
    both see the same load on a shared machine), and check the rows agree (on `columns` when the polars side
    returns only those). A failure on either side is listed in the report (None is returned)."""
    if key in SKIPPED:
        return _skipped(f"{label} (DuckDB beside polars)", params)
    try:
        a, b = duck(), polars()
        if columns is not None:
            a = a[columns]
        same = _frames_match(a.reset_index(drop=True), b.reset_index(drop=True))
        _reset_peak_rss()
        start_kb = _rss_kb("VmRSS")
        times: dict[str, list[float]] = {"duckdb": [], "polars": []}
        rows = {"duckdb": len(a), "polars": len(b)}
        for _ in range(repeat):
            for side, run in (("duckdb", duck), ("polars", polars)):
                t0 = time.perf_counter()
                run()
                times[side].append(time.perf_counter() - t0)
    except UNFINISHED as exc:
        return _failed(f"{label} (DuckDB beside polars)", params, exc)
    peak = _rss_kb("VmHWM")
    results = {
        side: Result(f"{key}_{side}", f"{label} — {side}", params, rows[side], times[side], start_kb, peak)
        for side in times
    }
    pair = Pair(label, results["duckdb"], results["polars"], same, note)
    print(
        f"  {label:<58} DuckDB {_secs(pair.duckdb.median)}, polars {_secs(pair.polars.median)}: "
        f"ratio {pair.ratio:.2f}{'' if same else '  (ROWS DIFFER)'}",
        flush=True,
    )
    return pair


# --------------------------------------------------------------------------------------------------- helpers


def _rss_kb(field: str) -> int:
    """VmRSS / VmHWM of this process in kB (0 where /proc is unavailable)."""
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    match = re.search(rf"{field}:\s+(\d+)", text)
    return int(match.group(1)) if match else 0


def _reset_peak_rss() -> None:
    """Reset VmHWM to the current RSS (Linux), so the next peak belongs to the next query."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


def _gb(kb: int) -> str:
    return f"{kb / 1024 / 1024:.2f} GB" if kb >= 1024 * 1024 else f"{kb / 1024:.0f} MB"


def _secs(s: float) -> str:
    if s >= 100:
        return f"{s:.0f} s"
    if s >= 1:
        return f"{s:.2f} s"
    return f"{s:.3f} s"


def _label_for(individuals: int) -> str:
    if individuals % 1_000_000 == 0:
        return f"{individuals // 1_000_000}m"
    if individuals % 1_000 == 0:
        return f"{individuals // 1_000}k"
    return str(individuals)


def _options_dict(options: DemoOptions) -> dict:
    """The options as build_demo records them in the manifest."""
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(options).items()}


def _machine() -> dict[str, str]:
    mem = "?"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "nproc": str(cpus),
        "memory": mem,
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "platform": platform.platform(terse=True),
    }


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# ----------------------------------------------------------------------------------------------------- build


def _check_writable(data_dir: Path) -> None:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe = data_dir / f".bench-probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise BenchError(f"cannot write to the data directory {data_dir}: {exc.strerror or exc}") from None


def _existing(settings: Settings, options: DemoOptions) -> tuple[bool, str]:
    """Whether a register built with `options` is published in the data dir, and why not."""
    try:
        manifest = read_manifest(settings.register_dir)
    except (SnapshotError, KeyError) as exc:
        return False, f"the manifest there is unusable ({exc})"
    if manifest is None:
        return False, "no register is published there"
    found = manifest.details.get("options")
    if found != _options_dict(options):
        return False, f"the published register was built with other options ({found})"
    return True, f"generation {manifest.generation}"


def build(settings: Settings, options: DemoOptions) -> dict:
    """Run `python -m portal demo` in a child process; return wall time and the child's peak RSS."""
    command = [
        sys.executable,
        "-m",
        "portal",
        "demo",
        "--individuals",
        str(options.individuals),
        "--periods",
        str(options.periods),
        "--seed",
        str(options.seed),
        "--out",
        str(settings.data_dir),
    ]
    log_path = settings.data_dir / "build.log"
    print(f"$ {' '.join(command)}   (log: {log_path})", flush=True)
    started = time.monotonic()
    with log_path.open("w", encoding="utf-8") as log:
        child = subprocess.Popen(
            command, cwd=REPO_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
        )
        assert child.stdout is not None
        for line in child.stdout:
            stamp = f"[{time.monotonic() - started:7.1f} s] "
            print(stamp + line, end="", flush=True)
            log.write(stamp + line)
            log.flush()
        status = child.wait()
    seconds = time.monotonic() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if status != 0:
        raise BenchError(f"the build failed (exit status {status}); see the output above and {log_path}")
    manifest = read_manifest(settings.register_dir)
    if manifest is None:
        raise BenchError(f"the build finished but nothing is published in {settings.register_dir}")
    record = {
        "generation": manifest.generation,
        "seconds": round(seconds, 1),
        "peak_rss_kb": peak_kb,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "options": _options_dict(options),
    }
    (settings.data_dir / BUILD_RECORD).write_text(json.dumps(record, indent=2), encoding="utf-8")
    print(f"Build: {_secs(seconds)} wall, peak RSS {_gb(peak_kb)} (child process)", flush=True)
    return record


def _recorded_build(settings: Settings, generation: str) -> dict | None:
    try:
        record = json.loads((settings.data_dir / BUILD_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if record.get("generation") == generation else None


# ----------------------------------------------------------------------------------------------------- timing


def measure(key: str, label: str, params: str, run: Callable[[], pd.DataFrame], repeat: int) -> Result | None:
    """One warm-up run, then `repeat` timed runs (query plus fetching the result as a DataFrame). A query that
    fails (DuckDB out of its memory limit at 100 M, say) is printed and listed in the report, and the run goes on:
    None is returned."""
    if key in SKIPPED:
        return _skipped(label, params)
    _reset_peak_rss()
    start_kb = _rss_kb("VmRSS")
    times = []
    rows = 0
    try:
        run()
        for _ in range(repeat):
            t0 = time.perf_counter()
            frame = run()
            times.append(time.perf_counter() - t0)
            rows = len(frame)
    except UNFINISHED as exc:
        return _failed(label, params, exc)
    result = Result(key, label, params, rows, times, start_kb, _rss_kb("VmHWM"))
    print(
        f"  {label:<58} median {_secs(result.median):>8}  (min {_secs(min(times))}, max {_secs(max(times))})"
        f"  rows {rows:>6,}  peak RSS {_gb(result.rss_peak_kb)}",
        flush=True,
    )
    return result


# What a query can fail with at scale without the bench being wrong: DuckDB's errors (out of memory, out of
# disk for the spill; Register.run raises them as QueryError), Python's MemoryError and polars' errors.
UNFINISHED: tuple[type[BaseException], ...] = (duckdb.Error, QueryError, MemoryError) + (
    (polars_side.pl.exceptions.PolarsError,) if polars_side is not None else ()
)
FAILED: list[tuple[str, str, str]] = []  # (label, parameters, first line of the error), for the report
SKIPPED: set[str] = set()  # keys given to --skip


def _skipped(label: str, params: str) -> None:
    FAILED.append((label, params, "skipped (--skip)"))
    print(f"  {label:<58} skipped (--skip)", flush=True)
    return None


def _failed(label: str, params: str, exc: BaseException) -> None:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    FAILED.append((label, params, f"{type(exc).__name__}: {first}"))
    print(f"  {label:<58} DID NOT FINISH: {FAILED[-1][2]}", flush=True)
    return None


def _adhoc(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> Callable[[], pd.DataFrame]:
    def run() -> pd.DataFrame:
        cursor = con.cursor()
        try:
            return cursor.execute(sql, params).df()
        finally:
            cursor.close()

    return run


def _page(register: Register, name: str, **params: object) -> Callable[[], pd.DataFrame]:
    return lambda: register.run(name, **params)


@dataclass
class Picks:
    periode: str
    previous: str
    akhir: object
    kode_desa: str
    nama_desa: str
    desa_individu: int
    trigram: str
    prefix: str
    kode_kab: str
    nama_kab: str
    kab_individu: int
    nik: str


def pick(con: duckdb.DuckDBPyConnection, periods: tuple[str, ...]) -> Picks:
    """Parameters: the most populous desa and kab of the newest period, a substring and a NIK found there."""
    periode = periods[-1]
    desa = con.execute(
        "select kode, nama, individu from rollup_all where periode = $p and tingkat = 'desa' "
        "order by individu desc, kode limit 1",
        {"p": periode},
    ).fetchone()
    kab = con.execute(
        "select kode, nama, individu from rollup_all where periode = $p and tingkat = 'kabupaten' "
        "order by individu desc, kode limit 1",
        {"p": periode},
    ).fetchone()
    if desa is None or kab is None:
        raise BenchError(f"the rollup of {periode} is empty: is the register complete?")
    kode_desa = desa[0]
    # The commonest 3-letter run of letters in the desa's names: a search that many people match.
    trigram = con.execute(
        """
        with names as (
            select nama from individu_all
            where periode = $p and kode_prov = left($d, 2) and kode_desa = $d
        ),
        grams as (
            select distinct nama, substr(nama, i, 3) as g
            from names, range(1, 40) as t(i)
            where regexp_full_match(substr(nama, i, 3), '[A-Z]{3}')
        )
        select g from grams group by g order by count(*) desc, g limit 1
        """,
        {"p": periode, "d": kode_desa},
    ).fetchone()
    # A "prefix-ish" search: the first 5 characters of the name in the middle of the desa's list.
    middle = con.execute(
        """
        select nama, nik from individu_all
        where periode = $p and kode_prov = left($d, 2) and kode_desa = $d
        order by nama, id_dtks
        limit 1 offset (
            select count(*) // 2 from individu_all
            where periode = $p and kode_prov = left($d, 2) and kode_desa = $d
        )
        """,
        {"p": periode, "d": kode_desa},
    ).fetchone()
    nik = con.execute(
        "select nik from individu_all where periode = $p and kode_prov = left($d, 2) and kode_desa = $d "
        "and nik_valid(nik) order by id_dtks limit 1",
        {"p": periode, "d": kode_desa},
    ).fetchone()
    if trigram is None or middle is None or nik is None:
        raise BenchError(f"desa {kode_desa} has no usable names in {periode}")
    return Picks(
        periode=periode,
        previous=periods[-2] if len(periods) > 1 else periode,
        akhir=period_end(periode),
        kode_desa=kode_desa,
        nama_desa=desa[1],
        desa_individu=int(desa[2]),
        trigram=trigram[0],
        prefix=middle[0][:5],
        kode_kab=kab[0],
        nama_kab=kab[1],
        kab_individu=int(kab[2]),
        nik=nik[0],
    )


def unsorted_copy(con: duckdb.DuckDBPyConnection, data_dir: Path, generation: str, periode: str) -> Path:
    """The newest period's individu as one file, rows shuffled deterministically, zstd (written once)."""
    path = data_dir / f"individu-unsorted-{periode}-{generation}.parquet"
    if path.is_file():
        return path
    for stale in data_dir.glob("individu-unsorted-*.parquet"):
        stale.unlink()
    tmp = path.with_suffix(".parquet.tmp")
    print(f"  writing the unsorted single-file copy {path.name} ...", flush=True)
    started = time.monotonic()
    target = tmp.as_posix().replace("'", "''")
    con.execute(
        f"copy (select * from individu_all where periode = $p order by hash(id_dtks), id_dtks) to '{target}' "
        "(format parquet, compression zstd, row_group_size 100000)",
        {"p": periode},
    )
    os.replace(tmp, path)
    print(
        f"  ... {path.stat().st_size / 1e6:,.0f} MB in {_secs(time.monotonic() - started)}",
        flush=True,
    )
    return path


def polars_pairs(register: Register, root: Path, p: Picks, r: int) -> list[Pair | None]:
    """Each query the pages share, on DuckDB as the page runs it and on polars lazy over the same files."""
    print("DuckDB beside polars lazy (same files):", flush=True)
    desa = {"periode": p.periode, "akhir": p.akhir, "kode_desa": p.kode_desa}
    explore_spec = explore.FilterSpec(periode=p.periode, tingkat="keluarga", program=("pkh",), baris="kecamatan")
    explore_params = {**explore.query_params(explore_spec, p.kode_kab, p.akhir), "dim_baris": "kecamatan"}
    # What the page runs: the cube for a kab/kota, the live query on a register built before the cube.
    counts = explore.counts_query(explore_spec, p.kode_kab, "explore_cube_keluarga" in register.views)
    ps = polars_side
    return [
        compare(
            "pl_desa_rows",
            "Cek Status, a desa's rows into pandas (`desa_people`)",
            f"desa {p.kode_desa}",
            _page(register, "desa_people", **desa),
            lambda: ps.desa_people(root, p.periode, p.akhir, p.kode_desa),
            r,
        ),
        compare(
            "pl_desa_page",
            "Cek Status, the same plus name keys (what the page caches)",
            f"desa {p.kode_desa}",
            lambda: public.with_search_keys(register.run("desa_people", **desa)),
            lambda: public.with_search_keys(ps.desa_people(root, p.periode, p.akhir, p.kode_desa)),
            r,
            note="name keys are the same Python on both sides",
        ),
        compare(
            "pl_kec_counts",
            f"Eksplorasi, families per kecamatan, PKH (`{counts}`)",
            f"kab {p.kode_kab}",
            lambda: (
                _page(register, counts, **explore_params, dim_kolom="")()
                .rename(columns={"baris": "kode_kec"})
                .reset_index(drop=True)
            ),
            lambda: ps.kec_counts(root, p.periode, p.kode_kab, "pkh"),
            r,
            note="polars side counts only (no region names, totals or tally macro)",
            columns=["kode_kec", "jumlah"],
        ),
        compare(
            "pl_kab_rollup",
            "Kemiskinan Ekstrem, every kab/kota from the rollup",
            f"periode {p.periode}",
            lambda: register.run("rollup_within_region", periode=p.periode, tingkat="kabupaten", kode=""),
            lambda: ps.rollup_within_region(root, p.periode, "kabupaten", ""),
            r,
        ),
        compare(
            "pl_nik_side",
            "NIK lookup via the side table",
            f"nik {p.nik}",
            _adhoc(register._con, bench_sql("nik_lookup"), {"nik": p.nik}),
            lambda: ps.nik_lookup(root, p.periode, p.nik),
            r,
        ),
        compare(
            "pl_changes_stored",
            "Perubahan Antar Periode, nation precomputed",
            f"{p.previous} → {p.periode}",
            lambda: register.run("period_changes_nasional", dari=p.previous, ke=p.periode),
            lambda: ps.changes_stored(root, p.previous, p.periode),
            r,
        ),
        compare(
            "pl_nik_ganda",
            "duplicate NIK, nation, raw rows (build time, not a page)",
            f"periode {p.periode}",
            _adhoc(register._con, bench_sql("nik_ganda"), {"periode": p.periode}),
            lambda: ps.nik_ganda(root, p.periode),
            r,
        ),
    ]


# ------------------------------------------------------------------------------------------------------ report


def render(
    results: list[Result | None],
    machine: dict[str, str],
    settings: Settings,
    header: list[str],
    repeat: int,
    pairs: list[Pair | None] | None = None,
) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine['nproc']} CPUs (nproc), {machine['memory']} memory, {machine['platform']}; "
        f"Python {machine['python']}, DuckDB {machine['duckdb']} (threads={settings.duckdb_threads}, "
        f"memory_limit={settings.duckdb_memory_limit}).",
        *header,
        f"Times: median (min–max) of {repeat} runs after one warm-up, query plus fetch into pandas. "
        "Peak RSS: the bench process during that query's runs (Linux VmHWM, reset before each query; "
        "includes what DuckDB kept from earlier queries).",
        "",
        "| query | parameters | rows | median | min–max | peak RSS | PERFORMANCE.md (10 M) |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    results = [r for r in results if r is not None]
    by_key = {r.key: r for r in results}
    for r in results:
        lines.append(
            f"| {r.label} | {r.params} | {r.rows:,} | {_secs(r.median)} | {_secs(min(r.times))}–{_secs(max(r.times))}"
            f" | {_gb(r.rss_peak_kb)} | {BASELINE.get(r.key, '—')} |"
        )
    a, b = by_key.get("layout_sorted"), by_key.get("layout_unsorted")
    if a and b:
        lines += [
            "",
            f"Layout comparison (Cek Status's desa query): sorted+hive {_secs(a.median)}, unsorted single file "
            f"{_secs(b.median)}, ratio {b.median / a.median:,.0f}×.",
        ]
    pairs = [pair for pair in pairs or [] if pair is not None]
    if FAILED:
        lines += ["", "Did not finish or skipped (the run went on without them):", ""]
        lines += [f"- {label} ({params}): {why}" for label, params, why in FAILED]
    if pairs:
        lines += [
            "",
            "## DuckDB beside polars lazy (same files, same run)",
            "",
            f"polars {polars_side.pl.__version__ if polars_side else '?'} `scan_parquet` over the same hive layout "
            "(partition columns as strings), result into pandas like the page's; medians as above. "
            "Ratio = DuckDB ÷ polars (below 1: DuckDB faster).",
            "",
            "| query | DuckDB median | polars median | ratio | same rows | note |",
            "|---|---:|---:|---:|---|---|",
        ]
        for pair in pairs:
            lines.append(
                f"| {pair.label} | {_secs(pair.duckdb.median)} | {_secs(pair.polars.median)} | {pair.ratio:.2f} | "
                f"{'yes' if pair.same_rows else 'NO'} | {pair.note} |"
            )
    return "\n".join(lines) + "\n"


# -------------------------------------------------------------------------------------------------------- main


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python bench/run.py", description=__doc__.split("\n")[0])
    parser.add_argument("--individuals", type=int, default=10_000_000, help="people in the first period")
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="data directory (default bench/out/register-<10m for 10 M>)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query after one warm-up")
    parser.add_argument("--rebuild", action="store_true", help="build even if a matching register is there")
    parser.add_argument(
        "--no-layout",
        action="store_true",
        help="skip the sorted-vs-unsorted layout comparison (it writes the newest period again as one shuffled file)",
    )
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated keys of measurements to leave out (the first argument of their measure/compare call), "
        "e.g. nik_ganda,pl_nik_ganda,diff_nation: raw national queries no page runs, minutes each at 100 M",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    SKIPPED.update(key.strip() for key in args.skip.split(",") if key.strip())
    if args.individuals <= 0 or args.repeat <= 0:
        raise BenchError("--individuals and --repeat must be positive")
    data_dir = (args.data_dir or OUT_DIR / f"register-{_label_for(args.individuals)}").expanduser().resolve()
    settings = dataclasses.replace(load_settings(), data_dir=data_dir)
    options = DemoOptions(individuals=args.individuals, periods=4, seed=1)
    machine = _machine()
    print(
        f"Machine: nproc {machine['nproc']}, {machine['memory']}, DuckDB {machine['duckdb']} "
        f"(threads={settings.duckdb_threads}, memory_limit={settings.duckdb_memory_limit})",
        flush=True,
    )
    _check_writable(data_dir)
    try:
        OUT_DIR.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BenchError(f"cannot create {OUT_DIR}: {exc.strerror or exc}") from None

    present, why = _existing(settings, options)
    if present and not args.rebuild:
        print(f"Reusing the register in {settings.register_dir} ({why})", flush=True)
        record = None
    else:
        reason = "--rebuild" if present else why
        print(f"Building {args.individuals:,} individuals into {data_dir} ({reason})", flush=True)
        record = build(settings, options)

    try:
        register = Register(settings)
    except (NoRegisterError, SnapshotError) as exc:
        raise BenchError(str(exc)) from None
    manifest = register.manifest
    record = record or _recorded_build(settings, manifest.generation)
    gen_dir = settings.register_dir / manifest.generation
    individu_dir = gen_dir / "individu" / f"periode={manifest.latest}"
    person_rows = int(manifest.details.get("person_rows", 0))
    newest_rows = register.run("national_headline", periode=manifest.latest)
    newest_people = int(newest_rows["individu"].iloc[0]) if len(newest_rows) else 0
    individu_bytes = _dir_size(individu_dir)
    header = [
        f"Register: {args.individuals:,} individuals requested, periods {', '.join(manifest.periods)}, "
        f"{newest_people:,} people in {manifest.latest} ({person_rows:,} person-rows over all periods); "
        f"generation {manifest.generation}, {_dir_size(gen_dir) / 1e9:.2f} GB on disk, newest individu "
        f"{individu_bytes / 1e6:,.0f} MB ({individu_bytes / max(newest_people, 1):.1f} bytes/person).",
    ]
    if record:
        header.append(
            f"Build (`python -m portal demo`, child process): {_secs(record['seconds'])} wall "
            f"({record['seconds'] / 60:.1f} min), peak RSS {_gb(record['peak_rss_kb'])}, finished "
            f"{record.get('finished_at', '?')}. PERFORMANCE.md: {BASELINE_BUILD}."
        )
    else:
        header.append(f"Build: reused, no build record for this generation. PERFORMANCE.md: {BASELINE_BUILD}.")
    header.append("")

    adhoc = new_connection(settings)
    register_views(adhoc, gen_dir, manifest.latest)
    p = pick(adhoc, manifest.periods)
    print(
        f"Picked desa {p.kode_desa} {p.nama_desa} ({p.desa_individu:,} people), search {p.trigram!r} / "
        f"{p.prefix!r}; kab {p.kode_kab} {p.nama_kab} ({p.kab_individu:,} people); NIK {p.nik}",
        flush=True,
    )
    header.insert(
        -1,
        f"Picked: desa {p.kode_desa} ({p.nama_desa}, {p.desa_individu:,} people, the most populous in "
        f"{p.periode}); kab/kota {p.kode_kab} ({p.nama_kab}, {p.kab_individu:,} people, the largest); "
        f"diff {p.previous} → {p.periode}.",
    )

    r = args.repeat
    results: list[Result | None] = []
    desa_params = {"periode": p.periode, "akhir": p.akhir, "kode_desa": p.kode_desa}
    print("Timing (median of runs after one warm-up):", flush=True)
    # Cek Status: the desa's people with their name keys (portal.data.desa_people, cached per desa), then each
    # search filters them in Python (public.find_people); the name never reaches SQL.
    results.append(
        measure(
            "desa_people",
            "Cek Status, a desa's people and name keys (`desa_people`)",
            f"desa {p.kode_desa}",
            lambda: public.with_search_keys(register.run("desa_people", **desa_params)),
            r,
        )
    )
    people = public.with_search_keys(register.run("desa_people", **desa_params))
    for key, kind, text in (("desa_contains", "contains", p.trigram), ("desa_prefix", "prefix-ish", p.prefix)):
        words = search_key(text)
        if words is None:
            raise BenchError(f"{text!r} is not a name search the page would run")
        results.append(
            measure(
                key,
                f"Cek Status, a search in that desa, {kind} (`public.find_people`)",
                f"desa {p.kode_desa}, q='{text}'",
                lambda words=words: public.find_people(people, words),
                r,
            )
        )
    explore_spec = explore.FilterSpec(periode=p.periode, tingkat="keluarga", program=("pkh",), baris="kecamatan")
    explore_params = {**explore.query_params(explore_spec, p.kode_kab, p.akhir), "dim_baris": "kecamatan"}
    # What the page runs: the cube for a kab/kota, the live query on a register built before the cube.
    counts = explore.counts_query(explore_spec, p.kode_kab, "explore_cube_keluarga" in register.views)
    for key, name in (("kec_counts", counts), ("kec_counts_live", "explore_keluarga_counts")):
        results.append(
            measure(
                key,
                f"Eksplorasi, families per kecamatan, PKH (`{name}`)",
                f"kab {p.kode_kab}, program='pkh'",
                _page(register, name, **explore_params, dim_kolom=""),
                r,
            )
        )
    results.append(
        measure(
            "kab_rollup",
            "Kemiskinan Ekstrem, every kab/kota from the rollup (`rollup_within_region`)",
            f"periode {p.periode}",
            _page(register, "rollup_within_region", periode=p.periode, tingkat="kabupaten", kode=""),
            r,
        )
    )
    results.append(
        measure(
            "kab_raw",
            "per-kab figures from raw rows (bench `kab_indicators_raw`)",
            f"periode {p.periode}",
            _adhoc(adhoc, bench_sql("kab_indicators_raw"), {"periode": p.periode}),
            r,
        )
    )
    results.append(
        measure(
            "nik_side",
            "NIK lookup via the side table (bench `nik_lookup`)",
            f"nik {p.nik}",
            _adhoc(adhoc, bench_sql("nik_lookup"), {"nik": p.nik}),
            r,
        )
    )
    results.append(
        measure(
            "nik_scan",
            "NIK lookup, raw scan of `individu` (bench `nik_scan`)",
            f"nik {p.nik}",
            _adhoc(adhoc, bench_sql("nik_scan"), {"nik": p.nik}),
            r,
        )
    )
    results.append(
        measure(
            "diff_kab",
            "Perubahan Antar Periode, one kab by kecamatan (`period_changes`)",
            f"kab {p.kode_kab}, {p.previous} → {p.periode}",
            _page(register, "period_changes", dari=p.previous, ke=p.periode, kode=p.kode_kab, panjang=6),
            r,
        )
    )
    results.append(
        measure(
            "diff_nation",
            "Perubahan Antar Periode, nation live (`period_changes`)",
            f"{p.previous} → {p.periode}",
            _page(register, "period_changes", dari=p.previous, ke=p.periode, kode="", panjang=2),
            r,
        )
    )
    results.append(
        measure(
            "diff_nation_stored",
            "Perubahan Antar Periode, nation precomputed (`period_changes_nasional`)",
            f"{p.previous} → {p.periode}",
            _page(register, "period_changes_nasional", dari=p.previous, ke=p.periode),
            r,
        )
    )
    results.append(
        measure(
            "nik_ganda",
            "duplicate NIK, nation, raw rows (bench `nik_ganda`)",
            f"periode {p.periode}",
            _adhoc(register._con, bench_sql("nik_ganda"), {"periode": p.periode}),
            r,
        )
    )
    results.append(
        measure(
            "nation_search",
            "name search over the whole nation (bench `nation_search`)",
            f"q='{p.trigram}', first 20",
            _adhoc(adhoc, bench_sql("nation_search"), {"periode": p.periode, "q": p.trigram}),
            r,
        )
    )

    pairs = polars_pairs(register, gen_dir, p, r) if polars_side is not None else []

    # Layout: Cek Status's desa query on the sorted hive files and on one unsorted file of the newest period.
    if not args.no_layout:
        unsorted = unsorted_copy(adhoc, data_dir, manifest.generation, p.periode)
        flat = new_connection(settings)
        register_views(flat, gen_dir, manifest.latest)
        flat.execute(f"create or replace view individu_all as select * from read_parquet('{unsorted.as_posix()}')")
        desa_sql = load_sql("desa_people")
        for key, label, con in (
            ("layout_sorted", "(a) sorted, hive-partitioned", adhoc),
            ("layout_unsorted", "(b) one unsorted file", flat),
        ):
            run = _adhoc(con, desa_sql, desa_params)
            results.append(measure(key, f"layout {label}: `desa_people`", f"desa {p.kode_desa}", run, r))
        flat.close()
    adhoc.close()
    register.close()

    table = render(results, machine, settings, header, r, pairs)
    print()
    print(table, end="")
    try:
        RESULTS.write_text(table, encoding="utf-8")
    except OSError as exc:
        raise BenchError(f"cannot write {RESULTS}: {exc.strerror or exc}") from None
    print(f"\nWritten to {RESULTS}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except QueryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except duckdb.OutOfMemoryException as exc:
        print(f"error: DuckDB ran out of memory: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
