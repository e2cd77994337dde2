"""Evaluating a model, or a simulation, on a batch of draws.

A *kernel* turns a :class:`~parley.ensemble.sampling.Batch` into :class:`Outcomes`: the
outcome of every issue in every draw and, for simulations, whether and in which round each
issue was agreed. Three kinds:

* :class:`ArrayKernel` runs a model's array function on the whole batch at once: the
  compromise (:func:`~parley.models.compromise.weighted_mean`), the weighted median
  (:func:`~parley.models.median.weighted_median`), the Nash bargaining solution
  (:func:`~parley.models.nash.nash_solution`), the expected-utility model
  (:func:`~parley.models.eum_kernel.eum_kernel`) and the spatial model
  (:meth:`SpatialModel.run_batch <parley.models.spatial.SpatialModel.run_batch>`). Each
  reproduces its model's ``run`` on every draw (the tests check it).
* :class:`LoopKernel` builds a scenario per draw (:func:`~parley.ensemble.sampling.realise`)
  and calls any registered model's ``run`` on it, e.g. the exchange model.
* :class:`SimulationKernel` does the same for a simulation: any callable
  ``simulate(scenario, *, rng) -> Settlement`` (the small interface through which
  :mod:`parley.negotiation` plugs in).

Randomness: draw *b* of a chunk gets its own child of the chunk's model seed
(:func:`draw_seeds`), so a stochastic model's draws do not depend on the executor either.
With ``common=True`` every draw uses the same seed (common random numbers across the rows of
a sensitivity design).

Kernels are frozen dataclasses holding only picklable values, so that executors can ship
them to other processes and machines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from parley.ensemble.sampling import Batch, realise
from parley.errors import ParleyError
from parley.models.base import Model, get_model, parameters_of
from parley.models.compromise import Compromise, weighted_mean
from parley.models.eum_kernel import eum_kernel
from parley.models.expected_utility import ExpectedUtility
from parley.models.median import WeightedMedian, weighted_median
from parley.models.nash import NashBargaining, nash_solution
from parley.models.spatial import SpatialModel
from parley.scenario import Scenario

__all__ = [
    "ArrayKernel",
    "Kernel",
    "LoopKernel",
    "NegotiationSimulation",
    "Outcomes",
    "Settlement",
    "Simulation",
    "SimulationKernel",
    "draw_seeds",
    "kernel_for",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Outcomes:
    """What a kernel returns for ``B`` draws.

    Attributes
    ----------
    outcome : ndarray, shape (B, m)
        Outcome of each issue in each draw (``nan``: none).
    agreed : ndarray of bool, shape (B, m), optional
        Simulations: whether the issue was agreed.
    round : ndarray, shape (B, m), optional
        Simulations: the round in which it was agreed (``nan`` if it was not).
    """

    outcome: FloatArray
    agreed: BoolArray | None = None
    round: FloatArray | None = None

    @property
    def size(self) -> int:
        """Number of draws."""
        return int(self.outcome.shape[0])

    def arrays(self) -> dict[str, NDArray[Any]]:
        """The arrays by name (for the store)."""
        out: dict[str, NDArray[Any]] = {"outcome": self.outcome}
        if self.agreed is not None:
            out["agreed"] = self.agreed
        if self.round is not None:
            out["round"] = self.round
        return out

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, NDArray[Any]]) -> Outcomes:
        """Inverse of :meth:`arrays`."""
        agreed = arrays.get("agreed")
        rnd = arrays.get("round")
        return cls(np.asarray(arrays["outcome"], dtype=float),
                   None if agreed is None else np.asarray(agreed, dtype=bool),
                   None if rnd is None else np.asarray(rnd, dtype=float))

    @classmethod
    def concatenate(cls, parts: Sequence[Outcomes]) -> Outcomes:
        """Stack the draws of several parts, in order."""
        if not parts:
            raise ValueError("nothing to concatenate")
        agreed = None if any(p.agreed is None for p in parts) else np.concatenate(
            [p.agreed for p in parts if p.agreed is not None])
        rnd = None if any(p.round is None for p in parts) else np.concatenate(
            [p.round for p in parts if p.round is not None])
        return cls(np.concatenate([p.outcome for p in parts]), agreed, rnd)


@runtime_checkable
class Kernel(Protocol):
    """A model or simulation evaluated on a batch of draws."""

    @property
    def name(self) -> str:
        """The model's (or simulation's) name."""
        ...

    @property
    def parameters(self) -> dict[str, Any]:
        """Its parameters (JSON-ready), recorded with the run."""
        ...

    @property
    def chunk_size(self) -> int:
        """Draws per chunk when the caller gives none (a few seconds of work or less)."""
        ...

    def __call__(self, batch: Batch, seed: np.random.SeedSequence, *,
                 common: bool = False) -> Outcomes:
        """Evaluate every draw of ``batch``."""
        ...


def draw_seeds(seed: np.random.SeedSequence, size: int, *,
               common: bool = False) -> list[np.random.SeedSequence]:
    """One seed per draw: child ``b`` of ``seed`` (or ``seed`` itself for every draw)."""
    if common:
        return [seed] * size
    return [np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, b))
            for b in range(size)]


@dataclass(frozen=True, eq=False)
class ArrayKernel:
    """A model with an array function, run on the whole batch at once.

    Parameters
    ----------
    model : Compromise, WeightedMedian, NashBargaining, ExpectedUtility or SpatialModel
        The model (a spatial model with an accommodation matrix needs :class:`LoopKernel`).
    """

    model: Model
    SUPPORTED: ClassVar[tuple[type[Any], ...]] = (Compromise, WeightedMedian, NashBargaining,
                                                  ExpectedUtility, SpatialModel)

    def __post_init__(self) -> None:
        if not self.supports(self.model):
            raise ParleyError(f"model {self.model.name!r} has no array kernel; use LoopKernel")

    @classmethod
    def supports(cls, model: object) -> bool:
        """Whether ``model`` has an array function this kernel can call."""
        if isinstance(model, SpatialModel):
            return not model.accommodation
        return isinstance(model, cls.SUPPORTED)

    @property
    def name(self) -> str:
        """The model's name."""
        return self.model.name

    @property
    def parameters(self) -> dict[str, Any]:
        """The model's parameters."""
        return parameters_of(self.model)

    @property
    def chunk_size(self) -> int:
        """10,000 draws for the closed forms, 1,000 for the dynamic models."""
        return 1_000 if isinstance(self.model, ExpectedUtility | SpatialModel) else 10_000

    def __call__(self, batch: Batch, seed: np.random.SeedSequence, *,
                 common: bool = False) -> Outcomes:
        """Evaluate every draw of ``batch``."""
        m = self.model
        if isinstance(m, Compromise):
            return Outcomes(weighted_mean(batch.position, batch.weights()))
        if isinstance(m, WeightedMedian):
            return Outcomes(weighted_median(batch.position, batch.weights()))
        if isinstance(m, NashBargaining):
            return Outcomes(_nash(m, batch))
        if isinstance(m, ExpectedUtility):
            mask = np.broadcast_to(batch.mask, batch.position.shape)
            res = eum_kernel(batch.capability, batch.position, batch.salience, mask,
                             batch.low, batch.high, m.options())
            return Outcomes(np.asarray(res.outcome, dtype=float))
        assert isinstance(m, SpatialModel)
        return Outcomes(_spatial(m, batch, seed, common))


def _nash(model: NashBargaining, b: Batch) -> FloatArray:
    """:meth:`NashBargaining.run` on every draw (the same steps, with a batch axis)."""
    threat_point = b.status_quo.copy()
    for issue_id, value in (model.disagreement or {}).items():
        if issue_id not in b.issue_ids:
            raise ParleyError(f"nash.disagreement names issue {issue_id!r}, which the "
                              f"scenario does not declare; use one of {', '.join(b.issue_ids)}")
        threat_point[:, b.issue_ids.index(issue_id)] = value
    worst = np.maximum(np.abs(b.position - b.low), np.abs(b.high - b.position))
    tp = threat_point[:, None, :]
    threat = np.where(np.isnan(tp), worst, np.abs(tp - b.position))
    if model.power == "capability_salience":
        weight = b.weights()
    else:
        weight = np.where(b.mask & (b.salience > 0), b.capability[:, :, None], 0.0)
    position = np.where(b.mask, b.position, 0.0)
    exponent = 2.0 if model.loss == "quadratic" else 1.0
    outcome, _, _ = nash_solution(position, weight, threat, b.low, b.high, exponent=exponent)
    return outcome


def _spatial(model: SpatialModel, b: Batch, seed: np.random.SeedSequence,
             common: bool) -> FloatArray:
    """:meth:`SpatialModel.run`'s forecast on every draw, through ``run_batch``.

    The same preparation as the model's: actors with no positive salience anywhere are
    left out (draws are grouped by which actors that leaves); a missing stance sits at the
    issue's status quo (else at the capability x salience weighted mean of the others)
    with salience 0; saliences summing to more than 1 are rescaled; actors run in the
    order of their ids (KTAB's listing order with ``ktab_compat``). The forecast is the
    probability-weighted mean of the final positions. A draw in which no actor has a
    positive salience on some issue (the model refuses such a scenario) gives ``nan``.
    """
    sal = np.where(b.mask, b.salience, 0.0)
    seeds = draw_seeds(seed, b.size, common=common) if model.stochastic else None
    out = np.full((b.size, len(b.issue_ids)), np.nan)
    positive: BoolArray = np.asarray(sal > 0, dtype=bool)
    usable: BoolArray = np.all(np.any(positive, axis=1), axis=1)
    active: BoolArray = np.any(positive, axis=2)
    patterns, group = np.unique(active[usable], axis=0, return_inverse=True)
    rows_usable = np.flatnonzero(usable)
    for k, keep in enumerate(patterns):
        rows = rows_usable[np.asarray(group).ravel() == k]
        sub = Batch(tuple(a for a, on in zip(b.actor_ids, keep, strict=True) if on),
                    b.issue_ids, b.capability[rows][:, keep], b.position[rows][:, keep],
                    sal[rows][:, keep], b.status_quo[rows], b.mask[keep], b.low, b.high)
        out[rows] = _spatial_rows(model, sub, None if seeds is None else [seeds[r]
                                                                           for r in rows])
    return out


def _spatial_rows(model: SpatialModel, b: Batch,
                  seeds: list[np.random.SeedSequence] | None) -> FloatArray:
    """The spatial forecast of draws whose actors all have some positive salience."""
    sal = b.salience
    span = b.high - b.low
    pos = (b.position - b.low) / span
    if not b.mask.all():
        w = np.where(b.mask, b.capability[:, :, None] * sal, 0.0)
        mean = (w * np.where(b.mask, pos, 0.0)).sum(axis=1) / w.sum(axis=1)
        sq = (b.status_quo - b.low) / span
        fill = np.where(np.isnan(sq), mean, sq)
        pos = np.where(b.mask, pos, fill[:, None, :])
    totals = sal.sum(axis=2, keepdims=True)
    sal = np.where(totals > 1.0, sal / np.where(totals > 1.0, totals, 1.0), sal)
    if model.ktab_compat:
        order = np.arange(len(b.actor_ids))
    else:
        order = np.array(sorted(range(len(b.actor_ids)), key=lambda i: b.actor_ids[i]))
    res = model.run_batch(b.capability[:, order], pos[:, order], sal[:, order], rng=seeds)
    prob = res.probability[:, -1]
    final = res.positions[:, -1]
    outcome01 = (prob[:, :, None] * final).sum(axis=1) / prob.sum(axis=1)[:, None]
    out: FloatArray = b.low + outcome01 * span
    return out


@dataclass(frozen=True, eq=False)
class LoopKernel:
    """Any registered model, run draw by draw on a scenario built for each draw.

    Parameters
    ----------
    model : Model
        The model.
    scenario : Scenario
        The scenario whose draws the batches hold (for everything but the sampled numbers).
    """

    model: Model
    scenario: Scenario

    @property
    def name(self) -> str:
        """The model's name."""
        return self.model.name

    @property
    def parameters(self) -> dict[str, Any]:
        """The model's parameters."""
        return parameters_of(self.model)

    @property
    def chunk_size(self) -> int:
        """50 draws: each builds a scenario and runs the model in Python."""
        return 50

    def __call__(self, batch: Batch, seed: np.random.SeedSequence, *,
                 common: bool = False) -> Outcomes:
        """Run the model on every draw."""
        seeds = draw_seeds(seed, batch.size, common=common)
        out = np.empty((batch.size, len(batch.issue_ids)))
        for b in range(batch.size):
            forecast = self.model.run(realise(self.scenario, batch, b), rng=seeds[b])
            out[b] = forecast.outcome
        return Outcomes(out)


@dataclass(frozen=True, eq=False)
class Settlement:
    """What one simulated negotiation ended with, issue by issue.

    Attributes
    ----------
    outcome : ndarray, shape (m,)
        The agreed value, or what the issue ends at without agreement (``nan``: nothing).
    agreed : ndarray of bool, shape (m,)
        Whether the issue was agreed.
    round : ndarray, shape (m,)
        The round of agreement (``nan`` if none).
    """

    outcome: FloatArray
    agreed: BoolArray
    round: FloatArray


class Simulation(Protocol):
    """A simulation of the talks, as an ensemble runs it (one call per draw)."""

    @property
    def name(self) -> str:
        """Its name, recorded with the run."""
        ...

    def __call__(self, scenario: Scenario, *, rng: np.random.Generator) -> Settlement:
        """Simulate the talks on one realisation of the scenario."""
        ...


@dataclass(frozen=True, eq=False)
class SimulationKernel:
    """A simulation run draw by draw (see :class:`Simulation`).

    Parameters
    ----------
    simulation : Simulation
        Picklable (a top-level function or a frozen dataclass) for the process and Dask
        executors.
    scenario : Scenario
        The scenario whose draws the batches hold.
    simulation_parameters : mapping
        Recorded with the run.
    """

    simulation: Simulation
    scenario: Scenario
    simulation_parameters: Mapping[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The simulation's name."""
        return self.simulation.name

    @property
    def parameters(self) -> dict[str, Any]:
        """The simulation's parameters."""
        return dict(self.simulation_parameters)

    @property
    def chunk_size(self) -> int:
        """50 draws."""
        return 50

    def __call__(self, batch: Batch, seed: np.random.SeedSequence, *,
                 common: bool = False) -> Outcomes:
        """Simulate every draw."""
        seeds = draw_seeds(seed, batch.size, common=common)
        m = len(batch.issue_ids)
        out = np.empty((batch.size, m))
        agreed = np.zeros((batch.size, m), dtype=bool)
        rnd = np.full((batch.size, m), np.nan)
        for b in range(batch.size):
            s = self.simulation(realise(self.scenario, batch, b),
                                rng=np.random.default_rng(seeds[b]))
            out[b], agreed[b], rnd[b] = s.outcome, s.agreed, s.round
        return Outcomes(out, agreed, np.where(agreed, rnd, np.nan))


@dataclass(frozen=True)
class NegotiationSimulation:
    """The negotiation simulation (:func:`parley.negotiation.simulate`) as a :class:`Simulation`.

    Each draw simulates the talks on its realisation of the scenario; an issue's outcome is
    its agreed value, ``nan`` if it was not agreed.

    Parameters
    ----------
    protocol : {'alternating', 'single-text'}
        The protocol of the plenaries.
    steps : int
        Rounds of offers per session.
    grid_points : int
        Grid points per issue of the package space.
    """

    protocol: str = "alternating"
    steps: int = 10
    grid_points: int = 11

    @property
    def name(self) -> str:
        """``simulate:<protocol>``."""
        return f"simulate:{self.protocol}"

    def __call__(self, scenario: Scenario, *, rng: np.random.Generator) -> Settlement:
        """Simulate one realisation of the talks."""
        from parley.negotiation import simulate

        result = simulate(scenario, protocol=self.protocol, seed=rng, steps=self.steps,
                          grid_points=self.grid_points)
        issues = {row["issue"]: row for row in result.to_dict()["issues"]}
        rows = [issues[i.id] for i in scenario.issues]
        agreed = np.array([r["status"] == "agreed" for r in rows])
        outcome = np.array([r["value"] if r["value"] is not None else np.nan for r in rows],
                           dtype=float)
        rnd = np.array([r["round"] if r["round"] is not None else np.nan for r in rows],
                       dtype=float)
        return Settlement(outcome, agreed, rnd)


def kernel_for(model: str | Model | Kernel, scenario: Scenario,
               parameters: Mapping[str, Any] | None = None) -> Kernel:
    """The kernel that runs ``model`` on draws of ``scenario``.

    Parameters
    ----------
    model : str, Model or Kernel
        A registered model name (with ``parameters``), a model, or a ready kernel (returned
        as it is).
    scenario : Scenario
        The scenario (needed by :class:`LoopKernel`).
    parameters : mapping, optional
        The model's parameters, when ``model`` is a name.

    Examples
    --------
    >>> from parley.io import load
    >>> s = load("two-party-ceasefire")
    >>> type(kernel_for("compromise", s)).__name__, type(kernel_for("exchange", s)).__name__
    ('ArrayKernel', 'LoopKernel')
    >>> kernel_for("simulate:single-text", s).name
    'simulate:single-text'

    ``simulate`` (or ``simulate:<protocol>``) runs the negotiation simulation on each draw.
    """
    if isinstance(model, ArrayKernel | LoopKernel | SimulationKernel):
        return model
    if isinstance(model, str) and model.split(":")[0] == "simulate":
        options = dict(parameters or {})  # a resumed run's parameters hold the protocol too
        protocol = model.partition(":")[2] or options.pop("protocol", "alternating")
        options.pop("protocol", None)
        sim = NegotiationSimulation(protocol=protocol, **options)
        return SimulationKernel(sim, scenario, {"protocol": protocol, **options})
    if isinstance(model, str):
        model = get_model(model, **dict(parameters or {}))
    elif parameters:
        raise ParleyError("give parameters with a model name, not with a model object")
    if not isinstance(model, Model) and isinstance(model, Kernel):
        return model
    if ArrayKernel.supports(model):
        return ArrayKernel(model)
    return LoopKernel(model, scenario)
