"""The datasets, declared once.

Every reader, validator, template, store table and doc page reads this module;
nothing else in the project lists header names, field types or keys.

Canonical units inside the store (see ../shared/DATA.md): money in 万元,
dates as DATE, months as the first day of the month, percentages as percent
numbers (9.9 means 9.9 %).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from analytics import vocabulary as _vocabulary

# ---------------------------------------------------------------------------
# Field kinds
# ---------------------------------------------------------------------------
# str     free text, NFKC-normalised, trimmed
# code    identifier text (NFKC, all spaces removed, upper-cased)
# uscc    unified social credit code, 18 chars (GB 32100-2015)
# date    a calendar date (Excel date, serial, or the text forms in DATA.md)
# period  a month (first day of the month); cumulative periods "1-5月" end in May
# money   an amount, converted to 万元 (header unit, overridden by a unit in the cell)
# number  a plain number (no unit conversion)
# pct     a percentage as a percent number
# enum    text normalised through `Field.normalise` to one of `Field.allowed`
KINDS = ("str", "code", "uscc", "date", "period", "money", "number", "pct", "enum")

# Money unit factors: value in that unit x factor = value in 万元.
MONEY_UNIT_TO_WAN = {"元": 1e-4, "千元": 0.1, "万元": 1.0, "亿元": 1e4}
CANONICAL_MONEY_UNIT = "万元"

SECTORS = ("医疗器械", "医药", "食品保健品", "生产性服务业", "绿色算力", "其他")
ENTITY_TYPES = ("企业", "个体工商户", "农民专业合作社")
STAGES = ("洽谈", "签约", "开工", "投产", "停滞")
STAGE_ORDER = ("洽谈", "签约", "开工", "投产")
VISIT_TYPES = ("政策走访", "问题访谈", "跟踪回访")
DEMAND_CATEGORIES = ("融资", "用地", "用工", "审批", "市场", "政策", "其他")
DEMAND_STATUSES = ("已办结", "办理中", "未办理")
ALIVE_STATUS = "存续"
CLOSED_STATUSES = ("注销", "吊销", "撤销", "迁出")
STATUSES = (ALIVE_STATUS,) + CLOSED_STATUSES

# Raw text -> canonical value: the words offices write live in the editable file data/vocabulary.csv
# (dataset, field, canonical, synonym; see analytics/vocabulary.py). The reader reads the file again
# whenever it changes; these module-level copies serve the docs and the templates.
STATUS_SYNONYMS = _vocabulary.synonyms("entities", "status")
STAGE_SYNONYMS = _vocabulary.synonyms("projects", "stage")
VISIT_TYPE_SYNONYMS = _vocabulary.synonyms("service_visits", "visit_type")
DEMAND_STATUS_SYNONYMS = _vocabulary.synonyms("service_visits", "demand_status")
DEMAND_CATEGORY_SYNONYMS = _vocabulary.synonyms("service_visits", "demand_category")
ACCOUNT_TYPE_SYNONYMS = _vocabulary.synonyms("service_accounts", "account_type")
# targets (目标任务): a row's month or quarter, when the target is given per month or quarter
_CN_NUM = "一二三四五六七八九十"
MONTHS = tuple(f"{m}月" for m in range(1, 13))
QUARTERS = ("一季度", "二季度", "三季度", "四季度")
MONTH_SYNONYMS = {f"{m}月": f"{m}月" for m in range(1, 13)} | {
    k: f"{m}月" for m in range(1, 13)
    for k in (str(m), f"{m}.0", f"{m:02d}", f"{m:02d}月", f"{m}月份", f"{m:02d}月份",
              ("十" + _CN_NUM[m - 11] if m > 10 else _CN_NUM[m - 1]) + "月")}
QUARTER_SYNONYMS = {q: q for q in QUARTERS} | {
    k: QUARTERS[i] for i in range(4)
    for k in (str(i + 1), f"{i + 1}.0", f"{i + 1}季度", f"第{i + 1}季度", f"第{_CN_NUM[i]}季度", f"Q{i + 1}",
              f"q{i + 1}", f"{_CN_NUM[i]}季", f"第{_CN_NUM[i]}季")}

# Footer rows: a row whose first non-empty cell starts with one of these is
# never data (DATA.md, layout quirks).
FOOTER_PREFIXES = ("合计", "总计", "小计", "制表单位", "制表人", "制表", "填报说明", "填表说明",
                   "审核人", "负责人", "说明", "注:", "注：", "备注:", "数据来源",
                   # the signature line of statistics forms: "单位负责人：… 统计负责人：… 填表人：…"
                   "单位负责人", "统计负责人", "填表人", "填报人", "报出日期", "填报日期", "填表日期",
                   "制表日期", "联系电话", "联系人",
                   # the signing office and the end-of-table marks of printed forms
                   "填报单位", "填表单位", "报送单位", "复核人", "经办人", "以下空白", "以下无数据")
# Sub-headers that are ambiguous alone; they take the merged group above them.
SUB_HEADERS = ("本年累计", "上年同期累计", "上年同期", "本月", "上年同月", "累计", "同比增长", "增速",
               # the figure and its growth under a period group of an indicator table (1-7月 / 绝对量 | 同比±%)
               "绝对量", "绝对值", "绝对数", "总量")
# Other words for the same sub-headers (compared after NFKC, without spaces or the bracketed unit)
SUB_HEADER_SYNONYMS = {
    "去年同期": "上年同期", "去年同期累计": "上年同期累计", "上年同期数": "上年同期", "上年同期累计数": "上年同期累计",
    "上年同期实际": "上年同期", "本年实际": "本年累计", "本年累计数": "本年累计", "本期累计": "本年累计",
    "本年": "本年累计", "累计数": "累计", "本月数": "本月", "当月": "本月",
    "上年": "上年同期", "去年": "上年同期", "同期": "上年同期", "今年": "本年累计", "今年累计": "本年累计",
    "上年累计": "上年同期累计", "去年累计": "上年同期累计", "同期累计": "上年同期累计",
    "同比增减": "同比增长", "增长": "同比增长", "增幅": "同比增长", "增减": "同比增长", "同比": "同比增长",
    "同比±": "同比增长", "±": "同比增长", "增减±": "同比增长", "比上年同期±": "同比增长", "比上年同期增长": "同比增长",
    "增长率": "同比增长", "同比增速": "同比增长",
}
SERIAL_HEADERS = ("序号", "编号序号", "No", "NO", "No.")


@dataclass(frozen=True)
class Field:
    """One column of a dataset, as stored and as recognised in a workbook.

    `synonyms` are header texts seen in real exports (compared after NFKC,
    with spaces and the bracketed unit removed). `unit` is the unit assumed
    for a money field whose header and cell name none.
    """

    name: str
    kind: str
    label: str
    synonyms: tuple[str, ...]
    required: bool = False
    allowed: tuple[str, ...] = ()
    normalise: dict[str, str] | None = None
    unit: str | None = None
    doc: str = ""
    # plausible range (inclusive) for numeric kinds; outside -> warning
    plausible: tuple[float, float] | None = None
    # Reading rules (analytics.ingest), declared here rather than branched on names in the reader:
    # figure       a published figure depends on this field: a cell that cannot be read refuses its row
    #              (as do required and key fields); any other unreadable cell is left empty with a warning
    figure: bool = False
    # mapper       the value comes through a named normaliser of analytics.ingest.parse.MAPPERS
    #              ("entity_type", "industry_code", "sector": the sector text, raw kept in sector_raw)
    mapper: str | None = None
    # fill_from    other headers of this field whose cells fill the rows the chosen column leaves empty
    #              (注销日期 and 吊销日期 complete each other)
    fill_from: tuple[str, ...] = ()
    # future_ok    a date after today is expected (deadlines): no "in the future" warning
    future_ok: bool = False
    # default_from when the sheet has no column for the field: "period" (sheet name, title or a period
    #              header), "year" (the year of the sheet name or title), "sheet" (the sheet name, or the
    #              title of the sub-table a row sits in)
    default_from: str | None = None
    # strip_numbering  list numbering and indentation go from the text ("1.规模以上工业增加值",
    #              "　　其中：医疗器械" -> "规模以上工业增加值", "医疗器械")
    strip_numbering: bool = False

    @property
    def sql_type(self) -> str:
        return {"date": "DATE", "period": "DATE", "money": "DOUBLE", "number": "DOUBLE",
                "pct": "DOUBLE"}.get(self.kind, "VARCHAR")


@dataclass(frozen=True)
class Dataset:
    """A dataset: its table, fields, key and how a new upload merges.

    merge:
      snapshot  upsert by key; rows not in the upload stay (the upload may be partial), unless
                `versioned` (sent whole: the upload is the new state, see below)
      period    the periods carried by the upload replace the same periods in the store
      ledger    rows identified by a fingerprint of `key` fields plus their
                occurrence number; a whole ledger uploaded again is a new version
                of the span of `span_field` it covers (see analytics.store)
    """

    name: str
    label: str
    table: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    merge: str
    source: str
    doc: str = ""
    # fields that, alone, make a sheet recognisable as this dataset
    signature: tuple[str, ...] = ()
    extra_columns: tuple[tuple[str, str], ...] = field(default=())
    # Ledger identity and merge rules, read by analytics.store (issue 9):
    # span_field  merge="ledger": the date field whose span (first to last date of an upload) a whole
    #             ledger covers; an upload replaces the stored rows of that span (rule "replace"), or,
    #             chosen by the analyst, only adds and updates rows (rule "append")
    span_field: str | None = None
    # derived_sector  the sector column comes from industry_code through data/sector_mapping.csv
    #             (recomputed when the mapping file changes and after every rollback)
    derived_sector: bool = False
    # total_field  the amount the import preview sums before and after (万元); None: row counts only
    total_field: str | None = None
    # versioned   merge="snapshot": the dataset is sent whole and each upload is a dated version of it.
    #             Rule "replace" (default): the table becomes the upload (stored rows whose key it lacks
    #             leave; a skipped row keeps its key's stored row); rule "append", chosen by the analyst:
    #             upsert only, nothing leaves. The store records which rows make up each version (the
    #             table after that upload, `<table>__versions`) so a past state is the fold's, exactly.
    versioned: bool = False
    # Reading rules (analytics.ingest):
    # key_from     the single key column is the first non-empty of these fields (project_key: the
    #              project number, else the name)
    key_from: tuple[str, ...] = ()
    # period_value_field  a column named only by a period ("1-5月") is this field; columns of a single
    #              month (本月, "5月" beside "1-5月") and earlier periods are not read (indicator tables)
    period_value_field: str | None = None
    # closing      (status field, closing date field, closed values): a closed status without a date warns
    closing: tuple[str, str, tuple[str, ...]] | None = None
    # header_word  (extra column, fields, words): the store fills the extra column of a sheet's rows with the
    #              first of `words` that the sheet's header of one of `fields` contains (which region a
    #              全市 / 全区 column of an indicator table is: the figures are labelled with its own word)
    header_word: tuple[str, tuple[str, ...], tuple[str, ...]] | None = None

    def refuses(self, name: str) -> bool:
        """Whether a cell of field `name` that cannot be read refuses its row (required, key or figure
        fields); otherwise the cell is left empty with a warning and the row is kept."""
        f = self.field(name)
        return f.required or f.figure or name in self.key or name in self.key_from

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"数据集 {self.name} 没有字段 {name}；可用字段：{', '.join(self.field_names)}")

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)


USCC_SYNONYMS = ("统一社会信用代码", "社会统一信用代码", "社会信用代码", "信用代码", "统一代码", "统一社会信用代码/注册号")
INDUSTRY_CODE = Field("industry_code", "code", "国民经济行业代码",
                      ("国民经济行业代码", "行业代码", "行业门类代码", "国民经济行业分类代码"), mapper="industry_code",
                      doc="GB/T 4754-2017, e.g. C3581; a code without its letter gets it back")
SECTOR = Field("sector", "str", "产业类别", ("产业类别", "所属产业", "产业"), mapper="sector",
               doc="the park's sector; when absent it comes from the industry code via data/sector_mapping.csv")

ENTITIES = Dataset(
    name="entities", label="市场主体名录", table="entities", merge="snapshot",
    source="市场监管部门登记系统", key=("uscc",),
    signature=("uscc", "name", "established_on"),
    fields=(
        Field("uscc", "uscc", "统一社会信用代码", USCC_SYNONYMS, required=True),
        Field("name", "str", "市场主体名称", ("市场主体名称", "企业名称", "主体名称", "名称", "企业(个体)名称", "字号名称", "单位名称"), required=True),
        Field("entity_type", "enum", "主体类型", ("主体类型", "市场主体类型", "企业类型", "类型"),
              allowed=ENTITY_TYPES, mapper="entity_type", figure=True,
              doc="raw text kept in entity_type_raw"),
        Field("established_on", "date", "成立日期", ("成立日期", "登记日期", "注册日期", "设立日期", "成立时间", "登记时间", "注册时间"), required=True),
        Field("status", "enum", "登记状态", ("登记状态", "经营状态", "状态", "企业状态", "经营状况"), allowed=STATUSES,
              normalise=STATUS_SYNONYMS, figure=True),
        Field("closed_on", "date", "注销日期", ("注销日期", "吊销日期", "迁出日期", "核准日期", "注销时间", "吊销时间"),
              figure=True, fill_from=("注销日期", "吊销日期", "迁出日期")),
        INDUSTRY_CODE,
        Field("industry_name", "str", "所属行业", ("所属行业", "国民经济行业", "行业", "行业名称", "所属行业名称")),
        Field("registered_capital", "money", "注册资本（万元）", ("注册资本", "注册资金", "注册资本金"), unit="万元",
              plausible=(0, 1e8)),
        SECTOR,
    ),
    extra_columns=(("entity_type_raw", "VARCHAR"), ("status_raw", "VARCHAR"), ("sector_raw", "VARCHAR")),
    closing=("status", "closed_on", CLOSED_STATUSES),
    derived_sector=True,
)

_VA = "工业增加值"
_OUT = "工业总产值"
INDUSTRIAL = Dataset(
    name="industrial", label="规上工业企业主要指标", table="industrial", merge="period",
    source="统计部门规上工业月报", key=("period", "uscc"), derived_sector=True, total_field="value_added_ytd",
    signature=("uscc", "value_added_ytd"),
    fields=(
        Field("period", "period", "报告期", ("报告期", "统计期", "期别", "月份", "统计时间"), required=True,
              default_from="period", doc="end month of the cumulative period, first day of that month"),
        Field("uscc", "uscc", "统一社会信用代码", USCC_SYNONYMS, required=True),
        Field("name", "str", "企业名称", ("企业名称", "单位名称", "详细名称", "单位详细名称")),
        Field("value_added_ytd", "money", "工业增加值 本年累计（万元）",
              (f"{_VA} 本年累计", f"{_VA}本年累计", f"本年累计{_VA}", "增加值累计", f"{_VA}累计",
               f"{_VA} 累计"), required=True, unit="万元", plausible=(-1e6, 1e8)),
        Field("value_added_prev_ytd", "money", "工业增加值 上年同期累计（万元）",
              (f"{_VA} 上年同期累计", f"{_VA} 上年同期", f"上年同期{_VA}", "增加值上年同期",
               f"{_VA}上年同期累计", f"{_VA}上年同期", f"上年同期累计{_VA}"), unit="万元", plausible=(-1e6, 1e8),
              figure=True, doc="blank means 0"),
        Field("output_ytd", "money", "工业总产值 本年累计（万元）",
              (f"{_OUT} 本年累计", f"{_OUT}本年累计", f"本年累计{_OUT}", "总产值累计", f"{_OUT}累计"),
              unit="万元", plausible=(-1e6, 1e9)),
        Field("output_prev_ytd", "money", "工业总产值 上年同期累计（万元）",
              (f"{_OUT} 上年同期累计", f"{_OUT} 上年同期", f"上年同期{_OUT}", "总产值上年同期",
               f"{_OUT}上年同期累计", f"{_OUT}上年同期"), unit="万元", plausible=(-1e6, 1e9)),
        Field("revenue_ytd", "money", "营业收入 本年累计（万元）",
              ("营业收入 本年累计", "营业收入本年累计", "营业收入累计", "营业收入"), unit="万元",
              plausible=(-1e6, 1e9)),
        INDUSTRY_CODE,
        SECTOR,
    ),
    extra_columns=(("sector_raw", "VARCHAR"),),
)

PRICE_INDEX = Dataset(
    name="price_index", label="工业生产者出厂价格指数", table="price_index", merge="period",
    source="统计部门", key=("period",),
    signature=("period", "price_index"),
    doc="prior year = 100; comparable-price growth divides the current sum by index/100",
    fields=(
        Field("period", "period", "报告期", ("报告期", "统计期", "期别", "月份"), required=True,
              default_from="period"),
        Field("price_index", "number", "价格指数（上年同期=100）",
              ("价格指数", "工业生产者出厂价格指数", "出厂价格指数", "价格指数(上年同期=100)",
               "价格指数(上年=100)"), required=True, plausible=(50, 200)),
    ),
)

# the region beside the park in an indicator table, as the table names it (全市 本年累计, 全区增速 …)
REGION_WORDS = ("全市", "全区", "全县", "全省", "全州")
_REGION_VALUE = ("本年累计", "累计", "累计值", "本年累计数", "累计数", "绝对量", "绝对值", "总量")
_REGION_GROWTH = ("同比增长", "增速", "增长", "增长%", "同比增长%", "增速%", "同比", "同比±%", "同比增速", "增幅",
                  "比上年同期增长", "比上年同期±%", "累计增长", "累计增速", "增长率", "同比增长率", "±%", "增减%")
INDICATORS = Dataset(
    name="indicators", label="主要经济指标", table="indicators", merge="period",
    source="统计部门主要经济指标月报", key=("indicator", "period"),
    signature=("indicator", "growth_pct"),
    fields=(
        Field("indicator", "str", "指标名称", ("指标名称", "指标", "指标名", "项目", "主要指标"), required=True,
              strip_numbering=True, doc="list numbering and indentation removed (1.规模以上工业增加值, 其中：…)"),
        Field("unit", "str", "计量单位", ("计量单位", "单位")),
        Field("period", "period", "报告期", ("报告期", "统计期", "期别", "月份"), required=True, default_from="period",
              doc="may come from the sheet name, the title or a period header such as 1-5月"),
        Field("value_ytd", "number", "本年累计", ("本年累计", "累计值", "累计", "绝对量", "绝对值", "总量", "绝对数"),
              figure=True, doc="in the row's own unit (计量单位), not converted"),
        Field("growth_pct", "pct", "同比增长（%）",
              ("同比增长", "增速", "比上年同期增长", "同比增长(%)", "增速(%)", "比上年同期增长(%)",
               "同比增减", "同比增长率", "增长", "增幅", "同比", "同比增速", "增长率", "比上年同期增减",
               "比上年增长", "比去年同期增长", "±%", "同比±%", "比上年同期±%", "增长%", "增减%", "增幅%",
               "比上年同期±", "同比±", "增减±%", "比上年同期增长率", "累计增长", "累计增速", "比上年增减"),
              plausible=(-100, 1000), figure=True),
        Field("region_value_ytd", "number", "全市（全区）本年累计",
              tuple(w + x for w in REGION_WORDS for x in _REGION_VALUE),
              doc="the city's / zone's cumulative value beside the park's (a 全市 / 全区 column), in the row's unit"),
        Field("region_growth_pct", "pct", "全市（全区）同比增长（%）",
              tuple(w + x for w in REGION_WORDS for x in _REGION_GROWTH), plausible=(-100, 1000),
              doc="the city's / zone's growth beside the park's; the region's word (全市, 全区 …) is kept in `region`"),
    ),
    extra_columns=(("region", "VARCHAR"),),
    header_word=("region", ("region_growth_pct", "region_value_ytd"), REGION_WORDS),
    period_value_field="value_ytd",
)

PROJECTS = Dataset(
    name="projects", label="招商引资项目台账", table="projects", merge="snapshot",
    source="招商部门项目台账", key=("project_key",), total_field="investment", key_from=("project_id", "name"),
    versioned=True,
    signature=("name", "stage"),
    doc="project_key is project_id when the ledger has one, else the project name",
    fields=(
        Field("project_id", "code", "项目编号", ("项目编号", "项目代码")),
        Field("name", "str", "项目名称", ("项目名称",), required=True),
        Field("investor", "str", "投资主体", ("投资主体", "投资方", "企业名称", "签约企业")),
        Field("sector", "str", "产业类别", ("产业类别", "所属产业", "行业类别"), mapper="sector"),
        Field("investment", "money", "计划总投资（万元）", ("计划总投资", "总投资", "投资额", "协议投资额", "投资总额", "总投资额", "计划投资", "签约金额", "合同投资额", "签约投资额"),
              unit="万元", plausible=(0, 1e7), figure=True),
        Field("origin", "str", "来源地", ("来源地", "投资方所在地", "来源省份", "投资方来源地", "客商来源地", "项目来源地")),
        Field("signed_on", "date", "签约时间", ("签约时间", "签约日期"), figure=True),
        Field("stage", "enum", "项目阶段", ("项目阶段", "当前阶段", "项目状态", "进展阶段", "推进阶段", "所处阶段"), required=True,
              allowed=STAGES, normalise=STAGE_SYNONYMS),
        Field("started_on", "date", "开工时间", ("开工时间", "开工日期"), figure=True),
        Field("producing_on", "date", "投产时间", ("投产时间", "投产日期"), figure=True),
        Field("leader", "str", "包保领导", ("包保领导", "责任领导", "包抓领导", "联系领导", "分管领导")),
        Field("department", "str", "责任部门", ("责任部门", "责任单位", "牵头单位", "牵头部门", "责任科室")),
        Field("next_step", "str", "下一节点", ("下一节点", "下一步工作", "下步计划", "下一步计划")),
        Field("due_on", "date", "节点时限", ("节点时限", "计划完成时间", "完成时限", "时限要求"), future_ok=True),
        Field("progress", "str", "最新进展", ("最新进展", "进展情况", "推进情况", "工作进展", "项目进展")),
    ),
    extra_columns=(("project_key", "VARCHAR"), ("stage_raw", "VARCHAR"), ("sector_raw", "VARCHAR")),
)

SALES = Dataset(
    name="sales", label="助企帮销台账", table="sales", merge="ledger",
    source="园区助企帮销台账", key=("sold_on", "channel", "event", "enterprise", "product"),
    span_field="sold_on", total_field="amount",
    signature=("sold_on", "amount"),
    doc="the channel defaults to the sheet name when the sheet has no channel column",
    fields=(
        Field("sold_on", "date", "日期", ("日期", "销售日期", "活动日期", "销售时间", "帮销日期", "交易日期"), required=True,
              doc="month-only dates become the first day of the month"),
        Field("channel", "str", "帮销渠道", ("帮销渠道", "销售渠道", "渠道", "销售平台", "帮销方式", "销售方式"),
              default_from="sheet"),
        Field("event", "str", "活动名称", ("活动名称",)),
        Field("enterprise", "str", "企业名称", ("企业名称", "企业", "供货企业", "供应商", "生产企业", "帮扶企业", "参展企业")),
        Field("product", "str", "产品名称", ("产品名称", "产品", "商品名称", "商品")),
        Field("amount", "money", "销售额（万元）", ("销售额", "帮销金额", "金额", "销售金额", "帮销额", "成交额", "交易金额"), required=True, unit="万元",
              plausible=(0, 1e5)),
    ),
    extra_columns=(("row_key", "VARCHAR"),),
)

SERVICE_ACCOUNTS = Dataset(
    name="service_accounts", label="包保对象", table="service_accounts", merge="snapshot",
    source="园区党委包保工作台账", key=("account", "leader"),
    signature=("account", "leader"),
    fields=(
        Field("account", "str", "包保对象", ("包保对象", "企业名称", "项目名称", "包保企业", "包保项目", "企业(项目)名称", "包保对象名称"), required=True),
        Field("account_type", "enum", "对象类型", ("对象类型", "类型"), allowed=("企业", "项目"),
              normalise=ACCOUNT_TYPE_SYNONYMS),
        Field("leader", "str", "包保领导", ("包保领导", "包抓领导", "包保责任人"), required=True),
        Field("department", "str", "责任部门", ("责任部门", "责任单位", "包保单位")),
    ),
)

SERVICE_VISITS = Dataset(
    name="service_visits", label="走访与诉求", table="service_visits", merge="ledger",
    source="园区“三访三促”走访台账", key=("visited_on", "account", "leader", "visit_type", "demand"),
    span_field="visited_on",
    signature=("visited_on", "account"),
    doc="demand_status and resolved_on are updated in place when the ledger is uploaded again",
    fields=(
        Field("visited_on", "date", "走访日期", ("走访日期", "日期", "走访时间", "回访日期"), required=True),
        Field("account", "str", "包保对象", ("包保对象", "企业名称", "项目名称", "走访企业", "走访对象", "企业(项目)名称"), required=True),
        Field("leader", "str", "包保领导", ("包保领导", "走访领导", "走访人", "包抓领导")),
        Field("visit_type", "enum", "走访类型", ("走访类型", "形式", "走访形式", "走访方式"), allowed=VISIT_TYPES,
              normalise=VISIT_TYPE_SYNONYMS, figure=True),
        Field("demand_category", "enum", "诉求类别", ("诉求类别", "问题类型", "诉求类型", "问题类别"), allowed=DEMAND_CATEGORIES,
              normalise=DEMAND_CATEGORY_SYNONYMS),
        Field("demand", "str", "诉求内容", ("诉求内容", "问题描述", "企业诉求", "反映问题", "问题及诉求", "诉求")),
        Field("demand_status", "enum", "办理状态", ("办理状态", "状态"), allowed=DEMAND_STATUSES,
              normalise=DEMAND_STATUS_SYNONYMS, figure=True),
        Field("resolved_on", "date", "办结日期", ("办结日期", "办结时间")),
    ),
    extra_columns=(("row_key", "VARCHAR"),),
)

TARGETS = Dataset(
    name="targets", label="目标任务", table="targets", merge="snapshot",
    source="园区年度目标任务及分解表", key=("year", "indicator", "owner", "month", "quarter"),
    signature=("indicator", "target"),
    doc="one row a target: the year's target, or a month's or quarter's (月份 / 季度), or monthly targets in "
        "columns 1月…12月; owner is the post the task belongs to (专班, department or leader). target and the "
        "month columns are in the row's own unit (计量单位), a growth target in percent",
    fields=(
        Field("year", "number", "年度", ("年度", "年份", "目标年度", "年度(年)"), required=True,
              doc="or from the sheet name / title (2025年目标任务)", plausible=(2000, 2100), default_from="year"),
        Field("indicator", "str", "指标名称", ("指标名称", "指标", "任务名称", "目标指标", "任务指标", "考核指标", "主要指标"),
              required=True),
        Field("target", "number", "年度目标", ("年度目标", "目标任务", "全年任务", "目标值", "全年目标", "年度任务",
                                           "年度目标任务", "目标任务数", "任务数", "目标"),
              doc="in the row's unit; a month's or quarter's target on a row with 月份 / 季度"),
        Field("unit", "str", "计量单位", ("计量单位", "单位")),
        Field("month", "enum", "月份", ("月份", "月度", "分解月份"), allowed=MONTHS, normalise=MONTH_SYNONYMS),
        Field("quarter", "enum", "季度", ("季度", "分解季度"), allowed=QUARTERS, normalise=QUARTER_SYNONYMS),
        Field("owner", "str", "责任单位", ("责任单位", "责任部门", "责任领导", "专班", "责任专班", "牵头单位",
                                        "牵头部门", "责任人", "责任岗位", "包保领导")),
    ) + tuple(Field(f"m{m:02d}", "number", f"{m}月", (f"{m}月", f"{m}月份", f"{m}月目标", f"{m}月任务"),
                    doc=f"the target of month {m} (monthly breakdown in columns)") for m in range(1, 13)),
)

DATASETS: dict[str, Dataset] = {d.name: d for d in (
    ENTITIES, INDUSTRIAL, PRICE_INDEX, INDICATORS, PROJECTS, SALES, SERVICE_ACCOUNTS, SERVICE_VISITS, TARGETS)}


def dataset(name: str) -> Dataset:
    """The dataset called `name`; the error lists the allowed names."""
    try:
        return DATASETS[name]
    except KeyError:
        raise KeyError(f"未知数据集 “{name}”；可用：{', '.join(DATASETS)}") from None
