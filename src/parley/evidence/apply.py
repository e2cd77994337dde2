"""Apply accepted proposals: a new scenario version that cites the article.

:func:`apply_proposals` takes the proposals an analyst accepted (possibly with edited new
values) and returns the next version of the scenario (``version + 1``):

- the article becomes a ``sources`` entry (:func:`article_source`: kind ``article``, title
  from its first line, its publication date and the SHA-256 of its text); a source with the
  same SHA-256 is reused;
- every change carries its evidence: the sentence as quote, the rule and confidence as note;
- ``set`` changes a stance's position; when the new value lies outside the actor's acceptable
  range the range is widened to hold it, and an uncertainty is moved to centre on it (a
  triangular mode, a normal mean) and widened if needed, so the new scenario validates;
- ``add_evidence``, ``add_stance``, ``add_session``, ``add_round``, ``add_event`` add what they
  name; a ``flag`` without a new value changes nothing.

The result is validated like any scenario: a proposal that would make it invalid (a stance
without a salience, an event naming a round that was rejected) raises
:class:`~parley.errors.ScenarioError` listing the problems, and nothing is returned.

Examples
--------
>>> from parley.io import load
>>> from parley.evidence import extract, propose
>>> s = load("geneva-2026")
>>> text = "Kremlin shifts\\n\\nMoscow now demands Article 5-like guarantees for Kyiv."
>>> new = apply_proposals(s, propose(extract(text, s), s), article_source(text))
>>> new.version, new.stance("russia", "security-guarantees").position.value
(2, 0.0)
>>> new.stance("russia", "security-guarantees").acceptable
Range(low=0.0, high=100.0)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from typing import Any

from parley.errors import ParleyError
from parley.evidence.propose import ARTICLE, normalise
from parley.evidence.records import Proposal
from parley.scenario import Scenario, Source, parse_scenario

__all__ = ["apply_proposals", "article_source"]


def article_source(text: str, *, published: dt.date | None = None, source_id: str | None = None,
                   url: str = "", sha256: str | None = None) -> Source:
    """The ``sources`` entry for an article.

    Parameters
    ----------
    text
        The article; its first non-empty line is the title.
    published
        The publication date.
    source_id
        The id to give it (default: from the title and date, e.g. ``article-tough-russia-...``).
    url
        Where it was found.
    sha256
        The SHA-256 of the file as read (default: of ``text`` encoded as UTF-8).
    """
    title = next((line.strip() for line in text.splitlines() if line.strip()), "article")
    digest = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
    if source_id is None:
        slug = re.sub(r"[^a-z0-9]+", "-", normalise(title).casefold()).strip("-")[:48].strip("-")
        source_id = "article-" + (slug or digest[:12]) + (f"-{published}" if published else "")
    return Source(id=source_id, kind="article", title=title, url=url, published=published,
                  sha256=digest)


def apply_proposals(scenario: Scenario, proposals: Sequence[Proposal],
                    source: Source) -> Scenario:
    """The next version of ``scenario`` with the accepted ``proposals`` applied.

    Parameters
    ----------
    scenario
        The scenario the proposals were made for.
    proposals
        The accepted proposals (edited ones carry their new value; see
        :meth:`Proposal.with_new`).
    source
        The article as a source (:func:`article_source`).

    Returns
    -------
    Scenario
        A new, validated scenario with ``version`` one higher.

    Raises
    ------
    ScenarioError
        If the result does not validate (every problem listed).
    ParleyError
        If a proposal names something the scenario does not have.
    """
    data = scenario.model_dump(mode="json")
    sid = _add_source(data, source)
    data["version"] = scenario.version + 1
    for p in proposals:
        _apply(data, p, sid)
    return parse_scenario(data, source=f"{scenario.name} version {data['version']}")


def _add_source(data: dict[str, Any], source: Source) -> str:
    sources = data.setdefault("sources", [])
    for existing in sources:
        if source.sha256 and existing.get("sha256") == source.sha256:
            return str(existing["id"])
    taken = {x["id"] for x in sources}
    sid, k = source.id, 2
    while sid in taken:
        sid, k = f"{source.id}-{k}", k + 1
    sources.append(source.model_copy(update={"id": sid}).model_dump(mode="json"))
    return sid


def _cite(obj: Any, sid: str) -> Any:
    """``obj`` with the placeholder source id replaced by ``sid`` (dates as ISO text)."""
    if isinstance(obj, dict):
        return {k: (sid if k == "source" and v == ARTICLE else _cite(v, sid))
                for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_cite(v, sid) for v in obj]
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj


def _evidence_of(p: Proposal, sid: str) -> list[dict[str, Any]]:
    if isinstance(p.new, dict) and "evidence" in p.new:
        return list(_cite(p.new["evidence"], sid))
    seen: dict[str, dict[str, Any]] = {}
    for r in p.records:
        seen.setdefault(normalise(r.sentence), {
            "source": sid, "quote": normalise(r.sentence),
            "note": f"parley.evidence: {r.kind} ({r.rule}), confidence {r.confidence:.2f}"})
    return list(seen.values())


def _find(items: list[dict[str, Any]], what: str, **key: Any) -> dict[str, Any]:
    for x in items:
        if all(x.get(k) == v for k, v in key.items()):
            return x
    raise ParleyError(f"the scenario has no {what} {key}; the proposal does not apply to it. "
                      "Fix: propose again from this scenario")


def _apply(data: dict[str, Any], p: Proposal, sid: str) -> None:
    kind = p.target[0]
    if p.action == "flag":
        return  # a flag with a new value arrives as "set" (Proposal.with_new)
    if p.action == "add_stance":
        new = dict(p.new or {})
        if new.get("salience") is None or new.get("position") is None:
            raise ParleyError(f"proposal {p.id} adds a stance for {p.field} but has no "
                              "salience. Fix: edit it and give a salience in [0, 1]")
        data.setdefault("stances", []).append({
            "actor": p.target[1], "issue": p.target[2],
            "position": {"value": float(new["position"]), "evidence": _evidence_of(p, sid)},
            "salience": float(new["salience"])})
        return
    if p.action == "add_round":
        data.setdefault("rounds", []).append(_cite(p.new, sid))
        return
    if p.action == "add_event":
        data.setdefault("events", []).append(_cite(p.new, sid))
        return
    if p.action == "add_session":
        rnd = _find(data.get("rounds", []), "round", id=p.target[1])
        rnd.setdefault("sessions", []).append(_cite(p.new, sid))
        return
    if kind == "stance":
        stance = _find(data.get("stances", []), "stance", actor=p.target[1], issue=p.target[2])
        position = stance["position"]
        if p.action == "set":
            _set_position(stance, float(p.new))
        position.setdefault("evidence", []).extend(_evidence_of(p, sid))
        return
    if kind == "round":
        holder = _find(data.get("rounds", []), "round", id=p.target[1])
    elif kind == "session":
        rnd = _find(data.get("rounds", []), "round", id=p.target[1])
        holder = _find(rnd.get("sessions", []), "session", id=p.target[2])
    else:
        holder = _find(data.get("events", []), "event", id=p.target[1])
    holder.setdefault("evidence", []).extend(_evidence_of(p, sid))


def _set_position(stance: dict[str, Any], v: float) -> None:
    position = stance["position"]
    position["value"] = v
    u = position.get("uncertainty")
    if isinstance(u, dict):
        u["low"], u["high"] = min(u["low"], v), max(u["high"], v)
        if u.get("kind") == "triangular":
            u["mode"] = v
        elif u.get("kind") == "normal":
            u["mean"] = v
    acc = stance.get("acceptable")
    if isinstance(acc, dict):
        acc["low"], acc["high"] = min(acc["low"], v), max(acc["high"], v)
