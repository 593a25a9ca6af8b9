"""The objection lifecycle's rules, pure (no database, no Streamlit): the deadline's calendar rule, SLA states,
decision codes, which level acts on a ticket and the objection window. docs/LIFECYCLE.md explains the choices.

Stages: diajukan (submitted) → diverifikasi (verified in the field, optional) → diputus (decided) → banding
(appealed, at most once) → selesai (closed). A decided ticket that is not appealed within APPEAL_WINDOW days is
closed by the sweep; a decided appeal closes the ticket at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from portal.fmt import tanggal

WIB = timezone(timedelta(hours=7), "WIB")
DEADLINE_DAYS = 14  # the local government verifies within 14 days (DOMAIN.md; cekbansos lets the sanggah lapse)
APPEAL_DAYS = 14  # a citizen may appeal within 14 days of the decision; the level above decides within 14 days
AT_RISK_DAYS = 3  # an open ticket whose deadline is 3 days or less away is "mendekati batas"

STAGES = ("diajukan", "diverifikasi", "diputus", "banding", "selesai")
OPEN_STAGES = frozenset({"diajukan", "diverifikasi"})
TIERS = ("kabupaten", "provinsi", "pusat")
# The tier a role acts at: desa and kecamatan officials work for the kab/kota's Dinas Sosial.
ROLE_TIER = {"desa": "kabupaten", "kecamatan": "kabupaten", "kabupaten": "kabupaten", "provinsi": "provinsi"}

SLA_ON_TRACK = "sesuai jadwal"
SLA_AT_RISK = "mendekati batas"
SLA_BREACHED = "melewati batas"
SLA_STATES = (SLA_ON_TRACK, SLA_AT_RISK, SLA_BREACHED)

# Decision codes: (the decision they belong to, the words shown to the citizen). A reason is always required too.
DECISION_CODES: dict[str, tuple[str, str]] = {
    "TERBUKTI": ("diterima", "Terbukti dari verifikasi lapangan"),
    "SESUAI-DUKCAPIL": ("diterima", "Sesuai data kependudukan (Dukcapil)"),
    "MUSDES": ("diterima", "Diterima untuk dibahas pada musyawarah desa/kelurahan berikutnya"),
    "TIDAK-TERBUKTI": ("ditolak", "Tidak terbukti dari verifikasi lapangan"),
    "DATA-SUDAH-BENAR": ("ditolak", "Data dalam DTKS sudah sesuai"),
    "PENGAJUAN-GANDA": ("ditolak", "Pengajuan ganda (sudah ada tiket lain untuk hal yang sama)"),
    "KETERANGAN-KURANG": ("ditolak", "Keterangan tidak cukup untuk diverifikasi"),
}
APPEAL_OUTCOMES = ("dikuatkan", "dibatalkan")  # the decision upheld, or overturned (reversed)
DECISIONS = ("diterima", "ditolak")


STAGE_LABELS = {
    "diajukan": "diajukan",
    "diverifikasi": "terverifikasi lapangan",
    "diputus": "diputus",
    "banding": "banding",
    "selesai": "selesai",
}
TIER_LABELS = {"kabupaten": "kab/kota", "provinsi": "provinsi", "pusat": "pusat"}


def today() -> date:
    """Today's date in WIB (the calendar every deadline is counted in)."""
    return datetime.now(WIB).date()


def code_label(kode: str | None) -> str:
    """'DITOLAK — Tidak terbukti …' for a decision code, '–' for none (decisions made before codes existed)."""
    if kode not in DECISION_CODES:
        return "–"
    keputusan, label = DECISION_CODES[kode]
    return f"{keputusan.upper()} — {label}"


def codes_for(keputusan: str) -> list[str]:
    """The decision codes that belong to a decision ('diterima' or 'ditolak')."""
    return [code for code, (decision, _label) in DECISION_CODES.items() if decision == keputusan]


def deadline(submitted: datetime, days: int = DEADLINE_DAYS) -> datetime:
    """The end of the `days`-th calendar day after the submission day, in WIB: the day of submission is day 0, so a
    ticket filed at any hour of 1 March WIB has until 15 March 24:00 WIB. Returned in UTC."""
    if submitted.tzinfo is None:
        raise ValueError("submitted must be an aware datetime")
    day = submitted.astimezone(WIB).date() + timedelta(days=days + 1)
    return datetime.combine(day, time(0), tzinfo=WIB).astimezone(UTC)


def last_day(batas: datetime) -> date:
    """The last calendar day (WIB) before the deadline `batas` falls: what a page prints as the deadline."""
    return (batas - timedelta(microseconds=1)).astimezone(WIB).date()


def sla_state(batas: datetime, now: datetime, done_at: datetime | None = None) -> str:
    """'sesuai jadwal', 'mendekati batas' or 'melewati batas'. A finished step (`done_at`) is on track when it was
    done before the deadline and breached otherwise; an open one is at risk in its last AT_RISK_DAYS days."""
    if done_at is not None:
        return SLA_ON_TRACK if done_at < batas else SLA_BREACHED
    if now >= batas:
        return SLA_BREACHED
    if batas - now <= timedelta(days=AT_RISK_DAYS):
        return SLA_AT_RISK
    return SLA_ON_TRACK


def tier_above(tier: str) -> str:
    """The level an appeal of a decision made at `tier` goes to (pusat's own decisions stay at pusat)."""
    return {"kabupaten": "provinsi", "provinsi": "pusat", "pusat": "pusat"}[tier]


def may_act(role: str, tier: str) -> bool:
    """Whether an official of `role` may decide a ticket handled at `tier` (pusat may act at every level)."""
    return role == "pusat" or ROLE_TIER.get(role) == tier


@dataclass(frozen=True)
class WindowAnswer:
    """Whether an objection filed `today` is within the desa's objection window, and what the citizen is told."""

    terlambat: bool
    pesan: str


def objection_window(today: date, dibuka: date | None, ditutup: date | None) -> WindowAnswer:
    """An objection inside [dibuka, ditutup] (the current musdes's publication day to its last objection day, WIB)
    is on time. Outside it — no published musdes, before publication, after the window — it is still accepted, as a
    late objection taken to the next musdes: the right to object is not lost to timing, and the register is
    decided again at every musdes (at least every 3 months)."""
    if dibuka is not None and ditutup is not None and dibuka <= today <= ditutup:
        return WindowAnswer(False, f"Sanggahan diajukan dalam masa sanggah (sampai {tanggal(ditutup)}).")
    if ditutup is not None and today > ditutup:
        sebab = f"Masa sanggah desa/kelurahan ini telah berakhir pada {tanggal(ditutup)}."
    elif dibuka is not None and today < dibuka:
        sebab = f"Masa sanggah desa/kelurahan ini baru dibuka pada {tanggal(dibuka)}."
    else:
        sebab = "Desa/kelurahan ini belum mengumumkan hasil musyawarah dengan masa sanggah."
    return WindowAnswer(
        True,
        f"{sebab} Sanggahan Anda tetap diterima sebagai **sanggahan terlambat** dan akan dibahas pada musyawarah "
        "desa/kelurahan berikutnya; verifikasinya tetap paling lambat 14 hari.",
    )
