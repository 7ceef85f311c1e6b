"""analytics.metrics.structure: sector shares now and a year earlier, worked by hand at D = 2025-06-15."""
from datetime import date

import pytest

from analytics import store
from analytics.metrics import structure

from store_rows import insert

D = date(2025, 6, 15)


@pytest.fixture()
def con():
    c = store.connect(":memory:")
    old = date(2020, 1, 1)
    insert(c, "entities", [
        {"uscc": "91A", "name": "A", "established_on": old, "sector": "医药", "registered_capital": 100.0},
        {"uscc": "91B", "name": "B", "established_on": old, "sector": "医疗器械", "registered_capital": 300.0},
        {"uscc": "91C", "name": "C", "established_on": date(2025, 1, 1), "sector": "其他", "registered_capital": 600.0},
        {"uscc": "91E", "name": "E", "established_on": old, "closed_on": date(2025, 1, 1), "sector": "医药",
         "registered_capital": 1000.0},
    ])
    insert(c, "industrial", [
        {"period": date(2025, 5, 1), "uscc": "91A", "value_added_ytd": 300.0, "sector": "医药"},
        {"period": date(2025, 5, 1), "uscc": "91B", "value_added_ytd": 100.0, "sector": "医疗器械"},
        {"period": date(2024, 5, 1), "uscc": "91A", "value_added_ytd": 200.0, "sector": "医药"},
        # 1-6月 2024 ends 30 June: not yet available on 2024-06-15
        {"period": date(2024, 6, 1), "uscc": "91B", "value_added_ytd": 999.0, "sector": "医疗器械"},
    ])
    insert(c, "projects", [
        {"project_key": "P1", "name": "1", "stage": "签约", "sector": "医疗器械", "investment": 3000.0,
         "signed_on": date(2025, 3, 1)},
        {"project_key": "P2", "name": "2", "stage": "签约", "sector": "医药", "investment": 1000.0,
         "signed_on": date(2024, 2, 1)},
        {"project_key": "P3", "name": "3", "stage": "签约", "sector": "其他", "investment": 5000.0,
         "signed_on": date(2024, 12, 1)},  # in neither year-to-date window
    ])
    return c


def test_sector_shares(con):
    df = structure.sector_shares(con, D).set_index("sector")
    assert len(df) == 6
    # alive at D: A (医药), B (医疗器械), C (其他); E closed 2025-01-01
    assert df["entities"].tolist() == [1, 1, 0, 0, 0, 1]
    assert df.loc["医药", "entities_share_pct"] == pytest.approx(100 / 3)
    # capital 100 / 300 / 600 of 1000
    assert df.loc[["医药", "医疗器械", "其他"], "capital_share_pct"].tolist() == [10.0, 30.0, 60.0]
    # value added 1-5月 2025: 300 / 100 of 400
    assert df.loc[["医药", "医疗器械"], "value_added_share_pct"].tolist() == [75.0, 25.0]
    assert df.attrs["value_added_period"] == date(2025, 5, 1)
    # signed this year to D: P1 only
    assert df.loc["医疗器械", "investment_share_pct"] == 100.0


def test_share_shift(con):
    df = structure.share_shift(con, D).set_index(["measure", "sector"])
    # a year earlier (2024-06-15): A, B, E alive -> 医药 2 of 3; capital 医药 1100 of 1400
    e = df.loc[("entities", "医药")]
    assert e["share_year_ago_pct"] == pytest.approx(200 / 3)
    assert e["change_pp"] == pytest.approx(100 / 3 - 200 / 3)
    assert df.loc[("capital_wan", "医药"), "share_year_ago_pct"] == pytest.approx(1100 / 1400 * 100)
    # value added a year earlier: 1-5月 2024 (医药 200 only), not 1-6月
    assert df.loc[("value_added_wan", "医药"), "change_pp"] == pytest.approx(75.0 - 100.0)
    # investment: P2 (医药) a year earlier, P1 (医疗器械) now
    assert df.loc[("investment_wan", "医疗器械"), "change_pp"] == 100.0
    assert df.loc[("investment_wan", "医药"), "change_pp"] == -100.0
    assert df.loc[("entities", "医药"), "measure_label"] == "市场主体数"


def test_share_shift_has_no_change_where_a_year_earlier_had_no_data(con):
    # a year before 2024-12-31 (2023-12-31): no industrial period and no signed project yet
    df = structure.share_shift(con, date(2024, 12, 31)).set_index(["measure", "sector"])
    va = df.loc[("value_added_wan", "医疗器械")]
    assert va["share_pct"] == 100.0  # 1-6月 2024 is the latest period: only B (医疗器械, 999)
    assert va["share_year_ago_pct"] != va["share_year_ago_pct"] and va["change_pp"] != va["change_pp"]  # NaN
    assert df.loc[("entities", "医药"), "change_pp"] == pytest.approx(0.0)  # A, B, E alive both dates
