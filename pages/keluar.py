"""Keluar: end the official's session and return to the public home page (whose navigation has no internal
pages any more)."""

import streamlit as st

from portal import staff, ui

ui.provenance_footer()

staff.sign_out()
st.switch_page("pages/beranda.py")
