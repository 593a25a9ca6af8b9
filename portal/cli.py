"""`python -m portal ...`: build the demo register, ingest exports, import boundaries, set up and run the portal."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from portal.config import REPO_DIR, Settings, get_settings
from portal.users_cli import add_users_parser, run_users


class CliError(Exception):
    """A user-facing failure: printed as one line, exit status 2."""


def _codes(text: str, length: int, what: str) -> tuple[str, ...]:
    if text.strip().lower() in ("", "none", "-"):
        return ()
    items = tuple(sorted({part.strip() for part in text.split(",") if part.strip()}))
    bad = [item for item in items if not (item.isdigit() and len(item) == length)]
    if bad:
        raise argparse.ArgumentTypeError(
            f"{what} must be {length}-digit codes separated by commas, got {', '.join(bad)}"
        )
    return items


def _positive(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m portal", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="build the synthetic register and publish it")
    demo.add_argument(
        "--individuals", type=_positive, default=None, help="people in the first period (default 1,200,000)"
    )
    demo.add_argument("--provinces", type=lambda t: _codes(t, 2, "--provinces"), default=None, help="e.g. 31,34")
    demo.add_argument("--periods", type=_positive, default=4, help="quarterly periods ending 2026-09 (default 4)")
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument(
        "--dense",
        type=lambda t: _codes(t, 4, "--dense"),
        default=None,
        help="kab/kota built at full density (default 3101,3171,3471; 'none' for none)",
    )
    demo.add_argument("--out", type=Path, default=None, help="data directory (default PORTAL_DATA_DIR or data/)")

    geo = sub.add_parser("geo", help="boundaries")
    geo_sub = geo.add_subparsers(dest="geo_command", required=True)
    imp = geo_sub.add_parser("import", help="import boundaries into data/geo as GeoParquet")
    imp.add_argument("source", nargs="?", type=Path, default=None, help="directory (default PORTAL_GEO_DIR)")

    sub.add_parser("setup", help="build the demo register and import boundaries if they are missing")
    sub.add_parser("run", help="set up, then start the portal; other options go to `streamlit run`")
    rebuild = sub.add_parser("rebuild-derived", help="rebuild the rollups and other derived tables of the register")
    rebuild.add_argument("--data-dir", type=Path, default=None, help="data directory (default PORTAL_DATA_DIR)")
    add_users_parser(sub)

    ingest = sub.add_parser("ingest", help="validate SIKS-NG / DTSEN export files and publish them as a period")
    ingest.add_argument("files", nargs="+", type=Path, metavar="FILE", help="CSV (any delimiter), CSV.gz or XLSX")
    ingest.add_argument("--periode", required=True, help="the period the files hold, YYYY-MM")
    ingest.add_argument("--data-dir", type=Path, default=None, help="data directory (default PORTAL_DATA_DIR or data/)")
    ingest.add_argument("--kolom", type=Path, default=None, help="extra header spellings (TOML; docs/INGEST.md)")
    ingest.add_argument("--dry-run", action="store_true", help="check and report only; publish nothing")
    ingest.add_argument(
        "--allow-shrink", action="store_true", help="publish even if more than half the previous families go"
    )
    ingest.add_argument("--json", action="store_true", help="print the report as JSON instead of text")

    export = sub.add_parser("export-period", help="write a published period in the ingest file format")
    export.add_argument("--periode", required=True, help="the period, YYYY-MM")
    export.add_argument("--out", type=Path, required=True, help="output file: .csv, .csv.gz or .xlsx")
    export.add_argument("--data-dir", type=Path, default=None, help="data directory (default PORTAL_DATA_DIR or data/)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "run":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    settings = get_settings()
    try:
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
            setup(settings)
            return _run(extra)
        if args.command == "users":
            return run_users(args, settings)
        if args.command == "ingest":
            return _ingest(args, settings)
        if args.command == "export-period":
            return _export_period(args, settings)
    except KeyboardInterrupt:
        print("interrupted; nothing was published", file=sys.stderr)
        return 130
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 2


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from portal.demo import DemoOptions

    if args.out is not None:
        settings = dataclasses.replace(settings, data_dir=args.out.expanduser().resolve())
    fields = {"periods": args.periods, "seed": args.seed, "provinces": args.provinces}
    if args.individuals is not None:
        fields["individuals"] = args.individuals
    if args.dense is not None:
        fields["dense"] = args.dense
    build(DemoOptions(**fields), settings)
    return 0


def build(options: object, settings: Settings) -> None:
    """Build and publish the demo register, turning every expected failure into a CliError."""
    from portal.demo import PlanError, build_demo
    from portal.snapshot import SnapshotError
    from portal.wilayah import ReferenceDataError

    try:
        build_demo(options, settings)  # type: ignore[arg-type]
    except (PlanError, SnapshotError, ReferenceDataError) as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"cannot write the register under {settings.data_dir}: {exc.strerror or exc}") from None


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

    if args.data_dir is not None:
        settings = dataclasses.replace(settings, data_dir=args.data_dir.expanduser().resolve())
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
    try:
        rebuilt = rebuild_derived(settings)
    except SnapshotError as exc:
        raise CliError(str(exc)) from None
    print(f"Published {rebuilt.generation} with derived tables version {DERIVED_VERSION}.")


def _run(streamlit_args: list[str]) -> int:
    command = [sys.executable, "-m", "streamlit", "run", str(REPO_DIR / "app.py"), *streamlit_args]
    os.execv(sys.executable, command)
    return 0  # not reached


def _with_data_dir(settings: Settings, data_dir: Path | None) -> Settings:
    if data_dir is None:
        return settings
    return dataclasses.replace(settings, data_dir=data_dir.expanduser().resolve())


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
    try:
        result = export_period(settings, check_periode(args.periode), args.out.expanduser())
    except (ExportError, IngestError) as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    print(f"Wrote {result.rows:,} individuals of {args.periode} to {result.path} ({result.sheets} sheet(s))")
    return 0
