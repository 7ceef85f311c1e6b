"""Model-based test of analytics.store: a plain-Python reference model of the merge rules against the store.

Random sequences (hypothesis) of: whole-ledger re-uploads of the sales ledger derived from what the
model holds (corrections, deletions, a renamed channel, rows appended), new-month files, uploads
under the analyst's other rule (append), monthly statistics revisions of some periods, registry
snapshots, imports with skipped (invalid) rows — their keys sometimes unreadable — and rollbacks of
any live batch in any order. After every step the store's rows (and so every figure computed from
them: the sales total, value added per period, entity counts) equal the model's.

The model folds the live batches in batch order, each under its rule, with dicts and lists only:
  upsert  (entities)   valid rows replace the row of their key
  period  (industrial) the periods of the valid rows are replaced, except stored rows whose key a
                       skipped row carries (a skipped row without a readable key keeps its period)
  replace (sales)      stored rows dated from the upload's first date to its data date (the import
                       date: no date in these file names) leave, except those whose row key a skipped
                       row carries; a skipped row without a date turns the batch into append
  append  (sales)      valid rows replace the row of their row key; nothing leaves
A sales row key is (its identifying fields, occurrence number of them in the upload, skipped rows counted).

`check(max_examples, max_steps)` runs it; the normal suite runs a bounded number of examples,
benchmarks/store_model.py a longer run.
"""
from __future__ import annotations

import datetime as dt
import os

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import store
from tests.test_store import wb

TODAY = dt.date.today()
DAYS = [dt.date(2025, 5, d) for d in (3, 10, 17)] + [dt.date(2025, 6, d) for d in (2, 9)] + [dt.date(2025, 7, 1)]
CHANNELS = ["展厅", "大通店", "展销会"]
FIRMS = ["甲", "乙", "丙"]
AMOUNTS = [0.5, 1.0, 2.0, 4.0]
PERIODS = [dt.date(2025, m, 1) for m in (3, 4, 5)]
USCCS = ["A", "B", "C", "D"]
SALES_KEY = ("sold_on", "channel", "event", "enterprise", "product")


# ---------------------------------------------------------------------------
# The reference model
# ---------------------------------------------------------------------------
def _fp(row):
    return tuple(row.get(k) for k in SALES_KEY)


def _row_keys(rows):
    seen: dict = {}
    out = []
    for r in rows:
        fp = _fp(r)
        seen[fp] = seen.get(fp, 0) + 1
        out.append((fp, seen[fp]))
    return out


class Model:
    def __init__(self):
        self.batches: list[dict] = []  # {id, dataset, rows, skipped, rule, live}

    def add(self, batch_id, dataset, rows, skipped_mask, rule=None):
        self.batches.append(dict(id=batch_id, dataset=dataset, rows=rows, skip=skipped_mask, rule=rule, live=True))

    def rollback(self, batch_id):
        next(b for b in self.batches if b["id"] == batch_id)["live"] = False

    def live(self):
        return [b["id"] for b in self.batches if b["live"]]

    def state(self, dataset):
        if dataset == "sales":
            cur: dict = {}  # row key -> row
            for b in self.batches:
                if b["live"] and b["dataset"] == "sales":
                    self._sales_step(cur, b)
            return sorted((r["sold_on"], r["channel"], r["enterprise"], r["amount"]) for r in cur.values())
        if dataset == "industrial":
            cur = {}
            for b in self.batches:
                if b["live"] and b["dataset"] == "industrial":
                    valid = [r for r, s in zip(b["rows"], b["skip"]) if not s]
                    skipped = [r for r, s in zip(b["rows"], b["skip"]) if s]
                    protected = {(r["period"], r["uscc"]) for r in skipped}
                    locked = {r["period"] for r in skipped if r["period"] is None or r["uscc"] is None}
                    periods = {r["period"] for r in valid}
                    if None not in locked:
                        for key in [k for k in cur if k[0] in periods and k[0] not in locked and k not in protected]:
                            del cur[key]
                    for r in valid:
                        cur[(r["period"], r["uscc"])] = r
            return sorted((k[0], k[1], r["value_added_ytd"]) for k, r in cur.items())
        cur = {}
        for b in self.batches:
            if b["live"] and b["dataset"] == "entities":
                for r, s in zip(b["rows"], b["skip"]):
                    if not s:
                        cur[r["uscc"]] = r
        return sorted((u, r["name"]) for u, r in cur.items())

    @staticmethod
    def _sales_step(cur, b):
        keys = _row_keys(b["rows"])
        valid = [(k, r) for k, r, s in zip(keys, b["rows"], b["skip"]) if not s]
        skipped = [(k, r) for k, r, s in zip(keys, b["rows"], b["skip"]) if s]
        rule = b["rule"] or "replace"
        if rule == "replace" and any(r["sold_on"] is None for _, r in skipped):
            rule = "append"
        if rule == "replace":
            dates = [r["sold_on"] for r in b["rows"] if r["sold_on"] is not None]
            lo, hi = min(dates), max(max(dates), TODAY)
            protected = {k for k, _ in skipped}
            for k in [k for k, r in cur.items() if lo <= r["sold_on"] <= hi and k not in protected]:
                del cur[k]
        for k, r in valid:
            cur[k] = r


# ---------------------------------------------------------------------------
# The store's side
# ---------------------------------------------------------------------------
def store_state(con, dataset):
    if dataset == "sales":
        rows = con.execute("SELECT sold_on, channel, enterprise, amount FROM sales").fetchall()
    elif dataset == "industrial":
        rows = con.execute("SELECT period, uscc, value_added_ytd FROM industrial").fetchall()
    else:
        rows = con.execute("SELECT uscc, name FROM entities").fetchall()
    return sorted(rows)


def _frame_rows(dataset, rows):
    """Rows as the reader gives them: dates as Timestamps (NaT when unreadable)."""
    out = []
    for r in rows:
        r = dict(r)
        for k in ("sold_on", "period", "established_on"):
            if k in r:
                r[k] = pd.Timestamp(r[k]) if r[k] is not None else pd.NaT
        out.append(r)
    return out


# ---------------------------------------------------------------------------
# Generating steps
# ---------------------------------------------------------------------------
sale = st.fixed_dictionaries({"sold_on": st.sampled_from(DAYS), "channel": st.sampled_from(CHANNELS),
                              "enterprise": st.sampled_from(FIRMS), "amount": st.sampled_from(AMOUNTS)})


def _current_sales(model):
    cur: dict = {}
    for b in model.batches:
        if b["live"] and b["dataset"] == "sales":
            Model._sales_step(cur, b)
    return list(cur.values())


@st.composite
def sales_upload(draw, model):
    kind = draw(st.sampled_from(["fresh", "whole_again", "new_month"]))
    base = _current_sales(model)
    if kind == "fresh" or not base:
        rows = draw(st.lists(sale, min_size=1, max_size=6))
    elif kind == "new_month":
        last = max(r["sold_on"] for r in base)
        later = [d for d in DAYS if d > last] or [DAYS[-1]]
        rows = draw(st.lists(sale.map(lambda r: r), min_size=1, max_size=3))
        rows = [dict(r, sold_on=draw(st.sampled_from(later))) for r in rows]
    else:  # the whole ledger again: corrections, deletions, a renamed channel, rows appended
        rows = [dict(r) for r in sorted(base, key=lambda r: (r["sold_on"], r["channel"], r["enterprise"]))]
        for r in rows:
            edit = draw(st.sampled_from(["keep", "keep", "firm", "amount", "delete"]))
            if edit == "firm":
                r["enterprise"] = draw(st.sampled_from(FIRMS))
            elif edit == "amount":
                r["amount"] = draw(st.sampled_from(AMOUNTS))
            elif edit == "delete":
                r["_drop"] = True
        rows = [r for r in rows if not r.get("_drop")]
        if draw(st.booleans()):  # the sheet (so the channel) renamed
            old, new = draw(st.sampled_from(CHANNELS)), draw(st.sampled_from(CHANNELS))
            rows = [dict(r, channel=new) if r["channel"] == old else r for r in rows]
        rows += draw(st.lists(sale, max_size=2))
        if not rows:
            rows = [draw(sale)]
    rows = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
    return rows


@st.composite
def industrial_upload(draw):
    periods = draw(st.lists(st.sampled_from(PERIODS), min_size=1, max_size=2, unique=True))
    rows = []
    for p in periods:
        for u in draw(st.lists(st.sampled_from(USCCS), min_size=1, max_size=4, unique=True)):
            rows.append(dict(period=p, uscc=u, value_added_ytd=float(draw(st.integers(1, 9)))))
    return rows


@st.composite
def entities_upload(draw):
    ids = draw(st.lists(st.sampled_from(USCCS), min_size=1, max_size=4, unique=True))
    return [dict(uscc=u, name=draw(st.sampled_from(["甲公司", "乙公司", "丙公司"])), established_on=dt.date(2020, 1, 1),
                 status="存续") for u in ids]


@st.composite
def skip_mask(draw, rows, key_fields):
    """Which rows have an error (skip-invalid), and, for some of them, an unreadable key field."""
    if not draw(st.booleans()):
        return rows, [False] * len(rows)
    mask = draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))
    out = []
    for r, bad in zip(rows, mask):
        r = dict(r)
        if bad:
            lost = draw(st.sampled_from([None] + list(key_fields)))
            if lost is not None and draw(st.integers(0, 3)) == 0:
                r[lost] = None
        out.append(r)
    return out, mask


def run_steps(data, max_steps):
    con = store.connect(":memory:")
    model = Model()
    try:
        for _ in range(data.draw(st.integers(min(3, max_steps), max_steps), label="steps")):
            op = data.draw(st.sampled_from(["sales", "sales", "sales", "industrial", "industrial", "entities",
                                            "rollback", "rollback", "rollback"]), label="op")
            if op == "rollback":
                if not model.live():
                    continue
                batch = data.draw(st.sampled_from(model.live()), label="rollback batch")
                store.rollback(con, batch)
                model.rollback(batch)
            else:
                rows = data.draw({"sales": sales_upload(model), "industrial": industrial_upload(),
                                  "entities": entities_upload()}[op], label=f"{op} rows")
                key_fields = {"sales": ("sold_on",), "industrial": ("period", "uscc"), "entities": ()}[op]
                rows, mask = data.draw(skip_mask(rows, key_fields), label="skipped")
                rule = data.draw(st.sampled_from([None, None, "append"]), label="rule") if op == "sales" else None
                o = store.import_workbooks(con, [wb(op, _frame_rows(op, rows), errors=[i for i, m in enumerate(mask) if m])],
                                           skip_invalid=any(mask), ledger_rule=rule)[0]
                assert o.committed, o.refused
                model.add(o.batch_id, op, rows, mask, rule)
            for ds in ("sales", "industrial", "entities"):
                assert store_state(con, ds) == model.state(ds), (ds, op)
                # every live batch keeps its whole contribution (the dated versions), once
                kept = store.ledger_versions(con, ds).groupby("batch_id").size().to_dict()
                assert kept == {b["id"]: len(b["skip"]) - sum(b["skip"]) for b in model.batches
                                if b["live"] and b["dataset"] == ds and len(b["skip"]) > sum(b["skip"])}, (ds, op)
    finally:
        con.close()


def check(max_examples: int, max_steps: int = 8) -> None:
    """Run the model comparison on `max_examples` random sequences of up to `max_steps` steps."""
    @settings(max_examples=max_examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.data())
    def prop(data):
        run_steps(data, max_steps)
    prop()


@pytest.mark.slow
def test_store_figures_equal_the_reference_model():
    check(int(os.environ.get("STORE_MODEL_EXAMPLES", "20")))


def test_store_figures_equal_the_reference_model_bounded():
    """The normal suite's bounded run (a few seconds); the slow test and benchmarks/store_model.py run more."""
    check(4, max_steps=5)
