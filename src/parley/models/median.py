"""The weighted median model: the position backed by half the capability x salience.

On each issue, sort the positions :math:`x_{(1)} \\le \\dots \\le x_{(n)}` with weights
:math:`w_{(k)} = c_{(k)} s_{(k)j}` and total :math:`W`. The forecast is the smallest
:math:`x_{(k)}` whose cumulative weight reaches :math:`W/2`. When the cumulative weight
equals :math:`W/2` exactly at :math:`x_{(k)}`, every point between :math:`x_{(k)}` and the
next position is a median and parley returns their midpoint (the convention of the
unweighted median).

Under majority rule with single-peaked preferences the median is the Condorcet winner
(Black 1948); Bueno de Mesquita (1994) used the capability x salience weighted median as
his model's first forecast, and KTAB reports it for every scenario.

References
----------
.. [1] Black, D. (1948). On the rationale of group decision-making. *Journal of Political
   Economy* 56(1), 23-34.
.. [2] Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method.
   In *European Community Decision Making*, 71-104. Yale University Press.

Examples
--------
Weights 1, 1 and 3 at 10, 20 and 90: the total is 5, the cumulative weight first reaches
2.5 at 90:

>>> import numpy as np
>>> weighted_median(np.array([[10.0], [20.0], [90.0]]), np.array([[1.0], [1.0], [3.0]]))
array([90.])

Weights 1 and 1 at 10 and 20: the cumulative weight is exactly half at 10, so the midpoint:

>>> weighted_median(np.array([[10.0], [20.0]]), np.array([[1.0], [1.0]]))
array([15.])
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

__all__ = ["WeightedMedian", "weighted_median"]

_RTOL = 1e-12


def weighted_median(position: NDArray[np.float64],
                    weight: NDArray[np.float64]) -> NDArray[np.float64]:
    """Weighted median over the actor axis (``-2``), batched over leading axes.

    Entries with zero weight are ignored; an issue whose weights are all zero gives ``nan``.
    """
    w = np.where(weight > 0, weight, 0.0)
    x = np.where(w > 0, position, np.inf)
    order = np.argsort(x, axis=-2, kind="stable")
    xs = np.take_along_axis(x, order, axis=-2)
    cum = np.cumsum(np.take_along_axis(w, order, axis=-2), axis=-2)
    half = cum[..., -1:, :] / 2.0
    k1 = np.argmax(cum >= half * (1 - _RTOL), axis=-2)
    k2 = np.argmax(cum > half * (1 + _RTOL), axis=-2)
    x1 = np.take_along_axis(xs, k1[..., None, :], axis=-2)[..., 0, :]
    x2 = np.take_along_axis(xs, k2[..., None, :], axis=-2)[..., 0, :]
    out = np.where(k1 == k2, x1, (x1 + x2) / 2.0)
    return np.where(half[..., 0, :] > 0, out, np.nan)


@register
@dataclass(frozen=True)
class WeightedMedian:
    """Capability x salience weighted median of positions (Black 1948; BDM 1994)."""

    name: ClassVar[str] = "weighted-median"

    def run(self, scenario: Scenario, *, rng: SeedLike = None) -> Forecast:
        """Forecast each issue as the weighted median of positions."""
        v = array_view(scenario, require_weight=True)
        return make_forecast(self, scenario, weighted_median(v.position, v.weights()))
