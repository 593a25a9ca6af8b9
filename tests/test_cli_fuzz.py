"""Every command answers bad input with one English line on stderr and exit status 2, never a traceback, and
writes nothing into the data directory: generated bad arguments (hypothesis) run through `main()` in-process,
a table of wrong kinds of path for every path option, and the known failures of issue 12 as explicit cases
(some through a real `python -m portal` process, for argv that only a process can carry)."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from portal import cli
from portal.snapshot import read_manifest
from portal.wilayah import load_code_tables
from tests.conftest import reset_portal_caches
from tests.fixture_register import A
from tests.ingest_helpers import BASE_HEADER, copy_register, person, run_portal, write_csv

FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], derandomize=True
)
NOT_UTF8 = os.fsdecode(b"\xff\xfe-bukan-utf8")  # how Python hands a non-UTF-8 argv entry to main()


def _text(size: int) -> st.SearchStrategy[str]:
    """Any text a command line can carry: everything but NUL (test_nul_in_process has that)."""
    return st.text(alphabet=st.characters(blacklist_characters="\0"), max_size=size)


@dataclasses.dataclass
class Run:
    status: int
    out: str
    err: str

    def refused(self, message: str = "") -> None:
        """Exit status 2 and exactly one line on stderr, `error: ...`, holding `message`."""
        assert self.status == 2, (self.status, self.err)
        lines = self.err.splitlines()
        assert len(lines) == 1, self.err
        assert lines[0].startswith("error: "), lines[0]
        assert message in lines[0], lines[0]
        assert "Traceback" not in self.err + self.out


def _main(*argv: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = cli.main(list(argv))
        except SystemExit as exc:  # only --help and --version exit this way
            status = exc.code if isinstance(exc.code, int) else 2
    return Run(status, out.getvalue(), err.getvalue())


def _one_line(result: subprocess.CompletedProcess[str], message: str) -> None:
    Run(result.returncode, result.stdout, result.stderr).refused(message)


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under root with its size and modification time, and every directory: what a refusal must not
    change (a staging directory made and removed again leaves no trace but a directory's mtime)."""
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): (0, 0) if p.is_dir() else (p.lstat().st_size, p.lstat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
    }


@dataclasses.dataclass
class Env:
    data: Path  # PORTAL_DATA_DIR: a private copy of the fixture register
    good: Path  # a valid export file (one person)
    tmp: Path
    paths: dict[str, str]  # wrong kinds of path, by name


@pytest.fixture
def env(fixture_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    data = copy_register(fixture_dir, tmp_path / "data").data_dir
    good = write_csv(tmp_path / "good.csv", BASE_HEADER, [person(A, 1, 1, "X", date(1990, 1, 1), "L")])
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("bukan register\n")
    (tmp_path / "binary").write_bytes(bytes(range(256)) * 16)
    os.mkfifo(tmp_path / "fifo")
    paths = {
        "missing": str(tmp_path / "missing"),
        "folder": str(tmp_path / "folder"),
        "file": str(tmp_path / "file"),
        "binary": str(tmp_path / "binary"),
        "fifo": str(tmp_path / "fifo"),
        "device": "/dev/null",
        "unreadable": "/proc/self/mem",  # a regular file whose read fails (EIO)
        "under-a-file": str(tmp_path / "file" / "x.csv"),
        "not-utf8": str(tmp_path / NOT_UTF8),
        "empty": "",
    }
    monkeypatch.chdir(tmp_path)  # relative paths made up by the fuzzer land here, never in the repository
    monkeypatch.setenv("PORTAL_DATA_DIR", str(data))
    monkeypatch.setenv("PORTAL_DB_URL", f"sqlite:///{tmp_path / 'store' / 'portal.db'}")
    monkeypatch.setenv("PORTAL_GEO_DIR", str(tmp_path / "no-geo"))
    monkeypatch.setenv("PORTAL_SECRET_KEY", "ab" * 32)
    monkeypatch.delenv("PORTAL_INGEST_KOLOM", raising=False)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))  # --password-stdin reads nothing
    (tmp_path / "store").mkdir()
    reset_portal_caches()
    yield Env(data, good, tmp_path, paths)
    reset_portal_caches()


def _refused_and_untouched(env: Env, argv: list[str], message: str = "") -> Run:
    before = _tree(env.data)
    result = _main(*argv)
    result.refused(message)
    assert _tree(env.data) == before, "a refused command wrote into the data directory"
    return result


# --- wrong kinds of path, for every option that takes one --------------------------------------------------

PATH_CASES = [
    # (command with {p} where the path goes, path kinds that must be refused)
    (
        "ingest {p} --periode 2026-12",
        ["missing", "folder", "file", "binary", "fifo", "device", "unreadable", "under-a-file", "not-utf8", "empty"],
    ),
    (
        "ingest {good} --periode 2026-12 --kolom {p}",
        ["missing", "folder", "file", "binary", "fifo", "device", "unreadable", "under-a-file", "not-utf8", "empty"],
    ),
    (
        "ingest {good} --periode 2026-12 --dry-run --data-dir {p}",
        ["file", "fifo", "device", "unreadable", "under-a-file", "not-utf8", "empty"],
    ),
    (
        "export-period --periode 2026-09 --out {p}",
        ["missing", "folder", "file", "fifo", "device", "unreadable", "under-a-file", "not-utf8", "empty"],
    ),
    (
        "export-period --periode 2026-09 --out {tmp}/x.csv --data-dir {p}",
        ["missing", "folder", "file", "fifo", "device", "under-a-file", "not-utf8", "empty"],
    ),
    (
        "demo --individuals 1 --provinces 34 --periods 1 --dense none --out {p}",
        ["file", "fifo", "device", "unreadable", "under-a-file", "not-utf8", "empty"],
    ),
    ("rebuild-derived --data-dir {p}", ["missing", "folder", "file", "fifo", "device", "under-a-file", "not-utf8"]),
    ("geo import {p}", ["missing", "folder", "file", "fifo", "device", "under-a-file", "not-utf8", "empty"]),
]


@pytest.mark.parametrize(("template", "kinds"), PATH_CASES, ids=[t.split(" {")[0] for t, _ in PATH_CASES])
def test_wrong_kinds_of_path_are_one_line(env: Env, template: str, kinds: list[str]) -> None:
    for kind in kinds:
        argv = [
            part.format(p=env.paths[kind], good=env.good, tmp=env.tmp) for part in template.split(" ")
        ]  # split first: a path may hold spaces
        try:
            _refused_and_untouched(env, argv)
        except AssertionError as exc:
            raise AssertionError(f"{kind}: {exc}") from None


# --- generated bad values --------------------------------------------------------------------------------

NUMBER_LIMITS = {"--individuals": (1, cli.MAX_INDIVIDUALS), "--periods": (1, 40), "--seed": (0, cli.MAX_SEED)}


def _whole_in(text: str, low: int, high: int) -> bool:
    try:
        return low <= int(text.replace("_", "")) <= high
    except ValueError:
        return False


@FUZZ
@given(
    option=st.sampled_from(sorted(NUMBER_LIMITS)),
    value=st.one_of(
        st.integers(max_value=0).map(str),
        st.integers(min_value=cli.MAX_SEED).map(str),
        st.integers(min_value=41, max_value=10**12).map(str),
        _text(12),
        st.sampled_from(["1e6", "1.5", "0x10", "--1", "", " ", "½", "١٢"]),
    ),
)
def test_demo_numbers_out_of_range(env: Env, option: str, value: str) -> None:
    assume(not _whole_in(value, *NUMBER_LIMITS[option]))
    _refused_and_untouched(env, ["demo", "--out", str(env.data), option, value], f"argument {option}: ")


PROVINCES = set(load_code_tables()["provinsi"]["kode_prov"])
KAB = set(load_code_tables()["kabupaten"]["kode_kab"])


def _valid_codes(text: str, known: set[str], none_ok: bool) -> bool:
    if none_ok and text.strip().lower() in ("none", "-"):
        return True
    parts = {p.strip() for p in text.split(",") if p.strip()}
    return bool(parts) and parts <= known


@FUZZ
@given(
    option=st.sampled_from(["--provinces", "--dense"]),
    value=st.one_of(
        st.text(alphabet="0123456789, x;-", max_size=14),
        _text(8),
        st.lists(st.sampled_from(sorted(PROVINCES | {"00", "99", "3101"})), max_size=3).map(",".join),
    ),
)
def test_demo_codes(env: Env, option: str, value: str) -> None:
    """Empty lists (',,,'), malformed codes and unknown codes are refused; a valid list would build, so it is
    left out."""
    assume(not _valid_codes(value, PROVINCES if option == "--provinces" else KAB, option == "--dense"))
    _refused_and_untouched(env, ["demo", "--periods", "1", "--individuals", "1", "--out", str(env.data), option, value])


PERIODE = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
PERIODES = st.one_of(
    _text(10),
    st.from_regex(r"-?[0-9]{1,5}-[0-9]{1,3}", fullmatch=True),
    st.sampled_from(["2026-13", "2026-00", "2026-9", "1999-12", "2101-01", "2026/09", "09-2026", " ", "2026-09\n"]),
)


def _periode_ok(text: str) -> bool:
    match = PERIODE.fullmatch(text.strip())
    return bool(match) and 2000 <= int(match.group(1)) <= 2099


@FUZZ
@given(periode=PERIODES)
def test_periode_of_ingest(env: Env, periode: str) -> None:
    """A malformed period is refused before a file is read; a well-formed one is checked (dry run, status 0)."""
    argv = ["ingest", str(env.good), "--periode", periode, "--dry-run"]
    if _periode_ok(periode):
        assert _main(*argv).status == 0
    else:
        _refused_and_untouched(env, argv, "--periode")


@FUZZ
@given(periode=PERIODES)
def test_periode_of_export(env: Env, periode: str) -> None:
    argv = ["export-period", "--periode", periode, "--out", str(env.tmp / "out.csv")]
    if periode.strip() in ("2026-06", "2026-09"):
        assert _main(*argv).status == 0
    else:
        _refused_and_untouched(env, argv, "period" if _periode_ok(periode) else "--periode")


@FUZZ
@given(
    command=st.sampled_from(["add", "passwd", "scope", "disable", "enable", "map-oidc", "unmap-oidc"]),
    name=st.one_of(_text(20), st.sampled_from(["ab", "x" * 65, "Budi", "budi", NOT_UTF8, "a@b.c"])),
    role=st.one_of(_text(10), st.sampled_from(["pusat", "kabupaten", "desa", "analis"])),
    region=st.one_of(st.text(alphabet="0123456789 x", max_size=11), st.sampled_from(["", "3471", "99", "34"])),
    stdin=st.booleans(),
)
def test_users(env: Env, command: str, name: str, role: str, region: str, stdin: bool) -> None:
    """No password can be given (standard input is empty), no user exists: every command but a valid map-oidc
    is refused."""
    assume(not name.startswith("-") and not role.startswith("-") and not region.startswith("-"))
    argv = ["users", command, name]
    if command in ("add", "scope", "map-oidc"):
        argv += ["--role", role, "--region", region]
    if stdin and command in ("add", "passwd"):
        argv.append("--password-stdin")
    result = _main(*argv)
    if command in ("map-oidc", "unmap-oidc") and result.status == 0:  # a valid mapping, or one undone
        return
    result.refused()


TOKENS = [
    "--periode",
    "2026-12",
    "2026-13",
    "--data-dir",
    "--kolom",
    "--out",
    "--dry-run",
    "--json",
    "--allow-shrink",
    "--role",
    "--region",
    "import",
    "add",
    "list",
    "x.csv",
    "-",
    "--",
    "",
    NOT_UTF8,
]


@FUZZ
@given(
    command=st.sampled_from(["ingest", "export-period", "users", "geo", "bogus", "--bogus", ""]),
    rest=st.lists(st.one_of(st.sampled_from(TOKENS), _text(8)), max_size=6),
)
def test_argument_soup(env: Env, command: str, rest: list[str]) -> None:
    """Any mix of options and text: status 0 (it was a valid command) or one line and status 2."""
    before = _tree(env.data)
    result = _main(command, *rest)
    assert result.status in (0, 2), (result.status, result.err)
    assert "Traceback" not in result.err
    if result.status == 2:
        result.refused()
        assert _tree(env.data) == before


# --- the known failures of issue 12 ------------------------------------------------------------------------


def test_negative_seed_is_one_line(tmp_path: Path) -> None:
    _one_line(run_portal("demo", "--out", str(tmp_path), "--seed", "-1"), "argument --seed: must be between 0 and")
    assert not (tmp_path / "register").exists()


@pytest.mark.parametrize("value", [",,,", "", " , ", "none"])
def test_an_empty_province_list_is_refused_not_read_as_all(env: Env, value: str) -> None:
    _refused_and_untouched(env, ["demo", "--out", str(env.data), "--provinces", value], "argument --provinces")


def test_unknown_provinces_are_refused(env: Env) -> None:
    _refused_and_untouched(
        env, ["demo", "--out", str(env.data), "--provinces", "31,00"], "unknown province code(s): 00"
    )


def test_a_tiny_register_over_all_provinces_is_built(tmp_path: Path) -> None:
    """500 people cannot cover 514 kab/kota: each still gets one family (documented in the README), and the
    quarters where a desa proposes no new family build as well."""
    result = run_portal("demo", "--out", str(tmp_path), "--individuals", "500", "--periods", "1")
    assert result.returncode == 0, result.stderr
    manifest = read_manifest(tmp_path / "register")
    assert manifest.periods == ("2026-09",)
    assert 514 <= manifest.details["person_rows"] < 5_000


def test_a_province_with_no_candidate_families_builds_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The case that raised `zero-size array`: a quarter's musdes propose no family at all. Seed 2 of one
    family in DIY does that; two builds give the same bytes."""
    from portal.demo import DemoOptions, build_demo, musdes
    from tests.fixture_register import fixture_settings

    sizes: list[int] = []
    real = musdes.make_families

    def spy(rng: object, geo: object, desa_idx: object, *args: object, **kwargs: object) -> object:
        sizes.append(desa_idx.size)  # type: ignore[attr-defined]
        return real(rng, geo, desa_idx, *args, **kwargs)

    monkeypatch.setattr(musdes, "make_families", spy)
    options = DemoOptions(individuals=1, provinces=("34",), periods=2, seed=2, dense=())
    first = build_demo(options, fixture_settings(tmp_path / "a"), progress=lambda _line: None)
    assert 0 in sizes, "the options no longer produce an empty batch of candidates; pick another seed"
    second = build_demo(options, fixture_settings(tmp_path / "b"), progress=lambda _line: None)
    assert first.content_sha256 == second.content_sha256


def test_a_binary_kolom_file_is_one_line(env: Env) -> None:
    result = run_portal(
        "ingest", str(env.good), "--periode", "2026-12", "--data-dir", str(env.data), "--kolom", env.paths["binary"]
    )
    _one_line(result, "is not UTF-8 text")


def test_an_unreadable_file_is_not_a_write_failure(env: Env) -> None:
    before = _tree(env.data)
    result = run_portal("ingest", "/proc/self/mem", "--periode", "2026-12", "--data-dir", str(env.data))
    _one_line(result, "cannot read /proc/self/mem: Input/output error")
    assert _tree(env.data) == before
    for kind, message in (
        ("folder", "is a directory, not an export file"),
        ("missing", "does not exist"),
        ("fifo", "is not a regular file"),
        ("device", "is not a regular file"),
    ):
        _refused_and_untouched(env, ["ingest", env.paths[kind], "--periode", "2026-12"], message)


def _long_line_file(folder: Path, line_bytes: int) -> Path:
    """Two good rows, then (line 4) one line of `line_bytes` letters without a delimiter or a line break."""
    rows = [person(A, 1, i, "X", date(1990, 1, 1), "L") for i in (1, 2)]
    path = write_csv(folder / "panjang.csv", BASE_HEADER, rows)
    with path.open("ab") as fh:
        fh.write(b"A" * line_bytes + b"\r\n")
    return path


def _last_error(result: Run) -> str:
    """The one error line, last on stderr (progress lines may come before it once reading has started)."""
    assert result.status == 2 and "Traceback" not in result.err, result.err
    errors = [line for line in result.err.splitlines() if line.startswith("error: ")]
    assert errors == [result.err.splitlines()[-1]], result.err
    return errors[0]


def test_a_line_longer_than_a_block_is_one_clear_sentence(env: Env) -> None:
    """Arrow's 'straddling object straddles two block boundaries' becomes a sentence about the file. (The report
    of issue 12 measured a 200 MB line; 9 MB crosses the 4 MB block just the same.)"""
    before = read_manifest(env.data / "register")
    error = _last_error(_main("ingest", str(_long_line_file(env.tmp, 9 << 20)), "--periode", "2026-12"))
    assert "panjang.csv: line 4 is longer than 4 MB" in error
    assert "probably not a CSV export" in error
    assert "straddl" not in error and "block" not in error
    assert read_manifest(env.data / "register") == before


def test_a_broken_row_with_a_field_over_128_kb_is_a_rejected_row(env: Env) -> None:
    """Under the 4 MB block a long line is a row like any other: one field where the header has nine, so it is
    rejected as BARIS_RUSAK and counted, and the good rows are read (the csv module's 128 KB field limit used to
    escape as a traceback)."""
    result = _main("ingest", str(_long_line_file(env.tmp, 200 << 10)), "--periode", "2026-12", "--dry-run", "--json")
    assert result.status == 0 and "Traceback" not in result.err, result.err
    report, _end = json.JSONDecoder().raw_decode(result.out)
    assert (report["baris_dibaca"], report["diterima"], report["tolak"]) == (3, 2, {"BARIS_RUSAK": 1})


def test_arguments_that_are_not_utf8(tmp_path: Path) -> None:
    """A process receives raw bytes; Python hands them over as surrogates, which Arrow and DuckDB refuse."""
    _one_line(run_portal("ingest", b"\xff.csv", "--periode", "2026-12"), "is not valid UTF-8")
    _one_line(run_portal("demo", "--out", os.fsencode(tmp_path) + b"/\xff", "--individuals", "1"), "is not valid UTF-8")
    _one_line(run_portal("export-period", "--periode", b"2026-\xff", "--out", "x.csv"), "--periode must be a month")
    assert not any(tmp_path.iterdir())


def test_nul_in_process(env: Env) -> None:
    """No process can receive a NUL in an argument, but a caller of main() can pass one."""
    _refused_and_untouched(env, ["ingest", "a\0.csv", "--periode", "2026-12"], "contains a NUL character")


def test_an_argument_with_a_newline_stays_on_one_line(env: Env) -> None:
    _refused_and_untouched(env, ["ingest", str(env.good), "--periode", "2026-12\nerror: forged"], "--periode")
    _refused_and_untouched(env, ["users", "disable", "budi\u2028x"])


def test_unusable_settings_are_one_line(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value, message in (
        ("PORTAL_DUCKDB_THREADS", "banyak", "PORTAL_DUCKDB_THREADS must be a whole number"),
        ("PORTAL_DUCKDB_THREADS", "0", "PORTAL_DUCKDB_THREADS or PORTAL_DUCKDB_MEMORY"),
        ("PORTAL_DUCKDB_MEMORY", "lots", "PORTAL_DUCKDB_THREADS or PORTAL_DUCKDB_MEMORY"),
        ("PORTAL_BUILD_WORKERS", "0", "PORTAL_BUILD_WORKERS must be between 1 and 64"),
        ("PORTAL_BUILD_MEMORY", "heaps", "PORTAL_BUILD_MEMORY cannot be used"),
        ("PORTAL_BUILD_WORKERS", "dua", "PORTAL_BUILD_WORKERS must be a whole number"),
        ("PORTAL_DATA_DIR", env.paths["file"], "PORTAL_DATA_DIR"),
    ):
        with monkeypatch.context() as patch:
            patch.setenv(name, value)
            reset_portal_caches()
            _refused_and_untouched(env, ["rebuild-derived"], message)
    reset_portal_caches()


def test_a_damaged_manifest_is_one_line(env: Env) -> None:
    (env.tmp / "rusak" / "register").mkdir(parents=True)
    for text, message in (("[]", "not a register manifest"), ('{"generation": "g-1"}', "has no 'periods'")):
        (env.tmp / "rusak" / "register" / "manifest.json").write_text(text)
        _refused_and_untouched(env, ["rebuild-derived", "--data-dir", str(env.tmp / "rusak")], message)
