"""Reading the park's workbooks: recognise each sheet's dataset, parse it into
canonical units, and report every problem with its Excel row (see DATA.md).

    from analytics.ingest import read_workbook
    result = read_workbook("市场主体名录.xlsx")   # -> WorkbookResult

What the reader takes as it comes (each rule has a test in tests/test_ingest_*.py):

- Header: the first row with two known column names, below titles and notes. It extends
  down over group rows to a row of sub-headers (工业增加值（千元） over 本年累计 / 上年同期累计,
  also three rows deep, or a group row above the row of names); a group is read from its
  merged range or the nearest group text to its left. Sub-header words 去年同期, 本年实际,
  上年同期数 … are the same as 本年累计 / 上年同期; a period under or over a figure
  ("工业增加值 / 1-5月", "2025年1-5月 / 工业增加值" beside "2024年1-5月 / 工业增加值") gives
  this year's and the prior year's columns and the period. The column codes row (甲 乙 1 2 3)
  and a row of units (千元) under the header belong to it. Marks (*项目名称), line breaks,
  invisible characters and bracketed qualifiers (工业总产值(当年价格)) are read past.
- Which column wins a field: a hand mapping, then a visible column over a hidden one, an exact
  name over one read without its bracket, the name listed first in the schema (注销日期 over
  核准日期). Indicator tables read the cumulative figures (1-5月 本年累计 / 1-5月增速), not
  本月 / 5月, and the latest period column (2025年1-5月, not 2024年1-5月).
- Rows that are not data: blank rows; 合计/小计/总计 rows, also named after a group
  (医疗器械小计); one-cell group headings (一、工业; 序号 "一"); the signature line
  (单位负责人：… 填表人：… 报出日期：…) and everything below it; a repeated header (a second
  table below the first; its title names a sales sheet's channel); a header with other
  columns stops the sheet with an error. Vertically merged data cells fill each row they span.
- Values: "1.5亿", "8,000万", "500万元人民币", "25000(万元)", "(500)" (negative); "—", "－",
  "/", "无" are empty; foreign-currency amounts are left empty with a warning; cells shown as
  percentages (0.099 as 9.9%) are read as shown; dates also as "2025年5月10号", with a
  weekday, or "5月10日" with the year of the sheet name or title; periods also as real or
  unformatted Excel dates; a year in an export stamp ("导出时间：2025-06-15") is never the
  period's year; a 15-digit 注册号 in the credit-code column is named as such.
"""
from analytics.ingest.model import ERROR, WARNING, Problem, SheetResult, WorkbookResult
from analytics.ingest.reader import read_workbook

__all__ = ["read_workbook", "Problem", "SheetResult", "WorkbookResult", "ERROR", "WARNING"]
