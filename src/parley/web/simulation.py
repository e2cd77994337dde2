"""The simulation page's document: a simulated negotiation plus what its chart needs.

:func:`simulation_document` runs :func:`parley.negotiation.simulate` and adds ``chart``:
for every proposer (a party, or the mediator of a single text) the rounds in which the
offer it has on the table changed, with the package offered. The result's ``offers``
already give every party's utility of each proposer's standing offer after each round;
with ``chart`` the dashboard can show, for any point of its offers-over-time chart, the
package behind it without reading the transcript. :func:`check_strategies` turns the
strategies of a request into problems naming the field (``strategies[1]``,
``strategies.russia``) before a job starts.

Examples
--------
Two parties on one issue, A at 0 and B at 100, red lines A <= 60 and B >= 40 (the
example of :mod:`parley.negotiation.simulate`); each offers its own pole first:

>>> from parley.scenario import Scenario
>>> s = Scenario.model_validate({"name": "toy",
...     "actors": [{"id": "a", "name": "A", "capability": 1},
...                {"id": "b", "name": "B", "capability": 1}],
...     "issues": [{"id": "x", "name": "X"}],
...     "stances": [
...         {"actor": "a", "issue": "x", "position": 0, "salience": 1,
...          "acceptable": {"low": 0, "high": 60}},
...         {"actor": "b", "issue": "x", "position": 100, "salience": 1,
...          "acceptable": {"low": 40, "high": 100}}]})
>>> doc = simulation_document(s, strategies=["a=linear", "b=linear"], steps=11)
>>> doc["chart"]["proposers"]
['a', 'b']
>>> doc["chart"]["changes"]["a"][0]
{'round': 1, 'package': {'x': 0.0}}
>>> check_strategies(s, ["a=linear", "c=linear", "b=sulky"])[0].field
'strategies[1]'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from parley.errors import ParleyError, Problem
from parley.scenario import Scenario

__all__ = ["OFFER_ACTIONS", "check_strategies", "issue_labels", "offer_changes",
           "simulation_document"]

#: Transcript actions that put a package on the table.
OFFER_ACTIONS = ("offer", "text")


def offer_changes(transcript: Sequence[Mapping[str, Any]], parties: Sequence[str]
                  ) -> dict[str, Any]:
    """Per proposer, the rounds in which its standing offer changed and the new package.

    Parameters
    ----------
    transcript : sequence of mapping
        :attr:`SimulationResult.transcript <parley.negotiation.SimulationResult>`.
    parties : sequence of str
        The negotiating parties (listed first among the proposers, in this order).

    Returns
    -------
    dict
        ``proposers`` (the parties that offered, then the others, e.g. a mediator) and
        ``changes``: per proposer a list of ``{round, package}``, oldest first; a round
        appears once (its last offer), and only where the package differs from the
        proposer's previous one.
    """
    changes: dict[str, list[dict[str, Any]]] = {}
    for entry in transcript:
        if entry.get("action") not in OFFER_ACTIONS or entry.get("package") is None:
            continue
        who = str(entry["actor"])
        rows = changes.setdefault(who, [])
        package = dict(entry["package"])
        if rows and rows[-1]["round"] == entry["round"]:
            rows.pop()
        if rows and rows[-1]["package"] == package:
            continue
        rows.append({"round": int(entry["round"]), "package": package})
    order = [p for p in parties if p in changes] + sorted(p for p in changes
                                                          if p not in parties)
    return {"proposers": order, "changes": {p: changes[p] for p in order}}


def check_strategies(scenario: Scenario, strategies: Sequence[str] | Mapping[str, str] | None
                     ) -> list[Problem]:
    """The problems of a request's strategies (empty if every one is usable).

    Each must name a negotiating party (an actor whose role is ``party``) once, with a
    strategy :func:`~parley.negotiation.parse_strategy` knows.
    """
    from parley.negotiation import STRATEGY_NAMES, parse_strategy

    parties = [a.id for a in scenario.parties]
    items: list[tuple[str, str, str]] = []  # field, actor, name
    problems: list[Problem] = []
    if isinstance(strategies, Mapping):
        items = [(f"strategies.{k}", k, v) for k, v in strategies.items()]
    elif strategies:
        for i, text in enumerate(strategies):
            actor, sep, name = text.partition("=")
            if not sep or not actor.strip() or not name.strip():
                problems.append(Problem(f"strategies[{i}]", "must be ACTOR=NAME", text,
                                        "write e.g. russia=hard-liner"))
                continue
            items.append((f"strategies[{i}]", actor.strip(), name.strip()))
    seen: set[str] = set()
    for where, actor, name in items:
        if actor not in parties:
            problems.append(Problem(where, "must name a negotiating party (role 'party')",
                                    actor, f"use one of {', '.join(parties) or '(none)'}"))
            continue
        if actor in seen:
            problems.append(Problem(where, "gives a second strategy to the same party", actor,
                                    "give each party one strategy"))
        seen.add(actor)
        try:
            parse_strategy(name)
        except ParleyError:
            problems.append(Problem(where, "is not a known strategy", name,
                                    f"use one of {', '.join(STRATEGY_NAMES)}"))
    return problems


def simulation_document(scenario: Scenario, *, protocol: str = "alternating",
                        strategies: Sequence[str] | Mapping[str, str] | None = None,
                        seed: int | None = None, steps: int = 10,
                        order: Literal["listed", "random"] = "listed") -> dict[str, Any]:
    """The simulated talks of ``scenario`` as JSON, with the chart's offer changes.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    protocol, strategies, seed, steps, order
        As for :func:`parley.negotiation.simulate`.

    Returns
    -------
    dict
        :meth:`parley.negotiation.SimulationResult.to_dict` plus ``chart`` (see
        :func:`offer_changes`), and per issue ``anchor`` and ``option``
        (:func:`issue_labels`) beside the result's ``label``.
    """
    from parley.negotiation import simulate

    result = simulate(scenario, protocol=protocol, strategies=strategies, seed=seed,
                      steps=steps, order=order)
    doc = result.to_dict()
    for row in doc["issues"]:
        row.update(issue_labels(scenario, row["issue"], row["value"]))
    doc["chart"] = offer_changes(doc["transcript"], doc["parties"])
    return doc


def issue_labels(scenario: Scenario, issue_id: str, value: float | None) -> dict[str, str]:
    """``anchor``: the label of the scale's anchor nearest ``value``; ``option``: the label
    of the issue's named option at ``value`` (both ``""`` where there is none)."""
    if value is None:
        return {"anchor": "", "option": ""}
    issue = scenario.issue(issue_id)
    option = next((o.label or o.id for o in issue.options if abs(o.value - value) < 1e-9), "")
    return {"anchor": issue.scale.nearest_label(value), "option": option}
