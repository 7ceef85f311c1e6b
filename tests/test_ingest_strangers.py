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


# --------------------------------------------------------------------------- rows that are not data

def test_running_totals_and_end_of_table_marks_are_not_data(tmp_path):
    # a sales ledger closed by 本月累计 / 累计 rows and 以下空白 in the date column; a project ledger (CSV)
    # whose signature line starts with the signing office (填报单位：…)
    sales = [["序号", "日期", "企业名称", "产品名称", "销售额（万元）"],
             [1, "2025-06-01", "甲", "牦牛肉", 1.0],
             [2, "2025-06-02", "乙", "枸杞", 2.5],
             [None, "本月累计", None, None, 3.5],
             [None, "累计", None, None, 103.5],
             [3, "2025-06-03", "丙", "青稞酒", 4.0],
             [None, "以下空白", None, None, None],
             [None, "2025-06-30", "丁", "不应读入", 99.0]]
    s = _read(write_book(tmp_path / "帮销.xlsx", {"展销中心": sales})).sheets[0]
    assert s.errors == [] and s.rows_read == 3
    assert s.frame["amount"].tolist() == [1.0, 2.5, 4.0]
    assert "第7行起为表尾说明，已忽略" in s.notes and "跳过空行 0 行、合计/表尾行 4 行" in s.notes
    text = ("招商引资项目台账\r\n项目名称,投资方,总投资（万元）,签约时间,项目阶段\r\n"
            "甲项目,甲公司,\"1,200\",2025年3月1日,已签约\r\n乙项目,乙公司,\"3,400.50\",2025.3.2,已开工\r\n"
            "填报单位：招商局,,审核人：,,填报日期：2025年6月15日\r\n")
    (tmp_path / "台账.csv").write_bytes(text.encode("gb18030"))
    p = _read(tmp_path / "台账.csv").sheets[0]
    assert p.errors == [] and p.frame["investment"].tolist() == [1200.0, 3400.5]


# --------------------------------------------------------------------------- the same records twice in a file

SALES_HEAD = ["日期", "企业名称", "产品名称", "销售额（万元）"]


def test_a_ledger_sheet_repeated_in_another_sheet_counts_once(tmp_path):
    # 全部明细 (with a channel column) beside one sheet per channel holding the same sales, and a copied
    # sheet: 1 + 2 + 4 = 7 万元 once, not 14 or 17
    everything = [["日期", "帮销渠道", "企业名称", "产品名称", "销售额（万元）"],
                  ["2025-06-01", "特色产品展销中心", "甲", "牦牛肉", 1.0],
                  ["2025-06-02", "特色产品展销中心", "乙", "枸杞", 2.0],
                  ["2025-06-03", "大通店", "丙", "青稞酒", 4.0]]
    showroom = [SALES_HEAD, ["2025-06-01", "甲", "牦牛肉", 1.0], ["2025-06-02", "乙", "枸杞", 2.0]]
    datong = [SALES_HEAD, ["2025-06-03", "丙", "青稞酒", 4.0]]
    book = write_book(tmp_path / "帮销.xlsx", {"展销中心": showroom, "全部明细": everything, "大通店": datong,
                                              "大通店 (2)": datong})
    r = _read(book)
    read = [s for s in r.sheets if s.dataset == "sales"]
    assert [s.sheet for s in read] == ["全部明细"]
    assert sum(s.frame["amount"].sum() for s in read) == 7.0
    skipped = {s.sheet: s.skipped_reason for s in r.sheets if s.dataset is None}
    assert skipped["展销中心"] == (
        "本表的 2 行全部也在工作表「全部明细」中（日期、企业名称、产品名称、销售额（万元）都相同），是同一批记录，"
        "只按「全部明细」计一次，本表已跳过；如果确是另外的记录，请在本表中写明区别（如帮销渠道列）后重新上传")
    assert "工作表「全部明细」" in skipped["大通店"] and "工作表「全部明细」" in skipped["大通店 (2)"]


def test_channel_sheets_sharing_a_sale_are_both_read(tmp_path):
    # two channels that each sold the same product of the same firm for the same amount on one day, and a
    # copy of a sheet without its channel column: the copy goes, the other channel stays
    showroom = [SALES_HEAD, ["2025-06-01", "甲", "牦牛肉", 1.0], ["2025-06-02", "乙", "枸杞", 2.0]]
    datong = [SALES_HEAD, ["2025-06-01", "甲", "牦牛肉", 1.0]]
    r = _read(write_book(tmp_path / "帮销.xlsx", {"展销中心": showroom, "大通店": datong,
                                                 "展销中心 (2)": showroom}))
    assert [(s.sheet, s.dataset) for s in r.sheets] == [("展销中心", "sales"), ("大通店", "sales"),
                                                       ("展销中心 (2)", None)]
    assert sum(s.frame["amount"].sum() for s in r.sheets if s.frame is not None) == 4.0


# --------------------------------------------------------------------------- values

def test_a_span_of_days_is_read_as_its_first_day_with_a_warning(tmp_path):
    # a fair's takings dated by the fair's days, as the sales office types them; amounts in 元
    rows = [["活动名称", "活动日期", "供货企业", "帮销金额（元）"],
            ["助企帮销产品展销会", "2025.05.24-05.26", "甲", "12,500"],
            ["助企帮销产品展销会", "2025年5月24日至26日", "乙", "7500.00"],
            ["助企帮销产品展销会", "2025/5/24 ~ 2025/5/26", "丙", 1000],
            ["助企帮销产品展销会", "5月30日-6月1日", "丁", 2000],
            ["助企帮销产品展销会", "2025-06-02", "戊", 500]]
    s = _read(write_book(tmp_path / "帮销.xlsx", {"2025年展销会": rows})).sheets[0]
    assert s.errors == []
    assert _days(s.frame["sold_on"]) == ["2025-05-24", "2025-05-24", "2025-05-24", "2025-05-30", "2025-06-02"]
    assert s.frame["amount"].tolist() == [1.25, 0.75, 0.1, 0.2, 0.05]
    spans = [(p.row, p.value, p.message) for p in s.warnings if p.field == "sold_on"]
    assert spans[0] == (2, "2025.05.24-05.26", "是一段时间，已按第一天2025年5月24日读取；如需计入其他日期，请拆成每天一行或改为具体日期")
    assert [row for row, _, _ in spans] == [2, 3, 4, 5]
    assert spans[3][2].startswith("是一段时间，已按第一天2025年5月30日读取")


def test_growth_written_in_words_or_arrows(tmp_path):
    # the indicator table as an office typed it: 9.9 %, 9.9％, ▼3.0, ↑2.5, 增长5.1%, 下降1.2%, 持平
    rows = [["2025年1-5月主要经济指标"], ["指标", "单位", "1-5月", "增速（%）"],
            ["规上工业增加值", "万元", 1000, "9.9 %"], ["规上工业总产值", "万元", 2000, "9.9％"],
            ["固定资产投资", "万元", 3000, "▼3.0"], ["社会消费品零售总额", "万元", 4000, "↑2.5"],
            ["营业收入", "万元", 5000, "增长5.1%"], ["利润总额", "万元", 6000, "下降1.2%"],
            ["用电量", "万千瓦时", 7000, "持平"], ["税收收入", "万元", 8000, "下降"]]
    s = _read(write_book(tmp_path / "指标.xlsx", {"Sheet1": rows})).sheets[0]
    assert s.frame["growth_pct"].tolist()[:7] == [9.9, 9.9, -3.0, 2.5, 5.1, -1.2, 0.0]
    assert [(p.row, p.value, p.message) for p in s.errors] == [
        (10, "下降", "不是百分数；请只填数字（如 9.9、9.9% 或 -3.0，下降也可写“下降3.0%”），没有数值请留空或填“—”")]


def test_codes_keep_nothing_of_the_marks_that_kept_them_text(tmp_path):
    # a GB18030 CSV from a registry system: codes guarded as ="…", with a tab, or with an apostrophe
    text = ("市场主体名录（导出时间：2025-06-20）\r\n统一社会信用代码,市场主体名称,成立日期,国民经济行业代码\r\n"
            f'"=""{uscc(1)}""",甲医疗器械有限公司,2020-03-01,\'C3581\r\n'
            f'"\t{uscc(2)}",乙商店,2021-07-15,3581\r\n'
            f"'{uscc(3)},丙合作社,2019-01-09,'0511\r\n")
    (tmp_path / "名录.csv").write_bytes(text.encode("gb18030"))
    s = _read(tmp_path / "名录.csv").sheets[0]
    assert s.errors == []
    assert s.frame["uscc"].tolist() == [uscc(1), uscc(2), uscc(3)]
    assert s.frame["industry_code"].tolist() == ["C3581", "C3581", "A0511"]


def test_short_year_words_under_a_figure_group(tmp_path):
    # 工业增加值 over 本年 | 上年, 工业总产值 over 今年累计 | 去年累计, another sheet 本年 | 同期: each prior-year
    # column read (unread, it would be a blank prior year, i.e. 0, and the growth would be wrong)
    rows = [["统一社会信用代码", "企业名称", "工业增加值（万元）", None, "工业总产值（万元）", None],
            [None, None, "本年", "上年", "今年累计", "去年累计"],
            [uscc(1), "甲", 110, 100, 1100, 1000],
            [uscc(2), "乙", 55, 50, 550, 500]]
    other = [["统一社会信用代码", "企业名称", "工业增加值（千元）", None],
             [None, None, "本年", "同期"],
             [uscc(3), "丙", 990, 900]]
    r = _read(write_book(tmp_path / "规上.xlsx", {"2025年1-5月": rows, "2025年1-4月": other},
                         merges={"2025年1-5月": ["C1:D1", "E1:F1"], "2025年1-4月": ["C1:D1"]}))
    s, t = r.sheets
    assert s.unused_columns == [] and s.errors == []
    f = s.frame
    assert (f["value_added_ytd"].sum(), f["value_added_prev_ytd"].sum()) == (165.0, 150.0)  # growth 10.0 %
    assert (f["output_ytd"].sum(), f["output_prev_ytd"].sum()) == (1650.0, 1500.0)
    assert (t.frame["value_added_ytd"].tolist(), t.frame["value_added_prev_ytd"].tolist()) == ([99.0], [90.0])


def test_a_small_number_in_a_date_column_is_no_day_of_1900(tmp_path):
    # 6.03 / 6.15 typed for 6月3日 / 6月15日 are numbers; as Excel serials they were 1900-01-05, silently
    rows = [["日期", "企业名称", "销售额（万元）"], [6.03, "甲", 1.0], ["6.15", "乙", 2.0], [dt.date(1900, 1, 5), "丙", 3.0],
            ["2025-06-20", "丁", 4.0]]
    s = _read(write_book(tmp_path / "帮销.xlsx", {"2025年6月": rows})).sheets[0]
    text = "读作1900年的某一天，不像真实日期（多半是“6.03”这样的“月.日”被 Excel 存成了数字）；请写成完整日期，如 2025-06-03"
    assert [(p.row, p.column, p.message) for p in s.errors] == [(2, "日期", text), (3, "日期", text), (4, "日期", text)]
    assert s.frame["_valid"].tolist() == [False, False, False, True]
    assert _days(s.frame["sold_on"]) == [None, None, None, "2025-06-20"]


def test_two_tables_side_by_side_refuse_the_sheet_instead_of_losing_the_right_one(tmp_path):
    # 展销中心 | 大通店 as two blocks in one sheet: the right block (12 万元) was silently left out
    rows = [["展销中心", None, None, None, "大通店", None, None],
            ["日期", "企业名称", "销售额（万元）", None, "日期", "企业名称", "销售额（万元）"],
            ["2025-06-01", "甲", 1.0, None, "2025-06-01", "丙", 4.0],
            ["2025-06-02", "乙", 2.0, None, "2025-06-05", "丁", 8.0]]
    s = _read(write_book(tmp_path / "帮销.xlsx", {"6月": rows})).sheets[0]
    assert [(p.row, p.column, p.message) for p in s.errors] == [(None, "日期", (
        "本表右侧从E列（「日期」）起并排还有一张表头相同的表，只读左边的表会漏掉它；"
        "请把右侧的表移到单独的工作表（工作表名写明渠道或类别）后重新上传"))]
    assert s.rows_ok == 0 and s.counts_text() == "读取 2 行：表格右侧并排还有一张表（见问题清单），整张表不能导入"
    # one block per sheet reads both
    r = _read(write_book(tmp_path / "分表.xlsx", {"展销中心": [row[:3] for row in rows[1:]],
                                                 "大通店": [row[4:] for row in rows[1:]]}))
    assert [s.frame["amount"].sum() for s in r.sheets] == [3.0, 12.0] and not r.has_errors


def test_year_words_and_years_written_before_a_figure(tmp_path):
    # one header row, the year said before the figure's name: each pair is this year's and the prior year's
    pairs = [("本年1-5月工业增加值（万元）", "上年1-5月工业增加值（万元）"),
             ("2025年1-5月工业增加值（万元）", "2024年1-5月工业增加值（万元）"),
             ("今年工业增加值（万元）", "去年同期工业增加值（万元）"),
             ("本年工业增加值（万元）", "上年工业增加值（万元）")]
    # the period from the header (1-5月 with the sheet name's year; 2025年1-5月), else from the sheet name
    names = ["2025年 表0", "表1", "2025年1-5月 表2", "2025年1-5月 表3"]
    sheets = {name: [["统一社会信用代码", "企业名称", now, before], [uscc(1), "甲", 110, 100], [uscc(2), "乙", 44, 40]]
              for name, (now, before) in zip(names, pairs)}
    r = _read(write_book(tmp_path / "规上工业.xlsx", sheets))
    for s in r.sheets:
        assert s.dataset == "industrial" and s.unused_columns == [], (s.sheet, s.skipped_reason, s.unused_columns)
        assert (s.frame["value_added_ytd"].sum(), s.frame["value_added_prev_ytd"].sum()) == (154.0, 140.0)  # +10 %
        assert _days(s.frame["period"]) == ["2025-05-01", "2025-05-01"], s.sheet
