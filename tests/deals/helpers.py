"""Small scenario builders and hypothesis strategies for the deal-finding tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from hypothesis import strategies as st

from parley.scenario import Scenario

Range = tuple[float, float] | None


def build(positions: Sequence[Sequence[float | None]],
          saliences: Sequence[Sequence[float]], *,
          ranges: Sequence[Sequence[Range]] | None = None,
          status_quo: Sequence[float | None] | None = None,
          reservation: Sequence[float | None] | None = None,
          ids: Sequence[str] | None = None,
          issue_ids: Sequence[str] | None = None,
          scale: tuple[float, float] = (0.0, 100.0),
          options: Sequence[Sequence[tuple[str, float]]] | None = None) -> Scenario:
    """A scenario of parties from arrays: ``positions[i][j]`` (``None``: no stance)."""
    n, m = len(positions), len(positions[0])
    actor_ids = list(ids or [f"p{i}" for i in range(n)])
    iids = list(issue_ids or [f"i{j}" for j in range(m)])
    issues: list[dict[str, Any]] = []
    for j in range(m):
        issue: dict[str, Any] = {"id": iids[j], "name": iids[j].upper(),
                                 "scale": {"low": scale[0], "high": scale[1]}}
        if status_quo is not None and status_quo[j] is not None:
            issue["status_quo"] = status_quo[j]
        if options is not None and options[j]:
            issue["options"] = [{"id": o, "value": v} for o, v in options[j]]
        issues.append(issue)
    actors: list[dict[str, Any]] = []
    for i in range(n):
        actor: dict[str, Any] = {"id": actor_ids[i], "name": actor_ids[i].upper(),
                                 "capability": 1}
        if reservation is not None and reservation[i] is not None:
            actor["reservation"] = reservation[i]
        actors.append(actor)
    stances = []
    for i in range(n):
        for j in range(m):
            p = positions[i][j]
            if p is None:
                continue
            stance: dict[str, Any] = {"actor": actor_ids[i], "issue": iids[j], "position": p,
                                      "salience": saliences[i][j]}
            if ranges is not None and ranges[i][j] is not None:
                lo, hi = ranges[i][j]  # type: ignore[misc]
                stance["acceptable"] = {"low": lo, "high": hi}
            stances.append(stance)
    return Scenario.model_validate({"name": "deals-test", "actors": actors, "issues": issues,
                                    "stances": stances})


VALUES = (0.0, 25.0, 50.0, 75.0, 100.0)


@st.composite
def small_scenarios(draw: st.DrawFn, max_parties: int = 3, max_issues: int = 3,
                    with_ranges: bool = True) -> Scenario:
    """Scenarios with 1-3 parties and 1-3 issues, values on a coarse lattice (many ties)."""
    n = draw(st.integers(1, max_parties))
    m = draw(st.integers(1, max_issues))
    positions = [[draw(st.sampled_from(VALUES)) for _ in range(m)] for _ in range(n)]
    saliences = []
    for _ in range(n):
        row = [draw(st.sampled_from((0.0, 0.25, 0.5, 1.0))) for _ in range(m)]
        if not any(row):
            row[draw(st.integers(0, m - 1))] = 1.0
        saliences.append(row)
    ranges: list[list[Range]] | None = None
    if with_ranges and draw(st.booleans()):
        ranges = []
        for i in range(n):
            row_r: list[Range] = []
            for j in range(m):
                if draw(st.booleans()):
                    p = positions[i][j]
                    lo = draw(st.sampled_from([v for v in VALUES if v <= p]))
                    hi = draw(st.sampled_from([v for v in VALUES if v >= p]))
                    row_r.append((lo, hi))
                else:
                    row_r.append(None)
            ranges.append(row_r)
    status_quo = [draw(st.one_of(st.none(), st.sampled_from(VALUES))) for _ in range(m)]
    return build(positions, saliences, ranges=ranges, status_quo=status_quo)


def dominated_mask(u: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
    """Brute force: whether each row is strictly dominated by some other row."""
    ge = (u[:, None, :] >= u[None, :, :]).all(axis=2)
    gt = (u[:, None, :] > u[None, :, :]).any(axis=2)
    out: np.ndarray = (ge & gt).any(axis=0)  # type: ignore[type-arg]
    return out
