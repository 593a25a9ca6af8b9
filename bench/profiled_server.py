"""`streamlit run` with every script run profiled: what bench/sessions.py --profile starts.

    python bench/profiled_server.py OUT.prof run app.py [streamlit options]

Each script run (full or fragment) executes under its own cProfile profiler in its script thread, timed in
that thread's CPU time (waits for the GIL or I/O are not counted); at exit the
runs are merged into OUT.prof (read it with `python -m pstats OUT.prof` or `snakeviz`), and OUT.prof.txt gets the
number of runs and the CPU time spent inside them (time.thread_time of the script thread), to set beside the
whole process's CPU time (websocket, serialisation and the rest live outside the script thread). SIGUSR1 forgets
the runs so far, so that imports and first queries of a warm-up stay out of the figures.
"""

from __future__ import annotations

import atexit
import cProfile
import pstats
import signal
import sys
import threading
import time
from pathlib import Path

from streamlit.runtime.scriptrunner import script_runner
from streamlit.web import cli

OUT = Path(sys.argv.pop(1))
_lock = threading.Lock()
_profiles: list[cProfile.Profile] = []
_totals = {"runs": 0, "cpu": 0.0}
_original = script_runner.ScriptRunner._run_script


def _profiled(self: script_runner.ScriptRunner, rerun_data: object) -> None:
    profile = cProfile.Profile(time.thread_time)  # CPU time of this thread, not wall time
    cpu = time.thread_time()
    profile.enable()
    try:
        _original(self, rerun_data)
    finally:
        profile.disable()
        with _lock:
            _profiles.append(profile)
            _totals["runs"] += 1
            _totals["cpu"] += time.thread_time() - cpu


def _dump() -> None:
    with _lock:
        if not _profiles:
            return
        stats = pstats.Stats(_profiles[0])
        for profile in _profiles[1:]:
            stats.add(profile)
        stats.dump_stats(OUT)
        runs, cpu = _totals["runs"], _totals["cpu"]
        OUT.with_name(OUT.name + ".txt").write_text(
            f"script runs {runs}, CPU in script threads {cpu:.2f} s, {1000 * cpu / runs:.1f} ms per run\n"
        )


def _reset(*_: object) -> None:
    """SIGUSR1: forget the runs so far (bench/sessions.py sends it after its warm-up)."""
    with _lock:
        _profiles.clear()
        _totals.update(runs=0, cpu=0.0)


script_runner.ScriptRunner._run_script = _profiled
signal.signal(signal.SIGUSR1, _reset)
atexit.register(_dump)
sys.argv[0] = "streamlit"
cli.main()
