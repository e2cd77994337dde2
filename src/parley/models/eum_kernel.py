"""The batched array kernel of Bueno de Mesquita's expected utility ("challenge") model.

:func:`eum_kernel` runs the rounds of the model over arrays with a leading batch axis:
capability ``(B, n)``, position, salience and mask ``(B, n, m)``. The model is
one-dimensional, so every issue is run on its own and the issue axis is just another batch
axis; internally the kernel works on ``B * m`` rows of ``n`` actors. Everything is
vectorised over rows and actors; the only Python loops are over rounds and over chunks of
rows (see *Memory* below). :class:`parley.models.expected_utility.ExpectedUtility` is the
model built on it; its module docstring gives the equations, and
``docs/models/expected-utility.md`` the options in full.

One round (Scholz, Calbert & Smith 2011, section 5; Bueno de Mesquita 1994):

1. all risk exponents are set to 1 and each actor's danger
   :math:`D_i = \\sum_{j \\ne i} E(U_{ji})` is computed;
2. risk acceptance :math:`R_i = (2D_i - D_{max} - D_{min}) / (D_{max} - D_{min})`, compared
   across actors (``risk="actors"``) or across the positions actor *i* could hold
   (``risk="positions"``), gives :math:`r_i = (1 - R_i/3)/(1 + R_i/3) \\in [1/2, 2]`;
3. with the new exponents every actor *i* computes, for every other actor *j*,
   :math:`a = E^i(U_{ij})` and :math:`b = E^i(U_{ji})`, classifies the pair (conflict,
   compromise, capitulation) and picks one offer;
4. all actors move at once, from the round's old positions.

Memory
------
The votes :math:`v_k(x_a, x_b)` of every voter *k* on every ordered pair *(a, b)* form an
``(rows, n, n, n)`` tensor: the probability of success needs the positive part of each
vote, which does not factor into smaller sums when each voter has its own exponent. The
kernel therefore processes rows in chunks of about ``options.chunk_elements / n**3`` rows
(default 2**22 elements, 32 MiB per float64 temporary; a round holds about three such
temporaries). ``risk="positions"`` holds about four times as many ``n**3`` tensors per row, so
its chunks are four times smaller. No tensor is ``n**4`` or larger. Peak memory measured for
10,000 rows of 10 actors: about 110 MiB, with either risk rule.

References
----------
.. [1] Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method.
   In B. Bueno de Mesquita and F. N. Stokman (eds.), *European Community Decision Making*,
   71-104. Yale University Press.
.. [2] Scholz, J. B., Calbert, G. J. and Smith, G. A. (2011). Unravelling Bueno de
   Mesquita's group decision model. *Journal of Theoretical Politics* 23(4), 510-531.

Examples
--------
Two actors at the ends of a 0..1 scale, equal capability and salience 1. Their dangers are
equal, so both exponents are 1; the global denominator makes :math:`P = 1/4` each way, and
each expects :math:`2(1/4) - 2(3/4) = -1` from a challenge: a stalemate, so the run stops
after one round without offers:

>>> import numpy as np
>>> res = eum_kernel(np.ones((1, 2)), np.array([[[0.0], [1.0]]]), np.ones((1, 2, 1)),
...                  np.ones((1, 2, 1), dtype=bool), np.array([0.0]), np.array([1.0]))
>>> res.positions.shape, int(res.rounds[0, 0]), STOP_REASONS[res.stop[0, 0]]
((1, 11, 2, 1), 1, 'no-offers')
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from parley.errors import ParleyError
from parley.models.compromise import weighted_mean
from parley.models.median import weighted_median

__all__ = [
    "OFFER_KINDS",
    "STOP_REASONS",
    "EUMOptions",
    "EUMResult",
    "OfferChoice",
    "ProbabilityRule",
    "RiskRule",
    "StopRule",
    "VoteExponent",
    "challenge_utilities",
    "eum_kernel",
    "win_probability",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

ProbabilityRule = Literal["global", "pair"]
VoteExponent = Literal["risk", "linear"]
RiskRule = Literal["actors", "positions", "neutral"]
OfferChoice = Literal["scholz2011", "smallest-move", "largest-eu"]
StopRule = Literal["repeat", "no-offers", "max-rounds"]

#: Codes of ``EUMResult.offer``: the kind of offer an actor accepted in a round.
OFFER_KINDS: tuple[str, ...] = ("none", "conflict", "compromise", "capitulation")
#: Codes of ``EUMResult.stop``: why the rounds ended.
STOP_REASONS: tuple[str, ...] = ("max-rounds", "no-offers", "converged", "oscillation")

_NONE, _CONFLICT, _COMPROMISE, _CAPITULATION = 0, 1, 2, 3
_TIE_RTOL = 1e-12  # offers whose keys agree this closely are ties (broken without labels)
_FLAT = 1e-12  # a danger spread below this is "everyone equally exposed": r = 1


@dataclass(frozen=True)
class EUMOptions:
    """Resolved options of the kernel (see ``docs/models/expected-utility.md``).

    Attributes
    ----------
    probability : {'global', 'pair'}
        Denominator of the probability of success: the sum of all votes over all ordered
        pairs (Scholz et al.'s code) or over the pair at stake (Bueno de Mesquita).
    vote_exponent : {'risk', 'linear'}
        Distances in votes raised to the voter's risk exponent (Scholz) or linear (BDM).
    risk : {'actors', 'positions', 'neutral'}
        Danger compared across actors (Scholz), across the positions the actor could hold
        (BDM 1985), or no risk step at all (every exponent 1).
    q, t : float
        Probability that the status quo persists without a challenge, and that things then
        get better for the challenger.
    capitulation : bool
        Whether the capitulation region exists (it never fires in Scholz et al.'s code).
    offer_choice : {'scholz2011', 'smallest-move', 'largest-eu'}
        How a receiver picks one offer among several.
    max_rounds : int
        Most rounds run.
    stop : {'repeat', 'no-offers', 'max-rounds'}
        Stop at the first repeated state (which includes a round without offers), only
        when no actor accepts an offer, or only after ``max_rounds``.
    tol : float
        Two states are the same when no position differs by more than ``tol`` times the
        scale's width.
    chunk_elements : int
        Memory knob: rows are processed in chunks of about ``chunk_elements / n**3`` (a
        quarter of that with ``risk="positions"``).
    """

    probability: ProbabilityRule = "global"
    vote_exponent: VoteExponent = "risk"
    risk: RiskRule = "actors"
    q: float = 1.0
    t: float = 0.5
    capitulation: bool = False
    offer_choice: OfferChoice = "scholz2011"
    max_rounds: int = 10
    stop: StopRule = "repeat"
    tol: float = 1e-9
    chunk_elements: int = 2**22

    def __post_init__(self) -> None:
        choices: dict[str, tuple[object, ...]] = {
            "probability": ("global", "pair"),
            "vote_exponent": ("risk", "linear"),
            "risk": ("actors", "positions", "neutral"),
            "offer_choice": ("scholz2011", "smallest-move", "largest-eu"),
            "stop": ("repeat", "no-offers", "max-rounds"),
            "capitulation": (True, False),
        }
        for name, allowed in choices.items():
            value = getattr(self, name)
            if value not in allowed:
                raise ParleyError(f"expected-utility option {name!r} must be one of "
                                  f"{list(allowed)}; got {value!r}")
        for name in ("q", "t"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not 0.0 <= value <= 1.0:
                raise ParleyError(f"expected-utility option {name!r} is a probability and "
                                  f"must be in [0, 1]; got {value!r}")
        if isinstance(self.max_rounds, bool) or not isinstance(self.max_rounds, numbers.Integral) \
                or self.max_rounds < 1:
            raise ParleyError("expected-utility option 'max_rounds' must be a whole number "
                              f">= 1; got {self.max_rounds!r}")
        if isinstance(self.tol, bool) or not isinstance(self.tol, int | float) \
                or not self.tol >= 0.0:
            raise ParleyError(f"expected-utility option 'tol' must be >= 0; got {self.tol!r}")
        if self.chunk_elements < 1:
            raise ParleyError("expected-utility option 'chunk_elements' must be >= 1; got "
                              f"{self.chunk_elements!r}")


@dataclass(frozen=True, eq=False)
class EUMResult:
    """What :func:`eum_kernel` returns (``R`` is ``options.max_rounds``).

    Rows of a batch member that stopped early keep their final state: ``positions`` repeat
    it, ``risk`` is ``nan``, ``offer`` is 0 and ``sender`` is -1 for the rounds not run.

    Attributes
    ----------
    positions : ndarray, shape (B, R + 1, n, m)
        Positions after each round (index 0: the input); ``nan`` where masked.
    risk : ndarray, shape (B, R, n, m)
        Risk exponent :math:`r_i` used in each round.
    offer : ndarray of int, shape (B, R, n, m)
        Offer accepted in each round, as an index into :data:`OFFER_KINDS`.
    sender : ndarray of int, shape (B, R, n, m)
        Actor whose offer was accepted (-1: none).
    rounds : ndarray of int, shape (B, m)
        Rounds run.
    stop : ndarray of int, shape (B, m)
        Why the rounds ended, as an index into :data:`STOP_REASONS`.
    period, first_round : ndarray of int, shape (B, m)
        First repeated state found: the state after round ``first_round + period`` equals
        that after ``first_round``. ``period`` 0 (and ``first_round`` -1): none found.
        Recorded whatever the stop rule.
    median, mean : ndarray, shape (B, R + 1, m)
        Capability x salience weighted median and mean of the positions after each round.
    """

    positions: FloatArray
    risk: FloatArray
    offer: IntArray
    sender: IntArray
    rounds: IntArray
    stop: IntArray
    period: IntArray
    first_round: IntArray
    median: FloatArray
    mean: FloatArray

    @property
    def outcome(self) -> FloatArray:
        """Weighted median after the last round run, shape ``(B, m)``."""
        return self.median[:, -1, :]


def eum_kernel(capability: FloatArray, position: FloatArray, salience: FloatArray,
               mask: BoolArray, low: FloatArray, high: FloatArray,
               options: EUMOptions | None = None) -> EUMResult:
    """Run the expected utility model on a batch of scenarios.

    Parameters
    ----------
    capability : ndarray, shape (B, n)
        Capabilities :math:`c_i \\ge 0`.
    position : ndarray, shape (B, n, m)
        Initial positions (any value where ``mask`` is false).
    salience : ndarray, shape (B, n, m)
        Saliences in [0, 1].
    mask : ndarray of bool, shape (B, n, m)
        True where the actor takes part in the issue.
    low, high : ndarray, shape (m,)
        Scale bounds; distances are normalised by ``high - low``.
    options : EUMOptions, optional
        The rules (default: Scholz et al.'s reconstruction).

    Returns
    -------
    EUMResult
    """
    opts = options if options is not None else EUMOptions()
    c = np.asarray(capability, dtype=float)
    x = np.asarray(position, dtype=float)
    s = np.asarray(salience, dtype=float)
    act = np.asarray(mask, dtype=bool)
    lo = np.asarray(low, dtype=float)
    hi = np.asarray(high, dtype=float)
    if x.ndim != 3 or c.shape != x.shape[:2] or s.shape != x.shape or act.shape != x.shape \
            or lo.shape != x.shape[2:] or hi.shape != x.shape[2:]:
        raise ParleyError("eum_kernel needs capability (B, n), position, salience and mask "
                          f"(B, n, m), low and high (m,); got {c.shape}, {x.shape}, "
                          f"{s.shape}, {act.shape}, {lo.shape}, {hi.shape}")
    if not np.all(hi > lo):
        raise ParleyError(f"eum_kernel needs high > low on every issue; got low={lo.tolist()}, "
                          f"high={hi.tolist()}")
    n_b, n, m = x.shape
    rounds = int(opts.max_rounds)

    # rows: one per (batch member, issue), actors on the last axis
    def rows(a: NDArray[np.generic]) -> NDArray[np.generic]:
        return np.ascontiguousarray(np.swapaxes(a, 1, 2).reshape(n_b * m, n))

    act_r = rows(act).astype(bool)
    x_r = np.where(act_r, rows(x), 0.0).astype(float)
    s_r = np.where(act_r, rows(s), 0.0).astype(float)
    c_r = np.repeat(c, m, axis=0)
    w_r = np.where(act_r, c_r * s_r, 0.0)
    width = np.tile(hi - lo, n_b)

    n_rows = n_b * m
    hist = np.empty((n_rows, rounds + 1, n))
    risk = np.full((n_rows, rounds, n), np.nan)
    offer = np.zeros((n_rows, rounds, n), dtype=np.int64)
    sender = np.full((n_rows, rounds, n), -1, dtype=np.int64)
    ran = np.zeros(n_rows, dtype=np.int64)
    stop = np.zeros(n_rows, dtype=np.int64)
    period = np.zeros(n_rows, dtype=np.int64)
    first = np.full(n_rows, -1, dtype=np.int64)
    per_row = n**3 * (4 if opts.risk == "positions" else 1)  # positions holds ~4x the tensors
    step = max(1, opts.chunk_elements // max(1, per_row))
    for start in range(0, n_rows, step):
        sl = slice(start, min(n_rows, start + step))
        _run_rows(x_r[sl], w_r[sl], s_r[sl], act_r[sl], width[sl], opts,
                  hist[sl], risk[sl], offer[sl], sender[sl], ran[sl], stop[sl], period[sl],
                  first[sl])

    def back(a: NDArray[np.generic]) -> NDArray[np.generic]:
        # (B*m, T, n) -> (B, T, n, m)
        return np.ascontiguousarray(a.reshape(n_b, m, a.shape[1], n).transpose(0, 2, 3, 1))

    act_t = act[:, None, :, :]
    positions = np.where(act_t, back(hist), np.nan)
    weight = np.where(act, c[:, :, None] * s, 0.0)[:, None, :, :]
    return EUMResult(
        positions=positions,
        risk=np.where(act_t, back(risk), np.nan),
        offer=np.asarray(back(offer), dtype=np.int64),
        sender=np.asarray(back(sender), dtype=np.int64),
        rounds=ran.reshape(n_b, m),
        stop=stop.reshape(n_b, m),
        period=period.reshape(n_b, m),
        first_round=first.reshape(n_b, m),
        median=weighted_median(np.where(act_t, positions, 0.0), np.broadcast_to(
            weight, positions.shape)),
        mean=weighted_mean(np.where(act_t, positions, 0.0), np.broadcast_to(
            weight, positions.shape)),
    )


def _run_rows(x: FloatArray, w: FloatArray, s: FloatArray, act: BoolArray, width: FloatArray,
              opts: EUMOptions, hist: FloatArray, risk: FloatArray, offer: IntArray,
              sender: IntArray, ran: IntArray, stop: IntArray, period: IntArray,
              first: IntArray) -> None:
    """Run every round on a chunk of rows, writing into the output slices in place."""
    n_rows = x.shape[0]
    hist[:, 0] = x
    running = np.ones(n_rows, dtype=bool)
    for t in range(opts.max_rounds):
        r, kind, who, new = _round(x, w, s, act, width, opts)
        run = running[:, None]
        moved = (kind > _NONE).any(axis=1)
        x = np.where(run, new, x)
        hist[:, t + 1] = x
        risk[:, t] = np.where(run, r, np.nan)
        offer[:, t] = np.where(run, kind, _NONE)
        sender[:, t] = np.where(run, who, -1)
        ran += running
        # the first earlier state equal to the new one (the nearest, i.e. the shortest period)
        gap = np.where(act[:, None, :], np.abs(hist[:, : t + 1] - x[:, None, :]), 0.0)
        same = gap.max(axis=2, initial=0.0) <= opts.tol * width[:, None]
        seen = same.any(axis=1)
        back = np.argmax(same[:, ::-1], axis=1)
        found = running & seen & (period == 0)
        period[found] = back[found] + 1
        first[found] = t - back[found]
        halt = np.zeros(n_rows, dtype=bool)
        if opts.stop in ("repeat", "no-offers"):
            quiet = running & ~moved
            stop[quiet] = STOP_REASONS.index("no-offers")
            halt |= quiet
        if opts.stop == "repeat":
            again = running & seen & ~halt
            stop[again & (back == 0)] = STOP_REASONS.index("converged")
            stop[again & (back > 0)] = STOP_REASONS.index("oscillation")
            halt |= again
        running &= ~halt
        if not running.any():
            hist[:, t + 2:] = x[:, None, :]
            break


def _round(x: FloatArray, w: FloatArray, s: FloatArray, act: BoolArray, width: FloatArray,
           opts: EUMOptions) -> tuple[FloatArray, IntArray, IntArray, FloatArray]:
    """One round on rows ``(z, n)``: risk exponents, accepted offer kind, sender, new positions."""
    pair = act[:, :, None] & act[:, None, :]
    d = np.where(pair, np.abs(x[:, :, None] - x[:, None, :]) / width[:, None, None], 0.0)
    dmu = _median_distance(x, w, act, width, opts.q)
    ones = np.ones_like(x)
    if opts.risk == "neutral":
        r = ones
    elif opts.risk == "actors":
        prob1 = win_probability(d, w, pair, ones, opts.probability)
        # danger of i: the sum over j of E(U_ji), every exponent 1 (so whose view is moot)
        _, eu_against = challenge_utilities(d, s, prob1, ones, opts.q, opts.t, dmu)
        others = pair & ~np.eye(x.shape[1], dtype=bool)
        danger = np.where(others, eu_against, 0.0).sum(axis=2)
        lo = np.where(act, danger, np.inf).min(axis=1, keepdims=True)
        hi = np.where(act, danger, -np.inf).max(axis=1, keepdims=True)
        r = _exponent(danger, lo, hi, act)
    else:
        r = _risk_over_positions(x, d, w, s, act, width, opts)
    rho = r if opts.vote_exponent == "risk" else ones
    prob = win_probability(d, w, pair, rho, opts.probability)
    # a[i, j] = E^i(U_ij): i challenges j; b[i, j] = E^i(U_ji): j challenges i, as i sees it
    a, b = challenge_utilities(d, s, prob, r, opts.q, opts.t, dmu)
    kind, who, new = _choose(x, d, a, b, pair, opts)
    return r, kind, who, new


def _median_distance(x: FloatArray, w: FloatArray, act: BoolArray, width: FloatArray,
                     q: float) -> FloatArray:
    """Normalised distance of each actor from the weighted median (only used when Q < 1)."""
    if q >= 1.0:
        return np.zeros_like(x)
    mu = weighted_median(x[:, :, None], w[:, :, None])[:, 0]
    dmu = np.abs(x - mu[:, None]) / width[:, None]
    return np.where(act & np.isfinite(dmu), dmu, 0.0)


def win_probability(distance: FloatArray, weight: FloatArray, pair: BoolArray,
                    exponent: FloatArray, rule: ProbabilityRule = "global") -> FloatArray:
    """Probability that each actor's position beats each other's, batched over leading axes.

    The vote of *k* on the pair *(a, b)* is
    :math:`v_k(x_a, x_b) = w_k (d_{kb}^{\\rho_k} - d_{ka}^{\\rho_k})`; the probability that
    *a* beats *b* is the sum of the positive votes divided by the sum of the absolute votes on
    the pair (``rule="pair"``, so that :math:`P_{ab} + P_{ba} = 1`) or over every ordered pair
    of actors (``rule="global"``). It is 0 where *a* and *b* share a position.

    Parameters
    ----------
    distance : ndarray, shape (..., n, n)
        Normalised distances :math:`d_{ab}` (0 on masked pairs).
    weight : ndarray, shape (..., n)
        Voting weights :math:`w_k = c_k s_k` (0 for actors not taking part).
    pair : ndarray of bool, shape (..., n, n)
        True where both actors take part.
    exponent : ndarray, shape (..., n)
        Each voter's exponent :math:`\\rho_k` on distances.
    rule : {'global', 'pair'}
        The denominator.

    Returns
    -------
    ndarray, shape (..., n, n)
        ``prob[..., a, b]``, the probability that *a* beats *b*.

    Examples
    --------
    Two voters of weight 1 at 0 and 1, linear distances: each pair splits 1 : 1, so the
    pairwise probability is 1/2 and the global one 1/4:

    >>> import numpy as np
    >>> d = np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> both = np.ones((2, 2), dtype=bool)
    >>> win_probability(d, np.ones(2), both, np.ones(2), "pair")[0, 1]
    np.float64(0.5)
    >>> win_probability(d, np.ones(2), both, np.ones(2), "global")[0, 1]
    np.float64(0.25)
    """
    dk = np.swapaxes(distance ** exponent[..., :, None], -1, -2)  # [.., a, k] = d_ka ** rho_k
    diff = dk[..., None, :, :] - dk[..., :, None, :]  # [.., a, b, k] = d_kb^rho - d_ka^rho
    np.maximum(diff, 0.0, out=diff)
    num = np.where(pair, np.matmul(diff, weight[..., None, :, None])[..., 0], 0.0)
    total = num + np.swapaxes(num, -1, -2)  # sum over k of |v_k(a, b)|
    den = total if rule == "pair" else total.sum(axis=(-2, -1), keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den, 0.0)


def challenge_utilities(distance: FloatArray, salience: FloatArray, prob: FloatArray,
                        risk: FloatArray, q: float = 1.0, t: float = 0.5,
                        median_distance: FloatArray | None = None,
                        ) -> tuple[FloatArray, FloatArray]:
    """Expected utilities of challenges as each actor perceives them, batched.

    Returns ``a`` and ``b`` of shape ``(..., n, n)``: ``a[..., i, j]`` is
    :math:`E^i(U_{ij})`, the expected utility to *i* of challenging *j*, and
    ``b[..., i, j]`` is :math:`E^i(U_{ji})`, *i*'s estimate of *j*'s expected utility of
    challenging *i*; both use *i*'s exponent :math:`r_i`:

    .. math::

        E^i(U_{ij}) = s_j [P_{ij} U_s + (1 - P_{ij}) U_f] + (1 - s_j) U_s - Q U_{sq}
                      - (1 - Q)[T U_b + (1 - T) U_w].

    Parameters
    ----------
    distance : ndarray, shape (..., n, n)
        Normalised distances.
    salience : ndarray, shape (..., n)
        Saliences (the target's salience is the probability that it resists).
    prob : ndarray, shape (..., n, n)
        ``prob[..., i, j]``: probability that *i* beats *j* (:func:`win_probability`).
    risk : ndarray, shape (..., n)
        Risk exponents :math:`r_i`.
    q, t : float
        Q and T.
    median_distance : ndarray, shape (..., n), optional
        Normalised distance of each actor from the median (needed only when Q < 1).

    Examples
    --------
    With exponent 1, :math:`U_s = 2d`, :math:`U_f = -2d` and :math:`U_{sq} = 0`, so for
    :math:`d = 1`, :math:`P = 1/4` and a target of salience 1,
    :math:`E = 2(1/4) - 2(3/4) = -1`:

    >>> import numpy as np
    >>> d = np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> p = np.full((2, 2), 0.25)
    >>> a, b = challenge_utilities(d, np.ones(2), p, np.ones(2))
    >>> float(a[0, 1]), float(b[0, 1])
    (-1.0, -1.0)
    """
    dmu = np.zeros_like(salience) if median_distance is None else median_distance
    p_t = np.swapaxes(prob, -1, -2)
    a = _eu(distance, dmu[..., :, None], salience[..., None, :], prob, risk, q, t)
    b = _eu(distance, dmu[..., None, :], salience[..., :, None], p_t, risk, q, t)
    return a, b


def _eu(d: FloatArray, dmu_challenger: FloatArray, s_target: FloatArray, p_win: FloatArray,
        r: FloatArray, q: float, t: float) -> FloatArray:
    """Expected utility of a challenge, perceived by the row actor (its exponent ``r``)."""
    ri = r[..., :, None]
    u_s = 2.0 - 4.0 * (0.5 - 0.5 * d) ** ri
    u_f = 2.0 - 4.0 * (0.5 + 0.5 * d) ** ri
    u_sq = 2.0 - 4.0 * 0.5**ri
    eu = s_target * (p_win * u_s + (1.0 - p_win) * u_f) + (1.0 - s_target) * u_s - q * u_sq
    if q < 1.0:
        spread = 0.25 * (dmu_challenger + d)
        u_b = 2.0 - 4.0 * np.maximum(0.5 - spread, 0.0) ** ri
        u_w = 2.0 - 4.0 * (0.5 + spread) ** ri
        eu = eu - (1.0 - q) * (t * u_b + (1.0 - t) * u_w)
    return np.asarray(eu, dtype=float)


def _exponent(danger: FloatArray, lo: FloatArray, hi: FloatArray,
              act: BoolArray) -> FloatArray:
    """:math:`r = (1 - R/3)/(1 + R/3)`, :math:`R = (2D - D_{max} - D_{min})/(D_{max} - D_{min})`.

    Where every danger is the same (``D_max - D_min`` below 1e-12), ``R = 0`` and ``r = 1``.
    """
    spread = hi - lo
    flat = ~(spread > _FLAT)
    with np.errstate(divide="ignore", invalid="ignore"):
        big_r = np.where(flat, 0.0, (2.0 * danger - hi - lo) / np.where(flat, 1.0, spread))
    big_r = np.clip(big_r, -1.0, 1.0)
    return np.where(act, (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0), 1.0)


def _risk_over_positions(x: FloatArray, d: FloatArray, w: FloatArray, s: FloatArray,
                         act: BoolArray, width: FloatArray, opts: EUMOptions) -> FloatArray:
    """Risk exponents from each actor's danger at every position it could hold (BDM 1985).

    For mover *i* and candidate position :math:`x_c` (the position of an active actor
    *c*), :math:`D_i(x_c) = \\sum_{j \\ne i} E(U_{ji})` with *i* moved to :math:`x_c` and
    every exponent 1; :math:`R_i` compares :math:`D_i(x_i)` with the largest and smallest
    :math:`D_i(x_c)`. Every sum over the voters is corrected for *i*'s move in ``n**3``
    work (index names: ``i`` mover, ``c`` candidate, ``j`` challenger, ``k`` voter).
    """
    n = x.shape[1]
    eye = np.eye(n, dtype=bool)
    pair = act[:, :, None] & act[:, None, :]
    dk = d.swapaxes(1, 2)  # dk[z, a, k] = d_ka
    du = dk[:, None, :, :] - dk[:, :, None, :]  # du[z, a, b, k] = d_kb - d_ka
    du = np.where(pair[..., None], du, 0.0)
    pos = np.maximum(du, 0.0)
    absu = np.abs(du)
    wi = w[:, :, None]
    # probability that challenger j beats mover i once i sits at x_c: votes on (x_j, x_c)
    numlin = np.matmul(pos, w[:, None, :, None])[..., 0]  # [z, a, b]: weighted votes a over b
    own = pos.transpose(0, 3, 2, 1)  # own[z, i, c, j] = pos(d_ic - d_ij): i's old vote
    num = numlin.swapaxes(1, 2)[:, None, :, :] - wi[..., None] * own
    d_cj = d[:, None, :, :]  # distance between the candidate and challenger j
    if opts.probability == "pair":
        tot = (numlin + numlin.swapaxes(1, 2)).swapaxes(1, 2)[:, None, :, :]
        den = tot - wi[..., None] * absu.transpose(0, 3, 2, 1) + wi[..., None] * d_cj
    else:
        s1 = absu.sum(axis=(1, 2))  # [z, k]: sum_ab |d_ka - d_kb|
        s2 = absu.sum(axis=2)  # [z, a, k]: sum_b |d_ka - d_kb|
        s3 = np.matmul(s2, w[:, :, None])[..., 0]  # [z, a]: sum_kb w_k |d_ka - d_kb|
        m_ck = np.matmul(absu, w[:, None, :, None])[..., 0]  # [z, a, b]: sum_k w_k |..|
        diag = np.diagonal(s2, axis1=1, axis2=2)  # [z, i]: sum_b |d_ii - d_ib|
        total = (w * s1).sum(axis=1)[:, None, None]
        t_i = (w * s1 + 2.0 * s3 - 2.0 * w * diag)[:, :, None]
        dsum = np.where(act[:, None, :], d, 0.0).sum(axis=2)  # [z, c]: sum_b d_cb
        rest = dsum[:, None, :] - d.swapaxes(1, 2)  # [z, i, c]: sum_{b != i} d_cb
        ab = wi * rest
        b_term = (s3[:, None, :] - wi * s2.swapaxes(1, 2) - m_ck.swapaxes(1, 2)
                  + wi * np.diagonal(absu, axis1=2, axis2=3).swapaxes(1, 2) + ab)
        a_term = wi * (s1[:, None, :] - 2.0 * s2 + 2.0 * rest)
        den = (total - t_i + a_term + 2.0 * b_term - 2.0 * ab)[..., None]
    with np.errstate(divide="ignore", invalid="ignore"):
        p_ji = np.where((den > 0) & (d_cj > 0), num / den, 0.0)
    dmu = np.zeros_like(p_ji)
    if opts.q < 1.0:
        moved = np.where(eye[None, :, None, :], x[:, None, :, None], x[:, None, None, :])
        wm = np.broadcast_to(w[:, None, None, :], moved.shape)
        mu = weighted_median(moved[..., None], wm[..., None])[..., 0]  # [z, i, c]
        dmu = np.abs(x[:, None, None, :] - mu[..., None]) / width[:, None, None, None]
        dmu = np.where(np.isfinite(dmu), dmu, 0.0)
    # with every exponent 1: U_s = 2d, U_f = -2d, U_sq = 0, U_b = -U_w = d_jmu + d
    eu = 2.0 * d_cj * (1.0 - 2.0 * s[:, :, None, None] * (1.0 - p_ji)) \
        - (1.0 - opts.q) * (2.0 * opts.t - 1.0) * (dmu + d_cj)
    others = (act[:, :, None] & act[:, None, :] & ~eye)[:, :, None, :]
    danger = np.where(others, eu, 0.0).sum(axis=3)  # [z, i, c]
    cand = act[:, None, :]
    lo = np.where(cand, danger, np.inf).min(axis=2)
    hi = np.where(cand, danger, -np.inf).max(axis=2)
    return _exponent(np.diagonal(danger, axis1=1, axis2=2), lo, hi, act)


def _choose(x: FloatArray, d: FloatArray, a: FloatArray, b: FloatArray, pair: BoolArray,
            opts: EUMOptions) -> tuple[IntArray, IntArray, FloatArray]:
    """Classify every (receiver i, sender j) pair and pick one offer per receiver."""
    valid = pair & (d > 0)
    conflict = valid & (b > a) & (a > 0)
    region = valid & (a < 0) & (b > 0)
    compromise = region & (b > -a)
    capitulate = region & (b <= -a) if opts.capitulation else np.zeros_like(region)
    kind = np.where(conflict, _CONFLICT, np.where(compromise, _COMPROMISE,
                    np.where(capitulate, _CAPITULATION, _NONE)))
    xi = np.broadcast_to(x[:, :, None], a.shape)
    xj = np.broadcast_to(x[:, None, :], a.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(compromise, -a / b, 1.0)
    target = np.where(compromise, xi + (xj - xi) * share, xj)
    move = np.abs(target - xi)
    offered = kind > _NONE
    if opts.offer_choice == "scholz2011":
        # conflicts first (least move), then compromises by Scholz's weighted position,
        # then capitulations (least move)
        with np.errstate(divide="ignore", invalid="ignore"):
            weighted = (np.abs(a) * xi + np.abs(b) * xj) / (np.abs(a) + np.abs(b))
        has_conflict = conflict.any(axis=2, keepdims=True)
        has_compromise = compromise.any(axis=2, keepdims=True)
        key = np.where(has_conflict, np.where(conflict, move, np.inf),
                       np.where(has_compromise, np.where(compromise, weighted, np.inf),
                                np.where(capitulate, move, np.inf)))
    elif opts.offer_choice == "smallest-move":
        key = np.where(offered, move, np.inf)
    else:
        key = np.where(offered, -b, np.inf)
    # ties (within rounding) go to the lower target, then the lower kind code, then index
    best = key.min(axis=2, keepdims=True)
    cand = np.isfinite(key) & (key <= best + _TIE_RTOL * (1.0 + np.abs(best)))
    low_target = np.where(cand, target, np.inf).min(axis=2, keepdims=True)
    cand &= target <= low_target + _TIE_RTOL * (1.0 + np.abs(low_target))
    low_kind = np.where(cand, kind, 99).min(axis=2, keepdims=True)
    cand &= kind == low_kind
    got = cand.any(axis=2)
    j = np.argmax(cand, axis=2)
    chosen_kind = np.take_along_axis(kind, j[..., None], axis=2)[..., 0]
    chosen_target = np.take_along_axis(target, j[..., None], axis=2)[..., 0]
    return (np.where(got, chosen_kind, _NONE).astype(np.int64),
            np.where(got, j, -1).astype(np.int64),
            np.where(got, chosen_target, x))
