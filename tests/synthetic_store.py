"""A small, seeded, synthetic store for the dashboard tests and for development
before the sample workbooks and the `load` command exist.

It is NOT the park's sample data: the figures only look plausible. Tests that
assert the park's published figures use the sample store (conftest.py) and fall
back to this one only to check that pages render.

Grain: entities one row per entity; industrial one row per enterprise and
cumulative period (万元); projects one row per project (万元); sales one row per
sale (万元); service_accounts one row per account and leader; service_visits
one row per visit.
"""
from __future__ import annotations

import datetime as dt
import random

import pandas as pd

from analytics import store
from analytics.schema import DATASETS, SECTORS
from analytics.store import table_columns

LEADERS = ("王建国", "李红梅", "张伟", "刘洋", "陈静", "杨帆")
PROVINCES = ("青海", "北京", "上海", "广东", "浙江", "江苏", "四川", "山东")
CHANNELS = ("特色产品展厅", "大通门店", "展会", "线上渠道", "机关单位采购")
SECTOR_CODES = {"医疗器械": "C3581", "医药": "C2720", "食品保健品": "C1491", "生产性服务业": "L7212",
                "绿色算力": "I6450", "其他": "F5191"}


def _uscc(rng: random.Random, prefix: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return prefix + "".join(rng.choice(alphabet) for _ in range(16))


def _insert(con, dataset: str, frame: pd.DataFrame, batch_id: int) -> None:
    cols = [c for c, _ in table_columns(DATASETS[dataset])]
    full = frame.reindex(columns=cols).assign(_batch_id=batch_id)
    con.register("_synthetic", full)
    con.execute(f'INSERT INTO "{DATASETS[dataset].table}" SELECT * FROM _synthetic')
    con.unregister("_synthetic")


def build(path: str, seed: int = 7, n_entities: int = 3000) -> str:
    """Create the synthetic store at `path` (':memory:' is not useful here) and return the path."""
    rng = random.Random(seed)
    con = store.connect(path)
    sectors = list(SECTORS)
    # entities ------------------------------------------------------------------------------
    rows = []
    for i in range(n_entities):
        typ = rng.choices(("企业", "个体工商户", "农民专业合作社"), (0.55, 0.43, 0.02))[0]
        prefix = {"企业": "91", "个体工商户": "92", "农民专业合作社": "93"}[typ]
        est = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(0, 5640))
        closed = est + dt.timedelta(days=rng.randrange(200, 4000)) if rng.random() < 0.15 else None
        if closed and closed > dt.date(2025, 6, 15):
            closed = None
        sector = rng.choices(sectors, (0.1, 0.08, 0.12, 0.2, 0.03, 0.47))[0]
        rows.append(dict(uscc=_uscc(rng, prefix), name=f"西宁示例{i:04d}{'有限公司' if typ == '企业' else '商行'}",
                         entity_type=typ, entity_type_raw=typ, established_on=est,
                         status="注销" if closed else "存续", status_raw="注销" if closed else "存续",
                         closed_on=closed, industry_code=SECTOR_CODES[sector] if rng.random() > 0.05 else None,
                         industry_name=None, registered_capital=round(rng.uniform(5, 5000), 1),
                         sector=sector, sector_raw=None))
    entities = pd.DataFrame(rows)
    _insert(con, "entities", entities, 1)
    # industrial ----------------------------------------------------------------------------
    firms = [(_uscc(rng, "91"), f"青海示例制造{i:02d}有限公司", rng.choice(sectors[:3] + ["其他"]),
              rng.uniform(500, 20000)) for i in range(40)]
    rows = []
    for year in (2024, 2025):
        for month in range(2, 13 if year == 2024 else 6):
            for uscc, name, sector, base in firms:
                prev = base * month / 12
                growth = rng.gauss(0.06 if year == 2025 else 0.03, 0.12)
                rows.append(dict(period=dt.date(year, month, 1), uscc=uscc, name=name,
                                 value_added_ytd=round(prev * (1 + growth), 1),
                                 value_added_prev_ytd=round(prev, 1), sector=sector,
                                 industry_code=SECTOR_CODES[sector]))
    _insert(con, "industrial", pd.DataFrame(rows), 2)
    ind = [dict(indicator="规上工业增加值", unit="%", period=dt.date(2024, 12, 1), growth_pct=3.0),
           dict(indicator="规上工业增加值", unit="%", period=dt.date(2025, 5, 1), growth_pct=9.9),
           dict(indicator="规上工业增加值", unit="%", period=dt.date(2025, 3, 1), growth_pct=7.5)]
    _insert(con, "indicators", pd.DataFrame(ind), 3)
    # projects ------------------------------------------------------------------------------
    rows = []
    for i in range(60):
        stage = rng.choices(("洽谈", "签约", "开工", "投产", "停滞"), (0.2, 0.35, 0.25, 0.15, 0.05))[0]
        signed = None if stage == "洽谈" else dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(0, 530))
        rows.append(dict(project_id=f"XM{i:03d}", project_key=f"XM{i:03d}", name=f"示例项目{i:02d}",
                         investor=f"示例投资{i:02d}有限公司", sector=rng.choice(sectors[:5]),
                         investment=round(rng.uniform(500, 20000), 0), origin=rng.choice(PROVINCES),
                         signed_on=signed, stage=stage, stage_raw=stage, leader=rng.choice(LEADERS),
                         department="招商局", next_step="办理施工许可",
                         due_on=dt.date(2025, 4, 1) + dt.timedelta(days=rng.randrange(0, 200)),
                         progress="正在推进"))
    _insert(con, "projects", pd.DataFrame(rows), 4)
    # sales ---------------------------------------------------------------------------------
    rows = []
    for i in range(400):
        day = dt.date(2024, 7, 1) + dt.timedelta(days=rng.randrange(0, 350))
        rows.append(dict(sold_on=day, channel=rng.choice(CHANNELS), event=None,
                         enterprise=f"示例食品{rng.randrange(15):02d}有限公司",
                         product=rng.choice(("牦牛肉干", "枸杞", "青稞酒", "黑枸杞", "藏茶")),
                         amount=round(rng.uniform(2, 45), 2), row_key=f"r{i}"))
    _insert(con, "sales", pd.DataFrame(rows), 5)
    # service -------------------------------------------------------------------------------
    accounts = [dict(account=f"包保对象{i:02d}", account_type="企业" if i % 4 else "项目",
                     leader=LEADERS[i % len(LEADERS)], department="园区党委") for i in range(67)]
    _insert(con, "service_accounts", pd.DataFrame(accounts), 6)
    rows = []
    for i in range(150):
        acc = rng.choice(accounts)
        day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(0, 165))
        status = rng.choice(("已办结", "办理中", "未办理"))
        rows.append(dict(visited_on=day, account=acc["account"], leader=acc["leader"],
                         visit_type=rng.choice(("政策走访", "问题访谈", "跟踪回访")),
                         demand_category=rng.choice(("融资", "用地", "用工", "审批", "市场")),
                         demand="协调解决相关问题", demand_status=status,
                         resolved_on=day + dt.timedelta(days=rng.randrange(3, 40)) if status == "已办结" else None,
                         row_key=f"v{i}"))
    _insert(con, "service_visits", pd.DataFrame(rows), 7)
    # import log ----------------------------------------------------------------------------
    for b, ds in enumerate(("entities", "industrial", "indicators", "projects", "sales", "service_accounts",
                            "service_visits"), start=1):
        con.execute("INSERT INTO import_log (batch_id, kind, file_name, sheet, dataset, rows_read, rows_new, "
                    "warnings, imported_at, imported_by) VALUES (?, 'import', ?, 'Sheet1', ?, 0, 0, ?, "
                    "TIMESTAMP '2025-06-16 09:00:00', 'synthetic')", [b, f"{ds}.xlsx", ds, 1 if b == 1 else 0])
    con.execute("INSERT INTO import_problems VALUES (1, 'warning', 'entities.xlsx', 'Sheet1', 12, "
                "'统一社会信用代码', '91630100MA7XXXXX', '校验位不正确')")
    con.close()
    return path


if __name__ == "__main__":
    import sys
    print(build(sys.argv[1]))
