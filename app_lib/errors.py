"""Faults shown to viewers as one line of Chinese, never a traceback or a server path.

`.streamlit/config.toml` sets `client.showErrorDetails = "none"`, so Streamlit itself shows no
details of an uncaught exception; `run_page(page)` (app.py) catches what a page raises and shows
`reason(exc)`: the store's own Chinese reason (disk full, read-only, corrupt, busy) with server
paths reduced to the file name, or a one-line reason for anything else. The traceback goes to the
server log for the administrator.
"""
from __future__ import annotations

import logging
import os
import re

import streamlit as st

_LOG = logging.getLogger("park.errors")
_PATH_RE = re.compile(r"(?:[A-Za-z]:)?(?:/[^\s/：，。；（）()]+)+/([^\s/：，。；（）()]+)")


def _no_paths(text: str) -> str:
    """'/srv/park/data/park.duckdb' -> 'park.duckdb' (a viewer needs the file, not the server's layout)."""
    return _PATH_RE.sub(lambda m: m.group(1), text)


def reason(exc: BaseException) -> str:
    """One Chinese line for `exc`."""
    from analytics import store
    if isinstance(exc, store.StoreError):
        return _no_paths(str(exc).splitlines()[0]) if str(exc).strip() else "数据库操作失败，请联系管理员。"
    if isinstance(exc, MemoryError):
        return "服务器内存不足，本次操作未完成；请稍后再试，或联系管理员。"
    if isinstance(exc, OSError) and exc.errno is not None:
        if exc.errno == 28:
            return "服务器磁盘空间已满，本次操作未完成；请联系管理员清理磁盘。"
        if exc.errno in (13, 30):
            return "服务器上的数据文件无写入权限或磁盘只读，本次操作未完成；请联系管理员。"
        return f"服务器读写文件失败（{os.strerror(exc.errno)}），请稍后再试或联系管理员。"
    try:
        import duckdb
        if isinstance(exc, duckdb.Error):
            text = str(exc).lower()
            if "no space left" in text or "disk is full" in text:
                return "服务器磁盘空间已满，数据库无法写入；本次操作未生效，请联系管理员清理磁盘。"
            if "read-only" in text or "read only" in text or "permission denied" in text:
                return "数据库文件只读或无写入权限，本次操作未生效；请联系管理员。"
            if "lock" in text:
                return "数据库正被其他程序占用，请稍后再试。"
            return "数据库暂时无法读取，请刷新页面重试；如仍出错请联系管理员。"
    except ImportError:  # pragma: no cover
        pass
    return f"页面出错（{type(exc).__name__}），请刷新页面重试；如仍出错请联系管理员。"


def _operational(exc: BaseException) -> bool:
    """A fault of the environment (store, disk, memory), not of the code."""
    from analytics import store
    try:
        import duckdb
        db_errors: tuple = (duckdb.IOException, duckdb.PermissionException)
    except (ImportError, AttributeError):  # pragma: no cover
        db_errors = ()
    return isinstance(exc, (store.StoreError, OSError, MemoryError) + db_errors)


def _in_server() -> bool:
    """True in a running server; False under AppTest or bare mode, where a code fault is re-raised so a
    test sees it as an exception (only environment faults become the viewer's message there)."""
    try:
        from streamlit.runtime import Runtime
        return Runtime.exists()
    except Exception:  # pragma: no cover
        return True


def _show(exc: Exception) -> None:
    _LOG.exception("script failed")
    if not _in_server() and not _operational(exc):
        raise exc
    st.error(reason(exc), icon=":material/error:")


def run_page(page) -> None:
    """page.run() with every fault shown as one Chinese line (Streamlit's stop/rerun pass through)."""
    try:
        page.run()
    except Exception as exc:  # noqa: BLE001 - the one place faults become a viewer's message
        _show(exc)


class guard:
    """`with errors.guard():` — a fault inside shows reason(exc) and stops the script run."""

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is None or not isinstance(exc, Exception):
            return False  # no fault, or Streamlit's own stop/rerun
        _show(exc)
        st.stop()
