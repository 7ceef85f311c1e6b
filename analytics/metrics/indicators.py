"""经济运行: the rest of the official indicator table (固定资产投资, 社会消费品零售总额, 规上工业总产值,
营业收入 …): each indicator's cumulative value and official growth, and its 1-N月 series.

Definitions: rows are matched by their name reduced with growth.indicator_core ('一、固定资产投资（万元）'
-> 固定资产投资); the period is the end month of the cumulative period; a period counts at as_of when
its month has ended by as_of (1-5月 from 31 May). 规上工业增加值 has its own section (growth) and is left
out here, and so are new registrations (市场主体 page). Values are in the row's own unit (计量单位, not converted); growth in percent; changes of a
rate in 个百分点. Where the table carries the city's or zone's figure beside the park's (a 全市 / 全区
column: fields region_value_ytd / region_growth_pct, and the table's word for the region in `region`) it
is shown beside.
"""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from analytics.metrics import growth
from analytics.metrics._common import as_date, month_end, period_labels, query

ORDER = ("规上工业总产值", "规上工业营业收入", "营业收入", "固定资产投资", "社会消费品零售总额")
# the headline rate has its own section, new registrations are on 市场主体
LEFT_OUT = ("规上工业增加值", "规模以上工业增加值", "新登记市场主体", "新设市场主体", "新增市场主体")
REGION_COLUMNS = ("region_value_ytd", "region_growth_pct")
TABLE_COLUMNS = ["indicator", "unit", "period", "label", "value_ytd", "growth_pct", "prev_label", "change_pp",
                 "region_value_ytd", "region_growth_pct", "region"]


def _frame(con) -> pd.DataFrame:
    have = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                      "WHERE table_name = 'indicators'").fetchall()}
    extra = "".join(f", {c}" if c in have else f", NULL::DOUBLE AS {c}" for c in REGION_COLUMNS)
    extra += ", region" if "region" in have else ", NULL::VARCHAR AS region"
    df = query(con, f"SELECT indicator, unit, period, value_ytd, growth_pct{extra} FROM indicators "
                    f"WHERE month(period) > 1 ORDER BY period")
    if df.empty:
        return df.assign(core=pd.Series(dtype=str))
    df["core"] = [growth.indicator_core(n)[0] for n in df["indicator"]]
    left_out = {growth.indicator_core(n)[0] for n in LEFT_OUT}
    df = df[~df["core"].isin(left_out)]
    df["period"] = pd.to_datetime(df["period"]).dt.date
    return df


def indicator_table(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    """One row per indicator of the table (规上工业增加值 aside) at its latest cumulative period of as_of's
    year ended by as_of, in ORDER then as written. Columns TABLE_COLUMNS: indicator (core name), unit,
    period (date), label ('1-5月'), value_ytd (row's unit), growth_pct (percent), prev_label and change_pp
    (growth against the previous period of the year, 个百分点; None for the first), region_value_ytd /
    region_growth_pct (全市/全区 figure when the table has one, else None), region (the table's own word for
    that region: 全市, 全区 …; None without). Empty when the year has none."""
    d = as_date(as_of)
    df = _frame(con)
    if df.empty:
        return pd.DataFrame(columns=TABLE_COLUMNS)
    df = df[[p.year == d.year and month_end(p) <= d for p in df["period"]]]
    rows = []
    for core, g in df.groupby("core", sort=False):
        g = g.sort_values("period").drop_duplicates("period", keep="first")
        last = g.iloc[-1]
        prev = g.iloc[-2] if len(g) > 1 else None
        change = None
        if prev is not None and pd.notna(last["growth_pct"]) and pd.notna(prev["growth_pct"]):
            change = float(last["growth_pct"]) - float(prev["growth_pct"])
        rows.append({"indicator": core, "unit": last["unit"], "period": last["period"],
                     "label": period_labels(pd.Series([last["period"]])).iloc[0],
                     "value_ytd": last["value_ytd"], "growth_pct": last["growth_pct"],
                     "prev_label": None if prev is None else period_labels(pd.Series([prev["period"]])).iloc[0],
                     "change_pp": change, "region_value_ytd": last["region_value_ytd"],
                     "region_growth_pct": last["region_growth_pct"], "region": last["region"]})
    out = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    rank = {n: i for i, n in enumerate(ORDER)}
    out = out.assign(_o=[rank.get(n, len(ORDER)) for n in out["indicator"]]).sort_values("_o", kind="stable")
    return out.drop(columns="_o").reset_index(drop=True)


def indicator_series(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    """The 1-N月 series of as_of's year for every indicator of indicator_table: long format, one row per
    (indicator, period ended by as_of). Columns: indicator, period (date), label ('1-2月' …), unit,
    value_ytd, growth_pct, region_growth_pct."""
    d = as_date(as_of)
    cols = ["indicator", "period", "label", "unit", "value_ytd", "growth_pct", "region_growth_pct"]
    df = _frame(con)
    if df.empty:
        return pd.DataFrame(columns=cols)
    df = df[[p.year == d.year and month_end(p) <= d for p in df["period"]]]
    df = df.sort_values(["core", "period"]).drop_duplicates(["core", "period"], keep="first")
    df = df.assign(indicator=df["core"], label=period_labels(df["period"]) if len(df) else [])
    rank = {n: i for i, n in enumerate(ORDER)}
    df = df.assign(_o=[rank.get(n, len(ORDER)) for n in df["indicator"]]).sort_values(["_o", "period"])
    return df[cols].reset_index(drop=True)
