"""Tuning a model's parameters on the train split, for scoring once on the held-out split.

A :class:`TuningSpec` names a registered model and a grid of its constructor parameters.
:func:`tune` runs every point of the grid on the *train* issues of the committed split
(:mod:`parley.backtest.split`) and keeps the point with the fewest failures and, among
those, the lowest mean absolute error (ties: the first in grid order). The backtest then
scores the chosen model once, on the *test* issues only, and marks its figures
``held-out``. Nothing is tuned by default: every figure of the default leaderboard is an
untuned, full-sample figure.

Examples
--------
>>> spec = TuningSpec("nash", {"loss": ["quadratic", "linear"]})
>>> parameter_grid(spec.grid)
[{'loss': 'quadratic'}, {'loss': 'linear'}]
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from parley.backtest.scoring import predict
from parley.io.deu import DeuIssue
from parley.models.base import get_model
from parley.scenario import Scenario

__all__ = ["TuningResult", "TuningSpec", "parameter_grid", "tune"]


@dataclass(frozen=True)
class TuningSpec:
    """A model to tune and the grid of parameters to try.

    Attributes
    ----------
    model : str
        Registered model name.
    grid : mapping of parameter name to sequence of values
        Every combination is tried (the Cartesian product, in the given order).
    """

    model: str
    grid: Mapping[str, Sequence[Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {"model": self.model, "grid": {k: list(v) for k, v in self.grid.items()}}


@dataclass(frozen=True)
class TuningResult:
    """What tuning chose, and how every grid point did on the train issues."""

    model: str
    scheme: str
    parameters: Mapping[str, Any]
    train_mae: float | None
    tried: tuple[Mapping[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {"model": self.model, "scheme": self.scheme,
                "parameters": dict(self.parameters), "train_mae": self.train_mae,
                "tried": [dict(t) for t in self.tried]}


def parameter_grid(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the grid's values, first key varying slowest."""
    keys = list(grid)
    return [dict(zip(keys, values, strict=True))
            for values in itertools.product(*(grid[k] for k in keys))]


def tune(spec: TuningSpec, scenarios: Sequence[Scenario | None], issues: Sequence[DeuIssue],
         *, scheme: str, seed: int) -> TuningResult:
    """Choose ``spec``'s parameters on ``issues`` (the train issues) and their scenarios.

    Raises
    ------
    ParleyError
        If the model is unknown or a grid point is not a valid parameter set.
    """
    outcome = np.array([np.nan if i.outcome is None else i.outcome for i in issues])
    tried: list[dict[str, Any]] = []
    best: tuple[int, float, int] | None = None
    best_params: dict[str, Any] = {}
    best_mae: float | None = None
    for k, params in enumerate(parameter_grid(spec.grid) or [{}]):
        model = get_model(spec.model, **params)
        pred, failures = predict(model, scenarios, issues, scheme=scheme, seed=seed)
        err = np.abs(pred - outcome)
        ok = np.isfinite(err)
        mae = float(err[ok].mean()) if ok.any() else None
        tried.append({"parameters": params, "train_mae": mae, "n": int(ok.sum()),
                      "failed": len(failures)})
        key = (len(failures), np.inf if mae is None else mae, k)
        if best is None or key < best:
            best, best_params, best_mae = key, params, mae
    return TuningResult(spec.model, scheme, best_params, best_mae, tuple(tried))
