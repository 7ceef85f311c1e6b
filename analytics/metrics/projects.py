"""招商引资: the project ledger by stage, sector, origin and signing month; the funnel; traffic lights.

Definitions:
- "Signed this year" at D: signed_on in [1 January of D's year, D] (DATA.md §3), counted in the ledger known at D:
  with D before the newest version, the latest version dated on or before D (history.known_relation),
  so a July ledger's corrections, deletions and late entries never rewrite the figure for 15 June.
- Stages 洽谈 → 签约 → 开工 → 投产 (or 停滞). A project has reached a stage when it
  is in that stage or a later one, or has that stage's date (签约 signed_on,
  开工 started_on, 投产 producing_on); every project has reached 洽谈.
- Days in stage: as_of minus the date the current stage began (签约 signed_on,
  开工 started_on, 投产 producing_on, 停滞 the latest known date); unknown for 洽谈,
  for a project without that date, and when that date is after as_of.
- The traffic light rule is TRAFFIC_LIGHT_RULES below, written once; its Chinese
  text TRAFFIC_LIGHT_RULE_TEXT is what the user is shown.
Investment in 万元; counts in 个.
"""
from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd

from analytics import fmt
from analytics.metrics._common import as_date, none_if_nan, query, scalar
from analytics.schema import SECTORS, STAGE_ORDER, STAGES

SECTOR_SQL = "(CAST(? AS VARCHAR) IS NULL OR sector = ?)"

# The traffic-light rule, as data. Checked in order; a project gets the worst light any condition gives.
TRAFFIC_LIGHT_RULES = {
    "red_overdue_days": 30,        # 红: due date passed more than 30 days ago
    "red_stages": ("停滞",),       # 红: the project is stalled
    "yellow_overdue_days": 0,      # 黄: due date passed (1-30 days ago)
    "yellow_due_within_days": 15,  # 黄: due date within the next 15 days
    "max_days_in_stage": {"签约": 180, "开工": 365},  # 黄: in the stage longer than this
    "yellow_no_progress": True,    # 黄: no 最新进展 recorded (project not yet producing)
    "green_stages": ("投产",),     # 绿 regardless of dates once producing
}
TRAFFIC_LIGHT_RULE_TEXT = (
    "红灯：项目停滞，或节点时限已超期30天以上；"
    "黄灯：节点时限已超期（30天以内）或将在15天内到期，或签约后180天未开工、开工后365天未投产，"
    "或无最新进展记录；"
    "绿灯：其余项目，以及已投产项目。"
)
LIGHTS = ("红", "黄", "绿")


def signed_in_year(con: duckdb.DuckDBPyConnection, as_of: date, sector: str | None = None) -> pd.DataFrame:
    """Projects signed in [1 January of as_of's year, as_of]: one row per project, every ledger column,
    sorted by signed_on then project_key. investment in 万元."""
    d = as_date(as_of)
    return query(con, f"""SELECT * EXCLUDE (_batch_id) FROM {_known(con, d)}
        WHERE signed_on >= ? AND signed_on <= ? AND {SECTOR_SQL} ORDER BY signed_on, project_key""",
                 [date(d.year, 1, 1), d, sector, sector])


def signed_summary(con: duckdb.DuckDBPyConnection, as_of: date,
                   sector: str | None = None) -> tuple[int, float, dict[str, int]]:
    """(count 个, planned investment 万元, {sector: count} for sectors with at least one project)
    of the projects signed this year to as_of, in the ledger known at as_of (_known)."""
    d = as_date(as_of)
    df = query(con, f"""SELECT sector, count(*) AS n, coalesce(sum(investment), 0) AS inv FROM {_known(con, d)}
        WHERE signed_on >= ? AND signed_on <= ? AND {SECTOR_SQL} GROUP BY sector""",
               [date(d.year, 1, 1), d, sector, sector])
    order = {s: i for i, s in enumerate(SECTORS)}
    df = df.sort_values("sector", key=lambda s: s.map(lambda x: order.get(x, 99)))
    by_sector = {str(s): int(n) for s, n in zip(df["sector"], df["n"])}
    return int(df["n"].sum()), float(df["inv"].sum()), by_sector


def _known(con, as_of) -> str:
    """The projects relation a figure at as_of reads: the ledger known at as_of (history.known_relation)."""
    from analytics.metrics import history
    return history.known_relation(con, as_of)


def _signed_filter(as_of):
    if as_of is None:
        return "TRUE", []
    d = as_date(as_of)
    return "signed_on >= ? AND signed_on <= ?", [date(d.year, 1, 1), d]


def by_stage(con: duckdb.DuckDBPyConnection, sector: str | None = None, as_of: date | None = None) -> pd.DataFrame:
    """The whole ledger by stage: always five rows in STAGES order (洽谈, 签约, 开工, 投产, 停滞).
    Columns: stage, count (个), investment_wan (万元). With as_of before the newest version of the
    ledger, the ledger known at as_of (analytics.metrics.history; state_note says which)."""
    if as_of is not None:
        from analytics.metrics import history
        if history.is_past(con, as_of):
            return history.by_stage_on(con, as_of, sector)
    df = query(con, f"SELECT stage, count(*) AS count, coalesce(sum(investment), 0) AS investment_wan "
                    f"FROM projects WHERE {SECTOR_SQL} GROUP BY stage", [sector, sector])
    out = pd.DataFrame({"stage": list(STAGES)}).merge(df, on="stage", how="left")
    out["count"] = out["count"].fillna(0).astype("int64")
    out["investment_wan"] = out["investment_wan"].fillna(0.0)
    return out


def by_sector(con: duckdb.DuckDBPyConnection, as_of: date | None = None) -> pd.DataFrame:
    """Projects by park sector: always the six rows of SECTORS. as_of None = the whole ledger;
    with as_of, the projects signed this year to as_of. Columns: sector, count (个), investment_wan (万元),
    share_pct (of investment)."""
    where, params = _signed_filter(as_of)
    df = query(con, f"SELECT sector, count(*) AS count, coalesce(sum(investment), 0) AS investment_wan "
                    f"FROM {_known(con, as_of)} WHERE {where} GROUP BY sector", params)
    out = pd.DataFrame({"sector": list(SECTORS)}).merge(df, on="sector", how="left")
    out["count"] = out["count"].fillna(0).astype("int64")
    out["investment_wan"] = out["investment_wan"].fillna(0.0)
    total = out["investment_wan"].sum()
    out["share_pct"] = out["investment_wan"] / total * 100 if total else 0.0
    return out


def by_origin(con: duckdb.DuckDBPyConnection, as_of: date | None = None, sector: str | None = None) -> pd.DataFrame:
    """Projects by origin (来源地; blank -> '未注明'), most investment first. as_of None = the whole
    ledger, else signed this year to as_of. Columns: origin, count (个), investment_wan (万元)."""
    where, params = _signed_filter(as_of)
    return query(con, f"""SELECT coalesce(nullif(trim(origin), ''), '未注明') AS origin, count(*) AS count,
               coalesce(sum(investment), 0) AS investment_wan
        FROM {_known(con, as_of)} WHERE {where} AND {SECTOR_SQL} GROUP BY 1
        ORDER BY investment_wan DESC, count DESC, origin""",
                 params + [sector, sector])


def by_signing_month(con: duckdb.DuckDBPyConnection, as_of: date, sector: str | None = None) -> pd.DataFrame:
    """Projects signed per month from January of as_of's year to as_of's month (every month present).
    Columns: month ('YYYY-MM'), count (个), investment_wan (万元), cumulative_count, cumulative_investment_wan."""
    d = as_date(as_of)
    df = query(con, f"""SELECT month(signed_on) AS m, count(*) AS count, coalesce(sum(investment), 0) AS investment_wan
        FROM {_known(con, d)} WHERE signed_on >= ? AND signed_on <= ? AND {SECTOR_SQL} GROUP BY 1""",
               [date(d.year, 1, 1), d, sector, sector])
    out = pd.DataFrame({"m": range(1, d.month + 1)}).merge(df, on="m", how="left")
    out["count"] = out["count"].fillna(0).astype("int64")
    out["investment_wan"] = out["investment_wan"].fillna(0.0)
    out["month"] = [f"{d.year:04d}-{m:02d}" for m in out["m"]]
    out["cumulative_count"] = out["count"].cumsum()
    out["cumulative_investment_wan"] = out["investment_wan"].cumsum()
    return out[["month", "count", "investment_wan", "cumulative_count", "cumulative_investment_wan"]]


def funnel(con: duckdb.DuckDBPyConnection, sector: str | None = None) -> pd.DataFrame:
    """The funnel 洽谈 → 签约 → 开工 → 投产 over the whole ledger: four rows.

    Columns: stage, reached (个: projects that reached the stage, see the module doc; 停滞 projects
    count by their dates), conversion_pct (reached / reached of the previous stage x 100; NaN for 洽谈),
    median_days_from_previous (median days from the previous stage's date to this one's, over
    projects with both dates; NaN for 洽谈 and 签约, since talks have no date)."""
    r = con.execute(f"""
        SELECT count(*),
               count(*) FILTER (WHERE signed_on IS NOT NULL OR stage IN ('签约', '开工', '投产')),
               count(*) FILTER (WHERE started_on IS NOT NULL OR stage IN ('开工', '投产')),
               count(*) FILTER (WHERE producing_on IS NOT NULL OR stage = '投产'),
               median(started_on - signed_on) FILTER (WHERE started_on IS NOT NULL AND signed_on IS NOT NULL),
               median(producing_on - started_on) FILTER (WHERE producing_on IS NOT NULL AND started_on IS NOT NULL)
        FROM projects WHERE {SECTOR_SQL}""", [sector, sector]).fetchone()
    reached = [int(x) for x in r[:4]]
    conv = [np.nan] + [reached[i] / reached[i - 1] * 100 if reached[i - 1] else np.nan for i in range(1, 4)]
    med = [np.nan, np.nan, none_if_nan(r[4]), none_if_nan(r[5])]
    med = [np.nan if m is None else float(m) for m in med]
    return pd.DataFrame({"stage": list(STAGE_ORDER), "reached": reached, "conversion_pct": conv,
                         "median_days_from_previous": med})


def _known_ledger(con, as_of) -> pd.DataFrame | None:
    """The ledger known at as_of from the store's dated versions (analytics.metrics.history), whether
    as_of is before the newest version or not: a stage's start (停滞, 洽谈) is the first of the versions
    up to as_of that show it, so a figure at as_of is the same before and after a later upload. None
    when the store keeps no versions or as_of is before the first one (next steps and deadlines were not
    known then): the current table."""
    from analytics.metrics import history
    if as_of is None or not history.version_dates(con):
        return None
    state = history.ledger_on(con, as_of)
    if len(state) and (state["basis"] == history.BASIS_DATES).all():
        return None   # before the first version: next steps and deadlines were not known; current state
    return state


def _lights_frame(con, as_of, sector=None, project_key=None) -> pd.DataFrame:
    past = _known_ledger(con, as_of)
    if past is not None:
        df = past.drop(columns=["since_basis"])
        if sector is not None:
            df = df[df["sector"] == sector]
        if project_key is not None:
            df = df[df["project_key"] == project_key]
        return apply_lights(df.reset_index(drop=True), as_of)
    df = query(con, f"""SELECT * EXCLUDE (_batch_id) FROM projects
        WHERE {SECTOR_SQL} AND (CAST(? AS VARCHAR) IS NULL OR project_key = ?) ORDER BY project_key""",
               [sector, sector, project_key, project_key])
    return apply_lights(df, as_of)


def state_note(con: duckdb.DuckDBPyConnection, as_of: date) -> str | None:
    """What the stages, lights and per-leader counts at as_of show (history.state_note): the version of
    the ledger known then, or the ledger's current state; None when that is the same thing."""
    from analytics.metrics import history
    return history.state_note(con, as_of)


STAGE_DATE_COLUMNS = {"签约": "signed_on", "开工": "started_on", "投产": "producing_on"}


def _dates(series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce").astype("datetime64[us]")


def apply_lights(frame: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The traffic-light rule on a frame of ledger rows (the projects table, or the ledger as known at a
    past date from analytics.metrics.history): a copy with stage_since (the date the stage began:
    签约 signed_on, 开工 started_on, 投产 producing_on, 停滞 the latest of the three; a frame that
    already has a stage_since column keeps its non-empty values), days_in_stage, overdue_days, light and
    reason added (see traffic_lights). Rows keep their order."""
    d = pd.Timestamp(as_date(as_of))
    df = frame.copy()
    for col in ("signed_on", "started_on", "producing_on", "due_on"):
        df[col] = _dates(df[col]) if col in df.columns else pd.Series(pd.NaT, index=df.index, dtype="datetime64[us]")
    by_stage = pd.Series(pd.NaT, index=df.index, dtype="datetime64[us]")
    for stage_name, col in STAGE_DATE_COLUMNS.items():
        by_stage = by_stage.where(df["stage"] != stage_name, df[col])
    stalled = df[["signed_on", "started_on", "producing_on"]].max(axis=1, skipna=True).astype("datetime64[us]")
    by_stage = by_stage.where(df["stage"] != "停滞", stalled)
    if "stage_since" in df.columns:
        by_stage = _dates(df["stage_since"]).where(_dates(df["stage_since"]).notna(), by_stage)
    df["stage_since"] = by_stage
    since_days = (d - df["stage_since"]).dt.days
    df["days_in_stage"] = since_days.where(df["stage_since"] <= d)
    due_days = (d - df["due_on"]).dt.days
    df["overdue_days"] = due_days.where(df["due_on"] < d, 0)
    df["days_to_due"] = (-due_days).where(df["due_on"] >= d)
    if df.empty:
        return df.assign(light=pd.Series(dtype=str), reason=pd.Series(dtype=str),
                         days_in_stage=df["days_in_stage"].astype("Int64"),
                         overdue_days=df["overdue_days"].astype("Int64")).drop(columns=["days_to_due"])
    R = TRAFFIC_LIGHT_RULES
    # the rule, vectorised: one boolean array per condition; its reason text is written only for the rows it hits
    n = len(df)
    stage = df["stage"].to_numpy(dtype=object)
    overdue = df["overdue_days"].fillna(0).to_numpy(dtype="int64")
    days = df["days_in_stage"].to_numpy(dtype="float64", na_value=np.nan)
    to_due = df["days_to_due"].to_numpy(dtype="float64", na_value=np.nan)
    green_stage = df["stage"].isin(R["green_stages"]).to_numpy()
    limit = df["stage"].map(R["max_days_in_stage"]).to_numpy(dtype="float64", na_value=np.nan)
    no_progress = (df["progress"].astype("string").str.strip().fillna("") == "").to_numpy(dtype=bool)

    def over_txt(i):
        return [f"节点时限已超期{d}天" for d in overdue[i]]

    red = [
        (df["stage"].isin(R["red_stages"]).to_numpy(), lambda i: ["项目停滞"] * len(i)),
        (overdue > R["red_overdue_days"], over_txt),
    ]
    yellow = [
        ((overdue > R["yellow_overdue_days"]) & (overdue <= R["red_overdue_days"]), over_txt),
        (~np.isnan(to_due) & (to_due <= R["yellow_due_within_days"]),
         lambda i: ["节点时限" + fmt.due_text(int(d)) for d in to_due[i]]),   # 0 -> 节点时限今日到期
        (~np.isnan(limit) & ~np.isnan(days) & (days > limit),
         lambda i: [f"处于{s}阶段已{int(d)}天（超过{int(m)}天）" for s, d, m in zip(stage[i], days[i], limit[i])]),
        (no_progress if R["yellow_no_progress"] else np.zeros(n, dtype=bool), lambda i: ["无最新进展记录"] * len(i)),
    ]

    def joined(conds) -> tuple[np.ndarray, np.ndarray]:
        hit = np.zeros(n, dtype=bool)
        text = np.full(n, "", dtype=object)
        for cond, reason in conds:
            i = np.flatnonzero(cond & ~green_stage)
            if len(i):
                text[i] = [t + "；" + r if t else r for t, r in zip(text[i], reason(i))]
                hit[i] = True
        return hit, text

    is_red, red_text = joined(red)
    is_yellow, yellow_text = joined(yellow)
    lights = np.where(is_red, "红", np.where(is_yellow, "黄", "绿"))
    both = np.array([r + "；" + y if r and y else r + y for r, y in zip(red_text, yellow_text)], dtype=object)
    reasons = np.where(is_red, both, np.where(is_yellow, yellow_text,
                                              np.where(green_stage, "已投产", "按计划推进")))
    df = df.assign(light=lights, reason=reasons)
    df["days_in_stage"] = df["days_in_stage"].astype("Int64")
    df["overdue_days"] = df["overdue_days"].astype("Int64")
    return df.drop(columns=["days_to_due"])


def traffic_lights(con: duckdb.DuckDBPyConnection, as_of: date, sector: str | None = None,
                   leader: str | None = None, stage: str | None = None, light: str | None = None) -> pd.DataFrame:
    """Every project with its traffic light at as_of (rule: TRAFFIC_LIGHT_RULES / TRAFFIC_LIGHT_RULE_TEXT).

    One row per project: every ledger column, stage_since (date the stage began), light (红/黄/绿),
    reason (Chinese, the conditions that set the light), days_in_stage (days; <NA> when unknown),
    overdue_days (days past due_on, 0 when not overdue or no due date). Sorted 红, 黄, 绿 then by
    overdue days descending. Optional filters on leader, stage and light. The ledger known at as_of from
    its dated versions (_known_ledger; state_note says which version when it is not the newest)."""
    if light is not None and light not in LIGHTS:
        raise ValueError(f"未知灯色 “{light}”；可用：{'、'.join(LIGHTS)}")
    df = _lights_frame(con, as_of, sector)
    if leader is not None:
        df = df[df["leader"] == leader]
    if stage is not None:
        df = df[df["stage"] == stage]
    if light is not None:
        df = df[df["light"] == light]
    order = df["light"].map({"红": 0, "黄": 1, "绿": 2})
    df = df.assign(_o=order).sort_values(["_o", "overdue_days", "project_key"], ascending=[True, False, True])
    return df.drop(columns="_o").reset_index(drop=True)


def by_leader(con: duckdb.DuckDBPyConnection, as_of: date, sector: str | None = None) -> pd.DataFrame:
    """Projects per 包保 leader (blank -> '未明确'): one row per leader, most projects first.
    Columns: leader, projects (个), investment_wan (万元), red, yellow, green (个 by light at as_of)."""
    return leader_counts(_lights_frame(con, as_of, sector))


def leader_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Per-leader counts of a ledger frame that carries a `light` column (any version of the ledger):
    one row per leader (blank -> '未明确'), most projects first; columns as by_leader."""
    cols = ["leader", "projects", "investment_wan", "red", "yellow", "green"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame({"leader": df["leader"].fillna("未明确").replace("", "未明确"),
                       "investment": pd.to_numeric(df["investment"], errors="coerce").fillna(0.0), "one": 1,
                       "red": (df["light"] == "红").astype("int64"), "yellow": (df["light"] == "黄").astype("int64"),
                       "green": (df["light"] == "绿").astype("int64")})
    out = df.groupby("leader", as_index=False).agg(
        projects=("one", "sum"), investment_wan=("investment", "sum"), red=("red", "sum"),
        yellow=("yellow", "sum"), green=("green", "sum"))
    return out.sort_values(["projects", "investment_wan", "leader"], ascending=[False, False, True])[cols] \
        .reset_index(drop=True)


def project_detail(con: duckdb.DuckDBPyConnection, project_key: str, as_of: date | None = None) -> dict:
    """One project as a dict: every ledger column plus light, reason, days_in_stage, overdue_days at
    as_of (default today). Empty dict when no project has this key. Dates stay date objects."""
    d = as_date(as_of) if as_of is not None else date.today()
    df = _lights_frame(con, d, None, project_key)
    if df.empty:
        return {}
    out = {}
    for k, v in df.iloc[0].to_dict().items():
        v = none_if_nan(v)
        out[k] = v.date() if isinstance(v, pd.Timestamp) else v
    return out


def count_all(con: duckdb.DuckDBPyConnection) -> int:
    """Number of projects in the ledger (个)."""
    return int(scalar(con, "SELECT count(*) FROM projects"))
