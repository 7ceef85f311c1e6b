"""The monthly briefing (月度简报): text, charts, tables and the files, built from the store.

build_briefing(con, as_of) -> Briefing holds everything the page and the files show:
the headline figures (analytics.summary.headline), one paragraph per subject in the
park's own style, the key charts (analytics.charts builders), the red/yellow
projects (analytics.metrics.projects.traffic_lights) and the open demands
(analytics.metrics.service.open_demands).

Rules the text follows:
- each paragraph starts with the subject's lead sentence from analytics.text (the one the overview
  shows) and adds only its own sentences: nothing here words a figure that sentence already gives;
- each subject uses its latest figures not after as_of: industry its latest
  cumulative period ("1-5月"), the others the date itself ("截至6月15日");
- every sentence is built from figures the data supports; a subject whose
  dataset is missing (or has nothing up to as_of) keeps its heading and says so
  in one line instead of a paragraph ("（本期未导入招商项目台账，略）");
- money as the park writes it (23.5亿元, 9000余万元), growth "9.9%", changes of a
  rate in 个百分点, dates "2025年6月15日" (inside a paragraph the year of as_of is
  left out: "截至6月15日", the title carries it).

write_briefing(con, as_of, out_dir, screenshots) writes the .docx, one 2x PNG per
chart, the Markdown and (optionally) full-page screenshots of the dashboard.
No streamlit here.
"""
from __future__ import annotations

import contextlib
import io
import logging
import threading
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import plotly.graph_objects as go

from analytics import charts, fmt, summary, text
from analytics.metrics import entities, growth, projects, sales, service
from analytics.metrics._common import as_date, is_empty, month_end, one_year_before
from analytics.schema import ENTITIES, INDICATORS, INDUSTRIAL, PROJECTS, SALES, SERVICE_VISITS

log = logging.getLogger(__name__)

PARK_NAME = "生物科技产业园区"
TITLE = f"{PARK_NAME}经济运行月度简报"
OTHER_SECTOR = text.OTHER_SECTOR
TABLE_MAX_ROWS = 50          # rows of a table shown in the .docx / Markdown / page; the rest are counted
STAGE_WORDS = {"洽谈": "在谈", "签约": "已签约", "开工": "在建", "投产": "已投产", "停滞": "停滞"}

# subject key -> (heading, what is missing when its data is absent)
SUBJECTS: dict[str, tuple[str, str]] = {
    "industry": ("工业经济运行", "规上工业数据"),
    "entities": ("市场主体发展", "市场主体名录"),
    "projects": ("招商引资", "招商项目台账"),
    "sales": ("助企帮销", "助企帮销台账"),
    "service": ("包保服务与企业诉求", "包保与走访台账"),
}
CN_NUMERALS = "一二三四五六七八九十"

# the columns of the two tables, with their Chinese headers
LIGHT_COLUMNS = {"light": "灯色", "name": "项目名称", "sector": "产业类别", "stage": "阶段", "leader": "包保领导",
                 "department": "责任部门", "next_step": "下一节点", "due_on": "节点时限", "reason": "原因"}
DEMAND_COLUMNS = {"visited_on": "提出日期", "account": "企业（项目）", "leader": "包保领导",
                  "demand_category": "诉求类别", "demand": "诉求内容", "demand_status": "办理状态",
                  "age_days": "已历天数"}


@dataclass(frozen=True)
class Metric:
    """One card of the metric row: label, value as the park writes it, a short note (may be '')."""
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Chart:
    """A key chart: its subject (a key of SUBJECTS), file stem ('图1_规上工业增加值累计增速'),
    title, the plotly figure, and the frame it was drawn from."""
    subject: str
    stem: str
    title: str
    figure: go.Figure
    frame: pd.DataFrame


@dataclass(frozen=True)
class Section:
    """One subject: heading ('一、工业经济运行'), its paragraph, or `omitted` (the note said instead)."""
    subject: str
    heading: str
    paragraph: str | None
    omitted: str | None = None


@dataclass(frozen=True)
class Briefing:
    """The monthly briefing at as_of. red_yellow: one row per red or yellow project (LIGHT_COLUMNS);
    open_demands: one row per demand open at as_of, oldest first (DEMAND_COLUMNS)."""
    as_of: date
    title: str
    subtitle: str
    headline: dict
    metrics: list[Metric]
    sections: list[Section]
    charts: list[Chart]
    red_yellow: pd.DataFrame
    open_demands: pd.DataFrame
    timings: dict = field(default_factory=dict, compare=False)

    @property
    def omitted(self) -> list[str]:
        """The notes of the subjects left out ('（本期未导入招商项目台账，略）')."""
        return [s.omitted for s in self.sections if s.omitted]

    def section(self, subject: str) -> Section:
        return next(s for s in self.sections if s.subject == subject)

    @property
    def text(self) -> str:
        """Headings and paragraphs as plain text (what the tests read)."""
        parts = [self.title, self.subtitle]
        for s in self.sections:
            parts += [s.heading, s.paragraph or s.omitted or ""]
        return "\n".join(parts)


# ---------------------------------------------------------------------------
# Small text helpers
# ---------------------------------------------------------------------------
def _md(d: date, as_of: date) -> str:
    """'6月15日' when d is in as_of's year, else '2024年6月15日'."""
    return f"{d.month}月{d.day}日" if d.year == as_of.year else fmt.date_cn(d)


def _join(items: list[str]) -> str:
    """['a', 'b', 'c'] -> 'a、b、c'."""
    return "、".join(items)


def _change_count(delta: int, unit: str) -> str:
    """+12 -> '增加12户', -3 -> '减少3户', 0 -> '持平'."""
    if delta == 0:
        return "持平"
    return f"{'增加' if delta > 0 else '减少'}{abs(delta)}{unit}"


def _omitted_note(con, subject: str, tables: tuple[str, ...], as_of: date) -> str:
    """'（本期未导入X，略）' when every table of the subject is empty, else '（截至…暂无X，略）'."""
    what = SUBJECTS[subject][1]
    if all(is_empty(con, t) for t in tables):
        return f"（本期未导入{what}，略）"
    return f"（截至{fmt.date_cn(as_of)}暂无{what.replace('台账', '').replace('名录', '')}数据，略）"


# ---------------------------------------------------------------------------
# The subjects: each returns (paragraph or None, charts)
# ---------------------------------------------------------------------------
def _industry(con, h: dict, as_of: date) -> tuple[str | None, list[tuple[str, str, go.Figure, pd.DataFrame]]]:
    if h.get("industrial_growth_ytd") is None:
        return None, []
    g = growth.headline_growth(con, as_of)
    period = g.period
    sentences = [text.growth_sentence(h)]
    if g.basis == "official" and g.enterprise_pct is not None:
        t = f"按{g.n_enterprises}家规上工业企业数据汇总测算，现价增速{fmt.pct(g.enterprise_pct)}" \
            if g.n_enterprises else f"按企业数据汇总测算，现价增速{fmt.pct(g.enterprise_pct)}"
        if g.comparable_pct is not None:
            t += f"，可比价增速{fmt.pct(g.comparable_pct)}"
        sentences.append(t)
    elif g.basis == "enterprise" and g.n_enterprises:
        sentences.append(f"纳入测算的规上工业企业{g.n_enterprises}家")
    contrib = growth.sector_contribution(con, period)
    contrib = contrib[contrib["contribution_pp"].notna()]
    up = contrib[contrib["contribution_pp"].round(1) > 0].head(2)
    down = contrib[contrib["contribution_pp"].round(1) < 0].sort_values("contribution_pp").head(1)
    if len(up):
        if len(up) == 1:
            t = f"分产业看，{up['sector'].iloc[0]}产业拉动增长{up['contribution_pp'].iloc[0]:.1f}个百分点"
        else:
            t = (f"分产业看，{_join(list(up['sector']))}产业分别拉动增长"
                 f"{_join([f'{v:.1f}' for v in up['contribution_pp']])}个百分点")
        if len(down):
            t += f"，{down['sector'].iloc[0]}产业下拉{abs(down['contribution_pp'].iloc[0]):.1f}个百分点"
        sentences.append(t + "（企业数据，现价）")

    period_text = fmt.period_label(period, with_year=True)
    data_date = fmt.month_label(period)
    out = []
    rec = growth.reconciliation(con, month_end(period))
    cols = [c for c in ("official_pct", "enterprise_pct", "comparable_pct") if rec[c].notna().any()]
    if cols:
        names = {"official_pct": "统计部门公布（可比价）", "enterprise_pct": "企业汇总（现价）",
                 "comparable_pct": "企业汇总（可比价）"}
        sources = ([INDICATORS.source] if "official_pct" in cols else []) + \
                  ([INDUSTRIAL.source] if set(cols) - {"official_pct"} else [])
        notes = (["公布数为可比价"] if "official_pct" in cols else []) + \
            ([f"企业汇总为{_join([b for c, b in (('enterprise_pct', '现价'), ('comparable_pct', '可比价')) if c in cols])}"]
             if set(cols) - {"official_pct"} else [])
        title = f"园区规上工业增加值累计增速（{period_text}）"
        fig = charts.line(rec, "label", cols, title=title,
                          foot=charts.footnote("、".join(sources), data_date, note="；".join(notes)),
                          names=names, y_title="增速（%）", text=True, zero_line=True, x_is_month=False)
        out.append(("industry", title, fig, rec[["label"] + cols]))
    if len(contrib):
        title = f"各产业拉动规上工业增加值增长（{period_text}）"
        fig = charts.diverging_bar(contrib, "sector", "contribution_pp", title=title,
                                   foot=charts.footnote(INDUSTRIAL.source, data_date, "current"),
                                   x_title="拉动（个百分点）")
        out.append(("industry", title, fig, contrib))
    return "；".join(sentences) + "。", out


def _entities(con, h: dict, as_of: date):
    total = h.get("entities_total")
    if not total:
        return None, []
    sentences = [f"截至{_md(as_of, as_of)}，{text.entities_sentence(h)}"]
    by_type = h.get("entities_by_type") or {}
    parts = [f"{t}{fmt.count(n, '户')}" for t, n in by_type.items() if n]
    if len(parts) > 1:
        sentences.append("按类型分，" + "、".join(parts))
    prev = entities.stock_at(con, one_year_before(as_of))
    t = f"市场主体总数较上年同日{_change_count(total - prev, '户')}" if prev else ""
    closed12 = h.get("entities_closed_12m")
    if closed12:
        t += f"{'，' if t else ''}近一年注销（吊销）{fmt.count(closed12, '户')}"
    if t:
        sentences.append(t)
    mix = entities.sector_mix(con, as_of)
    named = mix[(mix["sector"] != OTHER_SECTOR) & (mix["count"] > 0)]
    if len(named):
        n = int(named["count"].sum())
        who = f"{_join(list(named['sector']))}等主导产业" if len(named) > 1 else f"{named['sector'].iloc[0]}产业"
        sentences.append(f"{who}市场主体{fmt.count(n, '户')}，占{n / total * 100:.1f}%")
    date_text = fmt.date_cn(as_of)
    series = entities.stock_series(con, one_year_before(as_of), as_of, "month")
    title = f"园区市场主体总数与每月新设（截至{date_text}）"
    fig = charts.bar_line(series, "period_end", "new", "stock", title=title,
                          foot=charts.footnote(ENTITIES.source, date_text, note="最后一个月为截至数据日期"),
                          bar_name="当月新设", line_name="市场主体总数", y_title="当月新设（户）",
                          y2_title="市场主体总数（户）")
    return "；".join(sentences) + "。", [("entities", title, fig, series)]


def _projects(con, h: dict, as_of: date, lights: pd.DataFrame):
    n = h.get("projects_signed_ytd")
    if n is None:
        return None, []
    year = as_of.year
    sentences = [text.projects_sentence(h)]
    stages = h.get("projects_by_stage") or {}
    total = h.get("projects_total") or 0
    if total:
        parts = [f"{STAGE_WORDS[k]}{v}个" for k, v in stages.items() if v]
        sentences.append(f"项目台账在库项目{fmt.count(total, '个')}，其中{'、'.join(parts)}")
    n_red = int((lights["light"] == "红").sum())
    n_yellow = int((lights["light"] == "黄").sum())
    if n_red or n_yellow:
        bits = [f"{c}灯项目{k}个" for c, k in (("红", n_red), ("黄", n_yellow)) if k]
        sentences.append(f"按项目推进节点研判，{'、'.join(bits)}，详见附表1")
    elif total:
        sentences.append("按项目推进节点研判，暂无红灯、黄灯项目")

    out = []
    sec = projects.by_sector(con, as_of)
    sec = sec[sec["count"] > 0]
    if len(sec):
        date_text = fmt.date_cn(as_of)
        title = f"{year}年签约项目产业分布（截至{date_text}）"
        fig = charts.bar(sec, "sector", "count", title=title, foot=charts.footnote(PROJECTS.source, date_text),
                         y_title="项目数（个）", category_order=list(sec["sector"]))
        out.append(("projects", title, fig, sec))
    return "；".join(sentences) + "。", out


def _sales(con, h: dict, as_of: date):
    total = h.get("sales_assistance_total_wan")
    if total is None:
        return None, []
    since = as_date(h["sales_assistance_since"])
    s = text.sales_sentence(h)
    if since.year < as_of.year:
        this_year = sales.total(con, as_of, date(as_of.year, 1, 1))
        if this_year > 0:
            s += f"，其中{as_of.year}年以来{fmt.wan_to_text(this_year)}"
    sentences = [s]
    ch = sales.by_dimension(con, as_of, "channel")
    ch = ch[ch["amount_wan"] > 0].head(3)
    if len(ch) > 1:
        sentences.append("分渠道看，" + "、".join(
            f"{c}{fmt.wan_to_text(a)}（占{p:.1f}%）" for c, a, p in zip(ch["channel"], ch["amount_wan"],
                                                                   ch["share_pct"])))
    ms = [(name, d) for name, d in sales.MILESTONES if since <= d <= as_of]
    if ms:
        name, d = ms[-1]
        after = sales.total(con, as_of, d)
    if ms and after > 0:
        sentences.append(f"{_md(d, as_of)}{name}以来帮销{fmt.wan_to_text(after)}")
    date_text = fmt.date_cn(as_of)
    monthly = sales.monthly(con, as_of)
    shown = monthly.assign(month=monthly["month"].astype(str))
    title = f"助企帮销逐月与累计（截至{date_text}）"
    fig = charts.bar_line(shown, "month", "amount_wan", "cumulative_wan", title=title,
                          foot=charts.footnote(SALES.source, date_text), bar_name="当月帮销额",
                          line_name="累计帮销额", y_title="当月帮销额（万元）", y2_title="累计帮销额（万元）",
                          markers=[(d.isoformat(), n) for n, d in sales.MILESTONES if d <= as_of])
    return "；".join(sentences) + "。", [("sales", title, fig, monthly)]


def _service(con, h: dict, as_of: date, open_df: pd.DataFrame):
    lead = text.service_sentence(h)
    sentences = [lead] if lead else []
    visits = service.visits_by_month(con, as_of)
    n_visits = int(visits["visits"].sum()) if len(visits) else 0
    dem = service.demands(con, as_of)
    n_dem = int(dem["total"].sum())
    out = []
    if n_visits:
        s = f"累计开展“三访三促”走访{n_visits}次"
        if n_dem:
            done = int(dem["已办结"].sum())
            s += f"，收集企业诉求{n_dem}件，已办结{done}件，办结率{done / n_dem * 100:.1f}%"
            _, median_days = service.resolution(con, as_of)
            if median_days is not None and done:
                s += f"，办结用时中位数{median_days:.0f}天"
        sentences.append(s)
    if n_dem:
        n_open = len(open_df)
        if n_open:
            old = int((open_df["age_days"] > 90).sum())
            t = f"截至{_md(as_of, as_of)}，尚有{n_open}件诉求未办结"
            if old:
                t += f"，其中超过90天的{old}件"
            sentences.append(t + "，详见附表2")
        else:
            sentences.append(f"截至{_md(as_of, as_of)}，收集的诉求均已办结")
        date_text = fmt.date_cn(as_of)
        long = dem.melt(id_vars=["category"], value_vars=["已办结", "办理中", "未办理"], var_name="status",
                        value_name="count")
        keep = dem.loc[dem["total"] > 0, "category"]
        long = long[long["category"].isin(keep)]
        title = f"企业诉求分类及办理情况（截至{date_text}）"
        fig = charts.bar(long, "category", "count", color="status", barmode="stack", title=title,
                         foot=charts.footnote(SERVICE_VISITS.source, date_text), y_title="诉求（件）",
                         category_order=list(keep))
        out.append(("service", title, fig, dem[dem["total"] > 0]))
    if not sentences:
        return None, []
    return "；".join(sentences) + "。", out


# ---------------------------------------------------------------------------
# The briefing
# ---------------------------------------------------------------------------
def _metrics(h: dict, as_of: date, n_open: int | None) -> list[Metric]:
    out = []
    if h.get("industrial_growth_ytd") is not None:
        change = h.get("industrial_growth_change_pp")
        out.append(Metric(f"规上工业增加值增速（{h['industrial_growth_label']}）", fmt.pct(h["industrial_growth_ytd"]),
                          "" if change is None else f"较上年全年{fmt.change_pp_text(change)}"))
    if h.get("entities_total"):
        out.append(Metric("市场主体总数", fmt.count(h["entities_total"], "户"),
                          f"近一年新设{fmt.count(h['entities_new_12m'], '户')}"))
    if h.get("projects_signed_ytd") is not None:
        out.append(Metric(f"{as_of.year}年签约项目", fmt.count(h["projects_signed_ytd"], "个"),
                          f"总投资{fmt.wan_to_text(h['projects_investment_ytd_wan'])}"
                          if h["projects_signed_ytd"] else ""))
    if h.get("sales_assistance_total_wan") is not None:
        out.append(Metric("助企帮销累计", fmt.wan_to_text(h["sales_assistance_total_wan"]),
                          text.since_text(h["sales_assistance_since"])))
    if h.get("key_accounts"):
        out.append(Metric("包保重点企业和项目", fmt.count(h["key_accounts"], "个"),
                          "" if n_open is None else f"未办结诉求{n_open}件"))
    return out


def _red_yellow(con, as_of: date) -> pd.DataFrame:
    if is_empty(con, "projects"):
        return pd.DataFrame(columns=list(LIGHT_COLUMNS))
    lights = projects.traffic_lights(con, as_of)
    return lights


def build_briefing(con: duckdb.DuckDBPyConnection, as_of: date | None = None) -> Briefing:
    """The briefing at as_of (default: summary.default_as_of(con), i.e. today capped at the latest data).

    Reads the store only; nothing is written. Each subject's paragraph is None when its data is
    missing, with the note in Section.omitted."""
    t0 = time.perf_counter()
    d = as_date(as_of) if as_of is not None else summary.default_as_of(con)
    h = summary.headline(con, d)
    lights = _red_yellow(con, d)
    red_yellow = lights[lights["light"].isin(["红", "黄"])].reset_index(drop=True) if len(lights) else \
        pd.DataFrame(columns=list(LIGHT_COLUMNS))
    has_service = not (is_empty(con, "service_visits") and is_empty(con, "service_accounts"))
    open_df = service.open_demands(con, d) if not is_empty(con, "service_visits") else \
        pd.DataFrame(columns=list(DEMAND_COLUMNS))
    red_yellow, open_df = _dates_as_date(red_yellow), _dates_as_date(open_df)

    builders = {
        "industry": (lambda: _industry(con, h, d), ("industrial", "indicators")),
        "entities": (lambda: _entities(con, h, d), ("entities",)),
        "projects": (lambda: _projects(con, h, d, lights), ("projects",)),
        "sales": (lambda: _sales(con, h, d), ("sales",)),
        "service": (lambda: _service(con, h, d, open_df), ("service_accounts", "service_visits")),
    }
    sections, chart_specs = [], []
    for i, (key, (build, tables)) in enumerate(builders.items()):
        paragraph, specs = build()
        heading = f"{CN_NUMERALS[i]}、{SUBJECTS[key][0]}"
        omitted = None if paragraph else _omitted_note(con, key, tables, d)
        sections.append(Section(key, heading, paragraph, omitted))
        chart_specs += specs
    chart_list = [Chart(subject, f"图{i}_{_stem(title)}", title, fig, frame)
                  for i, (subject, title, fig, frame) in enumerate(chart_specs, start=1)]
    month_text = f"{d.year}年{d.month}月"
    return Briefing(
        as_of=d, title=f"{TITLE}（{month_text}）", subtitle=f"数据截至{fmt.date_cn(d)}",
        headline=h, metrics=_metrics(h, d, len(open_df) if has_service and not is_empty(con, "service_visits")
                                     else None),
        sections=sections, charts=chart_list, red_yellow=red_yellow, open_demands=open_df,
        timings={"build_s": time.perf_counter() - t0})


def _dates_as_date(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose datetime columns hold datetime.date objects (tables show '2025-06-20', not a time)."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = [None if pd.isna(v) else v.date() for v in out[col]]
    return out


def _stem(title: str) -> str:
    """A file-name stem from a chart title: the part before the first '（', without unsafe characters."""
    head = title.split("（")[0]
    return "".join(ch for ch in head if ch not in '\\/:*?"<>| ') or "图表"


# ---------------------------------------------------------------------------
# Tables as shown (Chinese headers, at most TABLE_MAX_ROWS rows)
# ---------------------------------------------------------------------------
def _cell(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    if hasattr(v, "year") and hasattr(v, "month") and hasattr(v, "day"):
        return fmt.date_cn(v)
    return str(v).strip()


def display_table(frame: pd.DataFrame, columns: dict[str, str], max_rows: int = TABLE_MAX_ROWS) -> pd.DataFrame:
    """The frame's `columns` (in that order) renamed to their Chinese headers, every cell as text
    (dates '2025年6月15日'), at most max_rows rows."""
    cols = [c for c in columns if c in frame.columns]
    shown = frame[cols].head(max_rows).map(_cell) if len(frame) else pd.DataFrame(columns=cols)
    return shown.rename(columns=columns)


def red_yellow_table(b: Briefing, max_rows: int = TABLE_MAX_ROWS) -> pd.DataFrame:
    """附表1: the red and yellow projects as shown."""
    return display_table(b.red_yellow, LIGHT_COLUMNS, max_rows)


def open_demands_table(b: Briefing, max_rows: int = TABLE_MAX_ROWS) -> pd.DataFrame:
    """附表2: the open demands as shown."""
    return display_table(b.open_demands, DEMAND_COLUMNS, max_rows)


def table_caption(kind: str, b: Briefing, max_rows: int = TABLE_MAX_ROWS) -> str:
    """'附表1 红灯、黄灯项目（共12个，截至2025年6月15日）', with '，列出前50个' when cut."""
    if kind == "red_yellow":
        n, name, unit = len(b.red_yellow), "红灯、黄灯项目", "个"
        label = "附表1"
    else:
        n, name, unit = len(b.open_demands), "未办结企业诉求", "件"
        label = "附表2"
    cut = f"，列出前{max_rows}{unit}" if n > max_rows else ""
    return f"{label} {name}（共{n}{unit}{cut}，截至{fmt.date_cn(b.as_of)}）"


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------
def chart_pngs_timed(b: Briefing) -> tuple[dict[str, bytes], dict]:
    """({'图1_….png': 2x PNG bytes} for every chart, drawn by one kaleido browser (analytics.images),
    the timing of analytics.images.render_png in seconds)."""
    from analytics import images
    if not b.charts:
        return {}, {"start_s": 0.0, "per_image_s": [], "total_s": 0.0}
    pngs, timing = images.render_png([c.figure for c in b.charts])
    return {f"{c.stem}.png": png for c, png in zip(b.charts, pngs)}, timing


def chart_pngs(b: Briefing) -> dict[str, bytes]:
    """{'图1_….png': 2x PNG bytes} for every chart (see chart_pngs_timed)."""
    return chart_pngs_timed(b)[0]


def to_markdown(b: Briefing, image_dir: str | None = "charts") -> str:
    """The briefing as Markdown: title, metric table, sections with their charts (as image links into
    `image_dir`, or the chart titles in italics when None) and the two tables."""
    lines = [f"# {b.title}", "", b.subtitle, ""]
    if b.metrics:
        lines += ["| 指标 | 数值 | 说明 |", "|---|---|---|"]
        lines += [f"| {m.label} | {m.value} | {m.note} |" for m in b.metrics]
        lines.append("")
    for s in b.sections:
        lines += [f"## {s.heading}", "", s.paragraph or s.omitted or "", ""]
        for c in b.charts:
            if c.subject == s.subject:
                lines += [f"![{c.title}]({image_dir}/{c.stem}.png)" if image_dir else f"*{c.title}*", ""]
    for kind, table in (("red_yellow", red_yellow_table(b)), ("open", open_demands_table(b))):
        lines += [f"## {table_caption(kind, b)}", ""]
        if table.empty:
            lines += ["无。", ""]
            continue
        lines.append("| " + " | ".join(table.columns) + " |")
        lines.append("|" + "---|" * len(table.columns))
        for row in table.itertuples(index=False):
            lines.append("| " + " | ".join(str(v).replace("|", "／").replace("\n", " ") for v in row) + " |")
        lines.append("")
    return "\n".join(lines)


def _east_asian(element, font: str) -> None:
    """Set the East Asian font (w:eastAsia) of a style's or run's rPr, so Word draws Chinese with it."""
    from docx.oxml.ns import qn
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        rfonts.set(qn(attr), font)


DOCX_FONT = "Noto Sans CJK SC"
DOCX_FALLBACK_FONT = "宋体"


def to_docx(b: Briefing, pngs: dict[str, bytes] | None = None) -> bytes:
    """The briefing as a Word document (.docx bytes): title, metric table, headed sections with their
    charts as images (when `pngs` from chart_pngs is given), and the two tables.

    Every style and run names the East Asian font DOCX_FONT, so Chinese renders in Word/WPS
    (which fall back to 宋体 when the font is not installed)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.5)
    sec.top_margin = sec.bottom_margin = Cm(2.2)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Caption", "Table Grid"):
        try:
            style = doc.styles[name]
        except KeyError:
            continue
        style.font.name = DOCX_FONT
        _east_asian(style.element, DOCX_FONT)
    doc.styles["Normal"].font.size = Pt(11)
    doc.core_properties.title = b.title
    doc.core_properties.subject = b.subtitle

    doc.add_heading(b.title, level=0)
    p = doc.add_paragraph(b.subtitle)
    p.alignment = WD_ALIGN_PARAGRAPH.LEFT

    if b.metrics:
        doc.add_heading("主要指标", level=1)
        t = doc.add_table(rows=1, cols=3)
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, ("指标", "数值", "说明")):
            cell.text = text
        for m in b.metrics:
            row = t.add_row().cells
            row[0].text, row[1].text, row[2].text = m.label, m.value, m.note
    for s in b.sections:
        doc.add_heading(s.heading, level=1)
        para = doc.add_paragraph(s.paragraph or s.omitted or "")
        para.paragraph_format.first_line_indent = Pt(22)
        for c in b.charts:
            if c.subject != s.subject:
                continue
            png = (pngs or {}).get(f"{c.stem}.png")
            if png:
                doc.add_picture(io.BytesIO(png), width=Cm(16))
                doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            cap = doc.add_paragraph(c.stem.replace("_", " "), style="Caption")
            cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, table in (("red_yellow", red_yellow_table(b)), ("open", open_demands_table(b))):
        doc.add_heading(table_caption(kind, b), level=1)
        if table.empty:
            doc.add_paragraph("无。")
            continue
        t = doc.add_table(rows=1, cols=len(table.columns))
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, table.columns):
            cell.text = str(text)
        for row in table.itertuples(index=False):
            cells = t.add_row().cells
            for cell, v in zip(cells, row):
                cell.text = str(v)
        for row in t.rows:
            for cell in row.cells:
                for para in cell.paragraphs:
                    for run in para.runs:
                        run.font.size = Pt(9)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def zip_pngs(pngs: dict[str, bytes]) -> bytes:
    """The chart PNGs in one .zip (names as given, UTF-8)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, data in pngs.items():
            z.writestr(name, data)
    return buf.getvalue()


def export_files(con: duckdb.DuckDBPyConnection, as_of: date | None = None) -> dict[str, bytes]:
    """The downloads of the briefing page: {"docx": .docx bytes with the charts, "zip": the chart PNGs,
    "md": the Markdown (UTF-8, image links into charts/)}."""
    b = build_briefing(con, as_of)
    pngs = chart_pngs(b)
    return {"docx": to_docx(b, pngs), "zip": zip_pngs(pngs), "md": to_markdown(b, "charts").encode("utf-8")}


def file_stem(b: Briefing) -> str:
    """'月度简报_2025-06-15'."""
    return f"月度简报_{b.as_of.isoformat()}"


def write_briefing(con: duckdb.DuckDBPyConnection, as_of: date | None, out_dir: Path,
                   screenshots: bool = False) -> list[Path]:
    """Write the briefing at as_of (None: summary.default_as_of) into out_dir and return the paths:
    月度简报_<date>.docx, 月度简报_<date>.md, charts/图N_<title>.png (2x), and with screenshots=True
    screenshots/<url path>.png (full pages of the running dashboard at as_of, analytics.screenshots).

    With screenshots the dashboard is served from a snapshot of the store and captured in a
    background thread, so its boot and page loads overlap the text and the chart images.
    Timings (seconds) are logged and kept in write_briefing.last_timings."""
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    d = as_date(as_of) if as_of is not None else summary.default_as_of(con)
    shot_result: dict = {}
    with contextlib.ExitStack() as stack:
        worker = None
        if screenshots:
            from analytics import screenshots as shots
            db = stack.enter_context(shots.snapshot(con))
            server = shots.AppServer(db).start()
            stack.callback(server.stop)

            def capture() -> None:
                t = time.perf_counter()
                try:
                    shot_result["paths"] = shots.capture(server.wait(), shots.DASHBOARD_PATHS,
                                                         out_dir / "screenshots", as_of=d)
                except BaseException as exc:  # noqa: BLE001  (re-raised in the caller's thread)
                    shot_result["error"] = exc
                shot_result["seconds"] = time.perf_counter() - t
            worker = threading.Thread(target=capture, name="briefing-screenshots", daemon=True)
            worker.start()
        b = build_briefing(con, d)
        timings = dict(b.timings)
        chart_dir = out_dir / "charts"
        chart_dir.mkdir(parents=True, exist_ok=True)
        pngs, timings["images"] = chart_pngs_timed(b)
        chart_paths: list[Path] = []
        for name, data in pngs.items():
            path = chart_dir / name
            path.write_bytes(data)
            chart_paths.append(path)
        docx_path = out_dir / f"{file_stem(b)}.docx"
        docx_path.write_bytes(to_docx(b, pngs))
        md_path = out_dir / f"{file_stem(b)}.md"
        md_path.write_text(to_markdown(b, "charts"), encoding="utf-8")
        paths = [docx_path, md_path] + chart_paths
        timings["files_s"] = time.perf_counter() - t0
        if worker is not None:
            worker.join()
            if "error" in shot_result:
                raise shot_result["error"]
            paths += shot_result["paths"]
            timings["screenshots_s"] = shot_result["seconds"]
    timings["total_s"] = time.perf_counter() - t0
    log.info("briefing %s timings %s", b.as_of, timings)
    write_briefing.last_timings = timings  # read by benchmarks/briefing.py
    return paths
