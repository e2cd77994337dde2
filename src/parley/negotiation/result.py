"""What a simulated negotiation produced: agreement, issue by issue, and the transcript.

A :class:`SimulationResult` says whether the parties agreed on every issue, the agreed
package, each issue's status with the round (and meeting) it was settled in, each party's
utility against its walk-away utility, and the full transcript of offers and responses. It
is a plain value; :meth:`SimulationResult.to_dict` gives the JSON document that ``parley
simulate --json`` prints and the run store keeps.

Issue status:

``agreed``
    every party accepted the same value (the round and meeting are given);
``deadlocked``
    not agreed, and no value on the package grid lies inside every party's red lines: no
    amount of time or concession within them settles it;
``open``
    not agreed, but some value lies inside every party's red lines: the talks ran out of
    time (or patience) before the parties met there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["IssueOutcome", "IssueStatus", "SimulationResult"]

IssueStatus = Literal["agreed", "open", "deadlocked"]


@dataclass(frozen=True)
class IssueOutcome:
    """The outcome of one issue.

    Attributes
    ----------
    issue, name : str
        Issue id and name.
    status : {'agreed', 'open', 'deadlocked'}
        See the module docstring.
    value : float or None
        The agreed value.
    label : str
        The option id or nearest anchor label of the agreed value.
    round : int or None
        The global round (1-based) in which it was agreed.
    meeting : str or None
        The meeting (session id) in which it was agreed.
    scenario_round : str or None
        The scenario round that meeting belongs to.
    last_offers : dict of str to float or None
        Each party's value in its last offer.
    zone : tuple of float or None
        The values every party's red lines allow, ``(low, high)`` (``None``: none).
    reason : str
        One sentence on why it ended so.
    reported : list of dict
        What the scenario's events report for this issue (progress, deadlock...).
    """

    issue: str
    name: str
    status: IssueStatus
    value: float | None = None
    label: str = ""
    round: int | None = None
    meeting: str | None = None
    scenario_round: str | None = None
    last_offers: dict[str, float | None] = field(default_factory=dict)
    zone: tuple[float, float] | None = None
    reason: str = ""
    reported: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {"issue": self.issue, "name": self.name, "status": self.status,
                "value": self.value, "label": self.label, "round": self.round,
                "meeting": self.meeting, "scenario_round": self.scenario_round,
                "last_offers": dict(self.last_offers),
                "zone": list(self.zone) if self.zone else None, "reason": self.reason,
                "reported": list(self.reported)}


@dataclass(frozen=True)
class SimulationResult:
    """A simulated negotiation (see the module docstring).

    Attributes
    ----------
    scenario, title : str
        Scenario name and title.
    protocol : str
        ``alternating`` or ``single-text``.
    parameters : dict
        The settings it ran with.
    seed : int or None
        The seed.
    parties : tuple of str
        The negotiating parties.
    strategies : dict of str to str
        Each party's strategy.
    issues : tuple of IssueOutcome
        Per issue.
    agreement : bool
        Whether every issue was agreed.
    package : dict of str to float or None
        The agreed package (every issue), or ``None``.
    agreement_round : int or None
        The round in which the last issue was agreed.
    utilities : dict
        Per party: ``reservation`` (from the scenario), ``walk_away`` (at the end, after
        observers' influence), ``agreement`` (utility of the agreed package, or ``None``) and
        ``partial`` (agreed issues at their values, no deal on the rest), and whether the
        agreement beats walking away.
    meetings : list of dict
        The meetings in order, with their rounds of offers.
    transcript : list of dict
        Every offer, text, response, settlement and influence, in order.
    offers : dict
        ``offers[party][proposer]``: the party's utility of the proposer's offer on the
        table at the end of each round (``None`` before it offered), for the chart.
    steps : int
        Rounds of offers run.
    """

    scenario: str
    title: str
    protocol: str
    parameters: dict[str, Any]
    seed: int | None
    parties: tuple[str, ...]
    strategies: dict[str, str]
    issues: tuple[IssueOutcome, ...]
    agreement: bool
    package: dict[str, float] | None
    agreement_round: int | None
    utilities: dict[str, dict[str, Any]]
    meetings: list[dict[str, Any]]
    transcript: list[dict[str, Any]]
    offers: dict[str, dict[str, list[float | None]]]
    steps: int

    def issue(self, issue_id: str) -> IssueOutcome:
        """The outcome of one issue (``KeyError`` naming the issues otherwise)."""
        for o in self.issues:
            if o.issue == issue_id:
                return o
        raise KeyError(f"no issue {issue_id!r}; known: {[o.issue for o in self.issues]}")

    def status(self) -> dict[str, IssueStatus]:
        """Each issue's status."""
        return {o.issue: o.status for o in self.issues}

    def summary(self) -> str:
        """One paragraph: agreement or not, and the issues by status."""
        groups: dict[str, list[str]] = {"agreed": [], "open": [], "deadlocked": []}
        for o in self.issues:
            groups[o.status].append(o.issue)
        head = (f"Agreement on every issue in round {self.agreement_round}."
                if self.agreement else "No full agreement.")
        parts = [f"{k}: {', '.join(v)}" for k, v in groups.items() if v]
        return f"{head} " + "; ".join(parts) + "."

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (``parley simulate --json``, the run store)."""
        return {
            "scenario": self.scenario, "title": self.title, "protocol": self.protocol,
            "parameters": dict(self.parameters), "seed": self.seed,
            "parties": list(self.parties), "strategies": dict(self.strategies),
            "agreement": self.agreement, "package": self.package,
            "agreement_round": self.agreement_round, "steps": self.steps,
            "summary": self.summary(),
            "issues": [o.to_dict() for o in self.issues],
            "utilities": self.utilities, "meetings": self.meetings,
            "offers": self.offers, "transcript": self.transcript,
        }
