"""A page of the portal's own pieces for tests/browser/test_a11y.py: a table through `portal.ui.table`, the
uploader and a select box, served by asgi.py here behind the portal's middleware (so its page shell and script)."""

import pandas as pd
import streamlit as st

from portal import ui

st.set_page_config(page_title="Uji bahasa")
st.title("Uji bahasa")
ui.table(
    pd.DataFrame({"wilayah": ["Kota Yogyakarta"], "jumlah_keluarga": [6510], "persen_desil": [10.69]}),
    labels={"persen_desil": "Desil 1–4 (%)"},
    percent=("persen_desil",),
    decimals={"persen_desil": 2},
)
st.file_uploader("Foto pendukung", type=["jpg", "png", "webp"], max_upload_size=5)
st.selectbox("Kecamatan", ["Tegalrejo", "Jetis"], index=None)
st.markdown("Search")  # a page's own words (say, a quoted objection) that happen to equal a Streamlit string
