"""analytics.catalogue: every named figure is defined once and stands on its own.

Each registered entry is built on the sample store (at the published as-of date) and on an empty store:
a title with its period, a footnote with the source inside the figure, labels that name real columns,
a safe file name, an explicit empty state; never an ellipsis. The pages list is the one app.py uses."""
from __future__ import annotations

import datetime as dt
import inspect

import pytest

from analytics import catalogue, charts, store
from analytics.catalogue import projects as cat_projects
from analytics.catalogue import sales as cat_sales

AS_OF = dt.date(2025, 6, 15)
UNSAFE = set('\\/:*?"<>|')


@pytest.fixture(scope="module")
def sample(store_db):
    con = store.connect(str(store_db[0]), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def empty(tmp_path_factory):
    path = tmp_path_factory.mktemp("empty") / "empty.duckdb"
    con = store.connect(str(path))
    yield con
    con.close()


def _build(func, con, as_of):
    params = list(inspect.signature(func).parameters)
    return func(con, as_of) if len(params) >= 2 else func(con)


@pytest.mark.parametrize("name", sorted(catalogue.REGISTRY))
def test_every_entry_stands_on_its_own_on_the_sample(sample, name):
    e = _build(catalogue.REGISTRY[name], sample, AS_OF)
    assert isinstance(e, catalogue.Entry) and e.name == name
    assert not UNSAFE & set(e.filename) and e.filename
    assert e.empty_message and "…" not in e.title + e.empty_message
    missing = [c for c in e.labels if c not in e.frame.columns]
    assert not missing, f"{name}: labels name columns the frame lacks: {missing}"
    if e.is_chart:
        assert e.title and "（" in e.title, f"{name}: a chart title names its period: {e.title}"
        foot = charts.footnote_text(e.figure)
        assert foot and foot.startswith("数据来源："), f"{name}: no source footnote inside the figure"
        assert "…" not in (e.figure.layout.title.text or "") + foot


@pytest.mark.parametrize("name", sorted(catalogue.REGISTRY))
def test_every_entry_builds_on_an_empty_store_with_its_empty_state(empty, name):
    e = _build(catalogue.REGISTRY[name], empty, AS_OF)
    assert e.empty_message
    if e.is_chart and e.empty:
        assert e.title


def test_a_partial_last_month_is_marked_and_a_complete_one_is_not(sample):
    june = cat_sales.monthly(sample, AS_OF)
    assert "2025年6月数据截至6月15日（不完整月份，斜线标出）" in june.footnote
    assert list(june.figure.data[0].marker.pattern.shape)[-1] == "/"
    may = cat_sales.monthly(sample, dt.date(2025, 5, 31))
    assert "不完整月份" not in may.footnote
    assert may.figure.data[0].marker.pattern.shape is None


def test_entries_do_not_mutate_and_repeat_exactly(sample):
    a = cat_projects.signed_by_sector(sample, AS_OF)
    b = cat_projects.signed_by_sector(sample, AS_OF)
    assert a.title == b.title == "2025年签约项目产业分布（截至2025年6月15日）"
    assert a.frame.equals(b.frame)
    assert int(a.frame["count"].sum()) == 39        # the park's published 39 projects signed in 2025


def test_one_list_of_pages_has_unique_paths_and_existing_scripts():
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    paths = [p.path for p in catalogue.PAGES]
    assert len(paths) == len(set(paths)) and catalogue.DEFAULT_PAGE == "overview"
    assert all((root / p.script).exists() for p in catalogue.PAGES)
    assert "upload" not in [p.path for p in catalogue.DASHBOARD_PAGES]
    with pytest.raises(KeyError, match="没有这个页面"):
        catalogue.page("nowhere")


def test_registering_a_name_twice_is_refused():
    with pytest.raises(ValueError, match="目录中已有同名图表"):
        catalogue.entry("sales.monthly")(lambda con, as_of: None)


def test_overview_cards_show_the_published_figures_worded_once(sample):
    from analytics.catalogue import cards
    from analytics.metrics import entities
    row = cards.overview_cards(sample, AS_OF)
    shown = {c.label: (c.value, c.delta) for c in row}
    before = entities.stock_at(sample, dt.date(2024, 6, 15))
    assert shown == {
        "规上工业增加值增速（1-5月）": ("9.9%", "+6.9个百分点"),       # 9.9 % against 2024's 3.0 %
        "市场主体总数": ("6879户", f"+{6879 - before}户（同比增长{(6879 / before - 1) * 100:.1f}%）"),
        "近一年新设市场主体": ("1163户", None),
        "2025年签约项目": ("39个", "总投资23.5亿元"),
        "助企帮销累计": ("9000余万元", None),
        "包保重点企业和项目": ("67个", None),
    }
    # the 市场主体 page's first card is the same card (one wording), for the whole park
    assert cards.entity_cards(sample, AS_OF)[0] == row[1]
    assert [c.neutral for c in row] == [False, False, False, True, False, False]


@pytest.mark.parametrize("name", ["overview_cards", "entity_cards", "sales_cards", "service_cards", "quality_cards"])
def test_every_card_row_builds_on_an_empty_store(empty, name):
    from analytics.catalogue import cards
    func = getattr(cards, name)
    row = func(empty) if name == "quality_cards" else func(empty, AS_OF)
    assert row and all(c.label and c.value for c in row)
    assert all("nan" not in c.value + (c.delta or "") for c in row)
