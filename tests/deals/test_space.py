"""The package space: mixed-radix enumeration, grids, options, chunked utilities."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from parley.deals.space import (
    DiscreteSpace,
    continuous_space,
    grid,
    iter_utilities,
    option_space,
    space_utilities,
)
from parley.deals.utility import preferences
from parley.errors import ParleyError, ScenarioError
from tests.deals.helpers import build


def test_packages_enumerate_in_itertools_product_order() -> None:
    values = (np.array([0.0, 1.0, 2.0]), np.array([10.0, 20.0]), np.array([5.0, 6.0, 7.0, 8.0]))
    space = DiscreteSpace(("a", "b", "c"), values)
    expected = np.array(list(itertools.product(*values)))
    assert space.size == 24
    assert np.array_equal(space.packages(), expected)
    assert np.array_equal(space.packages(5, 17), expected[5:17])
    assert np.array_equal(space.index(space.digits()), np.arange(24))


def test_chunks_cover_the_space_once() -> None:
    space = DiscreteSpace(("a", "b"), (np.arange(7.0), np.arange(5.0)))
    spans = list(space.chunks(4))
    assert spans[0] == (0, 4)
    assert spans[-1] == (32, 35)
    assert sum(stop - start for start, stop in spans) == 35


def test_grid_spaces_points_evenly_with_both_ends() -> None:
    s = build([[0.1, 0.2]], [[1.0, 1.0]], scale=(-1.0, 1.0))
    space = grid(s, {"i0": 3, "i1": 5})
    assert space.values[0].tolist() == [-1.0, 0.0, 1.0]
    assert space.values[1].tolist() == [-1.0, -0.5, 0.0, 0.5, 1.0]


def test_option_space_uses_named_options_and_a_grid_elsewhere() -> None:
    s = build([[10.0, 20.0]], [[1.0, 1.0]], options=[[("high", 90.0), ("low", 5.0)], []])
    space = option_space(s, 3)
    assert space.values[0].tolist() == [5.0, 90.0]
    assert space.labels[0] == ("low", "high")
    assert space.values[1].tolist() == [0.0, 50.0, 100.0]


def test_a_grid_needs_at_least_two_points() -> None:
    s = build([[10.0]], [[1.0]])
    with pytest.raises(ScenarioError, match="at least 2 points"):
        grid(s, 1)


def test_table_lookup_gives_exactly_the_utilities_of_the_packages() -> None:
    s = build([[20, 80, 35], [100, 0, 60], [45, 45, 45]],
              [[0.6, 0.2, 0.1], [0.5, 0.5, 0.3], [0.1, 0.1, 0.9]], status_quo=[50, 50, None])
    for loss in ("linear", "quadratic"):
        prefs = preferences(s, loss=loss)  # type: ignore[arg-type]
        space = grid(s, 7)
        direct = prefs.utilities(space.packages())
        assert np.array_equal(space_utilities(prefs, space), direct)
        chunks = np.concatenate([u for _, _, u in iter_utilities(prefs, space, 50)])
        assert np.array_equal(chunks, direct)


def test_a_space_from_another_scenario_is_refused() -> None:
    prefs = preferences(build([[20.0]], [[1.0]]))
    other = DiscreteSpace(("x",), (np.array([0.0, 1.0]),))
    with pytest.raises(ParleyError, match="differ"):
        space_utilities(prefs, other)


def test_continuous_samples_stay_in_the_box() -> None:
    box = continuous_space(build([[0.5, 1.0]], [[1.0, 1.0]], scale=(0.0, 2.0)))
    x = box.sample(1000, rng=1)
    assert ((x >= 0.0) & (x <= 2.0)).all()
    assert np.array_equal(x, box.sample(1000, rng=1))
