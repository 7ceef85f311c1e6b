"""产业结构: the park's sectors' shares by entities, registered capital, value added and project investment.

Every table's `sector` is the effective park sector (schema.SECTORS, from the
editable mapping file when the source names none). At date D:
- entities: entities alive at D (户); capital_wan: their registered capital (万元);
- value_added_wan: 工业增加值 本年累计 of the latest cumulative period whose month has
  ended by D in D's year (the latest earlier one when D's year has none), 万元;
- investment_wan: planned investment of projects signed this year to D (万元).
Shares are percent of the park total of each measure.
"""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from analytics.metrics._common import as_date, one_year_before, query
from analytics.metrics.entities import ALIVE_SQL
from analytics.schema import SECTORS

MEASURES = {"entities": "市场主体数", "capital_wan": "注册资本", "value_added_wan": "规上工业增加值",
            "investment_wan": "签约项目投资"}


def industrial_period_at(con: duckdb.DuckDBPyConnection, as_of: date) -> date | None:
    """The latest cumulative period (not January alone) whose month has ended by as_of, in as_of's
    year; the latest earlier one when that year has none; None when there is none."""
    d = as_date(as_of)
    rows = con.execute("SELECT DISTINCT period FROM industrial WHERE month(period) > 1 AND last_day(period) <= ? "
                       "ORDER BY period DESC", [d]).fetchall()
    if not rows:
        return None
    same_year = [r[0] for r in rows if r[0].year == d.year]
    return same_year[0] if same_year else rows[0][0]


def sector_shares(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    """One row per sector of SECTORS (always six). Columns: sector, entities (户), entities_share_pct,
    capital_wan (万元), capital_share_pct, value_added_wan (万元), value_added_share_pct,
    investment_wan (万元), investment_share_pct; plus attrs['value_added_period'] (date or None)."""
    d = as_date(as_of)
    period = industrial_period_at(con, d)
    df = query(con, f"""
        WITH e AS (SELECT sector, count(*) AS entities, coalesce(sum(registered_capital), 0) AS capital_wan
                   FROM entities WHERE {ALIVE_SQL} GROUP BY sector),
        i AS (SELECT sector, sum(value_added_ytd) AS value_added_wan FROM industrial WHERE period = ? GROUP BY sector),
        p AS (SELECT sector, coalesce(sum(investment), 0) AS investment_wan FROM projects
              WHERE signed_on >= ? AND signed_on <= ? GROUP BY sector),
        s AS (SELECT unnest(?) AS sector)
        SELECT s.sector, coalesce(e.entities, 0) AS entities, coalesce(e.capital_wan, 0) AS capital_wan,
               coalesce(i.value_added_wan, 0) AS value_added_wan, coalesce(p.investment_wan, 0) AS investment_wan
        FROM s LEFT JOIN e USING (sector) LEFT JOIN i USING (sector) LEFT JOIN p USING (sector)""",
               [d, d, period, date(d.year, 1, 1), d, list(SECTORS)])
    df = pd.DataFrame({"sector": list(SECTORS)}).merge(df, on="sector", how="left")
    df["entities"] = df["entities"].astype("int64")
    out = df[["sector"]].copy()
    for m in MEASURES:
        total = df[m].sum()
        share_col = ("entities" if m == "entities" else m.removesuffix("_wan")) + "_share_pct"
        out[m] = df[m]
        out[share_col] = df[m] / total * 100 if total else 0.0
    out.attrs["value_added_period"] = period
    return out


def share_shift(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    """How each sector's share moved over a year: long format, one row per (sector, measure).

    Columns: sector, measure (entities / capital_wan / value_added_wan / investment_wan),
    measure_label (Chinese), share_pct (at as_of), share_year_ago_pct (at as_of minus one year,
    same definitions), change_pp (个百分点). A measure with no data at one of the two dates has no
    share there (NaN) and no change: a share does not move from or to nothing."""
    d = as_date(as_of)
    now, ago = sector_shares(con, d), sector_shares(con, one_year_before(d))
    nan = float("nan")
    rows = []
    for m, label in MEASURES.items():
        share_col = ("entities" if m == "entities" else m.removesuffix("_wan")) + "_share_pct"
        has_now, has_ago = bool(now[m].sum()), bool(ago[m].sum())
        for s, a, b in zip(now["sector"], now[share_col], ago[share_col]):
            a = float(a) if has_now else nan
            b = float(b) if has_ago else nan
            rows.append({"sector": s, "measure": m, "measure_label": label, "share_pct": a,
                         "share_year_ago_pct": b, "change_pp": a - b})
    return pd.DataFrame(rows)
