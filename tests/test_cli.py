"""The command line while the dashboard holds the database: reads work on a copy, writes are refused
with what to do; option errors are Chinese."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analytics", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_reads_use_a_copy_and_writes_are_refused_while_the_file_is_held(store_copy, tmp_path):
    db, _ = store_copy
    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(60)"),
        str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        proc = cli("summary", "--db", str(db), "--as-of", "2025-06-15", "--json")
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["entities_total"] == 6879
        assert f"提示：数据库 {db} 正被看板占用，本次读取的是其当前副本。" in proc.stderr
        proc = cli("load", str(ROOT / "data" / "sample" / "市场主体名录_20250615.xlsx"), "--db", str(db))
        assert proc.returncode == 1 and "Traceback" not in proc.stderr
        assert proc.stderr.strip() == (f"数据库 {db} 正被其他程序（如正在运行的看板）占用，无法写入。"
                                       "请在看板的“数据导入”页操作，或先停止看板再用命令行。")
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)


def test_a_bad_date_option_is_explained_in_chinese(tmp_path):
    proc = cli("summary", "--db", str(tmp_path / "x.duckdb"), "--as-of", "2025/6/15")
    assert proc.returncode == 2
    assert "日期“2025/6/15”格式不对，请写成 YYYY-MM-DD，例如 2025-06-15" in proc.stderr


def test_unknown_template_dataset_lists_the_allowed_names(tmp_path):
    proc = cli("template", "registry", "--out", str(tmp_path / "t.xlsx"))
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("未知数据集“registry”；可用：entities, industrial, price_index, indicators, "
                                   "projects, sales, service_accounts, service_visits, targets")


def test_hash_password_with_a_name_prints_an_account_block_that_logs_in():
    """`hash-password --name` prints a [[analyst_accounts]] block; pasted into secrets.toml it is an account
    whose password is the one typed (a name with a quote stays valid TOML)."""
    import tomllib

    from analytics import auth
    proc = subprocess.run([sys.executable, "-m", "analytics", "hash-password", "--name", '王"分析'], cwd=ROOT,
                          input="园区口令2025\n", capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    accounts = tomllib.loads(proc.stdout)["analyst_accounts"]
    assert [a["name"] for a in accounts] == ['王"分析']
    assert auth.verify_password("园区口令2025", accounts[0]["password_hash"])
    assert not auth.verify_password("园区口令2024", accounts[0]["password_hash"])
    bare = subprocess.run([sys.executable, "-m", "analytics", "hash-password"], cwd=ROOT, input="x\n",
                          capture_output=True, text=True, timeout=60)
    assert bare.stdout.startswith("scrypt$") and "--name" in bare.stderr
