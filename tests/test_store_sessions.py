"""Staff sessions and throttle counters in the store, on SQLite and PostgreSQL: what a second replica must know."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from portal.privacy.throttle import StoreThrottle
from portal.store import Store, StoreValidationError, open_store
from portal.store.sessions import HANDOFF_SECONDS, TOUCH_SECONDS, secret_hash
from tests.test_store import raw_sql, url  # noqa: F401  (the `url` fixture: a fresh database per backend)

SECRET = b"k" * 32


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(url: str, clock: Clock) -> Iterator[Store]:  # noqa: F811
    opened = open_store(url, clock=clock)
    yield opened
    opened.close()


# --- sessions -----------------------------------------------------------------------------------------------


def test_a_handoff_is_claimed_once_for_a_cookie_that_any_replica_can_read(url: str, store: Store) -> None:  # noqa: F811
    session_id, code = store.start_session("budi", "kabupaten", "3471", "lokal")
    claimed = store.claim_handoff(code)
    assert claimed is not None
    session, cookie = claimed
    assert (session.id, session.username, session.role, session.region) == (session_id, "budi", "kabupaten", "3471")
    assert store.claim_handoff(code) is None  # single use
    other = open_store(url)  # a second replica on the same database
    try:
        found = other.session_by_cookie(cookie)
        assert found is not None and found.id == session_id and found.open
        assert other.session_by_cookie(cookie + "x") is None
    finally:
        other.close()
    # Only hashes are stored: neither the code nor the cookie appears in the table.
    rows = raw_sql(url, "select cookie_hash, handoff_hash from staff_session")
    assert rows == [(secret_hash(cookie), None)]


def test_an_expired_or_garbled_handoff_is_refused(store: Store, clock: Clock) -> None:
    _, code = store.start_session("budi", "pusat", "", "lokal")
    clock.now += timedelta(seconds=HANDOFF_SECONDS + 1)
    assert store.claim_handoff(code) is None
    for bad in ("", "short", "x" * 500, None, 12):
        assert store.claim_handoff(bad) is None  # type: ignore[arg-type]
    for bad in ("", "short", "x" * 500, None):
        assert store.session_by_cookie(bad) is None  # type: ignore[arg-type]


def test_sign_out_ends_the_session_everywhere(store: Store) -> None:
    session_id, code = store.start_session("budi", "pusat", "", "lokal")
    claimed = store.claim_handoff(code)
    assert claimed is not None
    _, cookie = claimed
    assert store.end_session(session_id, "keluar")
    assert not store.end_session(session_id, "keluar")  # already ended
    ended = store.session_by_id(session_id)
    assert ended is not None and not ended.open and ended.end_reason == "keluar"
    assert store.session_by_cookie(cookie) is None  # the cookie no longer leads anywhere
    # A hand-off of an ended session cannot be claimed either.
    _, other_code = store.start_session("budi", "pusat", "", "lokal")
    assert store.end_user_sessions("budi", "akun dinonaktifkan") == 1
    assert store.claim_handoff(other_code) is None
    assert store.integrity_check()


def test_activity_is_written_at_most_every_touch_interval(store: Store, clock: Clock) -> None:
    session_id, _ = store.start_session("ani", "analis", "", "oidc")
    start = store.session_by_id(session_id)
    assert start is not None
    clock.now += timedelta(seconds=TOUCH_SECONDS - 1)
    store.touch_session(start)
    assert store.session_by_id(session_id).last_seen == start.last_seen  # type: ignore[union-attr]
    clock.now += timedelta(seconds=2)
    store.touch_session(start)
    assert store.session_by_id(session_id).last_seen == clock.now  # type: ignore[union-attr]


def test_a_bad_method_is_refused(store: Store) -> None:
    with pytest.raises(StoreValidationError):
        store.start_session("budi", "pusat", "", "magic")


def test_old_ended_sessions_are_purged(store: Store, clock: Clock) -> None:
    old, _ = store.start_session("budi", "pusat", "", "lokal")
    store.end_session(old, "keluar")
    clock.now += timedelta(days=91)
    fresh, _ = store.start_session("budi", "pusat", "", "lokal")
    assert store.purge_sessions(90) == 1
    assert store.session_by_id(old) is None and store.session_by_id(fresh) is not None


# --- throttles ----------------------------------------------------------------------------------------------


class Seconds:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_throttle_counts_within_a_window_and_refusals_are_not_counted(store: Store) -> None:
    seconds = Seconds(6000.0)  # the start of a 60-second bucket
    limiter = StoreThrottle(store, SECRET, 3, 60.0, clock=seconds)
    assert [limiter.wait("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    refused = limiter.wait("a")
    assert refused > 0
    assert limiter.wait("b") == 0.0  # keys are independent
    for _ in range(5):
        assert limiter.wait("a") > 0
    (hits,) = raw_sql_hits(store, limiter.key_hash("a"))
    assert hits == 3  # the five refusals were not counted


def raw_sql_hits(store: Store, key_hash: str) -> list[int]:
    with store.session() as run:
        return [int(r[0]) for r in run("select hits from throttle_count where key_hash = :k", {"k": key_hash})]


def test_throttle_window_slides_over_the_previous_bucket(store: Store) -> None:
    seconds = Seconds(6000.0)
    limiter = StoreThrottle(store, SECRET, 4, 60.0, clock=seconds)
    assert all(limiter.wait("a") == 0.0 for _ in range(4))
    seconds.now = 6060.0 + 15  # a quarter into the next bucket: 4 × 0.75 = 3 still count
    assert limiter.wait("a") == 0.0
    assert limiter.wait("a") > 0
    seconds.now = 6060.0 + 45  # three quarters in: 4 × 0.25 + 1 = 2
    assert limiter.wait("a") == 0.0 and limiter.wait("a") == 0.0
    assert limiter.wait("a") > 0
    seconds.now = 6180.0 + 1  # two buckets later nothing of the old hits is left
    assert all(limiter.wait("a") == 0.0 for _ in range(4))


def test_the_wait_it_reports_is_enough(store: Store) -> None:
    seconds = Seconds(6000.0 + 20)
    limiter = StoreThrottle(store, SECRET, 2, 60.0, clock=seconds)
    assert limiter.wait("a") == 0.0 and limiter.wait("a") == 0.0
    wait = limiter.wait("a")
    assert 0 < wait <= 60.0 + 60.0 / 2
    seconds.now += wait
    assert limiter.wait("a") == 0.0


def test_two_replicas_share_one_budget(url: str, store: Store) -> None:  # noqa: F811
    seconds = Seconds(6000.0)
    other = open_store(url)
    try:
        one = StoreThrottle(store, SECRET, 5, 600.0, clock=seconds)
        two = StoreThrottle(other, SECRET, 5, 600.0, clock=seconds)
        allowed = [(one if i % 2 else two).wait("10.0.0.7") == 0.0 for i in range(8)]
        assert allowed == [True] * 5 + [False] * 3
    finally:
        other.close()


def test_concurrent_hits_never_exceed_the_limit(url: str, store: Store) -> None:  # noqa: F811
    seconds = Seconds(6000.0)
    limiter = StoreThrottle(store, SECRET, 20, 600.0, clock=seconds)
    results: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        mine = [limiter.wait("same") == 0.0 for _ in range(15)]
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 60 and sum(results) == 20


def test_no_address_is_stored_in_clear(url: str, store: Store) -> None:  # noqa: F811
    StoreThrottle(store, SECRET, 5, 60.0).wait("203.0.113.9")
    stored = raw_sql(url, "select key_hash from throttle_count")
    assert stored and all("203.0.113.9" not in row[0] for row in stored)
    with pytest.raises(StoreValidationError):
        store.hit_throttle("203.0.113.9", 5, 60.0, 1.0)
