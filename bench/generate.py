"""CPU time of the demo generator alone: one province's blocks, every period, written with PartitionWriter.

    python bench/generate.py --province 32 --individuals 1000000 --periods 4 --out DIR

Runs what one build worker runs for a province (`portal.demo._build_province`: blocks, churn, musdes, defects,
converting and writing the six generated tables), without the code tables, the derived tables (DuckDB) and the
publication that `python -m portal demo` adds; the code tables are loaded before the clock starts. Prints the
person-rows written, wall and CPU seconds (user + system of this process) and person-rows per CPU-second. DIR
receives the province's files (hive layout, no manifest) and is emptied first.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import time
import types
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
if str(REPO_DIR) not in sys.path:
    sys.path.insert(0, str(REPO_DIR))

from portal import demo  # noqa: E402
from portal.config import get_settings  # noqa: E402
from portal.demo.plan import DEFAULT_DENSE, make_plan  # noqa: E402
from portal.wilayah import load_code_tables, load_kab_stats  # noqa: E402


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    """Parse the options, build the province, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", default="32")
    parser.add_argument("--individuals", type=int, default=1_000_000)
    parser.add_argument("--periods", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    plan = make_plan(load_kab_stats(get_settings().ref_dir), args.individuals, (args.province,), DEFAULT_DENSE)
    options = demo.DemoOptions(
        individuals=args.individuals, provinces=(args.province,), periods=args.periods, seed=args.seed
    )
    periods = demo.period_list(args.periods)
    load_code_tables()  # cached for the build: reading the code list is not generating
    shutil.rmtree(args.out, ignore_errors=True)
    stage = types.SimpleNamespace(root=args.out)  # what _build_province uses of a Staging
    cpu, wall = _cpu(), time.monotonic()
    rows = demo._build_province(stage, plan, options, periods, args.province, 0)  # type: ignore[arg-type]
    cpu, wall = _cpu() - cpu, time.monotonic() - wall
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"province {args.province}: {rows:,} person-rows, wall {wall:.2f} s, CPU {cpu:.2f} s, "
        f"{rows / cpu:,.0f} person-rows per CPU-second, peak RSS {peak:,.0f} MB"
    )


if __name__ == "__main__":
    main()
