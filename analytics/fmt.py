"""How the park writes its numbers (DESIGN.md "Presentation conventions").

Money in 万元 below 1 亿, in 亿元 from 1 亿 (1 亿元 = 10000 万元); counts of
entities in 户, enterprises in 家, projects in 个; growth rates as "9.9%";
changes of a rate in 个百分点; cumulative periods as "1-5月"; dates as
"2025年6月15日". Every function returns "—" for a missing value (None, NaN, pandas NA/NaT).

Rounding is 四舍五入 (half up, as the statistics office rounds) on the number's decimal form
(12 significant digits, so float noise does not decide): 23.45 -> '23.5', 6.25 -> '6.3',
-1.25 -> '-1.3'; a value that rounds to zero never shows a minus sign ('-0.0%' is '0.0%').
"""
from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

MISSING = "—"
WAN_PER_YI = 10000.0  # 1 亿元 = 10000 万元
MAX_CUT_SHARE = 0.15  # "X余万元" may leave out at most 15% of the amount, else one more digit is written


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


def wan_to_text(wan_value: float | None) -> str:
    """An amount in 万元 as the park writes it in prose.

    - from 1 亿 (10000 万元): 亿元 with one decimal: 235000 -> '23.5亿元';
    - 100 to 9999 万元: cut down to the leading digit, with 余 when something is cut, as long as
      the figure written keeps at least 85% of the amount (MAX_CUT_SHARE); otherwise to the
      leading two digits, so amounts side by side do not read alike: 9234.5 -> '9000余万元',
      8000 -> '8000万元', 512 -> '500余万元', 2234.5 -> '2000余万元', but 2891 -> '2800余万元'
      (not '2000余万元', 31% cut), 1999 -> '1900余万元';
    - 1 to 100 万元: one decimal: 56.34 -> '56.3万元'; below 1 万元 two: 0.04 -> '0.04万元';
    - negative amounts keep their sign on the magnitude: -8000 -> '-8000万元' (no sign when the
      text is zero: -0.001 -> '0万元').
    """
    if _missing(wan_value):
        return MISSING
    v = float(wan_value)
    if v < 0:
        text = wan_to_text(-v)
        return text if text == "0万元" else "-" + text
    if v >= WAN_PER_YI:
        return yi(v)
    if v >= 100:
        step = 10 ** int(math.floor(math.log10(v)))
        base = math.floor(v / step) * step
        if (v - base) / v > MAX_CUT_SHARE:
            step //= 10
            base = math.floor(v / step) * step
        suffix = "余" if v - base > 1e-9 else ""
        return f"{int(base)}{suffix}万元"
    return wan(v, 1 if v >= 1 else 2)


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
