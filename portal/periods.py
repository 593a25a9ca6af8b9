"""Register periods: a period is a month written 'YYYY-MM' (the snapshot's reference month), and its rows describe
the register as of the month's last day (pure; the only place the period's form is defined)."""

from __future__ import annotations

import calendar
import re
from datetime import date

# 'YYYY-MM' with a real month, years 2000-2099 (the register did not exist before).
PERIOD = re.compile(r"20[0-9]{2}-(0[1-9]|1[0-2])")


def is_period(value: object) -> bool:
    """True when `value` is a 'YYYY-MM' period string."""
    return isinstance(value, str) and PERIOD.fullmatch(value) is not None


def period_end(periode: str) -> date:
    """The last day of a 'YYYY-MM' period."""
    year, month = (int(part) for part in periode.split("-"))
    return date(year, month, calendar.monthrange(year, month)[1])
