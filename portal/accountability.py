"""Public accountability figures: how each provinsi and kab/kota handles objections and proposals — received,
decided within the 14-day deadline, breached, still open, appealed, overturned — with the public pages' small-cell
suppression. Pure (pandas; no Streamlit, no database): the page, or later a JSON API, passes the store's
`outcome_counts` and the region labels and gets a DataFrame.

Suppression. The figures are published as two tables per level, each a partition with its total, so that
portal.suppression's rules hold exactly (its margins are sums of the cells):

* handling: decided on time + breached + open within the deadline = received;
* appeals: upheld + overturned + pending = appealed.

Each is suppressed top-down along the drill-down like Statistik Publik (the provinsi table with the national total,
then the kab/kota of one provinsi with that provinsi's row fixed), so a hidden figure cannot be recovered from the
level above. Limits: the two tables are protected each on its own; relations between them (appealed tickets are
decided tickets) give only bounds, not values, and are not checked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from portal.fmt import angka
from portal.public import suppress_path
from portal.suppression import MARK, TOTAL

HANDLING = {"tepat_waktu": "Diputus ≤ 14 hari", "melewati_batas": "Melewati batas", "dalam_proses": "Dalam proses"}
APPEALS = {"banding_dikuatkan": "Banding dikuatkan", "dibatalkan": "Dibatalkan", "banding_menunggu": "Banding menunggu"}
COLUMNS = ["diterima", *HANDLING, "banding", *APPEALS]
LABELS = {"diterima": "Tiket diterima", **HANDLING, "banding": "Banding", **APPEALS}


def region_counts(outcomes: Mapping[str, Sequence[int]], labels: Sequence[str]) -> pd.DataFrame:
    """The raw counts per region: rows = `labels` ('kode · nama', every region of the level, zeros included),
    columns = the six partition cells (HANDLING then APPEALS). A code in `outcomes` without a label is left out
    here, so the caller passes every region of the level."""
    cells = list(HANDLING) + list(APPEALS)
    rows = []
    for label in labels:
        values = outcomes.get(label.split(" · ", 1)[0], (0,) * len(cells))
        if len(values) != len(cells):
            raise ValueError(f"expected {len(cells)} counts per region, got {len(values)}")
        rows.append([int(v) for v in values])
    return pd.DataFrame(rows, index=pd.Index(list(labels)), columns=cells, dtype="int64")


def published(levels: Sequence[pd.DataFrame], path: Sequence[str], threshold: int = 10) -> pd.DataFrame:
    """The figures to publish for the last level: `levels[0]` the provinsi counts (`region_counts`), `levels[i]`
    the children of `path[i - 1]` in `levels[i - 1]`. Rows: the regions and TOTAL (the parent's figures); columns:
    COLUMNS; Int64 with <NA> where suppressed."""
    if not levels or len(path) != len(levels) - 1:
        raise ValueError("give one table per level and one chosen region per level below the first")
    parts = []
    for columns, total in ((list(HANDLING), "diterima"), (list(APPEALS), "banding")):
        tables = [level[columns] for level in levels]
        values = suppress_path(tables, list(path)).values.rename(columns={TOTAL: total})
        parts.append(values)
    out = pd.concat(parts, axis=1)[COLUMNS]
    out.index.name = "wilayah"
    return out


def to_display(table: pd.DataFrame) -> pd.DataFrame:
    """Strings for the page: Indonesian numbers, MARK where suppressed, Indonesian column headings."""
    shown = table.astype(object).map(lambda v: MARK if v is pd.NA else angka(int(v)))
    return shown.rename(columns=LABELS).astype(str)


def as_records(table: pd.DataFrame) -> list[dict[str, object]]:
    """The published figures as JSON-ready records (None where suppressed), for an open-data API."""
    records = []
    for label, row in table.iterrows():
        kode, _, nama = str(label).partition(" · ")
        entry: dict[str, object] = {"kode": None if label == TOTAL else kode, "nama": nama or str(label)}
        entry.update({column: None if row[column] is pd.NA else int(row[column]) for column in COLUMNS})
        records.append(entry)
    return records
