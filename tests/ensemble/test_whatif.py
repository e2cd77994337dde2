"""What-ifs: the change-set format, its errors (file, line, field, rule, value, fix), each
operation, and the comparison on common random numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from parley.ensemble.whatif import apply_changes, compare_whatif, load_changes, loads_changes
from parley.errors import ScenarioError
from parley.io import load
from tests.ensemble.helpers import toy, uniform


def problems(text: str, scenario_name: str = "geneva-2026") -> list[tuple[str, int | None]]:
    with pytest.raises(ScenarioError) as info:
        apply_changes(load(scenario_name), loads_changes(text, source="w.yaml"))
    assert all(p.source == "w.yaml" for p in info.value.problems)
    return [(p.field, p.line) for p in info.value.problems]


def test_structural_errors_name_the_line_the_field_and_the_fix() -> None:
    text = ("name: broken\n"
            "changes:\n"
            "  - position: {actor: russia, issue: donbas, value: 80}\n"
            "  - salinece: {actor: russia, issue: donbas, value: 0.3}\n"
            "  - salience: {actor: russia, issue: donbas, value: high}\n"
            "  - capability: {actor: russia}\n"
            "  - red_line: {actor: russia, issue: donbas, low: 90, high: 10}\n")
    with pytest.raises(ScenarioError) as info:
        loads_changes(text, source="w.yaml")
    got = {(p.field, p.line): p for p in info.value.problems}
    assert set(got) == {("changes[1].salinece", 4), ("changes[2].salience.value", 5),
                        ("changes[3].capability.value", 6), ("changes[4].red_line.low", 7)}
    assert "did you mean 'salience'?" in got[("changes[1].salinece", 4)].fix
    assert got[("changes[2].salience.value", 5)].value == "high"
    assert "(line 5)" in str(info.value)
    assert "problems in w.yaml" in str(info.value)


@pytest.mark.parametrize(("text", "field"), [
    ("changes:\n  - position: {actor: rusia, issue: donbas, value: 80}\n",
     "changes[0].position.actor"),
    ("changes:\n  - salience: {actor: russia, issue: donbas, value: 1.5}\n",
     "changes[0].salience.value"),
    ("changes:\n  - capability: {actor: russia, value: 0}\n", "changes[0].capability.value"),
    ("changes:\n  - join_side_channel: {actor: russia, session: geneva-plenary-day-1}\n",
     "changes[0].join_side_channel.session"),
    ("changes:\n  - leave_side_channel: {actor: france, session: geneva-medinsky-ukraine}\n",
     "changes[0].leave_side_channel.actor"),
    ("changes:\n  - add_actor: {id: russia, capability: 1}\n", "changes[0].add_actor.id"),
])
def test_a_change_that_cannot_apply_names_its_field_and_line(text: str, field: str) -> None:
    assert problems(text) == [(field, 2)]


def test_a_change_that_breaks_a_scenario_rule_is_named_with_that_rule() -> None:
    # ukraine's red line on donbas (kept by a new stance) excludes 95: its own position
    # may not lie outside it
    text = "changes:\n  - stance: {actor: ukraine, issue: donbas, position: 95, salience: 1}\n"
    toy_text = ("changes:\n  - red_line: {actor: a, issue: x, low: 50, high: 60}\n")
    with pytest.raises(ScenarioError) as info:
        apply_changes(toy(), loads_changes(toy_text, source="w.yaml"))
    (p,) = info.value.problems
    assert p.field == "changes[0].red_line"
    assert p.line == 2
    assert "own position must lie in its acceptable range" in p.rule
    assert problems(text)[0][0] == "changes[0].stance"


def test_every_operation_changes_what_it_says() -> None:
    text = """
name: many
changes:
  - position: {actor: russia, issue: donbas, value: 80}
  - salience: {actor: ukraine, issue: donbas, value: 0.8, uncertainty: drop}
  - capability: {actor: united-states, value: 60}
  - red_line: {actor: ukraine, issue: front-line, remove: true}
  - stance: {actor: italy, issue: prisoner-exchange, position: 80, salience: 0.2}
  - add_actor: {id: china, name: China, role: observer, capability: 40,
                stances: [{issue: donbas, position: 70, salience: 0.3}]}
  - remove_actor: {actor: united-kingdom}
  - join_side_channel: {actor: united-states, session: geneva-medinsky-ukraine}
  - leave_side_channel: {actor: germany, session: geneva-europeans-ukraine}
"""
    s = load("geneva-2026")
    v = apply_changes(s, loads_changes(text))
    assert v.stance("russia", "donbas").position.value == 80  # type: ignore[union-attr]
    sal = v.stance("ukraine", "donbas").salience  # type: ignore[union-attr]
    assert sal.value == 0.8
    assert sal.uncertainty is None
    assert v.actor("united-states").capability.value == 60
    assert v.stance("ukraine", "front-line").acceptable is None  # type: ignore[union-attr]
    assert v.stance("italy", "prisoner-exchange").position.value == 80  # type: ignore[union-attr]
    assert v.actor("china").role == "observer"
    assert "united-kingdom" not in [a.id for a in v.actors]
    sessions = {x.id: x.participants for r in v.rounds for x in r.sessions}
    assert "united-states" in sessions["geneva-medinsky-ukraine"]
    assert "germany" not in sessions["geneva-europeans-ukraine"]
    assert all("united-kingdom" not in p for p in sessions.values())
    assert s.actor("united-states").capability.value != 60  # the baseline is untouched


def test_a_changed_number_keeps_its_uncertainty_shifted_or_scaled() -> None:
    s = toy(pos_a={"value": 30, "uncertainty": {"kind": "triangular", "low": 20, "mode": 30,
                                                "high": 40}},
            cap_a={"value": 2, "uncertainty": {"kind": "uniform", "low": 1, "high": 3}},
            acceptable=False)
    v = apply_changes(s, loads_changes(
        "changes:\n  - position: {actor: a, issue: x, value: 95}\n"
        "  - capability: {actor: a, value: 4}\n"))
    u = v.stance("a", "x").position.uncertainty  # type: ignore[union-attr]
    # shifted by +65 and clipped to the scale: (85, 95, 105 -> 100)
    assert (u.low, u.mode, u.high) == (85, 95, 100)  # type: ignore[union-attr]
    cu = v.actor("a").capability.uncertainty
    assert (cu.low, cu.high) == (2, 6)  # type: ignore[union-attr]  # scaled by 4/2


def test_identical_draws_make_an_irrelevant_change_change_nothing_at_all() -> None:
    """A side channel is not read by the compromise: every draw is unchanged."""
    s = load("geneva-2026")
    cs = loads_changes("changes:\n  - join_side_channel: {actor: united-states, "
                       "session: geneva-medinsky-ukraine}\n")
    r = compare_whatif(s, cs, "compromise", n_runs=300, seed=4)
    assert (r.baseline.outcome == r.variant.outcome).all()
    assert any("does not read the format" in n for n in r.notes)
    assert all(row["difference"]["mean"] == 0.0 for row in r.rows())


def test_common_random_numbers_make_the_paired_difference_exact_for_a_linear_model() -> None:
    """Compromise with weights 1 and 1: moving A's point value by +10 (its U(0, 60)
    shifted with it) moves every draw's outcome by exactly 10 / 2 = 5."""
    s = toy(pos_a=uniform(0, 60, value=30), acceptable=True)
    cs = loads_changes("changes:\n  - position: {actor: a, issue: x, value: 40}\n")
    r = compare_whatif(s, cs, "compromise", n_runs=2000, seed=9)
    d = r.variant.outcome - r.baseline.outcome
    np.testing.assert_allclose(d, 5.0, atol=1e-9)
    row = r.rows()[0]
    assert row["difference"]["share_higher"] == 1.0
    assert row["difference"]["se"] == pytest.approx(0.0, abs=1e-9)


def test_a_new_actor_leaves_the_draws_of_everyone_else_unchanged() -> None:
    s = toy(pos_a=uniform(0, 60), pos_b=uniform(60, 100))
    cs = loads_changes("changes:\n  - add_actor: {id: c, capability: 1, stances: "
                       "[{issue: x, position: {value: 50, uncertainty: {kind: uniform, "
                       "low: 40, high: 60}}, salience: 0.5}]}\n")
    r = compare_whatif(s, cs, "weighted-median", n_runs=500, seed=2)
    assert r.variant.inputs == (*r.baseline.inputs, "position c/x")
    doc = r.to_dict()
    assert doc["whatif"]["changes"][0]["text"] == "add actor c"
    assert len(doc["issues"]) == 1


def test_load_changes_reads_a_file_and_reports_missing_ones(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("changes:\n  - capability: {actor: russia, value: 50}\n", encoding="utf-8")
    cs = load_changes(path)
    assert cs.name == "w"
    assert cs.source == str(path)
    with pytest.raises(ScenarioError, match="does not exist"):
        load_changes(tmp_path / "missing.yaml")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        loads_changes("changes: [\n", source="x.yaml")
    with pytest.raises(ScenarioError, match="non-empty list"):
        loads_changes("name: nothing\n")


@pytest.mark.parametrize(("text", "field", "rule"), [
    ("- a\n- b\n", "changes", "must be a mapping"),
    ("changes:\n  - capability: {actor: a, value: 2}\nextra: 1\n", "extra",
     "is not a field of a change set"),
    ("changes:\n  - {position: {}, salience: {}}\n", "changes[0]", "exactly one operation"),
    ("changes:\n  - position: 5\n", "changes[0].position", "must be a mapping of fields"),
    ("changes:\n  - position: {actor: russia, value: 5}\n", "changes[0].position.issue",
     "is required"),
    ("changes:\n  - capability: {actor: russia, value: 5, colour: red}\n",
     "changes[0].capability.colour", "is not a field of 'capability'"),
    ("changes:\n  - capability: {actor: 5, value: 5}\n", "changes[0].capability.actor",
     "must be an id"),
    ("changes:\n  - red_line: {actor: a, issue: x, low: 1, remove: true}\n",
     "changes[0].red_line", "either low and high"),
    ("changes:\n  - red_line: {actor: a, issue: x, remove: yes please}\n",
     "changes[0].red_line.remove", "true or false"),
    ("changes:\n  - red_line: {actor: a, issue: x, low: 1}\n", "changes[0].red_line",
     "needs low and high"),
    ("changes:\n  - capability: {actor: a, value: 2, uncertainty: maybe}\n",
     "changes[0].capability.uncertainty", "shift, keep or drop"),
    ("name: [1]\nchanges:\n  - capability: {actor: a, value: 2}\n", "name", "must be text"),
])
def test_every_structural_rule_is_reported_with_its_field(text: str, field: str,
                                                         rule: str) -> None:
    with pytest.raises(ScenarioError) as info:
        loads_changes(text, source="w.yaml")
    assert [(p.field, rule in p.rule) for p in info.value.problems] == [(field, True)]


@pytest.mark.parametrize(("change", "field", "rule"), [
    ("position: {actor: italy, issue: prisoner-exchange, value: 5}", "changes[0].position",
     "has no stance"),
    ("position: {actor: russia, issue: donbas, value: 500}", "changes[0].position.value",
     "must lie in [0, 100]"),
    ("status_quo: {issue: donbas, value: -1}", "changes[0].status_quo.value",
     "must lie on the scale"),
    ("join_side_channel: {actor: ukraine, session: geneva-medinsky-ukraine}",
     "changes[0].join_side_channel.actor", "already takes part"),
    ("join_side_channel: {actor: ukraine, session: geneva-side}",
     "changes[0].join_side_channel.session", "must name a side channel"),
    ("add_actor: {id: china, capability: 1, stances: 5}", "changes[0].add_actor.stances",
     "must be a list"),
    ("add_actor: {id: china, capability: 1, stances: [{position: 5}]}",
     "changes[0].add_actor.stances[0]", "must be a mapping with issue"),
    ("add_actor: {id: china, capability: -1}", "changes[0].add_actor",
     "capability must be > 0"),
])
def test_every_rule_against_the_scenario_is_reported_with_its_field(
        change: str, field: str, rule: str) -> None:
    with pytest.raises(ScenarioError) as info:
        apply_changes(load("geneva-2026"), loads_changes(f"changes:\n  - {change}\n"))
    (p,) = info.value.problems
    assert p.field == field
    assert rule in p.rule
    assert p.line == 2


def test_quantities_status_quo_and_mediators_change_as_described() -> None:
    s = load("geneva-2026")
    text = """
changes:
  - stance: {actor: italy, issue: prisoner-exchange, salience: 0.3,
             position: {value: 60, uncertainty: {kind: uniform, low: 50, high: 70}}}
  - status_quo: {issue: donbas, value: 70}
  - status_quo: {issue: security-guarantees, value: 20}
  - remove_actor: {actor: united-states}
  - red_line: {actor: ukraine, issue: donbas, low: 0, high: 45}
"""
    cs = loads_changes(text)
    r = compare_whatif(s, cs, "compromise", n_runs=50, seed=1)
    v = apply_changes(s, cs)
    assert v.issue("donbas").status_quo.value == 70  # type: ignore[union-attr]
    assert v.issue("security-guarantees").status_quo.value == 20  # type: ignore[union-attr]
    assert all(rnd.mediator is None for rnd in v.rounds)
    assert "united-states no longer mediates round geneva" in r.notes
    assert "position italy/prisoner-exchange" in r.variant.inputs
    assert [c.describe() for c in cs.changes] == [
        "stance of italy on prisoner-exchange: position 60, salience 0.3",
        "status quo of donbas -> 70", "status quo of security-guarantees -> 20",
        "remove actor united-states", "red line of ukraine on donbas -> [0, 45]"]
