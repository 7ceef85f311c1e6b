"""Warm script run time of every dashboard page (median of repeated AppTest runs, milliseconds).

    .venv/bin/python benchmarks/pages.py [--sample PATH] [--benchmark PATH] [--repeat 7]

Stores: the sample store (built from data/sample/*.xlsx with `python -m analytics load` into a temp
file, or --sample PATH), and the province-scale benchmark store benchmarks/out/province.duckdb
(benchmarks/build_store.py). Each store is copied to a temp file first (the app opens it read-write).
"Warm" = the page has run once (caches filled) and the runs timed change nothing; the time is the
whole AppTest run (script + Streamlit's own work), so it is an upper bound of the server's script time.
Targets (issue 4): < 300 ms on the sample store, < 1 s on the benchmark store.
"""
from __future__ import annotations

import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.catalogue import DASHBOARD_PAGES  # noqa: E402  (the one list of pages)

# the data pages (the briefing page builds its files on demand; timed by benchmarks/briefing.py)
PAGES = {p.title: p.script for p in DASHBOARD_PAGES if p.path != "briefing"}
TARGET_MS = {"sample": 300, "benchmark": 1000}


def _keep_navigation_mode() -> None:
    """See tests/test_pages.py: AppTest would otherwise rerun pages without app.py."""
    from streamlit.runtime.pages_manager import PagesManager
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init


def time_pages(db: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """{page title: (cold ms, warm median ms)} for the store at `db`."""
    from streamlit.testing.v1 import AppTest
    os.environ["PARK_DB"] = str(db)
    out = {}
    for title, page in PAGES.items():
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.run()
        at.switch_page(page)
        t0 = time.perf_counter()
        at.run()
        cold = (time.perf_counter() - t0) * 1000
        if at.exception:
            raise RuntimeError(f"{title}: {at.exception[0].value}")
        runs = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            at.run()
            runs.append((time.perf_counter() - t0) * 1000)
        out[title] = (cold, statistics.median(runs))
    return out


def _sample_store(tmp: Path) -> Path | None:
    files = sorted(glob.glob(str(ROOT / "data" / "sample" / "*.xlsx")))
    db = tmp / "sample.duckdb"
    if not files:
        return None
    proc = subprocess.run([sys.executable, "-m", "analytics", "load", *files, "--db", str(db)], cwd=ROOT,
                          capture_output=True, text=True)
    return db if proc.returncode == 0 else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=Path, help="a sample store to use instead of loading data/sample")
    ap.add_argument("--benchmark", type=Path, default=ROOT / "benchmarks" / "out" / "province.duckdb")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    _keep_navigation_mode()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        stores = {}
        sample = args.sample or _sample_store(tmp)
        if sample is None:
            print("示例数据库不可用（data/sample 或 load 命令缺失），只测基准库")
        else:
            stores["sample"] = sample
        if args.benchmark.exists():
            stores["benchmark"] = args.benchmark
        else:
            print(f"基准库 {args.benchmark} 不存在：先运行 benchmarks/build_store.py")
        results = {}
        for kind, src in stores.items():
            db = tmp / f"{kind}_copy.duckdb"
            shutil.copy(src, db)
            results[kind] = time_pages(db, args.repeat)
    print(f"{'页面':<8}" + "".join(f"{k + ' 冷/热(ms)':>26}" for k in results))
    for title in PAGES:
        row = f"{title:<8}"
        for kind, res in results.items():
            cold, warm = res[title]
            flag = "" if warm < TARGET_MS[kind] else " 超标"
            row += f"{cold:>14.0f} / {warm:>6.0f}{flag:>4}"
        print(row)


if __name__ == "__main__":
    main()
