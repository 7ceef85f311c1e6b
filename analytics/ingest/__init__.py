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
  this year's and the prior year's columns and the period; so does a year written before the figure's
  name in one cell ("本年1-5月工业增加值" / "上年1-5月工业增加值", "2025年1-5月工业增加值" / "2024年1-5月…", "今年…" / "去年同期…"). The column codes row (甲 乙 1 2 3)
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
  "/", "无" are empty; growth written in words or arrows ("增长5.1%", "下降1.2%", "▼3.0", "持平") is a signed figure; foreign-currency amounts are left empty with a warning; cells shown as
  percentages (0.099 as 9.9%) are read as shown; dates also as "2025年5月10号", with a
  weekday, or "5月10日" with the year of the sheet name or title; periods also as real or
  unformatted Excel dates; a year in an export stamp ("导出时间：2025-06-15") is never the
  period's year; a 15-digit 注册号 in the credit-code column is named as such.
- Files: .xlsx/.xlsm, legacy .xls (BIFF8, read exactly like .xlsx), .xlsb, .ods; an HTML table saved as
  .xls by a web system's "导出Excel" (colspan/rowspan read as merged cells), Excel 2003 XML
  (SpreadsheetML: its sheets, ss:MergeAcross/MergeDown as merged cells) and CSV / tab-separated text
  (UTF-8, UTF-8 with BOM, GBK/GB18030) as one sheet named after the file, as Excel opens them.
- The statistics office's 联网直报 header three rows deep: a group over 本年 / 上年同期 over 1-8月 /
  累计 (or a period row between the group and the names): the period is taken out of the name and
  kept ("工业增加值 / 本年 / 1-8月" is 工业增加值 本年累计 of 1-8月); "8月" beside "1-8月" is that month
  alone and not read. A row of only periods under the names (7月 | 1-7月) belongs to the header, and so
  does a row of English field codes (UNISCID, ENTNAME, ESTDATE …). Growth headed 增长%, 同比±%,
  增速（%）, 比上年同期增长（%）; 本月 / 1-N月 groups over 绝对量 / 同比±%; indicator names lose their
  numbering and indentation (1.规模以上工业增加值, "　　其中：医疗器械" -> 医疗器械).
- A ledger sheet whose rows all recur in another sheet of the file (全部明细 beside the channel sheets, a copied
  sheet) is skipped and named; two tables side by side in one sheet refuse it (the right one's first column
  named); a date that reads as a day of 1900 (6.03 typed for 6月3日) is refused, not imported.
- Subtotals named in any column ("12月小计" in the date column, "医疗器械合计", a 合计 above the data)
  are never data and never an error.
- Dates typed as a span are read as a day (each cell warns, see docs/DATA.md): 上旬 and 月初 the 1st,
  中旬 the 11th, 下旬 the 21st (the thirds of a month, 1-10, 11-20, 21-end, each read as its first day,
  as a month-only date is read as the 1st, so a row never lands in a later month or period than it
  may belong to); 月底/月末 the month's last day (it names deadlines, "6月底前"); a quarter
  ("2025年二季度", "2025Q2") its first day, 季度末 its last; 上半年/年初 1 January, 下半年 1 July,
  年底 31 December; days typed as a span in one cell ("2025.05.24-05.26", "5月24日至26日") the first day. Amounts lose 约/左右/余/多/超过 ("约2.5亿元" is 25000 万元); "1.2亿(一期5000万)"
  is the total, with a warning that the second figure was not counted.
- Stage, status and visit words come from the editable file data/vocabulary.csv; an unknown word's
  error lists the allowed values and the line to add to that file.
- An unreadable cell refuses its row only for keys, required fields and fields a figure depends on
  (schema `Field.figure`, `Dataset.refuses`); any other (注册资本 "N/A", "待核实") is left empty with
  a warning naming the cell, and the row is kept. `SheetResult.counts_text()` reports rows (read =
  importable + with errors) and cells apart.
"""
from analytics.ingest.model import ERROR, WARNING, Problem, SheetResult, WorkbookResult
from analytics.ingest.reader import read_workbook

__all__ = ["read_workbook", "Problem", "SheetResult", "WorkbookResult", "ERROR", "WARNING"]
