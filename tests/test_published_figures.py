"""End to end through the command line: load data/sample/*.xlsx, then `summary --json` gives the
park's published figures (DATA.md, last section); loading again changes nothing; a rollback of a
later import restores the figures; a refused file leaves the store's content as it was."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analytics", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)


def summary(db: Path, as_of: str = "2025-06-15") -> dict:
    proc = cli("summary", "--db", str(db), "--as-of", as_of, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_sample_reproduces_the_published_figures(store_copy):
    db, _ = store_copy
    s = summary(db)
    assert (s["entities_total"], s["entities_new_12m"]) == (6879, 1163)
    assert (s["industrial_growth_ytd"], s["industrial_growth_period"]) == (9.9, "2025-05")
    assert s["industrial_growth_last_year"] == 3.0
    assert s["industrial_growth_basis"] == "official"
    assert (s["projects_signed_ytd"], s["projects_investment_ytd_yi"]) == (39, 23.5)
    assert s["projects_signed_ytd_by_sector"]["医疗器械"] == 12
    assert set(s["projects_signed_ytd_by_sector"]) <= {"医疗器械", "医药", "食品保健品", "生产性服务业", "绿色算力"}
    assert 9000 <= s["sales_assistance_total_wan"] < 10000
    assert s["key_accounts"] == 67
    assert sum(s["entities_by_type"].values()) == 6879
    assert list(s["entities_new_by_month"]) == [f"2024-{m:02d}" for m in range(7, 13)] + \
        [f"2025-{m:02d}" for m in range(1, 7)]
    # the twelve calendar months start on 2024-07-01, after the window (2024-06-15, 2025-06-15] opens
    assert sum(s["entities_new_by_month"].values()) <= 1163
    # the default as-of is the latest date the sample supports
    default = json.loads(cli("summary", "--db", str(db), "--json").stdout)
    assert default["as_of"] == "2025-06-15" and default["entities_total"] == 6879


def test_loading_the_sample_again_changes_nothing(store_copy):
    db, _ = store_copy
    before = summary(db)
    proc = cli("load", *sorted(str(p) for p in (ROOT / "data" / "sample").glob("*.xlsx")), "--db", str(db))
    assert proc.returncode == 0, proc.stdout
    assert "新增 0 行，更新 0 行" in proc.stdout
    # nothing counts twice; the project ledger's older versions, loaded again, are whole ledgers of their
    # day (a project the newest version dropped comes back with them and leaves again with the newest)
    others = [b for b in proc.stdout.split("文件 ") if b and not b.startswith("招商引资项目台账_")]
    assert others and all("新增 1" not in b for b in others)
    assert summary(db) == before


def _registry(path: Path, code: str, established: str) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "成立日期", "登记状态"])
    ws.append([code, "青海回滚测试有限公司", established, "存续"])
    wb.save(path)
    return path


def test_rollback_restores_the_figures_and_a_refused_file_changes_nothing(store_copy, tmp_path):
    db, _ = store_copy
    before = summary(db)
    proc = cli("load", str(_registry(tmp_path / "新增.xlsx", "91630100MA752YCQ37", "2025-06-01")), "--db", str(db))
    assert proc.returncode == 0 and "结果：已导入（批次" in proc.stdout
    after = summary(db)
    assert (after["entities_total"], after["entities_new_12m"]) == (6880, 1164)
    batch = proc.stdout.split("结果：已导入（批次 ")[1].split("）")[0]
    undo = cli("rollback", batch, "--db", str(db))
    assert undo.returncode == 0 and undo.stdout.startswith(f"已撤销批次 {batch}")
    assert summary(db) == before
    snapshot = tmp_path / "before.duckdb"
    shutil.copy(db, snapshot)
    bad = cli("load", str(_registry(tmp_path / "坏.xlsx", "91630100MA752YCQ3", "2025-02-30")), "--db", str(db))
    assert bad.returncode == 1
    assert "结果：未导入。文件“坏.xlsx”有 2 个错误，已拒绝导入，数据库未作任何改动。" in bad.stdout
    assert summary(db) == before


def test_not_a_workbook_gets_one_chinese_line_and_exit_1(tmp_path):
    fake = tmp_path / "台账.xlsx"
    fake.write_bytes(bytes(range(256)) * 4)  # a CSV renamed .xlsx is read (issue 10); these bytes are no table
    proc = cli("load", str(fake), "--db", str(tmp_path / "x.duckdb"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "结果：未导入。" in proc.stdout
