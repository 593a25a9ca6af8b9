"""Time what each internal page asks of the register, on the 10-million-person bench register.

    python bench/pages.py [--source bench/out/register-10m] [--work bench/out/pages-10m] [--repeat 5]
    python bench/pages.py --source DIR --in-place     # time on the source register as it is (no rebuild)

The source register is the one `bench/run.py` builds. Its base tables are hard-linked (never written) into a work
register whose derived tables are rebuilt with the current code (rollup columns and the nation's changes are
newer than a register built earlier), timing that build. Then every query a page load runs is timed for one
kab/kota, one provinsi and the nation: median, min and max of --repeat runs after one warm-up. The table is
printed and written to <work>/results.md. With --in-place the source register is timed as built (at 100 M a
rebuild of the derived tables takes as long as the rest of the run); a query whose table it lacks is reported as
such, and the live queries the stored tables replaced are timed beside them. Last, Eksplorasi's counts are timed
from the cube and live, interleaved, for the nation and provinsi 32 (wall and CPU, with ratios).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
if str(REPO_DIR) not in sys.path:
    sys.path.insert(0, str(REPO_DIR))

from portal import explore  # noqa: E402
from portal.config import load_settings  # noqa: E402
from portal.db import QueryError, Register  # noqa: E402
from portal.periods import period_end  # noqa: E402
from portal.rollups import build_derived  # noqa: E402
from portal.snapshot import (  # noqa: E402
    DERIVED_TABLES,
    MANIFEST,
    REGISTER_TABLES,
    TRUTH_TABLES,
    link_file,
    read_manifest,
)

DERIVED = set(DERIVED_TABLES)
LENGTH = {"nasional": 0, "provinsi": 2, "kabupaten": 4, "kecamatan": 6, "desa": 10}
CHILD = {"nasional": "provinsi", "provinsi": "kabupaten", "kabupaten": "kecamatan"}
# The live queries (bench/queries) that stored tables replaced, timed beside them.
LIVE = ("quality_person_rows_live", "quality_verivali_children_live")


def prepare(source: Path, work: Path) -> float | None:
    """A work register linking the source's base tables, with derived tables rebuilt (once per source)."""
    manifest = read_manifest(source / "register")
    if manifest is None:
        sys.exit(f"error: no register in {source}; build it with `python bench/run.py` first")
    root = work / "register" / manifest.generation
    done = root / ".derived-built"
    if done.is_file():
        return None
    root.mkdir(parents=True, exist_ok=True)
    for entry in (source / "register" / manifest.generation).iterdir():
        link = root / entry.name
        if entry.name in DERIVED or link.exists():
            continue
        if entry.name in (*REGISTER_TABLES, *TRUTH_TABLES) or entry.name.startswith("wilayah_"):
            # Hard links: the served register's DuckDB may not follow a symlink out of its own directory.
            files = [entry] if entry.is_file() else [f for f in entry.rglob("*") if f.is_file()]
            for file in files:
                link_file(file, link / file.relative_to(entry) if entry.is_dir() else link)
    (work / "register" / MANIFEST).write_text((source / "register" / MANIFEST).read_text())
    settings = dataclasses.replace(load_settings(), data_dir=work)
    started = time.perf_counter()
    build_derived(root, list(manifest.periods), settings)
    seconds = time.perf_counter() - started
    done.write_text(json.dumps({"seconds": seconds}))
    return seconds


def timed(register: Register, repeat: int, name: str, **params: object) -> tuple[float, float, float, int]:
    def run() -> int:
        if name in LIVE:  # bench/queries: not a named query of the portal
            sql = (REPO_DIR / "bench" / "queries" / f"{name}.sql").read_text(encoding="utf-8")
            return len(register._con.execute(sql, params).df())
        return len(register.run(name, **params))

    run()
    times, rows = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        rows = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), max(times), rows


def explore_cube_vs_live(register: Register, repeat: int, latest: str, provinsi: str) -> list[str]:
    """Eksplorasi's counts from the cube and live, for the nation and one provinsi, individu and keluarga, run
    interleaved (live, cube, live, cube, ...) after one warm-up each: median wall and CPU seconds (CPU of this
    process, DuckDB's threads included) and the live/cube ratios, as table lines."""
    lines = [
        "",
        "Eksplorasi counts, live vs cube (PKH filter, by desil × status; interleaved):",
        "",
        "| level | region | live s | live CPU s | cube s | cube CPU s | wall ratio | CPU ratio | rows |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for level in ("individu", "keluarga"):
        for kode in ("", provinsi):
            spec = explore.FilterSpec(periode=latest, tingkat=level, program=("pkh",), baris="desil", kolom="status")
            params = {**explore.query_params(spec, kode, period_end(latest)), "dim_baris": "desil"}
            params["dim_kolom"] = "status"
            names = (f"explore_{level}_counts", explore.counts_query(spec, kode))
            times: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
            try:
                answers = {name: register.run(name, **params) for name in names}  # the warm-up
            except QueryError as exc:  # a register built before the cube (--in-place)
                lines.append(f"| {level} | {kode or 'nasional'} | {str(exc)[:80]} |")
                continue
            if not answers[names[0]].equals(answers[names[1]]):
                sys.exit(f"error: the cube's {level} counts for {kode or 'nasional'} differ from the live ones")
            for _ in range(repeat):
                for name in names:
                    wall, cpu = time.perf_counter(), time.process_time()
                    register.run(name, **params)
                    times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
            (live_s, live_cpu), (cube_s, cube_cpu) = (
                tuple(statistics.median(t[i] for t in times[name]) for i in (0, 1)) for name in names
            )
            lines.append(
                f"| {level} | {kode or 'nasional'} | {live_s:.3f} | {live_cpu:.3f} | {cube_s:.3f} | {cube_cpu:.3f} "
                f"| {live_s / cube_s:.1f} | {live_cpu / max(cube_cpu, 1e-9):.1f} | {len(answers[names[0]]):,} |"
            )
            print(lines[-1], flush=True)
    return lines


def page_queries(
    kode: str, tingkat: str, latest: str, before: str, live_nation: bool = True
) -> dict[str, list[tuple[str, dict]]]:
    """The queries one load of each page runs for region `kode` (drills and exports listed separately)."""
    akhir = period_end(latest)
    child = CHILD.get(tingkat, "desa")
    spec = explore.FilterSpec(periode=latest, program=("pkh",), baris="kecamatan" if kode else "desil")
    explore_params = explore.query_params(spec, kode, akhir)
    explore_counts = {**explore_params, "dim_baris": spec.baris, "dim_kolom": ""}
    verivali = {"periode": latest, "akhir": akhir, "bulan": 12, "kode": kode, "panjang": LENGTH[child]}
    drill = {"periode": latest, "kode": kode or "32", "cek": "nik_tidak_valid", "batas": 1000}
    live = ("period_changes", {"dari": before, "ke": latest, "kode": kode, "panjang": LENGTH[child]})
    # The nation reads the changes precomputed at build time; the live query is timed beside it for comparison.
    changes = [("period_changes_nasional", {"dari": before, "ke": latest})] if kode == "" else [live]
    return {
        "Peta Cakupan": [("rollup_children", {"periode": latest, "tingkat": child, "induk": kode})],
        "Kemiskinan Ekstrem": [
            ("rollup_within_region", {"periode": latest, "tingkat": child, "kode": kode}),
            ("rollup_within_region", {"periode": latest, "tingkat": "kecamatan", "kode": kode}),
            ("rollup_region_trend", {"tingkat": tingkat, "kode": kode}),
            ("kab_poverty_rate", {"kode": kode}),
        ],
        "Kualitas Data": [
            ("rollup_within_region", {"periode": latest, "tingkat": child, "kode": kode}),
            ("quality_verivali_children", verivali),
        ],
        "Kualitas Data, live verivali count (what verivali_bulan replaced)": [(LIVE[1], verivali)],
        "Kualitas Data, drill (invalid NIK rows)": [("quality_person_rows", drill)],
        "Kualitas Data, drill, live query (what the temuan table replaced)": [(LIVE[0], drill)],
        "Perubahan Antar Periode": [
            *changes,
            ("usulan_funnel", {"dari": before, "ke": latest, "kode": kode}),
        ],
        **({"Perubahan, live query (what precomputing replaced)": [live]} if kode == "" and live_nation else {}),
        "Eksplorasi (counts, PKH filter)": [(explore.counts_query(spec, kode), explore_counts)],
        "Eksplorasi, live counts (what the cube replaced)": [("explore_individu_counts", explore_counts)],
        "Eksplorasi, one page of rows": [
            ("explore_individu_rows", {**explore_params, "batas": 50, "mulai": 0, "urut": "kode_desa", "turun": False})
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=REPO_DIR / "bench" / "out" / "register-10m")
    parser.add_argument("--work", type=Path, default=REPO_DIR / "bench" / "out" / "pages-10m")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--in-place", action="store_true", help="time the source register as built (no rebuild)")
    parser.add_argument(
        "--no-live-nation",
        action="store_true",
        help="leave out the live national Perubahan pairing no page runs (more than 5 minutes a run at 100 M)",
    )
    args = parser.parse_args()

    if args.in_place:
        build_seconds, args.work = None, args.source
    else:
        build_seconds = prepare(args.source.resolve(), args.work.resolve())
    settings = dataclasses.replace(load_settings(), data_dir=args.work.resolve())
    register = Register(settings)
    periods = register.manifest.periods
    latest, before = periods[-1], periods[-2]
    people = register.run("national_headline", periode=latest)
    lines = [
        f"# Internal pages on the bench register ({date.today().isoformat()})",
        "",
        f"Register: {register.manifest.generation}, periods {', '.join(periods)}; "
        f"DuckDB {settings.duckdb_threads} threads, {settings.duckdb_memory_limit}; "
        f"load average before: {', '.join(f'{x:.1f}' for x in os.getloadavg())}.",
        f"Individuals active in {latest}: {int(people['individu_aktif'].iloc[0]):,}.",
    ]
    if build_seconds is not None:
        lines.append(f"Derived tables of {len(periods)} periods rebuilt in {build_seconds:.0f} s.")
    lines += ["", "| page | query | region | median s | min | max | rows |", "|---|---|---|---:|---:|---:|---:|"]
    print("\n".join(lines), flush=True)
    for kode, tingkat in (("3171", "kabupaten"), ("32", "provinsi"), ("", "nasional")):
        for page, queries in page_queries(kode, tingkat, latest, before, not args.no_live_nation).items():
            for name, params in queries:
                try:
                    median, low, high, rows = timed(register, args.repeat, name, **params)
                except QueryError as exc:  # e.g. a register built before the table the query reads
                    line = f"| {page} | {name} | {kode or 'nasional'} | — | — | — | {str(exc)[:60]} |"
                    lines.append(line)
                    print(line, flush=True)
                    continue
                line = f"| {page} | {name} | {kode or 'nasional'} | {median:.3f} | {low:.3f} | {high:.3f} | {rows:,} |"
                lines.append(line)
                print(line, flush=True)
    lines += explore_cube_vs_live(register, args.repeat, latest, "32")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines += ["", f"Peak RSS of this process: {peak:.0f} MB; load average after: {os.getloadavg()[0]:.1f}."]
    print(lines[-1])
    (args.work / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    register.close()


if __name__ == "__main__":
    main()
