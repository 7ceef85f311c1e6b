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
    # the current table is the fold of a and c: 甲 投产 (c), 乙 洽谈 (a)
    assert dict(con.execute("SELECT name, stage FROM projects").fetchall()) == {"甲项目": "投产", "乙项目": "洽谈"}


def test_versions_leave_out_skipped_rows(con):
    store.import_workbooks(con, [wb("projects", [proj("甲项目", "签约"), proj("乙项目", None)], errors=[1],
                                    file="台账 2025年6月15日.xlsx")], skip_invalid=True)
    v = store.ledger_versions(con)
    assert v["name"].tolist() == ["甲项目"] and v["version_on"].tolist() == [dt.date(2025, 6, 15)]
    assert isinstance(v["imported_at"].iloc[0], pd.Timestamp)
