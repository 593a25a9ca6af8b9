"""Peta Cakupan: coverage indicators on a map, from provinsi down to desa, opened at the official's own region;
click a region to drill down, use the breadcrumb to go back up. The chosen indicator stays chosen while drilling,
and the URL (?wilayah=…&indikator=…) opens the same region and indicator for whoever the link is shared with (as
far as their scope allows). Reads rollups only."""

import pandas as pd
import streamlit as st

from portal import access, charts, data, indicators, regions, staff, ui
from portal.maps import choropleth

scope = staff.require_scope()
periode = ui.register_period(note=False)
st.title("Peta Cakupan")

_, rumah = access.home(scope)
dibagikan = st.query_params.get("wilayah")
if "peta_kode" not in st.session_state and dibagikan is not None and regions.code_level(dibagikan) is not None:
    st.session_state["peta_kode"] = dibagikan  # a shared link: its region, if the scope allows
kini = st.session_state.get("peta_kode", rumah)
if not access.allows(scope, kini):
    kini = rumah
anak = regions.child_level(kini)
hanya = None
if anak is None:  # a desa has no level below: draw it among its kecamatan's desa, but only its own figures
    hanya, kini, anak = kini, regions.parent_code(kini), "desa"

nama = {}
for kode in regions.drill_path(kini)[1:]:
    induk = regions.parent_code(kode)
    nama.update(dict(data.query("wilayah_children", tingkat=regions.level_of(kode), induk=induk).values))
jejak = regions.breadcrumb(regions.drill_path(kini), nama)
kolom = st.columns(len(jejak))
for (kode, label), tempat in zip(jejak, kolom, strict=True):
    if tempat.button(
        label, key=f"jejak_{kode or 'id'}", disabled=kode in (kini, hanya) or not access.allows(scope, kode)
    ):
        st.session_state["peta_kode"] = kode
        st.rerun()

with staff.guard(scope, "peta_cakupan", kini):
    baris = data.scoped_query(scope, hanya or kini, "rollup_children", periode=periode, tingkat=anak, induk=kini)
if hanya:
    baris = baris[baris["kode"] == hanya]
if baris.empty:
    st.info("Belum ada data register untuk wilayah ini pada periode tersebut.")
    st.stop()
if anak in ("provinsi", "kabupaten"):
    penduduk = data.scoped_query(scope, kini, "region_population", tingkat=anak, induk=kini)
    baris = baris.merge(penduduk, on="kode", how="left")
pilihan = indicators.available_indicators(anak)
# The reader's indicator, kept across levels (a level without it shows the first one, and the choice returns a
# level up), from the URL when the page is opened from a shared link.
disukai = st.session_state.get("peta_indikator", st.query_params.get("indikator"))
indikator = st.selectbox(
    "Indikator",
    pilihan,
    index=pilihan.index(disukai) if disukai in pilihan else 0,
    format_func=lambda k: indicators.INDICATORS[k].label,
    key=f"peta_indikator_{anak}",
)
if disukai is None or indikator != (disukai if disukai in pilihan else pilihan[0]):
    st.session_state["peta_indikator"] = indikator  # the reader chose it (not a fallback for this level)
st.query_params.update({"wilayah": hanya or kini, "indikator": indikator})
meta = indicators.INDICATORS[indikator]
sanggahan = None
if indikator == "sanggahan_per_1000":
    panjang = len(str(baris["kode"].iloc[0]))
    sanggahan = pd.Series(data.store().count_by_region(kini, panjang), dtype="float64")
bagian = indicators.indicator_parts(baris, indikator, sanggahan)
nilai = bagian["nilai"]

bawah = regions.child_level(baris["kode"].iloc[0])
petunjuk = f"Klik untuk melihat {regions.LEVEL_NAMES[bawah].lower()}" if bawah else None
hasil = ui.region_map(anak, kini, baris, nilai, meta, f"peta_{kini or 'id'}_{indikator}", hint=petunjuk, clickable=True)
if hasil is not None:
    klik = choropleth.clicked_code(hasil)
    if klik and klik != kini and klik.startswith(kini) and regions.child_level(klik) and access.allows(scope, klik):
        st.session_state["peta_kode"] = klik
        st.rerun()

urut = baris[["kode", "nama"]].assign(nilai=baris["kode"].map(nilai)).sort_values("nilai", ascending=False)
st.subheader(f"Peringkat: {meta.label}")
st.plotly_chart(
    charts.ranking_figure(urut.dropna(subset=["nilai"]), "nilai", f"{meta.label} ({meta.unit})"), width="stretch"
)
ui.table(
    urut,
    labels={"nama": regions.LEVEL_NAMES[anak], "nilai": meta.label + ("" if meta.unit == "%" else f" ({meta.unit})")},
    percent=("nilai",) if meta.unit == "%" else (),
    decimals={"nilai": meta.decimals},
)
