"""Kernels: each batched model equals the model's own ``run`` on every draw.

The oracle is the model's ``run`` on a scenario built for each draw (:func:`realise`),
which goes through the model's ordinary, unbatched code path.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from parley.ensemble.kernels import (
    ArrayKernel,
    LoopKernel,
    Outcomes,
    Settlement,
    SimulationKernel,
    kernel_for,
)
from parley.ensemble.runner import run_ensemble
from parley.ensemble.sampling import InputSpace, Jitter
from parley.errors import ParleyError
from parley.io import load
from parley.models import get_model
from parley.scenario import Scenario
from tests.ensemble.helpers import toy, uniform

ARRAY_MODELS = [
    ("compromise", {}),
    ("weighted-median", {}),
    ("nash", {}),
    ("nash", {"loss": "linear", "power": "capability"}),
    ("expected-utility", {}),
    ("expected-utility", {"variant": "bdm1994"}),
    ("spatial", {}),
    ("spatial", {"state_transitions": "stochastic"}),
]


@pytest.mark.parametrize("scenario_name", ["geneva-2026", "town-budget"])
@pytest.mark.parametrize(("model", "params"), ARRAY_MODELS)
def test_array_kernel_equals_the_models_run_on_every_draw(
        scenario_name: str, model: str, params: dict[str, Any]) -> None:
    s = load(scenario_name)
    space = InputSpace.from_scenario(s, Jitter(0.1, 0.1, 0.05))
    batch = space.draw(np.random.SeedSequence(11), 4)
    m = get_model(model, **params)
    seed = np.random.SeedSequence(5)
    batched = ArrayKernel(m)(batch, seed).outcome
    looped = LoopKernel(m, s)(batch, seed).outcome
    np.testing.assert_allclose(batched, looped, rtol=0, atol=1e-9)
    assert np.isfinite(batched).all()


def test_array_kernel_at_point_values_equals_the_forecast() -> None:
    s = load("geneva-2026")
    point = InputSpace.from_scenario(s).point()
    for name in ("compromise", "weighted-median", "nash", "expected-utility"):
        m = get_model(name)
        out = ArrayKernel(m)(point, np.random.SeedSequence(0)).outcome[0]
        np.testing.assert_allclose(out, m.run(s).outcome, atol=1e-12)


def test_kernel_for_batches_what_has_an_array_function_and_loops_the_rest() -> None:
    s = load("two-party-ceasefire")
    assert isinstance(kernel_for("nash", s), ArrayKernel)
    assert isinstance(kernel_for("exchange", s), LoopKernel)
    assert isinstance(kernel_for("spatial", s, {"accommodation": (("russia", "ukraine",
                                                                   0.1),)}), LoopKernel)
    k = kernel_for("nash", s)
    assert kernel_for(k, s) is k
    with pytest.raises(ParleyError, match="parameters with a model name"):
        kernel_for(get_model("nash"), s, {"loss": "linear"})
    with pytest.raises(ParleyError, match="no array kernel"):
        ArrayKernel(get_model("exchange"))


def test_a_stochastic_models_draws_do_not_depend_on_the_batch_they_are_in() -> None:
    s = load("two-party-ceasefire")
    m = get_model("exchange", variant="random", n_repetitions=2)
    space = InputSpace.from_scenario(s, Jitter(position=0.05))
    batch = space.draw(np.random.SeedSequence(3), 3)
    k = LoopKernel(m, s)
    a = k(batch, np.random.SeedSequence(9)).outcome
    b = k(batch, np.random.SeedSequence(9)).outcome
    assert (a == b).all()
    common = k(batch, np.random.SeedSequence(9), common=True).outcome
    assert common.shape == a.shape


class FirstBelowHalf:
    """Agree on every issue in round 3 when actor a's position is below the middle."""

    name = "toy-simulation"

    def __call__(self, scenario: Scenario, *, rng: np.random.Generator) -> Settlement:
        m = len(scenario.issues)
        x = scenario.stance("a", "x").position.value  # type: ignore[union-attr]
        agreed = np.full(m, x < 50)
        return Settlement(np.full(m, x), agreed, np.full(m, 3.0))


def test_a_simulation_plugs_in_and_its_agreement_probability_is_summarised() -> None:
    """A at U(0, 100): P(agree) = P(x < 50) = 0.5, in round 3 whenever it agrees."""
    s = toy(pos_a=uniform(0, 100), acceptable=False)
    r = run_ensemble(s, SimulationKernel(FirstBelowHalf(), s), n_runs=4000, seed=1)
    doc = r.summary()
    p = doc["issues"]["x"]["agreed"]
    assert abs(p - 0.5) < 4 * np.sqrt(0.25 / 4000)
    assert doc["issues"]["x"]["round"]["mean"] == 3.0
    assert doc["agreed_on_every_issue"] == p
    assert r.spec.model == "toy-simulation"
    assert r.outcomes.round is not None
    assert np.isnan(r.outcomes.round[~r.outcomes.agreed]).all()  # type: ignore[operator]


def test_outcomes_round_trip_through_arrays_and_concatenate_in_order() -> None:
    a = Outcomes(np.array([[1.0]]), np.array([[True]]), np.array([[2.0]]))
    b = Outcomes(np.array([[3.0]]), np.array([[False]]), np.array([[np.nan]]))
    both = Outcomes.concatenate([Outcomes.from_arrays(a.arrays()), b])
    assert both.outcome[:, 0].tolist() == [1.0, 3.0]
    assert both.agreed is not None
    assert both.agreed[:, 0].tolist() == [True, False]
    assert Outcomes.concatenate([Outcomes(np.ones((2, 1)))]).agreed is None


@pytest.mark.parametrize("transitions", ["deterministic", "stochastic"])
def test_spatial_draws_that_silence_an_actor_or_an_issue_follow_the_models_run(
        transitions: str) -> None:
    """Strong salience noise zeroes some of A's saliences: where A has none left, the
    model leaves A out; where an issue has no salience at all, the model refuses the
    scenario, and the kernel gives nan."""
    s = toy(second_issue=True, sal_a=0.05)
    batch = InputSpace.from_scenario(s, Jitter(salience=3.0)).draw(np.random.SeedSequence(1),
                                                                   40)
    m = get_model("spatial", state_transitions=transitions)
    seed = np.random.SeedSequence(0)
    out = ArrayKernel(m)(batch, seed).outcome
    silent_a = batch.salience[:, 0, :].sum(axis=1) == 0
    silent_issue = (batch.salience == 0).all(axis=1).any(axis=1)
    assert silent_a.any()
    assert silent_issue.any()
    assert (silent_a & ~silent_issue).any()
    assert np.isnan(out[silent_issue]).all()
    assert np.isfinite(out[~silent_issue]).all()
    looped = LoopKernel(m, s)
    for b in np.flatnonzero(~silent_issue):
        one = looped(_row(batch, b), np.random.SeedSequence(0, spawn_key=(b,)), common=True)
        np.testing.assert_allclose(out[b], one.outcome[0], atol=1e-9)


def _row(batch: Any, b: int) -> Any:
    from parley.ensemble.sampling import Batch

    return Batch(batch.actor_ids, batch.issue_ids, batch.capability[b:b + 1],
                 batch.position[b:b + 1], batch.salience[b:b + 1], batch.status_quo[b:b + 1],
                 batch.mask, batch.low, batch.high)
