"""Header recognition: which row is the header, what each column means, which dataset a sheet is.

Header texts are compared after Unicode NFKC with every space removed and the
bracketed unit ("（万元）", "(元)", "(%)") taken out and remembered, so
"注册资本（万元）", "注册资本 (万元)" and "注册资本" are the same column. The
synonyms come from analytics.schema only.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from analytics.schema import DATASETS, SERIAL_HEADERS, SUB_HEADER_SYNONYMS, SUB_HEADERS, Dataset

HEADER_SCAN_ROWS = 50
MONEY_UNITS = ("元", "千元", "万元", "亿元")
_UNIT_WORDS = "千元|万元|亿元|元|%|个|户|家|人|亩|平方米|吨|万吨|千瓦时|万千瓦时"
_UNIT_IN_HEADER_RE = re.compile(
    rf"[(\[【]\s*(?:(?:金额)?单位[:]?)?\s*(?:人民币)?\s*({_UNIT_WORDS}|万|亿)\s*(?:人民币)?\s*[)\]】]")
_SHORT_UNITS = {"万": "万元", "亿": "亿元"}  # "(万人民币)" -> 万元
# marks of a required column in templates: "*项目名称", "项目名称※"; a trailing colon
_HEADER_MARKS_RE = re.compile(r"^[*※★☆]+|[*※★☆:]+$")
_TRAILING_BRACKET_RE = re.compile(r"[(\[【][^)\]】]*[)\]】]$")
_ANY_BRACKET_RE = re.compile(r"[(\[【][^)\]】]*[)\]】]")
_SHEET_UNIT_RE = re.compile(r"单位\s*[:]\s*(千元|万元|亿元|元)")
_SPACES_RE = re.compile(r"\s+")
# "2025年1-5月", "1-5月", "2025年5月", "2025-05", "2025.5", "202505"
_PERIOD_CUM_RE = re.compile(r"^(?:(\d{4})年)?(?:(\d{1,2})\s*[-~—–至到]\s*)?(\d{1,2})月(?:份)?$")
_PERIOD_NUM_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_PERIOD_SEARCH_RE = re.compile(r"(\d{4})\s*年\s*(?:(\d{1,2})\s*[-~—–至到]\s*)?(\d{1,2})\s*月")
_PERIOD_SEARCH_NUM_RE = re.compile(r"(?<!\d)(\d{4})[-.](\d{1,2})(?![\d.\-])")
_YEAR_SEARCH_RE = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(?:\s*年)?(?!\d)")


def nfkc(text) -> str:
    """NFKC and trimmed; None -> ''."""
    if text is None:
        return ""
    return _INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", str(text))).strip()


_INVISIBLE_RE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")  # zero-width space, BOM, soft hyphen


def header_key(text) -> tuple[str, str | None]:
    """(comparison key, unit) of a header text: NFKC, no spaces, unit bracket removed.

    '注册资本（万元）' -> ('注册资本', '万元'); '同比增长(%)' -> ('同比增长', '%');
    '工业增加值 本年累计' -> ('工业增加值本年累计', None).
    """
    t = _HEADER_MARKS_RE.sub("", _SPACES_RE.sub("", nfkc(text)))
    unit = None
    m = _UNIT_IN_HEADER_RE.search(t)
    if m:
        unit = _SHORT_UNITS.get(m.group(1), m.group(1))
        t = _HEADER_MARKS_RE.sub("", (t[:m.start()] + t[m.end():]).strip())
    elif len(t) > 1 and t.endswith("%"):  # "增长%", "同比±%": the percent sign is the unit
        unit, t = "%", t[:-1]
    return t, unit


def _build_index() -> dict[str, list[tuple[str, str]]]:
    index: dict[str, list[tuple[str, str]]] = {}
    for ds in DATASETS.values():
        for f in ds.fields:
            for syn in (*f.synonyms, f.label, f.name):
                key = header_key(syn)[0]
                entry = (ds.name, f.name)
                if entry not in index.setdefault(key, []):
                    index[key].append(entry)
    return index


SYNONYM_INDEX = _build_index()
SERIAL_KEYS = {header_key(s)[0].upper() for s in SERIAL_HEADERS}
SUB_CANON = {header_key(k)[0]: header_key(v)[0] for k, v in SUB_HEADER_SYNONYMS.items()}
SUB_KEYS = {header_key(s)[0] for s in SUB_HEADERS} | set(SUB_CANON)
CURRENT = header_key("本年累计")[0]
PRIOR = header_key("上年同期累计")[0]


def lookup(key: str) -> list[tuple[str, str]]:
    """(dataset, field) pairs a header key names; tries again without a trailing bracket."""
    hits = SYNONYM_INDEX.get(key)
    if hits:
        return hits
    stripped = _TRAILING_BRACKET_RE.sub("", key)
    if stripped != key and SYNONYM_INDEX.get(stripped):
        return SYNONYM_INDEX[stripped]
    # every bracketed qualifier out: "工业总产值(当年价格)本年累计" -> 工业总产值本年累计
    bare = _ANY_BRACKET_RE.sub("", key)
    if bare != key and bare and SYNONYM_INDEX.get(bare):
        return SYNONYM_INDEX[bare]
    # the subject said before the field's own name: "项目所处阶段" -> 所处阶段, "企业成立日期" -> 成立日期
    m = _SUBJECT_PREFIX_RE.match(bare or key)
    if m and len(bare or key) - m.end() >= 2:
        return SYNONYM_INDEX.get((bare or key)[m.end():], [])
    return []


_SUBJECT_PREFIX_RE = re.compile(r"(?:市场主体|项目|企业|单位|主体|机构)")


def parse_period_text(text, default_year: int | None = None) -> tuple[int, int] | None:
    """(year, end month) of a whole-cell period text, or None.

    '2025年1-5月' -> (2025, 5); '1-5月' with default_year 2025 -> (2025, 5); '2025-05' -> (2025, 5).
    """
    t = _SPACES_RE.sub("", nfkc(text))
    m = _PERIOD_CUM_RE.match(t)
    if m:
        year = int(m.group(1)) if m.group(1) else default_year
        month = int(m.group(3))
        if year and 1 <= month <= 12:
            return year, month
        return None
    m = _PERIOD_NUM_RE.match(t)
    if m and 1 <= int(m.group(2)) <= 12:
        return int(m.group(1)), int(m.group(2))
    return None


def find_period_in_text(text) -> tuple[int, int] | None:
    """A period written somewhere inside a title or sheet name: '2025年1-5月规上工业' -> (2025, 5)."""
    t = nfkc(text)
    m = _PERIOD_SEARCH_RE.search(t)
    if m and 1 <= int(m.group(3)) <= 12:
        return int(m.group(1)), int(m.group(3))
    m = _PERIOD_SEARCH_NUM_RE.search(t)
    if m and 1 <= int(m.group(2)) <= 12:
        return int(m.group(1)), int(m.group(2))
    return None


_STAMP_RE = re.compile(r"(?:时间|日期)\s*[:：]?\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
                       r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?")


def without_stamps(text) -> str:
    """A title or note without its time stamps ("导出时间：2025-06-15 10:20", "填报日期：2025年6月16日"):
    the day a file was made is not the period it reports."""
    return _STAMP_RE.sub(" ", nfkc(text))


def find_year_in_text(text) -> int | None:
    m = _YEAR_SEARCH_RE.search(nfkc(text))
    return int(m.group(1)) if m else None


def find_sheet_unit(text) -> str | None:
    """'单位：万元' in a note or title -> '万元'."""
    m = _SHEET_UNIT_RE.search(_SPACES_RE.sub("", nfkc(text)))
    return m.group(1) if m else None


# --------------------------------------------------------------------------- header row

@dataclass
class Header:
    """One column of the sheet as its header names it."""

    col: int                      # table column index (0 = first column fastexcel returns)
    text: str                     # as written in the file ("工业增加值（千元） 本年累计")
    key: str                      # comparison key
    unit: str | None = None       # unit from the header (or its merged group)
    period: tuple[int, int] | None = None  # the header itself is a period ("1-5月")
    serial: bool = False          # 序号
    group: str = ""               # comparison key of the group cell above the name ("1-5月", "本月"), if any
    period_key: str = ""          # the text the period was read from ("1-5月", "5月")
    hidden: bool = False          # a hidden column (a visible column of the same meaning wins)


@dataclass
class HeaderLayout:
    """Where the header is and what is above it. Row indices are table rows (0-based)."""

    rows: tuple[int, ...]
    headers: list[Header]
    above: list[str] = field(default_factory=list)  # texts of the rows above the header (titles, notes)

    @property
    def data_start(self) -> int:
        return self.rows[-1] + 1


def _cell(rows: list[list], r: int, c: int) -> str:
    if r >= len(rows) or c >= len(rows[r]):
        return ""
    v = rows[r][c]
    # a header wrapped inside its cell ("统一社会\n信用代码") reads as one line
    return "" if v is None else _LINE_BREAK_RE.sub("", str(v).strip())


_LINE_BREAK_RE = re.compile(r"\s*[\r\n]+\s*")


def _known(text: str) -> bool:
    return bool(text) and bool(lookup(header_key(text)[0]))


def _is_sub(text: str) -> bool:
    return bool(text) and header_key(text)[0] in SUB_KEYS


def find_header(rows: list[list], first_row: int, first_col: int,
                merges: list[tuple[int, int, int, int]] | None, default_year: int | None,
                extra_known: set[str] | None = None) -> HeaderLayout | None:
    """The header layout of a sheet from its first rows (`rows`: lists of cell texts).

    The header row is the first row with at least two known column names (or
    one known name over a row of sub-headers such as 本年累计). The header
    continues downwards over group rows ("工业增加值（千元）" merged over its
    sub-columns) down to a row of sub-headers, and over further rows that hold
    only sub-headers and periods (本年 / 上年同期 over 1-8月 / 累计), at most
    MAX_HEADER_ROWS rows in all. Each column's name is then the texts above it,
    top to bottom (a group cell's text comes from its merged range, else from
    the nearest group text to the left); a period among them is taken out and
    kept as the column's period ("工业增加值 / 本年 / 1-8月" reads as
    "工业增加值 本年累计" of 1-8月); the longest tail of them that is a known
    column name wins ("主要指标 / 工业增加值（千元） / 本年累计" reads as
    "工业增加值（千元） 本年累计"), else the group and the sub-header. Rows
    right under the header that belong to it follow: column codes (甲 乙 1 2),
    units (千元), the English field codes of data-sharing platforms (UNISCID,
    ENTNAME …).

    Steps: `_header_start`, `_group_row_above`, `_header_depth`, `_column_parts`,
    `_column_header` per column, `_code_and_unit_rows`.
    """
    extra_known = extra_known or set()

    def known(text: str) -> bool:
        return _known(text) or (bool(text) and header_key(text)[0] in extra_known)

    def known_key(key: str) -> bool:
        return bool(lookup(key)) or key in extra_known

    width = max((len(r) for r in rows), default=0)
    i = _header_start(rows, width, known)
    if i is None:
        return None
    i, depth = _group_row_above(rows, i, width, first_row, first_col, merges)
    above = [" ".join(t for t in (_cell(rows, r, c) for c in range(width)) if t) for r in range(i)]
    depth = depth or _header_depth(rows, i, width, known, known_key, default_year)
    block = list(range(i, i + depth))
    columns = _column_parts(rows, block, width, first_row, first_col, merges)
    # the latest period among group cells: "2025年1-5月" over 工业增加值 is this year's figure,
    # "2024年1-5月" over 工业增加值 the prior year's
    group_periods = [p for _, parts in columns for p in (parse_period_text(header_key(t)[0], default_year)
                                                          for t in parts[:-1]) if p]
    # and among periods written before a figure's name ("2025年1-5月工业增加值" beside "2024年1-5月工业增加值")
    group_periods += [p for _, parts in columns for m in [_PERIOD_PREFIX_RE.match(header_key(parts[-1])[0])]
                      if m and m.end() < len(header_key(parts[-1])[0])
                      for p in [parse_period_text(m.group(0).rstrip("止末"), default_year)] if p]
    latest = max(group_periods, default=None)
    # months that end a cumulative period somewhere in the header ("1-8月"): "8月" beside it is that month alone
    range_ends = {p[1] for _, parts in columns for t in parts
                  for p in [_range_period(header_key(t)[0], default_year)] if p}
    headers = [_column_header(c, parts, default_year, known_key, latest, range_ends) for c, parts in columns]
    block += _code_and_unit_rows(rows, block[-1] + 1, width, headers)
    return HeaderLayout(rows=tuple(block), headers=headers, above=above)


def _header_start(rows, width: int, known) -> int | None:
    """The first row with two known column names, or one over a row of sub-headers."""
    for i in range(min(len(rows), HEADER_SCAN_ROWS)):
        texts = [_cell(rows, i, c) for c in range(width)]
        n_known = sum(known(t) for t in texts)
        below = [_cell(rows, i + 1, c) for c in range(width)]
        has_sub = any(_is_sub(t) for t in below)
        if not has_sub and any(below) and all(_is_period(t, None) for t in below if t):
            # a row of periods between the groups and the sub-headers (工业增加值 / 1-5月 / 本年)
            has_sub = any(_is_sub(_cell(rows, i + 2, c)) for c in range(width))
        if n_known >= 2 or (n_known >= 1 and has_sub and sum(bool(t) for t in texts) >= 2):
            return i
    return None


def _group_row_above(rows, i: int, width: int, first_row: int, first_col: int, merges) -> tuple[int, int | None]:
    """(header start, depth or None): the names may sit under a row of groups ("工业增加值（万元）" over
    the row holding 企业名称, 本年累计…); then the header starts one row higher and is two rows deep."""
    texts = [_cell(rows, i, c) for c in range(width)]
    if i == 0 or not any(_is_sub(t) for t in texts):
        return i, None
    prev = [_cell(rows, i - 1, c) for c in range(width)]
    sub_cols = [c for c, t in enumerate(texts) if _is_sub(t)]
    filled = [t for t in prev if t]
    # groups are short names, at least two of them; a title or a note ("单位：万元") is not a group row
    looks_like_groups = len(filled) >= 2 and not any(
        _NUMBER_LIKE_RE.match(t) or len(t) > 20 or ":" in t or "：" in t for t in filled)
    if looks_like_groups and all(prev[c] or _group_text(rows, i - 1, c, first_row, first_col, merges, prev)
                                 for c in sub_cols):
        return i - 1, 2
    return i, None


def _column_parts(rows, block: list[int], width: int, first_row: int, first_col: int,
                  merges) -> list[tuple[int, list[str]]]:
    """(column, its header texts top to bottom) for every column with a header; an empty cell above a
    filled one takes its group's text (merged range, else the nearest group text to the left)."""
    depth = len(block)
    columns: list[tuple[int, list[str]]] = []
    for c in range(width):
        parts: list[str] = []
        for k, r in enumerate(block):
            t = _cell(rows, r, c)
            if not t and k < depth - 1 and any(_cell(rows, rr, c) for rr in block[k + 1:]):
                row_texts = [_cell(rows, r, cc) for cc in range(width)]
                t = _group_text(rows, r, c, first_row, first_col, merges, row_texts)
            if t and (not parts or parts[-1] != t):
                parts.append(t)
        if parts:
            columns.append((c, parts))
    return columns


CURRENT_WORDS = ("本年累计", "本年", "本期", "今年", "本年实际")
PRIOR_WORDS = ("上年同期", "上年同期累计", "去年同期", "去年同期累计", "上年", "上年同期实际")


def _range_period(key: str, default_year) -> tuple[int, int] | None:
    """The period of a cumulative header ("1-8月", "2025年1-8月", "1-8月累计"), else None."""
    key = key[:-2] if key.endswith("累计") and len(key) > 2 else key
    return parse_period_text(key, default_year) if _RANGE_RE.search(key) else None


def _compose(parts: list[str], keys: list[str], default_year, known_key,
             range_ends: set[int]) -> tuple[list[str], list[str], tuple[int, int] | None, str, int]:
    """Take a period out of a column's header texts and fold it into its year word.

    "工业增加值 / 本年 / 1-8月" and "工业增加值 / 1-8月 / 本年" -> "工业增加值 / 本年累计" (period 1-8月);
    "… / 上年同期 / 累计" -> "… / 上年同期累计"; "… / 本年 / 8月" beside a "1-8月" column -> "… / 本月"
    (a single month: not a cumulative figure); "增速（%） / 1-7月" -> "增速（%）" (period 1-7月).
    Returns (parts, keys, period, the text the period was read from, its index in `parts`); unchanged
    (and index -1) when nothing applies.
    """
    if len(parts) < 2:
        return parts, keys, None, "", -1
    year_at = next((j for j, k in enumerate(keys) if k in CURRENT_WORDS or k in PRIOR_WORDS), None)
    for j, k in enumerate(keys):
        if j == year_at:
            continue
        cumulative = k in ("累计", "累计数", "本年累计") or _range_period(k, default_year) is not None
        single = parse_period_text(k, default_year) if not cumulative else None
        if not cumulative and single is None:
            continue
        period = _range_period(k, default_year) if k not in ("累计", "累计数", "本年累计") else None
        rest_parts, rest_keys = parts[:j] + parts[j + 1:], keys[:j] + keys[j + 1:]
        if year_at is not None:
            y = year_at if year_at < j else year_at - 1
            prior = rest_keys[y] in PRIOR_WORDS
            if single is not None and single[1] in range_ends:
                word = "上年同月" if prior else "本月"
            elif single is not None:
                word, period = ("上年同期累计" if prior else "本年累计"), single
            else:
                word = "上年同期累计" if prior else "本年累计"
            rest_parts[y], rest_keys[y] = word, word
            return rest_parts, rest_keys, period or single, k, j
        if j == len(keys) - 1 and known_key("".join(rest_keys)) and not known_key("".join(keys)):
            # a figure over its period ("增速（%） / 1-7月"): the period is the column's
            return rest_parts, rest_keys, period or single, k, j
    return parts, keys, None, "", -1


def _column_header(c: int, parts: list[str], default_year, known_key, latest,
                   range_ends: set[int]) -> Header:
    """One column's Header from its header texts (see find_header)."""
    unit = next((u for u in (header_key(p)[1] for p in reversed(parts)) if u), None)
    keys = [header_key(p)[0] for p in parts]
    written = parts
    parts, keys, composed_period, composed_key, taken_at = _compose(parts, keys, default_year, known_key, range_ends)
    sub_period, period_key = None, ""
    if len(keys) > 1:
        keys[-1] = SUB_CANON.get(keys[-1], keys[-1])  # 去年同期 -> 上年同期
        sub_period = parse_period_text(keys[-1], default_year)
        if sub_period:
            period_key = keys[-1]
        if sub_period and known_key(keys[-2] + CURRENT):  # 工业增加值 over "1-5月": this year's figure
            keys[-1] = CURRENT
    tail = next((j for j in range(len(parts)) if known_key("".join(keys[j:]))), None)
    group_key = next((k for k in reversed(keys[:-1]) if parse_period_text(k, default_year)), None)
    group_period = parse_period_text(group_key, default_year) if group_key else None
    if tail is None and len(parts) > 1:
        if group_period and known_key(keys[-1] + CURRENT):  # a period over 工业增加值
            key = keys[-1] + (CURRENT if group_period == latest else PRIOR)
            return Header(c, " ".join(parts[-2:]), key, unit, period=latest, group=keys[-2], period_key=group_key)
        if group_period:  # "2025年1-5月" over "本年累计": the period is the group
            return Header(c, " ".join(parts[-2:]), keys[-1], unit, period=group_period, group=keys[-2],
                          period_key=group_key)
        tail = len(parts) - 2
    if group_period:
        period_key = group_key
    group_period = group_period or sub_period
    tail = tail or 0
    # a sub-header that names the column alone ("本年累计") still shows its group: "1-5月 本年累计"
    shown = tail - 1 if tail and keys[tail] in SUB_KEYS else tail
    text = " ".join(parts[shown:])
    key = "".join(keys[tail:])
    period = parse_period_text(key, default_year)
    if period:
        period_key = key
    elif not known_key(key):  # "1-5月累计", "1-5月增速", "1-5月工业增加值": a period, then a name
        split = _split_period_prefix(key, default_year, known_key, latest)
        if split:
            key, period, period_key = split
    if composed_period and not (period or group_period):
        period, period_key = composed_period, composed_key
    elif composed_key and not period_key:
        period_key = composed_key
    group = keys[tail - 1] if tail else ""
    if not group and composed_key and not composed_period:  # "本年 / 8月": a month-only column
        group = "本月"
    if taken_at >= 0:  # shown as written, the period in its place: "工业增加值（千元） 本年 1-8月"
        text = " ".join(written[min(shown if shown < taken_at else shown + 1, taken_at):])
    return Header(c, text, key, unit,
                  period=period or group_period, serial=key.upper() in SERIAL_KEYS, group=group,
                  period_key=period_key)


MAX_HEADER_ROWS = 5
_PERIOD_PREFIX_RE = re.compile(r"^(?:\d{4}年)?(?:\d{1,2}[-~—–至到])?\d{1,2}月份?(?:止|末)?")


def _split_period_prefix(key: str, default_year, known_key,
                         latest: tuple[int, int] | None = None) -> tuple[str, tuple[int, int] | None, str] | None:
    """A period or a year word before a figure's name, taken out of the name; else None.

    '1-5月累计' -> ('累计', (y, 5), '1-5月'); '1-5月工业增加值' -> ('工业增加值本年累计', …);
    '本年1-5月工业增加值' / '今年工业增加值' this year's figure; '上年1-5月工业增加值' / '去年同期工业增加值' the
    prior year's; '2024年1-5月工业增加值' beside a later `latest` period (2025年1-5月) the prior year's.
    """
    word = _YEAR_WORD_RE.match(key)
    if word and word.end() < len(key):
        key = key[word.end():]
    m = _PERIOD_PREFIX_RE.match(key)
    if m and m.end() < len(key):
        prefix, rest = m.group(0).rstrip("止末"), key[m.end():]
    elif word:
        prefix, rest = "", key
    else:
        return None
    rest = SUB_CANON.get(rest, rest)
    period = parse_period_text(prefix, default_year) if prefix else None
    earlier = period is not None and latest is not None and period[0] < latest[0]
    if (word and word.group(1) in PRIOR_WORDS) or earlier:
        if known_key(rest + PRIOR):
            return rest + PRIOR, (latest if earlier else period), prefix
        if word:
            return None
    candidates = (rest + CURRENT,) if word else (rest, rest + CURRENT)
    for candidate in candidates:
        if known_key(candidate):
            return candidate, period, prefix
    return None


_YEAR_WORD_RE = re.compile(r"^(上年同期|去年同期|本年|今年|上年|去年)")
_COLUMN_CODES = "甲乙丙丁戊己庚辛壬癸"
_UNIT_CELL_RE = re.compile(rf"^[(\[【]?(?:计量)?(?:单位[:]?)?({_UNIT_WORDS}|万|亿)[)\]】]?$")


def _code_and_unit_rows(rows, r: int, width: int, headers: list[Header]) -> list[int]:
    """Rows right under the header that belong to it: the column codes of a statistics form
    ("甲 乙 1 2 3 4"), a row of units ("千元", "（万元）"), whose units go to the columns above
    them that name none, and the English field codes of a data-sharing platform (UNISCID,
    ENTNAME, ESTDATE …). Returns their row indices (possibly none)."""
    taken: list[int] = []
    by_col = {h.col: h for h in headers}
    for _ in range(3):
        texts = [nfkc(_cell(rows, r, c)) for c in range(width)]
        filled = [(c, t) for c, t in enumerate(texts) if t]
        if not filled:
            break
        units = [(c, _UNIT_CELL_RE.match(_SPACES_RE.sub("", t))) for c, t in filled]
        if all(m for _, m in units):
            for c, m in units:
                h = by_col.get(c)
                if h is not None and h.unit is None:
                    h.unit = _SHORT_UNITS.get(m.group(1), m.group(1))
            taken.append(r)
        elif len(filled) >= 2 and _column_codes([t for _, t in filled]):
            taken.append(r)
        elif _field_codes([t for c, t in filled if c in by_col], len(filled)):
            taken.append(r)
        else:
            break
        r += 1
    return taken


_FIELD_CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{1,39}$")


def _field_codes(texts: list[str], n_filled: int) -> bool:
    """UNISCID, ENTNAME, ESTDATE, REG_CAP… (or uniscid, entname as some platforms write them): a row of
    identifiers under the Chinese names (two or more, every filled cell one, under a named column, no two
    alike). A data row under Chinese names holds a figure, a date or Chinese text, never only such words."""
    if n_filled < 2 or len(texts) != n_filled or not all(_FIELD_CODE_RE.match(t) for t in texts):
        return False
    return len({t.upper() for t in texts}) == len(texts)


def _column_codes(texts: list[str]) -> bool:
    """甲, 乙, 丙… then 1, 2, 3… (consecutive): the column numbering of a statistics form."""
    letters = [t for t in texts if t in _COLUMN_CODES]
    numbers = [t for t in texts if t not in _COLUMN_CODES]
    if len(letters) + len(numbers) != len(texts) or not all(t.isdigit() for t in numbers):
        return False
    ints = [int(t) for t in numbers]
    consecutive = all(b == a + 1 for a, b in zip(ints, ints[1:]))
    return consecutive and (len(letters) >= 1 or len(ints) >= 3) and texts[:len(letters)] == letters


def _header_depth(rows, i, width, known, known_key, default_year) -> int:
    """How many rows the header starting at row i spans: 1, or down to a row of sub-headers
    (本年累计, 上年同期累计…, or 工业增加值 under a period such as "2025年1-5月") through group
    rows that hold no known column name and no number; then on over rows that hold only
    sub-headers and periods, two or more of them (本年 | 上年同期 over 8月 | 1-8月)."""
    top = [_cell(rows, i, c) for c in range(width)]
    top_periods = [bool(t) and parse_period_text(header_key(t)[0], default_year) is not None for t in top]

    def under_period(t: str, c: int) -> bool:
        return (bool(t) and any(top_periods) and (top_periods[c] or not top[c])
                and known_key(header_key(t)[0] + CURRENT))

    depth = 1
    for k in range(i + 1, i + MAX_HEADER_ROWS):
        texts = [_cell(rows, k, c) for c in range(width)]
        filled = [(c, t) for c, t in enumerate(texts) if t]
        if not filled:
            break
        if depth > 1:  # below the sub-headers: only rows of sub-headers and periods still belong
            if len(filled) >= 2 and all(_is_sub(t) or _is_period(t, default_year) for _, t in filled):
                depth = k - i + 1
                continue
            break
        periods_only = len(filled) >= 2 and all(_is_period(t, default_year) for _, t in filled)
        subs = any(_is_sub(t) or under_period(t, c) for c, t in filled)
        if periods_only or (subs and not any(known(t) and not _is_sub(t) for _, t in filled)):
            depth = k - i + 1
            continue
        if any(_NUMBER_LIKE_RE.match(t) or (known(t) and not _is_sub(t)) for _, t in filled):
            break
    return depth


def _is_period(text: str, default_year) -> bool:
    key = header_key(text)[0]
    return parse_period_text(key, default_year or 2000) is not None or _range_period(key, default_year or 2000) is not None


_NUMBER_LIKE_RE = re.compile(r"^[+-]?[\d,.]+$")


def _group_text(rows, i, c, first_row, first_col, merges, texts) -> str:
    """The group cell over column c in header row i: the merged range's text, else forward-filled."""
    abs_r, abs_c = first_row - 1 + i, first_col + c
    for r1, c1, r2, c2 in merges or ():
        if r1 <= abs_r <= r2 and c1 <= abs_c <= c2:
            return _cell(rows, r1 - (first_row - 1), c1 - first_col)
    # not merged (or merges unknown): the nearest group text to the left, unless that is a column name
    for k in range(c - 1, -1, -1):
        if texts[k]:
            return texts[k] if not _known(texts[k]) else ""
    return ""


# --------------------------------------------------------------------------- dataset recognition

@dataclass
class Mapping:
    """A dataset's reading of a header: field -> Header, and what is left over."""

    dataset: Dataset
    fields: dict[str, Header]
    unused: list[Header]
    duplicates: list[tuple[Header, Header, str]]  # (ignored header, used header, field)

    @property
    def score(self) -> int:
        return len(self.fields)

    @property
    def missing_signature(self) -> list[str]:
        return [f for f in self.dataset.signature if f not in self.fields]


def map_headers(ds: Dataset, headers: list[Header], overrides: dict[str, str | None]) -> Mapping:
    """Assign each header to at most one field of `ds` (first header wins a field).

    `overrides` maps header keys to field names (None/'' = ignore the column).
    A period header ("1-5月") is the value column of a dataset whose period may
    come from a header (indicators: value_ytd).
    """
    fields: dict[str, Header] = {}
    unused: list[Header] = []
    duplicates: list[tuple[Header, Header, str]] = []
    names = set(ds.field_names)
    monthly, other_periods = set(), set()
    if ds.period_value_field:
        monthly, other_periods = _indicator_columns_not_read(headers)
    # visible columns before hidden ones, exact names before names read without a bracket ("项目名称(系统)"):
    # the first header of a field wins it
    # and, between two names of one field, the one listed first in the schema (注销日期 before 核准日期)
    # a column the analyst mapped by hand comes first; it may be named by its key or by its shown text
    # ("1-5月 本年累计", whose key is 本年累计)
    def override_key(h: Header) -> str | None:
        if h.key in overrides:
            return h.key
        shown = header_key(h.text)[0]
        return shown if shown in overrides else None

    rank = {header_key(syn)[0]: i for f in ds.fields for i, syn in enumerate(f.synonyms)}
    order = sorted(headers, key=lambda h: (override_key(h) is None, h.hidden, h.key not in SYNONYM_INDEX,
                                           rank.get(h.key, 99)))
    for h in order:
        okey = override_key(h)
        if h.serial and okey is None:
            continue
        if id(h) in monthly | other_periods and okey is None:
            unused.append(h)
            continue
        if okey is not None:
            target = overrides[okey]
            cands = [target] if target in names else []
        else:
            cands = [f for d, f in lookup(h.key) if d == ds.name]
            if not cands and h.period and ds.period_value_field:
                cands = [ds.period_value_field]
        free = [f for f in cands if f not in fields]
        if free:
            fields[free[0]] = h
        elif cands:
            duplicates.append((h, fields[cands[0]], cands[0]))
        else:
            unused.append(h)
    unused.sort(key=lambda h: h.col)
    fields = dict(sorted(fields.items(), key=lambda kv: kv[1].col))
    return Mapping(ds, fields, unused, duplicates)


_RANGE_RE = re.compile(r"\d\s*[-~—–至到]\s*\d")
MONTH_ONLY_KEYS = ("本月", "当月", "本月数", "当月数", "上年同月", "上年本月")


def _indicator_columns_not_read(headers: list[Header]) -> tuple[set[int], set[int]]:
    """Columns of an indicator table that are not the cumulative figures (ids of their Header).

    monthly: 本月 columns and every column of a group that has one ("5月" over 本月 / 同比增长(%)),
    so the cumulative group's 本年累计 and 同比增长 are read. other_periods: period-named value
    columns other than the latest ("2024年1-5月" beside "2025年1-5月" is the prior year's figure).
    """
    month_groups = {h.group for h in headers if h.group and h.key in MONTH_ONLY_KEYS}
    month_groups |= {h.group for h in headers if h.group in MONTH_ONLY_KEYS}
    monthly = {id(h) for h in headers if h.key in MONTH_ONLY_KEYS or (h.group and h.group in month_groups)}
    # a single month ("5月", "5月增速") beside a cumulative period ending in it ("1-5月") is that month's figure
    ranges = {h.period for h in headers if h.period and _RANGE_RE.search(h.period_key)}
    monthly |= {id(h) for h in headers if h.period in ranges and h.period_key and not _RANGE_RE.search(h.period_key)}
    bare = [h for h in headers if h.period and not lookup(h.key) and id(h) not in monthly]
    latest = max((h.period for h in bare), default=None)
    first_latest = next((h for h in bare if h.period == latest), None)
    other_periods = {id(h) for h in bare if h is not first_latest}
    return monthly, other_periods


def normalise_overrides(column_overrides: dict | None, sheet_name: str) -> dict[str, str | None]:
    """{(sheet or '*'): {header text: field}} -> {header key: field} for one sheet (sheet entries win)."""
    out: dict[str, str | None] = {}
    if not column_overrides:
        return out
    for scope in ("*", sheet_name):
        for text, fname in (column_overrides.get(scope) or {}).items():
            out[header_key(text)[0]] = fname or None
    return out
