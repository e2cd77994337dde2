"""The one model interface, the :class:`Forecast` it returns, and the model registry.

A model is a frozen dataclass that holds only its parameters. ``run(scenario, *, rng)``
returns a new :class:`Forecast`: the predicted outcome per issue and, for dynamic models,
the history of every actor's position per round, plus diagnostics.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from parley.errors import ParleyError
from parley.rng import SeedLike
from parley.scenario import Scenario

__all__ = [
    "Forecast",
    "Model",
    "get_model",
    "make_forecast",
    "model_names",
    "parameters_of",
    "register",
]


@runtime_checkable
class Model(Protocol):
    """What every forecasting model provides."""

    name: ClassVar[str]

    def run(self, scenario: Scenario, *, rng: SeedLike = None) -> Forecast:
        """Forecast the outcome of ``scenario``."""
        ...


@dataclass(frozen=True, eq=False)
class Forecast:
    """A model's forecast of one scenario.

    Attributes
    ----------
    model : str
        Registered name of the model.
    parameters : mapping
        The model's parameters (its dataclass fields).
    scenario : str
        Scenario name; ``scenario_hash`` identifies its exact content.
    issue_ids : tuple of str
        Issue ids, in scenario order.
    outcome : ndarray, shape (m,)
        Predicted outcome per issue on the issue's scale (``nan`` where no actor has a stance).
    actor_ids : tuple of str
        Actor ids that ``history`` rows refer to.
    history : ndarray, shape (rounds + 1, n, m), optional
        Every actor's position per round, for dynamic models (row 0: the input).
    diagnostics : mapping
        Model-specific facts (rounds, convergence, variant used), JSON-ready.
    """

    model: str
    parameters: Mapping[str, Any]
    scenario: str
    scenario_hash: str
    issue_ids: tuple[str, ...]
    outcome: NDArray[np.float64]
    actor_ids: tuple[str, ...] = ()
    history: NDArray[np.float64] | None = None
    diagnostics: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, issue_id: str) -> float:
        """The outcome on one issue."""
        try:
            return float(self.outcome[self.issue_ids.index(issue_id)])
        except ValueError:
            raise KeyError(f"no issue {issue_id!r} in this forecast; known: "
                           f"{list(self.issue_ids)}") from None

    def outcomes(self) -> dict[str, float]:
        """``{issue id: outcome}``."""
        return {i: float(x) for i, x in zip(self.issue_ids, self.outcome, strict=True)}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (``nan`` becomes ``None``)."""
        out: dict[str, Any] = {
            "model": self.model,
            "parameters": _jsonable(dict(self.parameters)),
            "scenario": self.scenario,
            "scenario_hash": self.scenario_hash,
            "outcome": {k: _num(v) for k, v in self.outcomes().items()},
            "diagnostics": _jsonable(dict(self.diagnostics)),
        }
        if self.history is not None:
            out["history"] = {
                "actors": list(self.actor_ids),
                "positions": _jsonable(self.history.tolist()),
            }
        return out


def _num(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, float):
        return _num(obj)
    if isinstance(obj, np.generic):
        return _jsonable(obj.item())
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    return obj


def parameters_of(model: object) -> dict[str, Any]:
    """A dataclass model's parameters as a dict."""
    if dataclasses.is_dataclass(model) and not isinstance(model, type):
        return {f.name: getattr(model, f.name) for f in dataclasses.fields(model)}
    return {}


_REGISTRY: dict[str, type[Any]] = {}
M = TypeVar("M", bound=type[Any])


def register(cls: M) -> M:
    """Class decorator: register a model class under its ``name``."""
    _REGISTRY[cls.name] = cls
    return cls


def model_names() -> list[str]:
    """Names of every registered model, in registration order."""
    _load_builtin()
    return list(_REGISTRY)


def get_model(name: str, **parameters: Any) -> Model:
    """Instantiate a registered model by name.

    >>> get_model("compromise").name
    'compromise'
    """
    _load_builtin()
    try:
        cls = _REGISTRY[name]
    except KeyError:
        raise ParleyError(f"unknown model {name!r}; choose one of: "
                          f"{', '.join(_REGISTRY)}") from None
    try:
        model: Model = cls(**parameters)
    except TypeError as err:
        raise ParleyError(f"bad parameters for model {name!r}: {err}") from None
    return model


def _load_builtin() -> None:
    import parley.models  # noqa: F401  (registers the built-in models)




def make_forecast(model: Model, scenario: Scenario, outcome: NDArray[np.float64],
                  **extra: Any) -> Forecast:
    """Build a :class:`Forecast` for ``model`` on ``scenario`` (shared by every model)."""
    return Forecast(
        model=model.name,
        parameters=parameters_of(model),
        scenario=scenario.name,
        scenario_hash=scenario.content_hash(),
        issue_ids=tuple(i.id for i in scenario.issues),
        outcome=np.asarray(outcome, dtype=float),
        **extra,
    )
