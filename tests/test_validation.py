"""Every class of bad input gives clear problems: file, line, field, rule, value, fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.errors import Problem, ScenarioError
from parley.io import load, loads
from parley.scenario import Scenario

BROKEN = Path(__file__).parent / "data" / "broken"


def problems_of(path: Path) -> tuple[Problem, ...]:
    with pytest.raises(ScenarioError) as info:
        load(path)
    err = info.value
    assert all(p.source == str(path) for p in err.problems)
    assert str(path) in str(err)
    return err.problems


# (file, [(field, line, words in the rule, value, words in the fix)])
CASES = {
    "unknown-ids.yaml": [
        ("stances[0].actor", 8, "declared actor", "rusia", "did you mean 'russia'"),
        ("stances[1].issue", 9, "declared issue", "donbass", "did you mean 'donbas'"),
    ],
    "off-scale.yaml": [
        ("stances[0].position", 10, "scale [0, 100]", 120.0, "on the scale"),
    ],
    "salience-range.yaml": [
        ("stances[0].salience", 8, "must be in [0, 1]", 1.4, "divide"),
        ("stances[1].salience", 9, "must be in [0, 1]", 90.0, "divide"),
    ],
    "capability.yaml": [
        ("actors[0].capability", 3, "> 0", 0.0, "positive"),
        ("actors[1].capability", 4, "> 0", -2.0, "positive"),
    ],
    "duplicate-ids.yaml": [
        ("actors[0].id", 3, "unique", "russia", "rename"),
        ("actors[1].id", 4, "unique", "russia", "rename"),
        ("issues[0].id", 6, "unique", "donbas", "rename"),
        ("issues[1].id", 7, "unique", "donbas", "rename"),
    ],
    "mediator-alone.yaml": [
        ("actors[0].role", 3, "mediator needs parties", "mediator", "party"),
    ],
    "wrong-types.yaml": [
        ("actors[0].role", 3, "'party', 'mediator' or 'observer'", "belligerent", "allowed"),
        ("actors[0].capability", 3, "must be a number", "strong", "0.7"),
        ("issues[0].scale.low", 5, "valid number", "zero", "number"),
        ("stances[0].position", 7, "must be a number", [1, 2], "0.7"),
        ("stances[0].salience", 7, "must be a number", "high", "0.7"),
    ],
    "yaml-syntax.yaml": [("file", 4, "not valid YAML", "issues:", "syntax")],
    "bad.json": [("file", 3, "not valid JSON", "]}\n", "JSON syntax")],
    "empty.yaml": [("file", None, "empty", "", "write a scenario")],
    "comment-only.yaml": [("file", None, "empty", "", "write a scenario")],
    "not-a-mapping.yaml": [("scenario", None, "must be a mapping", "list", "name:")],
    "many-problems.yaml": [
        ("actors[1].capability", 4, "must be a number", "lots", "0.7"),
        ("stances[0].position", 8, "scale", 150.0, "on the scale"),
        ("stances[1].actor", 9, "declared actor", "ukrain", "did you mean 'ukraine'"),
        ("stances[1].salience", 9, "[0, 1]", 2.0, "divide"),
    ],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_broken_file_reports_every_problem_with_line_rule_value_and_fix(name: str) -> None:
    found = problems_of(BROKEN / name)
    expected = CASES[name]
    assert len(found) == len(expected), "\n".join(map(str, found))
    for p, (field, line, rule, value, fix) in zip(found, expected, strict=True):
        assert p.field == field
        if line is not None:
            assert p.line == line, str(p)
        assert rule in p.rule
        assert p.value == value
        assert fix in p.fix


def test_binary_file_is_reported_as_not_text(tmp_path: Path) -> None:
    f = tmp_path / "scenario.yaml"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (p,) = problems_of(f)
    assert "not a text file" in p.rule


def test_non_utf8_file_is_reported_with_the_offending_byte(tmp_path: Path) -> None:
    f = tmp_path / "scenario.yaml"
    f.write_bytes("name: caf\xe9\n".encode("latin-1"))
    (p,) = problems_of(f)
    assert "UTF-8" in p.rule
    assert "0xe9" in str(p.value)


def test_missing_file_and_directory_are_reported(tmp_path: Path) -> None:
    (p,) = problems_of(tmp_path / "nope.yaml")
    assert "does not exist" in p.rule
    (p,) = problems_of(tmp_path)
    assert "not a regular file" in p.rule


def test_unknown_bundled_name_lists_the_bundled_scenarios() -> None:
    with pytest.raises(ScenarioError, match="geneva-2026"):
        load("no-such-scenario")


def test_missing_required_fields_are_named() -> None:
    with pytest.raises(ScenarioError) as info:
        loads("name: x\n", source="x.yaml")
    fields = {p.field for p in info.value.problems}
    assert fields == {"actors", "issues"}
    assert all(p.fix == "add this field" for p in info.value.problems)


def test_misspelt_field_is_rejected_not_ignored() -> None:
    text = """
name: x
actors: [{id: a, name: A, capability: 1, capabilty: 2}]
issues: [{id: i, name: I}]
"""
    with pytest.raises(ScenarioError) as info:
        loads(text, source="x.yaml")
    (p,) = info.value.problems
    assert p.field == "actors[0].capabilty"
    assert p.line == 3
    assert "spelling" in p.fix


def test_uncertainty_must_contain_its_value_and_be_ordered() -> None:
    text = """
name: x
actors:
  - id: a
    name: A
    capability: {value: 5, uncertainty: {kind: triangular, low: 1, mode: 2, high: 3}}
issues: [{id: i, name: I}]
"""
    with pytest.raises(ScenarioError) as info:
        loads(text, source="x.yaml")
    (p,) = info.value.problems
    assert p.field == "actors[0].capability"
    assert "must lie in its uncertainty range [1, 3]" in p.rule
    assert p.line == 6


def test_acceptable_range_must_hold_the_actors_own_position() -> None:
    text = """
name: x
actors: [{id: a, name: A, capability: 1}]
issues: [{id: i, name: I}]
stances:
  - {actor: a, issue: i, position: 80, salience: 0.5, acceptable: {low: 0, high: 40}}
"""
    with pytest.raises(ScenarioError, match="own position must lie in its acceptable range"):
        loads(text, source="x.yaml")


def test_evidence_must_cite_a_declared_source() -> None:
    text = """
name: x
sources: [{id: bbc, kind: article}]
actors:
  - {id: a, name: A, capability: {value: 1, evidence: [{source: bcc, quote: q}]}}
issues: [{id: i, name: I}]
"""
    with pytest.raises(ScenarioError) as info:
        loads(text, source="x.yaml")
    (p,) = info.value.problems
    assert p.field == "actors[0].capability.evidence[0].source"
    assert "did you mean 'bbc'" in p.fix


def test_references_in_the_timeline_are_checked() -> None:
    text = """
name: x
actors: [{id: a, name: A, capability: 1}]
issues: [{id: i, name: I}]
rounds:
  - id: r1
    start: 2026-01-01
    mediator: usa
    sessions: [{id: s1, participants: [a, b]}]
events: [{id: e1, kind: pressure, actors: [c], issues: [j]}]
"""
    with pytest.raises(ScenarioError) as info:
        loads(text, source="x.yaml")
    assert [p.field for p in info.value.problems] == [
        "rounds[0].mediator", "rounds[0].sessions[0].participants[1]",
        "events[0].actors[0]", "events[0].issues[0]"]


def test_scenario_is_immutable_and_replace_revalidates() -> None:
    s = load("geneva-2026")
    with pytest.raises(Exception, match="frozen"):
        s.name = "other"  # type: ignore[misc]
    assert s.replace(title="t").title == "t"
    with pytest.raises(ScenarioError):
        s.replace(actors=())


@settings(max_examples=30, deadline=None)
@given(salience=st.floats(allow_nan=False, allow_infinity=False))
def test_salience_outside_unit_interval_is_always_rejected(salience: float) -> None:
    data = {"name": "x", "actors": [{"id": "a", "name": "A", "capability": 1}],
            "issues": [{"id": "i", "name": "I"}],
            "stances": [{"actor": "a", "issue": "i", "position": 50, "salience": salience}]}
    if 0 <= salience <= 1:
        assert Scenario.model_validate(data).stances[0].salience.value == salience
    else:
        with pytest.raises(ScenarioError, match=r"must be in \[0, 1\]"):
            Scenario.model_validate(data)
