"""The sorted, rows-last formulation of the expected-utility kernel (parley.models.eum_kernel).

The kernel no longer builds every voter's vote on every pair; it sorts the actors and sums
columns (see the module docstring). These tests hold it to independent computations:

* the literal, loop-by-loop round of ``tests/models/test_expected_utility.py``
  (``_reference_round``, written from the equations), for every combination of the options,
  one round at a time from the same state, on random inputs drawn by hypothesis;
* :func:`parley.models.median.weighted_median`, which the kernel's per-round medians must
  equal bit for bit (the kernel reads them off its own sorting);
* the kernel itself on one row at a time and in chunks of one row (rows are independent, and
  every sum over actors runs in the same order whatever the number of rows).

The draws are continuous, so that no comparison sits on an exact tie (for instance
:math:`E^i(U_{ji}) = -E^i(U_{ij})`, which both implementations would settle by rounding).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.models.eum_kernel import EUMOptions, eum_kernel
from parley.models.median import weighted_median
from tests.models.test_expected_utility import _reference_round

ALL_OPTIONS: list[dict[str, Any]] = [
    {"probability": p, "vote_exponent": v, "risk": r, "q": q, "capitulation": c,
     "offer_choice": o}
    for p, v, r, q, c, o in itertools.product(
        ("global", "pair"), ("risk", "linear"), ("actors", "positions", "neutral"),
        (1.0, 0.5), (False, True), ("scholz2011", "smallest-move", "largest-eu"))
]

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _draw(seed: int, b: int, n: int, m: int, masked: bool) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    c = rng.uniform(0.2, 3.0, (b, n))
    x = rng.uniform(0.0, 10.0, (b, n, m))
    s = rng.uniform(0.05, 1.0, (b, n, m))
    mask = rng.random((b, n, m)) > 0.25 if masked else np.ones((b, n, m), dtype=bool)
    return c, x, s, mask


@SETTINGS
@given(options=st.sampled_from(ALL_OPTIONS), t=st.sampled_from([0.2, 0.5, 0.9]),
       n=st.integers(2, 5), seed=st.integers(0, 2**32 - 1))
def test_each_round_agrees_with_the_literal_loops_for_every_option_combination(
        options: dict[str, Any], t: float, n: int, seed: int) -> None:
    """Three rounds, each run by the kernel and by the loops from the kernel's state."""
    c, x, s, _ = _draw(seed, 1, n, 1, masked=False)
    o = EUMOptions(**options, t=t, max_rounds=1, stop="max-rounds")
    pos = x[0, :, 0]
    for _ in range(3):
        res = eum_kernel(c, pos[None, :, None], s, np.ones((1, n, 1), dtype=bool),
                         np.array([0.0]), np.array([10.0]), o)
        r, kinds, senders, new = _reference_round([float(v) for v in pos], list(c[0]),
                                                  list(s[0, :, 0]), 10.0, o)
        np.testing.assert_allclose(res.risk[0, 0, :, 0], r, rtol=1e-9, atol=1e-12)
        assert res.offer[0, 0, :, 0].tolist() == kinds
        assert res.sender[0, 0, :, 0].tolist() == senders
        np.testing.assert_allclose(res.positions[0, 1, :, 0], new, rtol=1e-9, atol=1e-12)
        pos = res.positions[0, 1, :, 0]


@SETTINGS
@given(variant=st.sampled_from(ALL_OPTIONS[::7]), seed=st.integers(0, 2**32 - 1),
       n=st.integers(1, 7), masked=st.booleans())
def test_medians_are_the_weighted_medians_of_the_positions_bit_for_bit(
        variant: dict[str, Any], seed: int, n: int, masked: bool) -> None:
    c, x, s, mask = _draw(seed, 3, n, 2, masked)
    res = eum_kernel(c, x, s, mask, np.zeros(2), np.full(2, 10.0),
                     EUMOptions(**variant, max_rounds=4))
    weight = np.where(mask, c[:, :, None] * s, 0.0)[:, None]
    expected = weighted_median(np.where(mask[:, None], res.positions, 0.0),
                               np.broadcast_to(weight, res.positions.shape))
    np.testing.assert_array_equal(res.median, expected)


@settings(max_examples=15, deadline=None)
@given(variant=st.sampled_from(ALL_OPTIONS[::5]), seed=st.integers(0, 2**32 - 1))
def test_rows_give_the_same_bits_alone_in_a_batch_and_in_chunks_of_one(
        variant: dict[str, Any], seed: int) -> None:
    """Row order, batch size and chunking change no bit of any result."""
    c, x, s, mask = _draw(seed, 5, 6, 2, masked=True)
    low, high = np.zeros(2), np.array([10.0, 12.0])
    o = EUMOptions(**variant, max_rounds=5)
    whole = eum_kernel(c, x, s, mask, low, high, o)
    tiny = eum_kernel(c, x, s, mask, low, high, EUMOptions(**variant, max_rounds=5,
                                                           chunk_elements=1))
    for k in range(5):
        one = eum_kernel(c[k:k + 1], x[k:k + 1], s[k:k + 1], mask[k:k + 1], low, high, o)
        for field in ("positions", "risk", "median", "offer", "sender", "rounds", "stop",
                      "period", "first_round"):
            np.testing.assert_array_equal(getattr(whole, field)[k:k + 1], getattr(one, field))
    for field in ("positions", "risk", "median", "mean", "offer", "sender", "rounds"):
        np.testing.assert_array_equal(getattr(whole, field), getattr(tiny, field))
