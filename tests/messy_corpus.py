"""A corpus of messy SIKS-NG exports made by code, with the truth for every row: the values the register must
publish for it, or the reasons it must be rejected with. The same people are written twice, as clerks and
spreadsheets write them: a Windows-1252 CSV (title rows, SIKS-NG header spellings, regions by name, NIKs with
apostrophes, spaces, dots, E+15, 15 digits and a letter O, dates with Indonesian and English month names, two-digit
years, ragged and duplicated rows, a JUMLAH row and a footer) and an XLSX with a sheet per kecamatan and a summary
sheet (NIK and No KK in number cells, date cells, Excel serials, text dates, a JUMLAH row per sheet).

Truth is computed here from the generator's own values, never by calling the ingest code."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import openpyxl

from tests.ingest_helpers import make_kk, make_nik

PERIODE = "2026-12"
PIVOT_YEAR = 2026  # two-digit years: the latest year ending in those digits that is not after the period's year
PAPUA_OLD, PAPUA_NEW = "9101011009", "9301011009"
# Desa: (code written in the file, code published, names as the region columns carry them)
DESA = {
    "3471011001": ("Daerah Istimewa Yogyakarta", "Kota Yogyakarta", "Tegalrejo", "Kricak"),
    "3471021001": ("DI Yogyakarta", "KOTA YOGYAKARTA", "Kec. Jetis", "BUMIJO"),
    "3402012001": ("D.I. Yogyakarta", "Kab. Bantul", "Srandakan", "poncosari"),
    PAPUA_NEW: ("", "", "", ""),  # written with its pre-2022 code, names left empty
}
MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober"]
MONTHS_ID += ["November", "Desember"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]
MONTHS_EN += ["November", "December"]
DAYS_ID = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
FIRST = ["SITI", "BUDI", "AGUS", "SRI", "DEWI", "JOKO", "RINA", "YOHANES", "MARIA", "JOSÉ", "WAHYU", "NUR"]
LAST = ["AMINAH", "SANTOSO", "PRATAMA", "WAHYUNI", "KURNIAWAN", "LESTARI", "MAHUZE", "GEBZE", "SETIAWAN"]
ROLES = ["kepala keluarga", "istri", "anak", "anak"]
UNREADABLE = "NILAI_TIDAK_TERBACA"


@dataclass
class Person:
    """One member of the register as it truly is."""

    desa: str
    kk: str
    nik: str
    nama: str
    born: date
    sex: str
    role: str
    padan: str
    desil: int
    pkh: bool


@dataclass
class Case:
    """One data row of a corpus file: where it is, and what the register must make of it."""

    source: str  # SUMBER as the rejects file writes it: file:row
    person: Person | None
    published: dict[str, object] | None  # field → value published for the person; None when rejected
    reasons: frozenset[str] = frozenset()
    fields: dict[str, object] = field(default_factory=dict)


def people(seed: int = 20261203, families: int = 18) -> list[Person]:
    """Families of 3-4 members in four desa (one in Papua Selatan, whose NIKs are above 2**53)."""
    rng = random.Random(seed)
    out: list[Person] = []
    names = iter(f"{a} {b}" for b in LAST for a in FIRST)
    desa_codes = list(DESA)
    for f in range(families):
        desa = desa_codes[f % len(desa_codes)]
        kec = desa[:6]
        kk = make_kk(kec, date(2015 + f % 9, 1 + f % 12, 1 + f % 27), 1 + f * 10 % 9000 + 1)
        desil, pkh = rng.randint(1, 10), rng.random() < 0.4
        padan = "padan" if rng.random() < 0.7 else "belum padan"
        for m in range(3 + f % 2):
            sex = "L" if m == 0 else ("P" if m == 1 else rng.choice("LP"))
            born = date(rng.randint(1940, 2015), rng.randint(1, 12), rng.randint(1, 28))
            serial = rng.randint(1, 999) * 10 + rng.randint(1, 9)  # never ends in 0 unless a case makes it so
            nik = make_nik(kec, born, sex, serial)
            out.append(Person(desa, kk, nik, next(names), born, sex, ROLES[m], padan, desil, pkh))
    return out


def published(p: Person, **changes: object) -> dict[str, object]:
    """What the register must publish for a person (the file's values, exactly)."""
    values: dict[str, object] = {
        "nik": p.nik,
        "no_kk": p.kk,
        "nama": p.nama,
        "tanggal_lahir": p.born,
        "jenis_kelamin": p.sex,
        "hubungan_keluarga": p.role,
        "status_padan": p.padan,
        "kode_desa": p.desa,
        "desil": p.desil,
        "prog_pkh": p.pkh,
    }
    values.update(changes)
    return values


# --- the CSV ------------------------------------------------------------------------------------------------

CSV_HEADER = ["NO", "PROVINSI", "KABUPATEN/KOTA", "KECAMATAN", "DESA/KELURAHAN", "KODE DESA", "NO KK", "NIK"]
CSV_HEADER += ["NAMA", "TANGGAL LAHIR", "JENIS KELAMIN", "HUBUNGAN KELUARGA", "KETERANGAN PADAN", "DESIL", "PKH"]
CSV_HEADER += ["KETERANGAN"]
PADAN_TEXT = {"padan": "PADAN DENGAN DUKCAPIL", "belum padan": "TIDAK PADAN DENGAN DUKCAPIL"}


def _csv_variant(k: int, p: Person) -> tuple[dict[str, str], dict[str, object] | None, set[str]]:
    """Cells that differ from the plain row, the published values (None: rejected) and the reject reasons."""
    d = p.born
    n = p.nik
    variants: list[tuple[dict[str, str], dict[str, object] | None, set[str]]] = [
        ({}, published(p), set()),
        ({"NIK": "'" + n, "TANGGAL LAHIR": f"{d.day} {MONTHS_ID[d.month - 1]} {d.year}"}, published(p), set()),
        (
            {
                "NIK": " ".join(n[i : i + 4] for i in range(0, 16, 4)),
                "TANGGAL LAHIR": f"{DAYS_ID[d.weekday()]}, {d.day:02d} {MONTHS_ID[d.month - 1].upper()} {d.year}",
            },
            published(p),
            set(),
        ),
        (
            {
                "NIK": ".".join(n[i : i + 4] for i in range(0, 16, 4)),
                "TANGGAL LAHIR": f"{MONTHS_EN[d.month - 1]} {d.day}, {d.year}",
            },
            published(p),
            set(),
        ),
        ({"NIK": f"{n[0]}.{n[1:6]}E+15"}, None, {"NIK_DIGIT_HILANG"}),  # what Excel shows of a number
        ({"NIK": n[:15]}, published(p, nik=n[:15]), set()),  # 15 digits: kept as written, flagged
        ({"NIK": n[:12] + "O" + n[13:]}, published(p, nik=n[:12] + "O" + n[13:]), set()),  # letter O: as written
        ({"TANGGAL LAHIR": f"{d.day:02d}-{d.month:02d}-{d.year % 100:02d}"}, published(p), set()),  # two digits
        ({"TANGGAL LAHIR": str((d - date(1899, 12, 30)).days)}, None, {"TGL_LAHIR_TIDAK_VALID"}),  # serial as text
        (
            {"TANGGAL LAHIR": f"{DAYS_ID[(d.weekday() + 1) % 7]}, {d.day} {MONTHS_ID[d.month - 1]} {d.year}"},
            None,
            {"TGL_LAHIR_TIDAK_VALID"},  # the day name does not fit the date
        ),
        ({"TANGGAL LAHIR": f"{d.day} {MONTHS_ID[d.month - 1]}"}, None, {"TGL_LAHIR_TIDAK_VALID"}),  # no year
        ({"DESIL": "11"}, None, {f"{UNREADABLE}:DESIL"}),
        ({"PKH": "kadang"}, None, {f"{UNREADABLE}:PROG_PKH"}),
        (
            {
                "JENIS KELAMIN": "LAKI-LAKI" if p.sex == "L" else "PEREMPUAN",
                "DESIL": f"Desil {p.desil}",
                "TANGGAL LAHIR": f"{d.day:02d}-{MONTHS_EN[d.month - 1][:3].upper()}-{d.year}",
            },
            published(p),
            set(),
        ),
        ({"TANGGAL LAHIR": f"{d.day} {MONTHS_ID[d.month - 1][:3].lower()} {d.year}"}, published(p), set()),
    ]
    return variants[k % len(variants)]


def siksng_csv(directory: Path, everyone: list[Person]) -> tuple[Path, list[Case], int]:
    """The CSV export; returns its path, its data rows' cases and how many summary/footer rows it has."""
    name = "siksng_desember.csv"
    records: list[list[str]] = [
        ["DATA TERPADU KESEJAHTERAAN SOSIAL (DTKS) - DATA INDIVIDU"],
        ["PERIODE DESEMBER 2026"],
        [],
        CSV_HEADER,
    ]
    cases: list[Case] = []
    plain: dict[int, list[str]] = {}
    for k, p in enumerate(everyone):
        prov, kab, kec, desa = DESA[p.desa]
        cells = {
            "NO": str(k + 1),
            "PROVINSI": prov,
            "KABUPATEN/KOTA": kab,
            "KECAMATAN": kec,
            "DESA/KELURAHAN": desa,
            "KODE DESA": "91.01.01.1009" if p.desa == PAPUA_NEW else "",
            "NO KK": p.kk,
            "NIK": p.nik,
            "NAMA": p.nama,
            "TANGGAL LAHIR": p.born.strftime("%d/%m/%Y"),
            "JENIS KELAMIN": p.sex,
            "HUBUNGAN KELUARGA": p.role.upper(),
            "KETERANGAN PADAN": PADAN_TEXT[p.padan],
            "DESIL": str(p.desil),
            "PKH": "YA" if p.pkh else "TIDAK",
            "KETERANGAN": "",
        }
        changed, values, reasons = _csv_variant(k, p)
        cells.update(changed)
        records.append([cells[h] for h in CSV_HEADER])
        plain[k] = records[-1]
        cases.append(Case(f"{name}:{len(records)}", p, values, frozenset(reasons)))
        if k == 5:  # a ragged record
            records.append(["99", "DI Yogyakarta", "Kota Yogyakarta", "Tegalrejo"])
            cases.append(Case(f"{name}:{len(records)}", None, None, frozenset({"BARIS_RUSAK"})))
        if k == 9:  # the first person again, as the export repeats a row
            records.append(plain[0])
            cases.append(Case(f"{name}:{len(records)}", None, None, frozenset({"DUPLIKAT_BARIS"})))
    records.append(["", "JUMLAH", "", "", "", "", "", "", str(len(everyone))] + [""] * 7)
    records.append(["Dicetak oleh: operator SIKS-NG Kota Yogyakarta, 01/12/2026"])
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(records)
    path = directory / name
    path.write_bytes(buffer.getvalue().encode("cp1252"))
    return path, cases, 2


# --- the XLSX -----------------------------------------------------------------------------------------------

XLSX_HEADER = ["KODE_DESA", "NO_KK", "NIK", "NAMA", "TGL_LAHIR", "JK", "HUB_KELUARGA", "STATUS_PADAN", "DESIL", "PKH"]
EXACT = 2**53


def _number_cell_truth(text: str) -> bool:
    """Whether a whole number in a spreadsheet's number cell is certainly its digits: at most 2**53, and not
    ending in a zero Excel may have written for a 16th digit it dropped."""
    return int(text) <= EXACT and not text.endswith("0")


def _xlsx_row(k: int, p: Person) -> tuple[list[object], dict[str, object] | None, set[str]]:
    d = p.born
    kk_cell: object = p.kk
    nik_cell: object = p.nik
    born_cell: object = datetime(d.year, d.month, d.day)
    reasons: set[str] = set()
    pick = k % 7
    if pick == 0:  # NIK typed as a number
        nik_cell = int(p.nik)
        if not _number_cell_truth(p.nik):
            reasons.add("NIK_DIGIT_HILANG")
    elif pick == 1:  # NIK and No KK as doubles, the way a tool writes a float column
        nik_cell, kk_cell = float(int(p.nik)), float(int(p.kk))
        if not _number_cell_truth(p.nik) or float(int(p.nik)) != int(p.nik):
            reasons.add("NIK_DIGIT_HILANG")
        if not _number_cell_truth(p.kk) or float(int(p.kk)) != int(p.kk):
            reasons.add("KK_DIGIT_HILANG")
    elif pick == 2:  # a date typed as a number with no date format: an Excel serial in a numeric cell
        born_cell = (d - date(1899, 12, 30)).days
    elif pick == 3:
        born_cell = f"{d.day} {MONTHS_ID[d.month - 1]} {d.year}"
    elif pick == 4:  # a day of the month only, typed as a number
        born_cell = d.day
        reasons.add("TGL_LAHIR_TIDAK_VALID")
    elif pick == 5:
        kk_cell = int(p.kk)
        if not _number_cell_truth(p.kk):
            reasons.add("KK_DIGIT_HILANG")
    row = [int(p.desa) if p.desa != PAPUA_NEW else "9101011009", kk_cell, nik_cell, p.nama, born_cell]
    row += [p.sex, p.role, p.padan.upper(), p.desil, p.pkh]
    return row, (None if reasons else published(p)), reasons


def siksng_xlsx(directory: Path, everyone: list[Person]) -> tuple[Path, list[Case], int]:
    """The XLSX export: a summary sheet, then one sheet per kecamatan, each with a title row and a JUMLAH row."""
    name = "siksng_desember.xlsx"
    book = openpyxl.Workbook()
    rekap = book.active
    rekap.title = "REKAP"
    rekap.append(["REKAPITULASI PER KECAMATAN"])
    rekap.append(["KECAMATAN", "JUMLAH KK", "JUMLAH JIWA"])
    cases: list[Case] = []
    by_kec: dict[str, list[Person]] = {}
    for p in everyone:
        by_kec.setdefault(p.desa[:6], []).append(p)
    k = 0
    summary = 0
    for kec, members in by_kec.items():
        rekap.append([kec, len({m.kk for m in members}), len(members)])
        sheet = book.create_sheet(f"Kec {kec}")
        sheet.append([f"DATA INDIVIDU KECAMATAN {kec}"])
        sheet.append(XLSX_HEADER)
        for p in members:
            row, values, reasons = _xlsx_row(k, p)
            sheet.append(row)
            cases.append(Case(f"{name} [Kec {kec}]:{sheet.max_row}", p, values, frozenset(reasons)))
            k += 1
        sheet.append(["JUMLAH", None, None, None, None, None, None, None, None, len(members)])
        summary += 1
    path = directory / name
    book.save(path)
    return path, cases, summary
