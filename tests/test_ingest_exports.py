"""analytics.ingest: real exports, round two (issue 10), one test per kind of file, and the rule that an
unreadable optional cell never refuses a row (issue 9, case 7).

Each test builds its workbook here (openpyxl, a real BIFF8 .xls through xlwt, an HTML page saved as
.xls, a CSV) and asserts figures worked out by hand from what it wrote.
"""
from __future__ import annotations

import datetime as dt
import shutil

import pytest

from analytics import store, vocabulary
from analytics.ingest import messages as msg
from analytics.ingest import read_workbook
from analytics.ingest.model import ERROR, WARNING
from analytics.metrics import entities as entity_metrics

from ingest_fixtures import html_table, uscc, write_book, write_xls

TODAY = dt.date(2025, 9, 30)


def _days(series) -> list[str | None]:
    return [None if v is None or v != v else str(v)[:10] for v in series.tolist()]


def _problems(s):
    return [(p.level, p.row, p.column, p.value, p.message) for p in s.problems]


def _one(path, today=TODAY, **kw):
    r = read_workbook(path, today=today, **kw)
    assert r.error is None, r.error
    assert len(r.sheets) == 1
    return r.sheets[0]


# --------------------------------------------------------------------------- 1. 联网直报, three-level header, .xls

def test_kind1_lianwang_zhibao_three_level_header_as_real_xls(tmp_path):
    # group 工业增加值（千元） over 本年 / 上年同期 over 8月 / 1-8月; the single-month columns are not read
    rows = [["2025年1-8月规模以上工业企业主要经济指标"],
            [],
            ["单位详细名称", "统一社会信用代码", "工业增加值（千元）", None, None, None],
            [None, None, "本年", None, "上年同期", None],
            [None, None, "8月", "1-8月", "8月", "1-8月"],
            ["青海甲医疗器械有限公司", uscc(1), 1000, 8000, 900, 7000],
            ["青海乙药业有限公司", uscc(2), 500, 4000, 500, 5000]]
    merges = [(0, 0, 0, 5), (2, 2, 2, 5), (3, 3, 2, 3), (3, 3, 4, 5), (2, 4, 0, 0), (2, 4, 1, 1)]
    p = write_xls(tmp_path / "规上工业.xls", {"表1": rows}, merges={"表1": merges})
    s = _one(p)
    assert s.dataset == "industrial" and s.errors == []
    assert s.header_rows == (3, 4, 5)
    f = s.frame
    # 千元 -> 万元: 8000 千元 = 800 万元
    assert f["value_added_ytd"].tolist() == [800.0, 400.0]
    assert f["value_added_prev_ytd"].tolist() == [700.0, 500.0]
    assert _days(f["period"]) == ["2025-08-01", "2025-08-01"]
    assert "工业增加值（千元） 本年 8月" in s.unused_columns and "工业增加值（千元） 上年同期 8月" in s.unused_columns


def test_kind1_period_row_between_groups_and_names(tmp_path):
    # 工业增加值 / 1-8月 / 本年 | 上年同期, the year from the sheet name
    rows = [["单位详细名称", "统一社会信用代码", "工业增加值（千元）", None, "工业总产值（千元）", None],
            [None, None, "1-8月", None, "1-8月", None],
            [None, None, "本年", "上年同期", "本年", "上年同期"],
            ["甲", uscc(1), 8000, 7000, 80000, 70000]]
    merges = ["C1:D1", "E1:F1", "C2:D2", "E2:F2", "A1:A3", "B1:B3"]
    s = _one(write_book(tmp_path / "w.xlsx", {"2025年": rows}, merges={"2025年": merges}))
    assert s.errors == []
    row = s.frame.iloc[0]
    assert (row["value_added_ytd"], row["value_added_prev_ytd"], row["output_ytd"], row["output_prev_ytd"]) == \
        (800.0, 700.0, 8000.0, 7000.0)
    assert str(row["period"])[:10] == "2025-08-01"


# --------------------------------------------------------------------------- 2. indicator tables

def test_kind2_indicator_tables_as_the_office_lays_them_out(tmp_path):
    # two-level: 本月 and 1-7月 groups over 绝对量 / 同比±%; numbered and indented names
    two_level = [["2025年1-7月园区主要经济指标"],
                 ["指标名称", "计量单位", "本月", None, "1-7月", None],
                 [None, None, "绝对量", "同比±%", "绝对量", "同比±%"],
                 ["1.规模以上工业增加值", "亿元", 1.2, 5.0, 8.5, 9.9],
                 ["\u3000\u3000其中：医疗器械制造业", "亿元", 0.2, 1.0, 1.5, 12.0],
                 ["\u3000\u3000其中：", None, None, None, None, None],  # a heading alone on its row
                 ["\u3000\u3000\u3000医药制造业", "亿元", 0.1, 2.0, 0.9, 6.5],
                 ["（二）固定资产投资", "亿元", None, None, 20.1, -3.5]]
    s = _one(write_book(tmp_path / "a.xlsx", {"S": two_level}, merges={"S": ["C2:D2", "E2:F2", "A2:A3", "B2:B3"]}))
    assert s.errors == []
    assert s.frame["indicator"].tolist() == ["规模以上工业增加值", "医疗器械制造业", "医药制造业", "固定资产投资"]
    assert s.frame["value_ytd"].tolist() == [8.5, 1.5, 0.9, 20.1]
    assert s.frame["growth_pct"].tolist() == [9.9, 12.0, 6.5, -3.5]
    assert _days(s.frame["period"]) == ["2025-07-01"] * 4

    # growth headed 增长% / 增速（%） / 比上年同期增长（%）; a sub-header row holding only periods
    layouts = {
        "增长%": [["指标", "单位", "7月", "1-7月", "增长%"], ["规模以上工业增加值", "亿元", 1.2, 8.5, 9.9]],
        "增速": [["指标", "单位", "增速（%）", None], [None, None, "7月", "1-7月"], ["规模以上工业增加值", "%", 5, 9.9]],
        "比上年": [["指标名称", "1-7月", "比上年同期增长（%）"], ["规模以上工业增加值", 8.5, 9.9]],
    }
    for name, rows in layouts.items():
        merges = {"2025年": ["C1:D1"]} if name == "增速" else None
        s = _one(write_book(tmp_path / f"{name}.xlsx", {"2025年": rows}, merges=merges))
        assert s.dataset == "indicators" and s.errors == [], name
        assert len(s.frame) == 1, name  # the 7月 | 1-7月 row is header, not data
        assert s.frame["growth_pct"].tolist() == [9.9], name
        assert _days(s.frame["period"]) == ["2025-07-01"], name


# --------------------------------------------------------------------------- 3. English field codes

def test_kind3_row_of_english_field_codes_belongs_to_the_header(tmp_path):
    rows = [["统一社会信用代码", "企业名称", "成立日期", "登记状态", "法定代表人", "注册资本"],
            ["UNISCID", "ENTNAME", "ESTDATE", "REGSTATE", "LEREP", "REGCAP"],
            [uscc(1), "青海甲生物科技有限公司", "2020-01-01", "存续", "张三", "100万元"],
            [uscc(2), "青海乙生物科技有限公司", "2021-03-04", "注销", "李四", "50万元"]]
    s = _one(write_book(tmp_path / "w.xlsx", {"共享平台": rows}))
    assert s.header_rows == (1, 2)
    assert s.rows_read == 2
    assert _problems(s) == [(WARNING, 4, "登记状态", "注销", msg.CLOSED_WITHOUT_DATE.format(status="注销"))]
    assert s.frame["uscc"].tolist() == [uscc(1), uscc(2)]
    assert s.frame["registered_capital"].tolist() == [100.0, 50.0]


# --------------------------------------------------------------------------- 4. subtotals in any column

def test_kind4_subtotal_rows_in_any_column_are_never_data(tmp_path):
    rows = [["日期", "企业名称", "产品名称", "销售额（万元）"],
            [None, "合计", None, 60],                       # a 合计 above the data
            ["2025-12-05", "甲", "枸杞", 10],
            ["2025-12-20", "乙", "牦牛肉", 20],
            ["12月小计", None, None, 30],                   # in the date column
            ["2026-01-03", "丙", "青稞酒", 30],
            [None, "医疗器械合计", None, 30]]               # in the name column
    s = _one(write_book(tmp_path / "w.xlsx", {"展厅": rows}), today=dt.date(2026, 2, 1))
    assert s.problems == []
    assert s.frame["amount"].tolist() == [10.0, 20.0, 30.0]
    assert s.frame["_row"].tolist() == [3, 4, 6]
    assert msg.NOTE_ROWS_DROPPED.format(blank=0, footer=3) in s.notes


# --------------------------------------------------------------------------- 5. dates and amounts as typed

def test_kind5_fuzzy_dates_and_approximate_amounts(tmp_path):
    rows = [["项目名称", "项目阶段", "签约时间", "计划总投资（万元）"],
            ["甲", "已签约", "2025年6月中旬", "约2.5亿元"],
            ["乙", "已签约", "2025年6月下旬", "2.5亿元左右"],
            ["丙", "已签约", "2025年6月上旬", "1.2亿(一期5000万)"],
            ["丁", "已签约", "2025年6月初", "5,000"],
            ["戊", "已签约", "2025年6月底", "9000余万元"],
            ["己", "已签约", "2025年二季度", 300]]
    s = _one(write_book(tmp_path / "w.xlsx", {"台账": rows}))
    # 旬 are the thirds of a month (1-10, 11-20, 21-end), read as their first day like a month-only date;
    # 月底 names the last day (a deadline "6月底前"); a quarter its first day
    assert _days(s.frame["signed_on"]) == ["2025-06-11", "2025-06-21", "2025-06-01", "2025-06-01", "2025-06-30",
                                           "2025-04-01"]
    # 亿 -> 万元 x 10000; the total before the bracket; "5,000" in a 万元 column is 5000 万元
    assert s.frame["investment"].tolist() == [25000.0, 25000.0, 12000.0, 5000.0, 9000.0, 300.0]
    assert s.errors == []
    second = [p for p in s.problems if p.field == "investment"]
    assert [(p.level, p.row, p.value, p.message) for p in second] == [
        (WARNING, 4, "1.2亿(一期5000万)", msg.SECOND_FIGURE.format(remark="一期5000万"))]
    approx = [(p.row, p.message) for p in s.problems if p.field == "signed_on"]
    assert approx[0] == (2, msg.DATE_APPROXIMATE.format(day="2025年6月11日"))
    assert [r for r, _ in approx] == [2, 3, 4, 5, 6, 7]


# --------------------------------------------------------------------------- 6. the office's own words

def test_kind6_stage_and_status_words_from_the_vocabulary_file(tmp_path):
    stages = {"前期手续办理中": "签约", "主体施工中": "开工", "设备安装调试中": "开工", "项目暂缓": "停滞",
              "洽谈对接中": "洽谈"}
    rows = [["项目名称", "项目阶段"]] + [[f"项目{i}", w] for i, w in enumerate(stages)]
    s = _one(write_book(tmp_path / "p.xlsx", {"台账": rows}))
    assert s.problems == [] and s.frame["stage"].tolist() == list(stages.values())
    statuses = {"已注销": "注销", "注销企业": "注销", "吊销，未注销": "吊销", "存续(在营、开业、在册)": "存续"}
    rows = [["统一社会信用代码", "企业名称", "成立日期", "登记状态", "注销日期"]] + [
        [uscc(i), f"企业{i}", "2020-01-01", w, None if v == "存续" else "2024-01-01"]
        for i, (w, v) in enumerate(statuses.items(), 1)]
    s = _one(write_book(tmp_path / "e.xlsx", {"名录": rows}))
    assert s.problems == [] and s.frame["status"].tolist() == list(statuses.values())


def test_kind6_unknown_word_names_the_allowed_values_and_the_file_to_extend(tmp_path, monkeypatch):
    rows = [["项目名称", "项目阶段"], ["甲", "土地摘牌中"]]
    s = _one(write_book(tmp_path / "p.xlsx", {"台账": rows}))
    expected = msg.ENUM_UNKNOWN.format(label="项目阶段", allowed="洽谈、签约、开工、投产、停滞", file="data/vocabulary.csv",
                                       dataset="projects", field="stage", value="土地摘牌中")
    assert _problems(s) == [(ERROR, 2, "项目阶段", "土地摘牌中", expected)]
    assert "data/vocabulary.csv" in expected and "洽谈、签约、开工、投产、停滞" in expected
    # the analyst adds the line the message asks for: the next upload reads the word
    copy = tmp_path / "vocabulary.csv"
    shutil.copy(vocabulary.VOCABULARY_PATH, copy)
    with open(copy, "a", encoding="utf-8") as fh:
        fh.write("projects,stage,签约,土地摘牌中\n")
    monkeypatch.setattr(vocabulary, "VOCABULARY_PATH", copy)
    s = _one(write_book(tmp_path / "p2.xlsx", {"台账": rows}))
    assert s.problems == [] and s.frame["stage"].tolist() == ["签约"]


def test_vocabulary_file_names_only_allowed_values():
    from analytics.schema import DATASETS
    allowed = {(d.name, f.name): f.allowed for d in DATASETS.values() for f in d.fields if f.kind == "enum"}
    assert vocabulary.check(allowed) == []


# --------------------------------------------------------------------------- 7. HTML saved as .xls, CSV, legacy .xls

REGISTRY = [["统一社会信用代码", "企业名称", "主体类型", "成立日期", "登记状态", "注销日期", "注册资本（万元）"],
            [uscc(1), "青海甲医疗器械有限公司", "有限责任公司(自然人投资或控股)", dt.date(2020, 3, 1), "存续", None, 500],
            [uscc(2, "92"), "西宁乙商店", "个体工商户", dt.date(2021, 7, 15), "在业", None, 3.5],
            [uscc(3, "93"), "大通丙种植专业合作社", "农民专业合作社", dt.date(2019, 1, 9), "注销", dt.date(2024, 5, 6), 10]]


def _comparable(s):
    f = s.frame.drop(columns=["_row"]).astype(object)
    return f.where(f.notna(), None).to_dict("records")


def test_kind7_html_saved_as_xls_and_csv_read_like_the_workbook(tmp_path):
    xlsx = _one(write_book(tmp_path / "名录.xlsx", {"名录": REGISTRY}))
    page = html_table([["2025年市场主体名录"]] + REGISTRY, spans={(0, 0): (1, 7)}, charset="gbk")
    (tmp_path / "名录.xls").write_bytes(page)
    html = _one(tmp_path / "名录.xls")
    assert html.sheet == "名录"  # Excel names the one sheet after the file
    assert html.errors == [] and _comparable(html) == _comparable(xlsx)
    csv_text = "\n".join(",".join("" if v is None else (v.isoformat() if isinstance(v, dt.date) else str(v))
                                  for v in row) for row in REGISTRY)
    for enc in ("utf-8-sig", "gb18030"):
        (tmp_path / "名录.csv").write_bytes(csv_text.encode(enc))
        csv_sheet = _one(tmp_path / "名录.csv")
        assert csv_sheet.errors == [] and _comparable(csv_sheet) == _comparable(xlsx), enc


def test_kind7_tab_separated_unicode_text_saved_as_xls(tmp_path):
    # Excel's "Unicode 文本" (UTF-16 with a BOM, tab-separated), as some systems name it .xls
    text = "\r\n".join("\t".join("" if v is None else (v.isoformat() if isinstance(v, dt.date) else str(v))
                                  for v in row) for row in REGISTRY)
    (tmp_path / "名录.xls").write_bytes(text.encode("utf-16"))
    s = _one(tmp_path / "名录.xls")
    xlsx = _one(write_book(tmp_path / "名录.xlsx", {"名录": REGISTRY}))
    assert s.errors == [] and _comparable(s) == _comparable(xlsx)


def test_kind7_html_merged_header_cells_read_as_groups(tmp_path):
    rows = [["统一社会信用代码", "单位详细名称", "工业增加值（千元）", None],
            [None, None, "本年累计", "上年同期累计"],
            [uscc(1), "甲", "1,200", 1000]]
    page = html_table(rows, spans={(0, 0): (2, 1), (0, 1): (2, 1), (0, 2): (1, 2)})
    (tmp_path / "2025年1-8月规上工业.xls").write_bytes(page)
    s = _one(tmp_path / "2025年1-8月规上工业.xls")
    assert s.dataset == "industrial" and s.errors == []
    assert (s.frame["value_added_ytd"].tolist(), s.frame["value_added_prev_ytd"].tolist()) == ([120.0], [100.0])
    assert _days(s.frame["period"]) == ["2025-08-01"]


def test_kind7_legacy_xls_reads_exactly_like_xlsx(tmp_path):
    rows = [["2025年市场主体名录"], ["单位：万元"]] + REGISTRY + [["合计", None, None, None, None, None, 513.5],
                                                              ["填表人：张三"]]
    xlsx = _one(write_book(tmp_path / "a.xlsx", {"名录": rows}, merges={"名录": ["A1:G1"]}))
    xls = _one(write_xls(tmp_path / "a.xls", {"名录": rows}, merges={"名录": [(0, 0, 0, 6)]}))
    assert xls.frame["_row"].tolist() == xlsx.frame["_row"].tolist() == [4, 5, 6]
    assert _comparable(xls) == _comparable(xlsx)
    assert (xls.header_rows, xls.notes, _problems(xls)) == (xlsx.header_rows, xlsx.notes, _problems(xlsx))


def test_kind7_excel_2003_xml_saved_as_xls(tmp_path):
    # what several systems write as .xls: SpreadsheetML with ss:MergeAcross / ss:MergeDown and ss:Index
    xml = """<?xml version="1.0" encoding="UTF-8"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:x="urn:schemas-microsoft-com:office:excel">
 <Worksheet ss:Name="2025年1-8月"><Table>
  <Row><Cell ss:MergeDown="1"><Data ss:Type="String">统一社会信用代码</Data></Cell>
       <Cell ss:MergeDown="1"><Data ss:Type="String">单位详细名称</Data></Cell>
       <Cell ss:MergeAcross="1"><Data ss:Type="String">工业增加值（千元）</Data></Cell></Row>
  <Row><Cell ss:Index="3"><Data ss:Type="String">本年累计</Data></Cell><Cell><Data ss:Type="String">上年同期累计</Data></Cell></Row>
  <Row><Cell><Data ss:Type="String">%s</Data></Cell><Cell><Data ss:Type="String">甲</Data></Cell>
       <Cell><Data ss:Type="Number">1200</Data></Cell><Cell><Data ss:Type="Number">1000</Data></Cell></Row>
 </Table></Worksheet>
 <Worksheet ss:Name="说明"><Table><Row><Cell><Data ss:Type="String">本表由系统导出</Data></Cell></Row></Table></Worksheet>
</Workbook>""" % uscc(1)
    (tmp_path / "导出.xls").write_text(xml, encoding="utf-8")
    r = read_workbook(tmp_path / "导出.xls", today=TODAY)
    assert r.error is None
    s = r.sheets[0]
    assert (s.sheet, s.dataset, s.errors) == ("2025年1-8月", "industrial", [])
    assert (s.frame["value_added_ytd"].tolist(), s.frame["value_added_prev_ytd"].tolist()) == ([120.0], [100.0])
    assert _days(s.frame["period"]) == ["2025-08-01"]
    assert r.sheets[1].skipped_reason == msg.SKIP_PROSE


def test_kind7_legacy_xls_percentages_and_hidden_columns_like_xlsx(tmp_path):
    # growth typed 0.099 and shown as 9.9 %; a hidden column 增速 beside the visible one
    rows = [["指标名称", "增速", "增速", "1-7月"], ["规上工业增加值", 0.5, 0.099, 8.5], ["医药制造业", 0.5, 0.065, 0.9]]
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2025年"
    for row in rows:
        ws.append(row)
    ws["C2"].number_format = ws["C3"].number_format = "0.0%"
    ws.column_dimensions["B"].hidden = True
    wb.save(tmp_path / "a.xlsx")
    xlsx = _one(tmp_path / "a.xlsx")
    xls = _one(write_xls(tmp_path / "a.xls", {"2025年": rows}, number_formats={"2025年": {(1, 2): "0.0%", (2, 2): "0.0%"}},
                         hidden_cols={"2025年": {1}}))
    assert xlsx.frame["growth_pct"].tolist() == [9.9, 6.5]
    assert _comparable(xls) == _comparable(xlsx)
    assert (xls.notes, _problems(xls), xls.unused_columns) == (xlsx.notes, _problems(xlsx), xlsx.unused_columns)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_kind7_xls_saved_by_libreoffice_reads_like_its_xlsx(tmp_path):
    import subprocess

    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2025年"
    for row in [["2025年1-7月主要经济指标"], ["指标名称", "计量单位", "本月", None, "1-7月", None],
                [None, None, "绝对量", "同比±%", "绝对量", "同比±%"],
                ["1.规模以上工业增加值", "亿元", 1.2, 0.05, 8.5, 0.099], ["\u3000\u3000其中：医疗器械", "亿元", 0.2, 0.01, 1.5, 0.12]]:
        ws.append(row)
    for ref in ("D4", "F4", "D5", "F5"):
        ws[ref].number_format = "0.0%"
    for rng in ("A1:F1", "C2:D2", "E2:F2"):
        ws.merge_cells(rng)
    ws.column_dimensions["B"].hidden = True
    wb.save(tmp_path / "lo.xlsx")
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to", "xls",
                    "--outdir", str(tmp_path), str(tmp_path / "lo.xlsx")], check=True, capture_output=True, timeout=180)
    xlsx, xls = _one(tmp_path / "lo.xlsx"), _one(tmp_path / "lo.xls")
    assert xls.frame[["indicator", "value_ytd", "growth_pct"]].values.tolist() == [
        ["规模以上工业增加值", 8.5, 9.9], ["医疗器械", 1.5, 12.0]]
    assert _comparable(xls) == _comparable(xlsx) and xls.notes == xlsx.notes and xls.problems == []


# --------------------------------------------------------------------------- 8. real registration extracts

def test_kind8_registration_extract_with_units_in_cells_and_garbled_codes(tmp_path):
    rows = [["统一社会信用代码", "企业名称", "成立日期", "登记状态", "注册资本", "法定代表人", "登记机关", "住所"],
            [uscc(1), "青海甲生物科技有限公司", "2020-01-01", "存续", "500(万元)", "张三", "西宁市市场监督管理局", "西宁市"],
            ["9163010O MA00000", "青海乙生物科技有限公司", "2021-01-01", "存续", "100.000000万人民币", "李四", "", ""],
            [uscc(3), "青海丙生物科技有限公司", "2022-01-01", "存续", "50万元", "王五", "", ""],
            ["916301??", "青海丁生物科技有限公司", "2023-01-01", "存续", "(万元)", "赵六", "", ""]]
    s = _one(write_book(tmp_path / "登记.xlsx", {"登记信息": rows}))
    # the unit is in every cell: no "没有注明单位" warning
    assert not any(p.message.startswith(msg.MONEY_NO_UNIT.split("，")[0]) for p in s.problems)
    errors = [(p.row, p.column) for p in s.errors]
    assert errors == [(3, "统一社会信用代码"), (5, "统一社会信用代码")]
    assert s.frame["_valid"].tolist() == [True, False, True, False]
    assert s.frame["registered_capital"].tolist()[:3] == [500.0, 100.0, 50.0]
    assert s.counts_text() == "读取 4 行：2 行可导入，2 行有错误（2 个单元格）；另有 1 个单元格无法识别，已留空（所在行照常导入）"


# --------------------------------------------------------------------------- issue 9, case 7

def _entity_count(path, tmp_path, skip_invalid: bool) -> tuple[int, str | None]:
    con = store.connect(str(tmp_path / f"{path.stem}_{int(skip_invalid)}.duckdb"))  # a fresh store each time
    outcome = store.import_workbooks(con, [read_workbook(path, today=TODAY)], skip_invalid=skip_invalid)[0]
    count = entity_metrics.stock_at(con, TODAY)
    con.close()
    return count, outcome.refused


def test_case7_unreadable_optional_cell_never_refuses_a_row(tmp_path):
    header = ["统一社会信用代码", "企业名称", "成立日期", "登记状态", "注册资本（万元）"]
    rows = [header,
            [uscc(1), "甲", "2020-01-01", "存续", "N/A"],
            [uscc(2), "乙", "2021-01-01", "存续", "—"],          # a dash is an empty cell, no warning
            [uscc(3), "丙", "2022-01-01", "存续", "待核实"],
            [uscc(4), "丁", "2023-01-01", "存续", 200]]
    path = write_book(tmp_path / "名录.xlsx", {"名录": rows})
    s = _one(path)
    assert _problems(s) == [
        (WARNING, 2, "注册资本（万元）", "N/A", msg.NOT_A_NUMBER + msg.CELL_BLANKED),
        (WARNING, 4, "注册资本（万元）", "待核实", msg.NOT_A_NUMBER + msg.CELL_BLANKED)]
    assert s.frame["registered_capital"].tolist()[3] == 200.0 and s.frame["registered_capital"].isna().sum() == 3
    assert (s.rows_read, s.rows_ok, s.rows_refused, s.error_cells, s.cells_blanked) == (4, 4, 0, 0, 2)
    assert _entity_count(path, tmp_path, skip_invalid=False) == (4, None)
    assert _entity_count(path, tmp_path, skip_invalid=True) == (4, None)

    # a key that cannot be read refuses its row: the file is refused, or, skipping, 3 of 4 are counted
    bad = rows[:3] + [["91630100MA00000", "丙", "2022-01-01", "存续", "待核实"]] + rows[4:]
    path = write_book(tmp_path / "名录2.xlsx", {"名录": bad})
    s = _one(path)
    assert (s.rows_read, s.rows_ok, s.rows_refused, s.error_cells, s.cells_blanked) == (4, 3, 1, 1, 2)
    assert s.counts_text() == "读取 4 行：3 行可导入，1 行有错误（1 个单元格）；另有 2 个单元格无法识别，已留空（所在行照常导入）"
    count, refused = _entity_count(path, tmp_path, skip_invalid=False)
    assert count == 0 and refused
    assert _entity_count(path, tmp_path, skip_invalid=True) == (3, None)


@pytest.mark.parametrize("text, day", [("2025年6月上旬", "2025-06-01"), ("2025-06中旬", "2025-06-11"),
                                       ("2025年6月下旬", "2025-06-21"), ("2025年2月底", "2025-02-28"),
                                       ("2025年2月末", "2025-02-28"), ("2025年第二季度", "2025-04-01"),
                                       ("2025Q3", "2025-07-01"), ("2025年二季度末", "2025-06-30"),
                                       ("2025年上半年", "2025-01-01"), ("2025年下半年", "2025-07-01"),
                                       ("2025年底", "2025-12-31")])
def test_fuzzy_date_forms(tmp_path, text, day):
    rows = [["日期", "企业名称", "销售额（万元）"], [text, "甲", 1]]
    s = _one(write_book(tmp_path / "w.xlsx", {"展厅": rows}), today=dt.date(2026, 1, 1))
    assert _days(s.frame["sold_on"]) == [day]
    assert [p.level for p in s.problems] == [WARNING]


def test_counts_of_a_sheet_without_a_required_column(tmp_path):
    s = _one(write_book(tmp_path / "w.xlsx", {"台账": [["项目名称", "项目状态", "备注"], ["甲", "已签约", "x"]]}))
    assert s.dataset == "projects" and s.counts_text() == "读取 1 行：1 行可导入，0 行有错误（0 个单元格）"
    s = _one(write_book(tmp_path / "v.xlsx", {"走访": [["走访日期", "包保对象", "走访形式"], [None, "甲", "政策走访"]]}))
    assert s.counts_text() == "读取 1 行：0 行可导入，1 行有错误（1 个单元格）"
    s = _one(write_book(tmp_path / "i.xlsx", {"指标": [["指标名称", "增速"], ["规上工业增加值", 9.9]]}))
    assert s.counts_text() == "读取 1 行：表格缺少必需的列（见问题清单），整张表不能导入"


# --------------------------------------------------------------------------- the same kinds from other offices

def test_kind3_other_platform_lower_case_codes_and_word_order(tmp_path):
    # a note above the header, the credit code named 社会统一信用代码, the field codes in lower case
    rows = [["数据来源：青海省数据共享交换平台  导出时间：2025-09-01"],
            ["社会统一信用代码", "企业(机构)名称", "成立日期", "经营状态", "法定代表人", "注册资本(万元)", "登记机关"],
            ["uniscid", "entname", "estdate", "regstate", "lerep", "regcap", "regorg"],
            [uscc(1), "青海甲生物科技有限公司", "2020/01/01", "在营（开业）企业", "张三", "100", "西宁市市场监督管理局"],
            [uscc(2), "青海乙生物科技有限公司", "2021/03/04", "存续", "李四", "50", "西宁市市场监督管理局"]]
    s = _one(write_book(tmp_path / "w.xlsx", {"Sheet1": rows}))
    assert s.dataset == "entities" and s.header_rows == (2, 3) and s.problems == []
    assert s.frame["uscc"].tolist() == [uscc(1), uscc(2)]
    assert s.frame["status"].tolist() == ["存续", "存续"]
    assert s.frame["registered_capital"].tolist() == [100.0, 50.0]
    assert s.unused_columns == ["法定代表人", "登记机关"]


def test_kind5_other_typings_of_dates_and_amounts(tmp_path):
    # 项目所处阶段 (the subject before the field's name), a month with 份, 旬 after a dash, 千万/百万 in a cell
    rows = [["项目名称", "项目所处阶段", "签约日期", "总投资(亿元)"],
            ["甲", "签约", "2025年6月份", "约3"],
            ["乙", "签约", "2025-06-下旬", "0.8亿元左右"],
            ["丙", "签约", "2025.6", "5千万元"],
            ["丁", "签约", "2025年3季度", "3百万"]]
    s = _one(write_book(tmp_path / "w.xlsx", {"招商": rows}))
    assert s.dataset == "projects" and s.errors == []
    assert _days(s.frame["signed_on"]) == ["2025-06-01", "2025-06-21", "2025-06-01", "2025-07-01"]
    # 亿元 header: 3 亿 = 30000 万元; the cell's own unit wins: 5千万元 = 5000 万元, 3百万 = 300 万元
    assert s.frame["investment"].tolist() == [30000.0, 8000.0, 5000.0, 300.0]
    assert [p.row for p in s.warnings] == [3, 5]  # the two spans (下旬, 季度) read as a day


def test_kind2_growth_headed_bi_shang_nian_zeng_jian(tmp_path):
    rows = [["2025年1-7月主要经济指标"], ["指标", "单位", "1-7月", "比上年增减（%）"],
            ["一、规模以上工业增加值", "亿元", 8.5, 9.9], ["二、固定资产投资", "亿元", 20.1, -3.5]]
    s = _one(write_book(tmp_path / "w.xlsx", {"指标": rows}))
    assert s.dataset == "indicators" and s.errors == []
    assert s.frame["indicator"].tolist() == ["规模以上工业增加值", "固定资产投资"]
    assert s.frame["growth_pct"].tolist() == [9.9, -3.5]


def _mht(pages: list[tuple[str, str]], charset: str = "gb2312") -> bytes:
    """A web archive as Excel's "单个文件网页" writes it: multipart/related, quoted-printable HTML parts."""
    from email.charset import QP, Charset
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText
    archive = MIMEMultipart("related")
    for location, html in pages:
        cs = Charset(charset)
        cs.body_encoding = QP
        part = MIMEText(html, "html", cs)
        part["Content-Location"] = location
        archive.attach(part)
    del archive["MIME-Version"]  # Excel's archive begins with it: the sniff looks for it first
    return b"MIME-Version: 1.0\n" + archive.as_bytes()


def test_kind7_web_archive_mht_reads_like_the_workbook_or_says_what_to_do(tmp_path):
    xlsx = _one(write_book(tmp_path / "名录.xlsx", {"名录": REGISTRY}))
    frameset = ('<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><xml><x:ExcelWorkbook><x:ExcelWorksheets>'
                "<x:ExcelWorksheet><x:Name>市场主体</x:Name></x:ExcelWorksheet></x:ExcelWorksheets></x:ExcelWorkbook>"
                "</xml></head><frameset><frame src=sheet001.htm></frameset></html>")
    sheet = html_table([["2025年市场主体名录"]] + REGISTRY, spans={(0, 0): (1, 7)}).decode("utf-8")
    (tmp_path / "名录.mht").write_bytes(_mht([("file:///C:/名录.htm", frameset), ("file:///C:/sheet001.htm", sheet)]))
    r = read_workbook(tmp_path / "名录.mht", today=TODAY)
    assert r.error is None and [s.sheet for s in r.sheets] == ["市场主体"]
    assert r.sheets[0].errors == [] and _comparable(r.sheets[0]) == _comparable(xlsx)
    (tmp_path / "空.mht").write_bytes(_mht([("file:///C:/a.htm", "<html><body><p>说明</p></body></html>")]))
    assert read_workbook(tmp_path / "空.mht").error == msg.FILE_MHT_NO_TABLE


def test_kind7_other_web_system_and_office_layouts(tmp_path):
    # a GBK page with <thead>/<tbody>, a heading outside the table, &nbsp; cells and a 合计 table below
    page = ("<html><head><meta charset='gbk'></head><body><h3>市场主体名录</h3><table><thead><tr><td>序号</td>"
            "<td>统一社会信用代码</td><td>企业名称</td><td>登记状态</td><td>成立日期</td></tr></thead><tbody>"
            f"<tr><td>1</td><td>{uscc(1)}</td><td>甲</td><td>存续</td><td>2020年3月1日</td></tr>"
            f"<tr><td>2</td><td>{uscc(2)}</td><td>乙&nbsp;</td><td>&nbsp;</td><td>2021/7/15</td></tr>"
            "</tbody></table><table><tr><td>合计</td><td>2</td></tr></table></body></html>")
    (tmp_path / "名录.xls").write_bytes(page.encode("gbk"))
    s = _one(tmp_path / "名录.xls")
    assert s.dataset == "entities" and s.problems == []
    assert s.frame["name"].tolist() == ["甲", "乙"] and _days(s.frame["established_on"]) == ["2020-03-01", "2021-07-15"]
    assert msg.NOTE_ROWS_DROPPED.format(blank=0, footer=1) in s.notes
    # a real .xls with the title, the reporting unit and a blank row above, a 合计 and a note below
    rows = [["园区市场主体名录（截至2025年6月）"], ["填报单位：西宁经济技术开发区"], [],
            ["统一社会信用代码", "市场主体名称", "主体类型", "成立日期", "登记状态"],
            [uscc(1), "甲", "个体工商户", dt.date(2020, 1, 1), "存续"],
            [None, "合计", None, None, None], ["注：本表由市场监管部门提供"]]
    s = _one(write_xls(tmp_path / "名录2.xls", {"名录": rows}))
    assert s.header_rows == (4,) and s.problems == [] and s.frame["entity_type"].tolist() == ["个体工商户"]
    assert msg.NOTE_FOOTER.format(row=7) in s.notes
