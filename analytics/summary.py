"""The headline figures: one function feeds the command line (summary --json), the overview page
and the briefing.

headline(con, as_of) returns a JSON-ready dict with the keys of issue 2 item 6
plus a few more; a key whose dataset is empty is None.
"""
from __future__ import annotations

from datetime import date, timedelta

import duckdb

from analytics import fmt
from analytics.metrics import entities, growth, projects, sales, service
from analytics.metrics._common import as_date, is_empty, none_if_nan, one_year_before
from analytics.schema import ENTITY_TYPES, STAGES

MEDICAL_SECTOR = "医疗器械"

# (table, column, is_period): the dates that tell how far the data reaches
_DATE_COLUMNS = (
    ("entities", "established_on", False), ("entities", "closed_on", False),
    ("sales", "sold_on", False),
    ("projects", "signed_on", False), ("projects", "started_on", False), ("projects", "producing_on", False),
    ("service_visits", "visited_on", False), ("service_visits", "resolved_on", False),
    ("industrial", "period", True), ("indicators", "period", True),
)


def default_as_of(con: duckdb.DuckDBPyConnection, today: date | None = None) -> date:
    """The latest date the data supports: the maximum, over every dataset, of the dates it records
    (entities established/closed, sales, projects signed/started/producing, visits and resolutions,
    and the last day of the latest industrial/indicator period), ignoring dates after `today`
    (default: date.today()); `today` when the store holds no dates. Due dates (plans) never count."""
    today = as_date(today) if today is not None else date.today()
    parts = []
    for table, col, is_period in _DATE_COLUMNS:
        expr = f"last_day({col})" if is_period else col
        parts.append(f'SELECT max({expr}) AS d FROM "{table}" WHERE {expr} <= ?')
    sql = "SELECT max(d) FROM (" + " UNION ALL ".join(parts) + ")"
    d = con.execute(sql, [today] * len(parts)).fetchone()[0]
    return as_date(d) if d is not None else today


def headline(con: duckdb.DuckDBPyConnection, as_of: date) -> dict:
    """The headline figures at as_of, JSON-serialisable.

    Keys (issue 2, summary --json): as_of 'YYYY-MM-DD'; entities_total (户 alive at as_of);
    entities_new_12m (established in (as_of - 1 year, as_of]); entities_by_type {企业, 个体工商户,
    农民专业合作社: 户}; entities_new_by_month {'YYYY-MM': 户, the 12 months ending with as_of's month};
    industrial_growth_ytd (percent, one decimal, see growth.headline_growth); industrial_growth_period
    'YYYY-MM'; industrial_growth_basis 'official'/'enterprise'; industrial_growth_series
    {'YYYY-MM': percent}; industrial_growth_last_year (1-12月 of the year before); projects_signed_ytd
    (个 signed in [1 Jan, as_of]); projects_investment_ytd_yi (亿元, two decimals);
    projects_signed_ytd_by_sector {sector: 个}; projects_by_stage {洽谈, 签约, 开工, 投产, 停滞: 个, whole
    ledger}; sales_assistance_total_wan (万元 up to as_of, two decimals); sales_assistance_by_channel_wan
    {channel: 万元}; key_accounts (个).
    More: entities_closed_12m, industrial_growth_label ('1-5月'; '2024年1-12月' when the period is
    not in as_of's year), industrial_growth_change_pp
    (vs last year's 1-12月, 个百分点), industrial_growth_enterprise / _official / _comparable,
    industrial_growth_last_year_period, projects_signed_ytd_medical, projects_investment_ytd_wan,
    projects_total, sales_assistance_since ('YYYY-MM-DD', first sale).
    Comparisons (issue 12): entities_cancelled_12m (注销、吊销) and entities_moved_out_12m (迁出) counted
    apart (their sum is entities_closed_12m); entities_total_year_ago (户 alive one year before);
    entities_new_prev_12m (new in the twelve months before the last twelve); industrial_growth_prev_period
    ('YYYY-MM', the previous cumulative period of the same year on the headline's basis) and
    industrial_growth_change_prev_pp; industrial_growth_same_period_last_year (percent, same period a
    year earlier, same basis) and industrial_growth_change_same_period_pp; industrial_growth_month_pct
    (当月, from two cumulative periods) with industrial_growth_month_basis ('current'/'comparable');
    sales_assistance_ytd_wan / sales_assistance_ytd_prev_wan (1 January to as_of, and the same days a
    year earlier, 万元). Every growth comparison is on the headline's own price basis.
    """
    d = as_date(as_of)
    h: dict = {"as_of": d.isoformat()}

    if is_empty(con, "entities"):
        for k in ("entities_total", "entities_new_12m", "entities_by_type", "entities_new_by_month",
                  "entities_closed_12m", "entities_cancelled_12m", "entities_moved_out_12m",
                  "entities_total_year_ago", "entities_new_prev_12m"):
            h[k] = None
    else:
        counts = _entity_counts(con, d)
        h["entities_total"] = counts["total"]
        h["entities_new_12m"] = counts["new_12m"]
        h["entities_by_type"] = {t: counts[t] for t in ENTITY_TYPES}
        nbm = entities.new_by_month(con, d, 12)
        h["entities_new_by_month"] = {m: int(n) for m, n in zip(nbm["month"], nbm["new"])}
        h["entities_closed_12m"] = counts["closed_12m"]
        h["entities_cancelled_12m"] = counts["cancelled_12m"]
        h["entities_moved_out_12m"] = counts["moved_out_12m"]
        h["entities_total_year_ago"] = counts["total_year_ago"]
        h["entities_new_prev_12m"] = counts["new_prev_12m"]

    g = growth.headline_growth(con, d)
    h["industrial_growth_ytd"] = g.pct
    h["industrial_growth_period"] = None if g.period is None else f"{g.period.year:04d}-{g.period.month:02d}"
    h["industrial_growth_basis"] = g.basis
    h["industrial_growth_series"] = dict(g.series) if g.period is not None else None
    h["industrial_growth_last_year"] = g.last_year_pct
    # the label names the year when the figure is not from as_of's year (a card reading
    # "增速（1-12月）" in February 2025 would pass 2024's figure off as this year's)
    h["industrial_growth_label"] = (g.label if g.period is None or g.period.year == d.year
                                    else fmt.period_label(g.period, with_year=True))
    h["industrial_growth_change_pp"] = g.change_pp
    h["industrial_growth_enterprise"] = g.enterprise_pct
    h["industrial_growth_official"] = g.official_pct
    h["industrial_growth_comparable"] = g.comparable_pct
    h["industrial_growth_last_year_period"] = (None if g.last_year_period is None
                                               else f"{g.last_year_period.year:04d}-{g.last_year_period.month:02d}")
    h["industrial_growth_prev_period"] = None if g.prev_period is None else fmt.month_key(g.prev_period)
    h["industrial_growth_change_prev_pp"] = g.change_prev_pp
    h["industrial_growth_same_period_last_year"] = g.same_period_last_year_pct
    h["industrial_growth_change_same_period_pp"] = g.change_same_period_pp
    h["industrial_growth_month_pct"] = g.month_pct
    h["industrial_growth_month_basis"] = g.month_basis

    if is_empty(con, "projects"):
        for k in ("projects_signed_ytd", "projects_investment_ytd_yi", "projects_signed_ytd_by_sector",
                  "projects_by_stage", "projects_signed_ytd_medical", "projects_investment_ytd_wan",
                  "projects_total", "projects_state_note"):
            h[k] = None
    else:
        n, inv, by_sector = projects.signed_summary(con, d)
        h["projects_signed_ytd"] = n
        h["projects_investment_ytd_yi"] = float(fmt.round_half_up(inv / 10000, 2))
        h["projects_signed_ytd_by_sector"] = by_sector
        st = projects.by_stage(con, None, d)   # the ledger version known at d (metrics.history)
        h["projects_by_stage"] = {s: int(c) for s, c in zip(st["stage"], st["count"])}
        h["projects_state_note"] = projects.state_note(con, d)
        h["projects_signed_ytd_medical"] = by_sector.get(MEDICAL_SECTOR, 0)
        h["projects_investment_ytd_wan"] = float(fmt.round_half_up(inv, 2))
        h["projects_total"] = int(st["count"].sum())

    first_sale = con.execute("SELECT min(sold_on) FROM sales WHERE sold_on <= ?", [d]).fetchone()[0]
    if first_sale is None:
        h["sales_assistance_total_wan"] = None
        h["sales_assistance_by_channel_wan"] = None
        h["sales_assistance_since"] = None
        h["sales_assistance_ytd_wan"] = None
        h["sales_assistance_ytd_prev_wan"] = None
    else:
        by_channel = sales.by_channel_dict(con, d)
        h["sales_assistance_total_wan"] = float(fmt.round_half_up(sales.total(con, d), 2))
        h["sales_assistance_by_channel_wan"] = by_channel
        h["sales_assistance_since"] = as_date(first_sale).isoformat()
        ytd, ytd_prev = sales.yoy(con, d)
        h["sales_assistance_ytd_wan"] = float(fmt.round_half_up(ytd, 2))
        h["sales_assistance_ytd_prev_wan"] = float(fmt.round_half_up(ytd_prev, 2))

    h["key_accounts"] = None if is_empty(con, "service_accounts") else service.key_accounts(con)
    return {k: none_if_nan(v) if not isinstance(v, dict) else v for k, v in h.items()}


def _entity_counts(con: duckdb.DuckDBPyConnection, d: date) -> dict:
    """Stock at d by type, new and closed in (d - 1 year, d] (closures apart from 迁出), the stock a
    year before and the new entities of the twelve months before that, in one scan of the registry
    (the definitions of analytics.metrics.entities)."""
    y = one_year_before(d)
    y2 = one_year_before(y)
    moved = entities.MOVED_OUT_STATUS
    row = con.execute(f"""
        SELECT count(*) FILTER (WHERE alive),
               count(*) FILTER (WHERE alive AND t = '企业'),
               count(*) FILTER (WHERE alive AND t = '个体工商户'),
               count(*) FILTER (WHERE alive AND t = '农民专业合作社'),
               count(*) FILTER (WHERE established_on > ? AND established_on <= ?),
               count(*) FILTER (WHERE closed_on > ? AND closed_on <= ?),
               count(*) FILTER (WHERE closed_on > ? AND closed_on <= ? AND status IS DISTINCT FROM ?),
               count(*) FILTER (WHERE closed_on > ? AND closed_on <= ? AND status = ?),
               count(*) FILTER (WHERE established_on <= ? AND (closed_on IS NULL OR closed_on > ?)),
               count(*) FILTER (WHERE established_on > ? AND established_on <= ?)
        FROM (SELECT established_on, status, {entities.CLOSED_SQL} AS closed_on, {entities.TYPE_SQL} AS t,
                     {entities.ALIVE_SQL} AS alive FROM entities)""",
                      [y, d, y, d, y, d, moved, y, d, moved, y, y, y2, y, d, d]).fetchone()
    return {"total": int(row[0]), "企业": int(row[1]), "个体工商户": int(row[2]), "农民专业合作社": int(row[3]),
            "new_12m": int(row[4]), "closed_12m": int(row[5]), "cancelled_12m": int(row[6]),
            "moved_out_12m": int(row[7]), "total_year_ago": int(row[8]), "new_prev_12m": int(row[9])}


STAGE_KEYS = STAGES  # the order of projects_by_stage

# (dataset label, SQL giving the latest date it supports, or None): the dates that say how far it reaches
_COVERAGE = (
    ("entities", "市场主体名录", f"SELECT max(greatest(established_on, coalesce({entities.CLOSED_SQL}, established_on))) "
                             "FROM entities"),
    ("industrial", "规上工业企业数据", "SELECT last_day(max(period)) FROM industrial WHERE month(period) > 1"),
    ("indicators", "主要经济指标", "SELECT last_day(max(period)) FROM indicators WHERE month(period) > 1"),
    ("projects", "招商项目台账", "SELECT max(greatest(coalesce(signed_on, DATE '1900-01-01'), "
                            "coalesce(started_on, DATE '1900-01-01'), coalesce(producing_on, DATE '1900-01-01'))) "
                            "FROM projects"),
    ("sales", "助企帮销台账", "SELECT max(sold_on) FROM sales"),
    ("service_visits", "走访台账", "SELECT max(greatest(visited_on, coalesce(resolved_on, visited_on))) "
                                "FROM service_visits"),
)


def coverage(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """How far each loaded dataset reaches: one dict per non-empty dataset, in _COVERAGE order:
    {'dataset': table, 'label': Chinese name, 'latest': date (the latest date it records; for the
    monthly industrial/indicator tables the last day of the latest cumulative period),
    'period': 'YYYY-MM' for those two tables, else None}. A ledger whose dates are all before 1901
    (none recorded) is left out."""
    out = []
    for table, label, sql in _COVERAGE:
        if is_empty(con, table):
            continue
        d = con.execute(sql).fetchone()[0]
        if d is None or as_date(d).year <= 1900:
            continue
        d = as_date(d)
        out.append({"dataset": table, "label": label, "latest": d,
                    "period": fmt.month_key(d) if table in ("industrial", "indicators") else None})
    return out


def _reach_text(c: dict) -> str:
    """'市场主体名录至2025年6月15日', '规上工业企业数据至2025年1-5月'."""
    if c["period"]:
        return f"{c['label']}至{fmt.period_label(c['latest'], with_year=True)}"
    return f"{c['label']}至{fmt.date_cn(c['latest'])}"


def publication_lag(con: duckdb.DuckDBPyConnection, as_of: date) -> dict:
    """Whether as_of runs ahead of the data (publication lag), and the words that say so.

    Returns {'as_of': date, 'latest': the latest date any dataset supports (None when empty),
    'behind': [coverage dicts of the datasets that lag as_of], 'ahead': True when as_of is after every
    dataset's latest date, 'message': a Chinese warning naming the latest date each dataset supports,
    or None}. Only the monthly tables can lag while other data run on: one lags when its latest period
    ends before the month before as_of's month (the office reports a month after it ends: 1-4月 and
    1-5月 are both current at 2025-06-15). A ledger's latest entry says nothing about lag (no project
    may have been signed for months), so the others only count for 'ahead'."""
    d = as_date(as_of)
    cov = coverage(con)
    latest = max((c["latest"] for c in cov), default=None)
    behind = []
    for c in cov:
        if c["period"]:
            month_before_as_of = (d.replace(day=1) - timedelta(days=1)).replace(day=1)
            lagging = c["latest"] < month_before_as_of - timedelta(days=1)
        else:
            lagging = False
        if lagging:
            behind.append(c)
    ahead = latest is not None and latest < d
    message = None
    if ahead:
        message = (f"数据日期{fmt.date_cn(d)}晚于全部数据的最新日期{fmt.date_cn(latest)}："
                   + "、".join(_reach_text(c) for c in cov)
                   + f"。{fmt.date_cn(latest)}之后尚无数据，按数据日期计算的“近一年”“截至”等数字不含此后情况，"
                     f"请将数据日期设为{fmt.date_cn(latest)}或导入新数据。")
    elif behind:
        message = ("部分数据未更新到数据日期" + fmt.date_cn(d) + "：" + "、".join(_reach_text(c) for c in behind)
                   + "，相关数字只反映到该日期。")
    return {"as_of": d, "latest": latest, "behind": behind, "ahead": ahead, "message": message}
