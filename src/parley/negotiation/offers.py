"""Offer generation: which package a party puts on the table for a given target utility.

The talks run on a discrete package space (a grid on every issue's scale, or the issues'
named options; :mod:`parley.deals.space`). Party *i* values a package
:math:`x = (x_1, \\dots, x_m)` by the additive utility of :mod:`parley.deals.utility`,
:math:`U_i(x) = 1 - \\sum_j \\ell_{ij}(x_j)`, where :math:`\\ell_{ij}` is its weighted loss on
issue *j* (:meth:`~parley.deals.utility.Preferences.issue_terms`). :class:`OfferSpace` holds
those losses as one table per issue, ``(L_j, n)``, so that a package's utilities are *m*
table look-ups summed in issue order, bit for bit the numbers of
:meth:`~parley.deals.utility.Preferences.utilities`.

Given a target utility :math:`\\tau` (from the party's strategy, :mod:`.strategies`) and the
values it may offer on each issue (inside its red lines, settled issues fixed), the party
picks one package by one of two policies:

``"closest"`` (the default; Faratin, Sierra & Jennings 2002, "similarity" trade-offs)
    the package nearest to the other parties' latest offers among those it values at least
    :math:`\\tau`:

    .. math::

        \\min_x \\sum_j \\sum_{k \\ne i} \\frac{|x_j - o_{kj}|}{h_j - l_j}
        \\quad\\text{s.t.}\\quad U_i(x) \\ge \\tau ,

    ties broken by the higher own utility, then by the lower package number. Before anyone
    else has offered, every package is at distance 0 and the party offers its best package.
    Being nearest in the city-block metric, it concedes first on the issues where a unit of
    its own utility buys the largest move towards the others: a logroll.
``"lowest"`` (NegMAS's time-based negotiators, ``worst_in``)
    the package with the lowest own utility that is still at least :math:`\\tau` (ties: the
    lower package number).

If no package reaches :math:`\\tau`, both policies offer the party's best allowed package
(ties: nearest to the others, then the lower number).

**Algorithm.** Both problems are multiple-choice knapsacks: the objective and the
constraint are sums over issues. They are solved exactly by meet in the middle (Horowitz &
Sahni 1974): the issues are split in two halves, each half's combinations of allowed values
are enumerated with their loss and distance sums, one half is sorted by loss, and for each
combination of the other half a binary search finds the best partner within the remaining
loss budget (for ``"closest"``, through a running minimum of the distance). A space of
:math:`10^6` packages costs two lists of about :math:`10^3` combinations per offer, not
:math:`10^6` utilities. Sums are compared with a tolerance of :data:`TOL`.

References
----------
.. [1] Faratin, P., Sierra, C. and Jennings, N. R. (2002). Using similarity criteria to make
   issue trade-offs in automated negotiations. *Artificial Intelligence* 142(2), 205-237.
.. [2] Horowitz, E. and Sahni, S. (1974). Computing partitions with applications to the
   knapsack problem. *Journal of the ACM* 21(2), 277-292.
.. [3] Mohammad, Y., Nakadai, S. and Greenwald, A. (2021). NegMAS: a platform for automated
   negotiations. In *PRIMA 2020*, LNCS 12568, 343-351.

Examples
--------
One party with weights 0.5/0.5 at (0, 0) on two issues with values 0, 50, 100; the other
party last offered (100, 100). With target 0.75 the party can give up a loss of 0.25: one
issue moved to 50 (loss 0.5 x 0.5). Both (0, 50) and (50, 0) are 1.5 scale lengths away;
the tie goes to the lower package number, (0, 50):

>>> import numpy as np
>>> values = (np.array([0.0, 50.0, 100.0]),) * 2
>>> loss = tuple(0.5 * np.abs(v - 0.0)[:, None] / 100 for v in values)
>>> space = OfferSpace(("x", "y"), values, np.array([100.0, 100.0]), loss)
>>> allowed = [np.arange(3), np.arange(3)]
>>> d = find_offer(space, 0, 0.75, allowed, np.array([[2, 2]]))
>>> space.package(d).tolist(), float(space.utilities(d)[0])
([0.0, 50.0], 0.75)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from parley.deals.space import DiscreteSpace
from parley.deals.utility import Preferences, finish_utilities

__all__ = ["POLICIES", "TOL", "OfferPolicy", "OfferSpace", "find_offer"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
OfferPolicy = Literal["closest", "lowest"]
#: The offer policies :func:`find_offer` knows.
POLICIES: tuple[OfferPolicy, ...] = ("closest", "lowest")
#: Tolerance on sums of losses (budgets and ties).
TOL = 1e-9
_QUANT = 1e9  # distances and losses are compared on a grid of 1e-9


@dataclass(frozen=True, eq=False)
class OfferSpace:
    """A discrete package space with each party's per-issue losses.

    Attributes
    ----------
    issue_ids : tuple of str
        Issues, in column order.
    values : tuple of ndarray
        Candidate values of each issue, ``(L_j,)``, ascending.
    span : ndarray, shape (m,)
        Scale length of each issue (distances are divided by it).
    loss : tuple of ndarray
        Per issue, each value's weighted loss for each party, ``(L_j, n)``.
    labels : tuple of tuple of str
        A label per value (an option id), or empty.
    """

    issue_ids: tuple[str, ...]
    values: tuple[FloatArray, ...]
    span: FloatArray
    loss: tuple[FloatArray, ...]
    labels: tuple[tuple[str, ...], ...] = ()
    _cache: dict[tuple[int, tuple[bytes, ...]], _Halves] = field(
        default_factory=dict, repr=False)
    _ucache: dict[tuple[int, ...], FloatArray] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, prefs: Preferences, space: DiscreteSpace) -> OfferSpace:
        """The loss tables of ``prefs`` on the values of ``space`` (same issues)."""
        if tuple(space.issue_ids) != tuple(prefs.issue_ids):
            raise ValueError("the space and the preferences must have the same issues")
        values = tuple(np.asarray(v, dtype=float) for v in space.values)
        loss = tuple(prefs.issue_terms(j, v) for j, v in enumerate(values))
        return cls(tuple(space.issue_ids), values, prefs.span.astype(float), loss,
                   tuple(space.labels))

    @property
    def n_issues(self) -> int:
        """Number of issues ``m``."""
        return len(self.values)

    @property
    def n_parties(self) -> int:
        """Number of parties ``n``."""
        return int(self.loss[0].shape[1])

    @property
    def size(self) -> int:
        """Number of packages."""
        return math.prod(int(v.size) for v in self.values)

    def package(self, digits: IntArray) -> FloatArray:
        """Values of a package given by its value indices ``(m,)``."""
        return np.array([v[d] for v, d in zip(self.values, digits, strict=True)], dtype=float)

    def utilities(self, digits: IntArray) -> FloatArray:
        """Every party's utility of one package, ``(n,)`` (issues summed in order)."""
        key = tuple(int(d) for d in digits)
        hit = self._ucache.get(key)
        if hit is None:
            if len(self._ucache) > 100_000:
                self._ucache.clear()
            loss = np.zeros(self.n_parties)
            for j, d in enumerate(key):
                loss = loss + self.loss[j][d]
            hit = finish_utilities(loss)
            hit.setflags(write=False)
            self._ucache[key] = hit
        return hit

    def utilities_many(self, digits: IntArray) -> FloatArray:
        """Utilities of many packages ``(K, m)`` -> ``(K, n)``."""
        d = np.asarray(digits, dtype=np.int64).reshape(-1, self.n_issues)
        loss = np.zeros((d.shape[0], self.n_parties))
        for j in range(self.n_issues):
            loss += self.loss[j][d[:, j]]
        return finish_utilities(loss)

    def label(self, issue: int, index: int) -> str:
        """Label of one value ('' where the space has none)."""
        return self.labels[issue][index] if self.labels else ""

    def nearest(self, issue: int, value: float, allowed: IntArray | None = None) -> int:
        """Index of the value of ``issue`` nearest to ``value`` (ties: the lower one)."""
        cand = np.arange(self.values[issue].size) if allowed is None else allowed
        gaps = np.abs(self.values[issue][cand] - value)
        return int(cand[int(np.argmin(gaps))])

    def halves(self, party: int, allowed: Sequence[IntArray]) -> _Halves:
        """Cached meet-in-the-middle halves of one party over the allowed values."""
        key = (party, tuple(np.asarray(a, dtype=np.int64).tobytes() for a in allowed))
        hit = self._cache.get(key)
        if hit is None:
            if len(self._cache) > 256:
                self._cache.clear()
            hit = _Halves.build([self.loss[j][np.asarray(a), party]
                                 for j, a in enumerate(allowed)], allowed)
            self._cache[key] = hit
        return hit


@dataclass(frozen=True, eq=False)
class _Half:
    """The combinations of one half of the issues: loss sums sorted ascending."""

    issues: tuple[int, ...]
    shape: tuple[int, ...]
    loss_sorted: FloatArray
    order: IntArray  # combination number (C order over allowed values) of each sorted entry

    @classmethod
    def build(cls, issues: Sequence[int], losses: Sequence[FloatArray]) -> _Half:
        total = np.zeros(1)
        for col in losses:
            total = (total[:, None] + col[None, :]).ravel()
        order = np.argsort(total, kind="stable").astype(np.int64)
        return cls(tuple(issues), tuple(int(c.size) for c in losses), total[order], order)

    def combo_sums(self, cols: Sequence[FloatArray]) -> FloatArray:
        """Per-combination sums of per-value columns (C order)."""
        total = np.zeros(1)
        for col in cols:
            total = (total[:, None] + col[None, :]).ravel()
        return total


@dataclass(frozen=True, eq=False)
class _Halves:
    a: _Half
    b: _Half
    min_loss: float
    allowed: tuple[IntArray, ...]

    @classmethod
    def build(cls, losses: Sequence[FloatArray], allowed: Sequence[IntArray]) -> _Halves:
        sizes = [int(c.size) for c in losses]
        m = len(sizes)
        best_split, best_cost = 0, math.inf
        for s in range(m + 1):
            cost = max(math.prod(sizes[:s]), math.prod(sizes[s:]))
            if cost < best_cost:
                best_split, best_cost = s, cost
        a = _Half.build(range(best_split), losses[:best_split])
        b = _Half.build(range(best_split, m), losses[best_split:])
        min_loss = float(a.loss_sorted[0] + b.loss_sorted[0])
        return cls(a, b, min_loss, tuple(np.asarray(x, dtype=np.int64) for x in allowed))

    def digits(self, combo_a: int, combo_b: int) -> IntArray:
        """Value indices ``(m,)`` of the package made of two half combinations."""
        out: list[int] = []
        for half, combo in ((self.a, combo_a), (self.b, combo_b)):
            if half.issues:
                local = np.unravel_index(combo, half.shape)
                out.extend(int(self.allowed[j][int(k)])
                           for j, k in zip(half.issues, local, strict=True))
        return np.asarray(out, dtype=np.int64)


def _distance_columns(space: OfferSpace, allowed: Sequence[IntArray],
                      reference: IntArray | None) -> list[FloatArray]:
    """Per issue, each allowed value's summed distance to the reference offers."""
    cols = []
    for j, idx in enumerate(allowed):
        v = space.values[j][idx]
        if reference is None or reference.size == 0:
            cols.append(np.zeros(v.size))
            continue
        ref = space.values[j][reference[:, j]]
        cols.append(np.abs(v[:, None] - ref[None, :]).sum(axis=1) / space.span[j])
    return cols


def find_offer(space: OfferSpace, party: int, target: float, allowed: Sequence[IntArray],
               reference: IntArray | None = None, policy: OfferPolicy = "closest",
               ) -> IntArray:
    """The package a party offers for a target utility (see the module docstring).

    Parameters
    ----------
    space : OfferSpace
        The package space and loss tables.
    party : int
        Column of the offering party.
    target : float
        Target utility :math:`\\tau` (the lowest own utility it will offer).
    allowed : sequence of int arrays
        Per issue, the indices of the values it may offer (ascending, non-empty).
    reference : int array (R, m), optional
        Value indices of the other parties' latest offers (``"closest"`` only).
    policy : {'closest', 'lowest'}
        Which package among those reaching the target.

    Returns
    -------
    ndarray of int, shape (m,)
        Value indices of the offered package.
    """
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}; got {policy!r}")
    h = space.halves(party, allowed)
    budget = 1.0 - target
    if budget < h.min_loss - TOL:  # unreachable: offer the best package
        budget = h.min_loss
    if policy == "lowest":
        return _lowest(h, budget)
    return _closest(h, budget, _distance_columns(space, h.allowed, reference))


def _lowest(h: _Halves, budget: float) -> IntArray:
    a, b = h.a, h.b
    loss_a = a.loss_sorted
    pos = np.searchsorted(b.loss_sorted, budget - loss_a + TOL, side="right") - 1
    ok = pos >= 0
    total = np.where(ok, loss_a + b.loss_sorted[np.maximum(pos, 0)], -np.inf)
    qt = np.where(ok, np.round(total * _QUANT), -np.inf)
    best = float(qt.max())
    cand = np.flatnonzero(qt == best)
    # lowest package number among ties: combination numbers of both halves
    combos_a = a.order[cand]
    combos_b = b.order[pos[cand]]
    n_b = int(b.order.size)
    k = int(np.argmin(combos_a * n_b + combos_b))
    return h.digits(int(combos_a[k]), int(combos_b[k]))


def _closest(h: _Halves, budget: float, dist_cols: list[FloatArray]) -> IntArray:
    a, b = h.a, h.b
    n_b = int(b.order.size)
    dist_a = a.combo_sums(dist_cols[: len(a.issues)])[a.order]
    dist_b = b.combo_sums(dist_cols[len(a.issues):])[b.order]
    qd_b = np.round(dist_b * _QUANT).astype(np.int64)
    # running minimum of (distance, position): the nearest partner within each loss prefix,
    # the one with the smaller loss (earlier position) among equally near ones
    key = qd_b * n_b + np.arange(n_b, dtype=np.int64)
    run = np.minimum.accumulate(key)
    run_pos = run % n_b
    pos = np.searchsorted(b.loss_sorted, budget - a.loss_sorted + TOL, side="right") - 1
    ok = np.flatnonzero(pos >= 0)
    partner = run_pos[pos[ok]]
    qd = np.round(dist_a[ok] * _QUANT).astype(np.int64) + qd_b[partner]
    ql = np.round((a.loss_sorted[ok] + b.loss_sorted[partner]) * _QUANT).astype(np.int64)
    combos = a.order[ok] * n_b + b.order[partner]
    k = int(np.lexsort((combos, ql, qd))[0])
    return h.digits(int(a.order[ok][k]), int(b.order[partner][k]))
