"""The exchange records of a round with many exchanges, checked against their definitions.

:func:`parley.models.exchange_kernel.exchange_rounds` keeps each executed exchange in a
compact form and builds the records (externalities, inner groups) once per round. These
tests recompute every record of rounds with many exchanges from the definitions in the
module docstring, using only the run's positions and the records' moves:

* the outcome before a round's first exchange is the weighted mean of that round's
  preferences, :math:`O_d = \\sum_k w_{kd} x_{kd} / \\sum_k w_{kd}`, and each exchange
  adds its ``shift_p`` and ``shift_q``;
* a mover starts where it was left by the round's last move of the same actor on the same
  issue (or at its preference), each outcome shift equals the weight of the move over
  :math:`W_d`, and the round's last moves give ``voting[r]``;
* actor *k*'s externality is
  :math:`\\sum_{d \\in \\{p, q\\}} s_{kd}(|O^{before}_d - x_{kd}| - |O^{after}_d - x_{kd}|)`
  (0 on an issue it has no stance on); for the partners of a round's first exchange
  (without overshoot, the outcomes still lie between them) it is their gain;
* *inner* marks the actors on the same sides of both outcomes (at the start of the round,
  :math:`x \\le O` is the left) as one of the partners.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.models.exchange_kernel import ExchangeRun, exchange_rounds

SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def _inputs(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n, m = draw(st.integers(4, 9)), draw(st.integers(2, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    position = rng.uniform(0.0, 100.0, (n, m)).round(1)
    salience = rng.uniform(0.1, 1.0, (n, m)).round(2)
    power = np.broadcast_to(rng.uniform(0.1, 1.0, n)[:, None], (n, m))
    mask = rng.random((n, m)) > draw(st.sampled_from([0.0, 0.2]))
    mask[:, mask.sum(axis=0) == 0] = True   # somebody has a stance on every issue
    return position, salience, power, mask


def _check_round(run: ExchangeRun, r: int, salience: np.ndarray, power: np.ndarray,
                 mask: np.ndarray, overshoot: bool) -> None:
    x = run.preference[r - 1]
    s = np.where(mask, salience, 0.0)
    w = np.where(mask, power * salience, 0.0)
    total = w.sum(axis=0)
    outcome = np.nansum(w * x, axis=0) / total
    left = (x <= outcome + 1e-9) & mask
    voting = x.copy()
    for i, e in enumerate(run.exchanges[r - 1]):
        a, b, p, q = e.actor_p, e.actor_q, e.issue_p, e.issue_q
        assert e.p_from == voting[b, p]
        assert e.q_from == voting[a, q]
        assert e.shift_p == pytest.approx(w[b, p] * (e.p_to - e.p_from) / total[p], abs=1e-9)
        assert e.shift_q == pytest.approx(w[a, q] * (e.q_to - e.q_from) / total[q], abs=1e-9)
        voting[b, p], voting[a, q] = e.p_to, e.q_to
        after = outcome.copy()
        after[p] += e.shift_p
        after[q] += e.shift_q
        expected = np.zeros(x.shape[0])
        for d in (p, q):
            change = np.abs(outcome[d] - x[:, d]) - np.abs(after[d] - x[:, d])
            expected += np.where(mask[:, d], s[:, d] * change, 0.0)
        np.testing.assert_allclose(e.externalities, expected, rtol=1e-9, atol=1e-9)
        if i == 0 and not overshoot:
            # the outcomes still lie between the partners: their change is their gain
            assert e.externalities[a] == pytest.approx(e.gain_p, abs=1e-9)
            assert e.externalities[b] == pytest.approx(e.gain_q, abs=1e-9)
        sides = left[:, [p, q]]
        inner = (sides == sides[a]).all(axis=1) | (sides == sides[b]).all(axis=1)
        assert e.inner.tolist() == inner.tolist()
        outcome = after
    np.testing.assert_array_equal(run.voting[r], voting)


@SETTINGS
@given(data=_inputs(), overshoot=st.booleans(), p=st.sampled_from([0.0, 0.8]),
       seed=st.integers(0, 2**16))
def test_every_record_of_a_round_matches_the_definitions_of_moves_and_externalities(
        data: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], overshoot: bool,
        p: float, seed: int) -> None:
    position, salience, power, mask = data
    run = exchange_rounds(position, salience, power, mask, max_rounds=3, rng=seed, p=p,
                          allow_overshoot=overshoot)
    for r in range(1, len(run.exchanges) + 1):
        _check_round(run, r, salience, power, mask, overshoot)


def test_a_round_of_the_twenty_actor_benchmark_size_matches_the_definitions() -> None:
    """20 actors x 10 issues (the benchmark's middle size): over a hundred exchanges in
    the first round, each recomputed from the definitions."""
    rng = np.random.default_rng(1)
    position = rng.uniform(0.0, 100.0, (20, 10)).round(1)
    salience = rng.uniform(0.1, 1.0, (20, 10)).round(2)
    power = np.broadcast_to(rng.uniform(0.1, 1.0, 20)[:, None], (20, 10))
    mask = np.ones((20, 10), dtype=bool)
    for overshoot in (False, True):
        run = exchange_rounds(position, salience, power, mask, max_rounds=1,
                              tie_break="listed", allow_overshoot=overshoot)
        assert len(run.exchanges[0]) > 100
        _check_round(run, 1, salience, power, mask, overshoot)
