"""Sobol indices against analytic values (Ishigami; a linear model) and inputs that
provably do not matter; the tornado against a hand computation."""

from __future__ import annotations

import math
import sys
from typing import Any

import numpy as np
import pytest

from parley.ensemble.sampling import Jitter
from parley.ensemble.sensitivity import sensitivity, sobol
from parley.errors import MissingExtraError, ScenarioError
from parley.scenario import Scenario
from tests.ensemble.helpers import ReversedExecutor, toy, uniform

pytest.importorskip("SALib", reason="the sensitivity extra is not installed "
                    "(python -m pip install -e '.[test]')")


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_the_ishigami_function_match_the_analytic_values() -> None:
    """Ishigami & Homma (1990), a = 7, b = 0.1, inputs U(-pi, pi).

    Var Y = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2 = 13.8446; V1 = (1 + b pi^4/5)^2 / 2
    = 4.3459, V2 = a^2/8 = 6.125, V3 = 0, V13 = 8 b^2 pi^8/225 = 3.3737. Hence
    S = (0.3139, 0.4424, 0) and ST = (0.5576, 0.4424, 0.2437).
    """
    r = sobol(ishigami, ("x1", "x2", "x3"), n=8192, bounds=[(-math.pi, math.pi)] * 3, seed=7)
    np.testing.assert_allclose(r.s1[0], [0.3139, 0.4424, 0.0], atol=0.03)
    np.testing.assert_allclose(r.st[0], [0.5576, 0.4424, 0.2437], atol=0.03)
    assert (r.s1_conf[0] < 0.05).all()


def linear_scenario() -> Scenario:
    """Four actors of weight 1 on x, plus issue y; d has salience 0 on x."""
    def pos(lo: float, hi: float) -> dict[str, Any]:
        return uniform(lo, hi)

    return Scenario.model_validate({
        "name": "linear",
        "actors": [{"id": k, "name": k.upper(), "capability": 1} for k in "abcd"],
        "issues": [{"id": "x", "name": "X"}, {"id": "y", "name": "Y"}],
        "stances": [
            {"actor": "a", "issue": "x", "position": pos(20, 30), "salience": 1},
            {"actor": "b", "issue": "x", "position": pos(40, 60), "salience": 1},
            {"actor": "c", "issue": "x", "position": pos(50, 80), "salience": 1},
            {"actor": "d", "issue": "x", "position": pos(0, 100), "salience": 0},
            {"actor": "a", "issue": "y", "position": pos(0, 100), "salience": 1},
            {"actor": "b", "issue": "y", "position": 50, "salience": 1},
        ]})


def test_compromise_indices_are_the_weighted_variance_shares_and_zero_for_the_irrelevant(
        ) -> None:
    """The compromise on x is (x_a + x_b + x_c)/3 (d has weight 0): additive, so
    S_i = ST_i = Var x_i / sum Var = widths^2 shares 100, 400, 900 of 1400."""
    r = sensitivity(linear_scenario(), "compromise", n=1024, seed=3)
    st = dict(zip(r.sobol.names, r.sobol.st[r.sobol.outputs.index("x")], strict=True))
    s1 = dict(zip(r.sobol.names, r.sobol.s1[r.sobol.outputs.index("x")], strict=True))
    for name, share in (("position a/x", 100 / 1400), ("position b/x", 400 / 1400),
                        ("position c/x", 900 / 1400)):
        assert st[name] == pytest.approx(share, abs=0.03)
        assert s1[name] == pytest.approx(share, abs=0.05)
    # d's salience is 0 on x: its position cannot move the outcome, so ST is exactly 0;
    # likewise issue y's inputs for x, and x's inputs for y
    assert st["position d/x"] == 0.0
    assert st["position a/y"] == 0.0
    st_y = dict(zip(r.sobol.names, r.sobol.st[r.sobol.outputs.index("y")], strict=True))
    assert st_y["position a/y"] == pytest.approx(1.0, abs=0.03)
    assert all(st_y[f"position {k}/x"] == 0.0 for k in "abcd")
    top = r.sobol.ranking("x", 1)[0]
    assert top[0] == "position c/x"


def test_the_tornado_swings_each_input_between_its_quantiles() -> None:
    """A at U(10, 50) with weight 1, B at 80 with weight 1: outcome (x_a + 80)/2.

    The 5 % and 95 % quantiles of x_a are 12 and 48: outcomes 46 and 64, swing 18;
    at the point value 30 the outcome is 55."""
    r = sensitivity(toy(pos_a=uniform(10, 50)), "compromise", n=64, seed=1)
    (bar,) = r.tornado.bars["x"]
    assert (bar.low_value, bar.high_value) == pytest.approx((12.0, 48.0))
    assert (bar.low_outcome, bar.high_outcome) == pytest.approx((46.0, 64.0))
    assert bar.swing == pytest.approx(18.0)
    assert r.tornado.base[0] == pytest.approx(55.0)
    doc = r.to_dict()
    assert doc["tornado"]["issues"]["x"]["bars"][0]["swing"] == pytest.approx(18.0)
    assert doc["sobol"]["outputs"]["x"][0]["input"] == "position a/x"


def test_an_output_that_never_varies_gets_zero_indices() -> None:
    r = sobol(lambda x: np.ones(len(x)), ("u", "v"), n=16, seed=1)
    assert (r.s1 == 0).all()
    assert (r.st == 0).all()


def test_sensitivity_rows_reassemble_in_order_whatever_order_they_complete_in() -> None:
    s = toy(pos_a=uniform(10, 50), second_issue=True)
    local = sensitivity(s, "nash", n=32, seed=5, jitter=Jitter(capability=0.2))
    shuffled = sensitivity(s, "nash", n=32, seed=5, jitter=Jitter(capability=0.2),
                           executor=ReversedExecutor(), chunk_size=16)
    assert np.array_equal(local.sobol.st, shuffled.sobol.st, equal_nan=True)


def test_sensitivity_needs_uncertain_inputs() -> None:
    with pytest.raises(ScenarioError, match="declares none"):
        sensitivity(toy(), n=8, seed=1)


def test_without_salib_the_message_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "SALib.sample", None)
    with pytest.raises(MissingExtraError, match=r"parley\[sensitivity\]"):
        sobol(lambda x: x[:, 0], ("u",), n=8)
