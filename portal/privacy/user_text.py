"""Text people type on public pages: cleaned of control and invisible characters, cut without splitting a
character, and escaped before it is shown as Markdown."""

from __future__ import annotations

import string
import unicodedata

# Kept format characters: ZWNJ (Persian/Indic orthography) and ZWJ (emoji sequences, Indic scripts).
_KEEP_FORMAT = frozenset("\u200c\u200d")
_ZWJ = "\u200d"
_MAX_BACKOFF = 32  # truncation backs off at most this far to avoid splitting a grapheme cluster


def _dropped(ch: str) -> bool:
    if ch in "\n\t":
        return False
    cat = unicodedata.category(ch)
    # Cc: C0, DEL, C1; Cs: lone surrogates (unencodable); Cf: bidi overrides/isolates/marks, ZWSP, BOM, tags...
    return cat in ("Cc", "Cs") or (cat == "Cf" and ch not in _KEEP_FORMAT)


def _is_regional(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"


def _joins(s: str, cut: int) -> bool:
    """Whether s[cut - 1] and s[cut] belong to one grapheme cluster (a practical subset of UAX #29)."""
    prev, nxt = s[cut - 1], s[cut]
    if prev == _ZWJ or nxt == _ZWJ:
        return True
    if unicodedata.category(nxt) in ("Mn", "Mc", "Me") or "\U0001f3fb" <= nxt <= "\U0001f3ff":
        return True
    if _is_regional(prev) and _is_regional(nxt):
        run = 0
        while cut - 1 - run >= 0 and _is_regional(s[cut - 1 - run]):
            run += 1
        return run % 2 == 1
    return False


def _truncate(s: str, max_len: int) -> str:
    if len(s) <= max_len:
        return s
    cut = max_len
    for _ in range(_MAX_BACKOFF):
        if cut <= 0 or not _joins(s, cut):
            break
        cut -= 1
    else:
        cut = max_len  # one enormous cluster (e.g. stacked combining marks): hard cut
    return s[:cut]


def clean_text(text: str, max_len: int) -> str:
    """User text made safe to store: NFC, no control/bidi/invisible format characters, stripped, ≤ max_len chars."""
    if max_len < 0:
        raise ValueError("max_len must not be negative")
    if text is None:
        return ""
    s = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    if not s.isascii() or any((ch < " " and ch not in "\n\t") or ch == "\x7f" for ch in s):
        s = "".join(ch for ch in s if not _dropped(ch))
    s = unicodedata.normalize("NFC", s)  # after dropping, so a removed character cannot block composition
    return _truncate(s.strip(), max_len).rstrip()


_MD_SPECIAL = frozenset(string.punctuation)


def _escape_md_line(line: str) -> str:
    body = line.lstrip(" \t")
    indent = line[: len(line) - len(body)]
    # Leading blanks would make an indented code block; no-break spaces keep the look without the meaning.
    indent = indent.replace("\t", "\u00a0" * 4).replace(" ", "\u00a0")
    return indent + "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in body)


def escape_markdown(text: str) -> str:
    """User text that ``st.markdown`` shows literally: no links, images, HTML, emphasis, headings or lists.

    Every ASCII punctuation character is backslash-escaped (CommonMark allows that for all of them), which also
    breaks ``javascript:`` and other schemes, Streamlit's ``:red[...]`` directives and ``$...$`` math. Line
    breaks are kept as hard breaks. Escape once, at render time; prefer ``st.text`` where possible.
    """
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "  \n".join(_escape_md_line(line) for line in lines)
