"""Tables to .xlsx for the dashboard's download buttons (no streamlit here).

Numbers are written as the page shows them: each column rounded 四舍五入 (analytics.fmt.round_half_up) to
its `digits` (default DEFAULT_DIGITS for fractional columns) and formatted with that many decimals, so a
download never carries 10.71392245140499; the unit is in the header (catalogue labels).

Text that Excel could read as a formula (starting with = + - @, or a tab or
carriage return, after OWASP's CSV-injection advice) is written with a leading
apostrophe, as a plain string, so Excel never evaluates it.
"""
from __future__ import annotations

import datetime as dt
import io
import math

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from analytics.fmt import round_half_up

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DEFAULT_DIGITS = 2      # a fractional column without its own digits
MAX_COL_WIDTH_CHARS = 60


def escape_formula(value):
    """'=1+1' -> "'=1+1"; other values (numbers, dates, safe text) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell_value(value):
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, (dt.date, int, float, bool)):
        return value
    if hasattr(value, "item"):          # numpy scalars
        return value.item()
    return escape_formula(str(value))


def _width(values: list, header: str) -> float:
    longest = max([len(str(header))] + [len(str(v)) for v in values[:500] if v is not None])
    # CJK characters are about twice as wide as Latin ones
    return min(MAX_COL_WIDTH_CHARS, longest * 2 + 2)


def _rounded(value, digits: int | None):
    if digits is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if isinstance(value, int):
        return value
    r = round_half_up(value, digits)
    return int(r) if digits == 0 else float(r)


def _column_digits(frame: pd.DataFrame, digits: dict[str, int]) -> list[int | None]:
    """Decimals of each column: its own, else DEFAULT_DIGITS for float columns, else None (untouched)."""
    out = []
    for c in frame.columns:
        if str(c) in digits:
            out.append(digits[str(c)])
        elif pd.api.types.is_float_dtype(frame[c]):
            out.append(DEFAULT_DIGITS)
        else:
            out.append(None)
    return out


def to_xlsx_bytes(frame: pd.DataFrame, labels: dict[str, str] | None = None, sheet_name: str = "数据",
                  title: str | None = None, digits: dict[str, int] | None = None) -> bytes:
    """The frame as an .xlsx workbook (bytes): one sheet, headers from `labels` (column -> Chinese),
    numbers rounded to `digits` {column: decimals} (see the module docstring).

    `title`, when given, goes in the first row above the header (e.g. the chart's title and period).
    Columns missing from `labels` keep their own name. The frame is not modified.
    """
    labels = labels or {}
    headers = [labels.get(str(c), str(c)) for c in frame.columns]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_name[:31] or "数据")
    col_digits = _column_digits(frame, digits or {})
    rows = [[_rounded(_cell_value(v), d) for v, d in zip(row, col_digits)]
            for row in frame.itertuples(index=False, name=None)]
    for i, header in enumerate(headers):
        letter = _column_letter(i + 1)
        ws.column_dimensions[letter].width = _width([r[i] for r in rows], header)
    ws.freeze_panes = "A3" if title else "A2"
    bold = Font(bold=True)
    if title:
        cell = WriteOnlyCell(ws, value=escape_formula(title))
        cell.font = Font(bold=True, size=13)
        ws.append([cell])
    head_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=escape_formula(h))
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDE7EE")
        head_cells.append(cell)
    ws.append(head_cells)
    for row in rows:
        out = []
        for v, d in zip(row, col_digits):
            if isinstance(v, float) and d is not None:
                cell = WriteOnlyCell(ws, value=v)
                cell.number_format = "#,##0" + ("." + "0" * d if d else "")
                out.append(cell)
            elif isinstance(v, str):
                cell = WriteOnlyCell(ws, value=v)
                cell.data_type = "s"      # never a formula, whatever the text
                out.append(cell)
            elif isinstance(v, dt.datetime):
                cell = WriteOnlyCell(ws, value=v)
                cell.number_format = "yyyy-mm-dd" if v.time() == dt.time() else "yyyy-mm-dd hh:mm"
                out.append(cell)
            elif isinstance(v, dt.date):
                cell = WriteOnlyCell(ws, value=v)
                cell.number_format = "yyyy-mm-dd"
                out.append(cell)
            else:
                out.append(v)
        ws.append(out)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _column_letter(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
