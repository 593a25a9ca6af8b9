"""The printed uji publik notice: for each RT, a few A4 pages a desa posts on its notice boards (PDF, pure).

A notice carries the desa's header, the period and the musdes's objection window, the lists of that RT (the
musdes's proposals to add and to stop, the current recipients), how to object (the portal's addresses, QR codes
that open the desa's list and the objection form, the desa office), a signature block for the Kepala Desa or Lurah
and, on every page, the print time (WIB) and "Halaman 1 dari 3" counted within the RT. Several RTs go into one PDF,
each starting on a new page with its own page count, so one print job covers a whole desa and each RT's pages are
complete on their own.

The lists come in already as the public page shows them (names masked by the portal's policy): this module prints
what it is given and never sees a register row. It uses the PDF core font Helvetica (no font file to ship), which
covers Windows-1252; any other character is printed as its closest Windows-1252 letter (`pdf_text`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from urllib.parse import urlencode

import pandas as pd
import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from portal import words
from portal.fmt import nama_periode, tanggal
from portal.lifecycle import WIB

LIST_PAGE = "daftar_uji_publik"
FORM_PAGE = "ajukan"
NO_RT = "–"  # the RT/RW of a proposed family that is not in the register (most proposals to add)

# The lists of a sheet: which columns, in which order, how wide (mm) and aligned; headings from portal.words.
TAMBAH_COLUMNS = (
    ("kepala_keluarga", 78, "L"),
    ("jumlah_art", 26, "R"),
    ("rt_rw", 20, "C"),
    ("keputusan_musdes", 47, "L"),
)
HENTI_COLUMNS = (
    ("kepala_keluarga", 62, "L"),
    ("kategori_usulan", 48, "L"),
    ("rt_rw", 20, "C"),
    ("keputusan_musdes", 41, "L"),
)
PENERIMA_COLUMNS = (("nama_warga", 66, "L"), ("usia", 14, "R"), ("program", 55, "L"), ("status", 36, "L"))

_MARGIN, _TOP, _BOTTOM = 15.0, 12.0, 16.0  # mm
_NO_WIDTH = 9.0
_ROW, _FONT, _MIN_FONT = 4.8, 8.5, 5.5
_QR_SIZE = 30.0
_SIGNATURE = 36.0  # mm from the place and date to the line under the name
_EM = 0.3528  # mm per pt
_REPLACEMENTS = {"≤": "<=", "≥": ">=", "→": "->", "←": "<-", "×": "x", "−": "-", "\u00a0": " ", "\u2009": " "}


@dataclass(frozen=True)
class Musdes:
    """The desa's current musdes as the notice states it."""

    jenis: str  # "musdes" or "muskel"
    tanggal: date
    nomor_berita_acara: str
    diumumkan: date | None = None
    sanggah_sampai: date | None = None


@dataclass(frozen=True)
class NoticeMeta:
    """What every sheet of a desa's notice says besides its lists."""

    kode_desa: str
    nama_desa: str
    nama_kecamatan: str
    nama_kabupaten: str
    nama_provinsi: str
    periode: str
    musdes: Musdes | None
    dicetak: datetime  # aware; printed in WIB
    portal_url: str  # the portal's public address, no trailing slash
    sintetis: bool = False  # the demo register: every page says it is not real people's data
    nama_disamarkan: bool = True  # names are masked (the portal's policy): the notice says why


@dataclass(frozen=True)
class RtSheet:
    """One RT's lists: frames with the columns of TAMBAH_COLUMNS, HENTI_COLUMNS and PENERIMA_COLUMNS."""

    rt_rw: str  # "006/005"
    tambah: pd.DataFrame = field(default_factory=pd.DataFrame)
    henti: pd.DataFrame = field(default_factory=pd.DataFrame)
    penerima: pd.DataFrame = field(default_factory=pd.DataFrame)


def is_kelurahan(kode_desa: str) -> bool:
    """A kelurahan (7th digit 1) rather than a desa (2) or desa adat (3)."""
    return len(kode_desa) == 10 and kode_desa[6] == "1"


def desa_word(kode_desa: str) -> str:
    """'Kelurahan' or 'Desa'."""
    return "Kelurahan" if is_kelurahan(kode_desa) else "Desa"


def head_title(kode_desa: str) -> str:
    """Who signs: 'Lurah' or 'Kepala Desa'."""
    return "Lurah" if is_kelurahan(kode_desa) else "Kepala Desa"


def rt_label(rt_rw: str) -> str:
    """'006/005' → 'RT 006/RW 005'."""
    rt, _, rw = rt_rw.partition("/")
    return f"RT {rt}/RW {rw}" if rw else f"RT {rt}"


def list_url(base: str, kode_desa: str, rt_rw: str | None = None) -> str:
    """The address that opens the desa's list (at one RT, if given) on Daftar Uji Publik."""
    params = {"desa": kode_desa}
    if rt_rw:
        rt, _, rw = rt_rw.partition("/")
        params |= {"rt": rt, "rw": rw} if rw else {"rt": rt}
    return f"{base}/{LIST_PAGE}?{urlencode(params)}"


def form_url(base: str, kode_desa: str) -> str:
    """The address that opens the objection and proposal form for the desa."""
    return f"{base}/{FORM_PAGE}?{urlencode({'desa': kode_desa})}"


def pdf_text(value: object) -> str:
    """Text the core font can print: Windows-1252 kept as is; other letters as their base letter (Ş → S), a few
    symbols spelled out (≤ → <=), anything else '?'. Missing values are '–'."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    text = unicodedata.normalize("NFC", str(value))
    try:
        text.encode("cp1252")
        if not any(ch in _REPLACEMENTS for ch in text):
            return text
    except UnicodeEncodeError:
        pass
    out = []
    for ch in text:
        if ch in _REPLACEMENTS:
            out.append(_REPLACEMENTS[ch])
            continue
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            try:
                base.encode("cp1252")
                out.append(base or "?")
            except UnicodeEncodeError:
                out.append("?")
    return "".join(out)


def waktu_wib(moment: datetime) -> str:
    """'4 Desember 2026 pukul 10.15 WIB'."""
    local = moment.astimezone(WIB)
    return f"{tanggal(local.date())} pukul {local:%H.%M} WIB"


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", ".")
    return pdf_text(value)


class _NoticePdf(FPDF):
    """An FPDF whose header and footer know the sheet being drawn (its RT and first page) and the page totals
    of each sheet from a first pass."""

    def __init__(self, meta: NoticeMeta, totals: Sequence[int] | None) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.core_fonts_encoding = "windows-1252"
        self.meta = meta
        self.totals = totals
        self.sheet = -1
        self.sheet_start = 1
        self.sheet_rt = ""
        self.sheet_pages: list[int] = []
        self._next_sheet: tuple[int, str] | None = None
        self.widths: dict[tuple[str, float, str], float] = {}
        self.line_cache: dict[tuple[str, float, str], list[str]] = {}
        self.set_margins(_MARGIN, _TOP, _MARGIN)
        self.set_auto_page_break(True, _BOTTOM)
        self.set_creation_date(meta.dicetak)
        self.set_title(pdf_text(f"Pengumuman Uji Publik {desa_word(meta.kode_desa)} {meta.nama_desa}"))
        self.set_author("Portal DTKS")
        self.set_draw_color(60, 60, 60)
        self.set_line_width(0.2)

    def page_in_sheet(self) -> int:
        """This page's number within its RT's sheet."""
        return self.page_no() - self.sheet_start + 1

    def start_sheet(self, index: int, rt_rw: str) -> None:
        """Begin RT `rt_rw`'s sheet on a new page (the previous page's footer still belongs to the sheet before)."""
        self._next_sheet = (index, rt_rw)
        self.add_page()

    def header(self) -> None:
        if self._next_sheet is not None:
            (self.sheet, self.sheet_rt), self._next_sheet = self._next_sheet, None
            self.sheet_start = self.page_no()
        if self.meta.sintetis:
            self.set_font("Helvetica", "B", 8)
            self.set_text_color(170, 0, 0)
            self.cell(
                0,
                4,
                "DATA SINTETIS UNTUK DEMONSTRASI – BUKAN DATA WARGA",
                align="C",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            self.set_text_color(0, 0, 0)
        if self.page_in_sheet() > 1:  # continuation pages: say whose list this is
            self.set_font("Helvetica", "I", 8)
            desa = f"{desa_word(self.meta.kode_desa)} {self.meta.nama_desa}"
            text = f"Pengumuman Uji Publik DTKS/DTSEN · {desa} · {rt_label(self.sheet_rt)} (lanjutan)"
            self.cell(0, 5, pdf_text(text), border="B", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(2)

    def footer(self) -> None:
        self.set_y(-_BOTTOM + 4)
        self.set_font("Helvetica", "", 7.5)
        self.set_text_color(60, 60, 60)
        total = "?" if self.totals is None else str(self.totals[self.sheet])
        printed = f"Dicetak dari Portal DTKS pada {waktu_wib(self.meta.dicetak)}"
        if self.meta.sintetis:
            printed += " · data sintetis"
        self.cell(120, 4, pdf_text(printed), border="T")
        self.cell(
            0, 4, f"{rt_label(self.sheet_rt)} · Halaman {self.page_in_sheet()} dari {total}", border="T", align="R"
        )
        self.set_text_color(0, 0, 0)


def build_notice(meta: NoticeMeta, sheets: Sequence[RtSheet]) -> bytes:
    """The notice as PDF bytes: one sheet per RT (at least one page each), pages numbered within each sheet.

    Laid out twice: the first pass (rows, paragraphs and QR codes only take their room) counts each sheet's pages,
    the second draws them with "Halaman i dari N"."""
    if not sheets:
        raise ValueError("a notice needs at least one RT")
    first = _draw(meta, sheets, None)
    return bytes(_draw(meta, sheets, first.sheet_pages).output())


def sheet_page_counts(meta: NoticeMeta, sheets: Sequence[RtSheet]) -> list[int]:
    """How many pages each RT's sheet takes."""
    return list(_draw(meta, sheets, None).sheet_pages)


def _draw(meta: NoticeMeta, sheets: Sequence[RtSheet], totals: Sequence[int] | None) -> _NoticePdf:
    pdf = _NoticePdf(meta, totals)
    pages: list[int] = []
    for index, sheet in enumerate(sheets):
        pdf.start_sheet(index, sheet.rt_rw)
        _sheet(pdf, meta, sheet)
        pages.append(pdf.page_no() - pdf.sheet_start + 1)
    pdf.sheet_pages = pages
    return pdf


def _sheet(pdf: _NoticePdf, meta: NoticeMeta, sheet: RtSheet) -> None:
    _letterhead(pdf, meta, sheet)
    if meta.musdes is None:
        _paragraph(
            pdf,
            f"Belum ada musyawarah {desa_word(meta.kode_desa).lower()} yang tercatat: tidak ada usulan untuk "
            "diumumkan.",
        )
    else:
        _table(pdf, "A. Usulan tambah (keluarga diusulkan masuk DTKS)", TAMBAH_COLUMNS, sheet.tambah)
        _table(pdf, "B. Usulan penghentian (keluarga diusulkan keluar/nonaktif)", HENTI_COLUMNS, sheet.henti)
        if _has_unknown_rt(sheet):
            _note(
                pdf,
                f"RT/RW {NO_RT}: keluarga yang diusulkan belum tercatat di DTKS sehingga RT-nya tidak diketahui; "
                "usulan ini diumumkan di semua RT.",
            )
    title = "C. Penerima bantuan sosial saat ini" if meta.musdes is not None else "Penerima bantuan sosial saat ini"
    _table(pdf, title, PENERIMA_COLUMNS, sheet.penerima)
    if meta.nama_disamarkan:
        _note(
            pdf,
            "Nama ditampilkan disamarkan untuk melindungi data pribadi (UU 27/2022); NIK dan alamat tidak diumumkan.",
        )
    _how_to_object(pdf, meta, sheet)


def _has_unknown_rt(sheet: RtSheet) -> bool:
    return any(
        not frame.empty and "rt_rw" in frame and (frame["rt_rw"].isna() | frame["rt_rw"].eq(NO_RT)).any()
        for frame in (sheet.tambah, sheet.henti)
    )


def _letterhead(pdf: _NoticePdf, meta: NoticeMeta, sheet: RtSheet) -> None:
    desa = f"{desa_word(meta.kode_desa)} {meta.nama_desa}"
    lines = [
        (f"PEMERINTAH {meta.nama_kabupaten.upper()}", 11),
        (f"KECAMATAN {meta.nama_kecamatan.upper()}", 11),
        (desa.upper(), 13),
    ]
    for text, size in lines:
        pdf.set_font("Helvetica", "B", size)
        pdf.cell(0, 5.6, pdf_text(text), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(0, 4.5, pdf_text(f"Provinsi {meta.nama_provinsi}"), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    y = pdf.get_y() + 1.5
    pdf.set_line_width(0.8)
    pdf.line(_MARGIN, y, pdf.w - _MARGIN, y)
    pdf.set_line_width(0.2)
    pdf.line(_MARGIN, y + 1.1, pdf.w - _MARGIN, y + 1.1)
    pdf.set_y(y + 4)
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 6.5, "PENGUMUMAN UJI PUBLIK", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 5, "DATA TERPADU KESEJAHTERAAN SOSIAL (DTKS/DTSEN)", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 7, pdf_text(rt_label(sheet.rt_rw)), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)
    for label, value in _facts(meta):
        pdf.set_font("Helvetica", "", 9)
        pdf.cell(42, 4.8, pdf_text(label))
        pdf.cell(4, 4.8, ":")
        _lines(pdf, pdf.get_x(), pdf.w - _MARGIN - pdf.get_x(), 4.8, pdf_text(value))
    pdf.ln(1.5)
    rapat = "musyawarah kelurahan" if is_kelurahan(meta.kode_desa) else "musyawarah desa"
    _paragraph(
        pdf,
        f"Diumumkan kepada seluruh warga {desa} hasil {rapat} tentang usulan perubahan DTKS dan daftar penerima "
        f"bantuan sosial di {rt_label(sheet.rt_rw)}. Warga dapat menyampaikan sanggahan apabila ada data yang "
        "tidak sesuai (lihat cara menyanggah di bagian akhir).",
    )


def _facts(meta: NoticeMeta) -> list[tuple[str, str]]:
    facts = [("Periode data", nama_periode(meta.periode))]
    rapat = meta.musdes
    if rapat is None:
        facts.append(("Musyawarah", "belum ada yang tercatat"))
        return facts
    nama_rapat = "Musyawarah kelurahan" if rapat.jenis == "muskel" else "Musyawarah desa"
    facts.append((nama_rapat, f"{tanggal(rapat.tanggal)}, berita acara nomor {rapat.nomor_berita_acara}"))
    facts.append(("Diumumkan", tanggal(rapat.diumumkan) if rapat.diumumkan else "belum diumumkan"))
    if rapat.diumumkan and rapat.sanggah_sampai:
        facts.append(("Masa sanggah", f"{tanggal(rapat.diumumkan)} s.d. {tanggal(rapat.sanggah_sampai)}"))
    return facts


def _paragraph(pdf: _NoticePdf, text: str, size: float = 9) -> None:
    pdf.set_font("Helvetica", "", size)
    _lines(pdf, _MARGIN, pdf.w - 2 * _MARGIN, 4.6, pdf_text(text))
    pdf.ln(1.5)


def _note(pdf: _NoticePdf, text: str) -> None:
    pdf.set_font("Helvetica", "I", 7.5)
    _lines(pdf, _MARGIN, pdf.w - 2 * _MARGIN, 3.8, pdf_text(text))
    pdf.ln(1.5)


def _wrapped(pdf: _NoticePdf, text: str, width: float) -> list[str]:
    """`text` broken into lines of `width` mm in the current font, worked out once per text, font and width (fpdf's
    multi_cell breaks lines character by character, and every sheet repeats the same paragraphs)."""
    key = (f"{pdf.font_style}{pdf.font_size_pt}/{width:.2f}", 0.0, text)
    if key not in pdf.line_cache:
        lines = pdf.multi_cell(width, 1, text, dry_run=True, output="LINES")
        # multi_cell hands back the text as the core font encodes it (Windows-1252 bytes read as Latin-1)
        pdf.line_cache[key] = [str(line).encode("latin-1").decode("cp1252") for line in lines]
    return pdf.line_cache[key]


def _lines(pdf: _NoticePdf, x: float, width: float, height: float, text: str) -> None:
    """`text` wrapped into `width` at x in the current font, one line every `height` mm from the current y, then
    the cursor at the left margin below it."""
    for line in _wrapped(pdf, text, width):
        if pdf.will_page_break(height):
            pdf.add_page()
        y = pdf.get_y()
        if pdf.totals is not None:  # the first pass only counts pages
            pdf.text(x + pdf.c_margin, _baseline(y, height, pdf.font_size_pt), line)
        pdf.set_y(y + height)
    pdf.set_x(pdf.l_margin)


def _baseline(y: float, height: float, size_pt: float) -> float:
    """Where text sits in a line box of `height` mm at y: the same place as in fpdf's own cells."""
    return y + 0.5 * height + 0.3 * size_pt * _EM


def _fit(pdf: _NoticePdf, text: str, width: float, size: float) -> tuple[str, float]:
    """`text` and a font size at which it fits `width` (shrinking down to _MIN_FONT, then cut with '...')."""
    room = width - 2 * pdf.c_margin
    if len(text) * size * _EM <= room:  # no Helvetica glyph is wider than 1 em: fits without measuring
        return text, size
    while size > _MIN_FONT and _width(pdf, text, size) > room:
        size -= 0.5
    while _width(pdf, text, size) > room and len(text) > 1:
        text = text[:-4] + "..."
    return text, size


def _width(pdf: _NoticePdf, text: str, size: float) -> float:
    """The width (mm) of `text` in the current font family and style at `size` pt, measured once per text."""
    key = (pdf.font_style, size, text)
    if key not in pdf.widths:
        pdf.set_font_size(size)
        pdf.widths[key] = pdf.get_string_width(text)
    return pdf.widths[key]


def _row(pdf: _NoticePdf, cells: Sequence[tuple[str, float, str]], height: float, style: str, size: float) -> None:
    """One table row at the current y: each (text, width, align) in a bordered box. Drawn with `text` and `rect`
    rather than `cell`, which is several times slower: a whole desa's notice has thousands of rows."""
    x, y = pdf.l_margin, pdf.get_y()
    if pdf.totals is None:  # the first pass only counts pages: a row's height is all that matters
        pdf.set_y(y + height)
        return
    pdf.set_font("Helvetica", style, size)
    for text, width, align in cells:
        fitted, fitted_size = _fit(pdf, text, width, size)
        pdf.set_font_size(fitted_size)
        pdf.rect(x, y, width, height, style="DF" if style == "B" else "D")
        if fitted:
            if align == "L":
                left = x + pdf.c_margin
            else:
                room = width - _width(pdf, fitted, fitted_size)
                left = x + (room / 2 if align == "C" else room - pdf.c_margin)
            pdf.text(left, _baseline(y, height, fitted_size), fitted)
        pdf.set_font_size(size)
        x += width
    pdf.set_y(y + height)


def _heading_row(pdf: _NoticePdf, columns: Sequence[tuple[str, float, str]]) -> None:
    pdf.set_fill_color(225, 225, 225)
    cells = [("No.", _NO_WIDTH, "C"), *((pdf_text(words.heading(key)), width, "C") for key, width, _a in columns)]
    _row(pdf, cells, _ROW + 0.6, "B", 8)


def _table(pdf: _NoticePdf, title: str, columns: Sequence[tuple[str, float, str]], rows: pd.DataFrame) -> None:
    """A titled list with numbered rows; the heading row repeats on every page the list runs onto."""
    count = len(rows)
    need = 7 + (_ROW + 0.6) + (_ROW if count else 5)  # the title with its heading row and first row together
    if pdf.will_page_break(need):
        pdf.add_page()
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 7, pdf_text(f"{title} ({count})"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if not count:
        pdf.set_font("Helvetica", "", 9)
        pdf.cell(0, 5, "Tidak ada.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
        return
    _heading_row(pdf, columns)
    keys = [key for key, _w, _a in columns]
    for number, values in enumerate(rows.reindex(columns=keys).itertuples(index=False), start=1):
        if pdf.will_page_break(_ROW):
            pdf.add_page()
            _heading_row(pdf, columns)
        cells = [(str(number), _NO_WIDTH, "R")]
        cells += [(_cell_text(value), width, align) for (_k, width, align), value in zip(columns, values, strict=True)]
        _row(pdf, cells, _ROW, "", _FONT)
    pdf.ln(3)


def _how_to_object(pdf: _NoticePdf, meta: NoticeMeta, sheet: RtSheet) -> None:
    """The steps to object (full width), then one block kept on one page: the two QR codes with their captions on
    the left, the signature block on the right, and the two addresses written out below."""
    daftar = list_url(meta.portal_url, meta.kode_desa, sheet.rt_rw)
    formulir = form_url(meta.portal_url, meta.kode_desa)
    steps = _steps(meta)
    width = pdf.w - 2 * _MARGIN
    pdf.set_font("Helvetica", "", 8.5)
    lines = sum(len(_wrapped(pdf, pdf_text(step), width - 5)) for step in steps)
    if pdf.will_page_break(7 + lines * 4.4):
        pdf.add_page()
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 7, "Cara menyampaikan sanggahan atau usul", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 8.5)
    for number, step in enumerate(steps, start=1):
        if pdf.totals is not None:  # the first pass only counts pages
            pdf.text(_MARGIN + pdf.c_margin, _baseline(pdf.get_y(), 4.4, pdf.font_size_pt), f"{number}.")
        _lines(pdf, _MARGIN + 5, width - 5, 4.4, pdf_text(step))
    block = 3 + max(_QR_SIZE + 4, _SIGNATURE) + 2 * 3.8 + 2
    if pdf.will_page_break(block):
        pdf.add_page()
    pdf.ln(3)
    top = pdf.get_y()
    for index, (url, caption) in enumerate(((daftar, "Daftar uji publik"), (formulir, "Formulir sanggahan/usul"))):
        x = _MARGIN + index * (_QR_SIZE + 8)
        if pdf.totals is not None:  # the first pass only counts pages
            draw_qr(pdf, url, x, top, _QR_SIZE)
        pdf.set_xy(x - 2, top + _QR_SIZE)
        pdf.set_font("Helvetica", "B", 7)
        pdf.cell(_QR_SIZE + 4, 3.4, caption, align="C")
    _signature(pdf, meta, top)
    pdf.set_y(top + max(_QR_SIZE + 4, _SIGNATURE) + 1)
    pdf.set_font("Helvetica", "", 7.5)
    for label, url in (("Daftar", daftar), ("Formulir", formulir)):
        pdf.cell(16, 3.8, f"{label}:")
        pdf.cell(0, 3.8, pdf_text(url), link=url, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _steps(meta: NoticeMeta) -> list[str]:
    kantor = f"kantor {desa_word(meta.kode_desa).lower()} {meta.nama_desa}"
    steps = [
        "Periksa daftar di atas. Sanggah jika ada keluarga yang tidak layak atau sudah mampu, sudah meninggal, "
        "pindah, tercatat ganda atau tidak dikenal di lingkungan; usulkan keluarga layak yang belum terdaftar.",
        "Secara daring: pindai kode QR Daftar uji publik di bawah (atau buka alamatnya), pilih nama lalu tekan "
        "Sanggah; untuk usul keluarga baru, pindai kode QR Formulir. Simpan kode tiket yang diberikan dan pantau "
        "di halaman Lacak Tiket.",
        f"Secara langsung: datang ke {kantor} pada hari dan jam kerja.",
    ]
    rapat = meta.musdes
    if rapat is not None and rapat.diumumkan and rapat.sanggah_sampai:
        steps.append(
            f"Sanggahan atas usulan hasil musyawarah disampaikan paling lambat {tanggal(rapat.sanggah_sampai)}."
        )
    steps.append("Setiap sanggahan diverifikasi paling lambat 14 hari.")
    return steps


@lru_cache(maxsize=256)
def qr_matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code's dark modules for `url`, without the quiet zone (segno, error correction M at least)."""
    code = segno.make(url, error="m", micro=False)
    return tuple(tuple(bool(v) for v in row) for row in code.matrix)


def draw_qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    """A QR code of `url` inside a `size` mm square at (x, y), quiet zone included: each run of dark modules in a
    row is one filled rectangle (vector, sharp at any print size)."""
    matrix = qr_matrix(url)
    quiet = 4
    module = size / (len(matrix) + 2 * quiet)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(x + (quiet + start) * module, y + (quiet + r) * module, (c - start) * module, module, style="F")


def _signature(pdf: _NoticePdf, meta: NoticeMeta, top: float) -> None:
    """Place and date, who signs, room for the signature and a line for the name, on the right from `top`."""
    x = pdf.w / 2 + 10
    width = pdf.w - _MARGIN - x
    dicetak = meta.dicetak.astimezone(WIB).date()
    pdf.set_y(top)
    pdf.set_font("Helvetica", "", 9.5)
    for text in (f"{meta.nama_desa}, {tanggal(dicetak)}", f"{head_title(meta.kode_desa)} {meta.nama_desa},"):
        pdf.set_x(x)
        pdf.cell(width, 5, pdf_text(text), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(top + _SIGNATURE - 9)
    pdf.set_x(x)
    pdf.cell(width, 5, "(" + "." * 48 + ")", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_x(x)
    pdf.set_font("Helvetica", "I", 7.5)
    pdf.cell(width, 4, "nama jelas, tanda tangan dan cap", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
