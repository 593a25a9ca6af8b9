"""What every part of the store shares: its errors, its time stamps and the checks on fields before they are bound."""

from __future__ import annotations

import re
from datetime import UTC, datetime

MAX_ACTOR = 200
MAX_QUEUE = 1_000  # the most rows one listing (queue, audit log) returns

_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NIK_LIKE = re.compile(r"[0-9]{16}")
REGION = re.compile(r"[0-9]{0,10}")


class StoreError(RuntimeError):
    """The store cannot be opened or used (bad URL, newer schema, closed store)."""


class StoreValidationError(ValueError):
    """A submission or change was refused before anything was written; the message says which field."""


# --- times --------------------------------------------------------------------------------------------------


def utc_now() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """Fixed-width UTC text, so that text order is time order on both backends."""
    if moment.tzinfo is None:
        raise ValueError("the store's clock must return aware datetimes")
    return moment.astimezone(UTC).strftime(_TIME_FORMAT)


def parse_stamp(text: str) -> datetime:
    """The aware UTC datetime a `stamp` stands for."""
    return datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=UTC)


# --- validation ---------------------------------------------------------------------------------------------


def check_text(value: object, name: str, max_chars: int, *, no_nik: bool = True) -> str:
    """Text as given, or a StoreValidationError: too long, control characters (NUL included), a NIK-like number."""
    if not isinstance(value, str):
        raise StoreValidationError(f"{name} must be text")
    if len(value) > max_chars:
        raise StoreValidationError(f"{name} is longer than {max_chars} characters")
    if _CONTROL.search(value):
        raise StoreValidationError(f"{name} contains a NUL or another control character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise StoreValidationError(f"{name} is not valid Unicode text") from None
    if no_nik and has_nik(value):
        raise StoreValidationError(f"{name} contains a 16-digit number (a NIK or No KK is never accepted)")
    return value


def optional_text(value: object, name: str, max_chars: int) -> str | None:
    if value is None:
        return None
    text = check_text(value, name, max_chars)
    return text if text.strip() else None


def check_choice(value: object, name: str, allowed: tuple[str, ...] | frozenset[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise StoreValidationError(f"{name} must be one of {sorted(allowed)}")
    return value


def check_pattern(value: object, name: str, pattern: re.Pattern[str], what: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise StoreValidationError(f"{name} must be {what}")
    return value


def check_limit(limit: object) -> int:
    """A listing's row limit, 1 to MAX_QUEUE."""
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_QUEUE:
        raise StoreValidationError(f"limit must be between 1 and {MAX_QUEUE}")
    return limit


def has_nik(text: str) -> bool:
    """Whether the text holds a 16-digit run (a NIK or No KK)."""
    return _NIK_LIKE.search(text) is not None
