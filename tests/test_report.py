"""analytics.report: the problem list and the marked workbook."""
import io

from openpyxl import Workbook, load_workbook

from analytics.ingest.model import ERROR, WARNING, Problem
from analytics.report import ERROR_FILL, WARNING_FILL, highlighted_workbook, problems_frame


def _book() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "名录"
    ws.append(["园区市场主体名录"])
    ws.append(["统一社会信用代码", "成立日期"])
    ws.append(["BAD", "2025-13-01"])
    ws.append(["91630100MA752YCQ3X", "2025-05-10"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_bad_cells_are_filled_and_commented():
    problems = [Problem(ERROR, "a.xlsx", "名录", 3, "成立日期", "2025-13-01", "日期不存在"),
                Problem(WARNING, "a.xlsx", "名录", 4, "统一社会信用代码", "91630100MA752YCQ3X", "校验位不符"),
                Problem(ERROR, "a.xlsx", "名录", None, "注册资本", None, "缺少列")]
    ws = load_workbook(io.BytesIO(highlighted_workbook(_book(), problems, {"名录": (2,)})))["名录"]
    assert ws["B3"].fill == ERROR_FILL and ws["B3"].comment.text == "错误：日期不存在"
    assert ws["A4"].fill == WARNING_FILL
    assert ws["A3"].fill != ERROR_FILL  # not a problem cell


def test_problem_list_puts_errors_first_with_chinese_headers():
    problems = [Problem(WARNING, "a.xlsx", "名录", 4, "统一社会信用代码", "x", "校验位不符"),
                Problem(ERROR, "a.xlsx", "名录", 9, "成立日期", "y", "日期不存在")]
    frame = problems_frame(problems)
    assert list(frame.columns) == ["级别", "文件", "工作表", "Excel行号", "列", "值", "问题与处理办法"]
    assert frame["级别"].tolist() == ["错误", "警告"] and frame["Excel行号"].tolist() == [9, 4]
