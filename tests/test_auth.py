"""analytics.auth: slow hash round trip, throttle timing (fake clock), messages."""
from analytics import auth


def test_hash_round_trip_and_no_plain_text():
    h = auth.hash_password("园区2025!", salt=b"0123456789abcdef")
    assert h.startswith("scrypt$16384$8$1$") and "园区2025" not in h
    assert auth.verify_password("园区2025!", h)
    assert not auth.verify_password("园区2025", h)
    assert not auth.verify_password("x", "not-a-hash")


def test_failures_slow_down_further_attempts():
    now = [100.0]
    t = auth.LoginThrottle(":memory:", clock=lambda: now[0])
    acc = auth.accounts_from([], auth.hash_password("right"))  # the older shared hash
    for _ in range(3):  # three free failures
        assert auth.login("王", "wrong", acc, t, "c") == auth.Attempt(False, "密码不正确。")
    # 4th attempt: 2^(3-3) = 1 s after the last failure
    assert auth.login("王", "right", acc, t, "c") == auth.Attempt(False, "尝试次数过多，请 2 秒后再试。")
    now[0] += 1.0
    assert auth.login("王", "wrong", acc, t, "c").message == "密码不正确。"  # 4 failures -> wait 2 s
    now[0] += 1.5
    assert t.wait_seconds("c", "王") == 0.5
    now[0] += 0.5
    assert auth.login("王", "right", acc, t, "c") == auth.Attempt(True, None, "王（共用密码）")
    assert t.failures("c") == 0


def test_missing_hash_says_what_to_do():
    outcome = auth.login("x", "x", auth.accounts_from(None, None), auth.LoginThrottle(":memory:"), "c")
    assert not outcome.ok and ".venv/bin/python -m analytics hash-password" in outcome.message
    assert "PARK_ANALYST_PASSWORD_HASH" in outcome.message and "analyst_accounts" in outcome.message
