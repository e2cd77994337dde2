"""Summaries of an ensemble's outcomes: distributions, and the probability of agreement.

For every issue, over the ``N`` draws of an ensemble:

* the distribution of the outcome: mean, standard deviation, quantiles (numpy's default,
  Hyndman & Fan's definition 7) and a histogram over the issue's scale;
* the probability that the outcome is acceptable to every party, i.e. lies inside every
  party's acceptable range (red lines) on that issue, with its Monte Carlo standard error
  :math:`\\sqrt{\\hat p (1 - \\hat p) / N}`; and, per party, the probability that it lies in
  that party's range. Issues on which no party declares a range have no such probability
  (``None``), and parties without a range on an issue do not constrain it;
* for simulations, the probability that the issue was agreed, and the distribution of the
  round of agreement over the draws that agreed.

Across issues: the probability that every issue's outcome is acceptable to every party at
once (a package inside all red lines) and, for simulations, that every issue was agreed.

References
----------
.. [1] Hyndman, R. J. and Fan, Y. (1996). Sample quantiles in statistical packages. *The
   American Statistician* 50(4), 361-365.
.. [2] Raiffa, H. (1982). *The Art and Science of Negotiation*. Harvard University Press
   (the zone of possible agreement: the outcomes inside every party's reservation).

Examples
--------
Two parties on one issue (scale 0..100) accept [0, 60] and [40, 100]; of four draws 30, 45,
55 and 70, two lie in [40, 60]:

>>> import numpy as np
>>> red = RedLines(("a", "b"), np.array([[0.0], [40.0]]), np.array([[60.0], [100.0]]),
...                np.array([[True], [True]]))
>>> doc = summarise(np.array([[30.0], [45.0], [55.0], [70.0]]), ("x",), np.array([0.0]),
...                 np.array([100.0]), red)
>>> doc["issues"]["x"]["acceptable_to_all"], doc["issues"]["x"]["acceptable_to"]
(0.5, {'a': 0.75, 'b': 0.75})
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from parley.scenario import Scenario

__all__ = ["QUANTILES", "RedLines", "distribution", "summarise"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: Quantiles reported by default.
QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)
_REL_TOL = 1e-9  # an outcome this close (share of the scale) to a red line is on it


@dataclass(frozen=True, eq=False)
class RedLines:
    """The parties' acceptable ranges: ``low``/``high`` ``(p, m)``, ``declared`` where given."""

    party_ids: tuple[str, ...]
    low: FloatArray
    high: FloatArray
    declared: BoolArray

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> RedLines:
        """The acceptable ranges of the scenario's parties (role ``party``)."""
        parties = scenario.parties
        m = len(scenario.issues)
        low = np.full((len(parties), m), -np.inf)
        high = np.full((len(parties), m), np.inf)
        declared = np.zeros((len(parties), m), dtype=bool)
        for i, a in enumerate(parties):
            for j, iss in enumerate(scenario.issues):
                st = scenario.stance(a.id, iss.id)
                if st is not None and st.acceptable is not None:
                    low[i, j], high[i, j] = st.acceptable.low, st.acceptable.high
                    declared[i, j] = True
        return cls(tuple(a.id for a in parties), low, high, declared)

    def zone(self) -> tuple[FloatArray, FloatArray]:
        """Per issue, the intersection of the declared ranges (``nan`` where none is)."""
        any_declared = self.declared.any(axis=0)
        lo = np.where(any_declared, self.low.max(axis=0, initial=-np.inf), np.nan)
        hi = np.where(any_declared, self.high.min(axis=0, initial=np.inf), np.nan)
        return lo, hi

    def inside(self, outcome: FloatArray, width: FloatArray) -> BoolArray:
        """``(B, p, m)``: whether each draw's outcome is in each party's range."""
        tol = _REL_TOL * width
        x = outcome[:, None, :]
        ok: BoolArray = (x >= self.low - tol) & (x <= self.high + tol)
        return ok


def _num(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def distribution(x: FloatArray, low: float, high: float, *,
                 quantiles: Sequence[float] = QUANTILES, bins: int = 20) -> dict[str, Any]:
    """Mean, s.d., quantiles and a histogram over ``[low, high]`` of the finite ``x``."""
    x = np.asarray(x, dtype=float)
    ok = x[np.isfinite(x)]
    if ok.size == 0:
        return {"n": 0, "mean": None, "sd": None,
                "quantiles": {f"{q:g}": None for q in quantiles},
                "histogram": {"edges": np.linspace(low, high, bins + 1).tolist(),
                              "counts": [0] * bins}}
    counts, edges = np.histogram(np.clip(ok, low, high), bins=bins, range=(low, high))
    qs = np.quantile(ok, list(quantiles))
    return {
        "n": int(ok.size),
        "mean": float(ok.mean()),
        "sd": float(ok.std(ddof=1)) if ok.size > 1 else 0.0,
        "quantiles": {f"{q:g}": float(v) for q, v in zip(quantiles, qs, strict=True)},
        "histogram": {"edges": edges.tolist(), "counts": counts.tolist()},
    }


def summarise(outcome: FloatArray, issue_ids: Sequence[str], low: FloatArray,
              high: FloatArray, red_lines: RedLines, *, agreed: BoolArray | None = None,
              rounds: FloatArray | None = None, quantiles: Sequence[float] = QUANTILES,
              bins: int = 20) -> dict[str, Any]:
    """Summarise ``outcome`` ``(N, m)`` issue by issue (see the module docstring).

    Returns
    -------
    dict
        JSON-ready: ``draws``, ``issues`` (per issue id: ``distribution``,
        ``acceptable_to_all`` and its ``acceptable_to_all_se``, ``acceptable_to`` per party,
        ``zone``; ``agreed`` and ``round`` for simulations),
        ``acceptable_to_all_on_every_issue`` and, for simulations, ``agreed_on_every_issue``.
    """
    outcome = np.asarray(outcome, dtype=float)
    n = outcome.shape[0]
    width = np.asarray(high, dtype=float) - np.asarray(low, dtype=float)
    inside = red_lines.inside(outcome, width) if n else np.zeros(
        (0, len(red_lines.party_ids), len(issue_ids)), dtype=bool)
    inside &= np.isfinite(outcome)[:, None, :]
    zone_lo, zone_hi = red_lines.zone()
    constrained: BoolArray = np.asarray(red_lines.declared.any(axis=0), dtype=bool)
    all_ok: BoolArray = np.asarray((inside | ~red_lines.declared[None]).all(axis=1)
                                   & np.isfinite(outcome), dtype=bool)
    issues: dict[str, Any] = {}
    for j, issue_id in enumerate(issue_ids):
        doc: dict[str, Any] = {"distribution": distribution(outcome[:, j], float(low[j]),
                                                            float(high[j]),
                                                            quantiles=quantiles, bins=bins)}
        if constrained[j] and n:
            p = float(all_ok[:, j].mean())
            doc["acceptable_to_all"] = p
            doc["acceptable_to_all_se"] = math.sqrt(p * (1 - p) / n)
            doc["zone"] = ([float(zone_lo[j]), float(zone_hi[j])]
                           if zone_lo[j] <= zone_hi[j] else None)
            doc["acceptable_to"] = {
                party: float(inside[:, i, j].mean())
                for i, party in enumerate(red_lines.party_ids) if red_lines.declared[i, j]}
        else:
            doc.update(acceptable_to_all=None, acceptable_to_all_se=None, zone=None,
                       acceptable_to={})
        if agreed is not None:
            doc["agreed"] = float(agreed[:, j].mean()) if n else None
            r = rounds[:, j] if rounds is not None else np.full(n, np.nan)
            doc["round"] = distribution(r[agreed[:, j]], 0.0,
                                        float(np.nanmax(r, initial=0.0)) or 1.0,
                                        quantiles=quantiles, bins=min(bins, 10))
        issues[issue_id] = doc
    out: dict[str, Any] = {
        "draws": int(n),
        "issues": issues,
        "acceptable_to_all_on_every_issue": (
            float(all_ok[:, constrained].all(axis=1).mean()) if constrained.any() and n
            else None),
    }
    if agreed is not None:
        out["agreed_on_every_issue"] = float(agreed.all(axis=1).mean()) if n else None
    return out
