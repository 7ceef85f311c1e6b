"""企业服务: 包保 accounts per leader, visits (三访三促), demands and their status."""
import streamlit as st

from analytics.catalogue import cards
from analytics.catalogue import service as cat
from analytics.metrics import service
from app_lib import ui

ui.header("企业服务", "包保工作与“三访三促”走访：带着政策走访、直面问题访谈、持续跟踪回访")
as_of = ui.as_of()
if ui.sector():
    st.caption("包保与走访台账不分产业，本页为全园区口径。")
n_accounts = ui.run(service.key_accounts)
visits = ui.run(service.visits_by_month, as_of)
ui.require(n_accounts > 0 or len(visits) > 0, "暂无包保与走访数据：请先导入包保对象和走访台账。")
ui.cards(ui.run(cards.service_cards, as_of))

accounts_note = ui.run(service.accounts_note, as_of)   # the 包保 list has no dates: say it is today's list
if accounts_note:
    st.caption(accounts_note + "。")

left, right = st.columns(2)
with left:
    ui.show(ui.run(cat.leaders, as_of), key="svc_leaders", slot=1 / 2)
with right:
    ui.show(ui.run(cat.visits, as_of), key="svc_visits", slot=1 / 2)

left, right = st.columns(2)
with left:
    dem = ui.run(cat.demands, as_of, True)
    st_dem = ui.show(dem, key="svc_demands", selectable=True, slot=1 / 2)
with right:
    ui.show(ui.run(cat.leaders_without_visit, as_of), key="svc_absent")

categories = ("全部类别",) + tuple(dem.frame["category"])
ui.sync_selection(st_dem, "x", "svc_category", categories)
category = st.selectbox("诉求类别", categories, placeholder="请选择", key="svc_category")
ui.show(ui.run(cat.open_demands, as_of, None if category == categories[0] else category), key="svc_open",
        height=360)
