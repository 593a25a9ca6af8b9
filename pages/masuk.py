"""Masuk: sign-in for officials, with a local account or the organisation's identity provider; afterwards the
browser opens the page it came for (`?lanjut=/path`)."""

import streamlit as st

from portal import staff, ui

ui.provenance_footer()

st.title("Masuk petugas")
if st.session_state.pop(staff.ENDED, None):
    st.info("Sesi Anda telah berakhir. Silakan masuk kembali.")
staff.sign_in_form(st.query_params.get("lanjut", "/"))
