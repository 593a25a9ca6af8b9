"""An analyst signs in, opens Eksplorasi, narrows it to one kecamatan, groups by desil and downloads the CSV; an
official exports rows, stacks bars, clicks one to see its rows, chooses columns and a sort, and reads the CSV
back — in Debian's chromium, against its own portal (a copy of the fixture register, a fresh store, accounts)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

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


def _zip_csv(path: str) -> tuple[pd.DataFrame, str]:
    """The data.csv of a downloaded ZIP read as the service tells readers to (sep=';', decimal=','), and its
    keterangan.txt."""
    archive = zipfile.ZipFile(io.BytesIO(Path(path).read_bytes()))
    assert sorted(archive.namelist()) == ["data.csv", "keterangan.txt"]
    raw = archive.read("data.csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads the letters right
    frame = pd.read_csv(io.BytesIO(raw), sep=";", decimal=",", encoding="utf-8-sig", dtype={"NIK": str})
    return frame, archive.read("keterangan.txt").decode("utf-8-sig")


def _keterangan(text: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)


def _choose(page: object, label: str, option: str) -> None:
    """Choose `option` in the select box labelled `label`."""
    page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first.click()
    page.get_by_role("option", name=option, exact=True).click()


def test_analyst_filters_a_kecamatan_and_downloads_the_csv(desktop: object, own_portal: tuple[str, str]) -> None:
    url, store_url = own_portal
    page = desktop
    _sign_in_to_eksplorasi(page, url, "analis1")

    _pick(page, "Provinsi", "Daerah Istimewa Yogyakarta (34)")
    _pick(page, "Kabupaten/kota", "Kota Yogyakarta (3471)")
    _pick(page, "Kecamatan", "Tegalrejo (347101)")
    _choose(page, "Kelompokkan menurut", "Desil")
    page.get_by_text("Desil 7").first.wait_for()
    assert "kec=347101" in page.url and "baris=desil" in page.url  # the view is a shareable link
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "Tampilkan baris data" not in body

    with page.expect_download() as info:
        page.get_by_role("button", name="Unduh agregat (CSV)").click()
    download = info.value
    assert download.suggested_filename.startswith("eksplorasi-agregat-2026-09-")
    assert download.suggested_filename.endswith(".zip")
    table, keterangan = _zip_csv(download.path())
    header = _keterangan(keterangan)
    assert header["Periode"] == "September 2026 (2026-09)"
    assert header["Wilayah"] == "Tegalrejo (347101)"
    assert header["Oleh"] == "analis1"
    assert header["Dibuat"].endswith(" WIB")
    assert list(table.columns) == ["Desil", "Jumlah"]
    # kecamatan 347101 (desa Kricak): family 1 (desil 1, 3 people), family 2 (desil 2, 2), family 3 (desil 7, 1)
    assert table.values.tolist() == [["Desil 1", 3], ["Desil 2", 2], ["Desil 7", 1], ["Total", 6]]

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
    book = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert book.sheetnames == ["Data", "Keterangan"]
    header = {row[0]: row[1] for row in book["Keterangan"].iter_rows(values_only=True)}
    assert header["Wilayah"] == "Kota Yogyakarta (3471)" and header["Program"] == "Tanpa program"
    assert header["Oleh"] == "jogja"
    values = list(book["Data"].iter_rows(values_only=True))
    columns = values[0]
    assert "Nama" in columns and "NIK" not in columns  # identifiers only when chosen
    assert not [c for c in columns if "ibu" in str(c).lower()]
    names = [row[columns.index("Nama")] for row in values[1:]]
    assert names == ["SURYANI", "WARSINAH"]  # family 2 in Kricak receives no programme
    assert all(c.data_type != "f" for sheet in book for row in sheet.iter_rows() for c in row)
    exports = _audit(store_url, "ekspor_baris")
    assert [(e.actor, e.region, e.detail["jumlah"], e.detail["program"]) for e in exports] == [
        ("jogja", "3471", 2, "tanpa")
    ]


def test_official_stacks_bars_clicks_one_and_sorts_its_rows(desktop: object, own_portal: tuple[str, str]) -> None:
    url, store_url = own_portal
    page = desktop
    _sign_in_to_eksplorasi(page, url, "jogja")
    _choose(page, "Kelompokkan menurut", "Desil")
    page.get_by_text("Desil 7").first.wait_for()
    page.get_by_text("Batang bertumpuk", exact=True).click()
    page.get_by_text("Klik sebuah batang").wait_for()
    _choose(page, "Kolom pivot", "Jenis kelamin")  # after the chart kind: the pivot redraws the chart once more
    traces = '[data-testid="stPlotlyChart"] .barlayer .trace'
    page.wait_for_function(f"() => document.querySelectorAll('{traces}').length === 2")
    # the stacked chart: one series per sex, Laki-laki first; its first bar is Desil 1 (BUDI and ANDI)
    heading = page.get_by_text("Baris kelompok: Desil 1 · Laki-laki")
    for _ in range(5):  # the chart may still be drawing when first clicked
        bar = page.locator(traces).first.locator("path").first.bounding_box()
        if bar:  # plotly's drag layer lies over the bars: click at the bar's place, not on its element
            page.mouse.click(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)
        try:
            heading.wait_for(timeout=6_000)
            break
        except PlaywrightTimeout:
            continue
    heading.wait_for()
    page.get_by_text("Baris 1–2 dari 2").wait_for()

    columns = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Kolom yang ditampilkan").first
    columns.locator("input").first.click()  # the box's middle holds chips of the chosen columns
    page.keyboard.type("NIK")
    page.get_by_role("option", name="NIK", exact=True).click()
    page.keyboard.press("Escape")
    columns.get_by_text("NIK", exact=True).wait_for()
    _choose(page, "Urutkan menurut", "Nama")
    page.get_by_text("Menurun", exact=True).click()
    page.get_by_text("diurutkan menurut Nama, menurun").wait_for()  # the bar's rows, sorted on the server
    page.get_by_text("Baris 1–2 dari 2").wait_for()
    with page.expect_download() as info:
        page.get_by_role("button", name="Unduh baris (CSV)").click()
    rows, keterangan = _zip_csv(info.value.path())
    assert "NIK" in rows.columns and "Usia (tahun)" in rows.columns
    assert rows["Nama"].tolist() == ["BUDI SANTOSO", "ANDI PRATAMA"]  # by name, descending
    assert rows["NIK"].tolist() == ["3471011507850001", "3471010102100001"]
    assert _keterangan(keterangan)["Desil"] == "Desil 1"
    views = _audit(store_url, "lihat_baris")
    assert any(v.detail.get("kelompok") == "Desil 1 · Laki-laki" and v.detail.get("urut") == "nama" for v in views)
    exports = _audit(store_url, "ekspor_baris")
    assert any(e.detail["format"] == "csv" and e.detail["jumlah"] == 2 and e.detail["desil"] == "1" for e in exports)
