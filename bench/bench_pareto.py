"""Benchmark: the exact Pareto frontier of a million packages for six parties.

Six issues with ten values each (10^6 packages) and six parties with random positions and
saliences (fixed seeds). For each seed it times :func:`parley.deals.pareto_frontier` with
the issue-by-issue dynamic programme (``method="additive"``, the default) and, as the
cross-check, the chunked scan of every package (``method="scan"``), for the whole space
and for the deals only, checks that both give the same frontier, and reports the peak
memory that numpy allocated (``tracemalloc``, in a separate run so that tracing does not
slow the timed one) and the process's peak resident size.

Run with ``python bench/bench_pareto.py`` (``--help`` for options).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from typing import Any

import numpy as np

from parley.deals import grid, pareto_frontier, preferences
from parley.scenario import Scenario


def scenario(seed: int, parties: int, issues: int) -> Scenario:
    """Random positions on 0-100, saliences in [0.1, 1], a status quo on every issue."""
    rng = np.random.default_rng(seed)
    return Scenario.model_validate({
        "name": f"bench-{seed}",
        "actors": [{"id": f"p{i}", "name": f"P{i}", "capability": 1} for i in range(parties)],
        "issues": [{"id": f"i{j}", "name": f"I{j}", "status_quo": float(rng.integers(0, 101))}
                   for j in range(issues)],
        "stances": [{"actor": f"p{i}", "issue": f"i{j}",
                     "position": float(rng.integers(0, 101)),
                     "salience": float(rng.uniform(0.1, 1.0))}
                    for i in range(parties) for j in range(issues)],
    })


def run(prefs: Any, space: Any, method: str, deals_only: bool) -> tuple[Any, float, float]:
    start = time.perf_counter()
    front = pareto_frontier(prefs, space, method=method, deals_only=deals_only)
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    pareto_frontier(prefs, space, method=method, deals_only=deals_only)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return front, elapsed, peak / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--parties", type=int, default=6)
    parser.add_argument("--issues", type=int, default=6)
    parser.add_argument("--values", type=int, default=10, help="values per issue")
    parser.add_argument("--skip-scan", action="store_true",
                        help="skip the (slower) full scan used as the cross-check")
    args = parser.parse_args(argv)
    methods = ["additive"] if args.skip_scan else ["additive", "scan"]
    print(f"{args.values}^{args.issues} = {args.values ** args.issues:,} packages, "
          f"{args.parties} parties, numpy {np.__version__}")
    print(f"{'seed':>4} {'set':>6} {'method':>9} {'frontier':>9} {'seconds':>8} "
          f"{'peak MiB':>9}")
    ok = True
    for seed in args.seeds:
        s = scenario(seed, args.parties, args.issues)
        prefs, space = preferences(s), grid(s, args.values)
        for deals_only in (False, True):
            found = {}
            for method in methods:
                front, elapsed, peak = run(prefs, space, method, deals_only)
                found[method] = front.index
                label = "deals" if deals_only else "all"
                print(f"{seed:>4} {label:>6} {method:>9} {len(front):>9,} {elapsed:>8.2f} "
                      f"{peak:>9.1f}")
            if len(found) == 2 and not np.array_equal(found["additive"], found["scan"]):
                print("  MISMATCH between methods", file=sys.stderr)
                ok = False
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident size of the process: {rss:.0f} MiB")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
