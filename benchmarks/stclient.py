"""A minimal Streamlit client over the WebSocket protocol (no browser): open a session, run a page,
wait for the script to finish, optionally collect the text of the elements drawn.

Used by benchmarks/concurrency.py (many sessions at once on loopback) and tests/test_multiprocess.py
(which figure a server shows). "Ready" here is the server's `script_finished` message: every element
of the page has been computed and sent; the browser's drawing of plotly charts (1-2 s, client CPU)
is not included.
"""
from __future__ import annotations

import asyncio
import socket
import time
import urllib.request
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


@dataclass
class PageRun:
    """One page run: seconds from connecting to script_finished, messages and bytes received, texts."""

    seconds: float = 0.0
    messages: int = 0
    bytes: int = 0
    status: str = ""
    texts: list[str] = field(default_factory=list)


def _texts(msg: ForwardMsg) -> list[str]:
    el = msg.delta.new_element
    kind = el.WhichOneof("type")
    if kind == "markdown":
        return [el.markdown.body]
    if kind == "metric":
        return [f"{el.metric.label}={el.metric.body}"]
    if kind in ("alert",):
        return [el.alert.body]
    if kind == "heading":
        return [el.heading.body]
    return []


async def run_page(url: str, page: str = "", *, collect: bool = False, timeout_s: float = 120.0,
                   local_ip: str | None = None) -> PageRun:
    """Connect to `url` (http://host:port), run `page` (its url_path; "" = the default page) once.
    `local_ip` (e.g. 127.0.3.1) is the client's own address: loopback has all of 127/8, so many
    sessions can look like many visitors to nginx's per-address stickiness."""
    import websockets
    ws_url = url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
    out = PageRun()
    t0 = time.perf_counter()
    extra = {"local_addr": (local_ip, 0)} if local_ip else {}
    async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None,
                                  open_timeout=timeout_s, ping_interval=None, **extra) as ws:
        back = BackMsg()
        back.rerun_script.query_string = ""
        back.rerun_script.page_name = page
        await ws.send(back.SerializeToString())
        while True:
            raw = await asyncio.wait_for(ws.recv(), timeout=timeout_s)
            out.messages += 1
            out.bytes += len(raw)
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if collect and kind == "delta":
                out.texts.extend(_texts(msg))
            if kind == "script_finished":
                out.status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                if msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    break
    out.seconds = time.perf_counter() - t0
    return out


def run_page_sync(url: str, page: str = "", **kwargs) -> PageRun:
    return asyncio.run(run_page(url, page, **kwargs))


def client_ip(i: int) -> str:
    """The i-th visitor's loopback address: 127.0.<i>.1 (nginx hashes the whole address)."""
    return f"127.0.{i % 250 + 1}.{i // 250 + 1}"


async def many(url: str, n: int, page: str = "", timeout_s: float = 300.0) -> list[PageRun]:
    """`n` sessions opened at the same moment from `n` loopback addresses; each runs `page` once."""
    return await asyncio.gather(*(run_page(url, page, timeout_s=timeout_s, local_ip=client_ip(i))
                                  for i in range(n)))


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_health(url: str, proc, seconds: float) -> None:
    """Wait until the server at `url` answers /_stcore/health; RuntimeError with its output if `proc` exits."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(proc.stdout.read().decode(errors="replace")[-3000:]) from None
            time.sleep(0.3)
    raise RuntimeError(f"{url} 未在 {seconds:g} 秒内启动")
