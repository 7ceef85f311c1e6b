"""analytics.ingest: exports a stranger brought (round three): layouts and words the earlier rounds did not
meet. Each test writes its workbook here and asserts figures worked out by hand from what it wrote."""
from __future__ import annotations

import datetime as dt

from analytics.ingest import read_workbook

from ingest_fixtures import uscc, write_book

TODAY = dt.date(2025, 6, 20)


def _days(series) -> list[str | None]:
    return [None if v is None or v != v else str(v)[:10] for v in series.tolist()]


def _read(path, **kw):
    r = read_workbook(path, today=TODAY, **kw)
    assert r.error is None, r.error
    return r


# --------------------------------------------------------------------------- header words

def test_registry_headed_unit_name_and_registration_date(tmp_path):
    # a registry extract headed 信用代码 / 单位名称 / 登记日期 / 经营状态 below a title and an export stamp
    rows = [["市场主体名录"], ["导出时间：2025-06-15 09:00", None, None, "单位：万元"],
            ["信用代码", "单位名称", "登记日期", "经营状态", "注册资本"],
            [uscc(1), "青海甲医疗器械有限公司", "2025年6月1日", "在营", "1,000"],
            [uscc(2), "青海乙药业有限公司", "2024.12.31", "在营", "50"]]
    industrial = [["报告期", "统一社会信用代码", "单位名称", "工业增加值本年累计", "工业增加值上年同期累计"],
                  ["2025年1-5月", uscc(1), "青海甲医疗器械有限公司", 110, 100]]
    r = _read(write_book(tmp_path / "名录.xlsx", {"名录": rows, "规上": industrial}))
    reg, ind = r.sheets
    assert (reg.dataset, reg.header_rows, reg.errors) == ("entities", (3,), [])
    assert reg.frame["name"].tolist() == ["青海甲医疗器械有限公司", "青海乙药业有限公司"]
    assert _days(reg.frame["established_on"]) == ["2025-06-01", "2024-12-31"]
    assert reg.frame["registered_capital"].tolist() == [1000.0, 50.0]
    assert ind.dataset == "industrial" and ind.frame["name"].tolist() == ["青海甲医疗器械有限公司"]
