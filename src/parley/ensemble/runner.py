"""Running an ensemble: chunks, seeds, executors, the store, reassembly and resume.

An ensemble of ``n_runs`` draws is cut into chunks of ``chunk_size`` draws. Chunk *c* gets
the seed ``SeedSequence(seed, spawn_key=(c,))``, which is what
``SeedSequence(seed).spawn(C)[c]`` returns (O'Neill 2015; numpy's ``SeedSequence``):
statistically independent streams, and the numbers of chunk *c* depend only on the master
seed, *c* and the chunk size. Within a chunk each input has its own stream
(:func:`~parley.ensemble.sampling.input_stream`) and each draw its own model seed
(:func:`~parley.ensemble.kernels.draw_seeds`).

Chunks are handed to an executor (:mod:`parley.ensemble.executors`), which reports them as
they complete, in any order; results are put back by chunk index. The same master seed and
chunk size therefore give the same numbers, bit for bit, in-process, in a process pool or
on a Dask cluster, with any number of workers and whatever fails and is retried on the way.

With a store, the run is recorded before the first chunk, each chunk is written as soon as
it completes (:mod:`parley.store.chunks`), and the summary at the end.
:func:`resume_ensemble` reads the run's recorded specification (model, parameters,
draws, seed, chunk size, jitter) and scenario, and computes only the chunks not stored: an
ensemble interrupted by Ctrl-C, a crash or ``kill -9`` finishes with the result it would
have had. A chunk that raises does not stop the others: they are stored, and a
:class:`ChunkError` lists each failed chunk with its seed, which :func:`replay_chunk` runs
alone, in-process, for its traceback.

References
----------
.. [1] O'Neill, M. E. (2015). PCG: a family of simple fast space-efficient statistically
   good algorithms for random number generation. Technical report HMC-CS-2014-0905, Harvey
   Mudd College (the seeding scheme numpy's ``SeedSequence`` follows).
.. [2] numpy developers. *Parallel random number generation*.
   https://numpy.org/doc/stable/reference/random/parallel.html

Examples
--------
>>> from parley.io import load
>>> r = run_ensemble(load("geneva-2026"), "compromise", n_runs=2000, seed=1,
...                  chunk_size=500)
>>> r.outcome.shape, r.spec.n_chunks
((2000, 6), 4)
>>> again = run_ensemble(load("geneva-2026"), "compromise", n_runs=2000, seed=1,
...                      chunk_size=500)
>>> bool((r.outcome == again.outcome).all())
True
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from parley.ensemble.executors import Executor, get_executor
from parley.ensemble.kernels import Kernel, Outcomes, kernel_for
from parley.ensemble.sampling import InputSpace, Jitter, input_stream
from parley.ensemble.summary import QUANTILES, RedLines, summarise
from parley.errors import ParleyError, StoreError
from parley.models.base import Model
from parley.scenario import Scenario
from parley.store import RunStore

__all__ = [
    "ChunkError",
    "ChunkFailure",
    "ChunkTask",
    "EnsembleResult",
    "EnsembleSpec",
    "Progress",
    "load_ensemble",
    "model_seed",
    "replay_chunk",
    "resume_ensemble",
    "run_chunk",
    "run_ensemble",
]

FloatArray = NDArray[np.float64]

#: ``progress(done_draws, total_draws)``, called as chunks complete.
Progress = Callable[[int, int], None]

_MODEL_STREAM = "\x00model"  # no input label starts with a NUL


@dataclass(frozen=True)
class EnsembleSpec:
    """Everything that determines an ensemble's numbers.

    Attributes
    ----------
    model : str
        The model's (or simulation's) name.
    parameters : mapping
        Its parameters.
    n_runs : int
        Number of draws.
    seed : int
        The master seed.
    chunk_size : int
        Draws per chunk.
    jitter : Jitter or None
        Noise for numbers that declare no uncertainty.
    """

    model: str
    parameters: Mapping[str, Any]
    n_runs: int
    seed: int
    chunk_size: int
    jitter: Jitter | None = None

    def __post_init__(self) -> None:
        for name in ("n_runs", "chunk_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ParleyError(f"ensemble {name} must be a whole number >= 1; got "
                                  f"{value!r}. Fix: e.g. {name}=1000")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ParleyError(f"ensemble seed must be a whole number >= 0; got {self.seed!r}. "
                              "Fix: e.g. seed=42")

    @property
    def n_chunks(self) -> int:
        """Number of chunks (the last may be short)."""
        return -(-self.n_runs // self.chunk_size)

    def chunk_draws(self, index: int) -> tuple[int, int]:
        """``(start, size)``: the draws of chunk ``index``."""
        start = index * self.chunk_size
        return start, min(self.chunk_size, self.n_runs - start)

    def chunk_seed(self, index: int) -> np.random.SeedSequence:
        """``SeedSequence(seed).spawn(n_chunks)[index]``."""
        return np.random.SeedSequence(self.seed, spawn_key=(index,))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (recorded as the run's parameters)."""
        return {"model": self.model, "parameters": dict(self.parameters),
                "n_runs": self.n_runs, "seed": self.seed, "chunk_size": self.chunk_size,
                "jitter": None if self.jitter is None else self.jitter.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EnsembleSpec:
        """Inverse of :meth:`to_dict`."""
        try:
            return cls(model=str(data["model"]), parameters=dict(data["parameters"]),
                       n_runs=int(data["n_runs"]), seed=int(data["seed"]),
                       chunk_size=int(data["chunk_size"]),
                       jitter=Jitter.from_dict(data.get("jitter")))
        except (KeyError, TypeError, ValueError) as err:
            raise StoreError(f"the run's parameters are not an ensemble specification "
                             f"({err!r}). Fix: resume a run of kind 'ensemble'") from None


def model_seed(chunk_seed: np.random.SeedSequence) -> np.random.SeedSequence:
    """The seed of a chunk's model randomness (a stream apart from every input's)."""
    return input_stream(chunk_seed, _MODEL_STREAM)


@dataclass(frozen=True, eq=False)
class ChunkTask:
    """One chunk of work, as shipped to an executor (picklable).

    ``uniforms`` (``(size, k)``, ``nan`` for point values) replaces the chunk's own draws
    when given, e.g. the rows of a sensitivity design; ``common`` gives every draw the same
    model seed.
    """

    kernel: Kernel
    space: InputSpace
    index: int
    size: int
    seed: np.random.SeedSequence
    uniforms: FloatArray | None = None
    common: bool = False


def run_chunk(task: ChunkTask) -> Outcomes:
    """Draw a chunk's inputs and evaluate the kernel on them."""
    u = task.uniforms if task.uniforms is not None else task.space.uniforms(task.seed,
                                                                            task.size)
    return task.kernel(task.space.transform(u), model_seed(task.seed), common=task.common)


@dataclass(frozen=True)
class ChunkFailure:
    """A chunk that raised: where it is, its seed, and the error."""

    index: int
    start: int
    size: int
    entropy: int
    spawn_key: tuple[int, ...]
    error: str

    def describe(self) -> str:
        """One line for the error message."""
        return (f"chunk {self.index} (draws {self.start}-{self.start + self.size - 1}; seed "
                f"entropy {self.entropy}, spawn_key {self.spawn_key}): {self.error}")


class ChunkError(ParleyError):
    """Some chunks of an ensemble raised; the others completed (and were stored)."""

    def __init__(self, failures: list[ChunkFailure], total: int, run_id: str | None) -> None:
        self.failures = tuple(failures)
        self.run_id = run_id
        stored = (f"the other {total - len(failures)} are stored in run {run_id}; fix the "
                  f"cause and finish it with --resume {run_id}" if run_id else
                  f"the other {total - len(failures)} completed")
        lines = "\n".join(f"  - {f.describe()}" for f in failures)
        super().__init__(
            f"{len(failures)} of {total} chunks failed ({stored}):\n{lines}\n"
            "Fix: replay a chunk alone, with its traceback, with "
            "parley.ensemble.replay_chunk(scenario, spec, index)")


@dataclass(frozen=True, eq=False)
class EnsembleResult:
    """An ensemble's draws and what they say.

    Attributes
    ----------
    scenario : str
        Scenario name; ``scenario_hash`` its exact content.
    spec : EnsembleSpec
        What determines the numbers.
    issue_ids, issue_names : tuple of str
        The issues, in scenario order.
    low, high : ndarray, shape (m,)
        Scale bounds.
    red_lines : RedLines
        The parties' acceptable ranges.
    outcomes : Outcomes
        Every draw's outcome (and, for simulations, agreement and its round).
    inputs : tuple of str
        Labels of the sampled inputs.
    run_id : str or None
        The stored run, if any.
    executor : str
        Where the chunks ran (the numbers do not depend on it).
    resumed_chunks : int
        Chunks read from the store instead of computed.
    """

    scenario: str
    scenario_hash: str
    spec: EnsembleSpec
    issue_ids: tuple[str, ...]
    issue_names: tuple[str, ...]
    low: FloatArray
    high: FloatArray
    red_lines: RedLines
    outcomes: Outcomes
    inputs: tuple[str, ...] = ()
    run_id: str | None = None
    executor: str = "local"
    resumed_chunks: int = 0

    @property
    def outcome(self) -> FloatArray:
        """``(n_runs, m)`` outcomes."""
        return self.outcomes.outcome

    def summary(self, *, quantiles: tuple[float, ...] = QUANTILES,
                bins: int = 20) -> dict[str, Any]:
        """Distributions and agreement probabilities (:func:`~.summary.summarise`)."""
        return summarise(self.outcomes.outcome, self.issue_ids, self.low, self.high,
                         self.red_lines, agreed=self.outcomes.agreed,
                         rounds=self.outcomes.round, quantiles=quantiles, bins=bins)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``parley ensemble --json`` (no per-draw values)."""
        doc = self.summary()
        return {
            "scenario": {"name": self.scenario, "hash": self.scenario_hash},
            "model": self.spec.model,
            "parameters": dict(self.spec.parameters),
            "ensemble": self.spec.to_dict(),
            "inputs": list(self.inputs),
            "run_id": self.run_id,
            "executor": self.executor,
            "resumed_chunks": self.resumed_chunks,
            "issue_names": dict(zip(self.issue_ids, self.issue_names, strict=True)),
            "scale": {i: [float(lo), float(hi)] for i, lo, hi in
                      zip(self.issue_ids, self.low, self.high, strict=True)},
            **doc,
        }


def _resolve_seed(seed: int | None) -> int:
    return secrets.randbits(63) if seed is None else seed


def _open_store(store: RunStore | str | Path | None) -> tuple[RunStore | None, bool]:
    if store is None or isinstance(store, RunStore):
        return store, False
    return RunStore(store), True


def _as_executor(executor: str | Executor, workers: int | None,
                 scheduler: str | None) -> tuple[Executor, bool]:
    if isinstance(executor, Executor):
        return executor, False
    return get_executor(executor, workers=workers, scheduler=scheduler), True


def run_ensemble(
    scenario: Scenario,
    model: str | Model | Kernel = "compromise",
    *,
    n_runs: int = 1000,
    seed: int | None = None,
    parameters: Mapping[str, Any] | None = None,
    jitter: Jitter | None = None,
    chunk_size: int | None = None,
    executor: str | Executor = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    store: RunStore | str | Path | None = None,
    progress: Progress | None = None,
    started: Callable[[str], None] | None = None,
) -> EnsembleResult:
    """Run ``model`` on ``n_runs`` draws of ``scenario``'s uncertain inputs.

    Parameters
    ----------
    scenario : Scenario
        The scenario; its declared uncertainties (and ``jitter``) are sampled.
    model : str, Model or Kernel
        A registered model name (``parameters`` apply), a model, or a kernel
        (:mod:`parley.ensemble.kernels`, e.g. a :class:`SimulationKernel`).
    n_runs : int
        Number of draws.
    seed : int, optional
        Master seed (default: a fresh random one, recorded with the run).
    parameters : mapping, optional
        The model's parameters, with a model name.
    jitter : Jitter, optional
        Noise for numbers that declare no uncertainty.
    chunk_size : int, optional
        Draws per chunk (default: the kernel's; part of what fixes the numbers).
    executor : {'local', 'processes', 'dask'} or Executor
        Where chunks run. An executor given by name is closed at the end.
    workers : int, optional
        Worker processes for ``processes`` or a local Dask cluster.
    scheduler : str, optional
        Address of a Dask scheduler (``dask`` only).
    store : RunStore or path, optional
        Record the run, its chunks as they complete, and its summary.
    progress : callable, optional
        ``progress(done_draws, total_draws)`` after each chunk.
    started : callable, optional
        ``started(run_id)`` once the run is recorded (before the first chunk).

    Returns
    -------
    EnsembleResult

    Raises
    ------
    ChunkError
        If chunks raised (the others are stored; the run stays resumable).
    ScenarioError
        If the scenario declares no uncertainty and no jitter is given.
    """
    kernel = kernel_for(model, scenario, parameters)
    space = InputSpace.from_scenario(scenario, jitter)
    if space.k == 0:
        from parley.errors import Problem, ScenarioError

        raise ScenarioError([Problem(
            "uncertainty", "an ensemble needs uncertain inputs, and this scenario declares "
            "none", scenario.name, "declare an uncertainty on some number (e.g. "
            "{value: 40, uncertainty: {kind: triangular, low: 30, mode: 40, high: 55}}), "
            "or pass a jitter (--jitter 0.1)")], scenario.name)
    spec = EnsembleSpec(kernel.name, kernel.parameters, n_runs, _resolve_seed(seed),
                        chunk_size or kernel.chunk_size, jitter)
    st, own_store = _open_store(store)
    try:
        run_id = None
        if st is not None:
            from parley.store.chunks import start_run

            run_id = start_run(st, kind="ensemble", scenario=scenario, model=spec.model,
                               parameters=spec.to_dict(), seed=spec.seed).id
            if started is not None:
                started(run_id)
        return _execute(scenario, kernel, space, spec, executor, workers, scheduler, st,
                        run_id, {}, progress)
    finally:
        if own_store and st is not None:
            st.close()


def resume_ensemble(
    run_id: str,
    *,
    store: RunStore | str | Path,
    executor: str | Executor = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
    kernel: Kernel | None = None,
) -> EnsembleResult:
    """Finish a stored ensemble run, computing only the chunks not stored.

    The model, parameters, draws, seed, chunk size, jitter and scenario are the run's
    own, so the result is the one an uninterrupted run would have given. ``kernel`` is
    needed only for a run of a custom kernel (a simulation), and must be the same.
    """
    st, own_store = _open_store(store)
    assert st is not None
    try:
        run, spec, scenario, done, finished = _stored(st, run_id)
        if kernel is None:
            kernel = kernel_for(spec.model, scenario, spec.parameters)
        if kernel.name != spec.model:
            raise ParleyError(f"run {run} ran {spec.model!r}; the kernel given runs "
                              f"{kernel.name!r}. Fix: pass the run's own kernel")
        space = InputSpace.from_scenario(scenario, spec.jitter)
        return _execute(scenario, kernel, space, spec, executor, workers, scheduler, st,
                        run, done, progress, finished=finished)
    finally:
        if own_store:
            st.close()


def load_ensemble(run_id: str, *, store: RunStore | str | Path) -> EnsembleResult:
    """Reassemble a complete ensemble run from its stored chunks (nothing is computed)."""
    st, own_store = _open_store(store)
    assert st is not None
    try:
        run, spec, scenario, done, _ = _stored(st, run_id)
        if len(done) < spec.n_chunks:
            raise StoreError(f"run {run} is not complete ({len(done)} of {spec.n_chunks} "
                             f"chunks stored). Fix: finish it with --resume {run}")
        space = InputSpace.from_scenario(scenario, spec.jitter)
        return _result(scenario, space, spec, done, run, "store", len(done))
    finally:
        if own_store:
            st.close()


def _stored(st: RunStore, run_id: str) -> tuple[str, EnsembleSpec, Scenario,
                                                  dict[int, Outcomes], bool]:
    """A stored run: its full id, specification, scenario, stored chunks, whether ok."""
    from parley.store.chunks import load_chunks

    record = st.get_run(run_id)
    if record.kind != "ensemble":
        raise StoreError(f"run {record.id} is a {record.kind!r} run, not an ensemble. "
                         "Fix: give the id of an ensemble run (parley runs)")
    spec = EnsembleSpec.from_dict(record.parameters)
    scenario = st.get_scenario(record.scenario_hash)
    done: dict[int, Outcomes] = {}
    for index, chunk in load_chunks(st, record.id).items():
        size = spec.chunk_draws(index)[1] if index < spec.n_chunks else -1
        seed = spec.chunk_seed(index)
        if chunk.draws != size or chunk.seed["entropy"] != seed.entropy \
                or tuple(chunk.seed["spawn_key"]) != seed.spawn_key:
            raise StoreError(f"chunk {index} of run {record.id} does not match the run's "
                             "specification (draws or seed differ). Fix: the store is "
                             "damaged; run the ensemble again")
        done[index] = Outcomes.from_arrays(chunk.arrays)
    return record.id, spec, scenario, done, record.status == "ok"


def _execute(scenario: Scenario, kernel: Kernel, space: InputSpace, spec: EnsembleSpec,
             executor: str | Executor, workers: int | None, scheduler: str | None,
             store: RunStore | None, run_id: str | None, done: dict[int, Outcomes],
             progress: Progress | None, *, finished: bool = False) -> EnsembleResult:
    """Run the chunks not in ``done``, store each, reassemble, summarise."""
    resumed = len(done)
    todo = [c for c in range(spec.n_chunks) if c not in done]
    tasks = [ChunkTask(kernel, space, c, spec.chunk_draws(c)[1], spec.chunk_seed(c))
             for c in todo]
    drawn = sum(o.size for o in done.values())
    if progress is not None:
        progress(drawn, spec.n_runs)
    failures: list[ChunkFailure] = []
    ex, own = (None, False) if not tasks else _as_executor(executor, workers, scheduler)
    name = executor if isinstance(executor, str) else executor.name
    try:
        if ex is not None:
            for completed in ex.map(run_chunk, tasks):
                task = tasks[completed.index]
                if completed.error is not None:
                    seed = task.seed
                    failures.append(ChunkFailure(
                        task.index, spec.chunk_draws(task.index)[0], task.size,
                        spec.seed, tuple(int(k) for k in seed.spawn_key),
                        f"{type(completed.error).__name__}: {completed.error}"))
                    continue
                chunk_result: Outcomes = completed.value
                done[task.index] = chunk_result
                if store is not None and run_id is not None:
                    from parley.store.chunks import save_chunk

                    save_chunk(store, run_id, task.index, seed={
                        "entropy": task.seed.entropy,
                        "spawn_key": list(task.seed.spawn_key)}, arrays=chunk_result.arrays())
                drawn += chunk_result.size
                if progress is not None:
                    progress(drawn, spec.n_runs)
    finally:
        if own and ex is not None:
            ex.close()
    if failures:
        failures.sort(key=lambda f: f.index)
        if store is not None and run_id is not None:
            from parley.store.chunks import finish_run

            finish_run(store, run_id, status="failed", result={
                "failed_chunks": [f.__dict__ | {"spawn_key": list(f.spawn_key)}
                                  for f in failures]})
        raise ChunkError(failures, spec.n_chunks, run_id)
    result = _result(scenario, space, spec, done, run_id, name, resumed)
    if store is not None and run_id is not None and not (finished and not tasks):
        from parley.store.chunks import finish_run

        finish_run(store, run_id, result=result.to_dict())
    return result


def _result(scenario: Scenario, space: InputSpace, spec: EnsembleSpec,
            done: Mapping[int, Outcomes], run_id: str | None, executor: str,
            resumed: int) -> EnsembleResult:
    """Reassemble the chunks by index into an :class:`EnsembleResult`."""
    return EnsembleResult(
        scenario=scenario.name, scenario_hash=scenario.content_hash(), spec=spec,
        issue_ids=tuple(i.id for i in scenario.issues),
        issue_names=tuple(i.name for i in scenario.issues),
        low=np.array([i.scale.low for i in scenario.issues]),
        high=np.array([i.scale.high for i in scenario.issues]),
        red_lines=RedLines.from_scenario(scenario),
        outcomes=Outcomes.concatenate([done[c] for c in range(spec.n_chunks)]),
        inputs=space.labels, run_id=run_id, executor=executor, resumed_chunks=resumed)


def replay_chunk(scenario: Scenario, spec: EnsembleSpec, index: int, *,
                 kernel: Kernel | None = None) -> Outcomes:
    """Run chunk ``index`` of the ensemble ``spec`` alone, in this process.

    Gives exactly the chunk's numbers (or raises its error, with a full traceback): the
    way to debug a chunk that a :class:`ChunkError` reported.
    """
    if not 0 <= index < spec.n_chunks:
        raise ParleyError(f"chunk index must be in [0, {spec.n_chunks - 1}]; got {index!r}. "
                          "Fix: take the index from the ChunkError")
    kern = kernel if kernel is not None else kernel_for(spec.model, scenario, spec.parameters)
    space = InputSpace.from_scenario(scenario, spec.jitter)
    return run_chunk(ChunkTask(kern, space, index, spec.chunk_draws(index)[1],
                               spec.chunk_seed(index)))
