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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from parley.deals.utility import Preferences
from parley.negotiation.offers import TOL, OfferPolicy, OfferSpace, find_offer
from parley.negotiation.strategies import Moment, Strategy, TitForTat

__all__ = ["CLOCKS", "Clock", "Entry", "Table"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
Clock = Literal["faratin", "negmas"]
#: Relative-time conventions (see the module docstring).
CLOCKS: tuple[Clock, ...] = ("faratin", "negmas")


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
    last_offer: list[IntArray | None] = field(init=False)
    transcript: list[Entry] = field(init=False)
    targets: list[list[tuple[int, float]]] = field(init=False)
    _version: int = field(init=False, default=0)
    _allowed: dict[int, tuple[int, list[IntArray], list[set[int]]]] = field(
        init=False, default_factory=dict)

    def __post_init__(self) -> None:
        n, m = self.space.n_parties, self.space.n_issues
        p = self.prefs
        self.red = [[np.asarray((v >= p.acceptable_low[i, j] - 1e-12)
                                & (v <= p.acceptable_high[i, j] + 1e-12))
                     for j, v in enumerate(self.space.values)] for i in range(n)]
        self.narrowed = [[np.ones(v.size, dtype=bool) for v in self.space.values]
                         for _ in range(n)]
        self.settled = np.full(m, -1, dtype=np.int64)
        self.settled_step = [None] * m
        self.settled_meeting = [None] * m
        self.reservation = np.asarray(p.reservation, dtype=float).copy()
        self.u_max = np.zeros(n)
        self.u_min = np.zeros(n)
        for i in range(n):
            best = worst = 0.0
            for j in range(m):
                col = self.space.loss[j][:, i]
                ok = self.red[i][j] if self.red[i][j].any() else np.ones(col.size, bool)
                best += float(col[ok].min())
                worst += float(col[ok].max())
            self.u_max[i] = min(max(1.0 - best, 0.0), 1.0)
            self.u_min[i] = min(max(1.0 - worst, 0.0), 1.0)
        self.pressure = np.ones(n)
        self.previous = [None] * n
        self.received = [[] for _ in range(n)]
        self.last_offer = [None] * n
        self.transcript = []
        self.targets = [[] for _ in range(n)]

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
        return [j for j in range(self.space.n_issues) if self.settled[j] < 0]

    @property
    def done(self) -> bool:
        """Whether every issue is settled."""
        return bool((self.settled >= 0).all())

    def invalidate(self) -> None:
        """Forget cached allowed values (call after changing ``red`` or ``narrowed``)."""
        self._version += 1

    def u_res(self, i: int) -> float:
        """Walk-away utility of party ``i`` (reservation, at least its worst utility)."""
        return max(float(self.reservation[i]), float(self.u_min[i]))

    def allowed(self, i: int) -> list[IntArray]:
        """Per issue, the value indices party ``i`` may offer now."""
        hit = self._allowed.get(i)
        if hit is not None and hit[0] == self._version:
            return hit[1]
        out = self._compute_allowed(i)
        self._allowed[i] = (self._version, out, [set(a.tolist()) for a in out])
        return out

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

    def allows(self, i: int, j: int, index: int) -> bool:
        """Whether value ``index`` of issue ``j`` is inside party ``i``'s limits."""
        self.allowed(i)
        return index in self._allowed[i][2][j]

    def time(self, i: int, step: int) -> float:
        """Relative time of party ``i`` at global round ``step``."""
        deadline = self.total_steps
        if self.deadlines and self.deadlines[i] is not None:
            deadline = int(self.deadlines[i])  # type: ignore[arg-type]
        if self.clock == "negmas":
            return min(1.0, (step + 1) / (deadline + 1))
        return 1.0 if deadline <= 1 else min(1.0, step / (deadline - 1))

    # -- rules -----------------------------------------------------------------------------
    def target(self, i: int, step: int) -> float:
        """Party ``i``'s target at ``step`` (remembered for tit-for-tat)."""
        needs = isinstance(self.strategies[i], TitForTat)
        moment = Moment(t=self.time(i, step), u_max=float(self.u_max[i]), u_res=self.u_res(i),
                        pressure=float(self.pressure[i]), previous=self.previous[i],
                        received=tuple(self.received[i]) if needs else ())
        tau = float(self.strategies[i].target(moment))
        self.previous[i] = tau
        self.targets[i].append((step, tau))
        return tau

    def utilities(self, digits: IntArray) -> FloatArray:
        """Every party's utility of a package (value indices)."""
        return self.space.utilities(digits)

    def counter(self, i: int, target: float, reference: IntArray | None) -> IntArray:
        """The package party ``i`` offers for ``target`` near ``reference``."""
        floor = max(target - self.tol, self.u_res(i))
        return find_offer(self.space, i, floor, self.allowed(i), reference, self.policy)

    def accepts_package(self, i: int, digits: IntArray, target: float,
                        utility: float | None = None) -> bool:
        """AC-target: inside ``i``'s limits and worth at least its target and walk-away."""
        for j in range(self.space.n_issues):
            if not self.allows(i, j, int(digits[j])):
                return False
        u = float(self.utilities(digits)[i]) if utility is None else utility
        return u >= max(target - self.tol, self.u_res(i) - TOL)

    def accepts_issues(self, i: int, digits: IntArray, counter: IntArray) -> list[int]:
        """The open issues whose values in ``digits`` party ``i`` accepts (AC-next per issue)."""
        loss = self.space.loss
        open_j = self.open_issues()
        floor = self.u_res(i) - TOL
        fixed = sum(float(loss[j][int(self.settled[j]), i]) for j in range(len(loss))
                    if self.settled[j] >= 0)
        allowed = self.allowed(i)
        best = {j: float(loss[j][allowed[j], i].min()) for j in open_j}
        chosen: list[int] = []
        for j in open_j:
            x, y = int(digits[j]), int(counter[j])
            if not self.allows(i, j, x):
                continue
            if float(loss[j][x, i]) > float(loss[j][y, i]) + TOL:
                continue
            trial = [*chosen, j]
            completion = fixed + sum(float(loss[k][int(digits[k]), i]) for k in trial) + sum(
                best[k] for k in open_j if k not in trial)
            if 1.0 - completion >= floor:
                chosen.append(j)
        return chosen

    # -- changes ---------------------------------------------------------------------------
    def settle(self, issues: Sequence[int], digits: IntArray, step: int, meeting: int,
               actor: str = "table") -> None:
        """Settle ``issues`` at their values in ``digits``."""
        new = [j for j in issues if self.settled[j] < 0]
        self._version += 1
        for j in new:
            self.settled[j] = int(digits[j])
            self.settled_step[j] = step
            self.settled_meeting[j] = meeting
        if new:
            self.log(step, meeting, actor, "settle", digits, issues=tuple(new))

    def understand(self, members: Sequence[int], issues: Sequence[int], digits: IntArray,
                   step: int, meeting: int) -> None:
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

    def narrow(self, members: Sequence[int], offers: Sequence[IntArray], step: int,
               meeting: int) -> None:
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

    def received_offer(self, members: Sequence[int], proposer: str, utilities: FloatArray,
                       exclude: int | None = None) -> None:
        """Every member but ``exclude`` notes its utility of an offer (for tit-for-tat)."""
        for i in members:
            if i != exclude:
                self.received[i].append((proposer, float(utilities[i])))

    def log(self, step: int, meeting: int, actor: str, action: str,
            digits: IntArray | None = None, *, target: float | None = None,
            issues: tuple[int, ...] = (), note: str = "", value: float | None = None) -> None:
        """Append a transcript entry."""
        pkg = None if digits is None else tuple(int(d) for d in digits)
        self.transcript.append(Entry(step, meeting, actor, action, pkg, target, issues, note,
                                     value))
