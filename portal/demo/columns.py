"""A block's rows as plain numpy columns: what the generator works on instead of pandas frames.

Selecting, appending and updating rows are whole-column operations: numpy for numbers and for the small integer
codes most string columns are held as, object arrays for the few strings changed in place (alamat, alasan_nonaktif),
and Arrow string arrays for names, NIK and No KK (made by Arrow; a NIK is changed only once, when defects are
injected).
Nullable integers use 0 for null (ids and desil are never 0); dates are datetime64[D] with NaT for null."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from portal.schema import SCHEMAS, SORT_KEYS

# Integer columns where 0 stands for null.
NULL_ZERO = frozenset({"desil", "id_usulan_asal", "id_dtks"})


class Columns:
    """Named numpy columns of equal length."""

    def __init__(self, columns: dict[str, np.ndarray] | None = None, length: int | None = None) -> None:
        self._cols: dict[str, np.ndarray] = {}
        self._n = length
        for name, values in (columns or {}).items():
            self[name] = values

    def __len__(self) -> int:
        return self._n or 0

    def __contains__(self, name: str) -> bool:
        return name in self._cols

    def __iter__(self) -> Iterator[str]:
        return iter(self._cols)

    def __getitem__(self, name: str) -> np.ndarray:
        return self._cols[name]

    def __setitem__(self, name: str, values: object) -> None:
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        if isinstance(values, pa.Array):
            if self._n is None:
                self._n = len(values)
            elif len(values) != self._n:
                raise ValueError(f"column {name} has {len(values)} rows, expected {self._n}")
            self._cols[name] = values
            return
        if isinstance(values, np.ndarray):
            array = values.astype(object) if values.dtype.kind == "U" else values
            if self._n is None:
                self._n = array.shape[0]
            elif array.shape[0] != self._n:
                raise ValueError(f"column {name} has {array.shape[0]} rows, expected {self._n}")
        else:  # a scalar, repeated
            if self._n is None:
                raise ValueError(f"column {name}: a scalar needs a length")
            if isinstance(values, str) or values is None:
                array = np.empty(self._n, dtype=object)
                array[:] = values
            else:
                array = np.full(self._n, values)
        self._cols[name] = array

    def take(self, rows: np.ndarray) -> Columns:
        """The rows at `rows` (indices or a boolean mask), as a new set of columns."""
        rows = np.flatnonzero(rows) if rows.dtype == bool else rows
        indices = pa.array(rows)
        return Columns(
            {
                name: values.take(indices) if isinstance(values, pa.Array) else values[rows]
                for name, values in self._cols.items()
            },
            length=rows.size,
        )

    def take_append(self, rows: np.ndarray, more: Columns) -> Columns:
        """`take(rows)` followed by the rows of `more`, copying each column once."""
        rows = np.flatnonzero(rows) if rows.dtype == bool else rows
        out = {}
        for name, values in self._cols.items():
            extra = more[name]
            if isinstance(values, pa.Array):
                out[name] = pa.concat_arrays([values.take(pa.array(rows)), extra])
                continue
            joined = np.empty(rows.size + len(extra), dtype=np.result_type(values, extra))
            np.take(values, rows, out=joined[: rows.size])
            joined[rows.size :] = extra
            out[name] = joined
        return Columns(out, length=rows.size + len(more))

    def with_column(self, name: str, values: np.ndarray | pa.Array) -> Columns:
        """These columns (shared, not copied) plus one more."""
        out = Columns(length=len(self))
        out._cols = dict(self._cols)
        out[name] = values
        return out

    @staticmethod
    def concat(parts: Iterable[Columns]) -> Columns:
        """Rows of `parts` one after the other (same column names)."""
        parts = [p for p in parts]
        names = list(parts[0])
        return Columns({name: _concat([p[name] for p in parts]) for name in names}, length=sum(len(p) for p in parts))


def _concat(pieces: list[np.ndarray | pa.Array]) -> np.ndarray | pa.Array:
    if isinstance(pieces[0], pa.Array):
        return pa.concat_arrays(pieces)
    return np.concatenate(pieces)


def _arrow(values: np.ndarray | pa.Array, field: pa.Field) -> pa.Array:
    if isinstance(values, pa.Array):
        return values.cast(field.type)
    if field.name in NULL_ZERO:
        return pa.array(values, mask=values == 0).cast(field.type)
    if pa.types.is_string(field.type):
        return pa.array(values, type=pa.string(), from_pandas=True)
    if pa.types.is_date32(field.type):
        return pa.array(values.astype("datetime64[D]", copy=False), type=pa.date32(), from_pandas=True)
    return pa.array(values).cast(field.type)


Coded = Mapping[str, tuple[pa.Array, str]]  # column → (vocabulary, the column holding codes into it)


def vocabulary_arrays(vocabularies: Mapping[str, tuple[np.ndarray, str]]) -> dict[str, tuple[pa.Array, str]]:
    """The vocabularies as Arrow strings, made once per block."""
    return {
        name: (pa.array(vocab, type=pa.string(), from_pandas=True), source)
        for name, (vocab, source) in vocabularies.items()
    }


def to_arrow(table: str, cols: Columns, coded: Coded | None = None) -> pa.Table:
    """The columns of the register table `table`, in schema order and types, sorted by its sort key; a column
    in `coded` is written from its codes. kode_desa coded by the desa index sorts by that index (the block's
    desa are in code order)."""
    coded = coded or {}
    schema = SCHEMAS[table]
    converted: dict[str, pa.Array] = {}
    keys = []
    for key in SORT_KEYS[table]:
        if key == "kode_desa" and key in coded:
            keys.append(pa.array(cols[coded[key][1]]))
            continue
        if key not in coded:
            converted[key] = _arrow(cols[key], schema.field(key))
            keys.append(converted[key])
        else:
            keys.append(_decode(cols, coded[key]))
    order = pc.sort_indices(
        pa.table(keys, names=[f"k{i}" for i in range(len(keys))]),
        sort_keys=[(f"k{i}", "ascending") for i in range(len(keys))],
    )
    rows = order.to_numpy()
    arrays = []
    for field in schema:
        if field.name in coded:  # small integer codes: cheap to reorder before decoding
            arrays.append(_decode(cols, coded[field.name], rows))
        elif (
            field.name not in converted
            and isinstance(cols[field.name], np.ndarray)
            and cols[field.name].dtype != object
        ):
            arrays.append(_arrow(cols[field.name][rows], field))  # numbers, dates, flags: numpy reorders them
        else:  # strings: converted in generation order (sequential reads), then reordered by Arrow
            values = converted.get(field.name)
            arrays.append((_arrow(cols[field.name], field) if values is None else values).take(order))
    return pa.Table.from_arrays(arrays, schema=schema)


def _decode(cols: Columns, coding: tuple[pa.Array, str], rows: np.ndarray | None = None) -> pa.Array:
    vocab, source = coding
    codes = cols[source] if rows is None else cols[source][rows]
    return vocab.take(pa.array(codes))
