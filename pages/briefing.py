"""月度简报: the monthly briefing on screen, laid out for a 16:9 screenshot (title with period, metric
row, paragraphs beside the first charts, the other charts, the red/yellow projects and the open
demands), with downloads of the .docx, the chart PNGs (.zip) and the Markdown."""
import streamlit as st

from analytics import briefing, fmt
from app_lib import ui

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

ui.shell_guard()
as_of = ui.as_of()
b = ui.run(briefing.build_briefing, as_of)
stem = briefing.file_stem(b)

st.title(b.title)
note, c1, c2, c3 = st.columns([6, 1, 1, 1], vertical_alignment="center")
note.caption(f"{b.subtitle}　|　全园区口径　|　各专题采用数据日期前的最新数据（规上工业为最新累计期）")
# files are made only when a button is pressed (the chart images need the browser once, ~3 s)
c1.download_button("下载Word简报", data=lambda: ui.run(briefing.export_files, as_of)["docx"],
                   file_name=f"{stem}.docx", mime=DOCX_MIME, key="brief_docx", icon=":material/description:",
                   on_click="ignore")
c2.download_button("下载图表PNG", data=lambda: ui.run(briefing.export_files, as_of)["zip"],
                   file_name=f"{stem}_图表.zip", mime="application/zip", key="brief_zip", icon=":material/image:",
                   on_click="ignore")
c3.download_button("下载Markdown", data=briefing.to_markdown(b, image_dir=None), file_name=f"{stem}.md",
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
                st.markdown(s.paragraph)
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
