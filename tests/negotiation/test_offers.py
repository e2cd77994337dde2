"""Offer generation: hand examples, and the exact search against brute force."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.negotiation.offers import TOL, OfferSpace, find_offer


def _space(weights: list[float], positions: list[float], n_values: int = 3) -> OfferSpace:
    values = tuple(np.linspace(0, 100, n_values) for _ in weights)
    loss = tuple(w * np.abs(v - p)[:, None] / 100 for w, p, v in
                 zip(weights, positions, values, strict=True))
    return OfferSpace(tuple(f"i{j}" for j in range(len(weights))), values,
                      np.full(len(weights), 100.0), loss)


def test_closest_offer_logrolls_on_the_cheap_issue() -> None:
    """Weights 0.8 / 0.2, ideal (0, 0), the other side offered (100, 100), target 0.8:
    a loss budget of 0.2 buys moving the light issue all the way (0.2 x 1), not the heavy
    one (0.8 x 0.5 = 0.4): the offer is (0, 100)."""
    space = _space([0.8, 0.2], [0, 0])
    d = find_offer(space, 0, 0.8, [np.arange(3)] * 2, np.array([[2, 2]]))
    assert space.package(d).tolist() == [0.0, 100.0]


def test_first_offer_is_the_best_package() -> None:
    space = _space([0.5, 0.5], [100, 0])
    d = find_offer(space, 0, 0.0, [np.arange(3)] * 2, None)
    assert space.package(d).tolist() == [100.0, 0.0]


def test_lowest_offer_is_just_above_target() -> None:
    """Weights 0.6 / 0.4 at (0, 0), values 0, 50, 100: utilities are 1 - 0.6a - 0.4b with
    a, b in {0, .5, 1}; the lowest at or above 0.65 is 0.7 (a = .5, b = 0)."""
    space = _space([0.6, 0.4], [0, 0])
    d = find_offer(space, 0, 0.65, [np.arange(3)] * 2, None, policy="lowest")
    assert space.package(d).tolist() == [50.0, 0.0]


def test_unreachable_target_offers_the_best_allowed_package() -> None:
    space = _space([0.5, 0.5], [0, 0])
    d = find_offer(space, 0, 1.5, [np.array([1, 2]), np.arange(3)], None)
    assert space.package(d).tolist() == [50.0, 0.0]


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(2, 4), st.integers(0, 10_000),
       st.floats(0.0, 1.0), st.sampled_from(["closest", "lowest"]))
def test_meet_in_the_middle_matches_brute_force(m: int, n_values: int, seed: int,
                                                target: float, policy: str) -> None:
    """The exact search equals a scan of every package: among packages with utility >=
    target (else the best ones), the nearest (closest) or the lowest utility (lowest)."""
    rng = np.random.default_rng(seed)
    w = rng.dirichlet(np.ones(m)).tolist()
    space = _space(w, rng.uniform(0, 100, m).tolist(), n_values)
    ref = rng.integers(0, n_values, (2, m))
    allowed = [np.arange(n_values)] * m
    d = find_offer(space, 0, target, allowed, ref, policy)  # type: ignore[arg-type]
    pkgs = np.array(list(itertools.product(range(n_values), repeat=m)))
    u = space.utilities_many(pkgs)[:, 0]
    vals = np.stack([space.values[j][pkgs[:, j]] for j in range(m)], axis=1)
    refv = np.stack([space.values[j][ref[:, j]] for j in range(m)], axis=1)
    dist = np.abs(vals[:, None, :] - refv[None, :, :]).sum(axis=(1, 2)) / 100
    ok = u >= target - TOL
    if not ok.any():
        ok = u >= u.max() - TOL
    got_u = space.utilities(d)[0]
    assert got_u >= target - 1e-6 or abs(got_u - u.max()) < 1e-6
    if policy == "lowest" and (u >= target - TOL).any():
        assert got_u == np.min(u[ok]) or abs(got_u - np.min(u[ok])) < 1e-9
    elif policy == "closest":
        got_dist = np.abs(space.package(d)[None, :] - refv).sum() / 100
        assert got_dist <= dist[ok].min() + 1e-9
