"""LibreOffice and poppler as helpers with hard time limits: .docx -> PDF, PDF -> page images.

- docx_to_pdf(docx): `soffice --headless --convert-to pdf` in a temporary directory, with its own
  user profile (one per process, so parallel runs never share one) and a fontconfig file that maps
  the office's Chinese font names (仿宋_GB2312, 黑体, 楷体_GB2312, 方正小标宋简体, 宋体) to the Noto CJK
  SC fonts of a Linux machine (analytics.docx_gov.FALLBACK). Past PDF_TIMEOUT_S the process and
  everything under it is killed and OfficeError raised.
- pdf_pages_png(pdf): each page as a PNG through `pdftoppm` (poppler-utils), also time-limited.
- missing_reason() / pdftoppm_missing_reason(): None, or the one-line Chinese reason with the
  apt package to install (libreoffice-writer, poppler-utils).
"""
from __future__ import annotations

import atexit
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from analytics.docx_gov import FALLBACK

PDF_TIMEOUT_S = 90.0        # LibreOffice start (first run creates its profile) + conversion
PAGES_TIMEOUT_S = 30.0
PREVIEW_DPI = 80            # page images on screen: 80 dpi = 661 x 935 px for A4
SOFFICE_PATHS = ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice")
INSTALL_HINT = "apt-get install libreoffice-writer"

_lock = threading.Lock()
_profile: Path | None = None


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


def _descendants(pid: int) -> list[int]:
    from analytics.images import _descendants as below
    return below(pid)


def _run(cmd: list[str], timeout_s: float, what: str, env: dict | None = None, cwd: str | None = None) -> str:
    """Run cmd in a session of its own; kill it and everything under it past timeout_s."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        for pid in _descendants(proc.pid) + [proc.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        proc.communicate()
        raise OfficeError(f"{what}超过{timeout_s:.0f}秒未完成，已停止") from None
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


def _profile_dir() -> Path:
    global _profile
    if _profile is None:
        _profile = Path(tempfile.mkdtemp(prefix="park_soffice_"))
        fontconfig_file(_profile)
        atexit.register(shutil.rmtree, _profile, True)
    return _profile


def docx_to_pdf(docx: bytes, timeout_s: float = PDF_TIMEOUT_S) -> bytes:
    """The PDF LibreOffice renders from .docx bytes. OfficeError without LibreOffice, on failure or
    past timeout_s (the process is killed). One conversion at a time per process."""
    soffice = find_soffice()
    if soffice is None:
        raise OfficeError(missing_reason())
    with _lock:
        profile = _profile_dir()
        with tempfile.TemporaryDirectory(prefix="park_pdf_") as tmp:
            src = Path(tmp) / "briefing.docx"
            src.write_bytes(docx)
            env = {**os.environ, "FONTCONFIG_FILE": str(profile / "fonts.conf"), "HOME": str(profile),
                   "SAL_USE_VCLPLUGIN": "svp"}
            _run([soffice, f"-env:UserInstallation=file://{profile / 'lo'}", "--headless", "--norestore",
                  "--nologo", "--nodefault", "--nolockcheck", "--convert-to", "pdf", "--outdir", tmp, str(src)],
                 timeout_s, "LibreOffice 生成PDF", env=env, cwd=tmp)
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
