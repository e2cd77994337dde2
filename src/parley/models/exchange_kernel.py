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
    active: BoolArray
    as_p: list[IntArray]  # candidates whose p is issue d
    as_q: list[IntArray]  # candidates whose q is issue d
    supplier: IntArray    # candidate ids sorted by (supplier, supply issue)
    supplier_start: IntArray  # where each actor * m + issue starts in ``supplier``

    def supplying(self, actor: int, issue: int, m: int) -> IntArray:
        """Candidates in which ``actor`` moves on ``issue``."""
        k = actor * m + issue
        out: IntArray = self.supplier[self.supplier_start[k]:self.supplier_start[k + 1]]
        return out


def _candidates(x: FloatArray, s: FloatArray, mask: BoolArray, outcome: FloatArray,
                key_of: _KeyFn) -> _Candidates:
    n, m = x.shape
    u, v = np.triu_indices(n, 1)
    pp, qq = np.triu_indices(m, 1)
    left = (x <= outcome[None, :] + SIDE_TOL) & mask
    both = (mask[u][:, pp] & mask[u][:, qq] & mask[v][:, pp] & mask[v][:, qq])
    opposite = (left[u][:, pp] != left[v][:, pp]) & (left[u][:, qq] != left[v][:, qq])
    ia, ii = np.nonzero(both & opposite)
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
    as_p = [np.flatnonzero(p == d) for d in range(m)]
    as_q = [np.flatnonzero(q == d) for d in range(m)]
    keys = np.concatenate([b * m + p, a * m + q])
    order = np.argsort(keys, kind="stable")
    supplier = (order % a.size).astype(np.int64)
    start = np.searchsorted(keys[order], np.arange(n * m + 1)).astype(np.int64)
    return _Candidates(a, b, p, q, dir_a, dir_b, ratio, x[a, p], x[b, q], key,
                       np.ones(a.shape, dtype=bool), as_p, as_q, supplier, start)


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


def _shifts(st: _State, c: _Candidates, idx: IntArray) -> tuple[
        FloatArray, FloatArray, FloatArray, FloatArray, BoolArray, BoolArray]:
    """Equal-gain shifts (Delta_p, Delta_q) of candidates ``idx``, their caps, validity,
    and whether the no-overshoot constraint is what limits them."""
    a, b, p, q = c.a[idx], c.b[idx], c.p[idx], c.q[idx]
    dir_a, dir_b = c.dir_a[idx], c.dir_b[idx]
    tp, tq = c.target_p[idx], c.target_q[idx]
    dist_b = (tp - st.y[b, p]) * dir_b   # room left for b on p
    dist_a = (tq - st.y[a, q]) * dir_a   # room left for a on q
    cap_p = st.w[b, p] * dist_b / st.total[p]
    cap_q = st.w[a, q] * dist_a / st.total[q]
    ratio = c.ratio[idx]
    with np.errstate(invalid="ignore", divide="ignore"):
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
    return dp, dq, cap_p, cap_q, ok, dp < free


def _randomise(st: _State, a: int, b: int, p: int, q: int, dp: float, dq: float,
               cap_p: float, cap_q: float, share: float,
               uvz: FloatArray) -> tuple[float, float]:
    """REX: the shifts after randomising one partner's gain (Dijkstra et al. 2018)."""
    u, v, z = (float(t) for t in uvz)
    s = st.s
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


def _execute(st: _State, c: _Candidates, k: int, dp: float, dq: float, rnd: int,
             tied: int, gain: float, left: BoolArray, overshoot: bool) -> ExchangeRecord:
    a, b, p, q = int(c.a[k]), int(c.b[k]), int(c.p[k]), int(c.q[k])
    before = st.outcome.copy()
    p_from, q_from = float(st.y[b, p]), float(st.y[a, q])
    dist_b = (st.x[a, p] - p_from) * c.dir_b[k]
    dist_a = (st.x[b, q] - q_from) * c.dir_a[k]
    move_b = min(dp * st.total[p] / st.w[b, p], dist_b)
    move_a = min(dq * st.total[q] / st.w[a, q], dist_a)
    st.y[b, p] = st.x[a, p] if move_b >= dist_b else p_from + c.dir_b[k] * move_b
    st.y[a, q] = st.x[b, q] if move_a >= dist_a else q_from + c.dir_a[k] * move_a
    for d in (p, q):
        st.outcome[d] = _mean(st.y[:, d:d + 1], st.w[:, d:d + 1])[0]
    pq = np.array([p, q])
    lost_before = np.abs(before[pq][None, :] - st.x[:, pq])
    lost_after = np.abs(st.outcome[pq][None, :] - st.x[:, pq])
    ext = st.s[:, pq] * np.nan_to_num(lost_before - lost_after)
    pattern = left[:, pq]
    inner = (np.all(pattern == left[a, pq], axis=1) | np.all(pattern == left[b, pq], axis=1))
    shift_p = float(st.outcome[p] - before[p])
    shift_q = float(st.outcome[q] - before[q])
    return ExchangeRecord(
        round=rnd, actor_p=a, actor_q=b, issue_p=p, issue_q=q,
        q_from=q_from, q_to=float(st.y[a, q]), p_from=p_from, p_to=float(st.y[b, p]),
        shift_p=shift_p, shift_q=shift_q, gain=gain,
        gain_p=float(st.s[a, p] * abs(shift_p) - st.s[a, q] * abs(shift_q)),
        gain_q=float(st.s[b, q] * abs(shift_q) - st.s[b, p] * abs(shift_p)),
        externalities=ext.sum(axis=1), inner=inner, tied=tied, overshoot=overshoot)


def _affected(st: _State, c: _Candidates, k: int, shift_p: FloatArray, shift_q: FloatArray,
              bound: BoolArray) -> IntArray:
    """The active candidates that executing candidate ``k`` may change.

    A candidate changes when one of its suppliers has just moved on its supply issue, or
    (unless overshoot is allowed) when the new outcome of p or q tightens its no-overshoot
    cap below its shift, or loosens a cap that was binding. Every other candidate keeps
    its exchange, so it is not recomputed.
    """
    ka, kb, kp, kq = int(c.a[k]), int(c.b[k]), int(c.p[k]), int(c.q[k])
    m = st.x.shape[1]
    parts = [c.supplying(kb, kp, m), c.supplying(ka, kq, m)]
    if not st.allow_overshoot:
        for d in (kp, kq):
            g = c.as_p[d]
            g = g[c.active[g]]
            room = (c.target_p[g] - st.outcome[d]) * c.dir_b[g]
            parts.append(g[bound[g] | (room < shift_p[g] - 1e-12)])
            g = c.as_q[d]
            g = g[c.active[g]]
            room = (c.target_q[g] - st.outcome[d]) * c.dir_a[g]
            parts.append(g[bound[g] | (room < shift_q[g] - 1e-12)])
    idx = np.unique(np.concatenate(parts))
    out: IntArray = idx[c.active[idx]]
    return out


def _one_round(st: _State, mask: BoolArray, rnd: int, key_of: _KeyFn,
               gen: np.random.Generator, share: float) -> list[ExchangeRecord]:
    left = (st.x <= st.outcome[None, :] + SIDE_TOL) & mask
    c = _candidates(st.x, st.s, mask, st.outcome, key_of)
    every = np.arange(c.a.size)
    shift_p, shift_q, _, _, ok, bound = _shifts(st, c, every)
    gains = np.where(ok, st.s[c.a, c.p] * shift_p - st.s[c.a, c.q] * shift_q, -np.inf)
    c.active &= ok
    done: list[ExchangeRecord] = []
    while c.active.any():
        best = float(gains.max())
        tied = np.flatnonzero(gains >= best - TIE_RTOL * abs(best))
        k = int(tied[np.argmin(c.key[tied])])
        dp, dq, cap_p, cap_q, _, bound_k = _shifts(st, c, np.array([k]))
        dpk, dqk = float(dp[0]), float(dq[0])
        if share > 0:
            dpk, dqk = _randomise(st, int(c.a[k]), int(c.b[k]), int(c.p[k]), int(c.q[k]),
                                  dpk, dqk, float(cap_p[0]), float(cap_q[0]), share,
                                  gen.random(3))
        done.append(_execute(st, c, k, dpk, dqk, rnd, tied.size, best, left,
                             bool(bound_k[0])))
        c.active[k], gains[k] = False, -np.inf
        idx = _affected(st, c, k, shift_p, shift_q, bound)
        if idx.size:
            dp, dq, _, _, ok, now_bound = _shifts(st, c, idx)
            gains[idx] = np.where(ok, st.s[c.a[idx], c.p[idx]] * dp
                                  - st.s[c.a[idx], c.q[idx]] * dq, -np.inf)
            shift_p[idx], shift_q[idx], bound[idx] = dp, dq, now_bound
            c.active[idx] = ok
    return done


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
