"""Cek Status: is a name listed in a desa's register? Masked answers, at most 20, throttled; never a NIK."""

import streamlit as st

from portal import data, ui
from portal.config import get_settings
from portal.fmt import nama_periode
from portal.privacy.search_input import looks_like_nik, search_key
from portal.privacy.user_text import escape_markdown


@st.fragment
def body(periode: str) -> None:
    """The region picker, the search form and its answer: one fragment, so that choosing a region or searching
    reruns only this part of the page (not app.py, the sidebar or the title)."""
    desa = ui.region_boxes("cek")
    if desa is None:
        st.info("Pilih provinsi, kabupaten/kota, kecamatan, lalu desa/kelurahan.")
        return
    search(periode, *desa)


def search(periode: str, kode_desa: str, nama_desa: str) -> None:
    """The search form and its answer, for the chosen desa."""
    settings = get_settings()
    st.page_link("pages/daftar_uji_publik.py", label=f"Lihat daftar uji publik {nama_desa}", icon=":material/list_alt:")
    with st.form("cek_form"):
        teks = st.text_input("Nama (paling sedikit 3 huruf)", max_chars=60)
        dikirim = st.form_submit_button("Cari", icon=":material/search:")

    if dikirim:
        st.session_state.pop("cek_hasil", None)
        if looks_like_nik(teks):
            st.warning("Pencarian hanya dengan nama. Portal ini tidak menerima NIK atau nomor KK.")
        elif (kunci := search_key(teks)) is None:
            st.warning("Masukkan paling sedikit 3 huruf nama.")
        elif ui.allow("cari", (settings.search_limit, settings.search_limit_address)):
            st.session_state["cek_hasil"] = {"kunci": kunci, "desa": kode_desa, "periode": periode}

    hasil = st.session_state.get("cek_hasil")
    if not hasil or hasil["desa"] != kode_desa or hasil["periode"] != periode:
        return

    baris = data.search_desa(periode, kode_desa, hasil["kunci"], settings.name_display)
    if baris.empty:
        st.info(
            f"Nama tersebut tidak ditemukan di {nama_desa} pada periode {nama_periode(periode)}. Periksa ejaan, "
            "atau coba sebagian nama saja. Jika orang tersebut layak menerima bantuan tetapi belum terdaftar, "
            "Anda dapat mengajukan **usul** agar dibahas pada musyawarah desa/kelurahan berikutnya."
        )
        if st.button("Ajukan usul (layak tetapi belum terdaftar)", icon=":material/person_add:"):
            ui.refer_to_form({"periode": periode, "kode_desa": kode_desa, "nama_desa": nama_desa, "jenis": "usul"})
        return

    st.write(f"{len(baris)} hasil di {nama_desa} · periode {nama_periode(periode)} (paling banyak 20 ditampilkan).")
    # Cards rather than a wide table: readable on a 360 px phone, and each row carries its own button.
    for nomor, row in baris.iterrows():
        with st.container(border=True):
            nama, rt_rw = escape_markdown(row["nama"]), escape_markdown(row["rt_rw"])
            st.markdown(f"**{nama}** · {row['usia']} tahun · RT/RW {rt_rw}")
            st.caption(f"Program: {row['program']} · Status: {row['status']}")
            if st.button("Sanggah data ini", key=f"sanggah_{nomor}", icon=":material/report:"):
                ui.refer_to_form(
                    {
                        "periode": periode,
                        "kode_desa": kode_desa,
                        "nama_desa": nama_desa,
                        "jenis": "sanggahan",
                        "token": row["token"],
                        "label": f"{row['nama']}, RT/RW {row['rt_rw']}",
                    }
                )


periode = ui.register_period()
st.title("Cek Status")
st.caption(
    "Periksa apakah seseorang tercantum dalam register di desa/kelurahannya. Cukup nama dan desa/kelurahan: "
    "portal ini tidak pernah meminta NIK atau nomor KK."
)
body(periode)
