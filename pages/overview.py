"""总览: the headline figures as metric cards with change and trend, the generated paragraph, key charts."""
import streamlit as st

from analytics import summary, text
from analytics.catalogue import cards
from analytics.catalogue import entities as cat_entities
from analytics.catalogue import industry as cat_industry
from analytics.catalogue import projects as cat_projects
from analytics.catalogue import sales as cat_sales
from analytics.metrics import targets
from app_lib import ui

ui.header("园区经济运行总览", "西宁经济技术开发区生物科技产业园")
as_of = ui.as_of()
if ui.sector():
    st.caption("总览指标为全园区口径；分产业数据见各专题页。")
h = ui.run(summary.headline, as_of)
ui.require(any(h.get(k) is not None for k in ("entities_total", "industrial_growth_ytd", "projects_signed_ytd",
                                              "sales_assistance_total_wan", "key_accounts")),
           "数据库中还没有数据：请数据分析员在“数据导入”页导入工作簿，或运行 `python -m analytics init` 载入示例数据。")

# ---- metric cards (analytics.catalogue.cards) --------------------------------------------------
ui.cards(ui.run(cards.overview_cards, as_of), [1.25, 1, 1, 1, 1, 1])

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
