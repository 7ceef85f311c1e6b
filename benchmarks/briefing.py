"""Time the whole monthly briefing, end to end, as the scheduled job runs it (a fresh process each time).

    .venv/bin/python benchmarks/build_store.py            # once: benchmarks/out/province.duckdb
    .venv/bin/python benchmarks/briefing.py [--runs 3] [--as-of 2025-06-15] [--no-screenshots]

For the sample store (data/sample/*.xlsx loaded into a temporary store) and the province store, runs
`python -m analytics briefing --timings` (the command the scheduled job runs): without the PDF, with the
PDF when LibreOffice is installed (its step reported apart: pdf_s is the conversion, LibreOffice having
been started in the background while the text and the images were made), and with screenshots.
Reports the wall time (median of --runs), the breakdown of the last run (text, chart images, .docx,
PDF, screenshots) and the load average (the machine is shared: at load 8 on 2 cores every figure is
about 3x its idle value). Targets: < 5 s without screenshots (PDF included), < 20 s with them.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROVINCE = ROOT / "benchmarks" / "out" / "province.duckdb"
TARGETS_S = {False: 5.0, True: 20.0}
# CPU seconds of each step of one briefing, in a fresh process: the steps on the critical path run one
# after another, the chart worker and LibreOffice in processes of their own (their CPU read from /proc).
# On an idle machine with two cores the wall time is about imports + build + images + docx + pdf CPU, as
# long as the worker (which draws while the text is built) and LibreOffice's start fit on the other core.
_CPU = """
import json, os, sys, time
t0 = time.process_time()
from analytics import images, office, procs
images.prestart()
office.prestart()
from analytics import briefing, store
from datetime import date
def tree_cpu(pid):
    tot = 0
    for p in [pid] + procs.descendants(pid):
        try:
            f = open(f'/proc/{p}/stat').read().rsplit(')', 1)[1].split()
            tot += int(f[11]) + int(f[12])
        except OSError:
            pass
    return tot / os.sysconf('SC_CLK_TCK')
out = {'imports_cpu_s': time.process_time() - t0}
con = store.connect(sys.argv[1], read_only=True)
t = time.process_time()
b = briefing.build_briefing(con, date.fromisoformat(sys.argv[2]), on_chart=images.prefetch)
out['build_cpu_s'] = time.process_time() - t
t = time.process_time()
pngs = briefing.chart_pngs(b)
out['images_cpu_s'] = time.process_time() - t          # this process: collecting the prefetched images
out['image_worker_cpu_s'] = tree_cpu(images._shared._proc.pid)   # the worker: start + six images, on the other core
t = time.process_time(); docx = briefing.to_docx(b, pngs); out['docx_cpu_s'] = time.process_time() - t
warm = office._warm
if warm is not None:
    warm.wait_ready(time.monotonic() + 120)
    out['office_start_cpu_s'] = tree_cpu(warm.proc.pid)
    c = tree_cpu(warm.proc.pid)
    ch0 = os.times(); ch0 = ch0.children_user + ch0.children_system
    office.docx_to_pdf(docx)
    ch1 = os.times(); ch1 = ch1.children_user + ch1.children_system
    out['pdf_cpu_s'] = tree_cpu(warm.proc.pid) - c + (ch1 - ch0)
out['critical_path_cpu_s'] = sum(out.get(k, 0) for k in ('imports_cpu_s', 'build_cpu_s', 'images_cpu_s', 'docx_cpu_s', 'pdf_cpu_s'))
print(json.dumps(out))
"""


def cpu_breakdown(db: Path, as_of: str) -> dict:
    """CPU seconds per step of one briefing with the PDF (see _CPU)."""
    proc = subprocess.run([sys.executable, "-c", _CPU, str(db), as_of], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def sample_store(tmp: Path) -> Path | None:
    files = sorted(glob.glob(str(ROOT / "data" / "sample" / "*.xlsx")))
    if not files:
        return None
    db = tmp / "sample.duckdb"
    proc = subprocess.run([sys.executable, "-m", "analytics", "load", *files, "--db", str(db)], cwd=ROOT,
                          capture_output=True, text=True)
    return db if proc.returncode == 0 else None


def run_once(db: Path, as_of: str, screenshots: bool, tmp: Path, pdf: bool = False) -> tuple[float, dict]:
    """Wall seconds of `python -m analytics briefing` on a copy of db, and its --timings (the
    breakdown of write_briefing, seconds; cpu_s: that process's CPU)."""
    copy = tmp / f"run_{db.name}"
    shutil.copy(db, copy)
    out = Path(tempfile.mkdtemp(dir=tmp))
    cmd = [sys.executable, "-m", "analytics", "briefing", "--db", str(copy), "--as-of", as_of, "--out", str(out),
           "--timings", "--allow-lag"] + (["--screenshots"] if screenshots else []) + ([] if pdf else ["--no-pdf"])
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    last = proc.stderr.strip().splitlines()[-1]
    t = json.loads(last.split("：", 1)[1])
    img = t.pop("images", {})
    t["image_wait_s"] = img.get("start_s")
    t["images_s"] = sum(img.get("per_image_s") or [0])
    t["n_files"] = sum(1 for line in proc.stdout.splitlines() if line.startswith("已生成"))
    return wall, t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--as-of", default="2025-06-15")
    ap.add_argument("--no-screenshots", action="store_true")
    ap.add_argument("--cpu", action="store_true", help="also the CPU seconds of each step (load-independent)")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench_briefing_"))
    try:
        stores = {"sample": sample_store(tmp), "province": PROVINCE if PROVINCE.exists() else None}
        has_office = shutil.which("soffice") is not None
        modes = [("no PDF", False, False)] + ([("PDF", False, True)] if has_office else [])
        if not args.no_screenshots:
            modes.append(("screenshots", True, has_office))
        if not has_office:
            print("(LibreOffice not installed: no PDF runs; apt-get install libreoffice-writer)")
        print(f"{'store':<9} {'mode':<12} {'median_s':>8} {'runs_s':<24} target  load  breakdown (last run)")
        for name, db in stores.items():
            if db is None:
                print(f"{name:<9} (not available)")
                continue
            for label, shots, pdf in modes:
                walls, last = [], {}
                for _ in range(args.runs):
                    wall, last = run_once(db, args.as_of, shots, tmp, pdf)
                    walls.append(wall)
                med = statistics.median(walls)
                ok = "ok" if med < TARGETS_S[shots] else "MISSED"
                parts = ", ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in last.items())
                load = os.getloadavg()[0]
                print(f"{name:<9} {label:<12} {med:8.2f} {str([round(w, 1) for w in walls]):<24} "
                      f"<{TARGETS_S[shots]:.0f}s {ok:<6} {load:4.1f}  {parts}", flush=True)
        if args.cpu:
            print("CPU seconds per step (one run each; the critical path is what an idle 2-core machine waits for):")
            for name, db in stores.items():
                if db is not None:
                    parts = ", ".join(f"{k}={v:.2f}" for k, v in cpu_breakdown(db, args.as_of).items())
                    print(f"{name:<9} {parts}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
