"""Plotly figures -> PNG bytes through kaleido, with ONE browser for the whole process.

kaleido 1.5 starts a Chromium per `write_image` call (about 3 s here); with
`kaleido.start_sync_server()` started once, every later image takes about 0.3 s.
`render_png` starts that server on first use and leaves it running (kaleido stops it
at exit), so the CLI, the briefing page and the tests pay the start-up once.

Images are 2x: a figure laid out at WIDTH_PX x its own height (px) is written at
scale 2, so the PNG is (2 * width) x (2 * height) pixels. Fonts: every figure gets
font_family "Noto Sans CJK SC" first (analytics.charts.FONT_FAMILY), without which
Chromium picks the Japanese forms of shared Han characters.
"""
from __future__ import annotations

import logging
import struct
import threading
import time
import warnings

import plotly.graph_objects as go
import plotly.io as pio

from analytics.charts import FONT_FAMILY, HEIGHT_PX

WIDTH_PX = 960      # layout width of a briefing chart, CSS px
SCALE = 2           # PNG pixels per CSS px
_lock = threading.Lock()
_started = False
log = logging.getLogger(__name__)


class ImageError(RuntimeError):
    """The chart images could not be drawn (no Chromium, or kaleido failed)."""


def _ensure_server() -> float:
    """Start kaleido's sync server once per process; returns the seconds spent starting it (0 if running)."""
    global _started
    import kaleido
    with _lock:
        if _started:
            return 0.0
        t0 = time.perf_counter()
        kaleido.start_sync_server(silence_warnings=True)
        _started = True
        return time.perf_counter() - t0


def figure_size(fig: go.Figure, width: int = WIDTH_PX) -> tuple[int, int]:
    """(width, height) in CSS px at which the figure is laid out for its image."""
    height = fig.layout.height or HEIGHT_PX
    return int(width), int(height)


def render_png(figs: list[go.Figure], width: int = WIDTH_PX, scale: int = SCALE) -> tuple[list[bytes], dict]:
    """Each figure as PNG bytes, (scale*width) x (scale*height) pixels, through one shared browser.

    The figures are not modified: each is copied and given the CJK font first. Returns
    (pngs, timing) with timing = {"start_s": browser start-up seconds (0 when already running),
    "per_image_s": [seconds per image], "total_s": ...}. Raises ImageError with a Chinese message
    when Chromium or kaleido fails."""
    t0 = time.perf_counter()
    try:
        start_s = _ensure_server()
    except Exception as exc:  # noqa: BLE001  (kaleido raises several unrelated types)
        raise ImageError(f"无法启动图表导出（kaleido/Chromium）：{exc}。请确认已安装 chromium。") from exc
    out: list[bytes] = []
    per: list[float] = []
    for fig in figs:
        f = go.Figure(fig)  # a copy: the caller's figure stays as it was
        f.update_layout(font_family=FONT_FAMILY)
        w, h = figure_size(f, width)
        t = time.perf_counter()
        try:
            with warnings.catch_warnings():  # "kopts is ignored if using a server": expected, we use one
                warnings.simplefilter("ignore", UserWarning)
                png = pio.to_image(f, format="png", width=w, height=h, scale=scale)
        except Exception as exc:  # noqa: BLE001
            raise ImageError(f"图表“{_title(f)}”导出图片失败：{exc}") from exc
        per.append(time.perf_counter() - t)
        out.append(png)
    return out, {"start_s": start_s, "per_image_s": per, "total_s": time.perf_counter() - t0}


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels read from a PNG's IHDR chunk; ValueError when `data` is not a PNG."""
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("不是PNG图片")
    return struct.unpack(">II", data[16:24])


def _title(fig: go.Figure) -> str:
    try:
        return str(fig.layout.title.text or "图表")
    except AttributeError:
        return "图表"
