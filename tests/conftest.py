"""Shared test fixtures: the reference data folder and small scenario builders."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from parley.scenario import Scenario

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = SHARED / "data"


@pytest.fixture
def shared_data() -> Path:
    """The reference data folder ``../shared/data``; skips the test when it is absent."""
    if not DATA.is_dir():
        pytest.skip(f"reference data not found at {DATA} (a fresh clone has no ../shared)")
    return DATA


def make_scenario(
    positions: Sequence[Sequence[float]],
    saliences: Sequence[Sequence[float]],
    capabilities: Sequence[float],
    *,
    status_quo: Sequence[float | None] | None = None,
    scale: tuple[float, float] = (0.0, 100.0),
    actor_ids: Sequence[str] | None = None,
    roles: Sequence[str] | None = None,
    name: str = "test",
) -> Scenario:
    """Build a scenario from arrays: ``positions[i][j]`` of actor i on issue j."""
    n, m = len(capabilities), len(positions[0])
    ids = list(actor_ids or [f"a{i}" for i in range(n)])
    issues: list[dict[str, Any]] = []
    for j in range(m):
        issue: dict[str, Any] = {"id": f"i{j}", "name": f"Issue {j}",
                                 "scale": {"low": scale[0], "high": scale[1]}}
        if status_quo is not None and status_quo[j] is not None:
            issue["status_quo"] = status_quo[j]
        issues.append(issue)
    return Scenario.model_validate({
        "name": name,
        "actors": [{"id": ids[i], "name": ids[i].upper(), "capability": capabilities[i],
                    "role": (roles[i] if roles else "party")} for i in range(n)],
        "issues": issues,
        "stances": [{"actor": ids[i], "issue": f"i{j}", "position": positions[i][j],
                     "salience": saliences[i][j]} for i in range(n) for j in range(m)],
    })
