"""Reason codes: why a row was rejected (TOLAK) or flagged (PERINGATAN), in English for the CLI and docs and in
Bahasa Indonesia for the pages. docs/INGEST.md lists the same table."""

from __future__ import annotations

# code: (English, Bahasa Indonesia)
REJECTS: dict[str, tuple[str, str]] = {
    "BARIS_RUSAK": (
        "the record could not be read as a row (wrong number of fields, unterminated quote)",
        "baris tidak dapat dibaca (jumlah kolom tidak sesuai header, tanda kutip tidak ditutup)",
    ),
    "NIK_KOSONG": ("NIK is empty", "NIK kosong"),
    "NIK_DIGIT_HILANG": (
        "NIK went through a number (scientific notation or trailing zeros): digits were lost and cannot be repaired",
        "NIK tersimpan sebagai angka (notasi ilmiah/angka nol di akhir): digit hilang dan tidak dapat dipulihkan",
    ),
    "NIK_TIDAK_TERBACA": (
        "NIK is not readable (longer than 32 characters)",
        "NIK tidak terbaca (lebih dari 32 karakter)",
    ),
    "KK_KOSONG": ("No KK is empty", "No KK kosong"),
    "KK_DIGIT_HILANG": (
        "No KK went through a number: digits were lost and cannot be repaired",
        "No KK tersimpan sebagai angka: digit hilang dan tidak dapat dipulihkan",
    ),
    "KK_TIDAK_TERBACA": ("No KK is not readable", "No KK tidak terbaca"),
    "NAMA_KOSONG": ("name is empty", "nama kosong"),
    "NAMA_TIDAK_TERBACA": ("name is longer than 200 characters", "nama lebih dari 200 karakter"),
    "TGL_LAHIR_KOSONG": ("birth date is empty", "tanggal lahir kosong"),
    "TGL_LAHIR_TIDAK_VALID": (
        "birth date is unreadable, impossible, before 1900 or after the period",
        "tanggal lahir tidak terbaca, mustahil, sebelum 1900 atau sesudah periode",
    ),
    "JK_KOSONG": ("sex is empty", "jenis kelamin kosong"),
    "JK_TIDAK_VALID": ("sex is not L/P (or a known spelling)", "jenis kelamin bukan L/P"),
    "WILAYAH_KOSONG": ("no region down to desa (code or names)", "wilayah sampai desa tidak diisi (kode atau nama)"),
    "WILAYAH_TIDAK_DIKENAL": (
        "region code or name is not in the 2025 code list",
        "kode atau nama wilayah tidak ada di daftar kode 2025",
    ),
    "WILAYAH_AMBIGU": ("region name matches several regions", "nama wilayah cocok dengan lebih dari satu wilayah"),
    "PAPUA_TIDAK_TERPETAKAN": (
        "pre-2022 Papua code that cannot be mapped to one current desa",
        "kode Papua sebelum 2022 yang tidak dapat dipetakan ke satu desa saat ini",
    ),
    "DI_LUAR_WILAYAH": ("row lies outside the uploader's region", "baris berada di luar wilayah petugas pengunggah"),
    "DUPLIKAT_BARIS": (
        "the same person (ID_DTKS, or NIK within one family) appears earlier in the file",
        "orang yang sama (ID_DTKS, atau NIK dalam satu keluarga) sudah ada di baris sebelumnya",
    ),
    "ID_DTKS_GANDA": (
        "the ID_DTKS is used earlier in the file by another NIK",
        "ID_DTKS sudah dipakai NIK lain di baris sebelumnya",
    ),
}
WARNINGS: dict[str, tuple[str, str]] = {
    "NIK_TIDAK_VALID": (
        "NIK kept, but its structure is invalid (length, province, date or serial)",
        "NIK disimpan, tetapi strukturnya tidak valid (panjang, provinsi, tanggal atau nomor urut)",
    ),
    "KK_TIDAK_VALID": ("No KK kept, but its structure is invalid", "No KK disimpan, tetapi strukturnya tidak valid"),
    "NIK_DARI_ANGKA": (
        "NIK was stored as a number; all 16 digits survived, but the column should be text",
        "NIK tersimpan sebagai angka; 16 digit utuh, tetapi kolom seharusnya teks",
    ),
    "KK_DARI_ANGKA": (
        "No KK was stored as a number; all digits survived",
        "No KK tersimpan sebagai angka; digit utuh",
    ),
    "TGL_LAHIR_BEDA_NIK": (
        "birth date differs from the date in the NIK (DDMMYY)",
        "tanggal lahir berbeda dengan tanggal di NIK (DDMMYY)",
    ),
    "JK_BEDA_NIK": ("sex differs from the NIK (day + 40 for women)", "jenis kelamin berbeda dengan NIK (tanggal + 40)"),
    "KODE_PAPUA_LAMA": (
        "pre-2022 Papua code mapped to the current code",
        "kode Papua sebelum 2022 dipetakan ke kode saat ini",
    ),
    "NILAI_TIDAK_DIKENAL": (
        "an optional value was unreadable and left empty, or is outside the known vocabulary",
        "nilai opsional tidak terbaca (dikosongkan) atau di luar kosakata yang dikenal",
    ),
    "ID_TIDAK_VALID": (
        "ID_DTKS or ID_KELUARGA unreadable: a derived id was used",
        "ID_DTKS atau ID_KELUARGA tidak terbaca: dipakai ID turunan",
    ),
    "NIK_GANDA": ("the NIK is held in more than one family in this file", "NIK dipakai di lebih dari satu keluarga"),
    "KELUARGA_TIDAK_KONSISTEN": (
        "family attributes differ from the family's other rows (the head's row was used)",
        "atribut keluarga berbeda dengan baris lain keluarga itu (dipakai baris kepala keluarga)",
    ),
    "NIK_BEDA_IDENTITAS_PERIODE_LALU": (
        "in the previous period this NIK had another name and another birth date",
        "pada periode sebelumnya NIK ini memiliki nama dan tanggal lahir lain",
    ),
}


def describe(code: str, language: str = "en") -> str:
    """The description of a reason code in English ('en') or Bahasa Indonesia ('id')."""
    pair = REJECTS.get(code) or WARNINGS.get(code)
    if pair is None:
        return code
    return pair[0] if language == "en" else pair[1]
