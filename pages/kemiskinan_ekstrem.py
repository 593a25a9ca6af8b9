"""Kemiskinan Ekstrem: desil 1 (or desil 1–2) families by region, the share of them receiving no programme
(exclusion), desil 6–10 families receiving one (inclusion, per programme too), BPS P0 beside them, kecamatan
ranked by the gap and the trend over periods. Reads rollups only; one map level at a time."""

import pandas as pd
import streamlit as st

from portal import analytics, charts, data, regions, staff, ui
from portal.fmt import angka, nama_periode, persen

BELUM_TERBACA = (
    "Data kemiskinan ekstrem belum dapat dibaca (rollup register perlu dibangun ulang). Hubungi administrator."
)
scope = staff.require_scope()
periode = ui.register_period(note=False)
st.title("Kemiskinan Ekstrem")

kode = ui.scope_region_picker(scope, "miskin")
view = regions.view_of(kode)
hanya_d1 = st.toggle("Hanya desil 1 (matikan untuk desil 1–2)", value=True, key="miskin_desil_1")
sasaran = "desil 1" if hanya_d1 else "desil 1–2"
rank_level = "kecamatan" if view.tingkat in ("nasional", "provinsi", "kabupaten") else "desa"

with staff.guard(scope, "kemiskinan_ekstrem", kode, BELUM_TERBACA):
    baris = data.scoped_query(scope, kode, "rollup_within_region", periode=periode, tingkat=view.anak, kode=kode)
    tren = data.scoped_query(scope, kode, "rollup_region_trend", tingkat=view.tingkat, kode=kode)
    kab = data.scoped_query(scope, kode, "kab_poverty_rate", kode=kode)
    urutan = data.scoped_query(scope, kode, "rollup_within_region", periode=periode, tingkat=rank_level, kode=kode)
    tabel = analytics.poverty_table(baris, hanya_d1)
    riwayat = analytics.poverty_trend(tren, hanya_d1)
    peringkat = analytics.rank_by_gap(analytics.poverty_table(urutan, hanya_d1), top=20)
if tabel.empty:
    st.info("Belum ada data register untuk wilayah ini pada periode tersebut.")
    st.stop()
tabel["p0"] = tabel["kode"].map(analytics.p0_by_region(kab, view.anak))

kini = riwayat[riwayat["periode"] == periode]
if not kini.empty:
    r = kini.iloc[0]
    a, b, c, d = st.columns(4)
    a.metric(f"Keluarga {sasaran}", angka(r["sasaran"]))
    b.metric(
        "Tanpa program (eksklusi)",
        angka(r["tanpa_program"]),
        f"{persen(r['eksklusi_persen'])} dari sasaran",
        delta_color="off",
        delta_arrow="off",  # a share, not a change: no up or down arrow
    )
    c.metric(
        "Desil 6–10 menerima (inklusi)",
        angka(r["inklusi"]),
        f"{persen(r['inklusi_persen'])} dari desil 6–10",
        delta_color="off",
        delta_arrow="off",
    )
    p0 = analytics.region_p0(kab, kode)
    d.metric("P0 BPS (2024)", persen(p0, 2))
st.caption(
    f"Sasaran: keluarga aktif {sasaran}. Eksklusi: sasaran yang tidak menerima PKH, BPNT, PBI-JK maupun BLT-DD. "
    "Inklusi: keluarga desil 6–10 yang menerima program. P0: persentase penduduk miskin BPS per kab/kota "
    "(provinsi dan nasional: rata-rata tertimbang penduduk kab/kota); di bawah kab/kota berlaku P0 kab/kotanya."
)

pilihan = [i for i in analytics.POVERTY_INDICATORS if i.column != "p0" or view.anak in ("provinsi", "kabupaten")]
# The reader's indicator stays chosen when the region changes level (P0 exists only down to kab/kota), and is in
# the URL so a shared link opens the same map.
kolom_pilihan = [i.column for i in pilihan]
disukai = st.session_state.get("miskin_indikator", st.query_params.get("indikator"))
indikator = st.selectbox(
    "Indikator peta",
    pilihan,
    index=kolom_pilihan.index(disukai) if disukai in kolom_pilihan else 0,
    format_func=lambda i: i.label,
    key=f"miskin_peta_{view.anak}",
)
if disukai is None or indikator.column != (disukai if disukai in kolom_pilihan else kolom_pilihan[0]):
    st.session_state["miskin_indikator"] = indikator.column  # the reader chose it (not this level's fallback)
st.query_params["indikator"] = indikator.column
nilai = pd.Series(tabel[indikator.column].to_numpy(dtype=float), index=tabel["kode"])
ui.region_map(view.anak, kode, tabel, nilai, indikator, f"miskin_{kode or 'id'}_{indikator.column}")

KOLOM = {kolom: judul.removesuffix(" (%)") for kolom, judul in analytics.poverty_columns(sasaran).items()}
PERSEN = ("eksklusi_persen", "inklusi_persen", "p0")
st.subheader(f"Per {regions.LEVEL_NAMES[view.anak].lower()}")
ui.table(tabel[list(KOLOM)], labels=KOLOM, percent=PERSEN, decimals={"p0": 2})

st.subheader(f"Peringkat {regions.LEVEL_NAMES[rank_level].lower()} menurut kesenjangan")
st.caption(f"Kesenjangan: jumlah keluarga {sasaran} tanpa program apa pun; bila sama, persentasenya lebih dulu.")
if peringkat["tanpa_program"].sum() > 0:
    st.plotly_chart(
        charts.ranking_figure(peringkat, "tanpa_program", f"Keluarga {sasaran} tanpa program"), width="stretch"
    )
ui.table(peringkat[["kode", "nama", "sasaran", "tanpa_program", "eksklusi_persen"]], labels=KOLOM, percent=PERSEN)

st.subheader("Inklusi per program (keluarga desil 6–10 penerima)")
per_program = analytics.inclusion_columns()
ui.table(tabel[list(per_program)], labels=per_program, percent=tuple(k for k in per_program if k.endswith("_persen")))

st.subheader("Tren antar periode")
if len(riwayat) > 1:
    st.plotly_chart(
        charts.period_lines_figure(riwayat, {"eksklusi_persen": "Eksklusi", "inklusi_persen": "Inklusi"}, "%"),
        width="stretch",
    )
tren_tampil = riwayat[["periode", "sasaran", "tanpa_program", "eksklusi_persen", "inklusi", "inklusi_persen"]]
ui.table(tren_tampil.assign(periode=tren_tampil["periode"].map(nama_periode)), labels=KOLOM, percent=PERSEN)
