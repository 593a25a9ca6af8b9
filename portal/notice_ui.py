"""Daftar Uji Publik's RT choice (kept in the page's link) and the download of the printed notice (Streamlit)."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from portal import data, notice, ui
from portal import notice_lists as lists
from portal.config import get_settings


def choose_rt(key: str, kode_desa: str, rts: list[str]) -> str | None:
    """The RT/RW select box ("Semua RT" first), opened at the RT the link names (`?desa=…&rt=006&rw=005`) once
    per link; the link then follows the choice, so the address bar can be shared."""
    box = f"{key}_rt_{kode_desa}"
    seen = f"_tautan_{box}"
    params = st.query_params.to_dict()
    tautan = (params.get("desa"), params.get("rt"), params.get("rw"))
    if tautan[0] == kode_desa and st.session_state.get(seen) != tautan:
        st.session_state[seen] = tautan
        if (dari_tautan := lists.rt_from_params(params, rts)) is not None:
            st.session_state[box] = dari_tautan
    rt = st.selectbox(
        "RT/RW",
        [None, *rts],
        format_func=lambda v: "Semua RT" if v is None else notice.rt_label(v),
        key=box,
    )
    link = {"desa": kode_desa, **lists.rt_params(rt)}
    if st.query_params.to_dict() != link:
        st.query_params.from_dict(link)
    st.session_state[seen] = (kode_desa, link.get("rt"), link.get("rw"))
    ui.link_seen(key, kode_desa)
    return rt


def notice_download(
    periode: str,
    desa: tuple[str, str],
    rt: str | None,
    rts: list[str],
    musdes: notice.Musdes | None,
    usulan: pd.DataFrame,
    penerima: pd.DataFrame,
) -> None:
    """The printed notice of the chosen RT, or of every RT in one PDF (each RT from a new page, numbered on its
    own), built from the same rows the page shows when the button is pressed."""
    kode_desa, nama_desa = desa
    semua = rt is None
    st.subheader("Cetak pengumuman")
    st.caption(
        (
            "Semua RT dalam satu PDF: setiap RT mulai di halaman baru dengan nomor halamannya sendiri, siap "
            "ditempel di papan pengumuman masing-masing RT. "
            if semua
            else ""
        )
        + "A4 tegak, dengan tanggal cetak, kolom tanda tangan, cara menyanggah dan kode QR menuju daftar ini dan "
        "formulir sanggahan."
    )
    if not rts:
        st.info("Belum ada warga yang tercatat di desa/kelurahan ini untuk dicetak.")
        return
    settings = get_settings()
    base = lists.portal_base(settings.public_url, _page_url())
    tambah, henti = lists.split_usulan(usulan)

    def build() -> bytes:
        meta = notice.NoticeMeta(
            kode_desa=kode_desa,
            nama_desa=nama_desa,
            **region_names(kode_desa),
            periode=periode,
            musdes=musdes,
            dicetak=datetime.now(UTC),
            portal_url=base,
            sintetis=data.served_manifest().source == "demo",
            nama_disamarkan=settings.name_display != "full",
        )
        return notice.build_notice(meta, lists.sheets(rts if semua else [rt], tambah, henti, penerima))

    bagian = "semua-rt" if semua else "rt{}-rw{}".format(*rt.split("/"))
    st.download_button(
        "Unduh pengumuman semua RT (PDF)" if semua else f"Unduh pengumuman {notice.rt_label(rt)} (PDF)",
        build,  # built when pressed, not on every rerun; the press reruns nothing
        on_click="ignore",
        file_name=f"pengumuman-uji-publik-{kode_desa}-{periode}-{bagian}.pdf",
        mime="application/pdf",
        icon=":material/print:",
    )


def region_names(kode_desa: str) -> dict[str, str]:
    """The kecamatan, kab/kota and provinsi names of a desa, for the notice's letterhead."""
    kec, kab, prov = kode_desa[:6], kode_desa[:4], kode_desa[:2]
    return {
        "nama_kecamatan": data.region_names("kecamatan", kab).get(kec, kec),
        "nama_kabupaten": data.region_names("kabupaten", prov).get(kab, kab),
        "nama_provinsi": data.region_names("provinsi", "").get(prov, prov),
    }


def _page_url() -> str | None:
    try:
        return st.context.url
    except Exception:  # outside a browser session (AppTest)
        return None
