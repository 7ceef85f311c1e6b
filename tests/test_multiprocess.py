"""Item 9 of issue 15: several server processes over one store (analytics.shared): an import committed
through the shared write path is seen by every process, and a write in progress blocks no viewer;
the nginx deployment (deploy/) serves the dashboard over its WebSocket."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from openpyxl import Workbook

from analytics import shared, store
from analytics.ingest import read_workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from stclient import free_port, run_page_sync, wait_health  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture
def two_servers(store_copy, tmp_path):
    db = str(store_copy[0])
    env = {**os.environ, "PARK_DB": db, "PARK_SHARED": "1", "PARK_THROTTLE_DB": str(tmp_path / "t.sqlite")}
    shared.publish(db)
    procs, urls = [], []
    for _ in range(2):
        port = free_port()
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1", "--server.port",
             str(port), "--server.headless", "true", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
        urls.append(f"http://127.0.0.1:{port}")
    for url, proc in zip(urls, procs):
        wait_health(url, proc, 90)
    yield db, urls
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _total(url: str) -> str:
    run = run_page_sync(url, collect=True)
    assert run.status == "FINISHED_SUCCESSFULLY"
    return next(t for t in run.texts if t.startswith("市场主体总数="))


def _new_entity() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "名录"
    ws.append(["统一社会信用代码", "企业名称", "成立日期", "登记状态"])
    ws.append(["91630100MA752YCQ37", "青海多进程测试生物科技有限公司", "2025-06-01", "存续"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_import_in_one_process_is_seen_by_the_others_and_blocks_no_viewer(two_servers):
    db, (a, b) = two_servers
    assert _total(a) == _total(b) == "市场主体总数=6879户"
    wb = read_workbook(_new_entity(), file_name="新名录.xlsx")
    # the write path of the upload page in the multi-process deployment (shared.writer_for)
    holding, release, done = threading.Event(), threading.Event(), {}

    def write():
        with shared.write_connection(db) as con:
            done["outcome"] = store.import_workbooks(con, [wb], who="测试")[0]
            holding.set()
            release.wait(30)  # the writer keeps the store open: a long import

    t = threading.Thread(target=write)
    t.start()
    assert holding.wait(60)
    t0 = time.perf_counter()
    during = _total(b)           # a viewer while the store is held for writing: not blocked
    assert time.perf_counter() - t0 < 5
    assert during == "市场主体总数=6879户"  # the published snapshot: the import is not committed yet
    release.set()
    t.join(60)
    assert done["outcome"].committed
    time.sleep(shared.POINTER_CHECK_S + 0.2)
    assert _total(a) == _total(b) == "市场主体总数=6880户"


def test_the_nginx_deployment_serves_the_dashboard(store_copy, tmp_path):
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        pytest.skip("需要 nginx（apt-get install nginx）")
    port, base = free_port(), free_port()
    env = {**os.environ, "PARK_DB": str(store_copy[0]), "PORT": str(port), "BASE_PORT": str(base),
           "LISTEN": "127.0.0.1", "PARK_RUN_DIR": str(tmp_path / "run"), "PARK_THROTTLE_DB": str(tmp_path / "t.sq")}
    proc = subprocess.Popen(["bash", "deploy/run_multi.sh", "2"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode(errors="replace")
                time.sleep(0.5)
        assert _total(url) == "市场主体总数=6879户"
        conf = (tmp_path / "run" / "nginx.conf").read_text()
        assert "hash $remote_addr consistent;" in conf and "proxy_set_header Upgrade $http_upgrade;" in conf
        assert conf.count("server 127.0.0.1:") == 2
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


def test_the_upload_page_writes_through_the_shared_store(store_copy, monkeypatch, tmp_path):
    """In the multi-process deployment the page's preview and commit take the store's lock, write,
    and publish a snapshot; the page itself reads the snapshot read-only."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False
    monkeypatch.setattr(PagesManager, "__init__", init)
    db = str(store_copy[0])
    monkeypatch.setenv(store.DB_ENV_VAR, db)
    monkeypatch.setenv(shared.SHARED_ENV_VAR, "1")
    monkeypatch.setenv("PARK_THROTTLE_DB", str(tmp_path / "t.sqlite"))
    first = shared.publish(db)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["role"] = "analyst"
    at.run()
    at.switch_page("pages/upload.py")
    at.run()
    at.file_uploader(key="upload_files").set_value(
        [("新名录.xlsx", _new_entity(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")])
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert shared.current_snapshot(db) == first          # a preview publishes nothing
    at.button(key="commit_0").click()
    at.run()
    assert at.success and at.success[0].value.startswith("已导入")
    snap = shared.current_snapshot(db)
    assert snap != first
    import duckdb
    con = duckdb.connect(str(snap), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM entities WHERE name = '青海多进程测试生物科技有限公司'").fetchall() \
            == [(1,)]
    finally:
        con.close()
