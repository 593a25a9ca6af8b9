"""The XLSX reader's regular-expression path (`Workbook.rows`) gives exactly the values of the ElementTree path
(`Workbook.rows_parsed`): on openpyxl workbooks (the messy corpus), on sheet XML written by hand in the forms
other tools write (inline and rich strings, entities, formulas, pretty-printing, missing or reordered attributes,
a prefixed namespace, big integers, date styles), and on random sheets (hypothesis)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.ingest import xlsx
from portal.ingest.xlsx import Workbook
from tests.messy_corpus import people, siksng_xlsx

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{MAIN_NS}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN_NS}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs></styleSheet>'
)
SHARED = (
    f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="3" uniqueCount="3">'
    "<si><t>NIK</t></si><si><t>Nama lengkap</t></si><si><r><t>BU</t></r><r><rPr><b/></rPr><t>DI</t></r></si></sst>"
)


def _book(tmp_path: Path, sheet_data: str, root: str | None = None, declaration: str | None = None) -> Path:
    """A one-sheet workbook with the given sheetData content (and optionally another root tag or declaration)."""
    root = root or (
        f'<worksheet xmlns="{MAIN_NS}" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
    )
    end = "</" + root[1:].split()[0].rstrip(">") + ">"
    declaration = declaration if declaration is not None else '<?xml version="1.0" encoding="UTF-8"?>\n'
    tag = root[1:].split()[0].split(":")[0] + ":" if ":" in root.split()[0] else ""
    sheet = f'{declaration}{root}<{tag}dimension ref="A1:C9"/><{tag}sheetData>{sheet_data}</{tag}sheetData>'
    sheet += f'<{tag}rowBreaks count="1"><{tag}brk id="5"/></{tag}rowBreaks>{end}'
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", RELS)
        zf.writestr("xl/styles.xml", STYLES)
        zf.writestr("xl/sharedStrings.xml", SHARED)
        zf.writestr("xl/worksheets/sheet1.xml", sheet.encode("utf-8"))
    return path


def _both(path: Path, **bounds: int) -> tuple[list, list]:
    book = Workbook(path)
    try:
        sheet = next(iter(book.sheets))
        fast = [(n, list(r)) for n, r in book.rows(sheet, **bounds)]
        parsed = [(n, list(r)) for n, r in book.rows_parsed(sheet, **bounds)]
    finally:
        book.close()
    return fast, parsed


def _typed(rows: list) -> list:
    """Rows with each value's type beside it (1 == 1.0 == True in Python, but not here)."""
    return [(n, [(type(v).__name__, v) for v in r]) for n, r in rows]


ROWS = {
    "plain": '<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    '<row r="2"><c r="A2" t="n"><v>3471011507850001</v></c><c r="B2" t="s"><v>2</v></c>'
    '<c r="C2" s="1"><v>29221</v></c></row>',
    "big integers and floats": '<row r="3"><c r="A3"><v>9101011507850001</v></c><c r="B3"><v>3.4710115078500012E+15</v>'
    '</c><c r="C3"><v>1.5</v></c><c r="D3"><v>-7</v></c><c r="E3"><v>12345678901234567890123</v></c></row>',
    "dates by style": '<row r="4"><c r="A4" s="2"><v>44000.5</v></c><c r="B4" s="1"><v>0</v></c>'
    '<c r="C4" s="1"><v>2958466</v></c><c r="D4" s="0"><v>44000</v></c></row>',
    "gaps and empty cells": '<row r="5"><c r="C5"><v>1</v></c><c r="A5" t="s"/><c r="F5" t="str"><v></v></c>'
    '<c r="G5"><v/></c></row><row r="6"/><row r="7" spans="1:1"></row>',
    "inline and formula strings": '<row r="8"><c r="A8" t="inlineStr"><is><t>Siti</t></is></c>'
    '<c r="B8" t="inlineStr"><is><t xml:space="preserve"> Aminah </t></is></c><c r="C8" t="str"><f>A8</f>'
    '<v>Siti</v></c><c r="D8"><f t="shared" ref="D8:D9" si="0">1+1</f><v>2</v></c><c r="E8"><f t="shared" si="0"/>'
    '<v>3</v></c><c r="F8" t="inlineStr"><v>x</v></c><c r="G8" t="s"><is><t>y</t></is></c></row>',
    "booleans errors dates as text": '<row r="9"><c r="A9" t="b"><v>1</v></c><c r="B9" t="b"><v>0</v></c>'
    '<c r="C9" t="e"><v>#N/A</v></c><c r="D9" t="d"><v>2020-01-02T00:00:00</v></c><c r="E9" t="x"><v>5</v></c></row>',
    "entities and carriage returns": '<row r="10"><c r="A10" t="str"><v>A &amp; B &#233;</v></c>'
    '<c r="B10" t="str"><v>a\r\nb</v></c><c r="C10" t="str"><v>bärbel</v></c></row>',
    "rich inline string": '<row r="11"><c r="A11" t="inlineStr"><is><r><rPr><color rgb="FF0000"/></rPr><t>BU</t></r>'
    "<r><t>DI</t></r></is></c></row>",
    "pretty-printed": '\n  <row r="12">\n    <c r="A12" t="s">\n      <v>0</v>\n    </c>\n  </row>\n',
    "other attribute orders": '<row spans="1:2" r="13"><c t="s" r="A13"><v>1</v></c><c r="B13" t="n" s="1">'
    '<v>30000</v></c><c r="C13" cm="1"><v>4</v></c></row><row x14ac:dyDescent="0.25" r="14"><c r="a14"><v>1</v></c>'
    "</row>",
    "no references": '<row><c><v>1</v></c><c t="s"><v>1</v></c></row><row><c r="B16"><v>2</v></c><c><v>3</v></c></row>',
    "comment and cdata": '<row r="17"><!-- x --><c r="A17" t="str"><v><![CDATA[a<b]]></v></c></row>',
}


@pytest.mark.parametrize("name", sorted(ROWS))
def test_hand_written_sheet_xml_reads_the_same_both_ways(tmp_path: Path, name: str) -> None:
    fast, parsed = _both(_book(tmp_path, ROWS[name]))
    assert parsed, "the parsed path read nothing: the sheet is malformed"
    assert _typed(fast) == _typed(parsed)


def test_whole_sheet_of_variants_and_row_bounds(tmp_path: Path) -> None:
    path = _book(tmp_path, "".join(ROWS[k] for k in sorted(ROWS, key=lambda k: ROWS[k].find('r="'))))
    for bounds in ({}, {"max_row": 4}, {"min_row": 5}, {"min_row": 3, "max_row": 9}):
        fast, parsed = _both(path, **bounds)
        assert _typed(fast) == _typed(parsed)


def test_values_are_the_exact_ones(tmp_path: Path) -> None:
    """Not only the same both ways: the right values (a 16-digit integer kept whole, a date-styled serial as a date,
    a shared rich string joined, an entity unescaped)."""
    fast, _ = _both(
        _book(tmp_path, ROWS["plain"] + ROWS["big integers and floats"] + ROWS["entities and carriage returns"])
    )
    rows = dict(fast)
    assert rows[1] == ["NIK", "Nama lengkap"]
    assert rows[2] == [3471011507850001, "BUDI", datetime(1980, 1, 1)]
    assert rows[3][0] == 9101011507850001 and isinstance(rows[3][0], int)
    assert rows[3][1] == 3.4710115078500012e15
    assert rows[10][0] == "A & B é" and rows[10][1] == "a\nb"


@pytest.mark.parametrize(
    ("root", "declaration"),
    [
        (f'<x:worksheet xmlns:x="{MAIN_NS}">', None),
        ('<worksheet xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main">', None),
        (None, '<?xml version="1.0" encoding="ISO-8859-1"?>'),
        (None, ""),
    ],
)
def test_other_documents_read_the_same(tmp_path: Path, root: str | None, declaration: str | None) -> None:
    fast, parsed = _both(_book(tmp_path, ROWS["plain"] + ROWS["dates by style"], root, declaration))
    assert _typed(fast) == _typed(parsed)


def test_rows_longer_than_a_chunk_and_many_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "_CHUNK", 64)
    data = "".join(
        f'<row r="{n}"><c r="A{n}" t="s"><v>{n % 3}</v></c><c r="B{n}"><v>{n * 1.5}</v></c>'
        f'<c r="Z{n}" t="inlineStr"><is><t>{"x" * n}</t></is></c></row>'
        for n in range(1, 120)
    )
    fast, parsed = _both(_book(tmp_path, data))
    assert len(fast) == 119
    assert _typed(fast) == _typed(parsed)


def test_the_messy_corpus_workbook_reads_the_same(tmp_path: Path) -> None:
    path, _cases, _rows = siksng_xlsx(tmp_path, people())
    book = Workbook(path)
    try:
        for sheet in book.sheets:
            fast = list(book.rows(sheet))
            assert _typed(fast) == _typed(list(book.rows_parsed(sheet)))
            assert fast
    finally:
        book.close()


CELL_VALUES = st.one_of(
    st.none(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=12),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL_VALUES, max_size=6), min_size=1, max_size=8))
def test_random_openpyxl_sheets_read_the_same(tmp_path: Path, rows: list[list[object]]) -> None:
    path = tmp_path / "random.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        cleaned = [
            "".join(ch for ch in v if ch.isprintable() or ch in "\t\n") if isinstance(v, str) else v for v in row
        ]
        sheet.append(cleaned)
    book.save(path)
    fast, parsed = _both(path)
    assert _typed(fast) == _typed(parsed)


def test_a_sheet_cut_short_is_refused_both_ways(tmp_path: Path) -> None:
    """A sheet whose XML stops in the middle (a broken export) is not read as the rows before the cut."""
    whole = _book(tmp_path, ROWS["plain"] + ROWS["dates by style"])
    cut = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(whole) as src, zipfile.ZipFile(cut, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, data[: data.index(b'<row r="4"')] if item.filename.endswith("sheet1.xml") else data)
    book = Workbook(cut)
    try:
        for read in (book.rows, book.rows_parsed):
            with pytest.raises((ValueError, ET.ParseError)):
                list(read("data"))
    finally:
        book.close()


def test_cli_refuses_a_cut_sheet_in_one_line_and_publishes_nothing(
    fixture_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An export whose sheet XML stops after some rows: exit 2, one English error line, the register unchanged
    (the rows before the cut are not published as if they were the whole file)."""
    from portal.cli import main
    from portal.snapshot import read_manifest
    from tests.ingest_helpers import copy_register

    settings = copy_register(fixture_dir, tmp_path / "data")
    whole, _cases, _rows = siksng_xlsx(tmp_path, people())
    cut = tmp_path / "potong.xlsx"
    with zipfile.ZipFile(whole) as src, zipfile.ZipFile(cut, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/") and data.count(b"<row ") > 6:
                data = data[: data.index(b'<row r="6"')]
            dst.writestr(item, data)
    before = read_manifest(settings.register_dir)
    status = main(["ingest", str(cut), "--periode", "2026-12", "--data-dir", str(settings.data_dir)])
    captured = capsys.readouterr()
    assert status == 2, captured.out
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "potong.xlsx" in lines[0], captured.err
    assert "Traceback" not in captured.err + captured.out
    assert read_manifest(settings.register_dir) == before


# --- Text columns (`Workbook.text_chunks`, what the ingest reads) against the ElementTree reader, row by row ---


def _texts_both(path: Path, width: int, date_columns: frozenset[int], min_row: int = 1) -> tuple[tuple, tuple]:
    """(row numbers, texts, blank rows) from `text_chunks` (one thread, and two, which must agree) and from
    `rows_parsed` turned into texts row by row (`row_texts` and the blank-row rule of reading.py), for the
    workbook's first sheet."""
    book = Workbook(path)
    try:
        sheet = next(iter(book.sheets))
        read = []
        for workers in (1, 2):
            lines, rows, blank = [], [], 0
            for chunk in book.text_chunks(sheet, min_row, width, date_columns, workers):
                assert all(len(c) == len(chunk.lines) for c in chunk.columns) and len(chunk.columns) == width
                lines += chunk.lines
                rows += [list(r) for r in zip(*(c.to_pylist() for c in chunk.columns), strict=True)]
                blank += chunk.blank
            read.append((lines, rows, blank))
        assert read[0] == read[1], "two threads read the sheet differently from one"
        expected_lines, expected_rows, expected_blank = [], [], 0
        for number, row in book.rows_parsed(sheet, min_row):
            cells = xlsx.row_texts(row, width, date_columns)
            if "".join(cells).strip():
                expected_lines.append(number)
                expected_rows.append(cells)
            else:
                expected_blank += 1
    finally:
        book.close()
    return (lines, rows, blank), (expected_lines, expected_rows, expected_blank)


# Rows the Arrow path cuts (inline, shared, plain and big numbers, dates by style, booleans, errors, gaps) and rows
# it must hand to the row reader (formulas, spaces between cells, cells out of order or repeated, entities,
# carriage returns, self-closing rows, no reference, rich text), mixed, so their order must be kept.
TEXT_ROWS = (
    '<row r="2"><c r="A2" t="inlineStr"><is><t>3471011507850001</t></is></c><c r="B2" t="s"><v>1</v></c>'
    '<c r="C2" s="1" t="n"><v>21180</v></c><c r="D2" t="b"><v>1</v></c><c r="F2"><v>007</v></c>'
    '<c r="G2"><v>-0</v></c><c r="H2"><v>3471011507850001</v></c><c r="I2"><v>1.5</v></c></row>'
    '<row r="3" spans="1:9"><c r="A3" t="inlineStr"><is><t xml:space="preserve"> Siti </t></is></c>'
    '<c r="B3" t="e"><v>#N/A</v></c><c r="C3" s="2"><v>44000.5</v></c><c r="D3" t="b"><v>0</v></c>'
    '<c r="E3" t="str"><v>teks</v></c><c r="F3" s="1"><v>0</v></c><c r="G3" s="1"><v>2958466</v></c>'
    '<c r="H3"><v>123456789012345</v></c><c r="I3"><v>1E+3</v></c></row>'
    '<row r="4"><c r="B4"><v>45000</v></c><c r="C4"><v>30</v></c><c r="E4" t="d"><v>2020-01-02</v></c></row>'
    '<row r="5"><c r="A5" t="inlineStr"><is><t>rumus</t></is></c><c r="B5"><f>1+1</f><v>2</v></c></row>'
    '<row r="6"><c r="A6" t="inlineStr"><is><t>spasi</t></is></c> <c r="B6"><v>3</v></c></row>'
    '<row r="7"><c r="C7"><v>1</v></c><c r="A7" t="inlineStr"><is><t>urutan</t></is></c></row>'
    '<row r="8"><c r="A8"><v>1</v></c><c r="A8"><v>2</v></c></row>'
    '<row r="9"><c r="A9" t="str"><v>A &amp; B</v></c></row>'
    '<row r="10"/><row r="11" spans="1:1"></row>'
    '<row r="12"><c r="A12" t="inlineStr"><is><t>   </t></is></c><c r="B12" t="str"><v>\u3000</v></c>'
    '<c r="C12" t="inlineStr"><is><t>\u00a0\u2003</t></is></c></row>'
    '<row r="18"><c r="B18" t="str"><v>\u20ac</v></c></row>'
    '<row r="13"><c r="A13" t="inlineStr"><is><t>kosong\u00a0</t></is></c><c r="Z13" t="s"><v>0</v></c></row>'
    "<row><c><v>77</v></c></row>"
    '<row r="15"><c r="A15" t="inlineStr"><is><r><t>BU</t></r><r><t>DI</t></r></is></c></row>'
    '<row r="16"><c r="A16" t="s"><v>2</v></c><c r="B16" t="b"><v> 1 </v></c><c r="C16" t="n"><v>+5</v></c>'
    '<c r="D16" t="s"><v></v></c><c r="E16" t="b"/><c r="F16" s="1"/><c r="G16"><v/></c><c r="H16"></c></row>'
    '<row r="17"><c r="A17" t="inlineStr"><is><t>a"b&gt;</t></is></c><c r="B17" t="x"><v>12</v></c></row>'
    '<row r="19"><c r="C19" t="inlineStr"><v>x</v></c><c r="D19" t="s"><is><t>y</t></is></c>'
    '<c r="E19" t="b"><v>2</v></c><c r="F19" t="x"><v>12</v></c><c r="G19" t="s"><v>-1</v></c></row>'
)


@pytest.mark.parametrize("date_columns", [frozenset(), frozenset([1, 2, 5])])
@pytest.mark.parametrize("min_row", [1, 4])
def test_text_columns_match_the_row_reader(tmp_path: Path, date_columns: frozenset[int], min_row: int) -> None:
    new, old = _texts_both(_book(tmp_path, ROWS["plain"] + TEXT_ROWS), 9, date_columns, min_row)
    assert old[0], "the reference read nothing"
    assert new == old


def test_text_columns_give_the_exact_texts(tmp_path: Path) -> None:
    """Not only the same both ways: a 16-digit NIK as text kept whole, as a number shown in scientific notation
    with every digit it holds, a date-styled serial as an ISO date, a serial in a date column as a date."""
    (lines, rows, blank), _ = _texts_both(_book(tmp_path, TEXT_ROWS), 9, frozenset([1]))
    by_line = dict(zip(lines, rows, strict=True))
    assert by_line[2][:5] == ["3471011507850001", "Nama lengkap", "1957-12-26", "1", ""]
    assert by_line[2][5:] == ["7", "0", "3.471011507850001E+15", "1.5"]
    assert by_line[3][2] == "2020-06-18 12:00:00" and by_line[3][5] == "0" and by_line[3][6] == "2958466"
    assert by_line[4][:3] == ["", "2023-03-15", "30"]
    assert by_line[8][0] == "2" and by_line[9][0] == "A & B" and by_line[17][0] == 'a"b>'
    assert 10 not in by_line and 11 not in by_line and 12 not in by_line and blank == 3


def test_regular_rows_are_read_without_the_row_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Arrow path is the one taken for rows in the usual forms (the row reader is not called at all)."""
    regular = TEXT_ROWS[: TEXT_ROWS.index('<row r="5">')]

    def refuse(*_args: object) -> None:
        raise AssertionError("a regular row went to the row reader")

    book_path = _book(tmp_path, regular)
    monkeypatch.setattr(xlsx._RowReader, "__call__", refuse)
    book = Workbook(book_path)
    try:
        chunks = list(book.text_chunks("data", 1, 9, frozenset()))
    finally:
        book.close()
    assert [line for c in chunks for line in c.lines] == [2, 3, 4]


@pytest.mark.parametrize("chunk", [64, 200, 1000, 1 << 20])
def test_text_columns_across_chunk_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(xlsx, "_CHUNK", chunk)
    data = "".join(
        f'<row r="{n}"><c r="A{n}" t="s"><v>{n % 3}</v></c><c r="B{n}" s="1"><v>{20000 + n}</v></c>'
        + (f'<c r="C{n}"><f>B{n}</f><v>{n}</v></c>' if n % 17 == 0 else f'<c r="D{n}"><v>{n * 1.5}</v></c>')
        + (f'<c r="E{n}" t="inlineStr"><is><t>{"x" * n}</t></is></c>' if n % 5 else "")
        + "</row>"
        + (f'<row r="{n}0000"/>' if n % 23 == 0 else "")
        + ('<row><c t="inlineStr"><is><t>tanpa nomor</t></is></c></row>' if n % 29 == 0 else "")
        for n in range(1, 120)
    )
    new, old = _texts_both(_book(tmp_path, data), 6, frozenset([3]))
    assert len(old[0]) == 119 + 4 and old[0].count(30) == 2  # the row without a number after row 29 is row 30
    assert new == old


def test_text_columns_of_the_messy_corpus(tmp_path: Path) -> None:
    path, _cases, _rows = siksng_xlsx(tmp_path, people())
    book = Workbook(path)
    sheets = list(book.sheets)
    book.close()
    assert len(sheets) > 1
    for index in range(len(sheets)):
        book = Workbook(path)
        try:
            sheet = sheets[index]
            got = [
                (line, row)
                for c in book.text_chunks(sheet, 3, 12, frozenset([4]))
                for line, row in zip(c.lines, zip(*(a.to_pylist() for a in c.columns), strict=True), strict=True)
            ]
            want = [(n, tuple(xlsx.row_texts(r, 12, frozenset([4])))) for n, r in book.rows_parsed(sheet, 3)]
            assert got == [(n, r) for n, r in want if "".join(r).strip()]
        finally:
            book.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL_VALUES, max_size=7), min_size=1, max_size=10), st.integers(1, 7))
def test_random_sheets_give_the_same_text_columns(tmp_path: Path, rows: list[list[object]], width: int) -> None:
    path = tmp_path / "random.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(
            ["".join(ch for ch in v if ch.isprintable() or ch in "\t\n") if isinstance(v, str) else v for v in row]
        )
    book.save(path)
    new, old = _texts_both(path, width, frozenset([0, width - 1]))
    assert new == old


@pytest.mark.parametrize(
    ("root", "declaration"),
    [(None, '<?xml version="1.0" encoding="ISO-8859-1"?>'), (None, "\ufeff<?xml version='1.0'?>")],
)
def test_text_columns_of_other_documents(tmp_path: Path, root: str | None, declaration: str | None) -> None:
    new, old = _texts_both(_book(tmp_path, ROWS["plain"] + ROWS["dates by style"], root, declaration), 4, frozenset())
    assert old[0] and new == old


def test_text_columns_refuse_a_cut_sheet(tmp_path: Path) -> None:
    whole = _book(tmp_path, ROWS["plain"] + TEXT_ROWS)
    cut = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(whole) as src, zipfile.ZipFile(cut, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, data[: data.index(b'<row r="9"')] if item.filename.endswith("sheet1.xml") else data)
    book = Workbook(cut)
    try:
        for workers in (1, 2):
            with pytest.raises(ValueError, match="ends before"):
                list(book.text_chunks("data", 1, 9, workers=workers))
    finally:
        book.close()


def test_invalid_utf8_is_refused(tmp_path: Path) -> None:
    path = _book(tmp_path, ROWS["plain"])
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, data.replace(b"29221", b"29\xff21") if item.filename.endswith("sheet1.xml") else data)
    book = Workbook(bad)
    try:
        with pytest.raises(Exception):  # noqa: B017 - ElementTree and Arrow word it differently
            list(book.rows_parsed("data"))
        for workers in (1, 2):
            with pytest.raises(Exception):  # noqa: B017
                list(book.text_chunks("data", 1, 3, workers=workers))
    finally:
        book.close()


@pytest.mark.parametrize("batch_rows", [7, 20_000])
def test_reading_gives_the_same_batches_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_rows: int
) -> None:
    """reading.py's batches from the text columns and from the rows: same columns, row numbers, batch
    boundaries, fractions and blank counts."""
    from portal.ingest import reading
    from portal.ingest.headers import load_header_map

    monkeypatch.setattr(reading, "BATCH_ROWS", batch_rows)
    path, _cases, _rows = siksng_xlsx(tmp_path, people())
    seen = {}
    for columns in (True, False):
        monkeypatch.setattr(reading, "XLSX_COLUMNS", columns)
        out = []
        for table in reading.open_tables(path, load_header_map(None)):
            for batch in table.batches():
                out.append((table.source, [c.to_pylist() for c in batch.columns], batch.lines, batch.fraction))
            out.append((table.source, table.stats))
        seen[columns] = out
    assert seen[True] == seen[False]
    assert sum(len(b[2]) for b in seen[True] if len(b) == 4) > 20


def test_read_ahead_keeps_order_raises_where_the_item_was_and_stops_with_its_consumer() -> None:
    import threading

    closed = []

    def items(fail: bool) -> Iterator[int]:
        try:
            yield from range(6)
            if fail:
                raise ValueError("the sheet XML ends before </worksheet>")
        finally:
            closed.append(fail)

    assert list(xlsx.read_ahead(items(False), depth=1)) == list(range(6))
    got = []
    with pytest.raises(ValueError, match="ends before"):
        for item in xlsx.read_ahead(items(True)):
            got.append(item)
    assert got == list(range(6))
    reader = xlsx.read_ahead(items(False), depth=1)
    assert next(reader) == 0
    reader.close()  # the consumer stops early: the thread stops and the items are closed
    assert closed == [False, True, False]
    assert not [t for t in threading.enumerate() if t.name == "xlsx-read-ahead"]


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_a_row_without_a_number_follows_the_piece_before(workers: int) -> None:
    """A row without `r` is numbered after the row before it, also when that row was in the piece before, cut by
    another thread."""
    namespace = f'xmlns="{MAIN_NS}"'.encode()
    reader = xlsx._ColumnReader(xlsx._RowReader(["s"], frozenset(), namespace), 2, frozenset())
    texts = [
        b'<row r="7"><c r="A7" t="inlineStr"><is><t>a</t></is></c></row>',
        b'<row><c t="inlineStr"><is><t>b</t></is></c></row>',
        b'<row r="9"><c r="B9" t="s"><v>0</v></c></row><row r="12"><c r="A12"><v>5</v></c></row>',
        b'<row><c r="B1"><v>6</v></c></row></sheetData></worksheet>',
    ]
    chunks = list(reader.read(iter(texts), 1, workers))
    assert [line for c in chunks for line in c.lines] == [7, 8, 9, 12, 13]
    assert [v for c in chunks for v in c.columns[0].to_pylist()] == ["a", "b", "", "5", ""]
    assert [v for c in chunks for v in c.columns[1].to_pylist()] == ["", "", "s", "", "6"]
