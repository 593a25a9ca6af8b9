"""Keluar: end the official's session."""

import streamlit as st

from portal import staff

staff.sign_out()
st.success("Anda telah keluar.")
st.rerun()
