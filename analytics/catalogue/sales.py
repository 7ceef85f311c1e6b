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
                          bar_name="当月帮销额", line_name="累计帮销额", y_title="当月帮销额（万元）",
                          y2_title="累计帮销额（万元）", partial_last=is_partial_month(as_of),
                          markers=[(d.isoformat(), n) for n, d in sales.MILESTONES if d <= as_of])
    return Entry(name="sales.monthly", title=title, frame=frame, figure=fig, footnote=foot,
                 labels={"month_key": "月份", "amount_wan": "当月帮销额（万元）", "cumulative_wan": "累计帮销额（万元）"},
                 digits={"amount_wan": 2, "cumulative_wan": 2}, filename=f"助企帮销逐月_{date_text}",
                 empty_message=NO_SALES)
