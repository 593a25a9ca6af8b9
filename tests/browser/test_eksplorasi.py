"""An analyst signs in, opens Eksplorasi, narrows it to one kecamatan, groups by desil and downloads the CSV — in
Debian's chromium, against its own portal (a copy of the fixture register, a fresh store, a local account)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from portal.store import open_store
from tests.browser.conftest import REPO, USER_PASSWORD, portal_env, serve

pytestmark = pytest.mark.browser
PASSWORD = USER_PASSWORD


@pytest.fixture(scope="module")
def own_portal(fixture_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A portal of its own (URL, store URL) with local accounts 'analis1' (analis, whole nation) and 'jogja'
    (kabupaten 3471)."""
    tmp_path = tmp_path_factory.mktemp("eksplorasi")
    env = portal_env(fixture_dir, tmp_path, {"analis1": ("analis", ""), "jogja": ("kabupaten", "3471")})
    store_url = env["PORTAL_DB_URL"]
    with serve(REPO / "asgi.py", env, tmp_path / "streamlit.log") as url:
        yield url, store_url


def _pick(page: object, label: str, option: str) -> None:
    """Choose `option` in the multiselect labelled `label` by typing, then close its list."""
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text=label).first
    box.click()
    page.keyboard.type(option.split(" (")[0])
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    box.get_by_text(option).first.wait_for()


def _sign_in_to_eksplorasi(page: object, url: str, user: str) -> None:
    page.goto(url)
    page.get_by_text("Keluarga aktif").first.wait_for()  # the app is up and its session connected
    page.goto(f"{url}/masuk")
    page.get_by_label("Nama pengguna").fill(user)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("link", name="Eksplorasi Data").click()
    page.get_by_role("heading", name="Eksplorasi Data").wait_for()


def _audit(store_url: str, action: str) -> list:
    store = open_store(store_url)
    try:
        return [e for e in store.audit_log() if e.action == action]
    finally:
        store.close()


def test_analyst_filters_a_kecamatan_and_downloads_the_csv(desktop: object, own_portal: tuple[str, str]) -> None:
    url, store_url = own_portal
    page = desktop
    _sign_in_to_eksplorasi(page, url, "analis1")

    _pick(page, "Provinsi", "Daerah Istimewa Yogyakarta (34)")
    _pick(page, "Kabupaten/kota", "Kota Yogyakarta (3471)")
    _pick(page, "Kecamatan", "Tegalrejo (347101)")
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Kelompokkan menurut").first
    box.click()
    page.get_by_role("option", name="Desil", exact=True).click()
    page.get_by_text("Desil 7").first.wait_for()
    assert "kec=347101" in page.url and "baris=desil" in page.url  # the view is a shareable link
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "Tampilkan baris data" not in body

    with page.expect_download() as info:
        page.get_by_role("button", name="Unduh agregat (CSV)").click()
    download = info.value
    assert download.suggested_filename.startswith("eksplorasi-agregat-2026-09-")
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    header = {r[0]: r[1] for r in rows[: rows.index([])]}
    assert header["Periode"] == "September 2026 (2026-09)"
    assert header["Wilayah"] == "Tegalrejo (347101)"
    assert header["Oleh"] == "analis1"
    assert header["Dibuat"].endswith(" WIB")
    table = rows[rows.index([]) + 1 :]
    assert table[0] == ["Desil", "Jumlah"]
    # kecamatan 347101 (desa Kricak): family 1 (desil 1, 3 people), family 2 (desil 2, 2), family 3 (desil 7, 1)
    assert table[1:] == [["Desil 1", "3"], ["Desil 2", "2"], ["Desil 7", "1"]]

    exports = _audit(store_url, "ekspor_agregat")
    assert [(e.actor, e.detail["format"], e.detail["kec"]) for e in exports] == [("analis1", "csv", "347101")]


def test_official_exports_the_rows_as_xlsx(desktop: object, own_portal: tuple[str, str]) -> None:
    url, store_url = own_portal
    page = desktop
    _sign_in_to_eksplorasi(page, url, "jogja")
    _pick(page, "Program", "Tanpa program")
    page.get_by_text("Tampilkan baris data (tercatat di log audit)").click()
    page.get_by_text("Baris 1–2 dari 2").wait_for()
    with page.expect_download() as info:
        page.get_by_role("button", name="Unduh baris (XLSX)").click()
    sheet = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    header = {row[0]: row[1] for row in values[: values.index((None,) * len(values[0]))]}
    assert header["Wilayah"] == "Kota Yogyakarta (3471)" and header["Program"] == "Tanpa program"
    assert header["Oleh"] == "jogja"
    columns = values[len(header) + 1]
    assert "nik" in columns and "nama_ibu_kandung" not in columns
    names = [row[columns.index("nama")] for row in values[len(header) + 2 :]]
    assert names == ["SURYANI", "WARSINAH"]  # family 2 in Kricak receives no programme
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    exports = _audit(store_url, "ekspor_baris")
    assert [(e.actor, e.region, e.detail["jumlah"], e.detail["program"]) for e in exports] == [
        ("jogja", "3471", 2, "tanpa")
    ]
