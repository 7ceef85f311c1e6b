"""analytics.charts: screenshot-ready figures (title, units, footnote inside, CJK font, fixed colours)."""
import pandas as pd

from analytics import charts
from analytics.schema import SECTORS


def _footnotes(fig):
    return [a.text for a in fig.layout.annotations if a.text.startswith("数据来源")]


def test_footnote_text():
    assert charts.footnote("统计部门规上工业月报", "2025年5月", "comparable") == \
        "数据来源：统计部门规上工业月报 · 数据截至2025年5月 · 可比价"
    assert charts.footnote("助企帮销台账") == "数据来源：助企帮销台账"


def test_bar_is_titled_with_units_footnote_and_font_and_keeps_input():
    frame = pd.DataFrame({"sector": ["医药", "医疗器械"], "n": [3, 12]})
    before = frame.copy()
    fig = charts.bar(frame, "sector", "n", title="签约项目数（2025年1-6月）", foot="数据来源：招商部门项目台账",
                     y_title="项目数（个）")
    pd.testing.assert_frame_equal(frame, before)
    assert fig.layout.title.text == "签约项目数（2025年1-6月）"
    assert fig.layout.yaxis.title.text == "项目数（个）"
    assert _footnotes(fig) == ["数据来源：招商部门项目台账"]
    assert fig.layout.font.family.startswith("Noto Sans CJK SC")
    # sector bars take the fixed sector colours, in the frame's order
    assert list(fig.data[0].marker.color) == [charts.SECTOR_COLORS["医药"], charts.SECTOR_COLORS["医疗器械"]]


def test_sector_colours_cover_every_sector_and_are_distinct():
    assert list(charts.SECTOR_COLORS) == list(SECTORS)
    assert len(set(charts.SECTOR_COLORS.values())) == len(SECTORS)
    # a non-fixed category gets the sequence, a sector keeps its own colour
    cmap = charts.color_map(["线上渠道", "医药"])
    assert cmap == {"线上渠道": charts.SEQUENCE[0], "医药": charts.SECTOR_COLORS["医药"]}


def test_empty_frame_gives_an_explicit_empty_figure():
    fig = charts.line(pd.DataFrame({"period": [], "v": []}), "period", "v", title="增速", foot="数据来源：x")
    assert [a.text for a in fig.layout.annotations][0] == "暂无数据"
    assert len(fig.data) == 0


def test_config_downloads_a_2x_png_with_a_chinese_name():
    cfg = charts.chart_config("规上工业增加值增速_2025年1-5月")
    assert cfg["toImageButtonOptions"] == {"format": "png", "filename": "规上工业增加值增速_2025年1-5月", "scale": 2}
    assert charts.chart_config("a/b:c")["toImageButtonOptions"]["filename"] == "abc"


def test_line_with_two_series_and_donut_and_funnel():
    frame = pd.DataFrame({"period": pd.to_datetime(["2025-02-01", "2025-03-01"]), "official": [8.0, 9.9],
                          "enterprise": [7.5, 9.1]})
    fig = charts.line(frame, "period", ["official", "enterprise"], title="t", foot="f",
                      names={"official": "统计部门公布（可比价）", "enterprise": "企业汇总（现价）"})
    assert [t.name for t in fig.data] == ["统计部门公布（可比价）", "企业汇总（现价）"]
    pie = charts.donut(pd.DataFrame({"s": ["医药", "其他"], "v": [1, 3]}), "s", "v", title="t", foot="f")
    assert list(pie.data[0].marker.colors) == [charts.SECTOR_COLORS["医药"], charts.SECTOR_COLORS["其他"]]
    fun = charts.funnel(pd.DataFrame({"stage": ["洽谈", "签约"], "n": [10, 4]}), "stage", "n", title="t", foot="f")
    assert list(fun.data[0].x) == [10, 4]


def test_bar_line_keeps_both_axis_titles_and_milestones():
    frame = pd.DataFrame({"month": ["2025-04-01", "2025-05-01"], "amount": [800.0, 1200.0], "cum": [800.0, 2000.0]})
    fig = charts.bar_line(frame, "month", "amount", "cum", title="t", foot="f", bar_name="当月", line_name="累计",
                          y_title="当月帮销额（万元）", y2_title="累计帮销额（万元）",
                          markers=[("2025-05-10", "大通店开业"), ("2025-05-24", "展销会")])
    assert fig.layout.yaxis.title.text == "当月帮销额（万元）"
    assert fig.layout.yaxis2.title.text == "累计帮销额（万元）"
    labels = [a for a in fig.layout.annotations if a.text in ("大通店开业", "展销会")]
    # close milestones are labelled on opposite sides of their lines
    assert [a.xanchor for a in labels] == ["left", "right"]
