"""analytics.metrics.service: key accounts, visits and demands, worked by hand at D = 2025-06-15."""
from datetime import date

import pandas as pd
import pytest

from analytics import store
from analytics.metrics import service

from store_rows import insert

D = date(2025, 6, 15)


def visit(day, account, leader, vtype, cat=None, demand=None, status=None, resolved=None):
    return {"visited_on": day, "account": account, "leader": leader, "visit_type": vtype, "demand_category": cat,
            "demand": demand, "demand_status": status, "resolved_on": resolved}


@pytest.fixture()
def con():
    c = store.connect(":memory:")
    insert(c, "service_accounts", [
        {"account": "甲", "account_type": "企业", "leader": "王"},
        {"account": "甲", "account_type": "企业", "leader": "李"},  # one account, two leaders: counts once
        {"account": "乙", "account_type": "项目", "leader": "李"},
        {"account": "丙", "account_type": "企业", "leader": "张"},
    ])
    insert(c, "service_visits", [
        visit(date(2025, 4, 2), "甲", "王", "政策走访", "融资", "贷款", "已办结", date(2025, 4, 12)),  # 10 days
        visit(date(2025, 1, 2), "乙", "李", "问题访谈", "用地", "用地指标", "办理中"),                 # open, 164 days
        visit(date(2025, 3, 31), "丙", "张", "跟踪回访"),                                               # no demand
        visit(date(2025, 5, 20), "乙", "李", "政策走访", "用工", "招工", "已办结", date(2025, 6, 20)),  # solved after D
        visit(date(2025, 5, 1), "乙", "李", "问题访谈", None, "其他事", "未办理"),                      # open, 45 days
        visit(date(2025, 6, 16), "甲", "王", "政策走访", "政策", "补贴", "未办理"),                     # after D
        visit(date(2025, 2, 1), "甲", "王", "跟踪回访", "审批", "审批", "已办结", date(2025, 2, 21)),   # 20 days
    ])
    return c


def test_accounts(con):
    assert service.key_accounts(con) == 3  # 甲, 乙, 丙
    df = service.accounts_per_leader(con)
    assert df["leader"].tolist() == ["李", "张", "王"]
    assert df.set_index("leader").loc["李", ["accounts", "enterprises", "projects"]].tolist() == [2, 1, 1]


def test_visits_by_month(con):
    df = service.visits_by_month(con, D)
    assert len(df) == 18  # 2025-01 .. 2025-06, three types each
    v = df.set_index(["month", "visit_type"])["visits"]
    assert (v[("2025-05", "政策走访")], v[("2025-05", "问题访谈")], v[("2025-06", "政策走访")]) == (1, 1, 0)
    assert df["visits"].sum() == 6  # the visit on 16 June is after D


def test_demands_and_resolution(con):
    df = service.demands(con, D).set_index("category")
    assert df.columns.tolist() == ["已办结", "办理中", "未办理", "total"]
    assert df.loc["融资"].tolist() == [1, 0, 0, 1]
    assert df.loc["用工"].tolist() == [0, 1, 0, 1]  # 已办结 only on 20 June: still 办理中 at D
    assert df.loc["其他"].tolist() == [0, 0, 1, 1]  # blank category -> 其他
    assert df["total"].sum() == 5
    share, median_days = service.resolution(con, D)
    assert share == 40.0 and median_days == 15.0  # 2 of 5; median of 10 and 20 days
    assert service.resolution(store.connect(":memory:"), D) == (None, None)


def test_open_demands(con):
    df = service.open_demands(con, D)
    assert df["account"].tolist() == ["乙", "乙", "乙"]
    assert df["age_days"].tolist() == [164, 45, 26]
    assert df["age_bucket"].tolist() == ["90天以上", "31-90天", "30天以内"]
    assert service.open_by_age(con, D)["demands"].tolist() == [1, 1, 1]


def test_leaders_without_visit(con):
    df = service.leaders_without_visit(con, D)
    # second quarter from 2025-04-01: 甲 (王, 李) and 乙 (李) were visited; 丙 (张) last on 2025-03-31
    assert df["leader"].tolist() == ["张"]
    assert pd.Timestamp(df["last_visit"].iloc[0]).date() == date(2025, 3, 31)
    assert df["quarter"].iloc[0] == "2025年二季度"
    assert service.leaders_without_visit(con, date(2025, 3, 31))["leader"].tolist() == []  # Q1: all visited


def test_no_leader_is_unvisited_before_the_visit_ledger_starts(con):
    # the ledger's first visit is 2025-01-02: on 2024-12-31 nobody can be called unvisited
    assert service.visits_start(con) == date(2025, 1, 2)
    assert service.leaders_without_visit(con, date(2024, 12, 31)).empty
    assert service.visit_coverage_note(con, date(2024, 12, 31)) == (
        "走访台账自2025年1月2日起记录，数据日期之前没有走访记录，不据此判断各领导是否走访。")
    # inside the first quarter the quarter is counted from the ledger's first day
    assert service.visit_coverage_note(con, date(2025, 1, 20)) == "走访台账自2025年1月2日起记录，本季度走访情况从该日起统计。"
    assert service.visit_coverage_note(con, D) is None
    # on 2025-01-20 only 乙's leader (李) had a visit: 王 and 张 had none yet in the quarter
    assert service.leaders_without_visit(con, date(2025, 1, 20))["leader"].tolist() == ["张", "王"]


def test_the_key_account_list_is_the_current_state_before_its_data_date(con):
    # no import batches here: the list is dated by the latest visit (2025-06-16)
    assert service.accounts_note(con, D) == service.ACCOUNTS_STATE_NOTE
    assert service.accounts_note(con, date(2025, 6, 16)) is None


@pytest.mark.slow
def test_the_briefing_says_the_key_account_list_is_current_at_a_past_date(store_db):
    from analytics import briefing
    db, _ = store_db
    c = store.connect(db, read_only=True)
    may = briefing.build_briefing(c, date(2025, 5, 1)).section("service").paragraph
    assert may.startswith("园区党委班子成员包保重点企业和项目67个；")
    assert may.endswith(f"；{service.ACCOUNTS_STATE_NOTE}。")
    assert "不随数据日期回溯" not in briefing.build_briefing(c, D).section("service").paragraph
