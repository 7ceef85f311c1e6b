"""Placeholder until the library module lands."""
import streamlit as st

from app_lib import ui

ui.header("quality")
st.info("本页正在建设中。")
