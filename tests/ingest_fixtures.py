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


def write_xls(path: Path, sheets: dict[str, list[list]], *, merges: dict[str, list[tuple[int, int, int, int]]] | None = None,
              number_formats: dict[str, dict[tuple[int, int], str]] | None = None,
              hidden_cols: dict[str, set[int]] | None = None) -> Path:
    """Write `sheets` as a real legacy .xls (BIFF8, xlwt). Dates get a date format as Excel gives them;
    `merges` are 0-based inclusive (row1, row2, col1, col2) ranges whose first cell holds the text;
    `number_formats` {sheet: {(row, col) 0-based: format}}; `hidden_cols` {sheet: 0-based columns}."""
    import xlwt
    wb = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for name, rows in sheets.items():
        ws = wb.add_sheet(name)
        formats = (number_formats or {}).get(name, {})
        for c in (hidden_cols or {}).get(name, ()):
            ws.col(c).hidden = True
        spans = {(r1, c1): (r1, r2, c1, c2) for r1, r2, c1, c2 in (merges or {}).get(name, [])}
        covered = {(r, c) for r1, r2, c1, c2 in spans.values() for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if (r, c) in spans:
                    ws.write_merge(*spans[(r, c)], value if value is not None else "")
                elif (r, c) in covered or value is None:
                    continue
                elif (r, c) in formats:
                    ws.write(r, c, value, xlwt.easyxf(num_format_str=formats[(r, c)]))
                elif isinstance(value, (dt.date, dt.datetime)):
                    ws.write(r, c, value, date_style)
                else:
                    ws.write(r, c, value)
    wb.save(str(path))
    return path


def html_table(rows: list[list], *, spans: dict[tuple[int, int], tuple[int, int]] | None = None,
               charset: str = "utf-8", title: str | None = None) -> bytes:
    """An HTML page holding one <table>, as web systems' "导出Excel" write it (to be saved as .xls).

    `spans` maps (row, col) of a cell to its (rowspan, colspan); cells it covers are left out of the
    page, as HTML requires."""
    spans = spans or {}
    covered = {(r + i, c + j) for (r, c), (rs, cs) in spans.items() for i in range(rs) for j in range(cs)
               if (i, j) != (0, 0)}
    out = [f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
           f"<title>导出</title></head><body>"]
    if title:
        out.append(f"<table><tr><td>{title}</td></tr></table>")
    out.append('<table border="1">')
    for r, row in enumerate(rows):
        cells = []
        for c, value in enumerate(row):
            if (r, c) in covered:
                continue
            rs, cs = spans.get((r, c), (1, 1))
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            text = "" if value is None else (value.isoformat() if isinstance(value, dt.date) else str(value))
            cells.append(f"<td{attrs}>{text}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table></body></html>")
    return "\n".join(out).encode("gb18030" if charset.lower() in ("gbk", "gb2312", "gb18030") else charset)
