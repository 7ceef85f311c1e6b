"""Small workbooks for the reader's tests, written with openpyxl into tmp_path.

`write_book(path, {"sheet": rows}, merges={"sheet": ["A1:F1"]}, hidden={"x"})`;
a row is a list of cell values (None = empty cell). Valid credit codes come
from `uscc(n)` (check character computed by python-stdnum).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from stdnum.cn import uscc as stdnum_uscc


def uscc(n: int, prefix: str = "91") -> str:
    """A valid 18-character credit code, distinct for each n (prefix 91 企业, 92 个体, 93 合作社)."""
    body = f"{prefix}630100MA{n:07d}".replace("0", "0")
    body = body[:17]
    return body + stdnum_uscc.calc_check_digit(body)


def write_book(path: Path, sheets: dict[str, list[list]], *, merges: dict[str, list[str]] | None = None,
               hidden: set[str] | frozenset = frozenset(), number_formats: dict[str, dict[str, str]] | None = None,
               start: str | None = None) -> Path:
    """Write `sheets` (name -> rows) to `path`; returns path."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
        for ref, fmt in (number_formats or {}).get(name, {}).items():
            ws[ref].number_format = fmt
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def registry_rows() -> list[list]:
    """A clean three-entity registry with the canonical headers."""
    return [
        ["统一社会信用代码", "市场主体名称", "主体类型", "成立日期", "登记状态", "注销日期", "注册资本（万元）"],
        [uscc(1), "青海甲医疗器械有限公司", "有限责任公司(自然人投资或控股)", dt.date(2020, 3, 1), "存续", None, 500],
        [uscc(2, "92"), "西宁乙商店", "个体工商户", dt.date(2021, 7, 15), "在业", None, 3],
        [uscc(3, "93"), "大通丙种植专业合作社", "农民专业合作社", dt.date(2019, 1, 9), "注销", dt.date(2024, 5, 6), 10],
    ]
