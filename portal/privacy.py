"""What the public pages may show and accept: masked names, age bands, opaque row tokens, cleaned user text,
NIK-shaped input detection, the name search key, throttling and photo sanitising. Pure functions, no Streamlit.

DOMAIN.md ("What may be public") is the rule book: a public page shows a masked name, age or age band, desa,
RT/RW, programmes, status and period, never a NIK or No KK, and a public search must not act as an oracle.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import io
import operator
import os
import re
import secrets
import string
import threading
import time
import unicodedata
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from portal.names import canonical_name

if TYPE_CHECKING:
    from PIL import Image as PILImage

# ---------------------------------------------------------------------------------------------------------
# Names and ages
# ---------------------------------------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------------------------------------
# Opaque row tokens and the secret they are keyed with
# ---------------------------------------------------------------------------------------------------------
SECRET_ENV = "PORTAL_SECRET_KEY"
SECRET_FILE = "secret.key"
_MIN_SECRET_BYTES = 16
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{22}")
_TOKEN_DOMAIN = b"portal-dtks/row-token/v1"


def _token_message(periode: str, id_dtks: int) -> bytes:
    # Length-prefixed periode and a fixed-width id: no two (periode, id) pairs share a message.
    p = str(periode).encode()
    try:
        i = operator.index(id_dtks).to_bytes(8, "big", signed=True)
    except OverflowError as exc:
        raise ValueError(f"id_dtks out of range: {id_dtks}") from exc
    return _TOKEN_DOMAIN + len(p).to_bytes(4, "big") + p + i


def row_token(secret: bytes, periode: str, id_dtks: int) -> str:
    """An opaque, unguessable reference to one person in one period (HMAC-SHA256, 128 bits, base64url)."""
    digest = hmac.new(secret, _token_message(periode, id_dtks), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def find_row(secret: bytes, periode: str, token: str, candidate_ids: Iterable[int]) -> int | None:
    """The id among ``candidate_ids`` (the rows of one desa) whose token is ``token``, else None."""
    if not isinstance(token, str):
        return None
    token = token.strip()
    if not _TOKEN_RE.fullmatch(token):
        return None
    wanted = token.encode("ascii")
    for id_dtks in candidate_ids:
        if hmac.compare_digest(row_token(secret, periode, id_dtks).encode("ascii"), wanted):
            return operator.index(id_dtks)
    return None


def _decode_secret(value: str) -> bytes:
    value = value.strip()
    if re.fullmatch(r"(?:[0-9a-fA-F]{2})+", value):
        key = bytes.fromhex(value)
    else:
        try:
            padded = value + "=" * (-len(value) % 4)
            key = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"{SECRET_ENV} must be hex or base64") from exc
    if len(key) < _MIN_SECRET_BYTES:
        raise ValueError(f"{SECRET_ENV} is too short: at least {_MIN_SECRET_BYTES} bytes (32 recommended)")
    return key


def _read_secret_file(path: Path) -> bytes | None:
    """The key in ``path``, None while the file is missing or still being written (fallback path only)."""
    try:
        text = path.read_text("ascii").strip()
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not a hex key; delete it to generate a new one") from exc
    if text == "":
        return None
    if not re.fullmatch(r"[0-9a-fA-F]{64}", text):
        raise ValueError(f"{path} is not a 32-byte hex key; delete it to generate a new one")
    return bytes.fromhex(text)


def _write_new(path: Path, payload: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
        os.write(fd, payload)
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _create_secret_file(path: Path) -> bytes:
    """Create ``path`` with a fresh key, or read the key a concurrent creator published first."""
    key = secrets.token_bytes(32)
    payload = (key.hex() + "\n").encode("ascii")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}.tmp")
    _write_new(tmp, payload)
    try:
        # link() publishes the complete file under its final name, or fails if someone else did first.
        os.link(tmp, path)
    except FileExistsError:
        return _wait_for_secret(path)
    except OSError:
        # A filesystem without hard links: O_EXCL on the final name; a loser waits for the winner's bytes.
        try:
            _write_new(path, payload)
        except FileExistsError:
            return _wait_for_secret(path)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(path.parent)
    return key


def _wait_for_secret(path: Path, timeout: float = 5.0) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        key = _read_secret_file(path)
        if key is not None:
            return key
        if time.monotonic() > deadline:
            raise ValueError(f"{path} stayed empty; delete it to generate a new one")
        time.sleep(0.01)


def load_secret(data_dir: Path) -> bytes:
    """The row-token key: ``PORTAL_SECRET_KEY`` (hex or base64), else ``data_dir/secret.key`` (made once, 0600)."""
    env = os.environ.get(SECRET_ENV, "").strip()
    if env:
        return _decode_secret(env)
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SECRET_FILE
    key = _read_secret_file(path)
    if key is not None:
        return key
    if path.exists():  # present but empty: a fallback-path writer is mid-way
        return _wait_for_secret(path)
    return _create_secret_file(path)


# ---------------------------------------------------------------------------------------------------------
# User text
# ---------------------------------------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------------------------------------
# Search input
# ---------------------------------------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------------------------------------
# Throttling
# ---------------------------------------------------------------------------------------------------------
_LIMIT_RE = re.compile(r"\s*(\d+)\s*/\s*(\d+(?:\.\d*)?|\.\d+)\s*")


def parse_limit(text: str) -> tuple[int, float]:
    """Parse a rate limit "COUNT/SECONDS" ("20/600": 20 requests per 10 minutes)."""
    m = _LIMIT_RE.fullmatch(str(text))
    if not m:
        raise ValueError(f"invalid rate limit {text!r}: expected COUNT/SECONDS, e.g. '20/600'")
    limit, window = int(m.group(1)), float(m.group(2))
    if limit < 1 or window <= 0:
        raise ValueError(f"invalid rate limit {text!r}: count must be ≥ 1 and seconds > 0")
    return limit, window


class Throttle:
    """Thread-safe sliding-window rate limiter: at most ``limit`` hits per key in any ``window_seconds``."""

    def __init__(
        self,
        limit: int,
        window_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        if limit < 1 or window_seconds <= 0 or max_keys < 1:
            raise ValueError("limit, window_seconds and max_keys must be positive")
        self.limit = int(limit)
        self.window = float(window_seconds)
        self.max_keys = int(max_keys)
        self._clock = clock
        self._lock = threading.Lock()
        # key -> times of accepted hits; ordered by last hit, so the front holds the longest-idle keys.
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    @staticmethod
    def _key(key: str) -> str:
        key = str(key)
        return key if len(key) <= 128 else hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()

    def _expire(self, now: float) -> None:
        horizon = now - self.window
        while self._hits:
            first = next(iter(self._hits.values()))
            if first and first[-1] > horizon:
                break
            self._hits.popitem(last=False)

    def _recent(self, key: str, now: float) -> deque[float] | None:
        hits = self._hits.get(key)
        if hits is not None:
            horizon = now - self.window
            while hits and hits[0] <= horizon:
                hits.popleft()
        return hits

    def hit(self, key: str) -> bool:
        """Count one request for ``key``; False (and not counted) when the key is over its limit."""
        key = self._key(key)
        with self._lock:
            now = self._clock()
            self._expire(now)
            hits = self._recent(key, now)
            if hits is not None and len(hits) >= self.limit:
                return False
            if hits is None:
                hits = self._hits[key] = deque(maxlen=self.limit)
            hits.append(now)
            self._hits.move_to_end(key)
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
            return True

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` may hit again (0.0 when it may now)."""
        key = self._key(key)
        with self._lock:
            now = self._clock()
            hits = self._recent(key, now)
            if hits is None or len(hits) < self.limit:
                return 0.0
            return max(0.0, hits[0] + self.window - now)

    def __len__(self) -> int:
        with self._lock:
            return len(self._hits)


# ---------------------------------------------------------------------------------------------------------
# Photos
# ---------------------------------------------------------------------------------------------------------
MAX_PHOTO_PIXELS = 40_000_000
PHOTO_TYPES = ("JPEG", "PNG", "WebP")


class PhotoRejected(ValueError):
    """An uploaded photo that is refused; ``str(exc)`` is an Indonesian message for the page."""


def _sniff(data: bytes) -> str | None:
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _flatten(img: PILImage.Image) -> PILImage.Image:
    """An RGB copy with transparency composited on white and no metadata carried over."""
    from PIL import Image

    if img.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):
        img = img.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if img.mode == "P" and "transparency" in img.info:
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        base = Image.new("RGB", rgba.size, (255, 255, 255))
        base.paste(rgba, mask=rgba.getchannel("A"))
        img = base
    rgb = img.convert("RGB")
    # A fresh image: no info dict (exif, xmp, icc_profile, comment, dpi...) can reach the encoder.
    return Image.frombytes("RGB", rgb.size, rgb.tobytes())


def sanitize_photo(data: bytes, max_bytes: int = 5_000_000, max_side: int = 1600) -> tuple[bytes, str]:
    """Re-encode an uploaded JPEG/PNG/WebP as a metadata-free JPEG, upright, longer side ≤ ``max_side``."""
    from PIL import Image, ImageOps

    if not isinstance(data, bytes | bytearray | memoryview):
        raise PhotoRejected("Berkas foto tidak valid.")
    data = bytes(data)
    if not data:
        raise PhotoRejected("Berkas foto kosong.")
    if len(data) > max_bytes:
        raise PhotoRejected(f"Foto terlalu besar: paling besar {max_bytes / 1_000_000:g} MB.")
    kind = _sniff(data)
    if kind is None:
        raise PhotoRejected("Hanya foto berformat JPEG, PNG, atau WebP yang dapat diterima.")
    too_big = f"Ukuran gambar terlalu besar (lebih dari {MAX_PHOTO_PIXELS // 1_000_000} megapiksel)."
    try:
        try:
            img = Image.open(io.BytesIO(data), formats=[kind])
        except Image.DecompressionBombError as exc:  # Pillow's own, higher limit
            raise PhotoRejected(too_big) from exc
        width, height = img.size
        if width < 1 or height < 1 or width * height > MAX_PHOTO_PIXELS:
            raise PhotoRejected(too_big)
        if kind == "JPEG":
            img.draft("RGB", (max_side, max_side))  # decode at a reduced DCT scale when it is much larger
        img.load()
        with contextlib.suppress(Exception):  # a malformed EXIF block only costs the rotation
            img = ImageOps.exif_transpose(img)
        clean = _flatten(img)
        clean.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        clean.save(out, "JPEG", quality=85, optimize=True)
    except PhotoRejected:
        raise
    except Exception as exc:  # untrusted bytes: any decoder failure is a refusal, never a traceback
        raise PhotoRejected("Foto tidak dapat dibaca; berkas mungkin rusak. Silakan pilih foto lain.") from exc
    return out.getvalue(), "image/jpeg"


__all__ = [
    "AGE_BANDS",
    "MAX_NAME_CHARS",
    "MAX_PHOTO_PIXELS",
    "NAME_POLICIES",
    "NIK_REFUSED",
    "SECRET_ENV",
    "PhotoRejected",
    "Throttle",
    "age_band",
    "clean_text",
    "escape_markdown",
    "find_row",
    "load_secret",
    "looks_like_nik",
    "mask_name",
    "parse_limit",
    "row_token",
    "sanitize_photo",
    "search_key",
]
