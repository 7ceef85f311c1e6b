"""DuckDB store: one table per dataset, the import log, import batches, rollback.

Tables (DDL derived from analytics.schema, never written by hand):
  <dataset table>         current rows: the dataset's fields + extra columns + _batch_id
  <dataset table>__prev   rows replaced or removed by a later batch (_batch_id, _replaced_by)
  import_log              one row per imported sheet or rollback
  meta                    key/value (sector mapping fingerprint)
"""
from __future__ import annotations

import os
from pathlib import Path

import duckdb

from analytics.schema import DATASETS, Dataset

DEFAULT_DB_PATH = Path(__file__).resolve().parent.parent / "data" / "park.duckdb"
DB_ENV_VAR = "PARK_DB"


def default_db_path() -> str:
    """The database the CLI and the dashboard open: $PARK_DB, else data/park.duckdb."""
    return os.environ.get(DB_ENV_VAR) or str(DEFAULT_DB_PATH)


def table_columns(ds: Dataset) -> list[tuple[str, str]]:
    """(column, SQL type) of a dataset's table, in order, without the bookkeeping columns."""
    cols = [(f.name, f.sql_type) for f in ds.fields]
    cols += [c for c in ds.extra_columns if c[0] not in {n for n, _ in cols}]
    return cols


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table if missing (idempotent)."""
    for ds in DATASETS.values():
        cols = ", ".join(f'"{n}" {t}' for n, t in table_columns(ds))
        con.execute(f'CREATE TABLE IF NOT EXISTS "{ds.table}" ({cols}, _batch_id BIGINT)')
        con.execute(f'CREATE TABLE IF NOT EXISTS "{ds.table}__prev" ({cols}, _batch_id BIGINT, '
                    f'_replaced_by BIGINT)')
    con.execute("CREATE SEQUENCE IF NOT EXISTS import_batch_seq START 1")
    con.execute("""
        CREATE TABLE IF NOT EXISTS import_log (
            batch_id BIGINT, kind VARCHAR, file_name VARCHAR, sha256 VARCHAR, sheet VARCHAR,
            dataset VARCHAR, rows_read BIGINT, rows_new BIGINT, rows_updated BIGINT,
            rows_unchanged BIGINT, rows_removed BIGINT, rows_skipped BIGINT, warnings BIGINT,
            imported_at TIMESTAMP, imported_by VARCHAR, rolled_back_by BIGINT, note VARCHAR)""")
    con.execute("CREATE TABLE IF NOT EXISTS import_problems (batch_id BIGINT, level VARCHAR, file VARCHAR, "
                "sheet VARCHAR, row BIGINT, \"column\" VARCHAR, value VARCHAR, message VARCHAR)")
    con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")


def connect(path: str | os.PathLike | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and create the schema of) the store at `path` (default: default_db_path(); ':memory:' works)."""
    path = str(path or default_db_path())
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(path, read_only=read_only)
    if not read_only:
        create_schema(con)
    return con
