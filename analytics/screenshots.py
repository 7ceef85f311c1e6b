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

from analytics.catalogue import DASHBOARD_PAGES
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
RERUN_START_MS = 150                             # after a click, before waiting for the rerun to end
SETTLE_MS = 150                                  # after the charts have drawn (their last transition)
RELAYOUT_MS = 250                                # after growing the viewport (plotly re-lays out)
TABS = 1                                         # browser windows working at the same time
# background windows must keep drawing while another one is being screenshotted
EXTRA_FLAGS = ["--disable-background-timer-throttling", "--disable-renderer-backgrounding",
               "--disable-backgrounding-occluded-windows"]
# url path of each dashboard page (app.py's st.Page url_path), in navigation order
DEFAULT_PATH = "overview"                        # the default page: its navigation link points at the root
DASHBOARD_PATHS = tuple(p.path for p in DASHBOARD_PAGES)      # the one list of pages: analytics.catalogue

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


class AppServer:
    """`streamlit run <app>` (from the project root) on a port with PARK_DB=db_path.

    start() returns at once (the server boots in the background, so other work can overlap it);
    wait() blocks until /_stcore/health answers and returns the base URL; stop() ends the process."""

    def __init__(self, db_path: str | os.PathLike, port: int | None = None, app: str = "app.py"):
        self.db_path, self.app = str(db_path), app
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._proc: subprocess.Popen | None = None
        self._log = None

    def start(self) -> AppServer:
        env = {**os.environ, DB_ENV_VAR: self.db_path}
        cmd = [sys.executable, "-m", "streamlit", "run", self.app, "--server.port", str(self.port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
               "--browser.gatherUsageStats", "false"]
        self._log = tempfile.TemporaryFile()
        self._proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        return self

    def wait(self, timeout_s: float = SERVER_START_TIMEOUT_S) -> str:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self.url
            except OSError:
                pass
            if self._proc.poll() is not None:
                self._log.seek(0)
                raise ScreenshotError(f"看板服务启动失败：{self._log.read().decode(errors='replace')[-800:]}")
            if time.monotonic() > deadline:
                raise ScreenshotError(f"看板服务未在{timeout_s:.0f}秒内启动")
            time.sleep(0.2)

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None


@contextlib.contextmanager
def serve_app(db_path: str | os.PathLike, port: int | None = None, app: str = "app.py",
              timeout_s: float = SERVER_START_TIMEOUT_S) -> Iterator[str]:
    """Run `streamlit run <app>` (from the project root) on `port` (default: a free one) with
    PARK_DB=db_path; yield 'http://127.0.0.1:<port>' once /_stcore/health answers; stop it on exit."""
    server = AppServer(db_path, port, app).start()
    try:
        yield server.wait(timeout_s)
    finally:
        server.stop()


def _wait_ready(page, charts_timeout_ms: int = CHART_TIMEOUT_MS, settle_ms: int = SETTLE_MS) -> bool:
    """Wait for the script to be idle, then for every chart to draw; False when a chart never did."""
    page.wait_for_function(_READY_JS, timeout=PAGE_TIMEOUT_MS, polling=100)
    try:
        page.wait_for_function(_CHARTS_JS, timeout=charts_timeout_ms, polling=100)
    except Exception:  # noqa: BLE001  (playwright TimeoutError)
        return False
    page.wait_for_timeout(settle_ms)   # the charts' last transition
    return True


def _set_as_of(page, as_of: date) -> bool:
    """Type as_of into the sidebar's 数据日期 (a date_input, format YYYY-MM-DD); False when absent."""
    # Streamlit's date input is a field of year/month/day segments: typing the digits into the year segment
    # fills all three, and Enter applies the date (app_lib.ui.DATE_KEYS_JS moves the focus out of the field)
    box = page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"] input').first
    year = page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"] [data-type="year"]').first
    try:
        box.wait_for(state="attached", timeout=10_000)
    except Exception:  # noqa: BLE001  (no date input on this app)
        return False
    try:
        year.click(timeout=5_000)
        page.keyboard.type(as_of.strftime("%Y%m%d"), delay=30)
        page.keyboard.press("Enter")
        page.wait_for_timeout(RERUN_START_MS)
        _wait_ready(page)
        return box.input_value() == as_of.isoformat()
    except Exception as exc:  # noqa: BLE001  (playwright errors)
        log.warning("设置数据日期失败：%s", exc)
        return False


def _full_page(page, path: Path, viewport: dict) -> None:
    """Grow the viewport to stMain's scroll height (Streamlit scrolls inside stMain), let the charts
    re-lay out, take the screenshot, and give the viewport back."""
    height = int(page.evaluate(_HEIGHT_JS))
    if height + 10 > viewport["height"]:
        page.set_viewport_size({"width": viewport["width"], "height": height + 10})
        page.wait_for_timeout(RELAYOUT_MS)
        _wait_ready(page, 5_000, settle_ms=0)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(viewport)


def _link(page, base_url: str, path: str):
    href = f"{base_url.rstrip('/')}/" + ("" if path == DEFAULT_PATH else path)
    return href, page.locator(f'[data-testid="stSidebarNav"] a[href="{href}"]').first


def capture(base_url: str, url_paths: Sequence[str], out_dir: str | os.PathLike, as_of: date | None = None,
            viewport: dict | None = None, chromium: str = CHROMIUM, tabs: int = TABS) -> list[Path]:
    """Full-page PNGs (<out_dir>/<url path>.png, CSS px = image px) of the given pages of the app at
    base_url. `tabs` browser windows (one app session each, as_of typed into each) share the pages
    round-robin and load at the same time; within a window, pages are reached through the
    navigation links, so the date stays. A path without a navigation link is skipped (logged).
    Returns the files in url_paths order. Raises ScreenshotError when Chromium cannot start."""
    from playwright.sync_api import sync_playwright
    viewport = dict(viewport or VIEWPORT)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS + EXTRA_FLAGS, headless=True)
        except Exception as exc:  # noqa: BLE001
            raise ScreenshotError(f"无法启动 Chromium（{chromium}）：{exc}") from exc
        try:
            n = max(1, min(tabs, len(url_paths)))
            pages = [browser.new_context(viewport=viewport, locale="zh-CN").new_page() for _ in range(n)]
            queues = [list(url_paths[i::n]) for i in range(n)]
            # each window opens the app at its root (a deep link into a server that has not run app.py yet
            # would run the page alone, without app.py's navigation and sidebar), gets the date, and
            # screenshots that page first when it is one of its own
            first = []
            for page in pages:
                page.goto(f"{base_url.rstrip('/')}/", wait_until="domcontentloaded")
            for page, queue in zip(pages, queues):
                _wait_ready(page)
                page.locator('[data-testid="stSidebarNav"]').first.wait_for(state="attached", timeout=PAGE_TIMEOUT_MS)
                if as_of is not None and not _set_as_of(page, as_of):
                    log.warning("未能把数据日期设为 %s，截图使用看板默认日期", as_of)
                on_it = page.url.rstrip("/") == _link(page, base_url, queue[0])[0].rstrip("/")
                first.append(queue[0] if on_it else None)
                if on_it:
                    queue.pop(0)
            while any(queues) or any(first):
                started = []
                for i, (page, queue) in enumerate(zip(pages, queues)):
                    if first[i]:
                        started.append((page, first[i], None))
                        first[i] = None
                        continue
                    if not queue:
                        continue
                    path = queue.pop(0)
                    href, link = _link(page, base_url, path)
                    if not link.count():
                        log.warning("看板导航中没有页面 %s，跳过截图", path)
                        continue
                    link.click()
                    started.append((page, path, href))
                for page, path, href in started:
                    if href is not None:
                        page.wait_for_url(href, timeout=PAGE_TIMEOUT_MS)
                        page.wait_for_timeout(RERUN_START_MS)   # let the rerun start before waiting for it to end
                    if not _wait_ready(page):
                        log.warning("页面 %s 的图表在%d秒内未绘制完成，仍然截图", path, CHART_TIMEOUT_MS // 1000)
                    target = out / f"{path}.png"
                    _full_page(page, target, viewport)
                    written[path] = target
        finally:
            browser.close()
    return [written[p] for p in url_paths if p in written]


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
