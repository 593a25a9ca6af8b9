"""The rule of the ingest, checked row by row on a corpus of messy SIKS-NG exports (tests/messy_corpus.py): every
accepted value is exactly the value in the export, or the row is rejected with the reasons its truth names. One
silently changed value anywhere fails the test."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest

from portal.ingest import ingest
from portal.ingest.reasons import describe
from portal.ingest.report import column_notes
from portal.snapshot import read_manifest
from tests import messy_corpus as corpus
from tests.fixture_register import fixture_settings

FIELDS = ("nik", "no_kk", "nama", "tanggal_lahir", "jenis_kelamin", "hubungan_keluarga", "status_padan", "kode_desa")


def _ingest(tmp: Path, build) -> dict[str, object]:
    everyone = corpus.people()
    path, cases, summary = build(tmp, everyone)
    settings = fixture_settings(tmp / "data")
    result = ingest([path], corpus.PERIODE, settings)
    return {"result": result, "settings": settings, "cases": cases, "summary": summary}


@pytest.fixture(scope="module", params=["csv", "xlsx"])
def corpus_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    build = corpus.siksng_csv if request.param == "csv" else corpus.siksng_xlsx
    return _ingest(tmp_path_factory.mktemp(request.param), build)


def _published(settings: object) -> dict[str, dict[str, object]]:
    """Every published person of the period with the family's desil and PKH, by name."""
    manifest = read_manifest(settings.register_dir)  # type: ignore[attr-defined]
    root = settings.register_dir / manifest.generation  # type: ignore[attr-defined]
    table = {
        t: (root / t / f"periode={corpus.PERIODE}" / "*" / "*.parquet").as_posix() for t in ("individu", "keluarga")
    }
    cursor = duckdb.connect().execute(
        f"""select i.*, k.desil, k.prog_pkh
            from read_parquet('{table["individu"]}') i
            join read_parquet('{table["keluarga"]}') k using (id_keluarga)"""
    )
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    by_name = {r["nama"]: r for r in rows}
    assert len(by_name) == len(rows), "names in the corpus are unique"
    return by_name


def test_every_accepted_value_is_the_exports_value(corpus_run: dict[str, object]) -> None:
    cases: list[corpus.Case] = corpus_run["cases"]  # type: ignore[assignment]
    published = _published(corpus_run["settings"])
    expected = {c.person.nama: c.published for c in cases if c.published is not None and c.person is not None}
    assert set(published) == set(expected), "exactly the accepted people are published"
    wrong = [
        (name, f, published[name][f], truth[f])
        for name, truth in expected.items()
        for f in (*FIELDS, "desil", "prog_pkh")
        if published[name][f] != truth[f]
    ]
    assert wrong == []


def test_every_rejected_row_has_its_reasons(corpus_run: dict[str, object]) -> None:
    cases: list[corpus.Case] = corpus_run["cases"]  # type: ignore[assignment]
    result = corpus_run["result"]
    text = result.rejects_path.read_text(encoding="utf-8-sig")  # type: ignore[attr-defined]
    rejected = {r["SUMBER"]: frozenset(r["ALASAN"].split(";")) for r in csv.DictReader(io.StringIO(text))}
    assert rejected == {c.source: c.reasons for c in cases if c.published is None}
    for reasons in rejected.values():
        for code in reasons:
            assert describe(code) != code, f"{code} has a description that says how to fix it"


def test_balance_and_skipped_summary_rows(corpus_run: dict[str, object]) -> None:
    cases: list[corpus.Case] = corpus_run["cases"]  # type: ignore[assignment]
    report = corpus_run["result"].report  # type: ignore[attr-defined]
    assert report["baris_dibaca"] == len(cases)
    assert report["diterima"] == sum(c.published is not None for c in cases)
    assert report["ditolak"] == sum(c.published is None for c in cases)
    assert report["seimbang"] is True
    assert report["baris_ringkasan_dilewati"] == corpus_run["summary"]
    assert report["diterima"] > 0 and report["ditolak"] > 0
    if corpus_run["result"].report["berkas"][0]["format"] == "csv":  # type: ignore[attr-defined]
        entry = report["berkas"][0]
        assert entry["kolom_diabaikan"] == ["NO", "KETERANGAN"] and entry["kolom_tidak_dikenal"] == []
        assert any("NO, KETERANGAN" in line for line in column_notes(report, "id"))


def test_corpus_covers_the_damage_found() -> None:
    """The corpus holds what damaged the register before: Indonesian month names, NIKs above 2**53 in number
    cells, summary rows; a corpus that lost them would pass without proving anything."""
    everyone = corpus.people()
    assert any(int(p.nik) > 2**53 for p in everyone) and any(int(p.nik) < 2**53 for p in everyone)
    tmp = Path(pytest.importorskip("tempfile").mkdtemp())
    _path, csv_cases, csv_summary = corpus.siksng_csv(tmp, everyone)
    _path, xlsx_cases, xlsx_summary = corpus.siksng_xlsx(tmp, everyone)
    reasons = {code for c in csv_cases + xlsx_cases for code in c.reasons}
    assert {"NIK_DIGIT_HILANG", "KK_DIGIT_HILANG", "TGL_LAHIR_TIDAK_VALID", "BARIS_RUSAK", "DUPLIKAT_BARIS"} <= reasons
    assert {"NILAI_TIDAK_TERBACA:DESIL", "NILAI_TIDAK_TERBACA:PROG_PKH"} <= reasons
    accepted_papua = [c for c in xlsx_cases if c.published and c.person and c.person.desa == corpus.PAPUA_NEW]
    assert accepted_papua, "Papua people whose NIK is text are accepted"
    assert csv_summary == 2 and xlsx_summary >= 4
