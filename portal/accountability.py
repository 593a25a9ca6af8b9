"""Public accountability figures: how each provinsi and kab/kota handles objections and proposals — received,
decided within the 14-day deadline, breached, still open, appealed, overturned — and how many of its desa held a
musdes in the last 3 months, with the public pages' small-cell suppression. Pure (pandas; no Streamlit, no
database): the page, or later a JSON API, passes the store's `outcome_counts` (and the rollup's musdes counts) and
the region labels and gets a DataFrame.

Suppression. The figures are published as two or three tables per level, each a partition with its total, so that
portal.suppression's rules hold exactly (its margins are sums of the cells):

* handling: decided on time + breached + open within the deadline = received;
* appeals: upheld + overturned + pending = appealed;
* musdes (from the register's rollup, optional): desa with a musdes in the 3 months up to the period's end + desa
  without = desa. Desa counts are not people, but they get the same rule so that one rule covers the page.

Each is suppressed top-down along the drill-down like Statistik Publik (the provinsi table with the national total,
then the kab/kota of one provinsi with that provinsi's row fixed), so a hidden figure cannot be recovered from the
level above. Limits: the two tables are protected each on its own; relations between them (appealed tickets are
decided tickets) give only bounds, not values, and are not checked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from portal import words
from portal.fmt import angka
from portal.public import suppress_path
from portal.suppression import MARK, TOTAL

HANDLING = ("tepat_waktu", "melewati_batas", "dalam_proses")
APPEALS = ("banding_dikuatkan", "dibatalkan", "banding_menunggu")
MUSDES = ("desa_musdes_3_bulan", "desa_tanpa_musdes")
COLUMNS = ["diterima", *HANDLING, "banding", *APPEALS]
MUSDES_COLUMNS = ["desa", *MUSDES]
LABELS = words.headings([*COLUMNS, *MUSDES_COLUMNS])  # the headings a reader sees (portal.words)


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


def musdes_counts(rows: pd.DataFrame, labels: Sequence[str]) -> pd.DataFrame:
    """Rollup rows (kode, jumlah_desa, desa_musdes_3_bulan) as the musdes partition per region of `labels`."""
    by_code = {str(r.kode): (int(r.desa_musdes_3_bulan), int(r.jumlah_desa)) for r in rows.itertuples()}
    cells = [by_code.get(label.split(" · ", 1)[0], (0, 0)) for label in labels]
    return pd.DataFrame(
        [[held, total - held] for held, total in cells], index=pd.Index(list(labels)), columns=list(MUSDES)
    ).astype("int64")


def published(
    levels: Sequence[pd.DataFrame],
    path: Sequence[str],
    threshold: int = 10,
    musdes: Sequence[pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """The figures to publish for the last level: `levels[0]` the provinsi counts (`region_counts`), `levels[i]`
    the children of `path[i - 1]` in `levels[i - 1]`; `musdes` the same levels from `musdes_counts`, if given.
    Rows: the regions and TOTAL (the parent's figures); columns: COLUMNS (+ MUSDES_COLUMNS); Int64 with <NA> where
    suppressed."""
    if not levels or len(path) != len(levels) - 1:
        raise ValueError("give one table per level and one chosen region per level below the first")
    if musdes is not None and len(musdes) != len(levels):
        raise ValueError("give the musdes counts for the same levels")
    partitions = [([level[list(HANDLING)] for level in levels], "diterima")]
    partitions.append(([level[list(APPEALS)] for level in levels], "banding"))
    if musdes is not None:
        partitions.append((list(musdes), "desa"))
    parts = [
        suppress_path(tables, list(path), threshold).values.rename(columns={TOTAL: total})
        for tables, total in partitions
    ]
    out = pd.concat(parts, axis=1)[COLUMNS + (MUSDES_COLUMNS if musdes is not None else [])]
    out.index.name = "wilayah"
    return out


def figures(
    outcomes: Callable[[str, int], Mapping[str, Sequence[int]]],
    musdes_rows: Callable[[str, str], pd.DataFrame],
    region_labels: Sequence[Sequence[str]],
    path: Sequence[str],
) -> pd.DataFrame:
    """The published figures for Statistik Publik and the open data API alike: `region_labels[0]` the provinsi
    labels ('kode · nama'), and with a chosen provinsi (`path` = [its label]) `region_labels[1]` its kab/kota;
    `outcomes(prefix, code_length)` is the store's `outcome_counts` for the period, `musdes_rows(tingkat, induk)`
    the rollup's musdes compliance rows."""
    if len(path) > 1 or len(region_labels) != len(path) + 1:
        raise ValueError("the figures stop at the kab/kota: give the provinsi labels, and at most one provinsi")
    levels = [region_counts(outcomes("", 2), region_labels[0])]
    rows = [musdes_rows("provinsi", "")]
    if path:
        kode_prov = path[0].split(" · ", 1)[0]
        levels.append(region_counts(outcomes(kode_prov, 4), region_labels[1]))
        rows.append(musdes_rows("kabupaten", kode_prov))
    musdes = [musdes_counts(r, labels) for r, labels in zip(rows, region_labels, strict=True)]
    return published(levels, list(path), musdes=musdes)


def to_display(table: pd.DataFrame) -> pd.DataFrame:
    """Strings for the page: Indonesian numbers, MARK where suppressed, Indonesian column headings."""
    shown = table.astype(object).map(lambda v: MARK if v is pd.NA else angka(int(v)))
    return shown.rename(columns=LABELS).astype(str).rename_axis(words.heading("wilayah"))


def as_records(table: pd.DataFrame) -> list[dict[str, object]]:
    """The published figures as JSON-ready records (None where suppressed), for an open-data API."""
    records = []
    for label, row in table.iterrows():
        kode, _, nama = str(label).partition(" · ")
        entry: dict[str, object] = {"kode": None if label == TOTAL else kode, "nama": nama or str(label)}
        entry.update({column: None if row[column] is pd.NA else int(row[column]) for column in table.columns})
        records.append(entry)
    return records
