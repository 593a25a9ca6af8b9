"""Cek Status: is a name listed in a desa's register? Masked answers, at most 20, throttled; never a NIK."""

import streamlit as st

from portal import data, public, ui
from portal.config import get_settings
from portal.fmt import nama_periode
from portal.privacy.search_input import looks_like_nik, search_key
from portal.privacy.user_text import escape_markdown

periode = ui.register_period()
settings = get_settings()

st.title("Cek Status")
st.caption(
    "Periksa apakah seseorang tercantum dalam register di desa/kelurahannya. Cukup nama dan desa/kelurahan: "
    "portal ini tidak pernah meminta NIK atau nomor KK."
)
desa = ui.region_picker("cek")
if desa is None:
    st.info("Pilih provinsi, kabupaten/kota, kecamatan, lalu desa/kelurahan.")
    st.stop()
kode_desa, nama_desa = desa
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
    st.stop()

ditemukan = public.find_people(data.desa_people(periode, kode_desa), hasil["kunci"])
if ditemukan.empty:
    st.info(
        f"Nama tersebut tidak ditemukan di {nama_desa} pada periode {nama_periode(periode)}. Periksa ejaan, "
        "atau coba sebagian nama saja. Jika orang tersebut layak menerima bantuan tetapi belum terdaftar, "
        "Anda dapat mengajukan **usul** agar dibahas pada musyawarah desa/kelurahan berikutnya."
    )
    if st.button("Ajukan usul (layak tetapi belum terdaftar)", icon=":material/person_add:"):
        ui.refer_to_form({"periode": periode, "kode_desa": kode_desa, "nama_desa": nama_desa, "jenis": "usul"})
    st.stop()

baris = public.public_rows(ditemukan, settings.name_display, data.token_secret(), periode)
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
