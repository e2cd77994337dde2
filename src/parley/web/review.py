"""The review of an article: its proposals as JSON, and the analyst's decisions applied.

The evidence endpoints are stateless. ``POST /api/evidence`` reads an article against one
scenario version (:func:`parley.evidence.extract`, :func:`parley.evidence.propose`) and
answers :func:`review_doc`. ``POST /api/evidence/apply`` sends the same text and version
with a decision per proposal id; the server reads the article again (the rules are
deterministic, so the ids are the same), keeps the accepted proposals, applies the edits
(:func:`decide`) and saves :func:`parley.evidence.apply_proposals`' result as the next
version. A decision the proposal cannot take is refused with its field path
(``decisions[2].new``), before anything is applied.

Examples
--------
>>> from parley.io import load
>>> from parley.evidence import extract, propose
>>> s = load("geneva-2026")
>>> text = "Kremlin shifts\\n\\nMoscow now demands Article 5-like guarantees for Kyiv."
>>> records = extract(text, s)
>>> proposals = propose(records, s)
>>> [(p["id"], p["action"], p["old"], p["new"], p["records"])
...  for p in review_doc(records, proposals)["proposals"]]
[('p1', 'set', 85.0, 0.0, [0])]
>>> [p.new for p in decide(proposals, [{"id": "p1", "decision": "edit", "new": 10}])]
[10.0]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from parley.errors import Problem
from parley.evidence import EvidenceRecord, Proposal
from parley.web.errors import InvalidRequestError

__all__ = ["EDITABLE", "decide", "review_doc"]

#: What an edit may change, per action: ``"value"`` (a number) or the keys of an object.
EDITABLE: dict[str, tuple[str, ...]] = {
    "set": ("value",), "flag": ("value",), "add_stance": ("position", "salience"),
    "add_event": ("description",), "add_session": ("description",), "add_round": ("name",),
    "add_evidence": (),
}


def review_doc(records: Sequence[EvidenceRecord], proposals: Sequence[Proposal]
               ) -> dict[str, Any]:
    """Records and proposals as JSON; each proposal's ``records`` are indices into
    ``records`` (as ``parley evidence --json`` prints them)."""
    index = {id(r): k for k, r in enumerate(records)}
    out = []
    for p in proposals:
        doc = p.to_dict()
        doc["records"] = [index[id(r)] if id(r) in index else records.index(r)
                          for r in p.records]
        out.append(doc)
    return {"records": [r.to_dict() for r in records], "proposals": out}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    x = float(value)
    return x if math.isfinite(x) else None


def _edited(p: Proposal, new: Any, where: str) -> tuple[Proposal | None, list[Problem]]:
    keys = EDITABLE[p.action]
    if not keys:
        return None, [Problem(where, f"cannot be edited: proposal {p.id} only adds "
                              "evidence", new, "accept it as it is, or reject it")]
    if keys == ("value",):
        x = _number(new)
        if x is None:
            return None, [Problem(where, f"must be a finite number (the new value of "
                                  f"{p.field})", new, "give a number on the issue's scale")]
        return p.with_new(x), []
    shape = ", ".join(keys)
    if not isinstance(new, Mapping) or not new or not set(new) <= set(keys):
        return None, [Problem(where, f"must be an object with {shape}", new,
                              f"send e.g. {{{keys[0]!r}: ...}}")]
    merged = dict(p.new or {})
    problems = []
    for key, value in new.items():
        if key in ("position", "salience"):
            x = _number(value)
            if x is None:
                problems.append(Problem(f"{where}.{key}", "must be a finite number", value,
                                        "give a number"))
            merged[key] = x
        elif not isinstance(value, str) or not value.strip():
            problems.append(Problem(f"{where}.{key}", "must be non-empty text", value,
                                    f"give the {key}"))
        else:
            merged[key] = value.strip()
    return (None if problems else p.with_new(merged)), problems


def decide(proposals: Sequence[Proposal], decisions: Sequence[Mapping[str, Any]]
           ) -> list[Proposal]:
    """The proposals to apply: the accepted ones and the edited ones, in proposal order.

    Parameters
    ----------
    proposals : sequence of Proposal
        The proposals of the article for the scenario version.
    decisions : sequence of mapping
        ``{id, decision, new}`` per proposal (``decision``: ``accept``, ``edit`` or
        ``reject``; proposals without a decision are rejected).

    Raises
    ------
    InvalidRequestError
        Listing every decision that cannot be taken (unknown or repeated id, a flag or a
        stance without salience accepted unedited, an edit of the wrong shape), or if
        nothing is accepted.
    """
    by_id = {p.id: p for p in proposals}
    chosen: dict[str, Proposal] = {}
    problems: list[Problem] = []
    seen: set[str] = set()
    for k, d in enumerate(decisions):
        where = f"decisions[{k}]"
        pid, decision = d.get("id"), d.get("decision")
        p = by_id.get(pid) if isinstance(pid, str) else None
        if p is None:
            problems.append(Problem(f"{where}.id", "is not a proposal of this article for "
                                    "this scenario version", pid, "read the article again "
                                    "(POST /api/evidence) and use its proposal ids"))
            continue
        if p.id in seen:
            problems.append(Problem(f"{where}.id", "is decided twice", pid,
                                    "send one decision per proposal"))
            continue
        seen.add(p.id)
        if decision == "reject":
            continue
        if decision == "edit":
            edited, found = _edited(p, d.get("new"), f"{where}.new")
            problems += found
            if edited is not None:
                chosen[p.id] = edited
            continue
        if p.action == "flag":
            problems.append(Problem(f"{where}.decision", f"cannot accept flag {p.id} as it "
                                    "is: a flag changes nothing", decision,
                                    "edit it with a new value, or reject it"))
        elif p.action == "add_stance" and _number((p.new or {}).get("salience")) is None:
            problems.append(Problem(f"{where}.decision", f"cannot accept {p.id} as it is: "
                                    "the new stance has no salience", decision,
                                    "edit it and give a salience in [0, 1]"))
        else:
            chosen[p.id] = p
    if not problems and not chosen:
        problems.append(Problem("decisions", "accept nothing: there is nothing to save",
                                [d.get("decision") for d in decisions],
                                "accept or edit at least one proposal"))
    if problems:
        raise InvalidRequestError(problems)
    return [chosen[p.id] for p in proposals if p.id in chosen]
