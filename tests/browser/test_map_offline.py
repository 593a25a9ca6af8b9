"""A folium map shown through st_folium renders with no internet: Leaflet comes from the app's own static
folder, every request that would leave loopback is refused, and a click on a region returns its code."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from portal.geo import import_boundaries, load_boundaries
from portal.maps import assets
from tests.browser.conftest import ARTIFACTS, REPO, click_map, serve

pytestmark = pytest.mark.browser

REFERENCE_PROVINSI = REPO.parent / "shared" / "data" / "geo" / "provinsi.geojson"
TARGET = "32"  # the region the test clicks

APP = textwrap.dedent(
    """
    from pathlib import Path

    import geopandas as gpd
    import pandas as pd
    import streamlit as st
    from streamlit_folium import st_folium

    from portal import indicators
    from portal.maps import choropleth

    here = Path(__file__).parent
    boundaries = gpd.read_parquet(here / "boundaries.parquet")
    rows = pd.read_parquet(here / "rows.parquet")
    key = "padan_dukcapil"
    values = indicators.indicator_values(rows, key)
    indicator = indicators.INDICATORS[key]
    fmap = choropleth.build_choropleth(
        boundaries, rows, values, indicator.label, unit=indicator.unit, hint="Klik untuk melihat kabupaten/kota"
    )
    result = st_folium(fmap, key="peta", height=460, use_container_width=True, returned_objects=["last_active_drawing"])
    st.write(f"kode terpilih: {choropleth.clicked_code(result)}")
    """
)


def _boundaries(dest: Path) -> gpd.GeoDataFrame:
    """The real provinsi boundaries when the reference set is there, else four squares (one of them TARGET)."""
    if REFERENCE_PROVINSI.is_file():
        source = dest / "src"
        source.mkdir()
        (source / REFERENCE_PROVINSI.name).symlink_to(REFERENCE_PROVINSI)
        import_boundaries(source, dest / "geo", progress=lambda _: None)
        return load_boundaries(dest / "geo", "provinsi")
    return gpd.GeoDataFrame(
        {"kode": ["31", TARGET, "33", "34"], "nama": ["A", "Jawa Barat", "C", "D"], "kode_induk": ""},
        geometry=[box(106 + i, -8, 106.9 + i, -6) for i in range(4)],
        crs="EPSG:4326",
    )


@pytest.fixture(scope="module")
def map_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, gpd.GeoDataFrame]]:
    """A one-map Streamlit app under tmp, served with static serving on a free loopback port."""
    app_dir = tmp_path_factory.mktemp("map-app")
    boundaries = _boundaries(app_dir)
    n = len(boundaries)
    rows = pd.DataFrame(
        {
            "tingkat": "provinsi",
            "kode": boundaries["kode"].to_numpy(),
            "nama": boundaries["nama"].to_numpy(),
            "keluarga_aktif": [1_000 + 10 * i for i in range(n)],
            "individu_aktif": [4_000] * n,
            "individu_padan": [3_000 + 20 * i for i in range(n)],
        }
    )
    boundaries.to_parquet(app_dir / "boundaries.parquet")
    rows.to_parquet(app_dir / "rows.parquet")
    (app_dir / "app.py").write_text(APP)
    assets.ensure_map_assets(app_dir)

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    with serve(app_dir / "app.py", env, app_dir / "streamlit.log", "--server.enableStaticServing", "true") as url:
        yield url, boundaries


def test_map_renders_offline_and_returns_the_clicked_code(
    browser: object, map_app: tuple[str, gpd.GeoDataFrame]
) -> None:
    url, boundaries = map_app
    context = browser.new_context(viewport={"width": 1000, "height": 760})
    leaving: list[str] = []

    def only_loopback(route: object) -> None:
        target = route.request.url
        if target.startswith((url + "/", "data:", "blob:", "about:")):
            route.continue_()
        else:  # no internet: anything else is refused, and remembered
            leaving.append(target)
            route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(url)
        frame_element = page.locator('iframe[title="streamlit_folium.st_folium"]')
        frame_element.wait_for()
        frame = frame_element.content_frame
        frame.locator(".leaflet-container").wait_for()
        regions = frame.locator("path.leaflet-interactive")
        regions.nth(len(boundaries) - 1).wait_for()
        assert regions.count() == len(boundaries)
        assert frame.locator(".peta-legenda").inner_text().startswith("Individu padan Dukcapil (%)")
        handle = frame_element.element_handle().content_frame()
        assert handle.evaluate("() => window.L && window.L.version") == "1.9.4"
        loaded = handle.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
        assert any(name.endswith("/app/static/leaflet/leaflet.js") for name in loaded)
        assert any(name.endswith("/app/static/leaflet/leaflet.css") for name in loaded)
        # Leaflet's CSS really applied (its rules position the panes absolutely).
        assert frame.locator(".leaflet-map-pane").evaluate("e => getComputedStyle(e).position") == "absolute"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "map_offline.png"))

        # Click inside the target region (a point guaranteed to be inside its polygon).
        point = boundaries.set_index("kode").geometry[TARGET].representative_point()
        click_map(page, frame_element, point.y, point.x)
        page.get_by_text(f"kode terpilih: {TARGET}").wait_for()
        assert "Traceback" not in page.locator("body").inner_text()
        assert leaving == [], f"requests that would need the internet: {leaving}"
    finally:
        context.close()
