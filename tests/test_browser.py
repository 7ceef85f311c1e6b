"""The dashboard in a real browser: Debian's Chromium driven by Playwright.

Starts `streamlit run app.py` on a free port against a copy of the sample store (one server for the
module). At each office screen size every page of the navigation is opened, waited on until the script
is idle and every chart is drawn, and checked (no exception box, no cut text, no English); screenshots
of each go to artifacts/ (git-ignored).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# appended, not inserted first: benchmarks/analytics.py would shadow the analytics package for every later
# import (the module fixture's, when this file runs alone)
sys.path.append(str(Path(__file__).resolve().parent.parent / "benchmarks"))
from stclient import free_port, wait_health  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-first-run"]
VIEWPORT = {"width": 1920, "height": 1080}
PAGE_TIMEOUT_MS = 60_000
ANALYST_PASSWORD = "屏幕测试口令2025"

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="未找到 Debian 的 chromium（apt-get install chromium fonts-noto-cjk），跳过浏览器测试")]


@pytest.fixture(scope="module")
def server(store_db, tmp_path_factory):
    src, kind = store_db
    db = tmp_path_factory.mktemp("browser") / src.name
    shutil.copy(src, db)
    port = free_port()
    from analytics import auth
    # the analyst password, so the screen test can open the upload page (its uploader's own texts)
    env = {**os.environ, "PARK_DB": str(db), auth.HASH_ENV_VAR: auth.hash_password(ANALYST_PASSWORD)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_health(url, proc, 60)
    except RuntimeError:
        proc.kill()
        raise
    yield url, kind
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def _wait_idle(page) -> None:
    """Script idle, no status widget or skeleton, and every plotly chart has drawn its traces."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=PAGE_TIMEOUT_MS)
    page.wait_for_function("""() => {
        const app = document.querySelector('[data-testid="stApp"]');
        if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
        if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
        if (document.querySelector('[data-testid="stSkeleton"]')) return false;
        const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
        return charts.every(c => c.querySelector('.main-svg g.trace'));
    }""", timeout=PAGE_TIMEOUT_MS, polling=250)
    page.wait_for_timeout(500)  # let the last chart finish its transition


def _open(p, url: str, *, ready: str = "运行概况", viewport: dict = VIEWPORT):
    """(browser, page): Debian's Chromium opened at `url`, waited on until `ready` shows and the script is idle."""
    browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
    page = browser.new_page(viewport=viewport, locale="zh-CN")
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_text(ready).wait_for(timeout=PAGE_TIMEOUT_MS)
    _wait_idle(page)
    return browser, page


def _select_values(page) -> dict[str, str]:
    """{selectbox label: shown value} of every st.selectbox on the page."""
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('[data-testid="stSelectbox"]')]
        .map(e => [e.querySelector('label').textContent, [...e.querySelectorAll('input')].map(i => i.value).join()]))""")


def test_a_page_url_as_first_request_and_a_bar_click_filters_the_table(server):
    """Runs first on a fresh server: a bookmarked /projects must still get the sidebar (app.py), and
    clicking the 开工 bar of the stage chart sets the stage filter of the traffic-light table."""
    from playwright.sync_api import sync_playwright
    url, _ = server
    with sync_playwright() as p:
        browser, page = _open(p, f"{url}/projects", ready="项目红黄绿灯")   # the script has reached the table
        assert page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"]').count() == 1
        assert _select_values(page)["项目阶段"] == "全部阶段"
        stage_chart = page.locator('[data-testid="stPlotlyChart"]').nth(1)
        for _ in range(3):          # plotly may bind its click handler a moment after drawing
            stage_chart.locator("g.point").nth(2).click(force=True)      # bars in STAGES order: 洽谈 签约 开工
            page.wait_for_timeout(1500)
            _wait_idle(page)
            if _select_values(page)["项目阶段"] == "开工":
                break
        assert _select_values(page)["项目阶段"] == "开工"
        assert page.locator('[data-testid="stException"]').count() == 0
        browser.close()


def test_clicking_the_entity_charts_filters_the_registry_table(server):
    """The type chart was a ring: Streamlit reports no selection for pie slices, so a click did nothing.
    Now bars: clicking 个体工商户 sets the 主体类型 filter; clicking the 食品保健品 bar of the sector
    chart narrows the table to that sector (the caption names it)."""
    from playwright.sync_api import sync_playwright
    url, _ = server
    with sync_playwright() as p:
        browser, page = _open(p, url)
        page.locator('[data-testid="stSidebarNav"] a', has_text="市场主体").first.click()
        page.get_by_text("市场主体查询").wait_for(timeout=PAGE_TIMEOUT_MS)
        _wait_idle(page)
        types = page.locator('[data-testid="stPlotlyChart"]', has_text="市场主体类型构成").first
        for _ in range(3):          # plotly may bind its click handler a moment after drawing
            types.locator("g.point path").nth(1).click(force=True)     # bars top-down: 企业 个体工商户 农民专业合作社
            page.wait_for_timeout(1500)
            _wait_idle(page)
            if _select_values(page)["主体类型"] == "个体工商户":
                break
        assert _select_values(page)["主体类型"] == "个体工商户"
        sectors = page.locator('[data-testid="stPlotlyChart"]', has_text="各产业市场主体数量").first
        caption = page.get_by_text("最多显示500条").first
        for _ in range(3):
            sectors.locator("g.point path").nth(2).click(force=True)   # 医疗器械 医药 食品保健品 ...
            page.wait_for_timeout(1500)
            _wait_idle(page)
            if "产业：食品保健品" in caption.inner_text():
                break
        assert caption.inner_text() == "最多显示500条，按成立日期从新到旧；产业：食品保健品"
        assert page.locator('[data-testid="stException"]').count() == 0
        browser.close()


def test_month_bars_label_every_month_including_the_last(server):
    """At 1920 px the overview's 12 monthly bars need turned tick labels; turned clockwise, plotly dropped
    the last one (2025年6月) because it ran past the chart's right edge."""
    from playwright.sync_api import sync_playwright
    url, kind = server
    with sync_playwright() as p:
        browser, page = _open(p, url)
        chart = page.locator('[data-testid="stPlotlyChart"]', has_text="近12个月每月新设市场主体").first
        # plotly keeps a dropped label in the DOM with display: none: read only the shown ones
        ticks = chart.evaluate("""c => [...c.querySelectorAll('g.xtick text')]
            .filter(t => getComputedStyle(t).display !== 'none').map(t => t.textContent)""")
        # and the chart's toolbar speaks Chinese (it read "Download plot as a PNG", "Zoom in" ...)
        tips = chart.evaluate("c => [...c.querySelectorAll('.modebar-btn')].map(b => b.getAttribute('data-title'))")
        browser.close()
    assert "下载图片（PNG）" in tips
    # Streamlit adds its own "Fullscreen" button to the toolbar (framework text, not plotly's)
    assert not [t for t in tips if t and t.isascii() and t != "Fullscreen"], tips
    # the sample's default date is 2025-06-15: July 2024 .. June 2025
    assert ticks == ["2024年7月", "2024年8月", "2024年9月", "2024年10月", "2024年11月", "2024年12月", "2025年1月",
                     "2025年2月", "2025年3月", "2025年4月", "2025年5月", "2025年6月"]


# ---------------------------------------------------------------------------
# Screenshot-ready at office sizes (issue 11): nothing cut, nothing overlapping, no English
# ---------------------------------------------------------------------------
SCREEN_SIZES = {"1366x768": {"width": 1366, "height": 768}, "1920x1080": {"width": 1920, "height": 1080},
                "2560x1440": {"width": 2560, "height": 1440}}
# Latin words a user may see: file types, units, and the product names they refer to
LATIN_ALLOWED = {"PNG", "Excel", "Word", "WPS", "PDF", "Markdown", "XLSX", "XLSM", "XLS", "CSV", "MB", "KB", "GB",
                 "ETDZ", "YYYY", "MM", "DD", "PPI", "GDP", "xlsx", "xlsm", "xls", "xlsb", "ods", "htm", "mht", "csv", "docx", "pdf",
                 "png", "md"}
# run in the page: what a user cannot read in full
_SCREEN_PROBLEMS_JS = r"""(allowed) => {
    const out = [];
    const visible = (e) => {
        const r = e.getBoundingClientRect();
        if (r.width <= 1 || r.height <= 1 || r.right <= 0 || r.bottom <= 0) return false;   // zero-size or off screen
        if (e.closest('[data-testid="stIconMaterial"], .material-symbols-rounded')) return false;   // icon ligatures
        const s = getComputedStyle(e);
        return s.visibility !== 'hidden' && s.display !== 'none' && s.opacity !== '0';
    };
    const label = (e) => (e.innerText || e.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 60);
    // 1. text cut by its box: an element that clips (overflow hidden / ellipsis) and holds text wider than it
    const roots = [...document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebar"]')];
    for (const root of roots) {
        for (const e of root.querySelectorAll('*')) {
            if (e.closest('[data-testid="stPlotlyChart"], [data-testid="stTable"], svg') || !visible(e)) continue;
            const text = (e.innerText || '').trim();
            if (!text || text.length > 300 || e.querySelector('canvas, svg, [data-testid="stPlotlyChart"]')) continue;
            const s = getComputedStyle(e);
            const clips = s.textOverflow === 'ellipsis' || ['hidden', 'clip'].includes(s.overflowX);
            if (clips && e.scrollWidth > e.clientWidth + 1)
                out.push(`文字被截断：「${label(e)}」（${e.scrollWidth}>${e.clientWidth}px）`);
        }
        // a table wider than its box (glide grid scroller, or a static table)
        for (const e of root.querySelectorAll('.dvn-scroller, [data-testid="stTable"]')) {
            if (visible(e) && e.scrollWidth > e.clientWidth + 2)
                out.push(`表格超出宽度：「${label(e.closest('[data-testid="stElementContainer"]') || e).slice(0, 30)}」`);
        }
        // an ellipsis in the rendered text
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            if (n.parentElement && visible(n.parentElement) && /…|\.\.\./.test(n.textContent))
                out.push(`省略号：「${n.textContent.trim().slice(0, 60)}」`);
        }
    }
    // 2. charts: title, legend, footnote and tick labels apart, and inside the figure
    document.querySelectorAll('[data-testid="stPlotlyChart"]').forEach((c, i) => {
        const svg = c.querySelector('.main-svg');
        if (!svg) return;
        const box = svg.getBoundingClientRect();
        const title = c.querySelector('.g-gtitle');
        const name = title ? label(title) : `图表${i + 1}`;
        const parts = {};
        if (title && title.getBBox().width) parts['标题'] = title.getBoundingClientRect();
        const legend = c.querySelector('g.legend');
        if (legend && legend.getBBox().width) parts['图例'] = legend.getBoundingClientRect();
        const foot = [...c.querySelectorAll('g.annotation, g.g-xtitle')].find(a => a.textContent.includes('数据来源'));
        if (foot) parts['脚注'] = foot.getBoundingClientRect();
        const ticks = [...c.querySelectorAll('g.xtick text')].filter(t => getComputedStyle(t).display !== 'none');
        const tickBoxes = ticks.map(t => t.getBoundingClientRect()).filter(r => r.width);
        if (tickBoxes.length) parts['横轴标签'] = {
            left: Math.min(...tickBoxes.map(r => r.left)), right: Math.max(...tickBoxes.map(r => r.right)),
            top: Math.min(...tickBoxes.map(r => r.top)), bottom: Math.max(...tickBoxes.map(r => r.bottom))};
        const names = Object.keys(parts);
        for (let a = 0; a < names.length; a++) {
            const r = parts[names[a]];
            if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
                out.push(`图表「${name}」的${names[a]}超出图框`);
            for (let b = a + 1; b < names.length; b++) {
                const q = parts[names[b]];
                const overlap = Math.min(r.right, q.right) - Math.max(r.left, q.left) > 1 &&
                                Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top) > 1;
                if (overlap) out.push(`图表「${name}」的${names[a]}与${names[b]}重叠`);
            }
        }
        if (/…|\.\.\./.test(c.textContent)) out.push(`图表「${name}」中有省略号`);
    });
    // 3. English a user sees: visible text and the tooltips of visible elements
    const words = new Set();
    // a word of two or more Latin letters standing alone: codes such as 91630100MA6X2K9L1B are data, not English
    const add = (t) => (t.match(/(?<![A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z0-9])/g) || [])
        .forEach(w => { if (!allowed.includes(w)) words.add(w); });
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const p = n.parentElement;
        if (!p || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(p.tagName) || !visible(p)) continue;
        if (p.closest('svg') && !p.closest('[data-testid="stPlotlyChart"]')) continue;
        if (parseFloat(getComputedStyle(p).fontSize) === 0) continue;    // text replaced by CSS (::after)
        add(n.textContent);
    }
    for (const e of document.querySelectorAll('[title], [data-title], [placeholder]')) {
        if (!visible(e)) continue;
        for (const a of ['title', 'data-title', 'placeholder']) if (e.getAttribute(a)) add(e.getAttribute(a));
    }
    for (const e of document.querySelectorAll('[data-testid="stElementToolbar"], [data-testid="stMainMenu"]'))
        if (visible(e)) words.add(`（可见的英文工具栏：${e.getAttribute('data-testid')}）`);
    if (words.size) out.push('英文：' + [...words].join(' '));
    return out;
}"""


def _open_page(page, url: str, spec) -> None:
    page.locator('[data-testid="stSidebarNav"] a', has_text=spec.title).first.click()
    page.wait_for_function("(t) => [...document.querySelectorAll('[data-testid=\"stSidebarNav\"] a[aria-current=\"page\"]')]"
                           ".some(a => a.textContent.includes(t))", arg=spec.title, timeout=PAGE_TIMEOUT_MS)
    page.wait_for_timeout(300)
    _wait_idle(page)


@pytest.mark.parametrize("size", list(SCREEN_SIZES))
def test_every_page_is_screenshot_ready(server, size):
    """At office sizes every page (the briefing too) shows every card, title, footnote, legend, axis label,
    table and button in full, no chart part over another, and no English; full-page screenshots of each
    go to artifacts/screen_<size>_<page>.png for a person to look at."""
    from playwright.sync_api import sync_playwright

    from analytics.catalogue import DASHBOARD_PAGES
    from analytics.catalogue import PAGES as PAGES_ALL
    url, _ = server
    viewport = SCREEN_SIZES[size]
    ARTIFACTS.mkdir(exist_ok=True)
    problems = {}
    with sync_playwright() as p:
        browser, page = _open(p, f"{url}/overview", viewport=viewport)     # a bookmark of the overview
        page.wait_for_timeout(1500)      # a "page not found" notice would show by now
        for spec in DASHBOARD_PAGES:
            if spec.path != DASHBOARD_PAGES[0].path:
                _open_page(page, url, spec)
            found = page.evaluate(_SCREEN_PROBLEMS_JS, sorted(LATIN_ALLOWED))
            if page.locator('[data-testid="stException"]').count():
                found.append("异常：" + page.locator('[data-testid="stException"]').first.inner_text()[:200])
            if spec.charts and not page.locator('[data-testid="stPlotlyChart"]').count():
                found.append("没有图表")
            if found:
                problems[spec.title] = found
            page.screenshot(path=str(ARTIFACTS / f"screen_{size}_{spec.path}.png"))      # what the screen shows
            height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
            page.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], int(height) + 10)})
            page.wait_for_timeout(600)
            _wait_idle(page)
            page.screenshot(path=str(ARTIFACTS / f"screen_{size}_{spec.path}_full.png"), full_page=True)
            page.set_viewport_size(viewport)
        # the upload page behind the analyst login: the file uploader's own texts (Drag and drop …, Upload)
        _open_page(page, url, next(p for p in PAGES_ALL if p.path == "upload"))
        page.get_by_label("姓名（记入导入日志）").fill("屏幕测试")
        page.get_by_label("分析员密码").fill(ANALYST_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_selector('[data-testid="stFileUploaderDropzone"]', timeout=PAGE_TIMEOUT_MS)
        _wait_idle(page)
        found = page.evaluate(_SCREEN_PROBLEMS_JS, sorted(LATIN_ALLOWED))
        if found:
            problems["数据导入"] = found
        page.screenshot(path=str(ARTIFACTS / f"screen_{size}_upload.png"))
        browser.close()
    assert not problems, "\n".join(f"{k}：{v}" for k, v in problems.items())


def test_a_typed_date_applies_on_enter_and_on_tab(server):
    """数据日期 typed digit by digit applied only when the focus left the whole field: Enter did nothing and
    Tab from the day went to the field's own calendar button (app_lib.ui.DATE_KEYS_JS)."""
    from playwright.sync_api import sync_playwright
    url, _ = server
    with sync_playwright() as p:
        browser, page = _open(p, url, viewport=SCREEN_SIZES["1366x768"])
        shown = []
        for key, typed in (("Enter", "20250531"), ("Tab", "20250430")):
            page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"] [data-type="year"]').first.click()
            page.keyboard.type(typed, delay=40)
            page.keyboard.press(key)
            page.wait_for_timeout(1500)
            _wait_idle(page)
            shown.append(page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.inner_text())
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "screen_1366x768_typed_date.png"))
        browser.close()
    assert shown[0].startswith("数据日期：2025年5月31日")
    assert shown[1].startswith("数据日期：2025年4月30日")


def test_a_selectbox_without_matches_says_so_in_chinese(server):
    """Streamlit's dropdown said "No results" when the typed text matched no option."""
    from playwright.sync_api import sync_playwright
    url, _ = server
    with sync_playwright() as p:
        browser, page = _open(p, url, viewport=SCREEN_SIZES["1366x768"])
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
        page.keyboard.type("zzz", delay=40)
        page.wait_for_timeout(800)
        listbox = page.locator('[role="listbox"][data-empty]').first
        shown = listbox.evaluate("l => getComputedStyle(l.querySelector('span'), '::after').content")
        found = page.evaluate(_SCREEN_PROBLEMS_JS, sorted(LATIN_ALLOWED))
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "screen_1366x768_no_results.png"))
        browser.close()
    assert shown == '"没有匹配的选项"'
    assert not found, found


# a metric card's value as the user reads it: the number of lines its text takes and whether it is wider than its box
_METRIC_VALUES_JS = r"""() => [...document.querySelectorAll('[data-testid="stMetricValue"]')].map(v => {
    const tops = new Set();
    const walker = document.createTreeWalker(v, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const r = document.createRange();
        r.selectNodeContents(n);
        [...r.getClientRects()].forEach(x => { if (x.width) tops.add(Math.round(x.top)); });
    }
    return [v.innerText.trim(), tops.size, v.scrollWidth <= v.clientWidth + 1];
})"""


def test_headline_values_stay_on_one_line_at_1366(server):
    """Six cards in a row at 1366 px: "9000余万元" broke into "9000余" / "万元" (the value's font was sized by
    the window, not the card). Every value of the overview's cards is on one line and inside its card."""
    from playwright.sync_api import sync_playwright
    url, _ = server
    with sync_playwright() as p:
        browser, page = _open(p, url, viewport=SCREEN_SIZES["1366x768"])
        values = page.evaluate(_METRIC_VALUES_JS)
        browser.close()
    assert len(values) == 6 and "9000余万元" in [v[0] for v in values], values
    assert [v for v in values if v[1] != 1 or not v[2]] == []


def test_dates_in_tables_stay_on_one_line_at_1366(server):
    """A narrow date column at 1366 px broke "2025-06-15" after a hyphen ("2025-06-" / "15") in the registry
    and the project tables (ui.DATE_HYPHEN): every date cell of 市场主体 and 招商项目 is one line."""
    from playwright.sync_api import sync_playwright

    from analytics.catalogue import PAGES as PAGES_ALL
    url, _ = server
    found = {}
    with sync_playwright() as p:
        browser, page = _open(p, url, viewport=SCREEN_SIZES["1366x768"])
        for path in ("entities", "projects"):
            _open_page(page, url, next(s for s in PAGES_ALL if s.path == path))
            found[path] = page.evaluate(r"""() => [...document.querySelectorAll('[data-testid="stTable"] td')]
                .filter(td => /^\d{4}\W*-\W*\d{2}\W*-\W*\d{2}$/.test(td.innerText.trim()))
                .map(td => {
                    const r = document.createRange();
                    r.selectNodeContents(td);
                    const tops = new Set([...r.getClientRects()].filter(x => x.width).map(x => Math.round(x.top)));
                    return [td.innerText.trim().replace(/\u2060/g, ''), tops.size];
                })""")
        browser.close()
    for path, cells in found.items():
        assert len(cells) > 20, (path, cells)             # the pages do show dates in their tables
        assert [c for c in cells if c[1] != 1] == [], path


# each chart's y axis titles taller than its plot: [chart title, axis title, title px, plot px]
_Y_TITLES_PAST_PLOT_JS = r"""() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].flatMap(c => {
    const drag = c.querySelector('.nsewdrag');
    if (!drag) return [];
    const plot = drag.getBoundingClientRect();
    const title = c.querySelector('.g-gtitle');
    return [...c.querySelectorAll('g.g-ytitle text, g.g-y2title text')]
        .map(y => [title ? title.textContent : '', y.textContent, Math.round(y.getBoundingClientRect().height),
                   Math.round(plot.height)])
        .filter(r => r[2] > r[3] + 2);
})"""


def test_y_axis_titles_fit_beside_their_plot_at_1366(server):
    """In a third of the page at 1366 px the monthly 助企帮销 chart's plot is about 110 px high and its turned
    y titles "当月帮销额（万元）" / "累计帮销额（万元）" (145 px) ran over the month labels below (charts.y_title_text).
    On the overview and 助企帮销 no y axis title is taller than its plot."""
    from playwright.sync_api import sync_playwright

    from analytics.catalogue import PAGES as PAGES_ALL
    url, _ = server
    with sync_playwright() as p:
        browser, page = _open(p, url, viewport=SCREEN_SIZES["1366x768"])
        found = page.evaluate(_Y_TITLES_PAST_PLOT_JS)
        _open_page(page, url, next(s for s in PAGES_ALL if s.path == "sales"))
        found += page.evaluate(_Y_TITLES_PAST_PLOT_JS)
        titled = page.evaluate("() => document.querySelectorAll('g.g-ytitle text, g.g-y2title text').length")
        browser.close()
    assert titled >= 3
    assert found == []


# the first lines of a chart's function (c => {...}): an element's box on screen, and whether two boxes overlap
_BOXES_JS = """const box = e => e.getBoundingClientRect();
const clash = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
                        Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
"""


def _open_at_1366(p, url: str, path: str):
    """(browser, page): the navigation's page `path` (catalogue.PAGES) opened at 1366x768 and idle."""
    from analytics.catalogue import PAGES as PAGES_ALL
    browser, page = _open(p, url, viewport=SCREEN_SIZES["1366x768"])
    _open_page(page, url, next(s for s in PAGES_ALL if s.path == path))
    return browser, page


def test_negative_bar_labels_keep_clear_of_the_names_at_1366(server):
    """经济运行's enterprise contributions at half the page: "-0.82" outside its red bar ran into the company
    name beside it ("青海川鑫药业有限公司-0.82"). No value label of that chart overlaps a name."""
    from playwright.sync_api import sync_playwright

    url, _ = server
    with sync_playwright() as p:
        browser, page = _open_at_1366(p, url, "economy")
        chart = page.locator('[data-testid="stPlotlyChart"]', has_text="企业拉动全园区增长").first
        labels, clashes = chart.evaluate("c => {" + _BOXES_JS + """
            const values = [...c.querySelectorAll('text.bartext')], names = [...c.querySelectorAll('g.ytick text')];
            return [values.map(v => v.textContent),
                    values.flatMap(v => names.filter(n => clash(box(v), box(n))).map(n => v.textContent + ' / ' + n.textContent))];
        }""")
        browser.close()
    assert any(t.startswith("-") for t in labels), labels
    assert clashes == []


def test_ring_labels_keep_clear_of_the_legend_at_1366(server):
    """助企帮销's channel ring in a third of the page at 1366 px: the labels of its thin slices, drawn outside
    the ring, ran under the legend ("4…") and over each other. Each share is in the legend; no slice label
    overlaps the legend or leaves the figure."""
    from playwright.sync_api import sync_playwright

    url, _ = server
    with sync_playwright() as p:
        browser, page = _open_at_1366(p, url, "sales")
        chart = page.locator('[data-testid="stPlotlyChart"]', has_text="帮销渠道构成").first
        legend, clashes = chart.evaluate("c => {" + _BOXES_JS + """
            const fig = box(c.querySelector('.main-svg')), legend = box(c.querySelector('g.legend'));
            const shown = [...c.querySelectorAll('g.slicetext text')].filter(t => box(t).width > 0);
            return [[...c.querySelectorAll('g.legend text.legendtext')].map(t => t.textContent),
                    shown.filter(t => clash(box(t), legend) || box(t).left < fig.left || box(t).right > fig.right)
                         .map(t => t.textContent)];
        }""")
        browser.close()
    assert len(legend) >= 5 and all(t.endswith("%") for t in legend), legend
    assert clashes == []
