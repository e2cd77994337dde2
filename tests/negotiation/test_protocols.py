"""Protocols and issue-by-issue agreement on cases checked by hand."""

from __future__ import annotations

import pytest

from parley.errors import ParleyError
from parley.negotiation import simulate
from parley.scenario import Scenario
from tests.negotiation.helpers import one_issue, two_issues

LINEAR = ["a=linear", "b=linear"]


def test_alternating_offers_meet_in_the_middle_in_round_ten() -> None:
    """A at 0 (red line <= 60), B at 100 (>= 40), grid of 11, 11 rounds, linear concession.
    Walk-away = worst utility inside the red lines = 0.4, so the target in round k (0-based)
    is 1 - 0.6 k / 10. A's offers (nearest B's, utility >= target): k=0..9 -> 0, 0, 10, 10,
    20, 30, 30, 40, 40, 50; B's mirror them (100, 100, 90, 90, 80, 70, 70, 60, 60). In round
    k = 9 (target 0.46) B values A's 50 at 0.5 >= 0.46 and accepts: agreement on 50 in round
    10."""
    r = simulate(one_issue(), strategies=LINEAR, steps=11, use_timeline=False)
    assert r.agreement
    assert r.package == {"x": 50.0}
    assert r.agreement_round == 10
    offers_a = [t["package"]["x"] for t in r.transcript
                if t["action"] == "offer" and t["actor"] == "a"]
    assert offers_a == [0, 0, 10, 10, 20, 30, 30, 40, 40, 50]
    assert r.utilities["a"]["agreement"] == pytest.approx(0.5)


def test_single_text_holds_the_mediators_text_until_both_accept() -> None:
    """Mediator at 50: the first text is 50. Both object with their ideal points at first
    (0 and 100), whose mean is 50 again. Both accept once their targets fall to 0.5 or
    below: 1 - 0.6 k / 10 <= 0.5 first at k = 9, i.e. round 10."""
    r = simulate(one_issue(mediator=50), protocol="single-text", strategies=LINEAR, steps=11,
                 use_timeline=False)
    texts = {t["package"]["x"] for t in r.transcript if t["action"] == "text"}
    assert texts == {50.0}
    assert r.agreement
    assert r.package == {"x": 50.0}
    assert r.agreement_round == 10


def test_issue_by_issue_agrees_where_red_lines_overlap_and_deadlocks_where_not() -> None:
    """x: red lines overlap on [40, 60], so x can be agreed there; y: A <= 30, B >= 70,
    nothing both allow, so y is deadlocked whatever the time."""
    r = simulate(two_issues(), strategies=LINEAR, steps=21, use_timeline=False)
    status = r.status()
    assert status == {"x": "agreed", "y": "deadlocked"}
    assert 40 <= r.issue("x").value <= 60
    assert r.issue("y").zone is None
    assert "do not overlap" in r.issue("y").reason
    assert not r.agreement
    assert r.package is None


def test_package_only_agrees_nothing_when_one_issue_is_blocked() -> None:
    r = simulate(two_issues(), strategies=LINEAR, steps=21, use_timeline=False,
                 issue_by_issue=False)
    assert r.status() == {"x": "open", "y": "deadlocked"}


def test_staller_leaves_an_open_issue_that_linear_parties_settle() -> None:
    """A staller with delta 0.5 and e = 1 never goes below 1 - 0.6 x 0.5 = 0.7, i.e. never
    offers or accepts x > 30, and B's red line is >= 40: x stays open (the zone [40, 60]
    exists but A will not enter it)."""
    r = simulate(one_issue(), strategies=["a=staller:0.5", "b=linear"], steps=11,
                 use_timeline=False)
    assert r.status() == {"x": "open"}
    offers_a = [t["package"]["x"] for t in r.transcript
                if t["action"] == "offer" and t["actor"] == "a"]
    assert max(offers_a) <= 30


def test_nearer_deadline_makes_a_party_concede_sooner() -> None:
    """B with its own deadline of 6 rounds reaches its floor (0.4) by round 6: the deal
    comes earlier than round 10 and lies on A's side of 50."""
    r = simulate(one_issue(), strategies=LINEAR, steps=11, use_timeline=False,
                 deadlines={"b": 6})
    assert r.agreement
    assert r.agreement_round < 10
    assert r.package["x"] < 50


def test_hard_liner_offers_only_its_ideal() -> None:
    r = simulate(one_issue(b_red=(0, 100)), strategies=["a=hard-liner", "b=linear"],
                 steps=11, use_timeline=False)
    offers_a = {t["package"]["x"] for t in r.transcript
                if t["action"] == "offer" and t["actor"] == "a"}
    assert offers_a == {0.0}


def _timeline_scenario() -> Scenario:
    """One round: a plenary, a side channel of A and B (leaving C out), a consultation of
    C with an observer O, and a pressure event on B."""
    return Scenario.model_validate({
        "name": "tl",
        "actors": [{"id": "a", "name": "A", "capability": 1},
                   {"id": "b", "name": "B", "capability": 1},
                   {"id": "c", "name": "C", "capability": 1},
                   {"id": "o", "name": "O", "role": "observer", "capability": 3}],
        "issues": [{"id": "x", "name": "X"}],
        "stances": [
            {"actor": "a", "issue": "x", "position": 0, "salience": 1},
            {"actor": "b", "issue": "x", "position": 100, "salience": 1},
            {"actor": "c", "issue": "x", "position": 50, "salience": 1},
            {"actor": "o", "issue": "x", "position": 50, "salience": 1}],
        "rounds": [{"id": "r1", "start": "2026-01-01", "sessions": [
            {"id": "side", "format": "side_channel", "participants": ["a", "b"]},
            {"id": "consult", "format": "side_channel", "participants": ["c", "o"]},
            {"id": "plenary", "format": "plenary"}]}],
        "events": [{"id": "push", "kind": "pressure", "actors": ["b"], "round": "r1"}]})


def test_consultation_moves_walk_away_toward_the_observers_position() -> None:
    """C at 50 has no status quo, so its reservation is 0 (loss 1 without a deal). O sits at
    C's own position, worth 1 to C; capabilities 3 vs 1 and weight 0.5 give
    lambda = 0.5 x 3 / 4 = 0.375, so C's reservation becomes 0 + 0.375 x (1 - 0) = 0.375."""
    r = simulate(_timeline_scenario(), strategies=["a=linear", "b=linear", "c=linear"],
                 steps=6)
    influence = [t for t in r.transcript if t["action"] == "influence"]
    assert len(influence) == 1
    assert influence[0]["value"] == pytest.approx(0.375)
    assert r.utilities["c"]["reservation"] == 0.0


def test_side_channel_understandings_bind_members_until_the_plenary() -> None:
    r = simulate(_timeline_scenario(), strategies=["a=linear", "b=linear", "c=linear"],
                 steps=8)
    kinds = [t["action"] for t in r.transcript]
    assert "pressure" in kinds
    side = next(m for m in r.meetings if m["id"] == "side")
    assert side["parties"] == ["a", "b"]
    # nothing can be agreed without C: settlements happen only in the plenary
    assert all(t["meeting"] == "plenary" for t in r.transcript if t["action"] == "settle")


def test_bad_settings_give_parley_errors() -> None:
    with pytest.raises(ParleyError, match="unknown protocol"):
        simulate(one_issue(), protocol="auction")
    with pytest.raises(ParleyError, match="no negotiating party"):
        simulate(one_issue(), strategies=["zz=linear"])
    with pytest.raises(ParleyError, match="ACTOR=NAME"):
        simulate(one_issue(), strategies=["linear"])
