"""包保与企业服务 (三访三促): key accounts, visits, demands and how fast they are solved.

Definitions:
- A key account is a distinct 包保对象 (account name) in service_accounts; one
  account with two leaders counts once.
- A demand is a visit row with a demand text or a demand category, raised on
  visited_on. At date D it is resolved when its status is 已办结 and its
  resolved_on is empty or <= D; otherwise it is open at D.
- Days to resolve: resolved_on - visited_on, over resolved demands with both dates.
- Age of an open demand at D: D - visited_on (days), bucketed 30天以内 / 31-90天 / 90天以上.
- A leader's accounts "had a visit" in a quarter when any visit row to one of
  them (matched by account name) falls in [first day of the quarter, D].
"""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from analytics.metrics._common import as_date, quarter_start, query, scalar, scoped_memo
from analytics.schema import DEMAND_CATEGORIES, DEMAND_STATUSES, VISIT_TYPES

DEMAND_SQL = "(nullif(trim(demand), '') IS NOT NULL OR demand_category IS NOT NULL)"
AGE_BUCKETS = (("30天以内", 0, 30), ("31-90天", 31, 90), ("90天以上", 91, None))


def key_accounts(con: duckdb.DuckDBPyConnection) -> int:
    """Distinct 包保 accounts (个: enterprises and projects)."""
    return int(scalar(con, "SELECT count(DISTINCT trim(account)) FROM service_accounts"))


def accounts_per_leader(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per leader, most accounts first. Columns: leader, department (the most frequent),
    accounts (个), enterprises, projects (by account_type; blank types count in accounts only)."""
    return query(con, """SELECT leader, mode(department) AS department, count(DISTINCT account) AS accounts,
               count(DISTINCT account) FILTER (WHERE account_type = '企业') AS enterprises,
               count(DISTINCT account) FILTER (WHERE account_type = '项目') AS projects
        FROM service_accounts GROUP BY leader ORDER BY accounts DESC, leader""")


def visits_by_month(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    """Visits per month and visit type up to as_of: long format, one row per (month, visit_type) with
    every type of VISIT_TYPES for every month from the first visit to as_of's month
    (blank type -> '未注明', only where present). Columns: month ('YYYY-MM'), visit_type, visits (次)."""
    d = as_date(as_of)
    df = query(con, """SELECT strftime(visited_on, '%Y-%m') AS month, coalesce(visit_type, '未注明') AS visit_type,
               count(*) AS visits FROM service_visits WHERE visited_on <= ? GROUP BY 1, 2""", [d])
    if df.empty:
        return pd.DataFrame(columns=["month", "visit_type", "visits"])
    first = pd.Period(df["month"].min(), "M")
    months = [str(p) for p in pd.period_range(first, pd.Period(d, "M"), freq="M")]
    types = list(VISIT_TYPES) + sorted(set(df["visit_type"]) - set(VISIT_TYPES))
    grid = pd.MultiIndex.from_product([months, types], names=["month", "visit_type"]).to_frame(index=False)
    out = grid.merge(df, on=["month", "visit_type"], how="left")
    out["visits"] = out["visits"].fillna(0).astype("int64")
    return out


@scoped_memo   # the briefing reads it four times (counts, resolution, open demands)
def _demands_frame(con, as_of: date) -> pd.DataFrame:
    d = as_date(as_of)
    return query(con, f"""
        SELECT visited_on, account, leader, coalesce(demand_category, '其他') AS demand_category, demand,
               CASE WHEN demand_status = '已办结' AND (resolved_on IS NULL OR resolved_on <= ?) THEN '已办结'
                    WHEN demand_status = '已办结' THEN '办理中'
                    ELSE coalesce(demand_status, '未办理') END AS demand_status,
               CASE WHEN demand_status = '已办结' AND resolved_on <= ? THEN resolved_on END AS resolved_on,
               CAST(? AS DATE) - visited_on AS age_days
        FROM service_visits WHERE visited_on <= ? AND {DEMAND_SQL}""", [d, d, d, d])


def demands(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    """Demands raised up to as_of by category and status at as_of: one row per category of
    DEMAND_CATEGORIES (blank -> 其他), columns category, then one count column per status of
    DEMAND_STATUSES (已办结, 办理中, 未办理; a 已办结 whose resolved_on is after as_of counts 办理中),
    then total (件)."""
    df = _demands_frame(con, as_of)
    tab = pd.crosstab(df["demand_category"], df["demand_status"]) if len(df) else pd.DataFrame()
    tab = tab.reindex(index=list(DEMAND_CATEGORIES), columns=list(DEMAND_STATUSES), fill_value=0).fillna(0)
    tab = tab.astype("int64")
    tab["total"] = tab.sum(axis=1)
    tab.index.name = "category"
    tab.columns.name = None
    return tab.reset_index()


def resolution(con: duckdb.DuckDBPyConnection, as_of: date) -> tuple[float | None, float | None]:
    """(share of demands raised up to as_of that are resolved at as_of, percent;
    median days from visit to resolution over resolved demands with both dates). None when no demand."""
    df = _demands_frame(con, as_of)
    if df.empty:
        return None, None
    resolved = df[df["demand_status"] == "已办结"]
    share = len(resolved) / len(df) * 100
    days = (pd.to_datetime(resolved["resolved_on"]) - pd.to_datetime(resolved["visited_on"])).dt.days.dropna()
    return share, (float(days.median()) if len(days) else None)


def open_demands(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    """Demands open at as_of, oldest first: one row per demand.
    Columns: visited_on, account, leader, demand_category, demand, demand_status, age_days (days since
    the visit), age_bucket (30天以内 / 31-90天 / 90天以上)."""
    df = _demands_frame(con, as_of)
    df = df[df["demand_status"] != "已办结"].drop(columns="resolved_on")
    age = df["age_days"].astype("int64")

    def bucket(a: int) -> str:
        for label, lo, hi in AGE_BUCKETS:
            if a >= lo and (hi is None or a <= hi):
                return label
        return AGE_BUCKETS[0][0]
    df = df.assign(age_days=age, age_bucket=[bucket(a) for a in age])
    return df.sort_values(["age_days", "account"], ascending=[False, True]).reset_index(drop=True)


def open_by_age(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    """Open demands at as_of per age bucket: always three rows. Columns: age_bucket, demands (件)."""
    df = open_demands(con, as_of)
    counts = df["age_bucket"].value_counts()
    return pd.DataFrame({"age_bucket": [b[0] for b in AGE_BUCKETS],
                         "demands": [int(counts.get(b[0], 0)) for b in AGE_BUCKETS]})


def visits_start(con: duckdb.DuckDBPyConnection) -> date | None:
    """The first visit date in the visit ledger (the day it starts recording), None when empty."""
    v = scalar(con, "SELECT min(visited_on) FROM service_visits")
    return None if v is None else as_date(v)


def visit_coverage_note(con: duckdb.DuckDBPyConnection, as_of: date) -> str | None:
    """What the visit ledger can say about as_of's quarter: a sentence when it starts after as_of (no
    leader can be called unvisited) or inside the quarter (the quarter is counted from its start); None
    when it covers the whole quarter so far (or is empty)."""
    start = visits_start(con)
    d = as_date(as_of)
    if start is None:
        return None
    if start > d:
        return (f"走访台账自{start.year}年{start.month}月{start.day}日起记录，数据日期之前没有走访记录，"
                f"不据此判断各领导是否走访。")
    if start > quarter_start(d):
        return f"走访台账自{start.year}年{start.month}月{start.day}日起记录，本季度走访情况从该日起统计。"
    return None


ACCOUNTS_STATE_NOTE = "包保对象为包保名单的当前状态：名单不带日期，不随数据日期回溯"


def accounts_note(con: duckdb.DuckDBPyConnection, as_of: date) -> str | None:
    """ACCOUNTS_STATE_NOTE when as_of is before the data date of the latest import of the 包保 list, capped at
    the latest date the store's data records (summary.default_as_of): the list has no dates of its own, so
    the count shown is today's list, not that day's; else None."""
    try:
        v = scalar(con, """SELECT max(b.version_on) FROM batch_datasets b WHERE b.dataset = 'service_accounts'
                           AND b.batch_id IN (SELECT batch_id FROM import_log WHERE kind = 'import'
                                              AND rolled_back_by IS NULL)""")
    except duckdb.Error:
        v = None
    from analytics import summary
    latest = summary.default_as_of(con, today=as_date(v)) if v is not None else \
        scalar(con, "SELECT max(visited_on) FROM service_visits")
    # a list imported later than the data it goes with (import date as its date) is dated by the data
    return ACCOUNTS_STATE_NOTE if latest is not None and as_date(as_of) < as_date(latest) else None


def leaders_without_visit(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    """Leaders none of whose accounts had a visit in as_of's quarter so far ([quarter start, as_of]).
    One row per such leader: leader, accounts (个), last_visit (latest visit to any of their
    accounts up to as_of, NaT if never), quarter ('2025年二季度'). Empty when the visit ledger starts
    after as_of: before its first record nobody can be called unvisited (visit_coverage_note says so)."""
    d = as_date(as_of)
    qs = quarter_start(d)
    start = visits_start(con)
    if start is None or start > d:
        return pd.DataFrame({"leader": pd.Series(dtype=str), "accounts": pd.Series(dtype="int64"),
                             "last_visit": pd.Series(dtype="datetime64[us]"), "quarter": pd.Series(dtype=str)})
    df = query(con, """
        WITH a AS (SELECT DISTINCT leader, trim(account) AS account FROM service_accounts),
        v AS (SELECT trim(account) AS account, max(visited_on) AS last_visit,
                     max(visited_on) FILTER (WHERE visited_on >= ?) AS in_quarter
              FROM service_visits WHERE visited_on <= ? GROUP BY 1)
        SELECT a.leader, count(*) AS accounts, max(v.last_visit) AS last_visit
        FROM a LEFT JOIN v USING (account)
        GROUP BY a.leader HAVING count(v.in_quarter) = 0 ORDER BY a.leader""", [qs, d])
    df["quarter"] = f"{d.year}年{'一二三四'[(d.month - 1) // 3]}季度"
    return df
