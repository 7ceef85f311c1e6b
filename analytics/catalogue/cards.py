"""Catalogue: the metric cards of each page, worded once (label, value, change, help, trend).

No streamlit here: a page places a row with app_lib.ui.cards(ui.run(cards.overview, as_of)). The card
texts are fmt's (四舍五入, units); a card's `delta` starting with + or - is a change (Streamlit colours
and arrows it), a `neutral` delta is a note beside the value (no colour, no arrow).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from analytics import fmt, summary
from analytics.metrics import entities, growth, one_year_before, projects, quality, sales, service
from analytics.metrics._common import memo_scope


@dataclass(frozen=True)
class Card:
    """One metric card. trend: numbers oldest first (a sparkline, drawn when it has two or more);
    literal: value is text from the data (escaped when shown)."""
    label: str
    value: str
    delta: str | None = None
    help: str | None = None
    trend: tuple[float, ...] = ()
    chart_type: str = "line"
    neutral: bool = False
    literal: bool = False


def _trend(values) -> tuple[float, ...]:
    """A sparkline's values as a tuple (app_lib.ui.metric drops the missing ones)."""
    return tuple(values)


def _stock_card(con, as_of: date, sector: str | None, total: int) -> Card:
    """市场主体总数 with its change against the same day a year before (户, 同比 %) and the month-end
    stock over that year as its trend."""
    before = entities.stock_at(con, one_year_before(as_of), sector)
    trend = entities.stock_series(con, one_year_before(as_of), as_of, "month", sector)["stock"]
    yoy = entities.yoy_pct(total, before)
    change = f"{total - before:+d}户" + (f"（同比{fmt.change_pct_text(yoy)}）" if yoy is not None else "（较上年同日）")
    return Card("市场主体总数", fmt.count(total, "户"), change, help="较上年同日", trend=_trend(trend))


def growth_card(head: growth.GrowthHeadline, as_of: date) -> Card:
    """规上工业增加值增速 (percent) on its basis, with its change against last year's 1-12月 (个百分点).

    The latest period may be of an earlier year (before 1-2月 is reported): the label then names its
    year (a card holds about 15 characters: 2024年规上工业增加值增速 for the whole year)."""
    period = head.period
    if period is None:
        return Card("规上工业增加值增速", fmt.pct(None))
    label = (f"规上工业增加值增速（{head.label}）" if period.year == as_of.year
             else f"{period.year}年规上工业增加值增速" if period.month == 12
             else f"规上工业增加值增速（{fmt.period_label(period, with_year=True)}）")
    basis = "统计部门公布（可比价）" if head.basis == "official" else "企业数据同口径汇总（现价）"
    return Card(label, fmt.pct(head.pct), None if head.change_pp is None else fmt.signed_pp(head.change_pp),
                help=f"{basis}；变化为较上年全年（{fmt.pct(head.last_year_pct)}）", trend=_trend(head.series.values()))


def economy_cards(head: growth.GrowthHeadline, as_of: date) -> tuple[Card, ...]:
    """经济运行 page (whole park) from the page's headline growth: that growth, last year's, the enterprise
    sums at 现价 and 可比价 (percent) and the enterprises reporting (家). 现价 is never set against the
    official 可比价 rate: the difference is shown on the 可比价 card only."""
    last_year = (head.period.year if head.period else as_of.year) - 1
    gap = (None if head.official_pct is None or head.comparable_pct is None
           else f"与公布数差{fmt.signed_pp(head.comparable_pct - head.official_pct)}")
    return (
        growth_card(head, as_of),
        Card(f"{last_year}年全年增速（1-12月）", fmt.pct(head.last_year_pct)),
        Card("企业汇总增速（现价）", fmt.pct(head.enterprise_pct)),
        Card("企业汇总增速（可比价）", fmt.pct(head.comparable_pct), gap, neutral=True,
             help="企业现价增加值按工业生产者出厂价格指数折算；未导入价格指数时为“—”"),
        Card("样本企业", fmt.count(head.n_enterprises, "家")),
    )


def overview_cards(con, as_of: date) -> tuple[Card, ...]:
    """The overview's six headline cards at as_of (whole park); a card whose data is missing shows 暂无."""
    with memo_scope():      # the headline reads the growth figure the first card shows: computed once
        return _overview_cards(con, as_of)


def _overview_cards(con, as_of: date) -> tuple[Card, ...]:
    h = summary.headline(con, as_of)
    out = [growth_card(growth.headline_growth(con, as_of), as_of)]
    total = h["entities_total"]
    if total is None:
        out.append(Card("市场主体总数", fmt.count(None, "户")))
    else:
        out.append(_stock_card(con, as_of, None, total))
    out.append(Card("近一年新设市场主体", fmt.count(h["entities_new_12m"], "户"), chart_type="bar",
                    trend=_trend((h.get("entities_new_by_month") or {}).values()),
                    help="成立日期在数据日期前12个月内（不含一年前当日）"))
    inv = h.get("projects_investment_ytd_wan")
    signing = projects.by_signing_month(con, as_of)["cumulative_count"] if h["projects_signed_ytd"] is not None else ()
    out.append(Card(f"{as_of.year}年签约项目", fmt.count(h["projects_signed_ytd"], "个"),
                    None if inv is None else f"总投资{fmt.wan_to_text(inv)}", neutral=True, trend=_trend(signing)))
    amount = h["sales_assistance_total_wan"]
    out.append(Card("助企帮销累计", fmt.wan_to_text(amount),
                    trend=_trend(sales.monthly(con, as_of)["cumulative_wan"]) if amount is not None else (),
                    help=None if amount is None else
                    f"{h['sales_assistance_since']}以来累计{fmt.number(amount, 2, thousands=True)}万元"))
    out.append(Card("包保重点企业和项目", fmt.count(h["key_accounts"], "个"),
                    help=service.accounts_note(con, as_of)))   # a past date: the 包保 list is today's list
    return tuple(out)


def entity_cards(con, as_of: date, sector: str | None = None) -> tuple[Card, ...]:
    """市场主体 page: stock, new in 12 months, endings (迁出 apart), 企业, 个体工商户 at as_of (户)."""
    total = entities.stock_at(con, as_of, sector)
    new12 = entities.new_12m(con, as_of, sector)
    new_prev = entities.new_in_window(con, one_year_before(one_year_before(as_of)), one_year_before(as_of), sector)
    new_yoy = entities.yoy_pct(new12, new_prev)
    ends = entities.endings_in_window(con, one_year_before(as_of), as_of, sector)
    types = entities.type_mix(con, as_of, sector)
    by_type = dict(zip(types["entity_type"], types["count"]))
    return (
        _stock_card(con, as_of, sector, total),
        Card("近一年新设", fmt.count(new12, "户"), None if new_yoy is None else f"同比{fmt.change_pct_text(new_yoy)}",
             help="与此前12个月新设户数相比", chart_type="bar",
             trend=_trend(entities.new_by_month(con, as_of, 12, sector)["new"])),
        Card("近一年注销、吊销", fmt.count(ends["cancelled"], "户"),
             f"另迁出{ends['moved_out']}户" if ends["moved_out"] else None, neutral=True,
             help="迁出（迁离园区）不计入注销、吊销，单独列示"),
        Card("企业", fmt.count(by_type.get("企业"), "户")),
        Card("个体工商户", fmt.count(by_type.get("个体工商户"), "户"),
             f"农民专业合作社{by_type.get('农民专业合作社', 0)}户", neutral=True),
    )


def sales_cards(con, as_of: date) -> tuple[Card, ...]:
    """助企帮销 page: the running total, this year with 同比, this month, the first channel (万元)."""
    date_text = fmt.date_cn(as_of)
    total = sales.total(con, as_of)
    monthly = sales.monthly(con, as_of)
    this_year, last_year = sales.yoy(con, as_of)
    channels = sales.by_dimension(con, as_of, "channel")
    month = monthly.iloc[-1] if len(monthly) else None
    top = channels.iloc[0] if len(channels) else None
    return (
        Card("帮销累计", fmt.wan_to_text(total), help=f"累计{fmt.number(total, 2, thousands=True)}万元（截至{date_text}）",
             trend=_trend(monthly["cumulative_wan"])),
        Card(f"{as_of.year}年以来", fmt.wan_to_text(this_year),
             f"同比{fmt.change_pct_text((this_year / last_year - 1) * 100)}" if last_year else None,
             help=f"上年同期（{as_of.year - 1}年1月1日至{as_of.month}月{as_of.day}日）"
                  f"{fmt.wan_to_text(last_year) if last_year else '无帮销记录'}"),
        Card(f"本月（{as_of.month}月，截至{as_of.day}日）", fmt.wan(month["amount_wan"]) if month is not None else "—",
             trend=_trend(monthly["amount_wan"]), chart_type="bar"),
        Card("第一大渠道", str(top["channel"]) if top is not None else "—",
             f"占{fmt.pct(top['share_pct'])}" if top is not None else None, neutral=True, literal=True),
    )


def service_cards(con, as_of: date) -> tuple[Card, ...]:
    """企业服务 page: 包保 accounts and leaders (个, 名), visits (次), demands resolved (%, 天), open (件)."""
    visits = service.visits_by_month(con, as_of)
    share, median_days = service.resolution(con, as_of)
    open_items = service.open_demands(con, as_of)
    old = int((open_items["age_bucket"] == "90天以上").sum()) if len(open_items) else 0
    return (
        Card("包保企业和项目", fmt.count(service.key_accounts(con), "个"),
             f"包保领导{len(service.accounts_per_leader(con))}名", neutral=True),
        Card("累计走访", fmt.count(int(visits["visits"].sum()) if len(visits) else 0, "次")),
        Card("诉求办结率", fmt.pct(share)),
        Card("办结用时中位数", fmt.days(median_days)),
        Card("未办结诉求", fmt.count(len(open_items), "件"), f"其中90天以上{old}件", neutral=True),
    )


def quality_cards(con) -> tuple[Card, ...]:
    """数据质量 page (whole store): datasets imported, missing months, entities without a code, problems."""
    latest = quality.latest_periods(con)
    counts = quality.summary(con)
    return (
        Card("已导入数据集", f"{int((latest['rows'] > 0).sum())}/{len(latest)}"),
        Card("缺失月份", fmt.count(len(quality.gaps(con)), "个")),
        Card("缺少行业代码的市场主体", fmt.count(counts.get("entities_without_code"), "户")),
        Card("导入警告与错误", fmt.count(counts.get("warnings"), "条")),
    )
