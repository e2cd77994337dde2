"""Baseline models checked against published figures and hand computations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from parley.errors import ScenarioError
from parley.models import Compromise, NashBargaining, WeightedMedian
from parley.models.median import weighted_median
from tests.conftest import make_scenario

# Bueno de Mesquita (1994, p. 78), as reprinted in Scholz, Calbert & Smith (2011), Table 1:
# (state, capability, position in years, salience on 0-100).
EC_EMISSIONS = [
    ("Netherlands", 0.08, 4, 80), ("Belgium", 0.08, 7, 40), ("Luxembourg", 0.03, 4, 20),
    ("Germany", 0.16, 4, 80), ("France", 0.16, 10, 60), ("Italy", 0.16, 10, 60),
    ("UK", 0.16, 10, 90), ("Ireland", 0.05, 7, 10), ("Denmark", 0.05, 4, 100),
    ("Greece", 0.08, 7, 70),
]


def ec_scenario():  # type: ignore[no-untyped-def]
    return make_scenario([[p] for _, _, p, _ in EC_EMISSIONS],
                         [[s / 100] for *_, s in EC_EMISSIONS],
                         [c for _, c, _, _ in EC_EMISSIONS],
                         actor_ids=[n.lower() for n, *_ in EC_EMISSIONS], scale=(4.0, 10.0))


def test_compromise_reproduces_the_ec_emissions_weighted_mean_7_39() -> None:
    """c*s weights by position: 4 years: .08*80 + .03*20 + .16*80 + .05*100 = 24.8;
    7 years: .08*40 + .05*10 + .08*70 = 9.3; 10 years: 3 * .16*60 ... = 9.6+9.6+14.4 = 33.6.
    Mean = (4*24.8 + 7*9.3 + 10*33.6) / 67.7 = 500.3 / 67.7 = 7.3900 (published: 7.39)."""
    assert Compromise().run(ec_scenario())["i0"] == pytest.approx(500.3 / 67.7, abs=1e-12)
    assert round(Compromise().run(ec_scenario())["i0"], 2) == 7.39


def test_weighted_median_reproduces_the_ec_emissions_figure_7_0() -> None:
    """Cumulative c*s weight: 24.8 at 4 years (< 67.7/2 = 33.85), 34.1 at 7 years: median 7."""
    assert WeightedMedian().run(ec_scenario())["i0"] == 7.0


def test_weighted_median_of_an_exact_half_split_is_the_midpoint() -> None:
    """Weights 2 | 1 + 1 at 10 | 30, 50: the cumulative weight is exactly half at 10."""
    x = np.array([[10.0], [30.0], [50.0]])
    w = np.array([[2.0], [1.0], [1.0]])
    assert weighted_median(x, w)[0] == 20.0


def test_weighted_median_ignores_zero_weight_actors() -> None:
    x = np.array([[0.0], [10.0], [90.0]])
    w = np.array([[0.0], [1.0], [3.0]])
    assert weighted_median(x, w)[0] == 90.0


def test_weighted_median_is_batched_over_leading_axes() -> None:
    rng = np.random.default_rng(0)
    x, w = rng.uniform(0, 100, (4, 5, 3)), rng.uniform(0.1, 1, (4, 5, 3))
    batched = weighted_median(x, w)
    for b in range(4):
        np.testing.assert_array_equal(batched[b], weighted_median(x[b], w[b]))


def test_nash_quadratic_solves_the_hand_derived_quadratic_equation() -> None:
    """Scale 0-200, threat point 200; A at 0 (power 3), B at 100 (power 1), quadratic loss.
    Gains: A 200^2 - x^2 = (200-x)(200+x), B 100^2 - (x-100)^2 = x(200-x). Maximise
    4 log(200-x) + 3 log(200+x) + log x: -4/(200-x) + 3/(200+x) + 1/x = 0
    <=> -8x^2 - 200x + 40000 = 0 <=> x^2 + 25x - 5000 = 0 <=> x = (-25 + sqrt(20625)) / 2."""
    s = make_scenario([[0.0], [100.0]], [[1.0], [1.0]], [3.0, 1.0], status_quo=[200.0],
                      scale=(0.0, 200.0))
    expected = (-25 + math.sqrt(20625)) / 2  # 59.307...
    assert NashBargaining().run(s)["i0"] == pytest.approx(expected, abs=1e-9)


def test_nash_keeps_the_status_quo_when_ideals_straddle_it() -> None:
    """A at 20, B at 80, status quo 50: any move hurts one of them, so 50 stays."""
    s = make_scenario([[20.0], [80.0]], [[1.0], [1.0]], [1.0, 1.0], status_quo=[50.0])
    f = NashBargaining().run(s)
    assert f["i0"] == 50.0
    diag = f.diagnostics["issues"]["i0"]
    assert diag["status_quo_kept"] is True
    assert diag["blocking"] == {"wants_lower": ["a0"], "wants_higher": ["a1"]}


def test_nash_tends_to_the_compromise_when_disagreement_is_very_costly() -> None:
    """Achen (2006): with quadratic losses and a remote threat point the Nash solution
    approaches the capability x salience weighted mean."""
    positions = [[10.0], [35.0], [60.0], [90.0]]
    saliences = [[0.9], [0.4], [0.7], [0.2]]
    caps = [1.0, 3.0, 2.0, 5.0]
    s = make_scenario(positions, saliences, caps, status_quo=[1e6], scale=(0.0, 1e6))
    mean = sum(c * s_[0] * p[0] for c, s_, p in zip(caps, saliences, positions, strict=True)) / sum(
        c * s_[0] for c, s_ in zip(caps, saliences, strict=True))
    assert NashBargaining().run(s)["i0"] == pytest.approx(mean, abs=0.01)


def test_nash_explicit_disagreement_overrides_the_status_quo() -> None:
    s = make_scenario([[0.0], [100.0]], [[1.0], [1.0]], [3.0, 1.0], status_quo=[50.0],
                      scale=(0.0, 200.0))
    assert NashBargaining().run(s)["i0"] == 50.0
    moved = NashBargaining(loss="linear", disagreement={"i0": 200.0}).run(s)
    assert moved["i0"] == pytest.approx(50.0, abs=1e-9)  # 3/(200-x) = 1/x
    assert moved.diagnostics["issues"]["i0"]["threat_point"] == 200.0


def test_nash_rejects_unknown_disagreement_issue_and_bad_options() -> None:
    s = make_scenario([[0.0], [100.0]], [[1.0], [1.0]], [3.0, 1.0])
    with pytest.raises(ScenarioError, match="must name a declared issue"):
        NashBargaining(disagreement={"nope": 1.0}).run(s)
    with pytest.raises(ScenarioError, match="quadratic"):
        NashBargaining(loss="cubic")  # type: ignore[arg-type]
    with pytest.raises(ScenarioError, match="capability"):
        NashBargaining(power="votes")  # type: ignore[arg-type]


def test_nash_without_status_quo_uses_each_actors_worst_point() -> None:
    """No status quo: A at 0 and B at 100 on 0-100 each fear the far end (reach 100).
    Linear loss, equal power: maximise log(100 - x) + log(100 - (100 - x)) = log(100-x) + log x,
    so x = 50."""
    s = make_scenario([[0.0], [100.0]], [[1.0], [1.0]], [1.0, 1.0])
    f = NashBargaining(loss="linear").run(s)
    assert f["i0"] == pytest.approx(50.0, abs=1e-9)
    assert f.diagnostics["issues"]["i0"]["threat"] == "worst_point"


def test_nash_power_capability_ignores_salience_in_the_weights() -> None:
    """Linear, threat 200: A at 0 with c=1, s=1 and B at 100 with c=1, s=0.25.
    capability_salience: weights 1 and .25 -> 1/(200-x) = .25/x -> x = 40.
    capability: weights 1 and 1 -> x = 100."""
    s = make_scenario([[0.0], [100.0]], [[1.0], [0.25]], [1.0, 1.0], status_quo=[200.0],
                      scale=(0.0, 200.0))
    assert NashBargaining(loss="linear").run(s)["i0"] == pytest.approx(40.0, abs=1e-9)
    assert NashBargaining(loss="linear", power="capability").run(s)["i0"] == pytest.approx(
        100.0, abs=1e-9)
