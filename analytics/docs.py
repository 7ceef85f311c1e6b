"""docs/DATA.md, generated from analytics/schema.py (`python -m analytics.docs` rewrites it).

A test checks that the committed file equals what this module writes, so the documentation can never
drift from the declaration the reader and validator use.
"""
from __future__ import annotations

from pathlib import Path

from analytics import schema

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "DATA.md"
KIND_LABELS = {"str": "文本", "code": "代码", "uscc": "统一社会信用代码", "date": "日期", "period": "报告期（月）",
               "money": "金额（万元）", "number": "数值", "pct": "百分数", "enum": "取值有限"}
MERGE_LABELS = {
    "snapshot": "名录式：按键新增或更新，文件中没有的行保留（可分批上传）",
    "period": "按报告期：文件所含报告期整期替换库中同期数据（库中有、文件中没有的行删除，可撤销）",
    "ledger": "台账式：按“标识字段 + 出现次序”生成行指纹；整本台账追加后重传，只新增新行，不重复计数",
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
                f"- 来源：{ds.source}", f"- 键：{key}", f"- 合并方式：{MERGE_LABELS[ds.merge]}"]
        if ds.doc:
            out.append(f"- 说明：{ds.doc}")
        out += ["", "| 字段 | 标准表头 | 类型 | 必填 | 可识别的表头 | 取值 / 说明 |", "|---|---|---|---|---|---|"]
        for f in ds.fields:
            values = "、".join(f.allowed) if f.allowed else ""
            note = "；".join(x for x in (values, f.doc, f"无单位时按{f.unit}" if f.unit else "") if x)
            out.append(f"| `{f.name}` | {f.label} | {KIND_LABELS[f.kind]} | {'是' if f.required else ''} | "
                       f"{'、'.join(f.synonyms)} | {note} |")
        out.append("")
    out += ["## 状态与阶段的规范化", ""]
    for title, mapping in (("登记状态", schema.STATUS_SYNONYMS), ("项目阶段", schema.STAGE_SYNONYMS),
                           ("走访类型", schema.VISIT_TYPE_SYNONYMS), ("办理状态", schema.DEMAND_STATUS_SYNONYMS)):
        groups: dict[str, list[str]] = {}
        for raw, canon in mapping.items():
            groups.setdefault(canon, []).append(raw)
        out.append(f"- {title}：" + "；".join(f"{c} ← {'、'.join(r)}" for c, r in groups.items()))
    out += ["", "## 不计为数据的行", "", "以下列开头的行视为表尾：" + "、".join(schema.FOOTER_PREFIXES) + "。", ""]
    return "\n".join(out)


def write(path: Path = DOC_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write())
