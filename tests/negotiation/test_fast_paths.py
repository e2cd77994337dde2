"""The plain-Python fast paths of the simulation give the numbers of their references.

Each fast path is checked against an independent computation of the same quantity: Python's
own ``round`` for the transcript's rounding, numpy's vectorised sums for package utilities,
and the numpy meet-in-the-middle search (forced by setting ``SMALL_HALF`` below every half)
for the small-half searches, on grids built to produce ties in losses and distances.
"""

from __future__ import annotations

import itertools
import math
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.negotiation import offers
from parley.negotiation.offers import TOL, OfferSpace, find_offer
from parley.negotiation.simulate import _round6


def _space(weights: list[list[float]], positions: list[list[float]],
           n_values: int) -> OfferSpace:
    """Parties' linear losses ``w_ij |v - x_ij| / 100`` on ``n_values`` points of 0-100."""
    values = tuple(np.linspace(0.0, 100.0, n_values) for _ in weights[0])
    loss = tuple(np.stack([w[j] * np.abs(values[j] - x[j]) / 100.0
                           for w, x in zip(weights, positions, strict=True)], axis=1)
                 for j in range(len(values)))
    return OfferSpace(tuple(f"i{j}" for j in range(len(values))), values,
                      np.full(len(values), 100.0), loss)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.floats(-60.0, 60.0, allow_nan=False),
                 st.integers(-10**7, 10**7).map(lambda k: (k + 0.5) / 1e6),
                 st.integers(0, 10**6).map(lambda k: math.nextafter((k + 0.5) / 1e6, 2.0)),
                 st.floats(-1e12, 1e12, allow_nan=False)))
def test_round6_is_pythons_round_to_six_decimals(x: float) -> None:
    """Halfway cases ((k + 0.5) / 10^6 and their neighbours) and large values included."""
    assert _round6(x) == round(x, 6)
    assert math.copysign(1.0, _round6(x)) == math.copysign(1.0, round(x, 6))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(2, 5), st.integers(2, 3), st.integers(0, 10_000))
def test_package_utilities_equal_the_vectorised_sums(m: int, n_values: int, n: int,
                                                     seed: int) -> None:
    """``utilities_of`` (Python floats) equals ``utilities_many`` (numpy) bit for bit."""
    rng = np.random.default_rng(seed)
    space = _space(rng.dirichlet(np.ones(m), n).tolist(),
                   rng.uniform(0, 100, (n, m)).tolist(), n_values)
    pkgs = list(itertools.product(range(n_values), repeat=m))
    many = space.utilities_many(np.array(pkgs))
    for k, pkg in enumerate(pkgs):
        assert space.utilities_of(pkg) == tuple(many[k].tolist())
        assert space.utilities(np.array(pkg)).tolist() == many[k].tolist()


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 4), st.integers(2, 4), st.integers(0, 10_000),
       st.sampled_from(["closest", "lowest"]), st.booleans())
def test_small_half_search_picks_the_numpy_search_package(m: int, n_values: int, seed: int,
                                                          policy: str, ties: bool) -> None:
    """Every target, including those exactly at a package's utility (and one tolerance
    either side): the Python search and the numpy search offer the same package. With
    ``ties``, equal weights and positions on the grid make many sums equal."""
    rng = np.random.default_rng(seed)
    if ties:
        w = [[1.0 / m] * m, [1.0 / m] * m]
        x = [[0.0] * m, [100.0] * m]
    else:
        w = rng.dirichlet(np.ones(m), 2).tolist()
        x = rng.uniform(0, 100, (2, m)).tolist()
    space = _space(w, x, n_values)
    allowed = [np.arange(n_values)] * m
    ref = rng.integers(0, n_values, (2, m))
    pkgs = np.array(list(itertools.product(range(n_values), repeat=m)))
    u = space.utilities_many(pkgs)[:, 0]
    targets = sorted({float(t) for v in u for t in (v, v - TOL, v + TOL)} | {0.0, 1.5})
    fast = [_offer(space, t, allowed, ref, policy) for t in targets]
    with mock.patch.object(offers, "SMALL_HALF", -1):
        slow_space = _space(w, x, n_values)  # fresh caches
        slow = [_offer(slow_space, t, allowed, ref, policy) for t in targets]
    assert fast == slow
    # memoised answers (one space asked again and again) equal first answers (a fresh
    # space per question, as in test_offers' brute-force check)
    cold = [_offer(_space(w, x, n_values), t, allowed, ref, policy) for t in targets]
    again = [_offer(space, t, allowed, ref, policy) for t in reversed(targets)]
    assert fast == cold == again[::-1]


def _offer(space: OfferSpace, target: float, allowed: list[np.ndarray],
           ref: np.ndarray, policy: str) -> list[int] | str:
    """The offer, or the error it raises (a target a hair above the best utility can leave
    no package inside the budget; both searches must fail alike there)."""
    try:
        got: list[int] = find_offer(space, 0, target, allowed, ref,
                                    policy).tolist()  # type: ignore[arg-type]
        return got
    except IndexError as err:
        return f"IndexError: {err}"


@pytest.mark.parametrize("policy", ["closest", "lowest"])
@pytest.mark.parametrize("seed", range(40))
def test_a_target_a_hair_above_the_best_offers_the_best_package(seed: int,
                                                               policy: str) -> None:
    """Asking for more than the best package gives a package as good as the best one; a
    target just above it once raised IndexError ('closest') or fell far below the best
    ('lowest')."""
    rng = np.random.default_rng(seed)
    space = _space(rng.dirichlet(np.ones(2), 2).tolist(), rng.uniform(0, 100, (2, 2)).tolist(),
                   3)
    allowed = [np.arange(3)] * 2
    best = float(space.utilities_many(np.array(list(itertools.product(range(3), repeat=2))))
                 [:, 0].max())
    for target in (best + TOL / 2, best + TOL, best + 2 * TOL):
        got = find_offer(space, 0, target, allowed, np.array([[0, 0]]),
                         policy)  # type: ignore[arg-type]
        assert float(space.utilities(got)[0]) == pytest.approx(best, abs=1e-12)
