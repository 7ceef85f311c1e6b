"""Full-page screenshots of the running dashboard, taken by headless Chromium (Playwright).

- serve_app(db_path): a context manager that starts `streamlit run app.py` on a free port with
  PARK_DB=db_path, waits for /_stcore/health, yields the base URL and stops the server.
- capture(base_url, url_paths, out_dir, as_of=None): opens the app once, sets the sidebar's
  数据日期 to as_of (when given), then for each url path clicks its navigation link (same
  session, so the date stays), waits until the page is ready and writes <out_dir>/<path>.png.
- capture_dashboard(con, out_dir, as_of): both, against a snapshot of `con`'s database (the
  caller keeps its connection open; DuckDB lets one process write a file, so the app reads a copy).

Ready (DESIGN.md): stApp's data-test-script-state is "notRunning", no status widget, no
skeleton, every stPlotlyChart holds `.main-svg g.trace`. Full page: Streamlit scrolls inside
stMain, so the viewport is grown to stMain's scroll height before the screenshot.
"""
from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import duckdb

from analytics.store import DB_ENV_VAR

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-first-run"]
VIEWPORT = {"width": 1920, "height": 1080}      # 16:9, CSS px
SERVER_START_TIMEOUT_S = 60
PAGE_TIMEOUT_MS = 60_000
CHART_TIMEOUT_MS = 20_000                        # charts that never draw: screenshot anyway, with a warning
# url path of each dashboard page (app.py's st.Page url_path), in navigation order
DEFAULT_PATH = "overview"                        # the default page: its navigation link points at the root
DASHBOARD_PATHS = ("overview", "economy", "entities", "structure", "projects", "sales", "service", "quality",
                   "briefing")

_READY_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    return true;
}"""
_CHARTS_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .every(c => c.querySelector('.main-svg g.trace'))"""
_HEIGHT_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    return main ? main.scrollHeight : document.body.scrollHeight;
}"""


class ScreenshotError(RuntimeError):
    """The app or the browser could not be started (message in Chinese)."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_app(db_path: str | os.PathLike, port: int | None = None, app: str = "app.py",
              timeout_s: float = SERVER_START_TIMEOUT_S) -> Iterator[str]:
    """Run `streamlit run <app>` (from the project root) on `port` (default: a free one) with
    PARK_DB=db_path; yield 'http://127.0.0.1:<port>' once /_stcore/health answers; stop it on exit."""
    port = port or free_port()
    env = {**os.environ, DB_ENV_VAR: str(db_path)}
    cmd = [sys.executable, "-m", "streamlit", "run", app, "--server.port", str(port), "--server.address",
           "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
           "--browser.gatherUsageStats", "false"]
    logfile = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=logfile, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None:
                logfile.seek(0)
                raise ScreenshotError(f"看板服务启动失败：{logfile.read().decode(errors='replace')[-800:]}")
            if time.monotonic() > deadline:
                raise ScreenshotError(f"看板服务未在{timeout_s:.0f}秒内启动")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        logfile.close()


def _wait_ready(page, charts_timeout_ms: int = CHART_TIMEOUT_MS) -> bool:
    """Wait for the script to be idle, then for every chart to draw; False when a chart never did."""
    page.wait_for_function(_READY_JS, timeout=PAGE_TIMEOUT_MS, polling=200)
    try:
        page.wait_for_function(_CHARTS_JS, timeout=charts_timeout_ms, polling=200)
    except Exception:  # noqa: BLE001  (playwright TimeoutError)
        return False
    page.wait_for_timeout(300)   # the charts' last transition
    return True


def _set_as_of(page, as_of: date) -> bool:
    """Type as_of into the sidebar's 数据日期 (a date_input, format YYYY-MM-DD); False when absent."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"] input').first
    if not box.count():
        return False
    try:
        box.evaluate("e => e.scrollIntoView({block: 'center'})")
        box.fill(as_of.isoformat(), timeout=5_000)
        box.press("Enter", timeout=5_000)
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)
        _wait_ready(page)
        return box.input_value() == as_of.isoformat()
    except Exception as exc:  # noqa: BLE001  (playwright errors)
        log.warning("设置数据日期失败：%s", exc)
        return False


def _full_page(page, path: Path, viewport: dict) -> None:
    height = int(page.evaluate(_HEIGHT_JS))
    page.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], height + 10)})
    page.wait_for_timeout(300)
    _wait_ready(page, 5_000)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(viewport)


def capture(base_url: str, url_paths: Sequence[str], out_dir: str | os.PathLike, as_of: date | None = None,
            viewport: dict | None = None, chromium: str = CHROMIUM) -> list[Path]:
    """Full-page PNGs (<out_dir>/<url path>.png, CSS px = image px) of the given pages of the app at
    base_url, in one browser session. A path without a navigation link is skipped (logged).
    Raises ScreenshotError when Chromium cannot start."""
    from playwright.sync_api import sync_playwright
    viewport = dict(viewport or VIEWPORT)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS, headless=True)
        except Exception as exc:  # noqa: BLE001
            raise ScreenshotError(f"无法启动 Chromium（{chromium}）：{exc}") from exc
        try:
            page = browser.new_page(viewport=viewport, locale="zh-CN")
            page.goto(base_url, wait_until="domcontentloaded")
            _wait_ready(page)
            if as_of is not None and not _set_as_of(page, as_of):
                log.warning("未能把数据日期设为 %s，截图使用看板默认日期", as_of)
            for path in url_paths:
                href = f"{base_url.rstrip('/')}/" + ("" if path == DEFAULT_PATH else path)
                link = page.locator(f'[data-testid="stSidebarNav"] a[href="{href}"]').first
                if not link.count():
                    log.warning("看板导航中没有页面 %s，跳过截图", path)
                    continue
                link.click()
                page.wait_for_url(href, timeout=PAGE_TIMEOUT_MS)
                page.wait_for_timeout(200)   # let the rerun start before waiting for it to end
                if not _wait_ready(page):
                    log.warning("页面 %s 的图表在%d秒内未绘制完成，仍然截图", path, CHART_TIMEOUT_MS // 1000)
                target = out / f"{path}.png"
                _full_page(page, target, viewport)
                written.append(target)
        finally:
            browser.close()
    return written


@contextlib.contextmanager
def snapshot(con: duckdb.DuckDBPyConnection) -> Iterator[Path]:
    """A read-only copy of con's database in a temporary directory (removed on exit): the file copied
    after a CHECKPOINT, or, for an in-memory database, COPY FROM DATABASE into a new file."""
    tmp = Path(tempfile.mkdtemp(prefix="park_snapshot_"))
    dst = tmp / "park.duckdb"
    try:
        row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
        src = row[0] if row else None
        if src and Path(src).exists():
            con.execute("CHECKPOINT")
            shutil.copyfile(src, dst)
        else:
            name = con.execute("SELECT current_database()").fetchone()[0]
            con.execute("ATTACH ? AS park_snapshot", [str(dst)])
            try:
                con.execute(f'COPY FROM DATABASE "{name}" TO park_snapshot')
            finally:
                con.execute("DETACH park_snapshot")
        yield dst
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def capture_dashboard(con: duckdb.DuckDBPyConnection, out_dir: str | os.PathLike, as_of: date | None = None,
                      url_paths: Sequence[str] = DASHBOARD_PATHS) -> list[Path]:
    """Screenshots of every dashboard page (DASHBOARD_PATHS) at as_of, served from a snapshot of con."""
    with snapshot(con) as db, serve_app(db) as url:
        return capture(url, url_paths, out_dir, as_of=as_of)
