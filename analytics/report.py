"""The import report as files for the analyst: the problem list and the workbook with bad cells marked."""
from __future__ import annotations

import io
import unicodedata

import pandas as pd
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from analytics.ingest.model import ERROR, LEVEL_LABELS, Problem

PROBLEM_COLUMNS = {"level": "级别", "file": "文件", "sheet": "工作表", "row": "Excel行号", "column": "列",
                   "value": "值", "message": "问题与处理办法"}
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")  # Excel's own "bad" red
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")  # Excel's own "neutral" yellow
MAX_MARKED_CELLS = 20000  # beyond this, only the list is useful


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """One row per problem, Chinese column headers, errors first."""
    rows = [{"level": LEVEL_LABELS.get(p.level, p.level), "file": p.file, "sheet": p.sheet, "row": p.row,
             "column": p.column, "value": p.value, "message": p.message, "_order": 0 if p.level == ERROR else 1}
            for p in problems]
    frame = pd.DataFrame(rows, columns=list(PROBLEM_COLUMNS) + ["_order"])
    frame = frame.sort_values(["_order", "sheet", "row"], kind="stable").drop(columns="_order")
    return frame.rename(columns=PROBLEM_COLUMNS).reset_index(drop=True)


def _norm(text) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text)).split()) if text is not None else ""


def highlighted_workbook(source: bytes, problems: list[Problem], header_rows: dict[str, tuple[int, ...]]) -> bytes:
    """The uploaded workbook with each problem's cell filled (red error, yellow warning) and a comment
    holding the reason. `header_rows` = {sheet: Excel header row numbers} to find each column by its text.
    A problem without a row or a findable column marks nothing (it stays in the list)."""
    wb = load_workbook(io.BytesIO(source))
    for sheet_name in {p.sheet for p in problems}:
        if sheet_name not in wb.sheetnames:
            continue
        ws = wb[sheet_name]
        columns: dict[str, int] = {}
        for r in header_rows.get(sheet_name, ()):
            for cell in ws[r]:
                if cell.value is not None:
                    columns.setdefault(_norm(cell.value), cell.column)
        if len(header_rows.get(sheet_name, ())) > 1:  # two-row headers: "组 子列" texts
            top, sub = header_rows[sheet_name][0], header_rows[sheet_name][-1]
            group = None
            for c in range(1, ws.max_column + 1):
                g = ws.cell(top, c).value
                group = g if g is not None else group
                s = ws.cell(sub, c).value
                if group is not None and s is not None:
                    columns.setdefault(_norm(f"{group}{s}"), c)
        marked = 0
        for p in (p for p in problems if p.sheet == sheet_name):
            col = columns.get(_norm(p.column)) if p.column else None
            if p.row is None or col is None or marked >= MAX_MARKED_CELLS:
                continue
            cell = ws.cell(p.row, col)
            if cell.fill == ERROR_FILL:
                continue
            cell.fill = ERROR_FILL if p.level == ERROR else WARNING_FILL
            cell.comment = Comment(f"{LEVEL_LABELS.get(p.level, p.level)}：{p.message}", "园区经济运行看板")
            marked += 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
