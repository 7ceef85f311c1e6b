"""Every dashboard page under AppTest on the sample store (or the synthetic store until the
sample lands): no exception, and the shown headline values equal the library's figures."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import catalogue, fmt, store, summary, text
from analytics.metrics import entities, growth, projects, sales, service

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT_S = 60
# the one list of pages (analytics.catalogue.PAGES), without the briefing and the upload form (own tests)
PAGES = [p.script for p in catalogue.DASHBOARD_PAGES if p.path != "briefing"]
PUBLISHED_AS_OF = dt.date(2025, 6, 15)


pytestmark = pytest.mark.usefixtures("navigation_mode")


def _open(db: Path, monkeypatch, page: str | None = None, as_of: dt.date | None = None,
          sector: str | None = None) -> AppTest:
    monkeypatch.setenv(store.DB_ENV_VAR, str(db))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    if as_of is not None:
        at.date_input(key="as_of").set_value(as_of)
    if sector is not None:
        at.selectbox(key="sector").set_value(sector)
    if page is not None:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _library(db: Path):
    return store.connect(db, read_only=True)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception(store_copy, monkeypatch, page):
    db, _ = store_copy
    at = _open(db, monkeypatch, page)
    assert at.title[0].value           # a page title is shown
    assert not at.error


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_with_a_sector_selected(store_copy, monkeypatch, page):
    db, _ = store_copy
    at = _open(db, monkeypatch, page, sector="医疗器械")
    assert at.selectbox(key="sector").value == "医疗器械"


def test_overview_cards_and_paragraph_equal_the_library(store_copy, monkeypatch):
    db, _ = store_copy
    con = _library(db)
    as_of = summary.default_as_of(con)
    h = summary.headline(con, as_of)
    con.close()
    at = _open(db, monkeypatch)
    assert at.date_input(key="as_of").value == as_of        # default: the latest date the data supports
    shown = _metrics(at)
    assert shown[f"规上工业增加值增速（{h['industrial_growth_label']}）"] == fmt.pct(h["industrial_growth_ytd"])
    assert shown["市场主体总数"] == fmt.count(h["entities_total"], "户")
    assert shown["近一年新设市场主体"] == fmt.count(h["entities_new_12m"], "户")
    assert shown[f"{as_of.year}年签约项目"] == fmt.count(h["projects_signed_ytd"], "个")
    assert shown["助企帮销累计"] == fmt.wan_to_text(h["sales_assistance_total_wan"])
    assert shown["包保重点企业和项目"] == fmt.count(h["key_accounts"], "个")
    assert any(text.overview_paragraph(h) in m.value for m in at.markdown)


def test_overview_shows_the_parks_published_figures(store_copy, monkeypatch):
    db, kind = store_copy
    if kind != "sample":
        pytest.skip("示例工作簿或 load 命令尚不可用：已用合成数据库检查页面，发布数字待示例数据到位后检查")
    at = _open(db, monkeypatch, as_of=PUBLISHED_AS_OF)
    shown = _metrics(at)
    assert shown["规上工业增加值增速（1-5月）"] == "9.9%"
    assert shown["市场主体总数"] == "6879户"
    assert shown["近一年新设市场主体"] == "1163户"
    assert shown["2025年签约项目"] == "39个"
    assert shown["包保重点企业和项目"] == "67个"
    assert shown["助企帮销累计"].startswith("9000余万元")
    deltas = {m.label: m.delta for m in at.metric}
    assert deltas["规上工业增加值增速（1-5月）"] == "+6.9个百分点"     # 9.9 - 3.0
    assert deltas["2025年签约项目"] == "总投资23.5亿元"
    paragraph = next(m.value for m in at.markdown if "截至2025年6月15日" in m.value)
    assert paragraph.startswith("##### 运行概况\n截至2025年6月15日，园区各类市场主体总数6879户，近一年新设立市场主体1163户；"
                                "1-5月，园区规上工业增加值增速9.9%，较2024年全年（3.0%）提高6.9个百分点，"
                                "比1-4月加快0.4个百分点；2025年以来，园区新签约项目39个，总投资23.5亿元，")
    assert paragraph.endswith("，其中医疗器械项目12个；2024年下半年以来，园区累计助企帮销9000余万元；"
                              "园区党委班子成员包保重点企业和项目67个。")


def test_economy_headline_equals_growth_library(store_copy, monkeypatch):
    db, _ = store_copy
    con = _library(db)
    as_of = summary.default_as_of(con)
    g = growth.headline_growth(con, as_of)
    con.close()
    shown = _metrics(_open(db, monkeypatch, "pages/economy.py"))
    assert shown[f"规上工业增加值增速（{g.label}）"] == fmt.pct(g.pct)
    assert shown[f"{g.period.year - 1}年全年增速（1-12月）"] == fmt.pct(g.last_year_pct)
    assert shown["企业汇总增速（现价）"] == fmt.pct(g.enterprise_pct)


def test_sector_filter_and_as_of_drive_the_entities_page(store_copy, monkeypatch):
    db, _ = store_copy
    as_of = dt.date(2024, 12, 31)
    con = _library(db)
    total = entities.stock_at(con, as_of, "医疗器械")
    new = entities.new_12m(con, as_of, "医疗器械")
    con.close()
    at = _open(db, monkeypatch, "pages/entities.py", as_of=as_of, sector="医疗器械")
    shown = _metrics(at)
    assert shown["市场主体总数"] == fmt.count(total, "户")
    assert shown["近一年新设"] == fmt.count(new, "户")
    assert "产业：医疗器械" in at.caption[0].value


def test_projects_sales_service_headlines_equal_the_library(store_copy, monkeypatch):
    db, _ = store_copy
    con = _library(db)
    as_of = summary.default_as_of(con)
    n, inv, by_sector = projects.signed_summary(con, as_of)
    sales_total = sales.total(con, as_of)
    accounts = service.key_accounts(con)
    con.close()
    shown = _metrics(_open(db, monkeypatch, "pages/projects.py"))
    assert shown[f"{as_of.year}年签约项目"] == fmt.count(n, "个")
    assert shown["其中医疗器械项目"] == fmt.count(by_sector.get("医疗器械", 0), "个")
    shown = _metrics(_open(db, monkeypatch, "pages/sales.py"))
    assert shown["帮销累计"] == fmt.wan_to_text(sales_total)
    shown = _metrics(_open(db, monkeypatch, "pages/service.py"))
    assert shown["包保企业和项目"] == fmt.count(accounts, "个")


def test_traffic_light_filter_narrows_the_table(store_copy, monkeypatch):
    db, _ = store_copy
    con = _library(db)
    as_of = summary.default_as_of(con)
    red = projects.traffic_lights(con, as_of, light="红")
    con.close()
    at = _open(db, monkeypatch, "pages/projects.py")
    at.selectbox(key="prj_light").set_value("红").run()
    assert not at.exception
    table = next(df for df in (d.value for d in at.table) if "亮灯原因" in df.columns)
    if len(red):
        assert len(table) == len(red)
        assert set(table["灯色"]) == {"● 红灯"}
    else:
        assert any("没有符合筛选条件的项目" in i.value for i in at.info)


@pytest.mark.parametrize("page", PAGES)
def test_empty_store_shows_an_explicit_empty_state(tmp_path, monkeypatch, page):
    db = tmp_path / "empty.duckdb"
    store.connect(db).close()
    at = _open(db, monkeypatch, page)
    assert at.info, "an empty store must say so with st.info"


@pytest.mark.parametrize("page", PAGES)
def test_a_store_with_only_the_registry_still_renders_every_page(store_copy, monkeypatch, page):
    db, _ = store_copy
    con = store.connect(db)
    for table in ("industrial", "indicators", "price_index", "projects", "sales", "service_accounts",
                  "service_visits"):
        con.execute(f'DELETE FROM "{table}"')
    con.execute("INSERT INTO import_log (batch_id, kind) VALUES (999999, 'test')")   # new data version
    con.close()
    at = _open(db, monkeypatch, page)
    if page == "pages/overview.py":
        shown = _metrics(at)
        assert shown["规上工业增加值增速"] == "—"
        assert shown["助企帮销累计"] == "—"
        infos = [i.value for i in at.info]     # the growth, project and sales charts say what is missing
        assert "规上工业增加值累计增速：暂无规上工业或主要经济指标数据。" in infos
        assert any(i.endswith("暂无助企帮销数据。") for i in infos)
    if page in ("pages/economy.py", "pages/projects.py", "pages/sales.py"):
        assert at.info                                          # the page says what to import


def _chart_specs(at: AppTest) -> list[dict]:
    """The plotly specs of the page's charts, with layout.title.text the full title as written in the
    catalogue ('subject（period）', put back together from the one-line title and its subtitle) and
    'footnote' the source line as plain text (analytics.charts draws it as the x axis title)."""
    import json
    import re
    specs = []
    for c in at.get("plotly_chart"):
        spec = json.loads(c.proto.spec)
        title = spec["layout"].get("title", {})
        sub = (title.get("subtitle") or {}).get("text") or ""
        parts = sub.replace("<br>", "").strip().split(" · ") if sub else []
        head = title.get("text", "") + "".join(parts[:-1])
        title["text"] = f"{head}（{parts[-1]}）" if parts else head
        texts = [a.get("text", "") for a in spec["layout"].get("annotations", [])]
        texts.append(((spec["layout"].get("xaxis") or {}).get("title") or {}).get("text") or "")
        plain = [re.sub(r"<[^>]+>", "", t.replace("<br>", "")).strip() for t in texts if "数据来源" in t]
        spec["footnote"] = plain[0][plain[0].index("数据来源"):] if plain else None
        specs.append(spec)
    return specs


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/economy.py"])
def test_before_the_first_period_of_the_year_the_growth_card_names_last_years_period(store_copy, monkeypatch, page):
    # 2025-02-10: 1-2月 of 2025 is not reported yet, the latest period is 2024年1-12月 (never a January-only
    # figure); a card reading only "1-12月" beside a 数据日期 of 2025 was taken for this year
    db, _ = store_copy
    at = _open(db, monkeypatch, page, as_of=dt.date(2025, 2, 10))
    labels = [m.label for m in at.metric]
    assert "2024年规上工业增加值增速" in labels
    assert not [label for label in labels if "（1月）" in label or "1-1月" in label]
    if page == "pages/economy.py":
        assert "2023年全年增速（1-12月）" in labels     # the year before the period's year, not "上年"


def test_economy_chart_draws_no_empty_series(store_copy, monkeypatch):
    # 2024 has no price index in the sample: 企业汇总（可比价） has no value that year, so it must not be a
    # legend entry with nothing drawn; at 2025-06-15 all three series have values
    db, _ = store_copy
    at = _open(db, monkeypatch, "pages/economy.py", as_of=dt.date(2025, 2, 10))
    spec = next(s for s in _chart_specs(at) if s["layout"]["title"]["text"].startswith("园区规上工业增加值累计增速"))
    assert [t["name"] for t in spec["data"]] == ["统计部门公布（可比价）", "企业汇总（现价）"]
    at = _open(db, monkeypatch, "pages/economy.py", as_of=PUBLISHED_AS_OF)
    spec = next(s for s in _chart_specs(at) if s["layout"]["title"]["text"].startswith("园区规上工业增加值累计增速"))
    assert [t["name"] for t in spec["data"]] == ["统计部门公布（可比价）", "企业汇总（现价）", "企业汇总（可比价）"]


def test_economy_with_a_sector_says_the_cards_are_park_wide(store_copy, monkeypatch):
    db, _ = store_copy
    at = _open(db, monkeypatch, "pages/economy.py", sector="绿色算力")
    assert "顶部指标为全园区口径；下方图表和企业名单按所选产业（绿色算力）。" in [c.value for c in at.caption]


def test_tables_show_a_dash_not_none_for_missing_values(store_copy, monkeypatch):
    # the registry table's 注销日期 is empty for every live entity: Streamlit printed "None" there
    db, _ = store_copy
    at = _open(db, monkeypatch, "pages/entities.py")
    table = next(d.value for d in at.table if "注销日期" in d.value.columns)
    assert (table["注销日期"] == "—").sum() > 0
    at = _open(db, monkeypatch, "pages/projects.py")
    assert at.table
    for t in at.table:
        cells = t.value.astype(str).to_numpy().ravel().tolist()
        assert not {"None", "nan", "NaT", "<NA>"} & set(cells)


def test_project_stages_before_the_first_ledger_version_say_how_they_were_dated(store_copy, monkeypatch):
    # the sample's first ledger version is of 2025-04-15: at 2024-12-31 the stages are worked out from the
    # ledger's signing/start/production dates and the footnote says so; the funnel counts the current ledger
    db, _ = store_copy
    at = _open(db, monkeypatch, "pages/projects.py", as_of=dt.date(2024, 12, 31))
    specs = {s["layout"]["title"]["text"]: s for s in _chart_specs(at)}
    assert "全园区项目推进漏斗（台账当前状态）" in specs
    stage = specs["全园区在库项目阶段分布（截至2024年12月31日）"]
    assert stage["footnote"].startswith("数据来源：招商部门项目台账 · 数据截至2024年12月31日 · 数据日期早于第一版台账")
    # the overview shows the same catalogue entry (one figure, one title)
    at = _open(db, monkeypatch, as_of=dt.date(2024, 12, 31))
    assert stage["footnote"].removesuffix("；点击条形筛选下表") in [s["footnote"] for s in _chart_specs(at)]
    at = _open(db, monkeypatch, "pages/projects.py", as_of=PUBLISHED_AS_OF)
    assert "全园区在库项目阶段分布（截至2025年6月15日）" in [s["layout"]["title"]["text"] for s in _chart_specs(at)]
    assert "在库项目" in _metrics(at)


@pytest.mark.parametrize("page, message", [
    ("pages/economy.py", "所选数据日期（2023年1月1日）下暂无规上工业数据：库中已有数据，请调整侧栏的“数据日期”或“产业”。"),
    ("pages/sales.py", "所选数据日期（2023年1月1日）下暂无助企帮销数据：库中已有数据，请调整侧栏的“数据日期”或“产业”。"),
])
def test_a_date_before_the_data_says_so_instead_of_asking_for_an_import(store_copy, monkeypatch, page, message):
    # the sample's industrial data start in 2024 and its sales in 2024-07: at 2023-01-01 the pages asked
    # the analyst to import workbooks that were already imported
    db, _ = store_copy
    at = _open(db, monkeypatch, page, as_of=dt.date(2023, 1, 1))
    assert [i.value for i in at.info] == [message]


@pytest.mark.parametrize("page, message", [
    ("pages/economy.py", "暂无规上工业数据：请先在“数据导入”页导入规上工业企业主要指标或主要经济指标。"),
    ("pages/sales.py", "暂无助企帮销数据：请先导入助企帮销台账。"),
    ("pages/entities.py", "暂无市场主体数据：请先导入市场主体名录。"),
])
def test_an_empty_store_asks_for_the_import(tmp_path, monkeypatch, page, message):
    db = tmp_path / "empty.duckdb"
    store.connect(db).close()
    at = _open(db, monkeypatch, page)
    assert [i.value for i in at.info] == [message]


def test_a_year_without_signings_shows_empty_states_not_empty_axes(store_copy, monkeypatch):
    # 2023-01-01: no project signed yet; the sector and monthly charts drew bare axes (six bars of 0)
    db, _ = store_copy
    at = _open(db, monkeypatch, "pages/projects.py", as_of=dt.date(2023, 1, 1))
    infos = [i.value for i in at.info]
    assert "2023年签约项目产业分布（截至2023年1月1日）：2023年1月1日至1月1日尚无签约项目。" in infos
    assert "2023年逐月签约项目与累计计划投资（截至2023年1月1日）：2023年1月1日至1月1日尚无签约项目。" in infos
    titles = [s["layout"]["title"]["text"] for s in _chart_specs(at)]
    assert not [t for t in titles if "签约项目产业分布" in t or "逐月签约项目" in t]


@pytest.mark.parametrize("page", PAGES)
def test_a_date_after_the_latest_data_is_flagged_on_every_page(store_copy, monkeypatch, page):
    # at 2025-12-31 the sample (last record 2025-06-15) showed 近一年新设 554户 and six empty months as if
    # nothing had been registered: every page now says the months after the data are unknown
    db, _ = store_copy
    at = _open(db, monkeypatch, page, as_of=dt.date(2025, 12, 31))
    assert [w.value for w in at.warning] == [
        "所选数据日期晚于库中数据的最新日期（2025年6月15日）：此后的月份尚未导入数据，图表中这些月份为空，"
        "“近一年”“累计”等指标只含到2025年6月15日为止的记录。"]
    at = _open(db, monkeypatch, page, as_of=PUBLISHED_AS_OF)
    assert not at.warning


def test_economy_mover_tables_fit_half_the_page(store_copy, monkeypatch):
    # the long headers (本年累计（万元） ...) pushed 增速（%） out of the half-width column; the titles carry 万元
    db, _ = store_copy
    at = _open(db, monkeypatch, "pages/economy.py", as_of=PUBLISHED_AS_OF)
    movers = [d.value for d in at.table if "增减" in d.value.columns]
    assert len(movers) == 2
    for frame in movers:
        assert list(frame.columns) == ["企业名称", "产业", "本年累计", "上年同期", "增减", "增速（%）"]
    titles = [m.value for m in at.markdown if m.value.startswith("**增加值")]
    assert titles == ["**增加值增长最多的企业（2025年1-5月，万元）**", "**增加值下降最多的企业（2025年1-5月，万元）**"]


def test_quality_page_says_it_ignores_the_sidebar_filters(store_copy, monkeypatch):
    db, _ = store_copy
    at = _open(db, monkeypatch, "pages/quality.py", sector="绿色算力")
    assert at.caption[0].value.endswith("本页为全库口径，不随数据日期和产业筛选变化")
