"""Data quality: what the store knows about its own gaps."""
from __future__ import annotations

import duckdb
import pandas as pd

from analytics.metrics._common import query
from analytics.schema import DATASETS

# dataset -> the column whose maximum is the dataset's "latest" date, and whether it is a period (month)
LATEST_COLUMN = {
    "entities": ("established_on", False), "industrial": ("period", True), "price_index": ("period", True),
    "indicators": ("period", True), "projects": ("signed_on", False), "sales": ("sold_on", False),
    "service_accounts": (None, False), "service_visits": ("visited_on", False),
}


def dataset_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per dataset of schema.DATASETS: dataset, label (Chinese), table, rows."""
    rows = []
    for ds in DATASETS.values():
        n = con.execute(f'SELECT count(*) FROM "{ds.table}"').fetchone()[0]
        rows.append({"dataset": ds.name, "label": ds.label, "table": ds.table, "rows": int(n)})
    return pd.DataFrame(rows)


def latest_periods(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per dataset: dataset, label, latest (date: latest period / date in the data, NaT when
    none or not dated), latest_text ('2025年1-5月' for periods, '2025年6月15日' for dates, '—'), rows."""
    from analytics import fmt
    out = []
    for ds in DATASETS.values():
        col, is_period = LATEST_COLUMN.get(ds.name, (None, False))
        n, latest = con.execute(
            f'SELECT count(*), {f"max({col})" if col else "NULL::DATE"} FROM "{ds.table}"').fetchone()
        text = fmt.MISSING if latest is None else (fmt.period_label(latest, with_year=True) if is_period
                                                    else fmt.date_cn(latest))
        out.append({"dataset": ds.name, "label": ds.label, "latest": latest, "latest_text": text, "rows": int(n)})
    return pd.DataFrame(out)


def gaps(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Missing months inside each series, one row per gap: dataset, label, month ('YYYY-MM'), note.

    industrial / indicators / price_index: a period from 1-2月 to the latest period of the same year
    with no rows (January alone never counts: it is reported with February); sales: a month between the
    first and last sale without any sale."""
    rows = []
    for name in ("industrial", "indicators", "price_index"):
        ds = DATASETS[name]
        df = query(con, f"""
            WITH p AS (SELECT DISTINCT period FROM "{ds.table}" WHERE month(period) > 1),
            y AS (SELECT year(period) AS y, min(period) AS lo, max(period) AS hi FROM p GROUP BY 1),
            g AS (SELECT unnest(generate_series(make_date(y, 2, 1), hi, INTERVAL 1 MONTH))::DATE AS m
                  FROM y)
            SELECT m FROM g WHERE m NOT IN (SELECT period FROM p) ORDER BY m""")
        for m in df["m"]:
            m = pd.Timestamp(m)
            rows.append({"dataset": name, "label": ds.label, "month": f"{m.year:04d}-{m.month:02d}",
                         "note": f"缺少{m.year}年1-{m.month}月数据"})
    df = query(con, """
        WITH m AS (SELECT DISTINCT date_trunc('month', sold_on)::DATE AS m FROM sales),
        g AS (SELECT unnest(generate_series(min(m), max(m), INTERVAL 1 MONTH))::DATE AS m FROM m HAVING count(*) > 0)
        SELECT m FROM g WHERE m NOT IN (SELECT m FROM m) ORDER BY m""")
    for m in df["m"]:
        m = pd.Timestamp(m)
        rows.append({"dataset": "sales", "label": DATASETS["sales"].label, "month": f"{m.year:04d}-{m.month:02d}",
                     "note": f"{m.year}年{m.month}月无帮销记录"})
    return pd.DataFrame(rows, columns=["dataset", "label", "month", "note"])


def entities_without_code(con: duckdb.DuckDBPyConnection, limit: int | None = None) -> pd.DataFrame:
    """Entities with no industry code (their sector falls back to the file's text or 其他): one row per
    entity, Chinese-ready columns uscc, name, sector, sector_raw; newest first."""
    sql = ("SELECT uscc, name, established_on, sector, sector_raw FROM entities "
           "WHERE industry_code IS NULL OR trim(industry_code) = '' ORDER BY established_on DESC, uscc")
    params: list = []
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return query(con, sql, params)


def import_warnings(con: duckdb.DuckDBPyConnection, limit: int = 200) -> pd.DataFrame:
    """Problems recorded by imports still in the store (batches not rolled back), newest batch first:
    batch_id, level, file, sheet, row, column, value, message; at most `limit` rows."""
    return query(con, """
        SELECT p.batch_id, p.level, p.file, p.sheet, p.row, p."column", p.value, p.message
        FROM import_problems p
        WHERE p.batch_id NOT IN (SELECT batch_id FROM import_log WHERE rolled_back_by IS NOT NULL AND batch_id IS NOT NULL)
        ORDER BY p.batch_id DESC, p.file, p.sheet, p.row LIMIT ?""", [int(limit)])


def summary(con: duckdb.DuckDBPyConnection) -> dict:
    """{dataset: rows} for every dataset, plus 'entities_without_code' and 'warnings' (problems of
    imports not rolled back) counts."""
    out = {r["dataset"]: r["rows"] for r in dataset_counts(con).to_dict("records")}
    out["entities_without_code"] = int(con.execute(
        "SELECT count(*) FROM entities WHERE industry_code IS NULL OR trim(industry_code) = ''").fetchone()[0])
    out["warnings"] = int(con.execute(
        "SELECT count(*) FROM import_problems WHERE batch_id NOT IN "
        "(SELECT batch_id FROM import_log WHERE rolled_back_by IS NOT NULL AND batch_id IS NOT NULL)").fetchone()[0])
    return out
