"""The provenance footer's lines (pure), and the footer on every page, public and internal."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from portal import export
from portal.provenance import provenance_lines, provenance_pairs, source_of
from portal.snapshot import Manifest
from tests.conftest import APP, create_staff, signed_in

DEMO = Manifest("gen-0007", ("2026-06", "2026-09"), "ab" * 32, "demo", "2026-10-01T02:00:00Z")
INGESTED = Manifest(
    "gen-0008",
    ("2026-06", "2026-09"),
    "cd" * 32,
    "ingest",
    "2026-10-05T02:00:00Z",
    {
        "sumber_periode": {"2026-06": "demo", "2026-09": "ingest"},
        "ingest": {"2026-09": {"berkas": [{"nama": "siks_3471.csv"}, {"nama": "siks_3402.xlsx"}]}},
    },
)
PUBLIC_PAGES = [
    "pages/beranda.py",
    "pages/cek_status.py",
    "pages/daftar_uji_publik.py",
    "pages/ajukan.py",
    "pages/lacak_tiket.py",
    "pages/statistik_publik.py",
    "pages/masuk.py",
]
INTERNAL_PAGES = [
    "pages/peta_cakupan.py",
    "pages/kemiskinan_ekstrem.py",
    "pages/kualitas_data.py",
    "pages/perubahan_periode.py",
    "pages/eksplorasi.py",
    "pages/antrean_sanggahan.py",
    "pages/unggah_data.py",
    "pages/audit.py",
]


def test_lines_name_period_generation_source_masking_and_suppression() -> None:
    lines = provenance_lines(DEMO, "2026-06", "masked")
    assert lines[0] == "Periode: Juni 2026 · generasi register gen-0007"
    assert "sintetis" in lines[1] and "disamarkan" in lines[2] and "di bawah 10" in lines[3]
    assert provenance_lines(DEMO, "1999-01", "initials")[0].startswith("Periode: September 2026")  # the newest
    assert "inisial" in provenance_lines(DEMO, None, "initials")[2]
    assert provenance_lines(None, None, "masked") == ["Asal data: register belum tersedia."]


def test_source_per_period() -> None:
    assert source_of(INGESTED, "2026-09") == "ingest: siks_3471.csv, siks_3402.xlsx, diterbitkan 5 Oktober 2026"
    assert "sintetis" in source_of(INGESTED, "2026-06")  # carried over from the demo generation


def test_exports_carry_the_provenance() -> None:
    pairs = provenance_pairs(INGESTED, "2026-09", "masked")
    assert dict(pairs)["Generasi register"] == "gen-0008"
    header = export.header_block(
        "Statistik", "September 2026 (2026-09)", pairs, "publik", datetime(2026, 10, 6, tzinfo=UTC)
    )
    table = pd.DataFrame({"wilayah": ["34 · DI YOGYAKARTA"], "PKH": pd.array([pd.NA], dtype="Int64")})
    rows = list(csv.reader(io.StringIO(export.to_csv(table, header).decode("utf-8-sig"))))
    assert ["Sumber", "ingest: siks_3471.csv, siks_3402.xlsx, diterbitkan 5 Oktober 2026"] in rows
    assert ["Penyamaran nama", "nama disamarkan (contoh: W****N L***I)"] in rows
    assert any(row[0] == "Aturan penyembunyian" and "di bawah 10" in row[1] for row in rows if row)
    assert rows[-1] == ["34 · DI YOGYAKARTA", ""]  # a suppressed cell is empty, never its value


def _footer(at: AppTest) -> str:
    text = "\n".join(c.value for c in at.sidebar.caption if "Asal data" in c.value)
    return text.replace("\\", "")  # the lines are Markdown-escaped


def _check(at: AppTest) -> None:
    assert not at.exception, at.exception
    footer = _footer(at)
    for part in ("Periode", "generasi register", "Sumber: fixture", "Penyamaran", "di bawah 10"):
        assert part in footer, (part, footer)


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_every_public_page_has_the_footer(portal_env: str, page: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(page).run()
    _check(at)


def test_every_internal_page_has_the_footer(portal_env: str) -> None:
    create_staff(portal_env, {"pusat1": ("pusat", "")})
    at = signed_in("pusat1")
    for page in INTERNAL_PAGES:
        at.switch_page(page).run()
        _check(at)


def test_the_footer_follows_the_chosen_period(portal_env: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/statistik_publik.py").run()
    at.sidebar.selectbox(key="periode").set_value("2026-06").run()
    assert "Periode: Juni 2026" in _footer(at)
