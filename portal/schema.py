"""Arrow schemas of the register tables: the one definition the generator, ingest and tests share.

`periode` and `kode_prov` are hive partition keys, so they live in the directory names, not in the files.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

PROGRAMMES = ("pkh", "bpnt", "pbi_jk", "blt_dd")
SULIT = (
    "kd_sulit_melihat",
    "kd_sulit_mendengar",
    "kd_sulit_berjalan",
    "kd_sulit_menggunakan_tangan",
    "kd_sulit_mengingat",
    "kd_sulit_mengurus_diri",
    "kd_sulit_berkomunikasi",
)
_s, _d, _b, _i8, _i16, _i32, _i64 = pa.string(), pa.date32(), pa.bool_(), pa.int8(), pa.int16(), pa.int32(), pa.int64()

KELUARGA = pa.schema(
    [
        ("kode_desa", _s),
        ("nama_kepala_keluarga", _s),
        ("id_keluarga", _i64),
        ("no_kk", _s),
        ("kode_kab", _s),
        ("kode_kec", _s),
        ("alamat", _s),
        ("dusun", _s),
        ("rt", _s),
        ("rw", _s),
        ("jumlah_art", _i16),
        ("lantai", _s),
        ("dinding", _s),
        ("atap", _s),
        ("sumber_air", _s),
        ("penerangan", _s),
        ("daya_listrik_va", _i16),
        ("jamban", _s),
        ("aset_lpg_5_5kg", _b),
        ("aset_kulkas", _b),
        ("aset_motor", _b),
        ("aset_mobil", _b),
        ("aset_lahan", _b),
        ("aset_ternak", _b),
        ("desil", _i8),
        ("status_kesejahteraan", _s),
        ("sumber_data", _s),
        *[(f"prog_{p}", _b) for p in PROGRAMMES],
        *[(f"prog_{p}_sejak", _d) for p in PROGRAMMES],
        ("status_aktif", _b),
        ("alasan_nonaktif", _s),
        ("tanggal_verivali", _d),
        ("id_usulan_asal", _i64),
    ]
)

INDIVIDU = pa.schema(
    [
        ("kode_desa", _s),
        ("nama", _s),
        ("id_dtks", _i64),
        ("id_keluarga", _i64),
        ("nik", _s),
        ("no_kk", _s),
        ("tempat_lahir", _s),
        ("tanggal_lahir", _d),
        ("jenis_kelamin", _s),
        ("nama_ibu_kandung", _s),
        ("hubungan_keluarga", _s),
        ("kode_kab", _s),
        ("kode_kec", _s),
        ("dusun", _s),
        ("rt", _s),
        ("rw", _s),
        ("status_padan", _s),
        *[(c, _b) for c in SULIT],
        ("penyakit_kronis", _s),
        ("partisipasi_sekolah", _s),
        ("pendidikan_tertinggi", _s),
        ("pekerjaan", _s),
        ("keberadaan", _s),
        ("tanggal_keberadaan", _d),
        ("status_aktif", _b),
    ]
)

MUSDES = pa.schema(
    [
        ("kode_desa", _s),
        ("id_musdes", _i64),
        ("kode_kab", _s),
        ("kode_kec", _s),
        ("jenis_musyawarah", _s),
        ("tanggal", _d),
        ("nomor_berita_acara", _s),
        ("jumlah_hadir", _i32),
        ("jumlah_foto", _i32),
        ("daftar_hadir_ada", _b),
        ("tanggal_publikasi", _d),
        ("masa_sanggah_sampai", _d),
    ]
)

USULAN = pa.schema(
    [
        ("kode_desa", _s),
        ("id_usulan", _i64),
        ("id_musdes", _i64),
        ("kode_kab", _s),
        ("kode_kec", _s),
        ("jenis", _s),
        ("kategori", _s),
        ("id_keluarga", _i64),
        ("nama_kepala_keluarga", _s),
        ("jumlah_art", _i16),
        ("keputusan_musdes", _s),
        ("tanggal_usulan", _d),
    ]
)

TRUTH_CACAT = pa.schema([("kode_desa", _s), ("jenis", _s), ("id_keluarga", _i64), ("id_dtks", _i64), ("kode_kab", _s)])
TRUTH_USULAN = pa.schema([("id_usulan", _i64), ("kode_kab", _s), ("akan_masuk_periode_berikut", _b)])

SCHEMAS = {
    "keluarga": KELUARGA,
    "individu": INDIVIDU,
    "musdes": MUSDES,
    "usulan": USULAN,
    "truth_cacat": TRUTH_CACAT,
    "truth_usulan": TRUTH_USULAN,
}
SORT_KEYS = {
    "keluarga": ["kode_desa", "nama_kepala_keluarga", "id_keluarga"],
    "individu": ["kode_desa", "nama", "id_dtks"],
    "musdes": ["kode_desa", "id_musdes"],
    "usulan": ["kode_desa", "id_usulan"],
    "truth_cacat": ["kode_desa", "jenis", "id_keluarga", "id_dtks"],
    "truth_usulan": ["id_usulan"],
}


def to_arrow(table: str, frame: pd.DataFrame) -> pa.Table:
    """Columns of `frame` in schema order and types, rows sorted by the table's sort key."""
    schema = SCHEMAS[table]
    arrays = []
    for field in schema:
        # pandas' Arrow-backed strings convert without a copy; object columns are converted once.
        values = pa.array(frame[field.name], from_pandas=True)
        if pa.types.is_date32(field.type) and not pa.types.is_date32(values.type):
            values = values.cast(pa.timestamp("s")).cast(pa.date32()) if not pa.types.is_null(values.type) else values
        arrays.append(values.cast(field.type))
    out = pa.Table.from_arrays(arrays, schema=schema)
    return out.sort_by([(key, "ascending") for key in SORT_KEYS[table]])
