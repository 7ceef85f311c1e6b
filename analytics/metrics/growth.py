"""规上工业增加值增速: cumulative same-sample growth of the park's above-scale industry.

Definitions (../shared/DATA.md §2, §2b):

- A period is the end month of a cumulative period ("1-5月" -> 2025-05-01).
  January is reported together with February, so a January-only period is
  never shown (rows with month 1 are ignored).
- Same-sample growth for period P: (Σ ytd / Σ prev_ytd - 1) x 100 over the
  enterprises reporting in P, each with its own prior-year figure from the same
  row; a blank prior-year value counts as 0. An enterprise that joined the
  list adds its own current and prior figures; one that left is in neither sum.
- Comparable prices (可比价): each period's current sum is divided by the price
  index of that period / 100 (prior year = 100) before the ratio; without an
  index for the period the comparable growth is missing (NaN).
- Revenue has no prior-year column: its prior value is the same enterprise's
  revenue_ytd in the same period a year earlier, and only enterprises present
  in both periods are counted (same sample).
- Official growth: the indicator table's 规上工业增加值 row (comparable prices,
  not recomputable). Where it exists for a period it is the headline figure.
- Contribution (拉动, 百分点) of a group: (its ytd - its prev_ytd) / total prev_ytd x 100;
  the contributions add up to the total growth.
Money in 万元, rates in percent, changes of rates in 个百分点.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from analytics.fmt import round_half_up
from analytics.metrics._common import as_date, none_if_nan, period_labels, query, scoped_memo

MEASURES = ("value_added", "output", "revenue")
BASES = ("current", "comparable")
BASIS_LABELS = {"current": "现价", "comparable": "可比价"}
INDICATOR_SYNONYMS = {
    "规上工业增加值": ("规上工业增加值", "规模以上工业增加值", "规上工业增加值增速", "规模以上工业增加值增速"),
    "规上工业总产值": ("规上工业总产值", "规模以上工业总产值"),
}


def _check(measure: str, basis: str) -> None:
    if measure not in MEASURES:
        raise ValueError(f"未知指标 “{measure}”；可用：{'、'.join(MEASURES)}")
    if basis not in BASES:
        raise ValueError(f"未知价格口径 “{basis}”；可用：{'、'.join(BASES)}")


def _rows_sql(measure: str) -> str:
    """SQL (no parameters) giving one row per enterprise and period: period, uscc, name, sector, cur, prev (万元).

    January-only periods and rows without a current value are left out.
    """
    if measure == "revenue":
        return """
            SELECT r.period, r.uscc, r.name, r.sector, r.revenue_ytd AS cur, p.revenue_ytd AS prev
            FROM industrial r
            JOIN industrial p ON p.uscc = r.uscc AND p.period = r.period - INTERVAL 1 YEAR
            WHERE month(r.period) > 1 AND r.revenue_ytd IS NOT NULL AND p.revenue_ytd IS NOT NULL"""
    cur, prev = f"{measure}_ytd", f"{measure}_prev_ytd"
    return f"""
        SELECT period, uscc, name, sector, {cur} AS cur, coalesce({prev}, 0) AS prev
        FROM industrial WHERE month(period) > 1 AND {cur} IS NOT NULL"""


def _deflated(basis: str) -> tuple[str, str]:
    """(join clause, current-value expression) for the price basis."""
    if basis == "comparable":
        return ("LEFT JOIN price_index pi ON pi.period = r.period",
                "r.cur / (pi.price_index / 100.0)")
    return ("", "r.cur")


@scoped_memo
def growth_series(con: duckdb.DuckDBPyConnection, year: int | None = None, basis: str = "current",
                  sector: str | None = None, measure: str = "value_added") -> pd.DataFrame:
    """Same-sample cumulative growth, one row per cumulative period (ascending).

    Columns: period (date, end month), label ('1-5月'), ytd (万元, deflated when
    basis='comparable'), prev_ytd (万元), growth_pct (percent; NaN when prev_ytd is 0
    or, for comparable, when no price index is loaded for the period),
    n_enterprises (enterprises in the sample), basis ('current'/'comparable').
    `year` None = every year; `sector` None = the whole park.
    """
    _check(measure, basis)
    join, cur = _deflated(basis)
    sql = f"""
        WITH r AS ({_rows_sql(measure)})
        SELECT r.period, sum({cur}) AS ytd, sum(r.prev) AS prev_ytd, count(DISTINCT r.uscc) AS n_enterprises
        FROM r {join}
        WHERE (CAST(? AS INTEGER) IS NULL OR year(r.period) = ?) AND (CAST(? AS VARCHAR) IS NULL OR r.sector = ?)
        GROUP BY r.period ORDER BY r.period"""
    df = query(con, sql, [year, year, sector, sector])
    df["period"] = pd.to_datetime(df["period"]).dt.date
    df["label"] = period_labels(df["period"])
    df["growth_pct"] = (df["ytd"] / df["prev_ytd"].where(df["prev_ytd"] != 0) - 1) * 100
    df["n_enterprises"] = df["n_enterprises"].astype("int64")
    df["basis"] = basis
    return df[["period", "label", "ytd", "prev_ytd", "growth_pct", "n_enterprises", "basis"]]


# An indicator row's name as the statistics office writes it, reduced to its core: NFKC, no spaces,
# no leading enumeration ("一、", "（一）", "1.", "1、"), no trailing bracket groups ("（%）", "(万元)",
# "（可比价）"), no trailing rate word ("增速", "增长", "同比增长", "增长率", "增幅").
_ENUM_RE = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d+[、.](?!\d))")
_BRACKET_RE = re.compile(r"\([^()]*\)$")
_MONTH_ONLY_RE = re.compile(r"当月|本月")  # "（当月）" is kept: a single month's figure is not cumulative
_RATE_RE = re.compile(r"(?:同比增长率|同比增长|同比增速|增长率|增速|增幅|增长)$")


def indicator_core(name) -> tuple[str, bool]:
    """(core name, says_rate) of an indicator name: '一、规模以上工业增加值增速（%）' ->
    ('规模以上工业增加值', True); '规上工业增加值' -> ('规上工业增加值', False). says_rate is True
    when the name itself says the row is a rate (a rate word or a '%' unit in brackets). A bracket
    saying 当月/本月 stays, so a single month's row never passes for the cumulative one."""
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(name or "")))
    t = _ENUM_RE.sub("", t)
    rate = False
    while True:
        m = _BRACKET_RE.search(t)
        if m and not _MONTH_ONLY_RE.search(m.group(0)):
            rate = rate or "%" in m.group(0)
            t = t[:m.start()]
            continue
        m = _RATE_RE.search(t)
        if m and m.start() > 0:
            rate = True
            t = t[:m.start()]
            continue
        return t, rate


@scoped_memo
def official_growth(con: duckdb.DuckDBPyConnection, indicator: str = "规上工业增加值") -> pd.DataFrame:
    """The official rate from the indicator table, one row per cumulative period (ascending).

    Columns: period (date), label ('1-5月'), value_ytd (in the row's own unit), growth_pct (percent).
    A row matches when its name reduced by indicator_core is one of INDICATOR_SYNONYMS[indicator]
    ('规模以上工业增加值', '一、规上工业增加值', '规上工业增加值增速（%）' all match 规上工业增加值).
    The rate is the row's growth column; a row whose name says it is a rate ('…增速', unit '%') and
    whose growth column is blank gives its cumulative value as the rate. Where several rows match
    in one period, the first synonym in INDICATOR_SYNONYMS order wins. January-only rows are ignored.
    """
    wanted = [indicator_core(n)[0] for n in INDICATOR_SYNONYMS.get(indicator, (indicator,))]
    wanted = list(dict.fromkeys(wanted))
    cols = ["period", "label", "value_ytd", "growth_pct"]
    df = query(con, "SELECT indicator, unit, period, value_ytd, growth_pct FROM indicators "
                    "WHERE month(period) > 1 ORDER BY period, indicator")
    if df.empty:
        return pd.DataFrame(columns=cols)
    core = [indicator_core(n) for n in df["indicator"]]
    unit_pct = df["unit"].fillna("").astype(str).map(lambda u: "%" in unicodedata.normalize("NFKC", u))
    says_rate = pd.Series([c[1] for c in core], index=df.index) | unit_pct
    rank = pd.Series([wanted.index(c[0]) if c[0] in wanted else -1 for c in core], index=df.index)
    rate = df["growth_pct"].where(df["growth_pct"].notna(), df["value_ytd"].where(says_rate))
    df = df.assign(growth_pct=rate, value_ytd=df["value_ytd"].where(~says_rate), _rank=rank)
    df = df[(df["_rank"] >= 0) & df["growth_pct"].notna()]
    df = df.sort_values(["period", "_rank"]).groupby("period", as_index=False).agg(
        value_ytd=("value_ytd", "first"), growth_pct=("growth_pct", "first"))
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["period"] = pd.to_datetime(df["period"]).dt.date
    df["label"] = period_labels(df["period"])
    return df[cols].reset_index(drop=True)


@dataclass(frozen=True)
class GrowthHeadline:
    """The headline growth of value added at an as-of date.

    period: the latest cumulative period whose month has ended by as_of, in as_of's
    year (if that year has none yet, the latest one before it); pct: the official
    rate for that period when loaded (basis 'official', 可比价), else the enterprise-level
    same-sample rate at current prices (basis 'enterprise', 现价).

    Every comparison is on the headline's own basis (never 现价 against 可比价): last_year_pct is
    1-12月 of the year before on that basis (None when that basis has no figure for it);
    change_pp = pct - last_year_pct (个百分点); series {'YYYY-MM': pct} holds the periods of
    period's year up to period that have a figure on that basis (an official headline never
    borrows enterprise points for periods without an official figure); prev_period / prev_pct:
    the previous cumulative period of the same year on that basis ('比1-4月加快0.4个百分点',
    change_prev_pp); same_period_last_year_pct: the same cumulative period a year earlier on that
    basis (change_same_period_pp, '比上年同期'). month_pct: 当月 growth of period's month derived
    from the two cumulative periods (enterprise figures, basis month_basis 'current' 现价 or
    'comparable' 可比价 when the headline is official and an index is loaded for both periods);
    None for 1-2月 or when the previous month is not reported. Percent, one decimal.
    """

    period: date | None
    label: str | None
    pct: float | None
    basis: str | None
    enterprise_pct: float | None = None
    official_pct: float | None = None
    comparable_pct: float | None = None
    last_year_pct: float | None = None
    last_year_period: date | None = None
    change_pp: float | None = None
    series: dict = field(default_factory=dict)
    n_enterprises: int | None = None
    prev_period: date | None = None
    prev_pct: float | None = None
    change_prev_pp: float | None = None
    same_period_last_year_pct: float | None = None
    change_same_period_pp: float | None = None
    month_pct: float | None = None
    month_basis: str | None = None

    @property
    def basis_label(self) -> str | None:
        """'可比价' for an official headline, '现价' for an enterprise one."""
        return None if self.basis is None else ("可比价" if self.basis == "official" else "现价")


def _r1(x):
    x = none_if_nan(x)
    return None if x is None else float(round_half_up(x, 1))


def _diff1(a, b):
    return None if a is None or b is None else float(round_half_up(a - b, 1))


@scoped_memo
def _combined(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    """Periods whose month has ended by as_of: enterprise (current, comparable) and official rates."""
    cur = growth_series(con)
    comp = growth_series(con, basis="comparable")[["period", "growth_pct", "ytd"]].rename(
        columns={"growth_pct": "comparable_pct", "ytd": "comparable_ytd"})
    off = official_growth(con)[["period", "growth_pct"]].rename(columns={"growth_pct": "official_pct"})
    cur = cur.rename(columns={"growth_pct": "enterprise_pct"})
    df = cur.merge(comp, on="period", how="outer").merge(off, on="period", how="outer")
    if df.empty:
        return df
    df = df.sort_values("period").reset_index(drop=True)
    ends = pd.to_datetime(df["period"]) + pd.offsets.MonthEnd(0)
    df = df[ends.dt.date <= as_date(as_of)].reset_index(drop=True)
    df["pct"] = df["official_pct"].where(df["official_pct"].notna(), df["enterprise_pct"])
    df["basis"] = df["official_pct"].notna().map({True: "official", False: "enterprise"})
    df["label"] = period_labels(df["period"]) if len(df) else []
    return df


def monthly_growth(con: duckdb.DuckDBPyConnection, year: int, basis: str = "current",
                   sector: str | None = None) -> pd.DataFrame:
    """当月 growth derived from two cumulative periods, one row per month of `year` whose previous
    month is reported too (1-2月 is reported together, so February has none).

    Columns: period (date, the month), label ('5月'), month_wan (ytd of the month minus ytd of the
    month before, 万元; deflated by each period's index when basis='comparable'), prev_month_wan (the
    same for the prior-year columns), growth_pct ((month_wan / prev_month_wan - 1) x 100, NaN when the
    base is 0 or an index is missing). The sample is each period's own list, as the office computes it.
    """
    s = growth_series(con, year, basis, sector)
    cols = ["period", "label", "month_wan", "prev_month_wan", "growth_pct"]
    if s.empty:
        return pd.DataFrame(columns=cols)
    s = s.sort_values("period").reset_index(drop=True)
    months = pd.to_datetime(s["period"]).dt.month
    consecutive = months.diff() == 1
    out = pd.DataFrame({"period": s["period"], "label": months.map(lambda m: f"{m}月"),
                        "month_wan": s["ytd"].diff(), "prev_month_wan": s["prev_ytd"].diff()})
    out = out[consecutive].reset_index(drop=True)
    out["growth_pct"] = (out["month_wan"] / out["prev_month_wan"].where(out["prev_month_wan"] != 0) - 1) * 100
    return out[cols]


def _month_growth(full: pd.DataFrame, period: date, basis: str) -> tuple[float | None, str | None]:
    """(当月 growth of period's month, its basis) from the cumulative rows of _combined, as
    monthly_growth computes it: 可比价 for an official headline when both periods have an index,
    else 现价; (None, None) for 1-2月 or when the month before is not reported."""
    if period.month <= 2:
        return None, None
    before = date(period.year, period.month - 1, 1)
    rows = full.set_index("period")
    if period not in rows.index or before not in rows.index:
        return None, None
    t, b = rows.loc[period], rows.loc[before]
    base = t["prev_ytd"] - b["prev_ytd"]
    if pd.isna(base) or base == 0:
        return None, None
    if basis == "official" and pd.notna(t.get("comparable_ytd")) and pd.notna(b.get("comparable_ytd")):
        return _r1(((t["comparable_ytd"] - b["comparable_ytd"]) / base - 1) * 100), "comparable"
    if pd.isna(t["ytd"]) or pd.isna(b["ytd"]):
        return None, None
    return _r1(((t["ytd"] - b["ytd"]) / base - 1) * 100), "current"


@scoped_memo
def headline_growth(con: duckdb.DuckDBPyConnection, as_of: date) -> GrowthHeadline:
    """The growth figure the overview and the briefing lead with (see GrowthHeadline)."""
    as_of = as_date(as_of)
    full = _combined(con, as_of)
    df = full[full["pct"].notna()] if len(full) else full
    if df.empty:
        return GrowthHeadline(None, None, None, None)
    years = pd.to_datetime(df["period"]).dt.year
    this_year = df[years == as_of.year]
    row = (this_year if len(this_year) else df).iloc[-1]
    period = row["period"]
    col = "official_pct" if row["basis"] == "official" else "enterprise_pct"
    on_basis = df[df[col].notna()]

    def at(p: date):
        hit = on_basis[on_basis["period"] == p]
        return _r1(hit[col].iloc[0]) if len(hit) else None

    same_year = on_basis[(pd.to_datetime(on_basis["period"]).dt.year == period.year) & (on_basis["period"] <= period)]
    series = {f"{p.year:04d}-{p.month:02d}": _r1(v) for p, v in zip(same_year["period"], same_year[col])}
    last_pct = at(date(period.year - 1, 12, 1))
    earlier = same_year[same_year["period"] < period]
    prev_period = earlier["period"].iloc[-1] if len(earlier) else None
    prev_pct = at(prev_period) if prev_period is not None else None
    same_last = at(date(period.year - 1, period.month, 1))
    pct = _r1(row["pct"])
    month_pct, month_basis = _month_growth(full, period, row["basis"])
    n = none_if_nan(row.get("n_enterprises"))
    return GrowthHeadline(
        period=period, label=row["label"], pct=pct, basis=row["basis"],
        enterprise_pct=_r1(row["enterprise_pct"]), official_pct=_r1(row["official_pct"]),
        comparable_pct=_r1(row["comparable_pct"]), last_year_pct=last_pct,
        last_year_period=date(period.year - 1, 12, 1) if last_pct is not None else None,
        change_pp=_diff1(pct, last_pct), series=series, n_enterprises=None if n is None else int(n),
        prev_period=prev_period, prev_pct=prev_pct, change_prev_pp=_diff1(pct, prev_pct),
        same_period_last_year_pct=same_last, change_same_period_pp=_diff1(pct, same_last),
        month_pct=month_pct, month_basis=month_basis)


def reconciliation(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    """Official vs enterprise-level growth, one row per period of as_of's year whose month has ended.

    Columns: period, label, official_pct (可比价, official), enterprise_pct (现价, same sample),
    comparable_pct (enterprise figures deflated by the price index, NaN without one),
    diff_pp = official_pct - comparable_pct (个百分点, both 可比价; NaN without a price index: the
    现价 rate is never subtracted from the official 可比价 one), diff_comparable_pp (the same, kept
    for older callers).
    """
    as_of = as_date(as_of)
    df = _combined(con, as_of)
    cols = ["period", "label", "official_pct", "enterprise_pct", "comparable_pct", "diff_pp", "diff_comparable_pp"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    df = df[pd.to_datetime(df["period"]).dt.year == as_of.year].copy()
    df["diff_pp"] = df["official_pct"] - df["comparable_pct"]
    df["diff_comparable_pp"] = df["diff_pp"]
    return df[cols].reset_index(drop=True)


def sector_contribution(con: duckdb.DuckDBPyConnection, period: date, basis: str = "current",
                        measure: str = "value_added") -> pd.DataFrame:
    """Each park sector's part in period P's growth, one row per sector of schema.SECTORS with data.

    Columns: sector, ytd, prev_ytd (万元), growth_pct (the sector's own same-sample growth),
    contribution_pp (拉动: (ytd - prev_ytd) / park total prev_ytd x 100, 个百分点; the rows add
    up to the park's growth), share_pct (ytd / park total ytd x 100). Sorted by contribution, descending.
    """
    _check(measure, basis)
    join, cur = _deflated(basis)
    df = query(con, f"""
        WITH r AS ({_rows_sql(measure)}),
        s AS (SELECT r.sector, sum({cur}) AS ytd, sum(r.prev) AS prev_ytd
              FROM r {join} WHERE r.period = ? GROUP BY r.sector)
        SELECT sector, ytd, prev_ytd,
               (ytd - prev_ytd) / nullif(sum(prev_ytd) OVER (), 0) * 100 AS contribution_pp,
               ytd / nullif(sum(ytd) OVER (), 0) * 100 AS share_pct
        FROM s ORDER BY contribution_pp DESC NULLS LAST, sector""", [month_of(period)])
    df["growth_pct"] = (df["ytd"] / df["prev_ytd"].where(df["prev_ytd"] != 0) - 1) * 100
    return df[["sector", "ytd", "prev_ytd", "growth_pct", "contribution_pp", "share_pct"]]


def month_of(period) -> date:
    """Any date in the period's month -> the first day of that month (how periods are stored)."""
    p = as_date(period)
    return p.replace(day=1)


def _enterprise_frame(con, period, sector, measure="value_added") -> pd.DataFrame:
    return query(con, f"""
        WITH r AS ({_rows_sql(measure)}),
        s AS (SELECT uscc, name, sector, cur AS ytd, prev AS prev_ytd FROM r
              WHERE period = ? AND (CAST(? AS VARCHAR) IS NULL OR sector = ?))
        SELECT uscc, name, sector, ytd, prev_ytd, ytd - prev_ytd AS change_wan,
               CASE WHEN prev_ytd <> 0 THEN (ytd / prev_ytd - 1) * 100 END AS growth_pct,
               (ytd - prev_ytd) / nullif(sum(prev_ytd) OVER (), 0) * 100 AS contribution_pp
        FROM s""", [month_of(period), sector, sector])


def enterprise_contribution(con: duckdb.DuckDBPyConnection, period: date, n: int = 10,
                            sector: str | None = None, measure: str = "value_added") -> pd.DataFrame:
    """The enterprises that pull period P's growth up most and down most.

    One row per enterprise: uscc, name, sector, ytd, prev_ytd (万元), growth_pct (percent, NaN when
    the prior value is 0), contribution_pp (拉动, 个百分点, relative to the prior total of the
    selected scope: the park, or `sector` when given), direction ('拉动' or '拖累').
    The n largest positive contributions first (descending), then the n most negative (ascending).
    """
    df = _enterprise_frame(con, period, sector, measure)
    up = df[df["contribution_pp"] > 0].sort_values(["contribution_pp", "uscc"], ascending=[False, True]).head(n)
    down = df[df["contribution_pp"] < 0].sort_values(["contribution_pp", "uscc"]).head(n)
    up = up.assign(direction="拉动")
    down = down.assign(direction="拖累")
    out = pd.concat([up, down], ignore_index=True)
    return out[["uscc", "name", "sector", "ytd", "prev_ytd", "growth_pct", "contribution_pp", "direction"]]


def movers(con: duckdb.DuckDBPyConnection, period: date, n: int = 10, sector: str | None = None,
           measure: str = "value_added") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(growing, shrinking): the n enterprises whose ytd rose most and fell most in 万元 against the
    same months a year earlier. One row per enterprise: uscc, name, sector, ytd, prev_ytd,
    change_wan (ytd - prev_ytd, 万元), growth_pct (percent; NaN when the prior value is 0).
    growing is sorted by change descending (only rises), shrinking ascending (only falls)."""
    df = _enterprise_frame(con, period, sector, measure)
    cols = ["uscc", "name", "sector", "ytd", "prev_ytd", "change_wan", "growth_pct"]
    growing = df[df["change_wan"] > 0].sort_values(["change_wan", "uscc"], ascending=[False, True]).head(n)
    shrinking = df[df["change_wan"] < 0].sort_values(["change_wan", "uscc"]).head(n)
    return growing[cols].reset_index(drop=True), shrinking[cols].reset_index(drop=True)


def periods(con: duckdb.DuckDBPyConnection) -> list[date]:
    """Every cumulative period (end month, ascending) present in the industrial table, January excluded."""
    rows = con.execute("SELECT DISTINCT period FROM industrial WHERE month(period) > 1 ORDER BY period").fetchall()
    return [r[0] for r in rows]


@dataclass(frozen=True)
class GapDecomposition:
    """Why the official rate and the enterprise figures differ for one cumulative period, as the park's
    statisticians explain it (all rates percent, effects 个百分点, money 万元).

    official_pct: the statistics office's rate (可比价), None when not loaded; current_pct: the
    enterprise same-sample rate at current prices (现价); comparable_pct: the same deflated by the
    price index (可比价), None without an index; price_index (上年同期=100); price_effect_pp =
    current_pct - comparable_pct (价格因素).
    entrants: enterprises of the period's list with no prior-year figure (新纳入规上, counted from
    zero: their whole value added counts as growth), one row each: uscc, name, sector, ytd (万元),
    effect_pp (ytd / the list's prior total x 100, on the comparable basis when an index is loaded,
    else current); entrants_pp: their sum; without_entrants_pct: the rate of the rest, same basis.
    leavers: enterprises in the same period's list a year earlier that are not in this one (退出规上),
    one row each: uscc, name, sector, prev_list_ytd (their value added in last year's list, 万元);
    leavers_wan: its sum; leavers_known: False when last year's period is not loaded (then the lists
    are empty because they cannot be told, not because there are none). Leavers are in neither sum of
    the same-sample rate; against last year's list total (which they were in) the current-price
    change would be vs_last_list_pct.
    residual_pp: official_pct - comparable_pct (both 可比价): what the enterprise figures cannot explain
    (the office's own deflators, revisions, enterprises it counts differently); None without a price
    index, since a 现价 rate is never set against the official 可比价 one.
    """

    period: date
    label: str
    official_pct: float | None
    current_pct: float | None
    comparable_pct: float | None
    price_index: float | None
    price_effect_pp: float | None
    entrants: pd.DataFrame
    entrants_pp: float | None
    without_entrants_pct: float | None
    entrants_basis: str
    leavers: pd.DataFrame
    leavers_wan: float
    leavers_known: bool
    vs_last_list_pct: float | None
    residual_pp: float | None


def gap_decomposition(con: duckdb.DuckDBPyConnection, period: date) -> GapDecomposition:
    """The official vs enterprise gap of value added for `period` (any date in its month), see
    GapDecomposition. Enterprise rates are those of growth_series; names as in the industrial list."""
    p = month_of(period)
    rows = query(con, f"""
        WITH r AS ({_rows_sql('value_added')})
        SELECT r.uscc, r.name, r.sector, r.cur, r.prev, pi.price_index
        FROM r LEFT JOIN price_index pi ON pi.period = r.period WHERE r.period = ?""", [p])
    off = official_growth(con)
    off = off[off["period"] == p]
    official = _r1(off["growth_pct"].iloc[0]) if len(off) else None
    cur_sum, prev_sum = float(rows["cur"].sum()), float(rows["prev"].sum())
    index = none_if_nan(rows["price_index"].dropna().iloc[0]) if rows["price_index"].notna().any() else None
    deflator = index / 100.0 if index else None

    def rate(cur: float, prev: float):
        return None if prev == 0 else (cur / prev - 1) * 100

    current = rate(cur_sum, prev_sum)
    comparable = rate(cur_sum / deflator, prev_sum) if deflator else None
    basis = "comparable" if deflator else "current"
    scale = deflator or 1.0
    new = rows[rows["prev"] == 0].copy()
    new["ytd"] = new["cur"]
    new["effect_pp"] = new["cur"] / scale / prev_sum * 100 if prev_sum else float("nan")
    new = new.sort_values(["ytd", "uscc"], ascending=[False, True])[["uscc", "name", "sector", "ytd", "effect_pp"]]
    entrants_pp = float(new["effect_pp"].sum()) if prev_sum else None
    rest = rows[rows["prev"] != 0]
    without = rate(float(rest["cur"].sum()) / scale, float(rest["prev"].sum())) if len(rest) else None
    last_p = date(p.year - 1, p.month, 1)
    last = query(con, f"WITH r AS ({_rows_sql('value_added')}) SELECT uscc, name, sector, cur FROM r WHERE period = ?",
                 [last_p])
    known = len(last) > 0
    left = last[~last["uscc"].isin(rows["uscc"])].rename(columns={"cur": "prev_list_ytd"})
    left = left.sort_values(["prev_list_ytd", "uscc"], ascending=[False, True]).reset_index(drop=True)
    vs_last = rate(cur_sum, float(last["cur"].sum())) if known else None
    return GapDecomposition(
        period=p, label=period_labels(pd.Series([p])).iloc[0], official_pct=official,
        current_pct=_r1(current), comparable_pct=_r1(comparable), price_index=index,
        price_effect_pp=_diff1(_r1(current), _r1(comparable)),
        entrants=new.reset_index(drop=True), entrants_pp=_r1(entrants_pp), without_entrants_pct=_r1(without),
        entrants_basis=basis, leavers=left[["uscc", "name", "sector", "prev_list_ytd"]],
        leavers_wan=float(left["prev_list_ytd"].sum()), leavers_known=known, vs_last_list_pct=_r1(vs_last),
        residual_pp=None if official is None or comparable is None else _diff1(official, _r1(comparable)))
