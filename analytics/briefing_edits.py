"""The writer's edits of the briefing text, kept with the briefing's 期号.

One JSON file next to the database (<db dir>/briefing_edits.json; PARK_DB decides where), one
entry per 期号 ("2025年第6期"):

    {"2025年第6期": {"as_of": "2025-06-15", "saved_at": "2025-06-16T09:30:00",
                     "sections": {"sales": {"text": "edited paragraph", "generated": "what the data said"}}}}

Only paragraphs are edited; figures, charts and tables stay tied to the data. `generated` is the
text the data gave when the edit was saved, so the page can say when the data has changed since
(stale()). Writes replace the file atomically (a temporary file renamed over it).
"""
from __future__ import annotations

import json
import os
import tempfile
from datetime import date, datetime
from pathlib import Path

FILE_NAME = "briefing_edits.json"


def default_path() -> Path:
    """The edits file of the default store (PARK_DB, else data/park.duckdb)."""
    from analytics import store
    return path_for(store.default_db_path())


def path_for(db_path: str | os.PathLike) -> Path:
    """<directory of the database>/briefing_edits.json (':memory:' -> the current directory)."""
    db = str(db_path)
    return (Path.cwd() if db == ":memory:" else Path(db).resolve().parent) / FILE_NAME


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ValueError(f"简报修改记录 {path} 无法读取（{exc}）：可删除该文件后重新编辑") from exc
    return data if isinstance(data, dict) else {}


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".briefing_edits_", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
    os.replace(tmp, path)


def load(path: Path, issue: str) -> dict[str, dict]:
    """{subject: {"text", "generated"}} saved for the 期号 `issue` ({} when none)."""
    return dict(_read(path).get(issue, {}).get("sections", {}))


def texts(path: Path, issue: str) -> dict[str, str]:
    """{subject: edited text} for the 期号 (what briefing.apply_edits takes)."""
    return {k: v["text"] for k, v in load(path, issue).items() if v.get("text")}


def save(path: Path, issue: str, as_of: date, edited: dict[str, str], generated: dict[str, str]) -> int:
    """Keep the edits of the 期号: every subject whose text differs from the generated one (others are
    dropped, so saving the generated text undoes an edit). Returns the number of edited sections."""
    data = _read(path)
    sections = {k: {"text": t.strip(), "generated": generated.get(k, "")}
                for k, t in edited.items() if t and t.strip() and t.strip() != generated.get(k, "").strip()}
    if sections:
        data[issue] = {"as_of": as_of.isoformat(), "saved_at": datetime.now().isoformat(timespec="seconds"),
                       "sections": sections}
    else:
        data.pop(issue, None)
    _write(path, data)
    return len(sections)


def clear(path: Path, issue: str) -> None:
    """Forget the edits of the 期号."""
    data = _read(path)
    if data.pop(issue, None) is not None:
        _write(path, data)


def stale(saved: dict[str, dict], generated: dict[str, str]) -> list[str]:
    """The subjects whose generated text has changed since their edit was saved (the data moved)."""
    return [k for k, v in saved.items() if v.get("generated", "") != generated.get(k, "")]
