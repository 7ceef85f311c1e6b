"""Workbooks that are text: an HTML table saved as .xls, Excel 2003 XML (SpreadsheetML), and CSV /
tab-separated exports.

Many web systems' "导出Excel" buttons write an HTML page holding a <table> and name it .xls;
others write CSV (comma, tab or semicolon separated; UTF-8, UTF-8 with BOM, or GBK/GB18030).
Excel opens both as one sheet named after the file, and so does this module: every table of
an HTML page is stacked into that one sheet in document order (Excel does the same), with
colspan / rowspan turned into merged ranges so that a merged group header reads like one
from a real workbook. Cells are read as the text they show (no type inference), exactly as
the binary formats are (dtypes="string").
"""
from __future__ import annotations

import codecs
import csv
import io
import re

import pyarrow as pa

HTML_STARTS = (b"<html", b"<!doctype html", b"<table", b"<meta", b"<head", b"<body", b"<style", b"<!--")
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)
MAX_SPAN = 1000  # a colspan/rowspan larger than this is a broken page, not a layout
CSV_DELIMITERS = ",\t;|"


def sniff(head: bytes) -> str | None:
    """'html' or 'xml' (SpreadsheetML 2003) for a text file's first bytes, else None."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"urn:schemas-microsoft-com:office:spreadsheet" in stripped[:8192] and b"<workbook" in stripped[:8192]:
        return "xml"
    if stripped.startswith(HTML_STARTS) or (b"<table" in stripped[:4096] and b"<td" in stripped):
        return "html"
    return None


_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"


def spreadsheetml_sheets(data: bytes) -> list[tuple[str, bool, list[list[str | None]], list[tuple[int, int, int, int]]]]:
    """[(sheet name, visible, rows of cell texts, merged ranges)] of an Excel 2003 XML workbook (what
    many systems write as .xls): ss:Index skips cells and rows, ss:MergeAcross / ss:MergeDown merge."""
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(data, parser)
    out = []
    for ws in root.iter(f"{_SS}Worksheet"):
        name = ws.get(f"{_SS}Name") or f"Sheet{len(out) + 1}"
        visible = True
        for opt in ws.iter("{urn:schemas-microsoft-com:office:excel}Visible"):
            visible = (opt.text or "").strip() not in ("SheetHidden", "SheetVeryHidden")
        rows: list[list[str | None]] = []
        merges: list[tuple[int, int, int, int]] = []
        taken: set[tuple[int, int]] = set()
        r = -1
        for table in ws.iter(f"{_SS}Table"):
            for row in table.iter(f"{_SS}Row"):
                idx = row.get(f"{_SS}Index")
                r = int(idx) - 1 if idx else r + 1
                while len(rows) <= r:
                    rows.append([])
                c = -1
                for cell in row.iter(f"{_SS}Cell"):
                    cidx = cell.get(f"{_SS}Index")
                    c = int(cidx) - 1 if cidx else c + 1
                    while (r, c) in taken:
                        c += 1
                    data_el = cell.find(f"{_SS}Data")
                    text = None
                    if data_el is not None:
                        text = "".join(data_el.itertext()).strip() or None
                        if text and data_el.get(f"{_SS}Type") == "DateTime":
                            text = text.replace("T", " ").split(".")[0]
                    line = rows[r]
                    while len(line) <= c:
                        line.append(None)
                    line[c] = text
                    across = _span(cell.get(f"{_SS}MergeAcross", "0") or "0", 0)
                    down = _span(cell.get(f"{_SS}MergeDown", "0") or "0", 0)
                    if across or down:
                        merges.append((r, c, r + down, c + across))
                        taken.update((rr, cc) for rr in range(r, r + down + 1) for cc in range(c, c + across + 1)
                                     if (rr, cc) != (r, c))
                    c += across
        out.append((name, visible, rows, merges))
    return out


_MHT_NAME_RE = re.compile(r"<x:Name>([^<]+)</x:Name>")


def mht_sheets(data: bytes, stem: str) -> list[tuple[str, bool, list[list[str | None]], list[tuple[int, int, int, int]]]]:
    """The sheets of a web archive (.mht, "单个文件网页"): one per HTML part holding a table, named as the
    workbook part lists them (<x:Name>), else after the file; the parts' transfer encodings undone."""
    import email
    import email.policy
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    pages = []
    for part in message.walk():
        if part.get_content_type() != "text/html":
            continue
        body = part.get_payload(decode=True) or b""
        charset = part.get_content_charset()
        if charset:  # the part's own charset wins over a <meta> inside it: re-encoded, with a BOM html_grid reads first
            body = codecs.BOM_UTF8 + decode(body, charset).encode("utf-8")
        pages.append(body)
    names = [n for page in pages for n in _MHT_NAME_RE.findall(decode(page))]
    tables = [page for page in pages if re.search(rb"<table", page, re.I)]
    out = []
    for i, page in enumerate(tables):
        name = names[i] if len(names) == len(tables) else (stem if len(tables) == 1 else f"{stem}{i + 1}")
        out.append((name[:31], True, *html_grid(page)))
    return out


def decode(data: bytes, declared: str | None = None) -> str:
    """The text of an export: BOM first, then the page's declared charset, then UTF-8, then GB18030."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace")
    candidates = ([declared] if declared else []) + ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            return data.decode(_charset(enc))
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("gb18030", errors="replace")


def _charset(name: str) -> str:
    name = name.lower()
    return "gb18030" if name in ("gb2312", "gbk", "gb18030", "cp936", "x-gbk") else name


def html_grid(data: bytes) -> tuple[list[list[str | None]], list[tuple[int, int, int, int]]]:
    """(rows of cell texts, merged ranges (row1, col1, row2, col2), 0-based inclusive) of every
    table in an HTML page, stacked top to bottom."""
    import lxml.html
    m = _META_CHARSET_RE.search(data[:4096])
    text = decode(data, m.group(1).decode("ascii", "ignore") if m else None)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses a str with an encoding declaration
    doc = lxml.html.fromstring(text or "<html></html>")
    rows: list[list[str | None]] = []
    merges: list[tuple[int, int, int, int]] = []
    tables = [t for t in doc.iter("table") if not any(a.tag == "table" for a in t.iterancestors())]
    for table in tables:
        _add_table(table, rows, merges)
    return rows, merges


def _add_table(table, rows: list[list[str | None]], merges: list[tuple[int, int, int, int]]) -> None:
    taken: dict[tuple[int, int], bool] = {}  # cells covered by a rowspan from above
    r = len(rows)
    for tr in table.iter("tr"):
        if next((a for a in tr.iterancestors() if a.tag == "table"), None) is not table:
            continue  # a row of a nested table
        while len(rows) <= r:
            rows.append([])
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while taken.get((r, c)):
                c += 1
            colspan = _span(cell.get("colspan"))
            rowspan = _span(cell.get("rowspan"))
            value = _cell_text(cell)
            row = rows[r]
            while len(row) < c + colspan:
                row.append(None)
            row[c] = value
            if colspan > 1 or rowspan > 1:
                merges.append((r, c, r + rowspan - 1, c + colspan - 1))
                for rr in range(r, r + rowspan):
                    for cc in range(c, c + colspan):
                        if rr > r:
                            taken[(rr, cc)] = True
            c += colspan
        r += 1
    need = max((k[0] for k in taken), default=-1) + 1  # rowspans past the last <tr>
    while len(rows) < need:
        rows.append([])


def _span(value, least: int = 1) -> int:
    try:
        return max(least, min(int(str(value).strip()), MAX_SPAN))
    except (TypeError, ValueError):
        return least


_BR_RE = re.compile(r"\s*\n\s*")


def _cell_text(cell) -> str | None:
    for br in cell.iter("br"):
        br.tail = "\n" + (br.tail or "")
    text = cell.text_content().replace("\xa0", " ").strip()
    text = _BR_RE.sub("\n", text)
    return text or None


def csv_grid(data: bytes) -> list[list[str | None]]:
    """Rows of cell texts of a CSV / TSV export (delimiter and encoding detected)."""
    text = decode(data)
    sample = text[:20000]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in CSV_DELIMITERS}
        delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    rows = []
    for rec in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        rows.append([_csv_cell(v) for v in rec])
    return rows


def _csv_cell(v: str) -> str | None:
    v = v.strip()
    if v.startswith('="') and v.endswith('"'):  # ="0123": the export's way to keep a code as text
        v = v[2:-1]
    return v or None


def grid_table(rows: list[list[str | None]]) -> tuple[pa.Table | None, int, int]:
    """(table of string columns c0…, first Excel row, first 0-based column) from the first
    non-empty row and column to the last, like fastexcel's view of a sheet; None when empty."""
    nonempty = [i for i, row in enumerate(rows) if any(v not in (None, "") for v in row)]
    if not nonempty:
        return None, 1, 0
    top, bottom = nonempty[0], nonempty[-1]
    body = rows[top:bottom + 1]
    left = min(next(j for j, v in enumerate(row) if v not in (None, "")) for row in body
               if any(v not in (None, "") for v in row))
    width = max(len(row) for row in body)
    cols = [[(row[j] if j < len(row) else None) for row in body] for j in range(left, width)]
    table = pa.table({f"c{i}": pa.array(col, pa.string()) for i, col in enumerate(cols)})
    return table, top + 1, left
