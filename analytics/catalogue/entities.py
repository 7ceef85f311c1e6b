"""Catalogue: market entities (市场主体). See analytics.catalogue for the entry format."""
from __future__ import annotations

from datetime import date

import pandas as pd

from analytics import charts, fmt
from analytics.catalogue import Entry, entry, is_partial_month, partial_note
from analytics.catalogue.labels import pick
from analytics.metrics import entities, one_year_before
from analytics.schema import ENTITIES

NO_ENTITIES = "暂无市场主体数据。"


@entry("entities.new_by_month")
def new_by_month(con, as_of: date, sector: str | None = None) -> Entry:
    """New entities in each of the 12 months ending with as_of's month, with the same months a year
    earlier (to the same day): one row per month, 户."""
    date_text = fmt.date_cn(as_of)
    frame = entities.new_by_month(con, as_of, 12, sector)
    if int(frame["new"].sum()) == 0 and int(frame["new_prev_year"].sum()) == 0:
        frame = frame.iloc[0:0]
    title = f"{sector or ''}近12个月每月新设市场主体（截至{date_text}）"
    foot = charts.footnote(ENTITIES.source, date_text, note=partial_note(as_of))
    fig = charts.bar(frame, "month", "new", title=title, foot=foot, y_title="新设（户）", text=False,
                     partial_last=is_partial_month(as_of))
    if len(frame):
        fig.data[0].name = "本年"
        fig.add_scatter(x=frame["month"], y=frame["new_prev_year"], name="上年同月", mode="lines+markers",
                        line={"color": charts.SECONDARY, "dash": "dot"},
                        hovertemplate="上年同月：%{y:,.0f}<extra></extra>")
        fig.update_yaxes(**charts.count_axis(pd.concat([frame["new"], frame["new_prev_year"]])))
        fig.update_layout(showlegend=True)
        charts.fit_bands(fig)
    return Entry(name="entities.new_by_month", title=title, frame=frame, figure=fig, footnote=foot,
                 labels={"month": "月份", "new": "新设（户）", "new_prev_year": "上年同月新设（户）",
                         "yoy_pct": "同比（%）"},
                 digits={"yoy_pct": 1}, filename=f"近12个月新设市场主体_{date_text}", empty_message=NO_ENTITIES)


@entry("entities.stock_series")
def stock_series(con, as_of: date, sector: str | None = None, years: int = 2) -> Entry:
    """Entities alive at each month end over the `years` years to as_of (the last point at as_of) with the
    new registrations of each month: one row per month, 户."""
    date_text = fmt.date_cn(as_of)
    start = as_of
    for _ in range(years):
        start = one_year_before(start)
    frame = entities.stock_series(con, start, as_of, "month", sector)
    if int(frame["stock"].max() if len(frame) else 0) == 0:
        frame = frame.iloc[0:0]
    title = f"{sector or '园区'}市场主体总数与每月新设（截至{date_text}）"
    foot = charts.footnote(ENTITIES.source, date_text, note=partial_note(as_of))
    fig = charts.bar_line(frame, "period_end", "new", "stock", title=title, foot=foot, bar_name="当月新设",
                          line_name="市场主体总数", y_title="新设（户）", y2_title="总数（户）",
                          partial_last=is_partial_month(as_of))
    return Entry(name="entities.stock_series", title=title, frame=frame, figure=fig, footnote=foot,
                 labels=pick("label", "stock", "new", "closed", "net"), filename=f"市场主体总数与新设_{date_text}",
                 empty_message=NO_ENTITIES)


@entry("entities.type_mix")
def type_mix(con, as_of: date, sector: str | None = None) -> Entry:
    """Entities alive at as_of by type (企业, 个体工商户, 农民专业合作社): one row per type, 户 and share.
    Bars, not a ring: Streamlit reports clicks on cartesian traces only, and a click filters the registry."""
    date_text = fmt.date_cn(as_of)
    frame = entities.type_mix(con, as_of, sector)
    if int(frame["count"].sum() if len(frame) else 0) == 0:
        frame = frame.iloc[0:0]
    title = f"{sector or '全园区'}市场主体类型构成（截至{date_text}）"
    foot = charts.footnote(ENTITIES.source, date_text, note="点击条形筛选下方名录")
    fig = charts.bar(frame, "entity_type", "count", title=title, foot=foot, y_title="市场主体（户）", horizontal=True)
    if len(frame):
        fig.update_traces(text=[f"{c:,}户（{fmt.pct(p)}）" for c, p in zip(frame["count"], frame["share_pct"])],
                          textposition="outside")
        fig.update_xaxes(range=[0, max(1, int(frame["count"].max())) * 1.45])     # room for the labels outside
    return Entry(name="entities.type_mix", title=title, frame=frame, figure=fig, footnote=foot,
                 labels=pick("entity_type", "count", "share_pct", count="数量（户）"), digits={"share_pct": 1},
                 filename=f"市场主体类型构成_{date_text}", empty_message=NO_ENTITIES)


@entry("entities.sector_mix")
def sector_mix(con, as_of: date) -> Entry:
    """Entities alive at as_of by park sector: one row per sector, 户, share and registered capital (万元)."""
    date_text = fmt.date_cn(as_of)
    frame = entities.sector_mix(con, as_of)
    if int(frame["count"].sum() if len(frame) else 0) == 0:
        frame = frame.iloc[0:0]
    title = f"各产业市场主体数量（截至{date_text}）"
    foot = charts.footnote(ENTITIES.source, date_text, note="点击柱形筛选下方名录")
    fig = charts.bar(frame, "sector", "count", title=title, foot=foot, y_title="市场主体（户）",
                     category_order=list(frame["sector"]))
    return Entry(name="entities.sector_mix", title=title, frame=frame, figure=fig, footnote=foot,
                 labels=pick("sector", "count", "share_pct", "capital_wan", count="数量（户）"),
                 digits={"share_pct": 1, "capital_wan": 1}, filename=f"各产业市场主体_{date_text}",
                 empty_message=NO_ENTITIES)


@entry("entities.registry")
def registry(con, as_of: date, query: str = "", sector: str | None = None, entity_type: str | None = None,
             alive_only: bool = True, limit: int = 500) -> Entry:
    """The registry search: at most `limit` entities matching the name/code fragment, sector and type
    (alive at as_of when alive_only), newest first; Chinese column names as in entities.SEARCH_COLUMNS."""
    date_text = fmt.date_cn(as_of)
    frame = entities.search_entities(con, as_of, query, sector, entity_type, alive_only, limit)
    return Entry(name="entities.registry", title="", frame=frame, labels={c: c for c in frame.columns},
                 digits={"注册资本（万元）": 1}, dates=("成立日期", "注销日期"), filename=f"市场主体名录_{date_text}",
                 empty_message="没有符合条件的市场主体。")
