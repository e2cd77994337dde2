"""Nash, Kalai-Smorodinsky and egalitarian points: hand cases and brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.deals.bargaining import (
    bargaining_solutions,
    egalitarian_index,
    kalai_smorodinsky_index,
    nash_index,
)
from parley.deals.pareto import pareto_frontier
from parley.deals.space import grid
from parley.deals.utility import preferences
from parley.scenario import Scenario
from tests.deals.helpers import build, small_scenarios

# A (0.8, 0.2), B (0.5, 0.35), C (0.3, 0.4), D (0.4, 0.38), E (0.55, 0.3); d = (0, 0).
FIVE = np.array([[0.8, 0.2], [0.5, 0.35], [0.3, 0.4], [0.4, 0.38], [0.55, 0.3]])


def test_the_three_solutions_differ_on_a_hand_computed_set() -> None:
    """Nash products: A .16, B .175, C .12, D .152, E .165 -> B.
    Ideal point (0.8, 0.4); smallest share of it: A min(1, .5) = .5, B min(.625, .875) =
    .625, C .375, D min(.5, .95) = .5, E min(.6875, .75) = .6875 -> E (Kalai-Smorodinsky).
    Smallest gain: A .2, B .35, C .3, D .38, E .3 -> D (egalitarian)."""
    d = np.zeros(2)
    assert nash_index(FIVE, d) == 1
    assert kalai_smorodinsky_index(FIVE, d) == 4
    assert egalitarian_index(FIVE, d) == 3


def test_rows_below_the_disagreement_point_are_ignored() -> None:
    """With d = (0.45, 0): only A, B, E are deals (U_a >= .45); Nash gains products
    A .35*.2 = .07, B .05*.35 = .0175, E .1*.3 = .03 -> A."""
    assert nash_index(FIVE, np.array([0.45, 0.0])) == 0
    assert nash_index(FIVE, np.array([0.9, 0.0])) is None
    assert egalitarian_index(FIVE, np.array([0.9, 0.0])) is None
    assert kalai_smorodinsky_index(FIVE, np.array([0.9, 0.0])) is None


def test_asymmetric_power_moves_the_nash_point() -> None:
    """Power (3, 1): 3 log g_a + log g_b: A 3 log .8 + log .2 = -2.279, B -3.129, E -2.997
    -> A."""
    assert nash_index(FIVE, np.zeros(2), power=np.array([3.0, 1.0])) == 0


def test_ties_go_to_the_leximin_best_row() -> None:
    """Both rows have smallest gain 0.2; the second's next gain is larger."""
    u = np.array([[0.2, 0.5, 0.3], [0.2, 0.6, 0.3]])
    assert egalitarian_index(u, np.zeros(3)) == 1


def test_zero_products_fall_back_to_the_largest_total_gain() -> None:
    """Every deal leaves some party with gain 0: the Nash point is the largest total."""
    u = np.array([[0.5, 0.0], [0.0, 0.7], [0.2, 0.0]])
    assert nash_index(u, np.zeros(2)) == 1


def test_one_issue_split_the_difference_with_an_outside_option() -> None:
    """Parties at 0 and 100, no status quo, A's reservation 0.2 (B: 0). U_a = 1 - x/100,
    U_b = x/100; deals need x <= 80. Nash: max (0.8 - x/100)(x/100) at x = 40. KS: ideal
    (1, 0.8); (0.8 - x/100)/0.8 = (x/100)/0.8 at x = 40. Egalitarian: the same, x = 40."""
    s = build([[0.0], [100.0]], [[1.0], [1.0]], reservation=[0.2, None])
    sol = bargaining_solutions(pareto_frontier(preferences(s), grid(s, 11)))
    for point in (sol.nash, sol.kalai_smorodinsky, sol.egalitarian):
        assert point is not None
        assert point.package == (40.0,)
    assert sol.nash is not None
    assert sol.nash.gains == pytest.approx((0.4, 0.4))


def all_deals(s: Scenario, points: int) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[type-arg]
    prefs = preferences(s)
    x = grid(s, points).packages()
    u = prefs.utilities(x)
    return u[prefs.deal_mask(x, u)], prefs.reservation


@settings(max_examples=60, deadline=None)
@given(small_scenarios(), st.integers(2, 5))
def test_solutions_on_the_frontier_are_optimal_over_every_deal(s: Scenario,
                                                                points: int) -> None:
    """The frontier's Nash point has the largest product of gains over all deals (brute
    force), its egalitarian point the largest smallest gain, and its KS point the largest
    smallest share of the ideal gain."""
    deals, d = all_deals(s, points)
    sol = bargaining_solutions(pareto_frontier(preferences(s), grid(s, points)))
    if deals.shape[0] == 0:
        assert sol.nash is None
        assert sol.egalitarian is None
        return
    assert sol.nash is not None
    assert sol.egalitarian is not None
    assert sol.kalai_smorodinsky is not None
    gains = deals - d
    product = np.prod(gains, axis=1)
    assert np.prod(sol.nash.gains) == pytest.approx(product.max(), abs=1e-12)
    assert min(sol.egalitarian.gains) == pytest.approx(gains.min(axis=1).max(), abs=1e-12)
    reach = deals.max(axis=0) - d
    counted = reach > 0
    if counted.any():
        share = gains[:, counted] / reach[counted]
        ks = np.array(sol.kalai_smorodinsky.gains)[counted] / reach[counted]
        assert ks.min() == pytest.approx(share.min(axis=1).max(), abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([0.1, 0.25, 0.5, 0.75, 1.0]), min_size=4, max_size=4),
       st.sampled_from([0.0, 10.0, 30.0]), st.sampled_from([70.0, 90.0, 100.0]))
def test_kalai_smorodinsky_equalises_normalised_gains_within_grid_resolution(
        saliences: list[float], pos_a: float, pos_b: float) -> None:
    """Two parties, two issues, a fine grid (step 2.5): at the KS point the two shares of
    the ideal gain differ by no more than the largest step between neighbouring frontier
    points, measured in the same shares."""
    s = build([[pos_a, pos_a], [pos_b, pos_b]], [saliences[:2], saliences[2:]])
    front = pareto_frontier(preferences(s), grid(s, 41))
    sol = bargaining_solutions(front)
    assert sol.kalai_smorodinsky is not None
    d = front.reservation
    reach = front.utilities.max(axis=0) - d
    share = (front.utilities - d) / reach
    order = np.argsort(share[:, 0])
    step = np.abs(np.diff(share[order], axis=0)).max()
    ks = (np.array(sol.kalai_smorodinsky.utilities) - d) / reach
    assert abs(ks[0] - ks[1]) <= step + 1e-12


def test_shapes_are_checked() -> None:
    with pytest.raises(ValueError, match="disagreement"):
        nash_index(FIVE, np.zeros(3))
