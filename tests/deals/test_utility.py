"""The utility layer: hand computations, reservation rules, red lines and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.deals.utility import preferences
from parley.errors import ScenarioError
from parley.scenario import Scenario
from tests.conftest import make_scenario
from tests.deals.helpers import build, small_scenarios


def two_by_two() -> Scenario:
    return build([[20, 80], [100, 0]], [[0.6, 0.2], [0.5, 0.5]], status_quo=[50, 50])


def test_linear_utilities_match_a_hand_computation() -> None:
    """Party 0 at (20, 80), saliences (0.6, 0.2) -> weights (0.75, 0.25); party 1 at
    (100, 0), weights (0.5, 0.5). Package (50, 50):
    U0 = 1 - 0.75 * 30/100 - 0.25 * 30/100 = 1 - 0.225 - 0.075 = 0.70,
    U1 = 1 - 0.5 * 50/100 - 0.5 * 50/100 = 0.50.
    Package (100, 0): U0 = 1 - 0.75 * 0.8 - 0.25 * 0.8 = 0.20; U1 = 1."""
    u = preferences(two_by_two()).utilities(np.array([[50.0, 50.0], [100.0, 0.0]]))
    assert u == pytest.approx(np.array([[0.70, 0.50], [0.20, 1.0]]), abs=1e-12)


def test_quadratic_utilities_square_the_normalised_distance() -> None:
    """Package (50, 50), quadratic: U0 = 1 - 0.75 * 0.09 - 0.25 * 0.09 = 0.91;
    U1 = 1 - 0.5 * 0.25 - 0.5 * 0.25 = 0.75."""
    u = preferences(two_by_two(), loss="quadratic").utilities(np.array([[50.0, 50.0]]))
    assert u[0] == pytest.approx([0.91, 0.75], abs=1e-12)


def test_distances_are_normalised_by_each_issues_scale() -> None:
    """Scale 0-10: a party at 0 with one issue has U(5) = 1 - 5/10 = 0.5."""
    s = build([[0.0]], [[1.0]], scale=(0.0, 10.0))
    assert preferences(s).utilities(np.array([[5.0]]))[0, 0] == pytest.approx(0.5)


def test_reservation_is_the_utility_of_the_status_quo() -> None:
    """Status quo (50, 50) gives the utilities computed above: 0.70 and 0.50."""
    prefs = preferences(two_by_two())
    assert prefs.reservation == pytest.approx([0.70, 0.50])
    assert prefs.reservation_source == ("status_quo", "status_quo")


def test_an_issue_without_status_quo_counts_as_utility_zero_for_no_deal() -> None:
    """Status quo only on issue 0 (50): party 0 loses 0.75 * 0.3 there and its whole weight
    0.25 on issue 1: r0 = 1 - 0.225 - 0.25 = 0.525; party 1: 1 - 0.25 - 0.5 = 0.25."""
    s = build([[20, 80], [100, 0]], [[0.6, 0.2], [0.5, 0.5]], status_quo=[50, None])
    prefs = preferences(s)
    assert prefs.reservation == pytest.approx([0.525, 0.25])
    assert prefs.reservation_source == ("status_quo_partial", "status_quo_partial")


def test_an_explicit_reservation_overrides_the_status_quo() -> None:
    s = build([[20, 80], [100, 0]], [[0.6, 0.2], [0.5, 0.5]], status_quo=[50, 50],
              reservation=[0.9, None])
    prefs = preferences(s)
    assert prefs.reservation == pytest.approx([0.9, 0.5])
    assert prefs.reservation_source == ("explicit", "status_quo")


def test_a_reservation_outside_zero_one_is_reported_with_its_field() -> None:
    s = build([[20.0]], [[1.0]], reservation=[1.5])
    with pytest.raises(ScenarioError, match=r"actors\[0\]\.reservation.*\[0, 1\]"):
        preferences(s)


def test_red_lines_are_a_separate_mask_and_utilities_stay_finite() -> None:
    """Party 0 accepts issue 0 only in [10, 40]; the package (50, 50) is outside it but
    still has utility 0.70; a deal needs every party inside its ranges and at or above its
    reservation."""
    s = build([[20, 80], [100, 0]], [[0.6, 0.2], [0.5, 0.5]], status_quo=[50, 50],
              ranges=[[(10, 40), None], [None, None]])
    prefs = preferences(s)
    x = np.array([[50.0, 50.0], [30.0, 50.0]])
    assert prefs.acceptable(x).tolist() == [[False, True], [True, True]]
    assert prefs.utilities(x)[0, 0] == pytest.approx(0.70)
    # (30, 50): U0 = 1 - 0.75*0.1 - 0.25*0.3 = 0.85 >= 0.70; U1 = 1 - 0.35 - 0.25 = 0.40 < 0.5
    assert prefs.deal_mask(x).tolist() == [False, False]


def test_missing_stances_leave_the_party_indifferent_on_that_issue() -> None:
    """Party 0 has no stance on issue 1: its utility ignores issue 1 entirely."""
    s = build([[0.0, None], [100.0, 100.0]], [[1.0, 0.0], [0.5, 0.5]])
    u = preferences(s).utilities(np.array([[0.0, 0.0], [0.0, 100.0]]))
    assert u[:, 0].tolist() == [1.0, 1.0]


def test_scaling_a_partys_saliences_changes_nothing() -> None:
    a = preferences(build([[20, 80]], [[0.6, 0.2]]))
    b = preferences(build([[20, 80]], [[0.3, 0.1]]))
    x = np.array([[0.0, 0.0], [33.0, 71.0], [100.0, 100.0]])
    assert a.utilities(x) == pytest.approx(b.utilities(x), abs=1e-15)


def test_parties_default_to_role_party_and_can_be_chosen() -> None:
    s = make_scenario([[10.0], [90.0], [50.0]], [[1.0], [1.0], [1.0]], [1.0, 1.0, 1.0],
                      roles=["party", "party", "mediator"])
    assert preferences(s).actor_ids == ("a0", "a1")
    assert preferences(s, parties=["a2", "a0"]).actor_ids == ("a2", "a0")


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"parties": ["nobody"]}, "must name declared actors"),
    ({"parties": ["a0", "a0"]}, "must not repeat"),
    ({"loss": "cubic"}, "'linear' or 'quadratic'"),
])
def test_bad_arguments_raise_a_scenario_error_naming_the_rule(kwargs: dict[str, object],
                                                              match: str) -> None:
    s = make_scenario([[10.0], [90.0]], [[1.0], [1.0]], [1.0, 1.0])
    with pytest.raises(ScenarioError, match=match):
        preferences(s, **kwargs)  # type: ignore[arg-type]


def test_a_party_with_zero_salience_everywhere_is_rejected() -> None:
    s = make_scenario([[10.0], [90.0]], [[0.0], [1.0]], [1.0, 1.0])
    with pytest.raises(ScenarioError, match="positive salience"):
        preferences(s)


@settings(max_examples=60, deadline=None)
@given(small_scenarios(), st.sampled_from(["linear", "quadratic"]), st.integers(0, 2**32 - 1))
def test_utilities_lie_in_zero_one_on_the_scale(s: Scenario, loss: str, seed: int) -> None:
    prefs = preferences(s, loss=loss)  # type: ignore[arg-type]
    x = np.random.default_rng(seed).uniform(0.0, 100.0, (50, prefs.n_issues))
    u = prefs.utilities(x)
    assert u.shape == (50, prefs.n_parties)
    assert ((u >= 0.0) & (u <= 1.0)).all()
    assert ((prefs.reservation >= 0.0) & (prefs.reservation <= 1.0)).all()


@settings(max_examples=60, deadline=None)
@given(small_scenarios(), st.integers(0, 2**32 - 1))
def test_utilities_follow_the_formula_package_by_package(s: Scenario, seed: int) -> None:
    """U_i(x) = 1 - sum_j s_ij / sum_k s_ik * |x_j - p_ij| / 100, written out directly from
    the scenario's stances, one package at a time."""
    prefs = preferences(s)
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 100.0, (5, prefs.n_issues))
    u = prefs.utilities(x)
    for k in range(5):
        for i, actor in enumerate(prefs.actor_ids):
            stances = [st_ for st_ in s.stances if st_.actor == actor]
            total = sum(st_.salience.value for st_ in stances)
            loss = sum(st_.salience.value / total
                       * abs(x[k, prefs.issue_ids.index(st_.issue)] - st_.position.value) / 100
                       for st_ in stances)
            assert u[k, i] == pytest.approx(1.0 - loss, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(small_scenarios(), st.randoms(use_true_random=False))
def test_relabelling_parties_permutes_utilities(s: Scenario, random: object) -> None:
    ids = [a.id for a in s.parties]
    order = list(range(len(ids)))
    random.shuffle(order)  # type: ignore[attr-defined]
    a = preferences(s)
    b = preferences(s, parties=[ids[k] for k in order])
    x = np.random.default_rng(0).uniform(0, 100, (20, a.n_issues))
    assert np.array_equal(b.utilities(x), a.utilities(x)[:, order])
    assert np.array_equal(b.reservation, a.reservation[order])
    assert np.array_equal(a.permuted(order).utilities(x), b.utilities(x))


def test_moving_positions_recomputes_a_status_quo_reservation() -> None:
    """One issue, status quo 50: a party at 0 has r = 0.5; moved to 30, r = 0.8."""
    prefs = preferences(build([[0.0]], [[1.0]], status_quo=[50.0]))
    assert prefs.with_positions("p0", np.array([30.0])).reservation[0] == pytest.approx(0.8)
    explicit = prefs.with_reservation("p0", 0.3)
    assert explicit.with_positions("p0", np.array([30.0])).reservation[0] == 0.3
