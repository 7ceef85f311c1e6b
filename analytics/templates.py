"""Blank input templates, one per dataset, built only from analytics.schema.

`write_template("projects", "项目台账模板.xlsx")` writes a workbook whose first
sheet carries the canonical headers (Field.label, units included), with
drop-down lists on the columns whose values are closed (Field.allowed), and a
second sheet "填写说明" that explains every field: meaning, unit, required or
not, allowed values and the other header names the reader also accepts.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from analytics.schema import CANONICAL_MONEY_UNIT, Dataset, Field, dataset

__all__ = ["write_template", "NOTES_SHEET", "NOTES_HEADER", "field_notes"]

NOTES_SHEET = "填写说明"
NOTES_HEADER = ("字段", "含义", "单位", "是否必填", "可选值", "也可识别的表头")
# rows of the data sheet that carry the drop-down lists (Excel's whole column below the header)
_VALIDATION_LAST_ROW = 1048576

# What each kind of field holds, for the analyst filling the template.
_KIND_MEANING = {
    "str": "文字",
    "code": "代码（空格和全角字符会被自动清理）",
    "uscc": "18位统一社会信用代码（GB 32100-2015），由数字和除 I、O、Z、S、V 以外的大写字母组成",
    "date": "日期，如 2025-05-10、2025/5/10、2025年5月10日，或 Excel 日期",
    "period": "报告期（累计期的截止月份），如 2025年1-5月、2025-05",
    "money": "金额",
    "number": "数值",
    "pct": "百分数，填 9.9 表示 9.9%",
    "enum": "从下拉列表中选择",
}
_KIND_UNIT = {"date": "日", "period": "月", "pct": "%"}
_TEXT_KINDS = ("uscc", "code", "str", "enum", "period")


def _unit(f: Field) -> str:
    if f.kind == "money":
        return f"{f.unit or CANONICAL_MONEY_UNIT}（表头或单元格中写明的单位优先，如“1.5亿元”）"
    return _KIND_UNIT.get(f.kind, "")


def field_notes(ds: Dataset) -> list[tuple[str, str, str, str, str, str]]:
    """One row of notes per field, in the dataset's field order:
    (label, meaning, unit, required 是/否, allowed values joined by 、, other accepted headers joined by 、)."""
    rows = []
    for f in ds.fields:
        meaning = _KIND_MEANING[f.kind]
        if f.name in ds.key:
            meaning += "；与" + "、".join(ds.field(k).label for k in ds.key if k != f.name) + "一起确定一行" \
                if len(ds.key) > 1 else "；每行唯一"
        others = [s for s in f.synonyms if s != f.label]
        rows.append((f.label, meaning, _unit(f), "是" if f.required else "否", "、".join(f.allowed),
                     "、".join(others)))
    return rows


def write_template(dataset_name: str, path) -> Path:
    """Write the blank template of `dataset_name` to `path` (parent folders created); return the path.

    Raises KeyError with the allowed dataset names (Chinese) for an unknown dataset.
    """
    ds = dataset(dataset_name)
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = ds.label
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for col, f in enumerate(ds.fields, start=1):
        cell = ws.cell(1, col, f.label)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        dim = ws.column_dimensions[get_column_letter(col)]
        dim.width = max(12, 2.2 * len(f.label) + 2)
        # a column format Excel applies to what the analyst types: codes and periods stay text (an
        # 18-digit code typed into a General cell becomes a number and is destroyed), dates are dates
        if f.name == "period" or f.kind in _TEXT_KINDS:
            dim.number_format = "@"
        elif f.kind == "date":
            dim.number_format = "yyyy-mm-dd"
        if f.allowed:
            letter = get_column_letter(col)
            dv = DataValidation(type="list", formula1='"' + ",".join(f.allowed) + '"', allow_blank=not f.required,
                                showErrorMessage=True, errorTitle="无效的值",
                                error=f"“{f.label}”只能是：{'、'.join(f.allowed)}",
                                promptTitle=f.label, prompt="请从下拉列表中选择")
            dv.add(f"{letter}2:{letter}{_VALIDATION_LAST_ROW}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"

    notes = wb.create_sheet(NOTES_SHEET)
    notes.append([f"{ds.label}（数据来源：{ds.source}）"])
    notes["A1"].font = Font(bold=True, size=13)
    notes.append(["请在第一个工作表中从第2行起逐行填写，不要修改表头。带“是”的为必填项；有下拉列表的列只能选择列表中的值。"])
    notes.append([])
    notes.append(list(NOTES_HEADER))
    for cell in notes[4]:
        cell.font = bold
        cell.fill = fill
    for row in field_notes(ds):
        notes.append(list(row))
    for letter, width in zip("ABCDEF", (24, 50, 24, 10, 30, 50)):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
