"""Ingest of SIKS-NG / DTSEN export files into a validated, published period (docs/INGEST.md).

Modules along the seams: `reading` (files → text rows), `headers` (header spellings), `normalise` (text → values),
`regions` (codes and names → desa codes), `validate` (row checks), `pipeline` (the run), `publish` (the new
generation), `report` (counts, examples, changes) and `export` (a published period back to a file).
"""

from portal.ingest.export import ExportError, ExportResult, export_period
from portal.ingest.pipeline import IngestError, IngestResult, Progress, check_periode, ingest
from portal.ingest.reasons import REJECTS, WARNINGS, describe

__all__ = [
    "REJECTS",
    "WARNINGS",
    "ExportError",
    "ExportResult",
    "IngestError",
    "IngestResult",
    "Progress",
    "check_periode",
    "describe",
    "export_period",
    "ingest",
]
