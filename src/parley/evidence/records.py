"""What reading an article yields: evidence records, and proposed scenario updates.

An :class:`EvidenceRecord` is one thing a sentence of news text says about the talks: a
demand, a rejection, a proposal, a statement or a direct quote by an actor, the status of an
issue (progress, no agreement, agreed, still open), a meeting, an event (an accusation,
pressure, a prisoner exchange...) or the tone in which the talks are described. It keeps the
sentence and its character span in the article, the rule that fired and a confidence, so that
every record can be checked against the text by a person.

A :class:`Proposal` is a change to a scenario that some records support: a new value for a
stance's position, evidence to cite for a value, a new event, round or session. It names the
scenario field, the old and new value and the records behind it, and says whether it conflicts
with evidence the scenario already holds.

Event types follow the PLOVER ontology (Political Language Ontology for Verifiable Event
Records, draft 0.8, Open Event Data Alliance 2021; Halterman et al. 2023): see
:data:`PLOVER_TYPES`.

References
----------
.. [1] Halterman, A., Bagozzi, B. E., Beger, A., Schrodt, P. A., Scarborough, G. I. (2023).
   PLOVER and POLECAT: A New Political Event Ontology and Dataset. ISA annual convention.
.. [2] Open Event Data Alliance (2021). PLOVER manual, draft 0.8, and CAMEO2PLOVER table.

Examples
--------
>>> r = EvidenceRecord(kind="demand", sentence="Russia demands all of Donbas.", span=(0, 29),
...                    rule="demand", confidence=0.9, actor="russia", issue="donbas",
...                    value=100.0, event_type="DEMAND")
>>> r.key
('demand', 'russia', 'donbas', (0, 29))
>>> r.to_dict()["value"]
100.0
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, Literal

__all__ = [
    "ACTIONS",
    "KINDS",
    "PLOVER_TYPES",
    "STATUSES",
    "Action",
    "EvidenceRecord",
    "Kind",
    "Proposal",
    "Status",
]

Kind = Literal["demand", "rejection", "proposal", "statement", "quote", "issue_status",
               "meeting", "event", "tone"]
KINDS: tuple[Kind, ...] = ("demand", "rejection", "proposal", "statement", "quote",
                           "issue_status", "meeting", "event", "tone")

Status = Literal["progress", "no_agreement", "agreed", "open"]
STATUSES: tuple[Status, ...] = ("progress", "no_agreement", "agreed", "open")

Action = Literal["set", "add_evidence", "add_stance", "add_event", "add_round", "add_session",
                 "flag"]
ACTIONS: tuple[Action, ...] = ("set", "add_evidence", "add_stance", "add_event", "add_round",
                               "add_session", "flag")

#: The 16 PLOVER event types (draft 0.8), cooperative then conflictual. POLECAT, the data set
#: coded with PLOVER, renamed DEMAND to REQUEST; parley keeps the manual's name.
PLOVER_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",
    "DEMAND", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE",
    "ASSAULT",
)


@dataclass(frozen=True)
class EvidenceRecord:
    """One thing a sentence says about the talks (see the module docstring).

    Parameters
    ----------
    kind
        One of :data:`KINDS`.
    sentence, span
        The sentence, and its ``(start, end)`` character offsets in the article.
    rule
        The name of the rule that fired (e.g. ``"demand"``, ``"quote.after"``).
    confidence
        In (0, 1]: how sure the rule is (lower for hedged text and inferred speakers).
    actor, issue
        Scenario ids where known: the demander, rejecter, proposer, speaker or describer, or
        the agent of an event (never set for ``issue_status`` and ``meeting``); the issue.
    value
        The scale value the text places ``actor`` at (a pole of the issue's scale); for a
        rejection, the value rejected.
    status
        For ``issue_status``: one of :data:`STATUSES`.
    speaker, quote
        For quotes: the speaker as named in the text (a person or an alias) and the words.
    event_type, subtype
        The PLOVER category and parley's finer label (``accusation``, ``pressure``,
        ``threat``, ``prisoner_exchange``, ``ceasefire``, ``sanction``, ``walkout``).
    target
        The actor an event or pressure is aimed at.
    participants, venue, date, end, date_precision, duration_minutes, planned
        For meetings (and dated events): who took part, where, when (``date_precision`` is
        ``"day"`` or ``"month"``), how long, and whether it is still to come.
    tone, cue
        A tone score in [-1, 1] for tone records; the words that triggered the rule.
    """

    kind: Kind
    sentence: str
    span: tuple[int, int]
    rule: str
    confidence: float
    actor: str | None = None
    issue: str | None = None
    value: float | None = None
    status: Status | None = None
    speaker: str | None = None
    quote: str | None = None
    event_type: str | None = None
    subtype: str | None = None
    target: str | None = None
    participants: tuple[str, ...] = ()
    venue: str | None = None
    date: dt.date | None = None
    end: dt.date | None = None
    date_precision: Literal["day", "month"] | None = None
    duration_minutes: float | None = None
    planned: bool = False
    tone: float | None = None
    cue: str = ""

    @property
    def key(self) -> tuple[str, str | None, str | None, tuple[int, int]]:
        """``(kind, actor, issue, span)``: what makes two records the same finding."""
        return (self.kind, self.actor, self.issue, self.span)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (dates as ISO strings, tuples as lists)."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            v = getattr(self, name)
            if isinstance(v, dt.date):
                v = v.isoformat()
            elif isinstance(v, tuple):
                v = list(v)
            out[name] = v
        return out


@dataclass(frozen=True)
class Proposal:
    """A change to a scenario that evidence records support.

    Parameters
    ----------
    id
        A short id, unique within one call of :func:`~parley.evidence.propose`.
    action
        One of :data:`ACTIONS`: ``set`` a stance position, ``add_evidence`` to a value, round,
        session or event, ``add_stance``, ``add_event``, ``add_round``, ``add_session``, or
        ``flag`` an inconsistency for a person to resolve (applying a flag changes nothing
        unless a new value is given).
    field
        The scenario field, as a person reads it: ``stances[russia/donbas].position``,
        ``events``, ``rounds[geneva].sessions``...
    target
        The same as a tuple for the code that applies it: ``("stance", actor, issue)``,
        ``("round", id)``, ``("session", round, session)``, ``("event", id)``,
        ``("rounds",)``, ``("events",)``.
    old, new
        The value before and after (a number for positions; a mapping for new objects;
        ``None`` where there is none).
    records
        The evidence records behind the change.
    conflict, conflicts
        Whether the change contradicts evidence the scenario already holds, and that evidence
        (or the contradicting records of the same article) in words.
    note
        What else applying it does (e.g. widening an acceptable range), or why it is flagged.
    """

    id: str
    action: Action
    field: str
    target: tuple[str, ...]
    old: Any
    new: Any
    records: tuple[EvidenceRecord, ...]
    conflict: bool = False
    conflicts: tuple[str, ...] = ()
    note: str = ""

    def with_new(self, new: Any) -> Proposal:
        """The same proposal with another new value (what an analyst's edit makes)."""
        action: Action = "set" if self.action == "flag" and new is not None else self.action
        return replace(self, action=action, new=new)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping, with the records in full."""
        return {
            "id": self.id, "action": self.action, "field": self.field,
            "old": _jsonable(self.old), "new": _jsonable(self.new),
            "conflict": self.conflict, "conflicts": list(self.conflicts), "note": self.note,
            "records": [r.to_dict() for r in self.records],
        }


def _jsonable(x: Any) -> Any:
    if isinstance(x, dt.date):
        return x.isoformat()
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    return x
