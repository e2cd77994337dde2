"""The negotiating table: what is settled, who accepted what, and the transcript.

A :class:`Table` holds the state that the protocols (:mod:`.protocols`) change and the
rules every party follows, whatever the protocol:

**Targets.** At global round *k* party *i* asks its strategy for a target
:math:`\\tau_i` (:mod:`.strategies`) given its relative time :math:`t_i` (``clock``
``"faratin"``: :math:`k / (T_i - 1)`, 0 at the first round and 1 at its deadline
:math:`T_i`; ``"negmas"``: :math:`(k + 1) / (T_i + 1)`, the clock of NegMAS's SAO mechanism),
its best utility :math:`u_{max}` and its walk-away utility :math:`u_{res}` (the larger of its
reservation utility and its worst utility inside its red lines), both over the packages
inside its red lines.

**Offers** are packages inside the party's red lines (and inside the ranges it narrowed to
in side channels), with settled issues at their settled values, chosen by
:func:`~parley.negotiation.offers.find_offer`.

**Accepting a package** (AC-target, as NegMAS's time-based negotiators): party *i* accepts
the package :math:`x` on the table if it lies inside its red lines and
:math:`U_i(x) \\ge \\max(\\tau_i - \\text{tol}, u_{res})`.

**Accepting an issue** (issue by issue; Faratin et al. 1998's "accept if the offer is at
least as good as my counter-offer", AC-next, applied to each issue): when *i* rejects the
package it states its counter-offer :math:`y`, and accepts the value :math:`x_j` of each open
issue *j* that lies inside its red lines and loses it no more than its own counter does,
:math:`\\ell_{ij}(x_j) \\le \\ell_{ij}(y_j)`, as long as the best package still open to it
(settled and accepted values, and its best allowed values elsewhere) is worth at least
:math:`u_{res}`. Because the utility is additive, putting accepted values into :math:`y` never
lowers its utility, so accepting issue by issue never takes a party below its target.

An issue is **settled** (agreed) when every party at the table has accepted its current
value: the proposer by proposing it, the others by accepting the package or the issue. A
value keeps the acceptances it gathered while it stays on the table in later offers.

**Representation.** The protocols pass packages around as tuples of value indices
(:data:`~parley.negotiation.offers.Package`), read utilities as Python floats
(:meth:`~parley.negotiation.offers.OfferSpace.utilities_of`) and log the transcript as plain
tuples (:attr:`Table.records`); :attr:`Table.transcript` turns them into :class:`Entry`
objects when asked. Each party's allowed values, their search halves and its best losses
are cached until the table changes (:meth:`Table.invalidate`, settling, understandings,
narrowing).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from parley.deals.utility import Preferences
from parley.negotiation.offers import (
    TOL,
    OfferPolicy,
    OfferSpace,
    Package,
    offer_package,
    reference_key,
)
from parley.negotiation.strategies import (
    HardLiner,
    Moment,
    Staller,
    Strategy,
    TimeDependent,
    TitForTat,
)

__all__ = ["CLOCKS", "Clock", "Entry", "Record", "Table"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
Clock = Literal["faratin", "negmas"]
#: Relative-time conventions (see the module docstring).
CLOCKS: tuple[Clock, ...] = ("faratin", "negmas")
#: One transcript line as a plain tuple, in the field order of :class:`Entry`.
Record = tuple[int, int, str, str, Package | None, float | None, tuple[int, ...], str,
               float | None]
Curve = Callable[[float, float, float, float], float]


def _curve(strategy: Strategy) -> Curve | None:
    """``target_at`` of a strategy whose target needs only (t, u_max, u_res, pressure), so
    that no :class:`Moment` is built each turn (exact types: a subclass may override
    ``target``)."""
    exact = type(strategy) in (TimeDependent, Staller, HardLiner)
    if exact and isinstance(strategy, TimeDependent | Staller | HardLiner):
        return strategy.target_at
    return None


def _package(digits: IntArray | Sequence[int]) -> Package:
    """Value indices as a tuple of ints (a tuple is taken to hold ints already)."""
    if type(digits) is tuple:
        return digits
    return tuple(int(d) for d in digits)


@dataclass(frozen=True)
class Entry:
    """One line of the transcript.

    ``action`` is one of ``offer`` (a party's proposal), ``text`` (the mediator's single
    text), ``accept`` / ``reject`` (a response; ``issues`` lists the issues accepted with a
    rejection, ``package`` the counter-offer), ``settle`` (issues agreed), ``understand``
    (issues a side channel's members agreed among themselves), ``narrow`` (ranges a side
    channel narrowed), ``influence`` (outsiders moved a party's walk-away utility),
    ``pressure`` (mediator pressure on a party).
    """

    step: int
    meeting: int
    actor: str
    action: str
    package: tuple[int, ...] | None = None
    target: float | None = None
    issues: tuple[int, ...] = ()
    note: str = ""
    value: float | None = None


@dataclass(eq=False)
class _Limits:
    """One party's allowed values while the table stays unchanged (version)."""

    version: int
    arrays: list[IntArray]
    sets: list[frozenset[int]]
    halves: Any = None  # offers._Halves, built at the party's first offer
    best: list[float] | None = None  # per issue, its smallest loss among the allowed values
    inside: dict[Package, bool] = field(default_factory=dict)  # packages checked so far


@dataclass
class Table:
    """The state of the talks (see the module docstring)."""

    prefs: Preferences
    space: OfferSpace
    strategies: Sequence[Strategy]
    total_steps: int
    policy: OfferPolicy = "closest"
    issue_by_issue: bool = True
    clock: Clock = "faratin"
    tol: float = 1e-9
    deadlines: Sequence[int | None] = ()
    red: list[list[BoolArray]] = field(init=False)
    narrowed: list[list[BoolArray]] = field(init=False)
    settled: IntArray = field(init=False)
    settled_step: list[int | None] = field(init=False)
    settled_meeting: list[int | None] = field(init=False)
    reservation: FloatArray = field(init=False)
    u_max: FloatArray = field(init=False)
    u_min: FloatArray = field(init=False)
    pressure: FloatArray = field(init=False)
    previous: list[float | None] = field(init=False)
    received: list[list[tuple[str, float]]] = field(init=False)
    last_offer: list[Package | None] = field(init=False)
    records: list[Record] = field(init=False)
    targets: list[list[tuple[int, float]]] = field(init=False)
    _version: int = field(init=False, default=0)
    _limits: dict[int, _Limits] = field(init=False, default_factory=dict)
    _open: tuple[int, ...] = field(init=False, default=())
    _deadline: list[int] = field(init=False, default_factory=list)
    _curves: list[Curve | None] = field(init=False, default_factory=list)
    _entries: list[Entry] = field(init=False, default_factory=list)
    _u_min: list[float] = field(init=False, default_factory=list)
    _walk: list[float] = field(init=False, default_factory=list)
    _listens: list[bool] = field(init=False, default_factory=list)
    #: Whether any party keeps the offers it receives (a tit-for-tat party).
    listening: bool = field(init=False, default=False)
    _u_max: list[float] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        n, m = self.space.n_parties, self.space.n_issues
        p = self.prefs
        # per issue, one (n, L_j) mask for every party at once; each party gets its row
        red = [(v[None, :] >= p.acceptable_low[:, j, None] - 1e-12)
               & (v[None, :] <= p.acceptable_high[:, j, None] + 1e-12)
               for j, v in enumerate(self.space.values)]
        ones = [np.ones((n, v.size), dtype=bool) for v in self.space.values]
        self.red = [[red[j][i] for j in range(m)] for i in range(n)]
        self.narrowed = [[ones[j][i] for j in range(m)] for i in range(n)]
        self.settled = np.full(m, -1, dtype=np.int64)
        self.settled_step = [None] * m
        self.settled_meeting = [None] * m
        rows = self.space.loss_rows
        u_max: list[float] = []
        u_min: list[float] = []
        for i in range(n):
            best = worst = 0.0
            for j in range(m):
                col = [r[i] for r in rows[j]]
                red = self.red[i][j].tolist()
                if any(red):
                    col = [x for x, ok in zip(col, red, strict=True) if ok]
                best += min(col)
                worst += max(col)
            u_max.append(min(max(1.0 - best, 0.0), 1.0))
            u_min.append(min(max(1.0 - worst, 0.0), 1.0))
        # u_max and u_min follow from the red lines alone and never change
        self._u_max, self._u_min = u_max, u_min
        self.u_max = np.array(u_max, dtype=float)
        self.u_min = np.array(u_min, dtype=float)
        self.reservation = np.asarray(p.reservation, dtype=float).copy()
        self.reservation.setflags(write=False)  # change it with set_reservation
        self._walk = [max(float(r), lo) for r, lo in zip(self.reservation, u_min, strict=True)]
        self.pressure = np.ones(n)
        self.previous = [None] * n
        self.received = [[] for _ in range(n)]
        self.last_offer = [None] * n
        self.records = []
        self.targets = [[] for _ in range(n)]
        self._open = tuple(range(m))
        self._deadline = [self.total_steps if not self.deadlines or d is None else int(d)
                          for d in (self.deadlines or [None] * n)]
        self._listens = [isinstance(s, TitForTat) for s in self.strategies]
        self.listening = any(self._listens)
        self._curves = [_curve(s) for s in self.strategies]

    # -- basic facts -----------------------------------------------------------------------
    @property
    def n_parties(self) -> int:
        """Number of parties."""
        return self.space.n_parties

    @property
    def party_ids(self) -> tuple[str, ...]:
        """Party ids, in column order."""
        return self.prefs.actor_ids

    def open_issues(self) -> list[int]:
        """Issues not settled yet."""
        return list(self._open)

    @property
    def done(self) -> bool:
        """Whether every issue is settled."""
        return not self._open

    @property
    def transcript(self) -> list[Entry]:
        """The transcript so far (:attr:`records` as :class:`Entry` objects)."""
        entries = self._entries
        if len(entries) < len(self.records):
            entries.extend(Entry(*r) for r in self.records[len(entries):])
        return list(entries)

    def invalidate(self) -> None:
        """Forget cached allowed values (call after changing ``red`` or ``narrowed``)."""
        self._version += 1

    def u_res(self, i: int) -> float:
        """Walk-away utility of party ``i`` (reservation, at least its worst utility)."""
        return self._walk[i]

    def set_reservation(self, i: int, value: float) -> None:
        """Set party ``i``'s reservation utility (``reservation`` itself is read-only)."""
        res = self.reservation.copy()
        res[i] = value
        res.setflags(write=False)
        self.reservation = res
        self._walk[i] = max(float(res[i]), self._u_min[i])

    def _limits_of(self, i: int) -> _Limits:
        hit = self._limits.get(i)
        if hit is None or hit.version != self._version:
            arrays = self._compute_allowed(i)
            hit = _Limits(self._version, arrays, [frozenset(a.tolist()) for a in arrays])
            self._limits[i] = hit
        return hit

    def allowed(self, i: int) -> list[IntArray]:
        """Per issue, the value indices party ``i`` may offer now."""
        return self._limits_of(i).arrays

    def _compute_allowed(self, i: int) -> list[IntArray]:
        out = []
        for j in range(self.space.n_issues):
            if self.settled[j] >= 0:
                out.append(np.array([self.settled[j]], dtype=np.int64))
                continue
            ok = self.red[i][j] & self.narrowed[i][j]
            if not ok.any():
                ok = self.red[i][j] if self.red[i][j].any() else np.ones_like(ok)
            out.append(np.flatnonzero(ok).astype(np.int64))
        return out

    def allowed_set(self, i: int, j: int) -> frozenset[int]:
        """:meth:`allowed` of issue ``j`` as a set."""
        return self._limits_of(i).sets[j]

    def allows(self, i: int, j: int, index: int) -> bool:
        """Whether value ``index`` of issue ``j`` is inside party ``i``'s limits."""
        return int(index) in self._limits_of(i).sets[j]

    def time(self, i: int, step: int) -> float:
        """Relative time of party ``i`` at global round ``step``."""
        deadline = self._deadline[i]
        if self.clock == "negmas":
            return min(1.0, (step + 1) / (deadline + 1))
        return 1.0 if deadline <= 1 else min(1.0, step / (deadline - 1))

    # -- rules -----------------------------------------------------------------------------
    def target(self, i: int, step: int) -> float:
        """Party ``i``'s target at ``step`` (remembered for tit-for-tat)."""
        curve = self._curves[i]
        if curve is not None:  # same numbers as strategy.target(Moment(...))
            tau = curve(self.time(i, step), self._u_max[i], self._walk[i],
                        float(self.pressure[i]))
        else:
            needs = isinstance(self.strategies[i], TitForTat)
            moment = Moment(t=self.time(i, step), u_max=float(self.u_max[i]),
                            u_res=self.u_res(i), pressure=float(self.pressure[i]),
                            previous=self.previous[i],
                            received=tuple(self.received[i]) if needs else ())
            tau = float(self.strategies[i].target(moment))
        self.previous[i] = tau
        self.targets[i].append((step, tau))
        return tau

    def utilities(self, digits: IntArray | Sequence[int]) -> FloatArray:
        """Every party's utility of a package (value indices)."""
        return self.space.utilities(digits)

    def utilities_of(self, package: Package) -> tuple[float, ...]:
        """:meth:`utilities` of a package of plain ints, as Python floats."""
        return self.space.utilities_of(package)

    def offer(self, i: int, target: float, others: Sequence[Package] = ()) -> Package:
        """The package party ``i`` offers for ``target`` near the ``others``' offers."""
        floor = max(target - self.tol, self._walk[i])
        lim = self._limits.get(i)
        if lim is None or lim.version != self._version:
            lim = self._limits_of(i)
        if lim.halves is None:
            lim.halves = self.space.halves(i, lim.arrays)
        ref = tuple(others) if self.policy == "closest" else ()
        return offer_package(self.space, lim.halves, floor, ref, self.policy)

    def counter(self, i: int, target: float, reference: IntArray | None) -> IntArray:
        """The package party ``i`` offers for ``target`` near ``reference``."""
        return np.asarray(self.offer(i, target, reference_key(reference)), dtype=np.int64)

    def accepts_package(self, i: int, digits: IntArray | Sequence[int], target: float,
                        utility: float | None = None) -> bool:
        """AC-target: inside ``i``'s limits and worth at least its target and walk-away."""
        pkg = digits if type(digits) is tuple else _package(digits)
        lim = self._limits.get(i)
        if lim is None or lim.version != self._version:
            lim = self._limits_of(i)
        inside = lim.inside.get(pkg)
        if inside is None:
            inside = lim.inside[pkg] = all(
                d in ok for d, ok in zip(pkg, lim.sets, strict=True))
        if not inside:
            return False
        u = self.space.utilities_of(pkg)[i] if utility is None else utility
        return u >= max(target - self.tol, self._walk[i] - TOL)

    def accepts_issues(self, i: int, digits: IntArray | Sequence[int],
                       counter: IntArray | Sequence[int]) -> list[int]:
        """The open issues whose values in ``digits`` party ``i`` accepts (AC-next per issue)."""
        rows = self.space.loss_rows
        open_j = self._open
        floor = self.u_res(i) - TOL
        settled = self.settled.tolist()
        fixed = sum(rows[j][k][i] for j, k in enumerate(settled) if k >= 0)
        lim = self._limits_of(i)
        if lim.best is None:
            lim.best = [min(rows[j][k][i] for k in a.tolist())
                        for j, a in enumerate(lim.arrays)]
        best = lim.best
        chosen: list[int] = []
        for j in open_j:
            x, y = int(digits[j]), int(counter[j])
            if x not in lim.sets[j]:
                continue
            if rows[j][x][i] > rows[j][y][i] + TOL:
                continue
            trial = [*chosen, j]
            completion = fixed + sum(rows[k][int(digits[k])][i] for k in trial) + sum(
                best[k] for k in open_j if k not in trial)
            if 1.0 - completion >= floor:
                chosen.append(j)
        return chosen

    # -- changes ---------------------------------------------------------------------------
    def settle(self, issues: Sequence[int], digits: IntArray | Sequence[int], step: int,
               meeting: int, actor: str = "table") -> None:
        """Settle ``issues`` at their values in ``digits``."""
        new = [j for j in issues if self.settled[j] < 0]
        self._version += 1
        for j in new:
            self.settled[j] = int(digits[j])
            self.settled_step[j] = step
            self.settled_meeting[j] = meeting
        self._open = tuple(j for j in self._open if self.settled[j] < 0)
        if new:
            self.log(step, meeting, actor, "settle", digits, issues=tuple(new))

    def understand(self, members: Sequence[int], issues: Sequence[int],
                   digits: IntArray | Sequence[int], step: int, meeting: int) -> None:
        """Members of a side channel bind themselves to the values of ``issues``."""
        self._version += 1
        for j in issues:
            for i in members:
                mask = np.zeros(self.space.values[j].size, dtype=bool)
                mask[int(digits[j])] = True
                self.narrowed[i][j] = mask
        if issues:
            self.log(step, meeting, "side channel", "understand", digits, issues=tuple(issues),
                     note=", ".join(self.party_ids[i] for i in members))

    def narrow(self, members: Sequence[int], offers: Sequence[IntArray | Sequence[int]],
               step: int, meeting: int) -> None:
        """Members keep their later offers within the range their last offers spanned."""
        self._version += 1
        for j in self.open_issues():
            vals = [self.space.values[j][int(d[j])] for d in offers]
            lo, hi = min(vals), max(vals)
            v = self.space.values[j]
            inside = (v >= lo - 1e-12) & (v <= hi + 1e-12)
            for i in members:
                cand = self.narrowed[i][j] & inside
                if (cand & self.red[i][j]).any():
                    self.narrowed[i][j] = cand
            self.log(step, meeting, "side channel", "narrow", None, issues=(j,),
                     note=f"{lo:g}-{hi:g}")

    def received_offer(self, members: Sequence[int], proposer: str,
                       utilities: FloatArray | Sequence[float],
                       exclude: int | None = None) -> None:
        """Every member but ``exclude`` notes its utility of an offer (for tit-for-tat).

        Only tit-for-tat parties keep them: no other strategy is shown what it received.
        """
        if not self.listening:
            return
        for i in members:
            if i != exclude and self._listens[i]:
                self.received[i].append((proposer, float(utilities[i])))

    def log(self, step: int, meeting: int, actor: str, action: str,
            digits: IntArray | Sequence[int] | None = None, *, target: float | None = None,
            issues: tuple[int, ...] = (), note: str = "", value: float | None = None) -> None:
        """Append a transcript entry."""
        pkg = digits if digits is None or type(digits) is tuple else _package(digits)
        self.records.append((step, meeting, actor, action, pkg, target, issues, note, value))
