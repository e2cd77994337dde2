"""The scenario as a gazetteer: which words in news text name its actors and issues.

A gazetteer (a list of names with what they stand for) is the classic first stage of
rule-based information extraction (Grishman 1997; the GATE "ANNIE" system, Cunningham et al.
2002). parley's is built from the scenario itself, so that it needs no download:

- actors are found by their ``name``, ``aliases`` ("Moscow", "Kremlin", "Russian") and the
  ``people`` who speak for them (full name, aliases and surname: "Medinsky");
  names are matched with their case, on word boundaries, with an optional possessive ``'s``;
- collective phrases ("the two sides", "both delegations") stand for all parties;
- issues are found by their ``keywords`` (case-insensitive except words in capitals such as
  "NATO"; a final plural ``s`` is optional);
- the phrases of an issue's ``poles`` place a demand at one end of the scale; up to three words
  of text may fall between the words of a pole phrase, and a word ending in ``*`` matches any
  word it begins.

Overlapping matches are resolved longest first, so "Zaporizhzhia Nuclear Power Plant" is the
plant and not the region.

References
----------
.. [1] Grishman, R. (1997). Information extraction: techniques and challenges. In
   Pazienza (ed.), Information Extraction, LNCS 1299, 10-27.
.. [2] Cunningham, H., Maynard, D., Bontcheva, K., Tablan, V. (2002). GATE: a framework and
   graphical development environment for robust NLP tools and applications. ACL 2002.

Examples
--------
>>> from parley.io import load
>>> g = Gazetteer(load("geneva-2026"))
>>> [(m.actor, m.person) for m in g.actors_in("Medinsky met the Ukrainian delegation.")]
[('russia', 'Vladimir Medinsky'), ('ukraine', None)]
>>> [(p.issue, p.value) for p in g.poles_in("full control of the eastern Donbas region")]
[('donbas', 100.0)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from parley.scenario import Scenario

__all__ = ["ActorMention", "Gazetteer", "GroupMention", "IssueMention", "PoleMention"]

_GROUPS = re.compile(
    r"\b(?:the two|both|the|all)\s+(?:sides|delegations|parties|warring parties)\b", re.I)
_WORD = r"[\w’'-]+"
_SEP = r"[\s\-–]+"
_GAP = rf"(?:[^\w.;:!?]+{_WORD}){{0,3}}?[^\w.;:!?]+"


@dataclass(frozen=True)
class ActorMention:
    """An actor named in a text: where, by which words, and through which person if any."""

    actor: str
    start: int
    end: int
    text: str
    person: str | None = None
    possessive: bool = False


@dataclass(frozen=True)
class GroupMention:
    """A collective phrase ("both sides") and the actors it stands for."""

    actors: tuple[str, ...]
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class IssueMention:
    """An issue keyword found in a text."""

    issue: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class PoleMention:
    """A pole phrase found in a text: the issue, which end, its scale value, where."""

    issue: str
    pole: Literal["low", "high"]
    value: float
    start: int
    end: int
    text: str


class Gazetteer:
    """Names, keywords and pole phrases of one scenario, compiled for matching.

    Parameters
    ----------
    scenario
        The scenario whose actors (names, aliases, people) and issues (keywords, poles) are
        looked for.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.parties = tuple(a.id for a in scenario.actors if a.role == "party")
        self.mediators = tuple(a.id for a in scenario.actors if a.role == "mediator")
        self.roles = {a.id: a.role for a in scenario.actors}
        self.actor_names = {a.id: a.name for a in scenario.actors}
        names: dict[str, tuple[str, str | None]] = {}
        for a in scenario.actors:
            for n in (a.name, *a.aliases):
                names.setdefault(n, (a.id, None))
            for p in a.people:
                for n in (p.name, *p.aliases):
                    names.setdefault(n, (a.id, p.name))
                    surname = n.split()[-1]
                    if surname != n:
                        names.setdefault(surname, (a.id, p.name))
        self._names = names
        alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        self._actor_re = re.compile(rf"(?<![\w.])({alternation})(['’]s\b)?(?![\w])"
                                    if names else r"(?!x)x")
        keywords: list[tuple[str, str]] = []
        poles: list[tuple[str, str, Literal["low", "high"], float]] = []
        for i in scenario.issues:
            keywords += [(k, i.id) for k in i.keywords]
            if i.poles is not None:
                poles += [(ph, i.id, "low", i.scale.low) for ph in i.poles.low]
                poles += [(ph, i.id, "high", i.scale.high) for ph in i.poles.high]
        keywords.sort(key=lambda kv: len(kv[0]), reverse=True)
        self._keywords = keywords
        self._keyword_re = _alternation([_phrase_pattern(k, gap=False) for k, _ in keywords])
        poles.sort(key=lambda p: len(p[0]), reverse=True)
        self._poles = poles
        self._pole_re = _alternation([_phrase_pattern(p[0], gap=True) for p in poles])

    # ------------------------------------------------------------------------------------
    def actors_in(self, text: str) -> list[ActorMention]:
        """Every actor named in ``text``, in order (see the module docstring)."""
        out = []
        for m in self._actor_re.finditer(text):
            actor, person = self._names[m.group(1)]
            out.append(ActorMention(actor, m.start(), m.end(), m.group(0), person,
                                    m.group(2) is not None))
        return out

    def groups_in(self, text: str) -> list[GroupMention]:
        """Collective phrases ("the two sides", "both delegations") standing for the parties."""
        if not self.parties:
            return []
        return [GroupMention(self.parties, m.start(), m.end(), m.group(0))
                for m in _GROUPS.finditer(text)]

    def issues_in(self, text: str) -> list[IssueMention]:
        """Every issue keyword in ``text``, in order, longest match first where they overlap."""
        if self._keyword_re is None:
            return []
        out = []
        for m in self._keyword_re.finditer(text):
            index = int((m.lastgroup or "g0")[1:])
            out.append(IssueMention(self._keywords[index][1], m.start(), m.end(), m.group(0)))
        return out

    def poles_in(self, text: str) -> list[PoleMention]:
        """Every pole phrase in ``text``, in order, with the scale value of its end."""
        if self._pole_re is None:
            return []
        out = []
        for m in self._pole_re.finditer(text):
            index = int((m.lastgroup or "g0")[1:])
            _, issue, pole, value = self._poles[index]
            out.append(PoleMention(issue, pole, float(value), m.start(), m.end(), m.group(0)))
        return out


def _token_pattern(token: str) -> str:
    wild = token.endswith("*")
    core = token.rstrip("*")
    pat = re.escape(core) + (r"[\w’'-]*" if wild else "")
    if len(core) > 1 and core.isupper():
        pat = f"(?-i:{pat})"
    return pat


def _phrase_pattern(phrase: str, *, gap: bool) -> str:
    tokens = phrase.split()
    parts = [_token_pattern(t) for t in tokens]
    last = tokens[-1]
    if not last.endswith(("*", "s")) and last[-1:].isalpha() and not last.isupper():
        parts[-1] += "(?:s|es)?"
    elif last.isupper() and len(last) > 1:
        parts[-1] = parts[-1][:-1] + "(?:s)?)"  # POW -> POWs
    sep = f"(?:{_GAP}|{_SEP})" if gap else _SEP
    return r"(?<![\w])" + sep.join(parts) + r"(?![\w])"


def _alternation(patterns: list[str]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?P<g{i}>{p})" for i, p in enumerate(patterns)), re.I)
