"""The contract every registered model must honour (one suite, every implementation).

A new model gets this whole suite by registering: same seed, same answer; outcomes on the
scale; relabelling actors changes nothing but the labels; only capability ratios matter; a
two-actor and a one-issue scenario work; unusable input raises ``ScenarioError``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.errors import ScenarioError
from parley.models import Forecast, Model, get_model, model_names
from parley.scenario import Scenario
from tests.conftest import make_scenario
from tests.strategies import scenarios

MODELS = model_names()


def _relabel(s: Scenario, order: list[int]) -> Scenario:
    """The same scenario with actors renamed z<k> and listed in another order."""
    rename = {a.id: f"z{k}" for k, a in enumerate(s.actors)}
    data = s.model_dump(mode="json")
    data["actors"] = [dict(data["actors"][i], id=rename[data["actors"][i]["id"]])
                      for i in order]
    data["stances"] = [dict(x, actor=rename[x["actor"]]) for x in data["stances"]]
    return Scenario.model_validate(data)


def _scale_capabilities(s: Scenario, factor: float) -> Scenario:
    data = s.model_dump(mode="json")
    for a in data["actors"]:
        a["capability"]["value"] *= factor
    return Scenario.model_validate(data)


def _run(name: str, s: Scenario, seed: int = 7) -> Forecast:
    model: Model = get_model(name)
    return model.run(s, rng=seed)


SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", MODELS)
def test_model_is_registered_with_its_name_and_is_immutable(name: str) -> None:
    model = get_model(name)
    assert model.name == name
    assert isinstance(model, Model)
    with pytest.raises(AttributeError):
        model.name = "other"  # type: ignore[misc]


@pytest.mark.parametrize("name", MODELS)
@SETTINGS
@given(s=scenarios())
def test_same_seed_gives_the_same_forecast(name: str, s: Scenario) -> None:
    a, b = _run(name, s, seed=11), _run(name, s, seed=11)
    np.testing.assert_array_equal(a.outcome, b.outcome)
    if a.history is not None:
        assert b.history is not None
        np.testing.assert_array_equal(a.history, b.history)


@pytest.mark.parametrize("name", MODELS)
@SETTINGS
@given(s=scenarios())
def test_outcome_lies_on_each_issue_scale(name: str, s: Scenario) -> None:
    f = _run(name, s)
    assert f.issue_ids == tuple(i.id for i in s.issues)
    for issue in s.issues:
        assert issue.scale.low - 1e-9 <= f[issue.id] <= issue.scale.high + 1e-9


@pytest.mark.parametrize("name", MODELS)
@SETTINGS
@given(s=scenarios(), data=st.data())
def test_relabelling_actors_changes_nothing_but_labels(name: str, s: Scenario,
                                                        data: st.DataObject) -> None:
    order = data.draw(st.permutations(range(len(s.actors))))
    a, b = _run(name, s), _run(name, _relabel(s, list(order)))
    np.testing.assert_allclose(a.outcome, b.outcome, rtol=1e-9, atol=1e-9)
    if a.history is not None:
        assert b.history is not None
        np.testing.assert_allclose(a.history[:, list(order), :], b.history, atol=1e-9)


@pytest.mark.parametrize("name", MODELS)
@SETTINGS
@given(s=scenarios(), factor=st.sampled_from([0.01, 3.0, 1000.0]))
def test_scaling_all_capabilities_changes_nothing(name: str, s: Scenario,
                                                  factor: float) -> None:
    a, b = _run(name, s), _run(name, _scale_capabilities(s, factor))
    np.testing.assert_allclose(a.outcome, b.outcome, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("name", MODELS)
def test_two_actor_scenario_works(name: str) -> None:
    s = make_scenario([[20.0, 70.0], [60.0, 10.0]], [[0.5, 0.9], [0.8, 0.4]], [1.0, 2.0],
                      status_quo=[0.0, 100.0])
    f = _run(name, s)
    assert np.isfinite(f.outcome).all()


@pytest.mark.parametrize("name", MODELS)
def test_one_issue_scenario_works(name: str) -> None:
    s = make_scenario([[10.0], [40.0], [90.0]], [[0.5], [0.9], [0.3]], [3.0, 1.0, 2.0])
    f = _run(name, s)
    assert f.outcome.shape == (1,)
    assert 10.0 <= f["i0"] <= 90.0


@pytest.mark.parametrize("name", MODELS)
def test_issue_nobody_cares_about_raises_scenario_error(name: str) -> None:
    s = make_scenario([[10.0, 50.0], [40.0, 60.0]], [[0.5, 0.0], [0.9, 0.0]], [3.0, 1.0])
    with pytest.raises(ScenarioError, match=r"issues\[1\].*positive salience"):
        _run(name, s)


@pytest.mark.parametrize("name", MODELS)
def test_forecast_serialises_to_json(name: str) -> None:
    import json

    s = make_scenario([[10.0], [40.0], [90.0]], [[0.5], [0.9], [0.3]], [3.0, 1.0, 2.0])
    doc = _run(name, s).to_dict()
    assert json.loads(json.dumps(doc, allow_nan=False))["model"] == name
