"""The objection store on SQLite (always) and PostgreSQL (when PORTAL_TEST_PG_URL is set): a fresh database per test.

Text policy checked here: text is stored and returned exactly as given (no trimming, no escaping: escaping is the
page's job when it renders). A NUL or other C0 control character (tab, newline and carriage return aside) is
refused rather than stripped: PostgreSQL cannot store NUL in text at all, and silently changing what a citizen
wrote would be worse than asking them to fix it. A 16-digit number (NIK / No KK) is refused in every text field.
"""

from __future__ import annotations

import os
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from portal import lifecycle
from portal.store import (
    DEADLINE,
    KATEGORI,
    MAX_DESKRIPSI,
    MAX_FOTO,
    Store,
    StoreError,
    StoreValidationError,
    Submission,
    TicketNotFound,
    backends,
    format_ticket_code,
    migrations,
    new_ticket_code,
    normalise_ticket_code,
    open_store,
)

PG_ENV = "PORTAL_TEST_PG_URL"
PG_SKIP = f"{PG_ENV} is not set: scripts/pg-test-server start && export {PG_ENV}=$(scripts/pg-test-server url)"
BACKENDS = ["sqlite", "postgresql"]
DESA = "3471011001"
CODE_SHAPE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}")
HOSTILE_TEXT = [
    "'; drop table ticket; --",
    "%",
    "_",
    "\\",
    "<script>alert(1)</script>",
    "🙂👍🏽 keluarga 👨‍👩‍👧",
    "\u202eNAMA\u202c مرحبا بالعالم",
    "baris satu\nbaris dua\r\n\ttab",
    "  spasi di tepi  ",
    "🙂" * MAX_DESKRIPSI,  # 2,000 characters, 8 kB of UTF-8
]


# --- fresh databases ----------------------------------------------------------------------------------------


def with_search_path(base: str, schema: str) -> str:
    """A PostgreSQL URL whose sessions use `schema` (libpq's `options`), so each test has its own tables."""
    options = quote(f"-csearch_path={schema}", safe="")
    return f"{base}{'&' if '?' in base else '?'}options={options}"


@contextmanager
def fresh_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database for one test: a temp SQLite file, or a PostgreSQL schema dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(PG_SKIP)
    import psycopg
    from psycopg import sql

    schema = f"test_{secrets.token_hex(6)}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(sql.SQL("create schema {}").format(sql.Identifier(schema)))
    try:
        yield with_search_path(base, schema)
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(schema)))


def raw_sql(url: str, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one statement outside the store (to break or inspect the database on purpose); '?' placeholders."""
    if url.startswith("sqlite:///"):
        conn = sqlite3.connect(url[len("sqlite:///") :], isolation_level=None)
        try:
            cur = conn.execute(statement, params)
            return cur.fetchall() if cur.description else []
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(statement.replace("?", "%s"), params)
        return cur.fetchall() if cur.description else []


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend."""
    with fresh_url(request.param, tmp_path) as db_url:
        yield db_url


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    """A migrated store on a fresh database."""
    opened = open_store(url)
    yield opened
    opened.close()


def make_sub(**changes: Any) -> Submission:
    """A valid objection; keyword arguments replace fields."""
    base = Submission(
        jenis="sanggahan",
        kategori="meninggal dunia",
        kode_desa=DESA,
        periode="2026-09",
        row_token="r1.AbCdEf_123-xyz",
        deskripsi="Sudah meninggal bulan Maret.",
        kontak="0812 3456 7890",
        persetujuan=True,
        idempotency_key=secrets.token_urlsafe(24),
    )
    return replace(base, **changes)


def ticket_count(url: str) -> int:
    return int(raw_sql(url, "select count(*) from ticket")[0][0])


# --- submit and read back -----------------------------------------------------------------------------------


def test_submit_then_get_ticket(store: Store) -> None:
    ticket = store.submit(make_sub(kategori="pindah domisili", periode="2026-06"))
    assert not ticket.replayed
    assert ticket.batas_waktu == lifecycle.deadline(ticket.created_at)
    assert DEADLINE == timedelta(days=14) <= ticket.batas_waktu - ticket.created_at < timedelta(days=15)
    view = store.get_ticket(ticket.display)
    assert view is not None
    assert (view.code, view.jenis, view.kategori, view.kode_desa, view.periode) == (
        ticket.code,
        "sanggahan",
        "pindah domisili",
        DESA,
        "2026-06",
    )
    assert view.status == "terdaftar"
    assert view.created_at == ticket.created_at
    assert view.batas_waktu == ticket.batas_waktu
    assert [(c.status, c.reason) for c in view.history] == [("terdaftar", None)]
    assert view.created_at.tzinfo is not None and view.created_at.utcoffset() == timedelta(0)


def test_public_view_carries_nothing_private(store: Store) -> None:
    ticket = store.submit(make_sub(kontak="wa 0812-1111-2222", foto=b"\xff\xd8jpeg", foto_mime="image/jpeg"))
    store.change_status(ticket.code, "diproses", None, "petugas.desa@3471011001")
    view = store.get_ticket(ticket.code)
    assert view is not None
    names = {f.name for f in fields(view)} | {f.name for f in fields(view.history[0])}
    assert not names & {"kontak", "foto", "foto_mime", "deskripsi", "row_token", "actor", "idempotency_key"}
    text = repr(view)
    assert "0812" not in text and "petugas" not in text and "jpeg" not in text


def test_usul_without_row(store: Store) -> None:
    sub = make_sub(jenis="usul", kategori="layak tetapi belum terdaftar", row_token=None, kontak=None)
    view = store.get_ticket(store.submit(sub).code)
    assert view is not None and view.jenis == "usul"


def test_photo_round_trip(store: Store) -> None:
    data = bytes(range(256)) * 10  # every byte value, NUL included
    ticket = store.submit(make_sub(foto=data, foto_mime="image/png"))
    assert store.get_photo(ticket.code) == (data, "image/png")
    assert store.get_photo(store.submit(make_sub()).code) is None
    assert store.get_photo("not a code") is None


def test_largest_photo_is_accepted(store: Store) -> None:
    ticket = store.submit(make_sub(foto=b"\x89PNG" + b"\x00" * (MAX_FOTO - 4), foto_mime="image/png"))
    photo = store.get_photo(ticket.code)
    assert photo is not None and len(photo[0]) == MAX_FOTO


# --- idempotency --------------------------------------------------------------------------------------------


def test_same_key_twice_gives_the_same_ticket(store: Store, url: str) -> None:
    sub = make_sub()
    first = store.submit(sub)
    second = store.submit(sub)
    assert second.code == first.code
    assert second.created_at == first.created_at
    assert second.replayed and not first.replayed
    assert ticket_count(url) == 1


def test_same_key_different_payload_returns_the_existing_ticket(store: Store, url: str) -> None:
    sub = make_sub()
    first = store.submit(sub)
    again = store.submit(replace(sub, kategori="data ganda", deskripsi="diubah setelah terkirim"))
    assert again.code == first.code
    view = store.get_ticket(first.code)
    assert view is not None and view.kategori == "meninggal dunia"  # the first submission stands
    assert ticket_count(url) == 1


def test_same_key_from_many_threads_at_once(store: Store, url: str) -> None:
    sub = make_sub()
    start = threading.Barrier(12)
    codes: list[str] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            start.wait(timeout=30)
            codes.append(store.submit(sub).code)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert len(codes) == 12 and len(set(codes)) == 1
    assert ticket_count(url) == 1


def test_many_threads_share_one_store(store: Store, url: str) -> None:
    results: list[str] = []

    def submit_some() -> None:
        results.extend(store.submit(make_sub()).code for _ in range(10))

    threads = [threading.Thread(target=submit_some) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(set(results)) == 80
    assert ticket_count(url) == 80
    assert store.integrity_check()


# --- validation ---------------------------------------------------------------------------------------------

BAD_SUBMISSIONS = {
    "jenis unknown": {"jenis": "keberatan"},
    "jenis not text": {"jenis": None},
    "kategori unknown": {"kategori": "lainnya"},
    "kategori case": {"kategori": "Meninggal Dunia"},
    "usul category on a sanggahan": {"kategori": "layak tetapi belum terdaftar"},
    "kode_desa short": {"kode_desa": "347101"},
    "kode_desa letters": {"kode_desa": "34710110a1"},
    "kode_desa non-ascii digits": {"kode_desa": "٣٤٧١٠١١٠٠١"},
    "kode_desa int": {"kode_desa": 3471011001},
    "kode_desa injection": {"kode_desa": "3471011001' or '1'='1"},
    "periode month 13": {"periode": "2026-13"},
    "periode short year": {"periode": "26-09"},
    "periode date": {"periode": "2026-09-01"},
    "row_token is a NIK": {"row_token": "3471015507850003"},
    "row_token holds a NIK": {"row_token": "row-3471015507850003-x"},
    "row_token html": {"row_token": "<script>"},
    "row_token empty": {"row_token": ""},
    "row_token 10 kB": {"row_token": "a" * 10_000},
    "deskripsi too long": {"deskripsi": "x" * (MAX_DESKRIPSI + 1)},
    "deskripsi 10 kB": {"deskripsi": "x" * 10_000},
    "deskripsi NUL": {"deskripsi": "a\x00b"},
    "deskripsi escape char": {"deskripsi": "a\x1b[31mb"},
    "deskripsi lone surrogate": {"deskripsi": "a\ud800b"},
    "deskripsi None": {"deskripsi": None},
    "deskripsi with a NIK": {"deskripsi": "NIK saya 3471015507850003"},
    "kontak too long": {"kontak": "0" * 201},
    "kontak NUL": {"kontak": "0812\x00"},
    "kontak with a No KK": {"kontak": "KK 3471010101100001"},
    "foto not bytes": {"foto": "not bytes", "foto_mime": "image/png"},
    "foto empty": {"foto": b"", "foto_mime": "image/png"},
    "foto too large": {"foto": b"\x00" * (MAX_FOTO + 1), "foto_mime": "image/jpeg"},
    "foto without mime": {"foto": b"\xff\xd8"},
    "foto mime html": {"foto": b"<svg/>", "foto_mime": "text/html"},
    "foto mime svg": {"foto": b"<svg/>", "foto_mime": "image/svg+xml"},
    "mime without foto": {"foto_mime": "image/png"},
    "no consent": {"persetujuan": False},
    "consent not a bool": {"persetujuan": "ya"},
    "key too short": {"idempotency_key": "x" * 15},
    "key too long": {"idempotency_key": "x" * 65},
    "key with spaces": {"idempotency_key": "abc def ghi jkl mno"},
    "key with quote": {"idempotency_key": "abcdefghijklmnop'"},
}


@pytest.mark.parametrize("changes", BAD_SUBMISSIONS.values(), ids=BAD_SUBMISSIONS.keys())
def test_bad_submission_is_refused_and_not_stored(store: Store, url: str, changes: dict[str, Any]) -> None:
    with pytest.raises(StoreValidationError) as info:
        store.submit(make_sub(**changes))
    assert isinstance(info.value, ValueError)
    assert str(info.value) and str(info.value).isascii()
    assert ticket_count(url) == 0


def test_not_a_submission_is_refused(store: Store) -> None:
    with pytest.raises(StoreValidationError):
        store.submit({"jenis": "usul"})  # type: ignore[arg-type]


@pytest.mark.parametrize("kategori", KATEGORI)
def test_every_category_is_accepted_on_an_usul(store: Store, kategori: str) -> None:
    assert store.get_ticket(store.submit(make_sub(jenis="usul", kategori=kategori)).code) is not None


@pytest.mark.parametrize("text", HOSTILE_TEXT, ids=range(len(HOSTILE_TEXT)))
def test_text_is_stored_and_returned_exactly(store: Store, text: str) -> None:
    kontak = text[:200]
    ticket = store.submit(make_sub(deskripsi=text, kontak=kontak if kontak.strip() else None))
    (item,) = store.queue("")
    assert item.code == ticket.code
    assert item.deskripsi == text
    assert item.kontak == (kontak if kontak.strip() else None)


def test_blank_contact_is_no_contact(store: Store) -> None:
    store.submit(make_sub(kontak="   "))
    assert store.queue("")[0].kontak is None


# --- ticket codes -------------------------------------------------------------------------------------------


def test_ticket_code_shape_and_randomness(store: Store) -> None:
    ticket = store.submit(make_sub())
    assert CODE_SHAPE.fullmatch(ticket.display)
    assert ticket.code == ticket.display.replace("-", "")
    codes = {new_ticket_code() for _ in range(5_000)}
    assert len(codes) == 5_000
    assert all(len(code) == 16 and normalise_ticket_code(code) == code for code in codes)
    # 80 bits: every one of the 32 symbols turns up in every position over many draws
    for position in (0, 15):
        assert len({code[position] for code in codes}) == 32


def test_normalise_ticket_code_forgives_typing() -> None:
    code = "0123456789ABCDEF"
    shown = format_ticket_code(code)
    assert shown == "0123-4567-89AB-CDEF"
    for typed in (shown, shown.lower(), " 0123 4567 89ab cdef ", "0123–4567—89AB-CDEF", "O123-4567-89AB-CDEF"):
        assert normalise_ticket_code(typed) == code, typed
    assert normalise_ticket_code("1111-IIII-LLLL-iiii") == "1111111111111111"
    assert normalise_ticket_code("llll oooo 0000 1111") == "1111000000001111"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "0123-4567-89AB-CDE",  # 15
        "0123-4567-89AB-CDEF0",  # 17
        "0123-4567-89AB-CDEU",  # U is not Crockford
        "0123-4567-89AB-CDE!",
        "0123-4567-89AB-CDE🙂",
        "'; drop table ticket; --",
        "x" * 10_000,
        "0123\x00456789ABCDEF",
        None,
        12345678901234567,
    ],
)
def test_malformed_codes_look_like_unknown_ones(store: Store, typed: Any) -> None:
    assert normalise_ticket_code(typed) is None
    assert store.get_ticket(typed) is None
    assert store.get_ticket(new_ticket_code()) is None  # well-formed but unknown: the same answer


def test_get_ticket_accepts_typed_variants(store: Store) -> None:
    ticket = store.submit(make_sub())
    typed = " ".join(ticket.display.lower().split("-"))
    view = store.get_ticket(typed)
    assert view is not None and view.code == ticket.code


# --- status changes -----------------------------------------------------------------------------------------


def test_status_changes_build_the_history(store: Store) -> None:
    times = iter(datetime(2026, 10, day, 9, tzinfo=UTC) for day in range(1, 10))
    store.clock = lambda: next(times)
    ticket = store.submit(make_sub())
    store.change_status(ticket.code, "diproses", None, "operator-3471")
    store.change_status(ticket.display, "perlu verifikasi lapangan", "cek ke rumah", "operator-3471")
    reason = "Masih hidup; diverifikasi RT 🙂 مرحبا"
    store.decide(ticket.display.lower(), "ditolak", "TIDAK-TERBUKTI", reason, "kades-3471011001", "desa")
    view = store.get_ticket(ticket.code)
    assert view is not None
    assert view.status == "ditolak"
    assert [(c.status, c.reason) for c in view.history] == [
        ("terdaftar", None),
        ("diproses", None),
        ("perlu verifikasi lapangan", "cek ke rumah"),
        ("ditolak", "Masih hidup; diverifikasi RT 🙂 مرحبا"),
    ]
    assert [c.time.day for c in view.history] == [1, 2, 3, 4]
    assert view.created_at.day == 1 and view.batas_waktu.day == 15


def test_status_change_errors_leave_the_ticket_alone(store: Store) -> None:
    ticket = store.submit(make_sub())
    with pytest.raises(TicketNotFound):
        store.change_status(new_ticket_code(), "diproses", None, "op")
    with pytest.raises(TicketNotFound):
        store.change_status("bukan kode", "diproses", None, "op")
    for status, reason, actor in [
        ("diterima", None, "op"),  # a decision needs a reason
        ("ditolak", "   ", "op"),
        ("selesai", "x", "op"),  # unknown status
        ("terdaftar", "x", "op"),  # not a target
        ("diterima", "x" * 2_001, "op"),
        ("diterima", "x" * 10_000, "op"),
        ("diterima", "a\x00b", "op"),
        ("diterima", "NIK 3471015507850003 benar", "op"),  # the reason is public
        ("diproses", None, ""),
        ("diproses", None, "a\x00"),
    ]:
        with pytest.raises(StoreValidationError):
            store.change_status(ticket.code, status, reason, actor)
    view = store.get_ticket(ticket.code)
    assert view is not None and view.status == "terdaftar" and len(view.history) == 1


# --- queue --------------------------------------------------------------------------------------------------


def test_queue_filters_by_region_and_fields(store: Store) -> None:
    now = datetime(2026, 10, 20, 12, tzinfo=UTC)
    plan = [
        ("3471011001", "meninggal dunia", 30),
        ("3471011001", "data ganda", 20),
        ("3471022002", "pindah domisili", 10),
        ("3402012001", "meninggal dunia", 5),
        ("3171011002", "data ganda", 1),
    ]
    codes = []
    for desa, kategori, days_ago in plan:
        store.clock = lambda d=days_ago: now - timedelta(days=d)
        codes.append(store.submit(make_sub(kode_desa=desa, kategori=kategori)).code)
    store.clock = lambda: now

    def queued(*args: Any, **kwargs: Any) -> list[str]:
        return [item.code for item in store.queue(*args, **kwargs)]

    assert queued("") == codes  # oldest first
    assert queued("34") == codes[:4]
    assert queued("3471") == codes[:3]
    assert queued("347101") == codes[:2]
    assert queued("3471011001") == codes[:2]
    assert queued("31") == codes[4:]
    assert queued("9") == []
    assert queued("", kategori="data ganda") == [codes[1], codes[4]]
    assert queued("34", kategori="data ganda") == [codes[1]]
    assert queued("", kode_desa="3402012001") == [codes[3]]
    assert queued("31", kode_desa="3402012001") == []
    assert queued("", older_than_days=15) == codes[:2]
    assert queued("", older_than_days=0) == codes
    assert queued("", limit=2) == codes[:2]
    store.change_status(codes[0], "diproses", None, "op")
    assert queued("", status="diproses") == [codes[0]]
    assert queued("", status="terdaftar") == codes[1:]


def test_queue_overdue_flag(store: Store) -> None:
    now = datetime(2026, 10, 20, 12, tzinfo=UTC)
    ages = {
        "old open": timedelta(days=20),
        "old decided": timedelta(days=20),
        "old in progress": timedelta(days=15),
        "fresh": timedelta(days=13),
        "just under": DEADLINE - timedelta(seconds=1),
    }
    codes = {}
    for name, age in ages.items():
        store.clock = lambda age=age: now - age
        codes[name] = store.submit(make_sub()).code
    store.clock = lambda: now
    store.decide(codes["old decided"], "diterima", "TERBUKTI", "terbukti", "op", "kabupaten")
    store.change_status(codes["old in progress"], "perlu verifikasi lapangan", None, "op")
    flags = {item.code: item.overdue for item in store.queue("")}
    assert flags == {
        codes["old open"]: True,
        codes["old decided"]: False,
        codes["old in progress"]: True,
        codes["fresh"]: False,
        codes["just under"]: False,
    }
    item = next(i for i in store.queue("") if i.code == codes["old open"])
    assert item.batas_waktu == lifecycle.deadline(item.created_at)
    assert item.row_token == "r1.AbCdEf_123-xyz" and item.kontak == "0812 3456 7890" and not item.has_foto


@pytest.mark.parametrize(
    "kwargs",
    [
        {"region_prefix": "34%"},
        {"region_prefix": "3_"},
        {"region_prefix": "' or 1=1 --"},
        {"region_prefix": "34710110011"},
        {"region_prefix": None},
        {"region_prefix": "", "status": "'; drop table ticket; --"},
        {"region_prefix": "", "kategori": "%"},
        {"region_prefix": "", "kode_desa": "34%"},
        {"region_prefix": "", "older_than_days": -1},
        {"region_prefix": "", "older_than_days": "7"},
        {"region_prefix": "", "limit": 0},
        {"region_prefix": "", "limit": 10_000},
    ],
)
def test_queue_refuses_bad_filters(store: Store, url: str, kwargs: dict[str, Any]) -> None:
    store.submit(make_sub())
    with pytest.raises(StoreValidationError):
        store.queue(**kwargs)
    assert ticket_count(url) == 1


# --- audit log ----------------------------------------------------------------------------------------------


def test_audit_log_round_trip(store: Store) -> None:
    big = "🙂\u202eX" * 3_334  # 10,002 characters
    store.audit("admin@dinsos", "login", "", {})
    store.audit("op-3471", "change_status", "3471", {"code": "ABCD", "n": 3, "ok": True, "x": None, "big": big})
    store.audit("op-3471", "export", "3471011001", {"sql": "'; drop table audit_log; --", "nul": "a\x00b"})
    entries = store.audit_log()
    assert [e.action for e in entries] == ["export", "change_status", "login"]  # newest first
    assert entries[0].detail == {"sql": "'; drop table audit_log; --", "nul": "a\x00b"}
    assert entries[1].detail["big"] == big
    assert entries[1].region == "3471" and entries[1].actor == "op-3471"
    assert entries[0].id > entries[1].id > entries[2].id
    assert [e.action for e in store.audit_log(limit=1)] == ["export"]


@pytest.mark.parametrize(
    "args",
    [
        ("", "login", "", {}),
        ("op", "", "", {}),
        ("op\x00", "login", "", {}),
        ("op", "login", "34%", {}),
        ("op", "login", "", "not a dict"),
        ("op", "login", "", {"when": datetime(2026, 1, 1)}),
        ("op", "login", "", {"nan": float("nan")}),
        ("op", "login", "", {"bad": "\ud800"}),
        ("op", "login", "", {"huge": "x" * 200_000}),
    ],
)
def test_audit_refuses_bad_input(store: Store, args: tuple[Any, ...]) -> None:
    with pytest.raises(StoreValidationError):
        store.audit(*args)
    assert store.audit_log() == []


# --- integrity and migrations -------------------------------------------------------------------------------


def test_integrity_check_passes_on_a_sound_database(store: Store) -> None:
    assert store.integrity_check()
    ticket = store.submit(make_sub(foto=b"\x89PNG", foto_mime="image/png"))
    store.decide(ticket.code, "diterima", "TERBUKTI", "ok", "op", "kabupaten")
    store.audit("op", "x", "34", {"a": 1})
    assert store.integrity_check()


def test_integrity_check_notices_a_broken_invariant(store: Store, url: str) -> None:
    ticket = store.submit(make_sub())
    raw_sql(url, "update ticket set status = 'diterima' where code = ?", (ticket.code,))  # no history row
    assert not store.integrity_check()


def test_integrity_check_notices_a_missing_table(store: Store, url: str) -> None:
    raw_sql(url, "drop table audit_log")
    assert not store.integrity_check()


def test_migrations_run_twice_harmlessly(url: str) -> None:
    newest = max(m.version for m in migrations.load_migrations())
    first = open_store(url)
    ticket = first.submit(make_sub())
    assert first.migrate() == []
    first.close()
    with open_store(url) as second:  # migrations run again at open
        assert second.migrate() == []
        assert second.schema_version() == newest
        assert second.get_ticket(ticket.code) is not None
        assert second.integrity_check()
    assert raw_sql(url, "select count(*) from schema_version")[0][0] == len(migrations.load_migrations())


def test_every_migration_statement_is_idempotent(url: str) -> None:
    with open_store(url) as opened:
        opened.submit(make_sub())
        raw_sql(url, "delete from schema_version")  # as if the version rows were lost: replay every statement
        assert opened.migrate() == [m.version for m in migrations.load_migrations()]
        assert ticket_count(url) == 1 and opened.integrity_check()


def test_newer_schema_is_refused(url: str) -> None:
    open_store(url).close()
    raw_sql(url, "insert into schema_version (version, name, applied_at) values (9999, 'future', 'x')")
    with pytest.raises(StoreError, match="newer"):
        open_store(url)


def test_migration_tokens_cover_both_dialects() -> None:
    for backend in (backends.SQLite, backends.Postgres):
        for step in migrations.load_migrations():
            statements = migrations.migration_statements(step.sql, backend.tokens)
            assert statements and not any("{{" in s for s in statements)
    with pytest.raises(StoreError):
        migrations.migration_statements("create table x (id {{nope}})", backends.SQLite.tokens)


# --- opening ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", ["", "sqlite:///", "sqlite:///:memory:", "duckdb:///data/portal.duckdb", "mysql://u:secret@h/db"]
)
def test_bad_urls_are_refused_without_echoing_them(bad: str) -> None:
    with pytest.raises(StoreError) as info:
        open_store(bad)
    assert "secret" not in str(info.value)


def test_sqlite_store_is_wal_and_creates_its_directory(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "portal.db"
    with open_store(f"sqlite:///{path}") as opened:
        assert opened.backend == "sqlite"
        opened.submit(make_sub())
    assert raw_sql(f"sqlite:///{path}", "pragma journal_mode")[0][0] == "wal"


def test_connections_commit_durably(store: Store) -> None:
    with store._pool.connection() as conn:
        if store.backend == "sqlite":
            assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"
            assert conn.execute("pragma synchronous").fetchone()[0] == 2  # FULL
            assert conn.execute("pragma busy_timeout").fetchone()[0] >= 5_000
            assert conn.execute("pragma foreign_keys").fetchone()[0] == 1
        else:
            assert conn.execute("show synchronous_commit").fetchone()[0] == "on"
            assert conn.execute("show transaction_isolation").fetchone()[0] == "read committed"


def test_closed_store_refuses_work(tmp_path: Path) -> None:
    opened = open_store(f"sqlite:///{tmp_path / 'x.db'}")
    opened.close()
    with pytest.raises(StoreError):
        opened.submit(make_sub())


def test_default_settings_point_at_a_sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from portal.config import load_settings

    monkeypatch.delenv("PORTAL_DB_URL", raising=False)
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path))
    db_url = load_settings().db_url
    with open_store(db_url) as opened:
        assert opened.backend == "sqlite"
    assert (tmp_path / "portal.db").is_file()


def test_count_by_region(store: Store) -> None:
    for i, desa in enumerate(["3471011001", "3471011001", "3471021002", "3402012001", "3171011002"]):
        store.submit(make_sub(kode_desa=desa, idempotency_key=f"count-by-region-{i:04d}"))
    assert store.count_by_region("", 2) == {"34": 4, "31": 1}
    assert store.count_by_region("34", 4) == {"3471": 3, "3402": 1}
    assert store.count_by_region("3471", 6) == {"347101": 2, "347102": 1}
    with pytest.raises(StoreValidationError):
        store.count_by_region("3471", 2)
