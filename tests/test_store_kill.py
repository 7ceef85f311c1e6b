"""Crash safety of the store: a CLI import or rollback killed with SIGKILL at named points (the store's
$PARK_STORE_CRASH_AT hook) and at random moments leaves the store as before or as after, with the import
log agreeing with the tables; a full disk and a read-only disk give their real cause in one line and
leave the store as it was; a version-1 store migrates (and a kill during the migration leaves it at
version 1, still readable)."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analytics import store
from tests.ingest_fixtures import write_book

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
HEAD = ["日期", "企业名称", "产品名称", "销售额（万元）"]


def cli(*args, crash=None, wait=True):
    env = {**os.environ}
    env.pop(store.CRASH_ENV_VAR, None)
    if crash:
        env[store.CRASH_ENV_VAR] = crash
    cmd = [sys.executable, "-m", "analytics", *map(str, args)]
    if not wait:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def ledger(path, n, start=0, firm="甲"):
    rows = [[dt.date(2025, 5, 1) + dt.timedelta(days=(start + i) % 60), f"{firm}{i % 7}", f"产品{i % 5}",
             float(1 + i % 4)] for i in range(n)]
    return write_book(path, {"展厅": [HEAD] + rows})


def state(db):
    """The store's content and log as one comparable value; also checks the log agrees with the tables."""
    con = store.connect(db)
    try:
        sales = con.execute("SELECT sold_on, enterprise, product, amount, row_key FROM sales ORDER BY ALL").fetchall()
        live = {r[0] for r in con.execute("SELECT batch_id FROM import_log WHERE kind = 'import' "
                                          "AND rolled_back_by IS NULL").fetchall()}
        used = {r[0] for r in con.execute("SELECT DISTINCT _batch_id FROM sales").fetchall()}
        assert used <= live, (used, live)
        logged = {r[0] for r in con.execute("SELECT DISTINCT batch_id FROM batch_datasets").fetchall()}
        imports = {r[0] for r in con.execute("SELECT batch_id FROM import_log WHERE kind = 'import'").fetchall()}
        assert logged == imports
        log = con.execute("SELECT batch_id, kind, rolled_back_by, rows_new FROM import_log ORDER BY ALL").fetchall()
        return sales, log
    finally:
        con.close()


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A store holding one import (batch 1), and a second workbook: the same ledger corrected, one month more."""
    d = tmp_path_factory.mktemp("kill")
    db = d / "base.duckdb"
    assert cli("load", ledger(d / "v1.xlsx", 300), "--db", db).returncode == 0
    second = ledger(d / "v2.xlsx", 330, firm="乙")
    return db, second


def copy(db, tmp_path, name="s.duckdb"):
    out = tmp_path / name
    shutil.copyfile(db, out)
    if Path(str(db) + ".wal").exists():
        shutil.copyfile(str(db) + ".wal", str(out) + ".wal")
    return out


def expected(base, tmp_path):
    db, second = base
    before = state(copy(db, tmp_path, "before.duckdb"))
    after_db = copy(db, tmp_path, "after.duckdb")
    assert cli("load", second, "--db", after_db).returncode == 0
    return before, state(after_db)


@pytest.mark.parametrize("point", ["import:staged", "import:applied", "import:commit", "import:committed"])
def test_an_import_killed_at_a_named_point_leaves_before_or_after(base, tmp_path, point):
    before, after = expected(base, tmp_path)
    db = copy(base[0], tmp_path)
    r = cli("load", base[1], "--db", db, crash=point)
    assert r.returncode == -signal.SIGKILL
    got = state(db)
    assert got == (after if point == "import:committed" else before)


@pytest.mark.parametrize("point", ["rollback:rebuilt", "rollback:commit", "rollback:committed"])
def test_a_rollback_killed_at_a_named_point_leaves_before_or_after(base, tmp_path, point):
    db = copy(base[0], tmp_path)
    assert cli("load", base[1], "--db", db).returncode == 0
    before = state(db)
    ref = copy(db, tmp_path, "ref.duckdb")
    assert cli("rollback", 2, "--db", ref).returncode == 0
    after = state(ref)
    assert after != before
    r = cli("rollback", 2, "--db", db, crash=point)
    assert r.returncode == -signal.SIGKILL
    assert state(db) == (after if point == "rollback:committed" else before)


def test_imports_killed_at_random_moments_leave_before_or_after(base, tmp_path):
    before, after = expected(base, tmp_path)
    outcomes = set()
    for i, delay in enumerate((0.3, 0.8, 1.3, 1.8, 2.4, 3.2)):
        db = copy(base[0], tmp_path, f"r{i}.duckdb")
        p = cli("load", base[1], "--db", db, wait=False)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=60)
        got = state(db)
        assert got in (before, after), delay
        outcomes.add(got == after)
    assert False in outcomes  # at least one kill landed before the commit


# ---------------------------------------------------------------------------
# Disks that refuse writes (need root to mount a small tmpfs)
# ---------------------------------------------------------------------------
def _mount(path: Path, size: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True).returncode == 0


@pytest.fixture
def small_disk(tmp_path):
    mnt = tmp_path / "disk"
    if not _mount(mnt, "6m"):
        pytest.skip("需要 root 权限挂载小容量 tmpfs 来模拟磁盘已满/只读")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_a_full_disk_reports_the_real_cause_and_leaves_the_store_as_before(base, tmp_path, small_disk):
    db = copy(base[0], small_disk)
    before = state(db)
    filler = small_disk / "filler"
    free = shutil.disk_usage(small_disk).free
    with open(filler, "wb") as fh:  # leave about 64 KB free
        fh.write(b"\0" * max(free - 64 * 1024, 0))
    big = ledger(tmp_path / "big.xlsx", 6000, firm="丙")
    r = cli("load", big, "--db", db)
    assert r.returncode != 0
    out = r.stdout + r.stderr
    assert "磁盘空间已满" in out, out
    assert "no transaction is active" not in out
    fd = os.open(small_disk / "filler2", os.O_WRONLY | os.O_CREAT)  # now not a byte left
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    os.close(fd)
    r = cli("rollback", 1, "--db", db)  # a rollback writes the log and the table: the same real cause
    assert r.returncode != 0 and "磁盘空间已满" in r.stdout + r.stderr, r.stdout + r.stderr
    assert "no transaction is active" not in r.stdout + r.stderr
    filler.unlink()
    (small_disk / "filler2").unlink()
    assert state(db) == before


def test_a_read_only_store_gives_one_line_and_can_still_be_read(base, tmp_path, small_disk):
    db = copy(base[0], small_disk)
    before = state(db)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    r = cli("load", base[1], "--db", db)
    assert r.returncode == 1
    assert r.stderr.strip() == (f"数据库文件 {db} 是只读的（无写入权限或所在磁盘只读），无法导入或撤销；数据库未作任何改动。"
                                f"请检查文件权限，或换一个可写的位置（--db 或 PARK_DB）。")
    r = cli("history", "--db", db)
    assert r.returncode == 0 and r.stdout.startswith("批次 1 ")
    subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert state(db) == before


# ---------------------------------------------------------------------------
# Migration from version 1 (the store before versions: rollback through <table>__prev)
# ---------------------------------------------------------------------------
def make_v1_store(path):
    """A version-1 store as the code before schema versions wrote it: current rows, __prev, no log tables."""
    con = store.connect(path)
    from analytics.schema import DATASETS
    for ds in DATASETS.values():
        con.execute(f'DROP TABLE "{ds.table}__log"')
        con.execute(f'DROP TABLE IF EXISTS "{ds.table}__versions"')
        cols = ", ".join(f'"{n}" {t}' for n, t in store.table_columns(ds))
        con.execute(f'CREATE TABLE "{ds.table}__prev" ({cols}, _batch_id BIGINT, _replaced_by BIGINT)')
    con.execute("DROP TABLE batch_datasets")
    con.execute("DELETE FROM meta WHERE key IN ('schema_version', 'sector_mapping_path')")
    for b in (1, 2):
        con.execute("SELECT nextval('import_batch_seq')")
        con.execute("INSERT INTO import_log VALUES (?, 'import', ?, '', '展厅', 'sales', 2, 2, 0, 0, 0, 0, 0, "
                    "TIMESTAMP '2025-06-01 10:00:00', '甲', NULL, NULL)", [b, f"v{b}.xlsx"])
    con.execute("""INSERT INTO sales (sold_on, channel, enterprise, amount, row_key, _batch_id) VALUES
                   (DATE '2025-05-10', '展厅', '甲', 1.0, 'k1#1', 1), (DATE '2025-05-11', '展厅', '乙', 2.0, 'k2#1', 1),
                   (DATE '2025-06-02', '展厅', '丙', 4.0, 'k3#1', 2)""")
    con.close()


def test_a_version_1_store_migrates_and_later_batches_roll_back_exactly(tmp_path):
    db = tmp_path / "v1.duckdb"
    make_v1_store(db)
    con = store.connect(db)
    assert store.schema_version(con) == store.SCHEMA_VERSION
    assert con.execute("SELECT sum(amount), count(*) FROM sales").fetchall() == [(7.0, 3)]
    with pytest.raises(store.StoreError, match="批次 1（v1.xlsx）导入于数据库结构升级之前"):
        store.rollback(con, 1)
    con.close()
    assert cli("load", ledger(tmp_path / "jul.xlsx", 2, start=62), "--db", db).returncode == 0  # July: appends
    assert cli("rollback", 3, "--db", db).returncode == 0
    con = store.connect(db)
    assert con.execute("SELECT sum(amount), count(*) FROM sales").fetchall() == [(7.0, 3)]


def test_a_migration_killed_before_its_commit_leaves_a_version_1_store(tmp_path):
    db = tmp_path / "v1.duckdb"
    make_v1_store(db)
    r = cli("history", "--db", db, crash="migrate:commit")
    assert r.returncode == -signal.SIGKILL
    con = store.connect(db, read_only=True)
    assert store.schema_version(con) == 1
    con.close()
    r = cli("history", "--db", db)
    assert r.returncode == 0 and r.stdout.splitlines()[0].startswith("批次 2 ")
