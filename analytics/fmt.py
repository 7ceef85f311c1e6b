"""How the park writes its numbers (DESIGN.md "Presentation conventions").

Money in 万元 below 1 亿, in 亿元 from 1 亿 (1 亿元 = 10000 万元); counts of
entities in 户, enterprises in 家, projects in 个; growth rates as "9.9%";
changes of a rate in 个百分点; cumulative periods as "1-5月"; dates as
"2025年6月15日". Every function returns "—" for a missing value (None, NaN, pandas NA/NaT).

Rounding is 四舍五入 (half up, as the statistics office rounds) on the number's decimal form
(12 significant digits, so float noise does not decide): 23.45 -> '23.5', 6.25 -> '6.3',
2.25 -> '2.3', 12.5 天 -> '13天', 24500 万元 -> '2.5亿元', -1.25 -> '-1.3'; a value that rounds to
zero never shows a minus sign ('-0.0%' is '0.0%'). Every figure a page, the briefing or a download
shows goes through round_half_up (number, pct, pp, days, round_frame for tables), never through
Python's format or round(), which round half to even (f"{2.25:.1f}" == '2.2').

The 余 rule (wan_to_text, wan_texts), decided once: an amount of 100 to 9999 万元 is cut DOWN
(never rounded up) to a round figure, with 余 when something was cut:
  - to its leading digit when that leaves out less than 5% of the amount (ONE_DIGIT_MAX_CUT_SHARE):
    9236 -> '9000余万元' (236 = 2.6% cut: the park's published figure), 512 -> '500余万元';
  - else to its leading two digits: 5726 -> '5700余万元', 2891 -> '2800余万元', 2164 -> '2100余万元',
    1928 -> '1900余万元', 189 -> '180余万元';
  - peers written side by side in one sentence (the channels or sectors of one breakdown) are cut at one
    common unit, the finest any of them needs (wan_texts): [2164, 1928] -> ['2100余万元', '1900余万元'],
    never '2000余万元' next to '1900余万元'.
"""
from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

MISSING = "—"
WAN_PER_YI = 10000.0  # 1 亿元 = 10000 万元
ONE_DIGIT_MAX_CUT_SHARE = 0.05  # "X余万元" at the leading digit only while less than 5% of the amount is cut
YU_MIN_WAN = 100.0  # the 余 form from 100 万元; below it one decimal (two below 1 万元)


def _missing(x) -> bool:
    """None, NaN, pandas NA/NaT or an infinity (a rate over a zero base): written '—'."""
    if x is None:
        return True
    try:
        return not math.isfinite(x)
    except TypeError:
        return type(x).__name__ in ("NAType", "NaTType")


def round_half_up(x: float, digits: int = 1) -> Decimal:
    """x rounded 四舍五入 to `digits` decimals on its decimal form at 12 significant digits, so
    float noise does not decide: 23.45 (the float 23.4499...) -> 23.5, (102.25 / 100 - 1) x 100
    (the float 2.2499999999999964) -> 2.3; a zero never carries a sign."""
    q = Decimal(f"{float(x):.12g}").quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return abs(q) if q == 0 else q


def _fixed(x: float, digits: int) -> str:
    """x with `digits` decimals, rounded as round_half_up, never '-0':
    _fixed(23.45, 1) -> '23.5' (f-format would give '23.4'), _fixed(6.25, 1) -> '6.3',
    _fixed(-0.04, 1) -> '0.0'."""
    return f"{round_half_up(x, digits):.{digits}f}"


def _trim(text: str) -> str:
    """'23.50' -> '23.5', '10.0' -> '10'."""
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def yi(wan: float | None, digits: int = 1) -> str:
    """万元 -> '23.5亿元' (rounded to `digits` decimals, trailing zeros dropped)."""
    if _missing(wan):
        return MISSING
    return f"{_trim(_fixed(wan / WAN_PER_YI, digits))}亿元"


def wan(wan_value: float | None, digits: int = 1) -> str:
    """万元 -> '56.3万元' (plain, rounded, trailing zeros dropped)."""
    if _missing(wan_value):
        return MISSING
    return f"{_trim(_fixed(wan_value, digits))}万元"


def yu_unit(wan_value: float) -> int:
    """The unit (万元, a power of ten) an amount of 100-9999 万元 is cut down to by the 余 rule (see the
    module docstring): 9236 -> 1000 (2.6% cut), 5726 -> 100, 189 -> 10, 8000 -> 1000."""
    v = float(wan_value)
    step = 10 ** int(math.floor(math.log10(v)))
    base = math.floor(v / step) * step
    if (v - base) / v >= ONE_DIGIT_MAX_CUT_SHARE:
        step //= 10
    return max(int(step), 1)


def _cut(v: float, unit: int) -> str:
    base = math.floor(v / unit + 1e-9) * unit
    suffix = "余" if v - base > 1e-9 else ""
    return f"{int(base)}{suffix}万元"


def wan_to_text(wan_value: float | None, unit: int | None = None) -> str:
    """An amount in 万元 as the park writes it in prose.

    - from 1 亿 (10000 万元): 亿元 with one decimal, 四舍五入: 235000 -> '23.5亿元', 24500 -> '2.5亿元';
    - 100 to 9999 万元: the 余 rule of the module docstring: 9236 -> '9000余万元', 8000 -> '8000万元',
      2891 -> '2800余万元', 1928 -> '1900余万元'; `unit` (a power of ten, from wan_texts) forces the
      unit cut to, so peers in one sentence share it;
    - 1 to 100 万元: one decimal: 56.34 -> '56.3万元'; below 1 万元 two: 0.04 -> '0.04万元';
    - negative amounts keep their sign on the magnitude: -8000 -> '-8000万元' (no sign when the
      text is zero: -0.001 -> '0万元').
    """
    if _missing(wan_value):
        return MISSING
    v = float(wan_value)
    if v < 0:
        text = wan_to_text(-v, unit)
        return text if text == "0万元" else "-" + text
    if v >= WAN_PER_YI:
        return yi(v)
    if v >= YU_MIN_WAN:
        return _cut(v, unit if unit else yu_unit(v))
    return wan(v, 1 if v >= 1 else 2)


def wan_texts(values) -> list[str]:
    """Amounts (万元) written side by side in one sentence, cut at ONE unit: the finest unit any amount
    of 100-9999 万元 needs under the 余 rule. [2164, 1928] -> ['2100余万元', '1900余万元'];
    [7000, 2234.5] -> ['7000万元', '2200余万元']; [9236] -> ['9000余万元']. Amounts from 1 亿 stay in
    亿元, amounts below 100 万元 keep their decimals."""
    vals = list(values)
    units = [yu_unit(abs(float(v))) for v in vals
             if not _missing(v) and YU_MIN_WAN <= abs(float(v)) < WAN_PER_YI]
    unit = min(units) if units else None
    return [wan_to_text(v, unit) for v in vals]


def pct(x: float | None, digits: int = 1) -> str:
    """A percent number -> '9.9%' (one decimal kept: 3 -> '3.0%')."""
    if _missing(x):
        return MISSING
    return f"{_fixed(x, digits)}%"


def pp(x: float | None, digits: int = 1) -> str:
    """A change of a rate in percentage points -> '6.9个百分点' (sign kept: '-1.2个百分点')."""
    if _missing(x):
        return MISSING
    return f"{_fixed(x, digits)}个百分点"


def change_pp_text(x: float | None, digits: int = 1) -> str:
    """A change of a rate in words: 6.9 -> '提高6.9个百分点', -1.2 -> '回落1.2个百分点', 0 -> '持平'."""
    if _missing(x):
        return MISSING
    r = Decimal(_fixed(x, digits))
    if r == 0:
        return "持平"
    return f"{'提高' if r > 0 else '回落'}{abs(r):.{digits}f}个百分点"


def number(x: float | None, digits: int = 1, thousands: bool = False) -> str:
    """A plain number rounded 四舍五入, `digits` decimals kept: number(2.25) -> '2.3',
    number(12345.65, 1, thousands=True) -> '12,345.7', number(12.5, 0) -> '13'."""
    if _missing(x):
        return MISSING
    r = round_half_up(x, digits)
    return f"{r:,.{digits}f}" if thousands else f"{r:.{digits}f}"


def signed_pp(x: float | None, digits: int = 1) -> str:
    """A change in 个百分点 with its sign, for a metric card's delta: 6.9 -> '+6.9个百分点',
    -2.25 -> '-2.3个百分点', 0.04 -> '0.0个百分点'."""
    if _missing(x):
        return MISSING
    r = round_half_up(x, digits)
    return f"{'+' if r > 0 else ''}{r:.{digits}f}个百分点"


def days(x: float | None) -> str:
    """A number of days, whole, 四舍五入: 12.5 -> '13天', 12.4 -> '12天'."""
    if _missing(x):
        return MISSING
    return f"{round_half_up(x, 0):.0f}天"


def change_pct_text(x: float | None, digits: int = 1) -> str:
    """A 同比 change in percent: 6.25 -> '增长6.3%', -1.25 -> '下降1.3%', 0.04 -> '持平'."""
    if _missing(x):
        return MISSING
    r = round_half_up(x, digits)
    if r == 0:
        return "持平"
    return f"{'增长' if r > 0 else '下降'}{abs(r):.{digits}f}%"


def accel_text(x: float | None, digits: int = 1) -> str:
    """The change of a growth rate against an earlier period, as officers write it: 0.4 ->
    '加快0.4个百分点', -0.25 -> '回落0.3个百分点', 0.04 -> '持平'."""
    if _missing(x):
        return MISSING
    r = round_half_up(x, digits)
    if r == 0:
        return "持平"
    return f"{'加快' if r > 0 else '回落'}{abs(r):.{digits}f}个百分点"


def due_text(days_to_due: int | None) -> str:
    """A deadline seen from today: 0 -> '今日到期', 1 -> '明日到期', 5 -> '将在5天内到期',
    -3 -> '已超期3天'."""
    if _missing(days_to_due):
        return MISSING
    n = int(days_to_due)
    if n == 0:
        return "今日到期"
    if n == 1:
        return "明日到期"
    if n < 0:
        return f"已超期{-n}天"
    return f"将在{n}天内到期"


def round_frame(frame, columns, digits: int = 1):
    """A copy of `frame` whose `columns` (those present) hold floats rounded 四舍五入 to `digits`
    decimals (missing values stay missing), so a table or download shows 2.3 for 2.25 whatever
    printf-style format the table applies afterwards. The input is not changed."""
    out = frame.copy()
    for col in columns:
        if col in out.columns:
            out[col] = [None if _missing(v) else float(round_half_up(v, digits)) for v in out[col]]
            out[col] = out[col].astype("float64")
    return out


def count(n: int | None, unit: str = "户") -> str:
    """A count with its measure word: count(6879, '户') -> '6879户' (户 entities, 家 enterprises, 个 projects)."""
    if _missing(n):
        return MISSING
    return f"{int(n)}{unit}"


def _no_date(d) -> bool:
    """None, NaN or NaT (NaT != NaT, like NaN): written '—'."""
    try:
        return d is None or bool(d != d)
    except (TypeError, ValueError):
        return False


def _as_date(d) -> date:
    if isinstance(d, datetime):
        return d.date()
    if isinstance(d, date):
        return d
    if hasattr(d, "to_pydatetime"):  # pandas Timestamp
        return d.to_pydatetime().date()
    return date.fromisoformat(str(d)[:10])


def date_cn(d) -> str:
    """date(2025, 6, 15) -> '2025年6月15日' ('—' for None/NaT)."""
    if _no_date(d):
        return MISSING
    d = _as_date(d)
    return f"{d.year}年{d.month}月{d.day}日"


def period_label(period, with_year: bool = False) -> str:
    """The cumulative period ending in `period`'s month: May -> '1-5月', February -> '1-2月',
    December -> '1-12月'; January alone -> '1月'. with_year: '2025年1-5月'."""
    if _no_date(period):
        return MISSING
    p = _as_date(period)
    label = "1月" if p.month == 1 else f"1-{p.month}月"
    return f"{p.year}年{label}" if with_year else label


def month_label(month) -> str:
    """date(2025, 5, 1) -> '2025年5月' ('—' for None/NaT)."""
    if _no_date(month):
        return MISSING
    m = _as_date(month)
    return f"{m.year}年{m.month}月"


def month_key(month) -> str:
    """date(2025, 5, 1) -> '2025-05' (the JSON keys of the summary)."""
    m = _as_date(month)
    return f"{m.year:04d}-{m.month:02d}"
