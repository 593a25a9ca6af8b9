"""Leaflet's files, from a pinned registry package, copied where Streamlit serves static files (see portal.maps)."""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
import os
import tempfile
from pathlib import Path
from typing import Any

ASSET_PACKAGE = "django-js-lib-leaflet"  # pinned in requirements.txt; ships Leaflet 1.9.4 (BSD-2-Clause)
_ASSET_MODULE = "js_lib_leaflet"
_ASSET_SUBDIR = ("static", "js_lib_leaflet")
ASSET_FILES: tuple[str, ...] = (
    "leaflet.js",
    "leaflet.css",
    "images/layers.png",
    "images/layers-2x.png",
    "images/marker-icon.png",
    "images/marker-icon-2x.png",
    "images/marker-shadow.png",
)
STATIC_SUBDIR = "leaflet"
DEFAULT_ASSETS_URL = "/app/static/leaflet"


class MapAssetsError(RuntimeError):
    """Leaflet's files could not be found or copied; the message says what to install or fix."""


def ensure_map_assets(app_dir: Path) -> Path:
    """Copy Leaflet's files into `<app_dir>/static/leaflet/` (served at /app/static/leaflet/); idempotent.

    Files already identical are left alone; changed or missing ones are replaced atomically, so a running
    portal never serves half a file. Returns the assets directory.
    """
    source = _asset_source()
    dest = Path(app_dir) / "static" / STATIC_SUBDIR
    try:
        for name in ASSET_FILES:
            data = (source / name).read_bytes()
            _write_if_changed(dest / name, data)
        license_text = _asset_license()
        if license_text:
            _write_if_changed(dest / "LICENSE.txt", license_text.encode("utf-8"))
    except FileNotFoundError as exc:
        raise MapAssetsError(f"{ASSET_PACKAGE} is installed but lacks {exc.filename}: reinstall it") from None
    except OSError as exc:
        raise MapAssetsError(f"cannot write Leaflet's files to {dest}: {exc.strerror or exc}") from None
    return dest


def asset_version() -> str | None:
    """Installed version of the asset package (None when it is missing)."""
    try:
        return importlib.metadata.version(ASSET_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return None


def assets_url_for(base_url_path: str = "") -> str:
    """The assets URL for a portal served under `server.baseUrlPath` (e.g. 'dtks' → '/dtks/app/static/leaflet')."""
    base = base_url_path.strip("/")
    return f"/{base}{DEFAULT_ASSETS_URL}" if base else DEFAULT_ASSETS_URL


def _asset_source() -> Any:
    try:
        root = importlib.resources.files(_ASSET_MODULE)
    except ModuleNotFoundError:
        raise MapAssetsError(
            f"Leaflet's files come from the PyPI package {ASSET_PACKAGE}, which is not installed: "
            "run `pip install -r requirements.txt`"
        ) from None
    return root.joinpath(*_ASSET_SUBDIR)


def _asset_license() -> str | None:
    try:
        files = importlib.metadata.files(ASSET_PACKAGE) or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in files:
        if entry.name.upper().startswith("LICENSE"):
            try:
                return entry.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return None
    return None


def _write_if_changed(path: Path, data: bytes) -> None:
    if (
        path.is_file()
        and path.stat().st_size == len(data)
        and hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(data).digest()
    ):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
