"""The Pareto frontier: exact filter, exact frontier of discrete spaces, sampled frontier."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from parley.deals.pareto import nondominated, pareto_frontier, sample_frontier
from parley.deals.space import DiscreteSpace, grid
from parley.deals.utility import preferences
from parley.scenario import Scenario
from tests.deals.helpers import build, dominated_mask, small_scenarios


def test_nondominated_keeps_duplicates_and_drops_dominated_rows() -> None:
    """(0.4, 0.4) is dominated by (0.5, 0.5); the two copies of (0.5, 0.5) both stay;
    (1, 0) and (0, 1) are undominated."""
    u = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.4, 0.4], [0.5, 0.5], [0.5, 0.4]])
    assert nondominated(u).tolist() == [0, 1, 2, 4]


def test_nondominated_handles_empty_and_single_objective_input() -> None:
    assert nondominated(np.empty((0, 3))).size == 0
    assert nondominated(np.array([[0.2], [0.9], [0.9], [0.1]])).tolist() == [1, 2]


@settings(max_examples=150, deadline=None)
@given(hnp.arrays(np.float64, st.tuples(st.integers(0, 60), st.integers(1, 5)),
                  elements=st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])))
def test_nondominated_matches_brute_force_on_tie_heavy_data(u: np.ndarray) -> None:  # type: ignore[type-arg]
    assert nondominated(u).tolist() == np.flatnonzero(~dominated_mask(u)).tolist()


def test_nondominated_matches_brute_force_across_many_blocks() -> None:
    """3000 rows force several candidate blocks and frontier blocks."""
    rng = np.random.default_rng(3)
    u = rng.integers(0, 30, (3000, 3)).astype(float)
    u[:, 2] = 60 - u[:, 0] - u[:, 1] + rng.integers(0, 3, 3000)
    assert nondominated(u).tolist() == np.flatnonzero(~dominated_mask(u)).tolist()


def test_one_issue_frontier_is_every_point_between_the_positions() -> None:
    """Parties at 20 and 70 on one issue, no status quo (reservation 0): moving outside
    [20, 70] hurts both, moving inside helps one and hurts the other, so the frontier is
    the grid points 20, 30, ..., 70."""
    s = build([[20.0], [70.0]], [[1.0], [1.0]])
    front = pareto_frontier(preferences(s), grid(s, 11))
    assert front.packages[:, 0].tolist() == [20.0, 30.0, 40.0, 50.0, 60.0, 70.0]
    assert front.utilities.sum(axis=1) == pytest.approx(np.full(6, 1.5))


def test_two_issue_frontier_matches_a_hand_computation() -> None:
    """A at (0, 0) with weights (0.8, 0.2), B at (100, 100) with (0.2, 0.8), grid {0, 50,
    100}^2, no status quo. Utilities (A, B) of (x, y), e.g. (0, 50): A loses 0.2 * 0.5,
    B loses 0.2 * 1 + 0.8 * 0.5, so (0.9, 0.4). Frontier: (0,0) -> (1, 0); (0,50) -> (0.9,
    0.4); (0,100) -> (0.8, 0.8); (50,100) -> (0.4, 0.9); (100,100) -> (0, 1). The other four
    are dominated: (50,0) -> (0.6, 0.1) < (0.9, 0.4); (50,50) -> (0.5, 0.5) < (0.8, 0.8);
    (100,0) -> (0.2, 0.2); (100,50) -> (0.1, 0.6) < (0.4, 0.9)."""
    s = build([[0.0, 0.0], [100.0, 100.0]], [[0.8, 0.2], [0.2, 0.8]])
    front = pareto_frontier(preferences(s), grid(s, 3))
    got = {tuple(p): tuple(np.round(u, 12)) for p, u in zip(front.packages.tolist(),
                                                              front.utilities, strict=True)}
    assert got == {(0.0, 0.0): (1.0, 0.0), (0.0, 50.0): (0.9, 0.4), (0.0, 100.0): (0.8, 0.8),
                   (50.0, 100.0): (0.4, 0.9), (100.0, 100.0): (0.0, 1.0)}


def brute_force(s: Scenario, points: int, loss: str, deals_only: bool) -> list[int]:
    prefs = preferences(s, loss=loss)  # type: ignore[arg-type]
    space = grid(s, points)
    x = space.packages()
    u = prefs.utilities(x)
    ok = prefs.deal_mask(x, u) if deals_only else np.ones(len(x), dtype=bool)
    idx = np.flatnonzero(ok)
    # utilities equal in exact arithmetic may differ in the last bit (summed in another
    # order); like the frontier, compare them to 12 decimals so that such ties stay ties
    return idx[~dominated_mask(np.round(u[idx], 12))].tolist()


@settings(max_examples=80, deadline=None)
@given(small_scenarios(), st.integers(2, 5), st.sampled_from(["linear", "quadratic"]),
       st.booleans())
def test_exact_frontier_equals_brute_force(s: Scenario, points: int, loss: str,
                                          deals_only: bool) -> None:
    """Both methods return exactly the deals that no deal dominates: every frontier
    package is undominated and every other deal is dominated (checked against all pairs)."""
    expected = brute_force(s, points, loss, deals_only)
    prefs = preferences(s, loss=loss)  # type: ignore[arg-type]
    space = grid(s, points)
    for method in ("additive", "scan"):
        front = pareto_frontier(prefs, space, deals_only=deals_only, method=method,
                                chunk_size=13)  # type: ignore[arg-type]
        assert front.index.tolist() == expected, method
        assert np.array_equal(front.utilities, prefs.utilities(space.packages())[expected])


def test_an_issue_nobody_cares_about_multiplies_the_frontier() -> None:
    """Issue 1 has no stances: every value of it is as good as any other, so each frontier
    package of issue 0 appears with all 5 values of issue 1."""
    s = build([[20.0, None], [70.0, None]], [[1.0, 0.0], [1.0, 0.0]])
    front = pareto_frontier(preferences(s), grid(s, {"i0": 11, "i1": 5}))
    assert len(front) == 6 * 5


def test_deals_respect_red_lines_and_reservations() -> None:
    """B accepts only [40, 100]; status quo 50 gives A (at 0) r = 0.5, B (at 100) r = 0.5:
    only 50 is a deal (A needs x <= 50, B x >= 50)."""
    s = build([[0.0], [100.0]], [[1.0], [1.0]], ranges=[[None], [(40.0, 100.0)]],
              status_quo=[50.0])
    front = pareto_frontier(preferences(s), grid(s, 11))
    assert front.packages[:, 0].tolist() == [50.0]


def test_no_deal_gives_an_empty_frontier() -> None:
    s = build([[0.0], [100.0]], [[1.0], [1.0]], ranges=[[(0.0, 30.0)], [(60.0, 100.0)]])
    for method in ("additive", "scan"):
        front = pareto_frontier(preferences(s), grid(s, 11), method=method)  # type: ignore[arg-type]
        assert len(front) == 0
        assert front.packages.shape == (0, 1)


def test_six_parties_on_a_larger_space_agree_between_methods() -> None:
    """6 parties, 4 issues x 7 values (2401 packages): the dynamic programme and the chunked
    scan find the same frontier, which brute force confirms."""
    rng = np.random.default_rng(11)
    s = build(rng.integers(0, 101, (6, 4)).tolist(), rng.uniform(0.1, 1, (6, 4)).tolist(),
              status_quo=[50, None, 20, 80])
    prefs, space = preferences(s), grid(s, 7)
    additive = pareto_frontier(prefs, space, deals_only=False)
    scan = pareto_frontier(prefs, space, deals_only=False, method="scan", chunk_size=500)
    u = prefs.utilities(space.packages())
    assert additive.index.tolist() == scan.index.tolist()
    assert additive.index.tolist() == np.flatnonzero(~dominated_mask(u)).tolist()


def test_sampled_frontier_of_one_issue_lies_on_the_line() -> None:
    """Linear loss, parties at 0 and 100 on one issue: U_a + U_b = 1 on the whole
    frontier, and the sample reaches both ends."""
    s = build([[0.0], [100.0]], [[1.0], [1.0]])
    front = sample_frontier(preferences(s), n_points=400, rng=5)
    assert front.utilities.sum(axis=1) == pytest.approx(np.ones(len(front)), abs=1e-12)
    assert front.utilities[:, 0].min() == 0.0
    assert front.utilities[:, 0].max() == 1.0
    assert front.method == "sampled"
    assert (front.index == -1).all()


def test_sampled_frontier_is_undominated_by_the_grid_for_quadratic_loss() -> None:
    """Every weighted-sum maximiser is Pareto-optimal in the continuous space, so no grid
    package dominates it; mixtures lie within 1e-2 of the grid frontier."""
    s = build([[0.0, 20.0], [100.0, 90.0], [60.0, 0.0]], [[0.8, 0.2], [0.3, 0.7], [0.5, 0.5]])
    prefs = preferences(s, loss="quadratic")
    sampled = sample_frontier(prefs, n_points=600, rng=2, deals_only=False)
    gridded = prefs.utilities(grid(s, 41).packages())
    for u in sampled.utilities:
        worse = (gridded >= u + 1e-2).all(axis=1)
        assert not worse.any()


def test_sampled_frontier_respects_red_lines() -> None:
    s = build([[0.0], [100.0]], [[1.0], [1.0]], ranges=[[(0.0, 60.0)], [(30.0, 100.0)]])
    front = sample_frontier(preferences(s), n_points=200, rng=0)
    assert ((front.packages >= 30.0) & (front.packages <= 60.0)).all()
    closed = build([[0.0], [100.0]], [[1.0], [1.0]], ranges=[[(0.0, 20.0)], [(30.0, 100.0)]])
    assert len(sample_frontier(preferences(closed), rng=0)) == 0


def test_frontier_to_dict_is_json_ready() -> None:
    import json

    s = build([[20.0], [70.0]], [[1.0], [1.0]])
    d = pareto_frontier(preferences(s), grid(s, 11)).to_dict()
    assert json.loads(json.dumps(d))["size"] == 6


def test_a_space_is_processed_in_chunks_without_python_lists() -> None:
    """A space of 10^6 packages is described by 60 numbers; a chunk is an array."""
    space = DiscreteSpace(tuple("abcdef"), tuple(np.arange(10.0) for _ in range(6)))
    assert space.size == 10**6
    start, stop = next(iter(space.chunks()))
    assert isinstance(space.packages(start, stop), np.ndarray)


@settings(max_examples=40, deadline=None)
@given(small_scenarios(), st.randoms(use_true_random=False))
def test_relabelling_parties_leaves_the_frontier_and_permutes_its_utilities(
        s: Scenario, random: object) -> None:
    ids = [a.id for a in s.parties]
    order = list(range(len(ids)))
    random.shuffle(order)  # type: ignore[attr-defined]
    space = grid(s, 4)
    a = pareto_frontier(preferences(s), space)
    b = pareto_frontier(preferences(s, parties=[ids[k] for k in order]), space)
    assert np.array_equal(a.index, b.index)
    assert np.array_equal(b.utilities, a.utilities[:, order])


@pytest.mark.parametrize(("rows", "objectives", "levels"), [(1500, 8, 6), (3000, 3, 50),
                                                            (2100, 6, 1000)])
def test_nondominated_on_large_inputs_equals_all_pairs_dominance(rows: int, objectives: int,
                                                                 levels: int) -> None:
    """Beyond 256 rows the frontier uses bitset-indexed blocks; with few levels (many ties)
    and more objectives than parties usually have, it must still keep exactly the rows no
    other row dominates (>= everywhere, > somewhere), checked against all pairs."""
    rng = np.random.default_rng(rows + objectives)
    v = rng.integers(0, levels, (rows, objectives)) / levels
    ge = (v[:, None, :] >= v[None, :, :]).all(axis=2)
    gt = (v[:, None, :] > v[None, :, :]).any(axis=2)
    dominated = (ge & gt).any(axis=0)
    assert nondominated(v).tolist() == np.flatnonzero(~dominated).tolist()
