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
_NOTICE: dict[str, str] = {
    # the public rows of a desa (portal.public.public_rows), as Daftar Uji Publik and the printed notice show them
    "nama_warga": "Nama",
    "usia": "Usia (tahun)",
    "rt_rw": "RT/RW",
    "program": "Program",
    # the musdes's proposals (usulan)
    "kepala_keluarga": "Kepala keluarga",
    "jumlah_art": "Jumlah anggota keluarga",
    "kategori_usulan": "Alasan",
    "keputusan_musdes": "Keputusan musdes",
    # Statistik Publik's accountability figures (portal.accountability)
    "diterima": "Tiket diterima",
    "tepat_waktu": "Diputus ≤ 14 hari",
    "melewati_batas": "Melewati batas",
    "dalam_proses": "Dalam proses",
    "banding": "Banding",
    "banding_dikuatkan": "Banding dikuatkan",
    "dibatalkan": "Dibatalkan",
    "banding_menunggu": "Banding menunggu",
    "desa": "Desa/kelurahan",
    "desa_musdes_3_bulan": "Desa musdes ≤ 3 bulan",
    "desa_tanpa_musdes": "Desa tanpa musdes 3 bulan",
}

# --- officials' pages: Antrean Sanggahan, Log Audit, Kualitas Data, Perubahan Periode, Unggah Data ---------------
_OFFICIALS: dict[str, str] = {
    # Antrean Sanggahan
    "jenis": "Jenis",
    "kategori": "Kategori",
    "tentang": "Tentang",
    "tahap": "Tahap",
    "ditangani": "Ditangani",
    "umur_hari": "Umur (hari)",
    "batas": "Batas waktu",
    "sla": "SLA",
    # Log Audit and its details
    "petugas": "Petugas",
    "tindakan": "Tindakan",
    "kode_aksi": "Kode tindakan",
    "rincian": "Rincian",
    "metode": "Metode",
    "peran": "Peran",
    "halaman": "Halaman",
    "query": "Kueri",
    "keputusan": "Keputusan",
    "hasil": "Hasil",
    "ke": "Ke",
    "dari": "Dari",
    "baris": "Baris",
    "cek": "Cek",
    "bulan": "Bulan",
    "lebih_dari_hari": "Lebih dari (hari)",
    "jalur": "Jalur",
    "format": "Format",
    "method": "Metode",
    "reason": "Alasan",
    "username": "Nama pengguna",
    "role": "Peran",
    "identity": "Identitas",
    "berkas": "Berkas",
    "pesan": "Pesan",
    "filter": "Saringan",
    # Kualitas Data, Perubahan Antar Periode, Unggah Data
    "nik": "NIK",
    "sumber": "Sumber",
    "keterangan": "Keterangan",
    "tanggal_usulan": "Tanggal usulan",
    "id_usulan": "ID usulan",
    "status_aktif": "Aktif",
    "keberadaan": "Keberadaan",
    "kode_kab": "Kode kab/kota",
    "nama_kab": "Kab/kota",
    "ditolak": "Ditolak",
    "peringatan": "Peringatan",
    "hilang": "Usulan hilang",
    "disetujui": "Disetujui musdes",
    "masuk": "Masuk register",
}

# --- analysts: Eksplorasi and its exports ------------------------------------------------------------------------
_ANALYSTS: dict[str, str] = {
    "id_dtks": "ID DTKS",
    "id_keluarga": "ID keluarga",
    "nik": "NIK",
    "no_kk": "Nomor KK",
    "nama_individu": "Nama",
    "jenis_kelamin": "Jenis kelamin",
    "tanggal_lahir": "Tanggal lahir",
    "usia": "Usia (tahun)",
    "kelompok_umur": "Kelompok umur",
    "hubungan_keluarga": "Hubungan keluarga",
    "program": "Program",
    "disabilitas": "Disabilitas",
    "keberadaan": "Keberadaan",
    "alamat": "Alamat",
    "jumlah_art": "Jumlah anggota keluarga",
    "alasan_nonaktif": "Alasan nonaktif",
    "tanggal_verivali": "Tanggal verivali",
    "jenis_kelamin_kepala": "Jenis kelamin kepala keluarga",
    "usia_kepala": "Usia kepala keluarga (tahun)",
    "disabilitas_kepala": "Disabilitas kepala keluarga",
    "persen_desil_1_4": "Desil 1–4 (%)",
    "persen_pkh": "Cakupan PKH (%)",
    "persen_bpnt": "Cakupan BPNT (%)",
    "persen_pbi_jk": "Cakupan PBI-JK (%)",
    "persen_blt_dd": "Cakupan BLT-DD (%)",
    "persen_tanpa": "Tanpa program (%)",
}

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
    # officials' actions (pages, the store's lifecycle, accounts)
    "login": "Masuk (akun lokal)",
    "login_failed": "Gagal masuk",
    "user_add": "Menambah akun petugas",
    "user_password": "Mengganti kata sandi akun",
    "user_scope": "Mengubah peran/wilayah akun",
    "user_disable": "Menonaktifkan akun",
    "user_enable": "Mengaktifkan akun",
    "oidc_map": "Memetakan akun instansi (SSO)",
    "oidc_unmap": "Mencabut pemetaan akun instansi",
    "lihat_antrean": "Melihat antrean sanggahan",
    "ubah_status": "Mengubah status tiket",
    "verifikasi_lapangan": "Mencatat verifikasi lapangan",
    "putusan": "Memutus tiket",
    "banding": "Banding diajukan warga",
    "putusan_banding": "Memutus banding",
    "eskalasi": "Eskalasi ke provinsi",
    "tutup": "Tiket ditutup",
    "lihat_baris_kualitas": "Melihat baris temuan kualitas data",
    "ekspor_baris": "Mengekspor baris data",
    "ekspor_agregat": "Mengekspor agregat",
    "ekspor_log_audit": "Mengekspor log audit",
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


# --- Streamlit's own English: the words of its widgets and chrome, as a reader of this portal sees them ----------
# Streamlit 1.67 has no locale option; the page's script (portal/web/assets/bahasa.js, served with this dictionary
# by portal.web.localize) replaces these in text and in aria-label, title and placeholder attributes as they appear.
# A key is an exact text (surrounding spaces aside); strings made from parts are in STREAMLIT_PATTERNS.
STREAMLIT = {
    # st.file_uploader
    "Upload": "Pilih berkas",
    "Browse files": "Pilih berkas",
    "Add files": "Tambah berkas",
    "Drag and drop file here": "Seret dan lepas berkas di sini",
    "Drag and drop a file here": "Seret dan lepas berkas di sini",
    "Drag and drop files here": "Seret dan lepas berkas di sini",
    "Drag and drop directories here": "Seret dan lepas folder di sini",
    "Upload directories": "Pilih folder",
    "Remove file": "Hapus berkas",
    # the app's chrome: sidebar, main menu, status, dialogs
    "Expand sidebar": "Menu",
    "Collapse sidebar": "Tutup menu",
    "Sidebar": "Menu samping",
    "App pages": "Halaman portal",
    "View more": "Tampilkan semua",
    "View less": "Tampilkan lebih sedikit",
    "Main menu": "Opsi halaman",
    "Rerun": "Muat ulang",
    "Settings": "Pengaturan",
    "Print": "Cetak",
    "Record a screencast": "Rekam layar",
    "Record screen": "Rekam layar",
    "About": "Tentang",
    "Clear cache": "Hapus cache",
    "Clear caches": "Hapus cache",
    "Developer options": "Opsi pengembang",
    "Deploy": "Terbitkan",
    "Theme": "Tema",
    "Made with Streamlit v": "Dibuat dengan Streamlit v",
    "Running...": "Memproses...",
    "Stop": "Hentikan",
    "Stopping...": "Menghentikan...",
    "Connecting": "Menyambungkan",
    "Please wait...": "Mohon tunggu...",
    "Loading...": "Memuat...",
    "Close": "Tutup",
    "Cancel": "Batal",
    "Dismiss": "Tutup",
    "Copied": "Tersalin",
    "Copy to clipboard": "Salin",
    "Copy version to clipboard": "Salin versi",
    "Page not found": "Halaman tidak ditemukan",
    "Connection error": "Koneksi terputus",
    "Is Streamlit still running? If you accidentally stopped Streamlit, just restart it in your terminal:": (
        "Portal tidak dapat dihubungi. Halaman ini akan tersambung kembali dengan sendirinya; bila tidak, muat "
        "ulang halaman sebentar lagi."
    ),
    "streamlit run yourscript.py": "Muat ulang halaman (F5) bila koneksi tidak kembali.",
    "Streamlit server is not responding. Are you connected to the internet?": (
        "Server portal tidak menjawab. Periksa koneksi internet Anda."
    ),
    "Connection lost. Please wait for the app to reconnect, then try again.": (
        "Koneksi terputus. Tunggu sampai halaman tersambung kembali, lalu coba lagi."
    ),
    # tables (st.dataframe) and chart toolbars
    "Download as CSV": "Unduh sebagai CSV",
    "Search": "Telusuri tabel",
    "Type to search": "Ketik untuk menelusuri",
    "Close Search": "Tutup penelusuran",
    "Next Result": "Hasil berikutnya",
    "Previous Result": "Hasil sebelumnya",
    "Fullscreen": "Layar penuh",
    "Close fullscreen": "Tutup layar penuh",
    "Exit fullscreen": "Keluar dari layar penuh",
    "Show/hide columns": "Tampilkan/sembunyikan kolom",
    "Sort ascending": "Urutkan naik",
    "Sort descending": "Urutkan turun",
    "Hide column": "Sembunyikan kolom",
    "Pin column": "Sematkan kolom",
    "Unpin column": "Lepas sematan kolom",
    "Autosize": "Ukuran otomatis",
    "Format": "Format",
    "Copy column name": "Salin nama kolom",
    "Clear selection": "Hapus pilihan",
    "No data": "Tidak ada data",
    "Dataframe column menu": "Menu kolom tabel",
    # selectbox, multiselect, text input
    "Choose an option": "Pilih salah satu",
    "Choose options": "Pilih satu atau lebih",
    "No options to select": "Tidak ada pilihan",
    "No results": "Tidak ada hasil",
    "Select all": "Pilih semua",
    "Clear all": "Hapus semua",
    "Clear value": "Hapus isian",
    "Clear entry": "Hapus isian",
    "Selected values": "Nilai terpilih",
    "Open": "Buka",
    "Show password": "Tampilkan sandi",
    "Hide password": "Sembunyikan sandi",
    "Press Enter to apply": "Tekan Enter untuk menerapkan",
    "Press Enter to submit form": "Tekan Enter untuk mengirim formulir",
    "Press ⌘+Enter to apply": "Tekan ⌘+Enter untuk menerapkan",
    "Press Ctrl+Enter to apply": "Tekan Ctrl+Enter untuk menerapkan",
    "Press ⌘+Enter to submit form": "Tekan ⌘+Enter untuk mengirim formulir",
    "Press Ctrl+Enter to submit form": "Tekan Ctrl+Enter untuk mengirim formulir",
}

# Streamlit's strings built from parts: (JavaScript regular expression, replacement with $1 …), matched against a
# whole text (surrounding spaces aside).
STREAMLIT_PATTERNS = (
    (r"^(\d+(?:[.,]\d+)?\s?[KMGT]?B) per file$", "$1 per berkas"),
    (
        r"^You have requested page /(.*), but no corresponding file was found in the app's pages/ directory\. "
        r"Running the app's main page\.$",
        "Halaman /$1 tidak ada di portal ini. Halaman utama dibuka.",
    ),
    (
        r"^The page that you have requested does not seem to exist\. Running the app's main page\.$",
        "Halaman yang diminta tidak ada di portal ini. Halaman utama dibuka.",
    ),
    (r"^Cannot connect to Streamlit \(HTTP status: (\d+)\)\.?$", "Portal tidak dapat dihubungi (HTTP $1)."),
)
