"""总览: the headline figures as metric cards with change and trend, the generated paragraph, key charts."""
import streamlit as st

from analytics import fmt, summary, text
from analytics.catalogue import entities as cat_entities
from analytics.catalogue import industry as cat_industry
from analytics.catalogue import projects as cat_projects
from analytics.catalogue import sales as cat_sales
from analytics.metrics import entities, one_year_before, projects, sales, service, targets
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
              None if change is None else fmt.signed_pp(change),
              trend=list((h.get("industrial_growth_series") or {}).values()),
              help=f"{basis}；变化为较上年全年（{fmt.pct(h.get('industrial_growth_last_year'))}）")
with cards[1]:
    total = h["entities_total"]
    ui.metric("市场主体总数", fmt.count(total, "户"),
              None if total is None or stock_prev is None else
              f"{total - stock_prev:+d}户" + (f"（同比{fmt.change_pct_text((total / stock_prev - 1) * 100)}）"
                                               if stock_prev else "（较上年同日）"),
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
              f"{h['sales_assistance_since']}以来累计{fmt.number(h['sales_assistance_total_wan'], 2, thousands=True)}万元")
with cards[5]:
    ui.metric("包保重点企业和项目", fmt.count(h["key_accounts"], "个"),
              help=ui.run(service.accounts_note, as_of))   # a past date: the 包保 list is today's list

with st.container(border=True):
    st.markdown(f"##### 运行概况\n{text.overview_paragraph(h)}")
targets_text = ui.run(targets.overview_sentence, as_of)   # 目标任务 against 时序进度 (metrics.targets)
if targets_text:
    with st.container(border=True):
        st.markdown(f"##### 目标任务进度\n{targets_text}")

# ---- key charts ---------------------------------------------------------------------------------
c1, c2, c3 = st.columns(3)
with c1:
    ui.show(ui.run(cat_industry.headline_growth, as_of), key="ov_growth")
with c2:
    ui.show(ui.run(cat_projects.signed_by_sector, as_of), key="ov_projects")
with c3:
    ui.show(ui.run(cat_sales.monthly, as_of), key="ov_sales")

c1, c2 = st.columns(2)
with c1:
    ui.show(ui.run(cat_entities.new_by_month, as_of), key="ov_new", slot=1 / 2)
with c2:
    ui.show(ui.run(cat_projects.stages, as_of), key="ov_stages", slot=1 / 2)
