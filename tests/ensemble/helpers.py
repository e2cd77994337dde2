"""Small scenarios and test doubles shared by the ensemble tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from parley.ensemble.executors.base import Completed, Executor
from parley.ensemble.kernels import Outcomes
from parley.ensemble.sampling import Batch
from parley.models.compromise import weighted_mean
from parley.scenario import Scenario


def toy(*, pos_a: Any = 20.0, pos_b: Any = 80.0, cap_a: Any = 2.0, cap_b: Any = 1.0,
        sal_a: Any = 0.5, sal_b: Any = 1.0, acceptable: bool = True,
        second_issue: bool = False) -> Scenario:
    """Two parties on one issue x (0..100); A accepts [0, 60], B accepts [40, 100].

    Any number may be given as a quantity mapping with an uncertainty.
    """
    stances: list[dict[str, Any]] = [
        {"actor": "a", "issue": "x", "position": pos_a, "salience": sal_a},
        {"actor": "b", "issue": "x", "position": pos_b, "salience": sal_b},
    ]
    if acceptable:
        stances[0]["acceptable"] = {"low": 0, "high": 60}
        stances[1]["acceptable"] = {"low": 40, "high": 100}
    issues: list[dict[str, Any]] = [{"id": "x", "name": "X"}]
    if second_issue:
        issues.append({"id": "y", "name": "Y"})
        stances += [{"actor": "a", "issue": "y", "position": 10, "salience": 0.5},
                    {"actor": "b", "issue": "y", "position": 90, "salience": 0.5}]
    return Scenario.model_validate({
        "name": "toy",
        "actors": [{"id": "a", "name": "A", "capability": cap_a},
                   {"id": "b", "name": "B", "capability": cap_b}],
        "issues": issues,
        "stances": stances,
    })


def uniform(low: float, high: float, value: float | None = None) -> dict[str, Any]:
    mid = (low + high) / 2 if value is None else value
    return {"value": mid, "uncertainty": {"kind": "uniform", "low": low, "high": high}}


@dataclass(frozen=True, eq=False)
class MeanKernel:
    """The compromise, with hooks: fail on some chunks, count calls (test double)."""

    name: str = "compromise"
    fail_on: frozenset[int] = frozenset()
    calls: list[int] = field(default_factory=list)

    @property
    def parameters(self) -> dict[str, Any]:
        return {}

    @property
    def chunk_size(self) -> int:
        return 100

    def __call__(self, batch: Batch, seed: np.random.SeedSequence, *,
                 common: bool = False) -> Outcomes:
        self.calls.append(batch.size)
        chunk = seed.spawn_key[0]
        if chunk in self.fail_on:
            raise ValueError(f"boom in chunk {chunk}")
        return Outcomes(weighted_mean(batch.position, batch.weights()))


class ReversedExecutor(Executor):
    """Runs every task, then reports them last to first (a worst-case completion order)."""

    name = "reversed"

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Completed]:
        done = [Completed(i, fn(t)) for i, t in enumerate(tasks)]
        yield from reversed(done)


class InterruptingExecutor(Executor):
    """Completes ``after`` tasks, then raises KeyboardInterrupt (as Ctrl-C would)."""

    name = "interrupting"

    def __init__(self, after: int) -> None:
        self.after = after

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Completed]:
        for i, t in enumerate(tasks):
            if i == self.after:
                raise KeyboardInterrupt
            yield Completed(i, fn(t))
