"""Sampling: each distribution against scipy's and its analytic moments; streams; jitter.

The oracles are independent of parley's inverse-CDF code: scipy.stats' own distributions
(``triang``, ``truncnorm``, ``uniform``, ``lognorm``) for Kolmogorov-Smirnov tests at a
fixed seed, and the textbook moments written out below.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from parley.arrays import array_view
from parley.ensemble.sampling import InputSpace, Jitter, input_stream, realise
from parley.errors import ScenarioError
from parley.io import load
from tests.ensemble.helpers import toy

N = 20_000
SEED = np.random.SeedSequence(20260217)


def draws_of(quantity: dict[str, object], jitter: Jitter | None = None) -> np.ndarray:
    """Draws of A's position on x when it is ``quantity``."""
    space = InputSpace.from_scenario(toy(pos_a=quantity, acceptable=False), jitter)
    return space.draw(SEED, N).position[:, 0, 0]


def test_triangular_draws_follow_scipys_triangular_distribution() -> None:
    x = draws_of({"value": 30, "uncertainty": {"kind": "triangular", "low": 10, "mode": 30,
                                               "high": 70}})
    # scipy's triang: c = (mode - low) / (high - low) = 20/60, loc 10, scale 60
    assert stats.kstest(x, stats.triang(c=20 / 60, loc=10, scale=60).cdf).pvalue > 0.01
    # mean (a + b + c)/3 = 110/3; variance (a^2+b^2+c^2-ab-ac-bc)/18
    # = (100 + 4900 + 900 - 700 - 300 - 2100)/18 = 2800/18
    assert abs(x.mean() - 110 / 3) < 4 * math.sqrt(2800 / 18 / N)
    assert x.var() == pytest.approx(2800 / 18, rel=0.05)


def test_truncated_normal_draws_follow_scipys_truncnorm_and_its_mean() -> None:
    mean, sd, lo, hi = 50.0, 20.0, 40.0, 100.0
    x = draws_of({"value": 50, "uncertainty": {"kind": "normal", "mean": mean, "sd": sd,
                                               "low": lo, "high": hi}})
    a, b = (lo - mean) / sd, (hi - mean) / sd
    assert stats.kstest(x, stats.truncnorm(a, b, loc=mean, scale=sd).cdf).pvalue > 0.01
    # E = mu + sd (phi(a) - phi(b)) / (Phi(b) - Phi(a)), by hand from the normal pdf/cdf
    phi = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    big_phi = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))  # noqa: E731
    expected = mean + sd * (phi(a) - phi(b)) / (big_phi(b) - big_phi(a))
    assert abs(x.mean() - expected) < 4 * x.std() / math.sqrt(N)
    assert x.min() >= lo
    assert x.max() <= hi


def test_uniform_draws_follow_scipys_uniform_and_its_moments() -> None:
    x = draws_of({"value": 50, "uncertainty": {"kind": "uniform", "low": 20, "high": 90}})
    assert stats.kstest(x, stats.uniform(loc=20, scale=70).cdf).pvalue > 0.01
    assert abs(x.mean() - 55) < 4 * math.sqrt(70**2 / 12 / N)  # var (b - a)^2 / 12
    assert x.var() == pytest.approx(70**2 / 12, rel=0.05)


def test_a_degenerate_distribution_gives_its_single_value() -> None:
    x = draws_of({"value": 40, "uncertainty": {"kind": "triangular", "low": 40, "mode": 40,
                                               "high": 40}})
    assert (x == 40).all()


def test_position_jitter_is_normal_with_sd_a_share_of_the_scale_clipped_to_it() -> None:
    x = draws_of(95.0, Jitter(position=0.1))  # sd 10 points on 0..100, around 95
    assert (x <= 100).all()
    assert (x >= 0).all()
    # clipping puts the mass above 100 at 100: P(Z > 0.5) = 1 - Phi(0.5) = 0.3085
    assert abs((x == 100).mean() - (1 - stats.norm.cdf(0.5))) < 4 * math.sqrt(0.31 * 0.69 / N)
    inside = x[x < 100]
    # below the bound the draws are N(95, 10) restricted to (-inf, 100)
    assert stats.kstest(inside, stats.truncnorm(-np.inf, 0.5, loc=95, scale=10).cdf
                        ).pvalue > 0.01


def test_capability_jitter_is_log_normal_around_the_point_value() -> None:
    space = InputSpace.from_scenario(toy(cap_a=2.0, acceptable=False), Jitter(capability=0.3))
    c = space.draw(SEED, N).capability[:, 0]
    assert stats.kstest(c, stats.lognorm(s=0.3, scale=2.0).cdf).pvalue > 0.01


def test_salience_jitter_stays_in_zero_one_and_a_zero_salience_stays_zero() -> None:
    space = InputSpace.from_scenario(toy(sal_a=0.9, sal_b=0.0, acceptable=False),
                                     Jitter(salience=0.5))
    s = space.draw(SEED, N).salience
    assert (s[:, 0, 0] <= 1).all()
    assert (s[:, 0, 0] >= 0).all()
    assert (s[:, 1, 0] == 0).all()
    assert "salience b/x" not in space.labels


def test_jitter_leaves_declared_uncertainties_alone_unless_told_to_override() -> None:
    declared = {"value": 30, "uncertainty": {"kind": "uniform", "low": 25, "high": 35}}
    s = toy(pos_a=declared, acceptable=False)
    kept = InputSpace.from_scenario(s, Jitter(position=0.2))
    over = InputSpace.from_scenario(s, Jitter(position=0.2, override=True))
    assert kept.draw(SEED, 1000).position[:, 0, 0].max() <= 35
    assert over.draw(SEED, 1000).position[:, 0, 0].max() > 35
    assert [x.declared for x in kept.inputs if x.label == "position a/x"] == [True]


def test_an_inputs_draws_do_not_depend_on_which_other_inputs_exist() -> None:
    """Common random numbers: a shared input gets the same uniforms in every variant."""
    u = {"value": 30, "uncertainty": {"kind": "uniform", "low": 10, "high": 50}}
    one = InputSpace.from_scenario(toy(pos_a=u, acceptable=False))
    more = InputSpace.from_scenario(toy(pos_a=u, acceptable=False), Jitter(0.1, 0.1, 0.1))
    assert more.k > one.k
    a = one.draw(SEED, 500).position[:, 0, 0]
    b = more.draw(SEED, 500).position[:, 0, 0]
    assert (a == b).all()


def test_different_inputs_draw_from_independent_streams() -> None:
    space = InputSpace.from_scenario(toy(acceptable=False), Jitter(position=0.1))
    u = space.uniforms(SEED, N)
    assert abs(np.corrcoef(u[:, 0], u[:, 1])[0, 1]) < 4 / math.sqrt(N)
    assert input_stream(SEED, "position a/x").spawn_key != input_stream(
        SEED, "position b/x").spawn_key


def test_nan_uniforms_keep_point_values_and_point_is_the_array_view() -> None:
    s = load("geneva-2026")
    space = InputSpace.from_scenario(s)
    v = array_view(s)
    p = space.point(3)
    assert np.array_equal(p.position, np.repeat(v.position[None], 3, 0), equal_nan=True)
    assert (p.capability == v.capability).all()
    assert (p.salience == v.salience).all()
    u = np.full((2, space.k), np.nan)
    u[1, 0] = 0.0  # the first input at the bottom of its support, in row 1 only
    b = space.transform(u)
    first = space.inputs[0]
    assert first.kind == "capability"
    i = v.actor_ids.index(str(first.actor))
    assert b.capability[0, i] == first.value
    assert b.capability[1, i] == first.distribution.low  # type: ignore[union-attr]
    assert (np.delete(b.capability[1], i) == np.delete(v.capability, i)).all()


def test_realise_puts_a_draw_into_a_scenario_with_fresh_lookups() -> None:
    s = toy(pos_a=uniform_q(10, 50), acceptable=True)
    batch = InputSpace.from_scenario(s).draw(SEED, 5)
    r = realise(s, batch, 3)
    st = r.stance("a", "x")
    assert st is not None
    assert st.position.value == batch.position[3, 0, 0]
    assert st.acceptable is not None
    assert st.acceptable.high == 60
    assert s.stance("a", "x").position.value == 30  # type: ignore[union-attr]


def uniform_q(lo: float, hi: float) -> dict[str, object]:
    return {"value": (lo + hi) / 2, "uncertainty": {"kind": "uniform", "low": lo, "high": hi}}


@pytest.mark.parametrize(("text", "expected"), [
    ("0.1", Jitter(0.1, 0.1, 0.1)),
    ("salience=0.2", Jitter(0.0, 0.2, 0.0)),
    ("capability=0.3, position=0.05, override", Jitter(0.3, 0.0, 0.05, True)),
])
def test_jitter_text_is_read_as_documented(text: str, expected: Jitter) -> None:
    assert Jitter.parse(text) == expected
    assert Jitter.from_dict(expected.to_dict()) == expected


@pytest.mark.parametrize("text", ["abc", "weight=0.1", "-0.1", "position=nan"])
def test_bad_jitter_text_is_a_scenario_error_naming_the_field(text: str) -> None:
    with pytest.raises(ScenarioError) as info:
        Jitter.parse(text)
    assert "jitter" in str(info.value)
