"""The sample workbooks reproduce the park's published figures (DATA.md, last section).

Every figure here is computed DIRECTLY from the committed workbooks in
data/sample/ with openpyxl and a small parser of their layout written for
this test: nothing from the project's reader or from the generator's
internals is used, so a generator bug cannot hide behind a reader bug.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from stdnum.cn import uscc as stdnum_uscc

from analytics.sample import generate_sample

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "data" / "sample"
AS_OF = date(2025, 6, 15)
FOOTER = ("合计", "总计", "制表", "填报说明", "注:", "审核")  # compared after NFKC
USCC_CHARS = set("0123456789ABCDEFGHJKLMNPQRTUWXY")


# ---------------------------------------------------------------------------
# A parser of the sample's own layout (independent of analytics.ingest)
# ---------------------------------------------------------------------------

def _book(pattern: str) -> openpyxl.Workbook:
    paths = sorted(SAMPLE_DIR.glob(pattern))
    assert len(paths) == 1, f"expected one file matching {pattern} in {SAMPLE_DIR}, found {paths}"
    return openpyxl.load_workbook(paths[0])


def _norm(text) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))) if text is not None else ""


def _table(ws, first_header: str) -> list[dict]:
    """Rows of the table whose header row contains `first_header`; two-row headers joined "group sub"."""
    rows = list(ws.iter_rows(values_only=True))
    h = next(i for i, r in enumerate(rows) if any(_norm(c) == first_header for c in r))
    top = list(rows[h])
    # fill merged group cells across their span
    for rng in ws.merged_cells.ranges:
        if rng.min_row == h + 1 and rng.max_col > rng.min_col:
            for c in range(rng.min_col, rng.max_col + 1):
                top[c - 1] = ws.cell(rng.min_row, rng.min_col).value
    sub = rows[h + 1] if h + 1 < len(rows) else ()
    two_rows = any(_norm(c) in ("本年累计", "上年同期累计") for c in sub)
    names = []
    for j, group in enumerate(top):
        s = _norm(sub[j]) if two_rows and j < len(sub) else ""
        g = re.sub(r"[(（].*?[)）]", "", _norm(group))
        names.append(f"{g} {s}" if s else g)
    out = []
    for r in rows[h + (2 if two_rows else 1):]:
        if all(c is None or _norm(c) == "" for c in r):
            continue
        first = _norm(next(c for c in r if c is not None and _norm(c) != ""))
        if first.startswith(FOOTER):
            break
        out.append(dict(zip(names, r)))
    return out


def _header_unit(ws, first_header: str, column_prefix: str) -> str:
    """The unit written in brackets in the header cell that starts with `column_prefix`."""
    for row in ws.iter_rows(values_only=True):
        if any(_norm(c) == first_header for c in row):
            for c in row:
                if _norm(c).startswith(column_prefix):
                    return re.search(r"[(（](.+?)[)）]", unicodedata.normalize("NFKC", c)).group(1)
    raise AssertionError(f"no header {column_prefix} in {ws.title}")


def _date(value) -> date | None:
    """Excel dates and the text forms the sample writes ('2025-05-10', '2025/5/10', '2025.5.10',
    '2025年5月10日', and month-only '2025年5月' / '2025-05' = the first of the month)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _norm(value)
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if m:
        return date(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"(\d{4})[-年](\d{1,2})月?", text)
    if m:
        return date(int(m[1]), int(m[2]), 1)
    raise AssertionError(f"not a date: {value!r}")


def _wan(value, header_unit: str) -> float:
    """An amount in 万元; a unit written in the cell wins over the header's."""
    factor = {"元": 1e-4, "千元": 0.1, "万元": 1.0, "亿元": 1e4}
    if isinstance(value, (int, float)):
        return value * factor[header_unit]
    m = re.fullmatch(r"([\d.]+)(亿元|万元|元)", _norm(value))
    assert m, f"not an amount: {value!r}"
    return float(m[1]) * factor[m[2]]


# ---------------------------------------------------------------------------
# Published figures
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def entities() -> list[dict]:
    wb = _book("市场主体名录*.xlsx")
    out = []
    for r in _table(wb["企业"], "统一社会信用代码"):
        out.append({"uscc": _norm(r["统一社会信用代码"]), "est": _date(r["成立日期"]),
                    "closed": _date(r["注销日期"]), "status": r["登记状态"], "type": r["企业类型"]})
    for r in _table(wb["个体工商户、农民专业合作社"], "信用代码"):
        out.append({"uscc": _norm(r["信用代码"]), "est": _date(r["登记日期"]),
                    "closed": _date(r["注销日期"]), "status": r["经营状态"], "type": r["主体类型"]})
    return out


def test_entities_alive_and_new_match_the_published_6879_and_1163(entities):
    # DATA.md: alive at D when established_on <= D and (closed_on empty or > D);
    # new in the last twelve months: D - 1 year < established_on <= D.
    alive = [e for e in entities if e["est"] <= AS_OF and (e["closed"] is None or e["closed"] > AS_OF)]
    new = [e for e in entities if date(2024, 6, 15) < e["est"] <= AS_OF]
    assert len(alive) == 6879
    assert len(new) == 1163
    # every new entity is alive, so "new" does not depend on how closures are counted
    assert all(e["closed"] is None for e in new)
    # closed entities exist, with a closed status and a date before D; alive ones have neither
    closed = [e for e in entities if e["closed"] is not None]
    assert len(closed) > 500
    assert all(e["closed"] < AS_OF and e["status"] in ("注销", "吊销，未注销", "迁出") for e in closed)
    assert {e["status"] for e in alive} <= {"存续（在营、开业、在册）", "在业", "开业"}
    # someone was established on the as-of date itself
    assert any(e["est"] == AS_OF for e in entities)


def test_entity_codes_are_valid_with_three_wrong_check_characters(entities):
    codes = [e["uscc"] for e in entities]
    assert len(set(codes)) == len(codes)
    assert all(len(c) == 18 and set(c) <= USCC_CHARS for c in codes)
    bad = [c for c in codes if not stdnum_uscc.is_valid(c)]
    assert len(bad) == 3
    assert {c[:2] for c in codes} == {"91", "92", "93"}
    by_prefix = {p: {e["type"] for e in entities if e["uscc"].startswith(p)} for p in ("92", "93")}
    assert by_prefix == {"92": {"个体工商户"}, "93": {"农民专业合作社"}}


def _growth(rows: list[dict]) -> float:
    # same-sample cumulative growth: (sum ytd / sum prev - 1) * 100, blank prior = 0
    cur = sum(r["工业增加值 本年累计"] for r in rows)
    prev = sum(r["工业增加值 上年同期累计"] or 0 for r in rows)
    return (cur / prev - 1) * 100


def test_industrial_growth_is_3_0_for_2024_and_9_9_for_2025_1_to_5(entities):
    wb24 = _book("规上工业*2024年.xlsx")
    wb25 = _book("规上工业*2025年1-5月.xlsx")
    rows24 = _table(wb24["1-12月"], "统一社会信用代码")
    rows25 = _table(wb25["2025年1-5月"], "统一社会信用代码")
    assert _header_unit(wb24["1-12月"], "统一社会信用代码", "工业增加值") == "千元"
    assert {r["报告期"] for r in rows24} == {"2024年1-12月"}
    assert {r["报告期"] for r in rows25} == {"1-5月"}
    g24, g25 = _growth(rows24), _growth(rows25)
    assert round(g24, 1) == 3.0 and 3.0 <= g24 <= 3.06
    assert round(g25, 1) == 9.9 and 9.9 <= g25 <= 9.96
    # no January-only period; 1-2月 .. 1-12月 in 2024 and 1-2月 .. 1-5月 in 2025
    assert wb24.sheetnames == [f"1-{m}月" for m in range(2, 13)]
    assert [s for s in wb25.sheetnames if s.startswith("2025")] == [f"2025年1-{m}月" for m in (5, 4, 3, 2)]
    # one enterprise entered in 2025 (blank prior year), one left after 2024
    codes24 = {_norm(r["统一社会信用代码"]) for r in rows24}
    codes25 = {_norm(r["统一社会信用代码"]) for r in rows25}
    assert len(codes24 - codes25) == 1 and len(codes25 - codes24) == 1
    assert [r["工业增加值 上年同期累计"] for r in rows25 if _norm(r["统一社会信用代码"]) not in codes24] == [None]
    assert 40 <= len(codes25) <= 50
    # they are registered, alive enterprises
    alive = {e["uscc"] for e in entities if e["closed"] is None and e["uscc"].startswith("91")}
    assert codes24 | codes25 <= alive


def test_official_indicator_table_gives_3_0_and_9_9():
    wb = _book("生物园区主要经济指标*.xlsx")
    growth = {}
    for sheet in ("2024年1-12月", "2025年1-5月"):
        for r in _table(wb[sheet], "指标名称"):
            if r["指标名称"] == "规上工业增加值":
                growth[sheet] = next(v for k, v in r.items() if k.startswith(("同比增长", "比上年同期增长")))
    assert growth == {"2024年1-12月": 3.0, "2025年1-5月": 9.9}


def test_projects_signed_in_2025_are_39_worth_23_5_yi_12_medical():
    wb = _book("招商引资项目台账_20250615.xlsx")
    ws = wb["项目台账"]
    unit = _header_unit(ws, "项目名称", "计划总投资")
    rows = _table(ws, "项目名称")
    signed = [r for r in rows if r["签约时间"] and date(2025, 1, 1) <= _date(r["签约时间"]) <= AS_OF]
    assert len(signed) == 39
    # "1.5亿元" cells count as 15000 万元; numbers are in the header's 万元
    assert sum(_wan(r["计划总投资"], unit) for r in signed) == pytest.approx(235000, abs=1e-6)
    assert sum(r["产业类别"] == "医疗器械" for r in signed) == 12
    assert {r["产业类别"] for r in signed} == {"医疗器械", "医药", "食品保健品", "生产性服务业", "绿色算力"}
    assert any(isinstance(r["计划总投资"], str) and r["计划总投资"].endswith("亿元") for r in signed)
    names = {r["项目名称"] for r in rows}
    assert {"白刺综合开发生物科技项目", "高能电子束辐照项目", "牦牛骨提取小分子胶原蛋白生产项目",
            "医疗器械检验检测和计量项目"} <= names
    assert 70 <= len(rows) <= 80
    # projects still in talks have no signing date
    assert all(r["签约时间"] is None for r in rows if r["项目阶段"] in ("洽谈中", "在谈", "对接中"))


_STAGE_WORDS = {"洽谈中": "洽谈", "在谈": "洽谈", "对接中": "洽谈", "已签约": "签约", "在建": "开工", "已开工": "开工",
                "建设中": "开工", "已投产": "投产", "竣工投产": "投产", "暂停": "停滞", "停滞": "停滞"}


def _ledger(name: str) -> dict[str, dict]:
    rows = _table(_book(name)["项目台账"], "项目名称")
    return {r["项目编号"]: r for r in rows}


def test_three_monthly_versions_of_the_project_ledger_say_only_what_was_known_then():
    versions = {date(2025, 4, 15): _ledger("招商引资项目台账_20250415.xlsx"),
                date(2025, 5, 15): _ledger("招商引资项目台账_20250515.xlsx"),
                AS_OF: _ledger("招商引资项目台账_20250615.xlsx")}
    final = versions[AS_OF]
    for day, ledger in versions.items():
        assert set(ledger) <= set(final), day   # no project leaves: the current ledger keeps the figures
        for key, r in ledger.items():
            for col in ("签约时间", "开工时间", "投产时间"):
                assert _date(r[col]) is None or _date(r[col]) <= day, (day, key, col)
            stage = _STAGE_WORDS[_norm(r["项目阶段"])]
            # a stage never runs ahead of its date, and dates never change between versions
            if stage == "洽谈":
                assert _date(r["签约时间"]) is None
            for col in ("签约时间", "开工时间", "投产时间"):
                if _date(r[col]) is not None:
                    assert _date(r[col]) == _date(final[key][col])
    # something happens every month: signings, starts, stalls, projects first listed
    april, may = versions[date(2025, 4, 15)], versions[date(2025, 5, 15)]
    assert len(april) < len(may) < len(final)
    moved = {k for k in may if _STAGE_WORDS[_norm(may[k]["项目阶段"])] != _STAGE_WORDS[_norm(final[k]["项目阶段"])]}
    assert len(moved) >= 3
    # the published figures come from the June ledger: 39 signed in 2025 (the earlier ones know fewer)
    signed = lambda ledger, day: sum(1 for r in ledger.values()  # noqa: E731
                                     if _date(r["签约时间"]) and date(2025, 1, 1) <= _date(r["签约时间"]) <= day)
    assert signed(final, AS_OF) == 39
    assert signed(april, date(2025, 4, 15)) < signed(may, date(2025, 5, 15)) < 39


def test_targets_workbook_has_park_targets_and_tasks_by_leader_and_month():
    wb = _book("*目标任务*.xlsx")
    park = {r["指标名称"]: r for r in _table(wb["年度目标"], "指标名称")}
    assert {"规上工业增加值增速", "签约项目数", "签约投资额", "开工项目数", "新设市场主体", "助企帮销额"} <= set(park)
    assert park["规上工业增加值增速"]["计量单位"] == "%"
    tasks = _table(wb["招商任务分解"], "任务名称")
    leaders = {r["责任领导"] for r in tasks}
    assert len(leaders) == 7
    for r in tasks:
        months = [r[f"{m}月"] for m in range(1, 13)]
        assert sum(months) == pytest.approx(r["全年任务"]), r   # the months add up to the year's task


def test_sales_help_since_july_2024_is_between_9000_and_9999_wan():
    wb = _book("助企帮销台账*.xlsx")
    total = 0.0
    by_channel = {}
    for ws in wb.worksheets:
        date_header = next(h for h in ("日期", "销售日期", "活动日期")
                           if any(_norm(c) == h for row in ws.iter_rows(max_row=6, values_only=True) for c in row))
        amount_header = next(h for h in ("销售额", "金额", "帮销金额")
                             if any(_norm(c).startswith(h) for row in ws.iter_rows(max_row=6, values_only=True)
                                    for c in row))
        unit = _header_unit(ws, "序号", amount_header)
        rows = _table(ws, "序号")
        amounts = [_wan(r[amount_header], unit) for r in rows if _date(r[date_header]) <= AS_OF]
        assert all(_date(r[date_header]) >= date(2024, 7, 1) for r in rows)
        by_channel[ws.title] = sum(amounts)
        total += sum(amounts)
    assert 9000 < total < 9999
    assert set(by_channel) == {"特色产品展销中心", "展销中心大通店", "助企帮销产品展销会", "线上", "消费帮扶", "机关单位采购"}


def test_sales_openings_are_level_shifts():
    wb = _book("助企帮销台账*.xlsx")
    first = {ws.title: min(_date(r.get("日期") or r.get("销售日期") or r.get("活动日期")) for r in _table(ws, "序号"))
             for ws in wb.worksheets}
    assert first["特色产品展销中心"] == date(2024, 12, 9)
    assert first["展销中心大通店"] == date(2025, 5, 10)
    assert first["助企帮销产品展销会"] == date(2025, 5, 24)


def test_service_has_67_key_accounts_and_about_250_visits():
    wb = _book("包保*.xlsx")
    accounts = _table(wb["包保"], "包保对象")
    assert len({_norm(r["包保对象"]) for r in accounts}) == 67
    assert {r["对象类型"] for r in accounts} <= {"企业", "重点企业", "项目"}
    visits = _table(wb["走访"], "走访日期")
    assert 230 <= len(visits) <= 270
    assert {_norm(r["包保对象"]) for r in visits} <= {_norm(r["包保对象"]) for r in accounts}
    for r in visits:
        resolved = _date(r["办结日期"])
        assert (resolved is not None) == (r["办理状态"] == "已办结")
        assert resolved is None or _date(r["走访日期"]) <= resolved <= AS_OF


def test_latest_recorded_date_is_the_as_of_date_only_deadlines_are_later():
    # the dashboard's default as-of is the latest date the data records; planned deadlines
    # (节点时限) are not records, and they are the only dates after AS_OF
    latest, later = date.min, set()
    for path in sorted(SAMPLE_DIR.glob("*.xlsx")):
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            deadline_cols = {c.column for row in ws.iter_rows(max_row=6) for c in row if c.value == "节点时限"}
            for row in ws.iter_rows():
                for c in row:
                    found = []
                    if isinstance(c.value, (date, datetime)):
                        found.append(_date(c.value))
                    elif isinstance(c.value, str):
                        found += [date(int(m[1]), int(m[2]), int(m[3])) for m in
                                  re.finditer(r"(20\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})", c.value)]
                    for d in found:
                        if c.column in deadline_cols:
                            later.add(d > AS_OF)
                        else:
                            latest = max(latest, d)
    assert latest == AS_OF
    assert later == {True, False}  # some deadlines are past due at AS_OF, some are not


# ---------------------------------------------------------------------------
# The committed files are what the generator produces
# ---------------------------------------------------------------------------

def _content(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    return {ws.title: (ws.sheet_state, sorted(str(r) for r in ws.merged_cells.ranges),
                       [tuple(row) for row in ws.iter_rows(values_only=True)])
            for ws in wb.worksheets}


@pytest.fixture(scope="module")
def fresh_sample(tmp_path_factory) -> list[Path]:
    """The sample workbooks generated anew (once for the module)."""
    return generate_sample(tmp_path_factory.mktemp("fresh_sample"))


def test_committed_sample_equals_a_fresh_generation(fresh_sample):
    committed = sorted(p.name for p in SAMPLE_DIR.glob("*.xlsx"))
    assert sorted(p.name for p in fresh_sample) == committed
    for path in fresh_sample:
        assert _content(path) == _content(SAMPLE_DIR / path.name), f"{path.name} differs: run `make sample`"


def test_generation_is_deterministic_bytes(fresh_sample, tmp_path):
    again = generate_sample(tmp_path)
    assert [p.name for p in again] == [p.name for p in fresh_sample]
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in fresh_sample]


# ---------------------------------------------------------------------------
# Headers are ones the data dictionary lists
# ---------------------------------------------------------------------------

# columns nobody asked for, put there on purpose (the reader lists them as unused)
INTENTIONAL_EXTRAS = {"住所", "备注", "采购单位", "平台"}


def _header_key(text) -> str:
    return re.sub(r"[(（][^)）]*[)）]", "", _norm(text))


def test_every_header_is_a_schema_synonym_or_an_intentional_extra():
    from analytics.schema import DATASETS, SERIAL_HEADERS
    known = {_header_key(s) for ds in DATASETS.values() for f in ds.fields for s in (*f.synonyms, f.label)}
    seen_extras = set()
    for path in sorted(SAMPLE_DIR.glob("*.xlsx")):
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            if ws.sheet_state != "visible" or ws.title == "说明":
                continue
            rows = list(ws.iter_rows(max_row=6, values_only=True))
            h = next(i for i, r in enumerate(rows) if sum(_header_key(c) in known for c in r if c) >= 2)
            first = next(c for c in rows[h] if c)
            headers = list(_table(ws, _norm(first))[0])
            for name in headers:
                key = _header_key(name)
                if key in SERIAL_HEADERS:
                    continue
                if key in INTENTIONAL_EXTRAS:
                    seen_extras.add(key)
                    continue
                assert key in known, f"{path.name} › {ws.title}: header {name!r} is not in the schema"
    assert seen_extras == INTENTIONAL_EXTRAS
