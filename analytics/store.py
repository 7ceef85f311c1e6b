"""DuckDB store: one table per dataset, the import log, import batches, rollback.

Tables (DDL derived from analytics.schema, never written by hand):
  <dataset table>         current rows: the dataset's fields + extra columns + _batch_id
  <dataset table>__prev   rows replaced or removed by a later batch (_batch_id, _replaced_by)
  import_log              one row per imported sheet or rollback
  meta                    key/value (sector mapping fingerprint)
"""
from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from analytics import sectors as _sectors
from analytics.ingest.model import ERROR, WorkbookResult
from analytics.schema import DATASETS, Dataset
from analytics.schema import dataset as _dataset

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
    con.execute("CREATE TABLE IF NOT EXISTS column_mappings (layout VARCHAR, header VARCHAR, field VARCHAR, "
                "saved_at TIMESTAMP, saved_by VARCHAR, PRIMARY KEY (layout, header))")


def connect(path: str | os.PathLike | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and create the schema of) the store at `path` (default: default_db_path(); ':memory:' works)."""
    path = str(path or default_db_path())
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(path, read_only=read_only)
    if not read_only:
        create_schema(con)
        refresh_sectors(con)
    return con


# ---------------------------------------------------------------------------
# Importing
# ---------------------------------------------------------------------------

# One import or rollback at a time in this process: a second upload committed at the same
# moment waits for the first (DuckDB itself refuses a second writing process).
_WRITE_LOCK = threading.RLock()
PREVIEW_ROWS = 200  # rows of before/after kept per sheet for the preview


class StoreError(Exception):
    """A refused store operation; str(e) is the Chinese message for the user."""


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
    removed: pd.DataFrame | None = None  # rows the upload's periods no longer carry


@dataclass
class ImportOutcome:
    """One file's import: committed whole, or refused with a Chinese reason (nothing written)."""

    workbook: WorkbookResult
    committed: bool
    dry_run: bool = False
    batch_id: int | None = None
    refused: str | None = None
    sheets: list[SheetImport] = field(default_factory=list)
    inspected: object = None  # what `inspect(con)` returned inside the transaction


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """A number that changes on every committed import or rollback (the last batch id)."""
    return int(con.execute("SELECT coalesce(max(batch_id), 0) FROM import_log").fetchall()[0][0])


def is_empty(con: duckdb.DuckDBPyConnection) -> bool:
    """True when no dataset table holds a row."""
    return all(con.execute(f'SELECT count(*) FROM "{ds.table}"').fetchall()[0][0] == 0
               for ds in DATASETS.values())


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _key_columns(ds) -> list[str]:
    return ["row_key"] if ds.merge == "ledger" else list(ds.key)


def _stage_frame(con, ds, frame: pd.DataFrame, sheet_order: dict[str, int]) -> None:
    """Create temp table `stg` from the reader's frames: canonical types, effective sector, ledger row keys."""
    cols = table_columns(ds)
    df = frame.copy()
    for name, _ in cols:
        if name not in df.columns:
            df[name] = None
    df["_sheet_no"] = df["_sheet"].map(sheet_order).astype("int64")
    con.register("stg_df", df[[n for n, _ in cols] + ["_sheet", "_sheet_no", "_row"]])
    casts = ", ".join(f"CAST({_q(n)} AS {t}) AS {_q(n)}" for n, t in cols if n != "row_key")
    con.execute(f"CREATE OR REPLACE TEMP TABLE stg AS SELECT {casts}, _sheet, _sheet_no, "
                f"CAST(_row AS BIGINT) AS _row FROM stg_df")
    con.unregister("stg_df")
    if ds.merge == "ledger":
        # The fingerprint of the identifying fields plus the occurrence number of that fingerprint in
        # the upload: the same ledger uploaded again (rows appended) gives the same keys.
        parts = " || '\x1f' || ".join(f"coalesce(CAST({_q(k)} AS VARCHAR), '\x00')" for k in ds.key)
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE stg AS
            SELECT * EXCLUDE (fp), fp || '#' || row_number() OVER (PARTITION BY fp ORDER BY _sheet_no, _row)
                   AS row_key
            FROM (SELECT *, md5({parts}) AS fp FROM stg)""")
    if ds.name in ("entities", "industrial"):
        _fill_sector(con, "stg", ds.name)
    elif "sector" in ds.field_names:
        con.execute("UPDATE stg SET sector = coalesce(sector, '其他')")


def _fill_sector(con, table: str, dataset_name: str, mapping: dict[str, str] | None = None) -> None:
    """Effective sector: the file's own sector text when it names a park sector, else the industry code
    through the mapping file (industrial rows without a code take the registry's code), else 其他."""
    if not con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]:
        return
    mapping = mapping if mapping is not None else _sectors.load_mapping()
    code_expr = "t.industry_code"
    if dataset_name == "industrial":
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


def refresh_sectors(con: duckdb.DuckDBPyConnection, mapping_path=None) -> bool:
    """Recompute the effective sector of entities and industrial rows when the mapping file changed.

    Returns True when it recomputed. connect() calls it, so the dashboard and the CLI see an edited
    mapping the next time they open the store.
    """
    path = mapping_path or _sectors.DEFAULT_MAPPING_PATH
    fp = _sectors.mapping_fingerprint(path)
    row = con.execute("SELECT value FROM meta WHERE key = 'sector_mapping_sha256'").fetchall()
    if row and row[0][0] == fp:
        return False
    mapping = _sectors.load_mapping(path)
    with _WRITE_LOCK:
        con.execute("BEGIN TRANSACTION")
        try:
            for name in ("entities", "industrial"):
                _fill_sector(con, name, name, mapping)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('sector_mapping_sha256', ?)", [fp])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return True


def _merge_dataset(con, ds, batch_id: int, sheets: dict[str, SheetImport]) -> None:
    """Merge temp table `stg` into the dataset's table; fill the per-sheet counts in `sheets`."""
    table = _q(ds.table)
    prev = _q(ds.table + "__prev")
    keys = _key_columns(ds)
    cols = [n for n, _ in table_columns(ds)]
    values = [c for c in cols if c not in keys]
    on = " AND ".join(f"s.{_q(k)} IS NOT DISTINCT FROM t.{_q(k)}" for k in keys)
    same = " AND ".join(f"s.{_q(c)} IS NOT DISTINCT FROM t.{_q(c)}" for c in values) or "TRUE"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE stg_class AS
        SELECT s._sheet, s._row,
               CASE WHEN NOT EXISTS (SELECT 1 FROM {table} t WHERE {on}) THEN 'new'
                    WHEN EXISTS (SELECT 1 FROM {table} t WHERE {on} AND {same}) THEN 'unchanged'
                    ELSE 'updated' END AS change
        FROM stg s""")
    for sheet, change, n in con.execute("SELECT _sheet, change, count(*) FROM stg_class GROUP BY ALL").fetchall():
        setattr(sheets[sheet], f"rows_{change}", int(n))
    # preview of updates: before (store) and after (upload), same order
    col_list = ", ".join(_q(c) for c in cols)
    upd = f"""SELECT s.* FROM stg s JOIN stg_class c USING (_sheet, _row) WHERE c.change = 'updated'"""
    for sheet, info in sheets.items():
        if info.rows_updated:
            after = con.execute(f"SELECT {col_list}, _row AS \"Excel行号\" FROM ({upd}) s WHERE _sheet = ? "
                                f"ORDER BY _row LIMIT {PREVIEW_ROWS}", [sheet]).df()
            before = con.execute(f"""SELECT t.* EXCLUDE (_batch_id), s._row AS "Excel行号" FROM ({upd}) s
                                     JOIN {table} t ON {on} WHERE s._sheet = ? ORDER BY s._row
                                     LIMIT {PREVIEW_ROWS}""", [sheet]).df()
            info.updated_before, info.updated_after = before, after
    # rows the upload's periods no longer carry (period datasets only)
    removed_cond = None
    if ds.merge == "period":
        removed_cond = (f"t.period IN (SELECT DISTINCT period FROM stg) "
                        f"AND NOT EXISTS (SELECT 1 FROM stg s WHERE {on})")
        removed = con.execute(f"SELECT t.* EXCLUDE (_batch_id) FROM {table} t WHERE {removed_cond} "
                              f"ORDER BY ALL").df()
        if len(removed):
            first = next(iter(sheets.values()))
            first.rows_removed = len(removed)
            first.removed = removed.head(PREVIEW_ROWS)
    # apply: keep replaced and removed rows in __prev for rollback, then write the new versions
    replaced = (f"EXISTS (SELECT 1 FROM stg s JOIN stg_class c USING (_sheet, _row) "
                f"WHERE c.change = 'updated' AND {on})")
    gone = f"({replaced}) OR ({removed_cond})" if removed_cond else replaced
    con.execute(f"INSERT INTO {prev} SELECT {col_list}, _batch_id, ? FROM {table} t WHERE {gone}", [batch_id])
    con.execute(f"DELETE FROM {table} t WHERE {gone}")
    con.execute(f"""INSERT INTO {table} SELECT {", ".join("s." + _q(c) for c in cols)}, ?
                    FROM stg s JOIN stg_class c USING (_sheet, _row) WHERE c.change <> 'unchanged'""",
                [batch_id])


def _duplicate_key_problem(con, ds) -> str | None:
    """Keys repeated in temp table `stg` (the reader refuses them within a workbook; this is the net
    for frames that did not come through it). Ledgers have no key to repeat."""
    if ds.merge == "ledger":
        return None
    keys = ", ".join(_q(k) for k in ds.key)
    same = " AND ".join(f"s.{_q(k)} IS NOT DISTINCT FROM d.{_q(k)}" for k in ds.key)
    rows = con.execute(f"""
        WITH dup AS (SELECT {keys} FROM stg GROUP BY {keys} HAVING count(*) > 1 LIMIT 1)
        SELECT s._sheet, s._row FROM stg s JOIN dup d ON {same} ORDER BY s._sheet_no, s._row""").fetchall()
    if not rows:
        return None
    labels = "、".join(ds.field(k).label for k in ds.key if k in ds.field_names) or "、".join(ds.key)
    where = "；".join(f"{sheet} 第{int(row)}行" for sheet, row in rows)
    return f"{ds.label}中键（{labels}）重复：{where}。请删除重复行后重新导入。"


def import_workbooks(con: duckdb.DuckDBPyConnection, workbooks: list[WorkbookResult], *, who: str = "命令行",
                     skip_invalid: bool = False, dry_run: bool = False, inspect=None) -> list[ImportOutcome]:
    """Import each parsed workbook as one batch: the file commits whole or changes nothing.

    A file with any error is refused unless `skip_invalid` (then its bad rows are left out and
    counted in rows_skipped). `dry_run` computes every count and preview and rolls back.
    `inspect(con)`, if given, runs inside the transaction after the merge (e.g. headline figures
    "after") and its result is kept in ImportOutcome.inspected.
    """
    return [_import_one(con, wb, who=who, skip_invalid=skip_invalid, dry_run=dry_run, inspect=inspect)
            for wb in workbooks]


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


def _import_one(con, wb: WorkbookResult, *, who, skip_invalid, dry_run, inspect) -> ImportOutcome:
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
            for name, sheet_results in by_dataset.items():
                ds = _dataset(name)
                infos: dict[str, SheetImport] = {}
                frames = []
                for s in sheet_results:
                    frame = s.frame if s.frame is not None else pd.DataFrame()
                    skipped = 0
                    if "_valid" in frame.columns:
                        skipped = int((~frame["_valid"].astype(bool)).sum())
                        frame = frame[frame["_valid"].astype(bool)]
                    frame = frame.assign(_sheet=s.sheet)
                    frames.append(frame)
                    infos[s.sheet] = SheetImport(file=wb.file, sheet=s.sheet, dataset=name, rows_read=s.rows_read,
                                                 rows_skipped=skipped, warnings=len(s.warnings))
                frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
                if frame.empty:
                    outcome.sheets.extend(infos.values())
                    continue
                _stage_frame(con, ds, frame, {s: i for i, s in enumerate(infos)})
                dup = _duplicate_key_problem(con, ds)
                if dup:
                    raise StoreError(dup)
                _merge_dataset(con, ds, batch_id, infos)
                outcome.sheets.extend(infos.values())
            if "entities" in by_dataset:
                # industrial rows without their own code take the registry's: the registry just changed
                _fill_sector(con, "industrial", "industrial")
            for info in outcome.sheets:
                con.execute("INSERT INTO import_log VALUES (?, 'import', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                            [batch_id, wb.file, wb.sha256, info.sheet, info.dataset, info.rows_read, info.rows_new,
                             info.rows_updated, info.rows_unchanged, info.rows_removed, info.rows_skipped,
                             info.warnings, now, who])
            problems = [(batch_id, p.level, p.file, p.sheet, p.row, p.column, p.value, p.message) for p in wb.problems]
            if problems:
                con.executemany("INSERT INTO import_problems VALUES (?, ?, ?, ?, ?, ?, ?, ?)", problems)
            if inspect is not None:
                outcome.inspected = inspect(con)
            if dry_run:
                con.execute("ROLLBACK")
            else:
                con.execute("COMMIT")
                outcome.committed = True
                outcome.batch_id = batch_id
        except StoreError as exc:
            con.execute("ROLLBACK")
            outcome.sheets = []
            outcome.refused = str(exc)
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return outcome


def import_log(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The import history, newest first: one row per imported sheet or rollback."""
    return con.execute("SELECT * FROM import_log ORDER BY batch_id DESC, sheet").df()


def rollback(con: duckdb.DuckDBPyConnection, batch_id: int, *, who: str = "命令行") -> int:
    """Undo import batch `batch_id`: its new rows go, the rows it replaced or removed come back.

    Refused (StoreError, Chinese) when the batch is unknown, already rolled back, a rollback itself,
    or when a later batch changed its rows (that one must be rolled back first). Returns the id
    of the rollback, which is logged in the history like an import.
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
        for ds in DATASETS.values():
            later = con.execute(f'SELECT min(_replaced_by) FROM "{ds.table}__prev" WHERE _batch_id = ?',
                                [batch_id]).fetchall()[0][0]
            if later is not None:
                raise StoreError(f"批次 {batch_id} 导入的部分{ds.label}数据已被之后的批次 {later} 更新，"
                                 f"请先撤销批次 {later}，再撤销批次 {batch_id}。")
        con.execute("BEGIN TRANSACTION")
        try:
            new_id = int(con.execute("SELECT nextval('import_batch_seq')").fetchall()[0][0])
            restored = deleted = 0
            for ds in DATASETS.values():
                cols = ", ".join(_q(n) for n, _ in table_columns(ds))
                deleted += con.execute(f'DELETE FROM "{ds.table}" WHERE _batch_id = ?', [batch_id]).fetchall()[0][0]
                restored += con.execute(f'INSERT INTO "{ds.table}" SELECT {cols}, _batch_id FROM "{ds.table}__prev" '
                                        f'WHERE _replaced_by = ?', [batch_id]).fetchall()[0][0]
                con.execute(f'DELETE FROM "{ds.table}__prev" WHERE _replaced_by = ?', [batch_id])
            _fill_sector(con, "industrial", "industrial")  # the registry may have changed
            con.execute("UPDATE import_log SET rolled_back_by = ? WHERE batch_id = ?", [new_id, batch_id])
            con.execute("""INSERT INTO import_log VALUES (?, 'rollback', ?, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, 0,
                           ?, ?, NULL, ?)""", [new_id, file_name, datetime.now().replace(microsecond=0), who,
                                              f"撤销批次 {batch_id}：删除 {deleted} 行，恢复 {restored} 行"])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return new_id


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
