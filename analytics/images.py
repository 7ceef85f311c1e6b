"""Plotly figures -> PNG bytes through kaleido, in a worker process with hard time limits.

kaleido 1.5 drives a Chromium; in this process it would leave threads and a browser behind
when something goes wrong (no Chromium: an English ChromeNotFoundError in a thread, then every
call waits forever; a wedged browser: the same). So the images are drawn by ONE worker process
(`python -m analytics.images --serve`) that starts kaleido's sync server once and then answers
requests on its stdin/stdout:

- the browser is looked up here first (find_chromium: $BROWSER_PATH, then PATH, then the usual
  paths, as kaleido does); when there is none, ChromiumMissing is raised at once, with the reason
  in Chinese, and no process is started;
- every wait has a deadline (START_TIMEOUT_S for the browser start, IMAGE_TIMEOUT_S per image);
  past it the worker and every process below it (Chromium) are killed and ImageTimeout is raised;
- the worker stops by itself when its stdin closes, i.e. when this process ends for any reason
  (SIGTERM to a Streamlit server included); at interpreter shutdown it is killed before Python
  waits for non-daemon threads, so a script thread blocked on an image cannot hold a server up.

`prestart()` boots the shared worker in the background (the CLI calls it before building the text,
so the ~2 s browser start overlaps it); `render_png(figs)` draws through it (about 0.2 s an image
once warm).

Images are 2x: a figure laid out at WIDTH_PX x its own height (px) is written at scale 2, so the
PNG is (2 * width) x (2 * height) pixels. Fonts: every figure gets font_family "Noto Sans CJK SC"
first (analytics.charts.FONT_FAMILY), without which Chromium picks the Japanese forms of shared
Han characters.
"""
from __future__ import annotations

import json
import logging
import os
import queue
import shutil
import struct
import subprocess
import sys
import threading
import time
import warnings
from typing import TYPE_CHECKING

from analytics.procs import kill_tree

if TYPE_CHECKING:   # plotly and analytics.charts (pandas) load only when an image is drawn: the worker
    import plotly.graph_objects as go  # can be started first thing, and starts faster itself

WIDTH_PX = 960             # layout width of a briefing chart, CSS px
SCALE = 2                  # PNG pixels per CSS px
START_TIMEOUT_S = 25.0     # worker start + Chromium start + one warm-up image
IMAGE_TIMEOUT_S = 15.0     # one image once the browser runs
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
                  "/snap/bin/chromium", "/opt/google/chrome/chrome")
INSTALL_HINT = "apt-get install chromium fonts-noto-cjk，或 make browser-deps"
log = logging.getLogger(__name__)


class ImageError(RuntimeError):
    """The chart images could not be drawn (message in Chinese, one line)."""


class ChromiumMissing(ImageError):
    """No Chromium on this machine."""


class ImageTimeout(ImageError):
    """The browser did not answer within its time limit (it has been killed)."""


def find_chromium() -> str | None:
    """The Chromium kaleido would use: $BROWSER_PATH when set (None when it is not an executable),
    else the first of CHROMIUM_NAMES on PATH, else the first of CHROMIUM_PATHS that exists."""
    env = os.environ.get("BROWSER_PATH")
    if env is not None:
        return env if _is_exe(env) else None
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path and _is_exe(path):
            return path
    return next((p for p in CHROMIUM_PATHS if _is_exe(p)), None)


def _is_exe(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def missing_reason() -> str | None:
    """None when a Chromium is found, else the one-line Chinese reason (with how to install it)."""
    if find_chromium() is not None:
        return None
    where = os.environ.get("BROWSER_PATH")
    what = f"BROWSER_PATH 指向的 {where} 不是可执行的浏览器" if where is not None else "未找到 Chromium 浏览器"
    return f"{what}，图表未导出为图片（安装：{INSTALL_HINT}）"


def figure_size(fig: go.Figure, width: int = WIDTH_PX) -> tuple[int, int]:
    """(width, height) in CSS px at which the figure is laid out for its image."""
    from analytics.charts import HEIGHT_PX
    height = fig.layout.height or HEIGHT_PX
    return int(width), int(height)


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
    """One `python -m analytics.images --serve` process (kaleido + Chromium) and its deadlines.

    start() returns at once (the browser boots in the background); render() waits for the start
    (at most START_TIMEOUT_S) and for each image (at most IMAGE_TIMEOUT_S); a missed deadline kills
    the worker and everything below it. close() ends it (it also ends by itself when this
    process's end closes its stdin)."""

    def __init__(self, chromium: str | None = None, start_timeout_s: float = START_TIMEOUT_S,
                 image_timeout_s: float = IMAGE_TIMEOUT_S):
        self.chromium = chromium
        self.start_timeout_s, self.image_timeout_s = start_timeout_s, image_timeout_s
        self._proc: subprocess.Popen | None = None
        self._replies: queue.Queue = queue.Queue()
        self._ready = False
        self._started_at = 0.0
        self.start_s = 0.0
        self._next_id = 0

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> ImageWorker:
        """Start the worker; ChromiumMissing at once when there is no browser."""
        chromium = self.chromium or find_chromium()
        if chromium is None:
            raise ChromiumMissing(missing_reason())
        env = {**os.environ, "BROWSER_PATH": chromium, "PYTHONUNBUFFERED": "1"}
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        self._started_at = time.perf_counter()
        self._proc = subprocess.Popen([sys.executable, "-m", "analytics.images", "--serve"], cwd=root, env=env,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                      start_new_session=True)
        threading.Thread(target=self._read, args=(self._proc.stdout, self._replies), name="kaleido-worker-reader",
                         daemon=True).start()
        return self

    @staticmethod
    def _read(stream, replies: queue.Queue) -> None:
        try:
            while (msg := _receive(stream)) is not None:
                replies.put(msg)
        except (OSError, ValueError):
            pass
        replies.put(("EOF", -1, b""))

    def _wait(self, timeout_s: float, what: str) -> tuple[str, int, bytes]:
        try:
            kind, ident, data = self._replies.get(timeout=timeout_s)
        except queue.Empty:
            self.kill()
            raise ImageTimeout(f"{what}超过{timeout_s:.0f}秒未完成，已停止浏览器（Chromium 无响应）") from None
        if kind == "EOF":
            self.kill()
            raise ImageError(f"{what}失败：图表导出进程意外退出")
        return kind, ident, data

    def _ensure_ready(self) -> None:
        if self._ready:
            return
        left = max(0.5, self.start_timeout_s - (time.perf_counter() - self._started_at))
        kind, _, data = self._wait(left, "启动图表导出浏览器")
        if kind != "READY":
            self.kill()
            raise ImageError(f"无法启动图表导出（kaleido/Chromium）：{data.decode(errors='replace')[:300]}")
        self._ready = True
        self.start_s = time.perf_counter() - self._started_at

    def render(self, figs: list[go.Figure], width: int = WIDTH_PX, scale: int = SCALE) -> tuple[list[bytes], dict]:
        """Each figure as PNG bytes (see render_png); raises ImageError / ImageTimeout."""
        t0 = time.perf_counter()
        if self._proc is None:
            self.start()
        self._ensure_ready()
        wait_s = time.perf_counter() - t0
        import plotly.graph_objects as go

        from analytics.charts import FONT_FAMILY
        out, per = [], []
        for fig in figs:
            f = go.Figure(fig)  # a copy: the caller's figure stays as it was
            f.update_layout(font_family=FONT_FAMILY)
            w, h = figure_size(f, width)
            self._next_id += 1
            req = json.dumps({"id": self._next_id, "fig": f.to_json(), "width": w, "height": h, "scale": scale})
            t = time.perf_counter()
            try:
                self._proc.stdin.write(req.encode("utf-8") + b"\n")
                self._proc.stdin.flush()
            except OSError:
                self.kill()
                raise ImageError("图表导出进程已退出") from None
            kind, ident, data = self._wait(self.image_timeout_s, f"图表“{_title(f)}”导出图片")
            if kind != "OK" or ident != self._next_id:
                raise ImageError(f"图表“{_title(f)}”导出图片失败：{data.decode(errors='replace')[:300]}")
            per.append(time.perf_counter() - t)
            out.append(data)
        return out, {"start_s": wait_s, "per_image_s": per, "total_s": time.perf_counter() - t0}

    def kill(self) -> None:
        """Kill the worker and every process below it (Chromium runs in a session of its own)."""
        proc, self._proc, self._ready = self._proc, None, False
        if proc is None:
            return
        kill_tree(proc.pid)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except OSError:
                pass

    def close(self, grace_s: float = 3.0) -> None:
        """Close the worker's stdin (it stops kaleido and exits), kill it after grace_s."""
        proc = self._proc
        if proc is None:
            return
        try:
            proc.stdin.close()
            proc.wait(timeout=grace_s)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()


# ---------------------------------------------------------------------------
# The shared worker of this process
# ---------------------------------------------------------------------------
_lock = threading.Lock()
_shared: ImageWorker | None = None


_stopping = False


def _shutdown() -> None:
    """At interpreter shutdown: no new worker, and the running one (and its Chromium) killed."""
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
    """Stop the shared worker (the next render_png starts a new one, looking the browser up again)."""
    global _shared
    with _lock:
        w, _shared = _shared, None
    if w is not None:
        w.kill()


def prestart() -> str | None:
    """Boot the shared worker in the background when it is not running. Returns None, or the
    Chinese reason why images cannot be drawn (no Chromium)."""
    global _shared
    reason = missing_reason()
    if reason:
        return reason
    if _stopping:
        return None
    if _lock.acquire(blocking=False):
        try:
            if _shared is None or not _shared.alive:
                _shared = ImageWorker().start()
        except ImageError as exc:
            return str(exc)
        finally:
            _lock.release()
    return None


def render_png(figs: list[go.Figure], width: int = WIDTH_PX, scale: int = SCALE) -> tuple[list[bytes], dict]:
    """Each figure as PNG bytes, (scale*width) x (scale*height) pixels, through the shared worker.

    The figures are not modified: each is copied and given the CJK font first. Returns
    (pngs, timing) with timing = {"start_s": seconds waited for the browser (0 when warm),
    "per_image_s": [seconds per image], "total_s": ...}. Raises ChromiumMissing at once without a
    browser, ImageTimeout past a deadline (the worker is killed, the next call starts a new one),
    ImageError otherwise; every message in Chinese."""
    global _shared
    if not figs:
        return [], {"start_s": 0.0, "per_image_s": [], "total_s": 0.0}
    if _stopping:
        raise ImageError("服务正在停止，图表未导出为图片")
    with _lock:
        if _shared is None or not _shared.alive:
            _shared = ImageWorker().start()
        try:
            return _shared.render(figs, width, scale)
        except ImageError:
            _shared.kill()
            raise


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
    """Worker loop: start kaleido, draw one warm-up image, say READY, then answer one JSON request a
    line ({"id", "fig", "width", "height", "scale"}) with OK + PNG bytes or ERR + message. Ends when
    stdin closes (the parent is gone)."""
    import plotly.io as pio
    out, inp = sys.stdout.buffer, sys.stdin.buffer
    t0 = time.perf_counter()
    try:
        import kaleido
        kaleido.start_sync_server(silence_warnings=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            pio.to_image({"data": [], "layout": {"font": {"family": "Noto Sans CJK SC"}}}, format="png", width=50,
                         height=50)
    except Exception as exc:  # noqa: BLE001  (kaleido raises several unrelated types)
        _send(out, "ERR", 0, str(exc).encode("utf-8", errors="replace"))
        os._exit(1)
    _send(out, "READY", 0, json.dumps({"start_s": time.perf_counter() - t0}).encode())
    for line in inp:
        req = json.loads(line)
        try:
            with warnings.catch_warnings():  # "kopts is ignored if using a server": expected, we use one
                warnings.simplefilter("ignore", UserWarning)
                png = pio.to_image(pio.from_json(req["fig"]), format="png", width=req["width"],
                                   height=req["height"], scale=req["scale"])
        except Exception as exc:  # noqa: BLE001
            _send(out, "ERR", req["id"], str(exc).encode("utf-8", errors="replace"))
            continue
        _send(out, "OK", req["id"], png)
    stopper = threading.Thread(target=kaleido.stop_sync_server, kwargs={"silence_warnings": True}, daemon=True)
    stopper.start()
    stopper.join(3)
    kill_tree(os.getpid(), include_self=False)
    os._exit(0)


if __name__ == "__main__" and sys.argv[1:] == ["--serve"]:
    _serve()
