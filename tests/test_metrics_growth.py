"""analytics.metrics.growth: same-sample cumulative growth, worked by hand on a tiny store."""
import math
from datetime import date

import pytest

from analytics import store
from analytics.metrics import growth

from store_rows import insert


def ind(period, uscc, ytd, prev, sector, **kw):
    return {"period": period, "uscc": uscc, "name": uscc, "value_added_ytd": ytd, "value_added_prev_ytd": prev,
            "sector": sector, **kw}


@pytest.fixture()
def con():
    c = store.connect(":memory:")
    insert(c, "industrial", [
        # 2024: one enterprise; 1-12月: 1030 / 1000 -> +3.0 %
        ind(date(2024, 2, 1), "A", 100.0, 90.0, "医药", revenue_ytd=20.0),
        ind(date(2024, 12, 1), "A", 1030.0, 1000.0, "医药"),
        # January alone (never shown): would give 400 %
        ind(date(2025, 1, 1), "A", 50.0, 10.0, "医药"),
        # 1-2月 (Jan-Feb combined): A 110/100, B enters the list with a blank prior value (= 0), C 30/50
        #   Σytd = 110 + 60 + 30 = 200, Σprev = 100 + 0 + 50 = 150 -> (200/150 - 1) x 100 = 33.33 %
        ind(date(2025, 2, 1), "A", 110.0, 100.0, "医药", revenue_ytd=25.0),
        ind(date(2025, 2, 1), "B", 60.0, None, "医疗器械", revenue_ytd=10.0),
        ind(date(2025, 2, 1), "C", 30.0, 50.0, "医药"),
        # 1-5月: C has left the list (in neither sum), D is new: Σytd = 330 + 90 = 420, Σprev = 300 + 100 = 400
        #   -> +5.0 %
        ind(date(2025, 5, 1), "A", 330.0, 300.0, "医药", output_ytd=200.0, output_prev_ytd=160.0),
        ind(date(2025, 5, 1), "D", 90.0, 100.0, "医疗器械"),
    ])
    # price index for 1-5月 only: comparable Σytd = 420 / 1.05 = 400 -> 0.0 %
    insert(c, "price_index", [{"period": date(2025, 5, 1), "price_index": 105.0}])
    insert(c, "indicators", [
        {"indicator": "规上工业增加值", "period": date(2024, 12, 1), "growth_pct": 3.0},
        {"indicator": "规模以上工业增加值", "period": date(2025, 5, 1), "growth_pct": 9.9, "value_ytd": 12.3},
        {"indicator": "固定资产投资", "period": date(2025, 5, 1), "growth_pct": -4.0},
    ])
    return c


def test_growth_series_same_sample(con):
    df = growth.growth_series(con, year=2025)
    assert list(df["label"]) == ["1-2月", "1-5月"]  # no January-only figure
    assert df["ytd"].tolist() == [200.0, 420.0]
    assert df["prev_ytd"].tolist() == [150.0, 400.0]
    assert df["growth_pct"].iloc[0] == pytest.approx(100 / 3)
    assert df["growth_pct"].iloc[1] == pytest.approx(5.0)
    assert df["n_enterprises"].tolist() == [3, 2]
    assert len(growth.growth_series(con)) == 4  # 2024: 1-2月, 1-12月; 2025: 1-2月, 1-5月


def test_growth_series_comparable_and_sector(con):
    comp = growth.growth_series(con, year=2025, basis="comparable")
    assert math.isnan(comp["growth_pct"].iloc[0])  # no index for 1-2月
    assert comp["ytd"].iloc[1] == pytest.approx(400.0)
    assert comp["growth_pct"].iloc[1] == pytest.approx(0.0)
    med = growth.growth_series(con, year=2025, sector="医疗器械")
    assert math.isnan(med["growth_pct"].iloc[0])  # B alone: 60 / 0
    assert med["growth_pct"].iloc[1] == pytest.approx(-10.0)  # D: 90 / 100 - 1


def test_output_and_revenue(con):
    out = growth.growth_series(con, measure="output")
    assert out["growth_pct"].tolist() == [pytest.approx(25.0)]  # 200 / 160 - 1, only A reports output
    rev = growth.growth_series(con, measure="revenue")
    # A: 25 against its own 1-2月 2024 revenue 20 -> +25 %; B has no 2024 row -> left out (same sample)
    assert rev["growth_pct"].tolist() == [pytest.approx(25.0)]
    assert rev["n_enterprises"].tolist() == [1]
    with pytest.raises(ValueError, match="未知指标 “profit”；可用：value_added、output、revenue"):
        growth.growth_series(con, measure="profit")


def test_official_growth_matches_variants(con):
    off = growth.official_growth(con)
    assert off["growth_pct"].tolist() == [3.0, 9.9]
    assert off["label"].tolist() == ["1-12月", "1-5月"]


def test_headline_prefers_official(con):
    h = growth.headline_growth(con, date(2025, 6, 15))
    assert (h.period, h.label, h.pct, h.basis) == (date(2025, 5, 1), "1-5月", 9.9, "official")
    assert (h.enterprise_pct, h.official_pct, h.comparable_pct) == (5.0, 9.9, 0.0)
    assert (h.last_year_pct, h.last_year_period) == (3.0, date(2024, 12, 1))
    assert h.change_pp == 6.9  # 9.9 - 3.0
    # 1-2月 has no official rate: the official series does not borrow the enterprise 33.3 (现价)
    assert h.series == {"2025-05": 9.9}
    assert h.basis_label == "可比价"


def test_headline_waits_for_the_month_to_end(con):
    # on 20 May the 1-5月 figure does not exist yet: 1-2月, enterprise-level
    h = growth.headline_growth(con, date(2025, 5, 20))
    assert (h.period, h.pct, h.basis) == (date(2025, 2, 1), 33.3, "enterprise")
    # in January no 2025 period has ended: the latest one, 2024 1-12月
    h = growth.headline_growth(con, date(2025, 1, 15))
    assert (h.period, h.pct, h.last_year_pct, h.change_pp) == (date(2024, 12, 1), 3.0, None, None)


def test_headline_empty_store():
    h = growth.headline_growth(store.connect(":memory:"), date(2025, 6, 15))
    assert (h.period, h.pct, h.basis, h.series) == (None, None, None, {})


def test_reconciliation(con):
    r = growth.reconciliation(con, date(2025, 6, 15))
    assert r["label"].tolist() == ["1-2月", "1-5月"]
    may = r.iloc[1]
    assert may["official_pct"] == 9.9 and may["enterprise_pct"] == pytest.approx(5.0)
    # the difference is taken on one basis: official 9.9 (可比价) - enterprise 0.0 (可比价), never 9.9 - 5.0 (现价)
    assert may["diff_pp"] == pytest.approx(9.9)
    assert may["diff_comparable_pp"] == pytest.approx(9.9)
    assert math.isnan(r.iloc[0]["official_pct"])


def test_sector_contribution_adds_up(con):
    # 1-5月: 医药 (A) (330 - 300) / 400 x 100 = 7.5; 医疗器械 (D) (90 - 100) / 400 x 100 = -2.5; total 5.0
    df = growth.sector_contribution(con, date(2025, 5, 1)).set_index("sector")
    assert df.loc["医药", "contribution_pp"] == pytest.approx(7.5)
    assert df.loc["医疗器械", "contribution_pp"] == pytest.approx(-2.5)
    assert df["contribution_pp"].sum() == pytest.approx(5.0)
    assert df.loc["医药", "share_pct"] == pytest.approx(330 / 420 * 100)
    assert df.loc["医疗器械", "growth_pct"] == pytest.approx(-10.0)
    # 1-2月: 医疗器械 is B alone (prior 0): (60 - 0) / 150 x 100 = 40, growth undefined
    feb = growth.sector_contribution(con, date(2025, 2, 14)).set_index("sector")
    assert feb.loc["医疗器械", "contribution_pp"] == pytest.approx(40.0)
    assert math.isnan(feb.loc["医疗器械", "growth_pct"])
    assert feb["contribution_pp"].sum() == pytest.approx(100 / 3)


def test_enterprise_contribution_and_movers(con):
    # 1-2月 over Σprev 150: A +10 -> 6.67, B +60 -> 40.0, C -20 -> -13.33
    df = growth.enterprise_contribution(con, date(2025, 2, 1), n=1)
    assert df["uscc"].tolist() == ["B", "C"]
    assert df["direction"].tolist() == ["拉动", "拖累"]
    assert df["contribution_pp"].tolist() == [pytest.approx(40.0), pytest.approx(-40 / 3)]
    up, down = growth.movers(con, date(2025, 2, 1))
    assert up["uscc"].tolist() == ["B", "A"] and up["change_wan"].tolist() == [60.0, 10.0]
    assert down["uscc"].tolist() == ["C"] and down["growth_pct"].tolist() == [pytest.approx(-40.0)]
    # within 医药 only, Σprev = 150 as well (A 100 + C 50): A +10 -> 6.67
    med = growth.enterprise_contribution(con, date(2025, 2, 1), sector="医药")
    assert med["uscc"].tolist() == ["A", "C"]
    assert med["contribution_pp"].iloc[0] == pytest.approx(20 / 3)


def test_unknown_basis_message(con):
    with pytest.raises(ValueError, match="未知价格口径 “real”；可用：current、comparable"):
        growth.growth_series(con, basis="real")


def test_official_growth_recognises_the_office_s_row_names():
    # real tables number their rows and put the unit in the name; the rate may sit in the
    # cumulative column of a row that says it is a rate
    c = store.connect(":memory:")
    insert(c, "indicators", [
        # 1-2月: numbered, unit in brackets, rate in its own column
        {"indicator": "一、规模以上工业增加值（万元）", "unit": "万元", "period": date(2025, 2, 1),
         "value_ytd": 41000.0, "growth_pct": 8.6},
        # 1-3月: a growth-only row "…增速（%）" whose figure is in 本年累计
        {"indicator": "（一）规上工业增加值增速（％）", "unit": None, "period": date(2025, 3, 1),
         "value_ytd": 9.2, "growth_pct": None},
        # 1-4月: two matching rows, the first synonym (规上工业增加值) wins, not the larger rate;
        # a look-alike (其中：…) and another indicator are ignored
        {"indicator": "规模以上工业增加值", "unit": "万元", "period": date(2025, 4, 1), "growth_pct": 12.0},
        {"indicator": "1.规上工业增加值", "unit": "万元", "period": date(2025, 4, 1), "growth_pct": 9.5},
        {"indicator": "其中：医药制造业增加值", "unit": "万元", "period": date(2025, 4, 1), "growth_pct": 30.0},
        {"indicator": "规上工业增加值（当月）", "unit": "万元", "period": date(2025, 4, 1), "growth_pct": 1.0},
        {"indicator": "规上工业总产值", "unit": "万元", "period": date(2025, 5, 1), "growth_pct": 9.8},
        # a value row without a rate: no official rate for 1-5月
        {"indicator": "规上工业增加值", "unit": "万元", "period": date(2025, 5, 1), "value_ytd": 100.0},
    ])
    off = growth.official_growth(c)
    assert off["label"].tolist() == ["1-2月", "1-3月", "1-4月"]
    assert off["growth_pct"].tolist() == [8.6, 9.2, 9.5]
    assert off["value_ytd"].iloc[0] == 41000.0 and math.isnan(off["value_ytd"].iloc[1])  # 9.2 is a rate
    assert growth.official_growth(c, "规上工业总产值")["growth_pct"].tolist() == [9.8]
    h = growth.headline_growth(c, date(2025, 6, 15))
    assert (h.label, h.pct, h.basis) == ("1-4月", 9.5, "official")


def test_indicator_core():
    assert growth.indicator_core("一、规模以上工业增加值增速（%）") == ("规模以上工业增加值", True)
    assert growth.indicator_core(" 规上工业增加值 (可比价) ") == ("规上工业增加值", False)
    assert growth.indicator_core("增速") == ("增速", False)  # a bare rate word is not stripped to nothing
    assert growth.indicator_core("规上工业增加值（当月）") == ("规上工业增加值(当月)", False)  # not cumulative


def test_headline_rounds_half_up_like_the_statistics_office():
    # Σytd 102.25 over Σprev 100 -> +2.25 % -> 2.3 (the float ratio is 2.2499999999999964, which
    # round() would take to 2.2); last year 1-12月 1.0 % (101 / 100) -> change 1.3 个百分点
    c = store.connect(":memory:")
    insert(c, "industrial", [ind(date(2024, 12, 1), "A", 101.0, 100.0, "医药"),
                             ind(date(2025, 5, 1), "A", 102.25, 100.0, "医药")])
    h = growth.headline_growth(c, date(2025, 6, 15))
    assert (h.pct, h.basis, h.last_year_pct, h.change_pp) == (2.3, "enterprise", 1.0, 1.3)


def test_scoped_memo_computes_once_inside_a_scope_and_hands_out_copies():
    """The briefing reads the headline growth four times: inside memo_scope it is computed once; a caller
    that changes the frame it got does not change the next caller's; outside a scope nothing is kept."""
    import pandas as pd

    from analytics.metrics._common import memo_scope, scoped_memo
    calls = []

    @scoped_memo
    def frame(con, n):
        calls.append(n)
        return pd.DataFrame({"v": [n]})

    con = object()
    with memo_scope():
        a = frame(con, 1)
        a.loc[0, "v"] = 99
        assert frame(con, 1)["v"].tolist() == [1] and calls == [1]
        frame(con, 2)
        assert calls == [1, 2]
    frame(con, 1)
    frame(con, 1)
    assert calls == [1, 2, 1, 1]
