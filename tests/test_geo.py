"""Boundary import (portal.geo): synthetic files in every supported format, bad input, and the reference set."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import MultiPolygon, box

from portal.geo import (
    GeoImportError,
    available_levels,
    ensure_boundaries,
    import_boundaries,
    join_coverage,
    load_boundaries,
)

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"


def _quiet(_: str) -> None:
    pass


def _square(x: float, y: float, size: float = 0.5) -> shapely.Polygon:
    return box(x, y, x + size, y + size)


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture()
def synthetic_source(tmp_path: Path) -> Path:
    """One level per format, each with a different code column, plus a duplicate and a projected file."""
    src = tmp_path / "src"
    (src / "kab").mkdir(parents=True)

    # GeoJSON, kode_prov; 11 has a speck of an island (~0.3 km2), 35 is nothing but a speck.
    gpd.GeoDataFrame(
        {"kode_prov": ["11", "32", "35"], "nama_prov": ["Aceh", "Jawa Barat", "Jawa Timur"]},
        geometry=[
            MultiPolygon([box(95, 2, 97, 4), box(98, 2, 98.005, 2.005)]),
            box(106, -7.5, 108.5, -6),
            box(112, -8, 112.005, -7.995),
        ],
        crs="EPSG:4326",
    ).to_file(src / "provinsi.geojson", driver="GeoJSON")

    # Shapefile, upper-case KODE_KAB beside an integer KODE_PROV: the kab column is the more specific one.
    gpd.GeoDataFrame(
        {
            "KODE_PROV": [32, 32, 11],
            "KODE_KAB": ["3201", "3202", "1101"],
            "NAMA_KAB": ["Bogor", "Sukabumi", "X"],
        },
        geometry=[_square(106, -7), _square(106.5, -7), _square(95, 2)],
        crs="EPSG:4326",
    ).to_file(src / "kab" / "kabupaten.shp", driver="ESRI Shapefile")
    # The same kab again in a second file (dotted), plus one new: 3201 must not be doubled.
    gpd.GeoDataFrame(
        {"kode_kab": ["32.01", "32.03"], "nama_kab": ["Bogor", "Cianjur"]},
        geometry=[_square(106, -7), _square(107, -7)],
        crs="EPSG:4326",
    ).to_file(src / "kab" / "tambahan.geojson", driver="GeoJSON")

    # GeoPackage, dotted kode_dot only.
    gpd.GeoDataFrame(
        {"kode_dot": ["32.01.01", "32.01.02", "11.01.01"], "nama": ["Nanggung", "Leuwiliang", "Bakongan"]},
        geometry=[_square(106, -7, 0.2), _square(106.2, -7, 0.2), _square(95, 2, 0.2)],
        crs="EPSG:4326",
    ).to_file(src / "kecamatan.gpkg", driver="GPKG")

    # GeoParquet in EPSG:3857 with a generic `code` column (the second desa is stored as two rows).
    desa = gpd.GeoDataFrame(
        {
            "code": ["3201012001", "3201012002", "3201012002"],
            "name": ["Curug", "Bantar Karet", "Bantar Karet"],
        },
        geometry=[_square(106, -7, 0.05), _square(106.05, -7, 0.05), _square(106.05, -6.95, 0.05)],
        crs="EPSG:4326",
    )
    desa.to_crs("EPSG:3857").to_parquet(src / "desa.parquet")
    return src


def test_import_synthetic_formats(synthetic_source: Path, tmp_path: Path) -> None:
    dest = tmp_path / "geo"
    lines: list[str] = []
    counts = import_boundaries(synthetic_source, dest, progress=lines.append)

    assert counts == {"provinsi": 3, "kabupaten": 4, "kecamatan": 3, "desa": 2}
    assert available_levels(dest) == ["provinsi", "kabupaten", "kecamatan", "desa"]
    assert "provinsi: 3 regions from provinsi.geojson" in lines

    expected = {
        "provinsi": (["11", "32", "35"], ["", "", ""]),
        "kabupaten": (["1101", "3201", "3202", "3203"], ["11", "32", "32", "32"]),
        "kecamatan": (["110101", "320101", "320102"], ["1101", "3201", "3201"]),
        "desa": (["3201012001", "3201012002"], ["320101", "320101"]),
    }
    for level, (codes, parents) in expected.items():
        frame = load_boundaries(dest, level)
        assert list(frame.columns) == ["kode", "nama", "kode_induk", "geometry"]
        assert frame["kode"].tolist() == codes
        assert frame["kode_induk"].tolist() == parents
        assert frame.crs.to_epsg() == 4326
        assert frame.is_valid.all() and not frame.is_empty.any()

    kab = load_boundaries(dest, "kabupaten").set_index("kode")
    assert kab.loc["3201", "nama"] == "Bogor" and kab.loc["3203", "nama"] == "Cianjur"
    assert load_boundaries(dest, "kecamatan").set_index("kode").loc["320102", "nama"] == "Leuwiliang"


def test_import_reprojects_and_merges_parts(synthetic_source: Path, tmp_path: Path) -> None:
    dest = tmp_path / "geo"
    import_boundaries(synthetic_source, dest, progress=_quiet)
    desa = load_boundaries(dest, "desa").set_index("kode")
    assert desa.loc["3201012001", "nama"] == "Curug"
    # Back in degrees from EPSG:3857, to the stored precision.
    assert desa.loc["3201012001"].geometry.bounds == pytest.approx((106, -7, 106.05, -6.95), abs=1e-5)
    # Two source rows of one desa became one (unioned) region.
    assert desa.loc["3201012002"].geometry.area == pytest.approx(0.005, rel=1e-3)


def test_import_drops_specks_but_never_a_region(synthetic_source: Path, tmp_path: Path) -> None:
    dest = tmp_path / "geo"
    import_boundaries(synthetic_source, dest, progress=_quiet)
    prov = load_boundaries(dest, "provinsi").set_index("kode")
    assert prov.loc["11"].geometry.geom_type == "Polygon"  # the 0.3 km2 island went
    assert prov.loc["11"].geometry.area == pytest.approx(4.0)
    assert not prov.loc["35"].geometry.is_empty  # a region made only of a speck stays


def test_import_is_idempotent(synthetic_source: Path, tmp_path: Path) -> None:
    dest = tmp_path / "geo"
    first = import_boundaries(synthetic_source, dest, progress=_quiet)
    before = _digests(dest)
    second = import_boundaries(synthetic_source, dest, progress=_quiet)
    assert first == second
    assert _digests(dest) == before
    assert sorted(before) == sorted(
        ["desa.parquet", "kabupaten.parquet", "kecamatan.parquet", "manifest.json", "provinsi.parquet"]
    )  # no temporary files left behind
    manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"] == first
    assert manifest["files"]["kabupaten"] == ["kab/kabupaten.shp", "kab/tambahan.geojson"]
    assert set(manifest["tolerances"]) == set(first)


def test_reimport_removes_levels_no_longer_in_source(synthetic_source: Path, tmp_path: Path) -> None:
    dest = tmp_path / "geo"
    import_boundaries(synthetic_source, dest, progress=_quiet)
    only_prov = tmp_path / "only_prov"
    only_prov.mkdir()
    (only_prov / "p.geojson").write_bytes((synthetic_source / "provinsi.geojson").read_bytes())
    assert import_boundaries(only_prov, dest, progress=_quiet) == {"provinsi": 3}
    assert available_levels(dest) == ["provinsi"]


def test_import_big_style_columns(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    gpd.GeoDataFrame(
        {
            "KDPPUM": ["32"],
            "KDPKAB": ["32.01"],
            "KDCPUM": ["32.01.01"],
            "KDCBPS": ["010"],
            "WADMKC": ["Nanggung"],
            "WADMKK": ["Bogor"],
        },
        geometry=[_square(106, -7)],
        crs="EPSG:4326",
    ).to_file(src / "ADMINISTRASIKECAMATAN_AR.shp")
    assert import_boundaries(src, tmp_path / "geo", progress=_quiet) == {"kecamatan": 1}
    kec = load_boundaries(tmp_path / "geo", "kecamatan")
    assert kec.iloc[0][["kode", "nama", "kode_induk"]].tolist() == ["320101", "Nanggung", "3201"]


def test_load_boundaries_filters_by_parent(synthetic_source: Path, tmp_path: Path) -> None:
    dest = tmp_path / "geo"
    import_boundaries(synthetic_source, dest, progress=_quiet)
    assert load_boundaries(dest, "kabupaten", "32")["kode"].tolist() == ["3201", "3202", "3203"]
    assert load_boundaries(dest, "kecamatan", "32.01")["kode"].tolist() == ["320101", "320102"]
    assert load_boundaries(dest, "kecamatan", "99").empty
    with pytest.raises(ValueError, match="Unknown level"):
        load_boundaries(dest, "negara")
    with pytest.raises(ValueError, match="not a Kemendagri code"):
        load_boundaries(dest, "desa", "32' or 1=1")


def test_load_boundaries_missing_names_import_command(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="python -m portal geo import"):
        load_boundaries(tmp_path, "kecamatan")
    assert available_levels(tmp_path / "nowhere") == []


# ---------------------------------------------------------------------------------------------------------------
# Bad input


def test_missing_source_dir(tmp_path: Path) -> None:
    with pytest.raises(GeoImportError, match="does not exist"):
        import_boundaries(tmp_path / "nope", tmp_path / "geo", progress=_quiet)
    assert not (tmp_path / "geo").exists()


def test_empty_source_dir(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "notes.txt").write_text("not a boundary file")
    with pytest.raises(GeoImportError, match="No boundary files"):
        import_boundaries(tmp_path / "src", tmp_path / "geo", progress=_quiet)


def test_file_without_code_column(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    gpd.GeoDataFrame({"nama": ["Aceh"], "luas": [1.5]}, geometry=[_square(95, 2)], crs="EPSG:4326").to_file(
        src / "tanpa_kode.geojson"
    )
    with pytest.raises(GeoImportError, match=r"tanpa_kode\.geojson has no recognisable code column"):
        import_boundaries(src, tmp_path / "geo", progress=_quiet)
    assert not (tmp_path / "geo").exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rusak.geojson", b'{"type": "FeatureCollection", "features": [{"type": '),
        ("kosong.geojson", b""),
        ("bukan_geo.parquet", b"PAR1 not really parquet"),
        ("acak.gpkg", b"\x00\x01 random bytes"),
        (
            "tanpa_geometri.geojson",
            (
                b'{"type": "FeatureCollection", "features": [{"type": "Feature", '
                b'"properties": {"kode_prov": "32"}, "geometry": null}]}'
            ),
        ),
    ],
)
def test_unreadable_file_is_named(tmp_path: Path, name: str, content: bytes) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / name).write_bytes(content)
    with pytest.raises(GeoImportError, match=name.replace(".", r"\.")):
        import_boundaries(src, tmp_path / "geo", progress=_quiet)


def test_parquet_without_geometry_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    pd.DataFrame({"kode_prov": ["32"]}).to_parquet(src / "tabel.parquet")
    with pytest.raises(GeoImportError, match=r"tabel\.parquet is a Parquet file without GeoParquet metadata"):
        import_boundaries(src, tmp_path / "geo", progress=_quiet)


def test_partial_code_column_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    gpd.GeoDataFrame(
        {"kode_kab": ["3201", "3201"], "kode_kec": ["01", "02"]},
        geometry=[_square(106, -7), _square(106.5, -7)],
        crs="EPSG:4326",
    ).to_file(src / "kec.geojson")
    with pytest.raises(GeoImportError, match="kode_kec should hold full kecamatan codes"):
        import_boundaries(src, tmp_path / "geo", progress=_quiet)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_points_and_projected_without_crs_are_refused(tmp_path: Path) -> None:
    points = tmp_path / "points"
    points.mkdir()
    gpd.GeoDataFrame({"kode_prov": ["32"]}, geometry=[shapely.Point(107, -7)], crs="EPSG:4326").to_file(
        points / "titik.geojson"
    )
    with pytest.raises(GeoImportError, match=r"titik\.geojson has no polygon geometry"):
        import_boundaries(points, tmp_path / "geo", progress=_quiet)

    metres = tmp_path / "metres"
    metres.mkdir()
    frame = gpd.GeoDataFrame({"kode_prov": ["32"]}, geometry=[_square(107, -7)], crs="EPSG:4326")
    frame.to_crs("EPSG:3857").set_crs(None, allow_override=True).to_file(metres / "tanpa_prj.shp")
    with pytest.raises(GeoImportError, match=r"tanpa_prj\.shp: coordinates are not longitude/latitude"):
        import_boundaries(metres, tmp_path / "geo", progress=_quiet)


# ---------------------------------------------------------------------------------------------------------------
# Pure helpers


def test_join_coverage() -> None:
    result = join_coverage(["32", "33", "34"], ["32.", "33", "35", "36", None])
    assert result == {
        "matched": 2,
        "only_in_geo": 1,
        "only_in_table": 2,
        "share_geo_matched": pytest.approx(2 / 3),
        "share_table_matched": pytest.approx(2 / 4),
    }
    assert join_coverage([], [])["share_geo_matched"] == 0.0
    assert join_coverage([3201, "32.01"], pd.Series(["3201", None], dtype="string"))["only_in_table"] == 0


def test_ensure_boundaries(synthetic_source: Path, tmp_path: Path) -> None:
    settings = SimpleNamespace(geo_source_dir=synthetic_source, geo_dir=tmp_path / "data" / "geo")
    assert ensure_boundaries(settings, progress=_quiet) == {
        "provinsi": 3,
        "kabupaten": 4,
        "kecamatan": 3,
        "desa": 2,
    }
    assert ensure_boundaries(settings, progress=_quiet) is None  # already imported
    assert ensure_boundaries(SimpleNamespace(geo_source_dir=None, geo_dir=tmp_path / "a")) is None
    assert ensure_boundaries(SimpleNamespace(geo_source_dir=tmp_path / "none", geo_dir=tmp_path / "b")) is None


# ---------------------------------------------------------------------------------------------------------------
# The reference set in ../shared/data/geo


@pytest.fixture(scope="module")
def reference_import(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    source = REFERENCE_DIR / "geo"
    if not source.is_dir():
        pytest.skip(f"reference boundaries not found at {source}")
    dest = tmp_path_factory.mktemp("geo")
    started = time.perf_counter()
    import_boundaries(source, dest, progress=_quiet)
    return dest, time.perf_counter() - started


def test_reference_counts_and_validity(reference_import: tuple[Path, float]) -> None:
    dest, _ = reference_import
    expected = {"provinsi": 38, "kabupaten": 514, "kecamatan": 7285, "desa": 267 + 438}
    assert {level: len(load_boundaries(dest, level)) for level in available_levels(dest)} == expected
    for level in expected:
        frame = load_boundaries(dest, level)
        assert frame["kode"].is_unique
        assert frame.is_valid.all(), level
        assert not frame.is_empty.any(), level
        assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
        assert (frame["kode"].str.len() == {"provinsi": 2, "kabupaten": 4, "kecamatan": 6, "desa": 10}[level]).all()
    assert len(load_boundaries(dest, "desa", "31")) == 267
    assert len(load_boundaries(dest, "desa", "34")) == 438


def test_reference_area_is_kept(reference_import: tuple[Path, float]) -> None:
    dest, _ = reference_import
    source = gpd.read_file(REFERENCE_DIR / "geo" / "provinsi.geojson").set_index("kode_prov")
    imported = load_boundaries(dest, "provinsi").set_index("kode")
    ratio = shapely.area(imported.geometry.values) / shapely.area(source.geometry.reindex(imported.index).values)
    # Dropping sub-km2 islands and simplifying at 0.01 degree moves no province by more than a few percent.
    assert ((ratio > 0.95) & (ratio < 1.05)).all()


def test_reference_join_coverage(reference_import: tuple[Path, float]) -> None:
    dest, _ = reference_import
    ref = REFERENCE_DIR / "ref"
    desa = pd.read_csv(ref / "wilayah_desa_kelurahan.csv", dtype=str, usecols=["kode_desa", "kode_prov"])
    tables = {
        "provinsi": pd.read_csv(ref / "wilayah_provinsi.csv", dtype=str)["kode_prov"],
        "kabupaten": pd.read_csv(ref / "wilayah_kabupaten_kota.csv", dtype=str)["kode_kab"],
        "kecamatan": pd.read_csv(ref / "wilayah_kecamatan.csv", dtype=str)["kode_kec"],
        # Only DKI Jakarta and DIY have desa boundaries in the reference set.
        "desa": desa.loc[desa["kode_prov"].isin(["31", "34"]), "kode_desa"],
    }
    for level, codes in tables.items():
        coverage = join_coverage(load_boundaries(dest, level)["kode"], codes)
        assert coverage["only_in_geo"] == 0 and coverage["only_in_table"] == 0, (level, coverage)
        assert coverage["share_geo_matched"] == coverage["share_table_matched"] == 1.0


# ---------------------------------------------------------------------------------------------------------------
# Neighbours still meet after simplification (Kota Yogyakarta's kecamatan overlap and leave gaps in the source)


@pytest.fixture(scope="module")
def yogyakarta(tmp_path_factory: pytest.TempPathFactory) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """(source kecamatan of DI Yogyakarta, the same after import), from the reference set's DIY file only."""
    source_file = REFERENCE_DIR / "geo" / "kecamatan" / "kecamatan_34.geojson"
    if not source_file.is_file():
        pytest.skip(f"reference boundaries not found at {source_file}")
    work = tmp_path_factory.mktemp("diy")
    (work / "src").mkdir()
    (work / "src" / source_file.name).symlink_to(source_file)
    import_boundaries(work / "src", work / "geo", progress=_quiet)
    original = gpd.read_file(source_file).rename(columns={"kode_kec": "kode"}).sort_values("kode", ignore_index=True)
    return original, load_boundaries(work / "geo", "kecamatan", "34")


def _kota(frame: gpd.GeoDataFrame) -> np.ndarray:
    return frame.geometry.to_numpy()[frame["kode"].str.startswith("3471").to_numpy()]


def test_simplified_kecamatan_do_not_overlap(yogyakarta: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]) -> None:
    original, imported = yogyakarta
    assert list(imported["kode"]) == list(original["kode"])
    kota = _kota(imported)
    assert len(kota) == 14
    union_area = shapely.union_all(kota).area
    overlap = sum(shapely.intersection(a, b).area for i, a in enumerate(kota) for b in kota[i + 1 :])
    source = _kota(original)
    source_overlap = sum(shapely.intersection(a, b).area for i, a in enumerate(source) for b in source[i + 1 :])
    # The source overlaps by about 4% of its area; the imported coverage by nothing beyond rounding.
    assert source_overlap > 0.01 * union_area  # the defect the import must repair is really there
    assert overlap < 1e-4 * union_area
    # Nor across the kab/kota border: the whole province is one coverage.
    everything = imported.geometry.to_numpy()
    total = sum(g.area for g in everything)
    assert total - shapely.union_all(everything).area < 1e-4 * total


def test_simplified_kecamatan_leave_no_gaps(yogyakarta: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]) -> None:
    original, imported = yogyakarta
    before = shapely.union_all(_kota(original))
    after = shapely.union_all(_kota(imported))
    others = shapely.union_all(original.geometry.to_numpy()[~original["kode"].str.startswith("3471").to_numpy()])
    # What the source gave to Kota Yogyakarta alone is still covered by it (area it shared with a Sleman or
    # Bantul kecamatan may have gone to that neighbour), and the province as a whole lost nothing.
    assert before.difference(others).difference(after).area < 0.005 * before.area
    province_before = shapely.union_all(original.geometry.to_numpy())
    province_after = shapely.union_all(imported.geometry.to_numpy())
    assert province_before.difference(province_after).area < 0.005 * province_before.area
    assert after.area < 1.05 * before.area
    # The gaps between the city's kecamatan are filled.
    holes_before = sum(len(p.interiors) for p in shapely.get_parts(before))
    holes_after = sum(len(p.interiors) for p in shapely.get_parts(after))
    assert holes_before > 0 and holes_after == 0


def test_a_click_inside_a_kecamatan_opens_that_kecamatan(
    yogyakarta: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame],
) -> None:
    original, imported = yogyakarta
    geoms = original.geometry.to_numpy()
    shapes = imported.set_index("kode").geometry
    rng = np.random.default_rng(3471)
    for i, kode in enumerate(original["kode"]):
        if not kode.startswith("3471"):
            continue
        # Points only kecamatan i claims in the source (its overlaps with neighbours are ambiguous there).
        own = geoms[i].difference(shapely.union_all(np.delete(geoms, i)))
        own = own.buffer(-0.0005)  # clear of the border by about 50 m, more than the simplification moves it
        assert not own.is_empty, kode
        minx, miny, maxx, maxy = own.bounds
        points = shapely.points(rng.uniform(minx, maxx, 400), rng.uniform(miny, maxy, 400))
        points = points[shapely.contains(own, points)][:20]
        assert len(points) >= 5, kode
        for point in [own.representative_point(), *points]:
            hits = list(shapes.index[shapely.contains(shapes.to_numpy(), point)])
            assert hits == [kode], (kode, point.wkt, hits)
