"""Item 1 of issue 15: limits that hold whatever the file says (analytics.ingest.limits).

A 4 MB zip bomb whose sheet unzips to 4 GiB is refused in under 2 s with under 200 MB of memory,
whether its headers are honest or lie about the size; so are a lower-ratio bomb and a sheet with
more cells than allowed; read_guarded stops a read over its time or memory limit.
"""
from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from security_fixtures import far_cell_workbook, zip_bomb

from analytics.ingest import limits, read_workbook

ROOT = Path(__file__).resolve().parent.parent


def _measure_in_child(kind: str) -> dict:
    """Build a bomb and read it in a fresh interpreter: seconds and peak RSS growth (MB) of the read alone."""
    code = textwrap.dedent(f"""
        import json, sys, time
        sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'tests')!r}]
        from analytics.ingest import read_workbook
        from security_fixtures import zip_bomb
        data = zip_bomb(**{kind})
        def hwm():
            for line in open('/proc/self/status'):
                if line.startswith('VmHWM'):
                    return int(line.split()[1]) / 1024
        def rss():
            for line in open('/proc/self/status'):
                if line.startswith('VmRSS'):
                    return int(line.split()[1]) / 1024
        open('/proc/self/clear_refs', 'w').write('5')  # reset the peak to the current RSS
        before = rss()
        t0 = time.perf_counter()
        result = read_workbook(data, file_name='名录.xlsx')
        print(json.dumps({{'seconds': time.perf_counter() - t0, 'grew_mb': hwm() - before,
                          'peak_mb': hwm(), 'size_mb': len(data) / 2**20, 'error': result.error}}))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_zip_bomb_with_honest_headers_refused_fast_and_small():
    r = _measure_in_child("{}")
    assert r["size_mb"] < 5
    assert r["error"] == ("文件解压后过大：部件 xl/worksheets/sheet1.xml 解压后 4.0 GB（单个部件上限 1.0 GB）；"
                          "请按年份或工作表拆分后分别上传")
    assert r["seconds"] < 2 and r["grew_mb"] < 200, r


def test_zip_bomb_whose_headers_lie_refused_while_streaming():
    r = _measure_in_child("{'lie': True}")
    assert r["size_mb"] < 5
    assert r["error"] == ("文件已损坏：部件 xl/worksheets/sheet1.xml 实际解压后超过其声明的大小 3 MB，已拒绝读取；"
                          "请用 Excel 打开后另存为 .xlsx 再上传")
    assert r["seconds"] < 2 and r["grew_mb"] < 200, r


def test_bomb_under_the_size_limit_refused_by_its_ratio():
    result = read_workbook(zip_bomb(900 << 20), file_name="名录.xlsx")
    assert result.error == ("文件压缩比异常（部件 xl/worksheets/sheet1.xml 压缩比超过 200:1，疑似“压缩炸弹”），"
                            "已拒绝读取；请用 Excel 打开后另存为 .xlsx 再上传")


def _workbook(rows: int, cols: int) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("名录")
    ws.append(["统一社会信用代码", "市场主体名称"] + [f"列{i}" for i in range(cols - 2)])
    for r in range(rows):
        ws.append([f"91630100MA{r:08d}", f"企业{r}"] + [r] * (cols - 2))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_cells_counted_while_streaming(monkeypatch):
    data = _workbook(200, 10)  # 201 rows x 10 = 2010 cells
    figures = limits.check_zip(io.BytesIO(data))
    assert figures.cells == 2010 and figures.rows == 201
    monkeypatch.setattr(limits, "MAX_CELLS", 2000)
    assert read_workbook(data, file_name="名录.xlsx").error == \
        "文件单元格过多（超过 2,000 个），已拒绝读取；请按年份或工作表拆分后分别上传"
    monkeypatch.setattr(limits, "MAX_CELLS", 2010)
    assert read_workbook(data, file_name="名录.xlsx").error is None


def _with_shared_strings(data: bytes, n: int) -> bytes:
    """`data` with a string table of `n` entries added (openpyxl writes inline strings only)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/sharedStrings.xml", '<sst xmlns="x"><si><t>甲</t></si>' +
                     "".join(f'<si><r><t>企业{i}</t></r></si>' for i in range(n - 1)) + "</sst>")
    return out.getvalue()


def test_tags_counted_exactly_across_inflate_chunks(monkeypatch):
    """7-byte inflate steps cut nearly every tag: the counts are still exact (a tag cut at a step boundary
    is counted once), and "<cols>", "<rPr>", "<sheetData>" are not cells, rows or strings."""
    data = _with_shared_strings(_workbook(50, 4), 300)
    monkeypatch.setattr(limits, "OUT_CHUNK_BYTES", 7)
    figures = limits.check_zip(io.BytesIO(data))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
        assert figures.unzipped_bytes == sum(i.file_size for i in zf.infolist())
    assert (figures.rows, figures.cells, figures.shared_strings) == (51, 204, 300)
    assert (sheet.count(b"<row"), len(re.findall(rb"<c[ >/]", sheet))) == (51, 204)
    monkeypatch.setattr(limits, "MAX_CELLS", 299)
    assert read_workbook(data, file_name="名录.xlsx").error == \
        "文件单元格过多（超过 299 个），已拒绝读取；请按年份或工作表拆分后分别上传"


def test_sample_workbooks_pass_the_limits():
    for path in sorted((ROOT / "data" / "sample").glob("*.xlsx")):
        figures = limits.check_zip(str(path))
        assert 0 < figures.cells < limits.MAX_CELLS


@pytest.mark.slow
def test_guarded_read_stops_at_its_time_and_memory_limits():
    data = _workbook(20000, 12)
    t0 = time.perf_counter()
    result = limits.read_guarded(data, "名录.xlsx", timeout_s=0.3)
    assert result.error == "文件读取超过 0.3 秒的上限，已停止；请按年份或工作表拆分后分别上传"
    assert time.perf_counter() - t0 < 3
    result = limits.read_guarded(data, "名录.xlsx", memory_mb=50)
    assert result.error == "文件读取所需内存超过 50 MB 的上限，已停止；请按年份或工作表拆分后分别上传"
    ok = limits.read_guarded(data, "名录.xlsx")
    same = read_workbook(data, file_name="名录.xlsx")  # the child returns what an in-process read returns
    assert ok.error is None and [s.skipped_reason for s in ok.sheets] == [s.skipped_reason for s in same.sheets]
    assert ok.sheets[0].header_rows == (1,)


def test_a_tiny_workbook_with_a_cell_at_xfd1048576_is_refused_with_its_cause(tmp_path):
    """5 KB on disk, but calamine asks for memory for the whole used range (17 billion cells) and the
    reading process aborts: the guarded read says why and what to do, not just that the process died."""
    from analytics.ingest import limits
    path = far_cell_workbook(tmp_path / "名录.xlsx")
    assert path.stat().st_size < 10_000
    result = limits.read_guarded(path, "名录.xlsx")
    assert result.error == limits.READ_RANGE_TOO_LARGE
    assert "XFD1048576" in result.error and "删除数据以外的行和列" in result.error
