"""Which uncertain inputs matter: Sobol indices and the one-at-a-time tornado.

**Sobol indices** (variance-based, global). For an output :math:`Y = f(X_1, \\dots, X_k)`
of independent inputs, the first-order index of :math:`X_i` is the share of
:math:`\\operatorname{Var} Y` that :math:`X_i` explains on its own and the total index the
share it explains with all its interactions (Sobol' 1993, 2001; Saltelli et al. 2010):

.. math::

    S_i = \\frac{\\operatorname{Var}_{X_i}(E[Y \\mid X_i])}{\\operatorname{Var} Y}, \\qquad
    S_{Ti} = \\frac{E_{X_{\\sim i}}(\\operatorname{Var}[Y \\mid X_{\\sim i}])}
    {\\operatorname{Var} Y}.

:math:`S_{Ti} = 0` means the input does not matter at all. They are estimated by SALib
(Herman & Usher 2017; Iwanaga et al. 2022): Saltelli's scheme over a scrambled Sobol'
sequence, :math:`N (k + 2)` model runs, with bootstrap confidence intervals. parley runs
the model on the design through the ensemble machinery, so any executor can do the work.
Every input of the scenario's :class:`~parley.ensemble.sampling.InputSpace` is one
:math:`X_i`, sampled through its own distribution (the design's uniforms go through each
input's inverse distribution function); every issue's outcome is one output. An output that
does not vary at all gets indices 0 (no input matters to it).

**Tornado** (one-at-a-time). Each input in turn is set to its 5 % and 95 % quantiles, every
other input staying at its point value, and the swing of each issue's outcome is recorded;
bars are sorted by swing (Clemen & Reilly 2001, ch. 5). Cheap (:math:`2k + 1` runs) and
easy to read, but blind to interactions: Sobol's total indices are the ones to trust.

Stochastic models use one model seed for every row of a design (common random numbers), so
that their own noise is not counted as an input's effect.

References
----------
.. [1] Sobol', I. M. (2001). Global sensitivity indices for nonlinear mathematical models
   and their Monte Carlo estimates. *Mathematics and Computers in Simulation* 55, 271-280.
.. [2] Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. and Tarantola, S.
   (2010). Variance based sensitivity analysis of model output. Design and estimator for
   the total sensitivity index. *Computer Physics Communications* 181(2), 259-270.
.. [3] Herman, J. and Usher, W. (2017). SALib: an open-source Python library for
   sensitivity analysis. *Journal of Open Source Software* 2(9), 97.
.. [4] Ishigami, T. and Homma, T. (1990). An importance quantification technique in
   uncertainty analysis for computer models. *Proceedings of ISUMA '90*, 398-403.
.. [5] Clemen, R. T. and Reilly, T. (2001). *Making Hard Decisions*. Duxbury.

Examples
--------
:math:`Y = X_1 + 2 X_2` with independent uniforms: the variances are 1/12 and 4/12, so
:math:`S_1 = 0.2` and :math:`S_2 = 0.8`:

>>> import numpy as np
>>> r = sobol(lambda x: x[:, 0] + 2 * x[:, 1], ("x1", "x2"), n=1024, seed=1)
>>> [round(float(v), 2) for v in r.st[0]]
[0.2, 0.8]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from parley.ensemble.executors import Executor
from parley.ensemble.kernels import Kernel, Outcomes, kernel_for
from parley.ensemble.runner import ChunkTask, _as_executor, _resolve_seed, run_chunk
from parley.ensemble.sampling import InputSpace, Jitter
from parley.errors import MissingExtraError, ParleyError, Problem, ScenarioError
from parley.models.base import Model
from parley.scenario import Scenario

__all__ = [
    "SensitivityResult",
    "SobolResult",
    "Tornado",
    "TornadoBar",
    "sensitivity",
    "sobol",
    "sobol_analysis",
    "sobol_design",
    "tornado",
]

FloatArray = NDArray[np.float64]
_PURPOSE = "Sobol sensitivity indices"


def _salib() -> tuple[Any, Any]:
    try:
        from SALib.analyze import sobol as analyze
        from SALib.sample import sobol as sample
    except ImportError:
        raise MissingExtraError("SALib", "sensitivity", _PURPOSE) from None
    return sample, analyze


@dataclass(frozen=True, eq=False)
class SobolResult:
    """Sobol indices of ``p`` outputs on ``k`` inputs.

    Attributes
    ----------
    names : tuple of str
        Inputs.
    outputs : tuple of str
        Outputs (issue ids for a scenario).
    s1, s1_conf, st, st_conf : ndarray, shape (p, k)
        First-order and total indices with the half-widths of their confidence intervals.
    n : int
        Base sample size (a power of 2); the design had ``n * (k + 2)`` rows.
    """

    names: tuple[str, ...]
    outputs: tuple[str, ...]
    s1: FloatArray
    s1_conf: FloatArray
    st: FloatArray
    st_conf: FloatArray
    n: int

    def ranking(self, output: str, top: int | None = None) -> list[tuple[str, float, float]]:
        """``(input, S1, ST)`` for one output, largest total index first."""
        j = self.outputs.index(output)
        order = sorted(range(len(self.names)), key=lambda i: -_key(self.st[j, i]))
        return [(self.names[i], float(self.s1[j, i]), float(self.st[j, i]))
                for i in order[:top]]

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        """JSON-ready: per output, the inputs by total index (at most ``top`` of them)."""
        out: dict[str, Any] = {"n": self.n, "evaluations": self.n * (len(self.names) + 2),
                               "outputs": {}}
        for j, name in enumerate(self.outputs):
            rows = []
            for input_name, _, _ in self.ranking(name, top):
                i = self.names.index(input_name)
                rows.append({"input": input_name, "S1": _num(self.s1[j, i]),
                             "S1_conf": _num(self.s1_conf[j, i]), "ST": _num(self.st[j, i]),
                             "ST_conf": _num(self.st_conf[j, i])})
            out["outputs"][name] = rows
        return out


def _key(x: float) -> float:
    return float(x) if math.isfinite(x) else -math.inf


def _num(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def sobol_design(k: int, n: int, *, seed: int | None = None) -> tuple[FloatArray, int]:
    """Saltelli's design on :math:`[0, 1]^k`: ``(n * (k + 2), k)`` rows, and ``n``.

    ``n`` is rounded up to a power of 2 (what the Sobol' sequence needs).
    """
    if k < 1:
        raise ParleyError("a Sobol design needs at least one input")
    n2 = 1 << max(0, math.ceil(math.log2(max(1, n))))
    sample, _ = _salib()
    problem = {"num_vars": k, "names": [f"x{i}" for i in range(k)], "bounds": [[0.0, 1.0]] * k}
    x = np.asarray(sample.sample(problem, n2, calc_second_order=False, scramble=True,
                                 seed=seed), dtype=float)
    return x, n2


def sobol_analysis(names: Sequence[str], y: FloatArray, *, n: int,
                   outputs: Sequence[str] | None = None, seed: int | None = None,
                   num_resamples: int = 100, conf_level: float = 0.95) -> SobolResult:
    """Sobol indices from the outputs ``y`` (``(rows,)`` or ``(rows, p)``) of a design."""
    _, analyze = _salib()
    y = np.asarray(y, dtype=float)
    y2 = y[:, None] if y.ndim == 1 else y
    k, p = len(names), y2.shape[1]
    outs = tuple(outputs) if outputs is not None else tuple(f"y{j}" for j in range(p))
    problem = {"num_vars": k, "names": list(names), "bounds": [[0.0, 1.0]] * k}
    s1, s1c, st, stc = (np.full((p, k), np.nan) for _ in range(4))
    for j in range(p):
        col = y2[:, j]
        if not np.isfinite(col).all():
            continue  # an output undefined in some rows has no indices
        if np.ptp(col) <= 1e-12 * max(1.0, float(np.abs(col).max())):
            s1[j], s1c[j], st[j], stc[j] = 0.0, 0.0, 0.0, 0.0  # nothing varies: nothing matters
            continue
        with np.errstate(all="ignore"):
            res = analyze.analyze(problem, col, calc_second_order=False,
                                  num_resamples=num_resamples, conf_level=conf_level,
                                  print_to_console=False, seed=seed)
        s1[j], s1c[j], st[j], stc[j] = res["S1"], res["S1_conf"], res["ST"], res["ST_conf"]
    return SobolResult(tuple(names), outs, s1, s1c, st, stc, n)


def sobol(func: Callable[[FloatArray], FloatArray], names: Sequence[str], *, n: int = 1024,
          bounds: Sequence[tuple[float, float]] | None = None, seed: int | None = None,
          outputs: Sequence[str] | None = None) -> SobolResult:
    """Sobol indices of ``func`` over independent uniform inputs on ``bounds``.

    Parameters
    ----------
    func : callable
        ``func(x)`` with ``x`` of shape ``(rows, k)`` returns ``(rows,)`` or ``(rows, p)``.
    names : sequence of str
        The ``k`` inputs.
    n : int
        Base sample size (rounded up to a power of 2); ``func`` sees ``n (k + 2)`` rows.
    bounds : sequence of (low, high), optional
        Each input's range (default [0, 1]).
    seed : int, optional
        Seeds the scrambling and the bootstrap.
    outputs : sequence of str, optional
        Names of the ``p`` outputs.
    """
    k = len(names)
    u, n2 = sobol_design(k, n, seed=seed)
    b = np.asarray(bounds if bounds is not None else [(0.0, 1.0)] * k, dtype=float)
    x = b[:, 0] + u * (b[:, 1] - b[:, 0])
    return sobol_analysis(names, np.asarray(func(x), dtype=float), n=n2, outputs=outputs,
                          seed=seed)


@dataclass(frozen=True)
class TornadoBar:
    """One input's swing on one issue."""

    input: str
    low_value: float
    high_value: float
    low_outcome: float
    high_outcome: float

    @property
    def swing(self) -> float:
        """``|high_outcome - low_outcome|`` (``nan`` if either is)."""
        return abs(self.high_outcome - self.low_outcome)


@dataclass(frozen=True, eq=False)
class Tornado:
    """One-at-a-time swings, per issue, largest first."""

    issue_ids: tuple[str, ...]
    base: FloatArray
    bars: Mapping[str, tuple[TornadoBar, ...]]
    quantiles: tuple[float, float]

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        """JSON-ready: per issue, the base outcome and the ``top`` widest bars."""
        return {"quantiles": list(self.quantiles), "issues": {
            issue: {"base": _num(self.base[j]), "bars": [
                {"input": b.input, "low_value": b.low_value, "high_value": b.high_value,
                 "low_outcome": _num(b.low_outcome), "high_outcome": _num(b.high_outcome),
                 "swing": _num(b.swing)} for b in self.bars[issue][:top]]}
            for j, issue in enumerate(self.issue_ids)}}


def tornado(space: InputSpace, kernel: Kernel, *, seed: int = 0,
            quantiles: tuple[float, float] = (0.05, 0.95)) -> Tornado:
    """Swing every input from its low to its high quantile, one at a time."""
    k = space.k
    u = np.full((1 + 2 * k, k), np.nan)
    for i in range(k):
        u[1 + 2 * i, i], u[2 + 2 * i, i] = quantiles
    out = run_chunk(ChunkTask(kernel, space, 0, len(u), np.random.SeedSequence(seed),
                              uniforms=u, common=True)).outcome
    issues = space.view.issue_ids
    bars: dict[str, tuple[TornadoBar, ...]] = {}
    for j, issue in enumerate(issues):
        row = []
        for i, x in enumerate(space.inputs):
            lo_v, hi_v = (float(v) for v in x.ppf(np.array(quantiles)))
            row.append(TornadoBar(x.label, lo_v, hi_v, float(out[1 + 2 * i, j]),
                                  float(out[2 + 2 * i, j])))
        bars[issue] = tuple(sorted(row, key=lambda b: -_key(b.swing)))
    return Tornado(issues, out[0], bars, quantiles)


@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """What :func:`sensitivity` found: Sobol indices and the tornado, per issue."""

    scenario: str
    scenario_hash: str
    model: str
    parameters: Mapping[str, Any]
    seed: int
    jitter: Jitter | None
    issue_names: tuple[str, ...]
    sobol: SobolResult
    tornado: Tornado

    def to_dict(self, top: int | None = 10) -> dict[str, Any]:
        """The JSON document of ``parley sensitivity --json``."""
        return {"scenario": {"name": self.scenario, "hash": self.scenario_hash},
                "model": self.model, "parameters": dict(self.parameters), "seed": self.seed,
                "jitter": None if self.jitter is None else self.jitter.to_dict(),
                "inputs": list(self.sobol.names),
                "issue_names": dict(zip(self.sobol.outputs, self.issue_names, strict=True)),
                "sobol": self.sobol.to_dict(top), "tornado": self.tornado.to_dict(top)}


def sensitivity(
    scenario: Scenario,
    model: str | Model | Kernel = "compromise",
    *,
    n: int = 512,
    seed: int | None = None,
    parameters: Mapping[str, Any] | None = None,
    jitter: Jitter | None = None,
    executor: str | Executor = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_size: int | None = None,
    quantiles: tuple[float, float] = (0.05, 0.95),
    progress: Callable[[int, int], None] | None = None,
) -> SensitivityResult:
    """Sobol indices and the tornado of every issue's outcome over the uncertain inputs.

    Parameters
    ----------
    scenario : Scenario
        The scenario (its declared uncertainties, and ``jitter``, are the inputs).
    model : str, Model or Kernel
        What to run (as :func:`~parley.ensemble.runner.run_ensemble`).
    n : int
        Sobol base sample (rounded up to a power of 2): ``n (k + 2)`` model runs.
    seed : int, optional
        Seeds the design, the bootstrap and the model (default: fresh, reported).
    executor, workers, scheduler, chunk_size
        Where and in what pieces the design's rows run.
    quantiles : (float, float)
        The tornado's low and high quantiles of each input.
    progress : callable, optional
        ``progress(done_rows, total_rows)``.
    """
    kernel = kernel_for(model, scenario, parameters)
    space = InputSpace.from_scenario(scenario, jitter)
    if space.k == 0:
        raise ScenarioError([Problem(
            "uncertainty", "sensitivity needs uncertain inputs, and this scenario declares "
            "none", scenario.name, "declare uncertainties, or pass a jitter (--jitter 0.1)")],
            scenario.name)
    master = _resolve_seed(seed) % (2**32)  # SALib's scrambling takes a 32-bit seed
    u, n2 = sobol_design(space.k, n, seed=master)
    size = chunk_size or kernel.chunk_size
    seed_seq = np.random.SeedSequence(master)
    tasks = [ChunkTask(kernel, space, c, len(u[s:s + size]), seed_seq, uniforms=u[s:s + size],
                       common=True) for c, s in enumerate(range(0, len(u), size))]
    parts: dict[int, Outcomes] = {}
    ex, own = _as_executor(executor, workers, scheduler)
    done_rows = 0
    try:
        for completed in ex.map(run_chunk, tasks):
            if completed.error is not None:
                raise ParleyError(f"the sensitivity design's rows {completed.index * size}-"
                                  f"{completed.index * size + tasks[completed.index].size - 1}"
                                  f" failed: {type(completed.error).__name__}: "
                                  f"{completed.error}") from completed.error
            parts[completed.index] = completed.value
            done_rows += tasks[completed.index].size
            if progress is not None:
                progress(done_rows, len(u))
    finally:
        if own:
            ex.close()
    y = Outcomes.concatenate([parts[c] for c in range(len(tasks))]).outcome
    issues = space.view.issue_ids
    result = sobol_analysis(space.labels, y, n=n2, outputs=issues, seed=master)
    return SensitivityResult(
        scenario=scenario.name, scenario_hash=scenario.content_hash(), model=kernel.name,
        parameters=kernel.parameters, seed=master, jitter=jitter,
        issue_names=tuple(i.name for i in scenario.issues), sobol=result,
        tornado=tornado(space, kernel, seed=master, quantiles=quantiles))

