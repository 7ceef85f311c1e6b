"""analytics.fmt: the park's way of writing numbers."""
from datetime import date

import pytest

from analytics import fmt


@pytest.mark.parametrize("wan, text", [
    (235000, "23.5亿元"),       # 235000 万元 / 10000 = 23.5 亿
    (100000, "10亿元"),         # trailing .0 dropped
    (10000, "1亿元"),           # exactly 1 亿 switches to 亿元
    (9234.5, "9000余万元"),     # leading digit 9 at the thousands: 9000, something cut -> 余
    (8000, "8000万元"),         # nothing cut -> no 余
    (512, "500余万元"),
    (100, "100万元"),
    (56.34, "56.3万元"),        # below 100: one decimal
    (0, "0万元"),
    (0.5, "0.5万元"),
    (0.04, "0.04万元"),       # below 1 万元 two decimals: 400 元 is not "0万元"
    (-8000, "-8000万元"),
    (-0.001, "0万元"),        # rounds to zero: no minus sign
    (234500, "23.5亿元"),     # 23.45 亿 rounded half up (四舍五入); the float 23.45 is 23.4499...
    (9236, "9000余万元"),     # the park's published 助企帮销 figure
    (9999, "9900余万元"),      # 9000余 would leave out 999 = 10 % (>= 5 %): two digits
    (2234.5, "2200余万元"),    # 234.5 cut = 10.5 %
    (2891, "2800余万元"),      # 2000余 would leave out 891 = 31 %: two digits (channel shares side by side)
    (2632, "2600余万元"),      # 632 / 2632 = 24 %
    (5726, "5700余万元"),      # 726 / 5726 = 12.7 %: two digits, like 2891 (was '5000余万元')
    (2164, "2100余万元"),      # 164 / 2164 = 7.6 %: two digits (was '2000余万元' beside '1900余万元')
    (1928, "1900余万元"),
    (1040, "1000余万元"),      # 40 / 1040 = 3.8 %: the leading digit is enough
    (24500, "2.5亿元"),        # 2.45 亿 -> 2.5 (四舍五入; half to even would keep 2.4)
    (25000, "2.5亿元"),
    (1999, "1900余万元"),      # not 1000余万元 (half the amount)
    (189, "180余万元"),        # 89 / 189 = 47 %
    (150, "150万元"),          # nothing cut at two digits -> no 余
    (12345, "1.2亿元"),
    (14999, "1.5亿元"),       # 1.4999 -> 1.5
    (float("inf"), "—"),
    (None, "—"),
    (float("nan"), "—"),
])
def test_wan_to_text(wan, text):
    assert fmt.wan_to_text(wan) == text


def test_yi_pct_pp_count():
    assert fmt.yi(235000) == "23.5亿元"
    assert fmt.yi(234567, digits=2) == "23.46亿元"
    assert fmt.pct(9.9) == "9.9%"
    assert fmt.pct(3) == "3.0%"
    assert fmt.pct(None) == "—"
    assert fmt.pp(6.9) == "6.9个百分点"
    # 四舍五入 (half up) on the number as written, as the statistics office rounds:
    assert fmt.pp(-1.25) == "-1.3个百分点"
    assert fmt.pct(6.25) == "6.3%"          # 5 of 80 entities; f-format would say 6.2 %
    assert fmt.pct(2.45) == "2.5%"          # the float 2.45 is 2.4500000000000001776...; 2.05 is 2.04999...
    assert fmt.pct(2.05) == "2.1%"
    assert fmt.pct(-0.04) == "0.0%"         # never "-0.0%"
    assert fmt.pct(float("inf")) == "—"     # a rate over a zero base
    assert fmt.change_pp_text(-0.05) == "回落0.1个百分点"
    assert fmt.yi(234550, digits=2) == "23.46亿元"
    assert fmt.change_pp_text(6.9) == "提高6.9个百分点"
    assert fmt.change_pp_text(-1.2) == "回落1.2个百分点"
    assert fmt.change_pp_text(0.04) == "持平"
    assert fmt.count(6879, "户") == "6879户"
    assert fmt.count(39, "个") == "39个"
    assert fmt.count(None) == "—"


def test_dates_and_periods():
    assert fmt.date_cn(date(2025, 6, 15)) == "2025年6月15日"
    assert fmt.date_cn("2025-06-05") == "2025年6月5日"
    assert fmt.period_label(date(2025, 5, 1)) == "1-5月"
    assert fmt.period_label(date(2025, 2, 1)) == "1-2月"
    assert fmt.period_label(date(2024, 12, 1)) == "1-12月"
    assert fmt.period_label(date(2025, 1, 1)) == "1月"
    assert fmt.period_label(date(2025, 5, 1), with_year=True) == "2025年1-5月"
    assert fmt.month_label(date(2025, 5, 1)) == "2025年5月"
    assert fmt.month_key(date(2025, 5, 17)) == "2025-05"


def test_round_half_up_is_not_decided_by_float_noise():
    # (102.25 / 100 - 1) x 100 is the float 2.2499999999999964; written it is 2.25 -> 2.3
    x = (102.25 / 100 - 1) * 100
    assert str(fmt.round_half_up(x, 1)) == "2.3"
    assert fmt.pct(x) == "2.3%"
    assert str(fmt.round_half_up(-0.04, 1)) == "0.0"  # no signed zero
    assert str(fmt.round_half_up(23.455, 2)) == "23.46"


def test_missing_dates_are_a_dash():
    import pandas as pd
    for f in (fmt.date_cn, fmt.period_label, fmt.month_label):
        assert f(None) == "—"
        assert f(pd.NaT) == "—"            # was 'nan年nan月nan日'
        assert f(float("nan")) == "—"
    assert fmt.date_cn(pd.Timestamp("2025-06-15")) == "2025年6月15日"


def test_pandas_na_is_missing():
    import pandas as pd
    # an Int64 column (days, counts) holds pd.NA for unknown values
    assert [fmt.pct(pd.NA), fmt.pp(pd.NA), fmt.count(pd.NA, "个"), fmt.wan_to_text(pd.NA)] == ["—"] * 4


def test_yu_rule_one_unit_for_peers_in_a_sentence():
    # side by side in one sentence, amounts share the finest unit any of them needs
    assert fmt.wan_texts([2164, 1928]) == ["2100余万元", "1900余万元"]
    assert fmt.wan_texts([9236, 2234.5]) == ["9200余万元", "2200余万元"]
    assert fmt.wan_texts([7000, 2234.5]) == ["7000万元", "2200余万元"]
    assert fmt.wan_texts([9236]) == ["9000余万元"]
    assert fmt.wan_texts([2887.08, 2631.9, 2115.0, 404.17, 92.61]) == [
        "2800余万元", "2600余万元", "2100余万元", "400余万元", "92.6万元"]   # below 100 万元: decimals
    assert fmt.wan_texts([2887.08, 189]) == ["2880余万元", "180余万元"]      # 189 needs tens: all in tens
    assert fmt.wan_texts([]) == []
    assert fmt.wan_texts([None, 5726]) == ["—", "5700余万元"]
    assert fmt.yu_unit(9236) == 1000 and fmt.yu_unit(5726) == 100


def test_half_way_figures_round_up():
    # the cases: a 拉动 of 2.25 beside a total of 2.3%, 6.25%, a median of 12.5 days, 2.5亿
    assert fmt.pp(2.25) == "2.3个百分点"
    assert fmt.pct(2.25) == "2.3%"
    assert fmt.pct(6.25) == "6.3%"
    assert fmt.days(12.5) == "13天"
    assert fmt.days(12.4) == "12天"
    assert fmt.yi(24500) == "2.5亿元"
    assert fmt.number(2.25) == "2.3"
    assert fmt.number(12.5, 0) == "13"
    assert fmt.number(12345.65, 1, thousands=True) == "12,345.7"
    assert fmt.signed_pp(2.25) == "+2.3个百分点"
    assert fmt.signed_pp(-2.25) == "-2.3个百分点"
    assert fmt.signed_pp(0.04) == "0.0个百分点"
    assert fmt.change_pct_text(6.25) == "增长6.3%"
    assert fmt.change_pct_text(-1.25) == "下降1.3%"
    assert fmt.change_pct_text(0.01) == "持平"
    assert fmt.accel_text(0.45) == "加快0.5个百分点"
    assert fmt.accel_text(-0.25) == "回落0.3个百分点"
    assert fmt.accel_text(0.0) == "持平"


def test_round_frame_rounds_half_up_and_leaves_the_input():
    import pandas as pd
    df = pd.DataFrame({"a": [2.25, 6.25, None], "b": ["x", "y", "z"]})
    out = fmt.round_frame(df, ["a", "missing"], 1)
    assert out["a"].tolist()[:2] == [2.3, 6.3] and pd.isna(out["a"].iloc[2])
    assert df["a"].tolist()[:2] == [2.25, 6.25]
    assert f"{out['a'].iloc[0]:.1f}" == "2.3"       # a printf format afterwards cannot undo it


def test_due_text():
    assert fmt.due_text(0) == "今日到期"
    assert fmt.due_text(1) == "明日到期"
    assert fmt.due_text(5) == "将在5天内到期"
    assert fmt.due_text(-3) == "已超期3天"
