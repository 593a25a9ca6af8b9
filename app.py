"""Portal DTKS: page config, navigation with every page registered explicitly, and the shared sidebar."""

import streamlit as st

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
# Internal pages join here (section "Internal") once they exist, shown only to a logged-in user.

page = st.navigation(sections)
st.sidebar.markdown("**Portal DTKS** · Data Terpadu Kesejahteraan Sosial")
page.run()
