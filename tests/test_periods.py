"""Register periods (portal.periods): the 'YYYY-MM' form and the period's last day."""

from __future__ import annotations

from datetime import date

import pytest

from portal import periods


@pytest.mark.parametrize("good", ["2026-09", "2000-01", "2099-12"])
def test_a_period_is_a_real_month(good: str) -> None:
    assert periods.is_period(good)


@pytest.mark.parametrize("bad", ["2026-13", "2026-00", "2026-9", "1999-12", "2026-09 ", "2026/09", None, 202609])
def test_anything_else_is_not_a_period(bad: object) -> None:
    assert not periods.is_period(bad)


def test_period_end_is_the_last_day_of_the_month() -> None:
    assert periods.period_end("2026-09") == date(2026, 9, 30)
    assert periods.period_end("2028-02") == date(2028, 2, 29)
    assert periods.period_end("2026-12") == date(2026, 12, 31)
