"""Cross-check of the Pareto frontier, Nash and Kalai-Smorodinsky points against NegMAS.

NegMAS (0.16.0) is the outside oracle. ``bench/oracle_negmas_deals.py`` generated 40 seeded
random discrete problems with parley (2-4 parties, 2-4 issues of 3-6 values, linear or
quadratic loss, explicit or status-quo walk-aways), exported each one as issue values,
per-issue value utilities, weights and reserved values (``problems.json``), rebuilt it in
NegMAS in a separate virtual environment (``LinearAdditiveUtilityFunction`` per party) and
stored what NegMAS's ``pareto_frontier``, ``nash_points``, ``ks_points`` and
``kalai_points`` return (``negmas.json``). These tests need no NegMAS: they rebuild each
problem from its parley scenario and compare parley's answers with the stored ones.

Definitions, and how the comparison reconciles them (docs/deals.md has the counts):

* **Frontier.** NegMAS keeps the outcomes with every utility at least the reserved value,
  then the non-dominated ones, one per utility vector; parley keeps every package (ties
  included). Compared: the sets of utility vectors. In the ``ties`` family (positions on
  the issue values, equal saliences) many utilities are equal in exact arithmetic and
  differ by one unit in the last place depending on how the sum was formed, so either
  side may keep a package that exact arithmetic says is dominated (by a real margin on
  one party, an exact tie broken by rounding on another). Such a vector is dominated with
  a tolerance of 1e-9 within its own side's frontier; after removing those, the two
  frontiers are the same set. On the ``random`` family both frontiers are the same set
  as returned.
* **Disagreement point.** NegMAS measures gains from ``max(reserved value, the ufun's
  minimum over the outcome space)``; parley from the reservation. The comparison passes
  NegMAS's point to parley's functions.
* **Nash.** Both maximise the product of gains; NegMAS returns every frontier point
  within 1e-12 of the best product, parley one of them (largest total gain).
* **Kalai-Smorodinsky.** NegMAS's ideal point is each ufun's maximum over the whole
  outcome space, parley's default the maximum over the deals: the comparison passes
  NegMAS's ideal. NegMAS then *minimises the spread* ``max_i a_i - min_i a_i`` of the
  normalised gains ``a_i = (U_i - d_i) / (ideal_i - d_i)``, parley *maximises the least*
  ``min_i a_i`` (ties leximin). Both pick the equal-share point on a continuous frontier;
  on a finite one they can differ. The tests check each side's optimality under its own
  criterion and that parley's point is NegMAS's whenever NegMAS's point also has the
  largest least share.
* **NegMAS's ``kalai_points``** is Kalai's (1977) egalitarian solution (max-min absolute
  gain), compared with :func:`parley.deals.egalitarian_index`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from parley.deals import (
    DiscreteSpace,
    Frontier,
    Preferences,
    egalitarian_index,
    kalai_smorodinsky_index,
    nash_index,
    pareto_frontier,
    preferences,
    space_utilities,
)
from parley.scenario import parse_scenario

FloatArray = NDArray[np.float64]
DATA = Path(__file__).resolve().parents[1] / "data" / "negmas_deals"
EPS = 1e-9      # utilities closer than this are the same number (rounding is ~1e-16)
SAME = 1e-12    # NegMAS's and parley's utilities of the same package


@cache
def _fixtures() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    problems = json.loads((DATA / "problems.json").read_text(encoding="utf-8"))["problems"]
    answers = json.loads((DATA / "negmas.json").read_text(encoding="utf-8"))["problems"]
    assert [p["name"] for p in problems] == [a["name"] for a in answers]
    return problems, answers


NAMES = [p["name"] for p in _fixtures()[0]]


class Case:
    """One problem: parley's preferences, space and frontier, and NegMAS's answers."""

    def __init__(self, name: str) -> None:
        problems, answers = _fixtures()
        k = NAMES.index(name)
        self.problem, self.negmas = problems[k], answers[k]
        scenario = parse_scenario(self.problem["scenario"], name)
        self.prefs: Preferences = preferences(scenario, loss=self.problem["loss"])
        self.space = DiscreteSpace(self.prefs.issue_ids, tuple(
            np.array(issue["values"], dtype=float) for issue in self.problem["issues"]))
        self.frontier: Frontier = pareto_frontier(self.prefs, self.space)
        n = self.prefs.n_parties
        self.negmas_frontier = np.array([p["utilities"] for p in self.negmas["frontier"]],
                                        dtype=float).reshape(-1, n)
        ranges = np.array(self.negmas["ranges"], dtype=float)
        self.low, self.ideal = ranges[:, 0], ranges[:, 1]
        self.disagreement = np.maximum(self.prefs.reservation, self.low)

    def points(self, key: str) -> FloatArray:
        out: FloatArray = np.array([p["utilities"] for p in self.negmas[key]],
                                   dtype=float).reshape(-1, self.prefs.n_parties)
        return out


@cache
def case(name: str) -> Case:
    return Case(name)


def with_deals() -> list[str]:
    """Problems where NegMAS found a deal (read from the fixture, nothing computed)."""
    return [a["name"] for a in _fixtures()[1] if a["frontier"]]


def family(name: str) -> str:
    return str(_fixtures()[0][NAMES.index(name)]["family"])


def _near(row: FloatArray, rows: FloatArray) -> bool:
    return bool(rows.size) and bool((np.abs(rows - row).max(axis=1) <= EPS).any())


def _eps_dominated(row: FloatArray, rows: FloatArray) -> bool:
    """Some row is >= ``row`` - EPS everywhere and > ``row`` + EPS somewhere."""
    return bool(((rows >= row - EPS).all(axis=1) & (rows > row + EPS).any(axis=1)).any())


def _artefacts(rows: FloatArray) -> list[int]:
    """Rows dominated within EPS by another row of the same frontier (rounding kept them)."""
    return [k for k, row in enumerate(rows) if _eps_dominated(row, rows)]


def _same_set(a: FloatArray, b: FloatArray) -> bool:
    return all(_near(r, b) for r in a) and all(_near(r, a) for r in b)


# ---------------------------------------------------------------------------------------
# The fixture is what parley's scenario says


@pytest.mark.parametrize("name", NAMES)
def test_exported_value_utilities_follow_the_loss_of_the_distance_to_the_position(
        name: str) -> None:
    """Value utility v_ij(x) = 1 - l(|x - p_ij| / 100) on the 0-100 scales, weights the
    saliences over their sum, reserved values parley's walk-aways: the NegMAS problem is the
    scenario that parley rebuilds."""
    c = case(name)
    scenario = c.problem["scenario"]
    power = 2 if c.problem["loss"] == "quadratic" else 1
    for party in c.problem["parties"]:
        stances = {s["issue"]: s for s in scenario["stances"] if s["actor"] == party["id"]}
        total = sum(float(s["salience"]) for s in stances.values())
        for issue, weight, table in zip(c.problem["issues"], party["weights"],
                                        party["utilities"], strict=True):
            stance = stances[issue["id"]]
            assert weight == pytest.approx(float(stance["salience"]) / total, abs=1e-15)
            expected = [1 - (abs(v - float(stance["position"])) / 100.0) ** power
                        for v in issue["values"]]
            assert table == pytest.approx(expected, abs=1e-15)
    reserved = [p["reserved_value"] for p in c.problem["parties"]]
    np.testing.assert_allclose(c.prefs.reservation, reserved, atol=1e-15)
    assert c.negmas["reserved_values"] == pytest.approx(reserved, abs=0)


@pytest.mark.parametrize("name", with_deals())
def test_parley_utilities_of_negmas_frontier_outcomes_equal_negmas_linear_additive_sums(
        name: str) -> None:
    """NegMAS sums w_ij v_ij(x_j); parley computes 1 - sum w_ij l_ij: the same numbers."""
    c = case(name)
    outcomes = np.array([p["outcome"] for p in c.negmas["frontier"]], dtype=float)
    np.testing.assert_allclose(c.prefs.utilities(outcomes), c.negmas_frontier, rtol=0,
                               atol=SAME)


@pytest.mark.parametrize("name", NAMES)
def test_each_partys_utility_range_over_the_space_matches_negmas_minmax(name: str) -> None:
    """NegMAS's ``minmax`` (per-issue extremes of a linear additive ufun) equals the
    smallest and largest utility over every package enumerated by parley."""
    c = case(name)
    u = space_utilities(c.prefs, c.space)
    np.testing.assert_allclose(u.min(axis=0), c.low, rtol=0, atol=SAME)
    np.testing.assert_allclose(u.max(axis=0), c.ideal, rtol=0, atol=SAME)


# ---------------------------------------------------------------------------------------
# Frontier


@pytest.mark.parametrize("name", NAMES)
def test_frontier_has_the_same_utility_vectors_as_negmas_up_to_rounding_artefacts(
        name: str) -> None:
    """Every vector on one side is on the other (to 1e-9) or is dominated, with a 1e-9
    tolerance, within its own frontier (kept only because a tie was broken by rounding);
    without those the two frontiers are the same set."""
    c = case(name)
    ours, theirs = c.frontier.utilities, c.negmas_frontier
    assert (ours.shape[0] == 0) == (theirs.shape[0] == 0)
    for rows, other in ((ours, theirs), (theirs, ours)):
        for k, row in enumerate(rows):
            assert _near(row, other) or k in _artefacts(rows), (name, row)
    clean_ours = np.delete(ours, _artefacts(ours), axis=0)
    clean_theirs = np.delete(theirs, _artefacts(theirs), axis=0)
    assert _same_set(clean_ours, clean_theirs)


@pytest.mark.parametrize("name", [n for n in NAMES if family(n) == "random"])
def test_frontier_equals_negmas_exactly_as_returned_when_no_utilities_tie(name: str) -> None:
    """With saliences drawn at random no two sums are equal in exact arithmetic, so
    rounding decides nothing: the frontiers agree as returned."""
    c = case(name)
    assert _same_set(c.frontier.utilities, c.negmas_frontier)
    assert _artefacts(c.frontier.utilities) == []
    assert _artefacts(c.negmas_frontier) == []


@pytest.mark.parametrize("name", with_deals())
def test_negmas_frontier_outcomes_are_deals_with_utilities_on_parley_frontier(
        name: str) -> None:
    """Each outcome NegMAS reports gives every party at least its reservation in parley,
    and (unless it is a rounding artefact) a utility vector of parley's frontier."""
    c = case(name)
    outcomes = np.array([p["outcome"] for p in c.negmas["frontier"]], dtype=float)
    assert c.prefs.deal_mask(outcomes).all()
    artefacts = _artefacts(c.negmas_frontier)
    for k, u in enumerate(c.prefs.utilities(outcomes)):
        assert k in artefacts or _near(u, c.frontier.utilities)


def test_rounding_artefacts_occur_only_where_utilities_tie_in_exact_arithmetic() -> None:
    """Artefacts need equal sums, which only the ``ties`` family has; there are some,
    so the tolerance in the frontier test is exercised."""
    found = {name: (len(_artefacts(case(name).frontier.utilities)),
                    len(_artefacts(case(name).negmas_frontier))) for name in with_deals()}
    assert all(family(n) == "ties" for n, k in found.items() if sum(k))
    assert sum(sum(k) for k in found.values()) > 0


# ---------------------------------------------------------------------------------------
# Nash, Kalai-Smorodinsky, egalitarian


def _pick(rows: FloatArray, index: int | None) -> FloatArray:
    assert index is not None
    out: FloatArray = rows[index]
    return out


@pytest.mark.parametrize("name", with_deals())
def test_nash_point_is_among_negmas_nash_points_with_negmas_disagreement_point(
        name: str) -> None:
    """max prod_i (U_i - d_i), d_i = max(r_i, min U_i): parley's point is one of the
    points NegMAS returns (all within 1e-12 of its best product) and has the same product."""
    c = case(name)
    u, d = c.frontier.utilities, c.disagreement
    mine = _pick(u, nash_index(u, d))
    theirs = c.points("nash")
    assert _near(mine, theirs)
    assert np.prod(mine - d) == pytest.approx(np.prod(theirs - d, axis=1).max(), abs=1e-12)


@pytest.mark.parametrize("name", with_deals())
def test_egalitarian_point_is_among_negmas_kalai_points(name: str) -> None:
    """NegMAS's ``kalai_points`` maximise min_i (U_i - d_i) (Kalai 1977): parley's
    egalitarian point with NegMAS's disagreement point is one of them."""
    c = case(name)
    u, d = c.frontier.utilities, c.disagreement
    assert _near(_pick(u, egalitarian_index(u, d)), c.points("kalai"))


def _shares(c: Case, rows: FloatArray) -> FloatArray:
    out: FloatArray = (rows - c.disagreement) / (c.ideal - c.disagreement)
    return out


@pytest.mark.parametrize("name", with_deals())
def test_negmas_ks_points_are_the_least_spread_shares_on_parley_frontier(name: str) -> None:
    """NegMAS's KS criterion, min over the frontier of max_i a_i - min_i a_i with
    a_i = (U_i - d_i) / (ideal_i - d_i), evaluated on parley's frontier, picks exactly the
    utility vectors that NegMAS returns (ties within 1e-12 included)."""
    c = case(name)
    u = np.delete(c.frontier.utilities, _artefacts(c.frontier.utilities), axis=0)
    a = _shares(c, u)
    spread = a.max(axis=1) - a.min(axis=1)
    assert _same_set(u[spread <= spread.min() + 1e-12], c.points("ks"))


@pytest.mark.parametrize("name", with_deals())
def test_ks_point_with_negmas_ideal_maximises_the_least_share_and_is_negmas_when_it_does(
        name: str) -> None:
    """parley (ideal = NegMAS's maximum over the space) has a least share a_i no smaller
    than any NegMAS KS point's; NegMAS's points have a spread no larger than parley's; and
    when a NegMAS point reaches parley's least share, parley's point is one of NegMAS's."""
    c = case(name)
    u, d = c.frontier.utilities, c.disagreement
    mine = _pick(u, kalai_smorodinsky_index(u, d, ideal=c.ideal))
    theirs = c.points("ks")
    least_mine, least_theirs = _shares(c, mine).min(), _shares(c, theirs).min(axis=1)
    spread_mine = np.ptp(_shares(c, mine))
    assert (least_theirs <= least_mine + EPS).all()
    assert (np.ptp(_shares(c, theirs), axis=1) <= spread_mine + EPS).all()
    if (least_theirs >= least_mine - EPS).any():
        assert _near(mine, theirs)
