"""Tables derived from a period's rows when it is built or ingested, so pages never scan the nation:
the duplicate-NIK table, the NIK-sorted side table and the rollups at every level."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from pathlib import Path

from portal.config import Settings
from portal.db import load_sql, new_connection, register_views
from portal.snapshot import partition_path, write_table

# Order matters: the rollup reads the duplicate-NIK table of its own period.
DERIVED = (("nik_ganda", "build/nik_ganda"), ("nik_index", "build/nik_index"), ("rollup", "build/rollup"))


def period_end(periode: str) -> date:
    """The last day of a 'YYYY-MM' period."""
    year, month = (int(part) for part in periode.split("-"))
    return date(year, month, calendar.monthrange(year, month)[1])


def build_derived(root: Path, periods: list[str], settings: Settings, progress: Callable[[str], None] = print) -> None:
    """Write the derived tables of every period under `root` (a staging generation)."""
    con = new_connection(settings)
    try:
        for periode in periods:
            for table, query in DERIVED:
                register_views(con, root, None)
                sql = load_sql(query)
                params = {"periode": periode}
                if "$akhir" in sql:
                    params["akhir"] = period_end(periode)
                result = con.sql(sql, params=params).to_arrow_table()
                write_table(partition_path(root, table, periode), result)
            progress(f"  derived tables for {periode}: rollups, NIK index, duplicate NIK")
    finally:
        con.close()
