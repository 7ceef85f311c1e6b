"""Item 6 of issue 15: text from workbooks is shown literally (analytics.literal) on the pages and in
the briefing: links, images, autolinks, Streamlit directives, emoji codes, LaTeX and HTML do not render."""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from analytics import briefing, literal, store

AS_OF = __import__("datetime").date(2025, 6, 15)
APP = str(Path(__file__).resolve().parent.parent / "app.py")
HOSTILE = {
    "name": "[点我](javascript:alert(1))项目",
    "investor": "![追踪](http://198.51.100.7/t.png)投资方",
    "progress": ":red[已停工] $x^2$ 详见 www.example.com <b>粗</b>",
    "next_step": "1. 列表 :smile: [详情](http://example.com)",
}

pytestmark = pytest.mark.usefixtures("navigation_mode")


def test_escaping_leaves_no_markdown_construct():
    assert literal.text(HOSTILE["name"]) == "\\[点我\\](javascript\\:alert(1))项目"
    assert literal.text(HOSTILE["investor"]) == "!\\[追踪\\](http\\:\u2060//198.51.100.7/t.png)投资方"
    assert literal.text(":red[已停工] $x^2$") == "\\:red\\[已停工\\] \\$x^2\\$"
    assert literal.text("www.example.com <b> a@b.cn") == "www\u2060.example.com \\<b\\> a@\u2060b.cn"
    assert literal.text("1. 列表 :smile:") == "1\\. 列表 \\:\u2060smile\\:"
    assert literal.text("第一行\n# 第二行") == "第一行 \\# 第二行"
    for typed in ("有限责任公司(自然人投资或控股) 25.5", "23.5亿元", "-3.0%", "+5户", "1-5月", "9.9%"):
        assert literal.text(typed) == typed  # figures and ordinary names read as typed
    for v in HOSTILE.values():
        assert literal.strip_markup(literal.text(v)) == v


@pytest.fixture
def hostile_store(store_copy, monkeypatch):
    path, _ = store_copy
    con = store.connect(path, read_only=True)
    try:  # a red-light project: it is in the page's list and in the briefing's attachment
        key = briefing.build_briefing(con, AS_OF).red_yellow["project_id"].iloc[0]
    finally:
        con.close()
    con = duckdb.connect(str(path))
    sets = ", ".join(f"{k} = ?" for k in HOSTILE)
    con.execute(f"UPDATE projects SET {sets} WHERE project_id = ?", [*HOSTILE.values(), key])
    con.close()
    monkeypatch.setenv(store.DB_ENV_VAR, str(path))
    return path


def test_project_detail_shows_workbook_text_literally(hostile_store):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/projects.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    box = at.selectbox(key="prj_detail")
    target = next(k for k in box.options if HOSTILE["name"] in str(box.format_func(k)) or k == HOSTILE["name"]) \
        if callable(getattr(box, "format_func", None)) else None
    if target is None:  # options are shown as the project's name
        target = next(o for o in box.options if HOSTILE["name"] in str(o))
    box.set_value(target if target in box.options else box.options[box.options.index(target)])
    at.run()
    assert not at.exception
    bodies = [m.value for m in at.markdown]
    assert f"#### {literal.text(HOSTILE['name'])}" in bodies
    detail = next(b for b in bodies if "**投资主体**" in b)
    for key in ("investor", "progress", "next_step"):
        assert literal.text(HOSTILE[key]) in detail
    raw = [b for b in bodies if any(v in b for v in HOSTILE.values())]
    assert not raw, raw  # no element holds a hostile value unescaped


def test_briefing_markdown_shows_workbook_text_literally(hostile_store):
    con = store.connect(hostile_store, read_only=True)
    try:
        b = briefing.build_briefing(con, AS_OF)
    finally:
        con.close()
    md = briefing.to_markdown(b, image_dir=None)
    assert literal.text(HOSTILE["name"]) in md  # the project is listed, escaped
    for v in HOSTILE.values():
        assert v not in md
    assert not re.search(r"(?<!\\)\]\(", md)  # no link or image: every "](" of a value is escaped
