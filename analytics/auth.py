"""Analyst role without an identity provider: a password checked against a slow hash.

The hash (scrypt, a standard slow key-derivation function) lives in the Streamlit secrets
(`analyst_password_hash`) or in the environment variable PARK_ANALYST_PASSWORD_HASH; the password
itself is never stored, logged or shown. `python -m analytics hash-password` prints a hash.
Failed attempts slow further attempts down (LoginThrottle).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
import time

HASH_ENV_VAR = "PARK_ANALYST_PASSWORD_HASH"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
FREE_ATTEMPTS = 3  # failures before waiting starts
MAX_DELAY_S = 300.0  # the longest wait between attempts, seconds


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """'scrypt$N$r$p$salt$hash' (base64) for `password`."""
    if not password:
        raise ValueError("密码不能为空")
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt)}${b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches the stored hash (constant-time compare); False for a malformed hash."""
    try:
        scheme, n, r, p, salt, digest = stored.strip().split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


class LoginThrottle:
    """Slows password guessing: after FREE_ATTEMPTS failures, each attempt must wait
    2^(failures - FREE_ATTEMPTS) seconds (capped at MAX_DELAY_S) after the last failure."""

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self.failures = 0
        self._last_failure = 0.0

    def wait_seconds(self) -> float:
        """Seconds until the next attempt is allowed (0 = now)."""
        with self._lock:
            if self.failures < FREE_ATTEMPTS:
                return 0.0
            delay = min(MAX_DELAY_S, 2.0 ** (self.failures - FREE_ATTEMPTS))
            return max(0.0, self._last_failure + delay - self._clock())

    def failed(self) -> None:
        with self._lock:
            self.failures += 1
            self._last_failure = self._clock()

    def succeeded(self) -> None:
        with self._lock:
            self.failures = 0


def attempt(password: str, stored_hash: str | None, throttle: LoginThrottle) -> tuple[bool, str | None]:
    """Check one login attempt: (ok, Chinese message when refused)."""
    if not stored_hash:
        return False, (f"未配置分析员密码。请管理员运行 python -m analytics hash-password，把结果写入 "
                       f".streamlit/secrets.toml 的 analyst_password_hash 或环境变量 {HASH_ENV_VAR}。")
    wait = throttle.wait_seconds()
    if wait > 0:
        return False, f"尝试次数过多，请 {int(wait) + 1} 秒后再试。"
    if verify_password(password, stored_hash):
        throttle.succeeded()
        return True, None
    throttle.failed()
    return False, "密码不正确。"
