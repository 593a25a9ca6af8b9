"""Daftar Uji Publik: a desa's current musdes, its proposals to add and to stop, and its current recipients by
programme, names masked, for the whole desa or one RT; the printed notice (PDF, per RT) for the notice boards.
A link such as `?desa=3471031003&rt=006&rw=005` (the printed notice's QR code) opens that desa and RT."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from portal import data, notice, notice_ui, public, ui
from portal import notice_lists as lists
from portal.config import get_settings
from portal.fmt import nama_periode, tanggal
from portal.periods import period_end
from portal.privacy.user_text import escape_markdown

KEY = "daftar"


@st.fragment
def body(periode: str) -> None:
    """The region picker and the chosen desa's lists: one fragment, so that choosing a region reruns this part
    of the page only."""
    ui.region_from_url(KEY)
    desa = ui.region_boxes(KEY)
    if desa is None:
        st.info("Pilih desa/kelurahan untuk melihat daftarnya.")
        return
    show(periode, desa)


def show(periode: str, desa: tuple[str, str]) -> None:
    """The desa's current musdes, its proposals and its recipients (of one RT, if chosen), and the notice."""
    kode_desa, policy = desa[0], get_settings().name_display
    rts, penerima = data.notice_lists(periode, kode_desa, policy)
    rt = notice_ui.choose_rt(KEY, kode_desa, rts)
    rapat = data.query("desa_musdes", periode=periode, kode_desa=kode_desa)
    musdes, usulan = None, lists.usulan_rows(pd.DataFrame(), policy)
    if rapat.empty:
        st.warning("Belum ada musyawarah desa/kelurahan yang tercatat untuk desa/kelurahan ini.")
    else:
        kini = rapat.iloc[0]
        musdes = meeting(kini, period_end(periode))
        found = data.query(
            "musdes_usulan_rt", periode=kini["periode"], kode_desa=kode_desa, id_musdes=int(kini["id_musdes"])
        )
        usulan = lists.usulan_rows(found, policy)
        tambah, henti = (lists.of_rt(rows, rt, unknown_too=True) for rows in lists.split_usulan(usulan))
        table(f"Usulan tambah ({len(tambah)})", tambah[lists.TAMBAH_SHOWN], expanded=True)
        table(f"Usulan penghentian ({len(henti)})", henti[lists.HENTI_SHOWN], expanded=True)
        if usulan["rt_rw"].eq(notice.NO_RT).any():
            st.caption(
                f"RT/RW {notice.NO_RT}: keluarga yang diusulkan belum tercatat di DTKS; usulan ini diumumkan di "
                "semua RT."
            )
        object_to(kini, desa, lists.of_rt(usulan, rt, unknown_too=True))
    for program, rows in data.recipient_lists(periode, kode_desa, policy).items():
        rows = lists.of_rt(lists.shown(rows), rt)
        table(f"Penerima {program} ({len(rows)})", rows, expanded=False)
    notice_ui.notice_download(periode, desa, rt, rts, musdes, usulan, penerima)
    st.page_link("pages/cek_status.py", label="Cari nama untuk mengajukan sanggahan", icon=":material/search:")


def meeting(kini: pd.Series, akhir) -> notice.Musdes:
    """The current musdes's facts, written on the page; a warning when it is older than 3 months."""
    tgl = pd.Timestamp(kini["tanggal"]).date()
    if tgl < akhir - timedelta(days=92):
        st.warning(f"Desa/kelurahan ini tidak mengadakan musyawarah dalam 3 bulan terakhir (terakhir {tanggal(tgl)}).")
    terbit = pd.Timestamp(kini["tanggal_publikasi"]).date() if pd.notna(kini["tanggal_publikasi"]) else None
    sampai = pd.Timestamp(kini["masa_sanggah_sampai"]).date() if pd.notna(kini["masa_sanggah_sampai"]) else None
    st.write(f"Musyawarah: {tanggal(tgl)}, berita acara nomor {kini['nomor_berita_acara']}")
    st.write(f"Hadir: {int(kini['jumlah_hadir'])} orang · foto dokumentasi: {int(kini['jumlah_foto'])}")
    st.write(
        "Diumumkan: "
        + (tanggal(terbit) if terbit else "belum diumumkan")
        + (f" · masa sanggah terbuka sampai {tanggal(sampai)}" if sampai else "")
    )
    return notice.Musdes(str(kini["jenis_musyawarah"]), tgl, str(kini["nomor_berita_acara"]), terbit, sampai)


def table(judul: str, rows: pd.DataFrame, *, expanded: bool) -> None:
    with st.expander(judul, expanded=expanded):
        ui.table(rows)


def object_to(kini: pd.Series, desa: tuple[str, str], usulan: pd.DataFrame) -> None:
    """A button per proposal that carries it (by an opaque token) to the objection form."""
    if usulan.empty:
        return
    with st.expander("Sanggah salah satu usulan", icon=":material/report:"):
        rahasia = data.token_secret()
        for nomor, row in usulan.iterrows():
            jenis = "tambah" if row["jenis"] == "tambah" else f"penghentian ({row['kategori_usulan']})"
            kiri, kanan = st.columns([3, 1], vertical_alignment="center")
            kiri.markdown(f"{escape_markdown(row['kepala_keluarga'])} · usulan {jenis} · {row['keputusan_musdes']}")
            if kanan.button("Sanggah", key=f"sanggah_usulan_{nomor}"):
                ui.refer_to_form(
                    {
                        "periode": str(kini["periode"]),
                        "kode_desa": desa[0],
                        "nama_desa": desa[1],
                        "jenis": "sanggahan",
                        "id_musdes": str(int(kini["id_musdes"])),
                        "token": public.usulan_token(rahasia, str(kini["periode"]), int(row["id_usulan"])),
                        "label": f"usulan {jenis} untuk {row['kepala_keluarga']}",
                    }
                )


periode = ui.register_period()
st.title("Daftar Uji Publik")
st.caption("Hasil musyawarah desa/kelurahan yang wajib diumumkan (Kepmensos 73/HUK/2024). Warga dapat menyanggah.")
terbaru = data.served_manifest().latest
if periode != terbaru:
    st.info(
        f"Anda melihat daftar sebagaimana diumumkan pada periode **{nama_periode(periode)}**, bukan periode terbaru "
        f"({nama_periode(terbaru)}). Daftar lama tetap dapat dilihat demi keterbukaan.",
        icon=":material/history:",
    )
else:
    st.caption("Daftar periode sebelumnya dapat dilihat dengan memilih **Periode data** di samping.")

body(periode)
