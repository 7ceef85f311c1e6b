"""analytics.screenshots and write_briefing(screenshots=True) in a real browser: the app served on a free
port from a snapshot of the store, every dashboard page and the briefing page captured full-page."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from analytics import briefing, screenshots, store

CHROMIUM = Path(screenshots.CHROMIUM)
pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="未找到 /usr/bin/chromium（apt-get install chromium fonts-noto-cjk），跳过截图测试")]
AS_OF = dt.date(2025, 6, 15)


def _pixel_stats(path: Path) -> tuple[tuple[int, int], float, int]:
    """(size, variance of the grey levels, number of distinct grey levels) of a PNG."""
    image = pytest.importorskip("PIL.Image")
    with image.open(path) as im:
        grey = im.convert("L")
        hist = grey.histogram()
    n = sum(hist)
    mean = sum(i * h for i, h in enumerate(hist)) / n
    var = sum(h * (i - mean) ** 2 for i, h in enumerate(hist)) / n
    return grey.size, var, sum(1 for h in hist if h)


def test_write_briefing_with_screenshots(store_copy, tmp_path):
    db, kind = store_copy
    con = store.connect(str(db))
    try:
        paths = briefing.write_briefing(con, AS_OF, tmp_path, screenshots=True)
        # the caller's connection stays usable (the app read a snapshot, not the open file)
        assert con.execute("SELECT count(*) FROM entities").fetchone()[0] > 0
    finally:
        con.close()
    shots = [p for p in paths if p.parent.name == "screenshots"]
    assert [p.stem for p in shots] == list(screenshots.DASHBOARD_PATHS)
    for p in shots:
        (w, h), var, levels = _pixel_stats(p)
        assert w == screenshots.VIEWPORT["width"] and h >= screenshots.VIEWPORT["height"], p.name
        # a blank or single-colour page has variance ~0 and a handful of grey levels
        assert var > 100 and levels > 50, (p.name, var, levels)
    assert briefing.write_briefing.last_timings["screenshots_s"] > 0


def test_serve_app_stops_its_server(tmp_path):
    import urllib.request
    db = tmp_path / "empty.duckdb"
    store.connect(str(db)).close()
    with screenshots.serve_app(db) as url:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as r:
            assert r.status == 200
    with pytest.raises(OSError):   # nothing answers once the context has exited
        urllib.request.urlopen(f"{url}/_stcore/health", timeout=5)


def test_snapshot_of_an_in_memory_store(tmp_path):
    con = store.connect(":memory:")
    con.execute("INSERT INTO service_accounts (account, leader) VALUES ('甲公司', '王建国')")
    with screenshots.snapshot(con) as path:
        copy = store.connect(str(path), read_only=True)
        assert copy.execute("SELECT account FROM service_accounts").fetchall() == [("甲公司",)]
        copy.close()
    assert not path.exists()
