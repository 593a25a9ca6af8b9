"""Statistik Publik: families receiving each programme by region, with small cells suppressed together
with enough others that none can be recovered from the totals, consistently down the drill-down."""

import streamlit as st

from portal import charts, data, public, ui
from portal.fmt import nama_periode
from portal.suppression import TOTAL, note, to_display

periode = ui.register_period()
st.title("Statistik Publik")
st.caption(f"Keluarga penerima program per wilayah, periode {nama_periode(periode)}.")


def rollup(tingkat: str, induk: str):
    return data.query("recipients_by_region", periode=periode, tingkat=tingkat, induk=induk)


codes, judul, pilihan_ini = [], "Indonesia", public.statistics_table(rollup("provinsi", ""))
for tingkat, label in (("provinsi", "Provinsi"), ("kabupaten", "Kabupaten/kota")):
    pilihan = st.selectbox(
        label, [None, *pilihan_ini.index], format_func=lambda x: "Semua" if x is None else x, key=f"stat_{tingkat}"
    )
    if pilihan is None:
        break
    kode, judul = pilihan.split(" · ", 1)
    codes.append(kode)
    pilihan_ini = public.statistics_table(rollup(public.STAT_LEVELS[len(codes)], kode))

if pilihan_ini.empty:
    st.info("Belum ada data untuk wilayah ini.")
    st.stop()
tabel, _ = public.statistics_path(rollup, codes)
tampil = to_display(tabel)
st.subheader(judul)
st.dataframe(tampil, width="stretch")
st.caption(note(tabel.threshold))
st.plotly_chart(charts.published_bars(tabel.values, TOTAL), width="stretch")
csv = tabel.values.to_csv(index_label="wilayah").encode("utf-8")
st.download_button(
    "Unduh CSV", csv, file_name=f"statistik-{judul}-{periode}.csv", mime="text/csv", icon=":material/download:"
)
