"""企业服务: 包保 accounts per leader, visits (三访三促), demands and their status."""
import streamlit as st

from analytics import fmt
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
leaders = ui.run(service.accounts_per_leader)
share, median_days = ui.run(service.resolution, as_of)
open_items = ui.run(service.open_demands, as_of)

c = st.columns(5)
with c[0]:
    ui.metric("包保企业和项目", fmt.count(n_accounts, "个"), f"包保领导{len(leaders)}名", delta_color="off",
              delta_arrow="off")
with c[1]:
    ui.metric("累计走访", fmt.count(int(visits["visits"].sum()) if len(visits) else 0, "次"))
with c[2]:
    ui.metric("诉求办结率", fmt.pct(share))
with c[3]:
    ui.metric("办结用时中位数", fmt.days(median_days))
with c[4]:
    ui.metric("未办结诉求", fmt.count(len(open_items), "件"),
              f"其中90天以上{int((open_items['age_bucket'] == '90天以上').sum()) if len(open_items) else 0}件",
              delta_color="off", delta_arrow="off")

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
