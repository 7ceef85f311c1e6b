"""The briefing as the office receives it: the .docx rendered by LibreOffice (pages, fonts, header
block, page numbers, table columns), the command line without Chromium (the charts need none), a
wedged chart worker killed at its limit, and a server that stops on SIGTERM in the middle of a chart export. The rendered pages go to artifacts/briefing/ (PNG)."""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analytics import briefing, docx_gov, images, office, store

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts" / "briefing"
AS_OF = dt.date(2025, 6, 15)
ISSUED = dt.date(2025, 6, 16)
HAS_SOFFICE = office.find_soffice() is not None
HAS_POPPLER = all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdftoppm", "pdfinfo"))
needs_office = pytest.mark.skipif(not (HAS_SOFFICE and HAS_POPPLER),
                                  reason="未安装 libreoffice-writer 或 poppler-utils（apt-get install libreoffice-writer "
                                         "poppler-utils），跳过PDF渲染测试")


def _text(pdf: Path, page: int | None = None) -> str:
    """The PDF's text (pdftotext), without the spaces the renderer puts between Han and Latin/digits."""
    args = ["pdftotext", "-enc", "UTF-8"] + (["-f", str(page), "-l", str(page)] if page else []) + [str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout.replace(" ", "")


@pytest.fixture(scope="module")
def rendered(store_db, tmp_path_factory):
    """(briefing, .docx path, .pdf path) of the sample store at AS_OF, chart images included (when a CJK
    font is there); the pages written to artifacts/briefing/page-N.png."""
    path, _ = store_db
    con = store.connect(str(path), read_only=True)
    try:
        b = briefing.build_briefing(con, AS_OF)
    finally:
        con.close()
    pngs, _, _ = briefing.chart_images(b)
    out = tmp_path_factory.mktemp("rendered")
    docx = out / "briefing.docx"
    docx.write_bytes(briefing.to_docx(b, pngs, issued_on=ISSUED))
    pdf = out / "briefing.pdf"
    t = time.perf_counter()
    pdf.write_bytes(office.docx_to_pdf(docx.read_bytes()))
    pdf_s = time.perf_counter() - t
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("page-*.png"):
        old.unlink()
    for i, png in enumerate(office.pdf_pages_png(pdf.read_bytes(), dpi=100), start=1):
        (ARTIFACTS / f"page-{i:02d}.png").write_bytes(png)
    shutil.copy(docx, ARTIFACTS / "briefing.docx")
    shutil.copy(pdf, ARTIFACTS / "briefing.pdf")
    return b, docx, pdf, pdf_s, bool(pngs)


@pytest.mark.slow
@needs_office
def test_pdf_pages_header_block_and_page_numbers(rendered):
    b, _, pdf, pdf_s, _ = rendered
    assert pdf_s < office.PDF_TIMEOUT_S
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    n = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert n == office.pdf_page_count(pdf.read_bytes())
    # body (header block, five sections, six figures) and two appendices of at most 50 rows each
    assert 6 <= n <= 14, n
    first = _text(pdf, 1)
    cfg = docx_gov.load_config()
    for line in (cfg.name, docx_gov.issue_of(cfg, AS_OF).text, cfg.unit, "2025年6月16日", "2025年6月园区经济运行情况",
                 "（数据截至2025年6月15日）", "一、工业经济运行"):
        assert line in first, line
    # every page carries its number as "— N —"
    for page in range(1, n + 1):
        assert re.search(rf"—\s*{page}\s*—", _text(pdf, page)), page
    # the end: 附件说明, 落款, both appendices, 抄送 and 印发
    text = _text(pdf)
    for line in ("附件：1.红灯、黄灯项目清单", "未办结企业诉求清单", "抄送：", "2025年6月16日印发"):
        assert line in text, line
    # the first appendix (nine columns) is on landscape pages
    sizes = re.findall(r"Page\s+\d+\s+size:\s+([\d.]+) x ([\d.]+)",
                       subprocess.run(["pdfinfo", "-f", "1", "-l", str(n), str(pdf)], capture_output=True,
                                      text=True, check=True).stdout)
    assert float(sizes[0][0]) < float(sizes[0][1])                       # page 1 portrait
    assert any(float(w) > float(h) for w, h in sizes)                     # a landscape appendix


@pytest.mark.slow
@needs_office
def test_pdf_fonts_are_chinese_noto_with_simplified_forms(rendered):
    _, _, pdf, _, _ = rendered
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:]]
    # the office's fonts drawn with their Linux fallbacks (Noto Serif/Sans CJK, Liberation Serif for
    # Times New Roman); never DejaVu/Droid (what fontconfig gives an unknown Chinese font name)
    assert any("NotoSerifCJK" in n for n in names) and any("NotoSansCJK" in n for n in names), names
    assert not [n for n in names if "DejaVu" in n or "Droid" in n], names


def _han(line: str) -> int:
    """CJK characters and full-width punctuation in a line (what the 28-character rule counts)."""
    return sum(1 for ch in line if ord(ch) > 0x2E80)


@pytest.mark.slow
@needs_office
def test_body_lines_hold_28_characters_and_the_record_sits_at_the_foot_of_the_last_page(rendered):
    """GB/T 9704's grid as LibreOffice lays it out: a body line holds at most 28 characters of 三号 and
    a full one exactly 28; Word's page setup gets the 22-line grid (w:docGrid, 28.9 pt). The 版记 is
    the last text of the last page, at the foot of the 版心, above the page number."""
    from docx import Document
    from docx.oxml.ns import qn
    b, docx, pdf, _, _ = rendered
    doc = Document(str(docx))
    grid = doc.sections[0]._sectPr.find(qn("w:docGrid"))
    assert (grid.get(qn("w:type")), grid.get(qn("w:linePitch"))) == ("lines", "578")
    paragraphs = [s.paragraph for s in b.sections if s.paragraph]
    layout = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                            check=True).stdout
    body = [line.replace(" ", "") for line in layout.splitlines()]
    body = [line for line in body if len(line) >= 12 and any(line in p for p in paragraphs)]
    assert len(body) > 30
    counts = [_han(line) for line in body]
    assert max(counts) == docx_gov.CHARS_PER_LINE, sorted(counts)[-5:]
    # the 版记: its two lines are the last text of the last page, at the foot of the 版心 (above the page number)
    n = office.pdf_page_count(pdf.read_bytes())
    html = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", "-f", str(n), "-l", str(n), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    page_w, page_h = (float(v) for v in re.search(r'<page width="([\d.]+)" height="([\d.]+)"', html).groups())
    lines: dict[float, list] = {}   # words grouped into lines by their top edge: {yMin: [yMax, text]}
    for y0, y1, w in re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
                                html):
        line = lines.setdefault(round(float(y0)), [float(y1), ""])
        line[1] += w
    rows = sorted((top, bottom, text) for top, (bottom, text) in lines.items())
    assert rows[-1][2] == f"—{n}—"                                       # the page number, lowest
    record, rest = rows[-3:-1], rows[:-3]
    assert record[0][2].startswith("抄送：") and record[1][2] == f"{docx_gov.load_config().printed_by}2025年6月16日印发"
    assert record[0][0] > rest[-1][1] + 2 * docx_gov.LINE_PT             # well below the last table: at the foot
    bottom_mm = (docx_gov.MARGIN_RIGHT_MM if page_w > page_h else docx_gov.MARGIN_BOTTOM_MM)
    foot = page_h - bottom_mm * docx_gov.PT_PER_MM                     # the 版心's bottom edge, pt from the top
    assert foot - 30 < record[1][1] <= foot + 1, (record, foot)


@pytest.mark.slow
@needs_office
def test_docx_names_the_office_fonts(rendered):
    from docx import Document
    from docx.oxml.ns import qn
    _, docx, _, _, _ = rendered
    doc = Document(str(docx))
    named = {el.get(qn("w:eastAsia")) for el in doc.element.body.iter(qn("w:rFonts"))}
    assert named == {"方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"}, named
    assert {el.get(qn("w:ascii")) for el in doc.element.body.iter(qn("w:rFonts"))} == {"Times New Roman"}


@pytest.mark.slow
@needs_office
def test_no_table_column_is_narrower_than_its_longest_word(rendered):
    """In the rendered PDF every unbreakable word of every table (headers, names, dates, statuses)
    appears on one line: a column narrower than its word would split it across lines."""
    from docx import Document
    _, docx, pdf, _, _ = rendered
    text = _text(pdf)
    lines = set(line.strip() for line in text.splitlines())
    flat = "\n".join(lines)   # (spaces already removed)
    doc = Document(str(docx))
    checked = 0
    for t in doc.tables:
        for row in t.rows:
            for cell in row.cells:
                for word in docx_gov.words(cell.text):
                    if len(word) < 2:
                        continue
                    checked += 1
                    # pdftotext keeps a cell's line whole; spaces it adds between Han and Latin are ignored
                    assert word.replace(" ", "") in flat, (word, cell.text)
    assert checked > 300


@pytest.mark.slow
@needs_office
def test_rendered_pages_are_drawn(rendered):
    from PIL import Image
    pages = sorted(ARTIFACTS.glob("page-*.png"))
    assert pages
    with Image.open(pages[0]) as im:
        w, h = im.size
        assert (w, h) == (827, 1170)      # A4 (210 x 297 mm) at 100 dpi, rounded up
        r, g, b = (band.point(lambda v, lo=lo, hi=hi: 255 if lo <= v <= hi else 0)
                   for band, (lo, hi) in zip(im.convert("RGB").crop((0, 0, w, h // 3)).split(),
                                             ((201, 255), (0, 79), (0, 79))))
        from PIL import ImageChops
        red = ImageChops.multiply(ImageChops.multiply(r, g), b).histogram()[255]
    assert red > 2000                     # the red masthead and rule


# ---------------------------------------------------------------------------
# Never a hang: the command line without Chromium, a wedged chart worker
# ---------------------------------------------------------------------------
@pytest.mark.slow
def test_cli_without_chromium_writes_the_word_file_and_the_images(store_db, tmp_path):
    db, _ = store_db
    cmd = [sys.executable, "-m", "analytics", "briefing", "--db", str(db), "--as-of", "2025-06-15"]
    # no browser anywhere (BROWSER_PATH wrong, nothing on PATH) and no LibreOffice: the charts are drawn
    # with matplotlib all the same, the PDF is left out with its reason
    env = {**os.environ, "BROWSER_PATH": str(tmp_path / "no-chromium"), "PATH": str(tmp_path),
           "SOFFICE": str(tmp_path / "no-soffice")}
    t = time.perf_counter()
    proc = subprocess.run(cmd + ["--out", str(tmp_path / "out")], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    seconds = time.perf_counter() - t
    assert proc.returncode == 0, proc.stderr
    assert seconds < 60, seconds          # before: a traceback, then a hang killed at 300 s
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [
        "注意：未安装 LibreOffice，未生成PDF简报（安装：apt-get install libreoffice-writer；也可用 Word/WPS 打开 .docx 另存为PDF）"]
    docx = tmp_path / "out" / "月度简报_2025-06-15.docx"
    assert f"已生成：{docx}" in proc.stdout and docx.stat().st_size > 300_000   # six 2x chart images inside
    charts = sorted((tmp_path / "out" / "charts").glob("*.png"))
    assert [p.name[:2] for p in charts] == ["图1", "图2", "图3", "图4", "图5", "图6"]


WEDGED = "sleep 600.4242"   # the command line of the fake worker's process, to find it in /proc


def _fake_worker(tmp_path: Path) -> Path:
    """An executable that never answers (a wedged chart worker)."""
    fake = tmp_path / "wedged-worker"
    fake.write_text(f"#!/bin/sh\nexec {WEDGED}\n")
    fake.chmod(0o755)
    return fake


@pytest.mark.slow
def test_a_wedged_worker_is_killed_at_its_time_limit(tmp_path):
    import plotly.graph_objects as go
    worker = images.ImageWorker(argv=[str(_fake_worker(tmp_path))], start_timeout_s=3)
    # figures far larger than a pipe's buffer: handing them to a worker that never reads must not block
    big = go.Figure(go.Scatter(x=[f"类别{i}" for i in range(20_000)], y=list(range(20_000))))
    t = time.perf_counter()
    worker.start()
    tickets = [worker.submit(big) for _ in range(3)]
    assert time.perf_counter() - t < 2
    with pytest.raises(images.ImageTimeout) as err:
        worker.result(tickets[0])
    assert time.perf_counter() - t < 8
    assert str(err.value) == "启动图表绘制进程超过3秒未完成，已停止图表绘制进程"
    time.sleep(0.3)
    assert not _processes_running(WEDGED)


def _processes_running(needle: str) -> list[int]:
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                cmd = Path(f"/proc/{name}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if needle in cmd:
                out.append(int(name))
    return out


# ---------------------------------------------------------------------------
# A server stops on SIGTERM, also in the middle of a chart export
# ---------------------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="未找到 /usr/bin/chromium，跳过浏览器测试")
def test_server_stops_on_sigterm_during_an_image_export(tmp_path, monkeypatch):
    from playwright.sync_api import sync_playwright
    from test_briefing import _tiny

    from analytics import screenshots
    db = tmp_path / "tiny.duckdb"
    _tiny(db)
    monkeypatch.setenv(images.WORKER_ENV_VAR, str(_fake_worker(tmp_path)))   # the export waits on a wedged worker
    server = screenshots.AppServer(db).start()
    try:
        url = server.wait()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=screenshots.CHROMIUM_FLAGS)
            try:
                page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
                page.goto(f"{url}/briefing", wait_until="domcontentloaded")
                button = page.get_by_role("button", name="生成简报文件")
                button.wait_for(timeout=60_000)
                button.click()
                # the export is running: the spinner shows, it waits on the wedged worker
                page.get_by_text("正在生成图表图片").wait_for(timeout=30_000)
                deadline = time.monotonic() + 20
                while not _processes_running(WEDGED) and time.monotonic() < deadline:
                    time.sleep(0.2)
                assert _processes_running(WEDGED), "the export never reached the worker"
                t = time.perf_counter()
                server._proc.send_signal(signal.SIGTERM)
                server._proc.wait(timeout=15)
                stopped_s = time.perf_counter() - t
            finally:
                browser.close()
    finally:
        server.stop()
    assert stopped_s < 10, stopped_s
    time.sleep(0.5)
    assert not _processes_running(WEDGED)       # the wedged worker went with the server
