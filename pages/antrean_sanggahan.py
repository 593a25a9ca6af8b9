"""Antrean Sanggahan: the objections and proposals of the official's region, oldest first, with the 14-day
deadline; open one to see the referenced record (logged) and decide it. Public text is shown as plain text."""

import pandas as pd
import streamlit as st

from portal import access, data, public, staff
from portal.fmt import tanggal
from portal.privacy.row_tokens import find_row
from portal.store import KATEGORI, STATUSES

scope = staff.require_scope()
if not access.can_see_persons(scope):
    staff.deny(scope, "antrean_sanggahan", scope.region)
st.title("Antrean Sanggahan")

kiri, kanan = st.columns(2)
status = kiri.selectbox("Status", [None, *STATUSES], format_func=lambda s: "Semua" if s is None else s)
kategori = kanan.selectbox("Kategori", [None, *KATEGORI], format_func=lambda s: "Semua" if s is None else s)
desa = kiri.text_input("Kode desa (opsional, 10 digit)", max_chars=10).strip() or None
umur = kanan.number_input("Lebih lama dari (hari)", min_value=0, max_value=3650, value=0, step=1)
if desa is not None and not (desa.isdigit() and len(desa) == 10 and access.allows(scope, desa)):
    st.warning("Kode desa harus 10 digit dan berada di wilayah Anda.")
    st.stop()

antrean = data.store().queue(
    scope.region, status=status, kategori=kategori, kode_desa=desa, older_than_days=int(umur) or None
)
data.store().audit(
    scope.user,
    "lihat_antrean",
    scope.region,
    {"status": status, "kategori": kategori, "desa": desa, "lebih_dari_hari": int(umur)},
)
if not antrean:
    st.info("Tidak ada tiket untuk saringan ini.")
    st.stop()
tabel = pd.DataFrame(
    [
        {
            "Tiket": t.code,
            "Jenis": t.jenis,
            "Kategori": t.kategori,
            "Desa": t.kode_desa,
            "Status": t.status,
            "Diajukan": tanggal(t.created_at),
            "Batas": tanggal(t.batas_waktu),
            "Lewat batas": "YA" if t.overdue else "",
        }
        for t in antrean
    ]
)
st.caption(f"{len(antrean)} tiket · {sum(t.overdue for t in antrean)} melewati batas 14 hari")
st.dataframe(tabel, hide_index=True, width="stretch")

kode = st.selectbox(
    "Buka tiket", [t.code for t in antrean], index=None, placeholder="Pilih kode tiket…", key="antrean_buka"
)
if kode is None:
    st.stop()
tiket = next(t for t in antrean if t.code == kode)
access.require_persons(scope, tiket.kode_desa)
st.subheader(f"Tiket {kode}")
st.write(f"{tiket.jenis} · {tiket.kategori} · desa {tiket.kode_desa} · periode {tiket.periode}")
st.text(tiket.deskripsi)  # never Markdown or HTML: this text comes from the public
if tiket.kontak:
    st.text(f"Kontak: {tiket.kontak}")
if tiket.has_foto and (foto := data.store().get_photo(kode)):
    st.image(foto[0], width=320)
rujukan = None
if tiket.row_token and not tiket.row_token.startswith(public.USULAN_PREFIX):
    orang = data.desa_people(tiket.periode, tiket.kode_desa)
    rujukan = find_row(data.token_secret(), tiket.periode, tiket.row_token, orang["id_dtks"].astype(int).tolist())
if rujukan is not None:
    baris = orang[orang["id_dtks"] == rujukan][["nama", "usia", "rt", "rw", "status_aktif", "keberadaan"]]
    data.store().audit(scope.user, "lihat_rujukan", tiket.kode_desa, {"tiket": kode})
    st.dataframe(baris, hide_index=True, width="stretch")
elif tiket.row_token:
    st.caption("Rujukan ke daftar usulan musdes atau ke data yang tidak lagi ada di periode ini.")

with st.form("putusan"):
    baru = st.selectbox(
        "Keputusan", ["diproses", "perlu verifikasi lapangan", "diterima", "ditolak"], key="antrean_putusan"
    )
    alasan = st.text_area("Alasan (wajib untuk diterima/ditolak)", max_chars=2000)
    simpan = st.form_submit_button("Simpan keputusan", type="primary")
if simpan:
    try:
        data.store().change_status(kode, baru, alasan.strip() or None, actor=scope.user)
    except ValueError as exc:
        st.error(f"Keputusan belum tersimpan: {exc}")
        st.stop()
    data.store().audit(scope.user, "ubah_status", tiket.kode_desa, {"tiket": kode, "status": baru})
    st.success("Keputusan tersimpan; halaman Lacak Tiket kini menampilkan status baru.")
