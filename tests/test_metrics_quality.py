"""analytics.metrics.quality: latest periods, gaps, entities without code, import warnings."""
from datetime import date

import pytest

from analytics import store
from analytics.metrics import quality

from store_rows import insert


@pytest.fixture()
def con():
    c = store.connect(":memory:")
    insert(c, "industrial", [
        {"period": date(2025, 2, 1), "uscc": "A", "value_added_ytd": 1.0},
        {"period": date(2025, 5, 1), "uscc": "A", "value_added_ytd": 2.0},  # 1-3月 and 1-4月 missing
    ])
    insert(c, "sales", [{"sold_on": date(2025, 1, 5), "amount": 1.0}, {"sold_on": date(2025, 3, 5), "amount": 1.0}])
    insert(c, "entities", [
        {"uscc": "91A", "name": "甲", "established_on": date(2025, 1, 1), "industry_code": "C3581", "sector": "医疗器械"},
        {"uscc": "91B", "name": "乙", "established_on": date(2025, 2, 1), "industry_code": None, "sector": "其他"},
    ])
    insert(c, "import_log", [{"batch_id": 1, "kind": "import"}, {"batch_id": 2, "kind": "import", "rolled_back_by": 3}])
    insert(c, "import_problems", [
        {"batch_id": 1, "level": "warning", "file": "a.xlsx", "sheet": "企业", "row": 5, "message": "校验位不正确"},
        {"batch_id": 2, "level": "warning", "file": "b.xlsx", "sheet": "企业", "row": 7, "message": "已回滚"},
    ])
    return c


def test_latest_periods(con):
    df = quality.latest_periods(con).set_index("dataset")
    assert df.loc["industrial", "latest_text"] == "2025年1-5月"
    assert df.loc["sales", "latest_text"] == "2025年3月5日"
    assert df.loc["projects", "latest_text"] == "—" and df.loc["projects", "rows"] == 0
    assert df.loc["entities", "rows"] == 2


def test_gaps(con):
    df = quality.gaps(con)
    assert df[df["dataset"] == "industrial"]["month"].tolist() == ["2025-03", "2025-04"]
    assert df[df["dataset"] == "sales"]["note"].tolist() == ["2025年2月无帮销记录"]
    assert df[df["dataset"] == "industrial"]["note"].tolist() == ["缺少2025年1-3月数据", "缺少2025年1-4月数据"]


def test_entities_without_code_and_warnings(con):
    assert quality.entities_without_code(con)["uscc"].tolist() == ["91B"]
    w = quality.import_warnings(con)
    assert w["message"].tolist() == ["校验位不正确"]  # batch 2 was rolled back
    s = quality.summary(con)
    assert (s["entities"], s["industrial"], s["entities_without_code"], s["warnings"]) == (2, 2, 1, 1)
