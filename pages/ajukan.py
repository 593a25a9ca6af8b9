"""Ajukan Sanggahan / Usul: an objection to a listed row (by opaque token) or a proposal for someone not yet
listed. Acknowledged only once durably stored; a double click or a rerun never makes a second ticket.

What is objected to (lifecycle.SASARAN_*) fixes the categories offered. An objection to a musdes's published list
(a proposal to add or to stop) is taken only inside that list's uji publik window: outside it the page says when
it closed and what to do instead, and the store refuses it too. An objection to a person in the register is
taken at any time; outside the window it is a late objection for the next musdes (lifecycle.objection_window)."""

import uuid

import streamlit as st

from portal import data, lifecycle, public, ui
from portal.fmt import tanggal
from portal.privacy.photos import PhotoRejected, sanitize_photo
from portal.privacy.search_input import looks_like_nik
from portal.privacy.user_text import clean_text, escape_markdown
from portal.store import StoreValidationError, Submission
from portal.store.tickets import WindowClosed

ui.provenance_footer()

manifest = ui.require_register()
ui.source_note(manifest)
st.title("Ajukan Sanggahan / Usul")

tiket = st.session_state.get("ajukan_tiket")
if tiket:
    st.success(f"Pengajuan Anda telah tersimpan. Kode tiket: **{tiket}**", icon=":material/task_alt:")
    if st.session_state.get("ajukan_terlambat"):
        st.info(
            "Sanggahan ini diterima sebagai **sanggahan terlambat** (di luar masa sanggah) dan akan dibahas pada "
            "musyawarah desa/kelurahan berikutnya. Verifikasinya tetap paling lambat 14 hari."
        )
    st.write(
        "Simpan (catat atau foto) kode ini untuk memantau tindak lanjutnya di halaman **Lacak Tiket**. Petugas "
        "wajib memeriksanya paling lambat 14 hari."
    )
    st.code(tiket, language=None)
    st.session_state["lacak_kode"] = tiket
    st.page_link("pages/lacak_tiket.py", label="Lacak tiket ini", icon=":material/confirmation_number:")
    if st.button("Buat pengajuan baru"):
        for key in ("ajukan_tiket", "ajukan_kunci", "ajukan_terlambat", "rujukan"):
            st.session_state.pop(key, None)
        st.rerun()
    st.stop()

rujukan = st.session_state.get("rujukan") or {}
periode = rujukan.get("periode", manifest.latest)
if rujukan.get("token"):
    # The label carries a masked name (S**I A****H): escaped, or Markdown would read its stars as emphasis.
    st.info(
        f"Sanggahan atas data **{escape_markdown(rujukan['label'])}** di {escape_markdown(rujukan['nama_desa'])}.",
        icon=":material/report:",
    )
    kode_desa, jenis = rujukan["kode_desa"], "sanggahan"
    if st.button("Batalkan rujukan"):
        st.session_state.pop("rujukan", None)
        st.rerun()
else:
    ui.region_from_url("ajukan")  # the printed notice's QR code opens the form at its desa
    desa = ui.region_picker("ajukan")
    if desa is None:
        st.info("Pilih desa/kelurahan tempat orang atau keluarga yang dimaksud tinggal.")
        st.stop()
    kode_desa = desa[0]
    jenis = "usul"

jendela, masa = None, (None, None)
sasaran = lifecycle.SASARAN_USUL if jenis == "usul" else lifecycle.SASARAN_PENERIMA
if jenis == "sanggahan":  # a proposal has no objection window: it goes to the next musdes anyway
    rapat = data.query("desa_musdes", periode=periode, kode_desa=kode_desa)
    if rujukan.get("id_musdes"):
        usulan = data.query("musdes_usulan", periode=periode, kode_desa=kode_desa, id_musdes=int(rujukan["id_musdes"]))
        target = public.usulan_target(data.token_secret(), periode, rujukan["token"], usulan)
        sasaran = lifecycle.SASARAN_HENTI if target == "penghentian" else lifecycle.SASARAN_TAMBAH
        masa = public.musdes_window(rapat, int(rujukan["id_musdes"]))
        if (tolak := lifecycle.list_window_refusal(lifecycle.today(), *masa)) is not None:
            st.error(tolak, icon=":material/event_busy:")
            st.page_link("pages/cek_status.py", label="Cari nama di Cek Status", icon=":material/search:")
            if st.button("Ajukan usul keluarga lain", icon=":material/person_add:"):
                st.session_state.pop("rujukan", None)
                st.rerun()
            st.stop()
        st.caption(f"Sanggahan diajukan dalam masa sanggah (sampai {tanggal(masa[1])}).")
    else:
        jendela = lifecycle.objection_window(lifecycle.today(), *public.objection_window_dates(rapat))
        (st.warning if jendela.terlambat else st.caption)(jendela.pesan)

kunci = st.session_state.setdefault("ajukan_kunci", uuid.uuid4().hex)
with st.form("ajukan_form"):
    kategori = st.selectbox(
        "Kategori",
        lifecycle.KATEGORI_BY_SASARAN[sasaran],
        help=f"Pilihan sesuai yang Anda sanggah: {lifecycle.SASARAN_LABELS[sasaran]}.",
    )
    deskripsi = st.text_area("Uraian (wajib, paling banyak 2.000 karakter)", max_chars=2000, height=140)
    kontak = st.text_input("Kontak untuk dihubungi (opsional: nomor HP atau surel)", max_chars=200)
    foto = st.file_uploader(
        "Foto pendukung (opsional)",
        type=["jpg", "jpeg", "png", "webp"],
        max_upload_size=5,
        help="JPG, PNG atau WEBP, paling besar 5 MB per berkas",
    )
    setuju = st.checkbox(
        "Saya menyatakan keterangan ini benar dan setuju data pengajuan diproses oleh pemerintah desa/kelurahan "
        "dan Dinas Sosial untuk verifikasi."
    )
    kirim = st.form_submit_button("Kirim", type="primary", icon=":material/send:")

if not kirim:
    st.stop()
uraian = clean_text(deskripsi or "", 2000)
if len(uraian) < 10:
    st.error("Tuliskan uraian paling sedikit 10 karakter.")
    st.stop()
if not setuju:
    st.error("Centang persetujuan terlebih dahulu.")
    st.stop()
if looks_like_nik(uraian) or looks_like_nik(kontak or ""):
    st.error("Jangan menuliskan NIK atau nomor KK di sini. Sebutkan nama dan RT/RW saja.")
    st.stop()
foto_bytes = foto_mime = None
if foto is not None:
    try:
        foto_bytes, foto_mime = sanitize_photo(foto.getvalue())
    except PhotoRejected as exc:
        st.error(str(exc))
        st.stop()
token = rujukan.get("token")
if token is not None:
    ids = data.desa_people(periode, kode_desa)["id_dtks"].astype(int).tolist()
    usulan_ids = []
    if rujukan.get("id_musdes"):
        usulan = data.query("musdes_usulan", periode=periode, kode_desa=kode_desa, id_musdes=int(rujukan["id_musdes"]))
        usulan_ids = usulan["id_usulan"].astype(int).tolist()
    if not public.resolve_token(data.token_secret(), periode, token, ids, usulan_ids):
        st.error("Rujukan data tidak dikenali. Silakan cari kembali nama tersebut di halaman Cek Status.")
        st.stop()
try:
    hasil = data.store().submit(
        Submission(
            jenis=jenis,
            kategori=kategori,
            kode_desa=kode_desa,
            periode=periode,
            row_token=token,
            deskripsi=uraian,
            kontak=clean_text(kontak or "", 200) or None,
            foto=foto_bytes,
            foto_mime=foto_mime,
            persetujuan=True,
            idempotency_key=kunci,
            terlambat=bool(jendela and jendela.terlambat),
            sasaran=sasaran,
            masa_dibuka=masa[0],
            masa_ditutup=masa[1],
        )
    )
except WindowClosed as exc:  # the window closed while the form was open: the store's own clock decides
    st.error(str(exc), icon=":material/event_busy:")
    st.stop()
except StoreValidationError:
    st.error("Pengajuan tidak dapat diterima karena isiannya tidak sesuai. Periksa kembali isian Anda.")
    st.stop()
except Exception:  # the database is unreachable or busy: never acknowledge what was not stored
    st.error("Pengajuan **belum tersimpan** karena gangguan sistem. Silakan tekan Kirim sekali lagi.")
    st.stop()
st.session_state["ajukan_tiket"] = hasil.display
st.session_state["ajukan_terlambat"] = bool(jendela and jendela.terlambat)
st.rerun()
