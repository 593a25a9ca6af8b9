"""Portal DTKS: page config, navigation with every page registered explicitly, and the shared sidebar."""

import streamlit as st

from portal import access, staff

st.set_page_config(page_title="Portal DTKS", page_icon=":material/diversity_3:", layout="wide")

public = [
    st.Page("pages/beranda.py", title="Beranda", icon=":material/home:", default=True),
    st.Page("pages/cek_status.py", title="Cek Status", icon=":material/person_search:"),
    st.Page("pages/daftar_uji_publik.py", title="Daftar Uji Publik", icon=":material/list_alt:"),
    st.Page("pages/ajukan.py", title="Ajukan Sanggahan / Usul", icon=":material/edit_note:"),
    st.Page("pages/lacak_tiket.py", title="Lacak Tiket", icon=":material/confirmation_number:"),
    st.Page("pages/statistik_publik.py", title="Statistik Publik", icon=":material/bar_chart:"),
]
sections = {"Publik": public}
# Internal pages exist in the navigation only for a signed-in official, so they are unreachable otherwise.
scope = staff.current_scope()
if scope is None:
    sections["Petugas"] = [st.Page("pages/masuk.py", title="Masuk petugas", icon=":material/login:")]
else:
    internal = [
        st.Page("pages/peta_cakupan.py", title="Peta Cakupan", icon=":material/map:"),
        st.Page("pages/kemiskinan_ekstrem.py", title="Kemiskinan Ekstrem", icon=":material/crisis_alert:"),
        st.Page("pages/kualitas_data.py", title="Kualitas Data", icon=":material/fact_check:"),
        st.Page("pages/perubahan_periode.py", title="Perubahan Antar Periode", icon=":material/compare_arrows:"),
        st.Page("pages/eksplorasi.py", title="Eksplorasi Data", icon=":material/query_stats:"),
    ]
    if access.can_see_persons(scope):
        internal.append(st.Page("pages/antrean_sanggahan.py", title="Antrean Sanggahan", icon=":material/inbox:"))
    if scope.role in ("pusat", "provinsi", "kabupaten"):
        internal.append(st.Page("pages/unggah_data.py", title="Unggah Data", icon=":material/upload_file:"))
    if scope.role == "pusat":
        internal.append(st.Page("pages/audit.py", title="Log Audit", icon=":material/history:"))
    internal.append(st.Page("pages/keluar.py", title=f"Keluar ({scope.user})", icon=":material/logout:"))
    sections["Internal"] = internal

page = st.navigation(sections, expanded=True)  # never hide an official's pages (or Keluar) behind "View more"
st.sidebar.markdown("**Portal DTKS** · Data Terpadu Kesejahteraan Sosial")
page.run()
