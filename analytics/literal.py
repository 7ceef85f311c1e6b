"""Workbook text shown literally where Streamlit (or a Markdown file) would interpret it.

st.markdown, st.caption, st.info/warning/error/success, st.expander / st.tabs / widget labels and
st.metric labels parse their text as Markdown with Streamlit's extensions: links and images
("[点我](javascript:…)", "![](http://…)"), GFM autolinks ("http://…"), directives (":red[…]",
":material/…:"), emoji shortcodes (":smile:"), LaTeX ("$…$", "$$…$$") and HTML. A value that came
from a workbook (a project name, a sheet name, a note) must reach the viewer as the characters it
holds. `text(value)` escapes it for those elements: the ASCII punctuation that Markdown or
Streamlit reads gets a backslash (CommonMark escapes; Streamlit honours "\\$" and "\\:"), and a
word joiner (U+2060, invisible) goes after the first colon of an emoji shortcode, inside "://",
after "www" and after "@": Streamlit replaces shortcodes and GFM finds autolinks in the text
*after* escapes are resolved, so a backslash cannot stop those (measured in Chromium). Line breaks
become spaces (a name is one line).

Use it only at Markdown display points: st.dataframe, st.table, st.code, plotly figures and
downloads show text as it is and would show the backslashes.
"""
from __future__ import annotations

import re

import pandas as pd

# CommonMark lets any ASCII punctuation be backslash-escaped. Escaped everywhere: the characters that
# open Markdown emphasis, code, links and images, headings, HTML and entities, strikethrough,
# Streamlit directives and colours (":"), KaTeX ("$"). Left as typed, since on one line they start
# nothing: "." "-" "+" "!" "|" "(" ")" "%" "@" "=" (so "23.5亿元", "-3.0%", "+5户", "有限公司(自然人投资)"
# read as typed) - except a list marker at the start ("1. ", "- ", "+ ").
_SPECIAL = set("\\`*_{}[]#<>~:$&")
_SHORTCODE_RE = re.compile(r":(?=[A-Za-z0-9_+\-]+:)")
_LINE_BREAK_RE = re.compile(r"[\r\n\u2028\u2029]+")
_START_RE = re.compile(r"^(\s*)(\d{1,9})([.)])(?=\s|$)|^(\s*)([-+])(?=\s|$)")
_AUTOLINK_RE = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)", re.I)
WORD_JOINER = "\u2060"


def text(value) -> str:
    """`value` as Markdown that renders exactly its characters (None -> "")."""
    if value is None:
        return ""
    if isinstance(value, float) and pd.isna(value):
        return ""
    s = _LINE_BREAK_RE.sub(" ", str(value))
    s = _SHORTCODE_RE.sub(":" + WORD_JOINER, s)
    s = _AUTOLINK_RE.sub(WORD_JOINER, s)
    s = "".join("\\" + ch if ch in _SPECIAL else ch for ch in s)
    return _START_RE.sub(lambda m: (f"{m.group(1)}{m.group(2)}\\{m.group(3)}" if m.group(2) is not None
                                    else f"{m.group(4)}\\{m.group(5)}"), s, count=1)


def strip_markup(value) -> str:
    """The text with the word joiners `text` added removed and backslash escapes undone (tests, search)."""
    s = str(value).replace(WORD_JOINER, "")
    return re.sub(r"\\(.)", r"\1", s)
