"""Cue families: the words that signal a demand, a rejection, progress, a meeting...

Each :class:`Cue` is a regular expression over one sentence with what it signals: the kind of
evidence record, its PLOVER event type (Open Event Data Alliance 2021, draft 0.8), and for
issue statuses and events a finer label. The families follow the verb classes of event coding
dictionaries (CAMEO, Gerner et al. 2002; its PLOVER successor), cut down to what negotiation
reporting uses:

=================  ============================  ===========  =================================
family             e.g.                          record kind  PLOVER type
=================  ============================  ===========  =================================
demand             demand, insist, call for      demand       DEMAND
demand (weak)      want, need, seek              demand       DEMAND (only with an issue)
rejection          reject, rule out, refuse      rejection    REJECT
proposal           propose, offer, float         proposal     AGREE (offer: intent to cooperate)
progress           progress, movement on         issue_status CONSULT (negotiation moving)
no agreement       no agreement, stalled         issue_status none (a non-event)
agreed             agreed to, reached a deal     issue_status AGREE
open               sticking point, far apart     issue_status none
meeting            held talks, talks ended       meeting      CONSULT
accusation         accused, blamed               event        ACCUSE
pressure           urged, pressed X to           event        DEMAND (an appeal/demand)
threat             threatened, warned            event        THREATEN
sanction           imposed sanctions             event        COERCE (PLOVER 0.8 codes
                                                                       sanctions as COERCE)
walkout            walked out, suspended talks   event        SANCTION (halt negotiations)
prisoner exchange  prisoner swap, returned N     event        RETREAT (release of persons)
ceasefire          declared a truce              event        RETREAT (ceasefire)
=================  ============================  ===========  =================================

A cue marked ``negatable`` is dropped when "not", "n't", "never", "no", "little" or "without"
stand in the three words before it ("did not rule out" is not a rejection); "would not accept"
and "no agreement" are cues of their own. A meeting noun in a time clause ("before the talks
ended", "following the main session") reports no meeting of its own.

References
----------
.. [1] Gerner, D. J., Schrodt, P. A., Yilmaz, Ö., Abu-Jabr, R. (2002). Conflict and Mediation
   Event Observations (CAMEO): A New Event Data Framework for the Analysis of Foreign Policy
   Interactions. International Studies Association, New Orleans.
.. [2] Open Event Data Alliance (2021). PLOVER manual, draft 0.8, and CAMEO2PLOVER table.

Examples
--------
>>> [(c.cue.name, c.text) for c in find_cues("Kyiv did not rule out talks but rejected the plan.")]
[('rejection', 'rejected')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parley.evidence.records import Kind, Status

__all__ = ["CUES", "SPEECH", "Cue", "CueMatch", "find_cues", "find_speech"]


@dataclass(frozen=True)
class Cue:
    """A family of cue words and what a match signals."""

    name: str
    kind: Kind
    pattern: re.Pattern[str]
    plover: str | None = None
    subtype: str | None = None
    status: Status | None = None
    negatable: bool = False
    weak: bool = False
    subordinate: bool = False


@dataclass(frozen=True)
class CueMatch:
    """A cue found in a sentence: which, where, and the words."""

    cue: Cue
    start: int
    end: int
    text: str


def _re(pattern: str, flags: int = re.I) -> re.Pattern[str]:
    return re.compile(pattern, flags)


_MEETING_NOUN = r"(?:talks|negotiations|meetings?|session|round|summit|consultations|discussions)"

CUES: tuple[Cue, ...] = (
    # ---- stance cues
    Cue("demand", "demand", _re(
        r"\b(?:demand(?:s|ed|ing)?|insist(?:s|ed|ing)?|call(?:s|ed|ing)? (?:for|on)|"
        r"requir(?:e|es|ed|ing)|(?:pre)?condition(?:s)? for|precondition|"
        r"(?:would|will|could) not (?:agree to|sign) (?:any|a) (?:deal|agreement|accord) without|"
        r"won['’]t (?:agree to|sign) (?:any|a) (?:deal|agreement) without)\b"),
        plover="DEMAND", negatable=True),
    Cue("demand.weak", "demand", _re(
        r"\b(?:wants?|wanted|needs?|seek(?:s|ing)?|sought|push(?:es|ed|ing)? for|"
        r"press(?:es|ed|ing)? for)\b"),
        plover="DEMAND", negatable=True, weak=True),
    Cue("rejection", "rejection", _re(
        r"\b(?:reject(?:s|ed|ing)?|refus(?:e|es|ed|ing|al)|rul(?:e|es|ed|ing) out|"
        r"dismiss(?:es|ed|ing)?|den(?:y|ies|ied|ying)|resist(?:s|ed|ing)?|"
        r"oppos(?:e|es|ed|ing)|turn(?:s|ed)? down|balk(?:s|ed)? at)\b"),
        plover="REJECT", negatable=True),
    Cue("rejection.negated", "rejection", _re(
        r"\b(?:(?:would|will|could|does|do|did|can) not|won['’]t|cannot|can['’]t|never) "
        r"(?:accept|agree to|give up|trade|cede|recogni[sz]e)\b|\b(?:un|not )acceptable\b"),
        plover="REJECT"),
    Cue("proposal", "proposal", _re(
        r"\b(?:propos(?:e|es|ed|ing|al)|offer(?:s|ed|ing)?|suggest(?:s|ed|ing)?|"
        r"float(?:s|ed|ing)?|put(?:s)? forward|tabled|present(?:s|ed)? a (?:plan|proposal))\b"),
        plover="AGREE", negatable=True),
    Cue("proposal.weak", "proposal", _re(
        r"\b(?:ready to|readiness to|willing(?:ness)? to|prepared to)\b"),
        plover="AGREE", negatable=True, weak=True),
    # ---- issue status
    Cue("no_agreement", "issue_status", _re(
        r"\b(?:no (?:agreement|deal|breakthrough|progress|(?:real )?headway)|"
        r"without (?:an? |any )?(?:major |significant |real )?"
        r"(?:agreement|deal|breakthrough|progress)|"
        r"fail(?:s|ed)? to (?:agree|reach)|stall(?:s|ed|ing)?|deadlock(?:ed)?|impasse|"
        r"stalemate|broke (?:up|down) without|got stuck|collapsed)\b"),
        status="no_agreement"),
    Cue("agreed", "issue_status", _re(
        r"\b(?:agree(?:s|d)?|agreeing|reached (?:an? )?(?:agreement|deal)|"
        r"(?:an? )?agreement (?:was|has been|had been) reached|struck (?:a|an) (?:deal|agreement)|"
        r"signed (?:an? )?(?:agreement|deal|memorandum))\b"),
        plover="AGREE", status="agreed", negatable=True),
    Cue("progress", "issue_status", _re(
        r"\b(?:progress (?:was|had been|has been) (?:made|achieved)|progress on|made progress|"
        r"some progress|movement on|moved closer|(?:were|are|was|is) closer|"
        r"narrow(?:ed|ing)? (?:the )?(?:gap|differences)|headway|breakthrough (?:on|in)|"
        r"a deal (?:was|is) [\"“]?(?:very )?close|close to (?:a )?(?:deal|agreement))"),
        plover="CONSULT", status="progress", negatable=True),
    Cue("open", "issue_status", _re(
        r"\b(?:sticking points?|differences remain(?:ed)?|remain(?:s|ed)? (?:far |wide )?apart|"
        r"unresolved|remain(?:s|ed)? open|still open|(?:main|major|biggest|key) obstacle|"
        r"at odds)\b"),
        status="open"),
    # ---- meetings
    Cue("meeting.noun", "meeting", _re(
        rf"\b{_MEETING_NOUN}\b[^.;—–]{{0,120}}?\b(?:ended|ends?|concluded|stall(?:s|ed)?|"
        r"broke up|opened|began|resumed|wrapped up|lasted|ran|extended|took place|take place|"
        r"held|expected|scheduled|follows|followed)\b"),
        plover="CONSULT", subordinate=True),
    Cue("meeting.verb", "meeting", _re(
        r"\b(?:met|meets?|meeting with|spoke (?:by (?:tele)?phone )?(?:with|to)|"
        r"(?:tele)?phone call|attended|travell?ed to|visited|hosted|chaired|"
        rf"(?:wrapped up|concluded|opened|began|resumed|held|hold|ended|completed)\s+"
        rf"(?:[\w’'-]+\s+){{0,5}}?{_MEETING_NOUN})\b"),
        plover="CONSULT"),
    # ---- events
    Cue("accusation", "event", _re(
        r"\b(?:accus(?:e|es|ed|ing)|accusations?|blam(?:e|es|ed|ing)|charged that|"
        r"condemn(?:s|ed|ing)?|denounc(?:e|es|ed|ing))\b"),
        plover="ACCUSE", subtype="accusation", negatable=True),
    Cue("pressure", "event", _re(
        r"\b(?:urg(?:e|es|ed|ing)|pressur(?:e|es|ed|ing)|(?:press|push)(?:es|ed|ing)? "
        r"(?=(?:[A-Z][\w’'-]+ ){1,2}to\b)|expect(?:s|ed)? (?=(?:[A-Z][\w’'-]+ ){1,2}to\b))"),
        plover="DEMAND", subtype="pressure", negatable=True),
    Cue("threat", "event", _re(
        r"\b(?:threat(?:en|ens|ened|ening)?|warn(?:s|ed|ing)?|legitimate targets?|ultimatum)\b"),
        plover="THREATEN", subtype="threat", negatable=True),
    Cue("sanction", "event", _re(
        r"\b(?:impos(?:e|es|ed|ing) (?:new |further |fresh )?sanctions|sanctioned)\b"),
        plover="COERCE", subtype="sanction", negatable=True),
    Cue("walkout", "event", _re(
        r"\b(?:walk(?:ed|s)? out|suspend(?:s|ed|ing)? (?:the )?(?:talks|negotiations)|"
        r"pull(?:s|ed)? out of the (?:talks|negotiations)|halt(?:s|ed)? (?:the )?"
        r"(?:talks|negotiations))\b"),
        plover="SANCTION", subtype="walkout", negatable=True),
    Cue("prisoner_exchange", "event", _re(
        r"\b(?:prisoner (?:exchange|swap)s?|exchange of (?:prisoners|bodies|detainees|POWs)|"
        r"swap(?:ped|s)?|exchang(?:e|ed)|returned \d[\d,]* (?:prisoners|POWs|soldiers|detainees)|"
        r"releas(?:ed|es) \d[\d,]*|freed)\b"),
        plover="RETREAT", subtype="prisoner_exchange"),
    Cue("ceasefire", "event", _re(
        r"\b(?:declared (?:a |an )?(?:ceasefire|truce)|(?:ceasefire|truce) (?:took|takes|came) "
        r"(?:effect|into effect)|agreed (?:to )?(?:a |an )?(?:ceasefire|truce|pause))\b"),
        plover="RETREAT", subtype="ceasefire"),
)

#: Verbs of saying: they introduce statements and quotes, and mark whose words follow.
SPEECH = _re(
    r"\b(?:said|says|say|saying|told|tells|telling|stated|states|indicated|indicates|"
    r"stressed|stresses|maintained|maintains|noted|notes|added|adds|adding|argued|argues|"
    r"claimed|claims|signall?ed|announced|announces|repeated|repeats|reaffirmed|confirmed|"
    r"confirms|described|describes|describing|called|calls|calling|wrote|writes|asked|"
    r"replied|declared|according to)\b")

_NEGATION = re.compile(r"\b(?:not|never|no|without|little)\b|n['’]t\b", re.I)
_TEMPORAL = re.compile(r"\b(?:before|after|since|until|when|following|as)\b", re.I)
_WORDS_BEFORE = re.compile(r"(?:[\w’'-]+\W+){0,3}$")


def find_speech(text: str) -> list[tuple[int, int]]:
    """Spans of the verbs of saying in ``text``."""
    return [m.span() for m in SPEECH.finditer(text)]


def find_cues(text: str) -> list[CueMatch]:
    """Every cue in a sentence, in order, negated ones dropped (see the module docstring).

    Where cues of different families overlap (``no agreement`` holds ``agreement``), the one
    that starts first and is longest wins.
    """
    found: list[CueMatch] = []
    for cue in CUES:
        for m in cue.pattern.finditer(text):
            if cue.negatable and _negated(text, m.start()):
                continue
            if cue.subordinate and _subordinate(text, m.start()):
                continue
            found.append(CueMatch(cue, m.start(), m.end(), m.group(0)))
    found.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[CueMatch] = []
    for c in found:
        clash = any(k.start <= c.start < k.end and k.cue.kind == c.cue.kind for k in kept)
        if not clash:
            kept.append(c)
    return kept


def _subordinate(text: str, start: int) -> bool:
    before = _WORDS_BEFORE.search(text[:start])
    return bool(before and _TEMPORAL.search(before.group(0)))


def _negated(text: str, start: int) -> bool:
    before = _WORDS_BEFORE.search(text[:start])
    return bool(before and _NEGATION.search(before.group(0)))
