"""Concurrent sessions against one `streamlit run` of the portal, over Streamlit's own websocket protocol.

    python bench/sessions.py --data-dir /tmp/demo                        # 10, 25, 50 sessions, Cek Status
    python bench/sessions.py --data-dir /tmp/demo --repeat 3             # three fresh servers, medians
    python bench/sessions.py --data-dir /tmp/demo --app-dir /tmp/before  # another checkout of the portal
    python bench/sessions.py --data-dir /tmp/demo --journey daftar --sessions 10 --profile /tmp/daftar.prof

Starts the portal (`python -m streamlit run app.py`, as tests/browser/conftest.py does) on a free loopback port,
then every session is a new websocket on `/_stcore/stream` speaking protobuf `BackMsg`/`ForwardMsg` like the
browser does: a `rerun_script` with the page, the widget states and (for a widget inside a fragment) the
fragment's id, then the `ForwardMsg`s of that run up to `script_finished`. A journey is one new session:

- `cek` (Cek Status): open the page, choose provinsi → kab/kota → kecamatan → desa (a random option at each level,
  seeded; half the journeys go to one of the kab/kota the demo builds at full density), submit a search for one
  of ten common names (6 interactions);
- `daftar` (Daftar Uji Publik): open the page, choose provinsi → kab/kota → kecamatan → desa (5);
- `beranda` (Beranda): open the page, switch the map's indicator twice (3).

All sessions of a level run at once, each journey after the other without a pause (a closed loop: the latency
is mostly queueing behind the other sessions). Per level it prints interactions, the wall latency of one
interaction (sent → `script_finished`) p50/p95, and the server process's CPU time (user + system, all threads,
from /proc/<pid>/stat) divided by the interactions. With --repeat, each repeat starts a fresh server (cold
caches, same seeds) and the table gives medians over the repeats.

The search throttle would refuse most searches from one address, so the server runs with
PORTAL_SEARCH_LIMIT and PORTAL_SEARCH_LIMIT_ADDRESS raised to 1000000/600. --profile FILE runs the server under
bench/profiled_server.py, which profiles every script run after the warm-up (cProfile, in CPU time) and writes
the merged stats to FILE.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

REPO_DIR = Path(__file__).resolve().parent.parent
PAGES = {"cek": "cek_status", "daftar": "daftar_uji_publik", "beranda": ""}
LEVELS = ("Provinsi", "Kabupaten/kota", "Kecamatan", "Desa/kelurahan")
# The demo builds these kab/kota at full density (most desa elsewhere hold a handful of people): half the
# journeys go to one of them, so that searches also find names and draw their result cards.
DENSE = (
    ("Daerah Khusus Ibukota Jakarta", "Kota Administrasi Jakarta Pusat"),
    ("Daerah Khusus Ibukota Jakarta", "Kabupaten Administrasi Kepulauan Seribu"),
    ("Daerah Istimewa Yogyakarta", "Kota Yogyakarta"),
)
NAMES = ("siti", "budi", "ahmad", "nur", "sri", "agus", "dewi", "wati", "eko", "rahma")
DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all its threads, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


@contextlib.contextmanager
def serve(app_dir: Path, data_dir: Path, profile: Path | None) -> Iterator[tuple[str, int]]:
    """The portal in `app_dir` on a free loopback port, serving `data_dir`; yields (url, pid)."""
    port = free_port()
    store = Path(tempfile.mkdtemp(prefix="bench-sessions-")) / "portal.db"
    env = {
        **os.environ,
        "PORTAL_DATA_DIR": str(data_dir),
        "PORTAL_DB_URL": f"sqlite:///{store}",
        "PORTAL_SEARCH_LIMIT": "1000000/600",
        "PORTAL_SEARCH_LIMIT_ADDRESS": "1000000/600",
        "PYTHONPATH": str(app_dir),
    }
    launcher = ["-m", "streamlit"]
    if profile is not None:
        launcher = [str(REPO_DIR / "bench" / "profiled_server.py"), str(profile)]
    options = ["--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"]
    options += ["--browser.gatherUsageStats", "false"]
    # What `python -m portal run` serves (asgi.py: the pages behind the portal's middleware), or app.py in a checkout
    # from before it existed.
    entry = app_dir / "asgi.py" if (app_dir / "asgi.py").is_file() else app_dir / "app.py"
    env["FORWARDED_ALLOW_IPS"] = "0.0.0.0/32"
    log = store.with_name("streamlit.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, *launcher, "run", str(entry), *options],
        cwd=app_dir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                sys.exit(f"error: streamlit exited with {proc.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    sys.exit(f"error: streamlit not healthy after 60 s; see {log.name}")
                time.sleep(0.2)
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@dataclass
class Widget:
    kind: str
    id: str
    fragment_id: str
    options: list[str] = field(default_factory=list)


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    results: dict[str, int] = field(default_factory=dict)


class Session:
    """One browser tab, as far as the server can tell: the widget states it has sent and the widgets it saw."""

    def __init__(self, ws: object, tally: Tally) -> None:
        self.ws = ws
        self.tally = tally
        self.states: dict[str, WidgetState] = {}
        self.widgets: dict[str, Widget] = {}
        self.texts: list[str] = []
        self.page_hash = ""

    async def rerun(self, page_name: str = "", fragment_id: str = "", triggers: tuple[str, ...] = ()) -> None:
        """Send one rerun (as the browser does after an interaction) and read up to its `script_finished`."""
        msg = BackMsg()
        state = msg.rerun_script
        state.page_script_hash = self.page_hash
        state.page_name = page_name
        state.fragment_id = fragment_id
        state.context_info.timezone = "Asia/Jakarta"
        state.context_info.locale = "id-ID"
        state.widget_states.widgets.extend(self.states.values())
        for trigger in triggers:
            state.widget_states.widgets.add(id=trigger, trigger_value=True)
        self.texts = []
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(await self.ws.recv())
            kind = reply.WhichOneof("type")
            if kind == "navigation":
                self.page_hash = reply.navigation.page_script_hash
            elif kind == "delta":
                self._delta(reply.delta)
            elif kind == "script_finished" and reply.script_finished in DONE:
                self.tally.latencies.append(time.perf_counter() - started)
                return
            elif kind == "script_finished" and reply.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                raise RuntimeError("the page did not compile")

    def _delta(self, delta: object) -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.tally.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif kind in ("selectbox", "text_input", "button"):
            proto = getattr(element, kind)
            options = list(proto.options) if kind == "selectbox" else []
            self.widgets[proto.label] = Widget(kind, proto.id, delta.fragment_id, options)
        elif kind == "markdown":
            self.texts.append(element.markdown.body)
        elif kind == "alert":
            self.texts.append(element.alert.body)

    async def choose(self, label: str, rng: random.Random, option: str | None = None) -> None:
        """Pick `option` (or a random option) of the select box labelled `label`, as a person would."""
        widget = self.widgets.get(label)
        if widget is None or not widget.options:
            raise LookupError(f"no select box {label!r} with options")
        if option is None:
            option = rng.choice(widget.options)
        elif option not in widget.options:
            raise LookupError(f"no option {option!r} in {label!r}")
        self.states[widget.id] = WidgetState(id=widget.id, string_value=option)
        await self.rerun(fragment_id=widget.fragment_id)

    async def search(self, name: str) -> None:
        """Type a name into the search form and press Cari: the form's values go with the submit trigger."""
        box, button = self.widgets["Nama (paling sedikit 3 huruf)"], self.widgets["Cari"]
        self.states[box.id] = WidgetState(id=box.id, string_value=name)
        await self.rerun(fragment_id=button.fragment_id, triggers=(button.id,))


async def journey(url: str, kind: str, rng: random.Random, tally: Tally) -> None:
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    async with connect(ws_url, subprotocols=[Subprotocol("streamlit")], max_size=None) as ws:
        session = Session(ws, tally)
        await session.rerun(page_name=PAGES[kind])
        if kind == "beranda":
            for _ in range(2):
                await session.choose("Indikator peta", rng)
            return
        dense = rng.choice(DENSE) if rng.random() < 0.5 else (None, None)
        for label, option in zip(LEVELS, (*dense, None, None), strict=True):
            await session.choose(label, rng, option)
        if kind == "cek":
            await session.search(rng.choice(NAMES))
            text = "\n".join(session.texts)
            outcome = "found" if " hasil di " in text else "not found" if "tidak ditemukan" in text else "other"
            tally.results[outcome] = tally.results.get(outcome, 0) + 1


async def warm_up(url: str, kind: str) -> None:
    """Open the home page first, then one journey: imports, first queries. The home page first matters: until
    some session has run app.py (and with it st.navigation), Streamlit treats the `pages/` folder as a
    version-1 multipage app and runs a page opened by URL without app.py."""
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    async with connect(ws_url, subprotocols=[Subprotocol("streamlit")], max_size=None) as ws:
        await Session(ws, Tally()).rerun()
    await level(url, kind, 1, 1, seed=-1)


async def level(url: str, kind: str, sessions: int, journeys: int, seed: int) -> Tally:
    tally = Tally()

    async def one(number: int) -> None:
        rng = random.Random(f"{seed}/{sessions}/{number}")
        for _ in range(journeys):
            try:
                await journey(url, kind, rng, tally)
            except LookupError as error:  # an empty kecamatan, say: counted, not fatal
                tally.exceptions.append(f"driver: {error}")

    await asyncio.gather(*(one(n) for n in range(sessions)))
    return tally


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("PORTAL_DATA_DIR", REPO_DIR / "data")))
    parser.add_argument("--app-dir", type=Path, default=REPO_DIR, help="the portal checkout to serve")
    parser.add_argument("--journey", choices=sorted(PAGES), default="cek")
    parser.add_argument("--sessions", default="10,25,50", help="comma-separated concurrency levels")
    parser.add_argument("--journeys", type=int, default=2, help="journeys per session per level")
    parser.add_argument("--repeat", type=int, default=1, help="fresh servers; the table gives medians")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", type=Path, help="profile the script runs into this pstats file")
    args = parser.parse_args()
    levels = [int(n) for n in args.sessions.split(",")]
    app_dir, data_dir = args.app_dir.resolve(), args.data_dir.resolve()

    rows: dict[int, list[tuple[int, float, float, float]]] = {n: [] for n in levels}
    for repeat in range(args.repeat):
        with serve(app_dir, data_dir, args.profile) as (url, pid):
            asyncio.run(warm_up(url, args.journey))
            if args.profile is not None:
                os.kill(pid, signal.SIGUSR1)  # profile what follows the warm-up only
            for n in levels:
                before = cpu_seconds(pid)
                started = time.perf_counter()
                tally = asyncio.run(level(url, args.journey, n, args.journeys, args.seed))
                elapsed = time.perf_counter() - started
                cpu = cpu_seconds(pid) - before
                count = len(tally.latencies)
                p50, p95 = percentile(tally.latencies, 0.5), percentile(tally.latencies, 0.95)
                rows[n].append((count, p50, p95, cpu / count))
                print(
                    f"repeat {repeat + 1}: {n} sessions, {count} interactions in {elapsed:.1f} s, "
                    f"p50 {p50:.2f} s, p95 {p95:.2f} s, CPU {cpu:.1f} s = {1000 * cpu / count:.1f} ms each; "
                    f"searches {tally.results or '-'}; exceptions {len(tally.exceptions)}",
                    flush=True,
                )
                for line in sorted(set(tally.exceptions))[:5]:
                    print(f"  {line[:200]}", flush=True)

    print(f"\n{args.journey} journeys on {app_dir} (register {data_dir}), medians of {args.repeat} run(s):\n")
    print("| concurrent sessions | interactions | rerun p50 | rerun p95 | server CPU per rerun |")
    print("|---|---:|---:|---:|---:|")
    for n in levels:
        runs = rows[n]
        median = [statistics.median(run[i] for run in runs) for i in range(4)]
        print(f"| {n} | {int(median[0])} | {median[1]:.2f} s | {median[2]:.2f} s | {1000 * median[3]:.1f} ms |")


if __name__ == "__main__":
    main()
