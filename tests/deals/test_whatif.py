"""What would it take: minimal red-line, reservation and position changes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from parley.deals.space import grid
from parley.deals.utility import preferences
from parley.deals.whatif import (
    agreement_exists,
    issue_fixes,
    package_fixes,
    what_would_it_take,
)
from parley.deals.zopa import issue_zopas
from parley.scenario import Scenario
from tests.deals.helpers import build, small_scenarios


def test_either_side_can_close_a_two_party_gap() -> None:
    """Russia needs >= 75, Ukraine <= 50: Russia lowers to 50 or Ukraine raises to 75,
    25 points (a quarter of the scale) either way."""
    s = build([[100.0], [0.0]], [[1.0], [1.0]], ids=["russia", "ukraine"],
              issue_ids=["donbas"], ranges=[[(75.0, 100.0)], [(0.0, 50.0)]])
    (w,) = issue_fixes(preferences(s))
    assert [(f.party, f.changes[0].field, f.changes[0].new, f.size, f.relative)
            for f in w.fixes] == [("russia", "acceptable.low", 50.0, 25.0, 0.25),
                                  ("ukraine", "acceptable.high", 75.0, 25.0, 0.25)]


def test_only_the_party_in_every_conflict_can_fix_it_alone() -> None:
    """a needs >= 80, b <= 20, c <= 30: b or c alone leaves the other conflict; a lowering
    to min(20, 30) = 20 (60 points) opens a one-point zone."""
    s = build([[90.0], [10.0], [20.0]], [[1.0]] * 3, ids=["a", "b", "c"],
              ranges=[[(80.0, 100.0)], [(0.0, 20.0)], [(0.0, 30.0)]])
    (w,) = issue_fixes(preferences(s))
    assert w.smallest is not None
    assert [f.party for f in w.fixes] == ["a"]
    assert (w.smallest.changes[0].new, w.smallest.size) == (20.0, 60.0)


def test_two_conflicts_on_one_side_cannot_be_fixed_by_either_alone() -> None:
    """a >= 80, b <= 20, c >= 90: only b is in both conflicts (it raises to 90). Add
    d <= 10 and two parties sit on each side: no single party opens the zone."""
    s = build([[90.0], [10.0], [95.0]], [[1.0]] * 3, ids=["a", "b", "c"],
              ranges=[[(80.0, 100.0)], [(0.0, 20.0)], [(90.0, 100.0)]])
    (w,) = issue_fixes(preferences(s))
    assert [f.party for f in w.fixes] == ["b"]  # b alone: raise to 90
    s2 = build([[90.0], [10.0], [5.0], [95.0]], [[1.0]] * 4, ids=["a", "b", "c", "d"],
               ranges=[[(80.0, 100.0)], [(0.0, 20.0)], [(0.0, 10.0)], [(90.0, 100.0)]])
    (w2,) = issue_fixes(preferences(s2))
    assert w2.fixes == ()
    assert w2.smallest is None


@settings(max_examples=80, deadline=None)
@given(small_scenarios())
def test_applying_an_issue_fix_opens_that_zone(s: Scenario) -> None:
    prefs = preferences(s)
    for w in issue_fixes(prefs):
        j = prefs.issue_index(w.issue)
        for fix in w.fixes:
            i = prefs.party_index(fix.party)
            lo, hi = prefs.acceptable_low.copy(), prefs.acceptable_high.copy()
            (change,) = fix.changes
            (lo if change.field == "acceptable.low" else hi)[i, j] = change.new
            assert lo[:, j].max() <= hi[:, j].min()


def test_reservation_and_position_fixes_on_a_hand_computed_deadlock() -> None:
    """One issue, status quo 50, a at 0 and b at 100 (r = 0.5 each): any move hurts one.

    Reservation: b strictly gains only for x > 50, where a gets at most U(60) = 0.4 on the
    11-point grid, so a's walk-away must fall from 0.5 below 0.4 (size 0.1).
    Positions: a moving to p > 50 (towards b's 100) has r = 1 - |50 - p|/100 and strictly
    gains at x = 60 iff |60 - p| < |50 - p|, i.e. p > 55: alpha just above 0.55.
    No red-line change helps (there are no red lines, and no package beats no deal)."""
    s = build([[0.0], [100.0]], [[1.0], [1.0]], ids=["a", "b"], status_quo=[50.0])
    prefs, space = preferences(s), grid(s, 11)
    fixes = package_fixes(prefs, space)
    kinds = {(f.party, f.kind): f for f in fixes}
    assert ("a", "red_lines") not in kinds
    assert ("b", "red_lines") not in kinds
    res = kinds[("a", "reservation")]
    assert (res.changes[0].old, res.changes[0].new) == pytest.approx((0.5, 0.4))
    assert res.package == (60.0,)
    assert res.size == pytest.approx(0.1)
    assert kinds[("b", "reservation")].package == (40.0,)
    pos = kinds[("a", "positions")]
    assert pos.changes[0].new == pytest.approx(55.0, abs=0.2)
    assert pos.size == pytest.approx(55.0, abs=0.2)


def test_red_line_fix_for_packages_sums_the_issue_gaps() -> None:
    """Two issues, each with a gap of 25 between a's lower and b's upper bound, no status
    quo (no deal is worth 0): b widening both upper bounds by 25 (0.5 of a scale in all)
    makes (75, 75) acceptable to both; a's fix is symmetric."""
    s = build([[100.0, 100.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 1.0]], ids=["a", "b"],
              ranges=[[(75.0, 100.0), (75.0, 100.0)], [(0.0, 50.0), (0.0, 50.0)]])
    prefs, space = preferences(s), grid(s, 5)
    w = what_would_it_take(prefs, space)
    assert not w.agreement
    assert [z.empty for z in issue_zopas(prefs)] == [True, True]
    fix = next(f for f in w.packages if f.party == "b" and f.kind == "red_lines")
    assert fix.relative == pytest.approx(0.5)
    assert fix.size == pytest.approx(50.0)
    assert [(c.issue, c.field, c.new) for c in fix.changes] == [
        ("i0", "acceptable.high", 75.0), ("i1", "acceptable.high", 75.0)]
    assert w.smallest("red_lines") is not None


def test_nothing_to_fix_when_a_zone_exists() -> None:
    s = build([[20.0], [40.0]], [[1.0], [1.0]], status_quo=[100.0])
    prefs, space = preferences(s), grid(s, 11)
    assert agreement_exists(prefs, space)
    w = what_would_it_take(prefs, space)
    assert w.agreement
    assert w.packages == ()
    assert w.issues == ()
    assert package_fixes(prefs, space) == ()


@settings(max_examples=30, deadline=None)
@given(small_scenarios(max_parties=2, max_issues=2))
def test_applying_a_package_fix_opens_a_zone(s: Scenario) -> None:
    prefs, space = preferences(s), grid(s, 5)
    for fix in package_fixes(prefs, space):
        i = prefs.party_index(fix.party)
        if fix.kind == "red_lines":
            lo, hi = prefs.acceptable_low.copy(), prefs.acceptable_high.copy()
            for c in fix.changes:
                (lo if c.field == "acceptable.low" else hi)[i, prefs.issue_index(c.issue)] = c.new
            from dataclasses import replace
            assert agreement_exists(replace(prefs, acceptable_low=lo, acceptable_high=hi),
                                    space)
        elif fix.kind == "reservation":
            assert agreement_exists(prefs.with_reservation(fix.party, fix.changes[0].new - 1e-9),
                                    space)
        else:
            pos = prefs.position[i].copy()
            for c in fix.changes:
                pos[prefs.issue_index(c.issue)] = c.new
            assert agreement_exists(prefs.with_positions(fix.party, pos), space)


def test_to_dict_is_json_ready() -> None:
    import json

    s = build([[0.0], [100.0]], [[1.0], [1.0]], ids=["a", "b"], status_quo=[50.0],
              ranges=[[(0.0, 60.0)], [(40.0, 100.0)]])
    d = what_would_it_take(preferences(s), grid(s, 11)).to_dict()
    assert json.loads(json.dumps(d, allow_nan=False))["agreement"] is False
    assert np.isfinite([f["size"] for f in d["packages"]]).all()
