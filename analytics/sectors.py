"""The park's sectors: GB/T 4754-2017 industry codes -> 医疗器械, 医药, 食品保健品,
生产性服务业, 绿色算力, 其他, through the editable file data/sector_mapping.csv.

The mapping is a list of code prefixes; the longest matching prefix wins, and
a code no prefix matches is 其他. A sector written in the source file itself
(产业类别) wins over the mapping when it names one of the park's sectors.
"""
from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from pathlib import Path

from analytics.schema import SECTORS

DEFAULT_MAPPING_PATH = Path(__file__).resolve().parent.parent / "data" / "sector_mapping.csv"
OTHER = "其他"
# free-text sector names seen in ledgers -> the park's sector
SECTOR_TEXT_SYNONYMS = {
    "医疗器械": "医疗器械", "器械": "医疗器械", "医疗设备": "医疗器械",
    "医药": "医药", "生物医药": "医药", "藏医药": "医药", "中藏药": "医药", "制药": "医药",
    "食品保健品": "食品保健品", "食品": "食品保健品", "保健品": "食品保健品", "保健食品": "食品保健品",
    "生物资源精深加工": "食品保健品", "特色食品": "食品保健品",
    "生产性服务业": "生产性服务业", "生产性服务": "生产性服务业", "现代服务业": "生产性服务业", "服务业": "生产性服务业",
    "检验检测": "生产性服务业",
    "绿色算力": "绿色算力", "算力": "绿色算力", "数据中心": "绿色算力", "大数据": "绿色算力",
    "其他": OTHER,
}


def load_mapping(path: Path | str = DEFAULT_MAPPING_PATH) -> dict[str, str]:
    """prefix -> sector from the mapping CSV (columns prefix, sector[, note]).

    Raises ValueError (Chinese) naming the line when a sector is not one of SECTORS.
    """
    mapping: dict[str, str] = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for lineno, row in enumerate(csv.DictReader(fh), start=2):
            prefix = normalise_industry_code(row.get("prefix") or "")
            sector = (row.get("sector") or "").strip()
            if not prefix:
                continue
            if sector not in SECTORS:
                raise ValueError(f"产业映射文件 {path} 第{lineno}行：产业“{sector}”不是 {'、'.join(SECTORS)} 之一")
            mapping[prefix] = sector
    return mapping


def mapping_fingerprint(path: Path | str = DEFAULT_MAPPING_PATH) -> str:
    """SHA-256 of the mapping file, to know when sectors must be recomputed."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# GB/T 4754-2017 division (2 digits) -> section letter
_SECTION_BY_DIVISION = {}
for _letter, _lo, _hi in (("A", 1, 5), ("B", 6, 12), ("C", 13, 43), ("D", 44, 46), ("E", 47, 50),
                          ("F", 51, 52), ("G", 53, 60), ("H", 61, 62), ("I", 63, 65), ("J", 66, 69),
                          ("K", 70, 70), ("L", 71, 72), ("M", 73, 75), ("N", 76, 79), ("O", 80, 82),
                          ("P", 83, 83), ("Q", 84, 85), ("R", 86, 90), ("S", 91, 96), ("T", 97, 97)):
    for _d in range(_lo, _hi + 1):
        _SECTION_BY_DIVISION[f"{_d:02d}"] = _letter


def normalise_industry_code(code: str | None) -> str | None:
    """'3581' -> 'C3581', ' c3581 ' -> 'C3581'; None or '' -> None; unknown shapes are returned cleaned."""
    if code is None:
        return None
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(code))).upper()
    if not text:
        return None
    if text[0].isdigit() and len(text) >= 2:
        letter = _SECTION_BY_DIVISION.get(text[:2])
        if letter:
            return letter + text
    return text


def sector_from_text(text: str | None) -> str | None:
    """A free-text sector ('生物医药', '医疗器械产业') -> one of SECTORS, or None when it names none."""
    if text is None:
        return None
    t = unicodedata.normalize("NFKC", str(text)).strip()
    if not t:
        return None
    if t in SECTOR_TEXT_SYNONYMS:
        return SECTOR_TEXT_SYNONYMS[t]
    for key in sorted(SECTOR_TEXT_SYNONYMS, key=len, reverse=True):
        if key in t:
            return SECTOR_TEXT_SYNONYMS[key]
    return None


def sector_for_code(code: str | None, mapping: dict[str, str]) -> str:
    """Longest-prefix match of an industry code; 其他 when nothing matches."""
    code = normalise_industry_code(code)
    if not code:
        return OTHER
    for n in range(len(code), 0, -1):
        hit = mapping.get(code[:n])
        if hit:
            return hit
    return OTHER
