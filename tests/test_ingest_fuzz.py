"""analytics.ingest: seeded random layouts of the same figures must read back to those figures.

Each case writes one small workbook the way an office might: header names drawn from the
schema's synonyms, columns in any order, units in any bracket style (元/千元/万元/亿元),
dates in any DATA.md form, an optional title, export stamp, 序号, 合计 row and signature line,
industrial figures under a one- or two-row header (merged or not). The expected value of every
cell is computed here from what was written (value x unit factor to 万元), never copied from
the reader.
"""
from __future__ import annotations

import datetime as dt
import math
import random

import openpyxl
import pytest

from analytics.ingest import read_workbook
from analytics.schema import DATASETS, MONEY_UNIT_TO_WAN
from ingest_fixtures import uscc

TODAY = dt.date(2025, 6, 30)
BRACKETS = ("（{}）", "({})", "（单位：{}）", "【{}】")
DATE_FORMS = (lambda d: d, lambda d: d.strftime("%Y/%m/%d"), lambda d: f"{d.year}年{d.month}月{d.day}日",
              lambda d: (d - dt.date(1899, 12, 30)).days, lambda d: d.strftime("%Y.%m.%d"),
              lambda d: f"{d.year} - {d.month:02d} - {d.day:02d}")
STAGES = {"已签约（待开工）": "签约", "在建": "开工", "洽谈中": "洽谈", "已投产运营": "投产", "停滞(资金未到位)": "停滞"}


def _unit(rng):
    u = rng.choice(list(MONEY_UNIT_TO_WAN))
    return u, rng.choice(BRACKETS).format(u), MONEY_UNIT_TO_WAN[u]


def _columns(rng, kind, n, seed):
    """[(header cells top to bottom, written values, field or None, expected values)]."""
    ds = DATASETS[kind]
    names = [f"企业{i}" for i in range(n)]
    if kind == "entities":
        codes = [uscc(seed * 10 + i) for i in range(n)]
        _, ub, factor = _unit(rng)
        caps = [round(rng.uniform(1, 5000), 1) for _ in range(n)]
        days = [dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3000)) for _ in range(n)]
        form = rng.choice(DATE_FORMS)
        return [([rng.choice(ds.field("uscc").synonyms)], [c.lower() if rng.random() < .3 else c for c in codes],
                 "uscc", codes),
                ([rng.choice(("企业名称", "市场主体名称", "主体名称"))], names, "name", names),
                ([rng.choice(ds.field("established_on").synonyms)], [form(d) for d in days], "established_on", days),
                (["注册资本" + ub], [f"{c:,}" if rng.random() < .5 else c for c in caps], "registered_capital",
                 [c * factor for c in caps])]
    if kind == "industrial":
        codes = [uscc(seed * 10 + i) for i in range(n)]
        _, ub, factor = _unit(rng)
        cur = [rng.randint(100, 99999) for _ in range(n)]
        prev = [rng.randint(100, 99999) for _ in range(n)]
        code_col = ([rng.choice(ds.field("uscc").synonyms)], codes, "uscc", codes)
        if rng.random() < .5:  # two-row header: the group over its sub-columns (kept together)
            return [code_col, (["工业增加值" + ub, "本年累计"], cur, "value_added_ytd", [v * factor for v in cur]),
                    ([None, rng.choice(("上年同期累计", "上年同期", "去年同期"))], prev, "value_added_prev_ytd",
                     [v * factor for v in prev])]
        return [code_col,
                ([rng.choice(("工业增加值本年累计", "本年累计工业增加值", "工业增加值累计")) + ub], cur, "value_added_ytd",
                 [v * factor for v in cur]),
                ([rng.choice(("上年同期工业增加值", "工业增加值上年同期累计")) + ub], prev, "value_added_prev_ytd",
                 [v * factor for v in prev])]
    if kind == "sales":
        _, ub, factor = _unit(rng)
        amounts = [round(rng.uniform(1, 90000), 2) for _ in range(n)]
        days = [dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 150)) for _ in range(n)]
        form = rng.choice(DATE_FORMS)
        return [([rng.choice(ds.field("sold_on").synonyms)], [form(d) for d in days], "sold_on", days),
                ([rng.choice(ds.field("enterprise").synonyms)], names, "enterprise", names),
                ([rng.choice(ds.field("amount").synonyms) + ub], amounts, "amount", [a * factor for a in amounts])]
    _, ub, factor = _unit(rng)
    investment = [rng.randint(1, 500) for _ in range(n)]
    stages = [rng.choice(list(STAGES)) for _ in range(n)]
    projects = [f"项目{i}" for i in range(n)]
    return [(["项目名称"], projects, "name", projects),
            ([rng.choice(ds.field("stage").synonyms)], stages, "stage", [STAGES[s] for s in stages]),
            ([rng.choice(ds.field("investment").synonyms) + ub], investment, "investment",
             [v * factor for v in investment])]


def _write(path, seed):
    rng = random.Random(seed)
    kind = rng.choice(("entities", "industrial", "sales", "projects"))
    n = rng.randint(1, 6)
    cols = _columns(rng, kind, n, seed)
    grouped = [c for c in cols if len(c[0]) == 2]
    rest = [c for c in cols if len(c[0]) == 1]
    rng.shuffle(rest)
    k = rng.randint(0, len(rest))
    cols = rest[:k] + grouped + rest[k:]
    depth = 2 if grouped else 1
    if rng.random() < .5:
        cols.insert(0, (["序号"] + [None] * (depth - 1), list(range(1, n + 1)), None, None))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = rng.choice(("Sheet1", "2025年1-5月", "数据")) if kind == "industrial" else rng.choice(("Sheet1", "台账"))
    needs_title = kind == "industrial" and ws.title != "2025年1-5月"
    if needs_title or rng.random() < .6:
        ws.append(["2025年1-5月规上工业" if kind == "industrial" else "园区数据表"])
    if rng.random() < .5:
        ws.append(["导出时间：2026-01-15 10:00:00"])  # a stamp, never the period's year
    for level in range(depth):
        ws.append([(c[0] + [None] * depth)[level] for c in cols])
    if grouped and rng.random() < .5:  # the group cell merged over its two sub-columns
        col = cols.index(grouped[0]) + 1
        row = ws.max_row - 1
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + 1)
    for i in range(n):
        ws.append([c[1][i] for c in cols])
    if rng.random() < .5:
        ws.append([None, "合计"])
    if rng.random() < .5:
        ws.append(["填表人：张三", None, "审核人：李四"])
    wb.save(path)
    return kind, n, [c for c in cols if c[2]]


def _same(got, want) -> bool:
    if isinstance(want, float):
        return isinstance(got, float) and math.isclose(got, want, rel_tol=1e-9)
    if isinstance(want, dt.date):
        return str(got)[:10] == want.isoformat()
    return got == want


@pytest.mark.parametrize("seed", range(40))
def test_random_layouts_read_back_the_figures_written(tmp_path, seed):
    kind, n, cols = _write(tmp_path / "w.xlsx", seed)
    s = read_workbook(tmp_path / "w.xlsx", today=TODAY).sheets[0]
    assert s.dataset == kind, s.skipped_reason
    assert s.errors == []
    assert len(s.frame) == n
    if kind == "industrial":  # the period from the sheet name or the title, never from the 2026 stamp
        assert {str(v)[:10] for v in s.frame["period"]} == {"2025-05-01"}
    for _, _, field, want in cols:
        got = s.frame[field].tolist()
        assert all(_same(g, w) for g, w in zip(got, want)), (field, got, want)
