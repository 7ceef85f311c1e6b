"""A Word document in the layout Chinese offices give a 简报 (GB/T 9704-2012 as applied to briefings).

Page: A4 (210 x 297 mm), margins 上37 下35 左28 右26 mm (版心 156 x 225 mm); a landscape section
(297 x 210 mm) for an appendix table too wide for the portrait 版心.

Order of the document (what GovDocument holds):
  版头   the briefing's name in red 方正小标宋简体 (sized to fit one line), the 期号 line
         ("2025年第6期（总第6期）"), the 编发单位 left and the date right, a red rule (0.35 mm);
  标题   方正小标宋简体 二号 (22 pt), centred, with a 楷体 三号 line under it;
  正文   headings 一级 黑体 三号, 二级 楷体_GB2312 三号; body 仿宋_GB2312 三号 (16 pt), first line
         indented two characters, fixed line spacing LINE_PT (28.9 pt: 22 lines on the 225 mm 版心);
         figures full width with "图1 …" under them (黑体 四号), tables with "表1 …" above;
  附件说明, 落款 (编发单位 and date, the date four characters from the right edge);
  附件   each on a new page (landscape when its table needs it): "附件1" 黑体 三号, its title
         小标宋 二号, the table in 仿宋 五号 with a 黑体 header row repeated on every page and
         column widths fitted to the content (fit_widths);
  版记   at the foot of the last page: rules around "抄送：…" and "<印发机关>  <date>印发" (仿宋 四号).
Page numbers in the footer, "— 1 —" in 宋体 四号 (14 pt), odd pages right, even pages left, one
character in from the edge.

Fonts: every style and run names its East Asian font (w:eastAsia, with w:hint="eastAsia" so
quotes and dashes use it too) and the language zh-CN (w:lang w:eastAsia), so MS Word does not
fall back to a Japanese font; Latin text and digits in Times New Roman. The office's PCs have
the Chinese fonts named; FALLBACK maps each to the Noto CJK SC family a Linux machine has
(written into the file's font table as w:altName, and used by analytics.office when LibreOffice
renders the PDF). Styles are built from scratch: no theme fonts, no colours, no bold blue
headings.

Units: sizes in pt unless the name says mm; Word's own units in the XML (twips = 1/20 pt,
half-points for font sizes, eighths of a point for borders) are converted here only.
"""
from __future__ import annotations

import io
import math
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG_PATH = ROOT / "data" / "briefing.toml"

# fonts as the office's PCs name them, and the Linux fallback of each
FONT_TITLE = "方正小标宋简体"
FONT_HEI = "黑体"
FONT_KAI = "楷体_GB2312"
FONT_FANGSONG = "仿宋_GB2312"
FONT_SONG = "宋体"
FONT_LATIN = "Times New Roman"
FALLBACK = {FONT_TITLE: "Noto Serif CJK SC", FONT_HEI: "Noto Sans CJK SC", FONT_KAI: "Noto Serif CJK SC",
            FONT_FANGSONG: "Noto Serif CJK SC", FONT_SONG: "Noto Serif CJK SC", FONT_LATIN: "Liberation Serif"}

# sizes (pt): 初号 42, 小初 36, 一号 26, 二号 22, 三号 16, 四号 14, 小四 12, 五号 10.5
SIZE_MASTHEAD_MAX_PT = 36.0
SIZE_TITLE_PT = 22.0
SIZE_BODY_PT = 16.0
SIZE_CAPTION_PT = 14.0
SIZE_PAGE_NUMBER_PT = 14.0
SIZE_RECORD_PT = 14.0
SIZE_TABLE_PT = 10.5
SIZE_TABLE_BODY_PT = 12.0   # tables inside the body text (小四)
LINE_PT = 28.9              # fixed line spacing of the body: 225 mm 版心 / 22 lines
RED = "FF0000"
RECORD_RULE_GAP_PT = 4      # 版记: room between a rule and its line of text, above and below (whole pt)
RECORD_RULE_MM = (0.35, 0.25)   # 版记: first and last rule, the ones between

# page geometry (mm)
PAGE_W_MM, PAGE_H_MM = 210.0, 297.0
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37.0, 35.0, 28.0, 26.0
FOOTER_DISTANCE_MM = 21.0   # page number about 7 mm under the 版心
PT_PER_MM = 72 / 25.4
TEXT_W_PT = (PAGE_W_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM) * PT_PER_MM            # 442.2 pt
LANDSCAPE_TEXT_W_PT = (PAGE_H_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM) * PT_PER_MM   # 637.8 pt
CHARS_PER_LINE = 28         # characters of 三号 on a body line (GB/T 9704: 28 x 22)
# each body character condensed so that 28 fill the 156 mm line: 442.2 / 28 = 15.79 pt a character,
# rounded down to Word's 1/20 pt (15.75 pt; 28 x 15.75 = 441 pt, 1.2 pt to spare)
BODY_CHAR_SPACING_PT = math.floor((TEXT_W_PT / CHARS_PER_LINE - SIZE_BODY_PT) * 20) / 20
CELL_MARGIN_PT = 4.0        # left and right padding inside a table cell
CELL_SLACK_PT = 3.0         # room for glyphs a little wider than their em estimate
WORD_CELL_MAX_EM = 6.0      # a cell this short (in em) is one word: it never wraps
AUTOSPACE_EM = 0.25         # space between Han and Latin/digits (w:autoSpaceDE/DN), counted when measuring
LANDSCAPE_WHEN_WIDER = 1.25  # an appendix goes landscape when its one-line widths exceed 1.25 portrait widths


# ---------------------------------------------------------------------------
# Configuration (data/briefing.toml): who edits the briefing, its numbering, who gets it
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class OfficeConfig:
    """The 版头/落款/版记 words and the 期号 rule, read from data/briefing.toml."""
    name: str = "生物科技产业园区经济运行简报"
    unit: str = "生物科技产业园区管理委员会办公室"
    signature: str = "生物科技产业园区管理委员会办公室"
    cc: str = ""
    printed_by: str = "生物科技产业园区管理委员会办公室"
    first_month: date = date(2025, 1, 1)
    first_number: int = 1
    first_total: int | None = 1
    restart_each_year: bool = True


def load_config(path: str | Path | None = None) -> OfficeConfig:
    """OfficeConfig from a TOML file (default data/briefing.toml); defaults for what it leaves out.
    ValueError (in Chinese, naming the file and key) when a value has the wrong form."""
    p = Path(path) if path is not None else CONFIG_PATH
    if not p.exists():
        return OfficeConfig()
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"简报配置文件 {p} 格式有误：{exc}") from exc
    head, issue, record = raw.get("header", {}), raw.get("issue", {}), raw.get("record", {})
    d = OfficeConfig()
    first = issue.get("first_month", f"{d.first_month:%Y-%m}")
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", str(first))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"简报配置文件 {p} 的 [issue] first_month 应写作“2025-01”，现为“{first}”")
    for key in ("first_number", "first_total"):
        v = issue.get(key, getattr(d, key))
        if v is not None and (not isinstance(v, int) or v < 1):
            raise ValueError(f"简报配置文件 {p} 的 [issue] {key} 应为正整数，现为“{v}”")
    return OfficeConfig(
        name=str(head.get("name", d.name)), unit=str(head.get("unit", d.unit)),
        signature=str(record.get("signature", head.get("unit", d.signature))),
        cc=str(record.get("cc", d.cc)), printed_by=str(record.get("printed_by", head.get("unit", d.printed_by))),
        first_month=date(int(m.group(1)), int(m.group(2)), 1),
        first_number=int(issue.get("first_number", d.first_number)),
        first_total=issue.get("first_total", d.first_total),
        restart_each_year=bool(issue.get("restart_each_year", d.restart_each_year)))


@dataclass(frozen=True)
class Issue:
    """The 期号 of a month's briefing: year, number in the year, running total (or None)."""
    year: int
    number: int
    total: int | None

    @property
    def key(self) -> str:
        """'2025-06' style key would repeat the month; the key is '2025年第6期'."""
        return f"{self.year}年第{self.number}期"

    @property
    def text(self) -> str:
        """'2025年第6期（总第6期）' or '2025年第6期'."""
        return self.key + (f"（总第{self.total}期）" if self.total else "")


def issue_of(cfg: OfficeConfig, month: date) -> Issue:
    """The 期号 of the briefing for `month`: one issue a month from cfg.first_month (numbered
    cfg.first_number); with restart_each_year the number restarts at 1 in January of each later
    year. A month before first_month counts back (never below 1)."""
    months = (month.year - cfg.first_month.year) * 12 + month.month - cfg.first_month.month
    if cfg.restart_each_year and month.year > cfg.first_month.year:
        number = month.month
    else:
        number = max(1, cfg.first_number + months)
    total = max(1, cfg.first_total + months) if cfg.first_total else None
    return Issue(month.year, number, total)


# ---------------------------------------------------------------------------
# Measuring text (em of the font size) and fitting table columns
# ---------------------------------------------------------------------------
_DATE_RE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}")
_LATIN_RE = re.compile(r"[0-9A-Za-z.%+\-/:_·]+")


def char_em(ch: str) -> float:
    """Width of one character in em: Han, kana, full-width forms and the punctuation Chinese text
    draws full width (with w:hint eastAsia) 1.0; upper-case Latin 0.65; other Latin and digits 0.5."""
    if unicodedata.east_asian_width(ch) in ("W", "F", "A"):
        return 1.0
    if ch.isupper():
        return 0.65
    return 0.5


def text_em(text: str) -> float:
    """Width of a line of text in em: the sum of char_em, plus AUTOSPACE_EM at each change between Han
    and Latin/digits (Word and LibreOffice put a little space there unless told not to)."""
    width, prev_wide = 0.0, None
    for c in text:
        w = char_em(c)
        wide = w == 1.0
        if prev_wide is not None and wide != prev_wide and not c.isspace():
            width += AUTOSPACE_EM
        width += w
        prev_wide = wide
    return width


def words(text: str) -> list[str]:
    """The pieces of a cell's text that must not be broken across lines: the whole text when it is at
    most WORD_CELL_MAX_EM wide (a name, a category, a status) or a date; else every date, every run of
    Latin letters/digits, and each other character alone (Chinese breaks between any two characters)."""
    text = str(text).strip()
    if not text:
        return []
    if text_em(text) <= WORD_CELL_MAX_EM or _DATE_RE.fullmatch(text):
        return [text]
    out, pos = [], 0
    for m in re.finditer(f"{_DATE_RE.pattern}|{_LATIN_RE.pattern}", text):
        out += [c for c in text[pos:m.start()] if not c.isspace()]
        out.append(m.group())
        pos = m.end()
    out += [c for c in text[pos:] if not c.isspace()]
    return out


def longest_word_pt(texts, size_pt: float) -> float:
    """Width in pt of the widest unbreakable piece (words) of any of the texts at size_pt."""
    return max((text_em(w) * size_pt for t in texts for w in words(t)), default=0.0)


def fit_widths(header: list[str], rows: list[list[str]], total_pt: float, size_pt: float) -> list[float]:
    """Column widths in pt (summing to total_pt) for a table drawn at size_pt.

    Each column needs at least its longest word (words(), header included) plus the cell padding;
    it would like its longest cell on one line. When all the one-line widths fit, the spare width is
    shared in proportion to them; otherwise each column gets its minimum and the rest goes to the
    columns that want more, in proportion to how much more they want. When even the minimums do not
    fit, they are scaled down (the caller should have chosen landscape)."""
    pad = 2 * CELL_MARGIN_PT + CELL_SLACK_PT
    cols = list(zip(*([header] + rows))) if header else []
    need = [longest_word_pt(col, size_pt) + pad for col in cols]
    want = [max(max(text_em(str(t)) for t in col) * size_pt + pad, n) for col, n in zip(cols, need)]
    if sum(want) <= total_pt:
        return [w * total_pt / sum(want) for w in want]
    if sum(need) >= total_pt:
        return [n * total_pt / sum(need) for n in need]
    spare = total_pt - sum(need)
    extra = [w - n for w, n in zip(want, need)]
    return [n + spare * e / sum(extra) for n, e in zip(need, extra)]


def needs_landscape(header: list[str], rows: list[list[str]], size_pt: float = SIZE_TABLE_PT) -> bool:
    """True when the table's minimum widths do not fit the portrait 版心, or its one-line widths exceed
    LANDSCAPE_WHEN_WIDER portrait widths (it would wrap most cells into tall rows)."""
    pad = 2 * CELL_MARGIN_PT + CELL_SLACK_PT
    cols = list(zip(*([header] + rows))) if header else []
    need = sum(longest_word_pt(c, size_pt) + pad for c in cols)
    want = sum(max(text_em(str(t)) for t in c) * size_pt + pad for c in cols)
    return need > TEXT_W_PT or want > LANDSCAPE_WHEN_WIDER * TEXT_W_PT


# ---------------------------------------------------------------------------
# The document model
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1          # 1: 黑体 (一、), 2: 楷体 （一）


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Figure:
    """A numbered figure: its caption without the number ('园区…（2025年1-5月）'), the PNG (None when no
    image could be drawn: the caption stays, with `missing` said under it)."""
    caption: str
    png: bytes | None = None
    missing: str = ""


@dataclass(frozen=True)
class Table:
    """A table in the body ('表1 …' above it): header and rows as text."""
    caption: str
    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Attachment:
    """附件N on a page of its own: title, a table (header, rows as text), and a note under it."""
    title: str
    header: list[str]
    rows: list[list[str]]
    empty_text: str = "无。"
    note: str = ""


@dataclass(frozen=True)
class GovDocument:
    """Everything the Word file shows, as text (see the module docstring for the layout)."""
    masthead: str                   # 版头名称
    issue: str                      # '2025年第6期（总第6期）'
    unit: str                       # 编发单位
    issued_on: date
    title: str
    subtitle: str = ""
    body: list = field(default_factory=list)      # Heading | Paragraph | Figure | Table
    attachments: list[Attachment] = field(default_factory=list)
    signature: str = ""
    cc: str = ""
    printed_by: str = ""


# ---------------------------------------------------------------------------
# XML helpers
# ---------------------------------------------------------------------------
def _qn(tag: str):
    from docx.oxml.ns import qn
    return qn(tag)


def _el(tag: str, **attrs):
    from docx.oxml import OxmlElement
    e = OxmlElement(tag)
    for k, v in attrs.items():
        e.set(_qn(f"w:{k}"), str(v))
    return e


RPR_ORDER = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
             "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
             "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
             "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")


def _set_fonts(rpr, east_asian: str, size_pt: float | None = None, color: str | None = None,
               bold: bool = False, spacing_pt: float | None = None) -> None:
    """Replace the fonts, size, colour, weight and language of an rPr element (style or run)."""
    for child in list(rpr):
        if child.tag in {_qn(f"w:{t}") for t in ("rFonts", "b", "bCs", "i", "iCs", "color", "sz", "szCs",
                                                   "lang", "spacing", "kern")}:
            rpr.remove(child)
    order = []
    order.append(_el("w:rFonts", ascii=FONT_LATIN, hAnsi=FONT_LATIN, eastAsia=east_asian, cs=FONT_LATIN,
                     hint="eastAsia"))
    if bold:
        order += [_el("w:b"), _el("w:bCs")]
    if color:
        order.append(_el("w:color", val=color))
    if spacing_pt is not None:
        order.append(_el("w:spacing", val=round(spacing_pt * 20)))
    if size_pt is not None:
        order += [_el("w:sz", val=round(size_pt * 2)), _el("w:szCs", val=round(size_pt * 2))]
    for e in order + [_el("w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")]:
        rpr.append(e)
    rank = {_qn(f"w:{t}"): i for i, t in enumerate(RPR_ORDER)}
    for child in sorted(rpr, key=lambda c: rank.get(c.tag, len(rank))):
        rpr.append(child)   # re-appending moves it: children end up in the schema's order (Word insists)


def _run(par, text: str, font: str, size_pt: float, color: str | None = None, bold: bool = False,
         spacing_pt: float | None = None):
    run = par.add_run(text)
    if spacing_pt is None and size_pt == SIZE_BODY_PT:
        spacing_pt = BODY_CHAR_SPACING_PT     # 三号 text on the 28-character line
    _set_fonts(run._r.get_or_add_rPr(), font, size_pt, color, bold, spacing_pt)
    return run


def _para_format(par, *, align: str | None = None, line_pt: float | None = None, before_pt: float = 0,
                 after_pt: float = 0, first_indent_pt: float | None = None, left_pt: float | None = None,
                 right_pt: float | None = None, keep_next: bool = False, page_break_before: bool = False) -> None:
    """Paragraph layout: alignment ('left', 'center', 'right', 'both'), fixed line spacing (None: single),
    spacing before/after, indents (pt)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt
    pf = par.paragraph_format
    if align:
        pf.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                        "right": WD_ALIGN_PARAGRAPH.RIGHT, "both": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    if line_pt is None:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(line_pt)
    pf.space_before, pf.space_after = Pt(before_pt), Pt(after_pt)
    if first_indent_pt is not None:
        pf.first_line_indent = Pt(first_indent_pt)
    if left_pt is not None:
        pf.left_indent = Pt(left_pt)
    if right_pt is not None:
        pf.right_indent = Pt(right_pt)
    pf.keep_with_next = keep_next or None
    if page_break_before:
        pf.page_break_before = True
    pf.widow_control = True
    if line_pt != LINE_PT:   # off the body's 22-line grid: figures, captions, tables keep their own heights
        ppr = pf._element.get_or_add_pPr()
        for old in ppr.findall(_qn("w:snapToGrid")):
            ppr.remove(old)
        snap = _el("w:snapToGrid", val=0)
        later = next((e for e in (ppr.find(_qn(f"w:{t}")) for t in PPR_AFTER_SNAP) if e is not None), None)
        if later is not None:
            later.addprevious(snap)
        else:
            ppr.append(snap)


# the pPr children that come after w:snapToGrid (CT_PPrBase order)
PPR_AFTER_SNAP = ("spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
                  "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")


def _border(par, side: str, color: str = "000000", width_pt: float = 1.0, space_pt: int = 1) -> None:
    """A rule on one side ('top'/'bottom') of a paragraph; width in pt (0.35 mm = 1 pt)."""
    ppr = par._p.get_or_add_pPr()
    bdr = ppr.find(_qn("w:pBdr"))
    if bdr is None:
        bdr = _el("w:pBdr")
        # pBdr goes after keepNext/keepLines/pageBreakBefore/widowControl/numPr in the schema
        anchors = [ppr.find(_qn(f"w:{t}")) for t in ("pStyle", "keepNext", "keepLines", "pageBreakBefore",
                                                     "framePr", "widowControl", "numPr", "suppressLineNumbers")]
        last = max((ppr.index(a) for a in anchors if a is not None), default=-1)
        ppr.insert(last + 1, bdr)
    bdr.append(_el(f"w:{side}", val="single", sz=round(width_pt * 8), space=space_pt, color=color))


def _tab_right(par, pos_pt: float) -> None:
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Pt
    par.paragraph_format.tab_stops.add_tab_stop(Pt(pos_pt), WD_TAB_ALIGNMENT.RIGHT)


def _page_field(par, font: str, size_pt: float) -> None:
    """'— PAGE —' as runs with a PAGE field in the middle."""
    _run(par, "— ", font, size_pt)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = _run(par, "", font, size_pt)
        if kind:
            run._r.append(_el("w:fldChar", fldCharType=kind))
        elif text == " PAGE ":
            instr = _el("w:instrText")
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    _run(par, " —", font, size_pt)


# ---------------------------------------------------------------------------
# Styles and fonts of the whole document
# ---------------------------------------------------------------------------
STYLE_FONTS = {  # style name -> (East Asian font, size pt)
    "Normal": (FONT_FANGSONG, SIZE_BODY_PT),
    "Title": (FONT_TITLE, SIZE_TITLE_PT),
    "Heading 1": (FONT_HEI, SIZE_BODY_PT),
    "Heading 2": (FONT_KAI, SIZE_BODY_PT),
    "Caption": (FONT_HEI, SIZE_CAPTION_PT),
    "Footer": (FONT_SONG, SIZE_PAGE_NUMBER_PT),
    "Header": (FONT_SONG, SIZE_PAGE_NUMBER_PT),
}


def _styles(doc) -> None:
    """Fonts and language in docDefaults and in every style used; no theme fonts, colours or bold."""
    from docx.shared import Pt
    styles = doc.styles.element
    defaults = styles.find(_qn("w:docDefaults"))
    rpr = defaults.find(_qn("w:rPrDefault")).find(_qn("w:rPr"))
    _set_fonts(rpr, FONT_FANGSONG, SIZE_BODY_PT)
    ppr = defaults.find(_qn("w:pPrDefault")).find(_qn("w:pPr"))
    for child in list(ppr):
        ppr.remove(child)
    ppr.append(_el("w:spacing", before=0, after=0, line=240, lineRule="auto"))
    # every style: theme fonts and colours out (they would override the fonts named here)
    for el in styles.iter(_qn("w:rFonts")):
        for attr in ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme"):
            el.attrib.pop(_qn(f"w:{attr}"), None)
    for el in list(styles.iter(_qn("w:color"))):
        el.getparent().remove(el)
    for name, (font, size) in STYLE_FONTS.items():
        try:
            style = doc.styles[name]
        except KeyError:
            continue
        _set_fonts(style.element.get_or_add_rPr(), font, size)
        pf = style.paragraph_format
        pf.space_before = pf.space_after = Pt(0)
        ppr = style.element.get_or_add_pPr()
        bdr = ppr.find(_qn("w:pBdr"))
        if bdr is not None:
            ppr.remove(bdr)
    _para_format(doc.styles["Normal"], align="both", line_pt=LINE_PT)


def _font_table(doc) -> None:
    """Name each Chinese font in word/fontTable.xml with its charset (GB2312) and its Linux fallback
    as w:altName, so a PC without it substitutes a Chinese font, never a Japanese one."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml
    part = doc.part.part_related_by(RT.FONT_TABLE)
    root = parse_xml(part.blob)
    have = {f.get(_qn("w:name")) for f in root.findall(_qn("w:font"))}
    for name, alt in FALLBACK.items():
        if name in have or name == FONT_LATIN:
            continue
        font = _el("w:font", name=name)
        font.append(_el("w:altName", val=alt))
        font.append(_el("w:charset", val="86"))
        font.append(_el("w:family", val="roman" if name != FONT_HEI else "modern"))
        font.append(_el("w:pitch", val="variable"))
        root.append(font)
    from lxml import etree
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_setup(section, landscape: bool = False, grid: bool = False) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(PAGE_H_MM), Mm(PAGE_W_MM)
        # the portrait margins turned with the page: binding edge (left, 28 mm) at the top
        section.top_margin, section.bottom_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
        section.left_margin, section.right_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
        section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
        section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    section.footer_distance = Mm(FOOTER_DISTANCE_MM)
    section.header_distance = Mm(15)
    sect = section._sectPr
    for old in sect.findall(_qn("w:docGrid")):
        sect.remove(old)   # a new section copies the one before it
    if grid:
        _doc_grid(section)


def _doc_grid(section) -> None:
    """The GB/T 9704 grid (页面设置 → 文档网格 "只指定行网格"): 22 lines a page, linePitch the body's
    line height in twips. The 28 characters a line come from the body runs' character spacing
    (BODY_CHAR_SPACING_PT), not from a character grid: LibreOffice lays a linesAndChars grid out
    with square cells (14 characters a line)."""
    sect = section._sectPr
    grid = _el("w:docGrid", type="lines", linePitch=round(LINE_PT * 20))
    anchor = next((e for e in (sect.find(_qn(f"w:{t}")) for t in ("printerSettings", "sectPrChange")) if e is not None),
                  None)
    if anchor is not None:      # docGrid comes after the page size, margins and columns (CT_SectPr order)
        anchor.addprevious(grid)
    else:
        sect.append(grid)


def _footers(doc, section) -> None:
    """'— N —' in 宋体 四号: odd pages right, even pages left, one character in from the edge."""
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        par = footer.paragraphs[0]
        _para_format(par, align=align, left_pt=SIZE_PAGE_NUMBER_PT if align == "left" else 0,
                     right_pt=SIZE_PAGE_NUMBER_PT if align == "right" else 0)
        _page_field(par, FONT_SONG, SIZE_PAGE_NUMBER_PT)


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------
TBL_PR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
                "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook")


def _table_properties(table, width_pt: float, color: str = "000000", border_pt: float = 0.5) -> None:
    """tblPr in the schema's order (Word refuses a file whose elements are out of order): centred,
    fixed width and layout, single black borders, CELL_MARGIN_PT left/right cell padding."""
    tbl_pr = table._tbl.tblPr
    for child in list(tbl_pr):
        if child.tag in {_qn(f"w:{t}") for t in ("tblW", "tblBorders", "tblLayout", "tblCellMar", "tblStyle")}:
            tbl_pr.remove(child)
    tbl_pr.append(_el("w:tblW", w=round(width_pt * 20), type="dxa"))
    borders = _el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{side}", val="single", sz=max(2, round(border_pt * 8)), space=0, color=color))
    tbl_pr.append(borders)
    tbl_pr.append(_el("w:tblLayout", type="fixed"))
    margins = _el("w:tblCellMar")
    for side in ("left", "right"):
        margins.append(_el(f"w:{side}", w=round(CELL_MARGIN_PT * 20), type="dxa"))
    tbl_pr.append(margins)
    rank = {_qn(f"w:{t}"): i for i, t in enumerate(TBL_PR_ORDER)}
    for child in sorted(tbl_pr, key=lambda c: rank.get(c.tag, len(rank))):
        tbl_pr.append(child)   # re-appending moves it: children end up in schema order


def _table(doc, header: list[str], rows: list[list[str]], total_pt: float, size_pt: float,
           center_cols: set[int] | None = None):
    """A bordered table with fitted column widths, a 黑体 header row repeated on every page, rows that
    do not split across pages, text in 仿宋 at size_pt with single spacing."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from lxml import etree
    widths = fit_widths(header, rows, total_pt, size_pt)
    t = doc.add_table(rows=0, cols=len(header))
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    _table_properties(t, sum(widths))
    for gc, w in zip(t._tbl.tblGrid.findall(_qn("w:gridCol")), widths):
        gc.set(_qn("w:w"), str(round(w * 20)))
    center_cols = center_cols or set()
    # the rows are written as XML text and parsed once (python-docx's cell-by-cell calls took 0.3 s
    # of the two 50-row appendices); the paragraph and run properties of the three kinds of cell are
    # built once with the helpers the rest of the document uses
    props = {}
    for kind, (align, font) in {"head": ("center", FONT_HEI), "left": ("left", FONT_FANGSONG),
                                "center": ("center", FONT_FANGSONG)}.items():
        scratch = doc.add_paragraph()
        _para_format(scratch, align=align, line_pt=None, first_indent_pt=0)
        rpr = _el("w:rPr")
        _set_fonts(rpr, font, size_pt)
        props[kind] = (_xml(scratch._p.pPr), _xml(rpr))
        scratch._p.getparent().remove(scratch._p)
    tc_pr = [f'<w:tcPr><w:tcW w:w="{round(w * 20)}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
             for w in widths]
    xml = []
    for r, row in enumerate([header] + rows):
        xml.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if r == 0 else "") + "</w:trPr>")
        for c, value in enumerate(row):
            ppr, rpr = props["head" if r == 0 else "center" if c in center_cols else "left"]
            xml.append(f"<w:tc>{tc_pr[c]}<w:p>{ppr}<w:r>{rpr}{_run_xml(str(value))}</w:r></w:p></w:tc>")
        xml.append("</w:tr>")
    t._tbl.extend(list(etree.fromstring(f'<w:tbl xmlns:w="{_W_NS}">{"".join(xml)}</w:tbl>')))
    return t, widths


_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")   # what XML 1.0 cannot hold


def _xml(element) -> str:
    """An element as XML text without namespace declarations (the table's root declares w:)."""
    from lxml import etree
    return re.sub(r'\sxmlns:\w+="[^"]*"', "", etree.tostring(element, encoding="unicode"))


def _run_xml(text: str) -> str:
    """A run's text as python-docx writes Run.text: a tab is <w:tab/>, a line break <w:br/>;
    characters XML cannot hold are dropped."""
    from xml.sax.saxutils import escape
    out = []
    lines = _XML_ILLEGAL.sub("", text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for i, line in enumerate(lines):
        if i:
            out.append("<w:br/>")
        for j, part in enumerate(line.split("\t")):
            if j:
                out.append("<w:tab/>")
            if part:
                out.append(f'<w:t xml:space="preserve">{escape(part)}</w:t>')
    return "".join(out)


# ---------------------------------------------------------------------------
# The document
# ---------------------------------------------------------------------------
def date_text(d: date) -> str:
    """'2025年6月16日' (成文日期 in Arabic numerals, as GB/T 9704-2012 has it)."""
    return f"{d.year}年{d.month}月{d.day}日"


def _masthead(doc, gd: GovDocument) -> None:
    n = max(1.0, text_em(gd.masthead))
    size = min(SIZE_MASTHEAD_MAX_PT, (TEXT_W_PT - 4) / n)
    p = doc.add_paragraph()
    _para_format(p, align="center", line_pt=None, before_pt=12, after_pt=18, first_indent_pt=0)
    _run(p, gd.masthead, FONT_TITLE, round(size, 1), color=RED)
    p = doc.add_paragraph()
    _para_format(p, align="center", line_pt=LINE_PT, first_indent_pt=0, after_pt=6)
    _run(p, gd.issue, FONT_FANGSONG, SIZE_BODY_PT)
    # 编发单位 at the left, the date at the right, on one line: 三号 when it fits, else 四号
    date_s = date_text(gd.issued_on)
    size = SIZE_BODY_PT if (text_em(gd.unit) + text_em(date_s) + 2) * SIZE_BODY_PT <= TEXT_W_PT else SIZE_RECORD_PT
    p = doc.add_paragraph()
    _para_format(p, align="left", line_pt=LINE_PT, first_indent_pt=0, left_pt=size / 2, right_pt=size / 2,
                 after_pt=2)
    _tab_right(p, TEXT_W_PT - size)
    _run(p, gd.unit, FONT_FANGSONG, size)
    _run(p, "\t" + date_s, FONT_FANGSONG, size)
    _border(p, "bottom", RED, width_pt=1.0, space_pt=4)


def _title(doc, gd: GovDocument) -> None:
    p = doc.add_paragraph(style="Title")
    _para_format(p, align="center", line_pt=36, before_pt=LINE_PT, after_pt=0, first_indent_pt=0)
    _run(p, gd.title, FONT_TITLE, SIZE_TITLE_PT)
    if gd.subtitle:
        p = doc.add_paragraph()
        _para_format(p, align="center", line_pt=LINE_PT, first_indent_pt=0, after_pt=LINE_PT / 2)
        _run(p, gd.subtitle, FONT_KAI, SIZE_BODY_PT)


def _body(doc, gd: GovDocument) -> None:
    from docx.shared import Pt
    n_fig = n_tab = 0
    for block in gd.body:
        if isinstance(block, Heading):
            style = "Heading 1" if block.level == 1 else "Heading 2"
            p = doc.add_paragraph(style=style)
            _para_format(p, align="both", line_pt=LINE_PT, first_indent_pt=2 * SIZE_BODY_PT, keep_next=True)
            _run(p, block.text, FONT_HEI if block.level == 1 else FONT_KAI, SIZE_BODY_PT)
        elif isinstance(block, Paragraph):
            p = doc.add_paragraph()
            _para_format(p, align="both", line_pt=LINE_PT, first_indent_pt=2 * SIZE_BODY_PT)
            _run(p, block.text, FONT_FANGSONG, SIZE_BODY_PT)
        elif isinstance(block, Figure):
            n_fig += 1
            if block.png:
                p = doc.add_paragraph()
                _para_format(p, align="center", line_pt=None, before_pt=6, first_indent_pt=0, keep_next=True)
                p.add_run().add_picture(io.BytesIO(block.png), width=Pt(TEXT_W_PT))
            cap = doc.add_paragraph(style="Caption")
            _para_format(cap, align="center", line_pt=None, before_pt=3, after_pt=6 if block.png else 0,
                         first_indent_pt=0, keep_next=not block.png)
            _run(cap, f"图{n_fig}　{block.caption}", FONT_HEI, SIZE_CAPTION_PT)
            if not block.png:
                note = doc.add_paragraph()
                _para_format(note, align="center", line_pt=None, after_pt=6, first_indent_pt=0)
                _run(note, f"（{block.missing or '图表图片未生成'}）", FONT_KAI, SIZE_CAPTION_PT)
        elif isinstance(block, Table):
            n_tab += 1
            cap = doc.add_paragraph(style="Caption")
            _para_format(cap, align="center", line_pt=None, before_pt=6, after_pt=3, first_indent_pt=0,
                         keep_next=True)
            _run(cap, f"表{n_tab}　{block.caption}", FONT_HEI, SIZE_CAPTION_PT)
            _table(doc, block.header, block.rows, TEXT_W_PT, SIZE_TABLE_BODY_PT)
            gap = doc.add_paragraph()
            _para_format(gap, line_pt=None, first_indent_pt=0)


def _closing(doc, gd: GovDocument) -> None:
    """附件说明 and 落款 (signature above the date; the date four characters from the right edge)."""
    if gd.attachments:
        gap = doc.add_paragraph()
        _para_format(gap, line_pt=LINE_PT, keep_next=True)
        for i, a in enumerate(gd.attachments, start=1):
            p = doc.add_paragraph()
            lead = "附件：" if i == 1 else ""
            numbered = f"{i}. {a.title}" if len(gd.attachments) > 1 else a.title
            _para_format(p, align="left", line_pt=LINE_PT, keep_next=True,
                         first_indent_pt=0, left_pt=(2 + (0 if i == 1 else 3)) * SIZE_BODY_PT)
            _run(p, lead + numbered, FONT_FANGSONG, SIZE_BODY_PT)
    if gd.signature:
        d = date_text(gd.issued_on)
        wide = max(text_em(gd.signature), text_em(d))
        edge = 4 if text_em(gd.signature) <= text_em(d) else 2
        for i, line in enumerate((gd.signature, d)):
            p = doc.add_paragraph()
            right = (edge + (wide - text_em(line)) / 2) * SIZE_BODY_PT
            _para_format(p, align="right", line_pt=LINE_PT, first_indent_pt=0, right_pt=right,
                         before_pt=2 * LINE_PT if i == 0 else 0, keep_next=i == 0)
            _run(p, line, FONT_FANGSONG, SIZE_BODY_PT)


def _attachment(doc, i: int, a: Attachment, n: int) -> None:
    from docx.enum.section import WD_SECTION
    landscape = needs_landscape(a.header, a.rows)
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _page_setup(section, landscape)
    width = LANDSCAPE_TEXT_W_PT if landscape else TEXT_W_PT
    p = doc.add_paragraph()
    _para_format(p, align="left", line_pt=LINE_PT, first_indent_pt=0)
    _run(p, f"附件{i}" if n > 1 else "附件", FONT_HEI, SIZE_BODY_PT)
    p = doc.add_paragraph()
    _para_format(p, align="center", line_pt=36, before_pt=6, after_pt=12, first_indent_pt=0, keep_next=True)
    _run(p, a.title, FONT_TITLE, SIZE_TITLE_PT)
    if not a.rows:
        p = doc.add_paragraph()
        _para_format(p, align="left", line_pt=LINE_PT, first_indent_pt=2 * SIZE_BODY_PT)
        _run(p, a.empty_text, FONT_FANGSONG, SIZE_BODY_PT)
    else:
        short = {c for c, h in enumerate(a.header)
                 if all(text_em(str(r[c])) <= WORD_CELL_MAX_EM for r in a.rows)}
        _table(doc, a.header, a.rows, width, SIZE_TABLE_PT, center_cols=short)
    if a.note:
        p = doc.add_paragraph()
        _para_format(p, align="left", line_pt=None, before_pt=6, first_indent_pt=0)
        _run(p, a.note, FONT_KAI, SIZE_TABLE_BODY_PT)


def _record(doc, gd: GovDocument, width_pt: float) -> None:
    """版记 at the foot of the last page: 抄送 and the 印发 line between rules (first and last 0.35 mm,
    the one between 0.25 mm), 仿宋 四号, one character in from either side, in a text box anchored to
    the bottom of the 版心 (wp:anchor, positionV relativeFrom=margin align=bottom; Word and LibreOffice
    both put it there), held by the document's last paragraph (1 pt high)."""
    lines = []
    if gd.cc:
        lines.append(("抄送：" + gd.cc.rstrip("。") + "。", None))
    if gd.printed_by:
        lines.append((gd.printed_by, f"{date_text(gd.issued_on)}印发"))
    if not lines:
        return
    pars = []
    for i, (left, right) in enumerate(lines):
        p = doc.add_paragraph()
        _para_format(p, align="left", line_pt=LINE_PT, first_indent_pt=0, left_pt=SIZE_RECORD_PT,
                     right_pt=SIZE_RECORD_PT, before_pt=0, after_pt=0)
        if i == 0:
            _border(p, "top", width_pt=RECORD_RULE_MM[0] * PT_PER_MM, space_pt=RECORD_RULE_GAP_PT)
        _border(p, "bottom", width_pt=RECORD_RULE_MM[1 if i < len(lines) - 1 else 0] * PT_PER_MM,
                space_pt=RECORD_RULE_GAP_PT)
        _run(p, left, FONT_FANGSONG, SIZE_RECORD_PT)
        if right:
            _tab_right(p, width_pt - 2 * SIZE_RECORD_PT)
            _run(p, "\t" + right, FONT_FANGSONG, SIZE_RECORD_PT)
        pars.append(p._p)
    height_pt = len(lines) * (LINE_PT + 2 * RECORD_RULE_GAP_PT) + 4
    emu = 12700   # EMU a point
    w, h = round(width_pt * emu), round(height_pt * emu)
    from docx.oxml import parse_xml
    anchor = parse_xml(f"""
<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
     xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
     xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
     xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><w:drawing>
 <wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="251659264" behindDoc="0"
            locked="0" layoutInCell="1" allowOverlap="0">
  <wp:simplePos x="0" y="0"/>
  <wp:positionH relativeFrom="margin"><wp:align>center</wp:align></wp:positionH>
  <wp:positionV relativeFrom="margin"><wp:align>bottom</wp:align></wp:positionV>
  <wp:extent cx="{w}" cy="{h}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>
  <wp:wrapTopAndBottom/>
  <wp:docPr id="9001" name="版记"/><wp:cNvGraphicFramePr/>
  <a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
   <wps:wsp><wps:cNvSpPr txBox="1"/>
    <wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{w}" cy="{h}"/></a:xfrm>
     <a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>
    <wps:txbx><w:txbxContent/></wps:txbx>
    <wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="b"><a:noAutofit/></wps:bodyPr>
   </wps:wsp></a:graphicData></a:graphic>
 </wp:anchor></w:drawing></w:r>""")
    rpr = _el("w:rPr")
    anchor.insert(0, rpr)
    _set_fonts(rpr, FONT_FANGSONG, SIZE_RECORD_PT)   # the holding run names its fonts too, like every run
    content = anchor.find(".//" + _qn("w:txbxContent"))
    for p in pars:
        content.append(p)          # moved out of the body into the text box
    end = doc.add_paragraph()
    _para_format(end, line_pt=1, first_indent_pt=0)   # 1 pt high, so it never needs a page of its own
    end._p.append(anchor)


def to_docx(gd: GovDocument) -> bytes:
    """The .docx bytes of a GovDocument in the 简报 layout described in the module docstring."""
    from docx import Document
    doc = Document()
    _styles(doc)
    _font_table(doc)
    doc.core_properties.title = gd.title
    doc.core_properties.subject = gd.issue
    doc.core_properties.author = gd.unit
    doc.core_properties.language = "zh-CN"
    first = doc.sections[0]
    _page_setup(first, grid=True)   # the body; the appendix tables keep their own row heights
    _footers(doc, first)
    _masthead(doc, gd)
    _title(doc, gd)
    _body(doc, gd)
    _closing(doc, gd)
    landscape = False
    for i, a in enumerate(gd.attachments, start=1):
        _attachment(doc, i, a, len(gd.attachments))
        landscape = needs_landscape(a.header, a.rows)
    _record(doc, gd, LANDSCAPE_TEXT_W_PT if landscape else TEXT_W_PT)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------
# An HTML preview of the same document (when LibreOffice cannot render the PDF)
# ---------------------------------------------------------------------------
_HTML_CSS = """
.gov-page{width:100%;max-width:794px;margin:0 auto 16px;background:#fff;color:#000;box-shadow:0 0 6px #999;
  padding:48px 40px 40px 48px;box-sizing:border-box;font-family:"仿宋_GB2312","FangSong","Noto Serif CJK SC",serif;
  font-size:16pt;line-height:28.9pt}
.gov-page p{margin:0;text-indent:2em;text-align:justify}
.gov-mast{color:#e00;text-align:center;font-family:"方正小标宋简体","Noto Serif CJK SC",serif;font-size:30pt;
  line-height:1.4;margin:12px 0 18px}
.gov-issue{text-align:center}
.gov-unit{display:flex;justify-content:space-between;border-bottom:1.3px solid #e00;padding:0 .5em 6px;font-size:14pt}
.gov-title{text-align:center;font-family:"方正小标宋简体","Noto Serif CJK SC",serif;font-size:22pt;line-height:36pt;
  margin-top:28pt}
.gov-sub{text-align:center;font-family:"楷体_GB2312","KaiTi","Noto Serif CJK SC",serif;margin-bottom:14pt}
.gov-h1{font-family:"黑体","SimHei","Noto Sans CJK SC",sans-serif;text-indent:2em}
.gov-cap{text-align:center;font-family:"黑体","SimHei","Noto Sans CJK SC",sans-serif;font-size:14pt;line-height:1.5}
.gov-note{text-align:center;font-family:"楷体_GB2312","KaiTi","Noto Serif CJK SC",serif;font-size:14pt;line-height:1.5}
.gov-fig{text-align:center;margin:6px 0}.gov-fig img{width:100%}
.gov-page table{border-collapse:collapse;margin:4px auto 12px;font-size:10.5pt;line-height:1.35}
.gov-page td,.gov-page th{border:1px solid #000;padding:2px 4px;vertical-align:middle}
.gov-page th{font-family:"黑体","SimHei","Noto Sans CJK SC",sans-serif;font-weight:normal}
.gov-sign{text-align:right;padding-right:4em}
.gov-record{margin-top:28pt;border-top:1.3px solid #000;border-bottom:1.3px solid #000;font-size:14pt}
.gov-record div{padding:0 1em;display:flex;justify-content:space-between}
.gov-record div+div{border-top:1px solid #000}
"""


def to_html(gd: GovDocument) -> str:
    """The document as one HTML fragment (styles included): the same blocks, fonts and order as the
    .docx, on a page-wide white sheet. Not paginated: a preview of the text and its layout."""
    import base64
    from html import escape as e
    out = [f"<style>{_HTML_CSS}</style>", '<div class="gov-page">',
           f'<div class="gov-mast">{e(gd.masthead)}</div>', f'<div class="gov-issue">{e(gd.issue)}</div>',
           f'<div class="gov-unit"><span>{e(gd.unit)}</span><span>{e(date_text(gd.issued_on))}</span></div>',
           f'<div class="gov-title">{e(gd.title)}</div>']
    if gd.subtitle:
        out.append(f'<div class="gov-sub">{e(gd.subtitle)}</div>')

    def table(header, rows) -> str:
        head = "".join(f"<th>{e(str(h))}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in r) + "</tr>" for r in rows)
        return f"<table><tr>{head}</tr>{body}</table>"

    n_fig = n_tab = 0
    for block in gd.body:
        if isinstance(block, Heading):
            out.append(f'<p class="gov-h1">{e(block.text)}</p>')
        elif isinstance(block, Paragraph):
            out.append(f"<p>{e(block.text)}</p>")
        elif isinstance(block, Figure):
            n_fig += 1
            if block.png:
                src = "data:image/png;base64," + base64.b64encode(block.png).decode("ascii")
                out.append(f'<div class="gov-fig"><img src="{src}" alt="{e(block.caption)}"></div>')
            out.append(f'<div class="gov-cap">图{n_fig}　{e(block.caption)}</div>')
            if not block.png:
                out.append(f'<div class="gov-note">（{e(block.missing or "图表图片未生成")}）</div>')
        elif isinstance(block, Table):
            n_tab += 1
            out.append(f'<div class="gov-cap">表{n_tab}　{e(block.caption)}</div>' + table(block.header, block.rows))
    if gd.attachments:
        names = [f"{i}. {a.title}" if len(gd.attachments) > 1 else a.title for i, a in enumerate(gd.attachments, 1)]
        out.append('<p style="margin-top:28pt">附件：' + "<br>　　　".join(e(n) for n in names) + "</p>")
    if gd.signature:
        out.append(f'<div class="gov-sign" style="margin-top:28pt">{e(gd.signature)}<br>'
                   f"{e(date_text(gd.issued_on))}</div>")
    out.append("</div>")
    for i, a in enumerate(gd.attachments, 1):
        out.append('<div class="gov-page">')
        out.append(f'<div class="gov-h1" style="text-indent:0">附件{i if len(gd.attachments) > 1 else ""}</div>')
        out.append(f'<div class="gov-title" style="margin:6px 0 12px">{e(a.title)}</div>')
        out.append(table(a.header, a.rows) if a.rows else f"<p>{e(a.empty_text)}</p>")
        if a.note:
            out.append(f'<div class="gov-note" style="text-align:left">{e(a.note)}</div>')
        if i == len(gd.attachments):
            out.append(_record_html(gd))
        out.append("</div>")
    if not gd.attachments:
        out.insert(-1, _record_html(gd))
    return "\n".join(out)


def _record_html(gd: GovDocument) -> str:
    from html import escape as e
    if not (gd.cc or gd.printed_by):
        return ""
    rows = []
    if gd.cc:
        rows.append(f"<div><span>抄送：{e(gd.cc.rstrip('。'))}。</span></div>")
    if gd.printed_by:
        rows.append(f"<div><span>{e(gd.printed_by)}</span><span>{e(date_text(gd.issued_on))}印发</span></div>")
    return '<div class="gov-record">' + "".join(rows) + "</div>"
