"""Lacak Tiket: a ticket code gives its category, dates, status history and decision; nothing else, and
the same answer for a wrong code as for an unknown one. Guessing is throttled."""

import pandas as pd
import streamlit as st

from portal import data, ui
from portal.config import get_settings
from portal.fmt import tanggal
from portal.store import normalise_ticket_code

settings = get_settings()
st.title("Lacak Tiket")
st.caption("Masukkan kode tiket yang Anda terima saat mengajukan sanggahan atau usul.")

with st.form("lacak_form"):
    masukan = st.text_input(
        "Kode tiket", value=st.session_state.get("lacak_kode", ""), max_chars=40, placeholder="XXXX-XXXX-XXXX-XXXX"
    )
    cek = st.form_submit_button("Lacak", icon=":material/search:")
if not cek:
    st.stop()
if not ui.allow("tiket", (settings.ticket_limit, settings.search_limit_address)):
    st.stop()

kode = normalise_ticket_code(masukan or "")
tiket = data.store().get_ticket(kode) if kode else None
if tiket is None:
    st.warning("Tiket tidak ditemukan. Periksa kembali kode tiket Anda.")
    st.stop()

st.subheader(f"Tiket {tiket.display}")
kiri, kanan = st.columns(2)
kiri.metric("Status", tiket.status)
kanan.metric("Batas waktu verifikasi", tanggal(tiket.batas_waktu))
st.write(f"**Jenis:** {tiket.jenis} · **Kategori:** {tiket.kategori} · **Diajukan:** {tanggal(tiket.created_at)}")
riwayat = pd.DataFrame(
    [{"Tanggal": tanggal(h.time), "Status": h.status, "Keterangan": h.reason or ""} for h in tiket.history]
)
st.dataframe(riwayat, hide_index=True, width="stretch")
