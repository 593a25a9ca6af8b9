"""Authorization matrix: every role × a region inside and outside its scope × every internal query path and
internal page. Everything outside is refused and audited; anonymous visitors reach no internal page."""

from __future__ import annotations

import ast
import re
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from portal import access, data
from portal.store import open_store
from tests.fixture_register import A

REPO = Path(__file__).resolve().parents[1]
PUBLIC_PAGES = {
    "beranda",
    "cek_status",
    "daftar_uji_publik",
    "ajukan",
    "lacak_tiket",
    "statistik_publik",
    "masuk",
    "keluar",
}
# Every other page is internal, so a new page is in the matrix the day it is added.
INTERNAL_PAGES = tuple(sorted(p.stem for p in (REPO / "pages").glob("*.py") if p.stem not in PUBLIC_PAGES))
# role → (its region, a code inside, a code outside)
MATRIX = {
    "pusat": ("", "3471", None),
    "provinsi": ("34", "3471", "31"),
    "kabupaten": ("3471", "347101", "3402"),
    "kecamatan": ("347101", A, "347102"),
    "desa": (A, A, "3471011002"),
    "analis": ("34", "3471", "3171"),
}
# Pages some roles may not open (every other internal page is open to every signed-in role, within its region).
PAGE_ROLES = {
    "antrean_sanggahan": {"pusat", "provinsi", "kabupaten", "kecamatan", "desa"},  # rows about persons
    "audit": {"pusat"},
    "unggah_data": {"pusat", "provinsi", "kabupaten"},
}
PAGE_ALLOWED = {role: {p for p in INTERNAL_PAGES if role in PAGE_ROLES.get(p, MATRIX)} for role in MATRIX}


@pytest.fixture
def env(portal_env: str) -> str:
    return portal_env


def _refusals(url: str, user: str) -> int:
    store = open_store(url)
    try:
        return sum(1 for e in store.audit_log(limit=1000) if e.actor == user and e.action == "ditolak")
    finally:
        store.close()


@pytest.mark.parametrize("role", list(MATRIX))
def test_queries_inside_allowed_outside_refused_and_audited(env: str, role: str) -> None:
    region, inside, outside = MATRIX[role]
    scope = access.Scope(role, region, f"user-{role}")
    child = {2: "kabupaten", 4: "kecamatan", 6: "desa", 10: "desa"}[len(inside)]
    rows = data.scoped_query(scope, inside, "rollup_children", periode="2026-09", tingkat=child, induk=inside)
    assert rows is not None
    if outside is None:
        return
    for name, params in (
        ("rollup_children", {"periode": "2026-09", "tingkat": "kecamatan", "induk": outside}),
        ("region_population", {"tingkat": "kabupaten", "induk": outside}),
    ):
        with pytest.raises(access.AccessDenied):
            data.scoped_query(scope, outside, name, **params)
    assert _refusals(env, scope.user) == 2


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("page", INTERNAL_PAGES)
def test_internal_pages_per_role(env: str, role: str, page: str) -> None:
    region, _, _ = MATRIX[role]
    scope = access.Scope(role, region, f"user-{role}")
    at = AppTest.from_file(str(REPO / "pages" / f"{page}.py"), default_timeout=60)
    now = time.time()
    at.session_state["staf"] = {"scope": scope, "mulai": now, "terakhir": now, "metode": "uji"}
    at.run()
    assert not at.exception, at.exception
    refused = any("tidak memiliki akses" in e.value for e in at.error)
    assert refused is (page not in PAGE_ALLOWED[role])
    if refused:
        assert not at.dataframe
        assert _refusals(env, scope.user) == 1


@pytest.mark.parametrize("page", INTERNAL_PAGES)
def test_anonymous_reaches_no_internal_page(env: str, page: str) -> None:
    at = AppTest.from_file(str(REPO / "pages" / f"{page}.py"), default_timeout=60).run()
    assert not at.exception
    assert any("khusus petugas" in w.value for w in at.warning)
    assert not at.dataframe and not at.metric


def test_expired_session_is_ended(env: str) -> None:
    at = AppTest.from_file(str(REPO / "pages" / "peta_cakupan.py"), default_timeout=60)
    scope = access.Scope("kabupaten", "3471", "user-lama")
    at.session_state["staf"] = {"scope": scope, "mulai": 1.0, "terakhir": 2.0, "metode": "uji"}
    at.run()
    assert "staf" not in at.session_state
    assert any("khusus petugas" in w.value for w in at.warning)


def _literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("page", INTERNAL_PAGES)
def test_internal_pages_guard_and_scope_every_query(page: str) -> None:
    """Read from the source: an internal page asks for the signed-in scope before anything else, and every
    register query it runs goes through scoped_query (the code list of region names is the one exception)."""
    source = (REPO / "pages" / f"{page}.py").read_text(encoding="utf-8")
    statements = [
        node
        for node in ast.parse(source).body
        if not isinstance(node, ast.Import | ast.ImportFrom)
        and not (isinstance(node, ast.Expr | ast.Assign) and _literal(node.value))  # docstring, constants
    ]
    assert ast.unparse(statements[0]) == "scope = staff.require_scope()", f"{page} must begin with require_scope"
    for call in re.finditer(r"data\.query\(\s*([^,)]+)", source):
        assert call.group(1) == '"wilayah_children"', f"{page}: unscoped data.query({call.group(1)})"
    assert "current_register" not in source and "run_query" not in source, f"{page} bypasses the scoped queries"
