"""Catalogue: investment projects (招商项目). See analytics.catalogue for the entry format."""
from __future__ import annotations

from datetime import date

from analytics import charts, fmt
from analytics.catalogue import Entry, entry
from analytics.metrics import projects, quality
from analytics.schema import PROJECTS, STAGES

NO_PROJECTS = "暂无招商项目数据。"


def ledger_is_newer(con, as_of: date) -> bool:
    """True when the project ledger holds dates later than as_of: its stages are then the ledger's current
    state, which the as-of date cannot date back."""
    import pandas as pd
    latest = quality.latest_periods(con)
    row = latest[latest["dataset"] == "projects"]
    if row.empty or pd.isna(row["latest"].iloc[0]):
        return False
    return pd.Timestamp(row["latest"].iloc[0]).date() > as_of


def year_text(as_of: date) -> str:
    """'2025年1月1日至6月15日': the signing window of 'this year'."""
    return f"{as_of.year}年1月1日至{as_of.month}月{as_of.day}日"


@entry("projects.signed_by_sector")
def signed_by_sector(con, as_of: date) -> Entry:
    """Projects signed from 1 January to as_of by park sector: one row per sector with signings (个, 万元)."""
    date_text = fmt.date_cn(as_of)
    sec = projects.by_sector(con, as_of)
    frame = sec[sec["count"] > 0].reset_index(drop=True)
    title = f"{as_of.year}年签约项目产业分布（截至{date_text}）"
    foot = charts.footnote(PROJECTS.source, date_text)
    fig = charts.bar(frame, "sector", "count", title=title, foot=foot, y_title="项目数（个）",
                     category_order=list(frame["sector"]))
    total = int(projects.count_all(con))
    return Entry(name="projects.signed_by_sector", title=title, frame=frame, figure=fig, footnote=foot,
                 labels={"sector": "产业类别", "count": "签约项目（个）", "investment_wan": "计划总投资（万元）",
                         "share_pct": "投资占比（%）"},
                 digits={"investment_wan": 0, "share_pct": 1}, filename=f"签约项目产业分布_{date_text}",
                 empty_message=f"{year_text(as_of)}尚无签约项目。" if total else NO_PROJECTS)


@entry("projects.stages")
def stages(con, as_of: date, sector: str | None = None) -> Entry:
    """Projects in the ledger by stage (its current state): one row per stage in STAGES order (个, 万元)."""
    date_text = fmt.date_cn(as_of)
    current = ledger_is_newer(con, as_of)
    frame = projects.by_stage(con, sector)
    frame = frame if int(frame["count"].sum()) else frame.iloc[0:0]
    state_text = "台账当前状态" if current else f"截至{date_text}"
    title = f"{sector or '全园区'}在库项目阶段分布（{state_text}）"
    foot = charts.footnote(PROJECTS.source, None if current else date_text,
                           note="阶段为台账当前状态，不随数据日期回溯" if current else None)
    fig = charts.bar(frame, "stage", "count", title=title, foot=foot, y_title="项目数（个）",
                     category_order=list(STAGES))
    return Entry(name="projects.stages", title=title, frame=frame, figure=fig, footnote=foot,
                 labels={"stage": "项目阶段", "count": "项目数（个）", "investment_wan": "计划总投资（万元）"},
                 digits={"investment_wan": 0}, filename=f"项目阶段分布_{date_text}", empty_message=NO_PROJECTS)
