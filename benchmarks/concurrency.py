"""Benchmark: many viewers at once, one server process vs the multi-process deployment (deploy/).

Usage:  .venv/bin/python benchmarks/concurrency.py [--sessions 1 10 20 40] [--page ""] [--processes N]

Builds a store from data/sample (the command line), then for each mode
  single  `streamlit run app.py` (what `make run` starts): one process, one core;
  multi   deploy/run_multi.sh: N processes (default: the CPU cores, at least 2) behind nginx;
opens N sessions at the same moment (loopback, each from its own 127.0.x.1 address so nginx spreads
them as it would spread visitors), each running the page once (default 总览), and prints per N:
p50 / p95 seconds from connecting to the server's script_finished (every element computed and
sent; the browser's chart drawing is not included), server CPU seconds over the batch and per page,
and the servers' resident memory (MB, all processes, nginx included) after the batch. Pages are warm
(each process ran the page before). The load average at the start is printed: on a shared machine
the figures are only comparable within one run.
"""
from __future__ import annotations

import argparse
import asyncio
import glob
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from stclient import client_ip, free_port, many, run_page, wait_health  # noqa: E402

CLK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree(pid: int) -> list[int]:
    """pid and all its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            kids = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            kids = []
        todo += [int(k) for k in kids]
    return out


def _cpu_rss(pids: list[int]) -> tuple[float, float]:
    cpu = rss = 0.0
    for p in pids:
        try:
            stat = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(stat[11]) + int(stat[12])) / CLK
            rss += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * PAGE / 2**20
        except (OSError, IndexError, ValueError):
            pass
    return cpu, rss


def _start(mode: str, db: Path, processes: int, run_dir: Path):
    env = {**os.environ, "PARK_DB": str(db), "PARK_THROTTLE_DB": str(run_dir / "throttle.sqlite")}
    port = free_port()
    if mode == "single":
        cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.headless", "true", "--server.fileWatcherType", "none"]
    else:
        env.update(PORT=str(port), BASE_PORT=str(free_port()), LISTEN="127.0.0.1", PARK_RUN_DIR=str(run_dir))
        cmd = ["bash", "deploy/run_multi.sh", str(processes)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    wait_health(url, proc, 180)
    if mode == "multi":   # nginx answers before every backend does: the start script waits for them
        time.sleep(1.0)
    return proc, url


def _stop(proc) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def _warm(url: str, page: str, sessions: int) -> None:
    """Run the page from as many addresses as there will be sessions: every process is warm."""
    async def go():
        for i in range(0, sessions, 10):
            await asyncio.gather(*(run_page(url, page, local_ip=client_ip(j), timeout_s=300)
                                   for j in range(i, min(sessions, i + 10))))
    asyncio.run(go())


def measure(mode: str, db: Path, sessions: list[int], page: str, processes: int) -> list[dict]:
    run_dir = Path(tempfile.mkdtemp(prefix=f"park-{mode}-"))
    proc, url = _start(mode, db, processes, run_dir)
    rows = []
    try:
        _warm(url, page, max(sessions))
        for n in sessions:
            pids = _tree(proc.pid)
            cpu0, _ = _cpu_rss(pids)
            t0 = time.perf_counter()
            runs = asyncio.run(many(url, n, page))
            wall = time.perf_counter() - t0
            cpu1, rss = _cpu_rss(_tree(proc.pid))
            bad = [r.status for r in runs if r.status != "FINISHED_SUCCESSFULLY"]
            times = sorted(r.seconds for r in runs)
            p95 = times[min(len(times) - 1, max(0, int(round(0.95 * len(times))) - 1))]
            rows.append({"mode": mode, "n": n, "p50": statistics.median(times), "p95": p95, "wall": wall,
                         "cpu": cpu1 - cpu0, "cpu_page_ms": (cpu1 - cpu0) / n * 1000, "rss_mb": rss, "bad": len(bad)})
    finally:
        _stop(proc)
        shutil.rmtree(run_dir, ignore_errors=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 20, 40])
    ap.add_argument("--page", default="", help='url_path of the page ("" = 总览)')
    ap.add_argument("--processes", type=int, default=max(2, os.cpu_count() or 2))
    ap.add_argument("--modes", nargs="+", default=["single", "multi"])
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="park-bench-"))
    db = tmp / "park.duckdb"
    files = sorted(glob.glob(str(ROOT / "data" / "sample" / "*.xlsx")))
    subprocess.run([sys.executable, "-m", "analytics", "load", *files, "--db", str(db)], cwd=ROOT, check=True,
                   capture_output=True)
    load = os.getloadavg()
    print(f"负载（1/5/15 分钟）：{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}，CPU 核数 {os.cpu_count()}；"
          f"页面：{args.page or '总览'}；多进程：{args.processes} 个进程 + nginx")
    rows = []
    try:
        for mode in args.modes:
            rows += measure(mode, db, args.sessions, args.page, args.processes)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n{'mode':<8}{'N':>4}{'p50 s':>8}{'p95 s':>8}{'wall s':>8}{'CPU s':>8}{'CPU/页 ms':>11}{'RSS MB':>9}{'失败':>5}")
    for r in rows:
        print(f"{r['mode']:<8}{r['n']:>4}{r['p50']:>8.2f}{r['p95']:>8.2f}{r['wall']:>8.2f}{r['cpu']:>8.2f}"
              f"{r['cpu_page_ms']:>11.0f}{r['rss_mb']:>9.0f}{r['bad']:>5}")
    print(f"\n结束时负载：{os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
