"""analytics.store: merges by dataset kind, atomic refusal, dry run, rollback, data version.

Fixtures are WorkbookResult objects built by hand (independent of the workbook reader)."""
from __future__ import annotations

import threading

import pandas as pd
import pytest

from analytics import store
from analytics.ingest.model import ERROR, Problem, SheetResult, WorkbookResult


def wb(dataset, rows, *, sheet="表1", file="a.xlsx", errors=(), first_row=3):
    df = pd.DataFrame(rows)
    df["_row"] = range(first_row, first_row + len(df))
    df["_valid"] = [i not in errors for i in range(len(df))]
    problems = [Problem(ERROR, file, sheet, first_row + i, "金额", "x", "不是数字") for i in errors]
    return WorkbookResult(file=file, sha256="0" * 64, sheets=[
        SheetResult(file=file, sheet=sheet, dataset=dataset, frame=df, rows_read=len(df), problems=problems)])


def content(con):
    """Every dataset table's rows, sorted: the store's content for byte-for-byte comparison."""
    out = {}
    for t in ("entities", "industrial", "projects", "sales", "indicators", "service_accounts", "service_visits"):
        out[t] = con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
    return out


@pytest.fixture
def con():
    c = store.connect(":memory:")
    yield c
    c.close()


def ent(uscc, name="甲公司", est="2020-01-01", code="C3581", **kw):
    return dict(uscc=uscc, name=name, established_on=pd.Timestamp(est), industry_code=code, status="存续", **kw)


def test_snapshot_upsert_counts_new_updated_unchanged(con):
    o = store.import_workbooks(con, [wb("entities", [ent("A"), ent("B")])])[0]
    assert o.committed and (o.sheets[0].rows_new, o.sheets[0].rows_updated) == (2, 0)
    # B renamed, C new, A same; D absent from a snapshot upload stays untouched
    o = store.import_workbooks(con, [wb("entities", [ent("A"), ent("B", name="乙公司"), ent("C")])])[0]
    s = o.sheets[0]
    assert (s.rows_new, s.rows_updated, s.rows_unchanged) == (1, 1, 1)
    assert s.updated_before["name"].tolist() == ["甲公司"] and s.updated_after["name"].tolist() == ["乙公司"]
    assert con.execute("SELECT count(*) FROM entities").fetchall()[0][0] == 3


def test_sector_comes_from_mapping_unless_the_file_names_one(con):
    rows = [ent("A", code="C3581"), ent("B", code="2710"), ent("C", code="F5191"),
            ent("D", code="F5191", sector_raw="医疗器械产业", sector="医疗器械")]
    store.import_workbooks(con, [wb("entities", rows)])
    got = dict(con.execute("SELECT uscc, sector FROM entities").fetchall())
    # C3581 -> prefix C358 医疗器械; 2710 -> C2710 -> prefix C27 医药; F5191 -> no prefix -> 其他
    assert got == {"A": "医疗器械", "B": "医药", "C": "其他", "D": "医疗器械"}


def test_period_dataset_replaces_the_periods_it_carries(con):
    p5, p4 = pd.Timestamp("2025-05-01"), pd.Timestamp("2025-04-01")
    rows = [dict(period=p4, uscc="A", value_added_ytd=10.0), dict(period=p5, uscc="A", value_added_ytd=12.0),
            dict(period=p5, uscc="B", value_added_ytd=5.0)]
    store.import_workbooks(con, [wb("industrial", rows)])
    # a corrected May without B: B's May row is removed, April untouched
    o = store.import_workbooks(con, [wb("industrial", [dict(period=p5, uscc="A", value_added_ytd=13.0)])])[0]
    s = o.sheets[0]
    assert (s.rows_new, s.rows_updated, s.rows_removed) == (0, 1, 1)
    assert s.removed["uscc"].tolist() == ["B"]
    assert con.execute("SELECT period, uscc, value_added_ytd FROM industrial ORDER BY ALL").fetchall() == [
        (p4.date(), "A", 10.0), (p5.date(), "A", 13.0)]


def test_ledger_reupload_with_rows_appended_counts_each_row_once(con):
    day = pd.Timestamp("2025-05-10")
    rows = [dict(sold_on=day, channel="大通店", enterprise="甲", amount=1.5),
            dict(sold_on=day, channel="大通店", enterprise="甲", amount=1.5)]  # two identical takings: both real
    store.import_workbooks(con, [wb("sales", rows)])
    again = rows + [dict(sold_on=day, channel="大通店", enterprise="乙", amount=2.0)]
    o = store.import_workbooks(con, [wb("sales", again)])[0]
    assert (o.sheets[0].rows_new, o.sheets[0].rows_unchanged) == (1, 2)
    # 1.5 + 1.5 + 2.0 = 5.0 万元, three rows
    assert con.execute("SELECT sum(amount), count(*) FROM sales").fetchall() == [(5.0, 3)]
    o = store.import_workbooks(con, [wb("sales", again)])[0]
    assert o.sheets[0].rows_unchanged == 3 and con.execute("SELECT count(*) FROM sales").fetchall()[0][0] == 3


def test_a_file_with_errors_is_refused_and_changes_nothing(con):
    store.import_workbooks(con, [wb("entities", [ent("A")])])
    before, version = content(con), store.data_version(con)
    o = store.import_workbooks(con, [wb("entities", [ent("A", name="新名"), ent("B")], errors=[1])])[0]
    assert not o.committed
    assert o.refused == ("文件“a.xlsx”有 1 个错误，已拒绝导入，数据库未作任何改动。"
                         "请按问题清单修改后重新上传，或选择“跳过错误行”导入其余行。")
    assert content(con) == before and store.data_version(con) == version


def test_skip_invalid_imports_the_other_rows(con):
    o = store.import_workbooks(con, [wb("entities", [ent("A"), ent("B")], errors=[1])], skip_invalid=True)[0]
    assert o.committed and o.sheets[0].rows_new == 1 and o.sheets[0].rows_skipped == 1
    assert con.execute("SELECT uscc FROM entities").fetchall() == [("A",)]
    assert con.execute("SELECT count(*) FROM import_problems").fetchall()[0][0] == 1


def test_dry_run_reports_counts_and_writes_nothing(con):
    seen = []
    o = store.import_workbooks(con, [wb("entities", [ent("A")])], dry_run=True,
                               inspect=lambda c: c.execute("SELECT count(*) FROM entities").fetchall()[0][0])[0]
    assert not o.committed and o.sheets[0].rows_new == 1 and o.inspected == 1
    assert content(con)["entities"] == [] and store.data_version(con) == 0 and not seen


def test_duplicate_keys_across_sheets_refuse_the_file(con):
    w = wb("entities", [ent("A")], sheet="一月")
    w.sheets += wb("entities", [ent("A")], sheet="二月", first_row=5).sheets
    o = store.import_workbooks(con, [w])[0]
    assert o.refused == "市场主体名录中键（统一社会信用代码）重复：一月 第3行；二月 第5行。请删除重复行后重新导入。"
    assert content(con)["entities"] == []


def test_rollback_restores_previous_figures_and_is_logged(con):
    p5 = pd.Timestamp("2025-05-01")
    store.import_workbooks(con, [wb("industrial", [dict(period=p5, uscc="A", value_added_ytd=10.0),
                                                   dict(period=p5, uscc="B", value_added_ytd=5.0)])])
    o = store.import_workbooks(con, [wb("industrial", [dict(period=p5, uscc="A", value_added_ytd=20.0)])])[0]
    total = lambda: con.execute("SELECT sum(value_added_ytd) FROM industrial").fetchall()[0][0]  # noqa: E731
    assert total() == 20.0
    v = store.data_version(con)
    rb = store.rollback(con, o.batch_id, who="分析员甲")
    assert total() == 15.0 and store.data_version(con) == rb > v
    log = store.import_log(con)
    assert log.loc[log.batch_id == rb, "note"].item() == f"撤销批次 {o.batch_id}：删除 1 行，恢复 2 行"
    assert log.loc[log.batch_id == o.batch_id, "rolled_back_by"].item() == rb
    with pytest.raises(store.StoreError, match=f"批次 {o.batch_id}（a.xlsx）已由批次 {rb} 撤销。"):
        store.rollback(con, o.batch_id)


def test_rollback_of_a_batch_changed_later_keeps_the_later_version(con):
    a = store.import_workbooks(con, [wb("entities", [ent("A"), ent("B")])])[0]
    b = store.import_workbooks(con, [wb("entities", [ent("A", name="改名")])])[0]
    store.rollback(con, a.batch_id)
    # the store without batch a is batch b alone: A renamed, B never imported
    assert con.execute("SELECT uscc, name FROM entities").fetchall() == [("A", "改名")]
    store.rollback(con, b.batch_id)
    assert content(con)["entities"] == []
    with pytest.raises(store.StoreError, match=f"批次 {b.batch_id + 1} 本身是一次撤销操作，不能再撤销。"):
        store.rollback(con, b.batch_id + 1)


def test_two_imports_at_the_same_moment_both_land(tmp_path):
    path = tmp_path / "p.duckdb"
    base = store.connect(path)
    errors = []

    def go(uscc):
        try:
            cur = base.cursor()
            o = store.import_workbooks(cur, [wb("entities", [ent(uscc)], file=f"{uscc}.xlsx")])[0]
            assert o.committed
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(u,)) for u in "ABCD"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert base.execute("SELECT count(*) FROM entities").fetchall()[0][0] == 4
    assert base.execute("SELECT count(DISTINCT batch_id) FROM import_log").fetchall()[0][0] == 4


def test_not_a_workbook_is_refused_with_the_readers_reason(con):
    o = store.import_workbooks(con, [WorkbookResult(file="x.xlsx", sha256="", error="不是 Excel 文件")])[0]
    assert not o.committed and o.refused == "不是 Excel 文件"


def test_hand_made_column_mapping_is_remembered_per_layout(con):
    layout = store.layout_signature("sales", ["日期", "金额", "帮销单位"])
    assert layout == store.layout_signature("sales", ["帮销单位", "日期", "金额"])  # order ignored
    assert layout != store.layout_signature("sales", ["日期", "金额"])
    store.remember_mapping(con, layout, {"帮销单位": "enterprise"}, who="甲")
    assert store.remembered_mapping(con, layout) == {"帮销单位": "enterprise"}
    store.remember_mapping(con, layout, {"帮销单位": ""}, who="甲")
    assert store.remembered_mapping(con, layout) == {}


def test_an_edited_mapping_file_recomputes_sectors(con, tmp_path):
    store.import_workbooks(con, [wb("entities", [ent("A", code="F5191"), ent("B", code="C3581")])])
    assert store.refresh_sectors(con) is False  # connect() recorded the default file: nothing to do
    edited = tmp_path / "mapping.csv"
    edited.write_text("prefix,sector\nF51,生产性服务业\nC358,医疗器械\n", encoding="utf-8")
    assert store.refresh_sectors(con, edited) is True
    assert dict(con.execute("SELECT uscc, sector FROM entities").fetchall()) == {"A": "生产性服务业", "B": "医疗器械"}


def test_industrial_rows_take_the_sector_of_a_registry_loaded_later(con):
    p5 = pd.Timestamp("2025-05-01")
    store.import_workbooks(con, [wb("industrial", [dict(period=p5, uscc="A", value_added_ytd=1.0)])])
    assert con.execute("SELECT sector FROM industrial").fetchall() == [("其他",)]
    b = store.import_workbooks(con, [wb("entities", [ent("A", code="C2720")])])[0]
    assert con.execute("SELECT sector FROM industrial").fetchall() == [("医药",)]  # C27 -> 医药
    store.rollback(con, b.batch_id)
    assert con.execute("SELECT sector FROM industrial").fetchall() == [("其他",)]
