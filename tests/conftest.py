"""Shared fixtures: a store built from the sample workbooks (once per session), or, while the
sample or the loader is not available, the synthetic store of tests/synthetic_store.py."""
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


def _build_sample(path: Path) -> bool:
    """Load data/sample/*.xlsx into `path` with the command line; False when that is not possible."""
    files = sorted(glob.glob(SAMPLE_GLOB))
    if not files:
        return False
    proc = subprocess.run([sys.executable, "-m", "analytics", "load", *files, "--db", str(path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    return proc.returncode == 0


@pytest.fixture(scope="session")
def store_db(tmp_path_factory) -> tuple[Path, str]:
    """(path of a store file to copy, kind) where kind is 'sample' or 'synthetic'. Do not write to it."""
    base = tmp_path_factory.mktemp("stores")
    sample = base / "sample.duckdb"
    if _build_sample(sample):
        return sample, "sample"
    if sample.exists():
        sample.unlink()
    from synthetic_store import build
    synthetic = base / "synthetic.duckdb"
    build(str(synthetic))
    return synthetic, "synthetic"


@pytest.fixture()
def store_copy(store_db, tmp_path) -> tuple[Path, str]:
    """A private copy of the session store (path, kind), safe to open read-write."""
    src, kind = store_db
    dst = tmp_path / src.name
    shutil.copy(src, dst)
    return dst, kind
