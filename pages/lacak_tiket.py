"""Lacak Tiket: a ticket code gives its category, dates, stage, SLA state, status history, decision and appeal;
nothing else, and the same answer for a wrong code as for an unknown one. Guessing is throttled. Within 14 days of
a decision the holder of the code may appeal it once (banding), to the level above the one that decided.

Everything is plain wrapping text (no table cells to cut at 360 px), each status explained with the next step."""

import streamlit as st

from portal import data, lifecycle, ui
from portal.config import get_settings
from portal.fmt import tanggal
from portal.privacy.search_input import looks_like_nik
from portal.privacy.user_text import clean_text, escape_markdown
from portal.store import StoreValidationError, normalise_ticket_code, utc_now

ui.provenance_footer()

settings = get_settings()
st.title("Lacak Tiket")
st.caption(
    "Masukkan kode tiket yang Anda terima saat mengajukan sanggahan atau usul (huruf besar atau kecil, dengan atau "
    "tanpa tanda hubung)."
)

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
    st.warning("Tiket tidak ditemukan. Periksa kembali kode tiket Anda (16 huruf dan angka, misalnya ABCD-EFGH-…).")
    st.stop()

sekarang = utc_now()
st.subheader(f"Tiket {tiket.display}")
st.markdown(
    f"{tiket.jenis.capitalize()} · kategori **{escape_markdown(tiket.kategori)}**  \n"
    f"Diajukan {lifecycle.waktu_wib(tiket.created_at)}"
)

with st.container(border=True):
    st.markdown(f"**Status: {escape_markdown(tiket.status)}**")
    st.write(lifecycle.status_meaning(tiket.status))
    if tiket.kode_putusan or tiket.status in ("diterima", "ditolak"):
        alasan = next((h.reason for h in reversed(tiket.history) if h.status == tiket.status and h.reason), None)
        st.markdown(f"**Keputusan:** {escape_markdown(lifecycle.code_label(tiket.kode_putusan))}")
        if alasan:
            st.markdown(f"**Alasan:** {escape_markdown(alasan)}")
        if tiket.diputus_at:
            st.caption(f"Diputus {lifecycle.waktu_wib(tiket.diputus_at)}")
    banding = tiket.banding
    batas = banding.batas_waktu if tiket.tahap == "banding" and banding else tiket.batas_waktu
    boleh_banding = tiket.appeal_open(sekarang)
    sampai = (
        lifecycle.last_day(lifecycle.deadline(tiket.diputus_at, lifecycle.APPEAL_DAYS))
        if boleh_banding and tiket.diputus_at
        else None
    )
    st.markdown(
        f"**Langkah berikutnya:** {lifecycle.next_step(tiket.tahap, tiket.status, batas, sampai, bool(banding))}"
    )
    if tiket.tahap in lifecycle.OPEN_STAGES or tiket.tahap == "banding":
        st.caption(f"Batas waktu: {tanggal(lifecycle.last_day(batas))} · {tiket.sla(sekarang)}")

if tiket.terlambat:
    st.info(
        "Sanggahan ini diajukan di luar masa sanggah desa/kelurahan, sehingga dibahas pada musyawarah "
        "desa/kelurahan berikutnya.",
        icon=":material/schedule:",
    )
if tiket.tingkat != "kabupaten" and tiket.tahap in lifecycle.OPEN_STAGES:
    st.warning("Tiket ini melewati batas waktu verifikasi dan telah dieskalasi ke provinsi.")
if banding:
    hasil = {"dikuatkan": "keputusan awal dikuatkan", "dibatalkan": "keputusan awal dibatalkan"}
    st.markdown(
        f"**Banding:** diajukan {tanggal(banding.diajukan_at.astimezone(lifecycle.WIB).date())}, diputus tingkat "
        f"{lifecycle.TIER_LABELS[banding.tingkat]} · " + (hasil[banding.hasil] if banding.hasil else "menunggu putusan")
    )

st.markdown("#### Riwayat")
for langkah in tiket.history:
    arti = lifecycle.status_meaning(langkah.status)
    teks = f"**{lifecycle.waktu_wib(langkah.time)}** — {escape_markdown(langkah.status)}"
    if langkah.reason:
        teks += f"  \n{escape_markdown(langkah.reason)}"
    elif arti:
        teks += f"  \n{arti}"
    st.markdown(teks)

if not boleh_banding:
    st.stop()
st.subheader("Ajukan banding")
st.caption(
    f"Jika tidak setuju dengan keputusan ini, Anda dapat mengajukan banding satu kali sampai {tanggal(sampai)}. "
    f"Banding diputus oleh tingkat {lifecycle.TIER_LABELS[lifecycle.tier_above(tiket.tingkat)]}."
)
with st.form("banding_form"):
    alasan_banding = st.text_area("Alasan banding (wajib, paling banyak 2.000 karakter)", max_chars=2000)
    ajukan = st.form_submit_button("Ajukan banding", icon=":material/gavel:")
if ajukan:
    teks = clean_text(alasan_banding or "", 2000)
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
