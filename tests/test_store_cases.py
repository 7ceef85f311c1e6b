"""The seven cases of issue 9, each with the figure computed by hand from a small fixture.

Cases 1-3 go through real workbooks (read by analytics.ingest), so the channel really comes from the
sheet name; cases 4-6 use hand-built reader results (tests/test_store.py's `wb`). Case 7 (an unreadable
optional cell) belongs to the reader's tests.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics import store
from analytics.ingest import read_workbook
from tests.ingest_fixtures import write_book
from tests.test_store import ent, wb

D1, D2, D3 = dt.date(2025, 5, 10), dt.date(2025, 5, 24), dt.date(2025, 6, 3)
HEAD = ["日期", "企业名称", "产品名称", "销售额（万元）"]
LEDGER = [[D1, "青海甲生物", "枸杞原浆", 1.0], [D2, "青海乙药业", "牦牛奶粉", 2.0], [D3, "青海丙食品", "青稞酒", 3.0]]


@pytest.fixture
def con():
    c = store.connect(":memory:")
    yield c
    c.close()


def load(con, tmp_path, sheets: dict[str, list], name="助企帮销台账.xlsx", **kw):
    path = write_book(tmp_path / name, {s: [HEAD] + rows for s, rows in sheets.items()})
    outcome = store.import_workbooks(con, [read_workbook(path, today=dt.date(2025, 7, 1))], **kw)[0]
    assert outcome.committed, outcome.refused
    return outcome


def sales_total(con):
    return con.execute("SELECT round(coalesce(sum(amount), 0), 6), count(*) FROM sales").fetchall()[0]


def test_case1_a_corrected_supplier_name_replaces_its_row(con, tmp_path):
    load(con, tmp_path, {"展厅": LEDGER})
    corrected = [LEDGER[0], [D2, "青海乙药业有限公司", "牦牛奶粉", 2.0], LEDGER[2]]
    load(con, tmp_path, {"展厅": corrected})
    # 1.0 + 2.0 + 3.0 = 6.0 万元 in three rows; the old spelling is gone
    assert sales_total(con) == (6.0, 3)
    assert con.execute("SELECT count(*) FROM sales WHERE enterprise = '青海乙药业'").fetchall()[0][0] == 0


def test_case2_a_renamed_sheet_does_not_double_the_ledger(con, tmp_path):
    load(con, tmp_path, {"特色产品展厅": LEDGER})
    o = load(con, tmp_path, {"特色产品展示中心": LEDGER})
    c = o.changes[0]  # the preview's figures: three rows leave under the old channel, three arrive
    assert (c.rule, c.leaving, c.arriving, c.rows_before, c.rows_after) == ("replace", 3, 3, 3, 3)
    assert c.sentence.startswith("按“整本台账新版本”处理：库中助企帮销台账在本文件覆盖的时段（2025年5月10日至")
    assert sales_total(con) == (6.0, 3)
    assert con.execute("SELECT DISTINCT channel FROM sales").fetchall() == [("特色产品展示中心",)]


def test_case3_a_row_deleted_from_the_ledger_leaves_the_store(con, tmp_path):
    load(con, tmp_path, {"展厅": LEDGER})
    load(con, tmp_path, {"展厅": LEDGER[:2]})
    # the 6月3日 row (3.0) was deleted from the ledger: 1.0 + 2.0 = 3.0
    assert sales_total(con) == (3.0, 2)


def test_case4_rolling_back_a_batch_keeps_the_rows_a_live_later_batch_resent(con):
    day = pd.Timestamp("2025-05-10")
    a = dict(sold_on=day, channel="展厅", enterprise="甲", amount=1.0)
    b = dict(sold_on=day, channel="展厅", enterprise="乙", amount=2.0)
    c = dict(sold_on=pd.Timestamp("2025-06-01"), channel="展厅", enterprise="丙", amount=4.0)
    first = store.import_workbooks(con, [wb("sales", [a, b])])[0]
    store.import_workbooks(con, [wb("sales", [a, b, c])])  # the whole ledger again, one month appended
    assert sales_total(con) == (7.0, 3)
    store.rollback(con, first.batch_id)
    # the store without batch 1 is batch 2 alone: 1.0 + 2.0 + 4.0 = 7.0
    assert sales_total(con) == (7.0, 3)


def test_case5a_a_skipped_statistics_row_keeps_its_stored_version(con):
    p5 = pd.Timestamp("2025-05-01")
    store.import_workbooks(con, [wb("industrial", [dict(period=p5, uscc="A", value_added_ytd=10.0),
                                                   dict(period=p5, uscc="B", value_added_ytd=5.0)])])
    revised = [dict(period=p5, uscc="A", value_added_ytd=12.0), dict(period=p5, uscc="B", value_added_ytd=None)]
    o = store.import_workbooks(con, [wb("industrial", revised, errors=[1])], skip_invalid=True)[0]
    assert o.committed and o.sheets[0].rows_skipped == 1
    # A revised to 12.0; B's new row had an error, so its stored 5.0 stays: 17.0
    assert con.execute("SELECT sum(value_added_ytd), count(*) FROM industrial").fetchall() == [(17.0, 2)]


def test_case5b_a_skipped_ledger_row_shifts_no_occurrence_numbers(con):
    day = pd.Timestamp("2025-05-10")
    x = dict(sold_on=day, channel="大通店", enterprise="甲", amount=1.5)
    store.import_workbooks(con, [wb("sales", [x, x])])  # two identical takings, both real
    # the ledger again with a third identical taking; its first row now has an error and is skipped
    o = store.import_workbooks(con, [wb("sales", [x, x, x], errors=[0])], skip_invalid=True)[0]
    assert o.committed
    # the stored first taking stays, the two valid rows are the 2nd and 3rd: 3 x 1.5 = 4.5
    assert sales_total(con) == (4.5, 3)


def test_case6_a_rollback_after_the_mapping_was_edited_uses_the_new_mapping(con, tmp_path):
    store.import_workbooks(con, [wb("entities", [ent("A", code="F5191")])])
    renamed = store.import_workbooks(con, [wb("entities", [ent("A", name="甲公司（更名）", code="F5191")])])[0]
    edited = tmp_path / "mapping.csv"
    edited.write_text("prefix,sector\nF51,生产性服务业\nC358,医疗器械\n", encoding="utf-8")
    assert store.refresh_sectors(con, edited) is True
    store.rollback(con, renamed.batch_id)  # the store remembers the edited file
    # F5191 -> prefix F51 -> 生产性服务业 under the edited mapping, also for the restored row
    assert con.execute("SELECT name, sector FROM entities").fetchall() == [("甲公司", "生产性服务业")]
