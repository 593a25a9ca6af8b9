"""SQL of the ingest, one statement per file. They read the run's own spill files, so they live here rather
than in queries/ (whose statements run on the served register)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

SQL_DIR = Path(__file__).parent
_IDENTIFIER = re.compile(r"(?:[a-z]\.)?[a-z_][a-z0-9_]*")


@cache
def _text(name: str) -> str:
    path = SQL_DIR / f"{name}.sql"
    if path.parent != SQL_DIR or not path.is_file():
        raise KeyError(f"unknown ingest query {name!r}")
    return path.read_text(encoding="utf-8")


def load_ingest_sql(name: str, **columns: list[str] | str) -> str:
    """The text of `sql/<name>.sql` with `{placeholder}` column lists filled in. Only identifiers from the schema
    are ever filled in (checked here); values are always bound as `$name` parameters."""
    text = _text(name)
    for key, value in columns.items():
        items = [value] if isinstance(value, str) else value
        for item in items:
            if not _IDENTIFIER.fullmatch(item):
                raise ValueError(f"not an identifier: {item!r}")
        text = text.replace("{" + key + "}", ", ".join(items))
    return text
