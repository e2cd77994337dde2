"""Bargaining solutions over a finite set of deals: Nash, Kalai-Smorodinsky, egalitarian.

Given the parties' utilities :math:`U_i` of each deal and the disagreement point
:math:`d_i` (their reservation utilities), with gains :math:`g_i = U_i - d_i \\ge 0`:

* **Nash** (1950): maximise the product of gains :math:`\\prod_i g_i^{\\,w_i}` (equal
  powers :math:`w_i = 1` by default; other powers give the asymmetric solution of
  Kalai 1977). Computed as :math:`\\sum_i w_i \\log g_i`.
* **Kalai-Smorodinsky** (1975): with the ideal point :math:`a_i = \\max U_i` over the
  deals, maximise :math:`\\min_i g_i / (a_i - d_i)`: on a continuous frontier, the point
  where every party gets the same share of its largest possible gain. A party that no
  deal can give anything (:math:`a_i = d_i`) is left out of the minimum.
* **Egalitarian** (Kalai 1977): maximise :math:`\\min_i g_i`, equal absolute gains.

Each maximum is reached on the Pareto frontier (the criteria never decrease when every
:math:`U_i` rises), so searching the frontier (:mod:`parley.deals.pareto`) gives the same
point as searching every deal. On a finite set several deals may tie: the Nash point then
takes the largest total gain; the two max-min solutions take the leximin-best deal (the
one whose sorted gains are lexicographically largest, Sen 1970); remaining ties go to the
lowest row. If no deal gives every party a positive gain, every Nash product is 0 and the
Nash point is the deal with the largest total gain.

The functions take plain arrays, so the same numbers can be cross-checked against any
other implementation (e.g. NegMAS) given the same utilities.

References
----------
.. [1] Nash, J. F. (1950). The bargaining problem. *Econometrica* 18(2), 155-162.
.. [2] Kalai, E. and Smorodinsky, M. (1975). Other solutions to Nash's bargaining problem.
   *Econometrica* 43(3), 513-518.
.. [3] Kalai, E. (1977). Proportional solutions to bargaining situations: interpersonal
   utility comparisons. *Econometrica* 45(7), 1623-1630.
.. [4] Sen, A. (1970). *Collective Choice and Social Welfare*. San Francisco: Holden-Day.

Examples
--------
Three deals for two parties with disagreement point (0, 0): gains (0.9, 0.1), (0.5, 0.4)
and (0.2, 0.6). Products 0.09, 0.20, 0.12: the Nash point is the second deal.

>>> u = np.array([[0.9, 0.1], [0.5, 0.4], [0.2, 0.6]])
>>> nash_index(u, np.zeros(2))
1
>>> egalitarian_index(u, np.zeros(2))
1
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from parley.deals.pareto import Frontier

__all__ = [
    "BargainingPoint",
    "BargainingSolutions",
    "bargaining_solutions",
    "egalitarian_index",
    "kalai_smorodinsky_index",
    "nash_index",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
_TIE = 1e-12


def _gains(utilities: FloatArray, disagreement: FloatArray) -> tuple[IntArray, FloatArray]:
    u = np.asarray(utilities, dtype=float)
    d = np.asarray(disagreement, dtype=float)
    if u.ndim != 2 or d.shape != (u.shape[1],):
        raise ValueError(f"utilities must be (K, n) and disagreement (n,); got {u.shape} "
                         f"and {d.shape}")
    rows = np.flatnonzero((u >= d).all(axis=1)).astype(np.int64)
    gains: FloatArray = u[rows] - d
    return rows, gains


def _leximin(values: FloatArray, rows: IntArray) -> int:
    """Row whose sorted values are lexicographically largest (ties: lowest row)."""
    ranked = np.sort(values, axis=1)
    order = np.lexsort([rows] + [-ranked[:, k] for k in reversed(range(ranked.shape[1]))])
    return int(rows[order[0]])


def nash_index(utilities: FloatArray, disagreement: FloatArray, *,
               power: FloatArray | None = None) -> int | None:
    """Row of the (weighted) Nash bargaining solution, or ``None`` without any deal.

    Parameters
    ----------
    utilities : ndarray, shape (K, n)
        Utilities of the candidate deals; rows with some :math:`U_i < d_i` are ignored.
    disagreement : ndarray, shape (n,)
        Disagreement (reservation) utilities.
    power : ndarray, shape (n,), optional
        Bargaining powers (exponents of the gains); equal by default.
    """
    rows, g = _gains(utilities, disagreement)
    if rows.size == 0:
        return None
    w = np.ones(g.shape[1]) if power is None else np.asarray(power, dtype=float)
    with np.errstate(divide="ignore"):
        value = (w * np.log(g)).sum(axis=1)
    best = value.max()
    if not np.isfinite(best):
        tied = np.ones(rows.size, dtype=bool)
    else:
        tied = value >= best - _TIE * max(1.0, abs(best))
    total = g.sum(axis=1)
    cand = np.flatnonzero(tied)
    top = total[cand].max()
    pick = cand[total[cand] >= top - _TIE]
    return int(rows[pick].min())


def _maxmin(values: FloatArray, rows: IntArray) -> int:
    low = values.min(axis=1)
    tied = low >= low.max() - _TIE
    return _leximin(values[tied], rows[tied])


def kalai_smorodinsky_index(utilities: FloatArray, disagreement: FloatArray, *,
                            ideal: FloatArray | None = None) -> int | None:
    """Row of the Kalai-Smorodinsky solution, or ``None`` without any deal.

    ``ideal`` defaults to the largest utility of each party over the deals.
    """
    rows, g = _gains(utilities, disagreement)
    if rows.size == 0:
        return None
    d = np.asarray(disagreement, dtype=float)
    a = np.asarray(utilities, dtype=float)[rows].max(axis=0) if ideal is None else ideal
    reach = np.asarray(a, dtype=float) - d
    counted = reach > 0
    if not counted.any():
        return int(rows.min())
    share = g[:, counted] / reach[counted]
    return _maxmin(share, rows)


def egalitarian_index(utilities: FloatArray, disagreement: FloatArray) -> int | None:
    """Row of the egalitarian (max-min gain) solution, or ``None`` without any deal."""
    rows, g = _gains(utilities, disagreement)
    if rows.size == 0:
        return None
    return _maxmin(g, rows)


@dataclass(frozen=True)
class BargainingPoint:
    """One bargaining solution on a frontier.

    Attributes
    ----------
    solution : str
        ``"nash"``, ``"kalai_smorodinsky"`` or ``"egalitarian"``.
    row : int
        Row in the frontier.
    package : tuple of float
        The package, one value per issue.
    utilities, gains : tuple of float
        Each party's utility and its gain over its reservation.
    """

    solution: str
    row: int
    package: tuple[float, ...]
    utilities: tuple[float, ...]
    gains: tuple[float, ...]

    def to_dict(self, actor_ids: tuple[str, ...], issue_ids: tuple[str, ...],
                ) -> dict[str, Any]:
        """JSON-ready mapping keyed by issue and party ids."""
        return {
            "solution": self.solution,
            "package": dict(zip(issue_ids, self.package, strict=True)),
            "utilities": dict(zip(actor_ids, self.utilities, strict=True)),
            "gains": dict(zip(actor_ids, self.gains, strict=True)),
        }


@dataclass(frozen=True)
class BargainingSolutions:
    """The three solutions on one frontier (``None`` where there is no deal)."""

    nash: BargainingPoint | None
    kalai_smorodinsky: BargainingPoint | None
    egalitarian: BargainingPoint | None

    def items(self) -> tuple[tuple[str, BargainingPoint | None], ...]:
        """``(name, point)`` pairs."""
        return (("nash", self.nash), ("kalai_smorodinsky", self.kalai_smorodinsky),
                ("egalitarian", self.egalitarian))


def _point(frontier: Frontier, name: str, row: int | None) -> BargainingPoint | None:
    if row is None:
        return None
    u = frontier.utilities[row]
    return BargainingPoint(name, row, tuple(float(v) for v in frontier.packages[row]),
                           tuple(float(v) for v in u),
                           tuple(float(v) for v in u - frontier.reservation))


def bargaining_solutions(frontier: Frontier, *, power: FloatArray | None = None,
                         ) -> BargainingSolutions:
    """Nash, Kalai-Smorodinsky and egalitarian points of a frontier of deals."""
    u, d = frontier.utilities, frontier.reservation
    return BargainingSolutions(
        _point(frontier, "nash", nash_index(u, d, power=power)),
        _point(frontier, "kalai_smorodinsky", kalai_smorodinsky_index(u, d)),
        _point(frontier, "egalitarian", egalitarian_index(u, d)))
