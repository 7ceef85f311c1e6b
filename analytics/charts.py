"""Plotly figure builders for the dashboard and the briefing: f(frame, ...) -> Figure.

No streamlit here. Every figure is screenshot-ready on its own:
  * the title names the subject and its period ("规上工业增加值累计增速（2025年1-5月）");
  * the axes carry their units ("万元", "%", "户");
  * a footnote INSIDE the figure names the source dataset and the data's date,
    and for growth figures the price basis (现价 / 可比价);
  * fonts are Noto Sans CJK SC first, so Chinese glyphs take their
    simplified-Chinese forms in the browser and in the briefing's images (analytics.chartdraw);
  * colours come from the constants below and nowhere else.

Builders never mutate the frame they are given. An empty frame gives a figure
that says 暂无数据 (the dashboard shows st.info before getting that far).
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from analytics import fmt
from analytics.schema import SECTORS, STAGES

# ---------------------------------------------------------------------------
# The one colour scheme
# ---------------------------------------------------------------------------
FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
PRIMARY = "#1f6f8b"      # the park's blue (also the theme's primaryColor)
SECONDARY = "#e07a5f"    # comparisons: last year, official rate, 'after'
MUTED = "#9aa5b1"        # context: prior values, 'before'
POSITIVE = "#2e8b57"
NEGATIVE = "#c0392b"
TEXT = "#1f2933"
GRID = "#e4e7eb"

SECTOR_COLORS: dict[str, str] = {
    "医疗器械": "#1f6f8b",
    "医药": "#e07a5f",
    "食品保健品": "#81b29a",
    "生产性服务业": "#f2a541",
    "绿色算力": "#6a4c93",
    "其他": "#9aa5b1",
}
assert set(SECTOR_COLORS) == set(SECTORS)
STAGE_COLORS: dict[str, str] = {"洽谈": "#9ecae1", "签约": "#4292c6", "开工": "#1f6f8b", "投产": "#2e8b57",
                                "停滞": "#c0392b"}
assert set(STAGE_COLORS) == set(STAGES)
LIGHT_COLORS: dict[str, str] = {"红": "#d64545", "黄": "#e9b949", "绿": "#3c9d5d"}
ENTITY_TYPE_COLORS: dict[str, str] = {"企业": "#1f6f8b", "个体工商户": "#f2a541", "农民专业合作社": "#81b29a"}
DEMAND_STATUS_COLORS: dict[str, str] = {"已办结": "#3c9d5d", "办理中": "#e9b949", "未办理": "#d64545"}
COMPARISON_COLORS: dict[str, str] = {"节点前": MUTED, "节点后": PRIMARY, "上年同期": MUTED, "本年": PRIMARY}
# for series without a fixed meaning (channels, visit types, ...)
SEQUENCE: tuple[str, ...] = ("#1f6f8b", "#e07a5f", "#81b29a", "#f2a541", "#6a4c93", "#3d405b", "#9aa5b1",
                             "#c44569", "#2a9d8f", "#8d6e63")

FIXED_COLORS: dict[str, str] = {**SECTOR_COLORS, **STAGE_COLORS, **LIGHT_COLORS, **ENTITY_TYPE_COLORS, **DEMAND_STATUS_COLORS,
                                 **COMPARISON_COLORS}

HEIGHT_PX = 380
SPARK_HEIGHT_PX = 60
BASIS_LABELS = {"current": "现价", "comparable": "可比价", "official": "可比价", "enterprise": "现价"}
MONTH_TICK_FORMAT = "%Y年%-m月"
AUTO_TICK_ANGLES_DEG = (0, -30, -90)
# value labels on bars: never shrunk below this size nor turned sideways; a label that does not fit
# inside its bar at this size goes outside it
BAR_TEXT_MIN_PX = 11
_BAR_TEXT = {"uniformtext": {"minsize": BAR_TEXT_MIN_PX, "mode": "show"}}
DIVERGING_PAD_SHARE = 0.15   # axis room beyond the longest horizontal bars, for the labels outside them
SMALL_COUNT_MAX = 8   # whole-number values up to this: one tick per unit (plotly would tick 0.5 个, 0.5 户)   # tick label angles plotly may choose from, in order
_MONTH_KEY = re.compile(r"^\d{4}-\d{2}(-01)?$")


def color_map(values: Sequence[str]) -> dict[str, str]:
    """A colour for each value: the fixed colour where one exists (sectors, stages, ...), else the sequence."""
    out: dict[str, str] = {}
    free = iter(SEQUENCE * (len(values) // len(SEQUENCE) + 1))
    for v in values:
        out[v] = FIXED_COLORS.get(v) or next(free)
    return out


def footnote(source: str, data_date: str | None = None, basis: str | None = None, note: str | None = None) -> str:
    """'数据来源：统计部门规上工业月报 · 数据截至2025年5月 · 现价' (basis may be a key of BASIS_LABELS)."""
    parts = [f"数据来源：{source}"]
    if data_date:
        parts.append(f"数据截至{data_date}")
    if basis:
        parts.append(BASIS_LABELS.get(basis, basis))
    if note:
        parts.append(note)
    return " · ".join(parts)


# plotly's own texts (modebar tooltips, download messages) in Chinese: the browser bundle registers no
# zh-CN locale, so config.locale alone left them in English
PLOTLY_ZH_CN: dict[str, str] = {
    "Download plot as a PNG": "下载图片（PNG）", "Download plot": "下载图片", "Zoom": "缩放", "Pan": "平移",
    "Zoom in": "放大", "Zoom out": "缩小", "Reset axes": "还原坐标轴", "Autoscale": "自动缩放",
    "Reset": "还原", "Reset view": "还原视图", "Reset views": "还原视图", "Box Select": "框选",
    "Lasso Select": "套索选择", "Toggle Spike Lines": "显示/隐藏辅助线",
    "Show closest data on hover": "悬停显示最近的数据", "Compare data on hover": "悬停比较数据",
    "Toggle show closest data on hover": "切换悬停显示方式",
    "Preparing image - this may take a few seconds": "正在生成图片，请稍候",
    "Image download succeeded": "图片已下载", "Sorry, there was a problem downloading your image!": "图片下载失败",
    "Double-click to zoom back out": "双击还原",
}


def chart_config(filename: str) -> dict:
    """The plotly config: modebar download as a 2x PNG named `filename` (Chinese, no extension)."""
    safe = "".join(ch for ch in filename if ch not in '\\/:*?"<>|').strip() or "图表"
    return {
        "displaylogo": False,
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
        "toImageButtonOptions": {"format": "png", "filename": safe, "scale": 2},
        "locale": "zh-CN",
        "locales": {"zh-CN": {"dictionary": dict(PLOTLY_ZH_CN)}},
    }


# the bands of a figure, top to bottom: title (wrapped by rule, never cut), its period as a subtitle, the
# legend in its own band, the plot, the tick labels, and the source footnote as the x axis's title (so
# plotly's automargin keeps it below the tick labels however they turn). Widths are budgeted for the
# narrowest slot a chart gets: a third of the page at 1366 px (about 300 px).
TITLE_LINE_CHARS = 16          # 17 px CJK characters in a 300 px slot
SUBTITLE_LINE_CHARS = 24       # 12 px
FOOT_LINE_CHARS = 22           # 11 px
LEGEND_SLOT_PX = 280           # the legend's width budget, for its row count
MARKER_NUMBERS = "①②③④⑤⑥⑦⑧⑨"
MIN_PLOT_PX = 160              # the plot keeps at least this height: a taller legend band grows the figure
MARKER_BAND_PX = 30            # room above the plot for ①② (two lines when close)
TICK_BAND_PX = 56             # month labels turned -30°
FOOT_LINE_PX = 15
BOTTOM_BAND_PX = 110           # tick labels, axis title and footnote, for the growth rule above
TITLE_PAD_PX = 10
TITLE_LINE_PX = 22
SUBTITLE_LINE_PX = 17
LEGEND_ROW_PX = 22
BAND_GAP_PX = 8
FOOT_COLOR = "#616e7c"
_TITLE_BREAKS = "：、与和及"
# a y axis title is turned along the plot's height; in a third of the page at 1366 px the plot of a monthly
# chart is about 110 px high, and "当月帮销额（万元）" (9 characters, about 145 px) ran over the tick labels
# below it: a title longer than this many character widths puts its unit bracket on a second line
Y_TITLE_LINE_CHARS = 6


def split_title(title: str) -> tuple[str, str]:
    """'各产业拉动规上工业增加值增长（2025年1-5月）' -> ('各产业拉动规上工业增加值增长', '2025年1-5月'):
    the subject, and the period of a trailing bracket (the subtitle); ('…', '') when there is none."""
    if title.endswith("）") and "（" in title:
        i = title.rindex("（")
        if i > 0:
            return title[:i], title[i + 1:-1]
    return title, ""


def _text_width(text: str) -> float:
    """Width in character widths: CJK and full-width characters 1, others about 0.55."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in text)


def wrap_text(text: str, line_chars: int, breaks: str = _TITLE_BREAKS) -> list[str]:
    """Lines of at most `line_chars` character widths, broken after one of `breaks` when there is one in the
    second half of the line, else at the width; never shortened with an ellipsis."""
    lines, rest = [], text
    while _text_width(rest) > line_chars:
        cut, width = 0, 0.0
        for i, ch in enumerate(rest):
            width += _text_width(ch)
            if width > line_chars:
                break
            cut = i + 1
        # the first kind of break (in the order of `breaks`) found in the line's second half
        for mark in breaks:
            soft = max((i + 1 for i in range(cut // 2, cut) if rest[i] == mark), default=0)
            if soft:
                cut = soft
                break
        lines.append(rest[:cut])
        rest = rest[cut:]
    return lines + ([rest] if rest else [])


def wrap_parts(parts: Sequence[str], line_chars: int, sep: str = " · ") -> list[str]:
    """Join parts with `sep` into lines of at most line_chars widths (a part longer than that is wrapped);
    a line that ends between two parts keeps the separator at its end, so the lines joined give the text."""
    lines: list[str] = []
    for part in parts:
        if lines and _text_width(lines[-1] + sep + part) <= line_chars:
            lines[-1] += sep + part
        else:
            if lines:
                lines[-1] += sep
            lines += wrap_text(part, line_chars, "，、；：")
    return lines


def retitle(fig: go.Figure, title: str, slot: float) -> go.Figure:
    """Re-apply the title rule for a chart placed in `slot` (its share of the page width, 1/3 by default):
    a wider slot holds a longer first line. Returns the figure (changed in place)."""
    head, sub = title_lines(title, max(1.0, slot * 3))
    fig.update_layout(title_text=head, title_subtitle_text="<br>".join(sub) if sub else None)
    return fit_bands(fig)


def title_lines(title: str, scale: float = 1.0) -> tuple[str, list[str]]:
    """The rule for a chart title in a narrow slot, never an ellipsis: the subject on one line of at most
    TITLE_LINE_CHARS (cut after '：、与和及' where possible); what does not fit, then the period of a trailing
    bracket, go to the subtitle in lines of at most SUBTITLE_LINE_CHARS.
    '规上工业增加值累计增速：公布数与企业汇总（2025年）' -> ('规上工业增加值累计增速：', ['公布数与企业汇总 · 2025年'])."""
    subject, period = split_title(title)
    lines = wrap_text(subject, int(TITLE_LINE_CHARS * scale))
    rest = [t for t in ("".join(lines[1:]), period) if t]
    return lines[0] if lines else "", wrap_parts(rest, int(SUBTITLE_LINE_CHARS * scale)) if rest else []


def footnote_text(fig: go.Figure) -> str | None:
    """The figure's source footnote as one plain line (it is drawn as the x axis title, or as an annotation
    in a chart without axes), None when it has none."""
    import re
    texts = [a.text or "" for a in fig.layout.annotations] + [fig.layout.xaxis.title.text or ""]
    for t in texts:
        plain = re.sub(r"<[^>]+>", "", t.replace("<br>", "")).strip()
        if "数据来源" in plain:
            return plain[plain.index("数据来源"):]
    return None


def _legend_rows(fig: go.Figure) -> int:
    """Rows a horizontal legend takes in LEGEND_SLOT_PX (entries of 13 px text plus a 40 px symbol)."""
    if fig.layout.showlegend is False:
        return 0
    names = [str(t.name) for t in fig.data if t.name and t.showlegend is not False]
    if not names:
        return 0
    rows, used = 1, 0.0
    for n in names:
        w = _text_width(n) * 13 + 46
        if used and used + w > LEGEND_SLOT_PX:
            rows, used = rows + 1, 0.0
        used += w
    return rows


def fit_bands(fig: go.Figure) -> go.Figure:
    """Lay out the top bands (title lines, subtitle, legend rows) so that none overlaps another or the plot;
    call again after adding traces to a styled figure. A vertical legend (donut) keeps its place."""
    title = fig.layout.title.text or ""
    n_title = title.count("<br>") + 1 if title else 0
    sub = fig.layout.title.subtitle.text if fig.layout.title.subtitle else None
    n_sub = (sub.count("<br>") + 1) if sub else 0
    title_px = TITLE_PAD_PX + n_title * TITLE_LINE_PX + n_sub * SUBTITLE_LINE_PX
    height = fig.layout.height or HEIGHT_PX
    horizontal = fig.layout.legend.orientation != "v"
    rows = _legend_rows(fig) if horizontal else 0
    top = title_px + BAND_GAP_PX + (rows * LEGEND_ROW_PX + BAND_GAP_PX if rows else 0)
    if any((a.text or "") in MARKER_NUMBERS and a.text for a in fig.layout.annotations):
        top += MARKER_BAND_PX          # the numbered milestone lines label the plot's top edge
    # the bottom band: tick labels (turned when crowded) and the x axis title, whose lines carry the footnote
    x_title = fig.layout.xaxis.title.text or ""
    bottom = TICK_BAND_PX + (x_title.count("<br>") + 1) * FOOT_LINE_PX if x_title else BOTTOM_BAND_PX
    if height < top + bottom + MIN_PLOT_PX:
        height = top + bottom + MIN_PLOT_PX
    fig.update_layout(margin={"t": top}, height=height)
    _wrap_y_titles(fig)
    if horizontal:
        fig.update_layout(legend={"orientation": "h", "yref": "container", "y": 1 - (title_px + BAND_GAP_PX) / height,
                                  "yanchor": "top", "xref": "container", "x": 0.01, "xanchor": "left"})
    return fig


def y_title_text(title: str) -> str:
    """'当月帮销额（万元）' -> '当月帮销额<br>（万元）' when longer than Y_TITLE_LINE_CHARS widths, else unchanged."""
    i = title.find("（")
    if "<br>" in title or i <= 0 or _text_width(title) <= Y_TITLE_LINE_CHARS:
        return title
    return f"{title[:i]}<br>{title[i:]}"


def _wrap_y_titles(fig: go.Figure) -> None:
    for axis in fig.select_yaxes():
        if axis.title and axis.title.text:
            axis.title.text = y_title_text(axis.title.text)


def _style(fig: go.Figure, title: str, foot: str, x_title: str | None = None, y_title: str | None = None,
           height: int = HEIGHT_PX, legend: bool = True, foot_on_axis: bool = True) -> go.Figure:
    head, sub = title_lines(title)
    fig.update_layout(
        title={"text": head, "x": 0.01, "xref": "container",
               "xanchor": "left", "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": TITLE_PAD_PX},
               "font": {"size": 17, "color": TEXT},
               "subtitle": {"text": "<br>".join(sub) if sub else None, "font": {"size": 12, "color": FOOT_COLOR}}},
        font={"family": FONT_FAMILY, "size": 13, "color": TEXT},
        height=height,
        margin={"l": 60, "r": 24, "b": 24 if foot_on_axis else 40 + 15 * len(wrap_parts(foot.split(" · "),
                                                                                          FOOT_LINE_CHARS))},
        paper_bgcolor="white",
        plot_bgcolor="white",
        showlegend=legend,
        legend={"title": {"text": ""}},
        hoverlabel={"font": {"family": FONT_FAMILY}},
        separators=".,",
    )
    foot_html = "<br>".join(wrap_parts(foot.split(" · "), FOOT_LINE_CHARS))
    axis_title = (f"{x_title}<br>" if x_title else "") + f"<span style='font-size:11px;color:{FOOT_COLOR}'>{foot_html}</span>"
    # crowded tick labels rotate counter-clockwise (text ends at its tick): a clockwise label runs past the
    # right edge and plotly drops it, so the last month or category would have no label
    fig.update_xaxes(gridcolor=GRID, zerolinecolor=GRID, automargin=True,
                     autotickangles=list(AUTO_TICK_ANGLES_DEG), exponentformat="none", separatethousands=True)
    if foot_on_axis:
        fig.update_layout(xaxis_title={"text": axis_title, "standoff": 10})
    else:
        fig.update_xaxes(title_text=x_title)
        # from the figure's left edge, not the plot's (a 1/3 slot at 1366 px is about 290 px wide: a footnote
        # line of FOOT_LINE_CHARS after the 60 px left margin ran past its right edge)
        fig.add_annotation(text=foot_html, xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
                           xshift=-(fig.layout.margin.l or 0) + 8, yshift=-12, showarrow=False, align="left",
                           font={"size": 11, "color": FOOT_COLOR})
    fig.update_yaxes(title_text=y_title, gridcolor=GRID, zerolinecolor="#cbd2d9", automargin=True,
                     exponentformat="none", separatethousands=True)
    return fit_bands(fig)


def mark_partial_last(fig: go.Figure) -> go.Figure:
    """Hatch every bar at the largest x of the figure's bar traces: the last period is not complete
    (e.g. June with data to the 15th). The footnote says so in words (catalogue.partial_note)."""
    bars = [t for t in fig.data if isinstance(t, go.Bar) and t.x is not None and len(t.x)]
    keys = [[v if isinstance(v, str) else pd.Timestamp(v) for v in t.x] for t in bars]
    try:
        last = max(k for ks in keys for k in ks)
    except (TypeError, ValueError):      # no bars, or categories that are not periods
        return fig
    for t, ks in zip(bars, keys):
        t.marker.pattern = {"shape": ["/" if k == last else "" for k in ks], "fgcolor": "white", "size": 6,
                            "solidity": 0.4}
    return fig


def _empty(title: str, foot: str, height: int = HEIGHT_PX) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text="暂无数据", x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={"size": 16, "color": MUTED})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _style(fig, title, foot, height=height, legend=False, foot_on_axis=False)


def _number_text(values: pd.Series, digits: int) -> list[str]:
    """Value labels rounded 四舍五入 (analytics.fmt.number): 2.25 -> '2.3', not f-format's '2.2'."""
    return [("" if pd.isna(v) else fmt.number(v, digits, thousands=True)) for v in values]


def bar(frame: pd.DataFrame, x: str, y: str, *, title: str, foot: str, x_title: str | None = None,
        y_title: str | None = None, color: str | None = None, horizontal: bool = False,
        barmode: str = "group", digits: int = 0, text: bool = True, height: int = HEIGHT_PX,
        category_order: Sequence[str] | None = None, single_color: str | None = None,
        partial_last: bool = False) -> go.Figure:
    """Bars of `y` by `x` (one bar per row), one trace per value of `color` if given.

    partial_last hatches the bars of the last x (an incomplete last month, see mark_partial_last).

    With horizontal=True, `x` is still the category column and `y` the value column;
    categories read top-down in the frame's order.
    """
    if frame.empty:
        return _empty(title, foot, height)
    data = frame.copy()
    groups = [(None, data)] if color is None else list(data.groupby(color, sort=False))
    colors = color_map([str(g) for g, _ in groups]) if color else {}
    fig = go.Figure()
    for name, part in groups:
        shade = colors.get(str(name)) if color else None
        if shade is None:
            shade = single_color or PRIMARY
            # one trace coloured per category when the categories have fixed colours
            fixed = [FIXED_COLORS.get(str(c)) for c in part[x]]
            marker_color = fixed if color is None and all(fixed) else shade
        else:
            marker_color = shade
        kw = dict(name=str(name) if name is not None else y, marker_color=marker_color,
                  text=_number_text(part[y], digits) if text else None, textposition="auto",
                  textangle=0, cliponaxis=False, customdata=part[[x]].to_numpy(),
                  hovertext=_number_text(part[y], digits))
        if horizontal:
            fig.add_trace(go.Bar(x=part[y], y=part[x].astype(str), orientation="h",
                                 hovertemplate="%{y}：%{hovertext}<extra></extra>", **kw))
        else:
            fig.add_trace(go.Bar(x=part[x].astype(str) if not pd.api.types.is_datetime64_any_dtype(part[x])
                                 else part[x], y=part[y],
                                 hovertemplate="%{x}：%{hovertext}<extra></extra>", **kw))
    fig.update_layout(barmode=barmode, bargap=0.25, legend_traceorder="normal", **_BAR_TEXT)
    stacked = color is not None and barmode in ("stack", "relative")
    shown_values = data.groupby(x, sort=False)[y].sum() if stacked else data[y]    # a stack reaches its total
    value_axis = count_axis(shown_values) if digits == 0 else {}
    if horizontal:
        order = list(category_order) if category_order else list(dict.fromkeys(data[x].astype(str)))
        fig.update_yaxes(categoryorder="array", categoryarray=order[::-1])
        fig.update_xaxes(**value_axis)
        if text and not stacked:
            # a label inside a short horizontal bar spilled over the category names: all labels outside,
            # with room beyond the longest bar
            fig.update_traces(textposition="outside")
            values = pd.to_numeric(shown_values, errors="coerce").dropna()
            if len(values):
                lo, hi = min(0.0, float(values.min())), max(0.0, float(values.max()))
                pad = (hi - lo) * DIVERGING_PAD_SHARE or 1.0
                fig.update_xaxes(range=[lo - (pad if lo < 0 else 0), hi + (pad if hi > 0 else 0)])
        return _style(fig, title, foot, x_title=y_title, y_title=x_title, height=height,
                      legend=color is not None)
    fig.update_yaxes(**value_axis)
    if category_order:
        fig.update_xaxes(categoryorder="array", categoryarray=list(category_order))
    if _is_month_keys(data[x]):
        fig.update_xaxes(tickformat=MONTH_TICK_FORMAT, hoverformat=MONTH_TICK_FORMAT, dtick="M1" if len(data) <= 14
                         else None)
    if partial_last:
        mark_partial_last(fig)
    return _style(fig, title, foot, x_title=x_title, y_title=y_title, height=height, legend=color is not None)


def count_axis(values: pd.Series) -> dict:
    """Axis settings for a value axis of counts: a tick every 1 when every value is a whole number no
    larger than SMALL_COUNT_MAX, else plotly's own ticks (dtick None: also undoes an earlier dtick 1,
    e.g. after a caller adds a trace with larger values)."""
    nums = pd.to_numeric(values, errors="coerce").dropna()
    if len(nums) and (nums % 1 == 0).all() and nums.abs().max() <= SMALL_COUNT_MAX:
        return {"dtick": 1, "tick0": 0}
    return {"dtick": None, "tick0": None}


def _is_month_keys(values: pd.Series) -> bool:
    """True when every value is a 'YYYY-MM' (or 'YYYY-MM-01') text, which plotly draws on a date axis."""
    texts = values.dropna().astype(str)
    return len(texts) > 0 and bool(texts.map(lambda t: bool(_MONTH_KEY.match(t))).all())


def line(frame: pd.DataFrame, x: str, y: str | Sequence[str], *, title: str, foot: str,
         x_title: str | None = None, y_title: str | None = None, names: dict[str, str] | None = None,
         series: str | None = None, digits: int = 1, markers: bool = True, text: bool = False,
         height: int = HEIGHT_PX, x_is_month: bool = True, zero_line: bool = False) -> go.Figure:
    """Lines of one or more value columns `y` over `x`, or one line per value of `series`.

    `names` gives the legend label of each value column. With x_is_month the x axis reads "2025年5月".
    """
    if frame.empty:
        return _empty(title, foot, height)
    data = frame.copy()
    names = names or {}
    fig = go.Figure()
    if series is not None:
        traces = [(str(k), part, y) for k, part in data.groupby(series, sort=False)]
    else:
        cols = [y] if isinstance(y, str) else list(y)
        traces = [(names.get(c, c), data, c) for c in cols]
    colors = color_map([t[0] for t in traces])
    if series is None and len(traces) > 1:
        colors = dict(zip([t[0] for t in traces], (PRIMARY, SECONDARY, MUTED) + SEQUENCE[3:]))
    for i, (label, part, col) in enumerate(traces):
        labelled = text and i == 0      # value labels on the first series only: several would collide
        fig.add_trace(go.Scatter(
            x=part[x], y=part[col], name=label, mode="lines+markers+text" if labelled else
            ("lines+markers" if markers else "lines"),
            line={"color": colors[label], "width": 2.5}, marker={"size": 7},
            text=_number_text(part[col], digits) if labelled else None,
            textposition=_label_positions(data, col, [c for _, _, c in traces[1:]]) if labelled and series is None
            else "top center",
            hovertext=_number_text(part[col], digits), hovertemplate=label + "：%{hovertext}<extra></extra>",
            cliponaxis=False,
            connectgaps=True))
    if x_is_month:
        fig.update_xaxes(tickformat=MONTH_TICK_FORMAT, hoverformat=MONTH_TICK_FORMAT)
    else:
        fig.update_xaxes(type="category")
    values = pd.concat([pd.to_numeric(part[col], errors="coerce") for _, part, col in traces]).dropna()
    if len(values):
        lo, hi = min(0.0, float(values.min())), max(0.0, float(values.max()))
        pad = (hi - lo) * 0.15 or 1.0
        fig.update_yaxes(range=[lo - (pad if lo < 0 else 0), hi + pad])   # room for the value labels
    if zero_line:
        fig.add_hline(y=0, line={"color": "#cbd2d9", "width": 1})
    return _style(fig, title, foot, x_title=x_title, y_title=y_title, height=height, legend=len(traces) > 1)


def _label_positions(data: pd.DataFrame, col: str, others: Sequence[str]) -> list[str] | str:
    """Where the first series' value labels go, point by point: on the side with more room to the next
    series at that x (above when nothing runs closer above than below), so a label does not sit on another line."""
    if not others:
        return "top center"
    mine = pd.to_numeric(data[col], errors="coerce").tolist()
    rest = pd.concat([pd.to_numeric(data[c], errors="coerce") for c in others], axis=1).to_numpy().tolist()
    out = []
    for v, row in zip(mine, rest):
        vals = [r for r in row if pd.notna(r)]
        if pd.isna(v) or not vals:
            out.append("top center")
            continue
        room_above = min([r - v for r in vals if r >= v], default=float("inf"))
        room_below = min([v - r for r in vals if r < v], default=float("inf"))
        out.append("top center" if room_above >= room_below else "bottom center")
    return out


def bar_line(frame: pd.DataFrame, x: str, bar_col: str, line_col: str, *, title: str, foot: str,
             bar_name: str, line_name: str, y_title: str, y2_title: str, x_title: str | None = None,
             digits: int = 0, height: int = HEIGHT_PX, markers: Sequence[tuple[str, str]] = (),
             partial_last: bool = False) -> go.Figure:
    """Monthly bars (`bar_col`, left axis) with a running line (`line_col`, right axis).

    `x` holds dates or 'YYYY-MM[-DD]' texts; each is drawn at the start of its month (one bar a month).

    `markers` are (date 'YYYY-MM-DD', label) pairs drawn as vertical lines (e.g. a showroom opening).
    """
    if frame.empty:
        return _empty(title, foot, height)
    data = frame.copy()
    # one bar per calendar month, centred on its month's tick: month-end dates (a stock series) sat under
    # the NEXT month's label, and a last partial period (as-of 2023-01-01 after 2022-12-31) made plotly
    # size every bar by that one-day gap, so all bars shrank to hairlines
    data[x] = pd.to_datetime(data[x].astype(str).str[:7], format="%Y-%m")
    fig = go.Figure()
    fig.add_trace(go.Bar(x=data[x], y=data[bar_col], name=bar_name, marker_color=PRIMARY,
                         hovertext=_number_text(data[bar_col], digits),
                         hovertemplate=bar_name + "：%{hovertext}<extra></extra>"))
    fig.add_trace(go.Scatter(x=data[x], y=data[line_col], name=line_name, yaxis="y2", mode="lines+markers",
                             line={"color": SECONDARY, "width": 2.5}, hovertext=_number_text(data[line_col], digits),
                             hovertemplate=line_name + "：%{hovertext}<extra></extra>"))
    # the right axis picks its own round ticks: synced to the left axis's grid it reads 21.7户, 3,440万元
    fig.update_layout(yaxis2={"title": {"text": y2_title}, "overlaying": "y", "side": "right",
                              "showgrid": False, "rangemode": "tozero", "tickmode": "auto"})
    fig.update_xaxes(tickformat=MONTH_TICK_FORMAT, hoverformat=MONTH_TICK_FORMAT)
    # a marker is a dotted line numbered ①②③ at its top; the footnote says what each number is (labels
    # written beside the lines ran into each other in a narrow chart)
    legend_notes, shift = [], 0
    for i, (when, label) in enumerate(markers):
        number = MARKER_NUMBERS[i % len(MARKER_NUMBERS)]
        day = pd.Timestamp(when)
        fig.add_vline(x=day.timestamp() * 1000, line={"color": MUTED, "dash": "dot", "width": 1})
        # a marker within two months of the previous one sits a line higher, so the numbers never touch
        close = i > 0 and (day - pd.Timestamp(markers[i - 1][0])).days < 62
        shift = 14 if close and not shift else 0
        fig.add_annotation(x=day, y=1, yref="paper", text=number, showarrow=False, yanchor="bottom",
                           yshift=shift, font={"size": 12, "color": "#616e7c"})
        legend_notes.append(f"{number}{day.month}月{day.day}日{label}")
    if legend_notes:
        foot = f"{foot} · {'，'.join(legend_notes)}"
    # the axis spans exactly the months drawn (half a month either side)
    first, last = data[x].min(), data[x].max()
    fig.update_xaxes(range=[first - pd.Timedelta(days=16), last + pd.Timedelta(days=16)])
    if partial_last:
        mark_partial_last(fig)
    fig = _style(fig, title, foot, x_title=x_title, y_title=y_title, height=height)
    fig.update_layout(margin={"r": 70}, yaxis2_title_text=y_title_text(y2_title))   # _style titled every y axis
    return fig


def donut(frame: pd.DataFrame, names: str, values: str, *, title: str, foot: str, unit: str = "",
          height: int = HEIGHT_PX, digits: int = 0) -> go.Figure:
    """Shares of `values` by `names` as a ring; the legend carries the names, slices the percentages."""
    if frame.empty or frame[values].fillna(0).sum() == 0:
        return _empty(title, foot, height)
    data = frame[frame[values].fillna(0) > 0].copy()   # a 0 slice only clutters the ring with "0.0%"
    colors = color_map([str(n) for n in data[names]])
    shares = [fmt.number(v, 1) + "%" for v in data[values] / data[values].sum() * 100]
    values_text = _number_text(data[values], digits)
    # every share is in the legend ("线上 22.9%"); a slice shows its share inside when it fits at the minimum
    # size, else not at all: labels outside thin slices ran into the legend and each other ("4…", "12.0%"
    # over "特色产品展销中心" in a third of the page at 1366 px)
    fig = go.Figure(go.Pie(labels=[f"{n} {p}" for n, p in zip(data[names].astype(str), shares)], values=data[values],
                           hole=0.55, sort=False, marker={"colors": [colors[str(n)] for n in data[names]]},
                           text=shares, textinfo="text", texttemplate="%{text}", textposition="inside",
                           insidetextorientation="horizontal", customdata=data[[names]].astype(str).to_numpy(),
                           hovertext=[f"{v}{unit}（{p}）" for v, p in zip(values_text, shares)],
                           hovertemplate="%{customdata[0]}：%{hovertext}<extra></extra>"))
    fig.update_layout(uniformtext={"minsize": BAR_TEXT_MIN_PX, "mode": "hide"})
    fig = _style(fig, title, foot, height=height, foot_on_axis=False)
    fig.update_layout(legend={"orientation": "v", "yref": "paper", "yanchor": "middle", "y": 0.5, "xref": "paper",
                              "x": 1.02, "xanchor": "left"}, margin={"r": 140})
    return fit_bands(fig)


def funnel(frame: pd.DataFrame, stage: str, value: str, *, title: str, foot: str, unit: str = "个",
           height: int = HEIGHT_PX) -> go.Figure:
    """A funnel of `value` through the stages in the frame's order (e.g. 洽谈 → 签约 → 开工 → 投产)."""
    if frame.empty:
        return _empty(title, foot, height)
    data = frame.copy()
    first = data[value].iloc[0]
    counts = _number_text(data[value], 0)
    labels = [f"{c}{unit}（{fmt.number(v / first * 100, 0)}%）" if first else f"{c}{unit}"
              for c, v in zip(counts, data[value])]
    fig = go.Figure(go.Funnel(y=data[stage].astype(str), x=data[value], text=labels, textinfo="text",
                              texttemplate="%{text}",
                              marker={"color": [STAGE_COLORS.get(str(s), PRIMARY) for s in data[stage]]},
                              hovertext=[c + unit for c in counts], hovertemplate="%{y}：%{hovertext}<extra></extra>",
                              cliponaxis=False,
                              textposition="auto", constraintext="none"))
    fig.update_xaxes(visible=False)
    fig = _style(fig, title, foot, height=height, legend=False, foot_on_axis=False)
    fig.update_layout(margin={"r": 90})     # a label outside the narrowest bar stays inside the figure
    return fig


def sparkline(values: Sequence[float], *, color: str = PRIMARY, height: int = SPARK_HEIGHT_PX) -> go.Figure:
    """A tiny trend line for a metric card: no axes, no title, no footnote (the card carries those)."""
    vals = [v for v in values]
    fig = go.Figure(go.Scatter(y=vals, mode="lines", line={"color": color, "width": 2}, fill="tozeroy",
                               fillcolor="rgba(31,111,139,0.12)", hoverinfo="skip"))
    fig.update_layout(height=height, margin={"l": 0, "r": 0, "t": 4, "b": 4}, showlegend=False,
                      paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
                      font={"family": FONT_FAMILY})
    finite = [v for v in vals if v is not None and not pd.isna(v)]
    if finite:
        lo, hi = min(finite), max(finite)
        pad = (hi - lo) * 0.1 or abs(hi) * 0.1 or 1
        fig.update_yaxes(range=[lo - pad, hi + pad])
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def diverging_bar(frame: pd.DataFrame, label: str, value: str, *, title: str, foot: str, x_title: str,
                  digits: int = 2, height: int = HEIGHT_PX) -> go.Figure:
    """Horizontal bars coloured by sign (green up, red down), e.g. 拉动百分点 by enterprise."""
    if frame.empty:
        return _empty(title, foot, height)
    data = frame.copy()
    colors = [POSITIVE if (v or 0) >= 0 else NEGATIVE for v in data[value]]
    fig = go.Figure(go.Bar(x=data[value], y=data[label].astype(str), orientation="h", marker_color=colors,
                           text=_number_text(data[value], digits), textposition="outside", textangle=0,
                           cliponaxis=False,
                           customdata=data[[label]].to_numpy(), hovertext=_number_text(data[value], digits),
                           hovertemplate="%{y}：%{hovertext}<extra></extra>"))
    fig.update_yaxes(categoryorder="array", categoryarray=list(data[label].astype(str))[::-1])
    # every label outside its bar's end (short bars cannot hold one): room for them on both sides
    values = pd.to_numeric(data[value], errors="coerce").dropna()
    if len(values):
        lo, hi = min(0.0, float(values.min())), max(0.0, float(values.max()))
        pad = (hi - lo) * DIVERGING_PAD_SHARE or 1.0
        fig.update_xaxes(range=[lo - (pad if lo < 0 else 0), hi + (pad if hi > 0 else 0)])
        # the pad is a share of the values, not of the pixels: in a half-width chart at 1366 px "-0.82" outside
        # its bar ran into the name beside it ("…有限公司-0.82"); the names keep the widest such label's room
        negative = [t for t, v in zip(_number_text(data[value], digits), data[value]) if (v or 0) < 0]
        if negative:
            fig.update_yaxes(ticklabelstandoff=round(max(_text_width(t) for t in negative) * 13 + 4))
    fig.update_layout(**_BAR_TEXT)
    return _style(fig, title, foot, x_title=x_title, height=height, legend=False)
