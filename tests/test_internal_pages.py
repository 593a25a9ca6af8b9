"""Internal pages with a signed-in official (local account through the Masuk page): scope, the objection
queue and its decisions, the analyst's refusal, and anonymous visitors kept out."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from portal import access, data
from portal.store import Submission, format_ticket_code, normalise_ticket_code, open_store
from tests.conftest import create_staff, shown_table, signed_in
from tests.fixture_register import A

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
USERS = {
    "pusat1": ("pusat", ""),
    "jogja": ("kabupaten", "3471"),
    "jakpus": ("kabupaten", "3171"),
    "diy": ("provinsi", "34"),
    "analis1": ("analis", ""),
}


def store_sub() -> Submission:
    return Submission(
        jenis="sanggahan",
        kategori="tidak layak / sudah mampu",
        kode_desa=A,
        periode="2026-09",
        row_token=None,
        deskripsi="<script>alert('x')</script> keluarga ini sudah mampu",
        kontak=None,
        foto=None,
        foto_mime=None,
        persetujuan=True,
        idempotency_key="test-ticket-000000001",
    )


@pytest.fixture
def env(portal_env: str) -> Iterator[str]:
    url = portal_env
    create_staff(url, USERS)
    store = open_store(url)
    store.submit(store_sub())
    store.close()
    yield url


def test_anonymous_sees_no_internal_page(env: str) -> None:
    page = AppTest.from_file(str(REPO / "pages" / "peta_cakupan.py"), default_timeout=60).run()
    assert any("khusus petugas" in w.value for w in page.warning)
    assert not page.dataframe


def test_wrong_password_is_refused_and_audited(env: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/masuk.py").run()
    at.text_input[0].set_value("jogja")
    at.text_input[1].set_value("salah-sekali-kata-sandinya")
    at.button[-1].click().run()
    assert "staf" not in at.session_state
    assert any("salah" in e.value for e in at.error)


def test_map_opens_at_the_officials_region(env: str) -> None:
    at = signed_in("jogja")
    at.switch_page("pages/peta_cakupan.py").run()
    assert not at.exception, at.exception
    table = shown_table(at.dataframe[-1])
    assert set(table["Kode wilayah"]) == {"347101"}  # the kecamatan of Kota Yogyakarta that hold fixture families


def test_scoped_queries_refuse_other_regions(env: str) -> None:
    jogja = access.Scope("kabupaten", "3471", "jogja")
    assert (
        len(data.scoped_query(jogja, "3471", "rollup_children", periode="2026-09", tingkat="kecamatan", induk="3471"))
        == 1
    )
    for outside in ("", "34", "3171", "3402"):
        with pytest.raises(access.AccessDenied):
            data.scoped_query(jogja, outside, "rollup_children", periode="2026-09", tingkat="kecamatan", induk=outside)
    store = open_store(env)
    try:
        refusals = [e for e in store.audit_log() if e.action == "ditolak" and e.actor == "jogja"]
        assert len(refusals) == 4
    finally:
        store.close()


def test_queue_is_scoped_and_decisions_reach_the_public(env: str) -> None:
    other = signed_in("jakpus")
    other.switch_page("pages/antrean_sanggahan.py").run()
    assert any("Tidak ada tiket" in i.value for i in other.info)

    at = signed_in("jogja")
    at.switch_page("pages/antrean_sanggahan.py").run()
    assert not at.exception, at.exception
    code = normalise_ticket_code(at.dataframe[0].value["tiket"].iloc[0])  # shown grouped, as the citizen has it
    assert at.dataframe[0].value["sla"].iloc[0] == "sesuai jadwal"
    at.selectbox(key="antrean_buka").set_value(code).run()
    assert any("<script>" in t.value for t in at.text)  # shown as plain text, never as HTML
    at.selectbox(key="antrean_status").set_value("perlu verifikasi lapangan")
    at.text_area(key="antrean_hasil").set_value("Dikunjungi: rumah permanen, usaha toko.")
    at.button[-2].click().run()
    assert not at.exception, at.exception
    at.selectbox(key="antrean_putusan").set_value("TIDAK-TERBUKTI")  # form values commit on submit
    at.button[-1].click().run()
    assert any("Alasan keputusan wajib" in e.value for e in at.error)  # a decision needs a reason
    at.selectbox(key="antrean_putusan").set_value("TIDAK-TERBUKTI")
    at.text_area(key="antrean_alasan").set_value("Hasil verifikasi lapangan: keluarga masih layak.")
    at.button[-1].click().run()
    assert not at.exception, at.exception
    store = open_store(env)
    try:
        view = store.get_ticket(code)
        assert (view.status, view.tahap, view.kode_putusan) == ("ditolak", "diputus", "TIDAK-TERBUKTI")
        assert [h.status for h in view.history] == [
            "terdaftar",
            "perlu verifikasi lapangan",
            "terverifikasi lapangan",
            "ditolak",
        ]
        mine = [e.action for e in store.audit_log() if e.actor == "jogja"]
        assert {"ubah_status", "verifikasi_lapangan", "putusan"} <= set(mine)
    finally:
        store.close()


def test_breached_tickets_go_to_the_provinsi_and_appeals_too(env: str) -> None:
    store = open_store(env, clock=lambda: datetime.now(UTC) - timedelta(days=20))  # its deadline has passed
    try:
        code = store.submit(replace(store_sub(), idempotency_key="test-ticket-old-000001")).code
    finally:
        store.close()
    at = signed_in("jogja")
    at.switch_page("pages/antrean_sanggahan.py").run()  # opening the queue escalates it
    assert at.dataframe[0].value["tiket"].iloc[0] == format_ticket_code(code)
    assert at.dataframe[0].value["sla"].iloc[0] == "melewati batas"
    assert at.dataframe[0].value["ditangani"].iloc[0] == "provinsi"
    at.selectbox(key="antrean_buka").set_value(code).run()
    assert any("ditangani tingkat provinsi" in i.value for i in at.info)  # the kab/kota may only look
    assert not at.text_area  # no forms to act with

    prov = signed_in("diy")
    prov.switch_page("pages/antrean_sanggahan.py").run()
    prov.selectbox(key="antrean_buka").set_value(code).run()
    prov.selectbox(key="antrean_putusan").set_value("TERBUKTI")
    prov.text_area(key="antrean_alasan").set_value("Terbukti memiliki toko.")
    prov.button[-1].click().run()
    assert not prov.exception, prov.exception
    store = open_store(env)
    try:
        assert store.file_appeal(code, "Toko itu milik saudara saya.")
        assert store.get_ticket(code).tingkat == "pusat"  # decided at provinsi: the appeal goes to pusat
    finally:
        store.close()
    boss = signed_in("pusat1")
    boss.switch_page("pages/antrean_sanggahan.py").run()
    boss.selectbox(key="antrean_buka").set_value(code).run()
    assert any("Toko itu milik saudara saya." in t.value for t in boss.text)
    boss.selectbox(key="antrean_banding").set_value("dibatalkan")
    boss.text_area(key="antrean_alasan_banding").set_value("Bukti kepemilikan toko atas nama saudara.")
    boss.button[-1].click().run()
    assert not boss.exception, boss.exception
    store = open_store(env)
    try:
        view = store.get_ticket(code)
        assert (view.status, view.tahap, view.banding.hasil) == ("ditolak", "selesai", "dibatalkan")
        assert store.integrity_check()
    finally:
        store.close()


def test_analyst_sees_aggregates_only(env: str) -> None:
    at = signed_in("analis1")
    at.switch_page("pages/peta_cakupan.py").run()
    assert not at.exception
    direct = AppTest.from_file(str(REPO / "pages" / "antrean_sanggahan.py"), default_timeout=60)
    direct.session_state["staf"] = at.session_state["staf"]
    direct.run()
    assert any("tidak memiliki akses" in e.value for e in direct.error)
    assert not direct.dataframe


def test_only_pusat_reads_the_audit_log(env: str) -> None:
    for user, allowed in (("pusat1", True), ("jogja", False)):
        at = signed_in(user)
        page = AppTest.from_file(str(REPO / "pages" / "audit.py"), default_timeout=60)
        page.session_state["staf"] = at.session_state["staf"]
        page.run()
        assert bool(page.dataframe) is allowed


def test_objections_per_thousand_families_on_the_map(env: str) -> None:
    at = signed_in("jogja")
    at.switch_page("pages/peta_cakupan.py").run()
    at.selectbox(key="peta_indikator_kecamatan").set_value("sanggahan_per_1000").run()
    assert not at.exception, at.exception
    table = at.dataframe[-1].value
    # one ticket in desa A over the 3 active families of kecamatan 347101 → 333.3 per 1,000 families
    assert round(float(table.iloc[0, 2]), 1) == 333.3


def test_queue_row_names_the_desa_the_person_and_the_proposal_type(env: str) -> None:
    from portal.privacy.row_tokens import load_secret, row_token
    from portal.public import usulan_token

    secret = load_secret(Path("unused"))  # PORTAL_SECRET_KEY of portal_env
    store = open_store(env)
    try:
        usul = store.submit(
            replace(store_sub(), row_token=usulan_token(secret, "2026-09", 9101), idempotency_key="test-usulan-0000001")
        ).code
        orang = store.submit(
            replace(
                store_sub(),
                kategori="meninggal dunia",
                row_token=row_token(secret, "2026-09", 30),  # HENDRA WIJAYA, listed in A
                idempotency_key="test-orang-00000001",
            )
        ).code
    finally:
        store.close()
    at = signed_in("jogja")
    at.switch_page("pages/antrean_sanggahan.py").run()
    assert not at.exception, at.exception
    rows = at.dataframe[0].value.set_index("tiket")
    proposal = rows.loc[format_ticket_code(usul)]
    assert (proposal["nama_desa"], proposal["nama_kecamatan"], proposal["kode_desa"]) == ("Kricak", "Tegalrejo", A)
    assert proposal["tentang"] == "R**A M*****A · usul tambah"  # RINA MARLINA, usulan 9101 of A's musdes
    assert rows.loc[format_ticket_code(orang), "tentang"] == "H****A W****A"
    assert rows.loc[format_ticket_code(orang), "kategori"] == "meninggal dunia"
    assert list(rows["umur_hari"]) == [0, 0, 0]
    assert rows.index[0] == format_ticket_code(store_sub_code(env))  # oldest first

    # Filters: a category, then the desa by name (inside a chosen kecamatan).
    at.selectbox(key="antrean_kecamatan_3471").set_value("347101").run()
    at.selectbox(key="antrean_desa_347101").set_value(A).run()
    assert len(at.dataframe[0].value) == 3
    assert "Kricak" in at.selectbox(key="antrean_desa_347101").options
    other = next(k for k in at.selectbox(key="antrean_desa_347101").options if k not in ("Semua", "Kricak"))
    at.selectbox(key="antrean_desa_347101").set_value(
        next(k for k, n in data.region_names("desa", "347101").items() if n == other)
    ).run()
    assert any("Tidak ada tiket" in i.value for i in at.info)
    at.selectbox(key="antrean_desa_347101").set_value(None).run()
    kategori = next(i for i, box in enumerate(at.selectbox) if box.label == "Kategori")
    at.selectbox[kategori].set_value("meninggal dunia").run()
    assert list(at.dataframe[0].value["tiket"]) == [format_ticket_code(orang)]
    at.selectbox[kategori].set_value(None).run()

    # A decision the store refuses is explained in Bahasa Indonesia, never in the store's English.
    at.selectbox(key="antrean_buka").set_value(usul).run()
    assert any("usul tambah" in m.value for m in at.markdown)
    at.selectbox(key="antrean_putusan").set_value("TIDAK-TERBUKTI")
    at.text_area(key="antrean_alasan").set_value("NIK 3471011507850001 tidak cocok")
    at.button[-1].click().run()
    assert not at.exception, at.exception
    shown = " ".join(e.value for e in at.error)
    assert "tidak boleh memuat NIK" in shown
    assert "contains" not in shown and "digit" not in shown


def store_sub_code(url: str) -> str:
    store = open_store(url)
    try:
        return next(t.code for t in store.queue("") if t.row_token is None)
    finally:
        store.close()


def test_audit_log_in_words_wib_times_and_filters(env: str) -> None:
    moment = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    store = open_store(env, clock=lambda: moment)
    try:
        store.audit("bantul", "lihat_rujukan", "3402012001", {"tiket": "RH5E445K9D859TV6"})
    finally:
        store.close()
    signed_in("jogja")  # a sign-in of another official, logged now
    at = signed_in("pusat1")
    at.switch_page("pages/audit.py").run()
    assert not at.exception, at.exception
    log = at.dataframe[0].value
    assert "masuk" not in set(log["tindakan"]) and "Masuk" in set(log["tindakan"])
    seen = log[log["petugas"] == "bantul"].iloc[0]
    assert seen["tindakan"] == "Melihat data rujukan tiket"
    assert seen["wilayah"] == "Poncosari (3402012001)"
    assert seen["rincian"] == "Tiket: RH5E-445K-9D85-9TV6"
    # ui.table shows the time in WIB (UTC+7), wall-clock, without a zone
    assert seen["waktu"].to_pydatetime() == moment.replace(tzinfo=None) + timedelta(hours=7)
    assert "{" not in " ".join(log["rincian"])

    at.selectbox(key="audit_petugas").set_value("jogja").run()
    narrowed = at.dataframe[0].value
    assert set(narrowed["petugas"]) == {"jogja"} and "Masuk" in set(narrowed["tindakan"])
    at.selectbox(key="audit_petugas").set_value(None).run()
    at.selectbox(key="audit_provinsi_").set_value("34").run()
    in_34 = at.dataframe[0].value
    assert {"jogja", "bantul"} <= set(in_34["petugas"]) and "pusat1" not in set(in_34["petugas"])  # national
    assert all(w.endswith(")") and w.split("(")[-1].startswith("34") for w in in_34["wilayah"])
    at.selectbox(key="audit_tindakan").set_value("masuk").run()
    assert list(at.dataframe[0].value["petugas"]) == ["jogja"]
    yesterday = (datetime.now(UTC) + timedelta(hours=7)).date() - timedelta(days=1)
    at.date_input(key="audit_tanggal").set_value((yesterday - timedelta(days=5), yesterday)).run()
    assert not at.dataframe and any("Tidak ada entri" in i.value for i in at.info)
