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


# --- what an objection is about, and the uji publik window of a musdes's lists ------------------------------------

# What a citizen objects to (sasaran), and the categories that fit it. An objection to a proposal to stop someone's
# assistance says they should keep it; one to a proposal to add someone, or to a current recipient, says they should
# not be (or are wrongly) listed; an usul proposes a household that is not listed at all.
SASARAN_PENERIMA = "penerima"  # a person listed in the register (found with Cek Status)
SASARAN_TAMBAH = "usulan_tambah"  # a musdes's proposal to add a household (Daftar Uji Publik)
SASARAN_HENTI = "usulan_penghentian"  # a musdes's proposal to stop or deactivate a household (Daftar Uji Publik)
SASARAN_USUL = "usul"  # a household proposed for the next musdes
SASARAN_LABELS = {
    SASARAN_PENERIMA: "data penerima di register",
    SASARAN_TAMBAH: "usulan tambah hasil musyawarah desa/kelurahan",
    SASARAN_HENTI: "usulan penghentian hasil musyawarah desa/kelurahan",
    SASARAN_USUL: "usul keluarga baru",
}
_AGAINST_LISTING = (
    "tidak layak / sudah mampu",
    "meninggal dunia",
    "pindah domisili",
    "data ganda",
    "tidak dikenal di lingkungan",
)
KATEGORI_BY_SASARAN: dict[str, tuple[str, ...]] = {
    SASARAN_PENERIMA: _AGAINST_LISTING,
    SASARAN_TAMBAH: _AGAINST_LISTING,
    SASARAN_HENTI: (
        "masih layak, jangan dihentikan",
        "alasan penghentian keliru (masih hidup / masih tinggal di sini)",
    ),
    SASARAN_USUL: ("layak tetapi belum terdaftar",),
}
# The objections bound to the uji publik window: those against a musdes's published lists. An objection to the
# register itself may be filed at any time and goes to the next musdes (objection_window says whether it is late).
WINDOW_BOUND = frozenset({SASARAN_TAMBAH, SASARAN_HENTI})


def list_window_refusal(today: date, dibuka: date | None, ditutup: date | None) -> str | None:
    """None when an objection to a musdes's published list may be filed `today` (WIB) — inside [dibuka, ditutup] —
    else why not and what the citizen can do instead, in Bahasa Indonesia."""
    if dibuka is not None and ditutup is not None and dibuka <= today <= ditutup:
        return None
    lain = (
        " Yang masih dapat Anda lakukan: jika orang tersebut sudah tercantum di register, cari namanya di halaman "
        "Cek Status lalu ajukan sanggahan atas datanya (dibahas pada musyawarah desa/kelurahan berikutnya); ajukan "
        "usul untuk keluarga yang layak tetapi belum terdaftar; atau sampaikan langsung ke kantor desa/kelurahan."
    )
    if ditutup is not None and today > ditutup:
        return (
            f"Masa sanggah daftar ini telah ditutup pada {tanggal(ditutup)}, sehingga sanggahan atas usulan ini "
            f"tidak dapat diterima lagi.{lain}"
        )
    if dibuka is not None and today < dibuka:
        return f"Masa sanggah daftar ini baru dibuka pada {tanggal(dibuka)}. Silakan kembali mulai tanggal tersebut."
    return f"Daftar ini belum diumumkan dengan masa sanggah, sehingga belum dapat disanggah.{lain}"


# --- what each status means to the citizen, and what they can do next ---------------------------------------------

STATUS_MEANINGS = {
    "terdaftar": "Pengajuan Anda sudah tercatat dan menunggu diperiksa petugas desa/kelurahan dan Dinas Sosial.",
    "diproses": "Petugas sedang memeriksa pengajuan Anda, antara lain dengan mencocokkan data register dan data "
    "kependudukan.",
    "perlu verifikasi lapangan": "Petugas perlu memeriksa langsung ke lapangan, misalnya mengunjungi keluarga yang "
    "dimaksud atau bertanya kepada ketua RT/RW.",
    "terverifikasi lapangan": "Petugas sudah memeriksa ke lapangan; keputusan menyusul.",
    "dieskalasi ke provinsi": "Batas waktu verifikasi terlewati, sehingga tiket diteruskan ke Dinas Sosial provinsi.",
    "banding diajukan": "Anda mengajukan banding; keputusan akan ditinjau tingkat di atasnya.",
    "banding: keputusan dikuatkan": "Banding sudah diputus: keputusan awal tetap berlaku.",
    "diterima": "Pengajuan Anda dinyatakan benar. Perubahan datanya dibahas pada musyawarah desa/kelurahan "
    "berikutnya dan dimasukkan ke pemutakhiran data (verivali); bantuan tidak langsung berubah hari ini.",
    "ditolak": "Pengajuan Anda tidak dapat diterima. Alasannya tertulis pada keputusan.",
    "selesai": "Tiket ditutup: tidak ada lagi langkah yang menunggu.",
}


def status_meaning(status: str) -> str:
    """What a ticket status (or a history step) means, in plain Bahasa Indonesia; '' for one without words."""
    return STATUS_MEANINGS.get(status, "")


def next_step(
    tahap: str,
    status: str,
    batas: datetime,
    appeal_until: date | None,
    appealed: bool,
) -> str:
    """What the citizen can do now, given where the ticket stands: wait (until when), appeal (until when), or
    nothing more here. `batas` is the deadline of the step being waited for; `appeal_until` the last day to appeal
    when an appeal is still possible."""
    if tahap in OPEN_STAGES:
        return (
            "Tidak ada yang perlu Anda lakukan sekarang. Petugas wajib memutus paling lambat "
            f"{tanggal(last_day(batas))}; jika lewat, tiket otomatis diteruskan ke provinsi. Simpan kode tiket ini "
            "untuk memantau perkembangannya."
        )
    if tahap == "banding":
        return f"Banding Anda sedang ditinjau dan diputus paling lambat {tanggal(last_day(batas))}."
    if appeal_until is not None:
        setuju = "Jika Anda tidak setuju dengan keputusan ini, Anda dapat mengajukan banding satu kali"
        return f"{setuju} sampai {tanggal(appeal_until)} melalui formulir di bawah."
    if status == "diterima":
        return (
            "Tidak ada yang perlu Anda lakukan. Hasilnya dapat Anda lihat di Daftar Uji Publik setelah musyawarah "
            "desa/kelurahan berikutnya."
        )
    if appealed:
        return (
            "Keputusan ini final di portal. Jika masih keberatan, sampaikan langsung ke kantor desa/kelurahan atau "
            "Dinas Sosial kab/kota, atau ajukan kembali pada periode berikutnya bila keadaan berubah."
        )
    return (
        "Masa banding sudah berakhir. Jika keadaan berubah, Anda dapat mengajukan kembali pada periode berikutnya "
        "atau menghubungi kantor desa/kelurahan."
    )


def waktu_wib(moment: datetime) -> str:
    """A stored (UTC) time as a citizen reads it: '12 September 2026, pukul 09.15 WIB'."""
    lokal = moment.astimezone(WIB)
    return f"{tanggal(lokal.date())}, pukul {lokal:%H.%M} WIB"
