"""目标任务: the year's targets against 时序进度, and the investment tasks by post and month (任务分解)."""
import streamlit as st

from analytics import fmt
from analytics.catalogue import targets as cat
from analytics.metrics import targets
from app_lib import ui

ui.header("目标任务", "时序进度：全年已过天数占比；有月度（季度）分解的按已过月份（季度）的任务占全年任务之比")
as_of = ui.as_of()
if ui.sector():
    st.caption("目标任务为全园区口径，不分产业。")

ui.require(bool(ui.run(targets.target_years)), cat.NO_TARGETS)
done = ui.run(targets.completion, as_of)
lit = done[done["light"] != targets.NO_LIGHT]

c = st.columns(4)
with c[0]:
    ui.metric(f"{int(done['year'].iloc[0]) if len(done) else as_of.year}年目标任务", fmt.count(len(done), "项"),
              f"已有完成数据{len(lit)}项", delta_color="off", delta_arrow="off")
with c[1]:
    ui.metric("快于时序进度", fmt.count(int((lit["light"] == "绿").sum()), "项"))
with c[2]:
    ui.metric("略滞后", fmt.count(int((lit["light"] == "黄").sum()), "项"),
              help=f"落后时序进度{fmt.number(targets.BEHIND_THRESHOLD_PP, 0)}个百分点以内"
                   f"（增速指标低于目标{fmt.number(targets.RATE_BEHIND_THRESHOLD_PP, 0)}个百分点以内）")
with c[3]:
    ui.metric("滞后", fmt.count(int((lit["light"] == "红").sum()), "项"))

paragraph = targets.summary_sentence(done)
if paragraph:
    with st.container(border=True):
        st.markdown(f"##### 目标任务进度\n{paragraph}")

# stacked, full width: the table has eleven columns, a 1366 px laptop fits them only across the page
ui.show(ui.run(cat.completion, as_of), key="tgt_table")
ui.show(ui.run(cat.progress_chart, as_of), key="tgt_chart")
st.caption(targets.LIGHT_RULE_TEXT)

st.subheader("招商任务分解（到岗、到月）")
posts = ui.run(targets.post_tasks, as_of)
ui.show(ui.run(cat.posts, as_of), key="tgt_posts")
if len(posts):
    behind = posts[posts["light"].isin(("红", "黄"))]
    if len(behind):
        st.markdown("**进度滞后的岗位**：" + "；".join(
            f"{r.owner}（{r.indicator}尚差{targets.amount_text(r.shortfall, r.unit)}）" for r in behind.itertuples()))
    choices = [f"{o}｜{i}" for o, i in zip(posts["owner"], posts["indicator"])]
    chosen = st.selectbox("选择岗位与任务", choices, placeholder="请选择", key="tgt_post")
    owner, indicator = chosen.split("｜", 1)
    c1, c2 = st.columns([2, 3])
    with c1:
        ui.show(ui.run(cat.post_monthly, as_of, owner, indicator), key="tgt_post_monthly")
    with c2:
        ui.show(ui.run(cat.projects_counted, as_of, owner, indicator), key="tgt_post_projects")

