"""Running models and baselines on DEU issues: predictions, absolute errors, failures.

Every model is run on the one-issue scenario of every scoreable issue
(:func:`parley.io.deu.deu_scenario`), under each capability scheme
(:mod:`parley.backtest.capability`). A model that raises on an issue, returns no forecast
(``nan``) or a forecast off the 0-100 scale is recorded as a :class:`Failure` for that
issue and left out of that issue's score; it never stops the backtest. Models that draw
random numbers get a seed derived from the master seed, the model, the scheme and the
issue, so results do not depend on the order of the runs.

Baselines need no model and no capabilities (Thomson et al. 2006, ch. 10):

======================  =====================================================
``commission``          the Commission's position (where it has one)
``reference-point``     the reference point, i.e. no change (where recorded)
``median-of-positions`` the unweighted median of the positions of the actors
                        with both a position and a salience
======================  =====================================================

Examples
--------
>>> from parley.io.deu import DeuIssue
>>> issue = DeuIssue("p", "p-i1", 2, positions={"com": 100, "de": 0, "fr": 50, "it": 60},
...                  saliences={"com": 50, "de": 50, "fr": 50}, reference_point=0, outcome=40)
>>> {k: float(v[0]) for k, v in baseline_predictions([issue]).items()}
{'commission': 100.0, 'reference-point': 0.0, 'median-of-positions': 50.0}
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from parley.backtest.capability import capabilities, check_scheme
from parley.errors import ParleyError
from parley.io.deu import DeuIssue, deu_scenario
from parley.models.base import Model
from parley.scenario import Scenario

__all__ = [
    "BASELINES",
    "Failure",
    "baseline_predictions",
    "issue_scenarios",
    "model_seed",
    "predict",
]

FloatArray = NDArray[np.float64]

BASELINES = ("commission", "reference-point", "median-of-positions")
"""Names of the baselines, in the order the leaderboard lists them."""

_SCALE = (0.0, 100.0)
_SLACK = 1e-9 * (_SCALE[1] - _SCALE[0])


@dataclass(frozen=True)
class Failure:
    """A model (or a scheme's scenario) that gave no usable forecast on one issue."""

    model: str
    scheme: str | None
    issue: str
    line: int
    error: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {"model": self.model, "scheme": self.scheme, "issue": self.issue,
                "line": self.line, "error": self.error}


def baseline_predictions(issues: Sequence[DeuIssue]) -> dict[str, FloatArray]:
    """Each baseline's prediction per issue (``nan`` where it has none)."""
    com = [i.positions.get("com", math.nan) for i in issues]
    ref = [math.nan if i.reference_point is None else i.reference_point for i in issues]
    med = [float(np.median([i.positions[a] for a in i.actors])) if i.actors else math.nan
           for i in issues]
    return {"commission": np.array(com, dtype=float),
            "reference-point": np.array(ref, dtype=float),
            "median-of-positions": np.array(med, dtype=float)}


def issue_scenarios(issues: Sequence[DeuIssue], scheme: str,
                    gdp: Mapping[str, float] | None = None, *, source: str | None = None,
                    evidence: bool = True) -> tuple[list[Scenario | None], list[Failure]]:
    """The one-issue scenario of each issue under ``scheme`` (``None`` where none can be built).

    Raises
    ------
    ParleyError
        For an unknown scheme (a problem with the scheme itself, not with one issue).
    """
    check_scheme(scheme, gdp)
    scenarios: list[Scenario | None] = []
    failures: list[Failure] = []
    for issue in issues:
        try:
            cap = capabilities(scheme, issue, gdp)
            scenarios.append(deu_scenario(issue, cap, source=source, evidence=evidence))
        except ParleyError as err:
            scenarios.append(None)
            failures.append(Failure("(scenario)", scheme, issue.issue, issue.line,
                                    _message(err)))
    return scenarios, failures


def model_seed(seed: int, model: str, scheme: str, issue_id: str) -> np.random.SeedSequence:
    """The seed a model gets on one issue: derived from the master seed and the three names."""
    key = zlib.crc32(f"{model}\x1f{scheme}\x1f{issue_id}".encode())
    return np.random.SeedSequence(seed, spawn_key=(key,))


def _message(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return f"{type(err).__name__}: {text[:300]}" if text else type(err).__name__


def predict(model: Model, scenarios: Sequence[Scenario | None], issues: Sequence[DeuIssue],
            *, scheme: str, seed: int, label: str | None = None
            ) -> tuple[FloatArray, list[Failure]]:
    """Run ``model`` on each issue's scenario; its forecast per issue and its failures.

    Parameters
    ----------
    model : Model
        The model (any object with ``name`` and ``run``).
    scenarios : sequence of Scenario or None
        The issues' scenarios (``None``: no scenario, no forecast, no failure recorded here).
    issues : sequence of DeuIssue
        The issues, aligned with ``scenarios``.
    scheme : str
        The capability scheme the scenarios were built with (for seeds and messages).
    seed : int
        Master seed (see :func:`model_seed`).
    label : str, optional
        Name to record failures under (default: the model's name).

    Returns
    -------
    predictions : ndarray, shape (len(issues),)
        The forecast on each issue, ``nan`` where there is none.
    failures : list of Failure
        One per issue on which the model raised, gave ``nan``, or left the scale.
    """
    name = label or model.name
    out = np.full(len(issues), np.nan)
    failures: list[Failure] = []
    for k, (scenario, issue) in enumerate(zip(scenarios, issues, strict=True)):
        if scenario is None:
            continue
        try:
            forecast = model.run(scenario, rng=model_seed(seed, name, scheme, issue.issue))
            value = float(np.asarray(forecast.outcome, dtype=float).reshape(-1)[0])
        except Exception as err:  # any model's failure on one issue is recorded, not raised
            failures.append(Failure(name, scheme, issue.issue, issue.line, _message(err)))
            continue
        if not math.isfinite(value):
            failures.append(Failure(name, scheme, issue.issue, issue.line,
                                    f"no forecast (got {value})"))
        elif not _SCALE[0] - _SLACK <= value <= _SCALE[1] + _SLACK:
            failures.append(Failure(name, scheme, issue.issue, issue.line,
                                    f"forecast {value:g} is off the scale 0-100"))
        else:
            out[k] = min(max(value, _SCALE[0]), _SCALE[1])
    return out, failures
