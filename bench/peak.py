"""Run a command and report its wall time, CPU time and peak memory, child processes included.

    python bench/peak.py [--json FILE] -- python -m portal demo --provinces 32 --individuals 8000000 --out DIR

`ru_maxrss` (what `/usr/bin/time -v` prints) is the largest single process; a demo build with
PORTAL_BUILD_WORKERS > 1 runs several, so this also samples the summed RSS of the whole process tree from /proc
every 0.2 s (a peak shorter than that can be missed). The command's output is passed through, each line prefixed
with the elapsed seconds and the tree's peak RSS so far, so the peak of each phase of a build can be read off.
Prints one line at the end; `--json` also writes the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _tree_rss(pid: int) -> int:
    """Summed VmRSS (bytes) of `pid` and its descendants."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
                    break
        except OSError:
            continue
        todo.extend(_children(current))
    return total


def measure(command: list[str]) -> dict:
    """Run `command`; wall s, user+sys CPU s, largest process RSS and sampled tree RSS (bytes), exit status."""
    started = time.monotonic()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # progress lines as they come, not at exit
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1, env=env)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], _tree_rss(child.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert child.stdout is not None
    for line in child.stdout:
        peak[0] = max(peak[0], _tree_rss(child.pid))
        print(f"[{time.monotonic() - started:7.1f} s, peak {peak[0] / 1024**3:.2f} GiB] {line}", end="", flush=True)
    _, status, usage = os.wait4(child.pid, 0)
    done.set()
    sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    return {
        "command": command,
        "wall_s": round(time.monotonic() - started, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "max_process_rss_bytes": usage.ru_maxrss * 1024,
        "tree_rss_bytes": peak[0],
        "exit": child.returncode,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    figures = measure(command)
    gb = 1024**3
    print(
        f"wall {figures['wall_s']} s, CPU {figures['cpu_s']} s, "
        f"largest process {figures['max_process_rss_bytes'] / gb:.2f} GiB, "
        f"process tree {figures['tree_rss_bytes'] / gb:.2f} GiB (sampled), exit {figures['exit']}",
        file=sys.stderr,
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return figures["exit"]


if __name__ == "__main__":
    sys.exit(main())
