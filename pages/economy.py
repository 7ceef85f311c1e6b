"""经济运行: cumulative growth of value added (official vs enterprise-level), sector
contribution, and the enterprises pulling the rate up and down."""
import streamlit as st

from analytics import fmt, text
from analytics.catalogue import cards
from analytics.catalogue import indicators as cat_indicators
from analytics.catalogue import industry as cat
from analytics.metrics import growth, targets
from app_lib import ui

ui.header("经济运行", "规上工业增加值为累计口径，1、2月合并报告")
as_of, sector = ui.as_of(), ui.sector()

head = ui.run(growth.headline_growth, as_of)
ui.require_data(head.period is not None, ("industrial", "indicators"), "规上工业数据",
                "暂无规上工业数据：请先在“数据导入”页导入规上工业企业主要指标或主要经济指标。")
if sector:
    st.caption(f"顶部指标为全园区口径；下方图表和企业名单按所选产业（{sector}）。")
ui.cards(cards.economy_cards(head, as_of), [1.25, 1, 1, 1, 1])   # the headline read above, worded

for line in ui.run(targets.sentences_for, as_of, "economy"):   # 目标任务 (metrics.targets)
    st.caption(f"目标任务：{line}")

left, right = st.columns(2)
with left:
    ui.show(ui.run(cat.reconciliation, as_of, sector), key="eco_series", slot=1 / 2)
with right:
    state = ui.show(ui.run(cat.sector_contribution, as_of), key="eco_contrib", selectable=True, slot=1 / 2)

if not sector and head.official_pct is not None and head.enterprise_pct is not None:
    period, period_text = head.period, fmt.period_label(head.period, with_year=True)
    gap = ui.run(growth.gap_decomposition, period)
    with st.expander(f"公布数与企业汇总为何不同（{period_text}）", expanded=False):
        st.markdown(text.gap_sentence(gap, head.n_enterprises) + "。")
        g1, g2 = st.columns(2)
        with g1:
            ui.table(gap.entrants, {"name": "企业名称", "sector": "产业", "ytd": "本年累计（万元）",
                                    "effect_pp": "拉高增速（个百分点）"},
                     key="eco_entrants", filename=f"新纳入规上企业_{period_text}", title="新纳入规上统计的企业",
                     empty_message="本期没有新纳入规上统计的企业。", digits={"ytd": 1, "effect_pp": 1})
        with g2:
            ui.table(gap.leavers, {"name": "企业名称", "sector": "产业", "prev_list_ytd": "上年同期（万元）"},
                     key="eco_leavers", filename=f"退出规上企业_{period_text}", title="退出规上统计的企业",
                     empty_message=("本期没有退出规上统计的企业。" if gap.leavers_known
                                    else "未导入上年同期的规上企业名单，无法判断退出企业。"),
                     digits={"prev_list_ytd": 1})

clicked = ui.selected_values(state, "y")
scope = clicked[0] if clicked else sector
st.subheader(f"拉动与拖累最大的企业{f'（{scope}）' if scope else ''}")
c1, c2 = st.columns(2)
with c1:
    ui.show(ui.run(cat.enterprise_contribution, as_of, scope), key="eco_top", slot=1 / 2)
with c2:
    ui.show(ui.run(cat.movers, as_of, scope, "up"), key="eco_up")
    ui.show(ui.run(cat.movers, as_of, scope, "down"), key="eco_down")

# ---- the rest of the indicator table: 固定资产投资, 社会消费品零售总额, 规上工业总产值, 营业收入 ---------------
# the table takes the page's width: with the 全市/全区 columns beside the park's it has seven columns
st.subheader("其他主要经济指标")
ui.show(ui.run(cat_indicators.indicator_table, as_of), key="eco_ind_table")
ui.show(ui.run(cat_indicators.indicator_growth, as_of), key="eco_ind_growth")
