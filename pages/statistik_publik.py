"""Statistik Publik: families receiving each programme by region, with small cells suppressed together
with enough others that none can be recovered from the totals, consistently down the drill-down; and how each
provinsi and kab/kota handles objections (portal.accountability), and active families per welfare desil, suppressed
the same way."""

import logging

import streamlit as st

from portal import accountability, charts, data, export, public, ui, words
from portal.fmt import nama_periode
from portal.suppression import TOTAL, note, to_display

periode = ui.register_period()
st.title("Statistik Publik")
st.caption(f"Keluarga penerima program per wilayah, periode {nama_periode(periode)}.")


def published(shown) -> None:
    """A published table: numbers already in Indonesian format with • where suppressed, regions as the index."""
    ui.table(shown.rename_axis(words.heading("wilayah")), hide_index=False)


def cells(tingkat: str, induk: str):
    return public.statistics_table(data.query("recipients_by_region", periode=periode, tingkat=tingkat, induk=induk))


def desil_cells(tingkat: str, induk: str):
    return public.desil_table(data.query("desil_by_region", periode=periode, tingkat=tingkat, induk=induk))


tables, labels, judul = [cells("provinsi", "")], [], "Indonesia"
levels = [("provinsi", "")]
for tingkat, anak, label in (("provinsi", "kabupaten", "Provinsi"), ("kabupaten", "kecamatan", "Kabupaten/kota")):
    pilihan = st.selectbox(
        label, [None, *tables[-1].index], format_func=lambda x: "Semua" if x is None else x, key=f"stat_{tingkat}"
    )
    if pilihan is None:
        break
    tables.append(cells(anak, pilihan.split(" · ")[0]))
    levels.append((anak, pilihan.split(" · ")[0]))
    labels.append(pilihan)
    judul = pilihan.split(" · ", 1)[1]

if tables[-1].empty:
    st.info("Belum ada data untuk wilayah ini.")
    st.stop()
tabel = public.suppress_path(tables, labels)
st.subheader(judul)
published(to_display(tabel))
st.caption(note(tabel.threshold))
st.plotly_chart(charts.published_bars(tabel.values, TOTAL), width="stretch")


def csv_with_provenance(title: str, table) -> bytes:
    """The published table (suppressed cells empty) under a header naming what it is and where it comes from,
    with the headings the page shows."""
    header = export.header_block(
        title, f"{nama_periode(periode)} ({periode})", ui.provenance_header(periode), "publik", export.now_wib()
    )
    shown = table.rename(columns=words.headings(table.columns)).reset_index(names=words.heading("wilayah"))
    return export.to_csv(shown, header)


st.download_button(
    "Unduh CSV",
    csv_with_provenance(f"Keluarga penerima program — {judul}", tabel.values),
    file_name=f"statistik-{judul}-{periode}.csv",
    mime="text/csv",
    icon=":material/download:",
)

st.subheader("Keluarga per desil kesejahteraan")
st.caption(
    f"Keluarga aktif per desil DTSEN (1 = paling miskin) di {judul}, periode {nama_periode(periode)}; "
    "disembunyikan dengan aturan yang sama."
)
desil = public.suppress_path([desil_cells(tingkat, induk) for tingkat, induk in levels], labels)
published(to_display(desil))
st.download_button(
    "Unduh CSV desil",
    csv_with_provenance(f"Keluarga per desil — {judul}", desil.values),
    file_name=f"desil-{judul}-{periode}.csv",
    mime="text/csv",
    icon=":material/download:",
)

st.subheader("Akuntabilitas penanganan sanggahan dan usul")
st.caption(
    f"Tiket periode {nama_periode(periode)} per wilayah: diterima, diputus dalam 14 hari kalender sejak diajukan, "
    "melewati batas (diputus terlambat atau belum diputus setelah batas), masih dalam proses, banding, keputusan "
    "yang dibatalkan pada banding, dan desa/kelurahan yang mengadakan musyawarah dalam 3 bulan terakhir."
)
try:
    angka_akuntabilitas = accountability.figures(
        lambda prefix, length: data.store().outcome_counts(prefix, length, periode=periode),
        lambda tingkat, induk: data.query("musdes_compliance_by_region", periode=periode, tingkat=tingkat, induk=induk),
        [t.index for t in tables[:2]],
        labels[:1],
    )
except Exception:  # the page stays up; the cause goes to the server's log
    logging.getLogger(__name__).exception("accountability figures for %s could not be computed", periode)
    st.info("Angka akuntabilitas belum dapat ditampilkan saat ini.")
    st.stop()
published(accountability.to_display(angka_akuntabilitas))
st.caption(note(10))
st.download_button(
    "Unduh CSV akuntabilitas",
    csv_with_provenance("Akuntabilitas penanganan sanggahan dan usul", angka_akuntabilitas),
    file_name=f"akuntabilitas-{periode}.csv",
    mime="text/csv",
    icon=":material/download:",
)
