"""Cek Status: is a name listed in a desa's register? Masked answers, at most 20 with the number that matched and
how to narrow (RT/RW, more of the name), throttled; never a NIK. On a phone the answer is scrolled into view."""

import streamlit as st

from portal import data, public, ui
from portal.config import get_settings
from portal.fmt import nama_periode
from portal.privacy.masks import AGE_BANDS
from portal.privacy.search_input import looks_like_nik, search_key
from portal.privacy.user_text import clean_text, escape_markdown

ANCHOR = "hasil-pencarian"


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
    with st.form("cek_form"):
        teks = st.text_input("Nama (paling sedikit 3 huruf)", max_chars=60)
        rt_rw = st.selectbox(
            "RT/RW (opsional, untuk mempersempit hasil)",
            data.desa_rt_rw(periode, kode_desa),
            index=None,
            placeholder="Semua RT/RW",
        )
        umur = st.selectbox("Kelompok umur (opsional)", AGE_BANDS, index=None, placeholder="Semua umur")
        dikirim = st.form_submit_button("Cari", icon=":material/search:")

    if dikirim:
        st.session_state.pop("cek_hasil", None)
        if looks_like_nik(teks):
            st.warning("Pencarian hanya dengan nama. Portal ini tidak menerima NIK atau nomor KK.")
        elif (kunci := search_key(teks)) is None:
            st.warning("Masukkan paling sedikit 3 huruf nama.")
        elif ui.allow("cari", (settings.search_limit, settings.search_limit_address)):
            nomor = st.session_state.get("cek_nomor", 0) + 1
            st.session_state["cek_nomor"] = nomor
            st.session_state["cek_hasil"] = {
                "teks": clean_text(teks, 60),
                "kunci": kunci,
                "desa": kode_desa,
                "periode": periode,
                "rt_rw": rt_rw,
                "umur": umur,
                "nomor": nomor,
            }

    hasil = st.session_state.get("cek_hasil")
    if hasil and hasil["desa"] == kode_desa and hasil["periode"] == periode:
        answer(hasil, periode, kode_desa, nama_desa, scroll=dikirim)
    st.page_link("pages/daftar_uji_publik.py", label=f"Lihat daftar uji publik {nama_desa}", icon=":material/list_alt:")


def answer(hasil: dict, periode: str, kode_desa: str, nama_desa: str, *, scroll: bool) -> None:
    """The results as compact cards under a heading that says how many matched and whether the list was cut."""
    policy = get_settings().name_display
    baris, total = data.search_desa_counted(
        periode, kode_desa, hasil["kunci"], policy, hasil.get("rt_rw"), hasil.get("umur")
    )
    tempat = nama_desa + (f", RT/RW {hasil['rt_rw']}" if hasil.get("rt_rw") else "")
    tempat += f", umur {hasil['umur']} tahun" if hasil.get("umur") else ""
    st.subheader(f"{total} orang ditemukan" if total else "Tidak ditemukan", anchor=ANCHOR)
    if scroll:
        ui_scroll_to(ANCHOR, hasil["nomor"])
    if baris.empty:
        st.info(
            f"Nama “{escape_markdown(hasil['teks'])}” tidak ditemukan di {escape_markdown(tempat)} pada periode "
            f"{nama_periode(periode)}. Periksa ejaan, coba sebagian nama saja, atau kosongkan RT/RW dan kelompok "
            "umur. Jika orang tersebut layak menerima bantuan tetapi belum terdaftar, Anda dapat mengajukan **usul** "
            "agar dibahas pada musyawarah desa/kelurahan berikutnya."
        )
        if st.button("Ajukan usul (layak tetapi belum terdaftar)", icon=":material/person_add:"):
            ui.refer_to_form({"periode": periode, "kode_desa": kode_desa, "nama_desa": nama_desa, "jenis": "usul"})
        return
    if total > len(baris):
        st.warning(
            f"Ada **{total} orang** dengan nama mirip “{escape_markdown(hasil['teks'])}” di "
            f"{escape_markdown(tempat)}; "
            f"hanya **{len(baris)} pertama** yang ditampilkan. Persempit pencarian: tulis nama lebih lengkap "
            "(misalnya dengan nama kedua), atau pilih RT/RW dan kelompok umur, lalu tekan Cari.",
            icon=":material/filter_list:",
        )
    else:
        st.caption(f"Di {escape_markdown(tempat)} · periode {nama_periode(periode)}. Nama disamarkan.")
    explain()
    # Cards rather than a wide table: readable on a 360 px phone, and each row carries its own button.
    for nomor, row in baris.iterrows():
        with st.container(border=True):
            st.markdown(f"**{escape_markdown(row['nama'])}**")
            st.caption(f"{row['usia']} tahun · RT/RW {escape_markdown(row['rt_rw'])}")
            program = escape_markdown(public.programme_text(row["program"]))
            status = public.STATUS_SHORT.get(row["status"], row["status"])
            st.markdown(f"Program: {program}  \nStatus: {escape_markdown(status)}")
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


def explain() -> None:
    """What the programmes and statuses mean, and what to do when someone should be listed but is not."""
    with st.expander("Apa arti Program dan Status?", icon=":material/help:"):
        st.markdown(
            "\n".join(
                f"- **{escape_markdown(n)}**: {escape_markdown(t)}"
                for n, t in public.PROGRAMME_MEANINGS.items()
                if n != "–"
            )
            + "\n- **Tidak menerima program**: "
            + escape_markdown(public.PROGRAMME_MEANINGS["–"])
        )
        st.markdown(
            "\n".join(f"- **{escape_markdown(s)}**: {escape_markdown(t)}" for s, t in public.STATUS_MEANINGS.items())
        )
        st.markdown(
            "Jika data seseorang keliru (misalnya sudah mampu, meninggal, atau pindah), tekan **Sanggah data ini**. "
            "Jika Anda merasa layak tetapi tidak tercantum, ajukan **usul** di halaman Ajukan Sanggahan / Usul atau "
            "datangi kantor desa/kelurahan."
        )


def ui_scroll_to(anchor: str, nomor: int) -> None:
    """Bring the answer into view after a search: on a phone it starts below the fold. `nomor` makes each
    search's snippet new, so the browser runs it again."""
    st.html(
        f'<span hidden data-cari="{int(nomor)}"></span><script>'
        f"(function(){{const t=document.getElementById('{anchor}');"
        "if(t){t.scrollIntoView({block:'start'});}})();</script>",
        unsafe_allow_javascript=True,
    )


periode = ui.register_period()
st.title("Cek Status")
st.caption(
    "Periksa apakah seseorang tercantum dalam register di desa/kelurahannya. Cukup nama dan desa/kelurahan: "
    "portal ini tidak pernah meminta NIK atau nomor KK."
)
body(periode)
