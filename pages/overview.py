"""总览: the headline figures as metric cards with change and trend, the generated paragraph, key charts."""
import pandas as pd
import streamlit as st

from analytics import charts, fmt, summary, text
from analytics.metrics import entities, projects, sales
from analytics.metrics import one_year_before
from analytics.schema import ENTITIES, INDICATORS, INDUSTRIAL, PROJECTS, SALES, SECTORS, STAGES
from app_lib import ui

ui.header("园区经济运行总览", "西宁经济技术开发区生物科技产业园")
as_of = ui.as_of()
if ui.sector():
    st.caption("总览指标为全园区口径；分产业数据见各专题页。")
date_text = fmt.date_cn(as_of)
h = ui.run(summary.headline, as_of)
ui.require(any(h.get(k) is not None for k in ("entities_total", "industrial_growth_ytd", "projects_signed_ytd",
                                              "sales_assistance_total_wan", "key_accounts")),
           "数据库中还没有数据：请数据分析员在“数据导入”页导入工作簿，或运行 `python -m analytics init` 载入示例数据。")

# ---- metric cards -------------------------------------------------------------------------------
stock_prev = ui.run(entities.stock_at, one_year_before(as_of)) if h["entities_total"] is not None else None
stock_trend = (ui.run(entities.stock_series, one_year_before(as_of), as_of, "month")["stock"].tolist()
               if h["entities_total"] is not None else None)
signing = ui.run(projects.by_signing_month, as_of) if h["projects_signed_ytd"] is not None else None
sales_monthly = ui.run(sales.monthly, as_of) if h["sales_assistance_total_wan"] is not None else None

cards = st.columns([1.25, 1, 1, 1, 1, 1])
with cards[0]:
    label = h.get("industrial_growth_label") or ""
    growth_title = f"规上工业增加值增速（{label}）" if label else "规上工业增加值增速"
    g_period = h.get("industrial_growth_period") or ""
    if label and not g_period.startswith(str(as_of.year)):   # e.g. the 2024 figure in February 2025
        # the card's width holds about 15 characters: 2024年规上工业增加值增速 for the whole year
        growth_title = (f"{g_period[:4]}年规上工业增加值增速" if g_period.endswith("-12")
                        else f"规上工业增加值增速（{fmt.period_label(f'{g_period}-01', with_year=True)}）")
    basis = "统计部门公布，可比价" if h.get("industrial_growth_basis") == "official" else "企业数据测算，现价"
    change = h.get("industrial_growth_change_pp")
    ui.metric(growth_title, fmt.pct(h["industrial_growth_ytd"]),
              None if change is None else f"{change:+.1f}个百分点",
              trend=list((h.get("industrial_growth_series") or {}).values()),
              help=f"{basis}；变化为较上年全年（{fmt.pct(h.get('industrial_growth_last_year'))}）")
with cards[1]:
    total = h["entities_total"]
    ui.metric("市场主体总数", fmt.count(total, "户"),
              None if total is None or stock_prev is None else f"{total - stock_prev:+d}户（较上年同日）",
              trend=stock_trend)
with cards[2]:
    ui.metric("近一年新设市场主体", fmt.count(h["entities_new_12m"], "户"),
              trend=list((h.get("entities_new_by_month") or {}).values()), chart_type="bar",
              help="成立日期在数据日期前12个月内（不含一年前当日）")
with cards[3]:
    inv = h.get("projects_investment_ytd_wan")
    ui.metric(f"{as_of.year}年签约项目", fmt.count(h["projects_signed_ytd"], "个"),
              None if inv is None else f"总投资{fmt.wan_to_text(inv)}", delta_color="off", delta_arrow="off",
              trend=None if signing is None else signing["cumulative_count"].tolist())
with cards[4]:
    ui.metric("助企帮销累计", fmt.wan_to_text(h["sales_assistance_total_wan"]),
              trend=None if sales_monthly is None else sales_monthly["cumulative_wan"].tolist(),
              help=None if h["sales_assistance_total_wan"] is None else
              f"{h['sales_assistance_since']}以来累计{h['sales_assistance_total_wan']:,.2f}万元")
with cards[5]:
    ui.metric("包保重点企业和项目", fmt.count(h["key_accounts"], "个"))

with st.container(border=True):
    st.markdown(f"##### 运行概况\n{text.overview_paragraph(h)}")

# ---- key charts ---------------------------------------------------------------------------------
c1, c2, c3 = st.columns(3)
with c1:
    series = h.get("industrial_growth_series") or {}
    frame = pd.DataFrame({"period": [fmt.period_label(f"{k}-01") for k in series], "growth_pct": list(series.values())})
    period_text = fmt.period_label(f"{h['industrial_growth_period']}-01", with_year=True) if series else ""
    basis_key = "official" if h.get("industrial_growth_basis") == "official" else "enterprise"
    source = INDICATORS.source if basis_key == "official" else INDUSTRIAL.source
    fig = charts.line(frame, "period", "growth_pct",
                      title=f"规上工业增加值累计增速（{period_text}）" if series else "规上工业增加值累计增速",
                      foot=charts.footnote(source, fmt.month_label(f"{h['industrial_growth_period']}-01")
                                           if series else None, basis_key),
                      y_title="增速（%）", text=True, zero_line=True, x_is_month=False)
    ui.chart(fig, frame, key="ov_growth", filename=f"规上工业增加值增速_{period_text}",
             empty_message="暂无规上工业或主要经济指标数据。",
             labels={"period": "累计期别", "growth_pct": "增速（%）"})
with c2:
    by_sector = h.get("projects_signed_ytd_by_sector") or {}
    frame = pd.DataFrame({"sector": [s for s in SECTORS if by_sector.get(s)],
                          "count": [by_sector[s] for s in SECTORS if by_sector.get(s)]})
    fig = charts.bar(frame, "sector", "count", title=f"{as_of.year}年签约项目产业分布（截至{date_text}）",
                     foot=charts.footnote(PROJECTS.source, date_text), y_title="项目数（个）")
    ui.chart(fig, frame, key="ov_projects", filename=f"签约项目产业分布_{date_text}",
             empty_message="本年尚无签约项目。" if h.get("projects_signed_ytd") == 0 else "暂无招商项目数据。",
             labels={"sector": "产业类别", "count": "签约项目（个）"})
with c3:
    frame = sales_monthly if sales_monthly is not None else pd.DataFrame()
    fig = charts.bar_line(frame.assign(month=frame["month"].astype(str)) if len(frame) else frame, "month",
                          "amount_wan", "cumulative_wan", title=f"助企帮销逐月与累计（截至{date_text}）",
                          foot=charts.footnote(SALES.source, date_text), bar_name="当月", line_name="累计",
                          y_title="当月帮销额（万元）", y2_title="累计帮销额（万元）")
    ui.chart(fig, frame, key="ov_sales", filename=f"助企帮销逐月_{date_text}", empty_message="暂无助企帮销数据。",
             labels={"month_key": "月份", "amount_wan": "当月帮销额（万元）", "cumulative_wan": "累计帮销额（万元）"})

c1, c2 = st.columns(2)
with c1:
    nbm = h.get("entities_new_by_month") or {}
    frame = pd.DataFrame({"month": list(nbm), "new": list(nbm.values())})
    fig = charts.bar(frame, "month", "new", title=f"近12个月每月新设市场主体（截至{date_text}）",
                     foot=charts.footnote(ENTITIES.source, date_text), y_title="新设（户）", height=340)
    ui.chart(fig, frame, key="ov_new", filename=f"每月新设市场主体_{date_text}", empty_message="暂无市场主体数据。",
             labels={"month": "月份", "new": "新设（户）"})
with c2:
    stages = h.get("projects_by_stage") or {}
    frame = pd.DataFrame({"stage": [s for s in STAGES if s in stages], "count": [stages[s] for s in STAGES if s in stages]})
    # stages are the ledger's current state: before the ledger's latest signing they cannot be dated back
    current = ui.ledger_is_newer("projects", as_of)
    fig = charts.bar(frame, "stage", "count",
                     title="在库招商项目阶段分布（台账当前状态）" if current else f"在库招商项目阶段分布（截至{date_text}）",
                     foot=charts.footnote(PROJECTS.source, None if current else date_text,
                                          note="阶段为台账当前状态，不随数据日期回溯" if current else None),
                     y_title="项目数（个）", height=340)
    ui.chart(fig, frame, key="ov_stages", filename=f"项目阶段分布_{date_text}", empty_message="暂无招商项目数据。",
             labels={"stage": "项目阶段", "count": "项目数（个）"})
