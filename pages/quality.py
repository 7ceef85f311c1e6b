"""数据质量: what the store knows about its own gaps: latest period of each dataset, missing
months, entities without an industry code, warnings left from imports."""
import streamlit as st

from analytics import fmt
from analytics.ingest.model import LEVEL_LABELS
from analytics.metrics import quality
from app_lib import ui

ui.header("数据质量", "各数据集的最新期别、缺失月份、缺少行业代码的主体与导入警告；本页为全库口径，不随数据日期和产业筛选变化")
latest = ui.run(quality.latest_periods)
counts = ui.run(quality.summary)
gaps = ui.run(quality.gaps)

c = st.columns(4)
with c[0]:
    ui.metric("已导入数据集", f"{int((latest['rows'] > 0).sum())}/{len(latest)}")
with c[1]:
    ui.metric("缺失月份", fmt.count(len(gaps), "个"))
with c[2]:
    ui.metric("缺少行业代码的市场主体", fmt.count(counts.get("entities_without_code"), "户"))
with c[3]:
    ui.metric("导入警告与错误", fmt.count(counts.get("warnings"), "条"))

left, right = st.columns(2)
with left:
    ui.table(latest, {"label": "数据集", "latest_text": "最新期别/日期", "rows": "记录数（行）"},
             key="dq_latest", filename="各数据集最新期别", title="各数据集最新期别")
with right:
    ui.table(gaps, {"label": "数据集", "month": "月份", "note": "说明"}, key="dq_gaps",
             filename="缺失月份", title="序列中缺失的月份", empty_message="各序列没有缺失的月份。")

no_code = ui.run(quality.entities_without_code, 500)
ui.table(no_code, {"uscc": "统一社会信用代码", "name": "市场主体名称", "established_on": "成立日期",
                   "sector": "产业类别（生效）", "sector_raw": "产业类别（文件原文）"},
         key="dq_nocode", filename="缺少行业代码的市场主体", title="缺少国民经济行业代码的市场主体（最多500条）",
         empty_message="所有市场主体均有行业代码。", height=300,
         column_config={"established_on": st.column_config.DateColumn(format="YYYY-MM-DD")})

warnings = ui.run(quality.import_warnings, 500)
if len(warnings):
    warnings = warnings.assign(level=warnings["level"].map(LEVEL_LABELS).fillna(warnings["level"]))
ui.table(warnings, {"batch_id": "导入批次", "level": "级别", "file": "文件", "sheet": "工作表", "row": "Excel行号",
                    "column": "列", "value": "值", "message": "问题"},
         key="dq_warnings", filename="导入警告", title="导入时记录的问题（最多500条，最新批次在前）",
         empty_message="导入记录中没有警告。", height=300)
