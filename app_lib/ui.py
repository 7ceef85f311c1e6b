"""Streamlit helpers shared by app.py and the pages: the connection, the cached
library calls, the sidebar filters, and the screenshot-ready chart/table/metric widgets.

Pages arrange widgets and call the library through `run(...)`; they never
write SQL or group frames themselves.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import importlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable

import pandas as pd
import streamlit as st

from analytics import charts, literal, shared, store
from app_lib.export import to_xlsx_bytes

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALL_SECTORS = "全部产业"
AS_OF_KEY = "as_of"
STYLED_ROWS_MAX = 1000   # pandas Styler costs ~0.1 ms a row on every rerun: plain text beyond this
SECTOR_KEY = "sector"
MISSING_TEXT = "—"       # an empty cell in a table (Streamlit would print "None")
# a date's hyphen in a table cell, with word joiners (U+2060) either side: the browser may break a line after
# "-", and a narrow date column at 1366 px showed "2025-06-" / "15"
DATE_HYPHEN = "\u2060-\u2060"


# ---------------------------------------------------------------------------
# Connection, data version, cached library calls
# ---------------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def _connection(path: str):
    return store.connect(path)


def connection():
    """The process-wide DuckDB connection to the store (PARK_DB, else data/park.duckdb); in the
    multi-process deployment (analytics.shared, PARK_SHARED=1) a read-only one to its current snapshot."""
    if shared.enabled():
        return shared.viewer_connection(store.default_db_path())
    return _connection(store.default_db_path())


def data_version() -> int:
    """The store's data version (changes on every import or rollback); part of every cache key."""
    with connection().cursor() as cur:
        return store.data_version(cur)


MEMO_ENTRIES = 1024      # results kept per process (all sessions share them)
_MEMO: OrderedDict[tuple, object] = OrderedDict()
_MEMO_LOCK = threading.Lock()


def _call(db: str, module: str, qualname: str, args: tuple, kwargs: tuple):
    func = importlib.import_module(module)
    for part in qualname.split("."):
        func = getattr(func, part)
    with (connection() if shared.enabled() else _connection(db)).cursor() as cur:
        return func(cur, *args, **dict(kwargs))


def _frozen(value):
    """What the memo keeps: figures as plain dicts (a plotly Figure costs ~0.1 s to unpickle or validate)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and hasattr(value, "figure") \
            and value.figure is not None and hasattr(value.figure, "to_plotly_json"):
        return dataclasses.replace(value, figure=_FigureSpec(value.figure.to_dict()))
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_frozen(v) for v in value) if not hasattr(value, "_fields") else value
    if hasattr(value, "to_plotly_json"):
        return _FigureSpec(value.to_dict())
    return value


class _FigureSpec(dict):
    """A figure as plain data (plotly's to_dict, typed arrays decoded back to numpy arrays)."""

    def __init__(self, spec: dict):
        super().__init__(_decoded(spec))


def _decoded(value):
    """plotly 6 writes arrays as {"dtype", "bdata"[, "shape"]} (base64): back to numpy arrays."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value and set(value) <= {"bdata", "dtype", "shape"}:
            import base64

            import numpy as np
            arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
            if value.get("shape"):
                shape = value["shape"]
                arr = arr.reshape([int(n) for n in (shape.split(",") if isinstance(shape, str) else shape)])
            return arr.copy()
        return {k: _decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decoded(v) for v in value]
    return value


def _thawed(value):
    """A copy a page may change without changing the memo: frames shallow-copied (pandas copy-on-write),
    figures rebuilt from their dict without validation (they were valid when made), containers copied."""
    if isinstance(value, pd.DataFrame) or isinstance(value, pd.Series):
        return value.copy(deep=False)
    if isinstance(value, _FigureSpec):
        import plotly.graph_objects as go
        return go.Figure(copy.deepcopy(dict(value)), _validate=False)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: _thawed(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    if isinstance(value, dict):
        return {k: _thawed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_thawed(v) for v in value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(_thawed(v) for v in value)
    return copy.copy(value)


def run(func: Callable, *args, **kwargs):
    """func(cursor, *args, **kwargs), cached by the store's data version and the arguments.

    `func` is a library function whose first parameter is a DuckDB connection or cursor.
    One result per key for the whole process (not st.cache_data: no pickling, so no plotly figure is
    rebuilt and validated on every page view); each caller gets a copy it may change (_thawed).
    """
    db = store.default_db_path()
    key = (db, func.__module__, func.__qualname__, data_version(), tuple(args), tuple(sorted(kwargs.items())))
    with _MEMO_LOCK:
        hit = _MEMO.get(key, _MISSING)
        if hit is not _MISSING:
            _MEMO.move_to_end(key)
    if hit is _MISSING:
        hit = _frozen(_call(db, key[1], key[2], key[4], key[5]))
        with _MEMO_LOCK:
            _MEMO[key] = hit
            while len(_MEMO) > MEMO_ENTRIES:
                _MEMO.popitem(last=False)
    return _thawed(hit)


_MISSING = object()


# ---------------------------------------------------------------------------
# Filters (sidebar widgets live in app.py; pages read them here)
# ---------------------------------------------------------------------------
def default_as_of() -> dt.date:
    """The latest date the data supports (analytics.summary.default_as_of), today when the store is empty."""
    from analytics import summary
    value = run(summary.default_as_of)
    if value is None:
        return dt.date.today()
    return pd.Timestamp(value).date()


def as_of() -> dt.date:
    """The sidebar's as-of date."""
    value = st.session_state.get(AS_OF_KEY)
    if value is None:
        return dt.date.today()
    return value


def sector() -> str | None:
    """The sidebar's sector, or None for every sector."""
    value = st.session_state.get(SECTOR_KEY, ALL_SECTORS)
    return None if value in (None, ALL_SECTORS) else value


def ledger_is_newer(dataset: str, day: dt.date) -> bool:
    """True when `dataset` holds dates later than `day` (metrics.quality.latest_periods): a chart of the
    ledger's current state (project stages) then shows things the as-of date cannot know about."""
    from analytics.metrics import quality
    latest = run(quality.latest_periods)
    row = latest[latest["dataset"] == dataset]
    if row.empty or pd.isna(row["latest"].iloc[0]):
        return False
    return pd.Timestamp(row["latest"].iloc[0]).date() > day


def sector_text() -> str:
    """'（医疗器械）' when a sector is selected, '' otherwise: appended to chart titles."""
    s = sector()
    return f"（{s}）" if s else ""


# ---------------------------------------------------------------------------
# Page elements
# ---------------------------------------------------------------------------
# Streamlit's own chrome, fixed by CSS on its stable data-testids (app.py calls style() on every run):
# - metric cards: label and change wrap instead of ending in "…"; the value scales with the card (14 % of its
#   width: "9000余万元" on one line in a sixth of the page at 1366 px, it broke into "9000余" / "万元");
# - English that Streamlit has no setting for is hidden or replaced: the main menu (Print, Record screen,
#   Made with Streamlit), the element toolbars of tables and charts (Download as CSV: also a formula-
#   injection risk, the page's own .xlsx buttons stay; Search; Fullscreen), the running indicator
#   (Running… / Stop), the file uploader's "Drag and drop files here", "Limit 50MB per file • XLSX…"
#   and "Browse files"/"Upload" (the uploader's own text in Chinese), the skip link;
# - static tables (ui.table) wrap their cells.
APP_CSS = """
<style>
[data-testid="stMetric"] .stMarkdownEllipsis { overflow: visible !important; text-overflow: clip !important;
    white-space: normal !important; }
[data-testid="stMetric"] .stMarkdownEllipsis p { white-space: normal !important; overflow-wrap: anywhere; }
[data-testid="stMetric"] { container-type: inline-size; }
[data-testid="stMetricValue"] { font-size: min(clamp(1.3rem, 1.75vw, 2.25rem), 14cqw) !important; line-height: 1.2; }
[data-testid="stMetricValue"] .stMarkdownEllipsis p { overflow-wrap: normal; word-break: keep-all; }
[data-testid="stMetricLabel"] { height: auto !important; min-height: 1.5rem; }
[data-testid="stMetricDelta"] { height: auto !important; }
[data-testid="stMetricDelta"] > div { white-space: normal !important; overflow: visible !important; }
[data-testid="stMainMenu"], [data-testid="stElementToolbar"], [data-testid="stToolbarActions"],
[data-testid="stAppDeployButton"] { display: none !important; }
.modebar-btn[data-title="Fullscreen"], .modebar-btn[data-title="Exit fullscreen"] { display: none !important; }
[role="listbox"][data-empty] span { font-size: 0 !important; }
[role="listbox"][data-empty] span::after { content: "没有匹配的选项"; font-size: 0.875rem; }
[data-testid="stStatusWidget"] > * { display: none !important; }
[data-testid="stStatusWidget"]::before { content: "正在更新"; font-size: 0.85rem; color: #616e7c; padding: 0 0.5rem; }
[data-testid="stFileUploaderDropzoneInstructions"] > div > span,
[data-testid="stFileUploaderDropzoneInstructions"] > div > small { display: none !important; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after { content: "将文件拖到此处，或点击“选择文件”；每个文件不超过50MB";
    font-size: 0.875rem; color: #616e7c; }
[data-testid="stFileUploaderDropzone"] button[data-testid="stBaseButton-secondary"],
[data-testid="stFileUploaderDropzone"] button[data-testid="stBaseButton-secondary"] * { font-size: 0 !important; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stIconMaterial"] { font-size: 1.25rem !important; }
[data-testid="stFileUploaderDropzone"] button[data-testid="stBaseButton-secondary"]::after { content: "选择文件";
    font-size: 0.875rem; }
a[href="#main-content"], [data-testid="stSkipLink"] { font-size: 0 !important; }
a[href="#main-content"]::after, [data-testid="stSkipLink"]::after { content: "跳到主要内容"; font-size: 0.875rem; }
[data-testid="stTable"] td, [data-testid="stTable"] th { white-space: normal !important; overflow-wrap: break-word;
    word-break: normal; min-width: 4.6em; font-size: 0.875rem; padding: 0.35rem 0.5rem !important; }
[data-testid="stTable"] th { word-break: keep-all; }
[data-testid="stTable"] { overflow-x: auto; }
[data-testid="stDownloadButton"] button p, [data-testid="stBaseButton-tertiary"] p { white-space: normal !important; }
</style>
"""


# Streamlit's date input (react-aria segments) applies a typed date only when the focus leaves the whole
# field: Enter did nothing and Tab from the day went to the field's own calendar button. This makes Enter,
# and Tab from the last segment, move the focus to the next control after the field, which applies it.
DATE_KEYS_JS = """<script>
(() => {
  if (window.__parkDateKeys) return;
  window.__parkDateKeys = true;
  const focusable = 'input, button, select, textarea, a[href], [tabindex="0"]';
  document.addEventListener('keydown', (ev) => {
    const seg = ev.target && ev.target.closest && ev.target.closest('[data-testid="stDateInput"] [role="spinbutton"]');
    if (!seg) return;
    const field = seg.closest('[data-testid="stDateInput"]');
    const segs = [...field.querySelectorAll('[role="spinbutton"]')];
    const last = seg === segs[segs.length - 1];
    if (!(ev.key === 'Enter' || (ev.key === 'Tab' && !ev.shiftKey && last))) return;
    ev.preventDefault();
    ev.stopPropagation();
    const next = [...document.querySelectorAll(focusable)].find(e => !field.contains(e) && e.offsetParent !== null
        && (field.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING));
    if (next) next.focus(); else seg.blur();
  }, true);
})();
</script>"""


def style() -> None:
    """Inject APP_CSS (call once per run, from app.py)."""
    st.html(APP_CSS)


def date_keys() -> None:
    """Install DATE_KEYS_JS (call inside the sidebar, after the date input: it takes no visible room)."""
    st.html(DATE_KEYS_JS, unsafe_allow_javascript=True)


def shell_guard() -> None:
    """Make sure app.py (navigation, sidebar filters) ran before this page.

    With a pages/ folder next to app.py, a server process whose FIRST request is a page URL
    (e.g. a bookmarked /projects after a restart) runs in Streamlit's old pages-folder mode:
    the page script alone, without app.py. app.py's st.navigation switches that mode off for the
    whole process, so when it is still on here, switch it off and rerun: the same URL then goes
    through app.py (page url_paths equal the file names, so the page is the same).
    """
    from streamlit.runtime.pages_manager import PagesManager
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def header(title: str, caption: str | None = None) -> None:
    """The page title with the as-of date and sector in a caption (runs shell_guard first)."""
    shell_guard()
    st.title(title)
    from analytics import fmt
    bits = [f"数据日期：{fmt.date_cn(as_of())}", f"产业：{sector() or ALL_SECTORS}"]
    if caption:
        bits.append(caption)
    st.caption("　|　".join(bits))
    latest = default_as_of()
    if as_of() > latest:
        # months after the last imported record are not zero, they are unknown: say so above every figure
        st.warning(f"所选数据日期晚于库中数据的最新日期（{fmt.date_cn(latest)}）：此后的月份尚未导入数据，"
                   f"图表中这些月份为空，“近一年”“累计”等指标只含到{fmt.date_cn(latest)}为止的记录。",
                   icon=":material/warning:")


def require(condition: bool, message: str) -> None:
    """A missing precondition: say so and stop the page (never a blank page or an exception)."""
    if not condition:
        st.info(message)
        st.stop()


def require_data(condition: bool, datasets: tuple[str, ...], subject: str, empty_store_message: str) -> None:
    """Like require, but says WHY there is nothing to show: `empty_store_message` (what to import) when
    none of `datasets` (schema dataset names) has a row; otherwise the data exist but not at the chosen
    as-of date / sector, and the page says so instead of asking for an import that was already done."""
    if condition:
        return
    from analytics import fmt
    from analytics.metrics import quality
    counts = run(quality.dataset_counts)
    if int(counts.loc[counts["dataset"].isin(datasets), "rows"].sum()) == 0:
        require(False, empty_store_message)
    where = f"所选数据日期（{fmt.date_cn(as_of())}）" + (f"和产业（{sector()}）" if sector() else "")
    require(False, f"{where}下暂无{subject}：库中已有数据，请调整侧栏的“数据日期”或“产业”。")


def is_empty(frame) -> bool:
    return frame is None or (isinstance(frame, pd.DataFrame) and frame.empty)


def download_xlsx(frame: pd.DataFrame, labels: dict[str, str] | None, filename: str, key: str,
                  title: str | None = None, label: str = "下载数据（Excel）",
                  digits: dict[str, int] | None = None) -> None:
    """A download button for `frame` as .xlsx with Chinese headers (`labels`: column -> header), numbers
    rounded as the page shows them (`digits` {column: decimals}, app_lib.export)."""
    cols = [c for c in labels if c in frame.columns] if labels else list(frame.columns)
    part = frame[cols]

    def build() -> bytes:       # deferred: the workbook is written only when the button is clicked
        return to_xlsx_bytes(part, labels, title=title, digits=digits)

    st.download_button(label, data=build, file_name=f"{filename}.xlsx", mime=XLSX_MIME, key=f"dl_{key}",
                       icon=":material/download:", type="tertiary", on_click="ignore")


def chart(fig, frame: pd.DataFrame, *, key: str, filename: str, labels: dict[str, str] | None = None,
          empty_message: str = "所选日期和产业下暂无数据。", selectable: bool = False, download: bool = True):
    """Show a figure with its xlsx download; an empty `frame` shows an explicit empty state.

    Returns the selection state when `selectable` (st.plotly_chart on_select='rerun'), else None.
    """
    if is_empty(frame):
        st.info(f"{literal.text(_title_of(fig))}：{empty_message}")
        return None
    kwargs = dict(key=key, config=charts.chart_config(filename), theme=None)
    if selectable:
        kwargs.update(on_select="rerun", selection_mode=("points",))
    state = st.plotly_chart(fig, **kwargs)
    if download:
        download_xlsx(frame, labels, filename, key, title=_title_of(fig))
    return state if selectable else None


def rounded(frame: pd.DataFrame, digits: dict[str, int]) -> pd.DataFrame:
    """A copy with each column of `digits` rounded 四舍五入 (analytics.fmt.round_half_up), as shown."""
    from analytics import fmt
    out = frame.copy()
    for col, d in digits.items():
        if col in out.columns and pd.api.types.is_numeric_dtype(out[col]):
            out[col] = [v if pd.isna(v) else float(fmt.round_half_up(float(v), d)) for v in out[col]]
    return out


def show(item, *, key: str, selectable: bool = False, download: bool = True, height: int | str | None = None,
         empty_message: str | None = None, slot: float = 1 / 3):
    """Place a catalogue entry (analytics.catalogue.Entry): its chart or table, its .xlsx download, or its
    empty state. `slot` is the chart's share of the page width (1/3, 1/2, 1): its title is laid out for it
    (analytics.charts.retitle). Returns the chart's selection state when `selectable`, else None."""
    message = empty_message or item.empty_message
    if item.is_chart:
        if item.empty:
            st.info(f"{literal.text(item.title)}：{message}")  # titles may hold workbook names
            return None
        kwargs = dict(key=key, config=charts.chart_config(item.filename), theme=None)
        if selectable:
            kwargs.update(on_select="rerun", selection_mode=("points",))
        state = st.plotly_chart(charts.retitle(item.figure, item.title, slot), **kwargs)
        if download:
            download_xlsx(item.frame, item.labels, item.filename, key, title=item.title, digits=item.digits)
        return state if selectable else None
    table(item.frame, item.labels, key=key, filename=item.filename, title=item.title, empty_message=message,
          height=height or "auto", digits=item.digits, dates=item.dates, colors=item.colors, widths=item.widths,
          wrap=item.wrap, download=download)
    return None


def selected_values(state, field: str = "x") -> list:
    """The clicked categories of a selectable chart: the point's `x` (or 'y', 'label', 'customdata')."""
    if not state:
        return []
    try:
        points = state["selection"]["points"]
    except (KeyError, TypeError):
        points = getattr(getattr(state, "selection", None), "points", []) or []
    out = []
    for p in points:
        value = p.get(field) if isinstance(p, dict) else None
        if field == "customdata" and isinstance(value, list):
            value = value[0]
        if value is not None and value not in out:
            out.append(value)
    return out


def sync_selection(state, field: str, widget_key: str, options) -> None:
    """Carry a chart click into a filter widget (call BEFORE the widget is drawn).

    A new click sets the widget `widget_key` to the clicked value (when it is one of `options`);
    clearing the selection resets it to the first option. The user's own choice otherwise stays.
    """
    clicked = selected_values(state, field)
    memo = f"_click_{widget_key}"
    if clicked == st.session_state.get(memo, []):
        return
    st.session_state[memo] = clicked
    if clicked and clicked[0] in options:
        st.session_state[widget_key] = clicked[0]
    elif not clicked:
        st.session_state[widget_key] = options[0]


def table(frame: pd.DataFrame, labels: dict[str, str], *, key: str, filename: str, title: str | None = None,
          empty_message: str = "暂无符合条件的记录。", height: int | str = "auto",
          column_config: dict | None = None, colors: dict[str, dict[str, str]] | None = None,
          digits: dict[str, int] | None = None, dates: tuple[str, ...] = (), widths: dict[str, str] | None = None,
          wrap: tuple[str, ...] = (), download: bool = True) -> None:
    """A table with Chinese headers (only the columns in `labels`, in that order) and an xlsx download.

    Drawn as a static table (st.table) whose cells wrap, so no column is cut at the right edge and no
    cell ends in "…", with no toolbar (Streamlit's English "Download as CSV", "Search", "Fullscreen");
    a table taller than `height` px scrolls inside. Every cell is text as the page shows it: numbers
    rounded 四舍五入 to `digits` {column: decimals} (or the "%.1f" format of a `column_config`
    NumberColumn), dates YYYY-MM-DD, "—" when empty. `colors` {column: {cell value: CSS colour}} colours
    the text of those cells (traffic lights), for tables up to STYLED_ROWS_MAX rows. The download rounds
    the same way. (`widths` and `wrap` are kept for the catalogue's entries; every column wraps.)
    """
    if title:
        st.markdown(f"**{literal.text(title)}**")
    if is_empty(frame):
        st.info(empty_message)
        return
    digits = dict(digits or {})
    dates = tuple(dates)
    for col, cfg in (column_config or {}).items():
        found = _config_digits(cfg)
        if found is not None and col not in digits:
            digits[col] = found
        if _config_is_date(cfg) and col not in dates:
            dates += (col,)
    cols = [c for c in labels if c in frame.columns]
    _wrapped_table(frame[cols], labels, digits, dates, colors, height)
    if download:
        download_xlsx(frame[cols], labels, filename, key, title=title, digits=digits)


def _config_digits(cfg) -> int | None:
    """2 for a NumberColumn(format='%.2f') (or '%+.1f' -> 1), else None."""
    fmt_text = ((cfg or {}).get("type_config") or {}).get("format") if isinstance(cfg, dict) else None
    m = re.search(r"\.(\d+)f", fmt_text or "")
    return int(m.group(1)) if m else None


def _config_is_date(cfg) -> bool:
    return isinstance(cfg, dict) and ((cfg.get("type_config") or {}).get("type") in ("date", "datetime"))


def _cell_text(value, digits: int | None, is_date: bool) -> str:
    from analytics import fmt
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return MISSING_TEXT
    if is_date or isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Timestamp(value).strftime("%Y-%m-%d").replace("-", DATE_HYPHEN)
    if isinstance(value, bool):
        return "是" if value else "否"
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()          # numpy scalars
    if isinstance(value, float) and digits is None:
        digits = 2 if not value.is_integer() else 0
    if digits is not None and isinstance(value, (int, float)):
        return f"{fmt.round_half_up(float(value), digits):.{digits}f}"
    return str(value)


def _wrapped_table(frame: pd.DataFrame, labels: dict[str, str], digits: dict[str, int], dates, colors,
                   height) -> None:
    """Every cell as text (rounded, dates YYYY-MM-DD, — when empty) in st.table, whose cells wrap."""
    shown = pd.DataFrame({labels[c]: [_cell_text(v, digits.get(c), c in dates) for v in frame[c]]
                          for c in frame.columns})
    if colors and len(shown) <= STYLED_ROWS_MAX:
        styler = shown.style.hide(axis="index")
        for col, mapping in colors.items():
            if col in labels and labels[col] in shown.columns:
                styler = styler.map(lambda v, m=mapping: f"color: {m[v]}; font-weight: 600" if v in m else "",
                                    subset=[labels[col]])
        shown = styler
    st.table(shown, hide_index=True, height=height if isinstance(height, int) else "content")


def metric(label: str, value: str, delta: str | None = None, *, trend=None, help: str | None = None,
           delta_color: str = "normal", delta_arrow: str = "auto", chart_type: str = "line") -> None:
    """A bordered metric card with an optional change and a small trend (a list of numbers, oldest first)."""
    trend = [float(v) for v in trend if v is not None and not pd.isna(v)] if trend is not None else None
    st.metric(label, value, delta, help=help, border=True, delta_color=delta_color, delta_arrow=delta_arrow,
              chart_data=trend if trend and len(trend) > 1 else None, chart_type=chart_type)


def cards(row, widths: list[float] | None = None) -> None:
    """A row of metric cards (analytics.catalogue.cards.Card), one column each (`widths` relative)."""
    for col, card in zip(st.columns(widths or len(row)), row):
        with col:
            metric(card.label, literal.text(card.value) if card.literal else card.value, card.delta,
                   trend=card.trend or None, help=card.help, chart_type=card.chart_type,
                   delta_color="off" if card.neutral else "normal", delta_arrow="off" if card.neutral else "auto")


def _title_of(fig) -> str:
    try:
        return str(fig.layout.title.text or "图表")
    except AttributeError:
        return "图表"
