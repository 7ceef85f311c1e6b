"""analytics.store.ledger_versions: every live upload of a ledger as a dated version."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics import store
from tests.test_store import wb


@pytest.fixture
def con():
    c = store.connect(":memory:")
    yield c
    c.close()


def proj(key, stage, inv=1000.0):
    return dict(project_key=key, name=key, stage=stage, investment=inv)


def test_each_upload_of_the_project_ledger_is_a_dated_version(con):
    a = store.import_workbooks(con, [wb("projects", [proj("甲项目", "签约"), proj("乙项目", "洽谈")],
                                        file="招商项目台账20250531.xlsx")])[0]
    b = store.import_workbooks(con, [wb("projects", [proj("甲项目", "开工"), proj("乙项目", "签约", 2000.0)],
                                        file="招商项目台账2025-06-30.xlsx")])[0]
    c = store.import_workbooks(con, [wb("projects", [proj("甲项目", "投产")], file="台账.xlsx")])[0]
    v = store.ledger_versions(con)
    assert list(v.columns[:4]) == ["batch_id", "version_on", "imported_at", "file_name"]
    assert {"name", "stage", "investment", "project_key"} <= set(v.columns)
    assert v["batch_id"].tolist() == [a.batch_id] * 2 + [b.batch_id] * 2 + [c.batch_id]
    assert v["version_on"].tolist()[:4] == [dt.date(2025, 5, 31)] * 2 + [dt.date(2025, 6, 30)] * 2
    assert v["version_on"].iloc[4] == dt.date.today()  # no date in the name: the import date
    # 甲项目 on 2025-06-15: the newest version dated on or before it says 开工
    asof = v[(v["name"] == "甲项目") & (v["version_on"] <= dt.date(2025, 6, 15))]
    assert asof.sort_values("version_on")["stage"].iloc[-1] == "签约"
    asof = v[(v["name"] == "甲项目") & (v["version_on"] <= dt.date(2025, 6, 30))]
    assert asof.sort_values("version_on")["stage"].iloc[-1] == "开工"
    store.rollback(con, b.batch_id)
    v = store.ledger_versions(con)
    assert v["batch_id"].tolist() == [a.batch_id] * 2 + [c.batch_id]
    # the current table is the fold of a and c: c is a whole ledger listing 甲 only (乙 left with it)
    assert dict(con.execute("SELECT name, stage FROM projects").fetchall()) == {"甲项目": "投产"}


def test_versions_leave_out_skipped_rows(con):
    store.import_workbooks(con, [wb("projects", [proj("甲项目", "签约"), proj("乙项目", None)], errors=[1],
                                    file="台账 2025年6月15日.xlsx")], skip_invalid=True)
    v = store.ledger_versions(con)
    assert v["name"].tolist() == ["甲项目"] and v["version_on"].tolist() == [dt.date(2025, 6, 15)]
    assert isinstance(v["imported_at"].iloc[0], pd.Timestamp)


# --- a whole project ledger is the new state (Dataset.versioned) -------------------------------------
def pj(code, name, inv, stage="签约"):
    return dict(project_key=code, project_id=code, name=name, stage=stage, investment=inv)


V1 = [pj("P001", "A项目", 1000.0), pj("P002", "B项目", 2500.0), pj("P003", "C项目", 4000.0)]
V2 = [pj("P001", "A项目", 1200.0, "开工"), pj("P003", "C项目", 4500.0)]   # B dropped, A and C corrected


def current(con):
    return dict(con.execute("SELECT project_key, investment FROM projects").fetchall())


def test_a_whole_project_ledger_without_a_project_makes_it_leave(con):
    store.import_workbooks(con, [wb("projects", V1, file="项目台账20250430.xlsx")])
    preview = store.import_workbooks(con, [wb("projects", V2, file="项目台账20250531.xlsx")], dry_run=True)[0]
    change = preview.changes[0]
    assert change.rule == "replace" and change.leaving == 1 and change.leaving_labels == ["B项目（P002）"]
    assert "库中有、本文件没有的 1 项移出当前台账（可撤销本批次恢复）：B项目（P002）。" in change.sentence
    assert preview.sheets[0].removed["project_key"].tolist() == ["P002"]
    assert change.other_rule == "append"
    assert current(con) == {"P001": 1000.0, "P002": 2500.0, "P003": 4000.0}   # a preview writes nothing
    o = store.import_workbooks(con, [wb("projects", V2, file="项目台账20250531.xlsx")])[0]
    assert current(con) == {"P001": 1200.0, "P003": 4500.0}
    # count 2, investment 1200 + 4500 = 5700 万元, as the preview's figures said
    assert (o.changes[0].rows_before, o.changes[0].rows_after) == (3, 2)
    assert (o.changes[0].total_before, o.changes[0].total_after) == (7500.0, 5700.0)
    # the newest version and the current table agree
    v = store.ledger_versions(con)
    newest = v[v["batch_id"] == o.batch_id]
    assert dict(zip(newest["project_key"], newest["investment"])) == current(con)


def test_rolling_back_the_whole_ledger_brings_the_project_back(con):
    store.import_workbooks(con, [wb("projects", V1, file="项目台账20250430.xlsx")])
    o = store.import_workbooks(con, [wb("projects", V2, file="项目台账20250531.xlsx")])[0]
    store.rollback(con, o.batch_id)
    assert current(con) == {"P001": 1000.0, "P002": 2500.0, "P003": 4000.0}
    assert store.ledger_versions(con)["project_key"].tolist() == ["P001", "P002", "P003"]


def test_append_rule_updates_and_nothing_leaves(con):
    store.import_workbooks(con, [wb("projects", V1, file="项目台账20250430.xlsx")])
    o = store.import_workbooks(con, [wb("projects", V2, file="项目台账20250531.xlsx")], ledger_rule="append")[0]
    assert o.changes[0].rule == "append" and o.changes[0].leaving == 0 and o.changes[0].other_rule == "replace"
    assert current(con) == {"P001": 1200.0, "P002": 2500.0, "P003": 4500.0}
    # the append version is the ledger after it: B still listed, from the first upload
    v = store.ledger_versions(con)
    newest = v[v["batch_id"] == o.batch_id]
    assert dict(zip(newest["project_key"], newest["investment"])) == current(con)


def test_a_skipped_row_keeps_its_project_and_an_unreadable_key_turns_to_append(con):
    store.import_workbooks(con, [wb("projects", V1, file="项目台账20250430.xlsx")])
    bad_c = dict(V2[1], investment=None)
    o = store.import_workbooks(con, [wb("projects", [V2[0], bad_c], errors=[1])], skip_invalid=True)[0]
    assert o.changes[0].leaving_labels == ["B项目（P002）"]
    assert current(con) == {"P001": 1200.0, "P003": 4000.0}   # C's stored row stays: its new row was skipped
    no_key = dict(project_key=None, project_id=None, name=None, stage="签约", investment=1.0)
    o = store.import_workbooks(con, [wb("projects", [V1[0], no_key], errors=[1])], skip_invalid=True)[0]
    assert o.changes[0].rule == "append" and o.changes[0].sentence.startswith("跳过的错误行中有 1 行的项目编号、项目名称无法识别")
    assert current(con) == {"P001": 1000.0, "P003": 4000.0}


def test_later_uploads_of_a_rolled_back_ledger_fold_exactly(con):
    a = store.import_workbooks(con, [wb("projects", V1, file="项目台账20250430.xlsx")])[0]
    b = store.import_workbooks(con, [wb("projects", V2, file="项目台账20250531.xlsx")])[0]
    c = store.import_workbooks(con, [wb("projects", [pj("P004", "D项目", 300.0)], file="补充20250610.xlsx")],
                               ledger_rule="append")[0]
    assert sorted(current(con)) == ["P001", "P003", "P004"]
    store.rollback(con, b.batch_id)   # a (A, B, C) then c appended (D)
    assert current(con) == {"P001": 1000.0, "P002": 2500.0, "P003": 4000.0, "P004": 300.0}
    v = store.ledger_versions(con)
    assert v.groupby("batch_id")["project_key"].apply(list).to_dict() == {
        a.batch_id: ["P001", "P002", "P003"], c.batch_id: ["P001", "P002", "P003", "P004"]}


def test_a_version_3_store_migrates_on_open(tmp_path):
    # version 3: no region columns in the indicator table, no projects__versions, the project ledger upserted
    db = tmp_path / "v3.duckdb"
    c = store.connect(db)
    a = store.import_workbooks(c, [wb("projects", V1, file="项目台账20250430.xlsx")])[0]
    b = store.import_workbooks(c, [wb("projects", V2, file="项目台账20250531.xlsx")])[0]
    c.execute("UPDATE batch_datasets SET rule = 'upsert'")     # as version 3 recorded the project ledger
    c.execute("INSERT INTO projects SELECT * EXCLUDE (_skip, _sheet, _row) FROM projects__log "
              "WHERE project_key = 'P002'")  # kept by the upsert
    c.execute("DELETE FROM projects__log WHERE project_key = 'P002'")
    c.execute("DROP TABLE projects__versions")
    for t in ("indicators", "indicators__log"):
        for col in ("region_value_ytd", "region_growth_pct", "region"):
            c.execute(f"ALTER TABLE {t} DROP COLUMN {col}")
    c.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    c.close()
    c = store.connect(db)
    assert store.schema_version(c) == 4
    cols = {r[0] for r in c.execute("SELECT column_name FROM information_schema.columns "
                                    "WHERE table_name = 'indicators'").fetchall()}
    assert {"region_value_ytd", "region_growth_pct", "region"} <= cols
    # each version replayed under the rule it was imported with: the upsert kept B in the second one
    v = store.ledger_versions(c)
    assert v.groupby("batch_id")["project_key"].apply(list).to_dict() == {
        a.batch_id: ["P001", "P002", "P003"], b.batch_id: ["P001", "P002", "P003"]}
    assert current(c) == {"P001": 1200.0, "P002": 2500.0, "P003": 4500.0}
    c.close()


# --- an upload dated before data already loaded is folded in at its date ------------------------
def test_a_ledger_dated_before_the_newest_one_does_not_become_the_current_ledger(con):
    july = store.import_workbooks(con, [wb("projects", [pj("P1", "甲项目", 100.0, "开工"), pj("P2", "乙项目", 200.0)],
                                           file="台账20250731.xlsx")])[0]
    may = store.import_workbooks(con, [wb("projects", [pj("P1", "甲项目", 100.0), pj("P3", "丙项目", 50.0)],
                                          file="台账20250515.xlsx")])[0]
    assert may.committed
    # July's ledger stays the current one: P1 开工, P2 kept, P3 (only in May) not in it
    assert con.execute("SELECT project_key, stage FROM projects ORDER BY 1").fetchall() == [("P1", "开工"),
                                                                                           ("P2", "签约")]
    change = may.changes[0]
    assert (change.arriving, change.changed, change.leaving, change.rows_after) == (0, 0, 0, 2)
    assert change.sentence.startswith("本文件的数据日期（2025年5月15日）早于库中已有的招商引资项目台账（最新为2025年7月31日）")
    # the May version is a dated version of its own: P1 was 签约 on 2025-05-20
    v = store.ledger_versions(con)
    assert v[v["batch_id"] == may.batch_id]["project_key"].tolist() == ["P1", "P3"]
    assert v[v["batch_id"] == july.batch_id]["stage"].tolist() == ["开工", "签约"]
    store.rollback(con, july.batch_id)   # without July, May's ledger is the current one
    assert con.execute("SELECT project_key, stage FROM projects ORDER BY 1").fetchall() == [("P1", "签约"),
                                                                                           ("P3", "签约")]


def test_an_older_registry_export_does_not_revive_a_closed_entity(con):
    def e(uscc, name, status="存续", closed=None):
        return dict(uscc=uscc, name=name, established_on=pd.Timestamp("2020-01-01"), industry_code="C3581",
                    status=status, closed_on=None if closed is None else pd.Timestamp(closed))
    store.import_workbooks(con, [wb("entities", [e("A", "甲公司", "注销", "2025-07-20"), e("B", "乙科技公司")],
                                    file="名录_20250731.xlsx")])
    old = store.import_workbooks(con, [wb("entities", [e("A", "甲公司"), e("B", "乙公司"), e("C", "丙公司")],
                                          file="名录_20250615.xlsx")])[0]
    got = con.execute("SELECT uscc, name, status, closed_on FROM entities ORDER BY 1").fetchall()
    assert got == [("A", "甲公司", "注销", dt.date(2025, 7, 20)), ("B", "乙科技公司", "存续", None),
                   ("C", "丙公司", "存续", None)]
    s = old.sheets[0]
    assert (s.rows_new, s.rows_updated, s.rows_unchanged) == (1, 0, 2)


def test_a_dated_ledger_after_one_without_a_date_is_the_newer_one(con):
    def sale(day, amount):
        return dict(sold_on=pd.Timestamp(day), channel="展销中心", enterprise="甲公司", amount=amount)
    # no date in the name: dated by the import (today), yet it is not newer than July's ledger sent after it
    store.import_workbooks(con, [wb("sales", [sale("2025-07-02", 10.0), sale("2025-07-20", 5.0)], file="帮销台账.xlsx")])
    fixed = store.import_workbooks(con, [wb("sales", [sale("2025-07-02", 10.0), sale("2025-07-20", 8.0)],
                                            file="帮销台账_20250731.xlsx")])[0]
    assert fixed.changes[0].changed == 1 and "早于" not in fixed.changes[0].sentence
    assert con.execute("SELECT sum(amount) FROM sales").fetchall()[0][0] == 18.0
    # and a rebuild (the rollback of a later upload) folds them in the same order
    other = store.import_workbooks(con, [wb("sales", [sale("2025-08-01", 1.0)], file="帮销台账_20250801.xlsx")])[0]
    store.rollback(con, other.batch_id)
    assert con.execute("SELECT sum(amount) FROM sales").fetchall()[0][0] == 18.0


def test_an_older_upload_previewed_and_rolled_back_leaves_the_store_as_it_was(con):
    from tests.test_store import content
    store.import_workbooks(con, [wb("projects", [pj("P1", "甲项目", 100.0, "开工")], file="台账20250731.xlsx")])
    before = content(con)
    older = wb("projects", [pj("P1", "甲项目", 90.0), pj("P2", "乙项目", 50.0)], file="台账20250515.xlsx")
    dry = store.import_workbooks(con, [older], dry_run=True)[0]
    assert not dry.committed and "早于" in dry.changes[0].sentence and content(con) == before
    assert con.execute("SELECT count(*) FROM batch_datasets").fetchall()[0][0] == 1
    done = store.import_workbooks(con, [older])[0]
    assert content(con) == before
    store.rollback(con, done.batch_id)
    assert content(con) == before and len(store.ledger_versions(con)) == 1
