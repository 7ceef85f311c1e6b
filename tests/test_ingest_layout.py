"""analytics.ingest: layout quirks (titles, notes, two-row headers, blank/footer rows, 序号, extra
columns, several sheets, Excel row numbers) and every header synonym of every dataset."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from analytics.ingest import messages as msg
from analytics.ingest import read_workbook
from analytics.schema import DATASETS

from ingest_fixtures import registry_rows, uscc, write_book

TODAY = dt.date(2025, 6, 15)


def _days(series) -> list[str | None]:
    return [None if v is None or v != v else str(v)[:10] for v in series.tolist()]


def _one(path, **kw):
    r = read_workbook(path, today=TODAY, **kw)
    assert r.error is None
    return r.sheets[0]


def test_title_notes_blank_footer_serial_extra(tmp_path):
    header = ["序号"] + registry_rows()[0] + ["联系电话"]
    rows = [["2025年园区市场主体名录"], ["单位：万元", None, "导出时间：2025-06-16 09:00"], [], header]
    for i, r in enumerate(registry_rows()[1:], 1):
        rows.append([i] + r + ["0971-1234567"])
        rows.append([None] * 9)  # a blank row after each entity
    rows += [[None, "合 计", None, None, None, None, None, 513], ["制表人：张三"], ["注：数据截至6月15日"]]
    p = write_book(tmp_path / "w.xlsx", {"名录": rows}, merges={"名录": ["A1:I1"]})
    s = _one(p)
    assert s.dataset == "entities"
    assert s.header_rows == (4,)
    assert s.unused_columns == ["联系电话"]
    assert "序号" not in s.columns
    # data rows are Excel rows 5, 7, 9; blank rows 6, 8, 10; 合计 row 11; 制表人 and 注 rows 12-13
    assert list(s.frame["_row"]) == [5, 7, 9]
    assert s.rows_read == 3
    assert msg.NOTE_DEFAULT_UNIT.format(unit="万元") in s.notes
    assert msg.NOTE_FOOTER.format(row=12) in s.notes
    assert msg.NOTE_ROWS_DROPPED.format(blank=3, footer=3) in s.notes
    assert s.problems == []


def test_excel_row_numbers_with_leading_empty_rows_and_columns(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名录"
    ws["A1"].font = openpyxl.styles.Font(bold=True)  # a styled but empty cell does not count
    for r, row in enumerate(registry_rows(), start=4):
        for c, v in enumerate(row, start=3):  # table starts at C4
            ws.cell(row=r, column=c, value=v)
    ws.cell(row=6, column=6, value="2025-02-30")  # F6: 成立日期 of the second entity
    p = tmp_path / "w.xlsx"
    wb.save(p)
    s = _one(p)
    assert s.header_rows == (4,)
    assert list(s.frame["_row"]) == [5, 6, 7]
    [prob] = s.errors
    assert (prob.row, prob.column, prob.value, prob.message) == (6, "成立日期", "2025-02-30", msg.DATE_IMPOSSIBLE)


INDUSTRIAL_TWO_ROW = [
    ["2025年1-5月规上工业企业主要指标"],
    ["单位：千元"],
    ["序号", "统一社会信用代码", "企业名称", "工业增加值（千元）", None, "工业总产值", None],
    [None, None, None, "本年累计", "上年同期累计", "本年累计", "上年同期累计"],
    [1, uscc(1), "甲", 1200, 1000, 5000, 4000],
    [2, uscc(2), "乙", "3,000", None, 9000, "8000万元"],
]


@pytest.mark.parametrize("merged", [True, False], ids=["merged", "forward-filled"])
def test_two_row_header_with_group_cells(tmp_path, merged):
    merges = {"1-5月": ["A1:G1", "D3:E3", "F3:G3", "A3:A4", "B3:B4", "C3:C4"]} if merged else None
    p = write_book(tmp_path / "w.xlsx", {"1-5月": INDUSTRIAL_TWO_ROW}, merges=merges)
    s = _one(p)
    assert s.dataset == "industrial"
    assert s.header_rows == (3, 4)
    assert s.columns == {"统一社会信用代码": "uscc", "企业名称": "name",
                         "工业增加值（千元） 本年累计": "value_added_ytd",
                         "工业增加值（千元） 上年同期累计": "value_added_prev_ytd",
                         "工业总产值 本年累计": "output_ytd", "工业总产值 上年同期累计": "output_prev_ytd"}
    f = s.frame
    # period from the sheet name "1-5月" with the year of the title -> 2025-05-01 (no period column)
    assert _days(f["period"]) == ["2025-05-01", "2025-05-01"]
    # 千元 -> 万元: 1200 千元 = 120 万元; "3,000" 千元 = 300 万元; header unit 千元 from the group
    assert list(f["value_added_ytd"]) == [120.0, 300.0]
    assert f["value_added_prev_ytd"].iloc[0] == 100.0 and f["value_added_prev_ytd"].isna().iloc[1]
    # 工业总产值 has no unit in its header: the note "单位：千元" applies; "8000万元" keeps its own unit
    assert list(f["output_ytd"]) == [500.0, 900.0]
    assert list(f["output_prev_ytd"]) == [400.0, 8000.0]
    assert msg.NOTE_PERIOD_FROM_SHEET.format(where="工作表名", period="2025年5月") in s.notes
    assert s.problems == []


def test_sub_header_alone_is_ambiguous(tmp_path):
    rows = [["统一社会信用代码", "企业名称", "本年累计", "上年同期累计"], [uscc(1), "甲", 1, 2]]
    s = _one(write_book(tmp_path / "w.xlsx", {"2025年1-5月": rows}))
    assert s.dataset is None
    assert "「本年累计」" in s.skipped_reason and s.skipped_reason.startswith("未能识别为任何数据集")


def test_several_sheets_of_one_dataset(tmp_path):
    sales = lambda n: [["日期", "企业名称", "产品名称", "销售额（元）"],  # noqa: E731
                       [dt.date(2025, 5, 10), "甲", "牦牛肉", 12000 * n], ["2025年5月", "乙", "枸杞", "1.5万元"]]
    p = write_book(tmp_path / "帮销.xlsx", {"特色产品展厅": sales(1), "大通门店": sales(2)})
    r = read_workbook(p, today=TODAY)
    assert [s.dataset for s in r.sheets] == ["sales", "sales"]
    f1, f2 = r.sheets[0].frame, r.sheets[1].frame
    assert list(f1["channel"]) == ["特色产品展厅"] * 2 and list(f2["channel"]) == ["大通门店"] * 2
    # 12000 元 = 1.2 万元; 24000 元 = 2.4 万元; "1.5万元" stays 1.5
    assert list(f1["amount"]) == [1.2, 1.5] and list(f2["amount"]) == [2.4, 1.5]
    assert msg.NOTE_CHANNEL_FROM_SHEET.format(label="帮销渠道", channel="大通门店") in r.sheets[1].notes
    assert not r.has_errors


def test_column_overrides(tmp_path):
    rows = [["社会统一码", "主体", "开业日"], [uscc(1), "甲", "2020-01-02"]]
    p = write_book(tmp_path / "w.xlsx", {"S": rows})
    assert _one(p).dataset is None
    s = _one(p, column_overrides={"*": {"社会统一码": "uscc", "主体": "name"}, "S": {"开业日": "established_on"}})
    assert s.dataset == "entities"
    assert s.columns == {"社会统一码": "uscc", "主体": "name", "开业日": "established_on"}
    assert _days(s.frame["established_on"]) == ["2020-01-02"]


# --------------------------------------------------------------------------- every synonym

SAMPLE_BY_KIND = {"str": "甲", "code": "C3581", "uscc": uscc(1), "date": dt.date(2025, 5, 10),
                  "period": "2025年1-5月", "money": 12.5, "number": 101.2, "pct": 9.9}


def _sample(f, i: int = 0):
    """A value of field f's kind; money and dates differ with i (the i-th sheet's row)."""
    if f.kind == "enum":
        return f.allowed[0]
    if f.kind in ("money", "date"):
        return SAMPLE_BY_KIND[f.kind] + (i if f.kind == "money" else dt.timedelta(days=i))
    return SAMPLE_BY_KIND[f.kind]


@pytest.mark.parametrize("ds_name", list(DATASETS))
def test_every_header_synonym_is_recognised(tmp_path, ds_name):
    # one sheet per (field, synonym): the dataset's canonical labels with that one header replaced
    ds = DATASETS[ds_name]
    cases = [(f.name, syn) for f in ds.fields for syn in f.synonyms]
    # each sheet's figures differ: equal ledger sheets in one file are one set of records read once
    sheets = {f"2025年1-5月 {i}": [[syn if f.name == field_name else f.label for f in ds.fields],
                                  [_sample(f, i) for f in ds.fields]]
              for i, (field_name, syn) in enumerate(cases)}
    r = read_workbook(write_book(tmp_path / "w.xlsx", sheets), today=TODAY)
    assert r.error is None
    for s, (field_name, syn) in zip(r.sheets, cases):
        assert s.dataset == ds_name, (syn, s.skipped_reason)
        assert s.columns[syn] == field_name, syn


# A statistics-office form: title, a note row, then a three-row header: 主要经济指标 over
# 工业增加值（千元）/ 工业总产值（千元）, each over 本年累计 / 上年同期累计; 序号 … 行业代码 merged
# down the three rows; a 合计 row and the signature line of the form below the data.
INDUSTRIAL_THREE_ROW = [
    ["2025年1-5月生物科技产业园区规上工业企业主要经济指标"],
    ["填报单位：园区经发局"],
    ["序号", "期别", "统一社会信用代码", "单位详细名称", "主要经济指标", None, None, None, "行业代码"],
    [None, None, None, None, "工业增加值（千元）", None, "工业总产值（千元）", None, None],
    [None, None, None, None, "本年累计", "上年同期累计", "本年累计", "上年同期累计", None],
    [1, "1-5月", uscc(21), "青海甲制药有限公司", 12000, 10000, 50000, 45000, "C2720"],
    [2, "1-5月", uscc(22), "青海乙器械有限公司", "1,500", 500, 8000, 7000, "C3581"],
    ["合计", None, None, None, 13500, 10500, 58000, 52000],
    ["单位负责人：张三    统计负责人：李四    填表人：王五    报出日期：2025年6月10日"],
]


@pytest.mark.parametrize("merged", [True, False], ids=["merged", "forward-filled"])
def test_three_row_header_and_signature_footer(tmp_path, merged):
    merges = {"规上工业": ["A1:I1", "E3:H3", "E4:F4", "G4:H4"] + [f"{c}3:{c}5" for c in "ABCDI"]} if merged else None
    s = _one(write_book(tmp_path / "w.xlsx", {"规上工业": INDUSTRIAL_THREE_ROW}, merges=merges))
    assert s.dataset == "industrial"
    assert s.header_rows == (3, 4, 5)
    assert s.columns == {"期别": "period", "统一社会信用代码": "uscc", "单位详细名称": "name",
                         "工业增加值（千元） 本年累计": "value_added_ytd",
                         "工业增加值（千元） 上年同期累计": "value_added_prev_ytd",
                         "工业总产值（千元） 本年累计": "output_ytd",
                         "工业总产值（千元） 上年同期累计": "output_prev_ytd", "行业代码": "industry_code"}
    f = s.frame
    # "1-5月" with the year of the title -> May 2025; 千元 from the group cell -> 万元 (/10):
    # 12000 -> 1200, "1,500" -> 150, 10000 -> 1000, 500 -> 50, 50000 -> 5000, 7000 -> 700
    assert _days(f["period"]) == ["2025-05-01", "2025-05-01"]
    assert list(f["value_added_ytd"]) == [1200.0, 150.0]
    assert list(f["value_added_prev_ytd"]) == [1000.0, 50.0]
    assert list(f["output_ytd"]) == [5000.0, 800.0]
    assert list(f["output_prev_ytd"]) == [4500.0, 700.0]
    assert list(f["name"]) == ["青海甲制药有限公司", "青海乙器械有限公司"]
    # Excel rows 6-7 are data; 8 is 合计; 9 is the signature line, which closes the table
    assert list(f["_row"]) == [6, 7]
    assert msg.NOTE_FOOTER.format(row=9) in s.notes
    assert msg.NOTE_ROWS_DROPPED.format(blank=0, footer=2) in s.notes
    assert s.problems == []


def test_signature_line_spread_over_cells_is_not_data(tmp_path):
    rows = registry_rows() + [[], ["单位负责人：李四", None, "统计负责人：王五", None, "填表人：赵六"]]
    s = _one(write_book(tmp_path / "w.xlsx", {"Sheet1": rows}))
    assert s.rows_read == 3 and list(s.frame["_row"]) == [2, 3, 4]
    assert msg.NOTE_FOOTER.format(row=6) in s.notes
    assert s.problems == []


def test_second_table_below_the_first_names_its_channel(tmp_path):
    header = ["销售日期", "供货企业", "产品", "帮销金额（元）"]
    rows = [["助企帮销台账（特产展销馆）"], header,
            ["2024-12-09", "甲公司", "枸杞", "12,345.6"], ["2024-12-10", "乙公司", "牦牛肉", 50000],
            ["小计", None, None, 62345.6], [],
            [None, "大通店"], header, ["2025-05-10", "甲公司", "枸杞", 8000]]
    s = _one(write_book(tmp_path / "w.xlsx", {"特产展销馆": rows}))
    f = s.frame
    assert list(f["_row"]) == [3, 4, 9]
    # 元 -> 万元: 12345.6 / 10000 = 1.23456; 50000 -> 5; 8000 -> 0.8
    assert list(f["amount"]) == [1.23456, 5.0, 0.8]
    assert list(f["channel"]) == ["特产展销馆", "特产展销馆", "大通店"]
    assert msg.NOTE_REPEATED_HEADER.format(rows="8") in s.notes
    assert msg.NOTE_SUB_TABLE_TITLE.format(row=7, title="大通店") in s.notes
    assert msg.NOTE_CHANNEL_FROM_TITLE.format(row=9, label="帮销渠道", title="大通店") in s.notes
    assert s.problems == []


def test_a_different_table_below_is_not_read_with_the_first_tables_columns(tmp_path):
    rows = [["日期", "企业名称", "销售额（万元）"], ["2025-05-10", "甲", 1], [],
            ["企业名称", "产品名称", "日期", "销售额（万元）"], ["乙", "枸杞", "2025-05-11", 2]]
    s = _one(write_book(tmp_path / "w.xlsx", {"展会": rows}))
    assert list(s.frame["_row"]) == [2]
    assert [(p.level, p.row, p.message) for p in s.problems] == [
        ("error", 4, msg.FOREIGN_HEADER.format(header_row=1))]


def test_group_headings_and_group_subtotals_are_not_data(tmp_path):
    # an industrial table grouped by sector: 序号 "一" beside the group's name, a one-cell "（二）医药"
    # heading, and a subtotal named after its group
    rows = [["序号", "统一社会信用代码", "企业名称", "工业增加值本年累计（万元）"],
            ["一", None, "医疗器械企业", None],
            [1, uscc(1), "甲", 100],
            [None, "医疗器械小计", None, 100],
            [None, "（二）医药", None, None],
            [2, uscc(2), "乙", 50],
            [None, "医 药 合 计：", None, 50],
            [None, "园区总计", None, 150]]
    s = _one(write_book(tmp_path / "w.xlsx", {"2025年1-5月": rows}))
    assert list(s.frame["_row"]) == [3, 6]
    assert list(s.frame["value_added_ytd"]) == [100.0, 50.0]
    assert msg.NOTE_SECTION_ROWS.format(n=2, example="一") in s.notes
    assert msg.NOTE_ROWS_DROPPED.format(blank=0, footer=3) in s.notes
    assert s.problems == []


def test_sub_header_words_and_a_period_as_sub_header(tmp_path):
    rows = [["统一社会信用代码", "企业名称", "工业增加值(万元)", None, None, "工业总产值(万元)", None],
            [None, None, "1-5月", "去年同期", "增速(%)", "本年实际", "上年同期数"],
            [uscc(1), "甲", 100, 80, 25, 500, 400]]
    s = _one(write_book(tmp_path / "w.xlsx", {"2025年": rows}))
    assert s.columns == {"统一社会信用代码": "uscc", "企业名称": "name", "工业增加值(万元) 1-5月": "value_added_ytd",
                         "工业增加值(万元) 去年同期": "value_added_prev_ytd", "工业总产值(万元) 本年实际": "output_ytd",
                         "工业总产值(万元) 上年同期数": "output_prev_ytd"}
    assert s.unused_columns == ["工业增加值(万元) 增速(%)"]
    f = s.frame
    # "1-5月" under 工业增加值 with the year of the sheet name: May 2025
    assert (_days(f["period"]), f["value_added_ytd"][0], f["value_added_prev_ytd"][0], f["output_ytd"][0],
            f["output_prev_ytd"][0]) == (["2025-05-01"], 100.0, 80.0, 500.0, 400.0)
    assert s.problems == []


def test_years_as_groups_over_the_figures(tmp_path):
    rows = [["统一社会信用代码", "企业名称", "2024年1-5月", None, "2025年1-5月", None],
            [None, None, "工业增加值（万元）", "工业总产值（万元）", "工业增加值（万元）", "工业总产值（万元）"],
            [uscc(1), "甲", 80, 400, 100, 500]]
    s = _one(write_book(tmp_path / "w.xlsx", {"Sheet1": rows}, merges={"Sheet1": ["C1:D1", "E1:F1"]}))
    assert s.header_rows == (1, 2)
    # the later year is this year's cumulative figure, the earlier one the prior year's
    assert s.columns == {"统一社会信用代码": "uscc", "企业名称": "name",
                         "2024年1-5月 工业增加值（万元）": "value_added_prev_ytd",
                         "2024年1-5月 工业总产值（万元）": "output_prev_ytd",
                         "2025年1-5月 工业增加值（万元）": "value_added_ytd",
                         "2025年1-5月 工业总产值（万元）": "output_ytd"}
    f = s.frame
    assert (_days(f["period"]), f["value_added_ytd"][0], f["value_added_prev_ytd"][0]) == (["2025-05-01"], 100.0, 80.0)
    assert s.notes == [msg.NOTE_HEADER_PERIOD.format(header="2025年1-5月 工业增加值（万元）", period="2025年5月")]
    assert s.problems == []


def test_an_indicator_named_like_a_figure_is_data_not_a_sub_header(tmp_path):
    rows = [["指标", "单位", "2025年1-5月", "增速(%)"], ["工业增加值", "万元", 5000, 9.9], ["工业总产值", "万元", 15000, 10.1]]
    s = _one(write_book(tmp_path / "w.xlsx", {"Sheet1": rows}))
    assert s.dataset == "indicators" and s.header_rows == (1,)
    assert list(s.frame["indicator"]) == ["工业增加值", "工业总产值"]
    assert list(s.frame["value_ytd"]) == [5000.0, 15000.0]


def test_column_codes_and_a_units_row_under_the_header(tmp_path):
    # a statistics form: group/sub header, the column numbering 甲 乙 1 2 3 4, then a row of units
    rows = [["规模以上工业企业主要经济指标（B204-1表）"],
            ["统一社会信用代码", "单位详细名称", "工业总产值", None, "工业增加值", None],
            [None, None, "本年累计", "上年同期累计", "本年累计", "上年同期累计"],
            ["甲", "乙", 1, 2, 3, 4],
            [None, None, "千元", "千元", "（千元）", "千元"],
            [uscc(1), "甲", 5000, 4000, 1200, 1000]]
    s = _one(write_book(tmp_path / "w.xlsx", {"2025年1-5月": rows}))
    assert s.header_rows == (2, 3, 4, 5)
    f = s.frame
    assert list(f["_row"]) == [6]
    # 千元 from the units row -> 万元 (/10): 5000 -> 500, 4000 -> 400, 1200 -> 120, 1000 -> 100
    assert (f["output_ytd"][0], f["output_prev_ytd"][0], f["value_added_ytd"][0], f["value_added_prev_ytd"][0]) == \
        (500.0, 400.0, 120.0, 100.0)
    assert s.problems == []


def test_visible_and_exact_column_names_win_over_hidden_and_bracketed_ones(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目"
    ws.append(["项目名称（系统）", "项目名称", "项目阶段", "总投资（万元）", "总投资"])
    ws.append(["XM-001", "医疗器械产业园", "签约", 100, 999])
    ws.column_dimensions["A"].hidden = True
    ws.column_dimensions["D"].hidden = True  # the hidden 总投资（万元） loses to the visible 总投资
    p = tmp_path / "w.xlsx"
    wb.save(p)
    s = _one(p)
    assert s.columns == {"项目名称": "name", "项目阶段": "stage", "总投资": "investment"}
    assert s.unused_columns == ["项目名称（系统）", "总投资（万元）"]
    assert (s.frame["name"][0], s.frame["investment"][0]) == ("医疗器械产业园", 999.0)


@pytest.mark.parametrize("merged", [True, False], ids=["merged", "forward-filled"])
def test_group_row_above_the_row_of_names(tmp_path, merged):
    # the groups sit above the row that holds both the plain names and the sub-headers
    rows = [["2025年1-5月规上工业企业主要指标"],
            ["企业基本信息", None, None, "工业增加值（万元）", None, "工业总产值（万元）", None],
            ["统一社会信用代码", "企业名称", "行业代码", "本年累计", "上年同期累计", "本年累计", "上年同期累计"],
            [uscc(1), "甲", "C3581", 100, 80, 500, 400]]
    merges = {"S": ["A2:C2", "D2:E2", "F2:G2"]} if merged else None
    s = _one(write_book(tmp_path / "w.xlsx", {"S": rows}, merges=merges))
    assert s.header_rows == (2, 3)
    assert s.columns == {"统一社会信用代码": "uscc", "企业名称": "name", "行业代码": "industry_code",
                         "工业增加值（万元） 本年累计": "value_added_ytd",
                         "工业增加值（万元） 上年同期累计": "value_added_prev_ytd",
                         "工业总产值（万元） 本年累计": "output_ytd", "工业总产值（万元） 上年同期累计": "output_prev_ytd"}
    f = s.frame
    assert (_days(f["period"]), f["value_added_ytd"][0], f["value_added_prev_ytd"][0], f["output_ytd"][0]) == \
        (["2025-05-01"], 100.0, 80.0, 500.0)
    assert s.problems == []


def test_override_by_the_shown_text_of_a_grouped_column(tmp_path):
    # "1-5月 本年累计" is shown for a column whose own name is 本年累计; the analyst maps the
    # month's 本月 column by its shown text, and ignores the 1-5月 one
    rows = [["指标名称", "计量单位", "5月", "1-5月", None], [None, None, "本月", "本年累计", "同比增长(%)"],
            ["规上工业增加值", "万元", 1000, 5000, 9.9]]
    p = write_book(tmp_path / "w.xlsx", {"2025年": rows}, merges={"2025年": ["A1:A2", "B1:B2", "D1:E1"]})
    assert _one(p).columns["1-5月 本年累计"] == "value_ytd"
    s = _one(p, column_overrides={"*": {"5月 本月": "value_ytd", "1-5月 本年累计": None}})
    assert s.columns == {"指标名称": "indicator", "计量单位": "unit", "5月 本月": "value_ytd",
                         "1-5月 同比增长(%)": "growth_pct"}
    assert list(s.frame["value_ytd"]) == [1000.0]


def test_bracketed_qualifiers_inside_a_grouped_name(tmp_path):
    rows = [["统一社会信用代码", "单位详细名称", "工业总产值(当年价格)(千元)", None, "工业增加值（现价）（千元）", None],
            [None, None, "本年累计", "上年同期累计", "本年累计", "上年同期累计"],
            [uscc(1), "甲", 5000, 4000, 1200, 1000]]
    s = _one(write_book(tmp_path / "w.xlsx", {"2025年1-5月": rows}))
    assert s.columns["工业总产值(当年价格)(千元) 本年累计"] == "output_ytd"
    assert s.columns["工业增加值（现价）（千元） 上年同期累计"] == "value_added_prev_ytd"
    # 千元 -> 万元
    assert (s.frame["output_ytd"][0], s.frame["value_added_ytd"][0]) == (500.0, 120.0)


def test_data_row_holding_two_header_words_is_data(tmp_path):
    # 企业 and 产品 are header names elsewhere, but this row is mostly data
    rows = [["日期", "供货企业", "产品名称", "活动名称", "销售额（万元）"],
            ["2025-05-10", "企业", "产品", "青洽会", 1], ["2025-05-11", "乙", "枸杞", "青洽会", 2]]
    s = _one(write_book(tmp_path / "w.xlsx", {"展会": rows}))
    assert list(s.frame["_row"]) == [2, 3] and list(s.frame["amount"]) == [1.0, 2.0]
    assert s.problems == []
