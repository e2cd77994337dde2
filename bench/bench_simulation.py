"""Benchmark: parley's alternating offers against NegMAS's SAO mechanism, same negotiations.

Two random negotiations (fixed seeds): 2 parties x 3 issues x 5 values (125 packages) and
6 parties x 6 issues x 10 values (10^6 packages). Every party uses the time-based Boulware
tactic (NegMAS's aspiration 1 - t^4, offering the lowest-utility outcome above it; parley's
``TimeDependent(0.25)`` with ``policy="lowest"``, ``clock="negmas"``, ``tolerance=1e-4``,
package-only agreement), the same number of steps, and both run the same negotiation from
the same GENIUS files (``bench/oracle_negmas.py`` exports them and runs NegMAS in its own
virtual environment in a subprocess, timing inside that process). The script checks that
both reach the same agreement after the same number of steps and reports, for each side,
the setup time (reading preferences, building the outcome tables / NegMAS's presorted
inverse utility functions), the time of the steps themselves, steps per second of the
steps alone and including setup, and the ratio.

Run with ``python bench/bench_simulation.py`` (``--steps`` sets the steps of the big case,
``--repeat`` the parley repetitions, best of).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import oracle_negmas as negmas

from parley.deals import preferences
from parley.negotiation import TimeDependent, simulate
from parley.negotiation.offers import OfferSpace
from parley.scenario import Scenario

CASES = [
    {"name": "2x3x5", "parties": 2, "issues": 3, "points": 5, "seed": 101, "steps": 100},
    {"name": "6x6x10", "parties": 6, "issues": 6, "points": 10, "seed": 202, "steps": 60},
]


def run_parley(scenario: Scenario, case: dict[str, Any], repeat: int) -> dict[str, Any]:
    """Best-of-``repeat`` wall time of one parley negotiation, setup timed apart."""
    from parley.deals import grid

    best_total, best_setup = float("inf"), float("inf")
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        prefs = preferences(scenario)
        OfferSpace.build(prefs, grid(scenario, case["points"]))
        t1 = time.perf_counter()
        t2 = time.perf_counter()
        result = simulate(scenario, strategies={p: TimeDependent(0.25) for p in prefs.actor_ids},
                          steps=case["steps"], grid_points=case["points"], policy="lowest",
                          issue_by_issue=False, use_timeline=False, clock="negmas",
                          tolerance=1e-4)
        t3 = time.perf_counter()
        best_setup = min(best_setup, t1 - t0)
        best_total = min(best_total, t3 - t2)
    assert result is not None
    steps = result.agreement_round or result.steps
    package = ({k: f"{v:g}" for k, v in result.package.items()} if result.package else None)
    return {"setup_s": best_setup, "run_s": max(best_total - best_setup, 1e-9),
            "total_s": best_total, "steps_run": steps, "agreement": package}


def main(argv: list[str] | None = None) -> None:
    """Run both cases on both sides and print the table."""
    ap = argparse.ArgumentParser(description="parley vs NegMAS: alternating offers")
    ap.add_argument("--venv", type=Path, default=negmas.DEFAULT_VENV)
    ap.add_argument("--steps", type=int, default=None, help="steps of the big case")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    py = negmas.ensure_venv(args.venv)
    folder = Path(tempfile.mkdtemp(prefix="parley-bench-sim-"))
    rows = []
    for case in CASES:
        if args.steps and case["name"] != "2x3x5":
            case = dict(case, steps=args.steps)
        spec = negmas.export_case(dict(case, k=[4.0] * case["parties"], reservations=None),
                                  folder)
        spec["trace"] = False
        scenario = Scenario.model_validate(spec["scenario"])
        ours = run_parley(scenario, case, args.repeat)
        theirs = negmas.run_in_venv(py, [spec])[0]["negmas"]
        same = (ours["agreement"] == theirs["agreement"]
                and ours["steps_run"] == theirs["steps_run"])
        rows.append((case, ours, theirs, same))
    print(f"{'case':8} {'side':7} {'steps':>5} {'setup s':>9} {'steps s':>9} "
          f"{'steps/s':>10} {'steps/s incl. setup':>20}")
    for case, ours, theirs, same in rows:
        for side, r in (("parley", ours), ("NegMAS", theirs)):
            total = r["setup_s"] + r["run_s"]
            print(f"{case['name']:8} {side:7} {r['steps_run']:>5} {r['setup_s']:>9.4f} "
                  f"{r['run_s']:>9.4f} {r['steps_run'] / r['run_s']:>10.1f} "
                  f"{r['steps_run'] / total:>20.2f}")
        ratio = theirs["run_s"] / ours["run_s"]
        ratio_total = (theirs["setup_s"] + theirs["run_s"]) / (ours["setup_s"] + ours["run_s"])
        print(f"{case['name']:8} ratio   steps: parley {ratio:.1f}x faster; including setup: "
              f"{ratio_total:.1f}x; same agreement and steps: {same} "
              f"({ours['agreement']} after {ours['steps_run']} steps)")


if __name__ == "__main__":
    main()
