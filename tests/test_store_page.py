"""数据导入 page, the ledger rule: the preview names the rule in one sentence with the figures before and
after, and the analyst can choose the other rule (a new sales row into the sample store)."""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from analytics import store
from tests.test_upload_page import XLSX, _app, _count, db  # noqa: F401 - db is a fixture

pytestmark = [pytest.mark.usefixtures("navigation_mode"), pytest.mark.slow]


def _one_sale() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "展销中心"
    ws.append(["日期", "企业名称", "销售额（万元）"])
    ws.append(["2025-06-01", "青海甲公司", 1.5])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_preview_names_the_ledger_rule_and_the_other_one_can_be_chosen(db):  # noqa: F811
    rows, total = _count(db, "SELECT count(*) FROM sales"), _count(db, "SELECT sum(amount) FROM sales")
    in_span = _count(db, "SELECT count(*) FROM sales WHERE sold_on >= DATE '2025-06-01'")
    assert in_span > 0
    at = _app("analyst")
    at.file_uploader(key="upload_files").set_value([("补充的一笔.xlsx", _one_sale(), XLSX)])
    at.run()
    assert not at.exception and not at.error
    said = [i.value for i in at.info if i.value.startswith("助企帮销台账：")]
    assert len(said) == 1 and "按“整本台账新版本”处理" in said[0]
    assert f"内的 {in_span} 行，由本文件的 1 行取代" in said[0]
    assert f"库中 {rows} 行 → {rows - in_span + 1} 行" in said[0]
    at.radio(key="ledger_rule_0").set_value("append")
    at.run()
    said = [i.value for i in at.info if i.value.startswith("助企帮销台账：")]
    assert "按“追加”处理：本文件中库里没有的 1 行新增" in said[0] and f"库中 {rows} 行 → {rows + 1} 行" in said[0]
    at.button(key="commit_0").click()
    at.run()
    assert at.success
    assert _count(db, "SELECT count(*) FROM sales") == rows + 1
    assert abs(_count(db, "SELECT sum(amount) FROM sales") - (total + 1.5)) < 1e-9
    assert store.connect(db).execute("SELECT rule FROM batch_datasets ORDER BY batch_id DESC LIMIT 1"
                                     ).fetchall() == [("append",)]


def _ledger_without(path, dropped_key: str) -> tuple[bytes, dict]:
    """The sample's current project ledger, whole, without one project: every field under its label."""
    from analytics.schema import PROJECTS
    con = store.connect(path)
    try:
        names = [f.name for f in PROJECTS.fields]
        rows = con.execute(f"SELECT {', '.join(names)} FROM projects WHERE project_key <> ? ORDER BY project_key",
                           [dropped_key]).fetchall()
        gone = dict(zip(["project_id", "name", "investment"], con.execute(
            "SELECT project_id, name, investment FROM projects WHERE project_key = ?", [dropped_key]).fetchone()))
    finally:
        con.close()
    wb = Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ws.append([f.label for f in PROJECTS.fields])
    for r in rows:
        ws.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), gone


def test_the_preview_names_the_projects_a_whole_ledger_drops(db):  # noqa: F811
    key = _count(db, "SELECT min(project_key) FROM projects")
    n, total = _count(db, "SELECT count(*) FROM projects"), _count(db, "SELECT sum(investment) FROM projects")
    book, gone = _ledger_without(db, key)
    at = _app("analyst")
    at.file_uploader(key="upload_files").set_value([("招商引资项目台账_20250630.xlsx", book, XLSX)])
    at.run()
    assert not at.exception and not at.error
    said = [i.value for i in at.info if i.value.startswith("招商引资项目台账：")]
    label = gone["name"] + (f"（{gone['project_id']}）" if gone["project_id"] and gone["project_id"] != gone["name"] else "")
    assert len(said) == 1 and f"本文件没有的 1 项移出当前台账（可撤销本批次恢复）：{literal_md(label)}。" in said[0]
    assert f"库中 {n} 行 → {n - 1} 行" in said[0]
    at.radio(key="ledger_rule_0").set_value("append")
    at.run()
    said = [i.value for i in at.info if i.value.startswith("招商引资项目台账：")]
    assert "按“追加”处理" in said[0] and f"库中 {n} 行 → {n} 行" in said[0]
    at.radio(key="ledger_rule_0").set_value("replace")
    at.run()
    at.button(key="commit_0").click()
    at.run()
    assert at.success
    assert _count(db, "SELECT count(*) FROM projects") == n - 1
    assert _count(db, f"SELECT count(*) FROM projects WHERE project_key = '{key}'") == 0
    assert abs(_count(db, "SELECT sum(investment) FROM projects") - (total - gone["investment"])) < 1e-6


def literal_md(text: str) -> str:
    from analytics import literal
    return literal.text(text)
