"""The lifecycle's writes: field verification, decisions with a code and a reason, one appeal per decision decided
by the level above, and the sweep that escalates breached tickets and closes settled ones.

Each change is one transaction holding the ticket's lifecycle row lock: the lifecycle row, the ticket's status, the
public history row, the audit line and the outbox rows that tell people about it commit together or not at all, so
an acknowledged change is never lost and never unaudited. The rules themselves (deadlines, tiers, codes) are in
portal.lifecycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from portal import lifecycle
from portal.store.audit import INSERT_AUDIT, audit_params
from portal.store.backends import Connected
from portal.store.common import (
    MAX_ACTOR,
    StoreValidationError,
    check_choice,
    check_text,
    optional_text,
    parse_stamp,
    stamp,
)
from portal.store.outbox import contact_address, enqueue, officials_for
from portal.store.tickets import (
    _INSERT_CHANGE,
    MAX_REASON,
    PUBLIC_ACTOR,
    TicketNotFound,
    format_ticket_code,
    normalise_ticket_code,
)

SYSTEM_ACTOR = "sistem"
SWEEP_BATCH = 500
# History words for lifecycle steps that do not change the ticket's status (shown on Lacak Tiket).
VERIFIED = "terverifikasi lapangan"
ESCALATED = "dieskalasi ke provinsi"
APPEALED = "banding diajukan"
UPHELD = "banding: keputusan dikuatkan"
CLOSED = "selesai"


class LifecycleRefused(StoreValidationError):
    """The step is not allowed now (wrong stage, wrong level, appeal window over, already appealed)."""


@dataclass(frozen=True)
class SweepResult:
    escalated: list[str]
    closed: list[str]


_READ = """
select t.kode_desa, t.status, t.kontak, t.jenis, t.kategori, t.batas_waktu,
       l.tahap, l.tingkat, l.diputus_oleh, l.diputus_tingkat, l.diputus_at
from ticket t join ticket_lifecycle l on l.code = t.code where t.code = :code
"""


def _reason(alasan: object, what: str = "alasan") -> str:
    text = optional_text(alasan, what, MAX_REASON)
    if text is None:
        raise StoreValidationError(f"{what} wajib diisi")
    return text


def _actor(actor: object) -> str:
    text = check_text(actor, "actor", MAX_ACTOR)
    if not text.strip():
        raise StoreValidationError("nama petugas wajib diisi")
    return text


class Lifecycle(Connected):
    """verify, decide, appeal, decide_appeal and sweep; see the module docstring."""

    def _locked(self, conn: Any, code: str, at: str) -> dict[str, Any]:
        """The ticket's lifecycle row, locked for this transaction (the UPDATE takes the row lock on PostgreSQL)."""
        normalised = normalise_ticket_code(code)
        if normalised is None:
            raise TicketNotFound("tidak ada tiket dengan kode ini")
        touched = self._run(
            conn, "update ticket_lifecycle set updated_at = :at where code = :code", {"at": at, "code": normalised}
        )
        if touched.rowcount != 1:
            raise TicketNotFound("tidak ada tiket dengan kode ini")
        row = self._run(conn, _READ, {"code": normalised}).fetchone()
        keys = ("kode_desa", "status", "kontak", "jenis", "kategori", "batas_waktu", "tahap", "tingkat")
        ticket = dict(zip(keys, row[:8], strict=True))
        ticket.update(code=normalised, diputus_oleh=row[8], diputus_tingkat=row[9], diputus_at=row[10])
        return ticket

    def _history(self, conn: Any, code: str, status: str, reason: str | None, actor: str, at: str) -> None:
        self._run(conn, _INSERT_CHANGE, {"code": code, "status": status, "reason": reason, "actor": actor, "at": at})

    def _audit(self, conn: Any, at: str, actor: str, action: str, ticket: dict[str, Any], **detail: Any) -> None:
        self._run(
            conn,
            INSERT_AUDIT,
            audit_params(at, actor, action, ticket["kode_desa"], {"tiket": ticket["code"], **detail}),
        )

    def _tell_citizen(self, conn: Any, at: str, ticket: dict[str, Any], kind: str, subject: str, text: str) -> None:
        address = contact_address(ticket["kontak"])
        if address is None:
            return
        display = format_ticket_code(ticket["code"])
        body = (
            f"Yth. Bapak/Ibu,\n\n{text}\n\nKode tiket: {display}\n"
            "Rincian dan riwayatnya dapat dilihat di halaman Lacak Tiket Portal DTKS.\n\n"
            "Pesan ini dikirim otomatis; mohon tidak membalas.\n"
        )
        enqueue(
            lambda sql, p=None: self._run(conn, sql, p), at, address[0], address[1], subject, body, kind, ticket["code"]
        )

    def _check_tier(self, ticket: dict[str, Any], role: str) -> None:
        if not lifecycle.may_act(role, ticket["tingkat"]):
            raise LifecycleRefused(
                f"tiket ini ditangani tingkat {lifecycle.TIER_LABELS[ticket['tingkat']]}, bukan oleh petugas {role}"
            )

    # --- officials ---

    def record_verification(self, code: str, hasil: str, actor: str, role: str) -> None:
        """Record the result of the field verification of an open ticket (stage diverifikasi)."""
        hasil = _reason(hasil, "hasil verifikasi")
        actor = _actor(actor)
        at = stamp(self.clock())
        with self._write() as conn:
            ticket = self._locked(conn, code, at)
            if ticket["tahap"] not in lifecycle.OPEN_STAGES:
                raise LifecycleRefused("hanya tiket yang belum diputus yang dapat diverifikasi")
            self._check_tier(ticket, role)
            self._run(
                conn, "update ticket_lifecycle set tahap = 'diverifikasi' where code = :code", {"code": ticket["code"]}
            )
            self._history(conn, ticket["code"], VERIFIED, hasil, actor, at)
            self._audit(conn, at, actor, "verifikasi_lapangan", ticket)

    def decide(self, code: str, keputusan: str, kode_putusan: str, alasan: str, actor: str, role: str) -> None:
        """Decide an open ticket: 'diterima' or 'ditolak', a decision code of that decision and a reason. The citizen
        is told (outbox) in the same transaction."""
        check_choice(keputusan, "keputusan", lifecycle.DECISIONS)
        check_choice(kode_putusan, "kode_putusan", tuple(lifecycle.DECISION_CODES))
        if lifecycle.DECISION_CODES[kode_putusan][0] != keputusan:
            raise StoreValidationError(f"kode putusan {kode_putusan} bukan untuk keputusan {keputusan!r}")
        alasan = _reason(alasan)
        actor = _actor(actor)
        at = stamp(self.clock())
        with self._write() as conn:
            ticket = self._locked(conn, code, at)
            if ticket["tahap"] not in lifecycle.OPEN_STAGES:
                raise LifecycleRefused("tiket ini sudah diputus")
            self._check_tier(ticket, role)
            self._run(
                conn,
                "update ticket set status = :status, updated_at = :at where code = :code",
                {"status": keputusan, "at": at, "code": ticket["code"]},
            )
            self._run(
                conn,
                "update ticket_lifecycle set tahap = 'diputus', kode_putusan = :kode, diputus_oleh = :actor, "
                "diputus_tingkat = tingkat, diputus_at = :at where code = :code",
                {"kode": kode_putusan, "actor": actor, "at": at, "code": ticket["code"]},
            )
            self._history(conn, ticket["code"], keputusan, alasan, actor, at)
            self._audit(conn, at, actor, "putusan", ticket, keputusan=keputusan, kode=kode_putusan)
            label = lifecycle.DECISION_CODES[kode_putusan][1]
            banding_sampai = lifecycle.last_day(lifecycle.deadline(parse_stamp(at), lifecycle.APPEAL_DAYS))
            self._tell_citizen(
                conn,
                at,
                ticket,
                "putusan",
                f"Keputusan atas tiket {format_ticket_code(ticket['code'])}: {keputusan}",
                f"{ticket['jenis'].capitalize()} Anda ({ticket['kategori']}) telah diputus: {keputusan.upper()}.\n"
                f"Dasar: {label}.\nAlasan: {alasan}\n\n"
                f"Jika tidak setuju, Anda dapat mengajukan banding satu kali sampai {banding_sampai.isoformat()} "
                "melalui halaman Lacak Tiket.",
            )

    # --- the public ---

    def file_appeal(self, code: str, alasan: str) -> bool:
        """Appeal a decided ticket (once, within APPEAL_DAYS of the decision); it goes to the level above the one that
        decided. True when stored now, False when this same appeal was already stored (a repeated press)."""
        alasan = _reason(alasan)
        now = self.clock()
        at = stamp(now)
        with self._write() as conn:
            ticket = self._locked(conn, code, at)
            existing = self._run(
                conn, "select alasan from banding where code = :code", {"code": ticket["code"]}
            ).fetchone()
            if existing is not None:
                if existing[0] == alasan:
                    return False
                raise LifecycleRefused("keputusan ini sudah dibanding: banding hanya satu kali per keputusan")
            if ticket["tahap"] != "diputus" or ticket["diputus_at"] is None:
                raise LifecycleRefused("hanya tiket yang sudah diputus yang dapat dibanding")
            if now >= lifecycle.deadline(parse_stamp(ticket["diputus_at"]), lifecycle.APPEAL_DAYS):
                raise LifecycleRefused(f"masa banding ({lifecycle.APPEAL_DAYS} hari setelah keputusan) telah berakhir")
            tier = lifecycle.tier_above(ticket["diputus_tingkat"] or "kabupaten")
            self._run(
                conn,
                "insert into banding (code, alasan, tingkat, keputusan_asal, diajukan_at, batas_waktu) "
                "values (:code, :alasan, :tingkat, :asal, :at, :batas)",
                {
                    "code": ticket["code"],
                    "alasan": alasan,
                    "tingkat": tier,
                    "asal": ticket["status"],
                    "at": at,
                    "batas": stamp(lifecycle.deadline(now)),
                },
            )
            self._run(
                conn,
                "update ticket_lifecycle set tahap = 'banding', tingkat = :tingkat where code = :code",
                {"tingkat": tier, "code": ticket["code"]},
            )
            self._history(conn, ticket["code"], APPEALED, None, PUBLIC_ACTOR, at)
            self._audit(conn, at, PUBLIC_ACTOR, "banding", ticket, tingkat=tier)
            run = lambda sql, p=None: self._run(conn, sql, p)  # noqa: E731
            lengths = (2,) if tier == "provinsi" else ()
            for email in officials_for(run, ticket["kode_desa"], lengths):
                enqueue(
                    run,
                    at,
                    "email",
                    email,
                    f"Banding baru atas tiket {format_ticket_code(ticket['code'])}",
                    f"Warga mengajukan banding atas keputusan '{ticket['status']}' untuk tiket "
                    f"{format_ticket_code(ticket['code'])} di desa/kelurahan {ticket['kode_desa']}.\n"
                    "Buka halaman Antrean Sanggahan di Portal DTKS untuk memutusnya.\n",
                    "banding_baru",
                    ticket["code"],
                )
        return True

    # --- the level above ---

    def decide_appeal(self, code: str, hasil: str, alasan: str, actor: str, role: str) -> None:
        """Decide an appeal: 'dikuatkan' (the decision stands) or 'dibatalkan' (overturned: the ticket's decision is
        reversed). Decided at the appeal's level, never by the official who made the first decision; closes the
        ticket."""
        check_choice(hasil, "hasil", lifecycle.APPEAL_OUTCOMES)
        alasan = _reason(alasan)
        actor = _actor(actor)
        at = stamp(self.clock())
        with self._write() as conn:
            ticket = self._locked(conn, code, at)
            if ticket["tahap"] != "banding":
                raise LifecycleRefused("tiket ini tidak mempunyai banding yang menunggu putusan")
            self._check_tier(ticket, role)
            if actor == ticket["diputus_oleh"]:
                raise LifecycleRefused("petugas yang membuat keputusan tidak dapat memutus bandingnya")
            self._run(
                conn,
                "update banding set hasil = :hasil, alasan_hasil = :alasan, diputus_oleh = :actor, diputus_at = :at "
                "where code = :code",
                {"hasil": hasil, "alasan": alasan, "actor": actor, "at": at, "code": ticket["code"]},
            )
            self._run(
                conn, "update ticket_lifecycle set tahap = 'selesai' where code = :code", {"code": ticket["code"]}
            )
            if hasil == "dibatalkan":
                baru = "ditolak" if ticket["status"] == "diterima" else "diterima"
                self._run(
                    conn,
                    "update ticket set status = :status, updated_at = :at where code = :code",
                    {"status": baru, "at": at, "code": ticket["code"]},
                )
                self._history(conn, ticket["code"], baru, f"Banding: keputusan awal dibatalkan. {alasan}", actor, at)
                text = f"Banding Anda DIKABULKAN: keputusan awal dibatalkan dan tiket kini {baru.upper()}."
            else:
                self._history(conn, ticket["code"], UPHELD, alasan, actor, at)
                text = f"Banding Anda telah diputus: keputusan awal ({ticket['status']}) DIKUATKAN."
            self._audit(conn, at, actor, "putusan_banding", ticket, hasil=hasil)
            self._tell_citizen(
                conn,
                at,
                ticket,
                "putusan_banding",
                f"Putusan banding tiket {format_ticket_code(ticket['code'])}",
                f"{text}\nAlasan: {alasan}\n\nPutusan banding ini final; tiket ditutup.",
            )

    # --- the sweep ---

    def sweep(self) -> SweepResult:
        """Escalate open kabupaten tickets past their deadline to the provinsi, and close decided tickets whose
        appeal window is over. Idempotent; run it often (`python -m portal notify` does, and Antrean Sanggahan)."""
        now = self.clock()
        at = stamp(now)
        with self._pool.connection() as conn:
            late = self._run(
                conn,
                "select t.code from ticket t join ticket_lifecycle l on l.code = t.code "
                "where l.tahap in ('diajukan', 'diverifikasi') and l.tingkat = 'kabupaten' and t.batas_waktu <= :at "
                "order by t.batas_waktu limit :n",
                {"at": at, "n": SWEEP_BATCH},
            ).fetchall()
            settled = self._run(
                conn,
                "select code, diputus_at from ticket_lifecycle where tahap = 'diputus' and diputus_at <= :cut "
                "order by diputus_at limit :n",
                {"cut": stamp(now - timedelta(days=lifecycle.APPEAL_DAYS)), "n": SWEEP_BATCH},
            ).fetchall()
        escalated = [code for (code,) in late if self._escalate(code, now)]
        closed = [
            code
            for code, diputus_at in settled
            if lifecycle.deadline(parse_stamp(diputus_at), lifecycle.APPEAL_DAYS) <= now and self._close(code, now)
        ]
        return SweepResult(escalated, closed)

    def _escalate(self, code: str, now: datetime) -> bool:
        at = stamp(now)
        with self._write() as conn:
            ticket = self._locked(conn, code, at)
            if ticket["tahap"] not in lifecycle.OPEN_STAGES or ticket["tingkat"] != "kabupaten":
                return False  # decided or escalated meanwhile
            self._run(
                conn,
                "update ticket_lifecycle set tingkat = 'provinsi', eskalasi_at = :at where code = :code",
                {"at": at, "code": ticket["code"]},
            )
            self._history(conn, ticket["code"], ESCALATED, None, SYSTEM_ACTOR, at)
            self._audit(conn, at, SYSTEM_ACTOR, "eskalasi", ticket, ke="provinsi", batas=ticket["batas_waktu"])
            run = lambda sql, p=None: self._run(conn, sql, p)  # noqa: E731
            display = format_ticket_code(ticket["code"])
            body = (
                f"Tiket {ticket['jenis']} ({ticket['kategori']}) di desa/kelurahan {ticket['kode_desa']} melewati "
                "batas waktu verifikasi 14 hari dan dieskalasi ke provinsi.\n\n"
                f"Kode tiket: {display}\nBuka halaman Antrean Sanggahan di Portal DTKS untuk menindaklanjuti.\n"
            )
            for email in officials_for(run, ticket["kode_desa"], (2, 4)):
                enqueue(run, at, "email", email, f"Tiket {display} melewati batas waktu", body, "melewati_batas", code)
        return True

    def _close(self, code: str, now: datetime) -> bool:
        at = stamp(now)
        with self._write() as conn:
            ticket = self._locked(conn, code, at)
            if ticket["tahap"] != "diputus":
                return False  # appealed meanwhile
            self._run(
                conn, "update ticket_lifecycle set tahap = 'selesai' where code = :code", {"code": ticket["code"]}
            )
            self._history(conn, ticket["code"], CLOSED, "Tidak ada banding dalam 14 hari.", SYSTEM_ACTOR, at)
            self._audit(conn, at, SYSTEM_ACTOR, "tutup", ticket)
        return True
