"""Process trees on Linux: find every process below a pid (from /proc) and kill them all.

Chromium (screenshots) and LibreOffice start processes in sessions of their own, so killing a
process group is not enough: kill_tree walks the parent links instead.
"""
from __future__ import annotations

import os
import signal


def descendants(pid: int) -> list[int]:
    """Every process below pid (children, grandchildren …), read from /proc; [] elsewhere."""
    children: dict[int, list[int]] = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return []
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def kill_tree(pid: int, include_self: bool = True) -> None:
    """SIGKILL every process below pid (and pid itself unless include_self is False)."""
    for p in descendants(pid) + ([pid] if include_self else []):
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass
