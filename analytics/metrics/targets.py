"""目标任务: each target against what has been done (完成率) and the share of the year gone (时序进度).

Definitions (DATA.md §6):

- 时序进度 at a reference date R in year Y (percent):
  - with monthly targets: the sum of the targets of the months that have ended by R, over the year's
    target x 100; with quarterly targets likewise by quarters ended;
  - otherwise the share of the year elapsed: day of the year of R (1 January = 1) over the days in Y
    (365, 366 in a leap year) x 100.
  Before 1 January of Y it is 0, after 31 December 100.
- The reference date R: for figures counted from a ledger or the registry (签约项目数, 新设市场主体,
  助企帮销额 ...) it is the as-of date; for figures of the statistics office's monthly tables
  (规上工业增加值增速, 固定资产投资 ...) it is the last day of the latest cumulative period reported by
  the as-of date (1-5月 -> 31 May), so a figure is never compared with time it does not cover.
- 完成率 (completion_pct) = actual cumulative value / the year's target x 100 (both in the target's unit).
- 序时应完成 (due) = the year's target x 时序进度 / 100; 差额 (shortfall) = due - actual when positive, else 0,
  in the target's unit (counts of projects or entities rounded up to whole units).
- A growth-rate target (the indicator's name says 增速/增长, or its unit is %) compares rates: the
  actual cumulative growth minus the target rate, in 个百分点; there is no 时序进度 for a rate.
- Light: 绿 when completion >= 时序进度 (a rate: actual >= target); 黄 when behind by less than
  BEHIND_THRESHOLD_PP points (a rate: RATE_BEHIND_THRESHOLD_PP); 红 otherwise; '—' without an actual value.
- A target with an owner (责任单位/责任部门/责任领导/专班) on a project indicator counts only the projects
  whose 包保领导 or 责任部门 is that owner, or, for a 专班 named after a park sector (医疗器械专班), the
  projects of that sector (post_tasks); on any other indicator the owner is the unit answerable for the
  park's figure, which is then the park's.

Money in the target's unit (万元 or 亿元 as written); counts in 个/户; rates in percent.
"""
from __future__ import annotations

import calendar
import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from analytics import fmt
from analytics.metrics import growth, history
from analytics.metrics._common import add_months, as_date, month_end, query
from analytics.schema import MONEY_UNIT_TO_WAN, MONTHS, QUARTERS


def _num(x: float, digits: int = 1) -> str:
    """x rounded 四舍五入 (fmt.round_half_up) to `digits` decimals: 2.25 -> '2.3', 10 -> '10' with 0."""
    return f"{fmt.round_half_up(x, digits):.{digits}f}"


BEHIND_THRESHOLD_PP = 10.0      # 黄: completion behind 时序进度 by less than 10 points; 红 beyond
RATE_BEHIND_THRESHOLD_PP = 1.0  # 黄: a rate below its target by less than 1 point; 红 beyond
TARGET_LIGHTS = ("绿", "黄", "红")
NO_LIGHT = "—"
LIGHT_RULE_TEXT = (f"绿灯：完成率不低于时序进度（增速指标：实际增速不低于目标）；"
                   f"黄灯：落后时序进度{_num(BEHIND_THRESHOLD_PP, 0)}个百分点以内"
                   f"（增速指标：低于目标{_num(RATE_BEHIND_THRESHOLD_PP, 0)}个百分点以内）；"
                   f"红灯：落后更多；尚无完成数据的指标不亮灯。")
COUNT_UNITS = ("个", "户", "家", "项", "次", "件", "人")
PROJECT_INDICATORS = ("签约项目数", "签约投资额", "开工项目数", "投产项目数")


@dataclass(frozen=True)
class Spec:
    """How the actual value of an indicator is found: `source` names the function below, `unit` is the
    unit it returns, `statistical` says the figure comes from the statistics office's monthly tables."""

    name: str
    unit: str
    source: str
    synonyms: tuple[str, ...] = ()
    statistical: bool = False
    label: str = ""


SPECS = (
    Spec("签约项目数", "个", "projects_signed", ("签约项目", "新签约项目", "签约项目个数", "招商引资签约项目", "新签约项目数")),
    Spec("签约投资额", "万元", "projects_signed_investment",
         ("签约项目投资额", "签约金额", "协议投资额", "签约项目计划总投资", "招商引资签约额", "签约总投资",
          "签约项目总投资")),
    Spec("开工项目数", "个", "projects_started", ("开工项目", "新开工项目", "新开工项目数", "项目开工数")),
    Spec("投产项目数", "个", "projects_producing", ("投产项目", "新投产项目", "新投产项目数", "竣工投产项目")),
    Spec("新设市场主体", "户", "entities_new", ("新登记市场主体", "新增市场主体", "新设立市场主体", "新设市场主体数",
                                         "新登记市场主体数")),
    Spec("助企帮销额", "万元", "sales", ("助企帮销", "帮销金额", "助企帮销金额", "帮销额", "助企帮销销售额")),
    Spec("规上工业增加值增速", "%", "industrial_growth",
         ("规上工业增加值", "规模以上工业增加值", "规模以上工业增加值增速", "工业增加值增速"), statistical=True),
)
_SOURCES = {"projects_signed": "招商部门项目台账", "projects_signed_investment": "招商部门项目台账",
            "projects_started": "招商部门项目台账", "projects_producing": "招商部门项目台账",
            "entities_new": "市场监管部门登记系统", "sales": "园区助企帮销台账",
            "industrial_growth": "统计部门", "indicator_table": "统计部门主要经济指标月报"}


def _key(name) -> str:
    """An indicator name compared: NFKC, no spaces, no enumeration, no bracket groups at the end."""
    core, _ = growth.indicator_core(name)
    return core


def _says_rate(name, unit) -> bool:
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(name or "")))
    u = unicodedata.normalize("NFKC", str(unit or ""))
    return "%" in u or bool(re.search(r"(增速|增长率|增幅|增长)(\(%\))?$", t)) or "(%)" in t


@functools.lru_cache(maxsize=1024)
def spec_for(name) -> Spec | None:
    """The Spec of an indicator name ('签约项目数（个）', '一、新登记市场主体' ...), None when the name is
    not one of SPECS (it may still be a row of the indicator table)."""
    raw = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(name or "")))
    k = _key(name)
    for s in SPECS:
        names = {s.name, *s.synonyms}
        if raw in names or k in names or k in {_key(n) for n in names}:
            return s
    return None


# ---------------------------------------------------------------------------
# 时序进度
# ---------------------------------------------------------------------------
def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def elapsed_share(ref: date, year: int) -> float:
    """Share of `year` elapsed at `ref`, percent: day of the year of ref / days in the year x 100
    (2025-06-15 -> 166 / 365 = 45.48; 2024-06-15 -> 167 / 366 = 45.63); 0 before the year, 100 after."""
    ref = as_date(ref)
    if ref < date(year, 1, 1):
        return 0.0
    if ref >= date(year, 12, 31):
        return 100.0
    return ((ref - date(year, 1, 1)).days + 1) / days_in_year(year) * 100


def months_ended(ref: date, year: int) -> int:
    """Months of `year` that have ended by `ref` (0-12): 2025-06-15 -> 5, 2025-06-30 -> 6."""
    ref = as_date(ref)
    if ref < date(year, 1, 1):
        return 0
    if ref.year > year:
        return 12
    return ref.month if ref >= month_end(ref) else ref.month - 1


def time_progress(ref: date, year: int, annual: float | None = None, monthly: dict[int, float] | None = None,
                  quarterly: dict[int, float] | None = None) -> float:
    """时序进度 at `ref` for `year`, percent (see the module docstring). `monthly` {1-12: target},
    `quarterly` {1-4: target} in the target's unit; `annual` the year's target (default: their sum)."""
    ended = months_ended(ref, year)
    if monthly:
        total = annual if annual else sum(monthly.values())
        if total:
            return sum(v for m, v in monthly.items() if m <= ended) / total * 100
    if quarterly:
        total = annual if annual else sum(quarterly.values())
        if total:
            return sum(v for q, v in quarterly.items() if 3 * q <= ended) / total * 100
    return elapsed_share(ref, year)


# ---------------------------------------------------------------------------
# Targets as stored
# ---------------------------------------------------------------------------
def target_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Years that have targets, ascending."""
    return [int(r[0]) for r in con.execute("SELECT DISTINCT year FROM targets WHERE year IS NOT NULL "
                                           "ORDER BY 1").fetchall()]


def _m_columns() -> list[str]:
    return [f"m{m:02d}" for m in range(1, 13)]


def target_table(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """The targets of `year`, one row per (indicator, owner): indicator, owner ('' for the park as a
    whole), unit, annual (the year's target: the 年度目标 row, else the sum of the months or quarters),
    monthly {month: target} (from 月份 rows or the 1月…12月 columns; {} when none), quarterly
    {quarter: target}, rate (True for a growth-rate target), in the order first written."""
    cols = ", ".join(_m_columns())
    df = query(con, f"""SELECT indicator, coalesce(owner, '') AS owner, unit, target, month, quarter, {cols}
                        FROM targets WHERE year = ? ORDER BY rowid""", [year])
    out_cols = ["indicator", "owner", "unit", "annual", "monthly", "quarterly", "rate"]
    if df.empty:
        return pd.DataFrame(columns=out_cols)
    month_no = {m: i + 1 for i, m in enumerate(MONTHS)}
    quarter_no = {q: i + 1 for i, q in enumerate(QUARTERS)}
    groups: dict[tuple[str, str], dict] = {}
    for r in df.to_dict("records"):       # plain Python over the rows: a targets table is small
        g = groups.setdefault((r["indicator"], r["owner"]), {"unit": None, "annual": None, "monthly": {},
                                                             "quarterly": {}})
        if g["unit"] is None and isinstance(r["unit"], str) and r["unit"].strip():
            g["unit"] = r["unit"].strip()
        has_target = r["target"] is not None and not pd.isna(r["target"])
        month, quarter = r["month"], r["quarter"]
        month = None if month is None or pd.isna(month) else month
        quarter = None if quarter is None or pd.isna(quarter) else quarter
        if has_target and month is None and quarter is None and g["annual"] is None:
            g["annual"] = float(r["target"])
        if has_target and month is not None:
            g["monthly"][month_no[month]] = g["monthly"].get(month_no[month], 0.0) + float(r["target"])
        if has_target and quarter is not None:
            g["quarterly"][quarter_no[quarter]] = g["quarterly"].get(quarter_no[quarter], 0.0) + float(r["target"])
        for m in range(1, 13):
            v = r[f"m{m:02d}"]
            if v is not None and not pd.isna(v):
                g["monthly"][m] = g["monthly"].get(m, 0.0) + float(v)
    rows = []
    for (ind, owner), g in groups.items():
        monthly, quarterly, annual = g["monthly"], g["quarterly"], g["annual"]
        if annual is None:
            annual = sum(monthly.values()) if monthly else (sum(quarterly.values()) if quarterly else None)
        spec = spec_for(ind)
        rate = _says_rate(ind, g["unit"]) or (spec is not None and spec.unit == "%")
        rows.append({"indicator": ind, "owner": owner, "unit": g["unit"] or (spec.unit if spec else None),
                     "annual": annual, "monthly": dict(sorted(monthly.items())),
                     "quarterly": dict(sorted(quarterly.items())), "rate": bool(rate)})
    return pd.DataFrame(rows, columns=out_cols)


# ---------------------------------------------------------------------------
# Actual values
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Actual:
    """An actual cumulative value: `value` in `unit` (None when not known yet), `ref` the date it
    reaches, `period_text` how the period is named ('截至6月15日', '1-5月'), `source` the data's source."""

    value: float | None
    unit: str
    ref: date
    period_text: str
    source: str


def _owner_sql(owner: str | None) -> tuple[str, list]:
    if not owner:
        return "TRUE", []
    # a 专班 named after a park sector (医疗器械专班) answers for that sector's projects
    return "(trim(leader) = ? OR trim(department) = ? OR sector || '专班' = ?)", [owner, owner, owner]


class _OwnerActuals:
    """The project indicators of every owner (包保领导 or 责任部门 equal to it) over one window, from one
    query: value(owner, indicator) in the indicator's own unit (个, 万元); owner None = the whole park."""

    def __init__(self, con, owners, start: date, end: date):
        aggs = {"count(*)": "count(p.project_key) FILTER (WHERE {w})",
                "coalesce(sum(investment), 0)": "coalesce(sum(p.investment) FILTER (WHERE {w}), 0)"}
        parts = ", ".join(aggs[expr].format(w=f"p.{col} >= ? AND p.{col} <= ?") + f' AS "{name}"'
                          for name, (expr, col) in _PROJECT_SQL.items())
        params: list = []
        for _ in _PROJECT_SQL:
            params += [start, end]
        owners = sorted({o for o in owners if o})
        known = history.known_relation(con, end)   # the ledger known at the window's end
        by_owner = con.execute(f"""SELECT o.owner, {parts} FROM (SELECT unnest(CAST(? AS VARCHAR[])) AS owner) o
            LEFT JOIN {known} p ON trim(p.leader) = o.owner OR trim(p.department) = o.owner
                                    OR p.sector || '专班' = o.owner GROUP BY o.owner""",
                               params + [owners]).df()
        park = con.execute(f"SELECT NULL AS owner, {parts} FROM {known} p", params).df()
        self.values = {(None if pd.isna(r["owner"]) else r["owner"], name): float(r[name] or 0)
                       for r in pd.concat([by_owner, park]).to_dict("records") for name in _PROJECT_SQL}
        self.empty = int(con.execute("SELECT count(*) FROM projects").fetchone()[0]) == 0

    def value(self, owner: str | None, indicator: str) -> float:
        return self.values.get((owner or None, indicator), 0.0)


def _ledger_actual(con, spec: Spec, year: int, as_of: date, owner: str | None,
                   projects: _OwnerActuals | None = None) -> Actual:
    d = min(as_of, date(year, 12, 31))
    start = date(year, 1, 1)
    text = f"截至{d.month}月{d.day}日" if d.year == year else f"{year}年全年"
    where, params = _owner_sql(owner)
    sqls = {
        "projects_signed": ("count(*)", "signed_on", "projects"),
        "projects_signed_investment": ("coalesce(sum(investment), 0)", "signed_on", "projects"),
        "projects_started": ("count(*)", "started_on", "projects"),
        "projects_producing": ("count(*)", "producing_on", "projects"),
        "entities_new": ("count(*)", "established_on", "entities"),
        "sales": ("coalesce(sum(amount), 0)", "sold_on", "sales"),
    }
    expr, col, table = sqls[spec.source]
    if table == "projects" and projects is not None:
        v = None if projects.empty or d < start else projects.value(owner, spec.name)
        return Actual(v, spec.unit, d, text, _SOURCES[spec.source])
    if table != "projects":
        where, params = "TRUE", []
    has_rows = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] > 0
    if not has_rows or d < start:
        return Actual(None, spec.unit, d, text, _SOURCES[spec.source])
    source = history.known_relation(con, d) if table == "projects" else f'"{table}"'
    v = con.execute(f'SELECT {expr} FROM {source} WHERE {col} >= ? AND {col} <= ? AND {where}',
                    [start, d] + params).fetchone()[0]
    return Actual(float(v), spec.unit, d, text, _SOURCES[spec.source])


def _statistical_actual(con, name: str, year: int, as_of: date, rate: bool) -> Actual | None:
    """The latest cumulative period of `year` ended by as_of in the indicator table (or, for value added,
    the headline growth): value_ytd in the row's unit, or growth_pct for a rate. None when no row matches."""
    spec = spec_for(name)
    if spec is not None and spec.source == "industrial_growth":
        # the official rate (可比价, the basis targets are set on) of the latest period ended by as_of;
        # the enterprise-level rate (现价) only when the indicator table has none for the year
        off = growth.official_growth(con)
        off = off[[p.year == year and month_end(p) <= as_of for p in off["period"]]] if len(off) else off
        if len(off):
            row = off.iloc[-1]
            return Actual(float(row["growth_pct"]), "%", month_end(row["period"]), row["label"], "统计部门（可比价）")
        h = growth.headline_growth(con, min(as_of, date(year, 12, 31)))
        if h.period is None or h.period.year != year:
            return Actual(None, "%", as_of, "", _SOURCES["industrial_growth"])
        src = "统计部门（可比价）" if h.basis == "official" else "企业数据测算（现价）"
        return Actual(h.pct, "%", month_end(h.period), h.label, src)
    df = growth.official_growth(con, _key(name))
    if df.empty:
        return None
    units = query(con, "SELECT indicator, unit, period FROM indicators")
    df = df[[p.year == year and month_end(p) <= as_of for p in df["period"]]]
    if df.empty:
        return Actual(None, "%" if rate else "", as_of, "", _SOURCES["indicator_table"])
    row = df.iloc[-1]
    unit = "%"
    if not rate:
        cores = units[[(_key(i) == _key(name)) for i in units["indicator"]]]
        unit = next((u for u in cores["unit"] if isinstance(u, str) and u.strip()), "")
    value = row["growth_pct"] if rate else row["value_ytd"]
    return Actual(None if pd.isna(value) else float(value), unit, month_end(row["period"]), row["label"],
                  _SOURCES["indicator_table"])


def _convert(value: float | None, from_unit: str | None, to_unit: str | None) -> float | None:
    """value in from_unit -> to_unit for money units (元/千元/万元/亿元); other units unchanged."""
    if value is None:
        return None
    f = MONEY_UNIT_TO_WAN.get((from_unit or "").strip())
    t = MONEY_UNIT_TO_WAN.get((to_unit or "").strip())
    if f and t:
        return value * f / t
    return value


def actual_value(con: duckdb.DuckDBPyConnection, indicator: str, year: int, as_of: date,
                 owner: str | None = None, rate: bool | None = None,
                 projects: _OwnerActuals | None = None) -> Actual | None:
    """The actual cumulative value of `indicator` in `year` up to as_of (see Actual); None when the
    indicator is neither one of SPECS nor a row of the indicator table. `owner` filters the projects
    of a project indicator (包保领导 or 责任部门 equal to it)."""
    as_of = as_date(as_of)
    spec = spec_for(indicator)
    rate = _says_rate(indicator, None) if rate is None else rate
    if spec is not None and not spec.statistical and not rate:
        return _ledger_actual(con, spec, year, as_of, owner if spec.name in PROJECT_INDICATORS else None, projects)
    return _statistical_actual(con, indicator, year, as_of, rate or (spec is not None and spec.unit == "%"))


# ---------------------------------------------------------------------------
# Completion against time progress
# ---------------------------------------------------------------------------
def _unit_text(unit: str | None) -> str:
    return (unit or "").strip()


def amount_text(value: float | None, unit: str | None) -> str:
    """A value in its unit as a sentence writes it: counts whole ('39个'), money in its unit
    ('23.5亿元', '9236.5万元'), anything else with one decimal and the unit."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return fmt.MISSING
    u = _unit_text(unit)
    if u in COUNT_UNITS:
        return f"{_num(value, 0 if float(value).is_integer() else 1)}{u}"
    if u == "万元":
        return fmt.yi(value) if abs(value) >= fmt.WAN_PER_YI else fmt.wan(value)
    if u == "亿元":
        return fmt.yi(value * fmt.WAN_PER_YI, 2 if abs(value) < 10 else 1)
    text = _num(value, 1)
    return f"{text[:-2] if text.endswith('.0') else text}{u}"


def _light(gap: float | None, threshold: float) -> str:
    if gap is None:
        return NO_LIGHT
    g = float(fmt.round_half_up(gap, 1))
    if g >= 0:
        return "绿"
    return "黄" if -g < threshold else "红"


def _sentence(r: dict) -> str:
    name, unit = r["indicator"], r["unit"]
    who = f"（{r['owner']}）" if r["owner"] else ""
    if r["rate"]:
        target = f"{name}{who}目标{fmt.pct(r['annual'])}"
        if r["actual"] is None:
            return f"{target}，{r['year']}年尚无实际数据。"
        gap = r["gap_pp"]
        g = float(fmt.round_half_up(gap, 1))
        cmp = "与目标持平" if g == 0 else (f"高于目标{fmt.pp(abs(gap))}" if g > 0 else f"低于目标{fmt.pp(abs(gap))}")
        a = float(fmt.round_half_up(r["actual"], 1))
        moved = "持平" if a == 0 else (f"增长{fmt.pct(a)}" if a > 0 else f"下降{fmt.pct(-a)}")
        return f"{target}，{r['period_text']}实际{moved}，{cmp}。"
    target = f"{name}{who}全年目标{amount_text(r['annual'], unit)}"
    if r["actual"] is None:
        return f"{target}，{r['year']}年尚无完成数据。"
    tp, done = r["time_progress_pct"], r["completion_pct"]
    gap = float(fmt.round_half_up(done - tp, 1))
    head = (f"{target}，{r['period_text']}完成{amount_text(r['actual'], unit)}，完成率{fmt.pct(done)}，"
            f"时序进度{fmt.pct(tp)}")
    if gap >= 0:
        tail = f"快于时序进度{fmt.pp(gap)}" if gap > 0 else "与时序进度持平"
        if float(fmt.round_half_up(tp, 1)) >= 50 and float(fmt.round_half_up(done, 1)) >= 50:
            tail += "，实现“时间过半、任务过半”"
        return f"{head}，{tail}。"
    tail = f"落后时序进度{fmt.pp(-gap)}，按序时应完成{amount_text(r['due'], unit)}，尚差{amount_text(r['shortfall'], unit)}"
    if float(fmt.round_half_up(tp, 1)) >= 50 and float(fmt.round_half_up(done, 1)) < 50:
        tail = "时间过半、任务未过半，" + tail
    return f"{head}，{tail}。"


COMPLETION_COLUMNS = ["year", "indicator", "owner", "unit", "annual", "rate", "actual", "period_text", "ref_date",
                      "completion_pct", "time_progress_pct", "gap_pp", "due", "shortfall", "remaining", "light",
                      "sentence", "source", "monthly", "quarterly"]


def _evaluate(con, t: dict, year: int, as_of: date, owner_filter: bool, projects: _OwnerActuals | None = None) -> dict:
    unit = t["unit"]
    owner = t["owner"] or None
    a = actual_value(con, t["indicator"], year, as_of, owner if owner_filter else None, rate=t["rate"],
                     projects=projects)
    r = {"year": year, "indicator": t["indicator"], "owner": t["owner"], "unit": unit, "annual": t["annual"],
         "rate": t["rate"], "actual": None, "period_text": "", "ref_date": as_of, "completion_pct": None,
         "time_progress_pct": None, "gap_pp": None, "due": None, "shortfall": None, "remaining": None,
         "light": NO_LIGHT, "source": "", "monthly": t["monthly"], "quarterly": t["quarterly"]}
    if a is not None:
        r.update(period_text=a.period_text, ref_date=a.ref, source=a.source)
        if a.value is not None:
            r["actual"] = a.value if t["rate"] else _convert(a.value, a.unit, unit or a.unit)
    if t["rate"]:
        if r["actual"] is not None and t["annual"] is not None:
            r["gap_pp"] = r["actual"] - t["annual"]
            r["light"] = _light(r["gap_pp"], RATE_BEHIND_THRESHOLD_PP)
    elif t["annual"]:
        tp = time_progress(r["ref_date"], year, t["annual"], t["monthly"], t["quarterly"])
        r["time_progress_pct"] = tp
        r["due"] = t["annual"] * tp / 100
        if r["actual"] is not None:
            done = r["actual"] / t["annual"] * 100
            short = max(r["due"] - r["actual"], 0.0)
            if _unit_text(unit) in COUNT_UNITS:
                short = float(math.ceil(short - 1e-9))
            r.update(completion_pct=done, gap_pp=done - tp, shortfall=short,
                     remaining=max(t["annual"] - r["actual"], 0.0),
                     light=_light(done - tp, BEHIND_THRESHOLD_PP))
    r["sentence"] = _sentence(r)
    return r


def _data_date(con, as_of: date) -> date:
    """as_of, or the latest date the store's data records (summary.default_as_of) when as_of is in a later
    month: months not imported yet are unknown, so 时序进度 is taken at the data's last day, not at as_of."""
    from analytics import summary
    if _store_is_empty(con):
        return as_of
    latest = summary.default_as_of(con)
    # only a date past the month of the last record: inside that month quiet days are not missing data
    return latest if month_end(latest) < as_of else as_of


def _store_is_empty(con) -> bool:
    return all(con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] == 0
               for t in ("entities", "projects", "sales", "industrial", "indicators", "service_visits"))


def _year_of(con, as_of: date, year: int | None) -> int | None:
    if year is not None:
        return int(year)
    years = target_years(con)
    if not years:
        return None
    return as_of.year if as_of.year in years else max(y for y in years if y <= as_of.year) \
        if any(y <= as_of.year for y in years) else years[0]


def completion(con: duckdb.DuckDBPyConnection, as_of: date, year: int | None = None) -> pd.DataFrame:
    """The park's targets at as_of: one row per indicator with a target and no owner, or an owner on a
    non-project indicator (the unit answerable for the park's figure), in the order written.

    Columns COMPLETION_COLUMNS: year; indicator; owner ('' for none); unit; annual (the year's target,
    unit); rate (growth-rate target); actual (unit; percent for a rate; None when not known yet);
    period_text ('截至6月15日' / '1-5月'); ref_date (the date the actual reaches); completion_pct;
    time_progress_pct (时序进度 at ref_date); gap_pp (completion - 时序进度, or actual rate - target rate,
    个百分点); due (序时应完成, unit); shortfall (unit, 0 when ahead); remaining (to the year's target, unit);
    light (绿/黄/红/—); sentence (Chinese); source; monthly / quarterly targets. Empty without targets.
    `year` defaults to as_of's year (else the latest year with targets before it). An as_of after the
    latest date the data records is taken at that date (_data_date)."""
    as_of = as_date(as_of)
    as_of = _data_date(con, as_of)
    y = _year_of(con, as_of, year)
    if y is None:
        return pd.DataFrame(columns=COMPLETION_COLUMNS)
    t = target_table(con, y)
    t = t[(t["owner"] == "") | ~t["indicator"].map(lambda n: (spec_for(n) or Spec("", "", "")).name
                                                    in PROJECT_INDICATORS)]
    rows = [_evaluate(con, r, y, as_of, owner_filter=False) for r in t.to_dict("records")]
    return pd.DataFrame(rows, columns=COMPLETION_COLUMNS)


def post_tasks(con: duckdb.DuckDBPyConnection, as_of: date, year: int | None = None) -> pd.DataFrame:
    """Investment tasks by post (专班 / department / leader) at as_of: one row per (owner, project
    indicator) with an owner, as in completion() (the actual counts the projects whose 包保领导 or
    责任部门 is the owner), plus month_target (the target of as_of's month, unit; None without monthly
    targets) and month_actual (done in as_of's month up to as_of). Sorted by indicator, then light
    (红, 黄, 绿, —) and shortfall, so who is behind comes first."""
    as_of = as_date(as_of)
    as_of = _data_date(con, as_of)
    y = _year_of(con, as_of, year)
    cols = COMPLETION_COLUMNS + ["month_target", "month_actual"]
    if y is None:
        return pd.DataFrame(columns=cols)
    t = target_table(con, y)
    t = t[(t["owner"] != "") & t["indicator"].map(lambda n: (spec_for(n) or Spec("", "", "")).name
                                                   in PROJECT_INDICATORS)]
    rows = []
    m = as_of.month if as_of.year == y else 12
    d = min(as_of, date(y, 12, 31))
    owners = set(t["owner"])
    year_actuals = _OwnerActuals(con, owners, date(y, 1, 1), d)
    month_actuals = _OwnerActuals(con, owners, date(y, m, 1), min(d, month_end(date(y, m, 1))))
    for r in t.to_dict("records"):
        e = _evaluate(con, r, y, as_of, owner_filter=True, projects=year_actuals)
        spec = spec_for(r["indicator"])
        e["month_target"] = r["monthly"].get(m) if r["monthly"] else None
        e["month_actual"] = None if month_actuals.empty or spec is None else \
            _convert(month_actuals.value(r["owner"], spec.name), spec.unit, r["unit"] or spec.unit)
        rows.append(e)
    df = pd.DataFrame(rows, columns=cols)
    if df.empty:
        return df
    order = df["light"].map({"红": 0, "黄": 1, "绿": 2}).fillna(3)
    df = df.assign(_o=order, _s=-df["shortfall"].fillna(0)).sort_values(["indicator", "_o", "_s", "owner"],
                                                                         kind="stable")
    return df.drop(columns=["_o", "_s"]).reset_index(drop=True)


_PROJECT_SQL = {"签约项目数": ("count(*)", "signed_on"), "签约投资额": ("coalesce(sum(investment), 0)", "signed_on"),
                "开工项目数": ("count(*)", "started_on"), "投产项目数": ("count(*)", "producing_on")}


def _month_actual(con, indicator: str, owner: str, start: date, end: date, unit: str | None) -> float | None:
    spec = spec_for(indicator)
    if spec is None or spec.name not in _PROJECT_SQL or end < start:
        return None
    expr, col = _PROJECT_SQL[spec.name]
    where, params = _owner_sql(owner)
    v = con.execute(f"SELECT {expr} FROM {history.known_relation(con, end)} WHERE {col} >= ? AND {col} <= ? AND {where}",
                    [start, end] + params).fetchone()[0]
    return _convert(float(v), spec.unit, unit or spec.unit)


def post_monthly(con: duckdb.DuckDBPyConnection, as_of: date, owner: str, indicator: str,
                 year: int | None = None) -> pd.DataFrame:
    """One post's task month by month: one row per month of the year up to as_of's month.

    Columns: month ('YYYY-MM'), target (the month's target, unit; NaN without monthly targets), actual
    (done in the month, to as_of in as_of's month), cumulative_target, cumulative_actual (unit)."""
    as_of = as_date(as_of)
    as_of = _data_date(con, as_of)
    y = _year_of(con, as_of, year)
    cols = ["month", "target", "actual", "cumulative_target", "cumulative_actual"]
    if y is None:
        return pd.DataFrame(columns=cols)
    t = target_table(con, y)
    t = t[(t["owner"] == owner) & (t["indicator"] == indicator)]
    if t.empty:
        return pd.DataFrame(columns=cols)
    r = t.iloc[0]
    last = as_of.month if as_of.year == y else 12
    spec = spec_for(indicator)
    by_month: dict[int, float] = {}
    if spec is not None and spec.name in _PROJECT_SQL:
        expr, col = _PROJECT_SQL[spec.name]
        where, params = _owner_sql(owner)
        got = con.execute(f"""SELECT month({col}) AS m, {expr} AS v FROM {history.known_relation(con, as_of)}
                              WHERE {col} >= ? AND {col} <= ? AND {where} GROUP BY 1""",
                          [date(y, 1, 1), min(as_of, date(y, 12, 31))] + params).fetchall()
        by_month = {int(mm): _convert(float(v), spec.unit, r["unit"] or spec.unit) for mm, v in got}
    rows = []
    for m in range(1, last + 1):
        rows.append({"month": f"{y:04d}-{m:02d}", "target": r["monthly"].get(m, np.nan) if r["monthly"] else np.nan,
                     "actual": by_month.get(m, 0.0) if spec is not None and spec.name in _PROJECT_SQL else None})
    df = pd.DataFrame(rows, columns=cols[:3])
    df["cumulative_target"] = df["target"].cumsum()
    df["cumulative_actual"] = df["actual"].astype(float).cumsum()
    return df


def projects_counted(con: duckdb.DuckDBPyConnection, as_of: date, owner: str, indicator: str,
                     year: int | None = None) -> pd.DataFrame:
    """The projects that count toward a post's task: signed (签约项目数, 签约投资额), started (开工项目数)
    or producing (投产项目数) in the year up to as_of, whose 包保领导 or 责任部门 is `owner`.
    Columns: project_key, name, sector, investment (万元), date (the counting date), stage, leader,
    department; by date."""
    as_of = as_date(as_of)
    y = _year_of(con, as_of, year) or as_of.year
    spec = spec_for(indicator)
    cols = ["project_key", "name", "sector", "investment", "date", "stage", "leader", "department"]
    if spec is None or spec.name not in _PROJECT_SQL:
        return pd.DataFrame(columns=cols)
    col = _PROJECT_SQL[spec.name][1]
    where, params = _owner_sql(owner)
    return query(con, f"""SELECT project_key, name, sector, investment, {col} AS date, stage, leader, department
        FROM {history.known_relation(con, as_of)} WHERE {col} >= ? AND {col} <= ? AND {where}
        ORDER BY {col}, project_key""",
                 [date(y, 1, 1), min(as_of, date(y, 12, 31))] + params)


def summary_sentence(frame: pd.DataFrame) -> str | None:
    """One paragraph over completion(): how many targets are ahead of 时序进度 (or at their rate), how many a
    little behind and behind, naming them, then each target's sentence. None when the frame is empty."""
    if frame is None or frame.empty:
        return None
    lit = frame[frame["light"] != NO_LIGHT]
    parts = [f"{int(frame['year'].iloc[0])}年{len(frame)}项目标任务中，{len(lit)}项已有完成数据"]
    groups = []
    for light, words in (("绿", "快于时序进度或达到目标"), ("黄", "略滞后"), ("红", "滞后")):
        names = lit.loc[lit["light"] == light, "indicator"].tolist()
        if names:
            groups.append(f"{len(names)}项{words}" + ("" if light == "绿" else f"（{'、'.join(names)}）"))
    head = parts[0] + ("：" + "；".join(groups) if groups else "") + "。"
    return head + "".join(frame["sentence"])


SUBJECT_INDICATORS = {"projects": PROJECT_INDICATORS, "entities": ("新设市场主体",), "sales": ("助企帮销额",)}
SUBJECTS = ("economy", "entities", "projects", "sales")


def subject_of(indicator: str) -> str:
    """The dashboard page an indicator belongs to: projects, entities, sales, else economy (the statistics
    office's indicators: 规上工业增加值增速, 固定资产投资 …)."""
    spec = spec_for(indicator)
    name = spec.name if spec else None
    return next((k for k, names in SUBJECT_INDICATORS.items() if name in names), "economy")


def sentences_for(con: duckdb.DuckDBPyConnection, as_of: date, subject: str) -> list[str]:
    """The completion sentences of the park's targets that belong to `subject` (one of SUBJECTS), in the
    order written; [] without targets. Each starts with the light's word: '【进度正常】…'."""
    if subject not in SUBJECTS:
        raise ValueError(f"未知专题 “{subject}”；可用：{'、'.join(SUBJECTS)}")
    df = completion(con, as_of)
    words = {"绿": "【进度正常】", "黄": "【略滞后】", "红": "【滞后】", NO_LIGHT: "【暂无数据】"}
    return [words.get(r.light, "") + r.sentence for r in df.itertuples() if subject_of(r.indicator) == subject]


def overview_sentence(con: duckdb.DuckDBPyConnection, as_of: date) -> str | None:
    """The overview's paragraph on the park's targets: summary_sentence(completion(con, as_of)), None
    without targets."""
    return summary_sentence(completion(con, as_of))


def months_due(as_of: date, year: int) -> list[int]:
    """The months of `year` whose targets are due by as_of (ended): 2025-06-15 -> [1, 2, 3, 4, 5]."""
    return list(range(1, months_ended(as_of, year) + 1))


__all__ = ["BEHIND_THRESHOLD_PP", "RATE_BEHIND_THRESHOLD_PP", "LIGHT_RULE_TEXT", "SPECS", "spec_for", "elapsed_share",
           "months_ended", "time_progress", "target_years", "target_table", "actual_value", "completion",
           "post_tasks", "post_monthly", "projects_counted", "summary_sentence", "amount_text", "add_months"]
