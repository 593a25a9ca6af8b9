"""The ingest report: counts per reason and per kab/kota, examples with masked NIK, changes against the previous
period. Written as JSON and CSV next to the snapshot and printed by the CLI. Deterministic (no clock, no
absolute path), because it is part of the generation's content hash."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from portal.ingest.reasons import REJECTS, WARNINGS, describe

JSON_NAME = "laporan.json"
CSV_NAME = "laporan.csv"
REJECTS_NAME = "tolak.csv"
WARNINGS_NAME = "peringatan.csv"
CHANGES = ("keluarga_ditambah", "keluarga_dihapus", "individu_ditambah", "individu_dihapus")


def per_region(
    accepted: dict[str, int],
    rejected: dict[str, int],
    warnings: dict[str, int],
    changes: dict[tuple[str, str], int],
    names: dict[str, str],
) -> list[dict[str, object]]:
    """One entry per kab/kota ('' = rows that could not be placed): accepted, rejected, warnings, changes."""
    codes = sorted(set(accepted) | set(rejected) | set(warnings) | {k for k, _ in changes})
    out = []
    for code in codes:
        entry: dict[str, object] = {
            "kode_kab": code,
            "nama_kab": names.get(code, "(tanpa wilayah)" if code == "" else "(tidak dikenal)"),
            "diterima": accepted.get(code, 0),
            "ditolak": rejected.get(code, 0),
            "peringatan": warnings.get(code, 0),
        }
        for what in CHANGES:
            entry[what] = changes.get((code, what), 0)
        out.append(entry)
    return out


def build_report(
    *,
    periode: str,
    periode_lalu: str | None,
    files: list[dict[str, object]],
    read: int,
    accepted: int,
    rejected: int,
    reject_counts: Counter,
    warning_counts: Counter,
    regions: list[dict[str, object]],
    examples: dict[str, list[dict[str, str]]],
    changes: dict[str, int] | None,
    families: int,
    derived_ids: int,
    scope: dict[str, str],
    summary_rows: int = 0,
    carried: dict[str, int],
) -> dict[str, object]:
    """The report as a JSON-ready dict (keys in the register's vocabulary)."""
    return {
        "periode": periode,
        "periode_lalu": periode_lalu,
        "lingkup": scope,
        "berkas": files,
        "baris_dibaca": read,
        "diterima": accepted,
        "ditolak": rejected,
        "seimbang": accepted + rejected == read,
        "baris_ringkasan_dilewati": summary_rows,
        "keluarga": families,
        "id_dtks_turunan": derived_ids,
        "dibawa_dari_periode_ada": carried,
        "tolak": dict(sorted(reject_counts.items())),
        "peringatan": dict(sorted(warning_counts.items())),
        "per_wilayah": regions,
        "contoh": {k: examples[k] for k in sorted(examples)},
        "perubahan": changes,
    }


def write_report(report: dict[str, object], directory: Path) -> None:
    """laporan.json and laporan.csv (code, kind, kab/kota, rows) in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    (directory / JSON_NAME).write_text(text + "\n", encoding="utf-8")
    with (directory / CSV_NAME).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["bagian", "kode", "kode_kab", "jumlah"])
        for key in ("baris_dibaca", "diterima", "ditolak", "keluarga"):
            writer.writerow(["jumlah", key, "", report[key]])
        for entry in report["per_wilayah"]:  # type: ignore[union-attr]
            for key in ("diterima", "ditolak", "peringatan", *CHANGES):
                writer.writerow(["wilayah", key, entry["kode_kab"], entry[key]])
        for section in ("tolak", "peringatan"):
            for code, count in report[section].items():  # type: ignore[union-attr]
                writer.writerow([section, code, "", count])


def format_report(report: dict[str, object]) -> str:
    """The report as English text for the terminal (NIK masked, codes explained)."""
    lines = [
        f"Ingest report for period {report['periode']}"
        + (f" (previous period {report['periode_lalu']})" if report["periode_lalu"] else " (no previous period)"),
    ]
    for entry in report["berkas"]:  # type: ignore[union-attr]
        lines.append(f"  file {entry['nama']}: {entry['baris_dibaca']:,} rows read " + _file_details(entry))
    balance = "yes" if report["seimbang"] else "NO"
    lines.append(
        f"Rows read {report['baris_dibaca']:,} = accepted {report['diterima']:,} + rejected {report['ditolak']:,}"
        f" (balanced: {balance}); families {report['keluarga']:,}"
    )
    if report.get("baris_ringkasan_dilewati"):
        lines.append(
            f"  {report['baris_ringkasan_dilewati']:,} summary or footer rows (JUMLAH, TOTAL, notes) skipped:"
            " not people, not counted as read"
        )
    if report["id_dtks_turunan"]:
        lines.append(f"  ID_DTKS derived for {report['id_dtks_turunan']:,} rows (the file has none)")
    for title, section in (("Rejected rows by reason", "tolak"), ("Warnings (rows kept)", "peringatan")):
        counts = report[section]
        if counts:
            lines.append(f"{title}:")
            for code, count in counts.items():  # type: ignore[union-attr]
                lines.append(f"  {code:32s} {count:>10,}  {describe(code)}")
    lines.extend(f"  {line}" for line in column_notes(report, "en"))
    examples = report["contoh"]
    if examples:
        lines.append("Examples (source:line, masked NIK):")
        for code, rows in examples.items():  # type: ignore[union-attr]
            shown = ", ".join(f"{r['sumber']} {r['nik']}".strip() for r in rows[:3])
            lines.append(f"  {code}: {shown}")
    regions = report["per_wilayah"]
    if regions:
        lines.append("By kab/kota (accepted / rejected / warnings):")
        for entry in sorted(regions, key=lambda e: -int(e["diterima"]) - int(e["ditolak"]))[:15]:  # type: ignore[arg-type]
            lines.append(
                f"  {entry['kode_kab'] or '----'} {str(entry['nama_kab'])[:32]:32s} {entry['diterima']:>10,}"
                f" {entry['ditolak']:>10,} {entry['peringatan']:>10,}"
            )
        if len(regions) > 15:  # type: ignore[arg-type]
            lines.append(f"  ... and {len(regions) - 15} more in laporan.csv")  # type: ignore[arg-type]
    changes = report["perubahan"]
    if changes:
        lines.append(
            "Against the previous period: families +{keluarga_ditambah:,} -{keluarga_dihapus:,}, "
            "individuals +{individu_ditambah:,} -{individu_dihapus:,}".format(**changes)  # type: ignore[arg-type]
        )
    return "\n".join(lines)


def _file_details(entry: dict[str, object]) -> str:
    parts = [str(entry.get("format", ""))]
    for key, label in (("encoding", "encoding"), ("delimiter", "delimiter"), ("sheet", "sheet")):
        if entry.get(key):
            parts.append(f"{label} {entry[key]!r}")
    if entry.get("kolom_wajib_hilang"):
        parts.append(f"MISSING required columns {', '.join(entry['kolom_wajib_hilang'])}")  # type: ignore[arg-type]
    if entry.get("baris_ringkasan_dilewati"):
        parts.append(f"{entry['baris_ringkasan_dilewati']:,} summary/footer rows skipped")
    if entry.get("kolom_tidak_dikenal"):
        parts.append(f"{len(entry['kolom_tidak_dikenal'])} unknown column(s) ignored")  # type: ignore[arg-type]
    return "(" + ", ".join(p for p in parts if p) + ")"


def reason_table(report: dict[str, object], language: str = "id") -> list[dict[str, object]]:
    """Rows for a table of reasons: kind, code, rows, description."""
    out = []
    for section, kind in (("tolak", "tolak"), ("peringatan", "peringatan")):
        for code, count in report[section].items():  # type: ignore[union-attr]
            out.append({"jenis": kind, "kode": code, "baris": count, "keterangan": describe(code, language)})
    return out


KNOWN_CODES = frozenset(REJECTS) | frozenset(WARNINGS)


def column_notes(report: dict[str, object], language: str = "id") -> list[str]:
    """One line per unknown column (with the column it looks like, or how to map it) and per file's ignored
    columns, in English ('en') or Bahasa Indonesia ('id')."""
    lines = []
    for entry in report["berkas"]:  # type: ignore[union-attr]
        name = entry["nama"]
        for header, like in (entry.get("kolom_tidak_dikenal_mirip") or {}).items():
            if language == "en" and like:
                hint = f"looks like {like}: if it is, add it under [kolom] {like} in a --kolom file (docs/INGEST.md)"
            elif language == "en":
                hint = "not a register column, ignored (if it is one, map it with --kolom; see docs/INGEST.md)"
            elif like:
                hint = f"mirip {like}: bila memang itu, tambahkan ejaannya di [kolom] {like} pada berkas --kolom"
            else:
                hint = "bukan kolom register, diabaikan (bila memang kolom register, petakan dengan --kolom)"
            lines.append(
                f"{'unknown column' if language == 'en' else 'kolom tidak dikenal'} {header!r} ({name}): {hint}"
            )
        if entry.get("kolom_diabaikan"):
            ignored = ", ".join(entry["kolom_diabaikan"])
            label = (
                "columns the register does not keep, ignored"
                if language == "en"
                else "kolom yang tidak disimpan register, diabaikan"
            )
            lines.append(f"{label} ({name}): {ignored}")
    return lines
