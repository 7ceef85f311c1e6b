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

from analytics import catalogue, fmt  # noqa: E402
from analytics.schema import SECTORS  # noqa: E402
from app_lib import auth, errors, ui  # noqa: E402

HERE = Path(__file__).resolve().parent


def _page(spec: catalogue.PageSpec) -> st.Page:
    default = spec.path == catalogue.DEFAULT_PAGE
    # the default page lives at the root; its own url path is the hidden alias below
    return st.Page(spec.script, title=spec.title, icon=spec.icon, url_path="home" if default else spec.path,
                   default=default)


def _to_default_page() -> None:
    """/overview (a bookmark, a screenshot script): Streamlit serves the default page at / only and would
    toast "Page not found" in English; this hidden page sends the visitor to / instead."""
    st.switch_page(NAV[0])


# one list of pages (analytics.catalogue.PAGES); pages of other issues listed when their files exist
SECTIONS: dict[str, list[st.Page]] = {}
for _spec in catalogue.PAGES:
    if (HERE / _spec.script).exists():
        SECTIONS.setdefault(_spec.section, []).append(_page(_spec))
NAV = SECTIONS[catalogue.PAGES[0].section]
ALIAS = st.Page(_to_default_page, title=catalogue.PAGES[0].title, url_path=catalogue.DEFAULT_PAGE,
                visibility="hidden")
SECTIONS[catalogue.PAGES[0].section] = NAV + [ALIAS]

page = st.navigation(SECTIONS, position="sidebar")
ui.style()
auth.gate()
with errors.guard():  # a store that cannot be opened: one Chinese line, then stop
    default_as_of = ui.default_as_of()

with st.sidebar:
    st.markdown("### 园区经济运行看板")
    st.caption("西宁经济技术开发区生物科技产业园")
    if ui.AS_OF_KEY not in st.session_state:
        st.session_state[ui.AS_OF_KEY] = default_as_of
    st.date_input("数据日期", key=ui.AS_OF_KEY, min_value=dt.date(2000, 1, 1),
                  max_value=max(default_as_of, dt.date.today()), format="YYYY-MM-DD",
                  help=f"默认为数据支持的最新日期（{fmt.date_cn(default_as_of)}）")
    st.selectbox("产业", (ui.ALL_SECTORS,) + tuple(SECTORS), placeholder="请选择", key=ui.SECTOR_KEY)
    st.caption(f"当前身份：{auth.ROLE_LABELS[auth.role()]}")
    ui.date_keys()

errors.run_page(page)  # a fault is one Chinese line for the viewer, never a traceback
