"""Small-count suppression for public tables: regions × programmes with their margins.

Pure (pandas and numpy only, no Streamlit, no SciPy). The public statistics page shows, for one parent region, a
table of recipients with rows = its child regions, columns = programmes, a row total per region, a column total
per programme (the parent's own figure) and the grand total. DOMAIN.md ("What may be public") asks that cells under
10 people, and their complements, be suppressed so that no small count can be recovered from the totals.

Rules (``suppress_table``)
---------------------------
1. Primary suppression: every cell — interior cell *or* margin — with ``1 <= value < threshold``.
   A zero is published: it says that nobody in that region gets that programme, which identifies no one, and hiding
   zeros would also hide where a programme does not reach. The page says so under the table (``note``).
2. Secondary (complementary) suppression, so that from the published cells, the published margins and the
   knowledge that every cell is a non-negative integer, the feasible values of every primary cell form an interval
   that has the true value strictly inside it: the lowest feasible value is at most ``value - 1`` and the highest
   at least ``value + 1``. So no primary value can be recovered, nor pinned down from either side (which is stronger
   than "interval width >= 1": an interval whose upper end is the true value still tells "at most v").

Algorithm
---------
Write every margin with a minus sign (interior and grand total +1, row and column totals -1): then every row and
every column of the full ``(n+1) × (m+1)`` table sums to zero. Changes to the suppressed cells that keep every
published figure are then exactly the circulations in the bipartite graph whose nodes are the table's rows and
columns and whose edges are the suppressed cells. Raising a cell by one needs a path that carries one unit back
round a cycle through it; a cell on that path may be raised freely but lowered only if its value is at least 1 (a
cell is never negative). By max-flow/min-cut, and because the constraint matrix is a network matrix (integral), the
linear-programming interval of a cell reaches ``value + 1`` exactly when such a path exists (``value - 1`` likewise
with the directions reversed). So protection is checked exactly by a graph search, no LP solver at run time.

For each cell to protect (row-major) and each side, if no path runs through suppressed cells already, the cheapest
path through the whole table is found (Dijkstra) and its cells are suppressed. Costs compare, in this order: how many
zeros, the sum of the values, how many cells; a cell already suppressed costs nothing. So any set of non-zero
complements beats any set with a zero, however large (a margin may be hidden rather than a zero). A zero can carry a
path only in the direction that raises it: as the partner of a small cell, it lets the small cell move one way only,
and the small cell's interval ends at its true value on the other (a zero complement "closes" the interval). Then:

* prune: every complement, the most expensive first, is published again if every protection still holds without it;
* improve: each complement in turn is banned, the protections it carried are repaired (Dijkstra again) and the
  result pruned; the first change that lowers the cost is kept, and this repeats (at most ``_MAX_IMPROVEMENTS``
  times) until none does.

Everything runs in a fixed order, so the result is deterministic for a given table. Because every suppressed cell
lies on a cycle, no row or column of the result has exactly one suppressed cell. The result is locally minimal but
not a proven optimum (optimal cell suppression is NP-hard): against an exact integer program on 240 random tables of
up to 8 × 4 it found the optimum in 231 of them, and in the other 9 hid at most 15 % more (by value). Time: about
15–25 ms for a 40 × 5 table (tests/test_suppression.py prints it).

What a reader is assumed to know: the published figures, that figures are non-negative integers, and the rules here.
Not which hidden cell is small and which is a complement — hence one mark for both (``to_display``).

Hierarchy (what a caller must do)
---------------------------------
The ``Jumlah`` row of a table *is* the parent region's figures. Anywhere the same figures appear — the parent's
headline on the same page, or the parent's row in the table one level up (e.g. the national table whose rows are
the provinsi) — they must be shown with the same suppression, or a hidden figure can be read off elsewhere. So:

* Always display the parent's figures from ``table.values.loc[TOTAL]`` (never from the raw rollup).
* Suppress top-down. The top table (e.g. rows = provinsi, ``Jumlah`` = national) is suppressed with
  ``hidden_totals=None``; its ``Jumlah`` row is then free to take complements. A child table (rows = the kab/kota
  of provinsi ``P``) gets ``hidden_totals=parent.hidden_totals_for(P)``: its ``Jumlah`` row is then fixed to the
  parent table's row for ``P`` (the same cells hidden, none added there), and the hidden ones are protected in the
  child table as if they were primary, so the child's cells do not give them away either.
* The child's cells must sum exactly to the parent's row (same period, same counting), and the totals must be sums
  of the cells: a "families receiving any programme" total counts distinct families, is not the sum of the
  programme columns, and is a different table that this module does not cover.

Limits: each table is protected and checked on its own. Hidden parent figures are protected inside the child table
as well, but an attack that combines the relations of several linked tables at once is not checked at run time (the
tests audit random two-level hierarchies jointly and have found no leak; that is evidence, not proof). Figures that
are not sums of this table's cells (distinct counts, other breakdowns of the same people) are not covered.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portal.fmt import angka

TOTAL = "Jumlah"
MARK = "•"

# Cost of suppressing one more cell: (is a zero, value, one cell), compared in that order, summed along a path.
_FREE = (0, 0, 0)
# Rounds of remove-one-complement-and-repair; each accepted round lowers the cost.
_MAX_IMPROVEMENTS = 50


@dataclass(frozen=True)
class SuppressedTable:
    """A table ready to publish.

    ``values``: the table with margins (rows = regions + ``TOTAL``, columns = programmes + ``TOTAL``), dtype
    ``Int64``, ``<NA>`` where suppressed. It holds no true value of a suppressed cell. ``suppressed``: bool mask of the
    same shape. ``primary``: the cells hidden for being small themselves — for tests and staff pages only: publishing
    which hidden cells are small would narrow the others.
    """

    values: pd.DataFrame
    suppressed: pd.DataFrame
    primary: pd.DataFrame
    threshold: int

    @property
    def complementary(self) -> pd.DataFrame:
        """Cells hidden only so that a small one cannot be recovered."""
        return self.suppressed & ~self.primary

    def hidden_totals_for(self, region: Hashable) -> list[Hashable]:
        """The labels hidden in `region`'s row: pass them as `hidden_totals` when suppressing that region's children."""
        row = self.suppressed.loc[region]
        return [label for label, hidden in row.items() if hidden]


def suppress_table(
    cells: pd.DataFrame, threshold: int = 10, *, hidden_totals: Iterable[Hashable] | None = None
) -> SuppressedTable:
    """Suppress small counts and their complements in a regions × programmes table (see the module docstring).

    `cells`: index = the child regions, columns = programmes, values = non-negative integers. The margins are
    computed here as sums. `hidden_totals`: ``None`` for a table whose ``TOTAL`` row may take complements (the top of
    a hierarchy); otherwise the labels (programmes and/or ``TOTAL``) hidden in the parent table's row for this parent,
    which fixes the ``TOTAL`` row to exactly that pattern.
    """
    data = _validate(cells, threshold)
    n, m = data.shape
    full = np.zeros((n + 1, m + 1), dtype=np.int64)
    full[:n, :m] = data
    full[:n, m] = data.sum(axis=1)
    full[n, :m] = data.sum(axis=0)
    full[n, m] = data.sum()

    primary = (full >= 1) & (full < threshold)
    locked = np.zeros_like(primary)
    protect = primary.copy()
    suppressed = primary.copy()
    if isinstance(hidden_totals, str):
        raise TypeError("hidden_totals is a list of labels, not one label")
    if hidden_totals is not None:
        labels = [*cells.columns, TOTAL]
        hidden = set(hidden_totals)
        unknown = hidden - set(labels)
        if unknown:
            raise ValueError(f"hidden_totals names no column of the table: {sorted(map(str, unknown))}")
        row = np.array([label in hidden for label in labels])
        missing = [str(label) for label, small in zip(labels, primary[n], strict=True) if small and label not in hidden]
        if missing:
            raise ValueError(
                f"the parent's figures {missing} are below {threshold} but published in the parent table: "
                "suppress the parent table first (same threshold and counts) and pass its hidden labels"
            )
        locked[n] = True
        suppressed[n] = row
        protect[n] = row

    needs = [(int(i), int(j), up) for i, j in zip(*np.nonzero(protect), strict=True) for up in (True, False)]
    needs = [(i, j, up) for i, j, up in needs if up or full[i, j] >= 1]
    solver = _Protector(full, locked, keep=suppressed)
    hidden = solver.solve(needs)

    index = pd.Index([*cells.index, TOTAL], name=cells.index.name)
    columns = pd.Index([*cells.columns, TOTAL], name=cells.columns.name)
    values = pd.DataFrame(full, index=index, columns=columns).astype("Int64")
    mask = pd.DataFrame(hidden, index=index, columns=columns)
    values = values.mask(mask)
    return SuppressedTable(
        values=values,
        suppressed=mask,
        primary=pd.DataFrame(primary, index=index, columns=columns),
        threshold=int(threshold),
    )


def to_display(table: SuppressedTable) -> pd.DataFrame:
    """Strings for the page: numbers as Indonesian write them ('12.345'), every suppressed cell as ``MARK``.

    One mark for every hidden cell, not '<10': a complement is usually 10 or more (or 0), so '<10' would be false
    there, and marking the small cells apart from their complements would tell a reader which hidden cells lie in
    1–9, a narrower range than the one the protection was worked out for. Show ``note(threshold)`` under it.
    """
    shown = table.values.astype(object).map(lambda v: MARK if v is pd.NA else angka(int(v)))
    return shown.astype(str)


def note(threshold: int = 10) -> str:
    """The line to show under a published table (Bahasa Indonesia)."""
    return (
        f"{MARK} = disembunyikan untuk melindungi kerahasiaan: angka di bawah {threshold} orang, dan angka lain yang "
        "dapat dipakai untuk menghitungnya kembali dari jumlah. Angka 0 ditampilkan."
    )


def _validate(cells: pd.DataFrame, threshold: int) -> np.ndarray:
    if not isinstance(cells, pd.DataFrame):
        raise TypeError("cells must be a pandas DataFrame")
    if isinstance(threshold, bool) or not isinstance(threshold, int | np.integer) or threshold < 1:
        raise ValueError("threshold must be a positive integer")
    if cells.shape[0] < 1 or cells.shape[1] < 1:
        raise ValueError("cells must have at least one row and one column")
    if not cells.index.is_unique or not cells.columns.is_unique:
        raise ValueError("region and programme labels must be unique")
    if TOTAL in cells.index or TOTAL in cells.columns:
        raise ValueError(f"{TOTAL!r} is reserved for the totals")
    for column in cells.columns:
        dtype = cells[column].dtype
        if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
            raise ValueError(f"column {column!r} is not numeric")
    if cells.isna().to_numpy().any():
        raise ValueError("cells must not be missing")
    raw = cells.to_numpy(dtype=np.float64)
    if (raw < 0).any() or (raw != np.round(raw)).any():
        raise ValueError("cells must be non-negative integers")
    return cells.to_numpy(dtype=np.int64)


Cell = tuple[int, int]
Need = tuple[int, int, bool]  # a cell, and whether it must be able to go up (True) or down (False) by one


class _Protector:
    """Cycles in the bipartite graph of the full table: node i < R is row i, node R + j is column j.

    A step row -> column through a cell adds one to it when its sign is +1 and takes one when -1; a step column -> row
    the opposite. Taking one needs the cell to be at least 1; adding one is always possible. A witness of a need is a
    path of suppressed cells that carries the unit back round a cycle through the need's cell.
    """

    def __init__(self, full: np.ndarray, locked: np.ndarray, keep: np.ndarray) -> None:
        self.full = full
        self.locked = locked
        self.keep = keep  # always suppressed: primaries and the parent's hidden figures
        self.rows, self.cols = full.shape
        self.sign = np.ones_like(full)
        self.sign[:-1, -1] = -1
        self.sign[-1, :-1] = -1
        positive = full >= 1
        row_to_col = (self.sign == 1) | positive
        col_to_row = (self.sign == -1) | positive
        self.steps: list[list[tuple[Cell, int]]] = [
            [((i, j), self.rows + j) for j in range(self.cols) if row_to_col[i, j]] for i in range(self.rows)
        ] + [[((i, j), i) for i in range(self.rows) if col_to_row[i, j]] for j in range(self.cols)]
        self.cost = {
            (i, j): (int(full[i, j] == 0), int(full[i, j]), 1) for i in range(self.rows) for j in range(self.cols)
        }

    def solve(self, needs: list[Need]) -> np.ndarray:
        """Cover every need, prune, then improve by removing a complement and repairing while the cost falls."""
        hidden = self.keep.copy()
        witness: dict[Need, set[Cell]] = {}
        if not self._cover(hidden, needs, None, witness):
            raise ValueError(
                "cannot protect the parent's figures with the hidden_totals given: the parent table must hide at "
                "least two figures in this row"
            )
        self._prune(hidden, needs, witness)
        for _ in range(_MAX_IMPROVEMENTS):
            for cell in self._complements(hidden):
                trial = hidden.copy()
                trial[cell] = False
                kept = {need: path for need, path in witness.items() if cell not in path}
                if not self._cover(trial, needs, cell, kept):
                    continue
                self._prune(trial, needs, kept)
                if self._total(trial) < self._total(hidden):
                    hidden, witness = trial, kept
                    break
            else:
                break
        return hidden

    def _complements(self, hidden: np.ndarray) -> list[Cell]:
        """Suppressed cells that are neither primary nor fixed, the most expensive first."""
        cells = [(int(i), int(j)) for i, j in zip(*np.nonzero(hidden & ~self.keep), strict=True)]
        return sorted(cells, key=lambda cell: (self.cost[cell], cell), reverse=True)

    def _total(self, hidden: np.ndarray) -> tuple[int, int, int]:
        extra = hidden & ~self.keep
        return int((extra & (self.full == 0)).sum()), int(self.full[extra].sum()), int(extra.sum())

    def _ends(self, need: Need) -> tuple[int, int]:
        i, j, up = need
        forward = (self.sign[i, j] == 1) == up  # the unit goes row -> column through the need's cell
        row, col = i, self.rows + j
        return (col, row) if forward else (row, col)

    def _witness(self, hidden: np.ndarray, need: Need) -> set[Cell] | None:
        """A path of suppressed cells for `need` (breadth first, so short), or None."""
        start, end = self._ends(need)
        own = need[:2]
        back: dict[int, tuple[int, Cell]] = {start: (start, own)}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for cell, nxt in self.steps[node]:
                if nxt in back or cell == own or not hidden[cell]:
                    continue
                back[nxt] = (node, cell)
                if nxt == end:
                    return self._walk(back, start, end)
                queue.append(nxt)
        return None

    def _cheapest(self, hidden: np.ndarray, need: Need, banned: Cell | None) -> set[Cell] | None:
        """The cheapest path for `need` through any cell that may be suppressed (Dijkstra), or None."""
        start, end = self._ends(need)
        own = need[:2]
        best = {start: _FREE}
        back: dict[int, tuple[int, Cell]] = {}
        heap = [(_FREE, start)]
        while heap:
            cost, node = heapq.heappop(heap)
            if node == end:
                return self._walk(back, start, end)
            if cost > best[node]:
                continue
            for cell, nxt in self.steps[node]:
                if cell in (own, banned):
                    continue
                if hidden[cell]:
                    step = _FREE
                elif self.locked[cell]:
                    continue
                else:
                    step = self.cost[cell]
                new = (cost[0] + step[0], cost[1] + step[1], cost[2] + step[2])
                if nxt not in best or new < best[nxt]:
                    best[nxt] = new
                    back[nxt] = (node, cell)
                    heapq.heappush(heap, (new, nxt))
        return None

    @staticmethod
    def _walk(back: dict[int, tuple[int, Cell]], start: int, end: int) -> set[Cell]:
        path = set()
        node = end
        while node != start:
            node, cell = back[node]
            path.add(cell)
        return path

    def _cover(self, hidden: np.ndarray, needs: list[Need], banned: Cell | None, witness: dict) -> bool:
        """Give every need a witness, suppressing the cheapest path where there is none; False if impossible."""
        for need in needs:
            if need in witness:
                continue
            path = self._witness(hidden, need) or self._cheapest(hidden, need, banned)
            if path is None:
                return False
            for cell in path:
                hidden[cell] = True
            witness[need] = path
        return True

    def _prune(self, hidden: np.ndarray, needs: list[Need], witness: dict) -> None:
        """Publish again every complement, the most expensive first, that no need requires."""
        for cell in self._complements(hidden):
            hidden[cell] = False
            found = {}
            for need in needs:
                if cell in witness[need]:
                    path = self._witness(hidden, need)
                    if path is None:
                        hidden[cell] = True
                        break
                    found[need] = path
            else:
                witness.update(found)
