"""Names and ages as a public page may show them: a masked name (by the portal's name policy) and an age band."""

from __future__ import annotations

import unicodedata

NAME_POLICIES = ("masked", "initials", "full")
_NAME_APOSTROPHES = str.maketrans("", "", "'`\u2019\u2018\u00b4")
_NAME_PUNCT_KEPT = frozenset(".,-/")


def _name_tokens(name: str) -> list[str]:
    """Letter runs (words) and kept separators ('.', ',', '-', '/', ' '); digits and other symbols dropped.

    Apostrophes join (MA'RUF is one word); combining marks stay with their letter; spaces are collapsed.
    """
    text = unicodedata.normalize("NFC", name).upper().translate(_NAME_APOSTROPHES)
    tokens: list[str] = []
    run: list[str] = []
    for ch in text:
        if ch.isalpha() or (run and unicodedata.category(ch)[0] == "M"):
            run.append(ch)
            continue
        if run:
            tokens.append("".join(run))
            run = []
        sep = " " if ch.isspace() else ch if ch in _NAME_PUNCT_KEPT else None
        if sep is not None and not (sep == " " and (not tokens or tokens[-1] == " ")):
            tokens.append(sep)
    if run:
        tokens.append("".join(run))
    while tokens and tokens[-1] == " ":
        tokens.pop()
    return tokens


def _mask_word(word: str) -> str:
    if len(word) <= 2:
        return word[0] + "*"
    return word[0] + "*" * (len(word) - 2) + word[-1]


def mask_name(name: str, policy: str = "masked") -> str:
    """A name as a public page may show it: "masked" (W******N L*****I), "initials" (W. L.) or "full"."""
    if not isinstance(name, str):
        return ""  # a missing name (None, NaN) is shown as nothing, never as "N**E"
    policy = str(policy).strip().lower()
    if policy == "full":
        text = unicodedata.normalize("NFC", name).upper()
        kept = "".join(ch for ch in text if unicodedata.category(ch)[0] not in "NC" or ch.isspace())
        return " ".join(kept.split())
    tokens = _name_tokens(name)
    if policy == "initials":
        return " ".join(f"{tok[0]}." for tok in tokens if tok[0].isalpha())
    return "".join(_mask_word(tok) if tok[0].isalpha() else tok for tok in tokens)  # unknown policy -> masked


AGE_BANDS = ("0–4", "5–14", "15–24", "25–34", "35–44", "45–54", "55–64", "65+")
_BAND_STARTS = (0, 5, 15, 25, 35, 45, 55, 65)


def age_band(age: int) -> str:
    """The age band of an age in whole years ("0–4", "5–14", ten-year bands, "65+")."""
    age = int(age)
    if age < 0:
        raise ValueError(f"age must not be negative: {age}")
    for start, label in zip(reversed(_BAND_STARTS), reversed(AGE_BANDS), strict=True):
        if age >= start:
            return label
    raise AssertionError("unreachable")
