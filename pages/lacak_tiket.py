"""Lacak Tiket: a ticket code gives its category, dates, stage, SLA state, status history, decision and appeal;
nothing else, and the same answer for a wrong code as for an unknown one. Guessing is throttled. Within 14 days of
a decision the holder of the code may appeal it once (banding), to the level above the one that decided."""

import pandas as pd
import streamlit as st

from portal import data, lifecycle, ui
from portal.config import get_settings
from portal.fmt import tanggal
from portal.privacy.search_input import looks_like_nik
from portal.privacy.user_text import clean_text
from portal.store import StoreValidationError, normalise_ticket_code, utc_now

ui.provenance_footer()

settings = get_settings()
st.title("Lacak Tiket")
st.caption("Masukkan kode tiket yang Anda terima saat mengajukan sanggahan atau usul.")

with st.form("lacak_form"):
    masukan = st.text_input(
        "Kode tiket", value=st.session_state.get("lacak_kode", ""), max_chars=40, placeholder="XXXX-XXXX-XXXX-XXXX"
    )
    cek = st.form_submit_button("Lacak", icon=":material/search:")
if cek:
    if not ui.allow("tiket", (settings.ticket_limit, settings.search_limit_address)):
        st.stop()
    kode = normalise_ticket_code(masukan or "")
    st.session_state["lacak_aktif"] = kode
else:
    kode = st.session_state.get("lacak_aktif")  # the ticket shown before an appeal form's own rerun
    if not kode:
        st.stop()
tiket = data.store().get_ticket(kode) if kode else None
if tiket is None:
    st.warning("Tiket tidak ditemukan. Periksa kembali kode tiket Anda.")
    st.stop()

sekarang = utc_now()
st.subheader(f"Tiket {tiket.display}")
kiri, tengah, kanan = st.columns(3)
kiri.metric("Status", tiket.status)
tengah.metric("Tahap", lifecycle.STAGE_LABELS[tiket.tahap])
batas = tiket.banding.batas_waktu if tiket.tahap == "banding" and tiket.banding else tiket.batas_waktu
kanan.metric("Batas waktu", tanggal(lifecycle.last_day(batas)), tiket.sla(sekarang), delta_color="off")
st.write(f"**Jenis:** {tiket.jenis} · **Kategori:** {tiket.kategori} · **Diajukan:** {tanggal(tiket.created_at)}")
if tiket.terlambat:
    st.info(
        "Sanggahan ini diajukan di luar masa sanggah desa/kelurahan, sehingga dibahas pada musyawarah "
        "desa/kelurahan berikutnya.",
        icon=":material/schedule:",
    )
if tiket.tingkat != "kabupaten" and tiket.tahap in lifecycle.OPEN_STAGES:
    st.warning("Tiket ini melewati batas waktu verifikasi dan telah dieskalasi ke provinsi.")
if tiket.kode_putusan:
    st.write(f"**Dasar keputusan:** {lifecycle.code_label(tiket.kode_putusan)}")
if tiket.banding:
    hasil = {"dikuatkan": "keputusan awal dikuatkan", "dibatalkan": "keputusan awal dibatalkan"}
    st.write(
        f"**Banding:** diajukan {tanggal(tiket.banding.diajukan_at)}, diputus tingkat "
        f"{lifecycle.TIER_LABELS[tiket.banding.tingkat]} · "
        + (hasil[tiket.banding.hasil] if tiket.banding.hasil else "menunggu putusan")
    )
riwayat = pd.DataFrame(
    [{"Tanggal": tanggal(h.time), "Status": h.status, "Keterangan": h.reason or ""} for h in tiket.history]
)
st.dataframe(riwayat, hide_index=True, width="stretch")

if not tiket.appeal_open(sekarang):
    st.stop()
sampai = lifecycle.last_day(lifecycle.deadline(tiket.diputus_at, lifecycle.APPEAL_DAYS))
st.subheader("Ajukan banding")
st.caption(
    f"Jika tidak setuju dengan keputusan ini, Anda dapat mengajukan banding satu kali sampai {tanggal(sampai)}. "
    f"Banding diputus oleh tingkat {lifecycle.TIER_LABELS[lifecycle.tier_above(tiket.tingkat)]}."
)
with st.form("banding_form"):
    alasan = st.text_area("Alasan banding (wajib, paling banyak 2.000 karakter)", max_chars=2000)
    ajukan = st.form_submit_button("Ajukan banding", icon=":material/gavel:")
if ajukan:
    teks = clean_text(alasan or "", 2000)
    if len(teks) < 10:
        st.error("Tuliskan alasan banding paling sedikit 10 karakter.")
        st.stop()
    if looks_like_nik(teks):
        st.error("Jangan menuliskan NIK atau nomor KK di sini.")
        st.stop()
    try:
        data.store().file_appeal(tiket.code, teks)
    except StoreValidationError:
        st.error("Banding tidak dapat diterima: keputusan ini sudah dibanding, atau masa banding telah berakhir.")
        st.stop()
    except Exception:
        st.error("Banding **belum tersimpan** karena gangguan sistem. Silakan tekan Ajukan banding sekali lagi.")
        st.stop()
    st.rerun()
