"""What Daftar Uji Publik lists and its printed notice prints, as pure functions of query results: the musdes's
proposals with masked names and their RT/RW, the desa's recipients (one row per person), the RTs of a desa, the RT
a link names, and the portal's public address. The page shows these frames and hands the same frames to
`portal.notice`, so the printout never shows more (or less masked) than the page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from portal import public
from portal.notice import LIST_PAGE, NO_RT, RtSheet
from portal.privacy.masks import mask_name

USULAN_COLUMNS = ["id_usulan", "jenis", "kepala_keluarga", "jumlah_art", "kategori_usulan", "keputusan_musdes", "rt_rw"]
TAMBAH_SHOWN = ["kepala_keluarga", "jumlah_art", "rt_rw", "keputusan_musdes"]
HENTI_SHOWN = ["kepala_keluarga", "kategori_usulan", "rt_rw", "keputusan_musdes"]
PENERIMA_SHOWN = ["nama_warga", "usia", "rt_rw", "program", "status"]


def rt_rw(rt: pd.Series, rw: pd.Series) -> pd.Series:
    """'006/005' from the register's rt and rw, as portal.public.public_rows writes it; NO_RT where unknown."""
    joined = rt.astype("string") + "/" + rw.astype("string")
    return joined.astype(object).where(joined.notna(), NO_RT)


def usulan_rows(usulan: pd.DataFrame, policy: str) -> pd.DataFrame:
    """`musdes_usulan_rt` rows as the page shows them: the head of the family masked by `policy`, the RT/RW
    (NO_RT for a family not in the register), in the query's order."""
    if usulan.empty:
        return pd.DataFrame(columns=USULAN_COLUMNS)
    out = pd.DataFrame(
        {
            "id_usulan": usulan["id_usulan"].astype("int64"),
            "jenis": usulan["jenis"].astype(str),
            "kepala_keluarga": [mask_name(n, policy) for n in usulan["nama_kepala_keluarga"]],
            "jumlah_art": usulan["jumlah_art"].astype("Int64"),
            "kategori_usulan": usulan["kategori"].astype(object),
            "keputusan_musdes": usulan["keputusan_musdes"].astype(object),
            "rt_rw": rt_rw(usulan["rt"], usulan["rw"]),
        }
    )
    return out.reset_index(drop=True)


def split_usulan(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The proposals to add and the proposals to stop, each with its own index from 0."""
    tambah = rows[rows["jenis"] == "tambah"].reset_index(drop=True)
    henti = rows[rows["jenis"] != "tambah"].reset_index(drop=True)
    return tambah, henti


def recipients(people: pd.DataFrame, policy: str, periode: str) -> pd.DataFrame:
    """Every active person of the desa whose family receives a programme, once, as public rows (the per-programme
    lists of the page merged: the 'program' column names each person's programmes)."""
    if people.empty:
        return pd.DataFrame(columns=PENERIMA_SHOWN)
    receives = people[list(public.PROGRAMME_LABELS)].astype(bool).any(axis=1)
    chosen = people[people["status_aktif"].astype(bool) & receives]
    return shown(public.public_rows(chosen, policy, b"", periode, tokens=False))


def shown(rows: pd.DataFrame) -> pd.DataFrame:
    """Public rows with the headings' keys of this page (`nama` is the person's masked name here)."""
    return rows.rename(columns={"nama": "nama_warga"}).reindex(columns=PENERIMA_SHOWN)


def desa_rts(people: pd.DataFrame) -> list[str]:
    """Every RT/RW where someone of the desa is listed, sorted ('001/001', '002/001', …)."""
    if people.empty:
        return []
    return sorted(set(rt_rw(people["rt"], people["rw"])) - {NO_RT})


def of_rt(rows: pd.DataFrame, rt: str | None, *, unknown_too: bool = False) -> pd.DataFrame:
    """The rows of one RT/RW (all rows when `rt` is None); with `unknown_too`, also those whose RT is unknown."""
    if rt is None or rows.empty:
        return rows
    keep = rows["rt_rw"].eq(rt)
    if unknown_too:
        keep |= rows["rt_rw"].eq(NO_RT)
    return rows[keep].reset_index(drop=True)


def sheets(rts: Sequence[str], tambah: pd.DataFrame, henti: pd.DataFrame, penerima: pd.DataFrame) -> list[RtSheet]:
    """One notice sheet per RT/RW: its proposals (and those whose RT is unknown: a proposed family not yet in the
    register may live in any RT, so every RT's board shows it) and its recipients."""
    return [
        RtSheet(
            rt,
            of_rt(tambah, rt, unknown_too=True)[TAMBAH_SHOWN],
            of_rt(henti, rt, unknown_too=True)[HENTI_SHOWN],
            of_rt(penerima, rt)[PENERIMA_SHOWN],
        )
        for rt in rts
    ]


def rt_from_params(params: Mapping[str, str], options: Sequence[str]) -> str | None:
    """The RT/RW a link names (`rt=6&rw=5` or `rt=006&rw=005`; `rt` alone when only one RW has it) if the desa has
    it, else None."""
    rt, rw = str(params.get("rt", "")).strip(), str(params.get("rw", "")).strip()
    if not rt.isdigit() or (rw and not rw.isdigit()):
        return None
    found = [
        option
        for option in options
        if _number(option.partition("/")[0]) == int(rt) and (not rw or _number(option.partition("/")[2]) == int(rw))
    ]
    return found[0] if len(found) == 1 else None


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def rt_params(rt: str | None) -> dict[str, str]:
    """The link parameters of an RT/RW ('006/005' → rt=006, rw=005); none for every RT."""
    if rt is None:
        return {}
    nomor_rt, _, nomor_rw = rt.partition("/")
    return {"rt": nomor_rt, "rw": nomor_rw} if nomor_rw else {"rt": nomor_rt}


def portal_base(setting: str, page_url: str | None) -> str:
    """The portal's public address: PORTAL_PUBLIC_URL when set, else the address this page was opened at without
    the page's own path (e.g. 'http://host:8501/daftar_uji_publik' → 'http://host:8501'); a local default when
    neither is known."""
    if setting:
        return setting.rstrip("/")
    if not page_url:
        return "http://localhost:8501"
    base = page_url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if base.endswith("/" + LIST_PAGE):
        base = base[: -len(LIST_PAGE) - 1]
    return base
