"""What would it take: the smallest change by one party that opens a zone of agreement.

Negotiation analysts ask not only whether agreement is possible but what one side would
have to give up to make it so (Raiffa 1982, ch. 4 and 11; Sebenius 1992). This module
answers for one party at a time, holding everyone else fixed.

**One issue** (:func:`issue_fixes`). The zone on issue *j* is empty when
:math:`\\max_i a_{ij} > \\min_i b_{ij}` (:mod:`parley.deals.zopa`). Party *i* alone can
open it iff the others' ranges meet, :math:`L_{-i} = \\max_{k \\ne i} a_{kj} \\le
H_{-i} = \\min_{k \\ne i} b_{kj}`; its minimal widening is then to lower its lower bound to
:math:`H_{-i}` (if :math:`a_{ij} > H_{-i}`) or raise its upper bound to :math:`L_{-i}`
(if :math:`b_{ij} < L_{-i}`), which leaves a zone of one point. The size is the distance
moved, in scale units and as a share of the scale.

**Packages** (:func:`package_fixes`), when no package of the discrete space lies inside
every red line and gives every party more than its reservation utility. For each party
three kinds of change are searched:

* ``red_lines``: exact on the space. Over the packages inside the *other* parties' red
  lines that every party (this one included) strictly prefers to no deal, the one that
  lies the least far outside this party's ranges, distance summed over issues as shares of
  each scale, :math:`\\sum_j \\operatorname{dist}(x_j, [a_{ij}, b_{ij}]) / (h_j - l_j)`.
  The change widens each range just enough to include it.
* ``reservation``: exact on the space. The largest utility this party gets from a
  package inside every red line that every other party strictly prefers to no deal; the
  party's walk-away utility would have to fall below it. Size in utility units.
* ``positions``: a line search. The party moves every ideal point the same fraction
  :math:`\\alpha` of the way towards the salience-weighted mean position of the other
  parties (kept inside its own red lines; a reservation that comes from the status quo is
  recomputed), and :math:`\\alpha` is the smallest value (steps of 0.1, then bisection to
  :data:`ALPHA_TOL`) at which a zone opens. Size: distance moved, summed over issues.

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
...                  "acceptable": {"low": 75, "high": 100}},
...                 {"actor": "ukraine", "issue": "donbas", "position": 0, "salience": 1,
...                  "acceptable": {"low": 0, "high": 50}}]})
>>> for fix in issue_fixes(preferences(s))[0].fixes:
...     print(fix.describe())
russia: acceptable.low on donbas 75 -> 50 (-25)
ukraine: acceptable.high on donbas 50 -> 75 (+25)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from parley.deals.pareto import pareto_frontier
from parley.deals.space import DEFAULT_CHUNK, DiscreteSpace, iter_utilities
from parley.deals.utility import Preferences

__all__ = [
    "ALPHA_TOL",
    "Change",
    "Fix",
    "IssueWhatIf",
    "WhatIf",
    "agreement_exists",
    "issue_fixes",
    "package_fixes",
    "what_would_it_take",
]

FloatArray = NDArray[np.float64]
#: Resolution of the position line search (fraction of the way to the others' mean).
ALPHA_TOL = 1e-3


@dataclass(frozen=True)
class Change:
    """One number changed: a red line, an ideal point or a reservation utility."""

    party: str
    issue: str | None
    field: str
    old: float
    new: float

    @property
    def size(self) -> float:
        """``|new - old|``."""
        return abs(self.new - self.old)

    def describe(self) -> str:
        """E.g. ``ukraine: acceptable.high on donbas 50 -> 75 (+25)``."""
        where = f" on {self.issue}" if self.issue else ""
        return (f"{self.party}: {self.field}{where} {self.old:.4g} -> {self.new:.4g} "
                f"({self.new - self.old:+.4g})")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {"party": self.party, "issue": self.issue, "field": self.field,
                "old": self.old, "new": self.new, "text": self.describe()}


@dataclass(frozen=True)
class Fix:
    """The smallest change of one kind by one party that opens a zone of agreement.

    Attributes
    ----------
    party : str
        Who changes.
    kind : str
        ``"red_lines"``, ``"positions"`` or ``"reservation"``.
    size : float
        Scale units moved (summed over issues), or utility for ``reservation``.
    relative : float
        Shares of each scale moved (summed), or utility for ``reservation``.
    changes : tuple of Change
        The numbers to change.
    package : tuple of float or None
        A package that the change makes acceptable to every party.
    """

    party: str
    kind: str
    size: float
    relative: float
    changes: tuple[Change, ...]
    package: tuple[float, ...] | None = None

    def describe(self) -> str:
        """The changes, one clause each."""
        return "; ".join(c.describe() for c in self.changes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {"party": self.party, "kind": self.kind, "size": self.size,
                "relative": self.relative, "changes": [c.to_dict() for c in self.changes],
                "package": None if self.package is None else list(self.package),
                "text": self.describe()}


@dataclass(frozen=True)
class IssueWhatIf:
    """Ways to open the empty zone on one issue, smallest first."""

    issue: str
    fixes: tuple[Fix, ...]

    @property
    def smallest(self) -> Fix | None:
        """The smallest fix (``None``: no single party can open the zone)."""
        return self.fixes[0] if self.fixes else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {"issue": self.issue, "fixes": [f.to_dict() for f in self.fixes],
                "single_party_fix": bool(self.fixes)}


def issue_fixes(prefs: Preferences) -> tuple[IssueWhatIf, ...]:
    """The minimal red-line widening per party on every issue whose zone is empty."""
    out = []
    lo_all, hi_all = prefs.acceptable_low, prefs.acceptable_high
    for j, issue in enumerate(prefs.issue_ids):
        if not lo_all[:, j].max() > hi_all[:, j].min():
            continue
        fixes = []
        for i, party in enumerate(prefs.actor_ids):
            others = np.arange(prefs.n_parties) != i
            low_o = float(lo_all[others, j].max()) if others.any() else float(prefs.low[j])
            high_o = float(hi_all[others, j].min()) if others.any() else float(prefs.high[j])
            if low_o > high_o:
                continue
            lo, hi = float(lo_all[i, j]), float(hi_all[i, j])
            if lo > high_o:
                change = Change(party, issue, "acceptable.low", lo, high_o)
            elif hi < low_o:
                change = Change(party, issue, "acceptable.high", hi, low_o)
            else:  # pragma: no cover - an empty zone involves every party that can fix it
                continue
            fixes.append(Fix(party, "red_lines", change.size,
                             change.size / float(prefs.span[j]), (change,)))
        fixes.sort(key=lambda f: (f.size, f.party))
        out.append(IssueWhatIf(issue, tuple(fixes)))
    return tuple(out)


def agreement_exists(prefs: Preferences, space: DiscreteSpace) -> bool:
    """Whether some package lies inside every red line with :math:`U_i > r_i` for all."""
    front = pareto_frontier(prefs, space, deals_only=True)
    return bool((front.utilities > prefs.reservation).all(axis=1).any())


def _outside(prefs: Preferences, j: int, values: FloatArray) -> FloatArray:
    """Distance of each value outside each party's range, as a share of the scale, (L, n)."""
    v = np.asarray(values, dtype=float)[:, None]
    gap = np.maximum(prefs.acceptable_low[:, j] - v, 0.0) + np.maximum(
        v - prefs.acceptable_high[:, j], 0.0)
    out: FloatArray = gap / prefs.span[j]
    return out


def _exact_fixes(prefs: Preferences, space: DiscreteSpace, chunk_size: int) -> list[Fix]:
    n = prefs.n_parties
    outside = [_outside(prefs, j, v) for j, v in enumerate(space.values)]
    best_cost = np.full(n, np.inf)
    best_cost_at = np.full(n, -1, dtype=np.int64)
    best_u = np.full(n, -np.inf)
    best_u_at = np.full(n, -1, dtype=np.int64)
    r = prefs.reservation
    for start, digits, u in iter_utilities(prefs, space, chunk_size):
        cost = np.zeros((digits.shape[0], n))
        for j, table in enumerate(outside):
            cost += table[digits[:, j]]
        inside = cost == 0.0  # (k, n): inside each party's own red lines
        above = u > r  # (k, n)
        n_out = (~inside).sum(axis=1)
        n_below = (~above).sum(axis=1)
        for i in range(n):
            # red lines: everyone strictly better off, the others' ranges respected
            ok = above.all(axis=1) & (n_out - (~inside[:, i]).astype(int) == 0)
            if ok.any():
                k = int(np.argmin(np.where(ok, cost[:, i], np.inf)))
                if cost[k, i] < best_cost[i]:
                    best_cost[i], best_cost_at[i] = cost[k, i], start + k
            # reservation: inside every range, the others strictly better off
            ok = inside.all(axis=1) & (n_below - (~above[:, i]).astype(int) == 0)
            if ok.any():
                k = int(np.argmax(np.where(ok, u[:, i], -np.inf)))
                if u[k, i] > best_u[i]:
                    best_u[i], best_u_at[i] = u[k, i], start + k
    fixes = []
    for i, party in enumerate(prefs.actor_ids):
        if best_cost_at[i] >= 0:
            x = space.package(int(best_cost_at[i]))
            changes = []
            for j, issue in enumerate(prefs.issue_ids):
                lo, hi = prefs.acceptable_low[i, j], prefs.acceptable_high[i, j]
                if x[j] < lo:
                    changes.append(Change(party, issue, "acceptable.low", float(lo), float(x[j])))
                elif x[j] > hi:
                    changes.append(Change(party, issue, "acceptable.high", float(hi),
                                          float(x[j])))
            fixes.append(Fix(party, "red_lines", float(sum(c.size for c in changes)),
                             float(best_cost[i]), tuple(changes), tuple(float(v) for v in x)))
        if best_u_at[i] >= 0 and best_u[i] <= r[i]:
            x = space.package(int(best_u_at[i]))
            change = Change(party, None, "reservation", float(r[i]), float(best_u[i]))
            fixes.append(Fix(party, "reservation", change.size, change.size, (change,),
                             tuple(float(v) for v in x)))
    return fixes


def _others_mean(prefs: Preferences, i: int) -> FloatArray:
    others = np.arange(prefs.n_parties) != i
    w = prefs.weight[others]
    total = w.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (w * prefs.position[others]).sum(axis=0) / total
    out: FloatArray = np.where(total > 0, mean, prefs.position[i])
    return out


def _position_fix(prefs: Preferences, space: DiscreteSpace, i: int) -> Fix | None:
    party = prefs.actor_ids[i]
    start = prefs.position[i]
    target = _others_mean(prefs, i)

    def moved(alpha: float) -> FloatArray:
        x = start + alpha * (target - start)
        out: FloatArray = np.clip(x, prefs.acceptable_low[i], prefs.acceptable_high[i])
        return out

    def opens(alpha: float) -> bool:
        return agreement_exists(prefs.with_positions(party, moved(alpha)), space)

    lo, hi = 0.0, None
    for step in range(1, 11):
        if opens(step / 10):
            hi = step / 10
            break
        lo = step / 10
    if hi is None:
        return None
    while hi - lo > ALPHA_TOL:
        mid = (lo + hi) / 2.0
        if opens(mid):
            hi = mid
        else:
            lo = mid
    new = moved(hi)
    changes = tuple(Change(party, issue, "position", float(start[j]), float(new[j]))
                    for j, issue in enumerate(prefs.issue_ids)
                    if prefs.mask[i, j] and new[j] != start[j])
    size = float(np.abs(new - start)[prefs.mask[i]].sum())
    relative = float((np.abs(new - start) / prefs.span)[prefs.mask[i]].sum())
    return Fix(party, "positions", size, relative, changes)


def package_fixes(prefs: Preferences, space: DiscreteSpace, *,
                  chunk_size: int = DEFAULT_CHUNK) -> tuple[Fix, ...]:
    """Per party and kind, the smallest change that opens a package zone (see the module
    docstring); empty when a zone exists already.

    Sorted by kind (red lines, reservation, positions), then by relative size.
    """
    if agreement_exists(prefs, space):
        return ()
    return _package_fixes(prefs, space, chunk_size)


def _package_fixes(prefs: Preferences, space: DiscreteSpace, chunk_size: int,
                   ) -> tuple[Fix, ...]:
    fixes = _exact_fixes(prefs, space, chunk_size)
    zones_open = bool((prefs.acceptable_low.max(axis=0) <= prefs.acceptable_high.min(axis=0))
                      .all())
    if zones_open:
        for i in range(prefs.n_parties):
            fix = _position_fix(prefs, space, i)
            if fix is not None:
                fixes.append(fix)
    order = {"red_lines": 0, "reservation": 1, "positions": 2}
    fixes.sort(key=lambda f: (order[f.kind], f.relative, f.party))
    return tuple(fixes)


@dataclass(frozen=True)
class WhatIf:
    """Issue-level and package-level answers to "what would it take"."""

    issues: tuple[IssueWhatIf, ...]
    packages: tuple[Fix, ...]
    agreement: bool

    def smallest(self, kind: str) -> Fix | None:
        """The package-level fix of one kind with the smallest relative size."""
        of_kind = [f for f in self.packages if f.kind == kind]
        return min(of_kind, key=lambda f: f.relative) if of_kind else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {"agreement": self.agreement, "issues": [w.to_dict() for w in self.issues],
                "packages": [f.to_dict() for f in self.packages]}


def what_would_it_take(prefs: Preferences, space: DiscreteSpace, *,
                       chunk_size: int = DEFAULT_CHUNK) -> WhatIf:
    """Issue-level fixes for every empty zone, and package-level fixes if no package zone
    exists."""
    agreement = agreement_exists(prefs, space)
    packages = () if agreement else _package_fixes(prefs, space, chunk_size)
    return WhatIf(issue_fixes(prefs), packages, agreement)
