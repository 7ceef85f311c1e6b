"""Catalogue: industry (规上工业增加值) charts and tables. See analytics.catalogue for the entry format."""
from __future__ import annotations

from datetime import date

import pandas as pd

from analytics import charts, fmt, summary
from analytics.catalogue import Entry, entry
from analytics.catalogue.labels import pick
from analytics.metrics import growth, month_end
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


SERIES_NAMES = {"official_pct": "统计部门公布（可比价）", "enterprise_pct": "企业汇总（现价）",
                "comparable_pct": "企业汇总（可比价）"}


@entry("industry.reconciliation")
def reconciliation(con, as_of: date, sector: str | None = None) -> Entry:
    """Cumulative growth of value added in the latest period's year: official (可比价) against the
    enterprise-level sum (现价, 可比价), one row per cumulative period, percent. With a sector: that
    sector's enterprise-level growth (现价) only. The page, the overview and the briefing share it."""
    head = growth.headline_growth(con, as_of)
    period = head.period
    if period is None:
        frame = pd.DataFrame(columns=["label", "growth_pct"])
        title = f"{sector or ''}规上工业增加值累计增速"
        foot = charts.footnote(INDUSTRIAL.source)
        fig = charts.line(frame, "label", "growth_pct", title=title, foot=foot, x_is_month=False)
        return Entry(name="industry.reconciliation", title=title, frame=frame, figure=fig, footnote=foot,
                     labels={}, filename="规上工业增加值增速", empty_message=NO_INDUSTRY)
    period_text = fmt.period_label(period, with_year=True)
    data_date = fmt.month_label(period)
    if sector:
        series = growth.growth_series(con, period.year, "current", sector)
        frame = series[series["period"] <= period].reset_index(drop=True)
        title = f"{sector}规上工业增加值累计增速（{period.year}年）"
        foot = charts.footnote(INDUSTRIAL.source, data_date, "current")
        fig = charts.line(frame, "label", "growth_pct", x_is_month=False, title=title, foot=foot,
                          y_title="增速（%）", text=True, zero_line=True, names={"growth_pct": "企业汇总（现价）"})
        return Entry(name="industry.reconciliation", title=title, frame=frame, figure=fig, footnote=foot,
                     labels=pick("label", "ytd", "prev_ytd", "growth_pct", "n_enterprises"),
                     digits={"ytd": 1, "prev_ytd": 1, "growth_pct": 1},
                     filename=f"{sector}规上工业增加值增速_{period_text}", empty_message=NO_INDUSTRY)
    rec = growth.reconciliation(con, month_end(period))
    # a series without a single value (no official figures or no price index that year) would be a
    # legend entry with nothing drawn
    drawn = [c for c in SERIES_NAMES if rec[c].notna().any()]
    sources = ([INDICATORS.source] if "official_pct" in drawn else []) + \
        ([INDUSTRIAL.source] if set(drawn) - {"official_pct"} else [])
    bases = [b for c, b in (("enterprise_pct", "现价"), ("comparable_pct", "可比价")) if c in drawn]
    notes = (["公布数为可比价"] if "official_pct" in drawn else []) + ([f"企业汇总为{'、'.join(bases)}"] if bases else [])
    title = f"园区规上工业增加值累计增速（{period_text}）"
    foot = charts.footnote("、".join(sources) or INDUSTRIAL.source, data_date, note="；".join(notes) or None)
    fig = charts.line(rec, "label", drawn or ["enterprise_pct"], x_is_month=False, title=title, foot=foot,
                      names=SERIES_NAMES, y_title="增速（%）", text=True, zero_line=True)
    return Entry(name="industry.reconciliation", title=title, frame=rec, figure=fig, footnote=foot,
                 labels=pick("label", "official_pct", "enterprise_pct", "comparable_pct", "diff_pp"),
                 digits={"official_pct": 1, "enterprise_pct": 1, "comparable_pct": 1, "diff_pp": 1},
                 filename=f"规上工业增加值增速_{period_text}", empty_message=NO_INDUSTRY)


def _period(con, as_of: date):
    return growth.headline_growth(con, as_of).period


@entry("industry.sector_contribution")
def sector_contribution(con, as_of: date) -> Entry:
    """Each sector's pull on the park's growth in the latest cumulative period: one row per sector,
    个百分点 (click a bar to list its enterprises)."""
    period = _period(con, as_of)
    frame = growth.sector_contribution(con, period) if period is not None else pd.DataFrame(
        columns=["sector", "contribution_pp"])
    period_text = fmt.period_label(period, with_year=True) if period is not None else ""
    title = f"各产业拉动规上工业增加值增长（{period_text}）" if period_text else "各产业拉动规上工业增加值增长"
    foot = charts.footnote(INDUSTRIAL.source, fmt.month_label(period) if period is not None else None, "current")
    fig = charts.diverging_bar(frame, "sector", "contribution_pp", title=title, foot=foot, x_title="拉动（个百分点）")
    return Entry(name="industry.sector_contribution", title=title, frame=frame, figure=fig, footnote=foot,
                 labels=pick("sector", "ytd", "prev_ytd", "growth_pct", "contribution_pp", "share_pct"),
                 digits={"ytd": 1, "prev_ytd": 1, "growth_pct": 1, "contribution_pp": 2, "share_pct": 1},
                 filename=f"各产业拉动_{period_text}", empty_message=NO_INDUSTRY)


@entry("industry.enterprise_contribution")
def enterprise_contribution(con, as_of: date, scope: str | None = None, n: int = 10) -> Entry:
    """The n enterprises pulling the growth up most and the n pulling it down most (of a sector when
    `scope` is given) in the latest cumulative period: one row per enterprise, 个百分点."""
    period = _period(con, as_of)
    frame = growth.enterprise_contribution(con, period, n, scope) if period is not None else pd.DataFrame(
        columns=["name", "contribution_pp"])
    period_text = fmt.period_label(period, with_year=True) if period is not None else ""
    title = f"企业拉动{scope or '全园区'}增长前后各{n}家（{period_text}）"
    foot = charts.footnote(INDUSTRIAL.source, fmt.month_label(period) if period is not None else None, "current")
    fig = charts.diverging_bar(frame, "name", "contribution_pp", title=title, foot=foot, x_title="拉动（个百分点）",
                               height=520)
    return Entry(name="industry.enterprise_contribution", title=title, frame=frame, figure=fig, footnote=foot,
                 labels=pick("name", "sector", "ytd", "prev_ytd", "growth_pct", "contribution_pp", "direction",
                             name="企业名称"),
                 digits={"ytd": 1, "prev_ytd": 1, "growth_pct": 1, "contribution_pp": 2},
                 filename=f"企业拉动_{period_text}", empty_message=NO_INDUSTRY)


MOVER_LABELS = pick("name", "sector", "ytd", "prev_ytd", "change_wan", "growth_pct", name="企业名称", sector="产业",
                    ytd="本年累计", prev_ytd="上年同期", change_wan="增减")
MOVER_DIGITS = {"ytd": 1, "prev_ytd": 1, "change_wan": 1, "growth_pct": 1}


@entry("industry.movers")
def movers(con, as_of: date, scope: str | None = None, direction: str = "up", n: int = 10) -> Entry:
    """A table of the n enterprises whose value added grew most (direction 'up') or fell most ('down')
    in the latest cumulative period: one row per enterprise, 万元 (the title carries the unit, so the
    headers stay short) and 增速 in %."""
    period = _period(con, as_of)
    period_text = fmt.period_label(period, with_year=True) if period is not None else ""
    if period is None:
        frame = pd.DataFrame(columns=list(MOVER_LABELS))
    else:
        growing, shrinking = growth.movers(con, period, n, scope)
        frame = growing if direction == "up" else shrinking
    what = "增长" if direction == "up" else "下降"
    return Entry(name="industry.movers", title=f"增加值{what}最多的企业（{period_text}，万元）", frame=frame,
                 labels=MOVER_LABELS, digits=MOVER_DIGITS, filename=f"增加值{what}最多的企业_{period_text}",
                 empty_message=f"本期没有增加值{what}的企业。")
