"""市场主体: the stock and new registrations over time, mix by type and sector, a searchable table."""
import streamlit as st

from analytics.catalogue import cards
from analytics.catalogue import entities as cat
from analytics.metrics import entities, targets
from analytics.schema import ENTITY_TYPES
from app_lib import ui

ui.header("市场主体", "在册口径：成立日期不晚于统计日且未注销（或注销日期晚于统计日）")
as_of, sector = ui.as_of(), ui.sector()

total = ui.run(entities.stock_at, as_of, sector)
ui.require_data(total > 0, ("entities",), "在册市场主体", "暂无市场主体数据：请先导入市场主体名录。")
ui.cards(ui.run(cards.entity_cards, as_of, sector))

for line in ui.run(targets.sentences_for, as_of, "entities"):   # 目标任务 (metrics.targets)
    st.caption(f"目标任务：{line}")

left, right = st.columns([3, 2])
with left:
    ui.show(ui.run(cat.stock_series, as_of, sector), key="ent_series", slot=3 / 5)
with right:
    ui.show(ui.run(cat.new_by_month, as_of, sector), key="ent_monthly", slot=2 / 5)

left, right = st.columns(2)
with left:
    st_type = ui.show(ui.run(cat.type_mix, as_of, sector), key="ent_types", selectable=True, slot=1 / 2)
with right:
    st_sector = ui.show(ui.run(cat.sector_mix, as_of), key="ent_sectors", selectable=True, slot=1 / 2)

st.subheader("市场主体查询")
clicked_sector = ui.selected_values(st_sector, "x")
f1, f2, f3 = st.columns([3, 1, 1])
text = f1.text_input("名称或统一社会信用代码", key="ent_query", placeholder="输入名称或代码的一部分")
type_options = ("全部类型",) + tuple(ENTITY_TYPES)
ui.sync_selection(st_type, "y", "ent_type", type_options)
chosen_type = f2.selectbox("主体类型", type_options, placeholder="请选择", key="ent_type")
alive_only = f3.toggle("仅在册", value=True, key="ent_alive")
table_sector = clicked_sector[0] if clicked_sector else sector
found = ui.run(cat.registry, as_of, text, table_sector, None if chosen_type == "全部类型" else chosen_type,
               alive_only, 500)
st.caption(f"最多显示500条，按成立日期从新到旧{f'；产业：{table_sector}' if table_sector else ''}")
ui.show(found, key="ent_table", height=420)
