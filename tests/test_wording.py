"""Figures a statistics officer would sign (issue 12): rounding, one price basis, the official vs
enterprise gap explained, comparisons, publication lag, and the words. Every expected sentence is
worked by hand from the small stores below."""
from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analytics import briefing, fmt, store, summary, text
from analytics.metrics import entities, growth, projects, sales

from store_rows import insert

ROOT = Path(__file__).resolve().parent.parent
D = date(2025, 6, 15)


def ind(period, uscc, name, ytd, prev, sector="医药"):
    return {"period": period, "uscc": uscc, "name": name, "value_added_ytd": ytd, "value_added_prev_ytd": prev,
            "sector": sector}


# ---------------------------------------------------------------------------
# 1. rounding: one function (四舍五入) and one 余 rule
# ---------------------------------------------------------------------------
def test_half_way_contribution_reads_as_its_total():
    # a sector pulling 2.25 个百分点 beside a park total of 2.25 %: both read 2.3 (half to even said 2.2)
    contrib = pd.DataFrame({"sector": ["医疗器械", "其他"], "contribution_pp": [2.25, 0.0]})
    assert fmt.pct(2.25) == "2.3%"
    assert text.contribution_sentence(contrib) == "分产业看，医疗器械产业拉动增长2.3个百分点（企业数据，现价）"
    # a drag of -0.05 rounds to -0.1 and is said; -0.04 rounds to 0.0 and is not
    contrib = pd.DataFrame({"sector": ["医疗器械", "医药", "其他"], "contribution_pp": [1.25, 0.35, -0.05]})
    assert text.contribution_sentence(contrib) == \
        "分产业看，医疗器械、医药产业分别拉动增长1.3、0.4个百分点，其他产业下拉0.1个百分点（企业数据，现价）"


def test_half_way_share_median_and_yi():
    assert text.share_sentence("医疗器械产业", 5, 80) == "医疗器械产业市场主体5户，占6.3%"        # 6.25 %
    assert text.demands_clause(4, 2, 12.5) == "，收集企业诉求4件，已办结2件，办结率50.0%，办结用时中位数13天"
    h = {"as_of": "2025-06-15", "projects_signed_ytd": 2, "projects_investment_ytd_wan": 24500.0}
    assert text.projects_sentence(h) == "2025年以来，园区新签约项目2个，总投资2.5亿元"              # 2.45 亿


def test_yu_rule_in_a_sentence_of_peers():
    channels = pd.DataFrame({"channel": ["线上", "展销中心"], "amount_wan": [2164.0, 1928.0],
                             "share_pct": [52.88, 47.12]})
    # one unit for both: never '2000余万元' beside '1900余万元'
    assert text.sales_channels_sentence(channels) == "分渠道看，线上2100余万元（占52.9%）、展销中心1900余万元（占47.1%）"
    assert [fmt.wan_to_text(v) for v in (5726, 2891, 9236)] == ["5700余万元", "2800余万元", "9000余万元"]


# ---------------------------------------------------------------------------
# 2. one price basis per series and per comparison
# ---------------------------------------------------------------------------
@pytest.fixture()
def enterprise_only():
    """No official figure for 2025 1-5月: enterprise 1-5月 A 136.5/100 (现价 36.5 %); 2024 1-12月 has both
    the official 4.0 % (可比价) and the enterprise 1030/1000 = 3.0 % (现价)."""
    c = store.connect(":memory:")
    insert(c, "industrial", [ind(date(2024, 12, 1), "A", "甲", 1030.0, 1000.0),
                             ind(date(2025, 5, 1), "A", "甲", 136.5, 100.0)])
    insert(c, "indicators", [{"indicator": "规上工业增加值", "period": date(2024, 12, 1), "growth_pct": 4.0}])
    return c


def test_enterprise_headline_is_compared_with_last_year_at_current_prices(enterprise_only):
    g = growth.headline_growth(enterprise_only, D)
    assert (g.pct, g.basis, g.basis_label, g.last_year_pct) == (36.5, "enterprise", "现价", 3.0)
    assert g.series == {"2025-05": 36.5}
    h = summary.headline(enterprise_only, D)
    # 36.5 % (现价) is set against 3.0 % (现价), never against the official 4.0 % (可比价)
    assert text.growth_sentence(h) == \
        "1-5月，园区规上工业增加值增速36.5%（根据企业数据测算，现价），较2024年全年（3.0%）提高33.5个百分点"


def test_official_series_does_not_borrow_enterprise_points():
    c = store.connect(":memory:")
    insert(c, "industrial", [ind(date(2025, 2, 1), "A", "甲", 120.0, 100.0), ind(date(2025, 5, 1), "A", "甲", 330.0, 300.0)])
    insert(c, "indicators", [{"indicator": "规上工业增加值", "period": date(2025, 5, 1), "growth_pct": 9.9}])
    g = growth.headline_growth(c, D)
    assert g.series == {"2025-05": 9.9}          # 1-2月 has only the enterprise 20.0 % (现价): not in the line
    assert (g.last_year_pct, g.change_pp, g.prev_pct) == (None, None, None)


# ---------------------------------------------------------------------------
# 3. the gap between the official rate and the enterprise figures, explained
# ---------------------------------------------------------------------------
@pytest.fixture()
def gap_store():
    """1-5月 2025: 甲 110/100, 新丙 20/blank (new to the list); price index 105; official 9.9 %.
    1-5月 2024: 甲 100, 老乙 50 (not in 2025's list: left).
    现价 130/100 - 1 = 30.0 %; 可比价 130/1.05/100 - 1 = 23.81 % -> 23.8 %; price effect 6.2 个百分点;
    新丙 counted from zero: 20/1.05/100 = 19.05 -> 19.0 个百分点; without it 110/1.05/100 - 1 = 4.76 -> 4.8 %;
    against last year's list total 130/150 - 1 = -13.3 %; residual 9.9 - 23.8 = -13.9 个百分点."""
    c = store.connect(":memory:")
    insert(c, "industrial", [
        ind(date(2024, 5, 1), "A", "甲", 100.0, 95.0), ind(date(2024, 5, 1), "L", "老乙", 50.0, 48.0, "食品保健品"),
        ind(date(2025, 5, 1), "A", "甲", 110.0, 100.0), ind(date(2025, 5, 1), "N", "新丙", 20.0, None, "医疗器械"),
    ])
    insert(c, "price_index", [{"period": date(2025, 5, 1), "price_index": 105.0}])
    insert(c, "indicators", [{"indicator": "规上工业增加值", "period": date(2025, 5, 1), "growth_pct": 9.9}])
    return c


def test_gap_decomposition_figures_and_named_lists(gap_store):
    gd = growth.gap_decomposition(gap_store, date(2025, 5, 20))
    assert (gd.official_pct, gd.current_pct, gd.comparable_pct, gd.price_effect_pp) == (9.9, 30.0, 23.8, 6.2)
    assert gd.entrants["name"].tolist() == ["新丙"] and gd.entrants_pp == 19.0 and gd.without_entrants_pct == 4.8
    assert gd.leavers["name"].tolist() == ["老乙"] and gd.leavers_wan == 50.0 and gd.leavers_known
    assert (gd.vs_last_list_pct, gd.residual_pp) == (-13.3, -13.9)


def test_gap_sentence(gap_store):
    gd = growth.gap_decomposition(gap_store, date(2025, 5, 1))
    assert text.gap_sentence(gd, 2) == (
        "按2家规上工业企业数据汇总测算，现价增速30.0%；"
        "扣除价格因素（工业生产者出厂价格指数105.0，上年同期=100）后可比价增速23.8%，价格因素影响6.2个百分点；"
        "新纳入规上统计企业1家（新丙），上年同期无数据、按零计入，拉高可比价增速19.0个百分点，剔除后可比价增速4.8%；"
        "退出规上统计企业1家（老乙，上年1-5月增加值50万元），同口径比较不计入上年基数；"
        "企业汇总可比价增速比公布数高13.9个百分点，差额为统计部门价格缩减、数据审核等口径差异，以公布数为准")


def test_gap_sentence_without_index_never_compares_current_with_official():
    c = store.connect(":memory:")
    insert(c, "industrial", [ind(date(2025, 5, 1), "A", "甲", 110.0, 100.0)])
    insert(c, "indicators", [{"indicator": "规上工业增加值", "period": date(2025, 5, 1), "growth_pct": 9.9}])
    gd = growth.gap_decomposition(c, date(2025, 5, 1))
    assert not gd.leavers_known and gd.residual_pp is None
    assert text.gap_sentence(gd, 1) == ("按1家规上工业企业数据汇总测算，现价增速10.0%；"
                                        "未导入价格指数，企业汇总无法折算为可比价，不与公布数（可比价）直接比较")


def test_briefing_explains_the_gap(gap_store):
    b = briefing.build_briefing(gap_store, D)
    p = b.section("industry").paragraph
    assert "新纳入规上统计企业1家（新丙）" in p and "退出规上统计企业1家（老乙" in p
    assert "36.5%（现价）" not in p


# ---------------------------------------------------------------------------
# 4. comparisons: 比1-4月, 比上年同期, 当月, 同比 in percent
# ---------------------------------------------------------------------------
@pytest.fixture()
def periods_store():
    """Official 1-4月 9.5, 1-5月 9.9, 2024 1-5月 7.7, 2024 1-12月 3.0. Enterprise 甲 1-4月 84/76, 1-5月
    110/100: 当月 (110 - 84) / (100 - 76) - 1 = 26/24 - 1 = 8.33 % (现价, no price index)."""
    c = store.connect(":memory:")
    insert(c, "industrial", [ind(date(2025, 4, 1), "A", "甲", 84.0, 76.0), ind(date(2025, 5, 1), "A", "甲", 110.0, 100.0)])
    insert(c, "indicators", [{"indicator": "规上工业增加值", "period": p, "growth_pct": v} for p, v in (
        (date(2024, 5, 1), 7.7), (date(2024, 12, 1), 3.0), (date(2025, 4, 1), 9.5), (date(2025, 5, 1), 9.9))])
    return c


def test_growth_compared_with_the_previous_period_and_last_year(periods_store):
    h = summary.headline(periods_store, D)
    assert text.growth_sentence(h) == ("1-5月，园区规上工业增加值增速9.9%，较2024年全年（3.0%）提高6.9个百分点，"
                                       "比1-4月加快0.4个百分点，比上年同期（7.7%）提高2.2个百分点")
    assert text.month_growth_sentence(h) == "5月当月增长8.3%（企业数据测算，现价）"
    mg = growth.monthly_growth(periods_store, 2025)
    assert mg["label"].tolist() == ["5月"] and mg["month_wan"].tolist() == [26.0]


def test_a_slower_rate_reads_huiluo():
    c = store.connect(":memory:")
    insert(c, "indicators", [{"indicator": "规上工业增加值", "period": p, "growth_pct": v} for p, v in (
        (date(2025, 4, 1), 9.5), (date(2025, 5, 1), 9.25))])
    h = summary.headline(c, D)
    assert text.growth_sentence(h) == "1-5月，园区规上工业增加值增速9.3%，比1-4月回落0.2个百分点"   # 9.3 - 9.5


def test_entity_and_sales_yoy_in_percent():
    c = store.connect(":memory:")
    # alive a year before (2024-06-15): 4; now 5 -> +1, +25.0 %; new in the last 12 months 3, the 12 before 2
    rows = [{"uscc": f"91{i:016d}", "name": f"E{i}", "established_on": date(2020, 1, 1)} for i in range(2)]
    rows += [{"uscc": f"92{i:016d}", "name": f"F{i}", "established_on": date(2023, 9, 1)} for i in range(2)]
    rows += [{"uscc": f"93{i:016d}", "name": f"G{i}", "established_on": date(2025, 2, 1)} for i in range(3)]
    rows[0].update(status="注销", closed_on=date(2025, 1, 5))
    rows[1].update(status="迁出", closed_on=date(2025, 3, 5))
    insert(c, "entities", rows)
    insert(c, "sales", [{"sold_on": date(2024, 3, 1), "channel": "线上", "amount": 200.0},
                        {"sold_on": date(2025, 3, 1), "channel": "线上", "amount": 250.0}])
    h = summary.headline(c, D)
    assert (h["entities_total"], h["entities_total_year_ago"], h["entities_new_prev_12m"]) == (5, 4, 2)
    assert text.entities_change_sentence(h) == ("市场主体总数较上年同日增加1户、增长25.0%，近一年新设立市场主体同比增长50.0%，"
                                                "近一年注销、吊销1户，迁出1户")
    assert text.sales_ytd_clause(h) == "，其中2025年以来250万元，同比增长25.0%"
    assert entities.endings_in_window(c, date(2024, 6, 15), D) == {"cancelled": 1, "moved_out": 1}


# ---------------------------------------------------------------------------
# 6. publication lag
# ---------------------------------------------------------------------------
LAG_MESSAGE = ("数据日期2025年7月31日晚于全部数据的最新日期2025年6月15日：市场主体名录至2025年6月15日、"
               "规上工业企业数据至2025年1-5月、助企帮销台账至2025年6月15日。2025年6月15日之后尚无数据，"
               "按数据日期计算的“近一年”“截至”等数字不含此后情况，请将数据日期设为2025年6月15日或导入新数据。")


def _lag_store(path=":memory:"):
    c = store.connect(str(path))
    insert(c, "entities", [{"uscc": "91A", "name": "甲", "established_on": date(2025, 6, 15)}])
    insert(c, "industrial", [ind(date(2025, 5, 1), "A", "甲", 110.0, 100.0)])
    insert(c, "sales", [{"sold_on": date(2025, 6, 15), "channel": "线上", "amount": 10.0},
                        {"sold_on": date(2025, 5, 1), "channel": "消费帮扶", "amount": 30.0},
                        {"sold_on": date(2025, 6, 1), "channel": "消费帮扶", "amount": 40.0}])
    return c


def test_publication_lag_names_each_datasets_latest_date():
    c = _lag_store()
    assert summary.publication_lag(c, D)["message"] is None
    lag = summary.publication_lag(c, date(2025, 7, 31))
    assert lag["ahead"] and lag["latest"] == D
    assert lag["message"] == LAG_MESSAGE


def test_briefing_after_the_data_is_titled_for_the_datas_month_and_warns():
    b = briefing.build_briefing(_lag_store(), date(2025, 7, 31))
    assert b.title == "生物科技产业园区经济运行月度简报（2025年6月，数据截至6月15日）"
    assert b.subtitle == "简报日期2025年7月31日，数据截至2025年6月15日，此后数据尚未报送"
    assert b.warnings == (f"提示：{LAG_MESSAGE}",)
    assert f"> 提示：{LAG_MESSAGE}" in briefing.to_markdown(b, None)


def test_cli_refuses_a_briefing_after_the_data(tmp_path):
    db = tmp_path / "lag.duckdb"
    _lag_store(db).close()
    proc = subprocess.run([sys.executable, "-m", "analytics", "briefing", "--db", str(db), "--as-of", "2025-07-31",
                           "--out", str(tmp_path / "out"), "--no-pdf"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 2
    assert proc.stderr == f"简报未生成：{LAG_MESSAGE}\n如确需按此日期生成，请加 --allow-lag（标题将写数据所在月份，并注明数据截止日期）。\n"
    assert not (tmp_path / "out").exists()
    proc = subprocess.run([sys.executable, "-m", "analytics", "summary", "--db", str(db), "--as-of", "2025-07-31",
                           "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and proc.stderr.startswith(f"提示：{LAG_MESSAGE}")


def test_month_only_rows_and_partial_months_are_disclosed():
    c = _lag_store()
    rows = sales.month_only_rows(c, D)
    assert rows[["channel", "rows", "amount_wan"]].values.tolist() == [["消费帮扶", 2, 70.0]]
    assert text.month_only_note(rows) == "消费帮扶（2笔、70万元）按月登记，计入各月1日，按日起算的数字含其整月"
    assert text.partial_month_note(D) == "6月为1-15日数据"
    assert text.partial_month_note(date(2025, 6, 30)) is None
    assert text.partial_month_note(date(2025, 12, 1)) == "12月为1日数据"
    assert "消费帮扶（2笔、70万元）按月登记" in briefing.build_briefing(c, D).section("sales").paragraph


# ---------------------------------------------------------------------------
# 7. words
# ---------------------------------------------------------------------------
def test_words():
    # 迁出 is reported apart from closures
    assert text.entities_change_sentence({"entities_cancelled_12m": 183, "entities_moved_out_12m": 16}) == \
        "近一年注销、吊销183户，迁出16户"
    assert text.entities_change_sentence({"entities_cancelled_12m": 0, "entities_moved_out_12m": 2}) == "近一年迁出2户"
    # sales since the fair are every channel's
    assert text.sales_milestone_sentence("展销会", "5月24日", 1350.0) == "5月24日展销会以来，各渠道合计帮销1300余万元"
    # one word for one stage
    assert briefing.STAGE_WORDS["洽谈"] == "洽谈"


def test_a_deadline_today_reads_jinri_daoqi():
    c = store.connect(":memory:")
    insert(c, "projects", [{"project_key": "P1", "name": "一", "stage": "签约", "signed_on": date(2025, 6, 1),
                            "due_on": D, "progress": "推进中"},
                           {"project_key": "P2", "name": "二", "stage": "签约", "signed_on": date(2025, 6, 1),
                            "due_on": date(2025, 6, 16), "progress": "推进中"}])
    lights = projects.traffic_lights(c, D).set_index("project_key")
    assert lights.loc["P1", "reason"] == "节点时限今日到期"
    assert lights.loc["P2", "reason"] == "节点时限明日到期"


def test_a_monthly_table_behind_the_other_data_is_named():
    # the registry reaches 2025-08-10, the industrial table only 1-5月 (1-6月 was due by then)
    c = _lag_store()
    insert(c, "entities", [{"uscc": "91B", "name": "乙", "established_on": date(2025, 8, 10)}])
    lag = summary.publication_lag(c, date(2025, 8, 10))
    assert not lag["ahead"] and [x["dataset"] for x in lag["behind"]] == ["industrial"]
    assert lag["message"] == "部分数据未更新到数据日期2025年8月10日：规上工业企业数据至2025年1-5月，相关数字只反映到该日期。"
    assert summary.publication_lag(c, date(2025, 7, 10))["message"] is None     # 1-5月 is current in July
    assert briefing.build_briefing(c, date(2025, 8, 10)).warnings == ()         # the briefing names 1-5月 itself


@pytest.mark.slow
def test_briefing_page_after_the_data_warns(tmp_path, monkeypatch, navigation_mode):
    from streamlit.testing.v1 import AppTest
    path = tmp_path / "lag.duckdb"
    _lag_store(path).close()
    monkeypatch.setenv(store.DB_ENV_VAR, str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.date_input(key="as_of").set_value(date(2025, 7, 31))
    at.switch_page("pages/briefing.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["生物科技产业园区经济运行月度简报（2025年6月，数据截至6月15日）"]
    assert f"提示：{LAG_MESSAGE}" in [w.value for w in at.warning]


def test_gap_sentence_names_five_then_counts():
    c = store.connect(":memory:")
    rows = [ind(date(2025, 5, 1), "A", "甲", 110.0, 100.0)]
    rows += [ind(date(2025, 5, 1), f"N{i}", f"新{i}", 10.0 - i, None) for i in range(7)]
    rows += [ind(date(2024, 5, 1), "A", "甲", 100.0, 90.0)]
    rows += [ind(date(2024, 5, 1), f"L{i}", f"老{i}", 3000.0 + i, 1.0) for i in range(2)]
    insert(c, "industrial", rows)
    insert(c, "indicators", [{"indicator": "规上工业增加值", "period": date(2025, 5, 1), "growth_pct": 9.9}])
    s = text.gap_sentence(growth.gap_decomposition(c, date(2025, 5, 1)), 8)
    # largest first; 7 entrants: 新0 … 新4 named, then 等; no price index: 现价 effects
    assert "新纳入规上统计企业7家（新0、新1、新2、新3、新4等），上年同期无数据、按零计入，拉高现价增速49.0个百分点" in s
    assert "退出规上统计企业2家（老1、老0，上年1-5月增加值合计6000余万元）" in s


def test_month_growth_of_an_official_headline_is_comparable_when_indexed(periods_store):
    # indices 1-4月 105, 1-5月 104: (110/1.04 - 84/1.05) / (100 - 76) - 1 = (105.769 - 80) / 24 - 1 = 7.37 %
    insert(periods_store, "price_index", [{"period": date(2025, 4, 1), "price_index": 105.0},
                                          {"period": date(2025, 5, 1), "price_index": 104.0}])
    g = growth.headline_growth(periods_store, D)
    assert (g.month_pct, g.month_basis) == (7.4, "comparable")
    mg = growth.monthly_growth(periods_store, 2025, "comparable")
    assert fmt.pct(mg["growth_pct"].iloc[-1]) == "7.4%"
    assert text.month_growth_sentence(summary.headline(periods_store, D)) == "5月当月增长7.4%（企业数据测算，可比价）"


def test_word_briefing_after_the_data_is_titled_for_the_datas_month():
    b = briefing.build_briefing(_lag_store(), date(2025, 7, 31))
    assert b.data_through == D
    assert briefing.doc_title(b) == "2025年6月园区经济运行情况"
    doc = briefing.to_gov_document(b)
    assert doc.title == "2025年6月园区经济运行情况"
    assert doc.body[0].text == f"提示：{LAG_MESSAGE}"
    assert briefing.doc_title(briefing.build_briefing(_lag_store(), D)) == "2025年6月园区经济运行情况"
