"""The desa notice-board sheet (A4) of a musdes's lists: a self-contained HTML file, every value escaped."""

from __future__ import annotations

import html

import pandas as pd

_CSS = """
@page { size: A4; margin: 15mm; }
body { font-family: sans-serif; font-size: 10pt; color: #000; }
h1 { font-size: 14pt; margin: 0 0 4pt; } h2 { font-size: 12pt; margin: 12pt 0 4pt; }
table { border-collapse: collapse; width: 100%; page-break-inside: auto; }
th, td { border: 0.5pt solid #444; padding: 2pt 4pt; text-align: left; }
tr { page-break-inside: avoid; } .meta { margin: 0 0 8pt; }
"""


def _table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "<p>Tidak ada.</p>"
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def notice_sheet(title: str, meta: list[str], sections: list[tuple[str, pd.DataFrame]]) -> str:
    """An A4 page: a title, lines of meeting details, then one table per section."""
    body = [f"<h1>{html.escape(title)}</h1>"]
    body += [f'<p class="meta">{html.escape(line)}</p>' for line in meta]
    for heading, frame in sections:
        body.append(f"<h2>{html.escape(heading)}</h2>{_table(frame)}")
    return (
        '<!doctype html><html lang="id"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>{''.join(body)}</body></html>"
    )
