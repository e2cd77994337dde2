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

**Small spaces.** The halves, and for ``"closest"`` the distances to each set of reference
offers, are built once and cached; when one half has at most :data:`SMALL_HALF` combinations
the search over it runs in plain Python on those cached lists (numpy's per-call overhead
dominates on arrays this small). Both paths make the same floating-point operations in the
same order, so they pick the same package. :meth:`OfferSpace.utilities_of` gives a package's
utilities as Python floats (memoised), the numbers of :meth:`OfferSpace.utilities`.

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
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from parley.deals.space import DiscreteSpace
from parley.deals.utility import Preferences, finish_utilities

__all__ = ["POLICIES", "SMALL_HALF", "TOL", "OfferPolicy", "OfferSpace", "Package", "find_offer",
           "offer_package", "reference_key"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
OfferPolicy = Literal["closest", "lowest"]
#: A package as the value index of each issue (plain ints; hashable, cheap to compare).
Package = tuple[int, ...]
#: The offer policies :func:`find_offer` knows.
POLICIES: tuple[OfferPolicy, ...] = ("closest", "lowest")
#: Tolerance on sums of losses (budgets and ties).
TOL = 1e-9
_QUANT = 1e9  # distances and losses are compared on a grid of 1e-9
#: Largest outer half searched in plain Python rather than numpy (same result either way).
SMALL_HALF = 64


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
    _ucache: dict[Package, tuple[float, ...]] = field(default_factory=dict, repr=False)
    _rows: tuple[tuple[tuple[float, ...], ...], ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        # the loss tables as Python floats: rows[j][k][i] == loss[j][k, i]
        rows = tuple(tuple(tuple(r) for r in np.asarray(t, dtype=float).tolist())
                     for t in self.loss)
        object.__setattr__(self, "_rows", rows)

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

    def utilities(self, digits: IntArray | Sequence[int]) -> FloatArray:
        """Every party's utility of one package, ``(n,)`` (issues summed in order)."""
        return np.array(self.utilities_of(tuple(int(d) for d in digits)), dtype=float)

    def utilities_of(self, package: Package) -> tuple[float, ...]:
        """:meth:`utilities` of a package of plain ints, as Python floats (memoised).

        The same sums in the same order as :meth:`utilities_many` (``0 + l_1 + ... + l_m``,
        then ``1 - loss`` clipped to [0, 1]), so the same numbers to the last bit.
        """
        hit = self._ucache.get(package)
        if hit is None:
            if len(self._ucache) > 100_000:
                self._ucache.clear()
            loss = [0.0] * self.n_parties
            for row, d in zip(self._rows, package, strict=True):
                loss = [a + b for a, b in zip(loss, row[d], strict=True)]
            hit = tuple(min(max(1.0 - x, 0.0), 1.0) for x in loss)
            self._ucache[package] = hit
        return hit

    @property
    def loss_rows(self) -> tuple[tuple[tuple[float, ...], ...], ...]:
        """The loss tables as Python floats: ``loss_rows[j][k][i] == loss[j][k, i]``."""
        return self._rows

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
class _Reach:
    """For one set of reference offers: the distances ``"closest"`` needs, quantised.

    ``qd_a`` (per sorted entry of half *a*) and ``qd_b`` (half *b*) are the distance sums on
    the grid of 1e-9; ``run_pos[p]`` is the position of the nearest entry of *b* among its
    first ``p + 1`` (the one with the smaller loss among equally near ones). The lists are
    the same numbers as Python ints, for the small-half search (empty for a large half).
    """

    qd_a: IntArray
    qd_b: IntArray
    run_pos: IntArray
    qd_a_list: list[int]
    qd_b_list: list[int]
    run_pos_list: list[int]


@dataclass(frozen=True, eq=False)
class _Halves:
    a: _Half
    b: _Half
    min_loss: float
    allowed: tuple[IntArray, ...]
    # the same data as Python lists, for the small-half search and for building packages
    loss_a: list[float] = field(default_factory=list, repr=False)
    loss_b: list[float] = field(default_factory=list, repr=False)
    order_a: list[int] = field(default_factory=list, repr=False)
    order_b: list[int] = field(default_factory=list, repr=False)
    allowed_lists: tuple[list[int], ...] = ()
    _reach: dict[tuple[Package, ...], _Reach] = field(default_factory=dict, repr=False)
    _packages: dict[int, Package] = field(default_factory=dict, repr=False)
    _lowest: dict[float, Package] = field(default_factory=dict, repr=False)

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
        arrays = tuple(np.asarray(x, dtype=np.int64) for x in allowed)
        return cls(a, b, min_loss, arrays, a.loss_sorted.tolist(), b.loss_sorted.tolist(),
                   a.order.tolist(), b.order.tolist(), tuple(x.tolist() for x in arrays))

    def digits(self, combo_a: int, combo_b: int) -> IntArray:
        """Value indices ``(m,)`` of the package made of two half combinations."""
        return np.asarray(self.package(combo_a, combo_b), dtype=np.int64)

    def package(self, combo_a: int, combo_b: int) -> Package:
        """:meth:`digits` as a tuple of ints (C order inside each half)."""
        return self.package_at(combo_a * len(self.order_b) + combo_b)

    def package_at(self, combo: int) -> Package:
        """The package of combination number ``combo_a * n_b + combo_b`` (memoised)."""
        hit = self._packages.get(combo)
        if hit is not None:
            return hit
        if len(self._packages) > 100_000:
            self._packages.clear()
        combo_a, combo_b = divmod(combo, len(self.order_b))
        out: list[int] = []
        for half, rest in ((self.a, combo_a), (self.b, combo_b)):
            local: list[int] = []
            for size in reversed(half.shape):
                rest, k = divmod(rest, size)
                local.append(k)
            local.reverse()
            out.extend(self.allowed_lists[j][k] for j, k in zip(half.issues, local, strict=True))
        hit = self._packages[combo] = tuple(out)
        return hit

    def reach(self, space: OfferSpace, reference: tuple[Package, ...]) -> _Reach:
        """The cached distances to ``reference`` (value indices of the others' offers)."""
        hit = self._reach.get(reference)
        if hit is None:
            if len(self._reach) > 64:
                self._reach.clear()
            ref = np.asarray(reference, dtype=np.int64) if reference else None
            cols = _distance_columns(space, self.allowed, ref)
            a, b = self.a, self.b
            n_b = int(b.order.size)
            dist_a = a.combo_sums(cols[: len(a.issues)])[a.order]
            dist_b = b.combo_sums(cols[len(a.issues):])[b.order]
            qd_a = np.round(dist_a * _QUANT).astype(np.int64)
            qd_b = np.round(dist_b * _QUANT).astype(np.int64)
            # running minimum of (distance, position): the nearest partner within each loss
            # prefix, the one with the smaller loss (earlier position) among equally near ones
            run = np.minimum.accumulate(qd_b * n_b + np.arange(n_b, dtype=np.int64))
            run_pos = run % n_b
            small = len(self.loss_a) <= SMALL_HALF
            hit = _Reach(qd_a, qd_b, run_pos, qd_a.tolist() if small else [],
                         qd_b.tolist() if small else [], run_pos.tolist() if small else [])
            self._reach[reference] = hit
        return hit


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


def reference_key(reference: IntArray | Sequence[Sequence[int]] | None) -> tuple[Package, ...]:
    """Reference offers ``(R, m)`` as a tuple of packages (``()`` for none)."""
    if reference is None:
        return ()
    rows = np.asarray(reference, dtype=np.int64)
    if rows.size == 0:
        return ()
    return tuple(tuple(r) for r in rows.reshape(-1, rows.shape[-1]).tolist())


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
    ref = reference_key(reference) if policy == "closest" else ()
    return np.asarray(offer_package(space, h, target, ref, policy), dtype=np.int64)


def offer_package(space: OfferSpace, halves: _Halves, target: float,
                  reference: tuple[Package, ...] = (), policy: OfferPolicy = "closest",
                  ) -> Package:
    """:func:`find_offer` on prepared halves (:meth:`OfferSpace.halves`), as a tuple.

    ``reference`` holds the others' latest offers as packages (``()``: none).
    """
    # a target above the best utility (even by a hair) is unreachable: offer the best
    # package; without the clamp a budget just below min_loss found no package at all
    budget = max(1.0 - target, halves.min_loss)
    if policy == "lowest":
        # the package depends on the budget only: memoised (a hard-liner, or a party at its
        # walk-away utility, asks for the same budget again and again)
        hit = halves._lowest.get(budget)
        if hit is None:
            if len(halves._lowest) > 4096:
                halves._lowest.clear()
            hit = halves._lowest[budget] = (
                _lowest_small(halves, budget) if len(halves.loss_a) <= SMALL_HALF
                else _lowest(halves, budget))
        return hit
    if policy == "closest":
        return _closest(halves, budget, halves.reach(space, reference))
    raise ValueError(f"policy must be one of {POLICIES}; got {policy!r}")


def _lowest(h: _Halves, budget: float) -> Package:
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
    return h.package(int(combos_a[k]), int(combos_b[k]))


def _lowest_small(h: _Halves, budget: float) -> Package:
    """:func:`_lowest` in plain Python: the same sums, roundings and tie-breaks."""
    loss_b, order_b = h.loss_b, h.order_b
    n_b = len(order_b)
    best_q, best_c = 0, -1  # largest quantised total, then smallest combination number
    for la, ca in zip(h.loss_a, h.order_a, strict=True):
        pos = bisect_right(loss_b, budget - la + TOL) - 1
        if pos < 0:  # loss_a ascends, so no later entry has a partner either
            break
        q = round((la + loss_b[pos]) * _QUANT)
        c = ca * n_b + order_b[pos]
        if best_c < 0 or q > best_q or (q == best_q and c < best_c):
            best_q, best_c = q, c
    if best_c < 0:  # no partner anywhere: every entry ties at -inf (as numpy does)
        return h.package(min(h.order_a), order_b[-1])
    return h.package_at(best_c)


def _closest(h: _Halves, budget: float, reach: _Reach) -> Package:
    if len(h.loss_a) <= SMALL_HALF:
        got = _closest_small(h, budget, reach)
        if got is not None:
            return got
    a, b = h.a, h.b
    n_b = int(b.order.size)
    pos = np.searchsorted(b.loss_sorted, budget - a.loss_sorted + TOL, side="right") - 1
    ok = np.flatnonzero(pos >= 0)
    partner = reach.run_pos[pos[ok]]
    qd = reach.qd_a[ok] + reach.qd_b[partner]
    ql = np.round((a.loss_sorted[ok] + b.loss_sorted[partner]) * _QUANT).astype(np.int64)
    combos = a.order[ok] * n_b + b.order[partner]
    k = int(np.lexsort((combos, ql, qd))[0])
    return h.package(int(a.order[ok][k]), int(b.order[partner][k]))


def _closest_small(h: _Halves, budget: float, reach: _Reach) -> Package | None:
    """:func:`_closest` in plain Python (``None`` where no entry has a partner)."""
    loss_b, order_b = h.loss_b, h.order_b
    qd_b, run_pos = reach.qd_b_list, reach.run_pos_list
    n_b = len(order_b)
    best: tuple[int, int, int] | None = None  # (distance, loss, combination number)
    for la, ca, qa in zip(h.loss_a, h.order_a, reach.qd_a_list, strict=True):
        pos = bisect_right(loss_b, budget - la + TOL) - 1
        if pos < 0:  # loss_a ascends, so no later entry has a partner either
            break
        p = run_pos[pos]
        key = (qa + qd_b[p], round((la + loss_b[p]) * _QUANT), ca * n_b + order_b[p])
        if best is None or key < best:
            best = key
    return None if best is None else h.package_at(best[2])
