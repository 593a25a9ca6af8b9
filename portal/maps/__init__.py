"""Peta Cakupan's maps: folium choropleths of rollup indicators, one level at a time, that render with no internet.

Pure functions (no Streamlit here), in three modules: `assets` (Leaflet's files), `classes` (quantile classes for
counts, round equal-width classes for rates — fewer and in neighbouring colours when the values are close together —
colours and legend entries) and `choropleth` (the map, and the code of the region clicked on it). The indicators
themselves are in portal.indicators, the region hierarchy in portal.regions. Leaflet's own files are served by the
portal itself, never from a CDN:

- `ensure_map_assets(app_dir)` copies leaflet.js, leaflet.css and Leaflet's images from the pinned PyPI
  package `django-js-lib-leaflet` (plain files, no dependencies; the Django app wrapper is never imported) into
  `<app_dir>/static/leaflet/`, which Streamlit serves at `/app/static/leaflet/` when `.streamlit/config.toml`
  has `[server] enableStaticServing = true`. `python -m portal setup` calls it; the folder is gitignored.
- `build_choropleth` points the map at those files only (`assets_url`) and drops what folium adds by default
  (jQuery, Bootstrap, Font Awesome, awesome-markers, glyphicons): a choropleth needs none of them. The legend is
  plain HTML (no branca colormap, which would pull d3 from a CDN): pages show it below the map (`legend_html` of
  `fmap.legend`, via `ui.region_map`), since in a Leaflet control it covered Banten and Jakarta at the
  national view. Base tiles are off unless `tiles` is given; the mouse wheel never zooms the map, and on a touch
  screen one finger scrolls the page (two fingers zoom).

How a page drills down (streamlit-folium 0.27.4): when a region is clicked, the component sets
`last_active_drawing` to that feature as GeoJSON (`layer.toGeoJSON()`, so its `properties` include `kode`);
`last_object_clicked` only holds the clicked lat/lng and `last_object_clicked_tooltip` the tooltip's text.
So a page asks for that one object, which also keeps panning and zooming from rerunning the script::

    result = st_folium(m, key="peta", height=520, use_container_width=True,
                       returned_objects=["last_active_drawing"])
    code = choropleth.clicked_code(result)
    if code and code != current and code.startswith(current):
        st.session_state["peta_kode"] = code   # then st.rerun(); the next run draws the level below
    for code, name in regions.breadcrumb(regions.drill_path(current), names): ...   # buttons back up

st_folium keys the component on the map's script, so every level is a fresh component and a click on one
map never leaks into the next.
"""
