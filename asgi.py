"""The portal's server entry point: `python -m portal run` (or `streamlit run asgi.py`) serves this ASGI app,
which runs app.py's pages beside the portal's own routes and middleware (see portal/web)."""

import streamlit as st

from portal import web

web.navigation_only()
app = st.App("app.py", routes=web.portal_routes(), middleware=web.middleware())
