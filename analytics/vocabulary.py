"""The editable vocabulary: the words offices write for a stage, a status or a visit type.

data/vocabulary.csv holds one row per word: `dataset,field,canonical,synonym` ("projects,stage,开工,
主体施工中"). Analysts extend it without touching code: a ledger with a new word is refused with a
message naming this file, a line is added, and the next upload reads it. The canonical value must be
one of the field's allowed values (analytics.schema); `check()` lists the lines that are not.

Words are compared after Unicode NFKC with every space removed, so "存续（在营、开业、在册）" and
"存续(在营、开业、在册)" are one word. The file is read again whenever it changes (its mtime).
"""
from __future__ import annotations

import csv
import os
import re
import unicodedata
from pathlib import Path

VOCABULARY_PATH = Path(__file__).resolve().parent.parent / "data" / "vocabulary.csv"
VOCABULARY_FILE = "data/vocabulary.csv"  # as named in messages
COLUMNS = ("dataset", "field", "canonical", "synonym")
_cache: dict[str, tuple[float, dict[tuple[str, str], dict[str, str]]]] = {}


def word_key(text) -> str:
    """NFKC, no spaces: the form words are compared in."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))


def load(path: Path | str | None = None) -> dict[tuple[str, str], dict[str, str]]:
    """{(dataset, field): {synonym as written: canonical}} from the file (cached until it changes);
    `path` defaults to VOCABULARY_PATH as it is when called."""
    path = str(path or VOCABULARY_PATH)
    try:
        mtime = os.path.getmtime(path)
    except OSError:
        return {}
    hit = _cache.get(path)
    if hit and hit[0] == mtime:
        return hit[1]
    out: dict[tuple[str, str], dict[str, str]] = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for rec in csv.DictReader(fh):
            ds, fld = (rec.get("dataset") or "").strip(), (rec.get("field") or "").strip()
            canon, syn = (rec.get("canonical") or "").strip(), (rec.get("synonym") or "").strip()
            if ds and fld and canon and syn:
                out.setdefault((ds, fld), {})[syn] = canon
    _cache[path] = (mtime, out)
    return out


def synonyms(dataset: str, field: str, path: Path | str | None = None) -> dict[str, str]:
    """{word: canonical} for one field (empty when the file has none)."""
    return dict(load(path).get((dataset, field), {}))


def check(allowed: dict[tuple[str, str], tuple[str, ...]], path: Path | str | None = None) -> list[str]:
    """Lines whose canonical value is not allowed for their field, or whose field is unknown (Chinese)."""
    problems = []
    for (ds, fld), words in load(path).items():
        if (ds, fld) not in allowed:
            problems.append(f"{VOCABULARY_FILE}：没有数据集字段「{ds}.{fld}」（可用：{'、'.join(f'{a}.{b}' for a, b in allowed)}）")
            continue
        for syn, canon in words.items():
            if canon not in allowed[(ds, fld)]:
                problems.append(f"{VOCABULARY_FILE}：「{syn}」的标准值「{canon}」不是「{ds}.{fld}」的可填值"
                                f"（可填：{'、'.join(allowed[(ds, fld)])}）")
    return problems
