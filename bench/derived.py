"""Time the derived phase of a build (`portal.rollups.build_derived`) on a published register, for one checkout or
two (before/after, interleaved), and check that both write the same bytes.

    python bench/derived.py --data-dir DIR                            # this checkout, 3 runs
    python bench/derived.py --data-dir DIR --before /path/to/checkout --repeat 3

Each run is a child process started in a checkout (its own `portal` package and queries/) that links the served
generation's rows (not its derived tables) into a scratch directory under DIR/tmp, builds every period's derived
tables there with the settings of that data directory (PORTAL_BUILD_MEMORY, spill to DIR/tmp), and hashes what it
wrote. Reported per run: wall seconds of build_derived, CPU seconds (user + system of the child, DuckDB's threads
included, from wait4) and of build_derived alone (`time.process_time`, every thread), the child's peak RSS,
and the SHA-256 of the derived files. Medians per checkout, the ratios before / after and whether both wrote the
same bytes. Results to bench/out/derived-results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CHILD = r"""
import dataclasses, hashlib, json, os, shutil, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, os.getcwd())
from portal.config import get_settings
from portal.rollups import build_derived
from portal.snapshot import DERIVED_TABLES, read_manifest

data = Path(sys.argv[1])
settings = dataclasses.replace(get_settings(), data_dir=data)
manifest = read_manifest(settings.register_dir)
source = settings.register_dir / manifest.generation
settings.tmp_dir.mkdir(parents=True, exist_ok=True)
root = Path(tempfile.mkdtemp(prefix="bench-derived-", dir=settings.tmp_dir))
try:
    for path in source.iterdir():
        if path.name not in DERIVED_TABLES and path.name != "derived.json":
            os.symlink(path, root / path.name)
    lines = []
    started, cpu = time.monotonic(), time.process_time()
    build_derived(root, list(manifest.periods), settings, progress=lines.append)
    wall, cpu = time.monotonic() - started, time.process_time() - cpu
    digest = hashlib.sha256()
    for path in sorted(p for table in DERIVED_TABLES for p in (root / table).rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    print(json.dumps({"wall": wall, "cpu_phase": cpu, "sha256": digest.hexdigest(), "progress": lines}))
finally:
    shutil.rmtree(root, ignore_errors=True)
"""


def run_once(checkout: Path, data_dir: Path) -> dict:
    """One child process building the derived tables with `checkout`'s code; its figures."""
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data_dir)], cwd=checkout, stdout=subprocess.PIPE, text=True
    )
    out = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{checkout}: the child failed with exit status {child.returncode}")
    figures = json.loads(out[out.rindex('{"wall"') :])  # after any progress bar DuckDB drew
    figures["process_wall"] = time.monotonic() - started
    figures["cpu"] = usage.ru_utime + usage.ru_stime
    figures["peak_rss_gib"] = usage.ru_maxrss / 2**20  # kB on Linux
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True, help="a data directory with a published register")
    parser.add_argument("--before", type=Path, help="another checkout to compare with (run first in each round)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, default=REPO / "bench" / "out" / "derived-results.json")
    args = parser.parse_args()
    checkouts = {"before": args.before.resolve()} if args.before else {}
    checkouts["after"] = REPO
    runs: dict[str, list[dict]] = {name: [] for name in checkouts}
    for round_ in range(args.repeat):
        for name, checkout in checkouts.items():
            f = run_once(checkout, args.data_dir.resolve())
            runs[name].append(f)
            print(
                f"round {round_ + 1} {name}: build_derived {f['wall']:.1f} s wall, {f['cpu_phase']:.1f} s CPU "
                f"({f['cpu']:.1f} s the whole child), peak RSS {f['peak_rss_gib']:.2f} GiB, "
                f"derived files {f['sha256'][:16]}",
                flush=True,
            )
            for line in f["progress"]:
                print(f"    {line.strip()}")
    summary = {}
    for name, figures in runs.items():
        keys = ("wall", "cpu_phase", "cpu", "peak_rss_gib", "process_wall")
        m = summary[name] = {key: statistics.median(f[key] for f in figures) for key in keys}
        m["sha256"] = sorted({f["sha256"] for f in figures})
        print(
            f"{name}: median of {len(figures)}: {m['wall']:.1f} s wall, {m['cpu_phase']:.1f} s CPU "
            f"({m['cpu']:.1f} s the whole child), peak RSS {m['peak_rss_gib']:.2f} GiB"
        )
    if "before" in summary:
        b, a = summary["before"], summary["after"]
        same = b["sha256"] == a["sha256"] and len(a["sha256"]) == 1
        print(
            f"before / after: wall {b['wall'] / a['wall']:.2f}x, CPU {b['cpu_phase'] / a['cpu_phase']:.2f}x "
            f"(whole child {b['cpu'] / a['cpu']:.2f}x), peak RSS {b['peak_rss_gib'] / a['peak_rss_gib']:.2f}x; "
            f"same bytes: {same}"
        )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"summary": summary, "runs": runs}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
