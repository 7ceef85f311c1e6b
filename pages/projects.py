"""招商项目: signed this year, the funnel, stage/sector/origin breakdowns, the traffic-light table, a project's detail."""
import streamlit as st

from analytics import charts, fmt, literal
from analytics.catalogue import history as hist_cat
from analytics.catalogue import projects as cat
from analytics.metrics import projects, targets
from analytics.schema import STAGES
from app_lib import ui

ui.header("招商项目", "本年签约：签约时间在当年1月1日至数据日期之间")
as_of, sector = ui.as_of(), ui.sector()
# stages, lights and per-leader counts at a past as-of date are those of the ledger version known then
# (analytics.metrics.history); without dated versions they are the ledger's current state, and say so
version_note, current_state = ui.run(cat.state, as_of)

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

for line in ui.run(targets.sentences_for, as_of, "projects"):   # 目标任务 (metrics.targets)
    st.caption(f"目标任务：{line}")

c1, c2, c3 = st.columns(3)
with c1:
    ui.show(ui.run(cat.funnel, as_of, sector), key="prj_funnel")
with c2:
    st_stage = ui.show(ui.run(cat.stages, as_of, sector, True), key="prj_stages", selectable=True)
with c3:
    ui.show(ui.run(cat.signed_by_sector, as_of), key="prj_sectors")

c1, c2 = st.columns(2)
with c1:
    ui.show(ui.run(cat.origin, as_of, sector), key="prj_origin", slot=1 / 2)
with c2:
    ui.show(ui.run(cat.monthly, as_of, sector), key="prj_monthly", slot=1 / 2)

st.subheader("项目红黄绿灯")
st.caption(projects.TRAFFIC_LIGHT_RULE_TEXT + (f"{version_note}。" if version_note else ""))
leaders = ("全部领导",) + tuple(sorted({x for x in lights_all.get("leader", []) if isinstance(x, str) and x}))
stage_options = ("全部阶段",) + tuple(STAGES)
light_options = ("全部灯色",) + tuple(projects.LIGHTS)
ui.sync_selection(st_stage, "x", "prj_stage", stage_options)
f1, f2, f3 = st.columns(3)
leader = f1.selectbox("包保领导", leaders, placeholder="请选择", key="prj_leader")
stage = f2.selectbox("项目阶段", stage_options, placeholder="请选择", key="prj_stage")
light = f3.selectbox("灯色", light_options, placeholder="请选择", key="prj_light")
lights_entry = ui.run(cat.lights, as_of, sector, None if leader == leaders[0] else leader,
                      None if stage == stage_options[0] else stage, None if light == light_options[0] else light)
lights = lights_entry.frame
ui.show(lights_entry, key="prj_lights", height=380)

c1, c2 = st.columns([1, 1])
with c1:
    ui.show(ui.run(cat.by_leader, as_of, sector), key="prj_leaders")
with c2:
    st.markdown("**项目详情**")
    if len(lights):
        keys = list(lights["project_key"])
        names = dict(zip(lights["project_key"], lights["name"]))
        chosen = st.selectbox("选择项目", keys, format_func=lambda k: names.get(k, k), placeholder="请选择",
                              key="prj_detail")
        detail = ui.run(projects.project_detail, chosen, as_of)
        with st.container(border=True):
            light_color = charts.LIGHT_COLORS.get(detail.get("light"), charts.MUTED)
            st.markdown(f"#### {literal.text(detail.get('name', ''))}")  # workbook text shown literally
            st.markdown(f"<span style='color:{light_color};font-weight:700'>{cat.LIGHT_TEXT.get(detail.get('light'), '')}"
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
                lines.append(f"- **{label}**：{literal.text(value) if value not in (None, '') else '—'}")
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
    ui.show(ui.run(hist_cat.cohorts, as_of), key="prj_hist_cohorts")
    ui.show(ui.run(hist_cat.versions, as_of), key="prj_hist_versions")
ui.show(ui.run(hist_cat.transitions, as_of), key="prj_hist_transitions")
ui.show(ui.run(hist_cat.days_in_stage, as_of), key="prj_hist_days", height=300)
if len(lights):
    ui.show(ui.run(hist_cat.project, as_of, chosen), key="prj_hist_project")
