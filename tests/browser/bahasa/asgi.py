"""app.py here as the portal serves its pages: behind portal.web's middleware."""

import streamlit as st

from portal import web

app = st.App("app.py", middleware=web.middleware())
