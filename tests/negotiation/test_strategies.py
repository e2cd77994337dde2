"""Concession strategies against hand-computed targets."""

from __future__ import annotations

import pytest

from parley.errors import ParleyError
from parley.negotiation.strategies import (
    HardLiner,
    Moment,
    Staller,
    TimeDependent,
    TitForTat,
    boulware,
    conceder,
    linear,
    parse_strategy,
)


def test_time_dependent_targets_follow_faratin_formula() -> None:
    """u(t) = u_max - (u_max - u_res) t^(1/e), u_max 1, u_res 0.2, t = 0.5:
    Boulware e = 1/4: 1 - 0.8 * 0.5^4 = 0.95; linear: 1 - 0.8 * 0.5 = 0.6;
    Conceder e = 4: 1 - 0.8 * 0.5^0.25 = 1 - 0.8 * 0.840896 = 0.327283."""
    m = Moment(t=0.5, u_max=1.0, u_res=0.2)
    assert boulware().target(m) == pytest.approx(0.95)
    assert linear().target(m) == pytest.approx(0.6)
    assert conceder().target(m) == pytest.approx(0.327283, abs=1e-6)


def test_time_dependent_starts_at_best_and_ends_at_walk_away() -> None:
    for strat in (boulware(), linear(), conceder()):
        assert strat.target(Moment(t=0.0, u_max=0.9, u_res=0.3)) == pytest.approx(0.9)
        assert strat.target(Moment(t=1.0, u_max=0.9, u_res=0.3)) == pytest.approx(0.3)


def test_pressure_multiplies_the_exponent() -> None:
    """Pressure 2 on e = 0.25 is e = 0.5: at t = 0.5, 1 - 0.8 * 0.5^2 = 0.8."""
    m = Moment(t=0.5, u_max=1.0, u_res=0.2, pressure=2.0)
    assert boulware().target(m) == pytest.approx(0.8)
    assert boulware().target(m) == pytest.approx(TimeDependent(0.5).target(
        Moment(t=0.5, u_max=1.0, u_res=0.2)))


def test_staller_concedes_at_most_delta_of_its_range() -> None:
    """delta = 0.5, e = 1, u_max 1, u_res 0.4: at t = 1 the target is 1 - 0.6 * 0.5 = 0.7;
    at t = 0.5: 1 - 0.6 * 0.5^0.5 * 0.5 = 1 - 0.212132 = 0.787868."""
    s = Staller(exponent=1.0, delta=0.5)
    assert s.target(Moment(t=1.0, u_max=1.0, u_res=0.4)) == pytest.approx(0.7)
    assert s.target(Moment(t=0.5, u_max=1.0, u_res=0.4)) == pytest.approx(0.787868, abs=1e-6)


def test_tit_for_tat_concedes_what_the_others_conceded() -> None:
    """Previous target 0.9; b's offers went from 0.3 to 0.4 for me (+0.1), c's from 0.5 to
    0.6 (+0.1): the mean concession 0.1 lowers the target to 0.8."""
    m = Moment(t=0.3, u_max=1.0, u_res=0.2, previous=0.9,
               received=(("b", 0.3), ("c", 0.5), ("b", 0.4), ("c", 0.6)))
    assert TitForTat().target(m) == pytest.approx(0.8)
    first = Moment(t=0.0, u_max=0.95, u_res=0.2)
    assert TitForTat().target(first) == 0.95


def test_hard_liner_never_concedes() -> None:
    for t in (0.0, 0.5, 1.0):
        assert HardLiner().target(Moment(t=t, u_max=0.8, u_res=0.1, pressure=3)) == 0.8


def test_parse_strategy_names_and_errors() -> None:
    assert parse_strategy("time:0.5") == TimeDependent(0.5, "time:0.5")
    assert parse_strategy("staller:0.3") == Staller(delta=0.3)
    assert isinstance(parse_strategy("Hard-Liner"), HardLiner)
    with pytest.raises(ParleyError, match="unknown strategy"):
        parse_strategy("stubborn")
    with pytest.raises(ParleyError, match="delta"):
        parse_strategy("staller:2")
