"""Zones of agreement: per issue (red lines) and over packages (reservations too)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.deals.bargaining import nash_index
from parley.deals.space import grid
from parley.deals.utility import preferences
from parley.deals.zopa import issue_zopas, package_zopa
from parley.scenario import Scenario
from tests.deals.helpers import build, small_scenarios


def test_disjoint_red_lines_are_reported_by_name() -> None:
    s = build([[100.0], [0.0]], [[1.0], [1.0]], ids=["russia", "ukraine"],
              issue_ids=["donbas"], ranges=[[(90.0, 100.0)], [(0.0, 20.0)]])
    z = issue_zopas(preferences(s))[0]
    assert z.empty
    assert z.width == -70.0
    assert z.binding is not None
    assert z.binding.describe() == (
        "russia requires >= 90, ukraine requires <= 20")
    assert z.to_dict()["conflicts"][0]["gap"] == 70.0


def test_every_conflicting_pair_is_listed_largest_gap_first() -> None:
    """A needs >= 80; B <= 20; C <= 50: conflicts A-B (gap 60) and A-C (gap 30)."""
    s = build([[90.0], [10.0], [40.0]], [[1.0], [1.0], [1.0]], ids=["a", "b", "c"],
              ranges=[[(80.0, 100.0)], [(0.0, 20.0)], [(0.0, 50.0)]])
    z = issue_zopas(preferences(s))[0]
    assert [(c.low_party, c.high_party, c.gap) for c in z.conflicts] == [
        ("a", "b", 60.0), ("a", "c", 30.0)]


def test_an_open_zone_names_the_parties_that_bound_it() -> None:
    """Ranges [10, 70], [30, 100] and none: the zone is [30, 70], set by b below, a above."""
    s = build([[50.0], [60.0], [0.0]], [[1.0], [1.0], [1.0]], ids=["a", "b", "c"],
              ranges=[[(10.0, 70.0)], [(30.0, 100.0)], [None]], status_quo=[20.0])
    z = issue_zopas(preferences(s))[0]
    assert not z.empty
    assert (z.low, z.high, z.low_party, z.high_party, z.status_quo) == (30.0, 70.0, "b", "a",
                                                                         20.0)
    assert z.describe() == "i0: zone of agreement [30, 70]"


def test_no_red_lines_leave_the_whole_scale() -> None:
    z = issue_zopas(preferences(build([[50.0]], [[1.0]])))[0]
    assert (z.low, z.high, z.low_party, z.high_party) == (0.0, 100.0, None, None)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 100), st.integers(0, 100)), min_size=1, max_size=5))
def test_zone_is_empty_iff_the_ranges_have_no_common_point(bounds: list[tuple[int, int]]) -> None:
    """Oracle: intervals share a point iff some interval's lower end lies in all of them."""
    ranges = [(float(min(a, b)), float(max(a, b))) for a, b in bounds]
    s = build([[lo] for lo, _ in ranges], [[1.0]] * len(ranges),
              ranges=[[r] for r in ranges])
    common = any(all(lo <= x <= hi for lo, hi in ranges) for x, _ in ranges)
    z = issue_zopas(preferences(s))[0]
    assert z.empty == (not common)
    assert bool(z.conflicts) == z.empty


def test_open_issue_zones_can_still_leave_no_package_zone() -> None:
    """One issue, status quo 50, parties at 0 and 100: any move helps one and hurts the
    other, so no package beats no deal for both (zone empty) and the status quo itself is
    the only (weak) deal on the 11-point grid."""
    s = build([[0.0], [100.0]], [[1.0], [1.0]], status_quo=[50.0])
    prefs = preferences(s)
    assert not issue_zopas(prefs)[0].empty
    z = package_zopa(prefs, grid(s, 11))
    assert (z.exists, z.n_packages, z.n_inside, z.n_deals, z.n_agreement) == (
        False, 11, 11, 1, 0)
    assert z.best == (50.0,)


def test_package_zone_counts_a_hand_computed_case() -> None:
    """Parties at 20 and 40 on one issue, status quo 100 (r = 0.2 and 0.4). Both strictly
    prefer x when |x - 20| < 80 and |x - 40| < 60, i.e. 0 <= x < 100: the grid points 0..90,
    10 packages; x = 100 is a weak deal (both gains 0). Nash products (0.8 - |x-20|/100)
    (0.6 - |x-40|/100): x = 20 -> .8 * .4 = .32; 30 -> .7 * .5 = .35; 40 -> .6 * .6 = .36;
    50 -> .5 * .5 = .25: the best package is 40."""
    s = build([[20.0], [40.0]], [[1.0], [1.0]], status_quo=[100.0])
    z = package_zopa(preferences(s), grid(s, 11))
    assert (z.n_deals, z.n_agreement) == (11, 10)
    assert z.best == (40.0,)


@settings(max_examples=50, deadline=None)
@given(small_scenarios(), st.integers(2, 4))
def test_package_zone_counts_match_brute_force(s: Scenario, points: int) -> None:
    prefs = preferences(s)
    space = grid(s, points)
    x = space.packages()
    u = prefs.utilities(x)
    z = package_zopa(prefs, space, chunk_size=7)
    assert z.n_inside == int(prefs.acceptable(x).all(axis=1).sum())
    assert z.n_deals == int(prefs.deal_mask(x, u).sum())
    assert z.n_agreement == int(prefs.deal_mask(x, u, strict=True).sum())
    deals = prefs.deal_mask(x, u)
    k = nash_index(u[deals], prefs.reservation)
    if k is None:
        assert z.best is None
    else:
        g = u[deals][k] - prefs.reservation
        assert z.best_utilities is not None
        assert np.prod(np.array(z.best_utilities) - prefs.reservation) == pytest.approx(
            np.prod(g), abs=1e-12)
