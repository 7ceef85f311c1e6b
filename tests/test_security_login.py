"""Items 3 and 4 of issue 15: a login throttle no client can reset and no other client can trigger;
named analyst accounts; the page says so before anything is typed when no password is configured."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import auth, store
from app_lib import auth as app_auth

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/upload.py"
PASSWORD = "园区分析员2025"
HASH = auth.hash_password(PASSWORD, salt=b"fixed-test-salt!")

pytestmark = pytest.mark.usefixtures("navigation_mode")


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


def test_an_attackers_failures_do_not_delay_the_analyst(tmp_path):
    clock = Clock()
    t = auth.LoginThrottle(str(tmp_path / "t.sqlite"), clock=clock)
    acc = auth.accounts_from([{"name": "王分析", "password_hash": HASH}])
    for i in range(40):  # an attacker at 10.0.0.66 guesses the analyst's password, well past every cap
        t.failed("10.0.0.66", "王分析") if i >= 30 else auth.login("王分析", f"猜{i}", acc, t, "10.0.0.66")
        clock.now += 1
    assert auth.login("王分析", PASSWORD, acc, t, "10.0.0.66") == \
        auth.Attempt(False, auth.TOO_MANY.format(seconds=int(t.wait_seconds("10.0.0.66", "王分析")) + 1))
    # the analyst at her own desk: no wait, right in, recorded under her account's name
    assert t.wait_seconds("10.0.0.21", "王分析") == 0.0
    t0 = time.perf_counter()
    assert auth.login("王分析", PASSWORD, acc, t, "10.0.0.21") == auth.Attempt(True, None, "王分析")
    assert time.perf_counter() - t0 < 1.0  # one scrypt, no waiting


def test_doubling_per_client_and_name_and_the_global_cap(tmp_path):
    clock = Clock()
    t = auth.LoginThrottle(str(tmp_path / "t.sqlite"), clock=clock)
    acc = auth.accounts_from([{"name": "王分析", "password_hash": HASH}])
    for _ in range(3):  # three free failures
        assert auth.login("王分析", "不对", acc, t, "10.0.0.5") == auth.Attempt(False, "姓名或密码不正确。")
    # 4th attempt from that client for that name: 2^(3-3) = 1 s after the last failure
    assert auth.login("王分析", PASSWORD, acc, t, "10.0.0.5") == auth.Attempt(False, "尝试次数过多，请 2 秒后再试。")
    clock.now += 1.0
    assert auth.login("王分析", PASSWORD, acc, t, "10.0.0.5").ok
    # name rotation from one client is capped by the client counter (10 free, then doubling)
    for i in range(10):
        auth.login(f"名{i}", "x", acc, t, "10.0.0.9")
    assert t.wait_seconds("10.0.0.9", "新名字") == 1.0
    # global cap: more than 30 failures in a minute; a failing client (3+ of its own) waits 60 s ...
    for c in range(31):
        t.failed(f"10.1.0.{c}", "王分析")
    for _ in range(3):
        t.failed("10.2.0.1", "别人")
    assert t.wait_seconds("10.2.0.1", "别人") == 60.0
    # ... a client without failures of its own never does
    assert t.wait_seconds("10.0.0.21", "王分析") == 0.0


def test_unknown_name_takes_as_long_and_says_the_same(tmp_path):
    t = auth.LoginThrottle(str(tmp_path / "t.sqlite"))
    acc = auth.accounts_from([{"name": "王分析", "password_hash": HASH}])
    t0 = time.perf_counter()
    assert auth.login("不存在", "x", acc, t, "c").message == "姓名或密码不正确。"
    unknown = time.perf_counter() - t0
    t0 = time.perf_counter()
    assert auth.login("王分析", "x", acc, t, "c").message == "姓名或密码不正确。"
    known = time.perf_counter() - t0
    assert unknown > known / 3  # a scrypt run for an unknown name too


@pytest.fixture
def db(store_copy, monkeypatch):
    path, _ = store_copy
    monkeypatch.setenv(store.DB_ENV_VAR, str(path))
    monkeypatch.delenv(auth.HASH_ENV_VAR, raising=False)
    monkeypatch.delenv(auth.THROTTLE_ENV_VAR, raising=False)
    return path


def _login_page(accounts=None, shared=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if accounts is not None:
        at.secrets["analyst_accounts"] = accounts
    if shared is not None:
        at.secrets["analyst_password_hash"] = shared
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _submit(at, name, password):
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    [b for b in at.get("button") if getattr(b, "label", "") == "登录"][0].click()
    at.run()


def test_clear_cache_does_not_reset_the_throttle(db):
    at = _login_page([{"name": "王分析", "password_hash": HASH}])
    for _ in range(3):
        _submit(at, "王分析", "不对")
        assert [e.value for e in at.error] == ["姓名或密码不正确。"]
    for _ in range(5):  # five more failures of this client, as fast as the throttle lets them through
        auth.throttle().failed("local", "王分析")
    _submit(at, "王分析", PASSWORD)
    assert at.error[0].value.startswith("尝试次数过多，请 ")  # 2^(8-3) = 32 s
    # what Streamlit's clear_cache message does on the server
    import streamlit as st
    st.cache_data.clear()
    st.cache_resource.clear()
    fresh = _login_page([{"name": "王分析", "password_hash": HASH}])  # a new session too
    _submit(fresh, "王分析", PASSWORD)
    assert fresh.error[0].value.startswith("尝试次数过多，请 ")
    assert fresh.session_state["role"] == "viewer"
    assert auth.throttle().failures("local") == 8


def test_a_named_account_is_who_the_log_records(db):
    at = _login_page([{"name": "王分析", "password_hash": HASH}, {"name": "李统计", "password_hash": "scrypt$x"}])
    assert at.text_input(key="login_name").label == "姓名（分析员账号）"
    _submit(at, "王分析", PASSWORD)
    assert at.session_state["role"] == "analyst" and at.session_state["analyst_name"] == "王分析"


def test_without_a_password_the_page_says_so_before_anything_is_typed(db):
    at = _login_page()
    assert [e.value for e in at.error] == [auth.NOT_CONFIGURED]
    assert ".venv/bin/python -m analytics hash-password" in at.error[0].value
    assert at.code[0].value == ".venv/bin/python -m analytics hash-password"
    assert "login_password" not in [t.key for t in at.text_input]


def test_client_id_is_the_peer_not_a_header_unless_behind_the_proxy(monkeypatch):
    assert app_auth.client_id() == "local"  # no script run context: loopback
