"""`python -m portal ...`: build the demo register, ingest exports, import boundaries, set up and run the portal."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from portal.config import REPO_DIR, Settings, get_settings
from portal.notify_cli import NotifyError, add_notify_parser, run_notify
from portal.users_cli import UsersError, add_users_parser, run_users


class CliError(Exception):
    """A user-facing failure: printed as one line, exit status 2."""


# The largest register `demo` builds: above Indonesia's population the plan would only repeat the full-size register
# (about 95 million people) after hours of work, and a number past this is a typing error.
MAX_INDIVIDUALS = 300_000_000
MAX_SEED = 2**64 - 1
MAX_PERIODS = 40  # as portal.demo.period_list
# Characters str.splitlines() breaks on: an argument echoed in an error must not start a second line.
_LINE_BREAKS = {ord(c): c.encode("unicode_escape").decode("ascii") for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"}


def one_line(text: object) -> str:
    """`text` on one line: line breaks shown as escapes, so an error is always exactly one line on stderr."""
    return str(text).strip().translate(_LINE_BREAKS)


def print_error(message: object) -> None:
    """The one line every refusal prints on stderr."""
    print(f"error: {one_line(message)}", file=sys.stderr)


class _UsageError(Exception):
    """Bad arguments, found by argparse."""


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error (no usage block) that the caller turns into exit status 2."""

    def error(self, message: str) -> NoReturn:  # type: ignore[override]
        raise _UsageError(f"{message} (see `{self.prog} --help`)")


def _codes(text: str, length: int, what: str, none_ok: bool) -> tuple[str, ...]:
    if none_ok and text.strip().lower() in ("none", "-"):
        return ()
    items = tuple(sorted({part.strip() for part in text.split(",") if part.strip()}))
    if not items:
        hint = " (or none)" if none_ok else ""
        raise argparse.ArgumentTypeError(f"{what} needs at least one {length}-digit code{hint}, got {_shown(text)}")
    bad = [item for item in items if not (item.isascii() and item.isdigit() and len(item) == length)]
    if bad:
        raise argparse.ArgumentTypeError(
            f"{what} must be {length}-digit codes separated by commas, got {', '.join(map(repr, bad))}"
        )
    return items


def _whole(text: str, low: int, high: int) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {_shown(text)}") from None
    if value < low and low == 1:
        raise argparse.ArgumentTypeError(f"must be positive, got {_shown(text)}")
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"must be between {low:,} and {high:,}, got {_shown(text)}")
    return value


def _shown(text: str) -> str:
    """An argument quoted in an error, cut short."""
    return repr(text) if len(text) <= 40 else repr(text[:40]) + "..."


def _individuals(text: str) -> int:
    return _whole(text, 1, MAX_INDIVIDUALS)


def _periods(text: str) -> int:
    return _whole(text, 1, MAX_PERIODS)


def _seed(text: str) -> int:
    return _whole(text, 0, MAX_SEED)


def _path(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a path, got an empty string")
    if not _is_utf8(text):
        raise argparse.ArgumentTypeError(f"{_shown(text)} is not valid UTF-8: rename it (Arrow and DuckDB need UTF-8)")
    return Path(text).expanduser()


def _is_utf8(text: str) -> bool:
    """Whether a path from the command line or the environment decodes as UTF-8 (else it holds surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_DATA_DIR_HELP = "data directory (default PORTAL_DATA_DIR or data/)"


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m portal", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="build the synthetic register and publish it")
    demo.add_argument(
        "--individuals", type=_individuals, default=None, help="people in the first period (default 1,200,000)"
    )
    demo.add_argument(
        "--provinces", type=lambda t: _codes(t, 2, "--provinces", none_ok=False), default=None, help="e.g. 31,34"
    )
    demo.add_argument("--periods", type=_periods, default=4, help="quarterly periods ending 2026-09 (default 4)")
    demo.add_argument("--seed", type=_seed, default=1, help=f"0 to {MAX_SEED} (default 1)")
    demo.add_argument(
        "--dense",
        type=lambda t: _codes(t, 4, "--dense", none_ok=True),
        default=None,
        help="kab/kota built at full density (default 3101,3171,3471; 'none' for none)",
    )
    demo.add_argument("--out", type=_path, default=None, help="data directory (default PORTAL_DATA_DIR or data/)")

    geo = sub.add_parser("geo", help="boundaries")
    geo_sub = geo.add_subparsers(dest="geo_command", required=True)
    imp = geo_sub.add_parser("import", help="import boundaries into data/geo as GeoParquet")
    imp.add_argument("source", nargs="?", type=_path, default=None, help="directory (default PORTAL_GEO_DIR)")

    sub.add_parser("setup", help="build the demo register and import boundaries if they are missing")
    run = sub.add_parser("run", help="set up, then start the portal; other options go to `streamlit run`")
    run.add_argument(
        "--no-setup", action="store_true", help="serve the register as it is (a replica: setup ran once before)"
    )
    rebuild = sub.add_parser("rebuild-derived", help="rebuild the rollups and other derived tables of the register")
    rebuild.add_argument("--data-dir", type=_path, default=None, help="data directory (default PORTAL_DATA_DIR)")
    add_users_parser(sub)
    add_notify_parser(sub)

    ingest = sub.add_parser("ingest", help="validate SIKS-NG / DTSEN export files and publish them as a period")
    ingest.add_argument("files", nargs="+", type=_path, metavar="FILE", help="CSV (any delimiter), CSV.gz or XLSX")
    ingest.add_argument("--periode", required=True, help="the period the files hold, YYYY-MM")
    ingest.add_argument("--data-dir", type=_path, default=None, help=_DATA_DIR_HELP)
    ingest.add_argument("--kolom", type=_path, default=None, help="extra header spellings (TOML; docs/INGEST.md)")
    ingest.add_argument("--dry-run", action="store_true", help="check and report only; publish nothing")
    ingest.add_argument(
        "--allow-shrink", action="store_true", help="publish even if more than half the previous families go"
    )
    ingest.add_argument("--json", action="store_true", help="print the report as JSON instead of text")

    export = sub.add_parser("export-period", help="write a published period in the ingest file format")
    export.add_argument("--periode", required=True, help="the period, YYYY-MM")
    export.add_argument("--out", type=_path, required=True, help="output file: .csv, .csv.gz or .xlsx")
    export.add_argument("--data-dir", type=_path, default=None, help=_DATA_DIR_HELP)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status. Every refusal is one line on stderr and status 2."""
    _tolerant_output()
    parser = _parser()
    try:
        args, extra = _parse(parser, sys.argv[1:] if argv is None else list(argv))
    except _UsageError as exc:
        print_error(exc)
        return 2
    try:
        settings = get_settings()
    except ValueError as exc:  # a setting in the environment or secrets.toml that cannot be read
        print_error(exc)
        return 2
    try:
        if args.command in _DUCKDB_COMMANDS:
            _check_duckdb_settings(settings)
        if args.command in ("geo", "setup", "run"):
            settings = _with_data_dir(settings, None)
        if args.command == "demo":
            return _demo(args, settings)
        if args.command == "geo":
            return _geo_import(args.source, settings)
        if args.command == "setup":
            setup(settings)
            return 0
        if args.command == "rebuild-derived":
            return _rebuild_derived(args, settings)
        if args.command == "run":
            _check_trusted_proxies(settings)
            if not args.no_setup:
                setup(settings)
            return _run(extra)
        if args.command == "users":
            return run_users(args, settings)
        if args.command == "notify":
            return run_notify(args, settings)
        if args.command == "ingest":
            return _ingest(args, settings)
        if args.command == "export-period":
            return _export_period(args, settings)
    except KeyboardInterrupt:
        print("interrupted; nothing was published", file=sys.stderr)
        return 130
    except (CliError, UsersError, NotifyError) as exc:
        print_error(exc)
        return 2
    return 2


_DUCKDB_COMMANDS = ("demo", "setup", "run", "rebuild-derived", "ingest", "export-period")


def _check_duckdb_settings(settings: Settings) -> None:
    """PORTAL_DUCKDB_THREADS and PORTAL_DUCKDB_MEMORY as DuckDB reads them, before any work starts."""
    import duckdb

    try:
        duckdb.connect(
            ":memory:", config={"threads": settings.duckdb_threads, "memory_limit": settings.duckdb_memory_limit}
        ).close()
    except duckdb.Error as exc:
        raise CliError(f"PORTAL_DUCKDB_THREADS or PORTAL_DUCKDB_MEMORY cannot be used: {exc}") from None
    try:
        duckdb.connect(":memory:", config={"memory_limit": settings.build_memory_limit}).close()
    except duckdb.Error as exc:
        raise CliError(f"PORTAL_BUILD_MEMORY cannot be used: {exc}") from None


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    # A NUL cannot come from a real command line, but a caller of main() could pass one; os calls reject it.
    if any("\0" in arg for arg in argv):
        raise _UsageError("an argument contains a NUL character")
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "run":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args, extra


def _tolerant_output() -> None:
    """Paths from the command line may hold bytes that are not UTF-8 (surrogate escapes): print them escaped
    rather than fail on them."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a closed or unusual stream stays as it is
                reconfigure(errors="backslashreplace")


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from portal.demo import DemoOptions

    settings = _with_data_dir(settings, args.out, "--out")
    fields = {"periods": args.periods, "seed": args.seed, "provinces": args.provinces}
    if args.individuals is not None:
        fields["individuals"] = args.individuals
    if args.dense is not None:
        fields["dense"] = args.dense
    build(DemoOptions(**fields), settings)
    return 0


def build(options: object, settings: Settings) -> None:
    """Build and publish the demo register, turning every expected failure into a CliError."""
    import duckdb

    from portal.demo import PlanError, build_demo
    from portal.snapshot import SnapshotError
    from portal.wilayah import ReferenceDataError

    try:
        build_demo(options, settings)  # type: ignore[arg-type]
    except (PlanError, SnapshotError, ReferenceDataError) as exc:
        raise CliError(str(exc)) from None
    except (OSError, duckdb.IOException, duckdb.OutOfMemoryException) as exc:
        raise CliError(build_stopped(settings, exc)) from None


def build_stopped(settings: Settings, exc: BaseException) -> str:
    """One line for a build that could not write (a full disk, a spill directory out of room): what happened,
    and that the served register, if any, is the one from before (staging is never published half-written)."""
    import duckdb

    reason = getattr(exc, "strerror", None) or str(exc).strip().splitlines()[0]
    served = (settings.register_dir / "manifest.json").is_file()
    kept = "the served register is unchanged" if served else "no register was served before"
    if isinstance(exc, duckdb.OutOfMemoryException):
        return (
            f"the build stopped and published nothing ({kept}): DuckDB ran out of memory {reason}; raise "
            "PORTAL_BUILD_MEMORY (the build's peak is about that plus 0.5 GB) or set PORTAL_DUCKDB_THREADS=1"
        )
    return f"the build stopped and published nothing ({kept}): cannot write under {settings.data_dir}: {reason}"


def _geo_import(source: Path | None, settings: Settings) -> int:
    from portal.geo import GeoImportError, import_boundaries

    source = source or settings.geo_source_dir
    if source is None:
        raise CliError("no boundary directory: pass one or set PORTAL_GEO_DIR")
    try:
        counts = import_boundaries(source.expanduser().resolve(), settings.geo_dir)
    except GeoImportError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"cannot import boundaries: {exc.strerror or exc}") from None
    print(", ".join(f"{level}: {n:,}" for level, n in counts.items()))
    return 0


def setup(settings: Settings) -> None:
    """First-run setup: the demo register if none is published, boundaries if configured and not imported."""
    from portal.demo import DemoOptions
    from portal.snapshot import SnapshotError, read_manifest

    try:
        manifest = read_manifest(settings.register_dir)
    except SnapshotError as exc:
        raise CliError(str(exc)) from None
    if manifest is None:
        print(f"No register in {settings.register_dir}: building the demo register (first run only).")
        build(DemoOptions(), settings)
    else:
        print(f"Register {manifest.generation} ({', '.join(manifest.periods)}) is in place.")
        _refresh_derived(settings, manifest)
    from portal.maps.assets import MapAssetsError, ensure_map_assets

    try:
        ensure_map_assets(REPO_DIR)
    except (MapAssetsError, OSError) as exc:
        raise CliError(f"cannot prepare the map assets: {exc}") from None
    if (settings.geo_dir / "manifest.json").is_file():
        print(f"Boundaries are in place in {settings.geo_dir}.")
    elif settings.geo_source_dir is not None:
        print(f"Importing boundaries from {settings.geo_source_dir} (first run only).")
        _geo_import(settings.geo_source_dir, settings)
    else:
        print("No boundaries configured (PORTAL_GEO_DIR): maps will explain how to import them.")


def _rebuild_derived(args: argparse.Namespace, settings: Settings) -> int:
    from portal.snapshot import SnapshotError, read_manifest

    settings = _with_data_dir(settings, args.data_dir)
    try:
        manifest = read_manifest(settings.register_dir)
    except SnapshotError as exc:
        raise CliError(str(exc)) from None
    if manifest is None:
        raise CliError(f"no register in {settings.register_dir}: build one with `python -m portal demo` or ingest")
    _refresh_derived(settings, manifest, force=True)
    return 0


def _refresh_derived(settings: Settings, manifest: object, force: bool = False) -> None:
    """Rebuild the served register's derived tables when an older portal built them (or when forced)."""
    from portal.rollups import DERIVED_VERSION, derived_version, rebuild_derived
    from portal.snapshot import SnapshotError

    found = derived_version(settings.register_dir / manifest.generation)  # type: ignore[attr-defined]
    if found == DERIVED_VERSION and not force:
        return
    print(f"Rebuilding the derived tables (version {found} -> {DERIVED_VERSION}); the rows are kept as they are.")
    import duckdb

    try:
        rebuilt = rebuild_derived(settings)
    except SnapshotError as exc:
        raise CliError(str(exc)) from None
    except (OSError, duckdb.IOException, duckdb.OutOfMemoryException) as exc:
        raise CliError(build_stopped(settings, exc)) from None
    print(f"Published {rebuilt.generation} with derived tables version {DERIVED_VERSION}.")


def _check_trusted_proxies(settings: Settings) -> None:
    from portal.web.client import TrustedProxyError, parse_trusted

    try:
        parse_trusted(settings.trusted_proxies)
    except TrustedProxyError as exc:
        raise CliError(str(exc)) from None


def _run(streamlit_args: list[str]) -> int:
    """Serve asgi.py (the pages and the portal's routes) with uvicorn's own X-Forwarded-For handling off: the
    portal resolves client addresses itself, against PORTAL_TRUSTED_PROXIES."""
    from portal.web.client import UVICORN_TRUSTS_NOBODY

    os.environ["FORWARDED_ALLOW_IPS"] = UVICORN_TRUSTS_NOBODY
    command = [sys.executable, "-m", "streamlit", "run", str(REPO_DIR / "asgi.py"), *streamlit_args]
    os.execv(sys.executable, command)
    return 0  # not reached


def _with_data_dir(settings: Settings, data_dir: Path | None, option: str = "--data-dir") -> Settings:
    """Settings for the data directory given on the command line (or PORTAL_DATA_DIR): one that exists must be
    a directory."""
    if data_dir is not None:
        settings = dataclasses.replace(settings, data_dir=data_dir.expanduser().resolve())
    else:
        option = "PORTAL_DATA_DIR"
    if not _is_utf8(str(settings.data_dir)):
        raise CliError(f"{option} {settings.data_dir} is not valid UTF-8: rename it (Arrow and DuckDB need UTF-8)")
    if settings.data_dir.exists() and not settings.data_dir.is_dir():
        raise CliError(f"{option} {settings.data_dir} is not a directory")
    if (blocker := _file_in_the_way(settings.data_dir)) is not None:
        raise CliError(f"{option} {settings.data_dir}: {blocker} is a file, not a directory")
    return settings


def _file_in_the_way(path: Path) -> Path | None:
    """The nearest existing folder of `path` when it is not a directory (so `path` can never be created)."""
    for parent in path.absolute().parents:
        if parent.exists():
            return None if parent.is_dir() else parent
    return None


class _IngestProgress:
    """Progress lines on stderr: at most one a second, and one per phase."""

    def __init__(self) -> None:
        self.last = 0.0
        self.phase = ""

    def __call__(self, event: object) -> None:
        import time

        now = time.monotonic()
        phase = event.phase  # type: ignore[attr-defined]
        if phase == self.phase and now - self.last < 1.0:
            return
        self.phase, self.last = phase, now
        done = "" if event.fraction is None else f", {event.fraction:.0%} done"  # type: ignore[attr-defined]
        eta = "" if event.eta_seconds is None else f", ETA {event.eta_seconds:,.0f} s"  # type: ignore[attr-defined]
        rows, rate = event.rows, event.rate  # type: ignore[attr-defined]
        print(f"  {phase}: {rows:,} rows read, {rate:,.0f} rows/s{done}{eta}", file=sys.stderr)


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from portal.ingest import IngestError, ingest
    from portal.ingest.report import format_report

    settings = _with_data_dir(settings, args.data_dir)
    try:
        result = ingest(
            args.files,
            args.periode,
            settings,
            kolom=args.kolom,
            progress=_IngestProgress(),
            dry_run=args.dry_run,
            allow_shrink=args.allow_shrink,
        )
    except IngestError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print(json.dumps(result.report, indent=2, sort_keys=True, ensure_ascii=False, default=str))
    else:
        print(format_report(result.report))
    if result.published:
        print(
            f"Published {result.manifest.generation} ({', '.join(result.manifest.periods)}); "  # type: ignore[union-attr]
            f"report, rejects and warnings in {result.report_dir}"
        )
        return 0
    if args.dry_run:
        print(f"Checked only, nothing published; report, rejects and warnings in {result.report_dir}")
        return 0
    raise CliError(f"no row was accepted, nothing was published; rejects are in {result.rejects_path}")


def _export_period(args: argparse.Namespace, settings: Settings) -> int:
    from portal.ingest import ExportError, check_periode, export_period
    from portal.ingest.pipeline import IngestError

    settings = _with_data_dir(settings, args.data_dir)
    _check_output_file(args.out)
    try:
        result = export_period(settings, check_periode(args.periode), args.out.expanduser())
    except (ExportError, IngestError) as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    print(f"Wrote {result.rows:,} individuals of {args.periode} to {result.path} ({result.sheets} sheet(s))")
    return 0


def _check_output_file(out: Path) -> None:
    """A CliError unless `out` can be a new or replaced regular file: not a directory, a device or a pipe, and no
    existing part of its folder path a file."""
    if out.is_dir():
        raise CliError(f"--out {out} is a directory: name a file ending in .csv, .csv.gz or .xlsx")
    if out.exists() and not out.is_file():
        raise CliError(f"--out {out} is not a regular file (a pipe, socket or device)")
    if (blocker := _file_in_the_way(out)) is not None:
        raise CliError(f"--out {out}: {blocker} is a file, not a directory")
