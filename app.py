"""Portal DTKS: page config, navigation with every page registered explicitly, and the shared sidebar."""

import streamlit as st

st.set_page_config(page_title="Portal DTKS", page_icon=":material/diversity_3:", layout="wide")

public = [
    st.Page("pages/beranda.py", title="Beranda", icon=":material/home:", default=True),
]
sections = {"Publik": public}
# Internal pages join here (section "Internal") once they exist, shown only to a logged-in user.

page = st.navigation(sections)
st.sidebar.markdown("**Portal DTKS** · Data Terpadu Kesejahteraan Sosial")
page.run()
