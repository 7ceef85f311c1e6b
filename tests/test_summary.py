"""analytics.summary (headline figures, default as-of date) and analytics.text (the overview paragraph)."""
import json
from datetime import date

import pytest

from analytics import store, summary, text
from analytics.metrics import entities, growth, projects, sales, service

from store_rows import insert

D = date(2025, 6, 15)
REQUIRED_KEYS = {  # issue 2, item 6, summary --json
    "as_of", "entities_total", "entities_new_12m", "entities_by_type", "entities_new_by_month",
    "industrial_growth_ytd", "industrial_growth_period", "industrial_growth_basis", "industrial_growth_series",
    "industrial_growth_last_year", "projects_signed_ytd", "projects_investment_ytd_yi",
    "projects_signed_ytd_by_sector", "projects_by_stage", "sales_assistance_total_wan",
    "sales_assistance_by_channel_wan", "key_accounts",
}


@pytest.fixture()
def con():
    c = store.connect(":memory:")
    insert(c, "entities", [
        {"uscc": "91A", "name": "甲", "entity_type": "企业", "established_on": date(2024, 6, 15), "sector": "医药"},
        {"uscc": "92B", "name": "乙", "entity_type": "个体工商户", "established_on": date(2025, 3, 2), "sector": "其他"},
        {"uscc": "91C", "name": "丙", "entity_type": "企业", "established_on": date(2020, 1, 1),
         "closed_on": date(2025, 1, 9), "sector": "其他"},
    ])
    insert(c, "industrial", [
        {"period": date(2024, 12, 1), "uscc": "91A", "value_added_ytd": 1030.0, "value_added_prev_ytd": 1000.0,
         "sector": "医药"},
        {"period": date(2025, 2, 1), "uscc": "91A", "value_added_ytd": 120.0, "value_added_prev_ytd": 100.0,
         "sector": "医药"},
        {"period": date(2025, 5, 1), "uscc": "91A", "value_added_ytd": 330.0, "value_added_prev_ytd": 300.0,
         "sector": "医药"},
    ])
    insert(c, "indicators", [{"indicator": "规上工业增加值", "period": date(2025, 5, 1), "growth_pct": 9.9}])
    insert(c, "projects", [
        {"project_key": "P1", "name": "一", "stage": "签约", "sector": "医疗器械", "investment": 150000.0,
         "signed_on": date(2025, 2, 1), "due_on": date(2025, 12, 31)},
        {"project_key": "P2", "name": "二", "stage": "开工", "sector": "医药", "investment": 85000.0,
         "signed_on": D, "started_on": D},
        {"project_key": "P3", "name": "三", "stage": "洽谈", "sector": "其他"},
    ])
    insert(c, "sales", [
        {"sold_on": date(2024, 7, 20), "channel": "展销中心", "amount": 4000.25},
        {"sold_on": date(2025, 5, 24), "channel": "展销会", "amount": 5100.0},
        {"sold_on": date(2025, 6, 30), "channel": "展销会", "amount": 77.0},  # after D
    ])
    insert(c, "service_accounts", [{"account": "甲", "leader": "王"}, {"account": "甲", "leader": "李"},
                                   {"account": "乙", "leader": "李"}])
    return c


def test_headline_keys_and_figures(con):
    h = summary.headline(con, D)
    assert REQUIRED_KEYS <= set(h)
    json.dumps(h, ensure_ascii=False)  # JSON-serialisable
    assert h["as_of"] == "2025-06-15"
    # alive at D: A, B (C closed 2025-01-09); new in (2024-06-15, D]: B (A is on the open boundary)
    assert (h["entities_total"], h["entities_new_12m"], h["entities_closed_12m"]) == (2, 1, 1)
    assert h["entities_by_type"] == {"企业": 1, "个体工商户": 1, "农民专业合作社": 0}
    assert list(h["entities_new_by_month"])[0] == "2024-07" and h["entities_new_by_month"]["2025-03"] == 1
    # growth: official 9.9 for 1-5月 (可比价). 1-2月 (120/100 -> 20.0) and 2024's 1-12月 (1030/1000 -> 3.0)
    # exist only as enterprise figures (现价): the official series and its comparison never borrow them
    assert (h["industrial_growth_ytd"], h["industrial_growth_period"], h["industrial_growth_basis"]) == \
        (9.9, "2025-05", "official")
    assert h["industrial_growth_series"] == {"2025-05": 9.9}
    assert (h["industrial_growth_last_year"], h["industrial_growth_change_pp"]) == (None, None)
    assert (h["industrial_growth_prev_period"], h["industrial_growth_change_prev_pp"]) == (None, None)
    assert h["industrial_growth_enterprise"] == 10.0  # 330 / 300 - 1
    # projects: P1 + P2 signed this year: 150000 + 85000 = 235000 万元 = 23.50 亿元
    assert (h["projects_signed_ytd"], h["projects_investment_ytd_yi"]) == (2, 23.5)
    assert h["projects_signed_ytd_by_sector"] == {"医疗器械": 1, "医药": 1}
    assert h["projects_signed_ytd_medical"] == 1
    assert h["projects_by_stage"] == {"洽谈": 1, "签约": 1, "开工": 1, "投产": 0, "停滞": 0}
    # sales to D: 4000.25 + 5100 = 9100.25 万元
    assert h["sales_assistance_total_wan"] == 9100.25
    assert h["sales_assistance_by_channel_wan"] == {"展销会": 5100.0, "展销中心": 4000.25}
    assert h["key_accounts"] == 2


def test_headline_equals_the_library(con):
    h = summary.headline(con, D)
    assert h["entities_total"] == entities.stock_at(con, D)
    assert h["entities_new_12m"] == entities.new_12m(con, D)
    y = date(2024, 6, 15)
    ends = entities.endings_in_window(con, y, D)
    assert (h["entities_cancelled_12m"], h["entities_moved_out_12m"]) == (ends["cancelled"], ends["moved_out"])
    assert h["entities_total_year_ago"] == entities.stock_at(con, y)
    assert h["entities_new_prev_12m"] == entities.new_in_window(con, date(2023, 6, 15), y)
    assert h["industrial_growth_ytd"] == growth.headline_growth(con, D).pct
    n, inv, by_sector = projects.signed_summary(con, D)
    assert (h["projects_signed_ytd"], h["projects_signed_ytd_by_sector"]) == (n, by_sector)
    assert h["sales_assistance_total_wan"] == round(sales.total(con, D), 2)
    assert h["key_accounts"] == service.key_accounts(con)


def test_headline_does_not_change_the_store(con):
    def snapshot():
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall()
                for t in ("entities", "industrial", "indicators", "projects", "sales", "service_accounts")}
    before = snapshot()
    summary.headline(con, D)
    summary.default_as_of(con, today=D)
    assert snapshot() == before


def test_headline_empty_store_is_none():
    h = summary.headline(store.connect(":memory:"), D)
    assert REQUIRED_KEYS <= set(h)
    assert all(h[k] is None for k in REQUIRED_KEYS - {"as_of"})


def test_default_as_of(con):
    # latest recorded date: the sale on 2025-06-30 (the due date 2025-12-31 is a plan and never counts)
    assert summary.default_as_of(con, today=date(2026, 1, 1)) == date(2025, 6, 30)
    # on 20 June the sale is in the future: P2 signed/started on D is the latest
    assert summary.default_as_of(con, today=date(2025, 6, 20)) == D
    # capped at today: dates after it are ignored, the latest one before it wins
    assert summary.default_as_of(con, today=date(2025, 6, 1)) == date(2025, 5, 31)  # 1-5月 ends 31 May
    assert summary.default_as_of(store.connect(":memory:"), today=date(2025, 3, 3)) == date(2025, 3, 3)


def test_overview_paragraph(con):
    # the fixture's figures (see test_headline_keys_and_figures); projects: 医疗器械 and 医药 named in
    # schema.SECTORS order; the first sale on 2024-07-20 -> '2024年下半年以来'
    p = text.overview_paragraph(summary.headline(con, D))
    assert p == ("截至2025年6月15日，园区各类市场主体总数2户，近一年新设立市场主体1户；"
                 "1-5月，园区规上工业增加值增速9.9%；"   # 2024 has no official (可比价) figure to compare with
                 "2025年以来，园区新签约项目2个，总投资23.5亿元，涉及医疗器械、医药等产业，其中医疗器械项目1个；"
                 "2024年下半年以来，园区累计助企帮销9000余万元；园区党委班子成员包保重点企业和项目2个。")


def test_overview_paragraph_drops_missing_sentences():
    h = {"as_of": "2025-06-15", "entities_total": None, "industrial_growth_ytd": 5.0,
         "industrial_growth_period": "2025-02", "industrial_growth_basis": "enterprise",
         "industrial_growth_last_year": None, "industrial_growth_change_pp": None, "projects_signed_ytd": None,
         "sales_assistance_total_wan": None, "key_accounts": None}
    assert text.overview_paragraph(h) == \
        "截至2025年6月15日，1-2月，园区规上工业增加值增速5.0%（根据企业数据测算，现价）。"
    assert text.overview_paragraph(summary.headline(store.connect(":memory:"), D)) == "截至2025年6月15日，暂无数据。"


def _growth(as_of: str, period: str, pct: float, last: float | None = None, basis: str = "official") -> dict:
    return {"as_of": as_of, "industrial_growth_ytd": pct, "industrial_growth_period": period,
            "industrial_growth_basis": basis, "industrial_growth_last_year": last,
            "industrial_growth_change_pp": None if last is None else round(pct - last, 1)}


def test_growth_sentence_names_the_period_against_the_year_of_as_of():
    # 1-12月 of as_of's year is compared with '上年': 3.0 - 4.2 = -1.2 -> 回落1.2个百分点
    assert text.growth_sentence(_growth("2024-12-31", "2024-12", 3.0, 4.2)) == \
        "1-12月，园区规上工业增加值增速3.0%，较上年（4.2%）回落1.2个百分点"
    # in January 2025 the latest period is 2024's 1-12月: '2024年全年'
    assert text.growth_sentence(_growth("2025-01-20", "2024-12", 3.0, 3.0)) == \
        "2024年全年，园区规上工业增加值增速3.0%，较上年（3.0%）持平"
    # a period of another year that is not December carries its year; 8.1 - 3.0 = 5.1
    assert text.growth_sentence(_growth("2025-02-10", "2024-11", 8.1, 3.0, "enterprise")) == \
        "2024年1-11月，园区规上工业增加值增速8.1%（根据企业数据测算，现价），较2023年全年（3.0%）提高5.1个百分点"
    assert text.growth_sentence(_growth("2025-02-10", "2025-01", 2.0)) == "1月，园区规上工业增加值增速2.0%"
    assert text.growth_sentence({"as_of": "2025-02-10", "industrial_growth_ytd": None}) is None


def test_lead_sentences_of_the_other_subjects():
    h = {"as_of": "2025-06-15", "entities_total": 10, "entities_new_12m": 0, "projects_signed_ytd": 0,
         "sales_assistance_total_wan": 56.34, "sales_assistance_since": "2025-03-02", "key_accounts": 0}
    assert text.entities_sentence(h) == "园区各类市场主体总数10户，近一年无新设立市场主体"
    assert text.projects_sentence(h) == "2025年以来暂无新签约项目"
    assert text.sales_sentence(h) == "2025年3月以来，园区累计助企帮销56.3万元"
    assert text.service_sentence(h) is None
    # one project of 其他 (not named), 5000 万元 given in 亿元 only: 0.5亿元 -> 5000万元
    h = {"as_of": "2025-06-15", "projects_signed_ytd": 1, "projects_investment_ytd_yi": 0.5,
         "projects_signed_ytd_by_sector": {"其他": 1}, "projects_signed_ytd_medical": 0}
    assert text.projects_sentence(h) == "2025年以来，园区新签约项目1个，总投资5000万元"
    assert [text.since_text(d) for d in ("2024-07-05", "2025-01-31", "2024-09-01")] == \
        ["2024年下半年以来", "2025年以来", "2024年9月以来"]


def test_growth_label_names_the_year_when_the_period_is_from_another_year(con):
    # 10 February 2025: no 2025 period has ended; the figure is 2024's 1-12月 (1030 / 1000 - 1 = 3.0 %)
    h = summary.headline(con, date(2025, 2, 10))
    assert (h["industrial_growth_period"], h["industrial_growth_label"], h["industrial_growth_ytd"]) == \
        ("2024-12", "2024年1-12月", 3.0)
    # 31 December 2024: the same figure is this year's
    assert summary.headline(con, date(2024, 12, 31))["industrial_growth_label"] == "1-12月"
    assert summary.headline(con, D)["industrial_growth_label"] == "1-5月"
