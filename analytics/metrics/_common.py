"""Small helpers shared by the metrics modules (dates, query execution)."""
from __future__ import annotations

import calendar
import contextlib
import contextvars
import functools
from datetime import date, datetime

import duckdb
import pandas as pd

_SCOPE: contextvars.ContextVar[dict | None] = contextvars.ContextVar("metrics_memo", default=None)


@contextlib.contextmanager
def memo_scope():
    """Within the block, functions marked @scoped_memo compute once per (connection, arguments).

    For a job that reads one unchanging store many times (the briefing asks for the headline growth
    four times); outside a scope nothing is cached (the dashboard caches by data version itself)."""
    token = _SCOPE.set({})
    try:
        yield
    finally:
        _SCOPE.reset(token)


def scoped_memo(func):
    """Cache `func(con, *args)` inside memo_scope(); a DataFrame result is handed out as a copy."""
    @functools.wraps(func)
    def wrapper(con, *args, **kwargs):
        cache = _SCOPE.get()
        if cache is None:
            return func(con, *args, **kwargs)
        key = (func.__qualname__, id(con), args, tuple(sorted(kwargs.items())))
        if key not in cache:
            cache[key] = func(con, *args, **kwargs)
        hit = cache[key]
        return hit.copy() if isinstance(hit, pd.DataFrame) else hit
    return wrapper


def as_date(d) -> date:
    """date, datetime, pandas Timestamp or 'YYYY-MM-DD' -> date."""
    if isinstance(d, datetime):
        return d.date()
    if isinstance(d, date):
        return d
    if hasattr(d, "to_pydatetime"):
        return d.to_pydatetime().date()
    return date.fromisoformat(str(d)[:10])


def one_year_before(d: date) -> date:
    """The same calendar day a year earlier; 29 February -> 28 February."""
    d = as_date(d)
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


def month_start(d: date) -> date:
    d = as_date(d)
    return d.replace(day=1)


def month_end(d: date) -> date:
    d = as_date(d)
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def add_months(d: date, n: int) -> date:
    """First day of the month n months after d's month."""
    d = as_date(d)
    idx = d.year * 12 + (d.month - 1) + n
    return date(idx // 12, idx % 12 + 1, 1)


def quarter_start(d: date) -> date:
    d = as_date(d)
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def days_between(a: date, b: date) -> int:
    return (as_date(b) - as_date(a)).days


def query(con: duckdb.DuckDBPyConnection, sql: str, params: list | tuple = ()) -> pd.DataFrame:
    """Run `sql` with bound parameters on `con` and return a pandas DataFrame."""
    return con.execute(sql, list(params)).df()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | tuple = ()):
    row = con.execute(sql, list(params)).fetchone()
    return None if row is None else row[0]


def is_empty(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """True when `table` (a trusted table name from analytics.schema) has no rows."""
    return con.execute(f'SELECT NOT EXISTS (SELECT 1 FROM "{table}")').fetchone()[0]


def none_if_nan(x):
    """NaN/NA -> None, numpy scalars -> Python scalars (JSON-ready)."""
    if x is None:
        return None
    try:
        if pd.isna(x):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(x, "item"):
        return x.item()
    return x


def period_labels(periods: pd.Series) -> pd.Series:
    """Series of period dates -> '1-5月' labels ('1-2月' for February, '1月' for January alone)."""
    months = pd.to_datetime(periods).dt.month
    return months.map(lambda m: "1月" if m == 1 else f"1-{m}月")
