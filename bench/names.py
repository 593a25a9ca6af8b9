"""Time the synthetic names the demo draws and the canonical search key Cek Status compares.

    python bench/names.py [--n 1000000] [--repeat 3]

For --n people of every province's mix: drawing given names, family names and full names (portal.demo.names),
then the spelling-tolerant search key of every full name (portal.names.canonical_names, what Cek Status computes
for each person of a desa). Median, min and max of --repeat runs, each on fresh draws from the same seed.
These figures used to be printed by a test (tests/test_names.py) that asserted only the lengths.
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

from portal import names  # noqa: E402
from portal.demo import names as demo_names  # noqa: E402


def one_run(n: int, seed: int) -> dict[str, float]:
    """Seconds per step for n names."""
    rng = np.random.default_rng(seed)
    cultures = demo_names.sample_cultures(rng, "00", n)
    female = rng.random(n) < 0.5
    birth_order = rng.integers(0, 6, n)
    t0 = time.perf_counter()
    given = demo_names.sample_given_names(rng, cultures, female, birth_order)
    t1 = time.perf_counter()
    full = demo_names.full_names(given, demo_names.sample_family_names(rng, cultures))
    t2 = time.perf_counter()
    keys = names.canonical_names(full)
    t3 = time.perf_counter()
    assert len(full) == len(keys) == n
    return {"given names": t1 - t0, "family + full names": t2 - t1, "canonical_names (search keys)": t3 - t2}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs = [one_run(args.n, 17) for _ in range(args.repeat)]
    print(f"{args.n:,} names, {args.repeat} runs\n")
    print("| step | median s | min | max |\n|---|---:|---:|---:|")
    for step in runs[0]:
        times = [run[step] for run in runs]
        print(f"| {step} | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} |")


if __name__ == "__main__":
    main()
