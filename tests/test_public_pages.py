"""AppTest of the public pages on the fixture register: the whole flow, hostile input in every public
field, throttling, and what each page must (not) show."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from portal import lifecycle
from portal.store import Submission, open_store
from tests.conftest import reset_portal_caches
from tests.fixture_register import A, C

APP = str(Path(__file__).resolve().parents[1] / "app.py")
HOSTILE = [
    "'; drop table tickets; --",
    "%_%",
    "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "x" * 10_000,
    "a\x00b",
    "🙂👍🏽 emoji",
    "\u202eNAMA\u202c مرحبا",
    "[klik](javascript:alert(1)) ![i](http://example.invalid/x.png)",
]


@pytest.fixture
def env(portal_env: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The shared portal environment with a search limit high enough for these tests."""
    monkeypatch.setenv("PORTAL_SEARCH_LIMIT", "50/600")
    reset_portal_caches()
    return portal_env


def _app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def _choose_desa(at: AppTest, prefix: str, kode_desa: str) -> None:
    for level, code in (("provinsi", kode_desa[:2]), ("kabupaten", kode_desa[:4]), ("kecamatan", kode_desa[:6])):
        at.selectbox(key=f"{prefix}_{level}").set_value(code).run()
    at.selectbox(key=f"{prefix}_desa").set_value(kode_desa).run()


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.success]
    parts += [w.value for w in at.warning] + [i.value for i in at.info] + [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


def _search(at: AppTest, text: str) -> None:
    at.text_input[0].set_value(text)
    at.button[0].click().run()  # the form's submit button


def test_search_object_ticket_track(env: str) -> None:
    at = _app("pages/cek_status.py")
    _choose_desa(at, "cek", A)
    _search(at, "siti")
    assert not at.exception
    assert "S\\*\\*I A\\*\\*\\*\\*H" in _texts(at)  # masked, and escaped for Markdown
    assert "SITI" not in _texts(at)
    at.button(key="sanggah_0").click().run()
    assert not at.exception
    at.switch_page("pages/ajukan.py").run()  # AppTest does not follow st.switch_page on later reruns
    assert "Sanggahan atas data" in _texts(at)
    # A's musdes published its lists on 10 August 2026 with objections open until 24 August; today is later
    assert "telah berakhir pada 24 Agustus 2026" in _texts(at)
    at.text_area[0].set_value("Keluarga ini sudah mampu, memiliki usaha toko besar sejak 2025.")
    at.checkbox[0].check()
    at.button[-1].click().run()
    assert not at.exception, at.exception
    code = next(s.value for s in at.success).split("**")[1]
    assert len(code) == 19
    assert "sanggahan terlambat" in _texts(at)
    at.button[-1].click().run()  # a second press after the acknowledgement makes no second ticket
    store = open_store(env)
    try:
        assert len(store.queue("")) == 1
        assert store.queue("")[0].terlambat
    finally:
        store.close()

    track = _app("pages/lacak_tiket.py")
    track.text_input[0].set_value(code.lower())
    track.button[0].click().run()
    assert not track.exception
    assert "**Status: terdaftar**" in _texts(track)
    assert "menunggu diperiksa" in _texts(track)  # what "terdaftar" means, in plain words


def _object_to_siti(at: AppTest) -> None:
    _choose_desa(at, "cek", A)
    _search(at, "siti")
    at.button(key="sanggah_0").click().run()
    at.switch_page("pages/ajukan.py").run()


def test_objection_inside_the_window_is_on_time(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lifecycle, "today", lambda: date(2026, 8, 24))  # the window's last day
    at = _app("pages/cek_status.py")
    _object_to_siti(at)
    assert "dalam masa sanggah (sampai 24 Agustus 2026)" in _texts(at)
    at.text_area[0].set_value("Keluarga ini sudah mampu, memiliki usaha toko besar sejak 2025.")
    at.checkbox[0].check()
    at.button[-1].click().run()
    assert not at.exception, at.exception
    assert "sanggahan terlambat" not in _texts(at)
    store = open_store(env)
    try:
        assert not store.queue("")[0].terlambat
    finally:
        store.close()


def test_a_decision_can_be_appealed_once_on_lacak_tiket(env: str) -> None:
    store = open_store(env)
    try:
        ticket = store.submit(
            Submission(
                jenis="usul",
                kategori="layak tetapi belum terdaftar",
                kode_desa=C,
                periode="2026-09",
                deskripsi="Keluarga Pak Rudi belum terdaftar.",
                persetujuan=True,
                idempotency_key="appeal-test-0000000001",
            )
        )
        store.decide(ticket.code, "ditolak", "KETERANGAN-KURANG", "Alamat tidak jelas.", "op", "kabupaten")
    finally:
        store.close()
    track = _app("pages/lacak_tiket.py")
    track.text_input[0].set_value(ticket.display)
    track.button[0].click().run()
    assert "KETERANGAN-KURANG" not in _texts(track) and "Keterangan tidak cukup" in _texts(track)
    assert "**Status: ditolak**" in _texts(track) and "Alamat tidak jelas" in _texts(track)
    assert "mengajukan banding satu kali sampai" in _texts(track)  # the next step, with its deadline
    track.text_area[0].set_value("pendek")
    track.button[-1].click().run()
    assert "paling sedikit 10 karakter" in _texts(track)
    track.text_area[0].set_value("Alamatnya RT 03/RW 02, di belakang masjid.")
    track.button[-1].click().run()
    assert not track.exception, track.exception
    assert "menunggu putusan" in _texts(track)
    assert not track.text_area  # one appeal per decision: the form is gone
    store = open_store(env)
    try:
        view = store.get_ticket(ticket.code)
        assert view.tahap == "banding" and view.tingkat == "provinsi"
    finally:
        store.close()


def test_empty_result_offers_an_usul(env: str) -> None:
    at = _app("pages/cek_status.py")
    _choose_desa(at, "cek", A)
    _search(at, "bambang")
    assert "mengajukan **usul**" in _texts(at)


def test_nik_is_refused(env: str) -> None:
    at = _app("pages/cek_status.py")
    _choose_desa(at, "cek", A)
    _search(at, "3471015507850003")
    assert "tidak menerima NIK" in _texts(at)
    assert "H\\*\\*\\*\\*A" not in _texts(at)  # HENDRA WIJAYA, who holds that NIK, is not revealed


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_search(env: str, text: str) -> None:
    at = _app("pages/cek_status.py")
    _choose_desa(at, "cek", A)
    _search(at, text)
    assert not at.exception


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_submission_and_tracking(env: str, text: str) -> None:
    at = _app("pages/ajukan.py")
    _choose_desa(at, "ajukan", C)
    at.text_area[0].set_value(f"Uraian: {text}")
    at.text_input[0].set_value(text[:200])
    at.checkbox[0].check()
    at.button[-1].click().run()
    assert not at.exception, at.exception
    track = _app("pages/lacak_tiket.py")
    track.text_input[0].set_value(text[:40])
    track.button[0].click().run()
    assert not track.exception
    assert "Tiket tidak ditemukan" in _texts(track)


def test_wrong_and_malformed_codes_look_alike(env: str) -> None:
    answers = []
    for code in ("ABCD-EFGH-JKMN-PQRS", "not a code", ""):
        track = _app("pages/lacak_tiket.py")
        track.text_input[0].set_value(code)
        track.button[0].click().run()
        answers.append(_texts(track))
    assert answers[0] == answers[1] == answers[2]


def test_search_is_throttled(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_SEARCH_LIMIT", "2/600")
    reset_portal_caches()
    at = _app("pages/cek_status.py")
    _choose_desa(at, "cek", A)
    for _ in range(2):
        _search(at, "siti")
        assert "Terlalu banyak" not in _texts(at)
    _search(at, "budi")
    assert "Terlalu banyak permintaan" in _texts(at)


def test_daftar_uji_publik(env: str) -> None:
    at = _app("pages/daftar_uji_publik.py")
    _choose_desa(at, "daftar", C)
    assert not at.exception
    assert "tidak mengadakan musyawarah dalam 3 bulan terakhir" in _texts(at)
    assert "Daftar periode sebelumnya dapat dilihat" in _texts(at)
    at.sidebar.selectbox(key="periode").set_value("2026-06").run()
    assert not at.exception
    assert "sebagaimana diumumkan pada periode **Juni 2026**" in _texts(at)
    labels = [e.label for e in at.expander]
    assert any(label.startswith("Usulan tambah (2)") for label in labels)
    assert any(label.startswith("Usulan penghentian (1)") for label in labels)


def test_statistik_publik_hides_small_cells(env: str) -> None:
    at = _app("pages/statistik_publik.py")
    assert not at.exception
    shown = at.dataframe[0].value
    assert (shown == "•").any().any()  # every fixture count is below 10
    assert not shown.isin(["1", "2", "3"]).any().any()


def test_statistik_publik_shows_families_per_desil(env: str, register: object) -> None:
    at = _app("pages/statistik_publik.py")
    assert not at.exception, at.exception
    desil = at.dataframe[1].value
    assert list(desil.columns) == [*(f"Desil {d}" for d in range(1, 11)), "Tanpa desil", "Jumlah"]
    rows = register.run("desil_by_region", periode="2026-09", tingkat="provinsi", induk="")
    small = rows.drop(columns=["kode", "nama"]).to_numpy()
    assert ((small > 0) & (small < 10)).any()  # the fixture's counts are small ...
    shown = desil.drop(index="Jumlah").drop(columns="Jumlah").to_numpy()
    assert (shown[(small > 0) & (small < 10)] == "•").all()  # ... and every one of them is hidden
    assert not desil.isin([str(n) for n in range(1, 10)]).any().any()
    jogja = next(label for label in desil.index if label.startswith("34 · "))
    at.selectbox(key="stat_provinsi").set_value(jogja).run()
    assert not at.exception, at.exception
    assert at.dataframe[1].value.loc["Jumlah"].tolist() == desil.loc[jogja].tolist()


def test_statistik_publik_shows_accountability(env: str) -> None:
    from datetime import UTC, datetime, timedelta

    from portal.store import open_store as opened

    def sub(n: int) -> Submission:
        return Submission(
            jenis="usul",
            kategori="layak tetapi belum terdaftar",
            kode_desa=A,
            periode="2026-09",
            deskripsi="Keluarga belum terdaftar.",
            persetujuan=True,
            idempotency_key=f"accountability-{n:010d}",
        )

    with opened(env) as store:
        for n in range(12):
            store.decide(store.submit(sub(n)).code, "diterima", "MUSDES", "Dibahas.", "op", "kabupaten")
    with opened(env, clock=lambda: datetime.now(UTC) - timedelta(days=30)) as store:
        for n in range(12, 14):
            store.submit(sub(n))  # never decided: breached
    at = _app("pages/statistik_publik.py")
    assert not at.exception, at.exception
    table = at.dataframe[2].value  # after the recipients and the desil tables
    jogja = next(label for label in table.index if label.startswith("34 · "))
    handling = table.loc[jogja, ["Diputus ≤ 14 hari", "Melewati batas", "Dalam proses", "Tiket diterima"]]
    assert table.loc[jogja, "Melewati batas"] == "•"  # 2 breached tickets
    assert (handling == "•").sum() >= 2  # and a complement in the same row, so 2 cannot be worked out
    assert table.loc[jogja, "Dalam proses"] == "0" and table.loc[jogja, "Banding"] == "0"
    assert table.loc[jogja, "Desa musdes ≤ 3 bulan"] == "•"  # one fixture desa held its musdes on 10 August
    assert "diputus dalam 14 hari" in _texts(at)
    at.selectbox(key="stat_provinsi").set_value(jogja).run()
    assert not at.exception, at.exception
    kab = at.dataframe[2].value
    assert any(label.startswith("3471 · ") for label in kab.index)
    assert kab.loc["Jumlah"].tolist() == table.loc[jogja].tolist()  # the provinsi's row, the same cells hidden


def _all_output(at: AppTest) -> str:
    """Every text element and every dataframe cell the page rendered."""
    parts = [_texts(at)] + [str(m.value) for m in at.metric] + [str(s.label) for s in at.selectbox]
    parts += [frame.value.to_csv() for frame in at.dataframe] + [str(c.value) for c in at.code]
    return "\n".join(parts)


def test_no_public_page_shows_personal_data(env: str, settings: object) -> None:
    import duckdb

    from portal.snapshot import read_manifest

    manifest = read_manifest(settings.register_dir)
    root = settings.register_dir / manifest.generation
    people = duckdb.sql(f"select nik, no_kk, nama_ibu_kandung, tanggal_lahir from '{root}/individu/*/*/*.parquet'").df()
    families = duckdb.sql(f"select alamat from '{root}/keluarga/*/*/*.parquet'").df()
    secrets = set(people["nik"]) | set(people["no_kk"]) | set(people["nama_ibu_kandung"]) | set(families["alamat"])
    secrets |= {d.strftime(f) for d in people["tanggal_lahir"] for f in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")}

    rendered = []
    for page in ("pages/beranda.py", "pages/statistik_publik.py", "pages/lacak_tiket.py"):
        rendered.append(_all_output(_app(page)))
    for kode_desa in (A, C, "3402012001"):
        for period in ("2026-09", "2026-06"):
            at = _app("pages/daftar_uji_publik.py")
            at.sidebar.selectbox(key="periode").set_value(period).run()
            _choose_desa(at, "daftar", kode_desa)
            rendered.append(_all_output(at))
        at = _app("pages/cek_status.py")
        _choose_desa(at, "cek", kode_desa)
        for query in ("siti", "budi", "ahmad", "nur", "suparmi", "hendra", "joko"):
            _search(at, query)
            rendered.append(_all_output(at))
    output = "\n".join(rendered)
    assert "B**I S*****O" in output  # the lists were really rendered (dataframe cells included)
    assert "S\\*\\*I A\\*\\*\\*\\*H" in output  # and the search cards
    assert not re.search(r"\d{16}", output)
    leaked = sorted(s for s in secrets if isinstance(s, str) and s in output)
    assert not leaked


def _kategori(at: AppTest) -> list[str]:
    """The objection form's category choices."""
    return list(next(box for box in at.selectbox if box.label == "Kategori").options)


def _inside_c_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today is 10 May 2026 for the page and for the store: C's May musdes list is open for objections (2-16 May)."""
    from datetime import UTC, datetime

    from portal.store import backends

    monkeypatch.setattr(lifecycle, "today", lambda: date(2026, 5, 10))
    monkeypatch.setattr(backends, "utc_now", lambda: datetime(2026, 5, 10, 3, tzinfo=UTC))


def test_object_to_an_usulan_from_the_list(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _inside_c_window(monkeypatch)
    at = _app("pages/daftar_uji_publik.py")
    at.sidebar.selectbox(key="periode").set_value("2026-06").run()
    _choose_desa(at, "daftar", C)
    at.button(key="sanggah_usulan_1").click().run()  # DEWI LESTARI's proposal to be added
    assert not at.exception
    at.switch_page("pages/ajukan.py").run()
    assert "usulan tambah untuk D\\*\\*I L\\*\\*\\*\\*\\*I" in _texts(at)  # escaped: shown as typed
    assert _kategori(at) == list(lifecycle.KATEGORI_BY_SASARAN[lifecycle.SASARAN_TAMBAH])
    at.text_area[0].set_value("Keluarga ini tidak tinggal di RT kami sejak tahun lalu.")
    at.checkbox[0].check()
    at.button[-1].click().run()
    assert not at.exception, at.exception
    assert any("Kode tiket" in s.value for s in at.success)
    store = open_store(env)
    try:
        (item,) = store.queue(C)
        assert item.kategori != "layak tetapi belum terdaftar"
    finally:
        store.close()


def test_forged_token_is_refused(env: str) -> None:
    at = _app("pages/ajukan.py")
    at.session_state["rujukan"] = {
        "periode": "2026-09",
        "kode_desa": A,
        "nama_desa": "Kricak",
        "jenis": "sanggahan",
        "token": "AAAAAAAAAAAAAAAAAAAAAA",
        "label": "X",
    }
    at.run()
    at.text_area[0].set_value("Uraian yang cukup panjang untuk diterima.")
    at.checkbox[0].check()
    at.button[-1].click().run()
    assert "Rujukan data tidak dikenali" in _texts(at)


def test_objection_to_a_stop_proposal_offers_keep_it(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _inside_c_window(monkeypatch)
    at = _app("pages/daftar_uji_publik.py")
    at.sidebar.selectbox(key="periode").set_value("2026-06").run()
    _choose_desa(at, "daftar", C)
    at.button(key="sanggah_usulan_2").click().run()  # JOKO SUSILO's proposal to be stopped
    at.switch_page("pages/ajukan.py").run()
    assert _kategori(at)[0] == "masih layak, jangan dihentikan"
    assert "tidak layak / sudah mampu" not in _kategori(at)
    at.text_area[0].set_value("Pak Joko masih buruh harian, penghasilannya tidak tetap.")
    at.checkbox[0].check()
    at.button[-1].click().run()
    assert not at.exception, at.exception
    store = open_store(env)
    try:
        (item,) = store.queue(C)
        assert item.kategori == "masih layak, jangan dihentikan" and not item.terlambat
    finally:
        store.close()


def test_objection_to_a_list_after_its_window_is_refused_with_what_to_do(env: str) -> None:
    """Today (the real date) is long after C's May list closed on 16 May 2026: no form, a clear reason, no ticket."""
    at = _app("pages/daftar_uji_publik.py")
    at.sidebar.selectbox(key="periode").set_value("2026-06").run()
    _choose_desa(at, "daftar", C)
    at.button(key="sanggah_usulan_2").click().run()
    at.switch_page("pages/ajukan.py").run()
    assert not at.exception
    pesan = " ".join(e.value for e in at.error)
    assert "ditutup pada 16 Mei 2026" in pesan and "kantor desa/kelurahan" in pesan and "Cek Status" in pesan
    assert not at.text_area  # no form to fill in for nothing
    store = open_store(env)
    try:
        assert store.queue(C) == []
    finally:
        store.close()
