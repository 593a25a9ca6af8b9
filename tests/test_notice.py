"""The printed uji publik notice (portal.notice, portal.notice_lists): read back from the PDF bytes it produces —
pages per RT and their numbering, the text a reader sees, the QR codes' modules, and names exactly as masked."""

from __future__ import annotations

import re
import zlib
from datetime import UTC, date, datetime

import pandas as pd
import pytest
import segno

from portal import notice
from portal import notice_lists as lists
from portal.privacy.masks import mask_name

BASE = "https://dtks.example.go.id/portal"
PRINTED = datetime(2026, 12, 4, 3, 15, tzinfo=UTC)  # 10.15 WIB
MUSDES = notice.Musdes("muskel", date(2026, 8, 10), "001/BA-MUSKEL/1001/V/2026", date(2026, 8, 10), date(2026, 8, 24))
# The demo register's biggest RT (measured on the full demo, seed 1, period 2026-09): 161 recipients in RT 006/RW 005
# of 3171011003; the most proposals one desa decided at a musdes: 40 to add and 30 to stop.
BIGGEST_RT, MOST_ADDS, MOST_STOPS = 161, 40, 30


def meta(kode_desa: str = "3471011001", **changes: object) -> notice.NoticeMeta:
    values = dict(
        kode_desa=kode_desa,
        nama_desa="Kricak",
        nama_kecamatan="Tegalrejo",
        nama_kabupaten="Kota Yogyakarta",
        nama_provinsi="Daerah Istimewa Yogyakarta",
        periode="2026-09",
        musdes=MUSDES,
        dicetak=PRINTED,
        portal_url=BASE,
    )
    return notice.NoticeMeta(**{**values, **changes})


def people(n: int, rts: list[str], *, start: int = 0) -> pd.DataFrame:
    """Register-like rows of the `desa_people` query: n active people spread over `rts`, every one receiving."""
    rt = [rts[i % len(rts)] for i in range(n)]
    return pd.DataFrame(
        {
            "id_dtks": range(start, start + n),
            "nama": [f"WARGA NOMOR {_letters(start + i)}" for i in range(n)],
            "usia": [20 + i % 60 for i in range(n)],
            "rt": [r.split("/")[0] for r in rt],
            "rw": [r.split("/")[1] for r in rt],
            "status_aktif": True,
            "keberadaan": "ada",
            "prog_pkh": [i % 2 == 0 for i in range(n)],
            "prog_bpnt": True,
            "prog_pbi_jk": False,
            "prog_blt_dd": False,
        }
    )


def _letters(i: int) -> str:
    return "".join("ABCDEFGHIJ"[int(d)] for d in str(i))


def usulan(adds: int, stops: int, stop_rt: str) -> pd.DataFrame:
    """`musdes_usulan_rt` rows: proposals to add (families not in the register: no RT) and to stop (in stop_rt)."""
    rows = [
        ("tambah", "layak tetapi belum terdaftar", f"CALON KELUARGA {_letters(i)}", None, None) for i in range(adds)
    ]
    rows += [("penghentian", "sudah mampu", f"KELUARGA MAMPU {_letters(i)}", *stop_rt.split("/")) for i in range(stops)]
    return pd.DataFrame(
        {
            "id_usulan": range(len(rows)),
            "jenis": [r[0] for r in rows],
            "kategori": [r[1] for r in rows],
            "nama_kepala_keluarga": [r[2] for r in rows],
            "jumlah_art": 3,
            "keputusan_musdes": "disetujui",
            "rt": pd.array([r[3] for r in rows], dtype="string"),
            "rw": pd.array([r[4] for r in rows], dtype="string"),
        }
    )


def build(rts: list[str], folks: pd.DataFrame, proposals: pd.DataFrame, policy: str = "masked", **changes) -> bytes:
    tambah, henti = lists.split_usulan(lists.usulan_rows(proposals, policy))
    penerima = lists.recipients(folks, policy, "2026-09")
    return notice.build_notice(meta(**changes), lists.sheets(rts, tambah, henti, penerima))


# --- reading the PDF back --------------------------------------------------------------------------------------


def pages(pdf: bytes) -> list[str]:
    """Each page's content stream, decompressed, in page order."""
    objects = {int(m.group(1)): m.start() for m in re.finditer(rb"(\d+) 0 obj", pdf)}

    def body(number: int) -> bytes:
        start = objects[number]
        return pdf[start : pdf.index(b"endobj", start)]

    def stream(number: int) -> str:
        start = objects[number]
        head = pdf[start : pdf.index(b"stream", start)]
        length = int(re.search(rb"/Length (\d+)", head).group(1))
        begin = pdf.index(b"stream", start) + len(b"stream")
        begin += 2 if pdf[begin : begin + 2] == b"\r\n" else 1
        raw = pdf[begin : begin + length]
        return (zlib.decompress(raw) if b"/FlateDecode" in head else raw).decode("latin-1")

    root = next(n for n in objects if b"/Type /Pages" in body(n))
    kids = [int(k) for k in re.findall(rb"(\d+) 0 R", body(root).split(b"/Kids", 1)[1].split(b"]", 1)[0])]
    return [stream(int(re.search(rb"/Contents (\d+) 0 R", body(kid)).group(1))) for kid in kids]


def texts(content: str) -> list[str]:
    """The strings a page shows, decoded from the core font's Windows-1252."""
    found = re.findall(r"\(((?:\\.|[^\\)])*)\) Tj", content)
    unescaped = [re.sub(r"\\(.)", r"\1", s) for s in found]
    return [s.encode("latin-1").decode("cp1252") for s in unescaped]


def page_text(content: str) -> str:
    return "\n".join(texts(content))


def qr_codes(content: str) -> list[list[list[bool]]]:
    """The QR codes drawn on a page, as module matrices, left to right: every filled rectangle (nothing else is
    drawn filled without a border) is a run of dark modules one module high, in PDF points, y up."""
    found = re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) (-?[\d.]+) re f\b", content)
    rects = sorted((float(x), float(y), float(w), abs(float(h))) for x, y, w, h in found)
    codes: list[list[tuple[float, float, float, float]]] = []
    for rect in rects:
        if codes and rect[0] - max(r[0] + r[2] for r in codes[-1]) < 10 * rect[3]:
            codes[-1].append(rect)
        else:
            codes.append([rect])
    matrices = []
    for runs in codes:
        module = runs[0][3]
        x0, top = min(r[0] for r in runs), max(r[1] for r in runs)
        size = round((max(r[0] + r[2] for r in runs) - x0) / module)
        matrix = [[False] * size for _ in range(size)]
        for x, y, w, _h in runs:
            for col in range(round((x - x0) / module), round((x + w - x0) / module)):
                matrix[round((top - y) / module)][col] = True
        matrices.append(matrix)
    return matrices


def expected_qr(url: str) -> list[list[bool]]:
    """What a QR code of `url` must look like, straight from segno (not through portal.notice)."""
    return [[bool(v) for v in row] for row in segno.make(url, error="m", micro=False).matrix]


# --- the tests -------------------------------------------------------------------------------------------------


def test_the_biggest_rt_of_the_demo_fits_on_a_few_pages_numbered_within_the_rt() -> None:
    rts = ["006/005"]
    pdf = build(rts, people(BIGGEST_RT, rts), usulan(MOST_ADDS, MOST_STOPS, "006/005"))
    shown = pages(pdf)
    assert 3 <= len(shown) <= 6  # a few A4 pages, even for the biggest RT with the busiest musdes
    for number, content in enumerate(shown, start=1):
        assert f"RT 006/RW 005 · Halaman {number} dari {len(shown)}" in texts(content)
    everything = "\n".join(page_text(c) for c in shown)
    assert f"C. Penerima bantuan sosial saat ini ({BIGGEST_RT})" in everything
    assert f"A. Usulan tambah (keluarga diusulkan masuk DTKS) ({MOST_ADDS})" in everything
    assert everything.count("Kepala keluarga") >= 2  # the heading row repeats where a list runs onto a new page


def test_every_rt_starts_a_new_page_with_its_own_page_count() -> None:
    rts = ["001/001", "002/001", "001/002"]
    folks = people(120, rts)
    pdf = build(rts, folks, usulan(2, 1, "002/001"))
    shown = pages(pdf)
    counts = notice.sheet_page_counts(meta(), lists.sheets(rts, *_lists(folks, usulan(2, 1, "002/001"))))
    assert len(shown) == sum(counts)
    first = 0
    for rt, count in zip(rts, counts, strict=True):
        label = notice.rt_label(rt)
        assert "PENGUMUMAN UJI PUBLIK" in texts(shown[first])
        assert label in texts(shown[first])
        assert [t for t in texts(shown[first + count - 1]) if "Halaman" in t] == [
            f"{label} · Halaman {count} dari {count}"
        ]
        sheet = "\n".join(page_text(c) for c in shown[first : first + count])
        assert f"C. Penerima bantuan sosial saat ini ({(lists.rt_rw(folks['rt'], folks['rw']) == rt).sum()})" in sheet
        assert "Lurah Kricak," in sheet  # each RT's sheet has its own signature block
        first += count
    # the proposals to add have no RT (not in the register): every RT shows them; the stop only in its RT
    assert all("A. Usulan tambah (keluarga diusulkan masuk DTKS) (2)" in page_text(c) for c in _firsts(shown, counts))
    stops = [("B. Usulan penghentian (keluarga diusulkan keluar/nonaktif) (1)" in page_text(c)) for c in shown]
    assert sum(stops) == 1


def _lists(folks: pd.DataFrame, proposals: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    tambah, henti = lists.split_usulan(lists.usulan_rows(proposals, "masked"))
    return tambah, henti, lists.recipients(folks, "masked", "2026-09")


def _firsts(shown: list[str], counts: list[int]) -> list[str]:
    starts = [sum(counts[:i]) for i in range(len(counts))]
    return [shown[s] for s in starts]


def test_the_qr_codes_open_the_desa_list_at_the_rt_and_the_form() -> None:
    rts = ["006/005"]
    shown = pages(build(rts, people(3, rts), usulan(0, 0, "006/005")))
    last = shown[-1]
    lijst, formulir = qr_codes(last)
    assert lijst == expected_qr(f"{BASE}/daftar_uji_publik?desa=3471011001&rt=006&rw=005")
    assert formulir == expected_qr(f"{BASE}/ajukan?desa=3471011001")
    assert lijst != expected_qr(f"{BASE}/daftar_uji_publik?desa=3471011001&rt=006&rw=006")  # the reading is exact
    assert f"{BASE}/daftar_uji_publik?desa=3471011001&rt=006&rw=005" in texts(last)  # also readable as text
    assert f"{BASE}/ajukan?desa=3471011001" in texts(last)
    # and the addresses are links in the file
    pdf = build(rts, people(3, rts), usulan(0, 0, "006/005"))
    assert f"/URI ({BASE}/ajukan?desa=3471011001)".encode() in pdf


def test_names_appear_exactly_as_the_page_masks_them_and_never_in_full() -> None:
    rts = ["001/002"]
    folks = people(5, rts)
    folks.loc[0, "nama"] = "SITI AMINAH"
    proposals = usulan(1, 1, "001/002")
    proposals.loc[0, "nama_kepala_keluarga"] = "RINA MARLINA"
    for policy in ("masked", "initials"):
        everything = "\n".join(page_text(c) for c in pages(build(rts, folks, proposals, policy)))
        for name in ("SITI AMINAH", "RINA MARLINA", *folks["nama"], *proposals["nama_kepala_keluarga"]):
            assert mask_name(name, policy) in everything
            assert name not in everything
    masked = "\n".join(page_text(c) for c in pages(build(rts, folks, proposals)))
    assert "S**I A****H" in masked and "R**A M*****A" in masked
    assert "Nama ditampilkan disamarkan" in masked


def test_the_notice_states_the_period_window_print_time_and_who_signs() -> None:
    rts = ["001/002"]
    text = "\n".join(page_text(c) for c in pages(build(rts, people(2, rts), usulan(0, 0, "001/002"))))
    assert "PEMERINTAH KOTA YOGYAKARTA" in text and "KECAMATAN TEGALREJO" in text and "KELURAHAN KRICAK" in text
    assert "Provinsi Daerah Istimewa Yogyakarta" in text
    assert "September 2026" in text
    assert "10 Agustus 2026 s.d. 24 Agustus 2026" in text
    assert "Dicetak dari Portal DTKS pada 4 Desember 2026 pukul 10.15 WIB" in text
    assert "Kricak, 4 Desember 2026" in text and "Lurah Kricak," in text
    assert "DATA SINTETIS" not in text
    desa = "\n".join(
        page_text(c)
        for c in pages(build(rts, people(2, rts), usulan(0, 0, "001/002"), kode_desa="3402012001", sintetis=True))
    )
    assert "Kepala Desa Kricak," in desa and "DESA KRICAK" in desa
    assert "DATA SINTETIS UNTUK DEMONSTRASI – BUKAN DATA WARGA" in desa


def test_a_desa_without_a_musdes_still_gets_its_recipients_and_no_empty_window() -> None:
    rts = ["001/002"]
    text = "\n".join(page_text(c) for c in pages(build(rts, people(2, rts), usulan(0, 0, "001/002"), musdes=None)))
    assert "belum ada yang tercatat" in text and "Masa sanggah" not in text
    assert "Penerima bantuan sosial saat ini (2)" in text and "Usulan tambah" not in text


def test_text_outside_the_core_font_is_printed_as_its_closest_letter() -> None:
    assert notice.pdf_text("MA'RUF – SITI") == "MA'RUF – SITI"  # Windows-1252 has the en dash
    assert notice.pdf_text("ŞAHİN ĞÜL") == "SAHIN GÜL"
    assert notice.pdf_text("≤ 14 hari") == "<= 14 hari"
    assert notice.pdf_text("🙂") == "?"
    assert notice.pdf_text(None) == "–" and notice.pdf_text(float("nan")) == "–"
    rts = ["001/002"]
    folks = people(1, rts)
    folks.loc[0, "nama"] = "ŞAHİN ÇELİK"
    text = "\n".join(page_text(c) for c in pages(build(rts, folks, usulan(0, 0, "001/002"), policy="full")))
    assert "SAHIN ÇELIK" in text


def test_addresses_and_links() -> None:
    assert notice.list_url(BASE, "3471031003") == f"{BASE}/daftar_uji_publik?desa=3471031003"
    assert notice.list_url(BASE, "3471031003", "006/005") == f"{BASE}/daftar_uji_publik?desa=3471031003&rt=006&rw=005"
    assert notice.form_url(BASE, "3471031003") == f"{BASE}/ajukan?desa=3471031003"
    assert (
        lists.portal_base("https://x.go.id/dtks", "http://127.0.0.1:8501/daftar_uji_publik") == "https://x.go.id/dtks"
    )
    assert lists.portal_base("", "http://127.0.0.1:8501/daftar_uji_publik") == "http://127.0.0.1:8501"
    assert lists.portal_base("", "https://x.go.id/dtks/daftar_uji_publik/") == "https://x.go.id/dtks"
    assert lists.portal_base("", None) == "http://localhost:8501"
    options = ["001/001", "006/005", "006/006"]
    assert lists.rt_from_params({"rt": "006", "rw": "005"}, options) == "006/005"
    assert lists.rt_from_params({"rt": "6", "rw": "5"}, options) == "006/005"
    assert lists.rt_from_params({"rt": "1"}, options) == "001/001"  # one RW has RT 1
    assert lists.rt_from_params({"rt": "6"}, options) is None  # two RWs have RT 6: ambiguous
    assert lists.rt_from_params({"rt": "9", "rw": "9"}, options) is None
    assert lists.rt_from_params({"rt": "'; drop", "rw": "1"}, options) is None
    assert lists.rt_params("006/005") == {"rt": "006", "rw": "005"} and lists.rt_params(None) == {}


def test_the_public_address_setting_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    from portal.config import load_settings

    monkeypatch.setenv("PORTAL_PUBLIC_URL", "https://dtks.example.go.id/portal/")
    assert load_settings().public_url == "https://dtks.example.go.id/portal"
    for bad in ("dtks.example.go.id", "ftp://x.go.id", "https://x.go.id/?a=1", "https:///x"):
        monkeypatch.setenv("PORTAL_PUBLIC_URL", bad)
        with pytest.raises(ValueError, match="PORTAL_PUBLIC_URL"):
            load_settings()
    monkeypatch.delenv("PORTAL_PUBLIC_URL")
    assert load_settings().public_url == ""


def test_lists_for_the_page_and_the_notice_are_the_same_rows() -> None:
    folks = people(6, ["001/001", "002/001"])
    folks.loc[5, "status_aktif"] = False  # not active: not listed
    folks.loc[4, ["prog_pkh", "prog_bpnt"]] = False  # receives nothing: not listed
    penerima = lists.recipients(folks, "masked", "2026-09")
    assert len(penerima) == 4 and list(penerima.columns) == lists.PENERIMA_SHOWN
    assert lists.desa_rts(folks) == ["001/001", "002/001"]
    sheet = lists.sheets(
        ["002/001"], *lists.split_usulan(lists.usulan_rows(usulan(1, 1, "001/001"), "masked")), penerima
    )
    (only,) = sheet
    assert list(only.penerima["rt_rw"]) == ["002/001"] * 2
    assert len(only.tambah) == 1 and only.tambah["rt_rw"].tolist() == [notice.NO_RT]  # an added family: every RT
    assert only.henti.empty  # the stop is in RT 001/001


@pytest.mark.parametrize("periode", ["2026-06", "2026-09"])
def test_no_notice_of_the_fixture_register_prints_personal_data(
    register: object, settings: object, periode: str
) -> None:
    """Every RT of every fixture desa, built from the queries the page runs: masked names only, and none of what
    may never be public (NIK, No KK, birth dates, mothers' names, addresses)."""
    import duckdb

    from portal.periods import period_end
    from portal.public import with_search_keys
    from tests.fixture_register import A, B, C

    root = settings.register_dir / register.manifest.generation
    people = duckdb.sql(
        f"select nama, nik, no_kk, nama_ibu_kandung, tanggal_lahir from '{root}/individu/*/*/*.parquet'"
    ).df()
    alamat = duckdb.sql(f"select alamat from '{root}/keluarga/*/*/*.parquet'").df()["alamat"]
    secrets = set(people["nik"]) | set(people["no_kk"]) | set(people["nama_ibu_kandung"]) | set(alamat)
    secrets |= set(people["nama"]) | {d.strftime(f) for d in people["tanggal_lahir"] for f in ("%d-%m-%Y", "%d/%m/%Y")}
    printed = []
    for kode in (A, B, C):
        folks = with_search_keys(
            register.run("desa_people", periode=periode, akhir=period_end(periode), kode_desa=kode)
        )
        rapat = register.run("desa_musdes", periode=periode, kode_desa=kode)
        proposals = usulan(0, 0, "001/001")
        if not rapat.empty:
            kini = rapat.iloc[0]
            found = dict(periode=kini["periode"], kode_desa=kode, id_musdes=int(kini["id_musdes"]))
            proposals = register.run("musdes_usulan_rt", **found)
        tambah, henti = lists.split_usulan(lists.usulan_rows(proposals, "masked"))
        penerima = lists.recipients(folks, "masked", periode)
        sheets = lists.sheets(lists.desa_rts(folks), tambah, henti, penerima)
        printed += [page_text(c) for c in pages(notice.build_notice(meta(kode_desa=kode), sheets))]
    text = "\n".join(printed)
    assert "B**I S*****O" in text and "J**O S****O" in text  # recipients and a proposal to stop were printed
    assert not re.search(r"\d{16}", text)
    assert not sorted(s for s in secrets if isinstance(s, str) and s in text)
