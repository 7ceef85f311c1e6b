"""Catalogue: market entities (市场主体). See analytics.catalogue for the entry format."""
from __future__ import annotations

from datetime import date

import pandas as pd

from analytics import charts, fmt
from analytics.catalogue import Entry, entry, is_partial_month, partial_note
from analytics.metrics import entities
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
