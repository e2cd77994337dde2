"""The exchange process of Stokman's model on arrays: candidates, rounds, executed exchanges.

This module is the array-level engine behind :class:`parley.models.exchange.ExchangeModel`.
Positions are on each issue's scale normalised to 0-100 (as in Decide); capabilities may
differ per issue (``power``, shape ``(n, m)``, Decide's per actor-issue power).

Notation (one round). :math:`x_{id}` is actor *i*'s preference position on issue *d*,
:math:`y_{id}` its voting position (equal to :math:`x_{id}` at the start of the round),
:math:`w_{id} = c_{id} s_{id}` its weight and :math:`W_d = \\sum_k w_{kd}`. The outcome is
:math:`O_d = \\sum_k w_{kd} y_{kd} / W_d`.

1. *Sides and candidates.* Actor *i* is on the left of issue *d* if
   :math:`x_{id} \\le O_d`. Two actors are exchange partners on the issue pair (p, q) when
   they are on opposite sides of both outcomes (groups A-D and B-C of Stokman & Van Oosten
   1994). The actor with the larger salience ratio :math:`s_{ip}/s_{iq}` *demands* p (and
   supplies, i.e. moves on, q); its partner *j* demands q and supplies p.
2. *Equal gain.* Shifting :math:`O_p` by :math:`\\Delta_p` towards *i* and :math:`O_q` by
   :math:`\\Delta_q` towards *j* gives *i* the gain :math:`s_{ip}\\Delta_p - s_{iq}\\Delta_q`
   and *j* the gain :math:`s_{jq}\\Delta_q - s_{jp}\\Delta_p`. They are equal when

   .. math:: \\Delta_q = \\Delta_p \\frac{s_{ip} + s_{jp}}{s_{iq} + s_{jq}},

   and the common gain is
   :math:`G = \\Delta_p (s_{ip}s_{jq} - s_{iq}s_{jp}) / (s_{iq} + s_{jq}) > 0`.
   *j* moves on p by :math:`\\Delta_p W_p / w_{jp}` and *i* on q by
   :math:`\\Delta_q W_q / w_{iq}`. The exchange is as large as allowed: neither actor moves
   past its partner's preference position (:math:`\\Delta_p \\le w_{jp}|x_{ip}-y_{jp}|/W_p`,
   :math:`\\Delta_q \\le w_{iq}|x_{jq}-y_{iq}|/W_q`), and, unless ``allow_overshoot``, no
   outcome is dragged past the demander's own position
   (:math:`\\Delta_p \\le |x_{ip} - O_p|`, :math:`\\Delta_q \\le |x_{jq} - O_q|`, with the
   current outcome :math:`O`).
3. *Execution.* The candidate with the highest gain is executed (ties, within a relative
   1e-9, go to the candidate with the lowest tie-break key). The moves change two voting
   positions and the outcomes of p and q, so the candidates in which one of the two movers
   supplies the issue it moved on are recomputed, and so are those whose no-overshoot cap
   on p or q was binding or now binds (no other candidate changes). A candidate that
   becomes invalid (its gain or a move is below 1e-10, or an actor would have to turn
   back) is dropped for the round. This repeats until no candidate is left.
4. *End of the round.* Every preference moves towards the voting position,
   :math:`x'_{id} = x_{id} + (f + g(1 - s_{id}))(y_{id} - x_{id})` with ``fixed_weight``
   *f* = 0.1 and ``salience_weight`` *g* = 0.4 (Decide's values). Rounds repeat until one
   has no exchange or ``max_rounds`` is reached.

The randomised variant (REX, Dijkstra et al. 2018) keeps the order of execution of Equal
Gain but, for each executed exchange, draws :math:`u, v, z \\sim U(0, 1)`: *u* < 0.5
randomises the gain of the demander of p, otherwise that of its partner; *v* < 0.5 raises
that gain to :math:`G + pz(G_{max} - G)`, otherwise lowers it to :math:`G - pzG`, where
:math:`G_{max}` is the most that actor can gain while its partner does not lose. The
exchange is then the point of the Pareto frontier of the allowed shifts (one of the two
shifts at its maximum) that gives that actor this gain.

Each executed exchange also records its externalities: the change of every actor's
utility :math:`-\\sum_{d \\in \\{p, q\\}} s_{kd}|O_d - x_{kd}|` (the exchange partners
included, whose change is their gain).

References
----------
.. [1] Stokman, F. N. & Van Oosten, R. (1994). The exchange of voting positions: an
   object-oriented model of policy networks. In B. Bueno de Mesquita & F. N. Stokman
   (eds.), *European Community Decision Making*, 105-127. Yale University Press.
.. [2] Stokman, F. N. (2015). Decide: software for analysing and supporting collective
   decision-making (the exchange model as implemented in Decide).
.. [3] Dijkstra, J., van Assen, M. A. L. M., Stokman, F. N. & Draaijer, J. (2018). The
   exchange of voting positions: randomised equal gain. (REX, the randomised variant.)

Examples
--------
Two actors on two issues, on opposite sides of both outcomes (20 and 80). Actor 0 cares
most about issue 0 and actor 1 about issue 1, so actor 1 moves on issue 0 and actor 0 on
issue 1. The exchange ratio is (0.8 + 0.2) / (0.2 + 0.8) = 1; both outcomes can shift by
20 before anyone passes a partner, so each gains 0.8 x 20 - 0.2 x 20 = 12:

>>> import numpy as np
>>> run = exchange_rounds(np.array([[0.0, 0.0], [100.0, 100.0]]),
...                       np.array([[0.8, 0.2], [0.2, 0.8]]), np.ones((2, 2)),
...                       np.ones((2, 2), dtype=bool), max_rounds=1)
>>> e = run.exchanges[0][0]
>>> (e.actor_p, e.issue_p, e.actor_q, e.issue_q), round(e.gain_p, 9), round(e.gain_q, 9)
((0, 0, 1, 1), 12.0, 12.0)
>>> run.voting[1].tolist()
[[0.0, 100.0], [0.0, 100.0]]
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from parley.rng import SeedLike, as_generator

__all__ = ["ExchangeRecord", "ExchangeRun", "TieBreak", "exchange_rounds"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

TieBreak = Literal["random", "listed"]

GAIN_TOL = 1e-10
"""Smallest gain (and move) that counts as an exchange (Decide's threshold)."""
SIDE_TOL = 1e-9
"""An actor within this distance of the outcome counts as on its left."""
TIE_RTOL = 1e-9
"""Gains within this relative distance of the best are tied."""
CAP_TOL = 1e-12
"""A no-overshoot cap counts as tightened when it falls this far below a shift."""

_INF = float("inf")


@dataclass(frozen=True, eq=False)
class ExchangeRecord:
    """One executed exchange (positions and shifts on the 0-100 scale).

    ``actor_p`` demands ``issue_p`` and moves on ``issue_q`` from ``q_from`` to ``q_to``;
    ``actor_q`` demands ``issue_q`` and moves on ``issue_p`` from ``p_from`` to ``p_to``.
    ``shift_p`` and ``shift_q`` are the signed changes of the two outcomes, ``gain`` the
    equal gain, ``gain_p`` and ``gain_q`` what each partner actually gained (equal to
    ``gain`` unless the exchange was randomised). ``externalities`` is every actor's
    utility change, and ``inner`` marks the actors in the same two groups (sides on p and
    q) as the partners. ``tied`` counts the candidates that were tied for the best gain;
    ``overshoot`` says whether the no-overshoot constraint limited the exchange.
    """

    round: int
    actor_p: int
    actor_q: int
    issue_p: int
    issue_q: int
    q_from: float
    q_to: float
    p_from: float
    p_to: float
    shift_p: float
    shift_q: float
    gain: float
    gain_p: float
    gain_q: float
    externalities: FloatArray
    inner: BoolArray
    tied: int
    overshoot: bool


@dataclass(frozen=True, eq=False)
class ExchangeRun:
    """The result of :func:`exchange_rounds` (positions on the 0-100 scale).

    ``voting[r]`` and ``preference[r]`` are the positions at the end of round *r* (row 0
    is the input); a round in which no exchange was possible is included as the last row.
    ``exchanges[r - 1]`` lists round *r*'s executed exchanges in order of execution.
    """

    voting: FloatArray
    preference: FloatArray
    exchanges: tuple[tuple[ExchangeRecord, ...], ...]
    stop_reason: str


def _mean(y: FloatArray, w: FloatArray) -> FloatArray:
    total = w.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(total > 0, (w * np.where(w > 0, y, 0.0)).sum(axis=0) / total,
                                   np.nan)
    return out


@dataclass
class _Candidates:
    """The candidate exchanges of one round, as parallel arrays."""

    a: IntArray          # demands p, moves on q
    b: IntArray          # demands q, moves on p
    p: IntArray
    q: IntArray
    dir_a: FloatArray    # direction of a's move on q (+1 up, -1 down)
    dir_b: FloatArray    # direction of b's move on p
    ratio: FloatArray    # Delta_q / Delta_p
    target_p: FloatArray  # a's preference on p, where b moves to
    target_q: FloatArray  # b's preference on q, where a moves to
    key: IntArray        # tie-break key (lower wins)


def _candidates(x: FloatArray, s: FloatArray, mask: BoolArray, outcome: FloatArray,
                key_of: _KeyFn) -> _Candidates:
    n, m = x.shape
    u, v = np.triu_indices(n, 1)
    pp, qq = np.triu_indices(m, 1)
    left = (x <= outcome[None, :] + SIDE_TOL) & mask
    # both actors have a stance on the issue and are on opposite sides of its outcome
    apart = mask[u] & mask[v] & (left[u] != left[v])
    ia, ii = np.nonzero(apart[:, pp] & apart[:, qq])
    cu, cv, cp, cq = u[ia], v[ia], pp[ii], qq[ii]
    # the actor with the larger salience ratio s_p / s_q demands p (cross-multiplied)
    u_demands_p = s[cu, cp] * s[cv, cq] >= s[cv, cp] * s[cu, cq]
    a = np.where(u_demands_p, cu, cv).astype(np.int64)
    b = np.where(u_demands_p, cv, cu).astype(np.int64)
    p, q = cp.astype(np.int64), cq.astype(np.int64)
    dir_b = np.where(x[a, p] > x[b, p], 1.0, -1.0)
    dir_a = np.where(x[b, q] > x[a, q], 1.0, -1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = (s[a, p] + s[b, p]) / (s[a, q] + s[b, q])
    # Decide lists the actor on the right of q first (groups A and B)
    first = np.where(left[cu, cq], cv, cu).astype(np.int64)
    second = np.where(left[cu, cq], cu, cv).astype(np.int64)
    ad = left[first, p] == left[first, q]  # first actor right of both issues: group A
    key = key_of(a, b, p, q, first, second, ad, ii.astype(np.int64))
    return _Candidates(a, b, p, q, dir_a, dir_b, ratio, x[a, p], x[b, q], key)


class _KeyFn:
    """Tie-break keys: seeded ranks of actors and issues, or Decide's listing order."""

    def __init__(self, how: TieBreak, n: int, m: int, actor_rank: IntArray,
                 issue_rank: IntArray, gen: np.random.Generator) -> None:
        self.how, self.n, self.m = how, n, m
        if how == "random":
            self.actor_key = gen.permutation(n)[actor_rank].astype(np.int64)
            self.issue_key = gen.permutation(m)[issue_rank].astype(np.int64)

    def __call__(self, a: IntArray, b: IntArray, p: IntArray, q: IntArray, first: IntArray,
                 second: IntArray, ad: BoolArray, pair: IntArray) -> IntArray:
        n, m = self.n, self.m
        if self.how == "listed":
            return (((pair * 2 + np.where(ad, 0, 1)) * n + first) * n + second).astype(np.int64)
        ka, kb = self.actor_key[a], self.actor_key[b]
        kp, kq = self.issue_key[p], self.issue_key[q]
        lo_a, hi_a = np.minimum(ka, kb), np.maximum(ka, kb)
        lo_i, hi_i = np.minimum(kp, kq), np.maximum(kp, kq)
        return (((lo_a * n + hi_a) * m + lo_i) * m + hi_i).astype(np.int64)


@dataclass
class _State:
    """The state of one round: preference x, voting y, weights and the current outcome."""

    x: FloatArray
    y: FloatArray
    s: FloatArray
    w: FloatArray
    total: FloatArray
    outcome: FloatArray
    allow_overshoot: bool


def _shifts(st: _State, c: _Candidates) -> tuple[FloatArray, FloatArray, BoolArray, BoolArray]:
    """Equal-gain shifts (Delta_p, Delta_q) of all candidates at the start of a round, their
    validity, and whether the no-overshoot constraint is what limits them."""
    a, b, p, q = c.a, c.b, c.p, c.q
    dir_a, dir_b = c.dir_a, c.dir_b
    tp, tq = c.target_p, c.target_q
    dist_b = (tp - st.y[b, p]) * dir_b   # room left for b on p
    dist_a = (tq - st.y[a, q]) * dir_a   # room left for a on q
    cap_p = st.w[b, p] * dist_b / st.total[p]
    cap_q = st.w[a, q] * dist_a / st.total[q]
    ratio = c.ratio
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        free = np.minimum(cap_p, cap_q / ratio)
        if not st.allow_overshoot:
            cap_p = np.minimum(cap_p, (tp - st.outcome[p]) * dir_b)
            cap_q = np.minimum(cap_q, (tq - st.outcome[q]) * dir_a)
        dp = np.minimum(cap_p, cap_q / ratio)
        dq = dp * ratio
        gain = st.s[a, p] * dp - st.s[a, q] * dq
        move_b = dp * st.total[p] / st.w[b, p]
        move_a = dq * st.total[q] / st.w[a, q]
    ok = ((dist_a > GAIN_TOL) & (dist_b > GAIN_TOL) & (gain > GAIN_TOL)
          & (move_a > GAIN_TOL) & (move_b > GAIN_TOL) & np.isfinite(gain))
    return dp, dq, ok, dp < free


def _randomise(s: FloatArray, a: int, b: int, p: int, q: int, dp: float, dq: float,
               cap_p: float, cap_q: float, share: float,
               uvz: FloatArray) -> tuple[float, float]:
    """REX: the shifts after randomising one partner's gain (Dijkstra et al. 2018)."""
    u, v, z = (float(t) for t in uvz)
    gain = s[a, p] * dp - s[a, q] * dq
    if u < 0.5:  # randomise a, whose gain rises with Delta_p and falls with Delta_q
        gp, gq, op, oq = s[a, p], s[a, q], s[b, p], s[b, q]   # own and partner saliences
        own_cap, other_cap = cap_p, cap_q
    else:        # randomise b: the same geometry with the issues' roles swapped
        gp, gq, op, oq = s[b, q], s[b, p], s[a, q], s[a, p]
        own_cap, other_cap = cap_q, cap_p
    # the partner's gain oq * other - op * own is zero where other = own * op / oq
    if op * own_cap <= oq * other_cap:
        g_max = gp * own_cap - gq * own_cap * op / oq
    else:
        g_max = gp * other_cap * oq / op - gq * other_cap
    target = gain + share * z * (g_max - gain) if v < 0.5 else gain - share * z * gain
    corner = gp * own_cap - gq * other_cap
    if target <= corner:   # the partner's shift at its cap, own shift below
        own, other = (target + gq * other_cap) / gp, other_cap
    else:                  # own shift at its cap, the partner's below
        own, other = own_cap, (gp * own_cap - target) / gq
    own, other = min(max(own, 0.0), own_cap), min(max(other, 0.0), other_cap)
    return (own, other) if u < 0.5 else (other, own)


@dataclass
class _Loop:
    """What the exchange loop of one round works on (built by :func:`_prepare`).

    Only the candidates valid at the start of the round can be executed in it (a dropped
    candidate never returns), so only they are kept, sorted by tie-break key: the best
    candidate is then the first one whose gain is within ``TIE_RTOL`` of the maximum.
    Python lists hold what the loop reads one element at a time; numpy arrays what it
    scans (``gains``, ``below``), updated in place.
    """

    # per candidate: a, b, p, q, b * m + p, a * m + q, target_p, target_q, dir_a, dir_b,
    # ratio, s_ap, s_aq, w_bp, w_aq
    const: list[tuple[int, int, int, int, int, int, float, float, float, float, float,
                      float, float, float, float]]
    gains: FloatArray        # equal gain of each candidate, -inf once dropped
    active: list[bool]
    y: list[float]           # voting positions, flat (actor * m + issue)
    w: list[float]           # weights, flat
    total: list[float]       # W_d as the equations use it
    outcome: list[float]
    terms: FloatArray        # (m, n): w * y, summed as _mean sums it for the outcome
    col_total: list[float]   # W_d as _mean sums it
    supplier: list[int]      # candidates by (supplier, supply issue) ...
    supplier_start: list[int]  # ... where each actor * m + issue starts
    # the no-overshoot caps, grouped by issue: per issue, the caps' targets and
    # directions, ``below`` and the candidates. ``below`` is the room under which the cap
    # binds: the shift - CAP_TOL, inf where the cap binds already, -inf once dropped
    groups: list[tuple[FloatArray, FloatArray, FloatArray, IntArray]]
    below: FloatArray
    slot_p: list[int]        # each candidate's cap on p and on q in ``below``
    slot_q: list[int]
    finite: bool             # whether every target is far from overflowing


def _prepare(st: _State, mask: BoolArray, key_of: _KeyFn) -> _Loop | None:
    """The candidates of a round and the loop's structures (None: no valid candidate)."""
    x, s, w, total = st.x, st.s, st.w, st.total
    n, m = x.shape
    c = _candidates(x, s, mask, st.outcome, key_of)
    dp, dq, ok, bound = _shifts(st, c)
    keep = np.flatnonzero(ok)
    keep = keep[np.argsort(c.key[keep], kind="stable")]
    size = keep.size
    if size == 0:
        return None
    a, b, p, q = c.a[keep], c.b[keep], c.p[keep], c.q[keep]
    dp, dq, bound = dp[keep], dq[keep], bound[keep]
    target_p, target_q, dir_a, dir_b = (c.target_p[keep], c.target_q[keep], c.dir_a[keep],
                                        c.dir_b[keep])
    ratio, w_bp, w_aq = c.ratio[keep], w[b, p], w[a, q]
    # The loop computes with Python floats, which agree with numpy's to the last bit
    # except that a division by zero raises; where a divisor of the equal-gain equations
    # is zero (only with zero or negative saliences and powers), numpy scalars (a
    # subclass of float) keep numpy's inf and nan.
    numeric = bool((ratio != 0).all() and (w_bp != 0).all() and (w_aq != 0).all()
                   and (total[p] != 0).all() and (total[q] != 0).all())

    def floats(arr: FloatArray) -> list[float]:
        out: list[float] = arr.tolist() if numeric else list(arr)
        return out

    const = list(zip(a.tolist(), b.tolist(), p.tolist(), q.tolist(), (b * m + p).tolist(),
                     (a * m + q).tolist(), floats(target_p), floats(target_q), floats(dir_a),
                     floats(dir_b), floats(ratio), floats(s[a, p]), floats(s[a, q]),
                     floats(w_bp), floats(w_aq), strict=True))
    supply = np.concatenate([b * m + p, a * m + q])
    order = np.argsort(supply, kind="stable")
    supplier_start = np.searchsorted(supply[order], np.arange(n * m + 1))
    issue = np.concatenate([p, q])
    order_i = np.argsort(issue, kind="stable")
    start = np.searchsorted(issue[order_i], np.arange(m + 1)).tolist()
    target = np.concatenate([target_p, target_q])[order_i]
    direction = np.concatenate([dir_b, dir_a])[order_i]
    below = np.where(np.concatenate([bound, bound]), _INF,
                     np.concatenate([dp, dq]) - CAP_TOL)[order_i]
    ident = (order_i % size).astype(np.int64)
    slot = np.empty(2 * size, dtype=np.int64)
    slot[order_i] = np.arange(2 * size)
    return _Loop(
        const=const, gains=s[a, p] * dp - s[a, q] * dq, active=[True] * size,
        y=floats(st.y.ravel()), w=w.ravel().tolist(), total=floats(total),
        outcome=st.outcome.tolist(),
        terms=np.ascontiguousarray((w * np.where(w > 0, st.y, 0.0)).T),
        col_total=[float(w[:, d:d + 1].sum(axis=0)[0]) for d in range(m)],
        supplier=(order % size).tolist(), supplier_start=supplier_start.tolist(),
        groups=[(target[i:j], direction[i:j], below[i:j], ident[i:j])
                for i, j in pairwise(start)],
        below=below, slot_p=slot[:size].tolist(), slot_q=slot[size:].tolist(),
        finite=bool((np.abs(target) < 1e300).all()))


# One executed exchange, kept compact until the end of the round: actors a, b, issues p,
# q, q_from, q_to, p_from, p_to, outcomes of p and q before and after, gain, tied, overshoot.
_Row = tuple[int, int, int, int, float, float, float, float, float, float, float, float,
             float, int, bool]


def _records(rows: list[_Row], x: FloatArray, s: FloatArray, left: BoolArray,
             rnd: int) -> list[ExchangeRecord]:
    """Build a round's records, with every actor's externalities and the inner groups
    computed at once for all its exchanges."""
    if not rows:
        return []
    pq = np.array([(r[2], r[3]) for r in rows], dtype=np.int64)            # (R, 2)
    before = np.array([(r[8], r[9]) for r in rows])
    after = np.array([(r[10], r[11]) for r in rows])
    xs = x[:, pq].transpose(1, 0, 2)                                         # (R, n, 2)
    lost_before = np.abs(before[:, None, :] - xs)
    lost_after = np.abs(after[:, None, :] - xs)
    ext = (s[:, pq].transpose(1, 0, 2) * np.nan_to_num(lost_before - lost_after)).sum(axis=2)
    pattern = left[:, pq].transpose(1, 0, 2)
    ab = np.array([(r[0], r[1]) for r in rows], dtype=np.int64)
    side_a = left[ab[:, :1], pq][:, None, :]
    side_b = left[ab[:, 1:], pq][:, None, :]
    inner = np.all(pattern == side_a, axis=2) | np.all(pattern == side_b, axis=2)
    m = s.shape[1]
    sal: list[float] = s.ravel().tolist()
    out = []
    for row, ext_j, inner_j in zip(rows, ext, inner, strict=True):
        a, b, p, q, q_from, q_to, p_from, p_to, bp, bq, ap, aq, gain, tied, bound = row
        shift_p, shift_q = float(ap - bp), float(aq - bq)
        gain_p = sal[a * m + p] * abs(shift_p) - sal[a * m + q] * abs(shift_q)
        gain_q = sal[b * m + q] * abs(shift_q) - sal[b * m + p] * abs(shift_p)
        out.append(ExchangeRecord(rnd, a, b, p, q, float(q_from), float(q_to), float(p_from),
                                  float(p_to), shift_p, shift_q, gain, gain_p, gain_q, ext_j,
                                  inner_j, tied, bound))
    return out


def _one_round(st: _State, mask: BoolArray, rnd: int, key_of: _KeyFn,
               gen: np.random.Generator, share: float) -> list[ExchangeRecord]:
    """One round of exchanges (step 3 of the module docstring), on a :class:`_Loop`.

    Each executed exchange costs a few scans of numpy arrays (the best gain, the
    no-overshoot caps on p and q) and the recomputation, in plain Python, of the
    candidates it affects; the records are built at the end of the round.
    """
    loop = _prepare(st, mask, key_of)
    if loop is None:
        return []
    const, gains, active, y, w, total, outcome, terms, col_total = (
        loop.const, loop.gains, loop.active, loop.y, loop.w, loop.total, loop.outcome,
        loop.terms, loop.col_total)
    supplier, supplier_start, groups, below, slot_p, slot_q = (
        loop.supplier, loop.supplier_start, loop.groups, loop.below, loop.slot_p, loop.slot_q)
    allow_overshoot, m = st.allow_overshoot, st.x.shape[1]
    add_reduce = np.add.reduce

    def shifts(k: int) -> tuple[float, float, float, float, bool, bool, float]:
        """Candidate ``k``'s shifts Delta_p and Delta_q, their caps, whether it is valid,
        whether the no-overshoot constraint limits it, and its gain (as :func:`_shifts`;
        only the first and the validity count once it is invalid)."""
        _, _, p, q, jbp, jaq, tp, tq, dir_a, dir_b, r, s_ap, s_aq, w_bp, w_aq = const[k]
        dist_b = (tp - y[jbp]) * dir_b
        dist_a = (tq - y[jaq]) * dir_a
        if not (dist_b > GAIN_TOL and dist_a > GAIN_TOL):
            return dist_b, dist_a, dist_b, dist_a, False, False, dist_b
        total_p, total_q = total[p], total[q]
        cap_p = w_bp * dist_b / total_p
        cap_q = w_aq * dist_a / total_q
        # min as np.minimum: the first argument when it is smaller, equal, or nan
        cut = cap_q / r
        free = cap_p if cap_p <= cut or cap_p != cap_p else cut
        if not allow_overshoot:
            cut = (tp - outcome[p]) * dir_b
            if not (cap_p <= cut or cap_p != cap_p):
                cap_p = cut
            cut = (tq - outcome[q]) * dir_a
            if not (cap_q <= cut or cap_q != cap_q):
                cap_q = cut
            cut = cap_q / r
        dp = cap_p if cap_p <= cut or cap_p != cap_p else cut
        dq = dp * r
        gain = s_ap * dp - s_aq * dq
        ok = (GAIN_TOL < gain < _INF and dq * total_q / w_aq > GAIN_TOL
              and dp * total_p / w_bp > GAIN_TOL)
        return dp, dq, cap_p, cap_q, ok, dp < free, gain

    rows: list[_Row] = []
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        while True:
            k = int(gains.argmax())
            best = float(gains[k])
            if best == -_INF:
                break
            tied_mask = gains >= best - TIE_RTOL * abs(best)
            tied = int(np.count_nonzero(tied_mask))
            if tied > 1:   # the lowest key among the tied comes first
                k = int(tied_mask.argmax())
            a, b, p, q, jbp, jaq, tp, tq, dir_a, dir_b, _, _, _, w_bp, w_aq = const[k]
            dp, dq, cap_p, cap_q, _, overshoot, _ = shifts(k)
            if share > 0:
                dp, dq = _randomise(st.s, a, b, p, q, float(dp), float(dq), float(cap_p),
                                    float(cap_q), share, gen.random(3))
            # execute: b moves on p towards a's position, a on q towards b's
            p_from, q_from = y[jbp], y[jaq]
            dist_b = (tp - p_from) * dir_b
            dist_a = (tq - q_from) * dir_a
            move_b = min(dp * total[p] / w_bp, dist_b)
            move_a = min(dq * total[q] / w_aq, dist_a)
            y[jbp] = p_to = tp if move_b >= dist_b else p_from + dir_b * move_b
            y[jaq] = q_to = tq if move_a >= dist_a else q_from + dir_a * move_a
            st.y[b, p], st.y[a, q] = p_to, q_to
            terms[p, b] = w[jbp] * (p_to if w[jbp] > 0 else 0.0)
            terms[q, a] = w[jaq] * (q_to if w[jaq] > 0 else 0.0)
            before_p, before_q = outcome[p], outcome[q]
            for d in (p, q):
                cd = col_total[d]
                outcome[d] = float(add_reduce(terms[d])) / cd if cd > 0 else float("nan")
            rows.append((a, b, p, q, q_from, q_to, p_from, p_to, before_p, before_q,
                         outcome[p], outcome[q], best, tied, bool(overshoot)))
            active[k] = False
            gains[k] = below[slot_p[k]] = below[slot_q[k]] = -_INF
            # the candidates this exchange may change (module docstring, step 3): those in
            # which b supplies p or a supplies q, and those whose cap on p or q may change
            j = b * m + p
            affected = set(supplier[supplier_start[j]:supplier_start[j + 1]])
            j = a * m + q
            affected.update(supplier[supplier_start[j]:supplier_start[j + 1]])
            if not allow_overshoot:
                for d in (p, q):
                    g_target, g_dir, g_below, g_ident = groups[d]
                    hit = (g_target - outcome[d]) * g_dir < g_below
                    if not (loop.finite and -1e300 < outcome[d] < 1e300):
                        hit |= g_below == _INF   # the room may be nan or inf
                    affected.update(g_ident[hit].tolist())
            for i in affected:
                if not active[i]:
                    continue
                dp, dq, _, _, ok, bound, gain = shifts(i)
                if ok:
                    gains[i] = gain
                    if bound:
                        below[slot_p[i]] = below[slot_q[i]] = _INF
                    else:
                        below[slot_p[i]] = dp - CAP_TOL
                        below[slot_q[i]] = dq - CAP_TOL
                else:
                    active[i] = False
                    gains[i] = below[slot_p[i]] = below[slot_q[i]] = -_INF
    left = (st.x <= st.outcome[None, :] + SIDE_TOL) & mask
    return _records(rows, st.x, st.s, left, rnd)


def exchange_rounds(position: FloatArray, salience: FloatArray, power: FloatArray,
                    mask: BoolArray, *, max_rounds: int = 10, rng: SeedLike = None,
                    p: float = 0.0, tie_break: TieBreak = "random",
                    allow_overshoot: bool = False, fixed_weight: float = 0.1,
                    salience_weight: float = 0.4, actor_rank: IntArray | None = None,
                    issue_rank: IntArray | None = None) -> ExchangeRun:
    """Run rounds of Stokman's exchange model (see the module docstring).

    Parameters
    ----------
    position, salience, power : ndarray, shape (n, m)
        Positions on the 0-100 scale, saliences in [0, 1], and capabilities (power) per
        actor and issue (Decide gives power per actor-issue; a model with one capability
        per actor passes it broadcast). Entries outside ``mask`` are ignored.
    mask : ndarray of bool, shape (n, m)
        Where the actor has a stance. An actor takes part in exchanges on the issue pairs
        on which it has both stances.
    max_rounds : int
        Most rounds to run (Decide's default: 10).
    rng : seed or Generator
        Breaks ties (``tie_break='random'``) and draws the REX randomisation.
    p : float in [0, 1]
        REX randomisation (0: equal gain).
    tie_break : {'random', 'listed'}
        ``'random'``: a seeded random order of the actors' and issues' ranks
        (``actor_rank``, ``issue_rank``; by default their list order). ``'listed'``:
        Decide's listing order (issue pair, groups A-D before B-C, then actor order), which
        reproduces Decide run with its random tie-break switched off.
    allow_overshoot : bool
        Drop the constraint that an exchange may not move an outcome past the demander's
        position.
    fixed_weight, salience_weight : float
        Weights of the preference update :math:`x' = x + (f + g(1 - s))(y - x)`.
    actor_rank, issue_rank : ndarray of int, optional
        Ranks used by the random tie-break (pass the ranks of the actors' ids so that the
        result does not depend on their order).

    Returns
    -------
    ExchangeRun
    """
    gen = as_generator(rng)
    x = np.where(mask, np.asarray(position, dtype=float), np.nan)
    s = np.where(mask, np.asarray(salience, dtype=float), 0.0)
    w = np.where(mask, np.asarray(power, dtype=float) * s, 0.0)
    n, m = x.shape
    key_of = _KeyFn(tie_break, n, m,
                    np.arange(n) if actor_rank is None else np.asarray(actor_rank),
                    np.arange(m) if issue_rank is None else np.asarray(issue_rank), gen)
    total = w.sum(axis=0)
    keep = np.where(mask, fixed_weight + salience_weight * (1.0 - s), 0.0)
    voting, preference = [x.copy()], [x.copy()]
    rounds: list[tuple[ExchangeRecord, ...]] = []
    stop = "max_rounds"
    for rnd in range(1, max_rounds + 1):
        st = _State(x=x, y=x.copy(), s=s, w=w, total=total, outcome=_mean(x, w),
                    allow_overshoot=allow_overshoot)
        done = _one_round(st, mask, rnd, key_of, gen, p)
        x = x + keep * (st.y - x)
        voting.append(st.y)
        preference.append(x.copy())
        rounds.append(tuple(done))
        if not done:
            stop = "no exchange"
            break
    return ExchangeRun(voting=np.stack(voting), preference=np.stack(preference),
                       exchanges=tuple(rounds), stop_reason=stop)
