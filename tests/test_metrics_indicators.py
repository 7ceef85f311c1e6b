"""analytics.metrics.indicators: the rest of the official indicator table on 经济运行, by hand."""
from datetime import date

import pytest

from analytics import store
from analytics.catalogue import indicators as cat
from analytics.metrics import indicators

from store_rows import insert


@pytest.fixture()
def con():
    c = store.connect(":memory:")
    insert(c, "indicators", [
        {"indicator": "规上工业增加值", "unit": "万元", "period": date(2025, 5, 1), "growth_pct": 9.9},
        {"indicator": "一、固定资产投资（万元）", "unit": "万元", "period": date(2025, 4, 1), "value_ytd": 112480.0,
         "growth_pct": 9.1},
        {"indicator": "一、固定资产投资（万元）", "unit": "万元", "period": date(2025, 5, 1), "value_ytd": 151930.0,
         "growth_pct": 8.65},
        {"indicator": "社会消费品零售总额", "unit": "亿元", "period": date(2025, 5, 1), "value_ytd": 7.844,
         "growth_pct": 4.9},
        {"indicator": "社会消费品零售总额", "unit": "亿元", "period": date(2025, 6, 1), "value_ytd": 9.5,
         "growth_pct": 5.0},                                     # 1-6月 has not ended on 15 June
        {"indicator": "规上工业总产值", "unit": "万元", "period": date(2024, 12, 1), "value_ytd": 1164686.0,
         "growth_pct": 2.7},                                     # last year
    ])
    return c


def test_indicator_table_at_the_latest_period_ended(con):
    t = indicators.indicator_table(con, date(2025, 6, 15)).set_index("indicator")
    # value added has its own section; 总产值 has no 2025 row yet
    assert list(t.index) == ["固定资产投资", "社会消费品零售总额"]
    fai = t.loc["固定资产投资"]
    assert (fai["label"], fai["value_ytd"], fai["growth_pct"]) == ("1-5月", 151930.0, 8.65)
    assert fai["prev_label"] == "1-4月" and fai["change_pp"] == pytest.approx(-0.45)
    assert t.loc["社会消费品零售总额", "label"] == "1-5月"
    # on 30 June, 1-6月 counts
    assert indicators.indicator_table(con, date(2025, 6, 30)).set_index("indicator").loc["社会消费品零售总额",
                                                                                      "growth_pct"] == 5.0


def test_the_catalogue_table_writes_values_in_their_unit_and_the_change_in_words(con):
    e = cat.indicator_table(con, date(2025, 6, 15))
    rows = e.frame.set_index("indicator")
    assert rows.loc["固定资产投资", "value_text"] == "15.2亿元"
    assert rows.loc["固定资产投资", "change_text"] == "回落0.5个百分点"     # -0.45 rounds half up to 0.5
    assert e.labels["change_text"] == "比1-4月"
    assert rows.loc["社会消费品零售总额", "value_text"] == "7.84亿元"
    assert "region_growth_pct" not in e.labels                   # no 全市/全区 column in this table
    assert e.title == "园区其他主要经济指标（2025年1-5月）"
    s = indicators.indicator_series(con, date(2025, 6, 15))
    assert list(zip(s["indicator"], s["label"])) == [("固定资产投资", "1-4月"), ("固定资产投资", "1-5月"),
                                                     ("社会消费品零售总额", "1-5月")]


def test_an_empty_table_gives_the_empty_message():
    e = cat.indicator_table(store.connect(":memory:"), date(2025, 6, 15))
    assert e.empty and e.empty_message == cat.NO_ROWS


def _indicator_book(path, region_headers, two_rows=False):
    """An official indicator table of 1-5月 2025 with the region's figures beside the park's."""
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "2025年1-5月"
    ws.append(["生物园区主要经济指标（2025年1-5月）"])
    if two_rows:   # a merged group cell (全区) over its sub-columns
        ws.append(["指标名称", "计量单位", "本年累计", "同比增长（%）", region_headers[0], None])
        ws.append([None, None, None, None, *region_headers[1:]])
        ws.merge_cells(start_row=2, start_column=5, end_row=2, end_column=6)
    else:
        ws.append(["指标名称", "计量单位", "本年累计", "同比增长（%）", *region_headers])
    ws.append(["固定资产投资", "万元", 151930, 8.6, 3260000, 5.2])
    ws.append(["社会消费品零售总额", "亿元", 7.844, 4.9, 412.5, -1.3])
    wb.save(path)
    return path


@pytest.mark.parametrize("headers, two_rows, word", [
    (["全市本年累计", "全市同比增长（%）"], False, "全市"),
    (["全区", "累计", "增速（%）"], True, "全区"),
])
def test_the_region_column_of_an_indicator_table_is_shown_beside_the_park(tmp_path, headers, two_rows, word):
    from analytics.ingest import read_workbook
    c = store.connect(":memory:")
    book = read_workbook(str(_indicator_book(tmp_path / "主要经济指标_2025年5月.xlsx", headers, two_rows)))
    assert store.import_workbooks(c, [book])[0].committed
    e = cat.indicator_table(c, date(2025, 6, 15))
    rows = e.frame.set_index("indicator")
    assert (rows.loc["固定资产投资", "growth_pct"], rows.loc["固定资产投资", "region_growth_pct"]) == (8.6, 5.2)
    assert rows.loc["固定资产投资", "region_value_ytd"] == 3260000
    assert rows.loc["固定资产投资", "region_value_text"] == "326亿元"       # 3,260,000 万元, in the row's unit
    assert (rows.loc["社会消费品零售总额", "region_value_ytd"], rows.loc["社会消费品零售总额", "region_growth_pct"]) \
        == (412.5, -1.3)
    assert e.labels["region_growth_pct"] == f"{word}同比增长（%）"
    assert e.labels["region_value_text"] == f"{word}本年累计"


@pytest.mark.slow
@pytest.mark.usefixtures("navigation_mode")
def test_the_economy_page_shows_the_citys_figures_of_the_sample(store_copy, monkeypatch):
    # the sample's table of 1-5月 2025 carries 全市 columns: 固定资产投资 5.3 %, 社会消费品零售总额 4.5 %
    from pathlib import Path

    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv(store.DB_ENV_VAR, str(store_copy[0]))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/economy.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    table = next(t.value for t in at.table if "全市同比增长（%）" in t.value.columns)
    rows = table.set_index("指标")
    assert rows.loc["固定资产投资", "全市同比增长（%）"] == "5.3"
    assert rows.loc["社会消费品零售总额", "全市同比增长（%）"] == "4.5"
    assert rows.loc["固定资产投资", "全市本年累计"] == "365.2亿元"
