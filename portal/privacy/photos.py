"""Photos attached to objections and proposals: only JPEG, PNG or WebP, bounded in size, re-encoded as JPEG with
every piece of metadata stripped."""

from __future__ import annotations

import contextlib
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image as PILImage

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
