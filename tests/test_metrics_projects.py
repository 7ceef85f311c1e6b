"""analytics.metrics.projects: ledger counts, funnel and traffic lights, worked by hand at D = 2025-06-15."""
import math
from datetime import date

import pandas as pd
import pytest

from analytics import store
from analytics.metrics import projects

from store_rows import insert

D = date(2025, 6, 15)


def proj(key, stage, sector="其他", inv=None, signed=None, started=None, producing=None, due=None,
         progress=None, leader=None, origin=None):
    return {"project_key": key, "name": f"{key}项目", "stage": stage, "sector": sector, "investment": inv,
            "signed_on": signed, "started_on": started, "producing_on": producing, "due_on": due,
            "progress": progress, "leader": leader, "origin": origin}


@pytest.fixture()
def con():
    c = store.connect(":memory:")
    insert(c, "projects", [
        # 红: due 2025-05-01, 45 days overdue at D
        proj("P1", "签约", "医疗器械", 100000.0, signed=date(2025, 3, 1), due=date(2025, 5, 1), progress="x",
             leader="王", origin="江苏"),
        # 黄: due in 5 days; signed on 1 January (counts this year)
        proj("P2", "开工", "医药", 135000.0, signed=date(2025, 1, 1), started=date(2025, 2, 1),
             due=date(2025, 6, 20), progress="y", leader="李", origin="浙江"),
        # 黄: no dates at all, no progress
        proj("P3", "洽谈", leader="王"),
        # 绿: producing; signed 2024-12-31 (not this year)
        proj("P4", "投产", "医药", 5000.0, signed=date(2024, 12, 31), started=date(2025, 1, 10),
             producing=date(2025, 5, 10), leader="李"),
        # 红: stalled
        proj("P5", "停滞", inv=2000.0, signed=date(2024, 3, 1), progress="z"),
        # 绿: signed on D itself (counts this year)
        proj("P6", "签约", "生产性服务业", 10000.0, signed=D, due=date(2025, 12, 1), progress="p", leader="李"),
        # signed the day after D: not this year to D; days in stage unknown at D
        proj("P7", "签约", inv=3000.0, signed=date(2025, 6, 16), progress="q"),
        # 黄: 签约 since 2024-10-01 = 257 days > 180
        proj("P8", "签约", inv=1000.0, signed=date(2024, 10, 1), progress="w", leader="王"),
    ])
    return c


def test_signed_this_year(con):
    df = projects.signed_in_year(con, D)
    assert df["project_key"].tolist() == ["P2", "P1", "P6"]  # [2025-01-01, 2025-06-15], by signing date
    n, inv, by_sector = projects.signed_summary(con, D)
    assert (n, inv) == (3, 245000.0)  # 100000 + 135000 + 10000
    assert by_sector == {"医疗器械": 1, "医药": 1, "生产性服务业": 1}
    assert projects.signed_summary(con, D, sector="医药")[:2] == (1, 135000.0)


def test_by_stage_sector_origin_month(con):
    st = projects.by_stage(con)
    assert st["stage"].tolist() == ["洽谈", "签约", "开工", "投产", "停滞"]
    assert st["count"].tolist() == [1, 4, 1, 1, 1]
    assert st["investment_wan"].tolist() == [0.0, 114000.0, 135000.0, 5000.0, 2000.0]
    sec = projects.by_sector(con, D).set_index("sector")
    assert len(sec) == 6 and sec.loc["医药", "count"] == 1 and sec.loc["其他", "count"] == 0
    assert projects.by_sector(con).set_index("sector").loc["其他", "count"] == 4  # P3, P5, P7, P8
    orig = projects.by_origin(con)
    assert orig["origin"].tolist() == ["浙江", "江苏", "未注明"]
    assert orig["count"].tolist() == [1, 1, 6]
    m = projects.by_signing_month(con, D)
    assert m["month"].tolist() == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    assert m["count"].tolist() == [1, 0, 1, 0, 0, 1]
    assert m["cumulative_investment_wan"].tolist()[-1] == 245000.0


def test_funnel(con):
    f = projects.funnel(con)
    assert f["stage"].tolist() == ["洽谈", "签约", "开工", "投产"]
    # reached: all 8; 签约: every project with a signing date or a later stage (all but P3) = 7;
    # 开工: P2, P4 = 2; 投产: P4 = 1
    assert f["reached"].tolist() == [8, 7, 2, 1]
    assert f["conversion_pct"].iloc[1:].tolist() == [pytest.approx(87.5), pytest.approx(200 / 7), 50.0]
    # 签约->开工: P2 31 days, P4 10 days -> median 20.5; 开工->投产: P4 2025-01-10 -> 2025-05-10 = 120
    assert f["median_days_from_previous"].iloc[2:].tolist() == [20.5, 120.0]
    assert math.isnan(f["median_days_from_previous"].iloc[1])


def test_traffic_lights(con):
    df = projects.traffic_lights(con, D)
    assert df["project_key"].tolist() == ["P1", "P5", "P2", "P3", "P8", "P4", "P6", "P7"]
    got = dict(zip(df["project_key"], zip(df["light"], df["reason"])))
    assert got["P1"] == ("红", "节点时限已超期45天")
    assert got["P5"] == ("红", "项目停滞")
    assert got["P2"] == ("黄", "节点时限将在5天内到期")
    assert got["P3"] == ("黄", "无最新进展记录")
    assert got["P8"] == ("黄", "处于签约阶段已257天（超过180天）")
    assert got["P4"] == ("绿", "已投产")
    assert got["P6"] == ("绿", "按计划推进")
    days = dict(zip(df["project_key"], df["days_in_stage"]))
    assert days["P1"] == 106 and days["P2"] == 134 and days["P6"] == 0
    assert pd.isna(days["P3"]) and pd.isna(days["P7"])  # no date / signed after D
    assert projects.traffic_lights(con, D, light="红")["project_key"].tolist() == ["P1", "P5"]
    assert projects.traffic_lights(con, D, leader="王", stage="签约")["project_key"].tolist() == ["P1", "P8"]
    with pytest.raises(ValueError, match="未知灯色 “蓝”；可用：红、黄、绿"):
        projects.traffic_lights(con, D, light="蓝")
    assert "红灯" in projects.TRAFFIC_LIGHT_RULE_TEXT and "180天" in projects.TRAFFIC_LIGHT_RULE_TEXT


def test_by_leader_and_detail(con):
    df = projects.by_leader(con, D)
    assert df["leader"].tolist() == ["李", "王", "未明确"]  # 3, 3 (李 has more investment), 2
    assert df.set_index("leader").loc["王"].tolist() == [3, 101000.0, 1, 2, 0]
    assert df.set_index("leader").loc["未明确"].tolist() == [2, 5000.0, 1, 0, 1]
    d = projects.project_detail(con, "P3", D)
    assert (d["light"], d["days_in_stage"], d["signed_on"]) == ("黄", None, None)
    assert projects.project_detail(con, "P1", D)["due_on"] == date(2025, 5, 1)
    assert projects.project_detail(con, "nope", D) == {}


@pytest.mark.slow
def test_stages_lights_and_leaders_at_a_past_date_come_from_the_ledger_known_then(store_db):
    from analytics.metrics import history
    db, _ = store_db
    c = store.connect(db, read_only=True)
    may = date(2025, 5, 1)          # the ledger known then: the version of 15 April (70 projects)
    lights = projects.traffic_lights(c, may)
    known = history.stage_on(history.load_versions(c), may)
    assert len(lights) == len(known) == 70
    assert dict(zip(lights["project_key"], lights["stage"])) == known
    assert int(projects.by_stage(c, as_of=may)["count"].sum()) == 70
    assert int(projects.by_leader(c, may)["projects"].sum()) == 70
    assert projects.state_note(c, may) == "签约、阶段、红黄绿灯按2025年4月15日版台账，即数据日期当时已有的最新版本"
    # on the newest version's date the current ledger is what was known: no note, 75 projects
    assert projects.state_note(c, D) is None and len(projects.traffic_lights(c, D)) == 75
    assert int(projects.by_stage(c, as_of=D)["count"].sum()) == 75
    # before the first version: stages from the ledger's dates, lights are the current state
    assert projects.state_note(c, date(2025, 3, 1)).startswith("数据日期早于第一版台账（2025年4月15日）")
    assert len(projects.traffic_lights(c, date(2025, 3, 1))) == 75
    early = projects.by_stage(c, as_of=date(2025, 3, 1)).set_index("stage")["count"]
    assert early["洽谈"] == 0 and early["停滞"] == 0 and early.sum() > 0


# --- a figure at a past date reads the ledger known then ------------------------------------------
@pytest.fixture(scope="module")
def two_ledgers():
    """A June ledger (P1 100万, P2 200万, signed in 2025) and July's (P1 corrected to 150, P2 deleted,
    P3 signed on 3 July, 50), imported as the analysts would."""
    from test_store import wb
    c = store.connect(":memory:")

    def row(key, inv, signed, leader="王"):
        return dict(project_key=key, project_id=key, name=f"{key}项目", stage="签约", sector="医疗器械",
                    investment=inv, signed_on=pd.Timestamp(signed), leader=leader, origin="江苏")
    store.import_workbooks(c, [wb("projects", [row("P1", 100.0, "2025-01-10"), row("P2", 200.0, "2025-02-01")],
                                  file="台账_20250615.xlsx")])
    store.import_workbooks(c, [wb("projects", [row("P1", 150.0, "2025-01-10"), row("P3", 50.0, "2025-07-03")],
                                  file="台账_20250731.xlsx")])
    yield c
    c.close()


@pytest.mark.parametrize("day, count, inv", [(date(2025, 6, 15), 2, 300.0), (date(2025, 7, 5), 2, 300.0),
                                             (date(2025, 7, 31), 2, 200.0)])
def test_signed_this_year_at_a_past_date_counts_the_ledger_known_then(two_ledgers, day, count, inv):
    # at 15 June and 5 July the June ledger was the newest: July's correction, deletion and P3 were not known
    assert projects.signed_summary(two_ledgers, day) == (count, inv, {"医疗器械": count})
    assert projects.by_signing_month(two_ledgers, day)["cumulative_count"].iloc[-1] == count
    assert projects.by_sector(two_ledgers, day).set_index("sector").loc["医疗器械", "investment_wan"] == inv
    assert projects.by_origin(two_ledgers, day)["count"].tolist() == [count]
    assert len(projects.signed_in_year(two_ledgers, day)) == count


def test_a_post_task_at_a_past_date_counts_the_ledger_known_then(two_ledgers):
    from analytics.metrics import targets
    got = targets.projects_counted(two_ledgers, date(2025, 7, 5), "王", "签约项目数", year=2025)
    assert got["project_key"].tolist() == ["P1", "P2"] and got["investment"].tolist() == [100.0, 200.0]
    got = targets.projects_counted(two_ledgers, date(2025, 7, 31), "王", "签约项目数", year=2025)
    assert got["project_key"].tolist() == ["P1", "P3"]


def test_days_in_a_stage_at_a_date_do_not_depend_on_later_uploads():
    from test_store import wb
    c = store.connect(":memory:")

    def load(stage, file):
        store.import_workbooks(c, [wb("projects", [dict(project_key="P1", name="P1项目", stage=stage, progress="x",
                                                        signed_on=pd.Timestamp("2025-01-10"))], file=file)])

    def days():
        return projects.traffic_lights(c, D).set_index("project_key").loc["P1", "days_in_stage"]
    load("签约", "台账_20250415.xlsx")
    load("停滞", "台账_20250515.xlsx")
    # stalled since the 15 May version first showed it: 31 days at 15 June
    assert days() == 31
    load("停滞", "台账_20250731.xlsx")
    assert days() == 31
    c.close()
