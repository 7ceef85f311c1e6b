"""市场主体: the stock and new registrations over time, mix by type and sector, a searchable table."""
import pandas as pd
import streamlit as st

from analytics import charts, fmt
from analytics.metrics import entities
from analytics.metrics import one_year_before
from analytics.schema import ENTITIES, ENTITY_TYPES
from app_lib import ui
from app_lib.labels import pick

ui.header("市场主体", "在册口径：成立日期不晚于统计日且未注销（或注销日期晚于统计日）")
as_of, sector = ui.as_of(), ui.sector()
scope = sector or "全园区"
date_text = fmt.date_cn(as_of)
foot = charts.footnote(ENTITIES.source, date_text)

total = ui.run(entities.stock_at, as_of, sector)
ui.require_data(total > 0, ("entities",), "在册市场主体", "暂无市场主体数据：请先导入市场主体名录。")
total_prev = ui.run(entities.stock_at, one_year_before(as_of), sector)
new12 = ui.run(entities.new_12m, as_of, sector)
ends12 = ui.run(entities.endings_in_window, one_year_before(as_of), as_of, sector)   # 迁出 counted apart
new_prev12 = ui.run(entities.new_in_window, one_year_before(one_year_before(as_of)), one_year_before(as_of), sector)
monthly = ui.run(entities.new_by_month, as_of, 12, sector)
series = ui.run(entities.stock_series, one_year_before(one_year_before(as_of)), as_of, "month", sector)
types = ui.run(entities.type_mix, as_of, sector)
by_type = dict(zip(types["entity_type"], types["count"]))

c = st.columns(5)
with c[0]:
    stock_yoy = entities.yoy_pct(total, total_prev)
    ui.metric("市场主体总数", fmt.count(total, "户"),
              f"{total - total_prev:+d}户" + (f"（同比{fmt.change_pct_text(stock_yoy)}）" if stock_yoy is not None else ""),
              trend=series["stock"].tolist(), help="较上年同日")
with c[1]:
    new_yoy = entities.yoy_pct(new12, new_prev12)
    ui.metric("近一年新设", fmt.count(new12, "户"), None if new_yoy is None else f"同比{fmt.change_pct_text(new_yoy)}",
              trend=monthly["new"].tolist(), chart_type="bar", help="与此前12个月新设户数相比")
with c[2]:
    ui.metric("近一年注销、吊销", fmt.count(ends12["cancelled"], "户"),
              f"另迁出{ends12['moved_out']}户" if ends12["moved_out"] else None, delta_color="off", delta_arrow="off",
              help="迁出（迁离园区）不计入注销、吊销，单独列示")
with c[3]:
    ui.metric("企业", fmt.count(by_type.get("企业"), "户"))
with c[4]:
    ui.metric("个体工商户", fmt.count(by_type.get("个体工商户"), "户"),
              f"农民专业合作社{by_type.get('农民专业合作社', 0)}户", delta_color="off", delta_arrow="off")

left, right = st.columns([3, 2])
with left:
    fig = charts.bar_line(series, "period_end", "new", "stock",
                          title=f"{scope}市场主体总数与每月新设（截至{date_text}）", foot=foot,
                          bar_name="当月新设", line_name="市场主体总数", y_title="当月新设（户）",
                          y2_title="市场主体总数（户）")
    ui.chart(fig, series, key="ent_series", filename=f"市场主体总数与新设_{date_text}",
             labels=pick("label", "stock", "new", "closed", "net"))
with right:
    fig = charts.bar(monthly, "month", "new", title=f"近12个月每月新设与上年同月（截至{date_text}）", foot=foot,
                     y_title="新设（户）", text=False)
    fig.add_scatter(x=monthly["month"], y=monthly["new_prev_year"], name="上年同月", mode="lines+markers",
                    line={"color": charts.SECONDARY, "dash": "dot"})
    fig.update_yaxes(**charts.count_axis(pd.concat([monthly["new"], monthly["new_prev_year"]])))
    fig.update_layout(showlegend=True)
    fig.data[0].name = "本年"
    ui.chart(fig, monthly, key="ent_monthly", filename=f"近12个月新设_{date_text}",
             labels=pick("month", "new", "new_prev_year", "yoy_pct"))

left, right = st.columns(2)
with left:
    # bars, not a ring: Streamlit reports clicks on cartesian traces only, and a click filters the table below
    fig = charts.bar(types, "entity_type", "count", title=f"{scope}市场主体类型构成（截至{date_text}）",
                     foot=charts.footnote(ENTITIES.source, date_text, note="点击条形筛选下方名录"),
                     y_title="市场主体（户）", horizontal=True)
    fig.update_traces(text=[f"{c:,}户（{fmt.pct(p)}）" for c, p in zip(types["count"], types["share_pct"])],
                      textposition="outside")
    fig.update_xaxes(range=[0, max(1, int(types["count"].max())) * 1.35])     # room for the labels outside
    st_type = ui.chart(fig, types, key="ent_types", filename=f"市场主体类型构成_{date_text}", selectable=True,
                       labels=pick("entity_type", "count", "share_pct", count="数量（户）"))
with right:
    sectors = ui.run(entities.sector_mix, as_of)
    fig = charts.bar(sectors, "sector", "count", title=f"各产业市场主体数量（截至{date_text}）",
                     foot=charts.footnote(ENTITIES.source, date_text, note="点击柱形筛选下方名录"),
                     y_title="市场主体（户）", category_order=list(sectors["sector"]))
    st_sector = ui.chart(fig, sectors, key="ent_sectors", filename=f"各产业市场主体_{date_text}",
                         selectable=True,
                         labels=pick("sector", "count", "share_pct", "capital_wan", count="数量（户）"))

st.subheader("市场主体查询")
clicked_sector = ui.selected_values(st_sector, "x")
f1, f2, f3 = st.columns([3, 1, 1])
text = f1.text_input("名称或统一社会信用代码", key="ent_query", placeholder="输入名称或代码的一部分")
type_options = ("全部类型",) + tuple(ENTITY_TYPES)
ui.sync_selection(st_type, "y", "ent_type", type_options)
chosen_type = f2.selectbox("主体类型", type_options, key="ent_type")
alive_only = f3.toggle("仅在册", value=True, key="ent_alive")
table_sector = clicked_sector[0] if clicked_sector else sector
found = ui.run(entities.search_entities, as_of, text, table_sector,
               None if chosen_type == "全部类型" else chosen_type, alive_only, 500)
st.caption(f"最多显示500条，按成立日期从新到旧{f'；产业：{table_sector}' if table_sector else ''}")
ui.table(found, {c: c for c in found.columns}, key="ent_table", filename=f"市场主体名录_{date_text}",
         empty_message="没有符合条件的市场主体。", height=420,
         column_config={"成立日期": st.column_config.DateColumn(format="YYYY-MM-DD"),
                        "注销日期": st.column_config.DateColumn(format="YYYY-MM-DD"),
                        "注册资本（万元）": st.column_config.NumberColumn(format="%.1f")},
         digits={"注册资本（万元）": 1})
