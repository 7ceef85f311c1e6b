"""Seeded sample workbooks that reproduce the park's published figures.

`generate_sample(out_dir)` writes six workbooks shaped like the real exports
(../shared/DATA.md): the market-entity registry, the above-scale industry
monthly figures (two files, two layouts), the official indicator table, the
investment project ledger, the sales-assistance ledger and the key-account /
visit ledger. At the as-of date 2025-06-15, under DATA.md's definitions, they
give exactly the park's June 2025 headline figures:

- 6879 entities alive, 1163 established in the twelve months to then;
- same-sample value-added growth 3.0 % for 2024 1-12月 and 9.9 % for 2025 1-5月
  (and the same figures in the official indicator table);
- 39 projects signed in 2025 up to 2025-06-15, planned investment 235000 万元
  (23.5 亿元) in total, 12 of them 医疗器械;
- about 9200 万元 of sales help since July 2024;
- 67 key accounts (包保对象).

The latest recorded date in the sample is 2025-06-15 (an entity established
that day); the only later dates are planned deadlines (项目台账 节点时限), which
the dashboard's default as-of ignores. Output is byte-stable for a given seed: every
random draw comes from `random.Random` seeded with the seed and the
workbook's name, and the workbook's document times and zip entry times are
fixed.

Units: industrial figures are written in 千元 (as the statistics office
does), sales in 元 or 万元 depending on the sheet, everything else in 万元.
"""
from __future__ import annotations

import io
import math
import random
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter
from stdnum.cn import uscc as stdnum_uscc

__all__ = ["generate_sample", "AS_OF", "FILE_NAMES", "TARGETS"]

AS_OF = date(2025, 6, 15)
# the fixed time stamped into every workbook (document properties and zip entries)
_STAMP = datetime(2025, 6, 15, 17, 30, 0)

# The published figures the sample reproduces (DATA.md, last section).
TARGETS = {
    "entities_total": 6879,
    "entities_new_12m": 1163,
    "growth_2024_pct": 3.0,
    "growth_2025_1_5_pct": 9.9,
    "projects_signed_ytd": 39,
    "projects_investment_ytd_wan": 235000,
    "projects_signed_ytd_medical": 12,
    "key_accounts": 67,
}
# Same-sample growth aimed at (percent); it rounds robustly to the published one decimal.
_GROWTH_AIM_2024 = 3.03
_GROWTH_AIM_2025 = 9.93
_SALES_AIM_WAN = 9236.0
_CLOSED_ENTITIES = 923

FILE_NAMES = {
    "entities": "市场主体名录_20250615.xlsx",
    "industrial_2024": "规上工业企业主要经济指标_2024年.xlsx",
    "industrial_2025": "规上工业企业主要经济指标_2025年1-5月.xlsx",
    "indicators": "生物园区主要经济指标_2025年5月.xlsx",
    "projects_0415": "招商引资项目台账_20250415.xlsx",
    "projects_0515": "招商引资项目台账_20250515.xlsx",
    "projects": "招商引资项目台账_20250615.xlsx",
    "targets": "生物园区2025年目标任务及招商任务分解表.xlsx",
    "sales": "助企帮销台账_20250615.xlsx",
    "service": "包保与三访三促台账_2025.xlsx",
}

PARK = "生物科技产业园区"
LEADERS = ("李明远", "张海涛", "王建华", "马晓东", "韩永福", "祁生年", "赵丽萍")
DEPARTMENTS = ("招商合作部", "经济发展部", "规划建设部", "企业服务中心", "党群工作部", "安全生产监督管理部")
CLERKS = ("孙晓燕", "刘佳", "陈静", "杨帆")

# USCC alphabet (GB 32100-2015): digits and capitals without I, O, S, V, Z.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ADMIN_CODES = ("630105", "630105", "630105", "630105", "630100", "630100", "630000")

# GB/T 4754-2017 codes used, with their names; grouped by the park's sector.
INDUSTRY = {
    "医疗器械": {"C3581": "医疗诊断、监护及治疗设备制造", "C3582": "口腔科用设备及器具制造",
               "C3583": "医疗实验室及医用消毒设备和器具制造", "C3584": "医疗、外科及兽医用器械制造",
               "C3585": "机械治疗及病房护理设备制造", "C3586": "康复辅具制造",
               "C3589": "其他医疗设备及器械制造", "C3544": "制药专用设备制造"},
    "医药": {"C2710": "化学药品原料药制造", "C2720": "化学药品制剂制造", "C2730": "中药饮片加工",
           "C2740": "中成药生产", "C2750": "兽用药品制造", "C2761": "生物药品制造",
           "C2770": "卫生材料及医药用品制造"},
    "食品保健品": {"C1331": "食用植物油加工", "C1353": "肉制品及副产品加工", "C1399": "其他未列明农副食品加工",
              "C1411": "糕点、面包制造", "C1441": "液体乳制造", "C1491": "营养食品制造",
              "C1492": "保健食品制造", "C1499": "其他未列明食品制造", "C1512": "白酒制造",
              "C1515": "葡萄酒制造", "C1529": "茶饮料及其他饮料制造"},
    "生产性服务业": {"L7212": "投资与资产管理", "L7221": "园区管理服务", "L7251": "互联网广告服务",
                "M7340": "医学研究和试验发展", "M7320": "工程和技术研究和试验发展",
                "M7451": "检验检疫服务", "M7452": "检测服务", "M7453": "计量服务",
                "M7512": "生物技术推广服务", "M7520": "知识产权服务", "G5930": "低温仓储"},
    "绿色算力": {"I6450": "互联网数据服务", "I6550": "信息处理和存储支持服务"},
    "其他": {"F5126": "营养和保健品批发", "F5199": "其他未列明批发业", "F5212": "超级市场零售",
           "F5225": "营养和保健品零售", "F5251": "西药零售", "F5252": "中药零售", "H6210": "正餐服务",
           "H6220": "快餐服务", "E4890": "其他土木工程建筑", "E5011": "公共建筑装饰和装修",
           "C3021": "水泥制品制造", "C2662": "专项化学用品制造", "I6513": "应用软件开发",
           "K7020": "物业管理", "A0141": "蔬菜种植", "A0312": "羊的饲养", "A0311": "牛的饲养"},
}
_INDUSTRY_NAME = {code: name for group in INDUSTRY.values() for code, name in group.items()}
_SECTOR_OF_CODE = {code: sector for sector, group in INDUSTRY.items() for code in group}

_ZIHAO = ("康瑞泰华盛源鑫恒达信隆丰汇嘉佳宏鼎诚博创德福光海和弘金晶聚凯澜立联明普启青仁润顺天同祥"
          "新欣兴耀益宇裕远云正卓昆仑湟雪域格雅珠峰原高湖川茂荣安宁尚万祁森林禾峻拓诺美")
_SURNAMES = "王李张刘陈杨赵黄周吴马韩祁冶索才仁星朱胡郭何罗谢"

_COMPANY_WORDS = {
    "医疗器械": ("医疗器械", "医疗科技", "医疗设备", "康复器材", "医用材料", "生物医疗"),
    "医药": ("药业", "制药", "生物医药", "藏药", "中藏药", "生物制药"),
    "食品保健品": ("食品", "生物科技", "乳业", "枸杞科技", "沙棘开发", "高原特色食品", "青稞科技", "牦牛产业"),
    "生产性服务业": ("科技服务", "检测技术", "企业管理咨询", "知识产权代理", "供应链管理", "投资管理", "仓储服务"),
    "绿色算力": ("数据科技", "云计算", "算力科技", "大数据"),
    "其他": ("商贸", "建筑工程", "餐饮管理", "装饰工程", "医药连锁", "贸易", "软件科技", "房地产经纪"),
}
# company-name words that fit a particular industry code (else the sector's words)
_CODE_WORDS = {
    "L7212": ("投资管理", "资产管理"), "L7221": ("园区运营管理", "产业园管理"), "L7251": ("广告传媒", "网络科技"),
    "M7340": ("医学研究", "生物医药研究院"), "M7320": ("工程技术", "技术研究"), "M7451": ("检验检测", "检测技术"),
    "M7452": ("检测技术", "检测科技"), "M7453": ("计量检测", "计量技术"), "M7512": ("生物技术", "生物科技"),
    "M7520": ("知识产权代理", "知识产权服务"), "G5930": ("冷链物流", "冷链仓储"),
    "F5126": ("保健品商贸", "健康产业"), "F5199": ("商贸", "贸易"), "F5212": ("超市连锁", "商业连锁"),
    "F5225": ("健康产品", "保健品销售"), "F5251": ("医药连锁", "大药房连锁"), "F5252": ("中药材", "药材商贸"),
    "H6210": ("餐饮管理", "餐饮服务"), "H6220": ("餐饮", "快餐管理"), "E4890": ("建筑工程", "市政工程"),
    "E5011": ("装饰工程", "建筑装饰"), "C3021": ("建材", "新型建材"), "C2662": ("化工科技", "精细化工"),
    "I6513": ("软件科技", "信息技术"), "K7020": ("物业服务", "物业管理"),
}
_SHOP_WORDS = {
    "F5212": ("便利店", "超市", "副食店"), "F5225": ("保健品店",), "F5251": ("药店",), "F5252": ("中药店",),
    "H6210": ("餐馆", "饭庄", "清真餐厅"), "H6220": ("面馆", "小吃店", "快餐店"),
    "F5199": ("商贸部", "经营部", "日用品经营部"), "E5011": ("装饰部",), "C1411": ("糕点坊",),
    "C1399": ("粮油加工坊",), "L7251": ("广告部",), "M7520": ("知识产权咨询部",),
}
_INDIVIDUAL_CODES = (("F5212", 30), ("F5199", 20), ("H6210", 14), ("H6220", 16), ("F5225", 3),
                     ("F5251", 2), ("F5252", 2), ("E5011", 4), ("C1411", 4), ("C1399", 2),
                     ("L7251", 2), ("M7520", 1))
_COOP_PRODUCTS = (("蔬菜种植", "A0141"), ("牛羊养殖", "A0312"), ("牦牛养殖", "A0311"),
                  ("中藏药材种植", "A0141"), ("枸杞种植", "A0141"), ("花卉种植", "A0141"))
_COOP_PLACES = ("小寨", "二十里铺", "马坊", "朝阳", "大堡子", "陶家寨", "莫家庄", "宁张", "双苏堡", "吧浪")

_ENTERPRISE_TYPES = (("有限责任公司(自然人投资或控股)", 52), ("有限责任公司（自然人投资或控股）", 10),
                     ("有限责任公司(自然人独资)", 16), ("有限责任公司(非自然人投资或控股的法人独资)", 8),
                     ("股份有限公司(非上市)", 4), ("其他股份有限公司(非上市)", 3),
                     ("有限责任公司分公司(自然人投资或控股)", 5), ("有限责任公司(国有独资)", 2))


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

def _rng(seed: int, name: str) -> random.Random:
    """A generator of its own for each workbook, so that one never shifts another's draws."""
    return random.Random(f"{seed}:{name}")


def _weighted(rng: random.Random, pairs) -> object:
    items, weights = zip(*pairs)
    return rng.choices(items, weights=weights, k=1)[0]


def _org_check(code8: str) -> str:
    """GB 11714 organisation-code check character for 8 characters."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(code8, weights))
    c9 = 11 - total % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def make_uscc(kind: str, admin: str, org8: str) -> str:
    """An 18-character USCC: '9' + kind ('1' 企业, '2' 个体, '3' 合作社) + admin + org code + check."""
    body = "9" + kind + admin + org8 + _org_check(org8)
    return body + stdnum_uscc.calc_check_digit(body)


def _day(rng: random.Random, start: date, end: date) -> date:
    """A uniform date in [start, end]."""
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _dot_date(d: date) -> str:
    return f"{d.year}.{d.month}.{d.day}"


def _slash_date(d: date) -> str:
    return f"{d.year}/{d.month}/{d.day}"


def _month_text(d: date) -> str:
    return f"{d.year}年{d.month}月"


def _largest_remainder(weights: list[float], total: int) -> list[int]:
    """Integers proportional to `weights` that add up to `total` exactly."""
    s = sum(weights)
    raw = [w * total / s for w in weights]
    out = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


# ---------------------------------------------------------------------------
# Sheet writing
# ---------------------------------------------------------------------------

@dataclass
class _Table:
    """One table on a sheet: optional title and notes above, header(s), rows, footers below.

    `header` items are a column name, or (group, [sub, ...]) for a merged group
    over sub-columns (then the sheet has two header rows and single columns are
    merged vertically).
    """

    header: list
    rows: list[list]
    title: str | None = None
    notes: tuple[str, ...] = ()
    footers: tuple[list, ...] = ()
    blank_rows_at: tuple[int, ...] = ()  # data-row indexes before which a blank row is written
    widths: dict[int, float] | None = None


def _write_table(ws, table: _Table) -> None:
    two_rows = any(isinstance(h, tuple) for h in table.header)
    ncols = sum(len(h[1]) if isinstance(h, tuple) else 1 for h in table.header)
    r = 1
    if table.title:
        ws.cell(r, 1, table.title).font = Font(bold=True, size=14)
        ws.cell(r, 1).alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
        r += 1
    for note in table.notes:
        ws.cell(r, 1, note)
        r += 1
    c = 1
    for h in table.header:
        if isinstance(h, tuple):
            group, subs = h
            ws.cell(r, c, group)
            ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=c + len(subs) - 1)
            for k, sub in enumerate(subs):
                ws.cell(r + 1, c + k, sub)
            c += len(subs)
        else:
            ws.cell(r, c, h)
            if two_rows:
                ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c)
            c += 1
    for row in range(r, r + (2 if two_rows else 1)):
        for col in range(1, ncols + 1):
            ws.cell(row, col).font = Font(bold=True)
            ws.cell(row, col).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    r += 2 if two_rows else 1
    blanks = set(table.blank_rows_at)
    for i, row in enumerate(table.rows):
        if i in blanks:
            r += 1
        for col, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, col, value)
        r += 1
    for footer in table.footers:
        for col, value in enumerate(footer, start=1):
            if value is not None:
                ws.cell(r, col, value)
        r += 1
    for col, width in (table.widths or {}).items():
        ws.column_dimensions[get_column_letter(col)].width = width


def _new_workbook() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "生物科技产业园区管委会"
    wb.properties.lastModifiedBy = "生物科技产业园区管委会"
    wb.properties.created = _STAMP
    wb.properties.modified = _STAMP
    return wb


def _save_stable(wb: Workbook, path: Path) -> Path:
    """Save with fixed document times and zip entry times, so the bytes depend only on the content."""
    wb.properties.created = _STAMP
    wb.properties.modified = _STAMP
    buf = io.BytesIO()
    archive = zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()  # write_data() + close(); unlike save_workbook it keeps `modified`
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_STAMP.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())
    return path


# ---------------------------------------------------------------------------
# Entities (market-entity registry)
# ---------------------------------------------------------------------------

@dataclass
class _Entity:
    uscc: str
    name: str
    type_raw: str
    established_on: date
    status_raw: str
    closed_on: date | None
    industry_code: str
    capital_wan: float
    kind: str  # '1' 企业, '2' 个体工商户, '3' 农民专业合作社

    @property
    def sector(self) -> str:
        return _SECTOR_OF_CODE[self.industry_code]


class _Names:
    """Unique names and codes across the whole sample."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.names: set[str] = set()
        self.orgs: set[str] = set()

    def zihao(self) -> str:
        return "".join(self.rng.sample(_ZIHAO, 2))

    def unique(self, make) -> str:
        for _ in range(1000):
            name = make()
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError("cannot draw a unique name")

    def company(self, sector: str, branch: bool = False, province: str = "青海", code: str | None = None) -> str:
        words = _CODE_WORDS.get(code) or _COMPANY_WORDS[sector]
        return self.unique(lambda: f"{province}{self.zihao()}{self.rng.choice(words)}"
                                   f"{'有限公司西宁分公司' if branch else '有限公司'}")

    def org_code(self, established: date, kind: str = "1") -> str:
        """8 characters of organisation code: for enterprises registered before the 2015 reform the old
        digit code, else 'MA' + 6 (individual businesses and cooperatives were all given new codes)."""
        for _ in range(1000):
            if kind == "1" and established < date(2015, 10, 1):
                code = self.rng.choice(("71", "66", "22", "68", "07")) + "".join(
                    self.rng.choice("0123456789") for _ in range(6))
            else:
                code = "MA" + self.rng.choice("67") + "".join(
                    self.rng.choice(_USCC_ALPHABET) for _ in range(5))
            if code not in self.orgs:
                self.orgs.add(code)
                return code
        raise RuntimeError("cannot draw a unique organisation code")


def _year_weighted_date(rng: random.Random, start: date, end: date) -> date:
    """A date in [start, end], later years more likely (the park keeps growing)."""
    years = list(range(start.year, end.year + 1))
    year = rng.choices(years, weights=[(y - 1996) ** 1.7 for y in years], k=1)[0]
    lo = max(start, date(year, 1, 1))
    hi = min(end, date(year, 12, 31))
    return _day(rng, lo, hi)


def _enterprise_sector(rng: random.Random) -> str:
    return _weighted(rng, (("医疗器械", 9), ("医药", 11), ("食品保健品", 18), ("生产性服务业", 22),
                           ("绿色算力", 3), ("其他", 37)))


def _capital(rng: random.Random, kind: str) -> float:
    if kind == "1":
        return round(math.exp(rng.uniform(math.log(10), math.log(20000))), 2 if rng.random() < 0.3 else 0)
    if kind == "2":
        return float(rng.choice((1, 2, 3, 5, 5, 10, 10, 20, 30, 50)))
    return float(rng.choice((10, 20, 50, 100, 200, 300)))


def _make_entity(rng: random.Random, names: _Names, kind: str, established: date,
                 sector: str | None = None, code: str | None = None) -> _Entity:
    if kind == "1":
        sector = sector or _enterprise_sector(rng)
        code = code or rng.choice(sorted(c for c in INDUSTRY[sector] if not c.startswith("A")))
        type_raw = _weighted(rng, _ENTERPRISE_TYPES)
        name = names.company(sector, branch="分公司" in type_raw, code=code)
    elif kind == "2":
        code = code or _weighted(rng, _INDIVIDUAL_CODES)
        shop = rng.choice(_SHOP_WORDS[code])
        type_raw = "个体工商户"

        def make() -> str:
            if rng.random() < 0.4:
                person = rng.choice(_SURNAMES) + rng.choice("记氏家")
                return f"城北区{person}{names.zihao()[0]}{shop}"
            return f"西宁市城北区{names.zihao()}{shop}"
        name = names.unique(make)
    else:
        product, code = rng.choice(_COOP_PRODUCTS)
        type_raw = "农民专业合作社"
        name = names.unique(lambda: f"西宁市城北区{rng.choice(_COOP_PLACES)}{names.zihao()}{product}专业合作社")
    admin = rng.choice(_ADMIN_CODES) if kind == "1" else "630105"
    return _Entity(uscc=make_uscc(kind, admin, names.org_code(established, kind)), name=name, type_raw=type_raw,
                   established_on=established, status_raw="", closed_on=None, industry_code=code,
                   capital_wan=_capital(rng, kind), kind=kind)


def _entity_kind(rng: random.Random, new: bool) -> str:
    return _weighted(rng, (("1", 44 if new else 41), ("2", 54 if new else 57), ("3", 2)))


# Industrial enterprises: (sector, industry code, size of annual value added 2023 in 千元)
def _industrial_roster(rng: random.Random) -> list[tuple[str, str]]:
    plan = ([("医疗器械", c) for c in ("C3581", "C3584", "C3584", "C3589", "C3586", "C3583", "C3544",
                                   "C3589", "C3581", "C3585")]
            + [("医药", c) for c in ("C2740", "C2740", "C2740", "C2730", "C2730", "C2720", "C2720",
                                  "C2710", "C2761", "C2761", "C2770", "C2750", "C2740", "C2730",
                                  "C2720")]
            + [("食品保健品", c) for c in ("C1441", "C1353", "C1331", "C1492", "C1492", "C1491", "C1512",
                                     "C1515", "C1529", "C1399", "C1499", "C1411", "C1529", "C1353")]
            + [("其他", c) for c in ("C3021", "C2662", "C3021", "C2662", "C3021", "C2662", "C2662")])
    rng.shuffle(plan)
    return plan


def _build_entities(seed: int) -> tuple[list[_Entity], list[_Entity], _Names]:
    """The registry snapshot at AS_OF, and the industrial enterprises (a subset, in roster order).

    Counts: 6879 alive at AS_OF of which 1163 established in (AS_OF - 1 year, AS_OF]
    (all alive), plus `_CLOSED_ENTITIES` closed before AS_OF (all established before the window).
    """
    rng = _rng(seed, "entities")
    names = _Names(rng)
    window_start = date(2024, 6, 16)  # first day of (2024-06-15, 2025-06-15]
    entities: list[_Entity] = []

    # the above-scale enterprises: old, alive, manufacturing (one of them joined the list in 2025)
    industrial = []
    for i, (sector, code) in enumerate(_industrial_roster(rng)):
        est = date(2024, 3, 18) if i == 0 else _year_weighted_date(rng, date(2003, 1, 1), date(2021, 12, 31))
        e = _make_entity(rng, names, "1", est, sector=sector, code=code)
        if "分公司" in e.type_raw:
            e.type_raw = "有限责任公司(自然人投资或控股)"
            e.name = e.name.replace("有限公司西宁分公司", "股份有限公司")
            names.names.add(e.name)
        e.capital_wan = float(rng.choice((1000, 2000, 3000, 5000, 8000, 10000, 12000, 20000)))
        industrial.append(e)
    entities.extend(industrial)

    n_new = TARGETS["entities_new_12m"]
    n_old_alive = TARGETS["entities_total"] - n_new - len(industrial)
    for _ in range(n_old_alive):
        est = _year_weighted_date(rng, date(2000, 1, 1), window_start - timedelta(days=1))
        entities.append(_make_entity(rng, names, _entity_kind(rng, False), est))
    # new in the window: monthly intensity varies (spring is busy), one established on AS_OF itself
    month_weights = {1: 0.7, 2: 0.6, 3: 1.2, 4: 1.3, 5: 1.25, 6: 1.1, 7: 1.0, 8: 0.95, 9: 0.95, 10: 0.8,
                     11: 0.9, 12: 0.85}
    days = [window_start + timedelta(days=k) for k in range((AS_OF - window_start).days + 1)]
    weights = [month_weights[d.month] * (0.35 if d.weekday() >= 5 else 1.0) for d in days]
    new_dates = [AS_OF] + rng.choices(days, weights=weights, k=n_new - 1)
    for est in new_dates:
        entities.append(_make_entity(rng, names, _entity_kind(rng, True), est))
    for e in entities:
        e.status_raw = _weighted(rng, (("存续（在营、开业、在册）", 80), ("在业", 15), ("开业", 5))) \
            if e.kind != "1" else _weighted(rng, (("存续（在营、开业、在册）", 85), ("在业", 15)))

    # closed: established before the window, closed before AS_OF
    for _ in range(_CLOSED_ENTITIES):
        est = _year_weighted_date(rng, date(2000, 1, 1), date(2023, 12, 31))
        e = _make_entity(rng, names, _entity_kind(rng, False), est)
        e.status_raw = _weighted(rng, (("注销", 76), ("吊销，未注销", 16), ("迁出", 8)))
        e.closed_on = _day(rng, min(est + timedelta(days=180), AS_OF - timedelta(days=2)),
                           AS_OF - timedelta(days=1))
        entities.append(e)

    # three early codes whose check character is wrong (kept: a warning, not an error)
    early = [e for e in entities if e.established_on < date(2008, 1, 1) and e.kind == "1"
             and e not in industrial and e.closed_on is None]
    for e in early[:3]:
        good = e.uscc[-1]
        bad = _USCC_ALPHABET[(_USCC_ALPHABET.index(good) + 7) % len(_USCC_ALPHABET)]
        e.uscc = e.uscc[:-1] + bad
    order = list(range(len(entities)))
    rng.shuffle(order)
    return [entities[i] for i in order], industrial, names


def _write_entities(entities: list[_Entity], seed: int, path: Path) -> Path:
    rng = _rng(seed, "entities-layout")
    wb = _new_workbook()
    export_note = "导出时间：2025-06-15 17:30:12    导出人：市场监管局城北分局"

    firms = sorted((e for e in entities if e.kind == "1"), key=lambda e: (e.established_on, e.uscc))
    rows = []
    for i, e in enumerate(firms, start=1):
        uscc = e.uscc + ("\u3000" if i % 1500 == 7 else "")
        code = e.industry_code
        if i % 9 == 4:
            code = code[1:]  # the letter missing: "3581"
        elif i % 1700 == 11:
            code = code.translate(str.maketrans("0123456789C", "０１２３４５６７８９Ｃ"))  # full-width
        rows.append([i, uscc, e.name, e.type_raw, e.established_on, e.status_raw, e.closed_on, code,
                     _INDUSTRY_NAME[e.industry_code], e.capital_wan,
                     f"青海省西宁市城北区{rng.choice(('生物园区经二路', '生物园区纬二路', '通宁路', '经四路', '纬六路'))}"
                     f"{rng.randint(1, 99)}号"])
    ws = wb.create_sheet("企业")
    _write_table(ws, _Table(
        title=f"{PARK}市场主体名录（企业）", notes=(export_note,),
        header=["序号", "统一社会信用代码", "企业名称", "企业类型", "成立日期", "登记状态", "注销日期",
                "国民经济行业代码", "所属行业", "注册资本（万元）", "住所"],
        rows=rows, blank_rows_at=(1200,),
        widths={2: 22, 3: 36, 4: 30, 5: 12, 6: 22, 7: 12, 9: 26, 11: 36}))

    others = sorted((e for e in entities if e.kind != "1"), key=lambda e: (e.established_on, e.uscc))
    rows = []
    for i, e in enumerate(others, start=1):
        established = e.established_on.isoformat() if i % 5 else _cn_date(e.established_on)
        closed = None if e.closed_on is None else e.closed_on.isoformat()
        capital = e.capital_wan if i % 37 else f"{e.capital_wan:g}万元"
        uscc = (" " + e.uscc) if i % 1300 == 5 else e.uscc
        rows.append([i, e.name, uscc, e.type_raw, established, e.status_raw, closed, e.industry_code,
                     _INDUSTRY_NAME[e.industry_code], capital])
    ws = wb.create_sheet("个体工商户、农民专业合作社")
    _write_table(ws, _Table(
        title=f"{PARK}市场主体名录（个体工商户、农民专业合作社）", notes=(export_note,),
        header=["序号", "主体名称", "信用代码", "主体类型", "登记日期", "经营状态", "注销日期", "行业代码",
                "行业", "注册资本（万元）"],
        rows=rows, footers=(["注：个体工商户的注册资本为资金数额。"],),
        widths={2: 40, 3: 22, 4: 16, 5: 14, 6: 22, 9: 24}))

    ws = wb.create_sheet("代码表")
    ws.append(["登记状态代码", "登记状态"])
    for k, v in (("1", "存续（在营、开业、在册）"), ("2", "在业"), ("3", "吊销，未注销"), ("4", "注销"), ("5", "迁出")):
        ws.append([k, v])
    ws.sheet_state = "hidden"
    return _save_stable(wb, path)


# ---------------------------------------------------------------------------
# Industrial (above-scale enterprises, cumulative monthly, 千元)
# ---------------------------------------------------------------------------

_SEASON = {1: 0.78, 2: 0.62, 3: 0.95, 4: 1.0, 5: 1.04, 6: 1.06, 7: 1.0, 8: 1.02, 9: 1.07, 10: 1.05,
           11: 1.12, 12: 1.29}


@dataclass
class _Firm:
    entity: _Entity
    va: dict[tuple[int, int], int]      # (year, month) -> value added that month, 千元
    ratio: float                        # value added / output
    rev_ratio: float                    # revenue / output
    years: tuple[int, ...]              # years on the above-scale list (2023 means prior-year figures exist)


def _build_industrial(industrial: list[_Entity], seed: int) -> list[_Firm]:
    """Monthly value added 2023-01..2025-05 per enterprise, calibrated so that the same-sample growth
    of 2024 1-12月 and 2025 1-5月 hits `_GROWTH_AIM_2024` / `_GROWTH_AIM_2025` within 0.001 points."""
    rng = _rng(seed, "industrial")
    firms = []
    for i, e in enumerate(industrial):
        annual = math.exp(rng.uniform(math.log(6000), math.log(260000)))
        g24 = rng.gauss(0.03, 0.10)
        g25 = rng.gauss(0.10, 0.10)
        va = {}
        for (y, growth) in ((2023, 1.0), (2024, 1 + g24), (2025, (1 + g24) * (1 + g25))):
            for m in range(1, 13 if y < 2025 else 6):
                va[(y, m)] = max(50, round(annual / 12 * _SEASON[m] * growth * rng.uniform(0.9, 1.1)))
        if i == 0:      # entered the list in 2025: no prior-year figures reported
            years = (2025,)
        elif i == 1:    # left the list at the end of 2024
            years = (2023, 2024)
        else:
            years = (2023, 2024, 2025)
        firms.append(_Firm(e, va, rng.uniform(0.24, 0.38), rng.uniform(0.92, 1.08), years))

    def calibrate(year: int, last_month: int, aim_pct: float) -> None:
        members = [f for f in firms if year in f.years]
        cur = lambda: sum(f.va[(year, m)] for f in members for m in range(1, last_month + 1))  # noqa: E731
        prev = sum(f.va[(year - 1, m)] for f in members if year - 1 in f.years
                   for m in range(1, last_month + 1))
        target = round(prev * (1 + aim_pct / 100))
        factor = target / cur()
        months = range(1, 13) if year == 2024 else range(1, 6)
        for f in members:   # the whole year moves (later periods stay consistent with earlier ones)
            for m in months:
                f.va[(year, m)] = round(f.va[(year, m)] * factor)
        residual = target - cur()
        biggest = max(members, key=lambda f: f.va[(year, last_month)])
        biggest.va[(year, last_month)] += residual

    calibrate(2024, 12, _GROWTH_AIM_2024)
    calibrate(2025, 5, _GROWTH_AIM_2025)
    return firms


def _ytd(firm: _Firm, year: int, month: int) -> int:
    return sum(firm.va[(year, m)] for m in range(1, month + 1))


def _industrial_rows(firms: list[_Firm], year: int, month: int) -> list[dict]:
    """One dict per enterprise reporting in year 1-month月; money in 千元 (ints), prior None when absent."""
    out = []
    for f in firms:
        if year not in f.years:
            continue
        va = _ytd(f, year, month)
        va_prev = _ytd(f, year - 1, month) if (year - 1) in f.years else None
        output = round(va / f.ratio)
        output_prev = None if va_prev is None else round(va_prev / f.ratio)
        out.append({"firm": f, "va": va, "va_prev": va_prev, "output": output, "output_prev": output_prev,
                    "revenue": round(output * f.rev_ratio)})
    return out


def same_sample_growth(rows: list[dict]) -> float:
    """(sum va / sum va_prev - 1) * 100, blank prior = 0; percent."""
    return (sum(r["va"] for r in rows) / sum(r["va_prev"] or 0 for r in rows) - 1) * 100


def _sum_or_none(values) -> int:
    return sum(v or 0 for v in values)


def _write_industrial_2024(firms: list[_Firm], path: Path) -> Path:
    """One sheet per cumulative period (1-2月 … 1-12月), a 报告期 column with the full period text."""
    wb = _new_workbook()
    for month in range(2, 13):
        rows = _industrial_rows(firms, 2024, month)
        rows.sort(key=lambda r: -r["output"])
        period = f"2024年1-{month}月"
        data = [[i, r["firm"].entity.uscc, r["firm"].entity.name, period, r["firm"].entity.industry_code,
                 r["output"], r["output_prev"], r["va"], r["va_prev"], r["revenue"]]
                for i, r in enumerate(rows, start=1)]
        total = ["合计", None, None, None, None, _sum_or_none(r["output"] for r in rows),
                 _sum_or_none(r["output_prev"] for r in rows), _sum_or_none(r["va"] for r in rows),
                 _sum_or_none(r["va_prev"] for r in rows), _sum_or_none(r["revenue"] for r in rows)]
        ws = wb.create_sheet(f"1-{month}月")
        _write_table(ws, _Table(
            title=f"{PARK}规模以上工业企业主要经济指标", notes=("单位：千元",),
            header=["序号", "统一社会信用代码", "单位名称", "报告期", "行业代码",
                    ("工业总产值（千元）", ["本年累计", "上年同期累计"]),
                    ("工业增加值（千元）", ["本年累计", "上年同期累计"]),
                    ("营业收入（千元）", ["本年累计"])],
            rows=data, footers=(total, [f"制表人：{CLERKS[0]}    审核人：{CLERKS[1]}"]),
            widths={2: 22, 3: 36, 4: 14}))
    return _save_stable(wb, path)


def _write_industrial_2025(firms: list[_Firm], price_index: dict[int, float], path: Path) -> Path:
    """One sheet per period named "2025年1-5月", 报告期 "1-5月" (the year is in the sheet name and title),
    value added before output, a price-index sheet and a prose sheet."""
    wb = _new_workbook()
    for month in range(5, 1, -1):
        rows = _industrial_rows(firms, 2025, month)
        rows.sort(key=lambda r: r["firm"].entity.uscc)
        data = [[i, r["firm"].entity.name, r["firm"].entity.uscc, f"1-{month}月", r["va"], r["va_prev"],
                 r["output"], r["output_prev"], r["revenue"], None]
                for i, r in enumerate(rows, start=1)]
        total = ["合计", None, None, None, _sum_or_none(r["va"] for r in rows),
                 _sum_or_none(r["va_prev"] for r in rows), _sum_or_none(r["output"] for r in rows),
                 _sum_or_none(r["output_prev"] for r in rows), _sum_or_none(r["revenue"] for r in rows)]
        ws = wb.create_sheet(f"2025年1-{month}月")
        _write_table(ws, _Table(
            title=f"{PARK}规模以上工业企业主要经济指标（2025年1-{month}月）", notes=("单位：千元",),
            header=["序号", "详细名称", "统一社会信用代码", "报告期",
                    ("工业增加值（千元）", ["本年累计", "上年同期累计"]),
                    ("工业总产值（千元）", ["本年累计", "上年同期累计"]),
                    "营业收入累计（千元）", "备注"],
            rows=data, blank_rows_at=(20,),
            footers=(total, [f"制表人：{CLERKS[2]}"], ["填报说明：上年同期累计为空表示该企业上年未纳入规上统计。"]),
            widths={2: 36, 3: 22}))
    ws = wb.create_sheet("价格指数")
    _write_table(ws, _Table(
        title="工业生产者出厂价格指数（上年同期=100）",
        header=["报告期", "价格指数（上年同期=100）"],
        rows=[[f"2025年1-{m}月", price_index[m]] for m in range(2, 6)], widths={1: 16, 2: 24}))
    ws = wb.create_sheet("说明")
    for line in ("本表数据来源于统计联网直报平台，为规模以上工业企业月度快报数据。",
                 "工业增加值为现价，单位千元；可比价增速以工业生产者出厂价格指数缩减。",
                 "2025年起新纳入规上统计的企业，上年同期数据为空。"):
        ws.append([line])
    return _save_stable(wb, path)


# ---------------------------------------------------------------------------
# Indicators (the official monthly table)
# ---------------------------------------------------------------------------

# official comparable-price growth of value added, percent
_OFFICIAL_VA_GROWTH = {(2024, 12): 3.0, (2025, 2): 8.6, (2025, 3): 9.2, (2025, 4): 9.5, (2025, 5): 9.9}


def _write_indicators(firms: list[_Firm], entities: list[_Entity], seed: int, path: Path) -> Path:
    rng = _rng(seed, "indicators")
    wb = _new_workbook()
    fai = {(2024, 12): (-6.8, 412360), (2025, 2): (12.5, 35210), (2025, 3): (10.4, 78650),
           (2025, 4): (9.1, 112480), (2025, 5): (8.7, 151930)}
    retail = {(2024, 12): (4.6, 186420), (2025, 2): (5.2, 30870), (2025, 3): (5.0, 46310),
              (2025, 4): (4.8, 61980), (2025, 5): (4.9, 78440)}
    # the city's figures beside the park's (全市 columns of the table; illustrative values, 万元 and percent)
    city_fai = {(2024, 12): (3.1, 9862400), (2025, 2): (6.2, 912600), (2025, 3): (5.8, 1987300),
                (2025, 4): (5.5, 2806100), (2025, 5): (5.3, 3651800)}
    city_retail = {(2024, 12): (4.2, 7205300), (2025, 2): (4.9, 1189400), (2025, 3): (4.6, 1781200),
                   (2025, 4): (4.4, 2370500), (2025, 5): (4.5, 2979600)}
    for (year, month) in sorted(_OFFICIAL_VA_GROWTH, reverse=True):
        rows = _industrial_rows(firms, year, month)
        output = sum(r["output"] for r in rows)
        output_prev = sum(r["output_prev"] or 0 for r in rows)
        output_growth = round((output / output_prev - 1) * 100, 1)
        revenue = sum(r["revenue"] for r in rows)
        fai_growth, fai_value = fai[(year, month)]
        retail_growth, retail_value = retail[(year, month)]
        data = [
            [1, "规上工业增加值", "万元", "—", _OFFICIAL_VA_GROWTH[(year, month)]],
            [2, "规上工业总产值", "万元", round(output / 10, 1), output_growth],   # 千元 -> 万元
            [3, "规上工业营业收入", "万元", round(revenue / 10, 1), round(output_growth + rng.uniform(-1.5, 1.5), 1)],
            [4, "固定资产投资", "万元", fai_value, fai_growth, city_fai[(year, month)][1], city_fai[(year, month)][0]],
            [5, "社会消费品零售总额", "万元", retail_value, retail_growth, city_retail[(year, month)][1],
             city_retail[(year, month)][0]],
            [6, "新登记市场主体", "户", None, None],
        ]
        for r in data:
            r.extend([None] * (7 - len(r)))
        # new registrations in the period, consistent with the registry (closed ones included)
        new_now = sum(1 for e in entities if e.established_on.year == year and e.established_on.month <= month)
        new_prev = sum(1 for e in entities if e.established_on.year == year - 1 and e.established_on.month <= month)
        data[5][3] = new_now
        data[5][4] = round((new_now / new_prev - 1) * 100, 1)
        value_header = "本年累计" if year == 2025 else "累计值"
        growth_header = "同比增长（%）" if month % 2 else "比上年同期增长(%)"
        ws = wb.create_sheet(f"{year}年1-{month}月")
        _write_table(ws, _Table(
            title=f"{PARK}主要经济指标（{year}年1-{month}月）",
            notes=(f"制表单位：{PARK}管委会经济发展部",),
            header=["序号", "指标名称", "计量单位", value_header, growth_header, f"全市{value_header}", "全市同比增长（%）"],
            rows=data, footers=(["注：规上工业增加值增速按可比价计算。"],), widths={2: 22, 4: 14, 5: 18, 6: 14, 7: 18}))
    return _save_stable(wb, path)


# ---------------------------------------------------------------------------
# Projects (investment ledger)
# ---------------------------------------------------------------------------

_PROJECT_TEMPLATES = {
    "医疗器械": ("医用敷料生产线建设项目", "一次性医用耗材生产项目", "体外诊断试剂研发生产项目", "康复辅具生产基地项目",
             "医用防护用品生产项目", "高原氧疗设备生产项目", "医用导管生产项目", "医用制氧设备生产项目",
             "骨科植入物生产项目", "眼科器械生产项目", "口腔医疗器械生产项目", "医用消毒设备生产项目",
             "中藏医诊疗设备研发项目", "医用超声设备组装项目", "医疗器械产业孵化项目", "医用手术器械生产项目"),
    "医药": ("藏药新药研发及产业化项目", "中藏药饮片加工项目", "生物制品研发生产项目", "原料药生产线技改项目",
           "冬虫夏草精深加工项目", "枸杞多糖提取项目", "中成药智能化生产线项目", "兽用生物制品生产项目",
           "红景天提取物生产项目", "藏药浴制剂生产项目"),
    "食品保健品": ("牦牛乳制品深加工项目", "青稞功能食品生产项目", "沙棘饮品生产线项目", "枸杞原浆生产项目",
              "高原特色保健食品项目", "菜籽油精炼项目", "牦牛肉精深加工项目", "黑枸杞花青素提取项目",
              "蕨麻功能食品项目", "青稞酒酿造技改项目", "藏茶加工项目"),
    "生产性服务业": ("生物医药研发外包服务平台项目", "冷链物流仓储中心项目", "供应链管理服务项目",
                "知识产权运营中心项目", "医药流通配送中心项目", "中试基地运营项目", "检验检测公共服务平台项目"),
    "绿色算力": ("绿色算力中心项目", "高原数据存储中心项目", "智算中心一期项目", "边缘计算节点项目"),
}
_ORIGINS = (("河南省", 12), ("江苏省", 12), ("浙江省", 10), ("广东省", 7), ("北京市", 6), ("上海市", 6),
            ("青海省", 14), ("山东省", 5), ("四川省", 5), ("陕西省", 4), ("湖北省", 3), ("甘肃省", 3))
_CITIES = {"河南省": ("郑州市", "新乡市", "长垣市"), "江苏省": ("苏州市", "常州市", "南京市", "泰州市"),
           "浙江省": ("杭州市", "宁波市", "温州市"), "广东省": ("深圳市", "广州市"), "北京市": ("",),
           "上海市": ("",), "青海省": ("西宁市", "海东市", "海西州"), "山东省": ("济南市", "威海市"),
           "四川省": ("成都市",), "陕西省": ("西安市",), "湖北省": ("武汉市",), "甘肃省": ("兰州市",)}
_NEXT_STEPS = {
    "洽谈": ("赴企业总部开展对接洽谈", "完成项目可行性论证", "提交管委会研究审定", "签订投资框架协议"),
    "签约": ("办理项目备案", "完成土地摘牌", "取得施工许可证", "完成厂房租赁交付"),
    "开工": ("主体结构封顶", "设备进场安装", "设备安装调试", "开展试生产", "办理医疗器械生产许可证"),
    "投产": ("达产达效评估", "申报规上企业入库"),
    "停滞": ("协调解决资金问题", "研究项目盘活方案"),
}
_PROGRESS = {
    "洽谈": ("已完成两轮对接洽谈，企业正在内部决策。", "企业已到园区实地考察，对标准化厂房有意向。",
           "已报送项目建议书，正在研究落地条件。"),
    "签约": ("已签订投资协议，正在办理项目备案及环评手续。", "协议已签订，正在开展厂房装修设计。",
           "已签约，企业注册手续已办结，等待土地挂牌。"),
    "开工": ("厂房主体施工中，完成形象进度约60%。", "设备已进场，正在安装调试。", "主体已封顶，正在进行内部装修。",
           "已完成基础施工，正在进行钢结构安装。"),
    "投产": ("已试生产，产品已取得注册证。", "已投产运营，正在申报规上企业入库。"),
    "停滞": ("企业资金链紧张，项目暂停，管委会正在协调金融机构。", "受市场因素影响，企业暂缓投资，持续跟踪。"),
}
_STAGE_TEXT = {"洽谈": ("洽谈中", "在谈", "对接中"), "签约": ("已签约",), "开工": ("在建", "已开工", "建设中"),
               "投产": ("已投产", "竣工投产"), "停滞": ("暂停", "停滞")}


@dataclass
class _Project:
    project_id: str
    name: str
    investor: str
    sector: str
    investment_wan: int
    origin: str
    signed_on: date | None
    stage: str
    stage_raw: str
    started_on: date | None
    producing_on: date | None
    leader: str
    department: str
    next_step: str | None
    due_on: date | None
    progress: str


def _build_projects(seed: int, names: _Names) -> list[_Project]:
    """75 projects: 39 signed in 2025-01-01..AS_OF (235000 万元, 12 医疗器械), 22 signed in 2024, 14 in talks."""
    rng = _rng(seed, "projects")
    names.rng = rng
    used_names: set[str] = set()

    def project_name(sector: str, investor: str) -> str:
        short = investor[2:4]
        for _ in range(200):
            name = f"{short}{rng.choice(_PROJECT_TEMPLATES[sector])}"
            if name not in used_names:
                used_names.add(name)
                return name
            short = names.zihao()
        raise RuntimeError("cannot draw a unique project name")

    def origin() -> str:
        prov = _weighted(rng, _ORIGINS)
        return prov + rng.choice(_CITIES[prov])

    # the park's real 2025 projects (DATA.md; ../shared/seed), with fixed figures
    real = [
        ("白刺综合开发生物科技项目", "青海柴达木白刺生物科技有限公司", "食品保健品", 15000, "青海省海西州",
         date(2025, 1, 20), "开工", date(2025, 2, 16), None,
         "已于2月16日集中开工，白刺果提取、植物发酵生产线厂房主体施工中。"),
        ("高能电子束辐照项目", "青海辐安辐照技术有限公司", "生产性服务业", 20000, "江苏省苏州市",
         date(2025, 3, 6), "开工", date(2025, 4, 22), None,
         "辐照车间主体施工中，填补全省医药食品消毒灭菌辐照服务空白。"),
        ("医疗器械检验检测和计量项目", "青海瑞检医疗器械检验检测有限公司", "生产性服务业", 5000, "北京市",
         date(2025, 2, 25), "投产", date(2025, 3, 15), date(2025, 5, 28),
         "全省首家医疗器械检验检测和计量机构，实验室已投入运营。"),
    ]
    stalled_real = ("牦牛骨提取小分子胶原蛋白生产项目", "青海国肽生物科技有限公司", "食品保健品", 18000, "青海省西宁市",
                    date(2024, 11, 26), "开工", date(2025, 3, 20), None,
                    "原项目2019年停滞，引进青海宏泰水利水电工程有限公司以代建模式推进，主体施工中。")

    plan_2025 = (["医疗器械"] * 12 + ["医药"] * 8 + ["食品保健品"] * 8 + ["生产性服务业"] * 5 + ["绿色算力"] * 3)
    assert len(plan_2025) + len(real) == TARGETS["projects_signed_ytd"]
    fixed = {"绿色算力": 30000}   # the first green-computing project: 3亿元
    free_total = TARGETS["projects_investment_ytd_wan"] - sum(r[3] for r in real) - sum(fixed.values())
    free = [s for s in plan_2025]
    first_green = free.index("绿色算力")
    weights = [rng.lognormvariate(0, 0.55) * (2.5 if s == "绿色算力" else 1.0)
               for i, s in enumerate(free) if i != first_green]
    units = _largest_remainder(weights, free_total // 100)  # multiples of 100 万元
    amounts = []
    it = iter(units)
    for i, _s in enumerate(free):
        amounts.append(fixed["绿色算力"] if i == first_green else next(it) * 100)

    projects: list[_Project] = []

    def add(name, investor, sector, amount, org, signed, stage, started, producing, progress=None):
        k = len(projects) + 1
        leader = LEADERS[(k * 3) % len(LEADERS)]
        department = "招商合作部" if stage in ("洽谈", "签约") else rng.choice(("经济发展部", "规划建设部", "企业服务中心"))
        steps = _NEXT_STEPS[stage]
        next_step = rng.choice(steps)
        if stage == "投产" and rng.random() < 0.5:
            next_step, due = None, None
        else:
            # about 40 % overdue at AS_OF; the rest due in the coming months. Deadlines are plans: they are
            # the only dates after AS_OF in the sample, and summary.default_as_of ignores them.
            due = _day(rng, date(2025, 4, 1), AS_OF - timedelta(days=1)) if rng.random() < 0.4 \
                else _day(rng, AS_OF, date(2025, 9, 30))
        projects.append(_Project(
            project_id=f"SWYQ-{(signed or date(2025, 6, 1)).year}-{k:03d}", name=name, investor=investor,
            sector=sector, investment_wan=amount, origin=org, signed_on=signed, stage=stage,
            stage_raw=rng.choice(_STAGE_TEXT[stage]), started_on=started, producing_on=producing,
            leader=leader, department=department, next_step=next_step, due_on=due,
            progress=progress or rng.choice(_PROGRESS[stage])))

    # 2025 signings, in date order
    signed_2025 = sorted(_day(rng, date(2025, 1, 6), date(2025, 6, 12)) for _ in free)
    slots = list(zip(free, amounts))
    rng.shuffle(slots)
    entries = []
    for (sector, amount), signed in zip(slots, signed_2025):
        entries.append((sector, amount, signed))
    for r in real:
        entries.append((r[2], r[3], r[5], r))
    entries.sort(key=lambda e: e[2])
    for e in entries:
        if len(e) == 4:
            r = e[3]
            add(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9])
            continue
        sector, amount, signed = e
        org = origin()
        investor = names.company("医疗器械" if sector == "医疗器械" else sector, province=org[:2])
        stage = _weighted(rng, (("签约", 45), ("开工", 40), ("投产", 8), ("停滞", 7))) if signed < date(2025, 5, 1) \
            else "签约"
        started = _day(rng, signed + timedelta(days=10), AS_OF) if stage in ("开工", "投产", "停滞") \
            and signed + timedelta(days=10) < AS_OF else None
        if started is None and stage != "签约":
            stage = "签约"
        producing = _day(rng, started + timedelta(days=1), AS_OF) if stage == "投产" and started else None
        add(project_name(sector, investor), investor, sector, amount, org, signed, stage, started, producing)

    # 2024 signings (and the revived stalled project)
    r = stalled_real
    plan_2024 = (["医疗器械"] * 5 + ["医药"] * 5 + ["食品保健品"] * 5 + ["生产性服务业"] * 4 + ["绿色算力"] * 2)
    rng.shuffle(plan_2024)
    dates_2024 = sorted(_day(rng, date(2024, 2, 1), date(2024, 12, 20)) for _ in plan_2024)
    add(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9])
    for sector, signed in zip(plan_2024, dates_2024):
        org = origin()
        investor = names.company(sector, province=org[:2])
        stage = _weighted(rng, (("签约", 15), ("开工", 45), ("投产", 30), ("停滞", 10)))
        started = _day(rng, signed + timedelta(days=20), min(signed + timedelta(days=200), AS_OF)) \
            if stage != "签约" else None
        producing = _day(rng, started + timedelta(days=60), AS_OF) if stage == "投产" \
            and started + timedelta(days=60) < AS_OF else None
        if stage == "投产" and producing is None:
            stage = "开工"
        amount = rng.choice((3000, 5000, 6000, 8000, 10000, 12000, 15000, 20000, 2600, 4800))
        add(project_name(sector, investor), investor, sector, amount, org, signed, stage, started, producing)

    # in talks: no signing date
    for sector in (["医疗器械"] * 4 + ["医药"] * 3 + ["食品保健品"] * 3 + ["生产性服务业"] * 2 + ["绿色算力"] * 2):
        org = origin()
        investor = names.company(sector, province=org[:2])
        amount = rng.choice((5000, 8000, 10000, 20000, 30000, 50000))
        add(project_name(sector, investor), investor, sector, amount, org, None, "洽谈", None, None)
    return projects


def _investment_cell(amount: int, k: int):
    """How the office writes the planned investment: mostly a number in 万元, sometimes "1.5亿元"/"8000万元"."""
    if amount % 5000 == 0 and amount >= 10000 and k % 3 != 2:
        return f"{amount / 10000:g}亿元"
    if k % 7 == 3:
        return f"{amount}万元"
    return amount


def _date_cell(d: date | None, k: int):
    """Dates mostly as real Excel dates, sometimes as text in one of the office's habits."""
    if d is None:
        return None
    return (_cn_date(d), _dot_date(d), _slash_date(d))[k % 3] if k % 4 == 1 else d


def _write_projects(projects: list[_Project], path: Path, version_on: date = AS_OF) -> Path:
    wb = _new_workbook()
    rows = []
    for k, p in enumerate(projects, start=1):
        rows.append([k, p.project_id, p.name, p.investor, p.sector, _investment_cell(p.investment_wan, k),
                     p.origin, _date_cell(p.signed_on, k), p.stage_raw, _date_cell(p.started_on, k + 1),
                     p.producing_on, p.leader, p.department, p.next_step, p.due_on, p.progress,
                     "重点项目" if p.investment_wan >= 20000 else None])
    ws = wb.create_sheet("项目台账")
    _write_table(ws, _Table(
        title=f"{PARK}招商引资项目台账", notes=(f"更新时间：{_cn_date(version_on)}",),
        header=["序号", "项目编号", "项目名称", "投资主体", "产业类别", "计划总投资（万元）", "来源地", "签约时间",
                "项目阶段", "开工时间", "投产时间", "包保领导", "责任部门", "下一节点", "节点时限", "最新进展", "备注"],
        rows=rows, footers=([f"制表人：{CLERKS[3]}"],),
        widths={2: 14, 3: 34, 4: 34, 5: 12, 6: 14, 7: 14, 8: 14, 14: 22, 16: 50}))
    ws = wb.create_sheet("说明")
    for line in ("1. 项目阶段：洽谈中、已签约、在建、已投产、暂停。",
                 "2. 计划总投资单位为万元，个别项目按亿元填报。",
                 "3. 节点时限已过而未完成的，请责任部门在最新进展中说明原因。"):
        ws.append([line])
    return _save_stable(wb, path)


# The ledger's monthly versions: the office sends the whole ledger each month (DATA.md, "Ledgers over
# time"). The earlier versions say what was known then: dates after the version are not in them, a
# project signed later was still in talks (or not yet listed), and next steps and deadlines were others.
VERSION_DATES = (date(2025, 4, 15), date(2025, 5, 15))
_TALKS_BEFORE_SIGNING_DAYS = 75   # a project signed later is listed in talks up to this many days before


def _project_version(p: _Project, day: date, rng: random.Random, k: int) -> _Project | None:
    """Project `p` of the final ledger as the ledger of `day` showed it; None when not listed yet."""
    if p.signed_on is None:
        # in talks: two of them are listed from June only (新入库 in June)
        return None if k % 7 == 3 and day < AS_OF else p
    if p.signed_on > day:
        if (p.signed_on - day).days > _TALKS_BEFORE_SIGNING_DAYS or k % 4 == 1:
            return None
        stage = "洽谈"
    elif p.producing_on and p.producing_on <= day:
        stage = "投产"
    elif p.started_on and p.started_on <= day:
        stage = "开工"
    else:
        stage = "签约"
    if p.stage == "停滞" and stage in ("开工", "签约") and (day >= VERSION_DATES[1] and k % 2 == 0):
        stage = "停滞"   # stalled since May for half of them; the others stall in June (转停滞)
    if stage == p.stage and day >= VERSION_DATES[1] and k % 3:
        return p          # nothing changed since: the same row as the final ledger
    steps = _NEXT_STEPS[stage]
    next_step = steps[(k + day.month) % len(steps)]
    due = day + timedelta(days=rng.randint(-20, 60))
    return _Project(
        project_id=p.project_id, name=p.name, investor=p.investor, sector=p.sector, investment_wan=p.investment_wan,
        origin=p.origin, signed_on=p.signed_on if p.signed_on <= day else None, stage=stage,
        stage_raw=rng.choice(_STAGE_TEXT[stage]),
        started_on=p.started_on if p.started_on and p.started_on <= day else None,
        producing_on=p.producing_on if p.producing_on and p.producing_on <= day else None,
        leader=p.leader, department="招商合作部" if stage in ("洽谈", "签约") else p.department,
        next_step=next_step, due_on=due, progress=rng.choice(_PROGRESS[stage]))


def project_versions(projects: list[_Project], seed: int) -> dict[date, list[_Project]]:
    """The ledger at each of VERSION_DATES (oldest first), built from the final one (AS_OF)."""
    out = {}
    for day in VERSION_DATES:
        rng = _rng(seed, f"projects-{day.isoformat()}")
        rows = [_project_version(p, day, rng, k) for k, p in enumerate(projects, start=1)]
        out[day] = [r for r in rows if r is not None]
    return out


# ---------------------------------------------------------------------------
# Targets (目标任务): the year's targets and the investment tasks by leader and month
# ---------------------------------------------------------------------------
# completion aimed at, as a share of 时序进度 at AS_OF (1.0 = exactly on time): a mix of lights
_PARK_TARGET_PACE = {"签约项目数": 1.06, "签约投资额": 1.04, "开工项目数": 0.93, "新设市场主体": 0.78,
                     "助企帮销额": 1.12}
_LEADER_PACE = (1.25, 1.05, 0.95, 0.82, 1.10, 0.70, 1.0)
_MONTH_WEIGHTS = (5, 6, 8, 9, 9, 9, 8, 8, 9, 10, 10, 9)   # the office plans fewer signings early in the year


def _round_target(x: float, step: float) -> float:
    return max(step, math.floor(x / step + 0.5) * step)


def _build_targets(projects: list[_Project], entities: list[_Entity], sales: dict[str, list[dict]]) -> dict:
    """Park targets for 2025 and per-leader monthly tasks, set from the sample's own figures so that
    completion against 时序进度 at AS_OF gives a mix of lights (_PARK_TARGET_PACE, _LEADER_PACE)."""
    start = date(2025, 1, 1)
    share = ((AS_OF - start).days + 1) / 365
    signed = [p for p in projects if p.signed_on and start <= p.signed_on <= AS_OF]
    started = [p for p in projects if p.started_on and start <= p.started_on <= AS_OF]
    new = sum(1 for e in entities if start <= e.established_on <= AS_OF)
    sold = sum(r["fen"] for rows in sales.values() for r in rows if start <= r["sold_on"] <= AS_OF) / 1e6
    actual = {"签约项目数": len(signed), "签约投资额": sum(p.investment_wan for p in signed) / 10000,
              "开工项目数": len(started), "新设市场主体": new, "助企帮销额": sold}
    step = {"签约项目数": 5, "签约投资额": 5, "开工项目数": 5, "新设市场主体": 100, "助企帮销额": 1000}
    park = {k: _round_target(v / share / _PARK_TARGET_PACE[k], step[k]) for k, v in actual.items()}
    leaders = []
    ended = AS_OF.month - 1     # months ended by AS_OF
    for i, leader in enumerate(LEADERS):
        mine = [p for p in signed if p.leader == leader]
        due_share = sum(_MONTH_WEIGHTS[:ended]) / sum(_MONTH_WEIGHTS)
        annual = max(2, round(len(mine) / max(due_share, 1e-9) / _LEADER_PACE[i] / 2) * 2) if mine else 4
        months = _largest_remainder(list(_MONTH_WEIGHTS), int(annual))
        inv = sum(p.investment_wan for p in mine) / 10000
        leaders.append({"leader": leader, "projects": int(annual), "months": months,
                        "investment_yi": _round_target(inv / share / _LEADER_PACE[i], 0.5) if mine else 1.0})
    return {"park": park, "leaders": leaders}


def _write_targets(targets: dict, path: Path) -> Path:
    """Two sheets as the committee writes them: the year's targets (one row an indicator, 年度目标 and
    责任单位), and the investment tasks split by leader and month (1月 … 12月 columns)."""
    wb = _new_workbook()
    park = targets["park"]
    rows = [
        [1, "规上工业增加值增速", "%", 10.0, "经济发展部", "按可比价计算"],
        [2, "固定资产投资", "亿元", 35.0, "规划建设部", None],
        [3, "社会消费品零售总额增速", "%", 5.0, "经济发展部", None],
        [4, "签约项目数", "个", park["签约项目数"], None, "招商引资“一号工程”"],
        [5, "签约投资额", "亿元", park["签约投资额"], None, "计划总投资"],
        [6, "开工项目数", "个", park["开工项目数"], None, None],
        [7, "新设市场主体", "户", park["新设市场主体"], "企业服务中心", None],
        [8, "助企帮销额", "万元", park["助企帮销额"], "企业服务中心", "“强营销、拓市场、促发展”"],
    ]
    _write_table(wb.create_sheet("年度目标"), _Table(
        title=f"{PARK}2025年主要目标任务", notes=("单位：见计量单位列",),
        header=["序号", "指标名称", "计量单位", "年度目标", "责任单位", "备注"], rows=rows,
        footers=(["注：增速类指标为全年目标增速（%）。"],), widths={2: 24, 5: 16, 6: 24}))
    rows = []
    for i, t in enumerate(targets["leaders"], start=1):
        rows.append([2 * i - 1, "签约项目数", "个", t["projects"], t["leader"]] + t["months"])
        split = _largest_remainder(list(_MONTH_WEIGHTS), int(round(t["investment_yi"] * 10)))
        rows.append([2 * i, "签约投资额", "亿元", t["investment_yi"], t["leader"]] + [m / 10 for m in split])
    _write_table(wb.create_sheet("招商任务分解"), _Table(
        title=f"{PARK}2025年招商引资任务分解表（逐项分解到岗、细化到月）",
        header=["序号", "任务名称", "计量单位", "全年任务", "责任领导"] + [f"{m}月" for m in range(1, 13)],
        rows=rows, footers=([f"制表人：{CLERKS[3]}"],), widths={2: 14, 5: 12}))
    return _save_stable(wb, path)


# ---------------------------------------------------------------------------
# Sales assistance (one sheet per channel; the sheet name is the channel)
# ---------------------------------------------------------------------------

_PRODUCTS = ("牦牛肉干", "牦牛酸奶", "枸杞原浆", "黑枸杞", "沙棘原浆", "青稞酒", "藏茶", "菜籽油", "白刺果酒",
             "牦牛骨胶原蛋白肽", "青稞饼干", "蕨麻", "虫草含片", "红景天口服液", "藏式糕点", "牦牛奶粉")
SALES_CHANNELS = ("特色产品展销中心", "展销中心大通店", "助企帮销产品展销会", "线上", "消费帮扶", "机关单位采购")
SHOWROOM_OPENED = date(2024, 12, 9)
STORE_OPENED = date(2025, 5, 10)
FAIR_DAYS = (date(2025, 5, 24), date(2025, 5, 25), date(2025, 5, 26))
SALES_START = date(2024, 7, 1)


def _build_sales(seed: int, suppliers: list[str]) -> dict[str, list[dict]]:
    """Rows per channel: sold_on (date), month_only (bool), enterprise, product, amount_yuan (int 分 -> 元*100)."""
    rng = _rng(seed, "sales")
    out: dict[str, list[dict]] = {c: [] for c in SALES_CHANNELS}

    def row(channel, d, amount_yuan, month_only=False, event=None, buyer=None):
        out[channel].append({"sold_on": d, "month_only": month_only, "enterprise": rng.choice(suppliers),
                             "product": rng.choice(_PRODUCTS), "fen": round(amount_yuan * 100),
                             "event": event, "buyer": buyer})

    day = SHOWROOM_OPENED
    while day <= AS_OF:
        boost = 1.6 if day.month in (1, 2) else 1.0   # Spring Festival
        for _ in range(rng.randint(3, 5)):
            row("特色产品展销中心", day, rng.uniform(2500, 22000) * boost)
        if day >= STORE_OPENED:
            for _ in range(rng.randint(2, 3)):
                row("展销中心大通店", day, rng.uniform(3000, 16000))
        day += timedelta(days=1)
    fair = "“智启生物新篇 臻享生命优品”生物科技产业园区助企帮销产品展销会（唐道637）"
    for d in FAIR_DAYS:
        for _ in range(rng.randint(12, 16)):
            row("助企帮销产品展销会", d, rng.uniform(40000, 160000), event=fair)
    month = SALES_START
    while month <= AS_OF:
        last = min(AS_OF, (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1))
        ramp = 1.0 if month < SHOWROOM_OPENED.replace(day=1) else 1.35
        for _ in range(rng.randint(5, 8)):
            row("线上", _day(rng, month, last), rng.uniform(80000, 380000) * ramp)
        for _ in range(rng.randint(8, 11)):
            row("消费帮扶", month, rng.uniform(80000, 300000) * ramp, month_only=True)
        for _ in range(rng.randint(3, 6)):
            row("机关单位采购", _day(rng, month, last), rng.uniform(200000, 900000),
                buyer=rng.choice(("西宁市总工会", "城北区机关事务服务中心", "开发区管委会工会", "青海省税务局机关工会",
                                  "西宁市教育局", "城北区人民医院")))
        month = last + timedelta(days=1)
    for rows in out.values():
        rows.sort(key=lambda r: r["sold_on"])
    # scale institutional purchasing so that the whole ledger lands on the aim
    total_fen = sum(r["fen"] for rows in out.values() for r in rows)
    inst_fen = sum(r["fen"] for r in out["机关单位采购"])
    factor = (_SALES_AIM_WAN * 1e6 - (total_fen - inst_fen)) / inst_fen
    for r in out["机关单位采购"]:
        r["fen"] = round(r["fen"] * factor / 100) * 100   # whole yuan
    return out


def _write_sales(sales: dict[str, list[dict]], path: Path) -> Path:
    wb = _new_workbook()
    title = f"{PARK}“强营销、拓市场、促发展”助企帮销台账"

    def yuan(r):
        return r["fen"] / 100

    def wan(r):
        return round(r["fen"] / 1e6, 4)

    ch = "特色产品展销中心"
    rows = [[i, r["sold_on"], r["enterprise"], r["product"], yuan(r)] for i, r in enumerate(sales[ch], 1)]
    _write_table(wb.create_sheet(ch), _Table(
        title=f"{title}（{ch}）", notes=("展销中心于2024年12月9日开业。",),
        header=["序号", "日期", "企业名称", "产品名称", "销售额（元）"], rows=rows, blank_rows_at=(100, 400),
        footers=(["合计", None, None, None, round(sum(yuan(r) for r in sales[ch]), 2)],), widths={3: 34}))
    ch = "展销中心大通店"
    rows = [[i, r["sold_on"].isoformat(), r["enterprise"], r["product"], yuan(r)] for i, r in enumerate(sales[ch], 1)]
    _write_table(wb.create_sheet(ch), _Table(
        title=f"{title}（{ch}）", header=["序号", "销售日期", "供货企业", "产品", "金额（元）"], rows=rows,
        footers=(["合计", None, None, None, round(sum(yuan(r) for r in sales[ch]), 2)],), widths={3: 34}))
    ch = "助企帮销产品展销会"
    rows = [[i, r["sold_on"], r["event"], r["enterprise"], r["product"], wan(r)] for i, r in enumerate(sales[ch], 1)]
    _write_table(wb.create_sheet(ch), _Table(
        title=f"{title}（{ch}）", notes=("单位：万元",),
        header=["序号", "活动日期", "活动名称", "企业名称", "产品名称", "帮销金额（万元）"], rows=rows,
        footers=(["合计", None, None, None, None, round(sum(wan(r) for r in sales[ch]), 4)],), widths={3: 50, 4: 34}))
    ch = "线上"
    rows = [[i, _slash_date(r["sold_on"]) if i % 6 == 0 else r["sold_on"], r["enterprise"], r["product"],
             rng_platform(i), yuan(r)] for i, r in enumerate(sales[ch], 1)]
    _write_table(wb.create_sheet(ch), _Table(
        title=f"{title}（线上渠道）", header=["序号", "销售日期", "企业", "产品名称", "平台", "销售额(元)"],
        rows=rows, widths={3: 34}))
    ch = "消费帮扶"
    rows = [[i, _month_text(r["sold_on"]), r["enterprise"], r["product"], wan(r)] for i, r in enumerate(sales[ch], 1)]
    _write_table(wb.create_sheet(ch), _Table(
        title=f"{title}（消费帮扶，按月汇总）",
        header=["序号", "日期", "企业名称", "产品名称", "销售额（万元）"], rows=rows,
        footers=(["合计", None, None, None, round(sum(wan(r) for r in sales[ch]), 4)],
                 ["填报说明：消费帮扶按月汇总填报。"]), widths={3: 34}))
    ch = "机关单位采购"
    rows = [[i, r["sold_on"].strftime("%Y-%m") if i % 5 == 0 else r["sold_on"], r["buyer"], r["enterprise"],
             r["product"], wan(r)] for i, r in enumerate(sales[ch], 1)]
    _write_table(wb.create_sheet(ch), _Table(
        title=f"{title}（机关单位采购）",
        header=["序号", "日期", "采购单位", "供货企业", "产品名称", "金额（万元）"], rows=rows, widths={3: 24, 4: 34}))
    return _save_stable(wb, path)


def rng_platform(i: int) -> str:
    """The online platform of the i-th online row (deterministic, no draw)."""
    return ("抖音直播", "拼多多", "微信小程序", "淘宝")[i % 4]


# ---------------------------------------------------------------------------
# Service (包保 key accounts and 三访三促 visits)
# ---------------------------------------------------------------------------

_DEMANDS = {
    "融资": ("申请流动资金贷款贴息", "希望对接政府性融资担保", "设备更新贷款需求约500万元"),
    "用地": ("扩建需新增用地约20亩", "标准化厂房租金减免", "厂区道路及管网配套"),
    "用工": ("招聘质量管理人员困难", "需要熟练技术工人30名", "希望对接高校开展校企合作"),
    "审批": ("医疗器械注册证办理进度", "环评手续办理", "施工许可证办理", "食品生产许可延续"),
    "市场": ("产品进入省内医院采购目录", "希望参加展销会拓展销路", "电商平台入驻推广"),
    "政策": ("高新技术企业认定政策咨询", "研发费用加计扣除政策咨询", "技改补助资金兑现"),
    "其他": ("园区公交线路优化", "厂区周边路灯维修", "员工子女入学咨询"),
}
_CATEGORY_TEXT = {"融资": ("融资", "融资需求"), "用地": ("用地", "用地需求"), "用工": ("用工", "招工"),
                  "审批": ("审批", "审批手续"), "市场": ("市场", "市场开拓"), "政策": ("政策", "政策咨询"),
                  "其他": ("其他",)}
_VISIT_TEXT = {"政策走访": ("政策走访", "带着政策走访"), "问题访谈": ("问题访谈", "直面问题访谈"),
               "跟踪回访": ("跟踪回访", "持续跟踪回访")}
_N_VISITS = 252


def _build_service(seed: int, enterprises: list[str], projects: list[_Project]) -> tuple[list[dict], list[dict]]:
    """67 key accounts (45 enterprises, 22 projects), one leader each; ~250 visits 2025-03-01..AS_OF."""
    rng = _rng(seed, "service")
    n_projects = 22
    n_enterprises = TARGETS["key_accounts"] - n_projects
    accounts = []
    for i, name in enumerate(enterprises[:n_enterprises]):
        accounts.append({"account": name, "type": "重点企业" if i % 6 == 0 else "企业",
                         "leader": LEADERS[i % len(LEADERS)], "department": DEPARTMENTS[i % len(DEPARTMENTS)]})
    big = sorted((p for p in projects if p.stage != "洽谈"), key=lambda p: (-p.investment_wan, p.project_id))
    for p in big[:n_projects]:
        accounts.append({"account": p.name, "type": "项目", "leader": p.leader, "department": p.department})
    rng.shuffle(accounts)

    visits = []
    days = [date(2025, 3, 1) + timedelta(days=k) for k in range((AS_OF - date(2025, 3, 1)).days + 1)]
    weekdays = [d for d in days if d.weekday() < 5] + [AS_OF]
    for _ in range(_N_VISITS):
        a = rng.choice(accounts)
        d = rng.choice(weekdays)
        vtype = _weighted(rng, (("政策走访", 40), ("问题访谈", 35), ("跟踪回访", 25)))
        cat = _weighted(rng, (("融资", 14), ("用地", 10), ("用工", 13), ("审批", 18), ("市场", 20), ("政策", 17),
                              ("其他", 8)))
        age = (AS_OF - d).days
        p_done = min(0.92, 0.15 + age / 80)
        u = rng.random()
        status = "已办结" if u < p_done else ("办理中" if u < p_done + (1 - p_done) * 0.7 else "未办理")
        resolved = None
        if status == "已办结":
            resolved = min(AS_OF, d + timedelta(days=rng.randint(0, 45)))
        visits.append({"visited_on": d, "account": a["account"], "leader": a["leader"],
                       "visit_type": rng.choice(_VISIT_TEXT[vtype]), "category": rng.choice(_CATEGORY_TEXT[cat]),
                       "demand": rng.choice(_DEMANDS[cat]), "status": status, "resolved_on": resolved})
    visits.sort(key=lambda v: (v["visited_on"], v["account"]))
    return accounts, visits


def _write_service(accounts: list[dict], visits: list[dict], path: Path) -> Path:
    wb = _new_workbook()
    ws = wb.create_sheet("说明")
    for line in (f"{PARK}党委班子成员包保重点企业和项目工作台账",
                 "“三访三促”：带着政策走访、直面问题访谈、持续跟踪回访，促进政策落实、促进问题解决、促进环境优化。",
                 "“包保”表列出每个包保对象及包保领导、责任部门；“走访”表逐条记录走访情况和企业诉求办理情况。",
                 "诉求办结后请及时填写办结日期。"):
        ws.append([line])
    ws.column_dimensions["A"].width = 100
    rows = [[i, a["account"], a["type"], a["leader"], a["department"]] for i, a in enumerate(accounts, 1)]
    _write_table(wb.create_sheet("包保"), _Table(
        title="园区党委班子成员包保重点企业和项目名单", header=["序号", "包保对象", "对象类型", "包保领导", "责任部门"],
        rows=rows, widths={2: 40, 5: 20}))
    rows = [[i, v["visited_on"], v["account"], v["leader"], v["visit_type"], v["category"], v["demand"],
             v["status"], v["resolved_on"]] for i, v in enumerate(visits, 1)]
    _write_table(wb.create_sheet("走访"), _Table(
        title="“三访三促”走访及诉求办理台账",
        header=["序号", "走访日期", "包保对象", "走访领导", "走访类型", "诉求类别", "诉求内容", "办理状态", "办结日期"],
        rows=rows, blank_rows_at=(60,), widths={3: 40, 7: 30}))
    return _save_stable(wb, path)


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------

PRICE_INDEX_2025 = {2: 101.2, 3: 101.5, 4: 101.6, 5: 101.8}   # prior year = 100, cumulative periods


def generate_sample(out_dir: Path, seed: int = 20250615) -> list[Path]:
    """Write the sample workbooks into `out_dir` (created if missing); return their paths in a fixed order.

    Deterministic: the same seed gives the same bytes. With the default seed the
    workbooks reproduce the park's published figures at 2025-06-15 (see TARGETS);
    another seed gives other names and values but the same headline counts and
    sums (growth within rounding of the published one decimal).
    """
    out_dir = Path(out_dir)
    entities, industrial, names = _build_entities(seed)
    firms = _build_industrial(industrial, seed)
    projects = _build_projects(seed, names)
    food = [e.name for e in entities if e.kind == "1" and e.closed_on is None
            and e.sector in ("食品保健品", "医药") and e.established_on < date(2024, 1, 1)]
    suppliers = sorted(food)[:60]
    _rng(seed, "suppliers").shuffle(suppliers)
    sales = _build_sales(seed, suppliers[:36])
    key_firms = [f.entity.name for f in firms if 2025 in f.years]
    extra = sorted(e.name for e in entities if e.kind == "1" and e.closed_on is None
                   and e.sector in ("生产性服务业", "绿色算力", "医疗器械") and e not in industrial)
    accounts, visits = _build_service(seed, key_firms[:35] + extra[:10], projects)
    return [
        _write_entities(entities, seed, out_dir / FILE_NAMES["entities"]),
        _write_industrial_2024(firms, out_dir / FILE_NAMES["industrial_2024"]),
        _write_industrial_2025(firms, PRICE_INDEX_2025, out_dir / FILE_NAMES["industrial_2025"]),
        _write_indicators(firms, entities, seed, out_dir / FILE_NAMES["indicators"]),
        *[_write_projects(rows, out_dir / FILE_NAMES[f"projects_{day:%m%d}"], day)
          for day, rows in project_versions(projects, seed).items()],
        _write_projects(projects, out_dir / FILE_NAMES["projects"]),
        _write_sales(sales, out_dir / FILE_NAMES["sales"]),
        _write_service(accounts, visits, out_dir / FILE_NAMES["service"]),
        _write_targets(_build_targets(projects, entities, sales), out_dir / FILE_NAMES["targets"]),
    ]
