"""Parsing and validating one sheet's data rows, vectorised.

Everything runs over whole columns: pyarrow for Unicode NFKC, blank and footer
rows, and enum/code look-ups (one Python call per *distinct* value, never per
cell); DuckDB SQL for dates, periods, numbers, units and credit codes. Python
touches single rows only to word the problems it reports, capped at
MAX_PROBLEMS_PER_CHECK per column and kind.

Units (the comments say where they change): money arrives in the unit of the
cell ("1.5亿元"), else of the header ("（千元）"), else of the note above the
table ("单位：万元"), else 万元; it leaves in 万元. Dates leave as DATE,
periods as the first day of the cumulative period's last month, percentages
as percent numbers.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analytics import sectors, vocabulary
from analytics.ingest import messages as msg
from analytics.ingest.headers import Header, Mapping, nfkc
from analytics.ingest.model import ERROR, WARNING, Problem
from analytics.schema import ENTITY_TYPES, FOOTER_PREFIXES, MONEY_UNIT_TO_WAN, Dataset, Field
from analytics.vocabulary import VOCABULARY_FILE

MAX_PROBLEMS_PER_CHECK = 200
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015 (no I, O, Z, S, V)
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_TYPE_BY_PREFIX = {"91": "企业", "92": "个体工商户", "93": "农民专业合作社"}
# rows whose first non-empty cell starts with these end the table (notes below it are not data)
CLOSING_FOOTERS = tuple(p for p in FOOTER_PREFIXES if p not in ("合计", "总计", "小计"))
EMPTY_CELL_RE = r"^(?:[\s\x{3000}\-—–―~/\\\x{FF0D}\x{FF0F}\x{FF5E}]*|无|暂无)$"  # '', '—', '-', '/', '无' are empty
ENTITY_TYPE_WORDS = {
    "个体工商户": ("个体",),
    "农民专业合作社": ("合作社", "合作联社"),
    "企业": ("公司", "企业", "有限", "股份", "合伙", "独资", "集体", "全民", "国有", "分支机构", "外商",
           "外资", "联营", "非公司", "厂", "集团"),
}


def _footer_regex(prefixes) -> str:
    alts = []
    for p in prefixes:
        alts.append(r"[\s\x{3000}]*".join(re.escape(ch) for ch in p))
    return r"^[\s\x{3000}]*(?:" + "|".join(alts) + ")"


FOOTER_RE = _footer_regex(FOOTER_PREFIXES)
CLOSING_FOOTER_RE = _footer_regex(CLOSING_FOOTERS)
# the first cell of a subtotal or running-total row, named after its group or span: "医疗器械小计", "本页合计",
# "园区总计：", "本月累计", "截至目前累计" (a ledger's running total is never a sale)
SUBTOTAL_RE = (r"^[^\d]{0,20}?(?:合[\s\x{3000}]*计|小[\s\x{3000}]*计|总[\s\x{3000}]*计|累[\s\x{3000}]*计)"
               r"[\s\x{3000}:：]*$")
# a subtotal named in any column, its group or period before it: "12月小计", "2025年合计", "医疗器械合计",
# "第1页小计" (a whole cell, short; names of firms or products do not end in 合计/小计/总计)
SUBTOTAL_ANY_RE = (r"^[\s\x{3000}]*[^\s\x{3000}]{0,20}?(?:合[\s\x{3000}]*计|小[\s\x{3000}]*计|总[\s\x{3000}]*计)"
                   r"[\s\x{3000}:：]*$")
# a group heading with one cell: "一、工业", "（二）医疗器械", or 序号 "一" beside the group's name
SECTION_RE = (r"^[\s\x{3000}]*(?:[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+(?:[、.．\s\x{3000}]|$)"
              r"|其中[\s\x{3000}:：]*$)")  # "其中：" alone on its row heads the rows below it


@dataclass
class SheetContext:
    """What the parser needs to know about the sheet besides its columns."""

    file: str
    sheet: str
    today: dt.date
    default_unit: str | None = None            # "单位：万元" above the table
    default_period: tuple[int, int] | None = None  # from the sheet name / title / a period header
    default_year: int | None = None            # for "1-5月" cells
    period_source: str | None = None


@dataclass
class Check:
    """One kind of problem: rows where SQL column `flag` is true."""

    flag: str
    level: str
    field: str
    header: Header | None
    message: Callable[[dict], str]
    aux: tuple[str, ...] = ()
    value_col: str | None = None
    blanks: bool = False  # an unreadable optional cell: left empty, the row kept (a warning)


@dataclass
class ParsedSheet:
    """A parsed sheet living in the DuckDB connection as table `table` (until frames are built)."""

    table: str
    dataset: Dataset
    mapping: Mapping
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    blank_rows: int = 0
    footer_rows: int = 0
    notes: list[str] = field(default_factory=list)
    sheet_error: bool = False
    rows_refused: int = 0    # rows with an error (not imported unless skip-invalid drops them)
    cells_blanked: int = 0   # unreadable optional cells left empty (their rows are kept)
    error_cells: int = 0     # cells with an error (row-level checks; a missing column is not counted)


# --------------------------------------------------------------------------- Arrow helpers

def _string_bytes(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, UTF-8 bytes) of a string array, the bytes not copied: cell i is bytes[offsets[i]:offsets[i + 1]]."""
    if arr.type == pa.large_string():
        width = np.int64
    else:
        arr, width = (arr if arr.type == pa.string() else arr.cast(pa.string())), np.int32
    offsets = np.frombuffer(arr.buffers()[1], width)[arr.offset:arr.offset + len(arr) + 1].astype(np.int64)
    data = arr.buffers()[2]
    data = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)
    return offsets - offsets[0], data[offsets[0]:offsets[-1]]


def _cells_with(arr: pa.Array, byte_mask: Callable[[np.ndarray], np.ndarray]) -> np.ndarray | None:
    """A boolean per cell: whether any of its UTF-8 bytes is selected by `byte_mask`; None when none is."""
    if len(arr) == 0:
        return None
    offsets, data = _string_bytes(arr)
    hits = np.flatnonzero(byte_mask(data))
    if not len(hits):
        return None
    out = np.zeros(len(arr), dtype=bool)
    out[np.searchsorted(offsets, hits, side="right") - 1] = True
    return out


def _outside_ascii_and_cjk(data: np.ndarray) -> np.ndarray:
    """UTF-8 lead bytes of characters outside ASCII and U+4000-U+9FFF (the CJK ideographs): C0-E3, EA-FF."""
    lead = data >= 0xC0
    if not lead.any():  # ASCII text: codes, dates, numbers
        return lead
    return lead & ((data <= 0xE3) | (data >= 0xEA))


def _ascii_spaces(data: np.ndarray) -> np.ndarray:
    return (data == 32) | ((data >= 9) & (data <= 13))


# the first UTF-8 byte of a cell that EMPTY_CELL_RE may match: ASCII spaces, - / \ ~, and the lead byte of
# — – ― (E2), the ideographic space (E3), full-width － ／ ～ (EF), 无 and 暂无 (E6, 3 or 6 bytes long)
_EMPTY_LEADS = np.zeros(256, dtype=bool)
_EMPTY_LEADS[list(b"\t\n\x0b\x0c\r -/\\~") + [0xE2, 0xE3, 0xEF]] = True


def empty_cells(arr: pa.Array) -> np.ndarray:
    """A boolean per cell: null, '' or a placeholder EMPTY_CELL_RE matches ('—', '-', '/', '无', spaces).

    The regex runs only on the cells whose first byte can start a match (numpy over the UTF-8
    bytes): on a whole column it cost more than every other step of the row selection.
    """
    if len(arr) == 0:
        return np.zeros(0, dtype=bool)
    offsets, data = _string_bytes(arr)
    lengths = np.diff(offsets)
    out = lengths == 0
    if arr.null_count:
        out |= arr.is_null().to_numpy(zero_copy_only=False)
    first = np.zeros(len(arr), dtype=np.uint8)
    has = ~out
    first[has] = data[offsets[:-1][has]]
    maybe = has & (_EMPTY_LEADS[first] | ((first == 0xE6) & ((lengths == 3) | (lengths == 6))))
    idx = np.flatnonzero(maybe)
    if len(idx):
        hit = pc.match_substring_regex(arr.take(pa.array(idx)), EMPTY_CELL_RE)
        out[idx] = pc.fill_null(hit, False).to_numpy(zero_copy_only=False)
    return out


def _space_runs(data: np.ndarray) -> np.ndarray:
    """Tabs, line breaks, and a space after a space (perhaps across two cells: then a clean-up for nothing);
    looked at only where a byte is a space or a control character (Chinese text has few)."""
    low = data <= 32
    at = np.flatnonzero(low)
    if not len(at):
        return low
    byte = data[at]
    before = data[np.maximum(at - 1, 0)]
    low[at] = (byte == 9) | (byte == 10) | (byte == 13) | ((byte == 32) & (before == 32) & (at > 0))
    return low


def _normalise_text(col: pa.ChunkedArray | pa.Array, kind: str = "str") -> pa.Array:
    """NFKC, trimmed; '', '—', '-' -> null; codes without any space or leading apostrophe and upper-cased; text with
    runs of spaces collapsed.

    NFKC is applied only to the cells holding a character outside ASCII and
    the CJK ideographs (full-width forms, ideographic space…): it is the
    identity on the others, and it is the slowest step here. Likewise the
    space clean-ups run only when a column has such spaces at all.
    """
    arr = _nfkc_where_needed(col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col)
    arr = pc.utf8_trim_whitespace(arr)
    empty = empty_cells(arr)
    if empty.any():
        arr = pc.if_else(pa.array(empty), pa.scalar(None, pa.string()), arr)
    if kind in ("code", "uscc"):
        if _cells_with(arr, _ascii_spaces) is not None:
            arr = pc.replace_substring_regex(arr, r"\s+", "")
        if pc.any(pc.starts_with(arr, "'")).as_py():  # "'9163…": a text mark typed into a CSV / web export
            arr = pc.replace_substring_regex(arr, "^'+", "")
        arr = pc.ascii_upper(arr) if pc.all(pc.string_is_ascii(arr)).as_py() else pc.utf8_upper(arr)
    elif kind == "str" and _cells_with(arr, _space_runs) is not None:
        arr = pc.replace_substring_regex(arr, r"\s+", " ")
    return arr


def _nfkc_where_needed(arr: pa.Array) -> pa.Array:
    """NFKC on the cells holding a character outside ASCII and the CJK ideographs (full-width forms,
    ideographic space…; NFKC is the identity on the others and the slowest step), invisible characters
    pasted from web pages (zero-width space, BOM, soft hyphen) removed from them. The cells are found
    from their UTF-8 bytes with numpy (a regex over every cell cost as much as the rest of the clean-up)."""
    needed = _cells_with(arr, _outside_ascii_and_cjk)
    if needed is None:
        return arr
    mask = pa.array(needed)
    normalised = pc.utf8_normalize(arr.filter(mask), "NFKC")
    normalised = pc.replace_substring_regex(normalised, "[\u200b-\u200d\u2060\ufeff\u00ad]", "")
    return pc.replace_with_mask(arr, mask, normalised)


_USCC_VALUE = np.full(256, -1, dtype=np.int8)  # byte -> its value in the credit-code alphabet, -1 outside it
_USCC_VALUE[[ord(ch) for ch in USCC_ALPHABET]] = np.arange(len(USCC_ALPHABET), dtype=np.int8)
_USCC_WEIGHTS = np.array(USCC_WEIGHTS, dtype=np.int32)


def uscc_check_columns(codes: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(shape_ok, expected check character) per code, computed with numpy over the 18-byte codes.

    shape_ok: 18 characters of 0-9 A-Z without I, O, Z, S, V; expected: the GB 32100-2015
    check character of the first 17 (null where the shape is wrong).
    """
    n = len(codes)
    lengths = pc.fill_null(pc.binary_length(codes), 0)
    cand_mask = pc.equal(lengths, 18)
    idx = pc.indices_nonzero(cand_mask)
    shape_ok = np.zeros(n, dtype=bool)
    exp_index = np.zeros(n, dtype=np.int64)
    if len(idx):
        cand = pc.take(codes, idx).cast(pa.binary())
        offsets = np.frombuffer(cand.buffers()[1], dtype=np.int32)[cand.offset:cand.offset + len(cand) + 1]
        data = np.frombuffer(cand.buffers()[2], dtype=np.uint8)
        mat = data[offsets[0]:offsets[0] + 18 * len(cand)].reshape(len(cand), 18)
        vals = _USCC_VALUE[mat]  # int8: 18 bytes a code, not 144
        total = vals[:, :17].astype(np.int32) @ _USCC_WEIGHTS
        pos = idx.to_numpy()
        shape_ok[pos] = (vals >= 0).all(axis=1)
        exp_index[pos] = (31 - total % 31) % 31
    ok = pa.array(shape_ok)
    expected = pc.take(pa.array(list(USCC_ALPHABET), pa.string()), pa.array(exp_index, mask=~shape_ok))
    return ok, expected


def map_distinct(arr: pa.Array, func: Callable[[str], str | None]) -> pa.Array:
    """func applied once per distinct value (vectorised take over a dictionary encoding)."""
    if len(arr) == 0:
        return pa.array([], pa.string())
    enc = pc.dictionary_encode(arr)
    mapped = pa.array([func(v) for v in enc.dictionary.to_pylist()], pa.string())
    return pc.take(mapped, enc.indices)


def _enum_key(text: str) -> str:
    return re.sub(r"\s+", "", nfkc(text))


def enum_normaliser(f: Field, dataset: str | None = None) -> Callable[[str], str | None]:
    """Raw text -> canonical value of an enum field (None when unknown): the field's own synonyms, then
    the words of data/vocabulary.csv for (dataset, field), read again whenever the file changes."""
    table = {_enum_key(k): v for k, v in (f.normalise or {}).items()}
    if dataset:
        table.update({_enum_key(k): v for k, v in vocabulary.synonyms(dataset, f.name).items() if v in f.allowed})
    table.update({_enum_key(v): v for v in f.allowed})
    by_length = sorted((k for k in table if len(k) >= 2), key=len, reverse=True)

    def normalise(text: str) -> str | None:
        """Exact synonym; else without a bracketed remark ("已签约（待开工）" -> 已签约); else the
        longest synonym the text starts with ("已投产运营" -> 已投产)."""
        key = _enum_key(text)
        if key in table:
            return table[key]
        bare = _REMARK_RE.sub("", key)
        if bare in table:
            return table[bare]
        return next((table[k] for k in by_length if bare.startswith(k)), None)
    return normalise


_REMARK_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】")


def entity_type_from_text(text: str) -> str | None:
    """'有限责任公司(自然人投资或控股)' -> 企业; '个体工商户' -> 个体工商户; unknown -> None."""
    t = _enum_key(text)
    if t in ENTITY_TYPES:
        return t
    for canonical in ("个体工商户", "农民专业合作社", "企业"):
        if any(w in t for w in ENTITY_TYPE_WORDS[canonical]):
            return canonical
    return None


# --------------------------------------------------------------------------- row selection

@dataclass
class RowSelection:
    """What select_rows kept and dropped (Excel rows)."""

    data: pa.Table          # `_row` + the raw columns of the data rows
    blank: int = 0          # blank rows dropped
    footer: int = 0         # 合计/小计/表尾 rows dropped
    close_at: int | None = None  # Excel row of the closing footer
    sections: int = 0       # one-cell group headings dropped ("一、工业")
    section_example: str | None = None

    def __iter__(self):  # (data, blank, footer, close_at), as before
        return iter((self.data, self.blank, self.footer, self.close_at))


def _may_be_subtotal(col: pa.Array) -> bool:
    """Whether any cell ends in 计 (合计/小计/总计, perhaps with a colon): a few cheap kernels before the regex."""
    return any(pc.any(pc.ends_with(col, end)).as_py() for end in ("计", "计:", "计：", "计 "))


def select_rows(table: pa.Table, data_start: int, first_row: int, serial_cols: set[int]) -> RowSelection:
    """Data rows of the raw table: blank rows, footer and subtotal rows, and one-cell group
    headings ("一、工业") removed, `_row` (Excel row) added."""
    data = table.slice(data_start)
    n = data.num_rows
    rows = pa.array(np.arange(first_row + data_start, first_row + data_start + n, dtype=np.int64))
    if n == 0:
        return RowSelection(data.append_column("_row", rows))
    nonempty = None
    count = None  # non-empty cells outside 序号
    first_text = None
    subtotal = None  # a cell anywhere in the row that names a subtotal ("12月小计", "医疗器械合计")
    for i, name in enumerate(data.column_names):
        col = data.column(name).combine_chunks()
        if _may_be_subtotal(col):
            hit = pc.fill_null(pc.match_substring_regex(col, SUBTOTAL_ANY_RE), False)
            subtotal = hit if subtotal is None else pc.or_(subtotal, hit)
        is_empty = pa.array(empty_cells(col))
        first_text = col if first_text is None else pc.coalesce(first_text, pc.if_else(is_empty, pa.scalar(None, pa.string()), col))
        if i in serial_cols:
            continue
        nonempty = pc.invert(is_empty) if nonempty is None else pc.or_(nonempty, pc.invert(is_empty))
        filled = pc.cast(pc.invert(is_empty), pa.int8())
        count = filled if count is None else pc.add(count, filled)
    if nonempty is None:
        nonempty = pa.array(np.zeros(n, dtype=bool))
        count = pa.array(np.zeros(n, dtype=np.int8))
    first_text = _nfkc_where_needed(pc.fill_null(first_text, "").combine_chunks()
                                    if isinstance(first_text, pa.ChunkedArray) else pc.fill_null(first_text, ""))
    footer = pc.match_substring_regex(first_text, FOOTER_RE)
    if pc.any(pc.match_substring(first_text, "计")).as_py():  # the regex only where it can match
        footer = pc.or_(footer, pc.match_substring_regex(first_text, SUBTOTAL_RE))
    if subtotal is not None:
        footer = pc.or_(footer, subtotal)
    one_cell = pc.equal(count, 1)
    section = pa.array(np.zeros(n, dtype=bool))
    if pc.any(one_cell).as_py():
        section = pc.and_(pc.and_(one_cell, pc.match_substring_regex(first_text, SECTION_RE)), pc.invert(footer))
    n_sections = pc.sum(section).as_py() or 0
    example = None
    if n_sections:
        example = first_text.filter(section)[0].as_py()
        nonempty = pc.and_(nonempty, pc.invert(section))
    close_at = None
    idx = pc.index(pc.match_substring_regex(first_text, CLOSING_FOOTER_RE), True).as_py()
    if idx is not None and idx >= 0:
        close_at = first_row + data_start + idx
        footer = pc.or_(footer, pa.array(np.arange(n) >= idx))
    keep = pc.and_(nonempty, pc.invert(footer))
    kept = pc.sum(keep).as_py() or 0
    footer_rows = pc.sum(footer).as_py() or 0
    blank = n - kept - footer_rows - n_sections
    out = data.append_column("_row", rows)
    if kept < n:
        out = out.filter(keep)
    return RowSelection(out, blank, footer_rows, close_at, n_sections, example)


# --------------------------------------------------------------------------- SQL per kind

_DATE_FULL = r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?(?:[ T]?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_DATE_MONTH_DAY = r"^(\d{1,2})月(\d{1,2})[日号]$"  # "5月10日": the year of the sheet name or title
_WEEKDAY = r"[(（]?(?:星期|周|礼拜)[一二三四五六日天][)）]?$"
_DATE_MONTH = r"^(\d{4})[-/.年](\d{1,2})月?份?$"
_DATE_COMPACT = r"^(\d{4})(\d{2})(\d{2})$"
# spans people type instead of a day (the day each means: FUZZY_DAYS)
_DATE_XUN = r"^(\d{4})[-/.年](\d{1,2})月?份?[-/.]?(上旬|中旬|下旬|初|中|底|末)$"
_DATE_QUARTER = r"^(\d{4})(?:年第?|[Qq]|年?第)([一二三四1-4])(?:季度|季)?(初|末|底)?$"
_DATE_HALF = r"^(\d{4})年?(上半年|下半年|年初|年中|年底|年末)$"
# a span of days typed in one cell (a fair's "2025.05.24-05.26", "2025年5月24日至26日", "5月24日~26日"): its first day
_DATE_SPAN = (r"^(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}[日号]?|\d{1,2}月\d{1,2}[日号]?)(?:至|到|~|—|–|-)"
              r"(?:\d{4}[-/.年])?(?:\d{1,2}[-/.月])?\d{1,2}[日号]?$")
FUZZY_DAYS = (
    ("2025年6月上旬、2025年6月初", "6月1日"), ("2025年6月中旬", "6月11日"), ("2025年6月下旬", "6月21日"),
    ("2025年6月底、2025年6月末", "6月30日（当月最后一天）"), ("2025年二季度、2025Q2", "4月1日"),
    ("2025年二季度末", "6月30日"), ("2025年上半年、2025年初", "1月1日"), ("2025年下半年", "7月1日"),
    ("2025年底、2025年末", "12月31日"),
    ("2025.5.24-5.26、2025年5月24日至26日、5月24日~26日", "5月24日（几天写在一格：第一天）"),
)
_SERIAL = r"^\d{1,7}(?:\.\d+)?$"
_NUMBER = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$"
_PERIOD_CUM = r"^(?:(\d{4})年)?(?:(\d{1,2})[-~—–至到])?(\d{1,2})月份?$"
_PERIOD_NUM = r"^(\d{4})[-/.](\d{1,2})$"
_PERIOD_COMPACT = r"^(\d{4})(\d{2})$"
_PERIOD_YEAR = r"^(\d{4})年(?:全年|度)?$"
_MONEY_UNIT = r"(千万元|百万元|十万元|千万|百万|十万|千元|万元|亿元|元|千|万|亿)$"
# a foreign currency in a money cell ("100万美元"): not converted, left empty with a warning
_FOREIGN_CURRENCY = r"(美元|美金|港元|港币|欧元|日元|英镑|澳元|加元|新台币|卢布|韩元)"
# a unit in a cell without 元 ("1.5亿", "8,000万") -> the unit it stands for
CELL_UNIT_ALIASES = {"千": "千元", "万": "万元", "亿": "亿元"}
# compound units in a cell ("5千万元", "3百万") -> 万元 per unit
CELL_COMPOUND_UNITS = {"千万元": 1000.0, "千万": 1000.0, "百万元": 100.0, "百万": 100.0, "十万元": 10.0, "十万": 10.0}


class _Sql:
    """SELECT expressions in ordered stages (each sees the aliases of the earlier ones), parameters, checks."""

    STAGES = 7  # 0 text clean-up, 1-5 extraction, values and format flags, 6 cross-field rules

    def __init__(self):
        self.stages: list[list[str]] = [[] for _ in range(self.STAGES)]
        self.params: dict[str, object] = {}
        self.checks: list[Check] = []
        self.errors: list[str] = []
        self.aliases: set[str] = set()
        self.refusing = True  # whether an unreadable cell of the field being built refuses its row
        self.sheet_flags: dict[str, Problem] = {}  # flag -> the sheet-level problem when any row has it

    def add(self, stage: int, expr: str, alias: str) -> None:
        self.stages[stage].append(f"{expr} AS {alias}")
        self.aliases.add(alias)

    def param(self, name: str, value) -> str:
        self.params[name] = value
        return f"${name}"

    @property
    def flags(self) -> set[str]:
        return {c.flag for c in self.checks}

    def check(self, flag: str, level: str, fname: str, header: Header | None, message, aux=(), value_col=None):
        self.checks.append(Check(flag, level, fname, header, message, tuple(aux), value_col))
        if level == ERROR:
            self.errors.append(flag)

    def unreadable(self, flag: str, fname: str, header: Header | None, message, aux=(), value_col=None):
        """A cell that cannot be read: an error that refuses the row for a required, key or figure field
        (Dataset.refuses), else a warning; the parsed value is NULL either way (the cell is left empty)."""
        if self.refusing:
            self.check(flag, ERROR, fname, header, message, aux, value_col)
            return
        self.checks.append(Check(flag, WARNING, fname, header, lambda r: message(r) + msg.CELL_BLANKED,
                                 tuple(aux), value_col, blanks=True))


def fill_columns(mapping: Mapping, fname: str) -> list[Header]:
    """The duplicate columns of `fname` that fill its empty cells (Field.fill_from), left to right."""
    names = mapping.dataset.field(fname).fill_from
    chosen = mapping.fields.get(fname)
    if chosen is None or not any(n in chosen.text for n in names):
        return []
    return [h for h, _, f in mapping.duplicates if f == fname and any(n in h.text for n in names)]


def _strip_numbering(text: str | None) -> str | None:
    if text is None:
        return None
    return _NUMBERING_RE.sub("", text).strip() or text


# "1.", "1、", "（一）", "一、", "(1)", "①", and "其中：" before an indicator name
_NUMBERING_RE = re.compile(r"^(?:[\s\u3000]*(?:\d{1,2}\s*[.、．)]|[(（]\s*[一二三四五六七八九十\d]+\s*[)）]|"
                           r"[一二三四五六七八九十]+\s*[、.．]|[\u2460-\u2473]|其中\s*[:：]?|#))+")

# Field.mapper -> (Field, dataset name) -> function raw text -> canonical text (None: unknown)
MAPPERS: dict[str, Callable] = {
    "entity_type": lambda f, ds: entity_type_from_text,
    "industry_code": lambda f, ds: sectors.normalise_industry_code,
    "sector": lambda f, ds: sectors.sector_from_text,
}


def build_sheet(con: duckdb.DuckDBPyConnection, table_name: str, data: pa.Table, mapping: Mapping,
                ctx: SheetContext, numeric_cells: dict[str, pa.Array] | None = None,
                percent_cells: dict[str, pa.Array] | None = None) -> ParsedSheet:
    """Parse `data` (raw text columns c0…, `_row`) into DuckDB table `table_name`.

    The table holds the dataset's columns (typed, canonical units), `_row`
    (Excel row), `_valid` and the helper columns of the checks. `numeric_cells`
    maps a uscc field name to a boolean array (aligned with `data`) telling
    which cells the workbook stored as numbers.

    Steps: the cells' text cleaned and looked up in Arrow (`_source_columns`), one SQL expression
    chain per field (`_field_sql`), rules across fields (`_rule_sql`), values the sheet gives when
    a column is absent (`_default_sql`), required columns missing (`_missing_columns`), then one
    CREATE TABLE and the problems of every check (`_create_table`).
    """
    ds = mapping.dataset
    parsed = ParsedSheet(table_name, ds, mapping, rows=data.num_rows)
    sql = _Sql()
    sql.param("today", ctx.today)
    cols = _source_columns(data, mapping, numeric_cells, percent_cells)
    src_name = f"{table_name}__src"
    con.register(src_name, pa.table(cols))
    out = _field_sql(sql, mapping, ctx, parsed, set(cols))
    _rule_sql(sql, mapping, ctx, out)
    _default_sql(sql, mapping, ctx, out, set(cols))
    _missing_columns(parsed, mapping, ctx, out)
    _create_table(con, sql, parsed, src_name, out, ctx)
    con.unregister(src_name)
    return parsed


def _source_columns(data: pa.Table, mapping: Mapping, numeric_cells, percent_cells) -> dict[str, pa.Array]:
    """The Arrow columns SQL reads: `v_<field>` cleaned text, `m_<field>` looked-up values (enums,
    mappers), `p_` percent-formatted cells, `ok_`/`x_`/`n_` credit-code shape, check character and
    number-typed cells; `_row` and `_title`."""
    ds = mapping.dataset
    cols: dict[str, pa.Array] = {"_row": data.column("_row").combine_chunks()}
    if "_title" in data.column_names:  # the title of the table each row sits in (a second table on the sheet)
        cols["_title"] = data.column("_title").combine_chunks()
    for fname, h in mapping.fields.items():
        f = ds.field(fname)
        text = _normalise_text(data.column(f"c{h.col}"), f.kind)
        for other in fill_columns(mapping, fname):
            # a deregistered entity has its date under 注销日期, a revoked one under 吊销日期: one closing date
            more = _normalise_text(data.column(f"c{other.col}"), f.kind)
            blank = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(text), ""), True)
            text = pc.if_else(blank, more, text)
        if f.strip_numbering:  # one call per distinct name (indicator tables are short)
            text = map_distinct(text, _strip_numbering)
        cols[f"v_{fname}"] = text
        if f.mapper:
            cols[f"m_{fname}"] = map_distinct(text, MAPPERS[f.mapper](f, ds.name))
        elif f.kind == "enum":
            cols[f"m_{fname}"] = map_distinct(text, enum_normaliser(f, ds.name))
        if f.kind in ("pct", "number") and (percent_cells or {}).get(fname) is not None:
            cols[f"p_{fname}"] = percent_cells[fname]
        if f.kind == "uscc":
            cols[f"ok_{fname}"], cols[f"x_{fname}"] = uscc_check_columns(text)
            num = (numeric_cells or {}).get(fname)
            cols[f"n_{fname}"] = num if num is not None else pa.nulls(data.num_rows, pa.bool_())
    return cols


def _field_sql(sql: _Sql, mapping: Mapping, ctx: SheetContext, parsed: ParsedSheet,
               source_cols: set[str]) -> dict[str, str]:
    """One expression chain per field present; returns {output column: SQL expression}."""
    ds = mapping.dataset
    out: dict[str, str] = {}  # output column -> SQL expression over the last stage
    raw_columns = dict(ds.extra_columns)
    for f in ds.fields:
        h = mapping.fields.get(f.name)
        if h is None:
            continue
        v = f"v_{f.name}"
        sql.refusing = ds.refuses(f.name)
        if f.kind in ("str", "code") or (f.mapper and f.kind != "enum"):
            if f.mapper and f"{f.name}_raw" in raw_columns:  # the sector as written, beside the park's sector
                sql.add(0, v, f"f_{f.name}_raw")
                out[f"{f.name}_raw"] = f"f_{f.name}_raw"
            sql.add(0, f"m_{f.name}" if f.mapper else v, f"f_{f.name}")
        elif f.kind == "uscc":
            _uscc_sql(sql, f, h, v)
        elif f.kind == "date":
            _date_sql(sql, f, h, v, ctx)
        elif f.kind == "period":
            _period_sql(sql, f, h, v, ctx)
        elif f.kind in ("money", "number", "pct"):
            _number_sql(sql, f, h, v, ctx, parsed, source_cols)
        elif f.kind == "enum":
            if f"{f.name}_raw" in raw_columns:
                sql.add(0, v, f"f_{f.name}_raw")
                out[f"{f.name}_raw"] = f"f_{f.name}_raw"
            sql.add(0, f"m_{f.name}", f"f_{f.name}")
            if not f.mapper:  # a mapped enum (entity type) has its own fallback rule below
                allowed = "、".join(f.allowed)
                sql.add(0, f"({v} IS NOT NULL AND m_{f.name} IS NULL)", f"f_{f.name}__unknown")
                sql.unreadable(f"f_{f.name}__unknown", f.name, h,
                               lambda r, f=f, allowed=allowed: msg.ENUM_UNKNOWN.format(
                                   label=f.label, allowed=allowed, file=VOCABULARY_FILE, dataset=ds.name,
                                   field=f.name, value=r["value"]),
                               value_col=v)
        else:  # pragma: no cover - every kind is handled above
            raise ValueError(f"未知的字段类型 {f.kind}")
        out.setdefault(f.name, f"f_{f.name}")
    sql.refusing = True
    return out


def _rule_sql(sql: _Sql, mapping: Mapping, ctx: SheetContext, out: dict[str, str]) -> None:
    """Stage 6, rules over parsed values: required cells, dates in the future, plausible ranges, the
    entity type from the credit code, a closed status without its date."""
    ds = mapping.dataset
    present = set(mapping.fields)
    for f in ds.fields:
        h = mapping.fields.get(f.name)
        if h is None:
            continue
        if f.required:
            # missing, as opposed to present but unreadable (which has its own error)
            sql.add(6, f"(v_{f.name} IS NULL)", f"f_{f.name}__required")
            sql.check(f"f_{f.name}__required", ERROR, f.name, h,
                      lambda r, lab=f.label: msg.REQUIRED_EMPTY.format(label=lab), value_col=f"v_{f.name}")
        if f.kind == "date" and not f.future_ok:
            sql.add(6, f"(f_{f.name} > $today)", f"f_{f.name}__future")
            sql.check(f"f_{f.name}__future", WARNING, f.name, h,
                      lambda r: msg.DATE_FUTURE.format(today=ctx.today.isoformat()), value_col=f"v_{f.name}")
        if f.plausible:
            lo, hi = f.plausible
            sql.add(6, f"(f_{f.name} < {sql.param(f'lo_{f.name}', lo)} OR f_{f.name} > "
                       f"{sql.param(f'hi_{f.name}', hi)})", f"f_{f.name}__range")
            unit = "万元" if f.kind == "money" else ("%" if f.kind == "pct" else "")
            sql.check(f"f_{f.name}__range", WARNING, f.name, h,
                      lambda r, lo=lo, hi=hi, unit=unit: msg.OUT_OF_RANGE.format(
                          low=_fmt_num(lo), high=_fmt_num(hi), unit=unit),
                      value_col=f"v_{f.name}")
    # the entity type: from the text, else from the credit code's first two characters (91/92/93)
    typed = [f for f in ds.fields if f.mapper == "entity_type"]
    for f in typed:
        fallback = "NULL"
        codes = [g.name for g in ds.fields if g.kind == "uscc" and g.name in present]
        if codes:
            fallback = (f"CASE substr(f_{codes[0]}, 1, 2) WHEN '91' THEN '企业' WHEN '92' THEN '个体工商户' "
                        "WHEN '93' THEN '农民专业合作社' END")
        if f.name in present:
            sql.add(6, f"COALESCE(f_{f.name}, {fallback})", f"g_{f.name}")
            sql.add(6, f"(v_{f.name} IS NOT NULL AND COALESCE(f_{f.name}, {fallback}) IS NULL)", f"f_{f.name}__unknown")
            sql.refusing = ds.refuses(f.name)
            sql.unreadable(f"f_{f.name}__unknown", f.name, mapping.fields[f.name],
                           lambda r: msg.ENTITY_TYPE_UNKNOWN.format(allowed="、".join(ENTITY_TYPES)),
                           value_col=f"v_{f.name}")
            sql.refusing = True
        else:
            sql.add(6, fallback, f"g_{f.name}")
        out[f.name] = f"g_{f.name}"
    if ds.closing and ds.closing[0] in present:
        status, date, closed_values = ds.closing
        closed = sql.param("closed_statuses", list(closed_values))
        closed_on = f"f_{date}" if date in present else "NULL"
        sql.add(6, f"(list_contains({closed}, f_{status}) AND {closed_on} IS NULL)", f"f_{status}__closed_no_date")
        sql.check(f"f_{status}__closed_no_date", WARNING, status, mapping.fields[status],
                  lambda r, status=status: msg.CLOSED_WITHOUT_DATE.format(status=r[f"f_{status}"]),
                  aux=(f"f_{status}",), value_col=f"v_{status}")


def _default_sql(sql: _Sql, mapping: Mapping, ctx: SheetContext, out: dict[str, str], source_cols: set[str]) -> None:
    """Values the sheet gives when the column is absent (Field.default_from), and a derived key
    (Dataset.key_from)."""
    ds = mapping.dataset
    present = set(mapping.fields)
    for f in ds.fields:
        if f.name in present or not f.default_from:
            continue
        if f.default_from == "period" and ctx.default_period:
            y, m = ctx.default_period
            out[f.name] = sql.param(f"default_{f.name}", dt.date(y, m, 1))
        elif f.default_from == "year" and ctx.default_year:  # 目标任务: the year of the title
            out[f.name] = sql.param(f"default_{f.name}", ctx.default_year)
        elif f.default_from == "sheet":
            sheet = sql.param(f"default_{f.name}", ctx.sheet)
            out[f.name] = f"COALESCE(_title, {sheet})" if "_title" in source_cols else sheet
    if ds.key_from and any(k in present for k in ds.key_from):
        parts = ", ".join(f"f_{k}" if k in present else "NULL" for k in ds.key_from)
        out[ds.key[0]] = f"COALESCE({parts})"


def _missing_columns(parsed: ParsedSheet, mapping: Mapping, ctx: SheetContext, out: dict[str, str]) -> None:
    """A sheet-level error for each required column the sheet lacks (and nothing gives)."""
    for f in mapping.dataset.fields:
        if f.required and f.name not in mapping.fields and f.name not in out:
            parsed.sheet_error = True
            text = (msg.PERIOD_MISSING if f.kind == "period" else
                    msg.COLUMN_MISSING.format(label=f.label, synonyms="、".join(f.synonyms)))
            parsed.problems.append(Problem(ERROR, ctx.file, ctx.sheet, None, f.label, None, text, f.name))


def _create_table(con, sql: _Sql, parsed: ParsedSheet, src_name: str, out: dict[str, str],
                  ctx: SheetContext) -> None:
    """One CREATE TABLE over the stages; `_valid` is no error on the row; then every check's problems,
    the counts of refused rows and blanked cells, and the sheet-level checks."""
    ds, table_name = parsed.dataset, parsed.table
    err = " OR ".join(f"COALESCE({e}, false)" for e in sql.errors) or "false"
    if parsed.sheet_error:
        err = "true"
    final_cols = [f'CAST({out.get(c, "NULL")} AS {t}) AS "{c}"' for c, t in _output_columns(ds)]
    ctes, prev = [], f'"{src_name}"'
    for i, exprs in enumerate(sql.stages):
        if exprs:
            ctes.append(f"s{i} AS (SELECT {', '.join(['*'] + exprs)} FROM {prev})")
            prev = f"s{i}"
    keep = sorted({c.flag for c in sql.checks} | {a for c in sql.checks for a in c.aux} | set(sql.sheet_flags))
    with_clause = f"WITH {', '.join(ctes)} " if ctes else ""
    query = (f'CREATE TABLE "{table_name}" AS {with_clause}'
             f"SELECT {', '.join(final_cols + [f'COALESCE({k}, false) AS {k}' if k in sql.flags else k for k in keep])}, "
             f"_row, NOT ({err}) AS _valid FROM {prev}")
    con.execute(query, {k: v for k, v in sql.params.items() if f"${k}" in query})
    parsed.problems.extend(_collect_problems(con, table_name, src_name, sql.checks, ctx))
    blanked = " + ".join(f"count(*) FILTER (WHERE {c.flag})" for c in sql.checks if c.blanks) or "0"
    # an error cell: a cell with at least one error check (a cell flagged twice counts once)
    by_field: dict[str, list[str]] = {}
    for c in sql.checks:
        if c.level == ERROR:
            by_field.setdefault(c.field, []).append(c.flag)
    errors = " + ".join(f"count(*) FILTER (WHERE {' OR '.join(flags)})" for flags in by_field.values()) or "0"
    refused, blanked_n, error_n = con.execute(
        f'SELECT count(*) FILTER (WHERE NOT _valid), {blanked}, {errors} FROM "{table_name}"').fetchall()[0]
    parsed.rows_refused = int(refused)
    parsed.cells_blanked = int(blanked_n or 0)
    parsed.error_cells = int(error_n or 0)
    for flag, problem in sql.sheet_flags.items():
        if con.execute(f'SELECT bool_or({flag}) FROM "{table_name}"').fetchall()[0][0]:
            parsed.problems.append(problem)


def _output_columns(ds: Dataset) -> list[tuple[str, str]]:
    """(column, SQL type) of the frame: fields, then extra columns."""
    cols = [(f.name, f.sql_type) for f in ds.fields]
    seen = {c for c, _ in cols}
    cols += [c for c in ds.extra_columns if c[0] not in seen]
    return cols


def _fmt_num(x: float) -> str:
    if abs(x) >= 1e4 and float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:g}"


def _uscc_sql(sql: _Sql, f: Field, h: Header, v: str) -> None:
    """Credit code: cleaned (NFKC, no spaces, upper case), then shape and check character."""
    n = f.name
    sci = sql.param("sci_notation", r"[0-9](?:\.[0-9]+)?E\+?[0-9]+")
    u = f"f_{n}"
    sql.add(0, v, u)  # already NFKC, without spaces, upper case (pyarrow)
    sql.add(0, f"ok_{n}", f"{u}__shape_ok")
    sql.add(0, f"x_{n}", f"{u}__expected")
    # a 15-digit registration number (注册号, before 2015) is whole even when typed as a number
    sql.add(1, f"({v} IS NOT NULL AND regexp_full_match({u}, '[0-9]{{15}}(\\.0+)?'))", f"{u}__regno")
    # stored as a number: scientific-notation text, or a cell the workbook typed as a number
    sql.add(2, f"({v} IS NOT NULL AND NOT {u}__regno AND (COALESCE(n_{n}, false) "
               f"OR (strpos({u}, 'E') > 0 AND regexp_full_match({u}, {sci}))))", f"{u}__numeric")
    sql.add(1, f"length({u})", f"{u}__len")
    sql.add(2, f"CASE WHEN NOT {u}__shape_ok THEN regexp_extract({u}, '[^0-9A-HJ-NPQRTUWXY]') END", f"{u}__badchar")
    sql.add(3, f"({v} IS NOT NULL AND NOT {u}__numeric AND NOT {u}__regno AND {u}__len <> 18)", f"{u}__length")
    sql.add(3, f"({v} IS NOT NULL AND NOT {u}__numeric AND {u}__len = 18 AND NOT {u}__shape_ok)", f"{u}__chars")
    sql.add(3, f"(NOT {u}__numeric AND substr({u}, 18, 1) <> {u}__expected)", f"{u}__checksum")
    sql.check(f"{u}__numeric", ERROR, n, h, lambda r: msg.USCC_NUMERIC, value_col=v)
    sql.check(f"{u}__regno", ERROR, n, h, lambda r: msg.USCC_REGISTRATION_NO, value_col=v)
    sql.check(f"{u}__length", ERROR, n, h, lambda r: msg.USCC_LENGTH.format(n=r[f"{u}__len"]),
              aux=(f"{u}__len",), value_col=v)
    sql.check(f"{u}__chars", ERROR, n, h, lambda r: msg.USCC_BAD_CHAR.format(char=r[f"{u}__badchar"]),
              aux=(f"{u}__badchar",), value_col=v)
    sql.check(f"{u}__checksum", WARNING, n, h, lambda r: msg.USCC_CHECKSUM.format(expected=r[f"{u}__expected"]),
              aux=(f"{u}__expected",), value_col=v)


def _date_sql(sql: _Sql, f: Field, h: Header, v: str, ctx: SheetContext) -> None:
    """Excel dates ("2025-05-10 00:00:00"), serials, and the text forms of DATA.md -> DATE."""
    n = f.name
    for name, value in (("date_full", _DATE_FULL), ("date_month", _DATE_MONTH), ("date_compact", _DATE_COMPACT),
                        ("serial", _SERIAL), ("date_md", _DATE_MONTH_DAY), ("weekday", _WEEKDAY),
                        ("date_xun", _DATE_XUN), ("date_quarter", _DATE_QUARTER), ("date_half", _DATE_HALF),
                        ("date_span", _DATE_SPAN)):
        sql.param(name, value)
    year = sql.param("default_year", ctx.default_year)
    s, y, m, d = f"s_{n}", f"y_{n}", f"mo_{n}", f"d_{n}"
    # fast path: ISO dates and Excel dates ("2025-05-10", "2025-05-10 00:00:00")
    sql.add(0, f"TRY_CAST(TRY_CAST({v} AS TIMESTAMP) AS DATE)", f"iso_{n}")
    # without a trailing weekday ("2025/5/10 星期六") and the spaces around separators
    # and a span of days read as its first day ("2025.05.24-05.26" -> "2025.05.24", with a warning)
    cleaned = (f"regexp_replace(trim(regexp_replace({v}, $weekday, '')), '\\s*([年月日号/.:~至到—–-])\\s*', '\\1', 'g')")
    sql.add(1, f"CASE WHEN iso_{n} IS NULL THEN regexp_replace({cleaned}, $date_span, '\\1') END", s)
    sql.add(1, f"(iso_{n} IS NULL AND regexp_full_match({cleaned}, $date_span))", f"span_{n}")
    # which text form (only where the fast path failed): 1 full date, 2 month only, 3 compact, 4 serial,
    # 5 month and day without the year, 0 none
    sql.add(2, f"""CASE WHEN iso_{n} IS NOT NULL OR {s} IS NULL THEN NULL
                        WHEN regexp_full_match({s}, $date_full) THEN 1
                        WHEN regexp_full_match({s}, $date_month) THEN 2
                        WHEN regexp_full_match({s}, $date_compact) THEN 3
                        WHEN regexp_full_match({s}, $serial) THEN 4
                        WHEN regexp_full_match({s}, $date_md) THEN 5
                        WHEN regexp_full_match({s}, $date_xun) THEN 6
                        WHEN regexp_full_match({s}, $date_quarter) THEN 7
                        WHEN regexp_full_match({s}, $date_half) THEN 8 ELSE 0 END""", f"form_{n}")
    parts = {1: "$date_full", 2: "$date_month", 3: "$date_compact"}
    for alias, group in ((y, 1), (m, 2), (d, 3)):
        whens = " ".join(f"WHEN {k} THEN TRY_CAST(regexp_extract({s}, {pat}, {group}) AS INTEGER)"
                         for k, pat in parts.items() if not (k == 2 and group == 3))
        if group == 3:
            whens += " WHEN 2 THEN 1"
        whens += (f" WHEN 5 THEN CAST({year} AS INTEGER)" if group == 1 else
                  f" WHEN 5 THEN TRY_CAST(regexp_extract({s}, $date_md, {group - 1}) AS INTEGER)")
        sql.add(3, f"CASE form_{n} {whens} END", alias)
    # Excel serial day numbers count from 1899-12-30 (fractions are times of day)
    sql.add(3, f"""CASE WHEN form_{n} = 4 AND TRY_CAST({s} AS DOUBLE) >= 1 AND TRY_CAST({s} AS DOUBLE) < 2958466
                        THEN CAST(DATE '1899-12-30' + CAST(floor(CAST({s} AS DOUBLE)) AS INTEGER) AS DATE) END""",
            f"serial_{n}")
    # a real calendar day, or NULL ("2025-02-30", "2025-13-01")
    sql.add(4, f"CASE WHEN {y} IS NOT NULL THEN CAST(try_strptime(printf('%04d-%02d-%02d', {y}, {m}, {d}), "
               f"'%Y-%m-%d') AS DATE) END", f"ymd_{n}")
    # a span instead of a day ("2025年6月中旬", "2025年二季度"): the day documented in FUZZY_DAYS
    sql.add(4, f"""CASE form_{n}
        WHEN 6 THEN {_fuzzy_month_day(s, "$date_xun")}
        WHEN 7 THEN {_fuzzy_quarter_day(s)}
        WHEN 8 THEN {_fuzzy_half_day(s)} END""", f"fz_{n}")
    # a day in 1900 is a small number read as an Excel serial ("6.03" for 6月3日 becomes 1900-01-05): no date
    day = f"COALESCE(iso_{n}, ymd_{n}, serial_{n}, fz_{n})"
    sql.add(5, f"CASE WHEN {day} >= DATE '1901-01-01' THEN {day} END", f"f_{n}")
    sql.add(5, f"({day} < DATE '1901-01-01')", f"f_{n}__early")
    sql.add(5, f"(fz_{n} IS NOT NULL)", f"f_{n}__approx")
    sql.add(5, f"(COALESCE(span_{n}, false) AND f_{n} IS NOT NULL)", f"f_{n}__span")
    sql.add(5, f"(form_{n} IN (1, 2, 3) AND ymd_{n} IS NULL OR form_{n} = 5 AND {y} IS NOT NULL AND ymd_{n} IS NULL)",
            f"f_{n}__impossible")
    sql.add(5, f"(form_{n} = 5 AND {y} IS NULL)", f"f_{n}__noyear")
    sql.add(5, f"(form_{n} = 0 OR (form_{n} = 4 AND serial_{n} IS NULL))", f"f_{n}__unrecognised")
    sql.unreadable(f"f_{n}__impossible", n, h, lambda r: msg.DATE_IMPOSSIBLE, value_col=v)
    sql.unreadable(f"f_{n}__noyear", n, h, lambda r: msg.DATE_NO_YEAR, value_col=v)
    sql.unreadable(f"f_{n}__unrecognised", n, h, lambda r: msg.DATE_UNRECOGNISED, value_col=v)
    sql.unreadable(f"f_{n}__early", n, h, lambda r: msg.DATE_SMALL_NUMBER, value_col=v)
    sql.check(f"f_{n}__span", WARNING, n, h, lambda r, n=n: msg.DATE_SPAN.format(
        day=f"{r[f'f_{n}'].year}年{r[f'f_{n}'].month}月{r[f'f_{n}'].day}日"), aux=(f"f_{n}",), value_col=v)
    sql.check(f"f_{n}__approx", WARNING, n, h, lambda r, n=n: msg.DATE_APPROXIMATE.format(
        day=f"{r[f'f_{n}'].year}年{r[f'f_{n}'].month}月{r[f'f_{n}'].day}日"), aux=(f"f_{n}",), value_col=v)


def _fuzzy_month_day(s: str, pattern: str) -> str:
    """SQL: the day a part of a month means (FUZZY_DAYS): 上旬/初 the 1st, 中旬/中 the 11th, 下旬 the 21st,
    底/末 the month's last day; NULL for an impossible month."""
    y = f"TRY_CAST(regexp_extract({s}, {pattern}, 1) AS INTEGER)"
    m = f"TRY_CAST(regexp_extract({s}, {pattern}, 2) AS INTEGER)"
    part = f"regexp_extract({s}, {pattern}, 3)"
    first = f"make_date({y}, {m}, 1)"
    return (f"CASE WHEN {m} BETWEEN 1 AND 12 THEN CASE {part} WHEN '中旬' THEN {first} + 10 WHEN '中' THEN {first} + 10 "
            f"WHEN '下旬' THEN {first} + 20 WHEN '底' THEN last_day({first}) WHEN '末' THEN last_day({first}) "
            f"ELSE {first} END END")


_CN_DIGITS_SQL = "CASE {x} WHEN '一' THEN 1 WHEN '二' THEN 2 WHEN '三' THEN 3 WHEN '四' THEN 4 ELSE TRY_CAST({x} AS INTEGER) END"


def _fuzzy_quarter_day(s: str) -> str:
    """SQL: the first day of a quarter ("2025年二季度" -> 2025-04-01); its last with 末/底."""
    y = f"TRY_CAST(regexp_extract({s}, $date_quarter, 1) AS INTEGER)"
    q = _CN_DIGITS_SQL.format(x=f"regexp_extract({s}, $date_quarter, 2)")
    first = f"make_date({y}, ({q} - 1) * 3 + 1, 1)"
    return (f"CASE WHEN regexp_extract({s}, $date_quarter, 3) IN ('末', '底') "
            f"THEN last_day({first} + INTERVAL 2 MONTH)::DATE ELSE {first} END")


def _fuzzy_half_day(s: str) -> str:
    """SQL: 上半年/年初 1 January, 下半年/年中 1 July, 年底/年末 31 December."""
    y = f"TRY_CAST(regexp_extract({s}, $date_half, 1) AS INTEGER)"
    part = f"regexp_extract({s}, $date_half, 2)"
    return (f"CASE {part} WHEN '下半年' THEN make_date({y}, 7, 1) WHEN '年中' THEN make_date({y}, 7, 1) "
            f"WHEN '年底' THEN make_date({y}, 12, 31) WHEN '年末' THEN make_date({y}, 12, 31) "
            f"ELSE make_date({y}, 1, 1) END")


def _period_sql(sql: _Sql, f: Field, h: Header, v: str, ctx: SheetContext) -> None:
    """'2025年1-5月', '2025年5月', '2025-05', '202505', '1-5月' (+ year of the sheet) -> first day of the end month."""
    n = f.name
    for name, value in (("period_cum", _PERIOD_CUM), ("period_num", _PERIOD_NUM),
                        ("period_compact", _PERIOD_COMPACT), ("period_year", _PERIOD_YEAR)):
        sql.param(name, value)
    year = sql.param("default_year", ctx.default_year)
    s, y, m = f"s_{n}", f"y_{n}", f"mo_{n}"
    sql.add(0, f"regexp_replace({v}, '\\s+', '', 'g')", s)
    # a real Excel date arrives as "2025-05-01 00:00:00": cast the text before its spaces are removed;
    # a date without its date format arrives as its serial day number ("45778", 2000-2099 only)
    sql.add(1, f"""COALESCE(TRY_CAST(TRY_CAST({v} AS TIMESTAMP) AS DATE),
                            CASE WHEN regexp_full_match({s}, '\\d{{5}}(\\.\\d+)?')
                                      AND TRY_CAST({s} AS DOUBLE) BETWEEN 36526 AND 73050
                                 THEN CAST(DATE '1899-12-30' + CAST(floor(TRY_CAST({s} AS DOUBLE)) AS INTEGER) AS DATE) END)""",
            f"iso_{n}")
    sql.add(1, f"""CASE WHEN regexp_full_match({s}, $period_cum) THEN
                            COALESCE(TRY_CAST(NULLIF(regexp_extract({s}, $period_cum, 1), '') AS INTEGER),
                                     CAST({year} AS INTEGER))
                        WHEN regexp_full_match({s}, $period_num) THEN TRY_CAST(regexp_extract({s}, $period_num, 1) AS INTEGER)
                        WHEN regexp_full_match({s}, $period_compact) THEN TRY_CAST(regexp_extract({s}, $period_compact, 1) AS INTEGER)
                        WHEN regexp_full_match({s}, $period_year) THEN TRY_CAST(regexp_extract({s}, $period_year, 1) AS INTEGER)
                        ELSE year(iso_{n}) END""", y)
    sql.add(1, f"""CASE WHEN regexp_full_match({s}, $period_cum) THEN TRY_CAST(regexp_extract({s}, $period_cum, 3) AS INTEGER)
                        WHEN regexp_full_match({s}, $period_num) THEN TRY_CAST(regexp_extract({s}, $period_num, 2) AS INTEGER)
                        WHEN regexp_full_match({s}, $period_compact) THEN TRY_CAST(regexp_extract({s}, $period_compact, 2) AS INTEGER)
                        WHEN regexp_full_match({s}, $period_year) THEN 12
                        ELSE month(iso_{n}) END""", m)
    sql.add(1, f"""({v} IS NOT NULL AND iso_{n} IS NULL AND NOT regexp_full_match({s}, $period_cum)
                    AND NOT regexp_full_match({s}, $period_num) AND NOT regexp_full_match({s}, $period_compact)
                    AND NOT regexp_full_match({s}, $period_year))""", f"f_{n}__unrecognised")
    sql.add(2, f"CASE WHEN {m} BETWEEN 1 AND 12 AND {y} BETWEEN 1900 AND 2200 THEN make_date({y}, {m}, 1) END", f"f_{n}")
    sql.add(2, f"({v} IS NOT NULL AND NOT f_{n}__unrecognised AND {y} IS NULL)", f"f_{n}__noyear")
    sql.add(2, f"({v} IS NOT NULL AND NOT f_{n}__unrecognised AND {y} IS NOT NULL AND NOT ({m} BETWEEN 1 AND 12))",
            f"f_{n}__impossible")
    sql.check(f"f_{n}__unrecognised", ERROR, n, h, lambda r: msg.PERIOD_UNRECOGNISED, value_col=v)
    sql.check(f"f_{n}__impossible", ERROR, n, h, lambda r: msg.PERIOD_IMPOSSIBLE, value_col=v)
    sql.check(f"f_{n}__noyear", ERROR, n, h, lambda r: msg.PERIOD_NO_YEAR, value_col=v)


def _number_sql(sql: _Sql, f: Field, h: Header, v: str, ctx: SheetContext, parsed: ParsedSheet,
                parsed_cols: set[str] = frozenset()) -> None:
    """Numbers with thousands separators; money with a unit in the cell or header, converted to 万元."""
    n = f.name
    sql.param("number", _NUMBER)
    # thousands separators, spaces, the yuan sign and the word 人民币 ("500万元人民币") go
    strip = "[,\\s¥%]" if f.kind == "pct" else "[,\\s¥]|人民币|RMB|CNY"
    fast, s, t = f"fast_{n}", f"s_{n}", f"t_{n}"
    # fast path: a plain number ("12.5"); the rest goes through the text rules below
    # a number shown as a percentage holds the fraction (0.099 for 9.9 %): percent numbers are x 100
    value = f"TRY_CAST({v} AS DOUBLE)"
    if f"p_{n}" in parsed_cols:  # rounded so that 0.099 becomes 9.9, not 9.900000000000002
        value = f"CASE WHEN p_{n} THEN round({value} * 100.0, 10) ELSE {value} END"
    sql.add(0, f"CASE WHEN isfinite(TRY_CAST({v} AS DOUBLE)) THEN {value} END", fast)
    # words around an approximate figure go ("约2.5亿元", "2.5亿元左右", "9000余万元"); accounting negatives
    # "(500)" / "（500）" (NFKC already made the brackets half-width) -> "-500"; a unit in brackets after
    # the number ("25000(万元)") -> "25000万元"
    clean = f"regexp_replace({v}, '{strip}', '', 'g')"
    clean = f"regexp_replace({clean}, $approx_before, '')"
    clean = f"regexp_replace({clean}, $approx_after, '')"
    clean = f"regexp_replace({clean}, '(\\d)(?:余|多)([千万亿]?元|[千万亿])', '\\1\\2')"
    clean = f"regexp_replace({clean}, '^\\((.+)\\)$', '-\\1')"
    clean = f"regexp_replace({clean}, '(\\d)[(\\[]([千万亿]?元|[千万亿])[)\\]]$', '\\1\\2')"
    if f.kind == "pct":  # a growth written in words or arrows: "增长5.1%", "下降1.2%", "▼3.0" -> -3.0, "持平" 0
        sql.param("pct_up", _PCT_UP)
        sql.param("pct_down", _PCT_DOWN)
        clean = (f"CASE WHEN regexp_matches({clean}, $pct_down) THEN '-' || regexp_replace({clean}, $pct_down, '') "
                 f"WHEN {clean} = '持平' THEN '0' ELSE regexp_replace({clean}, $pct_up, '') END")
    sql.param("approx_before", _APPROX_BEFORE)
    sql.param("approx_after", _APPROX_AFTER)
    sql.add(1, f"CASE WHEN {fast} IS NULL AND {v} IS NOT NULL THEN {clean} END", f"s0_{n}")
    # a second figure in brackets after the total ("1.2亿(一期5000万)"): the total is read, the remark
    # is dropped with a warning; a remark without a figure ("(含税)") is dropped quietly
    sql.param("remark", _REMARK_AFTER_NUMBER)
    sql.add(2, f"CASE WHEN regexp_full_match(s0_{n}, $remark) THEN regexp_extract(s0_{n}, $remark, 2) END", f"rm_{n}")
    sql.add(2, f"CASE WHEN regexp_full_match(s0_{n}, $remark) THEN regexp_extract(s0_{n}, $remark, 1) "
               f"ELSE s0_{n} END", s)
    sql.add(3, f"(rm_{n} IS NOT NULL AND regexp_matches(rm_{n}, '\\d'))", f"f_{n}__second")
    sql.check(f"f_{n}__second", WARNING, n, h, lambda r, n=n: msg.SECOND_FIGURE.format(remark=r[f"rm_{n}"]),
              aux=(f"rm_{n}",), value_col=v)
    if f.kind == "money":
        sql.param("money_unit", _MONEY_UNIT)
        header_unit = h.unit if h.unit in MONEY_UNIT_TO_WAN else None
        unit = header_unit or ctx.default_unit or f.unit or "万元"
        factor = sql.param(f"factor_{n}", MONEY_UNIT_TO_WAN[unit])
        sql.param("foreign_currency", _FOREIGN_CURRENCY)
        sql.add(3, f"NULLIF(regexp_extract({s}, $foreign_currency, 1), '')", f"cur_{n}")
        sql.add(3, f"NULLIF(regexp_extract({s}, $money_unit, 1), '')", f"u_{n}")
        sql.add(3, f"CASE WHEN NOT regexp_matches({s}, $foreign_currency) THEN regexp_replace({s}, $money_unit, '') END", t)
        sql.add(4, f"(cur_{n} IS NOT NULL)", f"f_{n}__foreign")
        sql.check(f"f_{n}__foreign", WARNING, n, h, lambda r, n=n: msg.MONEY_FOREIGN.format(currency=r[f"cur_{n}"]),
                  aux=(f"cur_{n}",), value_col=v)
        cell_units = {u: MONEY_UNIT_TO_WAN[CELL_UNIT_ALIASES.get(u, u)] for u in (*MONEY_UNIT_TO_WAN, *CELL_UNIT_ALIASES)}
        cell_units.update(CELL_COMPOUND_UNITS)
        cases = " ".join(f"WHEN '{u}' THEN {sql.param(f'unit_{i}', factor_of)}"
                         for i, (u, factor_of) in enumerate(cell_units.items()))
        # unit change: the cell's unit wins over the header's; the value leaves in 万元
        sql.add(4, f"CASE WHEN {fast} IS NOT NULL THEN {fast} * {factor} "
                   f"WHEN regexp_full_match({t}, $number) THEN CAST({t} AS DOUBLE) * "
                   f"CASE u_{n} {cases} ELSE {factor} END END", f"f_{n}")
        if not header_unit and not ctx.default_unit:
            # "没有注明单位" only when some figure is written without a unit (not "500(万元)" in every cell)
            sql.add(4, f"({v} IS NOT NULL AND u_{n} IS NULL AND cur_{n} IS NULL)", f"f_{n}__nounit")
            sql.sheet_flags[f"f_{n}__nounit"] = Problem(WARNING, ctx.file, ctx.sheet, None, h.text, None,
                                                        msg.MONEY_NO_UNIT.format(label=h.key), n)
    else:
        sql.add(3, s, t)
        sql.add(4, f"COALESCE({fast}, CASE WHEN regexp_full_match({t}, $number) THEN CAST({t} AS DOUBLE) END)",
                f"f_{n}")
    sql.add(4, f"({t} IS NOT NULL AND NOT regexp_full_match({t}, $number))", f"f_{n}__nan")
    nan = msg.NOT_A_PERCENT if f.kind == "pct" else msg.NOT_A_NUMBER
    sql.unreadable(f"f_{n}__nan", n, h, lambda r: nan, value_col=v)


# words around an approximate figure, dropped: the figure is read as written
_APPROX_BEFORE = r"^(?:大约|约为|约|预计|计划|近|超过|超|逾|不少于|不低于|达到|达|共计|总计|合计)"
_APPROX_AFTER = r"(?:左右|上下|以上|多)$"
# a growth rate's direction in words or arrows before the figure
_PCT_UP = r"^(?:同比)?(?:增长|上升|提高|增加|▲|↑)"
_PCT_DOWN = r"^(?:同比)?(?:下降|降低|减少|回落|▼|↓)"
# a number (with its unit) followed by a bracketed remark: group 1 the number, group 2 the remark
_REMARK_AFTER_NUMBER = r"^(-?[0-9.]+[千万亿]?元?)[(\[]([^()\[\]]+)[)\]]$"


def _collect_problems(con, table: str, src: str, checks: list[Check], ctx: SheetContext) -> list[Problem]:
    """Problem rows of every check (at most MAX_PROBLEMS_PER_CHECK each, then a summary line).

    Flags and helper values come from the parsed table, the cell text from the source table.
    """
    if not checks:
        return []
    counts_sql = ", ".join(f"count(*) FILTER (WHERE {c.flag})" for c in checks)
    counts = con.execute(f'SELECT {counts_sql} FROM "{table}"').fetchall()[0]
    problems: list[Problem] = []
    for c, count in zip(checks, counts):
        if not count:
            continue
        value = f's."{c.value_col}"' if c.value_col else "NULL"
        aux = "".join(f", p.{a}" for a in c.aux)
        rows = con.execute(f'WITH p AS (SELECT * FROM "{table}" WHERE {c.flag} ORDER BY _row '
                           f'LIMIT {MAX_PROBLEMS_PER_CHECK}) '
                           f'SELECT p._row, {value}{aux} FROM p JOIN "{src}" s ON s._row = p._row '
                           f'ORDER BY p._row').fetchall()
        header = c.header.text if c.header else None
        for row in rows:
            rec = dict(zip(("_row", "value") + c.aux, row))
            text = rec["value"]
            problems.append(Problem(c.level, ctx.file, ctx.sheet, int(rec["_row"]), header,
                                    None if text is None else str(text), c.message(rec), c.field))
        if count > len(rows):
            problems.append(Problem(c.level, ctx.file, ctx.sheet, None, header, None,
                                    msg.MORE_PROBLEMS.format(n=count - len(rows), shown=len(rows)), c.field))
    return problems
