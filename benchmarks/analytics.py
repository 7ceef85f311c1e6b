"""Time every analytics function a page calls on the province-scale store (median of repeated runs).

    .venv/bin/python benchmarks/build_store.py        # once
    .venv/bin/python benchmarks/analytics.py [--db PATH] [--runs 7]

Targets: each function < 200 ms; the whole overview (summary.headline) < 500 ms (wall clock, median, on a
quiet machine; the CPU time beside it is what the call costs when the machine is busy). Prints loadavg.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import store, summary, text  # noqa: E402
from analytics.metrics import (  # noqa: E402
    entities,
    growth,
    history,
    indicators,
    projects,
    quality,
    sales,
    service,
    structure,
    targets,
)

DEFAULT_DB = Path(__file__).resolve().parent / "out" / "province.duckdb"
D = date(2025, 6, 15)
P = date(2025, 5, 1)
PAST = date(2024, 11, 20)   # between two of the 24 monthly versions of the project ledger

CASES = {
    "growth.growth_series": lambda c: growth.growth_series(c, 2025),
    "growth.growth_series(comparable)": lambda c: growth.growth_series(c, 2025, basis="comparable"),
    "growth.growth_series(revenue)": lambda c: growth.growth_series(c, 2025, measure="revenue"),
    "growth.official_growth": lambda c: growth.official_growth(c),
    "growth.headline_growth": lambda c: growth.headline_growth(c, D),
    "growth.reconciliation": lambda c: growth.reconciliation(c, D),
    "growth.sector_contribution": lambda c: growth.sector_contribution(c, P),
    "growth.enterprise_contribution": lambda c: growth.enterprise_contribution(c, P),
    "growth.movers": lambda c: growth.movers(c, P),
    "entities.stock_at": lambda c: entities.stock_at(c, D),
    "entities.new_12m": lambda c: entities.new_12m(c, D),
    "entities.stock_series(month, 5y)": lambda c: entities.stock_series(c, date(2020, 7, 1), D),
    "entities.stock_series(quarter, sector)": lambda c: entities.stock_series(c, date(2015, 1, 1), D, "quarter", "医药"),
    "entities.type_mix": lambda c: entities.type_mix(c, D),
    "entities.sector_mix": lambda c: entities.sector_mix(c, D),
    "entities.new_by_month": lambda c: entities.new_by_month(c, D),
    "entities.search_entities('主体12')": lambda c: entities.search_entities(c, D, query="主体12"),
    "structure.sector_shares": lambda c: structure.sector_shares(c, D),
    "structure.share_shift": lambda c: structure.share_shift(c, D),
    "projects.signed_summary": lambda c: projects.signed_summary(c, D),
    "projects.by_stage": lambda c: projects.by_stage(c),
    "projects.by_sector": lambda c: projects.by_sector(c, D),
    "projects.by_origin": lambda c: projects.by_origin(c),
    "projects.by_signing_month": lambda c: projects.by_signing_month(c, D),
    "projects.funnel": lambda c: projects.funnel(c),
    "projects.traffic_lights": lambda c: projects.traffic_lights(c, D),
    "projects.by_leader": lambda c: projects.by_leader(c, D),
    "projects.project_detail": lambda c: projects.project_detail(c, "XM00042", D),
    "projects.traffic_lights(past date, from history)": lambda c: projects.traffic_lights(c, PAST),
    "projects.by_stage(past date, from history)": lambda c: projects.by_stage(c, None, PAST),
    "projects.by_leader(past date, from history)": lambda c: projects.by_leader(c, PAST),
    "projects.state_note(past date)": lambda c: projects.state_note(c, PAST),
    "history.ledger_on(past date)": lambda c: history.ledger_on(c, PAST),
    "history.month_transitions_on": lambda c: history.month_transitions_on(c, D),
    "history.month_transitions_on(past date)": lambda c: history.month_transitions_on(c, PAST),
    "history.days_in_stage_on": lambda c: history.days_in_stage_on(c, D),
    "history.cohorts_on": lambda c: history.cohorts_on(c, D),
    "history.project_history_on": lambda c: history.project_history_on(c, "XM00042"),
    "history.versions_summary": lambda c: history.versions_summary(c),
    "history.known_basis(past date)": lambda c: history.known_basis(c, PAST),
    "history.by_leader_on(past date)": lambda c: history.by_leader_on(c, PAST),
    "targets.completion": lambda c: targets.completion(c, D),
    "targets.post_tasks": lambda c: targets.post_tasks(c, D),
    "targets.post_monthly": lambda c: targets.post_monthly(c, D, "领导1", "签约项目数"),
    "targets.projects_counted": lambda c: targets.projects_counted(c, D, "领导1", "签约项目数"),
    "targets.sentences_for(projects)": lambda c: targets.sentences_for(c, D, "projects"),
    "indicators.indicator_table": lambda c: indicators.indicator_table(c, D),
    "indicators.indicator_series": lambda c: indicators.indicator_series(c, D),
    "sales.total": lambda c: sales.total(c, D),
    "sales.monthly": lambda c: sales.monthly(c, D),
    "sales.by_dimension(product, top 20)": lambda c: sales.by_dimension(c, D, "product", top=20),
    "sales.milestone_effects": lambda c: sales.milestone_effects(c, D),
    "service.accounts_per_leader": lambda c: service.accounts_per_leader(c),
    "service.visits_by_month": lambda c: service.visits_by_month(c, D),
    "service.demands": lambda c: service.demands(c, D),
    "service.resolution": lambda c: service.resolution(c, D),
    "service.open_demands": lambda c: service.open_demands(c, D),
    "service.leaders_without_visit": lambda c: service.leaders_without_visit(c, D),
    "quality.latest_periods": lambda c: quality.latest_periods(c),
    "quality.gaps": lambda c: quality.gaps(c),
    "quality.entities_without_code": lambda c: quality.entities_without_code(c, limit=500),
    "quality.summary": lambda c: quality.summary(c),
    "summary.default_as_of": lambda c: summary.default_as_of(c, today=D),
    "OVERVIEW summary.headline + text": lambda c: text.overview_paragraph(summary.headline(c, D)),
}


def median_ms(fn, con, runs: int, cpu: list | None = None) -> float:
    """Median wall-clock ms of `runs` calls after a warm-up; the median CPU ms of this process (all its
    threads) is appended to `cpu` when given: on a busy machine wall time waits for the CPU, CPU time does not."""
    fn(con)  # warm-up
    times, cpus = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn(con)
        times.append((time.perf_counter() - t) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    if cpu is not None:
        cpu.append(statistics.median(cpus))
    return statistics.median(times)


def import_ms(db: str, runs: int) -> dict[str, float]:
    """Median ms of the upload preview (dry run) and of the import of a whole 5,000-project ledger that drops
    ten projects, on a copy of the store (the 25th version: replace, ten leave)."""
    import shutil
    import tempfile

    from analytics.ingest.model import SheetResult, WorkbookResult
    from analytics.schema import PROJECTS
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.duckdb"
        shutil.copy(db, copy)
        con = store.connect(copy)
        names = [f.name for f in PROJECTS.fields] + ["project_key", "stage_raw", "sector_raw"]
        frame = con.execute(f"SELECT {', '.join(names)} FROM projects ORDER BY project_key OFFSET 10").df()
        frame = frame.assign(_row=range(3, 3 + len(frame)), _valid=True, progress=frame["progress"] + "（6月）")
        wb = WorkbookResult(file="招商引资项目台账_20250715.xlsx", sha256="0" * 64, sheets=[SheetResult(
            file="招商引资项目台账_20250715.xlsx", sheet="项目台账", dataset="projects", frame=frame,
            rows_read=len(frame))])
        out = {"store.import_workbooks(whole ledger, preview)":
               median_ms(lambda c: store.import_workbooks(c, [wb], dry_run=True), con, runs)}
        t = time.perf_counter()
        o = store.import_workbooks(con, [wb])[0]
        out["store.import_workbooks(whole ledger, commit)"] = (time.perf_counter() - t) * 1000
        assert o.committed and o.changes[0].leaving == 10, o.refused
        t = time.perf_counter()
        store.rollback(con, o.batch_id)
        out["store.rollback(whole ledger: 25 versions refolded)"] = (time.perf_counter() - t) * 1000
        con.close()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="分析函数基准测试")
    ap.add_argument("--db", default=str(DEFAULT_DB))
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args(argv)
    if not Path(args.db).exists():
        print(f"找不到基准数据库 {args.db}；请先运行 benchmarks/build_store.py")
        return 2
    con = store.connect(args.db, read_only=True).cursor()
    worst = 0.0
    failed = []
    for name, fn in CASES.items():
        cpu = []
        ms = median_ms(fn, con, args.runs, cpu)
        target = 500 if name.startswith("OVERVIEW") else 200
        flag = "ok" if ms < target else "SLOW"
        if ms >= target:
            failed.append(name)
        worst = max(worst, ms) if target == 200 else worst
        print(f"{ms:8.1f} ms  {flag:4}  (CPU {cpu[0]:6.1f} ms)  {name}")
    print(f"slowest function: {worst:.1f} ms; over target: {', '.join(failed) or 'none'}")
    con.close()
    for name, ms in import_ms(args.db, max(1, args.runs // 2)).items():   # no target: an upload, not a page
        print(f"{ms:8.1f} ms  info  {name}")
    print(f"loadavg: {Path('/proc/loadavg').read_text().strip()}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
