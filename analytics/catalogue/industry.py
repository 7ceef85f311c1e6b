"""Catalogue: industry (规上工业增加值) charts and tables. See analytics.catalogue for the entry format."""
from __future__ import annotations

from datetime import date

import pandas as pd

from analytics import charts, fmt, summary
from analytics.catalogue import Entry, entry
from analytics.schema import INDICATORS, INDUSTRIAL

NO_INDUSTRY = "暂无规上工业或主要经济指标数据。"


@entry("industry.headline_growth")
def headline_growth(con, as_of: date) -> Entry:
    """The headline growth rate's cumulative series of the latest year (official, else enterprise-level):
    one row per cumulative period (1-2月, 1-3月 …), percent."""
    h = summary.headline(con, as_of)
    series = h.get("industrial_growth_series") or {}
    frame = pd.DataFrame({"period": [fmt.period_label(f"{k}-01") for k in series],
                          "growth_pct": list(series.values())})
    official = h.get("industrial_growth_basis") == "official"
    if series:
        period_text = fmt.period_label(f"{h['industrial_growth_period']}-01", with_year=True)
        data_date = fmt.month_label(f"{h['industrial_growth_period']}-01")
        title = f"规上工业增加值累计增速（{period_text}）"
    else:
        period_text, data_date, title = "", None, "规上工业增加值累计增速"
    foot = charts.footnote(INDICATORS.source if official else INDUSTRIAL.source, data_date,
                           "official" if official else "enterprise")
    fig = charts.line(frame, "period", "growth_pct", title=title, foot=foot, y_title="增速（%）", text=True,
                      zero_line=True, x_is_month=False)
    return Entry(name="industry.headline_growth", title=title, frame=frame, figure=fig, footnote=foot,
                 labels={"period": "累计期别", "growth_pct": "增速（%）"}, digits={"growth_pct": 1},
                 filename=f"规上工业增加值增速_{period_text}" if period_text else "规上工业增加值增速",
                 empty_message=NO_INDUSTRY)
