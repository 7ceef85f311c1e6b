"""Catalogue: the rest of the official indicator table on 经济运行 (固定资产投资, 社会消费品零售总额,
规上工业总产值, 营业收入 …). See analytics.catalogue for the entry format."""
from __future__ import annotations

from datetime import date

import pandas as pd

from analytics import charts, fmt
from analytics.catalogue import Entry, entry
from analytics.metrics import indicators
from analytics.metrics.targets import amount_text
from analytics.schema import INDICATORS

NO_ROWS = "暂无主要经济指标表中的其他指标（固定资产投资、社会消费品零售总额等）。"


def _value_text(value, unit) -> str:
    if value is None or pd.isna(value):
        return fmt.MISSING
    return amount_text(float(value), unit)


@entry("economy.indicator_table")
def indicator_table(con, as_of: date) -> Entry:
    """The latest cumulative period of each other indicator of the official table: value, growth, the
    change against the previous period, and the 全市/全区 value and growth where the table has them (labelled
    with the table's own word for the region)."""
    df = indicators.indicator_table(con, as_of)
    frame = df.assign(
        value_text=[_value_text(v, u) for v, u in zip(df["value_ytd"], df["unit"])],
        region_value_text=[_value_text(v, u) for v, u in zip(df["region_value_ytd"], df["unit"])],
        change_text=[fmt.MISSING if c is None or pd.isna(c) else fmt.accel_text(c) for c in df["change_pp"]])
    prev = df["prev_label"].dropna().unique()
    labels = {"indicator": "指标", "label": "累计期", "value_text": "本年累计", "growth_pct": "同比增长（%）",
              "change_text": f"比{prev[0]}" if len(prev) == 1 else "比上一累计期"}
    words = df.loc[df["region_value_ytd"].notna() | df["region_growth_pct"].notna(), "region"].dropna().unique()
    word = words[0] if len(words) == 1 else "全市（全区）"    # the table's own word for the region beside the park
    if frame["region_value_ytd"].notna().any():
        labels["region_value_text"] = f"{word}本年累计"
    if frame["region_growth_pct"].notna().any():
        labels["region_growth_pct"] = f"{word}同比增长（%）"
    period = df["label"].iloc[0] if len(df) and df["label"].nunique() == 1 else "最新累计期"
    title = f"园区其他主要经济指标（{as_of.year}年{period}）"
    foot = charts.footnote(INDICATORS.source, fmt.month_label(df["period"].max()) if len(df) else None,
                           note="统计部门公布数；增速为同比")
    return Entry(name="economy.indicator_table", title=title, frame=frame, footnote=foot, labels=labels,
                 digits={"growth_pct": 1, "region_growth_pct": 1}, filename=f"其他主要经济指标_{as_of}",
                 empty_message=NO_ROWS)


@entry("economy.indicator_growth")
def indicator_growth(con, as_of: date) -> Entry:
    """The 1-N月 growth of each other indicator in as_of's year: one line per indicator (percent)."""
    df = indicators.indicator_series(con, as_of)
    title = f"园区其他主要经济指标累计增速（{as_of.year}年）"
    foot = charts.footnote(INDICATORS.source, fmt.month_label(df["period"].max()) if len(df) else None,
                           note="统计部门公布数")
    fig = charts.line(df, "label", "growth_pct", series="indicator", title=title, foot=foot, y_title="同比增长（%）",
                      x_is_month=False, zero_line=True)
    return Entry(name="economy.indicator_growth", title=title, frame=df, figure=fig, footnote=foot,
                 labels={"indicator": "指标", "label": "累计期", "unit": "计量单位", "value_ytd": "本年累计",
                         "growth_pct": "同比增长（%）"},
                 digits={"value_ytd": 1, "growth_pct": 1}, filename=f"其他主要经济指标增速_{as_of}",
                 empty_message=NO_ROWS)
