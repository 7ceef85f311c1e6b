"""analytics.metrics.history: three hand-written versions of the project ledger (15 April, 15 May,
15 June 2025), and what they say about any date."""
from datetime import date

import pandas as pd
import pytest

from analytics.metrics import history

V1, V2, V3 = date(2025, 4, 15), date(2025, 5, 15), date(2025, 6, 15)


def row(batch, on, key, stage, signed=None, started=None, producing=None, next_step=None, due=None,
        leader="王", inv=1000.0, progress="有进展"):
    return {"batch_id": batch, "version_on": on, "file_name": f"招商引资项目台账_{on:%Y%m%d}.xlsx",
            "project_key": key, "name": f"{key}项目", "stage": stage, "signed_on": signed, "started_on": started,
            "producing_on": producing, "next_step": next_step, "due_on": due, "leader": leader,
            "department": "招商合作部", "investment": inv, "sector": "医药", "progress": progress}


@pytest.fixture()
def versions():
    rows = [
        # P1: signed → started → stalled
        row(1, V1, "P1", "签约", date(2025, 3, 1), next_step="办理备案", due=date(2025, 4, 30), progress=None),
        row(2, V2, "P1", "开工", date(2025, 3, 1), date(2025, 5, 2), next_step="主体封顶", due=date(2025, 8, 1)),
        row(3, V3, "P1", "停滞", date(2025, 3, 1), date(2025, 5, 2), next_step="协调资金", due=date(2025, 7, 1)),
        # P2: talks, talks, signed on 3 June
        row(1, V1, "P2", "洽谈", leader="李"),
        row(2, V2, "P2", "洽谈", leader="李"),
        row(3, V3, "P2", "签约", date(2025, 6, 3), leader="李"),
        # P3: under construction, then gone from the ledger
        row(1, V1, "P3", "开工", date(2024, 11, 1), date(2025, 1, 10)),
        row(2, V2, "P3", "开工", date(2024, 11, 1), date(2025, 1, 10)),
        # P4: first listed in May, signed on 10 May
        row(2, V2, "P4", "签约", date(2025, 5, 10), leader="李"),
        row(3, V3, "P4", "签约", date(2025, 5, 10), leader="李"),
        # P5: signed, then producing in June without the ledger giving the dates
        row(1, V1, "P5", "签约", date(2025, 2, 1)),
        row(2, V2, "P5", "签约", date(2025, 2, 1)),
        row(3, V3, "P5", "投产", date(2025, 2, 1)),
        # P6: new in talks in June
        row(3, V3, "P6", "洽谈"),
    ]
    df = pd.DataFrame(rows)
    return df.sample(frac=1, random_state=3).reset_index(drop=True)   # order must not matter


def test_stage_on_any_date_across_three_versions(versions):
    assert history.stage_on(versions, date(2025, 4, 30)) == {"P1": "签约", "P2": "洽谈", "P3": "开工", "P5": "签约"}
    assert history.stage_on(versions, date(2025, 5, 20)) == {"P1": "开工", "P2": "洽谈", "P3": "开工", "P4": "签约",
                                                             "P5": "签约"}
    assert history.stage_on(versions, V3) == {"P1": "停滞", "P2": "签约", "P4": "签约", "P5": "投产", "P6": "洽谈"}
    # the day before a version is still the earlier one: P4 was not known on 14 May
    assert "P4" not in history.stage_on(versions, date(2025, 5, 14))


def test_before_the_first_version_only_the_dates_speak(versions):
    s = history.ledger_at(versions, date(2025, 3, 10))
    assert dict(zip(s["project_key"], s["stage"])) == {"P1": "签约", "P3": "开工", "P5": "签约"}
    assert set(s["basis"]) == {history.BASIS_DATES}
    assert s["next_step"].isna().all() and s["due_on"].isna().all()
    assert history.stage_on(versions, date(2025, 1, 5)) == {"P3": "签约"}
    assert history.stage_on(versions, date(2024, 10, 1)) == {}


def test_june_transitions(versions):
    t = history.month_transitions(versions, V3)
    got = [(r.event, r.project_key, r.date) for r in t.itertuples()]
    assert got == [("新签约", "P2", date(2025, 6, 3)), ("新开工", "P5", V3), ("新投产", "P5", V3),
                   ("转停滞", "P1", V3), ("退出台账", "P3", V3), ("新入库", "P6", V3)]
    stalled = t[t["event"] == "转停滞"].iloc[0]
    assert (stalled["from_stage"], stalled["to_stage"], stalled["version_on"]) == ("开工", "停滞", V3)
    assert history.transition_counts(t) == {"新签约": 1, "新开工": 1, "新投产": 1, "转停滞": 1, "退出台账": 1,
                                            "新入库": 1}


def test_may_transitions(versions):
    t = history.month_transitions(versions, date(2025, 5, 31))
    got = [(r.event, r.project_key, r.date, r.version_on) for r in t.itertuples()]
    assert got == [("新签约", "P4", date(2025, 5, 10), V2), ("新开工", "P1", date(2025, 5, 2), V2)]
    # nothing is known of a month before the first version
    assert history.month_transitions(versions, date(2025, 3, 31)).empty


def test_days_in_stage(versions):
    d = history.days_in_stage(versions, V3).set_index("project_key")
    assert d.loc["P2", "days_in_stage"] == 12 and d.loc["P2", "since_basis"] == "台账日期"
    assert d.loc["P4", "days_in_stage"] == 36
    assert d.loc["P1", "days_in_stage"] == 0 and d.loc["P1", "since_basis"] == "台账版本"   # 停滞 since V3
    d = history.days_in_stage(versions, date(2025, 5, 20)).set_index("project_key")
    # P2 in talks since the first version that lists it (15 April)
    assert d.loc["P2", "stage_since"] == V1 and d.loc["P2", "days_in_stage"] == 35


def test_start_and_production_rates_of_a_signing_year(versions):
    c = history.cohort(versions, 2025, V3)
    # signed in 2025 (known on 15 June): P1, P2, P4, P5; started P1, P5; producing P5
    assert (c["signed"], c["started"], c["producing"]) == (4, 2, 1)
    assert c["start_rate_pct"] == pytest.approx(50.0) and c["producing_rate_pct"] == pytest.approx(25.0)
    c = history.cohort(versions, 2025, date(2025, 4, 30))
    # known on 30 April: P1, P5 signed in 2025, none started
    assert (c["signed"], c["started"], c["start_rate_pct"]) == (2, 0, 0.0)
    assert list(history.cohorts(versions, V3)["year"]) == [2025]


def test_one_projects_history(versions):
    h = history.project_history(versions, "P1")
    got = [(r.date, r.event, r.detail, r.version_on) for r in h.itertuples()]
    assert got == [
        (date(2025, 3, 1), "签约", "签约时间2025-03-01", V1),
        (V1, "首次入库", "台账首次列出，阶段：签约", V1),
        (date(2025, 5, 2), "开工", "开工时间2025-05-02", V2),
        (V2, "阶段变更", "签约 → 开工", V2),
        (V2, "下一节点变更", "办理备案 → 主体封顶", V2),
        (V2, "节点时限变更", "2025-04-30 → 2025-08-01", V2),
        (V3, "阶段变更", "开工 → 停滞", V3),
        (V3, "下一节点变更", "主体封顶 → 协调资金", V3),
        (V3, "节点时限变更", "2025-08-01 → 2025-07-01", V3),
    ]
    assert h["file_name"].iloc[-1] == "招商引资项目台账_20250615.xlsx"
    gone = history.project_history(versions, "P3")
    assert list(gone["event"])[-1] == "退出台账" and gone["date"].iloc[-1] == V3
    assert history.project_history(versions, "nope").empty


def test_lights_and_leaders_at_a_past_date(versions):
    lights = history.lights_at(versions, date(2025, 4, 30)).set_index("project_key")
    # on 30 April (ledger of 15 April) P1's deadline is that day and it has no progress: 黄
    assert lights.loc["P1", "light"] == "黄"
    assert lights.loc["P1", "reason"].endswith("无最新进展记录")
    # on 15 June P1 is stalled: 红
    assert history.lights_at(versions, V3).set_index("project_key").loc["P1", "light"] == "红"
    leaders = history.by_leader_at(versions, date(2025, 4, 30)).set_index("leader")
    assert leaders.loc["王", "projects"] == 3 and leaders.loc["李", "projects"] == 1
    assert history.by_leader_at(versions, V3).set_index("leader").loc["李", "projects"] == 2
    stages = history.by_stage_at(versions, date(2025, 5, 20)).set_index("stage")["count"].to_dict()
    assert stages == {"洽谈": 1, "签约": 2, "开工": 2, "投产": 0, "停滞": 0}


def test_version_list_and_input_unchanged(versions):
    before = versions.copy()
    vl = history.version_list(history.normalise(versions))
    assert list(vl["version_on"]) == [V1, V2, V3] and list(vl["projects"]) == [4, 5, 5]
    history.transitions(versions, date(2025, 6, 1), V3)
    pd.testing.assert_frame_equal(versions, before)


@pytest.mark.slow
def test_the_store_queries_agree_with_the_pure_functions(store_db):
    from analytics import store
    db, _ = store_db
    con = store.connect(db, read_only=True)
    v = history.load_versions(con)
    assert list(history.versions_summary(con)["version_on"]) == [V1, V2, V3]
    for day in (date(2025, 3, 1), date(2025, 4, 30), date(2025, 5, 20), V3):
        sql, pure = history.ledger_on(con, day), history.ledger_at(v, day)
        cols = ["project_key", "stage", "stage_since", "since_basis", "basis", "batch_id", "leader", "due_on"]
        pd.testing.assert_frame_equal(sql[cols].reset_index(drop=True), pure[cols].reset_index(drop=True),
                                      check_dtype=False)
    for day in (date(2025, 4, 30), date(2025, 5, 31), V3):
        a, b = history.month_transitions_on(con, day), history.month_transitions(v, day)
        assert a[["event", "project_key", "date", "version_on"]].values.tolist() == \
            b[["event", "project_key", "date", "version_on"]].values.tolist()
    key = history.latest_project_key(con)
    assert history.project_history_on(con, key).values.tolist() == history.project_history(v, key).values.tolist()
    assert history.cohorts_on(con, V3).values.tolist() == history.cohorts(v, V3).values.tolist()


def _ledger_file(path, rows):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ws.append(["项目编号", "项目名称", "项目阶段", "签约时间", "开工时间", "包保领导", "下一节点", "节点时限", "最新进展"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_three_uploads_in_the_store_give_the_same_history(tmp_path):
    """Real uploads through the reader and the store: a project deleted from the June ledger leaves it."""
    from analytics import store
    from analytics.ingest import read_workbook
    con = store.connect(":memory:")
    files = [
        _ledger_file(tmp_path / "招商引资项目台账_20250415.xlsx", [
            ["A", "甲项目", "已签约", date(2025, 3, 1), None, "王", "办理备案", date(2025, 4, 30), "x"],
            ["B", "乙项目", "在建", date(2024, 11, 1), date(2025, 1, 10), "李", "主体封顶", date(2025, 8, 1), "y"]]),
        _ledger_file(tmp_path / "招商引资项目台账_20250515.xlsx", [
            ["A", "甲项目", "在建", date(2025, 3, 1), date(2025, 5, 2), "王", "设备安装", date(2025, 7, 1), "x"],
            ["B", "乙项目", "在建", date(2024, 11, 1), date(2025, 1, 10), "李", "主体封顶", date(2025, 8, 1), "y"]]),
        _ledger_file(tmp_path / "招商引资项目台账_20250615.xlsx", [
            ["A", "甲项目", "暂停", date(2025, 3, 1), date(2025, 5, 2), "王", "协调资金", date(2025, 7, 1), "x"],
            ["C", "丙项目", "洽谈中", None, None, "李", None, None, "z"]]),
    ]
    for f in files:
        assert store.import_workbooks(con, [read_workbook(f)])[0].committed
    assert list(history.versions_summary(con)["version_on"]) == [V1, V2, V3]
    june = history.month_transitions_on(con, V3)
    assert [(r.event, r.project_key) for r in june.itertuples()] == [("转停滞", "A"), ("退出台账", "B"), ("新入库", "C")]
    assert history.month_transitions_on(con, date(2025, 5, 31))[["event", "project_key"]].values.tolist() == \
        [["新开工", "A"]]
    assert history.stage_on(history.load_versions(con), date(2025, 5, 20)) == {"A": "开工", "B": "开工"}
    assert dict(zip(history.ledger_on(con, date(2025, 5, 20))["project_key"],
                    history.ledger_on(con, date(2025, 5, 20))["stage"])) == {"A": "开工", "B": "开工"}
    h = history.project_history_on(con, "B")
    assert h["event"].tolist()[-1] == "退出台账" and h["date"].iloc[-1] == V3
    assert history.days_in_stage_on(con, V3).set_index("project_key").loc["A", "days_in_stage"] == 0
    # the current table is the June ledger: the figures at V3 from the table and from the version agree
    from analytics.metrics import projects
    assert projects.count_all(con) == 2
    pd.testing.assert_frame_equal(projects.by_stage(con), history.by_stage_on(con, V3), check_dtype=False)


def test_a_ledger_appended_to_keeps_its_projects_in_the_history(tmp_path):
    """A June file of one new project, imported with the append rule: the June version is the May ledger plus
    it (nothing leaves), so no 退出台账; the current table and the version agree."""
    from analytics import store
    from analytics.ingest import read_workbook
    from analytics.metrics import projects
    con = store.connect(":memory:")
    may = _ledger_file(tmp_path / "招商引资项目台账_20250515.xlsx", [
        ["A", "甲项目", "已签约", date(2025, 3, 1), None, "王", "办理备案", date(2025, 6, 30), "x"],
        ["B", "乙项目", "在建", date(2024, 11, 1), date(2025, 1, 10), "李", "主体封顶", date(2025, 8, 1), "y"]])
    june = _ledger_file(tmp_path / "新增项目_20250615.xlsx", [
        ["C", "丙项目", "已签约", date(2025, 6, 3), None, "李", "办理备案", date(2025, 7, 1), "z"]])
    store.import_workbooks(con, [read_workbook(may)])
    assert store.import_workbooks(con, [read_workbook(june)], ledger_rule="append")[0].committed
    assert [(r.event, r.project_key) for r in history.month_transitions_on(con, V3).itertuples()] == [("新签约", "C")]
    assert history.stage_on(history.load_versions(con), V3) == {"A": "签约", "B": "开工", "C": "签约"}
    assert projects.count_all(con) == 3
    pd.testing.assert_frame_equal(projects.by_stage(con), history.by_stage_on(con, V3), check_dtype=False)
