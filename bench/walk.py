"""Open every page of the portal in a real browser on a given register and time each until its script run ends.

    python bench/walk.py --data-dir bench/out/register-100m [--repeat 3] [--geo DIR]

Serves the portal as `python -m portal run` does (asgi.py) on the register in --data-dir, with DuckDB at the
portal's settings (PORTAL_DUCKDB_MEMORY, 4GB by default) and a throwaway SQLite store holding one pusat official.
Debian's chromium (Playwright, never `playwright install`) opens each public page, signs in, then opens each
internal page: the time from navigation until Streamlit reports the run finished (cold = the first open, then the
median of --repeat more), whether the page showed an error, and at the end the server's peak RSS (VmHWM). It
answers "does every page work on this register, and how long does a load take", where bench/pages.py times the
queries alone. Boundaries are imported into the data directory once when --geo (default ../shared/data/geo) has
them, so the map pages draw their maps.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
if str(REPO_DIR) not in sys.path:
    sys.path.insert(0, str(REPO_DIR))

from portal.accounts import Accounts  # noqa: E402
from portal.geo import import_boundaries  # noqa: E402
from portal.maps.assets import ensure_map_assets  # noqa: E402
from portal.store import open_store  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
USER, PASSWORD = "pusat-bench", secrets.token_urlsafe(18)
RENDERED = "[data-testid=stApp][data-test-script-state=notRunning][data-test-connection-state=CONNECTED]"
PUBLIC = {
    "": "Portal DTKS",
    "cek_status": "Cek Status",
    "daftar_uji_publik": "Daftar Uji Publik",
    "ajukan": "Ajukan Sanggahan / Usul",
    "lacak_tiket": "Lacak Tiket",
    "statistik_publik": "Statistik Publik",
}
INTERNAL = {
    "peta_cakupan": "Peta Cakupan",
    "kemiskinan_ekstrem": "Kemiskinan Ekstrem",
    "kualitas_data": "Kualitas Data",
    "perubahan_periode": "Perubahan Antar Periode",
    "eksplorasi": "Eksplorasi Data",
    "antrean_sanggahan": "Antrean Sanggahan",
    "unggah_data": "Unggah Data",
    "audit": "Log Audit",
}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _wait_healthy(url: str, proc: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"error: the portal exited with status {proc.returncode}; see its log")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"error: the portal did not answer {url}/_stcore/health in {seconds:.0f} s")


def _open(page: object, url: str, heading: str) -> tuple[float, str]:
    """Seconds from navigation until the run finished with the heading shown, and what went wrong if anything."""
    started = time.perf_counter()
    page.goto(url)
    page.locator(RENDERED).wait_for()
    page.locator("h1", has_text=heading).first.wait_for()
    page.locator(RENDERED).wait_for()
    seconds = time.perf_counter() - started
    errors = page.locator("[data-testid=stException]").count()
    text = page.locator("body").inner_text()
    problem = "error shown" if errors or "Traceback" in text else ""
    return seconds, problem


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--geo", type=Path, default=REPO_DIR.parent / "shared" / "data" / "geo")
    args = parser.parse_args()
    data_dir = args.data_dir.resolve()
    if not (data_dir / "register" / "manifest.json").is_file():
        sys.exit(f"error: no register in {data_dir / 'register'}; build one with bench/run.py first")
    if not Path(CHROMIUM).is_file():
        sys.exit(f"error: {CHROMIUM} is missing (apt-get install chromium)")
    if not (data_dir / "geo" / "manifest.json").is_file() and args.geo.is_dir():
        import_boundaries(args.geo, data_dir / "geo", progress=lambda line: print(f"  {line}", flush=True))
    ensure_map_assets(REPO_DIR)

    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="walk-"))
    store_url = f"sqlite:///{work / 'store.db'}"
    store = open_store(store_url)
    try:
        Accounts(store).create_user(USER, PASSWORD, "pusat", "")
    finally:
        store.close()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PORTAL_DATA_DIR": str(data_dir),
        "PORTAL_DB_URL": store_url,
        "PORTAL_SECRET_KEY": secrets.token_hex(32),
        "PORTAL_BASE_TILES": "none",
        "FORWARDED_ALLOW_IPS": "0.0.0.0/32",
    }
    command = [sys.executable, "-m", "streamlit", "run", str(REPO_DIR / "asgi.py"), "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    log = (work / "streamlit.log").open("w")
    proc = subprocess.Popen(command, cwd=REPO_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    rows: list[tuple[str, float, float, str]] = []
    try:
        _wait_healthy(url, proc)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(300_000)

            def walk(pages: dict[str, str]) -> None:
                for path, heading in pages.items():
                    cold, problem = _open(page, f"{url}/{path}", heading)
                    warm = []
                    for _ in range(args.repeat):
                        seconds, again = _open(page, f"{url}/{path}", heading)
                        warm.append(seconds)
                        problem = problem or again
                    row = (f"/{path}", cold, statistics.median(warm), problem or "ok")
                    rows.append(row)
                    print(f"| {row[0]} | {row[1]:.2f} | {row[2]:.2f} | {row[3]} |", flush=True)

            print("| page | first open s | then, median s | result |\n|---|---:|---:|---|", flush=True)
            walk(PUBLIC)
            page.goto(f"{url}/masuk")
            page.locator(RENDERED).wait_for()
            page.get_by_label("Nama pengguna").fill(USER)
            page.get_by_label("Kata sandi").fill(PASSWORD)
            page.get_by_test_id("stBaseButton-secondaryFormSubmit").click()
            page.locator("[data-testid=stSidebarNavLink]", has_text=f"Keluar ({USER})").wait_for(state="attached")
            walk(INTERNAL)
            browser.close()
        print(f"\nServer peak RSS (VmHWM): {_peak_rss_mb(proc.pid):,.0f} MB; load average {os.getloadavg()[0]:.1f}")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        failed = [r for r in rows if r[3] != "ok"]
        if failed:
            print(f"Pages with a problem: {', '.join(r[0] for r in failed)}; server log kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
