"""Tickets: what a citizen submits (an objection to a register row or a proposal), its code, its status history,
and the officials' queue over them."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from portal import lifecycle
from portal.periods import PERIOD
from portal.regions import level_of_length
from portal.store.audit import INSERT_AUDIT, audit_params
from portal.store.backends import Connected
from portal.store.common import (
    MAX_ACTOR,
    REGION,
    StoreError,
    StoreValidationError,
    check_choice,
    check_limit,
    check_pattern,
    check_text,
    has_nik,
    optional_text,
    parse_stamp,
    stamp,
)
from portal.store.outbox import enqueue, officials_for

JENIS = ("sanggahan", "usul")
KATEGORI = (
    "tidak layak / sudah mampu",
    "meninggal dunia",
    "pindah domisili",
    "data ganda",
    "tidak dikenal di lingkungan",
    "layak tetapi belum terdaftar",
    # objections to a musdes's proposal to stop someone's assistance (lifecycle.KATEGORI_BY_SASARAN)
    "masih layak, jangan dihentikan",
    "alasan penghentian keliru (masih hidup / masih tinggal di sini)",
)
# A proposal to add someone is never an objection to an existing row.
USUL_ONLY = frozenset({"layak tetapi belum terdaftar"})
INITIAL_STATUS = "terdaftar"
STATUSES = ("terdaftar", "diproses", "perlu verifikasi lapangan", "diterima", "ditolak")
OPEN_STATUSES = frozenset({"terdaftar", "diproses", "perlu verifikasi lapangan"})
NEEDS_REASON = frozenset({"diterima", "ditolak"})
# What change_status may set; a decision (diterima / ditolak) goes through Store.decide with a code and a reason.
PROGRESS_STATUSES = ("diproses", "perlu verifikasi lapangan")
DEADLINE = timedelta(days=lifecycle.DEADLINE_DAYS)  # nominal: the deadline is lifecycle.deadline (WIB calendar days)

MAX_DESKRIPSI = 2_000
MAX_KONTAK = 200
MAX_REASON = 2_000
MAX_FOTO = 3 * 1024 * 1024
FOTO_MIME = frozenset({"image/jpeg", "image/png", "image/webp"})
PUBLIC_ACTOR = "publik"

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_CHARS = 16  # 16 x 5 = 80 random bits
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_CODE_SEPARATORS = re.compile(r"[\s\-‐‑‒–—]+")
_KODE_DESA = re.compile(r"[0-9]{10}")
_ROW_TOKEN = re.compile(r"[A-Za-z0-9_.:~=-]{1,200}")
_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


class TicketNotFound(LookupError):
    """No ticket has this code."""


class WindowClosed(StoreValidationError):
    """An objection to a musdes's published list outside its uji publik window (lifecycle.list_window_refusal);
    the message, in Bahasa Indonesia, says when the window closed and what the citizen can do instead."""


@dataclass(frozen=True, kw_only=True)
class Submission:
    """What a citizen sends: an objection (sanggahan) to a register row or a proposal (usul)."""

    jenis: str
    kategori: str
    kode_desa: str
    periode: str
    row_token: str | None = None
    deskripsi: str = ""
    kontak: str | None = None
    foto: bytes | None = None
    foto_mime: str | None = None
    persetujuan: bool = False
    idempotency_key: str
    terlambat: bool = False  # an objection outside the desa's objection window (lifecycle.objection_window)
    # What is objected to (lifecycle.SASARAN_*): it fixes the categories that fit. None (older callers): any category
    # of the jenis. An objection to a musdes's list (usulan_tambah, usulan_penghentian) carries that list's window,
    # and the store refuses it outside [masa_dibuka, masa_ditutup] by its own clock.
    sasaran: str | None = None
    masa_dibuka: date | None = None
    masa_ditutup: date | None = None


@dataclass(frozen=True)
class Ticket:
    """The acknowledgement of a durably stored submission; `replayed` when the idempotency key was seen before."""

    code: str
    created_at: datetime
    batas_waktu: datetime
    replayed: bool = False

    @property
    def display(self) -> str:
        """The code as shown to people: XXXX-XXXX-XXXX-XXXX."""
        return format_ticket_code(self.code)


@dataclass(frozen=True)
class StatusChange:
    """One step of a ticket's public history (who made it is internal and not shown)."""

    status: str
    reason: str | None
    time: datetime


@dataclass(frozen=True)
class AppealView:
    """A ticket's appeal (banding): when it was filed, the level deciding it, its deadline and outcome."""

    tingkat: str
    keputusan_asal: str
    diajukan_at: datetime
    batas_waktu: datetime
    hasil: str | None
    alasan_hasil: str | None


@dataclass(frozen=True)
class TicketView:
    """What anyone holding the code may see: no contact, no photo, no description, nothing about anyone else."""

    code: str
    jenis: str
    kategori: str
    kode_desa: str
    periode: str
    created_at: datetime
    status: str
    batas_waktu: datetime
    history: list[StatusChange] = field(default_factory=list)
    tahap: str = "diajukan"
    tingkat: str = "kabupaten"
    terlambat: bool = False
    kode_putusan: str | None = None
    diputus_at: datetime | None = None
    banding: AppealView | None = None

    def sla(self, now: datetime) -> str:
        """The SLA state of the step the ticket waits for (or of the last one, once it is closed)."""
        return _sla(self.tahap, self.batas_waktu, self.diputus_at, self.banding, now)

    def appeal_open(self, now: datetime) -> bool:
        """Whether the citizen may still appeal: decided, never appealed, within APPEAL_DAYS of the decision."""
        return (
            self.tahap == "diputus"
            and self.banding is None
            and self.diputus_at is not None
            and now < lifecycle.deadline(self.diputus_at, lifecycle.APPEAL_DAYS)
        )

    @property
    def display(self) -> str:
        """The code as shown to people: XXXX-XXXX-XXXX-XXXX."""
        return format_ticket_code(self.code)


@dataclass(frozen=True)
class QueueItem:
    """A ticket as officials see it in their queue."""

    code: str
    jenis: str
    kategori: str
    kode_desa: str
    periode: str
    row_token: str | None
    deskripsi: str
    kontak: str | None
    has_foto: bool
    status: str
    created_at: datetime
    batas_waktu: datetime
    overdue: bool
    tahap: str = "diajukan"
    tingkat: str = "kabupaten"
    terlambat: bool = False
    kode_putusan: str | None = None
    sla: str = lifecycle.SLA_ON_TRACK
    banding_alasan: str | None = None
    banding_batas: datetime | None = None
    diputus_oleh: str | None = None


def _sla(tahap: str, batas: datetime, diputus_at: datetime | None, banding: AppealView | None, now: datetime) -> str:
    if tahap == "banding" and banding is not None:
        return lifecycle.sla_state(banding.batas_waktu, now)
    if tahap in lifecycle.OPEN_STAGES:
        return lifecycle.sla_state(batas, now)
    return lifecycle.sla_state(batas, now, done_at=diputus_at or batas)


# --- ticket codes -------------------------------------------------------------------------------------------


def new_ticket_code() -> str:
    """A fresh ticket code: 80 bits from `secrets`, 16 Crockford base32 characters, normalised form."""
    bits = secrets.randbits(5 * _CODE_CHARS)
    return "".join(_CROCKFORD[(bits >> (5 * i)) & 31] for i in reversed(range(_CODE_CHARS)))


def normalise_ticket_code(text: object) -> str | None:
    """The stored form of a typed code (case, spaces, dashes, O/I/L forgiven), or None if it cannot be one."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    code = _CODE_SEPARATORS.sub("", text).upper().translate(_CONFUSABLE)
    if len(code) != _CODE_CHARS or any(ch not in _CROCKFORD for ch in code):
        return None
    return code


def format_ticket_code(code: str) -> str:
    """The one form in which people see a ticket code, everywhere (the citizen's acknowledgement, Lacak Tiket, the
    officials' queue, messages): XXXX-XXXX-XXXX-XXXX. Takes the code in any form a lookup accepts (lower case, with
    or without dashes or spaces); text that cannot be a code is returned unchanged."""
    normalised = normalise_ticket_code(code)
    if normalised is None:
        return code
    return "-".join(normalised[i : i + 4] for i in range(0, len(normalised), 4))


def validate_submission(sub: Submission) -> dict[str, Any]:
    """The submission's values ready to bind, or a StoreValidationError naming the first bad field."""
    if not isinstance(sub, Submission):
        raise StoreValidationError("pengajuan tidak berbentuk Submission")
    jenis = check_choice(sub.jenis, "jenis", JENIS)
    kategori = check_choice(sub.kategori, "kategori", KATEGORI)
    if kategori in USUL_ONLY and jenis != "usul":
        raise StoreValidationError(f"kategori {kategori!r} adalah usul, bukan sanggahan")
    sasaran = _target(sub, jenis, kategori)
    row_token = None
    if sub.row_token is not None:
        row_token = check_pattern(
            sub.row_token, "row_token", _ROW_TOKEN, "an opaque token of 1-200 URL-safe characters"
        )
        if has_nik(row_token):
            raise StoreValidationError("rujukan data memuat angka 16 digit: data dirujuk dengan token, bukan NIK")
    foto, foto_mime = _validate_photo(sub.foto, sub.foto_mime)
    if sub.persetujuan is not True:
        raise StoreValidationError("persetujuan wajib diberikan")
    return {
        "jenis": jenis,
        "kategori": kategori,
        "kode_desa": check_pattern(sub.kode_desa, "kode_desa", _KODE_DESA, "a 10-digit desa code"),
        "periode": check_pattern(sub.periode, "periode", PERIOD, "a period 'YYYY-MM'"),
        "row_token": row_token,
        "deskripsi": check_text(sub.deskripsi, "deskripsi", MAX_DESKRIPSI),
        "kontak": optional_text(sub.kontak, "kontak", MAX_KONTAK),
        "foto": foto,
        "foto_mime": foto_mime,
        "idempotency_key": check_pattern(
            sub.idempotency_key, "idempotency_key", _IDEMPOTENCY_KEY, "16-64 characters [A-Za-z0-9_-]"
        ),
        "terlambat": _late(sub.terlambat, jenis),
        "sasaran": sasaran,
    }


def _target(sub: Submission, jenis: str, kategori: str) -> str | None:
    """The checked target of a submission: its categories must fit it, and a list's objection names its window."""
    if sub.sasaran is None:
        return None
    sasaran = check_choice(sub.sasaran, "sasaran", tuple(lifecycle.KATEGORI_BY_SASARAN))
    if (sasaran == lifecycle.SASARAN_USUL) != (jenis == "usul"):
        raise StoreValidationError("sasaran tidak sesuai dengan jenis pengajuan")
    if kategori not in lifecycle.KATEGORI_BY_SASARAN[sasaran]:
        raise StoreValidationError(
            f"kategori {kategori!r} tidak sesuai untuk {lifecycle.SASARAN_LABELS[sasaran]}: pilih salah satu dari "
            + ", ".join(lifecycle.KATEGORI_BY_SASARAN[sasaran])
        )
    if sasaran in lifecycle.WINDOW_BOUND:
        for value in (sub.masa_dibuka, sub.masa_ditutup):
            if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
                raise StoreValidationError("masa sanggah harus berupa tanggal")
        if sub.terlambat:
            raise StoreValidationError("sanggahan atas daftar musyawarah hanya diterima dalam masa sanggah")
    return sasaran


def _late(terlambat: object, jenis: str) -> bool:
    if not isinstance(terlambat, bool):
        raise StoreValidationError("terlambat harus True atau False")
    if terlambat and jenis != "sanggahan":
        raise StoreValidationError("hanya sanggahan yang dapat terlambat: usul tidak mempunyai masa sanggah")
    return terlambat


def _validate_photo(foto: object, mime: object) -> tuple[bytes | None, str | None]:
    if foto is None:
        if mime is not None:
            raise StoreValidationError("jenis berkas foto diberikan tanpa foto")
        return None, None
    if not isinstance(foto, bytes | bytearray | memoryview):
        raise StoreValidationError("foto harus berupa berkas gambar")
    data = bytes(foto)
    if not data:
        raise StoreValidationError("berkas foto kosong")
    if len(data) > MAX_FOTO:
        raise StoreValidationError(f"foto lebih besar dari {MAX_FOTO // (1024 * 1024)} MB")
    return data, check_choice(mime, "foto_mime", FOTO_MIME)


_TICKET_COLUMNS = (
    "t.code, t.jenis, t.kategori, t.kode_desa, t.periode, t.created_at, t.status, t.batas_waktu, "
    "l.tahap, l.tingkat, l.terlambat, l.kode_putusan, l.diputus_at, "
    "b.tingkat, b.keputusan_asal, b.diajukan_at, b.batas_waktu, b.hasil, b.alasan_hasil"
)
_QUEUE_COLUMNS = (
    "t.code, t.jenis, t.kategori, t.kode_desa, t.periode, t.row_token, t.deskripsi, t.kontak, "
    "exists (select 1 from ticket_photo p where p.code = t.code) as has_foto, "
    "t.status, t.created_at, t.batas_waktu, "
    "l.tahap, l.tingkat, l.terlambat, l.kode_putusan, l.diputus_at, l.diputus_oleh, "
    "b.tingkat, b.keputusan_asal, b.diajukan_at, b.batas_waktu, b.hasil, b.alasan_hasil, b.alasan"
)
_JOINS = "ticket t join ticket_lifecycle l on l.code = t.code left join banding b on b.code = t.code"
_INSERT_LIFECYCLE = """
insert into ticket_lifecycle (code, tahap, tingkat, terlambat, updated_at)
values (:code, 'diajukan', 'kabupaten', :terlambat, :at)
"""
_INSERT_TICKET = """
insert into ticket (code, idempotency_key, jenis, kategori, kode_desa, periode, row_token, deskripsi, kontak,
                    status, created_at, batas_waktu, updated_at)
values (:code, :idempotency_key, :jenis, :kategori, :kode_desa, :periode, :row_token, :deskripsi, :kontak,
        :status, :created_at, :batas_waktu, :created_at)
on conflict (idempotency_key) do nothing
"""
_INSERT_CHANGE = """
insert into status_change (code, status, reason, actor, changed_at) values (:code, :status, :reason, :actor, :at)
"""
# Each must count zero on a healthy database; any missing table makes the check fail with an error.
INTEGRITY_CHECKS = (
    "select count(*) from (select idempotency_key from ticket group by idempotency_key having count(*) > 1) d",
    "select count(*) from (select code from ticket group by code having count(*) > 1) d",
    "select count(*) from status_change h where not exists (select 1 from ticket t where t.code = h.code)",
    "select count(*) from ticket_photo p where not exists (select 1 from ticket t where t.code = p.code)",
    "select count(*) from ticket t where not exists (select 1 from status_change h where h.code = t.code)",
    # History rows also record lifecycle steps (verification, escalation, appeal); the ticket's status is the newest
    # of its rows that set a status.
    """select count(*) from ticket t
       where t.status <> (select h.status from status_change h
                          where h.code = t.code and h.status in ('terdaftar', 'diproses', 'perlu verifikasi lapangan',
                                                                 'diterima', 'ditolak')
                          order by h.id desc limit 1)""",
    "select count(*) from ticket t where not exists (select 1 from ticket_lifecycle l where l.code = t.code)",
    """select count(*) from ticket t join ticket_lifecycle l on l.code = t.code
       where (l.tahap in ('diputus', 'selesai')) <> (t.status in ('diterima', 'ditolak'))""",
    """select count(*) from banding b join ticket_lifecycle l on l.code = b.code
       where l.tahap not in ('banding', 'selesai')""",
    "select count(*) from audit_log where id is null",
)


class Tickets(Connected):
    """The store's ticket methods: the public's submissions and look-ups, officials' status changes and queue."""

    # --- public writes ---

    def submit(self, sub: Submission) -> Ticket:
        """Store a submission durably and return its ticket; the same idempotency key always gets the same ticket.

        A repeated key returns the existing ticket even when the payload differs: the key stands for one press of
        the button on one form, so a differing repeat is the citizen editing after a submission whose
        acknowledgement they never saw. A second ticket would defeat idempotency, and an error would leave them
        without the code of the objection we did store.
        """
        values = validate_submission(sub)
        existing = self._ticket_for_key(values["idempotency_key"])
        if existing is not None:
            return existing  # acknowledged before: the window is judged when it was first sent, not on a retry
        now = self.clock()
        if values["sasaran"] in lifecycle.WINDOW_BOUND:
            hari_ini = now.astimezone(lifecycle.WIB).date()
            refusal = lifecycle.list_window_refusal(hari_ini, sub.masa_dibuka, sub.masa_ditutup)
            if refusal is not None:
                raise WindowClosed(refusal)
        last_error: Exception | None = None
        for _attempt in range(4):
            try:
                return self._insert(values, now)
            except self._backend.integrity_error as exc:
                # The key conflict is absorbed by ON CONFLICT, so only the random code can collide here.
                last_error = exc
        raise StoreError("could not store the submission") from last_error

    def _insert(self, values: dict[str, Any], now: datetime) -> Ticket:
        params = {
            **values,
            "code": new_ticket_code(),
            "status": INITIAL_STATUS,
            "created_at": stamp(now),
            "batas_waktu": stamp(lifecycle.deadline(now)),
        }
        with self._write() as conn:
            if self._run(conn, _INSERT_TICKET, params).rowcount != 1:
                # Another submitter committed this key first (PostgreSQL waited for it); read theirs back.
                ticket = self._read_ticket_for_key(conn, values["idempotency_key"])
                if ticket is None:
                    raise StoreError("idempotency conflict without a stored ticket")
                return ticket
            if values["foto"] is not None:
                self._run(
                    conn,
                    "insert into ticket_photo (code, mime, data) values (:code, :mime, :data)",
                    {"code": params["code"], "mime": values["foto_mime"], "data": values["foto"]},
                )
            change = {"code": params["code"], "status": INITIAL_STATUS, "reason": None, "actor": PUBLIC_ACTOR}
            self._run(conn, _INSERT_CHANGE, {**change, "at": params["created_at"]})
            self._run(
                conn,
                _INSERT_LIFECYCLE,
                {"code": params["code"], "terlambat": int(values["terlambat"]), "at": params["created_at"]},
            )
            self._tell_officials(conn, params)
        # Only here, after the commit returned, is the submission acknowledged.
        return Ticket(params["code"], parse_stamp(params["created_at"]), parse_stamp(params["batas_waktu"]))

    def _tell_officials(self, conn: Any, ticket: dict[str, Any]) -> None:
        """Outbox rows telling the officials of the desa, its kecamatan and its kab/kota of a new ticket."""

        def run(sql: str, params: dict[str, Any] | None = None) -> Any:
            return self._run(conn, sql, params)

        display = format_ticket_code(ticket["code"])
        batas = lifecycle.last_day(parse_stamp(ticket["batas_waktu"]))
        body = (
            f"Ada {ticket['jenis']} baru ({ticket['kategori']}) di desa/kelurahan {ticket['kode_desa']}.\n\n"
            f"Kode tiket: {display}\nBatas waktu verifikasi: {batas.isoformat()} (WIB)\n\n"
            "Buka halaman Antrean Sanggahan di Portal DTKS untuk menindaklanjuti.\n"
        )
        subject = f"Tiket baru {display} di desa {ticket['kode_desa']}"
        for email in officials_for(run, ticket["kode_desa"], (4, 6, 10)):
            enqueue(run, ticket["created_at"], "email", email, subject, body, "tiket_baru", ticket["code"])

    def _ticket_for_key(self, key: str) -> Ticket | None:
        with self._pool.connection() as conn:
            return self._read_ticket_for_key(conn, key)

    def _read_ticket_for_key(self, conn: Any, key: str) -> Ticket | None:
        row = self._run(
            conn, "select code, created_at, batas_waktu from ticket where idempotency_key = :key", {"key": key}
        ).fetchone()
        return None if row is None else Ticket(row[0], parse_stamp(row[1]), parse_stamp(row[2]), replayed=True)

    # --- officials' writes ---

    def change_status(self, code: str, status: str, reason: str | None, actor: str) -> None:
        """Move an open ticket to a progress status (diproses, perlu verifikasi lapangan), appending the history row in
        the same transaction. Decisions go through `decide` (a decision code and a reason)."""
        normalised = normalise_ticket_code(code)
        if normalised is None:
            raise TicketNotFound("tidak ada tiket dengan kode ini")
        check_choice(status, "status", PROGRESS_STATUSES)
        reason = optional_text(reason, "reason", MAX_REASON)
        if status in NEEDS_REASON and reason is None:
            raise StoreValidationError(f"alasan wajib diisi untuk status {status!r}")
        actor = check_text(actor, "actor", MAX_ACTOR)
        if not actor.strip():
            raise StoreValidationError("nama petugas wajib diisi")
        at = stamp(self.clock())
        with self._write() as conn:
            updated = self._run(
                conn,
                "update ticket set status = :status, updated_at = :at where code = :code",
                {"status": status, "at": at, "code": normalised},
            )
            if updated.rowcount != 1:
                raise TicketNotFound("tidak ada tiket dengan kode ini")
            found = self._run(
                conn,
                "select l.tahap, t.kode_desa from ticket_lifecycle l join ticket t on t.code = l.code "
                "where l.code = :code",
                {"code": normalised},
            ).fetchone()
            if found is None or found[0] not in lifecycle.OPEN_STAGES:
                raise StoreValidationError("tiket ini sudah diputus: statusnya tidak dapat diubah lagi")
            detail = {"tiket": normalised, "status": status}
            self._run(conn, INSERT_AUDIT, audit_params(at, actor, "ubah_status", found[1], detail))
            # The UPDATE holds the ticket's row lock, so concurrent changes to one ticket append in order.
            self._run(
                conn, _INSERT_CHANGE, {"code": normalised, "status": status, "reason": reason, "actor": actor, "at": at}
            )

    # --- reads ---

    def get_ticket(self, code: str) -> TicketView | None:
        """The public view of a ticket, or None for an unknown or malformed code (the same answer for both)."""
        normalised = normalise_ticket_code(code)
        if normalised is None:
            return None
        with self._pool.connection() as conn:
            row = self._run(
                conn, f"select {_TICKET_COLUMNS} from {_JOINS} where t.code = :code", {"code": normalised}
            ).fetchone()
            if row is None:
                return None
            changes = self._run(
                conn,
                "select status, reason, changed_at from status_change where code = :code order by id",
                {"code": normalised},
            ).fetchall()
        history = [StatusChange(status, reason, parse_stamp(at)) for status, reason, at in changes]
        return TicketView(
            code=row[0],
            jenis=row[1],
            kategori=row[2],
            kode_desa=row[3],
            periode=row[4],
            created_at=parse_stamp(row[5]),
            status=row[6],
            batas_waktu=parse_stamp(row[7]),
            history=history,
            tahap=row[8],
            tingkat=row[9],
            terlambat=bool(row[10]),
            kode_putusan=row[11],
            diputus_at=_maybe_stamp(row[12]),
            banding=_appeal(row[13:19]),
        )

    def get_photo(self, code: str) -> tuple[bytes, str] | None:
        """The ticket's photo and its MIME type (internal: officials only)."""
        normalised = normalise_ticket_code(code)
        if normalised is None:
            return None
        with self._pool.connection() as conn:
            row = self._run(
                conn, "select data, mime from ticket_photo where code = :code", {"code": normalised}
            ).fetchone()
        return None if row is None else (bytes(row[0]), row[1])

    def queue(
        self,
        region_prefix: str,
        status: str | None = None,
        kategori: str | None = None,
        kode_desa: str | None = None,
        older_than_days: int | None = None,
        limit: int = 200,
        tahap: str | None = None,
        tingkat: str | None = None,
    ) -> list[QueueItem]:
        """Tickets under a region code prefix ('' = all), oldest first, with optional filters, the SLA state and an
        overdue flag."""
        prefix = check_pattern(region_prefix, "region_prefix", REGION, "a region code prefix of 0-10 digits")
        params: dict[str, Any] = {"lo": prefix.ljust(10, "0"), "hi": prefix.ljust(10, "9")}
        clauses = ["t.kode_desa between :lo and :hi"]  # a range, so the kode_desa index serves every level
        if status is not None:
            params["status"] = check_choice(status, "status", STATUSES)
            clauses.append("t.status = :status")
        if kategori is not None:
            params["kategori"] = check_choice(kategori, "kategori", KATEGORI)
            clauses.append("t.kategori = :kategori")
        if tahap is not None:
            params["tahap"] = check_choice(tahap, "tahap", lifecycle.STAGES)
            clauses.append("l.tahap = :tahap")
        if tingkat is not None:
            params["tingkat"] = check_choice(tingkat, "tingkat", lifecycle.TIERS)
            clauses.append("l.tingkat = :tingkat")
        if kode_desa is not None:
            params["kode_desa"] = check_pattern(kode_desa, "kode_desa", _KODE_DESA, "a 10-digit desa code")
            clauses.append("t.kode_desa = :kode_desa")
        now = self.clock()
        if older_than_days is not None:
            if not isinstance(older_than_days, int) or isinstance(older_than_days, bool) or older_than_days < 0:
                raise StoreValidationError("older_than_days must be a whole number of days, 0 or more")
            params["cutoff"] = stamp(now - timedelta(days=older_than_days))
            clauses.append("t.created_at < :cutoff")
        params["limit"] = check_limit(limit)
        sql = (
            f"select {_QUEUE_COLUMNS} from {_JOINS} where {' and '.join(clauses)} "
            "order by t.created_at, t.code limit :limit"
        )
        with self._pool.connection() as conn:
            rows = self._run(conn, sql, params).fetchall()
        return [_queue_item(row, now) for row in rows]

    def outcome_counts(
        self, region_prefix: str, code_length: int, periode: str | None = None
    ) -> dict[str, tuple[int, ...]]:
        """How the tickets of each region of one level under a prefix fared, as of the store's clock:
        {code: (decided on time, breached, open within the deadline, appeals upheld, overturned, pending)}. The first
        three partition the tickets received, the last three the appeals. `periode` keeps the tickets of one period.
        Breached = decided on or after the deadline, or still open past it."""
        prefix = check_pattern(region_prefix, "region_prefix", REGION, "a region code prefix of 0-10 digits")
        if level_of_length(code_length) in (None, "nasional") or code_length < len(prefix):
            raise StoreValidationError("code_length must be 2, 4, 6 or 10 and not shorter than the prefix")
        params: dict[str, Any] = {
            "lo": prefix.ljust(10, "0"),
            "hi": prefix.ljust(10, "9"),
            "n": code_length,
            "now": stamp(self.clock()),
        }
        where = "t.kode_desa between :lo and :hi"
        if periode is not None:
            params["periode"] = check_pattern(periode, "periode", PERIOD, "a period 'YYYY-MM'")
            where += " and t.periode = :periode"
        sql = f"""
            select substr(t.kode_desa, 1, :n) as kode,
                sum(case when l.diputus_at is not null and l.diputus_at < t.batas_waktu then 1 else 0 end),
                sum(case when (l.diputus_at is not null and l.diputus_at >= t.batas_waktu)
                           or (l.diputus_at is null and t.batas_waktu <= :now) then 1 else 0 end),
                sum(case when l.diputus_at is null and t.batas_waktu > :now then 1 else 0 end),
                sum(case when b.hasil = 'dikuatkan' then 1 else 0 end),
                sum(case when b.hasil = 'dibatalkan' then 1 else 0 end),
                sum(case when b.code is not null and b.hasil is null then 1 else 0 end)
            from {_JOINS} where {where} group by substr(t.kode_desa, 1, :n)
        """
        with self._pool.connection() as conn:
            rows = self._run(conn, sql, params).fetchall()
        return {str(row[0]): tuple(int(v) for v in row[1:]) for row in rows}

    def count_by_region(self, region_prefix: str, code_length: int) -> dict[str, int]:
        """Tickets per region of one level under a prefix: {first `code_length` digits of kode_desa: count}."""
        prefix = check_pattern(region_prefix, "region_prefix", REGION, "a region code prefix of 0-10 digits")
        if level_of_length(code_length) in (None, "nasional") or code_length < len(prefix):
            raise StoreValidationError("code_length must be 2, 4, 6 or 10 and not shorter than the prefix")
        params = {"lo": prefix.ljust(10, "0"), "hi": prefix.ljust(10, "9"), "n": code_length}
        sql = (
            "select substr(kode_desa, 1, :n) as kode, count(*) from ticket "
            "where kode_desa between :lo and :hi group by substr(kode_desa, 1, :n)"
        )
        with self._pool.connection() as conn:
            rows = self._run(conn, sql, params).fetchall()
        return {str(kode): int(count) for kode, count in rows}


def _maybe_stamp(text: str | None) -> datetime | None:
    return None if text is None else parse_stamp(text)


def _appeal(row: tuple[Any, ...]) -> AppealView | None:
    if row[0] is None:
        return None
    return AppealView(row[0], row[1], parse_stamp(row[2]), parse_stamp(row[3]), row[4], row[5])


def _queue_item(row: tuple[Any, ...], now: datetime) -> QueueItem:
    batas_waktu = parse_stamp(row[11])
    banding = _appeal(row[18:24])
    diputus_at = _maybe_stamp(row[16])
    return QueueItem(
        code=row[0],
        jenis=row[1],
        kategori=row[2],
        kode_desa=row[3],
        periode=row[4],
        row_token=row[5],
        deskripsi=row[6],
        kontak=row[7],
        has_foto=bool(row[8]),
        status=row[9],
        created_at=parse_stamp(row[10]),
        batas_waktu=batas_waktu,
        overdue=row[9] in OPEN_STATUSES and batas_waktu <= now,
        tahap=row[12],
        tingkat=row[13],
        terlambat=bool(row[14]),
        kode_putusan=row[15],
        sla=_sla(row[12], batas_waktu, diputus_at, banding, now),
        banding_alasan=row[24],
        banding_batas=None if banding is None else banding.batas_waktu,
        diputus_oleh=row[17],
    )
