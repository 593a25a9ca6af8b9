"""Durability: processes x threads submit at once, a writer process is SIGKILLed mid-way; nothing acknowledged is lost.

Each submitter thread appends `code key` to its own acknowledgement file, flushed and fsynced, only after `submit`
returned; and it decides every third ticket it submitted, appending `decided code` after `decide` returned (a
decision writes the ticket, its lifecycle row, the history, the audit line and the citizen's outbox row at once).
A line that is not complete (the victim died while writing it) was never acknowledged. Some keys are shared by
every thread of every process, so the same key is submitted concurrently and repeatedly.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from portal.store import Submission, open_store
from tests.test_store import BACKENDS, fresh_url, raw_sql

WORKERS = 4  # plus the victim
THREADS = 4
PER_THREAD = 50
SHARED_KEYS = 12
KILL_AFTER_ACKS = 40
DEADLINE_S = 50.0


def key_for(worker: int, thread: int, n: int) -> str:
    """Every third submission reuses one of a few keys shared by all submitters; the others are unique."""
    if n % 3 == 0:
        return f"shared-idempotency-{(n // 3) % SHARED_KEYS:04d}"
    return f"w{worker}-t{thread}-n{n:05d}-unique"


def submission(worker: int, thread: int, n: int) -> Submission:
    """A valid submission; some carry a photo so that a transaction writes three tables."""
    photo = bytes([worker, thread, n % 256]) * 200 if n % 4 == 1 else None
    return Submission(
        jenis="sanggahan",
        kategori="data ganda",
        kode_desa=f"34710{worker:02d}{thread:03d}",
        periode="2026-09",
        row_token=f"w{worker}t{thread}n{n}",
        kontak=f"warga{worker}.{thread}@contoh.id",
        deskripsi=f"pengajuan {n} dari proses {worker} benang {thread} 🙂",
        foto=photo,
        foto_mime="image/jpeg" if photo else None,
        persetujuan=True,
        idempotency_key=key_for(worker, thread, n),
    )


def run_worker(url: str, ack_dir: str, worker: int, count: int | None, seconds: float) -> None:
    """One writer process: THREADS threads, each submitting `count` times (None: until killed) within `seconds`."""
    deadline = time.monotonic() + seconds
    store = open_store(url)
    errors: list[BaseException] = []

    def submit_loop(thread: int) -> None:
        path = Path(ack_dir) / f"ack-{worker}-{thread}.txt"
        try:
            with path.open("a", encoding="utf-8") as acks:
                n = 0
                while (count is None or n < count) and time.monotonic() < deadline:
                    ticket = store.submit(submission(worker, thread, n))
                    acks.write(f"{ticket.code} {key_for(worker, thread, n)}\n")
                    acks.flush()
                    os.fsync(acks.fileno())
                    if n % 3 == 1:  # a unique key, so no other thread decides this ticket
                        store.decide(ticket.code, "diterima", "TERBUKTI", f"cek {n}", f"op-{worker}", "kabupaten")
                        acks.write(f"decided {ticket.code}\n")
                        acks.flush()
                        os.fsync(acks.fileno())
                    n += 1
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=submit_loop, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.close()
    if errors:
        raise errors[0]


def read_acks(ack_dir: Path, worker: int | None = None) -> list[tuple[str, str]]:
    """(code, key) of every complete acknowledgement line (of one worker, or all)."""
    pattern = f"ack-{worker}-*.txt" if worker is not None else "ack-*.txt"
    acks = []
    for path in ack_dir.glob(pattern):
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines(keepends=True):
            if line.endswith("\n") and not line.startswith("decided "):
                code, key = line.split()
                acks.append((code, key))
    return acks


def read_decisions(ack_dir: Path) -> set[str]:
    """The codes of every acknowledged decision."""
    lines = (line for path in ack_dir.glob("ack-*.txt") for line in path.read_text("utf-8").splitlines(True))
    return {line.split()[1] for line in lines if line.startswith("decided ") and line.endswith("\n")}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("backend", BACKENDS)
def test_acknowledged_tickets_survive_a_killed_writer(backend: str, tmp_path: Path) -> None:
    ack_dir = tmp_path / "acks"
    ack_dir.mkdir()
    with fresh_url(backend, tmp_path) as url:
        open_store(url).close()  # schema in place before the writers race
        ctx = multiprocessing.get_context("spawn")
        deadline = time.monotonic() + DEADLINE_S
        victim_id = WORKERS
        # The victim submits until it is killed (its time limit only guards against a runaway process).
        victim = ctx.Process(target=run_worker, args=(url, str(ack_dir), victim_id, None, DEADLINE_S))
        workers = [
            ctx.Process(target=run_worker, args=(url, str(ack_dir), w, PER_THREAD, DEADLINE_S)) for w in range(WORKERS)
        ]
        for process in [victim, *workers]:
            process.start()
        try:
            while len(read_acks(ack_dir, victim_id)) < KILL_AFTER_ACKS:
                assert victim.is_alive(), f"the victim died on its own (exit code {victim.exitcode})"
                assert time.monotonic() < deadline, "the victim acknowledged too little in time"
                time.sleep(0.01)  # polling the acknowledgement files
            others_running = sum(p.is_alive() for p in workers)
            os.kill(victim.pid, signal.SIGKILL)
            victim.join(timeout=10)
            for process in workers:
                process.join(timeout=max(1.0, deadline - time.monotonic()))
        finally:
            for process in [victim, *workers]:
                if process.is_alive():
                    process.kill()
                    process.join(timeout=5)
        assert victim.exitcode == -signal.SIGKILL
        assert others_running > 0, "every other writer had finished before the kill"
        assert [p.exitcode for p in workers] == [0] * WORKERS

        acks = read_acks(ack_dir)
        assert len(read_acks(ack_dir, victim_id)) >= KILL_AFTER_ACKS
        assert len([a for a in acks if not a[1].startswith("shared-")]) >= WORKERS * THREADS * PER_THREAD * 2 // 3
        stored = dict(raw_sql(url, "select code, idempotency_key from ticket"))
        # every acknowledged ticket is there, under the key it was acknowledged for
        missing = [(code, key) for code, key in acks if stored.get(code) != key]
        assert not missing, f"{len(missing)} acknowledged tickets lost, e.g. {missing[:3]}"
        # a repeated key always got the same ticket, and the database holds one ticket per key
        codes_by_key: dict[str, set[str]] = {}
        for code, key in acks:
            codes_by_key.setdefault(key, set()).add(code)
        assert all(len(codes) == 1 for codes in codes_by_key.values())
        assert len(set(stored.values())) == len(stored)
        assert len([key for key in stored.values() if key.startswith("shared-")]) <= SHARED_KEYS
        # every acknowledged decision is there, with its audit line and the citizen's message
        decided = read_decisions(ack_dir)
        assert len(decided) >= WORKERS * THREADS * PER_THREAD // 4
        stages = dict(raw_sql(url, "select code, tahap from ticket_lifecycle"))
        assert {code for code in decided if stages.get(code) != "diputus"} == set()
        audited = {row[0] for row in raw_sql(url, "select detail from audit_log where action = 'putusan'")}
        assert len(audited) >= len(decided)
        told = {row[0] for row in raw_sql(url, "select code from outbox where kind = 'putusan'")}
        assert decided <= told
        with open_store(url) as store:
            assert store.integrity_check()
            code = next(code for code, key in acks if code not in decided and key.startswith("shared-"))
            view = store.get_ticket(code)
            assert view is not None and [c.status for c in view.history] == ["terdaftar"]
