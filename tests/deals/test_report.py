"""analyse_deals: the one call the command line makes, and its JSON form."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import parley.deals as deals
from parley.deals.report import analyse_deals
from parley.errors import ParleyError, ScenarioError
from parley.scenario import Scenario
from tests.deals.helpers import build, small_scenarios


def mirror() -> Scenario:
    """A at (0, 0) weights (0.8, 0.2), B at (100, 100) weights (0.2, 0.8), status quo (50,
    50): r = 0.5 each. The logroll x -> 0, y -> 100 gives both 0.8 (gains 0.3), the
    largest product of gains on the 11-point grid (any package: U_a + U_b <= 1.6)."""
    return build([[0.0, 0.0], [100.0, 100.0]], [[0.8, 0.2], [0.2, 0.8]], ids=["a", "b"],
                 issue_ids=["x", "y"], status_quo=[50.0, 50.0])


def test_report_finds_the_logroll_package_as_every_solution() -> None:
    r = analyse_deals(mirror())
    for point in (r.solutions.nash, r.solutions.kalai_smorodinsky, r.solutions.egalitarian):
        assert point is not None
        assert point.package == (0.0, 100.0)
        assert point.gains == pytest.approx((0.3, 0.3))
    assert r.top[0].package == {"x": 0.0, "y": 100.0}
    assert r.top[0].nash_product == pytest.approx(0.09)
    assert r.logrolls[0].issue_a == "x"
    assert r.package_zopa is not None
    assert r.package_zopa.exists
    assert r.whatif.agreement


def test_to_dict_is_strict_json_with_every_section() -> None:
    d = json.loads(json.dumps(analyse_deals(mirror(), top=3).to_dict(), allow_nan=False))
    assert set(d) >= {"issue_zopa", "package_zopa", "top", "logrolls", "solutions",
                      "frontier_size", "reservation", "what_would_it_take"}
    assert len(d["top"]) == 3
    assert d["top"][0]["utilities"] == pytest.approx({"a": 0.8, "b": 0.8})
    assert d["top"][0]["reservation"] == pytest.approx({"a": 0.5, "b": 0.5})
    assert d["solutions"]["nash"]["package"] == {"x": 0.0, "y": 100.0}
    assert d["reservation_source"] == {"a": "status_quo", "b": "status_quo"}


def test_a_closed_zone_reports_conflicts_and_fixes_but_no_solution() -> None:
    s = build([[100.0], [0.0]], [[1.0], [1.0]], ids=["russia", "ukraine"],
              issue_ids=["donbas"], ranges=[[(75.0, 100.0)], [(0.0, 50.0)]])
    r = analyse_deals(s)
    assert r.frontier_size == 0
    assert r.solutions.nash is None
    assert r.top == ()
    d = r.to_dict()
    assert d["issue_zopa"][0]["text"] == (
        "donbas: no zone of agreement: russia requires >= 75, ukraine requires <= 50")
    assert d["what_would_it_take"]["issues"][0]["fixes"][0]["party"] == "russia"


def test_labels_name_the_option_or_nearest_anchor() -> None:
    s = Scenario.model_validate({
        "name": "labels",
        "actors": [{"id": "a", "name": "A", "capability": 1},
                   {"id": "b", "name": "B", "capability": 1}],
        "issues": [{"id": "x", "name": "X", "options": [{"id": "half", "label": "split",
                                                         "value": 50}],
                    "scale": {"anchors": [{"value": 0, "label": "none"},
                                          {"value": 100, "label": "all"}]}}],
        "stances": [{"actor": "a", "issue": "x", "position": 40, "salience": 1},
                    {"actor": "b", "issue": "x", "position": 60, "salience": 1}]})
    labels = {t.package["x"]: t.labels["x"] for t in analyse_deals(s).top}
    assert labels[50.0] == "split"
    assert labels[40.0] == "none"


def test_options_and_continuous_spaces() -> None:
    s = build([[0.0], [100.0]], [[1.0], [1.0]], options=[[("low", 10.0), ("mid", 45.0)]])
    r = analyse_deals(s, space="options")
    assert r.n_packages == 2
    assert {t.package["i0"] for t in r.top} == {10.0, 45.0}
    c1 = analyse_deals(s, space="continuous", rng=3, n_samples=200)
    c2 = analyse_deals(s, space="continuous", rng=3, n_samples=200)
    assert c1.package_zopa is None
    assert np.array_equal(c1.frontier.packages, c2.frontier.packages)
    assert c1.solutions.nash is not None
    assert c1.solutions.nash.package[0] == pytest.approx(50.0, abs=2.0)


def test_too_large_a_space_names_the_fix() -> None:
    s = build([[0.0, 0.0, 0.0], [100.0, 100.0, 100.0]], [[1.0] * 3, [1.0] * 3])
    with pytest.raises(ParleyError, match="lower grid_points"):
        analyse_deals(s, grid_points=50, max_packages=10_000)
    with pytest.raises(ParleyError, match="space must be"):
        analyse_deals(s, space="cube")  # type: ignore[arg-type]
    with pytest.raises(ScenarioError, match="at least 2 points"):
        analyse_deals(s, grid_points=1)


def test_the_bundled_geneva_scenario_is_analysed_when_present() -> None:
    """Geneva: every closed zone names the conflicting red lines; the report is JSON."""
    from parley.io import bundled_names, load

    if "geneva-2026" not in bundled_names():
        pytest.skip("the bundled geneva-2026 scenario is not there yet")
    r = analyse_deals(load("geneva-2026"))
    for z in r.issue_zopas:
        assert bool(z.conflicts) == z.empty
    json.dumps(r.to_dict(), allow_nan=False)


def test_public_api_is_reexported() -> None:
    for name in deals.__all__:
        assert hasattr(deals, name), name
    assert deals.__all__ == sorted(deals.__all__)


@settings(max_examples=25, deadline=None)
@given(small_scenarios(), st.sampled_from(["linear", "quadratic"]))
def test_any_small_scenario_gives_a_consistent_json_report(s: Scenario, loss: str) -> None:
    r = analyse_deals(s, loss=loss, grid_points=5)  # type: ignore[arg-type]
    d = json.loads(json.dumps(r.to_dict(), allow_nan=False))
    assert d["frontier_size"] == len(r.frontier)
    assert r.package_zopa is not None
    assert (r.frontier_size > 0) == (r.package_zopa.n_deals > 0)
    assert r.whatif.agreement == r.package_zopa.exists
    if r.top:
        assert r.top[0].nash_product == pytest.approx(max(t.nash_product for t in r.top))
