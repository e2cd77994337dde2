"""The zone of possible agreement (ZOPA), issue by issue and for whole packages.

**Per issue.** Each party's acceptable range :math:`[a_{ij}, b_{ij}]` (its red lines; the
whole scale when it gives none) bounds what it can sign. The zone on issue *j* is their
intersection

.. math::

    Z_j = \\bigl[\\max_i a_{ij},\\ \\min_i b_{ij}\\bigr],

empty exactly when some party's lower bound exceeds another's upper bound. Then every such
pair is a *conflict* (e.g. "russia requires >= 75, ukraine requires <= 50"), and the pair
with the largest gap is the binding one. Raiffa (1982, ch. 4) defines the zone for one
issue between a seller's and a buyer's reservation prices; here the reservation price of a
party on one issue is its red line.

**For packages.** Red lines are not the whole story: a package inside every range may
still leave a party worse off than no deal. The package zone is the set of packages that
every party *strictly* prefers to no deal, :math:`U_i(x) > r_i` for all *i*, inside every
range (Raiffa 1982, ch. 11; Sebenius 1992 on the zone in multi-issue talks).
:func:`package_zopa` counts it over a discrete space and names its best package (the
Nash bargaining point of the weak deal set, :mod:`parley.deals.bargaining`).

References
----------
.. [1] Raiffa, H. (1982). *The Art and Science of Negotiation*. Cambridge, MA: Harvard
   University Press.
.. [2] Sebenius, J. K. (1992). Negotiation analysis: a characterization and review.
   *Management Science* 38(1), 18-38.

Examples
--------
>>> from parley.scenario import Scenario
>>> from parley.deals.utility import preferences
>>> s = Scenario.model_validate({"name": "toy",
...     "actors": [{"id": "russia", "name": "Russia", "capability": 1},
...                {"id": "ukraine", "name": "Ukraine", "capability": 1}],
...     "issues": [{"id": "donbas", "name": "Donbas"}],
...     "stances": [{"actor": "russia", "issue": "donbas", "position": 100, "salience": 1,
...                  "acceptable": {"low": 90, "high": 100}},
...                 {"actor": "ukraine", "issue": "donbas", "position": 0, "salience": 1,
...                  "acceptable": {"low": 0, "high": 20}}]})
>>> z = issue_zopas(preferences(s))[0]
>>> z.empty, z.describe()
(True, 'donbas: no zone of agreement: russia requires >= 90, ukraine requires <= 20')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from parley.deals.bargaining import nash_index
from parley.deals.space import (
    DEFAULT_CHUNK,
    DiscreteSpace,
    allowed_digits,
    inside_red_lines,
    iter_utilities,
)
from parley.deals.utility import Preferences

__all__ = ["Conflict", "IssueZopa", "PackageZopa", "issue_zopas", "package_zopa"]


def _num(x: float) -> str:
    return f"{x:g}"


@dataclass(frozen=True)
class Conflict:
    """Two red lines that cannot both hold: ``low_party`` needs at least ``low``,
    ``high_party`` at most ``high`` < ``low``."""

    low_party: str
    low: float
    high_party: str
    high: float

    @property
    def gap(self) -> float:
        """How far apart the two bounds are (scale units)."""
        return self.low - self.high

    def describe(self) -> str:
        """E.g. ``russia requires >= 90, ukraine requires <= 20``."""
        return (f"{self.low_party} requires >= {_num(self.low)}, "
                f"{self.high_party} requires <= {_num(self.high)}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {"low_party": self.low_party, "low": self.low, "high_party": self.high_party,
                "high": self.high, "gap": self.gap, "text": self.describe()}


@dataclass(frozen=True)
class IssueZopa:
    """The zone of agreement on one issue.

    Attributes
    ----------
    issue : str
        Issue id.
    low, high : float
        The intersection of the acceptable ranges (``low > high`` when empty).
    low_party, high_party : str or None
        The parties whose red lines set ``low`` and ``high`` (``None``: the scale's end).
    conflicts : tuple of Conflict
        Every pair of incompatible red lines, largest gap first (empty zone only).
    status_quo : float or None
        The issue's status quo.
    """

    issue: str
    low: float
    high: float
    low_party: str | None
    high_party: str | None
    conflicts: tuple[Conflict, ...]
    status_quo: float | None

    @property
    def empty(self) -> bool:
        """Whether no value satisfies every party's red lines."""
        return self.low > self.high

    @property
    def binding(self) -> Conflict | None:
        """The conflict with the largest gap (``None`` when the zone is not empty)."""
        return self.conflicts[0] if self.conflicts else None

    @property
    def width(self) -> float:
        """``high - low`` (negative: the gap to close)."""
        return self.high - self.low

    def describe(self) -> str:
        """One line: the zone, or the conflicting red lines."""
        if self.empty:
            return (f"{self.issue}: no zone of agreement: "
                    + "; ".join(c.describe() for c in self.conflicts))
        return f"{self.issue}: zone of agreement [{_num(self.low)}, {_num(self.high)}]"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {"issue": self.issue, "empty": self.empty, "low": self.low, "high": self.high,
                "low_party": self.low_party, "high_party": self.high_party,
                "conflicts": [c.to_dict() for c in self.conflicts],
                "status_quo": self.status_quo, "text": self.describe()}


def issue_zopas(prefs: Preferences) -> tuple[IssueZopa, ...]:
    """The zone of agreement on every issue (see the module docstring)."""
    out = []
    for j, issue in enumerate(prefs.issue_ids):
        lows, highs = prefs.acceptable_low[:, j], prefs.acceptable_high[:, j]
        lo_i, hi_i = int(np.argmax(lows)), int(np.argmin(highs))
        low, high = float(lows[lo_i]), float(highs[hi_i])
        conflicts = [Conflict(prefs.actor_ids[a], float(lows[a]), prefs.actor_ids[b],
                              float(highs[b]))
                     for a in range(prefs.n_parties) for b in range(prefs.n_parties)
                     if lows[a] > highs[b]]
        conflicts.sort(key=lambda c: (-c.gap, c.low_party, c.high_party))
        sq = prefs.status_quo[j]
        out.append(IssueZopa(
            issue, low, high,
            prefs.actor_ids[lo_i] if low > prefs.low[j] else None,
            prefs.actor_ids[hi_i] if high < prefs.high[j] else None,
            tuple(conflicts), None if np.isnan(sq) else float(sq)))
    return tuple(out)


@dataclass(frozen=True)
class PackageZopa:
    """The zone of agreement over the packages of a discrete space.

    Attributes
    ----------
    n_packages : int
        Packages in the space.
    n_inside : int
        Packages inside every party's red lines.
    n_deals : int
        Deals: inside the red lines and :math:`U_i \\ge r_i` for every party.
    n_agreement : int
        Packages every party strictly prefers to no deal (:math:`U_i > r_i`): the zone.
    best : tuple of float or None
        The Nash bargaining point among the deals.
    best_utilities : tuple of float or None
        Its utilities.
    """

    n_packages: int
    n_inside: int
    n_deals: int
    n_agreement: int
    best: tuple[float, ...] | None
    best_utilities: tuple[float, ...] | None

    @property
    def exists(self) -> bool:
        """Whether some package beats no deal for every party."""
        return self.n_agreement > 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {"exists": self.exists, "n_packages": self.n_packages, "n_inside": self.n_inside,
                "n_deals": self.n_deals, "n_agreement": self.n_agreement,
                "best": None if self.best is None else list(self.best),
                "best_utilities": (None if self.best_utilities is None
                                   else list(self.best_utilities))}


def package_zopa(prefs: Preferences, space: DiscreteSpace, *,
                 chunk_size: int = DEFAULT_CHUNK) -> PackageZopa:
    """Count the package zone over a discrete space, chunk by chunk."""
    allowed = allowed_digits(prefs, space)
    inside = deals = agreement = 0
    best_value = -np.inf
    best: tuple[int, float] | None = None
    best_u = None
    for start, digits, u in iter_utilities(prefs, space, chunk_size):
        ok = inside_red_lines(allowed, digits)
        weak = ok & (u >= prefs.reservation).all(axis=1)
        inside += int(ok.sum())
        deals += int(weak.sum())
        agreement += int((ok & (u > prefs.reservation).all(axis=1)).sum())
        rows = np.flatnonzero(weak)
        k = nash_index(u[rows], prefs.reservation) if rows.size else None
        if k is None:
            continue
        g = u[rows[k]] - prefs.reservation
        with np.errstate(divide="ignore"):
            value = float(np.log(g).sum())
        key = (value, float(g.sum()))
        if best is None or key > (best_value, best[1]):
            best_value, best = key[0], (start + int(rows[k]), key[1])
            best_u = u[rows[k]]
    package = None if best is None else tuple(float(v) for v in space.package(best[0]))
    return PackageZopa(space.size, inside, deals, agreement, package,
                       None if best_u is None else tuple(float(v) for v in best_u))
