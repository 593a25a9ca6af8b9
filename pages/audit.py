"""Log Audit: who saw, exported or changed what, where and when — for the pusat role only."""

import pandas as pd
import streamlit as st

from portal import data, staff, ui

scope = staff.require_scope()
ui.provenance_footer()
if scope.role != "pusat":
    staff.deny(scope, "audit", scope.region)
st.title("Log Audit")
entri = data.store().audit_log(limit=500)
st.dataframe(
    pd.DataFrame(
        [
            {"Waktu": e.time, "Petugas": e.actor, "Tindakan": e.action, "Wilayah": e.region, "Rincian": str(e.detail)}
            for e in entri
        ]
    ),
    hide_index=True,
    width="stretch",
)
