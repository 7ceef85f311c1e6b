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
