"""portal.officials: the store's refusals in Bahasa Indonesia, audit lines in words, WIB day ranges, the CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from portal import officials
from portal.store import StoreValidationError, TicketNotFound
from portal.store.audit import AuditEntry
from portal.store.lifecycle import LifecycleRefused


@pytest.mark.parametrize(
    ("english", "indonesian"),
    [
        (StoreValidationError("a reason is required for status 'ditolak'"), "Alasan wajib diisi."),
        (StoreValidationError("a reason is required"), "Alasan wajib diisi."),
        (LifecycleRefused("this ticket is handled at the provinsi level, not by a kabupaten official"), "provinsi"),
        (LifecycleRefused("the ticket is already decided"), "sudah diputus"),
        (StoreValidationError("reason is longer than 2000 characters"), "paling banyak 2000 karakter"),
        (StoreValidationError("reason contains a 16-digit number (a NIK or No KK is never accepted)"), "NIK"),
        (LifecycleRefused("the official who made the decision cannot decide its appeal"), "keputusan awal"),
        (TicketNotFound("no ticket has this code"), "Tiket tidak ditemukan."),
        (StoreValidationError("something nobody foresaw"), "Perubahan ditolak"),
    ],
)
def test_store_refusals_are_said_in_indonesian(english: Exception, indonesian: str) -> None:
    said = officials.store_message(english)
    assert indonesian in said
    assert str(english) not in said
    for word in ("required", "ticket", "level", "contains", "longer", "official"):
        assert word not in said


def test_audit_detail_is_readable() -> None:
    text = officials.detail_text({"tiket": "rh5e445k9d859tv6", "jumlah": 6510, "ok": True, "x": None})
    assert text == "Tiket: RH5E-445K-9D85-9TV6; Jumlah: 6.510; Ok: ya; X: –"
    assert officials.detail_text({"method": "password", "reason": "wrong password"}) == (
        "Metode: kata sandi; Alasan: kata sandi salah"
    )
    assert officials.detail_text({}) == "–"


def test_wib_days_are_half_open_utc_ranges() -> None:
    since, until = officials.wib_range(date(2026, 9, 1), date(2026, 9, 2))
    assert since == datetime(2026, 8, 31, 17, 0, tzinfo=UTC)
    assert until == datetime(2026, 9, 2, 17, 0, tzinfo=UTC)
    assert officials.wib_range(None, None) == (None, None)


def test_audit_csv_has_words_wib_times_and_no_formula_cells() -> None:
    entries = [
        AuditEntry(2, datetime(2026, 9, 1, 1, 30, tzinfo=UTC), "=cmd|' /C calc'!A0", "masuk", "3471", {}),
        AuditEntry(1, datetime(2026, 9, 1, 0, 0, tzinfo=UTC), "jogja", "putusan", "", {"tiket": "RH5E445K9D859TV6"}),
    ]
    names = {"3471": "Kota Yogyakarta"}.get
    raw = officials.audit_csv(entries, names, [["Judul", "Log Audit"]])
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Judul", "Log Audit"]
    assert rows[2] == ["Waktu", "Petugas", "Tindakan", "Kode tindakan", "Wilayah", "Rincian"]
    assert rows[3] == ["01/09/2026 08:30 WIB", "'=cmd|' /C calc'!A0", "Masuk", "masuk", "Kota Yogyakarta (3471)", "–"]
    tiket = "Tiket: RH5E-445K-9D85-9TV6"
    assert rows[4] == ["01/09/2026 07:00 WIB", "jogja", "Memutus tiket", "putusan", "Nasional", tiket]
