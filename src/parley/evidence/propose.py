"""Turn evidence records into proposed scenario updates, and flag conflicts.

:func:`propose` compares what an article says with what the scenario holds:

- **stances**: a demand or proposal that places an actor at a pole of an issue's scale is
  compared with the actor's position. Within ``tolerance`` (a share of the scale's width) it
  is cited as evidence for the position (``add_evidence``) unless the sentence is already
  cited; further away it proposes the new value (``set``), flagged as a conflict when the old
  value has evidence of its own. An actor without a stance gets ``add_stance`` (the salience
  is left for the analyst). A rejection of a pole supports a position away from it; if the
  actor's position or acceptable range holds the value it rejects, that is ``flag`` ged. If
  one article places an actor at both ends, that is flagged too.
- **timeline**: a meeting with a venue or a date is matched to a round (same venue,
  overlapping dates) and to a session in it (same participants, compatible date and length);
  a match that does not yet cite the sentence gets ``add_evidence``; otherwise the meeting
  becomes a new session (``add_session``) or, with no round to hold it, a new round
  (``add_round``; meetings of one article at one venue and month, or at that venue with no
  date, or on overlapping dates with two or more participants in common, make one round).
  Meetings still to come are not proposed. Undated events go in the round of the article's
  first placed meeting when the scenario already has that round.
- **events**: events (accusation, pressure, threat, sanction, walkout, prisoner exchange,
  ceasefire) and issue statuses on a named issue (progress; no agreement or still open, both
  recorded as ``deadlock``; agreement) become scenario events, unless an event of the same
  kind already cites the sentence. Reports of one article on the same kind and issues (or the
  same agent, target and issue) make one event; an issue status takes the date of a meeting
  reported in its sentence. An existing event of the same kind on the same actors or issues
  within the reported dates gets the sentences as evidence; one undated, or within 14 days of
  them, makes the new event a possible duplicate, flagged as a conflict.

Statements, quotes, tone and records whose value the text does not give change nothing: they
are evidence for a reader, not numbers.

Evidence is cited with the source id :data:`ARTICLE`, which
:func:`~parley.evidence.apply_proposals` replaces by the article's source id.

Examples
--------
>>> from parley.io import load
>>> from parley.evidence import extract
>>> s = load("geneva-2026")
>>> recs = extract("Moscow now demands Article 5-like guarantees for Kyiv.", s)
>>> [(p.action, p.field, p.old, p.new, p.conflict) for p in propose(recs, s)]
[('set', 'stances[russia/security-guarantees].position', 85.0, 0.0, True)]
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from parley.evidence.records import EvidenceRecord, Proposal
from parley.scenario import Evidence, Round, Scenario, Stance

__all__ = ["ARTICLE", "EVENT_KINDS", "cites", "normalise", "propose"]

#: The placeholder source id of the article in proposed evidence.
ARTICLE = "<article>"

#: Scenario event kind for each event subtype and issue status.
EVENT_KINDS: dict[str, str] = {
    "accusation": "accusation", "pressure": "pressure", "threat": "threat",
    "sanction": "sanction", "walkout": "walkout", "prisoner_exchange": "prisoner_exchange",
    "ceasefire": "truce", "progress": "progress", "no_agreement": "deadlock",
    "open": "deadlock", "agreed": "agreement",
}

_CURLY = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def normalise(text: str) -> str:
    """Straight quotes for curly ones and single spaces: how quotes are compared."""
    return re.sub(r"\s+", " ", text.translate(_CURLY)).strip()


def cites(evidence: Sequence[Evidence], sentence: str) -> bool:
    """Whether some evidence item already quotes ``sentence`` (or a long part of it)."""
    s = normalise(sentence)
    for ev in evidence:
        q = normalise(ev.quote)
        if q and (q == s or (len(q) >= 20 and q in s)):
            return True
    return False


def propose(records: Sequence[EvidenceRecord], scenario: Scenario, *,
            tolerance: float = 0.1) -> list[Proposal]:
    """Propose scenario updates that ``records`` support (see the module docstring).

    Parameters
    ----------
    records
        Evidence records of one article (from :func:`~parley.evidence.extract`).
    scenario
        The scenario to update.
    tolerance
        How far (as a share of the issue's scale width) a stated pole may lie from the
        current position and still count as agreeing with it.

    Returns
    -------
    list of Proposal
        Stance proposals first, then rounds and sessions, then events; ids ``p1``, ``p2``...
    """
    out: list[dict[str, Any]] = []
    _stance_proposals(records, scenario, tolerance, out)
    main_round = _timeline_proposals(records, scenario, out)
    _event_proposals(records, scenario, main_round, out)
    return [Proposal(id=f"p{k}", **p) for k, p in enumerate(out, 1)]


# ------------------------------------------------------------------------------------------
def _evidence(records: Sequence[EvidenceRecord]) -> list[dict[str, str]]:
    seen: dict[str, dict[str, str]] = {}
    for r in records:
        seen.setdefault(normalise(r.sentence), {
            "source": ARTICLE, "quote": normalise(r.sentence),
            "note": f"parley.evidence: {r.kind} ({r.rule}), confidence {r.confidence:.2f}"})
    return list(seen.values())


def _describe(ev: Evidence) -> str:
    text = ev.quote or ev.note
    return f"[{ev.source}] " + (text if len(text) <= 160 else text[:159] + "…")


def _stance_proposals(records: Sequence[EvidenceRecord], s: Scenario, tolerance: float,
                      out: list[dict[str, Any]]) -> None:
    groups: dict[tuple[str, str], list[EvidenceRecord]] = {}
    for r in records:
        if r.kind in ("demand", "proposal", "rejection") and r.actor and r.issue \
                and r.value is not None:
            groups.setdefault((r.actor, r.issue), []).append(r)
    for (actor, issue_id), recs in groups.items():
        issue = s.issue(issue_id)
        tol = tolerance * (issue.scale.high - issue.scale.low)
        stance = s.stance(actor, issue_id)
        field = f"stances[{actor}/{issue_id}].position"
        target = ("stance", actor, issue_id)
        support = [r for r in recs if r.kind != "rejection"]
        rejects = [r for r in recs if r.kind == "rejection"]
        values = sorted({r.value for r in support if r.value is not None})
        old = stance.position.value if stance else None
        evidence = stance.position.evidence if stance else ()
        if len(values) > 1:
            out.append({"action": "flag", "field": field, "target": target, "old": old, "new": None,
                            "records": tuple(support), "conflict": True,
                            "conflicts": tuple(f"{r.kind}: {r.sentence}" for r in support),
                            "note": f"the article places {actor} at {values} on {issue_id}; "
                                 "give the value to keep"})
        elif values:
            v = values[0]
            if stance is None:
                out.append({"action": "add_stance", "field": f"stances[{actor}/{issue_id}]",
                                "target": target, "old": None,
                                "new": {"position": v, "salience": None,
                                     "evidence": _evidence(support)},
                                "records": tuple(support),
                                "note": "no stance yet: give a salience when accepting"})
            elif abs(v - stance.position.value) <= tol:
                if not cites(evidence, support[0].sentence):
                    out.append({"action": "add_evidence", "field": field, "target": target,
                                "old": old,
                                    "new": {"evidence": _evidence(support)},
                                    "records": tuple(support),
                                    "note": f"supports the current value {old:g}"})
            else:
                out.append({"action": "set", "field": field, "target": target, "old": old, "new": v,
                                "records": tuple(support), "conflict": bool(evidence),
                                "conflicts": tuple(_describe(e) for e in evidence),
                                "note": _set_note(stance, v)})
        for r in rejects:
            if stance is None or r.value is None:
                continue
            acc = stance.acceptable
            p = stance.position.value
            if abs(p - r.value) <= tol or (acc is not None and acc.contains(r.value)):
                where = (f"its position {p:g}" if abs(p - r.value) <= tol else
                         f"its acceptable range [{acc.low:g}, {acc.high:g}]"  # type: ignore[union-attr]
                         )
                out.append({"action": "flag", "field": field, "target": target, "old": p,
                            "new": None,
                                "records": (r,), "conflict": True,
                                "conflicts": tuple(_describe(e) for e in evidence),
                                "note": f"{actor} rejects {r.value:g} on {issue_id}, but "
                                     f"{where} holds it; give a new position or reject"})
            elif not cites(evidence, r.sentence) and not values:
                out.append({"action": "add_evidence", "field": field, "target": target, "old": p,
                                "new": {"evidence": _evidence([r])}, "records": (r,),
                                "note": f"{actor} rejects {r.value:g}, consistent with "
                                     f"its position {p:g}"})


def _set_note(stance: Stance, v: float) -> str:
    notes = []
    acc = stance.acceptable
    if acc is not None and not acc.contains(v):
        notes.append(f"widens the acceptable range [{acc.low:g}, {acc.high:g}] to include {v:g}")
    u = stance.position.uncertainty
    if u is not None:
        notes.append(f"moves the {u.kind} uncertainty to centre on {v:g}")
    return "; ".join(notes)


# ------------------------------------------------------------------------------------------
def _span(r: EvidenceRecord) -> tuple[dt.date, dt.date] | None:
    if r.date is None:
        return None
    end = r.end or r.date
    if r.date_precision == "month":
        nxt = (r.date.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        end = max(end, nxt - dt.timedelta(days=1))
    return r.date, end


def _overlaps(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _round_span(rnd: Round) -> tuple[dt.date, dt.date]:
    return rnd.start, rnd.end or rnd.start


def _same_place(a: str, b: str) -> bool:
    a, b = a.casefold(), b.casefold()
    return a == b or a in b or b in a


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "talks"


def _timeline_proposals(records: Sequence[EvidenceRecord], s: Scenario,
                        out: list[dict[str, Any]]) -> str | None:
    """Meeting proposals; returns the id of the round the article is mainly about: the round of
    its first placed meeting, if the scenario has it (undated events are put in it)."""
    main: str | None = None
    decided = False
    pending: dict[tuple[str, str], dict[str, Any]] = {}
    parties = {a.id for a in s.parties}
    for r in records:
        if r.kind != "meeting" or r.planned or (r.venue is None and r.date is None):
            continue
        span = _span(r)
        rounds = [x for x in s.rounds
                  if (r.venue is None or _same_place(x.venue, r.venue))
                  and (span is None or _overlaps(span, _round_span(x)))]
        if r.venue is None and len(rounds) != 1:
            continue
        key = next((k for k, prop in pending.items() if _same_meeting(prop, r)), None)
        if key is not None:
            _merge_round(pending[key], r, s)
        elif rounds:
            rnd = max(rounds, key=lambda x: x.start)
            main = rnd.id if not decided else main
            _meeting_in_round(r, rnd, parties, out)
        elif r.venue is not None and span is not None:
            key = (r.venue.casefold(), f"{span[0]:%Y-%m}")
            pending[key] = _new_round(r, s)
            out.append(pending[key])
        else:
            continue
        decided = True
    return main


def _same_meeting(proposal: dict[str, Any], r: EvidenceRecord) -> bool:
    """Whether meeting ``r`` belongs to a round already proposed from the same article: same
    place and month (or same place, no date), or overlapping dates with two participants in
    common (a palace in the city)."""
    new = proposal["new"]
    span = _span(r)
    if span is None:
        return r.venue is not None and _same_place(new["venue"], r.venue)
    mine = (new["start"], new.get("end", new["start"]))
    if _same_place(new["venue"], r.venue or "") and f"{mine[0]:%Y-%m}" == f"{span[0]:%Y-%m}":
        return True
    members = {a for x in new["sessions"] for a in x["participants"]}
    return _overlaps(mine, span) and len(members & set(r.participants)) >= 2


def _session_for(r: EvidenceRecord, rnd_id: str, n: int, parties: set[str],
                 mediator: str | None) -> dict[str, Any]:
    full = parties | ({mediator} if mediator else set())
    sess: dict[str, Any] = {
        "id": f"{rnd_id}-s{n}",
        "format": "plenary" if full <= set(r.participants) else "side_channel",
        "participants": list(r.participants),
        "evidence": _evidence([r]),
    }
    if r.date is not None and (r.end is None or r.end == r.date) and r.date_precision == "day":
        sess["date"] = r.date
    if r.duration_minutes:
        sess["duration_minutes"] = r.duration_minutes
    return sess


def _meeting_in_round(r: EvidenceRecord, rnd: Round, parties: set[str],
                      out: list[dict[str, Any]]) -> None:
    cited = cites(rnd.evidence, r.sentence) or any(cites(x.evidence, r.sentence)
                                                   for x in rnd.sessions)
    if cited:
        return
    span = _span(r)
    for x in rnd.sessions:
        if r.participants and set(x.participants) != set(r.participants):
            continue
        if r.duration_minutes and x.duration_minutes and r.duration_minutes != x.duration_minutes:
            continue
        if span and x.date and not span[0] <= x.date <= span[1]:
            continue
        out.append({"action": "add_evidence", "field": f"rounds[{rnd.id}].sessions[{x.id}]",
                        "target": ("session", rnd.id, x.id), "old": None,
                        "new": {"evidence": _evidence([r])}, "records": (r,),
                        "note": f"the meeting reported is session {x.id} of round {rnd.id}"})
        return
    if r.participants:
        added = sum(1 for p in out if p["action"] == "add_session" and p["target"][1] == rnd.id)
        sess = _session_for(r, rnd.id, len(rnd.sessions) + added + 1, parties, rnd.mediator)
        out.append({"action": "add_session", "field": f"rounds[{rnd.id}].sessions",
                        "target": ("round", rnd.id), "old": None, "new": sess, "records": (r,),
                        "note": f"a meeting within round {rnd.id} that it does not list yet"})
    else:
        out.append({"action": "add_evidence", "field": f"rounds[{rnd.id}]",
                        "target": ("round", rnd.id), "old": None,
                    "new": {"evidence": _evidence([r])},
                        "records": (r,), "note": f"the meeting reported is round {rnd.id}"})


def _new_round(r: EvidenceRecord, s: Scenario) -> dict[str, Any]:
    span = _span(r)
    assert span is not None
    assert r.venue is not None
    start = r.date or span[0]
    rid = f"{_slug(r.venue)}-{start:%Y-%m-%d}" if r.date_precision == "day" else \
        f"{_slug(r.venue)}-{start:%Y-%m}"
    taken = {x.id for x in s.rounds}
    base, k = rid, 2
    while rid in taken:
        rid, k = f"{base}-{k}", k + 1
    mediators = [a for a in r.participants if s.actor(a).role == "mediator"]
    new: dict[str, Any] = {"id": rid, "name": f"Talks in {r.venue}", "start": start,
                           "venue": r.venue, "sessions": [], "evidence": []}
    if r.end and r.end != start:
        new["end"] = r.end
    if mediators:
        new["mediator"] = mediators[0]
    note = "a round the scenario does not have"
    if r.date_precision == "month":
        new["description"] = "Date known to the month only (start set to the 1st)."
        note += "; the article gives only the month, so it starts on the 1st"
    proposal: dict[str, Any] = {"action": "add_round", "field": "rounds", "target": ("rounds",),
                                    "old": None, "new": new, "records": (), "note": note}
    _merge_round(proposal, r, s)
    return proposal


def _merge_round(proposal: dict[str, Any], r: EvidenceRecord, s: Scenario) -> None:
    new = proposal["new"]
    proposal["records"] = (*proposal["records"], r)
    if r.date is not None:
        if r.date < new["start"]:
            new["end"] = new.get("end", new["start"])
            new["start"] = r.date
        last = r.end or r.date
        if last > new.get("end", new["start"]):
            new["end"] = last
    for ev in _evidence([r]):
        if ev not in new["evidence"]:
            new["evidence"].append(ev)
    if not r.participants:
        return
    parties = {a.id for a in s.parties}
    for sess in new["sessions"]:
        if set(sess["participants"]) == set(r.participants):
            sess["evidence"] += [e for e in _evidence([r]) if e not in sess["evidence"]]
            if r.duration_minutes and "duration_minutes" not in sess:
                sess["duration_minutes"] = r.duration_minutes
            return
    new["sessions"].append(_session_for(r, new["id"], len(new["sessions"]) + 1, parties,
                                        new.get("mediator")))
    if "mediator" not in new:
        mediators = [a for a in r.participants if s.actor(a).role == "mediator"]
        if mediators:
            new["mediator"] = mediators[0]


# ------------------------------------------------------------------------------------------
def _event_proposals(records: Sequence[EvidenceRecord], s: Scenario, main_round: str | None,
                     out: list[dict[str, Any]]) -> None:
    meeting_dates = {r.span: r for r in records if r.kind == "meeting" and r.date is not None}
    by_sentence: dict[tuple[str, tuple[int, int]], list[EvidenceRecord]] = {}
    for r in records:
        if r.kind == "event" and r.subtype in EVENT_KINDS:
            kind = EVENT_KINDS[r.subtype]
        elif r.kind == "issue_status" and r.issue and r.status in EVENT_KINDS:
            kind = EVENT_KINDS[r.status]
            if r.date is None and r.span in meeting_dates:
                m = meeting_dates[r.span]
                r = replace(r, date=m.end or m.date, date_precision=m.date_precision)
        else:
            continue
        by_sentence.setdefault((kind, r.span), []).append(r)
    groups: dict[tuple[Any, ...], list[EvidenceRecord]] = {}
    for (kind, _), recs in by_sentence.items():
        if recs[0].kind == "event":
            key: tuple[Any, ...] = (kind, recs[0].actor, recs[0].target, recs[0].issue)
        else:
            key = (kind, tuple(sorted(r.issue or "" for r in recs)))
        groups.setdefault(key, []).extend(recs)
    taken = {e.id for e in s.events}
    for (kind, *_), recs in groups.items():
        sentence = recs[0].sentence
        same_kind = [e for e in s.events if e.kind == kind]
        recs = [r for r in recs if not any(cites(e.evidence, r.sentence) for e in same_kind)]
        if not recs:
            continue
        actors = list(dict.fromkeys(a for r in recs for a in (r.actor, r.target, *r.participants)
                                    if a))
        issues = list(dict.fromkeys(r.issue for r in recs if r.issue))
        dated = next((r for r in recs if r.date is not None), None)
        date = dated.date if dated else None
        precision = dated.date_precision if dated else None
        window = _span(dated) if dated else None
        related = [e for e in same_kind
                   if (set(e.actors) & set(actors) or set(e.issues) & set(issues))
                   and (e.date is None or window is None
                        or window[0] - _NEAR <= e.date <= window[1] + _NEAR)]
        same_time = [e for e in related
                     if e.date is not None and window is not None
                     and window[0] <= e.date <= window[1]]
        sentence = recs[0].sentence
        if same_time:
            e = same_time[0]
            out.append({"action": "add_evidence", "field": f"events[{e.id}]",
                            "target": ("event", e.id), "old": None,
                        "new": {"evidence": _evidence(recs)},
                            "records": tuple(recs),
                            "note": f"reports event {e.id} ({kind}, {e.date})"})
            continue
        slug = _slug(issues[0] if issues else actors[0] if actors else "talks")
        head = kind.replace("_", "-")
        eid = head + ("" if slug == head else f"-{slug}") + (f"-{date:%Y-%m-%d}" if date else "")
        base, k = eid, 2
        while eid in taken:
            eid, k = f"{base}-{k}", k + 1
        taken.add(eid)
        new: dict[str, Any] = {"id": eid, "kind": kind, "description": sentence,
                               "actors": actors, "issues": issues, "evidence": _evidence(recs)}
        if date is not None:
            new["date"] = date
        rnd = _round_of(s, date) if date else main_round
        if rnd is not None:
            new["round"] = rnd
        note = "a new event"
        if precision == "month":
            note += "; the article gives only the month"
        out.append({"action": "add_event", "field": "events", "target": ("events",), "old": None,
                        "new": new, "records": tuple(recs), "conflict": bool(related),
                        "conflicts": tuple(f"may repeat event {e.id} ({e.kind}, "
                                        f"{e.date or 'undated'})" for e in related),
                        "note": note})


_NEAR = dt.timedelta(days=14)


def _round_of(s: Scenario, day: dt.date) -> str | None:
    return next((x.id for x in s.rounds if x.start <= day <= (x.end or x.start)), None)

