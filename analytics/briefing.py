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
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import plotly.graph_objects as go

from analytics import docx_gov, fmt, literal, summary, text
from analytics.catalogue import entities as cat_entities
from analytics.catalogue import industry as cat_industry
from analytics.catalogue import projects as cat_projects
from analytics.catalogue import sales as cat_sales
from analytics.catalogue import service as cat_service
from analytics.metrics import entities, growth, projects, sales, service, targets
from analytics.metrics._common import as_date, is_empty, memo_scope

log = logging.getLogger(__name__)

PARK_NAME = "生物科技产业园区"
TITLE = f"{PARK_NAME}经济运行月度简报"
OTHER_SECTOR = text.OTHER_SECTOR
TABLE_MAX_ROWS = 50          # rows of a table shown in the .docx / Markdown / page; the rest are counted
STAGE_WORDS = {"洽谈": "洽谈", "签约": "已签约", "开工": "在建", "投产": "已投产", "停滞": "停滞"}

# subject key -> (heading, what is missing when its data is absent)
SUBJECTS: dict[str, tuple[str, str]] = {
    "industry": ("工业经济运行", "规上工业数据"),
    "entities": ("市场主体发展", "市场主体名录"),
    "projects": ("招商引资", "招商项目台账"),
    "sales": ("助企帮销", "助企帮销台账"),
    "service": ("包保服务与企业诉求", "包保与走访台账"),
    "targets": ("目标任务完成情况", "目标任务表"),   # listed only when targets are imported
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
    warnings: tuple[str, ...] = ()   # publication lag (summary.publication_lag), said before the text
    data_through: date | None = None  # the data's latest date when as_of runs ahead of every dataset

    @property
    def omitted(self) -> list[str]:
        """The notes of the subjects left out ('（本期未导入招商项目台账，略）')."""
        return [s.omitted for s in self.sections if s.omitted]

    def section(self, subject: str) -> Section:
        return next(s for s in self.sections if s.subject == subject)

    @property
    def text(self) -> str:
        """Headings and paragraphs as plain text (what the tests read)."""
        parts = [self.title, self.subtitle, *self.warnings]
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
    month = text.month_growth_sentence(h)
    if month:
        sentences.append(month)
    if g.basis == "official" and g.enterprise_pct is not None:
        # the gap between the official rate and the enterprise figures, explained (analytics.text.gap_sentence)
        gap = text.gap_sentence(growth.gap_decomposition(con, period), g.n_enterprises)
        if gap:
            sentences.append(gap)
    elif g.basis == "enterprise" and g.n_enterprises:
        sentences.append(f"纳入测算的规上工业企业{g.n_enterprises}家")
    contrib = growth.sector_contribution(con, period)
    contrib = contrib[contrib["contribution_pp"].notna()]
    t = text.contribution_sentence(contrib)
    if t:
        sentences.append(t)

    out = []
    # the figures are the dashboard's own (analytics.catalogue): one definition for page, Word and PNG
    for e in (cat_industry.reconciliation(con, as_of), cat_industry.sector_contribution(con, as_of)):
        if not e.empty:
            out.append(("industry", e.title, e.figure, e.frame))
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
    t = text.entities_change_sentence(h)   # 同比 in percent; 注销、吊销 apart from 迁出
    if t:
        sentences.append(t)
    mix = entities.sector_mix(con, as_of)
    named = mix[(mix["sector"] != OTHER_SECTOR) & (mix["count"] > 0)]
    if len(named):
        n = int(named["count"].sum())
        who = f"{_join(list(named['sector']))}等主导产业" if len(named) > 1 else f"{named['sector'].iloc[0]}产业"
        sentences.append(text.share_sentence(who, n, total))
    e = cat_entities.stock_series(con, as_of, None, 1)
    return "；".join(sentences) + "。", [("entities", e.title, e.figure, e.frame)]


def _projects(con, h: dict, as_of: date, lights: pd.DataFrame):
    n = h.get("projects_signed_ytd")
    if n is None:
        return None, []
    sentences = [text.projects_sentence(h)]
    stages = h.get("projects_by_stage") or {}
    total = h.get("projects_total") or 0
    if total:
        parts = [f"{STAGE_WORDS[k]}{v}个" for k, v in stages.items() if v]
        sentences.append(f"项目台账在库项目{fmt.count(total, '个')}，其中{'、'.join(parts)}")
    if total and h.get("projects_state_note"):   # a past date: which ledger version the stages come from
        sentences[-1] += f"（{h['projects_state_note']}）"
    n_red = int((lights["light"] == "红").sum())
    n_yellow = int((lights["light"] == "黄").sum())
    if n_red or n_yellow:
        bits = [f"{c}灯项目{k}个" for c, k in (("红", n_red), ("黄", n_yellow)) if k]
        sentences.append(f"按项目推进节点研判，{'、'.join(bits)}，详见附件1")
    elif total:
        sentences.append("按项目推进节点研判，暂无红灯、黄灯项目")

    out = []
    e = cat_projects.signed_by_sector(con, as_of)
    if not e.empty:
        out.append(("projects", e.title, e.figure, e.frame))
    return "；".join(sentences) + "。", out


def _targets(con, h: dict, as_of: date):
    """The year's targets against 时序进度 (metrics.targets): one paragraph, no chart."""
    return targets.summary_sentence(targets.completion(con, as_of)), []


def _sales(con, h: dict, as_of: date):
    total = h.get("sales_assistance_total_wan")
    if total is None:
        return None, []
    since = as_date(h["sales_assistance_since"])
    s = text.sales_sentence(h) + (text.sales_ytd_clause(h) or "")
    sentences = [s]
    ch = sales.by_dimension(con, as_of, "channel")
    ch = ch[ch["amount_wan"] > 0].head(3)
    t = text.sales_channels_sentence(ch)
    if t:
        sentences.append(t)
    ms = [(name, d) for name, d in sales.MILESTONES if since <= d <= as_of]
    if ms:
        name, d = ms[-1]
        after = sales.total(con, as_of, d)
    if ms and after > 0:
        sentences.append(text.sales_milestone_sentence(name, _md(d, as_of), after))
    note = text.month_only_note(sales.month_only_rows(con, as_of))
    if note:
        sentences.append(note)
    e = cat_sales.monthly(con, as_of)
    return "；".join(sentences) + "。", [("sales", e.title, e.figure, e.frame)]


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
            _, median_days = service.resolution(con, as_of)
            s += text.demands_clause(n_dem, done, median_days)
        sentences.append(s)
    if n_dem:
        n_open = len(open_df)
        if n_open:
            old = int((open_df["age_days"] > 90).sum())
            t = f"截至{_md(as_of, as_of)}，尚有{n_open}件诉求未办结"
            if old:
                t += f"，其中超过90天的{old}件"
            sentences.append(t + "，详见附件2")
        else:
            sentences.append(f"截至{_md(as_of, as_of)}，收集的诉求均已办结")
        e = cat_service.demands(con, as_of)
        out.append(("service", e.title, e.figure, e.frame))
    if not sentences:
        return None, []
    note = service.accounts_note(con, as_of) if lead else None   # a past date: the 包保 list is today's
    if note:
        sentences.append(note)
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


def build_briefing(con: duckdb.DuckDBPyConnection, as_of: date | None = None,
                   on_chart: Callable[[go.Figure], None] | None = None) -> Briefing:
    """The briefing at as_of (default: summary.default_as_of(con), i.e. today capped at the latest data).

    Reads the store only; nothing is written. Each subject's paragraph is None when its data is
    missing, with the note in Section.omitted. on_chart(figure) is called with each chart's figure as
    soon as its subject is built (write_briefing: analytics.images.prefetch, so that the images are
    drawn while the rest of the text is built). The store is read under one memo_scope: a figure
    several sections ask for (the headline growth) is computed once."""
    with memo_scope():
        return _build_briefing(con, as_of, on_chart)


def _build_briefing(con: duckdb.DuckDBPyConnection, as_of: date | None,
                    on_chart: Callable[[go.Figure], None] | None) -> Briefing:
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
    if not is_empty(con, "targets"):
        builders["targets"] = (lambda: _targets(con, h, d), ("targets",))
    sections, chart_specs = [], []
    for i, (key, (build, tables)) in enumerate(builders.items()):
        paragraph, specs = build()
        heading = f"{CN_NUMERALS[i]}、{SUBJECTS[key][0]}"
        omitted = None if paragraph else _omitted_note(con, key, tables, d)
        sections.append(Section(key, heading, paragraph, omitted))
        chart_specs += specs
        for _, _, fig, _ in specs if on_chart else ():
            on_chart(fig)
    chart_list = [Chart(subject, f"图{i}_{_stem(title)}", title, fig, frame)
                  for i, (subject, title, fig, frame) in enumerate(chart_specs, start=1)]
    lag = summary.publication_lag(con, d)   # a date after the data: the title names the data's month, and warns
    return Briefing(
        as_of=d, title=text.lag_title(TITLE, d, lag), subtitle=text.lag_subtitle(d, lag),
        warnings=(f"提示：{lag['message']}",) if lag["message"] and lag["ahead"] else (),
        data_through=lag["latest"] if lag["ahead"] else None,
        headline=h, metrics=_metrics(h, d, len(open_df) if has_service and not is_empty(con, "service_visits")
                                     else None),
        sections=sections, charts=chart_list, red_yellow=red_yellow, open_demands=open_df,
        timings={"build_s": time.perf_counter() - t0})


def _dates_as_date(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose datetime columns hold datetime.date objects (tables show '2025-06-20', not a time)."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            dates = out[col].dt.date.astype(object)
            out[col] = dates.where(out[col].notna(), None)
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
    """附件1: the red and yellow projects as shown."""
    return display_table(b.red_yellow, LIGHT_COLUMNS, max_rows)


def open_demands_table(b: Briefing, max_rows: int = TABLE_MAX_ROWS) -> pd.DataFrame:
    """附件2: the open demands as shown."""
    return display_table(b.open_demands, DEMAND_COLUMNS, max_rows)


def table_caption(kind: str, b: Briefing, max_rows: int = TABLE_MAX_ROWS) -> str:
    """'附件1 红灯、黄灯项目（共12个，截至2025年6月15日）', with '，列出前50个' when cut."""
    if kind == "red_yellow":
        n, name, unit = len(b.red_yellow), "红灯、黄灯项目", "个"
        label = "附件1"
    else:
        n, name, unit = len(b.open_demands), "未办结企业诉求", "件"
        label = "附件2"
    cut = f"，列出前{max_rows}{unit}" if n > max_rows else ""
    return f"{label} {name}（共{n}{unit}{cut}，截至{fmt.date_cn(b.as_of)}）"


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------
def chart_pngs_timed(b: Briefing) -> tuple[dict[str, bytes], dict]:
    """({'图1_….png': 2x PNG bytes} for every chart, drawn with matplotlib by the shared chart worker
    (analytics.images), the timing of analytics.images.render_png in seconds). Raises images.ImageError
    (Chinese message) without a CJK font, or past the image time limits."""
    from analytics import images
    if not b.charts:
        return {}, {"start_s": 0.0, "per_image_s": [], "total_s": 0.0}
    pngs, timing = images.render_png([c.figure for c in b.charts])
    return {f"{c.stem}.png": png for c, png in zip(b.charts, pngs)}, timing


def chart_pngs(b: Briefing) -> dict[str, bytes]:
    """{'图1_….png': 2x PNG bytes} for every chart (see chart_pngs_timed)."""
    return chart_pngs_timed(b)[0]


def chart_images(b: Briefing) -> tuple[dict[str, bytes], dict, str | None]:
    """(pngs, timing, None) like chart_pngs_timed, or ({}, timing, the one-line Chinese reason) when the
    images cannot be drawn (no CJK font: once the worker has started; a worker that does not answer:
    after its time limit).
    Never raises for the images: the briefing goes out without them."""
    from analytics import images
    t0 = time.perf_counter()
    try:
        pngs, timing = chart_pngs_timed(b)
        return pngs, timing, None
    except images.ImageError as exc:
        return {}, {"start_s": 0.0, "per_image_s": [], "total_s": time.perf_counter() - t0}, str(exc)


def apply_edits(b: Briefing, edits: dict[str, str] | None) -> Briefing:
    """A copy of the briefing whose section paragraphs are replaced by the writer's edits
    ({subject: text}; blank or missing: the generated text stays). Figures, charts and tables are
    untouched: they stay tied to the data."""
    if not edits:
        return b
    sections = []
    for s in b.sections:
        new = (edits.get(s.subject) or "").strip()
        if new and new != (s.paragraph or s.omitted or ""):
            s = replace(s, paragraph=new, omitted=None)
        sections.append(s)
    return replace(b, sections=sections)


def to_markdown(b: Briefing, image_dir: str | None = "charts") -> str:
    """The briefing as Markdown: title, metric table, sections with their charts (as image links into
    `image_dir`, or the chart titles in italics when None) and the two tables."""
    lines = [f"# {b.title}", "", b.subtitle, ""] + [x for w in b.warnings for x in (f"> {literal.text(w)}", "")]
    if b.metrics:
        lines += ["| 指标 | 数值 | 说明 |", "|---|---|---|"]
        lines += [f"| {literal.text(m.label)} | {literal.text(m.value)} | {literal.text(m.note)} |" for m in b.metrics]
        lines.append("")
    for s in b.sections:
        lines += [f"## {s.heading}", "", literal.text(s.paragraph or s.omitted or ""), ""]  # workbook text literal
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
            lines.append("| " + " | ".join(literal.text(str(v).replace("|", "／")) for v in row) + " |")
        lines.append("")
    return "\n".join(lines)


def issue_of(b: Briefing, config: docx_gov.OfficeConfig | None = None) -> docx_gov.Issue:
    """The 期号 of the briefing (its as_of month; numbering from data/briefing.toml)."""
    return docx_gov.issue_of(config or docx_gov.load_config(), b.as_of)


def doc_title(b: Briefing) -> str:
    """The title of the Word/PDF briefing under its masthead: '2025年6月园区经济运行情况'."""
    month = b.data_through or b.as_of   # dated after the data: titled for the month the data reach
    return f"{month.year}年{month.month}月园区经济运行情况"


def default_issued_on(as_of: date, today: date | None = None) -> date:
    """The date printed on the briefing (版头, 落款, 印发) unless one is given: the day after the data
    date, or today when that is earlier, so an issue regenerated later keeps its date."""
    from datetime import timedelta
    return min(today or date.today(), as_of + timedelta(days=1))


ATTACHMENT_NAMES = {"red_yellow": "红灯、黄灯项目清单", "open": "未办结企业诉求清单"}


def to_gov_document(b: Briefing, pngs: dict[str, bytes] | None = None, *,
                    config: docx_gov.OfficeConfig | None = None, issued_on: date | None = None,
                    image_note: str | None = None) -> docx_gov.GovDocument:
    """The briefing as a 公文-style document (analytics.docx_gov): masthead, 期号 and 编发单位 from the
    config file (data/briefing.toml), the metric table, one 一级 heading and paragraph per subject with
    its figures (image when `pngs` has it, else the caption and `image_note`), 附件1/附件2 (the two
    tables, at most TABLE_MAX_ROWS rows), 落款 and 抄送/印发. issued_on: the date printed (default:
    default_issued_on)."""
    cfg = config or docx_gov.load_config()
    issued = issued_on or default_issued_on(b.as_of)
    body: list = [docx_gov.Paragraph(w) for w in b.warnings]   # publication lag, before the figures
    if b.metrics:
        body.append(docx_gov.Table("主要指标", ["指标", "数值", "说明"],
                                   [[m.label, m.value, m.note] for m in b.metrics]))
    missing = f"未生成图表图片：{image_note}" if image_note else "未生成图表图片"
    for s in b.sections:
        body.append(docx_gov.Heading(s.heading))
        body.append(docx_gov.Paragraph(s.paragraph or s.omitted or ""))
        for c in b.charts:
            if c.subject == s.subject:
                body.append(docx_gov.Figure(c.title, (pngs or {}).get(f"{c.stem}.png"), missing))
    attachments = []
    for kind, table in (("red_yellow", red_yellow_table(b)), ("open", open_demands_table(b))):
        caption = table_caption(kind, b)
        count = caption.split("（", 1)[1].rstrip("）") if "（" in caption else ""
        empty = {"red_yellow": b.section("projects").omitted or "无红灯、黄灯项目。",
                 "open": b.section("service").omitted or "无未办结诉求。"}[kind]
        attachments.append(docx_gov.Attachment(
            ATTACHMENT_NAMES[kind], list(table.columns), [[str(v) for v in row] for row in table.itertuples(index=False)],
            empty_text=empty, note=f"（{count}）" if count else ""))
    return docx_gov.GovDocument(
        masthead=cfg.name, issue=docx_gov.issue_of(cfg, b.as_of).text, unit=cfg.unit, issued_on=issued,
        title=doc_title(b), subtitle=f"（{b.subtitle}）", body=body, attachments=attachments,
        signature=cfg.signature, cc=cfg.cc, printed_by=cfg.printed_by)


def to_docx(b: Briefing, pngs: dict[str, bytes] | None = None, *, config: docx_gov.OfficeConfig | None = None,
            issued_on: date | None = None, image_note: str | None = None) -> bytes:
    """The briefing as a Word document (.docx bytes) in the 简报 layout of analytics.docx_gov (GB/T
    9704-2012 as offices apply it): see to_gov_document for what it holds."""
    return docx_gov.to_docx(to_gov_document(b, pngs, config=config, issued_on=issued_on, image_note=image_note))


def zip_pngs(pngs: dict[str, bytes]) -> bytes:
    """The chart PNGs in one .zip (names as given, UTF-8)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, data in pngs.items():
            z.writestr(name, data)
    return buf.getvalue()


@dataclass(frozen=True)
class Exported:
    """The files of one briefing. pdf is None without LibreOffice; pngs is {} without a CJK font;
    notes: one Chinese line for each thing left out and why (empty when everything was made);
    timings in seconds (images, docx_s, pdf_s)."""
    docx: bytes
    pdf: bytes | None
    pngs: dict[str, bytes]
    md: bytes
    notes: list[str]
    timings: dict

    pages: list[bytes] = field(default_factory=list)   # the PDF's pages as PNG (preview_pages=True)

    @property
    def zip(self) -> bytes:
        """The chart PNGs in one .zip; without any, a 说明.txt saying why (so the download is never empty)."""
        if self.pngs:
            return zip_pngs(self.pngs)
        why = "\n".join(n for n in self.notes if "图表" in n) or "本期简报没有图表。"
        return zip_pngs({"说明.txt": why.encode("utf-8")})


def export(b: Briefing, *, pdf: bool = True, config: docx_gov.OfficeConfig | None = None,
           issued_on: date | None = None, preview_pages: bool = False, warm_office: bool = False) -> Exported:
    """Every file of an (edited) briefing: chart images (analytics.images, time-limited; none without
    CJK font), the .docx, the PDF (analytics.office, when LibreOffice is present and pdf=True), the
    Markdown, and with preview_pages the PDF's pages as PNG (poppler's pdftoppm). Never hangs and
    never raises for a missing font, LibreOffice or poppler: what could not be made is said in
    `notes`. warm_office: start LibreOffice first, so it boots while the images are drawn (it then
    runs until this process ends: for one-shot processes such as the command line)."""
    from analytics import office
    if pdf and warm_office:
        office.prestart()
    notes: list[str] = []
    import docx as _docx  # noqa: F401  (python-docx loads here, while the chart worker finishes the last images)
    pngs, img_timing, reason = chart_images(b)
    if reason:
        notes.append(f"简报未含图表图片：{reason}")
    t = time.perf_counter()
    docx = to_docx(b, pngs, config=config, issued_on=issued_on, image_note=reason and "见看板对应页面")
    timings = {"images": img_timing, "docx_s": time.perf_counter() - t}
    pdf_bytes = None
    if pdf:
        t = time.perf_counter()
        try:
            pdf_bytes = office.docx_to_pdf(docx)
        except office.OfficeError as exc:
            notes.append(str(exc))
        timings["pdf_s"] = time.perf_counter() - t
    pages: list[bytes] = []
    if preview_pages and pdf_bytes is not None:
        t = time.perf_counter()
        try:
            pages = office.pdf_pages_png(pdf_bytes)
        except office.OfficeError as exc:
            notes.append(str(exc))
        timings["pages_s"] = time.perf_counter() - t
    return Exported(docx, pdf_bytes, pngs, to_markdown(b, "charts").encode("utf-8"), notes, timings, pages)


def export_files(con: duckdb.DuckDBPyConnection, as_of: date | None = None,
                 edits: dict[str, str] | None = None) -> dict:
    """The downloads of the briefing page: {"docx", "pdf" (None without LibreOffice), "zip" (the chart
    PNGs), "md", "notes" (list of Chinese lines: what was left out and why)}."""
    e = export(apply_edits(build_briefing(con, as_of), edits))
    return {"docx": e.docx, "pdf": e.pdf, "zip": e.zip, "md": e.md, "notes": e.notes}


def file_stem(b: Briefing) -> str:
    """'月度简报_2025-06-15'."""
    return f"月度简报_{b.as_of.isoformat()}"


def write_briefing(con: duckdb.DuckDBPyConnection, as_of: date | None, out_dir: Path,
                   screenshots: bool = False, pdf: bool = True, edits: dict[str, str] | None = None,
                   issued_on: date | None = None) -> list[Path]:
    """Write the briefing at as_of (None: summary.default_as_of) into out_dir and return the paths:
    月度简报_<date>.docx, 月度简报_<date>.pdf (when LibreOffice is present and pdf=True),
    月度简报_<date>.md, charts/图N_<title>.png (2x, drawn with matplotlib; none without a CJK font) and
    with screenshots=True screenshots/<url path>.png (full pages of the running dashboard at as_of, analytics.screenshots).

    Without a CJK font (or LibreOffice) the other files are still written; why each missing file is
    missing is kept, one Chinese line each, in write_briefing.last_notes. The chart worker starts in
    the background before the text is built and draws each chart as soon as it is built. With screenshots the dashboard is served from a snapshot
    of the store and captured in a background thread. Timings (seconds) are logged and kept in
    write_briefing.last_timings."""
    from analytics import images
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    d = as_date(as_of) if as_of is not None else summary.default_as_of(con)
    images.prestart()   # the chart worker loads while the text is built, and draws each chart once it is built
    if pdf:
        from analytics import office
        office.prestart()   # and LibreOffice while the text and the images are made
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
        b = apply_edits(build_briefing(con, d, on_chart=images.prefetch), edits)
        timings = dict(b.timings)
        e = export(b, pdf=pdf, issued_on=issued_on, warm_office=True)
        timings.update(e.timings)
        out_dir.mkdir(parents=True, exist_ok=True)
        docx_path = out_dir / f"{file_stem(b)}.docx"
        docx_path.write_bytes(e.docx)
        paths = [docx_path]
        if e.pdf is not None:
            pdf_path = out_dir / f"{file_stem(b)}.pdf"
            pdf_path.write_bytes(e.pdf)
            paths.append(pdf_path)
        md_path = out_dir / f"{file_stem(b)}.md"
        md_path.write_bytes(e.md)
        paths.append(md_path)
        if e.pngs:
            chart_dir = out_dir / "charts"
            chart_dir.mkdir(parents=True, exist_ok=True)
            for name, data in e.pngs.items():
                path = chart_dir / name
                path.write_bytes(data)
                paths.append(path)
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
    write_briefing.last_notes = list(e.notes)
    return paths


write_briefing.last_notes = []
