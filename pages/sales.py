"""助企帮销: the running total, monthly sales, channels, top enterprises and products, milestone effects."""
import streamlit as st

from analytics import charts, fmt, text
from analytics.metrics import sales
from analytics.schema import SALES
from app_lib import ui
from app_lib.labels import pick

ui.header("助企帮销", "“强营销、拓市场、促发展”助企帮销行动，2024年7月起")
as_of = ui.as_of()
if ui.sector():
    st.caption("帮销台账不分产业，本页为全园区口径。")
date_text = fmt.date_cn(as_of)
foot = charts.footnote(SALES.source, date_text)

total = ui.run(sales.total, as_of)
ui.require_data(total > 0, ("sales",), "助企帮销数据", "暂无助企帮销数据：请先导入助企帮销台账。")
monthly = ui.run(sales.monthly, as_of)
channels = ui.run(sales.by_dimension, as_of, "channel")
this_year, same_days_last_year = ui.run(sales.yoy, as_of)
last_month = monthly.iloc[-1] if len(monthly) else None

c = st.columns(4)
with c[0]:
    ui.metric("帮销累计", fmt.wan_to_text(total), trend=monthly["cumulative_wan"].tolist(),
              help=f"累计{fmt.number(total, 2, thousands=True)}万元（截至{date_text}）")
with c[1]:
    ui.metric(f"{as_of.year}年以来", fmt.wan_to_text(this_year),
              f"同比{fmt.change_pct_text((this_year / same_days_last_year - 1) * 100)}" if same_days_last_year else None,
              help=f"上年同期（{as_of.year - 1}年1月1日至{as_of.month}月{as_of.day}日）"
                   f"{fmt.wan_to_text(same_days_last_year) if same_days_last_year else '无帮销记录'}")
with c[2]:
    ui.metric(f"本月（{as_of.month}月，截至{as_of.day}日）",
              fmt.wan(last_month["amount_wan"]) if last_month is not None else "—",
              trend=monthly["amount_wan"].tolist(), chart_type="bar")
with c[3]:
    top_channel = channels.iloc[0] if len(channels) else None
    ui.metric("第一大渠道", str(top_channel["channel"]) if top_channel is not None else "—",
              f"占{fmt.pct(top_channel['share_pct'])}" if top_channel is not None else None, delta_color="off",
              delta_arrow="off")

# rows dated by month only and a partial last month are said before the charts (analytics.text)
notes = [n for n in (text.month_only_note(ui.run(sales.month_only_rows, as_of)), text.partial_month_note(as_of)) if n]
if notes:
    st.caption("说明：" + "；".join(notes) + "。")

left, right = st.columns([3, 2])
with left:
    shown = monthly.assign(month=monthly["month"].astype(str))
    fig = charts.bar_line(shown, "month", "amount_wan", "cumulative_wan",
                          title=f"逐月帮销额与累计（截至{date_text}）", foot=foot, bar_name="当月帮销额",
                          line_name="累计帮销额", y_title="当月帮销额（万元）", y2_title="累计帮销额（万元）",
                          markers=[(d.isoformat(), n) for n, d in sales.MILESTONES if d <= as_of])
    ui.chart(fig, monthly, key="sal_monthly", filename=f"逐月帮销额_{date_text}",
             labels=pick("month_key", "amount_wan", "cumulative_wan", month_key="月份",
                         amount_wan="当月帮销额（万元）", cumulative_wan="累计帮销额（万元）"))
with right:
    fig = charts.donut(channels, "channel", "amount_wan", title=f"帮销渠道构成（截至{date_text}）", foot=foot,
                       unit="万元", digits=1)
    ui.chart(fig, channels, key="sal_channels", filename=f"帮销渠道构成_{date_text}",
             labels=pick("channel", "amount_wan", "share_pct", "rows", channel="帮销渠道",
                         amount_wan="帮销额（万元）", rows="记录数（条）"))

c1, c2 = st.columns(2)
for col, dim, label in ((c1, "enterprise", "企业"), (c2, "product", "产品")):
    with col:
        top = ui.run(sales.by_dimension, as_of, dim, 10)
        fig = charts.bar(top, dim, "amount_wan", title=f"帮销额前10位{label}（截至{date_text}）", foot=foot,
                         y_title="帮销额（万元）", horizontal=True, digits=1, height=420)
        ui.chart(fig, top, key=f"sal_{dim}", filename=f"帮销额前10位{label}_{date_text}",
                 labels=pick(dim, "amount_wan", "share_pct", "rows", **{dim: sales.DIMENSIONS[dim]},
                             amount_wan="帮销额（万元）", rows="记录数（条）"))

st.subheader("重要节点前后对比")
effects = ui.run(sales.milestone_effects, as_of)
if len(effects):
    long = effects.melt(id_vars=["milestone"], value_vars=["before_wan_per_month", "after_wan_per_month"],
                        var_name="side", value_name="wan_per_month")
    long["side"] = long["side"].map({"before_wan_per_month": "节点前", "after_wan_per_month": "节点后"})
    fig = charts.bar(long, "milestone", "wan_per_month", color="side",
                     title=f"展销中心、大通店、展销会开业前后月均帮销额（截至{date_text}）",
                     foot=charts.footnote(SALES.source, date_text, note="月均=窗口内帮销额÷天数×30.4"),
                     y_title="月均帮销额（万元/月）", digits=1)
else:
    fig = charts.bar(effects, "milestone", "after_wan_per_month", title=f"重要节点前后月均帮销额（截至{date_text}）",
                     foot=foot)
ui.chart(fig, effects, key="sal_effects", filename=f"节点前后对比_{date_text}",
         empty_message="数据日期前尚无重要节点。",
         labels={"milestone": "节点", "date": "日期", "before_start": "节点前起始", "before_days": "节点前天数",
                 "before_wan_per_month": "节点前月均（万元）", "after_end": "节点后截止",
                 "after_days": "节点后天数", "after_wan_per_month": "节点后月均（万元）", "change_pct": "变化（%）"})
