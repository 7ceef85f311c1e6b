"""园区经济运行看板: the entry point (`streamlit run app.py`).

Sets the page, runs the login gate, draws the sidebar filters (as-of date,
sector) that every page reads through app_lib.ui, and navigates the pages.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st

st.set_page_config(page_title="园区经济运行看板", page_icon=":material/monitoring:", layout="wide",
                   initial_sidebar_state="expanded")

from analytics import fmt  # noqa: E402
from analytics.schema import SECTORS  # noqa: E402
from app_lib import auth, ui  # noqa: E402

PAGES = [
    st.Page("pages/overview.py", title="总览", icon=":material/dashboard:", url_path="overview", default=True),
    st.Page("pages/economy.py", title="经济运行", icon=":material/trending_up:", url_path="economy"),
    st.Page("pages/entities.py", title="市场主体", icon=":material/storefront:", url_path="entities"),
    st.Page("pages/structure.py", title="产业结构", icon=":material/donut_large:", url_path="structure"),
    st.Page("pages/projects.py", title="招商项目", icon=":material/handshake:", url_path="projects"),
    st.Page("pages/sales.py", title="助企帮销", icon=":material/shopping_cart:", url_path="sales"),
    st.Page("pages/service.py", title="企业服务", icon=":material/support_agent:", url_path="service"),
    st.Page("pages/quality.py", title="数据质量", icon=":material/fact_check:", url_path="quality"),
]
HERE = Path(__file__).resolve().parent
# pages of other issues, listed when their files exist
EXTRA_PAGES = [
    st.Page(str(p), title=t, icon=i, url_path=u)
    for p, t, i, u in (("pages/briefing.py", "月度简报", ":material/article:", "briefing"),
                       ("pages/upload.py", "数据导入", ":material/upload_file:", "upload"))
    if (HERE / p).exists()
]

page = st.navigation({"看板": PAGES, "数据管理": EXTRA_PAGES} if EXTRA_PAGES else PAGES, position="sidebar")
auth.gate()
default_as_of = ui.default_as_of()

with st.sidebar:
    st.markdown("### 园区经济运行看板")
    st.caption("西宁经济技术开发区生物科技产业园")
    if ui.AS_OF_KEY not in st.session_state:
        st.session_state[ui.AS_OF_KEY] = default_as_of
    st.date_input("数据日期", key=ui.AS_OF_KEY, min_value=dt.date(2000, 1, 1),
                  max_value=max(default_as_of, dt.date.today()), format="YYYY-MM-DD",
                  help=f"默认为数据支持的最新日期（{fmt.date_cn(default_as_of)}）")
    st.selectbox("产业", (ui.ALL_SECTORS,) + tuple(SECTORS), key=ui.SECTOR_KEY)
    st.caption(f"当前身份：{auth.ROLE_LABELS[auth.role()]}")

page.run()
