"""The Cek Status journey of bench/sessions.py through HAProxy, against one replica and against several, in one run.

    python bench/cluster.py --data-dir data                          # 1 and 2 replicas; 10, 25, 50 sessions
    python bench/cluster.py --data-dir data --replicas 1,2,3 --sessions 50 --journeys 3

Each configuration is started with `scripts/cluster start` (the deployment of deploy/README.md on loopback: HAProxy,
the replicas, the throwaway PostgreSQL of scripts/pg-test-server as the store, in a fresh schema per run), then the
sessions of bench/sessions.py run their journeys through the balancer (every new session is a new websocket, which
the balancer hands out round-robin). Per level it prints the interactions, p50/p95 of one interaction's latency
and the CPU time of all replicas together per interaction. The search limits are raised for the run (one address
sends every search). The machine's cores bound what more replicas can give: on 2 cores, 2 replicas.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO_DIR = BENCH.parent
sys.path.insert(0, str(BENCH))

from sessions import cpu_seconds, free_port, level, percentile, warm_up  # noqa: E402


def cluster(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        ["bash", str(REPO_DIR / "scripts" / "cluster"), *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"error: scripts/cluster {' '.join(args)} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout.strip()


def store_url() -> str:
    """A fresh schema in the throwaway PostgreSQL, so each run starts from an empty store."""
    import psycopg
    from psycopg import sql

    base = subprocess.run(
        ["bash", str(REPO_DIR / "scripts" / "pg-test-server"), "start"], capture_output=True, text=True, check=True
    ).stdout.strip()
    schema = f"bench_{secrets.token_hex(4)}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(sql.SQL("create schema {}").format(sql.Identifier(schema)))
    return f"{base}?options=-csearch_path%3D{schema}"


def run(data_dir: Path, replicas: int, levels: list[int], journeys: int, seed: int) -> list[dict]:
    state = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-cluster-{secrets.token_hex(4)}"
    port = free_port()
    env = {
        **os.environ,
        "PORTAL_DATA_DIR": str(data_dir),
        "PORTAL_DB_URL": store_url(),
        "PORTAL_REPLICAS": str(replicas),
        "PORTAL_CLUSTER_PORT": str(port),
        "PORTAL_CLUSTER_DIR": str(state),
        "PORTAL_CLUSTER_SETUP": "0",
        "PORTAL_SEARCH_LIMIT": "1000000/600",
        "PORTAL_SEARCH_LIMIT_ADDRESS": "1000000/600",
    }
    url = cluster(env, "start")
    rows = []
    try:
        pids = [int((state / f"replica-{k}.pid").read_text()) for k in range(1, replicas + 1)]
        for _ in range(replicas):  # one warm-up per replica: imports and first queries everywhere
            asyncio.run(warm_up(url, "cek"))
        for sessions in levels:
            before = sum(cpu_seconds(pid) for pid in pids)
            tally = asyncio.run(level(url, "cek", sessions, journeys, seed))
            cpu = sum(cpu_seconds(pid) for pid in pids) - before
            n = len(tally.latencies)
            rows.append(
                {
                    "replicas": replicas,
                    "sessions": sessions,
                    "interactions": n,
                    "p50": percentile(tally.latencies, 0.5),
                    "p95": percentile(tally.latencies, 0.95),
                    "cpu": cpu / n,
                    "errors": len(tally.exceptions),
                }
            )
            print(
                f"  {replicas} replica(s), {sessions} sessions: {n} interactions, p50 {rows[-1]['p50']:.3f} s, "
                f"p95 {rows[-1]['p95']:.3f} s, CPU {1000 * rows[-1]['cpu']:.1f} ms per interaction",
                flush=True,
            )
    finally:
        cluster(env, "stop")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("PORTAL_DATA_DIR", REPO_DIR / "data")))
    parser.add_argument("--replicas", default="1,2", help="comma-separated replica counts")
    parser.add_argument("--sessions", default="10,25,50", help="comma-separated concurrency levels")
    parser.add_argument("--journeys", type=int, default=2, help="journeys per session per level")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not (args.data_dir / "register" / "manifest.json").is_file():
        sys.exit(f"error: no register in {args.data_dir} (python -m portal setup builds the demo)")
    levels = [int(n) for n in args.sessions.split(",")]
    rows = []
    for replicas in (int(n) for n in args.replicas.split(",")):
        rows += run(args.data_dir.resolve(), replicas, levels, args.journeys, args.seed)
    cores = os.cpu_count()
    print(f"\nCek Status through HAProxy, {cores} cores, journeys of 6 interactions, {args.journeys} per session")
    print("| replicas | sessions | interactions | p50 (s) | p95 (s) | CPU per interaction (ms) | errors |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['replicas']} | {row['sessions']} | {row['interactions']} | {row['p50']:.3f} | {row['p95']:.3f} "
            f"| {1000 * row['cpu']:.1f} | {row['errors']} |"
        )
    by = {(r["replicas"], r["sessions"]): r for r in rows}
    for sessions in levels:
        counts = sorted({r["replicas"] for r in rows})
        if len(counts) > 1:
            base = by[(counts[0], sessions)]["p95"]
            ratios = ", ".join(f"{n}: {by[(n, sessions)]['p95'] / base:.2f}" for n in counts[1:])
            print(f"p95 at {sessions} sessions relative to {counts[0]} replica(s): {ratios}")


if __name__ == "__main__":
    main()
