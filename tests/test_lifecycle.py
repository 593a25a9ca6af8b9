"""The lifecycle's rules (pure): the WIB calendar-day deadline, SLA states, decision codes, levels and the
objection window."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from portal import lifecycle
from portal.lifecycle import SLA_AT_RISK, SLA_BREACHED, SLA_ON_TRACK


def test_deadline_counts_calendar_days_in_wib() -> None:
    # 23:59 WIB on 1 March is still 1 March: the deadline is the end of 15 March, WIB (17:00 UTC).
    assert lifecycle.deadline(datetime(2026, 3, 1, 16, 59, tzinfo=UTC)) == datetime(2026, 3, 15, 17, tzinfo=UTC)
    # 00:00 WIB on 2 March (17:00 UTC on 1 March) is the next day: one more day.
    assert lifecycle.deadline(datetime(2026, 3, 1, 17, 0, tzinfo=UTC)) == datetime(2026, 3, 16, 17, tzinfo=UTC)
    # weekends and holidays count: 14 calendar days whatever the weekday
    christmas_eve = datetime(2026, 12, 24, 3, tzinfo=UTC)
    assert lifecycle.last_day(lifecycle.deadline(christmas_eve)) == date(2027, 1, 7)
    assert lifecycle.last_day(datetime(2026, 3, 15, 17, tzinfo=UTC)) == date(2026, 3, 15)
    with pytest.raises(ValueError):
        lifecycle.deadline(datetime(2026, 3, 1))


@pytest.mark.parametrize(
    ("before", "state"),
    [
        (timedelta(days=5), SLA_ON_TRACK),
        (timedelta(days=3, seconds=1), SLA_ON_TRACK),
        (timedelta(days=3), SLA_AT_RISK),
        (timedelta(seconds=1), SLA_AT_RISK),
        (timedelta(0), SLA_BREACHED),
        (-timedelta(days=40), SLA_BREACHED),
    ],
)
def test_sla_of_an_open_step(before: timedelta, state: str) -> None:
    batas = datetime(2026, 3, 15, 17, tzinfo=UTC)
    assert lifecycle.sla_state(batas, batas - before) == state


def test_sla_of_a_finished_step_is_whether_it_was_on_time() -> None:
    batas = datetime(2026, 3, 15, 17, tzinfo=UTC)
    later = batas + timedelta(days=30)
    assert lifecycle.sla_state(batas, later, done_at=batas - timedelta(seconds=1)) == SLA_ON_TRACK
    assert lifecycle.sla_state(batas, later, done_at=batas) == SLA_BREACHED
    assert lifecycle.SLA_STATES == ("sesuai jadwal", "mendekati batas", "melewati batas")


def test_decision_codes_belong_to_one_decision() -> None:
    accepted, refused = lifecycle.codes_for("diterima"), lifecycle.codes_for("ditolak")
    assert accepted and refused and not set(accepted) & set(refused)
    assert set(accepted) | set(refused) == set(lifecycle.DECISION_CODES)
    assert lifecycle.codes_for("selesai") == []


def test_levels() -> None:
    assert lifecycle.tier_above("kabupaten") == "provinsi"
    assert lifecycle.tier_above("provinsi") == "pusat"
    assert lifecycle.may_act("desa", "kabupaten") and lifecycle.may_act("kabupaten", "kabupaten")
    assert not lifecycle.may_act("kabupaten", "provinsi")
    assert lifecycle.may_act("provinsi", "provinsi") and not lifecycle.may_act("provinsi", "kabupaten")
    assert all(lifecycle.may_act("pusat", tier) for tier in lifecycle.TIERS)
    assert not any(lifecycle.may_act("analis", tier) for tier in lifecycle.TIERS)


def test_objection_window() -> None:
    dibuka, ditutup = date(2026, 9, 10), date(2026, 9, 24)
    for today in (dibuka, date(2026, 9, 17), ditutup):
        answer = lifecycle.objection_window(today, dibuka, ditutup)
        assert not answer.terlambat and "24 September 2026" in answer.pesan
    after = lifecycle.objection_window(date(2026, 9, 25), dibuka, ditutup)
    before = lifecycle.objection_window(date(2026, 9, 9), dibuka, ditutup)
    never = lifecycle.objection_window(date(2026, 9, 25), None, None)
    assert after.terlambat and "berakhir pada 24 September 2026" in after.pesan
    assert before.terlambat and "baru dibuka pada 10 September 2026" in before.pesan
    assert never.terlambat and "belum mengumumkan" in never.pesan
    for answer in (after, before, never):
        assert "sanggahan terlambat" in answer.pesan and "musyawarah" in answer.pesan
