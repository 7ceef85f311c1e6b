"""Hostile workbooks for the security tests, built in memory in well under a second.

`zip_bomb(unzipped)`: a valid .xlsx whose sheet1.xml inflates to `unzipped` bytes from a few MB:
the deflate stream is one compressed 1 MiB block of repeated rows, flushed (Z_FULL_FLUSH resets the
window, so every copy of the block is byte-identical) and repeated. `lie=True` writes a small
declared size into the headers (the central directory and the local header), as an attacker would.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

from xlsx_stream import package_parts

_BLOCK_BYTES = 1 << 20
_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
         b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>')


def _bomb_stream(unzipped: int) -> tuple[bytes, int]:
    """(raw deflate bytes, exact unzipped size) of _HEAD followed by `unzipped` bytes of one cell's text."""
    block = b"A" * _BLOCK_BYTES  # one endless text cell: deflate's best ratio (about 1030:1)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = comp.compress(_HEAD) + comp.flush(zlib.Z_FULL_FLUSH)
    one = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    two = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    assert one == two  # after a full flush every copy compresses to the same bytes
    n = max(1, (unzipped - len(_HEAD)) // _BLOCK_BYTES)
    tail = comp.flush(zlib.Z_FINISH)
    return head + one * n + tail, len(_HEAD) + n * _BLOCK_BYTES


def zip_bomb(unzipped: int = 4 << 30, *, lie: bool = False) -> bytes:
    """An .xlsx (bytes) whose sheet inflates to about `unzipped` bytes; headers honest unless `lie`."""
    raw, size = _bomb_stream(unzipped)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, xml in package_parts("名录").items():
            zf.writestr(name, xml)
    entries = out.getvalue()
    # append the sheet by hand (zipfile would deflate 4 GiB itself): local header, data, new directory
    zf = zipfile.ZipFile(io.BytesIO(entries))
    infos = zf.infolist()
    cd_start = zf.start_dir
    body = bytearray(entries[:cd_start])
    declared = 3 << 20 if lie else size
    name = b"xl/worksheets/sheet1.xml"
    offset = len(body)
    crc = 0  # the size checks refuse the part long before a CRC could be compared
    body += struct.pack("<4s5H3L2H", b"PK\x03\x04", 45, 0, 8, 0, 0, crc, len(raw), declared & 0xFFFFFFFF,
                        len(name), 0) + name + raw
    central = bytearray()
    for info in infos:
        central += _central(info.filename.encode(), info.CRC, info.compress_size, info.file_size,
                            info.header_offset)
    central += _central(name, crc, len(raw), declared, offset)
    zip64 = declared > 0xFFFFFFFF
    if zip64:  # a 4 GiB size needs the zip64 extra field in the central entry; rebuild that entry
        central = central[:-(46 + len(name))]
        extra = struct.pack("<HHQ", 1, 8, declared)
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 45, 45, 0, 8, 0, 0, crc, len(raw), 0xFFFFFFFF,
                               len(name), len(extra), 0, 0, 0, 0, offset) + name + extra
    cd_offset = len(body)
    body += central
    body += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(infos) + 1, len(infos) + 1, len(central),
                        cd_offset, 0)
    return bytes(body)


def _central(name: bytes, crc: int, csize: int, usize: int, offset: int) -> bytes:
    return struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, csize, usize & 0xFFFFFFFF,
                       len(name), 0, 0, 0, 0, 0, offset) + name


def far_cell_workbook(path):
    """A registry workbook of 5 KB on disk with one cell at XFD1048576: calamine asks for memory for the
    whole used range (17 billion cells) and the reading process aborts. Returns path."""
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "市场主体名称"])
    ws["XFD1048576"] = "x"
    wb.save(path)
    return path
