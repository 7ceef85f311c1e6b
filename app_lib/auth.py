"""The login gate: a placeholder until the upload-page issue (roles) fills it.

For now every visitor is a viewer; `role()` is the one place pages ask.
"""
from __future__ import annotations

import streamlit as st

VIEWER = "viewer"
ANALYST = "analyst"
ROLE_KEY = "role"
ROLE_LABELS = {VIEWER: "浏览者", ANALYST: "数据分析员"}


def role() -> str:
    """The current visitor's role: 'viewer' or 'analyst' (always 'viewer' until roles land)."""
    return st.session_state.get(ROLE_KEY, VIEWER)


def gate() -> str:
    """Run at the top of every script run; returns the role. Placeholder: everyone is a viewer."""
    st.session_state.setdefault(ROLE_KEY, VIEWER)
    return role()
