"""analytics.briefing: the text (exact sentences on a tiny store built with SQL, the published figures
on the sample store), missing datasets, the Markdown, the .docx and the chart PNGs."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from analytics import briefing, charts, docx_gov, images, store, text

AS_OF = dt.date(2025, 6, 15)
FONT_MISSING = images.missing_reason()   # None with matplotlib and a CJK font (fonts-noto-cjk)
needs_font = pytest.mark.skipif(FONT_MISSING is not None, reason=f"{FONT_MISSING}：无法导出图表图片")


def _tiny(path) -> None:
    """A store whose figures are worked by hand (see each block)."""
    con = store.connect(str(path))
    # entities: 5716 old (2000 医疗器械, rest 其他, all 企业), 1163 new on 2025-01-10 (1000 企业, 163 个体工商户),
    # 10 closed on 2025-03-01 (alive a year before), 5 established after as_of.
    # alive at 2025-06-15 = 5716 + 1163 = 6879; new in (2024-06-15, 2025-06-15] = 1163; closed = 10;
    # alive at 2024-06-15 = 5716 + 10 = 5726 -> +1153; 医疗器械 2000 / 6879 = 29.07% -> 29.1%
    con.execute("""INSERT INTO entities (uscc, name, entity_type, established_on, closed_on, sector)
        SELECT '91' || lpad(i::VARCHAR, 16, '0'), 'E' || i,
               CASE WHEN i >= 5716 + 1000 AND i < 5716 + 1163 THEN '个体工商户' ELSE '企业' END,
               CASE WHEN i < 5716 THEN DATE '2020-01-01' WHEN i < 6879 THEN DATE '2025-01-10'
                    WHEN i < 6889 THEN DATE '2019-01-01' ELSE DATE '2025-07-01' END,
               CASE WHEN i >= 6879 AND i < 6889 THEN DATE '2025-03-01' END,
               CASE WHEN i < 2000 THEN '医疗器械' ELSE '其他' END
        FROM range(6894) t(i)""")
    # industry: official 9.9 (1-5月 2025) and 3.0 (1-12月 2024): change 6.9 个百分点.
    # enterprises 1-5月: A 110/100 (医疗器械), B 95/100 (其他): 205/200 - 1 = 2.5%;
    # 拉动: 医疗器械 (110-100)/200 = +5.0, 其他 (95-100)/200 = -2.5 个百分点
    con.execute("""INSERT INTO indicators (indicator, unit, period, growth_pct) VALUES
        ('规上工业增加值', '%', DATE '2025-05-01', 9.9), ('规上工业增加值', '%', DATE '2024-12-01', 3.0)""")
    con.execute("""INSERT INTO industrial (period, uscc, name, value_added_ytd, value_added_prev_ytd, sector) VALUES
        (DATE '2025-05-01', '91000000000000000A', 'A', 110, 100, '医疗器械'),
        (DATE '2025-05-01', '91000000000000000B', 'B', 95, 100, '其他')""")
    # projects signed 2025-03-01: 12 医疗器械 x 10000 + 20 医药 x 5000 + 5 绿色算力 x 2000 + 2 生产性服务业 x 2500
    # = 39 projects, 235000 万元 = 23.5亿元; one of them 停滞 (red), one due 2025-06-20 (yellow: 5 days).
    # plus P40 (2024, 开工 since 2024-09-01: 287 days, green) and P41 (洽谈): 41 in the ledger.
    con.execute("""INSERT INTO projects (project_key, name, sector, investment, signed_on, stage, due_on, progress,
                                         leader, next_step)
        SELECT 'P' || lpad(i::VARCHAR, 2, '0'), '项目' || i,
               CASE WHEN i < 12 THEN '医疗器械' WHEN i < 32 THEN '医药' WHEN i < 37 THEN '绿色算力' ELSE '生产性服务业' END,
               CASE WHEN i < 12 THEN 10000 WHEN i < 32 THEN 5000 WHEN i < 37 THEN 2000 ELSE 2500 END,
               DATE '2025-03-01', CASE WHEN i = 0 THEN '停滞' ELSE '签约' END,
               CASE WHEN i = 12 THEN DATE '2025-06-20' END, '推进中', '王建国', '办理施工许可'
        FROM range(39) t(i)""")
    con.execute("""INSERT INTO projects (project_key, name, sector, investment, signed_on, stage, started_on, progress)
        VALUES ('P40', '项目40', '医药', 8000, DATE '2024-08-01', '开工', DATE '2024-09-01', '建设中'),
               ('P41', '项目41', '其他', 1000, NULL, '洽谈', NULL, '洽谈中')""")
    # sales: 4000 + 3000 + 2234.5 = 9234.5 万元 up to as_of -> 9000余万元; 2025: 2234.5 -> 2200余万元 (10.5% cut);
    # 展销中心 7000 (75.8%), 大通店 2234.5 (24.2%); 500 on 2025-07-01 is after as_of
    con.execute("""INSERT INTO sales (sold_on, channel, enterprise, amount, row_key) VALUES
        (DATE '2024-07-05', '展销中心', '甲', 4000, 'a'), (DATE '2024-12-09', '展销中心', '乙', 3000, 'b'),
        (DATE '2025-05-10', '大通店', '甲', 2234.5, 'c'), (DATE '2025-07-01', '大通店', '甲', 500, 'd')""")
    # service: 67 accounts; 4 visits, 3 with a demand: 1 已办结 in 20 days (33.3%), 办理中 since 2025-01-10
    # (156 days > 90), 未办理 since 2025-06-01 (14 days)
    con.execute("""INSERT INTO service_accounts (account, account_type, leader)
        SELECT '包保对象' || lpad(i::VARCHAR, 2, '0'), '企业', '王建国' FROM range(67) t(i)""")
    con.execute("""INSERT INTO service_visits (visited_on, account, leader, visit_type, demand_category, demand,
                                               demand_status, resolved_on, row_key) VALUES
        (DATE '2025-02-01', '包保对象01', '王建国', '问题访谈', '融资', '贷款贴息', '已办结', DATE '2025-02-21', 'v1'),
        (DATE '2025-01-10', '包保对象02', '王建国', '问题访谈', '用地', '扩建用地', '办理中', NULL, 'v2'),
        (DATE '2025-06-01', '包保对象03', '王建国', '政策走访', '用工', '招聘技工', '未办理', NULL, 'v3'),
        (DATE '2025-03-01', '包保对象04', '王建国', '跟踪回访', NULL, NULL, NULL, NULL, 'v4')""")
    con.close()


@pytest.fixture()
def tiny(tmp_path):
    path = tmp_path / "tiny.duckdb"
    _tiny(path)
    con = store.connect(str(path))
    yield con
    con.close()


INDUSTRY = ("1-5月，园区规上工业增加值增速9.9%，较2024年全年（3.0%）提高6.9个百分点；"
            "按2家规上工业企业数据汇总测算，现价增速2.5%；未导入价格指数，企业汇总无法折算为可比价，不与公布数（可比价）直接比较；"
            "分产业看，医疗器械产业拉动增长5.0个百分点，其他产业下拉2.5个百分点（企业数据，现价）。")
ENTITIES = ("截至6月15日，园区各类市场主体总数6879户，近一年新设立市场主体1163户；按类型分，企业6716户、个体工商户163户；"
            "市场主体总数较上年同日增加1153户、增长20.1%，近一年注销、吊销10户；医疗器械产业市场主体2000户，占29.1%。")
PROJECTS = ("2025年以来，园区新签约项目39个，总投资23.5亿元，涉及医疗器械、医药、生产性服务业、绿色算力等产业，"
            "其中医疗器械项目12个；项目台账在库项目41个，其中洽谈1个、已签约38个、在建1个、停滞1个；"
            "按项目推进节点研判，红灯项目1个、黄灯项目1个，详见附件1。")
SALES = ("2024年下半年以来，园区累计助企帮销9000余万元，其中2025年以来2200余万元；"
         "分渠道看，展销中心7000万元（占75.8%）、大通店2200余万元（占24.2%）。")
SERVICE = ("园区党委班子成员包保重点企业和项目67个；累计开展“三访三促”走访4次，收集企业诉求3件，已办结1件，"
           "办结率33.3%，办结用时中位数20天；截至6月15日，尚有2件诉求未办结，其中超过90天的1件，详见附件2。")


def test_paragraphs_are_built_from_the_figures(tiny):
    b = briefing.build_briefing(tiny, AS_OF)
    assert b.title == "生物科技产业园区经济运行月度简报（2025年6月）"
    assert b.subtitle == "数据截至2025年6月15日"
    got = {s.subject: s.paragraph for s in b.sections}
    assert got == {"industry": INDUSTRY, "entities": ENTITIES, "projects": PROJECTS, "sales": SALES,
                   "service": SERVICE}
    assert [s.heading for s in b.sections] == ["一、工业经济运行", "二、市场主体发展", "三、招商引资", "四、助企帮销",
                                               "五、包保服务与企业诉求"]
    assert b.omitted == []



@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2024, 12, 31), dt.date(2025, 1, 20)])
def test_each_paragraph_starts_with_the_overview_lead_sentence(tiny, as_of):
    # analytics.text words each subject's lead sentence once: the briefing starts with it, then adds its own
    # sentences. 2024-12-31: period 1-12月 of as_of's year; 2025-01-20: only 2024's 1-12月 exists (another year)
    b = briefing.build_briefing(tiny, as_of)
    leads = {"industry": text.growth_sentence(b.headline),
             "entities": f"截至{as_of.month}月{as_of.day}日，{text.entities_sentence(b.headline)}",
             "projects": text.projects_sentence(b.headline), "sales": text.sales_sentence(b.headline),
             "service": text.service_sentence(b.headline)}
    for s in b.sections:
        assert s.paragraph.startswith(leads[s.subject]), s.subject
        assert s.paragraph[len(leads[s.subject])] in "；，。", s.subject
    assert b.section("industry").paragraph.startswith(
        {AS_OF: "1-5月，", dt.date(2024, 12, 31): "1-12月，", dt.date(2025, 1, 20): "2024年全年，"}[as_of])

def test_metric_row(tiny):
    b = briefing.build_briefing(tiny, AS_OF)
    assert [(m.label, m.value, m.note) for m in b.metrics] == [
        ("规上工业增加值增速（1-5月）", "9.9%", "较上年全年提高6.9个百分点"),
        ("市场主体总数", "6879户", "近一年新设1163户"),
        ("2025年签约项目", "39个", "总投资23.5亿元"),
        ("助企帮销累计", "9000余万元", "2024年下半年以来"),
        ("包保重点企业和项目", "67个", "未办结诉求2件"),
    ]


def test_tables_hold_red_yellow_projects_and_open_demands(tiny):
    b = briefing.build_briefing(tiny, AS_OF)
    assert list(b.red_yellow["project_key"]) == ["P00", "P12"]          # red first, then yellow
    assert list(b.red_yellow["light"]) == ["红", "黄"]
    assert list(b.open_demands["account"]) == ["包保对象02", "包保对象03"]  # oldest first
    shown = briefing.red_yellow_table(b)
    assert list(shown.columns) == list(briefing.LIGHT_COLUMNS.values())
    assert shown.iloc[1]["节点时限"] == "2025年6月20日"
    assert briefing.table_caption("open", b) == "附件2 未办结企业诉求（共2件，截至2025年6月15日）"
    assert briefing.table_caption("red_yellow", b, max_rows=1) == \
        "附件1 红灯、黄灯项目（共2个，列出前1个，截至2025年6月15日）"


def _footnote(fig) -> str | None:
    """The chart's '数据来源：…' line as plain text, wherever the chart builder puts it (an annotation or the
    x-axis title), without its HTML (line breaks, spans)."""
    import re

    def strings(o):
        if isinstance(o, dict):
            for v in o.values():
                yield from strings(v)
        elif isinstance(o, (list, tuple)):
            for v in o:
                yield from strings(v)
        elif isinstance(o, str):
            yield o
    for t in strings(fig.to_plotly_json()["layout"]):
        plain = re.sub(r"<[^>]+>", "", t or "")
        if "数据来源" in plain:          # after the axis's own title (拉动（个百分点）) when it has one
            return plain[plain.index("数据来源"):]
    return None


def test_charts_are_titled_with_period_and_source(tiny):
    b = briefing.build_briefing(tiny, AS_OF)
    assert [c.stem for c in b.charts] == ["图1_园区规上工业增加值累计增速", "图2_各产业拉动规上工业增加值增长",
                                          "图3_园区市场主体总数与每月新设", "图4_2025年签约项目产业分布",
                                          "图5_助企帮销逐月与累计", "图6_企业诉求分类及办理情况"]
    assert b.charts[0].title == "园区规上工业增加值累计增速（2025年1-5月）"
    foots = [_footnote(c.figure) for c in b.charts]
    assert all(foots), foots
    # official (可比价) and enterprise (现价) lines; no price index, so no enterprise 可比价 line
    assert foots[0] == ("数据来源：统计部门主要经济指标月报、统计部门规上工业月报 · 数据截至2025年5月 · "
                        "公布数为可比价；企业汇总为现价")
    assert [t.name for t in b.charts[0].figure.data] == ["统计部门公布（可比价）", "企业汇总（现价）"]
    assert foots[1].endswith("现价")


def test_missing_dataset_drops_its_paragraph_and_says_so(tiny):
    tiny.execute("DELETE FROM projects")
    b = briefing.build_briefing(tiny, AS_OF)
    sec = b.section("projects")
    assert sec.paragraph is None
    assert sec.omitted == "（本期未导入招商项目台账，略）"
    assert b.omitted == ["（本期未导入招商项目台账，略）"]
    assert "签约项目" not in b.text and "红灯" not in b.text
    assert b.red_yellow.empty and not any(c.subject == "projects" for c in b.charts)
    assert b.section("entities").paragraph == ENTITIES      # the others are untouched
    assert [m.label for m in b.metrics] == ["规上工业增加值增速（1-5月）", "市场主体总数", "助企帮销累计",
                                            "包保重点企业和项目"]
    md = briefing.to_markdown(b)
    assert "## 三、招商引资\n\n（本期未导入招商项目台账，略）" in md


def test_data_after_as_of_only_says_no_data_yet(tiny):
    # the first sale is on 2024-07-05: on 2024-06-30 the ledger is loaded but has nothing yet
    b = briefing.build_briefing(tiny, dt.date(2024, 6, 30))
    assert b.section("sales").omitted == "（截至2024年6月30日暂无助企帮销数据，略）"


def test_default_as_of_is_the_latest_data_date(tiny):
    # latest recorded date not after today: the 2025-07-01 entities and sale
    assert briefing.build_briefing(tiny).as_of == dt.date(2025, 7, 1)


def test_markdown_lists_charts_and_tables(tiny):
    b = briefing.build_briefing(tiny, AS_OF)
    md = briefing.to_markdown(b)
    assert md.startswith("# 生物科技产业园区经济运行月度简报（2025年6月）\n\n数据截至2025年6月15日\n")
    assert "| 规上工业增加值增速（1-5月） | 9.9% | 较上年全年提高6.9个百分点 |" in md
    assert "![园区规上工业增加值累计增速（2025年1-5月）](charts/图1_园区规上工业增加值累计增速.png)" in md
    assert "## 附件1 红灯、黄灯项目（共2个，截至2025年6月15日）" in md
    assert "| 红 | 项目0 | 医疗器械 | 停滞 | 王建国 |" in md


def _docx_texts(doc) -> list[str]:
    """Every paragraph's text, body then tables then footers (python-docx)."""
    return [p.text for p in doc.paragraphs]


def test_docx_is_laid_out_as_an_official_briefing(tiny):
    from docx import Document
    from docx.oxml.ns import qn
    b = briefing.build_briefing(tiny, AS_OF)
    cfg = docx_gov.OfficeConfig(name="测试园区经济运行简报", unit="测试办公室", signature="测试办公室",
                                cc="甲单位，乙单位", printed_by="测试办公室", first_month=dt.date(2025, 1, 1),
                                first_number=3, first_total=40)
    doc = Document(io.BytesIO(briefing.to_docx(b, config=cfg, issued_on=dt.date(2025, 6, 16))))
    texts = _docx_texts(doc)
    # 版头: name, 期号 (3 + 5 months = 第8期, 总第45期), unit and date on one line, the red rule under it
    assert texts[:3] == ["测试园区经济运行简报", "2025年第8期（总第45期）", "测试办公室\t2025年6月16日"]
    mast = doc.paragraphs[0].runs[0]
    assert str(mast.font.color.rgb) == "FF0000" and mast._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    rule = doc.paragraphs[2]._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "FF0000"
    assert texts[3:5] == ["2025年6月园区经济运行情况", "（数据截至2025年6月15日）"]
    # body: headings 黑体, paragraphs 仿宋_GB2312 三号 at a fixed 28.9 pt, the generated text unchanged
    heads = [p for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert [p.text for p in heads] == ["一、工业经济运行", "二、市场主体发展", "三、招商引资", "四、助企帮销",
                                       "五、包保服务与企业诉求"]
    assert all(r._r.rPr.rFonts.get(qn("w:eastAsia")) == "黑体" for p in heads for r in p.runs)
    body = next(p for p in doc.paragraphs if p.text == INDUSTRY)
    run = body.runs[0]
    assert run._r.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312" and run.font.size.pt == 16
    assert body.paragraph_format.line_spacing.pt == pytest.approx(28.9, abs=0.05)
    assert body.paragraph_format.first_line_indent.pt == 32
    assert SERVICE in texts
    # no chart images (none given): each figure keeps its numbered caption
    assert len(doc.inline_shapes) == 0
    assert "图1　园区规上工业增加值累计增速（2025年1-5月）" in texts
    # 附件说明, 落款 (unit over date), 附件 and 版记
    assert "附件：1. 红灯、黄灯项目清单" in texts and "2. 未办结企业诉求清单" in texts
    i = texts.index("测试办公室")
    assert texts[i + 1] == "2025年6月16日"
    assert ["附件1", "红灯、黄灯项目清单"] == texts[texts.index("附件1"):texts.index("附件1") + 2]
    # 版记: a text box anchored to the foot of the 版心, held by the document's last paragraph
    end = doc.paragraphs[-1]._p
    anchor = end.find(".//" + qn("wp:anchor"))
    assert anchor.find(qn("wp:positionV")).get("relativeFrom") == "margin"
    assert anchor.find(qn("wp:positionV")).find(qn("wp:align")).text == "bottom"
    from docx.text.paragraph import Paragraph
    assert [Paragraph(p, None).text for p in anchor.iter(qn("w:p"))] == ["抄送：甲单位，乙单位。",
                                                                          "测试办公室\t2025年6月16日印发"]
    # A4 portrait with the GB/T 9704 margins; page numbers in the footer, odd right, even left
    s0 = doc.sections[0]
    assert (round(s0.page_width.mm), round(s0.page_height.mm)) == (210, 297)
    assert [round(x.mm) for x in (s0.top_margin, s0.bottom_margin, s0.left_margin, s0.right_margin)] == [37, 35, 28, 26]
    assert doc.settings.odd_and_even_pages_header_footer
    for footer, align in ((s0.footer, "RIGHT"), (s0.even_page_footer, "LEFT")):
        p = footer.paragraphs[0]
        assert p.text == "— 1 —" and "<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>" in p._p.xml
        assert p.alignment.name == align
        assert p.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "宋体" and p.runs[0].font.size.pt == 14


def test_docx_fonts_never_fall_back_to_japanese(tiny):
    from docx import Document
    from docx.oxml.ns import qn
    b = briefing.build_briefing(tiny, AS_OF)
    doc = Document(io.BytesIO(briefing.to_docx(b, issued_on=dt.date(2025, 6, 16))))
    styles = doc.styles.element
    # docDefaults: East Asian language zh-CN (python-docx's template says en-US), no theme fonts anywhere
    lang = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    assert not [el for el in styles.iter(qn("w:rFonts")) if el.get(qn("w:eastAsiaTheme")) or el.get(qn("w:asciiTheme"))]
    # no colours in styles (the template's blue headings and captions)
    assert not list(styles.iter(qn("w:color")))
    for name in ("Normal", "Heading 1", "Heading 2", "Title", "Caption"):
        rpr = doc.styles[name].element.rPr
        assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN", name
        assert rpr.rFonts.get(qn("w:eastAsia")) in docx_gov.FALLBACK, name
        assert rpr.find(qn("w:b")) is None, name
    # every run names an East Asian font of the office and says zh-CN
    body = doc.element.body
    runs = list(body.iter(qn("w:r")))
    assert runs
    for r in runs:
        rpr = r.find(qn("w:rPr"))
        assert rpr.find(qn("w:rFonts")).get(qn("w:eastAsia")) in docx_gov.FALLBACK
        assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    # the font table names each Chinese font with its GB2312 charset and a Linux fallback
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml
    table = parse_xml(doc.part.part_related_by(RT.FONT_TABLE).blob)
    fonts = {f.get(qn("w:name")): f for f in table.findall(qn("w:font"))}
    for name in ("方正小标宋简体", "黑体", "楷体_GB2312", "仿宋_GB2312", "宋体"):
        assert fonts[name].find(qn("w:charset")).get(qn("w:val")) == "86"
        assert fonts[name].find(qn("w:altName")).get(qn("w:val")).startswith("Noto ")


def test_appendix_tables_fit_their_words_and_repeat_headers(tiny):
    from docx import Document
    from docx.oxml.ns import qn
    b = briefing.build_briefing(tiny, AS_OF)
    doc = Document(io.BytesIO(briefing.to_docx(b, issued_on=dt.date(2025, 6, 16))))
    assert [len(t.rows) for t in doc.tables] == [6, 3, 3]   # metrics + header; 2 projects; 2 demands
    assert doc.tables[1].rows[1].cells[1].text == "项目0"
    for t in doc.tables:
        assert t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        grid = [int(c.get(qn("w:w"))) / 20 for c in t._tbl.tblGrid.findall(qn("w:gridCol"))]
        size = t.rows[1].cells[0].paragraphs[0].runs[0].font.size.pt
        for j, width in enumerate(grid):
            col = [row.cells[j].text for row in t.rows]
            longest = docx_gov.longest_word_pt(col, size)
            assert width >= longest + 2 * docx_gov.CELL_MARGIN_PT, (col, width, longest)
    # 附件1 has nine columns: landscape section; the body stays portrait
    assert [s.orientation.name for s in doc.sections][:2] == ["PORTRAIT", "LANDSCAPE"]


def test_table_cells_keep_their_text_as_python_docx_writes_it():
    """The appendix rows are written as XML text: a cell reads back (python-docx) with its text, tabs and
    line breaks, markup characters escaped, characters XML cannot hold dropped; each cell has its column's
    width and the run its table font."""
    from docx import Document
    from docx.oxml.ns import qn
    rows = [["甲<乙>&丙", "第一行\n第二行"], ["a\tb", "控制\x07字符\x1f"]]
    doc = Document(io.BytesIO(docx_gov.to_docx(docx_gov.GovDocument(
        "测试简报", "第1期", "测试办公室", AS_OF, "标题", body=[docx_gov.Table("样表", ["名称", "说明"], rows)]))))
    t = doc.tables[0]
    assert [[c.text for c in r.cells] for r in t.rows] == [["名称", "说明"], ["甲<乙>&丙", "第一行\n第二行"],
                                                            ["a\tb", "控制字符"]]
    grid = [c.get(qn("w:w")) for c in t._tbl.tblGrid.findall(qn("w:gridCol"))]
    for r in t.rows:
        assert [tc.tcPr.find(qn("w:tcW")).get(qn("w:w")) for tc in r._tr.tc_lst] == grid
        assert r._tr.trPr.find(qn("w:cantSplit")) is not None
        run = r.cells[0].paragraphs[0].runs[0]
        assert run._r.rPr.rFonts.get(qn("w:eastAsia")) in docx_gov.FALLBACK
    assert [r._tr.trPr.find(qn("w:tblHeader")) is not None for r in t.rows] == [True, False, False]


def test_fit_widths_gives_the_long_columns_the_room():
    header = ["灯色", "项目名称", "节点时限"]
    rows = [["红", "年产五百万支医用导管生产线建设项目", "2025年6月20日"]]
    w = docx_gov.fit_widths(header, rows, 300.0, 10.5)
    assert sum(w) == pytest.approx(300.0)
    pad = 2 * docx_gov.CELL_MARGIN_PT
    # the date and the header words are whole; the name takes what is left and wraps
    assert w[2] >= docx_gov.text_em("2025年6月20日") * 10.5 + pad
    assert w[0] >= docx_gov.text_em("灯色") * 10.5 + pad
    assert w[1] == max(w)
    # room for everything on one line: shared in proportion to the one-line widths
    wide = docx_gov.fit_widths(header, rows, 1000.0, 10.5)
    assert wide[1] / wide[0] == pytest.approx((docx_gov.text_em(rows[0][1]) * 10.5 + pad + docx_gov.CELL_SLACK_PT)
                                              / (2 * 10.5 + pad + docx_gov.CELL_SLACK_PT))
    assert docx_gov.words("年产五百万支医用导管生产线建设项目")[:2] == ["年", "产"]
    assert docx_gov.words("王建国") == ["王建国"]
    assert docx_gov.words("节点时限已超期75天，推进2025-06-20") [-1] == "2025-06-20"


def test_issue_number_follows_the_config(tmp_path):
    path = tmp_path / "briefing.toml"
    path.write_text('[header]\nname = "甲简报"\nunit = "甲办"\n[issue]\nfirst_month = "2024-11"\n'
                    'first_number = 11\nfirst_total = 30\nrestart_each_year = true\n', encoding="utf-8")
    cfg = docx_gov.load_config(path)
    assert (cfg.name, cfg.unit, cfg.signature) == ("甲简报", "甲办", "甲办")
    assert docx_gov.issue_of(cfg, dt.date(2024, 12, 31)).text == "2024年第12期（总第31期）"
    assert docx_gov.issue_of(cfg, dt.date(2025, 6, 15)).text == "2025年第6期（总第37期）"
    path.write_text('[issue]\nfirst_month = "2024/11"\n', encoding="utf-8")
    with pytest.raises(ValueError) as err:
        docx_gov.load_config(path)
    assert str(err.value) == f"简报配置文件 {path} 的 [issue] first_month 应写作“2025-01”，现为“2024/11”"
    # the shipped config file reads
    assert docx_gov.load_config().name == "生物科技产业园区经济运行简报"


def test_edits_replace_the_text_and_keep_the_figures(tiny):
    b = briefing.build_briefing(tiny, AS_OF)
    e = briefing.apply_edits(b, {"sales": "  园区助企帮销九千余万元。 ", "industry": ""})
    assert e.section("sales").paragraph == "园区助企帮销九千余万元。"
    assert e.section("industry").paragraph == INDUSTRY          # blank edit: the generated text stays
    assert e.charts == b.charts and e.metrics == b.metrics
    assert b.section("sales").paragraph == SALES                # the briefing itself is not changed


@needs_font
def test_chart_images_are_drawn_from_the_figure_in_the_parks_colours(tiny):
    import json

    import plotly.graph_objects as go
    from PIL import Image

    from analytics import chartdraw
    family, _ = chartdraw.find_font()
    c = briefing.build_briefing(tiny, AS_OF).charts[3]          # 签约项目产业分布: one bar a sector
    png = chartdraw.draw_png(json.loads(c.figure.to_json()), 960, 1, family, chartdraw.style_for(c.figure, 960))
    with Image.open(io.BytesIO(png)) as im:
        assert im.size == images.figure_size(c.figure)
        colours = {f"#{r:02x}{g:02x}{b:02x}": n for n, (r, g, b) in im.convert("RGB").getcolors(1 << 20)}
    bars = dict(zip(c.figure.data[0].x, c.figure.data[0].marker.color))
    assert len(bars) >= 2
    for sector, colour in bars.items():       # each sector's bar in its fixed colour (analytics.charts)
        assert colour == charts.SECTOR_COLORS[sector] and colours.get(colour, 0) > 500, (sector, colour)
    pie = go.Figure(go.Pie(labels=["甲"], values=[1]), layout={"title": {"text": "测试饼图"}})
    with pytest.raises(chartdraw.DrawError) as err:
        chartdraw.draw_png(json.loads(pie.to_json()), 960, 1, family, chartdraw.style_for(pie, 960))
    assert str(err.value) == "图表“测试饼图”含暂不支持导出图片的图形类型（pie）"


@pytest.mark.slow
@needs_font
def test_write_briefing_files(tiny, tmp_path):
    from docx import Document
    out = tmp_path / "out"
    paths = briefing.write_briefing(tiny, AS_OF, out, pdf=False)
    names = [p.relative_to(out).as_posix() for p in paths]
    assert names[:2] == ["月度简报_2025-06-15.docx", "月度简报_2025-06-15.md"]
    assert briefing.write_briefing.last_notes == []
    pngs = [p for p in paths if p.suffix == ".png"]
    assert [p.name for p in pngs] == [f"{c}.png" for c in (
        "图1_园区规上工业增加值累计增速", "图2_各产业拉动规上工业增加值增长", "图3_园区市场主体总数与每月新设",
        "图4_2025年签约项目产业分布", "图5_助企帮销逐月与累计", "图6_企业诉求分类及办理情况")]
    b = briefing.build_briefing(tiny, AS_OF)
    for p, c in zip(pngs, b.charts):
        w, h = images.figure_size(c.figure)
        assert images.png_size(p.read_bytes()) == (2 * w, 2 * h) == (1920, 2 * (c.figure.layout.height or 380))
        assert p.stat().st_size > 20_000      # a drawn chart, not an empty canvas
    doc = Document(str(paths[0]))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings == ["2025年6月园区经济运行情况", "一、工业经济运行", "二、市场主体发展", "三、招商引资", "四、助企帮销",
                        "五、包保服务与企业诉求"]
    body = "\n".join(p.text for p in doc.paragraphs)
    for figure in ("6879户", "1163户", "9.9%", "3.0%", "39个", "23.5亿元", "9000余万元", "67个"):
        assert figure in body
    assert len(doc.inline_shapes) == 6
    assert "图6　企业诉求分类及办理情况（截至2025年6月15日）" in body


def test_sample_store_reproduces_the_published_figures(store_db):
    path, kind = store_db
    if kind != "sample":
        pytest.skip("示例工作簿尚不能载入（读取器未就绪），改用合成库：不含公布数字")
    con = store.connect(str(path), read_only=True)
    try:
        b = briefing.build_briefing(con, AS_OF)
    finally:
        con.close()
    assert b.section("industry").paragraph.startswith(
        "1-5月，园区规上工业增加值增速9.9%，较2024年全年（3.0%）提高6.9个百分点，比1-4月加快0.4个百分点；")
    assert b.section("entities").paragraph.startswith(
        "截至6月15日，园区各类市场主体总数6879户，近一年新设立市场主体1163户；")
    assert b.section("projects").paragraph.startswith("2025年以来，园区新签约项目39个，总投资23.5亿元，")
    assert b.section("sales").paragraph.startswith("2024年下半年以来，园区累计助企帮销9000余万元")
    assert b.section("service").paragraph.startswith("园区党委班子成员包保重点企业和项目67个")
    assert b.omitted == []


def test_no_new_entities_is_said_in_words(tiny):
    # on 2024-12-31 the 1163 entities of 2025-01-10 do not exist yet, and nothing else was set up in the
    # year before: 5716 old + 10 not yet closed = 5726 alive (all 企业, so no breakdown), none new, none
    # closed; a year earlier also 5726; 医疗器械 2000 / 5726 = 34.93% -> 34.9%
    b = briefing.build_briefing(tiny, dt.date(2024, 12, 31))
    assert b.section("entities").paragraph == ("截至12月31日，园区各类市场主体总数5726户，近一年无新设立市场主体；"
                                               "市场主体总数较上年同日持平；医疗器械产业市场主体2000户，占34.9%。")




def test_briefing_page_shows_the_briefing(tmp_path, monkeypatch, navigation_mode):
    from streamlit.testing.v1 import AppTest
    path = tmp_path / "tiny.duckdb"
    _tiny(path)
    monkeypatch.setenv(store.DB_ENV_VAR, str(path))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=60)
    at.run()
    at.date_input(key="as_of").set_value(AS_OF)
    at.switch_page("pages/briefing.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["生物科技产业园区经济运行月度简报（2025年6月）"]
    assert {m.label: m.value for m in at.metric} == {
        "规上工业增加值增速（1-5月）": "9.9%", "市场主体总数": "6879户", "2025年签约项目": "39个",
        "助企帮销累计": "9000余万元", "包保重点企业和项目": "67个"}
    shown = [m.value for m in at.markdown]
    for paragraph in (INDUSTRY, ENTITIES, PROJECTS, SALES, SERVICE):
        assert paragraph in shown
    assert len(at.get("plotly_chart")) == 6
    assert [len(df.value) for df in at.table] == [2, 2]   # red/yellow projects, open demands (static tables)


def test_briefing_page_on_an_empty_store(tmp_path, monkeypatch, navigation_mode):
    from streamlit.testing.v1 import AppTest
    path = tmp_path / "empty.duckdb"
    store.connect(str(path)).close()
    monkeypatch.setenv(store.DB_ENV_VAR, str(path))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=60)
    at.run()
    at.date_input(key="as_of").set_value(AS_OF)
    at.switch_page("pages/briefing.py")
    at.run()
    assert not at.exception
    assert [i.value for i in at.info] == ["截至2025年6月15日暂无可用于简报的数据：请先在“数据导入”页导入工作簿。"]


@pytest.mark.slow
def test_export_files_bundle(tiny):
    if FONT_MISSING:
        pytest.skip(f"{FONT_MISSING}：无法导出图表图片")
    import zipfile
    files = briefing.export_files(tiny, AS_OF)
    with zipfile.ZipFile(io.BytesIO(files["zip"])) as z:
        names = z.namelist()
        assert len(names) == 6 and names[0] == "图1_园区规上工业增加值累计增速.png"
        assert images.png_size(z.read(names[0])) == (1920, 760)
    assert files["md"].decode("utf-8").startswith("# 生物科技产业园区经济运行月度简报（2025年6月）")
    assert files["docx"][:2] == b"PK"


def test_exports_do_not_mutate_the_briefing(tiny):
    b = briefing.build_briefing(tiny, AS_OF)
    before = (b.red_yellow.copy(), b.open_demands.copy(), [c.frame.copy() for c in b.charts],
              [c.figure.to_json() for c in b.charts], dict(b.timings))
    briefing.to_markdown(b)
    briefing.to_docx(b)
    briefing.red_yellow_table(b)
    assert b.red_yellow.equals(before[0]) and b.open_demands.equals(before[1])
    assert all(c.frame.equals(f) for c, f in zip(b.charts, before[2]))
    assert [c.figure.to_json() for c in b.charts] == before[3]
    assert b.timings == before[4]


def test_briefing_page_without_a_project_ledger_says_so_under_the_table(store_copy, monkeypatch, navigation_mode):
    from streamlit.testing.v1 import AppTest
    db, _ = store_copy
    con = store.connect(str(db))
    con.execute("DELETE FROM projects")
    con.close()
    monkeypatch.setenv(store.DB_ENV_VAR, str(db))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/briefing.py")
    at.run()
    assert not at.exception
    assert "（本期未导入招商项目台账，略）" in [i.value for i in at.info]
    assert "无红灯、黄灯项目。" not in [i.value for i in at.info]


def _briefing_page(db, monkeypatch):
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv(store.DB_ENV_VAR, str(db))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=90)
    at.run()
    at.date_input(key="as_of").set_value(AS_OF)
    at.switch_page("pages/briefing.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_briefing_page_without_a_chinese_font_or_libreoffice_still_gives_the_word_file(tmp_path, monkeypatch,
                                                                                        navigation_mode):
    import time
    path = tmp_path / "tiny.duckdb"
    _tiny(path)
    images.stop()   # a worker an earlier test started would still draw: the next one reads the font setting
    monkeypatch.setenv("PARK_CHART_FONT", "无此字体")   # the font lookup finds nothing
    monkeypatch.setenv("SOFFICE", str(tmp_path / "no-soffice"))
    at = _briefing_page(path, monkeypatch)
    downloads = {d.proto.label: d.proto for d in at.get("download_button")}
    assert downloads["下载Word简报"].disabled and downloads["下载PDF简报"].disabled
    t = time.perf_counter()
    at.button(key="brief_make").click().run()
    assert time.perf_counter() - t < 60    # no font: said at the worker's start (the hang it replaces was endless)
    images.stop()
    assert not at.exception, [e.value for e in at.exception]
    assert [w.value for w in at.warning][-2:] == [
        "简报未含图表图片：未找到 PARK_CHART_FONT 指定的字体“无此字体”，图表未导出为图片（安装：apt-get install fonts-noto-cjk）",
        "未安装 LibreOffice，未生成PDF简报（安装：apt-get install libreoffice-writer；也可用 Word/WPS 打开 .docx 另存为PDF）"]
    downloads = {d.proto.label: d.proto for d in at.get("download_button")}
    assert not downloads["下载Word简报"].disabled and not downloads["下载图表PNG"].disabled
    assert downloads["下载PDF简报"].disabled
    # the print preview says how to get the PDF and shows the HTML preview
    assert any(i.value.startswith("未安装 LibreOffice，未生成PDF简报（安装：apt-get install libreoffice-writer")
               for i in at.info)


def test_briefing_page_edits_are_kept_with_the_issue(tmp_path, monkeypatch, navigation_mode):
    from analytics import briefing_edits
    path = tmp_path / "tiny.duckdb"
    _tiny(path)
    at = _briefing_page(path, monkeypatch)
    key = "brief_text_2025年第6期_sales"
    assert at.text_area(key=key).value == SALES
    at.text_area(key=key).set_value("园区累计助企帮销9000余万元（人工修改）。")
    next(b for b in at.button if b.label == "保存修改").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success] == ["已保存2025年第6期的修改（1个部分与生成文字不同）。"]
    saved = briefing_edits.load(tmp_path / "briefing_edits.json", "2025年第6期")
    assert saved == {"sales": {"text": "园区累计助企帮销9000余万元（人工修改）。", "generated": SALES}}
    # a new session of the page shows the edited paragraph; the figures stay
    at2 = _briefing_page(path, monkeypatch)
    shown = [m.value for m in at2.markdown]
    assert "园区累计助企帮销9000余万元（人工修改）。" in shown and SALES not in shown
    assert {m.label: m.value for m in at2.metric}["助企帮销累计"] == "9000余万元"
    next(b for b in at2.button if b.label == "恢复生成文字").click().run()
    assert briefing_edits.load(tmp_path / "briefing_edits.json", "2025年第6期") == {}
    assert SALES in [m.value for m in at2.markdown]


def test_the_printed_date_is_the_day_after_the_data_unless_given(tiny):
    assert briefing.default_issued_on(AS_OF, today=dt.date(2026, 12, 1)) == dt.date(2025, 6, 16)
    assert briefing.default_issued_on(AS_OF, today=dt.date(2025, 6, 15)) == dt.date(2025, 6, 15)
    b = briefing.build_briefing(tiny, AS_OF)
    gd = briefing.to_gov_document(b)
    assert gd.issued_on == briefing.default_issued_on(AS_OF)
    assert briefing.to_gov_document(b, issued_on=dt.date(2025, 6, 20)).issued_on == dt.date(2025, 6, 20)


def test_edits_file_is_keyed_by_issue_and_notices_changed_data(tmp_path):
    from analytics import briefing_edits
    path = briefing_edits.path_for(tmp_path / "park.duckdb")
    assert path == tmp_path / "briefing_edits.json"
    n = briefing_edits.save(path, "2025年第6期", AS_OF, {"sales": "改过的。", "industry": "原文。"},
                            {"sales": "原来的。", "industry": "原文。"})
    assert n == 1                                          # the unchanged section is not kept as an edit
    briefing_edits.save(path, "2025年第5期", dt.date(2025, 5, 31), {"sales": "五月改过的。"}, {"sales": "五月。"})
    assert briefing_edits.texts(path, "2025年第6期") == {"sales": "改过的。"}
    assert briefing_edits.texts(path, "2025年第5期") == {"sales": "五月改过的。"}
    assert briefing_edits.load(path, "2025年第7期") == {}
    saved = briefing_edits.load(path, "2025年第6期")
    assert briefing_edits.stale(saved, {"sales": "原来的。"}) == []
    assert briefing_edits.stale(saved, {"sales": "数据更新后的。"}) == ["sales"]
    briefing_edits.clear(path, "2025年第6期")
    assert briefing_edits.load(path, "2025年第6期") == {} and briefing_edits.texts(path, "2025年第5期")
    path.write_text("{broken", encoding="utf-8")
    with pytest.raises(ValueError) as err:
        briefing_edits.load(path, "2025年第6期")
    assert str(err.value).startswith(f"简报修改记录 {path} 无法读取（") and str(err.value).endswith("：可删除该文件后重新编辑")


def test_html_preview_holds_the_same_document(tiny):
    b = briefing.build_briefing(tiny, AS_OF)
    html = docx_gov.to_html(briefing.to_gov_document(b, issued_on=dt.date(2025, 6, 16)))
    for part in ("生物科技产业园区经济运行简报", "2025年第6期（总第6期）", "2025年6月园区经济运行情况", "一、工业经济运行",
                 "图1　园区规上工业增加值累计增速（2025年1-5月）", "红灯、黄灯项目清单", "抄送：", "2025年6月16日印发"):
        assert part in html, part
    assert "<script" not in html
    assert "&lt;" not in docx_gov.to_html(docx_gov.GovDocument("甲", "第1期", "乙", AS_OF, "标题"))
    assert "&lt;b&gt;" in docx_gov.to_html(docx_gov.GovDocument("甲", "第1期", "乙", AS_OF, "<b>标题"))
