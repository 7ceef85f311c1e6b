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
    return s


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


def service_sentence(h: dict) -> str | None:
    """'园区党委班子成员包保重点企业和项目67个' (个 distinct accounts); None when there are none."""
    n = h.get("key_accounts")
    if not n:
        return None
    return f"园区党委班子成员包保重点企业和项目{fmt.count(n, '个')}"


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
