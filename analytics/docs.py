"""docs/DATA.md, generated from analytics/schema.py (`python -m analytics.docs` rewrites it).

A test checks that the committed file equals what this module writes, so the documentation can never
drift from the declaration the reader and validator use.
"""
from __future__ import annotations

from pathlib import Path

from analytics import schema, vocabulary
from analytics.ingest.parse import FUZZY_DAYS

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "DATA.md"
KIND_LABELS = {"str": "文本", "code": "代码", "uscc": "统一社会信用代码", "date": "日期", "period": "报告期（月）",
               "money": "金额（万元）", "number": "数值", "pct": "百分数", "enum": "取值有限"}
MERGE_LABELS = {
    "snapshot": "名录式：按键新增或更新，文件中没有的行保留（可分批上传）",
    "period": "按报告期：文件所含报告期整期替换库中同期数据（库中有、文件中没有的行删除，可撤销）",
    "ledger": "台账式：按“标识字段 + 出现次序”生成行指纹；整本台账追加后重传，只新增新行，不重复计数",
    "versioned": "整本台账，每次上传为一个带日期的版本：导入后库中与文件一致，文件中没有的行移出（预览列出名单，"
                 "撤销本批次即恢复）；改选“追加”（命令行 --ledger-rule append）则只新增和更新、不移出",
}


def render() -> str:
    """The Markdown text of docs/DATA.md."""
    out = ["# 数据集与列名（由 analytics/schema.py 生成，请勿手改）", "",
           "库内统一口径：金额为万元，日期为 DATE，报告期为该月第一天（累计期“1-5月”记为 5 月），百分数存为数值（9.9 表示 9.9%）。",
           "列名比较前做 Unicode NFKC 规范化、去空格、去掉括号中的单位；括号单位（元/千元/万元/亿元）用于换算，",
           "单元格内的单位（如“1.5亿元”）优先于表头单位。", ""]
    for ds in schema.DATASETS.values():
        key = "、".join(ds.key)
        out += [f"## {ds.label}（`{ds.name}`，表 `{ds.table}`）", "",
                f"- 来源：{ds.source}", f"- 键：{key}", f"- 合并方式：{MERGE_LABELS['versioned' if ds.versioned else ds.merge]}"]
        if ds.doc:
            out.append(f"- 说明：{ds.doc}")
        out += ["", "| 字段 | 标准表头 | 类型 | 必填 | 无法识别时 | 可识别的表头 | 取值 / 说明 |",
                "|---|---|---|---|---|---|---|"]
        for f in ds.fields:
            values = "、".join(f.allowed) if f.allowed else ""
            note = "；".join(x for x in (values, f.doc, f"无单位时按{f.unit}" if f.unit else "") if x)
            unreadable = "拒绝该行" if ds.refuses(f.name) else "留空并警告"
            out.append(f"| `{f.name}` | {f.label} | {KIND_LABELS[f.kind]} | {'是' if f.required else ''} | "
                       f"{unreadable} | {'、'.join(f.synonyms)} | {note} |")
        out.append("")
    out += ["“无法识别时”：键、必填字段和统计数字所依赖的字段（`Field.figure`）的单元格读不出时，该行报错"
            "（整份文件不导入，或选择“跳过错误行”时只跳过这一行）；其他单元格（如注册资本写成“N/A”“待核实”）"
            "留空并给出警告，该行照常导入。导入报告分别给出行数（读取 = 可导入 + 有错误）和单元格数。", ""]
    out += ["## 状态与阶段的规范化", "",
            f"各种写法与标准值的对应关系保存在可编辑的文件 `{vocabulary.VOCABULARY_FILE}`（四列：dataset, field, "
            "canonical, synonym），分析员可直接添加新写法，下次上传即生效；遇到无法识别的写法时，错误信息会列出可填值并"
            "给出应添加的那一行。比较前做 NFKC 规范化并去掉空格，括号中的备注（“已签约（待开工）”）忽略；"
            "仍不认识时取以某个写法开头的最长匹配（“已投产运营” → 投产）。", ""]
    titles = {("entities", "status"): "登记状态", ("projects", "stage"): "项目阶段",
              ("service_visits", "visit_type"): "走访类型", ("service_visits", "demand_status"): "办理状态",
              ("service_visits", "demand_category"): "诉求类别", ("service_accounts", "account_type"): "对象类型"}
    words = vocabulary.load()
    for (ds_name, field_name), title in titles.items():
        groups: dict[str, list[str]] = {}
        for raw, canon in words.get((ds_name, field_name), {}).items():
            groups.setdefault(canon, []).append(raw)
        out.append(f"- {title}（`{ds_name}.{field_name}`）：" + "；".join(f"{c} ← {'、'.join(r)}" for c, r in groups.items()))
    out += ["", "## 约略的日期与金额", "",
            "台账中常见不到某一天的日期。它们按下表读取，并对每个这样的单元格给出警告（请知道具体日期时改正）：", "",
            "| 写法 | 读作 |", "|---|---|"]
    out += [f"| {text} | {day} |" for text, day in FUZZY_DAYS]
    out += ["", "理由：一旬是一个月的三分之一（1-10日、11-20日、21日至月末）；与只写到月份的日期（“2025年5月”读作 5 月 1 日）"
            "一致，一段时间读作它的第一天，因此这一行不会被算进更晚的月份或统计期。“月底”“季度末”“年底”通常用于时限"
            "（“6月底前完成”），读作这段时间的最后一天。",
            "", "金额中的“约”“左右”“余”“多”“超过”等字样去掉后按数字读取（“约2.5亿元” → 25000 万元，“9000余万元” → 9000 万元）；"
            "括号中还有一个数时（“1.2亿(一期5000万)”）按括号前的总数读取，并警告括号中的数未计入；万元列中的“5,000”是 5000 万元。",
            "", "## 文件格式", "",
            "读取 .xlsx / .xlsm、旧版 .xls（BIFF8，与 .xlsx 读法完全相同）、.xlsb、.ods；网页系统“导出Excel”生成的 HTML 表格"
            "（扩展名为 .xls，合并单元格 colspan/rowspan 按合并单元格处理）、Excel 2003 XML 表格（SpreadsheetML，按其中的各工作表读取）和 CSV / 制表符分隔文本（UTF-8、带 BOM 的 UTF-8 或 "
            "GBK/GB18030）按一个工作表读取，工作表名取文件名（与 Excel 打开它们时相同）。",
            "", "## 不计为数据的行", "", "以下列开头的行视为表尾：" + "、".join(schema.FOOTER_PREFIXES) + "。",
            "任何一列中整格为“…合计”“…小计”“…总计”的行（如日期列的“12月小计”、名称列的“医疗器械合计”、数据上方的“合计”）"
            "也不是数据，不报错；首格为“累计”“本月累计”之类的累计行同样不是数据。",
            "", "## 同一批记录不计两次", "",
            "台账（帮销、走访）的某个工作表的各行全部也出现在同一文件的另一个工作表中（如“全部明细”表旁边又按渠道分表，"
            "或复制出的“展销中心 (2)”），这个工作表跳过并在报告中写明，同样的记录只计一次；两张都以工作表名作为渠道的表，"
            "只有各行完全相同时才算重复。两张表头相同的表左右并排在一个工作表中时，整张表拒绝导入并指出右侧的表从哪一列开始，"
            "请把它移到单独的工作表。日期列中读作1900年的数字（“6.03”这样的“月.日”被 Excel 存成数字）不是日期，该行报错。", ""]
    return "\n".join(out)


def write(path: Path = DOC_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write())
