"""A longer run of the model-based store test (tests/test_store_model.py): random sequences of imports,
whole-ledger re-uploads with corrections/deletions/renames, period revisions, skip-invalid imports and
rollbacks, the store compared with a plain-Python reference model after every step.

    .venv/bin/python benchmarks/store_model.py [--examples 500] [--steps 12]

Prints the number of sequences checked and the time taken; exits 1 on the first difference
(hypothesis prints the shrunk failing sequence).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_store_model import check  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=500)
    parser.add_argument("--steps", type=int, default=12)
    args = parser.parse_args()
    start = time.perf_counter()
    try:
        check(args.examples, args.steps)
    except AssertionError as exc:
        print(f"模型与数据库不一致：{exc}")
        return 1
    took = time.perf_counter() - start
    print(f"已检查 {args.examples} 个随机操作序列（每个最多 {args.steps} 步），数据库与参照模型一致；用时 {took:.1f} 秒")
    return 0


if __name__ == "__main__":
    sys.exit(main())
