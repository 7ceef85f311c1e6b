"""Catalogue: investment projects (招商项目). See analytics.catalogue for the entry format."""
from __future__ import annotations

from datetime import date

from analytics import charts, fmt
from analytics.catalogue import Entry, entry, is_partial_month, partial_note
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


def state(con, as_of: date) -> tuple[str | None, bool]:
    """(version note, current): the note of metrics.projects.state_note (the ledger version known at
    as_of), and True when the stages shown are the ledger's current state (no dated version, ledger newer)."""
    note = projects.state_note(con, as_of)
    return note, note is None and ledger_is_newer(con, as_of)


@entry("projects.stages")
def stages(con, as_of: date, sector: str | None = None, clickable: bool = False) -> Entry:
    """Projects by stage at as_of (the ledger version known then, else its current state): one row per
    stage in STAGES order (个, 万元). `clickable` adds the footnote's hint that a bar filters the table."""
    date_text = fmt.date_cn(as_of)
    note, current = state(con, as_of)
    frame = projects.by_stage(con, sector, as_of)
    frame = frame if int(frame["count"].sum()) else frame.iloc[0:0]
    state_text = "台账当前状态" if current else f"截至{date_text}"
    title = f"{sector or '全园区'}在库项目阶段分布（{state_text}）"
    notes = [n for n in ("阶段为台账当前状态，不随数据日期回溯" if current else note,
                         "点击条形筛选下表" if clickable else None) if n]
    foot = charts.footnote(PROJECTS.source, None if current else date_text, note="；".join(notes) or None)
    fig = charts.bar(frame, "stage", "count", title=title, foot=foot, y_title="项目数（个）",
                     category_order=list(STAGES))
    return Entry(name="projects.stages", title=title, frame=frame, figure=fig, footnote=foot,
                 labels={"stage": "项目阶段", "count": "项目数（个）", "investment_wan": "计划总投资（万元）"},
                 digits={"investment_wan": 0}, filename=f"项目阶段分布_{date_text}",
                 empty_message=f"截至{date_text}台账中尚无在库项目。" if projects.count_all(con) else NO_PROJECTS)


@entry("projects.funnel")
def funnel(con, as_of: date, sector: str | None = None) -> Entry:
    """The funnel 洽谈 → 签约 → 开工 → 投产 over the whole current ledger (every project of the newest whole
    ledger, whatever its signing year), labelled so at any as_of: one row per stage (个, %)."""
    from analytics.metrics import history
    date_text = fmt.date_cn(as_of)
    frame = projects.funnel(con, sector)
    frame = frame if int(frame["reached"].sum()) else frame.iloc[0:0]
    title = f"{sector or '全园区'}项目推进漏斗（台账当前状态）"
    versions = history.version_dates(con)
    which = f"（{fmt.date_cn(versions[-1])}版）" if versions else ""
    note = f"漏斗统计当前台账{which}的全部在库项目，不限签约年份" + (
        "，不随数据日期回溯" if (versions and as_of < versions[-1]) or ledger_is_newer(con, as_of) else "")
    foot = charts.footnote(PROJECTS.source, None, note=note)
    fig = charts.funnel(frame, "stage", "reached", title=title, foot=foot)
    return Entry(name="projects.funnel", title=title, frame=frame, figure=fig, footnote=foot,
                 labels={"stage": "阶段", "reached": "达到该阶段项目（个）", "conversion_pct": "转化率（%）",
                         "median_days_from_previous": "距上一阶段天数中位数（天）"},
                 digits={"conversion_pct": 1, "median_days_from_previous": 0}, filename=f"项目推进漏斗_{date_text}",
                 empty_message=NO_PROJECTS)


@entry("projects.origin")
def origin(con, as_of: date, sector: str | None = None, top: int = 12) -> Entry:
    """Projects signed this year to as_of by origin, the `top` largest by planned investment: one row per
    origin (个; 亿元 drawn, 万元 downloaded)."""
    date_text = fmt.date_cn(as_of)
    frame = projects.by_origin(con, as_of, sector)
    shown = frame.assign(investment_yi=frame["investment_wan"] / 10000).head(top)
    title = f"签约项目来源地及计划总投资（{year_text(as_of)}）"
    foot = charts.footnote(PROJECTS.source, date_text)
    fig = charts.bar(shown, "origin", "investment_yi", title=title, foot=foot, y_title="计划总投资（亿元）",
                     horizontal=True, digits=2)
    return Entry(name="projects.origin", title=title, frame=frame, figure=fig, footnote=foot,
                 labels={"origin": "来源地", "count": "项目数（个）", "investment_wan": "计划总投资（万元）"},
                 digits={"investment_wan": 0}, filename=f"签约项目来源地_{date_text}",
                 empty_message=f"{year_text(as_of)}尚无签约项目。")


@entry("projects.monthly")
def monthly(con, as_of: date, sector: str | None = None) -> Entry:
    """Projects signed each month of as_of's year and the running planned investment: one row per month
    (个; 亿元 drawn, 万元 downloaded); the month of as_of is marked when it is not complete."""
    date_text = fmt.date_cn(as_of)
    frame = projects.by_signing_month(con, as_of, sector)
    frame = frame if int(frame["count"].sum()) else frame.iloc[0:0]
    shown = frame.assign(cumulative_yi=frame["cumulative_investment_wan"] / 10000, month_start=frame["month"] + "-01")
    title = f"{as_of.year}年逐月签约项目与累计计划投资（截至{date_text}）"
    foot = charts.footnote(PROJECTS.source, date_text, note=partial_note(as_of))
    fig = charts.bar_line(shown, "month_start", "count", "cumulative_yi", title=title, foot=foot,
                          bar_name="当月签约", line_name="累计计划总投资", y_title="项目数（个）",
                          y2_title="累计投资（亿元）", partial_last=is_partial_month(as_of))
    return Entry(name="projects.monthly", title=title, frame=frame, figure=fig, footnote=foot,
                 labels={"month": "月份", "count": "签约项目（个）", "investment_wan": "计划总投资（万元）",
                         "cumulative_count": "累计签约（个）", "cumulative_investment_wan": "累计计划总投资（万元）"},
                 digits={"investment_wan": 0, "cumulative_investment_wan": 0}, filename=f"逐月签约项目_{date_text}",
                 empty_message=f"{year_text(as_of)}尚无签约项目。")


LIGHT_TEXT = {"红": "● 红灯", "黄": "● 黄灯", "绿": "● 绿灯"}


@entry("projects.lights")
def lights(con, as_of: date, sector: str | None = None, leader: str | None = None, stage: str | None = None,
           light: str | None = None) -> Entry:
    """The traffic-light table: one row per project matching the filters, reasons and latest progress in
    full (wrapped), the light in its colour."""
    date_text = fmt.date_cn(as_of)
    frame = projects.traffic_lights(con, as_of, sector, leader, stage, light)
    frame = frame.assign(light_text=frame["light"].map(LIGHT_TEXT)) if len(frame) else frame
    return Entry(name="projects.lights", title="", frame=frame,
                 labels={"light_text": "灯色", "name": "项目名称", "sector": "产业类别", "stage": "项目阶段",
                         "investment": "计划总投资（万元）", "leader": "包保领导", "department": "责任部门",
                         "next_step": "下一节点", "due_on": "节点时限", "overdue_days": "超期天数",
                         "days_in_stage": "本阶段天数", "reason": "亮灯原因", "progress": "最新进展"},
                 digits={"investment": 0}, dates=("due_on",), wrap=("reason", "progress"),
                 colors={"light_text": {v: charts.LIGHT_COLORS[k] for k, v in LIGHT_TEXT.items()}},
                 filename=f"项目红黄绿灯_{date_text}", empty_message="没有符合筛选条件的项目。")


@entry("projects.by_leader")
def by_leader(con, as_of: date, sector: str | None = None) -> Entry:
    """Projects per 包保 leader with their planned investment and light counts: one row per leader."""
    date_text = fmt.date_cn(as_of)
    frame = projects.by_leader(con, as_of, sector)
    return Entry(name="projects.by_leader", title="包保领导项目一览", frame=frame,
                 labels={"leader": "包保领导", "projects": "项目（个）", "investment_wan": "计划总投资（万元）",
                         "red": "红灯（个）", "yellow": "黄灯（个）", "green": "绿灯（个）"},
                 digits={"investment_wan": 0}, filename=f"包保领导项目_{date_text}",
                 empty_message="暂无包保领导的项目。")
