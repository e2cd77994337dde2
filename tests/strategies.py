"""Hypothesis strategies shared by the model tests."""

from __future__ import annotations

from hypothesis import strategies as st

from parley.scenario import Scenario
from tests.conftest import make_scenario


@st.composite
def scenarios(draw: st.DrawFn, max_actors: int = 6, max_issues: int = 3,
              status_quo: bool = True) -> Scenario:
    """Random scenarios: 2..max_actors actors, 1..max_issues issues on 0-100, every stance
    present, saliences in [0.05, 1], capabilities in [0.1, 100], optional status quo."""
    n = draw(st.integers(2, max_actors))
    m = draw(st.integers(1, max_issues))
    pos = st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 3))
    positions = [[draw(pos) for _ in range(m)] for _ in range(n)]
    saliences = [[draw(st.floats(0.05, 1.0)) for _ in range(m)] for _ in range(n)]
    caps = [draw(st.floats(0.1, 100.0)) for _ in range(n)]
    sq = [draw(st.one_of(st.none(), pos)) for _ in range(m)] if status_quo else None
    return make_scenario(positions, saliences, caps, status_quo=sq)
