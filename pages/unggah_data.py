"""Unggah Data: an official uploads a SIKS-NG / DTSEN export for a period, watches the progress, reads the report
and downloads the rejected rows. Pusat replaces the whole period; provinsi and kabupaten only their own region."""

import pandas as pd
import streamlit as st

from portal import data, officials, staff, ui
from portal.config import get_settings
from portal.ingest import IngestError, upload
from portal.ingest.report import column_notes, reason_table

LABEL_WILAYAH = {
    "diterima": "Diterima",  # rows accepted (portal.words' "diterima" is a count of tickets received)
    "kode_kab": "Kode kab/kota",
    "nama_kab": "Kab/kota",
    "keluarga_ditambah": "Keluarga ditambah",
    "keluarga_dihapus": "Keluarga dihapus",
    "individu_ditambah": "Individu ditambah",
    "individu_dihapus": "Individu dihapus",
}

scope = staff.require_scope()
ui.provenance_footer()
if not upload.may_upload(scope):
    staff.deny(scope, "unggah_data", scope.region)
st.title("Unggah Data Register")
wilayah = "seluruh Indonesia" if scope.region == "" else officials.region_text(scope.region, data.region_name)
st.caption(
    f"Satu baris per individu (ekspor 'data individu' SIKS-NG/DTSEN). Anda mengunggah untuk {wilayah}: baris di luar "
    "wilayah Anda ditolak, dan bila periode sudah ada, data wilayah lain tetap seperti semula. "
    f"Ukuran berkas paling besar {st.get_option('server.maxUploadSize')} MB."
)

with st.form("unggah"):
    berkas = st.file_uploader("Berkas (CSV, CSV.gz atau XLSX)", type=upload.FILE_TYPES, key="unggah_berkas")
    periode = st.text_input("Periode (TTTT-BB)", max_chars=7, placeholder="2026-12", key="unggah_periode")
    periksa = st.checkbox("Periksa saja, jangan terbitkan", key="unggah_periksa")
    susut = st.checkbox(
        "Izinkan penyusutan besar",
        key="unggah_susut",
        help="Tanpa ini, berkas yang akan menghapus lebih dari separuh keluarga periode sebelumnya di wilayah Anda "
        "tidak diterbitkan (biasanya tanda berkas yang belum lengkap).",
    )
    jalankan = st.form_submit_button("Jalankan", type="primary", icon=":material/upload:")

if jalankan:
    if berkas is None:
        st.warning("Pilih berkas terlebih dahulu.")
        st.stop()
    bar = st.progress(0.0, text="Memulai…")

    def kemajuan(event: object) -> None:
        bar.progress(min(max(event.fraction or 0.0, 0.0), 1.0), text=upload.progress_text(event))  # type: ignore[attr-defined]

    try:
        hasil = upload.run_upload(
            berkas.name,
            berkas.getvalue(),
            periode.strip(),
            scope,
            get_settings(),
            kemajuan,
            dry_run=periksa,
            allow_shrink=susut,
        )
    except IngestError as exc:
        data.store().audit(
            scope.user, "unggah_data", scope.region, upload.audit_detail(periode, berkas.name, None, str(exc))
        )
        bar.empty()
        st.error(exc.pesan)
        st.stop()
    data.store().audit(scope.user, "unggah_data", scope.region, upload.audit_detail(periode, berkas.name, hasil))
    bar.progress(1.0, text="Selesai.")
    st.session_state["unggah_hasil"] = (hasil.report, upload.rejects_csv(hasil), hasil.published)

if "unggah_hasil" not in st.session_state:
    st.stop()
laporan, tolak, terbit = st.session_state["unggah_hasil"]
if terbit:
    st.success(f"Periode {laporan['periode']} diterbitkan dan kini ditampilkan portal.")
elif laporan["diterima"] == 0:
    st.error("Tidak ada baris yang diterima; tidak ada yang diterbitkan.")
else:
    st.info("Hanya diperiksa; tidak ada yang diterbitkan.")
kolom = st.columns(4)
kolom[0].metric("Baris dibaca", f"{laporan['baris_dibaca']:,}".replace(",", "."))
kolom[1].metric("Diterima", f"{laporan['diterima']:,}".replace(",", "."))
kolom[2].metric("Ditolak", f"{laporan['ditolak']:,}".replace(",", "."))
kolom[3].metric("Keluarga", f"{laporan['keluarga']:,}".replace(",", "."))
if laporan.get("baris_ringkasan_dilewati"):
    st.caption(
        f"{laporan['baris_ringkasan_dilewati']} baris ringkasan/catatan (JUMLAH, TOTAL, catatan kaki) dilewati: "
        "bukan orang, tidak dihitung sebagai baris dibaca."
    )
for catatan in column_notes(laporan, "id"):
    st.caption(catatan)
st.subheader("Alasan penolakan dan peringatan")
alasan = pd.DataFrame(reason_table(laporan, "id"), columns=["jenis", "kode", "baris", "keterangan"])
ui.table(alasan, labels={"kode": "Kode alasan"})
st.subheader("Per kabupaten/kota")
ui.table(pd.DataFrame(laporan["per_wilayah"]), labels=LABEL_WILAYAH)
if laporan["perubahan"]:
    p = laporan["perubahan"]
    st.write(
        f"Dibanding periode {laporan['periode_lalu']}: keluarga +{p['keluarga_ditambah']} / −{p['keluarga_dihapus']}, "
        f"individu +{p['individu_ditambah']} / −{p['individu_dihapus']}."
    )
contoh = [{"kode": k, "sumber": c["sumber"], "nik": c["nik"]} for k, rows in laporan["contoh"].items() for c in rows]
if contoh:
    st.subheader("Contoh baris (NIK disamarkan)")
    ui.table(pd.DataFrame(contoh), labels={"kode": "Kode alasan", "nik": "NIK (disamarkan)"})
st.download_button(
    "Unduh baris yang ditolak (CSV)",
    data=tolak,
    file_name=f"tolak-{laporan['periode']}.csv",
    mime="text/csv",
    on_click="ignore",
    icon=":material/download:",
)
