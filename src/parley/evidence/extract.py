"""Read an article: evidence records from rules over its sentences.

:func:`extract` splits the article into sentences (:mod:`~parley.evidence.sentences`), finds in
each the scenario's actors, issues and pole phrases (:mod:`~parley.evidence.gazetteer`), the
quotations (:mod:`~parley.evidence.quotes`), the cue words of each family
(:mod:`~parley.evidence.rules`), dates and durations (:mod:`~parley.evidence.dates`) and tone
words (:mod:`~parley.evidence.tone`), and combines them into :class:`EvidenceRecord` s. This is
the shallow, cascaded pattern matching of classic information extraction (Hobbs et al. 1997's
FASTUS; Appelt & Israel 1999) with a domain gazetteer, and the dictionary-driven event coding
of political event data (Schrodt 2001's TABARI, the CAMEO/PLOVER verb classes):

- **who**: the agent of a cue is the actor named before it in its clause: the nearest
  comma-separated stretch of text that names one, skipping names after a preposition
  ("talks *with* Zelensky", "*in* Kyiv") and inside pole phrases ("under *Russian* control");
  after a verb of saying, only the names after it count ("Zelensky said *Ukraine* would not
  accept"); a possessive right before a noun cue is its agent ("the *North’s* offer"); a cue
  inside a quotation belongs to its speaker; "he"/"she"/"they" is the actor of the previous
  sentence's first record;
- **what**: the issues named (or implied by a pole phrase) in the rest of the clause after
  the cue, else in the clause before it; a pole phrase up to the next comma places the actor at
  that end of the scale (for a rejection, the end rejected; a rejection may also point back to
  a pole earlier in the sentence, as in "demands full control of Donbas -- terms Ukraine has
  rejected");
- **quotes**: ``“…,” X said`` (the first name after the quote), ``X said/described the talks
  as “…”`` (the agent of the last verb of saying before it), else the nearest person, else the
  nearest actor named before it (``what Kyiv considers a “just peace”``);
- **meetings**: participants are the actors named outside place phrases plus collective
  phrases ("both sides"); "the talks"/"the meeting" at the start of a sentence refers to the
  previous meeting and inherits its participants (and its venue if it names none; a session or
  meeting with no date of its own also keeps the last venue); the venue is the capitalised name
  after "in", "at", "travelled to" or "capital of" that is no actor's name; dates and
  durations come from the sentence;
- **statements**: a verb of saying whose speaker has no other record in the sentence and
  whose words hold no other cue;
- **tone**: a tone word in a sentence about the talks, attributed like a cue.

Confidence starts at 0.9 for a strong cue with a named agent (0.7 for weak cues and
inferred speakers), and drops by 15 % in hedged sentences ("reportedly", "according to",
"could"). No model, no network: everything comes from the scenario and the text.

References
----------
.. [1] Hobbs, J. R., Appelt, D., Bear, J., Israel, D., Kameyama, M., Stickel, M., Tyson, M.
   (1997). FASTUS: A cascaded finite-state transducer for extracting information from
   natural-language text. In Roche & Schabes (eds.), Finite-State Language Processing,
   383-406. MIT Press.
.. [2] Appelt, D. E., Israel, D. J. (1999). Introduction to information extraction
   technology. IJCAI-99 tutorial.
.. [3] Schrodt, P. A. (2001). Automated coding of international event data using sparse
   parsing techniques. International Studies Association, Chicago.

Examples
--------
>>> import datetime as dt
>>> from parley.io import load
>>> recs = extract("Russia continues to demand full control of the Donbas.", load("geneva-2026"),
...                published=dt.date(2026, 2, 18))
>>> [(r.kind, r.actor, r.issue, r.value, r.event_type) for r in recs]
[('demand', 'russia', 'donbas', 100.0, 'DEMAND')]
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from parley.evidence.dates import find_dates, find_durations, is_future
from parley.evidence.gazetteer import (
    ActorMention,
    Gazetteer,
    GroupMention,
    IssueMention,
    PoleMention,
)
from parley.evidence.quotes import Quote, find_quotes
from parley.evidence.records import EvidenceRecord
from parley.evidence.rules import CueMatch, find_cues, find_speech
from parley.evidence.sentences import Sentence, split_sentences
from parley.evidence.tone import find_tone
from parley.scenario import Scenario

__all__ = ["extract"]

_STRONG = re.compile(r"[;:—–]|,?\s+(?:but|while|whereas|although|though)\b|,\s+which\b", re.I)
_WEAK = re.compile(r"[,()]")
_OBJECT_PREP = re.compile(
    r"\b(?:with|to|against|in|at|on|into|toward|towards|over|about|for|of|near|outside)"
    r"\s+(?:the\s+|a\s+|an\s+)?$", re.I)
_ACCORDING = re.compile(r"\baccording to\s+(?:the\s+)?$", re.I)
_PLACE_PREP = re.compile(r"\b(?:in|at|near|outside)\s+(?:the\s+)?$", re.I)
_PRONOUN = re.compile(r"\b(?:he|she|they)\b", re.I)
_IMMEDIATE_PRONOUN = re.compile(r"\b(?:he|she|they)(?:\s+(?:also|then|later|had|has|have))?"
                                r"\s*$", re.I)
_COORDINATED = re.compile(r"^[\s,]*(?:and|or|as well as|&)?[\s,]*(?:(?:the|[A-Z][\w’'.-]*)\s+)*$")
_HEDGE = re.compile(r"\b(?:reportedly|according to|sources?|familiar with|allegedly|could|may|"
                    r"might|appear(?:s|ed)? to|said to)\b", re.I)
_TALK_WORDS = re.compile(r"\b(?:talks|negotiations|discussions|meetings?|session|round|"
                         r"atmosphere|tone|exchange|consultations|mood)\b", re.I)
_TONE_VERB = re.compile(r"\b(?:described|describes|calling|called|calls|expressed|expresses|"
                        r"struck|strikes|voiced)\b", re.I)
_REALISED = re.compile(r"\b(?:led to|carried out|took place|completed|returned|released|freed|"
                       r"swapped|exchanged|handed over|came home|brokered|held)\b", re.I)
_IRREALIS = re.compile(r"\b(?:agree(?:d|s|ing)? to|will|would|could|may|might|plans? to|"
                       r"planned|expected|hope)\b", re.I)
_DEFINITE_START = re.compile(r"^(?:The|This|That|These|Those|It)\b(?:\s+[\w’'-]+){0,3}?\s*"
                             r"(?:talks|negotiations|meeting|session|round|discussions|"
                             r"consultations|was|were)\b")
_VENUE = re.compile(r"\b(?:in|at|(?:travell?ed|flew|went|came|returned) to)\s+(?:the\s+)?"
                    r"([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*)"
                    r"|\bcapital of\s+([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*)")
_NOT_PLACES = frozenset((
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
    "Saturday", "Sunday", "The", "A", "An",
))
_NOUN_CUES = re.compile(r"^(?:offer|proposal|demand|refusal|plan|accusations?)", re.I)


@dataclass
class _Context:
    """What carries over from one sentence to the next."""

    last_actor: str | None = None
    last_person: str | None = None
    last_meeting: EvidenceRecord | None = None


@dataclass
class _Candidate:
    actors: tuple[str, ...]
    via: str  # "named", "pronoun", "quote", "possessive", "agent"
    person: str | None = None
    text: str = ""


@dataclass
class _Reading:
    """One sentence with everything the rules look at."""

    sentence: Sentence
    g: Gazetteer
    published: dt.date | None
    ctx: _Context
    mentions: list[ActorMention] = field(default_factory=list)
    groups: list[GroupMention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    speakers: dict[int, _Candidate] = field(default_factory=dict)
    cues: list[CueMatch] = field(default_factory=list)
    speech: list[tuple[int, int]] = field(default_factory=list)
    strong: list[tuple[int, int]] = field(default_factory=list)
    poles: list[PoleMention] = field(default_factory=list)
    keywords: list[IssueMention] = field(default_factory=list)
    pole_spans: list[tuple[int, int]] = field(default_factory=list)
    out: list[tuple[int, EvidenceRecord]] = field(default_factory=list)
    hedged: bool = False

    @property
    def text(self) -> str:
        return self.sentence.text


# ------------------------------------------------------------------------------------------
def extract(text: str, scenario: Scenario, *,
            published: dt.date | None = None) -> list[EvidenceRecord]:
    """Read an article and return the evidence records it holds about the scenario's talks.

    Parameters
    ----------
    text
        The article: a headline line, a blank line, then paragraphs separated by blank lines.
    scenario
        The scenario whose actors, people, issue keywords and pole phrases are looked for.
    published
        The publication date; weekdays and other relative dates are resolved against it
        (without it, only dates that name their year are given).

    Returns
    -------
    list of EvidenceRecord
        In the order of the text; at most one record per kind, actor, issue and sentence.

    Raises
    ------
    MissingExtraError
        If a date needs resolving and ``dateparser`` is not installed.
    """
    g = Gazetteer(scenario)
    ctx = _Context()
    records: list[EvidenceRecord] = []
    for sentence in split_sentences(text):
        records += _read(sentence, g, published, ctx)
    return records


def _read(sentence: Sentence, g: Gazetteer, published: dt.date | None,
          ctx: _Context) -> list[EvidenceRecord]:
    r = _Reading(sentence, g, published, ctx)
    t = r.text
    r.mentions = g.actors_in(t)
    r.groups = g.groups_in(t)
    r.quotes = find_quotes(t)
    r.cues = find_cues(t)
    r.speech = [s for s in find_speech(t) if not _quoted(r, s[0])]
    r.strong = [m.span() for m in _STRONG.finditer(t)]
    r.poles = g.poles_in(t)
    r.keywords = g.issues_in(t)
    r.pole_spans = [(p.start, p.end) for p in r.poles]
    r.hedged = _HEDGE.search(t) is not None
    _quotations(r)
    _stances(r)
    _statuses(r)
    _events(r)
    _meeting(r)
    _tone(r)
    _statements(r)
    records = _dedupe(r.out)
    for rec in records:
        if rec.actor is not None and rec.kind != "meeting":
            ctx.last_actor = rec.actor
            ctx.last_person = rec.speaker or next(
                (m.person for m in r.mentions if m.actor == rec.actor and m.person), None)
            break
    return records


# ------------------------------------------------------------------------------------------
# who
def _quoted(r: _Reading, pos: int) -> Quote | None:
    return next((q for q in r.quotes if q.holds(pos)), None)


def _clause(r: _Reading, pos: int) -> tuple[int, int]:
    start, end = 0, len(r.text)
    for a, b in r.strong:
        if b <= pos:
            start = b
        elif a >= pos:
            end = a
            break
    return start, end


def _is_object(r: _Reading, m: ActorMention) -> bool:
    return _OBJECT_PREP.search(r.text[max(0, m.start - 20):m.start]) is not None


def _in_pole(r: _Reading, m: ActorMention) -> bool:
    return any(a <= m.start < b for a, b in r.pole_spans)


def _segments(r: _Reading, start: int, end: int) -> list[tuple[int, int]]:
    """Comma-separated stretches of ``[start, end)``, nearest to ``end`` first."""
    cuts = [start] + [m.end() for m in _WEAK.finditer(r.text, start, end)] + [end]
    return [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 2, -1, -1)]


def _subject(r: _Reading, pos: int) -> _Candidate | None:
    """The actor(s) that do what the word at ``pos`` says (see the module docstring)."""
    inside = _quoted(r, pos)
    if inside is not None and inside.start in r.speakers:
        return r.speakers[inside.start]
    for m in r.mentions:
        if m.possessive and 0 <= pos - m.end <= 2 and _NOUN_CUES.match(r.text[pos:]):
            return _Candidate((m.actor,), "possessive", m.person, m.text)
    start, _ = _clause(r, pos)
    for k, (a, b) in enumerate(_segments(r, start, pos)):
        found = _named_in(r, a, b, inside)
        if found is not None:
            return found
        if k == 0 and _PRONOUN.search(r.text, a, b) and r.ctx.last_actor is not None:
            return _Candidate((r.ctx.last_actor,), "pronoun", r.ctx.last_person)
    if start > 0:
        for a, b in _segments(r, 0, start):
            found = _named_in(r, a, b, inside)
            if found is not None:
                return found
    m_by = re.compile(r"\bby\s+(?:the\s+)?$")
    for m in r.mentions:
        if m.start > pos and m_by.search(r.text[max(0, m.start - 8):m.start]):
            return _Candidate((m.actor,), "agent", m.person, m.text)
    return None


def _named_in(r: _Reading, a: int, b: int, inside: Quote | None) -> _Candidate | None:
    """The agent named in ``[a, b)``: the first run of coordinated names (after a verb of
    saying if there is one); a pronoun right before ``b`` stands for the sentence's first
    named person, or for the previous sentence's agent."""
    if _IMMEDIATE_PRONOUN.search(r.text, a, b):
        first = next((m for m in r.mentions if m.person and m.start < a
                      and not _is_object(r, m)), None)
        if first is not None:
            return _Candidate((first.actor,), "pronoun", first.person, first.text)
        if r.ctx.last_actor is not None:
            return _Candidate((r.ctx.last_actor,), "pronoun", r.ctx.last_person)
    found: list[ActorMention | GroupMention] = [
        m for m in r.mentions
        if a <= m.start < b and not _is_object(r, m) and not _in_pole(r, m)
        and _quoted(r, m.start) is inside]
    found += [grp for grp in r.groups if a <= grp.start < b and _quoted(r, grp.start) is inside]
    if not found:
        return None
    found.sort(key=lambda m: m.start)
    last_speech = max((s for s, _ in r.speech if a <= s < b), default=None)
    if last_speech is not None:
        after = [m for m in found if m.start > last_speech]
        found = after or found
    run = [found[0]]
    for prev, m in itertools.pairwise(found):
        same = _actors_of(prev) == _actors_of(m)
        if not (same or _COORDINATED.match(r.text[prev.end:m.start])):
            break
        run.append(m)
    actors: list[str] = []
    for m in run:
        for actor in _actors_of(m):
            if actor not in actors:
                actors.append(actor)
    person = next((m.person for m in run if isinstance(m, ActorMention) and m.person), None)
    return _Candidate(tuple(actors), "named", person, run[0].text)


def _actors_of(m: ActorMention | GroupMention) -> tuple[str, ...]:
    return m.actors if isinstance(m, GroupMention) else (m.actor,)


def _attribute(r: _Reading, q: Quote) -> tuple[_Candidate | None, str]:
    """Who said quotation ``q``, and by which rule."""
    t = r.text
    before_speech = [s for s, _ in r.speech if s < q.start]
    after = [s for s, _ in r.speech if s >= q.end]
    if (not before_speech or not t[:q.start].strip(" “‘\"")) and after:
        for m in r.mentions:
            according = _ACCORDING.search(t[max(0, m.start - 16):m.start]) is not None
            if m.start >= q.end and (according or not _is_object(r, m)) \
                    and _quoted(r, m.start) is None:
                return _Candidate((m.actor,), "named", m.person, m.text), "quote.after"
        if _PRONOUN.search(t, q.end, after[0] + 12) and r.ctx.last_actor is not None:
            return _Candidate((r.ctx.last_actor,), "pronoun", r.ctx.last_person), "quote.after"
    if before_speech:
        found = _subject(r, before_speech[-1])
        if found is not None:
            return found, "quote.before"
    near = [m for m in r.mentions if m.end <= q.start and _quoted(r, m.start) is None]
    people = [m for m in near if m.person]
    best = (people or near)[-1] if near else None
    if best is not None:
        return _Candidate((best.actor,), "named", best.person, best.text), "quote.near"
    return None, "quote.unattributed"


# ------------------------------------------------------------------------------------------
# what
def _issues_between(r: _Reading, a: int, b: int) -> list[tuple[str, float | None]]:
    """Issues named or implied (by a pole phrase) in ``[a, b)``, with the pole's value."""
    found: list[tuple[int, str, float | None]] = []
    for p in r.poles:
        if a <= p.start and p.end <= b:
            found.append((p.start, p.issue, p.value))
    for k in r.keywords:
        if a <= k.start and k.end <= b:
            found.append((k.start, k.issue, None))
    found.sort(key=lambda f: (f[0], f[2] is None))
    out: dict[str, float | None] = {}
    for _, issue, value in found:
        if issue not in out or (out[issue] is None and value is not None):
            out[issue] = value
    return list(out.items())


def _tight_end(r: _Reading, pos: int) -> int:
    m = re.compile(r"[,;:—–]").search(r.text, pos)
    return m.start() if m else len(r.text)


def _what(r: _Reading, c: CueMatch) -> list[tuple[str, float | None]]:
    """Issues a stance cue is about, each with the pole value it implies (if any)."""
    start, end = _clause(r, c.start)
    issues = _issues_between(r, c.end, end)
    if not issues:
        issues = _issues_between(r, start, c.start)
    if not issues and c.cue.kind == "rejection":
        issues = _issues_between(r, 0, len(r.text))
    values = dict(_issues_between(r, c.end, _tight_end(r, c.end)))
    out = []
    for issue, _ in issues:
        value = values.get(issue)
        if value is None and c.cue.kind == "rejection":
            before = [v for i, v in _issues_between(r, 0, c.start) if i == issue and v is not None]
            value = before[-1] if before else None
        out.append((issue, value))
    return out


def _issues_after(r: _Reading, c: CueMatch) -> list[str]:
    start, end = _clause(r, c.start)
    issues = _issues_between(r, c.end, end) or _issues_between(r, start, c.start)
    return [i for i, _ in issues]


# ------------------------------------------------------------------------------------------
# the record families
def _emit(r: _Reading, pos: int, record: EvidenceRecord) -> None:
    r.out.append((pos, record))


def _record(r: _Reading, kind: str, rule: str, confidence: float, cue: str,
            **fields: object) -> EvidenceRecord:
    if r.hedged:
        confidence *= 0.85
    return EvidenceRecord(kind=kind, sentence=r.text, span=r.sentence.span,  # type: ignore[arg-type]
                          rule=rule, confidence=round(confidence, 2), cue=cue,
                          **fields)  # type: ignore[arg-type]


def _quotations(r: _Reading) -> None:
    for q in r.quotes:
        who, rule = _attribute(r, q)
        r.speakers[q.start] = who if who is not None else _Candidate((), "none")
        issues = [k.issue for k in r.g.issues_in(q.text)]
        actor = who.actors[0] if who and who.actors else None
        speaker = (who.person or who.text.removesuffix("’s").removesuffix("'s")) if who else None
        base = {"quote.after": 0.9, "quote.before": 0.9, "quote.near": 0.7}.get(rule, 0.5)
        if who is not None and who.via == "pronoun":
            base = 0.75
        _emit(r, q.start, _record(r, "quote", rule, base, q.text, actor=actor,
                                  issue=issues[0] if issues else None, speaker=speaker or None,
                                  quote=q.text))


def _stances(r: _Reading) -> None:
    done: list[tuple[str, int]] = []
    for c in r.cues:
        if c.cue.kind not in ("demand", "rejection", "proposal"):
            continue
        clause = _clause(r, c.start)[0]
        if (c.cue.kind, clause) in done:
            continue
        who = _subject(r, c.start)
        if who is None or not who.actors:
            continue
        issues = _what(r, c)
        if c.cue.weak and not issues:
            continue
        done.append((c.cue.kind, clause))
        base = 0.7 if c.cue.weak or who.via == "pronoun" else 0.9
        targets: list[tuple[str | None, float | None]] = list(issues) or [(None, None)]
        for actor in who.actors:
            for issue, value in targets:
                _emit(r, c.start, _record(r, c.cue.kind, c.cue.name, base, c.text, actor=actor,
                                          issue=issue, value=value, event_type=c.cue.plover))


def _statuses(r: _Reading) -> None:
    for c in r.cues:
        if c.cue.kind != "issue_status":
            continue
        issues: Sequence[str | None] = _issues_after(r, c) or [None]
        for issue in issues:
            _emit(r, c.start, _record(r, "issue_status", c.cue.name, 0.8, c.text, issue=issue,
                                      status=c.cue.status, event_type=c.cue.plover))


def _events(r: _Reading) -> None:
    t = r.text
    for c in r.cues:
        if c.cue.kind != "event":
            continue
        dates = find_dates(t, r.published)
        when = {"date": dates[0].date, "date_precision": dates[0].precision} if dates else {}
        issues = _issues_after(r, c)
        if c.cue.subtype in ("prisoner_exchange", "ceasefire"):
            start, end = _clause(r, c.start)
            if not _REALISED.search(t, start, end) or _IRREALIS.search(t, start, c.start):
                continue
            issue = next((k.issue for k in r.keywords), None)
            _emit(r, c.start, _record(r, "event", c.cue.name, 0.8, c.text, issue=issue,
                                      event_type=c.cue.plover, subtype=c.cue.subtype,
                                      participants=_parties(r), **when))
            continue
        who = _subject(r, c.start)
        if who is None or not who.actors:
            continue
        actor = who.actors[0]
        target = next((m.actor for m in r.mentions if m.start >= c.end and m.actor != actor
                       and not _in_pole(r, m)), None)
        _emit(r, c.start, _record(r, "event", c.cue.name, 0.9 if who.via == "named" else 0.7,
                                  c.text, actor=actor, issue=issues[0] if issues else None,
                                  event_type=c.cue.plover, subtype=c.cue.subtype,
                                  target=target, **when))


def _parties(r: _Reading) -> tuple[str, ...]:
    """The parties taking part in an exchange: those named or meant by "both sides"."""
    named = [m.actor for m in r.mentions if not _PLACE_PREP.search(r.text[:m.start][-12:])]
    named += [a for grp in r.groups for a in grp.actors]
    parties = [a for a in named if a in r.g.parties]
    return tuple(dict.fromkeys(parties or named))


def _meeting(r: _Reading) -> None:
    cue = next((c for c in r.cues if c.cue.kind == "meeting"), None)
    if cue is None:
        return
    t = r.text
    last = r.ctx.last_meeting
    named = [m.actor for m in r.mentions
             if not _PLACE_PREP.search(t[max(0, m.start - 12):m.start])
             and not _in_pole(r, m) and _quoted(r, m.start) is None]
    named += [a for grp in r.groups for a in grp.actors]
    refers_back = bool(_DEFINITE_START.match(t)) and last is not None
    if refers_back and last is not None:
        named += list(last.participants)
    elif re.search(r"\btrilateral\b", t, re.I) and not named:
        named += list(r.g.parties) + list(r.g.mediators)
    participants = tuple(dict.fromkeys(named))
    dates = find_dates(t, r.published)
    venue = _venue(r)
    if venue is None and last is not None and (refers_back or (
            not dates and re.search(r"\b(?:session|meeting)\b", t, re.I))):
        venue = last.venue
    minutes = sum(d.minutes for d in find_durations(t)) or None
    if not (participants or venue or dates or minutes):
        return
    planned = is_future(t) or bool(dates and r.published and dates[0].date > r.published)
    days = sorted(d.date for d in dates)
    record = _record(
        r, "meeting", cue.cue.name, 0.8, cue.text, participants=participants, venue=venue,
        date=days[0] if days else None, end=days[-1] if len(set(days)) > 1 else None,
        date_precision=dates[0].precision if dates else None, duration_minutes=minutes,
        planned=planned, event_type=cue.cue.plover)
    r.ctx.last_meeting = record
    _emit(r, cue.start, record)


def _venue(r: _Reading) -> str | None:
    names = {r.g.actor_names[m.actor] for m in r.mentions}
    for m in _VENUE.finditer(r.text):
        place = m.group(1) or m.group(2)
        words = place.split()
        while words and words[0] in _NOT_PLACES:
            words.pop(0)
        place = " ".join(w for w in words if w not in _NOT_PLACES)
        if place and place not in names and place not in r.g.actor_names.values():
            return place
    return None


def _tone(r: _Reading) -> None:
    t = r.text
    by_actor: dict[str | None, list[tuple[int, str, float]]] = {}
    for w in find_tone(t):
        q = _quoted(r, w.start)
        start, _ = _clause(r, w.start)
        framed = _TONE_VERB.search(t, start, w.start) is not None
        if not (framed or _TALK_WORDS.search(t)):
            continue
        who = r.speakers.get(q.start) if q is not None else _subject(r, w.start)
        actors: Iterable[str | None] = who.actors if who and who.actors else [None]
        for actor in actors:
            by_actor.setdefault(actor, []).append((w.start, w.words, w.score))
    for actor, words in by_actor.items():
        score = sum(s for _, _, s in words) / len(words)
        _emit(r, words[0][0], _record(r, "tone", "tone", 0.8, ", ".join(w for _, w, _ in words),
                                      actor=actor, tone=round(score, 2)))


def _statements(r: _Reading) -> None:
    t = r.text
    taken = {rec.actor for _, rec in r.out}
    cue_spans = [pos for pos, _ in r.out]
    for s, e in r.speech:
        if t[s:e].lower() == "according to":
            who = next((_Candidate((m.actor,), "named", m.person) for m in r.mentions
                        if 0 <= m.start - e <= 12), None)
        else:
            who = _subject(r, s)
        if who is None or not who.actors:
            continue
        content = (e, len(t)) if len(t) - e > 12 else (0, s)
        if any(content[0] <= p < content[1] for p in cue_spans):
            continue
        for actor in who.actors:
            if actor in taken:
                continue
            taken.add(actor)
            named: list[str | None] = [i for i, _ in _issues_between(r, *content)]
            base = 0.8 if who.via == "named" else 0.65
            for issue in named or [None]:
                _emit(r, s, _record(r, "statement", "statement", base, t[s:e], actor=actor,
                                    issue=issue))


def _dedupe(found: list[tuple[int, EvidenceRecord]]) -> list[EvidenceRecord]:
    found.sort(key=lambda pr: pr[0])
    out: dict[tuple[object, ...], EvidenceRecord] = {}
    for _, rec in found:
        key = rec.key
        if key not in out:
            out[key] = rec
        elif rec.confidence > out[key].confidence:
            out[key] = replace(rec)
    return list(out.values())
