"""Small scenarios for the negotiation tests, built by hand."""

from __future__ import annotations

from typing import Any

from parley.scenario import Scenario


def one_issue(a_red: tuple[float, float] = (0, 60), b_red: tuple[float, float] = (40, 100),
              mediator: float | None = None, extra: dict[str, Any] | None = None) -> Scenario:
    """A at 0, B at 100 on one issue 0-100, equal salience, the given red lines."""
    actors: list[dict[str, Any]] = [{"id": "a", "name": "A", "capability": 1},
                                    {"id": "b", "name": "B", "capability": 1}]
    stances: list[dict[str, Any]] = [
        {"actor": "a", "issue": "x", "position": 0, "salience": 1,
         "acceptable": {"low": a_red[0], "high": a_red[1]}},
        {"actor": "b", "issue": "x", "position": 100, "salience": 1,
         "acceptable": {"low": b_red[0], "high": b_red[1]}}]
    if mediator is not None:
        actors.append({"id": "m", "name": "M", "role": "mediator", "capability": 1})
        stances.append({"actor": "m", "issue": "x", "position": mediator, "salience": 1})
    data: dict[str, Any] = {"name": "one-issue", "actors": actors,
                            "issues": [{"id": "x", "name": "X"}], "stances": stances}
    data.update(extra or {})
    return Scenario.model_validate(data)


def two_issues() -> Scenario:
    """Issue x: red lines overlap on [40, 60]; issue y: A <= 30, B >= 70 (no overlap)."""
    return Scenario.model_validate({
        "name": "two-issues",
        "actors": [{"id": "a", "name": "A", "capability": 1},
                   {"id": "b", "name": "B", "capability": 1}],
        "issues": [{"id": "x", "name": "X"}, {"id": "y", "name": "Y"}],
        "stances": [
            {"actor": "a", "issue": "x", "position": 0, "salience": 0.5,
             "acceptable": {"low": 0, "high": 60}},
            {"actor": "a", "issue": "y", "position": 0, "salience": 0.5,
             "acceptable": {"low": 0, "high": 30}},
            {"actor": "b", "issue": "x", "position": 100, "salience": 0.5,
             "acceptable": {"low": 40, "high": 100}},
            {"actor": "b", "issue": "y", "position": 100, "salience": 0.5,
             "acceptable": {"low": 70, "high": 100}}]})
