"""经济运行: cumulative growth of value added (official vs enterprise-level), sector
contribution, and the enterprises pulling the rate up and down."""
import streamlit as st

from analytics import charts, fmt, text
from analytics.metrics import growth
from analytics.metrics import month_end
from analytics.schema import INDUSTRIAL, INDICATORS
from app_lib import ui
from app_lib.labels import pick

ui.header("经济运行", "规上工业增加值为累计口径，1、2月合并报告")
as_of, sector = ui.as_of(), ui.sector()

head = ui.run(growth.headline_growth, as_of)
ui.require_data(head.period is not None, ("industrial", "indicators"), "规上工业数据",
                "暂无规上工业数据：请先在“数据导入”页导入规上工业企业主要指标或主要经济指标。")
period = head.period
period_text = fmt.period_label(period, with_year=True)
data_date = fmt.month_label(period)
basis_text = "可比价" if head.basis == "official" else "现价"
# the latest period may be of an earlier year (before 1-2月 is reported): the card then names its year
# (the card's width holds about 15 characters: 2024年规上工业增加值增速 for the whole year)
growth_title = (f"规上工业增加值增速（{head.label}）" if period.year == as_of.year
                else f"{period.year}年规上工业增加值增速" if period.month == 12
                else f"规上工业增加值增速（{period_text}）")
if sector:
    st.caption(f"顶部指标为全园区口径；下方图表和企业名单按所选产业（{sector}）。")

cols = st.columns([1.25, 1, 1, 1, 1])
with cols[0]:
    ui.metric(growth_title, fmt.pct(head.pct),
              None if head.change_pp is None else fmt.signed_pp(head.change_pp),
              trend=list(head.series.values()),
              help=f"{'统计部门公布（可比价）' if head.basis == 'official' else '企业数据同口径汇总（现价）'}；"
                   f"变化为较上年全年（{fmt.pct(head.last_year_pct)}）")
with cols[1]:
    ui.metric(f"{period.year - 1}年全年增速（1-12月）", fmt.pct(head.last_year_pct))
with cols[2]:
    # 现价 is never set against the official 可比价 rate: the difference is shown on the 可比价 card only
    ui.metric("企业汇总增速（现价）", fmt.pct(head.enterprise_pct))
with cols[3]:
    ui.metric("企业汇总增速（可比价）", fmt.pct(head.comparable_pct),
              None if head.official_pct is None or head.comparable_pct is None
              else f"与公布数差{fmt.signed_pp(head.comparable_pct - head.official_pct)}", delta_color="off",
              delta_arrow="off",
              help="企业现价增加值按工业生产者出厂价格指数折算；未导入价格指数时为“—”")
with cols[4]:
    ui.metric("样本企业", fmt.count(head.n_enterprises, "家"))

left, right = st.columns(2)
with left:
    if sector:
        series = ui.run(growth.growth_series, period.year, "current", sector)
        series = series[series["period"] <= period]
        fig = charts.line(series, "label", "growth_pct", x_is_month=False, title=f"{sector}规上工业增加值累计增速（{period.year}年）",
                          foot=charts.footnote(INDUSTRIAL.source, data_date, "current"), y_title="增速（%）",
                          text=True, zero_line=True, names={"growth_pct": "企业汇总（现价）"})
        ui.chart(fig, series, key="eco_series", filename=f"{sector}规上工业增加值增速_{period_text}",
                 labels=pick("label", "ytd", "prev_ytd", "growth_pct", "n_enterprises"))
    else:
        rec = ui.run(growth.reconciliation, month_end(period))
        # a series without a single value (no official figures or no price index that year) would be a
        # legend entry with nothing drawn
        drawn = [c for c in ("official_pct", "enterprise_pct", "comparable_pct") if rec[c].notna().any()]
        fig = charts.line(rec, "label", drawn or ["enterprise_pct"], x_is_month=False,
                          title=f"规上工业增加值累计增速：公布数与企业汇总（{period.year}年）",
                          foot=charts.footnote(f"{INDICATORS.source}、{INDUSTRIAL.source}", data_date,
                                               note="公布数为可比价，企业汇总为现价及可比价"),
                          names={"official_pct": "统计部门公布（可比价）", "enterprise_pct": "企业汇总（现价）",
                                 "comparable_pct": "企业汇总（可比价）"},
                          y_title="增速（%）", text=True, zero_line=True)
        ui.chart(fig, rec, key="eco_series", filename=f"规上工业增加值增速_{period_text}",
                 labels=pick("label", "official_pct", "enterprise_pct", "comparable_pct", "diff_pp"))

with right:
    contrib = ui.run(growth.sector_contribution, period)
    fig = charts.diverging_bar(contrib, "sector", "contribution_pp",
                               title=f"各产业拉动规上工业增加值增长（{period_text}）",
                               foot=charts.footnote(INDUSTRIAL.source, data_date, "current",
                                                    note="点击条形查看该产业企业"),
                               x_title="拉动（个百分点）")
    state = ui.chart(fig, contrib, key="eco_contrib", filename=f"各产业拉动_{period_text}", selectable=True,
                     labels=pick("sector", "ytd", "prev_ytd", "growth_pct", "contribution_pp", "share_pct"))

if not sector and head.official_pct is not None and head.enterprise_pct is not None:
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
top = ui.run(growth.enterprise_contribution, period, 10, scope)
c1, c2 = st.columns(2)
with c1:
    fig = charts.diverging_bar(top, "name", "contribution_pp",
                               title=f"企业拉动{(scope or '全园区')}增长前后各10家（{period_text}）",
                               foot=charts.footnote(INDUSTRIAL.source, data_date, "current"),
                               x_title="拉动（个百分点）", height=520)
    ui.chart(fig, top, key="eco_top", filename=f"企业拉动_{period_text}",
             labels=pick("name", "sector", "ytd", "prev_ytd", "growth_pct", "contribution_pp", "direction",
                         name="企业名称"))
with c2:
    growing, shrinking = ui.run(growth.movers, period, 10, scope)
    # short headers (the title carries 万元): at half the page width the long ones and 增速 were cut off
    cols_ = pick("name", "sector", "ytd", "prev_ytd", "change_wan", "growth_pct", name="企业名称", sector="产业",
                 ytd="本年累计", prev_ytd="上年同期", change_wan="增减")
    fmt_cfg = {"sector": st.column_config.TextColumn(width="small"),
               "ytd": st.column_config.NumberColumn(format="%.1f", width="small"),
               "prev_ytd": st.column_config.NumberColumn(format="%.1f", width="small"),
               "change_wan": st.column_config.NumberColumn(format="%+.1f", width="small"),
               "growth_pct": st.column_config.NumberColumn(format="%.1f", width="small")}
    # the numbers are rounded 四舍五入 first (ui.table digits), so the printf format only pads them
    mover_digits = {"ytd": 1, "prev_ytd": 1, "change_wan": 1, "growth_pct": 1}
    ui.table(growing, cols_, key="eco_up", filename=f"增加值增长最多的企业_{period_text}",
             title=f"增加值增长最多的企业（{period_text}，万元）", column_config=fmt_cfg,
             digits=mover_digits)
    ui.table(shrinking, cols_, key="eco_down", filename=f"增加值下降最多的企业_{period_text}",
             title=f"增加值下降最多的企业（{period_text}，万元）", column_config=fmt_cfg,
             digits=mover_digits)
