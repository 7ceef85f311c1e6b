"""数据导入: analysts bring the month's workbooks in; preview, check, commit whole, roll back.

Layout only: reading, checking, merging and rollback are analytics.ingest / analytics.store.
"""
from __future__ import annotations

import hashlib
import os

import pandas as pd
import streamlit as st

from analytics import literal, report, shared, store, summary
from analytics.ingest import limits
from analytics.ingest.model import WorkbookResult
from analytics.schema import DATASETS
from app_lib import auth, errors, ui, uploads
from app_lib.labels import LABELS

MAX_UPLOAD_MB = float(os.environ.get("PARK_MAX_UPLOAD_MB", "50"))  # per file; server.maxUploadSize is 50 too
PREVIEW_ROWS = 50
HEADLINE_LABELS = {
    "entities_total": "市场主体总数（户）", "entities_new_12m": "近一年新设（户）",
    "industrial_growth_ytd": "规上工业增加值增速（%）", "projects_signed_ytd": "今年签约项目（个）",
    "projects_investment_ytd_yi": "签约项目计划总投资（亿元）", "sales_assistance_total_wan": "帮销累计（万元）",
    "key_accounts": "包保对象（个）",
}

ui.shell_guard()
st.title("数据导入")
if auth.role() != auth.ANALYST:
    auth.login_form()
    st.stop()
st.caption(f"当前分析员：{literal.text(auth.user_name())}。每个文件整体导入或整体不导入；导入后各页立即显示新数据，"
           f"任何一次导入都可撤销。")
auth.logout_button()

tab_upload, tab_history, tab_templates = st.tabs(["上传与导入", "导入历史与撤销", "下载模板"])


def _layout(sheet) -> str:
    return store.layout_signature(sheet.dataset, list(sheet.columns) + list(sheet.unused_columns))


def _overrides_for(con, wb: WorkbookResult) -> dict:
    """Remembered hand-made mappings for each recognised sheet of this workbook."""
    out = {}
    for s in wb.sheets:
        if s.dataset:
            saved = store.remembered_mapping(con, _layout(s))
            if saved:
                out[s.sheet] = saved
    return out


def _sha(up) -> str:
    """The content hash of an uploaded file, computed once per uploaded file (file_id) in this session."""
    memo = st.session_state.setdefault("_upload_sha", {})
    if up.file_id not in memo:
        memo[up.file_id] = hashlib.sha256(up.getvalue()).hexdigest()
    return memo[up.file_id]


def _parse(name: str, data: bytes, writer) -> WorkbookResult:
    """Read the file in a guarded child process; again with the remembered mappings when there are some."""
    wb = limits.read_guarded(data, name)
    if wb.error:
        return wb
    with writer() as cur:
        overrides = _overrides_for(cur, wb)
    return limits.read_guarded(data, name, overrides) if overrides else wb


def _shown(value) -> str:
    """A headline value as text: 6879 not 6879.0; — when the data has none."""
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _headline_at(as_of):
    def inspect(cur) -> dict:
        figures = summary.headline(cur, as_of)
        return {k: _shown(figures.get(k)) for k in HEADLINE_LABELS}
    return inspect


def _preview(wb: WorkbookResult, who: str, skip_invalid: bool, ledger_rule, as_of, writer):
    """(headline before, dry-run outcome): what the import would do, computed once per key."""
    inspect = _headline_at(as_of)
    with writer() as cur:
        before = inspect(cur)
        outcome = store.import_workbooks(cur, [wb], who=who, skip_invalid=skip_invalid, dry_run=True,
                                         inspect=inspect, **({"ledger_rule": ledger_rule} if ledger_rule else {}))[0]
    return before, outcome


def _commit(wb: WorkbookResult, who: str, skip_invalid: bool, ledger_rule, writer):
    with writer() as cur:
        return store.import_workbooks(cur, [wb], who=who, skip_invalid=skip_invalid,
                                      **({"ledger_rule": ledger_rule} if ledger_rule else {}))[0]


def _marked(data: bytes, wb: WorkbookResult):
    """The workbook with problem cells marked, built only when its download is clicked."""
    def build() -> bytes:
        return report.highlighted_workbook(data, wb.problems, {s.sheet: s.header_rows for s in wb.sheets})
    return build


def _waited(job, name: str, estimate_s: float, limit_s: float | None = None):
    """The job's result, waiting with a progress bar on the first run; raises the job's error."""
    if not job.done.is_set():
        uploads.wait(job, st.progress(0.0, text=job.label), estimate_s, limit_s)
    if job.error is not None:
        raise job.error
    return job.result


def _sheet_panel(con, wb: WorkbookResult, idx: int) -> None:
    for s in wb.sheets:
        if not s.dataset:
            st.markdown(f"- 工作表「{literal.text(s.sheet)}」：**已跳过**（{literal.text(s.skipped_reason)}）")
            continue
        ds = DATASETS[s.dataset]
        with st.expander(f"工作表「{literal.text(s.sheet)}」→ {ds.label}：{s.counts_text()}", expanded=bool(s.errors)):
            rows = "、".join(f"第{r}行" for r in s.header_rows) or "—"
            st.markdown(f"表头位置：{rows}")
            mapping = pd.DataFrame([{"文件中的列": h, "识别为": ds.field(f).label if f in ds.field_names else f}
                                    for h, f in s.columns.items()])
            st.dataframe((mapping), hide_index=True, placeholder="—", key=f"map_{idx}_{s.sheet}")
            if s.unused_columns:
                st.markdown("未使用的列（可手工指定对应字段，下次同样格式的文件自动沿用）：")
                options = [""] + [f.name for f in ds.fields if f.name not in s.columns.values()]
                choice = {}
                for h in s.unused_columns:
                    choice[h] = st.selectbox(literal.text(h), options, placeholder="请选择", key=f"manual_{idx}_{s.sheet}_{h}",
                                             format_func=lambda f, ds=ds: "（不使用）" if not f else ds.field(f).label)
                if st.button("应用并记住这些对应关系", key=f"apply_map_{idx}_{s.sheet}"):
                    picked = {h: f for h, f in choice.items() if f}
                    with _writer() as cur:
                        store.remember_mapping(cur, _layout(s), picked, who=auth.user_name())
                    _MAPPINGS_CHANGED()
                    st.rerun()
            for note in s.notes:
                st.caption(literal.text(note))
            if s.frame is not None and not s.frame.empty:
                preview = s.frame.head(PREVIEW_ROWS)  # head first: never copy the whole frame on a rerun
                preview = preview.drop(columns=[c for c in ("_valid",) if c in preview.columns])
                preview = preview.rename(columns={f.name: f.label for f in ds.fields} | {"_row": "Excel行号"}
                                         | {k: LABELS.get(k, k) for k in preview.columns if k not in ds.field_names})
                st.dataframe((preview), hide_index=True, placeholder="—", key=f"preview_{idx}_{s.sheet}")


_writer = shared.writer_for(ui.connection())  # a cursor that may write: the process's connection, or (multi-process
_MAPPINGS_CHANGED = uploads.bump_epoch       # deployment) the store opened for this write and published after it


def _ledger_rule(idx: int):
    """The rule for ledger datasets chosen on the preview (None: the store's default)."""
    return st.session_state.get(f"ledger_rule_{idx}")


with tab_upload:
    uploads_ = st.file_uploader(f"选择一个或多个工作簿：{uploads.UPLOAD_TYPES_TEXT}", accept_multiple_files=True,
                                type=list(uploads.UPLOAD_TYPES), key="upload_files")
    skip_invalid = st.checkbox("跳过有错误的行，只导入其余行（默认：有任何错误则整个文件不导入）", key="skip_invalid")
    if not uploads_:
        st.info("请选择要导入的文件。可在“下载模板”页获取各数据集的标准表头。")
    for idx, up in enumerate(uploads_ or []):
        st.subheader(f"文件：{literal.text(up.name)}")
        if up.size > MAX_UPLOAD_MB * 1024 * 1024:
            st.error(f"文件“{literal.text(up.name)}”大小 {up.size / 1048576:.1f} MB，超过 {MAX_UPLOAD_MB:g} MB 的上限。"
                     f"请按年份或工作表拆分后分别上传。")
            continue
        sha = _sha(up)
        estimate = 2.0 + up.size / 1048576 * 1.5   # seconds: about 1.5 s a MB on this machine, plus the start
        try:
            wb = _waited(uploads.job(("parse", sha, up.name, uploads.epoch()), f"正在读取和检查“{up.name}”",
                                     _parse, up.name, up.getvalue(), _writer), up.name, estimate, limits.READ_TIMEOUT_S)
        except Exception as exc:  # noqa: BLE001 - one line, never a traceback
            st.error(f"文件“{literal.text(up.name)}”未导入：{literal.text(errors.reason(exc))}")
            continue
        if wb.error:
            st.error(f"文件“{literal.text(up.name)}”未导入：{literal.text(wb.error)}")
            continue
        _sheet_panel(None, wb, idx)
        if wb.problems:
            frame = report.problems_frame(wb.problems)
            st.markdown(f"**问题清单**：错误 {sum(p.level == 'error' for p in wb.problems)} 个，"
                        f"警告 {sum(p.level == 'warning' for p in wb.problems)} 个")
            st.dataframe((frame), hide_index=True, placeholder="—", key=f"problems_{idx}")
            stem = up.name.rsplit(".", 1)[0]
            st.download_button("下载标出问题单元格的工作簿", _marked(up.getvalue(), wb), file_name=f"{stem}_问题已标出.xlsx",
                               mime=ui.XLSX_MIME, key=f"marked_{idx}", on_click="ignore")
        rule = _ledger_rule(idx)
        as_of = ui.as_of()
        try:
            before, preview = _waited(uploads.job(("preview", sha, up.name, uploads.epoch(), skip_invalid, rule, as_of,
                                                   ui.data_version()), f"正在计算“{up.name}”导入后的变化",
                                                  _preview, wb, auth.user_name(), skip_invalid, rule, as_of, _writer),
                                      up.name, 1.0 + up.size / 1048576)
        except Exception as exc:  # noqa: BLE001
            st.error(f"文件“{literal.text(up.name)}”未导入：{literal.text(errors.reason(exc))}")
            continue
        if preview.refused:
            st.error(literal.text(preview.refused))
            continue
        st.markdown("**导入后的变化（预览，尚未写入）**")
        counts = pd.DataFrame([{"工作表": s.sheet, "数据集": DATASETS[s.dataset].label, "新增": s.rows_new,
                                "更新": s.rows_updated, "未变": s.rows_unchanged, "本文件已不含（将移出）": s.rows_removed,
                                "跳过的错误行": s.rows_skipped} for s in preview.sheets])
        st.dataframe((counts), hide_index=True, placeholder="—", key=f"counts_{idx}")

        for c in preview.changes:  # which merge rule applied, in one sentence, and the figures before/after
            st.info(f"{c.label}：{c.sentence}（{c.figures_text()}）")
        if any(c.rule in store.LEDGER_RULES for c in preview.changes):
            st.radio("台账合并规则（改选后预览随之更新）", store.LEDGER_RULES, key=f"ledger_rule_{idx}", horizontal=True,
                     format_func=lambda r: {"replace": "整本替换：本文件是整本台账的新版本",
                                            "append": "追加：只新增和更新，不删除库中的行"}[r])
        for s in preview.sheets:
            if s.updated_before is not None and not s.updated_before.empty:
                st.markdown(f"「{literal.text(s.sheet)}」将更新的行（前后对比，最多 {store.PREVIEW_ROWS} 行）")
                c1, c2 = st.columns(2)
                c1.caption("库中现有")
                c1.dataframe((s.updated_before), hide_index=True, placeholder="—",
                             key=f"before_{idx}_{s.sheet}")
                c2.caption("本次上传")
                c2.dataframe((s.updated_after), hide_index=True, placeholder="—",
                             key=f"after_{idx}_{s.sheet}")
            if s.removed is not None and not s.removed.empty:
                st.markdown(f"「{literal.text(s.sheet)}」库中有、本次文件中没有的行（同报告期、本台账覆盖的时段内，"
                            f"或整本项目台账中没有的项目；导入后移出，撤销本批次可恢复）")
                st.dataframe((s.removed), hide_index=True, placeholder="—", key=f"removed_{idx}_{s.sheet}")
        after = preview.inspected or {}
        st.dataframe(pd.DataFrame([{"指标": label, "导入前": before.get(k), "导入后": after.get(k)}
                                   for k, label in HEADLINE_LABELS.items()]),
                     hide_index=True, placeholder="—", key=f"headline_{idx}")
        if st.button(f"确认导入“{up.name}”", type="primary", key=f"commit_{idx}"):
            clicks = st.session_state.get("_commit_clicks", 0) + 1
            st.session_state["_commit_clicks"] = clicks
            try:
                outcome = _waited(uploads.job(("commit", sha, clicks, uploads.session_key()), f"正在导入“{up.name}”",
                                              _commit, wb, auth.user_name(), skip_invalid, rule, _writer),
                                  up.name, 1.0 + up.size / 1048576)
            except Exception as exc:  # noqa: BLE001
                st.error(f"文件“{literal.text(up.name)}”未导入：{literal.text(errors.reason(exc))}")
                continue
            if outcome.committed:
                st.session_state["_upload_done"] = f"已导入“{up.name}”（批次 {outcome.batch_id}），各页已更新。"
                st.rerun()
            else:
                st.error(literal.text(outcome.refused))
    if st.session_state.get("_upload_done"):
        st.success(literal.text(st.session_state.pop("_upload_done")))

with tab_history:
    cur = ui.connection().cursor()
    log = store.import_log(cur)
    if log.empty:
        st.info("还没有导入记录。")
    else:
        shown = log.rename(columns={"batch_id": "批次", "kind": "类型", "file_name": "文件", "sheet": "工作表",
                                    "dataset": "数据集", "rows_read": "读取", "rows_new": "新增", "rows_updated": "更新",
                                    "rows_unchanged": "未变", "rows_removed": "删除", "rows_skipped": "跳过",
                                    "warnings": "警告", "imported_at": "时间", "imported_by": "操作人",
                                    "rolled_back_by": "被撤销于批次", "note": "说明"}).drop(columns=["sha256"])
        shown["类型"] = shown["类型"].map({"import": "导入", "rollback": "撤销"})
        st.dataframe(shown, hide_index=True, placeholder="—", key="history_table")
        undoable = sorted(log.loc[(log["kind"] == "import") & log["rolled_back_by"].isna(), "batch_id"].unique(),
                          reverse=True)
        if undoable:
            batch = st.selectbox("要撤销的批次", undoable, placeholder="请选择", key="rollback_batch")
            confirm = st.checkbox(f"我确认撤销批次 {batch}：其新增的行删除，被其更新或删除的行恢复", key="rollback_confirm")
            if st.button("撤销", disabled=not confirm, key="rollback_button"):
                try:
                    with _writer() as wcur:
                        new_id = store.rollback(wcur, int(batch), who=auth.user_name())
                    st.session_state["_rollback_done"] = f"已撤销批次 {batch}（撤销记录为批次 {new_id}），各页已更新。"
                    st.rerun()
                except store.StoreError as exc:
                    st.error(literal.text(errors.reason(exc)))
    if st.session_state.get("_rollback_done"):
        st.success(st.session_state.pop("_rollback_done"))



@st.cache_data(show_spinner=False)
def _template(name: str) -> bytes:
    import tempfile
    from pathlib import Path

    from analytics import templates
    with tempfile.TemporaryDirectory() as tmp:
        return Path(templates.write_template(name, Path(tmp) / "t.xlsx")).read_bytes()


with tab_templates:
    st.markdown("模板的表头与看板识别的列名一致，“填写说明”工作表列出每个字段的含义、单位和可选值。")
    for ds in DATASETS.values():
        st.download_button(f"{ds.label}模板", _template(ds.name), file_name=f"{ds.label}模板.xlsx",
                           mime=ui.XLSX_MIME, key=f"tpl_{ds.name}", on_click="ignore")
