"""Build a province-scale benchmark store directly in DuckDB SQL (no workbooks).

1,000,000 entities; 2,000 enterprises x 60 monthly cumulative periods (2021-2025, January
never reported); 5,000 projects (and 24 monthly versions of their ledger); 2025 targets (park, and 40 leaders x 3 monthly
tasks); 200,000 sales rows; 2,000 key accounts and 20,000 visits;
an indicator table and a price index. Deterministic (hash-based, no random state).

    .venv/bin/python benchmarks/build_store.py [--out benchmarks/out/province.duckdb]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import store  # noqa: E402
from analytics.schema import dataset  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parent / "out" / "province.duckdb"
SECTORS_SQL = "['医疗器械', '医药', '食品保健品', '生产性服务业', '绿色算力', '其他']"
CODES_SQL = "['C3581', 'C2720', 'C1491', 'L7212', 'I6450', 'F5191']"


def build(path: Path) -> dict:
    path.parent.mkdir(parents=True, exist_ok=True)
    for p in (path, Path(str(path) + ".wal")):
        if p.exists():
            p.unlink()
    con = store.connect(path)
    t0 = time.perf_counter()
    con.execute(f"""
        INSERT INTO entities BY NAME
        SELECT lpad(CAST(i AS VARCHAR), 18, CASE WHEN i % 10 < 7 THEN '9' ELSE '2' END) AS uscc,
               '主体' || i AS name,
               CASE WHEN i % 10 < 6 THEN '企业' WHEN i % 10 < 9 THEN '个体工商户' ELSE '农民专业合作社' END AS entity_type,
               DATE '2000-01-01' + CAST(hash(i) % 9300 AS INTEGER) AS established_on,
               CASE WHEN hash(i, 1) % 5 = 0 THEN '注销' ELSE '存续' END AS status,
               CASE WHEN hash(i, 1) % 5 = 0
                    THEN DATE '2000-01-01' + CAST(hash(i) % 9300 AS INTEGER) + CAST(30 + hash(i, 2) % 3000 AS INTEGER)
               END AS closed_on,
               {CODES_SQL}[1 + i % 6] AS industry_code,
               {SECTORS_SQL}[1 + i % 6] AS sector,
               CAST(hash(i, 3) % 5000 AS DOUBLE) AS registered_capital
        FROM range(1000000) t(i)""")
    con.execute(f"""
        INSERT INTO industrial BY NAME
        SELECT make_date(2021 + m // 12, m % 12 + 1, 1) AS period,
               '91' || lpad(CAST(e AS VARCHAR), 16, '0') AS uscc, '企业' || e AS name,
               (100 + e % 300) * (m % 12 + 1) * (1 + (hash(e, m) % 30) / 100.0) AS value_added_ytd,
               CASE WHEN hash(e, m, 7) % 50 = 0 THEN NULL
                    ELSE (100 + e % 300) * (m % 12 + 1) * (1 + (hash(e, m, 1) % 25) / 100.0) END AS value_added_prev_ytd,
               (400 + e % 900) * (m % 12 + 1) AS output_ytd, (380 + e % 900) * (m % 12 + 1) AS output_prev_ytd,
               (500 + e % 1000) * (m % 12 + 1) AS revenue_ytd,
               {CODES_SQL}[1 + e % 6] AS industry_code, {SECTORS_SQL}[1 + e % 6] AS sector
        FROM range(2000) a(e), range(60) b(m)
        WHERE m % 12 <> 0 OR hash(e) % 10 = 0""")  # January: only a few stray rows (ignored by growth)
    con.execute("""
        INSERT INTO price_index BY NAME
        SELECT make_date(2021 + m // 12, m % 12 + 1, 1) AS period, 98 + (m % 7) AS price_index
        FROM range(60) t(m) WHERE m % 12 <> 0""")
    con.execute("""
        INSERT INTO indicators BY NAME
        SELECT ind AS indicator, '亿元' AS unit, make_date(2021 + m // 12, m % 12 + 1, 1) AS period,
               10.0 * (m % 12 + 1) AS value_ytd, 3 + (m % 9) AS growth_pct,
               400.0 * (m % 12 + 1) AS region_value_ytd, 2 + (m % 7) AS region_growth_pct, '全市' AS region
        FROM range(60) t(m), (VALUES ('规上工业增加值'), ('固定资产投资'), ('社会消费品零售总额'), ('规上工业总产值'),
                                     ('营业收入')) v(ind)
        WHERE m % 12 <> 0""")
    con.execute(f"""
        INSERT INTO projects BY NAME
        SELECT 'XM' || lpad(CAST(i AS VARCHAR), 5, '0') AS project_key, 'XM' || i AS project_id, '项目' || i AS name,
               '投资方' || i AS investor, {SECTORS_SQL}[1 + i % 6] AS sector,
               CAST(500 + hash(i) % 200000 AS DOUBLE) AS investment,
               ['青海', '北京', '上海', '广东', '浙江', '江苏', '四川', '山东'][1 + i % 8] AS origin,
               CASE WHEN i % 7 <> 0 THEN DATE '2020-01-01' + CAST(hash(i, 1) % 2000 AS INTEGER) END AS signed_on,
               ['洽谈', '签约', '开工', '投产', '停滞'][1 + i % 5] AS stage,
               CASE WHEN i % 5 IN (2, 3) THEN DATE '2020-06-01' + CAST(hash(i, 1) % 2000 AS INTEGER) END AS started_on,
               CASE WHEN i % 5 = 3 THEN DATE '2021-06-01' + CAST(hash(i, 1) % 2000 AS INTEGER) END AS producing_on,
               '领导' || (i % 40) AS leader, '部门' || (i % 12) AS department, '下一步' AS next_step,
               DATE '2024-01-01' + CAST(hash(i, 2) % 900 AS INTEGER) AS due_on,
               CASE WHEN i % 9 <> 0 THEN '进展' || i END AS progress
        FROM range(5000) t(i)""")
    _project_versions(con)
    _targets(con)
    con.execute("""
        INSERT INTO sales BY NAME
        SELECT DATE '2024-07-01' + CAST(hash(i) % 350 AS INTEGER) AS sold_on,
               ['特色产品展销中心', '大通店', '展销会', '线上', '机关采购'][1 + i % 5] AS channel,
               '活动' || (i % 30) AS event, '企业' || (i % 800) AS enterprise, '产品' || (i % 2500) AS product,
               CAST(hash(i, 1) % 1000 AS DOUBLE) / 100.0 AS amount, 'k' || i AS row_key
        FROM range(200000) t(i)""")
    con.execute("""
        INSERT INTO service_accounts BY NAME
        SELECT '对象' || i AS account, CASE WHEN i % 3 = 0 THEN '项目' ELSE '企业' END AS account_type,
               '领导' || (i % 60) AS leader, '部门' || (i % 12) AS department
        FROM range(2000) t(i)""")
    con.execute("""
        INSERT INTO service_visits BY NAME
        SELECT DATE '2023-01-01' + CAST(hash(i) % 900 AS INTEGER) AS visited_on, '对象' || (hash(i, 1) % 2000) AS account,
               '领导' || (i % 60) AS leader, ['政策走访', '问题访谈', '跟踪回访'][1 + i % 3] AS visit_type,
               CASE WHEN i % 2 = 0 THEN ['融资', '用地', '用工', '审批', '市场', '政策', '其他'][1 + i % 7] END AS demand_category,
               CASE WHEN i % 2 = 0 THEN '诉求' || i END AS demand,
               CASE WHEN i % 2 = 0 THEN ['已办结', '办理中', '未办理'][1 + i % 3] END AS demand_status,
               CASE WHEN i % 2 = 0 AND i % 3 = 0 THEN DATE '2023-01-01' + CAST(hash(i) % 900 + hash(i, 2) % 90 AS INTEGER)
               END AS resolved_on,
               'v' || i AS row_key
        FROM range(20000) t(i)""")
    con.execute("CHECKPOINT")
    counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
              for t in ("entities", "industrial", "projects", "sales", "service_accounts", "service_visits")}
    con.close()
    counts["seconds"] = round(time.perf_counter() - t0, 1)
    return counts


N_VERSIONS = 24   # monthly uploads of the whole project ledger, 2023-07-15 … 2025-06-15


def _project_versions(con) -> None:
    """24 monthly versions of the 5,000-project ledger as whole uploads (rule replace) in the store's batch
    log (projects__log, batch_datasets, import_log), the last one equal to the seed table; then the store
    folds them (store._rebuild: the current table, projects__versions). A version shows what was known
    on its date: projects enter the ledger over time, dates after the version are blank, the stage
    follows the dates (stalled projects stall four versions before the end), next steps and deadlines
    change every month."""
    cols = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                      "WHERE table_name = 'projects' AND column_name <> '_batch_id' "
                                      "ORDER BY ordinal_position").fetchall()]
    for v in range(N_VERSIONS):
        b = v + 1
        on = f"(DATE '2023-07-15' + INTERVAL {v} MONTH)::DATE"
        last = v == N_VERSIONS - 1
        exprs = {c: f"p.{c}" for c in cols}
        if not last:
            exprs.update({
                "signed_on": f"CASE WHEN p.signed_on <= {on} THEN p.signed_on END",
                "started_on": f"CASE WHEN p.started_on <= {on} THEN p.started_on END",
                "producing_on": f"CASE WHEN p.producing_on <= {on} THEN p.producing_on END",
                "stage": f"""CASE WHEN p.stage = '停滞' AND {v} >= {N_VERSIONS - 4} THEN '停滞'
                                  WHEN p.producing_on <= {on} THEN '投产' WHEN p.started_on <= {on} THEN '开工'
                                  WHEN p.signed_on <= {on} THEN '签约' ELSE '洽谈' END""",
                "next_step": f"'下一步' || {v % 3}",
                "due_on": f"{on} + CAST(hash(p.project_key, {v}) % 90 AS INTEGER) - 20",
            })
        select = ", ".join(f"{exprs[c]} AS {c}" for c in cols)
        where = "TRUE" if last else f"hash(p.project_key) % {N_VERSIONS} <= {v + 4}"
        con.execute(f"""INSERT INTO projects__log BY NAME
            SELECT {select}, {b} AS _batch_id, false AS _skip, '项目台账' AS _sheet,
                   row_number() OVER (ORDER BY p.project_key) + 3 AS _row
            FROM projects p WHERE {where}""")
        con.execute(f"INSERT INTO batch_datasets VALUES ({b}, 'projects', 'replace', NULL, NULL, {on}, true)")
        con.execute(f"""INSERT INTO import_log VALUES ({b}, 'import', '招商引资项目台账_' || strftime({on}, '%Y%m%d') || '.xlsx',
                        'bench', '项目台账', 'projects', 5000, 0, 0, 0, 0, 0, 0, {on}::TIMESTAMP, 'bench', NULL, NULL)""")
    con.execute(f"SELECT nextval('import_batch_seq') FROM range({N_VERSIONS})")   # later imports number on
    con.execute("DELETE FROM projects")   # the seed; the fold of the 24 versions writes the current table again
    store._rebuild(con, dataset("projects"))


def _targets(con) -> None:
    """Park targets for 2025 and, per leader (40), monthly tasks of 签约项目数, 签约投资额 and 开工项目数."""
    con.execute("""
        INSERT INTO targets BY NAME
        SELECT 2025 AS year, ind AS indicator, unit, target FROM (VALUES
            ('规上工业增加值增速', '%', 8.0), ('固定资产投资', '亿元', 60.0), ('签约项目数', '个', 1500.0),
            ('签约投资额', '亿元', 900.0), ('开工项目数', '个', 800.0), ('新设市场主体', '户', 60000.0),
            ('助企帮销额', '万元', 120000.0)) t(ind, unit, target)""")
    months = ", ".join(f"CAST(1 + hash(l, {m}) % 4 AS DOUBLE) AS m{m:02d}" for m in range(1, 13))
    con.execute(f"""
        INSERT INTO targets BY NAME
        SELECT 2025 AS year, ind AS indicator, unit, '领导' || l AS owner, NULL AS target, {months}
        FROM range(40) a(l), (VALUES ('签约项目数', '个'), ('签约投资额', '亿元'), ('开工项目数', '个')) t(ind, unit)""")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="生成省级规模的基准测试数据库")
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    args = ap.parse_args(argv)
    print(build(Path(args.out)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
