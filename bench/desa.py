"""Cek Status's desa query three ways in the same run, interleaved: the glob over the hive views (`desa_people.sql`,
the path before the partition files), `Register.run('desa_people')` (the desa's partition files,
`desa_people_file.sql`), and polars lazy (`bench/polars_side.py`); each alone and with the name keys the page
caches (`public.with_search_keys`). Checks the three give the same rows first.

    python bench/desa.py --data-dir bench/out/register-1200k [--desa 3171031005] [--repeat 31]

On a loaded machine single timings swing by several times: the runs are interleaved (old, new, polars, old, ...)
so each sees the same load, and medians are given, with the 1-minute load average before and after.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
if str(REPO_DIR) not in sys.path:
    sys.path.insert(0, str(REPO_DIR))

import pandas as pd  # noqa: E402

from bench import polars_side as ps  # noqa: E402
from portal import public  # noqa: E402
from portal.config import load_settings  # noqa: E402
from portal.db import Register, load_sql  # noqa: E402
from portal.periods import period_end  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--desa", default=None, help="desa code (default: the most populous of the newest period)")
    parser.add_argument("--repeat", type=int, default=31)
    args = parser.parse_args(argv)
    register = Register(dataclasses.replace(load_settings(), data_dir=args.data_dir))
    periode = register.manifest.latest
    con = register._con
    kode_desa = (
        args.desa
        or con.sql(
            f"select kode_desa from individu_all where periode = '{periode}' group by 1 order by count(*) desc limit 1"
        ).fetchall()[0][0]
    )
    params = {"periode": periode, "akhir": period_end(periode), "kode_desa": kode_desa}
    glob_sql = load_sql("desa_people")

    def glob() -> pd.DataFrame:
        cursor = con.cursor()
        try:
            return cursor.execute(glob_sql, params).df()
        finally:
            cursor.close()

    def files() -> pd.DataFrame:
        return register.run("desa_people", **params)

    def polars() -> pd.DataFrame:
        return ps.desa_people(register.root, periode, params["akhir"], kode_desa)

    cases: dict[str, Callable[[], pd.DataFrame]] = {
        "glob (before)": glob,
        "partition files (now)": files,
        "polars": polars,
        "glob + name keys": lambda: public.with_search_keys(glob()),
        "files + name keys": lambda: public.with_search_keys(files()),
        "polars + name keys": lambda: public.with_search_keys(polars()),
    }
    reference = glob()
    pd.testing.assert_frame_equal(files(), reference)
    pd.testing.assert_frame_equal(polars(), reference, check_dtype=False)
    load_before = os.getloadavg()[0]
    times: dict[str, list[float]] = {name: [] for name in cases}
    for run in cases.values():  # warm-up
        run()
    for _ in range(args.repeat):
        for name, run in cases.items():
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    load_after = os.getloadavg()[0]
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"desa {kode_desa}, {len(reference):,} people, period {periode}, {args.repeat} interleaved runs")
    print(f"load average {load_before:.1f} before, {load_after:.1f} after")
    print("| query | median | min | ratio to polars |")
    print("|---|---:|---:|---:|")
    for name, median in medians.items():
        base = medians["polars + name keys" if "keys" in name else "polars"]
        print(f"| {name} | {median * 1000:.1f} ms | {min(times[name]) * 1000:.1f} ms | {median / base:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
