"""A registry export with both 注销日期 and 吊销日期: one closing date per entity, whichever column holds it."""
import datetime as dt

from openpyxl import Workbook

from analytics.ingest import read_workbook


def test_closing_date_comes_from_whichever_closing_column_is_filled(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "名录"
    ws.append(["统一社会信用代码", "企业名称", "成立日期", "登记状态", "注销日期", "吊销日期", "核准日期"])
    ws.append(["91630100MA752YCQ37", "甲公司", "2019-03-01", "注销", "2024-05-01", None, "2024-05-01"])
    ws.append(["91630100MA6MQ8J36C", "乙公司", "2018-01-01", "吊销，未注销", None, "2023-07-15", "2023-07-15"])
    ws.append(["92630100MA6M2XQK4P", "丙商行", "2020-01-01", "存续", None, None, "2024-11-20"])
    wb.save(tmp_path / "名录.xlsx")
    sheet = read_workbook(tmp_path / "名录.xlsx", today=dt.date(2025, 6, 15)).sheets[0]
    got = [None if d != d else d.date() for d in sheet.frame["closed_on"]]
    assert got == [dt.date(2024, 5, 1), dt.date(2023, 7, 15), None]  # 核准日期 never closes an entity
    assert "吊销日期" not in sheet.unused_columns and "核准日期" in sheet.unused_columns
    assert "列「注销日期」为空的行，「注销日期」取自列「吊销日期」" in sheet.notes
    assert not [p for p in sheet.problems if "没有注销/吊销日期" in p.message]  # 乙 has its 吊销日期
