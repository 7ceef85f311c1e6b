"""DuckDB store: one table per dataset, every import batch kept whole, exact rollback, dated versions.

Event-sourced: each import batch's full contribution (every row it carried, the rows skipped for an
error included, flagged) is kept: its rows still current in the dataset's table (`_batch_id`), the
others (replaced, left, re-sent unchanged, skipped) in `<dataset>__log`, never a (batch, key) in both.
The dataset's table is always the deterministic fold of the live (not rolled-back) batches in data-date
order (`batch_datasets.fold_on`, then batch id) under the merge rule each batch recorded in
`batch_datasets`. fold_on is the date the file states (in its name or a 截至 title); a file that states
none takes the latest fold_on of its dataset's live batches when it arrives (NULL for the first), so it
folds where it arrived and a dated file sent after it is never taken for older data. An import whose
stated date is on or after every live batch's fold_on applies one more fold step; one dated earlier
(last month's registry export, the May ledger sent after July's) is folded in at its date by a rebuild,
so newer data is never overwritten by older data that arrived later. A rollback marks the batch and
rebuilds the datasets it touched from the live batches, so it restores exactly the store without that
batch, whatever later batches re-sent. Derived columns (the sector
from data/sector_mapping.csv) are recomputed after every rebuild.

Merge rules (a fold step; K = the dataset's key, for ledgers the row key below):
  upsert   (merge="snapshot") rows of the upload replace the stored rows of the same key; others stay
  replace  (merge="snapshot", `Dataset.versioned`: the project ledger, sent whole; default) the upload is
           the new state: stored rows whose key it lacks leave (a skipped row keeps its key's row; a
           skipped row without a readable key turns the batch's rule into append)
  append   (versioned, chosen by the analyst) upsert only: nothing leaves
  period   (merge="period") the periods the upload carries replace the same periods: stored rows of
           those periods the upload no longer has leave
  replace  (merge="ledger", default) a whole ledger is a new version of the span it covers: stored
           rows whose date (`Dataset.span_field`) lies between the upload's first and last date
           leave and the upload's rows arrive (corrections replace, deleted rows leave, a renamed
           sheet/channel does not double). A file whose dates all lie after the stored ones simply
           appends, since nothing stored falls in its span.
  append   (merge="ledger", chosen by the analyst) rows of the upload are added, or update the
           stored row of the same row key; nothing leaves
A ledger's row key is md5 of its `key` fields plus the occurrence number of that fingerprint in the
upload (two identical takings on one day are two rows), numbered over every row of the upload,
skipped rows included, so a skipped row shifts no number.

Skipping invalid rows (skip_invalid) never destroys good data: a skipped row protects the stored
row of its key (period, upsert) or row key (replace) from leaving; a skipped period row whose key
is unreadable protects its whole period; a skipped ledger row without a readable date turns the
batch's rule into append (nothing leaves).

Tables (DDL derived from analytics.schema, never written by hand):
  <dataset table>         current rows: the dataset's fields + extra columns + _batch_id
  <dataset table>__log    every batch's rows not in the table: the same columns + _batch_id, _skip, _sheet, _row
  <dataset table>__versions  versioned datasets: the rows a live batch's version (the table right after
                          that batch's fold step) holds beyond the batch's own rows (an append, a
                          skipped row's key kept): batch_id, key, row_batch (the batch whose row holds
                          the values); a version = the batch's valid rows + these; rebuilt with the table
  batch_datasets          one row per (batch, dataset): rule, date span, version_on (the data date: stated,
                          else the import date), exact, fold_on (the fold order, above)
  import_log              one row per imported sheet or rollback
  import_problems         the reader's problems of each batch
  meta                    key/value: schema_version, sector mapping fingerprint and path
  column_mappings         hand-made header mappings per sheet layout

Schema version 4 (this module). Version 1 stores (no schema_version, rollback through
`<table>__prev`) migrate on open: their current rows become the contributions of the batches that
wrote them (rule "baseline", upsert), and those batches cannot be rolled back exactly any more
(refused with a reason); batches imported after the migration roll back exactly. Version 2 (a log
holding a copy of the current rows too) drops those copies. Version 3 gains the indicator table's
region columns (全市/全区) and the versions tables, filled by replaying the fold of the live batches.

Crash safety: an import, a rollback and the migration are each one DuckDB transaction (the import
log is written inside it), so a process killed at any moment leaves the store as before or as after.
"""
from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import re
import signal
import threading
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from analytics import fmt
from analytics import sectors as _sectors
from analytics.ingest.model import ERROR, WorkbookResult
from analytics.schema import DATASETS, Dataset
from analytics.schema import dataset as _dataset

DEFAULT_DB_PATH = Path(__file__).resolve().parent.parent / "data" / "park.duckdb"
DB_ENV_VAR = "PARK_DB"
SCHEMA_VERSION = 4
CRASH_ENV_VAR = "PARK_STORE_CRASH_AT"  # test hook: SIGKILL this process at the named point
RULE_UPSERT, RULE_PERIOD, RULE_REPLACE, RULE_APPEND, RULE_BASELINE = "upsert", "period", "replace", "append", "baseline"
LEDGER_RULES = (RULE_REPLACE, RULE_APPEND)
RULE_LABELS = {RULE_REPLACE: "整本替换", RULE_APPEND: "追加", RULE_PERIOD: "按报告期替换", RULE_UPSERT: "按键更新",
               RULE_BASELINE: "升级前导入"}


def default_db_path() -> str:
    """The database the CLI and the dashboard open: $PARK_DB, else data/park.duckdb."""
    return os.environ.get(DB_ENV_VAR) or str(DEFAULT_DB_PATH)


def table_columns(ds: Dataset) -> list[tuple[str, str]]:
    """(column, SQL type) of a dataset's table, in order, without the bookkeeping columns."""
    cols = [(f.name, f.sql_type) for f in ds.fields]
    cols += [c for c in ds.extra_columns if c[0] not in {n for n, _ in cols}]
    return cols


class StoreError(Exception):
    """A refused store operation; str(e) is the Chinese message for the user."""


class StoreOpenError(StoreError):
    """The store cannot be opened (read-only, full disk, corrupt, other schema version); one line, Chinese."""


class StoreBusyError(StoreOpenError):
    """Another process (the running dashboard) holds the database file open for writing."""


def _crash_point(name: str) -> None:
    """Test hook for the kill tests: SIGKILL this process when $PARK_STORE_CRASH_AT names this point."""
    if os.environ.get(CRASH_ENV_VAR) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _log_table(ds: Dataset) -> str:
    return _q(ds.table + "__log")


def _versions_table(ds: Dataset) -> str:
    return _q(ds.table + "__versions")


# ---------------------------------------------------------------------------
# Schema, version, migration, opening
# ---------------------------------------------------------------------------
def _tables(con) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_catalog = current_database()").fetchall()}


def _add_missing_columns(con, table: str, cols: list[tuple[str, str]]) -> None:
    have = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                                      "AND table_schema = 'main' AND table_catalog = current_database()",
                                      [table]).fetchall()}
    for name, typ in cols:
        if name not in have:
            con.execute(f"ALTER TABLE {_q(table)} ADD COLUMN {_q(name)} {typ}")


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table if missing and add columns the schema gained since (idempotent)."""
    for ds in DATASETS.values():
        cols = table_columns(ds)
        decl = ", ".join(f"{_q(n)} {t}" for n, t in cols)
        con.execute(f"CREATE TABLE IF NOT EXISTS {_q(ds.table)} ({decl}, _batch_id BIGINT)")
        con.execute(f"CREATE TABLE IF NOT EXISTS {_log_table(ds)} ({decl}, _batch_id BIGINT, _skip BOOLEAN, "
                    f"_sheet VARCHAR, _row BIGINT)")
        _add_missing_columns(con, ds.table, cols)
        _add_missing_columns(con, ds.table + "__log", cols)
        if ds.versioned:
            types = dict(cols)
            keys = ", ".join(f"{_q(k)} {types[k]}" for k in _key_columns(ds))
            con.execute(f"CREATE TABLE IF NOT EXISTS {_versions_table(ds)} (batch_id BIGINT, {keys}, row_batch BIGINT)")
    con.execute("CREATE SEQUENCE IF NOT EXISTS import_batch_seq START 1")
    con.execute("""
        CREATE TABLE IF NOT EXISTS import_log (
            batch_id BIGINT, kind VARCHAR, file_name VARCHAR, sha256 VARCHAR, sheet VARCHAR,
            dataset VARCHAR, rows_read BIGINT, rows_new BIGINT, rows_updated BIGINT,
            rows_unchanged BIGINT, rows_removed BIGINT, rows_skipped BIGINT, warnings BIGINT,
            imported_at TIMESTAMP, imported_by VARCHAR, rolled_back_by BIGINT, note VARCHAR)""")
    con.execute("""CREATE TABLE IF NOT EXISTS batch_datasets (batch_id BIGINT, dataset VARCHAR, rule VARCHAR,
                   span_from DATE, span_to DATE, version_on DATE, exact BOOLEAN, fold_on DATE)""")
    _add_missing_columns(con, "batch_datasets", [("fold_on", "DATE")])
    con.execute("CREATE TABLE IF NOT EXISTS import_problems (batch_id BIGINT, level VARCHAR, file VARCHAR, "
                "sheet VARCHAR, row BIGINT, \"column\" VARCHAR, value VARCHAR, message VARCHAR)")
    con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("CREATE TABLE IF NOT EXISTS column_mappings (layout VARCHAR, header VARCHAR, field VARCHAR, "
                "saved_at TIMESTAMP, saved_by VARCHAR, PRIMARY KEY (layout, header))")


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The store's schema version: meta.schema_version; 1 for a store written before versions; 0 when empty."""
    tables = _tables(con)
    if "meta" in tables:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        if row:
            return int(row[0][0])
    return 1 if "import_log" in tables else 0


def _migrate_v1(con) -> None:
    """Version 1 -> 3: the current rows are the contributions of the batches that wrote them (rule baseline)."""
    con.execute("""
        INSERT INTO batch_datasets (batch_id, dataset, rule, span_from, span_to, version_on, exact)
        SELECT DISTINCT batch_id, dataset, 'baseline', NULL, NULL, CAST(min(imported_at) AS DATE), false
        FROM import_log WHERE kind = 'import' AND rolled_back_by IS NULL AND dataset IS NOT NULL
          AND batch_id NOT IN (SELECT batch_id FROM batch_datasets)
        GROUP BY batch_id, dataset""")
    # the data date of each upload from its file name where it has one (ledger_versions' rule)
    for batch_id, name in con.execute("SELECT DISTINCT batch_id, file_name FROM import_log WHERE kind = 'import' "
                                      "AND file_name IS NOT NULL").fetchall():
        found = _date_in_text(name)
        if found:
            con.execute("UPDATE batch_datasets SET version_on = ? WHERE batch_id = ? AND rule = 'baseline'",
                        [found, batch_id])


def _set_version(con) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])


def _ensure_schema(con, path: str) -> None:
    """Create or migrate the schema in one transaction; refuse a store of a newer version untouched."""
    version = schema_version(con)
    if version > SCHEMA_VERSION:
        raise StoreOpenError(f"数据库 {path} 的结构版本为 {version}，本程序只支持到版本 {SCHEMA_VERSION}："
                             f"它由更新版本的看板创建。数据库未作任何改动；请升级程序后再打开。")
    if version == SCHEMA_VERSION and _schema_complete(con):
        return
    con.execute("BEGIN TRANSACTION")
    try:
        missing_versions = [ds for ds in DATASETS.values() if ds.versioned and ds.table + "__versions" not in _tables(con)]
        create_schema(con)
        if version == 1:
            _migrate_v1(con)
        elif version == 2:  # version 2 kept a copy of every current row in the log as well
            for ds in DATASETS.values():
                _dedupe_log(con, ds)
        for ds in missing_versions:  # version <= 3: each live batch's version from a replay of the fold
            _rebuild(con, ds)
        _set_version(con)
        _crash_point("migrate:commit")
        con.execute("COMMIT")
    except BaseException as exc:
        _rollback_quietly(con)
        raise _io_error(exc, path) from exc


def _schema_complete(con) -> bool:
    """Every table and column of the current schema exists (a newer schema.py may have added some)."""
    want = {}
    for ds in DATASETS.values():
        cols = {n for n, _ in table_columns(ds)}
        want[ds.table] = cols
        want[ds.table + "__log"] = cols
    have: dict[str, set] = {}
    for t, c in con.execute("SELECT table_name, column_name FROM information_schema.columns "
                            "WHERE table_schema = 'main' AND table_catalog = current_database()").fetchall():
        have.setdefault(t, set()).add(c)
    versions = {ds.table + "__versions" for ds in DATASETS.values() if ds.versioned}
    return (all(t in have and cols <= have[t] for t, cols in want.items()) and "fold_on" in have.get("batch_datasets", ())
            and versions <= set(have))


_DISK_FULL = ("no space left", "disk is full", "disk full", "not enough space")
_TOO_LARGE = ("file too large",)
_READ_ONLY = ("read-only file system", "permission denied", "read only", "cannot open database in read-only")
_CORRUPT = ("not a valid duckdb database", "corrupt", "invalid magic", "serialization", "checksum",
            "unable to read", "could not read", "is not a database", "the file is not", "invalid database")
_LOCKED = ("could not set lock", "conflicting lock", "lock on file")


def _io_error(exc: BaseException, path: str) -> BaseException:
    """The real cause of a failed open or write as a one-line Chinese StoreError; other errors unchanged."""
    if isinstance(exc, StoreError) or not isinstance(exc, (duckdb.Error, OSError)):
        return exc
    text = str(exc).lower()
    code = getattr(exc, "errno", None)
    if code == errno.ENOSPC or any(w in text for w in _DISK_FULL):
        return StoreError(f"磁盘空间已满，数据库 {path} 无法写入；本次操作未生效，数据库保持操作前的状态。"
                          f"请清理磁盘空间后重试。")
    if code == errno.EFBIG or any(w in text for w in _TOO_LARGE):
        return StoreError(f"数据库文件 {path} 超过了系统允许的文件大小，无法写入；本次操作未生效。请联系管理员调整限制。")
    if any(w in text for w in _LOCKED):
        return StoreBusyError(f"数据库 {path} 正被其他程序（如正在运行的看板）占用，无法写入。"
                              f"请在看板的“数据导入”页操作，或先停止看板再用命令行。")
    if code in (errno.EACCES, errno.EROFS, errno.EPERM) or any(w in text for w in _READ_ONLY):
        return StoreOpenError(f"数据库文件 {path} 是只读的（无写入权限或所在磁盘只读），无法导入或撤销；"
                              f"数据库未作任何改动。请检查文件权限，或换一个可写的位置（--db 或 PARK_DB）。")
    if any(w in text for w in _CORRUPT):
        return StoreOpenError(f"数据库文件 {path} 已损坏或不是看板的数据库，无法打开；文件未作任何改动。"
                              f"请从备份恢复，或换一个数据库文件（--db 或 PARK_DB）。")
    return exc


def connect(path: str | os.PathLike | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store at `path` (default: default_db_path(); ':memory:' works), creating or migrating its schema.

    Raises StoreOpenError (one Chinese line, the file left untouched) when the file is read-only,
    the disk is full, the file is corrupt or not a DuckDB database, or the store is of a newer schema
    version; StoreBusyError when another process holds it for writing. read_only=True opens without
    creating, migrating or refreshing anything.
    """
    path = str(path or default_db_path())
    if path != ":memory:" and not read_only:
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _io_error(exc, path) from exc
    if path != ":memory:" and Path(path).exists() and not read_only and not os.access(path, os.W_OK):
        raise _io_error(PermissionError(errno.EACCES, "permission denied"), path)
    try:
        con = duckdb.connect(path, read_only=read_only)
    except duckdb.Error as exc:
        raise _io_error(exc, path) from exc
    try:
        if not read_only:
            _ensure_schema(con, path)
            refresh_sectors(con)
        elif schema_version(con) > SCHEMA_VERSION:
            raise StoreOpenError(f"数据库 {path} 的结构版本为 {schema_version(con)}，本程序只支持到版本 "
                                 f"{SCHEMA_VERSION}：请升级程序后再打开。")
    except BaseException as exc:
        con.close()
        raise _io_error(exc, path) from exc
    return con


def _rollback_quietly(con) -> None:
    """ROLLBACK after a failure; a transaction DuckDB already aborted (e.g. a full disk) is no second error."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass


# ---------------------------------------------------------------------------
# Importing
# ---------------------------------------------------------------------------

# One import or rollback at a time in this process: a second upload committed at the same
# moment waits for the first (DuckDB itself refuses a second writing process).
_WRITE_LOCK = threading.RLock()
PREVIEW_ROWS = 200  # rows of before/after kept per sheet for the preview
LEAVING_NAMED = 20  # rows leaving a versioned dataset named in the preview's sentence


@dataclass
class SheetImport:
    """What one sheet did (or would do, in a dry run) to the store. Counts are rows."""

    file: str
    sheet: str
    dataset: str
    rows_read: int
    rows_new: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_removed: int = 0
    rows_skipped: int = 0
    warnings: int = 0
    updated_before: pd.DataFrame | None = None  # up to PREVIEW_ROWS rows, the store's version
    updated_after: pd.DataFrame | None = None  # the same keys, the upload's version
    removed: pd.DataFrame | None = None  # stored rows that leave (the periods / span the upload covers)
    added: pd.DataFrame | None = None  # up to PREVIEW_ROWS rows arriving (new keys)


@dataclass
class DatasetChange:
    """What one import does to one dataset as a whole: the rule applied and the figures before and after.

    rows_* are row counts of the dataset's table; total_* the sum of `Dataset.total_field` (万元) or None.
    arriving: rows of a key the store does not hold; leaving: stored rows the rule removes; changed:
    rows whose key the store holds with other values (a ledger's key holds its identifying fields, so
    a corrected supplier name is one row leaving and one arriving; a corrected amount is changed).
    `sentence` says in plain Chinese which rule applied and what it did (a versioned dataset's names
    the rows that leave, `leaving_labels`); `other_rule` is the rule the analyst may choose instead
    (ledgers and versioned datasets), `other_sentence` what choosing it means.
    """

    dataset: str
    label: str
    rule: str
    sentence: str
    rows_before: int
    rows_after: int
    arriving: int = 0
    leaving: int = 0
    changed: int = 0
    unchanged: int = 0
    total_label: str | None = None
    total_before: float | None = None
    total_after: float | None = None
    span_from: dt.date | None = None
    span_to: dt.date | None = None
    other_rule: str | None = None
    other_sentence: str | None = None
    leaving_labels: list[str] = field(default_factory=list)  # versioned datasets: who leaves, "名称（编号）"

    def figures_text(self) -> str:
        """'库中 3 行 → 2 行，销售额 6万元 → 5万元': the dataset's rows and total before and after the import."""
        text = f"库中 {self.rows_before} 行 → {self.rows_after} 行"
        if self.total_label:
            name = re.sub(r"[（(].*?[)）]", "", self.total_label).strip()
            text += f"，{name} {fmt.wan(self.total_before or 0, 2)} → {fmt.wan(self.total_after or 0, 2)}"
        return text


@dataclass
class ImportOutcome:
    """One file's import: committed whole, or refused with a Chinese reason (nothing written)."""

    workbook: WorkbookResult
    committed: bool
    dry_run: bool = False
    batch_id: int | None = None
    refused: str | None = None
    sheets: list[SheetImport] = field(default_factory=list)
    changes: list[DatasetChange] = field(default_factory=list)
    inspected: object = None  # what `inspect(con)` returned inside the transaction


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """A number that changes on every committed import or rollback (the last batch id)."""
    return int(con.execute("SELECT coalesce(max(batch_id), 0) FROM import_log").fetchall()[0][0])


def is_empty(con: duckdb.DuckDBPyConnection) -> bool:
    """True when no dataset table holds a row."""
    return all(con.execute(f'SELECT count(*) FROM "{ds.table}"').fetchall()[0][0] == 0
               for ds in DATASETS.values())


def _key_columns(ds) -> list[str]:
    return ["row_key"] if ds.merge == "ledger" else list(ds.key)


def _period_field(ds) -> str | None:
    return next((f.name for f in ds.fields if f.kind == "period"), None)


def _match(a: str, b: str, cols) -> str:
    return " AND ".join(f"{a}.{_q(c)} IS NOT DISTINCT FROM {b}.{_q(c)}" for c in cols) or "TRUE"


def _stage_frame(con, ds, frame: pd.DataFrame, sheet_order: dict[str, int]) -> None:
    """Create temp table `stg` from the reader's frames (valid and skipped rows, `_skip` flags the latter):
    canonical types, effective sector, ledger row keys numbered over all rows."""
    cols = table_columns(ds)
    df = frame
    missing = {name: None for name, _ in cols if name not in df.columns}
    if missing:
        df = df.assign(**missing)
    con.register("stg_df", df[[n for n, _ in cols] + ["_sheet", "_row", "_skip"]])
    casts = ", ".join(f"CAST({_q(n)} AS {t}) AS {_q(n)}" for n, t in cols if n != "row_key")
    row_key = ", CAST(NULL AS VARCHAR) AS row_key" if ds.merge == "ledger" else ""
    # the sheet's place in the workbook, in SQL (a pandas map over a million sheet names took 0.6 s)
    sheet_no = "CASE _sheet " + " ".join(f"WHEN '{str(name).replace(chr(39), chr(39) * 2)}' THEN {int(i)}"
                                         for name, i in sheet_order.items()) + " END" if sheet_order else "NULL"
    con.execute(f"CREATE OR REPLACE TEMP TABLE stg AS SELECT {casts}{row_key}, _sheet, "
                f"CAST({sheet_no} AS BIGINT) AS _sheet_no, "
                f"CAST(_row AS BIGINT) AS _row, CAST(_skip AS BOOLEAN) AS _skip FROM stg_df")
    con.unregister("stg_df")
    if ds.merge == "ledger":
        # The fingerprint of the identifying fields plus the occurrence number of that fingerprint in
        # the upload (skipped rows numbered too): the same ledger uploaded again gives the same keys.
        parts = " || '\x1f' || ".join(f"coalesce(CAST({_q(k)} AS VARCHAR), '\x00')" for k in ds.key)
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE stg AS
            SELECT * EXCLUDE (fp)
                     REPLACE (fp || '#' || row_number() OVER (PARTITION BY fp ORDER BY _sheet_no, _row) AS row_key)
            FROM (SELECT *, md5({parts}) AS fp FROM stg)""")
    if ds.derived_sector:
        _fill_sector(con, "stg", ds)
    elif "sector" in ds.field_names:
        con.execute("UPDATE stg SET sector = coalesce(sector, '其他')")


def _mapping_path(con) -> str:
    """The mapping file the store was last refreshed with (refresh_sectors), else the default."""
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'sector_mapping_path'").fetchall()
    except duckdb.Error:
        row = []
    return row[0][0] if row and Path(row[0][0]).exists() else str(_sectors.DEFAULT_MAPPING_PATH)


def _fill_sector(con, table: str, ds: Dataset, mapping: dict[str, str] | None = None) -> None:
    """Effective sector: the file's own sector text when it names a park sector, else the industry code
    through the mapping file (rows without a code take the registry's code), else 其他."""
    if not con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]:
        return
    mapping = mapping if mapping is not None else _sectors.load_mapping(_mapping_path(con))
    code_expr = "t.industry_code"
    if ds.name != "entities" and "uscc" in ds.field_names:
        code_expr = ("coalesce(t.industry_code, (SELECT e.industry_code FROM entities e "
                     "WHERE e.uscc = t.uscc LIMIT 1))")
    codes = [r[0] for r in con.execute(f"SELECT DISTINCT {code_expr} FROM {table} t").fetchall() if r[0]]
    raws = [r[0] for r in con.execute(f"SELECT DISTINCT sector_raw FROM {table} WHERE sector_raw IS NOT NULL")
            .fetchall()]
    con.execute("CREATE OR REPLACE TEMP TABLE code_map (code VARCHAR, sector VARCHAR)")
    con.execute("CREATE OR REPLACE TEMP TABLE raw_map (raw VARCHAR, sector VARCHAR)")
    if codes:
        con.executemany("INSERT INTO code_map VALUES (?, ?)", [(c, _sectors.sector_for_code(c, mapping)) for c in codes])
    if raws:
        con.executemany("INSERT INTO raw_map VALUES (?, ?)", [(r, _sectors.sector_from_text(r)) for r in raws])
    con.execute(f"""
        UPDATE {table} AS t SET sector = coalesce(
            (SELECT r.sector FROM raw_map r WHERE r.raw = t.sector_raw),
            (SELECT c.sector FROM code_map c WHERE c.code = {code_expr}),
            '其他')""")


def _refill_derived(con, mapping: dict[str, str] | None = None) -> None:
    """Recompute every derived column of every dataset that has one (registry first: others read it)."""
    for ds in sorted(DATASETS.values(), key=lambda d: d.name != "entities"):
        if ds.derived_sector:
            _fill_sector(con, _q(ds.table), ds, mapping)


def refresh_sectors(con: duckdb.DuckDBPyConnection, mapping_path=None) -> bool:
    """Recompute the effective sector of every derived-sector dataset when the mapping file changed.

    Returns True when it recomputed. connect() calls it, so the dashboard and the CLI see an edited
    mapping the next time they open the store. The path is remembered: a later rollback uses it.
    """
    path = str(mapping_path or _sectors.DEFAULT_MAPPING_PATH)
    fp = _sectors.mapping_fingerprint(path)
    row = con.execute("SELECT value FROM meta WHERE key = 'sector_mapping_sha256'").fetchall()
    known = con.execute("SELECT value FROM meta WHERE key = 'sector_mapping_path'").fetchall()
    if row and row[0][0] == fp and known and known[0][0] == path:
        return False
    mapping = _sectors.load_mapping(path)
    with _WRITE_LOCK:
        con.execute("BEGIN TRANSACTION")
        try:
            _refill_derived(con, mapping)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('sector_mapping_sha256', ?)", [fp])
            con.execute("INSERT OR REPLACE INTO meta VALUES ('sector_mapping_path', ?)", [path])
            con.execute("COMMIT")
        except BaseException as exc:
            _rollback_quietly(con)
            raise _io_error(exc, _db_name(con)) from exc
    return bool(row) and row[0][0] != fp


def _db_name(con) -> str:
    try:
        return con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
                           ).fetchall()[0][0] or ":memory:"
    except (duckdb.Error, IndexError):
        return "（数据库）"


# --- the fold step --------------------------------------------------------------------------
# Invariant: the whole contribution of batch b = its rows in the dataset's table (_batch_id = b) plus
# its rows in <table>__log (_batch_id = b), no (batch, key) in both. The first import of a dataset
# therefore writes its rows once; a row re-sent unchanged stays in the table under the batch that
# first wrote it and is copied to the log under the new batch.
def _removal_condition(ds, rule: str, valid: str, skipped: str, span) -> str | None:
    """SQL condition on the current table `t`: the stored rows this batch's rule makes leave.

    `valid` / `skipped` are SQL relations holding the batch's valid and skipped rows."""
    keys = _key_columns(ds)
    protected = f"NOT EXISTS (SELECT 1 FROM {skipped} s WHERE {_match('s', 't', keys)})"
    if rule == RULE_PERIOD:
        pf = _q(_period_field(ds))
        null_key = " OR ".join(f"s.{_q(k)} IS NULL" for k in ds.key)
        return (f"t.{pf} IN (SELECT DISTINCT {pf} FROM {valid} v) "
                f"AND NOT EXISTS (SELECT 1 FROM {skipped} s WHERE ({null_key}) AND (s.{pf} IS NULL OR s.{pf} = t.{pf})) "
                f"AND {protected}")
    if rule == RULE_REPLACE and ds.span_field is None:  # a versioned dataset sent whole: all it lacks leaves
        return protected
    if rule == RULE_REPLACE and span[0] is not None:
        sf = _q(ds.span_field)
        return f"t.{sf} BETWEEN DATE '{span[0]}' AND DATE '{span[1]}' AND {protected}"
    return None


def _log_rows(ds, batch_id: int, skip: bool) -> str:
    return f"(SELECT * FROM {_log_table(ds)} WHERE _batch_id = {int(batch_id)} AND {'' if skip else 'NOT '}_skip)"


def _move_to_log(con, ds, cond: str) -> None:
    """Rows of the current table `t` matching `cond` leave it for the log (they stay their batch's rows)."""
    cols = ", ".join(_q(n) for n, _ in table_columns(ds))
    con.execute(f"INSERT INTO {_log_table(ds)} SELECT {cols}, _batch_id, false, NULL, NULL FROM {_q(ds.table)} t "
                f"WHERE {cond}")
    con.execute(f"DELETE FROM {_q(ds.table)} t WHERE {cond}")


def _apply_upload(con, ds, batch_id: int, rule: str, span) -> None:
    """The fold step of an import: temp tables `stg` (the upload) and `stg_class` (new/updated/unchanged)
    merged into the dataset's table under `rule`; replaced and leaving rows and skipped rows to the log."""
    table, log = _q(ds.table), _log_table(ds)
    cols = ", ".join(_q(n) for n, _ in table_columns(ds))
    keys = _key_columns(ds)
    valid, skipped = "(SELECT * FROM stg WHERE NOT _skip)", "(SELECT * FROM stg WHERE _skip)"
    con.execute(f"INSERT INTO {log} SELECT {cols}, {int(batch_id)}, true, _sheet, _row FROM stg WHERE _skip")
    removal = _removal_condition(ds, rule, valid, skipped, span)
    if removal:
        _move_to_log(con, ds, f"{removal} AND NOT EXISTS (SELECT 1 FROM {valid} v WHERE {_match('v', 't', keys)})")
    changed = "(SELECT s.* FROM stg s JOIN stg_class c USING (_sheet, _row) WHERE c.change = '{}')"
    if con.execute("SELECT count(*) FROM stg_class WHERE change = 'updated'").fetchall()[0][0]:
        _move_to_log(con, ds, f"EXISTS (SELECT 1 FROM {changed.format('updated')} v WHERE {_match('v', 't', keys)})")
    if con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'stg_class' AND temporary").fetchall()[0][0]:
        con.execute(f"INSERT INTO {table} SELECT {cols}, {int(batch_id)} FROM stg WHERE NOT _skip")  # all new
        return
    con.execute(f"INSERT INTO {table} SELECT {cols}, {int(batch_id)} FROM stg s JOIN stg_class c USING (_sheet, _row) "
                f"WHERE c.change <> 'unchanged'")
    con.execute(f"INSERT INTO {log} SELECT {cols}, {int(batch_id)}, false, _sheet, _row "
                f"FROM {changed.format('unchanged')}")


def _rebuild(con, ds) -> None:
    """The dataset's current table from its live batches, folded in data-date order (fold_on, then batch
    id: an export dated earlier than one already loaded is older information, however late it arrives),
    for a rollback or an upload dated before the newest one loaded."""
    table = _q(ds.table)
    cols = ", ".join(_q(n) for n, _ in table_columns(ds))
    keys = _key_columns(ds)
    _move_to_log(con, ds, "TRUE")  # now the log holds every batch's whole contribution
    if ds.versioned:
        con.execute(f"DELETE FROM {_versions_table(ds)}")
    batches = con.execute("""
        SELECT b.batch_id, b.rule, b.span_from, b.span_to FROM batch_datasets b
        WHERE b.dataset = ? AND b.batch_id NOT IN
              (SELECT batch_id FROM import_log WHERE rolled_back_by IS NOT NULL)
        ORDER BY b.fold_on NULLS FIRST, b.batch_id""", [ds.name]).fetchall()
    for batch_id, rule, lo, hi in batches:
        valid, skipped = _log_rows(ds, batch_id, False), _log_rows(ds, batch_id, True)
        removal = _removal_condition(ds, rule, valid, skipped, (lo, hi))
        if removal:
            con.execute(f"DELETE FROM {table} t WHERE {removal}")
        con.execute(f"DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM {valid} v WHERE {_match('v', 't', keys)})")
        con.execute(f"INSERT INTO {table} SELECT {cols}, _batch_id FROM {valid}")
        _record_version(con, ds, batch_id, valid)
    _dedupe_log(con, ds)


def _record_version(con, ds, batch_id: int, valid: str) -> None:
    """A versioned dataset: the table as it stands after batch_id's fold step is that batch's version; record
    its rows of keys the batch's valid rows (relation `valid`) do not carry (all a whole ledger keeps)."""
    if ds.versioned:
        keys = _key_columns(ds)
        cols = ", ".join(f"t.{_q(k)}" for k in keys)
        con.execute(f"INSERT INTO {_versions_table(ds)} SELECT {int(batch_id)}, {cols}, t._batch_id FROM {_q(ds.table)} t "
                    f"WHERE NOT EXISTS (SELECT 1 FROM {valid} v WHERE {_match('v', 't', keys)})")


def _dedupe_log(con, ds) -> None:
    """Drop from the log the rows the current table holds (same batch and key): the invariant above."""
    keys = _key_columns(ds)
    con.execute(f"DELETE FROM {_log_table(ds)} x WHERE NOT x._skip AND EXISTS (SELECT 1 FROM {_q(ds.table)} t "
                f"WHERE t._batch_id = x._batch_id AND {_match('t', 'x', keys)})")


# --- the import ---------------------------------------------------------------------------
def _totals(con, ds) -> tuple[int, float | None]:
    total = f"sum({_q(ds.total_field)})" if ds.total_field else "NULL"
    n, s = con.execute(f"SELECT count(*), {total} FROM {_q(ds.table)}").fetchall()[0]
    return int(n), (None if s is None else float(s))


def _resolve_rule(con, ds, requested: str | None, version_on: dt.date) -> tuple[str, tuple, str | None]:
    """(rule, (span_from, span_to), note) for this dataset's staged upload.

    A ledger's span runs from the upload's first date to its data date (`version_on`: the date in
    the file name, else the import date) or its last date if later: a ledger sent whole holds
    everything up to the day it was sent, so a stored row after its last row that it no longer
    has was deleted from it."""
    if ds.merge == "snapshot" and not ds.versioned:
        return RULE_UPSERT, (None, None), None
    if ds.merge == "period":
        return RULE_PERIOD, (None, None), None
    rule = requested or RULE_REPLACE
    if rule not in LEDGER_RULES:
        raise StoreError(f"未知的台账规则“{rule}”；可选：{'、'.join(LEDGER_RULES)}（{RULE_LABELS[RULE_REPLACE]}、"
                         f"{RULE_LABELS[RULE_APPEND]}）")
    if ds.span_field is None:  # versioned, sent whole: the upload is the new state
        no_key = " AND ".join(f"{_q(k)} IS NULL" for k in ds.key)
        null_skipped = con.execute(f"SELECT count(*) FROM stg WHERE _skip AND {no_key}").fetchall()[0][0]
        if rule == RULE_REPLACE and null_skipped:
            keys = "、".join(ds.field(k).label for k in (ds.key_from or ds.key) if k in ds.field_names)
            return RULE_APPEND, (None, None), (
                f"跳过的错误行中有 {null_skipped} 行的{keys}无法识别，无法确定它们在库中对应的行，"
                f"本次按“追加”处理，库中任何行都不移出。")
        return rule, (None, None), None
    sf = _q(ds.span_field)
    lo, hi, null_skipped = con.execute(
        f"SELECT min({sf}), max({sf}), count(*) FILTER (WHERE _skip AND {sf} IS NULL) FROM stg").fetchall()[0]
    if hi is not None:
        hi = max(hi, version_on)
    note = None
    if rule == RULE_REPLACE and null_skipped:
        rule = RULE_APPEND
        note = (f"跳过的错误行中有 {null_skipped} 行的{ds.field(ds.span_field).label}无法识别，无法确定它们在库中"
                f"对应的行，本次按“追加”处理，库中任何行都不删除。")
    return rule, (lo, hi), note


def _classify(con, ds, sheets: dict[str, SheetImport], removal: str | None) -> tuple[int, int, int, int, list]:
    """Fill the per-sheet counts and previews; return (arriving, leaving, changed, unchanged, the labels of
    the rows leaving: a versioned dataset's `key_from` fields, "名称（编号）", in key order)."""
    table = _q(ds.table)
    keys = _key_columns(ds)
    cols = [n for n, _ in table_columns(ds)]
    values = [c for c in cols if c not in keys and c != "row_key"]
    on = _match("s", "t", keys)
    same = _match("s", "t", values)
    all_new = not con.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchall()[0][0]
    _drop_stg_class(con)
    if all_new:  # the first upload of a dataset: every row arrives (no join against an empty table)
        con.execute("CREATE TEMP VIEW stg_class AS SELECT _sheet, _row, 'new' AS change FROM stg WHERE NOT _skip")
    else:
        con.execute(f"""
            CREATE TEMP TABLE stg_class AS
            SELECT s._sheet, s._row,
                   CASE WHEN NOT EXISTS (SELECT 1 FROM {table} t WHERE {on}) THEN 'new'
                        WHEN EXISTS (SELECT 1 FROM {table} t WHERE {on} AND {same}) THEN 'unchanged'
                        ELSE 'updated' END AS change
            FROM stg s WHERE NOT s._skip""")
    totals = _tally(con, sheets)
    col_list = ", ".join(_q(c) for c in cols if c != "row_key")
    picked = "SELECT s.* FROM stg s JOIN stg_class c USING (_sheet, _row) WHERE c.change = '{}'"
    if all_new:
        picked = "SELECT s.* FROM stg s WHERE NOT s._skip AND '{}' = 'new'"
    for sheet, info in sheets.items():
        if info.rows_updated:
            upd = picked.format("updated")
            info.updated_after = con.execute(
                f"SELECT {col_list}, _row AS \"Excel行号\" FROM ({upd}) s WHERE _sheet = ? ORDER BY _row "
                f"LIMIT {PREVIEW_ROWS}", [sheet]).df()
            info.updated_before = con.execute(
                f"""SELECT {", ".join("t." + _q(c) for c in cols if c != "row_key")}, s._row AS "Excel行号"
                    FROM ({upd}) s JOIN {table} t ON {on} WHERE s._sheet = ? ORDER BY s._row
                    LIMIT {PREVIEW_ROWS}""", [sheet]).df()
        if info.rows_new:
            info.added = con.execute(f"SELECT {col_list}, _row AS \"Excel行号\" FROM ({picked.format('new')}) s "
                                     f"WHERE _sheet = ? ORDER BY _row LIMIT {PREVIEW_ROWS}", [sheet]).df()
    leaving, labels = 0, []
    if removal:
        gone = f"{removal} AND NOT EXISTS (SELECT 1 FROM stg s WHERE NOT s._skip AND {on})"
        leaving, labels = _leaving(con, ds, sheets, table, gone)
    return totals["new"], leaving, totals["updated"], totals["unchanged"], labels


def _tally(con, sheets: dict[str, SheetImport]) -> dict[str, int]:
    """Fill each sheet's rows_new / rows_updated / rows_unchanged from temp stg_class; the totals."""
    totals = {"new": 0, "updated": 0, "unchanged": 0}
    for sheet, change, n in con.execute("SELECT _sheet, change, count(*) FROM stg_class GROUP BY ALL").fetchall():
        setattr(sheets[sheet], f"rows_{change}", int(n))
        totals[change] += int(n)
    return totals


def _leaving(con, ds, sheets: dict[str, SheetImport], source: str, gone: str) -> tuple[int, list]:
    """The rows of `source` (as t) matching `gone` leave: their count and preview on the first sheet,
    and (a versioned dataset) their labels."""
    leaving = int(con.execute(f"SELECT count(*) FROM {source} t WHERE {gone}").fetchall()[0][0])
    labels = []
    if leaving:
        cols = ", ".join(_q(n) for n, _ in table_columns(ds) if n != "row_key")
        first = next(iter(sheets.values()))
        first.rows_removed = leaving
        first.removed = con.execute(f"SELECT {cols} FROM {source} t WHERE {gone} ORDER BY ALL "
                                    f"LIMIT {PREVIEW_ROWS}").df()
        if ds.versioned:
            labels = [r[0] for r in con.execute(f"SELECT {_label_sql(ds)} FROM {source} t WHERE {gone} "
                                                f"ORDER BY ALL LIMIT {PREVIEW_ROWS}").fetchall()]
    return leaving, labels


def _newest_fold(con, ds) -> dt.date | None:
    """The latest fold_on of the live batches of a dataset (module docstring), None when none has one."""
    return con.execute("""SELECT max(fold_on) FROM batch_datasets WHERE dataset = ? AND batch_id NOT IN
                          (SELECT batch_id FROM import_log WHERE rolled_back_by IS NOT NULL)""",
                       [ds.name]).fetchall()[0][0]


def _drop_stg_class(con) -> None:
    for kind, in con.execute("SELECT 'VIEW' FROM duckdb_views() WHERE view_name = 'stg_class' AND temporary UNION ALL "
                             "SELECT 'TABLE' FROM duckdb_tables() WHERE table_name = 'stg_class' AND temporary"
                             ).fetchall():
        con.execute(f"DROP {kind} stg_class")


def _fold_late(con, ds, batch_id: int, rule: str, span, version_on: dt.date,
               sheets: dict[str, SheetImport]) -> tuple[int, int, int, int, list]:
    """Fold the staged upload, dated before the newest live batch of its dataset, in at its date: its rows
    become its contribution in the log and the table is rebuilt in data-date order. Fills the per-sheet
    counts with what the upload did to the current table (a row newer data overrides is unchanged);
    returns (arriving, leaving, changed, unchanged, labels of the rows leaving)."""
    table = _q(ds.table)
    keys = _key_columns(ds)
    cols = [n for n, _ in table_columns(ds)]
    values = [c for c in cols if c not in keys and c != "row_key"]
    col_list = ", ".join(_q(c) for c in cols)
    con.execute(f"CREATE OR REPLACE TEMP TABLE late_before AS SELECT * FROM {table}")
    con.execute(f"INSERT INTO {_log_table(ds)} SELECT {col_list}, {int(batch_id)}, _skip, _sheet, _row FROM stg")
    con.execute("INSERT INTO batch_datasets VALUES (?, ?, ?, ?, ?, ?, true, ?)",
                [batch_id, ds.name, rule, span[0], span[1], version_on, version_on])
    _crash_point("import:staged")
    _rebuild(con, ds)
    if ds.derived_sector:
        _fill_sector(con, table, ds)
    _drop_stg_class(con)
    con.execute(f"""
        CREATE TEMP TABLE stg_class AS
        SELECT s._sheet, s._row,
               CASE WHEN NOT EXISTS (SELECT 1 FROM {table} t WHERE {_match('s', 't', keys)}) THEN 'unchanged'
                    WHEN NOT EXISTS (SELECT 1 FROM late_before b WHERE {_match('s', 'b', keys)}) THEN 'new'
                    WHEN EXISTS (SELECT 1 FROM late_before b JOIN {table} t ON {_match('b', 't', keys)}
                                 AND {_match('b', 't', values)} WHERE {_match('s', 'b', keys)}) THEN 'unchanged'
                    ELSE 'updated' END AS change
        FROM stg s WHERE NOT s._skip""")
    totals = _tally(con, sheets)
    gone = f"NOT EXISTS (SELECT 1 FROM {table} x WHERE {_match('x', 't', keys)})"
    leaving, labels = _leaving(con, ds, sheets, "late_before", gone)
    con.execute("DROP TABLE late_before")
    return totals["new"], leaving, totals["updated"], totals["unchanged"], labels


def _label_sql(ds) -> str:
    """SQL over `t`: a row's label for people, its name with its code in brackets ("B项目（P002）"):
    the last of `key_from` (or the key), then the others that differ from it."""
    fields = list(ds.key_from or ds.key)
    main, rest = f"t.{_q(fields[-1])}", [f"t.{_q(f)}" for f in fields[:-1]]
    code = " || '、' || ".join(rest)
    if not rest:
        return f"CAST({main} AS VARCHAR)"
    return (f"CASE WHEN {code} IS NULL OR {code} = {main} THEN CAST({main} AS VARCHAR) "
            f"ELSE {main} || '（' || {code} || '）' END")


def _span_text(lo, hi) -> str:
    return fmt.date_cn(lo) if lo == hi else f"{fmt.date_cn(lo)}至{fmt.date_cn(hi)}"


def _sentence(con, ds, rule: str, span, change: DatasetChange, note: str | None, in_span: int) -> None:
    """Fill change.sentence / other_rule / other_sentence: which rule applied, in plain Chinese."""
    label = ds.label
    if rule == RULE_PERIOD:
        periods = [r[0] for r in con.execute(f"SELECT DISTINCT {_q(_period_field(ds))} FROM stg WHERE NOT _skip "
                                             f"ORDER BY 1").fetchall()]
        shown = "、".join(fmt.month_label(p) for p in periods[:6]) + ("等" if len(periods) > 6 else "")
        change.sentence = (f"按报告期替换：本文件所含报告期（{shown}）的{label}由本文件取代，"
                           f"库中这些报告期有而本文件没有的 {change.leaving} 行删除，其他报告期不变。")
    elif rule == RULE_UPSERT:
        keys = "、".join(ds.field(k).label if k in ds.field_names else k for k in ds.key)
        change.sentence = (f"按{keys}更新：本文件的行新增或覆盖库中{keys}相同的行，库中本文件没有的行保留。")
    elif rule == RULE_REPLACE and ds.span_field is None:  # versioned, sent whole
        kept = change.arriving + change.changed + change.unchanged
        change.sentence = (f"按“整本台账新版本”处理：本文件的 {kept} 行即导入后的{label}（新增 {change.arriving} 行、"
                           f"更新 {change.changed} 行、未变 {change.unchanged} 行）")
        if change.leaving:
            shown = change.leaving_labels[:LEAVING_NAMED]
            more = f"等 {change.leaving} 项" if change.leaving > len(shown) else ""
            change.sentence += (f"，库中有、本文件没有的 {change.leaving} 项移出当前台账（可撤销本批次恢复）："
                                f"{'、'.join(shown)}{more}。")
        else:
            change.sentence += "，库中没有要移出的行。"
        change.other_rule = RULE_APPEND
        change.other_sentence = ("如本文件只列出部分行（补充或更新），不是整本台账，请改选“追加”：库中已有的行"
                                 "全部保留，只新增或更新本文件中的行。")
    elif rule == RULE_REPLACE:
        span_txt = _span_text(*span)
        if in_span:
            change.sentence = (f"按“整本台账新版本”处理：库中{label}在本文件覆盖的时段（{span_txt}，从文件中最早的"
                               f"日期到文件日期）内的 {in_span} 行，由本文件的 "
                               f"{change.arriving + change.changed + change.unchanged} 行取代"
                               f"（更正的行替换、台账中已删去的行移出、渠道或工作表改名不重复计算）。")
            change.other_rule = RULE_APPEND
            change.other_sentence = ("如本文件只是补充的新行、不是整本台账，请改选“追加”：库中已有的行全部保留，"
                                     "只新增或更新本文件中的行。")
        else:
            change.sentence = (f"本文件的日期（{span_txt}）与库中已有的{label}不重叠，按“追加”处理："
                               f"新增 {change.arriving} 行，库中原有的行不变。")
    else:  # append
        change.sentence = (f"按“追加”处理：本文件中库里没有的 {change.arriving} 行新增，已有的行按本文件更新，"
                           f"库中其他行全部保留、不删除。")
        if not note:
            change.other_rule = RULE_REPLACE
            change.other_sentence = ("如本文件是整本台账的新版本（含更正和删除），请改选“整本替换”：" +
                                     ("库中本文件没有的行移出当前台账。" if ds.span_field is None else
                                      "库中本文件日期范围内的行由本文件取代。"))
    if note:
        change.sentence = note + change.sentence
    n_skip = int(con.execute("SELECT count(*) FROM stg WHERE _skip").fetchall()[0][0])
    if n_skip and not note:
        change.sentence += f"跳过的 {n_skip} 个错误行不改动库中对应的行。"


def _header_word(ds: Dataset, sheet) -> str | None:
    """Dataset.header_word: the first of its words that the sheet's header of one of its fields contains."""
    _, fields, words = ds.header_word
    for name in fields:
        for header, mapped in (getattr(sheet, "columns", None) or {}).items():
            if mapped == name:
                text = unicodedata.normalize("NFKC", str(header))
                hit = next((w for w in words if w in text), None)
                if hit:
                    return hit
    return None


def _data_date(wb: WorkbookResult, imported: dt.date) -> tuple[dt.date, bool]:
    """(version_on of an upload, whether the file states it): a date in the file name, else a 截至 date the
    reader found, else (the import date, False)."""
    found = _date_in_text(wb.file)
    if found:
        return found, True
    for s in wb.sheets:
        for attr in ("as_of", "data_date"):
            value = getattr(s, attr, None)
            if value is not None and not pd.isna(value):
                return pd.Timestamp(value).date(), True
        for text in [getattr(s, "title", None) or ""] + list(getattr(s, "notes", []) or []):
            m = re.search(r"截至\s*(.+)", str(text))
            if m:
                found = _date_in_text(m.group(1))
                if found:
                    return found, True
    return imported, False


_DATE_8 = re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)")
_DATE_SEP = re.compile(r"(?<!\d)(20\d{2})\s*[-_.年/]\s*(\d{1,2})\s*[-_.月/]\s*(\d{1,2})(?!\d)")


def _date_in_text(text: str) -> dt.date | None:
    for rx in (_DATE_SEP, _DATE_8):
        for m in rx.finditer(text or ""):
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    return None


def _duplicate_key_problem(con, ds) -> str | None:
    """Keys repeated in temp table `stg` (the reader refuses them within a workbook; this is the net
    for frames that did not come through it). Ledgers have no key to repeat."""
    if ds.merge == "ledger":
        return None
    keys = ", ".join(_q(k) for k in ds.key)
    same = " AND ".join(f"s.{_q(k)} IS NOT DISTINCT FROM d.{_q(k)}" for k in ds.key)
    rows = con.execute(f"""
        WITH v AS (SELECT * FROM stg WHERE NOT _skip),
             dup AS (SELECT {keys} FROM v GROUP BY {keys} HAVING count(*) > 1 LIMIT 1)
        SELECT s._sheet, s._row FROM v s JOIN dup d ON {same} ORDER BY s._sheet_no, s._row""").fetchall()
    if not rows:
        return None
    labels = "、".join(ds.field(k).label for k in ds.key if k in ds.field_names) or "、".join(ds.key)
    where = "；".join(f"{sheet} 第{int(row)}行" for sheet, row in rows)
    return f"{ds.label}中键（{labels}）重复：{where}。请删除重复行后重新导入。"


def import_workbooks(con: duckdb.DuckDBPyConnection, workbooks: list[WorkbookResult], *, who: str = "命令行",
                     skip_invalid: bool = False, dry_run: bool = False, inspect=None,
                     ledger_rule: str | None = None) -> list[ImportOutcome]:
    """Import each parsed workbook as one batch: the file commits whole or changes nothing.

    A file with any error is refused unless `skip_invalid` (then its bad rows are left out, counted
    in rows_skipped, and protect the stored rows of their keys). `dry_run` computes every count,
    preview and DatasetChange and rolls back. `ledger_rule` ("replace", the default, or "append")
    is the rule for ledger datasets (see the module docstring). `inspect(con)`, if given, runs
    inside the transaction after the merge and its result is kept in ImportOutcome.inspected.
    """
    return [_import_one(con, wb, who=who, skip_invalid=skip_invalid, dry_run=dry_run, inspect=inspect,
                        ledger_rule=ledger_rule) for wb in workbooks]


def _refusal(wb: WorkbookResult, skip_invalid: bool) -> str | None:
    if wb.error:
        return wb.error
    parsed = [s for s in wb.sheets if s.dataset]
    if not parsed:
        seen = "；".join(f"{s.sheet}：{s.skipped_reason}" for s in wb.sheets) or "没有工作表"
        return f"文件“{wb.file}”中没有可识别的数据表（{seen}）。请检查表头是否为数据说明中列出的列名，或下载模板对照。"
    errors = [p for p in wb.problems if p.level == ERROR]
    if errors and not skip_invalid:
        return (f"文件“{wb.file}”有 {len(errors)} 个错误，已拒绝导入，数据库未作任何改动。"
                f"请按问题清单修改后重新上传，或选择“跳过错误行”导入其余行。")
    return None


def _import_one(con, wb: WorkbookResult, *, who, skip_invalid, dry_run, inspect, ledger_rule) -> ImportOutcome:
    refused = _refusal(wb, skip_invalid)
    if refused:
        return ImportOutcome(workbook=wb, committed=False, dry_run=dry_run, refused=refused)
    parsed = [s for s in wb.sheets if s.dataset]
    by_dataset: dict[str, list] = {}
    for s in parsed:
        by_dataset.setdefault(s.dataset, []).append(s)
    outcome = ImportOutcome(workbook=wb, committed=False, dry_run=dry_run)
    with _WRITE_LOCK:
        con.execute("BEGIN TRANSACTION")
        try:
            batch_id = int(con.execute("SELECT nextval('import_batch_seq')").fetchall()[0][0])
            now = datetime.now().replace(microsecond=0)
            version_on, stated = _data_date(wb, now.date())
            touched_registry = False
            for name, sheet_results in by_dataset.items():
                ds = _dataset(name)
                infos: dict[str, SheetImport] = {}
                frames = []
                for s in sheet_results:
                    frame = s.frame if s.frame is not None else pd.DataFrame()
                    skip = (~frame["_valid"].astype(bool)) if "_valid" in frame.columns else False
                    frame = frame.assign(_sheet=s.sheet, _skip=skip)
                    if ds.header_word:
                        frame = frame.assign(**{ds.header_word[0]: _header_word(ds, s)})
                    if "_row" not in frame.columns:
                        frame = frame.assign(_row=range(len(frame)))
                    frames.append(frame)
                    infos[s.sheet] = SheetImport(file=wb.file, sheet=s.sheet, dataset=name, rows_read=s.rows_read,
                                                 rows_skipped=int(frame["_skip"].sum()) if len(frame) else 0,
                                                 warnings=len(s.warnings))
                frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
                if frame.empty:
                    outcome.sheets.extend(infos.values())
                    continue
                _stage_frame(con, ds, frame, {s: i for i, s in enumerate(infos)})
                del frame, frames
                dup = _duplicate_key_problem(con, ds)
                if dup:
                    raise StoreError(dup)
                rule, span, note = _resolve_rule(con, ds, ledger_rule, version_on)
                removal = _removal_condition(ds, rule, "(SELECT * FROM stg WHERE NOT _skip)",
                                             "(SELECT * FROM stg WHERE _skip)", span)
                rows_before, total_before = _totals(con, ds)
                in_span = 0
                if rule == RULE_REPLACE and span[0] is not None:
                    in_span = int(con.execute(f"SELECT count(*) FROM {_q(ds.table)} WHERE {_q(ds.span_field)} "
                                              f"BETWEEN ? AND ?", [span[0], span[1]]).fetchall()[0][0])
                newest = _newest_fold(con, ds)
                fold_on = version_on if stated else newest
                late = stated and newest is not None and version_on < newest
                if late:  # older than data already loaded: folded in at its date (module docstring)
                    arriving, leaving, changed, unchanged, labels = _fold_late(con, ds, batch_id, rule, span,
                                                                               version_on, infos)
                else:
                    arriving, leaving, changed, unchanged, labels = _classify(con, ds, infos, removal)
                    _crash_point("import:staged")
                    _apply_upload(con, ds, batch_id, rule, span)
                    _record_version(con, ds, batch_id, "(SELECT * FROM stg WHERE NOT _skip)")
                    con.execute("INSERT INTO batch_datasets VALUES (?, ?, ?, ?, ?, ?, true, ?)",
                                [batch_id, name, rule, span[0], span[1], version_on, fold_on])
                touched_registry = touched_registry or name == "entities"
                rows_after, total_after = _totals(con, ds)
                change = DatasetChange(dataset=name, label=ds.label, rule=rule, sentence="", rows_before=rows_before,
                                       rows_after=rows_after, arriving=arriving, leaving=leaving, changed=changed,
                                       total_label=ds.field(ds.total_field).label if ds.total_field else None,
                                       total_before=total_before, total_after=total_after,
                                       span_from=span[0], span_to=span[1], unchanged=unchanged,
                                       leaving_labels=labels)
                if late:
                    change.sentence = (f"本文件的数据日期（{fmt.date_cn(version_on)}）早于库中已有的{ds.label}"
                                       f"（最新为{fmt.date_cn(newest)}），按数据日期顺序并入：它作为较早的数据保存，"
                                       f"不覆盖库中较新的数据（撤销本批次即去掉它）。当前{ds.label}因此新增 {arriving} 行、"
                                       f"更新 {changed} 行、移出 {leaving} 行，其余 {unchanged} 行不变或以较新的数据为准。")
                else:
                    _sentence(con, ds, rule, span, change, note, in_span)
                outcome.changes.append(change)
                outcome.sheets.extend(infos.values())
            if touched_registry:
                # datasets without their own industry code take the registry's: the registry just changed
                for ds in DATASETS.values():
                    if ds.derived_sector and ds.name != "entities":
                        _fill_sector(con, _q(ds.table), ds)
            _crash_point("import:applied")
            for info in outcome.sheets:
                con.execute("INSERT INTO import_log VALUES (?, 'import', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                            [batch_id, wb.file, wb.sha256, info.sheet, info.dataset, info.rows_read, info.rows_new,
                             info.rows_updated, info.rows_unchanged, info.rows_removed, info.rows_skipped,
                             info.warnings, now, who,
                             next((c.sentence for c in outcome.changes if c.dataset == info.dataset), None)])
            problems = [(batch_id, p.level, p.file, p.sheet, p.row, p.column, p.value, p.message) for p in wb.problems]
            if problems:
                con.executemany("INSERT INTO import_problems VALUES (?, ?, ?, ?, ?, ?, ?, ?)", problems)
            if inspect is not None:
                outcome.inspected = inspect(con)
            if dry_run:
                con.execute("ROLLBACK")
            else:
                _crash_point("import:commit")
                con.execute("COMMIT")
                _crash_point("import:committed")
                outcome.committed = True
                outcome.batch_id = batch_id
        except StoreError as exc:
            _rollback_quietly(con)
            outcome.sheets, outcome.changes = [], []
            outcome.refused = str(exc)
        except BaseException as exc:
            _rollback_quietly(con)
            err = _io_error(exc, _db_name(con))
            if isinstance(err, StoreError):
                outcome.sheets, outcome.changes = [], []
                outcome.refused = str(err)
            else:
                raise
    return outcome


def import_log(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The import history, newest first: one row per imported sheet or rollback."""
    return con.execute("SELECT * FROM import_log ORDER BY batch_id DESC, sheet").df()


# ---------------------------------------------------------------------------
# Rollback
# ---------------------------------------------------------------------------
def rollback(con: duckdb.DuckDBPyConnection, batch_id: int, *, who: str = "命令行") -> int:
    """Undo import batch `batch_id` exactly: every dataset it touched is rebuilt from the other live
    batches (whatever later batches re-sent), derived sectors recomputed with the current mapping.

    Refused (StoreError, Chinese) when the batch is unknown, already rolled back, a rollback itself,
    or was imported before the store's schema upgrade (its replaced rows were not kept). Returns the
    id of the rollback, which is logged in the history like an import.
    """
    with _WRITE_LOCK:
        rows = con.execute("SELECT kind, rolled_back_by, file_name FROM import_log WHERE batch_id = ?",
                           [batch_id]).fetchall()
        if not rows:
            raise StoreError(f"没有编号为 {batch_id} 的导入批次。请在导入历史中核对批次编号。")
        kind, rolled_back_by, file_name = rows[0]
        if kind != "import":
            raise StoreError(f"批次 {batch_id} 本身是一次撤销操作，不能再撤销。")
        if rolled_back_by is not None:
            raise StoreError(f"批次 {batch_id}（{file_name}）已由批次 {rolled_back_by} 撤销。")
        touched = [r[0] for r in con.execute("SELECT dataset, exact FROM batch_datasets WHERE batch_id = ?",
                                             [batch_id]).fetchall()]
        inexact = con.execute("SELECT count(*) FROM batch_datasets WHERE batch_id = ? AND NOT exact",
                              [batch_id]).fetchall()[0][0]
        if inexact:
            raise StoreError(f"批次 {batch_id}（{file_name}）导入于数据库结构升级之前，当时没有保存它替换掉的数据，"
                             f"无法精确撤销。请重新导入正确的文件来更正数据。")
        con.execute("BEGIN TRANSACTION")
        try:
            new_id = int(con.execute("SELECT nextval('import_batch_seq')").fetchall()[0][0])
            con.execute("UPDATE import_log SET rolled_back_by = ? WHERE batch_id = ?", [new_id, batch_id])
            deleted = restored = 0
            for name in touched:
                ds = _dataset(name)
                cols = ", ".join(_q(n) for n, _ in table_columns(ds) if n != "sector" or not ds.derived_sector)
                con.execute(f"CREATE OR REPLACE TEMP TABLE rb_before AS SELECT {cols} FROM {_q(ds.table)}")
                _rebuild(con, ds)
                if ds.derived_sector:
                    _fill_sector(con, _q(ds.table), ds)
                deleted += con.execute(f"SELECT count(*) FROM (SELECT * FROM rb_before EXCEPT ALL "
                                       f"SELECT {cols} FROM {_q(ds.table)})").fetchall()[0][0]
                restored += con.execute(f"SELECT count(*) FROM (SELECT {cols} FROM {_q(ds.table)} EXCEPT ALL "
                                        f"SELECT * FROM rb_before)").fetchall()[0][0]
            _refill_derived(con)
            _crash_point("rollback:rebuilt")
            con.execute("""INSERT INTO import_log VALUES (?, 'rollback', ?, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, 0,
                           ?, ?, NULL, ?)""", [new_id, file_name, datetime.now().replace(microsecond=0), who,
                                              f"撤销批次 {batch_id}：删除 {deleted} 行，恢复 {restored} 行"])
            _crash_point("rollback:commit")
            con.execute("COMMIT")
            _crash_point("rollback:committed")
        except BaseException as exc:
            _rollback_quietly(con)
            raise _io_error(exc, _db_name(con)) from exc
    return new_id


# ---------------------------------------------------------------------------
# Dated versions of a ledger
# ---------------------------------------------------------------------------
def ledger_versions(con: duckdb.DuckDBPyConnection, dataset: str = "projects") -> pd.DataFrame:
    """Every live upload of `dataset` as a dated version: one row per row of each live import batch.

    For the projects ledger (versioned): one row per project of each version, the ledger as it stood
    after that upload (a whole ledger: the upload itself; an upload under "append": the ledger before it
    with the upload's rows added or updated). Columns: batch_id (int), version_on
    (datetime.date), imported_at (timestamp), file_name, then the dataset's fields and extra columns
    (project_key …). Rows skipped for an error and rolled-back batches are left out; ordered by
    batch_id, then the dataset's key.

    version_on, the data date of the upload: a date in the file name (yyyymmdd, yyyy-mm-dd,
    yyyy.mm.dd, yyyy_mm_dd or yyyy年m月d日), else a 截至… date the reader found in the sheet's title
    (SheetResult.as_of / data_date / title / notes), else the date of the import. Batches imported
    before the store's schema upgrade (version 1) hold only the rows that were current then, dated
    by their import date.
    """
    ds = _dataset(dataset)
    cols = ", ".join(_q(n) for n, _ in table_columns(ds))
    order = ", ".join(f"x.{_q(n)}" for n in _key_columns(ds))
    tables = _tables(con)
    logged = (f"UNION ALL BY NAME SELECT {cols}, _batch_id FROM {_log_table(ds)} WHERE NOT _skip"
              if ds.table + "__log" in tables else "")  # a version-1 store opened read-only has no log
    dated = ("JOIN batch_datasets b ON b.batch_id = x._batch_id AND b.dataset = $ds" if "batch_datasets" in tables
             else "JOIN (SELECT batch_id, CAST(min(imported_at) AS DATE) AS version_on FROM import_log "
                  "WHERE dataset = $ds GROUP BY batch_id) b ON b.batch_id = x._batch_id")
    rows = f"SELECT {cols}, _batch_id FROM {_q(ds.table)} {logged}"
    if ds.versioned and ds.table + "__versions" in tables:  # a version = the table after its batch's fold step
        on = " AND ".join(f"r.{_q(k)} IS NOT DISTINCT FROM m.{_q(k)}" for k in _key_columns(ds))
        rows = (f"{rows} UNION ALL BY NAME SELECT r.* EXCLUDE (_batch_id), m.batch_id AS _batch_id "
                f"FROM {_versions_table(ds)} m JOIN ({rows}) r ON r._batch_id = m.row_batch AND {on}")
    frame = con.execute(f"""
        WITH live AS (
            SELECT batch_id, min(imported_at) AS imported_at, any_value(file_name) AS file_name
            FROM import_log WHERE kind = 'import' AND rolled_back_by IS NULL GROUP BY batch_id),
        rows AS ({rows})
        SELECT b.batch_id, b.version_on, l.imported_at, l.file_name, {", ".join("x." + _q(n) for n, _ in table_columns(ds))}
        FROM rows x {dated}
        JOIN live l ON l.batch_id = x._batch_id
        ORDER BY b.batch_id, {order}""", {"ds": dataset}).df()
    frame["batch_id"] = frame["batch_id"].astype("int64")
    frame["version_on"] = pd.Series([None if pd.isna(v) else pd.Timestamp(v).date() for v in frame["version_on"]],
                                    index=frame.index, dtype=object)
    if "batch_datasets" not in tables:  # version 1 read-only: the file name's date where it has one
        frame["version_on"] = [_date_in_text(f) or v for f, v in zip(frame["file_name"], frame["version_on"])]
    return frame


# ---------------------------------------------------------------------------
# Column mappings chosen by hand on the upload page, remembered per sheet layout
# ---------------------------------------------------------------------------
def layout_signature(dataset: str, headers: list[str]) -> str:
    """A sheet layout: its dataset and the set of its header texts (order ignored)."""
    return hashlib.sha256(("\x1f".join([dataset] + sorted(headers))).encode("utf-8")).hexdigest()[:16]


def remembered_mapping(con: duckdb.DuckDBPyConnection, layout: str) -> dict[str, str]:
    """{header text: field} saved for this layout."""
    return dict(con.execute("SELECT header, field FROM column_mappings WHERE layout = ?", [layout]).fetchall())


def remember_mapping(con: duckdb.DuckDBPyConnection, layout: str, mapping: dict[str, str], who: str) -> None:
    """Save (replace) the hand-made mapping of a layout; an empty field name forgets that header."""
    with _WRITE_LOCK:
        now = datetime.now().replace(microsecond=0)
        for header, fld in mapping.items():
            con.execute("DELETE FROM column_mappings WHERE layout = ? AND header = ?", [layout, header])
            if fld:
                con.execute("INSERT INTO column_mappings VALUES (?, ?, ?, ?, ?)", [layout, header, fld, now, who])
