"""Catalogue: enterprise service (包保, 三访三促 visits, demands). See analytics.catalogue for the entry format."""
from __future__ import annotations

from datetime import date

from analytics import charts, fmt
from analytics.catalogue import Entry, entry, is_partial_month, partial_note
from analytics.metrics import service
from analytics.schema import DEMAND_STATUSES, SERVICE_ACCOUNTS, SERVICE_VISITS

NO_SERVICE = "暂无包保与走访数据。"


@entry("service.leaders")
def leaders(con, as_of: date) -> Entry:
    """The enterprises and projects each 包保 leader looks after: one row per leader (个)."""
    date_text = fmt.date_cn(as_of)
    frame = service.accounts_per_leader(con)
    title = f"各包保领导联系企业和项目（截至{date_text}）"
    foot = charts.footnote(SERVICE_ACCOUNTS.source, date_text)
    fig = charts.bar(frame, "leader", "accounts", title=title, foot=foot, y_title="包保对象（个）", horizontal=True,
                     height=420)
    return Entry(name="service.leaders", title=title, frame=frame, figure=fig, footnote=foot,
                 labels={"leader": "包保领导", "department": "责任部门", "accounts": "包保对象（个）",
                         "enterprises": "企业（个）", "projects": "项目（个）"},
                 filename=f"包保领导联系对象_{date_text}", empty_message=NO_SERVICE)


@entry("service.visits")
def visits(con, as_of: date) -> Entry:
    """Visits per month by visit type (stacked): one row per month and type (次); the month of as_of is
    marked when it is not complete."""
    date_text = fmt.date_cn(as_of)
    frame = service.visits_by_month(con, as_of)
    title = f"每月走访次数（截至{date_text}）"
    foot = charts.footnote(SERVICE_VISITS.source, date_text, note=partial_note(as_of))
    fig = charts.bar(frame, "month", "visits", color="visit_type", barmode="stack", title=title, foot=foot,
                     y_title="走访（次）", text=False, height=420, partial_last=is_partial_month(as_of))
    return Entry(name="service.visits", title=title, frame=frame, figure=fig, footnote=foot,
                 labels={"month": "月份", "visit_type": "走访类型", "visits": "走访（次）"},
                 filename=f"每月走访次数_{date_text}", empty_message="暂无走访记录。")


@entry("service.demands")
def demands(con, as_of: date, clickable: bool = False) -> Entry:
    """Demands raised up to as_of by category and status (stacked): one row per category with a
    column per status (件). `clickable` adds the footnote's hint that a bar filters the open demands."""
    date_text = fmt.date_cn(as_of)
    dem = service.demands(con, as_of)
    frame = dem[dem["total"] > 0].reset_index(drop=True)
    long = frame.melt(id_vars=["category"], value_vars=list(DEMAND_STATUSES), var_name="status", value_name="n")
    title = f"企业诉求分类及办理情况（截至{date_text}）"
    foot = charts.footnote(SERVICE_VISITS.source, date_text, note="点击条形筛选下方未办结诉求" if clickable else None)
    fig = charts.bar(long, "category", "n", color="status", barmode="stack", title=title, foot=foot,
                     y_title="诉求（件）", text=False, category_order=list(frame["category"]))
    return Entry(name="service.demands", title=title, frame=frame, figure=fig, footnote=foot,
                 labels={"category": "诉求类别", **{s: f"{s}（件）" for s in DEMAND_STATUSES}, "total": "合计（件）"},
                 filename=f"企业诉求_{date_text}", empty_message="暂无企业诉求。")


@entry("service.leaders_without_visit")
def leaders_without_visit(con, as_of: date) -> Entry:
    """包保 leaders with no visit in as_of's quarter so far: one row per leader."""
    date_text = fmt.date_cn(as_of)
    frame = service.leaders_without_visit(con, as_of)
    # before the visit ledger starts nobody is "not visited"; inside its first quarter it counts from its start
    note = service.visit_coverage_note(con, as_of)
    return Entry(name="service.leaders_without_visit", title="本季度尚未走访的包保领导", frame=frame,
                 labels={"leader": "包保领导", "accounts": "包保对象（个）", "last_visit": "最近走访日期",
                         "quarter": "季度"},
                 dates=("last_visit",), filename=f"本季度未走访的包保领导_{date_text}", footnote=note or "",
                 empty_message=note if note and frame.empty else "本季度每位包保领导均已走访。")


@entry("service.open_demands")
def open_demands(con, as_of: date, category: str | None = None) -> Entry:
    """Demands still open at as_of (of one category when given), oldest first: one row per demand, the
    demand's text in full (wrapped)."""
    date_text = fmt.date_cn(as_of)
    frame = service.open_demands(con, as_of)
    if category and len(frame):
        frame = frame[frame["demand_category"] == category].reset_index(drop=True)
    return Entry(name="service.open_demands", title=f"未办结诉求（截至{date_text}，按时长从长到短）", frame=frame,
                 labels={"visited_on": "走访日期", "account": "包保对象", "leader": "包保领导",
                         "demand_category": "诉求类别", "demand": "诉求内容", "demand_status": "办理状态",
                         "age_days": "已过天数", "age_bucket": "时长"},
                 dates=("visited_on",), wrap=("demand",), filename=f"未办结诉求_{date_text}",
                 empty_message="没有未办结的诉求。")
