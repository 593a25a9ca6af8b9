"""Beranda: national headline figures for a chosen period, from the rollups."""

import pandas as pd
import streamlit as st

from portal import charts, data, indicators, ui
from portal.fmt import angka, nama_periode, persen

periode = ui.register_period()

st.title("Portal DTKS")
st.caption(f"Ringkasan nasional register kesejahteraan sosial · periode {nama_periode(periode)}")

nasional = data.query("national_headline", periode=periode)
if nasional.empty:
    st.warning("Belum ada angka untuk periode ini.")
    st.stop()
row = nasional.iloc[0]
desil_1_4 = indicators.desil_1_4(nasional).iloc[0]
musdes = indicators.indicator_values(nasional, "desa_musdes_3_bulan").iloc[0]

angka_utama = [
    ("Keluarga aktif", angka(row["keluarga_aktif"]), None),
    ("Individu aktif", angka(row["individu_aktif"]), None),
    ("Keluarga desil 1–4", angka(desil_1_4), "Desil 1 = 10% termiskin secara nasional."),
    ("Desa/kelurahan dengan data", angka(row["jumlah_desa"]), None),
    ("Keluarga penerima PKH", angka(row["pkh"]), None),
    ("Keluarga penerima BPNT/Sembako", angka(row["bpnt"]), None),
    ("Keluarga penerima PBI-JK", angka(row["pbi_jk"]), None),
    (
        "Desa dengan musdes 3 bulan terakhir",
        persen(musdes),
        "Kepmensos 73/HUK/2024: musyawarah desa/kelurahan paling sedikit setiap 3 bulan.",
    ),
]
# One row of two per pair, so that a phone stacks them in reading order.
for pasangan in range(0, len(angka_utama), 2):
    for kolom_metrik, (label, nilai, bantuan) in zip(st.columns(2), angka_utama[pasangan : pasangan + 2], strict=True):
        kolom_metrik.metric(label, nilai, help=bantuan)

st.subheader("Per provinsi")
provinsi = data.query("rollup_children", periode=periode, tingkat="provinsi", induk="")
provinsi = provinsi.assign(desil_1_4=indicators.desil_1_4(provinsi).astype("int64"))
INDIKATOR = {
    "desil_1_4": ("Pangsa keluarga desil 1–4", "pangsa_desil_1_4", True),
    "cakupan_pkh": ("Cakupan PKH (keluarga)", "cakupan_pkh", True),
    "keluarga_aktif": ("Keluarga aktif", "keluarga_aktif", False),
}


@st.fragment
def peta(periode: str, provinsi: pd.DataFrame) -> None:
    """The map and its indicator: a fragment, so that switching the indicator redraws the map only. The indicator
    is in the URL (?indikator=…), so a shared link opens the same map."""
    kunci = list(INDIKATOR)
    diminta = st.query_params.get("indikator")
    pilihan = st.selectbox(
        "Indikator peta",
        kunci,
        index=kunci.index(diminta) if diminta in kunci else 0,
        format_func=lambda k: INDIKATOR[k][0],
        key="beranda_indikator",
    )
    st.query_params["indikator"] = pilihan
    judul, kolom, persen_ = INDIKATOR[pilihan]
    if not data.boundaries_imported("provinsi"):
        ui.boundaries_missing_note()
        return
    gambar = data.shared_figure(  # the same for every visitor: built once per period and indicator
        ("beranda", periode, kolom),
        lambda: charts.choropleth_figure(data.boundaries("provinsi"), provinsi, kolom, judul, persen_),
    )
    st.plotly_chart(gambar, width="stretch", config={"scrollZoom": False})
    legenda = charts.choropleth_legend(data.boundaries("provinsi"), provinsi, kolom, judul, persen_)
    st.html(f'<div class="peta-legenda-bawah">{legenda}</div>')


provinsi = provinsi.assign(
    pangsa_desil_1_4=indicators.indicator_values(provinsi, "desil_1_4").to_numpy(),
    cakupan_pkh=indicators.indicator_values(provinsi, "cakupan_pkh").to_numpy(),
)
peta(periode, provinsi)
ui.table(
    provinsi[["kode", "nama", "keluarga_aktif", "individu_aktif", "desil_1_4", "pkh", "bpnt", "pbi_jk"]],
    labels={"nama": "Provinsi"},
)
st.plotly_chart(charts.ranking_figure(provinsi, "keluarga_aktif", "Keluarga aktif"), width="stretch")

st.subheader("Perkembangan antar periode")
st.plotly_chart(charts.trend_figure(data.query("national_trend")), width="stretch")
