"""The talks as the scenario's timeline describes them: meetings, pressure, accusations.

:func:`build_timeline` turns a scenario's rounds (sorted by start date) and their sessions
(in the order listed) into a sequence of :class:`Meeting` s:

* a ``plenary`` session, or a round without sessions, is a meeting of every party present
  (all parties when the session names no participants) under the round's mediator, run with
  the chosen protocol for ``steps`` rounds of offers;
* a ``side_channel`` session with two or more parties is a meeting of those parties alone,
  run as alternating offers for ``steps`` rounds; when it leaves some parties out, what its
  members agree is an *understanding* that binds them, not yet an agreement (see
  :mod:`.protocols`);
* a session with one party and outsiders (observers, the mediator) is a *consultation*: no
  offers, but the outsiders move that party's walk-away utility (:mod:`.session`);
* a scenario without rounds is one plenary of every party.

Events feed the simulation where they describe an input rather than an outcome:

* ``kind: pressure`` events press every party among their actors (other than the mediator)
  from the first meeting of the event's round on (by date when it names no round; from the
  start when it has neither): the party's concession exponent is multiplied by
  ``1 + pressure`` (:mod:`.strategies`);
* ``kind: accusation`` events whose description speaks of delay or stalling mark the accused
  (every actor after the first) as a *staller*, the default strategy for that party;
* events of kind ``progress``, ``deadlock``, ``agreement`` and ``prisoner_exchange`` are what
  the scenario reports happened; they are not inputs, and the result shows them next to the
  simulated outcome per issue (:attr:`Timeline.reported`).

Examples
--------
>>> from parley.io import load
>>> tl = build_timeline(load("geneva-2026"), ("russia", "ukraine"))
>>> [(m.id, m.kind) for m in tl.meetings][-2:]
[('geneva-medinsky-ukraine', 'negotiation'), ('geneva-europeans-ukraine', 'consultation')]
>>> sorted(tl.stallers)
['russia']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from parley.scenario import Round, Scenario

__all__ = ["REPORTED_KINDS", "Meeting", "Pressure", "Timeline", "build_timeline"]

#: Event kinds that report an outcome (shown beside the simulated one, never used as input).
REPORTED_KINDS = ("progress", "deadlock", "agreement", "prisoner_exchange")
_STALL_WORDS = ("delay", "stall", "drag")


@dataclass(frozen=True)
class Meeting:
    """One meeting of the simulated talks.

    Attributes
    ----------
    id : str
        The session id (or the round id, or ``"plenary"``).
    round : str or None
        The scenario round it belongs to.
    format : {'plenary', 'side_channel'}
        As in the scenario.
    parties : tuple of str
        The parties present, in the parties' order.
    others : tuple of str
        Other participants (observers, mediators).
    mediator : str or None
        The round's mediator, when present.
    steps : int
        Rounds of offers it runs (0 for a consultation).
    description : str
        The session's description.
    """

    id: str
    round: str | None
    format: Literal["plenary", "side_channel"]
    parties: tuple[str, ...]
    others: tuple[str, ...]
    mediator: str | None
    steps: int
    description: str = ""

    @property
    def kind(self) -> Literal["negotiation", "consultation", "none"]:
        """``negotiation`` (two or more parties), ``consultation`` (one party and
        outsiders) or ``none``."""
        if len(self.parties) >= 2:
            return "negotiation"
        if len(self.parties) == 1 and self.others:
            return "consultation"
        return "none"


@dataclass(frozen=True)
class Pressure:
    """Mediator pressure on a party from one meeting on (an event of kind ``pressure``)."""

    party: str
    meeting: int
    event: str
    description: str = ""


@dataclass(frozen=True)
class Timeline:
    """The meetings in order, with the inputs that events provide."""

    meetings: tuple[Meeting, ...]
    pressures: tuple[Pressure, ...] = ()
    stallers: dict[str, str] = field(default_factory=dict)
    reported: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def total_steps(self) -> int:
        """Rounds of offers over the whole timeline (the deadline)."""
        return sum(m.steps for m in self.meetings)


def _mediator(scenario: Scenario, rnd: Round | None) -> str | None:
    if rnd is not None and rnd.mediator:
        return rnd.mediator
    for a in scenario.actors:
        if a.role == "mediator":
            return a.id
    return None


def _round_of_date(rounds: Sequence[Round], date: dt.date) -> str | None:
    for r in rounds:
        if r.start <= date <= (r.end or r.start):
            return r.id
    later = [r for r in rounds if r.start >= date]
    return later[0].id if later else None


def build_timeline(scenario: Scenario, parties: Sequence[str], *, steps: int = 10,
                   rounds: Sequence[str] | None = None, use_timeline: bool = True,
                   ) -> Timeline:
    """The meetings of the talks and the inputs from events (see the module docstring).

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    parties : sequence of str
        The negotiating parties (their order is the order of turns).
    steps : int
        Rounds of offers per negotiating meeting.
    rounds : sequence of str, optional
        Only these scenario rounds (default: all).
    use_timeline : bool
        ``False``: ignore the timeline and hold one plenary of ``steps`` rounds.
    """
    party_set = set(parties)
    chosen = sorted((r for r in scenario.rounds if rounds is None or r.id in rounds),
                    key=lambda r: r.start)
    meetings: list[Meeting] = []
    first_of_round: dict[str, int] = {}
    if not use_timeline or not chosen:
        med = _mediator(scenario, None)
        meetings.append(Meeting("plenary", None, "plenary", tuple(parties),
                                (med,) if med else (), med, steps))
        chosen = [] if not use_timeline else chosen
    for rnd in chosen:
        first_of_round[rnd.id] = len(meetings)
        med = _mediator(scenario, rnd)
        sessions = rnd.sessions or ()
        if not sessions:
            meetings.append(Meeting(rnd.id, rnd.id, "plenary", tuple(parties),
                                    (med,) if med else (), med, steps, rnd.description))
            continue
        for s in sessions:
            present = set(s.participants) if s.participants else party_set | (
                {med} if med else set())
            ps = tuple(p for p in parties if p in present)
            others = tuple(a for a in (s.participants or sorted(present - party_set))
                           if a not in party_set)
            m_med = med if med is not None and med in present else None
            n_steps = steps if len(ps) >= 2 else 0
            meetings.append(Meeting(s.id, rnd.id, s.format, ps, others, m_med, n_steps,
                                    s.description))

    pressures: list[Pressure] = []
    stallers: dict[str, str] = {}
    reported: dict[str, list[dict[str, Any]]] = {}
    mediators = {a.id for a in scenario.actors if a.role == "mediator"}
    for ev in scenario.events:
        rnd_id = ev.round
        if rnd_id is None and ev.date is not None:
            rnd_id = _round_of_date(chosen, ev.date)
        if ev.kind == "pressure" and use_timeline:
            start: int | None = None
            if rnd_id:
                start = first_of_round.get(rnd_id)
            elif ev.date is None:
                start = 0
            if start is None:
                continue
            for who in ev.actors:
                if who in party_set and who not in mediators:
                    pressures.append(Pressure(who, start, ev.id, ev.description))
        elif ev.kind == "accusation" and any(w in ev.description.lower() for w in _STALL_WORDS):
            for who in ev.actors[1:]:
                if who in party_set:
                    stallers.setdefault(who, ev.id)
        elif ev.kind in REPORTED_KINDS:
            for issue in ev.issues:
                reported.setdefault(issue, []).append({
                    "event": ev.id, "kind": ev.kind, "round": ev.round,
                    "date": ev.date.isoformat() if ev.date else None,
                    "description": ev.description})
    return Timeline(tuple(meetings), tuple(pressures), stallers, reported)
