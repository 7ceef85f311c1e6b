"""招商项目: signed this year, the funnel, stage/sector/origin breakdowns, the traffic-light table, a project's detail."""
import streamlit as st

from analytics import charts, fmt
from analytics.metrics import projects
from analytics.schema import PROJECTS, STAGES
from analytics.catalogue import history as hist_cat
from app_lib import ui
from app_lib.labels import pick

ui.header("招商项目", "本年签约：签约时间在当年1月1日至数据日期之间")
as_of, sector = ui.as_of(), ui.sector()
scope = sector or "全园区"
date_text = fmt.date_cn(as_of)
year_text = f"{as_of.year}年1月1日至{as_of.month}月{as_of.day}日"
foot = charts.footnote(PROJECTS.source, date_text)
# stages, lights and per-leader counts at a past as-of date are those of the ledger version known then
# (analytics.metrics.history); without dated versions they are the ledger's current state, and say so
version_note = ui.run(projects.state_note, as_of)
current_state = version_note is None and ui.ledger_is_newer("projects", as_of)
state_text = "台账当前状态" if current_state else f"截至{date_text}"
state_foot = charts.footnote(PROJECTS.source, None if current_state else date_text,
                             note="阶段为台账当前状态，不随数据日期回溯" if current_state else version_note)
# the funnel counts the whole current ledger: at a past date it is the current state
funnel_current = current_state or version_note is not None
funnel_text = "台账当前状态" if funnel_current else f"截至{date_text}"
funnel_foot = charts.footnote(PROJECTS.source, None if funnel_current else date_text,
                              note="漏斗为台账当前状态，不随数据日期回溯" if funnel_current else None)

ui.require(ui.run(projects.count_all) > 0, "暂无招商项目数据：请先导入招商引资项目台账。")
n_signed, inv_signed, signed_by_sector = ui.run(projects.signed_summary, as_of, sector)
stages = ui.run(projects.by_stage, sector, as_of)
lights_all = ui.run(projects.traffic_lights, as_of, sector)
monthly = ui.run(projects.by_signing_month, as_of, sector)

c = st.columns(5)
with c[0]:
    ui.metric(f"{as_of.year}年签约项目", fmt.count(n_signed, "个"), trend=monthly["cumulative_count"].tolist())
with c[1]:
    ui.metric("签约项目计划总投资", fmt.yi(inv_signed) if inv_signed >= 10000 else fmt.wan(inv_signed),
              trend=monthly["cumulative_investment_wan"].tolist())
with c[2]:
    ui.metric("其中医疗器械项目", fmt.count(signed_by_sector.get("医疗器械", 0), "个"))
with c[3]:
    ui.metric("在库项目（台账当前）" if current_state else "在库项目",
              fmt.count(int(stages["count"].sum()), "个"),
              f"在建{int(stages.loc[stages['stage'] == '开工', 'count'].sum())}个", delta_color="off",
              delta_arrow="off")
with c[4]:
    n_red = int((lights_all["light"] == "红").sum()) if len(lights_all) else 0
    n_yellow = int((lights_all["light"] == "黄").sum()) if len(lights_all) else 0
    ui.metric("红灯 / 黄灯项目", f"{n_red}个 / {n_yellow}个", delta_color="off")

c1, c2, c3 = st.columns(3)
with c1:
    fun = ui.run(projects.funnel, sector)
    fig = charts.funnel(fun, "stage", "reached", title=f"{scope}项目推进漏斗（{funnel_text}）", foot=funnel_foot)
    ui.chart(fig, fun, key="prj_funnel", filename=f"项目推进漏斗_{date_text}",
             labels=pick("stage", "reached", "conversion_pct", "median_days_from_previous",
                         stage="阶段", reached="达到该阶段项目（个）", conversion_pct="转化率（%）",
                         median_days_from_previous="距上一阶段天数中位数（天）"))
with c2:
    fig = charts.bar(stages, "stage", "count", title=f"{scope}项目阶段分布（{state_text}）",
                     foot=f"{state_foot} · 点击条形筛选下表",
                     y_title="项目数（个）", category_order=list(STAGES))
    st_stage = ui.chart(fig, stages, key="prj_stages", filename=f"项目阶段分布_{date_text}", selectable=True,
                        labels=pick("stage", "count", "investment_wan", stage="阶段", count="项目数（个）",
                                    investment_wan="计划总投资（万元）"))
with c3:
    sec = ui.run(projects.by_sector, as_of)
    fig = charts.bar(sec, "sector", "count", title=f"{year_text}签约项目产业分布", foot=foot,
                     y_title="项目数（个）", category_order=list(sec["sector"]))
    # six rows of 0 would draw an empty axis: no signing yet this year is an explicit empty state
    ui.chart(fig, sec if int(sec["count"].sum()) else sec.iloc[0:0], key="prj_sectors",
             filename=f"签约项目产业分布_{date_text}", empty_message=f"{year_text}尚无签约项目。",
             labels=pick("sector", "count", "investment_wan", "share_pct", count="项目数（个）",
                         investment_wan="计划总投资（万元）", share_pct="投资占比（%）"))

c1, c2 = st.columns(2)
with c1:
    origin = ui.run(projects.by_origin, as_of, sector)
    shown = origin.assign(investment_yi=origin["investment_wan"] / 10000).head(12)
    fig = charts.bar(shown, "origin", "investment_yi", title=f"{year_text}签约项目来源地（计划总投资）",
                     foot=foot, y_title="计划总投资（亿元）", horizontal=True, digits=2)
    ui.chart(fig, origin, key="prj_origin", filename=f"签约项目来源地_{date_text}",
             labels=pick("origin", "count", "investment_wan", origin="来源地", count="项目数（个）",
                         investment_wan="计划总投资（万元）"))
with c2:
    shown = monthly.assign(cumulative_yi=monthly["cumulative_investment_wan"] / 10000,
                           month_start=monthly["month"] + "-01")
    fig = charts.bar_line(shown, "month_start", "count", "cumulative_yi",
                          title=f"{as_of.year}年逐月签约项目与累计计划投资（截至{date_text}）", foot=foot,
                          bar_name="当月签约", line_name="累计计划总投资", y_title="项目数（个）",
                          y2_title="累计计划总投资（亿元）")
    ui.chart(fig, monthly if int(monthly["count"].sum()) else monthly.iloc[0:0], key="prj_monthly",
             filename=f"逐月签约项目_{date_text}", empty_message=f"{year_text}尚无签约项目。",
             labels=pick("month", "count", "investment_wan", "cumulative_count", "cumulative_investment_wan",
                         count="签约项目（个）", investment_wan="计划总投资（万元）",
                         cumulative_count="累计签约（个）", cumulative_investment_wan="累计计划总投资（万元）"))

st.subheader("项目红黄绿灯")
st.caption(projects.TRAFFIC_LIGHT_RULE_TEXT + (f"{version_note}。" if version_note else ""))
leaders = ("全部领导",) + tuple(sorted({x for x in lights_all.get("leader", []) if isinstance(x, str) and x}))
stage_options = ("全部阶段",) + tuple(STAGES)
light_options = ("全部灯色",) + tuple(projects.LIGHTS)
ui.sync_selection(st_stage, "x", "prj_stage", stage_options)
f1, f2, f3 = st.columns(3)
leader = f1.selectbox("包保领导", leaders, key="prj_leader")
stage = f2.selectbox("项目阶段", stage_options, key="prj_stage")
light = f3.selectbox("灯色", light_options, key="prj_light")
lights = ui.run(projects.traffic_lights, as_of, sector, None if leader == leaders[0] else leader,
                None if stage == stage_options[0] else stage, None if light == light_options[0] else light)
LIGHT_ICONS = {"红": "● 红灯", "黄": "● 黄灯", "绿": "● 绿灯"}
shown = lights.assign(light_text=lights["light"].map(LIGHT_ICONS)) if len(lights) else lights
ui.table(shown, {"light_text": "灯色", "name": "项目名称", "sector": "产业类别", "stage": "项目阶段",
                 "investment": "计划总投资（万元）", "leader": "包保领导", "department": "责任部门",
                 "next_step": "下一节点", "due_on": "节点时限", "overdue_days": "超期天数",
                 "days_in_stage": "本阶段天数", "reason": "亮灯原因", "progress": "最新进展"},
         key="prj_lights", filename=f"项目红黄绿灯_{date_text}", height=380,
         colors={"light_text": {v: charts.LIGHT_COLORS[k] for k, v in LIGHT_ICONS.items()}},
         empty_message="没有符合筛选条件的项目。",
         column_config={"investment": st.column_config.NumberColumn(format="%.0f"),
                        "due_on": st.column_config.DateColumn(format="YYYY-MM-DD")},
         digits={"investment": 0})

c1, c2 = st.columns([2, 3])
with c1:
    per_leader = ui.run(projects.by_leader, as_of, sector)
    ui.table(per_leader, {"leader": "包保领导", "projects": "项目（个）", "investment_wan": "计划总投资（万元）",
                          "red": "红灯（个）", "yellow": "黄灯（个）", "green": "绿灯（个）"},
             key="prj_leaders", filename=f"包保领导项目_{date_text}", title="包保领导项目一览",
             column_config={"investment_wan": st.column_config.NumberColumn(format="%.0f")},
             digits={"investment_wan": 0})
with c2:
    st.markdown("**项目详情**")
    if len(lights):
        keys = list(lights["project_key"])
        names = dict(zip(lights["project_key"], lights["name"]))
        chosen = st.selectbox("选择项目", keys, format_func=lambda k: names.get(k, k), key="prj_detail")
        detail = ui.run(projects.project_detail, chosen, as_of)
        with st.container(border=True):
            light_color = charts.LIGHT_COLORS.get(detail.get("light"), charts.MUTED)
            st.markdown(f"#### {detail.get('name', '')}")
            st.markdown(f"<span style='color:{light_color};font-weight:700'>{LIGHT_ICONS.get(detail.get('light'), '')}"
                        f"</span>", unsafe_allow_html=True)
            fields = [("投资主体", "investor"), ("产业类别", "sector"), ("来源地", "origin"), ("项目阶段", "stage"),
                      ("签约时间", "signed_on"), ("开工时间", "started_on"), ("投产时间", "producing_on"),
                      ("包保领导", "leader"), ("责任部门", "department"), ("下一节点", "next_step"),
                      ("节点时限", "due_on"), ("亮灯原因", "reason"), ("最新进展", "progress")]
            inv = detail.get("investment")
            lines = [f"- **计划总投资**：{fmt.wan_to_text(inv) if inv is not None else '—'}"]
            for label, key in fields:
                value = detail.get(key)
                if hasattr(value, "year"):
                    value = fmt.date_cn(value)
                lines.append(f"- **{label}**：{value if value not in (None, '') else '—'}")
            st.markdown("\n".join(lines))
    else:
        st.info("没有符合筛选条件的项目。")

# ---- 项目全生命周期（可追溯）: the ledger's dated versions ------------------------------------------------
st.subheader("项目全生命周期（可追溯）")
st.caption("每次上传的整本项目台账都作为一个带日期的版本保存：某日的阶段、红黄绿灯以当日已有的最新版本为准，"
           "不以后来的信息改写当时的记录。")
c1, c2 = st.columns([2, 3])
with c1:
    ui.show(ui.run(hist_cat.transition_counts, as_of), key="prj_hist_counts")
with c2:
    ui.show(ui.run(hist_cat.transitions, as_of), key="prj_hist_transitions")
c1, c2 = st.columns([3, 2])
with c1:
    ui.show(ui.run(hist_cat.cohorts, as_of), key="prj_hist_cohorts")
with c2:
    ui.show(ui.run(hist_cat.versions, as_of), key="prj_hist_versions")
ui.show(ui.run(hist_cat.days_in_stage, as_of), key="prj_hist_days", height=300)
if len(lights):
    ui.show(ui.run(hist_cat.project, as_of, chosen), key="prj_hist_project")
