"""read_workbook: a file in, every sheet recognised, parsed and validated out.

Flow per sheet: raw text (source.py) -> header layout and dataset
(headers.py) -> data rows parsed and checked in DuckDB (parse.py); then, over
the whole workbook, duplicate keys across rows and sheets of one dataset; then
one pandas frame per sheet (model.SheetResult.frame).
"""
from __future__ import annotations

import datetime as dt
import os
import re

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from analytics.ingest import messages as msg
from analytics.ingest.headers import (
    HEADER_SCAN_ROWS,
    HeaderLayout,
    Mapping,
    find_header,
    find_period_in_text,
    find_sheet_unit,
    find_year_in_text,
    map_headers,
    normalise_overrides,
    parse_period_text,
    without_stamps,
)
from analytics.ingest.model import ERROR, WARNING, Problem, SheetResult, WorkbookResult
from analytics.ingest.parse import (
    MAX_PROBLEMS_PER_CHECK,
    ParsedSheet,
    SheetContext,
    build_sheet,
    fill_columns,
    select_rows,
)
from analytics.ingest.source import FileRefused, RawSheet, SheetInfo, Workbook, column_letter
from analytics.ingest.subtables import SubTables, find_sub_tables
from analytics.schema import DATASETS, Dataset
from analytics.schema import dataset as get_dataset

PROSE_SHEET_NAME_RE = re.compile(r"说明|填表|填报|备注|注意|目录|readme|封面", re.I)
UNIT_DEFAULT = "万元"


def read_workbook(source, file_name: str | None = None, *, column_overrides: dict | None = None,
                  today: dt.date | None = None, dataset_hint: str | None = None) -> WorkbookResult:
    """Read every sheet of an uploaded workbook (path or bytes).

    Never raises for a bad file: `WorkbookResult.error` then holds a one-line
    Chinese reason. Each sheet becomes a SheetResult: recognised (dataset,
    frame in canonical units: money 万元, dates DATE, periods the first day of
    the month, one row per data row with `_row` = Excel row and `_valid`) or
    skipped with a reason. `column_overrides` = {sheet name or "*": {header
    text: field name or None}}; `today` dates the "in the future" warning;
    `dataset_hint` reads only sheets of that dataset.
    """
    if file_name is None:
        file_name = os.path.basename(os.fspath(source)) if not isinstance(source, (bytes, bytearray, memoryview)) \
            else "上传的文件"
    today = today or dt.date.today()
    hint = get_dataset(dataset_hint) if dataset_hint else None
    try:
        wb = Workbook.open(source, file_name)
    except FileRefused as exc:
        return WorkbookResult(file=file_name, sha256=exc.sha256 or "", error=str(exc))
    result = WorkbookResult(file=file_name, sha256=wb.sha256)
    con = duckdb.connect(":memory:")
    try:
        parsed: list[tuple[SheetResult, ParsedSheet]] = []
        for i, info in enumerate(wb.sheets):
            sr, ps = _read_sheet(con, wb, info, i, column_overrides, today, hint)
            result.sheets.append(sr)
            if ps is not None:
                parsed.append((sr, ps))
        parsed = _drop_repeated_sheets(con, parsed)
        _check_duplicates(con, parsed)
        for sr, ps in parsed:
            sr.frame = _frame(con, ps)
            sr.problems.sort(key=_problem_order)
    finally:
        con.close()
    return result


_SUMMARY_PREFIX = msg.MORE_PROBLEMS.split("{")[0]


def _problem_order(p: Problem) -> tuple:
    """Sheet-level problems first, then by Excel row (errors before warnings), "另有 N 行" summaries last."""
    if p.row is None:
        return (2 if p.message.startswith(_SUMMARY_PREFIX) else 0, 0, 0)
    return (1, p.row, 0 if p.level == ERROR else 1)


# --------------------------------------------------------------------------- one sheet

def _skipped(wb: Workbook, name: str, reason: str) -> tuple[SheetResult, None]:
    return SheetResult(file=wb.file_name, sheet=name, dataset=None, skipped_reason=reason), None


def _read_sheet(con, wb: Workbook, info: SheetInfo, index: int, column_overrides, today: dt.date,
                hint: Dataset | None) -> tuple[SheetResult, ParsedSheet | None]:
    if not info.visible:
        return _skipped(wb, info.name, msg.SKIP_HIDDEN)
    if info.kind != "worksheet":
        return _skipped(wb, info.name, msg.SKIP_CHART)
    try:
        raw = wb.read_sheet(info)
    except Exception as exc:  # a sheet calamine cannot read does not stop the others
        return _skipped(wb, info.name, msg.SKIP_UNREADABLE.format(detail=str(exc).splitlines()[0][:120]))
    if raw is None:
        return _skipped(wb, info.name, msg.SKIP_EMPTY)
    head = _head_rows(raw.table)
    overrides = normalise_overrides(column_overrides, info.name)
    year_guess = find_year_in_text(info.name) or _first_year(head[:5])
    layout = find_header(head, raw.first_row, raw.first_col, raw.merges, year_guess, set(overrides))
    if layout is None:
        if not any(any(c not in (None, "") for c in row) for row in head):
            return _skipped(wb, info.name, msg.SKIP_EMPTY)
        if _is_prose(info.name, head):
            return _skipped(wb, info.name, msg.SKIP_PROSE)
        return _skipped(wb, info.name, msg.SKIP_NO_HEADER.format(n=HEADER_SCAN_ROWS, seen=msg.join_names(
            _seen_texts(head), limit=8)))

    for h in layout.headers:
        h.hidden = raw.first_col + h.col in raw.hidden_cols
    seen = msg.join_names([h.text for h in layout.headers])
    chosen, reason = _choose_dataset(layout, overrides, hint, seen)
    if chosen is None:
        sr, _ = _skipped(wb, info.name, reason)
        sr.header_rows = tuple(raw.first_row + r for r in layout.rows)
        return sr, None
    ds = chosen.dataset
    sr = SheetResult(file=wb.file_name, sheet=info.name, dataset=ds.name,
                     header_rows=tuple(raw.first_row + r for r in layout.rows),
                     columns={h.text: f for f, h in chosen.fields.items()},
                     unused_columns=[h.text for h in sorted([h for h in chosen.unused if not h.serial]
                                                            + [h for h, _, f in chosen.duplicates
                                                               if h not in fill_columns(chosen, f)],
                                                            key=lambda h: h.col)])
    for h, used, fname in chosen.duplicates:
        note = msg.NOTE_FILL_COLUMN if h in fill_columns(chosen, fname) else msg.NOTE_DUPLICATE_COLUMN
        sr.notes.append(note.format(header=h.text, other=used.text, label=ds.field(fname).label))

    beside = _table_beside(chosen)
    beside_col = column_letter(raw.first_col + beside.col) if beside is not None else None
    ctx = _context(wb, info, layout, chosen, today, sr)
    serial_cols = {h.col for h in layout.headers if h.serial}
    table, filled = fill_merged_data_cells(raw.table, raw.merges, raw.first_row, raw.first_col, layout.data_start)
    subs = find_sub_tables(table, layout, head)
    selection = select_rows(table, layout.data_start, raw.first_row, serial_cols)
    data, blank, footer, close_at = selection
    del table
    if selection.sections:
        sr.notes.append(msg.NOTE_SECTION_ROWS.format(n=selection.sections, example=selection.section_example))
    if subs.dropped or subs.foreign is not None:
        data = _apply_sub_tables(data, subs, raw.first_row, layout, chosen, info.name, wb.file_name, sr)
    if filled:  # a note for each merge over data rows of a column the dataset reads
        read_cols = {h.col: h.text for h in chosen.fields.values()}
        kept = set(data.column("_row").to_pylist())
        filled = [(read_cols[c], r1, r2) for c, r1, r2 in filled if c in read_cols and r1 in kept]
        for header, r1, r2 in filled[:MAX_MERGE_NOTES]:
            sr.notes.append(msg.NOTE_MERGED_DATA.format(first=r1, last=r2, header=header))
        if len(filled) > MAX_MERGE_NOTES:
            sr.notes.append(msg.NOTE_MERGED_DATA_MORE.format(n=len(filled) - MAX_MERGE_NOTES))
    if close_at is not None:
        sr.notes.append(msg.NOTE_FOOTER.format(row=close_at))
    if blank or footer:
        sr.notes.append(msg.NOTE_ROWS_DROPPED.format(blank=blank, footer=footer))
    numeric = _numeric_cells(wb, raw, chosen, data)
    percent = _percent_cells(raw, chosen, data)
    for fname, mask in percent.items():
        sr.notes.append(msg.NOTE_PERCENT_CELLS.format(header=chosen.fields[fname].text, n=pc.sum(mask).as_py()))
    first_col = raw.first_col
    formula_cells = raw.formula_cells
    raw.table = None  # the raw text is no longer needed: free it before parsing
    del raw
    data_rows = set(data.column("_row").to_pylist()) if formula_cells else set()
    parsed = build_sheet(con, f"sheet_{index}", data, chosen, ctx, numeric, percent)
    del data
    if beside is not None:  # the whole sheet is refused: reading only the left table would lose the right one
        con.execute(f'UPDATE "{parsed.table}" SET _valid = false')
        parsed.sheet_error = True
        sr.sheet_problem = msg.TABLE_BESIDE_SHEET
        sr.problems.append(Problem(ERROR, wb.file_name, info.name, None, beside.text, None,
                                   msg.TABLE_BESIDE.format(col=beside_col, header=beside.text)))
    sr.rows_read = parsed.rows
    sr.cells_blanked = parsed.cells_blanked
    sr.error_cells = parsed.error_cells
    sr.problems.extend(parsed.problems)
    sr.problems.extend(_formula_problems(wb.file_name, info.name, formula_cells, chosen, first_col, data_rows))
    return sr, parsed


def _table_beside(chosen: Mapping):
    """The first header of a second table standing beside the first (every required field's column again,
    to the right of all the columns read), or None."""
    required = [f for f in chosen.dataset.required if f in chosen.fields]
    if not required:
        return None
    right_of = max(h.col for h in chosen.fields.values())
    again = [(h, f) for h, _used, f in chosen.duplicates if h.col > right_of]
    if not set(required) <= {f for _h, f in again}:
        return None
    return min((h for h, _f in again), key=lambda h: h.col)


def _head_rows(table: pa.Table) -> list[list[str | None]]:
    head = table.slice(0, HEADER_SCAN_ROWS + 2)
    cols = [head.column(i).to_pylist() for i in range(head.num_columns)]
    return [list(r) for r in zip(*cols)] if cols else []


def _first_year(rows) -> int | None:
    for row in rows:
        for c in row:
            if c:
                y = find_year_in_text(without_stamps(c))
                if y:
                    return y
    return None


def _is_prose(name: str, head) -> bool:
    if PROSE_SHEET_NAME_RE.search(name):
        return True
    used_cols = {j for row in head for j, c in enumerate(row) if c not in (None, "")}
    long_text = any(c and len(str(c)) > 15 for row in head for c in row)
    return len(used_cols) <= 2 and long_text


def _seen_texts(head) -> list[str]:
    out = []
    for row in head:
        for c in row:
            if c not in (None, "") and len(out) < 8:
                t = str(c).strip()
                out.append(t if len(t) <= 20 else t[:20] + "…")
    return out


def _choose_dataset(layout: HeaderLayout, overrides, hint: Dataset | None, seen: str) -> tuple[Mapping | None, str]:
    """The dataset a header describes, or (None, reason)."""
    mappings = [map_headers(ds, layout.headers, overrides) for ds in DATASETS.values()]
    complete = [m for m in mappings if not m.missing_signature]
    if hint is not None:
        mine = next(m for m in mappings if m.dataset.name == hint.name)
        if not mine.missing_signature or mine.score >= 2:
            return mine, ""
        others = sorted(complete, key=lambda m: -m.score)
        if others:
            return None, msg.SKIP_NOT_HINT.format(hint=hint.label, found=others[0].dataset.label)
        return None, msg.SKIP_NOT_HINT_UNKNOWN.format(hint=hint.label, seen=seen)
    if not complete:
        best = max(m.score for m in mappings)
        closest = [m for m in mappings if m.score == best]
        extra = ""
        if best >= 2 and len(closest) == 1:
            extra = msg.SKIP_CLOSEST.format(label=closest[0].dataset.label, missing=msg.join_names(
                [closest[0].dataset.field(f).label for f in closest[0].missing_signature]))
        elif best >= 2:  # as close to several: name each with what it lacks
            extra = msg.SKIP_CLOSEST_SEVERAL.format(options="或".join(msg.SKIP_CLOSEST_OPTION.format(
                label=m.dataset.label, missing=msg.join_names([m.dataset.field(f).label for f in m.missing_signature]))
                for m in closest))
        return None, msg.SKIP_NO_DATASET.format(seen=seen, closest=extra)
    complete.sort(key=lambda m: -m.score)
    if len(complete) > 1 and complete[1].score == complete[0].score:
        tied = [m.dataset.label for m in complete if m.score == complete[0].score]
        return None, msg.SKIP_AMBIGUOUS.format(labels=msg.join_names(tied), seen=seen)
    return complete[0], ""


def _context(wb: Workbook, info: SheetInfo, layout: HeaderLayout, chosen: Mapping, today: dt.date,
             sr: SheetResult) -> SheetContext:
    """Sheet-wide facts: default money unit, the period and year from the sheet name or title."""
    title = " ".join(layout.above)
    ctx = SheetContext(file=wb.file_name, sheet=info.name, today=today)
    ctx.default_unit = find_sheet_unit(title)
    if ctx.default_unit:
        sr.notes.append(msg.NOTE_DEFAULT_UNIT.format(unit=ctx.default_unit))
    dated = without_stamps(title)  # the year and period come from the title, not from "导出时间：…"
    ctx.default_year = find_year_in_text(info.name) or find_year_in_text(dated)
    ds = chosen.dataset
    if any(f.default_from == "period" and f.name not in chosen.fields for f in ds.fields):
        candidates = [
            ("工作表名", find_period_in_text(info.name) or parse_period_text(info.name, ctx.default_year)),
            ("标题", find_period_in_text(dated)),
        ]
        # a value column named by its period ("1-5月", "2025年1-5月 工业增加值"): the dataset's period
        # value field first, then the other figures in schema order
        order = [ds.period_value_field] + [f.name for f in ds.fields if f.kind in ("money", "number")]
        value_header = next((h for f, h in sorted(chosen.fields.items(),
                                                  key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
                             if h.period), None)
        if value_header is not None:
            candidates.insert(0, ("列名", value_header.period))
        for where, period in candidates:
            if period:
                ctx.default_period = period
                label = f"{period[0]}年{period[1]}月"
                if where == "列名":
                    sr.notes.append(msg.NOTE_HEADER_PERIOD.format(header=value_header.text, period=label))
                else:
                    sr.notes.append(msg.NOTE_PERIOD_FROM_SHEET.format(where=where, period=label))
                break
    if ctx.default_year is None and ctx.default_period:
        ctx.default_year = ctx.default_period[0]
    for f in ds.fields:
        if f.default_from == "sheet" and f.name not in chosen.fields:
            sr.notes.append(msg.NOTE_CHANNEL_FROM_SHEET.format(label=f.label, channel=info.name))
    return ctx


def _numeric_cells(wb: Workbook, raw: RawSheet, chosen: Mapping, data: pa.Table) -> dict[str, pa.Array]:
    """For each credit-code column, which data cells the workbook stored as numbers (aligned with `data`)."""
    out = {}
    for fname, h in chosen.fields.items():
        if chosen.dataset.field(fname).kind != "uscc":
            continue
        rows = wb.number_cells(raw, h.col)
        if rows:
            out[fname] = pc.is_in(data.column("_row"), value_set=pa.array(sorted(rows), pa.int64()))
    return out


def _percent_cells(raw: RawSheet, chosen: Mapping, data: pa.Table) -> dict[str, pa.Array]:
    """For each percentage or plain-number column, which data cells the workbook shows as a percentage
    (aligned with `data`): such a cell holds 0.099 for 9.9 % (a growth rate, a 价格指数 of 98.7%)."""
    out = {}
    if not raw.percent_cells:
        return out
    for fname, h in chosen.fields.items():
        if chosen.dataset.field(fname).kind not in ("pct", "number"):
            continue
        col = raw.first_col + h.col
        rows = sorted(r for r, c in raw.percent_cells if c == col)
        if rows:
            mask = pc.is_in(data.column("_row"), value_set=pa.array(rows, pa.int64()))
            if pc.any(mask).as_py():
                out[fname] = mask
    return out


def _formula_problems(file: str, sheet: str, cells, chosen: Mapping, first_col: int,
                      data_rows: set[int]) -> list[Problem]:
    """A warning per formula cell without a cached value in a column the dataset reads, on a data
    row (a 合计 row's =SUM() is not read, so it is not reported)."""
    by_col = {first_col + h.col: h for h in chosen.fields.values()}
    out: list[Problem] = []
    hits = [(r, c) for r, c in cells if c in by_col and r in data_rows]
    for r, c in hits[:MAX_PROBLEMS_PER_CHECK]:
        h = by_col[c]
        out.append(Problem(WARNING, file, sheet, r, h.text, None,
                           msg.FORMULA_NO_VALUE.format(cell=f"{column_letter(c)}{r}"), chosen.fields and
                           next(f for f, hh in chosen.fields.items() if hh is h)))
    if len(hits) > MAX_PROBLEMS_PER_CHECK:
        out.append(Problem(WARNING, file, sheet, None, None, None,
                           msg.MORE_PROBLEMS.format(n=len(hits) - MAX_PROBLEMS_PER_CHECK, shown=MAX_PROBLEMS_PER_CHECK)))
    return out


MAX_MERGE_NOTES = 5


def _apply_sub_tables(data: pa.Table, subs: SubTables, first_row: int, layout: HeaderLayout, chosen: Mapping,
                      sheet: str, file: str, sr: SheetResult) -> pa.Table:
    """Data rows without repeated headers and their titles (nor anything from a foreign header on),
    with a `_title` column naming each later table's rows when a sales sheet has no channel column."""
    import numpy as np
    excel = lambda r: first_row + r  # noqa: E731  table row -> Excel row
    drop = sorted(excel(r) for r in subs.dropped)
    keep = pc.invert(pc.is_in(data.column("_row"), value_set=pa.array(drop, pa.int64())))
    if subs.foreign is not None:
        keep = pc.and_(keep, pc.less(data.column("_row"), excel(subs.foreign)))
        sr.problems.append(Problem(ERROR, file, sheet, excel(subs.foreign), None, None, msg.FOREIGN_HEADER.format(
            header_row=excel(layout.rows[-1]))))
    if subs.repeated:
        sr.notes.append(msg.NOTE_REPEATED_HEADER.format(rows="、".join(str(excel(r)) for r in subs.repeated)))
    for r, title in sorted(subs.titles.items()):
        sr.notes.append(msg.NOTE_SUB_TABLE_TITLE.format(row=excel(r), title=title))
    data = data.filter(keep)
    from_sheet = [f for f in chosen.dataset.fields if f.default_from == "sheet" and f.name not in chosen.fields]
    if from_sheet and subs.segments:
        starts = np.array([excel(r) for r, _ in subs.segments])
        titles = [None] + [t for _, t in subs.segments]
        which = np.searchsorted(starts, data.column("_row").to_numpy(), side="right")
        data = data.append_column("_title", pa.array([titles[k] for k in which], pa.string()))
        for r, t in subs.segments:
            sr.notes.append(msg.NOTE_CHANNEL_FROM_TITLE.format(row=excel(r) + 1, label=from_sheet[0].label, title=t))
    return data


def fill_merged_data_cells(table: pa.Table, merges, first_row: int, first_col: int,
                           data_start: int) -> tuple[pa.Table, list[tuple[int, int, int]]]:
    """The raw table with each vertically merged data cell's value copied into every row it spans.

    A merge such as J4:J5 (one leader for two projects) holds its value in J4 only; every row
    it covers means that value. Only the merge's first column is filled (a cell merged across
    columns names one column). Returns (new table, [(table column, first Excel row, last Excel
    row)]); the input table is not modified.
    """
    if not merges:
        return table, []
    start = first_row - 1 + data_start  # 0-based Excel row of the first data row
    by_col: dict[int, list[tuple[int, int]]] = {}
    filled = []
    for r1, c1, r2, _c2 in merges:
        col = c1 - first_col
        if r2 > r1 and r1 >= start and 0 <= col < table.num_columns:
            by_col.setdefault(col, []).append((r1 - (first_row - 1), r2 - (first_row - 1)))
            filled.append((col, r1 + 1, r2 + 1))
    if not by_col:
        return table, []
    import numpy as np
    n = table.num_rows
    for col, spans in by_col.items():
        arr = table.column(col).combine_chunks()
        source = np.arange(n)
        for a, b in spans:
            if a < n:
                source[a + 1:min(b, n - 1) + 1] = a
        arr = pc.take(arr, pa.array(source))
        table = table.set_column(col, table.column_names[col], arr)
    return table, sorted(filled, key=lambda t: (t[1], t[0]))


# --------------------------------------------------------------------------- whole workbook

def _key_columns(ds: Dataset, mapping: Mapping) -> list[str]:
    return list(ds.key)


def _key_label(ds: Dataset, mapping: Mapping) -> str:
    if ds.key_from:  # the key is the first of these fields the sheet has
        return ds.field(next((k for k in ds.key_from if k in mapping.fields), ds.key_from[-1])).label
    return "、".join(ds.field(k).label for k in ds.key)


def _key_header(ds: Dataset, mapping: Mapping) -> str | None:
    names = list(ds.key_from) if ds.key_from else list(reversed(ds.key))
    for n in names:
        if n in mapping.fields:
            return mapping.fields[n].text
    return None


def _fmt_key(ds: Dataset, name: str, value) -> str:
    if isinstance(value, dt.date) and name in ds.field_names and ds.field(name).kind == "period":
        return f"{value.year}-{value.month:02d}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _drop_repeated_sheets(con, parsed: list[tuple[SheetResult, ParsedSheet]]) -> list[tuple[SheetResult, ParsedSheet]]:
    """A ledger's sheet whose rows all recur in another sheet of the file is skipped, so its rows count once.

    A ledger's rows may repeat (two equal sales are two sales), so the key check cannot see a workbook that
    holds the same records twice: a 全部明细 sheet beside one sheet per channel, or a copied sheet. A sheet is
    dropped when its rows, as a multiset on every field, are contained in another kept sheet's (of two equal
    sheets the later one goes); a channel a sheet takes from its name is not compared, and two sheets that
    both take it from their names are a repeat only when they hold exactly the same rows.
    """
    groups: dict[str, list[int]] = {}
    for i, (_sr, ps) in enumerate(parsed):
        if ps.dataset.merge == "ledger" and not ps.sheet_error and ps.rows:
            groups.setdefault(ps.dataset.name, []).append(i)
    dropped: set[int] = set()
    for members in groups.values():
        for a in reversed(members):  # of two equal sheets the later one goes
            sheet_a, ps_a = parsed[a]
            ds = ps_a.dataset
            for b in members:
                sheet_b, ps_b = parsed[b]
                if b == a or b in dropped or ps_a.rows > ps_b.rows:
                    continue
                named = [f.name for f in ds.fields if f.default_from == "sheet"
                         and (f.name not in ps_a.mapping.fields or f.name not in ps_b.mapping.fields)]
                if any(f not in ps_a.mapping.fields and f not in ps_b.mapping.fields for f in named) \
                        and ps_a.rows != ps_b.rows:
                    continue  # two sheets named after their channels: only an exact copy is a repeat
                cols = ", ".join(f'"{f}"' for f in ds.field_names if f not in named)
                on = " AND ".join(f'x."{f}" IS NOT DISTINCT FROM y."{f}"' for f in ds.field_names if f not in named)
                missing = con.execute(
                    f'WITH x AS (SELECT {cols}, count(*) AS _n FROM "{ps_a.table}" GROUP BY ALL), '
                    f'y AS (SELECT {cols}, count(*) AS _n FROM "{ps_b.table}" GROUP BY ALL) '
                    f"SELECT count(*) FROM x LEFT JOIN y ON {on} WHERE y._n IS NULL OR y._n < x._n").fetchall()[0][0]
                if missing:
                    continue
                labels = [ds.field(f).label for f in ds.field_names if f in ps_a.mapping.fields and f not in named]
                sheet_a.skipped_reason = msg.SKIP_REPEATED.format(
                    n=ps_a.rows, other=sheet_b.sheet, fields="、".join(labels),
                    hint=ds.field(named[0]).label if named else labels[0])
                sheet_a.dataset, sheet_a.problems, sheet_a.notes, sheet_a.rows_read = None, [], [], 0
                sheet_a.error_cells = sheet_a.cells_blanked = 0
                con.execute(f'DROP TABLE "{ps_a.table}"')
                dropped.add(a)
                break
    return [p for i, p in enumerate(parsed) if i not in dropped]


def _check_duplicates(con, parsed: list[tuple[SheetResult, ParsedSheet]]) -> None:
    """Errors for keys seen twice in one upload (same sheet or another sheet of the dataset).

    The first occurrence stays valid; every later one is an error naming it.
    """
    groups: dict[str, list[int]] = {}
    for i, (_sr, ps) in enumerate(parsed):
        if ps.dataset.merge in ("snapshot", "period") and not ps.sheet_error:
            groups.setdefault(ps.dataset.name, []).append(i)
    for ds_name, members in groups.items():
        ds = DATASETS[ds_name]
        keys = _key_columns(ds, parsed[members[0]][1].mapping)
        kq = ", ".join(f'"{k}"' for k in keys)
        not_null = " AND ".join(f'"{k}" IS NOT NULL' for k in keys)
        union = " UNION ALL ".join(f'SELECT {i} AS _sheet, _row, {kq} FROM "{parsed[i][1].table}" WHERE {not_null}'
                                   for i in members)
        # one hash aggregate says whether any key repeats; the ordered window below (a sort of every
        # row) runs only when one does
        if not con.execute(f"SELECT 1 FROM ({union}) GROUP BY {kq} HAVING count(*) > 1 LIMIT 1").fetchall():
            continue
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _dups AS
            WITH u AS ({union}),
            r AS (SELECT *, row_number() OVER w AS _rn, first_value(_sheet) OVER w AS _first_sheet,
                         first_value(_row) OVER w AS _first_row
                  FROM u WINDOW w AS (PARTITION BY {kq} ORDER BY _sheet, _row))
            SELECT * FROM r WHERE _rn > 1""")
        for i in members:
            sr, ps = parsed[i]
            total = con.execute("SELECT count(*) FROM _dups WHERE _sheet = $s", {"s": i}).fetchall()[0][0]
            if not total:
                continue
            con.execute(f'UPDATE "{ps.table}" SET _valid = false FROM _dups d '
                        f'WHERE d._sheet = $s AND d._row = "{ps.table}"._row', {"s": i})
            sr.error_cells += int(total)  # the key cell of each later occurrence
            rows = con.execute(f"SELECT _row, _first_sheet, _first_row, {kq} FROM _dups WHERE _sheet = $s "
                               f"ORDER BY _row LIMIT {MAX_PROBLEMS_PER_CHECK}", {"s": i}).fetchall()
            label, header = _key_label(ds, ps.mapping), _key_header(ds, ps.mapping)
            for row, first_sheet, first_row, *vals in rows:
                key_desc = "，".join(f"{_label_of(ds, k, ps.mapping)}「{_fmt_key(ds, k, v)}」" for k, v in zip(keys, vals))
                if first_sheet == i:
                    text = msg.DUPLICATE_KEY.format(other_row=first_row, key_desc=key_desc, key_label=label)
                else:
                    text = msg.DUPLICATE_KEY_OTHER_SHEET.format(other_sheet=parsed[first_sheet][0].sheet,
                                                                other_row=first_row, key_desc=key_desc, key_label=label)
                value = _fmt_key(ds, keys[-1], vals[-1])
                sr.problems.append(Problem(ERROR, sr.file, sr.sheet, int(row), header, value, text, keys[-1]))
            if total > len(rows):
                sr.problems.append(Problem(ERROR, sr.file, sr.sheet, None, header, None,
                                           msg.MORE_PROBLEMS.format(n=total - len(rows), shown=len(rows)), keys[-1]))
        con.execute("DROP TABLE IF EXISTS _dups")


def _label_of(ds: Dataset, key: str, mapping: Mapping) -> str:
    if key not in ds.field_names:  # a derived key (project_key): named after the field it came from
        return _key_label(ds, mapping) if ds.key_from else key
    return ds.field(key).label


def _frame(con, ps: ParsedSheet):
    """The sheet's pandas frame: output columns, `_row`, `_valid`, in Excel row order.

    The table was created from the rows in Excel order and DuckDB keeps the insertion order
    (preserve_insertion_order), so no ORDER BY (a sort of every row); checked, and sorted only if not.
    """
    from analytics.ingest.parse import _output_columns
    cols = ", ".join(f'"{c}"' for c, _ in _output_columns(ps.dataset))
    table = con.sql(f'SELECT {cols}, _row, _valid FROM "{ps.table}"').to_arrow_table()
    con.execute(f'DROP TABLE "{ps.table}"')
    rows = table.column("_row").to_numpy()
    if len(rows) > 1 and not (rows[1:] > rows[:-1]).all():
        table = table.sort_by("_row")
    return table.to_pandas(date_as_object=False)
