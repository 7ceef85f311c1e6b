"""analytics.charts: screenshot-ready figures (title, units, footnote inside, CJK font, fixed colours)."""
import datetime as dt

import pandas as pd

from analytics import charts
from analytics.schema import SECTORS


def _footnotes(fig):
    """The footnote's text (in the x axis title of a chart with axes, else an annotation), lines joined."""
    import re
    texts = [a.text for a in fig.layout.annotations] + [fig.layout.xaxis.title.text or ""]
    plain = [re.sub(r"<[^>]+>", "", t.replace("<br>", "")).strip() for t in texts if "数据来源" in t]
    return [p[p.index("数据来源"):] for p in plain]


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
    # the subject as the title, its period as the subtitle (a narrow slot cuts neither)
    assert fig.layout.title.text == "签约项目数"
    assert fig.layout.title.subtitle.text == "2025年1-6月"
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
    # both titles longer than a narrow monthly plot is high: the unit on a second line (Y_TITLE_LINE_CHARS)
    assert fig.layout.yaxis.title.text == "当月帮销额<br>（万元）"
    assert fig.layout.yaxis2.title.text == "累计帮销额<br>（万元）"
    assert charts.fit_bands(fig).layout.yaxis2.title.text == "累计帮销额<br>（万元）"     # once, however often laid out
    assert [charts.y_title_text(t) for t in ("项目数（个）", "增速（%）", "占比变化（个百分点）", "万元")] == \
        ["项目数（个）", "增速（%）", "占比变化<br>（个百分点）", "万元"]
    # the lines are numbered (labels beside close lines ran into each other); the footnote says what they are
    assert [a.text for a in fig.layout.annotations if a.text in "①②"] == ["①", "②"]
    assert _footnotes(fig) == []    # the footnote "f" has no source here: its text is in the x axis title
    assert "①5月10日大通店开业，②5月24日展销会" in fig.layout.xaxis.title.text.replace("<br>", "")


def test_titles_wrap_by_rule_and_never_shorten():
    assert charts.title_lines("规上工业增加值累计增速：公布数与企业汇总（2025年）") == \
        ("规上工业增加值累计增速：", ["公布数与企业汇总 · 2025年"])
    # a half-width slot holds the subject on one line
    assert charts.title_lines("规上工业增加值累计增速：公布数与企业汇总（2025年）", 1.5) == \
        ("规上工业增加值累计增速：公布数与企业汇总", ["2025年"])
    head, sub = charts.title_lines("各产业拉动规上工业增加值增长（截至2025年6月15日）")
    assert head + "".join(sub).replace(" · ", "") == "各产业拉动规上工业增加值增长截至2025年6月15日"
    assert "…" not in head + "".join(sub)
    assert charts.wrap_parts(["数据来源：统计部门规上工业月报", "数据截至2025年5月", "现价"], 22) == \
        ["数据来源：统计部门规上工业月报 · ", "数据截至2025年5月 · 现价"]


def test_the_legend_has_its_own_band_below_the_title():
    frame = pd.DataFrame({"m": ["2025-01", "2025-02"] * 3, "n": [1, 2, 3, 4, 5, 6], "k": ["甲类"] * 2 + ["乙类"] * 2 + ["丙类"] * 2})
    fig = charts.bar(frame, "m", "n", color="k", title="每月走访次数（截至2025年6月15日）", foot="数据来源：x")
    title_px = charts.TITLE_PAD_PX + charts.TITLE_LINE_PX + charts.SUBTITLE_LINE_PX
    assert fig.layout.legend.yref == "container"
    assert round((1 - fig.layout.legend.y) * fig.layout.height) == title_px + charts.BAND_GAP_PX
    # the plot starts below the legend's rows
    assert fig.layout.margin.t == title_px + charts.BAND_GAP_PX + charts.LEGEND_ROW_PX + charts.BAND_GAP_PX


def test_a_partial_last_month_is_hatched():
    frame = pd.DataFrame({"m": ["2025-05", "2025-06"], "n": [3, 1]})
    fig = charts.bar(frame, "m", "n", title="t", foot="f", partial_last=True)
    assert list(fig.data[0].marker.pattern.shape) == ["", "/"]
    assert charts.bar(frame, "m", "n", title="t", foot="f").data[0].marker.pattern.shape is None


def test_crowded_tick_labels_turn_counter_clockwise_so_the_last_one_stays():
    # 12 month bars ('2024-07' .. '2025-06') on a narrow chart: plotly rotates the labels; turned clockwise
    # the label of the last month ran past the figure's right edge and was dropped (seen in the browser)
    months = [f"2024-{m:02d}" for m in range(7, 13)] + [f"2025-{m:02d}" for m in range(1, 7)]
    fig = charts.bar(pd.DataFrame({"month": months, "new": [108, 90, 95, 89, 84, 90, 57, 53, 124, 149, 124, 47]}),
                     "month", "new", title="t", foot="f")
    assert fig.layout.xaxis.autotickangles == (0, -30, -90)
    assert fig.layout.xaxis.dtick == "M1" and fig.layout.xaxis.tickformat == "%Y年%-m月"


def test_bar_value_labels_are_horizontal_and_never_shrunk_below_the_minimum():
    # the 0.33 bar of the sector contribution chart showed its label turned sideways and shrunk inside the bar
    frame = pd.DataFrame({"sector": ["食品保健品", "医疗器械", "其他", "医药"], "pp": [6.91, 2.43, 0.33, 0.26]})
    div = charts.diverging_bar(frame, "sector", "pp", title="t", foot="f", x_title="拉动（个百分点）")
    bars = charts.bar(frame, "sector", "pp", title="t", foot="f", digits=2)
    for fig in (div, bars):
        assert fig.data[0].textangle == 0
        assert fig.layout.uniformtext.minsize == charts.BAR_TEXT_MIN_PX == 11
        assert fig.layout.uniformtext.mode == "show"
    assert list(div.data[0].text) == ["6.91", "2.43", "0.33", "0.26"]
    # diverging bars put every label outside the bar's end, with room beyond the longest bar on each side:
    # 0 .. 6.91 + 15% of 6.91; with a -1.00 bar, -1.00 - 15% of 7.91 .. 6.91 + 15% of 7.91
    assert div.data[0].textposition == "outside"
    assert div.layout.xaxis.range == (0, 6.91 + 0.15 * 6.91)
    both = charts.diverging_bar(pd.DataFrame({"n": ["甲", "乙"], "pp": [6.91, -1.0]}), "n", "pp", title="t", foot="f",
                                x_title="拉动（个百分点）")
    lo, hi = both.layout.xaxis.range
    assert round(lo, 4) == round(-1.0 - 0.15 * 7.91, 4) and round(hi, 4) == round(6.91 + 0.15 * 7.91, 4)
    # the names stand off by the widest negative label ("-1.00": 5 × 0.55 × 13 px + 4), so a label outside a
    # bar that overruns the pad never runs into its name; without negative bars the names stay at the axis
    assert both.layout.yaxis.ticklabelstandoff == round(5 * 0.55 * 13 + 4)
    assert div.layout.yaxis.ticklabelstandoff is None


def test_small_counts_tick_every_whole_unit_and_stacks_count_their_totals():
    # 3 and 1 projects: plotly ticked 0, 0.5, 1, ... 个; a tick every 1 instead
    few = charts.bar(pd.DataFrame({"s": ["医药", "其他"], "n": [3, 1]}), "s", "n", title="t", foot="f")
    assert (few.layout.yaxis.dtick, few.layout.yaxis.tick0) == (1, 0)
    # horizontal: the value axis is x
    side = charts.bar(pd.DataFrame({"s": ["张三", "李四"], "n": [2, 5]}), "s", "n", title="t", foot="f",
                      horizontal=True)
    assert side.layout.xaxis.dtick == 1 and side.layout.yaxis.dtick is None
    # amounts (digits=1) and counts above SMALL_COUNT_MAX (8) keep plotly's ticks
    assert charts.bar(pd.DataFrame({"s": ["a"], "v": [3.0]}), "s", "v", title="t", foot="f",
                      digits=1).layout.yaxis.dtick is None
    assert charts.bar(pd.DataFrame({"s": ["a", "b"], "n": [9, 1]}), "s", "n", title="t", foot="f").layout.yaxis.dtick is None
    # a stack of 5 + 6 = 11 visits reaches 11: not one tick per visit
    stack = pd.DataFrame({"m": ["3月", "3月"], "kind": ["政策走访", "问题访谈"], "n": [5, 6]})
    assert charts.bar(stack, "m", "n", color="kind", barmode="stack", title="t", foot="f").layout.yaxis.dtick is None
    assert charts.bar(stack, "m", "n", color="kind", barmode="group", title="t", foot="f").layout.yaxis.dtick == 1
    # count_axis undoes dtick 1 when a caller adds larger values (None = plotly's own ticks)
    assert charts.count_axis(pd.Series([4, 30])) == {"dtick": None, "tick0": None}


def test_bar_line_right_axis_picks_its_own_round_ticks():
    frame = pd.DataFrame({"month": ["2025-04", "2025-05"], "new": [3, 4], "stock": [82, 86]})
    fig = charts.bar_line(frame, "month", "new", "stock", title="t", foot="f", bar_name="当月新设",
                          line_name="总数", y_title="当月新设（户）", y2_title="总数（户）")
    assert fig.layout.yaxis2.tickmode == "auto"


def test_bar_line_draws_one_bar_per_month_at_the_months_tick():
    # a stock series ends each period on its last day, and the last (partial) period on the as-of date:
    # 2022-12-31 then 2023-01-01 made plotly size every bar by a one-day gap (hairline bars), and month-end
    # bars stood under the next month's label
    frame = pd.DataFrame({"period_end": [dt.date(2022, 11, 30), dt.date(2022, 12, 31), dt.date(2023, 1, 1)],
                          "new": [40, 42, 1], "stock": [4900, 4942, 4943]})
    before = frame.copy()
    fig = charts.bar_line(frame, "period_end", "new", "stock", title="t", foot="f", bar_name="当月新设",
                          line_name="市场主体总数", y_title="当月新设（户）", y2_title="市场主体总数（户）")
    pd.testing.assert_frame_equal(frame, before)
    months = [pd.Timestamp("2022-11-01"), pd.Timestamp("2022-12-01"), pd.Timestamp("2023-01-01")]
    assert list(pd.to_datetime(fig.data[0].x)) == months
    assert list(pd.to_datetime(fig.data[1].x)) == months
    # month texts (the sales and project pages) land on the same month starts
    texts = charts.bar_line(pd.DataFrame({"m": ["2024-07-01", "2024-08"], "a": [1.0, 2.0], "c": [1.0, 3.0]}), "m",
                            "a", "c", title="t", foot="f", bar_name="当月", line_name="累计", y_title="万元",
                            y2_title="万元")
    assert list(pd.to_datetime(texts.data[0].x)) == [pd.Timestamp("2024-07-01"), pd.Timestamp("2024-08-01")]


def test_line_labels_go_below_a_point_when_another_series_runs_above_it():
    # 公布数 8.6 under 企业汇总 10.7 at 1-2月: its label sat on the other line; 9.9 is the highest at 1-5月
    # 1-3月: 9.2 between 10.3 (1.1 above) and 8.6 (0.6 below): above, where the room is
    frame = pd.DataFrame({"label": ["1-2月", "1-3月", "1-5月"], "official": [8.6, 9.2, 9.9],
                          "enterprise": [10.7, 10.3, 9.8], "comparable": [9.4, 8.6, None]})
    fig = charts.line(frame, "label", ["official", "enterprise", "comparable"], title="t", foot="f", text=True,
                      x_is_month=False)
    assert list(fig.data[0].textposition) == ["bottom center", "top center", "top center"]
    assert list(fig.data[0].text) == ["8.6", "9.2", "9.9"]
    single = charts.line(frame, "label", "official", title="t", foot="f", text=True, x_is_month=False)
    assert single.data[0].textposition == "top center"


def test_horizontal_bar_labels_sit_outside_with_room_beyond_the_longest_bar():
    # 帮销额前10位企业: "457.2" inside a short bar spilled over the company names
    frame = pd.DataFrame({"name": ["其他", "青海云达药业有限公司"], "wan": [5511.8, 457.2]})
    fig = charts.bar(frame, "name", "wan", title="t", foot="f", horizontal=True, digits=1)
    assert fig.data[0].textposition == "outside"
    assert fig.layout.xaxis.range == (0, 5511.8 * 1.15)
    assert list(fig.data[0].text) == ["5,511.8", "457.2"]
    # without value labels the axis is plotly's own
    plain = charts.bar(frame, "name", "wan", title="t", foot="f", horizontal=True, digits=1, text=False)
    assert plain.layout.xaxis.range is None


def test_plotly_tooltips_are_chinese():
    # the modebar read "Download plot as a PNG", "Zoom in", "Reset axes" in the browser: config.locale names
    # a locale the bundle never registered, so the dictionary travels in config.locales
    words = charts.chart_config("图")["locales"]["zh-CN"]["dictionary"]
    assert words["Download plot as a PNG"] == "下载图片（PNG）"
    for shown in ("Zoom", "Pan", "Zoom in", "Zoom out", "Reset axes", "Autoscale", "Toggle Spike Lines",
                  "Show closest data on hover", "Compare data on hover"):
        assert "\u4e00" <= words[shown][0] <= "\u9fff", shown


def test_hover_texts_shares_and_funnel_percentages_are_rounded_half_up_through_fmt():
    """plotly's own d3 formats round the binary value: 1.005 hovered as 1.00 and a 2.25 % slice could read 2.2 %.
    Every number a chart shows, hovered or printed, is fmt's 四舍五入 text."""
    bars = charts.bar(pd.DataFrame({"k": ["甲", "乙"], "v": [1.005, 2.675]}), "k", "v", title="t", foot="数据来源：x",
                      digits=2)
    assert list(bars.data[0].hovertext) == ["1.01", "2.68"] and "%{hovertext}" in bars.data[0].hovertemplate
    lines = charts.line(pd.DataFrame({"m": ["2025-01", "2025-02"], "v": [0.25, 1.35]}), "m", "v", title="t",
                        foot="数据来源：x", digits=1)
    assert list(lines.data[0].hovertext) == ["0.3", "1.4"]
    ring = charts.donut(pd.DataFrame({"s": ["医药", "医疗器械"], "n": [9, 391]}), "s", "n", title="t",
                        foot="数据来源：x", unit="户")
    assert list(ring.data[0].text) == ["2.3%", "97.8%"]          # 9/400 = 2.25 % -> 2.3 %, 391/400 = 97.75 % -> 97.8 %
    assert list(ring.data[0].hovertext) == ["9户（2.3%）", "391户（97.8%）"]
    # the shares are in the legend; a slice's label only inside it, hidden when it does not fit (outside labels of
    # thin slices ran into the legend), and the hover names the slice without its share
    assert list(ring.data[0].labels) == ["医药 2.3%", "医疗器械 97.8%"]
    assert ring.data[0].textposition == "inside" and ring.layout.uniformtext.mode == "hide"
    assert ring.data[0].hovertemplate.startswith("%{customdata[0]}：")
    stages = charts.funnel(pd.DataFrame({"stage": ["洽谈", "签约", "开工"], "n": [8, 3, 1]}), "stage", "n",
                           title="t", foot="数据来源：x")
    assert list(stages.data[0].text) == ["8个（100%）", "3个（38%）", "1个（13%）"]   # 37.5 -> 38, 12.5 -> 13
