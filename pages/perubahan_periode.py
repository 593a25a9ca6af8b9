"""Perubahan Antar Periode: what changed between two snapshots per region (families and people added and
removed with reasons, moves, desil moved, programmes started and stopped), and the funnel from approved musdes
proposals to the next snapshot with the proposals that went missing ("usulan hilang"), per desa."""

import streamlit as st

from portal import access, analytics, charts, data, officials, regions, staff, ui
from portal.fmt import angka, nama_periode

BATAS_BARIS = 1000
LABEL_CORONG = {
    "kode": "Kode",
    "nama": "Wilayah",
    "diusulkan": "Disetujui musdes",
    "masuk": "Masuk register",
    "hilang": "Usulan hilang",
    "masuk_persen": "Masuk register (%)",
    "id_musdes": "ID musdes",
}
GAGAL_HITUNG = "Perubahan antar periode tidak dapat dihitung saat ini. Silakan coba lagi atau hubungi administrator."
scope = staff.require_scope()
ui.provenance_footer()
manifest = ui.require_register()
st.title("Perubahan Antar Periode")
pasangan = analytics.previous_and_latest(manifest.periods)
if pasangan is None:
    st.info("Register baru memiliki satu periode; perbandingan membutuhkan sedikitnya dua periode.")
    st.stop()
semua = sorted(manifest.periods, reverse=True)
kiri, kanan = st.columns(2)
dari = kiri.selectbox("Dari periode", semua, index=semua.index(pasangan[0]), format_func=nama_periode, key="ubah_dari")
ke = kanan.selectbox("Ke periode", semua, index=semua.index(pasangan[1]), format_func=nama_periode, key="ubah_ke")
if dari >= ke:
    st.warning("Periode awal harus lebih dulu daripada periode akhir.")
    st.stop()

kode = ui.scope_region_picker(scope, "ubah")
view = regions.view_of(kode)

berurutan = analytics.consecutive(manifest.periods, dari, ke)
if kode == "" and not berurutan:
    # The nation's changes are paired at build time for consecutive periods only: pairing every family and person
    # of the nation for another pair takes minutes at 100 M people, too long for a page.
    st.info(
        "Perbandingan tingkat nasional tersedia untuk dua periode berurutan. Untuk periode yang tidak berurutan, "
        "pilih sebuah provinsi atau wilayah di bawahnya."
    )
    st.stop()

with staff.guard(scope, "perubahan_periode", kode, GAGAL_HITUNG):
    ubah = None
    if kode == "" and berurutan:
        ubah = data.precomputed_or_none(scope, kode, "period_changes_nasional", dari=dari, ke=ke)
    if ubah is None:
        with st.spinner("Membandingkan periode…"):
            ubah = data.scoped_query(scope, kode, "period_changes", dari=dari, ke=ke, kode=kode, panjang=view.panjang)
    wilayah = data.scoped_query(scope, kode, "rollup_within_region", periode=ke, tingkat=view.anak, kode=kode)
    corong = data.scoped_query(scope, kode, "usulan_funnel", dari=dari, ke=ke, kode=kode)
nama_anak = wilayah[["kode", "nama"]]
judul = f"{nama_periode(dari)} → {nama_periode(ke)}"

st.subheader(f"Keluarga per {regions.LEVEL_NAMES[view.anak].lower()} · {judul}")
keluarga = analytics.change_table(ubah, "keluarga", nama_anak)
ui.table(keluarga.rename(columns=analytics.CHANGE_LABELS))
st.caption(
    "Ditambahkan/dikeluarkan: menjadi aktif/tidak aktif di wilayah ini; pindah masuk/keluar: pindah antarwilayah "
    "di dalam wilayah yang dipilih. Desil naik: angka desil bertambah (lebih sejahtera). Program mulai/berhenti "
    "termasuk keluarga yang ditambahkan atau dikeluarkan."
)
alasan_kiri, alasan_kanan = st.columns(2)
alasan_kiri.markdown("**Alasan perubahan keluarga**")
with alasan_kiri:
    ui.table(analytics.change_reasons(ubah, "keluarga").rename(columns=analytics.CHANGE_LABELS))
alasan_kanan.markdown("**Alasan perubahan individu**")
with alasan_kanan:
    ui.table(analytics.change_reasons(ubah, "individu").rename(columns=analytics.CHANGE_LABELS))
st.subheader("Individu")
individu = analytics.change_table(ubah, "individu", nama_anak)
ui.table(individu.rename(columns=analytics.CHANGE_LABELS))

st.subheader(f"Usulan musdes {nama_periode(dari)} → register {nama_periode(ke)}")
tahap = analytics.funnel_stages(corong)
if tahap["jumlah"].iloc[0] == 0:
    st.info("Tidak ada usulan tambah yang disetujui musdes pada periode awal di wilayah ini.")
    st.stop()
a, b, c = st.columns(3)
a.metric("Disetujui musdes", angka(tahap["jumlah"].iloc[0]))
b.metric("Masuk register", angka(tahap["jumlah"].iloc[1]))
c.metric("Usulan hilang", angka(tahap["jumlah"].iloc[2]))
st.plotly_chart(charts.funnel_figure(tahap), width="stretch")
ui.table(analytics.funnel_by_region(corong, view.panjang, nama_anak), labels=LABEL_CORONG, percent=("masuk_persen",))
hilang = corong[corong["hilang"] > 0].sort_values(["hilang", "kode_desa"], ascending=[False, True])
st.markdown("**Desa dengan usulan hilang**")
ui.table(hilang, labels=LABEL_CORONG)

nama_desa = dict(zip(hilang["kode_desa"].head(500), hilang["nama_desa"].head(500), strict=True))
desa = st.selectbox(
    "Daftar usulan hilang di desa",
    list(nama_desa),
    index=None,
    format_func=lambda k: f"{nama_desa[k]} ({k})",
    placeholder="Pilih desa…",
    key=f"ubah_hilang_{kode}",
)
if desa is None:
    st.stop()
with staff.guard(scope, "usulan_hilang", desa, "Daftar usulan hilang tidak dapat dibaca saat ini."):
    access.require_persons(scope, desa)
    daftar = data.scoped_query(scope, desa, "usulan_missing", dari=dari, ke=ke, kode=desa, batas=BATAS_BARIS)
data.store().audit(scope.user, "lihat_usulan_hilang", desa, {"dari": dari, "ke": ke, "baris": len(daftar)})
ui.table(officials.dates_as_text(daftar.drop(columns=["jumlah_total"])), labels=LABEL_CORONG)
