"""Several server processes over one store: writes to the store, reads from published snapshots.

Why this mechanism: DuckDB lets one process open a database file for writing, or several open it
read-only, never both at once. A dashboard process that held the store open for writing would lock
every other process out (they could not even read). So in the multi-process deployment
(PARK_SHARED=1, see deploy/):

- a write (an import, a rollback, a remembered column mapping, a dry-run preview) takes an
  exclusive file lock (`<store>.lock`, fcntl), opens the store read-write, does its work, closes
  it, and, when the data version changed, *publishes*: copies the closed file to
  `<store>.snapshots/park-<version>-<time>.duckdb` and atomically replaces the pointer file
  `<store>.current` (write to a temporary name, then rename) with that snapshot's name;
- every viewer reads the current snapshot through a read-only DuckDB connection
  (`viewer_connection`), looks at the pointer at most every POINTER_CHECK_S seconds, and opens the
  new snapshot when it changed. Queries already running finish on the old one (its file stays
  until no process has it open: POSIX keeps unlinked files readable).

So an import committed in one process is seen by the others within POINTER_CHECK_S, and blocks
no viewer: viewers never wait on the write lock nor on DuckDB's file lock. The cost is one file
copy per import (the sample store: a few MB, milliseconds; a 1M-row registry: about 0.3 s) and
KEEP_SNAPSHOTS copies on disk. A PostgreSQL server would also do, but would replace DuckDB in
every query of analytics/ and add a service to run; snapshots keep the library as it is.

Without PARK_SHARED (`make run`) nothing here is used: one process, one read-write connection.
After loading with the command line in the multi-process deployment, run
`python -m analytics.shared publish` (the start script does it).
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sys
import threading
import time
from pathlib import Path

SHARED_ENV_VAR = "PARK_SHARED"
POINTER_CHECK_S = 0.5        # how often a viewer looks at the pointer file, seconds
KEEP_SNAPSHOTS = 3           # snapshot files kept on disk (the newest ones)


def enabled() -> bool:
    """True in the multi-process deployment (PARK_SHARED=1)."""
    return os.environ.get(SHARED_ENV_VAR) == "1"


def _paths(db_path: str) -> tuple[Path, Path, Path]:
    db = Path(db_path).resolve()
    return db.with_name(db.name + ".snapshots"), db.with_name(db.name + ".current"), db.with_name(db.name + ".lock")


@contextlib.contextmanager
def write_lock(db_path: str):
    """The exclusive lock every writing process takes around its use of the store."""
    _, _, lock = _paths(db_path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def write_connection(db_path: str):
    """A read-write connection to the store for one write, published afterwards when the data changed."""
    from analytics import store
    with write_lock(db_path):
        con = store.connect(db_path)
        try:
            before = store.data_version(con)
            yield con
            changed = store.data_version(con) != before
        finally:
            con.close()
        if changed or current_snapshot(db_path) is None:
            _publish_locked(db_path)


def publish(db_path: str) -> Path:
    """Copy the store to a new snapshot and point viewers at it (takes the write lock)."""
    with write_lock(db_path):
        return _publish_locked(db_path)


def _publish_locked(db_path: str) -> Path:
    snaps, pointer, _ = _paths(db_path)
    snaps.mkdir(parents=True, exist_ok=True)
    from analytics import store
    con = store.connect(db_path)        # creates the schema of a new store; a clean close leaves no WAL
    try:
        version = store.data_version(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    name = f"park-{version}-{time.time_ns()}.duckdb"
    tmp = snaps / (name + ".tmp")
    shutil.copyfile(db_path, tmp)
    os.replace(tmp, snaps / name)
    ptmp = pointer.with_name(pointer.name + ".tmp")
    ptmp.write_text(name, encoding="utf-8")
    os.replace(ptmp, pointer)
    old = sorted((p for p in snaps.glob("park-*.duckdb") if p.name != name), key=lambda p: p.stat().st_mtime)
    for p in old[:max(0, len(old) - (KEEP_SNAPSHOTS - 1))]:
        with contextlib.suppress(OSError):
            p.unlink()
    return snaps / name


def current_snapshot(db_path: str) -> Path | None:
    """The snapshot the pointer names (None before the first publish)."""
    snaps, pointer, _ = _paths(db_path)
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    path = snaps / name
    return path if name and path.exists() else None


class _Viewer:
    """The read-only connection of this process to the current snapshot, swapped when it changes."""

    def __init__(self, db_path: str):
        self.db_path = db_path
        self.lock = threading.Lock()
        self.snapshot: Path | None = None
        self.con = None
        self.retired: list = []
        self.checked = 0.0

    def connection(self):
        now = time.monotonic()
        if self.con is not None and now - self.checked < POINTER_CHECK_S:
            return self.con
        with self.lock:
            self.checked = now
            snap = current_snapshot(self.db_path)
            if snap is None:
                snap = publish(self.db_path)
            if snap != self.snapshot or self.con is None:
                import duckdb
                con = duckdb.connect(str(snap), read_only=True)
                if self.con is not None:
                    self.retired.append((now, self.con))
                self.con, self.snapshot = con, snap
            # connections retired over a minute ago have no running query left: close them
            keep = []
            for at, con in self.retired:
                if now - at > 60:
                    with contextlib.suppress(Exception):
                        con.close()
                else:
                    keep.append((at, con))
            self.retired = keep
            return self.con


_VIEWERS: dict[str, _Viewer] = {}
_VIEWERS_LOCK = threading.Lock()


def viewer_connection(db_path: str):
    """This process's read-only connection to the current snapshot of `db_path` (use .cursor())."""
    with _VIEWERS_LOCK:
        viewer = _VIEWERS.setdefault(db_path, _Viewer(db_path))
    return viewer.connection()


def writer_for(connection):
    """A context-manager factory for the upload page: `with writer() as cur:` gives a connection or
    cursor that may write, also from a worker thread. Embedded (`make run`): a cursor of `connection`
    (the process's connection). Multi-process: write_connection() on the store, published after a change."""
    @contextlib.contextmanager
    def writer():
        if enabled():
            from analytics import store
            with write_connection(store.default_db_path()) as con:
                yield con
        else:
            cur = connection.cursor()
            try:
                yield cur
            finally:
                cur.close()
    return writer


def main(argv: list[str] | None = None) -> int:
    """`python -m analytics.shared publish [--db PATH]`: publish the store for the multi-process servers."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] != "publish":
        print("用法：python -m analytics.shared publish [--db 路径]", file=sys.stderr)
        return 2
    from analytics import store
    db = argv[argv.index("--db") + 1] if "--db" in argv else store.default_db_path()
    print(f"已发布快照：{publish(db).name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
