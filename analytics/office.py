"""LibreOffice and poppler as helpers with hard time limits: .docx -> PDF, PDF -> page images.

- docx_to_pdf(docx): `soffice --headless --convert-to pdf` in a temporary directory, with a user
  profile kept between runs (~/.cache/park-dashboard/soffice, locked while in use; a busy one means
  a fresh temporary profile, so parallel runs never share one) and a fontconfig file that maps
  the office's Chinese font names (仿宋_GB2312, 黑体, 楷体_GB2312, 方正小标宋简体, 宋体) to the Noto CJK
  SC fonts of a Linux machine (analytics.docx_gov.FALLBACK). Past PDF_TIMEOUT_S the process and
  everything under it is killed and OfficeError raised.
- pdf_pages_png(pdf): each page as a PNG through `pdftoppm` (poppler-utils), also time-limited.
- missing_reason() / pdftoppm_missing_reason(): None, or the one-line Chinese reason with the
  apt package to install (libreoffice-writer, poppler-utils).
"""
from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from analytics.docx_gov import FALLBACK
from analytics.procs import kill_tree

PDF_TIMEOUT_S = 90.0        # LibreOffice start (first run creates its profile) + conversion
PAGES_TIMEOUT_S = 30.0
# images go into the PDF as they are (lossless, not resampled): the chart PNGs are already print-sized,
# and re-encoding them is most of LibreOffice's work (about 2.3 s of CPU for six 1920 px charts)
PDF_FILTER = ('pdf:writer_pdf_Export:{"ReduceImageResolution":{"type":"boolean","value":"false"},'
              '"UseLosslessCompression":{"type":"boolean","value":"true"}}')
PREVIEW_DPI = 80            # page images on screen: 80 dpi = 661 x 935 px for A4
SOFFICE_PATHS = ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice")
INSTALL_HINT = "apt-get install libreoffice-writer"

_lock = threading.Lock()


class OfficeError(RuntimeError):
    """LibreOffice or pdftoppm is missing, failed or ran out of time (message in Chinese, one line)."""


def find_soffice() -> str | None:
    """$SOFFICE when set (None when it is not an executable), else soffice/libreoffice on PATH, else
    the usual install paths."""
    env = os.environ.get("SOFFICE")
    if env is not None:
        return env if os.path.isfile(env) and os.access(env, os.X_OK) else None
    for name in ("soffice", "libreoffice"):
        if path := shutil.which(name):
            return path
    return next((p for p in SOFFICE_PATHS if os.path.isfile(p) and os.access(p, os.X_OK)), None)


def missing_reason() -> str | None:
    """None when LibreOffice is installed, else why there is no PDF and how to get one."""
    if find_soffice():
        return None
    return f"未安装 LibreOffice，未生成PDF简报（安装：{INSTALL_HINT}；也可用 Word/WPS 打开 .docx 另存为PDF）"


def pdftoppm_missing_reason() -> str | None:
    if shutil.which("pdftoppm"):
        return None
    return "未安装 poppler-utils，无法把PDF画成页面图片（安装：apt-get install poppler-utils）"


_active: set[subprocess.Popen] = set()   # conversions running now (killed when this process ends)
_stopping = False


def _run(cmd: list[str], timeout_s: float, what: str, env: dict | None = None, cwd: str | None = None) -> str:
    """Run cmd in a session of its own; kill it and everything under it past timeout_s (or when this
    process shuts down)."""
    if _stopping:
        raise OfficeError(f"{what}未进行：服务正在停止")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                            start_new_session=True)
    _active.add(proc)
    try:
        out, _ = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        kill_tree(proc.pid)
        proc.communicate()
        raise OfficeError(f"{what}超过{timeout_s:.0f}秒未完成，已停止") from None
    finally:
        _active.discard(proc)
    text = out.decode(errors="replace")
    if proc.returncode != 0:
        raise OfficeError(f"{what}失败（退出码{proc.returncode}）：{text.strip()[-300:]}")
    return text


def fontconfig_file(directory: Path) -> Path:
    """A fonts.conf that includes the system's and maps each office font name to its fallback."""
    rules = "\n".join(
        f'  <match target="pattern"><test name="family"><string>{name}</string></test>'
        f'<edit name="family" mode="assign" binding="strong"><string>{alt}</string></edit></match>'
        for name, alt in FALLBACK.items())
    path = directory / "fonts.conf"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
                    '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
                    f"{rules}\n</fontconfig>\n", encoding="utf-8")
    return path


def _cache_profile() -> Path:
    """The LibreOffice profile kept between runs (its first start builds it: several seconds):
    $XDG_CACHE_HOME/park-dashboard/soffice, else ~/.cache/park-dashboard/soffice."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "park-dashboard" / "soffice"


def _lock_cached(deadline: float):
    """(cached profile dir, open lock file) when the cached profile could be locked before `deadline`,
    else (None, None)."""
    cached = _cache_profile()
    try:
        cached.mkdir(parents=True, exist_ok=True)
        lock = open(cached / ".lock", "w")
    except OSError:
        return None, None
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return cached, lock
        except OSError:
            if time.monotonic() > deadline:
                lock.close()
                return None, None
            time.sleep(0.2)


@contextlib.contextmanager
def _profile_dir(deadline: float):
    """A LibreOffice profile directory for one conversion: the cached one when no other process is
    using it (an flock on its lock file, waited for until `deadline`), else a fresh temporary one."""
    cached, lock = _lock_cached(deadline)
    if cached is not None:
        try:
            fontconfig_file(cached)
            yield cached
        finally:
            lock.close()
        return
    tmp = Path(tempfile.mkdtemp(prefix="park_soffice_"))
    try:
        fontconfig_file(tmp)
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class _Warm:
    """A LibreOffice started ahead (prestart) on the cached profile: a later `soffice --convert-to`
    with the same profile hands its work to it and skips the start-up (about 1.5 s of CPU)."""

    def __init__(self, proc: subprocess.Popen, profile: Path, lock, port: int):
        self.proc, self.profile, self.lock, self.port = proc, profile, lock, port

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_ready(self, deadline: float) -> bool:
        """True once its UNO port accepts connections (it is fully up), False at the deadline or exit."""
        import socket
        while time.monotonic() < deadline and self.alive:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return True
            except OSError:
                time.sleep(0.1)
        return False

    def kill(self) -> None:
        kill_tree(self.proc.pid)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.lock.close()


_warm: _Warm | None = None


def _env(profile: Path) -> dict:
    return {**os.environ, "FONTCONFIG_FILE": str(profile / "fonts.conf"), "HOME": str(profile),
            "SAL_USE_VCLPLUGIN": "svp"}


def _soffice_args(soffice: str, profile: Path) -> list[str]:
    return [soffice, f"-env:UserInstallation=file://{profile / 'lo'}", "--headless", "--norestore", "--nologo",
            "--nodefault", "--nolockcheck"]


def prestart() -> str | None:
    """Start LibreOffice in the background on the cached profile, so the PDF later skips its start-up.
    Returns None, or why there will be no PDF (no LibreOffice). Does nothing when it already runs
    or another process holds the cached profile. Stopped when this process ends."""
    global _warm
    soffice = find_soffice()
    if soffice is None:
        return missing_reason()
    with _lock:
        if _warm is not None and _warm.alive:
            return None
        cached, lock = _lock_cached(time.monotonic())
        if cached is None:
            return None
        fontconfig_file(cached)
        import socket
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        proc = subprocess.Popen(_soffice_args(soffice, cached) + [f"--accept=socket,host=127.0.0.1,port={port};urp;"],
                                env=_env(cached), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        _warm = _Warm(proc, cached, lock, port)
    return None


def stop() -> None:
    """Stop the LibreOffice prestart() started (also done at exit)."""
    global _warm
    w, _warm = _warm, None
    if w is not None:
        w.kill()


def _shutdown() -> None:
    """At interpreter shutdown (a Streamlit server's SIGTERM included): no new conversion, and the
    running ones and the prestarted LibreOffice killed, so nothing outlives the process."""
    global _stopping
    _stopping = True
    for proc in list(_active):
        kill_tree(proc.pid)
    stop()


try:  # before Python waits for non-daemon threads at shutdown
    threading._register_atexit(_shutdown)  # type: ignore[attr-defined]
except (AttributeError, RuntimeError):
    atexit.register(_shutdown)


def docx_to_pdf(docx: bytes, timeout_s: float = PDF_TIMEOUT_S) -> bytes:
    """The PDF LibreOffice renders from .docx bytes. OfficeError without LibreOffice, on failure or
    past timeout_s (the process is killed). One conversion at a time per process."""
    soffice = find_soffice()
    if soffice is None:
        raise OfficeError(missing_reason())
    t0 = time.monotonic()
    with _lock:
        warm = _warm if _warm is not None and _warm.alive else None
        if warm is None and _warm is not None:
            stop()   # it has exited (it may end after a conversion handed to it): free the cached profile
        if warm is not None and not warm.wait_ready(t0 + timeout_s / 2):
            stop()
            warm = None
        with contextlib.ExitStack() as stack:
            profile = warm.profile if warm else stack.enter_context(_profile_dir(t0 + timeout_s / 3))
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="park_pdf_"))
            src = Path(tmp) / "briefing.docx"
            src.write_bytes(docx)
            left = max(5.0, timeout_s - (time.monotonic() - t0))
            try:
                _run(_soffice_args(soffice, profile) + ["--convert-to", PDF_FILTER, "--outdir", tmp, str(src)],
                     left, "LibreOffice 生成PDF", env=_env(profile), cwd=tmp)
            except OfficeError:
                if warm is not None:
                    stop()          # a wedged instance: the next conversion starts afresh
                raise
            pdf = Path(tmp) / "briefing.pdf"
            if not pdf.exists():
                raise OfficeError("LibreOffice 未生成PDF文件（.docx 可能已损坏）")
            return pdf.read_bytes()


def pdf_page_count(pdf: bytes) -> int:
    """Number of pages of a PDF (its /Type /Page objects)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def pdf_pages_png(pdf: bytes, dpi: int = PREVIEW_DPI, timeout_s: float = PAGES_TIMEOUT_S) -> list[bytes]:
    """Every page of the PDF as PNG bytes at `dpi` (pdftoppm). OfficeError without poppler-utils,
    on failure or past timeout_s."""
    reason = pdftoppm_missing_reason()
    if reason:
        raise OfficeError(reason)
    with tempfile.TemporaryDirectory(prefix="park_pages_") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        _run(["pdftoppm", "-r", str(dpi), "-png", str(src), str(Path(tmp) / "page")], timeout_s, "PDF 转页面图片")
        pages = sorted(Path(tmp).glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        return [p.read_bytes() for p in pages]
