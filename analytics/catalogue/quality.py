"""Catalogue: data quality (the store's own gaps, whole-store, not filtered by as-of or sector).
See analytics.catalogue for the entry format.

Titles say 全库 instead of a period: these tables describe what has been imported, whatever the data date."""
from __future__ import annotations

from analytics.catalogue import Entry, entry
from analytics.metrics import quality

ROWS_SHOWN = 500


@entry("quality.latest")
def latest(con) -> Entry:
    """One row per dataset: its latest period or date and its rows (行)."""
    frame = quality.latest_periods(con)
    return Entry(name="quality.latest", title="各数据集最新期别（全库）", frame=frame,
                 labels={"label": "数据集", "latest_text": "最新期别/日期", "rows": "记录数（行）"},
                 filename="各数据集最新期别", empty_message="尚未导入任何数据。")


@entry("quality.gaps")
def gaps(con) -> Entry:
    """One row per missing month inside a monthly series (month 'YYYY-MM')."""
    return Entry(name="quality.gaps", title="序列中缺失的月份（全库）", frame=quality.gaps(con),
                 labels={"label": "数据集", "month": "月份", "note": "说明"}, filename="缺失月份",
                 empty_message="各序列没有缺失的月份。")


@entry("quality.without_code")
def without_code(con) -> Entry:
    """Entities without an industry code, newest first, at most ROWS_SHOWN rows."""
    return Entry(name="quality.without_code", title=f"缺少国民经济行业代码的市场主体（全库，最多{ROWS_SHOWN}条）",
                 frame=quality.entities_without_code(con, ROWS_SHOWN),
                 labels={"uscc": "统一社会信用代码", "name": "市场主体名称", "established_on": "成立日期",
                         "sector": "产业类别（生效）", "sector_raw": "产业类别（文件原文）"},
                 dates=("established_on",), filename="缺少行业代码的市场主体",
                 empty_message="所有市场主体均有行业代码。")


@entry("quality.warnings")
def warnings(con) -> Entry:
    """Problems recorded by imports still in the store, newest batch first, at most ROWS_SHOWN rows;
    level in Chinese (错误 / 警告 / 提示)."""
    from analytics.ingest.model import LEVEL_LABELS  # here: the reader is not loaded for every page
    frame = quality.import_warnings(con, ROWS_SHOWN)
    if len(frame):
        frame = frame.assign(level=frame["level"].map(LEVEL_LABELS).fillna(frame["level"]))
    return Entry(name="quality.warnings", title=f"导入时记录的问题（全库，最多{ROWS_SHOWN}条，最新批次在前）",
                 frame=frame, labels={"batch_id": "导入批次", "level": "级别", "file": "文件", "sheet": "工作表",
                                      "row": "Excel行号", "column": "列", "value": "值", "message": "问题"},
                 wrap=("message", "value"), filename="导入警告", empty_message="导入记录中没有警告。")
