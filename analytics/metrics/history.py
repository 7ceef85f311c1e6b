"""项目全生命周期 (可追溯): the project ledger's dated versions, and what they say about any date.

Every upload of the project ledger is a dated version (analytics.store.ledger_versions: one row per
project of the ledger as it stood after each live upload, with batch_id, version_on, imported_at,
file_name and the ledger's fields). A whole ledger (the default rule) is that version, and the current
table is the newest one; an upload under "append" is the previous version with its rows added or updated.
The functions below are pure over such a frame (`versions`); the `*_at` wrappers read it from the store.

Definitions:
- The ledger known at day D is the latest version with version_on <= D. Stages, lights, per-leader
  counts, next steps and deadlines at D are that version's: nothing is stated about D that was not
  known on D.
- Before the first version, a project's stage at D can only be told from the dates of the first
  version (签约 signed_on, 开工 started_on, 投产 producing_on <= D; basis '台账日期推算'); a project
  with no such date on or before D is not listed (its talks have no date).
- Transitions in [start, end] compare the ledger known the day before start with the one known at
  end: 新签约 / 新开工 / 新投产 (the stage's date falls in the span, or, without a date, the stage was
  first reached in a version of the span), 转停滞 (停滞 at end, another stage before), 退出台账 (in the
  ledger before, in no version up to end after it), 新入库 (a project first listed in the span that
  none of the others covers).
- Days in the current stage at D: D - the date the stage began: the stage's own date (签约/开工/投产)
  when the ledger has it, else the version_on of the first of the consecutive versions that show
  the stage (停滞, 洽谈, or a stage without its date).
- 开工率 / 投产率 of the projects signed in year Y, at D: of the projects known at D with signed_on in
  Y, the share started (started_on <= D or stage 开工/投产) / producing (producing_on <= D or stage
  投产), percent.
Dates are datetime.date; investment in 万元; counts in 个.
"""
from __future__ import annotations

from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd

from analytics.metrics import projects as _projects
from analytics.metrics._common import as_date, month_start, scoped_memo
from analytics.schema import STAGE_ORDER

BASIS_VERSION = "台账版本"
BASIS_DATES = "台账日期推算"
EVENTS = ("新签约", "新开工", "新投产", "转停滞", "退出台账", "新入库")
STAGE_OF_DATE = {"signed_on": "签约", "started_on": "开工", "producing_on": "投产"}
_RANK = {s: i for i, s in enumerate(STAGE_ORDER)}   # 洽谈 0 … 投产 3; 停滞 has none
LEDGER_COLUMNS = ("project_key", "name", "sector", "investment", "stage", "signed_on", "started_on",
                  "producing_on", "leader", "department", "next_step", "due_on", "progress")


# ---------------------------------------------------------------------------
# Reading the versions
# ---------------------------------------------------------------------------
def _as_date_or_none(v):
    if v is None or (not isinstance(v, date) and pd.isna(v)):
        return None
    return as_date(v)


def _dates_or_none(values) -> np.ndarray:
    """datetime64 values as an object array of datetime.date, None where empty (vectorised _as_date_or_none)."""
    s = pd.Series(pd.to_datetime(pd.Series(values), errors="coerce").astype("datetime64[us]").to_numpy())
    out = np.full(len(s), None, dtype=object)
    ok = s.notna().to_numpy()
    out[ok] = s[ok].dt.date.to_numpy()
    return out


def normalise(versions: pd.DataFrame) -> pd.DataFrame:
    """A copy of a versions frame with date columns as datetime64 (NaT when empty), version_on as
    datetime64, sorted by version_on then batch_id; rows without a project_key dropped."""
    df = versions.copy()
    for col in ("version_on", "signed_on", "started_on", "producing_on", "due_on"):
        if col in df.columns:
            df[col] = pd.to_datetime(df[col], errors="coerce").astype("datetime64[us]")
        else:
            df[col] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[us]")
    for col in LEDGER_COLUMNS:
        if col not in df.columns:
            df[col] = None
    df = df[df["project_key"].notna()]
    return df.sort_values(["version_on", "batch_id"], kind="stable").reset_index(drop=True)


def load_versions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The project ledger's versions from the store (analytics.store.ledger_versions), normalised."""
    from analytics import store
    if hasattr(store, "ledger_versions"):
        return normalise(store.ledger_versions(con, "projects"))
    return normalise(_versions_from_current(con))


def _versions_from_current(con) -> pd.DataFrame:
    """Without dated versions in the store: the current ledger as one version dated by its last import."""
    df = con.execute("""SELECT p._batch_id AS batch_id, CAST(l.imported_at AS DATE) AS version_on, l.imported_at,
                               l.file_name, p.* EXCLUDE (_batch_id)
                        FROM projects p LEFT JOIN (SELECT batch_id, min(imported_at) AS imported_at,
                                                          any_value(file_name) AS file_name
                                                   FROM import_log GROUP BY batch_id) l ON l.batch_id = p._batch_id
                        """).df()
    if df.empty:
        return df
    last = df["batch_id"].max()
    on = df.loc[df["batch_id"] == last, "version_on"].iloc[0]
    return df.assign(batch_id=last, version_on=on)


def version_list(versions: pd.DataFrame) -> pd.DataFrame:
    """One row per version, oldest first: batch_id, version_on (date), file_name, projects (个)."""
    v = normalise(versions) if "version_on" not in versions or versions["version_on"].dtype == object else versions
    cols = ["batch_id", "version_on", "file_name", "projects"]
    if v.empty:
        return pd.DataFrame(columns=cols)
    out = v.groupby(["version_on", "batch_id"], as_index=False, sort=True).agg(
        file_name=("file_name", "first"), projects=("project_key", "nunique"))
    out["version_on"] = out["version_on"].dt.date
    return out[cols]


def _lookup(keys: pd.Series, values: pd.Series) -> pd.Series:
    """values[key] for each key (NaT/None where missing), aligned with keys' index (Series.map of an
    empty datetime Series fails in pandas 3)."""
    if values.empty:
        dtype = values.dtype if values.dtype.kind == "M" else object
        return pd.Series(pd.NaT if values.dtype.kind == "M" else None, index=keys.index, dtype=dtype)
    values = values[~values.index.duplicated(keep="last")]
    return pd.Series(values.reindex(keys.to_numpy()).to_numpy(), index=keys.index)


def _version_at(v: pd.DataFrame, day: date) -> tuple[int, pd.Timestamp] | None:
    """(batch_id, version_on) of the latest version with version_on <= day, None before the first."""
    known = v[v["version_on"] <= pd.Timestamp(day)]
    if known.empty:
        return None
    last = known.iloc[-1]
    return int(last["batch_id"]), last["version_on"]


# ---------------------------------------------------------------------------
# The ledger at a date
# ---------------------------------------------------------------------------
STATE_COLUMNS = list(LEDGER_COLUMNS) + ["stage_since", "since_basis", "basis", "batch_id", "version_on", "file_name"]


def _stage_since(v: pd.DataFrame, state: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """For each project of `state` (one version): the date its current stage began and how it is known."""
    own = pd.Series(pd.NaT, index=state.index, dtype="datetime64[us]")
    for col, stage in STAGE_OF_DATE.items():
        own = own.where(state["stage"] != stage, state[col])
    # the first of the consecutive versions (up to this one) that show the current stage
    upto = v[v["version_on"] <= state["version_on"].max()][["project_key", "version_on", "stage"]]
    upto = upto.drop_duplicates(["project_key", "version_on"], keep="last")
    cur = state.set_index("project_key")["stage"]
    upto = upto.assign(cur=_lookup(upto["project_key"], cur))
    upto = upto[upto["cur"].notna()]
    other = upto[upto["stage"] != upto["cur"]].groupby("project_key")["version_on"].max()
    first_run = upto.assign(after=_lookup(upto["project_key"], other))
    first_run = first_run[(first_run["stage"] == first_run["cur"])
                          & (first_run["after"].isna() | (first_run["version_on"] > first_run["after"]))]
    run_start = first_run.groupby("project_key")["version_on"].min()
    from_versions = _lookup(state["project_key"], run_start).astype("datetime64[us]")
    since = own.where(own.notna(), from_versions)
    basis = pd.Series(np.where(own.notna(), "台账日期", "台账版本"), index=state.index)
    return since, basis


def ledger_at(versions: pd.DataFrame, day: date) -> pd.DataFrame:
    """The ledger as known at `day`: one row per project of the latest version with version_on <= day
    (basis 台账版本); before the first version, the projects whose dates (in the first version) show a
    stage on or before day, with that stage (basis 台账日期推算; next step, deadline and progress blank:
    they were not known then). Columns STATE_COLUMNS: the ledger's fields, stage_since (date the stage
    began), since_basis (台账日期 / 台账版本), basis, batch_id, version_on, file_name."""
    v = normalise(versions)
    day = as_date(day)
    if v.empty:
        return _empty_state()
    at = _version_at(v, day)
    if at is not None:
        state = v[v["batch_id"] == at[0]].drop_duplicates("project_key", keep="last").copy()
        state["basis"] = BASIS_VERSION
        since, how = _stage_since(v, state)
        state["stage_since"], state["since_basis"] = since, how
        return _as_state(state)
    first = v[v["batch_id"] == v["batch_id"].iloc[0]].drop_duplicates("project_key", keep="last").copy()
    return _from_dates(first, day)


def _from_dates(first: pd.DataFrame, day: date) -> pd.DataFrame:
    """The stages that the dates of the first version show at `day` (before that version)."""
    d = pd.Timestamp(as_date(day))
    stage = pd.Series(None, index=first.index, dtype=object)
    since = pd.Series(pd.NaT, index=first.index, dtype="datetime64[us]")
    for col, name in STAGE_OF_DATE.items():          # in stage order: the latest reached wins
        hit = first[col].notna() & (first[col] <= d)
        stage = stage.where(~hit, name)
        since = since.where(~hit, first[col])
    first = first.assign(stage=stage, stage_since=since, since_basis="台账日期", basis=BASIS_DATES)
    for col in ("next_step", "progress"):
        first[col] = None
    first["due_on"] = pd.NaT
    for col in ("started_on", "producing_on", "signed_on"):
        first[col] = first[col].where(first[col] <= d)
    return _as_state(first[first["stage"].notna()])


def _empty_state() -> pd.DataFrame:
    base = normalise(pd.DataFrame(columns=["batch_id", "version_on", "file_name", *LEDGER_COLUMNS]))
    return base.assign(stage_since=pd.Series(dtype="datetime64[us]"), since_basis=pd.Series(dtype=object),
                       basis=pd.Series(dtype=object))[STATE_COLUMNS]


def _as_state(df: pd.DataFrame) -> pd.DataFrame:
    """STATE_COLUMNS first, then every other column the version carries (investor, origin, project_id …)."""
    rest = [c for c in df.columns if c not in STATE_COLUMNS and c not in ("imported_at", "rank")]
    return df[STATE_COLUMNS + rest].sort_values("project_key").reset_index(drop=True)


def stage_on(versions: pd.DataFrame, day: date) -> dict[str, str]:
    """{project_key: stage} at `day` (see ledger_at)."""
    s = ledger_at(versions, day)
    return dict(zip(s["project_key"], s["stage"]))


def by_stage_at(versions: pd.DataFrame, day: date, sector: str | None = None) -> pd.DataFrame:
    """The ledger known at day by stage: five rows (洽谈, 签约, 开工, 投产, 停滞). Columns: stage,
    count (个), investment_wan (万元)."""
    return _by_stage(ledger_at(versions, day), sector)


def _by_stage(s: pd.DataFrame, sector: str | None) -> pd.DataFrame:
    from analytics.schema import STAGES
    if sector is not None:
        s = s[s["sector"] == sector]
    g = s.groupby("stage").agg(count=("project_key", "size"), investment_wan=("investment", "sum"))
    out = pd.DataFrame({"stage": list(STAGES)}).merge(g.reset_index(), on="stage", how="left")
    out["count"] = out["count"].fillna(0).astype("int64")
    out["investment_wan"] = out["investment_wan"].fillna(0.0).astype(float)
    return out


def lights_at(versions: pd.DataFrame, day: date, sector: str | None = None) -> pd.DataFrame:
    """Every project of the ledger known at day with its traffic light at day (projects.apply_lights:
    the same rule as the current ledger's), sorted 红, 黄, 绿 then overdue days descending."""
    return _lights(ledger_at(versions, day), day, sector)


def _lights(s: pd.DataFrame, day: date, sector: str | None) -> pd.DataFrame:
    if sector is not None:
        s = s[s["sector"] == sector]
    df = _projects.apply_lights(s, day)
    if df.empty:
        return df
    order = df["light"].map({"红": 0, "黄": 1, "绿": 2})
    return (df.assign(_o=order).sort_values(["_o", "overdue_days", "project_key"], ascending=[True, False, True])
            .drop(columns="_o").reset_index(drop=True))


def by_leader_at(versions: pd.DataFrame, day: date, sector: str | None = None) -> pd.DataFrame:
    """Projects per 包保 leader in the ledger known at day, with their lights at day; the columns of
    projects.by_leader (leader, projects, investment_wan, red, yellow, green)."""
    return _projects.leader_counts(_lights(ledger_at(versions, day), day, sector))


def days_in_stage(versions: pd.DataFrame, day: date) -> pd.DataFrame:
    """Days each project of the ledger known at day has been in its current stage, longest first.
    Columns: project_key, name, stage, stage_since (date), since_basis (台账日期 / 台账版本),
    days_in_stage (days; <NA> when the start is unknown or after day), leader."""
    return _days(ledger_at(versions, day), day)


def _days(s: pd.DataFrame, day: date) -> pd.DataFrame:
    d = pd.Timestamp(as_date(day))
    days = (d - s["stage_since"]).dt.days.where(s["stage_since"] <= d).astype("Int64")
    out = s.assign(days_in_stage=days)[["project_key", "name", "stage", "stage_since", "since_basis",
                                        "days_in_stage", "leader"]]
    out = out.assign(stage_since=_dates_or_none(out["stage_since"]))
    return out.sort_values(["days_in_stage", "project_key"], ascending=[False, True], na_position="last") \
        .reset_index(drop=True)


# ---------------------------------------------------------------------------
# Transitions
# ---------------------------------------------------------------------------
TRANSITION_COLUMNS = ["event", "project_key", "name", "date", "from_stage", "to_stage", "version_on", "leader",
                      "department", "investment"]


def transitions(versions: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Stage changes in [start, end] (see the module docstring): one row per (event, project), in EVENTS
    order then by date. Columns TRANSITION_COLUMNS: event, project_key, name, date (the event's date:
    the stage's own date, else the version_on of the version that first showed it), from_stage (at
    start - 1 day; None when not listed), to_stage (at end), version_on (the version the event comes
    from), leader, department, investment (万元)."""
    v = normalise(versions)
    start, end = as_date(start), as_date(end)
    if v.empty or _version_at(v, end) is None:
        return pd.DataFrame(columns=TRANSITION_COLUMNS)
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    return _transitions(ledger_at(v, start - timedelta(days=1)), ledger_at(v, end),
                        v[(v["version_on"] >= lo) & (v["version_on"] <= hi)], start, end)


def _transitions(before: pd.DataFrame, after: pd.DataFrame, span: pd.DataFrame, start: date,
                 end: date) -> pd.DataFrame:
    """transitions() from the ledgers known before and at the end, and the versions dated in the span."""
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    span = span.assign(rank=span["stage"].map(_RANK).fillna(-1))
    a = after.merge(before[["project_key", "stage"]].rename(columns={"stage": "from_stage"}), on="project_key",
                    how="left")
    key = a["project_key"]
    rank_now = a["stage"].map(_RANK).fillna(-1)
    rank_before = a["from_stage"].map(_RANK).fillna(-1)
    stalled_now, stalled_before = a["stage"] == "停滞", a["from_stage"] == "停滞"
    # per project of `a`, the first version of the span meeting a condition (numpy over integer codes:
    # a groupby on the project keys would cost more than the rest of the function)
    codes = pd.Index(key.to_numpy(dtype=object)).get_indexer(span["project_key"].to_numpy(dtype=object))
    versions = span["version_on"].to_numpy(dtype="datetime64[us]").astype("int64")
    never = np.iinfo(np.int64).max

    def first_version(condition) -> pd.Series:
        out = np.full(len(a), never, dtype="int64")
        sel = np.asarray(condition, dtype=bool) & (codes >= 0)
        np.minimum.at(out, codes[sel], versions[sel])
        return pd.Series(np.where(out == never, np.datetime64("NaT", "us"), out.astype("datetime64[us]")),
                         index=a.index)

    first_seen = first_version(np.ones(len(span), dtype=bool))
    picked: list[tuple[np.ndarray, str, np.ndarray, np.ndarray]] = []   # (rows of a, event, date, version)

    def emit(mask, event, when, version):
        m = mask.to_numpy(dtype=bool)
        if m.any():
            picked.append((np.flatnonzero(m), event, pd.Series(when).to_numpy(dtype="datetime64[us]")[m],
                           pd.Series(version).to_numpy(dtype="datetime64[us]")[m]))

    hit = pd.Series(False, index=a.index)
    for col, event in (("signed_on", "新签约"), ("started_on", "新开工"), ("producing_on", "新投产")):
        k = _RANK[STAGE_OF_DATE[col]]
        when = a[col]
        dated = when.notna() & (when >= lo) & (when <= hi)
        first_dated = first_version(span[col].notna().to_numpy())
        emit(dated, event, when, first_dated.where(first_dated.notna(), a["version_on"]))
        reached = first_version((span["rank"] >= k).to_numpy())
        undated = (when.isna() & (rank_now >= k) & ~stalled_now & ~((rank_before >= k) | stalled_before)
                   & reached.notna())
        emit(undated, event, reached, reached)
        hit |= dated | undated
    stall_seen = first_version((span["stage"] == "停滞").to_numpy())
    stalled = stalled_now & a["from_stage"].notna() & ~stalled_before
    stall_when = stall_seen.where(stall_seen.notna(), a["version_on"])
    emit(stalled, "转停滞", stall_when, stall_when)
    hit |= stalled
    seen = first_seen
    emit(a["from_stage"].isna() & ~hit & seen.notna(), "新入库", seen, seen)
    frames = []
    if picked:   # one take of `a` for every event
        rows = np.concatenate([p[0] for p in picked])
        part = a.iloc[rows]
        frames.append(pd.DataFrame({
            "event": np.concatenate([np.full(len(p[0]), p[1], dtype=object) for p in picked]),
            "project_key": part["project_key"].to_numpy(), "name": part["name"].to_numpy(),
            "date": np.concatenate([p[2] for p in picked]), "from_stage": part["from_stage"].to_numpy(),
            "to_stage": part["stage"].to_numpy(), "version_on": np.concatenate([p[3] for p in picked]),
            "leader": part["leader"].to_numpy(), "department": part["department"].to_numpy(),
            "investment": part["investment"].to_numpy()}))
    still = set(after["project_key"].tolist())
    gone = before[[k not in still for k in before["project_key"].tolist()]]
    if len(gone):
        keys_by_batch = [(on, set(g["project_key"])) for (on, _), g in span.groupby(["version_on", "batch_id"])]
        when = [next((on for on, keys in keys_by_batch if k not in keys), pd.Timestamp(end)) for k in gone["project_key"]]
        frames.append(pd.DataFrame({"event": "退出台账", "project_key": gone["project_key"].to_numpy(),
                                    "name": gone["name"].to_numpy(), "date": when, "from_stage": gone["stage"].to_numpy(),
                                    "to_stage": None, "version_on": when, "leader": gone["leader"].to_numpy(),
                                    "department": gone["department"].to_numpy(),
                                    "investment": gone["investment"].to_numpy()}))
    if not frames:
        return pd.DataFrame(columns=TRANSITION_COLUMNS)
    out = pd.concat(frames, ignore_index=True)[TRANSITION_COLUMNS]
    out["date"] = _dates_or_none(out["date"])
    out["version_on"] = _dates_or_none(out["version_on"])
    out = out.assign(_e=out["event"].map({e: i for i, e in enumerate(EVENTS)}))
    return out.sort_values(["_e", "date", "project_key"]).drop(columns="_e").reset_index(drop=True)


def month_transitions(versions: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """This month's transitions: transitions(versions, first day of as_of's month, as_of)."""
    d = as_date(as_of)
    return transitions(versions, month_start(d), d)


def transition_counts(frame: pd.DataFrame) -> dict[str, int]:
    """{event: count} over EVENTS for a transitions frame (0 where none)."""
    counts = frame["event"].value_counts() if len(frame) else pd.Series(dtype=int)
    return {e: int(counts.get(e, 0)) for e in EVENTS}


# ---------------------------------------------------------------------------
# Cohorts
# ---------------------------------------------------------------------------
def cohort(versions: pd.DataFrame, year: int, as_of: date) -> dict:
    """开工率 and 投产率 of the projects signed in `year`, in the ledger known at as_of.
    {'year', 'signed' (个), 'started' (个), 'producing' (个), 'start_rate_pct', 'producing_rate_pct'
    (percent; None when none signed), 'basis'}."""
    return _cohort(ledger_at(versions, as_of), year, as_of)


def _cohort(s: pd.DataFrame, year: int, as_of: date) -> dict:
    d = pd.Timestamp(as_date(as_of))
    signed = s[s["signed_on"].notna() & (s["signed_on"].dt.year == int(year)) & (s["signed_on"] <= d)]
    started = signed[(signed["started_on"].notna() & (signed["started_on"] <= d))
                     | signed["stage"].isin(("开工", "投产"))]
    producing = signed[(signed["producing_on"].notna() & (signed["producing_on"] <= d)) | (signed["stage"] == "投产")]
    n = len(signed)
    return {"year": int(year), "signed": n, "started": len(started), "producing": len(producing),
            "start_rate_pct": len(started) / n * 100 if n else None,
            "producing_rate_pct": len(producing) / n * 100 if n else None,
            "basis": s["basis"].iloc[0] if len(s) else None}


def cohorts(versions: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """cohort() for every signing year in the ledger known at as_of, oldest first."""
    return _cohorts(ledger_at(versions, as_of), as_of)


def _cohorts(s: pd.DataFrame, as_of: date) -> pd.DataFrame:
    years = sorted({int(y) for y in s["signed_on"].dropna().dt.year})
    cols = ["year", "signed", "started", "producing", "start_rate_pct", "producing_rate_pct"]
    rows = [{k: c[k] for k in cols} for c in (_cohort(s, y, as_of) for y in years)]
    return pd.DataFrame(rows, columns=cols)


# ---------------------------------------------------------------------------
# One project's history
# ---------------------------------------------------------------------------
HISTORY_COLUMNS = ["date", "event", "detail", "version_on", "file_name", "batch_id"]


def project_history(versions: pd.DataFrame, project_key: str) -> pd.DataFrame:
    """One project's history, oldest first: each stage with its date, each change of stage, next step
    (下一节点) and deadline (节点时限) between versions, with the version it came from.

    Columns HISTORY_COLUMNS: date (date of the event: the ledger's 签约/开工/投产 date, else the
    version_on of the version showing the change), event (首次入库, 签约, 开工, 投产, 阶段变更, 下一节点变更,
    节点时限变更, 退出台账), detail (Chinese), version_on, file_name, batch_id (the version that says so)."""
    v = normalise(versions)
    mine = v[v["project_key"] == project_key].drop_duplicates(["batch_id"], keep="last")
    if mine.empty:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    rows = []

    def add(when, event, detail, r):
        rows.append({"date": _as_date_or_none(when), "event": event, "detail": detail,
                     "version_on": _as_date_or_none(r["version_on"]), "file_name": r["file_name"],
                     "batch_id": int(r["batch_id"])})

    first = mine.iloc[0]
    add(first["version_on"], "首次入库", f"台账首次列出，阶段：{first['stage']}", first)
    seen_dates: dict[str, object] = {}
    prev = None
    for _, r in mine.iterrows():
        for col, stage in STAGE_OF_DATE.items():
            when = r[col]
            if pd.notna(when) and seen_dates.get(col) != when:
                note = "" if col not in seen_dates else f"（此前记为{_as_date_or_none(seen_dates[col])}）"
                add(when, stage, f"{stage}时间{_as_date_or_none(when)}{note}", r)
                seen_dates[col] = when
        if prev is not None:
            if r["stage"] != prev["stage"]:
                add(r["version_on"], "阶段变更", f"{prev['stage']} → {r['stage']}", r)
            if (r["next_step"] or None) != (prev["next_step"] or None):
                add(r["version_on"], "下一节点变更", f"{prev['next_step'] or '—'} → {r['next_step'] or '—'}", r)
            pd_due, r_due = _as_date_or_none(prev["due_on"]), _as_date_or_none(r["due_on"])
            if pd_due != r_due:
                add(r["version_on"], "节点时限变更", f"{pd_due or '—'} → {r_due or '—'}", r)
        prev = r
    later = v[(v["version_on"] > mine["version_on"].iloc[-1])]
    if len(later):
        gone = later.iloc[0]
        add(gone["version_on"], "退出台账", "此后的台账版本不再列出该项目", gone)
    out = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    order = {"首次入库": 0, "签约": 1, "开工": 2, "投产": 3, "阶段变更": 4, "下一节点变更": 5, "节点时限变更": 6,
             "退出台账": 7}
    out = out.assign(_o=out["event"].map(order)).sort_values(["date", "_o"], kind="stable")
    return out.drop(columns="_o").reset_index(drop=True)


# ---------------------------------------------------------------------------
# From the store
# ---------------------------------------------------------------------------
def version_dates(con: duckdb.DuckDBPyConnection) -> list[date]:
    """The dates (version_on) of the live versions of the project ledger, ascending, without reading
    the versions themselves (one small query on the store's batch tables; version_list() otherwise)."""
    try:
        rows = con.execute("""SELECT DISTINCT b.version_on FROM batch_datasets b
                              WHERE b.dataset = 'projects' AND b.version_on IS NOT NULL AND b.batch_id IN (
                                  SELECT batch_id FROM import_log WHERE kind = 'import' AND rolled_back_by IS NULL)
                              ORDER BY 1""").fetchall()
        return [as_date(r[0]) for r in rows]
    except duckdb.Error:
        return list(version_list(load_versions(con))["version_on"])


def is_past(con: duckdb.DuckDBPyConnection, day: date) -> bool:
    """True when `day` is before the newest version of the project ledger: the ledger's current state
    then says more than was known on that day, and the figures come from ledger_at()."""
    dates = version_dates(con)
    return bool(dates) and as_date(day) < dates[-1]


def state_note(con: duckdb.DuckDBPyConnection, day: date) -> str | None:
    """The sentence under a figure of project stages, lights or per-leader counts at `day`: which
    version of the ledger it shows, or that it is the ledger's current state; None when `day` is on or
    after the newest version (the current state is what was known on that day)."""
    from analytics import fmt
    dates = version_dates(con)
    day = as_date(day)
    if not dates or day >= dates[-1]:
        return None
    known = [d for d in dates if d <= day]
    if known:
        return f"签约、阶段、红黄绿灯按{fmt.date_cn(known[-1])}版台账，即数据日期当时已有的最新版本"
    return (f"数据日期早于第一版台账（{fmt.date_cn(dates[0])}）：阶段按台账所载签约、开工、投产时间推算，"
            f"红黄绿灯为台账当前状态")


# The versions in the store: analytics.store keeps every upload's rows in projects__log and dates each
# batch in batch_datasets (its module docstring); the queries below read only the versions a figure
# needs. A store without those tables falls back to load_versions() and the pure functions.
_LIVE_VERSIONS_SQL = """
    SELECT b.batch_id, b.version_on, l.file_name FROM batch_datasets b
    JOIN (SELECT batch_id, any_value(file_name) AS file_name FROM import_log
          WHERE kind = 'import' AND rolled_back_by IS NULL GROUP BY batch_id) l USING (batch_id)
    WHERE b.dataset = 'projects' AND b.version_on IS NOT NULL"""


# each version's rows (store.ledger_versions): a batch's whole contribution (its valid rows in the current
# table plus those in the log), and the rows its version kept beyond them (projects__versions: batch_id,
# project_key, row_batch, the batch whose row holds the values; empty while every upload is a whole ledger).
# _batch_id below is the version's batch.
_CONTRIBUTIONS = "SELECT * FROM projects UNION ALL BY NAME SELECT * EXCLUDE (_skip) FROM projects__log WHERE NOT _skip"
_ROWS_SQL = (f"({_CONTRIBUTIONS} UNION ALL BY NAME SELECT x.* EXCLUDE (_batch_id), m.batch_id AS _batch_id "
             f"FROM projects__versions m JOIN ({_CONTRIBUTIONS}) x "
             f"ON x._batch_id = m.row_batch AND x.project_key = m.project_key)")


def _sql_ok(con) -> bool:
    try:
        con.execute("SELECT 1 FROM batch_datasets LIMIT 0")
        con.execute("SELECT _batch_id, _skip FROM projects__log LIMIT 0")
        con.execute("SELECT batch_id, row_batch FROM projects__versions LIMIT 0")
        return True
    except duckdb.Error:
        return False


def _version_rows(con, where: str, params: list, columns: str = "x.*") -> pd.DataFrame:
    """Rows of the live project versions matching `where` (over x = projects__log, v = the version)."""
    df = con.execute(f"""
        WITH v AS ({_LIVE_VERSIONS_SQL})
        SELECT v.batch_id, v.version_on, v.file_name, {columns}
        FROM {_ROWS_SQL} x JOIN v ON v.batch_id = x._batch_id
        WHERE {where}
        ORDER BY v.version_on, v.batch_id, x.project_key""", params).df()
    # a batch holds a project once (the reader refuses a repeated key; the store keeps a batch's row either in
    # the table or in the log): no de-duplication needed here
    return df.drop(columns=[c for c in ("_batch_id", "_sheet", "_row") if c in df.columns])


def known_relation(con: duckdb.DuckDBPyConnection, day: date | None) -> str:
    """SQL relation (every column of the projects table) of the project ledger known at `day`, for a
    figure about `day` that must not use later uploads (a project signed on 3 July but first listed in
    the ledger of 31 July is not counted at 5 July; a July correction does not rewrite the figure for
    15 June). `projects` itself when day is None, on or after the newest version, or the store keeps no
    versions; else the rows of the latest version dated on or before day; before the first version,
    the first version's rows (the caller's date filter then keeps what its dates show by day)."""
    if day is None or not _sql_ok(con) or not is_past(con, day):
        return "projects"
    at = _batch_at(con, as_date(day))
    batch = at[0] if at is not None else _first_batch(con)
    return f"(SELECT * EXCLUDE (_sheet, _row) FROM {_ROWS_SQL} x WHERE x._batch_id = {int(batch)})"


def _batch_at(con, day: date) -> tuple[int, date] | None:
    row = con.execute(f"""WITH v AS ({_LIVE_VERSIONS_SQL}) SELECT batch_id, version_on FROM v WHERE version_on <= ?
                          ORDER BY version_on DESC, batch_id DESC LIMIT 1""", [day]).fetchone()
    return None if row is None else (int(row[0]), as_date(row[1]))


def _first_batch(con) -> int | None:
    row = con.execute(f"""WITH v AS ({_LIVE_VERSIONS_SQL}) SELECT batch_id FROM v ORDER BY version_on, batch_id
                          LIMIT 1""").fetchone()
    return None if row is None else int(row[0])


_NARROW = ("x.project_key, x.name, x.sector, x.investment, x.stage, x.signed_on, x.started_on, x.producing_on, "
           "x.leader, x.department")


def _dated_state(state: pd.DataFrame) -> pd.DataFrame:
    """One version's rows (normalised) as a ledger state whose stage_since is only the stage's own date."""
    own = pd.Series(pd.NaT, index=state.index, dtype="datetime64[us]")
    for col, stage in STAGE_OF_DATE.items():
        own = own.where(state["stage"] != stage, state[col])
    return _as_state(state.assign(stage_since=own, since_basis="台账日期", basis=BASIS_VERSION))


def _state_sql(con, day: date, with_since: bool = True) -> pd.DataFrame:
    """ledger_at() computed in the store: the version known at day, with each project's stage_since
    (its stage date, else the first of the consecutive versions up to then that show its stage; with
    with_since False only the stage's own date, which is all transitions and cohorts need)."""
    day = as_date(day)
    at = _batch_at(con, day)
    if at is None:
        first = _first_batch(con)
        if first is None:
            return _empty_state()
        return _from_dates(normalise(_version_rows(con, "x._batch_id = ?", [first])), day)
    batch, on = at
    # without stage_since the figure is a count (transitions, cohorts, stages): the ledger's short columns
    state = normalise(_version_rows(con, "x._batch_id = ?", [batch], "x.*" if with_since else _NARROW))
    if not with_since:
        return _dated_state(state)
    runs = con.execute(f"""
        WITH v AS ({_LIVE_VERSIONS_SQL}),
        r AS {_ROWS_SQL},
        -- only the projects whose stage has no date of its own need the run of versions
        cur AS (SELECT DISTINCT ON (project_key) project_key, stage FROM r WHERE _batch_id = ?
                AND NOT coalesce((stage = '签约' AND signed_on IS NOT NULL) OR (stage = '开工' AND started_on IS NOT NULL)
                                 OR (stage = '投产' AND producing_on IS NOT NULL), false)),
        h AS (SELECT x.project_key, v.version_on, x.stage = c.stage AS same
              FROM r x JOIN v ON v.batch_id = x._batch_id JOIN cur c USING (project_key)
              WHERE v.version_on <= ?),
        diff AS (SELECT project_key, max(version_on) FILTER (WHERE NOT same) AS d FROM h GROUP BY 1)
        SELECT h.project_key, min(h.version_on) AS run_start FROM h LEFT JOIN diff USING (project_key)
        WHERE h.same AND (diff.d IS NULL OR h.version_on > diff.d) GROUP BY 1""", [batch, on]).df()
    run_start = pd.Series(pd.to_datetime(runs["run_start"]).astype("datetime64[us]").to_numpy(),
                          index=runs["project_key"])
    own = pd.Series(pd.NaT, index=state.index, dtype="datetime64[us]")
    for col, stage in STAGE_OF_DATE.items():
        own = own.where(state["stage"] != stage, state[col])
    from_versions = _lookup(state["project_key"], run_start).astype("datetime64[us]")
    state = state.assign(stage_since=own.where(own.notna(), from_versions),
                         since_basis=np.where(own.notna(), "台账日期", "台账版本"), basis=BASIS_VERSION)
    return _as_state(state)


def versions_summary(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """version_list() of the store's project ledger: one row per version (batch_id, version_on,
    file_name, projects)."""
    if not _sql_ok(con):
        return version_list(load_versions(con))
    df = con.execute(f"""WITH v AS ({_LIVE_VERSIONS_SQL})
        SELECT v.batch_id, v.version_on, v.file_name, count(DISTINCT x.project_key) AS projects
        FROM v JOIN {_ROWS_SQL} x ON x._batch_id = v.batch_id
        GROUP BY ALL ORDER BY v.version_on, v.batch_id""").df()
    df["version_on"] = [as_date(x) for x in df["version_on"]]
    return df[["batch_id", "version_on", "file_name", "projects"]]


def known_basis(con: duckdb.DuckDBPyConnection, day: date) -> dict:
    """How the ledger at `day` is known: {'basis': 台账版本 / 台账日期推算 / None (no ledger),
    'version_on': date or None, 'file_name', 'latest_version_on': the newest version's date,
    'is_current': True when day is on or after the newest version (the ledger's current state)}."""
    vl = versions_summary(con)
    if vl.empty:
        return {"basis": None, "version_on": None, "file_name": None, "latest_version_on": None, "is_current": True}
    day = as_date(day)
    known = vl[vl["version_on"] <= day]
    latest = vl["version_on"].iloc[-1]
    if known.empty:
        return {"basis": BASIS_DATES, "version_on": None, "file_name": None, "latest_version_on": latest,
                "is_current": False}
    row = known.iloc[-1]
    return {"basis": BASIS_VERSION, "version_on": row["version_on"], "file_name": row["file_name"],
            "latest_version_on": latest, "is_current": row["version_on"] == latest}


@scoped_memo   # lights, per-leader counts and days in stage of one briefing read the same state
def ledger_on(con: duckdb.DuckDBPyConnection, day: date) -> pd.DataFrame:
    """ledger_at() on the store's versions."""
    if not _sql_ok(con):
        return ledger_at(load_versions(con), day)
    return _state_sql(con, day)


def by_stage_on(con: duckdb.DuckDBPyConnection, day: date, sector: str | None = None) -> pd.DataFrame:
    """by_stage_at() on the store's versions."""
    if not _sql_ok(con):
        return by_stage_at(load_versions(con), day, sector)
    return _by_stage(_state_sql(con, day, False), sector)


def lights_on(con: duckdb.DuckDBPyConnection, day: date, sector: str | None = None) -> pd.DataFrame:
    """lights_at() on the store's versions."""
    return _lights(ledger_on(con, day), day, sector)


def by_leader_on(con: duckdb.DuckDBPyConnection, day: date, sector: str | None = None) -> pd.DataFrame:
    """by_leader_at() on the store's versions (counts: the lights' order does not matter)."""
    s = ledger_on(con, day)
    return _projects.leader_counts(_projects.apply_lights(s if sector is None else s[s["sector"] == sector], day))


def transitions_on(con: duckdb.DuckDBPyConnection, start: date, end: date) -> pd.DataFrame:
    """transitions() on the store's versions."""
    if not _sql_ok(con):
        return transitions(load_versions(con), start, end)
    start, end = as_date(start), as_date(end)
    after_at, before_at = _batch_at(con, end), _batch_at(con, start - timedelta(days=1))
    if after_at is None:
        return pd.DataFrame(columns=TRANSITION_COLUMNS)
    # one read of the versions the figure needs: the one known the day before start, the one known at end,
    # and those dated in the span
    span_ids = [int(r[0]) for r in con.execute(f"WITH v AS ({_LIVE_VERSIONS_SQL}) SELECT batch_id FROM v "
                                               f"WHERE version_on >= ? AND version_on <= ?", [start, end]).fetchall()]
    ids = sorted({after_at[0], *span_ids} | ({before_at[0]} if before_at else set()))
    rows = normalise(_version_rows(con, "x._batch_id IN (SELECT unnest(?::BIGINT[]))", [ids], _NARROW))
    before = (_dated_state(rows[rows["batch_id"] == before_at[0]]) if before_at
              else _state_sql(con, start - timedelta(days=1), False))
    return _transitions(before, _dated_state(rows[rows["batch_id"] == after_at[0]]),
                        rows[rows["batch_id"].isin(span_ids)], start, end)


def month_transitions_on(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    """month_transitions() on the store's versions."""
    d = as_date(as_of)
    return transitions_on(con, month_start(d), d)


def days_in_stage_on(con: duckdb.DuckDBPyConnection, day: date) -> pd.DataFrame:
    """days_in_stage() on the store's versions."""
    return _days(ledger_on(con, day), day)


def cohorts_on(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    """cohorts() on the store's versions."""
    if not _sql_ok(con):
        return cohorts(load_versions(con), as_of)
    return _cohorts(_state_sql(con, as_of, False), as_of)


def project_history_on(con: duckdb.DuckDBPyConnection, project_key: str) -> pd.DataFrame:
    """project_history() on the store's versions (only this project's rows are read, plus the first later
    version that no longer lists it)."""
    if not _sql_ok(con):
        return project_history(load_versions(con), project_key)
    mine = _version_rows(con, "x.project_key = ?", [project_key])
    if mine.empty:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    last = mine["version_on"].max()
    later = con.execute(f"""WITH v AS ({_LIVE_VERSIONS_SQL}) SELECT batch_id, version_on, file_name FROM v
                            WHERE version_on > ? ORDER BY version_on, batch_id LIMIT 1""", [last]).df()
    if len(later):   # a row of another project stands for the version that no longer lists this one
        mine = pd.concat([mine, later.assign(project_key="\x00")], ignore_index=True)
    return project_history(mine, project_key)


def project_name(con: duckdb.DuckDBPyConnection, project_key: str) -> str | None:
    """The project's name in the newest version that lists it."""
    if not _sql_ok(con):
        v = load_versions(con)
        names = v.loc[v["project_key"] == project_key, "name"]
        return names.iloc[-1] if len(names) else None
    rows = _version_rows(con, "x.project_key = ?", [project_key], "x.name")
    return rows["name"].iloc[-1] if len(rows) else None


def latest_project_key(con: duckdb.DuckDBPyConnection) -> str | None:
    """A project of the newest version (the first by key), for a default selection."""
    state = ledger_on(con, date.max)
    return str(state["project_key"].iloc[0]) if len(state) else None
