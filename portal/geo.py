"""Administrative boundaries: import any GeoJSON/Shapefile/GeoPackage/GeoParquet set into one GeoParquet per
level (provinsi, kabupaten, kecamatan, desa), simplified for drawing, and read it back for maps.

Codes are Kemendagri strings without dots (2/4/6/10 digits); every output file has the columns
kode, nama, kode_induk and geometry (EPSG:4326).
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyogrio
import shapely

from portal.regions import AREA_LEVELS, CODE_LENGTHS, level_of_length, parent_of

# Measured on the reference set (../shared/data/geo), which is already simplified upstream (median kecamatan
# edge about 2.5 km), so Douglas-Peucker alone removes little: most vertices sit in tiny islands. Each
# tolerance stays under one screen pixel at the zoom where that level is drawn (national map for provinsi,
# one province for kabupaten, one kabupaten for kecamatan, one kecamatan for desa); islands below the area
# threshold are under a pixel there too. Desa keep every island: at that zoom they are visible.
TOLERANCES: dict[str, dict[str, float]] = {
    "provinsi": {"simplify_deg": 0.01, "min_island_km2": 1.0, "gap_deg": 0.01},
    "kabupaten": {"simplify_deg": 0.002, "min_island_km2": 0.5, "gap_deg": 0.005},
    "kecamatan": {"simplify_deg": 0.0005, "min_island_km2": 0.1, "gap_deg": 0.003},
    "desa": {"simplify_deg": 0.0001, "min_island_km2": 0.0, "gap_deg": 0.001},
}
# The source polygons of one level overlap and leave slivers between neighbours (Kota Yogyakarta's kecamatan
# overlap by 4% of their area and leave 8 gaps), so a click could open the wrong region. Each level is therefore
# cleaned into a coverage first (shapely.coverage_clean: overlaps go to the neighbour with the longest shared
# border, enclosed gaps narrower than gap_deg to their neighbour, shared edges made identical) and then simplified
# as a coverage (shapely.coverage_simplify: each shared edge once, so neighbours still meet). `simplify_deg` is
# Visvalingam-Whyatt's tolerance (the square root of the triangle areas removed). Regions are cleaned per
# provinsi (the first two digits) to bound the work for a national desa set; maps draw one parent at a time.
# About 1 m; the reference set is stored at this precision, and reprojected input would otherwise carry
# 15 significant digits into every map's HTML.
COORD_DECIMALS = 5
MANIFEST = "manifest.json"
IMPORT_COMMAND = "python -m portal geo import"

_SUFFIXES = {".geojson", ".shp", ".gpkg", ".parquet", ".geoparquet"}
_CODE_NAME = re.compile(r"kode|code|^kd|_kd")
_NOT_CODE_CHARS = re.compile(r"[.\s]")
# Most specific first, so a name is matched to the finest level it mentions. KDPPUM/KDPKAB/KDCPUM/KDEPUM are
# BIG's (RBI) column names for the Kemendagri codes.
_LEVEL_HINTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("desa", ("desa", "kel", "kdepum", "vill")),
    ("kecamatan", ("kec", "kdcpum")),
    ("kabupaten", ("kab", "kota", "kdpkab", "regen")),
    ("provinsi", ("prov", "kdppum")),
)
# Name columns without 'nama' in them: the bare level word, and BIG's WADM* administrative names.
_LEVEL_NAME_COLUMNS: dict[str, tuple[str, ...]] = {
    "provinsi": ("provinsi", "wadmpr"),
    "kabupaten": ("kabupaten", "kabupaten_kota", "kab_kota", "wadmkk"),
    "kecamatan": ("kecamatan", "wadmkc"),
    "desa": ("desa", "kelurahan", "desa_kelurahan", "wadmkd"),
}
_GENERIC_NAMES = ("nama", "name", "namobj", "nama_wilayah", "nm")
_KM_PER_DEGREE = 111.32

_log = logging.getLogger(__name__)


class GeoImportError(ValueError):
    """Boundary import failed on bad input; the message names the directory or file at fault."""


# ---------------------------------------------------------------------------------------------------------------
# Public API


def import_boundaries(source_dir: Path, dest_dir: Path, progress: Callable[[str], None] = print) -> dict[str, int]:
    """Import every boundary file under source_dir into dest_dir/{level}.parquet; return rows per level."""
    source_dir, dest_dir = Path(source_dir), Path(dest_dir)
    files = _discover(source_dir, dest_dir)
    # Everything is read and checked before anything is written, so bad input leaves dest_dir untouched.
    by_level: dict[str, list[tuple[str, gpd.GeoDataFrame]]] = {}
    for path in files:
        for label, frame in _read_layers(path, path.relative_to(source_dir).as_posix()):
            level, table, skipped = _standardize(frame, label)
            by_level.setdefault(level, []).append((label, table))
            if skipped:
                progress(f"{label}: skipped {skipped} rows without a code or a polygon")

    tables: dict[str, gpd.GeoDataFrame] = {}
    for level in AREA_LEVELS:
        if level in by_level:
            tables[level] = _build_level(level, by_level[level], progress)

    _write_outputs(dest_dir, tables)
    counts = {level: len(table) for level, table in tables.items()}
    manifest = {
        "source_dir": str(source_dir.resolve()),
        "files": {level: [label for label, _ in by_level[level]] for level in tables},
        "counts": counts,
        "tolerances": {level: TOLERANCES[level] for level in tables},
        "coord_decimals": COORD_DECIMALS,
        "crs": "EPSG:4326",
        "columns": ["kode", "nama", "kode_induk", "geometry"],
    }
    # Written last: its presence means the import finished (ensure_boundaries relies on that).
    _write_atomic(
        dest_dir / MANIFEST,
        lambda tmp: tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"),
    )
    progress("written to " + str(dest_dir) + ": " + ", ".join(f"{lvl} {n}" for lvl, n in counts.items()))
    return counts


def available_levels(geo_dir: Path) -> list[str]:
    """Levels whose imported GeoParquet exists in geo_dir, coarsest first."""
    return [level for level in AREA_LEVELS if (Path(geo_dir) / f"{level}.parquet").is_file()]


def load_boundaries(geo_dir: Path, level: str, parent: str | None = None) -> gpd.GeoDataFrame:
    """Boundaries of one level, optionally only the codes under parent (e.g. level kecamatan, parent '3201')."""
    if level not in AREA_LEVELS:
        raise ValueError(f"Unknown level {level!r}; expected one of {', '.join(AREA_LEVELS)}")
    path = Path(geo_dir) / f"{level}.parquet"
    if not path.is_file():
        raise FileNotFoundError(f"No {level} boundaries at {path}; run `{IMPORT_COMMAND}` first")
    filters = None
    if parent is not None and str(parent).strip():
        prefix = _clean_code(parent)
        if not prefix.isdigit():
            raise ValueError(f"Parent code {parent!r} is not a Kemendagri code (digits, optionally dotted)")
        # Codes are all digits, so exactly the codes starting with prefix sort in [prefix, prefix + ":").
        filters = [("kode", ">=", prefix), ("kode", "<", prefix + ":")]
    return gpd.read_parquet(path, filters=filters)


def join_coverage(geo_codes: Iterable[str], table_codes: Iterable[str]) -> dict[str, int | float]:
    """How well boundary codes and table codes match: counts each way and the share matched on each side."""
    geo = {code for code in map(_clean_code, geo_codes) if code}
    table = {code for code in map(_clean_code, table_codes) if code}
    matched = len(geo & table)
    return {
        "matched": matched,
        "only_in_geo": len(geo - table),
        "only_in_table": len(table - geo),
        "share_geo_matched": matched / len(geo) if geo else 0.0,
        "share_table_matched": matched / len(table) if table else 0.0,
    }


def ensure_boundaries(settings: Any, progress: Callable[[str], None] = _log.info) -> dict[str, int] | None:
    """Import boundaries from settings.geo_source_dir unless settings.geo_dir already holds a finished import."""
    geo_dir = Path(settings.geo_dir)
    if (geo_dir / MANIFEST).is_file():
        return None
    source = settings.geo_source_dir
    if source is None or not Path(source).is_dir():
        return None
    return import_boundaries(Path(source), geo_dir, progress)


# ---------------------------------------------------------------------------------------------------------------
# Reading


def _discover(source_dir: Path, dest_dir: Path) -> list[Path]:
    if not source_dir.exists():
        raise GeoImportError(f"Boundary source directory {source_dir} does not exist")
    if not source_dir.is_dir():
        raise GeoImportError(f"Boundary source {source_dir} is not a directory")
    source, dest = source_dir.resolve(), dest_dir.resolve()
    # An import into a folder inside the source must not read back its own output.
    skip_dest = dest != source and dest.is_relative_to(source)
    found = []
    try:
        for path in source_dir.rglob("*"):
            rel = path.relative_to(source_dir)
            if path.suffix.lower() not in _SUFFIXES or any(part.startswith(".") for part in rel.parts):
                continue
            if skip_dest and path.resolve().is_relative_to(dest):
                continue
            if path.is_file():
                found.append(path)
    except OSError as exc:
        raise GeoImportError(f"Cannot list boundary source directory {source_dir}: {exc}") from exc
    if not found:
        raise GeoImportError(
            f"No boundary files in {source_dir}: expected GeoJSON (.geojson), Shapefile (.shp), "
            "GeoPackage (.gpkg) or GeoParquet (.parquet) files"
        )
    return sorted(found, key=lambda p: p.relative_to(source_dir).as_posix())


def _read_layers(path: Path, label: str) -> list[tuple[str, gpd.GeoDataFrame]]:
    try:
        if path.suffix.lower() in {".parquet", ".geoparquet"}:
            if b"geo" not in (pq.read_schema(path).metadata or {}):
                raise GeoImportError(f"{label} is a Parquet file without GeoParquet metadata (no geometry column)")
            return [(label, gpd.read_parquet(path))]
        if path.suffix.lower() == ".gpkg":
            layers = [str(name) for name, geometry_type in pyogrio.list_layers(path) if geometry_type]
            if not layers:
                raise GeoImportError(f"{label} has no layer with geometry")
            return [(label if len(layers) == 1 else f"{label}:{layer}", _read_ogr(path, layer)) for layer in layers]
        return [(label, _read_ogr(path, None))]
    except GeoImportError:
        raise
    except Exception as exc:  # GDAL, pyarrow and json each raise their own types for a damaged file
        detail = " ".join(str(exc).split())
        raise GeoImportError(f"Cannot read boundary file {label}: {detail}") from exc


def _read_ogr(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    return gpd.read_file(path, layer=layer, engine="pyogrio", use_arrow=True)


def _standardize(frame: pd.DataFrame, label: str) -> tuple[str, gpd.GeoDataFrame, int]:
    """One file as (level, frame of kode/nama/geometry in EPSG:4326, one row per code, rows skipped)."""
    if len(frame) == 0:
        raise GeoImportError(f"{label} has no features")
    try:
        frame.geometry  # noqa: B018 - raises when there is no active geometry column
    except AttributeError:
        raise GeoImportError(f"{label} has no geometry column") from None
    level, codes = _find_code_column(frame, label)
    names = _find_names(frame, level)
    geometry = _to_wgs84(frame.geometry, label)
    geoms = _make_polygonal(np.asarray(geometry.values, dtype=object))
    if shapely.is_missing(geoms).all():
        kinds = ", ".join(sorted(set(frame.geometry.geom_type.dropna())))
        raise GeoImportError(f"{label} has no polygon geometry (found: {kinds or 'none'})")
    keep = (codes != "").to_numpy() & ~shapely.is_missing(geoms)
    table = gpd.GeoDataFrame(
        {"kode": codes[keep].to_numpy(), "nama": names[keep].to_numpy()},
        geometry=gpd.GeoSeries(geoms[keep], crs="EPSG:4326").values,
        crs="EPSG:4326",
    )
    return level, _dissolve_duplicates(table), int((~keep).sum())


def _find_code_column(frame: gpd.GeoDataFrame, label: str) -> tuple[str, pd.Series]:
    """The most specific column of Kemendagri codes, its level and its normalised codes."""
    found: list[tuple[int, str, pd.Series]] = []
    mismatched: list[tuple[str, str, int]] = []
    for name in frame.columns:
        lower = str(name).lower()
        # BIG files carry BPS codes beside the Kemendagri ones; they differ below kab/kota level.
        if name == frame.geometry.name or not _CODE_NAME.search(lower) or "bps" in lower:
            continue
        codes = _normalize_codes(frame[name])
        present = codes[codes != ""] if codes is not None else None
        if present is None or present.empty or not present.str.fullmatch(r"[0-9]+").all():
            continue
        lengths = set(present.str.len())
        length = lengths.pop() if len(lengths) == 1 else 0
        if level_of_length(length) not in AREA_LEVELS:
            continue
        hint = _hinted_level(lower)
        if hint is not None and CODE_LENGTHS[hint] != length:
            mismatched.append((str(name), hint, length))
            continue
        found.append((length, str(name), codes))
    if not found:
        columns = ", ".join(str(c) for c in frame.columns if c != frame.geometry.name)
        raise GeoImportError(
            f"{label} has no recognisable code column: expected kode_prov/kode_kab/kode_kec/kode_desa "
            f"(or KDPPUM/KDPKAB/KDCPUM/KDEPUM, or kode/code/kode_dot) holding 2, 4, 6 or 10-digit Kemendagri "
            f"codes; its columns are: {columns or 'none'}"
        )
    length, _, codes = max(found, key=lambda item: item[0])
    for name, hint, wrong in mismatched:
        # A partial kecamatan code ('01') must not silently turn a kecamatan file into a kabupaten one.
        if CODE_LENGTHS[hint] > length:
            raise GeoImportError(
                f"{label}: column {name} should hold full {hint} codes ({CODE_LENGTHS[hint]} digits) "
                f"but holds {wrong}-digit values"
            )
    return level_of_length(length), codes


def _normalize_codes(values: pd.Series) -> pd.Series | None:
    """Codes as digit strings ('' where missing), or None when the column cannot hold codes."""
    if pd.api.types.is_bool_dtype(values):
        return None
    if pd.api.types.is_float_dtype(values):
        present = values.dropna()
        if not np.array_equal(present, np.floor(present)):
            return None
        values = values.astype("Int64")
    text = values.astype("string").fillna("")
    return text.str.replace(_NOT_CODE_CHARS, "", regex=True).astype(str)


def _clean_code(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _NOT_CODE_CHARS.sub("", str(value))


def _hinted_level(lower_name: str) -> str | None:
    for level, hints in _LEVEL_HINTS:
        if any(hint in lower_name for hint in hints):
            return level
    return None


def _find_names(frame: gpd.GeoDataFrame, level: str) -> pd.Series:
    """Region names from the column naming this level (nama_kec, WADMKC...), else a generic one, else ''."""
    columns = {str(c).lower(): c for c in frame.columns if c != frame.geometry.name}
    wordy = [c for c in columns if ("nama" in c or "name" in c or c.startswith("nm")) and not _CODE_NAME.search(c)]
    specific = [c for c in wordy if _hinted_level(c) == level]
    exact = [c for c in _LEVEL_NAME_COLUMNS[level] if c in columns]
    generic = [c for c in _GENERIC_NAMES if c in columns]
    for choice in (specific, exact, generic):
        if choice:
            return frame[columns[choice[0]]].astype("string").fillna("").str.strip().astype(str)
    return pd.Series([""] * len(frame), index=frame.index, dtype=str)


def _to_wgs84(geometry: gpd.GeoSeries, label: str) -> gpd.GeoSeries:
    if geometry.crs is None:
        geometry = geometry.set_crs("EPSG:4326")
    elif geometry.crs.to_epsg() != 4326:
        try:
            geometry = geometry.to_crs("EPSG:4326")
        except Exception as exc:  # pyproj raises several types for an unusable CRS
            raise GeoImportError(f"{label}: cannot reproject from {geometry.crs} to EPSG:4326: {exc}") from exc
    minx, miny, maxx, maxy = bounds = geometry.total_bounds
    if np.isfinite(bounds).all() and not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise GeoImportError(
            f"{label}: coordinates are not longitude/latitude (bounds {minx:.0f}, {miny:.0f}, {maxx:.0f}, "
            f"{maxy:.0f}); give the file a CRS (a Shapefile needs its .prj)"
        )
    return geometry


def _dissolve_duplicates(table: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One row per code: a file may store each part of a region as its own row."""
    duplicated = table["kode"].duplicated(keep=False)
    if not duplicated.any():
        return table
    merged = [
        (
            kode,
            group["nama"].iloc[0],
            _make_polygonal(np.array([shapely.union_all(group.geometry.values)]))[0],
        )
        for kode, group in table[duplicated].groupby("kode", sort=False)
    ]
    extra = gpd.GeoDataFrame(merged, columns=["kode", "nama", "geometry"], geometry="geometry", crs="EPSG:4326")
    return pd.concat([table[~duplicated], extra], ignore_index=True)


# ---------------------------------------------------------------------------------------------------------------
# Geometry


def _polygon_parts(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every non-empty Polygon inside each geometry (collections flattened) and the row it belongs to."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    while True:
        nested = shapely.get_type_id(parts) >= 4  # Multi* and GeometryCollection
        if not nested.any():
            break
        inner, inner_index = shapely.get_parts(parts[nested], return_index=True)
        parts = np.concatenate([parts[~nested], inner])
        index = np.concatenate([index[~nested], index[nested][inner_index]])
    keep = (shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)
    order = np.argsort(index[keep], kind="stable")
    return parts[keep][order], index[keep][order]


def _assemble(parts: np.ndarray, index: np.ndarray, size: int) -> np.ndarray:
    """Parts back into one geometry per row: a Polygon when there is one part, None when there is none."""
    out = np.full(size, None, dtype=object)
    shapely.multipolygons(parts, indices=index, out=out)
    single = shapely.get_num_geometries(out) == 1
    out[single] = shapely.get_geometry(out[single], 0)
    return out


def _make_polygonal(geoms: np.ndarray) -> np.ndarray:
    """Valid Polygon/MultiPolygon per row (None where nothing polygonal is left)."""
    geoms = geoms.copy()
    invalid = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    # 'structure' keeps areas and drops collapsed slivers; running it only where needed keeps import fast.
    geoms[invalid] = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
    return _assemble(*_polygon_parts(geoms), len(geoms))


def _area_km2(parts: np.ndarray) -> np.ndarray:
    # Good to about 1% within Indonesia's latitudes; exact areas are not needed to pick out specks.
    latitude = shapely.get_y(shapely.centroid(parts))
    return shapely.area(parts) * _KM_PER_DEGREE**2 * np.cos(np.radians(latitude))


def _simplify(geoms: np.ndarray, simplify_deg: float, min_island_km2: float, gap_deg: float = 0.0) -> np.ndarray:
    """Drop islands below min_island_km2, clean the regions into a coverage (no overlaps, gaps narrower than
    gap_deg closed) and simplify it as a coverage, keeping every region's largest part and validity."""
    parts, index = _polygon_parts(geoms)
    area = _area_km2(parts)
    largest = pd.Series(area).groupby(index).idxmax().to_numpy()
    keep = area >= min_island_km2
    keep[largest] = True
    kept = _assemble(parts[keep], index[keep], len(geoms))
    present = ~shapely.is_missing(kept)
    simple = np.full(len(geoms), None, dtype=object)
    if present.any():
        clean = _make_polygonal(shapely.coverage_clean(kept[present], gap_width=gap_deg))
        simple[present] = _coverage_simplify(clean, simplify_deg)
    simple = shapely.transform(simple, lambda xy: np.round(xy, COORD_DECIMALS))
    result = _make_polygonal(simple)
    # Rounding can collapse a region smaller than the grid; fall back to its unsimplified largest part.
    fallback = np.full(len(geoms), None, dtype=object)
    fallback[index[largest]] = parts[largest]
    lost = shapely.is_missing(result) | shapely.is_empty(result)
    result[lost] = fallback[lost]
    return result


def _coverage_simplify(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """coverage_simplify, leaving out the regions that cleaning emptied (it accepts polygons only)."""
    out = geoms.copy()
    ok = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    if ok.any():
        out[ok] = shapely.coverage_simplify(geoms[ok], tolerance)
    return out


def _simplify_level(codes: pd.Series, geoms: np.ndarray, tolerance: dict[str, float]) -> np.ndarray:
    """_simplify per provinsi (codes' first two digits): each group is cleaned and simplified as one coverage."""
    out = np.full(len(geoms), None, dtype=object)
    codes = codes.astype(str)
    provinsi = codes.str[:2] if (codes.str.len() > 2).any() else pd.Series("", index=codes.index)
    groups = pd.Series(np.arange(len(geoms))).groupby(provinsi.to_numpy())
    for _, rows in groups:
        at = rows.to_numpy()
        out[at] = _simplify(geoms[at], **tolerance)
    return out


def _build_level(
    level: str, sources: list[tuple[str, gpd.GeoDataFrame]], progress: Callable[[str], None]
) -> gpd.GeoDataFrame:
    table = pd.concat([frame for _, frame in sources], ignore_index=True)
    # The same region may come from several files (kecamatan.parquet and kecamatan/*.geojson): first one wins.
    duplicated = table["kode"].duplicated(keep="first")
    table = table[~duplicated].sort_values("kode", ignore_index=True)
    labels = [label for label, _ in sources]
    shown = ", ".join(labels[:2]) + (", ..." if len(labels) > 2 else "")
    origin = labels[0] if len(labels) == 1 else f"{len(labels)} files ({shown})"
    note = f"; skipped {int(duplicated.sum())} duplicate codes" if duplicated.any() else ""
    progress(f"{level}: {len(table)} regions from {origin}{note}")

    tolerance = TOLERANCES[level]
    before = int(shapely.get_num_coordinates(table.geometry.values).sum())
    geoms = _simplify_level(table["kode"], np.asarray(table.geometry.values, dtype=object), tolerance)
    after = int(shapely.get_num_coordinates(geoms).sum())
    islands = (
        f"islands < {tolerance['min_island_km2']:g} km2 dropped"
        if tolerance["min_island_km2"] > 0
        else "all islands kept"
    )
    progress(f"{level}: {before} -> {after} vertices (tolerance {tolerance['simplify_deg']:g} degrees, {islands})")
    return gpd.GeoDataFrame(
        {
            "kode": table["kode"].astype(str),
            "nama": table["nama"].astype(str),
            "kode_induk": table["kode"].str[: CODE_LENGTHS[parent_of(level)]].astype(str),
        },
        geometry=gpd.GeoSeries(geoms, crs="EPSG:4326").values,
        crs="EPSG:4326",
    )


# ---------------------------------------------------------------------------------------------------------------
# Writing


def _write_outputs(dest_dir: Path, tables: dict[str, gpd.GeoDataFrame]) -> None:
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GeoImportError(f"Cannot create boundary directory {dest_dir}: {exc}") from exc
    # Without a manifest, an import interrupted from here on is redone by ensure_boundaries.
    (dest_dir / MANIFEST).unlink(missing_ok=True)
    for level, table in tables.items():
        _write_atomic(
            dest_dir / f"{level}.parquet",
            lambda tmp, table=table: table.to_parquet(tmp, index=False, compression="zstd"),
        )
    for level in AREA_LEVELS:
        # A level missing from this source must not survive from an earlier import.
        if level not in tables:
            (dest_dir / f"{level}.parquet").unlink(missing_ok=True)


def _write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file in the same directory, so readers see the old file or the new one."""
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
