"""analytics.metrics.entities: stock, new and closed entities, worked by hand."""
import math
from datetime import date

import pytest

from analytics import store
from analytics.metrics import entities

from store_rows import insert

D = date(2025, 6, 15)


def ent(uscc, name, est, closed=None, etype="企业", sector="其他", capital=None):
    return {"uscc": uscc, "name": name, "entity_type": etype, "established_on": est, "closed_on": closed,
            "sector": sector, "registered_capital": capital}


@pytest.fixture()
def con():
    c = store.connect(":memory:")
    insert(c, "entities", [
        ent("91A", "甲医疗公司", date(2024, 6, 15), sector="医疗器械", capital=100.0),  # exactly D - 1 year: alive, not new
        ent("92B", "乙商店", date(2024, 6, 16), etype=None),                              # new; type from code 92
        ent("93C", "丙合作社", D, closed=date(2025, 6, 20), etype="农民专业合作社"),      # est. on D: new; closed after D
        ent("91E", "戊公司", date(2020, 1, 1), closed=D, sector="医疗器械", capital=50.0),  # closed on D: not alive
        ent("91F", "己公司", date(2020, 1, 1), closed=date(2025, 6, 16), sector="医药", capital=30.0),  # closed after D
        ent("91G", "庚公司", date(2019, 3, 1), closed=date(2024, 12, 31)),              # closed before D
        ent("91H", "辛公司", date(2025, 6, 16)),                                         # after D: not yet
    ])
    return c


def test_stock_new_closed(con):
    # alive at D: A, B, C, F (E closed on D, G before, H not yet) = 4
    assert entities.stock_at(con, D) == 4
    # new in (2024-06-15, 2025-06-15]: B, C = 2 (A is on the open boundary, H after D)
    assert entities.new_12m(con, D) == 2
    # closed in (2024-06-15, 2025-06-15]: G (2024-12-31), E (on D) = 2
    assert entities.closed_12m(con, D) == 2
    assert entities.stock_at(con, D, sector="医疗器械") == 1  # A (E closed on D)
    assert entities.new_in_window(con, date(2024, 6, 14), date(2024, 6, 15)) == 1  # A on the closed end
    assert entities.stock_at(con, date(2025, 6, 16)) == 4  # + H, - F (closed 16th) = A, B, C, H


def test_stock_series_month(con):
    df = entities.stock_series(con, date(2025, 5, 3), D)
    assert df["period_end"].tolist() == [date(2025, 5, 31), D]
    assert df["label"].tolist() == ["2025年5月", "2025年6月"]
    # end of May: A, B, E, F alive (G closed 2024-12-31) = 4; June to the 15th: +C, -E -> 4
    assert df["stock"].tolist() == [4, 4]
    assert df["new"].tolist() == [0, 1]
    assert df["closed"].tolist() == [0, 1]
    assert df["net"].tolist() == [0, 0]
    # the series agrees with stock_at at every period end
    for pe, s in zip(df["period_end"], df["stock"]):
        assert s == entities.stock_at(con, pe)


def test_stock_series_quarter_and_year(con):
    q = entities.stock_series(con, date(2024, 4, 1), date(2025, 6, 30), freq="quarter")
    assert q["label"].tolist() == ["2024年二季度", "2024年三季度", "2024年四季度", "2025年一季度", "2025年二季度"]
    # 2024Q2 end: E, F, G + A (06-15) + B (06-16) = 5; Q4: G closed 12-31 -> 4; 2025Q2 end (06-30):
    # + C (est 06-15, closed 06-20: out again), + H, - E, - F -> A, B, H = 3
    assert q["stock"].tolist() == [5, 5, 4, 4, 3]
    assert q["new"].tolist() == [2, 0, 0, 0, 2]
    assert q["closed"].tolist() == [0, 0, 1, 0, 3]
    y = entities.stock_series(con, date(2024, 1, 1), D, freq="year")
    assert y["period_end"].tolist() == [date(2024, 12, 31), D]
    assert y["stock"].tolist() == [4, 4]
    with pytest.raises(ValueError, match="未知频率 “week”；可用：month、quarter、year"):
        entities.stock_series(con, D, D, freq="week")


def test_type_and_sector_mix(con):
    t = entities.type_mix(con, D)
    assert t["entity_type"].tolist() == ["企业", "个体工商户", "农民专业合作社"]
    assert t["count"].tolist() == [2, 1, 1]  # A, F; B (from code 92); C
    assert t["share_pct"].tolist() == [50.0, 25.0, 25.0]
    empty = entities.type_mix(con, date(2000, 1, 1))
    assert empty["count"].tolist() == [0, 0, 0] and empty["share_pct"].tolist() == [0.0, 0.0, 0.0]
    s = entities.sector_mix(con, D).set_index("sector")
    assert len(s) == 6
    assert s.loc["医疗器械", "count"] == 1 and s.loc["医疗器械", "capital_wan"] == 100.0
    assert s.loc["医药", "capital_wan"] == 30.0
    assert s.loc["其他", "share_pct"] == 50.0  # B, C of 4


def test_new_by_month(con):
    df = entities.new_by_month(con, D)
    assert df["month"].tolist()[0] == "2024-07" and df["month"].tolist()[-1] == "2025-06"
    june = df.iloc[-1]
    # June 2025 to the 15th: C (H on the 16th is after D); June 2024 to the 15th: A (B on the 16th is not)
    assert (june["new"], june["new_prev_year"], june["yoy_pct"]) == (1, 1, 0.0)
    assert math.isnan(df.iloc[0]["yoy_pct"])
    assert df["new"].sum() == 1


def test_search_entities(con):
    df = entities.search_entities(con, D, query="公司")
    assert df.columns.tolist()[:3] == ["统一社会信用代码", "市场主体名称", "主体类型"]
    assert df["市场主体名称"].tolist() == ["甲医疗公司", "己公司"]  # newest first; E, G closed, H not yet
    df = entities.search_entities(con, D, query="", alive_only=False, entity_type="企业")
    assert set(df["统一社会信用代码"]) == {"91A", "91E", "91F", "91G"}
    status = dict(zip(df["统一社会信用代码"], df["登记状态"]))
    assert status["91F"] == "存续"  # closed only after D
    assert entities.search_entities(con, D, query="91a")["市场主体名称"].tolist() == ["甲医疗公司"]
    assert entities.search_entities(con, D, query="%").empty  # a literal %, not a wildcard


def test_a_date_on_an_entity_whose_status_is_alive_is_not_a_closing_date():
    # registry exports carry 核准日期 (latest approval, a closed_on synonym) for every entity:
    # with status 存续 it does not close the entity; with 注销 (or no status) it does
    c = store.connect(":memory:")
    insert(c, "entities", [
        {**ent("91P", "甲", date(2020, 1, 1), closed=date(2024, 3, 5)), "status": "存续"},   # alive
        {**ent("91Q", "乙", date(2020, 1, 1), closed=date(2024, 3, 5)), "status": "注销"},   # closed 2024-03-05
        {**ent("91R", "丙", date(2020, 1, 1), closed=date(2024, 3, 5), sector="医药")},       # no status: closed
        {**ent("92S", "丁", date(2024, 7, 1), closed=date(2025, 1, 10), etype=None), "status": "存续"},  # alive, new
    ])
    # alive at D: P, S = 2; closed in (2024-06-15, D]: none (Q, R closed 2024-03-05; P, S are 存续)
    assert entities.stock_at(c, D) == 2
    assert entities.closed_12m(c, D) == 0
    assert entities.closed_in_window(c, date(2024, 3, 1), date(2024, 3, 31)) == 2  # Q, R
    assert entities.type_mix(c, D)["count"].tolist() == [1, 1, 0]
    assert entities.stock_series(c, date(2025, 1, 1), D, "quarter")["stock"].tolist() == [2, 2]
    found = entities.search_entities(c, D, query="", alive_only=False)
    assert dict(zip(found["统一社会信用代码"], found["登记状态"])) == {"91P": "存续", "91Q": "注销", "91R": "注销",
                                                                        "92S": "存续"}
    from analytics import summary
    from analytics.metrics import structure
    h = summary.headline(c, D)
    assert (h["entities_total"], h["entities_new_12m"], h["entities_closed_12m"]) == (2, 1, 0)
    assert structure.sector_shares(c, D).set_index("sector").loc["医药", "entities"] == 0  # R closed
