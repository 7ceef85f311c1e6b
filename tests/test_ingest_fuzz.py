"""analytics.ingest: seeded random layouts of the same figures must read back to those figures.

Each case writes one small workbook the way an office might: header names drawn from the
schema's synonyms, columns in any order, units in any bracket style (元/千元/万元/亿元),
dates in any DATA.md form, an optional title, export stamp, 序号, 合计 row and signature line,
industrial figures under a one-, two- or three-row header (merged or not; 联网直报's group /
本年|上年同期 / 1-5月), a row of English field codes under the names, subtotal rows named in
any column ("5月小计"), the office's stage words, fuzzy dates ("2025年3月中旬") and approximate
amounts ("约120", "120左右"), units written in every cell ("500(万元)"); saved as .xlsx, as a
real .xls (xlwt), as an HTML table named .xls or as CSV. The expected value of every cell is
computed here from what was written (value x unit factor to 万元), never copied from the reader.
"""
from __future__ import annotations

import datetime as dt
import math
import random

import openpyxl
import pytest

from analytics.ingest import messages as msg
from analytics.ingest import read_workbook
from analytics.schema import DATASETS, MONEY_UNIT_TO_WAN

from ingest_fixtures import html_table, uscc, write_xls

TODAY = dt.date(2025, 6, 30)
BRACKETS = ("（{}）", "({})", "（单位：{}）", "【{}】")
DATE_FORMS = (lambda d: d, lambda d: d.strftime("%Y/%m/%d"), lambda d: f"{d.year}年{d.month}月{d.day}日",
              lambda d: (d - dt.date(1899, 12, 30)).days, lambda d: d.strftime("%Y.%m.%d"),
              lambda d: f"{d.year} - {d.month:02d} - {d.day:02d}")
STAGES = {"已签约（待开工）": "签约", "在建": "开工", "洽谈中": "洽谈", "已投产运营": "投产", "停滞(资金未到位)": "停滞",
          "前期手续办理中": "签约", "主体施工中": "开工", "设备安装调试中": "开工", "项目暂缓": "停滞", "洽谈对接中": "洽谈"}
# a span typed instead of a day, and the day it is read as (docs/DATA.md)
FUZZY = (("上旬", 1), ("中旬", 11), ("下旬", 21), ("初", 1))


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
        if rng.random() < .3:  # a registry extract: the unit written in every cell, none in the header
            capital = (["注册资本"], [f"{c}(万元)" if rng.random() < .5 else f"{c}万元人民币" for c in caps],
                       "registered_capital", caps)
        else:
            capital = (["注册资本" + ub], [f"{c:,}" if rng.random() < .5 else c for c in caps], "registered_capital",
                       [c * factor for c in caps])
        return [([rng.choice(ds.field("uscc").synonyms)], [c.lower() if rng.random() < .3 else c for c in codes],
                 "uscc", codes),
                ([rng.choice(("企业名称", "市场主体名称", "主体名称"))], names, "name", names),
                ([rng.choice(ds.field("established_on").synonyms)], [form(d) for d in days], "established_on", days),
                capital]
    if kind == "industrial":
        codes = [uscc(seed * 10 + i) for i in range(n)]
        _, ub, factor = _unit(rng)
        cur = [rng.randint(100, 99999) for _ in range(n)]
        prev = [rng.randint(100, 99999) for _ in range(n)]
        code_col = ([rng.choice(ds.field("uscc").synonyms)], codes, "uscc", codes)
        if rng.random() < .3:  # 联网直报: the group over 本年 / 上年同期 over the period (or the period in between)
            middle, bottom = (("本年", "上年同期"), ("1-5月", "1-5月")) if rng.random() < .5 else \
                (("1-5月", "1-5月"), ("本年", "上年同期"))
            return [code_col, (["工业增加值" + ub, middle[0], bottom[0]], cur, "value_added_ytd",
                               [v * factor for v in cur]),
                    ([None, middle[1], bottom[1]], prev, "value_added_prev_ytd", [v * factor for v in prev])]
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
        written = [form(d) for d in days]
        if rng.random() < .3:  # a part of a month instead of the day
            parts = [rng.choice(FUZZY) for _ in range(n)]
            written = [f"{d.year}年{d.month}月{w}" for d, (w, _) in zip(days, parts)]
            days = [d.replace(day=day) for d, (_, day) in zip(days, parts)]
        return [([rng.choice(ds.field("sold_on").synonyms)], written, "sold_on", days),
                ([rng.choice(ds.field("enterprise").synonyms)], names, "enterprise", names),
                ([rng.choice(ds.field("amount").synonyms) + ub], amounts, "amount", [a * factor for a in amounts])]
    _, ub, factor = _unit(rng)
    investment = [rng.randint(1, 500) for _ in range(n)]
    stages = [rng.choice(list(STAGES)) for _ in range(n)]
    projects = [f"项目{i}" for i in range(n)]
    approx = [rng.choice(("{}", "约{}", "{}左右", "{}")).format(v) for v in investment]
    return [(["项目名称"], projects, "name", projects),
            ([rng.choice(ds.field("stage").synonyms)], stages, "stage", [STAGES[s] for s in stages]),
            ([rng.choice(ds.field("investment").synonyms) + ub], approx, "investment",
             [v * factor for v in investment])]


FIELD_CODES = ("UNISCID", "ENTNAME", "ESTDATE", "REGCAP", "SALEDATE", "AMOUNT", "PRJNAME", "STAGE", "INVEST",
               "CORPNAME", "VALUE_CUR", "VALUE_PRE")


def _write(tmp_path, seed):
    """Write one random layout; returns (path, dataset, data rows, [(header, written, field, expected)])."""
    rng = random.Random(seed)
    kind = rng.choice(("entities", "industrial", "sales", "projects", "indicators"))
    n = rng.randint(1, 6)
    if kind == "indicators":
        return _indicator_table(tmp_path, rng, n)
    cols = _columns(rng, kind, n, seed)
    grouped = [c for c in cols if len(c[0]) > 1]
    rest = [c for c in cols if len(c[0]) == 1]
    rng.shuffle(rest)
    k = rng.randint(0, len(rest))
    cols = rest[:k] + grouped + rest[k:]
    depth = max(len(c[0]) for c in cols)
    if rng.random() < .5:
        cols.insert(0, (["序号"] + [None] * (depth - 1), list(range(1, n + 1)), None, None))
    fmt = rng.choice(("xlsx", "xlsx", "xls", "html", "csv"))
    title = rng.choice(("Sheet1", "2025年1-5月", "数据")) if kind == "industrial" else rng.choice(("Sheet1", "台账"))
    rows: list[list] = []
    merges: list[tuple[int, int, int, int]] = []  # 0-based (row1, col1, row2, col2)
    needs_title = kind == "industrial" and title != "2025年1-5月"
    if needs_title or rng.random() < .6:
        rows.append(["2025年1-5月规上工业" if kind == "industrial" else "园区数据表"])
    if rng.random() < .5:
        rows.append(["导出时间：2026-01-15 10:00:00"])  # a stamp, never the period's year
    for level in range(depth):
        rows.append([(c[0] + [None] * depth)[level] for c in cols])
    if grouped and fmt != "csv" and rng.random() < .5:  # the group cell merged over its two sub-columns
        col = cols.index(grouped[0])
        row = len(rows) - depth
        merges.append((row, col, row, col + 1))
    if depth == 1 and rng.random() < .3:  # a data-sharing platform: English field codes under the names
        rows.append([FIELD_CODES[i % len(FIELD_CODES)] if c[0][0] else None for i, c in enumerate(cols)])
    data = [[c[1][i] for c in cols] for i in range(n)]
    if kind in ("sales", "projects") and n > 1 and rng.random() < .4:  # a subtotal named in any column
        where = rng.randint(1, n - 1)
        col = rng.randrange(len(cols))
        label = rng.choice(("5月小计", "医疗器械合计", "小计", "本页合计"))
        data.insert(where, [label if j == col else None for j in range(len(cols))])
    rows += data
    if rng.random() < .5:
        rows.append([None, "合计"])
    if rng.random() < .5:
        rows.append(["填表人：张三", None, "审核人：李四"])
    path = _save(tmp_path, fmt, title, rows, merges)
    return path, kind, n, [c for c in cols if c[2]]


def _indicator_table(tmp_path, rng, n):
    """The office's indicator table in one of its layouts: 本月 / 1-5月 over 绝对量 / 同比±%; 5月 | 1-5月 |
    增长%; growth over a row of periods (5月 | 1-5月); names numbered or indented under 其中：."""
    names = [f"指标{i}" for i in range(n)]
    shown = [rng.choice((f"{i + 1}.{x}", f"（{'一二三四五六'[i]}）{x}", f"\u3000\u3000其中：{x}", x))
             for i, x in enumerate(names)]
    values = [round(rng.uniform(1, 900), 1) for _ in range(n)]
    growth = [round(rng.uniform(-20, 30), 1) for _ in range(n)]
    month = [round(v / 5, 1) for v in values]
    layout = rng.choice(("groups", "one_row", "period_row"))
    merges = []
    if layout == "groups":
        head = [[rng.choice(("指标名称", "指标")), "计量单位", "本月", None, "1-5月", None],
                [None, None, "绝对量", rng.choice(("同比±%", "增长%", "增速（%）")), rng.choice(("绝对量", "绝对值")),
                 rng.choice(("同比±%", "比上年同期增长（%）", "增速（%）"))]]
        body = [[x, "亿元", m, g - 1, v, g] for x, m, v, g in zip(shown, month, values, growth)]
        merges = [(0, 2, 0, 3), (0, 4, 0, 5)]
        want = {"value_ytd": values, "growth_pct": growth}
    elif layout == "one_row":
        head = [["指标", "单位", "5月", "1-5月", rng.choice(("增长%", "同比±%", "增速（%）", "比上年同期增长（%）"))]]
        body = [[x, "亿元", m, v, g] for x, m, v, g in zip(shown, month, values, growth)]
        want = {"value_ytd": values, "growth_pct": growth}
    else:
        head = [["指标", "单位", rng.choice(("增速（%）", "增长%", "同比±%")), None], [None, None, "5月", "1-5月"]]
        body = [[x, "%", g - 1, g] for x, g in zip(shown, growth)]
        merges = [(0, 2, 0, 3)]
        want = {"growth_pct": growth}
    rows = [["2025年1-5月园区主要经济指标"]] + head + body
    if rng.random() < .5:
        rows.append(["填表人：张三"])
    fmt = rng.choice(("xlsx", "xls", "html"))
    path = _save(tmp_path, fmt, rng.choice(("Sheet1", "指标")), rows,
                 [(r1 + 1, c1, r2 + 1, c2) for r1, c1, r2, c2 in merges])
    cols = [(["指标"], shown, "indicator", names)] + [([f], None, f, w) for f, w in want.items()]
    return path, "indicators", n, cols


def _save(tmp_path, fmt: str, sheet: str, rows: list[list], merges) -> object:
    """The rows as a workbook of format `fmt`; text formats are named after the sheet (Excel's sheet name)."""
    if fmt == "xlsx":
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = sheet
        for row in rows:
            ws.append(row)
        for r1, c1, r2, c2 in merges:
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
        wb.save(tmp_path / "w.xlsx")
        return tmp_path / "w.xlsx"
    if fmt == "xls":
        return write_xls(tmp_path / "w.xls", {sheet: rows}, merges={sheet: [(r1, r2, c1, c2) for r1, c1, r2, c2 in merges]})
    if fmt == "html":
        spans = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, c1, r2, c2 in merges}
        path = tmp_path / f"{sheet}.xls"
        path.write_bytes(html_table(rows, spans=spans, charset=random.Random(len(rows)).choice(("utf-8", "gbk"))))
        return path
    text = "\n".join(",".join("" if v is None else (v.isoformat() if isinstance(v, dt.date) else
                                                     (f'"{v}"' if "," in str(v) else str(v))) for v in row)
                     for row in rows)
    path = tmp_path / f"{sheet}.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    return path


def _same(got, want) -> bool:
    if isinstance(want, float):
        return isinstance(got, float) and math.isclose(got, want, rel_tol=1e-9)
    if isinstance(want, dt.date):
        return str(got)[:10] == want.isoformat()
    return got == want


@pytest.mark.parametrize("seed", range(40))
def test_random_layouts_read_back_the_figures_written(tmp_path, seed):
    path, kind, n, cols = _write(tmp_path, seed)
    r = read_workbook(path, today=TODAY)
    assert r.error is None, r.error
    s = r.sheets[0]
    assert s.dataset == kind, s.skipped_reason
    assert s.errors == []
    assert len(s.frame) == n
    # a unit written in every cell is a unit: no "没有注明单位" warning for such a column
    unit_in_cells = [c for c in cols if c[2] == "registered_capital" and c[0] == ["注册资本"]]
    if unit_in_cells:
        assert not any(p.message == msg.MONEY_NO_UNIT.format(label="注册资本") for p in s.problems)
    if kind in ("industrial", "indicators"):  # the period from the sheet name, title or header, never the 2026 stamp
        assert {str(v)[:10] for v in s.frame["period"]} == {"2025-05-01"}
    for _, _, field, want in cols:
        got = s.frame[field].tolist()
        assert all(_same(g, w) for g, w in zip(got, want)), (field, got, want)
