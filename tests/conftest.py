"""Shared fixtures: a store built from the sample workbooks with the command line (once per session)."""
from __future__ import annotations

import glob
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
for _p in (str(ROOT), str(TESTS)):
    if _p not in sys.path:
        sys.path.insert(0, _p)
SAMPLE_GLOB = str(ROOT / "data" / "sample" / "*.xlsx")


def _build_sample(path: Path) -> None:
    """Load data/sample/*.xlsx into `path` with the command line; the session fails when it cannot."""
    files = sorted(glob.glob(SAMPLE_GLOB))
    if not files:
        pytest.fail(f"示例数据缺失：{SAMPLE_GLOB}（运行 python -m analytics sample）")
    proc = subprocess.run([sys.executable, "-m", "analytics", "load", *files, "--db", str(path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        pytest.fail(f"示例数据导入失败（退出码 {proc.returncode}）：\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")


@pytest.fixture(scope="session")
def store_db(tmp_path_factory) -> tuple[Path, str]:
    """(path of the store loaded from data/sample/*.xlsx, 'sample'). Do not write to it: use store_copy."""
    sample = tmp_path_factory.mktemp("stores") / "sample.duckdb"
    _build_sample(sample)
    return sample, "sample"


@pytest.fixture()
def store_copy(store_db, tmp_path) -> tuple[Path, str]:
    """A private copy of the session store (path, kind), safe to open read-write."""
    src, kind = store_db
    dst = tmp_path / src.name
    shutil.copy(src, dst)
    return dst, kind


@pytest.fixture()
def navigation_mode(monkeypatch):
    """Keep AppTest in st.navigation mode on every rerun.

    AppTest resets PagesManager.uses_pages_directory before each run; with a pages/ folder next to
    app.py, each rerun after the first would then take Streamlit's old pages-folder mode and run the
    page script alone (no app.py, no sidebar). A real server sets the flag once, when app.py calls
    st.navigation (and app_lib.ui.shell_guard covers a first request to a page URL)."""
    from streamlit.runtime.pages_manager import PagesManager
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
