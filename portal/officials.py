"""What the officials' pages (Antrean Sanggahan, Log Audit) show, as pure functions: the queue's rows with names
instead of codes and what each ticket is about, the store's refusals in Bahasa Indonesia, the audit log's lines in
words with WIB times and readable details, and its CSV export. No Streamlit, no database."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd

from portal import lifecycle, words
from portal.fmt import tanggal
from portal.store.tickets import format_ticket_code, normalise_ticket_code

WIB = lifecycle.WIB
# What a musdes usulan's `jenis` is called in the queue.
USULAN_JENIS = {"tambah": "usul tambah", "penghentian": "usul hapus"}
QUEUE_COLUMNS = (
    "tiket",
    "nama_desa",
    "nama_kecamatan",
    "jenis",
    "kategori",
    "tentang",
    "tahap",
    "ditangani",
    "status",
    "diajukan",
    "umur_hari",
    "batas",
    "sla",
    "kode_desa",
)


# What the queue says about a referenced person it did not look up (the ticket, once opened, names them).
NOT_RESOLVED = {"nama": "(buka tiket untuk melihat)"}


def ticket_display(code: str) -> str:
    """A ticket code in the grouped form the citizen was given: RH5E-445K-9D85-9TV6."""
    normalised = normalise_ticket_code(code)
    return format_ticket_code(normalised) if normalised else str(code)


# --- the queue ------------------------------------------------------------------------------------------------


def subject_text(subject: Mapping[str, str] | None, jenis: str, row_token: str | None) -> str:
    """What a ticket is about: 'R**A M*****A · usul tambah' for an objection to a musdes proposal, the masked name
    for an objection to a listed person, and a sentence when the reference cannot be resolved."""
    if subject is not None:
        kind = subject.get("jenis_usulan")
        return f"{subject['nama']} · {USULAN_JENIS.get(kind, 'usulan musdes')}" if kind else subject["nama"]
    if not row_token:
        return "usulan warga (belum terdaftar)" if jenis == "usul" else "tanpa rujukan baris"
    return "rujukan tidak ditemukan pada periode ini"


def queue_rows(
    tickets: Iterable[Any],
    desa_names: Callable[[str], tuple[str, str]],
    subject: Callable[[Any], Mapping[str, str] | None],
    today: date,
) -> pd.DataFrame:
    """The queue as a table: one row per ticket (QueueItem), oldest first as given, with the desa and kecamatan
    names (`desa_names(kode_desa)` → (desa, kecamatan)), what it is about, its stage in words, its age in days and
    its deadline."""
    rows = []
    for t in tickets:
        desa, kecamatan = desa_names(t.kode_desa)
        batas = t.banding_batas if t.tahap == "banding" and t.banding_batas is not None else t.batas_waktu
        rows.append(
            {
                "tiket": ticket_display(t.code),
                "nama_desa": desa,
                "nama_kecamatan": kecamatan,
                "jenis": t.jenis + (" (terlambat)" if t.terlambat else ""),
                "kategori": t.kategori,
                "tentang": subject_text(subject(t), t.jenis, t.row_token),
                "tahap": lifecycle.STAGE_LABELS[t.tahap],
                "ditangani": lifecycle.TIER_LABELS[t.tingkat],
                "status": t.status,
                "diajukan": tanggal(t.created_at.astimezone(WIB).date()),
                "umur_hari": (today - t.created_at.astimezone(WIB).date()).days,
                "batas": tanggal(lifecycle.last_day(batas)),
                "sla": t.sla,
                "kode_desa": t.kode_desa,
            }
        )
    return pd.DataFrame(rows, columns=list(QUEUE_COLUMNS))


# --- the store's refusals in Bahasa Indonesia ----------------------------------------------------------------

_FIELDS = {
    "reason": "alasan",
    "alasan": "alasan",
    "actor": "petugas",
    "status": "status",
    "hasil": "hasil",
    "catatan": "catatan",
    "alasan_banding": "alasan banding",
}
_TIERS = {"kabupaten": "kab/kota", "provinsi": "provinsi", "pusat": "pusat"}
_MESSAGES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"a (\w+) is required"), lambda m: f"{_FIELDS.get(m[1], m[1]).capitalize()} wajib diisi."),
    (re.compile(r"(\w+) is required"), lambda m: f"{_FIELDS.get(m[1], m[1]).capitalize()} wajib diisi."),
    (
        re.compile(r"handled at the (\w+) level"),
        lambda m: f"Tiket ini ditangani tingkat {_TIERS.get(m[1], m[1])}; Anda tidak dapat menindaklanjutinya.",
    ),
    (re.compile(r"already decided"), lambda m: "Tiket ini sudah diputus; statusnya tidak dapat diubah lagi."),
    (re.compile(r"only an open ticket"), lambda m: "Hanya tiket yang belum diputus yang dapat diverifikasi."),
    (re.compile(r"does not belong to"), lambda m: "Kode keputusan tidak sesuai dengan keputusannya."),
    (re.compile(r"already appealed"), lambda m: "Keputusan ini sudah pernah dibanding."),
    (re.compile(r"no open appeal"), lambda m: "Tiket ini tidak memiliki banding yang menunggu putusan."),
    (
        re.compile(r"made the decision cannot decide"),
        lambda m: "Petugas yang membuat keputusan awal tidak dapat memutus bandingnya.",
    ),
    (re.compile(r"longer than (\d+) characters"), lambda m: f"Teks terlalu panjang (paling banyak {m[1]} karakter)."),
    (re.compile(r"16-digit number"), lambda m: "Teks tidak boleh memuat NIK atau No KK (16 angka)."),
    (re.compile(r"control character|not valid Unicode"), lambda m: "Teks memuat karakter yang tidak diizinkan."),
    (re.compile(r"must be one of"), lambda m: "Pilihan tidak dikenal; muat ulang halaman lalu coba lagi."),
)


def store_message(exc: BaseException) -> str:
    """The store's refusal (StoreValidationError, LifecycleRefused, TicketNotFound; written in English for logs and
    the CLI) as a sentence in Bahasa Indonesia for the official: never the English text itself."""
    if isinstance(exc, LookupError):
        return "Tiket tidak ditemukan."
    text = str(exc)
    for pattern, say in _MESSAGES:
        if (match := pattern.search(text)) is not None:
            return say(match)
    return "Perubahan ditolak karena isiannya tidak sesuai. Periksa isian lalu coba lagi."


# --- the audit log ---------------------------------------------------------------------------------------------

# Values of audit details written in English by older code (accounts), as an official reads them.
_DETAIL_VALUES = {
    "password": "kata sandi",
    "unknown user": "pengguna tidak dikenal",
    "disabled": "akun nonaktif",
    "locked": "akun terkunci",
    "wrong password": "kata sandi salah",
    "wrong password; locked": "kata sandi salah; akun terkunci",
    "changed during login": "akun berubah saat masuk",
    "oidc": "akun instansi (SSO)",
}


def detail_value(key: str, value: object) -> str:
    """One detail value in words: a ticket code grouped, yes/no, lists joined, none as '–'."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int | float):
        return f"{value:,}".replace(",", "X").replace(".", ",").replace("X", ".")
    if isinstance(value, list | tuple):
        return ", ".join(detail_value(key, v) for v in value) or "–"
    if isinstance(value, dict):
        return detail_text(value)
    text = str(value)
    if key in ("tiket", "code") and normalise_ticket_code(text):
        return ticket_display(text)
    if key == "role":
        return text
    return _DETAIL_VALUES.get(text, text)


def detail_text(detail: Mapping[str, Any]) -> str:
    """An audit line's detail as 'Tiket: RH5E-…; Status: diproses' (headings from portal.words), not a dict."""
    if not detail:
        return "–"
    return "; ".join(f"{words.heading(key)}: {detail_value(key, value)}" for key, value in detail.items())


def region_text(kode: str, name: Callable[[str], str | None]) -> str:
    """'Kota Yogyakarta (3471)' for a region code; 'Nasional' for the empty code."""
    if not kode:
        return "Nasional"
    nama = name(kode)
    return f"{nama} ({kode})" if nama else kode


def audit_rows(entries: Iterable[Any], region_name: Callable[[str], str | None]) -> pd.DataFrame:
    """Audit lines (AuditEntry) as a table: the time (aware, shown in WIB by ui.table), the official, the action in
    words, the region by name and code, and the detail in words."""
    rows = [
        {
            "waktu": e.time,
            "petugas": e.actor,
            "tindakan": words.action(e.action),
            "wilayah": region_text(e.region, region_name),
            "rincian": detail_text(e.detail),
        }
        for e in entries
    ]
    frame = pd.DataFrame(rows, columns=["waktu", "petugas", "tindakan", "wilayah", "rincian"])
    frame["waktu"] = pd.to_datetime(frame["waktu"], utc=True)
    return frame


def wib_text(moment: datetime) -> str:
    """'01/09/2026 08:00 WIB'."""
    return moment.astimezone(WIB).strftime("%d/%m/%Y %H:%M WIB")


def wib_range(dari: date | None, sampai: date | None) -> tuple[datetime | None, datetime | None]:
    """The half-open UTC range of whole WIB days from `dari` through `sampai` (either may be open)."""
    since = None if dari is None else datetime.combine(dari, time(0), tzinfo=WIB)
    until = None if sampai is None else datetime.combine(sampai + timedelta(days=1), time(0), tzinfo=WIB)
    return since, until


def audit_csv(entries: Iterable[Any], region_name: Callable[[str], str | None], header: list[list[str]]) -> bytes:
    """The filtered log as CSV (UTF-8 with BOM, so spreadsheets read it as UTF-8): a header block (what was
    filtered, by whom, when), then one line per entry with WIB times and the same words as the page. A cell that a
    spreadsheet would run as a formula is prefixed with an apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out)
    for line in header:
        writer.writerow([_safe_cell(c) for c in line])
    writer.writerow([])
    writer.writerow([words.heading(c) for c in ("waktu", "petugas", "tindakan", "kode_aksi", "wilayah", "rincian")])
    for e in entries:
        row = [
            wib_text(e.time),
            e.actor,
            words.action(e.action),
            e.action,
            region_text(e.region, region_name),
            detail_text(e.detail),
        ]
        writer.writerow([_safe_cell(c) for c in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _safe_cell(value: str) -> str:
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def dates_as_text(rows: pd.DataFrame) -> pd.DataFrame:
    """Date columns (tanggal_*) as '15 Juli 1985': ui.table would read them as times and show them in WIB with an
    hour. Missing dates stay missing (shown as '–')."""
    out = rows.copy()
    for name in out.columns:
        if str(name).startswith("tanggal"):
            values = pd.to_datetime(out[name], errors="coerce")
            out[name] = [None if pd.isna(v) else tanggal(v.date()) for v in values]
    return out
