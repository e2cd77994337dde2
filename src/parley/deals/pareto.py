"""The Pareto frontier of the deal set: packages no other deal improves on for everyone.

A package *y* *dominates* *x* when :math:`U_i(y) \\ge U_i(x)` for every party and
:math:`U_i(y) > U_i(x)` for at least one; the frontier is the set of deals (packages inside
every red line with :math:`U_i \\ge r_i`, see :mod:`parley.deals.utility`) that no deal
dominates. Packages with identical utilities are all kept.

**Exact filter on a finite set** (:func:`nondominated`). Rows are sorted by decreasing sum
of utilities, ties broken lexicographically: a dominating row always sorts before the rows
it dominates. A block-nested-loop pass (Börzsönyi, Kossmann & Stocker 2001; the
sort-first variant of Chomicki et al. 2003) then keeps a row if no earlier kept row
dominates it. The kept rows are held in blocks indexed by bitsets (one per objective and
rank, the rows at least that good; cf. the bitmap skyline of Tan, Eng & Ooi 2001): a
candidate's dominators in a block are the AND of ``n`` looked-up bitsets, so a block of
``B`` rows costs ``n B / 64`` word operations per candidate instead of ``n B``
comparisons (time ``O(K log K + K F n / 64)`` in the worst case for ``F`` frontier rows,
memory ``O(F n (B + K / B) / 8)`` bytes; a candidate leaves as soon as one block
dominates it, and the first blocks hold the rows with the largest sums, which dominate
the most).

**Exact frontier of a discrete space** (:func:`pareto_frontier`). Utilities are additive
over issues, so the loss vectors of the packages form the Minkowski sum of the issues'
per-value loss vectors, and the non-dominated points of a sum :math:`A \\oplus B` lie in
:math:`\\mathrm{ND}(A) \\oplus \\mathrm{ND}(B)`: if *a* is dominated by *a'*, then *a + b*
is dominated by *a' + b*. ``method="additive"`` (the default) adds the issues one at a
time and keeps only non-dominated partial sums, the multi-objective dynamic programme of
Nemhauser & Ullmann (1969) and Klamroth & Wiecek (2000), so a space of a million
packages never has to be enumerated. Partial sums are pruned only on dominance by a
margin of :data:`PRUNE_TOL` in some utility, which rounding cannot undo; the survivors are
then filtered exactly on their utilities, so the result is exactly the frontier that
enumerating every package gives (``method="scan"`` does that, in chunks, merging each
chunk's frontier into the running one; it serves as the cross-check). Red lines are
bounds per issue, so they restrict each issue's values before the sum; then the deal
frontier is the frontier of that space cut to :math:`U \\ge r` (a package that dominates
a deal is itself a deal).

**Continuous spaces** (:func:`sample_frontier`). Every :math:`U_i` is concave, so every
Pareto point maximises a weighted sum :math:`\\sum_i \\lambda_i U_i` over the red-line box
(Geoffrion 1968). That sum is separable by issue and its maximiser is exact: per issue,
the :math:`\\lambda_i \\tilde s_{ij}`-weighted median of the positions (linear loss) or
their weighted mean (quadratic loss), clipped to the box. Random weights
(Dirichlet(1, ..., 1)) give frontier points; random convex combinations of pairs of them
fill the flat facets of the linear-loss frontier (by concavity such a mix is at least as
good as the chord between its ends); a final exact filter drops dominated points. The
result approximates the frontier to the density of the sample.

References
----------
.. [1] Börzsönyi, S., Kossmann, D. and Stocker, K. (2001). The skyline operator.
   *Proceedings of the 17th International Conference on Data Engineering*, 421-430.
.. [2] Chomicki, J., Godfrey, P., Gryz, J. and Liang, D. (2003). Skyline with presorting.
   *Proceedings of the 19th International Conference on Data Engineering*, 717-719.
.. [3] Tan, K.-L., Eng, P.-K. and Ooi, B. C. (2001). Efficient progressive skyline
   computation. *Proceedings of the 27th International Conference on Very Large Data
   Bases*, 301-310.
.. [4] Nemhauser, G. L. and Ullmann, Z. (1969). Discrete dynamic programming and capital
   allocation. *Management Science* 15(9), 494-505.
.. [5] Klamroth, K. and Wiecek, M. M. (2000). Dynamic programming approaches to the
   multiple criteria knapsack problem. *Naval Research Logistics* 47(1), 57-76.
.. [6] Geoffrion, A. M. (1968). Proper efficiency and the theory of vector maximization.
   *Journal of Mathematical Analysis and Applications* 22(3), 618-630.

Examples
--------
>>> nondominated(np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.4, 0.4], [0.5, 0.5]]))
array([0, 1, 2, 4])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from parley.deals.space import (
    DEFAULT_CHUNK,
    ContinuousSpace,
    DiscreteSpace,
    allowed_digits,
    inside_red_lines,
    iter_utilities,
)
from parley.deals.utility import Preferences
from parley.rng import SeedLike, as_generator

__all__ = ["PRUNE_TOL", "Frontier", "nondominated", "pareto_frontier", "sample_frontier"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Margin by which a partial sum must be dominated in some utility before the additive
#: method prunes it (far above the rounding error of a sum of a few dozen terms in [0, 1]).
PRUNE_TOL = 1e-12
_BLOCK = 256
_IR_MARGIN = 1e-9
_FRONT_BLOCK = 4096
_TABLE_BLOCK = 1024


def _dominated(front: FloatArray, cand: FloatArray, tol: float, *, strict: bool,
               self_compare: bool = False) -> BoolArray:
    """For each row of ``cand``, whether some row of ``front`` dominates it.

    ``front`` and ``cand`` are given transposed, ``(n, f)`` and ``(n, c)``. Dominance is
    ``>=`` everywhere and, when ``strict``, ``> + tol`` somewhere; without ``strict`` the
    caller guarantees that no row of ``front`` equals a row of ``cand`` (or, with
    ``self_compare``, that the rows are distinct and the diagonal is skipped). The
    ``(c, f)`` comparison matrix keeps the frontier along its contiguous axis, which numpy
    compares and reduces fastest; the strictness test runs only on dominated candidates.
    """
    n = front.shape[0]
    below = np.less_equal(cand[0][:, None], front[0][None, :])
    tmp = np.empty_like(below)
    for d in range(1, n):
        np.less_equal(cand[d][:, None], front[d][None, :], out=tmp)
        np.logical_and(below, tmp, out=below)
    if self_compare and not strict:
        np.fill_diagonal(below, False)
    hit: BoolArray = below.any(axis=1)
    if strict and hit.any():
        rows = np.flatnonzero(hit)
        sub = below[rows]
        above = np.less(cand[0][rows][:, None] + tol, front[0][None, :])
        more = np.empty_like(above)
        for d in range(1, n):
            np.less(cand[d][rows][:, None] + tol, front[d][None, :], out=more)
            np.logical_or(above, more, out=above)
        np.logical_and(sub, above, out=sub)
        hit[rows] = sub.any(axis=1)
    return hit


class _BitTable:
    """Rows of the frontier indexed for dominance queries with bitsets.

    Values are replaced by their ranks among all the rows of the sweep (per objective,
    the number of rows with a smaller value), so that ``v >= x`` and ``v > x + tol`` both
    read ``rank >= q`` for a precomputed threshold ``q``. Per objective ``d`` the table
    holds the rows' ranks sorted and, for every ``k``, the bitset (``uint64`` words) of
    the rows whose position in that order is ``k`` or more; the rows ranking ``>= q`` are
    the bitset at the number of rows ranking below ``q`` (a binary search, or for a table
    of :data:`_TABLE_BLOCK` rows a lookup in a precomputed ``count`` of length
    ``total + 1``). A candidate is weakly dominated by some row of the table when the AND
    of its ``n`` bitsets is not empty: ``n`` lookups of ``B / 64`` words instead of ``n``
    comparisons of ``B`` values.
    """

    def __init__(self, ranks: IntArray, total: int, *, dense: bool) -> None:
        n, size = ranks.shape
        words = -(-size // 64)
        order = np.argsort(ranks, axis=1, kind="stable")
        self.sorted = np.take_along_axis(ranks, order, axis=1)
        self.count: NDArray[np.int16] | None = None
        if dense:
            self.count = np.zeros((n, total + 1), dtype=np.int16)
        self.bits = np.zeros((n, size + 1, words), dtype=np.uint64)
        positions = np.arange(size)
        for d in range(n):
            if self.count is not None:
                np.cumsum(np.bincount(ranks[d], minlength=total), out=self.count[d, 1:])
            r = order[d]
            self.bits[d, positions, r >> 6] = np.left_shift(np.uint64(1),
                                                            (r & 63).astype(np.uint64))
            flipped = self.bits[d, ::-1]
            np.bitwise_or.accumulate(flipped, axis=0, out=flipped)
        self._dims = np.arange(n)[:, None]

    def _combine(self, q: IntArray, ufunc: np.ufunc) -> NDArray[np.uint64]:
        """The bitsets of thresholds ``q`` (``(n, c)``), combined over objectives."""
        n = q.shape[0]
        if self.count is not None:
            k = self.count[self._dims, q]
        else:
            k = np.empty_like(q)
            for d in range(n):
                k[d] = np.searchsorted(self.sorted[d], q[d], "left")
        acc: NDArray[np.uint64] = self.bits[0].take(k[0], axis=0)
        for d in range(1, n):
            ufunc(acc, self.bits[d].take(k[d], axis=0), out=acc)
        return acc

    def dominated(self, weak: IntArray, above: IntArray | None, *,
                  itself: bool = False) -> BoolArray:
        """Whether some row of the table dominates each candidate, given ``(n, c)`` thresholds.

        ``weak`` ranks the candidate's own values (``>=``); ``above``, when given, ranks
        its values plus the tolerance (``>``) and makes the dominance strict. ``itself``:
        the candidates are the table's rows, in order, and a row does not count against
        itself.
        """
        acc = self._combine(weak, np.bitwise_and)
        if itself:
            own = np.arange(acc.shape[0])
            acc[own, own >> 6] &= ~np.left_shift(np.uint64(1), (own & 63).astype(np.uint64))
        hit: BoolArray = np.asarray(acc.view(np.uint8).any(axis=1))
        if above is not None and hit.any():
            rows = np.flatnonzero(hit)
            more = self._combine(above[:, rows], np.bitwise_or)
            np.bitwise_and(more, acc[rows], out=more)
            hit[rows] = more.view(np.uint8).any(axis=1)
        return hit


def _sweep(rows: FloatArray, tol: float) -> BoolArray:
    """Block-nested-loop pass over distinct rows sorted so that dominators come first.

    A row is kept when no other row dominates it; since a dominator sorts first and
    dominance is transitive, comparing it with the rows kept before it suffices. Those are
    held in :class:`_BitTable` s: one per block of :data:`_BLOCK` candidates (built from
    the block's survivors, which are also checked against each other with it), merged into
    one table of :data:`_TABLE_BLOCK` rows with a precomputed lookup once they fill one.
    """
    k, n = rows.shape
    cols = np.ascontiguousarray(rows.T)
    if k <= _BLOCK:  # one block: compare it with itself directly
        small_keep: BoolArray = ~_dominated(cols, cols, tol, strict=tol > 0, self_compare=True)
        return small_keep
    keep = np.zeros(k, dtype=bool)
    ranks = np.empty((n, k), dtype=np.int64)
    above = np.empty((n, k), dtype=np.int64) if tol > 0 else None
    for d in range(n):
        order = np.argsort(cols[d], kind="stable")
        ordered = cols[d][order]
        # sorted queries keep the binary searches in cache
        ranks[d, order] = np.searchsorted(ordered, ordered, "left")
        if above is not None:
            above[d, order] = np.searchsorted(ordered, ordered + tol, "right")

    def beaten(table: _BitTable, alive: IntArray, *, itself: bool = False) -> BoolArray:
        return table.dominated(ranks[:, alive], None if above is None else above[:, alive],
                               itself=itself)

    full: list[_BitTable] = []
    small: list[_BitTable] = []
    tail = np.empty(_TABLE_BLOCK + _BLOCK, dtype=np.int64)
    size = 0
    for outer in range(0, k, _TABLE_BLOCK):
        # screen a run of candidates against the full tables so far in one pass
        pending = np.arange(outer, min(outer + _TABLE_BLOCK, k))
        known = len(full)
        for table in full:
            pending = pending[~beaten(table, pending)]
            if pending.size == 0:
                break
        for first in range(0, pending.size, _BLOCK):
            alive = pending[first : first + _BLOCK]
            for table in full[known:] + small:
                alive = alive[~beaten(table, alive)]
                if alive.size == 0:
                    break
            if alive.size == 0:
                continue
            own = _BitTable(ranks[:, alive], k, dense=False)
            hit = beaten(own, alive, itself=True)
            if hit.any():
                alive = alive[~hit]
                own = _BitTable(ranks[:, alive], k, dense=False)
            small.append(own)
            tail[size : size + alive.size] = alive
            size += alive.size
            keep[alive] = True
            if size >= _TABLE_BLOCK:
                full.append(_BitTable(ranks[:, tail[:_TABLE_BLOCK]], k, dense=True))
                rest = size - _TABLE_BLOCK
                tail[:rest] = tail[_TABLE_BLOCK:size]
                size = rest
                small = [_BitTable(ranks[:, tail[:size]], k, dense=False)] if size else []
    return keep


def nondominated(values: FloatArray, *, tol: float = 0.0, decimals: int | None = 12,
                 ) -> IntArray:
    """Indices of the rows that no other row dominates (every objective maximised).

    Parameters
    ----------
    values : ndarray, shape (K, n)
        One row of utilities per package.
    tol : float
        0 for exact dominance. A positive value removes a row only when another is ``>=``
        everywhere and more than ``tol`` larger somewhere.
    decimals : int or None
        Compare values rounded to this many decimals, so that utilities equal in exact
        arithmetic but summed in another order (0.8475 against 0.8474999999999999) count
        as equal ties; ``None`` compares the floats as they are.

    Returns
    -------
    ndarray of int, shape (F,)
        Ascending row indices; rows equal to a frontier row are included.
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 2:
        raise ValueError(f"values must be a 2-D array (K, n); got shape {v.shape}")
    if decimals is not None:
        v = np.round(v, decimals)
    k, n = v.shape
    if k == 0 or n == 0:
        return np.arange(k, dtype=np.int64)
    keys = [-v[:, d] for d in reversed(range(n))] + [-v.sum(axis=1)]
    order = np.lexsort(keys)
    ranked = v[order]
    first = np.ones(k, dtype=bool)
    first[1:] = (ranked[1:] != ranked[:-1]).any(axis=1)
    keep_distinct = _sweep(ranked[first], tol)
    keep = keep_distinct[np.cumsum(first) - 1]
    out: IntArray = np.sort(order[keep]).astype(np.int64)
    return out


def _dominated_any(front: FloatArray, cand: FloatArray) -> BoolArray:
    """Strict dominance of each row of ``cand`` by any row of ``front`` (duplicates allowed)."""
    hit = np.zeros(cand.shape[0], dtype=bool)
    fcols = np.ascontiguousarray(front.T)
    ccols = np.ascontiguousarray(cand.T)
    for c0 in range(0, cand.shape[0], _BLOCK):
        alive = np.arange(c0, min(c0 + _BLOCK, cand.shape[0]))
        for f0 in range(0, front.shape[0], _FRONT_BLOCK):
            d = _dominated(fcols[:, f0 : f0 + _FRONT_BLOCK], ccols[:, alive], 0.0, strict=True)
            hit[alive[d]] = True
            alive = alive[~d]
            if alive.size == 0:
                break
    return hit


@dataclass(frozen=True, eq=False)
class Frontier:
    """A Pareto frontier: its packages and their utilities.

    Attributes
    ----------
    actor_ids, issue_ids : tuple of str
        Parties (utility columns) and issues (package columns).
    packages : ndarray, shape (F, m)
        Frontier packages, ordered by :attr:`index`.
    utilities : ndarray, shape (F, n)
        Their utilities.
    reservation : ndarray, shape (n,)
        The parties' walk-away utilities.
    index : ndarray of int, shape (F,)
        Package numbers in the discrete space (-1 for sampled packages).
    n_packages : int
        Packages in the space searched (or evaluated, for a sampled frontier).
    deals_only : bool
        Whether only deals (red lines and reservation respected) were considered.
    method : str
        ``"additive"``, ``"scan"`` or ``"sampled"``.
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    packages: FloatArray
    utilities: FloatArray
    reservation: FloatArray
    index: IntArray
    n_packages: int
    deals_only: bool
    method: str

    def __len__(self) -> int:
        return int(self.packages.shape[0])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary: sizes and every frontier package with its utilities."""
        return {
            "parties": list(self.actor_ids),
            "issues": list(self.issue_ids),
            "size": len(self),
            "n_packages": self.n_packages,
            "deals_only": self.deals_only,
            "method": self.method,
            "packages": self.packages.tolist(),
            "utilities": self.utilities.tolist(),
            "reservation": self.reservation.tolist(),
        }


def _empty(prefs: Preferences, n_packages: int, deals_only: bool, method: str) -> Frontier:
    return Frontier(prefs.actor_ids, prefs.issue_ids, np.empty((0, prefs.n_issues)),
                    np.empty((0, prefs.n_parties)), prefs.reservation.copy(),
                    np.empty(0, dtype=np.int64), n_packages, deals_only, method)


def _finish(prefs: Preferences, space: DiscreteSpace, index: IntArray, deals_only: bool,
            method: str) -> Frontier:
    index = np.sort(index)
    packages = space.packages(0, 0) if index.size == 0 else space.values_of(
        space.digits_of(index))
    return Frontier(prefs.actor_ids, prefs.issue_ids, packages, prefs.utilities(packages),
                    prefs.reservation.copy(), index, space.size, deals_only, method)


def pareto_frontier(prefs: Preferences, space: DiscreteSpace, *, deals_only: bool = True,
                    method: Literal["auto", "additive", "scan"] = "auto",
                    chunk_size: int = DEFAULT_CHUNK) -> Frontier:
    """The exact Pareto frontier of a discrete package space.

    Parameters
    ----------
    prefs : Preferences
        The parties' utilities.
    space : DiscreteSpace
        The packages (built from the same scenario as ``prefs``).
    deals_only : bool
        Keep only deals: inside every red line and :math:`U_i \\ge r_i` for every party
        (default). ``False``: the frontier of the whole space.
    method : {'auto', 'additive', 'scan'}
        ``"additive"`` (and ``"auto"``): issue-by-issue dynamic programme; ``"scan"``:
        enumerate every package in chunks of ``chunk_size``. Both give the same set.

    Returns
    -------
    Frontier
    """
    if method not in ("auto", "additive", "scan"):
        raise ValueError(f"method must be 'auto', 'additive' or 'scan'; got {method!r}")
    if method == "scan":
        return _scan(prefs, space, deals_only, chunk_size)
    return _additive(prefs, space, deals_only)


def _scan(prefs: Preferences, space: DiscreteSpace, deals_only: bool,
          chunk_size: int) -> Frontier:
    allowed = allowed_digits(prefs, space)
    front_u = np.empty((0, prefs.n_parties))
    front_i = np.empty(0, dtype=np.int64)
    for start, digits, u in iter_utilities(prefs, space, chunk_size):
        idx = np.arange(start, start + digits.shape[0], dtype=np.int64)
        if deals_only:
            ok = inside_red_lines(allowed, digits) & (u >= prefs.reservation).all(axis=1)
            u, idx = u[ok], idx[ok]
        if idx.size == 0:
            continue
        u = np.round(u, 12)  # float ties stay ties, as in nondominated()
        local = nondominated(u)
        u, idx = u[local], idx[local]
        if front_i.size:
            fresh = ~_dominated_any(front_u, u)
            u, idx = u[fresh], idx[fresh]
            if idx.size:
                stay = ~_dominated_any(u, front_u)
                front_u, front_i = front_u[stay], front_i[stay]
        front_u = np.concatenate([front_u, u])
        front_i = np.concatenate([front_i, idx])
    return _finish(prefs, space, front_i, deals_only, "scan")


def _additive(prefs: Preferences, space: DiscreteSpace, deals_only: bool) -> Frontier:
    n = prefs.n_parties
    tables: list[FloatArray] = []
    members: list[list[IntArray]] = []
    for j, values in enumerate(space.values):
        idx = np.arange(values.size, dtype=np.int64)
        if deals_only:
            idx = idx[prefs.allowed_values(j, values)]
        if idx.size == 0:
            return _empty(prefs, space.size, deals_only, "additive")
        terms = prefs.issue_terms(j, values[idx])
        distinct, inverse = np.unique(terms, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        keep = nondominated(-distinct, tol=PRUNE_TOL)
        tables.append(distinct[keep])
        members.append([idx[inverse == g] for g in keep])

    # the least loss each party can still take on the issues after j: a partial sum that
    # cannot reach the reservation even with it is no deal's prefix (pruned with a margin)
    least = np.array([t.min(axis=0) for t in tables])
    rest = np.cumsum(least[::-1], axis=0)[::-1]
    budget = 1.0 - prefs.reservation + _IR_MARGIN
    partial = np.zeros((1, n))
    groups = np.zeros((1, 0), dtype=np.int64)
    for j, table in enumerate(tables):
        width = table.shape[0]
        summed = (partial[:, None, :] + table[None, :, :]).reshape(-1, n)
        grown = np.empty((summed.shape[0], j + 1), dtype=np.int64)
        grown[:, :j] = np.repeat(groups, width, axis=0)
        grown[:, j] = np.tile(np.arange(width, dtype=np.int64), groups.shape[0])
        if deals_only:
            after = rest[j + 1] if j + 1 < len(tables) else 0.0
            reachable = (summed + after <= budget).all(axis=1)
            summed, grown = summed[reachable], grown[reachable]
            if summed.shape[0] == 0:
                return _empty(prefs, space.size, deals_only, "additive")
        keep = nondominated(-summed, tol=PRUNE_TOL)
        partial, groups = summed[keep], grown[keep]

    digits = _expand(groups, members)
    packages = space.values_of(digits)
    u = prefs.utilities(packages)
    keep = nondominated(u)
    if deals_only:
        keep = keep[(u[keep] >= prefs.reservation).all(axis=1)]
    return _finish(prefs, space, space.index(digits[keep]), deals_only, "additive")


def _expand(groups: IntArray, members: list[list[IntArray]]) -> IntArray:
    """Value indices of every package that the rows of group ids stand for."""
    rows = groups
    digits = np.empty((rows.shape[0], 0), dtype=np.int64)
    for j, mem in enumerate(members):
        sizes = np.array([g.size for g in mem], dtype=np.int64)
        flat = np.concatenate(mem)
        starts = np.cumsum(sizes) - sizes
        count = sizes[rows[:, j]]
        rep = np.repeat(np.arange(rows.shape[0]), count)
        offset = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
        column = flat[starts[rows[rep, j]] + offset]
        rows = rows[rep]
        digits = np.concatenate([digits[rep], column[:, None]], axis=1)
    return digits


def _weighted_sum_maximisers(prefs: Preferences, lam: FloatArray, lo: FloatArray,
                             hi: FloatArray) -> FloatArray:
    """Exact maximisers of sum_i lam_i U_i over the box [lo, hi], one row per weight row."""
    out = np.empty((lam.shape[0], prefs.n_issues))
    for j in range(prefs.n_issues):
        a = lam * prefs.weight[:, j]  # (P, n)
        total = a.sum(axis=1)
        p = prefs.position[:, j]
        if prefs.loss == "quadratic":
            with np.errstate(invalid="ignore", divide="ignore"):
                x = (a * p).sum(axis=1) / total
        else:
            order = np.argsort(p, kind="stable")
            cum = np.cumsum(a[:, order], axis=1)
            k = (cum >= total[:, None] / 2.0).argmax(axis=1)
            x = p[order][k]
        x = np.where(total > 0, x, (lo[j] + hi[j]) / 2.0)
        out[:, j] = np.clip(x, lo[j], hi[j])
    return out


def sample_frontier(prefs: Preferences, space: ContinuousSpace | None = None, *,
                    n_points: int = 2000, deals_only: bool = True,
                    rng: SeedLike = None) -> Frontier:
    """An approximate Pareto frontier of the continuous package space.

    Parameters
    ----------
    prefs : Preferences
        The parties' utilities.
    space : ContinuousSpace, optional
        The box to search (default: the issues' scales).
    n_points : int
        Candidate packages: half weighted-sum maximisers, half mixtures of pairs of them.
    deals_only : bool
        Search inside every red line and keep only :math:`U_i \\ge r_i`.
    rng : seed or Generator
        Randomness for the weights and mixtures.

    Returns
    -------
    Frontier
        With ``index`` -1 and ``method="sampled"``.
    """
    gen = as_generator(rng)
    lo = prefs.low.copy() if space is None else np.maximum(prefs.low, space.low)
    hi = prefs.high.copy() if space is None else np.minimum(prefs.high, space.high)
    if deals_only:
        lo = np.maximum(lo, prefs.acceptable_low.max(axis=0))
        hi = np.minimum(hi, prefs.acceptable_high.min(axis=0))
    if (lo > hi).any():
        return _empty(prefs, 0, deals_only, "sampled")
    n = prefs.n_parties
    n_weights = max(n_points // 2, 1)
    lam = np.concatenate([np.eye(n), gen.dirichlet(np.ones(n), size=n_weights)])
    vertices = _weighted_sum_maximisers(prefs, lam, lo, hi)
    first = gen.integers(0, vertices.shape[0], size=n_points - n_weights)
    second = gen.integers(0, vertices.shape[0], size=n_points - n_weights)
    t = gen.random((n_points - n_weights, 1))
    mixed = (1.0 - t) * vertices[first] + t * vertices[second]
    candidates = np.concatenate([vertices, mixed])
    u = prefs.utilities(candidates)
    if deals_only:
        ok = (u >= prefs.reservation).all(axis=1)
        candidates, u = candidates[ok], u[ok]
    keep = nondominated(u)
    return Frontier(prefs.actor_ids, prefs.issue_ids, candidates[keep], u[keep],
                    prefs.reservation.copy(), np.full(keep.size, -1, dtype=np.int64),
                    int(lam.shape[0] + mixed.shape[0]), deals_only, "sampled")
