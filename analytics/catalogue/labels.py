"""Chinese headers for the library's column names (tables and .xlsx downloads).

One dictionary, so the same column reads the same on every page.
"""
LABELS: dict[str, str] = {
    # common
    "sector": "产业类别", "name": "名称", "uscc": "统一社会信用代码", "count": "数量", "share_pct": "占比（%）",
    "period": "报告期", "label": "期别", "month": "月份", "n": "数量",
    # growth
    "ytd": "本年累计（万元）", "prev_ytd": "上年同期累计（万元）", "growth_pct": "增速（%）",
    "n_enterprises": "样本企业（家）", "official_pct": "统计部门公布增速（%，可比价）",
    "enterprise_pct": "企业汇总增速（%，现价）", "comparable_pct": "企业汇总增速（%，可比价）",
    "diff_pp": "公布数减企业汇总可比价（个百分点）", "diff_comparable_pp": "公布数减企业汇总可比价（个百分点）",
    "contribution_pp": "拉动（个百分点）", "change_wan": "增减（万元）", "direction": "方向",
    # entities
    "period_end": "截至日期", "stock": "市场主体总数（户）", "new": "新设（户）", "closed": "注销、吊销、迁出（户）",
    "net": "净增（户）", "entity_type": "主体类型", "capital_wan": "注册资本（万元）",
    "new_prev_year": "上年同月新设（户）", "yoy_pct": "同比（%）",
}


def pick(*columns: str, **overrides: str) -> dict[str, str]:
    """{column: Chinese header} for the given columns, in that order (overrides win)."""
    return {c: overrides.get(c, LABELS.get(c, c)) for c in columns}
