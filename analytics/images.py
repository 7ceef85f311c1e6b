"""Plotly figures -> PNG bytes, drawn with matplotlib (analytics.chartdraw) in a worker process with
hard time limits. No browser: the briefing's images need neither Chromium nor kaleido.

ONE worker process (`python -m analytics.images --serve`) per process loads matplotlib and the CJK
font once (not plotly, not pandas: it reads plotly's JSON), then answers requests on its
stdin/stdout. It runs apart so that

- it boots on the second core while this process imports and builds the briefing's text
  (prestart()), and draws each chart as soon as the text's builder hands it over (prefetch(fig)):
  by the time the text is done, most images are too;
- every wait has a deadline (START_TIMEOUT_S for the start, IMAGE_TIMEOUT_S per image); past it the
  worker and every process below it are killed and ImageTimeout is raised — a hang is impossible;
- it stops by itself when its stdin closes, i.e. when this process ends for any reason (SIGTERM to a
  Streamlit server included); at interpreter shutdown it is killed before Python waits for
  non-daemon threads, so a script thread blocked on an image cannot hold a server up.

Without a CJK font (or matplotlib) the worker says so at start and ImageError carries the one-line
Chinese reason; the briefing then goes out without images (analytics.briefing.chart_images).
Images are 2x: a figure laid out at WIDTH_PX x its own height (px) is written at scale 2, so the
PNG is (2 * width) x (2 * height) pixels (about 0.1-0.2 s of CPU an image once warm).
"""
from __future__ import annotations

import json
import logging
import os
import queue
import shlex
import struct
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING

from analytics.procs import kill_tree

if TYPE_CHECKING:   # plotly loads only when an image is asked for: the worker can be started first thing
    import plotly.graph_objects as go

WIDTH_PX = 960             # layout width of a briefing chart, CSS px
SCALE = 2                  # PNG pixels per CSS px
START_TIMEOUT_S = 20.0     # worker start: Python, matplotlib, the font, one warm-up image
IMAGE_TIMEOUT_S = 15.0     # one image once the worker runs
WORKER_ENV_VAR = "PARK_CHART_WORKER"   # another command line for the worker (e.g. under nice); tests: a wedged one
log = logging.getLogger(__name__)


class ImageError(RuntimeError):
    """The chart images could not be drawn (message in Chinese, one line)."""


class ImageTimeout(ImageError):
    """The worker did not answer within its time limit (it has been killed)."""


def figure_size(fig: go.Figure, width: int = WIDTH_PX) -> tuple[int, int]:
    """(width, height) in CSS px at which the figure is laid out for its image."""
    from analytics.charts import HEIGHT_PX
    return int(width), int(fig.layout.height or HEIGHT_PX)


def missing_reason() -> str | None:
    """None when the images can be drawn here (matplotlib and a CJK font), else the one-line Chinese
    reason with how to fix it. Loads matplotlib's font list (about 0.3 s the first time)."""
    from analytics import chartdraw
    return chartdraw.find_font()[1]


# ---------------------------------------------------------------------------
# The wire: a header line "<KIND> <id> <n>\n" followed by n bytes
# ---------------------------------------------------------------------------
def _send(stream, kind: str, ident: int, payload: bytes) -> None:
    stream.write(f"{kind} {ident} {len(payload)}\n".encode("ascii") + payload)
    stream.flush()


def _receive(stream) -> tuple[str, int, bytes] | None:
    line = stream.readline()
    if not line:
        return None
    kind, ident, n = line.decode("ascii").split()
    data = stream.read(int(n))
    return kind, int(ident), data


class ImageWorker:
    """One `python -m analytics.images --serve` process and its deadlines.

    start() returns at once (the worker loads in the background); submit(fig) sends a figure and
    returns its ticket at once; result(ticket) waits for the start (at most start_timeout_s) and for
    the image (at most image_timeout_s from when it is waited for). A missed deadline kills the worker
    and everything below it. close() ends it (it also ends by itself when this process's end closes
    its stdin). `argv` (else $PARK_CHART_WORKER, split like a shell) replaces the worker's command line."""

    def __init__(self, start_timeout_s: float = START_TIMEOUT_S, image_timeout_s: float = IMAGE_TIMEOUT_S,
                 argv: list[str] | None = None):
        self.start_timeout_s, self.image_timeout_s = start_timeout_s, image_timeout_s
        env = os.environ.get(WORKER_ENV_VAR)
        self.argv = argv or (shlex.split(env) if env else [sys.executable, "-m", "analytics.images", "--serve"])
        self._proc: subprocess.Popen | None = None
        self._replies: queue.Queue = queue.Queue()
        self._done: dict[int, tuple[str, bytes]] = {}
        self._ready = False
        self._started_at = 0.0
        self.start_s = 0.0
        self._next_id = 0
        self._titles: dict[int, str] = {}
        self._outbox: queue.Queue = queue.Queue()

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> ImageWorker:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        self._started_at = time.perf_counter()
        self._proc = subprocess.Popen(self.argv, cwd=root, env={**os.environ, "PYTHONUNBUFFERED": "1"},
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                      start_new_session=True)
        threading.Thread(target=self._read, args=(self._proc.stdout, self._replies), name="chart-worker-reader",
                         daemon=True).start()
        # requests go out through a thread of their own: a worker that stops reading (wedged, still loading
        # with the pipe full) must not block the caller, whose waits have deadlines
        self._outbox = queue.Queue()
        threading.Thread(target=self._write, args=(self._proc.stdin, self._outbox), name="chart-worker-writer",
                         daemon=True).start()
        return self

    @staticmethod
    def _write(stream, outbox: queue.Queue) -> None:
        try:
            while (data := outbox.get()) is not None:
                stream.write(data)
                stream.flush()
            stream.close()      # close(): the worker sees the end of its input and exits
        except (OSError, ValueError):
            pass

    @staticmethod
    def _read(stream, replies: queue.Queue) -> None:
        try:
            while (msg := _receive(stream)) is not None:
                replies.put(msg)
        except (OSError, ValueError):
            pass
        replies.put(("EOF", -1, b""))

    def _next(self, deadline: float, what: str, timeout_s: float) -> tuple[str, int, bytes]:
        try:
            kind, ident, data = self._replies.get(timeout=max(0.05, deadline - time.perf_counter()))
        except queue.Empty:
            self.kill()
            raise ImageTimeout(f"{what}超过{timeout_s:.0f}秒未完成，已停止图表绘制进程") from None
        if kind == "EOF":
            self.kill()
            raise ImageError(f"{what}失败：图表绘制进程意外退出")
        return kind, ident, data

    def _ensure_ready(self) -> None:
        if self._ready:
            return
        if self._proc is None:
            raise ImageError("图表绘制进程已停止")
        deadline = self._started_at + self.start_timeout_s
        kind, _, data = self._next(deadline, "启动图表绘制进程", self.start_timeout_s)
        if kind != "READY":
            self.kill()
            raise ImageError(data.decode("utf-8", errors="replace")[:300])   # the worker's Chinese reason
        self._ready = True
        self.start_s = time.perf_counter() - self._started_at

    def submit(self, fig: go.Figure, width: int = WIDTH_PX, scale: int = SCALE) -> int:
        """Send one figure (the caller's figure is not modified); returns its ticket for result()."""
        if self._proc is None:
            self.start()
        from analytics.chartdraw import style_for
        self._next_id += 1
        req = json.dumps({"id": self._next_id, "fig": fig.to_json(), "width": width, "scale": scale,
                          "style": style_for(fig, width)})
        self._titles[self._next_id] = _title(fig)
        self._outbox.put(req.encode("utf-8") + b"\n")   # never blocks: see start()
        return self._next_id

    def result(self, ticket: int) -> bytes:
        """The PNG of a submitted figure; ImageError / ImageTimeout (the worker is then killed)."""
        self._ensure_ready()
        what = f"图表“{self._titles.get(ticket, '图表')}”绘制"
        deadline = time.perf_counter() + self.image_timeout_s
        while ticket not in self._done:
            kind, ident, data = self._next(deadline, what, self.image_timeout_s)
            self._done[ident] = (kind, data)
        kind, data = self._done.pop(ticket)
        if kind != "OK":
            raise ImageError(data.decode("utf-8", errors="replace")[:300])
        return data

    def kill(self) -> None:
        """Kill the worker and every process below it."""
        proc, self._proc, self._ready = self._proc, None, False
        if proc is None:
            return
        kill_tree(proc.pid)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self._outbox.put(None)
        try:
            proc.stdout.close()
        except OSError:
            pass

    def close(self, grace_s: float = 3.0) -> None:
        """Close the worker's stdin (it exits), kill it after grace_s."""
        proc = self._proc
        if proc is None:
            return
        self._outbox.put(None)   # the writer closes the worker's stdin after what is queued
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            pass
        self.kill()


# ---------------------------------------------------------------------------
# The shared worker of this process
# ---------------------------------------------------------------------------
_lock = threading.RLock()
_shared: ImageWorker | None = None
_prefetched: dict[int, tuple[ImageWorker, int, object]] = {}   # id(fig) -> (worker, ticket, fig kept alive)
_stopping = False


def _shutdown() -> None:
    """At interpreter shutdown: no new worker, and the running one killed."""
    global _stopping
    _stopping = True
    w = _shared
    if w is not None:
        w.kill()


try:  # runs before Python waits for non-daemon threads (a Streamlit script thread) at shutdown
    threading._register_atexit(_shutdown)  # type: ignore[attr-defined]
except (AttributeError, RuntimeError):
    import atexit
    atexit.register(_shutdown)


def stop() -> None:
    """Stop the shared worker (the next render_png starts a new one)."""
    global _shared
    with _lock:
        w, _shared = _shared, None
        _prefetched.clear()
    if w is not None:
        w.kill()


def _worker() -> ImageWorker:
    global _shared
    if _stopping:
        raise ImageError("服务正在停止，图表未导出为图片")
    if _shared is None or not _shared.alive:
        _prefetched.clear()
        _shared = ImageWorker().start()
    return _shared


def prestart() -> str | None:
    """Boot the shared worker in the background when it is not running. Returns None (why images
    cannot be drawn, if so, comes with render_png: the worker finds out)."""
    if _stopping:
        return None
    if _lock.acquire(blocking=False):
        try:
            _worker()
        except (ImageError, OSError):
            pass
        finally:
            _lock.release()
    return None


def prefetch(fig: go.Figure) -> None:
    """Hand a figure to the shared worker now; render_png later collects its image instead of asking
    again (the figure must not change in between). Never raises: a failure shows in render_png."""
    with _lock:
        try:
            w = _worker()
            _prefetched[id(fig)] = (w, w.submit(fig), fig)
        except (ImageError, OSError):
            pass


def render_png(figs: list[go.Figure], width: int = WIDTH_PX, scale: int = SCALE) -> tuple[list[bytes], dict]:
    """Each figure as PNG bytes, (scale*width) x (scale*height) pixels, through the shared worker
    (figures given to prefetch at this width and scale are collected, not drawn again).

    The figures are not modified. Returns (pngs, timing) with timing = {"start_s": seconds waited for
    the worker's start (0 when warm), "per_image_s": [seconds waited per image], "total_s": ...}.
    Raises ImageTimeout past a deadline (the worker is killed, the next call starts a new one),
    ImageError otherwise (no CJK font, a figure the drawing does not support); messages in Chinese."""
    t0 = time.perf_counter()
    if not figs:
        return [], {"start_s": 0.0, "per_image_s": [], "total_s": 0.0}
    with _lock:
        w = _worker()
        tickets = []
        for f in figs:
            pre = _prefetched.pop(id(f), None)
            ok = pre is not None and pre[0] is w and pre[2] is f and (width, scale) == (WIDTH_PX, SCALE)
            tickets.append(pre[1] if ok else w.submit(f, width, scale))
        try:
            w._ensure_ready()
            wait_s = time.perf_counter() - t0
            out, per = [], []
            for ticket in tickets:
                t = time.perf_counter()
                out.append(w.result(ticket))
                per.append(time.perf_counter() - t)
        except ImageError:
            stop()    # a timed-out or failed worker: the next call starts afresh
            raise
    return out, {"start_s": wait_s, "per_image_s": per, "total_s": time.perf_counter() - t0}


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


# ---------------------------------------------------------------------------
# The worker process itself
# ---------------------------------------------------------------------------
def _serve() -> int:
    """Worker loop: load matplotlib and the font, draw one warm-up image, say READY (or ERR with the
    Chinese reason), then answer one JSON request a line ({"id", "fig" (plotly's JSON), "width",
    "scale", "style" (chartdraw.style_for)}) with OK + PNG bytes or ERR + message. Ends when stdin
    closes (the parent is gone). Neither plotly nor pandas is loaded here."""
    out, inp = sys.stdout.buffer, sys.stdin.buffer
    t0 = time.perf_counter()
    try:
        _skip_setter_docs()
        from analytics import chartdraw
        family, reason = chartdraw.find_font()
        if family is None:
            _send(out, "ERR", 0, reason.encode("utf-8"))
            return 1
        warm = {"data": [{"type": "bar", "x": ["一"], "y": [1]}], "layout": {"title": {"text": "预热"}}}
        chartdraw.draw_png(warm, 60, 1, family, {"height": 60, "note": [], "bands": _WARM_BANDS})
    except Exception as exc:  # noqa: BLE001  (an import or font error: said once, in Chinese)
        _send(out, "ERR", 0, f"无法启动图表绘制进程：{exc}".encode("utf-8", errors="replace"))
        return 1
    _send(out, "READY", 0, json.dumps({"start_s": time.perf_counter() - t0}).encode())
    for line in inp:
        req = json.loads(line)
        try:
            png = chartdraw.draw_png(json.loads(req["fig"]), req["width"], req["scale"], family, req["style"])
        except chartdraw.DrawError as exc:
            _send(out, "ERR", req["id"], str(exc).encode("utf-8"))
            continue
        except Exception as exc:  # noqa: BLE001
            _send(out, "ERR", req["id"], f"图表“{_title_json(req)}”绘制失败：{exc}".encode("utf-8", errors="replace"))
            continue
        _send(out, "OK", req["id"], png)
    return 0


def _skip_setter_docs() -> None:
    """matplotlib writes the docstring of each Artist class's set() (a table of all its properties)
    as the class is defined, about 0.17 s of the worker's start; the worker never reads them. After
    this, set() of the classes defined later has an empty property table (nothing else changes)."""
    try:
        import matplotlib.artist
    except ImportError:       # said by find_font, in Chinese
        return
    if callable(getattr(matplotlib.artist, "kwdoc", None)):
        matplotlib.artist.kwdoc = lambda artist: ""


_WARM_BANDS = {"title_pad": 2, "title_line": 10, "subtitle_line": 8, "gap": 2, "legend_row": 8, "marker_band": 8,
               "marker_numbers": "", "foot_color": "#616e7c"}


def _title_json(req: dict) -> str:
    try:
        return str(json.loads(req["fig"])["layout"]["title"]["text"])
    except (KeyError, TypeError, ValueError):
        return "图表"


if __name__ == "__main__" and sys.argv[1:] == ["--serve"]:
    raise SystemExit(_serve())
