"""Prose in the park's style, built from the headline figures (analytics.summary.headline).

This module is the one place where each subject's lead sentence is worded; the overview paragraph
(overview_paragraph) joins them, and the monthly briefing (analytics.briefing) starts each subject's
paragraph with the same sentence and adds only its extra sentences.

Each sentence is built from figures only and reads the date from h["as_of"] ('YYYY-MM-DD');
a dataset that is missing (its figure None) drops its sentence.
"""
from __future__ import annotations

from datetime import date

from analytics import fmt
from analytics.schema import SECTORS

OTHER_SECTOR = "其他"


def _d(text: str) -> date:
    return date.fromisoformat(text[:10])


def since_text(since) -> str:
    """Where a running total starts: '2024年下半年以来' (from July), '2024年以来' (from January),
    else '2024年9月以来'. `since` is a date or 'YYYY-MM-DD'."""
    d = _d(since) if isinstance(since, str) else since
    if d.month == 7:
        return f"{d.year}年下半年以来"
    if d.month == 1:
        return f"{d.year}年以来"
    return f"{d.year}年{d.month}月以来"


def entities_sentence(h: dict) -> str | None:
    """'园区各类市场主体总数6879户，近一年新设立市场主体1163户' (户 alive at as_of; new in the twelve
    months to as_of); none new: '…，近一年无新设立市场主体'."""
    if h.get("entities_total") is None:
        return None
    s = f"园区各类市场主体总数{fmt.count(h['entities_total'], '户')}"
    new12 = h.get("entities_new_12m")
    if new12 is not None:
        s += f"，近一年新设立市场主体{fmt.count(new12, '户')}" if new12 else "，近一年无新设立市场主体"
    return s


def _count_change(delta: int, unit: str) -> str:
    """+12 -> '增加12户', -3 -> '减少3户', 0 -> '持平'."""
    if delta == 0:
        return "持平"
    return f"{'增加' if delta > 0 else '减少'}{abs(delta)}{unit}"


def entities_change_sentence(h: dict) -> str | None:
    """The year-on-year clauses of the registry, 同比 in percent and endings counted apart (迁出 is not a
    closure, DATA.md): '市场主体总数较上年同日增加964户、增长16.3%，近一年新设立市场主体同比增长35.0%，
    近一年注销、吊销183户，迁出16户'. Clauses whose figures are missing (or zero endings) are left out."""
    total, before = h.get("entities_total"), h.get("entities_total_year_ago")
    parts = []
    if total is not None and before:
        t = f"市场主体总数较上年同日{_count_change(total - before, '户')}"
        if total != before:
            t += f"、{fmt.change_pct_text((total / before - 1) * 100)}"
        parts.append(t)
    new, new_prev = h.get("entities_new_12m"), h.get("entities_new_prev_12m")
    if new is not None and new_prev:
        parts.append(f"近一年新设立市场主体同比{fmt.change_pct_text((new / new_prev - 1) * 100)}")
    cancelled, moved = h.get("entities_cancelled_12m"), h.get("entities_moved_out_12m")
    if cancelled is None and moved is None and h.get("entities_closed_12m"):
        cancelled = h["entities_closed_12m"]
    if cancelled:
        parts.append(f"近一年注销、吊销{fmt.count(cancelled, '户')}")
    if moved:
        parts.append(f"{'' if cancelled else '近一年'}迁出{fmt.count(moved, '户')}")
    return "，".join(parts) if parts else None


def share_sentence(who: str, n: int, total: int) -> str:
    """'医疗器械产业市场主体2000户，占29.1%' (percent rounded 四舍五入)."""
    return f"{who}市场主体{fmt.count(n, '户')}，占{fmt.pct(n / total * 100) if total else fmt.MISSING}"


def growth_sentence(h: dict) -> str | None:
    """'1-5月，园区规上工业增加值增速9.9%，较2024年全年（3.0%）提高6.9个百分点' (percent, cumulative
    period industrial_growth_period, compared with the previous year's 1-12月).

    The period is named as the park does, against the year of h["as_of"]: '1-5月' in that year,
    '2024年1-5月' in another; a December period is '1-12月' (compared '较上年'), or '2024年全年'
    in another year. A figure from enterprise data (no official rate loaded) says so:
    '（根据企业数据测算，现价）'."""
    if h.get("industrial_growth_ytd") is None or not h.get("industrial_growth_period"):
        return None
    period = _d(h["industrial_growth_period"] + "-01")
    same_year = period.year == _d(h["as_of"]).year
    if period.month == 12:
        lead = "1-12月" if same_year else f"{period.year}年全年"
    else:
        lead = fmt.period_label(period, with_year=not same_year)
    s = f"{lead}，园区规上工业增加值增速{fmt.pct(h['industrial_growth_ytd'])}"
    if h.get("industrial_growth_basis") == "enterprise":
        s += "（根据企业数据测算，现价）"
    last = h.get("industrial_growth_last_year")
    change = h.get("industrial_growth_change_pp")
    if last is not None and change is not None:
        ref = "上年" if period.month == 12 else f"{period.year - 1}年全年"
        s += f"，较{ref}（{fmt.pct(last)}）{fmt.change_pp_text(change)}"
    prev, change_prev = h.get("industrial_growth_prev_period"), h.get("industrial_growth_change_prev_pp")
    if prev and change_prev is not None:
        s += f"，比{fmt.period_label(prev + '-01')}{fmt.accel_text(change_prev)}"
    same, change_same = h.get("industrial_growth_same_period_last_year"), h.get("industrial_growth_change_same_period_pp")
    if same is not None and change_same is not None and period.month != 12:
        s += f"，比上年同期（{fmt.pct(same)}）{fmt.change_pp_text(change_same)}"
    return s


def month_growth_sentence(h: dict) -> str | None:
    """当月 growth derived from two cumulative periods, with its basis: '5月当月增长7.6%（企业数据测算，
    可比价）' (no 其中); None for 1-2月 or when the month before is not reported."""
    m, basis = h.get("industrial_growth_month_pct"), h.get("industrial_growth_month_basis")
    if m is None or not h.get("industrial_growth_period"):
        return None
    month = int(h["industrial_growth_period"][5:7])
    return f"{month}月当月{fmt.change_pct_text(m)}（企业数据测算，{'可比价' if basis == 'comparable' else '现价'}）"


NAMES_SHOWN = 5  # enterprises named in a sentence; more are counted ('等7家')


def _names(frame) -> str:
    names = [str(n) for n in frame["name"].head(NAMES_SHOWN)]
    more = "等" if len(frame) > NAMES_SHOWN else ""
    return "、".join(names) + more


def gap_sentence(gd, n_enterprises: int | None = None) -> str | None:
    """Why the enterprise figures and the official rate differ, as the park's statisticians explain it
    (gd: analytics.metrics.growth.GapDecomposition), clauses joined by '；', no final '。':
    '按45家规上工业企业数据汇总测算，现价增速9.9%；扣除价格因素（工业生产者出厂价格指数101.8，上年同期=100）
    后可比价增速8.0%，价格因素影响1.9个百分点；新纳入规上统计企业1家（青海远源…），上年同期无数据、按零计入，
    拉高可比价增速3.6个百分点，剔除后可比价增速4.4%；退出规上统计企业1家（青海川诚…，上年1-5月增加值1.1亿元），
    同口径比较不计入上年基数；企业汇总可比价增速比公布数低1.9个百分点，差额为统计部门价格缩减、数据审核等口径
    差异，以公布数为准'. Every comparison is on one basis: without a price index the enterprise 现价 rate
    is not set against the official 可比价 one. None when there are no enterprise figures."""
    if gd is None or gd.current_pct is None:
        return None
    who = f"按{n_enterprises}家规上工业企业数据汇总测算" if n_enterprises else "按企业数据汇总测算"
    parts = [f"{who}，现价增速{fmt.pct(gd.current_pct)}"]
    if gd.comparable_pct is not None:
        parts.append(f"扣除价格因素（工业生产者出厂价格指数{fmt.number(gd.price_index)}，上年同期=100）后可比价增速"
                     f"{fmt.pct(gd.comparable_pct)}，价格因素影响{fmt.pp(abs(gd.price_effect_pp or 0))}")
    elif gd.official_pct is not None:
        parts.append("未导入价格指数，企业汇总无法折算为可比价，不与公布数（可比价）直接比较")
    basis = "可比价" if gd.entrants_basis == "comparable" else "现价"
    n_new = len(gd.entrants)
    if n_new and gd.entrants_pp is not None:
        t = (f"新纳入规上统计企业{n_new}家（{_names(gd.entrants)}），上年同期无数据、按零计入，"
             f"{'拉高' if gd.entrants_pp >= 0 else '拉低'}{basis}增速{fmt.pp(abs(gd.entrants_pp))}")
        if gd.without_entrants_pct is not None:
            t += f"，剔除后{basis}增速{fmt.pct(gd.without_entrants_pct)}"
        parts.append(t)
    if gd.leavers_known and len(gd.leavers):
        amounts = fmt.wan_texts(gd.leavers["prev_list_ytd"].head(NAMES_SHOWN)) if len(gd.leavers) <= NAMES_SHOWN else []
        if len(gd.leavers) == 1:
            named = f"{gd.leavers['name'].iloc[0]}，上年{gd.label}增加值{amounts[0]}"
        else:
            named = f"{_names(gd.leavers)}，上年{gd.label}增加值合计{fmt.wan_to_text(gd.leavers_wan)}"
        parts.append(f"退出规上统计企业{len(gd.leavers)}家（{named}），同口径比较不计入上年基数")
    if gd.official_pct is not None and gd.comparable_pct is not None and gd.residual_pp is not None:
        r = gd.residual_pp
        if fmt.round_half_up(r, 1) == 0:
            parts.append("企业汇总可比价增速与公布数一致")
        else:
            parts.append(f"企业汇总可比价增速比公布数{'低' if r > 0 else '高'}{fmt.pp(abs(r))}，"
                         "差额为统计部门价格缩减、数据审核等口径差异，以公布数为准")
    return "；".join(parts)


def contribution_sentence(contrib) -> str | None:
    """The sectors pulling growth up (two largest) and down (largest drag), rounded as shown (四舍五入:
    a 拉动 of 2.25 reads 2.3 beside a total of 2.3%); contrib: growth.sector_contribution.
    '分产业看，医疗器械、医药产业分别拉动增长2.3、1.0个百分点，其他产业下拉0.5个百分点（企业数据，现价）'."""
    if contrib is None or not len(contrib):
        return None
    c = contrib[contrib["contribution_pp"].notna()]
    shown = [float(fmt.round_half_up(v, 1)) for v in c["contribution_pp"]]
    c = c.assign(_shown=shown)
    up = c[c["_shown"] > 0].head(2)
    down = c[c["_shown"] < 0].sort_values("contribution_pp").head(1)
    if not len(up):
        return None
    if len(up) == 1:
        t = f"分产业看，{up['sector'].iloc[0]}产业拉动增长{fmt.pp(up['contribution_pp'].iloc[0])}"
    else:
        t = (f"分产业看，{'、'.join(up['sector'])}产业分别拉动增长"
             f"{'、'.join(fmt.number(v) for v in up['contribution_pp'])}个百分点")
    if len(down):
        t += f"，{down['sector'].iloc[0]}产业下拉{fmt.pp(abs(down['contribution_pp'].iloc[0]))}"
    return t + "（企业数据，现价）"


def projects_sentence(h: dict) -> str | None:
    """'2025年以来，园区新签约项目39个，总投资23.5亿元，涉及医疗器械、医药等产业，其中医疗器械项目12个'
    (个 signed from 1 January of as_of's year to as_of; investment 万元 as the park writes it; the
    named sectors in schema.SECTORS order, '其他' left out); none: '2025年以来暂无新签约项目'."""
    n = h.get("projects_signed_ytd")
    if n is None:
        return None
    year = _d(h["as_of"]).year
    if n == 0:
        return f"{year}年以来暂无新签约项目"
    s = f"{year}年以来，园区新签约项目{fmt.count(n, '个')}"
    wan = h.get("projects_investment_ytd_wan")
    if wan is None and h.get("projects_investment_ytd_yi") is not None:
        wan = h["projects_investment_ytd_yi"] * 10000
    if wan is not None:
        s += f"，总投资{fmt.wan_to_text(wan)}"
    by_sector = h.get("projects_signed_ytd_by_sector") or {}
    named = [sec for sec in SECTORS if sec != OTHER_SECTOR and by_sector.get(sec)]
    if named:
        s += f"，涉及{'、'.join(named)}{'等' if len(named) > 1 else ''}产业"
    medical = h.get("projects_signed_ytd_medical")
    if medical:
        s += f"，其中医疗器械项目{fmt.count(medical, '个')}"
    return s


def sales_sentence(h: dict) -> str | None:
    """'2024年下半年以来，园区累计助企帮销9000余万元' (万元 from the first sale to as_of, see since_text)."""
    total = h.get("sales_assistance_total_wan")
    if total is None:
        return None
    since = h.get("sales_assistance_since")
    prefix = f"{since_text(since)}，" if since else ""
    return f"{prefix}园区累计助企帮销{fmt.wan_to_text(total)}"


def sales_ytd_clause(h: dict) -> str | None:
    """'，其中2025年以来5700余万元，同比增长12.5%' when the campaign began before as_of's year (the 同比
    part only when the same days a year earlier had sales)."""
    since, ytd = h.get("sales_assistance_since"), h.get("sales_assistance_ytd_wan")
    if not since or not ytd:
        return None
    year = _d(h["as_of"]).year
    if _d(since).year >= year:
        return None
    t = f"，其中{year}年以来{fmt.wan_to_text(ytd)}"
    prev = h.get("sales_assistance_ytd_prev_wan")
    if prev:
        t += f"，同比{fmt.change_pct_text((ytd / prev - 1) * 100)}"
    return t


def sales_channels_sentence(channels) -> str | None:
    """'分渠道看，机关单位采购2800余万元（占31.3%）、消费帮扶2600余万元（占28.5%）、…' from the rows of
    sales.by_dimension(..., 'channel') given (peers: one 余 unit, fmt.wan_texts); None for fewer than two."""
    if channels is None or len(channels) < 2:
        return None
    amounts = fmt.wan_texts(channels["amount_wan"])
    return "分渠道看，" + "、".join(f"{c}{a}（占{fmt.pct(p)}）"
                                for c, a, p in zip(channels["channel"], amounts, channels["share_pct"]))


def sales_milestone_sentence(name: str, when: str, amount_wan: float) -> str:
    """Sales since a milestone are every channel's, said so: '5月24日展销会以来，各渠道合计帮销1300余万元'."""
    return f"{when}{name}以来，各渠道合计帮销{fmt.wan_to_text(amount_wan)}"


def month_only_note(rows) -> str | None:
    """The disclosure for ledger rows dated by month only (sales.month_only_rows):
    '消费帮扶按月登记（113笔、2600余万元），计入各月1日，按日起算的数字含其整月'."""
    if rows is None or not len(rows):
        return None
    parts = [f"{c}（{int(n)}笔、{fmt.wan_to_text(a)}）" for c, n, a in zip(rows["channel"], rows["rows"],
                                                                      rows["amount_wan"])]
    return f"{'、'.join(parts)}按月登记，计入各月1日，按日起算的数字含其整月"


def partial_month_note(as_of) -> str | None:
    """'6月为1-15日数据' when as_of is not the last day of its month (the last bar is a partial month)."""
    import calendar
    d = _d(as_of) if isinstance(as_of, str) else as_of
    last = calendar.monthrange(d.year, d.month)[1]
    if d.day == last:
        return None
    return f"{d.month}月为1日数据" if d.day == 1 else f"{d.month}月为1-{d.day}日数据"


def lag_title(title: str, as_of, lag: dict | None) -> str:
    """A briefing's title names the month its data reach, not a later date: with the data to 2025-06-15
    and as_of 2025-07-31 the title says '（2025年6月，数据截至6月15日）' instead of '（2025年7月）'."""
    d = _d(as_of) if isinstance(as_of, str) else as_of
    latest = (lag or {}).get("latest")
    if lag and lag.get("ahead") and latest is not None:
        return f"{title}（{latest.year}年{latest.month}月，数据截至{latest.month}月{latest.day}日）"
    return f"{title}（{d.year}年{d.month}月）"


def service_sentence(h: dict) -> str | None:
    """'园区党委班子成员包保重点企业和项目67个' (个 distinct accounts); None when there are none."""
    n = h.get("key_accounts")
    if not n:
        return None
    return f"园区党委班子成员包保重点企业和项目{fmt.count(n, '个')}"


def demands_clause(n_dem: int, done: int, median_days: float | None) -> str:
    """'，收集企业诉求3件，已办结1件，办结率33.3%，办结用时中位数13天' (rate and days 四舍五入: 12.5 -> 13天)."""
    t = f"，收集企业诉求{n_dem}件，已办结{done}件，办结率{fmt.pct(done / n_dem * 100)}"
    if median_days is not None and done:
        t += f"，办结用时中位数{fmt.days(median_days)}"
    return t


def overview_paragraph(headline: dict) -> str:
    """One paragraph of the overview in the park's style, the lead sentences joined:
    '截至2025年6月15日，园区各类市场主体总数6879户，近一年新设立市场主体1163户；1-5月，园区规上工业增加值增速9.9%，…。'
    Sentences whose figures are missing are dropped; with no figures at all: '截至…，暂无数据。'."""
    head = f"截至{fmt.date_cn(_d(headline['as_of']))}，"
    parts = [p for p in (entities_sentence(headline), growth_sentence(headline), projects_sentence(headline),
                         sales_sentence(headline), service_sentence(headline)) if p]
    if not parts:
        return head + "暂无数据。"
    return head + "；".join(parts) + "。"


def lag_subtitle(as_of, lag: dict | None) -> str:
    """The briefing's subtitle: '数据截至2025年6月15日'; when as_of runs ahead of every dataset
    (summary.publication_lag) it says so: '简报日期2025年7月31日，数据截至2025年6月15日，此后数据尚未报送'."""
    d = _d(as_of) if isinstance(as_of, str) else as_of
    latest = (lag or {}).get("latest")
    if lag and lag.get("ahead") and latest is not None:
        return f"简报日期{fmt.date_cn(d)}，数据截至{fmt.date_cn(latest)}，此后数据尚未报送"
    return f"数据截至{fmt.date_cn(d)}"
