"""企业服务: 包保 accounts per leader, visits (三访三促), demands and their status."""
import streamlit as st

from analytics import charts, fmt
from analytics.metrics import service
from analytics.schema import DEMAND_STATUSES, SERVICE_ACCOUNTS, SERVICE_VISITS
from app_lib import ui

ui.header("企业服务", "包保工作与“三访三促”走访：带着政策走访、直面问题访谈、持续跟踪回访")
as_of = ui.as_of()
if ui.sector():
    st.caption("包保与走访台账不分产业，本页为全园区口径。")
date_text = fmt.date_cn(as_of)
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

left, right = st.columns(2)
with left:
    fig = charts.bar(leaders, "leader", "accounts", title=f"各包保领导联系企业和项目（截至{date_text}）",
                     foot=charts.footnote(SERVICE_ACCOUNTS.source, date_text), y_title="包保对象（个）",
                     horizontal=True, height=420)
    ui.chart(fig, leaders, key="svc_leaders", filename=f"包保领导联系对象_{date_text}",
             labels={"leader": "包保领导", "department": "责任部门", "accounts": "包保对象（个）",
                     "enterprises": "企业（个）", "projects": "项目（个）"})
with right:
    fig = charts.bar(visits, "month", "visits", color="visit_type", barmode="stack",
                     title=f"每月走访次数（截至{date_text}）", foot=charts.footnote(SERVICE_VISITS.source, date_text),
                     y_title="走访（次）", text=False, height=420)
    ui.chart(fig, visits, key="svc_visits", filename=f"每月走访次数_{date_text}",
             labels={"month": "月份", "visit_type": "走访类型", "visits": "走访（次）"})

left, right = st.columns(2)
with left:
    dem = ui.run(service.demands, as_of)
    long = dem.melt(id_vars=["category"], value_vars=list(DEMAND_STATUSES), var_name="status", value_name="n")
    fig = charts.bar(long, "category", "n", color="status", barmode="stack",
                     title=f"企业诉求类别与办理状态（截至{date_text}）",
                     foot=charts.footnote(SERVICE_VISITS.source, date_text, note="点击条形筛选下方未办结诉求"),
                     y_title="诉求（件）", text=False)
    st_dem = ui.chart(fig, dem if int(dem["total"].sum()) else dem.iloc[0:0], key="svc_demands",
                      filename=f"企业诉求_{date_text}", selectable=True,
                      labels={"category": "诉求类别", "已办结": "已办结（件）", "办理中": "办理中（件）",
                              "未办理": "未办理（件）", "total": "合计（件）"})
with right:
    absent = ui.run(service.leaders_without_visit, as_of)
    ui.table(absent, {"leader": "包保领导", "accounts": "包保对象（个）", "last_visit": "最近走访日期",
                      "quarter": "季度"},
             key="svc_absent", filename=f"本季度未走访的包保领导_{date_text}", title="本季度尚未走访的包保领导",
             empty_message="本季度每位包保领导均已走访。",
             column_config={"last_visit": st.column_config.DateColumn(format="YYYY-MM-DD")})

categories = ("全部类别",) + tuple(dem["category"])
ui.sync_selection(st_dem, "x", "svc_category", categories)
category = st.selectbox("诉求类别", categories, key="svc_category")
shown = open_items if category == categories[0] else open_items[open_items["demand_category"] == category]
ui.table(shown, {"visited_on": "走访日期", "account": "包保对象", "leader": "包保领导", "demand_category": "诉求类别",
                 "demand": "诉求内容", "demand_status": "办理状态", "age_days": "已过天数", "age_bucket": "时长"},
         key="svc_open", filename=f"未办结诉求_{date_text}", title=f"未办结诉求（截至{date_text}，按时长从长到短）",
         empty_message="没有未办结的诉求。", height=360,
         column_config={"visited_on": st.column_config.DateColumn(format="YYYY-MM-DD")})
