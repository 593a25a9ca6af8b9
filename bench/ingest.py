"""Benchmark `python -m portal ingest`: rows per second for CSV and XLSX, and time and peak memory for a big file.

    python bench/ingest.py [--csv-rows 200000] [--xlsx-rows 50000] [--repeat 3] [--big | --big-only]
                           [--source bench/out/register-10m] [--work bench/out/ingest]
    python bench/ingest.py --xlsx-compare A.xlsx B.xlsx [--repeat 3] [--readers rows,columns]  # XLSX readers
    python bench/ingest.py --messy ROWS EXPORT.csv OUT.csv              # a spoiled copy of an export
    python bench/ingest.py --csv-compare BASE_CHECKOUT A.csv [B.csv ...] [--repeat 3]
                                               # before (BASE) and after, same run; stops if any output differs

Input files are exports of period 2026-09 of the bench register (`python bench/run.py` builds it; the first N
people of the export order, in the canonical ingest shape) or, when there is no register, generated people.
Each measurement runs the CLI in a child process into a fresh data directory and records its wall time and
peak RSS (`os.wait4`). `--big` adds one ingest of the whole period (about 10 million people, exported to
CSV first). Figures are printed and written to bench/out/ingest-results.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
if str(REPO_DIR) not in sys.path:
    sys.path.insert(0, str(REPO_DIR))

import duckdb  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.csv as pacsv  # noqa: E402

from portal.config import load_settings  # noqa: E402
from portal.db import load_sql, register_views  # noqa: E402
from portal.ingest.export import ExportResult, _headers, export_period  # noqa: E402
from portal.snapshot import read_manifest  # noqa: E402

OUT_DIR = REPO_DIR / "bench" / "out"
PERIODE_SOURCE = "2026-09"
PERIODE_TARGET = "2027-03"


def _export_head(register_dir: Path, rows: int, out: Path) -> int:
    """The first `rows` people of the period's export, written as CSV or XLSX (by `out`'s suffix)."""
    manifest = read_manifest(register_dir)
    con = duckdb.connect()
    register_views(con, register_dir / manifest.generation, manifest.latest)
    sql = f"select * from ({load_sql('export_period')}) limit {int(rows)}"
    table = con.sql(sql, params={"periode": PERIODE_SOURCE}).to_arrow_table()
    columns = _headers(table.schema.names)
    selected = pa.Table.from_arrays([table[src] for src, _ in columns], names=[h for _, h in columns])
    if out.suffix == ".xlsx":
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("data_1")
        sheet.append(selected.column_names)
        for row in zip(*(c.to_pylist() for c in selected.columns), strict=True):
            sheet.append(list(row))
        workbook.save(out)
    else:
        pacsv.write_csv(selected, out)
    return selected.num_rows


def _generated(rows: int, out: Path) -> int:
    """People made up on the spot (valid NIK, four per family, Kota Yogyakarta) when there is no register."""
    header = ["KODE_DESA", "NO_KK", "NIK", "NAMA", "TANGGAL_LAHIR", "JENIS_KELAMIN", "HUBUNGAN_KELUARGA", "DESIL"]
    lines = [",".join(header)]
    for k in range(rows):
        family, member = divmod(k, 4)
        born = date(1950, 1, 1) + timedelta(days=(k * 37) % 25_000)
        day = born.day + (40 if member % 2 else 0)
        nik = f"347101{day:02d}{born.month:02d}{born.year % 100:02d}{k % 9999 + 1:04d}"
        kk = f"3471010203{family // 9999 % 100:02d}{family % 9999 + 1:04d}"
        role = "kepala keluarga" if member == 0 else "anak"
        sex = "P" if member % 2 else "L"
        lines.append(f"3471011001,{kk},{nik},WARGA {k},{born:%d/%m/%Y},{sex},{role},{family % 10 + 1}")
    if out.suffix == ".xlsx":
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("data_1")
        for line in lines:
            sheet.append(line.split(","))
        workbook.save(out)
    else:
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rows


# A small launcher forks the measured process: a child forked from this (large) process would inherit its
# memory high-water mark, and ru_maxrss would report that instead of the ingest's own peak.
LAUNCHER = """
import json, os, sys, time
started = time.monotonic()
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as fh:
    json.dump({"exit": os.waitstatus_to_exitcode(status), "seconds": time.monotonic() - started,
               "peak_rss_mb": usage.ru_maxrss / 1024, "cpu_s": usage.ru_utime + usage.ru_stime}, fh)
"""


def _run_ingest(path: Path, data_dir: Path) -> dict[str, float]:
    """One CLI ingest into a fresh data directory: wall seconds and peak RSS of that process."""
    shutil.rmtree(data_dir, ignore_errors=True)
    record = data_dir.with_name("run.json")
    command = [sys.executable, "-m", "portal", "ingest", str(path), "--periode", PERIODE_TARGET]
    command += ["--data-dir", str(data_dir)]
    proc = subprocess.run(
        [sys.executable, "-c", LAUNCHER, str(record), *command],
        cwd=REPO_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    figures = json.loads(record.read_text())
    if figures["exit"] != 0 or proc.returncode != 0:
        raise SystemExit(f"ingest of {path.name} failed: {proc.stderr.strip().splitlines()[-1:]}")
    return {"seconds": figures["seconds"], "peak_rss_mb": figures["peak_rss_mb"]}


# The XLSX comparison runs the readers on the same files in the same run, each patched in for its child process:
# "columns", the default (`Workbook.text_chunks`: rows cut into cells by Arrow, texts made a column at a time);
# "rows", the regular-expression reader row by row (`Workbook.rows`, reading.XLSX_COLUMNS off); "parsed", the
# ElementTree reader (`Workbook.rows_parsed`) row by row.
ROWS_READER = "import portal.ingest.reading as r; r.XLSX_COLUMNS = False; "
USE_PARSED = ROWS_READER + "import portal.ingest.xlsx as x; x.Workbook.rows = x.Workbook.rows_parsed; "
READERS = {"parsed": USE_PARSED, "rows": ROWS_READER, "columns": ""}
READ_ONLY = """
import sys, time
{patch}
from portal.ingest.headers import load_header_map
from portal.ingest.reading import open_tables
started = time.monotonic()
rows = 0
for table in open_tables(__import__("pathlib").Path(sys.argv[1]), load_header_map(None), "input.xlsx"):
    for batch in table.batches():
        rows += len(batch.lines)
print(rows, time.monotonic() - started)
"""
PORTAL_MAIN = "{patch}import runpy, sys; sys.argv[0] = 'portal'; runpy.run_module('portal', run_name='__main__')"


def _child(code: list[str], record: Path) -> tuple[dict[str, float], str]:
    """Run `code` (argv) under the launcher: its exit status, wall seconds, peak RSS and stdout."""
    proc = subprocess.run(
        [sys.executable, "-c", LAUNCHER, str(record), *code],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    figures = json.loads(record.read_text())
    if figures["exit"] != 0:
        raise SystemExit(f"{code[1:3]} failed: {proc.stderr.strip().splitlines()[-1:]}")
    return figures, proc.stdout


def compare_xlsx(
    paths: list[Path], repeat: int, work: Path, readers: tuple[str, ...] = ("rows", "columns")
) -> list[dict[str, object]]:
    """Reading only (open_tables and every batch: the ingest's reading of the file) and the whole CLI ingest,
    with each reader, interleaved per repetition; medians."""
    results = []
    for path in paths:
        runs: dict[tuple[str, str], list[dict[str, float]]] = {}
        rows = 0
        for _ in range(repeat):
            for reader in readers:
                patch = READERS[reader]
                figures, out = _child([sys.executable, "-c", READ_ONLY.format(patch=patch), str(path)], work / "r.json")
                rows = int(out.split()[0])
                figures["reading_s"] = float(out.split()[1])
                runs.setdefault(("reading", reader), []).append(figures)
                data_dir = work / "data"
                shutil.rmtree(data_dir, ignore_errors=True)
                command = [sys.executable, "-c", PORTAL_MAIN.format(patch=patch), "ingest", str(path)]
                command += ["--periode", PERIODE_TARGET, "--data-dir", str(data_dir)]
                figures, _ = _child(command, work / "r.json")
                runs.setdefault(("ingest", reader), []).append(figures)
        for (kind, reader), measured in runs.items():
            key = "reading_s" if kind == "reading" else "seconds"
            median = statistics.median(r[key] for r in measured)
            result = {
                "case": f"XLSX {kind}, {reader} reader",
                "rows": rows,
                "file_mb": round(path.stat().st_size / 1e6, 1),
                "runs": repeat,
                "median_s": round(median, 2),
                "min_s": round(min(r[key] for r in measured), 2),
                "max_s": round(max(r[key] for r in measured), 2),
                "rows_per_s": round(rows / median),
                "cpu_s": round(statistics.median(r["cpu_s"] for r in measured), 2),
                "rows_per_cpu_s": round(rows / statistics.median(r["cpu_s"] for r in measured)),
                "peak_rss_mb": round(max(r["peak_rss_mb"] for r in measured)),
                "load_average": os.getloadavg()[0],
            }
            print(
                f"{result['case']:>28}: {rows:,} rows, {result['file_mb']} MB, median {median:.2f} s of {repeat} "
                f"({result['min_s']}-{result['max_s']}), {result['rows_per_s']:,} rows/s, CPU {result['cpu_s']} s "
                f"({result['rows_per_cpu_s']:,} rows per CPU-s), "
                f"peak RSS {result['peak_rss_mb']} MB, load {result['load_average']:.1f}",
                flush=True,
            )
            results.append(result)
    return results


# --- CSV: a messy copy of an export, and the same-run comparison of two checkouts ---------------------------

# Each perturbation applies to one cell (column, new text from the old) or to the whole line.
_MESSY_CELLS = {
    "NIK": [
        lambda v: "'" + v,
        lambda v: " ".join(v[i : i + 4] for i in range(0, len(v), 4)),
        lambda v: f"{v[0]}.{v[1:6]}E+15" if v.isdigit() else v,
        lambda v: v + ".0",
        lambda v: "",
        lambda v: v[:15],
        lambda v: "TIDAK ADA",
        lambda v: f" {v} ",
    ],
    "NO_KK": [lambda v: "", lambda v: ".".join(v[i : i + 4] for i in range(0, len(v), 4)), lambda v: v[:14]],
    "TANGGAL_LAHIR": [
        lambda v: f"{v[8:10]}/{v[5:7]}/{v[:4]}",
        lambda v: f"{v[8:10]}-{v[5:7]}-{v[2:4]}",
        lambda v: f"{v[8:10].lstrip('0')} Maret {v[:4]}",
        lambda v: "31/02/1990",
        lambda v: "",
        lambda v: v + " 00:00:00",
        lambda v: v.replace("-", ""),
        lambda v: "kemarin",
    ],
    "JENIS_KELAMIN": [lambda v: "LAKI-LAKI" if v == "L" else "Perempuan", lambda v: "X", lambda v: ""],
    "KODE_DESA": [
        lambda v: ".".join((v[:2], v[2:4], v[4:6], v[6:])),
        lambda v: v[:6] + "9999",
        lambda v: "",
        lambda v: "91" + v[2:],
    ],
    "NAMA": [lambda v: f"  {v}  ", lambda v: v.replace(" ", "\t"), lambda v: "", lambda v: "-", lambda v: v * 80],
    "ALAMAT": [lambda v: v + "  ", lambda v: "  " + v, lambda v: v.replace(" ", "\x01")],
    "DESIL": [lambda v: f"Desil {v}", lambda v: "0", lambda v: "11", lambda v: "tiga", lambda v: v + ".0"],
    "ID_DTKS": [lambda v: "", lambda v: "0", lambda v: v + ".0", lambda v: "abc"],
    "ID_KELUARGA": [lambda v: ""],
    "PROG_PKH": [lambda v: "Y", lambda v: "tidak", lambda v: "?", lambda v: "1.0"],
    "HUBUNGAN_KELUARGA": [lambda v: "KRT", lambda v: "kakak ipar", lambda v: "ANAK KANDUNG"],
    "RT": [lambda v: "RT 01", lambda v: "1", lambda v: "x" * 30],
    "JUMLAH_ART": [lambda v: "1.300", lambda v: "-", lambda v: "1000"],
    "STATUS_PADAN": [lambda v: "Tidak Padan dengan Dukcapil", lambda v: "KOSONG", lambda v: "entah"],
}


def make_messy(source: Path, rows: int, out: Path, seed: int = 7) -> int:
    """The first `rows` data rows of an export with one row in eight changed the ways clerks and spreadsheets
    change them (cells re-spelled, blanked or broken; rows repeated, cut short, blank, summary lines, multi-line
    quoted cells, Latin-1 bytes), so that a comparison of two ingests meets every path of the checks."""
    import csv as csvmod
    import random

    rng = random.Random(seed)
    with source.open(encoding="utf-8", newline="") as fh, out.open("wb") as sink:
        reader = csvmod.reader(fh)
        header = next(reader)
        index = {h: i for i, h in enumerate(header)}
        text = io.StringIO()
        writer = csvmod.writer(text, lineterminator="\n")
        writer.writerow(header)
        sink.write(text.getvalue().encode("utf-8"))
        previous: list[str] = []
        for k, row in enumerate(reader):
            if k >= rows:
                break
            text.seek(0)
            text.truncate()
            raw: bytes | None = None
            if rng.random() < 0.125:
                what = rng.randrange(20)
                if what < 12:
                    for _ in range(rng.randint(1, 3)):
                        column = rng.choice(sorted(_MESSY_CELLS))
                        if column in index:
                            row[index[column]] = rng.choice(_MESSY_CELLS[column])(row[index[column]])
                elif what == 12 and previous:
                    writer.writerow(previous)  # a repeated row (a duplicate)
                elif what == 13:
                    raw = (",".join(row[:5]) + "\n").encode("utf-8")  # cut short
                elif what == 14:
                    raw = b"\n" if rng.random() < 0.5 else b",,,   ,\n"  # blank
                elif what == 15:
                    raw = b"JUMLAH,123\n"  # a summary line
                elif what == 16:
                    row[index["ALAMAT"]] = row[index["ALAMAT"]] + "\nRT 3"  # a quoted value over two lines
                elif what == 17:
                    raw = (",".join(row) + ",,\n").encode("utf-8")  # trailing delimiters
                elif what == 18 and k > 5_000:  # past the sample the encoding is detected from
                    row[index["NAMA"]] = row[index["NAMA"]] + " JOS\u00c9"
                    writer.writerow(row)
                    raw = text.getvalue().encode("utf-8").replace(b"JOS\xc3\x89", b"JOS\xc9")  # a Latin-1 byte
                else:
                    row[index["NAMA"]] = ""
                    row[index["NIK"]] = ""
                    row[index["NO_KK"]] = "TOTAL"
            if raw is None:
                writer.writerow(row)
                raw = text.getvalue().encode("utf-8")
            sink.write(raw)
            previous = row
    return rows


def _tree_run(command: list[str], out: Path) -> dict[str, float]:
    """Run `command` with stdout and stderr to files: wall and CPU seconds, sampled process-tree peak RSS."""
    sys.path.insert(0, str(REPO_DIR / "bench"))
    from peak import _tree_rss

    started = time.monotonic()
    with out.with_suffix(".out").open("w") as stdout, out.with_suffix(".err").open("w") as stderr:
        child = subprocess.Popen(command, stdout=stdout, stderr=stderr, cwd=REPO_DIR)
        peak = 0
        while child.poll() is None:
            peak = max(peak, _tree_rss(child.pid))
            time.sleep(0.2)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "exit": child.returncode,
        "wall_s": time.monotonic() - started,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_gib": peak / 1024**3,
    }


def _published(data_dir: Path) -> dict[str, bytes]:
    """Relative path → bytes of everything a run published or reported (manifests and logs left out)."""
    out = {}
    for path in sorted(data_dir.rglob("*")):
        if path.is_file() and path.suffix in (".parquet", ".csv", ".json") and path.name != "manifest.json":
            parts = path.relative_to(data_dir).parts
            rel = "/".join(p if not p.startswith("g-") else "g-*" for p in parts)
            out[rel] = path.read_bytes()
    return out


def compare_csv(base: Path, paths: list[Path], repeat: int, work: Path) -> list[dict[str, object]]:
    """Ingest each file with the checkout at `base` and with this one, interleaved per repetition, each CLI in
    its own process into a fresh data directory; check that both published and reported the same bytes; medians."""
    results = []
    for path in paths:
        runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
        for _ in range(repeat):
            outputs = {}
            for label, checkout in (("before", base), ("after", REPO_DIR)):
                data_dir = work / f"data-{label}"
                shutil.rmtree(data_dir, ignore_errors=True)
                python = str(checkout / ".venv" / "bin" / "python")
                command = [python, "-m", "portal", "ingest", str(path.resolve()), "--periode", PERIODE_TARGET]
                command += ["--data-dir", str(data_dir)]
                rusage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
                figures = _tree_run(["env", "-C", str(checkout), *command], work / label)
                figures["cpu_s"] -= rusage_before.ru_utime + rusage_before.ru_stime
                if figures["exit"] != 0:
                    raise SystemExit(f"{label} ingest of {path.name} failed: see {work / label}.err")
                runs[label].append(figures)
                printed = (work / f"{label}.out").read_text(encoding="utf-8").replace(str(data_dir), "DATA")
                outputs[label] = (printed, _published(data_dir))
            same_text = outputs["before"][0] == outputs["after"][0]
            before, after = outputs["before"][1], outputs["after"][1]
            differ = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
            if not same_text or differ:
                raise SystemExit(f"{path.name}: outputs differ (report text same: {same_text}; files {differ[:8]})")
            print(f"  {path.name}: same report text and {len(after)} identical files", flush=True)
        rows = sum(1 for _ in path.open("rb")) - 1
        for label, measured in runs.items():
            wall = statistics.median(r["wall_s"] for r in measured)
            cpu = statistics.median(r["cpu_s"] for r in measured)
            result = {
                "case": f"CSV ingest {label}",
                "file": path.name,
                "lines": rows,
                "runs": repeat,
                "wall_s": round(wall, 1),
                "wall_range": [
                    round(min(r["wall_s"] for r in measured), 1),
                    round(max(r["wall_s"] for r in measured), 1),
                ],
                "rows_per_s": round(rows / wall),
                "cpu_s": round(cpu, 1),
                "rows_per_cpu_s": round(rows / cpu),
                "peak_rss_gib": round(max(r["peak_rss_gib"] for r in measured), 2),
                "load_average": round(os.getloadavg()[0], 1),
            }
            print(
                f"{path.name} {label:>6}: median wall {wall:.1f} s of {repeat} {result['wall_range']}, "
                f"{result['rows_per_s']:,} lines/s, CPU {cpu:.1f} s ({result['rows_per_cpu_s']:,} per CPU-s), "
                f"peak {result['peak_rss_gib']} GiB, load {result['load_average']}",
                flush=True,
            )
            results.append(result)
    return results


def _measure(label: str, path: Path, rows: int, repeat: int, work: Path) -> dict[str, object]:
    runs = [_run_ingest(path, work / "data") for _ in range(repeat)]
    seconds = [r["seconds"] for r in runs]
    median = statistics.median(seconds)
    result = {
        "case": label,
        "rows": rows,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "runs": repeat,
        "median_s": round(median, 2),
        "min_s": round(min(seconds), 2),
        "max_s": round(max(seconds), 2),
        "rows_per_s": round(rows / median),
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs)),
    }
    print(
        f"{label:>12}: {rows:,} rows, {result['file_mb']} MB, median {median:.1f} s of {repeat} "
        f"({result['min_s']}-{result['max_s']}), {result['rows_per_s']:,} rows/s, peak RSS {result['peak_rss_mb']} MB",
        flush=True,
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--csv-rows", type=int, default=200_000)
    parser.add_argument("--xlsx-rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--big", action="store_true", help="also ingest the whole period (about 10 M people)")
    parser.add_argument("--big-only", action="store_true", help="only the whole-period ingest")
    parser.add_argument("--source", type=Path, default=OUT_DIR / "register-10m")
    parser.add_argument("--work", type=Path, default=OUT_DIR / "ingest")
    parser.add_argument(
        "--xlsx-compare", type=Path, nargs="+", metavar="XLSX", help="only compare the XLSX readers on these files"
    )
    parser.add_argument(
        "--readers", default="rows,columns", help="XLSX readers to compare, in order: parsed, rows, columns"
    )
    parser.add_argument(
        "--csv-compare",
        nargs="+",
        metavar=("BASE", "CSV"),
        help="only compare ingests of these CSV files by the checkout at BASE and by this one (same outputs?)",
    )
    parser.add_argument(
        "--messy", nargs=3, metavar=("ROWS", "SOURCE", "OUT"), help="only write a messy copy of an export"
    )
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.messy:
        rows = make_messy(Path(args.messy[1]), int(args.messy[0]), Path(args.messy[2]))
        print(f"wrote {args.messy[2]} from the first {rows:,} rows of {args.messy[1]}")
        return 0
    if args.csv_compare:
        if len(args.csv_compare) < 2:
            parser.error("--csv-compare needs BASE and at least one CSV file")
        print(f"Machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}", flush=True)
        base, *files = (Path(p) for p in args.csv_compare)
        results = compare_csv(base.resolve(), files, args.repeat, args.work)
        (OUT_DIR / "ingest-csv-results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        return 0
    if args.xlsx_compare:
        print(f"Machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}", flush=True)
        readers = tuple(args.readers.split(","))
        if not set(readers) <= set(READERS):
            parser.error(f"--readers: choose from {', '.join(READERS)}")
        results = compare_xlsx(args.xlsx_compare, args.repeat, args.work, readers)
        (OUT_DIR / "ingest-xlsx-results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        return 0
    register_dir = args.source / "register"
    have_register = read_manifest(register_dir) is not None if register_dir.is_dir() else False
    print(f"Source: {'export of ' + str(register_dir) if have_register else 'generated people'}", flush=True)
    print(
        f"Machine: {os.cpu_count()} CPUs; DuckDB threads/memory from settings ({load_settings().duckdb_memory_limit})"
    )
    results = []
    if not args.big_only:
        for label, rows, suffix in (("CSV", args.csv_rows, ".csv"), ("XLSX", args.xlsx_rows, ".xlsx")):
            path = args.work / f"input-{rows}{suffix}"
            if not path.exists():
                made = _export_head(register_dir, rows, path) if have_register else _generated(rows, path)
                print(f"  wrote {path.name} ({made:,} rows)", flush=True)
            results.append(_measure(label, path, rows, args.repeat, args.work))
    if args.big or args.big_only:
        path = args.work / f"input-{PERIODE_SOURCE}.csv"
        if not path.exists():
            started = time.monotonic()
            if have_register:
                settings = dataclasses.replace(load_settings(), data_dir=args.source)
                exported: ExportResult = export_period(settings, PERIODE_SOURCE, path)
                rows = exported.rows
            else:
                rows = _generated(10_000_000, path)
            print(f"  exported {rows:,} people to {path.name} in {time.monotonic() - started:,.0f} s", flush=True)
        rows = sum(1 for _ in path.open("rb")) - 1
        results.append(_measure("whole period", path, rows, 1, args.work))
    (OUT_DIR / "ingest-results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
