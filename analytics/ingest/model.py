"""What reading a workbook produces: parsed sheets, problems, and the report.

These objects are the contract between the reader (analytics.ingest), the
store (analytics.store), the command line and the upload page.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

SHEET_COUNTS = "读取 {rows} 行：{ok} 行可导入，{refused} 行有错误（{cells} 个单元格）"
SHEET_COUNTS_SHEET_ERROR = "读取 {rows} 行：{what}（见问题清单），整张表不能导入"
SHEET_COUNTS_BLANKED = "；另有 {n} 个单元格无法识别，已留空（所在行照常导入）"
ERROR = "error"
WARNING = "warning"
LEVEL_LABELS = {ERROR: "错误", WARNING: "警告"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an uploaded workbook.

    `row` is the Excel row number as the analyst sees it (1-based); `column`
    is the header text as written in the file (or the field label when the
    column is missing). `message` is Chinese and says what to do.
    """

    level: str
    file: str
    sheet: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    field: str | None = None

    def describe(self) -> str:
        """One line for the command line: 错误 文件 › 工作表 第12行 「成立日期」 值「2025-13-01」：原因."""
        where = f"{self.file} › {self.sheet}"
        if self.row is not None:
            where += f" 第{self.row}行"
        if self.column:
            where += f" 「{self.column}」"
        if self.value is not None:
            where += f" 值「{self.value}」"
        return f"{LEVEL_LABELS.get(self.level, self.level)} {where}：{self.message}"


@dataclass
class SheetResult:
    """One sheet of a workbook after recognition and parsing.

    `frame` holds one row per data row in canonical columns (the dataset's
    fields, its extra columns, `_row` = Excel row number and `_valid` = no
    error on that row); money in 万元, dates as datetime64, periods as the
    first day of the month. `dataset` is None when the sheet was skipped
    (`skipped_reason` says why: prose, hidden, empty, unrecognised headers).
    """

    file: str
    sheet: str
    dataset: str | None
    skipped_reason: str | None = None
    header_rows: tuple[int, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)  # header text -> field name
    unused_columns: list[str] = field(default_factory=list)
    frame: pd.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0
    notes: list[str] = field(default_factory=list)
    error_cells: int = 0     # cells with an error (every one, not only those listed in `problems`)
    cells_blanked: int = 0   # unreadable optional cells left empty; their rows are kept
    sheet_problem: str = "表格缺少必需的列"  # what refuses the whole sheet when no row has an error of its own

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]

    @property
    def rows_refused(self) -> int:
        """Data rows with an error: refused, or left out with skip-invalid."""
        if self.frame is None or "_valid" not in self.frame.columns:
            return 0
        return int((~self.frame["_valid"].astype(bool)).sum())

    @property
    def rows_ok(self) -> int:
        """Data rows without an error (rows_ok + rows_refused == rows_read)."""
        return self.rows_read - self.rows_refused

    def counts_text(self) -> str:
        """The sheet's counts in one Chinese line: rows (read = importable + with errors) and cells apart.

        "读取 12 行：11 行可导入，1 行有错误（2 个单元格）；另有 3 个单元格无法识别，已留空（所在行照常导入）"
        """
        if self.rows_read and self.rows_ok == 0 and self.error_cells == 0 and self.errors:
            return SHEET_COUNTS_SHEET_ERROR.format(rows=self.rows_read, what=self.sheet_problem)
        text = SHEET_COUNTS.format(rows=self.rows_read, ok=self.rows_ok, refused=self.rows_refused,
                                   cells=self.error_cells)
        if self.cells_blanked:
            text += SHEET_COUNTS_BLANKED.format(n=self.cells_blanked)
        return text

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == WARNING]


@dataclass
class WorkbookResult:
    """A whole uploaded file: its sheets, or a file-level error (not a workbook, corrupt…)."""

    file: str
    sha256: str
    sheets: list[SheetResult] = field(default_factory=list)
    error: str | None = None

    @property
    def problems(self) -> list[Problem]:
        return [p for s in self.sheets for p in s.problems]

    @property
    def has_errors(self) -> bool:
        return self.error is not None or any(s.errors for s in self.sheets)
