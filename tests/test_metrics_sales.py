"""analytics.metrics.sales: totals, months, dimensions and milestone effects, worked by hand."""
from datetime import date

import pytest

from analytics import store
from analytics.metrics import sales

from store_rows import insert

D = date(2025, 6, 15)
MONTH = 365.25 / 12  # days in a month-equivalent


@pytest.fixture()
def con():
    c = store.connect(":memory:")
    insert(c, "sales", [
        {"sold_on": date(2024, 7, 5), "channel": "展销中心", "enterprise": "甲", "product": "牦牛奶粉", "amount": 1000.0},
        {"sold_on": date(2024, 12, 9), "channel": "展销中心", "enterprise": "乙", "product": "枸杞", "amount": 620.0},
        {"sold_on": date(2025, 1, 15), "channel": "线上", "enterprise": "甲", "product": "牦牛奶粉", "amount": 310.0},
        {"sold_on": date(2025, 3, 1), "channel": None, "enterprise": "乙", "product": None, "amount": 90.0},
        {"sold_on": date(2025, 5, 10), "channel": "大通店", "enterprise": "丙", "product": "黑枸杞", "amount": 200.0},
        {"sold_on": date(2025, 5, 24), "channel": "展销会", "enterprise": "丙", "product": "黑枸杞", "amount": 400.0},
        {"sold_on": date(2025, 6, 20), "channel": "线上", "enterprise": "甲", "product": "牦牛奶粉", "amount": 999.0},
    ])
    return c


def test_total(con):
    assert sales.total(con, D) == 2620.0  # 1000 + 620 + 310 + 90 + 200 + 400; the 20 June sale is after D
    assert sales.total(con, D, since=date(2025, 1, 1)) == 1000.0  # 310 + 90 + 200 + 400
    assert sales.total(store.connect(":memory:"), D) == 0.0


def test_monthly(con):
    df = sales.monthly(con, D)
    assert df["month_key"].tolist()[0] == "2024-07" and df["month_key"].tolist()[-1] == "2025-06"
    assert len(df) == 12  # July 2024 .. June 2025, empty months as 0
    amounts = dict(zip(df["month_key"], df["amount_wan"]))
    assert (amounts["2024-07"], amounts["2024-08"], amounts["2025-05"], amounts["2025-06"]) == (1000.0, 0.0, 600.0, 0.0)
    assert df["cumulative_wan"].iloc[-1] == 2620.0


def test_by_dimension(con):
    ch = sales.by_dimension(con, D, "channel")
    assert ch["channel"].tolist() == ["展销中心", "展销会", "线上", "大通店", "未注明"]
    assert ch["amount_wan"].tolist() == [1620.0, 400.0, 310.0, 200.0, 90.0]
    assert ch["share_pct"].iloc[0] == pytest.approx(1620 / 2620 * 100)
    top = sales.by_dimension(con, D, "channel", top=2)
    assert top["channel"].tolist() == ["展销中心", "展销会", "其他"]
    assert top["amount_wan"].tolist() == [1620.0, 400.0, 600.0]  # 310 + 200 + 90
    ent = sales.by_dimension(con, D, "enterprise")
    assert dict(zip(ent["enterprise"], ent["amount_wan"])) == {"甲": 1310.0, "乙": 710.0, "丙": 600.0}
    assert sales.by_channel_dict(con, D)["展销中心"] == 1620.0
    with pytest.raises(ValueError, match="未知维度 “city”；可用：channel、enterprise、product、event"):
        sales.by_dimension(con, D, "city")


def test_milestone_effects(con):
    df = sales.milestone_effects(con, D).set_index("milestone")
    assert df.index.tolist() == ["特色产品展销中心开业", "大通店开业", "展销会"]
    show = df.loc["特色产品展销中心开业"]
    # before: 2024-07-05 .. 2024-12-08 = 157 days, 1000 万元; after: 2024-12-09 .. 2025-05-09 = 152 days,
    # 620 + 310 + 90 = 1020 万元
    assert (show["before_days"], show["after_days"]) == (157, 152)
    assert show["before_wan_per_month"] == pytest.approx(1000 / 157 * MONTH)
    assert show["after_wan_per_month"] == pytest.approx(1020 / 152 * MONTH)
    assert show["change_pct"] == pytest.approx(((1020 / 152) / (1000 / 157) - 1) * 100)
    fair = df.loc["展销会"]
    # before: 2025-05-10 .. 05-23 = 14 days, 200; after: 2025-05-24 .. D = 23 days, 400
    assert (fair["before_days"], fair["after_days"], fair["after_end"]) == (14, 23, D)
    assert fair["change_pct"] == pytest.approx(((400 / 23) / (200 / 14) - 1) * 100)
    # before the showroom opened only it is not yet a milestone
    assert sales.milestone_effects(con, date(2024, 12, 8)).empty


def test_top_never_shows_two_rows_named_other():
    # a channel really called 其他 (300) is among the top two by amount; with top=2 it joins the rest:
    # 展销中心 500, 线上 200 shown; 其他 = 300 + 100 (大通店) = 400
    c = store.connect(":memory:")
    insert(c, "sales", [
        {"sold_on": date(2025, 1, 5), "channel": "展销中心", "amount": 500.0},
        {"sold_on": date(2025, 1, 6), "channel": "其他", "amount": 300.0},
        {"sold_on": date(2025, 1, 7), "channel": "线上", "amount": 200.0},
        {"sold_on": date(2025, 1, 8), "channel": "大通店", "amount": 100.0},
    ])
    top = sales.by_dimension(c, D, "channel", top=2)
    assert top["channel"].tolist() == ["展销中心", "线上", "其他"]
    assert top["amount_wan"].tolist() == [500.0, 200.0, 400.0]
    assert top["rows"].tolist() == [1, 1, 2]
    assert top["share_pct"].sum() == pytest.approx(100.0)
