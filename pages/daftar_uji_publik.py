"""Daftar Uji Publik: a desa's current musdes, its proposals to add and to stop, and its current recipients
by programme, names masked; an A4 sheet for the notice board."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from portal import data, public, ui
from portal.config import get_settings
from portal.fmt import nama_periode, tanggal
from portal.periods import period_end
from portal.printout import notice_sheet
from portal.privacy.masks import mask_name
from portal.privacy.user_text import escape_markdown


@st.fragment
def body(periode: str) -> None:
    """The region picker and the chosen desa's lists: one fragment, so that choosing a region reruns this part
    of the page only."""
    desa = ui.region_boxes("daftar")
    if desa is None:
        st.info("Pilih desa/kelurahan untuk melihat daftarnya.")
        return
    lists(periode, *desa)


def lists(periode: str, kode_desa: str, nama_desa: str) -> None:
    """The desa's current musdes, its proposals and its recipients, and the A4 sheet of them."""
    policy = get_settings().name_display
    rapat = data.query("desa_musdes", periode=periode, kode_desa=kode_desa)
    akhir = period_end(periode)
    sections: list[tuple[str, pd.DataFrame]] = []
    meta = [f"Periode data: {nama_periode(periode)}"]
    if rapat.empty:
        st.warning("Belum ada musyawarah desa/kelurahan yang tercatat untuk desa/kelurahan ini.")
    else:
        kini = rapat.iloc[0]
        tgl = pd.Timestamp(kini["tanggal"]).date()
        if tgl < akhir - timedelta(days=92):
            st.warning(
                f"Desa/kelurahan ini tidak mengadakan musyawarah dalam 3 bulan terakhir (terakhir {tanggal(tgl)})."
            )
        terbit = kini["tanggal_publikasi"]
        sampai = kini["masa_sanggah_sampai"]
        meta += [
            f"Musyawarah: {tanggal(tgl)}, berita acara nomor {kini['nomor_berita_acara']}",
            f"Hadir: {int(kini['jumlah_hadir'])} orang · foto dokumentasi: {int(kini['jumlah_foto'])}",
            "Diumumkan: "
            + (tanggal(pd.Timestamp(terbit).date()) if pd.notna(terbit) else "belum diumumkan")
            + (f" · masa sanggah terbuka sampai {tanggal(pd.Timestamp(sampai).date())}" if pd.notna(sampai) else ""),
        ]
        for line in meta[1:]:
            st.write(line)
        usulan = data.query(
            "musdes_usulan", periode=kini["periode"], kode_desa=kode_desa, id_musdes=int(kini["id_musdes"])
        )
        usulan = usulan.assign(nama=[mask_name(n, policy) for n in usulan["nama_kepala_keluarga"]])
        tambah = usulan[usulan["jenis"] == "tambah"][["nama", "jumlah_art", "keputusan_musdes"]]
        henti = usulan[usulan["jenis"] == "penghentian"][["nama", "kategori", "keputusan_musdes"]]
        labels = {
            "nama": "Kepala keluarga",
            "jumlah_art": "Anggota",
            "keputusan_musdes": "Keputusan",
            "kategori": "Alasan",
        }
        sections += [
            ("Usulan tambah", tambah.rename(columns=labels)),
            ("Usulan penghentian", henti.rename(columns=labels)),
        ]
        if not usulan.empty:
            with st.expander("Sanggah salah satu usulan", icon=":material/report:"):
                rahasia = data.token_secret()
                for nomor, row in usulan.reset_index(drop=True).iterrows():
                    jenis = "tambah" if row["jenis"] == "tambah" else f"penghentian ({row['kategori']})"
                    kiri, kanan = st.columns([3, 1], vertical_alignment="center")
                    kiri.markdown(f"{escape_markdown(row['nama'])} · usulan {jenis} · {row['keputusan_musdes']}")
                    if kanan.button("Sanggah", key=f"sanggah_usulan_{nomor}"):
                        ui.refer_to_form(
                            {
                                "periode": str(kini["periode"]),
                                "kode_desa": kode_desa,
                                "nama_desa": nama_desa,
                                "jenis": "sanggahan",
                                "id_musdes": str(int(kini["id_musdes"])),
                                "token": public.usulan_token(rahasia, str(kini["periode"]), int(row["id_usulan"])),
                                "label": f"usulan {jenis} untuk {row['nama']}",
                            }
                        )

    headers = {"nama": "Nama", "usia": "Usia", "rt_rw": "RT/RW", "program": "Program", "status": "Status"}
    for program, rows in data.recipient_lists(periode, kode_desa, policy).items():
        sections.append((f"Penerima {program}", rows.rename(columns=headers)))

    for judul, tabel in sections:
        with st.expander(f"{judul} ({len(tabel)})", expanded=judul.startswith("Usulan")):
            st.dataframe(tabel, hide_index=True, width="stretch")

    st.download_button(
        "Unduh tampilan cetak (A4)",
        # Built when the button is pressed, not on every rerun; the press reruns nothing.
        lambda: notice_sheet(f"Daftar Uji Publik {nama_desa}", meta, sections),
        on_click="ignore",
        file_name=f"uji-publik-{kode_desa}-{periode}.html",
        mime="text/html",
        icon=":material/print:",
    )
    st.page_link("pages/cek_status.py", label="Cari nama untuk mengajukan sanggahan", icon=":material/search:")


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
