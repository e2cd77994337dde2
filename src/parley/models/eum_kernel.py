"""The batched array kernel of Bueno de Mesquita's expected utility ("challenge") model.

:func:`eum_kernel` runs the rounds of the model over arrays with a leading batch axis:
capability ``(B, n)``, position, salience and mask ``(B, n, m)``. The model is
one-dimensional, so every issue is run on its own and the issue axis is just another batch
axis; internally the kernel works on ``B * m`` rows of ``n`` actors. Everything is
vectorised over rows and actors; the Python loops are over rounds, chunks of rows and (for
the votes of the voters between two positions) actors; see *Formulation* below.
:class:`parley.models.expected_utility.ExpectedUtility` is the model built on it; its module
docstring gives the equations, and ``docs/models/expected-utility.md`` the options in full.

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

Formulation
-----------
Every round sorts the actors of each row by position and lays the arrays out actors first and
rows last, ``(n, z)`` and ``(n, n, z)``, so that each numpy operation runs along the rows in
contiguous memory. The votes need no ``(rows, n, n, n)`` tensor. With
:math:`D_{ky} = w_k d_{ky}^{\\rho_k}` and the actors sorted, :math:`x_a \\le x_b` for
``a < b``, a voter *k* at or left of *a* prefers :math:`x_a`, one at or right of *b* prefers
:math:`x_b`, and since :math:`\\max(0, u - v) = u - \\min(u, v)` the votes for *a* over *b*
are

.. math::

    N_{ab} = \\sum_{k < b} D_{kb} - \\sum_{k < a} D_{ka}
             - \\sum_{a < k < b} \\min(D_{ka}, D_{kb}),

two column sums of *D* and about :math:`n^3/6` minima (the voters strictly between the
pair), and the votes for *b* over *a* follow from the net vote,
:math:`N_{ba} = N_{ab} - \\sum_k (D_{kb} - D_{ka})`. A round costs :math:`O(n^2)` work per row
plus those :math:`n^3/6` terms, the only part that grows faster. The risk step
needs only :math:`D_i = 2 \\sum_j d_{ij} (1 - 2 s_i) + 4 s_i \\sum_j d_{ij} P_{ji}` (every
exponent 1, Q = 1), and with Q = 1 the expected utilities are compared as
:math:`E/4 = (2^{-r} - L) - s (1 - P) (H - L)`, :math:`L, H = (1/2 \\mp d/2)^r`, which is
exactly 0 for actors at the same position. The offer choice works on the same layout and
breaks its last ties by the actors' own indices, so nothing depends on the sorting; the
weighted median of each state is read off the same sorting (bit for bit what
:func:`~parley.models.median.weighted_median` gives), and rows that have stopped are not
computed again. Every sum over actors adds its terms in a fixed order and no BLAS call is
made, so a row gives the same bits alone, in any batch and in any chunking.
``risk="positions"`` still builds ``(rows, n, n, n)`` tensors (each actor moved to each
candidate position, with every sum corrected for the move in :math:`n^3` work).

The results agree with the literal formulas to rounding (within 1e-13 after a round); they are
not bit for bit those of the previous all-pairs implementation, whose sums ran in
another order. As in any implementation of the model, a difference in the last bit can
change a later decision where two quantities tie exactly in exact arithmetic (for example
:math:`E^i(U_{ji}) = -E^i(U_{ij})`) or where all dangers nearly coincide, since
:math:`R_i` divides by their spread (in the previous implementation, so could relabelling
the actors).

Memory
------
Rows are processed in chunks of at most 256 rows and at most 2**17 elements per
``(n, n, rows)`` buffer (and at most ``options.chunk_elements / n**2`` rows, a quarter of
``chunk_elements / n**3`` with ``risk="positions"``); about twenty such buffers are
allocated once per call and reused by every round and chunk. Besides them a call holds the
results twice (in the row layout it fills, then in the layout it returns). Peak traced
memory for 10,000 EC draws (10 actors, 10 rounds): about 60 MiB, 33 MiB of them the
results; for 1,000 draws of 30 actors and 10 issues: about 270 MiB, 96 MiB of them the
results.

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

import functools
import math
import numbers
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from parley.errors import ParleyError
from parley.models.compromise import weighted_mean
from parley.models.median import _RTOL as _MEDIAN_RTOL
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
_CHUNK_ROWS = 256  # rows per chunk: long enough inner loops, short enough to stay in cache
_CHUNK_ELEMENTS = 2**17  # and at most this many elements in one (n, n, rows) buffer


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
        Memory knob: rows are processed in chunks of at most ``chunk_elements / n**2`` rows
        (a quarter of ``chunk_elements / n**3`` with ``risk="positions"``); whatever the
        knob, a chunk has at most 256 rows and 2**17 elements per ``(n, n, rows)`` buffer
        (but 16 rows or more), as larger chunks run slower. The results do not depend on it.
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
    median = np.empty((n_rows, rounds + 1))
    per_row = 4 * n**3 if opts.risk == "positions" else n**2  # positions holds ~4 n**3 tensors
    step = max(1, min(opts.chunk_elements // max(1, per_row),
                      max(16, min(_CHUNK_ROWS, _CHUNK_ELEMENTS // n**2))))
    work = _Work(n, max(2, min(step, n_rows)))
    for start in range(0, n_rows, step):
        sl = slice(start, min(n_rows, start + step))
        _run_rows(x_r[sl], w_r[sl], s_r[sl], act_r[sl], width[sl], opts,
                  hist[sl], risk[sl], offer[sl], sender[sl], ran[sl], stop[sl], period[sl],
                  first[sl], median[sl], work)

    def back(a: NDArray[Any]) -> NDArray[Any]:
        # (B*m, T, n) -> (B, T, n, m)
        return np.ascontiguousarray(a.reshape(n_b, m, a.shape[1], n).transpose(0, 2, 3, 1))

    act_t = act[:, None, :, :]
    full = bool(act.all())
    positions: FloatArray = back(hist) if full else np.where(act_t, back(hist), np.nan)
    weight = np.where(act, c[:, :, None] * s, 0.0)[:, None, :, :]
    return EUMResult(
        positions=positions,
        risk=back(risk) if full else np.where(act_t, back(risk), np.nan),
        offer=np.asarray(back(offer), dtype=np.int64),
        sender=np.asarray(back(sender), dtype=np.int64),
        rounds=ran.reshape(n_b, m),
        stop=stop.reshape(n_b, m),
        period=period.reshape(n_b, m),
        first_round=first.reshape(n_b, m),
        median=np.ascontiguousarray(median.reshape(n_b, m, rounds + 1).transpose(0, 2, 1)),
        mean=weighted_mean(positions if full else np.where(act_t, positions, 0.0),
                           np.broadcast_to(weight, positions.shape)),
    )


class _Work:
    """Preallocated buffers of ``n * n * z`` elements, reused by every round and chunk.

    ``f(name)`` and ``b(name)`` give a float or bool buffer viewed as ``(n, n, rows)`` for the
    rows of the current round (set by ``use``). Allocating fresh arrays of this size for every
    operation costs more than the arithmetic: the memory goes back to the system and is
    faulted in again.
    """

    def __init__(self, n: int, z: int) -> None:
        self.n, self.z, self.rows = n, z, z
        self._buf: dict[tuple[str, type], NDArray[Any]] = {}
        self._views: dict[tuple[str, type, int], NDArray[Any]] = {}

    def use(self, rows: int) -> None:
        self.rows = rows

    def _get(self, name: str, dtype: type, size: int) -> NDArray[Any]:
        buf = self._buf.get((name, dtype))
        if buf is None or buf.size < size:
            buf = self._buf[name, dtype] = np.empty(max(size, self.n * self.n * self.z),
                                                    dtype=dtype)
            if name == "zeros":
                buf[:] = 0.0
            self._views.clear()
        return buf[:size]

    def _view(self, name: str, dtype: type) -> NDArray[Any]:
        key = (name, dtype, self.rows)
        view = self._views.get(key)
        if view is None:
            size = self.n * self.n * self.rows
            view = self._views[key] = self._get(name, dtype, size).reshape(
                self.n, self.n, self.rows)
        return view

    def f(self, name: str) -> FloatArray:
        return self._view(name, np.float64)

    def b(self, name: str) -> BoolArray:
        return self._view(name, np.bool_)

    def flat(self, name: str, size: int) -> FloatArray:
        return self._get(name, np.float64, size)

    def zeros(self, shape: tuple[int, ...]) -> FloatArray:
        """Contiguous zeros (``np.maximum`` with an array runs much faster than with 0.0)."""
        return self._get("zeros", np.float64, math.prod(shape)).reshape(shape)


def _run_rows(x: FloatArray, w: FloatArray, s: FloatArray, act: BoolArray, width: FloatArray,
              opts: EUMOptions, hist: FloatArray, risk: FloatArray, offer: IntArray,
              sender: IntArray, ran: IntArray, stop: IntArray, period: IntArray,
              first: IntArray, median: FloatArray, work: _Work) -> None:
    """Run every round on a chunk of rows, writing into the output slices in place.

    Only the rows still running are computed in a round; a stopped row keeps its final state
    (``risk`` ``nan``, ``offer`` 0 and ``sender`` -1, as the caller initialised them). The
    states are kept as ``(rounds + 1, n, rows)`` while running, so that comparing a new state
    with every earlier one runs along the rows.
    """
    n_rows, n = x.shape
    x = np.array(x, dtype=float)
    states = np.empty((opts.max_rounds + 1, n, n_rows))
    states[0] = x.T
    masked = not act.all()
    live: IntArray | slice = slice(None)
    rows = np.arange(n_rows)
    for t in range(opts.max_rounds):
        act_l = act[live]
        r, kind, who, new, mid = _round(x[live], w[live], s[live], act_l, width[live], opts,
                                        work)
        median[live, t] = mid  # of the state the round started from
        x[live] = new
        states[t + 1] = x.T
        risk[live, t] = r
        offer[live, t] = kind
        sender[live, t] = who
        ran[live] += 1
        moved = (kind > _NONE).any(axis=1)
        # the first earlier state equal to the new one (the nearest, i.e. the shortest period)
        gap = work.flat("gap", (t + 1) * n * rows.size).reshape(t + 1, n, rows.size)
        np.subtract(states[t::-1][:, :, live], states[t + 1][:, live], out=gap)
        np.abs(gap, out=gap)
        if masked:
            gap *= act_l.T
        same = gap.max(axis=1, initial=0.0) <= opts.tol * width[live]  # [back, row]
        seen = same.any(axis=0)
        back_to = np.argmax(same, axis=0)
        found = seen & (period[live] == 0)
        period[rows[found]] = back_to[found] + 1
        first[rows[found]] = t - back_to[found]
        halt = np.zeros(rows.size, dtype=bool)
        if opts.stop in ("repeat", "no-offers"):
            quiet = ~moved
            stop[rows[quiet]] = STOP_REASONS.index("no-offers")
            halt |= quiet
        if opts.stop == "repeat":
            again = seen & ~halt
            stop[rows[again & (back_to == 0)]] = STOP_REASONS.index("converged")
            stop[rows[again & (back_to > 0)]] = STOP_REASONS.index("oscillation")
            halt |= again
        if halt.all():
            states[t + 2:] = x.T
            break
        if halt.any():
            rows = rows[~halt]
            live = rows
    hist[...] = states.transpose(2, 0, 1)
    # the final state of each row: its median was not taken by a round
    final = weighted_median(x[:, :, None], w[:, :, None])[:, 0]
    median[ran[:, None] <= np.arange(opts.max_rounds + 1)] = np.repeat(final, opts.max_rounds
                                                                        + 1 - ran)


def _round(x: FloatArray, w: FloatArray, s: FloatArray, act: BoolArray, width: FloatArray,
           opts: EUMOptions, work: _Work
           ) -> tuple[FloatArray, IntArray, IntArray, FloatArray, FloatArray]:
    """One round on rows ``(z, n)``: risk exponents, accepted offer kind, sender, new positions.

    Also the weighted median of the positions the round starts from (``(z,)``), read off the
    sorted positions exactly as :func:`parley.models.median.weighted_median` computes it.

    Inputs and outputs are in the actors' own order. Inside, every row's actors are sorted by
    position and the arrays are laid out actors first and rows last (``(n, z)`` and
    ``(n, n, z)``), so that every operation runs along the rows in contiguous memory and
    every sum over actors adds the terms in index order, whatever the number of rows.
    """
    if x.shape[0] == 1:  # two lanes, so that no sum over actors runs along contiguous memory
        r, kind, who, new, mid = _round(np.repeat(x, 2, axis=0), np.repeat(w, 2, axis=0),
                                        np.repeat(s, 2, axis=0), np.repeat(act, 2, axis=0),
                                        np.repeat(width, 2), opts, work)
        return r[:1], kind[:1], who[:1], new[:1], mid[:1]
    with np.errstate(divide="ignore", invalid="ignore"):
        return _round_rows(x, w, s, act, width, opts, work)


def _round_rows(x: FloatArray, w: FloatArray, s: FloatArray, act: BoolArray, width: FloatArray,
                opts: EUMOptions, work: _Work
                ) -> tuple[FloatArray, IntArray, IntArray, FloatArray, FloatArray]:
    """:func:`_round` for two rows or more, with floating-point warnings off."""
    z, n = x.shape
    work.use(z)
    full = bool(act.all())
    order = np.argsort(x if full else np.where(act, x, np.inf), axis=1, kind="stable")
    flat = order + n * np.arange(z)[:, None]  # row-major index of each sorted entry

    def srt(v: NDArray[Any]) -> NDArray[Any]:
        return np.ascontiguousarray(np.take(v, flat).T)

    xs, ws, ss = srt(x), srt(w), srt(s)
    acts = None if full else srt(act)
    pair = None
    if acts is not None:
        pair = np.logical_and(acts[:, None, :], acts[None, :, :], out=work.b("pair"))
    dx = np.subtract(xs[None, :, :], xs[:, None, :], out=work.f("dx"))  # x_j - x_i
    absdx = np.abs(dx, out=work.f("absdx"))
    d = np.divide(absdx, width, out=work.f("d"))
    if pair is not None:
        d *= pair
    dmu = None if opts.q >= 1.0 else srt(_median_distance(x, w, act, width, opts.q))
    p1: FloatArray | None = None
    rs: FloatArray | None
    if opts.risk == "neutral":
        rs = None
    elif opts.risk == "actors":
        # danger of i: D_i = sum_{j != i} E(U_ji), every exponent 1 (so whose view is moot)
        if opts.q == 1.0 and opts.vote_exponent == "risk" and opts.probability == "global":
            # with r = 1, E(U_ji) = 2 d (1 - 2 s_i (1 - P_ji)), and P = N / den
            votes, den = _votes(d, ws, None, pair, work, "p1")
            near = np.multiply(d, votes.transpose(1, 0, 2), out=work.f("tmp"))
            danger = 2.0 * (1.0 - 2.0 * ss) * d.sum(axis=1) + 4.0 * ss * near.sum(axis=1) / den
        else:
            p1 = _probability(d, ws, None, pair, opts.probability, work, "p1")
            if opts.q == 1.0:
                near = np.multiply(d, p1.transpose(1, 0, 2), out=work.f("tmp"))
                danger = 2.0 * (1.0 - 2.0 * ss) * d.sum(axis=1) + 4.0 * ss * near.sum(axis=1)
            else:
                eu_against = _eu_sorted(d, None, p1.transpose(1, 0, 2), ss[:, None, :], opts,
                                        None if dmu is None else dmu[None, :, :], None, work,
                                        "a")
                eu_against.reshape(n * n, z)[:: n + 1] = 0.0
                if pair is not None:
                    eu_against *= pair
                danger = eu_against.sum(axis=1)
        if acts is None:
            rs = _exponent(danger, danger.min(axis=0), danger.max(axis=0),
                           np.ones(danger.shape, dtype=bool))
        else:
            rs = _exponent(danger, np.where(acts, danger, np.inf).min(axis=0),
                           np.where(acts, danger, -np.inf).max(axis=0), acts)
    else:
        dz = np.where(act[:, :, None] & act[:, None, :],
                      np.abs(x[:, :, None] - x[:, None, :]) / width[:, None, None], 0.0)
        rs = srt(_risk_over_positions(x, dz, w, s, act, width, opts, work))
    rho = rs if opts.vote_exponent == "risk" else None
    prob = p1 if p1 is not None and rho is None else _probability(d, ws, rho, pair,
                                                                  opts.probability, work, "p")
    # a[i, j] = E^i(U_ij): i challenges j; b[i, j] = E^i(U_ji): j challenges i, as i sees it
    ri = None if rs is None else rs[:, None, :]
    powers = None if opts.q < 1.0 else _powers(d, ri, work)
    a = _eu_sorted(d, ri, prob, ss[None, :, :], opts,
                   None if dmu is None else dmu[:, None, :], powers, work, "a")
    b = _eu_sorted(d, ri, prob.transpose(1, 0, 2), ss[:, None, :], opts,
                   None if dmu is None else dmu[None, :, :], powers, work, "b")
    valid = None
    if opts.q < 1.0:  # else a = b = 0 exactly where d = 0, which makes no offer
        valid = np.greater(d, 0.0, out=work.b("valid"))
    kind, who, new = _choose(xs, dx, absdx, valid, a, b, 4.0 if powers is not None else 1.0,
                             order.T, opts, work)
    out = (np.empty((z, n)), np.empty((z, n), dtype=np.int64),
           np.empty((z, n), dtype=np.int64), np.empty((z, n)))
    for dst, src in zip(out, (1.0 if rs is None else rs, kind, who, new), strict=True):
        dst.reshape(-1)[flat.reshape(-1)] = np.ravel(np.transpose(src))  # back to own order
    return (*out, _sorted_median(xs, ws))


def _sorted_median(xs: FloatArray, ws: FloatArray) -> FloatArray:
    """:func:`parley.models.median.weighted_median` of rows already sorted by position.

    ``xs``, ``ws`` ``(n, z)``: positions in increasing order (ties in the actors' own order)
    and weights >= 0. The weighted median sorts the actors with zero weight last instead; as
    they add exactly 0 to the cumulative weights and the thresholds are first reached at an
    actor with positive weight, the result is the same, bit for bit.
    """
    cum = np.empty_like(ws)
    cum[0] = ws[0]
    for k in range(1, ws.shape[0]):
        np.add(cum[k - 1], ws[k], out=cum[k])
    half = cum[-1] / 2.0
    k1 = np.argmax(cum >= half * (1 - _MEDIAN_RTOL), axis=0)
    k2 = np.argmax(cum > half * (1 + _MEDIAN_RTOL), axis=0)
    lanes = np.arange(xs.shape[1])
    x1, x2 = xs[k1, lanes], xs[k2, lanes]
    out = np.where(k1 == k2, x1, (x1 + x2) / 2.0)
    return np.where(half > 0, out, np.nan)


def _power(base: FloatArray, exponent: FloatArray, out: FloatArray, work: _Work) -> FloatArray:
    """``base ** exponent`` into ``out``, ``base >= 0``, ``exponent > 0`` ``(n, 1, z)``.

    ``0 ** r = 0``; numpy's vectorised power takes a slow path for zero bases, so they are
    raised as ones and zeroed afterwards (same result, several times faster on the many
    zero distances of a round).
    """
    zero = np.equal(base, 0.0, out=work.b("zero"))
    if not zero.any():
        return np.power(base, exponent, out=out)
    ones = work.f("zero")
    np.copyto(ones, zero)  # 1.0 where the base is 0
    np.add(base, ones, out=out)
    np.power(out, exponent, out=out)  # 1 ** r == 1 exactly
    out -= ones
    return out


def _votes(d: FloatArray, w: FloatArray, rho: FloatArray | None, pair: BoolArray | None,
           work: _Work, name: str) -> tuple[FloatArray, FloatArray]:
    r"""The votes for *i* over *j* ``(n, n, z)`` and the global denominator ``(z,)``.

    ``d[a, b, z]``: distances, the actors of every row ``z`` sorted by position; ``w[k, z]``:
    weights; ``rho[k, z]``: the voters' exponents (``None``: all 1); ``pair``: both active
    (``None``: all are). With :math:`D_{ky} = w_k d_{ky}^{\rho_k}`, for ``a < b``

    .. math::

        N_{ab} = \sum_{k < b} D_{kb} - \sum_{k < a} D_{ka}
                 - \sum_{a < k < b} \min(D_{ka}, D_{kb}),
        \qquad N_{ba} = N_{ab} - \sum_k (D_{kb} - D_{ka})

    (both clipped at 0 against rounding). The votes are written to ``work.f(name)``; the
    global denominator :math:`\sum_{a, b} (N_{ab} + N_{ba})` is 1 where it would be 0.
    """
    n, _, z = d.shape
    dw = work.f("dw")
    if rho is None:
        np.multiply(d, w[:, None, :], out=dw)
    else:
        _power(d, rho[:, None, :], dw, work)
        dw *= w[:, None, :]  # dw[k, y] = D_ky
    total = dw.sum(axis=0)  # sum_k D_ky
    num = np.multiply(dw, _triangle(n, 1), out=work.f(name))
    before = num.sum(axis=0)  # sum_{k < y} D_ky
    np.subtract(before[None, :, :], before[:, None, :], out=num)  # (4) less the minima
    if n > 2:
        buf = work.flat("block", (n - 2) * (n - 2) * z)
        for k in range(1, n - 1):  # voters strictly between a < k < b
            blk = buf[: k * (n - 1 - k) * z].reshape(k, n - 1 - k, z)
            np.minimum(dw[k, None, k + 1:], dw[k, :k, None], out=blk)
            num[:k, k + 1:] -= blk
    zeros = work.zeros(num.shape)
    np.maximum(num, zeros, out=num)
    # [b, a] for a < b, the votes for b over a: N_ab - sum_k (D_kb - D_ka)
    lower = np.subtract(total[None, :, :], total[:, None, :], out=dw)
    lower += num.transpose(1, 0, 2)
    np.maximum(lower, zeros, out=lower)
    lower *= _triangle(n, -1)
    num *= _triangle(n, 1)
    num += lower
    if pair is not None:
        num *= pair
    den = 2.0 * num.sum(axis=(0, 1))
    den[~(den > 0)] = 1.0  # then every vote is 0
    return num, den


@functools.lru_cache(maxsize=16)
def _triangle(n: int, side: int) -> FloatArray:
    """``(n, n, 1)``: 1.0 where ``b > a`` (``side=1``) or ``b < a`` (``side=-1``), else 0.0."""
    ones = np.ones((n, n))
    out = (np.triu(ones, 1) if side > 0 else np.tril(ones, -1))[:, :, None]
    out.flags.writeable = False
    return out


def _probability(d: FloatArray, w: FloatArray, rho: FloatArray | None, pair: BoolArray | None,
                 rule: ProbabilityRule, work: _Work, name: str) -> FloatArray:
    r""":func:`win_probability` for actors sorted by position, layout ``(n, n, z)``.

    ``d[a, b, z]``: distances, the actors of every row ``z`` sorted by position; ``w[k, z]``:
    weights; ``rho[k, z]``: the voters' exponents (``None``: all 1); ``pair``: both active
    (``None``: all are). The result is written to ``work.f(name)``.

    The votes are those of :func:`_votes` (see the module docstring); the denominator is
    their total over all ordered pairs (``"global"``) or over the pair (``"pair"``), and the
    probability is 0 where the denominator is 0 (then every vote on the pair is 0).
    """
    num, den = _votes(d, w, rho, pair, work, name)
    if rule == "global":
        return np.divide(num, den, out=num)
    both = np.add(num, num.transpose(1, 0, 2), out=work.f("dw"))
    both += np.equal(both, 0.0, out=work.b("tmp"))  # then the votes are 0 too
    return np.divide(num, both, out=num)


def _powers(d: FloatArray, r: FloatArray | None, work: _Work) -> tuple[FloatArray, FloatArray]:
    r"""For Q = 1: :math:`(U_s - U_{sq}) / 4` and :math:`(U_s - U_f) / 4`, ``(n, n, z)``.

    With :math:`L = (1/2 - d/2)^{r_i}` and :math:`H = (1/2 + d/2)^{r_i}` (``r`` ``(n, 1, z)``,
    ``None``: every exponent 1, and as ``x ** 1 == x`` exactly the powers are skipped),
    :math:`U_s - U_{sq} = 4 (2^{-r_i} - L)` and :math:`U_s - U_f = 4 (H - L)`; both are 0
    where :math:`d = 0`.
    """
    low, high = work.f("low"), work.f("high")
    half = np.multiply(d, 0.5, out=high)
    np.subtract(0.5, half, out=low)
    half += 0.5
    if r is not None:
        _power(low, r, low, work)
        np.power(high, r, out=high)
    high -= low
    np.subtract(0.5 if r is None else 0.5**r, low, out=low)
    return low, high


def _eu_sorted(d: FloatArray, r: FloatArray | None, p_win: FloatArray, s_target: FloatArray,
               opts: EUMOptions, dmu_challenger: FloatArray | None,
               powers: tuple[FloatArray, FloatArray] | None, work: _Work,
               name: str) -> FloatArray:
    r""":func:`_eu` in the ``(n, n, z)`` layout, written to ``work.f(name)``.

    ``r`` ``(n, 1, z)``: the perceiver's exponents (``None``: all 1). With Q = 1 the result
    is *a quarter of* the expected utility, from ``powers`` (:func:`_powers`),

    .. math::

        E / 4 = \{s [P U_s + (1 - P) U_f] + (1 - s) U_s - U_{sq}\} / 4
              = (U_s - U_{sq}) / 4 - s (1 - P) (U_s - U_f) / 4,

    exactly 0 where :math:`d = 0`. Its sign and the ratios of such values are those of *E*.
    """
    eu = work.f(name)
    if opts.q < 1.0:
        assert dmu_challenger is not None
        ri = 1.0 if r is None else r
        u_s = 2.0 - 4.0 * (0.5 - 0.5 * d) ** ri
        u_f = 2.0 - 4.0 * (0.5 + 0.5 * d) ** ri
        u_sq = 2.0 - 4.0 * 0.5**ri
        eu[...] = (s_target * (p_win * u_s + (1.0 - p_win) * u_f) + (1.0 - s_target) * u_s
                   - opts.q * u_sq)
        spread = 0.25 * (dmu_challenger + d)
        u_b = 2.0 - 4.0 * np.maximum(0.5 - spread, 0.0) ** ri
        u_w = 2.0 - 4.0 * (0.5 + spread) ** ri
        eu -= (1.0 - opts.q) * (opts.t * u_b + (1.0 - opts.t) * u_w)
        return eu
    assert powers is not None
    gain, spread = powers
    np.subtract(1.0, p_win, out=eu)
    eu *= s_target
    eu *= spread
    np.subtract(gain, eu, out=eu)
    return eu


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
                         act: BoolArray, width: FloatArray, opts: EUMOptions,
                         work: _Work) -> FloatArray:
    """Risk exponents from each actor's danger at every position it could hold (BDM 1985).

    For mover *i* and candidate position :math:`x_c` (the position of an active actor
    *c*), :math:`D_i(x_c) = \\sum_{j \\ne i} E(U_{ji})` with *i* moved to :math:`x_c` and
    every exponent 1; :math:`R_i` compares :math:`D_i(x_i)` with the largest and smallest
    :math:`D_i(x_c)`. Every sum over the voters is corrected for *i*'s move in ``n**3``
    work (index names: ``i`` mover, ``c`` candidate, ``j`` challenger, ``k`` voter).

    Rows ``(z, n)`` in the actors' own order; ``d`` ``(z, n, n)``. The ``(z, n, n, n)``
    tensors are computed in slices of rows, in buffers reused from slice to slice.
    """
    z, n = x.shape
    step = max(1, _CHUNK_ELEMENTS // n**3)
    out = np.empty((z, n))
    for lo in range(0, z, step):
        sl = slice(lo, min(z, lo + step))
        out[sl] = _risk_over_positions_rows(x[sl], d[sl], w[sl], s[sl], act[sl], width[sl],
                                            opts, work)
    return out


def _risk_over_positions_rows(x: FloatArray, d: FloatArray, w: FloatArray, s: FloatArray,
                              act: BoolArray, width: FloatArray, opts: EUMOptions,
                              work: _Work) -> FloatArray:
    """:func:`_risk_over_positions` on one slice of rows."""
    z, n = x.shape

    def buf(name: str) -> FloatArray:
        return work.flat("positions-" + name, z * n**3).reshape(z, n, n, n)

    eye = np.eye(n, dtype=bool)
    full = bool(act.all())
    pair = act[:, :, None] & act[:, None, :]
    dk = d.swapaxes(1, 2)  # dk[z, a, k] = d_ka
    du = np.subtract(dk[:, None, :, :], dk[:, :, None, :], out=buf("du"))  # d_kb - d_ka
    if not full:
        np.copyto(du, 0.0, where=~pair[..., None])
    pos = np.maximum(du, 0.0, out=buf("pos"))
    absu = np.abs(du, out=du)
    wi = w[:, :, None]
    # probability that challenger j beats mover i once i sits at x_c: votes on (x_j, x_c)
    # (sums as numpy reductions, not BLAS, whose order can depend on memory alignment)
    weighted = np.multiply(pos, w[:, None, None, :], out=buf("num"))
    numlin = weighted.sum(axis=3)  # [z, a, b]: weighted votes a over b
    own = pos.transpose(0, 3, 2, 1)  # own[z, i, c, j] = pos(d_ic - d_ij): i's old vote
    num = np.multiply(wi[..., None], own, out=buf("num"))
    np.subtract(numlin.swapaxes(1, 2)[:, None, :, :], num, out=num)
    d_cj = d[:, None, :, :]  # distance between the candidate and challenger j
    den: FloatArray
    if opts.probability == "pair":
        tot = (numlin + numlin.swapaxes(1, 2)).swapaxes(1, 2)[:, None, :, :]
        den = np.multiply(wi[..., None], absu.transpose(0, 3, 2, 1), out=pos)
        np.subtract(tot, den, out=den)
        den += wi[..., None] * d_cj
    else:
        s1 = absu.sum(axis=(1, 2))  # [z, k]: sum_ab |d_ka - d_kb|
        s2 = absu.sum(axis=2)  # [z, a, k]: sum_b |d_ka - d_kb|
        s3 = (s2 * w[:, None, :]).sum(axis=2)  # [z, a]: sum_kb w_k |d_ka - d_kb|
        m_ck = np.multiply(absu, w[:, None, None, :], out=pos).sum(axis=3)  # [z, a, b]
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
    p_ji = np.divide(num, den, out=num)
    np.copyto(p_ji, 0.0, where=~((den > 0) & (d_cj > 0)))
    # with every exponent 1: U_s = 2d, U_f = -2d, U_sq = 0, U_b = -U_w = d_jmu + d
    eu = np.subtract(1.0, p_ji, out=p_ji)
    eu *= 2.0 * s[:, :, None, None]
    np.subtract(1.0, eu, out=eu)
    eu *= 2.0 * d_cj
    if opts.q < 1.0:
        moved = np.where(eye[None, :, None, :], x[:, None, :, None], x[:, None, None, :])
        wm = np.broadcast_to(w[:, None, None, :], moved.shape)
        mu = weighted_median(moved[..., None], wm[..., None])[..., 0]  # [z, i, c]
        dmu = np.abs(x[:, None, None, :] - mu[..., None]) / width[:, None, None, None]
        dmu = np.where(np.isfinite(dmu), dmu, 0.0)
        eu -= (1.0 - opts.q) * (2.0 * opts.t - 1.0) * (dmu + d_cj)
    others = (act[:, :, None] & act[:, None, :] & ~eye)[:, :, None, :]
    np.copyto(eu, 0.0, where=~others)
    danger = eu.sum(axis=3)  # [z, i, c]
    cand = act[:, None, :]
    lo = np.where(cand, danger, np.inf).min(axis=2)
    hi = np.where(cand, danger, -np.inf).max(axis=2)
    return _exponent(np.diagonal(danger, axis1=1, axis2=2), lo, hi, act)


def _choose(xs: FloatArray, dx: FloatArray, absdx: FloatArray, valid: BoolArray | None,
            a: FloatArray, b: FloatArray, scale: float, orig: IntArray, opts: EUMOptions,
            work: _Work) -> tuple[IntArray, IntArray, FloatArray]:
    """Classify every (receiver i, sender j) pair and pick one offer per receiver.

    Layout ``(n, n, z)`` with actors sorted by position; ``dx[i, j] = x_j - x_i`` and
    ``absdx`` its absolute value; ``valid``: both active and at different positions
    (``None`` with Q = 1, where ``a = b = 0`` exactly at such pairs, which makes no offer);
    ``a`` and ``b``: the expected utilities divided by ``scale``; ``orig[j, z]``: the sorted
    actor's own index, which breaks the last ties (the sender listed first), so the choice
    does not depend on the sorting. The keys of offers not made are +inf
    (:func:`_penalty`).
    """
    tmp = work.b("tmp")
    pen = work.f("pen")
    neg_a = np.negative(a, out=work.f("neg_a"))
    below = np.less(a, 0.0, out=work.b("below"))
    conflict = np.greater(b, a, out=work.b("conflict"))
    conflict &= np.greater(a, 0.0, out=tmp)
    compromise = np.greater(b, neg_a, out=work.b("compromise"))  # b > -a > 0
    compromise &= below
    capitulate = None
    if opts.capitulation:  # a < 0 < b <= -a
        capitulate = np.greater(b, 0.0, out=work.b("capitulate"))
        capitulate &= below
        np.greater(capitulate, compromise, out=capitulate)
    if valid is not None:
        conflict &= valid
        compromise &= valid
        if capitulate is not None:
            capitulate &= valid
    xi, xj = xs[:, None, :], xs[None, :, :]
    target = work.f("target")
    np.divide(neg_a, b, out=target)  # the share of the way to x_j, for compromises
    target *= dx
    target += xi
    np.copyto(target, xj, where=np.logical_not(compromise, out=tmp))
    key = work.f("key")
    kind: FloatArray | None = None
    group: IntArray | None = None
    if opts.offer_choice == "scholz2011":
        # conflicts first (least move), then compromises by Scholz's weighted position,
        # then capitulations (least move); a move to x_j is |x_j - x_i|
        if np.count_nonzero(conflict) * 8 < conflict.size:  # few: a masked copy is faster
            key.fill(np.inf)
            np.copyto(key, absdx, where=conflict)
        else:
            np.add(absdx, _penalty(conflict, pen), out=key)
        has_conflict = np.logical_or.reduce(conflict, axis=1, keepdims=True)
        has_compromise = np.logical_or.reduce(compromise, axis=1, keepdims=True)
        by_weight = np.greater(compromise, has_conflict, out=tmp)  # compromise & ~has_conflict
        if by_weight.any():  # (|a| x_i + |b| x_j) / (|a| + |b|), a < 0 < b
            weighted = np.multiply(b, xj, out=a)  # a is not needed any more
            weighted += np.multiply(neg_a, xi, out=work.f("part"))
            neg_a += b
            weighted /= neg_a
            if np.count_nonzero(by_weight) * 8 < by_weight.size:
                np.copyto(key, weighted, where=by_weight)  # (key is +inf there)
            else:
                weighted += _penalty(by_weight, pen)
                np.fmin(key, weighted, out=key)
        if capitulate is not None:
            last = capitulate & ~(has_conflict | has_compromise)
            np.fmin(key, np.add(absdx, _penalty(last, pen), out=pen), out=key)
        group = np.where(has_conflict, _CONFLICT, np.where(has_compromise, _COMPROMISE,
                                                           _CAPITULATION))[:, 0]
    else:
        kind = np.multiply(compromise, float(_COMPROMISE), out=work.f("kind"))
        kind += conflict
        offered = np.logical_or(conflict, compromise, out=tmp)
        if capitulate is not None:
            kind += np.multiply(capitulate, float(_CAPITULATION), out=pen)
            offered |= capitulate
        if opts.offer_choice == "smallest-move":
            np.subtract(target, xi, out=key)
            np.abs(key, out=key)
        else:
            np.multiply(b, -scale, out=key)
        key += _penalty(offered, pen)
    # ties (within rounding) go to the lower target, then the lower kind code, then index
    best = np.minimum.reduce(key, axis=1, keepdims=True)
    got = np.isfinite(best)
    cand = np.less_equal(key, np.where(got, best + _TIE_RTOL * (1.0 + np.abs(best)), -np.inf),
                         out=work.b("cand"))
    # few candidates: masked minima are cheap here
    low = np.minimum.reduce(target, axis=1, keepdims=True, where=cand, initial=np.inf)
    cand &= np.less_equal(target, low + _TIE_RTOL * (1.0 + np.abs(low)), out=tmp)
    if kind is not None:
        low_kind = np.minimum.reduce(kind, axis=1, keepdims=True, where=cand, initial=99.0)
        cand &= np.equal(kind, low_kind, out=tmp)
    senders = np.broadcast_to(orig[None, :, :], cand.shape)
    j = np.minimum.reduce(senders, axis=1, where=cand, initial=xs.shape[0])
    cand &= np.equal(senders, j[:, None, :], out=tmp)  # one sender per receiver with offers
    chosen = np.maximum.reduce(target, axis=1, where=cand, initial=-np.inf)
    if kind is None:
        assert group is not None
        chosen_kind = group
    else:
        chosen_kind = np.maximum.reduce(kind, axis=1, where=cand, initial=0.0).astype(np.int64)
    got = got[:, 0]
    return (np.where(got, chosen_kind, _NONE).astype(np.int64),
            np.where(got, j, -1).astype(np.int64),
            np.where(got, chosen, xs))


def _penalty(mask: BoolArray, out: FloatArray) -> FloatArray:
    """0.0 where ``mask`` holds and +inf elsewhere, in ``out``.

    Adding it to finite values and taking a plain minimum stands in for a masked minimum,
    which numpy runs element by element, several times slower.
    """
    np.copyto(out, mask)
    np.divide(1.0, out, out=out)  # (the caller has turned off the warning)
    out -= 1.0
    return out
