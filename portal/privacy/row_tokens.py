"""Opaque row tokens, bound to a period, that let a public page refer to a register row without showing its id, and
the secret they are keyed with (from PORTAL_SECRET_KEY, else generated once into the data directory)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import operator
import os
import re
import secrets
import time
from collections.abc import Iterable
from pathlib import Path

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
