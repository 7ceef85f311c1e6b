"""数据导入 page under AppTest: viewers cannot upload; an analyst logs in, previews, commits,
sees the history and rolls back; bad files get their Chinese message and change nothing."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from streamlit.testing.v1 import AppTest

from analytics import auth, store

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/upload.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PASSWORD = "园区分析员2025"


pytestmark = pytest.mark.usefixtures("navigation_mode")


@pytest.fixture
def db(store_copy, monkeypatch):
    path, _ = store_copy
    monkeypatch.setenv(store.DB_ENV_VAR, str(path))
    monkeypatch.setenv(auth.HASH_ENV_VAR, auth.hash_password(PASSWORD, salt=b"fixed-test-salt!"))
    return path


def _app(role: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if role:
        at.session_state["role"] = role
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _registry_book(*rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "名录"
    ws.append(["市场主体名录（测试导出）"])
    ws.append(["统一社会信用代码", "企业名称", "成立日期", "登记状态"])
    for r in rows:
        ws.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _count(db: Path, sql: str) -> int:
    con = store.connect(db)  # same configuration as the app's connection in this process
    try:
        return con.execute(sql).fetchall()[0][0]
    finally:
        con.close()


def test_a_viewer_sees_the_login_and_no_uploader(db):
    at = _app()
    assert not at.get("file_uploader")
    assert at.text_input(key="login_password")
    assert "需要数据分析员身份" in at.info[0].value


def test_wrong_then_right_password(db):
    at = _app()
    at.text_input(key="login_password").input("不对")
    at.text_input(key="login_name").input("王分析")
    submit = [b for b in at.get("button") if getattr(b, "label", "") == "登录"]
    assert submit, "login button"
    submit[0].click()
    at.run()
    assert [e.value for e in at.error] == ["密码不正确。"]
    at.text_input(key="login_password").input(PASSWORD)
    [b for b in at.get("button") if getattr(b, "label", "") == "登录"][0].click()
    at.run()
    assert at.session_state["role"] == "analyst" and at.session_state["analyst_name"] == "王分析（共用密码）"  # a shared hash: the name is only typed
    assert at.file_uploader(key="upload_files")


def test_upload_preview_commit_history_rollback(db):
    before = _count(db, "SELECT count(*) FROM entities")
    at = _app("analyst")
    data = _registry_book(("91630100MA752YCQ37", "青海测试生物科技有限公司", "2025-06-01", "存续"))
    at.file_uploader(key="upload_files").set_value([("新名录.xlsx", data, XLSX)])
    at.run()
    assert not at.exception and not at.error
    counts = next(d.value for d in at.dataframe if "新增" in d.value.columns)
    assert counts[["工作表", "新增", "更新", "未变"]].values.tolist() == [["名录", 1, 0, 0]]
    headline = next(d.value for d in at.dataframe if "导入后" in d.value.columns).set_index("指标")
    assert headline.loc["市场主体总数（户）", "导入前"] == "6879"
    assert headline.loc["市场主体总数（户）", "导入后"] == "6880"
    assert _count(db, "SELECT count(*) FROM entities") == before  # preview wrote nothing
    at.button(key="commit_0").click()
    at.run()
    assert at.success[0].value.startswith("已导入“新名录.xlsx”（批次 ")
    assert _count(db, "SELECT count(*) FROM entities") == before + 1
    batch = _count(db, "SELECT max(batch_id) FROM import_log")
    log = next(d.value for d in at.dataframe if "被撤销于批次" in d.value.columns)
    assert log.iloc[0]["批次"] == batch and log.iloc[0]["文件"] == "新名录.xlsx" and log.iloc[0]["操作人"] == "分析员"
    at.selectbox(key="rollback_batch").set_value(batch)
    at.run()
    assert at.button(key="rollback_button").disabled
    at.checkbox(key="rollback_confirm").check()
    at.run()
    at.button(key="rollback_button").click()
    at.run()
    undo = _count(db, "SELECT max(batch_id) FROM import_log WHERE kind = 'rollback'")
    assert [s.value for s in at.success] == [f"已撤销批次 {batch}（撤销记录为批次 {undo}），各页已更新。"]
    assert _count(db, "SELECT count(*) FROM entities") == before


def test_every_format_the_reader_reads_can_be_uploaded(db):
    """The uploader took only .xlsx/.xlsm/.xls/.csv: an .ods, .xlsb or a web system's .htm / .mht export (read
    by analytics.ingest, listed in the README) got a red mark and nothing else. An .htm table is previewed."""
    at = _app("analyst")
    accepted = set(at.file_uploader(key="upload_files").proto.type)
    assert {".xlsx", ".xls", ".xlsb", ".ods", ".csv", ".htm", ".mht"} <= accepted
    html = ("<table><tr><td>统一社会信用代码</td><td>企业名称</td><td>成立日期</td><td>登记状态</td></tr>"
            "<tr><td>91630100MA752YCQ37</td><td>青海测试生物科技有限公司</td><td>2025-06-01</td><td>存续</td></tr>"
            "</table>").encode()
    at.file_uploader(key="upload_files").set_value([("名录导出.htm", html, "text/html")])
    at.run()
    assert not at.exception and not at.error
    counts = next(d.value for d in at.dataframe if "新增" in d.value.columns)
    assert counts[["工作表", "新增"]].values.tolist() == [["名录导出", 1]]


def test_a_file_with_errors_is_refused_and_the_bad_cells_can_be_downloaded(db):
    before = _count(db, "SELECT count(*) FROM entities")
    at = _app("analyst")
    data = _registry_book(("BAD-CODE", "甲公司", "2025-06-01", "存续"),
                          ("91630100MA752YCQ37", "乙公司", "2025-13-01", "存续"))
    at.file_uploader(key="upload_files").set_value([("坏名录.xlsx", data, XLSX)])
    at.run()
    assert at.error[0].value.startswith("文件“坏名录.xlsx”有 2 个错误，已拒绝导入，数据库未作任何改动。")
    problems = next(d.value for d in at.dataframe if "问题与处理办法" in d.value.columns)
    assert problems[["Excel行号", "列"]].values.tolist()[:2] == [[3, "统一社会信用代码"], [4, "成立日期"]]
    assert "commit_0" not in [b.key for b in at.button]
    assert _count(db, "SELECT count(*) FROM entities") == before
    # skipping the bad rows is the analyst's explicit choice
    at.checkbox(key="skip_invalid").check()
    at.run()
    at.button(key="commit_0").click()
    at.run()
    assert at.success and _count(db, "SELECT count(*) FROM entities") == before


@pytest.mark.parametrize("name, data", [
    ("台账.xlsx", bytes(range(256)) * 4),  # a CSV renamed .xlsx is read since issue 10; these bytes are no table
    ("旧格式.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512),
    ("空.xlsx", b""),
])
def test_not_a_workbook_gets_a_chinese_reason(db, name, data):
    at = _app("analyst")
    at.file_uploader(key="upload_files").set_value([(name, data, XLSX)])
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and name in at.error[0].value
    assert not [b for b in at.button if b.key == "commit_0"]


def test_a_file_over_the_size_limit_is_refused(db, monkeypatch):
    monkeypatch.setenv("PARK_MAX_UPLOAD_MB", "0.001")
    at = _app("analyst")
    at.file_uploader(key="upload_files").set_value([("大.xlsx", _registry_book(*[("x", "y", "2025-01-01", "存续")] * 50),
                                                     XLSX)])
    at.run()
    assert at.error[0].value.startswith("文件“大.xlsx”大小") and "超过 0.001 MB 的上限" in at.error[0].value


def _sales_book() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "展销中心"
    ws.append(["日期", "帮销单位", "金额（万元）"])
    ws.append(["2025-06-01", "青海甲公司", 1.5])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_column_mapped_by_hand_is_remembered_for_the_same_layout(db):
    at = _app("analyst")
    at.file_uploader(key="upload_files").set_value([("帮销.xlsx", _sales_book(), XLSX)])
    at.run()
    box = at.selectbox(key="manual_0_展销中心_帮销单位")
    assert box.value == "" and box.options[0] == "（不使用）" and "企业名称" in box.options
    box.set_value("enterprise")
    at.run()
    at.button(key="apply_map_0_展销中心").click()
    at.run()
    assert not at.exception
    mapping = next(d.value for d in at.dataframe if "识别为" in d.value.columns)
    assert ["帮销单位", "企业名称"] in mapping[["文件中的列", "识别为"]].values.tolist()
    # a new session, the same layout: the mapping applies by itself
    again = _app("analyst")
    again.file_uploader(key="upload_files").set_value([("帮销-7月.xlsx", _sales_book(), XLSX)])
    again.run()
    mapping = next(d.value for d in again.dataframe if "识别为" in d.value.columns)
    assert ["帮销单位", "企业名称"] in mapping[["文件中的列", "识别为"]].values.tolist()
    assert not [s for s in again.selectbox if s.key and s.key.startswith("manual_")]


def test_with_an_identity_provider_viewers_get_the_single_sign_on_button(db):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x",
                          "client_id": "park", "client_secret": "y",
                          "server_metadata_url": "https://sso.example/.well-known/openid-configuration"}
    at.secrets["analysts"] = ["analyst@example.gov.cn"]
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    assert at.button(key="oidc_login").label == "登录"
    assert "login_password" not in [t.key for t in at.text_input]
    assert not at.get("file_uploader")
