"""Run NegMAS (BSD-3) as an outside oracle for parley's alternating offers.

parley never imports NegMAS: this script installs it into a separate virtual environment,
exports a few small negotiations from parley as GENIUS files (:mod:`parley.io.genius`),
loads them in NegMAS (``Scenario.from_genius_files``), runs NegMAS's stacked alternating
offers mechanism (``SAOMechanism``) with time-based agents
(``TimeBasedConcedingNegotiator`` with a polynomial aspiration ``1 - t**k``, ``k = 4`` being
NegMAS's Boulware, offering the *worst* outcome above the aspiration, accepting what reaches
it), and writes the agreements and the full offer traces as JSON, which
``tests/negotiation/test_negmas_oracle.py`` compares with :func:`parley.negotiation.simulate`
run with the matching settings: ``policy="lowest"``, ``issue_by_issue=False``,
``clock="negmas"`` (relative time ``(step + 1) / (n_steps + 1)``), ``tolerance=1e-4``
(NegMAS's ``eps``), exponent ``e = 1 / k``.

Usage::

    python bench/oracle_negmas.py                  # venv /tmp/negmas-venv, JSON inside it
    python bench/oracle_negmas.py --venv DIR --out FILE

Environment: ``PARLEY_NEGMAS_VENV`` (default ``/tmp/negmas-venv``) and
``PARLEY_NEGMAS_ORACLE`` (default ``<venv>/negmas-oracle.json``).

The script also serves :mod:`bench.bench_simulation`: ``--worker SPEC`` runs inside the venv
(importing NegMAS only) and times each negotiation in that process.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path
from typing import Any

PACKAGE = "negmas==0.16.0"
DEFAULT_VENV = Path(os.environ.get("PARLEY_NEGMAS_VENV", "/tmp/negmas-venv"))


def default_json(venv_dir: Path = DEFAULT_VENV) -> Path:
    """Where the oracle's JSON goes unless ``PARLEY_NEGMAS_ORACLE`` says otherwise."""
    env = os.environ.get("PARLEY_NEGMAS_ORACLE")
    return Path(env) if env else venv_dir / "negmas-oracle.json"


def python_of(venv_dir: Path) -> Path:
    """The venv's interpreter."""
    return venv_dir / "bin" / "python"


def ensure_venv(venv_dir: Path) -> Path:
    """Create the venv and install NegMAS into it (once)."""
    py = python_of(venv_dir)
    if not py.exists():
        venv.create(venv_dir, with_pip=True)
    probe = subprocess.run([str(py), "-c", "import negmas; print(negmas.__version__)"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        subprocess.run([str(py), "-m", "pip", "install", "-q", PACKAGE], check=True)
    return py


# ---------------------------------------------------------------------------------------
# the cases (built with parley; only run in the system interpreter)
# ---------------------------------------------------------------------------------------

def make_case_scenario(name: str, n_parties: int, n_issues: int, seed: int,
                       reservations: list[float] | None = None) -> dict[str, Any]:
    """A random scenario: positions anywhere on 0-100, saliences in [0.2, 1]."""
    import numpy as np

    rng = np.random.default_rng(seed)
    actors = [{"id": f"p{i}", "name": f"P{i}", "capability": 1.0}
              for i in range(n_parties)]
    if reservations:
        for a, r in zip(actors, reservations, strict=True):
            a["reservation"] = r
    issues = [{"id": f"i{j}", "name": f"Issue {j}"} for j in range(n_issues)]
    stances = [{"actor": f"p{i}", "issue": f"i{j}",
                "position": round(float(rng.uniform(0, 100)), 3),
                "salience": round(float(rng.uniform(0.2, 1.0)), 3)}
               for i in range(n_parties) for j in range(n_issues)]
    return {"name": name, "actors": actors, "issues": issues, "stances": stances}


CASES: list[dict[str, Any]] = [
    {"name": "2x3x5-boulware", "parties": 2, "issues": 3, "points": 5, "seed": 11,
     "steps": 30, "k": [4.0, 4.0], "reservations": [0.3, 0.25]},
    {"name": "2x3x5-boulware-b", "parties": 2, "issues": 3, "points": 5, "seed": 12,
     "steps": 20, "k": [4.0, 4.0], "reservations": None},
    {"name": "2x3x5-conceder-boulware", "parties": 2, "issues": 3, "points": 5, "seed": 13,
     "steps": 20, "k": [0.25, 4.0], "reservations": [0.2, 0.4]},
    {"name": "2x3x5-linear", "parties": 2, "issues": 3, "points": 5, "seed": 14,
     "steps": 25, "k": [1.0, 1.0], "reservations": [0.35, 0.35]},
    {"name": "3x3x5-boulware", "parties": 3, "issues": 3, "points": 5, "seed": 15,
     "steps": 40, "k": [4.0, 4.0, 4.0], "reservations": [0.2, 0.2, 0.2]},
]


def export_case(case: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Export one case as GENIUS files; the spec the worker runs."""
    from parley.io.genius import write_genius
    from parley.scenario import Scenario

    data = make_case_scenario(case["name"], case["parties"], case["issues"], case["seed"],
                              case.get("reservations"))
    scenario = Scenario.model_validate(data)
    files = write_genius(scenario, folder / case["name"], points_per_issue=case["points"])
    return {"name": case["name"], "scenario": data, "steps": case["steps"], "k": case["k"],
            "points": case["points"], "domain": str(files.domain),
            "profiles": [str(files.profiles[a["id"]]) for a in data["actors"]],
            "parties": [a["id"] for a in data["actors"]]}


# ---------------------------------------------------------------------------------------
# the worker (runs inside the venv, imports NegMAS only)
# ---------------------------------------------------------------------------------------

def run_negmas(spec: dict[str, Any], keep_trace: bool = True) -> dict[str, Any]:
    """Run one negotiation in NegMAS; time setup and steps inside this process."""
    import negmas
    from negmas.gb.negotiators.timebased import TimeBasedConcedingNegotiator
    from negmas.inout import Scenario as NScenario
    from negmas.sao import SAOMechanism

    t0 = time.perf_counter()
    sc = NScenario.from_genius_files(Path(spec["domain"]), [Path(p) for p in spec["profiles"]],
                                     ignore_discount=True)
    assert sc is not None
    mech = SAOMechanism(outcome_space=sc.outcome_space, n_steps=spec["steps"],
                        time_limit=float("inf"))
    for party, ufun, k in zip(spec["parties"], sc.ufuns, spec["k"], strict=True):
        neg = TimeBasedConcedingNegotiator(name=party, offering_curve=float(k),
                                           stochastic=False)
        mech.add(neg, ufun=ufun)
    names = {n.id: n.name for n in mech.negotiators}
    # the inverters presort on first use: do it now, so that setup and steps are apart
    for n in mech.negotiators:
        n._inverter.before_proposing(mech.state)
    t1 = time.perf_counter()
    issues = [i.name for i in sc.outcome_space.issues]
    trace: list[list[Any]] = []
    agreement_step = None
    for k in range(spec["steps"]):
        mech.step()
        state = mech.state
        if keep_trace:
            trace.extend([k, names.get(nid, nid), dict(zip(issues, offer, strict=True))]
                         for nid, offer in state.new_offers)
        if state.agreement is not None:
            agreement_step = k
            break
        if state.ended:
            break
    t2 = time.perf_counter()
    state = mech.state
    agreement = (dict(zip(issues, state.agreement, strict=True))
                 if state.agreement is not None else None)
    steps_run = k + 1
    return {"negmas_version": negmas.__version__, "agreement": agreement,
            "agreement_step": agreement_step, "steps_run": steps_run, "trace": trace,
            "setup_s": t1 - t0, "run_s": t2 - t1}


def worker(spec_path: Path) -> None:
    """Run every case of a spec file and print the results as JSON."""
    specs = json.loads(spec_path.read_text())
    out = [dict(s, negmas=run_negmas(s, keep_trace=s.get("trace", True))) for s in specs]
    sys.stdout.write(json.dumps(out))


def run_in_venv(py: Path, specs: list[dict[str, Any]], timeout: float = 3600) -> list[Any]:
    """Run specs through the worker in the venv; return its results."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(specs, f)
    proc = subprocess.run([str(py), str(Path(__file__).resolve()), "--worker", f.name],
                          capture_output=True, text=True, timeout=timeout)
    Path(f.name).unlink(missing_ok=True)
    if proc.returncode != 0:
        raise RuntimeError(f"NegMAS worker failed:\n{proc.stderr[-4000:]}")
    result: list[Any] = json.loads(proc.stdout)
    return result


def main(argv: list[str] | None = None) -> None:
    """Install NegMAS, export the cases, run them, write the JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--venv", type=Path, default=DEFAULT_VENV)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--worker", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker is not None:
        worker(args.worker)
        return
    py = ensure_venv(args.venv)
    out = args.out or default_json(args.venv)
    folder = Path(tempfile.mkdtemp(prefix="parley-negmas-"))
    specs = [export_case(c, folder) for c in CASES]
    results = run_in_venv(py, specs)
    doc = {"package": PACKAGE, "cases": results}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=1))
    for r in results:
        n = r["negmas"]
        print(f"{r['name']}: agreement {n['agreement']} at step {n['agreement_step']}")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
