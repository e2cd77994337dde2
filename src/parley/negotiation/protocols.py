"""Negotiation protocols: how the parties at one meeting exchange offers.

**Alternating offers** (:class:`AlternatingOffers`; Rubinstein 1982, in the multilateral
"stacked" form of Aydoğan et al. 2017 that NegMAS's SAO mechanism implements). The members
take turns in a fixed order. In each round every member acts once: with no offer on the table
it proposes; otherwise it responds to the offer on the table. A member that accepts adds its
acceptance; when every member has accepted the same package it is agreed. A member that
rejects puts its counter-offer on the table instead, which counts as its acceptance of the
new package. Issue by issue (the default), a rejecting member also says which issues of the
rejected package it accepts (:mod:`.table`), and issues every member has accepted are settled
while the rest stay open.

**Single negotiating text** (:class:`SingleText`; the one-text procedure of Fisher (1981)
that Raiffa (1982, ch. 14) describes at Camp David). Each round the mediator puts one text
on the table; every member accepts it or objects, an objection stating the member's
counter-offer (the package it would offer, nearest to the text) and which issues of the
text it can accept; issues every member accepts are settled; the mediator then revises the
text on the open issues to the mean of the members' positions (each member's counter-offer
value, or the text's value where it accepted that issue), rounded to the nearest value that
every member's red lines allow (objections reveal them) or, when no value is allowed by all,
to the nearest value. The first text is the mediator's own position on each issue (the mean
of the members' ideal points where it has none), rounded the same way.

**Side channels.** A meeting of some parties only runs alternating offers among them. When it
leaves parties out, what its members accept together is an *understanding*: they bind
themselves to that value (their later offers keep it), but the issue stays open until the
others accept it too. At the end of a side channel, its members also keep their later offers
on every open issue within the range that their last offers in it spanned (no backtracking on
what was conceded in private). Both feed the next plenary.

References
----------
.. [1] Rubinstein, A. (1982). Perfect equilibrium in a bargaining model. *Econometrica* 50(1),
   97-109.
.. [2] Aydoğan, R., Festen, D., Hindriks, K. V. and Jonker, C. M. (2017). Alternating offers
   protocols for multilateral negotiation. In *Modern Approaches to Agent-based Complex
   Automated Negotiation*, 153-167. Springer.
.. [3] Fisher, R. (1981). Playing the wrong game? In J. Z. Rubin (ed.), *Dynamics of Third
   Party Intervention: Kissinger in the Middle East*, 95-121. New York: Praeger.
.. [4] Raiffa, H. (1982). *The Art and Science of Negotiation*. Cambridge, MA: Harvard
   University Press.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from parley.errors import ParleyError
from parley.negotiation.offers import Package
from parley.negotiation.table import Table

__all__ = ["PROTOCOL_NAMES", "AlternatingOffers", "Protocol", "SingleText", "get_protocol"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


class _Meeting:
    """Bookkeeping of one meeting: acceptances of the values on the table."""

    def __init__(self, table: Table, index: int, members: Sequence[int]) -> None:
        self.table = table
        self.index = index
        self.members = list(members)
        self.member_set = set(members)
        self.full = self.member_set == set(range(table.n_parties))
        self.understood: set[int] = set()
        self.last: dict[int, Package] = {}
        self.pids = table.party_ids
        # the others' offers matter only to the "closest" policy
        self.near = table.policy == "closest"

    def pid(self, i: int) -> str:
        return self.pids[i]

    def open_issues(self) -> list[int]:
        return [j for j in self.table.open_issues() if j not in self.understood]

    def finish(self, issues: Sequence[int], digits: Package, step: int, actor: str) -> None:
        """Settle (all parties present) or understand (a subset) ``issues``."""
        issues = [j for j in issues if j not in self.understood]
        if not issues:
            return
        if self.full:
            self.table.settle(issues, digits, step, self.index, actor)
        else:
            self.table.understand(self.members, issues, digits, step, self.index)
            self.understood.update(issues)

    @property
    def over(self) -> bool:
        """Every issue settled, or understood here."""
        if not self.understood:
            return self.table.done
        return all(j in self.understood for j in self.table.open_issues())

    def reference(self, i: int) -> tuple[Package, ...]:
        """The others' latest offers, in the members' order (``()`` where unused)."""
        if not self.near:
            return ()
        last = self.table.last_offer
        return tuple(o for k in self.members if k != i and (o := last[k]) is not None)

    def close(self, step: int) -> None:
        if not self.full and len(self.last) == len(self.members) and not self.table.done:
            self.table.narrow(self.members, [self.last[i] for i in self.members], step,
                              self.index)


@dataclass(frozen=True)
class AlternatingOffers:
    """Multilateral alternating offers (see the module docstring)."""

    name: ClassVar[str] = "alternating"

    def run(self, table: Table, index: int, members: Sequence[int], steps: range,
            mediator: str | None = None, text: IntArray | None = None) -> IntArray | None:
        """Run one meeting of ``members`` for global rounds ``steps``."""
        mt = _Meeting(table, index, members)
        run_alternating(mt, steps)
        return None


def run_alternating(mt: _Meeting, steps: range) -> None:
    """The alternating-offers loop of one meeting."""
    table = mt.table
    m = table.space.n_issues
    by_issue = table.issue_by_issue
    # bound methods and lists used every turn, looked up once
    utilities = table.space.utilities_of
    target, accepts, offer = table.target, table.accepts_package, table.offer
    record = table.records.append  # Table.log's tuples, written directly
    last_offer, last, pids, members = table.last_offer, mt.last, mt.pids, mt.members
    index, near, listening = mt.index, mt.near, table.listening
    current: Package | None = None
    proposer = -1
    pkg_acc: set[int] = set()
    # acceptances of each value on the table (only consulted issue by issue)
    issue_acc: list[set[int]] = [set() for _ in range(m)]
    over = mt.over  # changes only when the meeting settles or understands issues
    step = steps.start
    for step in steps:
        for i in members:
            if over:
                mt.close(step)
                return
            pid = pids[i]
            tau = target(i, step)
            if current is not None and proposer != i:
                u_i = utilities(current)[i]
                if accepts(i, current, tau, u_i):
                    pkg_acc.add(i)
                    if by_issue:
                        for acc_j in issue_acc:
                            acc_j.add(i)
                    record((step, index, pid, "accept", current, tau, (), "", u_i))
                    if pkg_acc >= mt.member_set:
                        mt.finish(mt.open_issues(), current, step, pid)
                        mt.close(step)
                        return
                    continue
                y = offer(i, tau, mt.reference(i) if near else ())
                acc = table.accepts_issues(i, current, y) if by_issue else ()
                record((step, index, pid, "reject", y, tau, tuple(acc), "", u_i))
                if by_issue:
                    for j in acc:
                        issue_acc[j].add(i)
                    agreed = [j for j in mt.open_issues() if issue_acc[j] >= mt.member_set]
                    if agreed:
                        mt.finish(agreed, current, step, pid)
                        over = mt.over
                        y = tuple(current[j] if j in agreed else y[j] for j in range(m))
                if over:
                    mt.close(step)
                    return
            else:
                y = offer(i, tau, mt.reference(i) if near else ())
            if by_issue:
                for j in range(m):
                    keep = current is not None and y[j] == current[j]
                    issue_acc[j] = (issue_acc[j] | {i}) if keep else {i}
            pkg_acc.clear()  # the proposer alone accepts its offer
            pkg_acc.add(i)
            current, proposer = y, i
            last_offer[i] = y
            last[i] = y
            record((step, index, pid, "offer", y, tau, (), "", None))
            if listening:
                table.received_offer(members, pid, utilities(y), exclude=i)
    mt.close(step)


@dataclass(frozen=True)
class SingleText:
    """Raiffa's single negotiating text with a mediator (see the module docstring)."""

    name: ClassVar[str] = "single-text"

    def run(self, table: Table, index: int, members: Sequence[int], steps: range,
            mediator: str | None = None, text: IntArray | None = None) -> IntArray | None:
        """Run one meeting from the mediator's ``text``; return the last text."""
        if text is None:
            raise ParleyError("the single-text protocol needs a first text")
        mt = _Meeting(table, index, members)
        who = mediator or "mediator"
        m = table.space.n_issues
        x: Package = tuple(int(d) for d in text)
        for step in steps:
            if mt.over:
                break
            x = _with_settled(table, x)
            u = table.utilities_of(x)
            table.log(step, mt.index, who, "text", x)
            table.received_offer(mt.members, who, u)
            counters: dict[int, Package] = {}
            issue_acc: list[set[int]] = [set() for _ in range(m)]
            for i in mt.members:
                tau = table.target(i, step)
                if table.accepts_package(i, x, tau, u[i]):
                    for j in range(m):
                        issue_acc[j].add(i)
                    table.log(step, mt.index, mt.pid(i), "accept", x, target=tau, value=u[i])
                    continue
                y = table.offer(i, tau, (x,))
                acc = table.accepts_issues(i, x, y) if table.issue_by_issue else []
                for j in acc:
                    issue_acc[j].add(i)
                counters[i] = y
                table.log(step, mt.index, mt.pid(i), "reject", y, target=tau,
                          issues=tuple(acc), value=u[i])
            if not counters:
                mt.finish(mt.open_issues(), x, step, who)
                break
            if table.issue_by_issue:
                agreed = [j for j in mt.open_issues() if issue_acc[j] >= mt.member_set]
                mt.finish(agreed, x, step, who)
            x = revise_text(table, mt.members, x, counters, issue_acc, mt.understood)
        return np.asarray(x, dtype=np.int64)


def _with_settled(table: Table, x: Sequence[int]) -> Package:
    return tuple(int(s) if s >= 0 else int(d)
                 for d, s in zip(x, table.settled.tolist(), strict=True))


def common_values(table: Table, members: Sequence[int], j: int) -> IntArray:
    """Value indices of issue ``j`` that every member's limits allow."""
    common = set(range(table.space.values[j].size))
    for i in members:
        common &= table.allowed_set(i, j)
    return np.array(sorted(common), dtype=np.int64)


def revise_text(table: Table, members: Sequence[int], text: Sequence[int],
                counters: dict[int, Package], issue_acc: list[set[int]],
                keep: set[int] | None = None) -> Package:
    """The mediator's revised text: the mean of the members' positions on each open issue."""
    out = list(_with_settled(table, text))
    for j in table.open_issues():
        if keep and j in keep:
            continue
        vals = table.space.values[j]
        pos = [float(vals[int(text[j])]) if (i in issue_acc[j] or i not in counters)
               else float(vals[int(counters[i][j])]) for i in members]
        mean = sum(pos) / len(pos)
        common = common_values(table, members, j)
        out[j] = table.space.nearest(j, mean, common if common.size else None)
    return tuple(out)


Protocol = AlternatingOffers | SingleText

#: Protocol names :func:`get_protocol` knows.
PROTOCOL_NAMES: tuple[str, ...] = ("alternating", "single-text")


def get_protocol(name: str | Protocol) -> Protocol:
    """A protocol from its name (``alternating`` or ``single-text``)."""
    if isinstance(name, AlternatingOffers | SingleText):
        return name
    key = str(name).strip().lower()
    if key in ("alternating", "alternating-offers", "ao", "sao"):
        return AlternatingOffers()
    if key in ("single-text", "single_text", "text", "mediator"):
        return SingleText()
    raise ParleyError(f"unknown protocol {name!r}. Fix: use one of {', '.join(PROTOCOL_NAMES)}")
