"""Roles: viewers see the dashboard; analysts also upload and roll back.

With an identity provider configured in the secrets ([auth] section, OIDC), analysts log in with
`st.login` and are those whose e-mail is listed in `analysts = [...]` in the secrets. Without one
(the park's intranet may have none), an analyst password checked against the scrypt hash in the
secrets (`analyst_password_hash`) or the environment variable PARK_ANALYST_PASSWORD_HASH.
The password is never stored, logged or shown; failed attempts slow further attempts down.
"""
from __future__ import annotations

import os
from collections.abc import Mapping

import streamlit as st

from analytics import auth as core

VIEWER = "viewer"
ANALYST = "analyst"
ROLE_KEY = "role"
USER_KEY = "analyst_name"
ROLE_LABELS = {VIEWER: "浏览者", ANALYST: "数据分析员"}


def _secret(name: str, default=None):
    try:
        return st.secrets.get(name, default)
    except Exception:  # no secrets.toml at all
        return default


def oidc_configured() -> bool:
    """True when the secrets hold an [auth] section for st.login."""
    section = _secret("auth")
    if not isinstance(section, Mapping) or not section:
        return False
    # one provider ([auth] with client_id) or several ([auth.<name>] sub-sections)
    return bool(section.get("client_id")) or any(isinstance(v, Mapping) for v in section.values())


def password_hash() -> str | None:
    """The analyst password hash: secrets first, then the environment."""
    return _secret("analyst_password_hash") or os.environ.get(core.HASH_ENV_VAR)


@st.cache_resource(show_spinner=False)
def _throttle() -> core.LoginThrottle:
    """One throttle per server process: failures from any session slow every session's attempts."""
    return core.LoginThrottle()


def role() -> str:
    """The current visitor's role: 'viewer' or 'analyst'."""
    if oidc_configured():
        user = getattr(st, "user", None)
        if user is not None and user.get("is_logged_in"):
            analysts = {e.strip().lower() for e in (_secret("analysts") or [])}
            if str(user.get("email", "")).lower() in analysts:
                return ANALYST
        return VIEWER
    return st.session_state.get(ROLE_KEY, VIEWER)


def user_name() -> str:
    """Who is recorded in the import log."""
    if oidc_configured():
        user = getattr(st, "user", None)
        return str(user.get("email") or user.get("name") or "分析员") if user is not None else "分析员"
    return st.session_state.get(USER_KEY) or "分析员"


def gate() -> str:
    """Run at the top of every script run; returns the role. Viewing needs no login."""
    st.session_state.setdefault(ROLE_KEY, VIEWER)
    return role()


def login_form() -> None:
    """The analyst login, shown by pages that need the analyst role."""
    if oidc_configured():
        st.info("上传和撤销数据需要数据分析员身份。请使用单位账号登录。")
        if st.button("登录", key="oidc_login"):
            st.login()
        return
    st.info("上传和撤销数据需要数据分析员身份。")
    with st.form("analyst_login"):
        name = st.text_input("姓名（记入导入日志）", key="login_name")
        password = st.text_input("分析员密码", type="password", key="login_password")
        submitted = st.form_submit_button("登录")
    if submitted:
        ok, message = core.attempt(password, password_hash(), _throttle())
        if ok:
            st.session_state[ROLE_KEY] = ANALYST
            st.session_state[USER_KEY] = name.strip() or "分析员"
            st.rerun()
        else:
            st.error(message)


def logout_button() -> None:
    if st.button("退出分析员身份", key="analyst_logout"):
        if oidc_configured():
            st.logout()
        st.session_state[ROLE_KEY] = VIEWER
        st.session_state.pop(USER_KEY, None)
        st.rerun()
