"""Catalogue: sales assistance (助企帮销). See analytics.catalogue for the entry format."""
from __future__ import annotations

from datetime import date

from analytics import charts, fmt
from analytics.catalogue import Entry, entry, is_partial_month, partial_note
from analytics.metrics import sales
from analytics.schema import SALES

NO_SALES = "暂无助企帮销数据。"


@entry("sales.monthly")
def monthly(con, as_of: date) -> Entry:
    """Sales helped per month and the running total: one row per month since the first sale (万元);
    the opening of the showroom, the 大通 shop and the fair drawn as dotted lines."""
    date_text = fmt.date_cn(as_of)
    frame = sales.monthly(con, as_of)
    title = f"助企帮销逐月与累计（截至{date_text}）"
    foot = charts.footnote(SALES.source, date_text, note=partial_note(as_of))
    shown = frame.assign(month=frame["month"].astype(str)) if len(frame) else frame
    fig = charts.bar_line(shown, "month", "amount_wan", "cumulative_wan", title=title, foot=foot,
                          bar_name="当月帮销额", line_name="累计帮销额", y_title="当月（万元）",
                          y2_title="累计（万元）", partial_last=is_partial_month(as_of),
                          markers=[(d.isoformat(), n) for n, d in sales.MILESTONES if d <= as_of])
    return Entry(name="sales.monthly", title=title, frame=frame, figure=fig, footnote=foot,
                 labels={"month_key": "月份", "amount_wan": "当月帮销额（万元）", "cumulative_wan": "累计帮销额（万元）"},
                 digits={"amount_wan": 2, "cumulative_wan": 2}, filename=f"助企帮销逐月_{date_text}",
                 empty_message=NO_SALES)


@entry("sales.channels")
def channels(con, as_of: date) -> Entry:
    """Sales helped up to as_of by channel, as a ring: one row per channel (万元, share, rows)."""
    date_text = fmt.date_cn(as_of)
    frame = sales.by_dimension(con, as_of, "channel")
    frame = frame if len(frame) and frame["amount_wan"].sum() > 0 else frame.iloc[0:0]
    title = f"帮销渠道构成（截至{date_text}）"
    foot = charts.footnote(SALES.source, date_text)
    fig = charts.donut(frame, "channel", "amount_wan", title=title, foot=foot, unit="万元", digits=1)
    return Entry(name="sales.channels", title=title, frame=frame, figure=fig, footnote=foot,
                 labels={"channel": "帮销渠道", "amount_wan": "帮销额（万元）", "share_pct": "占比（%）",
                         "rows": "记录数（条）"},
                 digits={"amount_wan": 2, "share_pct": 1}, filename=f"帮销渠道构成_{date_text}", empty_message=NO_SALES)


@entry("sales.top")
def top(con, as_of: date, dim: str = "enterprise", n: int = 10) -> Entry:
    """The n enterprises (dim 'enterprise') or products ('product') with the most sales helped up to as_of,
    the rest summed as 其他: one row each, 万元."""
    date_text = fmt.date_cn(as_of)
    label = {"enterprise": "企业", "product": "产品"}.get(dim, sales.DIMENSIONS.get(dim, dim))
    frame = sales.by_dimension(con, as_of, dim, n)
    title = f"帮销额前{n}位{label}（截至{date_text}）"
    foot = charts.footnote(SALES.source, date_text)
    fig = charts.bar(frame, dim, "amount_wan", title=title, foot=foot, y_title="帮销额（万元）", horizontal=True,
                     digits=1, height=420)
    return Entry(name="sales.top", title=title, frame=frame, figure=fig, footnote=foot,
                 labels={dim: sales.DIMENSIONS[dim], "amount_wan": "帮销额（万元）", "share_pct": "占比（%）",
                         "rows": "记录数（条）"},
                 digits={"amount_wan": 2, "share_pct": 1}, filename=f"帮销额前{n}位{label}_{date_text}",
                 empty_message=NO_SALES)


@entry("sales.milestones")
def milestones(con, as_of: date) -> Entry:
    """Monthly-equivalent sales before and after each milestone (showroom, 大通 shop, fair) up to as_of:
    one row per milestone (万元/月), drawn as pairs of bars."""
    date_text = fmt.date_cn(as_of)
    frame = sales.milestone_effects(con, as_of)
    title = f"展销中心、大通店、展销会开业前后月均帮销额（截至{date_text}）"
    foot = charts.footnote(SALES.source, date_text, note="月均=窗口内帮销额÷天数×30.4")
    if len(frame):
        long = frame.melt(id_vars=["milestone"], value_vars=["before_wan_per_month", "after_wan_per_month"],
                          var_name="side", value_name="wan_per_month")
        long["side"] = long["side"].map({"before_wan_per_month": "节点前", "after_wan_per_month": "节点后"})
    else:
        long = frame.assign(side=[], wan_per_month=[])
    fig = charts.bar(long, "milestone", "wan_per_month", color="side", title=title, foot=foot,
                     y_title="月均帮销额（万元/月）", digits=1)
    return Entry(name="sales.milestones", title=title, frame=frame, figure=fig, footnote=foot,
                 labels={"milestone": "节点", "date": "日期", "before_start": "节点前起始", "before_days": "节点前天数",
                         "before_wan_per_month": "节点前月均（万元）", "after_end": "节点后截止",
                         "after_days": "节点后天数", "after_wan_per_month": "节点后月均（万元）", "change_pct": "变化（%）"},
                 digits={"before_wan_per_month": 2, "after_wan_per_month": 2, "change_pct": 1},
                 dates=("date", "before_start", "after_end"), filename=f"节点前后对比_{date_text}",
                 empty_message="数据日期前尚无重要节点。")
