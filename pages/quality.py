"""数据质量: what the store knows about its own gaps: latest period of each dataset, missing
months, entities without an industry code, warnings left from imports."""
import streamlit as st

from analytics.catalogue import cards
from analytics.catalogue import quality as cat
from app_lib import ui

ui.header("数据质量", "各数据集的最新期别、缺失月份、缺少行业代码的主体与导入警告；本页为全库口径，不随数据日期和产业筛选变化")
ui.cards(ui.run(cards.quality_cards))

left, right = st.columns(2)
with left:
    ui.show(ui.run(cat.latest), key="dq_latest")
with right:
    ui.show(ui.run(cat.gaps), key="dq_gaps")
ui.show(ui.run(cat.without_code), key="dq_nocode", height=300)
ui.show(ui.run(cat.warnings), key="dq_warnings", height=300)
