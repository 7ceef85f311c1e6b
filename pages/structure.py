"""产业结构: each sector's share by entity count, registered capital, value added and signed
investment, and how the shares moved over a year."""
import streamlit as st

from analytics import charts, fmt
from analytics.metrics import structure
from analytics.metrics import one_year_before
from analytics.schema import ENTITIES, INDUSTRIAL, PROJECTS, SECTORS
from app_lib import ui

ui.header("产业结构", "产业按国民经济行业代码映射（data/sector_mapping.csv）；所选产业在图中突出显示")
as_of = ui.as_of()
date_text = fmt.date_cn(as_of)
shares = ui.run(structure.sector_shares, as_of)
ui.require(bool(shares[["entities", "capital_wan", "value_added_wan", "investment_wan"]].to_numpy().sum() > 0),
           "暂无可计算产业结构的数据：请先导入市场主体名录、规上工业或招商项目台账。")
va_period = ui.run(structure.industrial_period_at, as_of)
va_text = fmt.period_label(va_period, with_year=True) if va_period else "—"

PANELS = (
    ("entities", "entities_share_pct", f"市场主体数量产业构成（截至{date_text}）", "户",
     charts.footnote(ENTITIES.source, date_text)),
    ("capital_wan", "capital_share_pct", f"市场主体注册资本产业构成（截至{date_text}）", "万元",
     charts.footnote(ENTITIES.source, date_text)),
    ("value_added_wan", "value_added_share_pct", f"规上工业增加值产业构成（{va_text}）", "万元",
     charts.footnote(INDUSTRIAL.source, fmt.month_label(va_period) if va_period else None, "current")),
    ("investment_wan", "investment_share_pct", f"本年签约项目计划投资产业构成（{as_of.year}年1月1日至{date_text}）",
     "万元", charts.footnote(PROJECTS.source, date_text)),
)
sector = ui.sector()
for row in (PANELS[:2], PANELS[2:]):
    cols = st.columns(2)
    for col, (measure, share, title, unit, foot) in zip(cols, row):
        with col:
            part = shares[["sector", measure, share]]
            fig = charts.donut(part, "sector", measure, title=title, foot=foot, unit=unit, digits=0)
            if sector and len(fig.data):
                fig.update_traces(pull=[0.08 if s == sector else 0 for s in part["sector"]])
            frame = part if part[measure].sum() > 0 else part.iloc[0:0]
            ui.chart(fig, frame, key=f"str_{measure}", filename=title,
                     labels={"sector": "产业类别", measure: f"{structure.MEASURES[measure]}（{unit}）",
                             share: "占比（%）"})

st.subheader("产业占比一年来的变化")
shift = ui.run(structure.share_shift, as_of)
year_ago = fmt.date_cn(one_year_before(as_of))
fig = charts.bar(shift, "measure_label", "change_pp", color="sector",
                 title=f"各产业占比变化（{year_ago}至{date_text}）",
                 foot=charts.footnote(f"{ENTITIES.source}、{INDUSTRIAL.source}、{PROJECTS.source}", date_text,
                                      note="增加值为各自最新累计期；投资为各自年度1月1日起签约项目"),
                 y_title="占比变化（个百分点）", digits=1, text=False, category_order=list(structure.MEASURES.values()))
ui.chart(fig, shift, key="str_shift", filename=f"产业占比变化_{date_text}",
         labels={"sector": "产业类别", "measure_label": "指标", "share_pct": "当前占比（%）",
                 "share_year_ago_pct": "一年前占比（%）", "change_pp": "变化（个百分点）"})
