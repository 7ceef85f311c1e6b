"""产业结构: each sector's share by entity count, registered capital, value added and signed
investment, and how the shares moved over a year."""
import streamlit as st

from analytics.catalogue import structure as cat
from analytics.metrics import structure
from app_lib import ui

ui.header("产业结构", "产业按国民经济行业代码映射（产业映射表）；所选产业在图中突出显示")
as_of = ui.as_of()
shares = ui.run(structure.sector_shares, as_of)
ui.require(bool(shares[["entities", "capital_wan", "value_added_wan", "investment_wan"]].to_numpy().sum() > 0),
           "暂无可计算产业结构的数据：请先导入市场主体名录、规上工业或招商项目台账。")
sector = ui.sector()
for row in (("entities", "capital_wan"), ("value_added_wan", "investment_wan")):
    cols = st.columns(2)
    for col, measure in zip(cols, row):
        with col:
            ui.show(ui.run(cat.share, as_of, measure, sector), key=f"str_{measure}", slot=1 / 2)

st.subheader("产业占比一年来的变化")
ui.show(ui.run(cat.share_shift, as_of), key="str_shift", slot=1)
