"""The (asymmetric) Nash bargaining solution, issue by issue, with a threat point.

On each issue *j* the outcome maximises the weighted Nash product of the actors' gains
over the disagreement (threat) point :math:`d_j`:

.. math::

    \\hat x_j = \\arg\\max_{x \\in I_j} \\sum_i w_{ij} \\log\\bigl(u_{ij}(x) - u_{ij}(d_j)\\bigr),
    \\qquad u_{ij}(x) = -s_{ij}\\,|x - x_{ij}|^r ,

over the individually rational set :math:`I_j = \\{x : u_{ij}(x) \\ge u_{ij}(d_j)\\ \\forall i\\}`
(an interval on the issue's scale). The exponent :math:`r` is 2 (quadratic loss, the
default, as in Achen 2006) or 1 (linear loss, as in Schneider, Finke & Bailer 2010).
Bargaining power is :math:`w_{ij} = c_i s_{ij}` by default (capability x salience, as in the
compromise model; ``power="capability"`` uses :math:`c_i` alone). The salience factor inside
:math:`u_{ij}` cancels in the gain ratio, so on one issue salience acts through
:math:`w_{ij}` only.

The threat point is the issue's status quo, the form used for EU legislation where no
agreement means the reference point stays (Thomson et al. 2006; Schneider et al. 2010). An
explicit ``disagreement`` mapping overrides it. Where an issue has neither, each actor's
disagreement utility is that of its worst point on the scale (``diagnostics`` says so): the
limit in which Achen (2006) shows that, with quadratic losses, the solution tends to the
capability x salience weighted mean (the compromise model).

If the actors' ideal points lie on both sides of the threat point, no move helps everyone,
:math:`I_j` is the threat point alone, and that is the forecast; ``diagnostics`` names the
actors that bound :math:`I_j`.

References
----------
.. [1] Nash, J. F. (1950). The bargaining problem. *Econometrica* 18(2), 155-162.
.. [2] Kalai, E. (1977). Nonsymmetric Nash solutions and replications of 2-person
   bargaining. *International Journal of Game Theory* 6(3), 129-133.
.. [3] Achen, C. H. (2006). Evaluating political decision-making models. In R. Thomson et
   al. (eds.), *The European Union Decides*, 264-298. Cambridge University Press.
.. [4] Schneider, G., Finke, D. and Bailer, S. (2010). Bargaining power in the European
   Union: an evaluation of competing game-theoretic models. *Political Studies* 58(1),
   85-103.

Examples
--------
Linear loss, a scale from 0 to 200, threat point 200, actor A at 0 with power 3 and B at
100 with power 1. On [0, 100] the gains are 200 - x and x, so the product
:math:`3\\log(200-x) + \\log x` peaks where 3/(200 - x) = 1/x, i.e. at x = 50:

>>> from parley.scenario import Scenario
>>> s = Scenario.model_validate({"name": "toy",
...     "actors": [{"id": "a", "name": "A", "capability": 3},
...                {"id": "b", "name": "B", "capability": 1}],
...     "issues": [{"id": "x", "name": "X", "scale": {"low": 0, "high": 200},
...                 "status_quo": 200}],
...     "stances": [{"actor": "a", "issue": "x", "position": 0, "salience": 1},
...                 {"actor": "b", "issue": "x", "position": 100, "salience": 1}]})
>>> round(NashBargaining(loss="linear").run(s)["x"], 6)
50.0
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
from numpy.typing import NDArray

from parley.arrays import array_view
from parley.errors import Problem, ScenarioError
from parley.models.base import Forecast, make_forecast, register
from parley.rng import SeedLike
from parley.scenario import Scenario

__all__ = ["NashBargaining", "nash_solution"]

FloatArray = NDArray[np.float64]
_ITERATIONS = 100


def nash_solution(position: FloatArray, weight: FloatArray, threat: FloatArray,
                  low: FloatArray, high: FloatArray, *, exponent: float = 2.0,
                  ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Weighted Nash bargaining solution per issue, batched over leading axes.

    Parameters
    ----------
    position, weight : ndarray, shape (..., n, m)
        Ideal points and bargaining powers (zero weight: the actor takes no part).
    threat : ndarray, shape (..., n, m)
        Each actor's threat distance: its disagreement utility is
        ``-threat ** exponent`` (up to its salience, which cancels).
    low, high : ndarray, shape (m,)
        Scale bounds.
    exponent : float
        1 for linear, 2 for quadratic loss.

    Returns
    -------
    outcome, lower, upper : ndarray, shape (..., m)
        The solution and the individually rational interval it was sought in.
    """
    active = weight > 0
    reach = np.abs(threat)
    lo = np.where(active, position - reach, -np.inf).max(axis=-2)
    hi = np.where(active, position + reach, np.inf).min(axis=-2)
    lo = np.maximum(lo, low)
    hi = np.minimum(hi, high)
    gain_cap = reach**exponent

    def slope(x: FloatArray) -> FloatArray:
        # derivative of the concave log Nash product; its sign tells which side the
        # maximum is on (at a kink of the linear loss, sign(0) = 0 gives the mean of the
        # one-sided derivatives, still non-increasing in x)
        dist = x[..., None, :] - position
        gain = gain_cap - np.abs(dist) ** exponent
        d_gain = -exponent * np.abs(dist) ** (exponent - 1.0) * np.sign(dist)
        with np.errstate(divide="ignore", invalid="ignore"):
            # on a degenerate interval the bound's own gain is 0; its result is replaced
            total: FloatArray = np.where(active, weight * d_gain / gain, 0.0).sum(axis=-2)
        return total

    a, b = lo.copy(), hi.copy()
    for _ in range(_ITERATIONS):
        mid = (a + b) / 2.0
        rising = slope(mid) > 0
        a = np.where(rising, mid, a)
        b = np.where(rising, b, mid)
    x = (a + b) / 2.0
    degenerate = ~(hi - lo > 1e-12 * np.maximum(1.0, np.abs(high - low)))
    x = np.where(degenerate, (lo + hi) / 2.0, x)
    no_one = ~active.any(axis=-2)
    return np.where(no_one, np.nan, x), lo, hi


@register
@dataclass(frozen=True)
class NashBargaining:
    """Asymmetric Nash bargaining solution with the status quo as threat point.

    Parameters
    ----------
    loss : {'quadratic', 'linear'}
        Shape of each actor's loss in distance from its ideal point.
    power : {'capability_salience', 'capability'}
        Bargaining power (the exponent of each actor's gain in the Nash product).
    disagreement : mapping of issue id to float, optional
        Threat point per issue, overriding the scenario's status quo.
    """

    name: ClassVar[str] = "nash"
    loss: Literal["quadratic", "linear"] = "quadratic"
    power: Literal["capability_salience", "capability"] = "capability_salience"
    disagreement: Mapping[str, float] | None = field(default=None)

    def __post_init__(self) -> None:
        if self.loss not in ("quadratic", "linear"):
            raise ScenarioError([Problem("nash.loss", "must be 'quadratic' or 'linear'",
                                         self.loss, "choose one of the two")])
        if self.power not in ("capability_salience", "capability"):
            raise ScenarioError([Problem("nash.power",
                                         "must be 'capability_salience' or 'capability'",
                                         self.power, "choose one of the two")])

    def run(self, scenario: Scenario, *, rng: SeedLike = None) -> Forecast:
        """Forecast each issue as the Nash bargaining solution."""
        v = array_view(scenario, require_weight=True)
        threat_point = v.status_quo.copy()
        for issue_id, value in (self.disagreement or {}).items():
            if issue_id not in v.issue_ids:
                raise ScenarioError([Problem("nash.disagreement", "must name a declared issue",
                                             issue_id, f"use one of {', '.join(v.issue_ids)}")])
            threat_point[v.issue_ids.index(issue_id)] = value
        worst = np.maximum(np.abs(v.position - v.low), np.abs(v.high - v.position))
        threat = np.where(np.isnan(threat_point), worst, np.abs(threat_point - v.position))
        weight = v.weights() if self.power == "capability_salience" else np.where(
            v.mask & (v.salience > 0), v.capability[:, None], 0.0)
        position = np.where(v.mask, v.position, 0.0)
        exponent = 2.0 if self.loss == "quadratic" else 1.0
        outcome, lo, hi = nash_solution(position, weight, threat, v.low, v.high,
                                        exponent=exponent)
        return make_forecast(self, scenario, outcome,
                             diagnostics=self._diagnostics(v, weight, threat_point, lo, hi))

    @staticmethod
    def _diagnostics(v: Any, weight: FloatArray, threat_point: FloatArray, lo: FloatArray,
                     hi: FloatArray) -> dict[str, Any]:
        per_issue = {}
        for j, issue_id in enumerate(v.issue_ids):
            active = weight[:, j] > 0
            below = [a for a, on, p in zip(v.actor_ids, active, v.position[:, j], strict=True)
                     if on and not np.isnan(threat_point[j]) and p <= threat_point[j]]
            above = [a for a, on, p in zip(v.actor_ids, active, v.position[:, j], strict=True)
                     if on and not np.isnan(threat_point[j]) and p >= threat_point[j]]
            stuck = bool(hi[j] - lo[j] <= 1e-12 * max(1.0, v.high[j] - v.low[j]))
            per_issue[issue_id] = {
                "threat_point": None if np.isnan(threat_point[j]) else float(threat_point[j]),
                "threat": "status_quo" if not np.isnan(threat_point[j]) else "worst_point",
                "individually_rational": [float(lo[j]), float(hi[j])],
                "status_quo_kept": stuck,
                "blocking": {"wants_lower": below, "wants_higher": above} if stuck else {},
            }
        return {"issues": per_issue}
