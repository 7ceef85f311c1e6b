"""Plotly figures drawn again with matplotlib (Agg): PNG bytes without a browser.

The briefing's charts are the dashboard's own plotly figures (analytics.catalogue: the same data,
title with its period, units, source note and the park's colours). draw_png(fig) draws one from the
figure itself — its traces, axes, shapes and annotations — so the Word file, the PDF and the PNG
downloads show what the page shows. analytics.images runs it in a worker process with time limits.

What is drawn (the subset the briefing's figures use; anything else raises DrawError, in Chinese):
  * traces: scatter (lines / markers / text labels per point) and bar (vertical or horizontal,
    group or stack, one colour or one a bar, value labels inside or outside, the hatched last bar
    of an incomplete month), on the left axis or on a right axis (yaxis2 overlaying y);
  * axes: category (in categoryarray order), date (monthly ticks, '2025年6月') or numbers (thousands
    separated), their ranges and titles; grid lines on the value axis;
  * the title and its subtitle (the period) at the top left, the horizontal legend on one row below
    them, the source note (the x axis title's grey part) at the bottom, rewrapped to the image width
    (the dashboard wraps it for a narrow column);
  * line shapes (a zero line, dotted milestone lines) and text annotations (①②③ above the plot).

It reads the figure as plotly's JSON (fig.to_json()) and what it needs of analytics.charts from
style_for(fig, width), so the drawing process loads neither plotly nor pandas.
Sizes: a figure laid out at width x its own height (CSS px) is written at `scale`, so the PNG is
(scale * width) x (scale * height) pixels; plotly's px sizes are kept (1 px = 0.75 pt at 96 px an
inch). Font: $PARK_CHART_FONT when set, else the first of CJK_FONTS matplotlib knows, else any font
fontconfig lists for Chinese (`fc-list :lang=zh`); with none, find_font says how to install one
(a chart with boxes for characters is worse than none).
"""
from __future__ import annotations

import html
import math
import os
import re
import shutil
import struct
import subprocess
import zlib
from datetime import datetime, timedelta

FONT_ENV_VAR = "PARK_CHART_FONT"
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "Droid Sans Fallback", "AR PL UKai CN", "AR PL UMing CN")
INSTALL_HINT = "apt-get install fonts-noto-cjk"
PNG_COMPRESS = 3           # zlib level (encode_png): ~125 KB a chart; 6 saves a fifth and doubles the time
PT_PER_PX = 0.75           # 96 CSS px an inch, 72 pt an inch
NOTE_PX = 11               # the source note's size (analytics.charts: 11 px, grey)
NOTE_LINE_PX = 15
EDGE_PX = 12               # room kept free at the image's left, right and bottom edges
TICK_PAD_PX = 6
MAX_DATE_TICKS = 7
BAR_GAP = 0.2              # plotly's default bargap
TEXT_COLOR = "#1f2933"
GRID_COLOR = "#e4e7eb"


class DrawError(RuntimeError):
    """A figure this module cannot draw (message in Chinese, one line)."""


def find_font() -> tuple[str | None, str | None]:
    """(font family for matplotlib, None) or (None, the one-line Chinese reason there is none)."""
    try:
        from matplotlib import font_manager
    except ImportError:
        return None, "未安装 matplotlib，图表未导出为图片（安装：pip install -r requirements.txt）"
    known = {f.name for f in font_manager.fontManager.ttflist}
    wanted = os.environ.get(FONT_ENV_VAR)
    if wanted:
        if wanted in known:
            return wanted, None
        return None, f"未找到 {FONT_ENV_VAR} 指定的字体“{wanted}”，图表未导出为图片（安装：{INSTALL_HINT}）"
    for name in CJK_FONTS:
        if name in known:
            return name, None
    # any font fontconfig lists for Chinese (a font outside matplotlib's search path is added to it)
    if shutil.which("fc-list"):
        try:
            out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.TimeoutExpired):
            out = ""
        for path in sorted(line.split(":")[0].strip() for line in out.splitlines() if line.strip()):
            try:
                font_manager.fontManager.addfont(path)
                return font_manager.FontProperties(fname=path).get_name(), None
            except (OSError, RuntimeError, ValueError):
                continue
    return None, f"未找到中文字体，图表未导出为图片（安装：{INSTALL_HINT}）"


def style_for(fig, width: int) -> dict:
    """What the drawing takes from analytics.charts, worked out where the figure was built (this keeps
    pandas and plotly out of the drawing process): the figure's height (px), the source note's lines
    rewrapped to `width`, and the band sizes of the figure's top (px) and the footnote colour."""
    from analytics import charts
    text = fig.layout.xaxis.title.text if fig.layout.xaxis.title else None
    spans = _SPAN.findall(text or "")
    joined = "".join(_plain(s).replace("\n", "") for s in spans)
    note = charts.wrap_parts(joined.split(" · "), int((width - 2 * EDGE_PX) / NOTE_PX)) if joined else []
    return {"height": int(fig.layout.height or charts.HEIGHT_PX), "note": note,
            "bands": {"title_pad": charts.TITLE_PAD_PX, "title_line": charts.TITLE_LINE_PX,
                      "subtitle_line": charts.SUBTITLE_LINE_PX, "gap": charts.BAND_GAP_PX,
                      "legend_row": charts.LEGEND_ROW_PX, "marker_band": charts.MARKER_BAND_PX,
                      "marker_numbers": charts.MARKER_NUMBERS, "foot_color": charts.FOOT_COLOR}}


def draw_png(fig: dict, width: int, scale: int, family: str, style: dict) -> bytes:
    """The figure (plotly's JSON: {"data": [...], "layout": {...}}) as PNG bytes, (scale*width) x
    (scale*style height) pixels, in `family`; `style` from style_for."""
    return _Drawing(_Node(fig), width, scale, family, style).png()


# the plotly properties that are objects: absent, they read as an empty one (as plotly's own objects do)
_COMPOUND = frozenset({"font", "title", "subtitle", "legend", "xaxis", "yaxis", "yaxis2", "marker", "pattern", "line",
                       "margin", "pad", "textfont"})


class _Node:
    """Attribute access to plotly's JSON, like plotly's figure objects: a missing property is None (an
    empty _Node for an object property), typed arrays ({"dtype", "bdata"}) read as lists."""

    __slots__ = ("_d",)

    def __init__(self, d: dict):
        self._d = d

    def __getattr__(self, name: str):
        if name not in self._d:
            return _Node({}) if name in _COMPOUND else None
        return _wrap(self._d[name])

    def __bool__(self) -> bool:
        return bool(self._d)


def _wrap(v):
    if isinstance(v, dict):
        return _typed(v) if "bdata" in v else _Node(v)
    if isinstance(v, list):
        return [_wrap(x) for x in v]
    return v


def _typed(v: dict) -> list:
    import base64

    import numpy as np
    return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v.get("dtype", "f8")).tolist()


def encode_png(rgba) -> bytes:
    """An RGB PNG (8 bits a channel, no row filter) of an (height, width, 4) RGBA buffer, alpha dropped
    (the charts are on white). Flat-colour charts compress as well without PNG's row filters, and this
    takes a third of the time PIL's encoder does (about 0.03 s for 1920 x 800)."""
    import numpy as np
    a = np.asarray(rgba)
    h, w = a.shape[:2]
    rows = np.empty((h, 1 + 3 * w), dtype=np.uint8)
    rows[:, 0] = 0                                   # filter type 0 (None) on every row
    rows[:, 1:] = a[:, :, :3].reshape(h, 3 * w)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), PNG_COMPRESS)) + chunk(b"IEND", b""))


# ---------------------------------------------------------------------------
# One figure
# ---------------------------------------------------------------------------
_TAG = re.compile(r"<[^>]+>")
_SPAN = re.compile(r"<span[^>]*>(.*?)</span>", re.S)
_DASHES = {"dot": (0, (1, 2)), "dash": (0, (4, 3)), "dashdot": (0, (4, 2, 1, 2)), "solid": "-", None: "-"}


def _plain(text: str | None) -> str:
    """Plotly's rich text as plain lines: <br> a new line, other tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", re.sub(r"<br\s*/?>", "\n", text or ""))).strip()


def _title_of(fig) -> str:
    try:
        return _plain(fig.layout.title.text) or "图表"
    except AttributeError:
        return "图表"


def _number_formatter(step: float):
    """Tick labels with thousands separators and the decimals the tick step needs (ticks are exact)."""
    decimals = 0 if step >= 1 or step <= 0 else min(4, max(0, -math.floor(math.log10(step) + 1e-9)))
    if decimals and abs(round(step * 10 ** decimals) - step * 10 ** decimals) > 1e-6:
        decimals += 1

    def label(v, _pos=None) -> str:
        text = f"{v:,.{decimals}f}"
        return "0" if text.strip("-0.,") == "" else text
    return label


class _Drawing:
    """Draws one plotly figure with matplotlib; png() gives the bytes."""

    def __init__(self, fig, width: int, scale: int, family: str, style: dict):
        self.src = fig
        self.layout = fig.layout
        self.w, self.h = int(width), int(style["height"])
        self.note = list(style["note"])
        self.bands = style["bands"]
        self.scale = scale
        self.family = family
        self.base_px = float(self.layout.font.size or 13)
        self.ax2 = None
        self.dates = False        # the x axis holds dates
        self.cats: dict[str, list[str]] = {}   # axis letter -> categories in axis order
        self.legend: list = []

    def _rc(self) -> dict:
        """matplotlib settings of the whole drawing: set before the axes exist, since changing tick and
        grid settings afterwards rebuilds every tick (most of the drawing time)."""
        grid = "x" if self.horizontal else "y"
        pad, size = self._pt(TICK_PAD_PX), self._pt(self.base_px)
        rc = {"font.family": [self.family], "font.size": size, "text.color": TEXT_COLOR,
              "axes.labelcolor": TEXT_COLOR, "axes.grid": True, "axes.grid.axis": grid, "axes.axisbelow": True,
              "grid.color": (self.layout.yaxis.gridcolor if grid == "y" else self.layout.xaxis.gridcolor) or GRID_COLOR,
              "grid.linewidth": self._pt(1), "axes.unicode_minus": False, "hatch.color": "white",
              "hatch.linewidth": self._pt(1.5)}
        for side in ("top", "right", "left", "bottom"):
            rc[f"axes.spines.{side}"] = False
        for a in ("xtick", "ytick"):
            rc.update({f"{a}.major.size": 0, f"{a}.minor.size": 0, f"{a}.major.pad": pad, f"{a}.labelsize": size,
                       f"{a}.labelcolor": TEXT_COLOR, f"{a}.color": TEXT_COLOR})
        return rc

    # -- helpers -------------------------------------------------------------
    def _pt(self, px: float) -> float:
        return px * PT_PER_PX

    def _font(self, px: float | None = None, color: str | None = None) -> dict:
        return {"family": self.family, "size": self._pt(px or self.base_px), "color": color or TEXT_COLOR}

    def _fy(self, px_from_top: float) -> float:
        return 1 - px_from_top / self.h

    # -- axes and values -----------------------------------------------------
    def _axis_kind(self, letter: str, values: list) -> str:
        axis = self.layout.xaxis if letter == "x" else self.layout.yaxis
        if axis.type in ("category", "multicategory"):
            return "category"
        if axis.type == "date" or (axis.tickformat or "").startswith("%"):
            return "date"
        if axis.type == "linear":
            return "linear"
        return "category" if any(isinstance(v, str) and not _is_iso(v) for v in values) else \
            ("date" if any(isinstance(v, str) for v in values) else "linear")

    def _categories(self, letter: str, traces: list) -> list[str]:
        axis = self.layout.xaxis if letter == "x" else self.layout.yaxis
        if axis.categoryorder == "array" and axis.categoryarray is not None:
            order = [str(c) for c in axis.categoryarray]
        else:
            order = []
        for t in traces:
            for v in _seq(getattr(t, letter)):
                if str(v) not in order:
                    order.append(str(v))
        return order

    def _coords(self, letter: str, values) -> list:
        values = _seq(values)
        if letter in self.cats:
            index = {c: i for i, c in enumerate(self.cats[letter])}
            return [index[str(v)] for v in values]
        if letter == "x" and self.dates:
            return [_date(v) for v in values]
        return [float("nan") if v is None else float(v) for v in values]

    def _date(self, v):
        return _date(v)

    # -- drawing -------------------------------------------------------------
    def png(self) -> bytes:
        import matplotlib
        traces = [t for t in self.src.data if t.visible in (None, True)]
        for t in traces:
            if t.type not in ("scatter", "bar"):
                raise DrawError(f"图表“{_title_of(self.src)}”含暂不支持导出图片的图形类型（{t.type}）")
        self.horizontal = any(t.type == "bar" and t.orientation == "h" for t in traces)
        if self.horizontal:
            self.cats["y"] = self._categories("y", traces)
        else:
            xs = [v for t in traces for v in _seq(t.x)]
            kind = self._axis_kind("x", xs)
            if kind == "category":
                self.cats["x"] = self._categories("x", traces)
            self.dates = kind == "date"
        with matplotlib.rc_context(self._rc()):
            return self._draw(traces)

    def _draw(self, traces: list) -> bytes:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        self.fig = Figure(figsize=(self.w / 96, self.h / 96), dpi=96 * self.scale, facecolor="white")
        FigureCanvasAgg(self.fig)
        self.ax = self.fig.add_axes((0.1, 0.2, 0.8, 0.6))
        if any(t.yaxis == "y2" for t in traces):
            self.ax2 = self.ax.twinx()
            self.ax2.grid(False)
        self._bars([t for t in traces if t.type == "bar"])
        for t in traces:
            if t.type == "scatter":
                self._scatter(t)
        self._shapes()
        self._axes()
        self._annotations()
        self._frame()
        self._place_plot()
        self.fig.canvas.draw()
        return encode_png(self.fig.canvas.buffer_rgba())

    def _target(self, t):
        return self.ax2 if (t.yaxis == "y2" and self.ax2 is not None) else self.ax

    def _bars(self, bars: list) -> None:
        if not bars:
            return
        mode = self.layout.barmode or "group"
        gap = self.layout.bargap if self.layout.bargap is not None else BAR_GAP
        cat_letter = "y" if self.horizontal else "x"
        if self.dates:
            xs = sorted({d for t in bars for d in self._coords("x", t.x)})
            step_days = min(((b - a).days for a, b in zip(xs, xs[1:])), default=30) or 30
            slot = step_days * (1 - gap)
        else:
            slot = 1 - gap
        n = len(bars) if mode == "group" else 1
        width = slot / n
        stack: dict = {}
        for i, t in enumerate(bars):
            pos = self._coords(cat_letter, t.y if self.horizontal else t.x)
            vals = self._coords("x" if self.horizontal else "y", t.x if self.horizontal else t.y)
            if mode == "group" and n > 1:
                shift = (i - (n - 1) / 2) * width
                pos = [p + (shift if not self.dates else _days(shift)) for p in pos]
            base = [stack.get(p, 0.0) for p in pos] if mode == "stack" else [0.0] * len(pos)
            color = t.marker.color if t.marker is not None and t.marker.color is not None else TEXT_COLOR
            colors = [str(c) for c in color] if isinstance(color, (list, tuple)) else [str(color)] * len(pos)
            shapes = list(t.marker.pattern.shape) if t.marker.pattern and isinstance(t.marker.pattern.shape,
                                                                                     (list, tuple)) else [""] * len(pos)
            ax = self._target(t)
            w = _days(width) if self.dates else width
            if self.horizontal:
                art = ax.barh(pos, vals, height=w, left=base, color=colors, linewidth=0, zorder=2)
            else:
                art = ax.bar(pos, vals, width=w, bottom=base, color=colors, linewidth=0, zorder=2)
            for patch, shape in zip(art.patches, shapes):
                if shape:
                    patch.set_hatch("///")
                    patch.set_edgecolor("white")
            if mode == "stack":
                for p, v, b in zip(pos, vals, base):
                    stack[p] = b + (0 if math.isnan(v) else v)
            self._bar_labels(ax, t, art, colors)
            if t.name and self.layout.showlegend is not False:
                from matplotlib.patches import Patch
                self.legend.append((Patch(facecolor=colors[0], linewidth=0), str(t.name)))

    def _bar_labels(self, ax, t, art, colors: list[str]) -> None:
        if t.text is None or isinstance(t.text, str):
            return
        position = t.textposition if isinstance(t.textposition, str) else "auto"
        labels = [str(s) for s in t.text]
        font_px = self.base_px
        if position == "outside" or position == "none":
            if position == "outside":
                ax.bar_label(art, labels=labels, padding=3, fontfamily=self.family, fontsize=self._pt(font_px),
                             color=TEXT_COLOR, clip_on=False)
            return
        # 'auto' / 'inside': inside the bar when it is long enough for the label, else just outside it
        span_px = self._bar_span_px()
        inside, outside = [], []
        for patch, label in zip(art.patches, labels):
            length = abs(patch.get_width() if self.horizontal else patch.get_height())
            need = (len(label) * 0.6 * font_px if self.horizontal else font_px) + 6
            (inside if length * span_px >= need else outside).append((patch, label))
        for patch, label in inside:
            c = patch.get_facecolor()
            light = 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2] > 0.6
            ax.text(patch.get_x() + patch.get_width() / 2, patch.get_y() + patch.get_height() / 2, label,
                    ha="center", va="center", zorder=3, **self._font(font_px, TEXT_COLOR if light else "white"))
        for patch, label in outside:
            if self.horizontal:
                ax.annotate(label, (patch.get_x() + patch.get_width(), patch.get_y() + patch.get_height() / 2),
                            xytext=(3, 0), textcoords="offset points", ha="left", va="center", annotation_clip=False,
                            **self._font(font_px))
            else:
                ax.annotate(label, (patch.get_x() + patch.get_width() / 2, patch.get_y() + patch.get_height()),
                            xytext=(0, 3), textcoords="offset points", ha="center", va="bottom", annotation_clip=False,
                            **self._font(font_px))

    def _bar_span_px(self) -> float:
        """CSS px per value unit along the bars, estimated from the value axis's range."""
        axis = self.layout.xaxis if self.horizontal else self.layout.yaxis
        extent = self.w * 0.8 if self.horizontal else self.h * 0.5
        if axis.range is not None:
            lo, hi = (float(v) for v in axis.range)
        else:
            vals = [abs(v) for t in self.src.data if t.type == "bar"
                    for v in _seq(t.x if self.horizontal else t.y) if v is not None]
            lo, hi = 0.0, (max(vals) if vals else 1.0) * 1.1
        return extent / ((hi - lo) or 1.0)

    def _scatter(self, t) -> None:
        ax = self._target(t)
        xs, ys = self._coords("x", t.x), self._coords("y", t.y)
        mode = t.mode or "lines+markers"
        color = (t.line.color if t.line and t.line.color else None) or \
            (t.marker.color if t.marker and isinstance(t.marker.color, str) else None) or TEXT_COLOR
        lw = self._pt(t.line.width if t.line and t.line.width is not None else 2)
        ms = self._pt(t.marker.size if t.marker and isinstance(t.marker.size, (int, float)) else 6)
        style = _DASHES.get(t.line.dash if t.line else None, "-")
        kwargs = {"color": color, "zorder": 4, "clip_on": False}
        if t.connectgaps:
            pairs = [(x, y) for x, y in zip(xs, ys) if not math.isnan(y)]
            xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
        line = ax.plot(xs, ys, linestyle=style if "lines" in mode else "none", linewidth=lw,
                       marker="o" if "markers" in mode else None, markersize=ms, **kwargs)[0]
        if "text" in mode and t.text is not None and not isinstance(t.text, str):
            positions = t.textposition if isinstance(t.textposition, (list, tuple)) else \
                [t.textposition or "top center"] * len(xs)
            off = ms / 2 + 2
            for x, y, label, where in zip(xs, ys, t.text, positions):
                up = not str(where).startswith("bottom")
                ax.annotate(str(label), (x, y), xytext=(0, off if up else -off), textcoords="offset points",
                            ha="center", va="bottom" if up else "top", annotation_clip=False, zorder=5,
                            **self._font(self.base_px, color))
        if t.name and self.layout.showlegend is not False:
            self.legend.append((line, str(t.name)))

    def _shapes(self) -> None:
        for s in self.layout.shapes or ():
            if s.type != "line":
                continue
            style = {"color": s.line.color or GRID_COLOR, "linewidth": self._pt(s.line.width or 1),
                     "linestyle": _DASHES.get(s.line.dash, "-"), "zorder": 1.5 if s.layer == "below" else 3}
            if (s.xref or "").endswith("domain") and s.y0 == s.y1:
                (self.ax2 if s.yref == "y2" and self.ax2 is not None else self.ax).axhline(float(s.y0), **style)
            elif (s.yref or "").endswith("domain") and s.x0 == s.x1:
                x = self._date(s.x0) if self.dates else float(s.x0)
                self.ax.axvline(x, **style)

    def _annotations(self) -> None:
        for a in self.layout.annotations or ():
            text = _plain(a.text)
            if not text:
                continue
            x_paper, y_paper = a.xref == "paper", a.yref == "paper"
            if x_paper:
                x = float(a.x or 0)
            elif self.dates:
                x = self._date(a.x)
            elif "x" in self.cats:
                x = self.cats["x"].index(str(a.x)) if str(a.x) in self.cats["x"] else float(a.x or 0)
            else:
                x = float(a.x or 0)
            y = float(a.y or 0)
            ha = {"left": "left", "right": "right"}.get(a.xanchor, "center")
            va = {"bottom": "bottom", "top": "top"}.get(a.yanchor, "center")
            font = a.font
            art = self.ax.annotate(text, (x, y), xycoords=("axes fraction" if x_paper else "data",
                                                            "axes fraction" if y_paper else "data"),
                                   xytext=(self._pt(a.xshift or 0), self._pt(a.yshift or 0)),
                                   textcoords="offset points", ha=ha, va=va, annotation_clip=False,
                                   multialignment=a.align or "center",
                                   **self._font(font.size if font else None, font.color if font else None))
            art.set_in_layout(False)

    def _axes(self) -> None:
        from matplotlib import ticker
        lay = self.layout
        value_axes = [(self.ax.xaxis if self.horizontal else self.ax.yaxis, lay.xaxis if self.horizontal else lay.yaxis)]
        if self.ax2 is not None:
            value_axes.append((self.ax2.yaxis, lay.yaxis2))
        # the category / date axis
        if "x" in self.cats:
            self.ax.set_xticks(range(len(self.cats["x"])), self.cats["x"])
            self.ax.set_xlim(-0.5, len(self.cats["x"]) - 0.5)
        if "y" in self.cats:
            self.ax.set_yticks(range(len(self.cats["y"])), self.cats["y"])
            self.ax.set_ylim(-0.5, len(self.cats["y"]) - 0.5)
        if self.dates:
            self._date_axis()
        # the value axes: range, nice ticks, thousands separated, grid
        for k, (axis, spec) in enumerate(value_axes):
            ax = self.ax if k == 0 else self.ax2
            lim = ax.set_xlim if axis is ax.xaxis else ax.set_ylim
            if spec.range is not None:
                lim(float(spec.range[0]), float(spec.range[1]))
            elif spec.rangemode == "tozero" or any(t.type == "bar" for t in self.src.data):
                lo, hi = (ax.get_xlim() if axis is ax.xaxis else ax.get_ylim())
                lim(min(0.0, lo), max(0.0, hi))
            integer = all(_whole(v) for t in self.src.data if (t.yaxis == "y2") == (k == 1)
                          for v in _seq(t.x if self.horizontal else t.y) if v is not None)
            axis.set_major_locator(ticker.MaxNLocator(nbins=6, steps=[1, 2, 5, 10], integer=integer,
                                                      min_n_ticks=3))
            ticks = axis.get_major_locator()()
            step = float(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
            axis.set_major_formatter(ticker.FuncFormatter(_number_formatter(step)))
            if spec.showgrid is False and k == 0:
                ax.grid(False)
            title = _axis_words(spec.title.text if spec.title else None)   # without the grey source note
            if title:
                setter = ax.set_xlabel if axis is ax.xaxis else ax.set_ylabel
                setter(title, labelpad=self._pt(8), **self._font())
        words = _axis_words(lay.xaxis.title.text if lay.xaxis.title else None)
        if words and not self.horizontal:   # the category / date axis's own words (the note goes at the bottom)
            self.ax.set_xlabel(words, labelpad=self._pt(6), **self._font())

    def _date_axis(self) -> None:
        import datetime as dt

        from matplotlib import dates as mdates
        from matplotlib import ticker
        spec = self.layout.xaxis
        if spec.range is not None:
            self.ax.set_xlim(self._date(spec.range[0]), self._date(spec.range[1]))
        lo, hi = (mdates.num2date(v).replace(tzinfo=None) for v in self.ax.get_xlim())
        months = []
        y, m = lo.year, lo.month
        while dt.datetime(y, m, 1) <= hi:
            if dt.datetime(y, m, 1) >= lo:
                months.append(dt.datetime(y, m, 1))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        every = max(1, math.ceil(len(months) / MAX_DATE_TICKS))
        self.ax.set_xticks(months[::every])
        self.ax.xaxis.set_major_formatter(ticker.FuncFormatter(
            lambda v, _p=None: (lambda d: f"{d.year}年{d.month}月")(mdates.num2date(v))))

    def _frame(self) -> None:
        """Title, subtitle, legend and the source note, at plotly's px places."""
        lay, bands = self.layout, self.bands
        x0 = (lay.title.x if lay.title.x is not None else 0.01)
        y = bands["title_pad"]
        title = _plain(lay.title.text)
        tfont = lay.title.font
        for line in title.splitlines():
            self.fig.text(x0, self._fy(y), line, ha="left", va="top",
                          **self._font(tfont.size or 17, tfont.color or TEXT_COLOR))
            y += bands["title_line"]
        sub = lay.title.subtitle
        for line in _plain(sub.text if sub else None).splitlines():
            self.fig.text(x0, self._fy(y + 2), line, ha="left", va="top",
                          **self._font(sub.font.size or 12, sub.font.color or bands["foot_color"]))
            y += bands["subtitle_line"]
        y += bands["gap"]
        if self.legend and (lay.showlegend or len(self.legend) > 1):
            handles, labels = zip(*self.legend)
            self.fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(x0, self._fy(y)),
                            ncol=len(labels), frameon=False, borderaxespad=0, borderpad=0, handlelength=1.6,
                            columnspacing=1.6, prop={"family": self.family, "size": self._pt(self.base_px)},
                            labelcolor=TEXT_COLOR)
            y += bands["legend_row"] + bands["gap"]
        if any(_plain(a.text) and _plain(a.text) in bands["marker_numbers"] for a in lay.annotations or ()):
            y += bands["marker_band"]       # the numbered milestone lines label the plot's top edge
        self.top_px = y + bands["gap"]
        for i, line in enumerate(reversed(self.note)):
            self.fig.text(0.5, (EDGE_PX / 2 + i * NOTE_LINE_PX) / self.h, line, ha="center", va="bottom",
                          **self._font(NOTE_PX, bands["foot_color"]))

    def _place_plot(self) -> None:
        """Put the plot area between the top band (title, subtitle, legend: _frame) and the note, then pull it in so that
        tick labels and axis titles stay inside the image."""
        top = self.top_px
        bottom = EDGE_PX / 2 + len(self.note) * NOTE_LINE_PX + 4
        box = (EDGE_PX, bottom, self.w - EDGE_PX, self.h - top)    # allowed area, px from the bottom-left
        renderer = self.fig.canvas.get_renderer()
        px = self.fig.dpi / 96
        left, right = box[0] + 40, box[2] - 20
        low, high = box[1] + 40, box[3]
        for _ in range(2):
            self.ax.set_position((left / self.w, low / self.h, (right - left) / self.w, (high - low) / self.h))
            if self.ax2 is not None:
                self.ax2.set_position(self.ax.get_position())
            bbs = [a.get_tightbbox(renderer) for a in filter(None, (self.ax, self.ax2))]
            x0 = min(b.x0 for b in bbs) / px
            x1 = max(b.x1 for b in bbs) / px
            y0 = min(b.y0 for b in bbs) / px
            left += box[0] - x0
            right -= x1 - box[2]
            low += box[1] - y0
        self.ax.set_position((left / self.w, low / self.h, (right - left) / self.w, (high - low) / self.h))
        if self.ax2 is not None:
            self.ax2.set_position(self.ax.get_position())


def _axis_words(title: str | None) -> str:
    """The x axis title without its grey source-note span ('拉动（个百分点）')."""
    return _plain(_SPAN.sub("", title or "")).strip()


def _seq(values) -> list:
    return [] if values is None else list(values)


def _date(v) -> datetime:
    """A date axis value of plotly's JSON: an ISO string, or milliseconds since 1970 (UTC)."""
    if isinstance(v, (int, float)):
        return datetime(1970, 1, 1) + timedelta(milliseconds=v)
    return datetime.fromisoformat(str(v).replace("Z", "")).replace(tzinfo=None)


def _days(width: float):
    import datetime as dt
    return dt.timedelta(days=width)


def _whole(v) -> bool:
    try:
        return float(v) == int(float(v))
    except (TypeError, ValueError, OverflowError):
        return False


def _is_iso(v: str) -> bool:
    return bool(re.match(r"^\d{4}-\d{2}-\d{2}", v))
