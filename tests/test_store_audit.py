"""The audit log's filtered, paginated search on SQLite (always) and PostgreSQL (when PORTAL_TEST_PG_URL is set):
date range, official, action and region narrow it in the store, with bound parameters, newest first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from portal.store import Store, StoreValidationError, open_store
from portal.store.audit import AuditFilter
from tests.test_store import BACKENDS, fresh_url, raw_sql

START = datetime(2026, 9, 1, 1, 0, tzinfo=UTC)  # 08:00 WIB


@pytest.fixture(params=BACKENDS)
def logged(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A store whose log holds six lines, one per day from START, by two officials in two regions."""
    with fresh_url(request.param, tmp_path) as url:
        clock = {"now": START}
        store = open_store(url, clock=lambda: clock["now"])
        lines = [
            ("jogja", "masuk", "3471", {"metode": "kata sandi"}),
            ("jogja", "lihat_antrean", "3471", {"status": None}),
            ("bantul", "masuk", "3402", {"metode": "oidc"}),
            ("jogja", "lihat_rujukan", "3471011001", {"tiket": "RH5E445K9D859TV6"}),
            ("pusat1", "masuk", "", {"metode": "kata sandi"}),
            ("bantul", "keluar", "3402", {"alasan": "keluar"}),
        ]
        for day, line in enumerate(lines):
            clock["now"] = START + timedelta(days=day)
            store.audit(*line)
        try:
            yield store
        finally:
            store.close()


def actors(page: object) -> list[tuple[str, str]]:
    return [(e.actor, e.action) for e in page.entries]


def test_no_filter_pages_newest_first(logged: Store) -> None:
    first = logged.audit_search(limit=4)
    assert first.total == 6
    assert actors(first) == [("bantul", "keluar"), ("pusat1", "masuk"), ("jogja", "lihat_rujukan"), ("bantul", "masuk")]
    rest = logged.audit_search(limit=4, offset=4)
    assert rest.total == 6
    assert actors(rest) == [("jogja", "lihat_antrean"), ("jogja", "masuk")]


def test_each_filter_narrows_in_the_store(logged: Store) -> None:
    assert actors(logged.audit_search(AuditFilter(actor="bantul"))) == [("bantul", "keluar"), ("bantul", "masuk")]
    masuk = logged.audit_search(AuditFilter(action="masuk"))
    assert (masuk.total, {e.actor for e in masuk.entries}) == (3, {"jogja", "bantul", "pusat1"})
    # The region keeps its own lines and those of regions under it, never a neighbour or the nation's lines.
    assert actors(logged.audit_search(AuditFilter(region="3471"))) == [
        ("jogja", "lihat_rujukan"),
        ("jogja", "lihat_antrean"),
        ("jogja", "masuk"),
    ]
    assert logged.audit_search(AuditFilter(region="")).total == 6
    # Days 1 and 2 (half-open range): the second and third lines.
    days = AuditFilter(since=START + timedelta(days=1), until=START + timedelta(days=3))
    assert actors(logged.audit_search(days)) == [("bantul", "masuk"), ("jogja", "lihat_antrean")]
    both = AuditFilter(since=START + timedelta(days=1), actor="jogja", action="lihat_rujukan", region="347101")
    page = logged.audit_search(both)
    assert (page.total, page.entries[0].detail) == (1, {"tiket": "RH5E445K9D859TV6"})
    assert page.entries[0].time == START + timedelta(days=3)


def test_hostile_filter_values_match_nothing_and_break_nothing(logged: Store) -> None:
    for text in ("'; drop table audit_log; --", "%", "_", "jogja' or '1'='1"):
        assert logged.audit_search(AuditFilter(actor=text)).total == 0
        assert logged.audit_search(AuditFilter(action=text)).total == 0
    for bad in ("34%", "3_71", "x", "12345678901"):
        with pytest.raises(StoreValidationError):
            logged.audit_search(AuditFilter(region=bad))
    with pytest.raises(StoreValidationError):
        logged.audit_search(AuditFilter(since=datetime(2026, 9, 1)))  # naive: which zone?
    with pytest.raises(StoreValidationError):
        logged.audit_search(limit=0)
    with pytest.raises(StoreValidationError):
        logged.audit_search(offset=-1)
    assert logged.audit_search().total == 6


def test_facets_list_officials_and_actions(logged: Store) -> None:
    officials, actions = logged.audit_facets()
    assert officials == ["bantul", "jogja", "pusat1"]
    assert actions == ["keluar", "lihat_antrean", "lihat_rujukan", "masuk"]


def test_date_and_official_filters_use_an_index(tmp_path: Path) -> None:
    """Log Audit's filters read the log through an index (SQLite's plan), not by scanning every line."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    open_store(url).close()
    queries = {
        "logged_at": "select id from audit_log where logged_at >= '2026-09-01' and logged_at < '2026-09-02'",
        "actor": "select id from audit_log where actor = 'jogja' order by id desc limit 100",
        "action": "select distinct action from audit_log",
    }
    for column, query in queries.items():
        plan = " ".join(str(row[-1]) for row in raw_sql(url, f"explain query plan {query}"))
        assert "INDEX audit_log_" in plan, (column, plan)
