"""月度简报: the monthly briefing on screen, laid out for a 16:9 screenshot (title with period, metric
row, paragraphs beside the first charts, the other charts, the red/yellow projects and the open
demands); below it the writer edits each section's text (kept with the 期号) and sees the briefing as
it will print (the PDF's pages, or an HTML preview without LibreOffice). 生成简报文件 makes the
.docx, the PDF and the chart PNGs (time-limited; what could not be made is said in Chinese)."""
import streamlit as st

from analytics import briefing, briefing_edits, docx_gov, fmt, literal, office
from app_lib import ui

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

ui.shell_guard()
as_of = ui.as_of()
b = ui.run(briefing.build_briefing, as_of)
stem = briefing.file_stem(b)

st.title(b.title)
for w in b.warnings:   # a date after the data: the latest date each dataset supports
    st.warning(w)
issue = briefing.issue_of(b)
edits_file = briefing_edits.default_path()
try:
    saved = briefing_edits.load(edits_file, issue.key)
except ValueError as exc:   # an unreadable edits file: say so, show the generated text
    st.warning(str(exc))
    saved = {}
generated = {s.subject: s.paragraph or s.omitted or "" for s in b.sections}
b = briefing.apply_edits(b, {k: v["text"] for k, v in saved.items()})   # the writer's text, figures from the data

st.caption(f"{issue.text}　|　{b.subtitle}　|　全园区口径　|　各专题采用数据日期前的最新数据（规上工业为最新累计期）"
             + ("　|　含人工修改的段落" if saved else ""))
# the files are made when 生成简报文件 is pressed (chart images, Word, PDF: a few seconds, never a hang)
c0 = c1 = c2 = c3 = c4 = st.container(horizontal=True, vertical_alignment="center")   # buttons as wide as their labels
issued_on = st.session_state.get("brief_issued") or briefing.default_issued_on(b.as_of)
export_key = (as_of.isoformat(), issue.key, tuple(sorted((k, v["text"]) for k, v in saved.items())), ui.data_version(),
              issued_on.isoformat())
if c0.button("生成简报文件", key="brief_make", icon=":material/print:", type="primary"):
    with st.spinner("正在生成图表图片、Word 和 PDF……"):
        st.session_state["brief_export"] = (export_key, briefing.export(b, preview_pages=True, issued_on=issued_on))
made = st.session_state.get("brief_export")
files = made[1] if made and made[0] == export_key else None
for line in (files.notes if files else []):
    st.warning(line, icon=":material/info:")
c1.download_button("下载Word简报", data=files.docx if files else b"", file_name=f"{stem}.docx", mime=DOCX_MIME,
                   key="brief_docx", icon=":material/description:", on_click="ignore", disabled=files is None,
                   help=None if files else "先点击“生成简报文件”")
c2.download_button("下载PDF简报", data=(files.pdf or b"") if files else b"", file_name=f"{stem}.pdf",
                   mime="application/pdf", key="brief_pdf", icon=":material/picture_as_pdf:", on_click="ignore",
                   disabled=not (files and files.pdf),
                   help=(office.missing_reason() if files and not files.pdf else None) if files else "先点击“生成简报文件”")
c3.download_button("下载图表PNG", data=files.zip if files else b"", file_name=f"{stem}_图表.zip", mime="application/zip",
                   key="brief_zip", icon=":material/image:", on_click="ignore", disabled=files is None,
                   help=None if files else "先点击“生成简报文件”")
c4.download_button("下载Markdown", data=briefing.to_markdown(b, image_dir=None), file_name=f"{stem}.md",
                   mime="text/markdown", key="brief_md", icon=":material/article:", on_click="ignore")

ui.require(bool(b.metrics), f"截至{fmt.date_cn(b.as_of)}暂无可用于简报的数据：请先在“数据导入”页导入工作簿。")

cards = st.columns(len(b.metrics))
for col, m in zip(cards, b.metrics):
    with col:
        ui.metric(m.label, m.value, m.note or None, delta_color="off", delta_arrow="off")


def _chart(c, i: int) -> None:
    ui.chart(c.figure, c.frame, key=f"brief_chart_{i}", filename=c.stem, download=False)


text_col, chart_col = st.columns([11, 10])
with text_col:
    with st.container(border=True):
        for s in b.sections:
            st.markdown(f"**{s.heading}**")
            if s.paragraph:
                st.markdown(literal.text(s.paragraph))  # names from workbooks shown literally
            else:
                st.caption(s.omitted)
lead = b.charts[:2]
with chart_col:
    for i, c in enumerate(lead):
        _chart(c, i)

rest = b.charts[2:]
for start in range(0, len(rest), 3):
    cols = st.columns(3)
    for j, c in enumerate(rest[start:start + 3]):
        with cols[j]:
            _chart(c, 2 + start + j)

left, right = st.columns(2)
with left:
    ui.table(b.red_yellow, briefing.LIGHT_COLUMNS, key="brief_lights", filename=f"红黄灯项目_{b.as_of}",
             title=briefing.table_caption("red_yellow", b, max_rows=len(b.red_yellow) or 1),
             empty_message=b.section("projects").omitted or "无红灯、黄灯项目。", height=360)
with right:
    ui.table(b.open_demands, briefing.DEMAND_COLUMNS, key="brief_demands", filename=f"未办结诉求_{b.as_of}",
             title=briefing.table_caption("open", b, max_rows=len(b.open_demands) or 1),
             empty_message=b.section("service").omitted or "无未办结诉求。", height=360)


# ---------------------------------------------------------------------------
# 定稿: edit the text of each section, see the briefing as it will print
# ---------------------------------------------------------------------------
st.subheader(f"简报定稿（{issue.text}）")
st.date_input("印发日期（版头、落款与版记上的日期）", value=issued_on, key="brief_issued", format="YYYY-MM-DD",
              width=260)
edit_tab, print_tab = st.tabs(["编辑文字", "打印预览"])
with edit_tab:
    st.caption("可修改各部分的文字（图表、附件表格随数据生成，不在此修改）。修改按期号保存，下载的 Word/PDF 使用修改后的文字。")
    for k in briefing_edits.stale(saved, generated):
        st.warning(f"“{b.section(k).heading}”保存修改后数据已更新，生成的文字已变化，请核对修改是否仍然准确。")
    with st.form(f"brief_edit_{issue.key}", border=True):
        typed = {s.subject: st.text_area(s.heading, value=s.paragraph or s.omitted or "", height=140,
                                         key=f"brief_text_{issue.key}_{s.subject}") for s in b.sections}
        save_col, reset_col, _ = st.columns([1, 1, 4])
        do_save = save_col.form_submit_button("保存修改", icon=":material/save:", type="primary")
        do_reset = reset_col.form_submit_button("恢复生成文字", icon=":material/undo:")
    if do_save:
        n = briefing_edits.save(edits_file, issue.key, b.as_of, typed, generated)
        st.session_state["brief_saved"] = f"已保存{issue.key}的修改（{n}个部分与生成文字不同）。" if n else \
            f"{issue.key}各部分均为生成文字，无需保存修改。"
        st.rerun()
    if do_reset:
        briefing_edits.clear(edits_file, issue.key)
        for s in b.sections:
            st.session_state.pop(f"brief_text_{issue.key}_{s.subject}", None)
        st.session_state["brief_saved"] = f"已恢复{issue.key}的生成文字。"
        st.rerun()
    if msg := st.session_state.pop("brief_saved", None):
        st.success(msg)
with print_tab:
    if files and files.pages:
        st.caption(f"PDF 共{len(files.pages)}页（A4，LibreOffice 排版，与下载的PDF相同）。")
        for start in range(0, len(files.pages), 2):
            cols = st.columns(2)
            for col, page in zip(cols, files.pages[start:start + 2]):
                col.image(page, width="stretch")
    else:
        if (why := office.missing_reason()) is not None:
            st.info(f"{why}。下面是网页预览（不分页）。")
        else:
            st.caption("下面是网页预览（不分页）；点击上方“生成简报文件”后显示PDF的分页效果。")
        st.html(docx_gov.to_html(briefing.to_gov_document(b, files.pngs if files else None, issued_on=issued_on)))
