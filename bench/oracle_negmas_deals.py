"""Run NegMAS as an outside oracle for parley's Pareto frontier, Nash and KS points.

parley never imports NegMAS: this script has two halves.

* The **parley half** (run with parley's Python) generates seeded random discrete deal
  problems, builds each one's :class:`parley.deals.Preferences` and
  :class:`parley.deals.DiscreteSpace`, and exports it as plain JSON (:func:`export_problem`):
  each issue's values, each party's per-issue value utilities and weights, and its
  reserved value, plus the parley scenario the problem came from.
* The **NegMAS half** (``--drive``, run with the Python of a separate virtual environment
  that has ``negmas`` installed) builds the same NegMAS outcome space (one
  ``make_issue(values=...)`` per issue) and one ``LinearAdditiveUtilityFunction`` per party
  (``values={issue: {value: utility}}``, ``weights={issue: weight}``,
  ``reserved_value=r``), and computes ``pareto_frontier`` (which keeps only outcomes with
  every utility at least the reserved value), ``nash_points``, ``ks_points`` (Kalai &
  Smorodinsky 1975) and ``kalai_points`` (Kalai 1977, the egalitarian solution), plus
  each ufun's ``minmax`` over the outcome space, writing the results as JSON.

The fixtures under ``tests/data/negmas_deals/`` (``problems.json``, ``negmas.json``) come
from this script, and ``tests/deals/test_negmas_oracle.py`` compares parley with them
(no NegMAS needed at test time). ``bench/bench_pareto.py`` imports :func:`export_problem`,
:func:`install` and :func:`negmas_python` to time NegMAS's frontier on the same problem.

Usage::

    python bench/oracle_negmas_deals.py                  # regenerate tests/data/negmas_deals
    python bench/oracle_negmas_deals.py --seeds 40 --venv DIR --out DIR

Environment: ``PARLEY_NEGMAS_DEALS_VENV`` (default ``/tmp/negmas-deals-venv``).

The utility of package *x* for party *i* is parley's
:math:`U_i(x) = 1 - \\sum_j \\tilde s_{ij} \\ell(|x_j - p_{ij}| / (h_j - l_j))`; with
value utilities :math:`v_{ij}(x_j) = 1 - \\ell(|x_j - p_{ij}| / (h_j - l_j))` and weights
:math:`\\tilde s_{ij}` (summing to 1) it is exactly NegMAS's linear additive form
:math:`\\sum_j \\tilde s_{ij} v_{ij}(x_j)` (up to rounding in the last bits).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import venv
from pathlib import Path
from typing import Any

PACKAGE = "negmas"
DEFAULT_VENV = Path(os.environ.get("PARLEY_NEGMAS_DEALS_VENV", "/tmp/negmas-deals-venv"))
REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "data" / "negmas_deals"


def negmas_python(venv_dir: Path = DEFAULT_VENV) -> Path:
    """The Python interpreter of the NegMAS virtual environment."""
    return venv_dir / "bin" / "python"


def _has_negmas(py: Path) -> bool:
    return py.exists() and subprocess.run(
        [str(py), "-c", "import negmas.preferences, negmas.outcomes"], capture_output=True,
        check=False).returncode == 0


def install(venv_dir: Path = DEFAULT_VENV) -> str:
    """Create the venv and ``pip install negmas`` into it; return the NegMAS version."""
    py = negmas_python(venv_dir)
    if not _has_negmas(py):
        if not py.exists():
            venv.EnvBuilder(with_pip=True).create(venv_dir)
        done = subprocess.run([str(py), "-m", "pip", "install", "--disable-pip-version-check",
                               "-q", PACKAGE], capture_output=True, text=True, check=False)
        if done.returncode != 0 or not _has_negmas(py):
            raise SystemExit(f"could not install {PACKAGE} into {venv_dir}:\n"
                             + done.stderr[-2000:])
    out = subprocess.run([str(py), "-c", "import negmas; print(negmas.__version__)"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


# ---------------------------------------------------------------------------------------
# The parley half: random problems and their export.


def random_problem(seed: int) -> dict[str, Any]:
    """A seeded random discrete deal problem, exported (see :func:`export_problem`).

    2-4 parties, 2-4 issues on 0-100 with 3-6 values each; odd seeds are the ``ties``
    family (positions on the issue values, equal saliences: many packages share their
    utilities and bargaining points tie), even seeds the ``random`` family (integer
    positions, saliences in [0.1, 1]). Values are an even grid or random distinct
    integers; loss linear or quadratic; each party's walk-away is either explicit (in
    [0, 0.6]) or the utility of a status quo at an integer + 0.5 (never one of the values,
    so that no package sits exactly on a reservation), with some issues lacking a status
    quo (loss 1 there).
    """
    import numpy as np

    from parley.deals import DiscreteSpace, preferences
    from parley.scenario import Scenario

    rng = np.random.default_rng(seed)
    ties = seed % 2 == 1
    n, m = int(rng.integers(2, 5)), int(rng.integers(2, 5))
    loss = "quadratic" if rng.random() < 0.3 else "linear"
    values = []
    for _ in range(m):
        k = int(rng.integers(3, 7))
        if rng.random() < 0.5:
            values.append(np.linspace(0.0, 100.0, k))
        else:
            values.append(np.sort(rng.choice(101, size=k, replace=False)).astype(float))
    issues = []
    for j in range(m):
        issue: dict[str, Any] = {"id": f"i{j}", "name": f"Issue {j}"}
        if rng.random() < 0.85:
            issue["status_quo"] = float(rng.integers(0, 100)) + 0.5
        issues.append(issue)
    actors, stances = [], []
    for i in range(n):
        actor: dict[str, Any] = {"id": f"p{i}", "name": f"Party {i}", "capability": 1}
        if rng.random() < 0.4:
            actor["reservation"] = round(float(rng.uniform(0.0, 0.6)), 3)
        actors.append(actor)
        for j in range(m):
            if ties:
                position, salience = float(rng.choice(values[j])), 1.0
            else:
                position = float(rng.integers(0, 101))
                salience = round(float(rng.uniform(0.1, 1.0)), 2)
            stances.append({"actor": f"p{i}", "issue": f"i{j}", "position": position,
                            "salience": salience})
    data = {"name": f"negmas-deals-{seed:02d}", "actors": actors, "issues": issues,
            "stances": stances}
    scenario = Scenario.model_validate(data)
    prefs = preferences(scenario, loss=loss)
    space = DiscreteSpace(prefs.issue_ids, tuple(values))
    problem = export_problem(prefs, space, scenario.name)
    problem.update({"seed": seed, "family": "ties" if ties else "random",
                    "scenario": data})
    return problem


def export_problem(prefs: Any, space: Any, name: str) -> dict[str, Any]:
    """A deal problem as plain JSON for NegMAS.

    Parameters
    ----------
    prefs : parley.deals.Preferences
        The parties' utilities (red lines are not exported: build the space from the
        values that every red line allows).
    space : parley.deals.DiscreteSpace
        The packages.
    name : str
        A name for the problem.

    Returns
    -------
    dict
        ``{"name", "loss", "issues": [{"id", "values"}], "parties": [{"id", "weights",
        "utilities" (per issue, one per value), "reserved_value", "reservation_source"}]}``.
    """
    import numpy as np

    parties = []
    for i, pid in enumerate(prefs.actor_ids):
        utilities = []
        for j, v in enumerate(space.values):
            distance = np.abs(np.asarray(v, dtype=float) - prefs.position[i, j]) / prefs.span[j]
            shaped = distance * distance if prefs.loss == "quadratic" else distance
            utilities.append((1.0 - shaped).tolist())
        parties.append({"id": pid, "weights": prefs.weight[i].tolist(), "utilities": utilities,
                        "reserved_value": float(prefs.reservation[i]),
                        "reservation_source": prefs.reservation_source[i]})
    return {"name": name, "loss": prefs.loss,
            "issues": [{"id": iid, "values": np.asarray(v, dtype=float).tolist()}
                       for iid, v in zip(space.issue_ids, space.values, strict=True)],
            "parties": parties}


# ---------------------------------------------------------------------------------------
# The NegMAS half (``--drive`` / ``--bench``): runs inside the venv and imports NegMAS.


def _negmas_problem(problem: dict[str, Any], *, reserved: bool = True) -> tuple[Any, Any]:
    """NegMAS outcome space and ufuns of an exported problem."""
    from negmas.outcomes import make_issue, make_os
    from negmas.preferences import LinearAdditiveUtilityFunction

    issues = [make_issue(values=list(map(float, iss["values"])), name=iss["id"])
              for iss in problem["issues"]]
    space = make_os(issues)
    ufuns = []
    for party in problem["parties"]:
        values = {iss["id"]: dict(zip(map(float, iss["values"]), map(float, u), strict=True))
                  for iss, u in zip(problem["issues"], party["utilities"], strict=True)}
        weights = {iss["id"]: float(w)
                   for iss, w in zip(problem["issues"], party["weights"], strict=True)}
        ufuns.append(LinearAdditiveUtilityFunction(
            values=values, weights=weights, outcome_space=space,
            reserved_value=float(party["reserved_value"]) if reserved else float("-inf"),
            name=party["id"]))
    return space, ufuns


def _points(found: Any, outcomes: list[Any]) -> list[dict[str, Any]]:
    return [{"utilities": [float(u) for u in utils], "frontier_index": int(k),
             "outcome": [float(v) for v in outcomes[k]]} for utils, k in found]


def solve(problem: dict[str, Any]) -> dict[str, Any]:
    """NegMAS's frontier, Nash, KS and Kalai points of one problem (inside the venv)."""
    from negmas.preferences import kalai_points, ks_points, nash_points, pareto_frontier

    space, ufuns = _negmas_problem(problem)
    outcomes = list(space.enumerate())
    utils, index = pareto_frontier(ufuns, outcomes=outcomes, sort_by_welfare=True)
    frontier = [tuple(float(u) for u in row) for row in utils]
    front_outcomes = [outcomes[int(k)] for k in index]
    nash = nash_points(ufuns, frontier, outcome_space=space)
    ks = ks_points(ufuns, frontier, outcome_space=space)
    kalai = kalai_points(ufuns, frontier, outcome_space=space)
    return {
        "name": problem["name"],
        "n_outcomes": len(outcomes),
        "ranges": [[float(x) for x in u.minmax(space)] for u in ufuns],
        "reserved_values": [float(u.reserved_value) for u in ufuns],
        "frontier": [{"utilities": list(row), "outcome": [float(v) for v in o]}
                     for row, o in zip(frontier, front_outcomes, strict=True)],
        "nash": _points(nash, front_outcomes),
        "ks": _points(ks, front_outcomes),
        "kalai": _points(kalai, front_outcomes),
    }


def dump(data: dict[str, Any], key: str) -> str:
    """JSON with the list under ``key`` written one item per line (small, diffable)."""
    head = {k: v for k, v in data.items() if k != key}
    items = ",\n".join(json.dumps(item, separators=(",", ":")) for item in data[key])
    return json.dumps(head)[:-1] + f', "{key}": [\n{items}\n]}}\n'


def drive(problems_path: Path, out: Path) -> None:
    """Solve every problem of a problems file with NegMAS and write the JSON."""
    import negmas

    problems = json.loads(problems_path.read_text(encoding="utf-8"))
    result = {"negmas_version": negmas.__version__, "python": platform.python_version(),
              "problems": [solve(p) for p in problems["problems"]]}
    out.write_text(dump(result, "problems"), encoding="utf-8")


def bench(problem_path: Path, out: Path, reserved: bool) -> None:
    """Time NegMAS's ``pareto_frontier`` on one problem; seconds and peak RSS (inside)."""
    import resource

    from negmas.preferences import pareto_frontier

    problem = json.loads(problem_path.read_text(encoding="utf-8"))
    space, ufuns = _negmas_problem(problem, reserved=reserved)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    utils, index = pareto_frontier(ufuns, issues=space.issues, sort_by_welfare=True)
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.write_text(json.dumps({"seconds": seconds, "rss_before_mib": before,
                               "peak_rss_mib": rss,
                               "frontier_size": len(index),
                               "frontier": [[float(u) for u in row] for row in utils]}))


def main(argv: list[str] | None = None) -> None:
    """Install NegMAS if needed, write the problems, solve them (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV)
    parser.add_argument("--out", type=Path, default=FIXTURES, help="fixture folder")
    parser.add_argument("--seeds", type=int, default=40, help="problems (seeds 0..N-1)")
    parser.add_argument("--drive", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--bench", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-reserved", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.drive:
        drive(args.drive, args.result)
        return
    if args.bench:
        bench(args.bench, args.result, reserved=not args.no_reserved)
        return
    version = install(args.venv)
    print(f"NegMAS {version} in {args.venv}", file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    problems_path, result_path = args.out / "problems.json", args.out / "negmas.json"
    problems = {"generator": "bench/oracle_negmas_deals.py (random_problem)",
                "problems": [random_problem(seed) for seed in range(args.seeds)]}
    problems_path.write_text(dump(problems, "problems"), encoding="utf-8")
    subprocess.run([str(negmas_python(args.venv)), str(Path(__file__).resolve()),
                    "--drive", str(problems_path), "--result", str(result_path)], check=True)
    print(f"wrote {problems_path} and {result_path}", file=sys.stderr)


if __name__ == "__main__":
    main()
