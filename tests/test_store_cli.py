"""The command line over the store: history on a real store file, rollback, the ledger rule flag,
and the one-line reasons for stores that cannot be opened."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from analytics import store
from tests.ingest_fixtures import write_book

ROOT = Path(__file__).resolve().parent.parent
HEAD = ["日期", "企业名称", "销售额（万元）"]


def cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "analytics", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=120)


def ledger(tmp_path, name, rows, sheet="展厅"):
    return write_book(tmp_path / name, {sheet: [HEAD] + rows})


ROWS = [[dt.date(2025, 5, 10), "甲", 1.0], [dt.date(2025, 5, 24), "乙", 2.0], [dt.date(2025, 6, 3), "丙", 3.0]]


@pytest.mark.slow
def test_history_lists_imports_and_rollbacks_of_a_real_store(tmp_path):
    db = tmp_path / "park.duckdb"
    assert cli("load", ledger(tmp_path, "帮销.xlsx", ROWS), "--db", db).returncode == 0
    assert cli("load", ledger(tmp_path, "帮销2.xlsx", ROWS[:2]), "--db", db).returncode == 0
    r = cli("rollback", 2, "--db", db)
    assert r.returncode == 0 and r.stdout.strip() == "已撤销批次 2（撤销记录为批次 3）。"
    r = cli("history", "--db", db)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("批次 3 ") and lines[0].endswith("撤销批次 2：删除 0 行，恢复 1 行")  # 丙 comes back
    assert lines[1].startswith("批次 2 ") and lines[1].endswith("（已由批次 3 撤销）")
    assert lines[2].startswith("批次 1 ") and "撤销" not in lines[2]
    con = store.connect(db, read_only=True)
    assert con.execute("SELECT sum(amount), count(*) FROM sales").fetchall() == [(6.0, 3)]


@pytest.mark.slow
def test_load_says_which_ledger_rule_applied_and_takes_the_other(tmp_path):
    db = tmp_path / "park.duckdb"
    cli("load", ledger(tmp_path, "帮销.xlsx", ROWS), "--db", db)
    part = ledger(tmp_path, "补充.xlsx", [[dt.date(2025, 5, 24), "丁", 4.0]])
    r = cli("load", part, "--db", db, "--dry-run")
    assert "按“整本台账新版本”处理" in r.stdout and "--ledger-rule append" in r.stdout
    assert "库中 3 行 → 2 行，销售额 6万元 → 5万元" in r.stdout  # 甲 1.0 stays, 乙 and 丙 leave, 丁 4.0 arrives
    r = cli("load", part, "--db", db, "--ledger-rule", "append")
    assert r.returncode == 0 and "按“追加”处理" in r.stdout
    con = store.connect(db, read_only=True)
    assert con.execute("SELECT sum(amount), count(*) FROM sales").fetchall() == [(10.0, 4)]


def sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_a_corrupt_store_gets_one_chinese_line_and_stays_untouched(tmp_path):
    db = tmp_path / "park.duckdb"
    db.write_bytes(b"this is not a database" * 500)
    before = sha(db)
    r = cli("summary", "--db", db)
    assert r.returncode == 1 and r.stderr.strip() == (
        f"数据库文件 {db} 已损坏或不是看板的数据库，无法打开；文件未作任何改动。请从备份恢复，或换一个数据库文件（--db 或 PARK_DB）。")
    assert sha(db) == before


def test_a_store_of_a_newer_schema_version_is_refused_untouched(tmp_path):
    db = tmp_path / "park.duckdb"
    con = store.connect(db)
    con.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version'")
    con.close()
    before = sha(db)
    with pytest.raises(store.StoreOpenError) as exc:
        store.connect(db)
    assert str(exc.value) == (f"数据库 {db} 的结构版本为 9，本程序只支持到版本 {store.SCHEMA_VERSION}：它由更新版本的看板创建。"
                              f"数据库未作任何改动；请升级程序后再打开。")
    assert sha(db) == before
    r = cli("load", ledger(tmp_path, "帮销.xlsx", ROWS), "--db", db)
    assert r.returncode == 1 and "结构版本为 9" in r.stderr and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_load_names_the_projects_a_whole_project_ledger_drops(tmp_path):
    db = tmp_path / "park.duckdb"
    head = ["项目编号", "项目名称", "项目阶段", "计划总投资（万元）"]
    v1 = [["P001", "A项目", "签约", 1000], ["P002", "B项目", "签约", 2500], ["P003", "C项目", "签约", 4000]]
    v2 = [["P001", "A项目", "开工", 1200], ["P003", "C项目", "签约", 4500]]
    assert cli("load", write_book(tmp_path / "项目台账20250430.xlsx", {"台账": [head] + v1}), "--db", db).returncode == 0
    new = write_book(tmp_path / "项目台账20250531.xlsx", {"台账": [head] + v2})
    r = cli("load", new, "--db", db, "--dry-run")
    assert "库中有、本文件没有的 1 项移出当前台账（可撤销本批次恢复）：B项目（P002）。" in r.stdout, r.stdout
    assert "库中 3 行 → 2 行，计划总投资 7500万元 → 5700万元" in r.stdout and "--ledger-rule append" in r.stdout
    r = cli("load", new, "--db", db, "--ledger-rule", "append")
    assert r.returncode == 0 and "按“追加”处理" in r.stdout
    con = store.connect(db, read_only=True)
    assert con.execute("SELECT project_key, investment FROM projects ORDER BY 1").fetchall() == [
        ("P001", 1200.0), ("P002", 2500.0), ("P003", 4500.0)]


def test_load_refuses_a_workbook_the_reader_cannot_hold_with_its_cause(tmp_path):
    """A 5 KB workbook with one cell at XFD1048576 makes the reader ask for memory for 17 billion cells
    and abort: `load` reads in a guarded child process, says why in Chinese, loads the other files of
    the command and leaves nothing of the bad one in the store."""
    from security_fixtures import far_cell_workbook

    from analytics.ingest import limits
    bad = far_cell_workbook(tmp_path / "名录.xlsx")
    good = write_book(tmp_path / "销售.xlsx", {"Sheet1": [["企业名称", "销售金额（万元）", "销售日期", "渠道"],
                                                           ["甲公司", 12.5, "2025-06-01", "线上"]]})
    db = tmp_path / "s.duckdb"
    proc = cli("load", bad, good, "--db", db)
    assert proc.returncode == 1, proc.stderr
    assert "文件 名录.xlsx" in proc.stdout and limits.READ_RANGE_TOO_LARGE in proc.stdout
    con = store.connect(db)
    assert con.execute("SELECT count(*) FROM entities").fetchone()[0] == 0
    assert con.execute("SELECT sum(amount) FROM sales").fetchone()[0] == 12.5
