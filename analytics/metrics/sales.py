"""助企帮销: the sales-assistance campaign ("强营销、拓市场、促发展", since July 2024).

The store holds each ledger row once (a re-uploaded ledger adds only its new
rows), so every figure here is a plain sum of `amount` (万元) over sold_on.
"""
from __future__ import annotations

from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd

from analytics.fmt import round_half_up
from analytics.metrics._common import add_months, as_date, query, scalar

MILESTONES = (
    ("特色产品展销中心开业", date(2024, 12, 9)),
    ("大通店开业", date(2025, 5, 10)),
    ("展销会", date(2025, 5, 24)),
)
DIMENSIONS = {"channel": "帮销渠道", "enterprise": "企业名称", "product": "产品名称", "event": "活动名称"}
UNSPECIFIED = "未注明"
OTHER = "其他"  # the row that sums the values after the top ones
DAYS_PER_MONTH = 365.25 / 12  # a month-equivalent for daily rates


def total(con: duckdb.DuckDBPyConnection, as_of: date, since: date | None = None) -> float:
    """Sales helped (万元) with sold_on <= as_of, and >= since when given."""
    v = scalar(con, "SELECT coalesce(sum(amount), 0) FROM sales WHERE sold_on <= ? "
                    "AND (CAST(? AS DATE) IS NULL OR sold_on >= ?)", [as_date(as_of), since, since])
    return float(v)


def monthly(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    """One row per calendar month from the first sale's month to as_of's month (months without sales: 0).

    Columns: month (date, first day), month_key ('YYYY-MM'), amount_wan (万元 in the month up to as_of),
    cumulative_wan (running total, 万元)."""
    d = as_date(as_of)
    df = query(con, "SELECT date_trunc('month', sold_on)::DATE AS month, sum(amount) AS amount_wan "
                    "FROM sales WHERE sold_on <= ? GROUP BY 1 ORDER BY 1", [d])
    cols = ["month", "month_key", "amount_wan", "cumulative_wan"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    first = pd.Timestamp(df["month"].iloc[0]).date()
    n = (d.year - first.year) * 12 + d.month - first.month + 1
    months = [add_months(first, i) for i in range(n)]
    amounts = {pd.Timestamp(m).date(): float(a) for m, a in zip(df["month"], df["amount_wan"])}
    out = pd.DataFrame({"month": months, "amount_wan": [amounts.get(m, 0.0) for m in months]})
    out["month_key"] = [f"{m.year:04d}-{m.month:02d}" for m in months]
    out["cumulative_wan"] = out["amount_wan"].cumsum()
    return out[cols]


def by_dimension(con: duckdb.DuckDBPyConnection, as_of: date, dim: str = "channel",
                 top: int | None = None, since: date | None = None) -> pd.DataFrame:
    """Sales up to as_of (from `since` when given) by channel, enterprise, product or event.

    One row per value (blank -> '未注明'), largest first; with `top`, the rest (and a value itself
    named '其他') are summed in one last row '其他'. Columns: <dim> (the value), amount_wan (万元),
    share_pct (percent of the total), rows (ledger rows)."""
    if dim not in DIMENSIONS:
        raise ValueError(f"未知维度 “{dim}”；可用：{'、'.join(DIMENSIONS)}")
    df = query(con, f"""SELECT coalesce(nullif(trim("{dim}"), ''), ?) AS "{dim}", sum(amount) AS amount_wan,
               count(*) AS rows
        FROM sales WHERE sold_on <= ? AND (CAST(? AS DATE) IS NULL OR sold_on >= ?)
        GROUP BY 1 ORDER BY amount_wan DESC, 1""", [UNSPECIFIED, as_date(as_of), since, since])
    if top is not None and len(df) > top:
        # a value that is itself called 其他 joins the rest (one 其他 row, never two)
        named = df[df[dim] != OTHER]
        rest = pd.concat([named.iloc[top:], df[df[dim] == OTHER]])
        df = pd.concat([named.iloc[:top], pd.DataFrame({dim: [OTHER], "amount_wan": [rest["amount_wan"].sum()],
                                                         "rows": [rest["rows"].sum()]})], ignore_index=True)
    total_wan = df["amount_wan"].sum()
    df["share_pct"] = df["amount_wan"] / total_wan * 100 if total_wan else 0.0
    df["rows"] = df["rows"].astype("int64")
    return df[[dim, "amount_wan", "share_pct", "rows"]]


def milestone_effects(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    """Before/after each milestone of MILESTONES that falls on or before as_of.

    The campaign's timeline is cut at the milestones: "before" a milestone runs from the previous
    milestone (or the first sale) to the day before it, "after" from the milestone to the day before
    the next one (or to as_of). Each side is a month-equivalent rate: 万元 in the window / days x
    365.25/12, so windows of unequal length compare fairly.
    One row per milestone: milestone, date, before_start, before_days, before_wan_per_month,
    after_end, after_days, after_wan_per_month, change_pct (after / before - 1, percent; NaN when
    before is 0)."""
    d = as_date(as_of)
    cols = ["milestone", "date", "before_start", "before_days", "before_wan_per_month", "after_end",
            "after_days", "after_wan_per_month", "change_pct"]
    first = scalar(con, "SELECT min(sold_on) FROM sales WHERE sold_on <= ?", [d])
    ms = [(n, m) for n, m in MILESTONES if m <= d]
    if first is None or not ms:
        return pd.DataFrame(columns=cols)
    daily = query(con, "SELECT sold_on, sum(amount) AS a FROM sales WHERE sold_on <= ? GROUP BY 1", [d])
    days = pd.to_datetime(daily["sold_on"]).dt.date
    amounts = daily["a"].to_numpy()

    def window(a: date, b: date) -> tuple[int, float]:  # [a, b] inclusive
        n = (b - a).days + 1
        if n <= 0:
            return 0, np.nan
        s = float(amounts[((days >= a) & (days <= b)).to_numpy()].sum())
        return n, s / n * DAYS_PER_MONTH

    rows = []
    for i, (name, m) in enumerate(ms):
        b_start = min(first, m) if i == 0 else ms[i - 1][1]
        a_end = (ms[i + 1][1] - timedelta(days=1)) if i + 1 < len(ms) else d
        bd, bv = window(b_start, m - timedelta(days=1))
        ad, av = window(m, a_end)
        change = (av / bv - 1) * 100 if bv and not np.isnan(bv) else np.nan
        rows.append([name, m, b_start, bd, bv, a_end, ad, av, change])
    return pd.DataFrame(rows, columns=cols)


def by_channel_dict(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[str, float]:
    """{channel: 万元} up to as_of, largest first, two decimals (for the summary)."""
    df = by_dimension(con, as_of, "channel")
    return {str(c): float(round_half_up(a, 2)) for c, a in zip(df["channel"], df["amount_wan"])}


MONTH_ONLY_MIN_ROWS = 2  # a channel is month-only when at least this many rows, all on the 1st of a month


def month_only_rows(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    """The rows dated by month only (the ledger gave '2025年5月', stored as the 1st), up to as_of.

    The store keeps no date precision, so a channel counts as month-only when all its rows (at least
    MONTH_ONLY_MIN_ROWS) fall on the 1st of a month. One row per such channel: channel, rows,
    amount_wan (万元), first_month, last_month (dates). Figures 'since a date' count each of these
    rows in full in the month it is dated, which callers disclose."""
    d = as_date(as_of)
    df = query(con, """
        SELECT coalesce(channel, ?) AS channel, count(*) AS rows, sum(amount) AS amount_wan,
               min(sold_on) AS first_month, max(sold_on) AS last_month
        FROM sales WHERE sold_on <= ? GROUP BY 1
        HAVING count(*) >= ? AND bool_and(day(sold_on) = 1)
        ORDER BY amount_wan DESC, channel""", [UNSPECIFIED, d, MONTH_ONLY_MIN_ROWS])
    for c in ("first_month", "last_month"):
        df[c] = pd.to_datetime(df[c]).dt.date
    df["rows"] = df["rows"].astype("int64")
    return df


def yoy(con: duckdb.DuckDBPyConnection, as_of: date) -> tuple[float, float]:
    """(万元 from 1 January of as_of's year to as_of, 万元 in the same days a year earlier), for 同比."""
    from analytics.metrics._common import one_year_before
    d = as_date(as_of)
    y = one_year_before(d)
    return total(con, d, date(d.year, 1, 1)), total(con, y, date(y.year, 1, 1))
