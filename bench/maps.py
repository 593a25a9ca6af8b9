"""Time the boundary import and the maps the portal draws, on the reference boundaries.

    python bench/maps.py [--geo ../shared/data/geo] [--repeat 3]

Imports the reference set into a temporary directory (timed once), then for each map a page draws — one level
under one parent, and all 7,285 kecamatan for comparison — times loading the simplified boundaries, building
the choropleth (portal.maps.choropleth.build_choropleth) and rendering its HTML: median, min and max of --repeat runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
if str(REPO_DIR) not in sys.path:
    sys.path.insert(0, str(REPO_DIR))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402

from portal.geo import import_boundaries, load_boundaries  # noqa: E402
from portal.maps import choropleth  # noqa: E402

MAPS = [
    ("all provinsi", "provinsi", None),
    ("kabupaten of 32 (Jawa Barat)", "kabupaten", "32"),
    ("kecamatan of 3201 (Bogor)", "kecamatan", "3201"),
    ("desa of 340101 (DIY)", "desa", "340101"),
    ("all kecamatan (what drawing one level at a time avoids)", "kecamatan", None),
]


def draw(geo_dir: Path, level: str, parent: str | None) -> tuple[float, float, float, int, int, int]:
    """Seconds to load, to build and to render one map; regions, vertices and HTML bytes."""
    started = time.perf_counter()
    boundaries = load_boundaries(geo_dir, level, parent)
    loaded = time.perf_counter()
    n = len(boundaries)
    rows = pd.DataFrame(
        {"kode": boundaries["kode"], "nama": boundaries["nama"], "keluarga_aktif": 1_000 + 37 * np.arange(n)}
    )
    values = pd.Series(np.linspace(5.0, 60.0, n), index=boundaries["kode"])
    fmap = choropleth.build_choropleth(boundaries, rows, values, "Cakupan PKH", unit="%")
    built = time.perf_counter()
    html = fmap.get_root().render()
    rendered = time.perf_counter()
    vertices = int(shapely.get_num_coordinates(boundaries.geometry.to_numpy()).sum())
    return loaded - started, built - loaded, rendered - built, n, vertices, len(html)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--geo", type=Path, default=REPO_DIR.parent / "shared" / "data" / "geo")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.geo.is_dir():
        sys.exit(f"error: no reference boundaries at {args.geo}")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        counts = import_boundaries(args.geo, Path(tmp), progress=lambda _line: None)
        print(f"import of {args.geo}: {time.perf_counter() - started:.2f} s, {counts}")
        print("| map | regions | vertices | HTML MB | load s | build s | render s | total s (median, min–max) |")
        print("|---|---:|---:|---:|---:|---:|---:|---|")
        for label, level, parent in MAPS:
            runs = [draw(Path(tmp), level, parent) for _ in range(args.repeat)]
            load, build, render = (statistics.median(r[i] for r in runs) for i in range(3))
            totals = [sum(r[:3]) for r in runs]
            _, _, _, regions, vertices, size = runs[0]
            print(
                f"| {label} | {regions:,} | {vertices:,} | {size / 1e6:.2f} | {load:.3f} | {build:.3f} | "
                f"{render:.3f} | {statistics.median(totals):.2f} ({min(totals):.2f}–{max(totals):.2f}) |"
            )


if __name__ == "__main__":
    main()
