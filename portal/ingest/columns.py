"""The canonical columns of an ingest file: one per column of the KELUARGA and INDIVIDU schemas (a file has one row
per individual with the family's attributes repeated), plus region names. Built from `portal.schema`, so a
schema change is a column change here."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from portal.schema import INDIVIDU, KELUARGA

# Columns both tables carry: one column in the file, the family taking its value from its representative row.
SHARED = ("kode_desa", "kode_kab", "kode_kec", "id_keluarga", "no_kk", "dusun", "rt", "rw")
# KELUARGA.status_aktif and INDIVIDU.status_aktif differ, so the family's gets its own header.
FAMILY_STATUS = "status_aktif_keluarga"
REQUIRED = ("NIK", "NO_KK", "NAMA", "TANGGAL_LAHIR", "JENIS_KELAMIN")
REGION_HEADERS = ("KODE_PROV", "KODE_KAB", "KODE_KEC", "KODE_DESA")
REGION_NAME_HEADERS = ("NAMA_PROVINSI", "NAMA_KABUPATEN", "NAMA_KECAMATAN", "NAMA_DESA")
# Ranges of the small integer columns (values outside become null with a warning).
INT_RANGES = {"desil": (1, 10), "jumlah_art": (0, 999), "daya_listrik_va": (0, 32_767)}
_SPECIAL_KINDS = {
    "nik": "nik",
    "no_kk": "kk",
    "id_dtks": "id",
    "id_keluarga": "id",
    "id_usulan_asal": "id",
    "jenis_kelamin": "sex",
    "desil": "desil",
    "rt": "rtrw",
    "rw": "rtrw",
    "hubungan_keluarga": "hubungan",
    "keberadaan": "keberadaan",
    "status_padan": "padan",
    "nama": "name",
    "nama_kepala_keluarga": "name",
    "nama_ibu_kandung": "name",
    "kode_desa": "region",
    "kode_kec": "region",
    "kode_kab": "region",
}


@dataclass(frozen=True)
class Column:
    """One canonical column: its header, the field it fills and how its text is read."""

    header: str
    field: str
    kind: str
    type: pa.DataType


def _kind(name: str, type_: pa.DataType) -> str:
    if name in _SPECIAL_KINDS:
        return _SPECIAL_KINDS[name]
    if pa.types.is_date32(type_):
        return "date"
    if pa.types.is_boolean(type_):
        return "bool"
    if pa.types.is_integer(type_):
        return "int"
    return "text"


def _build() -> dict[str, Column]:
    out: dict[str, Column] = {}
    for field in INDIVIDU:
        out[field.name.upper()] = Column(field.name.upper(), field.name, _kind(field.name, field.type), field.type)
    for field in KELUARGA:
        name = FAMILY_STATUS if field.name == "status_aktif" else field.name
        if name in SHARED:
            continue
        out[name.upper()] = Column(name.upper(), name, _kind(field.name, field.type), field.type)
    out["KODE_PROV"] = Column("KODE_PROV", "kode_prov", "region", pa.string())
    for header in REGION_NAME_HEADERS:
        out[header] = Column(header, header.lower(), "region_name", pa.string())
    return out


COLUMNS: dict[str, Column] = _build()
# The order of an exported file: where, who, the person, then the family.
ORDER: tuple[str, ...] = (
    "KODE_PROV",
    "NAMA_PROVINSI",
    "KODE_KAB",
    "NAMA_KABUPATEN",
    "KODE_KEC",
    "NAMA_KECAMATAN",
    "KODE_DESA",
    "NAMA_DESA",
    *[c for c in COLUMNS if c not in REGION_HEADERS and c not in REGION_NAME_HEADERS],
)
# Fields read into the spill (everything but the region names, which only help find the code).
FIELDS: tuple[Column, ...] = tuple(c for c in COLUMNS.values() if c.kind != "region_name")


def keluarga_fields() -> list[tuple[str, str]]:
    """(KELUARGA column, spill field) pairs in schema order."""
    return [(f.name, FAMILY_STATUS if f.name == "status_aktif" else f.name) for f in KELUARGA]


def individu_fields() -> list[str]:
    """INDIVIDU columns in schema order (their spill fields carry the same names)."""
    return [f.name for f in INDIVIDU]
