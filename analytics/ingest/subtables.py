"""A second table below the first on the same sheet.

Offices paste one table per shop, month or channel down a single sheet: a
title row ("大通店"), the same header again, more rows. Inside the data such
a repeated header is not data, and the title above it names the rows that
follow (for a sales ledger without a channel column, their channel). A header
row with *other* columns is a different table that cannot be read with the
first table's columns: the rows from there on are not read, and the problem
says so.

Everything here works on whole columns (pyarrow `is_in`), so a sheet of a
million rows costs a few column passes; Python only visits the few rows that
look like a header.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analytics.ingest.headers import HeaderLayout, nfkc
from analytics.schema import DATASETS, SERIAL_HEADERS, SUB_HEADERS


def _all_header_texts() -> list[str]:
    out = set(SUB_HEADERS) | set(SERIAL_HEADERS)
    for ds in DATASETS.values():
        for f in ds.fields:
            out.update(f.synonyms)
            out.add(f.label)
    return sorted(out)


ALL_HEADER_TEXTS = _all_header_texts()


@dataclass
class SubTables:
    """Table rows (0-based, in the raw table) that are not data, and the titles of later tables."""

    repeated: list[int] = field(default_factory=list)   # rows repeating the header
    titles: dict[int, str] = field(default_factory=dict)  # title row -> its text
    foreign: int | None = None                            # first row of a header with other columns
    # (repeated header row, title) of each later table that has a title: the title names the rows below
    segments: list[tuple[int, str]] = field(default_factory=list)

    @property
    def dropped(self) -> set[int]:
        return set(self.repeated) | set(self.titles)


def find_sub_tables(table: pa.Table, layout: HeaderLayout, head: list[list]) -> SubTables:
    """Repeated headers, their title rows and a foreign header among the data rows of `table`.

    `head` holds the first rows of the sheet as text (the header rows among them).
    A data row is header-like when at least two of its cells are column names; it
    repeats the header when at least two of them stand in their own column as in
    the header and at most one does not.
    """
    out = SubTables()
    start = layout.data_start
    n = table.num_rows - start
    if n <= 0:
        return out
    width = table.num_columns
    own: dict[int, set[str]] = {}
    for r in layout.rows:
        for c in range(width):
            v = head[r][c] if r < len(head) and c < len(head[r]) else None
            if v not in (None, ""):
                own.setdefault(c, set()).update((str(v), str(v).strip()))
    known = pa.array(sorted(set(ALL_HEADER_TEXTS) | {t for s in own.values() for t in s}), pa.string())
    same = pa.array(np.zeros(n, dtype=np.int64))
    anywhere = pa.array(np.zeros(n, dtype=np.int64))
    for c in range(width):
        col = table.column(c).slice(start).combine_chunks()  # as written: a repeated header is a copy
        hit_any = pc.fill_null(pc.is_in(col, value_set=known), False)
        if not pc.any(hit_any).as_py():
            continue
        anywhere = pc.add(anywhere, pc.cast(hit_any, pa.int64()))
        if c in own:
            hit_own = pc.fill_null(pc.is_in(col, value_set=pa.array(sorted(own[c]), pa.string())), False)
            same = pc.add(same, pc.cast(hit_own, pa.int64()))
    candidates = pc.indices_nonzero(pc.greater_equal(anywhere, 2)).to_pylist()
    if not candidates:
        return out
    same_l = same.to_pylist()
    any_l = anywhere.to_pylist()
    for i in candidates:
        row = start + i
        filled = sum(1 for c in range(width) if table.column(c)[row].as_py() not in (None, ""))
        if any_l[i] * 2 < filled:  # a data row that happens to hold two words such as 企业 and 产品
            continue
        if same_l[i] >= 2 and any_l[i] - same_l[i] <= 1:
            out.repeated.append(row)
            title = _title_above(table, row, start, out)
            if title is not None:
                out.titles[title[0]] = title[1]
                out.segments.append((row, title[1]))
        else:
            out.foreign = row
            break
    return out


def _title_above(table: pa.Table, row: int, start: int, found: SubTables) -> tuple[int, str] | None:
    """The nearest non-blank row above `row` (within the data) when it holds a single text: a title."""
    r = row - 1
    while r >= start:
        if r in found.repeated:
            return None
        cells = [table.column(c)[r].as_py() for c in range(table.num_columns)]
        texts = [nfkc(v) for v in cells if v not in (None, "") and nfkc(v)]
        if not texts:
            r -= 1
            continue
        if len(texts) == 1 and not _numeric(texts[0]):
            return r, texts[0]
        return None
    return None


def _numeric(text: str) -> bool:
    try:
        float(text.replace(",", ""))
        return True
    except ValueError:
        return False
