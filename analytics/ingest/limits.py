"""Limits that hold whatever an uploaded file says about itself.

Two layers, both independent of what the file declares:

1. `check_zip(handle)` (called by source.Workbook before any reader touches a zip-based
   workbook): the central directory's sizes are checked first (number of parts, unzipped bytes of
   each part and in total, compression ratio), then every XML part is inflated once in a streaming
   pass (1 MiB of output at a time, nothing kept) that stops as soon as a part produces more bytes
   than its header declared (headers can lie), more than a limit allows, or a ratio above the
   limit; the same pass counts the rows and cells of each sheet and the shared strings. A 4 MB zip
   bomb that unzips to 4 GiB is refused in milliseconds by its header, or within MAX_RATIO x its
   compressed size of output when the header lies. This pass cannot ride along with the reader's
   own (calamine reads a part to its end whatever its header says, 1.5 GB of a lying 4 MB part
   before its checksum fails), so it is made cheap instead: ISA-L's inflate and numpy tag counts,
   about 0.2-0.3 s per 100 MB of sheet XML, a tenth of what the workbook reader takes for it.
2. `read_guarded(...)`: read_workbook in a child process (a fresh interpreter: no threads, memory
   or modules of the web server; the file goes over a temporary file, the result comes back
   pickled) with a wall-time limit and a memory limit (the child watches its own resident memory);
   the parent kills it when over and returns a WorkbookResult whose `error` is the one-line
   Chinese reason. Starting the child costs about 1 s (imports), paid once per upload.

Every refusal is one line of simplified Chinese that says what was too big and what to do.
Limits are constants here (units in their names) and can be lowered or raised by environment
variables (PARK_MAX_UNZIPPED_MB, PARK_MAX_CELLS, PARK_READ_TIMEOUT_S, PARK_READ_MEMORY_MB).
"""
from __future__ import annotations

import os
import struct
import threading
import time
import zipfile
import zlib
from dataclasses import dataclass

import numpy as np

MAX_PARTS = 10_000                                  # entries in one zip
MAX_PART_BYTES = 1 << 30                            # unzipped bytes of one part (1 GiB)
MAX_TOTAL_BYTES = int(float(os.environ.get("PARK_MAX_UNZIPPED_MB", "1536")) * (1 << 20))  # all parts, unzipped
MAX_RATIO = 200                                     # unzipped / compressed bytes of one part ...
RATIO_FLOOR_BYTES = 16 << 20                        # ... checked once a part unzips to more than 16 MiB
MAX_ROWS = 1_048_576                                # rows of one sheet (Excel's own maximum)
MAX_CELLS = int(os.environ.get("PARK_MAX_CELLS", "20000000"))   # cells of one workbook (1M rows x 20 columns)
READ_TIMEOUT_S = float(os.environ.get("PARK_READ_TIMEOUT_S", "180"))    # wall time of one guarded read, seconds
READ_MEMORY_MB = float(os.environ.get("PARK_READ_MEMORY_MB", "3072"))   # resident memory of the reading process
OUT_CHUNK_BYTES = 1 << 20                           # inflate output per step of the streaming pass
IN_CHUNK_BYTES = 1 << 18                            # compressed bytes read per step
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")          # zip local file header (30 bytes)
_MEDIA_PREFIXES = ("xl/media/", "xl/embeddings/", "Pictures/", "docProps/thumbnail")

TOO_MANY_PARTS = "文件结构异常：压缩包内有 {n} 个部件（上限 {limit}）；请用 Excel 打开后另存为 .xlsx 再上传"
PART_TOO_BIG = ("文件解压后过大：部件 {part} 解压后 {size}（单个部件上限 {limit}）；"
                "请按年份或工作表拆分后分别上传")
TOTAL_TOO_BIG = "文件解压后过大：共 {size}（上限 {limit}）；请按年份或工作表拆分后分别上传"
RATIO_TOO_HIGH = ("文件压缩比异常（部件 {part} 压缩比超过 {ratio}:1，疑似“压缩炸弹”），已拒绝读取；"
                  "请用 Excel 打开后另存为 .xlsx 再上传")
SIZE_LIED = ("文件已损坏：部件 {part} 实际解压后超过其声明的大小 {size}，已拒绝读取；"
             "请用 Excel 打开后另存为 .xlsx 再上传")
METHOD_UNSUPPORTED = "文件使用了不支持的压缩方式（部件 {part}）；请用 Excel 打开后另存为 .xlsx 再上传"
TOO_MANY_ROWS = "工作表 {part} 超过 {limit:,} 行（Excel 的上限），已拒绝读取；请拆分后分别上传"
TOO_MANY_CELLS = "文件单元格过多（超过 {limit:,} 个），已拒绝读取；请按年份或工作表拆分后分别上传"
CORRUPT_PART = "文件已损坏：部件 {part} 无法解开；请重新导出，或用 Excel 打开后另存为 .xlsx 再上传"
READ_TIMEOUT = "文件读取超过 {seconds:g} 秒的上限，已停止；请按年份或工作表拆分后分别上传"
READ_OUT_OF_MEMORY = "文件读取所需内存超过 {mb:.0f} MB 的上限，已停止；请按年份或工作表拆分后分别上传"
READ_CRASHED = "读取文件的进程意外退出（代码 {code}）；请用 Excel 打开后另存为 .xlsx 再上传"
# calamine asks for memory for the whole used range at once: one cell at XFD1048576 is 17 billion cells
READ_RANGE_TOO_LARGE = ("工作表的已用范围异常大（例如有单元格远在 XFD1048576），读取所需内存超出限制；"
                        "请用 Excel 打开，删除数据以外的行和列后另存为 .xlsx 再上传")


def _mb(n: int) -> str:
    return f"{n / (1 << 30):.1f} GB" if n >= 1 << 30 else f"{n / (1 << 20):.0f} MB"


def _refuse(text: str):
    from analytics.ingest.source import FileRefused  # source imports this module: import late
    raise FileRefused(text)


@dataclass
class ZipFigures:
    """What the streaming pass measured: unzipped bytes, sheet rows and cells (counted tags)."""

    unzipped_bytes: int = 0
    rows: int = 0
    cells: int = 0
    shared_strings: int = 0


def check_zip(handle) -> ZipFigures:
    """Check a zip-based workbook (file path or file-like) against the limits; raise FileRefused
    (one-line Chinese reason) when over any of them. Returns the measured figures."""
    try:
        zf = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError):
        return ZipFigures()  # not a readable zip: source.Workbook gives its own reason
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_PARTS:
            _refuse(TOO_MANY_PARTS.format(n=len(infos), limit=MAX_PARTS))
        total = 0
        for info in infos:  # 1. what the central directory declares
            if info.file_size > MAX_PART_BYTES:
                _refuse(PART_TOO_BIG.format(part=info.filename, size=_mb(info.file_size), limit=_mb(MAX_PART_BYTES)))
            if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                _refuse(RATIO_TOO_HIGH.format(part=info.filename, ratio=MAX_RATIO))
            total += info.file_size
        if total > MAX_TOTAL_BYTES:
            _refuse(TOTAL_TOO_BIG.format(size=_mb(total), limit=_mb(MAX_TOTAL_BYTES)))
        figures = ZipFigures()
        fp = zf.fp
        for info in infos:  # 2. what the parts really inflate to
            if info.is_dir() or info.filename.startswith(_MEDIA_PREFIXES):
                continue
            _stream_part(fp, info, figures)
            if figures.unzipped_bytes > MAX_TOTAL_BYTES:
                _refuse(TOTAL_TOO_BIG.format(size=_mb(figures.unzipped_bytes), limit=_mb(MAX_TOTAL_BYTES)))
            if figures.cells > MAX_CELLS or figures.shared_strings > MAX_CELLS:
                _refuse(TOO_MANY_CELLS.format(limit=MAX_CELLS))
        return figures


def _is_sheet(name: str):
    """'xlsx' for a worksheet part, 'ods' for an OpenDocument sheet's content, None otherwise."""
    if name.startswith("xl/worksheets/") and name.endswith(".xml"):
        return "xlsx"
    return "ods" if name == "content.xml" else None


try:  # ISA-L's inflate: the same stream about twice as fast as zlib's (this pass is paid on every upload)
    from isal import isal_zlib as _fast_zlib
    _INFLATE_ERRORS: tuple[type[Exception], ...] = (zlib.error, _fast_zlib.error)
except ImportError:  # pragma: no cover - isal is in requirements.txt; zlib gives the same answers
    _fast_zlib = zlib
    _INFLATE_ERRORS = (zlib.error,)


def _inflater():
    return _fast_zlib.decompressobj(-15)


_TAG_LOOKAHEAD = 3  # bytes after a "<" that name the tag: "<row", "<c ", "<si>"


def _count_tags(buf: bytes, sheet: bool) -> tuple[int, int]:
    """(rows, cells) of a sheet, or (0, shared strings) of the string table, whose tag starts in `buf`
    before its last _TAG_LOOKAHEAD bytes: "<row", "<c" and "<si" followed by anything but a
    lower-case letter (a space, ">", "/": not "<col", "<cfRule", "<sheetData").

    numpy over the positions of "<" only: about three times faster than two bytes.count calls with
    a multi-byte needle, which matters because this pass reads every byte of the sheets once more
    before the workbook reader does.
    """
    a = np.frombuffer(buf, np.uint8)
    n = len(a) - _TAG_LOOKAHEAD
    if n <= 0:
        return 0, 0
    at = np.flatnonzero(a[:n] == 60)
    first, second = a[at + 1], a[at + 2]
    if not sheet:
        return 0, int(np.count_nonzero((first == 115) & (second == 105) & (a[at + 3] < 97)))
    cells = int(np.count_nonzero((first == 99) & (second < 97)))
    rows = int(np.count_nonzero((first == 114) & (second == 111) & (a[at + 3] == 119)))
    return rows, cells


def _seek_data(fp, info: zipfile.ZipInfo) -> None:
    """Position `fp` at the first byte of the part's data (after its local header)."""
    fp.seek(info.header_offset)
    header = fp.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        _refuse(CORRUPT_PART.format(part=info.filename))
    fields = _LOCAL_HEADER.unpack(header)
    fp.seek(info.header_offset + _LOCAL_HEADER.size + fields[-2] + fields[-1])


def _inflate_chunks(fp, info: zipfile.ZipInfo, out_bytes: int):
    """Yield (inflated bytes, compressed bytes read so far) of a deflated part, at most `out_bytes` a step
    (`fp` positioned at its data); a broken stream is refused as CORRUPT_PART."""
    inflate = _inflater()
    left_in = info.compress_size
    while not inflate.eof:
        if inflate.unconsumed_tail:
            chunk = inflate.unconsumed_tail
        elif left_in > 0:
            chunk = fp.read(min(IN_CHUNK_BYTES, left_in))
            left_in -= len(chunk)
            if not chunk:  # the file ends before the part does: the reader gives its own reason
                left_in = 0
        else:  # all input given: ISA-L may still hold output that unconsumed_tail does not show
            chunk = b""
        try:
            out = inflate.decompress(chunk, out_bytes)
        except _INFLATE_ERRORS:
            _refuse(CORRUPT_PART.format(part=info.filename))
        if not out and not chunk:
            return  # a truncated stream: nothing more comes out
        yield out, info.compress_size - left_in


def inflate_part(zip_source, name: str, out_bytes: int = OUT_CHUNK_BYTES):
    """The bytes of one part of a zip (path or file-like), chunk by chunk: what zipfile.open gives (without
    its CRC check), inflated with ISA-L. For the readers' own scans of a part check_zip has passed."""
    with zipfile.ZipFile(zip_source) as zf:
        info = zf.getinfo(name)
        if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:
            with zf.open(info) as fh:
                yield from iter(lambda: fh.read(out_bytes), b"")
            return
        _seek_data(zf.fp, info)
        for out, _ in _inflate_chunks(zf.fp, info, out_bytes):
            yield out


def _stream_part(fp, info: zipfile.ZipInfo, figures: ZipFigures) -> None:
    """Inflate one part from its raw bytes, counting output; refuse as soon as it is over a limit."""
    _seek_data(fp, info)
    if info.flag_bits & 0x1:
        return  # encrypted part: the reader refuses the file with its own reason
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size > MAX_PART_BYTES:
            _refuse(PART_TOO_BIG.format(part=info.filename, size=_mb(info.compress_size), limit=_mb(MAX_PART_BYTES)))
        figures.unzipped_bytes += info.compress_size
        return  # stored bytes are what they are; their count is the declared one
    if info.compress_type != zipfile.ZIP_DEFLATED:
        _refuse(METHOD_UNSUPPORTED.format(part=info.filename))
    sheet = _is_sheet(info.filename)
    strings = info.filename == "xl/sharedStrings.xml"
    produced = 0
    rows = 0
    tail = b""
    limit = min(info.file_size, MAX_PART_BYTES)
    for out, read_in in _inflate_chunks(fp, info, OUT_CHUNK_BYTES):
        produced += len(out)
        if produced > limit:
            if produced > MAX_PART_BYTES:
                _refuse(PART_TOO_BIG.format(part=info.filename, size=f"> {_mb(MAX_PART_BYTES)}",
                                            limit=_mb(MAX_PART_BYTES)))
            _refuse(SIZE_LIED.format(part=info.filename, size=_mb(info.file_size)))
        if produced > RATIO_FLOOR_BYTES and produced > MAX_RATIO * (read_in + 1):
            _refuse(RATIO_TOO_HIGH.format(part=info.filename, ratio=MAX_RATIO))
        if sheet == "ods":
            buf = tail + out
            cut = buf.rfind(b"<")
            if cut >= 0 and len(buf) - cut < 24:  # a tag start cut by the chunk boundary: count it next step
                buf, tail = buf[:cut], buf[cut:]
            else:
                tail = b""
            rows += buf.count(b"<table:table-row")
            figures.cells += buf.count(b"<table:table-cell")
        elif sheet or strings:
            # tags that start in the last bytes of the previous output, then those of this one
            n_rows, n_cells = _count_tags(tail + out[:_TAG_LOOKAHEAD], bool(sheet)) if tail else (0, 0)
            more_rows, more_cells = _count_tags(out, bool(sheet))
            tail = out[-_TAG_LOOKAHEAD:] if len(out) >= _TAG_LOOKAHEAD else (tail + out)[-_TAG_LOOKAHEAD:]
            if sheet:
                rows += n_rows + more_rows
                figures.cells += n_cells + more_cells
                if rows > MAX_ROWS:
                    _refuse(TOO_MANY_ROWS.format(part=info.filename, limit=MAX_ROWS))
                if figures.cells > MAX_CELLS:
                    _refuse(TOO_MANY_CELLS.format(limit=MAX_CELLS))
            else:
                figures.shared_strings += n_cells + more_cells
                if figures.shared_strings > MAX_CELLS:
                    _refuse(TOO_MANY_CELLS.format(limit=MAX_CELLS))
    figures.unzipped_bytes += produced
    figures.rows = max(figures.rows, rows)


# --------------------------------------------------------------------------- guarded read

class _Watchdog(threading.Thread):
    """In the child: exit with MEMORY_EXIT_CODE when resident memory passes the limit."""

    def __init__(self, limit_bytes: float):
        super().__init__(daemon=True)
        self.limit = limit_bytes
        self.page = os.sysconf("SC_PAGE_SIZE")

    def run(self) -> None:
        while True:
            try:
                with open("/proc/self/statm") as fh:
                    rss = int(fh.read().split()[1]) * self.page
            except (OSError, ValueError, IndexError):
                return
            if rss > self.limit:
                os._exit(MEMORY_EXIT_CODE)
            time.sleep(0.05)


MEMORY_EXIT_CODE = 86


def _child_main(source_path: str, file_name: str, overrides_path: str, out_path: str, memory_mb: str) -> None:
    """The child process: read the file at `source_path`, pickle ("ok", result) or ("error", text) to `out_path`."""
    import pickle
    _Watchdog(float(memory_mb) * (1 << 20)).start()
    from analytics.ingest import read_workbook
    with open(overrides_path, "rb") as fh:
        overrides = pickle.load(fh)
    with open(source_path, "rb") as fh:
        data = fh.read()
    try:
        reply = ("ok", read_workbook(data, file_name=file_name, column_overrides=overrides or None))
    except Exception as exc:  # noqa: BLE001 - any failure becomes the file's one-line reason
        reply = ("error", f"{type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}")
    del data
    with open(out_path + ".tmp", "wb") as fh:
        pickle.dump(reply, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(out_path + ".tmp", out_path)


_CHILD_CODE = "import sys; from analytics.ingest.limits import _child_main; _child_main(*sys.argv[1:])"
_PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read_guarded(source, file_name: str, column_overrides: dict | None = None, *,
                 timeout_s: float | None = None, memory_mb: float | None = None,
                 cancelled: threading.Event | None = None):
    """read_workbook(source, ...) in a child process (a fresh interpreter: none of the web server's
    threads, memory or modules) with a wall-time and a memory limit.

    `source` is bytes or a path. Returns the WorkbookResult; over a limit (or a crash) a
    WorkbookResult whose `error` is the one-line Chinese reason (READ_TIMEOUT, READ_OUT_OF_MEMORY,
    READ_CRASHED). `cancelled`, when set, stops the child early (error "读取已取消").
    """
    import hashlib
    import pickle
    import subprocess
    import sys
    import tempfile

    from analytics.ingest.model import WorkbookResult
    timeout_s = READ_TIMEOUT_S if timeout_s is None else timeout_s
    memory_mb = READ_MEMORY_MB if memory_mb is None else memory_mb
    with tempfile.TemporaryDirectory(prefix="park-read-") as tmp:
        if isinstance(source, (bytes, bytearray, memoryview)):
            sha = hashlib.sha256(source).hexdigest()
            src = os.path.join(tmp, "upload")
            with open(src, "wb") as fh:
                fh.write(source)
        else:
            src, sha = os.fspath(source), ""
        ov = os.path.join(tmp, "overrides.pickle")
        with open(ov, "wb") as fh:
            pickle.dump(column_overrides, fh)
        out = os.path.join(tmp, "result.pickle")
        env = dict(os.environ)
        env["PYTHONPATH"] = _PROJECT_ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        proc = subprocess.Popen([sys.executable, "-c", _CHILD_CODE, src, file_name, ov, out, str(memory_mb)],
                                cwd=_PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout_s
        try:
            while True:
                try:
                    proc.wait(timeout=0.1)
                    break
                except subprocess.TimeoutExpired:
                    pass
                if time.monotonic() > deadline:
                    return WorkbookResult(file=file_name, sha256=sha, error=READ_TIMEOUT.format(seconds=timeout_s))
                if cancelled is not None and cancelled.is_set():
                    return WorkbookResult(file=file_name, sha256=sha, error="读取已取消")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
            if proc.stderr:
                proc.stderr.close()
        if proc.returncode == 0 and os.path.exists(out):
            with open(out, "rb") as fh:
                kind, value = pickle.load(fh)
            if kind == "ok":
                return value
            return WorkbookResult(file=file_name, sha256=sha, error=msg_unreadable(value))
        if proc.returncode == MEMORY_EXIT_CODE:
            return WorkbookResult(file=file_name, sha256=sha, error=READ_OUT_OF_MEMORY.format(mb=memory_mb))
        if "MemoryError" in stderr:
            return WorkbookResult(file=file_name, sha256=sha, error=READ_OUT_OF_MEMORY.format(mb=memory_mb))
        if "memory allocation of" in stderr:      # Rust's abort when the reader asks for an impossible block
            return WorkbookResult(file=file_name, sha256=sha, error=READ_RANGE_TOO_LARGE)
        return WorkbookResult(file=file_name, sha256=sha, error=READ_CRASHED.format(code=proc.returncode))


def msg_unreadable(detail: str) -> str:
    from analytics.ingest import messages as msg
    return msg.FILE_UNREADABLE.format(detail=detail)
