"""Portal DTKS: page config, navigation with every page registered explicitly, and the shared sidebar.

Every internal page's address exists for everyone, so a shared link never opens as "page not found": a visitor who
is not signed in is asked to sign in and then comes back to the same view; an official whose role lacks the page
is refused, and the refusal is audited. Only the pages an official may use are in the menu."""

import time
from collections.abc import Callable

import streamlit as st

from portal import access, staff, ui

st.set_page_config(page_title="Portal DTKS", page_icon=":material/diversity_3:", layout="wide")

public = [
    st.Page("pages/beranda.py", title="Beranda", icon=":material/home:", default=True),
    st.Page("pages/cek_status.py", title="Cek Status", icon=":material/person_search:"),
    st.Page("pages/daftar_uji_publik.py", title="Daftar Uji Publik", icon=":material/list_alt:"),
    st.Page("pages/ajukan.py", title="Ajukan Sanggahan / Usul", icon=":material/edit_note:"),
    st.Page("pages/lacak_tiket.py", title="Lacak Tiket", icon=":material/confirmation_number:"),
    st.Page("pages/statistik_publik.py", title="Statistik Publik", icon=":material/bar_chart:"),
]
scope = staff.current_scope()


def may_open(name: str) -> bool:
    """Whether the signed-in official's role has the internal page `name`."""
    if name == "antrean_sanggahan":
        return access.can_see_persons(scope)
    if name == "unggah_data":
        return scope.role in ("pusat", "provinsi", "kabupaten")
    if name == "audit":
        return scope.role == "pusat"
    return True


def stand_in(name: str, title: str) -> Callable[[], None]:
    """The page at an internal page's address for someone who may not open it."""

    def run() -> None:
        ui.provenance_footer()
        if scope is None:
            staff.page_for_signed_in(title)
        else:
            staff.page_refused(scope, name)

    run.__name__ = name
    return run


INTERNAL = (
    ("peta_cakupan", "Peta Cakupan", ":material/map:"),
    ("kemiskinan_ekstrem", "Kemiskinan Ekstrem", ":material/crisis_alert:"),
    ("kualitas_data", "Kualitas Data", ":material/fact_check:"),
    ("perubahan_periode", "Perubahan Antar Periode", ":material/compare_arrows:"),
    ("eksplorasi", "Eksplorasi Data", ":material/query_stats:"),
    ("antrean_sanggahan", "Antrean Sanggahan", ":material/inbox:"),
    ("unggah_data", "Unggah Data", ":material/upload_file:"),
    ("audit", "Log Audit", ":material/history:"),
)
sections = {"Publik": public}
internal, hidden = [], []
for name, title, icon in INTERNAL:
    if scope is not None and may_open(name):
        internal.append(st.Page(f"pages/{name}.py", title=title, icon=icon))
    else:
        hidden.append(st.Page(stand_in(name, title), title=title, url_path=name, visibility="hidden"))
if scope is None:
    sections["Petugas"] = [st.Page("pages/masuk.py", title="Masuk petugas", icon=":material/login:"), *hidden]
else:
    internal.append(st.Page("pages/keluar.py", title=f"Keluar ({scope.user})", icon=":material/logout:"))
    sections["Internal"] = [*internal, *hidden]

page = st.navigation(sections, expanded=True)  # never hide an official's pages (or Keluar) behind "View more"
st.sidebar.markdown("**Portal DTKS** · Data Terpadu Kesejahteraan Sosial")
st.session_state[ui.ACTIVE] = time.time()
with st.sidebar:
    staff.idle_watch()  # an idle screen loses its personal rows by itself
page.run()
