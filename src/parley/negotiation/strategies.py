"""Concession strategies: each party's target utility, round by round.

A strategy maps what a party knows at a moment of the talks (:class:`Moment`) to the lowest
utility it will offer or accept, its *target* :math:`\\tau`. The offer itself is then chosen by
:func:`parley.negotiation.offers.find_offer`, and an offer on the table is accepted when the
party values it at least :math:`\\tau` (and no less than its walk-away utility).

Time-dependent tactics (Faratin, Sierra & Jennings 1998), with relative time
:math:`t \\in [0, 1]` (0 at the first round, 1 at the party's deadline), best utility
:math:`u_{max}` and walk-away utility :math:`u_{res}`:

.. math::

    \\tau(t) = u_{max} - (u_{max} - u_{res})\\, t^{1/e} .

``e < 1`` is *Boulware* (holds firm, concedes near the deadline), ``e = 1`` linear, ``e > 1``
*Conceder*. The named exponents follow NegMAS's defaults (``PolyAspiration``: a curve
:math:`1 - t^{k}` with :math:`k = 4, 1, 0.25`, i.e. :math:`e = 1/k`): Boulware 0.25, linear 1,
Conceder 4. Mediator pressure multiplies :math:`e` by the factor :attr:`Moment.pressure`
(:math:`\\ge 1`), so a pressed party concedes sooner; a nearer deadline makes :math:`t` grow
faster. Both change the concession rate, not the end point.

:class:`Staller` (a party that gains from delay, e.g. because the status quo moves its way
while talks drag on) discounts its concession range by :math:`\\delta^t`:

.. math::

    \\tau(t) = u_{max} - (u_{max} - u_{res})\\, \\delta^{t}\\, t^{1/e}, \\qquad 0 < \\delta \\le 1,

so it never concedes more than the share :math:`\\delta` of its range: its walk-away utility
effectively rises to :math:`u_{max} - \\delta (u_{max} - u_{res})` as time passes. This is the
mirror image of GENIUS's discounted utility :math:`U\\,d^{t}` (Baarslag et al. 2012), where
delay costs.

:class:`TitForTat` imitates concessions (Axelrod 1984; Faratin et al. 1998's relative
tit-for-tat, in utility form): when the others' latest offers are worth :math:`\\Delta` more to
the party than their previous ones (averaged over the others), it lowers its target by
:math:`\\Delta` (times ``factor``); it never raises it, and stays in
:math:`[u_{res}, u_{max}]`.

:class:`HardLiner` never concedes: its target stays at :math:`u_{max}`, so it offers its best
package throughout and settles an issue only on its own terms. Like every party, it never
offers or accepts a value outside its red lines.

References
----------
.. [1] Faratin, P., Sierra, C. and Jennings, N. R. (1998). Negotiation decision functions for
   autonomous agents. *Robotics and Autonomous Systems* 24(3-4), 159-182.
.. [2] Axelrod, R. (1984). *The Evolution of Cooperation*. New York: Basic Books.
.. [3] Baarslag, T., Hindriks, K., Jonker, C., Kraus, S. and Lin, R. (2012). The first
   automated negotiating agents competition (ANAC 2010). In *New Trends in Agent-Based
   Complex Automated Negotiations*, 113-135. Springer.

Examples
--------
Boulware halfway through, from 1.0 to 0.2: :math:`1 - 0.8 \\times 0.5^4 = 0.95`.

>>> m = Moment(t=0.5, u_max=1.0, u_res=0.2)
>>> round(boulware().target(m), 6), round(linear().target(m), 6)
(0.95, 0.6)
>>> parse_strategy("conceder")
TimeDependent(exponent=4.0, label='conceder')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol, runtime_checkable

from parley.errors import ParleyError

__all__ = [
    "STRATEGY_NAMES",
    "HardLiner",
    "Moment",
    "Staller",
    "Strategy",
    "TimeDependent",
    "TitForTat",
    "boulware",
    "conceder",
    "linear",
    "parse_strategy",
]


@dataclass(frozen=True)
class Moment:
    """What a party knows when it sets its target.

    Attributes
    ----------
    t : float
        Relative time in [0, 1] (1 at the party's deadline).
    u_max, u_res : float
        Its best utility and its walk-away utility (the floor of its concessions).
    pressure : float
        Concession-rate factor from mediator pressure (1: none).
    previous : float or None
        Its target in its previous turn (``None`` at its first turn).
    received : tuple of (str, float)
        Who made each offer it received, and its utility of it, oldest first.
    """

    t: float
    u_max: float
    u_res: float
    pressure: float = 1.0
    previous: float | None = None
    received: tuple[tuple[str, float], ...] = ()


@runtime_checkable
class Strategy(Protocol):
    """A concession strategy: parameters in the constructor, the target in the call."""

    kind: ClassVar[str]

    @property
    def label(self) -> str:
        """A short name for tables."""

    def target(self, moment: Moment) -> float:
        """The lowest utility the party will offer or accept now."""


def _clip(x: float, lo: float, hi: float) -> float:
    return min(max(x, lo), hi)


@dataclass(frozen=True)
class TimeDependent:
    """Faratin et al. (1998) polynomial time-dependent tactic with exponent ``e``."""

    exponent: float = 1.0
    label: str = "time"
    kind: ClassVar[str] = "time-dependent"

    def __post_init__(self) -> None:
        if not self.exponent > 0:
            raise ParleyError(f"a time-dependent exponent must be > 0; got {self.exponent}")

    def target(self, moment: Moment) -> float:
        """:math:`u_{max} - (u_{max} - u_{res}) t^{1/(e p)}` (``p``: pressure)."""
        return self.target_at(moment.t, moment.u_max, moment.u_res, moment.pressure)

    def target_at(self, t: float, u_max: float, u_res: float, pressure: float = 1.0) -> float:
        """:meth:`target` from the numbers it needs (no :class:`Moment` to build)."""
        e = self.exponent * pressure
        span = max(u_max - u_res, 0.0)
        return float(u_max - span * min(max(t, 0.0), 1.0) ** (1.0 / e))


@dataclass(frozen=True)
class Staller:
    """A party that gains from delay: its concession range shrinks by ``delta ** t``."""

    exponent: float = 0.25
    delta: float = 0.5
    label: str = "staller"
    kind: ClassVar[str] = "staller"

    def __post_init__(self) -> None:
        if not self.exponent > 0:
            raise ParleyError(f"a staller's exponent must be > 0; got {self.exponent}")
        if not 0 < self.delta <= 1:
            raise ParleyError(f"a staller's delta must be in (0, 1]; got {self.delta}")

    def target(self, moment: Moment) -> float:
        """:math:`u_{max} - (u_{max} - u_{res}) \\delta^t t^{1/(e p)}`."""
        return self.target_at(moment.t, moment.u_max, moment.u_res, moment.pressure)

    def target_at(self, t: float, u_max: float, u_res: float, pressure: float = 1.0) -> float:
        """:meth:`target` from the numbers it needs (no :class:`Moment` to build)."""
        e = self.exponent * pressure
        t = min(max(t, 0.0), 1.0)
        span = max(u_max - u_res, 0.0)
        return float(u_max - span * self.delta ** t * t ** (1.0 / e))


@dataclass(frozen=True)
class TitForTat:
    """Concede as much utility as the others' last move gave (times ``factor``)."""

    factor: float = 1.0
    label: str = "tit-for-tat"
    kind: ClassVar[str] = "tit-for-tat"

    def target(self, moment: Moment) -> float:
        """Previous target minus the others' mean latest concession, in own utility."""
        if moment.previous is None:
            return moment.u_max
        last: dict[str, list[float]] = {}
        for who, u in moment.received:
            last.setdefault(who, []).append(u)
        gains = [seq[-1] - seq[-2] for seq in last.values() if len(seq) >= 2]
        gain = max(sum(gains) / len(gains), 0.0) if gains else 0.0
        return _clip(moment.previous - self.factor * gain, moment.u_res, moment.u_max)


@dataclass(frozen=True)
class HardLiner:
    """Never concedes: the target stays at the party's best utility."""

    label: str = "hard-liner"
    kind: ClassVar[str] = "hard-liner"

    def target(self, moment: Moment) -> float:
        """Always :math:`u_{max}`."""
        return moment.u_max

    def target_at(self, t: float, u_max: float, u_res: float, pressure: float = 1.0) -> float:
        """:meth:`target` from the numbers it needs (no :class:`Moment` to build)."""
        return u_max


def boulware(exponent: float = 0.25) -> TimeDependent:
    """Boulware: holds firm until near the deadline (NegMAS's default exponent 1/4)."""
    return TimeDependent(exponent, "boulware")


def linear() -> TimeDependent:
    """Linear concession (exponent 1)."""
    return TimeDependent(1.0, "linear")


def conceder(exponent: float = 4.0) -> TimeDependent:
    """Conceder: concedes early (NegMAS's default exponent 4)."""
    return TimeDependent(exponent, "conceder")


#: Names accepted by :func:`parse_strategy` (``time:E`` sets an exponent,
#: ``staller:DELTA`` a staller's delta).
STRATEGY_NAMES: tuple[str, ...] = ("boulware", "linear", "conceder", "tit-for-tat",
                                   "hard-liner", "staller", "time:E", "staller:DELTA")


def parse_strategy(name: str) -> Strategy:
    """A strategy from its name (see :data:`STRATEGY_NAMES`).

    Raises
    ------
    ParleyError
        For an unknown name or a bad parameter, naming the known ones.
    """
    text = name.strip().lower()
    head, _, arg = text.partition(":")
    try:
        if head == "boulware":
            return boulware(float(arg)) if arg else boulware()
        if head == "linear" and not arg:
            return linear()
        if head == "conceder":
            return conceder(float(arg)) if arg else conceder()
        if head in ("tit-for-tat", "titfortat", "tft"):
            return TitForTat(float(arg)) if arg else TitForTat()
        if head in ("hard-liner", "hardliner"):
            return HardLiner()
        if head == "staller":
            return Staller(delta=float(arg)) if arg else Staller()
        if head == "time" and arg:
            return TimeDependent(float(arg), f"time:{float(arg):g}")
    except ValueError:
        pass
    raise ParleyError(f"unknown strategy {name!r}. Fix: use one of {', '.join(STRATEGY_NAMES)}")

