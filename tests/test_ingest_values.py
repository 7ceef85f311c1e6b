"""analytics.ingest: values (dates, periods, units, codes, enums) and every kind of problem,
with the exact Chinese message, Excel row and column header."""
from __future__ import annotations

import datetime as dt

from stdnum.cn import uscc as stdnum_uscc

from analytics.ingest import messages as msg
from analytics.ingest import read_workbook
from analytics.ingest.model import ERROR, WARNING
from analytics.ingest.parse import MAX_PROBLEMS_PER_CHECK

from ingest_fixtures import registry_rows, uscc, write_book

TODAY = dt.date(2025, 6, 15)
REG_HEADER = registry_rows()[0]


def _days(series) -> list[str | None]:
    return [None if v is None or v != v else str(v)[:10] for v in series.tolist()]


def _sheet(tmp_path, rows, name="S", **kw):
    r = read_workbook(write_book(tmp_path / "w.xlsx", {name: rows}, **kw), today=TODAY)
    assert r.error is None
    return r.sheets[0]


def _problems(s):
    return [(p.level, p.row, p.column, p.value, p.message) for p in s.problems]


def _entity(code, established, **over):
    row = {"统一社会信用代码": code, "市场主体名称": "甲", "主体类型": "", "成立日期": established,
           "登记状态": "存续", "注销日期": None, "注册资本（万元）": 1}
    row.update(over)
    return [row[h] for h in REG_HEADER]


def test_date_forms(tmp_path):
    forms = [dt.date(2025, 5, 10), dt.datetime(2025, 5, 10, 14, 30), 45787, "45787", "2025-05-10", "2025/5/10",
             "2025.5.10", "2025年5月10日", " 2025 年 5 月 10 日 ", "20250510", "2025年5月", "2025-05", "２０２５－０５－１０"]
    rows = [REG_HEADER] + [_entity(uscc(i), d) for i, d in enumerate(forms, 1)]
    s = _sheet(tmp_path, rows)
    # serial 45787 counts from 1899-12-30: 2025-05-10; month-only forms are the first of the month
    assert _days(s.frame["established_on"]) == ["2025-05-10"] * 10 + ["2025-05-01", "2025-05-01", "2025-05-10"]
    assert s.problems == []


def test_bad_dates(tmp_path):
    rows = [REG_HEADER, _entity(uscc(1), "2025-13-01"), _entity(uscc(2), "2025-02-30"),
            _entity(uscc(3), "去年五月"), _entity(uscc(4), "2025-07-01")]
    s = _sheet(tmp_path, rows)
    assert _problems(s) == [
        (ERROR, 2, "成立日期", "2025-13-01", msg.DATE_IMPOSSIBLE),
        (ERROR, 3, "成立日期", "2025-02-30", msg.DATE_IMPOSSIBLE),
        (ERROR, 4, "成立日期", "去年五月", msg.DATE_UNRECOGNISED),
        (WARNING, 5, "成立日期", "2025-07-01", msg.DATE_FUTURE.format(today="2025-06-15")),
    ]
    assert list(s.frame["_valid"]) == [False, False, False, True]


def test_money_units_in_header_and_cell(tmp_path):
    rows = [["项目名称", "项目阶段", "计划总投资（亿元）", "协议投资额"],
            ["甲", "已签约", 1.5, "8000万元"], ["乙", "在建", "2亿元", "12,000"], ["丙", "洽谈中", "—", "-"]]
    s = _sheet(tmp_path, rows)
    f = s.frame
    # 1.5 亿元 = 15000 万元; "2亿元" = 20000 万元; "—" is empty
    assert f["investment"].tolist()[:2] == [15000.0, 20000.0] and f["investment"].isna().iloc[2]
    # "协议投资额" is the second investment column: not read, listed as unused
    assert s.unused_columns == ["协议投资额"]
    assert list(f["stage"]) == ["签约", "开工", "洽谈"]
    assert list(f["stage_raw"]) == ["已签约", "在建", "洽谈中"]
    assert list(f["project_key"]) == ["甲", "乙", "丙"]


def test_money_without_unit_is_warned_once(tmp_path):
    rows = [["日期", "企业名称", "销售额"], ["2025-05-10", "甲", 3], ["2025-05-11", "乙", "5000元"]]
    s = _sheet(tmp_path, rows, name="展会")
    assert list(s.frame["amount"]) == [3.0, 0.5]  # 3 (assumed 万元); 5000 元 = 0.5 万元
    assert _problems(s) == [(WARNING, None, "销售额", None, msg.MONEY_NO_UNIT.format(label="销售额"))]


def test_not_a_number(tmp_path):
    rows = [REG_HEADER, _entity(uscc(1), "2020-01-01", **{"注册资本（万元）": "五百万"}),
            _entity(uscc(2), "2020-01-01", **{"注册资本（万元）": "nan"})]
    s = _sheet(tmp_path, rows)
    # 注册资本 is optional (no figure depends on it): the cell is left empty, the row kept
    assert _problems(s) == [(WARNING, 2, "注册资本（万元）", "五百万", msg.NOT_A_NUMBER + msg.CELL_BLANKED),
                            (WARNING, 3, "注册资本（万元）", "nan", msg.NOT_A_NUMBER + msg.CELL_BLANKED)]


def test_codes_are_cleaned(tmp_path):
    code = uscc(7)
    full_width = " " + "".join(chr(ord(c) + 0xFEE0) for c in code.lower()) + "\u3000"
    rows = [REG_HEADER + ["行业代码", "产业类别"],
            _entity(full_width, "2020-01-01") + [" 3581 ", "生物医药"],
            _entity(uscc(8), "2020-01-01") + ["c2720", "不知道"]]
    s = _sheet(tmp_path, rows)
    assert list(s.frame["uscc"]) == [code, uscc(8)]
    assert list(s.frame["industry_code"]) == ["C3581", "C2720"]
    assert list(s.frame["sector_raw"]) == ["生物医药", "不知道"]
    assert s.frame["sector"].tolist()[0] == "医药" and s.frame["sector"].isna().iloc[1]
    assert s.problems == []


def test_uscc_problems(tmp_path):
    good = uscc(1)
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    expected = stdnum_uscc.calc_check_digit(good[:17])
    rows = [REG_HEADER,
            _entity(good[:17], "2020-01-01"),                 # 17 characters
            _entity(good[:10] + "O" + good[11:], "2020-01-01"),  # the letter O is not allowed
            _entity(wrong_check, "2020-01-01"),
            _entity(916301001234567890, "2020-01-01"),        # typed as a number: digits lost
            _entity("9.16301E+17", "2020-01-01"),
            _entity(None, "2020-01-01")]
    s = _sheet(tmp_path, rows)
    assert _problems(s) == [
        (ERROR, 2, "统一社会信用代码", good[:17], msg.USCC_LENGTH.format(n=17)),
        (ERROR, 3, "统一社会信用代码", good[:10] + "O" + good[11:], msg.USCC_BAD_CHAR.format(char="O")),
        (WARNING, 4, "统一社会信用代码", wrong_check, msg.USCC_CHECKSUM.format(expected=expected)),
        (ERROR, 5, "统一社会信用代码", "916301001234567936", msg.USCC_NUMERIC),
        (ERROR, 6, "统一社会信用代码", "9.16301E+17", msg.USCC_NUMERIC),
        (ERROR, 7, "统一社会信用代码", None, msg.REQUIRED_EMPTY.format(label="统一社会信用代码")),
    ]
    assert list(s.frame["_valid"]) == [False, False, True, False, False, False]


def test_uscc_check_agrees_with_stdnum():
    import random

    from analytics.ingest.parse import USCC_ALPHABET, USCC_WEIGHTS
    rng = random.Random(1)
    for _ in range(200):
        body = "91" + "".join(rng.choice("0123456789") for _ in range(6)) + \
            "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
        total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS))
        assert USCC_ALPHABET[(31 - total % 31) % 31] == stdnum_uscc.calc_check_digit(body)


def test_entity_types_and_statuses(tmp_path):
    rows = [REG_HEADER,
            _entity(uscc(1), "2020-01-01", 主体类型="有限责任公司(自然人投资或控股)", 登记状态="存续（在营、开业、在册）"),
            _entity(uscc(2), "2020-01-01", 主体类型="某某公司分公司", 登记状态="在营"),
            _entity(uscc(3, "92"), "2020-01-01", 主体类型="", 登记状态="注销", 注销日期="2024-01-02"),
            _entity(uscc(4, "93"), "2020-01-01", 主体类型="农民专业合作社", 登记状态="吊销"),
            _entity(uscc(5), "2020-01-01", 主体类型="外星人", 登记状态="待核实")]
    s = _sheet(tmp_path, rows)
    f = s.frame
    assert list(f["entity_type"]) == ["企业", "企业", "个体工商户", "农民专业合作社", "企业"]
    assert list(f["entity_type_raw"])[:2] == ["有限责任公司(自然人投资或控股)", "某某公司分公司"]
    assert list(f["status"])[:4] == ["存续", "存续", "注销", "吊销"]
    assert list(f["status_raw"])[1] == "在营"
    assert _problems(s) == [
        (WARNING, 5, "登记状态", "吊销", msg.CLOSED_WITHOUT_DATE.format(status="吊销")),
        (ERROR, 6, "登记状态", "待核实", msg.ENUM_UNKNOWN.format(
            label="登记状态", allowed="存续、注销、吊销、撤销、迁出", file="data/vocabulary.csv", dataset="entities",
            field="status", value="待核实")),
    ]


def test_other_registry_states(tmp_path):
    # 歇业/停业/清算/迁入 are still registered (alive); 吊销，已注销 ends deregistered
    states = ["歇业", "停业", "清算", "迁入", "吊销，已注销", "吊销，未注销", "在营（开业）"]
    rows = [REG_HEADER] + [_entity(uscc(i), "2020-01-01", 登记状态=t, 注销日期="2024-01-02" if "吊销" in t else None)
                           for i, t in enumerate(states, 1)]
    s = _sheet(tmp_path, rows)
    assert list(s.frame["status"]) == ["存续", "存续", "存续", "存续", "注销", "吊销", "存续"]
    assert s.problems == []


def test_entity_type_unknown_without_code_hint(tmp_path):
    rows = [REG_HEADER, _entity(uscc(1, "12"), "2020-01-01", 主体类型="外星人")]
    s = _sheet(tmp_path, rows)
    assert _problems(s) == [(ERROR, 2, "主体类型", "外星人",
                             msg.ENTITY_TYPE_UNKNOWN.format(allowed="企业、个体工商户、农民专业合作社"))]


def test_unknown_stage_lists_allowed_values(tmp_path):
    s = _sheet(tmp_path, [["项目名称", "项目阶段"], ["甲", "已投产"], ["乙", "规划中"], [None, "在谈"]])
    assert _problems(s) == [
        (ERROR, 3, "项目阶段", "规划中", msg.ENUM_UNKNOWN.format(
            label="项目阶段", allowed="洽谈、签约、开工、投产、停滞", file="data/vocabulary.csv", dataset="projects",
            field="stage", value="规划中")),
        (ERROR, 4, "项目名称", None, msg.REQUIRED_EMPTY.format(label="项目名称")),
    ]


def test_duplicates_in_one_sheet_and_across_sheets(tmp_path):
    a, b = uscc(1), uscc(2)
    p = write_book(tmp_path / "w.xlsx", {
        "2024": [REG_HEADER, _entity(a, "2020-01-01"), _entity(b, "2020-01-01"), _entity(a, "2021-01-01")],
        "2025": [REG_HEADER, _entity(b, "2020-01-01")],
    })
    r = read_workbook(p, today=TODAY)
    s1, s2 = r.sheets
    assert _problems(s1) == [(ERROR, 4, "统一社会信用代码", a, msg.DUPLICATE_KEY.format(
        other_row=2, key_desc=f"统一社会信用代码「{a}」", key_label="统一社会信用代码"))]
    assert _problems(s2) == [(ERROR, 2, "统一社会信用代码", b, msg.DUPLICATE_KEY_OTHER_SHEET.format(
        other_sheet="2024", other_row=3, key_desc=f"统一社会信用代码「{b}」", key_label="统一社会信用代码"))]
    assert list(s1.frame["_valid"]) == [True, True, False] and list(s2.frame["_valid"]) == [False]


def test_ledger_rows_may_repeat(tmp_path):
    rows = [["日期", "企业名称", "销售额（万元）"], ["2025-05-10", "甲", 1], ["2025-05-10", "甲", 1]]
    assert _sheet(tmp_path, rows, name="展会").problems == []


def test_periods_and_industrial_duplicates(tmp_path):
    a = uscc(1)
    rows = [["报告期", "统一社会信用代码", "工业增加值本年累计（万元）", "工业增加值上年同期（万元）"],
            ["2025年1-5月", a, 10, 8], ["2025年5月", uscc(2), 5, None], ["1-5月", uscc(3), 1, 1],
            ["2025-05", a, 3, 2], ["2025年1-13月", uscc(4), 1, 1], ["上半年", uscc(5), 1, 1]]
    s = _sheet(tmp_path, rows, name="规上工业2025")
    assert _days(s.frame["period"])[:4] == ["2025-05-01"] * 4
    assert _problems(s) == [
        (ERROR, 5, "统一社会信用代码", a, msg.DUPLICATE_KEY.format(
            other_row=2, key_desc=f"报告期「2025-05」，统一社会信用代码「{a}」", key_label="报告期、统一社会信用代码")),
        (ERROR, 6, "报告期", "2025年1-13月", msg.PERIOD_IMPOSSIBLE),
        (ERROR, 7, "报告期", "上半年", msg.PERIOD_UNRECOGNISED),
    ]


def test_period_without_year(tmp_path):
    rows = [["报告期", "统一社会信用代码", "工业增加值本年累计（万元）"], ["1-5月", uscc(1), 1]]
    s = _sheet(tmp_path, rows, name="规上工业")
    assert _problems(s) == [(ERROR, 2, "报告期", "1-5月", msg.PERIOD_NO_YEAR)]


def test_missing_period_column_is_a_sheet_error(tmp_path):
    rows = [["统一社会信用代码", "工业增加值本年累计（万元）"], [uscc(1), 1]]
    s = _sheet(tmp_path, rows, name="规上工业")
    assert s.dataset == "industrial"
    assert _problems(s) == [(ERROR, None, "报告期", None, msg.PERIOD_MISSING)]
    assert list(s.frame["_valid"]) == [False]


def test_indicators_with_period_as_value_header(tmp_path):
    rows = [["主要经济指标"], ["指标名称", "计量单位", "2025年1-5月", "同比增长（%）"],
            ["规上工业增加值", "万元", "12,345", 9.9], ["固定资产投资", "万元", None, "-3.2%"]]
    s = _sheet(tmp_path, rows, name="指标")
    assert s.dataset == "indicators"
    assert s.columns["2025年1-5月"] == "value_ytd"
    assert _days(s.frame["period"]) == ["2025-05-01", "2025-05-01"]
    assert s.frame["value_ytd"].tolist()[0] == 12345.0 and s.frame["value_ytd"].isna().iloc[1]
    assert list(s.frame["growth_pct"]) == [9.9, -3.2]
    assert msg.NOTE_HEADER_PERIOD.format(header="2025年1-5月", period="2025年5月") in s.notes


def test_out_of_range_warning(tmp_path):
    rows = [["日期", "企业名称", "销售额（万元）"], ["2025-05-10", "甲", 200000]]
    s = _sheet(tmp_path, rows, name="展会")
    assert _problems(s) == [(WARNING, 2, "销售额（万元）", "200000",
                             msg.OUT_OF_RANGE.format(low="0", high="100,000", unit="万元"))]


def test_formula_without_cached_value(tmp_path):
    rows = [["日期", "企业名称", "销售额（万元）"], ["2025-05-10", "甲", 2], ["2025-05-11", "乙", "=C2*2"]]
    s = _sheet(tmp_path, rows, name="展会")
    assert _problems(s) == [
        (ERROR, 3, "销售额（万元）", None, msg.REQUIRED_EMPTY.format(label="销售额（万元）")),
        (WARNING, 3, "销售额（万元）", None, msg.FORMULA_NO_VALUE.format(cell="C3")),
    ]


def test_problems_are_capped_with_a_summary(tmp_path):
    n = MAX_PROBLEMS_PER_CHECK + 5
    rows = [REG_HEADER] + [_entity(uscc(i), "2025-13-01") for i in range(1, n + 1)]
    s = _sheet(tmp_path, rows)
    assert len(s.problems) == MAX_PROBLEMS_PER_CHECK + 1
    assert s.problems[0].row == 2 and s.problems[MAX_PROBLEMS_PER_CHECK - 1].row == MAX_PROBLEMS_PER_CHECK + 1
    last = s.problems[-1]
    assert (last.row, last.message) == (None, msg.MORE_PROBLEMS.format(n=5, shown=MAX_PROBLEMS_PER_CHECK))
    assert s.frame["_valid"].sum() == 0


def test_inputs_not_mutated(tmp_path):
    overrides = {"*": {"主体": "name"}}
    before = {"*": dict(overrides["*"])}
    p = write_book(tmp_path / "w.xlsx", {"S": registry_rows()})
    read_workbook(p, column_overrides=overrides, today=TODAY)
    assert overrides == before


def test_cell_units_without_yuan_accounting_negatives_and_none_words(tmp_path):
    rows = [["统一社会信用代码", "市场主体名称", "成立日期", "注册资本（万元）"],
            [uscc(1), "甲", "2020-01-01", "1.5亿"],     # 1.5 亿 = 15000 万元
            [uscc(2), "乙", "2020-01-01", "8,000万"],   # 8000 万元
            [uscc(3), "丙", "2020-01-01", "（500）"],   # accounting negative: -500 万元
            [uscc(4), "丁", "2020-01-01", "无"],         # none -> empty, no error
            [uscc(5), "戊", "2020-01-01", "－"]]         # full-width dash -> empty
    s = _sheet(tmp_path, rows)
    f = s.frame
    assert f["registered_capital"].tolist()[:3] == [15000.0, 8000.0, -500.0]
    assert f["registered_capital"].iloc[3:].isna().all()
    # -500 is below the plausible range 0 … 100,000,000 万元: a warning, not an error
    assert _problems(s) == [(WARNING, 4, "注册资本（万元）", "(500)",
                             msg.OUT_OF_RANGE.format(low="0", high="100,000,000", unit="万元"))]


def test_period_as_real_excel_date(tmp_path):
    rows = [["统计期", "统一社会信用代码", "工业增加值本年累计（万元）"],
            [dt.datetime(2025, 5, 1), uscc(1), 10], [dt.datetime(2025, 2, 28), uscc(2), 5], ["2025.05", uscc(3), 1]]
    s = _sheet(tmp_path, rows, name="规上工业")
    assert _days(s.frame["period"]) == ["2025-05-01", "2025-02-01", "2025-05-01"]
    assert s.problems == []


def test_indicators_monthly_and_cumulative_groups(tmp_path):
    # "5月" over 本月 / 同比增长(%) and "1-5月" over 本年累计 / 同比增长(%): the cumulative group is read
    rows = [["西宁经济技术开发区生物科技产业园区主要经济指标"],
            ["指标名称", "计量单位", "5月", None, "1-5月", None],
            [None, None, "本月", "同比增长(%)", "本年累计", "同比增长(%)"],
            ["规上工业增加值", "万元", 1000, 8.5, 5000, 9.9],
            ["固定资产投资", "万元", None, None, 20000, -3.2]]
    merges = {"2025年": ["C2:D2", "E2:F2", "A2:A3", "B2:B3"]}
    s = _sheet(tmp_path, rows, name="2025年", merges=merges)
    assert s.columns == {"指标名称": "indicator", "计量单位": "unit", "1-5月 本年累计": "value_ytd",
                         "1-5月 同比增长(%)": "growth_pct"}
    assert s.unused_columns == ["5月 本月", "5月 同比增长(%)"]
    # the period is the group "1-5月" with the year of the sheet name: May 2025
    assert _days(s.frame["period"]) == ["2025-05-01", "2025-05-01"]
    assert list(s.frame["value_ytd"]) == [5000.0, 20000.0]
    assert list(s.frame["growth_pct"]) == [9.9, -3.2]
    assert msg.NOTE_HEADER_PERIOD.format(header="1-5月 本年累计", period="2025年5月") in s.notes


def test_indicators_this_year_and_last_year_columns(tmp_path):
    # the prior year's period column is not the value; "增长(%)" is the growth
    rows = [["指标", "单位", "2024年1-5月", "2025年1-5月", "增长(%)"], ["规上工业增加值", "万元", 4550, 5000, 9.9]]
    s = _sheet(tmp_path, rows, name="Sheet1")
    assert s.columns == {"指标": "indicator", "单位": "unit", "2025年1-5月": "value_ytd", "增长(%)": "growth_pct"}
    assert s.unused_columns == ["2024年1-5月"]
    assert (_days(s.frame["period"]), list(s.frame["value_ytd"]), list(s.frame["growth_pct"])) == \
        (["2025-05-01"], [5000.0], [9.9])


def test_stages_and_statuses_with_remarks(tmp_path):
    rows = [["项目名称", "项目阶段"], ["甲", "已签约（待开工）"], ["乙", "已投产运营"], ["丙", "停滞(资金未到位)"],
            ["丁", "开工【2025年5月】"], ["戊", "已竣工投产"], ["己", "规划中"]]
    s = _sheet(tmp_path, rows)
    # a bracketed remark is dropped; else the longest synonym the text starts with (已投产 -> 投产)
    assert s.frame["stage"].tolist()[:5] == ["签约", "投产", "停滞", "开工", "投产"]
    assert s.frame["stage_raw"].tolist()[0] == "已签约(待开工)"
    assert _problems(s) == [(ERROR, 7, "项目阶段", "规划中", msg.ENUM_UNKNOWN.format(
        label="项目阶段", allowed="洽谈、签约、开工、投产、停滞", file="data/vocabulary.csv", dataset="projects",
        field="stage", value="规划中"))]


def test_merged_data_cells_fill_every_row_they_span(tmp_path):
    rows = [["项目名称", "项目阶段", "责任领导", "计划总投资（万元）"],
            ["甲", "签约", "张书记", 100], ["乙", "开工", None, 200], ["丙", "洽谈", None, 300], ["丁", "签约", "李主任", 50],
            ["合计", None, None, "=SUM(D2:D5)"]]
    s = _sheet(tmp_path, rows, merges={"S": ["C2:C4", "A6:C6"]})
    assert s.frame["leader"].tolist() == ["张书记", "张书记", "张书记", "李主任"]
    assert s.notes[0] == msg.NOTE_MERGED_DATA.format(first=2, last=4, header="责任领导")
    # the =SUM() of the 合计 row has no cached value, but that row is not data: no warning
    assert s.problems == []


def test_marked_and_wrapped_headers_and_money_in_words(tmp_path):
    rows = [["*统一社会\n信用代码", "企业名称※", "成立\n日期", "注册资本(万元人民币)"],
            [uscc(1), "甲", "2020-01-01", "500万元人民币"],   # 500 万元
            [uscc(2), "乙", "2020-01-01", "100万美元"],       # foreign currency: left empty, warned
            [uscc(3), "丙", "2020-01-01", "50万人民币"],      # 50 万元
            [uscc(4), "丁", "2020-01-01", "RMB 1,000"]]     # header unit 万元: 1000 万元
    s = _sheet(tmp_path, rows)
    assert s.columns == {"*统一社会信用代码": "uscc", "企业名称※": "name", "成立日期": "established_on",
                         "注册资本(万元人民币)": "registered_capital"}
    cap = s.frame["registered_capital"].tolist()
    assert cap[0] == 500.0 and cap[1] != cap[1] and cap[2:] == [50.0, 1000.0]
    assert _problems(s) == [(WARNING, 3, "注册资本(万元人民币)", "100万美元", msg.MONEY_FOREIGN.format(currency="美元"))]


def test_indicator_headers_that_start_with_their_period(tmp_path):
    # "5月" / "5月增速" are the month's own figures beside the cumulative "1-5月累计" / "1-5月增速"
    rows = [["指标名称", "计量单位", "5月", "5月增速(%)", "1-5月累计", "1-5月增速(%)"],
            ["规上工业增加值", "万元", 1000, 8.5, 5000, 9.9]]
    s = _sheet(tmp_path, rows, name="2025年")
    assert s.columns == {"指标名称": "indicator", "计量单位": "unit", "1-5月累计": "value_ytd",
                         "1-5月增速(%)": "growth_pct"}
    assert s.unused_columns == ["5月", "5月增速(%)"]
    assert (_days(s.frame["period"]), list(s.frame["value_ytd"]), list(s.frame["growth_pct"])) == \
        (["2025-05-01"], [5000.0], [9.9])


def test_indicator_cumulative_to_header_and_plus_minus_growth(tmp_path):
    rows = [["2025年主要经济指标"], ["指标", "单位", "1-5月止累计", "比上年同期±%"], ["规上工业增加值", "万元", 5000, 9.9]]
    s = _sheet(tmp_path, rows, name="Sheet1")
    assert s.columns == {"指标": "indicator", "单位": "unit", "1-5月止累计": "value_ytd", "比上年同期±%": "growth_pct"}
    assert (_days(s.frame["period"]), list(s.frame["value_ytd"]), list(s.frame["growth_pct"])) == \
        (["2025-05-01"], [5000.0], [9.9])
    assert msg.NOTE_HEADER_PERIOD.format(header="1-5月止累计", period="2025年5月") in s.notes


def test_more_date_forms(tmp_path):
    rows = [["日期", "企业名称", "销售额（万元）"],
            ["2025年5月10号", "甲", 1], ["2025/5/10 星期六", "甲", 1], ["2025-05-10（周六）", "甲", 1],
            ["5月11日", "甲", 1], ["2月30日", "甲", 1]]
    s = _sheet(tmp_path, rows, name="2025年展销")
    # "5月11日" takes the year of the sheet name; "2月30日" does not exist
    assert _days(s.frame["sold_on"]) == ["2025-05-10", "2025-05-10", "2025-05-10", "2025-05-11", None]
    assert _problems(s) == [(ERROR, 6, "日期", "2月30日", msg.DATE_IMPOSSIBLE)]


def test_month_and_day_without_any_year(tmp_path):
    s = _sheet(tmp_path, [["日期", "企业名称", "销售额（万元）"], ["5月10日", "甲", 1]], name="展会")
    assert _problems(s) == [(ERROR, 2, "日期", "5月10日", msg.DATE_NO_YEAR)]


def test_cells_formatted_as_percentages(tmp_path):
    # Excel keeps 0.099 for a cell shown as 9.9%: the reader reads what the analyst sees
    rows = [["指标名称", "计量单位", "本年累计", "同比增长(%)"],
            ["规上工业增加值", "万元", 5000, 0.099], ["固定资产投资", "万元", 20000, -0.032],
            ["规上工业增加值增速", "%", 0.099, None], ["社会消费品零售总额", "万元", 800, 6.1]]
    fmts = {"2025年1-5月": {"D2": "0.0%", "D3": "0.00%", "C4": "0.0%"}}
    s = _sheet(tmp_path, rows, name="2025年1-5月", number_formats=fmts)
    assert s.frame["growth_pct"].tolist()[:2] == [9.9, -3.2] and s.frame["growth_pct"].tolist()[3] == 6.1
    assert s.frame["value_ytd"].tolist() == [5000.0, 20000.0, 9.9, 800.0]
    assert msg.NOTE_PERCENT_CELLS.format(header="同比增长(%)", n=2) in s.notes
    assert msg.NOTE_PERCENT_CELLS.format(header="本年累计", n=1) in s.notes


def test_period_as_an_unformatted_excel_serial(tmp_path):
    # 45778 is 2025-05-01 counted from 1899-12-30; 45716.5 is 2025-02-28 at noon
    rows = [["报告期", "统一社会信用代码", "工业增加值本年累计（万元）"], [45778, uscc(1), 1], ["45716.5", uscc(2), 1],
            [12345, uscc(3), 1]]
    s = _sheet(tmp_path, rows, name="规上工业")
    assert _days(s.frame["period"]) == ["2025-05-01", "2025-02-01", None]
    assert _problems(s) == [(ERROR, 4, "报告期", "12345", msg.PERIOD_UNRECOGNISED)]


def test_closing_date_prefers_its_own_name_over_approval_date(tmp_path):
    # registry exports carry 核准日期 (last approval) for every entity; 注销日期 is the closing date
    rows = [["统一社会信用代码", "企业名称", "成立日期", "核准日期", "注销日期", "登记状态"],
            [uscc(1), "甲", "2020-01-01", "2024-03-01", "2024-03-01", "注销"],
            [uscc(2), "乙", "2020-01-01", "2023-07-07", None, "存续"]]
    s = _sheet(tmp_path, rows)
    assert s.columns["注销日期"] == "closed_on" and "核准日期" in s.unused_columns
    assert _days(s.frame["closed_on"]) == ["2024-03-01", None]


def test_unit_in_brackets_after_the_amount(tmp_path):
    rows = [["项目名称", "项目阶段", "总投资"], ["甲", "签约", "25000(万元)"], ["乙", "签约", "（1.2亿元）"],
            ["丙", "签约", "3000（万）"]]
    s = _sheet(tmp_path, rows)
    # 25000 万元; "（1.2亿元）" is an accounting negative of 1.2 亿 = -12000 万元; 3000 万 = 3000 万元
    assert s.frame["investment"].tolist() == [25000.0, -12000.0, 3000.0]


def test_invisible_characters_pasted_into_codes_and_names(tmp_path):
    code = uscc(1)
    rows = [REG_HEADER, _entity(code[:6] + "\u200b" + code[6:] + "\ufeff", "2020-01-01", 市场主体名称="甲\u00a0公司\u200d")]
    s = _sheet(tmp_path, rows)
    assert (s.frame["uscc"][0], s.frame["name"][0]) == (code, "甲 公司")
    assert s.problems == []


def test_export_time_stamp_is_not_the_reporting_year(tmp_path):
    # the 2024 annual figures exported in June 2025: "1-12月" is December 2024 (year of the title),
    # not of the export stamp
    rows = [["导出时间：2025-06-15 10:20:33"], ["2024年规上工业企业主要指标（1-12月）"],
            ["报告期", "统一社会信用代码", "工业增加值本年累计（万元）"], ["1-12月", uscc(1), 10]]
    s = _sheet(tmp_path, rows, name="Sheet1")
    assert _days(s.frame["period"]) == ["2024-12-01"]
    # with the stamp alone there is no year: the period cannot be placed, and the message says so
    rows2 = [["规上工业企业主要指标"], ["填报日期：2025年6月16日"]] + rows[2:]
    s2 = _sheet(tmp_path, rows2, name="Sheet1")
    assert _problems(s2) == [(ERROR, 4, "报告期", "1-12月", msg.PERIOD_NO_YEAR)]


def test_old_registration_number_instead_of_a_credit_code(tmp_path):
    # 15 digits: a 注册号 from before 2015, as text or typed as a number (whole: Excel keeps 15 digits)
    rows = [REG_HEADER, _entity("630100000012345", "2010-01-01"), _entity(630100000012346, "2010-01-01"),
            _entity(916301000000000000, "2010-01-01")]
    s = _sheet(tmp_path, rows)
    assert _problems(s) == [
        (ERROR, 2, "统一社会信用代码", "630100000012345", msg.USCC_REGISTRATION_NO),
        (ERROR, 3, "统一社会信用代码", "630100000012346", msg.USCC_REGISTRATION_NO),
        (ERROR, 4, "统一社会信用代码", "916301000000000000", msg.USCC_NUMERIC)]
