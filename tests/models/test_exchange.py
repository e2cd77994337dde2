"""Stokman's exchange model: hand-computed exchanges, invariants, REX and Decide's data.

The numbers are checked against hand computations written out in the docstrings and
against figures printed by decide-exchange-model (the outside oracle; the full comparison
is in ``test_exchange_oracle.py``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.errors import ParleyError, ScenarioError
from parley.io.decide import read_decide
from parley.models import get_model
from parley.models.exchange import ExchangeModel
from parley.models.exchange_kernel import ExchangeRun, exchange_rounds
from parley.scenario import Scenario
from tests.conftest import make_scenario

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# Four actors on issues X (i0) and Y (i1), capability 1 each:
#          X    Y    s_X  s_Y
#   A     10   20    0.9  0.3
#   B     30   90    0.6  0.4
#   C     80   30    0.4  0.6
#   D     90   80    0.2  0.8
FOUR = ([[10.0, 20.0], [30.0, 90.0], [80.0, 30.0], [90.0, 80.0]],
        [[0.9, 0.3], [0.6, 0.4], [0.4, 0.6], [0.2, 0.8]], [1.0, 1.0, 1.0, 1.0])

# Three actors; the exchange B-C is limited by the no-overshoot constraint:
#          X    Y    s_X  s_Y
#   B     30   90    0.6  0.4
#   C     80   30    0.4  0.6
#   E     20   40    0.5  0.5
THREE = ([[30.0, 90.0], [80.0, 30.0], [20.0, 40.0]],
         [[0.6, 0.4], [0.4, 0.6], [0.5, 0.5]], [1.0, 1.0, 1.0])


def _kernel(positions: list[list[float]], saliences: list[list[float]],
            capabilities: list[float], **kw: Any) -> ExchangeRun:
    pos, sal = np.array(positions), np.array(saliences)
    power = np.broadcast_to(np.array(capabilities)[:, None], pos.shape)
    return exchange_rounds(pos, sal, power, np.ones(pos.shape, dtype=bool), **kw)


def test_single_best_exchange_matches_the_hand_computation() -> None:
    """Four actors, two issues: only A-D and B-C are partners, and A-D gains most.

    Weights are the saliences (capability 1); W_X = 0.9 + 0.6 + 0.4 + 0.2 = 2.1 and
    W_Y = 0.3 + 0.4 + 0.6 + 0.8 = 2.1.
    O_X = (9 + 18 + 32 + 18) / 2.1 = 77/2.1 = 36.667; O_Y = (6 + 36 + 18 + 64) / 2.1 = 59.048.
    Groups (side of X, side of Y): A (L, L), B (L, R), C (R, L), D (R, R): partners A-D, B-C.
    A-D: s_X/s_Y is 3 for A and 0.25 for D, so A demands X and D demands Y. The exchange
    ratio is (0.9 + 0.2)/(0.3 + 0.8) = 1. D moving fully to A on X shifts O_X by
    0.2 * 80 / 2.1 = 7.619 (A's own position, 10, is 26.7 away: no overshoot); A may shift
    O_Y by up to 0.3 * 60 / 2.1 = 8.571, so D moves fully and A moves
    7.619 * 2.1 / 0.3 = 53.33 points on Y (20 -> 73.33). Gain = 0.9 * 7.619 - 0.3 * 7.619
    = 0.8 * 7.619 - 0.2 * 7.619 = 32/7 = 4.571.
    B-C: B demands X (ratio 1.5 > 0.667); the no-overshoot cap O_X - 30 = 6.667 binds:
    gain (0.6 - 0.4) * 6.667 = 1.333 < 4.571. So A-D goes first. Afterwards
    O_X = 61/2.1 = 29.048 lies past B's own position (30), so B-C is dropped: one exchange.
    Externalities: B gains (0.6 (14 - 2) + 0.4 (65 - 49)) / 2.1 = 13.6/2.1 = 6.476,
    C loses (0.4 (91 - 107) + 0.6 (61 - 77)) / 2.1 = -16/2.1 = -7.619.
    """
    run = _kernel(*FOUR, max_rounds=1)
    assert len(run.exchanges[0]) == 1
    e = run.exchanges[0][0]
    assert (e.actor_p, e.issue_p, e.actor_q, e.issue_q) == (0, 0, 3, 1)
    assert (e.p_from, e.p_to) == (90.0, 10.0)
    assert (e.q_from, e.q_to) == pytest.approx((20.0, 20.0 + 160 / 3))
    assert e.gain == pytest.approx(32 / 7)
    assert (e.gain_p, e.gain_q) == pytest.approx((32 / 7, 32 / 7))
    assert (e.shift_p, e.shift_q) == pytest.approx((-16 / 2.1, 16 / 2.1))
    assert e.externalities == pytest.approx([32 / 7, 13.6 / 2.1, -16 / 2.1, 32 / 7])
    assert e.inner.tolist() == [True, False, False, True]
    assert not e.overshoot

    f = ExchangeModel(max_rounds=1).run(make_scenario(*FOUR))
    assert f.outcome == pytest.approx([61 / 2.1, 140 / 2.1])
    ext = f.diagnostics["exchanges"][0][0]["externalities"]
    assert ext["outer_positive"] == pytest.approx(13.6 / 2.1)
    assert ext["outer_negative"] == pytest.approx(-16 / 2.1)
    assert ext["inner_positive"] == ext["inner_negative"] == 0.0


def test_no_overshoot_constraint_limits_the_exchange_to_the_demanders_position() -> None:
    """Three actors; B-C is the only pair (E is left of both outcomes, like nobody else).

    W_X = W_Y = 1.5; O_X = (18 + 32 + 10) / 1.5 = 40; O_Y = (36 + 18 + 20) / 1.5 = 49.333.
    B demands X (0.6/0.4 > 0.4/0.6); ratio (0.6 + 0.4)/(0.4 + 0.6) = 1.
    C moving fully to 30 would shift O_X by 0.4 * 50 / 1.5 = 13.33, to 26.67, past B's 30;
    the constraint caps the shift at 40 - 30 = 10. B may shift O_Y by 0.4 * 60 / 1.5 = 16,
    so the shifts are 10 and 10: C moves 10 * 1.5 / 0.4 = 37.5 (80 -> 42.5), B moves 37.5
    (90 -> 52.5), O = (30, 39.333) and the gain is 0.6 * 10 - 0.4 * 10 = 2.
    Without the constraint: shifts 13.33, C moves to 30, B to 40 and the gain is 2.667.
    Preference update: w = 0.1 + 0.4 (1 - 0.4) = 0.34 for both movers, so C's X becomes
    80 - 0.34 * 37.5 = 67.25 and B's Y becomes 90 - 0.34 * 37.5 = 77.25.
    E's externality: 0.5 (20 - 10) + 0.5 (9.333 - 0.667) = 9.333.
    """
    run = _kernel(*THREE, max_rounds=1)
    (e,) = run.exchanges[0]
    assert (e.actor_p, e.issue_p, e.actor_q, e.issue_q) == (0, 0, 1, 1)
    assert e.overshoot
    assert (e.p_from, e.p_to, e.q_from, e.q_to) == pytest.approx((80.0, 42.5, 90.0, 52.5))
    assert (e.gain, e.gain_p, e.gain_q) == pytest.approx((2.0, 2.0, 2.0))
    assert e.externalities[2] == pytest.approx(28 / 3)
    np.testing.assert_allclose(run.preference[1][:2], [[30.0, 77.25], [67.25, 30.0]])
    f = ExchangeModel(max_rounds=1).run(make_scenario(*THREE))
    assert f.outcome == pytest.approx([30.0, 118 / 3])

    free = _kernel(*THREE, max_rounds=1, allow_overshoot=True)
    (g,) = free.exchanges[0]
    assert (g.p_to, g.q_to, g.gain) == pytest.approx((30.0, 40.0, 8 / 3))
    assert not g.overshoot


def test_per_issue_power_weights_only_that_issue() -> None:
    """THREE with C's power on X doubled (Decide gives power per actor-issue).

    W_X = 0.6 + 2 * 0.4 + 0.5 = 1.9, O_X = (18 + 64 + 10) / 1.9 = 48.42; Y is unchanged
    (W_Y = 1.5, O_Y = 49.333). C may now shift O_X by min(0.8 * 50 / 1.9, 48.42 - 30)
    = 18.42, so B's full move on Y (shift 0.4 * 60 / 1.5 = 16) binds: shifts 16 and 16,
    B moves Y 90 -> 30, C moves X by 16 * 1.9 / 0.8 = 38 (80 -> 42), gain 0.2 * 16 = 3.2.
    """
    positions, saliences, _ = THREE
    power = np.array([[1.0, 1.0], [2.0, 1.0], [1.0, 1.0]])
    run = exchange_rounds(np.array(positions), np.array(saliences), power,
                          np.ones((3, 2), dtype=bool), max_rounds=1)
    (e,) = run.exchanges[0]
    assert (e.p_to, e.q_to, e.gain) == pytest.approx((42.0, 30.0, 3.2))
    assert not e.overshoot


def test_the_issue_scale_only_rescales_the_forecast() -> None:
    """The model works on each scale normalised to 0-100 (as Decide does)."""
    positions, saliences, caps = THREE
    a = ExchangeModel(max_rounds=3).run(make_scenario(positions, saliences, caps))
    tenth = [[x / 10 - 5 for x in row] for row in positions]
    b = ExchangeModel(max_rounds=3).run(make_scenario(tenth, saliences, caps, scale=(-5, 5)))
    np.testing.assert_allclose(b.outcome, a.outcome / 10 - 5, atol=1e-12)
    assert b.history is not None
    assert a.history is not None
    np.testing.assert_allclose(b.history, a.history / 10 - 5, atol=1e-12)


def test_one_issue_allows_no_exchange_so_the_forecast_is_the_weighted_mean() -> None:
    """(3 * 0.5 * 10 + 1 * 0.9 * 40 + 2 * 0.3 * 90) / (1.5 + 0.9 + 0.6) = 105 / 3 = 35."""
    s = make_scenario([[10.0], [40.0], [90.0]], [[0.5], [0.9], [0.3]], [3.0, 1.0, 2.0])
    f = ExchangeModel().run(s, rng=0)
    assert f.outcome == pytest.approx([35.0])
    assert f.diagnostics["stop_reason"] == "no exchange"
    assert f.diagnostics["exchanges_per_round"] == [0]


def test_rounds_stop_when_a_round_has_no_exchange() -> None:
    """Equal salience ratios (0.5/0.5 for both) leave no gain to share: G = 0.

    The forecast is then the weighted mean, (0.5 * 10 + 1.0 * 90) / 1.5 = 63.333 on both
    issues (capabilities 1 and 2).
    """
    s = make_scenario([[10.0, 10.0], [90.0, 90.0]], [[0.5, 0.5], [0.5, 0.5]], [1.0, 2.0])
    f = ExchangeModel(max_rounds=10).run(s, rng=0)
    assert f.diagnostics["exchanges_per_round"] == [0]
    assert f.diagnostics["stop_reason"] == "no exchange"
    assert f.outcome == pytest.approx([190 / 3, 190 / 3])
    g = ExchangeModel(max_rounds=3).run(make_scenario(*THREE), rng=0)
    assert len(g.diagnostics["exchanges_per_round"]) == 3
    assert g.diagnostics["stop_reason"] == "max_rounds"
    assert g.history is not None
    assert g.history.shape == (4, 3, 2)


def test_exchange_diagnostics_name_who_moved_what_for_what() -> None:
    f = ExchangeModel(max_rounds=1).run(make_scenario(*THREE, actor_ids=["b", "c", "e"]))
    (e,) = f.diagnostics["exchanges"][0]
    assert e["demands"] == {"b": "i0", "c": "i1"}
    assert e["moves"] == [{"actor": "b", "issue": "i1", "from": 90.0, "to": 52.5},
                          {"actor": "c", "issue": "i0", "from": 80.0, "to": 42.5}]
    assert e["outcome_shift"] == pytest.approx({"i0": -10.0, "i1": -10.0})
    assert e["overshoot_limited"] is True
    assert set(e["externalities"]["by_actor"]) == {"e"}


def test_bad_parameters_raise_a_parley_error_naming_the_parameter() -> None:
    with pytest.raises(ParleyError, match=r"parameter p must be in \[0, 1\]; got 1.5"):
        ExchangeModel(p=1.5)
    with pytest.raises(ParleyError, match="variant must be one of"):
        get_model("exchange", variant="randomrate")
    with pytest.raises(ParleyError, match="max_rounds must be an integer"):
        ExchangeModel(max_rounds=-1)
    with pytest.raises(ParleyError, match="must not exceed 1"):
        ExchangeModel(fixed_weight=0.7, salience_weight=0.4)


def test_an_issue_nobody_cares_about_is_a_scenario_error() -> None:
    s = make_scenario([[10.0, 50.0], [40.0, 60.0]], [[0.5, 0.0], [0.9, 0.0]], [3.0, 1.0])
    with pytest.raises(ScenarioError, match=r"issues\[1\]"):
        ExchangeModel().run(s)


# --- properties -----------------------------------------------------------------------


@st.composite
def _arrays(draw: st.DrawFn) -> tuple[list[list[float]], list[list[float]], list[float]]:
    n, m = draw(st.integers(2, 6)), draw(st.integers(2, 4))
    pos = st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 2))
    sal = st.floats(0.05, 1.0).map(lambda x: round(x, 3))
    return ([[draw(pos) for _ in range(m)] for _ in range(n)],
            [[draw(sal) for _ in range(m)] for _ in range(n)],
            [draw(st.floats(0.1, 10.0)) for _ in range(n)])


def _check_exchanges(run: ExchangeRun, saliences: list[list[float]], weights: np.ndarray,
                     randomised: bool) -> None:
    s = np.array(saliences)
    for rnd, done in enumerate(run.exchanges):
        x = run.preference[rnd]
        outcome = (weights * x).sum(axis=0) / weights.sum(axis=0)
        for e in done:
            a, b, p, q = e.actor_p, e.actor_q, e.issue_p, e.issue_q
            if randomised:
                assert min(e.gain_p, e.gain_q) >= -1e-9
            else:
                assert e.gain > 0
                assert e.gain_p == pytest.approx(e.gain, rel=1e-7, abs=1e-9)
                assert e.gain_q == pytest.approx(e.gain, rel=1e-7, abs=1e-9)
                assert e.gain_p == pytest.approx(
                    s[a, p] * abs(e.shift_p) - s[a, q] * abs(e.shift_q), abs=1e-9)
            # nobody moves past its partner's preference position
            assert min(e.p_from, x[a, p]) - 1e-9 <= e.p_to <= max(e.p_from, x[a, p]) + 1e-9
            assert min(e.q_from, x[b, q]) - 1e-9 <= e.q_to <= max(e.q_from, x[b, q]) + 1e-9
            # no outcome is dragged past the demander's preference position
            for d, target, shift in ((p, x[a, p], e.shift_p), (q, x[b, q], e.shift_q)):
                before, after = outcome[d], outcome[d] + shift
                assert (target - after) * np.sign(target - before) >= -1e-9
                outcome[d] = after


@SETTINGS
@given(data=_arrays(), seed=st.integers(0, 2**16))
def test_every_exchange_gives_both_partners_the_same_positive_gain(
        data: tuple[list[list[float]], list[list[float]], list[float]], seed: int) -> None:
    positions, saliences, caps = data
    run = _kernel(positions, saliences, caps, max_rounds=4, rng=seed)
    weights = np.array(saliences) * np.array(caps)[:, None]
    _check_exchanges(run, saliences, weights, randomised=False)


@SETTINGS
@given(data=_arrays(), seed=st.integers(0, 2**16), p=st.floats(0.0, 1.0))
def test_randomised_exchanges_never_make_a_partner_lose(
        data: tuple[list[list[float]], list[list[float]], list[float]], seed: int,
        p: float) -> None:
    positions, saliences, caps = data
    run = _kernel(positions, saliences, caps, max_rounds=4, rng=seed, p=p)
    weights = np.array(saliences) * np.array(caps)[:, None]
    _check_exchanges(run, saliences, weights, randomised=True)


@SETTINGS
@given(data=_arrays(), low=st.floats(-50, 50), width=st.floats(1, 500),
       outcome=st.sampled_from(["voting", "preference"]))
def test_positions_and_outcomes_stay_on_the_scale(
        data: tuple[list[list[float]], list[list[float]], list[float]], low: float,
        width: float, outcome: Any) -> None:
    positions, saliences, caps = data
    scaled = [[low + x / 100 * width for x in row] for row in positions]
    s = make_scenario(scaled, saliences, caps, scale=(low, low + width))
    f = ExchangeModel(max_rounds=4, outcome=outcome).run(s, rng=3)
    assert f.history is not None
    tol = 1e-9 * width
    assert np.all(f.history >= low - tol)
    assert np.all(f.history <= low + width + tol)
    assert np.all(f.outcome >= low - tol)
    assert np.all(f.outcome <= low + width + tol)


@SETTINGS
@given(data=_arrays(), draw=st.data())
def test_listing_the_actors_in_another_order_permutes_nothing_else(
        data: tuple[list[list[float]], list[list[float]], list[float]],
        draw: st.DataObject) -> None:
    """The seeded tie-break follows the actors' ids, not their order in the list."""
    positions, saliences, caps = data
    n = len(caps)
    perm = list(draw.draw(st.permutations(range(n))))
    ids = [f"a{k}" for k in range(n)]
    s1 = make_scenario(positions, saliences, caps, actor_ids=ids)
    s2 = make_scenario([positions[k] for k in perm], [saliences[k] for k in perm],
                       [caps[k] for k in perm], actor_ids=[ids[k] for k in perm])
    for model in (ExchangeModel(max_rounds=4),
                  ExchangeModel(variant="random", n_repetitions=3, max_rounds=3)):
        f1, f2 = model.run(s1, rng=5), model.run(s2, rng=5)
        np.testing.assert_allclose(f1.outcome, f2.outcome, atol=1e-9)
        assert f1.history is not None
        assert f2.history is not None
        np.testing.assert_allclose(f1.history[:, perm, :], f2.history, atol=1e-9)


@SETTINGS
@given(data=_arrays(), seed=st.integers(0, 2**32 - 1))
def test_the_same_seed_gives_the_same_forecast_for_both_variants(
        data: tuple[list[list[float]], list[list[float]], list[float]], seed: int) -> None:
    s = make_scenario(*data)
    for model in (ExchangeModel(max_rounds=3),
                  ExchangeModel(variant="random", n_repetitions=3, max_rounds=3)):
        a, b = model.run(s, rng=seed), model.run(s, rng=seed)
        np.testing.assert_array_equal(a.outcome, b.outcome)
        assert a.to_dict() == b.to_dict()


# --- REX ------------------------------------------------------------------------------


def test_rex_with_p_zero_is_equal_gain() -> None:
    """With p = 0 every repetition is the Equal Gain run (FOUR has no tied gains)."""
    s = make_scenario(*FOUR)
    equal = ExchangeModel(max_rounds=5).run(s, rng=1)
    rex = ExchangeModel(variant="random", p=0.0, n_repetitions=4, max_rounds=5).run(s, rng=1)
    np.testing.assert_allclose(rex.outcome, equal.outcome, atol=1e-12)
    assert rex.diagnostics["outcome_sd"] == pytest.approx([0.0, 0.0], abs=1e-12)


def test_rex_randomises_the_division_of_the_gain() -> None:
    """THREE's single exchange has the box 0 <= shift_X <= 10, 0 <= shift_Y <= 16.

    B's gain is 0.6 dX - 0.4 dY and C's 0.6 dY - 0.4 dX; the equal-gain point (10, 10) gives
    both 2. B gains most (while C does not lose) at dX = 10, dY = 20/3: 6 - 8/3 = 10/3;
    C gains most (while B does not lose) at dX = 10, dY = 15: 9 - 4 = 5. Randomised gains
    stay in [0, 10/3] for B and [0, 5] for C, on the frontier where dX is at its cap.
    """
    seen = []
    for seed in range(40):
        (e,) = _kernel(*THREE, max_rounds=1, rng=seed, p=1.0).exchanges[0]
        assert -1e-9 <= e.gain_p <= 10 / 3 + 1e-9
        assert -1e-9 <= e.gain_q <= 5 + 1e-9
        # on the Pareto frontier: the X shift stays at its cap of 10
        assert e.shift_p == pytest.approx(-10.0)
        seen.append(e.gain_p)
    assert np.ptp(seen) > 1.0  # the division varies


def test_rex_forecast_is_the_mean_of_its_repetitions() -> None:
    s = make_scenario(*FOUR)
    f = ExchangeModel(variant="random", p=0.8, n_repetitions=8, max_rounds=4).run(s, rng=2)
    runs = np.array(f.diagnostics["outcomes"])
    assert runs.shape == (8, 2)
    np.testing.assert_allclose(f.outcome, runs.mean(axis=0))
    assert f.diagnostics["outcome_sd"] == pytest.approx(runs.std(axis=0).tolist())
    assert max(f.diagnostics["outcome_sd"]) > 0
    doc = json.loads(json.dumps(f.to_dict(), allow_nan=False))
    assert doc["diagnostics"]["repetitions"] == 8


# --- Decide's data --------------------------------------------------------------------


def _decide(shared_data: Path, name: str) -> Scenario:
    path = shared_data / "decide" / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return read_decide(path.read_text(encoding="utf-8"), str(path))


def test_first_exchanges_on_copenhagen_match_decide(shared_data: Path) -> None:
    """decide-exchange-model 2022.1.28 on copenhagen.csv executes first (gain, moves):

    3.278818: USA Extra 10 -> 90, China India Commitments 85 -> 21.893663
    1.853390: USA Control 10 -> 52.126006, Least Developed Countries Newtreaty 100 -> 10
    1.666317: USA Control 52.126006 -> 90, Alliance of Small Island States Newtreaty
              100 -> 19.084202
    1.584507: China India Control 75 -> 50.737583, EU (incl Norway) MRVdecrease 70 -> 10
    """
    model = ExchangeModel(max_rounds=1, tie_break="listed")  # Decide breaks this tie so
    f = model.run(_decide(shared_data, "copenhagen.csv"))
    got = [(round(e["gain"], 6), [(m["actor"], m["issue"], round(m["from"], 6),
                                   round(m["to"], 6)) for m in e["moves"]])
           for e in f.diagnostics["exchanges"][0][:4]]
    assert got == [
        (3.278818, [("USA", "Extra", 10.0, 90.0),
                    ("China India", "Commitments", 85.0, 21.893663)]),
        (1.85339, [("USA", "Control", 10.0, 52.126006),
                   ("Least Developed Countries", "Newtreaty", 100.0, 10.0)]),
        (1.666317, [("USA", "Control", 52.126006, 90.0),
                    ("Alliance of Small Island States", "Newtreaty", 100.0, 19.084202)]),
        (1.584507, [("China India", "Control", 75.0, 50.737583),
                    ("EU (incl Norway)", "MRVdecrease", 70.0, 10.0)]),
    ]


@pytest.mark.parametrize("name", ["copenhagen.csv", "cop21.csv", "sample_data.txt"])
def test_decide_files_run_ten_rounds_on_their_scales(shared_data: Path, name: str) -> None:
    s = _decide(shared_data, name)
    f = ExchangeModel().run(s, rng=0)
    assert f.diagnostics["rounds"] == 10
    for issue in s.issues:
        assert issue.scale.low <= f[issue.id] <= issue.scale.high
