"""Roles: viewers see the dashboard; analysts also upload and roll back.

With an identity provider configured in the secrets ([auth] section, OIDC), analysts log in with
`st.login` and are those whose e-mail is listed in `analysts = [...]` in the secrets. Without one
(the park's intranet may have none), named analyst accounts from the secrets
(`[[analyst_accounts]]` name + password_hash), or the older shared hash (`analyst_password_hash`
or the environment variable PARK_ANALYST_PASSWORD_HASH); see analytics.auth.

The login throttle is analytics.auth.throttle(): a module-level object over a SQLite file, never a
Streamlit cache, so a client's clear_cache message cannot reset it. Failures are counted by client
(client_id(): the visitor's IP address) and name, so one visitor's wrong guesses never delay another.
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
PROXY_ENV_VAR = "PARK_BEHIND_PROXY"   # set by deploy/: trust the X-Real-IP header nginx writes


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
    """The shared analyst password hash (older setups): secrets first, then the environment."""
    return _secret("analyst_password_hash") or os.environ.get(core.HASH_ENV_VAR)


def accounts() -> core.Accounts:
    """The analyst accounts from the secrets (`analyst_accounts`) and the shared hash, if any."""
    return core.accounts_from(_secret("analyst_accounts") or [], password_hash())


def client_id() -> str:
    """The visitor's address: the WebSocket peer; behind the deployment's nginx (PARK_BEHIND_PROXY=1,
    servers bound to 127.0.0.1) the X-Real-IP header nginx sets from the real peer. 'local' on loopback."""
    ip = None
    try:
        ip = st.context.ip_address
        if ip is None and os.environ.get(PROXY_ENV_VAR) == "1":
            ip = st.context.headers.get("X-Real-IP")
    except Exception:  # no script run context (bare mode)
        ip = None
    return ip if isinstance(ip, str) and ip else "local"


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
    """Who is recorded in the import log: the account's name (not typed by the visitor)."""
    if oidc_configured():
        user = getattr(st, "user", None)
        return str(user.get("email") or user.get("name") or "分析员") if user is not None else "分析员"
    return st.session_state.get(USER_KEY) or "分析员"


def gate() -> str:
    """Run at the top of every script run; returns the role. Viewing needs no login."""
    st.session_state.setdefault(ROLE_KEY, VIEWER)
    from app_lib import uploads
    uploads.install_guard()
    return role()


def login_form() -> None:
    """The analyst login, shown by pages that need the analyst role."""
    if oidc_configured():
        st.info("上传和撤销数据需要数据分析员身份。请使用单位账号登录。")
        if st.button("登录", key="oidc_login"):
            st.login()
        return
    acc = accounts()
    st.info("上传和撤销数据需要数据分析员身份。")
    if not acc.configured:  # said before anything is typed
        st.error(core.NOT_CONFIGURED)
        st.code(core.HASH_COMMAND, language="bash")
        return
    with st.form("analyst_login"):
        if acc.named and not acc.shared_hash:
            name = st.text_input("姓名（分析员账号）", key="login_name")
        else:
            name = st.text_input("姓名（记入导入日志）", key="login_name")
        password = st.text_input("分析员密码", type="password", key="login_password")
        submitted = st.form_submit_button("登录")
    if submitted:
        outcome = core.login(name, password, acc, core.throttle(), client_id())
        if outcome.ok:
            st.session_state[ROLE_KEY] = ANALYST
            st.session_state[USER_KEY] = outcome.who
            st.rerun()
        else:
            st.error(outcome.message)


def logout_button() -> None:
    if st.button("退出分析员身份", key="analyst_logout"):
        if oidc_configured():
            st.logout()
        st.session_state[ROLE_KEY] = VIEWER
        st.session_state.pop(USER_KEY, None)
        from app_lib import uploads
        uploads.release_session()
        st.rerun()
