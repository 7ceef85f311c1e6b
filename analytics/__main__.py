"""The command line: thin over the library (checks options, calls it, prints).

    python -m analytics init      [--db PATH]            fill an empty store with data/sample/*.xlsx
    python -m analytics load FILE... [--db PATH] [--dry-run] [--skip-invalid] [--ledger-rule replace|append]
                                     [--who NAME]
    python -m analytics summary   [--db PATH] [--as-of YYYY-MM-DD] [--json]
    python -m analytics history   [--db PATH]
    python -m analytics rollback BATCH [--db PATH]
    python -m analytics template DATASET --out FILE
    python -m analytics sample    [--out DIR]
    python -m analytics briefing  [--db PATH] [--as-of YYYY-MM-DD] --out DIR [--screenshots] [--no-pdf] [--issued DATE]
                                     [--timings]
    python -m analytics hash-password [--name NAME]

--db defaults to $PARK_DB, else data/park.duckdb (the dashboard opens the same database).
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "data" / "sample"
MAX_PROBLEMS_PRINTED = 100  # per file; the rest is counted


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”格式不对，请写成 YYYY-MM-DD，例如 2025-06-15") from None


def _open(db: str | None, read_only: bool = False):
    """The store at `db` (default $PARK_DB, else data/park.duckdb).

    A running dashboard holds the file open for writing, and DuckDB lets no other process open it.
    Commands that only read (`read_only=True`: summary, history, briefing) then read a copy of the
    file taken now; commands that write are refused with what to do instead.
    """
    from analytics import store
    path = db or store.default_db_path()
    try:
        con = store.connect(path)
    except store.StoreBusyError as exc:
        if not read_only or not Path(path).exists():
            raise SystemExit(str(exc)) from None
        con = _open_copy(path)
        print(f"提示：数据库 {path} 正被看板占用，本次读取的是其当前副本。", file=sys.stderr)
        return con
    except store.StoreOpenError as exc:
        if read_only and Path(path).exists() and "只读" in str(exc):
            return store.connect(path, read_only=True)  # a read-only file can still be read
        raise SystemExit(str(exc)) from None
    return con


def _open_copy(path: str):
    """A private copy of the database file (and its write-ahead log), opened read-write in a temp dir."""
    import atexit
    import shutil
    import tempfile

    from analytics import store
    tmp = Path(tempfile.mkdtemp(prefix="park-db-"))
    atexit.register(shutil.rmtree, tmp, True)
    copy = tmp / Path(path).name
    shutil.copyfile(path, copy)
    if Path(path + ".wal").exists():
        shutil.copyfile(path + ".wal", str(copy) + ".wal")
    return store.connect(copy)


def print_outcome(outcome, out=sys.stdout) -> None:
    """The per-file load report: sheets, datasets, counts, problems (Chinese)."""
    from analytics.schema import DATASETS
    wb = outcome.workbook
    p = lambda *a: print(*a, file=out)  # noqa: E731
    p(f"文件 {wb.file}" + (f"（SHA-256 {wb.sha256[:12]}…）" if wb.sha256 else ""))
    by_sheet = {s.sheet: s for s in outcome.sheets}
    for s in wb.sheets:
        if not s.dataset:
            p(f"  工作表「{s.sheet}」：已跳过（{s.skipped_reason}）")
            continue
        label = DATASETS[s.dataset].label
        header = f"，表头在第{'、'.join(map(str, s.header_rows))}行" if s.header_rows else ""
        p(f"  工作表「{s.sheet}」→ {label}（{s.dataset}）{header}：{s.counts_text()}")
        if s.unused_columns:
            p(f"    未使用的列：{'、'.join(s.unused_columns)}")
        for note in s.notes:
            p(f"    说明：{note}")
        info = by_sheet.get(s.sheet)
        if info is not None:
            verb = "将" if outcome.dry_run else ""
            p(f"    {verb}新增 {info.rows_new} 行，{verb}更新 {info.rows_updated} 行，未变 {info.rows_unchanged} 行"
              + (f"，{verb}移出（本文件已不含）{info.rows_removed} 行" if info.rows_removed else "")
              + (f"，跳过错误行 {info.rows_skipped} 行" if info.rows_skipped else ""))
    problems = wb.problems
    for prob in problems[:MAX_PROBLEMS_PRINTED]:
        p("  " + prob.describe())
    if len(problems) > MAX_PROBLEMS_PRINTED:
        p(f"  ……另有 {len(problems) - MAX_PROBLEMS_PRINTED} 个问题未列出（可在“数据导入”页下载完整问题清单）")
    for c in outcome.changes:
        p(f"  {c.label}：{c.sentence}（{c.figures_text()}）")
        if c.other_rule:
            p(f"    {c.other_sentence}（命令行：--ledger-rule {c.other_rule}）")
    if outcome.committed:
        p(f"  结果：已导入（批次 {outcome.batch_id}）")
    elif outcome.refused:
        p(f"  结果：未导入。{outcome.refused}")
    elif outcome.dry_run:
        p("  结果：试运行，未写入数据库")


def cmd_load(args) -> int:
    from analytics import store
    from analytics.ingest import limits
    files: list[str] = []
    for pattern in args.files:
        matched = sorted(glob.glob(pattern))
        files.extend(matched or [pattern])
    con = _open(args.db)
    ok = True
    for f in files:
        # read in a child process with the upload page's time and memory limits: a workbook that makes
        # the reader abort (a cell at XFD1048576) is refused with its cause instead of ending this command
        wb = limits.read_guarded(f, os.path.basename(f))
        outcome = store.import_workbooks(con, [wb], who=args.who, skip_invalid=args.skip_invalid,
                                         dry_run=args.dry_run, ledger_rule=args.ledger_rule)[0]
        print_outcome(outcome)
        ok = ok and (outcome.committed or (args.dry_run and not outcome.refused))
    return 0 if ok else 1


def load_sample_if_empty(con) -> bool:
    """Fill an empty store with data/sample/*.xlsx; True when it loaded. Raises if the sample is refused."""
    from analytics import store
    from analytics.ingest import read_workbook
    if not store.is_empty(con):
        return False
    files = sorted(SAMPLE_DIR.glob("*.xlsx"))
    if not files:
        raise SystemExit(f"示例数据目录 {SAMPLE_DIR} 中没有 .xlsx 文件；请先运行 python -m analytics sample")
    for f in files:
        outcome = store.import_workbooks(con, [read_workbook(f)], who="示例数据")[0]
        if not outcome.committed:
            raise SystemExit(f"示例数据 {f.name} 未能导入：{outcome.refused}")
    return True


def cmd_init(args) -> int:
    con = _open(args.db)
    if load_sample_if_empty(con):
        print("数据库为空，已导入示例数据。")
    else:
        print("数据库已有数据，未作改动。")
    return 0


def cmd_summary(args) -> int:
    from analytics import summary
    con = _open(args.db, read_only=True)
    as_of = args.as_of or summary.default_as_of(con)
    lag = summary.publication_lag(con, as_of)
    if lag["message"]:   # a date after the data: said on stderr, so --json stays clean
        print(f"提示：{lag['message']}", file=sys.stderr)
    figures = summary.headline(con, as_of)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2, default=str))
    else:
        from analytics import text
        print(text.overview_paragraph(figures))
    return 0


def cmd_history(args) -> int:
    from analytics import store
    con = _open(args.db, read_only=True)
    log = store.import_log(con)
    if log.empty:
        print("还没有导入记录。")
        return 0
    import pandas as pd
    for r in log.itertuples():
        if r.kind == "rollback":
            print(f"批次 {r.batch_id}  {r.imported_at}  {r.imported_by}  {r.note}")
        else:
            undone = "" if pd.isna(r.rolled_back_by) else f"  （已由批次 {int(r.rolled_back_by)} 撤销）"
            print(f"批次 {r.batch_id}  {r.imported_at}  {r.imported_by}  {r.file_name} › {r.sheet}  {r.dataset}  "
                  f"读取 {r.rows_read}，新增 {r.rows_new}，更新 {r.rows_updated}，删除 {r.rows_removed}{undone}")
    return 0


def cmd_rollback(args) -> int:
    from analytics import store
    con = _open(args.db)
    try:
        new_id = store.rollback(con, args.batch, who=args.who)
    except store.StoreError as exc:
        print(f"未撤销：{exc}", file=sys.stderr)
        return 1
    print(f"已撤销批次 {args.batch}（撤销记录为批次 {new_id}）。")
    return 0


def cmd_template(args) -> int:
    from analytics import templates
    from analytics.schema import DATASETS
    if args.dataset not in DATASETS:
        print(f"未知数据集“{args.dataset}”；可用：{', '.join(DATASETS)}", file=sys.stderr)
        return 2
    path = templates.write_template(args.dataset, args.out)
    print(f"已生成模板：{path}")
    return 0


def cmd_sample(args) -> int:
    from analytics import sample
    paths = sample.generate_sample(Path(args.out))
    for p in paths:
        print(f"已生成：{p}")
    return 0


def cmd_briefing(args) -> int:
    from analytics import images, office
    images.prestart()              # the chart worker and LibreOffice boot while the rest is imported and built
    if not args.no_pdf:
        office.prestart()
    from analytics import briefing, summary
    errors: tuple = (images.ImageError,)
    if args.screenshots:
        from analytics import screenshots
        errors += (screenshots.ScreenshotError,)
    con = _open(args.db, read_only=True)
    if args.as_of is not None:
        lag = summary.publication_lag(con, args.as_of)
        if lag["ahead"] and not args.allow_lag:
            print(f"简报未生成：{lag['message']}\n如确需按此日期生成，请加 --allow-lag"
                  "（标题将写数据所在月份，并注明数据截止日期）。", file=sys.stderr)
            return 2
    try:
        paths = briefing.write_briefing(con, as_of=args.as_of, out_dir=Path(args.out), screenshots=args.screenshots,
                                        pdf=not args.no_pdf, issued_on=args.issued)
    except errors as exc:
        print(f"简报未生成：{exc}", file=sys.stderr)
        return 1
    con.close()
    for p in paths:
        print(f"已生成：{p}")
    for note in briefing.write_briefing.last_notes:   # what was left out (no Chromium, no LibreOffice), one line each
        print(f"注意：{note}", file=sys.stderr)
    if args.timings:
        cpu = os.times()
        print("用时（秒）：" + json.dumps({**briefing.write_briefing.last_timings, "cpu_s": cpu.user + cpu.system},
                                        ensure_ascii=False), file=sys.stderr)
    return 0


def cmd_hash_password(args) -> int:
    import getpass

    from analytics import auth
    if sys.stdin.isatty():
        pw = getpass.getpass("新的分析员密码：")
        if pw != getpass.getpass("再输入一次："):
            print("两次输入不一致，未生成。", file=sys.stderr)
            return 1
    else:  # piped: the first line of standard input
        pw = sys.stdin.readline().rstrip("\n")
    if not pw:
        print("密码不能为空。", file=sys.stderr)
        return 1
    digest = auth.hash_password(pw)
    if args.name is None:
        print(digest)
        print("提示：加 --name 姓名 可直接打印可粘贴到 .streamlit/secrets.toml 的 [[analyst_accounts]] 段。",
              file=sys.stderr)
        return 0
    name = args.name.strip()
    if not name:
        print("--name 不能为空：写分析员的姓名（导入日志的操作人）。", file=sys.stderr)
        return 1
    # a TOML basic string: JSON's escapes of quotes, backslashes and control characters are TOML's
    print(f"[[analyst_accounts]]\nname = {json.dumps(name, ensure_ascii=False)}\npassword_hash = \"{digest}\"")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analytics", description="园区经济运行看板：数据导入与汇总")
    sub = parser.add_subparsers(dest="command", required=True)
    db_help = "DuckDB 数据库文件（默认：环境变量 PARK_DB，否则 data/park.duckdb）"

    p = sub.add_parser("init", help="数据库为空时导入示例数据")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("load", help="导入 Excel 工作簿")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--db", help=db_help)
    p.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
    p.add_argument("--skip-invalid", action="store_true", help="跳过有错误的行，导入其余行")
    p.add_argument("--ledger-rule", choices=("replace", "append"), default=None,
                   help="台账的合并规则：replace 整本替换（默认；帮销、走访台账替换文件覆盖时段内的行，项目台账导入后与文件一致、"
                        "文件中没有的项目移出），append 只追加和更新、不删除")
    p.add_argument("--who", default="命令行", help="记录在导入日志中的操作人")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("summary", help="头条指标")
    p.add_argument("--db", help=db_help)
    p.add_argument("--as-of", type=_parse_date, help="截至日期 YYYY-MM-DD（默认：数据支持的最新日期）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("history", help="导入历史")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("rollback", help="撤销一次导入")
    p.add_argument("batch", type=int)
    p.add_argument("--db", help=db_help)
    p.add_argument("--who", default="命令行")
    p.set_defaults(func=cmd_rollback)

    p = sub.add_parser("template", help="生成空白导入模板")
    p.add_argument("dataset")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("sample", help="重新生成示例数据")
    p.add_argument("--out", default=str(SAMPLE_DIR))
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("briefing", help="生成月度简报")
    p.add_argument("--db", help=db_help)
    p.add_argument("--as-of", type=_parse_date)
    p.add_argument("--out", required=True)
    p.add_argument("--screenshots", action="store_true", help="同时截取看板各页整页截图")
    p.add_argument("--allow-lag", action="store_true",
                   help="数据日期晚于全部数据时仍生成简报（标题和正文注明数据截止日期）")
    p.add_argument("--no-pdf", action="store_true", help="不生成PDF（默认在装有 LibreOffice 时生成）")
    p.add_argument("--issued", type=_parse_date, help="印发日期（默认：数据日期的次日，且不晚于今天）")
    p.add_argument("--timings", action="store_true", help="在标准错误的最后一行打印各步骤用时（秒，JSON）")
    p.set_defaults(func=cmd_briefing)

    p = sub.add_parser("hash-password", help="为分析员密码生成哈希（写入 secrets 或环境变量）")
    p.add_argument("--name", help="分析员姓名：打印可粘贴到 .streamlit/secrets.toml 的 [[analyst_accounts]] 段")
    p.set_defaults(func=cmd_hash_password)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    code = main()
    # objects left when the command is done are not collected one by one at exit: Python's final
    # collection over pandas, plotly and duckdb took 0.1-0.3 s of every command (files and the
    # database are closed by then; the helpers' processes are stopped by their exit hooks)
    import gc
    gc.freeze()
    sys.exit(code)
