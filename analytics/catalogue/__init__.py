"""The catalogue of figures: every named chart or table of the dashboard and the briefing, defined once.

No streamlit here. A page only places entries (app_lib.ui.show); the briefing takes the same entries
for its Word file and PNGs, so a figure reads the same everywhere.

The entry format
----------------
An entry is a pure function in one of this package's modules (one module per subject: overview,
economy, entities, structure, projects, sales, service, quality; add your own module for a new subject)

    @entry("sales.monthly")
    def monthly(con, as_of: date) -> Entry:
        frame = sales.monthly(con, as_of)                # the library frame (one row per month, 万元)
        title = f"逐月帮销额与累计（截至{fmt.date_cn(as_of)}）"
        foot = charts.footnote(SALES.source, fmt.date_cn(as_of), note=partial_note(as_of))
        fig = charts.bar_line(frame, ..., title=title, foot=foot, partial_last=is_partial_month(as_of))
        return Entry(name="sales.monthly", title=title, frame=frame, figure=fig, footnote=foot,
                     labels={"month_key": "月份", "amount_wan": "当月帮销额（万元）"},
                     digits={"amount_wan": 1}, filename=f"逐月帮销额_{as_of}",
                     empty_message="暂无助企帮销数据。")

- the first parameter is a DuckDB connection or cursor (so the page calls it through ui.run, cached by
  the store's data version); the others are hashable (dates, str, int, None);
- `title` names the subject and its period ("…（2025年1-5月）", "…（截至2025年6月15日）"); `footnote`
  names the source, the data's date and, for growth, the price basis (charts.footnote) and is drawn
  inside the figure, so a screenshot or PNG stands on its own;
- `labels` {column: Chinese header with unit}: the columns of the table / the .xlsx download, in order;
- `digits` {column: decimals}: how the table and the download round that column (四舍五入, analytics.fmt);
- `figure` is a plotly figure (analytics.charts builders) or None for a table;
- `frame` empty -> the page shows `empty_message` instead of a blank chart or table;
- a monthly chart whose last month is not complete marks it (charts' partial_last; partial_note()).

Register it with @entry(name) (names are "<subject>.<figure>"), so tests/test_catalogue.py builds every
entry on the sample store and on an empty store and checks the rules above. The page then does
`ui.show(ui.run(catalogue.sales.monthly, as_of), key="sal_monthly")`.

The pages
---------
PAGES lists every page once (url path, title, script, icon, section); app.py's navigation,
analytics.screenshots, the tests and benchmarks/pages.py all read it. Add a page with one PageSpec line.
"""
from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

# ---------------------------------------------------------------------------
# Entries
# ---------------------------------------------------------------------------
MISSING_DEFAULT = "所选数据日期和产业下暂无数据。"


@dataclass(frozen=True)
class Entry:
    """One named chart or table, ready to show or download (see the module docstring)."""
    name: str
    title: str
    frame: pd.DataFrame
    labels: dict[str, str]
    filename: str
    empty_message: str = MISSING_DEFAULT
    figure: object | None = None            # plotly.graph_objects.Figure, None for a table
    footnote: str = ""
    digits: dict[str, int] = field(default_factory=dict)
    dates: tuple[str, ...] = ()             # date columns, shown and downloaded as dates
    colors: dict[str, dict[str, str]] = field(default_factory=dict)   # table: {column: {value: CSS colour}}
    widths: dict[str, str] = field(default_factory=dict)              # table: {column: small|medium|large}
    wrap: tuple[str, ...] = ()              # table: long-text columns, shown wrapped in full

    @property
    def is_chart(self) -> bool:
        return self.figure is not None

    @property
    def empty(self) -> bool:
        return self.frame is None or self.frame.empty


REGISTRY: dict[str, Callable[..., Entry]] = {}


def entry(name: str):
    """Register an entry function under `name` ("<subject>.<figure>"); returns the function unchanged."""
    def deco(func):
        if name in REGISTRY and REGISTRY[name] is not func:
            raise ValueError(f"目录中已有同名图表：{name}")
        REGISTRY[name] = func
        func.entry_name = name
        return func
    return deco


def is_partial_month(as_of: date) -> bool:
    """True when as_of is not the last day of its month: the month's figures are not complete."""
    return as_of.day != calendar.monthrange(as_of.year, as_of.month)[1]


def partial_note(as_of: date) -> str | None:
    """'2025年6月数据截至6月15日（不完整月份，斜线标出）', or None when as_of ends its month."""
    if not is_partial_month(as_of):
        return None
    return f"{as_of.year}年{as_of.month}月数据截至{as_of.month}月{as_of.day}日（不完整月份，斜线标出）"


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class PageSpec:
    """One dashboard page: url path (st.Page url_path), navigation title, script, icon, section;
    `charts` False for pages that show tables only (the browser test expects charts elsewhere)."""
    path: str
    title: str
    script: str
    icon: str
    section: str = "看板"
    charts: bool = True


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "总览", "pages/overview.py", ":material/dashboard:"),
    PageSpec("economy", "经济运行", "pages/economy.py", ":material/trending_up:"),
    PageSpec("entities", "市场主体", "pages/entities.py", ":material/storefront:"),
    PageSpec("structure", "产业结构", "pages/structure.py", ":material/donut_large:"),
    PageSpec("projects", "招商项目", "pages/projects.py", ":material/handshake:"),
    PageSpec("targets", "目标任务", "pages/targets.py", ":material/flag:"),
    PageSpec("sales", "助企帮销", "pages/sales.py", ":material/shopping_cart:"),
    PageSpec("service", "企业服务", "pages/service.py", ":material/support_agent:"),
    PageSpec("quality", "数据质量", "pages/quality.py", ":material/fact_check:", charts=False),
    PageSpec("briefing", "月度简报", "pages/briefing.py", ":material/article:", section="数据管理", charts=False),
    PageSpec("upload", "数据导入", "pages/upload.py", ":material/upload_file:", section="数据管理", charts=False),
)
DEFAULT_PAGE = PAGES[0].path
# pages that show the data (screenshots, benchmarks); the upload page is a form behind the analyst login
DASHBOARD_PAGES: tuple[PageSpec, ...] = tuple(p for p in PAGES if p.path != "upload")


def page(path: str) -> PageSpec:
    """The PageSpec of a url path ('economy')."""
    for p in PAGES:
        if p.path == path:
            return p
    raise KeyError(f"没有这个页面：{path}（可选：{'、'.join(p.path for p in PAGES)}）")


# the subject modules register their entries on import (kept last: they import Entry and entry from here)
from analytics.catalogue import (  # noqa: E402,F401,E501
    entities,
    history,
    indicators,
    industry,
    projects,
    quality,
    sales,
    service,
    structure,
    targets,
)
