"""The scenario fields the gazetteer reads: actor aliases and people, issue keywords and
pole phrases; optional, validated, and filled in for geneva-2026."""

from __future__ import annotations

from typing import Any

import pytest

from parley.errors import ScenarioError
from parley.io import load
from parley.scenario import Person, Poles, Scenario, parse_scenario


def toy(**actor_b: Any) -> dict[str, Any]:
    return {
        "name": "toy",
        "actors": [{"id": "a", "name": "A", "capability": 1, "aliases": ["Alpha"],
                    "people": [{"name": "Ann Smith", "title": "envoy"}]},
                   {"id": "b", "name": "B", "capability": 1, **actor_b}],
        "issues": [{"id": "x", "name": "X", "keywords": ["ex"],
                    "poles": {"low": ["none at all"], "high": ["all of it"]}}],
    }


def test_gazetteer_fields_are_optional_with_empty_defaults() -> None:
    s = load("two-party-ceasefire")
    assert all(a.aliases == () and a.people == () for a in s.actors)
    assert all(i.keywords == () and i.poles is None for i in s.issues)


def test_gazetteer_fields_parse_and_survive_to_dict() -> None:
    s = parse_scenario(toy())
    assert s.actor("a").people == (Person(name="Ann Smith", title="envoy"),)
    assert s.issue("x").poles == Poles(low=("none at all",), high=("all of it",))
    assert Scenario.model_validate(s.to_dict()) == s


def test_an_alias_naming_two_actors_is_a_problem() -> None:
    with pytest.raises(ScenarioError) as err:
        parse_scenario(toy(aliases=["Alpha"]), source="toy.yaml")
    (p,) = err.value.problems
    assert p.field == "actors[1].aliases[0]"
    assert "'a'" in p.rule
    assert p.value == "Alpha"


def test_a_person_naming_two_actors_is_a_problem() -> None:
    with pytest.raises(ScenarioError, match="one actor only"):
        parse_scenario(toy(people=[{"name": "Ann Smith"}]))


@pytest.mark.parametrize("bad", [
    {"people": [{"name": "Bo", "rank": "x"}]},   # unknown field
    {"aliases": [""]},                          # empty phrase
])
def test_bad_gazetteer_entries_are_rejected(bad: dict[str, Any]) -> None:
    with pytest.raises(ScenarioError):
        parse_scenario(toy(**bad))


def test_json_schema_describes_people_and_poles() -> None:
    schema = Scenario.model_json_schema()
    assert {"Person", "Poles"} <= set(schema["$defs"])
    assert {"aliases", "people"} <= set(schema["$defs"]["Actor"]["properties"])
    assert {"keywords", "poles"} <= set(schema["$defs"]["Issue"]["properties"])


def test_geneva_names_the_people_the_issue_asks_for() -> None:
    """Medinsky for Russia, Umerov and Zelensky for Ukraine, Witkoff and Trump for the US."""
    s = load("geneva-2026")
    people = {p.name.split()[-1]: a.id for a in s.actors for p in a.people}
    assert {k: people[k] for k in ("Medinsky", "Umerov", "Zelensky", "Witkoff", "Trump")} == {
        "Medinsky": "russia", "Umerov": "ukraine", "Zelensky": "ukraine",
        "Witkoff": "united-states", "Trump": "united-states"}


def test_geneva_issues_all_have_keywords_and_both_poles() -> None:
    for issue in load("geneva-2026").issues:
        assert issue.keywords, issue.id
        assert issue.poles is not None
        assert issue.poles.low, issue.id
        assert issue.poles.high, issue.id
