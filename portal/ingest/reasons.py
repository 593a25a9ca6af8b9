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
        "NIK went through a number (scientific notation, trailing zeros, or above 9,007,199,254,740,992 where a"
        " number cannot hold every digit): its digits cannot be known. Format the NIK column as Text and export again",
        "NIK tersimpan sebagai angka (notasi ilmiah, nol di akhir, atau di atas 9.007.199.254.740.992 sehingga digit"
        " terakhir bisa berubah): digitnya tidak dapat dipastikan. Format kolom NIK sebagai Teks lalu ekspor ulang",
    ),
    "NIK_TIDAK_TERBACA": (
        "NIK is not readable (longer than 32 characters)",
        "NIK tidak terbaca (lebih dari 32 karakter)",
    ),
    "KK_KOSONG": ("No KK is empty", "No KK kosong"),
    "KK_DIGIT_HILANG": (
        "No KK went through a number and its digits cannot be known: format the No KK column as Text and export again",
        "No KK tersimpan sebagai angka sehingga digitnya tidak dapat dipastikan: format kolom No KK sebagai Teks lalu"
        " ekspor ulang",
    ),
    "KK_TIDAK_TERBACA": ("No KK is not readable", "No KK tidak terbaca"),
    "NAMA_KOSONG": ("name is empty", "nama kosong"),
    "NAMA_TIDAK_TERBACA": ("name is longer than 200 characters", "nama lebih dari 200 karakter"),
    "TGL_LAHIR_KOSONG": ("birth date is empty", "tanggal lahir kosong"),
    "TGL_LAHIR_TIDAK_VALID": (
        "birth date is unreadable, impossible, before 1900 or after the period: write it as dd/mm/yyyy or"
        " '30 Maret 1992' (a bare number is a date only in a numeric XLSX cell) and export again",
        "tanggal lahir tidak terbaca, mustahil, sebelum 1900 atau sesudah periode: tulis sebagai dd/mm/yyyy atau"
        " '30 Maret 1992' (angka saja hanya dibaca sebagai tanggal pada sel angka XLSX) lalu ekspor ulang",
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
        "a word outside the known vocabulary (hubungan keluarga, keberadaan, status padan), kept as written",
        "kata di luar kosakata yang dikenal (hubungan keluarga, keberadaan, status padan), disimpan apa adanya",
    ),
    "TAHUN_DUA_DIGIT": (
        "a date has a two-digit year, read as the latest such year not after the period's year (docs/INGEST.md)",
        "tanggal bertahun dua digit, dibaca sebagai tahun terakhir berakhiran itu yang tidak melewati tahun periode",
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


UNREADABLE = "NILAI_TIDAK_TERBACA"
# What an unreadable value of each column kind must look like, for NILAI_TIDAK_TERBACA:<COLUMN>.
_EXPECTED: dict[str, tuple[str, str]] = {
    "date": (
        "a date (dd/mm/yyyy, yyyy-mm-dd or '30 Maret 1992'; a bare number is a date only in a numeric XLSX cell)",
        "tanggal (dd/mm/yyyy, yyyy-mm-dd atau '30 Maret 1992'; angka saja hanya pada sel angka XLSX)",
    ),
    "bool": ("yes or no (1/0, YA/TIDAK, Y/T, ADA/TIDAK ADA)", "ya atau tidak (1/0, YA/TIDAK, Y/T, ADA/TIDAK ADA)"),
    "int": ("a whole number from {low} to {high}", "bilangan bulat {low} sampai {high}"),
    "desil": (
        "a whole number from 1 to 10 (0, N/A or BELUM DITENTUKAN for none)",
        "bilangan bulat 1 sampai 10 (0, N/A atau BELUM DITENTUKAN bila belum ada)",
    ),
    "id": (
        "a positive whole number written as text (a number cell loses digits)",
        "bilangan bulat positif yang ditulis sebagai teks (sel angka menghilangkan digit)",
    ),
    "rtrw": ("at most 20 characters", "paling banyak 20 karakter"),
}


def _unreadable(column: str, language: str) -> str:
    """NILAI_TIDAK_TERBACA:<COLUMN>: what was wrong and how to fix the export."""
    from portal.ingest.columns import COLUMNS, INT_RANGES

    col = COLUMNS.get(column)
    kind = col.kind if col else "text"
    low, high = INT_RANGES.get(col.field if col else "", (0, 2**31 - 1))
    expected = _EXPECTED.get(
        kind, ("shorter text (at most 1,000 characters)", "teks lebih pendek (paling banyak 1.000 karakter)")
    )
    english, indonesian = (text.format(low=low, high=high) for text in expected)
    if language == "en":
        return f"{column} cannot be read exactly; it must be {english}: fix the cells and export again"
    return f"{column} tidak dapat dibaca dengan pasti; seharusnya {indonesian}: perbaiki sel lalu ekspor ulang"


def describe(code: str, language: str = "en") -> str:
    """The description of a reason code in English ('en') or Bahasa Indonesia ('id')."""
    base, _, column = code.partition(":")
    if base == UNREADABLE and column:
        return _unreadable(column, language)
    pair = REJECTS.get(code) or WARNINGS.get(code)
    if pair is None:
        return code
    return pair[0] if language == "en" else pair[1]
