"""Every text the reader shows a person, in one place (simplified Chinese).

Tests and docs quote these constants; the reader formats them with
`str.format(**fields)`. File-level reasons are one line each; row-level
messages say what is wrong and what to do.
"""
from __future__ import annotations

# --------------------------------------------------------------------------- file level
FILE_EMPTY = "文件是空的（0 字节）；请重新从系统导出后再上传"
FILE_TEXT_UNREADABLE = "这是文本格式的导出文件（网页表格、XML 表格或 CSV），但无法读出表格（{detail}）；请用 Excel 打开后另存为 .xlsx 再上传"
FILE_XML = "这是 XML 格式的文件，但不是 Excel 2003 XML 表格，无法直接读取；请用 Excel 打开后另存为 .xlsx 再上传"
FILE_MHT_NO_TABLE = "这是网页存档（.mht，单个文件网页），但其中没有表格，无法读取；请用 Excel 打开后另存为 .xlsx 再上传"
FILE_NOT_WORKBOOK = "不是 Excel 工作簿，无法读取；请上传 .xlsx、.xls、.csv 文件（或网页系统导出的表格）"
FILE_ZIP_NOT_WORKBOOK = "这是压缩包，但里面不是 Excel 工作簿（没有 xl/workbook.xml，可能是 Word 文档或其他文件）；请上传 .xlsx 文件"
FILE_CORRUPT = "文件已损坏，无法解开（{detail}）；请重新导出，或用 Excel 打开后另存为 .xlsx 再上传"
FILE_ENCRYPTED = "文件设置了打开密码（已加密），无法读取；请在 Excel 中取消密码后另存为 .xlsx 再上传"
FILE_XLS_UNREADABLE = "旧版 .xls 文件无法读取（{detail}）；请用 Excel 打开后另存为 .xlsx 再上传"
FILE_UNREADABLE = "无法读取该工作簿（{detail}）；请用 Excel 打开后另存为 .xlsx 再上传"
FILE_NOT_FOUND = "找不到文件：{path}"
FILE_NO_SHEETS = "工作簿中没有工作表"

# --------------------------------------------------------------------------- sheet skipped (SheetResult.skipped_reason)
SKIP_HIDDEN = "隐藏的工作表，已跳过"
SKIP_EMPTY = "空工作表，已跳过"
SKIP_CHART = "图表或宏表，不是数据表，已跳过"
SKIP_PROSE = "说明性文字，没有数据表格，已跳过"
SKIP_NO_HEADER = "前 {n} 行中没有找到已知的列名，未能识别为任何数据集；看到的内容：{seen}。请检查表头，或在上传页手动指定列的含义"
SKIP_NO_DATASET = "未能识别为任何数据集：看到的列为 {seen}。{closest}请检查表头，或在上传页指定数据集和列的含义"
SKIP_CLOSEST = "最接近「{label}」，但缺少必需的列 {missing}。"
SKIP_CLOSEST_SEVERAL = "最接近{options}。"
SKIP_CLOSEST_OPTION = "「{label}」（缺少必需的列 {missing}）"
SKIP_AMBIGUOUS = "表头同时符合 {labels}，无法判断是哪一种数据；看到的列为 {seen}。请在上传页指定数据集"
SKIP_NOT_HINT = "表头不符合指定的数据集「{hint}」（看起来是「{found}」），已跳过"
SKIP_NOT_HINT_UNKNOWN = "表头不符合指定的数据集「{hint}」，已跳过；看到的列为 {seen}"
SKIP_UNREADABLE = "工作表无法读取（{detail}），已跳过"
SKIP_REPEATED = ("本表的 {n} 行全部也在工作表「{other}」中（{fields}都相同），是同一批记录，只按「{other}」计一次，"
                 "本表已跳过；如果确是另外的记录，请在本表中写明区别（如{hint}列）后重新上传")

# --------------------------------------------------------------------------- sheet notes (SheetResult.notes)
NOTE_DEFAULT_UNIT = "表头上方注明“单位：{unit}”，未标单位的金额列按{unit}读取"
NOTE_PERIOD_FROM_SHEET = "没有报告期列，报告期取自{where}：{period}"
NOTE_CHANNEL_FROM_SHEET = "没有{label}列，{label}取工作表名「{channel}」"
NOTE_FOOTER = "第{row}行起为表尾说明，已忽略"
NOTE_ROWS_DROPPED = "跳过空行 {blank} 行、合计/表尾行 {footer} 行"
NOTE_HEADER_PERIOD = "报告期取自列名「{header}」：{period}"
TABLE_BESIDE = ("本表右侧从{col}列（「{header}」）起并排还有一张表头相同的表，只读左边的表会漏掉它；"
                "请把右侧的表移到单独的工作表（工作表名写明渠道或类别）后重新上传")
TABLE_BESIDE_SHEET = "表格右侧并排还有一张表"
NOTE_DUPLICATE_COLUMN = "列「{header}」与列「{other}」都表示「{label}」，只读取了「{other}」"
NOTE_FILL_COLUMN = "列「{other}」为空的行，「{label}」取自列「{header}」"
NOTE_MERGED_DATA = "第{first}-{last}行的「{header}」是合并单元格，已把合并的值填入其中每一行"
NOTE_MERGED_DATA_MORE = "另有 {n} 处合并单元格同样按合并的值填入每一行"
NOTE_REPEATED_HEADER = "第{rows}行重复了表头（同一工作表中的下一个表格），不作为数据"
NOTE_SUB_TABLE_TITLE = "第{row}行「{title}」是下一个表格的标题，不作为数据"
NOTE_CHANNEL_FROM_TITLE = "第{row}行起的{label}取该表格的标题「{title}」"
NOTE_SECTION_ROWS = "跳过只有一格文字的分组标题行 {n} 行（如“{example}”）"
NOTE_PERCENT_CELLS = "「{header}」中有 {n} 个单元格是百分比格式（如 0.099 显示为 9.9%），已按显示的百分数读取"
NOTE_EXTRA_PERIOD_COLUMN = "列「{header}」也是报告期数值列，只读取了「{other}」"

# --------------------------------------------------------------------------- sheet-level problems
COLUMN_MISSING = "缺少必需的列「{label}」（可用的列名：{synonyms}）；请添加该列，或在上传页指定哪一列是「{label}」"
PERIOD_MISSING = "缺少报告期：没有「报告期」列，工作表名和标题中也找不到报告期（如“2025年1-5月”）；请添加报告期列或在工作表名/标题中写明"
MONEY_NO_UNIT = "金额列没有注明单位，已按万元读取；如果不是万元，请在表头写明单位，如“{label}（元）”"
FOREIGN_HEADER = ("这一行是另一个表格的表头（列与第{header_row}行的表头不同），从这一行起的内容未读取；"
                  "请把这个表格移到单独的工作表，或改成与上面相同的列后重新上传")
FORMULA_NO_VALUE = "单元格 {cell} 是公式，但文件中没有保存计算结果，读到的是空值；请在 Excel 中打开、重新计算并保存后再上传"

# --------------------------------------------------------------------------- row-level problems
REQUIRED_EMPTY = "「{label}」不能为空；请补填"
USCC_LENGTH = "统一社会信用代码应为 18 位，这里是 {n} 位；请核对后改正"
USCC_BAD_CHAR = "统一社会信用代码含有不允许的字符「{char}」（只能是数字和大写字母，且不含 I、O、Z、S、V）；请核对后改正"
USCC_NUMERIC = ("统一社会信用代码被存成了数字，后几位已经丢失（Excel 数字只保留 15 位有效数字）；"
                "请把该列设置为“文本”格式，重新填入完整代码后再导出")
USCC_REGISTRATION_NO = ("这是 15 位的工商注册号（2015 年以前的旧编号），不是统一社会信用代码；"
                        "请在登记系统中查到该主体的 18 位统一社会信用代码后填入，或选择“跳过错误行”导入其余行")
USCC_CHECKSUM = "统一社会信用代码校验位不符（按 GB 32100-2015 最后一位应为「{expected}」）；请核对代码是否抄错（少数早期代码也会如此）"
DATE_IMPOSSIBLE = "日期不存在（月份应为 1-12，日不能超过当月天数）；请改为真实的日期，如 2025-05-10"
DATE_UNRECOGNISED = "无法识别的日期；请写成 2025-05-10、2025/5/10、2025年5月10日，或使用 Excel 日期格式"
DATE_SMALL_NUMBER = ("读作1900年的某一天，不像真实日期（多半是“6.03”这样的“月.日”被 Excel 存成了数字）；"
                     "请写成完整日期，如 2025-06-03")
DATE_NO_YEAR = "日期缺少年份，工作表名和标题中也没有年份；请写成 2025年5月10日，或在工作表名中写明年份（如“2025年”）"
DATE_FUTURE = "日期晚于今天（{today}）；请核对是否填错"
PERIOD_UNRECOGNISED = "无法识别的报告期；请写成“2025年1-5月”“2025年5月”或“2025-05”"
PERIOD_IMPOSSIBLE = "报告期的月份不存在（应为 1-12 月）；请改正，如“2025年1-5月”"
PERIOD_NO_YEAR = "报告期缺少年份，工作表名和标题中也没有年份；请写成“2025年1-5月”"
SECOND_FIGURE = "括号中还有一个数「{remark}」，未计入；已按括号前的数（总数）读取。如需分别统计，请分两行填写"
DATE_SPAN = "是一段时间，已按第一天{day}读取；如需计入其他日期，请拆成每天一行或改为具体日期"
DATE_APPROXIMATE = ("不是具体的某一天，已按{day}读取（上旬、月初取1日，中旬取11日，下旬取21日，月底取当月最后一天，"
                    "季度、半年取第一天，季度末、年底取最后一天）；知道具体日期时请改为具体日期")
MONEY_FOREIGN = "金额是外币（{currency}），无法换算为人民币，已留空；如需计入，请换算为人民币后填写"
NOT_A_NUMBER = "不是数字；请只填数字（可带单位 元/千元/万元/亿元，可用千分位逗号），没有数值请留空或填“—”"
NOT_A_PERCENT = "不是百分数；请只填数字（如 9.9、9.9% 或 -3.0，下降也可写“下降3.0%”），没有数值请留空或填“—”"
ENUM_UNKNOWN = ("无法识别的{label}；可填：{allowed}（或其常见写法）。如果「{value}」是其中某一项的另一种写法，"
                "请在 {file} 中加一行“{dataset},{field},对应的可填值,{value}”后重新上传")
CELL_BLANKED = "（此列不影响统计数字：该单元格已留空，这一行照常导入）"
ENTITY_TYPE_UNKNOWN = "无法识别的主体类型，统一社会信用代码也无法判断（第1-2位应为 91、92 或 93）；可填：{allowed}"
DUPLICATE_KEY = "与第{other_row}行重复（{key_desc}）；同一次上传中同一{key_label}只能出现一次，请删除或合并重复的行"
DUPLICATE_KEY_OTHER_SHEET = "与工作表「{other_sheet}」第{other_row}行重复（{key_desc}）；同一次上传中同一{key_label}只能出现一次，请删除或合并重复的行"
CLOSED_WITHOUT_DATE = "登记状态为「{status}」，但没有注销/吊销日期，将被当作一直存续计数；请补填日期"
OUT_OF_RANGE = "数值超出合理范围（{low} 至 {high}{unit}）；请核对数值和单位"
MORE_PROBLEMS = "另有 {n} 行同类问题（只列出前 {shown} 行）"


def join_names(names, limit: int = 12) -> str:
    """「a」、「b」… for messages; more than `limit` names end in “等 N 个”."""
    names = [str(n) for n in names]
    text = "、".join(f"「{n}」" for n in names[:limit])
    if len(names) > limit:
        text += f" 等 {len(names)} 个"
    return text or "（无）"
