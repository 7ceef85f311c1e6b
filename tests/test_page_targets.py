"""pages/targets.py (目标任务) under AppTest on the sample store: the figures shown are the library's."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import store
from analytics.metrics import targets

APP = str(Path(__file__).resolve().parent.parent / "app.py")
D = dt.date(2025, 6, 15)

pytestmark = [pytest.mark.usefixtures("navigation_mode"), pytest.mark.slow]


def _open(db, monkeypatch, as_of=None) -> AppTest:
    monkeypatch.setenv(store.DB_ENV_VAR, str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if as_of is not None:
        at.date_input(key="as_of").set_value(as_of)
    at.switch_page("pages/targets.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_targets_page_shows_the_library_figures(store_copy, monkeypatch):
    db, _ = store_copy
    con = store.connect(db, read_only=True)
    done = targets.completion(con, D)
    posts = targets.post_tasks(con, D)
    con.close()
    at = _open(db, monkeypatch)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["2025年目标任务"] == f"{len(done)}项"
    assert metrics["快于时序进度"] == f"{int((done['light'] == '绿').sum())}项"
    shown = " ".join(m.value for m in at.markdown)
    assert targets.summary_sentence(done) in shown
    assert at.selectbox(key="tgt_post").value == f"{posts['owner'].iloc[0]}｜{posts['indicator'].iloc[0]}"


def test_targets_page_without_targets_says_what_to_import(tmp_path, monkeypatch):
    db = tmp_path / "empty.duckdb"
    store.connect(db).close()
    at = _open(db, monkeypatch)
    assert any("暂无目标任务数据" in i.value for i in at.info)
