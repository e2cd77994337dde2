"""The compromise model: the capability x salience weighted mean of positions.

.. math::

    \\hat x_j = \\frac{\\sum_i c_i s_{ij} x_{ij}}{\\sum_i c_i s_{ij}}

where :math:`c_i` is actor *i*'s capability, :math:`s_{ij}` its salience on issue *j* and
:math:`x_{ij}` its position; actors without a stance on *j* are left out. Van den Bos
(1991) introduced it for EU decision-making; Achen (2006) showed it is the limit of the Nash
bargaining solution with quadratic losses when disagreement is very costly, and it scores
at or near the top of the models compared in Thomson et al. (2006).

References
----------
.. [1] van den Bos, J. M. M. (1991). *Dutch EC Policy Making*. Amsterdam: Thesis.
.. [2] Achen, C. H. (2006). Evaluating political decision-making models. In R. Thomson et
   al. (eds.), *The European Union Decides*, 264-298. Cambridge University Press.
.. [3] Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. In
   *European Community Decision Making*, 71-104. Yale University Press.

Examples
--------
Two actors: A (capability 2, salience 0.5) at 20 and B (capability 1, salience 1) at 80.
The weights are 1 and 1, so the compromise is (20 + 80) / 2 = 50:

>>> from parley.scenario import Scenario
>>> s = Scenario.model_validate({"name": "toy",
...     "actors": [{"id": "a", "name": "A", "capability": 2},
...                {"id": "b", "name": "B", "capability": 1}],
...     "issues": [{"id": "x", "name": "X"}],
...     "stances": [{"actor": "a", "issue": "x", "position": 20, "salience": 0.5},
...                 {"actor": "b", "issue": "x", "position": 80, "salience": 1.0}]})
>>> Compromise().run(s)["x"]
50.0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from parley.arrays import array_view
from parley.models.base import Forecast, make_forecast, register
from parley.rng import SeedLike
from parley.scenario import Scenario

__all__ = ["Compromise", "weighted_mean"]


def weighted_mean(position: NDArray[np.float64],
                  weight: NDArray[np.float64]) -> NDArray[np.float64]:
    """Weighted mean over the actor axis (``-2``), batched over any leading axes.

    ``position`` and ``weight`` have shape ``(..., n, m)``; entries with zero weight (masked
    actors) are ignored, and an issue whose weights are all zero gives ``nan``.

    >>> weighted_mean(np.array([[4.0], [10.0]]), np.array([[1.0], [3.0]]))
    array([8.5])
    """
    x = np.where(weight > 0, position, 0.0)
    total = weight.sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (weight * x).sum(axis=-2) / total, np.nan)


@register
@dataclass(frozen=True)
class Compromise:
    """Capability x salience weighted mean of positions (van den Bos 1991; Achen 2006)."""

    name: ClassVar[str] = "compromise"

    def run(self, scenario: Scenario, *, rng: SeedLike = None) -> Forecast:
        """Forecast each issue as the weighted mean of positions."""
        v = array_view(scenario, require_weight=True)
        return make_forecast(self, scenario, weighted_mean(v.position, v.weights()))
