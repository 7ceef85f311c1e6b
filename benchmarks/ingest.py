"""Benchmark: reading a full registry sheet (1,048,575 rows x 9 columns), and a registry extract of 18 columns.

Usage:  .venv/bin/python benchmarks/ingest.py [--rows N] [--regenerate] [--repeat 3] [--wide-rows N]

Generates (once, cached under benchmarks/out/, git-ignored) a market-entity
registry workbook with a header row and N data rows (default: the Excel
maximum, 1,048,575 rows in total), then measures, each in its own subprocess so
that peak memory is that run's alone:

  baseline   fastexcel raw read (header_row=None, dtypes="string") -> Arrow -> DuckDB table
  reader     analytics.ingest.read_workbook + inserting the frame into a DuckDB table
  load       analytics.store.import_workbooks (the real import), when it exists

and prints wall time (s), CPU time (s, all threads: a steadier figure on a shared machine) and peak
RSS (MB) of each, the ratio of wall times to the baseline, and the load average. Then the same
three for a registry extract as the registration platform exports it (default 100,000 rows x 18
columns: 法定代表人, 登记机关, 住所, 经营范围 …, capital written "500万元人民币", a row of English
field codes under the header), unless --wide-rows 0.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "benchmarks" / "out"
EXCEL_MAX_ROWS = 1_048_576
HEADERS = ("统一社会信用代码", "市场主体名称", "主体类型", "成立日期", "登记状态", "注销日期",
           "国民经济行业代码", "所属行业", "注册资本（万元）")
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_TYPES = (("有限责任公司(自然人投资或控股)", "91"), ("个体工商户", "92"), ("农民专业合作社", "93"),
          ("股份有限公司(非上市)", "91"))
_INDUSTRIES = (("C3581", "医疗诊断、监护及治疗设备制造"), ("C2720", "化学药品制剂制造"),
               ("C1491", "营养食品制造"), ("F5191", "农产品批发"), ("I6450", "互联网数据服务"),
               ("L7212", "企业总部管理"))


WIDE_HEADERS = ("统一社会信用代码", "企业名称", "法定代表人", "主体类型", "成立日期", "登记状态", "注销日期", "吊销日期",
                "注册资本", "登记机关", "住所", "经营范围", "国民经济行业代码", "所属行业", "核准日期", "营业期限自",
                "营业期限至", "联系电话")
WIDE_CODES = ("UNISCID", "ENTNAME", "LEREP", "ENTTYPE", "ESTDATE", "REGSTATE", "CANDATE", "REVDATE", "REGCAP",
              "REGORG", "DOM", "OPSCOPE", "INDUSTRYCO", "INDUSTRYNAME", "APPRDATE", "OPFROM", "OPTO", "TEL")
_SCOPES = ("医疗器械研发、生产、销售；技术咨询、技术服务；货物进出口（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
           "药品生产；药品批发；中药饮片加工；保健食品销售；会计服务；计算机软硬件开发",
           "食品生产；食品销售；农副产品收购、加工、销售；枸杞、牦牛肉制品、青稞制品的生产与销售",
           "互联网数据服务；数据处理和存储支持服务；信息系统集成服务；工程和技术研究和试验发展")


def _uscc(rng: random.Random, prefix: str) -> str:
    """A valid 18-character credit code starting with `prefix` (check character computed)."""
    from stdnum.cn import uscc
    body = prefix + "6301" + "".join(rng.choice("0123456789") for _ in range(2)) + \
        "".join(rng.choice(_USCC_ALPHABET) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def generate(path: Path, data_rows: int, seed: int = 20250615) -> None:
    """Write the registry workbook with openpyxl's write-only mode (about 1-3 minutes for 1M rows)."""
    import openpyxl
    rng = random.Random(seed)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("市场主体名录")
    ws.append(list(HEADERS))
    base = dt.date(2000, 1, 1)
    for i in range(data_rows):
        type_text, prefix = _TYPES[i % len(_TYPES)]
        code, industry = _INDUSTRIES[i % len(_INDUSTRIES)]
        established = base + dt.timedelta(days=rng.randrange(9000))
        closed = i % 7 == 0
        ws.append([
            _uscc(rng, prefix), f"西宁某某生物科技有限公司{i}", type_text, established,
            "注销" if closed else "存续", established + dt.timedelta(days=400) if closed else None,
            code, industry, round(rng.random() * 5000, 2),
        ])
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    os.replace(tmp, path)


def generate_wide(path: Path, data_rows: int, seed: int = 20250616) -> None:
    """The 18-column registry extract (Chinese header, English field-code row, units in the cells)."""
    import openpyxl
    rng = random.Random(seed)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("登记信息")
    ws.append(list(WIDE_HEADERS))
    ws.append(list(WIDE_CODES))
    base = dt.date(2000, 1, 1)
    for i in range(data_rows):
        type_text, prefix = _TYPES[i % len(_TYPES)]
        code, industry = _INDUSTRIES[i % len(_INDUSTRIES)]
        established = base + dt.timedelta(days=rng.randrange(9000))
        closed = i % 7 == 0
        revoked = i % 29 == 0 and not closed
        ws.append([
            _uscc(rng, prefix), f"西宁某某生物科技有限公司{i}", "张三" if i % 2 else "李四", type_text, established,
            "注销" if closed else ("吊销，未注销" if revoked else "存续（在营、开业、在册）"),
            established + dt.timedelta(days=400) if closed else None,
            established + dt.timedelta(days=500) if revoked else None,
            f"{round(rng.random() * 5000, 2)}万元人民币", "西宁经济技术开发区市场监督管理局",
            f"青海省西宁市经济技术开发区生物园区经二路{i % 300}号", _SCOPES[i % len(_SCOPES)], code, industry,
            established + dt.timedelta(days=30), established, "长期" if i % 3 else established + dt.timedelta(days=7300),
            f"0971-{rng.randrange(10**7):07d}",
        ])
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    os.replace(tmp, path)


# --------------------------------------------------------------------------- measured runs

def _run_baseline(path: str) -> dict:
    import duckdb
    import fastexcel
    t0 = time.perf_counter()
    reader = fastexcel.read_excel(path)
    table = reader.load_sheet(0, header_row=None, dtypes="string").to_arrow()
    con = duckdb.connect(":memory:")
    con.register("t", table)
    con.execute("CREATE TABLE raw AS SELECT * FROM t")
    rows = con.execute("SELECT count(*) FROM raw").fetchall()[0][0]
    return {"seconds": time.perf_counter() - t0, "rows": rows}


def _run_reader(path: str) -> dict:
    import duckdb
    sys.path.insert(0, str(ROOT))
    from analytics.ingest import read_workbook
    t0 = time.perf_counter()
    result = read_workbook(path, today=dt.date(2026, 1, 1))
    t_read = time.perf_counter() - t0
    sheet = result.sheets[0]
    con = duckdb.connect(":memory:")
    frame = sheet.frame
    con.register("f", frame)
    con.execute("CREATE TABLE entities AS SELECT * FROM f")
    rows = con.execute("SELECT count(*) FROM entities").fetchall()[0][0]
    return {"seconds": time.perf_counter() - t0, "read_seconds": t_read, "rows": rows,
            "dataset": sheet.dataset, "problems": len(sheet.problems), "error": result.error}


def _run_load(path: str) -> dict:
    """The real import: read_workbook, then analytics.store.import_workbooks into a fresh database file."""
    sys.path.insert(0, str(ROOT))
    from analytics import store
    from analytics.ingest import read_workbook
    if not hasattr(store, "import_workbooks"):
        return {"skipped": "analytics.store.import_workbooks 尚未实现"}
    db = str(OUT_DIR / "bench_load.duckdb")
    for p in (db, db + ".wal"):
        if os.path.exists(p):
            os.remove(p)
    t0 = time.perf_counter()
    con = store.connect(db)
    outcome = store.import_workbooks(con, [read_workbook(path, today=dt.date(2026, 1, 1))])[0]
    rows = con.execute("SELECT count(*) FROM entities").fetchall()[0][0]
    return {"seconds": time.perf_counter() - t0, "rows": rows,
            "refused": getattr(outcome, "refused", None)}


RUNS = {"baseline": _run_baseline, "reader": _run_reader, "load": _run_load}


def _child(kind: str, path: str) -> None:
    result = RUNS[kind](path)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # KB on Linux
    result["cpu_seconds"] = usage.ru_utime + usage.ru_stime  # all threads, imports included
    print(json.dumps(result, ensure_ascii=False))


def _measure(kind: str, path: Path) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", kind, str(path)],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        return {"failed": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "?"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=EXCEL_MAX_ROWS - 1, help="data rows (default 1,048,575)")
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--only", choices=tuple(RUNS), action="append")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each kind, interleaved; the median is shown")
    ap.add_argument("--wide-rows", type=int, default=100_000, help="rows of the 18-column extract (0: skip it)")
    ap.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"registry_{args.rows}.xlsx"
    if args.regenerate or not path.exists():
        t0 = time.perf_counter()
        generate(path, args.rows)
        print(f"生成 {path.name}：{args.rows:,} 行，{time.perf_counter() - t0:.0f} 秒，"
              f"{path.stat().st_size / 2**20:.0f} MB")
    files = [(f"{args.rows:,} 行 × {len(HEADERS)} 列名录", path)]
    if args.wide_rows:
        wide = OUT_DIR / f"registry18_{args.wide_rows}.xlsx"
        if args.regenerate or not wide.exists():
            t0 = time.perf_counter()
            generate_wide(wide, args.wide_rows)
            print(f"生成 {wide.name}：{args.wide_rows:,} 行，{time.perf_counter() - t0:.0f} 秒，"
                  f"{wide.stat().st_size / 2**20:.0f} MB")
        files.append((f"{args.wide_rows:,} 行 × {len(WIDE_HEADERS)} 列登记信息（含英文字段代码行）", wide))
    kinds = args.only or list(RUNS)
    for title, file in files:
        _report(title, file, kinds, args.repeat)
    return 0


def _report(title: str, path: Path, kinds: list[str], repeat: int) -> None:
    runs: dict[str, list[dict]] = {k: [] for k in kinds}
    for _ in range(repeat):  # interleaved, so that other load on the machine hits every kind alike
        for kind in kinds:
            runs[kind].append(_measure(kind, path))
    results = {}
    for kind, rs in runs.items():
        ok = sorted((r for r in rs if "seconds" in r), key=lambda r: r["seconds"])
        results[kind] = ok[len(ok) // 2] if ok else rs[0]
        if len(ok) > 1:
            results[kind]["all"] = [round(r["seconds"], 1) for r in rs if "seconds" in r]
    base = results.get("baseline", {}).get("seconds")
    print(f"\n{title}（{path.name}）  loadavg {open('/proc/loadavg').read().split()[0]}")
    print(f"{'run':<10}{'rows':>12}{'wall s':>10}{'x base':>9}{'cpu s':>8}{'peak MB':>10}  note")
    for kind, r in results.items():
        if "seconds" not in r:
            print(f"{kind:<10}{'':>12}{'':>10}{'':>9}{'':>8}{'':>10}  {r.get('skipped') or r.get('failed')}")
            continue
        ratio = f"{r['seconds'] / base:.2f}" if base else ""
        note = ""
        if kind == "reader":
            note = f"read_workbook {r['read_seconds']:.1f} s, {r['problems']} problems"
        if kind == "load" and r.get("refused"):
            note = f"refused: {r['refused']}"
        if r.get("all"):
            note = (note + "; " if note else "") + "runs " + ", ".join(f"{x:.1f}" for x in r["all"])
        print(f"{kind:<10}{r['rows']:>12,}{r['seconds']:>10.1f}{ratio:>9}{r['cpu_seconds']:>8.1f}"
              f"{r['peak_rss_mb']:>10.0f}  {note}")


if __name__ == "__main__":
    sys.exit(main())
