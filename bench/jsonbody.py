"""What the JSON body checks (api/body.py) cost beside parsing: nesting bound, lone surrogates, NUL.

Usage: python bench/jsonbody.py [--inputs 2000] [--runs 50]
Builds a Dash-callback-like body (`--inputs` inputs, each a small nested value with text holding brackets), then
prints the median time of json.loads and of the three checks, and their ratio; and how long refusing a body of
100,000 `[` takes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.body import lone_surrogate, nul, too_deep


def median_ms(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    value = {"a": [1, 2, {"b": "中文 text [x] {y}", "c": 'quote \\" and \\\\ backslash'}]}
    inputs = [{"id": f"c{i}", "property": "value", "value": value} for i in range(args.inputs)]
    body = json.dumps({"output": "x.children", "inputs": inputs}, ensure_ascii=False).encode()
    parse = median_ms(lambda: json.loads(body), args.runs)
    checks = median_ms(lambda: (too_deep(body), lone_surrogate(body), nul(body)), args.runs)
    print(f"body {len(body) / 1024:.0f} KB: json.loads {parse:.2f} ms, checks {checks:.2f} ms ({checks / parse:.2f}x of parsing)")
    deep = b"[" * 100_000
    print(f"refusing 100,000 '[': {median_ms(lambda: too_deep(deep), max(3, args.runs // 5)):.2f} ms")


if __name__ == "__main__":
    main()
