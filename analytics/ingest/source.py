"""Opening an uploaded file and reading its sheets as raw text.

One `Workbook` per file. `Workbook.open(source)` sniffs the bytes (empty,
text/CSV, HTML, zip, OLE) and either returns a workbook or raises
`FileRefused` with a one-line Chinese reason (messages.FILE_*). Sheets are
read with fastexcel (calamine) in one pass, every cell as text
(`dtypes="string"`; dates arrive as "2025-05-10 00:00:00"), into an Arrow
table. fastexcel starts at the first non-empty cell of the sheet, so the
Excel position of that cell is found separately: for .xlsx/.xlsm by
streaming the sheet's XML in a background thread (which also collects the
merged ranges and the formula cells that carry no cached value), for other
formats (.xls, .xlsb, .ods) through python-calamine (merges, visibility and typed cells); a legacy
.xls's percentage formats and hidden columns come from its BIFF records (analytics.ingest.biff), so it
reads exactly like the same workbook saved as .xlsx (.xlsb and .ods do not tell them). Text exports
(an HTML table named .xls, Excel 2003 XML, CSV / tab-separated text) are parsed by
analytics.ingest.textbook.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import pyarrow as pa

from analytics.ingest import limits, textbook
from analytics.ingest import messages as msg

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
SCAN_CHUNK_BYTES = 1 << 22
MAX_FORMULA_CELLS = 10_000
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

_CELL_RE = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_HAS_VALUE_RE = re.compile(rb"<v>[^<]|<t(?:\s[^>]*)?>[^<]")
_REF_RE = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_ROW_RE = re.compile(rb"<row\b([^>]*)>")
_FORMULA_NO_VALUE_RE = re.compile(
    rb"<c\b([^>]*)>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*(?:<is>\s*</is>)?\s*</c>")
# a number of 12+ digits (or 1.2E+17): in this workbook only a credit code typed as a number looks like that
_BIG_NUMBER_RE = re.compile(rb"<v>(?:-?\d{12,}(?:\.\d*)?|-?\d(?:\.\d+)?[Ee]\+?(?:1[1-9]|[2-9]\d))</v>")
_STRING_TYPE_RE = re.compile(rb'\bt="(?:s|str|inlineStr|e|b)"')
MAX_BIG_NUMBERS = 100_000
_HIDDEN_COL_RE = re.compile(rb'<col\b[^>]*\bhidden="(?:1|true)"[^>]*>')
_COL_MIN_RE = re.compile(rb'\bmin="(\d+)"')
_COL_MAX_RE = re.compile(rb'\bmax="(\d+)"')
TEXT_FORMATS = ("html", "xml", "csv", "mht")
_MERGE_RE = re.compile(rb'<mergeCell\s+ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')


class FileRefused(Exception):
    """The file is not a readable workbook; str(exc) is the one-line Chinese reason."""

    sha256: str | None = None


def column_letter(index: int) -> str:
    """0 -> 'A', 27 -> 'AB' (0-based absolute column index)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str | bytes) -> int:
    """'A' -> 0, 'AB' -> 27."""
    if isinstance(letters, bytes):
        letters = letters.decode()
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


@dataclass
class RawSheet:
    """One sheet as text.

    `table` has one string column per sheet column (c0, c1, …) and one row per
    sheet row from the first non-empty row to the last; `first_row` is the
    Excel row number (1-based) of table row 0 and `first_col` the 0-based
    Excel column of c0. `merges` are 0-based inclusive (row1, col1, row2, col2)
    in Excel coordinates, or None when unknown. `formula_cells` are Excel
    references ("F6") of formula cells that carry no cached value.
    """

    name: str
    table: pa.Table
    first_row: int
    first_col: int
    merges: list[tuple[int, int, int, int]] | None = None
    formula_cells: list[tuple[int, int]] = field(default_factory=list)  # (excel row, 0-based col)
    big_numbers: set[tuple[int, int]] | None = None  # number cells >= 1e11 (None: not known, ask calamine)
    percent_cells: set[tuple[int, int]] = field(default_factory=set)  # number cells shown as a percentage
    hidden_cols: set[int] = field(default_factory=set)  # 0-based Excel columns hidden in the sheet

    def letter(self, table_col: int) -> str:
        return column_letter(self.first_col + table_col)


@dataclass
class SheetInfo:
    name: str
    visible: bool = True
    kind: str = "worksheet"  # worksheet | chartsheet | dialogsheet | macrosheet
    xml_path: str | None = None


class _XmlScan:
    """Background scan of one sheet's XML: first non-empty cell, merged ranges, formulas without values."""

    def __init__(self, zip_source, xml_path: str, percent_styles: frozenset[int] = frozenset()):
        # number cells whose style shows them as a percentage (0.099 displayed as 9.9%)
        self.percent_cells: set[tuple[int, int]] = set()
        self.hidden_cols: set[int] = set()
        self._percent_re = None
        if percent_styles:
            alts = b"|".join(str(i).encode() for i in sorted(percent_styles))
            self._percent_re = re.compile(rb'<c r="([A-Z]{1,3})(\d+)" s="(?:' + alts + rb')"(?: t="n")?>\s*<v>')
        self.first_row: int | None = None
        self.first_col_seen: int | None = None
        self.merges: list[tuple[int, int, int, int]] = []
        self.formula_cells: list[tuple[int, int]] = []
        self.big_numbers: set[tuple[int, int]] = set()  # (excel row, 0-based col) of number cells >= 1e11
        self.error: str | None = None
        self._thread = threading.Thread(target=self._run, args=(zip_source, xml_path), daemon=True)
        self._thread.start()

    def result(self) -> _XmlScan:
        self._thread.join()
        return self

    def _run(self, zip_source, xml_path: str) -> None:
        try:
            tail = b""
            for chunk in limits.inflate_part(zip_source, xml_path, SCAN_CHUNK_BYTES):
                buf = tail + chunk
                cut = buf.rfind(b"</c>")
                cut2 = buf.rfind(b"/>")
                cut = max(cut + 4 if cut >= 0 else 0, cut2 + 2 if cut2 >= 0 else 0)
                if len(buf) - cut > SCAN_CHUNK_BYTES:  # no element end in a whole chunk: give up the tail
                    cut = len(buf)
                self._scan(buf[:cut])
                tail = buf[cut:]
            self._scan(tail)
        except Exception as exc:  # reported as "unknown" positions; fastexcel gives the real error
            self.error = str(exc)

    def _scan(self, buf: bytes) -> None:
        if self.first_row is None and b"<col " in buf:  # <cols> precede the cells
            for m in _HIDDEN_COL_RE.finditer(buf):
                attrs = m.group(0)
                lo, hi = _COL_MIN_RE.search(attrs), _COL_MAX_RE.search(attrs)
                if lo and hi and int(hi.group(1)) - int(lo.group(1)) < 16384:
                    self.hidden_cols.update(range(int(lo.group(1)) - 1, int(hi.group(1))))
        if self.first_row is None:
            for m in _CELL_RE.finditer(buf):
                body = m.group(2)
                if body and _HAS_VALUE_RE.search(body):
                    ref = _REF_RE.search(m.group(1))
                    if ref:
                        self.first_row = int(ref.group(2))
                    else:
                        self.error = "单元格没有位置属性"
                        self.first_row = -1
                    break
        if b"<f" in buf and len(self.formula_cells) < MAX_FORMULA_CELLS:
            for m in _FORMULA_NO_VALUE_RE.finditer(buf):
                ref = _REF_RE.search(m.group(1))
                if ref:
                    self.formula_cells.append((int(ref.group(2)), column_index(ref.group(1))))
        if self._percent_re is not None and len(self.percent_cells) < MAX_BIG_NUMBERS:
            for m in self._percent_re.finditer(buf):
                self.percent_cells.add((int(m.group(2)), column_index(m.group(1))))
        if len(self.big_numbers) < MAX_BIG_NUMBERS:
            for m in _BIG_NUMBER_RE.finditer(buf):
                start = buf.rfind(b"<c ", 0, m.start())
                if start < 0:
                    continue
                attrs = buf[start:buf.find(b">", start)]
                ref = _REF_RE.search(attrs)
                if ref and not _STRING_TYPE_RE.search(attrs):
                    self.big_numbers.add((int(ref.group(2)), column_index(ref.group(1))))
        if b"<mergeCell" in buf:
            for m in _MERGE_RE.finditer(buf):
                c1, r1 = column_index(m.group(1)), int(m.group(2)) - 1
                if m.group(3):
                    c2, r2 = column_index(m.group(3)), int(m.group(4)) - 1
                else:
                    c2, r2 = c1, r1
                self.merges.append((r1, c1, r2, c2))


def _sha256_of_path(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for enc in ("utf-8", "gb18030"):
        try:
            head.decode(enc)
            return True
        except UnicodeDecodeError as exc:
            if exc.start > len(head) - 4:  # a character cut at the end of the sample
                return True
    return False


class Workbook:
    """An opened workbook: sheet list and raw sheet reads. Use `Workbook.open`."""

    def __init__(self, source, file_name: str, sha256: str, fmt: str):
        self.source = source  # path (str) or bytes
        self.file_name = file_name
        self.sha256 = sha256
        self.format = fmt  # xlsx | xls | xlsb | ods | html | xml (SpreadsheetML 2003) | csv
        self._reader = None
        self.sheets: list[SheetInfo] = []

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(cls, source, file_name: str) -> Workbook:
        """Sniff and open `source` (path or bytes); raises FileRefused with the Chinese reason."""
        if isinstance(source, (bytes, bytearray, memoryview)):
            data = bytes(source)
            head = data[:8192]
            size = len(data)
            sha = hashlib.sha256(data).hexdigest()
            src = data
        else:
            path = os.fspath(source)
            if not os.path.isfile(path):
                exc = FileRefused(msg.FILE_NOT_FOUND.format(path=path))
                exc.sha256 = ""
                raise exc
            size = os.path.getsize(path)
            with open(path, "rb") as fh:
                head = fh.read(8192)
            sha = _sha256_of_path(path)
            src = path
        try:
            return cls._open(src, file_name, sha, size, head)
        except FileRefused as exc:
            exc.sha256 = sha
            raise

    @classmethod
    def _open(cls, src, file_name: str, sha: str, size: int, head: bytes) -> Workbook:
        if size == 0:
            raise FileRefused(msg.FILE_EMPTY)
        if head.startswith(ZIP_MAGICS):
            fmt = cls._check_zip(src)
            limits.check_zip(cls._zip_handle(src))  # unzipped size, ratio, rows, cells: before any reader
        elif head.startswith(OLE_MAGIC):
            blob = src if isinstance(src, bytes) else Path(src).read_bytes()
            if ENCRYPTED_STREAM in blob:
                raise FileRefused(msg.FILE_ENCRYPTED)
            fmt = "xls"
        else:
            if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text (Excel's "Unicode 文本"): decoded for the sniff
                head = head.decode("utf-16", errors="ignore").encode("utf-8")
            stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
            # a web archive ("单个文件网页", .mht): its HTML parts hold the sheets
            fmt = "mht" if stripped.startswith(b"mime-version") else textbook.sniff(head)
            if fmt is None and stripped.startswith(b"<?xml"):
                raise FileRefused(msg.FILE_XML)  # another XML
            if fmt is None and _looks_like_text(head):
                fmt = "csv"
            if fmt is None:
                raise FileRefused(msg.FILE_NOT_WORKBOOK)
        wb = cls(src, file_name, sha, fmt)
        if fmt in TEXT_FORMATS:
            wb._open_text()
        else:
            wb._open_reader()
        return wb

    def _open_text(self) -> None:
        """An HTML table or a CSV file: one sheet, named after the file as Excel names it; Excel 2003 XML and
        a web archive (.mht): their own sheets."""
        data = self.source if isinstance(self.source, bytes) else Path(self.source).read_bytes()
        stem = os.path.splitext(os.path.basename(self.file_name))[0].strip() or "Sheet1"
        try:
            if self.format == "xml":  # Excel 2003 XML: its own sheets
                sheets = textbook.spreadsheetml_sheets(data)
            elif self.format == "html":
                sheets = [(stem[:31], True, *textbook.html_grid(data))]
            elif self.format == "mht":
                sheets = textbook.mht_sheets(data, stem)
                if not sheets:
                    raise FileRefused(msg.FILE_MHT_NO_TABLE)
            else:
                sheets = [(stem[:31], True, textbook.csv_grid(data), [])]
        except FileRefused:
            raise
        except Exception as exc:  # a page lxml cannot parse, a CSV with a broken quote
            raise FileRefused(msg.FILE_TEXT_UNREADABLE.format(detail=_short(exc))) from None
        if not sheets:
            raise FileRefused(msg.FILE_NO_SHEETS)
        self.sheets = [SheetInfo(name, visible) for name, visible, _, _ in sheets]
        self._text_sheets = {name: (rows, merges) for name, _, rows, merges in sheets}

    @staticmethod
    def _zip_handle(src):
        return io.BytesIO(src) if isinstance(src, bytes) else src

    @classmethod
    def _check_zip(cls, src) -> str:
        try:
            with zipfile.ZipFile(cls._zip_handle(src)) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise FileRefused(msg.FILE_CORRUPT.format(detail=_short(exc))) from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "xl/workbook.bin" in names:
            return "xlsb"
        if "content.xml" in names and "mimetype" in names:
            return "ods"
        raise FileRefused(msg.FILE_ZIP_NOT_WORKBOOK)

    def _open_reader(self) -> None:
        import fastexcel
        try:
            self._reader = fastexcel.read_excel(self.source)
            names = list(self._reader.sheet_names)
        except Exception as exc:  # calamine errors: corrupt parts, password, unsupported
            text = str(exc)
            if "password" in text.lower() or "encrypt" in text.lower():
                raise FileRefused(msg.FILE_ENCRYPTED) from None
            if self.format == "xls":
                raise FileRefused(msg.FILE_XLS_UNREADABLE.format(detail=_short(exc))) from None
            raise FileRefused(msg.FILE_CORRUPT.format(detail=_short(exc))) from None
        meta = self._xlsx_meta() if self.format == "xlsx" else self._calamine_meta()
        self.sheets = [meta.get(n) or SheetInfo(n) for n in names]
        if not self.sheets:
            raise FileRefused(msg.FILE_NO_SHEETS)

    def _xlsx_meta(self) -> dict[str, SheetInfo]:
        """Sheet visibility, kind and XML part from xl/workbook.xml and its relationships."""
        out: dict[str, SheetInfo] = {}
        try:
            with zipfile.ZipFile(self._zip_handle(self.source)) as zf:
                wb = ElementTree.fromstring(zf.read("xl/workbook.xml"))
                rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        except Exception:
            return out
        targets = {}
        for rel in rels.iter(f"{_NS_PKG_REL}Relationship"):
            target = rel.get("Target", "")
            if target.startswith("/"):
                path = target.lstrip("/")
            else:
                path = str(PurePosixPath("xl") / target)
            parts: list[str] = []
            for p in path.split("/"):
                if p == "..":
                    if parts:
                        parts.pop()
                elif p and p != ".":
                    parts.append(p)
            targets[rel.get("Id")] = "/".join(parts)
        for sh in wb.iter(f"{_NS_MAIN}sheet"):
            name = sh.get("name")
            path = targets.get(sh.get(f"{_NS_REL}id"), "")
            kind = "worksheet"
            for k in ("chartsheet", "dialogsheet", "macrosheet"):
                if f"/{k}s/" in f"/{path}":
                    kind = k
            out[name] = SheetInfo(name, sh.get("state", "visible") == "visible", kind, path or None)
        return out

    def _calamine_meta(self) -> dict[str, SheetInfo]:
        try:
            wb = self._calamine()
            return {m.name: SheetInfo(m.name, str(m.visible).endswith("Visible"),
                                      "worksheet" if str(m.typ).endswith("WorkSheet") else "chartsheet")
                    for m in wb.sheets_metadata}
        except Exception:
            return {}

    def _calamine(self):
        import python_calamine
        if isinstance(self.source, bytes):
            return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(self.source))
        return python_calamine.CalamineWorkbook.from_path(self.source)

    # ----------------------------------------------------------------- reading
    def read_sheet(self, info: SheetInfo) -> RawSheet | None:
        """The whole sheet as text (None when it has no cell). Raises on unreadable sheets."""
        if self.format in TEXT_FORMATS:
            return self._read_text_sheet(info)
        scan = None
        if self.format == "xlsx" and info.xml_path:
            scan = _XmlScan(self._zip_handle(self.source), info.xml_path, self.percent_styles())
        sheet = self._reader.load_sheet(info.name, header_row=None, dtypes="string")
        columns = sheet.available_columns()
        if not columns or sheet.height == 0:
            if scan:
                scan.result()
            return None
        first_col = columns[0].absolute_index
        batch = sheet.to_arrow()
        del sheet
        table = pa.Table.from_batches([batch]).rename_columns([f"c{i}" for i in range(batch.num_columns)])
        del batch
        first_row, merges, formulas, big = None, None, [], None
        percent = scan.result().percent_cells if scan is not None else set()
        hidden = scan.result().hidden_cols if scan is not None else set()
        if self.format == "xls":  # number formats and hidden columns from the BIFF records
            known = self._xls_formats().get(info.name)
            if known is not None:
                percent, hidden = known.percent_cells, known.hidden_cols
        if scan is not None:
            scan.result()
            if scan.first_row and scan.first_row > 0 and not scan.error:
                first_row, merges, formulas, big = scan.first_row, scan.merges, scan.formula_cells, scan.big_numbers
        if first_row is None:  # other formats, or the XML scan failed: ask calamine
            cal = self._calamine().get_sheet_by_name(info.name)
            first_row = cal.start[0] + 1 if cal.start else 1
            first_col = cal.start[1] if cal.start else first_col
            try:
                merges = [(a[0], a[1], b[0], b[1]) for a, b in (cal.merged_cell_ranges or [])]
            except Exception:
                merges = None
        return RawSheet(info.name, table, first_row, first_col, merges, formulas, big, percent, hidden)

    def _xls_formats(self) -> dict:
        """{sheet: biff.SheetFormats} of a legacy .xls (read once)."""
        if getattr(self, "_xls_formats_cache", None) is None:
            from analytics.ingest import biff
            data = self.source if isinstance(self.source, bytes) else Path(self.source).read_bytes()
            self._xls_formats_cache = biff.sheet_formats(data)
        return self._xls_formats_cache

    def _read_text_sheet(self, info: SheetInfo) -> RawSheet | None:
        rows, merges = self._text_sheets[info.name]
        table, first_row, first_col = textbook.grid_table(rows)
        if table is None:
            return None
        return RawSheet(info.name, table, first_row, first_col, merges, [], None)

    def percent_styles(self) -> frozenset[int]:
        """Indices of the cell styles (xl/styles.xml cellXfs) whose number format is a percentage."""
        if getattr(self, "_percent_styles", None) is not None:
            return self._percent_styles
        out: set[int] = set()
        try:
            with zipfile.ZipFile(self._zip_handle(self.source)) as zf:
                root = ElementTree.fromstring(zf.read("xl/styles.xml"))
            percent_fmts = {9, 10}  # built-in 0% and 0.00%
            for nf in root.iter(f"{_NS_MAIN}numFmt"):
                code = re.sub(r'"[^"]*"|\\.', "", nf.get("formatCode", ""))  # quoted text is not a % sign
                if "%" in code:
                    percent_fmts.add(int(nf.get("numFmtId", "-1")))
            xfs = root.find(f"{_NS_MAIN}cellXfs")
            for i, xf in enumerate(xfs if xfs is not None else ()):
                if int(xf.get("numFmtId", "0")) in percent_fmts:
                    out.add(i)
        except Exception:  # no styles part, or one we cannot read: no percentages known
            out = set()
        self._percent_styles = frozenset(out)
        return self._percent_styles

    def number_cells(self, raw: RawSheet, table_col: int) -> set[int]:
        """Excel rows where column `table_col` holds a number >= 1e11 (a credit code that lost digits)."""
        col = raw.first_col + table_col
        if raw.big_numbers is not None:
            return {r for r, c in raw.big_numbers if c == col}
        if self.format in TEXT_FORMATS:  # text exports hold no typed numbers
            return set()
        try:  # other formats: ask calamine for the typed cells (such files are small)
            cal = self._calamine().get_sheet_by_name(raw.name)
            r0, c0 = cal.start or (0, 0)
            out = set()
            for i, row in enumerate(cal.to_python(skip_empty_area=True)):
                j = col - c0
                if 0 <= j < len(row) and isinstance(row[j], (int, float)) and not isinstance(row[j], bool) \
                        and abs(row[j]) >= 1e11:
                    out.add(r0 + i + 1)
            return out
        except Exception:
            return set()


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]
