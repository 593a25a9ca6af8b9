"""Where the figures on a page come from, in one line set shown on every page (portal.ui.provenance_footer):
period, register generation, source (synthetic, or the ingested files with the publication date), the name
masking tier of public pages and the suppression rule of public aggregates. Pure."""

from __future__ import annotations

from portal.fmt import nama_periode, tanggal_teks
from portal.snapshot import Manifest

MASKING = {
    "masked": "nama disamarkan (contoh: W****N L***I)",
    "initials": "nama ditampilkan sebagai inisial",
    "full": "nama ditampilkan lengkap",
}


def source_of(manifest: Manifest, periode: str) -> str:
    """The source of one period in words: synthetic, or the ingested files' names and the publication date."""
    published = tanggal_teks(manifest.published_at)
    kind = manifest.details.get("sumber_periode", {}).get(periode, manifest.source)
    if kind == "demo":
        return "data sintetis (demo), bukan data pribadi warga"
    files = manifest.details.get("ingest", {}).get(periode, {}).get("berkas", [])
    names = ", ".join(str(f.get("nama", "")) for f in files if isinstance(f, dict)) if isinstance(files, list) else ""
    return f"{kind}: {names or 'berkas impor'}, diterbitkan {published}"


def provenance_lines(
    manifest: Manifest | None, periode: str | None, name_policy: str, threshold: int = 10
) -> list[str]:
    """The footer's lines (Bahasa Indonesia); without a register, says so."""
    if manifest is None or not manifest.periods:
        return ["Asal data: register belum tersedia."]
    chosen = periode if periode in manifest.periods else manifest.latest
    return [
        f"Periode: {nama_periode(chosen)} · generasi register {manifest.generation}",
        f"Sumber: {source_of(manifest, chosen)}",
        f"Penyamaran: {MASKING.get(name_policy, MASKING['masked'])}",
        f"Statistik publik: angka di bawah {threshold} dan komplemennya disembunyikan (•)",
    ]


def provenance_pairs(manifest: Manifest, periode: str, name_policy: str, threshold: int = 10) -> list[tuple[str, str]]:
    """The same facts as (label, value) rows for the header block of an export (portal.export.header_block)."""
    return [
        ("Generasi register", manifest.generation),
        ("Sumber", source_of(manifest, periode)),
        ("Penyamaran nama", MASKING.get(name_policy, MASKING["masked"])),
        ("Aturan penyembunyian", f"angka di bawah {threshold} dan komplemennya disembunyikan (kosong)"),
    ]
