"""Every word the portal shows that is not a page's own prose, in one place: column headings, the names of codes
(statuses, audit actions), and the Bahasa Indonesia for Streamlit's own English strings.

Pages keep their sentences; anything that names a column or a code comes from here, so a column is called the
same on every page, in every export and in every test. Each part of the portal has its own block below (one team
member at a time edits a block); `COLUMNS` joins them.

`heading(name)` is the rule for a column without an entry: underscores become spaces and the first letter is
capitalised, so no raw `nama_kolom` reaches a reader even when an entry is missing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# --- shared: the register's own columns, used on many pages -----------------------------------------------------
_REGISTER = {
    "kode_provinsi": "Kode provinsi",
    "kode_kabupaten": "Kode kab/kota",
    "kode_kecamatan": "Kode kecamatan",
    "kode_desa": "Kode desa",
    "kode": "Kode wilayah",
    "nama": "Nama wilayah",
    "nama_provinsi": "Provinsi",
    "nama_kabupaten": "Kab/kota",
    "nama_kecamatan": "Kecamatan",
    "nama_desa": "Desa/kelurahan",
    "wilayah": "Wilayah",
    "periode": "Periode",
    "desil": "Desil",
    "rt": "RT",
    "rw": "RW",
    "nama_kepala_keluarga": "Nama kepala keluarga",
    "nama_samaran": "Nama (disamarkan)",
    "jumlah": "Jumlah",
    "jumlah_keluarga": "Jumlah keluarga",
    "jumlah_individu": "Jumlah individu",
    "keluarga": "Keluarga",
    "individu": "Individu",
    "keluarga_aktif": "Keluarga aktif",
    "individu_aktif": "Individu aktif",
    "desil_1_4": "Desil 1–4",
    "prog_pkh": "PKH",
    "prog_bpnt": "BPNT",
    "prog_pbi_jk": "PBI-JK",
    "prog_blt_dd": "BLT-DD",
    "pkh": "PKH",
    "bpnt": "BPNT",
    "pbi_jk": "PBI-JK",
    "blt_dd": "BLT-DD",
    "status": "Status",
    "alasan": "Alasan",
    "tiket": "Tiket",
    "kode_tiket": "Tiket",
    "waktu": "Waktu",
    "dibuat": "Diajukan",
    "diperbarui": "Diperbarui",
}

# --- citizen pages: Cek Status, Ajukan, Lacak Tiket ----------------------------------------------------------------
_CITIZEN: dict[str, str] = {}

# --- notice and published lists: Daftar Uji Publik, Statistik Publik, the printed notice -------------------------
_NOTICE: dict[str, str] = {}

# --- officials' pages: Antrean Sanggahan, Log Audit, Kualitas Data, Perubahan Periode, Unggah Data ---------------
_OFFICIALS: dict[str, str] = {}

# --- analysts: Eksplorasi and its exports ------------------------------------------------------------------------
_ANALYSTS: dict[str, str] = {}

# --- maps and their tables: Beranda, Peta Cakupan, Kemiskinan Ekstrem ---------------------------------------------
_MAPS: dict[str, str] = {
    "nilai": "Nilai",
    "pangsa_desil_1_4": "Pangsa desil 1–4",
    "cakupan_pkh": "Cakupan PKH",
    "sasaran": "Keluarga sasaran",
    "tanpa_program": "Tanpa program",
    "eksklusi_persen": "Eksklusi",
    "keluarga_d6_10": "Keluarga desil 6–10",
    "inklusi": "Desil 6–10 menerima",
    "inklusi_persen": "Inklusi",
    "p0": "P0 BPS",
}

COLUMNS: dict[str, str] = {**_REGISTER, **_CITIZEN, **_NOTICE, **_OFFICIALS, **_ANALYSTS, **_MAPS}

# Audit log actions (portal.store.audit) as an official reads them.
AUDIT_ACTIONS = {
    "masuk": "Masuk",
    "keluar": "Keluar",
    "ditolak": "Akses ditolak",
    "lihat_baris": "Melihat baris data",
    "lihat_rujukan": "Melihat data rujukan tiket",
    "lihat_usulan_hilang": "Melihat usulan yang hilang",
    "unggah_data": "Mengunggah data",
}


def heading(name: str, labels: Mapping[str, str] | None = None) -> str:
    """The heading a reader sees for column `name`: from `labels`, then `COLUMNS`, else `name` made readable."""
    if labels and name in labels:
        return labels[name]
    if name in COLUMNS:
        return COLUMNS[name]
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def headings(names: Iterable[str], labels: Mapping[str, str] | None = None) -> dict[str, str]:
    """`heading` for each of `names`, as a rename mapping."""
    return {name: heading(name, labels) for name in names}


def action(key: str) -> str:
    """An audit action's name for a reader; an unknown key made readable rather than shown raw."""
    return AUDIT_ACTIONS.get(key) or heading(key)
