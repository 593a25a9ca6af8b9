"""Log Audit: who saw, exported or changed what, where and when — for the pusat role only. Filters (date range in
WIB, official, action, region) are applied by the store; the table shows actions in words, WIB times and readable
details, a page at a time; the filtered log can be downloaded as CSV, and that download is itself audited."""

from datetime import datetime, timedelta

import streamlit as st

from portal import data, lifecycle, officials, staff, ui, words
from portal.fmt import tanggal
from portal.store.audit import AuditFilter

PER_HALAMAN = 100
BATAS_EKSPOR = 100_000

scope = staff.require_scope()
ui.provenance_footer()
if scope.role != "pusat":
    staff.deny(scope, "audit", scope.region)
st.title("Log Audit")

petugas_ada, tindakan_ada = data.store().audit_facets()
hari_ini = lifecycle.today()
kiri, tengah, kanan = st.columns(3)
rentang = kiri.date_input(
    "Tanggal (WIB)",
    value=(hari_ini - timedelta(days=29), hari_ini),
    max_value=hari_ini,
    format="DD/MM/YYYY",
    key="audit_tanggal",
)
petugas = tengah.selectbox(
    "Petugas", [None, *petugas_ada], format_func=lambda p: "Semua" if p is None else p, key="audit_petugas"
)
tindakan = kanan.selectbox(
    "Tindakan",
    [None, *sorted(tindakan_ada, key=words.action)],
    format_func=lambda a: "Semua" if a is None else words.action(a),
    key="audit_tindakan",
)
wilayah = ui.scope_region_picker(scope, "audit")
dari, sampai = (*tuple(rentang or ()), None, None)[:2]
sejak, hingga = officials.wib_range(dari, sampai if sampai is not None else dari)
saring = AuditFilter(since=sejak, until=hingga, actor=petugas, action=tindakan, region=wilayah or None)

jumlah = data.store().audit_search(saring, limit=1).total
halaman_akhir = max(1, -(-jumlah // PER_HALAMAN))
halaman = int(
    st.number_input(f"Halaman (dari {halaman_akhir})", min_value=1, max_value=halaman_akhir, value=1, key="audit_hal")
)
hasil = data.store().audit_search(saring, limit=PER_HALAMAN, offset=(halaman - 1) * PER_HALAMAN)
st.caption(f"{jumlah:,} entri cocok dengan saringan; terbaru di atas.".replace(",", "."))
if not hasil.entries:
    st.info("Tidak ada entri log untuk saringan ini.")
    st.stop()
ui.table(officials.audit_rows(hasil.entries, data.region_name))

uraian = [
    ["Judul", "Log Audit Portal DTKS"],
    ["Tanggal", f"{tanggal(dari)} – {tanggal(sampai or dari)}" if dari else "Semua"],
    ["Petugas", petugas or "Semua"],
    ["Tindakan", words.action(tindakan) if tindakan else "Semua"],
    ["Wilayah", officials.region_text(wilayah, data.region_name)],
    ["Dibuat oleh", scope.user],
]


def unduhan() -> bytes:
    """The whole filtered log (up to BATAS_EKSPOR lines) as CSV, built when clicked and audited then."""
    semua: list = []
    while len(semua) < BATAS_EKSPOR:
        bagian = data.store().audit_search(saring, limit=1000, offset=len(semua)).entries
        semua += bagian
        if len(bagian) < 1000:
            break
    waktu = officials.wib_text(datetime.now(lifecycle.WIB))
    data.store().audit(
        scope.user,
        "ekspor_log_audit",
        scope.region,
        {
            "dari": dari.isoformat() if dari else None,
            "sampai": (sampai or dari).isoformat() if dari else None,
            "petugas": petugas,
            "tindakan": tindakan,
            "wilayah": wilayah,
            "baris": len(semua),
        },
    )
    return officials.audit_csv(semua, data.region_name, [*uraian, ["Waktu unduh", waktu]])


st.download_button(
    "Unduh log tersaring (CSV)",
    data=unduhan,
    file_name=f"log-audit-{hari_ini.isoformat()}.csv",
    mime="text/csv",
    on_click="ignore",
    icon=":material/download:",
    key="audit_unduh",
)
