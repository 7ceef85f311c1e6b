"""Catalogue: industrial structure (产业结构). See analytics.catalogue for the entry format."""
from __future__ import annotations

from datetime import date

from analytics import charts, fmt
from analytics.catalogue import Entry, entry
from analytics.metrics import one_year_before, structure
from analytics.schema import ENTITIES, INDUSTRIAL, PROJECTS

NO_STRUCTURE = "暂无可计算该构成的数据。"
MEASURE_UNITS = {"entities": "户", "capital_wan": "万元", "value_added_wan": "万元", "investment_wan": "万元"}


@entry("structure.share")
def share(con, as_of: date, measure: str = "entities", highlight: str | None = None) -> Entry:
    """Each sector's share of one measure (entities 户, capital_wan / value_added_wan / investment_wan 万元)
    at as_of, as a ring; `highlight` pulls that sector's slice out. One row per sector."""
    if measure not in MEASURE_UNITS:
        raise ValueError(f"没有这个指标：{measure}（可选：{'、'.join(MEASURE_UNITS)}）")
    date_text = fmt.date_cn(as_of)
    shares = structure.sector_shares(con, as_of)
    share_col = {"entities": "entities_share_pct", "capital_wan": "capital_share_pct",
                 "value_added_wan": "value_added_share_pct", "investment_wan": "investment_share_pct"}[measure]
    frame = shares[["sector", measure, share_col]]
    frame = frame if frame[measure].fillna(0).sum() > 0 else frame.iloc[0:0]
    va_period = structure.industrial_period_at(con, as_of)
    va_text = fmt.period_label(va_period, with_year=True) if va_period else "—"
    title, foot = {
        "entities": (f"市场主体数量产业构成（截至{date_text}）", charts.footnote(ENTITIES.source, date_text)),
        "capital_wan": (f"市场主体注册资本产业构成（截至{date_text}）", charts.footnote(ENTITIES.source, date_text)),
        "value_added_wan": (f"规上工业增加值产业构成（{va_text}）",
                            charts.footnote(INDUSTRIAL.source, fmt.month_label(va_period) if va_period else None,
                                            "current")),
        "investment_wan": (f"本年签约项目计划投资产业构成（{as_of.year}年1月1日至{as_of.month}月{as_of.day}日）",
                           charts.footnote(PROJECTS.source, date_text)),
    }[measure]
    unit = MEASURE_UNITS[measure]
    fig = charts.donut(frame, "sector", measure, title=title, foot=foot, unit=unit, digits=0)
    if highlight and len(fig.data):
        shown = [s for s, v in zip(frame["sector"], frame[measure].fillna(0)) if v > 0]
        fig.update_traces(pull=[0.08 if s == highlight else 0 for s in shown])
    return Entry(name="structure.share", title=title, frame=frame, figure=fig, footnote=foot,
                 labels={"sector": "产业类别", measure: f"{structure.MEASURES[measure]}（{unit}）",
                         share_col: "占比（%）"},
                 digits={measure: 0 if unit == "户" else 1, share_col: 1}, filename=title.split("（")[0] + f"_{date_text}",
                 empty_message=NO_STRUCTURE)


@entry("structure.share_shift")
def share_shift(con, as_of: date) -> Entry:
    """How each sector's share of each measure moved over the year to as_of: one row per sector and
    measure, 个百分点."""
    date_text = fmt.date_cn(as_of)
    frame = structure.share_shift(con, as_of)
    year_ago = fmt.date_cn(one_year_before(as_of))
    title = f"各产业占比变化（{year_ago}至{date_text}）"
    foot = charts.footnote(f"{ENTITIES.source}、{INDUSTRIAL.source}、{PROJECTS.source}", date_text,
                           note="增加值为各自最新累计期；投资为各自年度1月1日起签约项目")
    fig = charts.bar(frame, "measure_label", "change_pp", color="sector", title=title, foot=foot,
                     y_title="占比变化（个百分点）", digits=1, text=False,
                     category_order=list(structure.MEASURES.values()))
    return Entry(name="structure.share_shift", title=title, frame=frame, figure=fig, footnote=foot,
                 labels={"sector": "产业类别", "measure_label": "指标", "share_pct": "当前占比（%）",
                         "share_year_ago_pct": "一年前占比（%）", "change_pp": "变化（个百分点）"},
                 digits={"share_pct": 1, "share_year_ago_pct": 1, "change_pp": 1},
                 filename=f"产业占比变化_{date_text}", empty_message="暂无可比较的产业占比。")
