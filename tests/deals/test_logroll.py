"""Logrolls: hand-computed trades and the rule that both parties gain."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from parley.deals.logroll import logrolls
from parley.deals.utility import preferences
from parley.scenario import Scenario
from tests.deals.helpers import build, small_scenarios


def opposed(sal_a: tuple[float, float], sal_b: tuple[float, float], **kw: object) -> Scenario:
    return build([[0.0, 0.0], [100.0, 100.0]], [list(sal_a), list(sal_b)], ids=["a", "b"],
                 issue_ids=["x", "y"], **kw)  # type: ignore[arg-type]


def test_full_trade_when_priorities_are_mirror_images() -> None:
    """Weights a (0.8, 0.2), b (0.2, 0.8); from the midpoints (50, 50), moving x a fraction
    t to a's 0 and y a fraction s to b's 100 changes a by 0.4t - 0.1s and b by 0.4s - 0.1t.
    The product of gains grows in both t and s on [0, 1]^2, so t = s = 1: x = 0, y = 100,
    gains 0.3 each."""
    (r,) = logrolls(preferences(opposed((0.8, 0.2), (0.2, 0.8))))
    assert (r.party_a, r.issue_a, r.party_b, r.issue_b) == ("a", "x", "b", "y")
    assert (r.baseline_a, r.baseline_b) == (50.0, 50.0)
    assert (r.value_a, r.value_b) == pytest.approx((0.0, 100.0))
    assert (r.gain_a, r.gain_b) == pytest.approx((0.3, 0.3))
    assert r.ratio_a == pytest.approx(4.0)
    assert r.ratio_b == pytest.approx(0.25)
    assert r.crosses == ()


def test_a_red_line_stops_the_trade_where_the_product_of_gains_peaks() -> None:
    """As above, but b accepts x only >= 30, so t <= 0.4. At t = 0.4 the gains are
    a: 0.16 - 0.1s, b: 0.4s - 0.04; d/ds of their log-product is zero where
    0.4 (0.16 - 0.1s) = 0.1 (0.4s - 0.04), i.e. s = 0.85 (y = 92.5), and d/dt > 0 there
    (0.4/0.075 - 0.1/0.3 > 0), so t stays at its bound: x = 30, gains 0.075 and 0.3."""
    s = opposed((0.8, 0.2), (0.2, 0.8), ranges=[[None, None], [(30.0, 100.0), None]])
    (r,) = logrolls(preferences(s), within_red_lines=True)
    assert r.value_a == pytest.approx(30.0, abs=1e-9)
    assert r.value_b == pytest.approx(92.5, abs=0.05)
    assert (r.gain_a, r.gain_b) == pytest.approx((0.075, 0.3), abs=5e-4)
    (free,) = logrolls(preferences(s))
    assert free.value_a == pytest.approx(0.0)
    assert free.crosses == ("b requires x >= 30",)
    assert "crosses red lines: b requires x >= 30" in free.describe()


def test_equal_salience_ratios_offer_no_logroll() -> None:
    assert logrolls(preferences(opposed((0.5, 0.5), (0.3, 0.3)))) == ()


def test_a_status_quo_baseline_starts_the_trade_there() -> None:
    """Status quo (50, 20): b concedes x from 50 towards 0; a concedes y from 20 towards
    100 (a loses 0.2 per unit of y moved, b gains 0.8)."""
    s = opposed((0.8, 0.2), (0.2, 0.8), status_quo=[50.0, 20.0])
    (r,) = logrolls(preferences(s), baseline="status_quo")
    assert (r.baseline_a, r.baseline_b) == (50.0, 20.0)
    assert r.gain_a > 0
    assert r.gain_b > 0


def test_trades_are_ranked_by_joint_gain() -> None:
    s = build([[0.0, 0.0, 0.0], [100.0, 100.0, 100.0]], [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])
    rolls = logrolls(preferences(s))
    joint = [r.joint_gain for r in rolls]
    assert len(rolls) == 3
    assert joint == sorted(joint, reverse=True)


@settings(max_examples=50, deadline=None)
@given(small_scenarios(max_parties=3, max_issues=3))
def test_every_logroll_raises_both_utilities(s: Scenario) -> None:
    """Recompute the gains from the utilities of the whole packages before and after."""
    prefs = preferences(s)
    for r in logrolls(prefs, steps=10):
        a, b = prefs.party_index(r.party_a), prefs.party_index(r.party_b)
        j, k = prefs.issue_index(r.issue_a), prefs.issue_index(r.issue_b)
        before = (prefs.position[a] + prefs.position[b]) / 2.0
        before[[j, k]] = r.baseline_a, r.baseline_b
        after = before.copy()
        after[[j, k]] = r.value_a, r.value_b
        u = prefs.utilities(np.array([before, after]))
        assert u[1, a] - u[0, a] == pytest.approx(r.gain_a, abs=1e-12)
        assert u[1, b] - u[0, b] == pytest.approx(r.gain_b, abs=1e-12)
        assert r.gain_a > 0
        assert r.gain_b > 0
        assert r.ratio_a > r.ratio_b


def test_to_dict_is_json_ready_even_with_an_infinite_ratio() -> None:
    import json

    s = build([[0.0, 0.0], [100.0, 100.0]], [[1.0, 0.0], [0.2, 0.8]], ids=["a", "b"])
    (r,) = logrolls(preferences(s))
    d = json.loads(json.dumps(r.to_dict(), allow_nan=False))
    assert d["salience_ratios"]["a"] is None
    assert d["within_red_lines"] is True
