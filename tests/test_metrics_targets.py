"""analytics.metrics.targets: 完成率 against 时序进度, worked by hand."""
from datetime import date

import pandas as pd
import pytest

from analytics import store
from analytics.ingest import read_workbook
from analytics.metrics import targets

from store_rows import insert

D = date(2025, 6, 15)


# ---- 时序进度 -------------------------------------------------------------------------------------
def test_elapsed_share_common_and_leap_year():
    # 2025-06-15 is day 166 of 365; 2024-06-15 is day 167 of 366 (29 February before it)
    assert targets.elapsed_share(D, 2025) == pytest.approx(166 / 365 * 100)
    assert targets.elapsed_share(date(2024, 6, 15), 2024) == pytest.approx(167 / 366 * 100)
    assert targets.elapsed_share(date(2024, 2, 29), 2024) == pytest.approx(60 / 366 * 100)
    assert targets.elapsed_share(date(2024, 12, 31), 2024) == 100.0
    assert targets.elapsed_share(date(2024, 12, 31), 2025) == 0.0
    assert targets.elapsed_share(date(2026, 1, 5), 2025) == 100.0


def test_time_progress_with_monthly_and_quarterly_targets():
    monthly = {m: 5.0 for m in range(1, 13)} | {6: 10.0}   # 65 a year
    # by 2025-06-15 the months ended are 1-5: 25 of 65
    assert targets.months_ended(D, 2025) == 5
    assert targets.time_progress(D, 2025, None, monthly) == pytest.approx(25 / 65 * 100)
    # on 30 June, June has ended too: 35 of 65
    assert targets.time_progress(date(2025, 6, 30), 2025, None, monthly) == pytest.approx(35 / 65 * 100)
    # quarterly 2/3/3/2 of 10: on 2025-06-15 only the first quarter has ended
    quarterly = {1: 2.0, 2: 3.0, 3: 3.0, 4: 2.0}
    assert targets.time_progress(D, 2025, 10.0, None, quarterly) == pytest.approx(20.0)
    assert targets.time_progress(date(2025, 6, 30), 2025, 10.0, None, quarterly) == pytest.approx(50.0)
    # no breakdown: the share of the year
    assert targets.time_progress(D, 2025, 60.0) == pytest.approx(166 / 365 * 100)


# ---- completion on a small store ---------------------------------------------------------------
def _p(key, signed=None, started=None, inv=None, leader=None, dept=None, stage="签约"):
    return {"project_key": key, "name": key, "stage": stage, "signed_on": signed, "started_on": started,
            "investment": inv, "leader": leader, "department": dept}


@pytest.fixture()
def con():
    c = store.connect(":memory:")
    insert(c, "projects", [
        _p("A", date(2025, 1, 10), date(2025, 3, 1), 10000.0, "王", "招商一部", "开工"),
        _p("B", date(2025, 2, 5), None, 30000.0, "王", "招商二部"),
        _p("C", date(2025, 5, 20), None, 20000.0, "李", "招商一部"),
        _p("D", date(2025, 6, 10), date(2025, 6, 12), 40000.0, "李", "招商二部", "开工"),
        _p("E", date(2025, 6, 20), None, 50000.0, "王", "招商一部"),     # after D: not counted
        _p("F", date(2024, 12, 30), date(2025, 1, 15), 9000.0, "王", "招商一部", "开工"),  # signed last year
    ])
    insert(c, "indicators", [
        {"indicator": "规上工业增加值", "unit": "万元", "period": date(2025, 5, 1), "value_ytd": None, "growth_pct": 9.9},
        {"indicator": "规上工业增加值", "unit": "万元", "period": date(2025, 4, 1), "value_ytd": None, "growth_pct": 9.5},
        {"indicator": "固定资产投资", "unit": "万元", "period": date(2025, 5, 1), "value_ytd": 151930.0, "growth_pct": 8.7},
    ])
    insert(c, "targets", [
        {"year": 2025, "indicator": "签约项目数", "unit": "个", "target": 10.0},
        {"year": 2025, "indicator": "签约投资额", "unit": "亿元", "target": 20.0},
        {"year": 2025, "indicator": "规上工业增加值增速", "unit": "%", "target": 10.0},
        {"year": 2025, "indicator": "固定资产投资", "unit": "亿元", "target": 40.0, "owner": "经济发展部"},
        {"year": 2025, "indicator": "新设市场主体", "unit": "户", "target": 1200.0},
        # a quarterly target of started projects
        {"year": 2025, "indicator": "开工项目数", "unit": "个", "quarter": "一季度", "target": 1.0},
        {"year": 2025, "indicator": "开工项目数", "unit": "个", "quarter": "二季度", "target": 3.0},
        {"year": 2025, "indicator": "开工项目数", "unit": "个", "quarter": "三季度", "target": 3.0},
        {"year": 2025, "indicator": "开工项目数", "unit": "个", "quarter": "四季度", "target": 1.0},
        # posts: monthly targets in columns (wide) for 王, month rows (long) for 招商二部
        {"year": 2025, "indicator": "签约项目数", "unit": "个", "owner": "王", "target": 6.0,
         **{f"m{m:02d}": 0.5 for m in range(1, 13)}},
        {"year": 2025, "indicator": "签约项目数", "unit": "个", "owner": "招商二部", "month": "5月", "target": 1.0},
        {"year": 2025, "indicator": "签约项目数", "unit": "个", "owner": "招商二部", "month": "6月", "target": 2.0},
        {"year": 2025, "indicator": "签约投资额", "unit": "万元", "owner": "李", "target": 50000.0},
    ])
    return c


def _row(df, indicator):
    rows = df[df["indicator"] == indicator]
    assert len(rows) == 1, indicator
    return rows.iloc[0]


def test_count_target_ahead_of_time_progress(con):
    df = targets.completion(con, D)
    r = _row(df, "签约项目数")
    # signed 2025-01-01..06-15: A, B, C, D = 4 of 10 -> 40.0 %; 时序进度 166/365 = 45.48 %
    assert r["actual"] == 4
    assert r["completion_pct"] == pytest.approx(40.0)
    assert r["time_progress_pct"] == pytest.approx(45.479, abs=1e-3)
    assert r["light"] == "黄"          # 5.5 points behind (< 10)
    # due 10 x 0.4548 = 4.55 -> short 0.55 -> 1 project (counts rounded up)
    assert r["shortfall"] == 1
    assert r["sentence"] == ("签约项目数全年目标10个，截至6月15日完成4个，完成率40.0%，时序进度45.5%，"
                             "落后时序进度5.5个百分点，按序时应完成4.5个，尚差1个。")


def test_money_target_in_yi_converts_the_ledger_amounts(con):
    r = _row(targets.completion(con, D), "签约投资额")
    # A+B+C+D = 100000 万元 = 10 亿元 of 20 -> 50 %, ahead of 45.5 %
    assert r["actual"] == pytest.approx(10.0)
    assert r["completion_pct"] == pytest.approx(50.0)
    assert r["light"] == "绿"
    assert r["shortfall"] == 0
    assert r["sentence"] == ("签约投资额全年目标20亿元，截至6月15日完成10亿元，完成率50.0%，时序进度45.5%，"
                             "快于时序进度4.5个百分点。")


def test_growth_rate_target_compares_rates(con):
    r = _row(targets.completion(con, D), "规上工业增加值增速")
    assert r["rate"]
    assert r["actual"] == pytest.approx(9.9)
    assert r["gap_pp"] == pytest.approx(-0.1)
    assert pd.isna(r["time_progress_pct"])
    assert r["light"] == "黄"
    assert r["sentence"] == "规上工业增加值增速目标10.0%，1-5月实际增长9.9%，低于目标0.1个百分点。"


def test_statistical_value_uses_the_period_end_for_time_progress(con):
    r = _row(targets.completion(con, D), "固定资产投资")
    # 151930 万元 = 15.193 亿元 of 40 -> 37.98 %; 1-5月 ends 31 May: 151/365 = 41.37 %
    assert r["owner"] == "经济发展部"
    assert r["actual"] == pytest.approx(15.193)
    assert r["completion_pct"] == pytest.approx(37.9825)
    assert r["ref_date"] == date(2025, 5, 31)
    assert r["time_progress_pct"] == pytest.approx(151 / 365 * 100)
    assert r["light"] == "黄"


def test_target_without_value_yet_has_no_light(con):
    r = _row(targets.completion(con, D), "新设市场主体")
    assert pd.isna(r["actual"])
    assert r["light"] == "—"
    assert r["sentence"] == "新设市场主体全年目标1200户，2025年尚无完成数据。"


def test_quarterly_target(con):
    r = _row(targets.completion(con, D), "开工项目数")
    # started in 2025 to D: A (3-01), D (6-12), F (1-15) = 3 of 8 -> 37.5 %; quarters ended: Q1 = 1 of 8 -> 12.5 %
    assert r["annual"] == 8
    assert r["actual"] == 3
    assert r["time_progress_pct"] == pytest.approx(12.5)
    assert r["light"] == "绿"
    # on 30 June the second quarter is due: 4 of 8 = 50 %, completion 37.5 % -> 12.5 points behind: 红
    r = _row(targets.completion(con, date(2025, 6, 30)), "开工项目数")
    assert r["time_progress_pct"] == pytest.approx(50.0)
    assert r["light"] == "红"
    assert r["shortfall"] == 1


def test_time_half_task_half_sentence():
    r = {"indicator": "签约项目数", "owner": "", "unit": "个", "rate": False, "annual": 10.0, "actual": 6.0,
         "period_text": "截至7月5日", "completion_pct": 60.0, "time_progress_pct": 51.0, "due": 5.1, "shortfall": 0.0,
         "year": 2025}
    assert targets._sentence(r) == ("签约项目数全年目标10个，截至7月5日完成6个，完成率60.0%，时序进度51.0%，"
                                   "快于时序进度9.0个百分点，实现“时间过半、任务过半”。")


def test_each_posts_completion(con):
    df = targets.post_tasks(con, D)
    got = {(r.owner, r.indicator): r for r in df.itertuples()}
    wang = got[("王", "签约项目数")]
    # 王's projects signed to D: A, B = 2 of 6; monthly 0.5 each: months 1-5 ended -> 2.5 of 6 = 41.67 %
    assert wang.actual == 2
    assert wang.time_progress_pct == pytest.approx(2.5 / 6 * 100)
    assert wang.completion_pct == pytest.approx(2 / 6 * 100)
    assert wang.light == "黄"
    assert wang.shortfall == 1
    assert wang.month_target == 0.5 and wang.month_actual == 0
    er = got[("招商二部", "签约项目数")]
    # 招商二部: B (2-05) and D (6-10) = 2 of 3; months due by 6-15: May (1) -> 33.3 %
    assert er.actual == 2 and er.annual == 3
    assert er.time_progress_pct == pytest.approx(100 / 3)
    assert er.light == "绿"
    assert er.month_target == 2 and er.month_actual == 1
    li = got[("李", "签约投资额")]
    # 李: C + D = 60000 万元 of 50000 -> 120 %
    assert li.actual == pytest.approx(60000.0) and li.completion_pct == pytest.approx(120.0)
    # park-level rows do not list posts, posts do not list park rows
    assert set(targets.completion(con, D)["owner"]) == {"", "经济发展部"}
    # who is behind first within an indicator
    assert list(df[df["indicator"] == "签约项目数"]["owner"]) == ["王", "招商二部"]


def test_post_monthly_and_projects_counted(con):
    m = targets.post_monthly(con, D, "招商二部", "签约项目数")
    assert list(m["month"]) == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    assert list(m["actual"]) == [0, 1, 0, 0, 0, 1]
    assert m["target"].fillna(0).tolist() == [0, 0, 0, 0, 1, 2]
    assert m["cumulative_actual"].iloc[-1] == 2
    p = targets.projects_counted(con, D, "招商二部", "签约项目数")
    assert list(p["project_key"]) == ["B", "D"]


def test_no_targets_gives_empty_frames():
    c = store.connect(":memory:")
    assert targets.completion(c, D).empty
    assert targets.post_tasks(c, D).empty
    assert targets.summary_sentence(targets.completion(c, D)) is None


def test_targets_workbook_with_month_columns_and_quarter_words(tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "任务分解"
    ws.append(["生物科技产业园区2025年招商引资目标任务分解表"])
    ws.append(["序号", "任务名称", "计量单位", "全年任务", "专班"] + [f"{m}月" for m in range(1, 13)])
    ws.append([1, "签约项目数", "个", 12, "医疗器械专班"] + [1] * 12)
    ws2 = wb.create_sheet("季度")
    ws2.append(["年份", "指标", "季度", "目标值", "责任部门"])
    ws2.append([2025, "开工项目数", "第二季度", 8, "规划建设部"])
    ws2.append([2025, "开工项目数", 3, 9, "规划建设部"])
    path = tmp_path / "目标.xlsx"
    wb.save(path)
    result = read_workbook(path)
    frames = {s.sheet: s.frame for s in result.sheets}
    assert all(s.dataset == "targets" for s in result.sheets)
    first = frames["任务分解"].iloc[0]
    assert first["year"] == 2025 and first["owner"] == "医疗器械专班" and first["m12"] == 1
    assert list(frames["季度"]["quarter"]) == ["二季度", "三季度"]


def test_summary_paragraph_names_who_is_behind(con):
    text = targets.summary_sentence(targets.completion(con, D))
    assert text.startswith("2025年6项目标任务中，5项已有完成数据：2项快于时序进度或达到目标；"
                           "3项略滞后（签约项目数、规上工业增加值增速、固定资产投资）。签约项目数全年目标10个")


@pytest.mark.slow
def test_the_briefing_reports_targets_and_dates_the_project_stages(store_db):
    from analytics import briefing
    db, _ = store_db
    c = store.connect(db, read_only=True)
    b = briefing.build_briefing(c, D)
    section = b.section("targets")
    assert section.heading.endswith("、目标任务完成情况")
    assert section.paragraph == targets.summary_sentence(targets.completion(c, D))
    assert "红黄绿灯按" not in b.section("projects").paragraph     # 15 June: the current ledger
    may = briefing.build_briefing(c, date(2025, 5, 1))
    assert "（签约、阶段、红黄绿灯按2025年4月15日版台账，即数据日期当时已有的最新版本）" in may.section("projects").paragraph
    assert "在库项目70个" in may.section("projects").paragraph


def test_each_subject_page_gets_its_targets(con):
    assert targets.sentences_for(con, D, "projects") == [
        "【略滞后】签约项目数全年目标10个，截至6月15日完成4个，完成率40.0%，时序进度45.5%，落后时序进度5.5个百分点，"
        "按序时应完成4.5个，尚差1个。",
        "【进度正常】签约投资额全年目标20亿元，截至6月15日完成10亿元，完成率50.0%，时序进度45.5%，快于时序进度4.5个百分点。",
        "【进度正常】开工项目数全年目标8个，截至6月15日完成3个，完成率37.5%，时序进度12.5%，快于时序进度25.0个百分点。"]
    assert [s[:12] for s in targets.sentences_for(con, D, "economy")] == ["【略滞后】规上工业增加值", "【略滞后】固定资产投资（"]
    assert targets.sentences_for(con, D, "entities") == ["【暂无数据】新设市场主体全年目标1200户，2025年尚无完成数据。"]
    assert targets.sentences_for(con, D, "sales") == []
    with pytest.raises(ValueError, match="未知专题"):
        targets.sentences_for(con, D, "nope")


def test_the_targets_template_reads_back(tmp_path):
    from openpyxl import load_workbook

    from analytics.templates import write_template
    path = write_template("targets", tmp_path / "目标任务模板.xlsx")
    wb = load_workbook(path)
    ws = wb["目标任务"]
    headers = [c.value for c in ws[1]]
    assert headers[:7] == ["年度", "指标名称", "年度目标", "计量单位", "月份", "季度", "责任单位"]
    assert headers[7:] == [f"{m}月" for m in range(1, 13)]
    ws.append([2025, "签约项目数", 12, "个", None, None, "招商合作部"] + [1] * 12)
    ws.append([2025, "开工项目数", 3, "个", None, "二季度", "规划建设部"])
    wb.save(path)
    sheet = next(s for s in read_workbook(path).sheets if s.dataset)
    assert sheet.dataset == "targets" and not [p for p in sheet.problems if p.level == "error"]
    c = store.connect(":memory:")
    outcome = store.import_workbooks(c, [read_workbook(path)])[0]
    assert outcome.committed
    t = targets.target_table(c, 2025).set_index("indicator")
    assert t.loc["签约项目数", "annual"] == 12 and t.loc["签约项目数", "monthly"] == {m: 1.0 for m in range(1, 13)}
    assert t.loc["开工项目数", "quarterly"] == {2: 3.0}


def test_a_sector_task_force_counts_its_sectors_projects():
    c = store.connect(":memory:")
    insert(c, "projects", [
        {**_p("M1", date(2025, 2, 1), None, 1000.0, "王", "招商一部"), "sector": "医疗器械"},
        {**_p("M2", date(2025, 3, 1), None, 2000.0, "李", "招商二部"), "sector": "医疗器械"},
        {**_p("Y1", date(2025, 3, 5), None, 3000.0, "王", "招商一部"), "sector": "医药"},
    ])
    insert(c, "targets", [{"year": 2025, "indicator": "签约项目数", "unit": "个", "owner": "医疗器械专班",
                           "target": 4.0}])
    r = targets.post_tasks(c, D).iloc[0]
    assert (r["owner"], r["actual"], r["completion_pct"]) == ("医疗器械专班", 2, 50.0)
    assert list(targets.projects_counted(c, D, "医疗器械专班", "签约项目数")["project_key"]) == ["M1", "M2"]


def test_a_date_months_after_the_data_is_taken_at_the_data(con):
    # the data's last record is 2025-06-20 (project E signed): on 2025-09-30 the targets are read at 20 June
    r = _row(targets.completion(con, date(2025, 9, 30)), "签约项目数")
    assert r["ref_date"] == date(2025, 6, 20) and r["period_text"] == "截至6月20日"
    assert r["time_progress_pct"] == pytest.approx(171 / 365 * 100)


def test_completion_in_a_leap_year_uses_its_366_days():
    c = store.connect(":memory:")
    insert(c, "projects", [_p("A", date(2024, 2, 29), None, 5000.0), _p("B", date(2024, 6, 15), None, 1000.0),
                           _p("C", date(2024, 6, 16), None, 9000.0)])
    insert(c, "targets", [{"year": 2024, "indicator": "签约项目数", "unit": "个", "target": 5.0}])
    r = _row(targets.completion(c, date(2024, 6, 15)), "签约项目数")
    # A and B by 15 June (C after): 2 of 5 = 40 %; 时序进度 167/366 = 45.63 % (29 February counted)
    assert r["actual"] == 2 and r["completion_pct"] == pytest.approx(40.0)
    assert r["time_progress_pct"] == pytest.approx(167 / 366 * 100)
    assert r["light"] == "黄"
    assert "时序进度45.6%" in r["sentence"]
