"""Keluar: end the official's session everywhere (every tab, every replica). The browser then drops its cookie at
/akun/keluar and returns to the public home page, unless the identity provider's sign-out page comes first (the
cookie then names an ended session, which leads nowhere)."""

import streamlit as st

from portal import staff, ui

ui.provenance_footer()

st.info("Anda telah keluar.", icon=":material/logout:")
if not staff.sign_out():
    staff.redirect("/akun/keluar")
