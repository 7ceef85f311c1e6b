"""What a legacy .xls (BIFF8) tells beyond its values: cells shown as percentages, hidden columns.

python-calamine reads the values of an .xls but not its number formats nor its column widths. This
module walks the file's records to find them, so that an .xls reads exactly like the same workbook
saved as .xlsx (a growth rate typed 0.099 and shown as 9.9 % is 9.9; a hidden column loses to a
visible one of the same meaning). It reads the OLE2 compound file (big and mini streams) to get the
"Workbook" stream, then the FORMAT, XF and BOUNDSHEET records of the workbook globals and the
NUMBER, RK, MULRK, FORMULA and COLINFO records of each sheet. Anything unexpected gives empty
results: the values themselves always come from calamine.
"""
from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field

_ENDOFCHAIN = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_PERCENT_BUILTIN = {9, 10}  # 0% and 0.00%
MAX_SECTORS = 1 << 22


@dataclass
class SheetFormats:
    percent_cells: set[tuple[int, int]] = field(default_factory=set)  # (excel row, 0-based col)
    hidden_cols: set[int] = field(default_factory=set)


def workbook_stream(data: bytes) -> bytes | None:
    """The "Workbook" (or "Book") stream of an OLE2 compound file, or None."""
    if len(data) < 512 or data[:8] != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return None
    sector_shift, mini_shift = struct.unpack_from("<HH", data, 30)
    size = 1 << sector_shift
    mini_size = 1 << mini_shift
    n_fat, first_dir, _, mini_cutoff, first_minifat, n_minifat, first_difat, n_difat = struct.unpack_from(
        "<IIIIIIII", data, 44)
    difat = list(struct.unpack_from("<109I", data, 76))
    sec = first_difat
    for _ in range(n_difat):
        if sec in (_ENDOFCHAIN, _FREE):
            break
        off = 512 + sec * size
        entries = struct.unpack_from(f"<{size // 4}I", data, off)
        difat.extend(entries[:-1])
        sec = entries[-1]
    fat: list[int] = []
    for s in difat[:n_fat]:
        if s in (_ENDOFCHAIN, _FREE):
            continue
        fat.extend(struct.unpack_from(f"<{size // 4}I", data, 512 + s * size))

    def chain(start: int) -> list[int]:
        out, s = [], start
        while s not in (_ENDOFCHAIN, _FREE) and s < len(fat) and len(out) < MAX_SECTORS:
            out.append(s)
            s = fat[s]
        return out

    def read(start: int) -> bytes:
        return b"".join(data[512 + s * size:512 + (s + 1) * size] for s in chain(start))

    directory = read(first_dir)
    entries = []
    for i in range(len(directory) // 128):
        e = directory[i * 128:(i + 1) * 128]
        name_len = struct.unpack_from("<H", e, 64)[0]
        name = e[:max(0, name_len - 2)].decode("utf-16-le", errors="ignore")
        kind = e[66]
        start, stream_size = struct.unpack_from("<II", e, 116)
        entries.append((name, kind, start, stream_size))
    root = next((e for e in entries if e[1] == 5), None)
    book = next((e for e in entries if e[1] == 2 and e[0] in ("Workbook", "Book")), None)
    if book is None or root is None:
        return None
    _, _, start, stream_size = book
    if stream_size >= mini_cutoff:
        return read(start)[:stream_size]
    mini_stream = read(root[2])
    minifat: list[int] = []
    for s in chain(first_minifat)[:n_minifat]:
        minifat.extend(struct.unpack_from(f"<{size // 4}I", data, 512 + s * size))
    out, s = [], start
    while s not in (_ENDOFCHAIN, _FREE) and s < len(minifat) and len(out) < MAX_SECTORS:
        out.append(mini_stream[s * mini_size:(s + 1) * mini_size])
        s = minifat[s]
    return b"".join(out)[:stream_size]


def _records(stream: bytes, pos: int = 0):
    n = len(stream)
    while pos + 4 <= n:
        rtype, length = struct.unpack_from("<HH", stream, pos)
        yield pos, rtype, stream[pos + 4:pos + 4 + length]
        pos += 4 + length


def _unicode_string(body: bytes, off: int) -> str:
    n = struct.unpack_from("<H", body, off)[0]
    flags = body[off + 2]
    start = off + 3
    if flags & 0x08:
        start += 2
    if flags & 0x04:
        start += 4
    if flags & 0x01:
        return body[start:start + 2 * n].decode("utf-16-le", errors="ignore")
    return body[start:start + n].decode("latin-1")


_QUOTED_RE = re.compile(r'"[^"]*"|\\.')


def sheet_formats(data: bytes) -> dict[str, SheetFormats]:
    """{sheet name: SheetFormats} of a BIFF8 .xls; empty when the file cannot be walked."""
    try:
        stream = workbook_stream(data)
        if not stream:
            return {}
        percent_fmts = set(_PERCENT_BUILTIN)
        xf_formats: list[int] = []
        sheets: list[tuple[str, int]] = []
        for _pos, rtype, body in _records(stream):
            if rtype == 0x041E:  # FORMAT
                ifmt = struct.unpack_from("<H", body, 0)[0]
                if "%" in _QUOTED_RE.sub("", _unicode_string(body, 2)):
                    percent_fmts.add(ifmt)
            elif rtype == 0x00E0:  # XF
                xf_formats.append(struct.unpack_from("<H", body, 2)[0])
            elif rtype == 0x0085:  # BOUNDSHEET
                offset = struct.unpack_from("<I", body, 0)[0]
                if body[5] == 0:  # a worksheet
                    n, flags = body[6], body[7]
                    name = body[8:8 + 2 * n].decode("utf-16-le", "ignore") if flags & 1 else \
                        body[8:8 + n].decode("latin-1")
                    sheets.append((name, offset))
            elif rtype == 0x000A and sheets:  # EOF of the globals
                break
        percent_xf = {i for i, f in enumerate(xf_formats) if f in percent_fmts}
        out: dict[str, SheetFormats] = {}
        for name, offset in sheets:
            sf = SheetFormats()
            for _pos, rtype, body in _records(stream, offset):
                if rtype in (0x0203, 0x027E, 0x0006) and len(body) >= 6:  # NUMBER, RK, FORMULA
                    row, col, ixfe = struct.unpack_from("<HHH", body, 0)
                    if ixfe in percent_xf:
                        sf.percent_cells.add((row + 1, col))
                elif rtype == 0x00BD and len(body) >= 6:  # MULRK
                    row, first = struct.unpack_from("<HH", body, 0)
                    k = (len(body) - 6) // 6
                    for j in range(k):
                        ixfe = struct.unpack_from("<H", body, 4 + 6 * j)[0]
                        if ixfe in percent_xf:
                            sf.percent_cells.add((row + 1, first + j))
                elif rtype == 0x007D and len(body) >= 10:  # COLINFO
                    first, last, _w, _xf, grbit = struct.unpack_from("<HHHHH", body, 0)
                    if grbit & 0x0001 and last - first < 256:
                        sf.hidden_cols.update(range(first, last + 1))
                elif rtype == 0x000A:  # EOF of the sheet
                    break
            out[name] = sf
        return out
    except (struct.error, IndexError, ValueError):
        return {}
