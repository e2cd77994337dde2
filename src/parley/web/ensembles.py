"""The ensemble page's documents: an ensemble's summary and a one-at-a-time tornado.

:func:`ensemble_document` runs :func:`parley.ensemble.run_ensemble` (reporting its draws as
they complete, recording the run and its chunks in the store) and returns the summary of
``parley ensemble --json``: per issue the outcome distribution (quantiles, histogram over
the scale), the probability that the outcome is acceptable to every party and, for
simulations, the probability of agreement and its round. :func:`tornado_document` runs
:func:`parley.ensemble.sensitivity.tornado`: each uncertain input in turn at its 5 % and
95 % quantiles, the others at their point values (``2 k + 1`` runs for ``k`` inputs, cheap
enough for a job), the widest swings first (Clemen & Reilly 2001, ch. 5).
:func:`check_ensemble` turns a request's model and jitter into problems naming the field.

References
----------
.. [1] Clemen, R. T. and Reilly, T. (2001). *Making Hard Decisions*. Duxbury.

Examples
--------
>>> from parley.io import load
>>> s = load("two-party-ceasefire")          # declares no uncertainty
>>> jitter, problems = check_ensemble(s, "compromise", None)
>>> problems[0].field, problems[0].rule[:40]
('jitter', 'must be given: the scenario declares no ')
>>> jitter, problems = check_ensemble(s, "simulate:single-text", "0.1")
>>> jitter.position, problems
(0.1, [])
>>> doc = tornado_document(s, model="compromise", jitter=jitter, issue="border-town", top=2)
>>> list(doc["issues"]), doc["evaluations"], len(doc["issues"]["border-town"]["bars"])
(['border-town'], 49, 2)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from parley.ensemble.sampling import Jitter
from parley.errors import Problem, ScenarioError
from parley.scenario import Scenario
from parley.web.schemas import MAX_RUNS  # most draws an ensemble request may ask for

__all__ = [
    "MAX_RUNS",
    "SIMULATION_MODELS",
    "check_ensemble",
    "ensemble_document",
    "ensemble_models",
    "tornado_document",
]

#: The negotiation simulation as an ensemble model (:func:`parley.ensemble.kernel_for`).
SIMULATION_MODELS = ("simulate", "simulate:alternating", "simulate:single-text")


def ensemble_models() -> list[str]:
    """What an ensemble can run: every registered model, then the simulations."""
    from parley.models import model_names

    return [*model_names(), *SIMULATION_MODELS]


def check_ensemble(scenario: Scenario, model: str, jitter: str | None
                   ) -> tuple[Jitter | None, list[Problem]]:
    """The jitter of a request (parsed) and the problems of its model and jitter.

    Parameters
    ----------
    scenario : Scenario
        The scenario the ensemble would sample.
    model : str
        A registered model or ``simulate[:protocol]``.
    jitter : str or None
        ``"0.1"`` or ``"capability=0.2,salience=0.1,position=0.05"`` (blank: none).

    Returns
    -------
    (Jitter or None, list of Problem)
        Problems name ``model`` or ``jitter``: an unknown model, a simulation of a scenario
        with fewer than two parties, a jitter that does not parse, and no jitter for a
        scenario that declares no uncertainty (nothing to sample).
    """
    from parley.ensemble.sampling import InputSpace

    problems: list[Problem] = []
    known = ensemble_models()
    if model not in known:
        problems.append(Problem("model", "is not a registered model or simulation", model,
                                f"use one of {', '.join(known)}"))
    elif model in SIMULATION_MODELS and len(scenario.parties) < 2:
        problems.append(Problem("model", "a simulation needs at least two actors with role "
                                "'party'", model, "pick a forecasting model, or give two "
                                "actors role 'party'"))
    parsed: Jitter | None = None
    if jitter is not None and jitter.strip():
        try:
            parsed = Jitter.parse(jitter)
        except ScenarioError as err:
            problems += [Problem("jitter", p.rule, jitter, p.fix) for p in err.problems]
            return None, problems
    if InputSpace.from_scenario(scenario, parsed).k == 0:
        problems.append(Problem(
            "jitter", "must be given: the scenario declares no uncertainty, so there is "
            "nothing to sample", jitter, "give a jitter, e.g. 0.1 (10 % on every number), or "
            "declare uncertainties in the scenario"))
    return parsed, problems


def ensemble_document(scenario: Scenario, *, model: str = "compromise", n_runs: int = 1000,
                      seed: int | None = None, jitter: Jitter | None = None,
                      store: str | Path | None = None,
                      progress: Callable[[int, int], None] | None = None,
                      started: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run an ensemble and return its summary (:meth:`EnsembleResult.to_dict`).

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    model, n_runs, seed, jitter, store, progress, started
        As for :func:`parley.ensemble.run_ensemble` (``progress(done_draws, total)`` after
        each chunk; ``started(run_id)`` once the run is recorded).
    """
    from parley.ensemble import run_ensemble

    result = run_ensemble(scenario, model, n_runs=n_runs, seed=seed, jitter=jitter,
                          store=store, progress=progress, started=started)
    return result.to_dict()


def tornado_document(scenario: Scenario, *, model: str = "compromise", seed: int = 0,
                     jitter: Jitter | None = None, issue: str | None = None,
                     top: int | None = 10) -> dict[str, Any]:
    """The one-at-a-time tornado of ``scenario``'s outcomes under ``model``.

    Parameters
    ----------
    scenario : Scenario
        The scenario; its uncertain inputs (and ``jitter``) are swung.
    model : str
        A registered model or ``simulate[:protocol]``.
    seed : int
        The model seed, the same for every run (common random numbers).
    jitter : Jitter, optional
        Noise for numbers that declare no uncertainty.
    issue : str, optional
        Only this issue's bars (default: every issue's).
    top : int, optional
        Most bars per issue, widest first (``None``: all).

    Returns
    -------
    dict
        ``model``, ``parameters``, ``seed``, ``jitter``, ``inputs`` (how many),
        ``evaluations`` (``2 k + 1``), ``issue``, ``issue_names``, ``scale``, and from
        :meth:`parley.ensemble.sensitivity.Tornado.to_dict`: ``quantiles`` and ``issues``
        (per issue the ``base`` outcome, every input at its point value, and ``bars``:
        ``input``, ``low_value``/``high_value`` of the input, ``low_outcome``/
        ``high_outcome`` and ``swing``).
    """
    from parley.ensemble import kernel_for
    from parley.ensemble.sampling import InputSpace
    from parley.ensemble.sensitivity import tornado

    kernel = kernel_for(model, scenario)
    space = InputSpace.from_scenario(scenario, jitter)
    doc = tornado(space, kernel, seed=seed).to_dict(top)
    issues = doc["issues"] if issue is None else {issue: doc["issues"][issue]}
    return {"model": kernel.name, "parameters": kernel.parameters, "seed": seed,
            "jitter": None if jitter is None else jitter.to_dict(), "inputs": space.k,
            "evaluations": 2 * space.k + 1, "issue": issue,
            "issue_names": {i.id: i.name for i in scenario.issues},
            "scale": {i.id: [i.scale.low, i.scale.high] for i in scenario.issues},
            "quantiles": doc["quantiles"], "issues": issues}
