"""What a Dinas Sosial official sees on a desktop, in a real browser: the objection queue names the desa, the masked
person and the kind of musdes proposal an objection is about; the audit log speaks in words and WIB times, a filter
narrows it, and its CSV download is audited."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal.privacy.row_tokens import _decode_secret
from portal.public import usulan_token
from portal.store import Submission, format_ticket_code, open_store
from tests.browser.conftest import USER_PASSWORD, portal_env, serve
from tests.fixture_register import A

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
USERS = {"pusat1": ("pusat", ""), "jogja": ("kabupaten", "3471")}
# A line logged two hours ago by an official of Bantul, whose WIB time the page must show.
BANTUL_AT = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=2)


@pytest.fixture(scope="module")
def officials_portal(fixture_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    work = tmp_path_factory.mktemp("officials")
    env = portal_env(fixture_dir, work, USERS)
    secret = _decode_secret(env["PORTAL_SECRET_KEY"])
    store = open_store(env["PORTAL_DB_URL"])
    try:
        ticket = store.submit(
            Submission(
                jenis="sanggahan",
                kategori="tidak layak / sudah mampu",
                kode_desa=A,
                periode="2026-09",
                row_token=usulan_token(secret, "2026-09", 9101),  # RINA MARLINA, usul tambah at Kricak's musdes
                deskripsi="Keluarga ini sudah punya usaha.",
                persetujuan=True,
                idempotency_key="browser-officials-0001",
            )
        )
    finally:
        store.close()
    clocked = open_store(env["PORTAL_DB_URL"], clock=lambda: BANTUL_AT)
    try:
        clocked.audit("bantul", "lihat_rujukan", "3402012001", {"tiket": ticket.code})
    finally:
        clocked.close()
    with serve(REPO / "asgi.py", env, work / "streamlit.log") as url:
        yield {"url": url, "store": env["PORTAL_DB_URL"], "ticket": ticket.code}


def _sign_in(page: object, url: str, user: str) -> None:
    page.goto(url)
    page.get_by_role("link", name="Masuk petugas").click()
    page.get_by_label("Nama pengguna").fill(user)
    page.get_by_label("Kata sandi").fill(USER_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("link", name=f"Keluar ({user})").wait_for()


def _open(page: object, title: str) -> None:
    page.get_by_role("link", name=title).first.click()
    page.get_by_role("heading", name=title).first.wait_for()


def _cells(page: object, text: str) -> object:
    """The table cells showing exactly `text`: st.dataframe draws on a canvas and keeps an accessible table of the
    cells in view inside it."""
    return page.locator(f'td[role="gridcell"]:text-is("{text}")')


def _cell(page: object, text: str) -> object:
    cell = _cells(page, text).first
    cell.wait_for(state="attached")
    return cell


def test_queue_row_shows_desa_masked_name_and_proposal_type(desktop: object, officials_portal: dict) -> None:
    page = desktop
    _sign_in(page, officials_portal["url"], "jogja")
    _open(page, "Antrean Sanggahan")
    _cell(page, format_ticket_code(officials_portal["ticket"]))  # the grouped code the citizen holds
    _cell(page, "Kricak")
    _cell(page, "Tegalrejo")
    _cell(page, "R**A M*****A · usul tambah")
    body = page.locator("body").inner_text()
    for raw in ("kode_desa", "nama_desa", "None", "umur_hari"):
        assert raw not in body, raw
    picker = page.get_by_role("combobox", name="Buka tiket")
    picker.click()
    picker.fill("Kricak")
    page.get_by_role("option", name=format_ticket_code(officials_portal["ticket"]), exact=False).click()
    page.get_by_text("tentang R**A M*****A · usul tambah").wait_for()


def test_audit_log_in_words_in_wib_and_filtered(desktop: object, officials_portal: dict) -> None:
    page = desktop
    _sign_in(page, officials_portal["url"], "jogja")  # a sign-in by another official, logged
    page.get_by_role("link", name="Keluar (jogja)").click()
    page.get_by_role("link", name="Masuk petugas").wait_for()
    _sign_in(page, officials_portal["url"], "pusat1")
    _open(page, "Log Audit")
    _cell(page, "Masuk")
    assert _cells(page, "masuk").count() == 0
    wib = (BANTUL_AT + timedelta(hours=7)).strftime("%d/%m/%Y %H:%M WIB")
    # The grid's accessible cell holds the WIB wall-clock value (the canvas draws it as DD/MM/YYYY HH:mm WIB);
    # the UTC value is nowhere.
    _cell(page, (BANTUL_AT + timedelta(hours=7)).strftime("%Y-%m-%d %H:%M:%S"))
    assert _cells(page, BANTUL_AT.strftime("%Y-%m-%d %H:%M:%S")).count() == 0
    _cell(page, "Melihat data rujukan tiket")
    _cell(page, f"Tiket: {format_ticket_code(officials_portal['ticket'])}")
    _cell(page, "jogja")

    page.get_by_role("combobox", name="Petugas").click()
    page.get_by_role("option", name="bantul", exact=True).click()
    page.get_by_text("1 entri cocok dengan saringan").wait_for()
    _cell(page, "bantul")
    expect(_cells(page, "jogja")).to_have_count(0)  # the table is redrawn with the narrowed log
    expect(_cells(page, "Masuk")).to_have_count(0)

    with page.expect_download() as info:
        page.get_by_role("button", name="Unduh log tersaring (CSV)").click()
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_bytes().decode("utf-8-sig"))))
    lines = rows[rows.index(["Waktu", "Petugas", "Tindakan", "Kode tindakan", "Wilayah", "Rincian"]) + 1 :]
    assert [(r[0], r[1], r[2]) for r in lines] == [(wib, "bantul", "Melihat data rujukan tiket")]
    store = open_store(officials_portal["store"])
    try:
        exports = [e for e in store.audit_log() if e.action == "ekspor_log_audit"]
    finally:
        store.close()
    assert [(e.actor, e.detail["petugas"], e.detail["baris"]) for e in exports] == [("pusat1", "bantul", 1)]
