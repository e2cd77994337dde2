"""Invariants of the simulation on random small scenarios."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from parley.negotiation import simulate
from parley.scenario import Scenario

NAMES = ["boulware", "linear", "conceder", "tit-for-tat", "hard-liner", "staller"]


@st.composite
def scenarios(draw: Any) -> tuple[Scenario, list[str]]:
    n = draw(st.integers(2, 3))
    m = draw(st.integers(1, 3))
    stances = []
    for i in range(n):
        for j in range(m):
            pos = draw(st.integers(0, 10)) * 10
            lo = draw(st.integers(0, pos // 10)) * 10
            hi = draw(st.integers(pos // 10, 10)) * 10
            stances.append({"actor": f"p{i}", "issue": f"i{j}", "position": pos,
                            "salience": draw(st.sampled_from([0.2, 0.5, 0.9])),
                            "acceptable": {"low": lo, "high": hi}})
    issues = [{"id": f"i{j}", "name": f"I{j}",
               **({"status_quo": draw(st.integers(0, 10)) * 10} if draw(st.booleans())
                  else {})} for j in range(m)]
    s = Scenario.model_validate({
        "name": "prop", "actors": [{"id": f"p{i}", "name": f"P{i}", "capability": 1}
                                   for i in range(n)],
        "issues": issues, "stances": stances})
    strategies = [f"p{i}={draw(st.sampled_from(NAMES))}" for i in range(n)]
    return s, strategies


@settings(max_examples=25, deadline=None)
@given(scenarios(), st.integers(0, 2**31), st.sampled_from(["alternating", "single-text"]))
def test_same_seed_same_transcript(case: tuple[Scenario, list[str]], seed: int,
                                   protocol: str) -> None:
    s, strategies = case
    kw: dict[str, Any] = {"strategies": strategies, "seed": seed, "steps": 8,
                          "order": "random", "use_timeline": False, "protocol": protocol}
    assert simulate(s, **kw).to_dict() == simulate(s, **kw).to_dict()


@settings(max_examples=30, deadline=None)
@given(scenarios(), st.sampled_from(["alternating", "single-text"]), st.booleans())
def test_agreements_respect_walk_away_and_red_lines(case: tuple[Scenario, list[str]],
                                                   protocol: str, by_issue: bool) -> None:
    """An agreed package is worth at least each party's walk-away utility, and no party
    ever offers, counter-offers or accepts a value outside its red lines (a hard-liner
    included)."""
    s, strategies = case
    r = simulate(s, strategies=strategies, steps=8, use_timeline=False, protocol=protocol,
                 issue_by_issue=by_issue)
    if r.agreement:
        for p, u in r.utilities.items():
            assert u["agreement"] >= u["walk_away"] - 1e-9, p
    red = {(st_.actor, st_.issue): st_.acceptable for st_ in s.stances}
    for t in r.transcript:
        if t["action"] in ("offer", "reject", "accept") and t["actor"] in r.parties:
            for issue, value in t["package"].items():
                rng = red[(t["actor"], issue)]
                assert rng is not None
                assert rng.low <= value <= rng.high
    for o in r.issues:
        if o.status == "agreed":
            for (_actor, issue), rng in red.items():
                if issue == o.issue and rng is not None:
                    assert rng.low <= o.value <= rng.high
