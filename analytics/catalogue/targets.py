"""Catalogue: targets (目标任务) and the investment tasks by post and month. See analytics.catalogue for the
entry format."""
from __future__ import annotations

from datetime import date

import pandas as pd

from analytics import charts, fmt
from analytics.catalogue import Entry, entry
from analytics.metrics import targets
from analytics.schema import TARGETS

NO_TARGETS = "暂无目标任务数据：请在“数据导入”页导入目标任务表（可先下载模板）。"
LIGHT_TEXT = {"绿": "● 快于序时", "黄": "● 略滞后", "红": "● 滞后", "—": "— 暂无数据"}
LIGHT_TEXT_COLORS = {v: charts.LIGHT_COLORS.get(k, charts.MUTED) for k, v in LIGHT_TEXT.items()}


def _year(frame: pd.DataFrame, as_of: date) -> int:
    return int(frame["year"].iloc[0]) if len(frame) else as_of.year


def _table_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The columns a person reads: the target and the actual as written with their unit, rates in %."""
    if df.empty:
        return df.assign(target_text=pd.Series(dtype=str), actual_text=pd.Series(dtype=str),
                         light_text=pd.Series(dtype=str), shortfall_text=pd.Series(dtype=str))
    rate = df["rate"].astype(bool)
    target_text = [fmt.pct(a) if r else targets.amount_text(a, u) for a, u, r in zip(df["annual"], df["unit"], rate)]
    actual_text = [fmt.MISSING if pd.isna(a) else (fmt.pct(a) if r else targets.amount_text(a, u))
                   for a, u, r in zip(df["actual"], df["unit"], rate)]
    # 尚差: what is missing to 时序进度 (a rate: to the target rate); "—" when ahead or without data
    short = [fmt.MISSING if pd.isna(s) or float(fmt.round_half_up(s, 2)) <= 0 else
             (fmt.pp(s) if r else targets.amount_text(s, u))
             for s, u, r in zip(df["shortfall"].where(~rate, -df["gap_pp"].clip(upper=0)), df["unit"], rate)]
    return df.assign(target_text=target_text, actual_text=actual_text, shortfall_text=short,
                     light_text=df["light"].map(LIGHT_TEXT).fillna(LIGHT_TEXT["—"]),
                     owner=df["owner"].replace("", fmt.MISSING))


COMPLETION_LABELS = {"light_text": "进度", "indicator": "指标", "owner": "责任单位", "target_text": "全年目标",
                     "period_text": "完成期", "actual_text": "完成值", "completion_pct": "完成率（%）",
                     "time_progress_pct": "时序进度（%）", "gap_pp": "快慢（个百分点）", "shortfall_text": "尚差"}


@entry("targets.completion")
def completion(con, as_of: date) -> Entry:
    """The year's targets at as_of: one row per target (完成率 against 时序进度, light, shortfall, sentence)."""
    df = targets.completion(con, as_of)
    year = _year(df, as_of)
    title = f"{year}年主要目标任务完成情况（截至{fmt.date_cn(as_of)}）"
    foot = charts.footnote(TARGETS.source, fmt.date_cn(as_of), note=targets.LIGHT_RULE_TEXT)
    frame = _table_frame(df)
    return Entry(name="targets.completion", title=title, frame=frame, footnote=foot, labels=COMPLETION_LABELS,
                 digits={"completion_pct": 1, "time_progress_pct": 1, "gap_pp": 1},
                 filename=f"目标任务完成情况_{as_of}", empty_message=NO_TARGETS,
                 colors={"light_text": LIGHT_TEXT_COLORS}, widths={"indicator": "medium"})


@entry("targets.progress_chart")
def progress_chart(con, as_of: date) -> Entry:
    """完成率 beside 时序进度 for each target that is an amount (rates are compared in the table): long frame,
    one row per (indicator, measure), percent."""
    df = targets.completion(con, as_of)
    year = _year(df, as_of)
    df = df[~df["rate"].astype(bool) & df["completion_pct"].notna()] if len(df) else df
    rows = []
    for r in df.itertuples():
        label = r.indicator + (f"（{r.owner}）" if r.owner else "")
        rows += [{"indicator": label, "measure": "完成率", "pct": r.completion_pct},
                 {"indicator": label, "measure": "时序进度", "pct": r.time_progress_pct}]
    frame = pd.DataFrame(rows, columns=["indicator", "measure", "pct"])
    title = f"{year}年目标任务完成率与时序进度（截至{fmt.date_cn(as_of)}）"
    foot = charts.footnote(TARGETS.source, fmt.date_cn(as_of),
                           note="统计月报指标的时序进度按已公布的累计期（如1-5月）计算")
    fig = charts.bar(frame, "indicator", "pct", title=title, foot=foot, color="measure", horizontal=True,
                     digits=1, y_title="占全年目标（%）", height=max(320, 70 * max(1, len(df)) + 120))
    return Entry(name="targets.progress_chart", title=title, frame=frame, figure=fig, footnote=foot,
                 labels={"indicator": "指标", "measure": "口径", "pct": "占全年目标（%）"}, digits={"pct": 1},
                 filename=f"目标任务完成率与时序进度_{as_of}",
                 empty_message="尚无可比较的完成数据。" if targets.target_years(con) else NO_TARGETS)


POST_LABELS = {"light_text": "进度", "owner": "责任岗位", "indicator": "任务", "target_text": "全年任务",
               "month_target_text": "本月任务", "month_actual_text": "本月完成", "actual_text": "累计完成",
               "completion_pct": "完成率（%）", "time_progress_pct": "时序进度（%）", "shortfall_text": "尚差"}


@entry("targets.posts")
def posts(con, as_of: date) -> Entry:
    """The investment tasks by post (专班 / department / leader) at as_of, who is behind first."""
    df = targets.post_tasks(con, as_of)
    year = _year(df, as_of)
    frame = _table_frame(df)
    if len(frame):
        frame = frame.assign(
            month_target_text=[fmt.MISSING if pd.isna(v) else targets.amount_text(v, u)
                               for v, u in zip(frame["month_target"], frame["unit"])],
            month_actual_text=[fmt.MISSING if pd.isna(v) else targets.amount_text(v, u)
                               for v, u in zip(frame["month_actual"], frame["unit"])])
    else:
        frame = frame.assign(month_target_text=pd.Series(dtype=str), month_actual_text=pd.Series(dtype=str))
    title = f"{year}年招商引资任务分解到岗完成情况（截至{fmt.date_cn(as_of)}）"
    foot = charts.footnote(TARGETS.source, fmt.date_cn(as_of),
                           note="完成数按项目台账的包保领导或责任部门归属；时序进度按已过月份的月度任务计算")
    return Entry(name="targets.posts", title=title, frame=frame, footnote=foot, labels=POST_LABELS,
                 digits={"completion_pct": 1, "time_progress_pct": 1}, filename=f"招商任务分解完成情况_{as_of}",
                 empty_message="目标任务表中没有分解到岗位（责任单位、责任领导或专班）的招商任务。"
                 if targets.target_years(con) else NO_TARGETS,
                 colors={"light_text": LIGHT_TEXT_COLORS})


def _first_post(con, as_of: date, owner: str | None, indicator: str | None) -> tuple[str, str]:
    if owner and indicator:
        return owner, indicator
    t = targets.post_tasks(con, as_of)
    if t.empty:
        return owner or "", indicator or "签约项目数"
    return str(t["owner"].iloc[0]), str(t["indicator"].iloc[0])


@entry("targets.post_monthly")
def post_monthly(con, as_of: date, owner: str | None = None, indicator: str | None = None) -> Entry:
    """One post's task month by month: the month's target and what was done (unit of the task); by
    default the first post of targets.post_tasks (the one most behind)."""
    owner, indicator = _first_post(con, as_of, owner, indicator)
    df = targets.post_monthly(con, as_of, owner, indicator)
    t = targets.post_tasks(con, as_of)
    unit = next((u for u, o, i in zip(t["unit"], t["owner"], t["indicator"]) if o == owner and i == indicator), "")
    long = pd.concat([df.assign(measure="月度任务", value=df["target"]), df.assign(measure="月度完成", value=df["actual"])],
                     ignore_index=True)[["month", "measure", "value"]] if len(df) else \
        pd.DataFrame(columns=["month", "measure", "value"])
    title = f"{owner + '·' if owner else ''}{indicator}逐月任务与完成（截至{fmt.date_cn(as_of)}）"
    foot = charts.footnote(TARGETS.source, fmt.date_cn(as_of), note="本月完成截至数据日期")
    fig = charts.bar(long, "month", "value", title=title, foot=foot, color="measure", digits=1 if unit == "亿元" else 0,
                     y_title=f"{indicator}（{unit}）" if unit else indicator)
    return Entry(name="targets.post_monthly", title=title, frame=df, figure=fig, footnote=foot,
                 labels={"month": "月份", "target": f"月度任务（{unit}）", "actual": f"月度完成（{unit}）",
                         "cumulative_target": f"累计任务（{unit}）", "cumulative_actual": f"累计完成（{unit}）"},
                 digits={"target": 2, "actual": 2, "cumulative_target": 2, "cumulative_actual": 2},
                 filename=f"逐月任务与完成_{owner}_{indicator}_{as_of}",
                 empty_message=f"{owner}没有“{indicator}”任务。" if owner else "目标任务表中没有分解到岗位的招商任务。")


@entry("targets.projects_counted")
def projects_counted(con, as_of: date, owner: str | None = None, indicator: str | None = None) -> Entry:
    """The projects that count toward one post's task (by the ledger's 包保领导 / 责任部门); by default the
    first post of targets.post_tasks."""
    owner, indicator = _first_post(con, as_of, owner, indicator)
    df = targets.projects_counted(con, as_of, owner, indicator)
    title = f"计入{owner}“{indicator}”的项目（截至{fmt.date_cn(as_of)}）" if owner else "计入岗位任务的项目"
    return Entry(name="targets.projects_counted", title=title, frame=df,
                 labels={"name": "项目名称", "sector": "产业", "investment": "总投资（万元）", "date": "计入日期",
                         "stage": "阶段"},
                 digits={"investment": 0}, dates=("date",), filename=f"计入任务的项目_{owner}_{as_of}",
                 widths={"name": "large"},
                 empty_message=f"{as_of.year}年尚无计入{owner}“{indicator}”的项目。")
