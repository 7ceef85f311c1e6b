"""The analysts' monthly cycle played against a copy of the sample store, with real workbooks derived from
data/sample: July's files, the same files again, corrected files, rollbacks, another upload order, the
same rows under another name and column order, and exports dated before data already loaded.

After each step every headline figure is checked at 2025-06-15 (the published date), 2025-07-05 (between
the June and July uploads) and 2025-07-31 against the sample's own figures plus the rows the step's files
add, change or remove (written out below), and the store's tables are compared whole."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from analytics import store, summary
from analytics.ingest import read_workbook
from analytics.metrics import sales
from analytics.sample import make_uscc

pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
D1, D3, D2 = dt.date(2025, 6, 15), dt.date(2025, 7, 5), dt.date(2025, 7, 31)
DAYS = (D1, D3, D2)
TABLES = ("entities", "industrial", "indicators", "projects", "sales", "service_accounts", "service_visits",
          "targets")
KEYS = ("entities_total", "entities_new_12m", "entities_closed_12m", "industrial_growth_ytd", "projects_signed_ytd",
        "projects_investment_ytd_wan", "projects_signed_ytd_medical", "projects_by_stage", "key_accounts")

# July's rows (the hand computation below reads them)
SALES_JULY = [(dt.datetime(2025, 7, 2), "青海仑高牦牛产业有限公司", "黑枸杞", 100000.0),   # 10 万元
              (dt.datetime(2025, 7, 20), "青海万宁生物制药有限公司", "青稞饼干", 50000.0)]  # 5 万元, corrected to 8
FIRST_SHOWROOM_SALE_WAN = 1.002457  # 2024-12-09, 10024.57 元: the first row of 特色产品展销中心, deleted by the correction
NEW_USCC = [make_uscc("1", "630105", o) for o in ("MA7Y0001", "MA7Y0002", "MA7Y0003")]
NEW_ON = (dt.datetime(2025, 7, 1), dt.datetime(2025, 7, 10), dt.datetime(2025, 7, 25))
CLOSED_USCC = "91630105MA7CJ1DD6F"   # 青海联原冷链物流有限公司 (2025-06-14), 注销 2025-07-20
RENAMED_USCC = "91630105MA7Q227W67"  # 青海源珠健康产品有限公司 -> 青海源珠健康科技有限公司 in the correction


def _data_end(ws) -> int:
    """The row after the last data row (above 合计 / 制表人 footers)."""
    r = ws.max_row
    while isinstance(ws.cell(r, 1).value, str) and ws.cell(r, 1).value.startswith(("合计", "制表")):
        r -= 1
    return r + 1


def _insert(ws, rows) -> None:
    at = _data_end(ws)
    for i, row in enumerate(rows):
        ws.insert_rows(at + i)
        for j, v in enumerate(row, 1):
            ws.cell(at + i, j).value = v


def _row_of(ws, col: int, value) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, col).value == value)


def _sales(wb, fix=False, reorder=False):
    ws = wb["特色产品展销中心"]   # 序号 日期 企业名称 产品名称 销售额（元）
    _insert(ws, [[900 + i, *row] for i, row in enumerate(SALES_JULY)])
    if fix:
        ws.cell(_row_of(ws, 1, 901), 5).value = 80000.0
        ws.delete_rows(_row_of(ws, 1, "序号") + 1)
    if reorder:  # 销售额 before 企业名称
        for r in range(_row_of(ws, 1, "序号"), _data_end(ws)):
            ws.cell(r, 3).value, ws.cell(r, 5).value = ws.cell(r, 5).value, ws.cell(r, 3).value


def _registry(wb, fix=False):
    ws = wb["企业"]   # 序号 信用代码 名称 类型 成立日期 状态 注销日期 行业代码 行业 注册资本 住所
    rows = [[None, u, f"青海七月{i}号生物科技有限公司", "有限责任公司(自然人投资或控股)", on, "存续", None, "C3581",
             "医疗诊断、监护及治疗设备制造", 100, "西宁"] for i, (u, on) in enumerate(zip(NEW_USCC, NEW_ON))]
    _insert(ws, rows[:2] if fix else rows)   # the correction no longer lists the 25 July entity
    r = _row_of(ws, 2, CLOSED_USCC)
    ws.cell(r, 6).value, ws.cell(r, 7).value = "注销", dt.datetime(2025, 7, 20)
    if fix:
        ws.cell(_row_of(ws, 2, RENAMED_USCC), 3).value = "青海源珠健康科技有限公司"


def _projects(wb, fix=False):
    ws = wb["项目台账"]   # 序号 编号 名称 投资主体 产业 投资 来源地 签约 阶段 开工 投产 领导 部门 下一节点 时限 进展 备注
    r = _row_of(ws, 2, "SWYQ-2025-001")          # 签约 -> 开工 on 8 July
    ws.cell(r, 9).value, ws.cell(r, 10).value = "在建", dt.datetime(2025, 7, 8)
    _insert(ws, [[76, "SWYQ-2025-076", "七月医用敷料项目", "青海七月医疗有限公司", "医疗器械", 5000, "青海省西宁市",
                  dt.datetime(2025, 7, 3), "已签约", None, None, "李明远", "招商合作部", "开工", dt.datetime(2025, 9, 1),
                  "已签约", None]])
    if fix:  # 003 (signed 2025-01-11) 30000 -> 32000 万元; 004 (signed 2025-01-12, 5800 万元) deleted
        ws.cell(_row_of(ws, 2, "SWYQ-2025-003"), 6).value = 32000
        ws.delete_rows(_row_of(ws, 2, "SWYQ-2025-004"))


def _make(folder: Path, src: str, name: str, edit, **kw):
    wb = openpyxl.load_workbook(SAMPLE / src)
    edit(wb, **kw)
    wb.save(folder / name)
    return read_workbook(str(folder / name))


def _content(con) -> dict:
    return {t: con.execute(f"SELECT * EXCLUDE (_batch_id) FROM {t} ORDER BY ALL").fetchall() for t in TABLES}


def _figures(con) -> dict:
    out = {}
    for d in DAYS:
        h = summary.headline(con, d)
        out[d] = {k: h[k] for k in KEYS} | {"sales_wan": round(sales.total(con, d), 6)}
    return out


@pytest.fixture(scope="module")
def cycle(store_db, tmp_path_factory):
    """Run the whole cycle once; returns {step: (figures, content)} and the outcomes of each upload."""
    folder = tmp_path_factory.mktemp("cycle")
    path = folder / "cycle.duckdb"
    shutil.copy(store_db[0], path)
    files = {
        "sales": _make(folder, "助企帮销台账_20250615.xlsx", "助企帮销台账_20250731.xlsx", _sales),
        "registry": _make(folder, "市场主体名录_20250615.xlsx", "市场主体名录_20250731.xlsx", _registry),
        "projects": _make(folder, "招商引资项目台账_20250615.xlsx", "招商引资项目台账_20250731.xlsx", _projects),
        "sales_fix": _make(folder, "助企帮销台账_20250615.xlsx", "助企帮销台账_20250731（更正）.xlsx", _sales, fix=True),
        "registry_fix": _make(folder, "市场主体名录_20250615.xlsx", "市场主体名录_20250731（更正）.xlsx", _registry,
                              fix=True),
        "projects_fix": _make(folder, "招商引资项目台账_20250615.xlsx", "招商引资项目台账_20250731（更正）.xlsx",
                              _projects, fix=True),
        "sales_copy": _make(folder, "助企帮销台账_20250615.xlsx", "帮销台账（副本）.xlsx", _sales, reorder=True),
        "projects_may": read_workbook(str(SAMPLE / "招商引资项目台账_20250515.xlsx")),
        "registry_june": read_workbook(str(SAMPLE / "市场主体名录_20250615.xlsx")),
    }
    con = store.connect(str(path))
    steps, out = {}, {}

    def load(*names):
        got = [store.import_workbooks(con, [files[n]])[0] for n in names]
        assert all(o.committed for o in got), [o.refused for o in got]
        return got

    def snap(step):
        steps[step] = (_figures(con), _content(con))

    snap("base")
    out["july"] = load("sales", "registry", "projects")
    snap("july")
    out["again"] = load("sales", "registry", "projects")
    snap("again")
    out["fix"] = load("sales_fix", "registry_fix", "projects_fix")
    snap("fix")
    out["fix_rollbacks"] = [store.rollback(con, o.batch_id) for o in reversed(out["fix"])]
    snap("fix_rolled_back")
    for o in reversed(out["again"] + out["july"]):
        store.rollback(con, o.batch_id)
    snap("july_rolled_back")
    load("projects", "sales", "registry")   # another order
    snap("other_order")
    out["copy"] = load("sales_copy")
    snap("copy")
    out["may"] = load("projects_may")
    snap("may")
    out["june"] = load("registry_june")
    snap("june")
    out["log"] = store.import_log(con)
    yield steps, out
    con.close()


def _expected_july(base: dict) -> dict:
    """The figures after July's files, from the sample's and the rows above (by hand)."""
    exp = {d: dict(v) for d, v in base.items()}
    # 1 July entity by 5 July, 3 by 31 July; 青海联原冷链物流 closed on 20 July
    exp[D3]["entities_total"] += 1
    exp[D3]["entities_new_12m"] += 1
    exp[D2]["entities_total"] += 3 - 1
    exp[D2]["entities_new_12m"] += 3
    exp[D2]["entities_closed_12m"] += 1
    exp[D3]["sales_wan"] = round(exp[D3]["sales_wan"] + 10, 6)
    exp[D2]["sales_wan"] = round(exp[D2]["sales_wan"] + 15, 6)
    # the 3 July project is in the 31 July ledger only: not known on 5 July; 001 starts on 8 July
    exp[D2]["projects_signed_ytd"] += 1
    exp[D2]["projects_signed_ytd_medical"] += 1
    exp[D2]["projects_investment_ytd_wan"] += 5000
    exp[D2]["projects_by_stage"] = dict(exp[D2]["projects_by_stage"], 开工=exp[D2]["projects_by_stage"]["开工"] + 1)
    return exp


def test_the_cycle_starts_from_the_published_figures(cycle):
    f = cycle[0]["base"][0][D1]
    assert (f["entities_total"], f["entities_new_12m"], f["industrial_growth_ytd"], f["projects_signed_ytd"],
            f["projects_investment_ytd_wan"], f["key_accounts"]) == (6879, 1163, 9.9, 39, 235000.0, 67)
    assert round(f["sales_wan"]) == 9236


def test_july_adds_exactly_its_rows_and_changes_nothing_before(cycle):
    steps, out = cycle
    base, july = steps["base"][0], steps["july"][0]
    assert july == _expected_july(base)
    assert july[D1] == base[D1]   # nothing about 15 June moves
    assert steps["july"][1]["sales"] != steps["base"][1]["sales"]
    sentence = out["july"][2].changes[0].sentence
    assert "新增 1 行、更新 1 行、未变 74 行" in sentence and "没有要移出的行" in sentence


def test_the_same_files_again_change_nothing(cycle):
    steps, out = cycle
    assert steps["again"] == steps["july"]
    log = out["log"]
    again = log[log["batch_id"].isin([o.batch_id for o in out["again"]])]
    assert (again[["rows_new", "rows_updated", "rows_removed"]] == 0).all().all()
    assert again["rows_unchanged"].sum() == 1159 + 7805 + 76


def test_corrections_replace_and_a_past_date_keeps_what_was_known(cycle):
    steps, out = cycle
    july, fix = steps["july"][0], steps["fix"][0]
    exp = {d: dict(v) for d, v in july.items()}
    for d in DAYS:   # the deleted December sale leaves every figure; 5 -> 8 万元 on 20 July
        exp[d]["sales_wan"] = round(exp[d]["sales_wan"] - FIRST_SHOWROOM_SALE_WAN, 6)
    exp[D2]["sales_wan"] = round(exp[D2]["sales_wan"] + 3, 6)
    # the ledger of 31 July: 003 +2000, 004 (5800, 签约) gone; 15 June and 5 July keep the June ledger's figures
    exp[D2]["projects_signed_ytd"] -= 1
    exp[D2]["projects_investment_ytd_wan"] += 2000 - 5800
    exp[D2]["projects_by_stage"] = dict(exp[D2]["projects_by_stage"], 签约=exp[D2]["projects_by_stage"]["签约"] - 1)
    exp[D2]["projects_signed_ytd_medical"] -= 1   # 004 is a medical-device project
    # the registry snapshot is merged by key: the 25 July entity it no longer lists stays (README: 名录按键新增或更新)
    assert fix == exp
    names = dict(row[:2] for row in steps["fix"][1]["entities"])
    assert names[RENAMED_USCC] == "青海源珠健康科技有限公司"
    showroom = next(s for s in out["fix"][0].sheets if s.sheet == "特色产品展销中心")
    assert (showroom.rows_new, showroom.rows_updated, showroom.rows_removed) == (0, 1, 1)


def test_rollbacks_restore_the_exact_previous_tables(cycle):
    steps, out = cycle
    assert steps["fix_rolled_back"] == steps["july"]
    assert steps["july_rolled_back"] == steps["base"]
    log = out["log"].set_index("batch_id")
    notes = [log.loc[b, "note"] for b in out["fix_rollbacks"]]
    # projects: 003 and 004 back (2 rows restored, the corrected 003 deleted); registry: the renamed row back
    # (1 and 1); sales: the deleted and the corrected rows back (2), the corrected one deleted (1)
    assert [n.split("：")[1] for n in notes] == ["删除 1 行，恢复 2 行", "删除 1 行，恢复 1 行", "删除 1 行，恢复 2 行"]


def test_another_order_another_name_and_column_order_give_the_same_store(cycle):
    steps, out = cycle
    assert steps["other_order"] == steps["july"]
    assert steps["copy"] == steps["july"]
    assert sum(s.rows_unchanged for s in out["copy"][0].sheets) == 1159


def test_exports_dated_before_the_loaded_ones_do_not_overwrite_newer_data(cycle):
    steps, out = cycle
    assert steps["may"] == steps["july"]      # the May ledger is an older version, not the current ledger
    assert out["may"][0].changes[0].sentence.startswith("本文件的数据日期（2025年5月15日）早于库中已有的招商引资项目台账")
    assert steps["june"] == steps["july"]     # June's registry does not revive the entity closed on 20 July
    status = {row[0]: row[4] for row in steps["june"][1]["entities"]}
    assert status[CLOSED_USCC] == "注销"
