"""助企帮销: the running total, monthly sales, channels, top enterprises and products, milestone effects."""
import streamlit as st

from analytics import fmt, text
from analytics.catalogue import cards
from analytics.catalogue import sales as cat
from analytics.metrics import sales, targets
from app_lib import ui

ui.header("助企帮销", "“强营销、拓市场、促发展”助企帮销行动，2024年7月起")
as_of = ui.as_of()
if ui.sector():
    st.caption("帮销台账不分产业，本页为全园区口径。")
date_text = fmt.date_cn(as_of)

total = ui.run(sales.total, as_of)
ui.require_data(total > 0, ("sales",), "助企帮销数据", "暂无助企帮销数据：请先导入助企帮销台账。")
ui.cards(ui.run(cards.sales_cards, as_of))

# rows dated by month only and a partial last month are said before the charts (analytics.text)
notes = [n for n in (text.month_only_note(ui.run(sales.month_only_rows, as_of)), text.partial_month_note(as_of)) if n]
if notes:
    st.caption("说明：" + "；".join(notes) + "。")

for line in ui.run(targets.sentences_for, as_of, "sales"):   # 目标任务 (metrics.targets)
    st.caption(f"目标任务：{line}")

left, right = st.columns([3, 2])
with left:
    ui.show(ui.run(cat.monthly, as_of), key="sal_monthly", slot=3 / 5)
with right:
    ui.show(ui.run(cat.channels, as_of), key="sal_channels", slot=2 / 5)

c1, c2 = st.columns(2)
for col, dim in ((c1, "enterprise"), (c2, "product")):
    with col:
        ui.show(ui.run(cat.top, as_of, dim, 10), key=f"sal_{dim}", slot=1 / 2)

st.subheader("重要节点前后对比")
ui.show(ui.run(cat.milestones, as_of), key="sal_effects", slot=1)
