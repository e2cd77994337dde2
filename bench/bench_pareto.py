"""Benchmark: the exact Pareto frontier of a million packages for six parties.

Six issues with ten values each (10^6 packages) and six parties with random positions and
saliences (fixed seeds). For each seed it times :func:`parley.deals.pareto_frontier` with
the issue-by-issue dynamic programme (``method="additive"``, the default) and, as the
cross-check, the chunked scan of every package (``method="scan"``), for the whole space
and for the deals only, checks that both give the same frontier, and reports the peak
memory that numpy allocated (``tracemalloc``, in a separate run so that tracing does not
slow the timed one) and the process's peak resident size.

In the same run it times NegMAS's ``pareto_frontier`` (the end-to-end path from ufuns and
issues) on the same problems, exported with ``bench/oracle_negmas_deals.py``
(``LinearAdditiveUtilityFunction`` per party) and run in a subprocess in NegMAS's own virtual
environment (``/tmp/negmas-deals-venv`` or ``$PARLEY_NEGMAS_DEALS_VENV``, created if absent),
which measures its seconds and peak resident size (``resource.getrusage``) inside itself and
returns its frontier, checked against parley's. parley's peak resident size is measured the
same way, in a fresh process per method (``--probe``). If NegMAS does not finish a size
within ``--negmas-timeout`` seconds, it is run on 10^4 and 10^5 packages (4 and 5 issues)
and its time at the full size is extrapolated linearly from 10^5; the report says so.

Run with ``python bench/bench_pareto.py`` (``--help`` for options; ``--skip-negmas`` leaves
NegMAS out).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import oracle_negmas_deals as negmas

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


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def probe(seed: int, parties: int, issues: int, values: int, method: str,
          deals_only: bool) -> dict[str, float]:
    """In a fresh process: seconds and peak resident size of one frontier computation."""
    s = scenario(seed, parties, issues)
    prefs, space = preferences(s), grid(s, values)
    before = _rss_mib()
    start = time.perf_counter()
    front = pareto_frontier(prefs, space, method=method, deals_only=deals_only)
    return {"seconds": time.perf_counter() - start, "rss_before_mib": before,
            "peak_rss_mib": _rss_mib(), "frontier_size": float(len(front))}


def run_probe(seed: int, parties: int, issues: int, values: int, method: str,
              deals_only: bool) -> dict[str, float]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--probe", str(seed),
           "--parties", str(parties), "--issues", str(issues), "--values", str(values),
           "--method", method] + ([] if deals_only else ["--all"])
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    result: dict[str, float] = json.loads(out)
    return result


def run_negmas(prefs: Any, space: Any, deals_only: bool, venv_dir: Path,
               timeout: float) -> dict[str, Any] | None:
    """NegMAS's ``pareto_frontier`` in its own process; ``None`` past ``timeout`` seconds."""
    with tempfile.TemporaryDirectory(prefix="parley-bench-negmas-") as tmp:
        problem, result = Path(tmp) / "problem.json", Path(tmp) / "result.json"
        problem.write_text(json.dumps(negmas.export_problem(prefs, space, "bench")))
        cmd = [str(negmas.negmas_python(venv_dir)), str(Path(negmas.__file__).resolve()),
               "--bench", str(problem), "--result", str(result)]
        if not deals_only:
            cmd.append("--no-reserved")
        try:
            subprocess.run(cmd, check=True, timeout=timeout, capture_output=True)
        except subprocess.TimeoutExpired:
            return None
        out: dict[str, Any] = json.loads(result.read_text())
        return out


def same_vectors(a: Any, b: Any, tol: float = 1e-9) -> bool:
    """Whether two frontiers hold the same utility vectors (to ``tol``, duplicates merged)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.size == 0 or b.size == 0:
        return a.size == b.size
    ua, ub = np.unique(a.round(9), axis=0), np.unique(b.round(9), axis=0)
    return ua.shape == ub.shape and bool(np.abs(ua - ub).max() <= tol)


def compare_negmas(args: argparse.Namespace) -> bool:
    """parley vs NegMAS on every seed (see the module docstring); True if they agree."""
    print(f"NegMAS {negmas.install(args.negmas_venv)} vs parley (additive): seconds and peak "
          "resident MiB (before the call in brackets), each in its own process")
    print(f"{'seed':>4} {'packages':>9} {'set':>6} {'frontier':>9} {'parley s':>9} "
          f"{'NegMAS s':>9} {'ratio':>7} {'parley MiB':>11} {'NegMAS MiB':>11} {'same set':>8}")
    ok = True
    for seed in args.negmas_seeds or args.seeds:
        for deals_only in (False, True):
            ok &= _compare_one(args, seed, deals_only)
    return ok


def _compare_one(args: argparse.Namespace, seed: int, deals_only: bool) -> bool:
    label = "deals" if deals_only else "all"
    sizes = [args.issues]
    measured: dict[int, float] = {}
    parley_full: dict[str, float] = {}
    ok = True
    while sizes:
        issues = sizes.pop(0)
        s = scenario(seed, args.parties, issues)
        prefs, space = preferences(s), grid(s, args.values)
        ours = run_probe(seed, args.parties, issues, args.values, "additive", deals_only)
        if issues == args.issues:
            parley_full = ours
        theirs = run_negmas(prefs, space, deals_only, args.negmas_venv, args.negmas_timeout)
        if theirs is None:
            print(f"{seed:>4} {space.size:>9,} {label:>6}   NegMAS did not finish in "
                  f"{args.negmas_timeout:.0f} s; measuring smaller spaces")
            sizes = [k for k in (4, 5) if k < issues]
            continue
        front = pareto_frontier(prefs, space, deals_only=deals_only)
        same = same_vectors(front.utilities, theirs["frontier"])
        ok &= same
        measured[space.size] = theirs["seconds"]
        mib_ours = f"{ours['peak_rss_mib']:.0f} ({ours['rss_before_mib']:.0f})"
        mib_theirs = f"{theirs['peak_rss_mib']:.0f} ({theirs['rss_before_mib']:.0f})"
        print(f"{seed:>4} {space.size:>9,} {label:>6} {int(ours['frontier_size']):>9,} "
              f"{ours['seconds']:>9.3f} {theirs['seconds']:>9.1f} "
              f"{theirs['seconds'] / ours['seconds']:>6.0f}x "
              f"{mib_ours:>11} {mib_theirs:>11} {'yes' if same else 'NO':>8}")
    full = args.values ** args.issues
    if full not in measured and measured:
        size = max(measured)
        estimate = measured[size] * full / size
        print(f"{seed:>4} {full:>9,} {label:>6}  NegMAS extrapolated linearly from {size:,} "
              f"packages: about {estimate:.0f} s, {estimate / parley_full['seconds']:.0f}x "
              "parley's (a lower bound: its frontier pass grows faster than linearly)")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--parties", type=int, default=6)
    parser.add_argument("--issues", type=int, default=6)
    parser.add_argument("--values", type=int, default=10, help="values per issue")
    parser.add_argument("--skip-scan", action="store_true",
                        help="skip the (slower) full scan used as the cross-check")
    parser.add_argument("--skip-negmas", action="store_true", help="do not time NegMAS")
    parser.add_argument("--negmas-timeout", type=float, default=600.0,
                        help="seconds NegMAS may take for one frontier")
    parser.add_argument("--negmas-venv", type=Path, default=negmas.DEFAULT_VENV)
    parser.add_argument("--negmas-seeds", type=int, nargs="+",
                        help="seeds to run NegMAS on (default: --seeds)")
    parser.add_argument("--probe", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--method", default="additive", help=argparse.SUPPRESS)
    parser.add_argument("--all", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe is not None:
        print(json.dumps(probe(args.probe, args.parties, args.issues, args.values,
                               args.method, not args.all)))
        return 0
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
    print(f"peak resident size of the process: {_rss_mib():.0f} MiB")
    if not args.skip_negmas:
        ok &= compare_negmas(args)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
