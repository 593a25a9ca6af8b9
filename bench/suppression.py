"""Time small-cell and complementary suppression on hard public tables.

    python bench/suppression.py [--repeat 5]

Tables of 38 and 40 rows × 5 programmes (a desa-level drill-down: a third of the cells small, a sixth zero; real
kab/kota tables have fewer), suppressed with portal.suppression.suppress_table: median, min and max of --repeat
runs. The protection itself is checked by
tests/test_suppression.py; these timings used to be a timed assert there.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
if str(REPO_DIR) not in sys.path:
    sys.path.insert(0, str(REPO_DIR))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from portal.suppression import suppress_table  # noqa: E402

VALUES = [0, 1, 2, 4, 7, 9, 12, 35, 180, 2400, 16000, 90000]


def hard_table(n_rows: int) -> pd.DataFrame:
    """The test's hard case: values drawn from VALUES with the row count as seed."""
    values = np.random.default_rng(n_rows).choice(VALUES, size=(n_rows, 5))
    index = pd.Index([f"{3201 + k}" for k in range(n_rows)], name="kode")
    return pd.DataFrame(values, index=index, columns=["PKH", "BPNT", "PBI-JK", "BLT-DD", "PIP"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print("| table | small | complements | median ms | min | max |\n|---|---:|---:|---:|---:|---:|")
    for n_rows in (38, 40):
        cells = hard_table(n_rows)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            published = suppress_table(cells)
            times.append(1000 * (time.perf_counter() - started))
        small = int(published.primary.to_numpy().sum())
        complements = int(published.complementary.to_numpy().sum())
        print(
            f"| {n_rows}×5 | {small} | {complements} | {statistics.median(times):.1f} | {min(times):.1f} "
            f"| {max(times):.1f} |"
        )


if __name__ == "__main__":
    main()
