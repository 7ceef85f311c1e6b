"""市场主体: the stock of market entities, new and closed entities, mix by type and sector.

Definitions (../shared/DATA.md §1):
- An entity counts at date D (is "alive" at D) when established_on <= D and
  (closed_on is empty or closed_on > D). A closed entity without a closing date (a
  warning at import) still counts. The closing date of an entity whose status is 存续
  is not a closing date (CLOSED_SQL): registry exports carry 核准日期 (the latest
  approval, a closed_on synonym) for every entity, and DATA.md says closed_on is empty
  while alive; such an entity counts until its status changes.
- New in a window (start, end]: start < established_on <= end; "new in the last
  twelve months" at D: D minus one year < established_on <= D.
- Closed in a window (start, end]: start < closed_on <= end.
- The type is the normalised entity_type; when blank it comes from the credit
  code's first two characters (91 企业, 92 个体工商户, 93 农民专业合作社), else 企业.
Counts in 户, registered capital in 万元.
"""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from analytics.metrics._common import (
    add_months,
    as_date,
    month_end,
    month_start,
    one_year_before,
    quarter_start,
    scalar,
)
from analytics.metrics._common import query as _query
from analytics.schema import ENTITY_TYPES, SECTORS

# SQL expression: the entity type with the credit-code fallback
TYPE_SQL = ("coalesce(entity_type, CASE substr(uscc, 1, 2) WHEN '92' THEN '个体工商户' "
            "WHEN '93' THEN '农民专业合作社' ELSE '企业' END)")
# SQL expression: the effective closing date (none while the registry status is 存续)
CLOSED_SQL = "(CASE WHEN status = '存续' THEN NULL ELSE closed_on END)"
ALIVE_SQL = f"(established_on <= ? AND ({CLOSED_SQL} IS NULL OR {CLOSED_SQL} > ?))"
SECTOR_SQL = "(CAST(? AS VARCHAR) IS NULL OR sector = ?)"
FREQS = ("month", "quarter", "year")


def stock_at(con: duckdb.DuckDBPyConnection, as_of: date, sector: str | None = None) -> int:
    """Number of entities alive at as_of (户)."""
    d = as_date(as_of)
    return int(scalar(con, f"SELECT count(*) FROM entities WHERE {ALIVE_SQL} AND {SECTOR_SQL}",
                      [d, d, sector, sector]))


def new_in_window(con: duckdb.DuckDBPyConnection, start_exclusive: date, end_inclusive: date,
                  sector: str | None = None) -> int:
    """Entities established in (start_exclusive, end_inclusive] (户)."""
    return int(scalar(con, f"SELECT count(*) FROM entities WHERE established_on > ? AND established_on <= ? "
                           f"AND {SECTOR_SQL}",
                      [as_date(start_exclusive), as_date(end_inclusive), sector, sector]))


def closed_in_window(con: duckdb.DuckDBPyConnection, start_exclusive: date, end_inclusive: date,
                     sector: str | None = None) -> int:
    """Entities whose closing date (CLOSED_SQL) falls in (start_exclusive, end_inclusive] (户)."""
    return int(scalar(con, f"SELECT count(*) FROM entities WHERE {CLOSED_SQL} > ? AND {CLOSED_SQL} <= ? "
                           f"AND {SECTOR_SQL}",
                      [as_date(start_exclusive), as_date(end_inclusive), sector, sector]))


def new_12m(con: duckdb.DuckDBPyConnection, as_of: date, sector: str | None = None) -> int:
    """Entities established in the twelve months to as_of: (as_of - 1 year, as_of] (户)."""
    d = as_date(as_of)
    return new_in_window(con, one_year_before(d), d, sector)


def closed_12m(con: duckdb.DuckDBPyConnection, as_of: date, sector: str | None = None) -> int:
    """Entities closed in the twelve months to as_of: (as_of - 1 year, as_of] (户)."""
    d = as_date(as_of)
    return closed_in_window(con, one_year_before(d), d, sector)


MOVED_OUT_STATUS = "迁出"  # DATA.md: moved out of the park ends the count but is reported apart from closures


def endings_in_window(con: duckdb.DuckDBPyConnection, start_exclusive: date, end_inclusive: date,
                      sector: str | None = None) -> dict[str, int]:
    """Entities whose count ended in (start_exclusive, end_inclusive] (户), counted apart:
    {'cancelled': 注销、吊销 (and 撤销), 'moved_out': 迁出}; their sum is closed_in_window."""
    row = con.execute(f"""
        SELECT count(*) FILTER (WHERE status IS DISTINCT FROM ?), count(*) FILTER (WHERE status = ?)
        FROM entities WHERE {CLOSED_SQL} > ? AND {CLOSED_SQL} <= ? AND {SECTOR_SQL}""",
                      [MOVED_OUT_STATUS, MOVED_OUT_STATUS, as_date(start_exclusive), as_date(end_inclusive),
                       sector, sector]).fetchone()
    return {"cancelled": int(row[0]), "moved_out": int(row[1])}


def yoy_pct(now: float | None, before: float | None) -> float | None:
    """同比 in percent: (now / before - 1) x 100; None when either is missing or the base is 0."""
    if now is None or before is None or before == 0:
        return None
    return (now / before - 1) * 100


def _period_start(d: date, freq: str) -> date:
    """First day of d's month, quarter or year."""
    if freq == "year":
        return date(d.year, 1, 1)
    if freq == "quarter":
        return quarter_start(d)
    return month_start(d)


def _period_ends(start: date, end: date, freq: str) -> list[date]:
    """Last days of the months/quarters/years from start's to end's; the last one capped at end."""
    step = {"month": 1, "quarter": 3, "year": 12}[freq]
    first = _period_start(start, freq)
    ends = []
    cur = first
    while cur <= end:
        pe = month_end(add_months(cur, step - 1))
        ends.append(min(pe, end))
        cur = add_months(cur, step)
    return ends


def stock_series(con: duckdb.DuckDBPyConnection, start: date, end: date, freq: str = "month",
                 sector: str | None = None) -> pd.DataFrame:
    """One row per month/quarter/year from start's to end's (the last period ends at `end`).

    Columns: period_end (date, last day of the period or `end`), label ('2025年5月', '2025年二季度',
    '2025年'), stock (户 alive at period_end), new (established in the period), closed (closed in
    the period), net = new - closed. The first period starts on the first day of start's
    month/quarter/year.

    Computed in one scan: an entity alive at t has established_on <= t and not
    closed_on <= t; since closed_on <= t with established_on <= t is
    greatest(established_on, closed_on) <= t, the stock is a running count of
    established dates minus a running count of those greatest dates.
    """
    if freq not in FREQS:
        raise ValueError(f"未知频率 “{freq}”；可用：{'、'.join(FREQS)}")
    start, end = as_date(start), as_date(end)
    ends = _period_ends(start, end, freq)
    cols = ["period_end", "label", "stock", "new", "closed", "net"]
    if not ends:
        return pd.DataFrame(columns=cols)
    grid = pd.DataFrame({"period_end": ends})
    # aggregate by day in SQL, bucket the (few thousand) days in pandas with searchsorted
    days = _query(con, f"""
        WITH e AS (SELECT established_on AS est, {CLOSED_SQL} AS clo FROM entities
                   WHERE {SECTOR_SQL} AND established_on <= ?)
        SELECT 'est' AS kind, est AS d, count(*) AS n FROM e GROUP BY est
        UNION ALL SELECT 'gone', greatest(est, clo), count(*) FROM e WHERE clo <= ? GROUP BY 2
        UNION ALL SELECT 'clo', clo, count(*) FROM e WHERE clo <= ? GROUP BY 2""",
                 [sector, sector, end, end, end])
    first_start = _period_start(start, freq)
    ends_ts = pd.to_datetime(pd.Series(ends))
    d = pd.to_datetime(days["d"])
    days = days.assign(idx=ends_ts.searchsorted(d, side="left"))
    days.loc[d < pd.Timestamp(first_start), "idx"] = -1  # before the first period: only the opening stock
    piv = days.pivot_table(index="idx", columns="kind", values="n", aggfunc="sum", fill_value=0)
    piv = piv.reindex(index=range(-1, len(ends)), columns=["est", "gone", "clo"], fill_value=0)
    cum_est = piv["est"].cumsum()
    cum_gone = piv["gone"].cumsum()
    out = grid.copy()
    out["stock"] = (cum_est - cum_gone).loc[0:].to_numpy().astype("int64")
    out["new"] = piv["est"].loc[0:].to_numpy().astype("int64")
    out["closed"] = piv["clo"].loc[0:].to_numpy().astype("int64")
    out["net"] = out["new"] - out["closed"]
    out["label"] = [_freq_label(pe, freq) for pe in ends]
    return out[cols]


def _freq_label(pe: date, freq: str) -> str:
    if freq == "year":
        return f"{pe.year}年"
    if freq == "quarter":
        return f"{pe.year}年{'一二三四'[(pe.month - 1) // 3]}季度"
    return f"{pe.year}年{pe.month}月"


def type_mix(con: duckdb.DuckDBPyConnection, as_of: date, sector: str | None = None) -> pd.DataFrame:
    """Entities alive at as_of by type: always the three rows 企业, 个体工商户, 农民专业合作社.

    Columns: entity_type, count (户), share_pct (percent of the alive total; 0 when none)."""
    d = as_date(as_of)
    df = _query(con, f"SELECT {TYPE_SQL} AS entity_type, count(*) AS count FROM entities "
                    f"WHERE {ALIVE_SQL} AND {SECTOR_SQL} GROUP BY 1", [d, d, sector, sector])
    out = pd.DataFrame({"entity_type": list(ENTITY_TYPES)}).merge(df, on="entity_type", how="left")
    out["count"] = out["count"].fillna(0).astype("int64")
    total = out["count"].sum()
    out["share_pct"] = out["count"] / total * 100 if total else 0.0
    return out


def sector_mix(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    """Entities alive at as_of by park sector: one row per sector of schema.SECTORS (always all six).

    Columns: sector, count (户), share_pct (percent of alive entities), capital_wan (registered
    capital, 万元; blanks count as 0)."""
    d = as_date(as_of)
    df = _query(con, f"SELECT sector, count(*) AS count, coalesce(sum(registered_capital), 0) AS capital_wan "
                    f"FROM entities WHERE {ALIVE_SQL} GROUP BY sector", [d, d])
    out = pd.DataFrame({"sector": list(SECTORS)}).merge(df, on="sector", how="left")
    out["count"] = out["count"].fillna(0).astype("int64")
    out["capital_wan"] = out["capital_wan"].fillna(0.0)
    total = out["count"].sum()
    out["share_pct"] = out["count"] / total * 100 if total else 0.0
    return out[["sector", "count", "share_pct", "capital_wan"]]


def new_by_month(con: duckdb.DuckDBPyConnection, as_of: date, months: int = 12,
                 sector: str | None = None) -> pd.DataFrame:
    """New entities per calendar month for the `months` months ending with as_of's month.

    One row per month (ascending): month ('YYYY-MM'), new (established in that month up to as_of,
    so the last month is month-to-date), new_prev_year (the same month a year earlier, up to
    as_of - 1 year for the last month, so both are to the same day), yoy_pct (percent, NaN when
    the prior month had none)."""
    d = as_date(as_of)
    first = add_months(d, -(months - 1))
    prev_first, prev_end = add_months(first, -12), one_year_before(d)
    df = _query(con, f"""
        SELECT date_trunc('month', established_on)::DATE AS m, count(*) AS n FROM entities
        WHERE {SECTOR_SQL} AND ((established_on >= ? AND established_on <= ?)
                                OR (established_on >= ? AND established_on <= ?))
        GROUP BY 1""", [sector, sector, first, d, prev_first, prev_end])
    counts = {pd.Timestamp(m).date(): int(n) for m, n in zip(df["m"], df["n"])}
    rows = []
    for i in range(months):
        m = add_months(first, i)
        p = add_months(m, -12)
        new, prev = counts.get(m, 0), counts.get(p, 0)
        rows.append({"month": f"{m.year:04d}-{m.month:02d}", "new": new, "new_prev_year": prev,
                     "yoy_pct": (new / prev - 1) * 100 if prev else float("nan")})
    return pd.DataFrame(rows, columns=["month", "new", "new_prev_year", "yoy_pct"])


SEARCH_COLUMNS = {
    "uscc": "统一社会信用代码", "name": "市场主体名称", "entity_type": "主体类型", "established_on": "成立日期",
    "status": "登记状态", "closed_on": "注销日期", "industry_code": "行业代码", "industry_name": "所属行业",
    "sector": "产业类别", "registered_capital": "注册资本（万元）",
}


def search_entities(con: duckdb.DuckDBPyConnection, as_of: date, query: str = "", sector: str | None = None,
                    entity_type: str | None = None, alive_only: bool = True, limit: int = 500) -> pd.DataFrame:
    """Entities whose name or credit code contains `query` (case-insensitive; '' = all).

    One row per entity, newest first, at most `limit` rows, with Chinese column names
    (SEARCH_COLUMNS values) ready for a table; 登记状态 is '存续' or the closing status as at as_of
    (an entity closed after as_of shows 存续). alive_only keeps entities alive at as_of.
    """
    q = query or ""
    d = as_date(as_of)
    pattern = "%" + q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    df = _query(con, f"""
        SELECT uscc, name, {TYPE_SQL} AS entity_type, established_on,
               CASE WHEN {CLOSED_SQL} IS NULL OR {CLOSED_SQL} > ? THEN '存续' ELSE coalesce(status, '注销') END
                   AS status,
               CASE WHEN {CLOSED_SQL} <= ? THEN closed_on END AS closed_on,
               industry_code, industry_name, sector, registered_capital
        FROM entities
        WHERE established_on <= ?
          AND (NOT ? OR {CLOSED_SQL} IS NULL OR {CLOSED_SQL} > ?)
          AND (name ILIKE ? ESCAPE '\\' OR uscc ILIKE ? ESCAPE '\\')
          AND {SECTOR_SQL} AND (CAST(? AS VARCHAR) IS NULL OR {TYPE_SQL} = ?)
        ORDER BY established_on DESC, uscc LIMIT ?""",
               [d, d, d, alive_only, d, pattern, pattern, sector, sector, entity_type, entity_type, int(limit)])
    return df.rename(columns=SEARCH_COLUMNS)
