"""Messy export files, built here row by row with the reason each row must get (known by construction): four
files (comma UTF-8; semicolon UTF-8 with BOM and codes in parts; tab Windows-1252 gzip with region names and
pre-2022 Papua codes; XLSX with a notes sheet, title rows, numeric NIK, date cells and Excel serials)."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import duckdb
import openpyxl
import pytest

from portal.db import Register
from portal.ingest import ingest
from portal.ingest.report import format_report
from portal.snapshot import read_manifest
from tests.fixture_register import fixture_settings
from tests.ingest_helpers import make_kk, make_nik, person, write_csv

PERIODE = "2026-12"
A1, A2, B1 = "3471011001", "3471021001", "3402012001"
PAPUA_OLD, PAPUA_NEW = "9101011009", "9301011009"  # Kabupaten Merauke was 9101, is 9301 since the 2022 split


def _file_a(tmp: Path) -> tuple[Path, list[set[str]], list[str]]:
    """Comma, UTF-8 without BOM, header spellings in mixed case; returns the path, each data row's expected
    reject reasons (empty set = accepted) and the NIK written in it."""
    header = ["Kode Desa", "No. KK", "nik", "Nama Lengkap", "Tgl Lahir", "Jenis Kelamin", "Hubungan Keluarga", "desil"]
    header.append("PKH")
    canon = ["KODE_DESA", "NO_KK", "NIK", "NAMA", "TANGGAL_LAHIR", "JENIS_KELAMIN", "HUBUNGAN_KELUARGA", "DESIL"]
    canon.append("PROG_PKH")
    head = person(A1, 1, 1, "BUDI SANTOSO", date(1980, 5, 10), "L", "kepala keluarga", KODE_DESA="34.71.01.1001")
    wife = person(A1, 1, 2, "SITI AMINAH", date(1982, 8, 20), "P", "istri")
    wife["NIK"] = "'" + wife["NIK"]
    child = person(A1, 1, 3, "ANDI PRATAMA", date(2010, 2, 1), "L")
    child["NIK"] = " ".join(child["NIK"][i : i + 4] for i in range(0, 16, 4))
    rows: list[tuple[dict[str, str], set[str]]] = [
        (head, set()),
        (wife, set()),
        (child, set()),
        (person(A1, 1, 4, "TANPA NIK", date(1990, 1, 1), "L", NIK=""), {"NIK_KOSONG"}),
        (person(A1, 1, 5, "NIK EXCEL", date(1990, 1, 1), "L", NIK="3.47101E+15"), {"NIK_DIGIT_HILANG"}),
        (person(A1, 1, 6, "", date(1990, 1, 1), "L", NO_KK=""), {"KK_KOSONG", "NAMA_KOSONG"}),
        (
            person(A1, 1, 7, "TGL MUSTAHIL", date(1990, 2, 3), "L", TANGGAL_LAHIR="31/02/1990"),
            {"TGL_LAHIR_TIDAK_VALID"},
        ),
        (person(A1, 1, 8, "TANPA TGL", date(1990, 2, 3), "L", TANGGAL_LAHIR=""), {"TGL_LAHIR_KOSONG"}),
        (person(A1, 1, 9, "JK ANEH", date(1990, 2, 3), "L", JENIS_KELAMIN="X"), {"JK_TIDAK_VALID"}),
        (person(A1, 1, 10, "DESA ANEH", date(1990, 2, 3), "L", KODE_DESA="3471019999"), {"WILAYAH_TIDAK_DIKENAL"}),
        (person(A1, 1, 11, "TANPA DESA", date(1990, 2, 3), "L", KODE_DESA=""), {"WILAYAH_KOSONG"}),
        (None, {"BARIS_RUSAK"}),  # type: ignore[list-item]
        (dict(head), {"DUPLIKAT_BARIS"}),
        (person(A1, 2, 14, "HARTO", date(1975, 4, 4), "L", "kepala keluarga"), set()),
        (person(A1, 2, 15, "BEDA TANGGAL", date(1990, 1, 1), "L", TANGGAL_LAHIR="02/01/1990"), set()),
        (person(A1, 2, 16, "BEDA KELAMIN", date(1991, 6, 7), "P", JENIS_KELAMIN="L"), set()),
        (person(A1, 2, 17, "LAHIR NANTI", date(2030, 1, 1), "L"), {"TGL_LAHIR_TIDAK_VALID"}),
    ]
    rows[13][0]["NIK"] = rows[13][0]["NIK"][:15]  # 15 digits: kept, flagged NIK_TIDAK_VALID
    lines = [",".join(header)]
    for row, _ in rows:
        if row is None:
            lines.append("3471011001,only,three")
            continue
        lines.append(",".join(row.get(c, "") for c in canon))
    lines.append(",,,,,,,,")  # a blank row: skipped, not read
    path = tmp / "a_koma_utf8.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, [r for _, r in rows], [row["NIK"] for row, _ in rows if row]


def _file_b(tmp: Path, budi_nik: str) -> tuple[Path, list[set[str]], list[str]]:
    """Semicolon, UTF-8 with BOM, region codes in parts, dd-mm-yyyy and yyyy-mm-dd dates."""
    header = ["NO_NIK", "NOMOR_KK", "NAMA", "TANGGAL_LAHIR", "JK", "KODE_PROV", "KODE_KAB", "KODE_KEC", "KODE_DESA"]
    header += ["HUB_KELUARGA", "DESIL"]
    parts = {"KODE_PROV": "34", "KODE_KAB": "02", "KODE_KEC": "01", "KODE_DESA": "2001"}

    def row(kk: int, serial: int, nama: str, born: date, sex: str, role: str, text: str, **extra: str) -> dict:
        base = person(B1, kk, serial, nama, born, sex, role, TANGGAL_LAHIR=text, **parts)
        base = {"NO_NIK": base["NIK"], "NOMOR_KK": base["NO_KK"], "JK": sex, "HUB_KELUARGA": role, **base}
        base.update(extra)
        return base

    rows = [
        (row(3, 1, "WARSINI", date(1970, 3, 3), "P", "kepala keluarga", "03-03-1970"), set()),
        (row(3, 2, "PARJO", date(1968, 12, 12), "L", "suami", "1968-12-12"), set()),
        (row(4, 3, "BUDI S", date(1980, 5, 10), "L", "kepala keluarga", "10-05-1980", NO_NIK=budi_nik), set()),
        (row(3, 4, "TUMINAH", date(2000, 4, 4), "P", "anak", "04-04-2000", DESIL="5"), set()),
    ]
    path = write_csv(tmp / "b_titik_koma_bom.csv", header, [r for r, _ in rows], delimiter=";", encoding="utf-8-sig")
    return path, [r for _, r in rows], [r["NO_NIK"] for r, _ in rows]


def _file_c(tmp: Path) -> tuple[Path, list[set[str]], list[str]]:
    """Tab-delimited Windows-1252, gzip-compressed; regions by name, and pre-2022 Papua codes."""
    header = ["PROVINSI", "KABUPATEN", "KECAMATAN", "DESA", "KODE_DESA", "NIK", "NO_KK", "NAMA", "TGL_LAHIR"]
    header += ["JENIS_KELAMIN", "HUBUNGAN_KELUARGA"]

    def row(desa: str, kk: int, serial: int, nama: str, **names: str) -> dict[str, str]:
        base = person(desa, kk, serial, nama, date(1975, 6, 6), "L", "kepala keluarga")
        return {**base, "TGL_LAHIR": base["TANGGAL_LAHIR"], "KODE_DESA": "", **names}

    bantul = {
        "PROVINSI": "DI Yogyakarta",
        "KABUPATEN": "KAB. BANTUL",
        "KECAMATAN": "Kec. Srandakan",
        "DESA": "poncosari",
    }
    bogor = {"KABUPATEN": "BOGOR", "KECAMATAN": "Bogor Tengah", "DESA": "Paledang"}  # Kabupaten or Kota Bogor?
    rows = [
        (row(B1, 5, 1, "JOSÉ MARÍA", **bantul), set()),
        (row("3271031002", 9, 2, "AMBIGU", **bogor), {"WILAYAH_AMBIGU"}),
        (row(PAPUA_OLD, 6, 3, "YOHANES", KODE_DESA=PAPUA_OLD), set()),
        (row("9101019999", 10, 4, "TIDAK TERPETAKAN", KODE_DESA="9101019999"), {"PAPUA_TIDAK_TERPETAKAN"}),
    ]
    text = write_csv(tmp / "c.tsv", header, [r for r, _ in rows], delimiter="\t", encoding="cp1252").read_bytes()
    path = tmp / "c_tab_cp1252.csv.gz"
    path.write_bytes(gzip.compress(text, mtime=0))
    return path, [r for _, r in rows], [r["NIK"] for r, _ in rows]


def _file_d(tmp: Path) -> tuple[Path, list[set[str]], list[str]]:
    """XLSX: a notes sheet without a header, a sheet with title rows, numeric NIK and date cells, and a sheet with
    Excel serial dates and a dotted NIK."""
    header = ["NIK", "NO_KK", "NAMA", "TANGGAL_LAHIR", "JENIS_KELAMIN", "KODE_DESA", "HUBUNGAN_KELUARGA"]
    kec = A2[:6]
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "Catatan"
    notes.append(["Data individu DTKS, Kota Yogyakarta"])
    notes.append(["Diekspor dari SIKS-NG"])
    first = workbook.create_sheet("Data 1")
    first.append(["DATA INDIVIDU"])
    first.append([])
    first.append(header)
    kk7 = make_kk(kec, date(2015, 3, 2), 7)
    nik_intact = make_nik(kec, date(1979, 9, 9), "L", 7)  # ends in 7: all 16 digits survive as a number
    nik_zero = make_nik(kec, date(1981, 1, 2), "P", 10)  # ends in 0: Excel may have replaced the 16th digit
    first.append([int(nik_intact), kk7, "SUKIRNO", datetime(1979, 9, 9), "L", int(A2), "kepala keluarga"])
    first.append([int(nik_zero), kk7, "PAINEM", datetime(1981, 1, 2), "P", int(A2), "istri"])
    second = workbook.create_sheet("Data 2")
    second.append(header)
    nik_dots = make_nik(kec, date(1985, 7, 15), "P", 11)
    dotted = ".".join(nik_dots[i : i + 4] for i in range(0, 16, 4))
    serial = (date(1985, 7, 15) - date(1899, 12, 30)).days
    second.append([dotted, kk7, "SRI", serial, "P", A2, "anak"])
    kk8 = make_kk(kec, date(2016, 4, 5), 8)
    nik8 = make_nik(kec, date(1960, 10, 10), "L", 12)
    second.append([nik8, int(kk8), "KARTO", datetime(1960, 10, 10), "L", A2, "kepala keluarga"])
    path = tmp / "d_excel.xlsx"
    workbook.save(path)
    return path, [set(), {"NIK_DIGIT_HILANG"}, set(), set()], [nik_intact, nik_zero, nik_dots, nik8]


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The four files ingested once into an empty data directory as period 2026-12."""
    tmp = tmp_path_factory.mktemp("messy")
    a, a_expected, a_nik = _file_a(tmp)
    b, b_expected, b_nik = _file_b(tmp, budi_nik=a_nik[0])
    c, c_expected, c_nik = _file_c(tmp)
    d, d_expected, d_nik = _file_d(tmp)
    settings = fixture_settings(tmp / "data")
    result = ingest([a, b, c, d], PERIODE, settings)
    return {
        "result": result,
        "settings": settings,
        "expected": a_expected + b_expected + c_expected + d_expected,
        "nik": a_nik + b_nik + c_nik + d_nik,
        "files": [a, b, c, d],
    }


def _people(settings: object) -> list[dict[str, object]]:
    manifest = read_manifest(settings.register_dir)  # type: ignore[attr-defined]
    root = settings.register_dir / manifest.generation  # type: ignore[attr-defined]
    glob = (root / "individu" / f"periode={PERIODE}" / "*" / "*.parquet").as_posix()
    cursor = duckdb.connect().execute(f"select * from read_parquet('{glob}')")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_counts_per_reason(messy: dict[str, object]) -> None:
    report = messy["result"].report  # type: ignore[attr-defined]
    expected: list[set[str]] = messy["expected"]  # type: ignore[assignment]
    assert report["baris_dibaca"] == len(expected) == 29
    assert report["ditolak"] == sum(1 for e in expected if e) == 14
    assert report["diterima"] == sum(1 for e in expected if not e) == 15
    assert report["seimbang"] is True
    assert report["tolak"] == dict(Counter(code for e in expected for code in e))
    assert report["peringatan"] == {
        "NIK_TIDAK_VALID": 1,  # 15-digit NIK of HARTO
        "TGL_LAHIR_BEDA_NIK": 1,
        "JK_BEDA_NIK": 1,
        "NIK_GANDA": 2,  # BUDI SANTOSO (file a) and BUDI S (file b, another family)
        "KELUARGA_TIDAK_KONSISTEN": 1,  # TUMINAH's desil differs from her family's head
        "KODE_PAPUA_LAMA": 1,
        "NIK_DARI_ANGKA": 1,
        "KK_DARI_ANGKA": 1,
    }
    assert report["keluarga"] == 8
    assert messy["result"].published  # type: ignore[attr-defined]


def test_files_and_sheets_detected(messy: dict[str, object]) -> None:
    files = {f["nama"]: f for f in messy["result"].report["berkas"]}  # type: ignore[attr-defined]
    a, b = files["a_koma_utf8.csv"], files["b_titik_koma_bom.csv"]
    c = files["c_tab_cp1252.csv.gz"]
    assert (a["encoding"], a["delimiter"], a["baris_dibaca"], a["baris_kosong_dilewati"]) == ("utf-8", ",", 17, 1)
    assert (b["encoding"], b["delimiter"], b["baris_dibaca"]) == ("utf-8-sig", ";", 4)
    assert (c["format"], c["encoding"], c["delimiter"], c["baris_dibaca"]) == ("csv.gz", "cp1252", "\t", 4)
    assert files["d_excel.xlsx [Data 1]"]["baris_header"] == 3
    assert files["d_excel.xlsx [Data 1]"]["sheets_skipped"] == ["Catatan"]
    assert files["d_excel.xlsx [Data 2]"]["baris_dibaca"] == 2


def test_values_normalised(messy: dict[str, object]) -> None:
    people = {p["nama"]: p for p in _people(messy["settings"])}
    niks: list[str] = messy["nik"]  # type: ignore[assignment]
    assert people["SITI AMINAH"]["nik"] == niks[1].lstrip("'")
    assert people["ANDI PRATAMA"]["nik"] == niks[2].replace(" ", "")
    assert people["BUDI SANTOSO"]["kode_desa"] == A1  # written 34.71.01.1001
    assert people["WARSINI"]["kode_desa"] == B1  # 34 + 02 + 01 + 2001
    assert people["PARJO"]["tanggal_lahir"] == date(1968, 12, 12)
    assert people["JOSÉ MARÍA"]["kode_desa"] == B1  # DI Yogyakarta / KAB. BANTUL / Kec. Srandakan / poncosari
    assert people["YOHANES"]["kode_desa"] == PAPUA_NEW
    assert people["SUKIRNO"]["tanggal_lahir"] == date(1979, 9, 9)
    assert people["SRI"]["tanggal_lahir"] == date(1985, 7, 15)  # an Excel serial number
    assert people["SRI"]["nik"] == niks[-2]
    assert len(people["HARTO"]["nik"]) == 15 and people["HARTO"]["nik"] in niks  # kept as written
    assert "PAINEM" not in people and "AMBIGU" not in people
    assert len({p["id_dtks"] for p in people.values()}) == len(people)  # derived ids are unique


def test_rejects_file_lists_every_rejected_row(messy: dict[str, object]) -> None:
    result = messy["result"]
    text = result.rejects_path.read_text(encoding="utf-8-sig")  # type: ignore[attr-defined]
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 14
    reasons = Counter(code for r in rows for code in r["ALASAN"].split(";"))
    expected: list[set[str]] = messy["expected"]  # type: ignore[assignment]
    assert reasons == Counter(code for e in expected for code in e)
    both = next(r for r in rows if "KK_KOSONG" in r["ALASAN"])
    assert set(both["ALASAN"].split(";")) == {"KK_KOSONG", "NAMA_KOSONG"}
    assert both["SUMBER"] == "a_koma_utf8.csv:7"  # the header is row 1


def test_no_full_nik_in_report_or_output(messy: dict[str, object]) -> None:
    result = messy["result"]
    texts = [
        json.dumps(result.report, ensure_ascii=False),  # type: ignore[attr-defined]
        format_report(result.report),  # type: ignore[attr-defined]
        (result.report_dir / "laporan.csv").read_text(encoding="utf-8"),  # type: ignore[attr-defined]
        (result.report_dir / "laporan.json").read_text(encoding="utf-8"),  # type: ignore[attr-defined]
        (result.report_dir / "peringatan.csv").read_text(encoding="utf-8"),  # type: ignore[attr-defined]
    ]
    niks = [n.lstrip("'").replace(" ", "").replace(".", "") for n in messy["nik"]]  # type: ignore[attr-defined]
    for text in texts:
        for nik in niks:
            if len(nik) >= 15:
                assert nik not in text
    assert "347101**********" in texts[0]  # examples are masked, not left out


def test_published_period_is_served(messy: dict[str, object]) -> None:
    settings = messy["settings"]
    register = Register(settings)  # type: ignore[arg-type]
    try:
        assert register.manifest.periods == (PERIODE,)
        assert register.manifest.details["ingest"][PERIODE]["diterima"] == 15
        headline = register.run("national_headline", periode=PERIODE)
        assert int(headline["individu"].iloc[0]) == 15
        assert int(headline["keluarga"].iloc[0]) == 8
    finally:
        register.close()
