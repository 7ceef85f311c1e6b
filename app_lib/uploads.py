"""Uploads that cannot take the server down: bounded bytes, parsed once, heavy work off the script thread.

- `install_guard()` (run by auth.gate on every script run; installs once per process): Streamlit's
  upload endpoint accepts files only for sessions whose role is analyst, at most
  MAX_SESSION_UPLOAD_MB per session and MAX_SERVER_UPLOAD_MB held by the whole server; over that
  the request gets HTTP 413/403 and nothing is kept. Streamlit frees a session's files when the
  session closes; logging out frees them at once (`release_session`).
- `job(key, label, fn, *args)`: one server-wide job per key (a content hash and what the work
  depends on), run on a small thread pool (MAX_PARALLEL_JOBS) so the script thread only waits and
  shows progress; a rerun or a second session asking for the same key gets the same job, and a
  finished job's result is reused until no active session refers to it (then, or beyond
  MAX_KEPT_JOBS, it is dropped). Reading itself runs in a child process with time and memory
  limits (analytics.ingest.limits.read_guarded).
"""
from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

MAX_SESSION_UPLOAD_MB = float(os.environ.get("PARK_MAX_SESSION_UPLOAD_MB", "200"))   # one session's files
MAX_SERVER_UPLOAD_MB = float(os.environ.get("PARK_MAX_SERVER_UPLOAD_MB", "600"))     # all sessions' files
# every file the reader reads (analytics.ingest: it goes by the content, not the name): the uploader refused
# .xlsb, .ods, .mht and the rest with only a red mark, though the README and docs/DATA.md list them
UPLOAD_TYPES = ("xlsx", "xlsm", "xls", "xlsb", "ods", "csv", "txt", "xml", "htm", "html", "mht", "mhtml")
UPLOAD_TYPES_TEXT = "Excel（.xlsx、.xls、.xlsb）、.ods、CSV、网页导出的 .htm / .mht"
MAX_PARALLEL_JOBS = 2          # reads/previews at once in this process (each read in its own child process)
MAX_KEPT_JOBS = 6              # finished jobs kept for reuse (results hold parsed frames)

_GUARD_LOCK = threading.Lock()
_GUARDED: set[int] = set()


def _runtime():
    try:
        from streamlit.runtime import Runtime
        return Runtime.instance() if Runtime.exists() else None
    except Exception:
        return None


def _session_id() -> str | None:
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        ctx = get_script_run_ctx()
        return ctx.session_id if ctx is not None else None
    except Exception:
        return None


def _session_role(rt, session_id: str) -> str | None:
    try:
        session = rt.get_app_session(session_id) if hasattr(rt, "get_app_session") else None
        if session is None:
            return None
        state = session.session_state
        return state["role"] if "role" in state else None
    except Exception:
        return None


class UploadRefused(Exception):
    pass


def _http_error(status: int, detail: str):
    try:
        from starlette.exceptions import HTTPException
        return HTTPException(status_code=status, detail=detail)
    except Exception:  # pragma: no cover - other server backends
        return UploadRefused(detail)


def install_guard() -> bool:
    """Wrap the runtime's uploaded-file manager (once per process). False when there is no runtime."""
    rt = _runtime()
    if rt is None:
        return False
    mgr = rt.uploaded_file_mgr
    with _GUARD_LOCK:
        if id(mgr) in _GUARDED:
            return True
        original = mgr.add_file

        def guarded_add_file(session_id, file, _original=original, _mgr=mgr, _rt=rt):
            from app_lib.auth import ANALYST
            if _session_role(_rt, session_id) != ANALYST:
                raise _http_error(403, "只有数据分析员可以上传文件")
            size = len(file.data)
            with _mgr._lock:
                held = sum(len(f.data) for fid, f in _mgr.file_storage.get(session_id, {}).items()
                           if fid != file.file_id)
                total = sum(len(f.data) for files in _mgr.file_storage.values() for f in files.values())
            if held + size > MAX_SESSION_UPLOAD_MB * 1048576:
                raise _http_error(413, f"本次会话上传的文件合计超过 {MAX_SESSION_UPLOAD_MB:g} MB，请先移除已上传的文件")
            if total + size > MAX_SERVER_UPLOAD_MB * 1048576:
                raise _http_error(413, f"服务器暂存的上传文件合计超过 {MAX_SERVER_UPLOAD_MB:g} MB，请稍后再试")
            return _original(session_id, file)

        mgr.add_file = guarded_add_file
        _GUARDED.add(id(mgr))
    return True


def release_session() -> None:
    """Free this session's uploaded files and its claims on jobs (on logout)."""
    rt, sid = _runtime(), _session_id()
    if rt is not None and sid:
        try:
            rt.uploaded_file_mgr.remove_session_files(sid)
        except Exception:
            pass
    if sid:
        with _JOBS_LOCK:
            for j in _JOBS.values():
                j.sessions.discard(sid)
        sweep()


# --------------------------------------------------------------------------- jobs

@dataclass
class Job:
    """One piece of heavy work: started once, result shared; `done` is set when `result` is ready."""

    key: tuple
    label: str
    started: float = field(default_factory=time.monotonic)
    done: threading.Event = field(default_factory=threading.Event)
    result: object = None
    error: BaseException | None = None
    runs: int = 0
    sessions: set = field(default_factory=set)

    def elapsed(self) -> float:
        return time.monotonic() - self.started


_JOBS: OrderedDict[tuple, Job] = OrderedDict()
_JOBS_LOCK = threading.Lock()
_POOL = ThreadPoolExecutor(max_workers=MAX_PARALLEL_JOBS, thread_name_prefix="park-job")
RUNS: dict[str, int] = {}   # label -> times the work really ran in this process (tests read it)


def job(key: tuple, label: str, fn, *args) -> Job:
    """The job for `key`: existing (running or finished) or started now on the pool. Results of sessions
    that have closed since are dropped first (sweep)."""
    sweep()
    sid = _session_id()
    with _JOBS_LOCK:
        j = _JOBS.get(key)
        if j is not None and (j.error is None or not j.done.is_set()):
            _JOBS.move_to_end(key)
            if sid:
                j.sessions.add(sid)
            return j
        j = Job(key, label)
        if sid:
            j.sessions.add(sid)
        _JOBS[key] = j

    def run():
        j.started = time.monotonic()
        try:
            RUNS[label] = RUNS.get(label, 0) + 1
            j.result = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - the page shows it as a one-line reason
            j.error = exc
        finally:
            j.done.set()
            sweep()

    _POOL.submit(run)
    return j


def sweep() -> None:
    """Drop finished jobs no active session refers to, and the oldest beyond MAX_KEPT_JOBS."""
    rt = _runtime()
    with _JOBS_LOCK:
        if rt is not None:
            for j in _JOBS.values():
                j.sessions = {s for s in j.sessions if rt.is_active_session(s)}
        for key in [k for k, j in _JOBS.items() if j.done.is_set() and rt is not None and not j.sessions]:
            del _JOBS[key]
        finished = [k for k, j in _JOBS.items() if j.done.is_set()]
        for key in finished[:max(0, len(finished) - MAX_KEPT_JOBS)]:
            del _JOBS[key]


def wait(j: Job, progress, estimate_s: float, limit_s: float | None = None) -> None:
    """Wait on the script thread for `j`, updating `progress` (an st.progress element) every 0.3 s.

    The script thread only waits: leaving the page stops the wait (Streamlit interrupts the script
    at the next progress update), never the work, whose result stays for the next run.
    """
    while not j.done.wait(0.3):
        el = j.elapsed()
        limit = f"，上限 {limit_s:.0f} 秒" if limit_s else ""
        progress.progress(min(0.95, el / max(estimate_s, 0.5)), text=f"{j.label}：已用 {el:.0f} 秒{limit}")
    progress.empty()


_EPOCH = [0]


def epoch() -> int:
    """Changes when a column mapping is remembered: parse jobs keyed by it read the file again."""
    return _EPOCH[0]


def bump_epoch() -> None:
    _EPOCH[0] += 1


def session_key() -> str:
    """This session's id ('local' without a runtime): part of the keys of one session's own jobs."""
    return _session_id() or "local"
