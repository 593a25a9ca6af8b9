"""What the public pages show, as pure functions of query results: name search, masked lists, programme
labels. Nothing here returns a NIK, No KK, birth date, mother's name or address: the queries do not select
them, and these functions only pass on the columns listed in PUBLIC_COLUMNS."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

import pandas as pd
import pyarrow as pa

from portal.names import canonical_names
from portal.privacy.masks import age_band, mask_name
from portal.privacy.row_tokens import find_row, row_token
from portal.suppression import SuppressedTable, suppress_table

MAX_RESULTS = 20
PROGRAMME_LABELS = {"prog_pkh": "PKH", "prog_bpnt": "BPNT", "prog_pbi_jk": "PBI-JK", "prog_blt_dd": "BLT-DD"}
PUBLIC_COLUMNS = ["nama", "usia", "rt_rw", "program", "status", "token"]


def with_search_keys(people: pd.DataFrame) -> pd.DataFrame:
    """The desa's people with a `kunci` column: the spelling-tolerant search key of each name."""
    keys = canonical_names(pa.array(people["nama"].astype(str).tolist(), type=pa.string()))
    return people.assign(kunci=keys.to_pylist())


def find_people(people: pd.DataFrame, key: str) -> pd.DataFrame:
    """Rows whose name key contains every word of the search key, at most MAX_RESULTS, best first."""
    words = key.split()
    if people.empty or not words:
        return people.head(0)
    hits = pd.Series(True, index=people.index)
    for word in words:
        hits &= people["kunci"].str.contains(word, regex=False)
    found = people[hits].copy()
    # Names that start with the query come first, then alphabetical: a short list a person can scan.
    found["_awal"] = ~found["kunci"].str.startswith(words[0])
    return found.sort_values(["_awal", "nama", "id_dtks"]).head(MAX_RESULTS).drop(columns="_awal")


def programmes(row: Mapping[str, object]) -> str:
    """'PKH, PBI-JK' or '–' when the family receives none."""
    names = [label for column, label in PROGRAMME_LABELS.items() if bool(row.get(column, False))]
    return ", ".join(names) if names else "–"


def status_label(row: Mapping[str, object]) -> str:
    """Status in words: aktif, nonaktif, or the reason a person left the list."""
    if row.get("keberadaan") == "meninggal":
        return "dilaporkan meninggal"
    if row.get("keberadaan") == "pindah":
        return "pindah"
    return "aktif" if bool(row.get("status_aktif")) else "nonaktif"


def public_rows(people: pd.DataFrame, policy: str, secret: bytes, periode: str, *, tokens: bool = True) -> pd.DataFrame:
    """The public view of register rows: masked name, age, RT/RW, programmes, status and an opaque token (without
    `tokens`, no token column: a list that links to no form need not compute one per row)."""
    columns = PUBLIC_COLUMNS if tokens else [c for c in PUBLIC_COLUMNS if c != "token"]
    if people.empty:
        return pd.DataFrame(columns=columns)
    records = people.to_dict("records")  # plain dicts: DataFrame.apply(axis=1) builds a Series per row
    out = pd.DataFrame(
        {
            "nama": [mask_name(n, policy) for n in people["nama"]],
            "usia": people["usia"].astype("Int64"),
            "rt_rw": people["rt"].astype(str) + "/" + people["rw"].astype(str),
            "program": pd.Series([programmes(r) for r in records], index=people.index, dtype=object),
            "status": pd.Series([status_label(r) for r in records], index=people.index, dtype=object),
        }
    )
    if tokens:
        out["token"] = [row_token(secret, periode, int(i)) for i in people["id_dtks"]]
    return out[columns].reset_index(drop=True)


def recipients_by_programme(people: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The desa's active recipients per programme (rows as in `people`), for the uji publik list."""
    active = people[people["status_aktif"].astype(bool)]
    return {label: active[active[column].astype(bool)] for column, label in PROGRAMME_LABELS.items()}


STAT_COLUMNS = {"pkh": "PKH", "bpnt": "BPNT", "pbi_jk": "PBI-JK", "blt_dd": "BLT-DD"}


def statistics_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Rollup rows (kode, nama, pkh, …) as the cells of a public table, labelled 'kode · nama'."""
    cells = rows.rename(columns=STAT_COLUMNS)
    cells.index = rows["kode"] + " · " + rows["nama"]
    return cells[list(STAT_COLUMNS.values())].astype("int64")


DESIL_COLUMNS = {**{f"desil_{d}": f"Desil {d}" for d in range(1, 11)}, "desil_kosong": "Tanpa desil"}


def desil_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Rollup rows (kode, nama, desil_1 … desil_10, desil_kosong) as the cells of the public desil table: active
    families per desil, labelled 'kode · nama'. The columns partition the active families, so the row total is the
    region's active families."""
    cells = rows.rename(columns=DESIL_COLUMNS)
    cells.index = rows["kode"] + " · " + rows["nama"]
    return cells[list(DESIL_COLUMNS.values())].astype("int64")


def suppress_path(tables: list[pd.DataFrame], labels: list[str], threshold: int = 10) -> SuppressedTable:
    """Suppress a drill-down path top-down: `tables[0]` is the national table, `tables[i]` the children of
    `labels[i - 1]` in `tables[i - 1]`. Each child's totals take exactly the parent's hidden pattern, so no
    figure hidden in one table can be recovered from another. Returns the last table."""
    current = suppress_table(tables[0], threshold)
    for cells, label in zip(tables[1:], labels, strict=True):
        current = suppress_table(cells, threshold, hidden_totals=current.hidden_totals_for(label))
    return current


STAT_LEVELS = ("provinsi", "kabupaten", "kecamatan")


def statistics_path(
    fetch: Callable[[str, str], pd.DataFrame],
    codes: Sequence[str],
    cells: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> tuple[SuppressedTable, list[str]]:
    """The published table of Statistik Publik (and the open data API) for a drill-down: `codes` is () for the
    provinces, (provinsi,) for its kab/kota, (provinsi, kabupaten) for the kecamatan of a kab/kota. `fetch(tingkat,
    induk)` returns rollup rows and `cells` makes them a table (`statistics_table`, the default, or `desil_table`).
    Returns the suppressed table and the labels ('kode · nama') of the regions walked; KeyError for a code that is
    not a child of the level above."""
    cells = cells or statistics_table
    if len(codes) >= len(STAT_LEVELS):
        raise KeyError("too deep")
    tables, labels = [cells(fetch(STAT_LEVELS[0], ""))], []
    for depth, code in enumerate(codes, start=1):
        label = next((item for item in tables[-1].index if item.split(" · ", 1)[0] == code), None)
        if label is None:
            raise KeyError(code)
        tables.append(cells(fetch(STAT_LEVELS[depth], code)))
        labels.append(label)
    return suppress_path(tables, labels), labels


def objection_window_dates(rapat: pd.DataFrame) -> tuple[date | None, date | None]:
    """The current musdes's objection window (publication day, last objection day) from `desa_musdes` rows (newest
    first), or (None, None) when the desa has no musdes or did not publish it."""
    if rapat.empty:
        return None, None
    kini = rapat.iloc[0]
    dibuka, ditutup = kini.get("tanggal_publikasi"), kini.get("masa_sanggah_sampai")
    if pd.isna(dibuka) or pd.isna(ditutup):
        return None, None
    return pd.Timestamp(dibuka).date(), pd.Timestamp(ditutup).date()


USULAN_PREFIX = "u."


def usulan_token(secret: bytes, periode: str, id_usulan: int) -> str:
    """An opaque token for a row of a musdes's usulan list (its own namespace, apart from people)."""
    return USULAN_PREFIX + row_token(secret, f"{periode}/usulan", id_usulan)


def resolve_token(secret: bytes, periode: str, token: str, people_ids: list[int], usulan_ids: list[int]) -> bool:
    """Whether a token names a person listed in the desa or an usulan of its musdes in that period."""
    if token.startswith(USULAN_PREFIX):
        return find_row(secret, f"{periode}/usulan", token[len(USULAN_PREFIX) :], usulan_ids) is not None
    return find_row(secret, periode, token, people_ids) is not None


# --- Cek Status: how many matched, how to narrow, and what the answer means ---------------------------------------


def match_people(
    people: pd.DataFrame, key: str, rt_rw: str | None = None, umur: str | None = None
) -> tuple[pd.DataFrame, int]:
    """Rows whose name key contains every word of `key` (optionally only in one 'RT/RW' and one age band of
    `masks.AGE_BANDS`), at most MAX_RESULTS, best first, and how many matched in all: the page says so and how to
    narrow, rather than cutting silently."""
    if rt_rw and not people.empty:
        people = people[(people["rt"].astype(str) + "/" + people["rw"].astype(str)) == rt_rw]
    if umur and not people.empty:
        bands = [age_band(int(u)) if pd.notna(u) and int(u) >= 0 else None for u in people["usia"]]
        people = people[[band == umur for band in bands]]
    words = key.split()
    if people.empty or not words:
        return people.head(0), 0
    hits = pd.Series(True, index=people.index)
    for word in words:
        hits &= people["kunci"].str.contains(word, regex=False)
    total = int(hits.sum())
    return find_people(people[hits], key), total


def rt_rw_choices(people: pd.DataFrame) -> list[str]:
    """The desa's RT/RW values ('003/005'), in order: public (DOMAIN.md), and the way to narrow a common name."""
    if people.empty:
        return []
    pairs = people[["rt", "rw"]].astype(str).drop_duplicates()
    return sorted(pairs["rt"] + "/" + pairs["rw"], key=lambda v: (v.split("/")[1], v.split("/")[0]))


PROGRAMME_MEANINGS = {
    "PKH": "Program Keluarga Harapan: bantuan tunai bersyarat untuk keluarga dengan ibu hamil, anak sekolah, "
    "lansia atau penyandang disabilitas berat.",
    "BPNT": "Bantuan Pangan Non Tunai (Sembako): bantuan bahan pangan setiap bulan.",
    "PBI-JK": "Penerima Bantuan Iuran Jaminan Kesehatan: iuran BPJS Kesehatan dibayar pemerintah.",
    "BLT-DD": "Bantuan Langsung Tunai Dana Desa: bantuan tunai dari dana desa.",
    "–": "Keluarga ini tercantum di register tetapi tidak menerima program yang ditampilkan di sini.",
}
STATUS_MEANINGS = {
    "aktif": "Tercantum dan aktif di register (DTKS) periode ini: dapat dipilih sebagai penerima program. Aktif "
    "tidak berarti pasti menerima bantuan; lihat kolom Program.",
    "nonaktif": "Tercantum di register tetapi dinonaktifkan, sehingga tidak dipilih sebagai penerima program.",
    "dilaporkan meninggal": "Dilaporkan meninggal dunia; datanya tidak lagi dipakai untuk program.",
    "pindah": "Dilaporkan pindah domisili; datanya dipindahkan atau menunggu pemutakhiran.",
}


def explain_programmes(program: str) -> list[str]:
    """What each programme of a result's 'PKH, PBI-JK' (or '–') means, one plain sentence each."""
    return [f"{name}: {PROGRAMME_MEANINGS[name]}" for name in program.split(", ") if name in PROGRAMME_MEANINGS]


def usulan_target(secret: bytes, periode: str, token: str, usulan: pd.DataFrame) -> str | None:
    """'tambah' or 'penghentian' for the usulan of a musdes (`musdes_usulan` rows) that `token` names, else None."""
    if not token.startswith(USULAN_PREFIX) or usulan.empty:
        return None
    ids = usulan["id_usulan"].astype(int).tolist()
    found = find_row(secret, f"{periode}/usulan", token[len(USULAN_PREFIX) :], ids)
    if found is None:
        return None
    return str(usulan.loc[usulan["id_usulan"].astype(int) == found, "jenis"].iloc[0])


def musdes_window(rapat: pd.DataFrame, id_musdes: int) -> tuple[date | None, date | None]:
    """The objection window (publication day, last objection day) of one musdes from `desa_musdes` rows, or
    (None, None) when it is not among them or was not published."""
    if rapat.empty:
        return None, None
    return objection_window_dates(rapat[rapat["id_musdes"].astype(int) == int(id_musdes)])


STATUS_SHORT = {
    "aktif": "aktif (tercantum di register)",
    "nonaktif": "nonaktif (tidak dipilih untuk program)",
    "dilaporkan meninggal": "dilaporkan meninggal",
    "pindah": "dilaporkan pindah",
}


def programme_text(program: str) -> str:
    """A result's programmes as a sentence part: 'PKH, PBI-JK', or in words when the family receives none."""
    return "tidak menerima PKH, BPNT, PBI-JK maupun BLT-DD" if program in ("–", "") else program
