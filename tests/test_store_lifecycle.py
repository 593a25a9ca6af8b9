"""The lifecycle in the store, on SQLite and PostgreSQL: decisions with codes, field verification, escalation of
breached tickets, one appeal per decision decided by the level above, closing, late objections, the outbox rows
written with each change, and the migration that gives existing tickets their lifecycle."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from portal import lifecycle
from portal.store import LifecycleRefused, Store, StoreValidationError, TicketNotFound, migrations, open_store
from tests.test_store import make_sub, raw_sql, store, url  # noqa: F401  (fixtures)

START = datetime(2026, 10, 1, 2, tzinfo=UTC)  # 09:00 WIB on 1 October


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(store: Store) -> Clock:  # noqa: F811
    moving = Clock(START)
    store.clock = moving
    return moving


def outbox(url: str, kind: str) -> list[tuple[str, str, str]]:  # noqa: F811
    return [
        tuple(r)
        for r in raw_sql(url, "select channel, recipient, code from outbox where kind = ? order by id", (kind,))
    ]


def actions(store: Store) -> list[str]:  # noqa: F811
    return [entry.action for entry in reversed(store.audit_log())]


def test_decide_needs_a_matching_code_and_a_reason(store: Store, clock: Clock, url: str) -> None:  # noqa: F811
    code = store.submit(make_sub(kontak="Hubungi warga@Contoh.id atau 0812 3456 7890")).code
    for keputusan, kode, alasan in [
        ("diterima", "TIDAK-TERBUKTI", "x"),  # a code of the other decision
        ("diterima", "BUKAN-KODE", "x"),
        ("diterima", "TERBUKTI", None),
        ("diterima", "TERBUKTI", "   "),
        ("selesai", "TERBUKTI", "x"),
        ("diterima", "TERBUKTI", "NIK 3471015507850003"),
    ]:
        with pytest.raises(StoreValidationError):
            store.decide(code, keputusan, kode, alasan, "op", "kabupaten")
    with pytest.raises(LifecycleRefused):
        store.decide(code, "diterima", "TERBUKTI", "x", "analis1", "analis")
    with pytest.raises(TicketNotFound):
        store.decide("bukan kode", "diterima", "TERBUKTI", "x", "op", "kabupaten")
    assert store.get_ticket(code).tahap == "diajukan" and outbox(url, "putusan") == []

    clock.now += timedelta(days=2)
    store.decide(code, "ditolak", "TIDAK-TERBUKTI", "Masih tinggal di alamat.", "op", "kabupaten")
    view = store.get_ticket(code)
    assert (view.status, view.tahap, view.kode_putusan) == ("ditolak", "diputus", "TIDAK-TERBUKTI")
    assert view.diputus_at == clock.now and view.sla(clock.now) == lifecycle.SLA_ON_TRACK
    assert view.history[-1].status == "ditolak" and view.history[-1].reason == "Masih tinggal di alamat."
    assert outbox(url, "putusan") == [("email", "warga@contoh.id", code)]  # e-mail before a phone number
    body = raw_sql(url, "select body from outbox where kind = 'putusan'")[0][0]
    assert "DITOLAK" in body and "banding" in body and "15 Oktober" not in body
    assert actions(store) == ["putusan"]
    with pytest.raises(LifecycleRefused):
        store.decide(code, "diterima", "TERBUKTI", "x", "op", "kabupaten")
    with pytest.raises(StoreValidationError):
        store.change_status(code, "diproses", None, "op")
    assert store.integrity_check()


def test_citizen_contact_channels(store: Store, clock: Clock, url: str) -> None:  # noqa: F811
    phone = store.submit(make_sub(kontak="WA 0812-1111-2222")).code
    none = store.submit(make_sub(kontak=None)).code
    for code in (phone, none):
        store.decide(code, "diterima", "TERBUKTI", "ok", "op", "kabupaten")
    assert outbox(url, "putusan") == [("sms", "6281211112222", phone)]


def test_field_verification_is_a_step_before_the_decision(store: Store, clock: Clock) -> None:  # noqa: F811
    code = store.submit(make_sub()).code
    store.change_status(code, "perlu verifikasi lapangan", None, "op")
    store.record_verification(code, "Dikunjungi 3 Oktober: rumah kosong.", "op", "desa")
    view = store.get_ticket(code)
    assert view.tahap == "diverifikasi" and view.status == "perlu verifikasi lapangan"
    assert [c.status for c in view.history][-1] == "terverifikasi lapangan"
    store.decide(code, "diterima", "TERBUKTI", "Pindah.", "op", "kecamatan")
    with pytest.raises(LifecycleRefused):
        store.record_verification(code, "lagi", "op", "desa")
    assert actions(store) == ["ubah_status", "verifikasi_lapangan", "putusan"]
    assert store.integrity_check()


def test_breached_tickets_escalate_to_the_provinsi(store: Store, clock: Clock, url: str) -> None:  # noqa: F811
    for region, email in [("34", "prov@jogja.go.id"), ("3471", "dinsos@jogja.go.id"), ("3471011001", "desa@x.id")]:
        assert store.add_official_contact(region, email)
    assert not store.add_official_contact("34", "PROV@jogja.go.id")  # already there (stored lower-case)
    store.add_official_contact("31", "prov@jakarta.go.id")
    late = store.submit(make_sub()).code
    decided = store.submit(make_sub()).code
    assert sorted(r for _c, r, _k in outbox(url, "tiket_baru")) == sorted(
        ["dinsos@jogja.go.id", "desa@x.id"] * 2
    )  # new tickets: the kab/kota, kecamatan and desa, not the provinsi
    store.decide(decided, "diterima", "TERBUKTI", "ok", "op", "kabupaten")

    batas = store.get_ticket(late).batas_waktu
    assert batas == datetime(2026, 10, 15, 17, tzinfo=UTC)
    clock.now = batas - timedelta(days=3)
    assert store.queue("", tahap="diajukan")[0].sla == lifecycle.SLA_AT_RISK
    clock.now = batas - timedelta(seconds=1)
    assert store.sweep().escalated == []
    clock.now = batas
    assert store.sweep().escalated == [late]
    assert store.sweep().escalated == []  # idempotent
    item = store.queue("", tahap="diajukan")[0]
    assert (item.code, item.tingkat, item.sla, item.overdue) == (late, "provinsi", lifecycle.SLA_BREACHED, True)
    assert store.get_ticket(late).history[-1].status == "dieskalasi ke provinsi"
    assert sorted(r for _c, r, _k in outbox(url, "melewati_batas")) == ["dinsos@jogja.go.id", "prov@jogja.go.id"]
    assert actions(store)[-2:] == ["eskalasi", "tutup"]  # the decided ticket closed in the same sweep
    # the kab/kota can no longer decide it; the provinsi (or pusat) can
    with pytest.raises(LifecycleRefused):
        store.decide(late, "diterima", "TERBUKTI", "x", "dinsos", "kabupaten")
    store.decide(late, "diterima", "TERBUKTI", "Terbukti.", "prov", "provinsi")
    view = store.get_ticket(late)
    assert view.sla(clock.now) == lifecycle.SLA_BREACHED  # decided, but after the deadline
    assert store.integrity_check()


def test_one_appeal_decided_by_the_level_above(store: Store, clock: Clock, url: str) -> None:  # noqa: F811
    store.add_official_contact("34", "prov@jogja.go.id")
    code = store.submit(make_sub(kontak="warga@contoh.id")).code
    with pytest.raises(LifecycleRefused):
        store.file_appeal(code, "Belum diputus kok dibanding")
    store.decide(code, "ditolak", "DATA-SUDAH-BENAR", "Data sudah benar.", "dinsos", "kabupaten")
    clock.now += timedelta(days=3)
    assert store.file_appeal(code, "Beliau sudah meninggal, ada surat kematian.")
    assert not store.file_appeal(code, "Beliau sudah meninggal, ada surat kematian.")  # a repeated press
    with pytest.raises(LifecycleRefused):
        store.file_appeal(code, "Banding kedua")
    view = store.get_ticket(code)
    assert view.tahap == "banding" and view.tingkat == "provinsi"
    assert view.banding.keputusan_asal == "ditolak" and view.banding.hasil is None
    assert view.banding.batas_waktu == lifecycle.deadline(clock.now)
    assert outbox(url, "banding_baru") == [("email", "prov@jogja.go.id", code)]
    assert store.queue("34", tingkat="provinsi")[0].banding_alasan.startswith("Beliau")

    with pytest.raises(LifecycleRefused):
        store.decide_appeal(code, "dibatalkan", "x", "dinsos2", "kabupaten")  # not the level above
    with pytest.raises(LifecycleRefused):
        store.decide_appeal(code, "dibatalkan", "x", "dinsos", "pusat")  # the first decider, whatever the role
    with pytest.raises(StoreValidationError):
        store.decide_appeal(code, "diterima", "x", "prov", "provinsi")
    store.decide_appeal(code, "dibatalkan", "Surat kematian sah.", "prov", "provinsi")
    view = store.get_ticket(code)
    assert (view.status, view.tahap, view.banding.hasil) == ("diterima", "selesai", "dibatalkan")
    assert view.history[-1].status == "diterima" and "dibatalkan" in view.history[-1].reason
    assert [k for _c, _r, k in outbox(url, "putusan_banding")] == [code]
    assert actions(store) == ["putusan", "banding", "putusan_banding"]
    with pytest.raises(LifecycleRefused):
        store.decide_appeal(code, "dikuatkan", "x", "prov", "provinsi")
    assert store.integrity_check()


def test_an_upheld_appeal_keeps_the_decision(store: Store, clock: Clock) -> None:  # noqa: F811
    code = store.submit(make_sub()).code
    with pytest.raises(LifecycleRefused):
        store.decide(code, "diterima", "TERBUKTI", "ok", "prov", "provinsi")  # the kab/kota's ticket
    clock.now += timedelta(days=15)
    assert store.sweep().escalated == [code]
    store.decide(code, "diterima", "TERBUKTI", "ok", "prov", "provinsi")  # decided at provinsi: pusat is above
    store.file_appeal(code, "Saya keberatan.")
    assert store.get_ticket(code).tingkat == "pusat"
    with pytest.raises(LifecycleRefused):
        store.decide_appeal(code, "dikuatkan", "x", "prov2", "provinsi")
    store.decide_appeal(code, "dikuatkan", "Sudah sesuai.", "pusat1", "pusat")
    view = store.get_ticket(code)
    assert (view.status, view.tahap, view.banding.hasil) == ("diterima", "selesai", "dikuatkan")
    assert store.integrity_check()


def test_appeal_window_and_closing(store: Store, clock: Clock) -> None:  # noqa: F811
    late, closed = store.submit(make_sub()).code, store.submit(make_sub()).code
    for code in (late, closed):
        store.decide(code, "diterima", "TERBUKTI", "ok", "op", "kabupaten")  # 1 October, 09:00 WIB
    end = datetime(2026, 10, 15, 17, tzinfo=UTC)  # the end of 15 October, WIB
    clock.now = end - timedelta(seconds=1)
    assert store.get_ticket(late).appeal_open(clock.now)
    assert store.sweep().closed == []
    clock.now = end
    assert not store.get_ticket(late).appeal_open(clock.now)
    with pytest.raises(LifecycleRefused):
        store.file_appeal(late, "Terlambat")
    assert sorted(store.sweep().closed) == sorted([late, closed])
    assert store.sweep().closed == []
    view = store.get_ticket(closed)
    assert view.tahap == "selesai" and view.status == "diterima" and view.history[-1].status == "selesai"
    assert store.integrity_check()


def test_late_objections_are_stored_as_late(store: Store, clock: Clock) -> None:  # noqa: F811
    code = store.submit(make_sub(terlambat=True)).code
    assert store.get_ticket(code).terlambat and store.queue("")[0].terlambat
    assert not store.get_ticket(store.submit(make_sub()).code).terlambat
    with pytest.raises(StoreValidationError):
        store.submit(make_sub(jenis="usul", kategori="layak tetapi belum terdaftar", row_token=None, terlambat=True))
    with pytest.raises(StoreValidationError):
        store.submit(make_sub(terlambat="ya"))


def test_official_contacts_are_checked(store: Store) -> None:  # noqa: F811
    for region, email in [("3", "a@b.id"), ("34710", "a@b.id"), ("34", "bukan surel"), ("34", "a@b")]:
        with pytest.raises(StoreValidationError):
            store.add_official_contact(region, email)
    store.add_official_contact("34", "a@b.id")
    assert store.official_contacts() == [("34", "a@b.id")]
    assert store.remove_official_contact("34", "A@b.id") and store.official_contacts() == []


def test_migration_gives_existing_tickets_a_lifecycle(
    url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    every = migrations.load_migrations()
    before: Callable[[], list[migrations.Migration]] = lambda: [m for m in every if m.version < 4]  # noqa: E731
    monkeypatch.setattr(migrations, "load_migrations", before)
    open_store(url).close()
    at = "2026-09-01T01:00:00.000000Z"
    for code, status in [("AAAAAAAAAAAAAAAA", "diterima"), ("BBBBBBBBBBBBBBBB", "perlu verifikasi lapangan")]:
        raw_sql(
            url,
            "insert into ticket (code, idempotency_key, jenis, kategori, kode_desa, periode, deskripsi, status, "
            "created_at, batas_waktu, updated_at) values (?, ?, 'sanggahan', 'data ganda', '3471011001', '2026-09', "
            "'lama', ?, ?, ?, ?)",
            (code, f"key-{code}", status, at, at, at),
        )
        raw_sql(
            url,
            "insert into status_change (code, status, actor, changed_at) values (?, ?, 'op', ?)",
            (code, status, at),
        )
    monkeypatch.undo()
    with open_store(url) as migrated:
        assert migrated.schema_version() == max(m.version for m in every)
        assert migrated.integrity_check()
        old = migrated.get_ticket("AAAAAAAAAAAAAAAA")
        assert (old.tahap, old.tingkat, old.kode_putusan, old.banding) == ("diputus", "kabupaten", None, None)
        assert old.diputus_at is not None
        assert migrated.get_ticket("BBBBBBBBBBBBBBBB").tahap == "diajukan"
        migrated.decide("BBBBBBBBBBBBBBBB", "ditolak", "KETERANGAN-KURANG", "x", "op", "kabupaten")
        assert migrated.migrate() == []


def test_outcome_counts_partition_the_tickets(store: Store, clock: Clock) -> None:  # noqa: F811
    codes = {
        name: store.submit(make_sub(kode_desa=desa)).code
        for name, desa in [
            ("on time", "3471011001"),
            ("late", "3471011001"),
            ("never decided", "3402012001"),
            ("overdue", "3402012001"),
            ("appealed", "3471022002"),
        ]
    }
    store.submit(make_sub(kode_desa="3471011001", periode="2026-06"))  # another period
    store.decide(codes["on time"], "diterima", "TERBUKTI", "ok", "op", "kabupaten")
    store.decide(codes["appealed"], "ditolak", "TIDAK-TERBUKTI", "x", "op", "kabupaten")
    store.file_appeal(codes["appealed"], "Saya keberatan.")
    clock.now += timedelta(days=20)
    store.submit(make_sub(kode_desa="3402012001"))  # filed now: open within its deadline
    store.sweep()  # escalates 'late' and 'overdue'; escalation does not change how they count
    store.decide(codes["late"], "ditolak", "TIDAK-TERBUKTI", "x", "prov", "provinsi")
    assert store.outcome_counts("", 2, periode="2026-09") == {"34": (2, 3, 1, 0, 0, 1)}
    by_kab = store.outcome_counts("34", 4, periode="2026-09")
    assert by_kab == {"3471": (2, 1, 0, 0, 0, 1), "3402": (0, 2, 1, 0, 0, 0)}
    store.decide_appeal(codes["appealed"], "dibatalkan", "Terbukti.", "prov", "provinsi")
    assert store.outcome_counts("3471", 4)["3471"] == (2, 2, 0, 0, 1, 0)  # every period: the 2026-06 one breached
    assert store.outcome_counts("31", 4) == {}
    assert store.outcome_counts("", 2, periode="2025-01") == {}
    with pytest.raises(StoreValidationError):
        store.outcome_counts("3471", 2)
