"""数据质量: what the store knows about its own gaps: latest period of each dataset, missing
months, entities without an industry code, warnings left from imports."""
import streamlit as st

from analytics import fmt
from analytics.catalogue import quality as cat
from analytics.metrics import quality
from app_lib import ui

ui.header("数据质量", "各数据集的最新期别、缺失月份、缺少行业代码的主体与导入警告；本页为全库口径，不随数据日期和产业筛选变化")
counts = ui.run(quality.summary)
latest, gaps = ui.run(cat.latest), ui.run(cat.gaps)

c = st.columns(4)
with c[0]:
    ui.metric("已导入数据集", f"{int((latest.frame['rows'] > 0).sum())}/{len(latest.frame)}")
with c[1]:
    ui.metric("缺失月份", fmt.count(len(gaps.frame), "个"))
with c[2]:
    ui.metric("缺少行业代码的市场主体", fmt.count(counts.get("entities_without_code"), "户"))
with c[3]:
    ui.metric("导入警告与错误", fmt.count(counts.get("warnings"), "条"))

left, right = st.columns(2)
with left:
    ui.show(latest, key="dq_latest")
with right:
    ui.show(gaps, key="dq_gaps")
ui.show(ui.run(cat.without_code), key="dq_nocode", height=300)
ui.show(ui.run(cat.warnings), key="dq_warnings", height=300)
