"""One frozen Settings object, read from the environment, then `.streamlit/secrets.toml`, then defaults."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
# The reference set ships beside the repository in development and CI (../shared/data); a deployment
# points PORTAL_GEO_DIR / PORTAL_REF_DIR at its own copy instead.
_SIBLING_SHARED = REPO_DIR.parent / "shared" / "data"


@dataclass(frozen=True)
class Settings:
    """Where the portal reads and writes, and how hard DuckDB may work."""

    data_dir: Path
    geo_source_dir: Path | None
    ref_dir: Path | None
    db_url: str
    duckdb_threads: int
    duckdb_memory_limit: str
    name_display: str
    base_tiles: str
    search_limit: str = "30/600"
    search_limit_address: str = "300/600"
    ticket_limit: str = "10/600"
    api_limit: str = "120/60"
    # Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated); empty: none.
    trusted_proxies: str = ""
    # An official's session ends after this long without activity; a citizen's search results are cleared.
    staff_idle_seconds: int = 1800
    public_idle_seconds: int = 600
    build_workers: int = 1  # processes generating provinces at once in `python -m portal demo`
    build_memory_limit: str = "2GB"  # DuckDB's memory limit when building derived tables and ingesting
    # The portal's address as the public reaches it (printed notices link and QR-code to it); empty: the address
    # the page was opened at.
    public_url: str = ""

    @property
    def register_dir(self) -> Path:
        """The published register (manifest + generations of Parquet files)."""
        return self.data_dir / "register"

    @property
    def geo_dir(self) -> Path:
        """Boundaries imported into the portal's own GeoParquet."""
        return self.data_dir / "geo"

    def for_builds(self) -> Settings:
        """The same settings with DuckDB limited to the build memory (PORTAL_BUILD_MEMORY): builds sort and group
        the nation out of core, spilling to tmp_dir, so their memory does not grow with the register."""
        return dataclasses.replace(self, duckdb_memory_limit=self.build_memory_limit)

    @property
    def tmp_dir(self) -> Path:
        """Spill directory for DuckDB and staging area for builds."""
        return self.data_dir / "tmp"


def _secrets() -> dict[str, object]:
    path = REPO_DIR / ".streamlit" / "secrets.toml"
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def _lookup(name: str, secrets: dict[str, object], default: str | None) -> str | None:
    value = os.environ.get(name)
    if value is None:
        value = secrets.get(name)  # type: ignore[assignment]
    if value is None or str(value).strip() == "":
        return default
    return str(value).strip()


def _optional_dir(name: str, secrets: dict[str, object], sibling: Path) -> Path | None:
    value = _lookup(name, secrets, None)
    if value is not None:
        return Path(value).expanduser().resolve()
    return sibling if sibling.is_dir() else None


def _whole_setting(name: str, secrets: dict[str, object], default: str) -> int:
    value = _lookup(name, secrets, default) or default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {value[:40]!r}") from None


def _seconds(name: str, secrets: dict[str, object], default: str) -> int:
    value = _whole_setting(name, secrets, default)
    if not 1 <= value <= 7 * 24 * 3600:
        raise ValueError(f"{name} must be between 1 and 604800 seconds, got {value}")
    return value


def load_settings() -> Settings:
    """Read settings fresh from the environment (use `get_settings` for the cached copy)."""
    secrets = _secrets()
    data_dir = Path(_lookup("PORTAL_DATA_DIR", secrets, str(REPO_DIR / "data"))).expanduser().resolve()
    return Settings(
        data_dir=data_dir,
        geo_source_dir=_optional_dir("PORTAL_GEO_DIR", secrets, _SIBLING_SHARED / "geo"),
        ref_dir=_optional_dir("PORTAL_REF_DIR", secrets, _SIBLING_SHARED / "ref"),
        db_url=_lookup("PORTAL_DB_URL", secrets, f"sqlite:///{data_dir / 'portal.db'}") or "",
        duckdb_threads=_whole_setting("PORTAL_DUCKDB_THREADS", secrets, "2"),
        duckdb_memory_limit=_lookup("PORTAL_DUCKDB_MEMORY", secrets, "4GB") or "4GB",
        name_display=_lookup("PORTAL_NAME_DISPLAY", secrets, "masked") or "masked",
        base_tiles=_lookup("PORTAL_BASE_TILES", secrets, "none") or "none",
        search_limit=_lookup("PORTAL_SEARCH_LIMIT", secrets, "30/600") or "30/600",
        search_limit_address=_lookup("PORTAL_SEARCH_LIMIT_ADDRESS", secrets, "300/600") or "300/600",
        ticket_limit=_lookup("PORTAL_TICKET_LIMIT", secrets, "10/600") or "10/600",
        api_limit=_lookup("PORTAL_API_LIMIT", secrets, "120/60") or "120/60",
        trusted_proxies=_lookup("PORTAL_TRUSTED_PROXIES", secrets, "") or "",
        staff_idle_seconds=_seconds("PORTAL_STAFF_IDLE_SECONDS", secrets, "1800"),
        public_idle_seconds=_seconds("PORTAL_PUBLIC_IDLE_SECONDS", secrets, "600"),
        build_workers=_build_workers(secrets),
        build_memory_limit=_lookup("PORTAL_BUILD_MEMORY", secrets, "2GB") or "2GB",
        public_url=_public_url(secrets),
    )


def _public_url(secrets: dict[str, object]) -> str:
    """PORTAL_PUBLIC_URL without a trailing slash: an http(s) address with a host and no query or fragment, since
    printed links append a page and its parameters to it."""
    from urllib.parse import urlsplit

    value = _lookup("PORTAL_PUBLIC_URL", secrets, "") or ""
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"PORTAL_PUBLIC_URL must be an http(s) address without ? or #, got {value[:80]!r}")
    return value.rstrip("/")


def _build_workers(secrets: dict[str, object]) -> int:
    workers = _whole_setting("PORTAL_BUILD_WORKERS", secrets, "2")
    if not 1 <= workers <= 64:
        raise ValueError(f"PORTAL_BUILD_WORKERS must be between 1 and 64, got {workers}")
    return workers


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call `get_settings.cache_clear()` after changing the environment."""
    return load_settings()
