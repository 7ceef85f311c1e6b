"""The upload page in a real browser (Debian Chromium via Playwright): an analyst logs in, uploads a
registry workbook through the page, commits it, and the overview shows the new total."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from analytics import auth, screenshots

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(screenshots.CHROMIUM).exists(),
                                reason="未找到 /usr/bin/chromium（apt-get install chromium fonts-noto-cjk），跳过浏览器测试")]
PASSWORD = "浏览器测试密码"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def _workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "名录"
    ws.append(["统一社会信用代码", "企业名称", "成立日期", "登记状态"])
    ws.append(["91630100MA752YCQ37", "青海浏览器测试生物科技有限公司", dt.date(2025, 6, 10), "存续"])
    wb.save(path)
    return path


def _idle(page) -> None:
    page.wait_for_timeout(400)
    page.wait_for_function(screenshots._READY_JS, timeout=60_000, polling=100)


def test_upload_commit_and_the_overview_changes(store_copy, tmp_path, monkeypatch):
    from playwright.sync_api import sync_playwright
    db, kind = store_copy
    if kind != "sample":
        pytest.skip("需要示例数据库")
    monkeypatch.setenv(auth.HASH_ENV_VAR, auth.hash_password(PASSWORD))
    book = _workbook(tmp_path / "新增市场主体.xlsx")
    ARTIFACTS.mkdir(exist_ok=True)
    with screenshots.serve_app(db) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=screenshots.CHROMIUM, args=screenshots.CHROMIUM_FLAGS,
                                    headless=True)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(f"{url}/overview")
        # a page URL as a fresh server's first request runs once more through app.py: wait for the content
        page.get_by_text("运行概况").first.wait_for(timeout=60_000)
        _idle(page)
        assert "6,879" in page.inner_text("body") or "6879" in page.inner_text("body")
        page.goto(f"{url}/upload")
        _idle(page)
        page.get_by_label("姓名（记入导入日志）").fill("浏览器分析员")
        page.get_by_label("分析员密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_selector('[data-testid="stFileUploaderDropzoneInput"]', state="attached", timeout=60_000)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(book))
        commit = page.get_by_role("button", name=re.compile("确认导入"))
        commit.wait_for(timeout=60_000)
        _idle(page)
        page.screenshot(path=str(ARTIFACTS / "upload-preview.png"), full_page=True)
        commit.click()
        page.get_by_text(re.compile(r"已导入“新增市场主体\.xlsx”（批次 \d+），各页已更新。")).wait_for(timeout=60_000)
        assert not page.locator('[data-testid="stException"]').count()
        # the overview, reached through the navigation, shows the new figure at once
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text="总览").first.click()
        _idle(page)
        body = page.inner_text("body").replace(",", "")
        assert "6880" in body and not page.locator('[data-testid="stException"]').count()
        browser.close()
