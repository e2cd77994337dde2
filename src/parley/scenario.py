"""The scenario: the one shared, immutable description of a negotiation.

A :class:`Scenario` holds the actors, the issues with their labelled scales, each actor's
stance (position, salience, acceptable range) on the issues it cares about, the sources
behind every number, and a timeline of rounds and events. It is validated once, when it
is built, and never mutated; everything else in parley takes it as its first argument.

Any number (capability, position, salience, status quo) is a :class:`Quantity`: a point
value with optional evidence and an optional uncertainty declaration (triangular, bounded
normal or uniform) that ensembles sample. A plain number is accepted wherever a quantity is
expected.

Validation collects every problem in one pass and raises one :class:`ScenarioError`
naming, for each problem, the field, the rule, the value given and the fix.

Examples
--------
>>> s = Scenario.model_validate({
...     "name": "toy",
...     "actors": [{"id": "a", "name": "A", "capability": 2},
...                {"id": "b", "name": "B", "capability": 1}],
...     "issues": [{"id": "x", "name": "X"}],
...     "stances": [{"actor": "a", "issue": "x", "position": 20, "salience": 0.5},
...                 {"actor": "b", "issue": "x", "position": 80, "salience": 1.0}],
... })
>>> s.stance("a", "x").position.value
20.0
>>> [a.id for a in s.parties]
['a', 'b']
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from parley.errors import Problem, ScenarioError

__all__ = [
    "Actor",
    "Anchor",
    "BoundedNormal",
    "Event",
    "Evidence",
    "Issue",
    "Option",
    "Person",
    "Poles",
    "Quantity",
    "Range",
    "Role",
    "Round",
    "Scale",
    "Scenario",
    "Session",
    "Source",
    "Stance",
    "Triangular",
    "Uniform",
    "parse_scenario",
    "semantic_problems",
]

Role = Literal["party", "mediator", "observer"]
Id = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^\S(.*\S)?$")]
Phrase = Annotated[str, Field(min_length=1, max_length=200)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Evidence(_Frozen):
    """Where a number came from: a source id (declared in ``Scenario.sources``) and a quote."""

    source: Id
    quote: str = ""
    note: str = ""


class Triangular(_Frozen):
    """Triangular distribution with support [low, high] and the given mode."""

    kind: Literal["triangular"]
    low: float
    mode: float
    high: float


class BoundedNormal(_Frozen):
    """Normal distribution with mean ``mean`` and s.d. ``sd``, truncated to [low, high]."""

    kind: Literal["normal"]
    mean: float
    sd: float = Field(gt=0)
    low: float
    high: float


class Uniform(_Frozen):
    """Uniform distribution on [low, high]."""

    kind: Literal["uniform"]
    low: float
    high: float


Distribution = Annotated[Triangular | BoundedNormal | Uniform, Field(discriminator="kind")]


class Quantity(_Frozen):
    """A number with its evidence and, optionally, its uncertainty.

    ``value`` is the point estimate that deterministic runs use. ``uncertainty`` declares a
    distribution for ensembles; its support must contain ``value``.
    """

    value: float = Field(allow_inf_nan=False)
    uncertainty: Distribution | None = None
    evidence: tuple[Evidence, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _from_number(cls, data: Any) -> Any:
        if isinstance(data, int | float) and not isinstance(data, bool):
            return {"value": data}
        return data

    @model_validator(mode="after")
    def _value_in_support(self) -> Quantity:
        u = self.uncertainty
        if u is None:
            return self
        if not u.low <= u.high:
            raise ValueError(f"uncertainty low {u.low:g} must not exceed high {u.high:g}")
        if isinstance(u, Triangular) and not u.low <= u.mode <= u.high:
            raise ValueError(f"triangular mode {u.mode:g} must lie in [{u.low:g}, {u.high:g}]")
        if not u.low <= self.value <= u.high:
            raise ValueError(
                f"value {self.value:g} must lie in its uncertainty range [{u.low:g}, {u.high:g}]"
            )
        return self

    @property
    def support(self) -> tuple[float, float]:
        """The smallest interval that holds every value this quantity may take."""
        u = self.uncertainty
        if u is None:
            return (self.value, self.value)
        return (min(u.low, self.value), max(u.high, self.value))


class Anchor(_Frozen):
    """A labelled point on an issue's scale."""

    value: float
    label: str = Field(min_length=1)


class Scale(_Frozen):
    """A numeric scale, 0 to 100 by default, with labelled anchor points."""

    low: float = 0.0
    high: float = 100.0
    unit: str = ""
    anchors: tuple[Anchor, ...] = ()

    def nearest_label(self, x: float) -> str:
        """Return the label of the anchor nearest to ``x`` (empty if none).

        >>> Scale(anchors=[Anchor(value=0, label="none"), Anchor(value=100, label="all")]
        ...       ).nearest_label(70)
        'all'
        """
        if not self.anchors:
            return ""
        return min(self.anchors, key=lambda a: abs(a.value - x)).label


class Option(_Frozen):
    """A named discrete option on an issue's scale."""

    id: Id
    label: str = ""
    value: float


class Range(_Frozen):
    """A closed interval [low, high] on an issue's scale (an acceptable range)."""

    low: float
    high: float

    def contains(self, x: float) -> bool:
        """Whether ``x`` lies in the range."""
        return self.low <= x <= self.high


class Person(_Frozen):
    """A named person who speaks or acts for an actor (a negotiator, a minister).

    News text names people more often than states ("Medinsky said"); :mod:`parley.evidence`
    attributes what a person says to the actor listing them. ``aliases`` adds spellings
    (e.g. "Zelenskyy"); the last word of ``name`` is matched on its own as well.
    """

    name: Phrase
    title: str = ""
    aliases: tuple[Phrase, ...] = ()


class Actor(_Frozen):
    """A participant: a party to the talks, a mediator, or an observer.

    ``aliases`` are the other names news text uses for the actor: capitals and seats of
    government ("Moscow", "the Kremlin"), demonyms ("Russian"), abbreviations ("U.S.").
    """

    id: Id
    name: str = Field(min_length=1)
    role: Role = "party"
    capability: Quantity
    bloc: str | None = None
    reservation: float | None = None
    description: str = ""
    aliases: tuple[Phrase, ...] = ()
    people: tuple[Person, ...] = ()


class Poles(_Frozen):
    """Phrases that mean each end of an issue's scale, as news text words them.

    "Russia demands full control of the Donbas" places Russia at the end whose phrases
    include "full control of the Donbas". A word ending in ``*`` matches any word it begins
    (``withdraw*`` matches "withdrawal"); up to two words of text may fall between the
    words of a phrase.
    """

    low: tuple[Phrase, ...] = ()
    high: tuple[Phrase, ...] = ()


class Issue(_Frozen):
    """An issue under negotiation, on a labelled numeric scale.

    ``keywords`` are the words and phrases by which news text refers to the issue, and
    ``poles`` the phrases that mean each end of its scale (both used by
    :mod:`parley.evidence`).
    """

    id: Id
    name: str = Field(min_length=1)
    description: str = ""
    scale: Scale = Scale()
    status_quo: Quantity | None = None
    options: tuple[Option, ...] = ()
    keywords: tuple[Phrase, ...] = ()
    poles: Poles | None = None


class Stance(_Frozen):
    """An actor's position and salience on one issue, with an optional acceptable range."""

    actor: Id
    issue: Id
    position: Quantity
    salience: Quantity
    acceptable: Range | None = None
    note: str = ""


class Source(_Frozen):
    """A source of evidence: an article, a background report, a data set or the analyst."""

    id: Id
    kind: Literal["article", "background", "analyst", "dataset", "other"] = "other"
    title: str = ""
    url: str = ""
    published: dt.date | None = None
    sha256: str = ""


class Session(_Frozen):
    """One meeting within a round: a plenary or a side channel among some participants."""

    id: Id
    format: Literal["plenary", "side_channel"] = "plenary"
    participants: tuple[Id, ...] = ()
    date: dt.date | None = None
    duration_minutes: float | None = Field(default=None, gt=0)
    description: str = ""
    evidence: tuple[Evidence, ...] = ()


class Round(_Frozen):
    """A dated round of talks at one venue."""

    id: Id
    name: str = ""
    start: dt.date
    end: dt.date | None = None
    venue: str = ""
    mediator: Id | None = None
    sessions: tuple[Session, ...] = ()
    description: str = ""
    evidence: tuple[Evidence, ...] = ()


class Event(_Frozen):
    """Something that happened (a prisoner exchange, a statement, pressure)."""

    id: Id
    date: dt.date | None = None
    kind: str = Field(min_length=1)
    description: str = ""
    actors: tuple[Id, ...] = ()
    issues: tuple[Id, ...] = ()
    round: Id | None = None
    evidence: tuple[Evidence, ...] = ()


class Scenario(_Frozen):
    """A negotiation: actors, issues, stances, sources and timeline (immutable, validated).

    Build one with :meth:`model_validate` (from a mapping) or :func:`parley.io.load`
    (from a file). Invalid input raises :class:`~parley.errors.ScenarioError` listing every
    problem found.
    """

    name: Id
    title: str = ""
    description: str = ""
    version: int = Field(default=1, ge=1)
    sources: tuple[Source, ...] = ()
    actors: tuple[Actor, ...]
    issues: tuple[Issue, ...]
    stances: tuple[Stance, ...] = ()
    rounds: tuple[Round, ...] = ()
    events: tuple[Event, ...] = ()

    @model_validator(mode="after")
    def _semantics(self) -> Scenario:
        problems = semantic_problems(self.model_dump(mode="json"))
        if problems:
            raise ScenarioError(problems)
        return self

    # -- lookups ---------------------------------------------------------------------------
    @cached_property
    def _actor_index(self) -> dict[str, Actor]:
        return {a.id: a for a in self.actors}

    @cached_property
    def _issue_index(self) -> dict[str, Issue]:
        return {i.id: i for i in self.issues}

    @cached_property
    def _stance_index(self) -> dict[tuple[str, str], Stance]:
        return {(s.actor, s.issue): s for s in self.stances}

    def actor(self, actor_id: str) -> Actor:
        """Return the actor with this id (``KeyError`` naming the known ids otherwise)."""
        try:
            return self._actor_index[actor_id]
        except KeyError:
            raise KeyError(f"no actor {actor_id!r}; known: {sorted(self._actor_index)}") from None

    def issue(self, issue_id: str) -> Issue:
        """Return the issue with this id (``KeyError`` naming the known ids otherwise)."""
        try:
            return self._issue_index[issue_id]
        except KeyError:
            raise KeyError(f"no issue {issue_id!r}; known: {sorted(self._issue_index)}") from None

    def stance(self, actor_id: str, issue_id: str) -> Stance | None:
        """Return the actor's stance on the issue, or ``None`` if it has none."""
        return self._stance_index.get((actor_id, issue_id))

    @property
    def parties(self) -> tuple[Actor, ...]:
        """The actors whose role is ``party``."""
        return tuple(a for a in self.actors if a.role == "party")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping that :meth:`model_validate` turns back into this scenario."""
        return self.model_dump(mode="json", exclude_defaults=True)

    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON form: equal scenarios have equal hashes."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def replace(self, **changes: Any) -> Scenario:
        """Return a new, re-validated scenario with some top-level fields changed."""
        data = self.model_dump()
        data.update(changes)
        return Scenario.model_validate(data)


# ----------------------------------------------------------------------------------------
# validation helpers
# ----------------------------------------------------------------------------------------

_FIXES = {
    "missing": "add this field",
    "extra_forbidden": "remove this field or check its spelling",
    "float_parsing": "give a number",
    "float_type": "give a number",
    "int_parsing": "give a whole number",
    "int_type": "give a whole number",
    "string_type": "give text",
    "literal_error": "use one of the allowed values",
    "date_from_datetime_parsing": "give a date as YYYY-MM-DD",
    "date_parsing": "give a date as YYYY-MM-DD",
    "date_type": "give a date as YYYY-MM-DD",
    "model_type": "give a mapping (key: value pairs)",
    "model_attributes_type": "give a mapping (key: value pairs)",
    "tuple_type": "give a list",
    "union_tag_invalid": "set 'kind' to triangular, normal or uniform",
    "union_tag_not_found": "add 'kind: triangular', 'kind: normal' or 'kind: uniform'",
    "string_too_short": "give a non-empty value",
    "string_pattern_mismatch": "give an id without leading or trailing spaces",
    "greater_than": "give a larger number",
    "greater_than_equal": "give a larger number",
    "finite_number": "give a finite number",
}


def field_path(loc: tuple[int | str, ...]) -> str:
    """Render a pydantic location tuple as ``stances[3].salience``.

    >>> field_path(("stances", 3, "salience", "value"))
    'stances[3].salience.value'
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "scenario"


def problems_from_validation_error(err: ValidationError) -> list[Problem]:
    """Turn pydantic's errors into parley :class:`Problem` s with a rule and a fix."""
    problems = []
    for e in err.errors(include_url=False):
        loc = tuple(p for p in e["loc"] if p not in ("triangular", "normal", "uniform"))
        kind = e["type"]
        rule = e["msg"]
        if kind == "model_type" and loc and loc[-1] in _QUANTITY_FIELDS:
            rule = ("must be a number, or a mapping with 'value' "
                    "(and optional uncertainty, evidence)")
            fix = "write e.g. 0.7 or {value: 0.7}"
        elif kind == "value_error":
            rule = rule.removeprefix("Value error, ")
            fix = "see the rule"
        else:
            fix = _FIXES.get(kind, "see the rule")
        value = e.get("input") if kind != "missing" else None
        problems.append(Problem(field_path(loc), rule, value, fix))
    return problems


_QUANTITY_FIELDS = {"capability", "position", "salience", "status_quo"}


def parse_scenario(data: Any, source: str | None = None) -> Scenario:
    """Validate ``data`` into a :class:`Scenario`, collecting every problem in one pass.

    Structural problems (wrong types, missing fields) and semantic ones (unknown ids,
    values off the scale) are reported together.

    Raises
    ------
    ScenarioError
        Listing every problem found.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError(
            [Problem("scenario", "must be a mapping with name, actors, issues and stances",
                     type(data).__name__, "start the file with 'name:' and 'actors:'",
                     source=source)],
            source,
        )
    try:
        return Scenario.model_validate(data)
    except ScenarioError:
        # structure was fine; report the cross-field problems with the user's own paths
        problems = semantic_problems(data)
    except ValidationError as err:
        problems = problems_from_validation_error(err)
        seen = {p.field for p in problems}
        problems += [p for p in semantic_problems(data) if p.field not in seen]
    raise ScenarioError([_with_source(p, source) for p in problems], source) from None


def _with_source(p: Problem, source: str | None) -> Problem:
    return Problem(p.field, p.rule, p.value, p.fix, p.line, source)


def _num(x: Any) -> float | None:
    """The point value of a raw number or quantity mapping, if it is a usable number."""
    if isinstance(x, Mapping):
        x = x.get("value")
    if isinstance(x, bool) or not isinstance(x, int | float):
        return None
    return float(x)


def _bounds(x: Any) -> list[tuple[str, float]]:
    """``(subfield, number)`` pairs of a raw quantity: its value and uncertainty bounds."""
    out: list[tuple[str, float]] = []
    v = _num(x)
    if v is not None:
        out.append(("value" if isinstance(x, Mapping) else "", v))
    if isinstance(x, Mapping) and isinstance(x.get("uncertainty"), Mapping):
        u = x["uncertainty"]
        for key in ("low", "mode", "high", "mean"):
            b = u.get(key)
            if isinstance(b, int | float) and not isinstance(b, bool) and math.isfinite(b):
                out.append((f"uncertainty.{key}", float(b)))
    return out


def _items(data: Mapping[str, Any], key: str) -> list[tuple[int, Mapping[str, Any]]]:
    seq = data.get(key)
    if not isinstance(seq, list | tuple):
        return []
    return [(i, x) for i, x in enumerate(seq) if isinstance(x, Mapping)]


def _walk_evidence(node: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(node, Mapping):
        for k, v in node.items():
            sub = f"{path}.{k}" if path else str(k)
            if k == "evidence" and isinstance(v, list | tuple):
                for j, ev in enumerate(v):
                    if isinstance(ev, Mapping):
                        yield f"{sub}[{j}].source", ev.get("source")
            else:
                yield from _walk_evidence(v, sub)
    elif isinstance(node, list | tuple):
        for j, v in enumerate(node):
            yield from _walk_evidence(v, f"{path}[{j}]")


def semantic_problems(data: Mapping[str, Any]) -> list[Problem]:
    """Cross-field checks on a raw (possibly partly invalid) scenario mapping.

    Works defensively on the raw data, so that it can run even when some fields fail their
    structural checks, and all problems are reported together.
    """
    problems: list[Problem] = []
    add = problems.append

    def check_unique(key: str, what: str) -> set[str]:
        ids = [(i, x.get("id")) for i, x in _items(data, key)]
        counts = Counter(v for _, v in ids if isinstance(v, str))
        for i, v in ids:
            if isinstance(v, str) and counts[v] > 1:
                add(Problem(f"{key}[{i}].id", f"{what} ids must be unique", v,
                            f"rename one of the {counts[v]} {what}s called {v!r}"))
        return set(counts)

    actor_ids = check_unique("actors", "actor")
    issue_ids = check_unique("issues", "issue")
    source_ids = check_unique("sources", "source")
    round_ids = check_unique("rounds", "round")
    check_unique("events", "event")

    actors = _items(data, "actors")
    issues = _items(data, "issues")
    if isinstance(data.get("actors"), list | tuple) and not data["actors"]:
        add(Problem("actors", "a scenario needs at least one actor", [], "add actors"))
    if isinstance(data.get("issues"), list | tuple) and not data["issues"]:
        add(Problem("issues", "a scenario needs at least one issue", [], "add issues"))

    _check_names(add, actors)

    roles = Counter(a.get("role", "party") for _, a in actors)
    if roles["mediator"] and not roles["party"]:
        for i, a in actors:
            if a.get("role") == "mediator":
                add(Problem(f"actors[{i}].role", "a mediator needs parties to mediate between",
                            "mediator", "give at least one actor role 'party'"))

    for i, a in actors:
        for sub, v in _bounds(a.get("capability")):
            if v <= 0:
                add(Problem(_join(f"actors[{i}].capability", sub), "capability must be > 0", v,
                            "give a positive number (only ratios between actors matter)"))

    scales: dict[str, tuple[float, float]] = {}
    for j, iss in issues:
        sc = iss.get("scale", {}) or {}
        if not isinstance(sc, Mapping):
            continue
        lo, hi = _num(sc.get("low", 0.0)), _num(sc.get("high", 100.0))
        if lo is None or hi is None:
            continue
        if not lo < hi:
            add(Problem(f"issues[{j}].scale", "scale low must be below high", [lo, hi],
                        "swap low and high, or widen the scale"))
            continue
        if isinstance(iss.get("id"), str):
            scales[iss["id"]] = (lo, hi)
        for k, anchor in _items(sc, "anchors"):
            _check_on_scale(add, f"issues[{j}].scale.anchors[{k}].value", anchor.get("value"),
                            lo, hi)
        for k, opt in _items(iss, "options"):
            _check_on_scale(add, f"issues[{j}].options[{k}].value", opt.get("value"), lo, hi)
        for sub, v in _bounds(iss.get("status_quo")):
            _check_on_scale(add, _join(f"issues[{j}].status_quo", sub), v, lo, hi)

    seen_pairs: set[tuple[str, str]] = set()
    for k, st in _items(data, "stances"):
        who_id, ref = st.get("actor"), st.get("issue")
        if isinstance(who_id, str) and who_id not in actor_ids:
            add(Problem(f"stances[{k}].actor", "must name a declared actor", who_id,
                        _suggest(who_id, actor_ids, "actor")))
        if isinstance(ref, str) and ref not in issue_ids:
            add(Problem(f"stances[{k}].issue", "must name a declared issue", ref,
                        _suggest(ref, issue_ids, "issue")))
        if isinstance(who_id, str) and isinstance(ref, str):
            if (who_id, ref) in seen_pairs:
                add(Problem(f"stances[{k}]", "one stance per actor and issue", f"{who_id}/{ref}",
                            "merge the duplicate stances"))
            seen_pairs.add((who_id, ref))
        who = f"of actor {who_id!r} on issue {ref!r}"
        for sub, v in _bounds(st.get("salience")):
            if not 0.0 <= v <= 1.0:
                add(Problem(_join(f"stances[{k}].salience", sub),
                            f"salience {who} must be in [0, 1]", v,
                            "divide saliences given on 0-100 by 100"))
        scale = scales.get(ref) if isinstance(ref, str) else None
        if scale is None:
            continue
        lo, hi = scale
        for sub, v in _bounds(st.get("position")):
            _check_on_scale(add, _join(f"stances[{k}].position", sub), v, lo, hi,
                            f"position {who} ")
        acc = st.get("acceptable")
        if isinstance(acc, Mapping):
            alo, ahi = _num(acc.get("low")), _num(acc.get("high"))
            if alo is not None and ahi is not None:
                if alo > ahi:
                    add(Problem(f"stances[{k}].acceptable", "low must not exceed high",
                                [alo, ahi], "swap low and high"))
                _check_on_scale(add, f"stances[{k}].acceptable.low", alo, lo, hi)
                _check_on_scale(add, f"stances[{k}].acceptable.high", ahi, lo, hi)
                pos = _num(st.get("position"))
                if pos is not None and alo <= ahi and not alo <= pos <= ahi:
                    add(Problem(f"stances[{k}].acceptable",
                                "an actor's own position must lie in its acceptable range",
                                [alo, ahi], f"widen the range to include {pos:g}"))

    for r, rnd in _items(data, "rounds"):
        med = rnd.get("mediator")
        if isinstance(med, str) and med not in actor_ids:
            add(Problem(f"rounds[{r}].mediator", "must name a declared actor", med,
                        _suggest(med, actor_ids, "actor")))
        for s, sess in _items(rnd, "sessions"):
            _check_refs(add, f"rounds[{r}].sessions[{s}].participants",
                        sess.get("participants"), actor_ids, "actor")
    for e, ev in _items(data, "events"):
        rnd_ref = ev.get("round")
        if isinstance(rnd_ref, str) and rnd_ref not in round_ids:
            add(Problem(f"events[{e}].round", "must name a declared round", rnd_ref,
                        _suggest(rnd_ref, round_ids, "round")))
        _check_refs(add, f"events[{e}].actors", ev.get("actors"), actor_ids, "actor")
        _check_refs(add, f"events[{e}].issues", ev.get("issues"), issue_ids, "issue")

    for path, src in _walk_evidence(data, ""):
        if isinstance(src, str) and src not in source_ids:
            add(Problem(path, "must name a source declared under 'sources'", src,
                        _suggest(src, source_ids, "source")))
    return problems


def _check_names(add: Any, actors: list[tuple[int, Mapping[str, Any]]]) -> None:
    """An alias or a person's name may stand for one actor only (else news text is ambiguous)."""
    owner: dict[str, str] = {}
    for i, a in actors:
        who = a.get("id")
        names: list[tuple[str, Any]] = []
        aliases = a.get("aliases")
        if isinstance(aliases, list | tuple):
            names += [(f"actors[{i}].aliases[{k}]", x) for k, x in enumerate(aliases)]
        people = a.get("people")
        if isinstance(people, list | tuple):
            names += [(f"actors[{i}].people[{k}].name", p.get("name"))
                      for k, p in enumerate(people) if isinstance(p, Mapping)]
        for path, name in names:
            if not isinstance(name, str) or not isinstance(who, str):
                continue
            key = " ".join(name.casefold().split())
            if key in owner and owner[key] != who:
                add(Problem(path, f"a name may stand for one actor only; it already names "
                                  f"{owner[key]!r}", name,
                            "remove it from one of the two actors"))
            owner.setdefault(key, who)


def _join(path: str, sub: str) -> str:
    return f"{path}.{sub}" if sub else path


def _check_on_scale(add: Any, path: str, v: Any, lo: float, hi: float, what: str = "") -> None:
    x = _num(v)
    if x is not None and not lo <= x <= hi:
        add(Problem(path, f"{what}must lie on the issue's scale [{lo:g}, {hi:g}]", x,
                    "give a value on the scale, or widen the scale"))


def _check_refs(add: Any, path: str, refs: Any, known: set[str], what: str) -> None:
    if isinstance(refs, list | tuple):
        for i, ref in enumerate(refs):
            if isinstance(ref, str) and ref not in known:
                add(Problem(f"{path}[{i}]", f"must name a declared {what}", ref,
                            _suggest(ref, known, what)))


def _suggest(value: str, known: set[str], what: str) -> str:
    import difflib

    close = difflib.get_close_matches(value, sorted(known), n=1)
    if close:
        return f"did you mean {close[0]!r}? Known {what}s: {', '.join(sorted(known))}"
    if known:
        return f"use one of the declared {what}s: {', '.join(sorted(known))}"
    return f"declare the {what} first"
