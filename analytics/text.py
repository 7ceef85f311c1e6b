"""Prose in the park's style, built from the headline figures (analytics.summary.headline).

Each sentence is built from figures only; a dataset that is missing drops its
sentence. The briefing extends this module.
"""
from __future__ import annotations

from datetime import date

from analytics import fmt


def _d(text: str) -> date:
    return date.fromisoformat(text[:10])


def entities_sentence(h: dict) -> str | None:
    """'园区各类市场主体总数6879户，近一年新设立市场主体1163户'."""
    if h.get("entities_total") is None:
        return None
    s = f"园区各类市场主体总数{fmt.count(h['entities_total'], '户')}"
    if h.get("entities_new_12m") is not None:
        s += f"，近一年新设立市场主体{fmt.count(h['entities_new_12m'], '户')}"
    return s


def growth_sentence(h: dict) -> str | None:
    """'1-5月，规上工业增加值增速9.9%，较2024年全年（3.0%）提高6.9个百分点'.

    When the figure comes from enterprise data (no official rate loaded) it says so: '（企业数据测算，现价）'."""
    if h.get("industrial_growth_ytd") is None or not h.get("industrial_growth_period"):
        return None
    period = _d(h["industrial_growth_period"] + "-01")
    label = fmt.period_label(period)
    s = f"{label}，规上工业增加值增速{fmt.pct(h['industrial_growth_ytd'])}"
    if h.get("industrial_growth_basis") == "enterprise":
        s += "（企业数据测算，现价）"
    last = h.get("industrial_growth_last_year")
    change = h.get("industrial_growth_change_pp")
    if last is not None and change is not None and period.month != 12:
        s += f"，较{period.year - 1}年全年（{fmt.pct(last)}）{fmt.change_pp_text(change)}"
    elif last is not None and period.month == 12:
        s += f"，上年为{fmt.pct(last)}"
    return s


def projects_sentence(h: dict) -> str | None:
    """'2025年以来签约项目39个，总投资23.5亿元，其中医疗器械项目12个'."""
    n = h.get("projects_signed_ytd")
    if n is None:
        return None
    year = _d(h["as_of"]).year
    if n == 0:
        return f"{year}年以来暂无新签约项目"
    wan = h.get("projects_investment_ytd_wan")
    if wan is None and h.get("projects_investment_ytd_yi") is not None:
        wan = h["projects_investment_ytd_yi"] * 10000
    s = f"{year}年以来签约项目{fmt.count(n, '个')}，总投资{fmt.wan_to_text(wan)}"
    medical = h.get("projects_signed_ytd_medical")
    if medical:
        s += f"，其中医疗器械项目{fmt.count(medical, '个')}"
    return s


def sales_sentence(h: dict) -> str | None:
    """'2024年7月以来累计助企帮销9000余万元'."""
    total = h.get("sales_assistance_total_wan")
    if total is None:
        return None
    since = h.get("sales_assistance_since")
    prefix = f"{since[:4]}年{int(since[5:7])}月以来" if since else ""
    return f"{prefix}累计助企帮销{fmt.wan_to_text(total)}"


def service_sentence(h: dict) -> str | None:
    """'园区党委班子成员包保重点企业和项目67个'."""
    n = h.get("key_accounts")
    if n is None:
        return None
    return f"园区党委班子成员包保重点企业和项目{fmt.count(n, '个')}"


def overview_paragraph(headline: dict) -> str:
    """One paragraph of the overview in the park's style:
    '截至2025年6月15日，园区各类市场主体总数6879户，近一年新设立市场主体1163户；1-5月，规上工业增加值增速9.9%，…。'
    Sentences whose figures are missing are dropped; with no figures at all: '截至…，暂无数据。'."""
    head = f"截至{fmt.date_cn(_d(headline['as_of']))}，"
    parts = [p for p in (entities_sentence(headline), growth_sentence(headline), projects_sentence(headline),
                         sales_sentence(headline), service_sentence(headline)) if p]
    if not parts:
        return head + "暂无数据。"
    return head + "；".join(parts) + "。"
