"""Items 2 and 5 of issue 15: an upload is parsed once (keyed by its content hash), never on a rerun;
the heavy work runs off the script thread; Streamlit's upload endpoint is bounded per session and
per server and refuses visitors who are not analysts."""
from __future__ import annotations

import datetime as dt
import random
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import store
from app_lib import uploads

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/upload.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS_8MB = 170_000

pytestmark = pytest.mark.usefixtures("navigation_mode")


def _warning_laden_registry(path: Path, rows: int) -> None:
    """A registry of `rows` rows (about 8 MB at 170,000) whose capital column names no unit (a sheet
    warning) and every 40th row of which was founded in the future (a row warning)."""
    from stdnum.cn import uscc
    from xlsx_stream import write_sheet
    rng = random.Random(15)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    base = dt.date(2001, 1, 1)

    def body_rows():
        yield ["统一社会信用代码", "市场主体名称", "主体类型", "成立日期", "登记状态", "国民经济行业代码", "注册资本"]
        for i in range(rows):
            body = "916301" + "".join(rng.choices("0123456789", k=2)) + "".join(rng.choices(alphabet, k=9))
            day = dt.date(2031, 1, 1) if i % 40 == 0 else base + dt.timedelta(days=rng.randrange(8000))
            yield [body + uscc.calc_check_digit(body), f"西宁某某生物科技有限公司{i}", "有限责任公司", day,
                   "存续", "C2720", round(rng.random() * 5000, 2)]
    write_sheet(path, "市场主体名录", body_rows())


@pytest.fixture(scope="module")
def big_upload(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("uploads") / "名录_8MB.xlsx"
    _warning_laden_registry(path, ROWS_8MB)
    return path.read_bytes()


@pytest.mark.slow
def test_a_warning_laden_8mb_upload_is_previewed_once_and_reruns_under_a_second(store_copy, monkeypatch,
                                                                                 big_upload):
    monkeypatch.setenv(store.DB_ENV_VAR, str(store_copy[0]))
    assert len(big_upload) > 7.5 * 2**20
    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["role"] = "analyst"
    at.run()
    at.switch_page(PAGE)
    at.run()
    label = "正在读取和检查“名录_8MB.xlsx”"
    before = uploads.RUNS.get(label, 0)
    at.file_uploader(key="upload_files").set_value([("名录_8MB.xlsx", big_upload, XLSX)])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    problems = next(d.value for d in at.dataframe if "问题与处理办法" in d.value.columns)
    assert (problems["级别"] == "警告").sum() > 1 and not at.error
    counts = next(d.value for d in at.dataframe if "新增" in d.value.columns)
    assert counts["新增"].sum() == ROWS_8MB
    assert uploads.RUNS[label] == before + 1
    times = []
    for _ in range(3):  # reruns: a click anywhere on the page, the sidebar, a second look
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        assert not at.exception
    at.checkbox(key="skip_invalid").check()  # a real choice: only the preview is computed again
    at.run()
    assert uploads.RUNS[label] == before + 1, "the file was read again on a rerun"
    assert max(times) < 1.0, times
    print(f"8 MB upload: reruns {', '.join(f'{t:.2f}' for t in times)} s")


class _FakeRuntime:
    """What install_guard needs from Streamlit's runtime: the file manager and the sessions' roles."""

    def __init__(self, roles):
        from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
        self.uploaded_file_mgr = MemoryUploadedFileManager("/_stcore/upload_file")
        self.roles = roles

    def get_app_session(self, sid):
        role = self.roles.get(sid)
        return None if role is None else type("S", (), {"session_state": {"role": role}})()

    def is_active_session(self, sid):
        return sid in self.roles


def test_the_upload_endpoint_is_bounded_and_for_analysts_only(monkeypatch):
    from starlette.exceptions import HTTPException
    from streamlit.runtime.uploaded_file_manager import UploadedFileRec
    rt = _FakeRuntime({"viewer-1": "viewer", "analyst-1": "analyst", "analyst-2": "analyst"})
    monkeypatch.setattr(uploads, "_runtime", lambda: rt)
    monkeypatch.setattr(uploads, "MAX_SESSION_UPLOAD_MB", 100)
    monkeypatch.setattr(uploads, "MAX_SERVER_UPLOAD_MB", 150)
    assert uploads.install_guard()
    mgr = rt.uploaded_file_mgr
    mb45 = b"x" * (45 << 20)

    def put(sid, fid):
        mgr.add_file(sid, UploadedFileRec(file_id=fid, name="a.xlsx", type=XLSX, data=mb45))

    with pytest.raises(HTTPException) as exc:
        put("viewer-1", "f1")  # an anonymous visitor: nothing kept
    assert exc.value.status_code == 403 and exc.value.detail == "只有数据分析员可以上传文件"
    put("analyst-1", "f1")
    put("analyst-1", "f2")
    with pytest.raises(HTTPException) as exc:  # the third 45 MB file of one session: over 100 MB
        put("analyst-1", "f3")
    assert exc.value.status_code == 413 and exc.value.detail == "本次会话上传的文件合计超过 100 MB，请先移除已上传的文件"
    put("analyst-1", "f2")  # the same file again replaces itself
    put("analyst-2", "g1")  # 135 MB held on the server ...
    with pytest.raises(HTTPException) as exc:  # ... the next one would be over 150 MB
        put("analyst-2", "g2")
    assert exc.value.detail == "服务器暂存的上传文件合计超过 150 MB，请稍后再试"
    assert sum(len(f.data) for s in mgr.file_storage.values() for f in s.values()) == 135 << 20
    mgr.remove_session_files("analyst-1")  # a session that leaves frees what it held
    put("analyst-2", "g2")
