"""Property: random corruption of a valid export file (bytes flipped, cells blanked, rows truncated, delimiters
changed, lines dropped or repeated, random encodings, gzip) never ends in a traceback, and every row read is
either accepted or rejected — the report, the rejects file and the per-region table all agree."""

from __future__ import annotations

import csv
import gzip
import io
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.ingest import IngestError, ingest
from tests.fixture_register import fixture_settings
from tests.ingest_helpers import person

HEADER = ["KODE_DESA", "NO_KK", "NIK", "NAMA", "TANGGAL_LAHIR", "JENIS_KELAMIN", "HUBUNGAN_KELUARGA", "DESIL"]
ROWS = [
    person("3471011001", 1, 1, "BUDI SANTOSO", date(1980, 5, 10), "L", "kepala keluarga"),
    person("3471011001", 1, 2, "SITI AMINAH", date(1982, 8, 20), "P", "istri"),
    person("3471011001", 1, 3, "ANDI", date(2010, 2, 1), "L"),
    person("3402012001", 2, 4, "JOSÉ MARÍA", date(1975, 6, 6), "L", "kepala keluarga"),
    person("3402012001", 2, 5, "RÉNATA", date(1977, 7, 7), "P", "istri"),
    person("3171011002", 3, 6, "AHMAD FAUZI", date(1969, 9, 9), "L", "kepala keluarga"),
    person("3171011002", 3, 7, "NUR", date(1999, 12, 31), "P"),
    person("3171011002", 3, 8, "DIAN", date(2004, 1, 1), "P"),
]
_cell = st.tuples(st.integers(0, len(ROWS) - 1), st.integers(0, len(HEADER) - 1))
OPS = st.one_of(
    st.tuples(st.just("blank"), _cell),
    st.tuples(st.just("junk"), _cell, st.text(max_size=20)),
    st.tuples(st.just("truncate"), st.integers(0, len(ROWS)), st.integers(0, 120)),
    st.tuples(st.just("delimiter"), st.integers(0, len(ROWS)), st.sampled_from([";", "\t", "|", ",", ""])),
    st.tuples(st.just("drop"), st.integers(0, len(ROWS))),
    st.tuples(st.just("repeat"), st.integers(0, len(ROWS))),
    st.tuples(st.just("quote"), st.integers(0, len(ROWS))),
)


def _lines(ops: list[tuple]) -> list[str]:
    rows = [[row[h] for h in HEADER] for row in ROWS]
    for op in ops:
        if op[0] == "blank":
            rows[op[1][0]][op[1][1]] = ""
        elif op[0] == "junk":
            rows[op[1][0]][op[1][1]] = op[2]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([HEADER, *rows])
    lines = out.getvalue().splitlines()
    for op in ops:
        index = min(op[1], len(lines) - 1) if op[0] not in ("blank", "junk") else 0
        if op[0] == "truncate":
            lines[index] = lines[index][: op[2]]
        elif op[0] == "delimiter":
            lines[index] = lines[index].replace(",", op[2])
        elif op[0] == "drop" and len(lines) > 1:
            del lines[index]
        elif op[0] == "repeat":
            lines.insert(index, lines[index])
        elif op[0] == "quote":
            lines[index] = '"' + lines[index]
    return lines


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ops=st.lists(OPS, max_size=6),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]),
    flips=st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)), max_size=4),
    compress=st.booleans(),
)
def test_corruption_never_loses_a_row(tmp_path: Path, ops: list, encoding: str, flips: list, compress: bool) -> None:
    text = "\n".join(_lines(ops)) + "\n"
    data = bytearray(text.encode(encoding, errors="replace"))
    for position, value in flips:
        if data:
            data[position % len(data)] = value
    payload = gzip.compress(bytes(data), mtime=0) if compress else bytes(data)
    path = tmp_path / ("input.csv.gz" if compress else "input.csv")
    path.write_bytes(payload)
    try:
        result = ingest([path], "2026-12", fixture_settings(tmp_path / "data"), dry_run=True)
    except IngestError as exc:
        message = str(exc)
        assert message and "\n" not in message and "Traceback" not in message
        assert exc.pesan
        return
    report = result.report
    assert report["diterima"] + report["ditolak"] == report["baris_dibaca"]
    assert report["seimbang"] is True
    assert sum(r["diterima"] for r in report["per_wilayah"]) == report["diterima"]
    assert sum(r["ditolak"] for r in report["per_wilayah"]) == report["ditolak"]
    with result.rejects_path.open(encoding="utf-8-sig", newline="") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == report["ditolak"]
    assert report["baris_dibaca"] <= len(ROWS) + 6  # every row read came from the file
