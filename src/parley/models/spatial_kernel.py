"""The batched array kernel of KTAB's spatial model of politics (SMP).

:func:`smp_kernel` runs the SMP's rounds over arrays with a leading batch axis: capability
``(B, n)``, position and salience ``(B, n, m)`` with positions on ``[0, 1]`` (KTAB's internal
scale). Every dimension is one issue and all are bargained over at once. Everything is
vectorised over the batch, the actors and the dimensions; the only Python loops are over
rounds, over the iterations of the Markov probability models, over chunks of the batch
(see *Memory*), and, in ``ktab_compat`` mode only, over actors for KTAB's greedy grouping of
equal positions. :class:`parley.models.spatial.SpatialModel` is the model built on it; its
module docstring and ``docs/models/spatial.md`` give the equations and the options.

One round (KTAB's ``SMPState::doBCN``), from positions :math:`x` and ideals :math:`y`:

1. distances :math:`D_{ij}` from each ideal to each position (salience weighted), the
   risk-neutral probability of each position (a probabilistic Condorcet election, *PCE*),
   and from it each actor's risk attitude :math:`R_i` and every actor's estimate
   :math:`\\hat R_{hi}` of every other's (:func:`assess_state`);
2. every actor *i* evaluates a challenge to every *j* from its own point of view: the
   probability :math:`\\phi_{ij}` that *i* wins, with third parties voting on their
   three-actor "little" contests, and *i*'s expected gain (:func:`challenge`); it picks the
   best target, if any gain exceeds :math:`10^{-5}`;
3. the bargain between *i* and its target interpolates their positions dimension by
   dimension, weighted by salience and win probability (:func:`interpolate_bargain`);
4. every actor's queue (its status quo and each bargain it is party to) is resolved by a PCE
   over the value each actor places on the state each bargain would produce; the winner (the
   most likely one, or a draw) sets the actor's next position;
5. ideals follow positions through the accommodation matrix.

The run stops after round :math:`t \\ge 2` when the total movement
:math:`\\Delta_t = \\sum_i \\lVert x_i(t) - x_i(t-1) \\rVert_2` falls below ``tol`` (0.02) times
:math:`\\Delta_1 + 10^{-4}`, or at ``max_rounds`` (100).

Sums are taken in KTAB's order (sequentially over actors), so that results agree with
KTAB's ``smpc`` bit for bit wherever KTAB itself is deterministic.

Memory
------
A round needs the third-party votes of every actor on every ordered pair of actors, an
``(n, n, n)`` tensor per batch element, and the votes of every actor on every pair of
bargains, about ``n (n + 1)**2`` (``4 n**3`` under ``InitRcvrInterp``). The kernel processes
the batch in chunks of about ``chunk_elements / n**3`` elements and splits the challengers,
the pairs and the voters into chunks of about ``chunk_elements`` numbers (default ``2**16``,
512 KiB per float64 temporary, which keeps them in cache and is fastest on the machines
tried). No tensor is ``n**4``: KTAB's logging-only ``O(n**4)`` work is not done.

References
----------
.. [1] Wise, B., Lester, L. and Efird, B. (2015). *An introduction to the KAPSARC Toolkit
   for Behavioral Analysis (KTAB) using one-dimensional spatial models*. KAPSARC
   discussion paper KS-1516-DP011A.
.. [2] KAPSARC (2015-2019). *KTAB: KAPSARC Toolkit for Behavioral Analysis*, source code,
   ``examples/smp`` and ``KTAB/kmodel`` (MIT licence). https://github.com/KAPSARC/KTAB

Examples
--------
Three actors on one dimension; the two weaker ones at 0.2 and 0.3 challenge the stronger
one at 0.9, and the run ends once the moves become small:

>>> import numpy as np
>>> res = smp_kernel(np.array([[1.0, 1.0, 3.0]]), np.array([[[0.2], [0.3], [0.9]]]),
...                  np.full((1, 3, 1), 0.5))
>>> res.positions.shape[0], bool(res.rounds[0] >= 2)
(1, True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from parley.errors import ConvergenceError, ParleyError

__all__ = [
    "CAPABILITY_MEAN",
    "KTAB_OPTION_NAMES",
    "MIN_ROUNDS",
    "MIN_SIG_DELTA",
    "MIN_SIG_EDU",
    "POS_TOL",
    "TIE_TOL",
    "KtabCompatError",
    "SmpKernelResult",
    "SmpOptions",
    "StateAssessment",
    "TurnDetail",
    "assess_state",
    "challenge",
    "coalitions",
    "condorcet_probabilities",
    "interpolate_bargain",
    "smp_kernel",
    "turn_detail",
    "victory_probabilities",
    "vote",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.intp]

KTAB_OPTION_NAMES: dict[str, tuple[str, ...]] = {
    "VictoryProbModel": ("Linear", "Square", "Quartic", "Octic", "Binary"),
    "PCEModel": ("Conditional", "MarkovIncentive", "MarkovUniform"),
    "StateTransitions": ("Deterministic", "Stochastic"),
    "VotingRule": ("Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp"),
    "BigRAdjust": ("None", "OneThird", "Half", "TwoThirds", "Full"),
    "BigRRange": ("Min", "Mid", "Max"),
    "ThirdPartyCommit": ("NoCommit", "SemiCommit", "FullCommit"),
    "InterVecBrgn": ("S1P1", "S2P2", "S2PMax"),
    "BargnModel": ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"),
}
"""KTAB's nine SMP options in its order, each with its value names indexed by integer code."""

# integer codes, as KTAB numbers them (kmodel.h, smp.h)
_VP_LINEAR, _VP_SQUARE, _VP_QUARTIC, _VP_OCTIC, _VP_BINARY = range(5)
_PCE_CONDITIONAL, _PCE_MARKOV_INCENTIVE, _PCE_MARKOV_UNIFORM = range(3)
_ST_DETERMINISTIC, _ST_STOCHASTIC = range(2)
_VR_BINARY, _VR_PROPBIN, _VR_PROP, _VR_PROPCBC, _VR_CUBIC, _VR_ASYMPROSP = range(6)
_RA_NONE, _RA_ONE_THIRD, _RA_HALF, _RA_TWO_THIRDS, _RA_FULL = range(5)
_RR_MIN, _RR_MID, _RR_MAX = range(3)
_TPC_NO, _TPC_SEMI, _TPC_FULL = range(3)
_IVB_S1P1, _IVB_S2P2, _IVB_S2PMAX = range(3)
_BM_INIT_ONLY, _BM_INIT_RCVR, _BM_PW_COMP = range(3)

# fixed constants of KTAB's SMP (smp.cpp, kmodel.cpp)
MIN_ROUNDS = 2
MIN_SIG_DELTA = 1e-4
POS_TOL = 1e-3
MIN_SIG_EDU = 1e-5
TIE_TOL = 1e-12            # parley only: values this close count as tied
CAPABILITY_MEAN = 100.0    # parley only: capabilities are rescaled to this mean
_MIN_COALITION = 1e-8      # Model::coalitions
_MIN_CHALLENGE = 1e-10     # SMPState::probEduChlg
_MIN_WEIGHT = 1e-6         # interpolation weights
_EPS_SUPPORT = 1e-10       # markovIncentivePCE
_DU_TOL = 1e-6             # setAllAUtil sanity checks
_MARKOV_MAX_ITER = 1000


class KtabCompatError(ParleyError, RuntimeError):
    """KTAB would stop with an exception here; raised only with ``ktab_compat=True``."""


@dataclass(frozen=True)
class SmpOptions:
    """The SMP's options as KTAB's integer codes (see :data:`KTAB_OPTION_NAMES`).

    Defaults are KTAB's (``SMPModel``'s class declaration): Linear, Conditional,
    Deterministic, Prop, OneThird, Mid, SemiCommit, S2P2, InitOnlyInterp.
    """

    victory_prob_model: int = _VP_LINEAR
    pce_model: int = _PCE_CONDITIONAL
    state_transitions: int = _ST_DETERMINISTIC
    voting_rule: int = _VR_PROP
    big_r_adjust: int = _RA_ONE_THIRD
    big_r_range: int = _RR_MID
    third_party_commit: int = _TPC_SEMI
    inter_vec_brgn: int = _IVB_S2P2
    bargn_model: int = _BM_INIT_ONLY
    ktab_compat: bool = False
    max_rounds: int = 100
    tol: float = 0.02
    chunk_elements: int = 2**16

    def __post_init__(self) -> None:
        for (label, names), code in zip(KTAB_OPTION_NAMES.items(), self.codes(), strict=True):
            if not 0 <= code < len(names):
                raise ParleyError(f"SMP option {label} must be a code in 0..{len(names) - 1}; "
                                  f"got {code}")
        if self.max_rounds < 1:
            raise ParleyError(f"max_rounds must be at least 1; got {self.max_rounds}")
        if not self.tol >= 0:
            raise ParleyError(f"tol must be >= 0; got {self.tol}")

    def codes(self) -> tuple[int, ...]:
        """The nine option codes in KTAB's order (as ``runSmpModel``'s ``modelParams``)."""
        return (self.victory_prob_model, self.pce_model, self.state_transitions,
                self.voting_rule, self.big_r_adjust, self.big_r_range,
                self.third_party_commit, self.inter_vec_brgn, self.bargn_model)

    @property
    def options_per_initiator(self) -> int:
        """Bargains each initiator puts in the queues (2 under ``InitRcvrInterp``)."""
        return 2 if self.bargn_model == _BM_INIT_RCVR else 1


# ----------------------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------------------

def _seqsum(x: FloatArray, axis: int, initial: FloatArray | float | None = None) -> FloatArray:
    """Sum along ``axis`` strictly in index order (as KTAB's loops do), after ``initial``.

    numpy reduces a leading axis of a contiguous array one slice at a time, in order; the
    last axis would use pairwise summation instead.
    """
    xs = np.moveaxis(x, axis, 0)
    if initial is not None:
        first = np.broadcast_to(np.asarray(initial, dtype=float), xs.shape[1:])[None]
        xs = np.concatenate([first, xs], axis=0)
    out: FloatArray = np.add.reduce(np.ascontiguousarray(xs), axis=0)
    return out


def _seqprod(x: FloatArray, axis: int) -> FloatArray:
    """Product along ``axis`` in index order."""
    out: FloatArray = np.multiply.reduce(np.ascontiguousarray(np.moveaxis(x, axis, 0)),
                                         axis=0)
    return out


def _util(d: FloatArray, r: FloatArray | float, within: bool = False) -> FloatArray:
    """KTAB's utility of a normalised distance ``d`` with risk attitude ``r`` (``bsUtil``).

    ``within=True`` promises ``d <= 1`` everywhere (one branch only).
    """
    near = (1.0 - d) * (1.0 + d * r)
    if within:
        return near
    out: FloatArray = np.where(d <= 1.0, near, (1.0 - d) * (1.0 + r))
    return out


def _take(a: FloatArray, idx: IntArray, axis: int) -> FloatArray:
    """``a`` indexed along ``axis`` by ``idx`` (same leading batch axis)."""
    out: FloatArray = np.take_along_axis(a, idx, axis=axis)
    return out


def _distances(ideal: FloatArray, salience: FloatArray, points: FloatArray) -> FloatArray:
    """Salience-weighted distance from each ideal to each point, ``(B, n, P)``.

    :math:`D_{ip} = \\sqrt{\\sum_k s_{ik}^2 (y_{ik} - z_{pk})^2 / \\sum_k s_{ik}^2}`
    (KTAB's ``SMPModel::bvDiff``).
    """
    ds = (ideal[:, :, None, :] - points[:, None, :, :]) * salience[:, :, None, :]
    num = _seqsum(ds * ds, axis=-1)
    den = _seqsum(salience * salience, axis=-1)
    out: FloatArray = np.sqrt(num / den[:, :, None])
    return out


# ----------------------------------------------------------------------------------------
# votes, coalitions, probabilities
# ----------------------------------------------------------------------------------------

def vote(rule: int, weight: FloatArray | float, a: FloatArray, b: FloatArray) -> FloatArray:
    """An actor's vote for option *a* over option *b* (KTAB's ``Model::vote``).

    With :math:`\\Delta = u_a - u_b` and weight *w*: Binary
    :math:`w\\,\\mathrm{clip}(\\Delta/10^{-8}, -1, 1)`; PropBin :math:`w(0.8\\Delta + 0.2
    \\cdot bin)`; Prop :math:`w\\Delta`; PropCbc :math:`w(\\Delta + \\Delta^3)/2`; Cubic
    :math:`w\\Delta^3`; ASymProsp :math:`w\\Delta` for losses, :math:`2w\\Delta/3` for gains.

    >>> float(vote(2, 3.0, np.array(0.5), np.array(0.25)))
    0.75
    """
    du = a - b
    if rule == _VR_PROP:
        return weight * du
    if rule in (_VR_BINARY, _VR_PROPBIN):
        rbin = np.clip(du / 1e-8, -1.0, 1.0)
        if rule == _VR_BINARY:
            return weight * rbin
        return weight * ((1 - 0.2) * du + 0.2 * rbin)
    if rule == _VR_PROPCBC:
        return weight * ((1 - 0.5) * du + 0.5 * (du * du * du))
    if rule == _VR_CUBIC:
        return weight * (du * du * du)
    if rule == _VR_ASYMPROSP:
        gain = (2.0 * (weight * np.ones_like(du)) * du) / 3.0
        out: FloatArray = np.where(du < 0.0, weight * du, np.where(du > 0.0, gain, 0.0))
        return out
    raise ParleyError(f"unknown voting rule code {rule}")


def coalitions(utility: FloatArray, weight: FloatArray, rule: int, *,
               chunk_elements: int = 2**16) -> FloatArray:
    """Coalition strengths for every ordered pair of options (KTAB's ``Model::coalitions``).

    Parameters
    ----------
    utility : ndarray, shape (B, n, O)
        Utility to each voter of each option.
    weight : ndarray, shape (B, n)
        Voting weights.
    rule : int
        Voting rule code.

    Returns
    -------
    ndarray, shape (B, O, O)
        :math:`C_{ab} = 10^{-8} + \\sum_k v_k(a, b)^+` for *a* after *b* in index order,
        and the matching sum of the negative parts above the diagonal; :math:`10^{-8}` on the
        diagonal. (Only the asymmetric rule ASymProsp depends on the order.)
    """
    bsz, n, n_opt = utility.shape
    u = np.ascontiguousarray(np.moveaxis(utility, 1, 0))       # (n, B, O), voter first
    w = np.ascontiguousarray(weight.T)[:, :, None, None]
    step = max(1, chunk_elements // max(1, bsz * n_opt * n_opt))
    pos: FloatArray = np.full((bsz, n_opt, n_opt), _MIN_COALITION)
    neg: FloatArray = np.full((bsz, n_opt, n_opt), _MIN_COALITION)
    symmetric = rule != _VR_ASYMPROSP     # v(b, a) == -v(a, b) exactly
    for k0 in range(0, n, step):
        uk = u[k0:k0 + step]
        buf = np.empty((uk.shape[0] + 1, bsz, n_opt, n_opt))
        votes = buf[1:]
        if rule == _VR_PROP:
            np.subtract(uk[:, :, :, None], uk[:, :, None, :], out=votes)
            votes *= w[k0:k0 + step]
        else:
            votes[...] = vote(rule, w[k0:k0 + step], uk[:, :, :, None], uk[:, :, None, :])
        if not symmetric:
            buf[0] = neg
            minus = np.maximum(np.negative(votes), 0.0)
            neg = np.add.reduce(np.concatenate([neg[None], minus]), axis=0)
        buf[0] = pos
        np.maximum(votes, 0.0, out=votes)
        pos = np.add.reduce(buf, axis=0)
    if symmetric:
        out = pos
    else:
        lower = np.tri(n_opt, n_opt, -1, dtype=bool)
        out = np.where(lower, pos, np.swapaxes(neg, -1, -2))
    idx = np.arange(n_opt)
    out[:, idx, idx] = _MIN_COALITION
    return out


def victory_probabilities(strength: FloatArray, model: int) -> FloatArray:
    """Probability that option *a* beats option *b* (KTAB's ``Model::vProb``).

    :math:`\\pi_{ab} = f(C_{ab}) / (f(C_{ab}) + f(C_{ba}))` with :math:`f(x) = x, x^2, x^4,
    x^8` (Linear, Square, Quartic, Octic); Binary gives certainty beyond a 10 % advantage
    and interpolates linearly within it. :math:`\\pi_{aa} = 1/2`.

    >>> victory_probabilities(np.array([[[1e-8, 1.0], [3.0, 1e-8]]]), 0)[0]
    array([[0.5 , 0.25],
           [0.75, 0.5 ]])
    """
    c1 = strength
    c2 = np.swapaxes(strength, -1, -2)
    if model == _VP_BINARY:
        thresh = 1.10
        r12 = c1 / (c1 + c2)
        p12 = (r12 * (thresh + 1.0) - 1.0) / (thresh - 1.0)
        x1 = np.where(c1 >= thresh * c2, 1.0, np.where(c2 >= thresh * c1, 1e-6, p12))
        x2 = np.where(c1 >= thresh * c2, 1e-6, np.where(c2 >= thresh * c1, 1.0, 1 - p12))
    elif model == _VP_LINEAR:
        x1, x2 = c1, c2
    elif model == _VP_SQUARE:
        x1, x2 = c1 * c1, c2 * c2
    elif model == _VP_QUARTIC:
        x1, x2 = c1 * c1 * c1 * c1, c2 * c2 * c2 * c2
    elif model == _VP_OCTIC:
        q1, q2 = c1 * c1 * c1 * c1, c2 * c2 * c2 * c2
        x1, x2 = q1 * q1, q2 * q2
    else:
        raise ParleyError(f"unknown victory probability model code {model}")
    p1 = x1 / (x1 + x2)
    p2 = x2 / (x1 + x2)
    n_opt = strength.shape[-1]
    lower = np.tri(n_opt, n_opt, -1, dtype=bool)
    out: FloatArray = np.where(lower, p1, np.swapaxes(p2, -1, -2))
    idx = np.arange(n_opt)
    out[..., idx, idx] = 0.5
    return out


def condorcet_probabilities(strength: FloatArray, victory: FloatArray, member: BoolArray,
                            model: int) -> FloatArray:
    """Probabilistic Condorcet election over subsets of the options (KTAB's ``probCE2``).

    Parameters
    ----------
    strength, victory : ndarray, shape (B, O, O)
        Coalition strengths and victory probabilities over all options.
    member : ndarray of bool, shape (B, Q, O)
        ``Q`` option subsets (e.g. one queue per actor); each election is held among the
        members of one subset only.
    model : int
        0 Conditional (:math:`P_a \\propto \\prod_b \\pi_{ab}`), 1 MarkovIncentive, 2
        MarkovUniform (Markov chains over the current favourite, challenged by incentive or
        uniformly).

    Returns
    -------
    ndarray, shape (B, Q, O)
        Probabilities, zero outside each subset.
    """
    m_i = member[:, :, :, None]
    m_j = member[:, :, None, :]
    if model == _PCE_CONDITIONAL:
        terms = np.where(m_j, victory[:, None], 1.0)
        p = np.where(member, _seqprod(terms, axis=-1), 0.0)
        total = _seqsum(p, axis=-1)
        out: FloatArray = p / total[..., None]
        return out
    count = member.sum(axis=-1, keepdims=True)
    p = np.where(member, 1.0 / np.maximum(count, 1), 0.0)
    if model == _PCE_MARKOV_INCENTIVE:
        n_opt = strength.shape[-1]
        incentive = strength * victory + np.eye(n_opt) * _EPS_SUPPORT
        inc = np.where(m_i, incentive[:, None], 0.0)
        colsum = _seqsum(inc, axis=-2)
        chlg = np.where(m_i & m_j, inc / colsum[:, :, None, :], 0.0)
        tol = 1e-8
    elif model == _PCE_MARKOV_UNIFORM:
        tol = 1e-6
    else:
        raise ParleyError(f"unknown PCE model code {model}")
    vic = np.where(m_j, victory[:, None], 0.0)
    done = np.zeros(member.shape[:2], dtype=bool)
    for _ in range(_MARKOV_MAX_ITER):
        if model == _PCE_MARKOV_INCENTIVE:
            ct = p[:, :, :, None] * np.swapaxes(chlg, -1, -2)
            q = _seqsum(vic * (ct + np.swapaxes(ct, -1, -2)), axis=-1)
        else:
            q = _seqsum(vic * (p[:, :, :, None] + p[:, :, None, :]), axis=-1) / count
        q = np.where(member, q, 0.0)
        change = np.abs(q - p).max(axis=-1)
        p = np.where(done[..., None], p, (p + q) / 2.0)
        done |= change <= tol
        if done.all():
            return p
    raise ConvergenceError(f"the Markov probabilistic Condorcet election did not converge in "
                           f"{_MARKOV_MAX_ITER} iterations (KTAB throws here too)")


def _all_options(shape: tuple[int, int]) -> BoolArray:
    return np.ones((shape[0], 1, shape[1]), dtype=bool)


def _pce(utility: FloatArray, weight: FloatArray, member: BoolArray,
         opts: SmpOptions) -> FloatArray:
    strength = coalitions(utility, weight, opts.voting_rule, chunk_elements=opts.chunk_elements)
    victory = victory_probabilities(strength, opts.victory_prob_model)
    return condorcet_probabilities(strength, victory, member, opts.pce_model)


# ----------------------------------------------------------------------------------------
# risk attitudes and reported probabilities of a state
# ----------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class StateAssessment:
    """What KTAB computes about a state before bargaining (``setAllAUtil``, ``pDist``).

    Attributes
    ----------
    distance : ndarray (B, n, n)
        :math:`D_{ij}`, from *i*'s ideal to *j*'s position.
    risk : ndarray (B, n)
        Risk attitudes :math:`R_i`.
    risk_estimate : ndarray (B, n, n)
        :math:`\\hat R_{hi}`, *h*'s estimate of *i*'s risk attitude.
    own_utility : ndarray (B, n, n)
        :math:`A^i_{ij} = u(D_{ij}, \\hat R_{ii})`, each actor's utility of each position.
    group : ndarray of int (B, n)
        Index of the representative (first member) of the group of equal positions each
        actor is in (KTAB's ``ueIndices``: positions within ``POS_TOL`` of a representative).
    probability : ndarray (B, n)
        Probability of each group's position (at its representative's index, else 0).
    actor_probability : ndarray (B, n)
        Probability of the position each actor holds, as reported: its group's, or with
        ``ktab_compat`` that of the last representative within ``POS_TOL`` (KTAB's
        ``State::posProb``).
    """

    distance: FloatArray
    risk: FloatArray
    risk_estimate: FloatArray
    own_utility: FloatArray
    group: IntArray
    probability: FloatArray
    actor_probability: FloatArray


def _risk_from_prob(p: FloatArray, rng_code: int, compat: bool) -> FloatArray:
    pmin = p.min(axis=-1, keepdims=True)
    pmax = p.max(axis=-1, keepdims=True)
    flat = ~(pmax > pmin)
    if compat and flat.any():
        raise KtabCompatError(
            "KTAB fails here: every position is equally likely (e.g. all actors agree), so "
            "Model::bigRfromProb divides by zero and setAllAUtil's sanity check throws; set "
            "ktab_compat=False to treat everyone as risk neutral instead")
    span = np.where(flat, 1.0, pmax - pmin)
    with np.errstate(invalid="ignore", divide="ignore"):
        if rng_code == _RR_MIN:
            r = (p - pmin) / span
        elif rng_code == _RR_MID:
            r = (3 * p - (pmax + 2 * pmin)) / (2 * span)
        elif rng_code == _RR_MAX:
            r = (2 * p - (pmax + pmin)) / span
        else:
            raise ParleyError(f"unknown BigRRange code {rng_code}")
    out: FloatArray = np.where(flat, 0.0, r)
    return out


def _estimate_risk(r: FloatArray, adjust: int) -> FloatArray:
    rh = r[:, :, None]
    ri = r[:, None, :]
    if adjust == _RA_NONE:
        out = np.broadcast_to(rh, (*rh.shape[:1], r.shape[1], r.shape[1]))
    elif adjust == _RA_ONE_THIRD:
        out = ((2.0 * rh) + ri) / 3.0
    elif adjust == _RA_HALF:
        out = (rh + ri) / 2
    elif adjust == _RA_TWO_THIRDS:
        out = (rh + (2.0 * ri)) / 3.0
    elif adjust == _RA_FULL:
        out = np.broadcast_to(ri, (*ri.shape[:1], r.shape[1], r.shape[1]))
    else:
        raise ParleyError(f"unknown BigRAdjust code {adjust}")
    return np.ascontiguousarray(out)


def _groups(position: FloatArray, compat: bool) -> tuple[BoolArray, IntArray, IntArray]:
    """Distinct positions, each actor's group, and the group whose probability it reports.

    KTAB's ``ueIndices``: in index order, an actor joins the first representative within
    ``POS_TOL`` of its position, or else becomes a representative itself. KTAB then prints
    each actor with the probability of the *last* representative within ``POS_TOL``
    (``State::posProb``), which can be another group; parley reports the group the actor is
    in, unless ``compat``.
    """
    bsz, n, _ = position.shape
    diff = position[:, :, None, :] - position[:, None, :, :]
    eq = np.sqrt(_seqsum(diff * diff, axis=-1)) < POS_TOL
    idx = np.arange(n)
    rep = np.zeros((bsz, n), dtype=bool)
    for i in range(n):
        rep[:, i] = ~(rep[:, :i] & eq[:, i, :i]).any(axis=-1)
    hit = eq & rep[:, None, :]
    group = np.argmax(hit, axis=-1).astype(np.intp)
    shown = np.where(hit, idx, -1).max(axis=-1).astype(np.intp) if compat else group
    return rep, group, shown


def assess_state(capability: FloatArray, position: FloatArray, ideal: FloatArray,
                 salience: FloatArray, opts: SmpOptions) -> StateAssessment:
    """Risk attitudes, utilities and the reported probability of each position of a state.

    KTAB's ``SMPState::setAllAUtil`` and ``pDist(-1)``: the risk-neutral PCE over all *n*
    positions (weights: capability) gives :math:`P^0`, mapped to risk attitudes by
    ``BigRRange`` and to mutual estimates by ``BigRAdjust``; the reported probabilities are a
    PCE over the distinct positions with each actor's own risk-aware utilities.
    """
    d = _distances(ideal, salience, position)
    n = d.shape[1]
    u0 = _util(d, 0.0)
    p0 = _pce(u0, capability, _all_options((d.shape[0], n)), opts)[:, 0, :]
    r = _risk_from_prob(p0, opts.big_r_range, opts.ktab_compat)
    rhat = _estimate_risk(r, opts.big_r_adjust)
    if opts.ktab_compat:
        _sanity_checks(d, u0, r, rhat, opts)
    idx = np.arange(n)
    own = _util(d, rhat[:, idx, idx][:, :, None])
    rep, group, shown = _groups(position, opts.ktab_compat)
    prob = _pce(own, capability, rep[:, None, :], opts)[:, 0, :]
    actor_prob = _take(prob, shown, axis=-1)
    return StateAssessment(d, r, rhat, own, group, prob, actor_prob)


def _sanity_checks(d: FloatArray, u0: FloatArray, r: FloatArray, rhat: FloatArray,
                   opts: SmpOptions) -> None:
    """KTAB's ``setAllAUtil`` checks, which make BigRAdjust=Full always throw."""
    ur = _util(d, r[:, :, None])
    if (np.sqrt(((u0 - ur) ** 2).sum(axis=(-1, -2))) <= _DU_TOL).any():
        raise KtabCompatError("KTAB fails here: 'utility values not in valid range' (the "
                              "risk-aware utilities equal the risk-neutral ones); set "
                              "ktab_compat=False")
    step = max(1, opts.chunk_elements // max(1, d.shape[0] * d.shape[1] ** 2))
    for h0 in range(0, d.shape[1], step):
        ah = _util(d[:, None], rhat[:, h0:h0 + step, :, None])
        if (np.sqrt(((ah - ur[:, None]) ** 2).sum(axis=(-1, -2))) <= _DU_TOL).any():
            raise KtabCompatError(
                "KTAB fails here: 'Estimate of change in utility by h out of valid range' "
                "(always so with BigRAdjust=Full); set ktab_compat=False")


# ----------------------------------------------------------------------------------------
# challenges
# ----------------------------------------------------------------------------------------

def challenge(a: StateAssessment, salience_total: FloatArray, capability: FloatArray,
              h: IntArray, k: IntArray, i: IntArray, j: IntArray,
              opts: SmpOptions) -> tuple[FloatArray, FloatArray]:
    """*h*'s estimate of *i*'s chance against *j* and of *k*'s expected gain if *i* challenges.

    KTAB's ``SMPState::probEduChlg(h, k, i, j)``, vectorised over any number of quadruples
    given as index arrays of shape ``(B, P)``. Utilities are *h*'s estimates
    :math:`U_{ab} = u(D_{ab}, \\hat R_{ha})`; influence inside a challenge is
    :math:`w = c \\cdot S` (capability times total salience).

    Returns
    -------
    phi, gain : ndarray, shape (B, P)
        :math:`\\phi = C_{ij}/(C_{ij} + C_{ji})` and :math:`\\Delta EU_k` (twice an expected
        utility, as in KTAB).
    """
    bsz, n = capability.shape
    n_pairs = h.shape[1]
    w = salience_total * capability
    fast = bool((a.distance <= 1.0).all())
    dt = np.swapaxes(a.distance, -1, -2)                       # dt[b, x, a] = D[b, a, x]
    d_diag = np.ascontiguousarray(np.diagonal(a.distance, axis1=-2, axis2=-1))
    rhat = a.risk_estimate
    w_a = np.ascontiguousarray(w.T)[:, :, None, None]          # (n, B, 1, 1)
    a_idx = np.arange(n)[:, None, None, None]
    phi = np.empty((bsz, n_pairs))
    gain = np.empty((bsz, n_pairs))
    step = max(1, opts.chunk_elements // max(1, bsz * n))
    for p0 in range(0, n_pairs, step):
        sl = slice(p0, p0 + step)
        hh, kk, ii, jj = h[:, sl], k[:, sl], i[:, sl], j[:, sl]
        rh = _take(rhat, hh[:, :, None], axis=1)               # (B, P, n): R^_{h a}
        u_ai = _util(_take(dt, ii[:, :, None], axis=1), rh, fast)
        u_aj = _util(_take(dt, jj[:, :, None], axis=1), rh, fast)
        u_aa = _util(d_diag[:, None, :], rh, fast)

        def at(x: FloatArray, idx: IntArray) -> FloatArray:
            return _take(x, idx[:, :, None], axis=-1)[:, :, :1]

        def first(x: FloatArray) -> FloatArray:                 # (B, P, n) -> (n, B, P, 1)
            return np.ascontiguousarray(np.moveaxis(x, -1, 0))[..., None]

        excl = (a_idx == ii[None, :, :, None]) | (a_idx == jj[None, :, :, None])

        def exclude(v: FloatArray, excl: BoolArray = excl) -> None:
            v[np.broadcast_to(excl, v.shape)] = 0.0

        ph, gn = _challenge_core(
            first(u_ai), first(u_aj), first(u_aa), w_a,
            at(u_ai, ii), at(u_aj, ii), at(u_ai, jj), at(u_aj, jj), at(u_ai, kk),
            at(u_aj, kk), _take(w, ii, axis=1)[..., None], _take(w, jj, axis=1)[..., None],
            _take(salience_total, jj, axis=1)[..., None], exclude, opts)
        phi[:, sl], gain[:, sl] = ph[..., 0], gn[..., 0]
    return phi, gain


def _all_challenges(a: StateAssessment, salience_total: FloatArray, capability: FloatArray,
                    opts: SmpOptions) -> tuple[FloatArray, FloatArray]:
    """:func:`challenge` for every pair (*i*, *j*) from *i*'s own view (h = k = i).

    The third parties' utilities of *i*'s position depend on (*i*, *a*) only, those of *j*'s
    on (*i*, *j*, *a*); the tensors are laid out third party first, so that KTAB's sums over
    third parties run in order without copies.
    """
    bsz, n = capability.shape
    w = salience_total * capability
    d, rhat = a.distance, a.risk_estimate
    fast = bool((d <= 1.0).all())
    d_ax = np.ascontiguousarray(np.transpose(d, (1, 0, 2)))    # (a, B, x): D[a, x]
    r_ah = np.ascontiguousarray(np.transpose(rhat, (2, 0, 1)))  # (a, B, h): R^[h, a]
    d_diag = np.ascontiguousarray(np.diagonal(d, axis1=-2, axis2=-1))
    u_ai = _util(d_ax, r_ah, fast)[..., None]                  # (a, B, i, 1)
    u_aa = _util(d_diag.T[:, :, None], r_ah, fast)[..., None]  # (a, B, i, 1)
    w_a = np.ascontiguousarray(w.T)[:, :, None, None]
    idx = np.arange(n)
    r_ii = rhat[:, idx, idx][:, :, None]                       # R^[i, i]
    uii = _util(d[:, idx, idx][:, :, None], r_ii, fast)        # (B, i, 1)
    uij = _util(d, r_ii, fast)                                 # u(D[i, j], R^[i, i])
    uji = _util(np.swapaxes(d, -1, -2), rhat, fast)            # u(D[j, i], R^[i, j])
    ujj = _util(d_diag[:, None, :], rhat, fast)                # u(D[j, j], R^[i, j])
    wi, wj = w[:, :, None], w[:, None, :]
    sj = salience_total[:, None, :]
    phi = np.empty((bsz, n, n))
    gain = np.empty((bsz, n, n))
    step = max(1, opts.chunk_elements // max(1, bsz * n * n))
    for i0 in range(0, n, step):
        sl = slice(i0, i0 + step)
        rows = idx[sl]
        # u(D[a, j], R^[i, a]) for the chunk's i
        u_aj = _util(d_ax[:, :, None, :], r_ah[:, :, sl, None], fast)

        def exclude(v: FloatArray, rows: IntArray = rows, i0: int = i0) -> None:
            v[rows, :, rows - i0, :] = 0.0         # third party a == i
            v[idx, :, :, idx] = 0.0                # third party a == j

        phi[:, sl], gain[:, sl] = _challenge_core(
            u_ai[:, :, sl], u_aj, u_aa[:, :, sl], w_a, uii[:, sl], uij[:, sl], uji[:, sl],
            ujj[:, sl], uii[:, sl], uij[:, sl], wi[:, sl], wj, sj, exclude, opts)
    return phi, gain


def _challenge_core(u_ai: FloatArray, u_aj: FloatArray, u_aa: FloatArray, w_a: FloatArray,
                    uii: FloatArray, uij: FloatArray, uji: FloatArray, ujj: FloatArray,
                    uki: FloatArray, ukj: FloatArray, wi: FloatArray, wj: FloatArray,
                    sj: FloatArray, exclude: Callable[[FloatArray], None], opts: SmpOptions,
                    ) -> tuple[FloatArray, FloatArray]:
    """``probEduChlg`` on ``(B, I, J)`` challenges; third-party arrays lead with the actor.

    ``u_ai``, ``u_aa``: ``(n, B, I, 1)``; ``u_aj``: ``(n, B, I, J)``; ``w_a``:
    ``(n, B, 1, 1)``; ``exclude`` zeroes, in place, the entries whose third party is one of
    the principals. Operations keep KTAB's order; most are done in place.
    """
    rule = opts.voting_rule
    ci = vote(rule, wi, uii, uij)
    cj = vote(rule, wj, uji, ujj)
    chij = (_MIN_CHALLENGE + np.maximum(ci, 0.0)) + np.maximum(cj, 0.0)
    chji = (_MIN_CHALLENGE + np.maximum(-ci, 0.0)) + np.maximum(-cj, 0.0)
    chij, chji = np.broadcast_arrays(chij, chji)

    # each third party's little contest with the principals (Actor::vProbLittle)
    v0 = _vote_big(rule, w_a, u_ai, u_aj)                      # (n, B, I, J)
    cni = np.maximum(v0, 0.0)
    cni += chij
    cnj = np.negative(v0)
    np.maximum(cnj, 0.0, out=cnj)
    cnj += chji
    tpc = opts.third_party_commit
    if tpc == _TPC_SEMI or opts.ktab_compat:
        # KTAB: one probability for both alignments (which cancels under No/FullCommit)
        cnj += cni
        rho_i = np.divide(cni, cnj, out=cni)
        rho_j = rho_i
        del v0
    else:
        # parley: each alignment with its own probability, m's vote on the side it joins
        extra = np.abs(v0, out=v0)
        tot = chij + chji + extra
        extra += chij
        rho_i = np.divide(extra, tot, out=extra)
        rho_j = np.divide(chij, tot, out=tot)
    del cnj
    two_i = u_ai + u_ai
    if tpc == _TPC_SEMI:
        xa, xc = two_i + u_aa, two_i + u_ai
        xb = u_aj + u_aj
        xd = xb + u_aa
        xb += u_aj
    elif tpc in (_TPC_FULL, _TPC_NO):
        third = u_ai if tpc == _TPC_FULL else u_aa
        xa = two_i + third
        xb = u_aj + u_aj
        xb += u_aj if tpc == _TPC_FULL else u_aa
        xc, xd = xa, xb
    else:
        raise ParleyError(f"unknown ThirdPartyCommit code {tpc}")
    # EU_m(i) = rho_i X_a + (1 - rho_i) X_b, EU_m(j) = rho_j X_c + (1 - rho_j) X_d
    rest = 1.0 - rho_i
    eu_i = rho_i * xa
    eu_i += np.multiply(rest, xb, out=xb) if xd is not xb else rest * xb
    if rho_j is not rho_i:
        np.subtract(1.0, rho_j, out=rest)
    eu_j = rho_j * xc
    eu_j += np.multiply(rest, xd, out=xd)
    del rest, xb, xd
    vm = _vote_big(rule, w_a, eu_i, eu_j, out=eu_i)
    del eu_j
    exclude(vm)
    n = vm.shape[0]
    buf = np.empty((n + 1, *vm.shape[1:]))
    buf[0] = chij
    np.maximum(vm, 0.0, out=buf[1:])
    chij = np.add.reduce(buf, axis=0)
    buf[0] = chji
    np.negative(vm, out=vm)
    np.maximum(vm, 0.0, out=buf[1:])
    chji = np.add.reduce(buf, axis=0)

    phij = chij / (chij + chji)
    phji = chji / (chij + chji)
    eu_sq = uki + ukj
    eu_vict = uki + uki
    eu_loss = ukj + ukj
    eu_contest = phij * eu_vict + phji * eu_loss
    eu_chlg = (1 - sj) * eu_vict + sj * eu_contest
    out: FloatArray = eu_chlg - eu_sq
    return phij, out


def _vote_big(rule: int, weight: FloatArray, a: FloatArray, b: FloatArray,
              out: FloatArray | None = None) -> FloatArray:
    """:func:`vote` on large arrays, in place where the rule allows (same results)."""
    if rule != _VR_PROP:
        return vote(rule, weight, a, b)
    du = np.subtract(a, b, out=out)
    du *= weight
    return du


def interpolate_bargain(x_i: FloatArray, s_i: FloatArray, x_j: FloatArray, s_j: FloatArray,
                        p_i: FloatArray, p_j: FloatArray, method: int,
                        ) -> tuple[FloatArray, FloatArray]:
    """The positions a bargain between *i* and *j* asks them to take (``interpolateBrgn``).

    Parameters
    ----------
    x_i, s_i, x_j, s_j : ndarray, shape (..., m)
        Positions and saliences.
    p_i, p_j : ndarray, shape (...)
        Weights of each side (win probabilities).
    method : int
        0 S1P1, 1 S2P2: both move to :math:`(\\omega_i x_i + \\omega_j x_j)/(\\omega_i +
        \\omega_j)` with :math:`\\omega = s^n p^n`, rounded to 4 decimals (plus
        :math:`10^{-6}` on the own side); 2 S2PMax: only the weaker side moves.

    >>> bi, bj = interpolate_bargain(np.array([0.2]), np.array([0.5]), np.array([0.8]),
    ...                              np.array([0.5]), np.array(0.5), np.array(0.5), 1)
    >>> float(bi[0]), float(bj[0])
    (0.5, 0.5)
    """
    pi = p_i[..., None]
    pj = p_j[..., None]
    if method in (_IVB_S1P1, _IVB_S2P2):
        if method == _IVB_S1P1:
            wik, wjk = s_i * pi, s_j * pj
        else:
            wik, wjk = (s_i * s_i) * (pi * pi), (s_j * s_j) * (pj * pj)
        den = (wik + _MIN_WEIGHT) + wjk
        b_i = ((wik + _MIN_WEIGHT) * x_i + wjk * x_j) / den
        b_j = (wik * x_i + (_MIN_WEIGHT + wjk) * x_j) / den
        return _round4(b_i), _round4(b_j)
    if method == _IVB_S2PMAX:
        di = np.where(pj > pi, pj - pi, 0.0)
        dj = np.where(pi > pj, pi - pj, 0.0)
        si2, sj2 = s_i * s_i, s_j * s_j
        dik = (di * sj2) / (((di * sj2) + _MIN_WEIGHT) + ((1 - di) * si2))
        djk = (dj * si2) / (((dj * si2) + _MIN_WEIGHT) + ((1 - dj) * sj2))
        return x_i + dik * (x_j - x_i), x_j + djk * (x_i - x_j)
    raise ParleyError(f"unknown InterVecBrgn code {method}")


def _round4(x: FloatArray) -> FloatArray:
    """KTAB's ``round4``: ``(int)(0.5 + x * 10000) / 10000``."""
    out: FloatArray = np.trunc(0.5 + x * 10000.0) / 10000.0
    return out


# ----------------------------------------------------------------------------------------
# one round
# ----------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class TurnDetail:
    """Everything decided in one round (for inspection and for checking against KTAB).

    Attributes
    ----------
    assessment : StateAssessment
        The state the round starts from.
    phi, gain : ndarray (B, n, n)
        :math:`\\phi_{ij}` and :math:`\\Delta EU_i` of *i* challenging *j*, from *i*'s view.
    target : ndarray of int (B, n)
        Each actor's chosen target (``-1``: none).
    option_init, option_rcvr : ndarray of int (B, O)
        Initiator and receiver of each option (option 0: the status quo, ``-1``).
    option_valid : ndarray of bool (B, O)
        Whether the option exists this round.
    init_position, rcvr_position : ndarray (B, O, m)
        The positions each option asks of its initiator and its receiver.
    option_value : ndarray (B, n, O)
        Value to each actor of the state each option would produce.
    queue : ndarray of bool (B, n, O)
        Which options are in each actor's queue.
    queue_probability : ndarray (B, n, O)
        Probability of each option in each queue.
    choice : ndarray of int (B, n)
        The option chosen in each actor's queue.
    position, ideal : ndarray (B, n, m)
        The next state's positions and ideals.
    """

    assessment: StateAssessment
    phi: FloatArray
    gain: FloatArray
    target: IntArray
    option_init: IntArray
    option_rcvr: IntArray
    option_valid: BoolArray
    init_position: FloatArray
    rcvr_position: FloatArray
    option_value: FloatArray
    queue: BoolArray
    queue_probability: FloatArray
    choice: IntArray
    position: FloatArray
    ideal: FloatArray


def _turn(capability: FloatArray, position: FloatArray, ideal: FloatArray,
          salience: FloatArray, s_tot: FloatArray, accommodation: FloatArray | None,
          a: StateAssessment, uniform: FloatArray | None, opts: SmpOptions) -> TurnDetail:
    bsz, n, m = position.shape
    ar = np.arange(n)
    rows = np.broadcast_to(ar, (bsz, n))

    # 1. every actor's best challenge, from its own point of view
    phi, gain = _all_challenges(a, s_tot, capability, opts)
    cand = (gain > MIN_SIG_EDU) & ~np.eye(n, dtype=bool)
    has = cand.any(axis=-1)
    best = _first_max(gain, cand, opts.ktab_compat)
    target = np.where(has, best, -1).astype(np.intp)
    phi_star = _take(phi, best[:, :, None], axis=-1)[:, :, 0]

    # 2. bargains
    x_j = _take(position, best[:, :, None], axis=1)
    s_j = _take(salience, best[:, :, None], axis=1)
    ivb = opts.inter_vec_brgn
    b_i, b_j = interpolate_bargain(position, salience, x_j, s_j, phi_star, 1 - phi_star, ivb)
    if opts.bargn_model != _BM_INIT_ONLY:
        phi_r, gain_r = challenge(a, s_tot, capability, best, rows, rows, best, opts)
        # KTAB takes the second element of probEduChlg's result, the expected gain, as the
        # receiver's "probability" (smpbcn.cpp: pjiJ = get<1>(Vjij))
        p_r = gain_r if opts.ktab_compat else phi_r
        r_i, r_j = interpolate_bargain(position, salience, x_j, s_j, p_r, 1 - p_r, ivb)
        if opts.bargn_model == _BM_INIT_RCVR:
            b_i = np.stack([b_i, r_i], axis=2).reshape(bsz, 2 * n, m)
            b_j = np.stack([b_j, r_j], axis=2).reshape(bsz, 2 * n, m)
        else:
            w_i = capability * s_tot
            s_tj = _take(s_tot, best, axis=1)
            # KTAB weighs the receiver's bargain with the initiator's capability
            w_j = (capability if opts.ktab_compat else _take(capability, best, axis=1)) * s_tj
            wi3, wj3 = w_i[:, :, None], w_j[:, :, None]
            b_i = (wi3 * b_i + wj3 * r_i) / (wi3 + wj3)
            b_j = (wi3 * b_j + wj3 * r_j) / (wi3 + wj3)
    per = opts.options_per_initiator
    n_opt = 1 + per * n
    opt_init = np.full((bsz, n_opt), -1, dtype=np.intp)
    opt_rcvr = np.full((bsz, n_opt), -1, dtype=np.intp)
    opt_init[:, 1:] = np.repeat(rows, per, axis=1)
    opt_rcvr[:, 1:] = np.repeat(target, per, axis=1)
    valid = np.ones((bsz, n_opt), dtype=bool)
    valid[:, 1:] = np.repeat(has, per, axis=1)
    init_pos = np.zeros((bsz, n_opt, m))
    rcvr_pos = np.zeros((bsz, n_opt, m))
    init_pos[:, 1:] = b_i
    rcvr_pos[:, 1:] = b_j

    # 3. value to every actor of the state each option would produce
    value = _option_values(a, ideal, salience, init_pos, rcvr_pos, opt_init, opt_rcvr, opts)
    k_idx = ar[None, :, None]
    queue = valid[:, None, :] & ((opt_init[:, None, :] == k_idx) | (opt_rcvr[:, None, :] == k_idx))
    queue[:, :, 0] = True
    prob = _pce(value, capability, queue, opts)

    # 4. each queue picks one option; its initiator or receiver takes the asked position
    if opts.state_transitions == _ST_STOCHASTIC:
        if uniform is None:
            raise ParleyError("stochastic state transitions need uniform draws")
        cum = np.cumsum(np.where(queue, prob, 0.0), axis=-1)
        hit = queue & (uniform[:, :, None] <= cum)
        last = (n_opt - 1) - np.argmax(queue[:, :, ::-1], axis=-1)
        choice = np.where(hit.any(axis=-1), np.argmax(hit, axis=-1), last).astype(np.intp)
    else:
        choice = _first_max(prob, queue, opts.ktab_compat)
    c_init = _take(opt_init, choice, axis=1)
    pos_i = _take(init_pos, choice[:, :, None], axis=1)
    pos_j = _take(rcvr_pos, choice[:, :, None], axis=1)
    new = np.where((choice == 0)[:, :, None], position,
                   np.where((c_init == ar)[:, :, None], pos_i, pos_j))
    if accommodation is None:
        new_ideal = new.copy()
    else:
        lag = 1.0 - np.minimum(accommodation.sum(axis=-1), 1.0)
        new_ideal = accommodation @ new + lag[:, :, None] * ideal
    return TurnDetail(a, phi, gain, target, opt_init, opt_rcvr, valid, init_pos, rcvr_pos,
                      value, queue, prob, choice, new, new_ideal)


def _first_max(value: FloatArray, allowed: BoolArray, compat: bool) -> IntArray:
    """Index of the first largest allowed value along the last axis (0 if none allowed).

    KTAB takes the first exact maximum; parley treats values within ``TIE_TOL`` of the
    maximum as tied, so that rounding noise in sums does not decide between options that are
    equal in exact arithmetic (the first in actor order wins).
    """
    masked = np.where(allowed, value, -np.inf)
    if compat:
        first: IntArray = np.argmax(masked, axis=-1).astype(np.intp)
        return first
    top = masked.max(axis=-1, keepdims=True)
    tied: IntArray = np.argmax(allowed & (masked >= top - TIE_TOL), axis=-1).astype(np.intp)
    return tied


def _option_values(a: StateAssessment, ideal: FloatArray, salience: FloatArray,
                   init_pos: FloatArray, rcvr_pos: FloatArray, opt_init: IntArray,
                   opt_rcvr: IntArray, opts: SmpOptions) -> FloatArray:
    """:math:`V_{ag}`: actor *a*'s mean utility over all positions after option *g*.

    KTAB sums ``u(b_I) + u(b_J)`` and then the other positions' utilities in actor order; the
    sum runs over a position-first array so that numpy adds in the same order.
    """
    bsz, n, _ = ideal.shape
    n_opt = opt_init.shape[1]
    r = a.risk[:, :, None]
    u_i = _util(_distances(ideal, salience, init_pos), r)
    u_j = _util(_distances(ideal, salience, rcvr_pos), r)
    own_l = np.ascontiguousarray(np.moveaxis(a.own_utility, -1, 0))[..., None]  # (l, B, a, 1)
    l_idx = np.arange(n)[:, None, None, None]
    value = np.empty((bsz, n, n_opt))
    value[:, :, 0] = _seqsum(a.own_utility, axis=-1) / n
    step = max(1, opts.chunk_elements // max(1, bsz * n * n))
    for g0 in range(1, n_opt, step):
        sl = slice(g0, min(g0 + step, n_opt))
        width = sl.stop - sl.start
        excl = ((l_idx == opt_init[None, :, None, sl]) | (l_idx == opt_rcvr[None, :, None, sl]))
        buf = np.empty((n + 1, bsz, n, width))
        buf[0] = u_i[:, :, sl] + u_j[:, :, sl]
        np.copyto(buf[1:], own_l)
        buf[1:][np.broadcast_to(excl, buf[1:].shape)] = 0.0
        value[:, :, sl] = np.add.reduce(buf, axis=0) / n
    return value


def turn_detail(capability: FloatArray, position: FloatArray, salience: FloatArray, *,
                ideal: FloatArray | None = None, accommodation: FloatArray | None = None,
                uniform: FloatArray | None = None, options: SmpOptions | None = None,
                ) -> TurnDetail:
    """Play one round from the given state and return every intermediate result.

    Arguments are as for :func:`smp_kernel` (``ideal`` defaults to ``position``; ``uniform``
    ``(B, n)`` gives each queue's draw in stochastic mode).
    """
    opts = options or SmpOptions()
    cap, pos, sal, acc = _check(capability, position, salience, accommodation)
    cap = _normalise_capability(cap, opts)
    idl = pos.copy() if ideal is None else np.asarray(ideal, dtype=float)
    s_tot = _seqsum(sal, axis=-1)
    a = assess_state(cap, pos, idl, sal, opts)
    return _turn(cap, pos, idl, sal, s_tot, acc, a, uniform, opts)


# ----------------------------------------------------------------------------------------
# the run
# ----------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class SmpKernelResult:
    """The result of :func:`smp_kernel` on a batch.

    Element *b* ran ``rounds[b]`` rounds; its arrays are padded after that with its final
    state, up to the longest run in the batch (``T`` rounds).

    Attributes
    ----------
    positions, ideals : ndarray (B, T + 1, n, m)
        Positions and ideals on [0, 1], state 0 being the input.
    risk : ndarray (B, T + 1, n)
        Risk attitudes :math:`R_i` of each state.
    actor_probability : ndarray (B, T + 1, n)
        Probability of the position each actor holds in each state, as reported.
    probability : ndarray (B, T + 1, n)
        Probability of each distinct position, at its representative's index (0 elsewhere).
    group : ndarray of int (B, T + 1, n)
        Representative of the group of equal positions each actor is in.
    rounds : ndarray of int (B,)
        Rounds played.
    converged : ndarray of bool (B,)
        Whether the run stopped by the movement rule (else it hit ``max_rounds``).
    movement : ndarray (B, T)
        :math:`\\Delta_t`, total movement in each round (0 after the end).
    """

    positions: FloatArray
    ideals: FloatArray
    risk: FloatArray
    actor_probability: FloatArray
    probability: FloatArray
    group: IntArray
    rounds: IntArray
    converged: BoolArray
    movement: FloatArray


def _check(capability: Any, position: Any, salience: Any, accommodation: Any,
           ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray | None]:
    cap = np.asarray(capability, dtype=float)
    pos = np.asarray(position, dtype=float)
    sal = np.asarray(salience, dtype=float)
    if pos.ndim != 3 or sal.shape != pos.shape or cap.shape != pos.shape[:2]:
        raise ParleyError(f"smp_kernel needs capability (B, n) and position, salience (B, n, m);"
                          f" got {cap.shape}, {pos.shape}, {sal.shape}")
    if not (cap > 0).all():
        raise ParleyError("every capability must be > 0 (KTAB: 'non-positive voting weight')")
    if not ((sal * sal).sum(axis=-1) > 0).all():
        raise ParleyError("every actor needs a positive salience on some dimension")
    acc = None
    if accommodation is not None:
        acc = np.asarray(accommodation, dtype=float)
        if acc.shape != (*pos.shape[:2], pos.shape[1]):
            raise ParleyError(f"accommodation must be (B, n, n); got {acc.shape}")
    return cap, pos, sal, acc


def _normalise_capability(cap: FloatArray, opts: SmpOptions) -> FloatArray:
    """Capabilities rescaled to mean ``CAPABILITY_MEAN`` (parley), or as given (KTAB).

    KTAB adds absolute constants (``1e-8`` to coalitions, ``1e-10`` to challenges and Markov
    incentives) to sums of capability-weighted votes, so that scaling every capability by
    the same factor changes its results slightly; parley fixes the scale first.
    """
    if opts.ktab_compat:
        return cap
    out: FloatArray = cap * (CAPABILITY_MEAN / cap.mean(axis=-1, keepdims=True))
    return out


def smp_kernel(capability: FloatArray, position: FloatArray, salience: FloatArray, *,
               accommodation: FloatArray | None = None, uniforms: FloatArray | None = None,
               options: SmpOptions | None = None) -> SmpKernelResult:
    """Run the SMP on a batch of scenarios.

    Parameters
    ----------
    capability : ndarray, shape (B, n)
        Capabilities, > 0.
    position : ndarray, shape (B, n, m)
        Positions on [0, 1].
    salience : ndarray, shape (B, n, m)
        Saliences in [0, 1], each actor's total at most 1.
    accommodation : ndarray, shape (B, n, n), optional
        KTAB's ideal-accommodation matrix (default: identity, ideals equal positions).
    uniforms : ndarray, shape (B, n, max_rounds), optional
        Uniform draws on [0, 1), one per queue and round, for stochastic state transitions.
    options : SmpOptions, optional
        The options (default: KTAB's defaults).

    Returns
    -------
    SmpKernelResult
    """
    opts = options or SmpOptions()
    cap, pos, sal, acc = _check(capability, position, salience, accommodation)
    cap = _normalise_capability(cap, opts)
    bsz, n, _m = pos.shape
    if opts.state_transitions == _ST_STOCHASTIC and (
            uniforms is None or np.shape(uniforms) != (bsz, n, opts.max_rounds)):
        raise ParleyError(f"stochastic state transitions need uniforms of shape "
                              f"{(bsz, n, opts.max_rounds)}")
    per_elem = max(1, n ** 3 * opts.options_per_initiator ** 2)
    chunk = max(1, opts.chunk_elements // per_elem)
    parts = [_run_chunk(cap[s], pos[s], sal[s], None if acc is None else acc[s],
                        None if uniforms is None else np.asarray(uniforms, dtype=float)[s], opts)
             for s in (slice(b0, b0 + chunk) for b0 in range(0, bsz, chunk))]
    t_max = max(p.positions.shape[1] for p in parts) - 1

    def pad(x: Any, axis_len: int) -> Any:
        extra = axis_len - x.shape[1]
        if extra <= 0:
            return x
        return np.concatenate([x, np.repeat(x[:, -1:], extra, axis=1)], axis=1)

    def cat(name: str, length: int) -> Any:
        return np.concatenate([pad(getattr(p, name), length) for p in parts], axis=0)

    movement = np.concatenate(
        [np.pad(p.movement, ((0, 0), (0, t_max - p.movement.shape[1]))) for p in parts])
    return SmpKernelResult(
        positions=cat("positions", t_max + 1), ideals=cat("ideals", t_max + 1),
        risk=cat("risk", t_max + 1), actor_probability=cat("actor_probability", t_max + 1),
        probability=cat("probability", t_max + 1), group=cat("group", t_max + 1),
        rounds=np.concatenate([p.rounds for p in parts]),
        converged=np.concatenate([p.converged for p in parts]), movement=movement)


def _run_chunk(cap: FloatArray, pos: FloatArray, sal: FloatArray, acc: FloatArray | None,
               uniforms: FloatArray | None, opts: SmpOptions) -> SmpKernelResult:
    bsz, _n, _ = pos.shape
    s_tot = _seqsum(sal, axis=-1)
    x = pos.copy()
    y = pos.copy()
    a = assess_state(cap, x, y, sal, opts)
    xs, ys = [x.copy()], [y.copy()]
    risk, aprob, prob, group = [a.risk], [a.actor_probability], [a.probability], [a.group]
    moves: list[FloatArray] = []
    active = np.ones(bsz, dtype=bool)
    rounds = np.zeros(bsz, dtype=np.intp)
    converged = np.zeros(bsz, dtype=bool)
    d01 = np.zeros(bsz)
    current = a
    t = 0
    while active.any():
        idx = np.flatnonzero(active)
        sub = _subset(current, idx)
        u = None if uniforms is None else uniforms[idx, :, t]
        det = _turn(cap[idx], x[idx], y[idx], sal[idx], s_tot[idx],
                    None if acc is None else acc[idx], sub, u, opts)
        t += 1
        new_a = assess_state(cap[idx], det.position, det.ideal, sal[idx], opts)
        step = det.position - x[idx]
        dist = _seqsum(np.sqrt(_seqsum(step * step, axis=-1)), axis=-1)
        if t == 1:
            d01[idx] = dist + MIN_SIG_DELTA
        quiet = (t >= MIN_ROUNDS) & (dist / d01[idx] < opts.tol)
        stop = quiet | (t >= opts.max_rounds)
        move = np.zeros(bsz)
        move[idx] = dist
        moves.append(move)
        x = x.copy()
        y = y.copy()
        x[idx], y[idx] = det.position, det.ideal
        current = _merge(current, new_a, idx)
        rounds[idx] = t
        converged[idx[quiet]] = True
        active[idx[stop]] = False
        xs.append(x.copy())
        ys.append(y.copy())
        risk.append(current.risk)
        aprob.append(current.actor_probability)
        prob.append(current.probability)
        group.append(current.group)
    return SmpKernelResult(
        positions=np.stack(xs, axis=1), ideals=np.stack(ys, axis=1),
        risk=np.stack(risk, axis=1), actor_probability=np.stack(aprob, axis=1),
        probability=np.stack(prob, axis=1), group=np.stack(group, axis=1), rounds=rounds,
        converged=converged, movement=np.stack(moves, axis=1) if moves else np.zeros((bsz, 0)))


def _subset(a: StateAssessment, idx: IntArray) -> StateAssessment:
    return StateAssessment(*(getattr(a, f)[idx] for f in _ASSESSMENT_FIELDS))


def _merge(old: StateAssessment, new: StateAssessment, idx: IntArray) -> StateAssessment:
    parts = []
    for f in _ASSESSMENT_FIELDS:
        arr = getattr(old, f).copy()
        arr[idx] = getattr(new, f)
        parts.append(arr)
    return StateAssessment(*parts)


_ASSESSMENT_FIELDS = ("distance", "risk", "risk_estimate", "own_utility", "group", "probability",
                      "actor_probability")
