"""app_lib.export: tables to .xlsx with Chinese headers; formula-like text is never evaluated."""
import datetime as dt
import io

import openpyxl
import pandas as pd

from app_lib.export import escape_formula, to_xlsx_bytes


def test_escape_formula_prefixes_dangerous_text_only():
    assert escape_formula("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert escape_formula("+86 971") == "'+86 971"
    assert escape_formula("-5") == "'-5"
    assert escape_formula("@SUM(A1)") == "'@SUM(A1)"
    assert escape_formula("西宁") == "西宁"
    assert escape_formula(-5) == -5          # numbers stay numbers
    assert escape_formula(None) is None


def test_xlsx_has_chinese_headers_title_and_no_formulas():
    frame = pd.DataFrame({"name": ["=1+1", "青海某公司"], "amount": [12.5, None],
                          "day": [dt.date(2025, 5, 10), None]})
    before = frame.copy()
    data = to_xlsx_bytes(frame, {"name": "企业名称", "amount": "销售额（万元）", "day": "日期"}, title="帮销明细")
    pd.testing.assert_frame_equal(frame, before)      # input untouched
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "帮销明细"
    assert rows[1] == ("企业名称", "销售额（万元）", "日期")
    assert rows[2] == ("'=1+1", 12.5, dt.datetime(2025, 5, 10))
    assert rows[3] == ("青海某公司", None, None)
    # the escaped cell is a plain string, not a formula
    assert ws.cell(row=3, column=1).data_type == "s"


def test_columns_without_label_keep_their_name():
    data = to_xlsx_bytes(pd.DataFrame({"x": [1], "y": [2]}), {"x": "甲"})
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert next(ws.iter_rows(values_only=True)) == ("甲", "y")


def test_numbers_are_written_as_the_page_shows_them():
    # a share computed as 10.71392245140499 reached the .xlsx as is; the page shows 10.7 (四舍五入)
    import io

    import openpyxl
    import pandas as pd

    from app_lib.export import to_xlsx_bytes
    frame = pd.DataFrame({"share_pct": [10.71392245140499, 2.25], "amount_wan": [1234.5678, 0.125],
                          "n": [3, 4], "name": ["甲", "乙"]})
    data = to_xlsx_bytes(frame, {"share_pct": "占比（%）", "amount_wan": "帮销额（万元）", "n": "数量（个）", "name": "名称"},
                         digits={"share_pct": 1})
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["占比（%）", "帮销额（万元）", "数量（个）", "名称"]
    # its own digits (1), else two decimals for a fractional column, both half up; counts untouched
    assert rows[1:] == [[10.7, 1234.57, 3, "甲"], [2.3, 0.13, 4, "乙"]]
    assert ws["A2"].number_format == "#,##0.0" and ws["B2"].number_format == "#,##0.00"
