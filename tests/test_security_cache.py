"""Item 9 of issue 15 (per-page CPU): app_lib.ui.run keeps one result per key for the process and hands
each caller a copy; a caller changing its copy (frame, figure, dict) never changes what the next one gets."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics import store
from analytics.catalogue import Entry
from app_lib import ui

CALLS = {"n": 0}


def _entry(con, n: int) -> Entry:
    CALLS["n"] += 1
    frame = pd.DataFrame({"x": list(range(n))})
    fig = go.Figure(go.Bar(x=frame["x"], y=frame["x"]))
    fig.update_layout(title_text="原标题")
    return Entry(name="t", title="测试", frame=frame, labels={"x": "X"}, filename="t", figure=fig)


def test_results_are_computed_once_and_handed_out_as_copies(tmp_path, monkeypatch):
    monkeypatch.setenv(store.DB_ENV_VAR, str(tmp_path / "s.duckdb"))
    monkeypatch.setattr(ui, "connection", lambda: store.connect(":memory:"))
    monkeypatch.setattr(ui, "_connection", lambda path: store.connect(":memory:"))
    monkeypatch.setattr(ui, "data_version", lambda: 7)
    CALLS["n"] = 0
    first = ui.run(_entry, 3)
    first.frame["x"] = [9, 9, 9]                      # a page changing its copy
    first.figure.update_layout(title_text="改过的标题")
    first.labels["x"] = "改"
    second = ui.run(_entry, 3)
    assert CALLS["n"] == 1
    assert second.frame["x"].tolist() == [0, 1, 2]
    assert second.figure.layout.title.text == "原标题" and isinstance(second.figure, go.Figure)
    assert list(second.figure.data[0].y) == [0, 1, 2]
    assert second.labels == {"x": "X"}
    ui.run(_entry, 4)
    assert CALLS["n"] == 2                            # another argument: another result
