"""Item 8 of issue 15: a fault reaches the viewer as one Chinese line, never a traceback or a path."""
from __future__ import annotations

import tomllib
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from analytics import store
from app_lib import errors

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")

pytestmark = pytest.mark.usefixtures("navigation_mode")


def test_streamlit_shows_no_error_details():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


def test_a_broken_store_is_one_chinese_line_on_every_page(tmp_path, monkeypatch):
    bad = tmp_path / "srv" / "park" / "park.duckdb"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"not a database" * 1000)
    monkeypatch.setenv(store.DB_ENV_VAR, str(bad))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert len(at.error) == 1
    text = at.error[0].value
    assert "\n" not in text and str(tmp_path) not in text and "Traceback" not in text
    assert "park.duckdb" in text and "损坏" in text


def test_reasons_for_common_faults():
    assert errors.reason(OSError(28, "No space left on device")) == \
        "服务器磁盘空间已满，本次操作未完成；请联系管理员清理磁盘。"
    assert errors.reason(duckdb.IOException("IO Error: Could not write file: No space left on device")) == \
        "服务器磁盘空间已满，数据库无法写入；本次操作未生效，请联系管理员清理磁盘。"
    assert errors.reason(store.StoreError("数据库文件 /srv/park/data/park.duckdb 是只读的")) == \
        "数据库文件 park.duckdb 是只读的"
    assert errors.reason(KeyError("x")) == "页面出错（KeyError），请刷新页面重试；如仍出错请联系管理员。"


def test_a_code_fault_stays_an_exception_under_apptest_and_is_one_line_in_a_server(monkeypatch):
    class Page:
        url_path = "x"

        def run(self):
            raise KeyError("列")

    with pytest.raises(KeyError):  # tests still see bugs
        errors.run_page(Page())
    shown = []
    monkeypatch.setattr(errors, "_in_server", lambda: True)
    monkeypatch.setattr(errors.st, "error", lambda text, icon=None: shown.append(text))
    errors.run_page(Page())
    assert shown == ["页面出错（KeyError），请刷新页面重试；如仍出错请联系管理员。"]
