"""Analyst role without an identity provider: named accounts checked against slow hashes, and a
login throttle that no client can reset and no other client's failures can trigger.

Accounts (`accounts_from(...)`): a list in the Streamlit secrets,

    [[analyst_accounts]]
    name = "王分析"
    password_hash = "scrypt$16384$8$1$…"     # from: .venv/bin/python -m analytics hash-password

so the import log's "who" is the account's name, not a name typed by whoever knows a shared
password. The older single shared hash (`analyst_password_hash`, or the environment variable
PARK_ANALYST_PASSWORD_HASH) still works; its logins are recorded as "<typed name>（共用密码）".
Passwords are never stored, logged or shown (scrypt, a standard slow key-derivation function).

Throttle (`LoginThrottle`): failures are kept in a small SQLite file (PARK_THROTTLE_DB, else
login_throttle.sqlite next to the store), outside every Streamlit cache (a client can send
Streamlit's clear_cache message; it does not reach this file) and shared by every server process.
Three counters, each over the last FAILURE_WINDOW_S seconds:

- per (client, name): FREE_ATTEMPTS_PER_NAME failures free, then 2^(n - free) s between attempts;
- per client (any name): FREE_ATTEMPTS_PER_CLIENT free, then the same doubling (name rotation);
- global: when more than GLOBAL_FAILURES_PER_MINUTE failures happened in the last minute, every
  client with FREE_ATTEMPTS_PER_NAME failures of its own waits GLOBAL_WAIT_S; a client without
  failures of its own (the analyst at their desk) never waits.

A client is the visitor's IP address (behind the deployment's nginx: the X-Real-IP it sets). So
an attacker's failures delay the attacker only: the analyst, on another machine with the right
password, is never made to wait for someone else's mistakes.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

HASH_ENV_VAR = "PARK_ANALYST_PASSWORD_HASH"
THROTTLE_ENV_VAR = "PARK_THROTTLE_DB"
HASH_COMMAND = ".venv/bin/python -m analytics hash-password"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
FREE_ATTEMPTS_PER_NAME = 3          # failures of one (client, name) before waiting starts
FREE_ATTEMPTS_PER_CLIENT = 10       # failures of one client over all names before waiting starts
MAX_DELAY_S = 300.0                 # the longest wait between attempts, seconds
FAILURE_WINDOW_S = 3600.0           # failures older than this are forgotten, seconds
GLOBAL_FAILURES_PER_MINUTE = 30     # server-wide failures per minute before failing clients wait
GLOBAL_WAIT_S = 60.0                # the wait of a failing client while the global cap holds, seconds
SHARED_SUFFIX = "（共用密码）"

WRONG_PASSWORD = "密码不正确。"
WRONG_NAME_OR_PASSWORD = "姓名或密码不正确。"
TOO_MANY = "尝试次数过多，请 {seconds} 秒后再试。"
NAME_REQUIRED = "请填写姓名（记入导入日志）。"
NOT_CONFIGURED = (f"尚未配置分析员密码，暂时无法登录。请管理员在服务器上运行 {HASH_COMMAND}，"
                  "把输出的哈希写入 .streamlit/secrets.toml 的 [[analyst_accounts]]（name、password_hash 两项，"
                  f"每位分析员一组），或写入 analyst_password_hash / 环境变量 {HASH_ENV_VAR}，然后重启看板。")
_DUMMY_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


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


# --------------------------------------------------------------------------- accounts

@dataclass(frozen=True)
class Accounts:
    """The analysts who may log in: {name: scrypt hash}, and/or one shared hash (older setups)."""

    named: Mapping[str, str]
    shared_hash: str | None = None

    @property
    def configured(self) -> bool:
        return bool(self.named) or bool(self.shared_hash)


def accounts_from(entries: Iterable | None, shared_hash: str | None = None) -> Accounts:
    """Accounts from the secrets' `analyst_accounts` list ({name, password_hash} tables; entries without
    both are ignored) and the optional shared hash."""
    named: dict[str, str] = {}
    for e in entries or ():
        if isinstance(e, Mapping):
            name, h = str(e.get("name") or "").strip(), str(e.get("password_hash") or "").strip()
            if name and h:
                named[name] = h
    return Accounts(named, (shared_hash or "").strip() or None)


# --------------------------------------------------------------------------- throttle

def default_throttle_path() -> str:
    """PARK_THROTTLE_DB, else login_throttle.sqlite in the store's folder."""
    if os.environ.get(THROTTLE_ENV_VAR):
        return os.environ[THROTTLE_ENV_VAR]
    from analytics.store import default_db_path
    return str(Path(default_db_path()).resolve().parent / "login_throttle.sqlite")


def _delay(failures: int, free: int) -> float:
    return 0.0 if failures < free else min(MAX_DELAY_S, 2.0 ** (failures - free))


class LoginThrottle:
    """Failed logins by (client, name), by client and server-wide, in a SQLite file (see module doc).

    `path=":memory:"` keeps them in this object only (tests). Thread- and process-safe.
    """

    def __init__(self, path: str | None = None, clock=time.time):
        self.path = path or default_throttle_path()
        self._clock = clock
        self._lock = threading.Lock()
        self._memory = sqlite3.connect(":memory:", check_same_thread=False) if self.path == ":memory:" else None
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS failures (client TEXT, name TEXT, at REAL)")
            db.execute("CREATE INDEX IF NOT EXISTS failures_client ON failures (client, at)")

    def _db(self):
        if self._memory is not None:
            return _Locked(self._memory, self._lock)
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        return _Closing(sqlite3.connect(self.path, timeout=10))

    def wait_seconds(self, client: str, name: str) -> float:
        """Seconds until `client` may try `name` again (0 = now)."""
        now = self._clock()
        since = now - FAILURE_WINDOW_S
        with self._db() as db:
            mine = db.execute("SELECT count(*), max(at) FROM failures WHERE client = ? AND at > ?",
                              (client, since)).fetchone()
            if not mine[0]:
                return 0.0  # a client without failures of its own never waits
            named = db.execute("SELECT count(*), max(at) FROM failures WHERE client = ? AND name = ? AND at > ?",
                               (client, name, since)).fetchone()
            recent = db.execute("SELECT count(*) FROM failures WHERE at > ?", (now - 60.0,)).fetchone()[0]
        waits = [0.0]
        if named[0]:
            waits.append(named[1] + _delay(named[0], FREE_ATTEMPTS_PER_NAME) - now)
        waits.append(mine[1] + _delay(mine[0], FREE_ATTEMPTS_PER_CLIENT) - now)
        if recent > GLOBAL_FAILURES_PER_MINUTE and mine[0] >= FREE_ATTEMPTS_PER_NAME:
            waits.append(mine[1] + GLOBAL_WAIT_S - now)
        return max(waits)

    def failed(self, client: str, name: str) -> None:
        with self._db() as db:
            db.execute("INSERT INTO failures VALUES (?, ?, ?)", (client, name, self._clock()))
            db.execute("DELETE FROM failures WHERE at < ?", (self._clock() - FAILURE_WINDOW_S,))

    def succeeded(self, client: str, name: str) -> None:
        """The right password from `client`: its failures are forgiven."""
        with self._db() as db:
            db.execute("DELETE FROM failures WHERE client = ?", (client,))

    def failures(self, client: str | None = None) -> int:
        with self._db() as db:
            if client is None:
                return db.execute("SELECT count(*) FROM failures").fetchone()[0]
            return db.execute("SELECT count(*) FROM failures WHERE client = ?", (client,)).fetchone()[0]


class _Closing:
    def __init__(self, con):
        self.con = con

    def __enter__(self):
        return self.con

    def __exit__(self, *exc):
        try:
            if exc[0] is None:
                self.con.commit()
        finally:
            self.con.close()


class _Locked:
    def __init__(self, con, lock):
        self.con, self.lock = con, lock

    def __enter__(self):
        self.lock.acquire()
        return self.con

    def __exit__(self, *exc):
        try:
            self.con.commit()
        finally:
            self.lock.release()


_THROTTLES: dict[str, LoginThrottle] = {}
_THROTTLES_LOCK = threading.Lock()


def throttle(path: str | None = None) -> LoginThrottle:
    """The process's throttle on `path` (default_throttle_path()): a module-level object, not a cache."""
    path = path or default_throttle_path()
    with _THROTTLES_LOCK:
        if path not in _THROTTLES:
            _THROTTLES[path] = LoginThrottle(path)
        return _THROTTLES[path]


# --------------------------------------------------------------------------- one attempt

@dataclass(frozen=True)
class Attempt:
    """The outcome of one login attempt: ok, the Chinese message when refused, who is logged in."""

    ok: bool
    message: str | None = None
    who: str | None = None


def login(name: str, password: str, accounts: Accounts, throttle: LoginThrottle, client: str) -> Attempt:
    """Check one attempt of `client` (an IP address) to log in as `name` with `password`.

    Named accounts are tried first (who = the account's name); the shared hash, if any, accepts any
    typed name (who = name + （共用密码）). Refused attempts say why in one Chinese line.
    """
    name = (name or "").strip()
    if not accounts.configured:
        return Attempt(False, NOT_CONFIGURED)
    if not name and not accounts.shared_hash:
        return Attempt(False, NAME_REQUIRED)
    wait = throttle.wait_seconds(client, name)
    if wait > 0:
        return Attempt(False, TOO_MANY.format(seconds=int(wait) + 1))
    if name in accounts.named:
        if verify_password(password, accounts.named[name]):
            throttle.succeeded(client, name)
            return Attempt(True, None, name)
    elif accounts.shared_hash:
        if verify_password(password, accounts.shared_hash):
            throttle.succeeded(client, name)
            return Attempt(True, None, f"{name or '分析员'}{SHARED_SUFFIX}")
    else:
        verify_password(password, _DUMMY_HASH)  # the same time for an unknown name as for a wrong password
    throttle.failed(client, name)
    return Attempt(False, WRONG_NAME_OR_PASSWORD if accounts.named else WRONG_PASSWORD)
