"""Masuk: sign-in for officials, with a local account or the organisation's identity provider."""

import streamlit as st

from portal import staff, ui
from portal.config import get_settings

ui.provenance_footer()

st.title("Masuk petugas")
if st.session_state.pop("staf_berakhir", None):
    st.info("Sesi Anda telah berakhir. Silakan masuk kembali.")
if ditolak := st.session_state.get("staf_ditolak"):
    st.error("Akun ini belum diberi akses ke portal. Hubungi administrator Dinas Sosial.")

if staff.oidc_configured():
    st.button("Masuk dengan akun instansi (SSO)", on_click=st.login, type="primary", icon=":material/badge:")
    st.divider()

with st.form("masuk_lokal"):
    nama = st.text_input("Nama pengguna", max_chars=64, autocomplete="username")
    sandi = st.text_input("Kata sandi", type="password", max_chars=1024, autocomplete="current-password")
    masuk = st.form_submit_button("Masuk", icon=":material/login:")
if masuk and ui.allow("masuk", (get_settings().ticket_limit, get_settings().search_limit_address)):
    if staff.sign_in_local(nama or "", sandi or ""):
        st.rerun()
    st.error("Nama pengguna atau kata sandi salah, atau akun sedang dikunci sementara.")
