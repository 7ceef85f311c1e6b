"""Catalogue: the project ledger's history (项目全生命周期，可追溯). See analytics.catalogue for the entry format."""
from __future__ import annotations

from datetime import date

import pandas as pd

from analytics import charts, fmt
from analytics.catalogue import Entry, entry
from analytics.metrics import history
from analytics.schema import PROJECTS

NO_VERSIONS = "暂无招商项目台账版本：每次上传的整本台账都会作为一个带日期的版本保存。"


def _month_text(as_of: date) -> str:
    return f"{as_of.year}年{as_of.month}月1日至{as_of.month}月{as_of.day}日"


@entry("history.transitions")
def transitions(con, as_of: date) -> Entry:
    """This month's transitions (新签约, 新开工, 新投产, 转停滞, 退出台账, 新入库): one row per event."""
    df = history.month_transitions_on(con, as_of)
    title = f"本月项目变动（{_month_text(as_of)}）"
    foot = charts.footnote(PROJECTS.source, fmt.date_cn(as_of),
                           note="比较上月末与数据日期的台账版本；有签约/开工/投产时间的按该时间计入")
    return Entry(name="history.transitions", title=title, frame=df, footnote=foot,
                 labels={"event": "变动", "name": "项目名称", "date": "日期", "from_stage": "原阶段",
                         "to_stage": "现阶段", "version_on": "依据台账版本", "leader": "包保领导",
                         "investment": "计划总投资（万元）"},
                 digits={"investment": 0}, dates=("date", "version_on"), filename=f"本月项目变动_{as_of}",
                 empty_message="本月没有项目阶段变动。" if history.version_dates(con) else NO_VERSIONS,
                 widths={"name": "large"})


@entry("history.transition_counts")
def transition_counts(con, as_of: date) -> Entry:
    """This month's transitions counted by event: one row per event of history.EVENTS (个)."""
    counts = history.transition_counts(history.month_transitions_on(con, as_of))
    frame = pd.DataFrame({"event": list(counts), "count": list(counts.values())})
    frame = frame if frame["count"].sum() else frame.iloc[0:0]
    title = f"本月项目变动统计（{_month_text(as_of)}）"
    foot = charts.footnote(PROJECTS.source, fmt.date_cn(as_of), note="依据各版台账")
    fig = charts.bar(frame, "event", "count", title=title, foot=foot, y_title="项目数（个）",
                     category_order=list(history.EVENTS))
    return Entry(name="history.transition_counts", title=title, frame=frame, figure=fig, footnote=foot,
                 labels={"event": "变动", "count": "项目数（个）"}, filename=f"本月项目变动统计_{as_of}",
                 empty_message="本月没有项目阶段变动。" if history.version_dates(con) else NO_VERSIONS)


@entry("history.cohorts")
def cohorts(con, as_of: date) -> Entry:
    """开工率 and 投产率 of the projects signed in each year, in the ledger known at as_of."""
    df = history.cohorts_on(con, as_of)
    title = f"各年签约项目开工率、投产率（截至{fmt.date_cn(as_of)}）"
    foot = charts.footnote(PROJECTS.source, fmt.date_cn(as_of),
                           note="开工：有开工时间或阶段为开工、投产；投产：有投产时间或阶段为投产")
    return Entry(name="history.cohorts", title=title, frame=df, footnote=foot,
                 labels={"year": "签约年份", "signed": "签约项目（个）", "started": "已开工（个）", "producing": "已投产（个）",
                         "start_rate_pct": "开工率（%）", "producing_rate_pct": "投产率（%）"},
                 digits={"start_rate_pct": 1, "producing_rate_pct": 1}, filename=f"签约项目开工率投产率_{as_of}",
                 empty_message="暂无签约项目。")


@entry("history.days_in_stage")
def days_in_stage(con, as_of: date) -> Entry:
    """Days each project has been in its current stage at as_of, longest first."""
    df = history.days_in_stage_on(con, as_of)
    title = f"项目在当前阶段的天数（截至{fmt.date_cn(as_of)}）"
    foot = charts.footnote(PROJECTS.source, fmt.date_cn(as_of),
                           note="起点为该阶段的签约/开工/投产时间；无此时间的按首次显示该阶段的台账版本日期")
    return Entry(name="history.days_in_stage", title=title, frame=df, footnote=foot,
                 labels={"name": "项目名称", "stage": "当前阶段", "stage_since": "阶段起始", "since_basis": "起始依据",
                         "days_in_stage": "本阶段天数", "leader": "包保领导"},
                 dates=("stage_since",), filename=f"项目阶段天数_{as_of}", empty_message=NO_VERSIONS,
                 widths={"name": "large"})


@entry("history.versions")
def versions(con, as_of: date | None = None) -> Entry:
    """The ledger's versions: one row per upload (date, file, projects)."""
    df = history.versions_summary(con)
    title = "招商项目台账版本"
    return Entry(name="history.versions", title=title, frame=df,
                 labels={"version_on": "版本日期", "file_name": "文件", "projects": "项目数（个）"},
                 dates=("version_on",), filename="招商项目台账版本", empty_message=NO_VERSIONS)


@entry("history.project")
def project(con, as_of: date | None = None, project_key: str | None = None) -> Entry:
    """One project's history: each stage with its date, each change of stage, next step and deadline,
    with the version of the ledger it came from (by default the first project of the latest version;
    the history is the whole record, as_of does not cut it)."""
    if project_key is None:
        project_key = history.latest_project_key(con) or ""
    df = history.project_history_on(con, project_key)
    name = (history.project_name(con, project_key) or project_key) if len(df) else project_key
    title = f"{name}：项目全生命周期记录" if name else "项目全生命周期记录"
    return Entry(name="history.project", title=title, frame=df,
                 labels={"date": "日期", "event": "事项", "detail": "内容", "version_on": "依据台账版本",
                         "file_name": "台账文件"},
                 dates=("date", "version_on"), filename=f"项目全生命周期_{project_key}",
                 empty_message="台账版本中没有该项目。", widths={"detail": "large"}, wrap=("detail",))
