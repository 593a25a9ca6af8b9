"""What a public name search accepts: NIK- or No KK-shaped input is refused and never looked up; a name becomes
its spelling-tolerant search key (portal.names)."""

from __future__ import annotations

import re
import unicodedata

from portal.names import canonical_name

NIK_REFUSED = "Pencarian publik tidak pernah menerima NIK atau nomor KK. Cari dengan nama saja."
# 15 or more digits, possibly split by up to three spaces, dots, dashes or slashes between digits.
_NIK_LIKE = re.compile(r"\d(?:[\s.\-/]{0,3}\d){14,}")
MAX_NAME_CHARS = 100  # a search key is never built from more; bounds the cache of canonical_name


def looks_like_nik(text: str) -> bool:
    """True if the text holds a NIK or No KK (a run of 15+ digits, spaces/dots/dashes allowed between)."""
    return bool(_NIK_LIKE.search(unicodedata.normalize("NFKC", str(text))))


def search_key(text: str) -> str | None:
    """The spelling-tolerant search key of a typed name; None when it has fewer than 3 letters."""
    text = str(text)[:MAX_NAME_CHARS]
    typed = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    if sum(ch.isalpha() for ch in typed) < 3:
        return None  # "M." alone would otherwise become MUHAMMAD
    key = canonical_name(text)
    if sum(ch.isalpha() for ch in key) < 3:
        return None
    return key
