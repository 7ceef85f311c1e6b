"""The byte-level shortcuts of analytics.ingest.parse give exactly what the regexes they stand in for give."""
from __future__ import annotations

import random

import pyarrow as pa
import pyarrow.compute as pc

from analytics.ingest.parse import EMPTY_CELL_RE, _nfkc_where_needed, _normalise_text, empty_cells

# placeholders, spaces of every kind, and characters that look like them but are data
_ALPHABET = list(" \t\n\r\f\v\u3000-—–―~/\\\uff0d\uff0f\uff5e无暂a1西有\u00a0\u2028…")


def test_empty_cells_is_the_regex_on_random_cells():
    rng = random.Random(7)
    cells = [None if rng.random() < 0.05 else "".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(4)))
             for _ in range(20000)]
    arr = pa.array(cells).slice(3)  # a slice: offsets that do not start at 0
    want = pc.fill_null(pc.match_substring_regex(arr, EMPTY_CELL_RE), True).to_numpy(zero_copy_only=False)
    got = empty_cells(arr)
    assert want.sum() > 1000 and (got == want).all()


def test_nfkc_only_where_a_character_needs_it():
    arr = pa.array(["ＡＢＣ１２３", "西宁", None, "", "a\u00a0b", "（一）", "－", "\u200b91630100", "正常"]).slice(1)
    assert _nfkc_where_needed(arr).to_pylist() == ["西宁", None, "", "a b", "(一)", "-", "91630100", "正常"]
    assert _normalise_text(arr, "str").to_pylist() == ["西宁", None, None, "a b", "(一)", None, "91630100", "正常"]
    spaced = pa.array(["a  b", "x\ty", "青海 西宁", " 91 63 "])
    assert _normalise_text(spaced, "str").to_pylist() == ["a b", "x y", "青海 西宁", "91 63"]
    assert _normalise_text(spaced, "code").to_pylist() == ["AB", "XY", "青海西宁", "9163"]
