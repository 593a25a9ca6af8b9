"""Uploads from the Unggah Data page: the uploaded bytes become a temporary file for an ordinary ingest run in
the official's scope; progress and results are worded for the page (Bahasa Indonesia)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path

from portal import access
from portal.config import Settings
from portal.ingest.pipeline import IngestResult, Progress, ingest

UPLOAD_ROLES = ("pusat", "provinsi", "kabupaten")
FILE_TYPES = ["csv", "txt", "tsv", "gz", "xlsx"]
_UNSAFE = re.compile(r"[^A-Za-z0-9._ ()\-]")
PHASES = {
    "read": "Membaca dan memeriksa baris",
    "write": "Menyusun data per provinsi",
    "derive": "Menghitung rekap wilayah",
    "publish": "Menerbitkan periode",
}


def may_upload(scope: access.Scope) -> bool:
    """Whether an official's role may upload register data (pusat, provinsi, kabupaten)."""
    return isinstance(scope, access.Scope) and scope.role in UPLOAD_ROLES


def display_name(name: str) -> str:
    """The uploaded file's name as shown in reports: no directories, no odd characters, at most 100 characters."""
    base = Path(str(name).replace("\\", "/")).name
    cleaned = _UNSAFE.sub("_", base).strip() or "unggahan"
    return cleaned[:100]


def run_upload(
    name: str,
    content: bytes,
    periode: str,
    scope: access.Scope,
    settings: Settings,
    progress: Callable[[Progress], None] | None = None,
    dry_run: bool = False,
    allow_shrink: bool = False,
) -> IngestResult:
    """Ingest uploaded bytes as period `periode` within the official's scope (raises IngestError)."""
    shown = display_name(name)
    suffix = "".join(Path(shown).suffixes[-2:])[:12]
    settings.tmp_dir.mkdir(parents=True, exist_ok=True)
    path = settings.tmp_dir / f"unggah-{uuid.uuid4().hex}{suffix}"
    path.write_bytes(content)
    try:
        return ingest(
            [path],
            periode,
            settings,
            names=[shown],
            scope=scope,
            progress=progress,
            dry_run=dry_run,
            allow_shrink=allow_shrink,
        )
    finally:
        path.unlink(missing_ok=True)


def progress_text(event: Progress) -> str:
    """One line for the progress bar: phase, rows, rows per second and the time left when known."""
    text = f"{PHASES.get(event.phase, event.phase)}: {event.rows:,} baris".replace(",", ".")
    if event.phase == "read":
        text += f", {event.rate:,.0f} baris/detik".replace(",", ".")
        if event.eta_seconds is not None:
            text += f", sisa ±{event.eta_seconds:,.0f} detik".replace(",", ".")
    return text


def rejects_csv(result: IngestResult) -> bytes:
    """The rejected rows (canonical headers, SUMBER and ALASAN first) for download."""
    return result.rejects_path.read_bytes()


def audit_detail(periode: str, name: str, result: IngestResult | None, error: str | None = None) -> dict[str, object]:
    """What the audit log records about an upload (counts and the file's hash, never a NIK)."""
    detail: dict[str, object] = {"periode": periode, "berkas": display_name(name)}
    if result is not None:
        report = result.report
        files = report.get("berkas") or [{}]
        detail.update(
            {
                "sha256": files[0].get("sha256"),  # type: ignore[union-attr]
                "dibaca": report["baris_dibaca"],
                "diterima": report["diterima"],
                "ditolak": report["ditolak"],
                "generasi": result.manifest.generation if result.manifest else None,
            }
        )
    if error is not None:
        detail["gagal"] = error[:300]
    return detail
